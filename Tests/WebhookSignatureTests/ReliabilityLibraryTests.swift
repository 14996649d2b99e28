import Foundation
import Testing

@testable import WebhookSignature
@testable import WebhookSignatureTestSupport

/// The rules the CLI used to decide by itself and now asks the library for, and the edges that
/// a wrong `<` or a dropped byte would move.
@Suite("Library rules: key sizes, rotation, hex, labels, time, signature and validity edges")
struct ReliabilityLibraryTests {
    static let key2048 = try! RSAPrivateKey(generatingBits: 2048)

    // MARK: Key sizes

    @Test("key sizes: 2048 and up by default, 1024 only with the opt-in, multiples of 8 up to 16384")
    func keySizes() throws {
        let strict = RSAKeySizePolicy()
        let weak = RSAKeySizePolicy(allowsWeak1024: true)
        #expect(RSAKeySizePolicy.defaultBits == 2048)
        for bits in [2048, 3072, 4096, 16384] {
            try strict.check(bits: bits)
            try weak.check(bits: bits)
        }
        #expect(throws: WebhookSignatureError.self) { try strict.check(bits: 1024) }
        do {
            try strict.check(bits: 1024)
        } catch {
            #expect(error.code == .keyTooSmall)
            #expect(error.reason.contains("--allow-weak-1024"))
        }
        try weak.check(bits: 1024)
        try weak.check(bits: 2040)
        for (bits, code) in [(1016, WebhookSignatureError.Code.keyTooSmall), (16392, .keyTooLarge), (2049, .invalidArgument), (0, .keyTooSmall), (Int.max, .keyTooLarge), (Int.min, .keyTooSmall)] {
            do {
                try weak.check(bits: bits)
                Issue.record("\(bits) bits accepted")
            } catch {
                #expect(error.code == code, "\(bits): \(error)")
            }
        }
    }

    // MARK: Rotation

    @Test("rotation: every key active now expires after the overlap unless it already ends sooner; others untouched")
    func rotationOverlapRule() throws {
        let now: Int64 = 1_800_000_000
        let overlap: Int64 = 7 * 86_400
        let keys = try (0..<6).map { _ in try RSAPrivateKey(generatingBits: 1024).publicKey }
        let ring = try Keyring([
            TrustedKey(key: keys[0], label: "open-ended"),
            TrustedKey(key: keys[1], label: "ends-later", notAfter: now + overlap + 1),
            TrustedKey(key: keys[2], label: "ends-sooner", notAfter: now + 60),
            TrustedKey(key: keys[3], label: "retired", retired: true),
            TrustedKey(key: keys[4], label: "expired", notAfter: now - 1),
            TrustedKey(key: keys[5], label: "future", notBefore: now + 1),
        ])
        let newKey = Self.key2048.publicKey
        let rotation = try KeyRotation(rotating: ring, to: newKey, at: now, overlapSeconds: overlap)
        let after = Dictionary(uniqueKeysWithValues: rotation.keyring.keys.map { ($0.label ?? "", $0) })
        #expect(rotation.oldKeysExpireAt == now + overlap)
        #expect(after["open-ended"]?.notAfter == now + overlap)
        #expect(after["ends-later"]?.notAfter == now + overlap)
        #expect(after["ends-sooner"]?.notAfter == now + 60)
        #expect(after["retired"]?.notAfter == nil && after["retired"]?.retired == true)
        #expect(after["expired"]?.notAfter == now - 1)
        #expect(after["future"]?.notAfter == nil)
        #expect(rotation.scheduled.map(\.label) == ["open-ended", "ends-later", "ends-sooner"])
        #expect(rotation.newKey.id == newKey.fingerprint)
        #expect(rotation.newKey.notBefore == now)
        #expect(rotation.newKey.label == KeyRotation.defaultLabel(at: now))
        #expect(KeyRotation.defaultLabel(at: now) == "key-20270115")
        #expect(rotation.keyring.keys.count == 7)
        // The overlap's end is inclusive: the old key still counts at now + overlap, not one second later.
        let old = try #require(after["open-ended"])
        #expect(old.status(atUnixTime: now + overlap) == .active)
        #expect(old.status(atUnixTime: now + overlap + 1) == .expired)
    }

