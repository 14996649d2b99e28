import COpenSSL

extension RSAPrivateComponents {
    /// Checks that a private key's parts belong together, for every backend alike: p·q = n,
    /// e·d ≡ 1 modulo p-1 and q-1, dp = d mod (p-1) (as e·dp ≡ 1), dq likewise, and qinv·q ≡ 1 mod p.
    ///
    /// Why with the keys, once: OpenSSL signs with dp, dq and qinv and silently falls back to d when
    /// they are wrong, while libgcrypt uses d and its own u; refusing every inconsistent key up
    /// front makes both backends accept exactly the same keys. OpenSSL's big numbers do the
    /// arithmetic whichever backend the key is for (both libraries are always linked).
    func checkConsistency() throws(WebhookSignatureError) {
        let c = self
        func failure(_ what: String) -> WebhookSignatureError { OpenSSLEngine.failure(what) }
        guard let bnCtx = BN_CTX_new() else { throw failure("checking a key") }
        defer { BN_CTX_free(bnCtx) }
        var numbers: [OpaquePointer] = []
        defer { for bn in numbers { BN_clear_free(bn) } }
        func number(_ bytes: [UInt8]) throws(WebhookSignatureError) -> OpaquePointer {
            guard let bn = BN_bin2bn(bytes, Int32(bytes.count), nil) else { throw failure("checking a key") }
            numbers.append(bn)
            return bn
        }
        func scratch() throws(WebhookSignatureError) -> OpaquePointer {
            guard let bn = BN_new() else { throw failure("checking a key") }
            numbers.append(bn)
            return bn
        }
        let n = try number(c.publicComponents.modulus), e = try number(c.publicComponents.publicExponent)
        let d = try number(c.privateExponent), p = try number(c.prime1), q = try number(c.prime2)
        let dp = try number(c.exponent1), dq = try number(c.exponent2), qinv = try number(c.coefficient)
        let t = try scratch(), pMinus1 = try scratch(), qMinus1 = try scratch()
        guard BN_mul(t, p, q, bnCtx) == 1 else { throw failure("checking a key") }
        if BN_cmp(t, n) != 0 {
            throw WebhookSignatureError(.invalidKey, "the private key's primes do not multiply to its modulus")
        }
        guard BN_sub(pMinus1, p, BN_value_one()) == 1, BN_sub(qMinus1, q, BN_value_one()) == 1 else {
            throw failure("checking a key")
        }
        func isOne(_ a: OpaquePointer, times b: OpaquePointer, modulo m: OpaquePointer) throws(WebhookSignatureError) -> Bool {
            guard BN_mod_mul(t, a, b, m, bnCtx) == 1 else { throw failure("checking a key") }
            return BN_is_one(t) == 1
        }
        guard try isOne(e, times: d, modulo: pMinus1), try isOne(e, times: d, modulo: qMinus1) else {
            throw WebhookSignatureError(.invalidKey, "the private exponent d does not match the public exponent and primes")
        }
        guard BN_cmp(dp, pMinus1) < 0, BN_cmp(dq, qMinus1) < 0, try isOne(e, times: dp, modulo: pMinus1),
            try isOne(e, times: dq, modulo: qMinus1)
        else {
            throw WebhookSignatureError(.invalidKey, "the CRT exponents dp and dq do not match d and the primes")
        }
        guard BN_cmp(qinv, p) < 0, try isOne(qinv, times: q, modulo: p) else {
            throw WebhookSignatureError(.invalidKey, "the CRT coefficient qinv is not the inverse of q modulo p")
        }
    }
}
