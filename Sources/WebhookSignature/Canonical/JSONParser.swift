// A strict, single-pass RFC 8259 scanner shared by compact mode, JCS and JSONValue.parse.
//
// The scanner validates the grammar, UTF-8 and nesting depth and reports tokens to a sink. It never
// recurses: open arrays and objects live on an explicit stack that is bounded by maxDepth.

/// Receives the tokens of one JSON text in document order from ``JSONScanner``.
///
/// Offsets index the scanned buffer. String tokens span the opening quote to one past the closing quote.
protocol JSONTokenSink {
    mutating func beginArray(at offset: Int) throws(WebhookSignatureError)
    mutating func endArray(at offset: Int) throws(WebhookSignatureError)
    mutating func beginObject(at offset: Int) throws(WebhookSignatureError)
    mutating func endObject(at offset: Int) throws(WebhookSignatureError)
    mutating func memberName(start: Int, end: Int, hasEscapes: Bool) throws(WebhookSignatureError)
    mutating func nameSeparator()
    mutating func valueSeparator()
    mutating func string(start: Int, end: Int, hasEscapes: Bool) throws(WebhookSignatureError)
    mutating func number(start: Int, end: Int, isInteger: Bool) throws(WebhookSignatureError)
    /// `true`, `false` or `null`; the first byte tells which.
    mutating func literal(start: Int, end: Int)
}

extension JSONTokenSink {
    mutating func nameSeparator() {}
    mutating func valueSeparator() {}
}

/// Byte constants.
enum ASCII {
    static let quote: UInt8 = 0x22
    static let backslash: UInt8 = 0x5C
    static let slash: UInt8 = 0x2F
    static let comma: UInt8 = 0x2C
    static let colon: UInt8 = 0x3A
    static let openBracket: UInt8 = 0x5B
    static let closeBracket: UInt8 = 0x5D
    static let openBrace: UInt8 = 0x7B
    static let closeBrace: UInt8 = 0x7D
    static let minus: UInt8 = 0x2D
    static let plus: UInt8 = 0x2B
    static let dot: UInt8 = 0x2E
    static let zero: UInt8 = 0x30
    static let nine: UInt8 = 0x39
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let lineFeed: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let lowerE: UInt8 = 0x65
    static let upperE: UInt8 = 0x45
    static let lowerT: UInt8 = 0x74
    static let lowerF: UInt8 = 0x66
    static let lowerN: UInt8 = 0x6E
    static let lowerU: UInt8 = 0x75
}

/// Builders for the errors the JSON code throws; every reason names a byte offset.
enum JSONError {
    static func syntax(_ offset: Int, _ message: String) -> WebhookSignatureError {
        WebhookSignatureError(.invalidJSON, "invalid JSON at byte offset \(offset): \(message)")
    }

    static func notUTF8(_ offset: Int, _ message: String) -> WebhookSignatureError {
        WebhookSignatureError(.notUTF8, "invalid UTF-8 in a JSON string at byte offset \(offset): \(message)")
    }

    static func tooDeep(_ offset: Int, maxDepth: Int) -> WebhookSignatureError {
        WebhookSignatureError(
            .nestingTooDeep,
            "JSON nests deeper than the limit of \(maxDepth) levels at byte offset \(offset)")
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return byte < 0x10 ? "0x0" + digits : "0x" + digits
    }

    /// Describes the byte at `offset` (or the end of input) for an error message.
    static func describe(_ buffer: UnsafeBufferPointer<UInt8>, _ offset: Int) -> String {
        guard offset < buffer.count else { return "end of input" }
        let byte = buffer[offset]
        if byte >= 0x21 && byte <= 0x7E {
            return "'\(Character(Unicode.Scalar(byte)))'"
        }
        switch byte {
        case ASCII.space: return "a space"
        default: return "byte \(hex(byte))"
        }
    }
}

/// The member names of the open objects, innermost last.
struct MemberNames {
    private var levels: [Set<[UInt8]>] = []

    mutating func open() { levels.append([]) }
    mutating func close() { levels.removeLast() }

    /// Adds a name to the innermost object; false when it was there already.
    mutating func insert(_ name: [UInt8]) -> Bool { levels[levels.count - 1].insert(name).inserted }
}

/// A strict RFC 8259 scanner over contiguous bytes.
struct JSONScanner {
    let buffer: UnsafeBufferPointer<UInt8>
    let maxDepth: Int

    init(_ buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.buffer = buffer
        self.maxDepth = maxDepth
    }

