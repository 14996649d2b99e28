/// Formats doubles the way ECMAScript's `Number.prototype.toString()` does, as RFC 8785 requires.
///
/// The shortest round-trip digits come from Swift's `Double.description` (shortest digits, closest to
/// the exact value); this type only re-lays them out in ECMAScript's format (ECMA-262, Number::toString):
/// plain digits for magnitudes in [1e-6, 1e21), otherwise `d.ddde±x`; `-0` is written `0`.
enum ECMAScriptNumber {
    /// The ECMAScript string for a finite double.
    static func string(_ value: Double) -> String {
        var out: [UInt8] = []
        append(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the ECMAScript string for a finite double.
    static func append(_ value: Double, to out: inout [UInt8]) {
        precondition(value.isFinite, "ECMAScript number formatting needs a finite value")
        if value == 0 {
            out.append(ASCII.zero)  // both +0 and -0
            return
        }
        if value < 0 {
            out.append(ASCII.minus)
        }
        // Significant digits without leading or trailing zeros, and the decimal exponent n such that
        // the value is 0.d1d2…dk × 10^n (ECMA-262's s × 10^(n-k)).
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for 24 digits; 17 are ever needed
        var k = 0
        var integerLength = 0
        var leadingZeros = 0
        var seenPoint = false
        var seenNonZero = false
        var exponent = 0
        var exponentNegative = false
        var inExponent = false
        withUnsafeMutableBytes(of: &digits) { digitBuffer in
            var description = value.magnitude.description
            description.withUTF8 { text in
                for c in text {
                    if inExponent {
                        if c == ASCII.minus {
                            exponentNegative = true
                        } else if c != ASCII.plus {
                            exponent = exponent * 10 + Int(c - ASCII.zero)
                        }
                    } else if c == ASCII.dot {
                        seenPoint = true
                    } else if c == ASCII.lowerE || c == ASCII.upperE {
                        inExponent = true
                    } else {
                        if !seenPoint { integerLength += 1 }
                        if c == ASCII.zero && !seenNonZero {
                            leadingZeros += 1
                        } else {
                            seenNonZero = true
                            digitBuffer[k] = c
                            k += 1
                        }
                    }
                }
            }
            while k > 1 && digitBuffer[k - 1] == ASCII.zero { k -= 1 }
            let n = integerLength - leadingZeros + (exponentNegative ? -exponent : exponent)
            let d = UnsafeBufferPointer(
                start: digitBuffer.baseAddress!.assumingMemoryBound(to: UInt8.self), count: k)
            layOut(digits: d, n: n, to: &out)
        }
    }

    /// ECMA-262 Number::toString steps 6–10 for digits s (k of them) and exponent n.
    private static func layOut(digits d: UnsafeBufferPointer<UInt8>, n: Int, to out: inout [UInt8]) {
        let k = d.count
        if k <= n && n <= 21 {
            out.append(contentsOf: d)
            for _ in 0..<(n - k) { out.append(ASCII.zero) }
        } else if 0 < n && n <= 21 {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: d[0..<n]))
            out.append(ASCII.dot)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: d[n..<k]))
        } else if -6 < n && n <= 0 {
            out.append(ASCII.zero)
            out.append(ASCII.dot)
            for _ in 0..<(-n) { out.append(ASCII.zero) }
            out.append(contentsOf: d)
        } else {
            let e = n - 1
            out.append(d[0])
            if k > 1 {
                out.append(ASCII.dot)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: d[1..<k]))
            }
            out.append(ASCII.lowerE)
            out.append(e < 0 ? ASCII.minus : ASCII.plus)
            out.append(contentsOf: String(e.magnitude).utf8)
        }
    }
}
