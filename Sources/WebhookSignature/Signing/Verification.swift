extension RSAPublicKey {
    /// Checks a base64 signature over a body.
    ///
    /// Use this for one header value and the raw body bytes as received (`Array(data)`,
    /// `string.utf8`, a `[UInt8]`). The signature text follows the one rule every surface of this
    /// package applies: surrounding ASCII whitespace is trimmed, and text
    /// that is then not strict padded standard base64 of exactly the modulus length is an invalid
    /// signature. Returns `false` for every signature that does not verify: a tampered body,
    /// another key or algorithm, a wrong length, a value not below the modulus, empty or
    /// undecodable text. It throws only when the crypto library cannot do the work
    /// (``WebhookSignatureError/Code/algorithmNotAllowed``, ``WebhookSignatureError/Code/cryptoLibraryFailure``).
    @inlinable
    public func isValidSignature(
        _ signatureBase64: some StringProtocol, for body: some Collection<UInt8>, algorithm: SignatureAlgorithm
    ) throws(WebhookSignatureError) -> Bool {
        // Inlinable, so that the caller's module specialises it for its concrete types (a String
        // and a [UInt8], say): only the access to the bytes is generic, and everything else runs
        // in the non-generic `verifyContiguous`. The closures neither throw nor wrap a Result (the
        // error comes back through `failure`): with throwing closures the key struct was copied
        // into a closure context on every call, a dozen reference-count writes.
        var failure: WebhookSignatureError? = nil
        let valid = withContiguousBytes(signatureBase64.utf8, body) { (text, bytes) in
            verifyContiguous(text: text, body: bytes, algorithm: algorithm, failure: &failure)
        }
        if let failure { throw failure }
        return valid
    }

    /// Checks a signature given as raw bytes (not base64) over a body.
    ///
    /// Use it when the signature was already decoded; the verdicts are those of the base64 form.
    @inlinable
    public func isValidSignature(
        rawSignature: some Collection<UInt8>, for body: some Collection<UInt8>, algorithm: SignatureAlgorithm
    ) throws(WebhookSignatureError) -> Bool {
        var failure: WebhookSignatureError? = nil
        let valid = withContiguousBytes(rawSignature, body) { (signature, bytes) in
            verifyContiguous(rawSignature: signature, body: bytes, algorithm: algorithm, failure: &failure)
        }
        if let failure { throw failure }
        return valid
    }

    /// Checks a base64 signature against a digest computed elsewhere (16 bytes for MD5, 64 for SHA-512).
    ///
    /// Use it with ``BodyDigest`` when the body was hashed while it streamed in. A digest of the
    /// wrong length throws ``WebhookSignatureError/Code/invalidArgument``.
    @inlinable
    public func isValidSignature(
        _ signatureBase64: some StringProtocol, digest: some Collection<UInt8>, algorithm: SignatureAlgorithm
    ) throws(WebhookSignatureError) -> Bool {
        var failure: WebhookSignatureError? = nil
        let valid = withContiguousBytes(signatureBase64.utf8, digest) { (text, digestBytes) in
            verifyContiguous(text: text, digest: digestBytes, algorithm: algorithm, failure: &failure)
        }
        if let failure { throw failure }
        return valid
    }

    // MARK: Into the one check
    //
    // Every surface (these methods, the webhook verifier, the streaming verifiers, the C library,
    // the CLI, the middlewares) ends in `NativePublicKey.match(raw:digest:algorithm:)` below: one
    // public operation, then the block classified. The checks run as methods of the native key,
    // with raw buffers rather than arrays, so that the hot path writes no reference count.

    /// Hashes the body first, whatever the signature text, so that errors (an algorithm the
    /// crypto library refuses) do not depend on the text. An error is returned in `failure`.
    @usableFromInline
    func verifyContiguous(
        text: UnsafeRawBufferPointer, body: UnsafeRawBufferPointer, algorithm: SignatureAlgorithm,
        failure: inout WebhookSignatureError?
    ) -> Bool {
        do {
            return try native.withDigest(of: body, algorithm: algorithm) { (digest) throws(WebhookSignatureError) in
                try native.match(text: text, digest: digest, algorithm: algorithm) == .valid
            }
        } catch {
            failure = error
            return false
        }
    }

    @usableFromInline
    func verifyContiguous(
        rawSignature signature: UnsafeRawBufferPointer, body: UnsafeRawBufferPointer, algorithm: SignatureAlgorithm,
        failure: inout WebhookSignatureError?
    ) -> Bool {
        do {
            return try native.withDigest(of: body, algorithm: algorithm) { (digest) throws(WebhookSignatureError) in
                try native.match(raw: signature, digest: digest, algorithm: algorithm) == .valid
            }
        } catch {
            failure = error
            return false
        }
    }

    @usableFromInline
    func verifyContiguous(
        text: UnsafeRawBufferPointer, digest: UnsafeRawBufferPointer, algorithm: SignatureAlgorithm,
        failure: inout WebhookSignatureError?
    ) -> Bool {
        guard digest.count == algorithm.digestByteCount else {
            failure = WebhookSignatureError(
                .invalidArgument, "a \(algorithm) digest has \(algorithm.digestByteCount) bytes, not \(digest.count)")
            return false
        }
        do {
            return try native.match(text: text, digest: digest, algorithm: algorithm) == .valid
        } catch {
            failure = error
            return false
        }
    }
}

