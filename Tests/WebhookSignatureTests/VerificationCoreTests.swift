import Foundation
import Testing

@testable import WebhookSignature
@testable import WebhookSignatureTestSupport

/// The one check every surface goes through: what it costs, how it classifies a signature, and the
/// one rule for signature text.
@Suite("Verification core")
struct VerificationCoreTests {
    static let body = SampleEvent.body
    /// Keys of the same size that did not sign anything here.
    static let strangers: [RSAPublicKey] = (0..<49).map { _ in try! RSAPrivateKey(generatingBits: 1024).publicKey }

    func signed(_ key: RSAPrivateKey, _ body: [UInt8] = VerificationCoreTests.body) throws -> [(String, String)] {
        try WebhookSigner(key: key).headers(for: body).map { ($0.name, $0.value) }
    }

    // MARK: Cost

    @Test("a genuine delivery with both headers costs one public operation under the default policy")
    func genuineCostsOne() throws {
        let verifier = WebhookVerifier(key: TestKeys.a.publicKey)
        let headers = try signed(TestKeys.a)
        var verdict: WebhookVerdict? = nil
        let operations = try PublicOperationCount.during { verdict = try verifier.verify(headers: headers, body: Self.body) }
        #expect(operations == 1)
        #expect(verdict?.isValid == true)
        #expect(verdict?.check(for: .md5WithRSA)?.outcome.code == .notChecked)
        #expect(verdict?.check(for: .md5WithRSA)?.counted == false)
    }

    @Test("an uncounted header is checked only on request, and never changes the verdict")
    func checkAll() throws {
        var headers = try signed(TestKeys.a)
        headers[0].1 = try TestKeys.b.base64Signature(for: Self.body, algorithm: .md5WithRSA)  // flex.signature by another key
        let diagnosing = WebhookVerifier(key: TestKeys.a.publicKey, policy: WebhookPolicy(checksUncountedHeaders: true))
        var verdict: WebhookVerdict? = nil
        let operations = try PublicOperationCount.during { verdict = try diagnosing.verify(headers: headers, body: Self.body) }
        // The second operation happens unless the other key's signature is not below a's modulus
        // (then it is refused before any operation): the keys are random, so both are possible.
        let other = try TestKeys.b.signature(for: Self.body, algorithm: .md5WithRSA)
        #expect(operations == 1 + Self.operations(other, [TestKeys.a.publicKey]))
        #expect(verdict?.isValid == true)
        #expect(verdict?.check(for: .md5WithRSA)?.outcome.code == .noTrustedKey)
        let plain = try WebhookVerifier(key: TestKeys.a.publicKey).verify(headers: headers, body: Self.body)
        #expect(plain.isValid)
        #expect(plain.check(for: .md5WithRSA)?.outcome.code == .notChecked)
    }

    @Test("a signature no key made, against 50 keys, costs one public operation per key")
    func failingCostsOnePerKey() throws {
        let ring = try Keyring(Self.strangers.map { TrustedKey(key: $0) } + [TrustedKey(key: TestKeys.a.publicKey)])
        let verifier = WebhookVerifier(keyring: ring)
        let forged = try TestKeys.b.base64Signature(for: Self.body, algorithm: .sha512WithRSA)
        var verdict: WebhookVerdict? = nil
        let operations = try PublicOperationCount.during {
            verdict = try verifier.verify(headers: [("fluent-signature", forged)], body: Self.body)
        }
        // One operation per key whose modulus the signature is below (a signature at or above a
        // modulus is refused before any operation); the keys are random, so the count is derived.
        let raw = try TestKeys.b.signature(for: Self.body, algorithm: .sha512WithRSA)
        let expected = Self.operations(raw, ring.keys.map(\.key))
        #expect(operations == expected)
        #expect(expected > 0)
        #expect(verdict?.failure?.code == .noTrustedKey)
        // A tampered body is diagnosed by the same single operation per key (at most one per key).
        var tampered = Self.body
        tampered[3] ^= 1
        let genuine = try signed(TestKeys.a)
        let mismatch = try PublicOperationCount.during { verdict = try verifier.verify(headers: genuine, body: tampered) }
        #expect(mismatch <= 50)
        #expect(verdict?.failure?.code == .bodyMismatch)
        #expect(verdict?.failure?.check?.outcome.key?.key == TestKeys.a.publicKey)
    }

    /// How many of `keys` (all of the signature's length) have a modulus the signature is below.
    static func operations(_ signature: [UInt8], _ keys: [RSAPublicKey]) -> Int {
        keys.filter { $0.signatureByteCount == signature.count && signature.lexicographicallyPrecedes($0.modulus) }.count
    }

    // MARK: Classification

