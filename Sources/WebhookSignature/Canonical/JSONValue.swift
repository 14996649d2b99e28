/// A parsed JSON value that keeps member order, duplicate names and number lexemes as written.
///
/// Use it to read small JSON documents such as JWK keys, keyring files and event envelopes
/// (`parse(_:maxDepth:)`), and to write them back as compact JSON (``compactBytes()``).
///
/// Equality and hashing are structural and follow Swift's `String` rules for names and strings
/// (canonically equivalent Unicode compares equal); numbers compare by lexeme, so `1.0 != 1`.
package enum JSONValue: Sendable, Hashable {
    /// The literal `null`.
    ///
    /// Use it for a member that is present but empty; ``isNull`` tests for it.
    case null
    /// The literal `true` or `false`.
    ///
    /// Use it for flags; ``boolValue`` reads it.
    case bool(Bool)
    /// A number, as its lexeme exactly as written (for example `"1.50"` or `"-2e10"`).
    ///
    /// Use it to keep a number's digits exactly; when building a value, the lexeme must be a valid JSON number.
    case number(String)
    /// A string, unescaped.
    ///
    /// Use it for text members such as key ids and base64url key parts; ``stringValue`` reads it.
    case string(String)
    /// An array, in order.
    ///
    /// Use it for lists such as a keyring's keys; ``arrayValue`` reads it.
    case array([JSONValue])
    /// An object's members, in document order, duplicates kept.
    ///
    /// Use it for records; ``subscript(member:)`` finds a member and ``objectMembers`` lists them.
    case object([JSONMember])
}

/// One member of a JSON object: a name and a value.
///
/// Use it to read or build ``JSONValue/object(_:)`` values, which keep members in order and may repeat names.
package struct JSONMember: Sendable, Hashable {
    /// The member's name, unescaped.
    ///
    /// Use it to match members by name; it is written back with minimal escaping.
    package var name: String
    /// The member's value.
    ///
    /// Use it to read or replace what the member holds.
    package var value: JSONValue

    /// Creates a member from a name and a value.
    ///
    /// Use it to build objects to write, for example a keyring entry.
    package init(name: String, value: JSONValue) {
        self.name = name
        self.value = value
    }
}

extension JSONValue {
    /// Parses one strict RFC 8259 JSON value from UTF-8 bytes.
    ///
    /// Use it to read JSON whose structure matters (JWK keys, keyring files); use
    /// ``Canonicalizer/canonicalize(_:mode:maxDepth:)`` to canonicalise a body for signing.
    /// The grammar and errors are those of ``CanonicalMode/compact`` (a member name given twice in one object is refused), except
    /// that a `\u` escape of a lone surrogate is ``WebhookSignatureError/Code/invalidJSON``, since a Swift
    /// `String` cannot hold it.
    /// - Parameters:
    ///   - bytes: The UTF-8 JSON text.
    ///   - maxDepth: How many levels arrays and objects may nest, at most 10,000: Swift destroys and
    ///     compares nested values recursively, so deeper values could exhaust a thread's stack.
    /// - Throws: ``WebhookSignatureError`` with code `invalidJSON`, `notUTF8` or `nestingTooDeep` (the
    ///   reason naming the byte offset), or `invalidArgument` for a `maxDepth` below 0 or above 10,000.
    package static func parse(
        _ bytes: some Collection<UInt8>,
        maxDepth: Int = Canonicalizer.defaultMaxDepth
    ) throws(WebhookSignatureError) -> JSONValue {
        try JSONScanner.checkMaxDepth(maxDepth)
        if maxDepth > maxParseDepth {
            throw WebhookSignatureError(
                .invalidArgument, "maxDepth \(maxDepth) is above \(maxParseDepth), the most JSONValue.parse supports")
        }
        return try withContiguousBytes(bytes) { (buffer) throws(WebhookSignatureError) in
            guard buffer.count > 0 else {
                throw JSONError.syntax(0, "expected a JSON value, found end of input")
            }
            let scanner = JSONScanner(buffer, maxDepth: maxDepth)
            var builder = ValueBuilder(scanner: scanner)
            try scanner.scan(into: &builder)
            return builder.result!
        }
    }

    /// The largest `maxDepth` that ``parse(_:maxDepth:)`` accepts (Canonicalizer has no such limit).
    static let maxParseDepth = 10_000

    /// Parses one strict RFC 8259 JSON value from a string's UTF-8.
    ///
    /// Use it for JSON held as text, such as a JWK pasted on a command line.
    /// - Throws: ``WebhookSignatureError`` as the byte-based `parse` does.
    package static func parse(_ text: String, maxDepth: Int = Canonicalizer.defaultMaxDepth) throws(WebhookSignatureError) -> JSONValue {
        try parse(Array(text.utf8), maxDepth: maxDepth)
    }

    /// The value of the first member named `name`, compared by exact Unicode scalars; nil if this is not
    /// an object or has no such member.
    ///
    /// Use it to read a known member, for example `jwk[member: "kty"]?.stringValue`.
    package subscript(member name: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        for member in members where member.name.unicodeScalars.elementsEqual(name.unicodeScalars) {
            return member.value
        }
        return nil
    }

    /// The string, if this is a string.
    ///
    /// Use it to read a member that must be a string; nil means it is missing or of another type.
    package var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The Boolean, if this is `true` or `false`.
    ///
    /// Use it to read a flag; nil means the value is of another type.
    package var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The number's lexeme as written, if this is a number.
    ///
    /// Use it to read a number without losing digits; convert it with `Int(_:)` or `Double(_:)` as needed.
    package var numberLexeme: String? {
        if case .number(let lexeme) = self { return lexeme }
        return nil
    }

