#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import WebhookSignature

// The machinery behind the exported functions in Exports.swift: statuses, the per-thread error
// detail, argument checks and handles. Nothing here may trap on any input a C caller can give,
// and no Swift error may leave through the C ABI.

// MARK: Statuses

/// The statuses of the C interface. Errors from the Swift library are `-code.number`.
enum Status {
    static let ok: Int32 = 0
    static let invalidSignature: Int32 = 1
    static let nullArgument: Int32 = -100
    static let unknownAlgorithm: Int32 = -101
    static let bufferTooSmall: Int32 = -102
    static let internalError: Int32 = -103
    static let unknownBackend: Int32 = -104
    static let unknownCanonicalMode: Int32 = -105
    static let unknownPolicyFlag: Int32 = -106

    /// Every status with its stable name, built once (names of library codes come from the library).
    /// (The pointers are written once, here, and only read afterwards.)
    nonisolated(unsafe) static let names: [(Int32, UnsafePointer<CChar>)] = {
        var table: [(Int32, UnsafePointer<CChar>)] = [
            (ok, makeCString("ok")),
            (invalidSignature, makeCString("invalid_signature")),
        ]
        for code in WebhookSignatureError.Code.all {
            table.append((-code.number, makeCString(code.name)))
        }
        table += [
            (nullArgument, makeCString("null_argument")),
            (unknownAlgorithm, makeCString("unknown_algorithm")),
            (bufferTooSmall, makeCString("buffer_too_small")),
            (internalError, makeCString("internal_error")),
            (unknownBackend, makeCString("unknown_backend")),
            (unknownCanonicalMode, makeCString("unknown_canonical_mode")),
            (unknownPolicyFlag, makeCString("unknown_policy_flag")),
        ]
        return table
    }()

    nonisolated(unsafe) static let unknownName = makeCString("unknown_status")

    static func name(_ status: Int32) -> UnsafePointer<CChar> {
        for (value, name) in names where value == status { return name }
        return unknownName
    }
}

/// A NUL-terminated copy of `text` that lives for the rest of the process.
func makeCString(_ text: String) -> UnsafePointer<CChar> {
    let utf8 = Array(text.utf8)
    let memory = UnsafeMutablePointer<CChar>.allocate(capacity: utf8.count + 1)
    for (i, byte) in utf8.enumerated() { memory[i] = CChar(bitPattern: byte) }
    memory[utf8.count] = 0
    return UnsafePointer(memory)
}

nonisolated(unsafe) let emptyCString = makeCString("")
nonisolated(unsafe) let versionCString = makeCString(WebhookSignatureVersion.string)

/// A failed call: the status to return and the detail for `whsig_last_error()`.
struct CError: Error {
    let status: Int32
    let detail: String

    init(_ status: Int32, _ detail: String) {
        self.status = status
        self.detail = detail
    }

    init(_ error: WebhookSignatureError) {
        self.init(-error.code.number, error.reason)
    }

    /// Any error a library function may throw untyped.
    init(any error: any Error) {
        if let error = error as? WebhookSignatureError {
            self.init(error)
        } else {
            self.init(Status.internalError, "unexpected error: \(error)")
        }
    }
}

/// Runs an export's body: its status is returned; a thrown `CError` sets the thread's detail.
/// Bodies that succeed clear the detail themselves (see `succeed()`).
@inline(__always)
func run(_ body: () throws(CError) -> Int32) -> Int32 {
    do {
        return try body()
    } catch {
        LastError.set(error.detail)
        return error.status
    }
}

/// `WHSIG_OK`, with the detail cleared.
@inline(__always)
func succeed() -> Int32 {
    LastError.clear()
    return Status.ok
}

/// Calls into the library, turning its typed error into a `CError`.
@inline(__always)
func library<R>(_ body: () throws(WebhookSignatureError) -> R) throws(CError) -> R {
    do {
        return try body()
    } catch {
        throw CError(error)
    }
}

// MARK: The per-thread error detail

