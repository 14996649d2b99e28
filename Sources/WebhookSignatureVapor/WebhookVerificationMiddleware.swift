#if Vapor
@_exported import WebhookSignatureServerSupport
import FluentEvent
import NIOCore
import Vapor
import WebhookSignature

/// Verifies every request's signature on its raw body before any handler or decoder sees it (Vapor 4).
///
/// The body is collected up to `WebhookMiddlewareOptions/maxBodySize` before anything else reads
/// it: Vapor's routes collect only 16 KB by default, and a larger delivery must neither be cut nor
/// re-read. Failures never reach the handler: 401 failed verification, 400 when the body cannot be
/// read under the policy (invalid JSON under a canonical mode), 413 over the body limit. The stable
/// code is in the `Webhook-Failure` header and the body. A 401 says only `signature_invalid` (no key
/// id, label or key status) unless `WebhookMiddlewareOptions/explainsFailures` is on; the full
/// verdict is logged at notice level through `request.logger`. Handlers read the verified delivery
/// from `request.verifiedWebhook` and the event from `request.verifiedEvent()`.
///
/// Replay: the platform signs no timestamp or nonce, so a valid delivery stays valid forever and
/// can be replayed by anyone who captured it. Give `WebhookMiddlewareOptions/duplicateCheck` a
/// `WebhookDuplicateCheck` (`InMemoryDuplicateCheck` or your own store) to answer repeats with
/// 200 and `Webhook-Duplicate: true` without running the handler again.
///
/// Idle connections: close connections that stay idle with Vapor's own setting,
/// `app.http.server.configuration.idleTimeout = .seconds(30)`.
///
/// ```swift
/// app.grouped("webhooks")
///     .grouped(WebhookVerificationMiddleware(verifier: WebhookVerifier(keyring: keyring)))
///     .post("fluent") { request async throws -> String in
///         let event = try request.verifiedEvent()
///         return "ok \(event.id ?? "")"
///     }
/// ```
public struct WebhookVerificationMiddleware: AsyncMiddleware {
    /// The shared, framework-free step: verifier and safety settings.
    public let intake: WebhookIntake

    /// A middleware over a verifier (keyring and policy) with the given safety settings.
    public init(verifier: WebhookVerifier, options: WebhookMiddlewareOptions = .init()) {
        self.intake = WebhookIntake(verifier: verifier, options: options)
    }

    /// A middleware over a verifier, accepting bodies up to `maxBodySize` bytes.
    public init(verifier: WebhookVerifier, maxBodySize: Int) {
        self.init(verifier: verifier, options: WebhookMiddlewareOptions(maxBodySize: maxBodySize))
    }

    public func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let collected = try await collect(request)
        return try await intake.admit(
            collected, headers: request.headers.map { ($0.name, $0.value) }, logger: request.logger,
            answer: { $0.response() }, status: { Int($0.status.code) },
            next: { webhook in
                request.storage[VerifiedWebhookKey.self] = webhook
                return try await next.respond(to: request)
            })
    }

    /// Reads the whole body up to the limit, before any decoder; it stays collected on the request.
    func collect(_ request: Request) async throws -> Result<ByteBuffer, WebhookRejection> {
        let limit = intake.options.maxBodySize
        let headers = request.headers.map { ($0.name, $0.value) }
        if let rejection = intake.rejection(beforeReading: headers, contentLength: request.headers.first(name: .contentLength)) {
            return .failure(rejection)
        }
        do {
            // Vapor refuses a body whose size reaches `max` (`>=`), so ask for one byte more: a body
            // of exactly the limit passes, and WebhookIntake checks the size again.
            let body = try await request.body.collect(max: limit < Int.max ? limit + 1 : limit).get() ?? ByteBuffer()
            guard body.readableBytes <= limit else { return .failure(.bodyTooLarge(limit: limit)) }
            return .success(body)
        } catch let error as any AbortError where error.status == .payloadTooLarge {
            return .failure(.bodyTooLarge(limit: limit))
        }
    }
}

/// Where the middleware leaves the verified delivery on the request.
struct VerifiedWebhookKey: StorageKey {
    typealias Value = VerifiedWebhook
}

extension Request {
    /// The verified delivery, set by ``WebhookVerificationMiddleware``; nil on a route without it.
    public var verifiedWebhook: VerifiedWebhook? {
        storage[VerifiedWebhookKey.self]
    }

    /// The verified delivery, or 500 when the route is not behind ``WebhookVerificationMiddleware``
    /// (a setup mistake, never the sender's); use it in handlers.
    public func requireVerifiedWebhook() throws -> VerifiedWebhook {
        guard let webhook = verifiedWebhook else {
            throw Abort(.internalServerError, reason: "this route is not behind WebhookVerificationMiddleware")
        }
        return webhook
    }

    /// The verified delivery's body as a `FluentEvent`; 400 if the verified body is not a JSON
    /// object. Use it instead of `content.decode`, which would read the body again.
    public func verifiedEvent() throws -> FluentEvent {
        do {
            return try requireVerifiedWebhook().event()
        } catch let error as FluentEventError {
            throw Abort(.badRequest, reason: error.reason)
        }
    }
}

extension WebhookAnswer {
    /// The answer as a Vapor response; use it in a custom responder.
    public func response() -> Response {
        var fields = HTTPHeaders()
        fields.add(name: .contentType, value: "text/plain; charset=utf-8")
        for (name, value) in headers { fields.add(name: name, value: value) }
        return Response(status: HTTPResponseStatus(statusCode: status), headers: fields, body: .init(string: body))
    }
}

extension WebhookRejection {
    /// The response to send: see ``WebhookRejection/answer(explainsFailures:)``.
    public func response(explainsFailures: Bool) -> Response { answer(explainsFailures: explainsFailures).response() }
}

extension WebhookVerifier {
    /// Verifies a delivery given a Vapor request's headers and its raw body; use it inside a handler
    /// as `verifier.verify(headers: request.headers, body: buffer.readableBytesView)`.
    public func verify(headers: HTTPHeaders, body: some Collection<UInt8>) throws(WebhookSignatureError) -> WebhookVerdict {
        try verify(headers: headers.map { ($0.name, $0.value) }, body: body)
    }
}
#endif
