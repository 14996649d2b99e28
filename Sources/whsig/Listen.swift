#if Hummingbird
import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization
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
            your own store. The event's id and name are read only after it verified. With --save-dir \
            (created 0700), each verified body is written to DIR/<sha512-hex>.json (mode 0600, temp file + \
            rename). Prints 'listening on http://HOST:PORT' once ready; --port 0 picks a free port. SIGINT \
            or SIGTERM stops it and prints a summary line.

            Example (two terminals):
              whsig listen --port 8080 --key platform-public.b64 \\
                --save-dir received/
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

    @Option(help: ArgumentHelp("Write each verified body to DIR/<sha512-hex>.json.", valueName: "DIR"))
    var saveDir: String?

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
    }

    func run() async throws {
        let ring = try trust.trustedKeys(backend: backendOptions.backend)
        if let saveDir {
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: saveDir, isDirectory: &isDirectory) {
                do {
                    // 0700: the bodies are the receiver's business only (each file is 0600).
                    try FileManager.default.createDirectory(
                        atPath: saveDir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                } catch {
                    throw UsageFailure("cannot create --save-dir \(saveDir): \(error.localizedDescription)")
                }
            } else if !isDirectory.boolValue {
                throw UsageFailure("--save-dir \(saveDir) is not a directory")
            }
        }
        let policy = trust.policy
        let state = ListenerState(dedupeWindow: dedupeWindow)
        let responder = ListenResponder(
            gate: WebhookGate(verifier: WebhookVerifier(keyring: ring, policy: policy), maxBodySize: maxBody),
            head: HeadCheck(keyring: ring, policy: policy, maxBody: maxBody),
            path: path, saveDir: saveDir, explain: explain, state: state)

        // Hummingbird's own log lines go to stderr, warnings and up, so stdout has only deliveries.
        var logger = Logger(label: "whsig.listen", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = .warning
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
            try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        } catch {
            throw UsageFailure("cannot listen on \(host):\(port): \(error)")
        }
        state.emit(state.summary())
    }
}
#endif
