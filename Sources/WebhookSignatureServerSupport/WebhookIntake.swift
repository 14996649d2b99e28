#if Hummingbird || Vapor
import Logging
import NIOCore
import WebhookSignature

/// The safety settings shared by the Hummingbird and Vapor middlewares.
///
/// Use the defaults in production: bodies up to 16 MiB, 401 answers that name no key, no duplicate
/// check. Set ``explainsFailures`` only for integration tests, and a ``duplicateCheck`` to answer
/// repeats (platform retries, replays) without running the handler again.
public struct WebhookMiddlewareOptions: Sendable {
    /// 16 MiB, the default body limit.
    public static let defaultMaxBodySize = 16 << 20

    /// The largest body accepted, in bytes; larger ones get 413 before any verification.
    public var maxBodySize: Int
    /// Whether a 401 carries the verdict's precise code and reason (key ids, labels, retired or expired
    /// keys); false answers only `signature_invalid` and keeps the details in the log.
    public var explainsFailures: Bool
    /// Where verified deliveries are remembered, by body digest; nil runs the handler for every one.
    public var duplicateCheck: (any WebhookDuplicateCheck)?

    /// Settings from their parts; use the defaults unless a setting is needed.
    public init(
        maxBodySize: Int = WebhookMiddlewareOptions.defaultMaxBodySize, explainsFailures: Bool = false,
        duplicateCheck: (any WebhookDuplicateCheck)? = nil
    ) {
        self.maxBodySize = max(0, maxBodySize)
        self.explainsFailures = explainsFailures
        self.duplicateCheck = duplicateCheck
    }
}

/// What a webhook middleware does once it has the body, whatever the framework: verify, log, answer,
/// check for duplicates, run the handler.
///
/// The Hummingbird and Vapor middlewares each collect the body their own way and then call
/// ``admit(_:headers:logger:answer:status:next:)``; use it to write a middleware for another framework.
public struct WebhookIntake: Sendable {
    /// The verifier: trusted keys and policy.
    public let verifier: WebhookVerifier
    /// The safety settings.
    public let options: WebhookMiddlewareOptions

    /// An intake over a verifier and settings.
    public init(verifier: WebhookVerifier, options: WebhookMiddlewareOptions = .init()) {
        self.verifier = verifier
        self.options = options
    }

    /// A refusal decided from the request head alone; use it before reading the body. A declared
    /// `Content-Length` over the limit is 413; headers that fail whatever the body (no signature
    /// header the policy needs, a signature of a length no trusted key has) are 401
    /// (``WebhookVerifier/verdictBeforeBody(headers:)``).
    public func rejection(beforeReading headers: some Sequence<(String, String)>, contentLength: String?) -> WebhookRejection? {
        if let contentLength, let length = Int(contentLength), length > options.maxBodySize {
            return .bodyTooLarge(limit: options.maxBodySize)
        }
        return verifier.verdictBeforeBody(headers: headers).map(WebhookRejection.unverified)
    }

    /// Verifies a collected body; use it when the framework hands over headers and body yourself.
    public func verify(headers: some Sequence<(String, String)>, body: ByteBuffer) -> Result<VerifiedWebhook, WebhookRejection> {
        guard body.readableBytes <= options.maxBodySize else { return .failure(.bodyTooLarge(limit: options.maxBodySize)) }
        let verdict: WebhookVerdict
        do {
            verdict = try verifier.verify(headers: headers, body: body.readableBytesView)
        } catch {
            return .failure(.malformed(error))
        }
        guard verdict.isValid else { return .failure(.unverified(verdict)) }
        return .success(VerifiedWebhook(body: body, verdict: verdict))
    }

    /// The middleware step: refusals are logged in full and answered per ``WebhookMiddlewareOptions``;
    /// a verified delivery seen before is answered ``WebhookAnswer/duplicate``; any other goes to
    /// `next`, and is recorded as seen when `next` answers 2xx.
    ///
    /// - Parameters:
    ///   - collected: the body, or the refusal the framework's body reader produced (over the limit).
    ///   - answer: builds the framework's response from a ``WebhookAnswer``.
    ///   - status: reads the status code of the framework's response.
    ///   - next: the handler, given the verified delivery.
    public func admit<Response>(
        _ collected: Result<ByteBuffer, WebhookRejection>,
        headers: some Sequence<(String, String)>,
        logger: Logger,
        answer: (WebhookAnswer) -> Response,
        status: (Response) -> Int,
        next: (VerifiedWebhook) async throws -> Response
    ) async throws -> Response {
        let verified = collected.flatMap { verify(headers: headers, body: $0) }
        let webhook: VerifiedWebhook
        switch verified {
        case .failure(let rejection):
            logger.notice("webhook rejected", metadata: rejection.logMetadata.mapValues { .string($0) })
            return answer(rejection.answer(explainsFailures: options.explainsFailures))
        case .success(let value):
            webhook = value
        }
        guard let duplicateCheck = options.duplicateCheck else { return try await next(webhook) }
        let digest = try Self.digest(webhook.body)
        if try await duplicateCheck.isDuplicate(bodyDigest: digest) {
            logger.info("webhook duplicate", metadata: ["webhook.key": "\(webhook.key?.displayName ?? "-")"])
            return answer(.duplicate)
        }
        let response = try await next(webhook)
        if (200..<300).contains(status(response)) {
            try await duplicateCheck.record(bodyDigest: digest)
        }
        return response
    }

    /// The SHA-512 digest of a body, the key of ``WebhookDuplicateCheck``.
    public static func digest(_ body: ByteBuffer) throws -> [UInt8] {
        let digest = try BodyDigest(algorithm: .sha512WithRSA)
        try digest.update(body.readableBytesView)
        return try digest.finalize()
    }
}
#endif
