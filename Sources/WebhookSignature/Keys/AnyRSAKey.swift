/// A key file's content when it may be public or private: what `inspect` and `convert` read.
///
/// Use it when the caller does not say which kind of key a file holds; otherwise parse
/// ``RSAPublicKey`` or ``RSAPrivateKey`` directly and get a precise error for the other kind.
public enum AnyRSAKey: Sendable {
    /// A public key (or a certificate's key).
    case publicKey(RSAPublicKey)
    /// A private key.
    case privateKey(RSAPrivateKey)

    /// Parses any supported key format, public or private.
    public init(parsing bytes: some Collection<UInt8>, backend: CryptoBackend = .default) throws(WebhookSignatureError) {
        let document = try KeyText.parse(bytes)
        switch document.content {
        case .publicKey(let components, _):
            self = .publicKey(try RSAPublicKey(components: components, backend: backend, format: document.format, certificate: nil))
        case .certificate(let components, let summary):
            self = .publicKey(try RSAPublicKey(components: components, backend: backend, format: document.format, certificate: summary))
        case .privateKey(let components, _):
            self = .privateKey(try RSAPrivateKey(components: components, backend: backend, format: document.format))
        }
    }

    /// The public key, or the private key's public half.
    public var publicKey: RSAPublicKey {
        switch self {
        case .publicKey(let key): return key
        case .privateKey(let key): return key.publicKey
        }
    }

    /// How the key was given.
    public var format: KeyFormat? {
        switch self {
        case .publicKey(let key): return key.format
        case .privateKey(let key): return key.format
        }
    }
}