/// A 1024-byte buffer per thread, made on the thread's first failure and freed when it exits.
enum LastError {
    static let capacity = 1024

    private static let key: pthread_key_t? = {
        var key = pthread_key_t()
        guard pthread_key_create(&key, { free($0) }) == 0 else { return nil }
        return key
    }()

    /// The thread's buffer, if it has one (or one could be made).
    static func buffer(create: Bool) -> UnsafeMutablePointer<CChar>? {
        guard let key else { return nil }
        if let existing = pthread_getspecific(key) { return existing.assumingMemoryBound(to: CChar.self) }
        guard create, let memory = calloc(capacity, 1) else { return nil }
        guard pthread_setspecific(key, memory) == 0 else {
            free(memory)
            return nil
        }
        return memory.assumingMemoryBound(to: CChar.self)
    }

    /// Empties the detail; allocates nothing.
    @inline(__always)
    static func clear() {
        buffer(create: false)?.pointee = 0
    }

    /// Stores `text`, cut at a UTF-8 boundary to fit.
    static func set(_ text: String) {
        guard let out = buffer(create: true) else { return }
        var text = text
        text.withUTF8 { bytes in
            var n = min(bytes.count, capacity - 1)
            if n < bytes.count {
                while n > 0, bytes[n] & 0xC0 == 0x80 { n -= 1 }
            }
            for i in 0..<n { out[i] = CChar(bitPattern: bytes[i]) }
            out[n] = 0
        }
    }

    static var text: UnsafePointer<CChar> {
        guard let buffer = buffer(create: false) else { return emptyCString }
        return UnsafePointer(buffer)
    }
}

// MARK: Arguments

/// A size_t above `Int.max` arrives as a negative `Int`.
@inline(__always)
func length(_ n: Int, _ name: @autoclosure () -> String) throws(CError) -> Int {
    guard n >= 0 else { throw CError(-WebhookSignatureError.Code.inputTooLarge.number, "\(name()) exceeds the address space") }
    return n
}

/// A C input buffer as a view (no copy); NULL is allowed only with length 0.
@inline(__always)
func input(
    _ pointer: UnsafePointer<UInt8>?, _ count: Int, _ name: @autoclosure () -> String
) throws(CError) -> UnsafeBufferPointer<UInt8> {
    let n = try length(count, "\(name())'s length")
    if n == 0 { return UnsafeBufferPointer(start: pointer, count: 0) }
    guard let pointer else { throw CError(Status.nullArgument, "\(name()) is NULL but its length is \(n)") }
    return UnsafeBufferPointer(start: pointer, count: n)
}

/// A text argument that may be NUL-terminated (no length given) or counted.
func text(_ pointer: UnsafePointer<UInt8>?, _ count: Int?, _ name: @autoclosure () -> String) throws(CError) -> String {
    if let count {
        return String(decoding: try input(pointer, count, name()), as: UTF8.self)
    }
    guard let pointer else { throw CError(Status.nullArgument, "\(name()) is NULL") }
    let n = strlen(UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self))
    return String(decoding: UnsafeBufferPointer(start: pointer, count: n), as: UTF8.self)
}

/// An output capacity; a size_t above `Int.max` is as good as unlimited.
@inline(__always)
func capacity(_ n: Int) -> Int { n < 0 ? Int.max : n }

@inline(__always)
func required<T>(_ pointer: T?, _ name: String) throws(CError) -> T {
    guard let pointer else { throw CError(Status.nullArgument, "\(name) is NULL") }
    return pointer
}

@inline(__always)
func algorithm(_ raw: Int32) throws(CError) -> SignatureAlgorithm {
    switch raw {
    case 1: return .md5WithRSA
    case 2: return .sha512WithRSA
    default:
        throw CError(
            Status.unknownAlgorithm,
            "algorithm \(raw) is not WHSIG_MD5_WITH_RSA (1) or WHSIG_SHA512_WITH_RSA (2)")
    }
}

