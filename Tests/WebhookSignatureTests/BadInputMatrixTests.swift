import Foundation
import Testing

@testable import WebhookSignature
@testable import WebhookSignatureTestSupport

/// The bad-input matrix of docs/bad-input.md: each class of bad input (empty, truncated, wrong type,
/// wrong format, oversized, non-UTF-8, NUL bytes, duplicates, deep nesting) for each input (public
/// key, private key, signature, headers, body, keyring), run through each surface: the Swift API,
/// the C library (Tests/CLibrary/bad_input_matrix.c against the installed libwhsig) and the `whsig`
/// CLI. Every cell is executed and compared with the table below, and the table is the one the
/// document shows (`WHSIG_WRITE_BAD_INPUT_DOC=1 swift test --filter BadInputMatrix` rewrites it).
@Suite("Bad-input matrix", .serialized)
struct BadInputMatrixTests {
    // MARK: Fixtures

    enum Fixture {
        static let keys = Vectors.ownURL("keys")
        static func file(_ name: String) -> [UInt8] {
            (try? [UInt8](Data(contentsOf: keys.appendingPathComponent(name)))) ?? []
        }
        static let publicText = file("rsa2048-spki.b64")
        static let publicPEM = file("rsa2048-spki.pem")
        static let publicDER = file("rsa2048-spki.der")
        static let privatePEM = file("rsa2048-pkcs8.pem")
        static let privateDER = file("rsa2048-pkcs8.der")
        static let body = Array(#"{"id":"e1","name":"OrderStatus"}"#.utf8)
        static let expected: [String: String] = {
            let data = (try? Data(contentsOf: keys.appendingPathComponent("rsa2048-expected.json"))) ?? Data()
            return ((try? JSONSerialization.jsonObject(with: data)) as? [String: String]) ?? [:]
        }()
        static var sha512: String { expected["sha512Signature"] ?? "" }
        static var md5: String { expected["md5Signature"] ?? "" }
        static let privateKey: RSAPrivateKey = try! RSAPrivateKey(parsing: privatePEM)
        static func sign(_ body: [UInt8], _ algorithm: SignatureAlgorithm = .sha512WithRSA) -> String {
            try! privateKey.base64Signature(for: body, algorithm: algorithm)
        }
        static func fluent(_ value: String) -> ([UInt8], [UInt8]) { (Array("fluent-signature".utf8), Array(value.utf8)) }

        /// A SubjectPublicKeyInfo whose modulus has 16392 bits (one byte over the limit).
        static let oversizedModulus: [UInt8] = {
            func der(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
                var length: [UInt8]
                if content.count < 0x80 {
                    length = [UInt8(content.count)]
                } else {
                    var n = content.count
                    var bytes: [UInt8] = []
                    while n > 0 {
                        bytes.insert(UInt8(n & 0xFF), at: 0)
                        n >>= 8
                    }
                    length = [0x80 | UInt8(bytes.count)] + bytes
                }
                return [tag] + length + content
            }
            let modulus = [0x00] + [UInt8](repeating: 0xC5, count: 2049)
            let pkcs1 = der(0x30, der(0x02, modulus) + der(0x02, [0x01, 0x00, 0x01]))
            let algorithm = der(0x30, [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01, 0x05, 0x00])
            return der(0x30, algorithm + der(0x03, [0x00] + pkcs1))
        }()

        /// The private JWK with `d` replaced by another number: parts that do not belong together.
        static let inconsistentPrivate: [UInt8] = {
            var text = JWK.privateJSON(privateKey.components)
            let other = otherKey.components
            text = text.replacingOccurrences(of: JWK.base64url(privateKey.components.privateExponent), with: JWK.base64url(other.privateExponent))
            return Array(text.utf8)
        }()

        /// Another 2048-bit key (generated per run; no cell depends on its value).
        static let otherKey: RSAPrivateKey = try! RSAPrivateKey(generatingBits: 2048)

        static let keyringEntry = #"{"label":"k","publicKey":"\#(String(decoding: publicText, as: UTF8.self))"}"#
    }

    // MARK: The matrix

    enum Operation: Sendable {
        /// RSAPublicKey(parsing:) · whsig_public_key_parse · whsig verify --key FILE
        case publicKey
        /// RSAPrivateKey(parsing:) · whsig_private_key_parse · whsig sign --private-key FILE
        case privateKey
        /// RSAPublicKey.isValidSignature · whsig_verify · whsig verify --signature B64 --algorithm
        case signature(SignatureAlgorithm)
        /// WebhookVerifier.verify · whsig_verify_webhook · whsig verify --header ...
        case webhook(CanonicalMode, md5: Bool)
        /// Keyring(json:) · whsig_keyring_load_json · whsig verify --keyring FILE
        case keyring
        /// A C-only call (bad_input_matrix.c's operation name).
        case cOnly(String)
        /// A CLI-only invocation; `$D` is the row's directory, `$W` the whsig binary.
        case cliOnly(String)
    }

    struct Row: Sendable, CustomTestStringConvertible {
        var id: String
        var input: String
        var badClass: String
        var what: String
        var operation: Operation
        var bytes: [UInt8] = []
        var headers: [([UInt8], [UInt8])] = []
        var body: [UInt8] = Fixture.body
        var swift: String
        var c: String
        var cli: String

        var testDescription: String { id }
    }

    static let emptyInput = "throws `empty_input`"

