import Foundation
import Synchronization
import WebhookSignature

/// Where verified deliveries are kept before the receiver answers 200: a folder, a PostgreSQL table,
/// or your own implementation.
///
/// A receiver calls ``store(_:)`` after verification and answers 200 only when it returns; when it
/// throws, the receiver answers 503 so the platform retries. Storing the same body twice must keep one
/// copy and answer ``StoreOutcome/duplicate``.
public protocol DeliveryStore: Sendable {
    /// Stores a verified delivery durably (committed, or written and flushed) before returning.
    ///
    /// Call it before acknowledging a delivery; throw an ``InboxError`` when it was not stored.
    func store(_ delivery: StoredDelivery) async throws -> StoreOutcome

    /// The stored deliveries received at or after `since` (all when nil), oldest first, at most `limit`.
    ///
    /// Use it to list what arrived (`whsig inbox list`).
    func list(since: Date?, limit: Int) async throws -> [DeliverySummary]

    /// The stored body whose SHA-512 hex digest is `digest`, byte for byte; nil when none is stored.
    ///
    /// Use it to replay or inspect one delivery (`whsig inbox export`).
    func body(digest: String) async throws -> [UInt8]?

    /// A short description of the store for logs, never including a password.
    var displayName: String { get }
}

/// What ``DeliveryStore/store(_:)`` did: stored a new delivery or found the same body already there.
///
/// Compare with `==` against ``stored`` and ``duplicate``; more outcomes may be added.
public struct StoreOutcome: Hashable, Sendable, CustomStringConvertible {
    /// The outcome's name: `stored` or `duplicate`.
    public let name: String
    private init(_ name: String) { self.name = name }

    /// The delivery was new and is now stored.
    public static let stored = StoreOutcome("stored")
    /// The same body was stored before (a platform retry, or another instance got it first).
    public static let duplicate = StoreOutcome("duplicate")

    /// The outcome's name.
    public var description: String { name }
}

/// One stored delivery without its body, as ``DeliveryStore/list(since:limit:)`` returns it.
///
/// Use it to show or select deliveries; fetch the body with ``DeliveryStore/body(digest:)``.
public struct DeliverySummary: Sendable, Hashable {
    /// Lowercase hex SHA-512 of the body.
    public var digest: String
    /// When the delivery arrived.
    public var receivedAt: Date
    /// The body's length in bytes.
    public var size: Int
    /// The verifying key's hex fingerprint, when the store keeps it.
    public var keyID: String?
    /// The event's id, when the store keeps it.
    public var eventID: String?
    /// The event's name, when the store keeps it.
    public var eventName: String?

    /// A summary from its parts; stores build these for ``DeliveryStore/list(since:limit:)``.
    public init(digest: String, receivedAt: Date, size: Int, keyID: String? = nil, eventID: String? = nil, eventName: String? = nil) {
        self.digest = digest
        self.receivedAt = receivedAt
        self.size = size
        self.keyID = keyID
        self.eventID = eventID
        self.eventName = eventName
    }
}

extension DeliveryStore {
    /// Stores a delivery, giving up after `timeout`: the answer a receiver needs before it replies.
    ///
    /// Use it in request handlers so a hung database turns into a prompt 503 rather than a timeout at
    /// the platform; a store that does not answer in time throws ``InboxError/Code/storeUnavailable``.
    /// At the timeout a write still waiting for a connection is cancelled; one already sent to the
    /// database may yet commit, and a later copy of the delivery is then a duplicate.
    public func store(_ delivery: StoredDelivery, timeout: Duration) async throws -> StoreOutcome {
        try await withDeadline(timeout, "\(displayName) did not store the delivery") { try await self.store(delivery) }
    }
}

/// Runs `operation`, throwing ``InboxError/Code/storeUnavailable`` (`what` and the timeout) if it has
/// not finished after `timeout`.
///
/// Not a task group: a group waits for its children, and an operation stuck on a dead connection would
/// hold the answer past the deadline. The first of the operation and the timer resumes the caller; at
/// the deadline the operation is cancelled (a write still waiting for a pooled connection is dropped).
package func withDeadline<T: Sendable>(
    _ timeout: Duration, _ what: String, _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let work = Task { try await operation() }
    let outcome: T? = try await withCheckedThrowingContinuation { continuation in
        let once = LockedBox<CheckedContinuation<T?, any Error>?>(continuation)
        let timer = Task {
            do { try await Task.sleep(for: timeout) } catch { return }
            once.withLock { $0.take() }?.resume(returning: nil)
            // A write still waiting for a connection is abandoned; one already sent cannot be recalled.
            work.cancel()
        }
        Task {
            let result = await work.result
            once.withLock { $0.take() }?.resume(with: result.map { Optional($0) })
            timer.cancel()
        }
    }
    guard let outcome else { throw InboxError(.storeUnavailable, "\(what) within \(timeout)") }
    return outcome
}

/// A `Mutex` that escaping closures can share (a `Mutex` itself cannot be captured by them).
final class LockedBox<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<R>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
}
