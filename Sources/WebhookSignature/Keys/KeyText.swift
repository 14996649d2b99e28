/// How a key was wrapped when it was read: PEM armour, base64 text, raw DER bytes or a JWK.
public struct KeyFormat: Hashable, Sendable, CustomStringConvertible {
    /// The outer wrapping.
    public enum Container: String, Sendable {
        /// PEM armour (`-----BEGIN …-----`).
        case pem
        /// Base64 of DER with no armour (the platform's "x509 base64" for public keys).
        case base64
        /// Raw DER bytes.
        case der
        /// A JSON Web Key.
        case jwk
    }

    /// The outer wrapping.
    public let container: Container
    /// The PEM label, when the container is PEM.
    public let pemLabel: String?
    /// The ASN.1 structure inside: `SubjectPublicKeyInfo`, `PKCS#1 RSAPublicKey`, `PKCS#8 PrivateKeyInfo`,
    /// `PKCS#1 RSAPrivateKey`, `X.509 certificate` or `JWK`.
    public let structure: String

    /// For example `PEM "PUBLIC KEY" (SubjectPublicKeyInfo)` or `base64 (SubjectPublicKeyInfo)`.
    public var description: String {
        switch container {
        case .pem: return "PEM \"\(pemLabel ?? "")\" (\(structure))"
        case .base64: return "base64 (\(structure))"
        case .der: return "DER (\(structure))"
        case .jwk: return "JWK"
        }
    }
}

/// A parsed key document of any kind, before it is required to be public or private.
struct ParsedKeyDocument: Sendable {
    var content: KeyContent
    var format: KeyFormat
}

/// Detects the format of key text or bytes and parses it.
enum KeyText {
    static let maximumInputBytes = 1 << 20

    static func parse(_ input: some Collection<UInt8>) throws(WebhookSignatureError) -> ParsedKeyDocument {
        // The key text may be a private key: this copy is wiped when parsing ends, success or not.
        var bytes = Array(input)
        defer { SecureWipe.wipe(&bytes) }
        if bytes.count > maximumInputBytes {
            throw WebhookSignatureError(.inputTooLarge, "the key input is \(bytes.count) bytes; at most \(maximumInputBytes) are read")
        }
        let start = bytes.firstIndex(where: { !isSpace($0) }) ?? bytes.endIndex
        if start == bytes.endIndex { throw WebhookSignatureError(.emptyInput, "the key input is empty") }

        // Raw DER: binary data starting with a universal ASN.1 tag (a key is a SEQUENCE, 0x30).
        let isBinary = bytes.contains { ($0 < 0x20 && !isSpace($0)) || $0 >= 0x80 }
        if start == bytes.startIndex, isBinary || bytes[start] == 0x30, [0x02, 0x03, 0x04, 0x05, 0x06, 0x30, 0x31].contains(bytes[start]) {
            let content = try KeyDER.classify(bytes[...])
            return ParsedKeyDocument(content: content, format: KeyFormat(container: .der, pemLabel: nil, structure: structure(content)))
        }
        if let pemStart = find(Array("-----BEGIN ".utf8), in: bytes) {
            return try parsePEM(bytes, from: pemStart)
        }
        if bytes[start] == UInt8(ascii: "{") {
            let (content, _) = try JWK.parse(bytes)
            return ParsedKeyDocument(content: content, format: KeyFormat(container: .jwk, pemLabel: nil, structure: "JWK"))
        }
        if let bad = bytes.firstIndex(where: { !isSpace($0) && !StrictBase64.isAlphabet($0) && $0 != UInt8(ascii: "=") }) {
            if let binary = bytes.firstIndex(where: { $0 == 0 || $0 >= 0x80 }) {
                throw WebhookSignatureError(.unrecognizedFormat, describeNonText(bytes, at: binary))
            }
            throw WebhookSignatureError(
                .notBase64,
                "the key text is not PEM or JWK, so it was read as base64, but byte \(bad - bytes.startIndex) ('\(printable(bytes[bad]))') is not in the base64 alphabet"
            )
        }
        var der: [UInt8] = []
        defer { SecureWipe.wipe(&der) }
        do {
            der = try StrictBase64.decodeIgnoringWhitespace(bytes)
        } catch {
            throw WebhookSignatureError(.notBase64, "the key text is not valid base64: \(error.reason)")
        }
        let content = try KeyDER.classify(der[...])
        return ParsedKeyDocument(content: content, format: KeyFormat(container: .base64, pemLabel: nil, structure: structure(content)))
    }

