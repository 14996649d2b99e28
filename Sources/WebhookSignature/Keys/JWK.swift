import ExtrasBase64

/// RSA keys as JSON Web Keys (RFC 7517/7518): `{"kty":"RSA","n":…,"e":…}`, private members optional.
enum JWK {
    /// Reads a JWK; returns the key and whether it was private.
    static func parse(_ bytes: [UInt8]) throws(WebhookSignatureError) -> (KeyContent, Bool) {
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes, maxDepth: 16)
        } catch {
            throw WebhookSignatureError(.invalidJWK, "the key looks like a JWK but is not valid JSON: \(error.reason)")
        }
        guard value.objectMembers != nil else { throw WebhookSignatureError(.invalidJWK, "a JWK must be a JSON object") }
        if value[member: "keys"] != nil {
            throw WebhookSignatureError(.invalidJWK, "this is a JWK Set; pass one key of it")
        }
        guard let kty = value[member: "kty"]?.stringValue else {
            throw WebhookSignatureError(.invalidJWK, "the JWK has no \"kty\" string member")
        }
        switch kty {
        case "RSA": break
        case "EC": throw WebhookSignatureError(.ecKey, "this JWK is an EC key (kty EC); an RSA key is required")
        case "OKP": throw WebhookSignatureError(.edwardsKey, "this JWK is an OKP (Ed25519/X25519) key; an RSA key is required")
        default: throw WebhookSignatureError(.invalidJWK, "the JWK's kty is \"\(kty)\"; \"RSA\" is required")
        }
        func member(_ name: String) throws(WebhookSignatureError) -> [UInt8]? {
            guard let entry = value[member: name] else { return nil }
            guard let text = entry.stringValue else {
                throw WebhookSignatureError(.invalidJWK, "the JWK member \"\(name)\" must be a base64url string")
            }
            do {
                let decoded = try Base64.decode(string: text, options: [.base64UrlAlphabet, .omitPaddingCharacter])
                if decoded.isEmpty { throw WebhookSignatureError(.invalidJWK, "the JWK member \"\(name)\" is empty") }
                return decoded
            } catch let error as WebhookSignatureError {
                throw error
            } catch {
                throw WebhookSignatureError(.invalidJWK, "the JWK member \"\(name)\" is not base64url without padding")
            }
        }
        guard let n = try member("n"), let e = try member("e") else {
            throw WebhookSignatureError(.invalidJWK, "an RSA JWK needs both \"n\" and \"e\"")
        }
        if let d = try member("d") {
            guard let p = try member("p"), let q = try member("q"), let dp = try member("dp"), let dq = try member("dq"),
                let qi = try member("qi")
            else {
                throw WebhookSignatureError(.invalidJWK, "a private RSA JWK needs p, q, dp, dq and qi as well as d")
            }
            if value[member: "oth"] != nil {
                throw WebhookSignatureError(.invalidKey, "multi-prime RSA private keys are not supported")
            }
            let components = try RSAPrivateComponents(
                modulus: n, publicExponent: e, privateExponent: d, prime1: p, prime2: q, exponent1: dp, exponent2: dq,
                coefficient: qi)
            return (.privateKey(components, .jwk), true)
        }
        return (.publicKey(try RSAPublicComponents(modulus: n, publicExponent: e), .jwk), false)
    }

    static func base64url(_ bytes: [UInt8]) -> String {
        Base64.encodeToString(bytes: bytes, options: [.base64UrlAlphabet, .omitPaddingCharacter])
    }

    /// `{"kty":"RSA","n":"…","e":"…"}` (members in RFC 7638 thumbprint order).
    static func publicJSON(_ key: RSAPublicComponents) -> String {
        "{\"e\":\"\(base64url(key.publicExponent))\",\"kty\":\"RSA\",\"n\":\"\(base64url(key.modulus))\"}"
    }

    /// The private JWK with every CRT member.
    static func privateJSON(_ key: RSAPrivateComponents) -> String {
        let pub = key.publicComponents
        return "{\"kty\":\"RSA\",\"n\":\"\(base64url(pub.modulus))\",\"e\":\"\(base64url(pub.publicExponent))\","
            + "\"d\":\"\(base64url(key.privateExponent))\",\"p\":\"\(base64url(key.prime1))\",\"q\":\"\(base64url(key.prime2))\","
            + "\"dp\":\"\(base64url(key.exponent1))\",\"dq\":\"\(base64url(key.exponent2))\",\"qi\":\"\(base64url(key.coefficient))\"}"
    }
}