func backend(_ raw: Int32) throws(CError) -> CryptoBackend {
    switch raw {
    case 1: return .openssl
    case 2: return .gcrypt
    default:
        throw CError(
            Status.unknownBackend, "backend \(raw) is not WHSIG_BACKEND_OPENSSL (1) or WHSIG_BACKEND_GCRYPT (2)")
    }
}

func canonicalMode(_ raw: Int32) throws(CError) -> CanonicalMode {
    switch raw {
    case 0: return .raw
    case 1: return .compact
    case 2: return .jcs
    default:
        throw CError(
            Status.unknownCanonicalMode,
            "canonical mode \(raw) is not WHSIG_CANONICAL_RAW (0), WHSIG_CANONICAL_COMPACT (1) or WHSIG_CANONICAL_JCS (2)")
    }
}

/// Writes `bytes` and a NUL to `out`, which the caller checked has room.
func writeText(_ text: String, to out: UnsafeMutablePointer<UInt8>) -> Int {
    var text = text
    return text.withUTF8 { bytes in
        for i in 0..<bytes.count { out[i] = bytes[i] }
        out[bytes.count] = 0
        return bytes.count
    }
}

// MARK: Handles

/// What a `whsig_public_key *` points at (retained by the handle until `whsig_public_key_free`).
final class PublicKeyHandle: Sendable {
    let key: RSAPublicKey
    init(_ key: RSAPublicKey) { self.key = key }
}

/// What a `whsig_private_key *` points at.
final class PrivateKeyHandle: Sendable {
    let key: RSAPrivateKey
    init(_ key: RSAPrivateKey) { self.key = key }
}

/// What a `whsig_keyring *` points at: the keyring, and one verifier per policy and mode so that
/// each keeps its hint of the key that matched last across calls.
final class KeyringHandle: Sendable {
    let keyring: Keyring
    let verifiers: [WebhookVerifier]

    static let policyFlagCount: UInt32 = 8  // ALLOW_MD5 = 1, REQUIRE_BOTH = 2, CHECK_UNCOUNTED = 4
    static let modes: [CanonicalMode] = [.raw, .compact, .jcs]

    init(_ keyring: Keyring) {
        self.keyring = keyring
        var verifiers: [WebhookVerifier] = []
        for flags in 0..<Self.policyFlagCount {
            for mode in Self.modes {
                let policy = WebhookPolicy(
                    allowsLegacyMD5: flags & 1 != 0, requiresBothSignatures: flags & 2 != 0, canonicalization: mode,
                    checksUncountedHeaders: flags & 4 != 0)
                verifiers.append(WebhookVerifier(keyring: keyring, policy: policy))
            }
        }
        self.verifiers = verifiers
    }

    func verifier(flags: UInt32, mode: Int32) throws(CError) -> WebhookVerifier {
        guard flags < Self.policyFlagCount else {
            throw CError(
                Status.unknownPolicyFlag,
                "policy flags 0x\(String(flags, radix: 16)) include bits other than WHSIG_POLICY_ALLOW_MD5 (1), WHSIG_POLICY_REQUIRE_BOTH (2) and WHSIG_POLICY_CHECK_UNCOUNTED (4)")
        }
        let mode = try canonicalMode(mode)
        let modeIndex = Self.modes.firstIndex(of: mode) ?? 0
        return verifiers[Int(flags) * Self.modes.count + modeIndex]
    }
}

@inline(__always)
func retain(_ object: AnyObject) -> OpaquePointer {
    OpaquePointer(Unmanaged.passRetained(object).toOpaque())
}

@inline(__always)
func borrow<T: AnyObject>(_ handle: OpaquePointer?, _ type: T.Type, _ name: String) throws(CError) -> T {
    guard let handle else { throw CError(Status.nullArgument, "\(name) is NULL") }
    return Unmanaged<T>.fromOpaque(UnsafeRawPointer(handle)).takeUnretainedValue()
}

@inline(__always)
func release<T: AnyObject>(_ handle: OpaquePointer?, _ type: T.Type) {
    guard let handle else { return }
    Unmanaged<T>.fromOpaque(UnsafeRawPointer(handle)).release()
}