    /// Names a NUL or non-ASCII byte, which key text (PEM, base64, JWK) cannot hold, and its usual cause.
    ///
    /// Editors on Windows save a byte-order mark; a UTF-16 file has one too, and a copy from a web
    /// page or a word processor brings typographic characters. Each gets its own fix.
    static func describeNonText(_ bytes: [UInt8], at offset: Int) -> String {
        let byte = "byte 0x" + String(bytes[offset], radix: 16, uppercase: true)
        let rest = bytes[offset...]
        if rest.starts(with: [0xEF, 0xBB, 0xBF]) {
            return "\(byte) at offset \(offset): a UTF-8 byte-order mark; save the key as plain ASCII (no BOM)"
        }
        if rest.starts(with: [0xFF, 0xFE]) || rest.starts(with: [0xFE, 0xFF]) {
            return "\(byte) at offset \(offset): a UTF-16 byte-order mark; the file is UTF-16, save the key as plain ASCII"
        }
        if bytes[offset] >= 0x80 {
            return "\(byte) at offset \(offset) is not ASCII (a typographic character or another encoding?); "
                + "key text (PEM, base64 or JWK) is plain ASCII, and DER starts with a SEQUENCE byte 0x30"
        }
        return "\(byte) at offset \(offset) is a NUL byte; "
            + "key text (PEM, base64 or JWK) is plain ASCII, and DER starts with a SEQUENCE byte 0x30"
    }

    static func structure(_ content: KeyContent) -> String {
        switch content {
        case .publicKey(_, let encoding), .privateKey(_, let encoding): return encoding.rawValue
        case .certificate: return KeyEncoding.certificate.rawValue
        }
    }

    // MARK: PEM

    /// PEM labels this package reads, and what each must hold.
    static let readableLabels: Set<String> = ["PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE", "TRUSTED CERTIFICATE", "PRIVATE KEY", "RSA PRIVATE KEY"]

