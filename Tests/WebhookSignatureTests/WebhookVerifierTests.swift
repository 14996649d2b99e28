import Foundation
import Testing

@testable import WebhookSignature
@testable import WebhookSignatureTestSupport

@Suite("Webhook verifier")
struct WebhookVerifierTests {
    let body = SampleEvent.body

    func headers(_ key: RSAPrivateKey, body: [UInt8]? = nil) throws -> [(String, String)] {
        try WebhookSigner(key: key).headers(for: body ?? self.body).map { ($0.name, $0.value) }
    }

    func value(_ headers: [(String, String)], _ name: String) -> String { headers.first { $0.0 == name }!.1 }

    @Test("the default policy requires fluent-signature and neither counts nor checks flex.signature")
    func defaultPolicy() throws {
        let verifier = WebhookVerifier(key: TestKeys.a.publicKey)
        let signed = try headers(TestKeys.a)
        let verdict = try verifier.verify(headers: signed, body: body)
        #expect(verdict.isValid)
        #expect(verdict.checks.map(\.header) == ["fluent-signature", "flex.signature"])
        #expect(verdict.check(for: .md5WithRSA)?.counted == false)
        #expect(verdict.check(for: .md5WithRSA)?.outcome.code == .notChecked)
        #expect(verdict.verifiedKey?.id == TestKeys.a.publicKey.fingerprint)

        // A bad MD5 signature does not matter while MD5 is not counted...
        let badFlex = [("fluent-signature", value(signed, "fluent-signature")), ("flex.signature", value(try headers(TestKeys.b), "flex.signature"))]
        #expect(try verifier.verify(headers: badFlex, body: body).isValid)
        // ...but does once it is.
        let counting = WebhookVerifier(key: TestKeys.a.publicKey, policy: WebhookPolicy(allowsLegacyMD5: true))
        let verdict2 = try counting.verify(headers: badFlex, body: body)
        #expect(!verdict2.isValid)
        #expect(verdict2.failure?.code.name == "no_trusted_key")

        // MD5 alone: refused by default, enough with the opt-in.
        let flexOnly = [("flex.signature", value(signed, "flex.signature"))]
        let refused = try verifier.verify(headers: flexOnly, body: body)
        #expect(refused.failure?.code.name == "policy_not_met")
        #expect(try counting.verify(headers: flexOnly, body: body).isValid)
    }

    @Test("requiring both signatures")
    func requireBoth() throws {
        let verifier = WebhookVerifier(key: TestKeys.a.publicKey, policy: WebhookPolicy(requiresBothSignatures: true))
        let signed = try headers(TestKeys.a)
        #expect(try verifier.verify(headers: signed, body: body).isValid)
        let fluentOnly = [("fluent-signature", value(signed, "fluent-signature"))]
        #expect(try verifier.verify(headers: fluentOnly, body: body).failure?.code.name == "policy_not_met")
        let badFlex = [("fluent-signature", value(signed, "fluent-signature")), ("flex.signature", "AAAA")]
        #expect(try verifier.verify(headers: badFlex, body: body).failure?.code.name == "malformed")
    }

    @Test("no signature header")
    func noHeader() throws {
        let verdict = try WebhookVerifier(key: TestKeys.a.publicKey).verify(headers: [("Content-Type", "application/json")], body: body)
        #expect(verdict.failure?.code == .noSignatureHeader)
        #expect(verdict.checks.isEmpty)
    }

    @Test(
        "header names in any case, values with surrounding whitespace",
        arguments: ["fluent-signature", "Fluent-Signature", "FLUENT-SIGNATURE", " fluent-signature "])
    func headerNameVariants(name: String) throws {
        let signed = try headers(TestKeys.a)
        let variant = [(name, "  \(value(signed, "fluent-signature"))\t"), ("FLEX.Signature", " " + value(signed, "flex.signature"))]
        let verdict = try WebhookVerifier(key: TestKeys.a.publicKey, policy: WebhookPolicy(requiresBothSignatures: true))
            .verify(headers: variant, body: body)
        #expect(verdict.isValid)
    }

