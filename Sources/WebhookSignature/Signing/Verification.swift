extension RSAPublicKey {
    /// Checks a base64 signature over a body.
    ///
    /// Use this for one header value and the raw body bytes as received (`Array(data)`,
    /// `string.utf8`, a `[UInt8]`). Returns `false` for every signature that does not verify:
    /// a tampered body, another key or algorithm, a wrong length, a value not below the modulus,
    /// empty or undecodable base64. It throws only when the crypto library cannot do the work
    /// (``WebhookSignatureError/Code/algorithmNotAllowed``, ``WebhookSignatureError/Code/cryptoLibraryFailure``).
    @inlinable
    public func isValidSignature(
        _ signatureBase64: some StringProtocol, for body: some Collection<UInt8>, algorithm: SignatureAlgorithm
    ) throws(WebhookSignatureError) -> Bool {
        // Inlinable, so that the caller's module specialises it for its concrete types (a String
        // and a [UInt8], say): only the access to the bytes is generic, and everything else runs
        // in the non-generic `verifyContiguous`. Left generic across the module boundary, each
        // call looked up generic metadata at run time (about 1,500 instructions, 1.5% of an
        // RSA-1024 verification). The closures neither throw nor wrap a Result (the error comes
        // back through `failure`): with throwing closures the key struct was copied into a
        // closure context on every call, a dozen reference-count writes.
        var failure: WebhookSignatureError? = nil
        let valid = withContiguousBytes(signatureBase64.utf8, body) { (text, bytes) in
            verifyContiguous(base64: text.assumingMemoryBound(to: UInt8.self), body: bytes, algorithm: algorithm, failure: &failure)
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
            verifyContiguous(base64: text.assumingMemoryBound(to: UInt8.self), digest: digestBytes, algorithm: algorithm, failure: &failure)
        }
        if let failure { throw failure }
        return valid
    }

    // MARK: The hot path
    //
    // The checks run as methods of the native key (`EnginePublicKey`, extended below), with
    // the key as `self` and its modulus in memory it owns. Why: closures that captured the key
    // struct, the native key or the modulus array retained them, and reaching the engine through
    // `backend.engine` retained it: a dozen atomic writes per verification to reference counts
    // that every thread verifying with one shared key contends for. As methods with `self`
    // borrowed, and with raw buffers in place of arrays, the hot path writes no reference count.

    /// The body is hashed first, whatever the signature text, so that errors (an algorithm the
    /// crypto library refuses) do not depend on the text. An error is returned in `failure`.
    @usableFromInline
    func verifyContiguous(
        base64 text: UnsafeBufferPointer<UInt8>, body: UnsafeRawBufferPointer, algorithm: SignatureAlgorithm,
        failure: inout WebhookSignatureError?
    ) -> Bool {
        do {
            return try native.verify(base64: text, body: body, algorithm: algorithm)
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
            return try native.verify(raw: signature, body: body, algorithm: algorithm)
        } catch {
            failure = error
            return false
        }
    }

    @usableFromInline
    func verifyContiguous(
        base64 text: UnsafeBufferPointer<UInt8>, digest: UnsafeRawBufferPointer, algorithm: SignatureAlgorithm,
        failure: inout WebhookSignatureError?
    ) -> Bool {
        guard digest.count == algorithm.digestByteCount else {
            failure = WebhookSignatureError(
                .invalidArgument, "a \(algorithm) digest has \(algorithm.digestByteCount) bytes, not \(digest.count)")
            return false
        }
        do {
            return try native.verify(base64: text, digest: digest, algorithm: algorithm)
        } catch {
            failure = error
            return false
        }
    }

    /// The check itself: length, range, one public operation, then the padding compared in constant time.
    func verifyRaw(
        _ signature: UnsafeRawBufferPointer, digest: UnsafeRawBufferPointer, algorithm: SignatureAlgorithm
    ) throws(WebhookSignatureError) -> Bool {
        try native.verify(raw: signature, digest: digest, algorithm: algorithm)
    }

    /// Hashes the body into a stack buffer and passes the digest on.
    func withDigest<R>(
        of body: some Collection<UInt8>, algorithm: SignatureAlgorithm,
        _ next: (UnsafeRawBufferPointer) throws(WebhookSignatureError) -> R
    ) throws(WebhookSignatureError) -> R {
        try withDigest(of: body, algorithm: algorithm, engine: backend.engine, next)
    }

    /// As above with the engine given, so that callers' closures need not capture `self`.
    private func withDigest<R>(
        of body: some Collection<UInt8>, algorithm: SignatureAlgorithm, engine: any Engine,
        _ next: (UnsafeRawBufferPointer) throws(WebhookSignatureError) -> R
    ) throws(WebhookSignatureError) -> R {
        try withUnsafeTemporaryAllocation(byteCount: DigestAlgorithm.maxByteCount, alignment: 1) { (buffer) throws(WebhookSignatureError) in
            let digest = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<algorithm.digestByteCount])
            try withBytes(body) { (bytes) throws(WebhookSignatureError) in
                try engine.digest(algorithm.digest, bytes, into: digest)
            }
            return try next(UnsafeRawBufferPointer(digest))
        }
    }
}