    /// Reads the first PEM block that holds a key or certificate (skipping `EC PARAMETERS` and the like).
    static func parsePEM(_ bytes: [UInt8], from firstBegin: Int) throws(WebhookSignatureError) -> ParsedKeyDocument {
        var searchFrom = firstBegin
        var skipped: [String] = []
        while let begin = find(Array("-----BEGIN ".utf8), in: bytes, from: searchFrom) {
            let labelStart = begin + 11
            guard let labelEnd = find(Array("-----".utf8), in: bytes, from: labelStart) else {
                throw WebhookSignatureError(.invalidPEM, "the PEM BEGIN line at byte \(begin) is not closed by '-----'")
            }
            guard let label = String(validating: bytes[labelStart..<labelEnd], as: UTF8.self), !label.contains("\n") else {
                throw WebhookSignatureError(.invalidPEM, "the PEM BEGIN line at byte \(begin) has no readable label")
            }
            let endLine = Array("-----END \(label)-----".utf8)
            guard let end = find(endLine, in: bytes, from: labelEnd + 5) else {
                throw WebhookSignatureError(.invalidPEM, "the PEM block \"\(label)\" has no matching '-----END \(label)-----' line")
            }
            let body = bytes[(labelEnd + 5)..<end]
            switch label {
            case "EC PARAMETERS", "DH PARAMETERS":
                skipped.append(label)
                searchFrom = end + endLine.count
                continue
            case "ENCRYPTED PRIVATE KEY":
                throw WebhookSignatureError(
                    .encryptedPrivateKey, "this is an encrypted PKCS#8 private key; decrypt it first (openssl pkcs8 -in FILE -out PLAIN)")
            case "EC PRIVATE KEY":
                throw WebhookSignatureError(.ecKey, "this is PEM armour around an EC private key; an RSA key is required")
            case "DSA PRIVATE KEY":
                throw WebhookSignatureError(.dsaKey, "this is PEM armour around a DSA private key; an RSA key is required")
            case "OPENSSH PRIVATE KEY":
                throw WebhookSignatureError(
                    .unsupportedPEMType,
                    "this is an OpenSSH private key; convert it to PKCS#8 first (ssh-keygen -p -m PKCS8 -f FILE)")
            default:
                break
            }
            guard readableLabels.contains(label) else {
                throw WebhookSignatureError(
                    .unsupportedPEMType,
                    "PEM armour labelled \"\(label)\" holds no RSA key this package reads (expected PUBLIC KEY, RSA PUBLIC KEY, CERTIFICATE, PRIVATE KEY or RSA PRIVATE KEY)"
                )
            }
            if find(Array("Proc-Type:".utf8), in: Array(body)) != nil {
                if find(Array("ENCRYPTED".utf8), in: Array(body)) != nil {
                    throw WebhookSignatureError(
                        .encryptedPrivateKey, "this PEM private key is encrypted (Proc-Type: 4,ENCRYPTED); decrypt it first (openssl pkey -in FILE -out PLAIN)")
                }
                throw WebhookSignatureError(.invalidPEM, "the PEM block \"\(label)\" has headers this package does not read")
            }
            var der: [UInt8] = []
            defer { SecureWipe.wipe(&der) }
            do {
                der = try StrictBase64.decodeIgnoringWhitespace(body)
            } catch {
                throw WebhookSignatureError(.invalidPEM, "the body of the PEM block \"\(label)\" is not valid base64: \(error.reason)")
            }
            if der.isEmpty { throw WebhookSignatureError(.invalidPEM, "the PEM block \"\(label)\" is empty") }
            let content = try KeyDER.classify(der[...])
            try checkLabel(label, matches: content)
            return ParsedKeyDocument(content: content, format: KeyFormat(container: .pem, pemLabel: label, structure: structure(content)))
        }
        if skipped.isEmpty {
            throw WebhookSignatureError(.invalidPEM, "no complete PEM block was found")
        }
        throw WebhookSignatureError(.unsupportedPEMType, "the PEM text holds only \(skipped.joined(separator: ", ")), no key")
    }

    /// A PEM label must agree with the structure inside it.
    static func checkLabel(_ label: String, matches content: KeyContent) throws(WebhookSignatureError) {
        let expected: KeyEncoding
        switch label {
        case "PUBLIC KEY": expected = .subjectPublicKeyInfo
        case "RSA PUBLIC KEY": expected = .pkcs1Public
        case "PRIVATE KEY": expected = .pkcs8
        case "RSA PRIVATE KEY": expected = .pkcs1Private
        default: expected = .certificate
        }
        let actual = structure(content)
        if actual != expected.rawValue {
            throw WebhookSignatureError(
                .invalidPEM, "the PEM label says \"\(label)\" (\(expected.rawValue)) but the block holds a \(actual)")
        }
    }

    // MARK: Byte helpers

    @inline(__always)
    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }

    static func printable(_ c: UInt8) -> String {
        (0x21...0x7E).contains(c) ? String(UnicodeScalar(c)) : "0x" + String(c, radix: 16)
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int = 0) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        var i = start
        while i <= haystack.count - needle.count {
            if haystack[i] == needle[0] {
                var j = 1
                while j < needle.count, haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}
