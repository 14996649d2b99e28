// Runs one operation N times, for profilers: `perf record`, or `valgrind --tool=callgrind`, whose
// instruction counts are exact and so immune to a noisy machine. Per-operation cost = the
// difference between two runs with different N, divided by the difference in N.
//
//   .build/release/ProfileLoop OPERATION [BITS] [md5|sha512] [N]
//
// OPERATION: swift-openssl, swift-gcrypt, swift-raw-signature, c-library, engine-calls,
// raw-openssl, raw-gcrypt, sign-openssl, raw-sign-openssl, webhook
import Foundation
import RawCrypto
import WebhookSignature

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    print("usage: ProfileLoop OPERATION [BITS] [md5|sha512] [N]")
    exit(2)
}
let operation = arguments[1]
let bits = arguments.count > 2 ? Int(arguments[2])! : 2048
let algorithm: SignatureAlgorithm = arguments.count > 3 && arguments[3] == "md5" ? .md5WithRSA : .sha512WithRSA
let count = arguments.count > 4 ? Int(arguments[4])! : 10_000
let alg: Int32 = algorithm == .md5WithRSA ? RC_MD5 : RC_SHA512

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let pem = try! String(contentsOf: root.appendingPathComponent("Fixtures/rsa\(bits)-pkcs8.pem"), encoding: .utf8)
let privateKey = try! RSAPrivateKey(parsing: pem)
let publicKey = privateKey.publicKey
let body = SampleEvent.body
let signature = try! privateKey.base64Signature(for: body, algorithm: algorithm)
let raw = try! privateKey.signature(for: body, algorithm: algorithm)
let spki = publicKey.derRepresentation
let osslPublic = spki.withUnsafeBufferPointer { rc_ossl_public_key($0.baseAddress, $0.count) }!
let pkcs8 = privateKey.pkcs8DERRepresentation
let osslPrivate = pkcs8.withUnsafeBufferPointer { rc_ossl_private_key($0.baseAddress, $0.count) }!

