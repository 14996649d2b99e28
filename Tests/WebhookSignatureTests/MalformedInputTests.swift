import Foundation
import Testing

@testable import WebhookSignature
@testable import WebhookSignatureTestSupport

/// DER helpers for building broken keys by hand.
enum DERBuilder {
    static func tlv(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        let n = content.count
        var length: [UInt8]
        if n < 0x80 {
            length = [UInt8(n)]
        } else {
            var bytes: [UInt8] = []
            var v = n
            while v > 0 {
                bytes.insert(UInt8(v & 0xFF), at: 0)
                v >>= 8
            }
            length = [0x80 | UInt8(bytes.count)] + bytes
        }
        return [tag] + length + content
    }

    static func integer(_ bytes: [UInt8]) -> [UInt8] {
        tlv(0x02, (bytes.first ?? 0) & 0x80 != 0 ? [0] + bytes : bytes)
    }

    static func sequence(_ parts: [UInt8]...) -> [UInt8] { tlv(0x30, parts.flatMap { $0 }) }

    /// PKCS#1 RSAPublicKey with the given modulus and exponent bytes.
    static func rsaPublicKey(modulus: [UInt8], exponent: [UInt8]) -> [UInt8] {
        sequence(integer(modulus), integer(exponent))
    }

    /// An odd modulus-looking number of `bits` bits (not a real RSA modulus; shape checks come first).
    static func fakeModulus(bits: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0xA5, count: (bits + 7) / 8)
        bytes[0] = 0xC0
        bytes[bytes.count - 1] |= 1
        return bytes
    }
}

