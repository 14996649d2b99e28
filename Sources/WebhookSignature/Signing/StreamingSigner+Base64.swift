extension StreamingSigner {
    /// The signature over all chunks added, as the standard padded base64 that a signature header carries.
    ///
    /// Use it instead of ``finalize()`` when the signature goes into a `fluent-signature` or
    /// `flex.signature` header; the text equals ``RSAPrivateKey/base64Signature(for:algorithm:)`` over
    /// the whole body.
    public func finalizeBase64() throws(WebhookSignatureError) -> String {
        StrictBase64.encode(try finalize())
    }
}
