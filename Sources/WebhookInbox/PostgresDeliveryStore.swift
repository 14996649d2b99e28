#if PostgreSQL
import Foundation
import Logging
import NIOCore
import NIOSSL
import PostgresNIO

/// A delivery store and keyring registry in PostgreSQL, shared by every receiver of a fleet.
///
/// Use it when several receivers run behind a load balancer: each delivery is one row of
/// `whsig_deliveries` keyed by the body's SHA-512 (`INSERT … ON CONFLICT DO NOTHING`), so a retry that
/// lands on another instance is a duplicate, and `whsig_keyring` holds the fleet's keyring versions.
/// Connections come from a pool (`PostgresClient`); call ``run()`` in a long-running task (or a
/// `ServiceGroup`) for as long as the store is used, then cancel it.
public final class PostgresDeliveryStore: DeliveryStore, KeyringStore {
    /// The database, without its password.
    public let location: PostgresLocation
    /// The connection pool.
    public let client: PostgresClient
    private let logger: Logger

    /// The schema version this code writes and reads (`whsig_schema.version`).
    public static var schemaVersion: Int { InboxSchema.version }

    /// A store over the database at `location`, with at most `maximumConnections` pooled connections.
    ///
    /// Nothing connects until ``run()`` runs and a call needs a connection; `connectTimeout` bounds
    /// each connection attempt.
    public init(
        location: PostgresLocation, maximumConnections: Int = 8, connectTimeout: Duration = .seconds(2),
        logger: Logger = Logger(label: "whsig.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
    ) throws {
        let tls: PostgresClient.Configuration.TLS
        switch location.tlsMode {
        case .disable: tls = .disable
        case .require: tls = .require(.makeClientConfiguration())
        default: tls = .prefer(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password,
            database: location.database, tls: tls)
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = connectTimeout
        configuration.options.keepAliveBehavior = .init(frequency: .seconds(15))
        self.location = location
        self.logger = logger
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
    }

    /// Parses `url` (see ``PostgresLocation``) and makes a store over it.
    ///
    /// Use it from configuration text; throws ``InboxError/Code/invalidLocation`` for a bad URL.
    public convenience init(url: String, maximumConnections: Int = 8, logger: Logger = Logger(label: "whsig.postgres", factory: { _ in SwiftLogNoOpLogHandler() })) throws {
        try self.init(location: PostgresLocation(url: url), maximumConnections: maximumConnections, logger: logger)
    }

    /// Runs the connection pool until the task is cancelled.
    ///
    /// Call it once, in a task that lives as long as the store.
    public func run() async { await client.run() }

    /// `postgres://USER@HOST:PORT/DATABASE`.
    public var displayName: String { location.redacted }

    /// Creates the tables when missing and records the schema version, under an advisory lock so
    /// instances starting together do not race; refuses a database with a newer schema.
    ///
    /// Call it once at start, before storing; it is safe to call from every instance.
    public func prepareSchema() async throws {
        try await mapErrors("cannot prepare the schema") {
            try await client.withTransaction(logger: logger) { connection in
                // 0x77687369 is "whsi": one lock number for this schema, held until COMMIT.
                try await connection.query("SELECT pg_advisory_xact_lock(2003331945)", logger: logger)
                for statement in InboxSchema.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                let rows = try await connection.query("SELECT version FROM whsig_schema WHERE component = 'whsig'", logger: logger)
                for try await version in rows.decode(Int.self) where version > Self.schemaVersion {
                    throw InboxError(
                        .schemaMismatch,
                        "\(self.displayName) has schema version \(version); this whsig understands version \(Self.schemaVersion) (upgrade whsig)")
                }
            }
        }
    }

    // MARK: Deliveries

    struct InsertDelivery: PostgresPreparedStatement {
        static let name = "whsig_insert_delivery_v1"
        static let sql = """
            INSERT INTO whsig_deliveries (body_sha512, body, received_at, key_id, event_id, event_name, headers)
            VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) ON CONFLICT (body_sha512) DO NOTHING RETURNING body_sha512
            """
        typealias Row = String
        // Declared, not inferred: $7 is sent as text and cast by the server (inferred, it would be
        // jsonb, whose binary form differs from text).
        static let bindingDataTypes: [PostgresDataType] = [.text, .bytea, .timestamptz, .text, .text, .text, .text]
        let delivery: StoredDelivery

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 7)
            bindings.append(delivery.digest)
            bindings.append(ByteBuffer(bytes: delivery.body))
            bindings.append(delivery.receivedAt)
            bindings.append(delivery.keyID)
            bindings.append(delivery.eventID)
            bindings.append(delivery.eventName)
            bindings.append(delivery.headersJSON)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(String.self) }
    }

    /// Inserts the delivery's row and returns once PostgreSQL has committed it (one statement, its own
    /// transaction); an existing row with the same digest is left alone and answers `duplicate`.
    public func store(_ delivery: StoredDelivery) async throws -> StoreOutcome {
        try await mapErrors("cannot store delivery \(delivery.digest.prefix(16))") {
            var inserted = false
            for try await _ in try await client.execute(InsertDelivery(delivery: delivery), logger: logger) { inserted = true }
            return inserted ? .stored : .duplicate
        }
    }

