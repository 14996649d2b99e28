/// An error from this package: a stable ``Code`` that programs match on, and a reason that people read.
///
/// Use the code to decide what to do and show the reason to a person. Codes only ever grow: a new
/// release may add codes, never rename or renumber one, so `switch` over them with a `default`.
/// An invalid signature is not an error: verification answers `false` or an invalid verdict.
public struct WebhookSignatureError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as a stable identifier.
    public let code: Code
    /// A sentence for people: what was found and what was expected.
    public let reason: String

    /// Creates an error with a code and a reason.
    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    /// The code's name and the reason, as one line.
    public var description: String { "\(code): \(reason)" }

    /// A stable identifier for a class of error.
    ///
    /// Each code has a name (`"not_base64"`) and a number that the C library returns negated
    /// (`WHSIG_ERR_NOT_BASE64 == -3`). Both stay fixed across releases; a retired code's number
    /// is never reused (22, 27 and 33 are retired).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's stable name in snake case, as printed by the CLI.
        public let name: String
        /// The code's stable number; the C library returns it negated.
        public let number: Int32

        private init(_ name: String, _ number: Int32) {
            self.name = name
            self.number = number
        }

        /// The stable name.
        public var description: String { name }

        /// A required input was empty.
        public static let emptyInput = Code("empty_input", 2)
        /// Text that should be base64 holds a character outside the alphabet, bad padding or a bad length.
        public static let notBase64 = Code("not_base64", 3)
        /// Bytes that should be DER do not parse as DER, or do not have the expected structure.
        public static let notDER = Code("not_der", 4)
        /// A DER structure is followed by bytes that belong to nothing.
        public static let trailingBytes = Code("trailing_bytes", 5)
        /// A DER structure ends before its declared length.
        public static let truncated = Code("truncated", 6)
        /// The text is in no format this package reads (not PEM, base64, DER or JWK).
        public static let unrecognizedFormat = Code("unrecognized_format", 7)
        /// PEM armour is malformed (missing END line, mismatched labels, bad body).
        public static let invalidPEM = Code("invalid_pem", 8)
        /// PEM armour with a label this package does not read (for example `OPENSSH PRIVATE KEY`).
        public static let unsupportedPEMType = Code("unsupported_pem_type", 9)
        /// An elliptic-curve key where an RSA key was expected.
        public static let ecKey = Code("ec_key", 10)
        /// An Ed25519 or Ed448 (or X25519/X448) key where an RSA key was expected.
        public static let edwardsKey = Code("ed25519_key", 11)
        /// A DSA key where an RSA key was expected.
        public static let dsaKey = Code("dsa_key", 12)
        /// A key of another or unknown algorithm, including RSA-PSS-only keys.
        public static let unsupportedKeyAlgorithm = Code("unsupported_key_algorithm", 13)
        /// A private key where a public key was expected.
        public static let privateKeyGiven = Code("private_key_given", 14)
        /// A public key (or certificate) where a private key was expected.
        public static let publicKeyGiven = Code("public_key_given", 15)
        /// An encrypted private key (PKCS#8 `ENCRYPTED PRIVATE KEY` or a legacy `Proc-Type: 4,ENCRYPTED` PEM).
        public static let encryptedPrivateKey = Code("encrypted_private_key", 16)
        /// The modulus is shorter than 1024 bits.
        public static let keyTooSmall = Code("key_too_small", 17)
        /// The modulus is longer than 16384 bits.
        public static let keyTooLarge = Code("key_too_large", 18)
        /// The public exponent is even, 1, larger than 64 bits, or not below the modulus.
        public static let badExponent = Code("bad_exponent", 19)
        /// Key components are inconsistent (an even modulus, private parts that do not match).
        public static let invalidKey = Code("invalid_key", 20)
        /// A JWK that is not RSA or lacks or mangles a member.
        public static let invalidJWK = Code("invalid_jwk", 21)
        /// The crypto library refused the algorithm under its policy (libgcrypt's FIPS mode refuses MD5).
        public static let algorithmNotAllowed = Code("algorithm_not_allowed", 23)
        /// The crypto library failed in a way no input explains (out of memory, a broken installation).
        public static let cryptoLibraryFailure = Code("crypto_library_failure", 24)
        /// A body is not valid JSON where JSON was required (canonical modes, JWK, event parsing).
        public static let invalidJSON = Code("invalid_json", 25)
        /// JSON nests deeper than the documented limit.
        public static let nestingTooDeep = Code("nesting_too_deep", 26)
        /// A JSON number cannot be represented as required (JCS: not a finite IEEE 754 double).
        public static let invalidNumber = Code("invalid_number", 28)
        /// A keyring file or value that cannot be read or is inconsistent.
        public static let invalidKeyring = Code("invalid_keyring", 29)
        /// An argument or option is out of range or contradicts another.
        public static let invalidArgument = Code("invalid_argument", 30)
        /// An input exceeds a documented size limit (signature text, body, header count).
        public static let inputTooLarge = Code("input_too_large", 31)
        /// A text input is not valid UTF-8 where UTF-8 is required.
        public static let notUTF8 = Code("not_utf8", 32)
        /// A key generation request the library could not fulfil.
        public static let keyGenerationFailed = Code("key_generation_failed", 34)

        /// Every code, in number order.
        public static let all: [Code] = [
            .emptyInput, .notBase64, .notDER, .trailingBytes, .truncated, .unrecognizedFormat,
            .invalidPEM, .unsupportedPEMType, .ecKey, .edwardsKey, .dsaKey, .unsupportedKeyAlgorithm,
            .privateKeyGiven, .publicKeyGiven, .encryptedPrivateKey, .keyTooSmall, .keyTooLarge,
            .badExponent, .invalidKey, .invalidJWK, .algorithmNotAllowed,
            .cryptoLibraryFailure, .invalidJSON, .nestingTooDeep, .invalidNumber,
            .invalidKeyring, .invalidArgument, .inputTooLarge, .notUTF8,
            .keyGenerationFailed,
        ]

        /// The code with this number, if any.
        public init?(number: Int32) {
            guard let found = Code.all.first(where: { $0.number == number }) else { return nil }
            self = found
        }

        /// The code with this name, if any.
        public init?(name: String) {
            guard let found = Code.all.first(where: { $0.name == name }) else { return nil }
            self = found
        }
    }
}
