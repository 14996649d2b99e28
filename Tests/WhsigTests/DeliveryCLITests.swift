import Foundation
import Testing
import WebhookSignature
@testable import WebhookSignatureTestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `whsig send` and `whsig listen` end to end, through the built binary, on 127.0.0.1 only.
@Suite("Delivery: whsig send and listen", .serialized)
struct DeliveryCLITests {
    let keys = Delivery.keys

    /// Whether this build has `whsig listen` (the Hummingbird trait).
    #if Hummingbird
        static let listenBuilt = true
    #else
        static let listenBuilt = false
    #endif
    let event = SampleEvent.body

    @Test(
        "send then listen: verified, saved under its SHA-512, a repeat is a duplicate, a tampered body is 401", .enabled(if: Self.listenBuilt, "whsig listen needs --traits Hummingbird"))
    func sendThenListen() throws {
        let saveDir = Delivery.temporaryDirectory().appendingPathComponent("saved").path
        let listener = try DeliveryListener(["--save-dir", saveDir])
        defer { listener.child.terminate() }
        let eventFile = Delivery.file(event)

        let first = try Delivery.run(["send", "--url", listener.url, "--private-key", keys.privatePath, eventFile])
        #expect(first.status == 0, "\(first.stdout) \(first.stderr)")
        #expect(first.lines.count == 1)
        #expect(first.stdout.hasPrefix("attempt 1: 200 after "))
        #expect(first.stdout.contains("verified by key \(keys.privateKey.publicKey.fingerprint.hex)"))

        let logged = try #require(listener.child.waitForLine(timeout: 10) { $0.hasPrefix("200 verified POST /hook") })
        #expect(logged.contains("headers=fluent-signature:valid,flex.signature:not_checked(not-counted)"))
        #expect(logged.contains("key=\(keys.privateKey.publicKey.fingerprint.hex.prefix(16))"))
        #expect(logged.contains("id=9535e841-4d67-fc1d-0e31-49fdfd514661 name=OrderStatusChange bytes=\(event.count)"))
        #expect(!logged.contains("duplicate"))

        // Saved atomically under the body's SHA-512, byte for byte.
        let digest = try BodyDigest(algorithm: .sha512WithRSA)
        try digest.update(event)
        let hex = try digest.finalize().map { String(format: "%02x", $0) }.joined()
        let saved = try Data(contentsOf: URL(fileURLWithPath: saveDir).appendingPathComponent("\(hex).json"))
        #expect([UInt8](saved) == event)
        #expect(try FileManager.default.contentsOfDirectory(atPath: saveDir) == ["\(hex).json"])

        // The same delivery again (as a retry would be): answered, and logged as a duplicate.
        let again = try Delivery.run(["send", "--url", listener.url, "--private-key", keys.privatePath, eventFile])
        #expect(again.status == 0)
        #expect(again.stdout.contains("(duplicate)"))
        let duplicate = try #require(listener.child.waitForLine(timeout: 10) { $0.hasSuffix(" duplicate") })
        #expect(duplicate.hasPrefix("200 verified"))

        // A tampered body under the original signatures: 401, exit 1; the answer says only
        // signature_invalid, the log line has the precise reason.
        let signature = try keys.privateKey.base64Signature(for: event, algorithm: .sha512WithRSA)
        var tampered = event
        tampered[tampered.count - 4] = UInt8(ascii: "4")  // TRACKING123 -> TRACKING124 in the last attribute
        #expect(tampered != event)
        let rejected = try Delivery.run([
            "send", "--url", listener.url, "--header", "fluent-signature: \(signature)", Delivery.file(tampered),
        ])
        #expect(rejected.status == 1, "\(rejected.stdout) \(rejected.stderr)")
        #expect(rejected.stdout.hasPrefix("attempt 1: 401 after "))
        #expect(rejected.stdout.contains("the delivery's signature did not verify"))
        #expect(!rejected.stdout.contains(keys.privateKey.publicKey.fingerprint.hex.prefix(16)))
        let rejectedLine = try #require(listener.child.waitForLine(timeout: 10) { $0.hasPrefix("401 rejected") })
        #expect(rejectedLine.contains("failure=body_mismatch"))

        #expect(listener.child.terminate(), "listen did not stop on SIGTERM")
        #expect(listener.child.status == 0)
        #expect(listener.child.lines.last == "stopped: 3 deliveries, 2 verified, 1 rejected, 1 duplicate")
    }

