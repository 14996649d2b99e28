import Foundation
import Testing

@testable import WebhookSignature
@testable import WebhookSignatureTestSupport

/// The limits of docs/limits.md, each at its boundary: the last accepted value and the first refused one.
@Suite("Limits")
struct LimitsTests {
    /// An odd number of exactly `bits` bits (top bit set), as a modulus.
    static func modulus(bits: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0xA5, count: (bits + 7) / 8)
        let topBits = bits - (bytes.count - 1) * 8
        bytes[0] = UInt8(truncatingIfNeeded: (1 << topBits) - 1) & 0xFF | UInt8(1 << (topBits - 1))
        bytes[bytes.count - 1] |= 1
        return bytes
    }

    @Test("modulus sizes: 1024 and 16384 bits are accepted, 1023 and 16385 refused before any native key is built")
    func modulusBounds() throws {
        #expect(BigEndian.bitCount(Self.modulus(bits: 16384)) == 16384)
        #expect(BigEndian.bitCount(Self.modulus(bits: 1023)) == 1023)
        let e: [UInt8] = [0x01, 0x00, 0x01]
        for backend in CryptoBackend.allCases {
            #expect(try RSAPublicKey(modulus: Self.modulus(bits: 1024), publicExponent: e, backend: backend).bitCount == 1024)
            #expect(try RSAPublicKey(modulus: Self.modulus(bits: 16384), publicExponent: e, backend: backend).bitCount == 16384)
        }
        // The components check runs in Swift, with no crypto library involved: it is what refuses.
        #expect(throws: WebhookSignatureError.self) { try RSAPublicComponents(modulus: Self.modulus(bits: 16385), publicExponent: e) }
        do {
            _ = try RSAPublicComponents(modulus: Self.modulus(bits: 16385), publicExponent: e)
        } catch {
            #expect(error.code == .keyTooLarge)
        }
        do {
            _ = try RSAPublicComponents(modulus: Self.modulus(bits: 1023), publicExponent: e)
        } catch {
            #expect(error.code == .keyTooSmall)
        }
        // A huge modulus (1 MiB of 0xFF, 8 Mbit) is refused by its size alone.
        let huge = [UInt8](repeating: 0xFF, count: 1 << 20)
        do {
            _ = try RSAPublicKey(modulus: huge, publicExponent: e)
            Issue.record("an 8-Mbit modulus was accepted")
        } catch {
            #expect(error.code == .keyTooLarge)
        }
        #expect(RSAPublicComponents.maximumBits == 16384 && RSAPublicComponents.minimumBits == 1024)
    }

    @Test("key input: 1 MiB is read, one byte more is input_too_large before any parsing")
    func keyInputBound() throws {
        #expect(KeyText.maximumInputBytes == 1 << 20)
        // 1 MiB of whitespace-padded base64 is parsed (and fails as not-a-key, not as too large).
        var atLimit = [UInt8](repeating: UInt8(ascii: " "), count: (1 << 20) - 4)
        atLimit += Array("AAAA".utf8)
        do {
            _ = try RSAPublicKey(parsing: atLimit)
            Issue.record("AAAA is no key")
        } catch {
            #expect(error.code != .inputTooLarge)
        }
        do {
            _ = try RSAPublicKey(parsing: atLimit + [0x20])
            Issue.record("an input over 1 MiB was parsed")
        } catch {
            #expect(error.code == .inputTooLarge)
        }
    }

    @Test("signature text: longer than 2732 characters is malformed before decoding; isValidSignature needs the exact length")
    func signatureTextBound() throws {
        #expect(WebhookVerifier.maximumSignatureText == 2732)  // base64 of 2048 bytes (16384 bits)
        let key = TestKeys.a
        let body = SampleEvent.body
        let verifier = WebhookVerifier(key: key.publicKey)
        let over = String(repeating: "A", count: 2733)
        let verdict = try verifier.verify(headers: [("fluent-signature", over)], body: body)
        guard let outcome = verdict.check(for: .sha512WithRSA)?.outcome, outcome.code == .malformed, let why = outcome.detail else {
            Issue.record("expected malformed, got \(verdict)")
            return
        }
        #expect(why.contains("no signature has more than 2732"))
        let atLimit = String(repeating: "A", count: 2732)
        guard let outcome2 = try verifier.verify(headers: [("fluent-signature", atLimit)], body: body).check(for: .sha512WithRSA)?.outcome,
            outcome2.code == .malformed, let why2 = outcome2.detail
        else {
            Issue.record("expected malformed")
            return
        }
        #expect(why2.contains("the trusted keys are 1024-bit"), "\(why2)")

        // The single-signature API compares the length with the key's before decoding anything.
        let real = try key.base64Signature(for: body, algorithm: .sha512WithRSA)
        #expect(try key.publicKey.isValidSignature(real, for: body, algorithm: .sha512WithRSA))
        #expect(try !key.publicKey.isValidSignature(real + "AAAA", for: body, algorithm: .sha512WithRSA))
        #expect(try !key.publicKey.isValidSignature(String(repeating: "A", count: 1 << 20), for: body, algorithm: .sha512WithRSA))
    }

    @Test("JSON nesting: 512 levels are canonicalised, 513 are nesting_too_deep; 100 000 fail fast without recursion")
    func nestingBound() throws {
        #expect(Canonicalizer.defaultMaxDepth == 512)
        func nested(_ depth: Int) -> [UInt8] { Array((String(repeating: "[", count: depth) + String(repeating: "]", count: depth)).utf8) }
        for mode in [CanonicalMode.compact, .jcs] {
            #expect(try Canonicalizer.canonicalize(nested(512), mode: mode) == nested(512))
            for depth in [513, 100_000] {
                do {
                    _ = try Canonicalizer.canonicalize(nested(depth), mode: mode)
                    Issue.record("\(depth) levels were accepted")
                } catch let error as WebhookSignatureError {
                    #expect(error.code == .nestingTooDeep)
                }
            }
        }
        #expect(try JSONValue.parse(nested(512)) != .null)
        #expect(throws: WebhookSignatureError.self) { try JSONValue.parse(nested(513)) }
        #expect(throws: WebhookSignatureError.self) { try JSONValue.parse(nested(3), maxDepth: 10_001) }
    }

    @Test("JWK nesting: 16 levels are read, 17 are invalid_jwk; keyring files: 8 levels, 9 are invalid_keyring")
    func documentNesting() throws {
        func arrays(_ depth: Int) -> String { String(repeating: "[", count: depth) + String(repeating: "]", count: depth) }
        let jwk = TestKeys.a.publicKey.jwkRepresentation.dropLast()  // without its closing brace
        // The object itself is level 1, so an extra member may nest 15 more.
        #expect(try RSAPublicKey(parsing: jwk + #","x":\#(arrays(15))}"#) == TestKeys.a.publicKey)
        do {
            _ = try RSAPublicKey(parsing: jwk + #","x":\#(arrays(16))}"#)
            Issue.record("a JWK nesting 17 levels was read")
        } catch {
            #expect(error.code == .invalidJWK)
            #expect(error.reason.contains("nests deeper"))
        }
        let entry = #"{"publicKey":"\#(TestKeys.a.publicKey.x509Base64)"}"#
        #expect(try Keyring(json: Array(#"{"x":\#(arrays(7)),"keys":[\#(entry)]}"#.utf8)).keys.count == 1)
        do {
            _ = try Keyring(json: Array(#"{"x":\#(arrays(8)),"keys":[\#(entry)]}"#.utf8))
            Issue.record("a keyring nesting 9 levels was read")
        } catch {
            #expect(error.code == .invalidKeyring)
            #expect(error.reason.contains("nests deeper"))
        }
    }

    // MARK: Streaming in bounded memory

    /// Runs whsig under /usr/bin/time (or Python's resource module) and returns its exit status and
    /// peak resident set size in KiB.
    static func peakRSS(_ arguments: [String], in directory: URL) throws -> (status: Int32, kib: Int, stdout: String) {
        let report = directory.appendingPathComponent("rss-\(UUID().uuidString)")
        // An ASan build of whsig (swift test --sanitize=address) would keep freed chunks in its
        // quarantine (256 MiB by default): keep it small so the bound measures the program.
        let environment = ["ASAN_OPTIONS": "quarantine_size_mb=4:detect_leaks=0"]
        let result: Shell.Output
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/time") {
            result = try Shell.run("/usr/bin/time", ["-f", "%M", "-o", report.path, CLI.binary.path] + arguments, in: directory, environment: environment)
        } else {
            let script = """
                import resource, subprocess, sys
                status = subprocess.run(sys.argv[2:]).returncode
                open(sys.argv[1], "w").write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
                sys.exit(status)
                """
            result = try Shell.run("/usr/bin/env", ["python3", "-c", script, report.path, CLI.binary.path] + arguments, in: directory, environment: environment)
        }
        let text = (try? String(contentsOf: report, encoding: .utf8)) ?? ""
        let kib = Int(text.split(whereSeparator: \.isNewline).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "") ?? -1
        return (result.status, kib, result.stdout)
    }

    static let canMeasure = FileManager.default.isExecutableFile(atPath: "/usr/bin/time") || Shell.has("python3")

    @Test("whsig sign and verify stream a 64 MiB body: peak RSS grows by less than 16 MiB over a 1 KiB body",
        .enabled(if: canMeasure, "needs /usr/bin/time (apt install time) or python3"))
    func streamingMemoryBound() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let keyPath = directory.appendingPathComponent("key.pem")
        let pubPath = directory.appendingPathComponent("key.pub")
        try Data(TestKeys.a.pemRepresentation.utf8).write(to: keyPath)
        try Data(TestKeys.a.publicKey.x509Base64.utf8).write(to: pubPath)

        // 64 MiB of JSON-looking lines, written in 1 MiB pieces.
        let big = directory.appendingPathComponent("big.json")
        let small = directory.appendingPathComponent("small.json")
        let line = Array(#"{"id":"9535e841-4d67-fc1d","name":"OrderStatusChange","attributes":{"n":12345}}"#.utf8) + [0x0A]
        var piece: [UInt8] = []
        while piece.count < 1 << 20 { piece += line }
        piece.removeLast(piece.count - (1 << 20))
        FileManager.default.createFile(atPath: big.path, contents: nil)
        let handle = try FileHandle(forWritingTo: big)
        for _ in 0..<64 { handle.write(Data(piece)) }
        try handle.close()
        try Data(piece.prefix(1024)).write(to: small)

        func measure(_ body: URL) throws -> (sign: Int, verify: Int) {
            let signed = try Self.peakRSS(["sign", "--private-key", keyPath.path, "--algorithm", "sha512", body.path], in: directory)
            #expect(signed.status == 0)
            let header = signed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(header.hasPrefix("fluent-signature: "))
            let verified = try Self.peakRSS(["verify", "--key", pubPath.path, "--header", header, body.path], in: directory)
            #expect(verified.status == 0, "\(verified.stdout)")
            #expect(signed.kib > 0 && verified.kib > 0)
            return (signed.kib, verified.kib)
        }
        let baseline = try measure(small)
        let streamed = try measure(big)
        print("peak RSS (KiB): sign \(baseline.sign) -> \(streamed.sign), verify \(baseline.verify) -> \(streamed.verify) for 1 KiB -> 64 MiB")
        #expect(streamed.sign - baseline.sign < 16 * 1024, "sign: \(baseline.sign) KiB for 1 KiB, \(streamed.sign) KiB for 64 MiB")
        #expect(streamed.verify - baseline.verify < 16 * 1024, "verify: \(baseline.verify) KiB for 1 KiB, \(streamed.verify) KiB for 64 MiB")
    }
}
