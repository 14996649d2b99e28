// A complete webhook receiver: Hummingbird 2 with WebhookVerificationMiddleware.
//
//   swift run webhook-receiver-example platform-public-key.b64 8080
//   whsig send --url http://127.0.0.1:8080/webhooks/fluent --private-key sender.pem event.json
//
// Only requests whose fluent-signature verifies on the raw body reach the handler; the rest get
// 401 with the reason (400 for unreadable bodies, 413 over 1 MiB).
#if Hummingbird
import FluentEvent
import Foundation
import Hummingbird
import WebhookSignature
import WebhookSignatureHummingbird

let arguments = CommandLine.arguments
guard arguments.count >= 2, let keyText = try? String(contentsOfFile: arguments[1], encoding: .utf8) else {
    print("usage: webhook-receiver-example PUBLIC-KEY-FILE [PORT]")
    exit(2)
}
let port = arguments.count >= 3 ? Int(arguments[2]) ?? 8080 : 8080

// Trust the platform's key (x509 base64, PEM or DER). Several keys: a Keyring file, see `whsig keyring`.
let verifier = WebhookVerifier(keyring: Keyring(trusting: try RSAPublicKey(parsing: keyText), label: "platform"))

/// Deliveries already handled, by event id: retries carry the same id and the same bytes.
actor SeenEvents {
    private var ids: Set<String> = []
    func firstTime(_ id: String) -> Bool { ids.insert(id).inserted }
}
let seen = SeenEvents()

/// One line to stdout, unbuffered (so a pipe sees it at once).
@Sendable func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

let router = Router(context: BasicWebhookRequestContext.self)
router.get("health") { _, _ in "ok\n" }
router.group("webhooks")
    .add(middleware: WebhookVerificationMiddleware(verifier: verifier, maxBodySize: 1 << 20))
    .post("fluent") { _, context -> String in
        let webhook = try context.verifiedWebhook()  // the exact bytes that verified, and the verdict
        let event = try context.verifiedEvent()  // parsed only now, after verification
        let id = event.id ?? "-"
        let first = await seen.firstTime(id)
        say(
            "\(first ? "accepted" : "duplicate") \(event.name ?? "-") id=\(id) \(event.entityType ?? "-") \(event.entityRef ?? "-")"
                + " status=\(event.entityStatus ?? "-") key=\(webhook.key?.displayName ?? "-") bytes=\(webhook.body.readableBytes)")
        // Hand the event to a queue here and answer fast: the platform retries on timeouts.
        return first ? "accepted \(id)\n" : "already accepted \(id)\n"
    }

let app = Application(
    router: router,
    configuration: .init(address: .hostname("127.0.0.1", port: port)),
    onServerRunning: { _ in
        say("receiver listening on http://127.0.0.1:\(port)/webhooks/fluent")
    }
)
try await app.runService()
#else
import Foundation

FileHandle.standardError.write(Data("webhook-receiver-example needs the Hummingbird trait: swift run --traits Hummingbird webhook-receiver-example PUBLIC_KEY_FILE PORT\n".utf8))
exit(2)
#endif
