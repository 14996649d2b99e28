import Testing
import WebhookSignature
@testable import WebhookSignatureTestSupport

/// The README's Swift quick start, compiled and run with concrete inputs.
@Suite("README example")
struct ReadmeExampleTests {
    @Test("the quick start verifies a signed delivery and rejects a changed one")
    func quickStart() throws {
        let sender = TestKeys.a
        let rawBody = SampleEvent.body
        let signed = try WebhookSigner(key: sender).headers(for: rawBody)
        let requestHeaders: [(String, String)] = [("Content-Type", "application/json")] + signed.map { ($0.name, $0.value) }

        let platformKey = try RSAPublicKey(parsing: sender.publicKey.x509Base64)
        let verifier = WebhookVerifier(keyring: Keyring(trusting: platformKey, label: "eu-prod"))
        let verdict = try verifier.verify(headers: requestHeaders, body: rawBody)
        #expect(verdict.isValid)
        #expect(verdict.verifiedKey?.displayName == "eu-prod")

        let changed = try verifier.verify(headers: requestHeaders, body: rawBody + [0x0A])
        #expect(changed.failure?.code.name == "body_mismatch")

        let headerValue = signed.first { $0.name == "fluent-signature" }!.value
        #expect(try platformKey.isValidSignature(headerValue, for: rawBody, algorithm: .sha512WithRSA))
        let senderKey = try RSAPrivateKey(parsing: sender.pemRepresentation)
        #expect(try WebhookSigner(key: senderKey).headers(for: rawBody).map(\.value) == signed.map(\.value))
    }
}