    static func checkMaxDepth(_ maxDepth: Int) throws(WebhookSignatureError) {
        if maxDepth < 0 {
            throw WebhookSignatureError(.invalidArgument, "maxDepth must not be negative (got \(maxDepth))")
        }
    }

    // MARK: Driver

    /// Scans exactly one JSON value (with optional surrounding whitespace) and reports it to `sink`.
    func scan<Sink: JSONTokenSink>(into sink: inout Sink) throws(WebhookSignatureError) {
        let p = buffer
        let n = p.count
        if n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF {
            throw JSONError.syntax(0, "a UTF-8 byte order mark is not allowed before the JSON value")
        }
        // Open containers: 0 for an array, 1 for an object. Never longer than maxDepth.
        var stack: [UInt8] = []
        stack.reserveCapacity(Swift.min(maxDepth, 64))
        // The member names seen so far in each open object: a name given twice is refused in every
        // document this package reads (keyrings, JWKs, events, canonical input), since JSON readers
        // disagree on which value wins (the first here once, the last in Python, jq, JavaScript, Go).
        var names = MemberNames()
        var i = 0

        valueLoop: while true {
            // A value is expected at i (after whitespace).
            i = skipWhitespace(i)
            guard i < n else {
                throw JSONError.syntax(i, "expected a JSON value, found end of input")
            }
            switch p[i] {
            case ASCII.openBrace:
                if stack.count >= maxDepth { throw JSONError.tooDeep(i, maxDepth: maxDepth) }
                try sink.beginObject(at: i)
                i = skipWhitespace(i + 1)
                if i < n && p[i] == ASCII.closeBrace {
                    try sink.endObject(at: i)
                    i += 1
                } else {
                    stack.append(1)
                    names.open()
                    i = try scanMemberName(i, &sink, &names)
                    continue valueLoop
                }
            case ASCII.openBracket:
                if stack.count >= maxDepth { throw JSONError.tooDeep(i, maxDepth: maxDepth) }
                try sink.beginArray(at: i)
                i = skipWhitespace(i + 1)
                if i < n && p[i] == ASCII.closeBracket {
                    try sink.endArray(at: i)
                    i += 1
                } else {
                    stack.append(0)
                    continue valueLoop
                }
            case ASCII.quote:
                let (end, escaped) = try scanString(i)
                try sink.string(start: i, end: end, hasEscapes: escaped)
                i = end
            case ASCII.minus, ASCII.zero...ASCII.nine:
                let (end, isInteger) = try scanNumber(i)
                try sink.number(start: i, end: end, isInteger: isInteger)
                i = end
            case ASCII.lowerT:
                let end = try scanLiteral(i, Self.trueBytes, "true")
                sink.literal(start: i, end: end)
                i = end
            case ASCII.lowerF:
                let end = try scanLiteral(i, Self.falseBytes, "false")
                sink.literal(start: i, end: end)
                i = end
            case ASCII.lowerN:
                let end = try scanLiteral(i, Self.nullBytes, "null")
                sink.literal(start: i, end: end)
                i = end
            default:
                throw JSONError.syntax(i, "expected a JSON value, found \(JSONError.describe(p, i))")
            }

            // A value just ended: close containers until one needs another element.
            while true {
                i = skipWhitespace(i)
                guard let top = stack.last else {
                    if i < n {
                        throw JSONError.syntax(
                            i, "unexpected \(JSONError.describe(p, i)) after the JSON value")
                    }
                    return
                }
                let isObject = top == 1
                guard i < n else {
                    throw JSONError.syntax(
                        i, isObject ? "expected ',' or '}', found end of input" : "expected ',' or ']', found end of input")
                }
                let c = p[i]
                if c == ASCII.comma {
                    sink.valueSeparator()
                    i += 1
                    if isObject {
                        i = try scanMemberName(skipWhitespace(i), &sink, &names)
                    }
                    continue valueLoop
                }
                if isObject {
                    guard c == ASCII.closeBrace else {
                        throw JSONError.syntax(i, "expected ',' or '}', found \(JSONError.describe(p, i))")
                    }
                    stack.removeLast()
                    names.close()
                    try sink.endObject(at: i)
                } else {
                    guard c == ASCII.closeBracket else {
                        throw JSONError.syntax(i, "expected ',' or ']', found \(JSONError.describe(p, i))")
                    }
                    stack.removeLast()
                    try sink.endArray(at: i)
                }
                i += 1
            }
        }
    }

    // MARK: Tokens

    private static let trueBytes: [UInt8] = Array("true".utf8)
    private static let falseBytes: [UInt8] = Array("false".utf8)
    private static let nullBytes: [UInt8] = Array("null".utf8)

