/// The one rule for signature text, applied by every surface of the package (the Swift API, the
/// webhook verifier, the C library and so Python and Rust, the CLI and the middlewares):
///
/// 1. Leading and trailing ASCII whitespace (space, tab, CR, LF) is trimmed.
/// 2. What is left must be strict, padded, standard base64 (RFC 4648 §4: `+` and `/`, `=`
///    padding, zero unused bits) of exactly the key's modulus length (172 characters for a
///    1024-bit key, 344 for 2048). Anything else, whitespace inside the value included, is an
///    invalid signature: never an error.
///
/// Java's basic `Base64` decoder, which the platform's own stack uses, refuses the same texts.
enum SignatureText {
    /// The characters trimmed around a value.
    @inline(__always)
    static func isTrimmed(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }

    /// The text without its leading and trailing ASCII whitespace.
    static func trim(_ text: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var start = 0, end = text.count
        while start < end, isTrimmed(text[start]) { start += 1 }
        while end > start, isTrimmed(text[end - 1]) { end -= 1 }
        return UnsafeRawBufferPointer(rebasing: text[start..<end])
    }

    /// The number of characters of a signature of `byteCount` bytes.
    @inline(__always)
    static func characterCount(byteCount: Int) -> Int { (byteCount + 2) / 3 * 4 }

    /// The number of bytes strict padded base64 of `chars` (already trimmed) would decode to,
    /// judged by its length and padding alone; nil when no base64 has that shape.
    static func decodedByteCount(_ chars: UnsafeRawBufferPointer) -> Int? {
        let n = chars.count
        guard n > 0, n % 4 == 0 else { return nil }
        let padding = chars[n - 1] != UInt8(ascii: "=") ? 0 : chars[n - 2] != UInt8(ascii: "=") ? 1 : 2
        return n / 4 * 3 - padding
    }

    /// Decodes `text` (trimmed here) into a stack buffer and passes the bytes on when they are a
    /// signature of exactly `byteCount` bytes, or nil when the text is not one. Allocates nothing.
    static func withDecoded<R>(
        _ text: UnsafeRawBufferPointer, byteCount: Int,
        _ body: (UnsafeRawBufferPointer?) throws(WebhookSignatureError) -> R
    ) throws(WebhookSignatureError) -> R {
        let chars = trim(text)
        // Only a text of exactly the right length can decode to `byteCount` bytes.
        guard chars.count == characterCount(byteCount: byteCount) else { return try body(nil) }
        return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: chars.count / 4 * 3) { (buffer) throws(WebhookSignatureError) in
            guard let length = try? StrictBase64.decode(chars.assumingMemoryBound(to: UInt8.self), into: buffer), length == byteCount
            else { return try body(nil) }
            return try body(UnsafeRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[0..<length]))
        }
    }

    /// Why `text` (trimmed) is not a signature of any of the given lengths, or the decoded length
    /// when it is strict base64: for the webhook verifier's diagnosis.
    static func decodedLength(_ text: UnsafeRawBufferPointer) -> Result<Int, StrictBase64.Failure> {
        let chars = trim(text)
        return Result { () throws(StrictBase64.Failure) in try StrictBase64.validate(chars.assumingMemoryBound(to: UInt8.self)) }
    }
}
