import ExtrasBase64

/// Standard base64 (RFC 4648 §4, `+` and `/`, padded with `=`), decoded strictly.
///
/// swift-extras-base64 does the decoding; this layer adds what it leaves to the caller:
/// padding is required, `=` may only end the text, and the bits the last character leaves
/// unused must be zero, so each byte string has exactly one accepted text.
enum StrictBase64 {
    /// Why a text is not canonical base64.
    enum Failure: Error, Equatable {
        case badLength(Int)
        case misplacedPadding(offset: Int)
        case invalidCharacter(UInt8, offset: Int)
        case nonZeroTrailingBits

        var reason: String {
            switch self {
            case .badLength(let n): return "base64 text of \(n) characters is not a multiple of 4 (padding '=' is required)"
            case .misplacedPadding(let offset): return "'=' at offset \(offset) is not at the end of the base64 text"
            case .invalidCharacter(let c, let offset):
                return "byte 0x\(String(c, radix: 16)) at offset \(offset) is not in the standard base64 alphabet"
            case .nonZeroTrailingBits: return "the last base64 character has non-zero unused bits (not canonical)"
            }
        }
    }

    @inline(__always)
    static func isAlphabet(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"):
            return true
        default:
            return false
        }
    }

    @inline(__always)
    static func value(_ c: UInt8) -> UInt8 {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return c - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return c - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): return 62
        default: return 63
        }
    }

    /// Checks the canonical form and returns the decoded length.
    static func validate(_ text: UnsafeBufferPointer<UInt8>) throws(Failure) -> Int {
        let n = text.count
        guard n % 4 == 0 else { throw .badLength(n) }
        if n == 0 { return 0 }
        var padding = 0
        if text[n - 1] == UInt8(ascii: "=") { padding = 1 }
        if padding == 1, text[n - 2] == UInt8(ascii: "=") { padding = 2 }
        for i in 0..<(n - padding) where !isAlphabet(text[i]) {
            if text[i] == UInt8(ascii: "=") { throw .misplacedPadding(offset: i) }
            throw .invalidCharacter(text[i], offset: i)
        }
        let last = value(text[n - padding - 1])
        if padding == 1, last & 0b11 != 0 { throw .nonZeroTrailingBits }
        if padding == 2, last & 0b1111 != 0 { throw .nonZeroTrailingBits }
        return n / 4 * 3 - padding
    }

    /// Decodes canonical base64 into `output`, which must hold at least `text.count / 4 * 3` bytes.
    /// Returns the number of bytes written. Allocates nothing, and reads the text once.
    ///
    /// swift-extras-base64 decodes and rejects characters outside the alphabet (`=` included)
    /// everywhere but in the last quad. What it leaves to its caller is checked here, on the last
    /// quad only: padding present, `=` only as trailing padding, and zero bits under the padding.
    /// Text it refuses goes to `validate`, which names the problem.
    static func decode(_ text: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>) throws(Failure) -> Int {
        let n = text.count
        if n == 0 { return 0 }
        precondition(output.count >= n / 4 * 3, "base64 output buffer too small")
        if n % 4 == 0 {
            let equals = UInt8(ascii: "=")
            let padding = text[n - 1] == equals ? (text[n - 2] == equals ? 2 : 1) : 0
            let lastData = value(text[n - padding - 1])
            let canonicalEnd =
                (padding == 0 && text[n - 2] != equals) || (padding == 1 && lastData & 0b11 == 0)
                || (padding == 2 && lastData & 0b1111 == 0)
            var span = output.mutableSpan
            if canonicalEnd, let length = try? Base64.decode(bytes: text.span, into: &span) { return length }
        }
        // Refused: `validate` names the first problem, in the order a reader meets it.
        _ = try validate(text)
        throw .invalidCharacter(0, offset: 0)  // not reached: validate refuses whatever got here
    }

    /// Decodes canonical base64 after removing ASCII whitespace (space, tab, CR, LF).
    static func decodeIgnoringWhitespace(_ text: some Collection<UInt8>) throws(Failure) -> [UInt8] {
        var compact: [UInt8] = []
        compact.reserveCapacity(text.count)
        for c in text where !(c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D) {
            compact.append(c)
        }
        return try compact.withUnsafeBufferPointer { (input) throws(Failure) -> [UInt8] in
            let length = try validate(input)
            var result = [UInt8](repeating: 0, count: input.count / 4 * 3)
            let written = try result.withUnsafeMutableBufferPointer { (out) throws(Failure) -> Int in
                try decode(input, into: out)
            }
            precondition(written == length)
            result.removeLast(result.count - written)
            return result
        }
    }

    /// Standard padded base64 of `bytes`.
    static func encode(_ bytes: some Collection<UInt8>) -> String {
        Base64.encodeToString(bytes: bytes)
    }
}
