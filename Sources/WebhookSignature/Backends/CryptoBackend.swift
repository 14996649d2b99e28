/// The crypto library that performs the RSA and hash operations.
///
/// Keys are parsed and checked in Swift either way, so both backends accept the same keys and
/// give the same verdicts; choose by deployment constraints (licence, FIPS policy, speed). The set
/// of backends may grow: compare with `==` rather than listing every one.
public struct CryptoBackend: Hashable, Sendable, CustomStringConvertible {
    /// Which library; the closed set the package dispatches on.
    enum Kind: Hashable, Sendable {
        case openssl, gcrypt
    }

    let kind: Kind

    private init(_ kind: Kind) { self.kind = kind }

    /// OpenSSL's libcrypto (the default; the faster of the two).
    public static let openssl = CryptoBackend(.openssl)
    /// GnuPG's libgcrypt.
    public static let gcrypt = CryptoBackend(.gcrypt)

    /// The default backend: OpenSSL.
    public static let `default`: CryptoBackend = .openssl

    /// Every backend this release offers, the default first.
    public static let allCases: [CryptoBackend] = [.openssl, .gcrypt]

    /// The backend with this command-line name (`openssl`, `gcrypt`), if any.
    public init?(name: String) {
        guard let found = CryptoBackend.allCases.first(where: { $0.name == name.lowercased() }) else { return nil }
        self = found
    }

    /// The backend's name as used on the command line and in the C library (`openssl`, `gcrypt`).
    public var name: String {
        switch kind {
        case .openssl: return "openssl"
        case .gcrypt: return "gcrypt"
        }
    }

    /// The same as ``name``.
    public var description: String { name }

    /// The crypto library's name and run-time version, for diagnostics.
    public var libraryVersion: String {
        switch kind {
        case .openssl: return OpenSSLEngine.shared.libraryVersion
        case .gcrypt: return GcryptEngine.shared.libraryVersion
        }
    }

    // MARK: What each backend provides
    //
    // Everything above these few operations (key parsing and checking, encoding, the PKCS#1
    // padding, policy) is shared Swift, which is why both backends agree on every input.

    /// Hashes `data` in one call into `output`, which has room for the digest.
    func digest(_ algorithm: DigestAlgorithm, _ data: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)
        throws(WebhookSignatureError)
    {
        switch kind {
        case .openssl: try OpenSSLEngine.shared.digest(algorithm, data, into: output)
        case .gcrypt: try GcryptEngine.shared.digest(algorithm, data, into: output)
        }
    }

    /// The digest of `bytes`, as a new array.
    func digest(_ algorithm: DigestAlgorithm, of bytes: some Collection<UInt8>) throws(WebhookSignatureError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: algorithm.byteCount)
        try withBytes(bytes) { (input) throws(WebhookSignatureError) in
            try output.withUnsafeMutableBytes { (out) -> Result<Void, WebhookSignatureError> in
                Result { () throws(WebhookSignatureError) in try digest(algorithm, input, into: out) }
            }.get()
        }
        return output
    }

    /// A hash context for bodies that arrive in chunks.
    func makeHasher(_ algorithm: DigestAlgorithm) throws(WebhookSignatureError) -> NativeHasher {
        switch kind {
        case .openssl: return .openssl(try OpenSSLEngine.shared.makeHasher(algorithm))
        case .gcrypt: return .gcrypt(try GcryptEngine.shared.makeHasher(algorithm))
        }
    }

    /// Builds the native public key once; it is then used for every verification.
    func makePublicKey(_ components: RSAPublicComponents) throws(WebhookSignatureError) -> NativePublicKey {
        switch kind {
        case .openssl: return .openssl(try OpenSSLEngine.shared.makePublicKey(components))
        case .gcrypt: return .gcrypt(try GcryptEngine.shared.makePublicKey(components))
        }
    }

    /// Builds the native private key once, from components already checked to fit together.
    func makePrivateKey(_ components: RSAPrivateComponents) throws(WebhookSignatureError) -> NativePrivateKey {
        switch kind {
        case .openssl: return .openssl(try OpenSSLEngine.shared.makePrivateKey(components))
        case .gcrypt: return .gcrypt(try GcryptEngine.shared.makePrivateKey(components))
        }
    }

    /// A fresh key pair with the given modulus size and public exponent 65537.
    func generatePrivateKey(bits: Int) throws(WebhookSignatureError) -> RSAPrivateComponents {
        switch kind {
        case .openssl: return try OpenSSLEngine.shared.generatePrivateKey(bits: bits)
        case .gcrypt: return try GcryptEngine.shared.generatePrivateKey(bits: bits)
        }
    }
}

