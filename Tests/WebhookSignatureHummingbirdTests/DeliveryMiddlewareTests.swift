#if Hummingbird
import FluentEvent
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization
import Testing
import WebhookSignature
import WebhookSignatureHummingbird
@testable import WebhookSignatureTestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// WebhookVerificationMiddleware in a live Hummingbird server on 127.0.0.1, port 0.
@Suite("Delivery: Hummingbird middleware")
struct DeliveryMiddlewareTests {
    let key = Delivery.keys.privateKey
    let event = SampleEvent.body

    final class Box: Sendable {
        let port = Mutex<Int?>(nil)
        let handled = Atomic<Int>(0)
    }

    /// A router with a verified route (`/webhooks/fluent`, raw, 1 KiB limit), a verified route under
    /// the compact canonical form (`/compact`) and a route outside the middleware (`/unprotected`).
    func makeRouter(_ box: Box, keyring: Keyring) -> Router<BasicWebhookRequestContext> {
        let router = Router(context: BasicWebhookRequestContext.self)
        router.group("webhooks")
            .add(
                middleware: WebhookVerificationMiddleware(
                    verifier: WebhookVerifier(keyring: keyring), options: .init(maxBodySize: 1024, explainsFailures: true)))
            .post("fluent") { request, context -> String in
                box.handled.add(1, ordering: .relaxed)
                let webhook = try context.verifiedWebhook()
                let event = try context.verifiedEvent()
                // The body is re-attached to the request, byte for byte.
                var request = request
                let again = try await request.collectBody(upTo: 1 << 20)
                let reattached = again.readableBytesView.elementsEqual(webhook.body.readableBytesView)
                return
                    "\(event.name ?? "-") \(event.id ?? "-") bytes=\(webhook.body.readableBytes) key=\(webhook.key?.displayName ?? "-") reattached=\(reattached)"
            }
        router.group("compact")
            .add(
                middleware: WebhookVerificationMiddleware(
                    verifier: WebhookVerifier(keyring: keyring, policy: .init(canonicalization: .compact)))
            )
            .post { _, context -> String in
                box.handled.add(1, ordering: .relaxed)
                return "compact ok \(try context.verifiedEvent().entityRef ?? "-")"
            }
        router.post("unprotected") { _, context -> String in
            _ = try context.verifiedWebhook()
            return "unreachable"
        }
        return router
    }

