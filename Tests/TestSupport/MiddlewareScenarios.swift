#if Hummingbird || Vapor
import Foundation
import Testing
import WebhookSignature
import WebhookSignatureServerSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The checks every webhook middleware (Hummingbird, Vapor) must pass against a real server on
/// loopback, written once. The server under test serves, with the same handler on both routes:
///
/// - `POST /webhooks/fluent`: ``MiddlewareScenarios/options`` (1 MiB, failures not explained,
///   the scenario's duplicate check);
/// - `POST /explained/fluent`: 1 MiB, failures explained;
///
/// and the handler answers 200 with the verified bytes it was handed, as they are, and counts calls.
enum MiddlewareScenarios {
    /// The body limit of both routes.
    static let maxBodySize = 1 << 20

    /// The active key the deliveries are signed with, and a retired one.
    static let activeLabel = "platform-eu"
    static let retiredLabel = "old-key-2025"
    static var active: RSAPrivateKey { TestKeys.a }
    static var retired: RSAPrivateKey { TestKeys.b }

    static func keyring() throws -> Keyring {
        try Keyring([
            TrustedKey(key: active.publicKey, label: activeLabel),
            TrustedKey(key: retired.publicKey, label: retiredLabel, retired: true),
        ])
    }

    static func verifier() throws -> WebhookVerifier { WebhookVerifier(keyring: try keyring()) }

    /// The settings of `/webhooks/fluent`.
    static func options(duplicateCheck: any WebhookDuplicateCheck) -> WebhookMiddlewareOptions {
        WebhookMiddlewareOptions(maxBodySize: maxBodySize, duplicateCheck: duplicateCheck)
    }

    /// The settings of `/explained/fluent`.
    static let explainedOptions = WebhookMiddlewareOptions(maxBodySize: maxBodySize, explainsFailures: true)

    /// A compact JSON event of exactly `size` bytes (an attribute is padded), unique per `tag`.
    static func event(size: Int, tag: String = "a") -> [UInt8] {
        let head = #"{"id":"5f7fa2bd-39b2-4105-98f4-29b6ca3a\#(tag)","name":"OrderStatusChange","entityType":"ORDER","entityRef":"HD_1","attributes":{"note":""#
        let tail = #""}}"#
        precondition(size >= head.utf8.count + tail.utf8.count, "event too small")
        return Array(head.utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: size - head.utf8.count - tail.utf8.count) + Array(tail.utf8)
    }

    static func headers(_ body: [UInt8], key: RSAPrivateKey = active) throws -> [(String, String)] {
        try WebhookSigner(key: key).headers(for: body).map { ($0.name, $0.value) }
    }

    struct Answer {
        var status: Int
        var body: Data
        var headers: [String: String]
        var text: String { String(decoding: body, as: UTF8.self) }
        var failure: String? { headers["webhook-failure"] }
        /// The body and every header value, to search for what must not leak.
        var everything: String { text + "\n" + headers.map { "\($0.key): \($0.value)" }.joined(separator: "\n") }
    }

