import ArgumentParser
import Dispatch
import Foundation
import Synchronization
import WebhookSignature

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

extension Exit {
    /// `send`: no attempt got an HTTP response.
    static let noResponse: Int32 = 3
}

struct Send: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "POST an event signed as the platform signs it, with the platform's retries; or load-test a receiver.",
        discussion: """
            Sends the body byte for byte as given, with Content-Type: application/json, flex.signature \
            (MD5withRSA) and fluent-signature (SHA512withRSA), header names exactly in that case. An attempt \
            that gets no HTTP response (connection refused, reset or closed before a response, or no \
            response within --timeout) is retried on the platform's schedule: at once, then after 2 s, 4 s \
            and 8 s. Any HTTP response is an answer and is not retried. One line per attempt: number, status \
            or failure kind (refused, reset, closed, timeout), elapsed ms, and the first line of the \
            receiver's answer.

            Exit codes: 0 the receiver answered 2xx; 1 it answered another status; 2 bad usage or input; 3 \
            no attempt got an HTTP response.

            --header 'NAME: VALUE' adds a header, or replaces a computed one of the same name (any case): \
            send a deliberately wrong signature, or replay a captured delivery without --private-key. \
            --count N --concurrency C replays the event N times, C in flight, and reports latency \
            percentiles, answers per status and failures (exit 3 if any delivery got no response, else 1 if \
            any was not 2xx). Proxies follow libcurl's http_proxy, https_proxy and no_proxy variables.

            Worked example (two terminals), with a key pair made by openssl:
              openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \\
                -out sender.pem
              openssl pkey -in sender.pem -pubout -out sender-public.pem
              whsig listen --port 8080 --key sender-public.pem
              whsig send --url http://127.0.0.1:8080/hook \\
                --private-key sender.pem event.json
              attempt 1: 200 after 18.5 ms: verified by key 8795749cc52e9b41...

            A receiver down for a while (retries 2, 4, 8 s apart, 3 s each):
              whsig send --url https://example.test/hook \\
                --private-key sender.pem --timeout 3 event.json

            Load test:
              whsig send --url http://127.0.0.1:8080/hook \\
                --private-key sender.pem --count 1000 --concurrency 8 event.json
            """
    )

    @Option(help: ArgumentHelp("The receiver's URL (http or https).", valueName: "URL"))
    var url: String

    @Option(help: ArgumentHelp("The private key that signs the body (PKCS#8 or PKCS#1, PEM, DER or base64).", valueName: "FILE"))
    var privateKey: String?

    @Option(help: "Which signature headers to send: md5, sha512 or both.")
    var algorithm: AlgorithmChoice = .both

    @Option(
        name: .customLong("header"),
        help: ArgumentHelp("An extra header 'NAME: VALUE' (replaces a computed one of that name); repeatable.", valueName: "HEADER"))
    var headers: [String] = []

    @Option(help: ArgumentHelp("Seconds to wait for a response, per attempt (fractions allowed).", valueName: "SECONDS"))
    var timeout: Double = 10

    @Option(help: ArgumentHelp("Retries after an attempt that got no HTTP response.", valueName: "N"))
    var retries: Int = 4

    @Option(help: ArgumentHelp("Seconds to wait before each retry, comma-separated; the last repeats.", valueName: "LIST"))
    var backoff: String = "0,2,4,8"

    @Option(help: ArgumentHelp("Load test: send the event N times and report latency percentiles.", valueName: "N"))
    var count: Int?

    @Option(help: ArgumentHelp("Load test: deliveries in flight at once.", valueName: "C"))
    var concurrency: Int = 1

    @Flag(help: "Print the result as one JSON object.")
    var json = false

    @OptionGroup var backendOptions: BackendOptions

    @Argument(help: ArgumentHelp("The event file, or - for standard input.", valueName: "EVENTFILE"))
    var body: String?

    func validate() throws {
        _ = try Self.parseURL(url)
        guard timeout.isFinite, timeout > 0, timeout <= 86_400 else {
            throw ValidationError("--timeout must be a positive number of seconds, at most 86400")
        }
        guard (0...100).contains(retries) else { throw ValidationError("--retries must be 0...100") }
        _ = try Self.parseBackoff(backoff)
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        guard (1...1024).contains(concurrency) else { throw ValidationError("--concurrency must be 1...1024") }
        if concurrency > 1 && count == nil { throw ValidationError("--concurrency goes with --count") }
        for header in headers { _ = try parseHeader(header) }
        if privateKey == nil,
            !headers.contains(where: { (try? parseHeader($0)).map { SignatureAlgorithm(headerName: $0.0) != nil } ?? false })
        {
            throw ValidationError("give --private-key FILE, or signature headers with --header 'fluent-signature: B64'")
        }
    }

    static func parseURL(_ text: String) throws -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else {
            throw ValidationError("--url \"\(text)\" is not an http:// or https:// URL with a host")
        }
        return url
    }

    static func parseBackoff(_ text: String) throws -> [Double] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let values = parts.map { Double($0) }
        guard !parts.isEmpty, values.allSatisfy({ $0 != nil && $0!.isFinite && $0! >= 0 && $0! <= 86_400 }) else {
            throw ValidationError("--backoff \"\(text)\" is not a list of seconds (0...86400) such as 0,2,4,8")
        }
        return values.map { $0! }
    }

    func run() async throws {
        let target = try Self.parseURL(url)
        let bytes = try readInput(body, what: "event")
        var computed: [(String, String)] = []
        if let privateKey {
            let key = try loadPrivateKey(privateKey, backend: backendOptions.backend)
            computed = try WebhookSigner(key: key, algorithms: algorithm.algorithms).headers(for: bytes).map { ($0.name, $0.value) }
        }
        let extra = try headers.map(parseHeader)
        let plan = RetryPlan(retries: retries, backoff: try Self.parseBackoff(backoff), timeout: timeout)
        let deliverer = HTTPDeliverer(
            url: target, body: bytes, headers: Self.merge(computed: computed, extra: extra),
            maxConnections: count == nil ? 1 : concurrency)
        defer { deliverer.close() }

        if let count {
            let report = await LoadTest(deliverer: deliverer, plan: plan, count: count, concurrency: concurrency).run()
            if json {
                printJSON(report.json(url: url, bodyBytes: bytes.count))
            } else {
                for line in report.lines(url: url, bodyBytes: bytes.count) { emitLine(line) }
            }
            if report.exitCode != Exit.ok { throw ExitCode(report.exitCode) }
            return
        }

        let quiet = json
        let result = await deliverer.deliver(plan: plan) { record in
            if !quiet { emitLine(record.line(plan: plan)) }
        }
        if json {
            var object: [String: Any] = [
                "url": url, "bodyBytes": bytes.count, "attempts": result.attempts.map { $0.json() },
                "delivered": result.status.map { (200..<300).contains($0) } ?? false, "exitCode": result.exitCode,
            ]
            if let status = result.status { object["status"] = status }
            printJSON(object)
        } else if result.status == nil {
            emitLine("no HTTP response after \(result.attempts.count) attempt\(result.attempts.count == 1 ? "" : "s")")
        }
        if result.exitCode != Exit.ok { throw ExitCode(result.exitCode) }
    }

    /// The headers to send, in order: Content-Type, the computed signatures, then the extra ones; an
    /// extra header replaces a computed one of the same name (any case), repeats are comma-joined.
    static func merge(computed: [(String, String)], extra: [(String, String)]) -> [(String, String)] {
        var result: [(String, String)] = [("Content-Type", "application/json")] + computed
        var fromExtra = Set<String>()
        for (name, value) in extra {
            let lower = name.lowercased()
            if fromExtra.contains(lower), let i = result.firstIndex(where: { $0.0.lowercased() == lower }) {
                result[i].1 += ", " + value
            } else {
                result.removeAll { $0.0.lowercased() == lower }
                result.append((name, value))
                fromExtra.insert(lower)
            }
        }
        return result
    }
}

