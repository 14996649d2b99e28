// Fuzz target `keys`: the input bytes, as they are, to every key parser.
//
// Invariants (a violation traps):
// - every thrown error is a WebhookSignatureError with a known code and a non-empty reason;
// - AnyRSAKey, RSAPublicKey and RSAPrivateKey agree on what the input is (a public key parses as
//   RSAPublicKey and is refused by RSAPrivateKey with public_key_given, and the other way round);
// - the OpenSSL and libgcrypt backends accept and refuse exactly the same inputs, with the same codes;
// - a parsed key re-encoded (DER SubjectPublicKeyInfo, PKCS#1, PEM, x509 base64, JWK; PKCS#8 and the
//   private JWK for private keys) and parsed again gives the same modulus, exponent and fingerprint.

@testable import WebhookSignature

private func parseAll(_ input: [UInt8], backend: CryptoBackend)
    -> (any: Result<AnyRSAKey, WebhookSignatureError>, pub: Result<RSAPublicKey, WebhookSignatureError>,
        priv: Result<RSAPrivateKey, WebhookSignatureError>)
{
    let any = Result { () throws(WebhookSignatureError) in try AnyRSAKey(parsing: input, backend: backend) }
    let pub = Result { () throws(WebhookSignatureError) in try RSAPublicKey(parsing: input, backend: backend) }
    let priv = Result { () throws(WebhookSignatureError) in try RSAPrivateKey(parsing: input, backend: backend) }
    for (name, error) in [("AnyRSAKey", any.failure), ("RSAPublicKey", pub.failure), ("RSAPrivateKey", priv.failure)] {
        if let error { checkError(error, "\(name)(parsing:) on \(backend)") }
    }
    return (any, pub, priv)
}

private func samePublic(_ a: RSAPublicKey, _ b: RSAPublicKey, _ what: String) {
    guard a.modulus == b.modulus, a.publicExponent == b.publicExponent, a.fingerprint == b.fingerprint, a == b,
        a.bitCount == b.bitCount
    else { violated("\(what): the key read back differs (\(a) vs \(b))") }
}

private func reparsePublic(_ text: some Collection<UInt8>, _ what: String) -> RSAPublicKey {
    do { return try RSAPublicKey(parsing: text) } catch { violated("\(what) of a parsed key does not parse: \(error)") }
}

private func roundTripPublic(_ key: RSAPublicKey) {
    samePublic(key, reparsePublic(key.derRepresentation, "SPKI DER"), "SPKI DER")
    samePublic(key, reparsePublic(key.pkcs1DERRepresentation, "PKCS#1 DER"), "PKCS#1 DER")
    samePublic(key, reparsePublic(Array(key.pemRepresentation.utf8), "PEM"), "PEM")
    samePublic(key, reparsePublic(Array(key.pkcs1PEMRepresentation.utf8), "PKCS#1 PEM"), "PKCS#1 PEM")
    samePublic(key, reparsePublic(Array(key.x509Base64.utf8), "x509 base64"), "x509 base64")
    samePublic(key, reparsePublic(Array(key.jwkRepresentation.utf8), "JWK"), "JWK")
    // The components re-encoded to DER and classified again are the same numbers.
    do {
        guard case .publicKey(let components, _) = try KeyDER.classify(key.derRepresentation[...]), components == key.components else {
            violated("KeyDER.classify(spkiDER) does not give back the same components")
        }
    } catch {
        violated("KeyDER.classify(spkiDER) fails: \(error)")
    }
}

private func roundTripPrivate(_ key: RSAPrivateKey) {
    for (what, bytes) in [
        ("PKCS#8 DER", key.pkcs8DERRepresentation), ("PKCS#8 PEM", Array(key.pemRepresentation.utf8)),
        ("PKCS#1 DER", KeyDER.pkcs1PrivateDER(key.components)),
        ("private JWK", Array(JWK.privateJSON(key.components).utf8)),
    ] {
        let again: RSAPrivateKey
        do { again = try RSAPrivateKey(parsing: bytes) } catch { violated("\(what) of a parsed private key does not parse: \(error)") }
        guard again.components == key.components else { violated("\(what): the private key read back differs") }
        samePublic(key.publicKey, again.publicKey, what)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKeys(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = fuzzBytes(data, size)
    let openssl = parseAll(input, backend: .openssl)

    // The three entry points agree.
    switch openssl.any {
    case .success(.publicKey(let key)):
        guard let pub = openssl.pub.value else { violated("AnyRSAKey read a public key that RSAPublicKey refuses: \(openssl.pub)") }
        samePublic(key, pub, "AnyRSAKey vs RSAPublicKey")
        guard openssl.priv.failure?.code == .publicKeyGiven else {
            violated("RSAPrivateKey on a public key: \(openssl.priv), expected public_key_given")
        }
        roundTripPublic(key)
    case .success(.privateKey(let key)):
        guard let priv = openssl.priv.value else { violated("AnyRSAKey read a private key that RSAPrivateKey refuses: \(openssl.priv)") }
        guard priv.components == key.components else { violated("AnyRSAKey vs RSAPrivateKey: different components") }
        guard openssl.pub.failure?.code == .privateKeyGiven else {
            violated("RSAPublicKey on a private key: \(openssl.pub), expected private_key_given")
        }
        roundTripPrivate(key)
        roundTripPublic(key.publicKey)
    case .failure(let error):
        // Both typed entry points fail too: with the same code, or by naming the other kind.
        if let pub = openssl.pub.value { violated("RSAPublicKey accepts what AnyRSAKey refuses (\(error)): \(pub)") }
        if openssl.priv.value != nil { violated("RSAPrivateKey accepts what AnyRSAKey refuses (\(error))") }
        let pubCode = openssl.pub.failure!.code
        let privCode = openssl.priv.failure!.code
        guard pubCode == error.code || pubCode == .privateKeyGiven else {
            violated("AnyRSAKey says \(error.code), RSAPublicKey says \(pubCode)")
        }
        guard privCode == error.code || privCode == .publicKeyGiven else {
            violated("AnyRSAKey says \(error.code), RSAPrivateKey says \(privCode)")
        }
    }

    // Both backends accept and refuse the same inputs.
    let gcrypt = parseAll(input, backend: .gcrypt)
    switch (openssl.any, gcrypt.any) {
    case (.success(let a), .success(let b)):
        samePublic(a.publicKey, b.publicKey, "OpenSSL vs libgcrypt")
    case (.failure(let a), .failure(let b)):
        if a.code != b.code { violated("OpenSSL says \(a.code) (\(a.reason)), libgcrypt says \(b.code) (\(b.reason))") }
    case (.success, .failure(let b)):
        violated("OpenSSL accepts the key, libgcrypt refuses it: \(b)")
    case (.failure(let a), .success):
        violated("libgcrypt accepts the key, OpenSSL refuses it: \(a)")
    }
    return 0
}
