#if Hummingbird
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import WebhookInbox
import WebhookSignature
import WebhookSignatureHummingbird

struct ListenResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    /// Where each delivery's verifier comes from (a keyring file or store followed live, or fixed keys).
    let verifiers: any VerifierSource
    let maxBody: Int
    let path: String?
    /// Where verified deliveries are stored before the 200 (--store or --save-dir).
    let store: (any DeliveryStore)?
    let storeTimeout: Duration
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
        // One verifier per delivery: a keyring reload affects the next delivery, never this one. The
        // gate refuses before reading the body when the head alone decides (size, no usable signature).
        let gate = WebhookGate(verifier: verifiers.currentVerifier, maxBodySize: maxBody)
        let early = gate.rejectionBeforeBody(request)
        var request = request
        let result: Result<VerifiedWebhook, WebhookRejection>
        if let early {
            result = .failure(early)
        } else {
            result = try await gate.verify(&request, headChecked: true)
        }
        switch result {
        case .failure(let rejection):
            state.recordRejected()
            var line: String
            if case .unverified(let verdict) = rejection {
                line = Self.describe(verdict, status: rejection.status.code, target)
            } else {
                let sent = Self.signatureHeaderNames(request.headers)
                line = "\(rejection.status.code) rejected \(target) headers=\(sent.isEmpty ? "none" : sent.joined(separator: ","))"
            }
            line += " failure=\(rejection.code) reason=\(Self.quoted(rejection.reason + (early != nil ? "; the body was not read" : "")))"
            state.emit(line)
            if explain || rejection.status != .unauthorized { return rejection.response() }
            return respondRefused(status: .unauthorized, code: rejection.code, reason: rejection.reason)
        case .success(let webhook):
            let bytes = webhook.bytes
            var stored: StoreOutcome? = nil
            if let store {
                let delivery = StoredDelivery(body: bytes, headers: WebhookGate.headerPairs(request.headers), verdict: webhook.verdict)
                do {
                    stored = try await store.store(delivery, timeout: storeTimeout)
                } catch {
                    state.recordRejected()
                    state.emit(Self.describe(webhook.verdict, status: 503, target) + " failure=store_unavailable reason=\(Self.quoted("\(error)"))")
                    return WebhookInboxMiddleware<BasicWebhookRequestContext>.unavailable(error)
                }
            }
            let digest = try Self.sha512(bytes)
            let duplicate = state.recordVerified(digest: digest, storeSays: stored.map { $0 == .duplicate })
            var line = Self.describe(webhook.verdict, status: 200, target)
            line += " " + Self.eventSummary(bytes)
            line += " bytes=\(bytes.count)"
            if duplicate { line += " duplicate" }
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
        // Only the two members are read: no tree is built on the hot path.
        guard let found = JSONPeek.scalars(in: bytes, members: ["id", "name"]) else {
            return "id=- name=- (not a JSON object)"
        }
        func field(_ name: String) -> String {
            guard let s = found[name] else { return "-" }
            return s.isEmpty ? "\"\"" : s.contains(" ") ? quoted(s) : s
        }
        return "id=\(field("id")) name=\(field("name"))"
    }

    static func signatureHeaderNames(_ fields: HTTPFields) -> [String] {
        fields.map(\.name.rawName).filter { SignatureAlgorithm(headerName: $0) != nil }
    }

    static func sha512(_ bytes: [UInt8]) throws -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 64)
        try bytes.withUnsafeBytes { input in
            try digest.withUnsafeMutableBytes { output in try SignatureAlgorithm.sha512WithRSA.digest(input, into: output) }
        }
        return digest
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
