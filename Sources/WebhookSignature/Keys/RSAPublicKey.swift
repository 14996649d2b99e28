/// A key's id: the SHA-256 of its SubjectPublicKeyInfo DER.
///
/// It is the same for a key in any format (PEM, x509 base64, PKCS#1, certificate, JWK) and equals
/// `openssl pkey -pubin -pubout -outform DER | sha256sum`. Print it as lowercase hex.
public struct KeyFingerprint: Hashable, Sendable, CustomStringConvertible, Comparable {
    /// The 32 digest bytes.
    public let bytes: [UInt8]

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// Reads 64 hex digits, with or without a `sha256:` prefix.
    public init?(_ text: String) {
        var hex = Substring(text.lowercased())
        if hex.hasPrefix("sha256:") { hex = hex.dropFirst(7) }
        guard hex.utf8.count == 64 else { return nil }
        var out: [UInt8] = []
        var iterator = hex.utf8.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            guard let h = Self.nibble(high), let l = Self.nibble(low) else { return nil }
            out.append(h << 4 | l)
        }
        self.bytes = out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        default: return nil
        }
    }

    /// 64 lowercase hex digits.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The same as ``hex``.
    public var description: String { hex }

    /// Orders fingerprints by their bytes, for stable listings.
    public static func < (lhs: KeyFingerprint, rhs: KeyFingerprint) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }
}

/// An RSA public key that verifies MD5withRSA and SHA512withRSA signatures.
///
/// Parse it once from any common format (the platform's x509 base64, PEM, DER, PKCS#1, a
/// certificate, a JWK) and share it: it is immutable, `Sendable`, and verifies from many threads
/// at once. The native key is built once, when the value is created.
public struct RSAPublicKey: Sendable, Hashable, CustomStringConvertible {
    /// Everything but the backend, in one shared object: copying a key (into a keyring, a
    /// verdict, a log line) then costs one reference count, not one per array and native key.
    final class Storage: Sendable {
        let components: RSAPublicComponents
        let native: NativePublicKey
        let fingerprint: KeyFingerprint
        let format: KeyFormat?
        let certificate: CertificateSummary?

        init(
            components: RSAPublicComponents, native: NativePublicKey, fingerprint: KeyFingerprint, format: KeyFormat?,
            certificate: CertificateSummary?
        ) {
            self.components = components
            self.native = native
            self.fingerprint = fingerprint
            self.format = format
            self.certificate = certificate
        }
    }

    let storage: Storage
    var components: RSAPublicComponents { storage.components }
    /// Read in place (no reference-count write on the hot path).
    var native: NativePublicKey {
        _read { yield storage.native }
    }
    /// The crypto library that performs this key's operations.
    public let backend: CryptoBackend
    /// The key's id: SHA-256 of its SubjectPublicKeyInfo DER.
    public var fingerprint: KeyFingerprint { storage.fingerprint }
    /// How the key was given, when it was parsed from text or bytes.
    public var format: KeyFormat? { storage.format }
    /// The certificate the key came from, if it came from one.
    public var certificate: CertificateSummary? { storage.certificate }

    init(
        components: RSAPublicComponents, backend: CryptoBackend, format: KeyFormat?, certificate: CertificateSummary?
    ) throws(WebhookSignatureError) {
        self.backend = backend
        let spki = KeyDER.spkiDER(components)
        self.storage = Storage(
            components: components, native: try backend.makePublicKey(components),
            fingerprint: KeyFingerprint(bytes: try backend.digest(.sha256, of: spki)), format: format, certificate: certificate)
    }

    /// Parses a public key from text, detecting its format.
    ///
    /// Accepts the platform's x509 base64 (whitespace and line breaks allowed), PEM `PUBLIC KEY`,
    /// `RSA PUBLIC KEY` and `CERTIFICATE`, and an RSA JWK. A private key, an EC, Ed25519 or DSA
    /// key, or malformed text throws an error whose code says which.
    public init(parsing text: String, backend: CryptoBackend = .default) throws(WebhookSignatureError) {
        try self.init(parsing: Array(text.utf8), backend: backend)
    }