/// Writes a line to stdout at once (unbuffered), so a reader sees each attempt as it ends.
func emitLine(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// When to retry: `retries` more attempts after failures without an HTTP response, waiting
/// `backoff[i]` seconds before retry i+1 (the last entry repeats), `timeout` seconds per attempt.
struct RetryPlan: Sendable {
    var retries: Int
    var backoff: [Double]
    var timeout: Double

    func wait(beforeRetry n: Int) -> Double { backoff[min(n - 1, backoff.count - 1)] }
}

/// Why an attempt got no HTTP response.
enum FailureKind: String, Sendable {
    /// The connection was refused (nothing listening).
    case refused
    /// The connection was reset before a response.
    case reset
    /// The receiver closed the connection without a (well-formed) response.
    case closed
    /// No response within --timeout.
    case timeout
    /// The host name did not resolve (not retried).
    case dns
    /// The TLS handshake or certificate failed (not retried).
    case tls
    /// Anything else (not retried).
    case error

    /// Whether the platform would retry: only when the receiver may come back.
    var retried: Bool { self == .refused || self == .reset || self == .closed || self == .timeout }

    /// Maps URLSession's errors; `timedOut` says whether our own per-attempt deadline cancelled the task.
    static func classify(_ error: any Error, timedOut: Bool) -> FailureKind {
        guard let error = error as? URLError else { return .error }
        switch error.code {
        case .cannotConnectToHost: return .refused
        case .networkConnectionLost: return .reset
        case .badServerResponse, .zeroByteResource: return .closed
        case .timedOut: return .timeout
        case .cancelled: return timedOut ? .timeout : .error
        case .cannotFindHost, .dnsLookupFailed: return .dns
        case .secureConnectionFailed, .serverCertificateHasBadDate, .serverCertificateUntrusted,
            .serverCertificateHasUnknownRoot, .serverCertificateNotYetValid, .clientCertificateRejected,
            .clientCertificateRequired:
            return .tls
        default: return .error
        }
    }
}

/// One attempt: an HTTP answer, or why there was none.
struct AttemptRecord: Sendable {
    enum Outcome: Sendable {
        case answered(status: Int, body: [UInt8])
        case failed(FailureKind, String)
    }
    var number: Int
    var outcome: Outcome
    var elapsed: Duration
    /// The wait before the next attempt, if there is one.
    var nextWait: Double?

    var elapsedMs: Double { Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15 }

    func line(plan: RetryPlan) -> String {
        let ms = String(format: "%.1f ms", elapsedMs)
        switch outcome {
        case .answered(let status, let body):
            let first = Self.firstLine(body)
            return "attempt \(number): \(status) after \(ms)" + (first.isEmpty ? "" : ": \(first)")
        case .failed(let kind, let message):
            var line = "attempt \(number): \(kind.rawValue) after \(ms) (\(message))"
            if let nextWait { line += "; retrying in \(Self.seconds(nextWait))" }
            return line
        }
    }

    func json() -> [String: Any] {
        var object: [String: Any] = ["attempt": number, "elapsedMs": (elapsedMs * 10).rounded() / 10]
        switch outcome {
        case .answered(let status, let body):
            object["outcome"] = "answered"
            object["status"] = status
            object["response"] = String(decoding: body.prefix(4096), as: UTF8.self)
        case .failed(let kind, let message):
            object["outcome"] = kind.rawValue
            object["error"] = message
        }
        if let nextWait { object["retryAfterSeconds"] = nextWait }
        return object
    }

    static func firstLine(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(512), as: UTF8.self)
        let line = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).first.map(String.init) ?? ""
        return line.count > 200 ? String(line.prefix(200)) + "..." : line
    }

    static func seconds(_ s: Double) -> String {
        s == s.rounded() ? "\(Int(s)) s" : "\(s) s"
    }
}