    static let rows: [Row] = {
        var rows: [Row] = []
        func add(
            _ id: String, _ input: String, _ badClass: String, _ what: String, _ operation: Operation,
            bytes: [UInt8] = [], headers: [([UInt8], [UInt8])] = [], body: [UInt8] = Fixture.body,
            swift: String, c: String, cli: String
        ) {
            rows.append(Row(id: id, input: input, badClass: badClass, what: what, operation: operation, bytes: bytes, headers: headers, body: body, swift: swift, c: c, cli: cli))
        }
        let pemText = String(decoding: Fixture.publicPEM, as: UTF8.self)
        let b64 = Fixture.publicText

        // Public key.
        add("pub-empty", "public key", "empty", "a 0-byte file", .publicKey,
            swift: emptyInput, c: "`WHSIG_ERR_EMPTY_INPUT`", cli: "exit 2 `[empty_input]`")
        add("pub-blank", "public key", "empty", "only spaces and newlines", .publicKey, bytes: Array(" \n\t\r\n".utf8),
            swift: emptyInput, c: "`WHSIG_ERR_EMPTY_INPUT`", cli: "exit 2 `[empty_input]`")
        add("pub-truncated-pem", "public key", "truncated", "PEM without its END line", .publicKey,
            bytes: Array(pemText.components(separatedBy: "-----END").first!.utf8),
            swift: "throws `invalid_pem`", c: "`WHSIG_ERR_INVALID_PEM`", cli: "exit 2 `[invalid_pem]`")
        add("pub-truncated-der", "public key", "truncated", "SubjectPublicKeyInfo DER cut in half", .publicKey,
            bytes: Array(Fixture.publicDER.prefix(Fixture.publicDER.count / 2)),
            swift: "throws `truncated`", c: "`WHSIG_ERR_TRUNCATED`", cli: "exit 2 `[truncated]`")
        add("pub-truncated-b64", "public key", "truncated", "x509 base64 missing its last 12 characters", .publicKey,
            bytes: Array(b64.dropLast(12)),
            swift: "throws `truncated`", c: "`WHSIG_ERR_TRUNCATED`", cli: "exit 2 `[truncated]`")
        add("pub-private", "public key", "wrong type", "a private key (PKCS#8 PEM)", .publicKey, bytes: Fixture.privatePEM,
            swift: "throws `private_key_given`", c: "`WHSIG_ERR_PRIVATE_KEY_GIVEN`", cli: "exit 2 `[private_key_given]`")
        add("pub-ec", "public key", "wrong type", "an EC public key", .publicKey, bytes: Fixture.file("bad-ec-public.pem"),
            swift: "throws `ec_key`", c: "`WHSIG_ERR_EC_KEY`", cli: "exit 2 `[ec_key]`")
        add("pub-ed25519", "public key", "wrong type", "an Ed25519 public key", .publicKey, bytes: Fixture.file("bad-ed25519-public.pem"),
            swift: "throws `ed25519_key`", c: "`WHSIG_ERR_ED25519_KEY`", cli: "exit 2 `[ed25519_key]`")
        add("pub-small", "public key", "wrong type", "a 512-bit RSA key", .publicKey, bytes: Fixture.file("bad-rsa512-public.b64"),
            swift: "throws `key_too_small`", c: "`WHSIG_ERR_KEY_TOO_SMALL`", cli: "exit 2 `[key_too_small]`")
        add("pub-text", "public key", "wrong format", "prose: `hello, world`", .publicKey, bytes: Array("hello, world\n".utf8),
            swift: "throws `not_base64`", c: "`WHSIG_ERR_NOT_BASE64`", cli: "exit 2 `[not_base64]`")
        add("pub-jwk-broken", "public key", "wrong format", "a JWK cut mid-object: `{\"kty\":\"RSA\",`", .publicKey,
            bytes: Array(#"{"kty":"RSA","#.utf8),
            swift: "throws `invalid_jwk`", c: "`WHSIG_ERR_INVALID_JWK`", cli: "exit 2 `[invalid_jwk]`")
        add("pub-jwk-duplicate", "public key", "duplicate", "a JWK naming `n` twice", .publicKey,
            bytes: Array(#"{"kty":"RSA","n":"AQAB","n":"AQAB","e":"AQAB"}"#.utf8),
            swift: "throws `invalid_jwk`", c: "`WHSIG_ERR_INVALID_JWK`", cli: "exit 2 `[invalid_jwk]`")
        add("pub-csr", "public key", "wrong format", "a certificate signing request (PEM)", .publicKey, bytes: Fixture.file("bad-csr.pem"),
            swift: "throws `unsupported_pem_type`", c: "`WHSIG_ERR_UNSUPPORTED_PEM_TYPE`", cli: "exit 2 `[unsupported_pem_type]`")
        add("pub-oversized-input", "public key", "oversized", "1 MiB + 1 bytes of base64 text", .publicKey,
            bytes: [UInt8](repeating: UInt8(ascii: "A"), count: (1 << 20) + 1),
            swift: "throws `input_too_large`", c: "`WHSIG_ERR_INPUT_TOO_LARGE`", cli: "exit 2 `[input_too_large]`")
        add("pub-oversized-modulus", "public key", "oversized", "a 16392-bit modulus (limit 16384)", .publicKey, bytes: Fixture.oversizedModulus,
            swift: "throws `key_too_large`", c: "`WHSIG_ERR_KEY_TOO_LARGE`", cli: "exit 2 `[key_too_large]`")
        add("pub-binary", "public key", "non-UTF-8", "bytes `FF FE 41 42` (not DER, not text)", .publicKey, bytes: [0xFF, 0xFE, 0x41, 0x42],
            swift: "throws `unrecognized_format`", c: "`WHSIG_ERR_UNRECOGNIZED_FORMAT`", cli: "exit 2 `[unrecognized_format]`")
        add("pub-latin1", "public key", "non-UTF-8", "x509 base64 with a Latin-1 `é` (0xE9) inside", .publicKey,
            bytes: Array(b64.prefix(40)) + [0xE9] + Array(b64.dropFirst(40)),
            swift: "throws `unrecognized_format`", c: "`WHSIG_ERR_UNRECOGNIZED_FORMAT`", cli: "exit 2 `[unrecognized_format]`")
        add("pub-nul-b64", "public key", "NUL bytes", "x509 base64 with a NUL byte inside", .publicKey,
            bytes: Array(b64.prefix(40)) + [0] + Array(b64.dropFirst(40)),
            swift: "throws `unrecognized_format`", c: "`WHSIG_ERR_UNRECOGNIZED_FORMAT`", cli: "exit 2 `[unrecognized_format]`")
        add("pub-nul-pem", "public key", "NUL bytes", "PEM with a NUL byte in its body", .publicKey,
            bytes: Array(pemText.replacingOccurrences(of: "\nMIIB", with: "\nMI\u{0}IB").utf8),
            swift: "throws `invalid_pem`", c: "`WHSIG_ERR_INVALID_PEM`", cli: "exit 2 `[invalid_pem]`")
        add("pub-two-blocks", "public key", "duplicate", "two PEM blocks: another key's, then this one", .publicKey,
            bytes: Array((String(decoding: Fixture.file("bad-ec-public.pem"), as: UTF8.self) + pemText).utf8),
            swift: "throws `ec_key`", c: "`WHSIG_ERR_EC_KEY`", cli: "exit 2 `[ec_key]`")
        add("pub-two-rsa-blocks", "public key", "duplicate", "two RSA PEM blocks: the first one is read", .publicKey,
            bytes: Array((pemText + Fixture.otherKey.publicKey.pemRepresentation + pemText).utf8),
            swift: "accepted", c: "`WHSIG_OK`", cli: "exit 0")
        add("pub-nested-jwk", "public key", "deep nesting", "a JWK nesting 20 arrays (JWK limit 16)", .publicKey,
            bytes: Array((#"{"kty":"RSA","n":"# + String(repeating: "[", count: 20) + String(repeating: "]", count: 20) + "}").utf8),
            swift: "throws `invalid_jwk`", c: "`WHSIG_ERR_INVALID_JWK`", cli: "exit 2 `[invalid_jwk]`")

        // Private key.
        add("priv-empty", "private key", "empty", "a 0-byte file", .privateKey,
            swift: emptyInput, c: "`WHSIG_ERR_EMPTY_INPUT`", cli: "exit 2 `[empty_input]`")
        add("priv-truncated", "private key", "truncated", "PKCS#8 DER cut in half", .privateKey,
            bytes: Array(Fixture.privateDER.prefix(Fixture.privateDER.count / 2)),
            swift: "throws `truncated`", c: "`WHSIG_ERR_TRUNCATED`", cli: "exit 2 `[truncated]`")
        add("priv-public", "private key", "wrong type", "a public key", .privateKey, bytes: Fixture.publicPEM,
            swift: "throws `public_key_given`", c: "`WHSIG_ERR_PUBLIC_KEY_GIVEN`", cli: "exit 2 `[public_key_given]`")
        add("priv-encrypted", "private key", "wrong format", "an encrypted PKCS#8 key", .privateKey, bytes: Fixture.file("bad-encrypted-pkcs8.pem"),
            swift: "throws `encrypted_private_key`", c: "`WHSIG_ERR_ENCRYPTED_PRIVATE_KEY`", cli: "exit 2 `[encrypted_private_key]`")
        add("priv-openssh", "private key", "wrong format", "an OpenSSH private key", .privateKey, bytes: Fixture.file("bad-openssh-private.pem"),
            swift: "throws `unsupported_pem_type`", c: "`WHSIG_ERR_UNSUPPORTED_PEM_TYPE`", cli: "exit 2 `[unsupported_pem_type]`")
        add("priv-inconsistent", "private key", "wrong format", "a private JWK whose `d` belongs to another key", .privateKey,
            bytes: Fixture.inconsistentPrivate,
            swift: "throws `invalid_key`", c: "`WHSIG_ERR_INVALID_KEY`", cli: "exit 2 `[invalid_key]`")
        add("priv-nul", "private key", "NUL bytes", "PKCS#8 PEM with a NUL byte in its body", .privateKey,
            bytes: Array(String(decoding: Fixture.privatePEM, as: UTF8.self).replacingOccurrences(of: "\nMII", with: "\nM\u{0}II").utf8),
            swift: "throws `invalid_pem`", c: "`WHSIG_ERR_INVALID_PEM`", cli: "exit 2 `[invalid_pem]`")

        // One signature (single-signature API).
        add("sig-empty", "signature", "empty", "an empty signature text", .signature(.sha512WithRSA), bytes: [],
            swift: "`false`", c: "`WHSIG_INVALID_SIGNATURE`", cli: "exit 1 `malformed`")
        add("sig-truncated", "signature", "truncated", "the real signature less its last 4 characters", .signature(.sha512WithRSA),
            bytes: Array(Fixture.sha512.dropLast(4).utf8),
            swift: "`false`", c: "`WHSIG_INVALID_SIGNATURE`", cli: "exit 1 `malformed`")
        add("sig-md5-as-sha512", "signature", "wrong type", "the real MD5withRSA signature checked as SHA512withRSA", .signature(.sha512WithRSA),
            bytes: Array(Fixture.md5.utf8),
            swift: "`false`", c: "`WHSIG_INVALID_SIGNATURE`", cli: "exit 1 `wrong_algorithm`")
        add("sig-urlsafe", "signature", "wrong format", "the real signature in base64url (`-`, `_`)", .signature(.sha512WithRSA),
            bytes: Array(Fixture.sha512.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").utf8),
            swift: "`false`", c: "`WHSIG_INVALID_SIGNATURE`", cli: "exit 1 `malformed`")
        add("sig-oversized", "signature", "oversized", "3000 base64 characters", .signature(.sha512WithRSA),
            bytes: [UInt8](repeating: UInt8(ascii: "A"), count: 3000),
            swift: "`false`", c: "`WHSIG_INVALID_SIGNATURE`", cli: "exit 1 `malformed`")
        add("sig-non-utf8", "signature", "non-UTF-8", "the real signature with bytes `FF FE` inside", .signature(.sha512WithRSA),
            bytes: Array(Fixture.sha512.prefix(10).utf8) + [0xFF, 0xFE] + Array(Fixture.sha512.dropFirst(12).utf8),
            swift: "`false`", c: "`WHSIG_INVALID_SIGNATURE`", cli: "exit 1 `malformed`")
        add("sig-nul", "signature", "NUL bytes", "the real signature with a NUL byte appended", .signature(.sha512WithRSA),
            bytes: Array(Fixture.sha512.utf8) + [0],
            swift: "`false`", c: "`WHSIG_INVALID_SIGNATURE`", cli: "n/a (an argument cannot hold NUL)")

        // Signature headers (whole-delivery API).
        add("hdr-empty", "headers", "empty", "`fluent-signature:` with an empty value", .webhook(.raw, md5: false),
            headers: [Fixture.fluent("")],
            swift: "verdict `malformed`", c: "`WHSIG_INVALID_SIGNATURE`", cli: "exit 1 `malformed`")
        add("hdr-none", "headers", "empty", "no signature header at all (`content-type` only)", .webhook(.raw, md5: false),
            headers: [(Array("content-type".utf8), Array("application/json".utf8))],
            swift: "verdict `no_signature_header`", c: "`WHSIG_INVALID_SIGNATURE`", cli: "exit 2 (usage: no signature header)")
        add("hdr-truncated", "headers", "truncated", "the real signature less its last 4 characters", .webhook(.raw, md5: false),
            headers: [Fixture.fluent(String(Fixture.sha512.dropLast(4)))],
            swift: "verdict `malformed`", c: "`WHSIG_INVALID_SIGNATURE`", cli: "exit 1 `malformed`")
        add("hdr-md5-in-fluent", "headers", "wrong type", "the MD5withRSA signature sent as `fluent-signature`", .webhook(.raw, md5: false),
            headers: [Fixture.fluent(Fixture.md5)],
            swift: "verdict `wrong_algorithm`", c: "`WHSIG_INVALID_SIGNATURE`", cli: "exit 1 `wrong_algorithm`")
        add("hdr-md5-only", "headers", "wrong type", "only `flex.signature` (MD5) under the default policy", .webhook(.raw, md5: false),
            headers: [(Array("flex.signature".utf8), Array(Fixture.md5.utf8))],
            swift: "verdict `policy_not_met`", c: "`WHSIG_INVALID_SIGNATURE`", cli: "exit 1 `policy_not_met`")
        add("hdr-urlsafe", "headers", "wrong format", "the real signature in base64url", .webhook(.raw, md5: false),
            headers: [Fixture.fluent(Fixture.sha512.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_"))],
            swift: "verdict `malformed`", c: "`WHSIG_INVALID_SIGNATURE`", cli: "exit 1 `malformed`")
        add("hdr-oversized", "headers", "oversized", "a 100 000-character value (checked before decoding)", .webhook(.raw, md5: false),
            headers: [Fixture.fluent(String(repeating: "A", count: 100_000))],
            swift: "verdict `malformed`", c: "`WHSIG_INVALID_SIGNATURE`", cli: "exit 1 `malformed`")
        add("hdr-non-utf8", "headers", "non-UTF-8", "a value with bytes `FF FE` inside", .webhook(.raw, md5: false),
            headers: [(Array("fluent-signature".utf8), Array(Fixture.sha512.prefix(10).utf8) + [0xFF, 0xFE] + Array(Fixture.sha512.dropFirst(12).utf8))],
            swift: "verdict `malformed`", c: "`WHSIG_INVALID_SIGNATURE`", cli: "exit 1 `malformed`")
        add("hdr-nul", "headers", "NUL bytes", "the real signature with a NUL byte inside", .webhook(.raw, md5: false),
            headers: [(Array("fluent-signature".utf8), Array(Fixture.sha512.prefix(20).utf8) + [0] + Array(Fixture.sha512.dropFirst(20).utf8))],
            swift: "verdict `malformed`", c: "`WHSIG_INVALID_SIGNATURE`", cli: "n/a (an argument cannot hold NUL)")
        add("hdr-duplicate-conflicting", "headers", "duplicate", "`fluent-signature` twice, the real value and another", .webhook(.raw, md5: false),
            headers: [Fixture.fluent(Fixture.sha512), Fixture.fluent(Fixture.sign(Array("other".utf8)))],
            swift: "verdict `conflicting_values`", c: "`WHSIG_INVALID_SIGNATURE`", cli: "exit 1 `conflicting_values`")
        add("hdr-duplicate-same", "headers", "duplicate", "`fluent-signature` twice with the same real value", .webhook(.raw, md5: false),
            headers: [Fixture.fluent(Fixture.sha512), Fixture.fluent(Fixture.sha512)],
            swift: "valid", c: "`WHSIG_OK`", cli: "exit 0")
        add("hdr-duplicate-comma", "headers", "duplicate", "one value holding two signatures joined by a comma", .webhook(.raw, md5: false),
            headers: [Fixture.fluent(Fixture.sha512 + "," + Fixture.sign(Array("other".utf8)))],
            swift: "verdict `conflicting_values`", c: "`WHSIG_INVALID_SIGNATURE`", cli: "exit 1 `conflicting_values`")

        // Body.
        let signedBody = { (body: [UInt8]) in [Fixture.fluent(Fixture.sign(body))] }
        add("body-empty-raw", "body", "empty", "an empty body, raw mode (signature of another body)", .webhook(.raw, md5: false),
            headers: [Fixture.fluent(Fixture.sha512)], body: [],
            swift: "verdict `body_mismatch`", c: "`WHSIG_INVALID_SIGNATURE`", cli: "exit 1 `body_mismatch`")
        add("body-empty-jcs", "body", "empty", "an empty body, JCS mode", .webhook(.jcs, md5: false),
            headers: [Fixture.fluent(Fixture.sha512)], body: [],
            swift: "throws `invalid_json`", c: "`WHSIG_ERR_INVALID_JSON`", cli: "exit 2 `[invalid_json]`")
        add("body-truncated", "body", "truncated", "`{\"id\":\"e1\"` (JCS mode)", .webhook(.jcs, md5: false),
            headers: [Fixture.fluent(Fixture.sha512)], body: Array(#"{"id":"e1""#.utf8),
            swift: "throws `invalid_json`", c: "`WHSIG_ERR_INVALID_JSON`", cli: "exit 2 `[invalid_json]`")
        add("body-form", "body", "wrong format", "a form body `id=e1&name=x` (compact mode)", .webhook(.compact, md5: false),
            headers: [Fixture.fluent(Fixture.sha512)], body: Array("id=e1&name=x".utf8),
            swift: "throws `invalid_json`", c: "`WHSIG_ERR_INVALID_JSON`", cli: "exit 2 `[invalid_json]`")
        add("body-gzip", "body", "wrong type", "gzip-compressed bytes instead of JSON (compact mode)", .webhook(.compact, md5: false),
            headers: [Fixture.fluent(Fixture.sha512)], body: [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xAB, 0xAE, 0x05, 0x00],
            swift: "throws `invalid_json`", c: "`WHSIG_ERR_INVALID_JSON`", cli: "exit 2 `[invalid_json]`")
        add("body-number", "body", "oversized", "`[1e400]`: a number beyond IEEE 754 (JCS mode)", .webhook(.jcs, md5: false),
            headers: [Fixture.fluent(Fixture.sha512)], body: Array("[1e400]".utf8),
            swift: "throws `invalid_number`", c: "`WHSIG_ERR_INVALID_NUMBER`", cli: "exit 2 `[invalid_number]`")
        add("body-non-utf8", "body", "non-UTF-8", "`{\"a\":\"<FF>\"}` (JCS mode)", .webhook(.jcs, md5: false),
            headers: [Fixture.fluent(Fixture.sha512)], body: Array(#"{"a":""#.utf8) + [0xFF] + Array(#""}"#.utf8),
            swift: "throws `not_utf8`", c: "`WHSIG_ERR_NOT_UTF8`", cli: "exit 2 `[not_utf8]`")
        add("body-non-utf8-raw", "body", "non-UTF-8", "a Latin-1 body, signed, raw mode", .webhook(.raw, md5: false),
            headers: signedBody([0x7B, 0xE9, 0x7D]), body: [0x7B, 0xE9, 0x7D],
            swift: "valid", c: "`WHSIG_OK`", cli: "exit 0")
        add("body-nul-raw", "body", "NUL bytes", "a body with NUL bytes, signed, raw mode", .webhook(.raw, md5: false),
            headers: signedBody([0x7B, 0, 0, 0x7D]), body: [0x7B, 0, 0, 0x7D],
            swift: "valid", c: "`WHSIG_OK`", cli: "exit 0")
        add("body-nul-jcs", "body", "NUL bytes", "`[\"a<NUL>b\"]` (JCS mode)", .webhook(.jcs, md5: false),
            headers: [Fixture.fluent(Fixture.sha512)], body: Array(#"["a"#.utf8) + [0] + Array(#"b"]"#.utf8),
            swift: "throws `invalid_json`", c: "`WHSIG_ERR_INVALID_JSON`", cli: "exit 2 `[invalid_json]`")
        add("body-duplicate-jcs", "body", "duplicate", "`{\"a\":1,\"a\":2}` (JCS mode)", .webhook(.jcs, md5: false),
            headers: [Fixture.fluent(Fixture.sha512)], body: Array(#"{"a":1,"a":2}"#.utf8),
            swift: "throws `invalid_json`", c: "`WHSIG_ERR_INVALID_JSON`", cli: "exit 2 `[invalid_json]`")
        add("body-duplicate-compact", "body", "duplicate", "`{\"a\":1, \"a\":2}`, signed, compact mode", .webhook(.compact, md5: false),
            headers: signedBody(Array(#"{"a":1,"a":2}"#.utf8)), body: Array(#"{"a":1, "a":2}"#.utf8),
            swift: "throws `invalid_json`", c: "`WHSIG_ERR_INVALID_JSON`", cli: "exit 2 `[invalid_json]`")
        add("body-duplicate-raw", "body", "duplicate", "`{\"a\":1,\"a\":2}`, signed, raw mode (bytes, never parsed)", .webhook(.raw, md5: false),
            headers: signedBody(Array(#"{"a":1,"a":2}"#.utf8)), body: Array(#"{"a":1,"a":2}"#.utf8),
            swift: "valid", c: "`WHSIG_OK`", cli: "exit 0")
        add("body-nesting", "body", "deep nesting", "513 nested arrays (limit 512), JCS mode", .webhook(.jcs, md5: false),
            headers: [Fixture.fluent(Fixture.sha512)], body: Array((String(repeating: "[", count: 513) + String(repeating: "]", count: 513)).utf8),
            swift: "throws `nesting_too_deep`", c: "`WHSIG_ERR_NESTING_TOO_DEEP`", cli: "exit 2 `[nesting_too_deep]`")
        add("body-nesting-raw", "body", "deep nesting", "100 000 nested arrays, signed, raw mode (never parsed)", .webhook(.raw, md5: false),
            headers: signedBody(Array(String(repeating: "[", count: 100_000).utf8)), body: Array(String(repeating: "[", count: 100_000).utf8),
            swift: "valid", c: "`WHSIG_OK`", cli: "exit 0")

        // Keyring.
        let entry = Fixture.keyringEntry
        add("ring-empty", "keyring", "empty", "a 0-byte file", .keyring,
            swift: "throws `invalid_keyring`", c: "`WHSIG_ERR_INVALID_KEYRING`", cli: "exit 2 `[invalid_keyring]`")
        add("ring-truncated", "keyring", "truncated", "a keyring cut mid-entry", .keyring,
            bytes: Array(#"{"version":1,"keys":[\#(entry)"#.prefix(60).utf8),
            swift: "throws `invalid_keyring`", c: "`WHSIG_ERR_INVALID_KEYRING`", cli: "exit 2 `[invalid_keyring]`")
        add("ring-array", "keyring", "wrong type", "a JSON array instead of an object", .keyring, bytes: Array("[\(entry)]".utf8),
            swift: "throws `invalid_keyring`", c: "`WHSIG_ERR_INVALID_KEYRING`", cli: "exit 2 `[invalid_keyring]`")
        add("ring-private", "keyring", "wrong type", "an entry whose publicKey is a private key", .keyring,
            bytes: Array(#"{"keys":[{"publicKey":"\#(String(decoding: Fixture.file("rsa2048-pkcs8.b64"), as: UTF8.self))"}]}"#.utf8),
            swift: "throws `invalid_keyring`", c: "`WHSIG_ERR_INVALID_KEYRING`", cli: "exit 2 `[invalid_keyring]`")
        add("ring-version", "keyring", "wrong format", "`\"version\": 2`", .keyring, bytes: Array(#"{"version":2,"keys":[\#(entry)]}"#.utf8),
            swift: "throws `invalid_keyring`", c: "`WHSIG_ERR_INVALID_KEYRING`", cli: "exit 2 `[invalid_keyring]`")
        add("ring-time", "keyring", "wrong format", "`\"notBefore\": \"yesterday\"`", .keyring,
            bytes: Array(#"{"keys":[{"publicKey":"\#(String(decoding: b64, as: UTF8.self))","notBefore":"yesterday"}]}"#.utf8),
            swift: "throws `invalid_keyring`", c: "`WHSIG_ERR_INVALID_KEYRING`", cli: "exit 2 `[invalid_keyring]`")
        add("ring-oversized", "keyring", "oversized", "an entry whose publicKey is 1 MiB + 1 characters", .keyring,
            bytes: Array(#"{"keys":[{"publicKey":""#.utf8) + [UInt8](repeating: UInt8(ascii: "A"), count: (1 << 20) + 1) + Array(#""}]}"#.utf8),
            swift: "throws `invalid_keyring`", c: "`WHSIG_ERR_INVALID_KEYRING`", cli: "exit 2 `[invalid_keyring]`")
        add("ring-non-utf8", "keyring", "non-UTF-8", "a label with byte `FF`", .keyring,
            bytes: Array(#"{"keys":[{"label":""#.utf8) + [0xFF] + Array(#"","publicKey":"\#(String(decoding: b64, as: UTF8.self))"}]}"#.utf8),
            swift: "throws `invalid_keyring`", c: "`WHSIG_ERR_INVALID_KEYRING`", cli: "exit 2 `[invalid_keyring]`")
        add("ring-nul", "keyring", "NUL bytes", "a NUL byte between members", .keyring,
            bytes: Array(#"{"keys":[]"#.utf8) + [0] + Array("}".utf8),
            swift: "throws `invalid_keyring`", c: "`WHSIG_ERR_INVALID_KEYRING`", cli: "exit 2 `[invalid_keyring]`")
        add("ring-duplicate-key", "keyring", "duplicate", "the same key twice", .keyring,
            bytes: Array(#"{"keys":[{"publicKey":"\#(String(decoding: b64, as: UTF8.self))"},{"publicKey":"\#(String(decoding: b64, as: UTF8.self))"}]}"#.utf8),
            swift: "throws `invalid_keyring`", c: "`WHSIG_ERR_INVALID_KEYRING`", cli: "exit 2 `[invalid_keyring]`")
        add("ring-duplicate-member", "keyring", "duplicate", "an entry naming `retired` twice (false, then true)", .keyring,
            bytes: Array(#"{"keys":[{"publicKey":"\#(String(decoding: b64, as: UTF8.self))","retired":false,"retired":true}]}"#.utf8),
            swift: "throws `invalid_keyring`", c: "`WHSIG_ERR_INVALID_KEYRING`", cli: "exit 2 `[invalid_keyring]`")
        add("ring-duplicate-label", "keyring", "duplicate", "two keys with the same label", .keyring,
            bytes: Array(#"{"keys":[\#(entry),{"label":"k","publicKey":"\#(Fixture.otherKey.publicKey.x509Base64)"}]}"#.utf8),
            swift: "throws `invalid_keyring`", c: "`WHSIG_ERR_INVALID_KEYRING`", cli: "exit 2 `[invalid_keyring]`")
        add("ring-label-id", "keyring", "duplicate", "a label equal to another key's id (it would shadow that id)", .keyring,
            bytes: Array(#"{"keys":[{"label":"\#(Fixture.privateKey.publicKey.fingerprint.hex)","publicKey":"\#(Fixture.otherKey.publicKey.x509Base64)"},{"publicKey":"\#(String(decoding: b64, as: UTF8.self))"}]}"#.utf8),
            swift: "throws `invalid_keyring`", c: "`WHSIG_ERR_INVALID_KEYRING`", cli: "exit 2 `[invalid_keyring]`")
        add("ring-nesting", "keyring", "deep nesting", "an entry nesting 10 arrays (keyring limit 8)", .keyring,
            bytes: Array(#"{"keys":[{"publicKey":"x","extra":\#(String(repeating: "[", count: 10) + String(repeating: "]", count: 10))}]}"#.utf8),
            swift: "throws `invalid_keyring`", c: "`WHSIG_ERR_INVALID_KEYRING`", cli: "exit 2 `[invalid_keyring]`")

        // One surface only.
        add("c-null", "C arguments", "empty", "`whsig_public_key_parse(NULL, 5, &key)`", .cOnly("null-text"),
            swift: "n/a (no null pointers)", c: "`WHSIG_ERR_NULL_ARGUMENT`", cli: "n/a")
        add("c-algorithm", "C arguments", "wrong type", "`whsig_verify` with algorithm 7", .cOnly("unknown-algorithm"),
            swift: "n/a (an enum)", c: "`WHSIG_ERR_UNKNOWN_ALGORITHM`", cli: "n/a")
        add("c-mode", "C arguments", "wrong type", "`whsig_canonicalize` with mode 9", .cOnly("unknown-mode"),
            swift: "n/a (an enum)", c: "`WHSIG_ERR_UNKNOWN_CANONICAL_MODE`", cli: "n/a")
        add("c-buffer", "C arguments", "oversized", "`whsig_sign` output into a 16-byte buffer", .cOnly("small-buffer"),
            swift: "n/a (returns an array)", c: "`WHSIG_ERR_BUFFER_TOO_SMALL`", cli: "n/a")
        add("cli-missing-file", "CLI arguments", "empty", "a key path that does not exist", .cliOnly(#""$W" verify --key "$D/none" --header "fluent-signature: AAAA" "$D/body""#),
            swift: "n/a", c: "n/a", cli: "exit 2 (usage: no such file)")
        add("cli-directory", "CLI arguments", "wrong type", "a directory as the body file", .cliOnly(#""$W" verify --key "$D/good.pub" --header "fluent-signature: AAAA" "$D""#),
            swift: "n/a", c: "n/a", cli: "exit 2 (usage: it is a directory)")
        add("cli-header-format", "CLI arguments", "wrong format", "`--header` without a colon", .cliOnly(#""$W" verify --key "$D/good.pub" --header "fluent-signature AAAA" "$D/body""#),
            swift: "n/a (headers are pairs)", c: "n/a (headers are pairs)", cli: "exit 2 (usage: not NAME: VALUE)")
        return rows
    }()

    // MARK: Running a cell

    static func swiftCell(_ row: Row) -> String {
        func thrown(_ error: WebhookSignatureError) -> String { "throws `\(error.code)`" }
        switch row.operation {
        case .publicKey:
            do {
                _ = try RSAPublicKey(parsing: row.bytes)
                return "accepted"
            } catch { return thrown(error) }
        case .privateKey:
            do {
                _ = try RSAPrivateKey(parsing: row.bytes)
                return "accepted"
            } catch { return thrown(error) }
        case .keyring:
            do {
                _ = try Keyring(json: row.bytes)
                return "accepted"
            } catch { return thrown(error) }
        case .signature(let algorithm):
            do {
                let key = Fixture.privateKey.publicKey
                return "`\(try key.isValidSignature(String(decoding: row.bytes, as: UTF8.self), for: row.body, algorithm: algorithm))`"
            } catch { return thrown(error) }
        case .webhook(let mode, let md5):
            let verifier = WebhookVerifier(key: Fixture.privateKey.publicKey, policy: WebhookPolicy(allowsLegacyMD5: md5, canonicalization: mode))
            // Swift headers are Strings: invalid UTF-8 arrives replaced by U+FFFD.
            let headers = row.headers.map { (String(decoding: $0.0, as: UTF8.self), String(decoding: $0.1, as: UTF8.self)) }
            do {
                let verdict = try verifier.verify(headers: headers, body: row.body)
                return verdict.failure.map { "verdict `\($0.code)`" } ?? "valid"
            } catch { return thrown(error) }
        case .cOnly, .cliOnly:
            return row.swift
        }
    }

    /// Writes the row's files into `directory`: `input` (key, signature or keyring), `body`, `h0`…, `good.pub`, `good.key`.
    static func writeFiles(_ row: Row, to directory: URL) throws {
        func write(_ name: String, _ bytes: [UInt8]) throws { try Data(bytes).write(to: directory.appendingPathComponent(name)) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try write("input", row.bytes)
        try write("body", row.body)
        try write("good.pub", Fixture.publicText)
        try write("good.key", Fixture.privatePEM)
        for (i, header) in row.headers.enumerated() {
            try write("h\(i)", header.0 + Array(": ".utf8) + header.1)
        }
    }

    static func cliCell(_ row: Row, in directory: URL) throws -> String {
        var script: String
        let headerArguments = row.headers.indices.map { #"--header "$(cat "$D/h\#($0)")""# }.joined(separator: " ")
        switch row.operation {
        case .publicKey:
            script = #""$W" verify --json --key "$D/input" --signature "\#(Fixture.sha512)" --algorithm sha512 "$D/body""#
        case .privateKey:
            script = #""$W" sign --private-key "$D/input" --algorithm sha512 "$D/body""#
        case .keyring:
            script = #""$W" verify --json --keyring "$D/input" --header "fluent-signature: \#(Fixture.sha512)" "$D/body""#
        case .signature(let algorithm):
            if row.bytes.contains(0) { return row.cli }
            script = #""$W" verify --json --key "$D/good.pub" --signature "$(cat "$D/input")" --algorithm \#(algorithm.shortName) "$D/body""#
        case .webhook(let mode, let md5):
            if row.headers.contains(where: { $0.0.contains(0) || $0.1.contains(0) }) { return row.cli }
            script = #""$W" verify --json --key "$D/good.pub" --canonical \#(mode.name)\#(md5 ? " --allow-md5" : "") \#(headerArguments) "$D/body""#
        case .cOnly:
            return row.cli
        case .cliOnly(let command):
            script = command
        }
        let result = try Shell.run(
            "/bin/bash", ["-c", "exec " + script], environment: ["W": CLI.binary.path, "D": directory.path, "LC_ALL": "C"])
        switch result.status {
        case 0:
            return "exit 0"
        case 1:
            let json = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any]
            let failure = (json?["failure"] as? [String: Any])?["code"] as? String
            return "exit 1 `\(failure ?? "?")`"
        case 2:
            if let match = result.stderr.firstMatch(of: /\[([a-z0-9_]+)\]\s*$/) { return "exit 2 `[\(match.1)]`" }
            // Usage failures print a sentence without a code; the cell names what it says.
            let said = result.stderr.lowercased()
            for (needle, label) in [
                ("no signature header", "no signature header"), ("no such file", "no such file"),
                ("it is a directory", "it is a directory"), ("is not of the form", "not NAME: VALUE"),
            ] where said.contains(needle) {
                return "exit 2 (usage: \(label))"
            }
            return "exit 2 (usage: \(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)))"
        default:
            return "exit \(result.status): \(result.stderr.suffix(300))"
        }
    }

    /// The manifest line bad_input_matrix.c runs for a row, or nil when the row has no C cell.
    static func cManifestLine(_ row: Row, in directory: URL) -> String? {
        let d = directory.path
        var fields: [String]
        switch row.operation {
        case .publicKey: fields = ["pubkey", "\(d)/input"]
        case .privateKey: fields = ["privkey", "\(d)/input"]
        case .keyring: fields = ["keyring", "\(d)/input"]
        case .signature(let algorithm): fields = ["verify", "\(d)/good.pub", algorithm.shortName, "\(d)/body", "\(d)/input"]
        case .webhook(let mode, let md5):
            fields = ["webhook", "\(d)/good.pub", mode.name, md5 ? "1" : "0", "\(d)/body"] + row.headers.indices.map { "\(d)/hc\($0)" }
        case .cOnly("unknown-mode"): fields = ["unknown-mode", "\(d)/body"]
        case .cOnly("unknown-algorithm"): fields = ["unknown-algorithm", "\(d)/good.pub"]
        case .cOnly("small-buffer"): fields = ["small-buffer", "\(d)/good.key"]
        case .cOnly(let op): fields = [op]
        case .cliOnly: return nil
        }
        return ([row.id] + fields).joined(separator: "\t")
    }

    /// Status numbers to macro names, from the header.
    static func statusNames() throws -> [Int32: String] {
        let text = try String(contentsOf: Vectors.packageRoot.appendingPathComponent("Sources/CWebhookSignature/include/whsig.h"), encoding: .utf8)
        var names: [Int32: String] = [:]
        for match in text.matches(of: /#define (WHSIG_[A-Z0-9_]+) \(?(-?\d+)\)?/) {
            if let n = Int32(match.2), names[n] == nil { names[n] = String(match.1) }
        }
        return names
    }

    // MARK: Tests

    @Test("Swift API cells", arguments: rows)
    func swiftAPI(row: Row) {
        let actual = Self.swiftCell(row)
        #expect(actual == row.swift, "\(row.id) (\(row.what)): the Swift API gives \(actual)")
    }

    @Test("CLI cells", arguments: rows)
    func cli(row: Row) throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.writeFiles(row, to: directory)
        let actual = try Self.cliCell(row, in: directory)
        #expect(actual == row.cli, "\(row.id) (\(row.what)): the CLI gives \(actual)")
    }

    @Test("C library cells (bad_input_matrix.c against the installed libwhsig, under valgrind when present)",
        .enabled(if: Shell.has("gcc")))
    func cLibrary() throws {
        let install = try CLibraryInstall.installed()
        let work = install.prefix.appendingPathComponent("bad-input-matrix")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let program = work.appendingPathComponent("bad_input_matrix")
        let pkg = try Shell.run(
            "/usr/bin/env", ["pkg-config", "--cflags", "--libs", "whsig"], environment: ["PKG_CONFIG_PATH": install.pkgConfigPath])
        try #require(pkg.status == 0, "\(pkg.stderr)")
        let flags = pkg.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        let gcc = try Shell.run(
            "/usr/bin/env",
            ["gcc", "-std=c99", "-Wall", "-Wextra", "-pedantic", "-Werror",
             Vectors.packageRoot.appendingPathComponent("Tests/CLibrary/bad_input_matrix.c").path]
                + flags + ["-Wl,-rpath,\(install.libDirectory)", "-o", program.path])
        try #require(gcc.status == 0, "bad_input_matrix.c does not compile:\n\(gcc.stderr)")

        var manifest = ""
        for row in Self.rows {
            let directory = work.appendingPathComponent(row.id)
            try Self.writeFiles(row, to: directory)
            // C headers keep their bytes exactly: name, ':', value (the library trims the value).
            for (i, header) in row.headers.enumerated() {
                try Data(header.0 + [UInt8(ascii: ":")] + header.1).write(to: directory.appendingPathComponent("hc\(i)"))
            }
            if let line = Self.cManifestLine(row, in: directory) { manifest += line + "\n" }
        }
        let manifestURL = work.appendingPathComponent("manifest.tsv")
        try manifest.write(to: manifestURL, atomically: true, encoding: .utf8)

        var command = [program.path, manifestURL.path]
        if Shell.has("valgrind") {
            let suppressions = Vectors.packageRoot.appendingPathComponent("Tests/CLibrary/valgrind.supp").path
            command = ["valgrind", "--error-exitcode=3", "--leak-check=full", "--errors-for-leak-kinds=definite",
                       "--suppressions=\(suppressions)"] + command
        }
        let result = try Shell.run("/usr/bin/env", command)
        #expect(result.status == 0, "bad_input_matrix exited \(result.status):\n\(result.stderr.suffix(6000))")

        let names = try Self.statusNames()
        var seen: [String: String] = [:]
        for line in result.stdout.split(separator: "\n") {
            let parts = line.split(separator: "\t")
            guard parts.count == 2, let number = Int32(parts[1]) else { continue }
            seen[String(parts[0])] = "`\(names[number] ?? "status \(number)")`"
        }
        for row in Self.rows {
            let actual = Self.cManifestLine(row, in: work) == nil ? row.c : (seen[row.id] ?? "did not run")
            #expect(actual == row.c, "\(row.id) (\(row.what)): the C library gives \(actual)")
        }
    }

    // MARK: The document

    static func renderTable() -> String {
        var lines = [
            "| Input | Class | Bad input | Swift API | C library | CLI |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for row in rows {
            let cells = [row.input, row.badClass, row.what, row.swift, row.c, row.cli].map { $0.replacingOccurrences(of: "|", with: "\\|") }
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }

    @Test("docs/bad-input.md shows exactly this matrix")
    func documentMatches() throws {
        let url = Vectors.packageRoot.appendingPathComponent("docs/bad-input.md")
        let text = try String(contentsOf: url, encoding: .utf8)
        let begin = "<!-- matrix:begin (generated by BadInputMatrixTests) -->\n"
        let end = "<!-- matrix:end -->"
        let table = Self.renderTable() + "\n"
        guard let start = text.range(of: begin), let stop = text.range(of: end, range: start.upperBound..<text.endIndex) else {
            Issue.record("docs/bad-input.md lacks the matrix markers")
            return
        }
        if ProcessInfo.processInfo.environment["WHSIG_WRITE_BAD_INPUT_DOC"] == "1" {
            try (String(text[..<start.upperBound]) + table + String(text[stop.lowerBound...])).write(to: url, atomically: true, encoding: .utf8)
            return
        }
        #expect(String(text[start.upperBound..<stop.lowerBound]) == table, "regenerate with WHSIG_WRITE_BAD_INPUT_DOC=1")
    }

    @Test("every class of bad input meets every input it applies to")
    func coverage() {
        let classes = ["empty", "truncated", "wrong type", "wrong format", "oversized", "non-UTF-8", "NUL bytes", "duplicate", "deep nesting"]
        for input in ["public key", "headers", "body", "keyring"] {
            let present = Set(Self.rows.filter { $0.input == input }.map(\.badClass))
            for badClass in classes where !present.contains(badClass) {
                // Headers cannot nest; every other pair is covered.
                if input == "headers" && badClass == "deep nesting" { continue }
                Issue.record("no row for \(badClass) \(input)")
            }
        }
        #expect(Set(Self.rows.map(\.id)).count == Self.rows.count, "row ids must be unique")
    }
}
