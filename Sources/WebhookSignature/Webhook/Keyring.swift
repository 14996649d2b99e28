/// Where a trusted key stands at a given time.
///
/// The set may grow in a minor release: compare with `==` or `switch` with a `default:`.
public struct KeyStatus: Hashable, Sendable, CustomStringConvertible {
    /// The stable name, as the keyring commands print it (`active`, `not-yet-valid`, `expired`, `retired`).
    public let name: String

    private init(_ name: String) { self.name = name }

    /// Inside its validity window and not retired: signatures by it are accepted.
    public static let active = KeyStatus("active")
    /// Its window has not opened yet.
    public static let notYetValid = KeyStatus("not-yet-valid")
    /// Its window has closed.
    public static let expired = KeyStatus("expired")
    /// Withdrawn by an operator, whatever its window.
    public static let retired = KeyStatus("retired")

    /// Every status of this release.
    public static let allCases: [KeyStatus] = [.active, .notYetValid, .expired, .retired]

    /// The same as ``name``.
    public var description: String { name }

    /// The outcome of a signature that this key made while in this status.
    var verdictCode: VerdictCode {
        switch self {
        case .retired: return .keyRetired
        case .expired: return .keyExpired
        case .notYetValid: return .keyNotYetValid
        default: return .valid
        }
    }
}

/// A public key that a receiver trusts, with its label and validity window.
///
/// Use several of them in a ``Keyring`` while a key is rotated: the old and new keys overlap,
/// then the old one expires or is retired.
public struct TrustedKey: Sendable, Hashable {
    /// The key.
    public var key: RSAPublicKey
    /// A name for people, such as `eu-prod`.
    public var label: String?
    /// Signatures by this key count from this time on (Unix seconds, inclusive), if set.
    public var notBefore: Int64?
    /// Signatures by this key count until this time (Unix seconds, inclusive), if set.
    public var notAfter: Int64?
    /// Whether an operator withdrew the key.
    public var retired: Bool

    /// Creates a trusted key.
    public init(key: RSAPublicKey, label: String? = nil, notBefore: Int64? = nil, notAfter: Int64? = nil, retired: Bool = false) {
        self.key = key
        self.label = label
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.retired = retired
    }

    /// The key's id: the SHA-256 fingerprint of its SubjectPublicKeyInfo.
    public var id: KeyFingerprint { key.fingerprint }

    /// The key's status at a time (Unix seconds); retirement wins over the window.
    public func status(atUnixTime seconds: Int64) -> KeyStatus {
        if retired { return .retired }
        if let notBefore, seconds < notBefore { return .notYetValid }
        if let notAfter, seconds > notAfter { return .expired }
        return .active
    }

    /// The key's status now.
    public var status: KeyStatus { status(at: .now) }

    package func status(at time: UnixTime) -> KeyStatus { status(atUnixTime: time.seconds) }

    /// The status at `time`, nil meaning now; the clock is read only when the key has a window.
    package func status(at time: UnixTime?) -> KeyStatus {
        if retired { return .retired }
        if notBefore == nil, notAfter == nil { return .active }
        return status(at: time ?? .now)
    }

    /// ``notBefore`` as a time.
    package var notBeforeTime: UnixTime? {
        get { notBefore.map(UnixTime.init(seconds:)) }
        set { notBefore = newValue?.seconds }
    }

    /// ``notAfter`` as a time.
    package var notAfterTime: UnixTime? {
        get { notAfter.map(UnixTime.init(seconds:)) }
        set { notAfter = newValue?.seconds }
    }

    /// The label if there is one, else the id.
    public var displayName: String { label ?? id.hex }
}

/// The set of public keys a receiver trusts, stored as a small JSON file.
///
/// The file format (version 1), keys in the platform's x509 base64 form:
/// ```json
/// {
///   "version": 1,
///   "keys": [
///     {"id":"<sha256 hex>","label":"eu-prod","publicKey":"MIGf…","notBefore":"2026-01-01T00:00:00Z","notAfter":null,"retired":false}
///   ]
/// }
/// ```
/// `id`, `label`, `notBefore`, `notAfter` and `retired` are optional; `id`, when present, must
/// match the key. Ids and labels are unique. The verdict never depends on the order of keys.
public struct Keyring: Sendable, Hashable {
    /// The keys, in file order.
    public private(set) var keys: [TrustedKey]

    /// A keyring of these keys; ids and labels must be unique.
    public init(_ keys: [TrustedKey] = []) throws(WebhookSignatureError) {
        self.keys = []
        for key in keys { try add(key) }
    }

