/// What rotating to a new key does to a keyring: the overlap rule, decided once for every surface.
///
/// The new key is trusted from `now`; every key active at `now` gets `notAfter = now + overlap`,
/// unless it already expires earlier (an earlier `notAfter` is kept). Keys that are retired, expired
/// or not yet valid are left alone. Use it to plan a rotation (`whsig rotate` prints and saves the
/// result), then distribute ``keyring`` and switch the sender within the overlap.
public struct KeyRotation: Sendable {
    /// The keyring after the rotation: the old keys with their new `notAfter`, then the new key.
    public let keyring: Keyring
    /// The new key as added: its label and `notBefore` (now).
    public let newKey: TrustedKey
    /// When the old keys stop counting, in seconds since the Unix epoch (now + overlap).
    public let oldKeysExpireAt: Int64
    /// The keys that were active at `now` and are now set to expire, as they are after the rotation.
    public let scheduled: [TrustedKey]

    /// Plans a rotation of `keyring` to `newKey` at `now` (Unix seconds) with `overlapSeconds` of overlap.
    ///
    /// Use it for every rotation so that the same keys get the same `notAfter` everywhere. A negative
    /// overlap, or one that takes the expiry past 9999-12-31T23:59:59Z, is `invalid_argument`; a key
    /// already in the keyring or a label already used is `invalid_keyring`. Nothing traps, whatever
    /// the numbers.
    public init(
        rotating keyring: Keyring, to newKey: RSAPublicKey, label: String? = nil, at now: Int64, overlapSeconds: Int64
    ) throws(WebhookSignatureError) {
        guard overlapSeconds >= 0 else {
            throw WebhookSignatureError(.invalidArgument, "the overlap must not be negative (\(overlapSeconds) s)")
        }
        let start = UnixTime(seconds: now)
        guard UnixTime.representableRange.contains(now), let expiry = start.checkedAdding(seconds: overlapSeconds) else {
            throw WebhookSignatureError(
                .invalidArgument, "an overlap of \(overlapSeconds) s from \(now) ends after 9999-12-31T23:59:59Z, the last time a keyring can hold")
        }
        var ring = keyring
        var scheduled: [TrustedKey] = []
        for index in ring.keys.indices where ring.keys[index].status(at: start) == .active {
            if let notAfter = ring.keys[index].notAfterTime, notAfter <= expiry {
                // It already stops counting within the overlap: keep the earlier end.
            } else {
                try ring.update(at: index) { $0.notAfterTime = expiry }
            }
            scheduled.append(ring.keys[index])
        }
        let added = TrustedKey(key: newKey, label: label ?? Self.defaultLabel(at: now), notBefore: now)
        try ring.add(added)
        self.keyring = ring
        self.newKey = added
        self.oldKeysExpireAt = expiry.seconds
        self.scheduled = scheduled
    }

    /// The label a rotated-in key gets when none is given: `key-YYYYMMDD` of `now` (UTC).
    ///
    /// Use it to show the label before rotating; ``init(rotating:to:label:at:overlapSeconds:)`` applies it.
    public static func defaultLabel(at now: Int64) -> String {
        let date = UnixTime(seconds: now).rfc3339.prefix(10)
        return "key-" + date.filter { $0 != "-" }
    }
}