    @Test("listen answers 405, 404, 400 and 413 as documented", .enabled(if: Self.listenBuilt, "whsig listen needs --traits Hummingbird"))
    func listenStatuses() async throws {
        let listener = try DeliveryListener(["--path", "/hook", "--canonical", "compact", "--max-body", "1000"])
        defer { listener.child.terminate() }
        let session = URLSession(configuration: .ephemeral)
        func request(_ method: String, _ path: String, _ body: [UInt8], headers: [(String, String)] = []) async throws -> (Int, String) {
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(listener.port)\(path)")!)
            request.httpMethod = method
            if method != "GET" { request.httpBody = Data(body) }
            for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
            request.timeoutInterval = 20
            let (data, response) = try await session.data(for: request)
            return ((response as! HTTPURLResponse).statusCode, String(decoding: data, as: UTF8.self))
        }
        let signature = try keys.privateKey.base64Signature(for: event, algorithm: .sha512WithRSA)
        #expect(try await request("GET", "/hook", []).0 == 405)
        #expect(try await request("POST", "/other", event).0 == 404)
        // Pretty-printed copy of the compact event: verifies under --canonical compact.
        let pretty = Array(String(decoding: event, as: UTF8.self).replacingOccurrences(of: ",\"", with: ",\n  \"").utf8)
        let (ok, okBody) = try await request("POST", "/hook", pretty, headers: [("fluent-signature", signature)])
        #expect(ok == 200, "\(okBody)")
        let (bad, badBody) = try await request("POST", "/hook", Array("{\"id\":".utf8), headers: [("fluent-signature", signature)])
        #expect(bad == 400)
        #expect(badBody.hasPrefix("the body cannot be read:"))
        let (big, _) = try await request("POST", "/hook", [UInt8](repeating: 0x20, count: 5000), headers: [("fluent-signature", signature)])
        #expect(big == 413)
        let (none, noneBody) = try await request("POST", "/hook", event)
        #expect(none == 401)
        // Generic unless --explain: the log line below has the precise failure.
        #expect(noneBody == "the delivery's signature did not verify\n")
        session.finishTasksAndInvalidate()
        #expect(listener.child.terminate())
        let lines = listener.deliveryLines
        #expect(lines.contains { $0.hasPrefix("405 method-not-allowed GET /hook") })
        #expect(lines.contains { $0.hasPrefix("404 not-found POST /other") })
        #expect(lines.contains { $0.hasPrefix("400 rejected POST /hook") && $0.contains("failure=invalid_json") })
        #expect(lines.contains { $0.hasPrefix("413 rejected POST /hook") })
        #expect(lines.contains { $0.hasPrefix("401 rejected POST /hook headers=none") && $0.contains("failure=no_signature_header") })
    }

