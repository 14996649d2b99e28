import Foundation
import Synchronization
import Testing
import WebhookSignature
@testable import WebhookSignatureTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Tells the busy threads of ``underCPULoad(threads:limit:_:)`` to stop.
final class BusyFlag: Sendable {
    let stop = Atomic<Bool>(false)
}

/// Busy threads that load the CPUs while `body` runs: at most `threads` threads, stopped when the
/// body returns and in any case after `limit` seconds.
func underCPULoad<T>(threads: Int = 2, limit: Double = 120, _ body: () throws -> T) rethrows -> T {
    let finished = DispatchGroup()
    let deadline = Date().addingTimeInterval(limit)
    let flag = BusyFlag()
    for _ in 0..<threads {
        finished.enter()
        Thread {
            var x: UInt64 = 1
            while !flag.stop.load(ordering: .relaxed) && Date() < deadline {
                for _ in 0..<100_000 { x = x &* 6_364_136_223_846_793_005 &+ 1 }
            }
            if x == 0 { print("unreachable") }
            finished.leave()
        }.start()
    }
    defer {
        flag.stop.store(true, ordering: .relaxed)
        _ = finished.wait(timeout: .now() + 10)
    }
    return try body()
}

/// A raw HTTP exchange on loopback: sends `request`, reads until the server closes or `timeout`.
func rawExchange(port: Int, _ request: [UInt8], timeout: Double = 10) throws -> (response: String, seconds: Double) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw POSIXError(.EIO) }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
    var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1e6))
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    let start = Date()
    _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    var data: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while Date().timeIntervalSince(start) < timeout {
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 { break }
        data.append(contentsOf: buffer[0..<n])
        // A complete response to a request whose body was never sent: stop once the head and body arrived.
        if let text = String(bytes: data, encoding: .utf8), let end = text.range(of: "\r\n\r\n"),
            let lengthLine = text[..<end.lowerBound].split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-length:") }),
            let length = Int(lengthLine.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)),
            text.utf8.count - text.utf8.distance(from: text.utf8.startIndex, to: end.upperBound) >= length
        {
            break
        }
    }
    return (String(decoding: data, as: UTF8.self), Date().timeIntervalSince(start))
}