    struct ListDeliveries: PostgresPreparedStatement {
        static let name = "whsig_list_deliveries_v1"
        static let sql = """
            SELECT body_sha512, received_at, octet_length(body), key_id, event_id, event_name FROM whsig_deliveries
            WHERE received_at >= $1 ORDER BY received_at, body_sha512 LIMIT $2
            """
        typealias Row = DeliverySummary
        let since: Date
        let limit: Int64

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 2)
            bindings.append(since)
            bindings.append(limit)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row {
            let (digest, received, size, key, id, name) = try row.decode((String, Date, Int32, String?, String?, String?).self)
            return DeliverySummary(digest: digest, receivedAt: received, size: Int(size), keyID: key, eventID: id, eventName: name)
        }
    }

    /// The rows received at or after `since`, oldest first.
    public func list(since: Date?, limit: Int) async throws -> [DeliverySummary] {
        try await mapErrors("cannot list deliveries") {
            let statement = ListDeliveries(since: since ?? Date(timeIntervalSince1970: 0), limit: Int64(max(0, limit)))
            var out: [DeliverySummary] = []
            for try await row in try await client.execute(statement, logger: logger) { out.append(row) }
            return out
        }
    }

    struct DeliveryBody: PostgresPreparedStatement {
        static let name = "whsig_delivery_body_v1"
        static let sql = "SELECT body FROM whsig_deliveries WHERE body_sha512 = $1"
        typealias Row = ByteBuffer
        let digest: String

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 1)
            bindings.append(digest)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(ByteBuffer.self) }
    }

    /// The body of the row whose digest is `digest`.
    public func body(digest: String) async throws -> [UInt8]? {
        try await mapErrors("cannot read delivery \(digest.prefix(16))") {
            for try await buffer in try await client.execute(DeliveryBody(digest: digest), logger: logger) {
                return Array(buffer.readableBytesView)
            }
            return nil
        }
    }

    // MARK: Keyring

    struct InsertKeyring: PostgresPreparedStatement {
        static let name = "whsig_insert_keyring_v1"
        static let sql = "INSERT INTO whsig_keyring (keyring) VALUES ($1) RETURNING version"
        typealias Row = Int64
        let text: String

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 1)
            bindings.append(text)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Int64.self) }
    }

    /// Adds `keyring` (its JSON text, as a keyring file holds it) as a new version and returns the number.
    ///
    /// The store does not parse it: check it first, as `whsig keyring push` does.
    public func publishKeyring(_ keyring: [UInt8]) async throws -> Int64 {
        try await mapErrors("cannot publish the keyring") {
            for try await version in try await client.execute(InsertKeyring(text: String(decoding: keyring, as: UTF8.self)), logger: logger) {
                return version
            }
            throw InboxError(.writeFailed, "\(self.displayName) returned no keyring version")
        }
    }

    struct NewerKeyring: PostgresPreparedStatement {
        static let name = "whsig_newer_keyring_v1"
        static let sql = "SELECT version, keyring FROM whsig_keyring WHERE version > $1 ORDER BY version DESC LIMIT 1"
        typealias Row = PublishedKeyring
        let after: Int64

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 1)
            bindings.append(after)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row {
            let (version, text) = try row.decode((Int64, String).self)
            return PublishedKeyring(version: version, json: Array(text.utf8))
        }
    }

    /// The newest published keyring if its version is above `version` (any when nil); nil otherwise.
    public func latestKeyring(newerThan version: Int64?) async throws -> PublishedKeyring? {
        try await mapErrors("cannot read the keyring") {
            for try await row in try await client.execute(NewerKeyring(after: version ?? 0), logger: logger) { return row }
            return nil
        }
    }

    // MARK: Errors

    /// Turns PostgresNIO's errors into ``InboxError``s that name the database and the server's message
    /// (never the query's bound values, which hold the body).
    private func mapErrors<T: Sendable>(_ what: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as InboxError {
            throw error
        } catch let error as PSQLError {
            throw Self.inboxError(what, error, store: displayName)
        } catch let error as PostgresTransactionError {
            if let inner = (error.closureError ?? error.beginError ?? error.commitError) {
                if let inbox = inner as? InboxError { throw inbox }
                if let psql = inner as? PSQLError { throw Self.inboxError(what, psql, store: displayName) }
            }
            throw InboxError(.storeUnavailable, "\(what) in \(displayName): the transaction failed")
        } catch is CancellationError {
            throw InboxError(.storeUnavailable, "\(what) in \(displayName): cancelled")
        } catch {
            throw InboxError(.storeUnavailable, "\(what) in \(displayName): \(error)")
        }
    }

    static func inboxError(_ what: String, _ error: PSQLError, store: String) -> InboxError {
        if error.code == .server, let message = error.serverInfo?[.message] {
            let state = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            return InboxError(.writeFailed, "\(what) in \(store): \(message)\(state)")
        }
        var why = "\(error.code)"
        if let underlying = error.underlying { why += ": \(underlying)" }
        return InboxError(.storeUnavailable, "\(what) in \(store): \(why)")
    }
}
#endif
