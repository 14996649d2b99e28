extension WebhookVerifier {
    /// The invalid verdict a request gets whatever its body, judged from its headers alone; nil
    /// when the body must be read to decide.
    ///
    /// Use it in a server before reading the body, to answer 401 at once: it finds a missing
    /// signature header the policy needs, a counted header sent twice with different values, and
    /// a counted value whose length no trusted key's signature has (per the signature-text rule).
    /// It never refuses a delivery that `verify(headers:body:)` would accept, and costs no hash
    /// and no public operation. In the verdict, a header that would need the body to decide is
    /// reported ``VerdictCode/notChecked``.
    @inlinable
    public func verdictBeforeBody(headers: some Sequence<(String, String)>) -> WebhookVerdict? {
        var signatures = SignatureHeaders()
        for (name, value) in headers { signatures.add(name: name, value: value) }
        return verdictBeforeBody(signatures)
    }

    /// The policy evaluated with every counted header that could still verify assumed valid: a
    /// failure then is certain.
    @usableFromInline
    func verdictBeforeBody(_ signatures: SignatureHeaders) -> WebhookVerdict? {
        /// The check as reported, and as assumed for the policy.
        func check(_ value: SignatureHeaders.Value?, _ algorithm: SignatureAlgorithm) -> (SignatureCheck, SignatureCheck)? {
            guard let value else { return nil }
            let counted = policy.counts(algorithm)
            func made(_ outcome: SignatureOutcome) -> SignatureCheck {
                SignatureCheck(algorithm: algorithm, counted: counted, outcome: outcome)
            }
            if !counted { return (made(SignatureOutcome(.notChecked)), made(SignatureOutcome(.notChecked))) }
            if value.conflicting { return (made(SignatureOutcome(.conflictingValues)), made(SignatureOutcome(.conflictingValues))) }
            if let problem = value.withBytes({ lengthProblem(SignatureText.trim($0)) }) {
                let malformed = made(SignatureOutcome(.malformed, detail: problem))
                return (malformed, malformed)
            }
            return (made(SignatureOutcome(.notChecked)), made(SignatureOutcome(.valid)))
        }
        let fluent = check(signatures.fluent, .sha512WithRSA), flex = check(signatures.flex, .md5WithRSA)
        guard let failure = policy.evaluate(fluent: fluent?.1, flex: flex?.1) else { return nil }
        return WebhookVerdict(fluent: fluent?.0, flex: flex?.0, failure: failure)
    }

    /// Why trimmed text cannot be any trusted key's signature by its length alone, or nil.
    private func lengthProblem(_ chars: UnsafeRawBufferPointer) -> String? {
        if chars.count > WebhookVerifier.maximumSignatureText {
            return "the value has \(chars.count) characters; no signature has more than \(WebhookVerifier.maximumSignatureText)"
        }
        let fits = keyring.keys.contains { SignatureText.characterCount(byteCount: $0.key.signatureByteCount) == chars.count }
        return fits ? nil : Self.notASignature(chars, keyring: keyring)
    }
}
