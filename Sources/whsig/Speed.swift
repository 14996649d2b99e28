import ArgumentParser
import Foundation
import RawCrypto
import Synchronization
import WebhookSignature

/// `whsig speed`: this product's `openssl speed`. Measures verify/s and sign/s through the Swift
/// API next to the crypto library doing only the unavoidable work, in the same run.
struct Speed: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure verify/s and sign/s against the raw OpenSSL and libgcrypt rates (like openssl speed).",
        discussion: """
            For each algorithm (sha512, md5), key size and backend, prints how many signatures of the 430-byte sample event this library verifies and makes per second, the rate of the raw crypto library doing only the unavoidable work in the same run, and the ratio (ours / raw: 1.00 means no overhead at all). Then thread scaling: N threads verifying with ONE shared key, against one thread.

            The raw references, with all setup done once:
              openssl verify: EVP_Digest (EVP_MD fetched once) + EVP_PKEY_verify on a context initialised once (PKCS#1 padding, signature digest)
              openssl sign:   EVP_Digest + EVP_PKEY_sign on a context initialised once
              gcrypt verify:  gcry_md_hash_buffer + gcry_pk_verify on (data (flags pkcs1)(hash ...)), key S-expression built once
              gcrypt sign:    gcry_md_hash_buffer + gcry_pk_sign, likewise
            Ours does more: it also decodes the base64 header value and checks the padding in Swift.

            How it measures: keys are generated at start. Ours and raw run in alternating slices of about 50 ms, the order swapped each round, so that noise from other programs hits both alike. Single-thread rates are per CPU-second of the measuring thread, as openssl speed counts. Thread scaling is in wall-clock time, one thread and N threads alternating in slices of about half a second (each thread counted from when it starts running); beside it, the ratio of operations per CPU-second (1.00: threads cost each other nothing, so a speed-up below N means the CPUs were busy with other work). On a busy machine expect a few percent of noise: repeat, or raise --seconds.

            Example:
              $ whsig speed --bits 2048 --backend openssl --seconds 2
              backend alg    bits  verify/s      raw ratio   sign/s     raw ratio
              openssl sha512 2048    76,480   77,010  0.99    4,790   4,801  1.00
              openssl md5    2048    77,950   78,330  1.00    4,795   4,797  1.00

              thread scaling: SHA512withRSA verification, 2048-bit, one shared key
              backend   1 thread/s  2 threads/s  speed-up  ops/CPU-s ratio
              openssl       76,900      152,100     1.98x             0.99

              $ whsig speed --json > speed.json
              $ python3 scripts/speed-chart.py speed.json docs/speed.svg
            """
    )

    enum BackendChoice: String, ExpressibleByArgument, CaseIterable {
        case openssl, gcrypt, all

        var backends: [CryptoBackend] {
            switch self {
            case .openssl: return [.openssl]
            case .gcrypt: return [.gcrypt]
            case .all: return [.openssl, .gcrypt]
            }
        }
    }

    @Option(help: "Seconds per comparison (ours and raw share it, in alternating slices).")
    var seconds: Double = 1

    @Option(help: ArgumentHelp("Key sizes in bits, comma-separated.", valueName: "BITS,..."))
    var bits: String = "1024,2048,4096"

    @Option(help: "openssl, gcrypt or all.")
    var backend: BackendChoice = .all

    @Option(help: "Threads for the scaling test (one shared key); 0 skips it. Default: the number of CPUs, at least 2.")
    var threads: Int = max(2, ProcessInfo.processInfo.activeProcessorCount)

    @Flag(help: "Print one JSON object (for scripts/speed-chart.py) instead of tables.")
    var json = false

    var keySizes: [Int] { bits.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    func validate() throws {
        guard seconds > 0, seconds <= 600 else { throw ValidationError("--seconds must be above 0 and at most 600") }
        let sizes = bits.split(separator: ",")
        guard !sizes.isEmpty, sizes.count == keySizes.count, keySizes.allSatisfy({ (1024...16384).contains($0) }) else {
            throw ValidationError("--bits takes sizes from 1024 to 16384, comma-separated, such as 1024,2048,4096")
        }
        guard (0...256).contains(threads) else { throw ValidationError("--threads must be from 0 to 256") }
    }

    func run() throws {
        let body = SampleEvent.body
        let progress = Progress(enabled: true)
        var rows: [[String: Any]] = []
        var scaling: [[String: Any]] = []
        if !json {
            print("whsig speed: swift-webhook-signature \(WebhookSignatureVersion.string); "
                + "\(CryptoBackend.openssl.libraryVersion); \(CryptoBackend.gcrypt.libraryVersion)")
            print("\(body.count)-byte body (SampleEvent); ~\(format(seconds)) s per comparison; "
                + "single-thread rates per CPU-second; ratio = ours / raw")
        }

        // Keys first (a 4096-bit key takes a few seconds), so that measuring is not interrupted.
        var keys: [Int: RSAPrivateKey] = [:]
        for size in keySizes where keys[size] == nil {
            keys[size] = try progress.generating(bits: size) { () throws(WebhookSignatureError) in
                try RSAPrivateKey(generatingBits: size, backend: .openssl)
            }
        }

        if !json {
            print("")
            print(Table.header)
        }
        for backend in backend.backends {
            for size in keySizes {
                let opensslKey = keys[size]!
                let privateKey = try opensslKey.using(backend)
                let publicKey = privateKey.publicKey
                for algorithm in [SignatureAlgorithm.sha512WithRSA, .md5WithRSA] {
                    let raw = try RawReferences.make(backend, privateKey: privateKey, algorithm: algorithm)
                    let signature = try privateKey.base64Signature(for: body, algorithm: algorithm)
                    let rawSignature = try privateKey.signature(for: body, algorithm: algorithm)
                    // Both sides must agree before they are timed.
                    guard try publicKey.isValidSignature(signature, for: body, algorithm: algorithm),
                        raw.verify(body, rawSignature), raw.sign(body) == rawSignature
                    else {
                        throw UsageFailure("the \(backend) reference disagrees with the library for \(algorithm) at \(size) bits")
                    }
                    progress.note("\(backend) \(algorithm.shortName) \(size): verify")
                    let verify = Interleaved.compare(seconds: seconds) {
                        (try? publicKey.isValidSignature(signature, for: body, algorithm: algorithm)) ?? false
                    } raw: {
                        raw.verify(body, rawSignature)
                    }
                    progress.note("\(backend) \(algorithm.shortName) \(size): sign")
                    let sign = Interleaved.compare(seconds: seconds) {
                        ((try? privateKey.signature(for: body, algorithm: algorithm))?.count ?? 0) == rawSignature.count
                    } raw: {
                        raw.sign(body)?.count == rawSignature.count
                    }
                    progress.clear()
                    let row = Table.Row(
                        backend: backend, algorithm: algorithm, bits: size, verify: verify, sign: sign)
                    if !json { print(row.text) }
                    rows.append(row.json(verifyReference: raw.verifyDescription, signReference: raw.signDescription))
                }
            }
        }

        if threads > 0 {
            let size = keySizes.contains(2048) ? 2048 : keySizes[0]
            if !json {
                print("")
                print("thread scaling: SHA512withRSA verification, \(size)-bit, one shared key")
                print("backend   1 thread/s  \(lpad("\(threads) threads/s", 11))  speed-up  ops/CPU-s ratio")
            }
            for backend in backend.backends {
                let privateKey = try keys[size]!.using(backend)
                let publicKey = privateKey.publicKey
                let signature = try privateKey.base64Signature(for: body, algorithm: .sha512WithRSA)
                progress.note("\(backend): \(threads) threads")
                let result = Scaling.measure(threads: threads, seconds: seconds) {
                    (try? publicKey.isValidSignature(signature, for: body, algorithm: .sha512WithRSA)) ?? false
                }
                progress.clear()
                if !json {
                    print(
                        "\(pad(backend.name, 7))  \(lpad(grouped(result.one.wallRate), 11))  \(lpad(grouped(result.many.wallRate), 11))"
                            + "  \(lpad(String(format: "%.2fx", result.speedup), 8))  \(lpad(String(format: "%.2f", result.cpuRatio), 15))")
                }
                scaling.append([
                    "backend": backend.name, "algorithm": "sha512", "bits": size, "threads": threads,
                    "oneThreadPerSecond": result.one.wallRate.rounded(), "threadsPerSecond": result.many.wallRate.rounded(),
                    "speedup": (result.speedup * 1000).rounded() / 1000,
                    "opsPerCPUSecondRatio": (result.cpuRatio * 1000).rounded() / 1000,
                ])
            }
        }

        if json {
            printJSON([
                "tool": "whsig speed",
                "version": WebhookSignatureVersion.string,
                "date": ISO8601DateFormatter().string(from: Date()),
                "command": (["whsig"] + CommandLine.arguments.dropFirst()).joined(separator: " "),
                "machine": Machine.describe(),
                "secondsPerComparison": seconds,
                "bodyBytes": body.count,
                "singleThreadClock": "CPU time of the measuring thread",
                "results": rows,
                "threadScaling": scaling,
            ])
        } else {
            print("")
            print("raw references: \(RawReferences.summary)")
        }
    }
}

