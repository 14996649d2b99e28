/// An error from a delivery store or a keyring source: a stable ``Code`` and a reason for people.
///
/// Match on ``code`` to decide what to do (a receiver answers 503 to ``Code/storeUnavailable``, so the
/// platform retries); show ``reason`` to a person.
public struct InboxError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as a stable identifier.
    public let code: Code
    /// A sentence for people: what was found and what was expected.
    public let reason: String

    /// Creates an error with a code and a reason.
    ///
    /// Use it in your own ``DeliveryStore`` so callers see the same codes as with the built-in stores.
    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    /// The code's name and the reason, as one line.
    public var description: String { "\(code): \(reason)" }

    /// A stable identifier for a class of store error; new codes may be added, none renamed.
    ///
    /// Compare with `==` against the static members; print it to get its snake-case name.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's stable name in snake case.
        public let name: String

        private init(_ name: String) { self.name = name }

        /// The stable name.
        public var description: String { name }

        /// The store cannot be reached or did not answer in time; the delivery was not stored.
        public static let storeUnavailable = Code("store_unavailable")
        /// The store answered but refused or failed the write; the delivery was not stored.
        public static let writeFailed = Code("write_failed")
        /// A store address (URL or folder) is malformed or names something unusable.
        public static let invalidLocation = Code("invalid_location")
        /// The database holds a schema version newer than this code understands.
        public static let schemaMismatch = Code("schema_mismatch")
        /// No delivery has this digest, or no keyring has been published.
        public static let notFound = Code("not_found")
        /// A keyring (file or published version) does not load.
        public static let invalidKeyring = Code("invalid_keyring")
        /// This build lacks the feature (for example PostgreSQL without the `PostgreSQL` trait).
        public static let unsupported = Code("unsupported")
    }
}
