import Synchronization

/// A lock-free pool of up to 64 reusable native contexts (OpenSSL `EVP_PKEY_CTX`, `EVP_MD_CTX`).
///
/// Why: setting up an OpenSSL context (provider fetch, padding mode) costs about as much as a
/// tenth of an RSA-2048 verification, and a context cannot be used by two threads at once.
/// Each thread claims a free slot with one compare-and-swap on a bitmask, uses the context it
/// finds there (creating it on first use), and frees the slot with one atomic AND. No lock is
/// taken; a 65th concurrent caller gets a temporary context that is freed afterwards.
final class ContextPool: @unchecked Sendable {
    // Safety: slot i is only read or written by the thread that set bit i of `occupied`
    // (acquiring on claim, releasing on return), so accesses to `slots` never race.
    private let occupied = Atomic<UInt64>(0)
    private let slots: UnsafeMutablePointer<OpaquePointer?>
    private let make: () -> OpaquePointer?
    private let destroy: (OpaquePointer) -> Void

    static let capacity = 64

    init(make: @escaping () -> OpaquePointer?, destroy: @escaping (OpaquePointer) -> Void) {
        self.make = make
        self.destroy = destroy
        self.slots = .allocate(capacity: Self.capacity)
        self.slots.initialize(repeating: nil, count: Self.capacity)
    }

    deinit {
        for i in 0..<Self.capacity {
            if let context = slots[i] { destroy(context) }
        }
        slots.deallocate()
    }

    /// Runs `body` with a context that no other thread uses meanwhile.
    @inline(__always)
    func withContext<R>(
        _ body: (OpaquePointer) throws(WebhookSignatureError) -> R
    ) throws(WebhookSignatureError) -> R {
        var current = occupied.load(ordering: .relaxed)
        while current != .max {
            let bit = (~current).trailingZeroBitCount
            let mask: UInt64 = 1 << UInt64(bit)
            let (exchanged, original) = occupied.compareExchange(
                expected: current, desired: current | mask, ordering: .acquiring)
            if exchanged {
                defer { occupied.bitwiseAnd(~mask, ordering: .releasing) }
                let context: OpaquePointer
                if let existing = slots[bit] {
                    context = existing
                } else {
                    guard let created = make() else {
                        throw WebhookSignatureError(.cryptoLibraryFailure, "could not create a crypto context")
                    }
                    slots[bit] = created
                    context = created
                }
                return try body(context)
            }
            current = original
        }
        // Every slot is busy: use a temporary context.
        guard let temporary = make() else {
            throw WebhookSignatureError(.cryptoLibraryFailure, "could not create a crypto context")
        }
        defer { destroy(temporary) }
        return try body(temporary)
    }
}