// MARK: Measuring

/// Operations counted over a time, with the wall-clock and thread CPU seconds they took.
struct Tally {
    var operations = 0
    var wall: Double = 0
    var cpu: Double = 0

    var cpuRate: Double { cpu > 0 ? Double(operations) / cpu : 0 }
    var wallRate: Double { wall > 0 ? Double(operations) / wall : 0 }

    static func += (lhs: inout Tally, rhs: Tally) {
        lhs.operations += rhs.operations
        lhs.wall += rhs.wall
        lhs.cpu += rhs.cpu
    }
}

enum Clock {
    /// Monotonic seconds (vDSO, cheap enough to read after every operation).
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// This thread's CPU seconds (a system call: read only at the ends of a slice).
    static func threadCPU() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

enum Interleaved {
    /// Runs `operation` for `seconds` of wall-clock time (at least once); counts the successes.
    static func slice(_ seconds: Double, _ operation: () -> Bool) -> Tally {
        let cpu0 = Clock.threadCPU()
        let start = Clock.now()
        let deadline = start + seconds
        var count = 0
        var now = start
        repeat {
            if operation() { count += 1 }
            now = Clock.now()
        } while now < deadline
        return Tally(operations: count, wall: now - start, cpu: Clock.threadCPU() - cpu0)
    }

