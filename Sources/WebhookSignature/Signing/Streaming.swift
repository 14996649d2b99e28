/// A hash of a body that arrives in chunks, for the signature algorithms' digests.
///
/// Use it to hash a large or streamed body without holding it whole; then pass ``finalize()``
/// to ``RSAPublicKey/isValidSignature(_:digest:algorithm:)`` or ``RSAPrivateKey/signature(digest:algorithm:)``.
/// Not for sharing between threads.
public final class BodyDigest {
    /// The algorithm whose digest this computes.
    public let algorithm: SignatureAlgorithm
    private let hasher: NativeHasher
    private var finished = false

    /// Starts a digest for `algorithm` on `backend`.
    public init(algorithm: SignatureAlgorithm, backend: CryptoBackend = .default) throws(WebhookSignatureError) {
        self.algorithm = algorithm
        self.hasher = try backend.makeHasher(algorithm.digest)
    }

    /// Adds the next chunk of the body.
    public func update(_ chunk: some Collection<UInt8>) throws(WebhookSignatureError) {
        guard !finished else { throw WebhookSignatureError(.invalidArgument, "the digest was already finalized") }
        try withBytes(chunk) { (bytes) throws(WebhookSignatureError) in try hasher.update(bytes) }
    }

    /// Adds the next chunk of the body from a buffer.
    public func update(_ chunk: UnsafeRawBufferPointer) throws(WebhookSignatureError) {
        guard !finished else { throw WebhookSignatureError(.invalidArgument, "the digest was already finalized") }
        try hasher.update(chunk)
    }

    /// The digest of everything added; the object cannot be updated afterwards.
    public func finalize() throws(WebhookSignatureError) -> [UInt8] {
        guard !finished else { throw WebhookSignatureError(.invalidArgument, "the digest was already finalized") }
        finished = true
        var out = [UInt8](repeating: 0, count: algorithm.digestByteCount)
        try out.withUnsafeMutableBytes { (buffer) -> Result<Void, WebhookSignatureError> in
            Result { () throws(WebhookSignatureError) in try hasher.finalize(into: buffer) }
        }.get()
        return out
    }
}

/// Verifies one signature over a body that arrives in chunks.
///
/// Feed the chunks with ``update(_:)`` and call ``verify(signatureBase64:)`` once; the
/// verdict equals that of ``RSAPublicKey/isValidSignature(_:for:algorithm:)`` over the whole body.
public final class SignatureVerifier {
    /// The key that verifies.
    public let key: RSAPublicKey
    private let digest: BodyDigest

    /// Starts verifying with `key` and `algorithm`.
    public init(key: RSAPublicKey, algorithm: SignatureAlgorithm) throws(WebhookSignatureError) {
        self.key = key
        self.digest = try BodyDigest(algorithm: algorithm, backend: key.backend)
    }

    /// Adds the next chunk of the body.
    public func update(_ chunk: some Collection<UInt8>) throws(WebhookSignatureError) { try digest.update(chunk) }

    /// Whether the signature verifies over all chunks added.
    public func verify(signatureBase64: some StringProtocol) throws(WebhookSignatureError) -> Bool {
        try key.isValidSignature(signatureBase64, digest: digest.finalize(), algorithm: digest.algorithm)
    }
}

/// Signs a body that arrives in chunks.
///
/// The signature equals ``RSAPrivateKey/signature(for:algorithm:)`` over the whole body.
public final class StreamingSigner {
    /// The key that signs.
    public let key: RSAPrivateKey
    private let digest: BodyDigest

    /// Starts signing with `key` and `algorithm`.
    public init(key: RSAPrivateKey, algorithm: SignatureAlgorithm) throws(WebhookSignatureError) {
        self.key = key
        self.digest = try BodyDigest(algorithm: algorithm, backend: key.backend)
    }

    /// Adds the next chunk of the body.
    public func update(_ chunk: some Collection<UInt8>) throws(WebhookSignatureError) { try digest.update(chunk) }

    /// The raw signature over all chunks added.
    public func finalize() throws(WebhookSignatureError) -> [UInt8] {
        try key.signature(digest: digest.finalize(), algorithm: digest.algorithm)
    }
}
