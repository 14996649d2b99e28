#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import WebhookSignature

// The C interface declared in include/whsig.h (hand-written; keep the two in step). C types map as:
// `const char *` / `const uint8_t *` → UnsafePointer<UInt8>?, `size_t` → Int (a value above
// Int.max arrives negative and is refused or treated as unlimited), enums → Int32, handles →
// OpaquePointer?. The documentation of each function is in the header.

// MARK: Library information

@c(whsig_version)
public func whsig_version() -> UnsafePointer<CChar> {
    versionCString
}

@c(whsig_status_string)
public func whsig_status_string(_ status: Int32) -> UnsafePointer<CChar> {
    Status.name(status)
}

@c(whsig_last_error)
public func whsig_last_error() -> UnsafePointer<CChar> {
    LastError.text
}

// MARK: Public keys

@c(whsig_public_key_parse)
public func whsig_public_key_parse(
    _ text: UnsafePointer<UInt8>?, _ textLen: Int, _ outKey: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    parsePublicKey(text, textLen, Int32(1), outKey)
}

@c(whsig_public_key_parse_with_backend)
public func whsig_public_key_parse_with_backend(
    _ text: UnsafePointer<UInt8>?, _ textLen: Int, _ backend: Int32, _ outKey: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    parsePublicKey(text, textLen, backend, outKey)
}

func parsePublicKey(
    _ text: UnsafePointer<UInt8>?, _ textLen: Int, _ backendValue: Int32, _ outKey: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    parseHandle(text, textLen, backendValue, outKey) { (view, backend) throws(WebhookSignatureError) in
        PublicKeyHandle(try RSAPublicKey(parsing: view, backend: backend))
    }
}

/// The shared body of the key-parsing exports: checks the arguments, parses, and hands out a retained handle.
func parseHandle<Handle: AnyObject>(
    _ text: UnsafePointer<UInt8>?, _ textLen: Int, _ backendValue: Int32, _ outKey: UnsafeMutablePointer<OpaquePointer?>?,
    _ make: (UnsafeBufferPointer<UInt8>, CryptoBackend) throws(WebhookSignatureError) -> Handle
) -> Int32 {
    outKey?.pointee = nil
    return run { () throws(CError) -> Int32 in
        let out = try required(outKey, "out_key")
        let bytes = try required(text, "text")
        let view = try input(bytes, textLen, "text")
        let backend = try backend(backendValue)
        let handle = try library { () throws(WebhookSignatureError) in try make(view, backend) }
        out.pointee = retain(handle)
        return succeed()
    }
}

@c(whsig_public_key_free)
public func whsig_public_key_free(_ key: OpaquePointer?) {
    release(key, PublicKeyHandle.self)
}

@c(whsig_public_key_fingerprint)
public func whsig_public_key_fingerprint(_ key: OpaquePointer?, _ out: UnsafeMutablePointer<UInt8>?) -> Int32 {
    run { () throws(CError) -> Int32 in
        let handle = try borrow(key, PublicKeyHandle.self, "key")
        let out = try required(out, "out")
        let hex = handle.key.fingerprint.hex
        guard hex.utf8.count == 64 else { throw CError(Status.internalError, "a fingerprint is not 64 hex digits") }
        _ = writeText(hex, to: out)
        return succeed()
    }
}

// MARK: Private keys

@c(whsig_private_key_parse)
public func whsig_private_key_parse(
    _ text: UnsafePointer<UInt8>?, _ textLen: Int, _ outKey: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    parsePrivateKey(text, textLen, Int32(1), outKey)
}

@c(whsig_private_key_parse_with_backend)
public func whsig_private_key_parse_with_backend(
    _ text: UnsafePointer<UInt8>?, _ textLen: Int, _ backend: Int32, _ outKey: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    parsePrivateKey(text, textLen, backend, outKey)
}

func parsePrivateKey(
    _ text: UnsafePointer<UInt8>?, _ textLen: Int, _ backendValue: Int32, _ outKey: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    parseHandle(text, textLen, backendValue, outKey) { (view, backend) throws(WebhookSignatureError) in
        PrivateKeyHandle(try RSAPrivateKey(parsing: view, backend: backend))
    }
}

