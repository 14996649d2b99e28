#if Hummingbird
@_exported import WebhookSignatureServerSupport
import HTTPTypes
import Hummingbird
import NIOCore
import WebhookSignature

extension WebhookRejection {
    /// 413, 400 or 401 as Hummingbird's status type.
    public var status: HTTPResponse.Status { HTTPResponse.Status(code: statusCode) }

    /// The response with the precise reason and code, for tools such as `whsig listen`; a receiver's
    /// middleware answers through ``response(explainsFailures:)`` instead.
    public func response() -> Response { response(explainsFailures: true) }

    /// The response to send: see ``WebhookRejection/answer(explainsFailures:)``.
    public func response(explainsFailures: Bool) -> Response { answer(explainsFailures: explainsFailures).response() }
}

extension WebhookAnswer {
    /// The answer as a Hummingbird response; use it in a custom responder.
    public func response() -> Response {
        var fields = HTTPFields()
        fields[.contentType] = "text/plain; charset=utf-8"
        for (name, value) in headers {
            if let name = HTTPField.Name(name) { fields[name] = value }
        }
        return Response(status: HTTPResponse.Status(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

extension WebhookVerifier {
    /// Verifies a delivery given a Hummingbird request's header fields and its raw body; use it
    /// inside a handler as `verifier.verify(headers: request.headers, body: buffer.readableBytesView)`.
    public func verify(headers: HTTPFields, body: some Collection<UInt8>) throws(WebhookSignatureError) -> WebhookVerdict {
        try verify(headers: WebhookGate.headerPairs(headers), body: body)
    }
}

/// Collects a request's raw body (up to a limit) and verifies it: the one step that
/// ``WebhookVerificationMiddleware`` and custom responders share.
public struct WebhookGate: Sendable {
    /// The shared, framework-free step: verifier and safety settings.
    public let intake: WebhookIntake
    /// The verifier: trusted keys and policy.
    public var verifier: WebhookVerifier { intake.verifier }
    /// The largest body accepted, in bytes.
    public var maxBodySize: Int { intake.options.maxBodySize }

    /// 16 MiB, the default body limit.
    public static let defaultMaxBodySize = WebhookMiddlewareOptions.defaultMaxBodySize

    /// A gate over a verifier, accepting bodies up to `maxBodySize` bytes.
    public init(verifier: WebhookVerifier, maxBodySize: Int = WebhookGate.defaultMaxBodySize) {
        self.init(verifier: verifier, options: WebhookMiddlewareOptions(maxBodySize: maxBodySize))
    }

    /// A gate over a verifier with every safety setting.
    public init(verifier: WebhookVerifier, options: WebhookMiddlewareOptions) {
        self.intake = WebhookIntake(verifier: verifier, options: options)
    }

    /// The refusal the request head alone decides (a declared size over the limit, headers that
    /// fail whatever the body), before a byte of the body is read; nil when the body must be read.
    public func rejectionBeforeBody(_ request: Request) -> WebhookRejection? {
        intake.rejection(beforeReading: Self.headerPairs(request.headers), contentLength: request.headers[.contentLength])
    }

    /// Reads the body up to the limit, leaving it re-attached to `request` for later readers; use it
    /// before `WebhookIntake.admit(_:headers:logger:answer:status:next:)`. Unless `headChecked`
    /// (the caller already asked ``rejectionBeforeBody(_:)``), the head is checked first.
    ///
    /// Throws only when reading fails for another reason (such as the connection closing).
    public func collect(_ request: inout Request, headChecked: Bool = false) async throws -> Result<ByteBuffer, WebhookRejection> {
        if !headChecked, let rejection = rejectionBeforeBody(request) { return .failure(rejection) }
        do {
            return .success(try await request.collectBody(upTo: maxBodySize))
        } catch is NIOTooManyBytesError {
            return .failure(.bodyTooLarge(limit: maxBodySize))
        }
    }

    /// Reads the body (leaving it re-attached to `request` for later readers) and verifies it.
    ///
    /// Returns the verified delivery or why it is refused; throws only when reading the body fails
    /// for another reason (such as the connection closing).
    public func verify(_ request: inout Request, headChecked: Bool = false) async throws -> Result<VerifiedWebhook, WebhookRejection> {
        try await collect(&request, headChecked: headChecked).flatMap { intake.verify(headers: Self.headerPairs(request.headers), body: $0) }
    }

    /// The request's header fields as (name as received, value) pairs.
    public static func headerPairs(_ fields: HTTPFields) -> [(String, String)] {
        fields.map { ($0.name.rawName, $0.value) }
    }
}
#endif