    @Test("one public operation tells valid, other digest, other algorithm and not this key apart", arguments: CryptoBackend.allCases)
    func classification(backend: CryptoBackend) throws {
        let key = try TestKeys.a.using(backend)
        let native = key.publicKey.native
        func match(_ signature: [UInt8], _ body: [UInt8], _ algorithm: SignatureAlgorithm) throws -> SignatureMatch {
            let digest = try backend.digest(algorithm.digest, of: body)
            return try signature.withUnsafeBytes { (sig) -> Result<SignatureMatch, WebhookSignatureError> in
                digest.withUnsafeBytes { (d) in Result { () throws(WebhookSignatureError) in try native.match(raw: sig, digest: d, algorithm: algorithm) } }
            }.get()
        }
        let sha512 = try key.signature(for: Self.body, algorithm: .sha512WithRSA)
        let md5 = try key.signature(for: Self.body, algorithm: .md5WithRSA)
        #expect(try match(sha512, Self.body, .sha512WithRSA) == .valid)
        #expect(try match(sha512, Self.body + [0x20], .sha512WithRSA) == .otherDigest)
        #expect(try match(md5, Self.body, .sha512WithRSA) == .otherAlgorithm(.md5WithRSA))
        #expect(try match(sha512, Self.body, .md5WithRSA) == .otherAlgorithm(.sha512WithRSA))
        #expect(try match(try TestKeys.b.signature(for: Self.body, algorithm: .sha512WithRSA), Self.body, .sha512WithRSA) == .notThisKey)
        #expect(try match(Array(sha512.dropFirst()), Self.body, .sha512WithRSA) == .notThisKey)
        #expect(try match(key.publicKey.modulus, Self.body, .sha512WithRSA) == .notThisKey)
    }

    @Test("the verifier names the wrong algorithm and the key that used it")
    func wrongAlgorithm() throws {
        let md5 = try TestKeys.a.base64Signature(for: Self.body, algorithm: .md5WithRSA)
        let verdict = try WebhookVerifier(key: TestKeys.a.publicKey).verify(headers: [("fluent-signature", md5)], body: Self.body)
        #expect(verdict.failure?.code == .wrongAlgorithm)
        #expect(verdict.failure?.check?.outcome.usedAlgorithm == .md5WithRSA)
        #expect(verdict.failure?.reason.contains("MD5withRSA") == true)
    }

    @Test("a signature whose length fits no trusted key says so and suggests the wrong key")
    func lengthFitsNoKey() throws {
        let big = try RSAPrivateKey(generatingBits: 2048)
        let verdict = try WebhookVerifier(key: TestKeys.a.publicKey).verify(headers: try signed(big), body: Self.body)
        #expect(verdict.failure?.code == .malformed)
        let reason = verdict.failure?.reason ?? ""
        #expect(reason.contains("2048-bit signature"), "\(reason)")
        #expect(reason.contains("trusted keys are 1024-bit"), "\(reason)")
        #expect(reason.contains("key this receiver does not trust"), "\(reason)")
    }

    // MARK: The signature-text rule

    @Test("surrounding ASCII whitespace is trimmed everywhere; anything else that is not strict base64 is invalid, never an error")
    func signatureTextRule() throws {
        let key = TestKeys.a.publicKey
        let good = try TestKeys.a.base64Signature(for: Self.body, algorithm: .sha512WithRSA)
        let verifier = WebhookVerifier(key: key)
        let accepted = [good, good + "\n", good + "\r\n", " \t" + good, "\n" + good + " \t\r\n"]
        let middle = good.index(good.startIndex, offsetBy: 80)
        var withSpace = good
        withSpace.insert(" ", at: middle)
        var withNewline = good
        withNewline.insert("\n", at: middle)
        let urlSafe = good.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        var refused = [
            withSpace, withNewline, String(good.dropLast()), good + "=", good.trimmingCharacters(in: ["="]),
            good + "\u{0B}", "\u{A0}" + good, "", "   ",
        ]
        if urlSafe != good { refused.append(urlSafe) }
        for text in accepted {
            #expect(try key.isValidSignature(text, for: Self.body, algorithm: .sha512WithRSA), "\(text.debugDescription)")
            #expect(try verifier.verify(headers: [("fluent-signature", text)], body: Self.body).isValid, "\(text.debugDescription)")
            let digest = try CryptoBackend.default.digest(.sha512, of: Self.body)
            #expect(try key.isValidSignature(text, digest: digest, algorithm: .sha512WithRSA))
        }
        for text in refused {
            #expect(try !key.isValidSignature(text, for: Self.body, algorithm: .sha512WithRSA), "\(text.debugDescription)")
            let verdict = try verifier.verify(headers: [("fluent-signature", text)], body: Self.body)
            #expect(!verdict.isValid, "\(text.debugDescription)")
            #expect(verdict.failure?.code == .malformed, "\(text.debugDescription): \(String(describing: verdict.failure))")
        }
    }

