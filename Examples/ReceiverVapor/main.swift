// A complete webhook receiver: Vapor 4 with WebhookVerificationMiddleware.
//
//   swift run --traits Vapor webhook-receiver-example-vapor platform-public-key.b64 8080
//   whsig send --url http://127.0.0.1:8080/webhooks/fluent --private-key sender.pem event.json
//
// Serves POST /webhooks/fluent. The middleware collects the raw body up to 1 MiB before anything
// decodes it (Vapor's routes collect only 16 KB by default) and verifies it; the rest get 401
// signature_invalid (the reason goes to the log), 400 for unreadable bodies, 413 over 1 MiB. A repeat
// of an accepted delivery is answered 200 without the handler.
#if Vapor
import FluentEvent
import Foundation
import Vapor
import WebhookSignature
import WebhookSignatureVapor

let arguments = CommandLine.arguments
guard arguments.count == 3, let keyText = try? String(contentsOfFile: arguments[1], encoding: .utf8), let port = Int(arguments[2]) else {
    FileHandle.standardError.write(Data("usage: webhook-receiver-example-vapor PUBLIC_KEY_FILE PORT\n".utf8))
    exit(2)
}

// Trust the platform's key (x509 base64, PEM or DER). Several keys: a Keyring file, see `whsig keyring`.
let verifier = WebhookVerifier(keyring: Keyring(trusting: try RSAPublicKey(parsing: keyText), label: "platform"))
let options = WebhookMiddlewareOptions(maxBodySize: 1 << 20, duplicateCheck: InMemoryDuplicateCheck())

/// One line to stdout, unbuffered (so a pipe sees it at once).
@Sendable func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

// Vapor reads its own command line; give it `serve` only, the address is set below.
let app = try await Application.make(Environment(name: "production", arguments: [arguments[0], "serve"]))
app.http.server.configuration.hostname = "127.0.0.1"
app.http.server.configuration.port = port
// Close connections idle for 30 s.
app.http.server.configuration.idleTimeout = .seconds(30)

app.get("health") { _ in "ok\n" }
app.grouped("webhooks")
    .grouped(WebhookVerificationMiddleware(verifier: verifier, options: options))
    .post("fluent") { request async throws -> String in
        let webhook = try request.requireVerifiedWebhook()  // the exact bytes that verified, and the verdict
        let event = try request.verifiedEvent()  // parsed only now, after verification
        let id = event.id ?? "-"
        say(
            "accepted \(event.name ?? "-") id=\(id) \(event.entityType ?? "-") \(event.entityRef ?? "-")"
                + " status=\(event.entityStatus ?? "-") key=\(webhook.key?.displayName ?? "-") bytes=\(webhook.body.readableBytes)")
        // Hand the event to a queue here and answer fast: the platform retries on timeouts.
        return "accepted \(id)\n"
    }

say("receiver listening on http://127.0.0.1:\(port)/webhooks/fluent")
do {
    try await app.execute()
} catch {
    try? await app.asyncShutdown()
    throw error
}
try await app.asyncShutdown()
#else
import Foundation

FileHandle.standardError.write(
    Data("webhook-receiver-example-vapor needs the Vapor trait: swift run --traits Vapor webhook-receiver-example-vapor PUBLIC_KEY_FILE PORT\n".utf8))
exit(2)
#endif
