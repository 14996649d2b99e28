import SwiftASN1

/// What a DER document holds, once classified.
enum KeyContent: Sendable {
    case publicKey(RSAPublicComponents, KeyEncoding)
    case privateKey(RSAPrivateComponents, KeyEncoding)
    case certificate(RSAPublicComponents, CertificateSummary)
}

/// The ASN.1 structure a key came in.
enum KeyEncoding: String, Sendable {
    case subjectPublicKeyInfo = "SubjectPublicKeyInfo"
    case pkcs1Public = "PKCS#1 RSAPublicKey"
    case pkcs8 = "PKCS#8 PrivateKeyInfo"
    case pkcs1Private = "PKCS#1 RSAPrivateKey"
    case certificate = "X.509 certificate"
    case jwk = "JWK"
}

/// What `whsig inspect` shows of a certificate.
public struct CertificateSummary: Hashable, Sendable {
    /// The subject's distinguished name, as `CN=…, O=…`.
    public var subject: String
    /// The issuer's distinguished name, as `CN=…, O=…`.
    public var issuer: String
    /// The start of validity, ISO 8601 in UTC.
    public var notBefore: String
    /// The end of validity, ISO 8601 in UTC.
    public var notAfter: String
}

extension ASN1ObjectIdentifier {
    static let rsaEncryption: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 1, 1]
    static let rsassaPSS: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 1, 10]
    static let ecPublicKey: ASN1ObjectIdentifier = [1, 2, 840, 10045, 2, 1]
    static let dsa: ASN1ObjectIdentifier = [1, 2, 840, 10040, 4, 1]
    static let dhPublicNumber: ASN1ObjectIdentifier = [1, 2, 840, 10046, 2, 1]
    static let x25519: ASN1ObjectIdentifier = [1, 3, 101, 110]
    static let x448: ASN1ObjectIdentifier = [1, 3, 101, 111]
    static let ed25519: ASN1ObjectIdentifier = [1, 3, 101, 112]
    static let ed448: ASN1ObjectIdentifier = [1, 3, 101, 113]
}

/// Classifies and parses DER key documents with swift-asn1, and writes them back.
enum KeyDER {
    // MARK: Reading

    /// Parses one DER document and says what it holds, or throws the error that names what it found.
    static func classify(_ der: ArraySlice<UInt8>) throws(WebhookSignatureError) -> KeyContent {
        try checkOuterLength(der)
        let root: ASN1Node
        do {
            root = try DER.parse(der)
        } catch {
            throw asn1Failure(error, what: "the key's DER")
        }
        guard root.identifier == .sequence, case .constructed(let nodes) = root.content else {
            throw WebhookSignatureError(.notDER, "the DER document is not a SEQUENCE, so it is no key structure")
        }
        let children = Array(nodes)
        let ids = children.map(\.identifier)

        do {
            // SubjectPublicKeyInfo: SEQUENCE { AlgorithmIdentifier, BIT STRING }
            if ids == [.sequence, .bitString] {
                return .publicKey(try parseSPKI(root), .subjectPublicKeyInfo)
            }
            // PKCS#1 RSAPublicKey: SEQUENCE { n INTEGER, e INTEGER }
            if ids == [.integer, .integer] {
                return .publicKey(try parsePKCS1Public(children), .pkcs1Public)
            }
            // Certificate: SEQUENCE { TBSCertificate, AlgorithmIdentifier, BIT STRING }
            if ids == [.sequence, .sequence, .bitString] {
                let (components, summary) = try parseCertificate(children[0])
                return .certificate(components, summary)
            }
            // EncryptedPrivateKeyInfo: SEQUENCE { AlgorithmIdentifier, OCTET STRING }
            if ids == [.sequence, .octetString] {
                throw WebhookSignatureError(
                    .encryptedPrivateKey,
                    "this is an encrypted PKCS#8 private key; decrypt it first (openssl pkcs8 -in FILE -out PLAIN)")
            }
            // PKCS#8 PrivateKeyInfo: SEQUENCE { INTEGER, AlgorithmIdentifier, OCTET STRING, [0]?, [1]? }
            if ids.count >= 3, ids[0] == .integer, ids[1] == .sequence, ids[2] == .octetString {
                return .privateKey(try parsePKCS8(children), .pkcs8)
            }
            // PKCS#1 RSAPrivateKey: SEQUENCE { version, n, e, d, p, q, dp, dq, qinv, otherPrimeInfos? }
            if ids.count >= 9, ids.prefix(9).allSatisfy({ $0 == .integer }) {
                return .privateKey(try parsePKCS1Private(children), .pkcs1Private)
            }
            // OpenSSL's traditional DSA private key: six INTEGERs.
            if ids.count == 6, ids.allSatisfy({ $0 == .integer }) {
                throw WebhookSignatureError(.dsaKey, "this is a DSA private key; an RSA key is required")
            }
            // SEC 1 ECPrivateKey: SEQUENCE { INTEGER 1, OCTET STRING, [0] params?, [1] public? }
            if ids.count >= 2, ids[0] == .integer, ids[1] == .octetString {
                throw WebhookSignatureError(.ecKey, "this is an EC private key (SEC 1); an RSA key is required")
            }
        } catch let error as WebhookSignatureError {
            throw error
        } catch {
            throw asn1Failure(error, what: "the key structure")
        }
        throw WebhookSignatureError(
            .notDER, "the DER SEQUENCE has \(children.count) fields of types \(ids); it is no key structure this package reads")
    }

