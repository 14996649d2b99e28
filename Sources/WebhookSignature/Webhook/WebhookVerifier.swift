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
public struct WebhookVerifier: Sendable {
    /// The trusted keys.
    public let keyring: Keyring
    /// The policy applied to every delivery.
    public let policy: WebhookPolicy
    private let lastMatch: LastMatch

    /// The longest signature header value read: base64 of a 16384-bit signature.
    public static let maximumSignatureText = (RSAPublicComponents.maximumBits / 8 + 2) / 3 * 4

    /// A verifier over a keyring.
    public init(keyring: Keyring, policy: WebhookPolicy = .default) {
        self.keyring = keyring
        self.policy = policy
        self.lastMatch = LastMatch()
    }

    /// A verifier that trusts one key.
    public init(key: RSAPublicKey, policy: WebhookPolicy = .default) {
        self.init(keyring: Keyring(trusting: key), policy: policy)
    }

    /// Verifies a delivery given its headers (any name case, repeated or not) and its raw body.
    public func verify(
        headers: some Sequence<(String, String)>, body: some Collection<UInt8>, at time: UnixTime = .now
    ) throws(WebhookSignatureError) -> WebhookVerdict {
        let signatures = SignatureHeaders(headers)
        let hashed: [UInt8]?
        switch policy.canonicalization {
        case .raw: hashed = nil
        case .compact, .jcs: hashed = try typedThrows { try Canonicalizer.canonicalize(body, mode: policy.canonicalization) }
        }
        var digests = Digests()
        if let hashed {
            try digests.compute(for: signatures, body: hashed, backend: hashingBackend)
        } else {
            try digests.compute(for: signatures, body: body, backend: hashingBackend)
        }
        return try decide(signatures, digests: digests, at: time)
    }

    /// Verifies a delivery whose headers are a dictionary.
    public func verify(
        headers: [String: String], body: some Collection<UInt8>, at time: UnixTime = .now
    ) throws(WebhookSignatureError) -> WebhookVerdict {
        try verify(headers: headers.map { ($0.key, $0.value) }, body: body, at: time)
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
    var hashingBackend: CryptoBackend { keyring.keys.first?.key.backend ?? .default }

    // MARK: Deciding

    func decide(_ signatures: SignatureHeaders, digests: Digests, at time: UnixTime) throws(WebhookSignatureError) -> WebhookVerdict {
        var checks: [SignatureCheck] = []
        for algorithm in [SignatureAlgorithm.sha512WithRSA, .md5WithRSA] {
            guard let values = signatures.values(for: algorithm) else { continue }
            let counted = algorithm == .sha512WithRSA || policy.countsMD5
            let outcome: SignatureOutcome
            if Set(values).count > 1 {
                outcome = .conflictingValues
            } else {
                outcome = try check(values[0], algorithm: algorithm, digests: digests, at: time)
            }
            checks.append(SignatureCheck(header: algorithm.headerName, algorithm: algorithm, counted: counted, outcome: outcome))
        }
        return WebhookVerdict.decide(checks, policy: policy)
    }

    /// One header: active keys first (the last match before the rest), then a diagnosis if none verified.
    func check(
        _ value: String, algorithm: SignatureAlgorithm, digests: Digests, at time: UnixTime
    ) throws(WebhookSignatureError) -> SignatureOutcome {
        // The largest signature (16384-bit key) is 2048 bytes, 2732 base64 characters: anything
        // longer is rejected before decoding.
        guard value.utf8.count <= WebhookVerifier.maximumSignatureText else {
            return .malformed("the value has \(value.utf8.count) characters; no signature has more than \(WebhookVerifier.maximumSignatureText)")
        }
        let raw: [UInt8]
        do {
            raw = try StrictBase64.decodeIgnoringWhitespace(value.utf8)
        } catch {
            return .malformed(error.reason)
        }
        if raw.isEmpty { return .malformed("the value is empty") }
        let keys = keyring.keys
        guard keys.contains(where: { $0.key.signatureByteCount == raw.count }) else {
            return .malformed("it decodes to \(raw.count) bytes, and no trusted key has that size")
        }
        let digest = digests.value(for: algorithm)
        // Fast path: active keys, starting with the one that matched last.
        let hint = lastMatch.index
        var order = Array(keys.indices)
        if hint >= 0, hint < order.count { order.swapAt(0, hint) }
        for i in order where keys[i].status(at: time) == .active && keys[i].key.signatureByteCount == raw.count {
            if try verify(raw, with: keys[i].key, digest: digest, algorithm: algorithm) {
                lastMatch.index = i
                return .valid(keys[i])
            }
        }
        // No active key verified: say precisely why.
        for i in order where keys[i].status(at: time) != .active && keys[i].key.signatureByteCount == raw.count {
            if try verify(raw, with: keys[i].key, digest: digest, algorithm: algorithm) {
                return .inactiveKey(keys[i], keys[i].status(at: time))
            }
        }
        for i in order where keys[i].key.signatureByteCount == raw.count {
            switch try keys[i].key.encodedAlgorithm(ofRawSignature: raw) {
            case .some(let used) where used != algorithm:
                return .wrongAlgorithm(used, keys[i])
            case .some:
                return .bodyMismatch(keys[i])
            case .none:
                continue
            }
        }
        return .noTrustedKeyMatched
    }

    private func verify(_ raw: [UInt8], with key: RSAPublicKey, digest: [UInt8], algorithm: SignatureAlgorithm) throws(WebhookSignatureError) -> Bool {
        try typedThrows {
            try raw.withUnsafeBytes { signature in
                try digest.withUnsafeBytes { digestBytes in try key.verifyRaw(signature, digest: digestBytes, algorithm: algorithm) }
            }
        }
    }
}

/// A delivery being verified while its body streams in.
public final class WebhookVerificationSession {
    private let verifier: WebhookVerifier
    private let signatures: SignatureHeaders
    private var hashers: [(SignatureAlgorithm, BodyDigest)] = []

