/// The crypto library that performs the RSA and hash operations.
///
/// Keys are parsed and checked in Swift either way, so both backends accept the same keys and
/// give the same verdicts; choose by deployment constraints (licence, FIPS policy, speed).
public enum CryptoBackend: String, Sendable, CaseIterable, CustomStringConvertible {
    /// OpenSSL's libcrypto (the default; the faster of the two).
    case openssl
    /// GnuPG's libgcrypt.
    case gcrypt

    /// The default backend: OpenSSL.
    public static let `default`: CryptoBackend = .openssl

    /// The backend's name as used on the command line (`openssl`, `gcrypt`).
    public var description: String { rawValue }

    /// The crypto library's name and run-time version, for diagnostics.
    public var libraryVersion: String { engine.libraryVersion }

    var engine: any Engine {
        switch self {
        case .openssl: return OpenSSLEngine.shared
        case .gcrypt: return GcryptEngine.shared
        }
    }
}

/// What a backend provides. Everything above it (encoding, padding checks, policy) is shared Swift.
protocol Engine: Sendable {
    var libraryVersion: String { get }
    /// Builds the native public key once; it is then used for every verification.
    func makePublicKey(_ components: RSAPublicComponents) throws(WebhookSignatureError) -> any EnginePublicKey
    /// Builds the native private key once and checks that its parts fit together.
    func makePrivateKey(_ components: RSAPrivateComponents) throws(WebhookSignatureError) -> any EnginePrivateKey
    /// Hashes `data` in one call; `output` has room for the digest.
    func digest(_ algorithm: DigestAlgorithm, _ data: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)
        throws(WebhookSignatureError)
    /// A hash context for bodies that arrive in chunks.
    func makeHasher(_ algorithm: DigestAlgorithm) throws(WebhookSignatureError) -> any EngineHasher
    /// A fresh key pair with the given modulus size and public exponent 65537.
    func generatePrivateKey(bits: Int) throws(WebhookSignatureError) -> RSAPrivateComponents
}

/// A native RSA public key.
protocol EnginePublicKey: AnyObject, Sendable {
    associatedtype NativeEngine: Engine & AnyObject
    /// The modulus, unsigned big-endian without leading zeros, in memory the key owns for its
    /// whole life (a raw buffer rather than an array, so that reading it writes no reference count).
    var modulus: UnsafeRawBufferPointer { get }
    /// The engine singleton, which outlives every key. Held unmanaged and used through
    /// `_withUnsafeGuaranteedRef`, so that hashing through the key writes no reference count on it
    /// (a strong or unowned reference was retained around each call, and every verifying thread
    /// shares that count).
    var engine: Unmanaged<NativeEngine> { get }

    /// `signature^e mod n` into `output` (the modulus length). The caller has checked that the
    /// signature has the modulus length and is below the modulus.
    func publicOperation(_ signature: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)
        throws(WebhookSignatureError)
}

extension EnginePublicKey {
    /// Hashes `data` exactly as the key's engine does (``Engine/digest(_:_:into:)``); offered by
    /// the key so that verification reaches everything through this one object.
    func digest(_ algorithm: DigestAlgorithm, _ data: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)
        throws(WebhookSignatureError)
    {
        try engine._withUnsafeGuaranteedRef { (engine) -> Result<Void, WebhookSignatureError> in
            Result { () throws(WebhookSignatureError) in try engine.digest(algorithm, data, into: output) }
        }.get()
    }
}

/// A native RSA private key.
protocol EnginePrivateKey: AnyObject, Sendable {
    /// `message^d mod n` into `output` (the modulus length); `message` has the modulus length and is below it.
    func privateOperation(_ message: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)
        throws(WebhookSignatureError)
}

/// A running hash.
protocol EngineHasher: AnyObject {
    func update(_ data: UnsafeRawBufferPointer) throws(WebhookSignatureError)
    /// Writes the digest; the hasher is then spent.
    func finalize(into output: UnsafeMutableRawBufferPointer) throws(WebhookSignatureError)
}

/// The hash functions the two signature algorithms use (and SHA-256, for key fingerprints).
enum DigestAlgorithm: Sendable {
    case md5, sha256, sha512

    var byteCount: Int {
        switch self {
        case .md5: return 16
        case .sha256: return 32
        case .sha512: return 64
        }
    }

    /// The largest digest, for stack buffers.
    static let maxByteCount = 64
}
