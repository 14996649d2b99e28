#if Vapor
import FluentEvent
import Foundation
import Synchronization
import Testing
import Vapor
import WebhookSignature
import WebhookSignatureVapor
@testable import WebhookSignatureTestSupport

/// WebhookVerificationMiddleware (Vapor 4) in a live Vapor server on 127.0.0.1, port 0.
@Suite("Vapor middleware", .serialized)
struct VaporMiddlewareTests {
    final class Box: Sendable {
        let handled = Atomic<Int>(0)
        let events = Mutex<[String]>([])
    }

    /// Runs a Vapor application set up by `routes` on a free loopback port for the duration of `body`.
    func withServer<R: Sendable>(_ routes: (Application) throws -> Void, _ body: @Sendable (Int) async throws -> R) async throws -> R {
        let app = try await Application.make(.testing)
        app.logger.logLevel = .critical
        do {
            try routes(app)
            try await app.asyncBoot()
            let server = app.http.server.shared
            try await server.start(address: .hostname("127.0.0.1", port: 0))
            let port = try #require(server.localAddress?.port)
            let result: Result<R, any Error>
            do {
                result = .success(try await body(port))
            } catch {
                result = .failure(error)
            }
            await server.shutdown()
            try await app.asyncShutdown()
            return try result.get()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    @Test("middleware scenarios: 430 B and 200 KB verified, tampered/re-serialised/unsigned 401 with no key details, 2 MiB 413, duplicates")
    func scenarios() async throws {
        let box = Box()
        let duplicates = InMemoryDuplicateCheck(capacity: 64)
        let verifier = try MiddlewareScenarios.verifier()
        try await withServer({ app in
            for (path, options) in [
                ("webhooks", MiddlewareScenarios.options(duplicateCheck: duplicates)), ("explained", MiddlewareScenarios.explainedOptions),
            ] {
                // The route keeps Vapor's default body strategy (collect 16 KB): the middleware has
                // already collected up to its own limit, so 200 KB deliveries still arrive whole.
                app.grouped(PathComponent(stringLiteral: path))
                    .grouped(WebhookVerificationMiddleware(verifier: verifier, options: options))
                    .post("fluent") { request async throws -> Response in
                        box.handled.add(1, ordering: .relaxed)
                        let webhook = try request.requireVerifiedWebhook()
                        let id = try request.verifiedEvent().id ?? "-"
                        box.events.withLock { $0.append(id) }
                        return Response(status: .ok, body: .init(buffer: webhook.body))
                    }
            }
        }) { port in
            try await MiddlewareScenarios.run(port: port, handled: { box.handled.load(ordering: .relaxed) }, duplicates: duplicates)
        }
        // The handler decoded each delivery it was given, after verification.
        #expect(box.events.withLock { $0 }.allSatisfy { $0.hasPrefix("5f7fa2bd-39b2-4105-98f4-29b6ca3a") })
    }

    @Test("a route outside the middleware has no verified delivery: 500, never the sender's fault")
    func routeWithoutMiddleware() async throws {
        try await withServer({ app in
            app.post("unprotected") { request async throws -> String in
                _ = try request.requireVerifiedWebhook()
                return "unreachable"
            }
        }) { port in
            let body = MiddlewareScenarios.event(size: 430)
            let answer = try await MiddlewareScenarios.post(port, "/unprotected", body, headers: try MiddlewareScenarios.headers(body))
            #expect(answer.status == 500)
        }
    }

    @Test("WebhookVerifier.verify(headers:body:) takes Vapor's HTTPHeaders")
    func verifyTakesHTTPHeaders() throws {
        let body = MiddlewareScenarios.event(size: 430)
        var headers = HTTPHeaders()
        for (name, value) in try MiddlewareScenarios.headers(body) { headers.add(name: name, value: value) }
        let verifier = try MiddlewareScenarios.verifier()
        #expect(try verifier.verify(headers: headers, body: body).isValid)
        #expect(try !verifier.verify(headers: headers, body: body.dropLast()).isValid)
    }
}
#endif
