import Foundation

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
