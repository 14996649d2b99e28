import Foundation
import Synchronization
import Testing
import WebhookSignature

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Helpers for the delivery-store tests: signed posts over loopback, events with distinct bodies,
/// extra signing keys, and the throwaway PostgreSQL server of `scripts/with-postgres`.
enum Inbox {
    /// An event body, distinct for each `n` (and `tag`), as compact JSON.
    static func event(_ n: Int, tag: String = "load") -> [UInt8] {
        Array(#"{"id":"\#(tag)-\#(n)","name":"OrderStatusChange","entityId":"\#(n)","entityType":"ORDER","attributes":{"n":\#(n)}}"#.utf8)
    }

    /// A second (and third…) signing key written as an x509 base64 file, made once per tag.
    static func extraKey(_ tag: String) -> (key: RSAPrivateKey, publicPath: String) {
        let key = try! RSAPrivateKey(generatingBits: 2048)
        let path = Delivery.file(Array(key.publicKey.x509Base64.utf8), name: "\(tag).pub.b64")
        return (key, path)
    }

    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.connectionProxyDictionary = [:]
        configuration.httpMaximumConnectionsPerHost = 16
        return URLSession(configuration: configuration)
    }()

    struct Answer: Sendable {
        var status: Int
        var body: String
        var failure: String?
    }

    /// POSTs `body` signed by `key` (both headers) to `url`; nil when no HTTP response came.
    static func post(_ url: String, _ body: [UInt8], key: RSAPrivateKey, timeout: Double = 15) async -> Answer? {
        guard let headers = try? WebhookSigner(key: key).headers(for: body) else { return nil }
        return await post(url, body, headers: headers.map { ($0.name, $0.value) }, timeout: timeout)
    }

    static func post(_ url: String, _ body: [UInt8], headers: [(String, String)], timeout: Double = 15) async -> Answer? {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        request.timeoutInterval = timeout
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        guard let (data, response) = try? await session.data(for: request), let http = response as? HTTPURLResponse else { return nil }
        return Answer(status: http.statusCode, body: String(decoding: data, as: UTF8.self), failure: http.value(forHTTPHeaderField: "Webhook-Failure"))
    }

    /// Repeats `probe` every 100 ms until it is true; the seconds it took, or nil after `timeout`.
    static func until(timeout: Double, _ probe: () async -> Bool) async -> Double? {
        let start = Date()
        while Date().timeIntervalSince(start) < timeout {
            if await probe() { return Date().timeIntervalSince(start) }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    /// Lowercase hex SHA-512, as the stores name bodies.
    static func digest(_ body: [UInt8]) -> String {
        let hasher = try! BodyDigest(algorithm: .sha512WithRSA)
        try! hasher.update(body)
        return try! hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

/// The throwaway server of `scripts/with-postgres`, from its environment variables.
enum TestPostgres {
    static let environment = ProcessInfo.processInfo.environment
    /// `postgres://postgres@127.0.0.1:PORT/postgres`, or nil outside `scripts/with-postgres`.
    static var url: String? { environment["WHSIG_TEST_POSTGRES_URL"] }
    /// Set by the CI step that must run these tests: there, a missing server is a failure, not a skip.
    static var required: Bool { environment["CI"] == "true" && environment["WHSIG_REQUIRE_POSTGRES"] == "1" }
    static var skipMessage: String {
        compiled
            ? "WHSIG_TEST_POSTGRES_URL is not set: run under scripts/with-postgres"
            : "built without the PostgreSQL and Hummingbird traits: run scripts/with-postgres swift test --enable-all-traits --filter Inbox"
    }

    #if PostgreSQL && Hummingbird
        static let compiled = true
    #else
        static let compiled = false
    #endif

    /// True when the PostgreSQL tests can run: the traits are on (whsig listen needs Hummingbird) and a server is there.
    static var available: Bool { compiled && url != nil }

    /// Runs `psql` against `database` (on the test server) and returns its unaligned, tuples-only output.
    @discardableResult
    static func psql(_ sql: String, database: String = "postgres") throws -> String {
        let result = try Delivery.runTool("psql", [databaseURL(database), "-v", "ON_ERROR_STOP=1", "-tAq", "-c", sql])
        guard result.status == 0 else { throw ToolFailed(description: "psql: \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A fresh database for one test, so tests never see each other's rows.
    static func freshDatabase(_ name: String) throws -> String {
        try psql("DROP DATABASE IF EXISTS \(name)")
        try psql("CREATE DATABASE \(name)")
        return databaseURL(name)
    }

    static func databaseURL(_ name: String) -> String {
        let base = url ?? "postgres://postgres@127.0.0.1:5432/postgres"
        return String(base[..<base.lastIndex(of: "/")!]) + "/" + name
    }

    /// Stops (`stop`) or restarts (`start`) the server through the script that started it.
    static func control(_ action: String) throws {
        guard let script = environment["WHSIG_TEST_POSTGRES_CTL"] else { throw ToolFailed(description: "WHSIG_TEST_POSTGRES_CTL is not set") }
        let result = try Delivery.runTool(script, [action])
        guard result.status == 0 else { throw ToolFailed(description: "with-postgres \(action): \(result.stderr)") }
    }

    struct ToolFailed: Error, CustomStringConvertible { var description: String }
}

extension Delivery {
    /// Runs a program other than whsig (found on PATH when not absolute) to completion.
    static func runTool(_ program: String, _ arguments: [String]) throws -> Finished {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        nonisolated(unsafe) var errData = Data()
        let errThread = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        errThread.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errThread.isFinished { Thread.sleep(forTimeInterval: 0.001) }
        return Finished(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// A running `whsig listen` with any options (DeliveryListener always adds the test key).
final class InboxListener: @unchecked Sendable {
    let child: DeliveryChild
    let port: Int

    init(_ arguments: [String]) throws {
        child = try DeliveryChild(["listen", "--port", "0"] + arguments)
        guard let line = child.waitForLine(timeout: 30, { $0.hasPrefix("listening on http://127.0.0.1:") }),
            let port = Int(line.split(separator: ":").last ?? "")
        else {
            child.kill()
            throw DeliveryListener.ListenerFailed(stdout: child.stdout, stderr: child.stderr)
        }
        self.port = port
    }

    var url: String { "http://127.0.0.1:\(port)/hook" }
}

/// A value shared between tasks and escaping closures (a `Mutex` alone cannot be captured by them).
final class Shared<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<R>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
    var value: Value { mutex.withLock { $0 } }
}