/// The attempts of one delivery and how it ended.
struct DeliveryResult: Sendable {
    var attempts: [AttemptRecord]
    /// From the first attempt's start to the end of the last one, waits included.
    var total: Duration

    /// The HTTP status of the answer, nil if no attempt got one.
    var status: Int? {
        if case .answered(let status, _)? = attempts.last?.outcome { return status }
        return nil
    }

    var failure: FailureKind? {
        if case .failed(let kind, _)? = attempts.last?.outcome { return kind }
        return nil
    }

    var exitCode: Int32 {
        guard let status else { return Exit.noResponse }
        return (200..<300).contains(status) ? Exit.ok : Exit.invalid
    }
}

/// POSTs one fixed request with URLSession (FoundationNetworking, libcurl underneath).
///
/// Header names keep their exact case: URLRequest would rewrite `flex.signature` as `Flex.Signature`,
/// while the session's `httpAdditionalHeaders` are sent as given, so every header but Content-Type
/// goes there. Redirects are not followed (a 3xx is an answer). Each attempt has its own deadline,
/// enforced here because libcurl's timeout is whole seconds.
final class HTTPDeliverer: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private struct Pending {
        var data: [UInt8] = []
        var timedOut = false
        var continuation: CheckedContinuation<AttemptRecord.Outcome, Never>
    }

    private let request: URLRequest
    private let pending = Mutex<[Int: Pending]>([:])
    private var session: URLSession!
    /// The most of a response body kept, for the report.
    private static let keptBodyBytes = 64 * 1024

    init(url: URL, body: [UInt8], headers: [(String, String)], maxConnections: Int) {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        var sessionHeaders: [String: String] = [:]
        var hasUserAgent = false
        for (name, value) in headers {
            if name.lowercased() == "content-type" {
                // On the request, or URLSession adds its own form-encoded Content-Type.
                request.setValue(value, forHTTPHeaderField: "Content-Type")
            } else {
                sessionHeaders[name] = value
                if name.lowercased() == "user-agent" { hasUserAgent = true }
            }
        }
        if !hasUserAgent { sessionHeaders["User-Agent"] = "whsig/\(WebhookSignatureVersion.string)" }
        self.request = request
        super.init()
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpAdditionalHeaders = sessionHeaders
        configuration.httpMaximumConnectionsPerHost = maxConnections
        configuration.httpShouldSetCookies = false
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        // Our own deadline cancels first; libcurl's is a backstop.
        configuration.timeoutIntervalForRequest = 3600
        configuration.timeoutIntervalForResource = 3600
        session = URLSession(configuration: configuration, delegate: self, delegateQueue: nil)
    }

    func close() {
        session.finishTasksAndInvalidate()
    }

    /// One attempt with a deadline of `timeout` seconds.
    func attempt(timeout: Double) async -> AttemptRecord.Outcome {
        await withCheckedContinuation { continuation in
            let task = session.dataTask(with: request)
            let id = task.taskIdentifier
            pending.withLock { $0[id] = Pending(continuation: continuation) }
            task.resume()
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [weak self] in
                guard let self else { return }
                let stillRunning = self.pending.withLock { table -> Bool in
                    guard table[id] != nil else { return false }
                    table[id]!.timedOut = true
                    return true
                }
                if stillRunning { task.cancel() }
            }
        }
    }

    /// Attempts until an HTTP answer, a failure that is not retried, or the retries run out.
    func deliver(plan: RetryPlan, onAttempt: (AttemptRecord) -> Void = { _ in }) async -> DeliveryResult {
        let clock = ContinuousClock()
        let start = clock.now
        var records: [AttemptRecord] = []
        var number = 1
        while true {
            let attemptStart = clock.now
            let outcome = await attempt(timeout: plan.timeout)
            var record = AttemptRecord(number: number, outcome: outcome, elapsed: clock.now - attemptStart)
            var retry = false
            if case .failed(let kind, _) = outcome, kind.retried, number <= plan.retries {
                record.nextWait = plan.wait(beforeRetry: number)
                retry = true
            }
            records.append(record)
            onAttempt(record)
            guard retry, let wait = record.nextWait else { break }
            if wait > 0 { try? await Task.sleep(for: .nanoseconds(Int64(wait * 1e9))) }
            number += 1
        }
        return DeliveryResult(attempts: records, total: clock.now - start)
    }

    // MARK: URLSessionDataDelegate

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        pending.withLock { table in
            guard var entry = table[dataTask.taskIdentifier] else { return }
            let room = Self.keptBodyBytes - entry.data.count
            if room > 0 { entry.data.append(contentsOf: data.prefix(room)) }
            table[dataTask.taskIdentifier] = entry
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        guard let entry = pending.withLock({ $0.removeValue(forKey: task.taskIdentifier) }) else { return }
        let outcome: AttemptRecord.Outcome
        if let error {
            let kind = FailureKind.classify(error, timedOut: entry.timedOut)
            let message = kind == .timeout ? "no response within the timeout" : Self.describe(error)
            outcome = .failed(kind, message)
        } else if let response = task.response as? HTTPURLResponse {
            outcome = .answered(status: response.statusCode, body: entry.data)
        } else {
            outcome = .failed(.error, "the transfer ended without an HTTP response")
        }
        entry.continuation.resume(returning: outcome)
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? URLError {
            return "\(error.localizedDescription) [URLError \(error.code.rawValue)]"
        }
        return "\(error)"
    }
}

