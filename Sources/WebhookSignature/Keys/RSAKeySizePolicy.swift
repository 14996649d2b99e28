/// Which RSA modulus sizes may be generated: 2048 bits and up by default, 1024 only when asked for.
///
/// Use it before generating a key (the `whsig keygen` and `whsig rotate` commands do), so that a
/// weak key is never made by accident while the platform's own 1024-bit keys stay possible.
public struct RSAKeySizePolicy: Sendable, Hashable {
    /// The size generated when none is given: 2048 bits.
    public static let defaultBits = 2048
    /// The smallest size made without an opt-in: 2048 bits.
    public static let minimumStrongBits = 2048
    /// The smallest size made at all, with ``allowsWeak1024``: 1024 bits, what the platform's keys use.
    public static let minimumBits = 1024
    /// The largest size made: 16384 bits, the largest key the library reads.
    public static let maximumBits = 16384

    /// Whether sizes from 1024 up to (not including) 2048 bits are allowed.
    public var allowsWeak1024: Bool

    /// A policy; weak sizes are refused unless `allowsWeak1024` is set.
    ///
    /// Use the default for anything but a test key that must match the platform's 1024-bit keys.
    public init(allowsWeak1024: Bool = false) {
        self.allowsWeak1024 = allowsWeak1024
    }

    /// Checks a size: a multiple of 8 from 2048 to 16384 bits, or from 1024 with ``allowsWeak1024``.
    ///
    /// Use it before `RSAPrivateKey(generatingBits:)`; it throws `key_too_small`, `key_too_large` or
    /// `invalid_argument` with a reason that says what to change.
    public func check(bits: Int) throws(WebhookSignatureError) {
        if bits > Self.maximumBits {
            throw WebhookSignatureError(.keyTooLarge, "\(bits)-bit keys are not made: the most is \(Self.maximumBits) bits")
        }
        if bits < Self.minimumBits {
            throw WebhookSignatureError(.keyTooSmall, "\(bits)-bit keys are not made: the least is \(Self.minimumBits) bits")
        }
        if bits < Self.minimumStrongBits && !allowsWeak1024 {
            throw WebhookSignatureError(
                .keyTooSmall,
                "\(bits)-bit keys are weak: the least made by default is \(Self.minimumStrongBits) bits; opt in to 1024-bit keys explicitly (whsig: --allow-weak-1024)")
        }
        if bits % 8 != 0 {
            throw WebhookSignatureError(.invalidArgument, "a key size must be a multiple of 8 bits, not \(bits)")
        }
    }
}
