/// The two signature algorithms the platform uses, both RSASSA-PKCS1-v1_5.
///
/// Use ``sha512WithRSA`` (header `fluent-signature`) unless you must check the legacy
/// `flex.signature` header, which is ``md5WithRSA``.
public enum SignatureAlgorithm: String, Sendable, CaseIterable, CustomStringConvertible {
    /// RSASSA-PKCS1-v1_5 with MD5 (Java `MD5withRSA`), sent in `flex.signature`. MD5 is broken for collisions.
    case md5WithRSA = "MD5withRSA"
    /// RSASSA-PKCS1-v1_5 with SHA-512 (Java `SHA512withRSA`), sent in `fluent-signature`.
    case sha512WithRSA = "SHA512withRSA"

    /// The HTTP header the platform sends this algorithm's signature in.
    public var headerName: String {
        switch self {
        case .md5WithRSA: return "flex.signature"
        case .sha512WithRSA: return "fluent-signature"
        }
    }

    /// The Java name (`MD5withRSA`, `SHA512withRSA`).
    public var description: String { rawValue }

    /// The short name used on the command line: `md5` or `sha512`.
    public var shortName: String {
        switch self {
        case .md5WithRSA: return "md5"
        case .sha512WithRSA: return "sha512"
        }
    }

    /// The algorithm for a short name (`md5`, `sha512`) or Java name, case-insensitive.
    public init?(name: String) {
        switch name.lowercased() {
        case "md5", "md5withrsa": self = .md5WithRSA
        case "sha512", "sha-512", "sha512withrsa": self = .sha512WithRSA
        default: return nil
        }
    }

    /// The algorithm whose header this is, matching names case-insensitively.
    public init?(headerName: String) {
        let lowered = headerName.lowercased()
        guard let match = SignatureAlgorithm.allCases.first(where: { $0.headerName == lowered }) else { return nil }
        self = match
    }

    /// The digest's length in bytes.
    public var digestByteCount: Int { digest.byteCount }

    var digest: DigestAlgorithm {
        switch self {
        case .md5WithRSA: return .md5
        case .sha512WithRSA: return .sha512
        }
    }
}

/// EMSA-PKCS1-v1_5 encoding (RFC 8017 §9.2), shared by both backends so that they sign and
/// verify identically: the backends only compute the raw RSA operation.
enum PKCS1 {
    /// DER of DigestInfo up to the digest octets, with the NULL parameters Java and OpenSSL write.
    static let md5Prefix: [UInt8] = [
        0x30, 0x20, 0x30, 0x0c, 0x06, 0x08, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05, 0x05, 0x00, 0x04, 0x10,
    ]
    static let sha512Prefix: [UInt8] = [
        0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40,
    ]

    /// The same prefixes in memory that lives as long as the process, for the hot path: reading
    /// them writes no reference count (see "The hot path" in Verification.swift). Immutable after
    /// their one-time initialisation, hence safe to share.
    nonisolated(unsafe) private static let md5PrefixBytes = UnsafeRawBufferPointer(ownedCopyOf: md5Prefix)
    nonisolated(unsafe) private static let sha512PrefixBytes = UnsafeRawBufferPointer(ownedCopyOf: sha512Prefix)

    /// Writes EM = 0x00 0x01 FF…FF 0x00 ‖ DigestInfo ‖ digest into `em` (the modulus length).
    static func encode(digest: UnsafeRawBufferPointer, algorithm: SignatureAlgorithm, into em: UnsafeMutableRawBufferPointer) {
        let prefix = algorithm == .md5WithRSA ? md5PrefixBytes : sha512PrefixBytes
        let k = em.count
        let tail = prefix.count + digest.count
        em[0] = 0x00
        em[1] = 0x01
        UnsafeMutableRawBufferPointer(rebasing: em[2..<(k - tail - 1)]).initializeMemory(as: UInt8.self, repeating: 0xFF)
        em[k - tail - 1] = 0x00
        UnsafeMutableRawBufferPointer(rebasing: em[(k - tail)..<(k - digest.count)]).copyMemory(from: prefix)
        UnsafeMutableRawBufferPointer(rebasing: em[(k - digest.count)..<k]).copyMemory(from: digest)
    }

    /// Whether `em` is exactly the encoding of `digest`, compared in constant time over the whole block.
    ///
    /// The expected block is built on the stack and compared eight bytes at a time: the same
    /// verdict as comparing each region byte by byte, in about a sixth of the instructions (the
    /// byte loop cost 900 of them for a 1024-bit key, 1% of the verification).
    static func matches(_ em: UnsafeRawBufferPointer, digest: UnsafeRawBufferPointer, algorithm: SignatureAlgorithm) -> Bool {
        // k ≥ 128 (1024-bit minimum) and tail ≤ 83, so the padding string is always at least 8 bytes.
        withUnsafeTemporaryAllocation(byteCount: em.count, alignment: 8) { (expected) in
            encode(digest: digest, algorithm: algorithm, into: expected)
            return constantTimeEquals(em, UnsafeRawBufferPointer(expected))
        }
    }

    /// Whether two buffers of the same length hold the same bytes; the time depends only on the length.
    static func constantTimeEquals(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        precondition(a.count == b.count)
        var difference: UInt64 = 0
        var i = 0
        while i + 8 <= a.count {
            difference |= a.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ b.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < a.count {
            difference |= UInt64(a[i] ^ b[i])
            i += 1
        }
        return difference == 0
    }

    /// What the block `em` (the public operation's output) is, for a signature checked against
    /// `digest` under `algorithm`. The valid case is decided in constant time over the whole
    /// block; the others only run once it failed, and read nothing secret (the digest is of a
    /// public body).
    static func classify(_ em: UnsafeRawBufferPointer, digest: UnsafeRawBufferPointer, algorithm: SignatureAlgorithm) -> SignatureMatch {
        if matches(em, digest: digest, algorithm: algorithm) { return .valid }
        if isWellFormed(em, algorithm: algorithm) { return .otherDigest }
        let other: SignatureAlgorithm = algorithm == .md5WithRSA ? .sha512WithRSA : .md5WithRSA
        if isWellFormed(em, algorithm: other) { return .otherAlgorithm(other) }
        return .notThisKey
    }

    /// Whether `em` is a well-formed EMSA-PKCS1-v1_5 block of `algorithm`, whatever digest it carries.
    static func isWellFormed(_ em: UnsafeRawBufferPointer, algorithm: SignatureAlgorithm) -> Bool {
        let prefix = algorithm == .md5WithRSA ? md5PrefixBytes : sha512PrefixBytes
        let tail = prefix.count + algorithm.digestByteCount
        let k = em.count
        guard k >= tail + 11, em[0] == 0, em[1] == 1, em[k - tail - 1] == 0 else { return false }
        for i in 2..<(k - tail - 1) where em[i] != 0xFF { return false }
        for i in 0..<prefix.count where em[k - tail + i] != prefix[i] { return false }
        return true
    }
}