/// What one public operation tells about a signature under one key.
///
/// The block `signature^e mod n` is read once, and every answer comes from it: whether it is the
/// expected encoding, the encoding of another digest under the same algorithm (the key signed
/// other bytes), the other algorithm's encoding, or no encoding at all (another key made it, or
/// it is no signature).
enum SignatureMatch: Sendable, Equatable {
    /// This key made it, with this algorithm, over this digest.
    case valid
    /// This key made it with this algorithm over another digest: the body differs.
    case otherDigest
    /// This key made it with the other algorithm.
    case otherAlgorithm(SignatureAlgorithm)
    /// This key did not make it, or it is not a signature of this key's length below its modulus.
    case notThisKey
}

extension NativePublicKey {
    /// The one check: length, range, one public operation, then the block classified (the valid
    /// case compared in constant time over the whole block).
    func match(
        raw signature: UnsafeRawBufferPointer, digest: UnsafeRawBufferPointer, algorithm: SignatureAlgorithm
    ) throws(WebhookSignatureError) -> SignatureMatch {
        let k = modulus.count
        // The signature, as a number of the modulus length, must be below the modulus (RFC 8017 §5.2.2 step 1).
        guard signature.count == k, isBelowModulus(signature) else { return .notThisKey }
        return try withUnsafeTemporaryAllocation(byteCount: k, alignment: 8) { (em) throws(WebhookSignatureError) in
            try publicOperation(signature, into: em)
            return PKCS1.classify(UnsafeRawBufferPointer(em), digest: digest, algorithm: algorithm)
        }
    }

    /// The check for signature text (``SignatureText``): decoded into a stack buffer, then ``match(raw:digest:algorithm:)``.
    func match(
        text: UnsafeRawBufferPointer, digest: UnsafeRawBufferPointer, algorithm: SignatureAlgorithm
    ) throws(WebhookSignatureError) -> SignatureMatch {
        let k = modulus.count
        return try SignatureText.withDecoded(text, byteCount: k) { (signature) throws(WebhookSignatureError) in
            guard let signature else { return .notThisKey }
            return try match(raw: signature, digest: digest, algorithm: algorithm)
        }
    }

    /// Hashes `body` into a stack buffer and passes the digest on.
    func withDigest<R>(
        of body: UnsafeRawBufferPointer, algorithm: SignatureAlgorithm,
        _ next: (UnsafeRawBufferPointer) throws(WebhookSignatureError) -> R
    ) throws(WebhookSignatureError) -> R {
        try withUnsafeTemporaryAllocation(byteCount: DigestAlgorithm.maxByteCount, alignment: 8) { (buffer) throws(WebhookSignatureError) in
            let digest = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<algorithm.digestByteCount])
            try self.digest(algorithm.digest, body, into: digest)
            return try next(UnsafeRawBufferPointer(digest))
        }
    }

    /// Whether the big-endian number `signature` (the modulus length) is below the modulus.
    func isBelowModulus(_ signature: UnsafeRawBufferPointer) -> Bool {
        let n = modulus
        for i in 0..<n.count where signature[i] != n[i] {
            return signature[i] < n[i]
        }
        return false
    }
}

extension UnsafeRawBufferPointer {
    /// A copy of `bytes` in newly allocated memory that the caller owns (and deallocates).
    init(ownedCopyOf bytes: [UInt8]) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.max(bytes.count, 1), alignment: 8)
        bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
        self.init(rebasing: buffer[0..<bytes.count])
    }
}

/// Runs `body` over the collection's bytes, copying only when they are not contiguous.
@inline(__always)
func withBytes<R>(
    _ collection: some Collection<UInt8>, _ body: (UnsafeRawBufferPointer) throws(WebhookSignatureError) -> R
) throws(WebhookSignatureError) -> R {
    let result = collection.withContiguousStorageIfAvailable { (buffer) -> Result<R, WebhookSignatureError> in
        Result { () throws(WebhookSignatureError) in try body(UnsafeRawBufferPointer(buffer)) }
    }
    if let result { return try result.get() }
    let copy = Array(collection)
    return try copy.withUnsafeBytes { (buffer) -> Result<R, WebhookSignatureError> in
        Result { () throws(WebhookSignatureError) in try body(buffer) }
    }.get()
}

/// Runs `body` over two collections' bytes, copying a collection only when its bytes are not
/// contiguous (arrays, native strings and their slices always are). Inlinable (see
/// `isValidSignature`), so that it is specialised where the collections' types are known.
@inlinable
func withContiguousBytes<R>(
    _ first: some Collection<UInt8>, _ second: some Collection<UInt8>,
    _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> R
) -> R {
    let direct = first.withContiguousStorageIfAvailable { (a) -> R? in
        second.withContiguousStorageIfAvailable { (b) in body(UnsafeRawBufferPointer(a), UnsafeRawBufferPointer(b)) }
    }
    if let direct, let result = direct { return result }
    // `body` has not run: one of the two is not contiguous. Copy both (rare, and simple).
    return Array(first).withUnsafeBytes { (a) in Array(second).withUnsafeBytes { (b) in body(a, b) } }
}
