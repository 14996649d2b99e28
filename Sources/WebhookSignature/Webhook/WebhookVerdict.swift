/// Which signature headers must be present and verify, and how the body is read.
///
/// The default requires `fluent-signature` (SHA512withRSA) and ignores `flex.signature` for the
/// verdict (it is still checked and reported). MD5 is broken for collisions, and some proxies
/// (nginx among them) drop header names that contain a dot, so the MD5 header is legacy.
public struct WebhookPolicy: Sendable, Hashable {
    /// Counts `flex.signature` (MD5withRSA): a present one must verify, and it suffices alone when
    /// `fluent-signature` is absent. Off by default.
    public var allowsLegacyMD5: Bool
    /// Requires both headers to be present and to verify (implies counting MD5).
    public var requiresBothSignatures: Bool
    /// How the body is read before hashing; ``CanonicalMode/raw`` (the exact bytes) by default.
    public var canonicalization: CanonicalMode

    /// A policy; the defaults are the safe ones.
    public init(allowsLegacyMD5: Bool = false, requiresBothSignatures: Bool = false, canonicalization: CanonicalMode = .raw) {
        self.allowsLegacyMD5 = allowsLegacyMD5
        self.requiresBothSignatures = requiresBothSignatures
        self.canonicalization = canonicalization
    }

    /// `fluent-signature` required, MD5 not counted, raw body.
    public static let `default` = WebhookPolicy()

    /// Whether `flex.signature` counts toward the verdict.
    public var countsMD5: Bool { allowsLegacyMD5 || requiresBothSignatures }
}

/// What one signature header's check found.
public enum SignatureOutcome: Sendable, Hashable {
    /// A trusted, active key verified it.
    case valid(TrustedKey)
    /// The header value is not a signature: not standard padded base64, or no trusted key has its length.
    case malformed(String)
    /// No trusted key made this signature.
    case noTrustedKeyMatched
    /// This key signed other bytes: the body was changed or re-serialised after signing.
    case bodyMismatch(TrustedKey)
    /// This key made the signature with the other algorithm (for example MD5 in `fluent-signature`).
    case wrongAlgorithm(SignatureAlgorithm, TrustedKey)
    /// The key that verified it is retired, expired or not yet valid.
    case inactiveKey(TrustedKey, KeyStatus)
    /// The header was sent several times with different values.
    case conflictingValues

    /// Whether the signature verified under an active key.
    public var isValid: Bool {
        if case .valid = self { return true }
        return false
    }

    /// A stable identifier: `valid`, `malformed`, `no_trusted_key`, `body_mismatch`, `wrong_algorithm`,
    /// `key_retired`, `key_expired`, `key_not_yet_valid`, `conflicting_values`.
    public var code: String {
        switch self {
        case .valid: return "valid"
        case .malformed: return "malformed"
        case .noTrustedKeyMatched: return "no_trusted_key"
        case .bodyMismatch: return "body_mismatch"
        case .wrongAlgorithm: return "wrong_algorithm"
        case .inactiveKey(_, let status):
            switch status {
            case .retired: return "key_retired"
            case .expired: return "key_expired"
            case .notYetValid: return "key_not_yet_valid"
            case .active: return "key_active"
            }
        case .conflictingValues: return "conflicting_values"
        }
    }

    /// The key involved, if any.
    public var key: TrustedKey? {
        switch self {
        case .valid(let k), .bodyMismatch(let k), .wrongAlgorithm(_, let k), .inactiveKey(let k, _): return k
        default: return nil
        }
    }

    /// A sentence for people.
    public var reason: String {
        switch self {
        case .valid(let k): return "verified by key \(k.displayName)"
        case .malformed(let why): return "not a signature: \(why)"
        case .noTrustedKeyMatched: return "no trusted key made this signature"
        case .bodyMismatch(let k):
            return "key \(k.displayName) signed different bytes: the body was changed or re-serialised after signing"
        case .wrongAlgorithm(let used, let k): return "key \(k.displayName) made this signature with \(used), the other algorithm"
        case .inactiveKey(let k, let status): return "key \(k.displayName) made this signature but is \(status.rawValue)"
        case .conflictingValues: return "the header was sent more than once with different values"
        }
    }
}

/// One signature header and what its check found.
public struct SignatureCheck: Sendable, Hashable {
    /// The header's name in lower case (`fluent-signature`, `flex.signature`).
    public let header: String
    /// The algorithm this header carries.
    public let algorithm: SignatureAlgorithm
    /// Whether the policy counts this header toward the verdict.
    public let counted: Bool
    /// What the check found.
    public let outcome: SignatureOutcome

    /// Whether the signature verified under an active key.
    public var isValid: Bool { outcome.isValid }
}

/// Why a delivery is not accepted.
public enum WebhookFailure: Sendable, Hashable {
    /// Neither `fluent-signature` nor `flex.signature` was sent.
    case noSignatureHeader
    /// The headers present cannot satisfy the policy (for example only `flex.signature` under the default policy).
    case policyNotMet(String)
    /// A counted signature did not verify.
    case signatureInvalid(SignatureCheck)

    /// A stable identifier: `no_signature_header`, `policy_not_met`, or the failing check's outcome code.
    public var code: String {
        switch self {
        case .noSignatureHeader: return "no_signature_header"
        case .policyNotMet: return "policy_not_met"
        case .signatureInvalid(let check): return check.outcome.code
        }
    }

    /// A sentence for people.
    public var reason: String {
        switch self {
        case .noSignatureHeader: return "no fluent-signature or flex.signature header was sent"
        case .policyNotMet(let why): return why
        case .signatureInvalid(let check): return "\(check.header): \(check.outcome.reason)"
        }
    }
}

/// The verdict on one delivery: valid, or invalid with the precise reason; and every header's check.
public struct WebhookVerdict: Sendable, Hashable {
    /// One entry per signature header sent, `fluent-signature` first.
    public let checks: [SignatureCheck]
    /// Why the delivery is not accepted; nil when it is.
    public let failure: WebhookFailure?

    /// Whether the delivery is accepted under the policy.
    public var isValid: Bool { failure == nil }

    /// The key that verified the counted signature (`fluent-signature`'s when both did).
    public var verifiedKey: TrustedKey? {
        guard isValid else { return nil }
        return checks.first(where: { $0.counted && $0.isValid })?.outcome.key
    }

    /// The check for a header, if it was sent.
    public func check(for algorithm: SignatureAlgorithm) -> SignatureCheck? { checks.first { $0.algorithm == algorithm } }

    static func decide(_ checks: [SignatureCheck], policy: WebhookPolicy) -> WebhookVerdict {
        let fluent = checks.first { $0.algorithm == .sha512WithRSA }
        let flex = checks.first { $0.algorithm == .md5WithRSA }
        func verdict(_ failure: WebhookFailure?) -> WebhookVerdict { WebhookVerdict(checks: checks, failure: failure) }
        if fluent == nil, flex == nil { return verdict(.noSignatureHeader) }
        if policy.requiresBothSignatures, fluent == nil || flex == nil {
            let missing = fluent == nil ? "fluent-signature" : "flex.signature"
            return verdict(.policyNotMet("the policy requires both signature headers; \(missing) is missing"))
        }
        if !policy.countsMD5, fluent == nil {
            return verdict(
                .policyNotMet(
                    "only flex.signature (MD5withRSA) was sent; fluent-signature is required unless legacy MD5 is allowed"))
        }
        for check in [fluent, flex].compactMap({ $0 }) where check.counted && !check.isValid {
            return verdict(.signatureInvalid(check))
        }
        return verdict(nil)
    }
}
