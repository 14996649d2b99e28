#if Hummingbird || Vapor
import FluentEvent
import NIOCore
import WebhookSignature

/// A delivery whose signature verified: the exact bytes that were verified, and the verdict.
///
/// Handlers get it from the Hummingbird or Vapor middleware once it verified the request; decode the
/// body only from here, never from a re-read or re-serialised copy.
public struct VerifiedWebhook: Sendable {
    /// The raw body, byte for byte as received and verified.
    public let body: ByteBuffer
    /// The verifier's verdict (valid), with every header's check.
    public let verdict: WebhookVerdict

    /// Wraps a body and its valid verdict; use it to hand a delivery verified elsewhere to the same handlers.
    public init(body: ByteBuffer, verdict: WebhookVerdict) {
        self.body = body
        self.verdict = verdict
    }

    /// The raw body as bytes; use it where an array is handier than a `ByteBuffer`.
    public var bytes: [UInt8] { Array(body.readableBytesView) }

    /// The trusted key that verified the counted signature; use it to tell environments or rotations apart.
    public var key: TrustedKey? { verdict.verifiedKey }

    /// The body parsed as a `FluentEvent`; use it once the delivery verified. Throws
    /// `FluentEventError` if the body is not a JSON object.
    public func event() throws(FluentEventError) -> FluentEvent {
        try FluentEvent(json: body.readableBytesView)
    }
}
#endif