    @Test("repeated headers: identical values are one, different values conflict, comma-joined repeats are split")
    func repeatedHeaders() throws {
        let signed = try headers(TestKeys.a)
        let sig = value(signed, "fluent-signature")
        let verifier = WebhookVerifier(key: TestKeys.a.publicKey)
        #expect(try verifier.verify(headers: [("fluent-signature", sig), ("Fluent-Signature", sig)], body: body).isValid)
        #expect(try verifier.verify(headers: [("fluent-signature", "\(sig), \(sig)")], body: body).isValid)
        let other = value(try headers(TestKeys.b), "fluent-signature")
        let conflict = try verifier.verify(headers: [("fluent-signature", sig), ("fluent-signature", other)], body: body)
        #expect(conflict.failure?.code.name == "conflicting_values")
    }

    @Test("precise reasons: tampered body, other key, wrong algorithm, malformed")
    func preciseReasons() throws {
        let verifier = WebhookVerifier(keyring: try Keyring([TrustedKey(key: TestKeys.a.publicKey, label: "a")]))
        let signed = try headers(TestKeys.a)
        var tampered = body
        tampered[10] ^= 1
        let v1 = try verifier.verify(headers: signed, body: tampered)
        #expect(v1.failure?.code.name == "body_mismatch")
        #expect(v1.failure?.reason.contains("key a signed different bytes") == true)

        let v2 = try verifier.verify(headers: try headers(TestKeys.b), body: body)
        #expect(v2.failure?.code.name == "no_trusted_key")

        // The MD5 signature sent as fluent-signature.
        let swapped = [("fluent-signature", value(signed, "flex.signature"))]
        let v3 = try verifier.verify(headers: swapped, body: body)
        #expect(v3.failure?.code.name == "wrong_algorithm")
        #expect(v3.failure?.reason.contains("MD5withRSA") == true)

        for junk in ["", "not base64!", "AAAA", String(repeating: "A", count: 10_000)] {
            let v = try verifier.verify(headers: [("fluent-signature", junk)], body: body)
            #expect(v.failure?.code.name == "malformed", "\(junk.prefix(20))")
        }
    }

    @Test("keyring rotation: overlap, not yet valid, expired, retired")
    func keyringRotation() throws {
        let now = UnixTime(rfc3339: "2026-06-01T00:00:00Z")!
        let day: Int64 = 86_400
        let ring = try Keyring([
            TrustedKey(key: TestKeys.a.publicKey, label: "old", notAfter: now.adding(seconds: 7 * day).seconds),
            TrustedKey(key: TestKeys.b.publicKey, label: "new", notBefore: now.adding(seconds: -day).seconds),
            TrustedKey(key: TestKeys.c.publicKey, label: "next", notBefore: now.adding(seconds: 30 * day).seconds),
        ])
        let verifier = WebhookVerifier(keyring: ring)
        // During the overlap both old and new verify.
        #expect(try verifier.verify(headers: headers(TestKeys.a), body: body, atUnixTime: now.seconds).verifiedKey?.label == "old")
        #expect(try verifier.verify(headers: headers(TestKeys.b), body: body, atUnixTime: now.seconds).verifiedKey?.label == "new")
        // The next key is not valid yet.
        let early = try verifier.verify(headers: headers(TestKeys.c), body: body, atUnixTime: now.seconds)
        #expect(early.failure?.code.name == "key_not_yet_valid")
        #expect(try verifier.verify(headers: headers(TestKeys.c), body: body, atUnixTime: now.adding(seconds: 31 * day).seconds).isValid)
        // After the overlap the old key has expired.
        let late = try verifier.verify(headers: headers(TestKeys.a), body: body, atUnixTime: now.adding(seconds: 8 * day).seconds)
        #expect(late.failure?.code.name == "key_expired")
        // Retiring wins over the window.
        var retired = ring
        try retired.retire("new")
        let v = try WebhookVerifier(keyring: retired).verify(headers: headers(TestKeys.b), body: body, atUnixTime: now.seconds)
        #expect(v.failure?.code.name == "key_retired")
        #expect(v.failure?.reason.contains("new") == true)
        // The verdict does not depend on key order.
        let reversed = try Keyring(ring.keys.reversed())
        for key in [TestKeys.a, TestKeys.b, TestKeys.c] {
            let h = try headers(key)
            #expect(try WebhookVerifier(keyring: reversed).verify(headers: h, body: body, atUnixTime: now.seconds) == verifier.verify(headers: h, body: body, atUnixTime: now.seconds))
        }
    }