    /// Ours and raw in alternating slices of about 50 ms, the order swapped each round, after a
    /// short warm-up of each; `seconds` in all.
    static func compare(seconds: Double, ours: () -> Bool, raw: () -> Bool) -> (ours: Tally, raw: Tally) {
        let rounds = max(2, Int((seconds / 0.1).rounded()))
        let sliceSeconds = seconds / Double(2 * rounds)
        _ = slice(min(0.02, sliceSeconds), ours)
        _ = slice(min(0.02, sliceSeconds), raw)
        var oursTally = Tally(), rawTally = Tally()
        for round in 0..<rounds {
            if round % 2 == 0 {
                oursTally += slice(sliceSeconds, ours)
                rawTally += slice(sliceSeconds, raw)
            } else {
                rawTally += slice(sliceSeconds, raw)
                oursTally += slice(sliceSeconds, ours)
            }
        }
        return (oursTally, rawTally)
    }
}

final class SharedFlag: Sendable {
    let value = Atomic<Bool>(false)
}

/// What worker threads report: operations, their summed rates, and CPU time.
final class SharedTally: Sendable {
    private let state = Mutex<(operations: Int, rate: Double, cpu: Double)>((0, 0, 0))

    func add(operations: Int, rate: Double, cpu: Double) {
        state.withLock { $0 = ($0.operations + operations, $0.rate + rate, $0.cpu + cpu) }
    }

    var value: (operations: Int, rate: Double, cpu: Double) { state.withLock { $0 } }
}

enum Scaling {
    struct Result {
        var one = Tally()
        var many = Tally()
        var speedup: Double { one.wallRate > 0 ? many.wallRate / one.wallRate : 0 }
        var cpuRatio: Double { one.cpuRate > 0 ? many.cpuRate / one.cpuRate : 0 }
    }

