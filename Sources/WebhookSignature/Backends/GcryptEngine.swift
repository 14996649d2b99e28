import CGcrypt

/// The libgcrypt backend.
///
/// Keys are handed to libgcrypt as S-expressions built once per key from canonical S-expression
/// bytes assembled in Swift (no variadic `gcry_sexp_build`). Each operation then builds only the
/// small data S-expression. The engine computes raw RSA; PKCS#1 v1.5 padding is shared Swift code.
final class GcryptEngine: @unchecked Sendable {
    // Safety: every stored property is set once in init and only read afterwards.
    static let shared = GcryptEngine()

    /// The run-time version, or nil when initialisation failed.
    private let version: String?
    /// Why libgcrypt cannot be used, if it cannot; every operation throws it.
    private let initializationError: WebhookSignatureError?
    /// Whether each digest is allowed by libgcrypt's policy (FIPS mode refuses MD5), checked once.
    private let md5Available: Bool
    private let sha256Available: Bool
    private let sha512Available: Bool

    /// Initialises libgcrypt once per process (a `static let` is initialised exactly once, thread-safely).
    ///
    /// If the host program (or another library) already began initialising libgcrypt, its settings
    /// are left alone, secure memory included, and only the version is read: nothing process-wide
    /// that the host relies on is changed. Otherwise the run-time library must be at least the version the
    /// headers describe; secure memory is then disabled, because this package keeps no secrets in
    /// it (private keys live in ordinary memory in Swift anyway, and libgcrypt's secure allocations
    /// fall back to ordinary memory), which also avoids the "using insecure memory" warning and the
    /// locked-page limit; and initialisation is declared finished.
    private init() {
        var version: String? = nil
        var failure: WebhookSignatureError? = nil
        // ANY_INITIALIZATION_P first: it is the one query that does not itself initialise libgcrypt.
        if CGcrypt_control_any_initialization_p() != 0 || CGcrypt_control_initialization_finished_p() != 0 {
            version = gcry_check_version(nil).map { String(cString: $0) }
        } else {
            let headers = String(cString: CGcrypt_GCRYPT_VERSION())
            if let runtime = gcry_check_version(CGcrypt_GCRYPT_VERSION()) {
                version = String(cString: runtime)
                let secmem = CGcrypt_control_disable_secmem()
                let finished = CGcrypt_control_initialization_finished()
                if secmem != 0 {
                    failure = GcryptEngine.failure("disabling secure memory", secmem)
                } else if finished != 0 {
                    failure = GcryptEngine.failure("finishing initialisation", finished)
                }
            } else {
                let runtime = gcry_check_version(nil).map { String(cString: $0) } ?? "unknown"
                failure = WebhookSignatureError(
                    .cryptoLibraryFailure,
                    "libgcrypt \(runtime) is older than the \(headers) this package was built against")
            }
        }
        self.version = version
        self.initializationError = failure
        // gcry_md_hash_buffer aborts on an unavailable digest in some versions, so availability is checked first.
        md5Available = failure == nil && CGcrypt_md_test_algo(GcryptEngine.algo(.md5)) == 0
        sha256Available = failure == nil && CGcrypt_md_test_algo(GcryptEngine.algo(.sha256)) == 0
        sha512Available = failure == nil && CGcrypt_md_test_algo(GcryptEngine.algo(.sha512)) == 0
    }

    /// Whether libgcrypt runs in FIPS mode (it then refuses MD5).
    var fipsMode: Bool { initializationError == nil && CGcrypt_control_fips_mode_p() != 0 }

    var libraryVersion: String {
        if let version { return "libgcrypt \(version)" }
        return "libgcrypt (unusable: \(initializationError?.reason ?? "not initialised"))"
    }

    @inline(__always)
    private func ready() throws(WebhookSignatureError) {
        if let initializationError { throw initializationError }
    }

    // MARK: Hashing

    static func algo(_ algorithm: DigestAlgorithm) -> Int32 {
        switch algorithm {
        case .md5: return Int32(GCRY_MD_MD5.rawValue)
        case .sha256: return Int32(GCRY_MD_SHA256.rawValue)
        case .sha512: return Int32(GCRY_MD_SHA512.rawValue)
        }
    }