    /// Rejects truncated input and trailing bytes before handing the document to swift-asn1,
    /// so each gets its own error code.
    static func checkOuterLength(_ der: ArraySlice<UInt8>) throws(WebhookSignatureError) {
        guard let first = der.first else { throw WebhookSignatureError(.emptyInput, "the key is empty") }
        var index = der.startIndex + 1
        // High-tag-number form: skip the tag's continuation bytes.
        if first & 0x1F == 0x1F {
            while index < der.endIndex, der[index] & 0x80 != 0 { index += 1 }
            index += 1
        }
        guard index < der.endIndex else { throw WebhookSignatureError(.truncated, "the DER ends inside its first header") }
        let lengthByte = der[index]
        index += 1
        var length = 0
        if lengthByte & 0x80 == 0 {
            length = Int(lengthByte)
        } else {
            let count = Int(lengthByte & 0x7F)
            guard count > 0, count <= 4 else {
                throw WebhookSignatureError(.notDER, "the DER length field uses \(count) length bytes; that is not DER")
            }
            guard der.endIndex - index >= count else {
                throw WebhookSignatureError(.truncated, "the DER ends inside its first length field")
            }
            for _ in 0..<count {
                length = length << 8 | Int(der[index])
                index += 1
            }
        }
        let available = der.endIndex - index
        if available < length {
            throw WebhookSignatureError(
                .truncated, "the DER declares \(length) content bytes but only \(available) follow: it is truncated")
        }
        if available > length {
            throw WebhookSignatureError(
                .trailingBytes, "\(available - length) bytes follow the end of the DER structure")
        }
    }

    static func asn1Failure(_ error: any Error, what: String) -> WebhookSignatureError {
        if let asn1 = error as? ASN1Error {
            if asn1.code == .truncatedASN1Field {
                return WebhookSignatureError(.truncated, "\(what) is truncated: \(asn1)")
            }
            return WebhookSignatureError(.notDER, "\(what) is not valid DER: \(asn1)")
        }
        return WebhookSignatureError(.notDER, "\(what) is not valid DER: \(error)")
    }

