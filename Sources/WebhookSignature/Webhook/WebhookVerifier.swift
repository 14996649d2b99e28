import Synchronization

/// Verifies a delivery from its headers and raw body against trusted keys and a policy.
///
/// Create one per receiver and share it: it is `Sendable` and immutable but for a hint of which
/// key matched last (tried first next time; verdicts never depend on key order).
/// ```swift
/// let verifier = WebhookVerifier(keyring: try Keyring(json: fileBytes))
/// let verdict = try verifier.verify(headers: request.headers, body: rawBody)
/// guard verdict.isValid else { return .unauthorized(verdict.failure!.reason) }
/// ```
/// Only malformed input throws (a body that is not JSON under a canonical mode, a crypto library
/// failure); every signature that does not verify gives an invalid verdict with its reason.
///
/// Cost: a header the policy does not count costs nothing. A counted header costs one hash and
/// at most one public operation per trusted key of its signature's length; a genuine delivery
/// usually costs one (the key that matched last is tried first).
public struct WebhookVerifier: Sendable {
    /// The trusted keys.
    public let keyring: Keyring
    /// The policy applied to every delivery.
    public let policy: WebhookPolicy
    private let lastMatch: LastMatch

    /// The longest signature header value read: base64 of a 16384-bit signature.
    public static let maximumSignatureText = SignatureText.characterCount(byteCount: RSAPublicComponents.maximumBits / 8)

    /// A verifier over a keyring.
    public init(keyring: Keyring, policy: WebhookPolicy = .default) {
        self.keyring = keyring
        self.policy = policy
        self.lastMatch = LastMatch(hashingBackend: keyring.keys.first?.key.backend ?? .default)
    }

    /// A verifier that trusts one key.
    public init(key: RSAPublicKey, policy: WebhookPolicy = .default) {
        self.init(keyring: Keyring(trusting: key), policy: policy)
    }

    /// Verifies a delivery given its headers (any name case, repeated or not) and its raw body, now.
    @inlinable
    public func verify(
        headers: some Sequence<(String, String)>, body: some Collection<UInt8>
    ) throws(WebhookSignatureError) -> WebhookVerdict {
        // Inlinable (as `isValidSignature` is), so that the caller's module specialises the walk
        // over its header and body types; the work runs in non-generic code.
        var signatures = SignatureHeaders()
        for (name, value) in headers { signatures.add(name: name, value: value) }
        return try verify(signatures, contiguousBody: body, atUnixTime: nil)
    }

    /// Verifies a delivery as of a given time (Unix seconds), for key validity windows.
    ///
    /// Use it to replay a stored delivery against the keys as they stood when it arrived.
    @inlinable
    public func verify(
        headers: some Sequence<(String, String)>, body: some Collection<UInt8>, atUnixTime seconds: Int64
    ) throws(WebhookSignatureError) -> WebhookVerdict {
        var signatures = SignatureHeaders()
        for (name, value) in headers { signatures.add(name: name, value: value) }
        return try verify(signatures, contiguousBody: body, atUnixTime: seconds)
    }

    /// Verifies a delivery whose headers are a dictionary.
    @inlinable
    public func verify(headers: [String: String], body: some Collection<UInt8>) throws(WebhookSignatureError) -> WebhookVerdict {
        var signatures = SignatureHeaders()
        for (name, value) in headers { signatures.add(name: name, value: value) }
        return try verify(signatures, contiguousBody: body, atUnixTime: nil)
    }

    @inlinable
    func verify(
        _ signatures: SignatureHeaders, contiguousBody body: some Collection<UInt8>, atUnixTime seconds: Int64?
    ) throws(WebhookSignatureError) -> WebhookVerdict {
        var failure: WebhookSignatureError? = nil
        let verdict = withContiguousBytes(body, EmptyCollection()) { (bytes, _) in
            verify(signatures, bytes: bytes, atUnixTime: seconds, failure: &failure)
        }
        if let failure { throw failure }
        return verdict!
    }