    /// The libgcrypt algorithm number, once libgcrypt is known to allow the digest.
    private func allowedAlgo(_ algorithm: DigestAlgorithm) throws(WebhookSignatureError) -> Int32 {
        try ready()
        let available: Bool
        switch algorithm {
        case .md5: available = md5Available
        case .sha256: available = sha256Available
        case .sha512: available = sha512Available
        }
        guard available else {
            if algorithm == .md5 {
                throw WebhookSignatureError(
                    .algorithmNotAllowed,
                    "libgcrypt refuses MD5 under its FIPS policy (it runs in FIPS mode); use SHA512withRSA or the OpenSSL backend")
            }
            throw WebhookSignatureError(.algorithmNotAllowed, "libgcrypt does not offer \(algorithm) under its current configuration")
        }
        return GcryptEngine.algo(algorithm)
    }

    func digest(_ algorithm: DigestAlgorithm, _ data: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)
        throws(WebhookSignatureError)
    {
        let algo = try allowedAlgo(algorithm)
        guard output.count >= algorithm.byteCount, let out = output.baseAddress else {
            throw WebhookSignatureError(.invalidArgument, "a \(algorithm) digest needs \(algorithm.byteCount) bytes of room")
        }
        if let input = data.baseAddress {
            gcry_md_hash_buffer(algo, out, input, data.count)
        } else {
            // An empty buffer may have no address; give libgcrypt a valid one.
            var empty: UInt8 = 0
            gcry_md_hash_buffer(algo, out, &empty, 0)
        }
    }

    func makeHasher(_ algorithm: DigestAlgorithm) throws(WebhookSignatureError) -> GcryptHasher {
        try GcryptHasher(algo: allowedAlgo(algorithm), byteCount: algorithm.byteCount)
    }

    // MARK: Keys

    /// The key as two MPIs, n and e, built once. The public operation is done with the MPI API
    /// (`gcry_mpi_powm`), not `gcry_pk_encrypt` or `gcry_pk_verify`: in FIPS mode libgcrypt's pk
    /// functions refuse every RSA key under 2048 bits ("Invalid value"), verification included,
    /// while FIPS 140 (SP 800-131A) still allows 1024-bit signatures to be verified for legacy use,
    /// and the platform's keys are 1024-bit. The padding is checked in shared Swift either way.
    func makePublicKey(_ components: RSAPublicComponents) throws(WebhookSignatureError) -> GcryptPublicKey {
        try ready()
        let what = "building a public key"
        let n = try GcryptMPI(components.modulus, what), e = try GcryptMPI(components.publicExponent, what)
        return GcryptPublicKey(n: n, e: e, modulus: components.modulus)
    }

    /// Builds libgcrypt's private key. The parts were checked to fit together in shared code
    /// (`RSAPrivateComponents.checkConsistency`), so only the prime order needs care here.
    func makePrivateKey(_ c: RSAPrivateComponents) throws(WebhookSignatureError) -> GcryptPrivateKey {
        try ready()
        let what = "building a private key"
        let p = try GcryptMPI(c.prime1, what), q = try GcryptMPI(c.prime2, what)
        // libgcrypt wants p < q and u = p⁻¹ mod q. PKCS#1 usually has p > q: swapped, its qinv is that u.
        let swap = gcry_mpi_cmp(p.raw, q.raw) > 0
        let (gp, gq) = swap ? (q, p) : (p, q)
        let u: GcryptMPI
        if swap {
            u = try GcryptMPI(c.coefficient, what)
        } else {
            u = try GcryptMPI(what)
            guard GcryptMPI.invert(u, gp, modulo: gq) else {
                throw WebhookSignatureError(.invalidKey, "the private key's primes have no inverse of each other")
            }
        }
        let exponent = try GcryptMPI(c.privateExponent, what)

        var expression = GcryptSExpression()
        defer { expression.wipe() }
        expression.open("private-key")
        expression.open("rsa")
        expression.number("n", c.publicComponents.modulus)
        expression.number("e", c.publicComponents.publicExponent)
        try expression.number("d", exponent.bytes(what))
        try expression.number("p", gp.bytes(what))
        try expression.number("q", gq.bytes(what))
        try expression.number("u", u.bytes(what))
        expression.close()
        expression.close()
        let key = try expression.parse("building a private key")
        return GcryptPrivateKey(key: key, byteCount: c.publicComponents.byteCount)
    }

