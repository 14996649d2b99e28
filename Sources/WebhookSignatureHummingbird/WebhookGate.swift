import FluentEvent
import HTTPTypes
import Hummingbird
import NIOCore
import WebhookSignature

/// A delivery whose signature verified: the exact bytes that were verified, and the verdict.
///
/// Handlers get it from ``WebhookRequestContext/webhook`` once ``WebhookVerificationMiddleware`` ran.
/// Decode the body only from here, never from a re-read or re-serialised copy.
public struct VerifiedWebhook: Sendable {
    /// The raw body, byte for byte as received and verified.
    public let body: ByteBuffer
    /// The verifier's verdict (valid), with every header's check.
    public let verdict: WebhookVerdict

    /// Wraps a body and its valid verdict.
    public init(body: ByteBuffer, verdict: WebhookVerdict) {
        self.body = body
        self.verdict = verdict
    }

    /// The raw body as bytes.
    public var bytes: [UInt8] { Array(body.readableBytesView) }

    /// The trusted key that verified the counted signature.
    public var key: TrustedKey? { verdict.verifiedKey }

    /// The body parsed as a `FluentEvent`; throws `FluentEventError` if it is not a JSON object.
    public func event() throws(FluentEventError) -> FluentEvent {
        try FluentEvent(json: body.readableBytesView)
    }
}

/// Why a delivery was refused, with the HTTP status to answer.
public enum WebhookRejection: Error, Sendable, Hashable {
    /// The body is larger than the limit (413).
    case bodyTooLarge(limit: Int)
    /// The body cannot be read under the policy, for example invalid JSON under a canonical mode (400).
    case malformed(WebhookSignatureError)
    /// The signatures do not satisfy the policy (401); the verdict says precisely why.
    case unverified(WebhookVerdict)

    /// 413, 400 or 401.
    public var status: HTTPResponse.Status {
        switch self {
        case .bodyTooLarge: return .contentTooLarge
        case .malformed: return .badRequest
        case .unverified: return .unauthorized
        }
    }

    /// A stable identifier: `body_too_large`, the input error's code (such as `invalid_json`), or the
    /// verdict's failure code (such as `body_mismatch` or `no_signature_header`).
    public var code: String {
        switch self {
        case .bodyTooLarge: return "body_too_large"
        case .malformed(let error): return error.code.name
        case .unverified(let verdict): return verdict.failure?.code.name ?? "invalid"
        }
    }

    /// The precise reason, for people.
    public var reason: String {
        switch self {
        case .bodyTooLarge(let limit): return "the body is larger than \(limit) bytes"
        case .malformed(let error): return "the body cannot be read: \(error.reason)"
        case .unverified(let verdict): return verdict.failure?.reason ?? "the delivery did not verify"
        }
    }

    /// The response to send: the status, the reason as plain text, and the code in `Webhook-Failure`.
    public func response() -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        if let name = HTTPField.Name("Webhook-Failure") { headers[name] = code }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: reason + "\n")))
    }
}

/// Collects a request's raw body (up to a limit) and verifies it: the one step that
/// ``WebhookVerificationMiddleware`` and custom responders share.
public struct WebhookGate: Sendable {
    /// The verifier: trusted keys and policy.
    public let verifier: WebhookVerifier
    /// The largest body accepted, in bytes.
    public let maxBodySize: Int

    /// 16 MiB, the default body limit.
    public static let defaultMaxBodySize = 16 << 20

    /// A gate over a verifier.
    public init(verifier: WebhookVerifier, maxBodySize: Int = WebhookGate.defaultMaxBodySize) {
        self.verifier = verifier
        self.maxBodySize = maxBodySize
    }

    /// Reads the body (leaving it re-attached to `request` for later readers) and verifies it.
    ///
    /// Returns the verified delivery or why it is refused; throws only when reading the body fails
    /// for another reason (such as the connection closing).
    public func verify(_ request: inout Request) async throws -> Result<VerifiedWebhook, WebhookRejection> {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > maxBodySize {
            return .failure(.bodyTooLarge(limit: maxBodySize))
        }
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: maxBodySize)
        } catch is NIOTooManyBytesError {
            return .failure(.bodyTooLarge(limit: maxBodySize))
        }
        let verdict: WebhookVerdict
        do {
            verdict = try verifier.verify(headers: Self.headerPairs(request.headers), body: body.readableBytesView)
        } catch {
            return .failure(.malformed(error))
        }
        guard verdict.isValid else { return .failure(.unverified(verdict)) }
        return .success(VerifiedWebhook(body: body, verdict: verdict))
    }

    /// The request's header fields as (name as received, value) pairs.
    public static func headerPairs(_ fields: HTTPFields) -> [(String, String)] {
        fields.map { ($0.name.rawName, $0.value) }
    }
}