    @Test("a signature one byte short (its leading zero dropped) is refused although its base64 has the full length")
    func oneByteShort() throws {
        // Find a signature whose first byte is zero: with a fixed search over bodies, deterministic.
        var found: ([UInt8], [UInt8])? = nil
        for i in 0..<5000 where found == nil {
            let body = Array("{\"n\":\(i)}".utf8)
            let signature = try TestKeys.a.signature(for: body, algorithm: .sha512WithRSA)
            if signature[0] == 0 { found = (body, signature) }
        }
        let (body, signature) = try #require(found, "no signature with a leading zero among 5000 bodies")
        let short = Array(signature.dropFirst())
        #expect(StrictBase64.encode(short).count == StrictBase64.encode(signature).count)
        #expect(try TestKeys.a.publicKey.isValidSignature(StrictBase64.encode(signature), for: body, algorithm: .sha512WithRSA))
        #expect(try !TestKeys.a.publicKey.isValidSignature(StrictBase64.encode(short), for: body, algorithm: .sha512WithRSA))
        #expect(try !TestKeys.a.publicKey.isValidSignature(rawSignature: short, for: body, algorithm: .sha512WithRSA))
        let verdict = try WebhookVerifier(key: TestKeys.a.publicKey).verify(
            headers: [("fluent-signature", StrictBase64.encode(short))], body: body)
        #expect(verdict.failure?.code == .malformed)
    }

    // MARK: Duplicate member names

    @Test("a JSON member named twice is refused in keyrings, JWKs, events and canonical input")
    func duplicateMembers() throws {
        let x509 = TestKeys.a.publicKey.x509Base64
        let ring = Array(#"{"keys":[{"publicKey":"\#(x509)","retired":false,"retired":true}]}"#.utf8)
        #expect(throws: WebhookSignatureError.self) { try Keyring(json: ring) }
        do {
            _ = try Keyring(json: ring)
        } catch {
            #expect(error.code == .invalidKeyring)
            #expect(error.reason.contains("duplicate member name \"retired\""), "\(error.reason)")
            #expect(error.reason.contains("byte offset"), "\(error.reason)")
        }
        let jwk = #"{"kty":"RSA","e":"AQAB","e":"AwAB","n":"\#(String(decoding: TestKeys.a.publicKey.jwkRepresentation.utf8, as: UTF8.self))"}"#
        do {
            _ = try RSAPublicKey(parsing: jwk)
            Issue.record("a JWK with a duplicated member was accepted")
        } catch {
            #expect(error.code == .invalidJWK)
            #expect(error.reason.contains("duplicate member name \"e\""), "\(error.reason)")
        }
        for mode in [CanonicalMode.compact, .jcs] {
            do {
                _ = try Canonicalizer.canonicalize(Array(#"{"a":{"x":1,"\u0078":2}}"#.utf8), mode: mode)
                Issue.record("\(mode): accepted a duplicated member")
            } catch {
                #expect(error.code == .invalidJSON)
                #expect(error.reason.contains("byte offset 12"), "\(error.reason)")
            }
        }
        // The same name in different objects is fine.
        #expect(throws: Never.self) { try Canonicalizer.canonicalize(Array(#"{"a":{"x":1},"b":{"x":1}}"#.utf8), mode: .compact) }
    }

    // MARK: FIPS hosts

    @Test(
        "libgcrypt in FIPS mode verifies the platform's 1024-bit delivery under the default policy",
        .enabled(if: GcryptEngine.shared.fipsMode, "libgcrypt is not in FIPS mode (run with LIBGCRYPT_FORCE_FIPS_MODE=1)"),
        .enabled(if: Vectors.available, Vectors.skipNote))
    func fipsRealDelivery() throws {
        let d = try ReferenceVectorTests.Delivery.load()
        let key = try RSAPublicKey(parsing: d.publicKey, backend: .gcrypt)
        #expect(key.bitCount == 1024)
        let headers = [("flex.signature", d.flex), ("fluent-signature", d.fluent)]
        let verdict = try WebhookVerifier(key: key).verify(headers: headers, body: d.body)
        #expect(verdict.isValid, "\(String(describing: verdict.failure?.reason))")
        #expect(verdict.check(for: .md5WithRSA)?.outcome.code == .notChecked)
        // Checked for diagnosis, MD5's refusal is reported on its header and changes nothing.
        let diagnosed = try WebhookVerifier(key: key, policy: WebhookPolicy(checksUncountedHeaders: true)).verify(headers: headers, body: d.body)
        #expect(diagnosed.isValid)
        #expect(diagnosed.check(for: .md5WithRSA)?.outcome.code == .notAllowed)
        // Counted, it cannot be decided: an error, not a verdict.
        #expect(throws: WebhookSignatureError.self) {
            try WebhookVerifier(key: key, policy: WebhookPolicy(allowsLegacyMD5: true)).verify(headers: headers, body: d.body)
        }
        #expect(try key.isValidSignature(d.fluent, for: d.body, algorithm: .sha512WithRSA))
        // The CLI inherits the FIPS environment: the platform's delivery with both headers verifies.
        let dir = try CLI.temporaryDirectory()
        try Data(d.publicKey.utf8).write(to: dir.appendingPathComponent("platform.b64"))
        let cli = try CLI.run(
            ["verify", "--backend", "gcrypt", "--key", "platform.b64", "--header", "flex.signature: \(d.flex)",
             "--header", "fluent-signature: \(d.fluent)", Vectors.url("fluent/real-webhook-body.json").path], in: dir)
        #expect(cli.status == 0, "\(cli.stdout) \(cli.stderr)")
    }
}