    /// Maps a non-RSA algorithm to the error that names it.
    static func wrongAlgorithm(_ oid: ASN1ObjectIdentifier, isPrivate: Bool) -> WebhookSignatureError {
        let kind = isPrivate ? "private" : "public"
        switch oid {
        case .ecPublicKey:
            return WebhookSignatureError(.ecKey, "this is an EC \(kind) key; an RSA key is required")
        case .ed25519, .ed448, .x25519, .x448:
            let name = oid == .ed25519 ? "Ed25519" : oid == .ed448 ? "Ed448" : oid == .x25519 ? "X25519" : "X448"
            return WebhookSignatureError(.edwardsKey, "this is an \(name) \(kind) key; an RSA key is required")
        case .dsa:
            return WebhookSignatureError(.dsaKey, "this is a DSA \(kind) key; an RSA key is required")
        case .rsassaPSS:
            return WebhookSignatureError(
                .unsupportedKeyAlgorithm, "this is an RSASSA-PSS-only \(kind) key; an rsaEncryption (PKCS#1 v1.5) key is required")
        case .dhPublicNumber:
            return WebhookSignatureError(.unsupportedKeyAlgorithm, "this is a Diffie-Hellman \(kind) key; an RSA key is required")
        default:
            return WebhookSignatureError(
                .unsupportedKeyAlgorithm, "this \(kind) key's algorithm is \(oid), not rsaEncryption (1.2.840.113549.1.1.1)")
        }
    }

    /// Reads AlgorithmIdentifier and checks it names rsaEncryption with NULL or absent parameters.
    static func checkRSAAlgorithm(_ node: ASN1Node, isPrivate: Bool) throws -> Void {
        try DER.sequence(node, identifier: .sequence) { nodes in
            let oid = try ASN1ObjectIdentifier(derEncoded: &nodes)
            guard oid == .rsaEncryption else { throw wrongAlgorithm(oid, isPrivate: isPrivate) }
            if let parameters = nodes.next() {
                guard parameters.identifier == .null else {
                    throw WebhookSignatureError(.notDER, "rsaEncryption parameters must be NULL or absent")
                }
                _ = try ASN1Null(derEncoded: parameters)
            }
            if nodes.next() != nil {
                throw WebhookSignatureError(.notDER, "the AlgorithmIdentifier has extra fields")
            }
        }
    }

    static func parseSPKI(_ node: ASN1Node) throws -> RSAPublicComponents {
        try DER.sequence(node, identifier: .sequence) { nodes in
            guard let algorithm = nodes.next() else { throw WebhookSignatureError(.notDER, "SubjectPublicKeyInfo lacks its algorithm") }
            try checkRSAAlgorithm(algorithm, isPrivate: false)
            let bits = try ASN1BitString(derEncoded: &nodes)
            guard bits.paddingBits == 0 else {
                throw WebhookSignatureError(.notDER, "the public key BIT STRING has \(bits.paddingBits) unused bits")
            }
            let inner: ASN1Node
            do {
                try checkOuterLength(bits.bytes)
                inner = try DER.parse(bits.bytes)
            } catch let error as WebhookSignatureError {
                throw error
            } catch {
                throw asn1Failure(error, what: "the RSAPublicKey inside the SubjectPublicKeyInfo")
            }
            guard inner.identifier == .sequence, case .constructed(let fields) = inner.content else {
                throw WebhookSignatureError(.notDER, "the SubjectPublicKeyInfo's key is not an RSAPublicKey SEQUENCE")
            }
            return try parsePKCS1Public(Array(fields))
        }
    }

    static func parsePKCS1Public(_ fields: [ASN1Node]) throws -> RSAPublicComponents {
        guard fields.count == 2 else {
            throw WebhookSignatureError(.notDER, "an RSAPublicKey has 2 INTEGERs; this one has \(fields.count) fields")
        }
        let n = try ArraySlice<UInt8>(derEncoded: fields[0])
        let e = try ArraySlice<UInt8>(derEncoded: fields[1])
        return try RSAPublicComponents(modulus: n, publicExponent: e)
    }

