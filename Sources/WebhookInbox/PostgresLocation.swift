import Foundation

/// Where a PostgreSQL store lives, read from `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=MODE]`.
///
/// Use it to check a store URL before connecting; the password comes from the URL or, when the URL
/// has none, from the `PGPASSWORD` environment variable, and is never shown by ``redacted``.
public struct PostgresLocation: Sendable, Hashable {
    /// The user name.
    public var user: String
    /// The password (from the URL or `PGPASSWORD`), if any.
    public var password: String?
    /// The host name or address.
    public var host: String
    /// The TCP port (5432 when the URL has none).
    public var port: Int
    /// The database name.
    public var database: String
    /// The TLS mode: `disable`, `prefer` (the default, as libpq) or `require` (certificate verified).
    public var tlsMode: TLSMode

    /// How the connection uses TLS, as libpq's `sslmode` names it.
    ///
    /// Use `require` across any network you do not control.
    public struct TLSMode: Sendable, Hashable, CustomStringConvertible {
        /// The mode's name as in the URL.
        public let name: String
        private init(_ name: String) { self.name = name }
        /// Plain TCP.
        public static let disable = TLSMode("disable")
        /// TLS when the server offers it, plain TCP otherwise.
        public static let prefer = TLSMode("prefer")
        /// TLS with the server's certificate verified against the system's roots; refuses plain TCP.
        public static let require = TLSMode("require")
        /// The name.
        public var description: String { name }
        static let all = [disable, prefer, require]
    }

    /// True when `text` looks like a PostgreSQL URL (`postgres://` or `postgresql://`).
    ///
    /// Use it to tell a database URL from a folder path in a `--store` option.
    public static func isPostgresURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses a store URL; throws ``InboxError/Code/invalidLocation`` with what is wrong.
    ///
    /// `environment` supplies `PGPASSWORD` when the URL carries no password.
    public init(url text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        func invalid(_ why: String) -> InboxError {
            InboxError(.invalidLocation, "\(Self.redact(text)) is not a PostgreSQL URL such as postgres://USER[:PASSWORD]@HOST:PORT/DATABASE: \(why)")
        }
        guard Self.isPostgresURL(text) else { throw invalid("it must start with postgres://") }
        guard let components = URLComponents(string: text) else { throw invalid("it does not parse as a URL") }
        guard let user = components.user, !user.isEmpty else { throw invalid("the user is missing") }
        guard let host = components.host, !host.isEmpty else { throw invalid("the host is missing") }
        let database = String(components.path.dropFirst())
        guard !database.isEmpty, !database.contains("/") else { throw invalid("the database name is missing") }
        var mode = TLSMode.prefer
        for item in components.queryItems ?? [] {
            guard item.name == "sslmode" else { throw invalid("unknown parameter \"\(item.name)\" (only sslmode is read)") }
            guard let chosen = TLSMode.all.first(where: { $0.name == item.value }) else {
                throw invalid("sslmode must be disable, prefer or require")
            }
            mode = chosen
        }
        if let port = components.port, !(1...65535).contains(port) { throw invalid("the port must be 1...65535") }
        self.user = user
        self.password = components.password ?? environment["PGPASSWORD"]
        self.host = host
        self.port = components.port ?? 5432
        self.database = database
        self.tlsMode = mode
    }

    /// The URL without its password, for logs and messages.
    public var redacted: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    static func redact(_ text: String) -> String {
        // user:password@ → user:***@
        guard let at = text.lastIndex(of: "@"), let scheme = text.range(of: "://"),
            let colon = text[scheme.upperBound..<at].firstIndex(of: ":")
        else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }
}