@c(whsig_private_key_free)
public func whsig_private_key_free(_ key: OpaquePointer?) {
    release(key, PrivateKeyHandle.self)
}

// MARK: Verifying and signing

@c(whsig_verify)
public func whsig_verify(
    _ key: OpaquePointer?, _ algorithmValue: Int32, _ body: UnsafePointer<UInt8>?, _ bodyLen: Int,
    _ signature: UnsafePointer<UInt8>?, _ signatureLen: Int
) -> Int32 {
    run { () throws(CError) -> Int32 in
        let handle = try borrow(key, PublicKeyHandle.self, "key")
        let algorithm = try algorithm(algorithmValue)
        let bodyView = try input(body, bodyLen, "body")
        let signatureView = try input(try required(signature, "signature_base64"), signatureLen, "signature_base64")
        let valid = try library { () throws(WebhookSignatureError) in
            try handle.key.isValidSignature(base64: signatureView, body: UnsafeRawBufferPointer(bodyView), algorithm: algorithm)
        }
        guard valid else {
            LastError.set(
                "the signature does not verify under this key and algorithm "
                    + "(tampered body, another key or algorithm, wrong length, or not standard padded base64)")
            return Status.invalidSignature
        }
        return succeed()
    }
}

@c(whsig_sign)
public func whsig_sign(
    _ key: OpaquePointer?, _ algorithmValue: Int32, _ body: UnsafePointer<UInt8>?, _ bodyLen: Int,
    _ out: UnsafeMutablePointer<UInt8>?, _ outCapacity: Int, _ outLen: UnsafeMutablePointer<Int>?
) -> Int32 {
    outLen?.pointee = 0
    return run { () throws(CError) -> Int32 in
        let handle = try borrow(key, PrivateKeyHandle.self, "key")
        let algorithm = try algorithm(algorithmValue)
        let bodyView = try input(body, bodyLen, "body")
        let outLen = try required(outLen, "out_len")
        let room = capacity(outCapacity)
        let k = handle.key.publicKey.signatureByteCount
        let needed = (k + 2) / 3 * 4
        guard room > needed else {
            outLen.pointee = needed
            throw CError(Status.bufferTooSmall, "the signature needs \(needed + 1) bytes (with the NUL); the buffer has \(room)")
        }
        let out = try required(out, "out_base64")
        let signature = try library { () throws(WebhookSignatureError) in
            try handle.key.base64Signature(for: bodyView, algorithm: algorithm)
        }
        guard signature.utf8.count == needed else {
            throw CError(Status.internalError, "the signature has \(signature.utf8.count) characters, not \(needed)")
        }
        outLen.pointee = writeText(signature, to: out)
        return succeed()
    }
}

@c(whsig_digest)
public func whsig_digest(
    _ algorithmValue: Int32, _ body: UnsafePointer<UInt8>?, _ bodyLen: Int,
    _ out: UnsafeMutablePointer<UInt8>?, _ outCapacity: Int, _ outLen: UnsafeMutablePointer<Int>?
) -> Int32 {
    outLen?.pointee = 0
    return run { () throws(CError) -> Int32 in
        let algorithm = try algorithm(algorithmValue)
        let bodyView = try input(body, bodyLen, "body")
        let outLen = try required(outLen, "out_len")
        let needed = algorithm.digestByteCount
        guard capacity(outCapacity) >= needed else {
            outLen.pointee = needed
            throw CError(Status.bufferTooSmall, "a \(algorithm) digest needs \(needed) bytes; the buffer has \(outCapacity)")
        }
        let out = try required(out, "out")
        try library { () throws(WebhookSignatureError) in
            try algorithm.digest(UnsafeRawBufferPointer(bodyView), into: UnsafeMutableRawBufferPointer(start: out, count: needed))
        }
        outLen.pointee = needed
        return succeed()
    }
}

