#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The signature headers of a request: names matched case-insensitively (surrounding whitespace
/// ignored), values trimmed per ``SignatureText``, repeated headers and comma-joined repeats
/// collected. Holds the caller's strings and byte offsets into them: building it copies and
/// allocates nothing.
@usableFromInline
struct SignatureHeaders: Sendable {
    /// One header's value: bytes `start..<end` of `string`'s UTF-8; `conflicting` when it was
    /// sent again with a different value.
    struct Value: Sendable {
        var string: String
        var start: Int
        var end: Int
        var conflicting = false

        /// The value as text.
        var text: Substring {
            let utf8 = string.utf8
            return Substring(utf8[utf8.index(utf8.startIndex, offsetBy: start)..<utf8.index(utf8.startIndex, offsetBy: end)])
        }

        /// Runs `body` over the value's bytes, in place.
        func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
            var string = string
            return string.withUTF8 { body(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer($0)[start..<end])) }
        }
    }

    var fluent: Value? = nil
    var flex: Value? = nil

    @usableFromInline
    init() {}

    init(_ headers: some Sequence<(String, String)>) {
        for (name, value) in headers { add(name: name, value: value) }
    }

    /// Adds one header line. Not generic, so that callers' inlined loops reach it without generic
    /// dispatch. Base64 has no commas, so a comma can only join repeated values.
    @usableFromInline
    mutating func add(name: String, value: String) {
        guard let algorithm = Self.algorithm(forName: name) else { return }
        var string = value
        var start = 0
        while true {
            // The next part's trimmed byte range, and where the part ends.
            let (part, end, total) = string.withUTF8 { (bytes) -> (Range<Int>, Int, Int) in
                let raw = UnsafeRawBufferPointer(bytes)
                // memchr: vectorised, where a byte loop costed 100 ns per header value.
                let end =
                    raw.baseAddress.flatMap { base in memchr(base + start, Int32(UInt8(ascii: ",")), raw.count - start) }
                    .map { UnsafeRawPointer($0) - raw.baseAddress! } ?? raw.count
                let trimmed = SignatureText.trim(UnsafeRawBufferPointer(rebasing: raw[start..<end]))
                let offset = trimmed.baseAddress.map { $0 - raw.baseAddress! } ?? start
                return (offset..<(offset + trimmed.count), end, raw.count)
            }
            let found = Value(string: value, start: part.lowerBound, end: part.upperBound)
            switch algorithm {
            case .sha512WithRSA: Self.merge(found, into: &fluent)
            case .md5WithRSA: Self.merge(found, into: &flex)
            }
            guard end < total else { break }
            start = end + 1
        }
    }

    private static func merge(_ value: Value, into slot: inout Value?) {
        guard let existing = slot else {
            slot = value
            return
        }
        let same = existing.withBytes { a in value.withBytes { b in a.elementsEqual(b) } }
        if !same { slot!.conflicting = true }
    }

    func value(for algorithm: SignatureAlgorithm) -> Value? {
        algorithm == .sha512WithRSA ? fluent : flex
    }

    /// The algorithm whose header `name` is: compared byte by byte, ASCII case folded, around
    /// whitespace trimmed, without building a lowercased copy.
    static func algorithm(forName name: String) -> SignatureAlgorithm? {
        var name = name
        return name.withUTF8 { (bytes) -> SignatureAlgorithm? in
            let trimmed = SignatureText.trim(UnsafeRawBufferPointer(bytes))
            if equalsIgnoringCase(trimmed, "fluent-signature") { return .sha512WithRSA }
            if equalsIgnoringCase(trimmed, "flex.signature") { return .md5WithRSA }
            return nil
        }
    }

    private static func equalsIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        for i in 0..<bytes.count {
            let b = bytes[i]
            let folded = (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b
            if folded != lowercase.utf8Start[i] { return false }
        }
        return true
    }
}
