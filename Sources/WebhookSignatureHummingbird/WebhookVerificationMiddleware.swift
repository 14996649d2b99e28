#if Hummingbird
import FluentEvent
import Hummingbird
import Logging
import WebhookSignature

/// A request context that carries the verified delivery to handlers.
///
/// Use ``BasicWebhookRequestContext``, or add a `webhook` property to your own context.
public protocol WebhookRequestContext: RequestContext {
    /// Set by ``WebhookVerificationMiddleware`` once the delivery verified; nil before.
    var webhook: VerifiedWebhook? { get set }
}

extension WebhookRequestContext {
    /// The verified delivery; throws 500 when the route is not behind ``WebhookVerificationMiddleware``
    /// (a setup mistake, never the sender's).
    public func verifiedWebhook() throws -> VerifiedWebhook {
        guard let webhook else {
            throw HTTPError(.internalServerError, message: "this route is not behind WebhookVerificationMiddleware")
        }
        return webhook
    }

    /// The verified delivery's body as a `FluentEvent`; 400 if the verified body is not a JSON object.
    public func verifiedEvent() throws -> FluentEvent {
        do {
            return try verifiedWebhook().event()
        } catch let error as FluentEventError {
            throw HTTPError(.badRequest, message: error.reason)
        }
    }
}

/// The plain request context plus ``WebhookRequestContext/webhook``.
public struct BasicWebhookRequestContext: WebhookRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var webhook: VerifiedWebhook?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.webhook = nil
    }
}

/// Verifies every request's signature on its raw body before any handler or decoder sees it.
///
/// Failures never reach the handler: 401 failed verification, 400 when the body cannot be read
/// under the policy (invalid JSON under a canonical mode), 413 over the body limit. The stable code is
/// in the `Webhook-Failure` header and the body. A 401 says only `signature_invalid` (no key id, label
/// or key status) unless `WebhookMiddlewareOptions/explainsFailures` is on; the full verdict is
/// logged at notice level through the request's logger. Verified requests continue with the body
/// re-attached and ``WebhookRequestContext/webhook`` set.
///
/// Replay: the platform signs no timestamp or nonce, so a valid delivery stays valid forever and
/// can be replayed by anyone who captured it. Give `WebhookMiddlewareOptions/duplicateCheck` a
/// `WebhookDuplicateCheck` (`InMemoryDuplicateCheck` or your own store) to answer repeats with
/// 200 and `Webhook-Duplicate: true` without running the handler again.
///
/// Idle connections: the middleware runs once a request arrived; close connections that stay idle
/// with Hummingbird's own setting, `Application(router: router, server: .http1(configuration: .init(idleTimeout: .seconds(30))))`.
///
/// ```swift
/// let router = Router(context: BasicWebhookRequestContext.self)
/// router.group("webhooks")
///     .add(middleware: WebhookVerificationMiddleware(verifier: WebhookVerifier(keyring: keyring)))
///     .post("fluent") { request, context in
///         let event = try context.verifiedEvent()
///         return "ok \(event.id ?? "")"
///     }
/// ```
public struct WebhookVerificationMiddleware<Context: WebhookRequestContext>: RouterMiddleware {
    /// The shared verification step.
    public let gate: WebhookGate

    /// A middleware over a verifier (keyring and policy), accepting bodies up to `maxBodySize` bytes.
    public init(verifier: WebhookVerifier, maxBodySize: Int = WebhookGate.defaultMaxBodySize) {
        self.gate = WebhookGate(verifier: verifier, maxBodySize: maxBodySize)
    }

    /// A middleware over a verifier with every safety setting (body limit, explained failures, duplicate check).
    public init(verifier: WebhookVerifier, options: WebhookMiddlewareOptions) {
        self.gate = WebhookGate(verifier: verifier, options: options)
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        let collected = try await gate.collect(&request)
        return try await gate.intake.admit(
            collected, headers: WebhookGate.headerPairs(request.headers), logger: context.logger,
            answer: { $0.response() }, status: { $0.status.code },
            next: { webhook in
                var context = context
                context.webhook = webhook
                return try await next(request, context)
            })
    }
}
#endif
