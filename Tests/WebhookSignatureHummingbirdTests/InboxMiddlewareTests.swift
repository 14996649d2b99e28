#if Hummingbird
import Foundation
import Hummingbird
import Testing
import WebhookInbox
import WebhookSignature
import WebhookSignatureHummingbird
@testable import WebhookSignatureTestSupport

/// WebhookInboxMiddleware in a live Hummingbird server, with a folder store.
@Suite("Inbox: storing middleware")
struct InboxMiddlewareTests {
    let keys = Delivery.keys

    @Test("the storing middleware writes before the handler runs; a forged delivery never reaches the store; a failed write is 503")
    func middlewareStoresFirst() async throws {
        let path = Delivery.temporaryDirectory().appendingPathComponent("mw").path
        let store = try FolderDeliveryStore(path: path)
        let verifier = WebhookVerifier(keyring: Keyring(trusting: keys.privateKey.publicKey))
        let seenInHandler = Shared<[Bool]>([])
        let router = Router(context: BasicWebhookRequestContext.self)
        router.group("hook")
            .add(middleware: WebhookInboxMiddleware(verifiers: verifier, store: store, storeTimeout: .seconds(2)))
            .post { _, context -> String in
                let digest = Inbox.digest(try context.verifiedWebhook().bytes)
                seenInHandler.withLock { $0.append(FileManager.default.fileExists(atPath: "\(path)/\(digest).json")) }
                return "handled"
            }
        let box = DeliveryMiddlewareTests.Box()
        try await DeliveryMiddlewareTests().withServer(router, box: box) { port in
            let url = "http://127.0.0.1:\(port)/hook"
            let body = Inbox.event(1, tag: "mw")
            #expect(await Inbox.post(url, body, key: keys.privateKey)?.status == 200)
            #expect(seenInHandler.value == [true])

            var forged = Inbox.event(2, tag: "mw")
            let headers = try WebhookSigner(key: keys.privateKey).headers(for: forged).map { ($0.name, $0.value) }
            forged[forged.count - 3] = UInt8(ascii: "9")
            #expect(await Inbox.post(url, forged, headers: headers)?.status == 401)
            #expect(try FileManager.default.contentsOfDirectory(atPath: path) == ["\(Inbox.digest(body)).json"])

            // The folder replaced by a file: the write fails, the answer is 503 and the handler does not run.
            try FileManager.default.removeItem(atPath: path)
            try Data().write(to: URL(fileURLWithPath: path))
            // A fresh connection (no reuse of one the server may have closed meanwhile).
            let third = Inbox.event(3, tag: "mw")
            let signed = try WebhookSigner(key: keys.privateKey).headers(for: third).map { ($0.name, $0.value) }
            // A transport error (no HTTP answer at all) is retried a few times; the answer must be 503.
            var failed: Inbox.Answer? = nil
            for _ in 0..<5 where failed == nil {
                failed = await Inbox.post(url, third, headers: signed + [("Connection", "close")])
            }
            #expect(failed?.status == 503)
            #expect(failed?.failure == "write_failed")
            #expect(seenInHandler.value.count == 1)
        }
    }
}
#endif