    /// Parses a public key from bytes: any text format of ``init(parsing:backend:)-(String,_)``, or raw DER
    /// (SubjectPublicKeyInfo, PKCS#1 RSAPublicKey or an X.509 certificate).
    public init(parsing bytes: some Collection<UInt8>, backend: CryptoBackend = .default) throws(WebhookSignatureError) {
        let document = try KeyText.parse(bytes)
        switch document.content {
        case .publicKey(let components, _):
            try self.init(components: components, backend: backend, format: document.format, certificate: nil)
        case .certificate(let components, let summary):
            try self.init(components: components, backend: backend, format: document.format, certificate: summary)
        case .privateKey:
            throw WebhookSignatureError(
                .privateKeyGiven,
                "this is a private key (\(document.format)) where a public key was expected; pass the public key (whsig pubkey --private-key FILE prints it)"
            )
        }
    }

    /// Creates a key from its modulus and public exponent (unsigned big-endian bytes).
    public init(modulus: [UInt8], publicExponent: [UInt8], backend: CryptoBackend = .default) throws(WebhookSignatureError) {
        try self.init(
            components: RSAPublicComponents(modulus: modulus, publicExponent: publicExponent), backend: backend, format: nil,
            certificate: nil)
    }

    /// The same key on another backend (the native key is built anew).
    public func using(_ backend: CryptoBackend) throws(WebhookSignatureError) -> RSAPublicKey {
        if backend == self.backend { return self }
        return try RSAPublicKey(components: components, backend: backend, format: format, certificate: certificate)
    }

    // MARK: Properties and encodings

    /// The modulus size in bits.
    public var bitCount: Int { components.bitCount }
    /// The signature length in bytes (the modulus length).
    public var signatureByteCount: Int { components.byteCount }
    /// The modulus, unsigned big-endian.
    public var modulus: [UInt8] { components.modulus }
    /// The public exponent, unsigned big-endian.
    public var publicExponent: [UInt8] { components.publicExponent }
    /// The public exponent as an integer (it is at most 64 bits).
    public var publicExponentValue: UInt64 { components.publicExponent.reduce(0) { $0 << 8 | UInt64($1) } }

    /// SubjectPublicKeyInfo DER (what `openssl pkey -pubout -outform DER` writes).
    public var derRepresentation: [UInt8] { KeyDER.spkiDER(components) }
    /// The platform's "x509 base64": base64 of the SubjectPublicKeyInfo DER, one line, no armour.
    public var x509Base64: String { StrictBase64.encode(derRepresentation) }
    /// PEM `PUBLIC KEY` (SubjectPublicKeyInfo), 64-character lines, ending with a newline.
    public var pemRepresentation: String { PEM.armor(derRepresentation, label: "PUBLIC KEY") }
    /// PKCS#1 RSAPublicKey DER.
    public var pkcs1DERRepresentation: [UInt8] { KeyDER.pkcs1PublicDER(components) }
    /// PEM `RSA PUBLIC KEY` (PKCS#1).
    public var pkcs1PEMRepresentation: String { PEM.armor(pkcs1DERRepresentation, label: "RSA PUBLIC KEY") }
    /// A JWK: `{"e":…,"kty":"RSA","n":…}`.
    public var jwkRepresentation: String { JWK.publicJSON(components) }

    /// `RSA-<bits> <fingerprint>`.
    public var description: String { "RSA-\(bitCount) \(fingerprint)" }

    /// Keys are equal when their modulus and exponent are, whatever their backend or source format.
    public static func == (lhs: RSAPublicKey, rhs: RSAPublicKey) -> Bool { lhs.components == rhs.components }

    /// Hashes the fingerprint.
    public func hash(into hasher: inout Hasher) { hasher.combine(fingerprint) }
}

/// PEM armour for output.
enum PEM {
    static func armor(_ der: [UInt8], label: String) -> String {
        let body = Array(StrictBase64.encode(der).utf8)
        var out = "-----BEGIN \(label)-----\n"
        var index = 0
        while index < body.count {
            let end = min(index + 64, body.count)
            out += String(decoding: body[index..<end], as: UTF8.self)
            out += "\n"
            index = end
        }
        out += "-----END \(label)-----\n"
        return out
    }
}
