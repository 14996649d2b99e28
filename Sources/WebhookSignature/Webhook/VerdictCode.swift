/// A stable identifier for what a signature check found or why a delivery was refused.
///
/// Programs match on it (`verdict.failure?.code == .bodyMismatch`); people read the ``name``
/// (`body_mismatch`), which never changes meaning. The set may grow in a minor release, so
/// compare with `==` or `switch` with a `default:`.
public struct VerdictCode: Hashable, Sendable, CustomStringConvertible {
    /// The stable name in snake case, as the CLI, the C library and the logs print it.
    public let name: String

    private init(_ name: String) { self.name = name }

    /// The stable name.
    public var description: String { name }

    // What one header's check found.

    /// A trusted, active key verified the signature.
    public static let valid = VerdictCode("valid")
    /// The policy does not count this header, so it was not checked (and cost nothing).
    public static let notChecked = VerdictCode("not_checked")
    /// The value is not a signature: not strict padded standard base64 once trimmed, or of a
    /// length no trusted key produces.
    public static let malformed = VerdictCode("malformed")
    /// No trusted key made this signature.
    public static let noTrustedKey = VerdictCode("no_trusted_key")
    /// A trusted key signed other bytes: the body was changed or re-serialised after signing.
    public static let bodyMismatch = VerdictCode("body_mismatch")
    /// A trusted key made this signature with the other algorithm (MD5 in `fluent-signature`, say).
    public static let wrongAlgorithm = VerdictCode("wrong_algorithm")
    /// The key that made the signature is retired.
    public static let keyRetired = VerdictCode("key_retired")
    /// The key that made the signature expired (its `notAfter` has passed).
    public static let keyExpired = VerdictCode("key_expired")
    /// The key that made the signature is not valid yet (its `notBefore` is ahead).
    public static let keyNotYetValid = VerdictCode("key_not_yet_valid")
    /// The header was sent more than once with different values.
    public static let conflictingValues = VerdictCode("conflicting_values")
    /// The crypto library's policy refused the algorithm (libgcrypt in FIPS mode refuses MD5);
    /// reported only on a header the policy does not count.
    public static let notAllowed = VerdictCode("not_allowed")

    // Why a delivery as a whole was refused (besides a counted check's code).

    /// Neither `fluent-signature` nor `flex.signature` was sent.
    public static let noSignatureHeader = VerdictCode("no_signature_header")
    /// The headers present cannot satisfy the policy (only `flex.signature` under the default policy).
    public static let policyNotMet = VerdictCode("policy_not_met")

    /// Every code of this release.
    public static let all: [VerdictCode] = [
        .valid, .notChecked, .malformed, .noTrustedKey, .bodyMismatch, .wrongAlgorithm, .keyRetired, .keyExpired,
        .keyNotYetValid, .conflictingValues, .notAllowed, .noSignatureHeader, .policyNotMet,
    ]

    /// The code with this name, if any.
    public init?(name: String) {
        guard let found = VerdictCode.all.first(where: { $0.name == name }) else { return nil }
        self = found
    }
}