var valid = 0
switch operation {
case "swift-openssl":
    let publicKey = publicKey  // a local, as a careful caller holds it (a global is copied per call)
    for _ in 0..<count where try! publicKey.isValidSignature(signature, for: body, algorithm: algorithm) { valid += 1 }
case "swift-gcrypt":
    let key = try! publicKey.using(.gcrypt)
    for _ in 0..<count where try! key.isValidSignature(signature, for: body, algorithm: algorithm) { valid += 1 }
case "swift-raw-signature":
    for _ in 0..<count where try! publicKey.isValidSignature(rawSignature: raw, for: body, algorithm: algorithm) { valid += 1 }
case "c-library":
    let path = ProcessInfo.processInfo.environment["WHSIG_C_LIBRARY"]
        ?? root.deletingLastPathComponent().appendingPathComponent(".build-clib/release/libWebhookSignatureC.so").path
    guard rc_whsig_load(path) == 0 else { fatalError(String(cString: rc_whsig_error())) }
    let text = Array(publicKey.x509Base64.utf8).map { CChar(bitPattern: $0) }
    let key = rc_whsig_public_key_parse(text, text.count, 1)!
    let sig = Array(signature.utf8).map { CChar(bitPattern: $0) }
    for _ in 0..<count where rc_whsig_verify(key, alg, body, body.count, sig, sig.count) == 0 { valid += 1 }
case "engine-calls":
    let calls = rc_ossl_engine_calls_new(osslPublic, alg)!
    var em = [UInt8](repeating: 0, count: bits / 8)
    for _ in 0..<count where rc_ossl_engine_calls_run(calls, body, body.count, raw, raw.count, &em) == 1 { valid += 1 }
case "raw-openssl":
    let verifier = rc_ossl_verifier_new(osslPublic, alg)!
    for _ in 0..<count where rc_ossl_verifier_verify(verifier, body, body.count, raw, raw.count) == 1 { valid += 1 }
case "raw-gcrypt":
    _ = try! publicKey.using(.gcrypt)  // initialises libgcrypt the library's way
    let verifier = rc_gcry_verifier_new(osslPublic, alg)!
    for _ in 0..<count where rc_gcry_verifier_verify(verifier, body, body.count, raw, raw.count) == 1 { valid += 1 }
case "sign-openssl":
    for _ in 0..<count where try! privateKey.signature(for: body, algorithm: algorithm).count == bits / 8 { valid += 1 }
case "raw-sign-openssl":
    let signer = rc_ossl_signer_new(osslPrivate, alg)!
    var out = [UInt8](repeating: 0, count: bits / 8)
    for _ in 0..<count where rc_ossl_signer_sign(signer, body, body.count, &out, out.count) == bits / 8 { valid += 1 }
case "webhook":
    let verifier = WebhookVerifier(key: publicKey)
    let md5 = try! privateKey.base64Signature(for: body, algorithm: .md5WithRSA)
    let headers = [("flex.signature", md5), ("fluent-signature", signature)]
    for _ in 0..<count where try! verifier.verify(headers: headers, body: body).isValid { valid += 1 }
case "compare":
    // Interleaved timing (thread CPU time) of several paths, for a quick, noise-resistant look.
    let calls = rc_ossl_engine_calls_new(osslPublic, alg)!
    var em = [UInt8](repeating: 0, count: bits / 8)
    let verifier = rc_ossl_verifier_new(osslPublic, alg)!
    var paths: [(String, () -> Bool)] = [
        ("swift-openssl", { [publicKey] in try! publicKey.isValidSignature(signature, for: body, algorithm: algorithm) }),
        ("swift-raw-signature", { [publicKey] in try! publicKey.isValidSignature(rawSignature: raw, for: body, algorithm: algorithm) }),
        ("engine-calls", { rc_ossl_engine_calls_run(calls, body, body.count, raw, raw.count, &em) == 1 }),
        ("raw-openssl", { rc_ossl_verifier_verify(verifier, body, body.count, raw, raw.count) == 1 }),
    ]
    // The webhook verifier on a delivery as the platform sends it (both headers, default policy).
    let webhookVerifier = WebhookVerifier(key: publicKey)
    let otherAlgorithm: SignatureAlgorithm = algorithm == .md5WithRSA ? .sha512WithRSA : .md5WithRSA
    let delivery = [
        (otherAlgorithm.headerName, try! privateKey.base64Signature(for: body, algorithm: otherAlgorithm)),
        (algorithm.headerName, signature),
    ]
    if algorithm == .sha512WithRSA {
        paths.append(("webhook-verifier", { try! webhookVerifier.verify(headers: delivery, body: body).isValid }))
        let fluentOnly = [delivery[1]]
        paths.append(("webhook-verifier-fluent-only", { try! webhookVerifier.verify(headers: fluentOnly, body: body).isValid }))
    }
    let path = ProcessInfo.processInfo.environment["WHSIG_C_LIBRARY"]
        ?? root.deletingLastPathComponent().appendingPathComponent(".build-clib/release/libWebhookSignatureC.so").path
    if rc_whsig_load(path) == 0 {
        let text = Array(publicKey.x509Base64.utf8).map { CChar(bitPattern: $0) }
        let key = rc_whsig_public_key_parse(text, text.count, 1)!
        let sig = Array(signature.utf8).map { CChar(bitPattern: $0) }
        paths.append(("c-library", { rc_whsig_verify(key, alg, body, body.count, sig, sig.count) == 0 }))
    }
    func cpu() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
    var totals = [(ops: Int, cpu: Double)](repeating: (0, 0), count: paths.count)
    for round in 0..<count {
        for j in 0..<paths.count {
            let i = (j + round) % paths.count
            let start = cpu()
            var n = 0
            while n < 2000 || cpu() - start < 0.03 {
                for _ in 0..<50 { _ = paths[i].1() }
                n += 50
            }
            totals[i].ops += n
            totals[i].cpu += cpu() - start
        }
    }
    for (i, path) in paths.enumerated() {
        print("\(path.0): \(String(format: "%.1f", totals[i].cpu / Double(totals[i].ops) * 1e9)) ns/op")
    }
    exit(0)
case "threads":
    // Thread scaling with one shared key: N pthreads verifying until a deadline, against one
    // thread, for this library and for raw OpenSSL (each thread its own EVP_PKEY_CTX on the
    // shared EVP_PKEY), interleaved. `make` runs on each thread and returns its operation.
    final class Shared: @unchecked Sendable {
        var rates = [Double](repeating: 0, count: 64 * 8)
    }
    final class Box: @unchecked Sendable {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }
    func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
    func run(_ threads: Int, _ seconds: Double, _ make: @escaping @Sendable () -> () -> Bool) -> Double {
        let shared = Shared()
        let deadline = now() + seconds
        var ids: [pthread_t] = []
        for i in 0..<threads {
            let box = Unmanaged.passRetained(Box {
                let op = make()
                let start = now()
                var n = 0
                var t = start
                while t < deadline {
                    if op() { n += 1 }
                    t = now()
                }
                shared.rates[i * 8] = Double(n) / (t - start)  // one cache line per thread
            })
            var id = pthread_t()
            pthread_create(&id, nil, { raw in
                (Unmanaged<AnyObject>.fromOpaque(raw!).takeRetainedValue() as! Box).body()
                return nil
            }, box.toOpaque())
            ids.append(id)
        }
        for id in ids { pthread_join(id, nil) }
        return shared.rates.reduce(0, +)
    }
    let key = publicKey
    nonisolated(unsafe) let pkey = osslPublic
    let paths: [(String, @Sendable () -> () -> Bool)] = [
        ("swift-openssl", { { (try? key.isValidSignature(signature, for: body, algorithm: algorithm)) ?? false } }),
        ("raw-openssl", {
            let verifier = rc_ossl_verifier_new(pkey, alg)!
            return { rc_ossl_verifier_verify(verifier, body, body.count, raw, raw.count) == 1 }
        }),
    ]
    for round in 0..<count {
        for (name, make) in paths {
            let one = run(1, 0.5, make), two = run(2, 0.5, make)
            print("round \(round): \(name): 1 thread \(Int(one))/s, 2 threads \(Int(two))/s, \(String(format: "%.2f", two / one))x")
        }
    }
    exit(0)
default:
    print("unknown operation \(operation)")
    exit(2)
}
precondition(valid == count, "only \(valid) of \(count) verified")