    static func parsePKCS8(_ fields: [ASN1Node]) throws -> RSAPrivateComponents {
        let version = try Int(derEncoded: fields[0])
        guard version == 0 || version == 1 else {
            throw WebhookSignatureError(.notDER, "PKCS#8 version \(version) is unknown (0 or 1 expected)")
        }
        try checkRSAAlgorithm(fields[1], isPrivate: true)
        let octets = try ASN1OctetString(derEncoded: fields[2])
        let inner: ASN1Node
        do {
            try checkOuterLength(octets.bytes)
            inner = try DER.parse(octets.bytes)
        } catch let error as WebhookSignatureError {
            throw error
        } catch {
            throw asn1Failure(error, what: "the RSAPrivateKey inside the PKCS#8 structure")
        }
        guard inner.identifier == .sequence, case .constructed(let innerFields) = inner.content else {
            throw WebhookSignatureError(.notDER, "the PKCS#8 private key is not an RSAPrivateKey SEQUENCE")
        }
        return try parsePKCS1Private(Array(innerFields))
    }

    static func parsePKCS1Private(_ fields: [ASN1Node]) throws -> RSAPrivateComponents {
        guard fields.count >= 9, fields.prefix(9).allSatisfy({ $0.identifier == .integer }) else {
            throw WebhookSignatureError(.notDER, "an RSAPrivateKey has 9 INTEGERs; this one has \(fields.count) fields")
        }
        let version = try Int(derEncoded: fields[0])
        if version == 1 || fields.count > 9 {
            throw WebhookSignatureError(.invalidKey, "multi-prime RSA private keys are not supported")
        }
        guard version == 0 else {
            throw WebhookSignatureError(.notDER, "RSAPrivateKey version \(version) is unknown (0 expected)")
        }
        let v = try fields[1...8].map { try ArraySlice<UInt8>(derEncoded: $0) }
        return try RSAPrivateComponents(
            modulus: v[0], publicExponent: v[1], privateExponent: v[2], prime1: v[3], prime2: v[4],
            exponent1: v[5], exponent2: v[6], coefficient: v[7])
    }

    static func parseCertificate(_ tbs: ASN1Node) throws -> (RSAPublicComponents, CertificateSummary) {
        guard case .constructed(let nodes) = tbs.content else {
            throw WebhookSignatureError(.notDER, "the certificate's TBSCertificate is not a SEQUENCE")
        }
        var fields = Array(nodes)
        // [0] EXPLICIT version is optional.
        if let first = fields.first, first.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
            fields.removeFirst()
        }
        // serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo, ...
        guard fields.count >= 6, fields[0].identifier == .integer, fields[5].identifier == .sequence else {
            throw WebhookSignatureError(.notDER, "the certificate's TBSCertificate does not have the X.509 fields")
        }
        let issuer = DistinguishedName.render(fields[2])
        let (notBefore, notAfter) = try Validity.parse(fields[3])
        let subject = DistinguishedName.render(fields[4])
        let components = try parseSPKI(fields[5])
        return (components, CertificateSummary(subject: subject, issuer: issuer, notBefore: notBefore, notAfter: notAfter))
    }

    // MARK: Writing

    private static func integer(_ bytes: [UInt8]) -> ArraySlice<UInt8> { bytes.isEmpty ? [0] : bytes[...] }

    /// PKCS#1 RSAPublicKey DER.
    static func pkcs1PublicDER(_ key: RSAPublicComponents) -> [UInt8] {
        var serializer = DER.Serializer()
        // Serializing integers and sequences into memory cannot fail.
        try? serializer.appendConstructedNode(identifier: .sequence) { s in
            try s.serialize(integer(key.modulus))
            try s.serialize(integer(key.publicExponent))
        }
        return serializer.serializedBytes
    }

    /// SubjectPublicKeyInfo DER, rsaEncryption with NULL parameters (what Java and OpenSSL write).
    static func spkiDER(_ key: RSAPublicComponents) -> [UInt8] {
        let pkcs1 = pkcs1PublicDER(key)
        var serializer = DER.Serializer()
        try? serializer.appendConstructedNode(identifier: .sequence) { s in
            try s.appendConstructedNode(identifier: .sequence) { a in
                try a.serialize(ASN1ObjectIdentifier.rsaEncryption)
                try a.serialize(ASN1Null())
            }
            try s.serialize(ASN1BitString(bytes: pkcs1[...]))
        }
        return serializer.serializedBytes
    }

    /// PKCS#1 RSAPrivateKey DER.
    static func pkcs1PrivateDER(_ key: RSAPrivateComponents) -> [UInt8] {
        var serializer = DER.Serializer()
        try? serializer.appendConstructedNode(identifier: .sequence) { s in
            try s.serialize(0)
            for value in [
                key.publicComponents.modulus, key.publicComponents.publicExponent, key.privateExponent,
                key.prime1, key.prime2, key.exponent1, key.exponent2, key.coefficient,
            ] {
                try s.serialize(integer(value))
            }
        }
        return serializer.serializedBytes
    }

    /// PKCS#8 PrivateKeyInfo DER (version 0, rsaEncryption).
    static func pkcs8DER(_ key: RSAPrivateComponents) -> [UInt8] {
        let inner = pkcs1PrivateDER(key)
        var serializer = DER.Serializer()
        try? serializer.appendConstructedNode(identifier: .sequence) { s in
            try s.serialize(0)
            try s.appendConstructedNode(identifier: .sequence) { a in
                try a.serialize(ASN1ObjectIdentifier.rsaEncryption)
                try a.serialize(ASN1Null())
            }
            try s.serialize(ASN1OctetString(contentBytes: inner[...]))
        }
        return serializer.serializedBytes
    }
}