@c(whsig_canonicalize)
public func whsig_canonicalize(
    _ modeValue: Int32, _ inBytes: UnsafePointer<UInt8>?, _ inLen: Int,
    _ out: UnsafeMutablePointer<UInt8>?, _ outCapacity: Int, _ outLen: UnsafeMutablePointer<Int>?
) -> Int32 {
    outLen?.pointee = 0
    return run { () throws(CError) -> Int32 in
        let mode = try canonicalMode(modeValue)
        let view = try input(inBytes, inLen, "in")
        let outLen = try required(outLen, "out_len")
        func emit(_ bytes: UnsafeBufferPointer<UInt8>) throws(CError) -> Int32 {
            guard capacity(outCapacity) >= bytes.count else {
                outLen.pointee = bytes.count
                throw CError(Status.bufferTooSmall, "the canonical form has \(bytes.count) bytes; the buffer has \(outCapacity)")
            }
            if bytes.count > 0 {
                let out = try required(out, "out")
                out.update(from: bytes.baseAddress!, count: bytes.count)
            }
            outLen.pointee = bytes.count
            return succeed()
        }
        if mode == .raw { return try emit(view) }
        let canonical: [UInt8]
        do {
            canonical = try Canonicalizer.canonicalize(view, mode: mode)
        } catch {
            throw CError(any: error)
        }
        return try canonical.withUnsafeBufferPointer { (bytes) throws(CError) -> Int32 in try emit(bytes) }
    }
}

// MARK: Keyrings and deliveries

@c(whsig_keyring_load_json)
public func whsig_keyring_load_json(
    _ text: UnsafePointer<UInt8>?, _ textLen: Int, _ outRing: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    loadKeyring(text, textLen, 1, outRing)
}

@c(whsig_keyring_load_json_with_backend)
public func whsig_keyring_load_json_with_backend(
    _ text: UnsafePointer<UInt8>?, _ textLen: Int, _ backend: Int32, _ outRing: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    loadKeyring(text, textLen, backend, outRing)
}

func loadKeyring(
    _ text: UnsafePointer<UInt8>?, _ textLen: Int, _ backendValue: Int32, _ outRing: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    outRing?.pointee = nil
    return run { () throws(CError) -> Int32 in
        let out = try required(outRing, "out_ring")
        let bytes = try required(text, "text")
        let view = try input(bytes, textLen, "text")
        let backend = try backend(backendValue)
        let ring = try library { () throws(WebhookSignatureError) in try Keyring(json: view, backend: backend) }
        out.pointee = retain(KeyringHandle(ring))
        return succeed()
    }
}

@c(whsig_keyring_from_public_key)
public func whsig_keyring_from_public_key(_ key: OpaquePointer?, _ outRing: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    outRing?.pointee = nil
    return run { () throws(CError) -> Int32 in
        let handle = try borrow(key, PublicKeyHandle.self, "key")
        let out = try required(outRing, "out_ring")
        out.pointee = retain(KeyringHandle(Keyring(trusting: handle.key)))
        return succeed()
    }
}

@c(whsig_keyring_free)
public func whsig_keyring_free(_ ring: OpaquePointer?) {
    release(ring, KeyringHandle.self)
}

@c(whsig_keyring_count)
public func whsig_keyring_count(_ ring: OpaquePointer?) -> Int {
    guard let ring else { return 0 }
    return Unmanaged<KeyringHandle>.fromOpaque(UnsafeRawPointer(ring)).takeUnretainedValue().keyring.keys.count
}

@c(whsig_verify_webhook)
public func whsig_verify_webhook(
    _ ring: OpaquePointer?, _ policyFlags: UInt32, _ modeValue: Int32,
    _ headerNames: UnsafePointer<UnsafePointer<UInt8>?>?, _ nameLens: UnsafePointer<Int>?,
    _ headerValues: UnsafePointer<UnsafePointer<UInt8>?>?, _ valueLens: UnsafePointer<Int>?,
    _ headerCount: Int,
    _ body: UnsafePointer<UInt8>?, _ bodyLen: Int,
    _ outKeyID: UnsafeMutablePointer<UInt8>?
) -> Int32 {
    // The same call without the failure code (Verdict.swift reads the arguments for both).
    whsig_verify_webhook_verdict(
        ring, policyFlags, modeValue, headerNames, nameLens, headerValues, valueLens, headerCount, body, bodyLen, outKeyID, nil)
}