    func generatePrivateKey(bits: Int) throws(WebhookSignatureError) -> RSAPrivateComponents {
        try ready()
        var request = GcryptSExpression()
        request.open("genkey")
        request.open("rsa")
        request.atom("nbits", Array(String(bits).utf8))
        request.atom("rsa-use-e", Array("65537".utf8))
        request.close()
        request.close()
        let parameters = try request.parse("preparing key generation")
        defer { gcry_sexp_release(parameters) }
        var generated: gcry_sexp_t? = nil
        let err = gcry_pk_genkey(&generated, parameters)
        guard err == 0, let keyData = generated else {
            gcry_sexp_release(generated)
            throw WebhookSignatureError(
                .keyGenerationFailed, "libgcrypt could not generate a \(bits)-bit RSA key: \(GcryptEngine.describe(err))")
        }
        defer { gcry_sexp_release(keyData) }
        let what = "reading a generated key"
        guard let privateKey = gcry_sexp_find_token(keyData, "private-key", 0) else {
            throw WebhookSignatureError(.keyGenerationFailed, "libgcrypt returned a generated key without its private part")
        }
        defer { gcry_sexp_release(privateKey) }
        func parameter(_ name: String) throws(WebhookSignatureError) -> GcryptMPI {
            guard let list = gcry_sexp_find_token(privateKey, name, 0) else {
                throw WebhookSignatureError(.keyGenerationFailed, "libgcrypt did not return the key's \(name)")
            }
            defer { gcry_sexp_release(list) }
            guard let value = gcry_sexp_nth_mpi(list, 1, Int32(GCRYMPI_FMT_USG.rawValue)) else {
                throw WebhookSignatureError(.keyGenerationFailed, "libgcrypt did not return the key's \(name)")
            }
            return GcryptMPI(owning: value)
        }
        let n = try parameter("n"), e = try parameter("e"), d = try parameter("d")
        let gp = try parameter("p"), gq = try parameter("q"), gu = try parameter("u")
        // PKCS#1 wants prime1 > prime2 and coefficient = prime2⁻¹ mod prime1. libgcrypt generates
        // p < q with u = p⁻¹ mod q, so prime1 = q, prime2 = p, coefficient = u; otherwise compute it.
        let prime1: GcryptMPI, prime2: GcryptMPI, coefficient: GcryptMPI
        if gcry_mpi_cmp(gp.raw, gq.raw) < 0 {
            (prime1, prime2, coefficient) = (gq, gp, gu)
        } else {
            (prime1, prime2) = (gp, gq)
            coefficient = try GcryptMPI(what)
            guard GcryptMPI.invert(coefficient, prime2, modulo: prime1) else {
                throw WebhookSignatureError(.keyGenerationFailed, "libgcrypt generated primes without a CRT coefficient")
            }
        }
        let exponent1 = try GcryptMPI(what), exponent2 = try GcryptMPI(what), minus1 = try GcryptMPI(what)
        gcry_mpi_sub_ui(minus1.raw, prime1.raw, 1)
        gcry_mpi_mod(exponent1.raw, d.raw, minus1.raw)
        gcry_mpi_sub_ui(minus1.raw, prime2.raw, 1)
        gcry_mpi_mod(exponent2.raw, d.raw, minus1.raw)
        return try RSAPrivateComponents(
            modulus: n.bytes(what), publicExponent: e.bytes(what), privateExponent: d.bytes(what),
            prime1: prime1.bytes(what), prime2: prime2.bytes(what), exponent1: exponent1.bytes(what),
            exponent2: exponent2.bytes(what), coefficient: coefficient.bytes(what))
    }

    // MARK: Helpers

    /// libgcrypt's own text for an error code.
    static func describe(_ err: gcry_error_t) -> String {
        gcry_strerror(err).map { String(cString: $0) } ?? "error \(err)"
    }

    /// An error for a libgcrypt call that failed, with libgcrypt's own message.
    static func failure(_ what: String, _ err: gcry_error_t) -> WebhookSignatureError {
        WebhookSignatureError(.cryptoLibraryFailure, "libgcrypt failed while \(what): \(describe(err))")
    }

    /// Copies the number in element 1 of the list `token` inside `result` into `output`,
    /// left-padded with zeros; the number may be stored with or without a leading zero byte.
    static func extract(_ token: String, from result: gcry_sexp_t, into output: UnsafeMutableRawBufferPointer, _ what: String)
        throws(WebhookSignatureError)
    {
        guard let list = gcry_sexp_find_token(result, token, 0) else {
            throw WebhookSignatureError(.cryptoLibraryFailure, "libgcrypt failed while \(what): its result has no \(token)")
        }
        defer { gcry_sexp_release(list) }
        var length = 0
        guard let data = gcry_sexp_nth_data(list, 1, &length) else {
            throw WebhookSignatureError(.cryptoLibraryFailure, "libgcrypt failed while \(what): its result has no \(token) value")
        }
        let bytes = UnsafeRawBufferPointer(start: data, count: length)
        var significant = 0
        while significant < length, bytes[significant] == 0 { significant += 1 }
        let count = length - significant
        guard count <= output.count else {
            throw WebhookSignatureError(.cryptoLibraryFailure, "libgcrypt failed while \(what): its result is longer than the modulus")
        }
        let padding = output.count - count
        // Bulk copies: the byte loops they replace cost 1,500 instructions per verification.
        UnsafeMutableRawBufferPointer(rebasing: output[0..<padding]).initializeMemory(as: UInt8.self, repeating: 0)
        UnsafeMutableRawBufferPointer(rebasing: output[padding..<output.count])
            .copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[significant..<length]))
    }
}

