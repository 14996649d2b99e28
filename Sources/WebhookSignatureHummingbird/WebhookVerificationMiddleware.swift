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
/// Failures never reach the handler: 401 with the precise reason (signature missing, re-serialised
/// body, untrusted or retired key…), 400 when the body cannot be read under the policy (invalid JSON
/// under a canonical mode), 413 over the body limit. The reason is the plain-text body, and its
/// stable code is in the `Webhook-Failure` header. Verified requests continue with the body
/// re-attached and ``WebhookRequestContext/webhook`` set.
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

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        switch try await gate.verify(&request) {
        case .success(let webhook):
            var context = context
            context.webhook = webhook
            return try await next(request, context)
        case .failure(let rejection):
            context.logger.notice(
                "webhook rejected",
                metadata: [
                    "webhook.status": "\(rejection.status.code)", "webhook.failure": "\(rejection.code)",
                    "webhook.reason": "\(rejection.reason)",
                ])
            return rejection.response()
        }
    }
}
