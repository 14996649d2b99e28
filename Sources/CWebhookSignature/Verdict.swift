import WebhookSignature

// whsig_verify_webhook_verdict: whsig_verify_webhook plus the verdict's stable failure code, so that
// bindings (Python, Rust) can report "body_mismatch" or "no_signature_header" without parsing the
// detail sentence. Declared in include/whsig.h after whsig_verify_webhook, which calls it with a
// NULL out_code.

/// Room for a failure code: the longest code is well under 63 bytes; 64 with the NUL.
let verdictCodeSize = 64

@c(whsig_verify_webhook_verdict)
public func whsig_verify_webhook_verdict(
    _ ring: OpaquePointer?, _ policyFlags: UInt32, _ modeValue: Int32,
    _ headerNames: UnsafePointer<UnsafePointer<UInt8>?>?, _ nameLens: UnsafePointer<Int>?,
    _ headerValues: UnsafePointer<UnsafePointer<UInt8>?>?, _ valueLens: UnsafePointer<Int>?,
    _ headerCount: Int,
    _ body: UnsafePointer<UInt8>?, _ bodyLen: Int,
    _ outKeyID: UnsafeMutablePointer<UInt8>?,
    _ outCode: UnsafeMutablePointer<UInt8>?
) -> Int32 {
    outKeyID?.pointee = 0
    outCode?.pointee = 0
    return run { () throws(CError) -> Int32 in
        let handle = try borrow(ring, KeyringHandle.self, "ring")
        let verifier = try handle.verifier(flags: policyFlags, mode: modeValue)
        let count = try length(headerCount, "header_count")
        guard count <= CLimits.maxHeaderCount else {
            throw CError(
                -WebhookSignatureError.Code.inputTooLarge.number,
                "header_count is \(count); at most \(CLimits.maxHeaderCount) (WHSIG_MAX_HEADER_COUNT) headers are read")
        }
        let bodyView = try input(body, bodyLen, "body")
        var headers: [(String, String)] = []
        if count > 0 {
            let names = try required(headerNames, "header_names")
            let values = try required(headerValues, "header_values")
            headers.reserveCapacity(count)
            for i in 0..<count {
                let name = try text(names[i], nameLens.map { $0[i] }, "header_names[\(i)]")
                let value = try text(values[i], valueLens.map { $0[i] }, "header_values[\(i)]")
                headers.append((name, value))
            }
        }
        let verdict = try library { () throws(WebhookSignatureError) in try verifier.verify(headers: headers, body: bodyView) }
        guard verdict.isValid, let key = verdict.verifiedKey else {
            if let outCode {
                let code = verdict.failure?.code.name ?? "invalid_signature"
                guard code.utf8.count < verdictCodeSize else {
                    throw CError(Status.internalError, "the failure code \(code) does not fit WHSIG_CODE_SIZE")
                }
                _ = writeText(code, to: outCode)
            }
            LastError.set(verdict.failure?.reason ?? "the delivery is not accepted")
            return Status.invalidSignature
        }
        if let outKeyID {
            let hex = key.id.hex
            guard hex.utf8.count == 64 else { throw CError(Status.internalError, "a key id is not 64 hex digits") }
            _ = writeText(hex, to: outKeyID)
        }
        return succeed()
    }
}