/// An RSA public key in libgcrypt: its modulus and exponent as MPIs, built once.
final class GcryptPublicKey: @unchecked Sendable {
    // Safety: n and e are never mutated after creation; gcry_mpi_powm only reads its base,
    // exponent and modulus (it copies the modulus to normalise it) and writes only its result.
    private let n: GcryptMPI
    private let e: GcryptMPI
    let modulus: UnsafeRawBufferPointer

    init(n: GcryptMPI, e: GcryptMPI, modulus: [UInt8]) {
        self.n = n
        self.e = e
        self.modulus = UnsafeRawBufferPointer(ownedCopyOf: modulus)
    }

    deinit { modulus.deallocate() }

    /// s^e mod n with `gcry_mpi_powm`, written big-endian and left-padded to the modulus length.
    func publicOperation(_ signature: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)
        throws(WebhookSignatureError)
    {
        let what = "applying the public key"
        var base: gcry_mpi_t? = nil
        let err = gcry_mpi_scan(&base, GCRYMPI_FMT_USG, signature.baseAddress, signature.count, nil)
        guard err == 0, let base else {
            gcry_mpi_release(base)
            throw GcryptEngine.failure(what, err)
        }
        defer { gcry_mpi_release(base) }
        guard let result = gcry_mpi_new(UInt32(output.count * 8)) else {
            throw WebhookSignatureError(.cryptoLibraryFailure, "libgcrypt failed while \(what): out of memory")
        }
        defer { gcry_mpi_release(result) }
        gcry_mpi_powm(result, base, e.raw, n.raw)
        let length = (Int(gcry_mpi_get_nbits(result)) + 7) / 8
        guard length <= output.count else {
            throw WebhookSignatureError(.cryptoLibraryFailure, "libgcrypt failed while \(what): its result is longer than the modulus")
        }
        let padding = output.count - length
        UnsafeMutableRawBufferPointer(rebasing: output[0..<padding]).initializeMemory(as: UInt8.self, repeating: 0)
        guard length > 0 else { return }
        var written = 0
        let printed = gcry_mpi_print(
            GCRYMPI_FMT_USG, output.baseAddress.map { ($0 + padding).assumingMemoryBound(to: UInt8.self) }, length, &written, result)
        guard printed == 0, written == length else { throw GcryptEngine.failure(what, printed) }
    }
}

/// An RSA private key in libgcrypt: the key S-expression, built once.
final class GcryptPrivateKey: @unchecked Sendable {
    // Safety: the S-expression is never mutated after creation, and libgcrypt's pk functions only
    // read it (blinding uses libgcrypt's internally locked nonce generator).
    private let key: gcry_sexp_t
    private let operand: GcryptRawOperand

    init(key: gcry_sexp_t, byteCount: Int) {
        self.key = key
        self.operand = GcryptRawOperand(byteCount: byteCount)
    }

    deinit { gcry_sexp_release(key) }

    /// m^d mod n with `gcry_pk_sign` on `(data (flags raw)(value m))`, read from `(sig-val (rsa (s …)))`.
    func privateOperation(_ message: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)
        throws(WebhookSignatureError)
    {
        try operand.apply(gcry_pk_sign, key, message, result: "s", into: output, "applying the private key") { err in
            // libgcrypt checks each signature with the public key; a failure means the parts do not belong together.
            if gcry_err_code(err) == GPG_ERR_BAD_SIGNATURE {
                return WebhookSignatureError(.invalidKey, "the private key's parts do not belong together: its signatures do not verify")
            }
            return GcryptEngine.failure("applying the private key", err)
        }
    }
}

