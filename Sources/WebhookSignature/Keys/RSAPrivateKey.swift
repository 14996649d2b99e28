/// An RSA private key that signs bodies the way the platform does.
///
/// Parse it from PKCS#8 (PEM `PRIVATE KEY`, DER, or base64 of the DER), PKCS#1 PEM
/// `RSA PRIVATE KEY`, or a private JWK; or generate one. It is immutable and `Sendable`; its
/// parts are checked to fit together when it is created.
public struct RSAPrivateKey: Sendable {
    let components: RSAPrivateComponents
    let native: NativePrivateKey
    /// The matching public key (on the same backend).
    public let publicKey: RSAPublicKey
    /// How the key was given, when it was parsed.
    public let format: KeyFormat?

    init(components: RSAPrivateComponents, backend: CryptoBackend, format: KeyFormat?) throws(WebhookSignatureError) {
        self.components = components
        self.format = format
        self.publicKey = try RSAPublicKey(components: components.publicComponents, backend: backend, format: nil, certificate: nil)
        try components.checkConsistency()
        self.native = try backend.makePrivateKey(components)
        try checkPairwise()
    }

    /// Parses a private key from text, detecting its format.
    ///
    /// A public key or certificate, an encrypted key, or a key of another algorithm throws an
    /// error whose code says which.
    public init(parsing text: String, backend: CryptoBackend = .default) throws(WebhookSignatureError) {
        try self.init(parsing: Array(text.utf8), backend: backend)
    }

    /// Parses a private key from bytes: any text format, or raw PKCS#8 or PKCS#1 DER.
    public init(parsing bytes: some Collection<UInt8>, backend: CryptoBackend = .default) throws(WebhookSignatureError) {
        let document = try KeyText.parse(bytes)
        switch document.content {
        case .privateKey(let components, _):
            try self.init(components: components, backend: backend, format: document.format)
        case .publicKey, .certificate:
            throw WebhookSignatureError(
                .publicKeyGiven, "this is a public key (\(document.format)) where a private key was expected")
        }
    }

    /// Generates a new key pair with public exponent 65537.
    ///
    /// Sizes from 1024 to 16384 bits are accepted; 2048 or more is recommended (the platform's
    /// own keys are 1024-bit).
    public init(generatingBits bits: Int = 2048, backend: CryptoBackend = .default) throws(WebhookSignatureError) {
        guard bits >= RSAPublicComponents.minimumBits, bits <= RSAPublicComponents.maximumBits else {
            throw WebhookSignatureError(
                .invalidArgument, "key size \(bits) is outside \(RSAPublicComponents.minimumBits)...\(RSAPublicComponents.maximumBits) bits")
        }
        let components = try backend.generatePrivateKey(bits: bits)
        try self.init(components: components, backend: backend, format: nil)
    }

    /// The same key on another backend.
    public func using(_ backend: CryptoBackend) throws(WebhookSignatureError) -> RSAPrivateKey {
        if backend == self.backend { return self }
        return try RSAPrivateKey(components: components, backend: backend, format: format)
    }

    /// The crypto library that performs this key's operations.
    public var backend: CryptoBackend { publicKey.backend }
    /// The modulus size in bits.
    public var bitCount: Int { publicKey.bitCount }

    /// PKCS#8 PrivateKeyInfo DER.
    public var pkcs8DERRepresentation: [UInt8] { KeyDER.pkcs8DER(components) }
    /// PEM `PRIVATE KEY` (PKCS#8), what `whsig keygen` writes.
    public var pemRepresentation: String { PEM.armor(pkcs8DERRepresentation, label: "PRIVATE KEY") }
    /// PKCS#1 RSAPrivateKey DER.
    public var pkcs1DERRepresentation: [UInt8] { KeyDER.pkcs1PrivateDER(components) }
    /// PEM `RSA PRIVATE KEY` (PKCS#1).
    public var pkcs1PEMRepresentation: String { PEM.armor(pkcs1DERRepresentation, label: "RSA PRIVATE KEY") }
    /// A private JWK with every CRT member.
    public var jwkRepresentation: String { JWK.privateJSON(components) }

    // MARK: Signing

    /// Signs a body and returns the raw signature (the modulus length).
    ///
    /// PKCS#1 v1.5 is deterministic: the same key, algorithm and body always give the same bytes.
    public func signature(for body: some Collection<UInt8>, algorithm: SignatureAlgorithm) throws(WebhookSignatureError) -> [UInt8] {
        try withBytes(body) { (bytes) throws(WebhookSignatureError) in
            try publicKey.native.withDigest(of: bytes, algorithm: algorithm) { (digest) throws(WebhookSignatureError) in
                try signature(digest: digest, algorithm: algorithm)
            }
        }
    }

    /// Signs a body and returns the signature as standard padded base64, ready for a header.
    public func base64Signature(for body: some Collection<UInt8>, algorithm: SignatureAlgorithm) throws(WebhookSignatureError) -> String {
        StrictBase64.encode(try signature(for: body, algorithm: algorithm))
    }

    /// Signs a digest computed elsewhere (16 bytes for MD5, 64 for SHA-512).
    public func signature(digest: some Collection<UInt8>, algorithm: SignatureAlgorithm) throws(WebhookSignatureError) -> [UInt8] {
        guard digest.count == algorithm.digestByteCount else {
            throw WebhookSignatureError(
                .invalidArgument, "a \(algorithm) digest has \(algorithm.digestByteCount) bytes, not \(digest.count)")
        }
        return try withBytes(digest) { (bytes) throws(WebhookSignatureError) in try signature(digest: bytes, algorithm: algorithm) }
    }

    func signature(digest: UnsafeRawBufferPointer, algorithm: SignatureAlgorithm) throws(WebhookSignatureError) -> [UInt8] {
        let k = publicKey.signatureByteCount
        var output = [UInt8](repeating: 0, count: k)
        try withUnsafeTemporaryAllocation(byteCount: k, alignment: 1) { (em) throws(WebhookSignatureError) in
            PKCS1.encode(digest: digest, algorithm: algorithm, into: em)
            try output.withUnsafeMutableBytes { (out) -> Result<Void, WebhookSignatureError> in
                Result { () throws(WebhookSignatureError) in try native.privateOperation(UnsafeRawBufferPointer(em), into: out) }
            }.get()
        }
        return output
    }

    /// Signs a fixed block and checks it with the public key, so a private key whose parts do not
    /// belong together is refused at load time on both backends alike.
    private func checkPairwise() throws(WebhookSignatureError) {
        let k = publicKey.signatureByteCount
        var probe = [UInt8](repeating: 0, count: 64)
        for i in 0..<probe.count { probe[i] = UInt8(truncatingIfNeeded: i &* 37 &+ 11) }
        let signed = try probe.withUnsafeBytes { (digest) -> Result<[UInt8], WebhookSignatureError> in
            Result { () throws(WebhookSignatureError) in try signature(digest: digest, algorithm: .sha512WithRSA) }
        }.get()
        let match = try signed.withUnsafeBytes { (sig) -> Result<SignatureMatch, WebhookSignatureError> in
            probe.withUnsafeBytes { (digest) in
                Result { () throws(WebhookSignatureError) in try publicKey.native.match(raw: sig, digest: digest, algorithm: .sha512WithRSA) }
            }
        }.get()
        let ok = match == .valid
        guard ok, signed.count == k else {
            throw WebhookSignatureError(.invalidKey, "the private key's parts do not belong together: its signatures do not verify")
        }
    }
}