    /// The non-generic body of every `verify`: nil with `failure` set when it threw.
    @usableFromInline
    func verify(
        _ signatures: SignatureHeaders, bytes: UnsafeRawBufferPointer, atUnixTime seconds: Int64?, failure: inout WebhookSignatureError?
    ) -> WebhookVerdict? {
        do {
            return try verify(signatures, body: bytes, at: seconds.map(UnixTime.init(seconds:)))
        } catch {
            failure = error
            return nil
        }
    }

    /// Starts verifying a delivery whose body arrives in chunks (``CanonicalMode/raw`` only;
    /// canonical modes need the whole body).
    public func makeSession(headers: some Sequence<(String, String)>) throws(WebhookSignatureError) -> WebhookVerificationSession {
        guard policy.canonicalization == .raw else {
            throw WebhookSignatureError(
                .invalidArgument, "a streamed body can only be verified raw; canonical modes need the whole body")
        }
        return try WebhookVerificationSession(verifier: self, signatures: SignatureHeaders(headers))
    }

    /// The crypto library that hashes bodies: the first key's (digests do not depend on it).
    var hashingBackend: CryptoBackend { lastMatch.hashingBackend }

    // MARK: Checking

    func verify(_ signatures: SignatureHeaders, body: UnsafeRawBufferPointer, at time: UnixTime?) throws(WebhookSignatureError) -> WebhookVerdict {
        if policy.canonicalization == .raw {
            return try decide(signatures, at: time) { (algorithm, next) throws(WebhookSignatureError) in
                try hashingBackend.withDigest(algorithm, of: body, next)
            }
        }
        let canonical = try Canonicalizer.canonicalize(body, mode: policy.canonicalization)
        return try canonical.withUnsafeBytes { (bytes) -> Result<WebhookVerdict, WebhookSignatureError> in
            Result { () throws(WebhookSignatureError) in
                try decide(signatures, at: time) { (algorithm, next) throws(WebhookSignatureError) in
                    try hashingBackend.withDigest(algorithm, of: bytes, next)
                }
            }
        }.get()
    }

    /// A function that computes a header's digest and hands it to `next`.
    typealias DigestSource = (SignatureAlgorithm, (UnsafeRawBufferPointer) throws(WebhookSignatureError) -> SignatureOutcome)
        throws(WebhookSignatureError) -> SignatureOutcome

    /// Checks each header the policy checks (hashing only for those), then lets the policy decide.
    func decide(_ signatures: SignatureHeaders, at time: UnixTime?, digest: DigestSource) throws(WebhookSignatureError) -> WebhookVerdict {
        let fluent = try check(signatures.fluent, .sha512WithRSA, at: time, digest: digest)
        let flex = try check(signatures.flex, .md5WithRSA, at: time, digest: digest)
        return WebhookVerdict(fluent: fluent, flex: flex, failure: policy.evaluate(fluent: fluent, flex: flex))
    }

    /// One header's check: not checked when the policy does not count it (and no diagnosis was
    /// asked for), conflicting values, or the signature against the keyring.
    private func check(
        _ value: SignatureHeaders.Value?, _ algorithm: SignatureAlgorithm, at time: UnixTime?, digest: DigestSource
    ) throws(WebhookSignatureError) -> SignatureCheck? {
        guard let value else { return nil }
        let counted = policy.counts(algorithm)
        let outcome: SignatureOutcome
        if !policy.checks(algorithm) {
            outcome = SignatureOutcome(.notChecked)
        } else if value.conflicting {
            outcome = SignatureOutcome(.conflictingValues)
        } else {
            do {
                outcome = try digest(algorithm) { (digestBytes) throws(WebhookSignatureError) in
                    try check(value, algorithm: algorithm, digest: digestBytes, at: time)
                }
            } catch where !counted && error.code == .algorithmNotAllowed {
                // An uncounted header checked for diagnosis: the library's refusal is reported, never decisive.
                outcome = SignatureOutcome(.notAllowed, detail: error.reason)
            }
        }
        return SignatureCheck(algorithm: algorithm, counted: counted, outcome: outcome)
    }