    /// `threads` threads run `operation` until a common deadline. Each thread's rate counts from
    /// the moment it starts running, so that the time a busy machine takes to schedule a new
    /// thread is not charged to the operation; the tally's rate is the sum of the threads' rates.
    static func run(threads: Int, seconds: Double, _ operation: @escaping @Sendable () -> Bool) -> Tally {
        let shared = SharedTally()
        let done = DispatchSemaphore(value: 0)
        let deadline = Clock.now() + seconds
        for _ in 0..<threads {
            let thread = Thread {
                let cpu0 = Clock.threadCPU()
                let start = Clock.now()
                var count = 0
                var now = start
                repeat {
                    if operation() { count += 1 }
                    now = Clock.now()
                } while now < deadline
                shared.add(operations: count, rate: Double(count) / (now - start), cpu: Clock.threadCPU() - cpu0)
                done.signal()
            }
            thread.start()
        }
        for _ in 0..<threads { done.wait() }
        let (operations, rate, cpu) = shared.value
        // A tally whose wall-clock rate is the summed rate.
        return Tally(operations: operations, wall: rate > 0 ? Double(operations) / rate : 0, cpu: cpu)
    }

    /// One thread and `threads` threads in alternating slices of about half a second, both on
    /// spawned threads.
    static func measure(threads: Int, seconds: Double, _ operation: @escaping @Sendable () -> Bool) -> Result {
        let rounds = max(2, Int((seconds / 0.5).rounded()))
        let sliceSeconds = seconds / Double(2 * rounds)
        _ = run(threads: threads, seconds: min(0.02, sliceSeconds), operation)
        var result = Result()
        for round in 0..<rounds {
            if round % 2 == 0 {
                result.one += run(threads: 1, seconds: sliceSeconds, operation)
                result.many += run(threads: threads, seconds: sliceSeconds, operation)
            } else {
                result.many += run(threads: threads, seconds: sliceSeconds, operation)
                result.one += run(threads: 1, seconds: sliceSeconds, operation)
            }
        }
        return result
    }
}

// MARK: The raw references

/// The crypto library doing only what it must per message, with all setup done once.
protocol RawReference: AnyObject {
    func verify(_ body: [UInt8], _ signature: [UInt8]) -> Bool
    func sign(_ body: [UInt8]) -> [UInt8]?
    var verifyDescription: String { get }
    var signDescription: String { get }
}

enum RawReferences {
    static func make(_ backend: CryptoBackend, privateKey: RSAPrivateKey, algorithm: SignatureAlgorithm) throws -> any RawReference {
        if backend == .gcrypt { return try RawGcrypt(privateKey: privateKey, algorithm: algorithm) }
        return try RawOpenSSL(privateKey: privateKey, algorithm: algorithm)
    }

    static var summary: String {
        """
        openssl verify = EVP_Digest + EVP_PKEY_verify, sign = EVP_Digest + EVP_PKEY_sign, each on an
        EVP_PKEY_CTX initialised once (PKCS#1, signature digest set; EVP_MD fetched once); gcrypt verify =
        gcry_md_hash_buffer + gcry_pk_verify, sign = gcry_md_hash_buffer + gcry_pk_sign, key S-expression built once.
        Ours also decodes base64 and checks the PKCS#1 padding in Swift (the same code for both backends).
        The references are the C target RawCrypto, the same code the Benchmarks package measures.
        """
    }

    /// The RawCrypto number of an algorithm (RC_MD5, RC_SHA512).
    static func number(_ algorithm: SignatureAlgorithm) -> Int32 { algorithm == .md5WithRSA ? RC_MD5 : RC_SHA512 }
}

/// OpenSSL keys (EVP_PKEY) for a key pair, made by RawCrypto from the library's DER.
final class RawOpenSSLKeys {
    let publicKey: UnsafeMutableRawPointer
    let privateKey: UnsafeMutableRawPointer

    init(_ key: RSAPrivateKey) throws {
        let spki = key.publicKey.derRepresentation
        let pkcs8 = key.pkcs8DERRepresentation
        guard let publicKey = spki.withUnsafeBufferPointer({ rc_ossl_public_key($0.baseAddress, $0.count) }) else {
            throw UsageFailure("OpenSSL could not read the generated public key")
        }
        guard let privateKey = pkcs8.withUnsafeBufferPointer({ rc_ossl_private_key($0.baseAddress, $0.count) }) else {
            rc_ossl_key_free(publicKey)
            throw UsageFailure("OpenSSL could not read the generated private key")
        }
        self.publicKey = publicKey
        self.privateKey = privateKey
    }

