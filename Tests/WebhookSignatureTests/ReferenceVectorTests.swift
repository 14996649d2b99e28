import Foundation
import Testing

@testable import WebhookSignature
@testable import WebhookSignatureTestSupport

/// The shared reference vectors, on every backend.
@Suite("Reference vectors", .enabled(if: Vectors.available, Vectors.skipNote))
struct ReferenceVectorTests {
    // MARK: The real platform delivery

    typealias Delivery = RealDelivery

    @Test("the real delivery verifies under both headers", arguments: CryptoBackend.allCases)
    func realDeliveryVerifies(backend: CryptoBackend) throws {
        let d = try Delivery.load()
        let key = try RSAPublicKey(parsing: d.publicKey, backend: backend)
        #expect(key.bitCount == 1024)
        #expect(key.publicExponentValue == 65537)
        #expect(try key.isValidSignature(d.fluent, for: d.body, algorithm: .sha512WithRSA))
        #expect(try key.isValidSignature(d.flex, for: d.body, algorithm: .md5WithRSA))
        // Each header only under its own algorithm.
        #expect(try !key.isValidSignature(d.fluent, for: d.body, algorithm: .md5WithRSA))
        #expect(try !key.isValidSignature(d.flex, for: d.body, algorithm: .sha512WithRSA))
    }

    @Test("the real delivery fails once the body is altered", arguments: CryptoBackend.allCases)
    func realDeliveryRejectsAlteredBodies(backend: CryptoBackend) throws {
        let d = try Delivery.load()
        let key = try RSAPublicKey(parsing: d.publicKey, backend: backend)
        for (name, altered) in try d.alteredBodies() {
            #expect(altered != d.body, "\(name)")
            #expect(try !key.isValidSignature(d.fluent, for: altered, algorithm: .sha512WithRSA), "\(name)")
            #expect(try !key.isValidSignature(d.flex, for: altered, algorithm: .md5WithRSA), "\(name)")
        }
    }

    // MARK: JDK-generated cases

    @Test("all JDK cases give the expected verdict, and signing reproduces them", arguments: CryptoBackend.allCases)
    func jdkVectors(backend: CryptoBackend) throws {
        let root = try #require(try Vectors.json("jdk/jdk-rsa-md5-sha512.json") as? [String: Any])
        let bodies = try field(root, "bodiesBase64", [String].self).map { [UInt8](Data(base64Encoded: $0)!) }
        let keys = try field(root, "keys", [[String: Any]].self)
        var checked = 0
        var resigned = 0
        for entry in keys {
            let publicKey = try RSAPublicKey(parsing: try field(entry, "publicKeyX509Base64", String.self), backend: backend)
            let privateKey = try RSAPrivateKey(parsing: try field(entry, "privateKeyPkcs8Base64", String.self), backend: backend)
            #expect(privateKey.publicKey == publicKey)
            #expect(publicKey.bitCount == Int(entry["bits"] as? String ?? "") ?? (entry["bits"] as? Int ?? -1))
            for c in try field(entry, "cases", [[String: Any]].self) {
                let algorithm = try #require(SignatureAlgorithm(name: try field(c, "alg", String.self)))
                let body = bodies[try field(c, "body", Int.self)]
                let signature = try field(c, "signatureBase64", String.self)
                let valid = try #require(c["valid"] as? Bool)
                #expect(try publicKey.isValidSignature(signature, for: body, algorithm: algorithm) == valid, "\(c["why"] ?? "")")
                if valid {
                    #expect(try privateKey.base64Signature(for: body, algorithm: algorithm) == signature)
                    resigned += 1
                }
                checked += 1
            }
        }
        #expect(checked == 128)
        #expect(resigned > 0)
    }

    // MARK: Wycheproof

    static let verifySuites = [
        "rsa_signature_2048_sha512_test.json", "rsa_signature_3072_sha512_test.json",
        "rsa_signature_4096_sha512_test.json", "rsa_signature_8192_sha512_test.json",
    ]

    /// `acceptable` cases in these suites are all flagged MissingNull (a DigestInfo without the NULL
    /// parameters). This package rejects them: the platform (Java) always writes the NULL, and one
    /// accepted encoding per digest leaves no room for malleability.
    @Test("Wycheproof SHA-512 verify suites", arguments: verifySuites, CryptoBackend.allCases)
    func wycheproofVerify(file: String, backend: CryptoBackend) throws {
        let root = try #require(try Vectors.json("wycheproof/\(file)") as? [String: Any])
        var counts: [String: Int] = [:]
        for group in try field(root, "testGroups", [[String: Any]].self) {
            let der = hexBytes(try field(group, "publicKeyDer", String.self))
            let key = try RSAPublicKey(parsing: der, backend: backend)
            for test in try field(group, "tests", [[String: Any]].self) {
                let message = hexBytes(try field(test, "msg", String.self))
                let signature = hexBytes(try field(test, "sig", String.self))
                let result = try field(test, "result", String.self)
                let flags = test["flags"] as? [String] ?? []
                let verdict = try key.isValidSignature(rawSignature: signature, for: message, algorithm: .sha512WithRSA)
                switch result {
                case "valid": #expect(verdict, "tcId \(test["tcId"] ?? "?")")
                case "invalid": #expect(!verdict, "tcId \(test["tcId"] ?? "?")")
                default:
                    #expect(flags == ["MissingNull"], "tcId \(test["tcId"] ?? "?") has unexpected acceptable flags \(flags)")
                    #expect(!verdict, "acceptable tcId \(test["tcId"] ?? "?") is rejected by policy")
                }
                counts[result, default: 0] += 1
            }
        }
        #expect(counts["valid", default: 0] >= 7)
        #expect(counts["invalid", default: 0] >= 250)
    }

    static let signatureGenerationSuites = [
        "rsa_pkcs1_2048_sig_gen_test.json", "rsa_pkcs1_3072_sig_gen_test.json", "rsa_pkcs1_4096_sig_gen_test.json",
    ]

    @Test("Wycheproof signature generation, SHA-512 groups", arguments: signatureGenerationSuites, CryptoBackend.allCases)
    func wycheproofSign(file: String, backend: CryptoBackend) throws {
        let root = try #require(try Vectors.json("wycheproof/\(file)") as? [String: Any])
        var signed = 0
        for group in try field(root, "testGroups", [[String: Any]].self) where group["sha"] as? String == "SHA-512" {
            let pkcs8 = hexBytes(try field(group, "privateKeyPkcs8", String.self))
            let privateKey = try RSAPrivateKey(parsing: pkcs8, backend: backend)
            let publicKey = try RSAPublicKey(parsing: hexBytes(try field(group, "keyDer", String.self)), backend: backend)
            #expect(privateKey.publicKey == publicKey)
            if let pem = group["privateKeyPem"] as? String {
                #expect(try RSAPrivateKey(parsing: pem, backend: backend).publicKey == publicKey)
            }
            for test in try field(group, "tests", [[String: Any]].self) {
                let message = hexBytes(try field(test, "msg", String.self))
                let expected = hexBytes(try field(test, "sig", String.self))
                #expect(try privateKey.signature(for: message, algorithm: .sha512WithRSA) == expected, "tcId \(test["tcId"] ?? "?")")
                #expect(try publicKey.isValidSignature(rawSignature: expected, for: message, algorithm: .sha512WithRSA))
                signed += 1
            }
        }
        #expect(signed > 0)
    }
}
