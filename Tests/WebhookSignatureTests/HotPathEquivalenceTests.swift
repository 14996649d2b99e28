import ExtrasBase64
import Foundation
import Testing

@testable import WebhookSignature
@testable import WebhookSignatureTestSupport

/// The hot path's fast pieces (one-pass base64, word-wise padding check, context pools, the
/// inlinable entry points) must give exactly the verdicts of the straightforward code they replaced.
@Suite("Hot path equivalence")
struct HotPathEquivalenceTests {
    /// The checking path: the full `validate`, then swift-extras-base64.
    static func referenceDecode(_ text: [UInt8]) -> Result<[UInt8], StrictBase64.Failure> {
        text.withUnsafeBufferPointer { input in
            do {
                let length = try StrictBase64.validate(input)
                if length == 0 { return .success([]) }
                let bytes = try Base64.decode(bytes: input)
                return .success(bytes)
            } catch let failure as StrictBase64.Failure {
                return .failure(failure)
            } catch {
                return .failure(.invalidCharacter(0, offset: 0))
            }
        }
    }

    /// The one-pass decoder (checks on the last quad, then swift-extras-base64), as an optional.
    static func fastDecode(_ text: [UInt8]) -> [UInt8]? {
        try? decode(text).get()
    }

    static func decode(_ text: [UInt8]) -> Result<[UInt8], StrictBase64.Failure> {
        text.withUnsafeBufferPointer { input in
            var output = [UInt8](repeating: 0, count: input.count / 4 * 3)
            let result = output.withUnsafeMutableBufferPointer { (out) -> Result<Int, StrictBase64.Failure> in
                Result { () throws(StrictBase64.Failure) in try StrictBase64.decode(input, into: out) }
            }
            return result.map { Array(output.prefix($0)) }
        }
    }

    /// Texts near canonical base64: encodings of random bytes, then single-character changes,
    /// truncations, extensions and padding games.
    static func corpus() -> [[UInt8]] {
        var generator = SystemRandomNumberGenerator()
        let interesting: [UInt8] = Array("=+/-_ \n\tAZaz09Qw".utf8) + [0, 0x7F, 0x80, 0xC3, 0xFF]
        var texts: [[UInt8]] = [[], Array("=".utf8), Array("==".utf8), Array("===".utf8), Array("====".utf8),
                                Array("A===".utf8), Array("AA==".utf8), Array("AB==".utf8), Array("AAA=".utf8), Array("AAB=".utf8),
                                Array("AAAA".utf8), Array("A=A=".utf8), Array("AA=A".utf8), Array("AAAA====".utf8)]
        for length in [0, 1, 2, 3, 4, 5, 16, 128, 129, 130, 256, 512] {
            for _ in 0..<6 {
                let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let text = Array(StrictBase64.encode(bytes).utf8)
                texts.append(text)
                guard !text.isEmpty else { continue }
                for _ in 0..<12 {
                    var changed = text
                    let position = Int.random(in: 0..<changed.count, using: &generator)
                    changed[position] = interesting.randomElement(using: &generator)!
                    texts.append(changed)
                }
                texts.append(Array(text.dropLast()))
                texts.append(text + Array("=".utf8))
                texts.append(text + Array("AAAA".utf8))
                // Non-zero unused bits in the last character before padding.
                if let padding = text.firstIndex(of: UInt8(ascii: "=")), padding > 0 {
                    var bits = text
                    bits[padding - 1] = UInt8(ascii: "B")
                    texts.append(bits)
                    bits[padding - 1] = UInt8(ascii: "/")
                    texts.append(bits)
                }
            }
        }
        return texts
    }

    @Test("one-pass base64 accepts exactly what validate accepts, with the same bytes")
    func base64FastPathMatchesCheckingPath() {
        for text in Self.corpus() {
            let reference = Self.referenceDecode(text)
            let fast = Self.fastDecode(text)
            switch reference {
            case .success(let bytes):
                #expect(fast == bytes, "\(String(decoding: text, as: UTF8.self))")
            case .failure:
                #expect(fast == nil, "\(String(decoding: text, as: UTF8.self))")
            }
            // And `decode` reports exactly the failure the checking path names.
            #expect(Self.decode(text) == reference, "\(String(decoding: text, as: UTF8.self))")
        }
    }

    /// The byte-by-byte comparison `PKCS1.matches` used before it compared eight bytes at a time.
    static func referenceMatches(_ em: [UInt8], digest: [UInt8], algorithm: SignatureAlgorithm) -> Bool {
        let prefix = algorithm == .md5WithRSA ? PKCS1.md5Prefix : PKCS1.sha512Prefix
        let k = em.count
        let tail = prefix.count + digest.count
        var difference: UInt8 = em[0] | (em[1] ^ 0x01)
        for i in 2..<(k - tail - 1) { difference |= em[i] ^ 0xFF }
        difference |= em[k - tail - 1]
        for i in 0..<prefix.count { difference |= em[k - tail + i] ^ prefix[i] }
        for i in 0..<digest.count { difference |= em[k - digest.count + i] ^ digest[i] }
        return difference == 0
    }