    deinit {
        rc_ossl_key_free(publicKey)
        rc_ossl_key_free(privateKey)
    }
}

/// OpenSSL's unavoidable work for one key and algorithm (RawCrypto's rc_ossl_verifier and rc_ossl_signer).
final class RawOpenSSL: RawReference {
    private let keys: RawOpenSSLKeys
    private let verifier: OpaquePointer
    private let signer: OpaquePointer
    private let byteCount: Int
    let verifyDescription = "EVP_Digest + EVP_PKEY_verify (context initialised once)"
    let signDescription = "EVP_Digest + EVP_PKEY_sign (context initialised once)"

    init(privateKey key: RSAPrivateKey, algorithm: SignatureAlgorithm) throws {
        keys = try RawOpenSSLKeys(key)
        byteCount = key.publicKey.signatureByteCount
        let alg = RawReferences.number(algorithm)
        guard let verifier = rc_ossl_verifier_new(keys.publicKey, alg) else {
            throw UsageFailure("could not set up the raw OpenSSL reference")
        }
        guard let signer = rc_ossl_signer_new(keys.privateKey, alg) else {
            rc_ossl_verifier_free(verifier)
            throw UsageFailure("could not set up the raw OpenSSL reference")
        }
        self.verifier = verifier
        self.signer = signer
    }

    deinit {
        rc_ossl_verifier_free(verifier)
        rc_ossl_signer_free(signer)
    }

    func verify(_ body: [UInt8], _ signature: [UInt8]) -> Bool {
        rc_ossl_verifier_verify(verifier, body, body.count, signature, signature.count) == 1
    }

    func sign(_ body: [UInt8]) -> [UInt8]? {
        var output = [UInt8](repeating: 0, count: byteCount)
        let length = rc_ossl_signer_sign(signer, body, body.count, &output, output.count)
        return length == byteCount ? output : nil
    }
}

/// libgcrypt's unavoidable work for one key and algorithm (RawCrypto's rc_gcry_verifier and
/// rc_gcry_signer): the key S-expressions are built once, the data and signature S-expressions per call.
final class RawGcrypt: RawReference {
    private let keys: RawOpenSSLKeys
    private let verifier: OpaquePointer
    private let signer: OpaquePointer
    private let byteCount: Int
    let verifyDescription = "gcry_md_hash_buffer + gcry_pk_verify (key S-expression built once)"
    let signDescription = "gcry_md_hash_buffer + gcry_pk_sign (key S-expression built once)"

    init(privateKey key: RSAPrivateKey, algorithm: SignatureAlgorithm) throws {
        // The library's key (libgcrypt already initialised the library's way); its numbers via OpenSSL.
        keys = try RawOpenSSLKeys(key)
        byteCount = key.publicKey.signatureByteCount
        let alg = RawReferences.number(algorithm)
        guard rc_gcry_init() == 0, let verifier = rc_gcry_verifier_new(keys.publicKey, alg) else {
            throw UsageFailure("could not set up the raw libgcrypt reference")
        }
        guard let signer = rc_gcry_signer_new(keys.privateKey, alg) else {
            rc_gcry_verifier_free(verifier)
            throw UsageFailure("could not set up the raw libgcrypt reference")
        }
        self.verifier = verifier
        self.signer = signer
    }

    deinit {
        rc_gcry_verifier_free(verifier)
        rc_gcry_signer_free(signer)
    }

    func verify(_ body: [UInt8], _ signature: [UInt8]) -> Bool {
        rc_gcry_verifier_verify(verifier, body, body.count, signature, signature.count) == 1
    }

    func sign(_ body: [UInt8]) -> [UInt8]? {
        var output = [UInt8](repeating: 0, count: byteCount)
        let length = rc_gcry_signer_sign(signer, body, body.count, &output, output.count)
        return length == byteCount ? output : nil
    }
}

// MARK: Output

enum Table {
    static let header = "backend alg    bits  verify/s      raw ratio   sign/s     raw ratio"

    struct Row {
        let backend: CryptoBackend
        let algorithm: SignatureAlgorithm
        let bits: Int
        let verify: (ours: Tally, raw: Tally)
        let sign: (ours: Tally, raw: Tally)

