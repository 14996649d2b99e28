#if Hummingbird || Vapor
import WebhookSignature

/// Why a delivery was refused; each framework integration turns it into its own response.
///
/// Use ``answer(explainsFailures:)`` for what the sender sees and ``logMetadata`` for the log: the
/// precise verdict (key ids, labels, retired or expired keys) goes only to the log unless explaining
/// is switched on for integration tests.
public enum WebhookRejection: Error, Sendable, Hashable {
    /// The body is larger than the limit (413).
    case bodyTooLarge(limit: Int)
    /// The body cannot be read under the policy, for example invalid JSON under a canonical mode (400).
    case malformed(WebhookSignatureError)
    /// The signatures do not satisfy the policy (401); the verdict says precisely why.
    case unverified(WebhookVerdict)

    /// The code a 401 carries when failures are not explained: it says nothing about keys.
    public static let genericUnverifiedCode = "signature_invalid"

    /// The HTTP status code: 413, 400 or 401; use it where a framework's status type is not at hand.
    public var statusCode: Int {
        switch self {
        case .bodyTooLarge: return 413
        case .malformed: return 400
        case .unverified: return 401
        }
    }

    /// A stable identifier: `body_too_large`, the input error's code (such as `invalid_json`), or the
    /// verdict's failure code (such as `body_mismatch` or `no_signature_header`); use it in logs and tests.
    public var code: String {
        switch self {
        case .bodyTooLarge: return "body_too_large"
        case .malformed(let error): return "\(error.code)"
        case .unverified(let verdict): return verdict.failure.map { "\($0.code)" } ?? "invalid"
        }
    }

    /// The precise reason, for people; it may name keys, so it belongs in logs, not in responses.
    public var reason: String {
        switch self {
        case .bodyTooLarge(let limit): return "the body is larger than \(limit) bytes"
        case .malformed(let error): return "the body cannot be read: \(error.reason)"
        case .unverified(let verdict): return verdict.failure?.reason ?? "the delivery did not verify"
        }
    }

    /// What the sender is told; use it to build the framework's response.
    ///
    /// A 401 carries only ``genericUnverifiedCode`` and a fixed sentence unless `explainsFailures` is
    /// true, in which case it carries the verdict's code and reason (for integration testing). 400 and
    /// 413 say what was wrong with the body, which names no key.
    public func answer(explainsFailures: Bool) -> WebhookAnswer {
        if case .unverified = self, !explainsFailures {
            return WebhookAnswer(
                status: statusCode, headers: [(WebhookAnswer.failureHeader, Self.genericUnverifiedCode)],
                body: "\(Self.genericUnverifiedCode): the webhook signature did not verify\n")
        }
        return WebhookAnswer(status: statusCode, headers: [(WebhookAnswer.failureHeader, code)], body: reason + "\n")
    }

    /// Every detail of the refusal as log fields (status, code, reason, each header's check and key);
    /// use it with the framework's logger.
    public var logMetadata: [String: String] {
        var fields = ["webhook.status": "\(statusCode)", "webhook.failure": code, "webhook.reason": reason]
        if case .unverified(let verdict) = self {
            fields["webhook.checks"] =
                verdict.checks.isEmpty
                ? "none"
                : verdict.checks.map { check in
                    var text = "\(check.header):\(check.outcome.code)"
                    if let key = check.outcome.key { text += ":key=\(key.id.hex.prefix(16))" + (key.label.map { "(\($0))" } ?? "") }
                    return text + (check.counted ? "" : ":not-counted")
                }.joined(separator: ",")
        }
        return fields
    }
}

/// A response to send, independent of the framework: status, headers and a plain-text body.
///
/// The integrations build it through ``WebhookRejection/answer(explainsFailures:)`` and
/// ``WebhookAnswer/duplicate``; use it when writing an integration for another framework.
public struct WebhookAnswer: Sendable {
    /// The header that carries the stable code of a refusal: `Webhook-Failure`.
    public static let failureHeader = "Webhook-Failure"
    /// The header set on the answer to a delivery the duplicate check saw before: `Webhook-Duplicate`.
    public static let duplicateHeader = "Webhook-Duplicate"

    /// The HTTP status code.
    public var status: Int
    /// Header fields, in order (the content type is always `text/plain; charset=utf-8`).
    public var headers: [(String, String)]
    /// The plain-text body.
    public var body: String

    /// An answer from its parts; use it for answers of your own in an integration.
    public init(status: Int, headers: [(String, String)], body: String) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// 200 for a verified delivery that the duplicate check saw before: the handler is not called again.
    public static let duplicate = WebhookAnswer(
        status: 200, headers: [(duplicateHeader, "true")], body: "duplicate delivery: already accepted\n")
}
#endif