    /// Runs the router for the duration of `body`, which gets the bound port.
    func withServer<R: Sendable>(_ router: Router<BasicWebhookRequestContext>, box: Box, _ body: @Sendable (Int) async throws -> R)
        async throws -> R
    {
        var logger = Logger(label: "delivery-middleware-test")
        logger.logLevel = .critical
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in box.port.withLock { $0 = channel.localAddress?.port } },
            logger: logger
        )
        return try await withThrowingTaskGroup(of: R?.self) { group in
            group.addTask {
                try await app.runService()
                return nil
            }
            var port: Int? = nil
            for _ in 0..<3000 where port == nil {  // 30 s at most
                try await Task.sleep(for: .milliseconds(10))
                port = box.port.withLock { $0 }
            }
            guard let port else {
                group.cancelAll()
                throw CancellationError()
            }
            do {
                let result = try await body(port)
                group.cancelAll()
                return result
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }

    struct Answer {
        var status: Int
        var body: String
        var failure: String?
    }

    static func post(_ port: Int, _ path: String, _ body: [UInt8], headers: [(String, String)]) async throws -> Answer {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        request.timeoutInterval = 20
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let session = URLSession(configuration: .ephemeral)
        defer { session.finishTasksAndInvalidate() }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        return Answer(
            status: http.statusCode, body: String(decoding: data, as: UTF8.self), failure: http.value(forHTTPHeaderField: "Webhook-Failure")
        )
    }

    @Test("accepts a signed delivery and rejects re-serialised, unsigned, MD5-only and oversize ones before the handler")
    func acceptsAndRejects() async throws {
        let box = Box()
        let keyring = Keyring(trusting: key.publicKey, label: "test-sender")
        let headers = try WebhookSigner(key: key).headers(for: event).map { ($0.name, $0.value) }
        let event = self.event
        let reserialised = try JSONSerialization.data(
            withJSONObject: JSONSerialization.jsonObject(with: Data(event)), options: [.prettyPrinted, .sortedKeys])
        let md5Only = headers.filter { $0.0 == "flex.signature" }
        try await withServer(makeRouter(box, keyring: keyring), box: box) { port in
            let ok = try await Self.post(port, "/webhooks/fluent", event, headers: headers)
            #expect(ok.status == 200)
            #expect(
                ok.body == "OrderStatusChange 9535e841-4d67-fc1d-0e31-49fdfd514661 bytes=\(event.count) key=test-sender reattached=true")

            let changed = try await Self.post(port, "/webhooks/fluent", [UInt8](reserialised), headers: headers)
            #expect(changed.status == 401)
            #expect(changed.failure == "body_mismatch")
            #expect(changed.body.contains("signed different bytes: the body was changed or re-serialised after signing"))

            let unsigned = try await Self.post(port, "/webhooks/fluent", event, headers: [])
            #expect(unsigned.status == 401)
            #expect(unsigned.failure == "no_signature_header")

            let legacy = try await Self.post(port, "/webhooks/fluent", event, headers: md5Only)
            #expect(legacy.status == 401)
            #expect(legacy.failure == "policy_not_met")

            let big = try await Self.post(port, "/webhooks/fluent", [UInt8](repeating: 0x20, count: 4000), headers: headers)
            #expect(big.status == 413)
            #expect(big.failure == "body_too_large")

            // Under the compact canonical form, a pretty-printed copy verifies and invalid JSON is 400.
            let pretty = Array(String(decoding: event, as: UTF8.self).replacingOccurrences(of: ",\"", with: ",\n  \"").utf8)
            let compact = try await Self.post(port, "/compact", pretty, headers: headers)
            #expect(compact.status == 200)
            #expect(compact.body == "compact ok 0_123")
            let broken = try await Self.post(port, "/compact", Array("{\"id\":".utf8), headers: headers)
            #expect(broken.status == 400)
            #expect(broken.failure == "invalid_json")

            let unprotected = try await Self.post(port, "/unprotected", event, headers: headers)
            #expect(unprotected.status == 500)
        }
        // Only the two accepted deliveries reached a handler.
        #expect(box.handled.load(ordering: .relaxed) == 2)
    }

    /// The server of ``MiddlewareScenarios``: `/webhooks/fluent` and `/explained/fluent`, each
    /// answering with the verified bytes it was handed.
    func scenarioRouter(_ box: Box, duplicates: InMemoryDuplicateCheck) throws -> Router<BasicWebhookRequestContext> {
        let router = Router(context: BasicWebhookRequestContext.self)
        let verifier = try MiddlewareScenarios.verifier()
        for (path, options) in [
            ("webhooks", MiddlewareScenarios.options(duplicateCheck: duplicates)), ("explained", MiddlewareScenarios.explainedOptions),
        ] {
            router.group(RouterPath(path))
                .add(middleware: WebhookVerificationMiddleware(verifier: verifier, options: options))
                .post("fluent") { _, context -> Response in
                    box.handled.add(1, ordering: .relaxed)
                    return Response(status: .ok, body: .init(byteBuffer: try context.verifiedWebhook().body))
                }
        }
        return router
    }

    @Test("middleware scenarios: 430 B and 200 KB verified, tampered/re-serialised/unsigned 401 with no key details, 2 MiB 413, duplicates")
    func scenarios() async throws {
        let box = Box()
        let duplicates = InMemoryDuplicateCheck(capacity: 64)
        try await withServer(try scenarioRouter(box, duplicates: duplicates), box: box) { port in
            try await MiddlewareScenarios.run(port: port, handled: { box.handled.load(ordering: .relaxed) }, duplicates: duplicates)
        }
    }

    @Test("WebhookVerifier.verify(headers:body:) takes Hummingbird's HTTPFields")
    func verifyTakesHTTPFields() throws {
        let body = MiddlewareScenarios.event(size: 430)
        var fields = HTTPFields()
        for (name, value) in try MiddlewareScenarios.headers(body) { fields[HTTPField.Name(name)!] = value }
        let verifier = try MiddlewareScenarios.verifier()
        #expect(try verifier.verify(headers: fields, body: body).isValid)
        #expect(try !verifier.verify(headers: fields, body: body.dropLast()).isValid)
    }

    @Test(
        "a real platform delivery (reference vector) passes the middleware and decodes", .enabled(if: Vectors.available, Vectors.skipNote))
    func realDelivery() async throws {
        let box = Box()
        let meta = try #require(try Vectors.json("fluent/real-webhook.json") as? [String: Any])
        let body = try Vectors.bytes("fluent/real-webhook-body.json")
        let headers = try #require(meta["headers"] as? [String: String]).map { ($0.key, $0.value) }
        let publicKey = try RSAPublicKey(parsing: try #require(meta["publicKeyX509Base64"] as? String))
        let keyring = Keyring(trusting: publicKey, label: "platform")
        try await withServer(makeRouter(box, keyring: keyring), box: box) { port in
            let answer = try await Self.post(port, "/webhooks/fluent", body, headers: headers)
            #expect(answer.status == 200)
            #expect(answer.body == "OrderStatus 5f7fa2bd-39b2-4105-98f4-29b6ca3afc98 bytes=\(body.count) key=platform reattached=true")
        }
    }
}
#endif
