/// Compact mode: validate one strict JSON value and drop the whitespace outside strings.
///
/// Member order, duplicate names, strings (escapes as written) and number lexemes are kept byte for
/// byte. One pass over the input writes straight into an output buffer sized to the input, since the
/// output is never longer.
enum CompactJSON {
    static func compact(_ input: UnsafeBufferPointer<UInt8>, maxDepth: Int) throws(WebhookSignatureError) -> [UInt8] {
        guard let source = input.baseAddress, input.count > 0 else {
            throw JSONError.syntax(0, "expected a JSON value, found end of input")
        }
        var failure: WebhookSignatureError? = nil
        let output = [UInt8](unsafeUninitializedCapacity: input.count) { output, initializedCount in
            var writer = Writer(source: source, output: output.baseAddress!)
            do throws(WebhookSignatureError) {
                try JSONScanner(input, maxDepth: maxDepth).scan(into: &writer)
                initializedCount = writer.length
            } catch {
                failure = error
                initializedCount = 0
            }
        }
        if let failure { throw failure }
        return output
    }

    /// Copies every token to the output; whitespace never reaches it.
    struct Writer: JSONTokenSink {
        let source: UnsafePointer<UInt8>
        let output: UnsafeMutablePointer<UInt8>
        var length = 0

        init(source: UnsafePointer<UInt8>, output: UnsafeMutablePointer<UInt8>) {
            self.source = source
            self.output = output
        }

        @inline(__always)
        mutating func put(_ byte: UInt8) {
            output[length] = byte
            length &+= 1
        }

        @inline(__always)
        mutating func copy(_ start: Int, _ end: Int) {
            let count = end &- start
            (output + length).initialize(from: source + start, count: count)
            length &+= count
        }

        @inline(__always) mutating func beginArray(at offset: Int) { put(ASCII.openBracket) }
        @inline(__always) mutating func endArray(at offset: Int) { put(ASCII.closeBracket) }
        @inline(__always) mutating func beginObject(at offset: Int) { put(ASCII.openBrace) }
        @inline(__always) mutating func endObject(at offset: Int) { put(ASCII.closeBrace) }
        @inline(__always) mutating func nameSeparator() { put(ASCII.colon) }
        @inline(__always) mutating func valueSeparator() { put(ASCII.comma) }

        @inline(__always)
        mutating func memberName(start: Int, end: Int, hasEscapes: Bool) { copy(start, end) }

        @inline(__always)
        mutating func string(start: Int, end: Int, hasEscapes: Bool) { copy(start, end) }

        @inline(__always)
        mutating func number(start: Int, end: Int, isInteger: Bool) { copy(start, end) }

        @inline(__always)
        mutating func literal(start: Int, end: Int) { copy(start, end) }
    }
}
