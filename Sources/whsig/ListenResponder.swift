#if Hummingbird
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import WebhookSignature
import WebhookSignatureHummingbird

/// What `listen` can decide from the request head alone, before reading a byte of the body.
struct HeadCheck: Sendable {
    /// The signature headers the policy counts (lowercase): fluent-signature, and flex.signature when MD5 counts.
    let countedHeaders: [String]
    /// Whether every counted header must be present (--require-both).
    let requiresAll: Bool
    /// The signature text lengths the trusted keys can produce: 4·⌈k/3⌉ for a k-byte modulus.
    let possibleLengths: Set<Int>
    /// The largest body read.
    let maxBody: Int

    init(keyring: Keyring, policy: WebhookPolicy, maxBody: Int) {
        countedHeaders = [SignatureAlgorithm.sha512WithRSA.headerName] + (policy.countsMD5 ? [SignatureAlgorithm.md5WithRSA.headerName] : [])
        requiresAll = policy.requiresBothSignatures
        possibleLengths = Set(keyring.keys.map { 4 * (($0.key.signatureByteCount + 2) / 3) })
        self.maxBody = maxBody
    }

    /// Why the head alone refuses the request, as (status, failure code, reason); nil to read the body.
    func refusal(_ headers: HTTPFields) -> (HTTPResponse.Status, String, String)? {
        if let length = headers[.contentLength].flatMap({ Int($0) }), length > maxBody {
            return (.contentTooLarge, "body_too_large", "Content-Length \(length) is over --max-body \(maxBody); the body was not read")
        }
        var present: [(String, [String])] = []
        for name in countedHeaders {
            guard let field = HTTPField.Name(name) else { continue }
            let values = headers[values: field]
            if !values.isEmpty { present.append((name, values)) }
        }
        if present.isEmpty || (requiresAll && present.count < countedHeaders.count) {
            let missing = countedHeaders.filter { name in !present.contains { $0.0 == name } }
            return (.unauthorized, "no_signature_header", "no \(missing.joined(separator: " or ")) header; the body was not read")
        }
        for (name, values) in present {
            for value in values {
                let length = Self.trimmed(value).utf8.count
                if !possibleLengths.contains(length) {
                    let expected = possibleLengths.sorted().map(String.init).joined(separator: " or ")
                    return (
                        .unauthorized, "malformed",
                        "\(name) has \(length) characters; the trusted keys' signatures have \(expected); the body was not read"
                    )
                }
            }
        }
        return nil
    }

    /// The value without leading and trailing ASCII whitespace (space, tab, CR, LF), as the verifier reads it.
    static func trimmed(_ value: String) -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
        let start = value.firstIndex { !isSpace($0) } ?? value.endIndex
        let end = value.lastIndex { !isSpace($0) }.map { value.index(after: $0) } ?? start
        return value[start..<max(start, end)]
    }
}

