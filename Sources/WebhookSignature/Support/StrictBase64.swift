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
    /// Returns the number of bytes written. Allocates nothing.
    static func decode(_ text: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>) throws(Failure) -> Int {
        // Canonical text, as every signature header should be, decodes in one pass. Anything else
        // takes the checking path below, which names the problem (and would decode any text the
        // fast pass were to refuse wrongly, so the two can only differ in speed).
        if let length = decodeCanonical(text, into: output) { return length }
        let length = try validate(text)
        if length == 0 { return 0 }
        precondition(output.count >= text.count / 4 * 3, "base64 output buffer too small")
        var span = output.mutableSpan
        do {
            return try Base64.decode(bytes: text.span, into: &span)
        } catch {
            // Unreachable after validate(); reported rather than trapped.
            throw .invalidCharacter(0, offset: 0)
        }
    }

    /// Each byte's 6-bit value, or 0xFF for a byte outside the standard alphabet (`=` included).
    /// A literal rather than computed at first use, so that the compiler emits it as a constant
    /// object: using a lazily built array writes its reference count on every decode, from every thread.
    private static let values: [UInt8] = [
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x3E, 0xFF, 0xFF, 0xFF, 0x3F,
        0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E,
        0x0F, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28,
        0x29, 0x2A, 0x2B, 0x2C, 0x2D, 0x2E, 0x2F, 0x30, 0x31, 0x32, 0x33, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    ]

    /// One pass over canonical base64 with a lookup table: the decoded length, or nil for any text
    /// that `validate` refuses (the caller then asks `validate` why).
    ///
    /// Why: the checking path reads the text twice (`validate`, then the decoder) and classified each
    /// character with a chain of range tests, about 20 instructions a character; this loop takes
    /// about 5. For the 344 characters of an RSA-2048 signature that is some 4,000 instructions, 3%
    /// of an RSA-1024 verification. Invalid characters are detected by OR-ing every looked-up
    /// value, so the loop has no branch per character.
    static func decodeCanonical(_ text: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        let n = text.count
        guard n % 4 == 0, output.count >= n / 4 * 3 else { return nil }
        if n == 0 { return 0 }
        var padding = 0
        if text[n - 1] == UInt8(ascii: "=") { padding = text[n - 2] == UInt8(ascii: "=") ? 2 : 1 }
        return values.withUnsafeBufferPointer { (table) -> Int? in
            var invalid: UInt8 = 0
            var o = 0
            // Every quad but the last.
            var i = 0
            while i < n - 4 {
                let a = table[Int(text[i])], b = table[Int(text[i + 1])], c = table[Int(text[i + 2])], d = table[Int(text[i + 3])]
                invalid |= a | b | c | d
                output[o] = a << 2 | b >> 4
                output[o + 1] = b << 4 | c >> 2
                output[o + 2] = c << 6 | d
                i += 4
                o += 3
            }
            // The last quad, with its padding: the bits a padded quad leaves unused must be zero.
            let a = table[Int(text[i])], b = table[Int(text[i + 1])]
            invalid |= a | b
            output[o] = a << 2 | b >> 4
            switch padding {
            case 0:
                let c = table[Int(text[i + 2])], d = table[Int(text[i + 3])]
                invalid |= c | d
                output[o + 1] = b << 4 | c >> 2
                output[o + 2] = c << 6 | d
            case 1:
                let c = table[Int(text[i + 2])]
                invalid |= c
                if c & 0b11 != 0 { return nil }
                output[o + 1] = b << 4 | c >> 2
            default:
                if b & 0b1111 != 0 { return nil }
            }
            // Valid values are below 64; 0xFF (outside the alphabet, or a misplaced `=`) sets the top bits.
            guard invalid & 0xC0 == 0 else { return nil }
            return n / 4 * 3 - padding
        }
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
