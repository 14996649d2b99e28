import COpenSSL

/// The OpenSSL 3 (libcrypto) backend.
final class OpenSSLEngine: @unchecked Sendable {
    // Safety: the fetched EVP_MD objects are immutable after init and OpenSSL allows sharing them.
    static let shared = OpenSSLEngine()

    private let md5: OpaquePointer?
    private let sha256: OpaquePointer?
    private let sha512: OpaquePointer?
    // One pool of EVP_MD_CTX per digest, so a reused context is re-initialised with the same
    // digest. Three stored pools rather than an array: reading an array element retains it,
    // an atomic write to a reference count that every verifying thread shares.
    private let md5Pool = ContextPool(make: { EVP_MD_CTX_new() }, destroy: { EVP_MD_CTX_free($0) })
    private let sha256Pool = ContextPool(make: { EVP_MD_CTX_new() }, destroy: { EVP_MD_CTX_free($0) })
    private let sha512Pool = ContextPool(make: { EVP_MD_CTX_new() }, destroy: { EVP_MD_CTX_free($0) })

    private init() {
        // Fetch each digest once: EVP_MD_fetch does a name lookup that costs as much as hashing a small body.
        md5 = EVP_MD_fetch(nil, "MD5", nil)
        sha256 = EVP_MD_fetch(nil, "SHA256", nil)
        sha512 = EVP_MD_fetch(nil, "SHA512", nil)
    }

    var libraryVersion: String { String(cString: OpenSSL_version(Int32(OPENSSL_VERSION))) }

    private func md(_ algorithm: DigestAlgorithm) throws(WebhookSignatureError) -> OpaquePointer {
        let md: OpaquePointer?
        switch algorithm {
        case .md5: md = md5
        case .sha256: md = sha256
        case .sha512: md = sha512
        }
        guard let md else {
            throw WebhookSignatureError(
                .algorithmNotAllowed, "OpenSSL does not offer \(algorithm) under its current configuration (FIPS or provider policy)")
        }
        return md
    }

    func digest(_ algorithm: DigestAlgorithm, _ data: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)
        throws(WebhookSignatureError)
    {
        let md = try md(algorithm)
        switch algorithm {
        case .md5: try OpenSSLEngine.hash(md, md5Pool, data, into: output)
        case .sha256: try OpenSSLEngine.hash(md, sha256Pool, data, into: output)
        case .sha512: try OpenSSLEngine.hash(md, sha512Pool, data, into: output)
        }
    }

