#if Hummingbird
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import WebhookInbox
import WebhookSignature

/// Verifies each delivery with a reloading keyring and stores it before any handler runs: the
/// middleware for a fleet of receivers that must not lose an acknowledged event.
///
/// Each request takes the `VerifierSource`'s current verifier (a `LiveVerifier` follows a keyring
/// file or a store without a restart). A verified delivery is written to the `DeliveryStore` first;
/// if that fails or takes longer than `storeTimeout`, the answer is 503 with `Webhook-Failure:
/// store_unavailable` and the handler never runs, so the platform retries. A forged delivery is refused
/// as by ``WebhookVerificationMiddleware`` and never reaches the store. A duplicate (same body) is not
/// stored twice; the handler still runs, with ``WebhookRequestContext/webhook`` set.
///
/// ```swift
/// let store = try PostgresDeliveryStore(url: "postgres://whsig@db:5432/webhooks")
/// let keys = try await LiveVerifier.following(store: store)
/// router.group("webhooks")
///     .add(middleware: WebhookInboxMiddleware(verifiers: keys, store: store))
///     .post("fluent") { _, _ in HTTPResponse.Status.ok }
/// ```
public struct WebhookInboxMiddleware<Context: WebhookRequestContext>: RouterMiddleware {
    /// Where each delivery's verifier comes from.
    public let verifiers: any VerifierSource
    /// Where verified deliveries are written before the handler runs; nil to only verify.
    public let store: (any DeliveryStore)?
    /// The largest body accepted, in bytes.
    public let maxBodySize: Int
    /// How long a store write may take before the answer is 503.
    public let storeTimeout: Duration

    /// A middleware over a verifier source and an optional store.
    ///
    /// Use a `LiveVerifier` to follow key rotation, or a plain `WebhookVerifier` for a fixed keyring.
    public init(
        verifiers: any VerifierSource, store: (any DeliveryStore)?, maxBodySize: Int = WebhookGate.defaultMaxBodySize,
        storeTimeout: Duration = .seconds(5)
    ) {
        self.verifiers = verifiers
        self.store = store
        self.maxBodySize = maxBodySize
        self.storeTimeout = storeTimeout
    }

    /// Verifies the request, stores it, then calls `next`; answers 401/400/413 or 503 itself.
    ///
    /// Hummingbird calls it for each request of the routes behind the middleware.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        let gate = WebhookGate(verifier: verifiers.currentVerifier, maxBodySize: maxBodySize)
        switch try await gate.verify(&request) {
        case .failure(let rejection):
            context.logger.notice(
                "webhook rejected",
                metadata: ["webhook.status": "\(rejection.status.code)", "webhook.failure": "\(rejection.code)", "webhook.reason": "\(rejection.reason)"])
            return rejection.response()
        case .success(let webhook):
            if let store {
                let delivery = StoredDelivery(body: webhook.bytes, headers: WebhookGate.headerPairs(request.headers), verdict: webhook.verdict)
                do {
                    _ = try await store.store(delivery, timeout: storeTimeout)
                } catch {
                    context.logger.error("webhook not stored", metadata: ["webhook.digest": "\(delivery.digest.prefix(16))", "error": "\(error)"])
                    return Self.unavailable(error)
                }
            }
            var context = context
            context.webhook = webhook
            return try await next(request, context)
        }
    }

    /// 503 with the reason and `Webhook-Failure: store_unavailable` (or the store's own code).
    public static func unavailable(_ error: any Error) -> Response {
        let code = (error as? InboxError)?.code.name ?? InboxError.Code.storeUnavailable.name
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        headers[.retryAfter] = "2"
        if let name = HTTPField.Name("Webhook-Failure") { headers[name] = code }
        let reason = "the delivery was verified but could not be stored; retry later\n"
        return Response(status: .serviceUnavailable, headers: headers, body: .init(byteBuffer: ByteBuffer(string: reason)))
    }
}
#endif