/// The verification steps, shared by both backends: each backend supplies only the digest and
/// the raw public operation, and the padding is checked here, in Swift, for both alike (see
/// "The hot path" above for why these are methods of the native key).
extension EnginePublicKey {
    /// Hashes the body into a stack buffer, then checks the base64 signature.
    func verify(
        base64 text: UnsafeBufferPointer<UInt8>, body: UnsafeRawBufferPointer, algorithm: SignatureAlgorithm
    ) throws(WebhookSignatureError) -> Bool {
        try withUnsafeTemporaryAllocation(byteCount: DigestAlgorithm.maxByteCount, alignment: 8) { (buffer) throws(WebhookSignatureError) in
            let digest = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<algorithm.digestByteCount])
            try self.digest(algorithm.digest, body, into: digest)
            return try verify(base64: text, digest: UnsafeRawBufferPointer(digest), algorithm: algorithm)
        }
    }

    /// Hashes the body into a stack buffer, then checks the raw signature.
    func verify(
        raw signature: UnsafeRawBufferPointer, body: UnsafeRawBufferPointer, algorithm: SignatureAlgorithm
    ) throws(WebhookSignatureError) -> Bool {
        try withUnsafeTemporaryAllocation(byteCount: DigestAlgorithm.maxByteCount, alignment: 8) { (buffer) throws(WebhookSignatureError) in
            let digest = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<algorithm.digestByteCount])
            try self.digest(algorithm.digest, body, into: digest)
            return try verify(raw: signature, digest: UnsafeRawBufferPointer(digest), algorithm: algorithm)
        }
    }

    /// Decodes the base64 into a stack buffer (no heap allocation) and verifies.
    func verify(
        base64 chars: UnsafeBufferPointer<UInt8>, digest: UnsafeRawBufferPointer, algorithm: SignatureAlgorithm
    ) throws(WebhookSignatureError) -> Bool {
        let k = modulus.count
        // Only a text of exactly the right length can decode to k bytes: reject the rest before decoding.
        guard chars.count == (k + 2) / 3 * 4 else { return false }
        return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: chars.count / 4 * 3) { (buffer) throws(WebhookSignatureError) in
            guard let length = try? StrictBase64.decode(chars, into: buffer), length == k else {
                return false
            }
            let signature = UnsafeRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[0..<length])
            return try verify(raw: signature, digest: digest, algorithm: algorithm)
        }
    }

    /// The check itself: length, range, one public operation, then the padding compared in constant time.
    func verify(
        raw signature: UnsafeRawBufferPointer, digest: UnsafeRawBufferPointer, algorithm: SignatureAlgorithm
    ) throws(WebhookSignatureError) -> Bool {
        let k = modulus.count
        guard signature.count == k else { return false }
        // The signature, as a number, must be below the modulus (RFC 8017 §5.2.2 step 1).
        guard isBelowModulus(signature) else { return false }
        return try withUnsafeTemporaryAllocation(byteCount: k, alignment: 8) { (em) throws(WebhookSignatureError) in
            try publicOperation(signature, into: em)
            return PKCS1.matches(UnsafeRawBufferPointer(em), digest: digest, algorithm: algorithm)
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
    return try typedThrows { try copy.withUnsafeBytes { buffer in try body(buffer) } }
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

extension RSAPublicKey {
    /// For diagnosis only, after verification failed: which algorithm's DigestInfo the signature
    /// carries under this key, or nil when this key did not make it.
    func encodedAlgorithm(ofRawSignature signature: [UInt8]) throws(WebhookSignatureError) -> SignatureAlgorithm? {
        let k = components.byteCount
        guard signature.count == k else { return nil }
        return try typedThrows {
            try signature.withUnsafeBytes { sig -> SignatureAlgorithm? in
                guard native.isBelowModulus(sig) else { return nil }
                var em = [UInt8](repeating: 0, count: k)
                try em.withUnsafeMutableBytes { out in try native.publicOperation(sig, into: out) }
                return PKCS1.identify(em)
            }
        }
    }
}