struct ListenResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let gate: WebhookGate
    let head: HeadCheck
    let path: String?
    let saveDir: String?
    let explain: Bool
    let state: ListenerState

    /// The code a 401 carries unless --explain: it names no key, label or key status.
    static let genericFailure = "signature_invalid"

    func respond(to request: Request, context: Context) async throws -> Response {
        let target = "\(request.method) \(request.uri.path)"
        if let path, request.uri.path != path {
            state.emit("404 not-found \(target) (only \(path) is served)")
            return Self.text(.notFound, "only POST \(path) is served\n")
        }
        guard request.method == .post else {
            state.emit("405 method-not-allowed \(target)")
            var response = Self.text(.methodNotAllowed, "only POST is accepted\n")
            response.headers[.allow] = "POST"
            return response
        }
        let sent = Self.signatureHeaderNames(request.headers)
        if let (status, code, reason) = head.refusal(request.headers) {
            state.recordRejected()
            state.emit(
                "\(status.code) rejected \(target) headers=\(sent.isEmpty ? "none" : sent.joined(separator: ",")) failure=\(code) reason=\(Self.quoted(reason))"
            )
            return respondRefused(status: status, code: code, reason: reason)
        }
        var request = request
        switch try await gate.verify(&request) {
        case .failure(let rejection):
            state.recordRejected()
            var line: String
            if case .unverified(let verdict) = rejection {
                line = Self.describe(verdict, status: rejection.status.code, target)
            } else {
                line = "\(rejection.status.code) rejected \(target) headers=\(sent.isEmpty ? "none" : sent.joined(separator: ","))"
            }
            line += " failure=\(rejection.code) reason=\(Self.quoted(rejection.reason))"
            state.emit(line)
            if explain || rejection.status != .unauthorized { return rejection.response() }
            return respondRefused(status: .unauthorized, code: rejection.code, reason: rejection.reason)
        case .success(let webhook):
            let bytes = webhook.bytes
            let digest = try Self.sha512(bytes)
            let duplicate = state.recordVerified(digest: digest)
            var line = Self.describe(webhook.verdict, status: 200, target)
            line += " " + Self.eventSummary(bytes)
            line += " bytes=\(bytes.count)"
            if duplicate { line += " duplicate" }
            if let saveDir, !duplicate {
                do {
                    let file = (saveDir as NSString).appendingPathComponent(Hex.encode(digest) + ".json")
                    try SafeFile.writeAtomically(bytes, to: file, mode: 0o600)
                } catch {
                    line += " save-failed=\(Self.quoted("\(error)"))"
                }
            }
            state.emit(line)
            let key = webhook.key
            var body = "verified"
            if let key { body += " by key \(key.id.hex)" + (key.label.map { " (\($0))" } ?? "") }
            return Self.text(.ok, body + (duplicate ? " (duplicate)\n" : "\n"))
        }
    }

    /// A refusal: with --explain the precise code and reason; otherwise a 401 says only
    /// `signature_invalid` (no key id, label or key status: those go to the log line).
    func respondRefused(status: HTTPResponse.Status, code: String, reason: String) -> Response {
        let shownCode = explain || status != .unauthorized ? code : Self.genericFailure
        let shownReason = explain || status != .unauthorized ? reason : "the delivery's signature did not verify"
        var response = Self.text(status, shownReason + "\n")
        if let name = HTTPField.Name("Webhook-Failure") { response.headers[name] = shownCode }
        return response
    }

    /// `200 verified POST /hook headers=fluent-signature:valid,flex.signature:valid(not-counted) key=ab12…`
    static func describe(_ verdict: WebhookVerdict, status: Int, _ target: String) -> String {
        var line = "\(status) \(verdict.isValid ? "verified" : "rejected") \(target) headers="
        if verdict.checks.isEmpty {
            line += "none"
        } else {
            line += verdict.checks.map { check in
                "\(check.header):\(check.isValid ? "valid" : check.outcome.code.name)\(check.counted ? "" : "(not-counted)")"
            }.joined(separator: ",")
        }
        if let key = verdict.verifiedKey ?? verdict.checks.lazy.compactMap({ $0.outcome.key }).first {
            line += " key=\(key.id.hex.prefix(16))" + (key.label.map { "(\($0))" } ?? "")
        }
        return line
    }

    /// `id=… name=…` read from the verified body with the library's JSON parser (no Foundation
    /// JSONSerialization on the hot path).
    static func eventSummary(_ bytes: [UInt8]) -> String {
        guard let root = try? JSONValue.parse(bytes), root.objectMembers != nil else {
            return "id=- name=- (not a JSON object)"
        }
        func field(_ name: String) -> String {
            guard let value = root[member: name] else { return "-" }
            if let s = value.stringValue { return s.isEmpty ? "\"\"" : s.contains(" ") ? quoted(s) : s }
            if let n = value.numberLexeme { return n }
            return "-"
        }
        return "id=\(field("id")) name=\(field("name"))"
    }

    static func signatureHeaderNames(_ fields: HTTPFields) -> [String] {
        fields.map(\.name.rawName).filter { SignatureAlgorithm(headerName: $0) != nil }
    }

    static func sha512(_ bytes: [UInt8]) throws -> [UInt8] {
        let digest = try BodyDigest(algorithm: .sha512WithRSA)
        try digest.update(bytes)
        return try digest.finalize()
    }

    static func quoted(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static func text(_ status: HTTPResponse.Status, _ text: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
#endif