@Suite("Reliability of the CLI: send's retries, listen's limits, keyrings, time", .serialized)
struct ReliabilityCLITests {
    let keys = Delivery.keys
    let event = Array(#"{"id":"rel-1","name":"ORDER_CREATED","attributes":{}}"#.utf8)

    // MARK: A. send retries every failure before a response

    /// The receiver from the field: resets at accept, stalls past --timeout, resets again, then answers.
    func flakyDelivery() throws -> Delivery.Finished {
        let server = try DeliveryRawServer(resetAtAccept: [0, 2]) { index, _ in
            index == 1 ? .stall(3) : .answer(200, "ok\n")
        }
        defer { server.stop() }
        let result = try Delivery.run([
            "send", "--url", "http://127.0.0.1:\(server.port)/hook", "--private-key", keys.privatePath,
            "--retries", "5", "--backoff", "0,0.1", "--timeout", "0.5", Delivery.file(event),
        ])
        #expect(server.connections.count == 4, "\(result.stdout)")
        return result
    }

    func checkFlaky(_ result: Delivery.Finished) {
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        let lines = result.lines
        #expect(lines.count == 4, "\(result.stdout)")
        guard lines.count == 4 else { return }
        // Whatever libcurl calls the reset (refused, reset, connection), it is retried.
        for i in [0, 2] {
            #expect(lines[i].contains("retrying in"), "\(lines[i])")
            #expect(!lines[i].contains(": dns ") && !lines[i].contains(": tls "), "\(lines[i])")
        }
        #expect(lines[1].hasPrefix("attempt 2: timeout after "), "\(lines[1])")
        #expect(lines[3].hasPrefix("attempt 4: 200 after "), "\(lines[3])")
    }

    @Test("send delivers through a reset at accept, a stall past --timeout and another reset")
    func flakyReceiver() throws {
        checkFlaky(try flakyDelivery())
    }

    @Test("...and still does with the CPUs busy (5 deliveries, busy threads for their duration)")
    func flakyReceiverUnderLoad() throws {
        try underCPULoad(threads: 2, limit: 180) {
            for _ in 0..<5 { checkFlaky(try flakyDelivery()) }
        }
    }

    @Test("a host name that does not resolve is not retried (dns, exit 3)")
    func unresolvableHost() throws {
        let result = try Delivery.run([
            "send", "--url", "http://whsig-test.invalid/hook", "--private-key", keys.privatePath,
            "--retries", "3", "--backoff", "0", "--timeout", "5", "--json", Delivery.file(event),
        ])
        #expect(result.status == 3, "\(result.stdout) \(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let attempts = try #require(object["attempts"] as? [[String: Any]])
        #expect(attempts.count == 1)
        #expect(attempts.first?["outcome"] as? String == "dns", "\(result.stdout)")
    }

    // MARK: E. listen

    func startListener(_ extra: [String] = []) throws -> DeliveryListener { try DeliveryListener(extra) }

    @Test("listen closes a connection that sends a half request line and then nothing, after --idle-timeout", .enabled(if: DeliveryCLITests.listenBuilt, "whsig listen needs --traits Hummingbird"))
    func idleTimeout() throws {
        let listener = try startListener(["--idle-timeout", "1"])
        defer { listener.child.terminate() }
        let (response, seconds) = try rawExchange(port: listener.port, Array("POST /ho".utf8), timeout: 20)
        #expect(response.isEmpty || response.hasPrefix("HTTP/1.1 4"), "\(response)")
        #expect(seconds >= 0.9 && seconds < 20, "closed after \(seconds) s")
    }

    @Test("listen refuses before reading the body: no signature header, an impossible signature length, a Content-Length over --max-body", .enabled(if: DeliveryCLITests.listenBuilt, "whsig listen needs --traits Hummingbird"))
    func refusedBeforeTheBody() throws {
        let listener = try startListener(["--max-body", "1000"])
        defer { listener.child.terminate() }
        // Each request announces a body it never sends: an answer proves the body was not awaited.
        let head = "POST /hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        let cases: [(String, String, String)] = [
            (head + "Content-Length: 500\r\n\r\n", "401", "no_signature_header"),
            (head + "fluent-signature: QUJD\r\nContent-Length: 500\r\n\r\n", "401", "malformed"),
            (head + "flex.signature: \(String(repeating: "A", count: 340))==\r\nContent-Length: 500\r\n\r\n", "401", "policy_not_met"),
            (head + "fluent-signature: \(String(repeating: "A", count: 342))==\r\nContent-Length: 5000\r\n\r\n", "413", "body_too_large"),
        ]
        for (request, status, logged) in cases {
            let (response, seconds) = try rawExchange(port: listener.port, Array(request.utf8), timeout: 10)
            #expect(response.hasPrefix("HTTP/1.1 \(status)"), "\(request): \(response)")
            #expect(seconds < 8, "\(seconds) s")
            if status == "401" { #expect(response.contains("Webhook-Failure: signature_invalid"), "\(response)") }
            let line = listener.child.waitForLine(timeout: 10) { $0.contains("failure=\(logged)") && $0.hasPrefix(status) }
            #expect(line?.contains("the body was not read") == true, "\(listener.child.stdout)")
        }
    }

    @Test("a 401 names no key, label or status unless --explain; the log line has the full verdict", .enabled(if: DeliveryCLITests.listenBuilt, "whsig listen needs --traits Hummingbird"))
    func generic401() throws {
        let signature = try keys.privateKey.base64Signature(for: event, algorithm: .sha512WithRSA)
        var tampered = event
        tampered[8] = UInt8(ascii: "X")
        for explain in [false, true] {
            let listener = try startListener(explain ? ["--explain"] : [])
            defer { listener.child.terminate() }
            let head =
                "POST /hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nfluent-signature: \(signature)\r\nContent-Length: \(tampered.count)\r\n\r\n"
            let (response, _) = try rawExchange(port: listener.port, Array(head.utf8) + tampered)
            #expect(response.hasPrefix("HTTP/1.1 401"), "\(response)")
            let id = keys.privateKey.publicKey.fingerprint.hex
            if explain {
                #expect(response.contains("Webhook-Failure: body_mismatch") && response.contains(id), "\(response)")
            } else {
                #expect(response.contains("Webhook-Failure: signature_invalid"), "\(response)")
                #expect(!response.contains(id.prefix(16)) && !response.contains("body_mismatch") && !response.contains("retired"), "\(response)")
            }
            let line = listener.child.waitForLine(timeout: 10) { $0.hasPrefix("401 rejected") }
            #expect(line?.contains("failure=body_mismatch") == true && line?.contains("key=\(id.prefix(16))") == true, "\(String(describing: line))")
        }
    }

    @Test("--save-dir is created 0700 and each saved body is 0600", .enabled(if: DeliveryCLITests.listenBuilt, "whsig listen needs --traits Hummingbird"))
    func saveDirModes() throws {
        let dir = Delivery.temporaryDirectory().appendingPathComponent("saved/inner").path
        let listener = try startListener(["--save-dir", dir])
        defer { listener.child.terminate() }
        let sent = try Delivery.run(["send", "--url", listener.url, "--private-key", keys.privatePath, Delivery.file(event)])
        #expect(sent.status == 0, "\(sent.stdout)")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir)
        #expect(files.count == 1)
        var info = stat()
        #expect(stat(dir, &info) == 0 && info.st_mode & 0o777 == 0o700)
        #expect(stat(dir + "/" + (files.first ?? ""), &info) == 0 && info.st_mode & 0o777 == 0o600)
    }

    @Test("--dedupe-window N keeps the last N digests: the oldest is dropped", .enabled(if: DeliveryCLITests.listenBuilt, "whsig listen needs --traits Hummingbird"))
    func dedupeWindow() throws {
        let bodies = [Array(#"{"id":"a"}"#.utf8), Array(#"{"id":"b"}"#.utf8)]
        for (window, duplicateExpected) in [(1, false), (2, true)] {
            let listener = try startListener(["--dedupe-window", String(window)])
            defer { listener.child.terminate() }
            for body in [bodies[0], bodies[1], bodies[0]] {
                let sent = try Delivery.run(["send", "--url", listener.url, "--private-key", keys.privatePath, Delivery.file(body)])
                #expect(sent.status == 0, "\(sent.stdout)")
            }
            _ = listener.child.waitForLine(timeout: 10) { $0.contains("id=a") && listener.deliveryLines.count >= 3 }
            let lines = listener.deliveryLines
            #expect(lines.count == 3, "\(lines)")
            #expect(lines.last?.hasSuffix(" duplicate") == duplicateExpected, "window \(window): \(lines)")
            #expect(!lines.dropLast().contains { $0.hasSuffix(" duplicate") })
        }
    }

    // MARK: C. keyrings

    func run(_ arguments: [String], in directory: URL) throws -> CLI.Result { try CLI.run(arguments, in: directory) }

    @Test("a label that is another key's id prefix is refused; retire by that prefix retires the right key")
    func labelIsNotAnIdPrefix() throws {
        let dir = try CLI.temporaryDirectory()
        for name in ["a", "b"] {
            #expect(try run(["keygen", "--private-key", "\(name).pem", "--public-key", "\(name).b64"], in: dir).status == 0)
        }
        let idA = try run(["fingerprint", "a.b64"], in: dir).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let prefix = String(idA.prefix(8))
        #expect(try run(["keyring", "add", "--keyring", "ring.json", "--key", "a.b64", "--label", "alpha"], in: dir).status == 0)
        let refused = try run(["keyring", "add", "--keyring", "ring.json", "--key", "b.b64", "--label", prefix], in: dir)
        #expect(refused.status == 2 && refused.stderr.contains("id prefix"), "\(refused.stderr)")
        #expect(try run(["keyring", "add", "--keyring", "ring.json", "--key", "b.b64", "--label", "beta"], in: dir).status == 0)
        let retired = try run(["keyring", "retire", "--keyring", "ring.json", "--json", prefix], in: dir)
        #expect(retired.status == 0)
        #expect(retired.stdout.contains(idA), "\(retired.stdout)")
        let listing = try run(["keyring", "list", "--keyring", "ring.json"], in: dir).stdout
        #expect(listing.split(separator: "\n").contains { $0.hasPrefix(idA) && $0.contains("retired") })
        #expect(listing.split(separator: "\n").contains { !$0.hasPrefix(idA) && $0.contains("beta") && $0.contains("active") })
    }

    @Test("a keyring rewrite keeps the file's mode (and owner, when run as root)")
    func keyringKeepsModeAndOwner() throws {
        let dir = try CLI.temporaryDirectory()
        for name in ["a", "b", "c"] {
            #expect(try run(["keygen", "--private-key", "\(name).pem", "--public-key", "\(name).b64"], in: dir).status == 0)
        }
        let ring = dir.appendingPathComponent("ring.json").path
        #expect(try run(["keyring", "add", "--keyring", "ring.json", "--key", "a.b64", "--label", "a"], in: dir).status == 0)
        #expect(chmod(ring, 0o600) == 0)
        let asRoot = geteuid() == 0
        if asRoot { #expect(chown(ring, 65534, 65534) == 0) }
        func check(_ step: String) {
            var info = stat()
            #expect(stat(ring, &info) == 0)
            #expect(info.st_mode & 0o7777 == 0o600, "\(step): mode \(String(info.st_mode & 0o7777, radix: 8))")
            if asRoot { #expect(info.st_uid == 65534 && info.st_gid == 65534, "\(step): owner \(info.st_uid):\(info.st_gid)") }
        }
        #expect(try run(["keyring", "add", "--keyring", "ring.json", "--key", "b.b64", "--label", "b"], in: dir).status == 0)
        check("add")
        #expect(try run(["keyring", "retire", "--keyring", "ring.json", "a"], in: dir).status == 0)
        check("retire")
        #expect(try run(["keyring", "remove", "--keyring", "ring.json", "a"], in: dir).status == 0)
        check("remove")
        #expect(
            try run(["rotate", "--keyring", "ring.json", "--private-key", "n.pem", "--public-key", "n.b64", "--label", "n"], in: dir).status == 0)
        check("rotate")
        // A new keyring gets the default mode.
        #expect(try run(["keyring", "add", "--keyring", "new.json", "--key", "c.b64"], in: dir).status == 0)
        var info = stat()
        #expect(stat(dir.appendingPathComponent("new.json").path, &info) == 0 && info.st_mode & 0o777 == 0o644)
    }

    // MARK: D. time

    @Test("out-of-range times and durations are exit 2 with a reason, never a signal")
    func timeOutOfRange() throws {
        let dir = try CLI.temporaryDirectory()
        #expect(try run(["keygen", "--private-key", "a.pem", "--public-key", "a.b64"], in: dir).status == 0)
        #expect(try run(["keyring", "add", "--keyring", "ring.json", "--key", "a.b64"], in: dir).status == 0)
        let cases: [[String]] = [
            ["keyring", "list", "--keyring", "ring.json", "--at", "now+9223372036854775807s"],
            ["keyring", "list", "--keyring", "ring.json", "--at", "now-9223372036854775807s"],
            ["keyring", "list", "--keyring", "ring.json", "--at", "now+9223372036854775807w"],
            ["keyring", "list", "--keyring", "ring.json", "--at", "now+99999999999999999999s"],
            ["keyring", "list", "--keyring", "ring.json", "--at", "now+8000y"],
            ["keyring", "add", "--keyring", "ring2.json", "--key", "a.b64", "--not-after", "now+9223372036854775807s"],
            ["rotate", "--keyring", "ring.json", "--private-key", "n.pem", "--public-key", "n.b64", "--overlap", "9223372036854775807s"],
            ["rotate", "--keyring", "ring.json", "--private-key", "n.pem", "--public-key", "n.b64", "--overlap", "15250284452w"],
        ]
        for arguments in cases {
            let result = try run(arguments, in: dir)
            #expect(result.status == 2, "\(arguments.joined(separator: " ")): \(result.status) \(result.stderr)")
            #expect(result.stderr.hasPrefix("whsig: error: "), "\(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("n.pem").path))
        // The far edge that fits is fine.
        #expect(try run(["keyring", "list", "--keyring", "ring.json", "--at", "9999-12-31T23:59:59Z"], in: dir).status == 0)
    }

    @Test("keygen and rotate take 1024 bits only with --allow-weak-1024 (the library's rule)")
    func weakKeysNeedOptIn() throws {
        let dir = try CLI.temporaryDirectory()
        let refused = try run(["keygen", "--bits", "1024", "--private-key", "w.pem", "--public-key", "w.b64"], in: dir)
        #expect(refused.status == 2 && refused.stderr.contains("--allow-weak-1024"), "\(refused.stderr)")
        let rotateRefused = try run(["rotate", "--keyring", "r.json", "--bits", "1024", "--private-key", "w.pem", "--public-key", "w.b64"], in: dir)
        #expect(rotateRefused.status == 2 && rotateRefused.stderr.contains("key_too_small"), "\(rotateRefused.stderr)")
        #expect(
            try run(["keygen", "--bits", "1024", "--allow-weak-1024", "--private-key", "w.pem", "--public-key", "w.b64"], in: dir).status == 0)
        #expect(try run(["keygen", "--bits", "2052", "--private-key", "x.pem", "--public-key", "x.b64"], in: dir).status == 2)
    }
}
