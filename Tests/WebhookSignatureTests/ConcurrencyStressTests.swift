import Foundation
import Synchronization
import Testing

@testable import WebhookSignature
@testable import WebhookSignatureTestSupport

/// Many real threads at once (not tasks: the cooperative pool has only as many threads as cores),
/// for ThreadSanitizer (`swift test --sanitize=thread --filter Concurrency`) as much as for the
/// verdicts: 72 threads start together, more than a `ContextPool` has slots (64), so pooled and
/// temporary contexts are both in use while keys are shared, created and dropped.
@Suite("Concurrency stress")
struct ConcurrencyStressTests {
    static let threads = 72

    /// Starts `count` threads that wait for one another, runs `body(index)` on each, and returns
    /// the number of failures they report.
    static func together(_ count: Int = threads, _ body: @escaping @Sendable (Int) -> Int) -> Int {
        final class Shared: Sendable {
            let ready = Atomic<Int>(0)
            let failures = Atomic<Int>(0)
            let done = DispatchGroup()
        }
        let shared = Shared()
        for index in 0..<count {
            shared.done.enter()
            let thread = Thread {
                shared.ready.add(1, ordering: .relaxed)
                while shared.ready.load(ordering: .relaxed) < count { sched_yield() }
                shared.failures.add(body(index), ordering: .relaxed)
                shared.done.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        shared.done.wait()
        return shared.failures.load(ordering: .relaxed)
    }

    @Test("72 threads verify with one shared key: pooled and temporary contexts give the serial answers", arguments: CryptoBackend.allCases)
    func sharedKey(backend: CryptoBackend) throws {
        let key = try TestKeys.a.using(backend)
        let body = SampleEvent.body
        let sha512 = try key.base64Signature(for: body, algorithm: .sha512WithRSA)
        let md5 = try key.base64Signature(for: body, algorithm: .md5WithRSA)
        let publicKey = key.publicKey
        let failures = Self.together { index in
            var bad = 0
            for round in 0..<20 {
                let tampered = body + [UInt8(truncatingIfNeeded: index &+ round)]
                if (try? publicKey.isValidSignature(sha512, for: body, algorithm: .sha512WithRSA)) != true { bad += 1 }
                if (try? publicKey.isValidSignature(md5, for: body, algorithm: .md5WithRSA)) != true { bad += 1 }
                if (try? publicKey.isValidSignature(sha512, for: tampered, algorithm: .sha512WithRSA)) != false { bad += 1 }
                if (try? publicKey.isValidSignature(md5, for: body, algorithm: .sha512WithRSA)) != false { bad += 1 }
            }
            return bad
        }
        #expect(failures == 0)
    }

    @Test("72 threads sign, verify and stream with keys they create and drop meanwhile", arguments: CryptoBackend.allCases)
    func keysComeAndGo(backend: CryptoBackend) throws {
        let privateText = TestKeys.b.pemRepresentation
        let publicText = TestKeys.b.publicKey.x509Base64
        let failures = Self.together { index in
            var bad = 0
            for round in 0..<4 {
                // Every few rounds a thread builds its own native keys (and their pools), uses them
                // alongside everyone else's, then drops them.
                guard let publicKey = try? RSAPublicKey(parsing: publicText, backend: backend) else { return 1 }
                let body = Array("thread \(index) round \(round)".utf8)
                if index % 8 == 0 {
                    guard let privateKey = try? RSAPrivateKey(parsing: privateText, backend: backend),
                        let signature = try? privateKey.base64Signature(for: body, algorithm: .sha512WithRSA)
                    else { return 1 }
                    if (try? publicKey.isValidSignature(signature, for: body, algorithm: .sha512WithRSA)) != true { bad += 1 }
                }
                guard let verifier = try? SignatureVerifier(key: publicKey, algorithm: .sha512WithRSA) else { return 1 }
                for chunk in 0..<8 { try? verifier.update(body + [UInt8(chunk)]) }
                if (try? verifier.verify(signatureBase64: String(repeating: "A", count: 172))) != false { bad += 1 }
            }
            return bad
        }
        #expect(failures == 0)
    }

    @Test("72 threads share one verifier over a two-key keyring: the last-match hint never changes a verdict")
    func sharedVerifierHint() throws {
        let ring = try Keyring([TrustedKey(key: TestKeys.a.publicKey, label: "a"), TrustedKey(key: TestKeys.c.publicKey, label: "c")])
        let verifier = WebhookVerifier(keyring: ring, policy: WebhookPolicy(allowsLegacyMD5: true))
        let body = SampleEvent.body
        let deliveries = try [TestKeys.a, TestKeys.c, TestKeys.b].map { key in
            try WebhookSigner(key: key).headers(for: body).map { ($0.name, $0.value) }
        }
        let serial = try deliveries.map { try verifier.verify(headers: $0, body: body) }
        #expect(serial.map(\.isValid) == [true, true, false])
        let failures = Self.together { index in
            var bad = 0
            for round in 0..<12 {
                let which = (index + round) % deliveries.count
                // Streaming sessions alternate with whole-body verification.
                let verdict: WebhookVerdict?
                if round % 2 == 0 {
                    verdict = try? verifier.verify(headers: deliveries[which], body: body)
                } else {
                    let session = try? verifier.makeSession(headers: deliveries[which])
                    try? session?.update(body.prefix(100))
                    try? session?.update(body.dropFirst(100))
                    verdict = try? session?.finish()
                }
                if verdict != serial[which] { bad += 1 }
            }
            return bad
        }
        #expect(failures == 0)
    }
}
