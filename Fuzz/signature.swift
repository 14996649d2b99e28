// Fuzz target `signature`: the input as a signature's base64 text (and as raw signature bytes),
// verified with a fixed key over a fixed body.
//
// Invariants (a violation traps):
// - verification never throws for these inputs, and answers true only for the one real signature
//   (the text given in Tests/Vectors/keys/rsa2048-expected.json, byte for byte: a canonical base64
//   text of the right length; RSASSA-PKCS1-v1_5 is deterministic);
// - the OpenSSL and libgcrypt backends give the same answer;
// - StrictBase64 accepts a text exactly when it is the canonical encoding of some bytes
//   (a reference decoder written here), and then decodes to those bytes;
// - the raw-bytes entry point agrees with the base64 one.

@testable import WebhookSignature

private enum Fixed {
    // Tests/Vectors/keys/rsa2048-spki.b64 and rsa2048-expected.json.
    static let keyText =
        "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAqe+GUxnPFLz8GTO9ux93Lq3PuI/Dw/kaUyh7loP+m5HBp7ckuknwMBAzJK6NZXhUrsx9wm++AEsrzxuHniJ0JJFXjhMiAQWX3u+dxr8CV6SDPH2G79PS0f7gMhHuST8z0ovy+Ln2kJYltFHKciPTjOOn+eubBFx6VTMjqTzVvHc+hfsxMJwO8EF/wRFrycIYhFZHSKW3g35KXKP9rm9sdKqRpu6XqqQnuKIZBPO9453jsfyjJIDE0fYxNdLU6f0YicWhhSBBwWb+CXjtPovMHev7+t1BBwvWfII7Gg8HppXh1G8eO0Hdqz8XvyyvgsuD3gP7L9+WrFNYsUuVWMP5twIDAQAB"
    static let body = Array(#"{"id":"e1","name":"OrderStatus"}"#.utf8)
    static let sha512 =
        "hgY0UMV5GNrluKrX7clxaeHz6semc2FCA+GRL7tTsvwb3/NBo4dcxQ2/jNCycTzHA4hIrQnAgAIYFWxjrYzgw+LoFqDngecUqd0jEDY9A5JbIrBJiU0rxsKOQ7LJIoHtQ8RM12dnley4Vr3fUDihu3L448ODwHEbvZ8g+SKeJ7ddhpzkoz7cU9k0RUNRPq5bMqkJBtk5odwUe0GABqr4xYyuvrhBLQLzZCNoWjfqDSSqbSZxBfKA2VptftAu13kIl9E5g6Gb4PFGpxaFYQGtfCzVXYHph6An6393gYFUhRAAxwA/Gz/tFqxT77ecIHwi0xlGC+cgUKC8CqfDAgGTqA=="
    static let md5 =
        "UaUlvgD9cDhEyPUeEb0BGnlj8x1b1CNuIc0FTTL/7hu4MRgLYttvaA0AtaFJUNBWy9dUN9yDYiAeOSoakEbwRaVoZhT4pPSdUQoI0lRzniZTrc6F5LnkQfbwcArzHy+ewA5o9N3BDzKgV7nl88R/VIphh6x2L0uNBcd57onX1VaAhSJlM8uZu6/e3Sn0V+dUVXGTKbn8Nwwg1Q2w17n2hnPZgcAi8+bwXRImECDsaSeoR49ixgVOO5tCuGZeXErC3YNVxmFMSuxlb2MPXM0DUcGoM1/GVpYXSR/aBcplLdlZW8990/MLZcikrhACzLoiV+yoP823mXejvzAaREk9Jw=="

    static let openssl: RSAPublicKey = {
        let key: RSAPublicKey
        do { key = try RSAPublicKey(parsing: keyText) } catch { fatalError("fixed key: \(error)") }
        // The harness itself is checked once: the real signatures verify.
        guard (try? key.isValidSignature(sha512, for: body, algorithm: .sha512WithRSA)) == true,
            (try? key.isValidSignature(md5, for: body, algorithm: .md5WithRSA)) == true
        else { fatalError("the fixed signatures do not verify") }
        return key
    }()
    static let gcrypt: RSAPublicKey = {
        do { return try openssl.using(.gcrypt) } catch { fatalError("fixed key on libgcrypt: \(error)") }
    }()
}

/// A plain reference decoder: canonical padded base64 or nil.
private func referenceDecode(_ text: [UInt8]) -> [UInt8]? {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    guard text.count % 4 == 0 else { return nil }
    var out: [UInt8] = []
    var i = 0
    while i < text.count {
        let quad = Array(text[i..<(i + 4)])
        let isLast = i + 4 == text.count
        var values: [Int] = []
        var padding = 0
        for (j, c) in quad.enumerated() {
            if c == UInt8(ascii: "=") {
                guard isLast, j >= 2 else { return nil }
                padding += 1
            } else {
                guard padding == 0, let v = alphabet.firstIndex(of: c) else { return nil }
                values.append(v)
            }
        }
        let n = values.reduce(0) { $0 << 6 | $1 } << (6 * padding)
        let bytes = [UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)]
        // Unused bits must be zero (canonical form).
        if padding == 1, bytes[2] != 0 { return nil }
        if padding == 2, bytes[1] != 0 || bytes[2] != 0 { return nil }
        out += bytes.prefix(3 - padding)
        i += 4
    }
    return out
}

