import Foundation
import Synchronization

/// The digests of the last `capacity` verified bodies, oldest dropped first: `listen`'s duplicate
/// detection in bounded memory.
struct DedupeWindow {
    let capacity: Int
    private var order: [[UInt8]] = []
    private var next = 0
    private var members: Set<[UInt8]> = []

    init(capacity: Int) {
        self.capacity = max(0, capacity)
        order.reserveCapacity(min(self.capacity, 1 << 16))
    }

    /// Records `digest`; true when it is already in the window (a duplicate). The window then
    /// holds at most `capacity` digests: recording a new one beyond that drops the oldest.
    mutating func record(_ digest: [UInt8]) -> Bool {
        guard capacity > 0 else { return false }
        if members.contains(digest) { return true }
        if order.count < capacity {
            order.append(digest)
        } else {
            members.remove(order[next])
            order[next] = digest
            next = (next + 1) % capacity
        }
        members.insert(digest)
        return false
    }

    var count: Int { members.count }
}

/// Counters, recent digests and serialised stdout, shared by every request.
final class ListenerState: Sendable {
    struct Counts {
        var deliveries = 0
        var verified = 0
        var rejected = 0
        var duplicates = 0
        var window: DedupeWindow
    }
    private let counts: Mutex<Counts>
    /// Lines not yet written: stdout is written in batches, at most `flushInterval` after a line.
    private let pending = Mutex([UInt8]())
    static let flushInterval: Duration = .milliseconds(20)

    init(dedupeWindow: Int) {
        counts = Mutex(Counts(window: DedupeWindow(capacity: dedupeWindow)))
        let thread = Thread { [weak self] in
            while let state = self {
                state.flush()
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
        thread.start()
    }

    /// Writes one line to stdout and flushes it, so a reader sees each line as it happens.
    /// Queues one line for stdout; a background thread writes the queue every 20 ms (one write per
    /// batch instead of one per delivery), and ``flush()`` writes it at once.
    func emit(_ line: String) {
        pending.withLock { buffer in
            buffer.append(contentsOf: line.utf8)
            buffer.append(0x0A)
        }
    }

    /// Writes every queued line.
    func flush() {
        let bytes = pending.withLock { buffer -> [UInt8] in
            defer { buffer.removeAll(keepingCapacity: true) }
            return buffer
        }
        guard !bytes.isEmpty else { return }
        FileHandle.standardOutput.write(Data(bytes))
    }

    /// Records a verified body's digest; true when it is among the last `--dedupe-window` seen.
    func recordVerified(digest: [UInt8], storeSays: Bool? = nil) -> Bool {
        counts.withLock {
            $0.deliveries += 1
            $0.verified += 1
            let seenBefore = $0.window.record(digest)
            // With a store, the store decides (another instance may have it); otherwise this window.
            let duplicate = storeSays ?? seenBefore
            if duplicate { $0.duplicates += 1 }
            return duplicate
        }
    }

    func recordRejected() {
        counts.withLock {
            $0.deliveries += 1
            $0.rejected += 1
        }
    }

    func summary() -> String {
        counts.withLock {
            "stopped: \($0.deliveries) \($0.deliveries == 1 ? "delivery" : "deliveries"), \($0.verified) verified, \($0.rejected) rejected, "
                + "\($0.duplicates) \($0.duplicates == 1 ? "duplicate" : "duplicates")"
        }
    }
}