    /// The elements, if this is an array.
    ///
    /// Use it to iterate a list such as a keyring's keys.
    package var arrayValue: [JSONValue]? {
        if case .array(let values) = self { return values }
        return nil
    }

    /// The members in document order (duplicates kept), if this is an object.
    ///
    /// Use it to iterate an object or to check for unknown or repeated members.
    package var objectMembers: [JSONMember]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// Whether this is `null`.
    ///
    /// Use it to tell an explicit `null` member from a missing one (which ``subscript(member:)`` reports as nil).
    package var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// Writes the value as compact UTF-8 JSON: no whitespace, members in order, strings with RFC 8785's
    /// minimal escaping, numbers as their lexemes.
    ///
    /// Use it to write JSON files such as keyrings. A ``number(_:)`` lexeme is written as is, so it must
    /// be a valid JSON number for the output to be valid JSON. Deep values are written without recursion.
    package func compactBytes() -> [UInt8] {
        var out: [UInt8] = []
        enum Frame {
            case array([JSONValue], Int)
            case object([JSONMember], Int)
        }
        var stack: [Frame] = []
        var current: JSONValue = self
        func writeString(_ text: String, _ out: inout [UInt8]) {
            var text = text
            text.withUTF8 { appendEscapedJSONString($0, to: &out) }
        }
        while true {
            switch current {
            case .null:
                out.append(contentsOf: "null".utf8)
            case .bool(let value):
                out.append(contentsOf: (value ? "true" : "false").utf8)
            case .number(let lexeme):
                out.append(contentsOf: lexeme.utf8)
            case .string(let text):
                writeString(text, &out)
            case .array(let values):
                out.append(ASCII.openBracket)
                if let first = values.first {
                    stack.append(.array(values, 0))
                    current = first
                    continue
                }
                out.append(ASCII.closeBracket)
            case .object(let members):
                out.append(ASCII.openBrace)
                if let first = members.first {
                    stack.append(.object(members, 0))
                    writeString(first.name, &out)
                    out.append(ASCII.colon)
                    current = first.value
                    continue
                }
                out.append(ASCII.closeBrace)
            }
            // `current` is written: find the next element, closing finished containers.
            var next: JSONValue? = nil
            while next == nil, let top = stack.popLast() {
                switch top {
                case .array(let values, let index):
                    if index + 1 < values.count {
                        out.append(ASCII.comma)
                        stack.append(.array(values, index + 1))
                        next = values[index + 1]
                    } else {
                        out.append(ASCII.closeBracket)
                    }
                case .object(let members, let index):
                    if index + 1 < members.count {
                        out.append(ASCII.comma)
                        stack.append(.object(members, index + 1))
                        writeString(members[index + 1].name, &out)
                        out.append(ASCII.colon)
                        next = members[index + 1].value
                    } else {
                        out.append(ASCII.closeBrace)
                    }
                }
            }
            guard let next else { return out }
            current = next
        }
    }
}

/// Builds a ``JSONValue`` from scanner tokens with an explicit stack of open containers.
struct ValueBuilder: JSONTokenSink {
    struct Frame {
        var isObject: Bool
        var values: [JSONValue] = []
        var members: [JSONMember] = []
        var name: String = ""
    }

    let scanner: JSONScanner
    var frames: [Frame] = []
    var result: JSONValue? = nil
    var scratch: [UInt8] = []

    init(scanner: JSONScanner) {
        self.scanner = scanner
    }

    private mutating func add(_ value: JSONValue) {
        guard !frames.isEmpty else {
            result = value
            return
        }
        let top = frames.count - 1
        if frames[top].isObject {
            frames[top].members.append(JSONMember(name: frames[top].name, value: value))
        } else {
            frames[top].values.append(value)
        }
    }

    private mutating func decode(start: Int, end: Int, hasEscapes: Bool) throws(WebhookSignatureError) -> String {
        if !hasEscapes {
            return String(decoding: UnsafeBufferPointer(rebasing: scanner.buffer[start + 1..<end - 1]), as: UTF8.self)
        }
        scratch.removeAll(keepingCapacity: true)
        try scanner.decodeString(start: start, end: end, into: &scratch)
        return String(decoding: scratch, as: UTF8.self)
    }

    mutating func beginArray(at offset: Int) { frames.append(Frame(isObject: false)) }
    mutating func beginObject(at offset: Int) { frames.append(Frame(isObject: true)) }

    mutating func endArray(at offset: Int) {
        let frame = frames.removeLast()
        add(.array(frame.values))
    }

    mutating func endObject(at offset: Int) {
        let frame = frames.removeLast()
        add(.object(frame.members))
    }

    mutating func memberName(start: Int, end: Int, hasEscapes: Bool) throws(WebhookSignatureError) {
        frames[frames.count - 1].name = try decode(start: start, end: end, hasEscapes: hasEscapes)
    }

    mutating func string(start: Int, end: Int, hasEscapes: Bool) throws(WebhookSignatureError) {
        add(.string(try decode(start: start, end: end, hasEscapes: hasEscapes)))
    }

    mutating func number(start: Int, end: Int, isInteger: Bool) {
        add(.number(String(decoding: UnsafeBufferPointer(rebasing: scanner.buffer[start..<end]), as: UTF8.self)))
    }

    mutating func literal(start: Int, end: Int) {
        switch scanner.buffer[start] {
        case ASCII.lowerT: add(.bool(true))
        case ASCII.lowerF: add(.bool(false))
        default: add(.null)
        }
    }
}