/// Renders X.509 names for `inspect`; unknown attributes print as their OID.
enum DistinguishedName {
    static let shortNames: [ASN1ObjectIdentifier: String] = [
        [2, 5, 4, 3]: "CN", [2, 5, 4, 6]: "C", [2, 5, 4, 7]: "L", [2, 5, 4, 8]: "ST", [2, 5, 4, 10]: "O",
        [2, 5, 4, 11]: "OU", [2, 5, 4, 5]: "serialNumber", [1, 2, 840, 113_549, 1, 9, 1]: "emailAddress",
        [0, 9, 2342, 19_200_300, 100, 1, 25]: "DC",
    ]

    static func render(_ name: ASN1Node) -> String {
        guard case .constructed(let rdns) = name.content else { return "" }
        var parts: [String] = []
        for rdn in rdns {
            guard case .constructed(let attributes) = rdn.content else { continue }
            for attribute in attributes {
                guard case .constructed(let pair) = attribute.content else { continue }
                var iterator = pair.makeIterator()
                guard let oidNode = iterator.next(), let valueNode = iterator.next(),
                    let oid = try? ASN1ObjectIdentifier(derEncoded: oidNode)
                else { continue }
                let label = shortNames[oid] ?? "\(oid)"
                parts.append("\(label)=\(stringValue(valueNode))")
            }
        }
        return parts.joined(separator: ", ")
    }

    static func stringValue(_ node: ASN1Node) -> String {
        guard case .primitive(let bytes) = node.content else { return "#constructed" }
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        return "#" + bytes.map { String($0, radix: 16) }.joined()
    }
}

/// Reads a certificate's Validity (UTCTime or GeneralizedTime) as ISO 8601 text.
enum Validity {
    static func parse(_ node: ASN1Node) throws -> (String, String) {
        try DER.sequence(node, identifier: .sequence) { nodes in
            guard let first = nodes.next(), let second = nodes.next() else {
                throw WebhookSignatureError(.notDER, "the certificate's validity lacks a time")
            }
            return (try time(first), try time(second))
        }
    }

    static func time(_ node: ASN1Node) throws -> String {
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        if node.identifier == .utcTime {
            let t = try UTCTime(derEncoded: node)
            return "\(t.year)-\(two(t.month))-\(two(t.day))T\(two(t.hours)):\(two(t.minutes)):\(two(t.seconds))Z"
        }
        let t = try GeneralizedTime(derEncoded: node)
        return "\(t.year)-\(two(t.month))-\(two(t.day))T\(two(t.hours)):\(two(t.minutes)):\(two(t.seconds))Z"
    }
}
