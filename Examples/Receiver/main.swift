// A complete webhook receiver: Hummingbird 2 with WebhookVerificationMiddleware.
//
//   swift run --traits Hummingbird webhook-receiver-example platform-public-key.b64 8080
//   whsig send --url http://127.0.0.1:8080/webhooks/fluent --private-key sender.pem event.json
//
// Serves POST /webhooks/fluent. Only requests whose fluent-signature verifies on the raw body reach
// the handler; the rest get 401 signature_invalid (the reason goes to the log), 400 for unreadable
// bodies, 413 over 1 MiB. A repeat of an accepted delivery is answered 200 without the handler.
#if Hummingbird
import FluentEvent
import Foundation
import Hummingbird
import WebhookSignature
import WebhookSignatureHummingbird

let arguments = CommandLine.arguments
guard arguments.count == 3, let keyText = try? String(contentsOfFile: arguments[1], encoding: .utf8), let port = Int(arguments[2]) else {
    FileHandle.standardError.write(Data("usage: webhook-receiver-example PUBLIC_KEY_FILE PORT\n".utf8))
    exit(2)
}

// Trust the platform's key (x509 base64, PEM or DER). Several keys: a Keyring file, see `whsig keyring`.
let verifier = WebhookVerifier(keyring: Keyring(trusting: try RSAPublicKey(parsing: keyText), label: "platform"))
let options = WebhookMiddlewareOptions(maxBodySize: 1 << 20, duplicateCheck: InMemoryDuplicateCheck())

/// One line to stdout, unbuffered (so a pipe sees it at once).
@Sendable func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

let router = Router(context: BasicWebhookRequestContext.self)
router.get("health") { _, _ in "ok\n" }
router.group("webhooks")
    .add(middleware: WebhookVerificationMiddleware(verifier: verifier, options: options))
    .post("fluent") { _, context -> String in
        let webhook = try context.verifiedWebhook()  // the exact bytes that verified, and the verdict
        let event = try context.verifiedEvent()  // parsed only now, after verification
        let id = event.id ?? "-"
        say(
            "accepted \(event.name ?? "-") id=\(id) \(event.entityType ?? "-") \(event.entityRef ?? "-")"
                + " status=\(event.entityStatus ?? "-") key=\(webhook.key?.displayName ?? "-") bytes=\(webhook.body.readableBytes)")
        // Hand the event to a queue here and answer fast: the platform retries on timeouts.
        return "accepted \(id)\n"
    }

let app = Application(
    router: router,
    // Close connections idle for 30 s.
    server: .http1(configuration: .init(idleTimeout: .seconds(30))),
    configuration: .init(address: .hostname("127.0.0.1", port: port)),
    onServerRunning: { _ in
        say("receiver listening on http://127.0.0.1:\(port)/webhooks/fluent")
    }
)
try await app.runService()
#else
import Foundation

FileHandle.standardError.write(
    Data("webhook-receiver-example needs the Hummingbird trait: swift run --traits Hummingbird webhook-receiver-example PUBLIC_KEY_FILE PORT\n".utf8))
exit(2)
#endif
