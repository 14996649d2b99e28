import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A lock-free pool of up to 64 reusable native contexts (OpenSSL `EVP_PKEY_CTX`, `EVP_MD_CTX`).
///
/// Why: setting up an OpenSSL context (provider fetch, padding mode) costs about as much as a
/// tenth of an RSA-2048 verification, and a context cannot be used by two threads at once.
///
/// Why it looks like this: every slot (a busy flag and its context) has a cache line of its own,
/// and each thread starts looking at the slot its thread id hashes to. In steady state a thread
/// therefore claims and frees "its" slot with one compare-and-swap and one store on a line that
/// no other thread writes. An earlier version kept all 64 busy bits in one shared word: threads
/// verifying with one shared key then bounced that word's cache line between cores twice per
/// context, four times per verification (a pool for the key, a pool for the digest). No lock is
/// taken; a 65th concurrent caller gets a temporary context that is freed afterwards.
final class ContextPool: @unchecked Sendable {
    // Safety: a slot's context is only read or written by the thread that set the slot's busy
    // flag (acquiring on claim, releasing on return), so accesses to it never race.
    private struct Slot: ~Copyable {
        let busy = Atomic<Bool>(false)
        var context: OpaquePointer? = nil
    }

    static let capacity = 64
    /// One slot per cache line (64 bytes on x86-64 and most ARM cores; 128 on Apple silicon,
    /// where two neighbouring slots may share a line: still correct, only less separated).
    private static let stride = 64

    private let storage: UnsafeMutableRawPointer
    private let make: () -> OpaquePointer?
    private let destroy: (OpaquePointer) -> Void

    init(make: @escaping () -> OpaquePointer?, destroy: @escaping (OpaquePointer) -> Void) {
        precondition(MemoryLayout<Slot>.size <= Self.stride && MemoryLayout<Slot>.alignment <= Self.stride)
        self.make = make
        self.destroy = destroy
        storage = .allocate(byteCount: Self.capacity * Self.stride, alignment: Self.stride)
        for i in 0..<Self.capacity {
            (storage + i * Self.stride).bindMemory(to: Slot.self, capacity: 1).initialize(to: Slot())
        }
    }

    deinit {
        for i in 0..<Self.capacity {
            let slot = self.slot(i)
            if let context = slot.pointee.context { destroy(context) }
            slot.deinitialize(count: 1)
        }
        storage.deallocate()
    }

    @inline(__always)
    private func slot(_ index: Int) -> UnsafeMutablePointer<Slot> {
        (storage + index * Self.stride).assumingMemoryBound(to: Slot.self)
    }

    /// The slot this thread tries first: its thread id, hashed to 0..<64.
    @inline(__always)
    private static func homeSlot() -> Int {
        #if canImport(Darwin)
        let id = UInt64(UInt(bitPattern: pthread_self()))
        #else
        let id = UInt64(pthread_self())
        #endif
        return Int(truncatingIfNeeded: (id &* 0x9E37_79B9_7F4A_7C15) >> 58)
    }

    /// Runs `body` with a context that no other thread uses meanwhile.
    @inline(__always)
    func withContext<R>(
        _ body: (OpaquePointer) throws(WebhookSignatureError) -> R
    ) throws(WebhookSignatureError) -> R {
        let home = ContextPool.homeSlot()
        for probe in 0..<Self.capacity {
            let slot = self.slot((home &+ probe) & (Self.capacity - 1))
            // Test before the compare-and-swap, so that passing over a busy slot only reads its line.
            guard !slot.pointee.busy.load(ordering: .relaxed),
                slot.pointee.busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
            else { continue }
            defer { slot.pointee.busy.store(false, ordering: .releasing) }
            let context: OpaquePointer
            if let existing = slot.pointee.context {
                context = existing
            } else {
                guard let created = make() else {
                    throw WebhookSignatureError(.cryptoLibraryFailure, "could not create a crypto context")
                }
                slot.pointee.context = created
                context = created
            }
            return try body(context)
        }
        // Every slot is busy: use a temporary context.
        guard let temporary = make() else {
            throw WebhookSignatureError(.cryptoLibraryFailure, "could not create a crypto context")
        }
        defer { destroy(temporary) }
        return try body(temporary)
    }
}