/// Builds the per-call `(data (flags raw)(value …))` S-expression in canonical form.
///
/// The prefix up to the value's bytes depends only on the modulus length, so it is built once
/// per key. The value gets a leading zero byte so that it reads as non-negative in any MPI format.
final class GcryptRawOperand: @unchecked Sendable {
    // Safety: both properties are set once in init and only read afterwards.
    // The prefix lives in memory this object owns, rather than in an array, so that building an
    // operand writes no reference count: every thread verifying with one key shares this object.
    private let prefix: UnsafeRawBufferPointer
    private let byteCount: Int
    private static let suffix: StaticString = "))"

    init(byteCount: Int) {
        self.byteCount = byteCount
        prefix = UnsafeRawBufferPointer(ownedCopyOf: Array("(4:data(5:flags3:raw)(5:value\(byteCount + 1):".utf8) + [0])
    }

    deinit { prefix.deallocate() }

    /// The raw private operation (`gcry_pk_sign` with flags raw): the operand in, the number in
    /// list `result` out,
    /// left-padded to `output.count`. `failure` names a libgcrypt error.
    func apply(
        _ operation: @convention(c) (UnsafeMutablePointer<gcry_sexp_t?>?, gcry_sexp_t?, gcry_sexp_t?) -> gcry_error_t,
        _ key: gcry_sexp_t, _ value: UnsafeRawBufferPointer, result token: String, into output: UnsafeMutableRawBufferPointer,
        _ what: String, failure: (gcry_error_t) -> WebhookSignatureError
    ) throws(WebhookSignatureError) {
        let data = try make(value, what)
        defer { gcry_sexp_release(data) }
        var result: gcry_sexp_t? = nil
        let err = operation(&result, data, key)
        guard err == 0, let result else {
            gcry_sexp_release(result)
            throw failure(err)
        }
        defer { gcry_sexp_release(result) }
        try GcryptEngine.extract(token, from: result, into: output, what)
    }

    func make(_ value: UnsafeRawBufferPointer, _ what: String) throws(WebhookSignatureError) -> gcry_sexp_t {
        guard value.count == byteCount else {
            throw WebhookSignatureError(.invalidArgument, "an RSA operand has \(byteCount) bytes, not \(value.count)")
        }
        let suffix = UnsafeRawBufferPointer(start: GcryptRawOperand.suffix.utf8Start, count: GcryptRawOperand.suffix.utf8CodeUnitCount)
        let total = prefix.count + byteCount + suffix.count
        let prefix = self.prefix, byteCount = self.byteCount
        return try withUnsafeTemporaryAllocation(byteCount: total, alignment: 1) { (buffer) throws(WebhookSignatureError) in
            // Bulk copies into the stack buffer: the byte loops they replace cost 1,000 instructions per operation.
            let valueStart = prefix.count, suffixStart = prefix.count + byteCount
            UnsafeMutableRawBufferPointer(rebasing: buffer[0..<valueStart]).copyMemory(from: prefix)
            UnsafeMutableRawBufferPointer(rebasing: buffer[valueStart..<suffixStart]).copyMemory(from: value)
            UnsafeMutableRawBufferPointer(rebasing: buffer[suffixStart..<total]).copyMemory(from: suffix)
            var sexp: gcry_sexp_t? = nil
            let err = gcry_sexp_sscan(&sexp, nil, buffer.baseAddress?.assumingMemoryBound(to: CChar.self), total)
            guard err == 0, let sexp else {
                gcry_sexp_release(sexp)
                throw GcryptEngine.failure(what, err)
            }
            return sexp
        }
    }
}

/// Canonical S-expression bytes (`(3:rsa(1:n3:…))`), parsed by libgcrypt without a variadic call.
struct GcryptSExpression {
    private(set) var bytes: [UInt8] = []

    /// Opens a list whose first element is `token`.
    mutating func open(_ token: String) {
        bytes.append(UInt8(ascii: "("))
        string(Array(token.utf8))
    }

    mutating func close() { bytes.append(UInt8(ascii: ")")) }

    /// `(name value)` with value as a raw string.
    mutating func atom(_ name: String, _ value: [UInt8]) {
        open(name)
        string(value)
        close()
    }

    /// `(name value)` with an unsigned big-endian number, given a leading zero byte when its top
    /// bit is set so that it reads the same as a signed or an unsigned MPI.
    mutating func number(_ name: String, _ value: [UInt8]) {
        open(name)
        let needsZero = (value.first ?? 0) & 0x80 != 0
        bytes.append(contentsOf: Array(String(value.count + (needsZero ? 1 : 0)).utf8))
        bytes.append(UInt8(ascii: ":"))
        if needsZero { bytes.append(0) }
        bytes.append(contentsOf: value)
        close()
    }