    @Test("the word-wise padding check agrees with a byte-by-byte one on every single-byte change")
    func paddingCheckMatchesByteWise() {
        for algorithm in SignatureAlgorithm.allCases {
            for k in [128, 129, 256, 383, 512] {
                let digest = (0..<algorithm.digestByteCount).map { UInt8(truncatingIfNeeded: $0 &* 29 &+ k) }
                var em = [UInt8](repeating: 0, count: k)
                em.withUnsafeMutableBytes { out in
                    digest.withUnsafeBytes { PKCS1.encode(digest: $0, algorithm: algorithm, into: out) }
                }
                func check(_ block: [UInt8]) -> Bool {
                    block.withUnsafeBytes { b in digest.withUnsafeBytes { PKCS1.matches(b, digest: $0, algorithm: algorithm) } }
                }
                #expect(check(em))
                #expect(Self.referenceMatches(em, digest: digest, algorithm: algorithm))
                for position in 0..<k {
                    for flip: UInt8 in [0x01, 0x80, 0xFF] {
                        var changed = em
                        changed[position] ^= flip
                        #expect(check(changed) == Self.referenceMatches(changed, digest: digest, algorithm: algorithm))
                        #expect(!check(changed), "k \(k), byte \(position)")
                    }
                }
            }
        }
    }

    @Test("every entry point gives the same verdicts for contiguous and non-contiguous input, on both backends")
    func entryPointsAgree() throws {
        let privateKey = TestKeys.a
        let body = SampleEvent.body
        for backend in CryptoBackend.allCases {
            let key = try privateKey.publicKey.using(backend)
            for algorithm in SignatureAlgorithm.allCases {
                let signature = try privateKey.base64Signature(for: body, algorithm: algorithm)
                let raw = try privateKey.signature(for: body, algorithm: algorithm)
                let hasher = try BodyDigest(algorithm: algorithm, backend: backend)
                try hasher.update(body)
                let digest = try hasher.finalize()
                var tampered = body
                tampered[10] ^= 1
                // Contiguous: String, [UInt8]; non-contiguous: a lazy view, a Substring of a longer string.
                let lazyBody = body.lazy.map { $0 }
                let padded = "xx" + signature + "yy"
                let substring = padded.dropFirst(2).dropLast(2)
                #expect(try key.isValidSignature(signature, for: body, algorithm: algorithm))
                #expect(try key.isValidSignature(substring, for: lazyBody, algorithm: algorithm))
                #expect(try key.isValidSignature(rawSignature: raw, for: body, algorithm: algorithm))
                #expect(try key.isValidSignature(rawSignature: raw.lazy.map { $0 }, for: lazyBody, algorithm: algorithm))
                #expect(try key.isValidSignature(signature, digest: digest, algorithm: algorithm))
                #expect(try key.isValidSignature(substring, digest: digest.lazy.map { $0 }, algorithm: algorithm))
                #expect(try !key.isValidSignature(signature, for: tampered, algorithm: algorithm))
                #expect(try !key.isValidSignature(rawSignature: raw, for: tampered.lazy.map { $0 }, algorithm: algorithm))
                #expect(try !key.isValidSignature(String(signature.dropLast(4)), for: body, algorithm: algorithm))
                #expect(try !key.isValidSignature(signature.replacingOccurrences(of: "+", with: "-"), for: body, algorithm: algorithm)
                    || !signature.contains("+"))
                #expect(throws: WebhookSignatureError.self) {
                    try key.isValidSignature(signature, digest: digest.dropLast(), algorithm: algorithm)
                }
            }
        }
    }

    @Test("many threads verifying with one shared key all get the right verdicts (context pool)")
    func sharedKeyAcrossThreads() async throws {
        let privateKey = TestKeys.a
        let body = SampleEvent.body
        for backend in CryptoBackend.allCases {
            let key = try privateKey.publicKey.using(backend)
            let signature = try privateKey.base64Signature(for: body, algorithm: .sha512WithRSA)
            var tampered = body
            tampered[0] ^= 1
            let bad = tampered
            // More tasks than the pool's 64 slots, so that temporary contexts are exercised as well.
            let results = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
                for _ in 0..<80 {
                    group.addTask {
                        var good = 0, rejected = 0
                        for _ in 0..<5 {
                            if try key.isValidSignature(signature, for: body, algorithm: .sha512WithRSA) { good += 1 }
                            if try !key.isValidSignature(signature, for: bad, algorithm: .sha512WithRSA) { rejected += 1 }
                        }
                        return (good, rejected)
                    }
                }
                var total = (0, 0)
                for try await (good, rejected) in group { total = (total.0 + good, total.1 + rejected) }
                return total
            }
            #expect(results.0 == 400 && results.1 == 400, "\(backend)")
        }
    }
}
