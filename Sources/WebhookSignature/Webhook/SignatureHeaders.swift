/// The signature headers of a request: names matched case-insensitively (surrounding whitespace
/// ignored), values trimmed per ``SignatureText``, repeated headers and comma-joined repeats
/// collected. Holds slices of the caller's strings: building it copies and allocates nothing.
struct SignatureHeaders: Sendable {
    /// One header's value; `conflicting` when it was sent again with a different value.
    struct Value: Sendable {
        var text: Substring
        var conflicting = false
    }

    var fluent: Value? = nil
    var flex: Value? = nil

    init() {}

    init(_ headers: some Sequence<(String, String)>) {
        for (name, value) in headers { add(name: name, value: value) }
    }

    /// Adds one header line.
    mutating func add(name: some StringProtocol, value: String) {
        guard let algorithm = Self.algorithm(forName: name) else { return }
        // Base64 has no commas, so a comma can only join repeated values. Walked by index rather
        // than split, so that no array of parts is allocated.
        var rest = Substring(value)
        while true {
            let comma = rest.utf8.firstIndex(of: UInt8(ascii: ","))
            let text = SignatureText.trim(comma.map { rest[..<$0] } ?? rest)
            switch algorithm {
            case .sha512WithRSA: Self.merge(text, into: &fluent)
            case .md5WithRSA: Self.merge(text, into: &flex)
            }
            guard let comma else { break }
            rest = rest[rest.utf8.index(after: comma)...]
        }
    }

    private static func merge(_ text: Substring, into slot: inout Value?) {
        if let existing = slot {
            if existing.text != text { slot!.conflicting = true }
        } else {
            slot = Value(text: text)
        }
    }

    func value(for algorithm: SignatureAlgorithm) -> Value? {
        algorithm == .sha512WithRSA ? fluent : flex
    }

    /// The algorithm whose header `name` is: compared byte by byte, ASCII case folded, around
    /// whitespace trimmed, without building a lowercased copy.
    static func algorithm(forName name: some StringProtocol) -> SignatureAlgorithm? {
        var utf8 = Substring(name).utf8[...]
        while let first = utf8.first, SignatureText.isTrimmed(first) { utf8 = utf8.dropFirst() }
        while let last = utf8.last, SignatureText.isTrimmed(last) { utf8 = utf8.dropLast() }
        if equalsIgnoringCase(utf8, "fluent-signature") { return .sha512WithRSA }
        if equalsIgnoringCase(utf8, "flex.signature") { return .md5WithRSA }
        return nil
    }

    private static func equalsIgnoringCase(_ bytes: Substring.UTF8View.SubSequence, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        var i = 0
        for b in bytes {
            let folded = (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b
            if folded != lowercase.utf8Start[i] { return false }
            i += 1
        }
        return true
    }
}
