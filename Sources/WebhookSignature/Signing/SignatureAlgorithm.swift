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

    @inline(__always)
    static func prefix(_ algorithm: SignatureAlgorithm) -> [UInt8] {
        algorithm == .md5WithRSA ? md5Prefix : sha512Prefix
    }

    /// Writes EM = 0x00 0x01 FF…FF 0x00 ‖ DigestInfo ‖ digest into `em` (the modulus length).
    static func encode(digest: UnsafeRawBufferPointer, algorithm: SignatureAlgorithm, into em: UnsafeMutableRawBufferPointer) {
        let prefix = prefix(algorithm)
        let k = em.count
        let tail = prefix.count + digest.count
        em[0] = 0x00
        em[1] = 0x01
        for i in 2..<(k - tail - 1) { em[i] = 0xFF }
        em[k - tail - 1] = 0x00
        for i in 0..<prefix.count { em[k - tail + i] = prefix[i] }
        for i in 0..<digest.count { em[k - digest.count + i] = digest[i] }
    }

    /// Whether `em` is exactly the encoding of `digest`, compared in constant time over the whole block.
    static func matches(_ em: UnsafeRawBufferPointer, digest: UnsafeRawBufferPointer, algorithm: SignatureAlgorithm) -> Bool {
        let prefix = prefix(algorithm)
        let k = em.count
        let tail = prefix.count + digest.count
        // k ≥ 128 (1024-bit minimum) and tail ≤ 83, so the padding string is always at least 8 bytes.
        var difference: UInt8 = em[0] | (em[1] ^ 0x01)
        for i in 2..<(k - tail - 1) { difference |= em[i] ^ 0xFF }
        difference |= em[k - tail - 1]
        for i in 0..<prefix.count { difference |= em[k - tail + i] ^ prefix[i] }
        for i in 0..<digest.count { difference |= em[k - digest.count + i] ^ digest[i] }
        return difference == 0
    }

    /// The algorithm whose well-formed EMSA-PKCS1-v1_5 block `em` is, whatever digest it carries.
    static func identify(_ em: [UInt8]) -> SignatureAlgorithm? {
        for algorithm in SignatureAlgorithm.allCases {
            let prefix = prefix(algorithm)
            let tail = prefix.count + algorithm.digestByteCount
            let k = em.count
            guard k >= tail + 11, em[0] == 0, em[1] == 1, em[k - tail - 1] == 0 else { continue }
            guard em[2..<(k - tail - 1)].allSatisfy({ $0 == 0xFF }) else { continue }
            if Array(em[(k - tail)..<(k - algorithm.digestByteCount)]) == prefix { return algorithm }
        }
        return nil
    }
}