    /// A keyring with one key.
    public init(trusting key: RSAPublicKey, label: String? = nil) {
        self.keys = [TrustedKey(key: key, label: label)]
    }

    /// Adds a key; a key already present (same id), a label already used, or a label that
    /// ``labelProblem(_:)`` refuses throws ``WebhookSignatureError/Code/invalidKeyring``.
    public mutating func add(_ key: TrustedKey) throws(WebhookSignatureError) {
        if let existing = keys.first(where: { $0.id == key.id }) {
            throw WebhookSignatureError(.invalidKeyring, "the keyring already holds key \(key.id) (\(existing.displayName))")
        }
        if let label = key.label, keys.contains(where: { $0.label == label }) {
            throw WebhookSignatureError(.invalidKeyring, "the keyring already has a key labelled \"\(label)\"")
        }
        // A label is never empty (the file format could not hold it) and never has the form of a key
        // id or id prefix, so that `index(of:)` cannot find another key by its label when given an id.
        if let label = key.label, let problem = Self.labelProblem(label) {
            throw WebhookSignatureError(.invalidKeyring, problem)
        }
        if let notBefore = key.notBefore, let notAfter = key.notAfter, notAfter < notBefore {
            throw WebhookSignatureError(
                .invalidKeyring,
                "key \(key.displayName): notAfter \(UnixTime(seconds: notAfter)) is before notBefore \(UnixTime(seconds: notBefore))")
        }
        keys.append(key)
    }

    /// The shortest id prefix that ``index(of:)`` looks up: 8 hex digits.
    public static let minimumIdPrefixDigits = 8

    /// Why `label` cannot be a label, or nil when it can.
    ///
    /// Use it to check a label before adding a key. A label is refused when it is empty, or when it
    /// could be read as a key id or an id prefix (8 or more hex digits, optionally after `sha256:`),
    /// so that looking a key up by id prefix can never find another key by its label.
    public static func labelProblem(_ label: String) -> String? {
        if label.isEmpty { return "a label must not be empty" }
        if idPrefixDigits(label) != nil {
            return "the label \"\(label)\" looks like a key id or id prefix (\(minimumIdPrefixDigits) or more hex digits); "
                + "labels must not, so that an id prefix never matches a label"
        }
        return nil
    }

    /// The lowercase hex digits of `text` when it has the form of an id or id prefix (optionally
    /// `sha256:`, then at least 8 hex digits), else nil.
    static func idPrefixDigits(_ text: String) -> String? {
        var hex = Substring(text.lowercased())
        if hex.hasPrefix("sha256:") { hex = hex.dropFirst(7) }
        guard hex.utf8.count >= minimumIdPrefixDigits, Hex.isHexDigits(hex) else { return nil }
        return String(hex)
    }

    /// The index of the key with this id (full hex, optionally `sha256:`, or a unique prefix of at least 8 digits) or label.
    ///
    /// Text of the form of an id prefix is looked up among ids only, never among labels (which cannot
    /// have that form, see ``labelProblem(_:)``); any other text is looked up among labels.
    public func index(of idOrLabel: String) throws(WebhookSignatureError) -> Int {
        if let hex = Self.idPrefixDigits(idOrLabel) {
            let matches = keys.indices.filter { keys[$0].id.hex.hasPrefix(hex) }
            if matches.count == 1 { return matches[0] }
            if matches.count > 1 {
                throw WebhookSignatureError(.invalidArgument, "\"\(idOrLabel)\" matches \(matches.count) keys; give more digits")
            }
            throw WebhookSignatureError(.invalidArgument, "no key in the keyring has an id starting with \"\(hex)\"")
        }
        if let i = keys.firstIndex(where: { $0.label == idOrLabel }) { return i }
        throw WebhookSignatureError(.invalidArgument, "no key in the keyring has the id or label \"\(idOrLabel)\"")
    }

    /// Marks a key retired.
    public mutating func retire(_ idOrLabel: String) throws(WebhookSignatureError) {
        keys[try index(of: idOrLabel)].retired = true
    }

    /// Removes a key and returns it.
    @discardableResult
    public mutating func remove(_ idOrLabel: String) throws(WebhookSignatureError) -> TrustedKey {
        keys.remove(at: try index(of: idOrLabel))
    }