    @inline(__always)
    func skipWhitespace(_ start: Int) -> Int {
        let p = buffer
        var i = start
        while i < p.count {
            let b = p[i]
            if b == ASCII.space || b == ASCII.lineFeed || b == ASCII.carriageReturn || b == ASCII.tab {
                i += 1
            } else {
                break
            }
        }
        return i
    }

    /// Scans `"name" :` starting at `i`; returns the index after the colon.
    @inline(__always)
    private func scanMemberName<Sink: JSONTokenSink>(_ i: Int, _ sink: inout Sink, _ names: inout MemberNames) throws(WebhookSignatureError) -> Int {
        let p = buffer
        guard i < p.count, p[i] == ASCII.quote else {
            throw JSONError.syntax(i, "expected a member name string, found \(JSONError.describe(p, i))")
        }
        let (end, escaped) = try scanString(i)
        var name: [UInt8] = []
        if escaped, (try? decodeString(start: i, end: end, into: &name)) != nil {
            // Compared unescaped: "a" and "\u0061" name the same member.
        } else {
            name = Array(p[(i + 1)..<(end - 1)])
        }
        if !names.insert(name) {
            throw JSONError.syntax(
                i, "duplicate member name \"\(String(decoding: name, as: UTF8.self))\" (a name may appear once per object)")
        }
        try sink.memberName(start: i, end: end, hasEscapes: escaped)
        let colon = skipWhitespace(end)
        guard colon < p.count, p[colon] == ASCII.colon else {
            throw JSONError.syntax(colon, "expected ':' after a member name, found \(JSONError.describe(p, colon))")
        }
        sink.nameSeparator()
        return colon + 1
    }

    private func scanLiteral(_ i: Int, _ word: [UInt8], _ name: String) throws(WebhookSignatureError) -> Int {
        let p = buffer
        for k in 0..<word.count {
            let j = i + k
            guard j < p.count, p[j] == word[k] else {
                throw JSONError.syntax(j, "invalid literal, expected '\(name)', found \(JSONError.describe(p, j))")
            }
        }
        return i + word.count
    }

    @inline(__always)
    private static func isDigit(_ b: UInt8) -> Bool { b &- ASCII.zero < 10 }

    /// Scans a number; returns one past its end and whether it has neither fraction nor exponent.
    @inline(__always)
    func scanNumber(_ start: Int) throws(WebhookSignatureError) -> (end: Int, isInteger: Bool) {
        let p = buffer
        let n = p.count
        var j = start
        if p[j] == ASCII.minus {
            j += 1
            guard j < n, Self.isDigit(p[j]) else {
                throw JSONError.syntax(j, "expected a digit after '-', found \(JSONError.describe(p, j))")
            }
        }
        if p[j] == ASCII.zero {
            j += 1
            if j < n && Self.isDigit(p[j]) {
                throw JSONError.syntax(j, "a number must not have a leading zero")
            }
        } else {
            j += 1
            while j < n && Self.isDigit(p[j]) { j += 1 }
        }
        var isInteger = true
        if j < n && p[j] == ASCII.dot {
            isInteger = false
            j += 1
            guard j < n, Self.isDigit(p[j]) else {
                throw JSONError.syntax(j, "expected a digit after the decimal point, found \(JSONError.describe(p, j))")
            }
            while j < n && Self.isDigit(p[j]) { j += 1 }
        }
        if j < n && (p[j] == ASCII.lowerE || p[j] == ASCII.upperE) {
            isInteger = false
            j += 1
            if j < n && (p[j] == ASCII.plus || p[j] == ASCII.minus) { j += 1 }
            guard j < n, Self.isDigit(p[j]) else {
                throw JSONError.syntax(j, "expected a digit in the exponent, found \(JSONError.describe(p, j))")
            }
            while j < n && Self.isDigit(p[j]) { j += 1 }
        }
        return (j, isInteger)
    }

    /// True when any of the 8 bytes is a quote, a backslash, below 0x20 or above 0x7F (may over-report).
    @inline(__always)
    private static func needsAttention(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quotes = w ^ (ones &* UInt64(ASCII.quote))
        let backslashes = w ^ (ones &* UInt64(ASCII.backslash))
        let hasQuote = (quotes &- ones) & ~quotes
        let hasBackslash = (backslashes &- ones) & ~backslashes
        let hasControl = w &- (ones &* 0x20)
        return ((hasQuote | hasBackslash | hasControl) & ~w | w) & highs != 0
    }

