/// The numbers of an RSA public key, big-endian, without leading zero bytes.
///
/// Every format is parsed into these once, in Swift, so that both crypto backends accept and
/// reject exactly the same inputs.
struct RSAPublicComponents: Hashable, Sendable {
    var modulus: [UInt8]
    var publicExponent: [UInt8]

    /// The smallest and largest modulus accepted, in bits.
    static let minimumBits = 1024
    static let maximumBits = 16384

    /// Checks the limits, trimming leading zero bytes first.
    init(modulus: some Collection<UInt8>, publicExponent: some Collection<UInt8>) throws(WebhookSignatureError) {
        let n = Array(modulus.drop(while: { $0 == 0 }))
        let e = Array(publicExponent.drop(while: { $0 == 0 }))
        // Size first: it is checked before any big-number work.
        let bits = BigEndian.bitCount(n)
        if bits < Self.minimumBits {
            throw WebhookSignatureError(.keyTooSmall, "the RSA modulus has \(bits) bits; at least \(Self.minimumBits) are required")
        }
        if bits > Self.maximumBits {
            throw WebhookSignatureError(.keyTooLarge, "the RSA modulus has \(bits) bits; at most \(Self.maximumBits) are accepted")
        }
        guard let lastN = n.last, lastN & 1 == 1 else {
            throw WebhookSignatureError(.invalidKey, "the RSA modulus is even, so it cannot be a product of two odd primes")
        }
        guard let lastE = e.last, lastE & 1 == 1 else {
            throw WebhookSignatureError(.badExponent, "the public exponent must be odd; this one is even or zero")
        }
        if e == [1] {
            throw WebhookSignatureError(.badExponent, "the public exponent must be greater than 1; this one is 1")
        }
        if e.count > 8 {
            throw WebhookSignatureError(
                .badExponent, "the public exponent has \(BigEndian.bitCount(e)) bits; at most 64 are accepted")
        }
        if BigEndian.compare(e, n) >= 0 {
            throw WebhookSignatureError(.badExponent, "the public exponent is not smaller than the modulus")
        }
        self.modulus = n
        self.publicExponent = e
    }

    var bitCount: Int { BigEndian.bitCount(modulus) }
    /// The signature length in bytes: the modulus length.
    var byteCount: Int { modulus.count }
}

/// The numbers of an RSA private key (two primes, with the CRT values), big-endian, no leading zeros.
struct RSAPrivateComponents: Hashable, Sendable {
    var publicComponents: RSAPublicComponents
    var privateExponent: [UInt8]
    var prime1: [UInt8]
    var prime2: [UInt8]
    var exponent1: [UInt8]
    var exponent2: [UInt8]
    var coefficient: [UInt8]

    init(
        modulus: some Collection<UInt8>, publicExponent: some Collection<UInt8>, privateExponent: some Collection<UInt8>,
        prime1: some Collection<UInt8>, prime2: some Collection<UInt8>, exponent1: some Collection<UInt8>,
        exponent2: some Collection<UInt8>, coefficient: some Collection<UInt8>
    ) throws(WebhookSignatureError) {
        self.publicComponents = try RSAPublicComponents(modulus: modulus, publicExponent: publicExponent)
        func trimmed(_ c: some Collection<UInt8>, _ name: String) throws(WebhookSignatureError) -> [UInt8] {
            let t = Array(c.drop(while: { $0 == 0 }))
            if t.isEmpty { throw WebhookSignatureError(.invalidKey, "the private key's \(name) is zero") }
            return t
        }
        self.privateExponent = try trimmed(privateExponent, "private exponent")
        self.prime1 = try trimmed(prime1, "first prime")
        self.prime2 = try trimmed(prime2, "second prime")
        self.exponent1 = try trimmed(exponent1, "first CRT exponent")
        self.exponent2 = try trimmed(exponent2, "second CRT exponent")
        self.coefficient = try trimmed(coefficient, "CRT coefficient")
        let n = publicComponents.modulus
        for (value, name) in [(self.privateExponent, "private exponent"), (self.prime1, "first prime"), (self.prime2, "second prime")]
        where BigEndian.compare(value, n) >= 0 {
            throw WebhookSignatureError(.invalidKey, "the private key's \(name) is not smaller than the modulus")
        }
        if self.prime1.last.map({ $0 & 1 == 0 }) ?? true || self.prime2.last.map({ $0 & 1 == 0 }) ?? true {
            throw WebhookSignatureError(.invalidKey, "a prime of the private key is even")
        }
        // p·q = n is checked by the backend when it builds its key (it has the big-number arithmetic).
    }
}

/// Helpers on unsigned big-endian byte strings.
enum BigEndian {
    static func bitCount(_ bytes: [UInt8]) -> Int {
        guard let firstNonZero = bytes.firstIndex(where: { $0 != 0 }) else { return 0 }
        let top = bytes[firstNonZero]
        return (bytes.count - firstNonZero - 1) * 8 + (8 - top.leadingZeroBitCount)
    }

    /// Compares two unsigned big-endian numbers without leading zeros: -1, 0 or 1.
    static func compare(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.count != b.count { return a.count < b.count ? -1 : 1 }
        for i in 0..<a.count where a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
        return 0
    }

    /// Left-pads to `width` bytes; `bytes.count` must not exceed `width`.
    static func padded(_ bytes: [UInt8], to width: Int) -> [UInt8] {
        [UInt8](repeating: 0, count: max(0, width - bytes.count)) + bytes
    }
}