/// Hands out 0, 1, 2… to concurrent workers.
final class Ticket: Sendable {
    private let value = Atomic<Int>(0)
    func take() -> Int { value.wrappingAdd(1, ordering: .relaxed).oldValue }
}

/// `--count N --concurrency C`: N deliveries, C in flight, each with the retry plan.
struct LoadTest {
    let deliverer: HTTPDeliverer
    let plan: RetryPlan
    let count: Int
    let concurrency: Int

    struct Report {
        var results: [DeliveryResult]
        var wall: Duration
        var concurrency: Int

        var answered: [DeliveryResult] { results.filter { $0.status != nil } }
        var failures: [DeliveryResult] { results.filter { $0.status == nil } }

        var statusCounts: [(Int, Int)] {
            Dictionary(grouping: answered, by: { $0.status! }).map { ($0.key, $0.value.count) }.sorted { $0.0 < $1.0 }
        }
        var failureCounts: [(String, Int)] {
            Dictionary(grouping: failures, by: { $0.failure?.rawValue ?? "error" }).map { ($0.key, $0.value.count) }.sorted { $0.0 < $1.0 }
        }
        var retriedDeliveries: Int { results.filter { $0.attempts.count > 1 }.count }
        var extraAttempts: Int { results.reduce(0) { $0 + $1.attempts.count - 1 } }