    @inline(__always)
    private static func hash(
        _ md: OpaquePointer, _ pool: ContextPool, _ data: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(WebhookSignatureError) {
        try pool.withContext { (ctx) throws(WebhookSignatureError) in
            var length: UInt32 = 0
            guard EVP_DigestInit_ex2(ctx, md, nil) == 1,
                EVP_DigestUpdate(ctx, data.baseAddress, data.count) == 1,
                EVP_DigestFinal_ex(ctx, output.baseAddress?.assumingMemoryBound(to: UInt8.self), &length) == 1
            else {
                throw OpenSSLEngine.failure("hashing")
            }
        }
    }

    func makeHasher(_ algorithm: DigestAlgorithm) throws(WebhookSignatureError) -> OpenSSLHasher {
        try OpenSSLHasher(md: md(algorithm))
    }

    func makePublicKey(_ components: RSAPublicComponents) throws(WebhookSignatureError) -> OpenSSLPublicKey {
        let pkey = try OpenSSLEngine.buildKey([(COpenSSL_OSSL_PKEY_PARAM_RSA_N(), components.modulus), (COpenSSL_OSSL_PKEY_PARAM_RSA_E(), components.publicExponent)], selection: COpenSSL_EVP_PKEY_PUBLIC_KEY())
        return OpenSSLPublicKey(pkey: pkey, modulus: components.modulus)
    }

    func makePrivateKey(_ c: RSAPrivateComponents) throws(WebhookSignatureError) -> OpenSSLPrivateKey {
        let pkey = try OpenSSLEngine.buildKey(
            [
                (COpenSSL_OSSL_PKEY_PARAM_RSA_N(), c.publicComponents.modulus),
                (COpenSSL_OSSL_PKEY_PARAM_RSA_E(), c.publicComponents.publicExponent),
                (COpenSSL_OSSL_PKEY_PARAM_RSA_D(), c.privateExponent), (COpenSSL_OSSL_PKEY_PARAM_RSA_FACTOR1(), c.prime1),
                (COpenSSL_OSSL_PKEY_PARAM_RSA_FACTOR2(), c.prime2), (COpenSSL_OSSL_PKEY_PARAM_RSA_EXPONENT1(), c.exponent1),
                (COpenSSL_OSSL_PKEY_PARAM_RSA_EXPONENT2(), c.exponent2),
                (COpenSSL_OSSL_PKEY_PARAM_RSA_COEFFICIENT1(), c.coefficient),
            ], selection: COpenSSL_EVP_PKEY_KEYPAIR())
        return OpenSSLPrivateKey(pkey: pkey)
    }

    func generatePrivateKey(bits: Int) throws(WebhookSignatureError) -> RSAPrivateComponents {
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, "RSA", nil) else { throw OpenSSLEngine.failure("key generation") }
        defer { EVP_PKEY_CTX_free(ctx) }
        var pkey: OpaquePointer? = nil
        guard EVP_PKEY_keygen_init(ctx) == 1, EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, Int32(bits)) == 1,
            EVP_PKEY_keygen(ctx, &pkey) == 1, let generated = pkey
        else {
            throw WebhookSignatureError(.keyGenerationFailed, "OpenSSL could not generate a \(bits)-bit RSA key")
        }
        defer { EVP_PKEY_free(generated) }
        func param(_ name: String) throws(WebhookSignatureError) -> [UInt8] {
            var bn: OpaquePointer? = nil
            guard EVP_PKEY_get_bn_param(generated, name, &bn) == 1, let value = bn else {
                throw WebhookSignatureError(.keyGenerationFailed, "OpenSSL did not return the key's \(name)")
            }
            defer { BN_clear_free(value) }
            var bytes = [UInt8](repeating: 0, count: Int((BN_num_bits(value) + 7) / 8))
            _ = BN_bn2bin(value, &bytes)
            return bytes
        }
        return try RSAPrivateComponents(
            modulus: param("n"), publicExponent: param("e"), privateExponent: param("d"),
            prime1: param("rsa-factor1"), prime2: param("rsa-factor2"), exponent1: param("rsa-exponent1"),
            exponent2: param("rsa-exponent2"), coefficient: param("rsa-coefficient1"))
    }

    // MARK: Helpers

    /// Builds an EVP_PKEY from big-endian components with EVP_PKEY_fromdata.
    static func buildKey(_ values: [(UnsafePointer<CChar>?, [UInt8])], selection: Int32) throws(WebhookSignatureError) -> OpaquePointer {
        guard let builder = OSSL_PARAM_BLD_new() else { throw failure("building a key") }
        defer { OSSL_PARAM_BLD_free(builder) }
        var numbers: [OpaquePointer] = []
        defer { for bn in numbers { BN_clear_free(bn) } }
        for (name, bytes) in values {
            guard let bn = BN_bin2bn(bytes, Int32(bytes.count), nil) else { throw failure("building a key") }
            numbers.append(bn)
            guard OSSL_PARAM_BLD_push_BN(builder, name, bn) == 1 else { throw failure("building a key") }
        }
        guard let params = OSSL_PARAM_BLD_to_param(builder) else { throw failure("building a key") }
        defer { OSSL_PARAM_free(params) }
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, "RSA", nil) else { throw failure("building a key") }
        defer { EVP_PKEY_CTX_free(ctx) }
        var pkey: OpaquePointer? = nil
        guard EVP_PKEY_fromdata_init(ctx) == 1, EVP_PKEY_fromdata(ctx, &pkey, selection, params) == 1, let key = pkey else {
            throw failure("building a key")
        }
        return key
    }

    /// An error for a libcrypto call that failed, with OpenSSL's own message; clears this thread's error queue.
    static func failure(_ what: String) -> WebhookSignatureError {
        let code = ERR_get_error()
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        ERR_clear_error()
        let detail = code == 0 ? "no detail" : String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return WebhookSignatureError(.cryptoLibraryFailure, "OpenSSL failed while \(what): \(detail)")
    }
}

/// An RSA public key in OpenSSL, with a pool of contexts initialised for raw public operations.
final class OpenSSLPublicKey: @unchecked Sendable {
    // Safety: the EVP_PKEY is never mutated after creation; contexts are used one thread at a time via the pool.
    private let pkey: OpaquePointer
    private let contexts: ContextPool
    let modulus: UnsafeRawBufferPointer