@Suite("Malformed input")
struct MalformedInputTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var input: [UInt8]
        var code: WebhookSignatureError.Code
        var testDescription: String { name }
    }

    static func file(_ name: String) -> [UInt8] { (try? KeyFormatTests.file(name)) ?? [] }

    static var publicCases: [Case] {
        let spki = file("rsa2048-spki.der")
        let good = DERBuilder.fakeModulus(bits: 1024)
        return [
            Case(name: "empty", input: [], code: .emptyInput),
            Case(name: "only whitespace", input: Array(" \n\t ".utf8), code: .emptyInput),
            Case(name: "base64 with a bad character", input: Array("MIGfMA0G*SqGSIb3".utf8), code: .notBase64),
            Case(name: "base64 with a bad length", input: Array("MIGfMA0GC".utf8), code: .notBase64),
            Case(name: "base64 with padding in the middle", input: Array("MIG=MA0G".utf8), code: .notBase64),
            Case(name: "binary junk", input: [0xFF, 0x00, 0x13, 0x37], code: .unrecognizedFormat),
            Case(name: "DER that is not a SEQUENCE", input: [0x04, 0x02, 0x01, 0x02], code: .notDER),
            Case(name: "DER truncated", input: Array(spki.dropLast(10)), code: .truncated),
            Case(name: "DER with trailing bytes", input: spki + [0, 0], code: .trailingBytes),
            Case(name: "base64 DER truncated", input: Array(Data(spki.dropLast(3)).base64EncodedString().utf8), code: .truncated),
            Case(name: "SEQUENCE of unrelated fields", input: DERBuilder.sequence(DERBuilder.tlv(0x01, [0xFF])), code: .notDER),
            Case(name: "EC public key", input: file("bad-ec-public.pem"), code: .ecKey),
            Case(name: "Ed25519 public key", input: file("bad-ed25519-public.pem"), code: .edwardsKey),
            Case(name: "DSA public key", input: file("bad-dsa-public.pem"), code: .dsaKey),
            Case(name: "private key given", input: file("rsa2048-pkcs8.pem"), code: .privateKeyGiven),
            Case(name: "PKCS#1 private key given", input: file("rsa2048-pkcs1-private.pem"), code: .privateKeyGiven),
            Case(name: "encrypted PKCS#8", input: file("bad-encrypted-pkcs8.pem"), code: .encryptedPrivateKey),
            Case(name: "RSA-512", input: file("bad-rsa512-public.b64"), code: .keyTooSmall),
            Case(
                name: "RSA-16392", input: DERBuilder.rsaPublicKey(modulus: DERBuilder.fakeModulus(bits: 16392), exponent: [1, 0, 1]),
                code: .keyTooLarge),
            Case(name: "exponent 1", input: DERBuilder.rsaPublicKey(modulus: good, exponent: [1]), code: .badExponent),
            Case(name: "even exponent", input: DERBuilder.rsaPublicKey(modulus: good, exponent: [1, 0, 0]), code: .badExponent),
            Case(
                name: "exponent over 64 bits", input: DERBuilder.rsaPublicKey(modulus: good, exponent: [1, 0, 0, 0, 0, 0, 0, 0, 1]),
                code: .badExponent),
            Case(
                name: "even modulus", input: DERBuilder.rsaPublicKey(modulus: good.dropLast() + [0x10], exponent: [1, 0, 1]),
                code: .invalidKey),
            Case(name: "negative modulus", input: DERBuilder.sequence(DERBuilder.tlv(0x02, good), DERBuilder.integer([1, 0, 1])), code: .notDER),
            Case(name: "CSR in PEM", input: file("bad-csr.pem"), code: .unsupportedPEMType),
            Case(name: "OpenSSH key", input: file("bad-openssh-private.pem"), code: .unsupportedPEMType),
            Case(name: "PEM without END", input: Array("-----BEGIN PUBLIC KEY-----\nMIGf\n".utf8), code: .invalidPEM),
            Case(
                name: "PEM label disagrees with content",
                input: Array(String(decoding: file("rsa2048-pkcs1-public.pem"), as: UTF8.self)
                    .replacingOccurrences(of: "RSA PUBLIC KEY", with: "PUBLIC KEY").utf8), code: .invalidPEM),
            Case(name: "PEM body not base64", input: Array("-----BEGIN PUBLIC KEY-----\nM!Gf\n-----END PUBLIC KEY-----\n".utf8), code: .invalidPEM),
            Case(name: "JWK of an EC key", input: Array(#"{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}"#.utf8), code: .ecKey),
            Case(name: "JWK without n", input: Array(#"{"kty":"RSA","e":"AQAB"}"#.utf8), code: .invalidJWK),
            Case(name: "JWK that is not JSON", input: Array(#"{"kty":"RSA","#.utf8), code: .invalidJWK),
            Case(name: "JWK set", input: Array(#"{"keys":[]}"#.utf8), code: .invalidJWK),
        ]
    }

    @Test("each malformed public key gets its documented code", arguments: publicCases, CryptoBackend.allCases)
    func publicKeyErrors(_ c: Case, backend: CryptoBackend) {
        #expect(!c.input.isEmpty || c.code == .emptyInput, "vector file missing for \(c.name)")
        do {
            let key = try RSAPublicKey(parsing: c.input, backend: backend)
            Issue.record("\(c.name): parsed as \(key)")
        } catch {
            #expect(error.code == c.code, "\(c.name): \(error)")
            #expect(!error.reason.isEmpty)
        }
    }

    static var privateCases: [Case] {
        [
            Case(name: "public key given", input: file("rsa2048-spki.pem"), code: .publicKeyGiven),
            Case(name: "certificate given", input: file("rsa2048-cert.pem"), code: .publicKeyGiven),
            Case(name: "encrypted PKCS#8", input: file("bad-encrypted-pkcs8.pem"), code: .encryptedPrivateKey),
            Case(name: "legacy encrypted PEM", input: file("bad-encrypted-legacy.pem"), code: .encryptedPrivateKey),
            Case(name: "EC private key (SEC 1)", input: file("bad-ec-private-sec1.pem"), code: .ecKey),
            Case(name: "EC private key (PKCS#8)", input: file("bad-ec-private-pkcs8.pem"), code: .ecKey),
            Case(name: "Ed25519 private key", input: file("bad-ed25519-private.pem"), code: .edwardsKey),
            Case(name: "DSA private key", input: file("bad-dsa-private.pem"), code: .dsaKey),
            Case(name: "truncated PKCS#8", input: Array(file("rsa2048-pkcs8.der").dropLast(1)), code: .truncated),
            Case(name: "mismatched private parts", input: mismatchedPrivateKey(), code: .invalidKey),
        ]
    }

    /// A private JWK whose d belongs to nothing: every part checks out alone, the pair does not.
    static func mismatchedPrivateKey() -> [UInt8] {
        guard let data = try? KeyFormatTests.file("rsa2048-private.jwk"),
            var object = try? JSONSerialization.jsonObject(with: Data(data)) as? [String: String],
            let d = object["d"]
        else { return [] }
        object["d"] = String(d.dropLast(2)) + (d.hasSuffix("AA") ? "AB" : "AA")
        object["dp"] = object["d"]
        guard let out = try? JSONSerialization.data(withJSONObject: object) else { return [] }
        return [UInt8](out)
    }

    @Test("each malformed private key gets its documented code", arguments: privateCases, CryptoBackend.allCases)
    func privateKeyErrors(_ c: Case, backend: CryptoBackend) {
        #expect(!c.input.isEmpty, "vector file missing for \(c.name)")
        do {
            _ = try RSAPrivateKey(parsing: c.input, backend: backend)
            Issue.record("\(c.name): parsed")
        } catch {
            #expect(error.code == c.code, "\(c.name): \(error)")
        }
    }

    @Test("malformed signatures are invalid, never errors", arguments: CryptoBackend.allCases)
    func malformedSignatures(backend: CryptoBackend) throws {
        let key = try RSAPublicKey(parsing: KeyFormatTests.file("rsa2048-spki.b64"), backend: backend)
        let expected = try KeyFormatTests.expected()
        let raw = try #require(Data(base64Encoded: expected.sha512)).map { $0 }
        let k = key.signatureByteCount
        let cases: [(String, String)] = [
            ("empty", ""),
            ("not base64", String(repeating: "!", count: expected.sha512.count)),
            ("unpadded", String(expected.sha512.dropLast(2))),
            ("non-canonical trailing bits", String(expected.sha512.dropLast(3)) + "B=="),
            ("one byte short", Data(raw.dropLast()).base64EncodedString()),
            ("one byte long", Data(raw + [0]).base64EncodedString()),
            ("leading zero byte added", Data([0] + raw).base64EncodedString()),
            ("all zeros", Data(repeating: 0, count: k).base64EncodedString()),
            ("equal to the modulus", Data(key.modulus).base64EncodedString()),
            ("all ones (above the modulus)", Data(repeating: 0xFF, count: k).base64EncodedString()),
            ("one", Data([UInt8](repeating: 0, count: k - 1) + [1]).base64EncodedString()),
            ("URL-safe alphabet", expected.sha512.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")),
        ]
        for (name, signature) in cases where signature != expected.sha512 {
            #expect(try !key.isValidSignature(signature, for: expected.body, algorithm: .sha512WithRSA), "\(name)")
        }
        #expect(try !key.isValidSignature(rawSignature: raw + [0], for: expected.body, algorithm: .sha512WithRSA))
        #expect(try !key.isValidSignature(rawSignature: [], for: expected.body, algorithm: .sha512WithRSA))
        #expect(try key.isValidSignature(rawSignature: raw, for: expected.body, algorithm: .sha512WithRSA))
    }

    @Test("every error code has a distinct name and number")
    func errorCodesAreDistinct() {
        let all = WebhookSignatureError.Code.all
        #expect(Set(all.map(\.name)).count == all.count)
        #expect(Set(all.map(\.number)).count == all.count)
        for code in all {
            #expect(WebhookSignatureError.Code(number: code.number) == code)
            #expect(WebhookSignatureError.Code(name: code.name) == code)
        }
    }
}
