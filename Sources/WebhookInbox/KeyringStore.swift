/// A place that publishes versioned keyrings to a fleet of receivers, such as ``PostgresDeliveryStore``.
///
/// Push a new version with ``publishKeyring(_:)``; receivers follow it through
/// ``LiveVerifier/following(store:policy:extraKeys:backend:interval:log:)``.
public protocol KeyringStore: Sendable {
    /// Adds a keyring (JSON text, as in a keyring file) as a new version and returns its number.
    ///
    /// Call it when rotating keys; check the keyring loads before publishing.
    func publishKeyring(_ keyring: [UInt8]) async throws -> Int64

    /// The newest keyring whose version is above `version` (the newest of all when nil), or nil.
    ///
    /// Poll it to notice a new version cheaply: it returns nothing while the version is unchanged.
    func latestKeyring(newerThan version: Int64?) async throws -> PublishedKeyring?

    /// A short description for logs, never including a password.
    var displayName: String { get }
}

/// One published keyring version: its number and its JSON text.
///
/// ``KeyringStore/latestKeyring(newerThan:)`` returns it; parse the text with `Keyring(json:)`.
public struct PublishedKeyring: Sendable, Hashable {
    /// The version number, increasing with each publication.
    public var version: Int64
    /// The keyring file's JSON text as published.
    public var json: [UInt8]

    /// A version and its text; stores build these.
    public init(version: Int64, json: [UInt8]) {
        self.version = version
        self.json = json
    }
}
