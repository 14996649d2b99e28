import Foundation
import Testing

@testable import WebhookSignature
@testable import WebhookSignatureTestSupport

@Suite("Concurrency and streaming")
struct ConcurrencyAndStreamingTests {
    /// A deterministic mix of valid and invalid deliveries.
    static func workload(_ key: RSAPrivateKey, count: Int) throws -> [([(String, String)], [UInt8])] {
        var cases: [([(String, String)], [UInt8])] = []
        let signer = WebhookSigner(key: key)
        for i in 0..<count {
            var body = Array("{\"id\":\"\(i)\",\"name\":\"OrderStatus\"}".utf8)
            let headers = try signer.headers(for: body).map { ($0.name, $0.value) }
            switch i % 4 {
            case 1: body[5] ^= 1  // tampered
            case 2: cases.append(([("fluent-signature", "AAAA")], body)); continue
            default: break
            }
            cases.append((headers, body))
        }
        return cases
    }

    @Test("8 threads sharing keys and a keyring give exactly the serial verdicts", arguments: CryptoBackend.allCases)
    func sharedVerifier(backend: CryptoBackend) async throws {
        let ring = try Keyring([
            TrustedKey(key: try TestKeys.a.publicKey.using(backend), label: "a"),
            TrustedKey(key: try TestKeys.b.publicKey.using(backend), label: "b"),
        ])
        let verifier = WebhookVerifier(keyring: ring, policy: WebhookPolicy(allowsLegacyMD5: true))
        let work = try Self.workload(TestKeys.a, count: 24) + Self.workload(TestKeys.b, count: 24)
        let serial = try work.map { try verifier.verify(headers: $0.0, body: $0.1) }
        #expect(serial.contains { $0.isValid })
        #expect(serial.contains { !$0.isValid })
        let rounds = 8
        let results = try await withThrowingTaskGroup(of: [WebhookVerdict].self) { group in
            for t in 0..<rounds {
                group.addTask {
                    // Each thread walks the work in a different order.
                    let order = work.indices.map { ($0 + t * 7) % work.count }
                    var out = [WebhookVerdict?](repeating: nil, count: work.count)
                    for i in order { out[i] = try verifier.verify(headers: work[i].0, body: work[i].1) }
                    return out.compactMap { $0 }
                }
            }
            var all: [[WebhookVerdict]] = []
            for try await r in group { all.append(r) }
            return all
        }
        #expect(results.count == rounds)
        for r in results { #expect(r == serial) }
    }

    @Test("one key signs and verifies from many threads at once", arguments: CryptoBackend.allCases)
    func sharedKeys(backend: CryptoBackend) async throws {
        let privateKey = try TestKeys.c.using(backend)
        let publicKey = privateKey.publicKey
        let failures = await withTaskGroup(of: Int.self) { group in
            for t in 0..<8 {
                group.addTask {
                    var bad = 0
                    for i in 0..<40 {
                        let body = Array("thread \(t) message \(i)".utf8)
                        guard let sig = try? privateKey.base64Signature(for: body, algorithm: .sha512WithRSA),
                            (try? publicKey.isValidSignature(sig, for: body, algorithm: .sha512WithRSA)) == true,
                            (try? publicKey.isValidSignature(sig, for: body + [0], algorithm: .sha512WithRSA)) == false
                        else {
                            bad += 1
                            continue
                        }
                    }
                    return bad
                }
            }
            return await group.reduce(0, +)
        }
        #expect(failures == 0)
    }

    @Test("streamed signing and verifying equal the one-shot calls", arguments: [0, 1, 3, 4096, 1 << 20])
    func streaming(size: Int) throws {
        var generator = SystemRandomNumberGenerator()
        let body = (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let key = TestKeys.a
        for algorithm in SignatureAlgorithm.allCases {
            let signer = try StreamingSigner(key: key, algorithm: algorithm)
            let verifier = try SignatureVerifier(key: key.publicKey, algorithm: algorithm)
            var index = 0
            var chunk = 1
            while index < body.count {
                let slice = body[index..<min(index + chunk, body.count)]
                try signer.update(slice)
                try verifier.update(slice)
                index += chunk
                chunk = chunk * 3 + 1
            }
            let signature = try signer.finalize()
            #expect(signature == (try key.signature(for: body, algorithm: algorithm)))
            #expect(try verifier.verify(signatureBase64: Data(signature).base64EncodedString()))
            let digest = try BodyDigest(algorithm: algorithm)
            try digest.update(body)
            let value = try digest.finalize()
            #expect(throws: WebhookSignatureError.self) { try digest.finalize() }
            #expect(try key.publicKey.isValidSignature(Data(signature).base64EncodedString(), digest: value, algorithm: algorithm))
        }
    }

    @Test("a 1 MiB body whose last byte changes fails")
    func largeBodyTamper() throws {
        var body = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20)
        let sig = try TestKeys.a.base64Signature(for: body, algorithm: .sha512WithRSA)
        #expect(try TestKeys.a.publicKey.isValidSignature(sig, for: body, algorithm: .sha512WithRSA))
        body[body.count - 1] = UInt8(ascii: "b")
        #expect(try !TestKeys.a.publicKey.isValidSignature(sig, for: body, algorithm: .sha512WithRSA))
    }

    @Test("signatures over non-contiguous collections and substrings")
    func nonContiguousInputs() throws {
        let body = SampleEvent.body
        let sig = try TestKeys.a.base64Signature(for: body, algorithm: .sha512WithRSA)
        let padded = "  \(sig)  "
        let trimmed = padded.dropFirst(2).dropLast(2)
        #expect(try TestKeys.a.publicKey.isValidSignature(trimmed, for: body.lazy.map { $0 }, algorithm: .sha512WithRSA))
        #expect(try TestKeys.a.publicKey.isValidSignature(sig, for: SampleEvent.text.utf8, algorithm: .sha512WithRSA))
    }
}