    /// Scans a string starting at its opening quote; returns one past the closing quote and whether it
    /// holds any escape. Validates escapes, control characters and UTF-8.
    @inline(__always)
    func scanString(_ quote: Int) throws(WebhookSignatureError) -> (end: Int, hasEscapes: Bool) {
        let p = buffer
        let n = p.count
        let base = UnsafeRawPointer(p.baseAddress!)
        var i = quote + 1
        var escaped = false
        while true {
            while i &+ 8 <= n && !Self.needsAttention(base.loadUnaligned(fromByteOffset: i, as: UInt64.self)) {
                i &+= 8
            }
            guard i < n else {
                throw JSONError.syntax(
                    n, "unexpected end of input in the string that starts at byte offset \(quote)")
            }
            let b = p[i]
            if b == ASCII.quote {
                return (i + 1, escaped)
            } else if b == ASCII.backslash {
                escaped = true
                i = try scanEscape(i)
            } else if b < 0x20 {
                throw JSONError.syntax(
                    i, "control character \(JSONError.hex(b)) must be escaped inside a string")
            } else if b < 0x80 {
                i += 1
            } else {
                i += try utf8SequenceLength(at: i)
            }
        }
    }

    /// Validates the escape whose backslash is at `i`; returns the index after it.
    private func scanEscape(_ i: Int) throws(WebhookSignatureError) -> Int {
        let p = buffer
        let n = p.count
        guard i + 1 < n else {
            throw JSONError.syntax(i + 1, "unexpected end of input in an escape sequence")
        }
        switch p[i + 1] {
        case ASCII.quote, ASCII.backslash, ASCII.slash,
            0x62 /* b */, 0x66 /* f */, 0x6E /* n */, 0x72 /* r */, 0x74 /* t */:
            return i + 2
        case ASCII.lowerU:
            for k in 2..<6 {
                guard i + k < n, hexValue(p[i + k]) != nil else {
                    throw JSONError.syntax(
                        i + k, "expected four hex digits after '\\u', found \(JSONError.describe(p, i + k))")
                }
            }
            return i + 6
        default:
            throw JSONError.syntax(i + 1, "invalid escape sequence '\\' followed by \(JSONError.describe(p, i + 1))")
        }
    }

    /// Validates the UTF-8 sequence whose first byte (>= 0x80) is at `i`; returns its length.
    private func utf8SequenceLength(at i: Int) throws(WebhookSignatureError) -> Int {
        let p = buffer
        let n = p.count
        let lead = p[i]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0x80...0xBF:
            throw JSONError.notUTF8(i, "unexpected continuation byte \(JSONError.hex(lead))")
        case 0xC0, 0xC1:
            throw JSONError.notUTF8(i, "overlong encoding (lead byte \(JSONError.hex(lead)))")
        case 0xC2...0xDF:
            length = 2
        case 0xE0:
            length = 3
            low = 0xA0  // rejects overlong three-byte forms
        case 0xED:
            length = 3
            high = 0x9F  // rejects UTF-8-encoded surrogates U+D800..U+DFFF
        case 0xE1...0xEF:
            length = 3
        case 0xF0:
            length = 4
            low = 0x90  // rejects overlong four-byte forms
        case 0xF4:
            length = 4
            high = 0x8F  // rejects code points above U+10FFFF
        case 0xF1...0xF3:
            length = 4
        default:
            throw JSONError.notUTF8(i, "byte \(JSONError.hex(lead)) never appears in UTF-8")
        }
        for k in 1..<length {
            let j = i + k
            guard j < n else {
                throw JSONError.notUTF8(j, "truncated sequence starting at byte offset \(i)")
            }
            let b = p[j]
            let (lo, hi): (UInt8, UInt8) = k == 1 ? (low, high) : (0x80, 0xBF)
            guard b >= lo && b <= hi else {
                if k == 1 && lead == 0xED && b >= 0xA0 && b <= 0xBF {
                    throw JSONError.notUTF8(i, "a surrogate code point encoded in UTF-8")
                }
                if k == 1 && (lead == 0xE0 || lead == 0xF0) && b >= 0x80 && b < low {
                    throw JSONError.notUTF8(i, "overlong encoding")
                }
                if k == 1 && lead == 0xF4 && b > 0x8F && b <= 0xBF {
                    throw JSONError.notUTF8(i, "code point above U+10FFFF")
                }
                throw JSONError.notUTF8(
                    j, "expected a continuation byte after lead byte \(JSONError.hex(lead)), found \(JSONError.hex(b))")
            }
        }
        return length
    }

    // MARK: Decoding strings

    /// Appends the unescaped UTF-8 of the already validated string token `start..<end` (quotes included).
    ///
    /// Throws ``WebhookSignatureError/Code/invalidJSON`` for a `\u` escape of a lone surrogate.
    func decodeString(start: Int, end: Int, into out: inout [UInt8]) throws(WebhookSignatureError) {
        let p = buffer
        var i = start + 1
        let last = end - 1  // the closing quote
        var runStart = i
        while i < last {
            if p[i] != ASCII.backslash {
                i += 1
                continue
            }
            if runStart < i {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: p[runStart..<i]))
            }
            let e = p[i + 1]
            switch e {
            case 0x62: out.append(0x08); i += 2
            case 0x66: out.append(0x0C); i += 2
            case 0x6E: out.append(0x0A); i += 2
            case 0x72: out.append(0x0D); i += 2
            case 0x74: out.append(0x09); i += 2
            case ASCII.lowerU:
                var scalar = readHex4(i + 2)
                if scalar >= 0xD800 && scalar <= 0xDBFF {
                    let next = i + 6
                    guard next + 6 <= last, p[next] == ASCII.backslash, p[next + 1] == ASCII.lowerU,
                        case let low = readHex4(next + 2), low >= 0xDC00 && low <= 0xDFFF
                    else {
                        throw JSONError.syntax(
                            i, "the escape of high surrogate \(Self.uPlus(scalar)) is not followed by a low surrogate escape")
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    i += 12
                } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
                    throw JSONError.syntax(
                        i, "the escape of low surrogate \(Self.uPlus(scalar)) does not follow a high surrogate escape")
                } else {
                    i += 6
                }
                appendUTF8(scalar, to: &out)
            default:  // '"', '\\', '/'
                out.append(e)
                i += 2
            }
            runStart = i
        }
        if runStart < last {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: p[runStart..<last]))
        }
    }

    private static func uPlus(_ value: UInt32) -> String {
        "U+" + String(value, radix: 16, uppercase: true)
    }

    /// Reads four hex digits of a `\u` escape; the scanner has already checked they are hex digits.
    @inline(__always)
    private func readHex4(_ i: Int) -> UInt32 {
        var value: UInt32 = 0
        for k in 0..<4 {
            value = value << 4 | UInt32(hexValue(buffer[i + k]) ?? 0)
        }
        return value
    }
}

