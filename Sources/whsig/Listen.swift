#if Hummingbird
#if Hummingbird
import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization
import WebhookInbox
import WebhookSignature
import WebhookSignatureHummingbird

struct Listen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Receive webhooks on a local port and verify each delivery, as a receiver would.",
        discussion: """
            Accepts POST on any path (or only --path), verifies the raw body with the trusted keys and \
            answers 200 verified, 401 failed verification, 400 unreadable body (e.g. invalid JSON under \
            --canonical compact|jcs), 413 over --max-body, 404 other paths, 405 other methods. A 401 says \
            only 'signature_invalid' (body and Webhook-Failure header): no key id, label or key status; \
            --explain answers the precise code and reason instead. Logs one line per delivery to stdout, \
            with the full verdict:

              <status> <verdict> <METHOD> <path> headers=<name:result,...>
                key=<id> id=<event id> name=<event name> bytes=<n> [duplicate]

            Refused before the body is read: a Content-Length over --max-body (413), no signature header \
            the policy counts, or a signature whose length no trusted key can produce (401). A connection \
            that sends nothing for --idle-timeout seconds is closed.

            'duplicate' marks a verified body whose SHA-512 digest is among the last --dedupe-window \
            verified ones (platform retries are byte-identical). A valid delivery stays valid forever: the \
            platform sends no timestamp or nonce, so replay protection is this window, or the event id in \
            your own store. The event's id and name are read only after it verified. With --store (or \
            --save-dir), each verified delivery is stored before the answer: 200 only once it is stored, 503 \
            when the store fails or takes over --store-timeout; a body already stored is a duplicate (the \
            store decides, across instances) and is not stored again. A folder store keeps \
            DIR/<sha512-hex>.json (0600 in a 0700 folder; temp file, then link); a PostgreSQL store keeps one \
            row per body in whsig_deliveries, shared by a fleet. A --keyring file is re-read when it changes \
            (every --reload-interval); with a PostgreSQL --store and neither --key nor --keyring, the keyring \
            published by 'whsig keyring push' is used and followed. A new keyring that does not load is \
            logged and ignored. Prints 'listening on http://HOST:PORT' once ready; --port 0 picks a free \
            port. SIGINT or SIGTERM stops it and prints a summary line.

            Example (two terminals):
              whsig listen --port 8080 --key platform-public.b64 \\
                --save-dir received/
              whsig listen --port 8080 \\
                --store postgres://whsig@127.0.0.1:5432/webhooks
              whsig send --url http://127.0.0.1:8080/hook \\
                --private-key sender.pem event.json
            """
    )

    @Option(help: "The address to listen on (loopback by default).")
    var host: String = "127.0.0.1"

    @Option(help: "The port; 0 picks a free one.")
    var port: Int

    @OptionGroup var trust: TrustOptions

    @Option(help: ArgumentHelp("Accept deliveries on this path only (others get 404).", valueName: "P"))
    var path: String?

    @Option(help: ArgumentHelp("Store each verified body in DIR/<sha512-hex>.json (the same as --store DIR).", valueName: "DIR"))
    var saveDir: String?

    @OptionGroup var inbox: ListenStoreOptions

    @Option(help: ArgumentHelp("The largest body accepted, in bytes (default 16 MiB).", valueName: "BYTES"))
    var maxBody: Int = WebhookGate.defaultMaxBodySize

    @Option(help: ArgumentHelp("Close a connection that sends nothing for this long (default 30).", valueName: "SECONDS"))
    var idleTimeout: Double = 30

    @Option(help: ArgumentHelp("How many recent body digests duplicate detection keeps; the oldest is dropped (0: none).", valueName: "N"))
    var dedupeWindow: Int = 100_000

    @Flag(help: "Answer a 401 with the precise failure code and reason (by default only signature_invalid; the log line always has them).")
    var explain = false

    @OptionGroup var backendOptions: BackendOptions

    func validate() throws {
        if !(0...65535).contains(port) { throw ValidationError("--port must be 0...65535") }
        if maxBody < 0 { throw ValidationError("--max-body must not be negative") }
        guard idleTimeout.isFinite, idleTimeout > 0, idleTimeout <= 86_400 else {
            throw ValidationError("--idle-timeout must be a positive number of seconds, at most 86400")
        }
        if !(0...10_000_000).contains(dedupeWindow) { throw ValidationError("--dedupe-window must be 0...10000000") }
        if let path, !path.hasPrefix("/") { throw ValidationError("--path must start with /") }
        if saveDir != nil && inbox.store != nil { throw ValidationError("give --store or --save-dir, not both") }
        if trust.keys.isEmpty && trust.keyring == nil && !inbox.providesKeyring {
            throw ValidationError("give at least one --key FILE, a --keyring FILE, or a postgres:// --store that holds a keyring")
        }
    }

    func run() async throws {
        if let location = inbox.store ?? saveDir {
            try await withStore(location) { try await serve(store: $0) }
        } else {
            try await serve(store: nil)
        }
    }

    /// Hummingbird's log lines go to stderr, warnings and up, so stdout has only deliveries.
    static let logger: Logger = {
        var logger = Logger(label: "whsig.listen", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = .warning
        return logger
    }()

    func serve(store: OpenedStore?) async throws {
        let verifiers = try await makeListenVerifiers(
            trust: trust, backend: backendOptions.backend, store: store, interval: Duration(secondsValue: inbox.reloadInterval))
        let state = ListenerState(dedupeWindow: dedupeWindow)
        let responder = ListenResponder(
            verifiers: verifiers, maxBody: maxBody, path: path, store: store?.deliveries,
            storeTimeout: Duration(secondsValue: inbox.storeTimeout), explain: explain, state: state)

        let logger = Self.logger
        let host = self.host
        let app = Application(
            responder: responder,
            server: .http1(configuration: .init(idleTimeout: .nanoseconds(Int64(idleTimeout * 1e9)))),
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? 0
                let shown = host.contains(":") ? "[\(host)]" : host
                state.emit("listening on http://\(shown):\(bound)")
            },
            logger: logger
        )
        do {
            try await withFollowing(verifiers) { try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint]) }
        } catch {
            throw UsageFailure("cannot listen on \(host):\(port): \(error)")
        }
        state.emit(state.summary())
        state.flush()
    }
}
#endif
#endif
