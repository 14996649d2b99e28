/// Produces the signature headers the platform sends, for a sender or for a receiver's own tests.
///
/// ```swift
/// let signer = WebhookSigner(key: privateKey)
/// for (name, value) in try signer.headers(for: body) { request.headers[name] = value }
/// ```
public struct WebhookSigner: Sendable {
    /// The signing key.
    public let key: RSAPrivateKey
    /// The headers to produce, in order; both by default, as the platform sends.
    public let algorithms: [SignatureAlgorithm]

    /// A signer that produces `flex.signature` and `fluent-signature`, or only the given algorithms.
    public init(key: RSAPrivateKey, algorithms: [SignatureAlgorithm] = [.md5WithRSA, .sha512WithRSA]) {
        self.key = key
        self.algorithms = algorithms
    }

    /// The header names and base64 values for a body, in the order of ``algorithms``.
    public func headers(for body: some Collection<UInt8>) throws(WebhookSignatureError) -> [(name: String, value: String)] {
        var result: [(name: String, value: String)] = []
        for algorithm in algorithms {
            result.append((algorithm.headerName, try key.base64Signature(for: body, algorithm: algorithm)))
        }
        return result
    }
}

/// The documentation's sample event, as valid compact JSON (430 bytes), for demos, benchmarks and tests.
public enum SampleEvent {
    /// The event's bytes as the platform would send them.
    public static let body: [UInt8] = Array(text.utf8)

    /// The event as text.
    public static let text =
        #"{"id":"9535e841-4d67-fc1d-0e31-49fdfd514661","name":"OrderStatusChange","accountId":"ACME","retailerId":"1","rootEntityId":"123","rootEntityRef":"0_123","rootEntityType":"ORDER","entityId":"123","entityRef":"0_123","entityType":"ORDER","entityStatus":"SHIPPED","type":"NORMAL","attributes":{"ShippingPartner":"Awesome Shipping Co.","TrackingNumber":"TRACKING123","TrackingURL":"http://awesomeshippingco.test/track/q=TRACKING123"}}"#
}
