/// Reads a few top-level members of a JSON object without building it: for log lines that name an
/// event (`id`, `name`) on a receiver's hot path. Package access: not public API.
package enum JSONPeek {
    /// The values of the wanted top-level members that are strings (unescaped) or numbers (as
    /// written); nil when `bytes` is not one JSON object (the strict grammar of the package).
    package static func scalars(in bytes: [UInt8], members wanted: [String]) -> [String: String]? {
        guard bytes.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) == UInt8(ascii: "{") else { return nil }
        return bytes.withUnsafeBufferPointer { buffer in
            let scanner = JSONScanner(buffer, maxDepth: Canonicalizer.defaultMaxDepth)
            var sink = Sink(scanner: scanner, wanted: wanted.map { Array($0.utf8) })
            do {
                try scanner.scan(into: &sink)
            } catch {
                return nil
            }
            return sink.found
        }
    }

    private struct Sink: JSONTokenSink {
        let scanner: JSONScanner
        let wanted: [[UInt8]]
        var depth = 0
        var pending: String? = nil
        var found: [String: String] = [:]

        mutating func beginArray(at offset: Int) { value(nil); depth += 1 }
        mutating func endArray(at offset: Int) { depth -= 1 }
        mutating func beginObject(at offset: Int) { value(nil); depth += 1 }
        mutating func endObject(at offset: Int) { depth -= 1 }

        mutating func memberName(start: Int, end: Int, hasEscapes: Bool) throws(WebhookSignatureError) {
            guard depth == 1 else { return }
            var name: [UInt8] = []
            if hasEscapes {
                try scanner.decodeString(start: start, end: end, into: &name)
            } else {
                name = Array(scanner.buffer[(start + 1)..<(end - 1)])
            }
            pending = wanted.contains(name) ? String(decoding: name, as: UTF8.self) : nil
        }

        mutating func string(start: Int, end: Int, hasEscapes: Bool) throws(WebhookSignatureError) {
            guard depth == 1, pending != nil else { return }
            var text: [UInt8] = []
            if hasEscapes {
                try scanner.decodeString(start: start, end: end, into: &text)
            } else {
                text = Array(scanner.buffer[(start + 1)..<(end - 1)])
            }
            value(String(decoding: text, as: UTF8.self))
        }

        mutating func number(start: Int, end: Int, isInteger: Bool) {
            guard depth == 1, pending != nil else { return }
            value(String(decoding: scanner.buffer[start..<end], as: UTF8.self))
        }

        mutating func literal(start: Int, end: Int) { value(nil) }

        /// The value of the member just named (nil: not a string or number).
        private mutating func value(_ text: String?) {
            guard depth == 1, let name = pending else { return }
            if let text { found[name] = text }
            pending = nil
        }
    }
}
