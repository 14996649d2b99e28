import WebhookSignature

/// Three RSA-1024 key pairs generated once per test run, shared by the suites.
package enum TestKeys {
    package static let a: RSAPrivateKey = try! RSAPrivateKey(generatingBits: 1024)
    package static let b: RSAPrivateKey = try! RSAPrivateKey(generatingBits: 1024)
    package static let c: RSAPrivateKey = try! RSAPrivateKey(generatingBits: 1024)
}
