import Foundation
import RawCrypto
import WebhookSignature

/// Paths next to this package: the key fixtures, and a work folder under the (git-ignored) `.build`.
enum Paths {
    /// `…/Benchmarks` (the benchmark package's root), found from this source file.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = packageRoot.appendingPathComponent("Fixtures")
    static let work = packageRoot.appendingPathComponent(".build/whsig-bench")
}

/// Everything one key size needs, built once per benchmark process (keys from fixtures, so every
/// run uses the same keys and no 4096-bit key is generated per process).
final class KeyMaterial: @unchecked Sendable {
    let bits: Int
    let privateKey: RSAPrivateKey
    let gcryptPrivateKey: RSAPrivateKey
    let publicKey: RSAPublicKey
    let gcryptPublicKey: RSAPublicKey
    /// base64 and raw signatures over `SampleEvent.body`, per algorithm.
    let base64: [SignatureAlgorithm: String]
    let raw: [SignatureAlgorithm: [UInt8]]
    /// OpenSSL EVP_PKEYs parsed from the same key, for the raw references.
    let osslPublic: UnsafeMutableRawPointer
    let osslPrivate: UnsafeMutableRawPointer

    private init(bits: Int) {
        self.bits = bits
        let url = Paths.fixtures.appendingPathComponent("rsa\(bits)-pkcs8.pem")
        let pem = try! String(contentsOf: url, encoding: .utf8)
        privateKey = try! RSAPrivateKey(parsing: pem, backend: .openssl)
        gcryptPrivateKey = try! privateKey.using(.gcrypt)
        publicKey = privateKey.publicKey
        gcryptPublicKey = try! publicKey.using(.gcrypt)
        var base64: [SignatureAlgorithm: String] = [:]
        var raw: [SignatureAlgorithm: [UInt8]] = [:]
        for algorithm in SignatureAlgorithm.allCases {
            raw[algorithm] = try! privateKey.signature(for: SampleEvent.body, algorithm: algorithm)
            base64[algorithm] = try! privateKey.base64Signature(for: SampleEvent.body, algorithm: algorithm)
        }
        self.base64 = base64
        self.raw = raw
        let spki = publicKey.derRepresentation
        osslPublic = spki.withUnsafeBufferPointer { rc_ossl_public_key($0.baseAddress, $0.count) }!
        let pkcs8 = privateKey.pkcs8DERRepresentation
        osslPrivate = pkcs8.withUnsafeBufferPointer { rc_ossl_private_key($0.baseAddress, $0.count) }!
        precondition(rc_gcry_init() == 0, "libgcrypt did not initialise")
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var cache: [Int: KeyMaterial] = [:]

    /// The material for a key size, loaded on first use.
    static func bits(_ bits: Int) -> KeyMaterial {
        lock.lock()
        defer { lock.unlock() }
        if let material = cache[bits] { return material }
        let material = KeyMaterial(bits: bits)
        cache[bits] = material
        return material
    }
}

extension SignatureAlgorithm {
    /// The RawCrypto / whsig.h number.
    var rawValueC: Int32 { self == .md5WithRSA ? RC_MD5 : RC_SHA512 }
}

/// The C library (libwhsig), if it was built: `WHSIG_C_LIBRARY`, else the file
/// `scripts/install-c-library` builds in the parent's `.build-clib`.
enum CLibrary {
    static let candidates: [String] = {
        var paths: [String] = []
        if let path = ProcessInfo.processInfo.environment["WHSIG_C_LIBRARY"] { paths.append(path) }
        let parent = Paths.packageRoot.deletingLastPathComponent()
        paths.append(parent.appendingPathComponent(".build-clib/release/libWebhookSignatureC.so").path)
        return paths
    }()