    private mutating func string(_ value: [UInt8]) {
        bytes.append(contentsOf: Array(String(value.count).utf8))
        bytes.append(UInt8(ascii: ":"))
        bytes.append(contentsOf: value)
    }

    /// Overwrites the bytes (they may hold private key material).
    mutating func wipe() {
        for i in bytes.indices { bytes[i] = 0 }
    }

    func parse(_ what: String) throws(WebhookSignatureError) -> gcry_sexp_t {
        var sexp: gcry_sexp_t? = nil
        let err = bytes.withUnsafeBytes { raw in
            gcry_sexp_sscan(&sexp, nil, raw.baseAddress?.assumingMemoryBound(to: CChar.self), raw.count)
        }
        guard err == 0, let sexp else {
            gcry_sexp_release(sexp)
            throw GcryptEngine.failure(what, err)
        }
        return sexp
    }
}

/// A libgcrypt big number that is released with its owner, so that every error path frees it.
final class GcryptMPI: @unchecked Sendable {
    let raw: gcry_mpi_t

    init(owning raw: gcry_mpi_t) { self.raw = raw }

    /// A new number, zero.
    convenience init(_ what: String) throws(WebhookSignatureError) {
        guard let raw = gcry_mpi_new(0) else {
            throw WebhookSignatureError(.cryptoLibraryFailure, "libgcrypt failed while \(what): out of memory")
        }
        self.init(owning: raw)
    }

    /// The number with these unsigned big-endian bytes.
    convenience init(_ bytes: [UInt8], _ what: String) throws(WebhookSignatureError) {
        var raw: gcry_mpi_t? = nil
        let err = bytes.withUnsafeBytes { buffer in gcry_mpi_scan(&raw, GCRYMPI_FMT_USG, buffer.baseAddress, buffer.count, nil) }
        guard err == 0, let raw else {
            gcry_mpi_release(raw)
            throw GcryptEngine.failure(what, err)
        }
        self.init(owning: raw)
    }

    deinit { gcry_mpi_release(raw) }

    /// Sets `result` to a⁻¹ mod m; false when there is no inverse.
    static func invert(_ result: GcryptMPI, _ a: GcryptMPI, modulo m: GcryptMPI) -> Bool {
        gcry_mpi_invm(result.raw, a.raw, m.raw) != 0
    }

    /// Unsigned big-endian bytes without leading zeros.
    func bytes(_ what: String) throws(WebhookSignatureError) -> [UInt8] {
        var length = 0
        var err = gcry_mpi_print(GCRYMPI_FMT_USG, nil, 0, &length, raw)
        guard err == 0 else { throw GcryptEngine.failure(what, err) }
        var out = [UInt8](repeating: 0, count: length)
        var written = 0
        err = out.withUnsafeMutableBytes { buffer in
            gcry_mpi_print(GCRYMPI_FMT_USG, buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), buffer.count, &written, raw)
        }
        guard err == 0 else { throw GcryptEngine.failure(what, err) }
        return Array(out.prefix(written).drop(while: { $0 == 0 }))
    }
}

/// A streaming hash on a gcry_md handle.
final class GcryptHasher {
    private let handle: gcry_md_hd_t
    private let algo: Int32
    private let byteCount: Int

    init(algo: Int32, byteCount: Int) throws(WebhookSignatureError) {
        var handle: gcry_md_hd_t? = nil
        let err = gcry_md_open(&handle, algo, 0)
        guard err == 0, let handle else {
            gcry_md_close(handle)
            throw GcryptEngine.failure("starting a hash", err)
        }
        self.handle = handle
        self.algo = algo
        self.byteCount = byteCount
    }

    deinit { gcry_md_close(handle) }

    func update(_ data: UnsafeRawBufferPointer) throws(WebhookSignatureError) {
        guard let input = data.baseAddress, data.count > 0 else { return }
        gcry_md_write(handle, input, data.count)
    }

    func finalize(into output: UnsafeMutableRawBufferPointer) throws(WebhookSignatureError) {
        guard output.count >= byteCount, let out = output.baseAddress else {
            throw WebhookSignatureError(.invalidArgument, "a digest needs \(byteCount) bytes of room")
        }
        guard let digest = gcry_md_read(handle, algo) else {
            throw WebhookSignatureError(.cryptoLibraryFailure, "libgcrypt failed while hashing: no digest was returned")
        }
        out.copyMemory(from: digest, byteCount: byteCount)
    }
}
