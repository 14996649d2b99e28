/// What one signature header's check found.
///
/// Read ``code`` to decide and ``reason`` to tell a person. ``key`` names the trusted key
/// involved when one made the signature (valid, body mismatch, wrong algorithm, inactive key).
public struct SignatureOutcome: Sendable, Hashable {
    /// What the check found.
    public let code: VerdictCode
    /// The trusted key involved, if any.
    public let key: TrustedKey?
    /// The algorithm the key actually used, for ``VerdictCode/wrongAlgorithm``.
    public let usedAlgorithm: SignatureAlgorithm?
    /// Why the value is not a signature (``VerdictCode/malformed``) or the library refused (``VerdictCode/notAllowed``).
    let detail: String?

    init(_ code: VerdictCode, key: TrustedKey? = nil, usedAlgorithm: SignatureAlgorithm? = nil, detail: String? = nil) {
        self.code = code
        self.key = key
        self.usedAlgorithm = usedAlgorithm
        self.detail = detail
    }

    /// Whether the signature verified under an active key.
    public var isValid: Bool { code == .valid }

    /// A sentence for people. Its wording may change between releases; match on ``code``.
    public var reason: String {
        let name = key?.displayName ?? "?"
        switch code {
        case .valid: return "verified by key \(name)"
        case .notChecked: return "not checked: the policy does not count this header"
        case .malformed: return "not a signature: \(detail ?? "unreadable")"
        case .noTrustedKey: return "no trusted key made this signature"
        case .bodyMismatch: return "key \(name) signed different bytes: the body was changed or re-serialised after signing"
        case .wrongAlgorithm: return "key \(name) made this signature with \(usedAlgorithm?.description ?? "another algorithm"), the other algorithm"
        case .keyRetired: return "key \(name) made this signature but is retired"
        case .keyExpired: return "key \(name) made this signature but is expired"
        case .keyNotYetValid: return "key \(name) made this signature but is not valid yet"
        case .conflictingValues: return "the header was sent more than once with different values"
        case .notAllowed: return "not checked: \(detail ?? "the crypto library refused the algorithm")"
        default: return code.name
        }
    }
}

/// One signature header and what its check found.
public struct SignatureCheck: Sendable, Hashable {
    /// The header's name in lower case (`fluent-signature`, `flex.signature`).
    public var header: String { algorithm.headerName }
    /// The algorithm this header carries.
    public let algorithm: SignatureAlgorithm
    /// Whether the policy counts this header toward the verdict.
    public let counted: Bool
    /// What the check found.
    public let outcome: SignatureOutcome

    init(algorithm: SignatureAlgorithm, counted: Bool, outcome: SignatureOutcome) {
        self.algorithm = algorithm
        self.counted = counted
        self.outcome = outcome
    }

    /// Whether the signature verified under an active key.
    public var isValid: Bool { outcome.isValid }
}

/// Why a delivery is not accepted.
public struct WebhookFailure: Sendable, Hashable {
    /// A stable identifier: ``VerdictCode/noSignatureHeader``, ``VerdictCode/policyNotMet``, or the
    /// failing check's outcome code.
    public let code: VerdictCode
    /// The counted check that failed, if a check decided.
    public let check: SignatureCheck?
    let detail: Detail?

    /// What a policy failure was about.
    enum Detail: Sendable, Hashable {
        case onlyMD5
        case missingForBoth(SignatureAlgorithm)
    }

    init(_ code: VerdictCode, detail: Detail? = nil) {
        self.code = code
        self.check = nil
        self.detail = detail
    }

    init(_ check: SignatureCheck) {
        self.code = check.outcome.code
        self.check = check
        self.detail = nil
    }

    /// A sentence for people. Its wording may change between releases; match on ``code``.
    public var reason: String {
        if let check { return "\(check.header): \(check.outcome.reason)" }
        switch detail {
        case .onlyMD5:
            return "only flex.signature (MD5withRSA) was sent; fluent-signature is required unless legacy MD5 is allowed"
        case .missingForBoth(let missing):
            return "the policy requires both signature headers; \(missing.headerName) is missing"
        case nil:
            return "no fluent-signature or flex.signature header was sent"
        }
    }
}

/// The verdict on one delivery: valid, or invalid with the precise reason; and every header's check.
///
/// Only malformed input throws; every signature that does not verify gives an invalid verdict.
/// Signature text follows one rule on every surface: surrounding ASCII whitespace (space, tab,
/// CR, LF) is trimmed, and what is then not strict padded standard base64 of exactly a trusted
/// key's modulus length is ``VerdictCode/malformed``, never an error.
public struct WebhookVerdict: Sendable, Hashable {
    // At most one check per header, so two slots rather than an array: a verdict allocates
    // nothing until ``checks`` is read.
    let fluent: SignatureCheck?
    let flex: SignatureCheck?
    /// Why the delivery is not accepted; nil when it is.
    public let failure: WebhookFailure?

    init(fluent: SignatureCheck?, flex: SignatureCheck?, failure: WebhookFailure?) {
        self.fluent = fluent
        self.flex = flex
        self.failure = failure
    }

    /// One entry per signature header sent, `fluent-signature` first.
    public var checks: [SignatureCheck] {
        switch (fluent, flex) {
        case (let a?, let b?): return [a, b]
        case (let a?, nil): return [a]
        case (nil, let b?): return [b]
        case (nil, nil): return []
        }
    }

    /// Whether the delivery is accepted under the policy.
    public var isValid: Bool { failure == nil }

    /// The key that verified the counted signature (`fluent-signature`'s when both did).
    public var verifiedKey: TrustedKey? {
        guard isValid else { return nil }
        if let fluent, fluent.counted, fluent.isValid { return fluent.outcome.key }
        if let flex, flex.counted, flex.isValid { return flex.outcome.key }
        return nil
    }

    /// The check for a header, if it was sent.
    public func check(for algorithm: SignatureAlgorithm) -> SignatureCheck? { algorithm == .sha512WithRSA ? fluent : flex }
}