        static func ratio(_ pair: (ours: Tally, raw: Tally)) -> Double {
            pair.raw.cpuRate > 0 ? pair.ours.cpuRate / pair.raw.cpuRate : 0
        }

        var text: String {
            "\(pad(backend.name, 7)) \(pad(algorithm.shortName, 6)) \(lpad(String(bits), 4))"
                + "  \(lpad(grouped(verify.ours.cpuRate), 8))  \(lpad(grouped(verify.raw.cpuRate), 7)) \(String(format: "%5.2f", Row.ratio(verify)))"
                + "  \(lpad(grouped(sign.ours.cpuRate), 7))  \(lpad(grouped(sign.raw.cpuRate), 6)) \(String(format: "%5.2f", Row.ratio(sign)))"
        }

        func json(verifyReference: String, signReference: String) -> [String: Any] {
            func side(_ pair: (ours: Tally, raw: Tally), _ reference: String) -> [String: Any] {
                [
                    "ours": pair.ours.cpuRate.rounded(), "raw": pair.raw.cpuRate.rounded(),
                    "ratio": (Row.ratio(pair) * 1000).rounded() / 1000,
                    "oursWallClock": pair.ours.wallRate.rounded(), "rawWallClock": pair.raw.wallRate.rounded(),
                    "oursOperations": pair.ours.operations, "rawOperations": pair.raw.operations,
                    "reference": reference,
                ]
            }
            return [
                "backend": backend.name, "algorithm": algorithm.shortName, "bits": bits,
                "verify": side(verify, verifyReference), "sign": side(sign, signReference),
            ]
        }
    }
}

enum Machine {
    static func describe() -> [String: Any] {
        var result: [String: Any] = [
            "cpus": ProcessInfo.processInfo.activeProcessorCount,
            "openssl": CryptoBackend.openssl.libraryVersion,
            "libgcrypt": CryptoBackend.gcrypt.libraryVersion,
        ]
        if let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
            let line = info.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
            let colon = line.firstIndex(of: ":")
        {
            result["cpuModel"] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        if let release = try? String(contentsOfFile: "/etc/os-release", encoding: .utf8),
            let line = release.split(separator: "\n").first(where: { $0.hasPrefix("PRETTY_NAME=") })
        {
            result["os"] = line.dropFirst("PRETTY_NAME=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return result
    }
}

/// Progress on standard error (so that --json output stays clean).
struct Progress {
    let enabled: Bool

    func note(_ text: String) {
        guard enabled, isatty(2) != 0 else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K  measuring \(text)...".utf8))
    }

    func clear() {
        guard enabled, isatty(2) != 0 else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    /// Runs a key generation, printing a dot every half second meanwhile and the time taken.
    func generating<T>(bits: Int, _ body: () throws(WebhookSignatureError) -> T) throws(WebhookSignatureError) -> T {
        let start = Clock.now()
        FileHandle.standardError.write(Data("generating an RSA-\(bits) key".utf8))
        let finished = SharedFlag()
        let ticker = Thread {
            while !finished.value.load(ordering: .acquiring) {
                usleep(500_000)
                if !finished.value.load(ordering: .acquiring) { FileHandle.standardError.write(Data(".".utf8)) }
            }
        }
        ticker.start()
        defer {
            finished.value.store(true, ordering: .releasing)
            FileHandle.standardError.write(Data(" \(String(format: "%.1f", Clock.now() - start)) s\n".utf8))
        }
        return try body()
    }
}

func grouped(_ value: Double) -> String {
    let formatter = NumberFormatter()
    formatter.numberStyle = .decimal
    formatter.groupingSeparator = ","
    formatter.maximumFractionDigits = 0
    return formatter.string(from: NSNumber(value: value.rounded())) ?? String(Int(value))
}

func format(_ value: Double) -> String { String(format: value == value.rounded() ? "%.0f" : "%.2g", value) }

func pad(_ text: String, _ width: Int) -> String { text.count >= width ? text : text + String(repeating: " ", count: width - text.count) }
func lpad(_ text: String, _ width: Int) -> String { text.count >= width ? text : String(repeating: " ", count: width - text.count) + text }