    @Test("rotation refuses a negative overlap, one that overflows, a key already present and a label in use; nothing traps")
    func rotationRefusals() throws {
        let ring = try Keyring([TrustedKey(key: try RSAPrivateKey(generatingBits: 1024).publicKey, label: "old")])
        let newKey = Self.key2048.publicKey
        for (now, overlap) in [(Int64(1_800_000_000), Int64(-1)), (1_800_000_000, .max), (.max, 1), (.min, 0), (253_402_300_799, 1)] {
            do {
                _ = try KeyRotation(rotating: ring, to: newKey, at: now, overlapSeconds: overlap)
                Issue.record("now \(now) overlap \(overlap) accepted")
            } catch {
                #expect(error.code == .invalidArgument, "\(error)")
            }
        }
        #expect(throws: WebhookSignatureError.self) {
            try KeyRotation(rotating: ring, to: ring.keys[0].key, at: 1_800_000_000, overlapSeconds: 60)
        }
        #expect(throws: WebhookSignatureError.self) {
            try KeyRotation(rotating: ring, to: newKey, label: "old", at: 1_800_000_000, overlapSeconds: 60)
        }
        // The last second a keyring can hold is still fine.
        let edge = try KeyRotation(rotating: ring, to: newKey, at: 253_402_300_798, overlapSeconds: 1)
        #expect(edge.oldKeysExpireAt == 253_402_300_799)
    }

    // MARK: Hex and streamed base64

    @Test("hex: two lowercase digits per byte, read back in either case; anything else is nil")
    func hex() {
        var rng = SeededGenerator(seed: 7)
        for length in [0, 1, 2, 31, 64, 257] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let text = Hex.encode(bytes)
            #expect(text == bytes.map { String(format: "%02x", $0) }.joined())
            #expect(Hex.decode(text) == bytes)
            #expect(Hex.decode(text.uppercased()) == bytes)
        }
        #expect(Hex.encode([0x00, 0x0F, 0xF0, 0xFF]) == "000ff0ff")
        for bad in ["0", "abc", "0g", "zz", " 00", "00 "] { #expect(Hex.decode(bad) == nil, "\(bad)") }
        #expect(Hex.isHexDigits("DEADbeef0123") && !Hex.isHexDigits("deadbeefx"))
    }

    @Test("a streamed signature's base64 equals the one-shot base64 signature")
    func streamedBase64() throws {
        var rng = SeededGenerator(seed: 11)
        let body = (0..<10_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        for algorithm in SignatureAlgorithm.allCases {
            let signer = try StreamingSigner(key: Self.key2048, algorithm: algorithm)
            for chunk in stride(from: 0, to: body.count, by: 777) { try signer.update(body[chunk..<min(chunk + 777, body.count)]) }
            let text = try signer.finalizeBase64()
            #expect(text == (try Self.key2048.base64Signature(for: body, algorithm: algorithm)))
            #expect(try Self.key2048.publicKey.isValidSignature(text, for: body, algorithm: algorithm))
        }
    }

    // MARK: Labels and id prefixes

    @Test("labels of 8 or more hex digits are refused, so an id prefix never finds a key by its label")
    func labelsNeverLookLikeIdPrefixes() throws {
        let a = try RSAPrivateKey(generatingBits: 1024).publicKey
        let b = try RSAPrivateKey(generatingBits: 1024).publicKey
        let prefix = String(a.fingerprint.hex.prefix(8))
        var ring = try Keyring([TrustedKey(key: a, label: "eu-prod")])
        // The attack: label B with A's id prefix, then retire "by prefix".
        for label in [prefix, prefix.uppercased(), "sha256:" + prefix, String(a.fingerprint.hex.prefix(12)), a.fingerprint.hex, "00000000"] {
            #expect(Keyring.labelProblem(label) != nil, "\(label)")
            do {
                try ring.add(TrustedKey(key: b, label: label))
                Issue.record("label \(label) accepted")
            } catch {
                #expect(error.code == .invalidKeyring)
            }
        }
        for label in ["eu-prod-2", "1234567", "deadbeef-x", "key-20270115", "cafe"] {
            #expect(Keyring.labelProblem(label) == nil, "\(label)")
        }
        try ring.add(TrustedKey(key: b, label: "1234567"))
        #expect(try ring.index(of: prefix) == 0)
        #expect(try ring.index(of: "1234567") == 1)
        #expect(try ring.index(of: "sha256:" + prefix.uppercased()) == 0)
        try ring.retire(prefix)
        #expect(ring.keys[0].retired && !ring.keys[1].retired)
        // An id prefix that matches no id is an error, never a label lookup.
        let unused = try #require(["00000000", "11111111", "22222222"].first { p in !ring.keys.contains { $0.id.hex.hasPrefix(p) } })
        #expect(throws: WebhookSignatureError.self) { try ring.index(of: unused) }
        // A keyring file with such a label is refused on load, naming the entry.
        let file = "{\"keys\":[{\"label\":\"\(prefix)\",\"publicKey\":\"\(b.x509Base64)\"}]}"
        do {
            _ = try Keyring(json: Array(file.utf8))
            Issue.record("keyring with a hex label loaded")
        } catch {
            #expect(error.code == .invalidKeyring && error.reason.contains("keys[0]"))
        }
    }

    // MARK: Time

    @Test("time arithmetic never traps: checked adding is nil out of range, adding clamps, formatting takes any value")
    func timeArithmetic() {
        let now = UnixTime(seconds: 1_800_000_000)
        #expect(now.checkedAdding(seconds: .max) == nil)
        #expect(now.checkedAdding(seconds: .min) == nil)
        #expect(UnixTime(seconds: .max).checkedAdding(seconds: 1) == nil)
        #expect(now.checkedAdding(seconds: 60)?.seconds == 1_800_000_060)
        #expect(UnixTime(seconds: 253_402_300_798).checkedAdding(seconds: 1)?.rfc3339 == "9999-12-31T23:59:59Z")
        #expect(UnixTime(seconds: 253_402_300_799).checkedAdding(seconds: 1) == nil)
        #expect(UnixTime(seconds: -62_167_219_200).rfc3339 == "0000-01-01T00:00:00Z")
        #expect(UnixTime(seconds: -62_167_219_200).checkedAdding(seconds: -1) == nil)
        #expect(now.adding(seconds: .max).seconds == .max)
        #expect(UnixTime(seconds: -1).adding(seconds: .min).seconds == .min)
        #expect(UnixTime(seconds: -1).rfc3339 == "1969-12-31T23:59:59Z")
        #expect(!UnixTime(seconds: .min).rfc3339.isEmpty)
        #expect(!UnixTime(seconds: .max).rfc3339.isEmpty)
    }

    // MARK: Validity edges

    @Test("validity edges: notBefore and notAfter are inclusive, one second outside is refused")
    func validityEdges() throws {
        let signer = Self.key2048
        let body = Array("{\"id\":\"edge\"}".utf8)
        let headers = [("fluent-signature", try signer.base64Signature(for: body, algorithm: .sha512WithRSA))]
        let notBefore: Int64 = 1_800_000_000
        let notAfter: Int64 = 1_800_086_400
        let trusted = TrustedKey(key: signer.publicKey, notBefore: notBefore, notAfter: notAfter)
        let verifier = WebhookVerifier(keyring: try Keyring([trusted]))
        let cases: [(Int64, KeyStatus, Bool)] = [
            (notBefore - 1, .notYetValid, false), (notBefore, .active, true), (notAfter, .active, true), (notAfter + 1, .expired, false),
        ]
        for (time, status, valid) in cases {
            #expect(trusted.status(atUnixTime: time) == status, "\(time)")
            let verdict = try verifier.verify(headers: headers, body: body, atUnixTime: time)
            #expect(verdict.isValid == valid, "\(time): \(String(describing: verdict.failure?.reason))")
        }
    }

    // MARK: A signature one byte short

    /// A signature whose first byte is 0, found by signing numbered bodies with `key` until one
    /// comes out that way (about one in 256 does, so the bounded search always finds one).
    static func signatureWithLeadingZero(_ key: RSAPrivateKey) throws -> (body: [UInt8], signature: [UInt8]) {
        for i in 0..<200_000 {
            let body = Array("{\"id\":\"leading-zero-\(i)\"}".utf8)
            let signature = try key.signature(for: body, algorithm: .sha512WithRSA)
            if signature[0] == 0 { return (body, signature) }
        }
        throw WebhookSignatureError(.invalidArgument, "no signature with a leading zero byte in 200000 tries")
    }

    @Test("a signature with its leading zero byte removed is refused on the raw and base64 paths, both backends", arguments: [1024, 2048])
    func shortSignatureRefused(bits: Int) throws {
        let key = try RSAPrivateKey(generatingBits: bits)
        let (body, signature) = try Self.signatureWithLeadingZero(key)
        let short = Array(signature.dropFirst())
        #expect(short.count == signature.count - 1)
        let fullText = Data(signature).base64EncodedString()
        let shortText = Data(short).base64EncodedString()
        if bits == 1024 {
            // The trap this guards against: 127 bytes take as many base64 characters as 128.
            #expect(fullText.count == 172 && shortText.count == 172)
        }
        for backend in [CryptoBackend.openssl, .gcrypt] {
            let publicKey = try key.publicKey.using(backend)
            #expect(try publicKey.isValidSignature(rawSignature: signature, for: body, algorithm: .sha512WithRSA))
            #expect(try publicKey.isValidSignature(fullText, for: body, algorithm: .sha512WithRSA))
            #expect(try !publicKey.isValidSignature(rawSignature: short, for: body, algorithm: .sha512WithRSA), "\(backend) raw")
            #expect(try !publicKey.isValidSignature(shortText, for: body, algorithm: .sha512WithRSA), "\(backend) base64")
            let verifier = WebhookVerifier(key: publicKey)
            #expect(try verifier.verify(headers: [("fluent-signature", fullText)], body: body).isValid)
            #expect(try !verifier.verify(headers: [("fluent-signature", shortText)], body: body).isValid)
        }
    }
}