    /// One header against the keyring: one public operation per trusted key of the signature's
    /// length at most (the key that matched last first), each classified by the one check.
    func check(
        _ value: SignatureHeaders.Value, algorithm: SignatureAlgorithm, digest: UnsafeRawBufferPointer, at time: UnixTime?
    ) throws(WebhookSignatureError) -> SignatureOutcome {
        try value.withBytes { (chars) -> Result<SignatureOutcome, WebhookSignatureError> in
            Result { () throws(WebhookSignatureError) in try check(chars, algorithm: algorithm, digest: digest, at: time) }
        }.get()
    }

    private func check(
        _ raw: UnsafeRawBufferPointer, algorithm: SignatureAlgorithm, digest: UnsafeRawBufferPointer, at time: UnixTime?
    ) throws(WebhookSignatureError) -> SignatureOutcome {
        guard raw.count <= WebhookVerifier.maximumSignatureText else {
            return SignatureOutcome(
                .malformed, detail: "the value has \(raw.count) characters; no signature has more than \(WebhookVerifier.maximumSignatureText)")
        }
        let keys = keyring.keys
        let chars = SignatureText.trim(raw)
        // The length strict base64 of this many characters decodes to; decoded only when a
        // trusted key has it (one pass), diagnosed only when it is not a signature.
        guard let byteCount = SignatureText.decodedByteCount(chars),
            keys.contains(where: { $0.key.signatureByteCount == byteCount })
        else {
            return SignatureOutcome(.malformed, detail: Self.notASignature(chars, keyring: keyring))
        }
        return try SignatureText.withDecoded(chars, byteCount: byteCount) { (signature) throws(WebhookSignatureError) -> SignatureOutcome in
            guard let signature else { return SignatureOutcome(.malformed, detail: Self.notASignature(chars, keyring: keyring)) }
            let hint = lastMatch.index
            var index = hint >= 0 && hint < keys.count ? hint : 0
            for _ in keys.indices {
                defer { index = index + 1 == keys.count ? 0 : index + 1 }
                guard keys[index].key.signatureByteCount == byteCount else { continue }
                // A block well formed under one key is no other key's: the first key that
                // recognises it decides, so the verdict does not depend on key order.
                switch try keys[index].key.native.match(raw: signature, digest: digest, algorithm: algorithm) {
                case .notThisKey:
                    continue
                case .valid:
                    let status = keys[index].status(at: time)
                    if status == .active {
                        if hint != index { lastMatch.index = index }
                        return SignatureOutcome(.valid, key: keys[index])
                    }
                    return SignatureOutcome(status.verdictCode, key: keys[index])
                case .otherDigest:
                    return SignatureOutcome(.bodyMismatch, key: keys[index])
                case .otherAlgorithm(let used):
                    return SignatureOutcome(.wrongAlgorithm, key: keys[index], usedAlgorithm: used)
                }
            }
            return SignatureOutcome(.noTrustedKey)
        }
    }

    /// Why trimmed text is not a signature of any trusted key: not strict base64 (where), or of a
    /// length no trusted key has (with the likely fix). Runs only on the failure path.
    static func notASignature(_ chars: UnsafeRawBufferPointer, keyring: Keyring) -> String {
        let byteCount: Int
        switch SignatureText.decodedLength(chars) {
        case .failure(let failure): return failure.reason
        case .success(let count): byteCount = count
        }
        if byteCount == 0 { return "the value is empty" }
        var sizes: [Int] = []
        for trusted in keyring.keys where !sizes.contains(trusted.key.bitCount) { sizes.append(trusted.key.bitCount) }
        guard !sizes.isEmpty else { return "the keyring holds no keys" }
        let trusted = sizes.sorted().map { "\($0)-bit" }.joined(separator: " and ")
        return "it is a \(byteCount * 8)-bit signature (\(byteCount) bytes), and the trusted keys are \(trusted): "
            + "the sender probably signs with a key this receiver does not trust (the wrong environment's key?)"
    }
}

