import Foundation
import Synchronization
import WebhookSignature

/// Hands out the verifier to use for the next delivery: a fixed one, or one that follows a keyring as
/// it changes (``LiveVerifier``).
///
/// Middlewares and receivers read ``currentVerifier`` once per delivery, so a delivery finishes with
/// the keyring it started with while the next one sees a reload.
public protocol VerifierSource: Sendable {
    /// The verifier for the next delivery (an immutable value: keep it for the whole delivery).
    var currentVerifier: WebhookVerifier { get }
}

extension WebhookVerifier: VerifierSource {
    /// The verifier itself: a fixed keyring that never reloads.
    public var currentVerifier: WebhookVerifier { self }
}

/// A verifier whose keyring follows a file or a ``KeyringStore`` without a restart.
///
/// Make one with ``following(keyringFile:policy:extraKeys:backend:interval:log:)`` or
/// ``following(store:policy:extraKeys:backend:interval:log:)``, then call ``run()`` in a
/// long-running task. Each poll that finds a new keyring swaps the verifier atomically; a keyring that
/// does not load (corrupt JSON, a bad key, no keys) is logged and ignored, and the last good one stays.
public final class LiveVerifier: VerifierSource {
    private struct State {
        var verifier: WebhookVerifier
        var version: String
    }

    private let state: Mutex<State>
    private let poll: @Sendable () async throws -> (version: String, json: [UInt8])?
    private let policy: WebhookPolicy
    private let extraKeys: [TrustedKey]
    private let backend: CryptoBackend
    private let interval: Duration
    private let log: @Sendable (String) -> Void
    private let origin: String

    private init(
        initial: (version: String, keyring: Keyring), origin: String, policy: WebhookPolicy, extraKeys: [TrustedKey],
        backend: CryptoBackend, interval: Duration, log: @escaping @Sendable (String) -> Void,
        poll: @escaping @Sendable () async throws -> (version: String, json: [UInt8])?
    ) {
        self.state = Mutex(State(verifier: WebhookVerifier(keyring: initial.keyring, policy: policy), version: initial.version))
        self.origin = origin
        self.policy = policy
        self.extraKeys = extraKeys
        self.backend = backend
        self.interval = interval
        self.log = log
        self.poll = poll
    }

    /// The verifier over the newest good keyring.
    public var currentVerifier: WebhookVerifier { state.withLock { $0.verifier } }

    /// Which version is in use: `sha512:…` prefix of a file's content, or `version N` of a store.
    public var currentVersion: String { state.withLock { $0.version } }

    /// Loads a keyring file now (throwing if it does not load) and follows its changes.
    ///
    /// Use it for `--keyring FILE` on one machine, or when a deployment tool rewrites the file; keys in
    /// `extraKeys` are trusted in addition, whatever the file says. `log` receives one line per reload,
    /// ignored keyring or failed check.
    public static func following(
        keyringFile path: String, policy: WebhookPolicy = .default, extraKeys: [TrustedKey] = [],
        backend: CryptoBackend = .default, interval: Duration = .seconds(1),
        log: @escaping @Sendable (String) -> Void = { _ in }
    ) throws -> LiveVerifier {
        @Sendable func read() throws -> (version: String, json: [UInt8]) {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw InboxError(.invalidKeyring, "cannot read the keyring \(path)")
            }
            let bytes = [UInt8](data)
            return ("sha512:" + StoredDelivery.sha512Hex(bytes).prefix(16), bytes)
        }
        let first = try read()
        let ring = try makeKeyring(first.json, extraKeys: extraKeys, backend: backend, origin: path)
        // The file is read whole at each poll (a keyring is a few kilobytes) and parsed only when its
        // content changed: modification times can be coarse or restored by a copy.
        let seen = LockedBox(first.version)
        return LiveVerifier(
            initial: (first.version, ring), origin: path, policy: policy, extraKeys: extraKeys, backend: backend,
            interval: interval, log: log,
            poll: {
                let now = try read()
                return seen.withLock { last in
                    guard now.version != last else { return nil }
                    last = now.version
                    return now
                }
            })
    }

    /// Loads the store's newest keyring now (throwing when there is none or it does not load) and
    /// follows each new version.
    ///
    /// Use it for a fleet: every instance polls the same store, and `whsig keyring push` reaches all
    /// of them within one `interval` plus a query.
    public static func following(
        store: any KeyringStore, policy: WebhookPolicy = .default, extraKeys: [TrustedKey] = [],
        backend: CryptoBackend = .default, interval: Duration = .seconds(1),
        log: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws -> LiveVerifier {
        guard let first = try await store.latestKeyring(newerThan: nil) else {
            throw InboxError(.notFound, "\(store.displayName) has no keyring yet: publish one with whsig keyring push --store URL --keyring FILE")
        }
        let ring = try makeKeyring(first.json, extraKeys: extraKeys, backend: backend, origin: "\(store.displayName) version \(first.version)")
        let seen = LockedBox(first.version)
        return LiveVerifier(
            initial: ("version \(first.version)", ring), origin: store.displayName, policy: policy, extraKeys: extraKeys,
            backend: backend, interval: interval, log: log,
            poll: {
                let after = seen.withLock { $0 }
                guard let next = try await store.latestKeyring(newerThan: after) else { return nil }
                // Remembered even if it does not load, so a bad version is reported once, not every poll.
                seen.withLock { $0 = max($0, next.version) }
                return ("version \(next.version)", next.json)
            })
    }

    /// Parses a keyring and adds the extra keys; an empty result is refused (it would reject everything).
    static func makeKeyring(_ json: [UInt8], extraKeys: [TrustedKey], backend: CryptoBackend, origin: String) throws -> Keyring {
        var ring: Keyring
        do {
            ring = try Keyring(json: json, backend: backend)
            for key in extraKeys where !ring.keys.contains(where: { $0.id == key.id }) { try ring.add(key) }
        } catch {
            throw InboxError(.invalidKeyring, "\(origin): \(error.reason)")
        }
        guard !ring.keys.isEmpty else { throw InboxError(.invalidKeyring, "\(origin): the keyring has no keys") }
        return ring
    }

    /// Checks once for a new keyring and swaps it in if it loads; true when the verifier changed.
    ///
    /// ``run()`` calls it every interval; call it directly to reload on a signal or in tests.
    @discardableResult
    public func reload() async -> Bool {
        let found: (version: String, json: [UInt8])?
        do {
            found = try await poll()
        } catch {
            log("keyring check failed; keeping \(currentVersion) (\(origin): \(error))")
            return false
        }
        guard let found else { return false }
        do {
            let ring = try Self.makeKeyring(found.json, extraKeys: extraKeys, backend: backend, origin: "\(origin) \(found.version)")
            let verifier = WebhookVerifier(keyring: ring, policy: policy)
            let previous = state.withLock { current in
                defer { current = State(verifier: verifier, version: found.version) }
                return current.version
            }
            log("keyring reloaded from \(origin): \(previous) -> \(found.version), \(ring.keys.count) key(s)")
            return true
        } catch {
            log("new keyring ignored; keeping \(currentVersion) (\(error))")
            return false
        }
    }

    /// Polls every interval until the task is cancelled.
    ///
    /// Run it in a task beside the server; cancel the task to stop following.
    public func run() async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            await reload()
        }
    }
}