    init(pkey: OpaquePointer, modulus: [UInt8]) {
        self.pkey = pkey
        self.modulus = UnsafeRawBufferPointer(ownedCopyOf: modulus)
        // Verify-recover without padding: the padding is checked in Swift (PKCS1), identically for both backends.
        self.contexts = OpenSSLRawOperation.contexts(for: pkey, initialise: EVP_PKEY_verify_recover_init)
    }

    deinit {
        EVP_PKEY_free(pkey)
        modulus.deallocate()
    }

    func publicOperation(_ signature: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)
        throws(WebhookSignatureError)
    {
        try OpenSSLRawOperation.apply(EVP_PKEY_verify_recover, contexts, signature, into: output, "applying the public key")
    }
}

/// An RSA private key in OpenSSL, with a pool of contexts initialised for raw private operations.
final class OpenSSLPrivateKey: @unchecked Sendable {
    private let pkey: OpaquePointer
    private let contexts: ContextPool

    init(pkey: OpaquePointer) {
        self.pkey = pkey
        // Sign without padding: the EMSA-PKCS1-v1_5 block is built in Swift (PKCS1), identically for both backends.
        self.contexts = OpenSSLRawOperation.contexts(for: pkey, initialise: EVP_PKEY_sign_init)
    }

    deinit { EVP_PKEY_free(pkey) }

    func privateOperation(_ message: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)
        throws(WebhookSignatureError)
    {
        try OpenSSLRawOperation.apply(EVP_PKEY_sign, contexts, message, into: output, "applying the private key")
    }
}

/// The one shape of both raw RSA operations (verify-recover and sign, each without padding):
/// a pool of `EVP_PKEY_CTX` initialised once per key, and one call per operation.
enum OpenSSLRawOperation {
    typealias Initialise = @convention(c) (OpaquePointer?) -> Int32
    typealias Apply = @convention(c) (
        OpaquePointer?, UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<Int>?, UnsafePointer<UInt8>?, Int
    ) -> Int32

    /// Contexts initialised once with `initialise` and no padding. Why pooled: initialising a
    /// context costs a provider lookup, about a tenth of an RSA-2048 verification.
    static func contexts(for pkey: OpaquePointer, initialise: Initialise) -> ContextPool {
        ContextPool(
            make: {
                guard let ctx = EVP_PKEY_CTX_new(pkey, nil) else { return nil }
                guard initialise(ctx) == 1, EVP_PKEY_CTX_set_rsa_padding(ctx, COpenSSL_RSA_NO_PADDING()) == 1 else {
                    EVP_PKEY_CTX_free(ctx)
                    return nil
                }
                return ctx
            }, destroy: { EVP_PKEY_CTX_free($0) })
    }

    /// Runs `operation` on a pooled context: `input` and `output` both have the modulus length.
    @inline(__always)
    static func apply(
        _ operation: Apply, _ contexts: ContextPool, _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer,
        _ what: StaticString
    ) throws(WebhookSignatureError) {
        try contexts.withContext { (ctx) throws(WebhookSignatureError) in
            var length = output.count
            guard
                operation(
                    ctx, output.baseAddress?.assumingMemoryBound(to: UInt8.self), &length,
                    input.baseAddress?.assumingMemoryBound(to: UInt8.self), input.count) == 1,
                length == output.count
            else {
                throw OpenSSLEngine.failure("\(what)")
            }
        }
    }
}

/// A streaming hash on an EVP_MD_CTX.
final class OpenSSLHasher {
    private let ctx: OpaquePointer

    init(md: OpaquePointer) throws(WebhookSignatureError) {
        guard let ctx = EVP_MD_CTX_new() else { throw OpenSSLEngine.failure("starting a hash") }
        guard EVP_DigestInit_ex2(ctx, md, nil) == 1 else {
            EVP_MD_CTX_free(ctx)
            throw OpenSSLEngine.failure("starting a hash")
        }
        self.ctx = ctx
    }

    deinit { EVP_MD_CTX_free(ctx) }

    func update(_ data: UnsafeRawBufferPointer) throws(WebhookSignatureError) {
        guard EVP_DigestUpdate(ctx, data.baseAddress, data.count) == 1 else { throw OpenSSLEngine.failure("hashing") }
    }

    func finalize(into output: UnsafeMutableRawBufferPointer) throws(WebhookSignatureError) {
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(ctx, output.baseAddress?.assumingMemoryBound(to: UInt8.self), &length) == 1 else {
            throw OpenSSLEngine.failure("hashing")
        }
    }
}