private func verify(_ key: RSAPublicKey, _ text: String, _ algorithm: SignatureAlgorithm) -> Bool {
    do {
        return try key.isValidSignature(text, for: Fixed.body, algorithm: algorithm)
    } catch {
        violated("isValidSignature threw for a signature text: \(error)")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSignature(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = fuzzBytes(data, size)
    let text = String(decoding: input, as: UTF8.self)

    // Base64: the strict decoder against the reference one (whitespace removed first, as it does).
    let compact = input.filter { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) }
    let strict = Result { () throws(StrictBase64.Failure) in try StrictBase64.decodeIgnoringWhitespace(input) }
    let reference = referenceDecode(compact)
    switch (strict, reference) {
    case (.success(let a), .some(let b)):
        if a != b { violated("StrictBase64 decodes to other bytes than the reference decoder") }
        if Array(StrictBase64.encode(a).utf8) != compact { violated("a decoded text is not the canonical encoding of its bytes") }
    case (.failure(let e), .none):
        if e.reason.isEmpty { violated("a base64 failure with an empty reason") }
    case (.success, .none):
        violated("StrictBase64 accepts a text the reference decoder refuses")
    case (.failure(let e), .some):
        violated("StrictBase64 refuses a canonical text: \(e.reason)")
    }

    // The signature-text rule: surrounding ASCII whitespace (space, tab, CR, LF) is trimmed, nothing else.
    let isTrimmed: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
    let trimmedText = String(decoding: input.drop(while: isTrimmed).reversed().drop(while: isTrimmed).reversed(), as: UTF8.self)
    for algorithm in SignatureAlgorithm.allCases {
        let expected = trimmedText == (algorithm == .sha512WithRSA ? Fixed.sha512 : Fixed.md5)
        let viaOpenSSL = verify(Fixed.openssl, text, algorithm)
        if viaOpenSSL != expected {
            violated("OpenSSL: \(algorithm) verification says \(viaOpenSSL) for \(expected ? "the real" : "another") signature")
        }
        let viaGcrypt = verify(Fixed.gcrypt, text, algorithm)
        if viaGcrypt != viaOpenSSL { violated("libgcrypt says \(viaGcrypt), OpenSSL \(viaOpenSSL) (\(algorithm))") }

        // The raw-bytes entry point: the input as the signature itself, and its base64 decoding.
        let raw: Bool
        do {
            raw = try Fixed.openssl.isValidSignature(rawSignature: input, for: Fixed.body, algorithm: algorithm)
        } catch {
            violated("isValidSignature(rawSignature:) threw: \(error)")
        }
        let realRaw = referenceDecode(Array((algorithm == .sha512WithRSA ? Fixed.sha512 : Fixed.md5).utf8))!
        if raw != (input == realRaw) { violated("raw verification says \(raw) for \(input == realRaw ? "the real" : "another") signature") }
        if let decoded = reference {
            let viaRaw = (try? Fixed.openssl.isValidSignature(rawSignature: decoded, for: Fixed.body, algorithm: algorithm)) ?? false
            // The base64 path also requires the exact length with no whitespace; the raw one only the bytes.
            if viaOpenSSL && !viaRaw { violated("the base64 path verifies a signature whose bytes do not") }
            if viaRaw && decoded != realRaw { violated("a signature other than the real one verifies") }
        }
    }
    return 0
}