@inline(__always)
func hexValue(_ b: UInt8) -> UInt8? {
    switch b {
    case 0x30...0x39: return b - 0x30
    case 0x41...0x46: return b - 0x41 + 10
    case 0x61...0x66: return b - 0x61 + 10
    default: return nil
    }
}

/// Appends the UTF-8 encoding of a Unicode scalar value (not a surrogate).
@inline(__always)
func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
    switch scalar {
    case 0..<0x80:
        out.append(UInt8(scalar))
    case 0x80..<0x800:
        out.append(UInt8(0xC0 | scalar >> 6))
        out.append(UInt8(0x80 | scalar & 0x3F))
    case 0x800..<0x10000:
        out.append(UInt8(0xE0 | scalar >> 12))
        out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
        out.append(UInt8(0x80 | scalar & 0x3F))
    default:
        out.append(UInt8(0xF0 | scalar >> 18))
        out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
        out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
        out.append(UInt8(0x80 | scalar & 0x3F))
    }
}

/// Appends `bytes` (valid UTF-8) as a JSON string with RFC 8785's minimal escaping: only `"`, `\` and
/// control characters are escaped (`\b \t \n \f \r` as two characters, others as `\u00xx`).
func appendEscapedJSONString(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
    out.append(ASCII.quote)
    var runStart = 0
    var i = 0
    let n = bytes.count
    while i < n {
        let b = bytes[i]
        if b >= 0x20 && b != ASCII.quote && b != ASCII.backslash {
            i += 1
            continue
        }
        if runStart < i {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
        }
        out.append(ASCII.backslash)
        switch b {
        case ASCII.quote: out.append(ASCII.quote)
        case ASCII.backslash: out.append(ASCII.backslash)
        case 0x08: out.append(0x62)
        case 0x09: out.append(0x74)
        case 0x0A: out.append(0x6E)
        case 0x0C: out.append(0x66)
        case 0x0D: out.append(0x72)
        default:
            let hexDigits: StaticString = "0123456789abcdef"
            out.append(ASCII.lowerU)
            out.append(ASCII.zero)
            out.append(ASCII.zero)
            out.append(hexDigits.utf8Start[Int(b >> 4)])
            out.append(hexDigits.utf8Start[Int(b & 0x0F)])
        }
        i += 1
        runStart = i
    }
    if runStart < n {
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<n]))
    }
    out.append(ASCII.quote)
}
