/// How a webhook body is turned into the bytes that are signed or verified.
///
/// Use it to pick the canonical form a sender and a receiver agreed on; pass it to
/// ``Canonicalizer/canonicalize(_:mode:maxDepth:)``. The set may grow in a minor release:
/// compare with `==` or `switch` with a `default:`.
public struct CanonicalMode: Hashable, Sendable, CustomStringConvertible {
    enum Kind: Hashable, Sendable {
        case raw, compact, jcs
    }

    let kind: Kind

    private init(_ kind: Kind) { self.kind = kind }

    /// The body's bytes exactly as received, with no parsing at all.
    ///
    /// Use it when the sender signs the body as sent on the wire, which is the usual case.
    public static let raw = CanonicalMode(.raw)
    /// The body as one strict RFC 8259 JSON value with every whitespace byte outside strings removed.
    ///
    /// Use it to rebuild the compact wire form from a pretty-printed copy of a compact JSON delivery:
    /// member order, strings (escapes included) and number lexemes stay byte for byte as written.
    public static let compact = CanonicalMode(.compact)
    /// The body in the RFC 8785 JSON Canonicalization Scheme (JCS).
    ///
    /// Use it when the sender signs the JCS form, which does not depend on member order, whitespace,
    /// string escaping or how numbers are written.
    public static let jcs = CanonicalMode(.jcs)

    /// Every mode of this release.
    public static let allCases: [CanonicalMode] = [.raw, .compact, .jcs]

    /// The mode's name on the command line and in the C library (`raw`, `compact`, `jcs`).
    public var name: String {
        switch kind {
        case .raw: return "raw"
        case .compact: return "compact"
        case .jcs: return "jcs"
        }
    }

    /// The same as ``name``.
    public var description: String { name }

    /// The mode with this name, if any.
    public init?(name: String) {
        guard let found = CanonicalMode.allCases.first(where: { $0.name == name.lowercased() }) else { return nil }
        self = found
    }
}

/// Turns a webhook body into its canonical bytes under a ``CanonicalMode``.
///
/// Use it before hashing a body for signing or verification when the body's canonical form, not its
/// exact bytes, is what is signed.
///
/// Errors, all ``WebhookSignatureError`` whose reason names the byte offset where the problem was found:
/// - ``WebhookSignatureError/Code/invalidJSON`` for a syntax error: anything outside RFC 8259's
///   grammar (trailing commas, comments, leading zeros, bad escapes, control characters in strings,
///   whitespace other than space, tab, LF and CR, a leading byte order mark, an empty body), and in
///   ``CanonicalMode/jcs`` a `\u` escape of a lone surrogate. A byte of 0x80 or above outside a string
///   is a syntax error too.
/// - ``WebhookSignatureError/Code/notUTF8`` for malformed UTF-8 inside a string (a stray continuation
///   byte, an overlong form, a UTF-8-encoded surrogate, a code point above U+10FFFF, a truncated sequence).
/// - ``WebhookSignatureError/Code/nestingTooDeep`` when arrays and objects nest deeper than `maxDepth`.
/// - ``WebhookSignatureError/Code/invalidJSON`` too when an object names a member twice (in every
///   mode but raw), compared after unescaping; the offset is that of the second occurrence.
/// - ``WebhookSignatureError/Code/invalidNumber`` (JCS only) for a number that overflows an IEEE 754 double.
/// - ``WebhookSignatureError/Code/invalidArgument`` for a negative `maxDepth`.
public enum Canonicalizer {
    /// The default limit on how deeply arrays and objects may nest: 512 levels.
    ///
    /// Use it as is unless a sender is known to nest deeper; the parser never recurses, so the limit only
    /// bounds memory and work, and a body that nests deeper is refused with ``WebhookSignatureError/Code/nestingTooDeep``.
    public static let defaultMaxDepth = 512

    /// Returns the canonical bytes of `body` under `mode`.
    ///
    /// Use it to get the exact bytes to hash: ``CanonicalMode/raw`` returns the body unchanged,
    /// ``CanonicalMode/compact`` strips insignificant whitespace, ``CanonicalMode/jcs`` applies RFC 8785.
    /// - Parameters:
    ///   - body: The body as received.
    ///   - mode: The canonical form to produce.
    ///   - maxDepth: How many levels arrays and objects may nest (a scalar alone is depth 0, `[]` is depth 1).
    /// - Throws: ``WebhookSignatureError`` as described on ``Canonicalizer``.
    public static func canonicalize(
        _ body: some Collection<UInt8>,
        mode: CanonicalMode,
        maxDepth: Int = Canonicalizer.defaultMaxDepth
    ) throws(WebhookSignatureError) -> [UInt8] {
        switch mode.kind {
        case .raw:
            return Array(body)
        case .compact:
            try JSONScanner.checkMaxDepth(maxDepth)
            return try withContiguousBytes(body) { (buffer) throws(WebhookSignatureError) in try CompactJSON.compact(buffer, maxDepth: maxDepth) }
        case .jcs:
            try JSONScanner.checkMaxDepth(maxDepth)
            return try withContiguousBytes(body) { (buffer) throws(WebhookSignatureError) in try JCS.canonicalize(buffer, maxDepth: maxDepth) }
        }
    }
}

/// Calls `body` with the collection's bytes in contiguous memory, copying them only when they are not.
@inline(__always)
func withContiguousBytes<C: Collection<UInt8>, R>(
    _ bytes: C, _ body: (UnsafeBufferPointer<UInt8>) throws(WebhookSignatureError) -> R
) throws(WebhookSignatureError) -> R {
    let direct = bytes.withContiguousStorageIfAvailable { (buffer) -> Result<R, WebhookSignatureError> in
        Result { () throws(WebhookSignatureError) in try body(buffer) }
    }
    if let direct { return try direct.get() }
    return try Array(bytes).withUnsafeBufferPointer { (buffer) -> Result<R, WebhookSignatureError> in
        Result { () throws(WebhookSignatureError) in try body(buffer) }
    }.get()
}
