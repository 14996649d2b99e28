/// Which signature headers must be present and verify, and how the body is read.
///
/// The default requires `fluent-signature` (SHA512withRSA) and does not count `flex.signature`:
/// MD5 is broken for collisions, and some proxies (nginx among them) drop header names that
/// contain a dot. A header the policy does not count is reported as not checked and costs
/// nothing (no hash, no public operation) unless ``checksUncountedHeaders`` asks for it.
///
/// The policy is the one place where per-header checks become a verdict: the verifier finds
/// what each header's signature is, and ``evaluate(_:)`` decides.
public struct WebhookPolicy: Sendable, Hashable {
    /// Counts `flex.signature` (MD5withRSA): a present one must verify, and it suffices alone when
    /// `fluent-signature` is absent. Off by default.
    public var allowsLegacyMD5: Bool
    /// Requires both headers to be present and to verify (implies counting MD5).
    public var requiresBothSignatures: Bool
    /// How the body is read before hashing; ``CanonicalMode/raw`` (the exact bytes) by default.
    public var canonicalization: CanonicalMode
    /// Checks headers the policy does not count too, for diagnosis. Off by default.
    ///
    /// Use it when investigating a sender: the uncounted header's outcome is then reported, but it
    /// never changes the verdict, and a refusal by the crypto library's policy (libgcrypt in FIPS
    /// mode refuses MD5) is reported on that header as ``VerdictCode/notAllowed``.
    public var checksUncountedHeaders: Bool

    /// A policy; the defaults are the safe ones.
    public init(
        allowsLegacyMD5: Bool = false, requiresBothSignatures: Bool = false, canonicalization: CanonicalMode = .raw,
        checksUncountedHeaders: Bool = false
    ) {
        self.allowsLegacyMD5 = allowsLegacyMD5
        self.requiresBothSignatures = requiresBothSignatures
        self.canonicalization = canonicalization
        self.checksUncountedHeaders = checksUncountedHeaders
    }

    /// `fluent-signature` required, MD5 not counted (and not checked), raw body.
    public static let `default` = WebhookPolicy()

    /// Whether `flex.signature` counts toward the verdict.
    public var countsMD5: Bool { allowsLegacyMD5 || requiresBothSignatures }

    /// Whether a header of `algorithm` counts toward the verdict.
    public func counts(_ algorithm: SignatureAlgorithm) -> Bool {
        algorithm == .sha512WithRSA || countsMD5
    }

    /// Whether a header of `algorithm` is checked at all (counted, or checked for diagnosis).
    public func checks(_ algorithm: SignatureAlgorithm) -> Bool {
        counts(algorithm) || checksUncountedHeaders
    }

    /// Why a delivery with these checks (one per signature header sent, `fluent-signature`
    /// first) is not accepted, or nil when it is.
    public func evaluate(_ checks: [SignatureCheck]) -> WebhookFailure? {
        evaluate(fluent: checks.first { $0.algorithm == .sha512WithRSA }, flex: checks.first { $0.algorithm == .md5WithRSA })
    }

    /// The same, given each header's check (nil for a header not sent).
    func evaluate(fluent: SignatureCheck?, flex: SignatureCheck?) -> WebhookFailure? {
        if fluent == nil, flex == nil { return WebhookFailure(.noSignatureHeader) }
        if requiresBothSignatures, fluent == nil || flex == nil {
            return WebhookFailure(.policyNotMet, detail: .missingForBoth(fluent == nil ? .sha512WithRSA : .md5WithRSA))
        }
        if !countsMD5, fluent == nil { return WebhookFailure(.policyNotMet, detail: .onlyMD5) }
        if let fluent, fluent.counted, !fluent.isValid { return WebhookFailure(fluent) }
        if let flex, flex.counted, !flex.isValid { return WebhookFailure(flex) }
        return nil
    }
}