    /// The path loaded, or nil (with a note on stderr) when no library could be loaded.
    static let loaded: String? = {
        for path in candidates where FileManager.default.fileExists(atPath: path) {
            if rc_whsig_load(path) == 0 { return path }
            FileHandle.standardError.write(Data("C library \(path): \(String(cString: rc_whsig_error()))\n".utf8))
        }
        return nil
    }()
}

/// A JSON event of about 1 MiB for the canonicalisation benchmarks, generated deterministically
/// (the same bytes on every run) and written to `.build/whsig-bench/large-event.json` for
/// `scripts/jcs-reference.py`, with this library's JCS output beside it for a cross-check.
enum LargeEvent {
    static let body: [UInt8] = {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        let words = ["SHIPPED", "Awesome Shipping Co.", "café", "naïve — “quoted”", "emoji 📦🚚", "tab\\there", "line\\nbreak",
                     "quote \\\"x\\\"", "slash \\/ back \\\\", "\\u00e9\\u0000", "日本語テキスト", "Ünïcödé"]
        let numbers = ["0", "-0", "1", "-1", "42", "9007199254740991", "1.5", "0.1", "-2.5e-7", "1e21", "1E+30", "123.456e2",
                       "3.141592653589793", "2.2250738585072014e-308", "1.7976931348623157e308", "5e-324", "100", "0.000001"]
        var out = "{\n  \"name\": \"BulkOrderExport\",\n  \"retailerId\": \"1\",\n  \"items\": [\n"
        var index = 0
        while out.utf8.count < 1_040_000 {
            if index > 0 { out += ",\n" }
            let w1 = words[Int(next() % UInt64(words.count))], w2 = words[Int(next() % UInt64(words.count))]
            let n1 = numbers[Int(next() % UInt64(numbers.count))], n2 = numbers[Int(next() % UInt64(numbers.count))]
            // Keys out of order on purpose, so that JCS has sorting to do.
            out += """
                    {"ref": "0_\(index)", "entityStatus": "\(w1)", "id": \(index), "amount": \(n1), "attributes": {"zeta": \(n2), \
                "Alpha": "\(w2)", "flags": [true, false, null], "b": {"nested": [\(next() % 1000), \(n1), "x\(next())"]}}, \
                "active": \(next() % 2 == 0)}
                """
            index += 1
        }
        out += "\n  ]\n}\n"
        return Array(out.utf8)
    }()

    /// Writes the event (and its JCS form) for the Python reference; returns the event's path.
    @discardableResult
    static func writeFiles() -> String {
        let folder = Paths.work
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("large-event.json")
        try? Data(body).write(to: path)
        if let jcs = try? Canonicalizer.canonicalize(body, mode: .jcs) {
            try? Data(jcs).write(to: folder.appendingPathComponent("large-event.jcs.json"))
        }
        return path.path
    }
}

/// A keyring of `count` 2048-bit keys whose last one (in file order) signed the sample event, and
/// the two headers the platform sends for it.
func webhookFixture(_ count: Int) -> (Keyring, [(String, String)]) {
    let m = KeyMaterial.bits(2048)
    let others = try! String(contentsOf: Paths.fixtures.appendingPathComponent("other-public-keys-2048.txt"), encoding: .utf8)
        .split(separator: "\n").prefix(count - 1)
    var keys = others.enumerated().map { TrustedKey(key: try! RSAPublicKey(parsing: String($1)), label: "other-\($0)") }
    keys.append(TrustedKey(key: m.publicKey, label: "current"))
    let headers = [("fluent-signature", m.base64[.sha512WithRSA]!), ("flex.signature", m.base64[.md5WithRSA]!)]
    return (try! Keyring(keys), headers)
}

/// 50 trusted 2048-bit keys, none of which made the (well-formed, right-length) signature in the
/// `fluent-signature` header: the cost of a forged or misdirected delivery.
func forgedFixture() -> (Keyring, [(String, String)]) {
    let others = try! String(contentsOf: Paths.fixtures.appendingPathComponent("other-public-keys-2048.txt"), encoding: .utf8)
        .split(separator: "\n").prefix(50)
    precondition(others.count == 50, "other-public-keys-2048.txt needs 50 keys")
    let keys = others.enumerated().map { TrustedKey(key: try! RSAPublicKey(parsing: String($1)), label: "other-\($0)") }
    return (try! Keyring(keys), [("fluent-signature", KeyMaterial.bits(2048).base64[.sha512WithRSA]!)])
}