    init(verifier: WebhookVerifier, signatures: SignatureHeaders) throws(WebhookSignatureError) {
        self.verifier = verifier
        self.signatures = signatures
        for algorithm in SignatureAlgorithm.allCases where signatures.values(for: algorithm) != nil {
            hashers.append((algorithm, try BodyDigest(algorithm: algorithm, backend: verifier.hashingBackend)))
        }
    }

    /// Adds the next chunk of the raw body.
    public func update(_ chunk: some Collection<UInt8>) throws(WebhookSignatureError) {
        try withBytes(chunk) { (bytes) throws(WebhookSignatureError) in
            for (_, hasher) in hashers { try hasher.update(bytes) }
        }
    }

    /// The verdict over every chunk added.
    public func finish(at time: UnixTime = .now) throws(WebhookSignatureError) -> WebhookVerdict {
        var digests = Digests()
        for (algorithm, hasher) in hashers { digests.set(try hasher.finalize(), for: algorithm) }
        return try verifier.decide(signatures, digests: digests, at: time)
    }
}

/// The signature headers of a request: names matched case-insensitively, values trimmed,
/// repeated headers (and comma-joined repeats) collected.
struct SignatureHeaders: Sendable {
    var fluent: [String] = []
    var flex: [String] = []

    init(_ headers: some Sequence<(String, String)>) {
        for (name, value) in headers {
            let trimmedName = Self.trim(name)
            guard let algorithm = SignatureAlgorithm(headerName: trimmedName) else { continue }
            // Base64 has no commas, so a comma can only join repeated values.
            for part in value.split(separator: ",", omittingEmptySubsequences: false) {
                let v = Self.trim(String(part))
                switch algorithm {
                case .sha512WithRSA: fluent.append(v)
                case .md5WithRSA: flex.append(v)
                }
            }
        }
    }

    func values(for algorithm: SignatureAlgorithm) -> [String]? {
        let v = algorithm == .sha512WithRSA ? fluent : flex
        return v.isEmpty ? nil : v
    }

    static func trim(_ s: String) -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        var sub = Substring(s)
        while let f = sub.first, isSpace(f) { sub.removeFirst() }
        while let l = sub.last, isSpace(l) { sub.removeLast() }
        return String(sub)
    }
}

/// The body's digests for the headers present.
struct Digests {
    private var md5: [UInt8] = []
    private var sha512: [UInt8] = []

    mutating func set(_ digest: [UInt8], for algorithm: SignatureAlgorithm) {
        switch algorithm {
        case .md5WithRSA: md5 = digest
        case .sha512WithRSA: sha512 = digest
        }
    }

    func value(for algorithm: SignatureAlgorithm) -> [UInt8] { algorithm == .md5WithRSA ? md5 : sha512 }

    mutating func compute(for signatures: SignatureHeaders, body: some Collection<UInt8>, backend: CryptoBackend) throws(WebhookSignatureError) {
        for algorithm in SignatureAlgorithm.allCases where signatures.values(for: algorithm) != nil {
            var digest = [UInt8](repeating: 0, count: algorithm.digestByteCount)
            try withBytes(body) { (bytes) throws(WebhookSignatureError) in
                try typedThrows { try digest.withUnsafeMutableBytes { out in try backend.engine.digest(algorithm.digest, bytes, into: out) } }
            }
            set(digest, for: algorithm)
        }
    }
}

/// The index of the key that matched last; a hint only, so relaxed ordering suffices.
final class LastMatch: Sendable {
    private let value = Atomic<Int>(-1)
    var index: Int {
        get { value.load(ordering: .relaxed) }
        set { value.store(newValue, ordering: .relaxed) }
    }
}
