import Dispatch
import Foundation
import Synchronization
import WebhookSignature

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

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
    private let classifier: FailureClassifier
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
        self.classifier = FailureClassifier(url: url)
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
        if let response = task.response as? HTTPURLResponse {
            // A status line arrived: that is an answer, even if the body was cut short.
            outcome = .answered(status: response.statusCode, body: entry.data)
        } else if let error {
            let kind = classifier.classify(error, timedOut: entry.timedOut)
            let message = kind == .timeout ? "no response within the timeout" : FailureClassifier.describe(error)
            outcome = .failed(kind, message)
        } else {
            outcome = .failed(.closed, "the transfer ended without an HTTP response")
        }
        entry.continuation.resume(returning: outcome)
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}
