import ArgumentParser
import Foundation
import WebhookSignature

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign and verify the sample event end to end, with a fresh key pair.",
        discussion: """
            Makes a 2048-bit key pair, signs the documentation's sample event as the platform does,
            prints both headers, verifies them, and shows that a one-byte change is rejected.

            Example:
              whsig demo
            """
    )

    @OptionGroup var backendOptions: BackendOptions

    func run() async throws {
        let backend = backendOptions.backend
        let body = SampleEvent.body
        print("1. A fresh RSA-2048 key pair (\(backend), \(backend.libraryVersion)).")
        let privateKey = try RSAPrivateKey(generatingBits: 2048, backend: backend)
        let publicKey = privateKey.publicKey
        print("   public key (x509 base64): \(publicKey.x509Base64.prefix(48))...")
        print("   key id (sha256 of SubjectPublicKeyInfo): \(publicKey.fingerprint)")

        print("\n2. The sample event, \(body.count) bytes of compact JSON:")
        print("   \(SampleEvent.text)")

        print("\n3. Signed as the platform signs it (RSASSA-PKCS1-v1_5, standard base64):")
        let headers = try WebhookSigner(key: privateKey).headers(for: body)
        for (name, value) in headers { print("   \(name): \(value)") }

        print("\n4. Verified by a receiver that trusts the public key (default policy: fluent-signature required):")
        let verifier = WebhookVerifier(keyring: Keyring(trusting: publicKey, label: "demo"))
        let verdict = try verifier.verify(headers: headers, body: body)
        for check in verdict.checks {
            if check.outcome.code == .notChecked {
                print("   \(check.header): not checked - MD5 is neither counted nor checked by default (--check-all checks it)")
            } else {
                print("   \(check.header): \(check.isValid ? "valid" : "INVALID") - \(check.outcome.reason)")
            }
        }
        print("   verdict: \(verdict.isValid ? "valid" : "INVALID")")

        print("\n5. The same headers over a body with one byte changed (\"SHIPPED\" -> \"SHIPPEd\"):")
        var tampered = body
        if let range = SampleEvent.text.range(of: "SHIPPED") {
            let offset = SampleEvent.text.utf8.distance(from: SampleEvent.text.startIndex, to: range.upperBound) - 1
            tampered[offset] = UInt8(ascii: "d")
        }
        let rejected = try verifier.verify(headers: headers, body: tampered)
        print("   verdict: \(rejected.isValid ? "VALID (unexpected)" : "invalid") - \(rejected.failure?.reason ?? "")")

        guard verdict.isValid, !rejected.isValid, tampered != body else {
            printError("the demo did not behave as expected")
            throw ExitCode(Exit.invalid)
        }
        print("\nDone: the signed event verifies and the altered one is rejected.")
    }
}
