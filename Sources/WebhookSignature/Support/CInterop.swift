/// Raw-buffer entry points for the C library (target `CWebhookSignature`), so that it copies
/// nothing on its hot path. Package-internal: not part of the Swift API.
extension RSAPublicKey {
    /// Checks base64 signature text given as bytes over a body given as bytes.
    ///
    /// The verdicts and errors are exactly those of ``isValidSignature(_:for:algorithm:)``: the body
    /// is hashed first, then text of the wrong length, undecodable base64, a wrong key or algorithm
    /// all give `false`. Allocates nothing: the digest, the decoded signature and the RSA output
    /// live on the stack.
    package func isValidSignature(
        base64 text: UnsafeBufferPointer<UInt8>, body: UnsafeRawBufferPointer, algorithm: SignatureAlgorithm
    ) throws(WebhookSignatureError) -> Bool {
        // The same steps as `isValidSignature(_:for:algorithm:)`, reached without copying the inputs.
        var failure: WebhookSignatureError? = nil
        let valid = verifyContiguous(text: UnsafeRawBufferPointer(text), body: body, algorithm: algorithm, failure: &failure)
        if let failure { throw failure }
        return valid
    }
}

extension SignatureAlgorithm {
    /// Hashes `data` with this algorithm's digest on `backend` into `output`, which has room for
    /// ``digestByteCount`` bytes (a smaller buffer throws ``WebhookSignatureError/Code/invalidArgument``).
    package func digest(
        _ data: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, backend: CryptoBackend = .default
    ) throws(WebhookSignatureError) {
        guard output.count >= digestByteCount else {
            throw WebhookSignatureError(.invalidArgument, "a \(self) digest needs \(digestByteCount) bytes of room, not \(output.count)")
        }
        try backend.digest(digest, data, into: UnsafeMutableRawBufferPointer(rebasing: output[0..<digestByteCount]))
    }
}