        /// Latencies (first attempt to answer, retries included) of the answered deliveries, sorted, in ms.
        var latencies: [Double] {
            answered.map { AttemptRecord(number: 0, outcome: .failed(.error, ""), elapsed: $0.total).elapsedMs }.sorted()
        }

        /// Nearest-rank percentile.
        static func percentile(_ sorted: [Double], _ p: Double) -> Double? {
            guard !sorted.isEmpty else { return nil }
            let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
            return sorted[max(0, min(sorted.count - 1, rank - 1))]
        }

        var seconds: Double { AttemptRecord(number: 0, outcome: .failed(.error, ""), elapsed: wall).elapsedMs / 1000 }

        var exitCode: Int32 {
            if !failures.isEmpty { return Exit.noResponse }
            if answered.contains(where: { !(200..<300).contains($0.status!) }) { return Exit.invalid }
            return Exit.ok
        }

        func lines(url: String, bodyBytes: Int) -> [String] {
            let rate = seconds > 0 ? Double(results.count) / seconds : 0
            var out = [
                String(
                    format: "sent %d deliveries of %d bytes to %@ in %.2f s (%.0f/s), concurrency %d",
                    results.count, bodyBytes, url, seconds, rate, concurrency)
            ]
            let statuses = statusCounts.map { "\($0.0) x\($0.1)" }.joined(separator: ", ")
            out.append("answered: \(answered.count)" + (statuses.isEmpty ? "" : " (\(statuses))"))
            let kinds = failureCounts.map { "\($0.0) x\($0.1)" }.joined(separator: ", ")
            out.append("failures (no HTTP response): \(failures.count)" + (kinds.isEmpty ? "" : " (\(kinds))"))
            out.append("retried deliveries: \(retriedDeliveries), extra attempts: \(extraAttempts)")
            let sorted = latencies
            if let p50 = Self.percentile(sorted, 50), let p90 = Self.percentile(sorted, 90),
                let p99 = Self.percentile(sorted, 99), let max = sorted.last
            {
                out.append(String(format: "latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f", p50, p90, p99, max))
            } else {
                out.append("latency ms: no answers")
            }
            return out
        }

        func json(url: String, bodyBytes: Int) -> [String: Any] {
            let sorted = latencies
            func round(_ v: Double?) -> Any { v.map { ($0 * 100).rounded() / 100 } ?? NSNull() }
            return [
                "url": url, "bodyBytes": bodyBytes, "count": results.count, "concurrency": concurrency,
                "seconds": round(seconds), "perSecond": round(seconds > 0 ? Double(results.count) / seconds : nil),
                "answered": answered.count,
                "statuses": Dictionary(uniqueKeysWithValues: statusCounts.map { (String($0.0), $0.1) }),
                "failures": failures.count,
                "failureKinds": Dictionary(uniqueKeysWithValues: failureCounts.map { ($0.0, $0.1) }),
                "retriedDeliveries": retriedDeliveries, "extraAttempts": extraAttempts,
                "latencyMs": [
                    "p50": round(Self.percentile(sorted, 50)), "p90": round(Self.percentile(sorted, 90)),
                    "p99": round(Self.percentile(sorted, 99)), "max": round(sorted.last), "min": round(sorted.first),
                ],
                "exitCode": exitCode,
            ]
        }
    }

    func run() async -> Report {
        let next = Ticket()
        let clock = ContinuousClock()
        let start = clock.now
        let deliverer = self.deliverer
        let plan = self.plan
        let count = self.count
        let results = await withTaskGroup(of: [DeliveryResult].self) { group in
            for _ in 0..<min(concurrency, count) {
                group.addTask {
                    var mine: [DeliveryResult] = []
                    while next.take() < count {
                        mine.append(await deliverer.deliver(plan: plan))
                    }
                    return mine
                }
            }
            var all: [DeliveryResult] = []
            for await part in group { all += part }
            return all
        }
        return Report(results: results, wall: clock.now - start, concurrency: concurrency)
    }
}
