import ArgumentParser
import Foundation
#if PostgreSQL
import Logging
#endif
import WebhookInbox
import WebhookSignature

/// An opened `--store`: where deliveries go, and the fleet's keyring registry when the store has one.
struct OpenedStore: Sendable {
    let deliveries: any DeliveryStore
    let keyrings: (any KeyringStore)?
}

/// How long opening a store (connecting, creating the tables) may take before the command gives up.
let storeOpenTimeout: Duration = .seconds(10)

/// Opens `--store` (a `postgres://` URL or a folder), runs what it needs in the background (the
/// connection pool), prepares its schema, and calls `body`; everything stops when `body` returns.
func withStore<T: Sendable>(_ text: String, _ body: (OpenedStore) async throws -> T) async throws -> T {
    guard PostgresLocation.isPostgresURL(text) else {
        return try await body(OpenedStore(deliveries: try FolderDeliveryStore(path: text), keyrings: nil))
    }
    #if PostgreSQL
    // The pool's own log lines (reconnects and the like) go to stderr, warnings and up.
    var logger = Logger(label: "whsig.postgres", factory: { StreamLogHandler.standardError(label: $0) })
    logger.logLevel = .warning
    let store = try PostgresDeliveryStore(url: text, logger: logger)
    return try await withThrowingTaskGroup(of: Void.self, returning: T.self) { group in
        group.addTask { await store.run() }
        defer { group.cancelAll() }
        try await withDeadline(storeOpenTimeout, "cannot reach \(store.displayName)") { try await store.prepareSchema() }
        return try await body(OpenedStore(deliveries: store, keyrings: store))
    }
    #else
    _ = try PostgresLocation(url: text)
    throw InboxError(
        .unsupported,
        "this whsig was built without PostgreSQL support; rebuild it with: swift build --traits PostgreSQL --product whsig")
    #endif
}

/// `--store` for the inbox and keyring commands, which need a store.
struct RequiredStoreOption: ParsableArguments {
    @Option(help: ArgumentHelp("The store: postgres://USER[:PASSWORD]@HOST:PORT/DATABASE (password also from PGPASSWORD) or a folder.", valueName: "URL"))
    var store: String
}

/// The store and reload options of `listen`.
struct ListenStoreOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Store each verified delivery before answering 200: postgres://USER[:PASSWORD]@HOST:PORT/DATABASE or a folder. Without --key or --keyring, a PostgreSQL store's keyring is used and followed.",
            valueName: "URL"))
    var store: String?

    @Option(help: ArgumentHelp("Seconds a store write may take before the answer is 503.", valueName: "SECONDS"))
    var storeTimeout: Double = 5

    @Option(help: ArgumentHelp("Seconds between checks for a changed --keyring file or a new keyring in the store.", valueName: "SECONDS"))
    var reloadInterval: Double = 1

    func validate() throws {
        if !(storeTimeout > 0 && storeTimeout <= 300) { throw ValidationError("--store-timeout must be more than 0 and at most 300") }
        if !(reloadInterval >= 0.05 && reloadInterval <= 3600) { throw ValidationError("--reload-interval must be 0.05...3600") }
    }

    /// True when the keys may come from the store alone.
    var providesKeyring: Bool { store.map(PostgresLocation.isPostgresURL) ?? false }
}

extension Duration {
    init(secondsValue: Double) { self = .milliseconds(Int64((secondsValue * 1000).rounded())) }
}

/// The verifier `listen` uses: the --keyring file followed live (plus each --key), the store's keyring
/// followed live when neither is given, or the --key files alone.
func makeListenVerifiers(
    trust: TrustOptions, backend: CryptoBackend, store: OpenedStore?, interval: Duration
) async throws -> any VerifierSource {
    var extra: [TrustedKey] = []
    for path in trust.keys {
        let key = try loadPublicKey(path, backend: backend)
        if !extra.contains(where: { $0.id == key.fingerprint }) { extra.append(TrustedKey(key: key)) }
    }
    if let keyring = trust.keyring {
        _ = try loadKeyring(keyring, backend: backend)  // the CLI's own messages for a missing or bad file
        return try LiveVerifier.following(
            keyringFile: keyring, policy: trust.policy, extraKeys: extra, backend: backend, interval: interval, log: logKeyring)
    }
    if extra.isEmpty, let registry = store?.keyrings {
        let policy = trust.policy
        return try await withDeadline(storeOpenTimeout, "cannot read the keyring from \(registry.displayName)") {
            try await LiveVerifier.following(store: registry, policy: policy, backend: backend, interval: interval, log: logKeyring)
        }
    }
    return WebhookVerifier(keyring: try Keyring(extra), policy: trust.policy)
}

/// Runs `body` while a ``LiveVerifier`` polls for new keyrings beside it; a fixed verifier needs nothing.
func withFollowing(_ verifiers: any VerifierSource, _ body: () async throws -> Void) async throws {
    guard let live = verifiers as? LiveVerifier else { return try await body() }
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await live.run() }
        defer { group.cancelAll() }
        try await body()
    }
}

/// Keyring reloads and ignored keyrings, one line each on stderr (stdout has only deliveries).
@Sendable func logKeyring(_ line: String) {
    FileHandle.standardError.write(Data("whsig: \(line)\n".utf8))
}