    @Test("header names arrive byte for byte: flex.signature with its dot, lower case, and mixed-case extras as given")
    func headerNamesOnTheWire() throws {
        let server = try DeliveryRawServer { _, _ in .answer(200, "ok\n") }
        defer { server.stop() }
        // A body with multi-byte UTF-8, a tab and no trailing newline: sent unchanged.
        let body = Array("{\"id\":\"é-✓\",\"name\":\"A\tB\",\"n\":1.50}".utf8)
        let url = "http://127.0.0.1:\(server.port)/in"
        let plain = try Delivery.run(["send", "--url", url, "--private-key", keys.privatePath, Delivery.file(body)])
        #expect(plain.status == 0, "\(plain.stdout) \(plain.stderr)")
        let mixed = try Delivery.run([
            "send", "--url", url, "--private-key", keys.privatePath,
            "--header", "FLEX.Signature: replaced", "--header", "X-Trace.Id_Case: AbC", Delivery.file(body),
        ])
        #expect(mixed.status == 0)
        let captured = server.connections.map { DeliveryRawServer.split($0.request) }
        try #require(captured.count == 2)

        let (lines, sentBody) = captured[0]
        #expect(lines.first == "POST /in HTTP/1.1")
        #expect(sentBody == body)
        #expect(lines.contains("Content-Type: application/json"))
        #expect(lines.contains("Content-Length: \(body.count)"))
        let md5 = try keys.privateKey.base64Signature(for: body, algorithm: .md5WithRSA)
        let sha512 = try keys.privateKey.base64Signature(for: body, algorithm: .sha512WithRSA)
        #expect(lines.contains("flex.signature: \(md5)"))
        #expect(lines.contains("fluent-signature: \(sha512)"))
        #expect(!lines.contains { $0.lowercased().hasPrefix("expect:") })
        // What arrived verifies.
        let headers = lines.dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), String(line[line.index(after: colon)...]))
        }
        let verdict = try WebhookVerifier(key: keys.privateKey.publicKey, policy: .init(requiresBothSignatures: true))
            .verify(headers: headers, body: sentBody)
        #expect(verdict.isValid)

        let (mixedLines, mixedBody) = captured[1]
        #expect(mixedBody == body)
        #expect(mixedLines.contains("FLEX.Signature: replaced"))
        #expect(mixedLines.contains("X-Trace.Id_Case: AbC"))
        #expect(!mixedLines.contains { $0.hasPrefix("flex.signature:") })
        #expect(mixedLines.contains("fluent-signature: \(sha512)"))
    }

    @Test("retries: closed, closed, stalled past --timeout, then answered; waits follow --backoff")
    func retrySchedule() throws {
        let server = try DeliveryRawServer { index, _ in
            switch index {
            case 0, 1: return .close
            case 2: return .stall(1.5)
            default: return .answer(200, "ok\n")
            }
        }
        defer { server.stop() }
        let started = ContinuousClock.now
        let result = try Delivery.run([
            "send", "--url", "http://127.0.0.1:\(server.port)/hook", "--private-key", keys.privatePath,
            "--retries", "3", "--backoff", "0,0.2,0.4", "--timeout", "0.3", Delivery.file(event),
        ])
        let wall = (ContinuousClock.now - started).deliverySeconds
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        let lines = result.lines
        try #require(lines.count == 4, "\(result.stdout)")
        #expect(lines[0].hasPrefix("attempt 1: closed after ") && lines[0].hasSuffix("retrying in 0 s"))
        #expect(lines[1].hasPrefix("attempt 2: closed after ") && lines[1].hasSuffix("retrying in 0.2 s"))
        #expect(lines[2].hasPrefix("attempt 3: timeout after ") && lines[2].hasSuffix("retrying in 0.4 s"))
        #expect(lines[3].hasPrefix("attempt 4: 200 after "))
        // The timed-out attempt took about --timeout.
        let timedOutMs = Double(lines[2].split(separator: " ")[4]) ?? 0
        #expect(timedOutMs >= 290 && timedOutMs < 10_000, "\(lines[2])")

        // The server saw four connections on the schedule: 0, +0, +0.2, +0.3 (timeout) +0.4.
        let arrivals = server.connections.map(\.arrived)
        try #require(arrivals.count == 4)
        let gaps = zip(arrivals.dropFirst(), arrivals).map { ($0 - $1).deliverySeconds }
        #expect(gaps[0] >= 0 && gaps[0] < 5, "\(gaps)")
        #expect(gaps[1] >= 0.19 && gaps[1] < 5, "\(gaps)")
        #expect(gaps[2] >= 0.68 && gaps[2] < 10, "\(gaps)")
        #expect(wall < 60)
    }

    @Test("refused connections are retried, then exit 3; --json reports every attempt")
    func refusedThenGiveUp() throws {
        let port = try Delivery.closedPort()
        let result = try Delivery.run([
            "send", "--url", "http://127.0.0.1:\(port)/hook", "--private-key", keys.privatePath,
            "--retries", "2", "--backoff", "0.1", "--timeout", "2", "--json", Delivery.file(event),
        ])
        #expect(result.status == 3, "\(result.stdout) \(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let attempts = try #require(object["attempts"] as? [[String: Any]])
        #expect(attempts.count == 3)
        #expect(attempts.allSatisfy { $0["outcome"] as? String == "refused" })
        #expect(attempts.prefix(2).allSatisfy { $0["retryAfterSeconds"] as? Double == 0.1 })
        #expect(object["delivered"] as? Bool == false)
        #expect(object["exitCode"] as? Int == 3)
    }

    @Test("an HTTP error status is an answer: not retried, exit 1")
    func errorStatusIsNotRetried() throws {
        let server = try DeliveryRawServer { _, _ in .answer(503, "busy\n") }
        defer { server.stop() }
        let result = try Delivery.run([
            "send", "--url", "http://127.0.0.1:\(server.port)/", "--private-key", keys.privatePath, "--backoff", "0", Delivery.file(event),
        ])
        #expect(result.status == 1)
        #expect(result.lines.count == 1)
        #expect(result.stdout.hasPrefix("attempt 1: 503 after ") && result.stdout.contains(": busy"))
        #expect(server.connections.count == 1)
    }

    @Test("usage errors exit 2")
    func usageErrors() throws {
        let file = Delivery.file(event)
        for arguments in [
            ["send", "--url", "ftp://127.0.0.1/", "--private-key", keys.privatePath, file],
            ["send", "--url", "http://127.0.0.1:1/", file],
            ["send", "--url", "http://127.0.0.1:1/", "--private-key", keys.privatePath, "--backoff", "1,x", file],
            ["send", "--url", "http://127.0.0.1:1/", "--private-key", keys.privatePath, "--timeout", "0", file],
            ["send", "--url", "http://127.0.0.1:1/", "--private-key", keys.privatePath, "/nonexistent/event.json"],
            ["listen", "--port", "0"],
        ] {
            let result = try Delivery.run(arguments, timeout: 30)
            #expect(result.status == 2, "\(arguments): \(result.stdout) \(result.stderr)")
        }
        if !Self.listenBuilt {
            // Without the trait, listen says how to get it, whatever the arguments.
            let listen = try Delivery.run(["listen", "--port", "8080", "--key", keys.publicPath], timeout: 30)
            #expect(listen.status == 2)
            #expect(listen.stderr.contains("swift run --traits Hummingbird whsig listen"), "\(listen.stderr)")
        }
        let help = try Delivery.run(["send", "--help"], timeout: 30)
        #expect(help.status == 0)
        #expect(help.stdout.contains("Worked example"))
    }

    @Test("load: send --count 1000 --concurrency 8 against listen loses no delivery", .enabled(if: Self.listenBuilt, "whsig listen needs --traits Hummingbird"))
    func loadTest() throws {
        let listener = try DeliveryListener()
        defer { listener.child.terminate() }
        let result = try Delivery.run(
            [
                "send", "--url", listener.url, "--private-key", keys.privatePath, "--count", "1000", "--concurrency", "8", "--json",
                Delivery.file(event),
            ], timeout: 240)
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(report["count"] as? Int == 1000)
        #expect(report["answered"] as? Int == 1000)
        #expect(report["failures"] as? Int == 0)
        #expect((report["statuses"] as? [String: Int]) == ["200": 1000])
        let latency = try #require(report["latencyMs"] as? [String: Double])
        let (p50, p90, p99, max) = (latency["p50"] ?? -1, latency["p90"] ?? -1, latency["p99"] ?? -1, latency["max"] ?? -1)
        #expect(0 < p50 && p50 <= p90 && p90 <= p99 && p99 <= max, "\(latency)")

        #expect(listener.child.terminate())
        let verified = listener.deliveryLines.filter { $0.hasPrefix("200 verified ") }
        #expect(verified.count == 1000)
        #expect(verified.filter { $0.hasSuffix(" duplicate") }.count == 999)
        #expect(listener.child.lines.last == "stopped: 1000 deliveries, 1000 verified, 0 rejected, 999 duplicates")
    }

    @Test("load-test text report")
    func loadTextReport() throws {
        let server = try DeliveryRawServer { _, _ in .answer(202, "queued\n") }
        defer { server.stop() }
        let result = try Delivery.run([
            "send", "--url", "http://127.0.0.1:\(server.port)/", "--private-key", keys.privatePath, "--count", "20", "--concurrency", "4",
            Delivery.file(event),
        ])
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        let lines = result.lines
        try #require(lines.count == 5, "\(result.stdout)")
        #expect(lines[0].hasPrefix("sent 20 deliveries of \(event.count) bytes to http://127.0.0.1:\(server.port)/ in "))
        #expect(lines[1] == "answered: 20 (202 x20)")
        #expect(lines[2] == "failures (no HTTP response): 0")
        #expect(lines[3] == "retried deliveries: 0, extra attempts: 0")
        #expect(lines[4].hasPrefix("latency ms: p50 "))
        #expect(server.connections.count == 20)
    }
}
