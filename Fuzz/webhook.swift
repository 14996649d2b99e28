// Fuzz target `webhook`: header parsing and webhook verification.
//
// The input is a header block, a blank line, then the body:
//
//     fluent-signature: <base64>
//     flex.signature: <base64>
//     policy: jcs md5 both          (optional; any of raw, compact, jcs, md5, both)
//
//     {"id":"e1"}
//
// Each header line is split at its first ':' (a line without one is a name with an empty value);
// the keyring trusts key a (active), b (retired) and c (not yet valid), all in Fuzz/Support.
//
// Invariants (a violation traps):
// - only canonical modes throw, and only the JSON codes, each a WebhookSignatureError with a reason;
// - a valid verdict means each counted check that verified holds, once decoded, exactly the signature
//   its key makes over the (canonical) body; the same holds for an "inactive key" outcome;
// - the verdict does not depend on header order, on which key matched last, nor, in raw mode, on
//   whether the body is given whole or streamed in chunks.

@testable import WebhookSignature

private enum Fixed {
    static let time = UnixTime(seconds: 1_800_000_000)
    static let ring: Keyring = {
        do {
            return try Keyring([
                TrustedKey(key: FuzzKeys.a.publicKey, label: "a"),
                TrustedKey(key: FuzzKeys.b.publicKey, label: "b", retired: true),
                TrustedKey(key: FuzzKeys.c.publicKey, label: "c", notBefore: time.adding(seconds: 3600).seconds),
            ])
        } catch { fatalError("fuzz keyring: \(error)") }
    }()
    static let privateKeys: [KeyFingerprint: RSAPrivateKey] = Dictionary(
        uniqueKeysWithValues: [FuzzKeys.a, FuzzKeys.b, FuzzKeys.c].map { ($0.publicKey.fingerprint, $0) })
    static let jsonCodes: Set<String> = ["invalid_json", "not_utf8", "nesting_too_deep", "duplicate_member_name", "invalid_number"]
}

private func split(_ input: [UInt8]) -> (headers: [(String, String)], body: [UInt8], policy: WebhookPolicy) {
    var end = input.count
    var bodyStart = input.count
    var i = 0
    while i + 1 < input.count {
        if input[i] == 0x0A && input[i + 1] == 0x0A {
            end = i
            bodyStart = i + 2
            break
        }
        i += 1
    }
    var headers: [(String, String)] = []
    var policy = WebhookPolicy()
    for line in input[0..<end].split(separator: 0x0A, omittingEmptySubsequences: false) {
        let name: String
        let value: String
        if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            name = String(decoding: line[line.startIndex..<colon], as: UTF8.self)
            value = String(decoding: line[(colon + 1)...], as: UTF8.self)
        } else {
            name = String(decoding: line, as: UTF8.self)
            value = ""
        }
        if name == "policy" {
            for word in value.split(separator: " ") {
                switch word {
                case "compact": policy.canonicalization = .compact
                case "jcs": policy.canonicalization = .jcs
                case "md5": policy.allowsLegacyMD5 = true
                case "both": policy.requiresBothSignatures = true
                case "all": policy.checksUncountedHeaders = true
                default: break
                }
            }
            continue
        }
        headers.append((name, value))
    }
    return (headers, Array(input[bodyStart...]), policy)
}

private func verdict(_ verifier: WebhookVerifier, _ headers: [(String, String)], _ body: [UInt8]) -> Result<WebhookVerdict, WebhookSignatureError> {
    let result = Result { () throws(WebhookSignatureError) in try verifier.verify(headers: headers, body: body, atUnixTime: Fixed.time.seconds) }
    if let error = result.failure {
        if verifier.policy.canonicalization == .raw { violated("verify threw in raw mode: \(error)") }
        checkError(error, allowed: Fixed.jsonCodes, "verify")
    }
    return result
}

/// A check that says a key made the signature must hold exactly that key's signature.
private func checkAttribution(_ check: SignatureCheck, headers: [(String, String)], canonicalBody: [UInt8]) {
    let attributing: [VerdictCode] = [.valid, .keyRetired, .keyExpired, .keyNotYetValid]
    guard attributing.contains(check.outcome.code), let key = check.outcome.key else { return }
    guard let privateKey = Fixed.privateKeys[key.id] else { violated("a verdict names a key outside the keyring") }
    guard let header = SignatureHeaders(headers).value(for: check.algorithm), !header.conflicting else {
        violated("\(check.outcome.code) without one header value")
    }
    let value = String(header.text)
    let expected: [UInt8]
    do { expected = try privateKey.signature(for: canonicalBody, algorithm: check.algorithm) } catch { violated("signing failed: \(error)") }
    guard value.utf8.allSatisfy({ $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }),
        let decoded = try? StrictBase64.decodeIgnoringWhitespace(value.utf8), decoded == expected
    else {
        violated("\(check.header): \(check.outcome.code) for a value that is not the key's signature of the body")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWebhook(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let (headers, body, policy) = split(fuzzBytes(data, size))
    let verifier = WebhookVerifier(keyring: Fixed.ring, policy: policy)

    let first = verdict(verifier, headers, body)
    // The same again (the last-match hint has changed) and with the headers in reverse order.
    let again = verdict(verifier, headers, body)
    let reversed = verdict(verifier, headers.reversed(), body)
    if first != again { violated("the verdict changed when the same delivery was verified twice") }
    if first != reversed { violated("the verdict depends on header order") }

    guard case .success(let result) = first else { return 0 }

    // Streaming (raw only): the body in three uneven chunks.
    if policy.canonicalization == .raw {
        do {
            let session = try verifier.makeSession(headers: headers)
            let a = body.count / 3
            let b = body.count - body.count / 5
            try session.update(body[0..<a])
            try session.update(body[a..<b])
            try session.update(body[b...])
            let streamed = try session.finish(atUnixTime: Fixed.time.seconds)
            if streamed != result { violated("the streamed verdict differs from the whole-body one") }
        } catch {
            violated("streaming verification threw: \(error)")
        }
    }

    let canonicalBody: [UInt8]
    do { canonicalBody = try Canonicalizer.canonicalize(body, mode: policy.canonicalization) } catch {
        violated("the body verified but does not canonicalise: \(error)")
    }
    for check in result.checks { checkAttribution(check, headers: headers, canonicalBody: canonicalBody) }
    if result.isValid {
        guard result.checks.contains(where: { $0.counted && $0.isValid }) else { violated("a valid verdict with no valid counted check") }
        guard result.checks.allSatisfy({ $0.isValid || !$0.counted }) else { violated("a valid verdict with a counted invalid check") }
    }
    return 0
}
