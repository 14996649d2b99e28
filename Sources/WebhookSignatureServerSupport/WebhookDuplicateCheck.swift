#if Hummingbird || Vapor
import Synchronization

/// Remembers the deliveries already accepted, by the SHA-512 digest of their body, so that a repeat
/// is answered without running the handler again.
///
/// The platform signs no timestamp or nonce: a valid delivery stays valid forever, so anyone who
/// captured one can replay it, and the platform itself retries byte-identical bodies after a timeout.
/// Back this protocol with your own store (a database table with a unique key, Redis with a TTL) to
/// drop both across restarts and instances; ``InMemoryDuplicateCheck`` covers a single process.
public protocol WebhookDuplicateCheck: Sendable {
    /// Whether a delivery with this body digest was already accepted; called after it verified.
    func isDuplicate(bodyDigest: [UInt8]) async throws -> Bool
    /// Records a delivery the handler accepted (answered 2xx); called after the handler returned.
    func record(bodyDigest: [UInt8]) async throws
}

/// A ``WebhookDuplicateCheck`` held in memory that remembers the last `capacity` digests.
///
/// Use it for a single receiver process; it forgets everything on restart and the oldest digest
/// first once full, so pair it with a store of your own when replays must be refused for longer.
public final class InMemoryDuplicateCheck: WebhookDuplicateCheck {
    private struct State {
        var seen: Set<[UInt8]> = []
        var order: [[UInt8]] = []
        var next = 0
    }

    /// How many digests are remembered.
    public let capacity: Int
    private let state = Mutex(State())

    /// A check remembering up to `capacity` digests (at least 1); 100,000 digests take about 10 MB.
    public init(capacity: Int = 100_000) {
        self.capacity = max(1, capacity)
    }

    public func isDuplicate(bodyDigest: [UInt8]) async -> Bool {
        state.withLock { $0.seen.contains(bodyDigest) }
    }

    public func record(bodyDigest: [UInt8]) async {
        state.withLock { state in
            guard state.seen.insert(bodyDigest).inserted else { return }
            if state.order.count < capacity {
                state.order.append(bodyDigest)
            } else {
                // A ring: the slot of the oldest digest takes the new one.
                state.seen.remove(state.order[state.next])
                state.order[state.next] = bodyDigest
                state.next = (state.next + 1) % capacity
            }
        }
    }

    /// How many digests are remembered now; use it in tests and metrics.
    public var count: Int { state.withLock { $0.seen.count } }
}
#endif
