import FluentEvent
import Foundation
import WebhookSignature

/// One verified delivery as a store keeps it: the raw body, its SHA-512 digest, when it came, which
/// key verified it, the event's id and name, and the request's headers.
///
/// Build it with ``init(body:headers:verdict:receivedAt:)`` right after verification and hand it to a
/// ``DeliveryStore`` before answering the platform.
public struct StoredDelivery: Sendable, Hashable {
    /// The raw body, byte for byte as received and verified.
    public var body: [UInt8]
    /// Lowercase hex SHA-512 of ``body``: the store's key, identical across platform retries.
    public var digest: String
    /// When the delivery arrived.
    public var receivedAt: Date
    /// The hex fingerprint of the trusted key that verified the delivery.
    public var keyID: String?
    /// The event's `id` field, when the body is a JSON object with one.
    public var eventID: String?
    /// The event's `name` field, when the body is a JSON object with one.
    public var eventName: String?
    /// The request's header fields, in order, as (name, value).
    public var headers: [Header]

    /// One header field of the request.
    public struct Header: Sendable, Hashable {
        /// The name as received.
        public var name: String
        /// The value as received.
        public var value: String

        /// A header field; use it to build a ``StoredDelivery`` by hand in tests.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// A delivery from its parts, the digest computed from the body.
    ///
    /// Use it when you already have the key id and event fields; otherwise use
    /// ``init(body:headers:verdict:receivedAt:)``.
    public init(
        body: [UInt8], receivedAt: Date = Date(), keyID: String? = nil, eventID: String? = nil,
        eventName: String? = nil, headers: [Header] = []
    ) {
        self.body = body
        self.digest = Self.sha512Hex(body)
        self.receivedAt = receivedAt
        self.keyID = keyID
        self.eventID = eventID
        self.eventName = eventName
        self.headers = headers
    }

    /// A delivery from a verified body and its verdict: the key id comes from the verdict, the event's
    /// id and name from the body (when it is a JSON object).
    ///
    /// Use it in a receiver once `verdict.isValid`; a store never sees an unverified body this way.
    public init(body: [UInt8], headers: some Sequence<(String, String)>, verdict: WebhookVerdict, receivedAt: Date = Date()) {
        let event = try? FluentEvent(json: body)
        self.init(
            body: body, receivedAt: receivedAt, keyID: verdict.verifiedKey?.id.hex, eventID: event?.id,
            eventName: event?.name, headers: headers.map { Header(name: $0.0, value: $0.1) })
    }

    /// Lowercase hex SHA-512 of `bytes`, the digest that names a delivery in every store.
    ///
    /// Use it to find a body's row or file (`whsig inbox export DIGEST`).
    public static func sha512Hex(_ bytes: [UInt8]) -> String {
        // The package's own digest (OpenSSL); it cannot fail for SHA-512 short of a broken libcrypto.
        guard let hasher = try? BodyDigest(algorithm: .sha512WithRSA), (try? hasher.update(bytes)) != nil,
            let digest = try? hasher.finalize()
        else { preconditionFailure("SHA-512 is unavailable in libcrypto") }
        return hex(digest)
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// True for 128 lowercase hex digits, the only digest text a store looks up.
    public static func isDigest(_ text: String) -> Bool {
        text.utf8.count == 128 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// The headers as a JSON array of `[name, value]` pairs (order and repeats kept).
    public var headersJSON: String {
        let pairs = headers.map { [$0.name, $0.value] }
        guard let data = try? JSONSerialization.data(withJSONObject: pairs, options: [.withoutEscapingSlashes]) else { return "[]" }
        return String(decoding: data, as: UTF8.self)
    }
}