    /// Replaces the key at `index` (its id must not change to one already present).
    public mutating func update(at index: Int, _ change: (inout TrustedKey) -> Void) throws(WebhookSignatureError) {
        var copy = keys
        change(&copy[index])
        self = try Keyring(copy)
    }

    /// The keys active at a time (Unix seconds).
    public func activeKeys(atUnixTime seconds: Int64) -> [TrustedKey] { keys.filter { $0.status(atUnixTime: seconds) == .active } }

    // MARK: File format

    /// Reads a keyring file; a bad file or entry throws ``WebhookSignatureError/Code/invalidKeyring`` naming the entry and why.
    public init(json bytes: some Collection<UInt8>, backend: CryptoBackend = .default) throws(WebhookSignatureError) {
        let root: JSONValue
        do {
            root = try JSONValue.parse(bytes, maxDepth: 8)
        } catch {
            throw WebhookSignatureError(.invalidKeyring, "the keyring is not valid JSON: \(error.reason)")
        }
        guard root.objectMembers != nil else { throw WebhookSignatureError(.invalidKeyring, "the keyring must be a JSON object") }
        if let version = root[member: "version"] {
            guard version.numberLexeme == "1" else {
                throw WebhookSignatureError(.invalidKeyring, "keyring version \(version.numberLexeme ?? "?") is not supported (1 is)")
            }
        }
        guard let entries = root[member: "keys"]?.arrayValue else {
            throw WebhookSignatureError(.invalidKeyring, "the keyring has no \"keys\" array")
        }
        var ring = try Keyring()
        for (i, entry) in entries.enumerated() {
            let name = "keys[\(i)]" + (entry[member: "label"]?.stringValue.map { " (\($0))" } ?? "")
            func fail(_ why: String) -> WebhookSignatureError { WebhookSignatureError(.invalidKeyring, "\(name): \(why)") }
            guard entry.objectMembers != nil else { throw fail("an entry must be an object") }
            guard let text = entry[member: "publicKey"]?.stringValue else { throw fail("\"publicKey\" (x509 base64) is missing") }
            let key: RSAPublicKey
            do {
                key = try RSAPublicKey(parsing: text, backend: backend)
            } catch {
                throw fail("publicKey: \(error.reason) [\(error.code)]")
            }
            if let id = entry[member: "id"], !id.isNull {
                guard let idText = id.stringValue, let given = KeyFingerprint(idText) else { throw fail("\"id\" is not 64 hex digits") }
                guard given == key.fingerprint else { throw fail("\"id\" \(given) does not match the key, whose id is \(key.fingerprint)") }
            }
            func time(_ member: String) throws(WebhookSignatureError) -> UnixTime? {
                guard let value = entry[member: member], !value.isNull else { return nil }
                guard let text = value.stringValue, let t = UnixTime(rfc3339: text) else {
                    throw fail("\"\(member)\" is not an RFC 3339 time such as 2026-01-31T00:00:00Z")
                }
                return t
            }
            var label: String? = nil
            if let value = entry[member: "label"], !value.isNull {
                guard let text = value.stringValue, !text.isEmpty else { throw fail("\"label\" must be a non-empty string") }
                label = text
            }
            var retired = false
            if let value = entry[member: "retired"], !value.isNull {
                guard let flag = value.boolValue else { throw fail("\"retired\" must be true or false") }
                retired = flag
            }
            let trusted = TrustedKey(
                key: key, label: label, notBefore: try time("notBefore")?.seconds, notAfter: try time("notAfter")?.seconds, retired: retired)
            do {
                try ring.add(trusted)
            } catch {
                throw fail(error.reason)
            }
        }
        self = ring
    }

    /// The keyring as the JSON file format, one key per line, ending with a newline.
    public func jsonBytes() -> [UInt8] {
        func string(_ s: String?) -> String {
            guard let s else { return "null" }
            return String(decoding: JSONValue.string(s).compactBytes(), as: UTF8.self)
        }
        var lines: [String] = []
        for key in keys {
            lines.append(
                "    {\"id\":\(string(key.id.hex)),\"label\":\(string(key.label)),\"publicKey\":\(string(key.key.x509Base64)),"
                    + "\"notBefore\":\(string(key.notBeforeTime?.rfc3339)),\"notAfter\":\(string(key.notAfterTime?.rfc3339)),\"retired\":\(key.retired)}")
        }
        let body = lines.isEmpty ? "" : lines.joined(separator: ",\n") + "\n"
        return Array("{\n  \"version\": 1,\n  \"keys\": [\n\(body)  ]\n}\n".utf8)
    }
}