/// A native RSA public key: a closed set, one case per backend.
enum NativePublicKey: Sendable {
    case openssl(OpenSSLPublicKey)
    case gcrypt(GcryptPublicKey)

    /// The modulus, unsigned big-endian without leading zeros, in memory the key owns for its
    /// whole life (a raw buffer rather than an array, so that reading it writes no reference count).
    var modulus: UnsafeRawBufferPointer {
        switch self {
        case .openssl(let key): return key.modulus
        case .gcrypt(let key): return key.modulus
        }
    }

    /// `signature^e mod n` into `output` (the modulus length). The caller has checked that the
    /// signature has the modulus length and is below the modulus.
    func publicOperation(_ signature: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)
        throws(WebhookSignatureError)
    {
        #if DEBUG
        PublicOperationCount.current?.add()
        #endif
        switch self {
        case .openssl(let key): try key.publicOperation(signature, into: output)
        case .gcrypt(let key): try key.publicOperation(signature, into: output)
        }
    }

    /// Hashes `data` with the key's own library.
    func digest(_ algorithm: DigestAlgorithm, _ data: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)
        throws(WebhookSignatureError)
    {
        switch self {
        case .openssl: try OpenSSLEngine.shared.digest(algorithm, data, into: output)
        case .gcrypt: try GcryptEngine.shared.digest(algorithm, data, into: output)
        }
    }
}

/// A native RSA private key: a closed set, one case per backend.
enum NativePrivateKey: Sendable {
    case openssl(OpenSSLPrivateKey)
    case gcrypt(GcryptPrivateKey)

    /// `message^d mod n` into `output` (the modulus length); `message` has the modulus length and is below it.
    func privateOperation(_ message: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)
        throws(WebhookSignatureError)
    {
        switch self {
        case .openssl(let key): try key.privateOperation(message, into: output)
        case .gcrypt(let key): try key.privateOperation(message, into: output)
        }
    }
}

/// A running hash: a closed set, one case per backend.
enum NativeHasher {
    case openssl(OpenSSLHasher)
    case gcrypt(GcryptHasher)

    func update(_ data: UnsafeRawBufferPointer) throws(WebhookSignatureError) {
        switch self {
        case .openssl(let hasher): try hasher.update(data)
        case .gcrypt(let hasher): try hasher.update(data)
        }
    }

    /// Writes the digest; the hasher is then spent.
    func finalize(into output: UnsafeMutableRawBufferPointer) throws(WebhookSignatureError) {
        switch self {
        case .openssl(let hasher): try hasher.finalize(into: output)
        case .gcrypt(let hasher): try hasher.finalize(into: output)
        }
    }
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

#if DEBUG
import Synchronization

/// Counts the RSA public operations of the current task, in debug builds only: the tests use it to
/// pin what a verification costs (one operation per trusted key at most, none for an uncounted header).
package final class PublicOperationCount: Sendable {
    @TaskLocal package static var current: PublicOperationCount?
    private let value = Atomic<Int>(0)

    package init() {}

    package var count: Int { value.load(ordering: .relaxed) }

    func add() { value.add(1, ordering: .relaxed) }

    /// The number of public operations `body` did.
    package static func during(_ body: () throws -> Void) rethrows -> Int {
        let counter = PublicOperationCount()
        try $current.withValue(counter) { try body() }
        return counter.count
    }
}
#endif