    /// POSTs a body with headers to 127.0.0.1, within 60 s.
    static func post(_ port: Int, _ path: String, _ body: [UInt8], headers: [(String, String)]) async throws -> Answer {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        request.timeoutInterval = 60
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let session = URLSession(configuration: .ephemeral)
        defer { session.finishTasksAndInvalidate() }
        let (data, response) = try await session.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            fields["\(name)".lowercased()] = "\(value)"
        }
        return Answer(status: http.statusCode, body: data, headers: fields)
    }

    /// Runs every check against a server on `port`; `handled` reads the handler's call count and
    /// `duplicates` is the check given to `/webhooks/fluent`.
    static func run(port: Int, handled: @Sendable () -> Int, duplicates: InMemoryDuplicateCheck) async throws {
        let route = "/webhooks/fluent", explained = "/explained/fluent"

        // Genuine deliveries of 430 bytes and 200 KB: 200, and the handler gets exactly the bytes sent.
        for (size, tag) in [(430, "0430"), (200 * 1024, "200k")] {
            let body = event(size: size, tag: tag)
            #expect(body.count == size)
            let answer = try await post(port, route, body, headers: try headers(body))
            #expect(answer.status == 200, "\(size) bytes: \(answer.text.prefix(200))")
            #expect([UInt8](answer.body) == body, "the handler got other bytes than the \(size) verified ones")
        }
        #expect(handled() == 2)
        // A body up to the cap passes; one byte more is 413 before the handler.
        let atCap = event(size: maxBodySize, tag: "1mib")
        let capAnswer = try await post(port, route, atCap, headers: try headers(atCap))
        #expect(capAnswer.status == 200)
        #expect(handled() == 3)
        let overCap = event(size: maxBodySize + 1, tag: "over")
        let overAnswer = try await post(port, route, overCap, headers: try headers(overCap))
        #expect(overAnswer.status == 413 && overAnswer.failure == "body_too_large")
        #expect(handled() == 3)

        let body = event(size: 430, tag: "tamp")
        let signed = try headers(body)
        var tampered = body
        tampered[tampered.count - 5] = UInt8(ascii: "y")
        let object = try JSONSerialization.jsonObject(with: Data(body))
        let reserialised = [UInt8](try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]))
        let retiredBody = event(size: 430, tag: "old0")
        let refusals: [(String, [UInt8], [(String, String)], String)] = [
            ("tampered", tampered, signed, "body_mismatch"),
            ("re-serialised", reserialised, signed, "body_mismatch"),
            ("unsigned", body, [], "no_signature_header"),
            ("signed by a retired key", retiredBody, try headers(retiredBody, key: retired), "key_retired"),
        ]
        let secrets: [String] = [
            activeLabel, retiredLabel, String(active.publicKey.fingerprint.hex.prefix(16)),
            String(retired.publicKey.fingerprint.hex.prefix(16)), "retired", "expired", "body_mismatch", "no_signature_header",
        ]
        for (name, bytes, signature, code) in refusals {
            // Not explained: a generic code, nothing about keys in the body or the headers.
            let plain = try await post(port, route, bytes, headers: signature)
            #expect(plain.status == 401, "\(name)")
            #expect(plain.failure == WebhookRejection.genericUnverifiedCode, "\(name)")
            for secret in secrets {
                #expect(!plain.everything.contains(secret), "\(name): the 401 leaks \(secret): \(plain.everything)")
            }
            // Explained: the precise code, and the reason names the key.
            let detailed = try await post(port, explained, bytes, headers: signature)
            #expect(detailed.status == 401, "\(name)")
            #expect(detailed.failure == code, "\(name): \(detailed.everything)")
        }
        let explainedRetired = try await post(port, explained, retiredBody, headers: try headers(retiredBody, key: retired))
        #expect(explainedRetired.text.contains(retiredLabel) && explainedRetired.text.contains("retired"), "\(explainedRetired.text)")
        #expect(handled() == 3, "a refused delivery reached the handler")

        // 2 MiB: 413 on both routes, before the handler.
        let huge = event(size: 2 << 20, tag: "2mib")
        let hugeHeaders = try headers(huge)
        for path in [route, explained] {
            let answer = try await post(port, path, huge, headers: hugeHeaders)
            #expect(answer.status == 413, "\(path)")
            #expect(answer.failure == "body_too_large", "\(path)")
        }
        #expect(handled() == 3)

        // The duplicate check: the accepted deliveries were recorded, refused ones were not, and a
        // repeat is answered 200 with Webhook-Duplicate without running the handler again.
        #expect(duplicates.count == 3)
        let first = event(size: 430, tag: "0430")
        let repeatAnswer = try await post(port, route, first, headers: try headers(first))
        #expect(repeatAnswer.status == 200)
        #expect(repeatAnswer.headers["webhook-duplicate"] == "true")
        #expect(handled() == 3, "the handler ran again for a duplicate")
        let firstDigest = try digest(first), tamperedDigest = try digest(tampered)
        #expect(await duplicates.isDuplicate(bodyDigest: firstDigest))
        #expect(!(await duplicates.isDuplicate(bodyDigest: tamperedDigest)))
        // The explained route has no duplicate check: the same delivery runs its handler.
        let again = try await post(port, explained, first, headers: try headers(first))
        #expect(again.status == 200 && again.headers["webhook-duplicate"] == nil)
        #expect(handled() == 4)
    }

    static func digest(_ bytes: [UInt8]) throws -> [UInt8] {
        let digest = try BodyDigest(algorithm: .sha512WithRSA)
        try digest.update(bytes)
        return try digest.finalize()
    }
}
#endif