    @Test("keyring file: round trip, and bad files name the bad entry")
    func keyringFile() throws {
        let ring = try Keyring([
            TrustedKey(key: TestKeys.a.publicKey, label: "eu-prod", notBefore: UnixTime(rfc3339: "2026-01-01T00:00:00Z")?.seconds),
            TrustedKey(key: TestKeys.b.publicKey, retired: true),
        ])
        let bytes = ring.jsonBytes()
        let again = try Keyring(json: bytes)
        #expect(again == ring)
        #expect(again.jsonBytes() == bytes)
        // It is valid JSON for other tools too.
        let parsed = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
        #expect((parsed?["keys"] as? [Any])?.count == 2)

        let x509 = TestKeys.a.publicKey.x509Base64
        let bad: [(String, String)] = [
            ("not json", "{"),
            ("no keys", #"{"version":1}"#),
            ("bad version", #"{"version":2,"keys":[]}"#),
            ("entry not an object", #"{"keys":[1]}"#),
            ("missing publicKey", #"{"keys":[{"label":"x"}]}"#),
            ("bad key", #"{"keys":[{"label":"broken","publicKey":"MIGf!"}]}"#),
            ("id mismatch", #"{"keys":[{"publicKey":"\#(x509)","id":"\#(String(repeating: "0", count: 64))"}]}"#),
            ("bad time", #"{"keys":[{"publicKey":"\#(x509)","notAfter":"tomorrow"}]}"#),
            ("duplicate key", #"{"keys":[{"publicKey":"\#(x509)"},{"publicKey":"\#(x509)"}]}"#),
            ("retired not bool", #"{"keys":[{"publicKey":"\#(x509)","retired":"yes"}]}"#),
        ]
        for (name, text) in bad {
            #expect(throws: WebhookSignatureError.self, "\(name)") { try Keyring(json: Array(text.utf8)) }
            do {
                _ = try Keyring(json: Array(text.utf8))
            } catch {
                #expect(error.code == .invalidKeyring, "\(name)")
                if name == "bad key" { #expect(error.reason.contains("keys[0] (broken)")) }
            }
        }
    }

    @Test("a verifier with 50 keys finds the right one")
    func manyKeys() throws {
        var keys = [TrustedKey(key: TestKeys.a.publicKey, label: "target")]
        // Distinct public keys of the same size, derived cheaply from the real ones' exponents.
        for i in 0..<49 {
            let e = UInt32(65537 + 2 * (i + 1))
            let key = try RSAPublicKey(modulus: TestKeys.b.publicKey.modulus, publicExponent: withUnsafeBytes(of: e.bigEndian, Array.init))
            keys.append(TrustedKey(key: key, label: "filler-\(i)"))
        }
        let verifier = WebhookVerifier(keyring: try Keyring(keys.reversed()))
        for _ in 0..<3 {
            #expect(try verifier.verify(headers: headers(TestKeys.a), body: body).verifiedKey?.label == "target")
        }
    }

    @Test("canonical modes: compact rebuilds the wire form, raw does not", arguments: CryptoBackend.allCases)
    func canonicalModes(backend: CryptoBackend) throws {
        let key = try TestKeys.a.using(backend)
        let signed = try headers(key)
        // Re-indented the way a logging proxy would, keeping member order.
        let reindented = Array(SampleEvent.text.replacingOccurrences(of: ",\"", with: ",\n  \"").replacingOccurrences(of: "{\"", with: "{\n  \"").utf8) + [0x0A]
        #expect(reindented != body)
        let raw = WebhookVerifier(key: key.publicKey)
        #expect(try !raw.verify(headers: signed, body: reindented).isValid)
        let compact = WebhookVerifier(key: key.publicKey, policy: WebhookPolicy(canonicalization: .compact))
        #expect(try compact.verify(headers: signed, body: reindented).isValid)
        #expect(throws: WebhookSignatureError.self) { try compact.verify(headers: signed, body: Array("{not json".utf8)) }
    }

    @Test("streamed sessions give the verdict of the whole body", arguments: [1, 7, 64, 1000])
    func streamedSession(chunkSize: Int) throws {
        let verifier = WebhookVerifier(key: TestKeys.a.publicKey, policy: WebhookPolicy(requiresBothSignatures: true))
        let signed = try headers(TestKeys.a)
        let session = try verifier.makeSession(headers: signed)
        var index = 0
        while index < body.count {
            try session.update(body[index..<min(index + chunkSize, body.count)])
            index += chunkSize
        }
        #expect(try session.finish() == verifier.verify(headers: signed, body: body))
    }
}
