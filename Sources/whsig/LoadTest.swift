import Foundation
import Synchronization

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
            answered.map { AttemptRecord(number: 0, outcome: .failed(.connection, ""), elapsed: $0.total).elapsedMs }.sorted()
        }

        /// Nearest-rank percentile.
        static func percentile(_ sorted: [Double], _ p: Double) -> Double? {
            guard !sorted.isEmpty else { return nil }
            let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
            return sorted[max(0, min(sorted.count - 1, rank - 1))]
        }

        var seconds: Double { AttemptRecord(number: 0, outcome: .failed(.connection, ""), elapsed: wall).elapsedMs / 1000 }

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