/// A delivery being verified while its body streams in: only the headers the policy checks are hashed.
public final class WebhookVerificationSession {
    private let verifier: WebhookVerifier
    private let signatures: SignatureHeaders
    private var sha512: BodyDigest?
    private var md5: BodyDigest?

    init(verifier: WebhookVerifier, signatures: SignatureHeaders) throws(WebhookSignatureError) {
        self.verifier = verifier
        self.signatures = signatures
        let policy = verifier.policy
        if signatures.fluent != nil, policy.checks(.sha512WithRSA) {
            sha512 = try BodyDigest(algorithm: .sha512WithRSA, backend: verifier.hashingBackend)
        }
        if signatures.flex != nil, policy.checks(.md5WithRSA) {
            do {
                md5 = try BodyDigest(algorithm: .md5WithRSA, backend: verifier.hashingBackend)
            } catch where !policy.counts(.md5WithRSA) && error.code == .algorithmNotAllowed {
                md5 = nil  // reported as not_allowed by `finish`, through the same path as a whole body
            }
        }
    }

    /// Adds the next chunk of the raw body.
    public func update(_ chunk: some Collection<UInt8>) throws(WebhookSignatureError) {
        try sha512?.update(chunk)
        try md5?.update(chunk)
    }

    /// The verdict over every chunk added, now.
    public func finish() throws(WebhookSignatureError) -> WebhookVerdict { try finish(at: nil) }

    /// The verdict over every chunk added, as of a given time (Unix seconds).
    public func finish(atUnixTime seconds: Int64) throws(WebhookSignatureError) -> WebhookVerdict {
        try finish(at: UnixTime(seconds: seconds))
    }

    /// `time` nil means now, read only if a key's window needs it.
    func finish(at time: UnixTime?) throws(WebhookSignatureError) -> WebhookVerdict {
        let sha512Digest = try sha512?.finalize()
        let md5Digest = try md5?.finalize()
        let backend = verifier.hashingBackend
        return try verifier.decide(signatures, at: time) { (algorithm, next) throws(WebhookSignatureError) in
            let digest = algorithm == .sha512WithRSA ? sha512Digest : md5Digest
            guard let digest else {
                // Not hashed: the library refused the algorithm when the session started; ask it again for its reason.
                return try backend.withDigest(algorithm, of: UnsafeRawBufferPointer(start: nil, count: 0), next)
            }
            return try digest.withUnsafeBytes { (bytes) -> Result<SignatureOutcome, WebhookSignatureError> in
                Result { () throws(WebhookSignatureError) in try next(bytes) }
            }.get()
        }
    }
}

/// The index of the key that matched last; a hint only, so relaxed ordering suffices. Also holds
/// the backend that hashes bodies (the first key's), read once at creation.
final class LastMatch: Sendable {
    private let value = Atomic<Int>(-1)
    let hashingBackend: CryptoBackend

    init(hashingBackend: CryptoBackend) { self.hashingBackend = hashingBackend }

    var index: Int {
        get { value.load(ordering: .relaxed) }
        set { value.store(newValue, ordering: .relaxed) }
    }
}

extension CryptoBackend {
    /// Hashes `bytes` with `algorithm`'s digest into a stack buffer and passes it on.
    func withDigest<R>(
        _ algorithm: SignatureAlgorithm, of bytes: UnsafeRawBufferPointer, _ next: (UnsafeRawBufferPointer) throws(WebhookSignatureError) -> R
    ) throws(WebhookSignatureError) -> R {
        try withUnsafeTemporaryAllocation(byteCount: DigestAlgorithm.maxByteCount, alignment: 8) { (buffer) throws(WebhookSignatureError) in
            let digest = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<algorithm.digestByteCount])
            try self.digest(algorithm.digest, bytes, into: digest)
            return try next(UnsafeRawBufferPointer(digest))
        }
    }
}
