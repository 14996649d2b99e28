/// RFC 8785 JSON Canonicalization Scheme.
///
/// The scanner's tokens build a flat tree (no recursion, no per-node allocation): each object's members
/// are sorted by their names' UTF-16 code units when the object closes, and the tree is then written
/// out with an explicit stack. Strings are re-escaped minimally, numbers go through IEEE 754 doubles and
/// ECMAScript formatting, and duplicate member names are refused.
enum JCS {
    static func canonicalize(_ input: UnsafeBufferPointer<UInt8>, maxDepth: Int) throws(WebhookSignatureError) -> [UInt8] {
        guard input.count > 0 else {
            throw JSONError.syntax(0, "expected a JSON value, found end of input")
        }
        let scanner = JSONScanner(input, maxDepth: maxDepth)
        var builder = Builder(scanner: scanner)
        try scanner.scan(into: &builder)
        return builder.write()
    }

    // MARK: Name order

    /// Compares two UTF-8 strings by their UTF-16 code units: -1, 0 or 1.
    ///
    /// UTF-8 byte order is code point order, which is UTF-16 order except that a code point above
    /// U+FFFF (a surrogate pair, 0xD800…) sorts before U+E000…U+FFFF. At the first differing byte both
    /// strings are at the same position within the same code point (the prefix is equal), so only
    /// lead bytes F0–F4 against EE/EF need the swap.
    static func compareUTF16(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        let n = Swift.min(a.count, b.count)
        var i = 0
        while i < n {
            let x = a[i]
            let y = b[i]
            if x != y {
                if x >= 0xF0 && (y == 0xEE || y == 0xEF) { return -1 }
                if y >= 0xF0 && (x == 0xEE || x == 0xEF) { return 1 }
                return x < y ? -1 : 1
            }
            i += 1
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    // MARK: Tree

    struct Node {
        enum Kind: UInt8 {
            /// Bytes of the input copied verbatim (literals, short integers).
            case sourceVerbatim
            /// Bytes of `extra` copied verbatim (formatted numbers).
            case extraVerbatim
            /// A string without escapes: its contents (no quotes) in the input, written as is.
            case plainString
            /// A string with escapes: its decoded UTF-8 in `extra`, re-escaped on output.
            case decodedString
            /// `count` node indices in `children` from `start`.
            case array
            /// `count` (name, value) node index pairs in `children` from `start`.
            case object
        }

        var kind: Kind
        var start: Int
        var count: Int
        /// Where the token starts in the input (for error messages).
        var offset: Int
    }

    struct Builder: JSONTokenSink {
        let scanner: JSONScanner
        var nodes: [Node] = []
        var extra: [UInt8] = []
        var children: [Int] = []
        /// Completed nodes not yet attached to a container; for objects, names and values alternate.
        var pending: [Int] = []
        /// For each open container, where its elements start in `pending`.
        var frames: [Int] = []

        init(scanner: JSONScanner) {
            self.scanner = scanner
            let estimate = scanner.buffer.count / 8
            nodes.reserveCapacity(estimate)
            children.reserveCapacity(estimate)
        }

        @inline(__always)
        private mutating func add(_ node: Node) {
            pending.append(nodes.count)
            nodes.append(node)
        }

        mutating func beginArray(at offset: Int) { frames.append(pending.count) }
        mutating func beginObject(at offset: Int) { frames.append(pending.count) }

        mutating func endArray(at offset: Int) {
            let first = frames.removeLast()
            let start = children.count
            children.append(contentsOf: pending[first...])
            let count = pending.count - first
            pending.removeSubrange(first...)
            add(Node(kind: .array, start: start, count: count, offset: offset))
        }

        mutating func endObject(at offset: Int) throws(WebhookSignatureError) {
            let first = frames.removeLast()
            var members: [(name: Int, value: Int)] = []
            members.reserveCapacity((pending.count - first) / 2)
            var i = first
            while i < pending.count {
                members.append((pending[i], pending[i + 1]))
                i += 2
            }
            pending.removeSubrange(first...)

            // Duplicate names were refused by the scanner; equal names cannot meet here.
            if members.count > 1 {
                let source = scanner.buffer
                extra.withUnsafeBufferPointer { extraBytes in
                    nodes.withUnsafeBufferPointer { nodeList in
                        func name(_ index: Int) -> UnsafeBufferPointer<UInt8> {
                            let node = nodeList[index]
                            let base = node.kind == .plainString ? source : extraBytes
                            return UnsafeBufferPointer(rebasing: base[node.start..<node.start + node.count])
                        }
                        members.sort { a, b in compareUTF16(name(a.name), name(b.name)) < 0 }
                    }
                }
            }
            let start = children.count
            for member in members {
                children.append(member.name)
                children.append(member.value)
            }
            add(Node(kind: .object, start: start, count: members.count, offset: offset))
        }

        mutating func memberName(start: Int, end: Int, hasEscapes: Bool) throws(WebhookSignatureError) {
            try string(start: start, end: end, hasEscapes: hasEscapes)
        }

        mutating func string(start: Int, end: Int, hasEscapes: Bool) throws(WebhookSignatureError) {
            if hasEscapes {
                let first = extra.count
                try scanner.decodeString(start: start, end: end, into: &extra)
                add(Node(kind: .decodedString, start: first, count: extra.count - first, offset: start))
            } else {
                add(Node(kind: .plainString, start: start + 1, count: end - start - 2, offset: start))
            }
        }

        mutating func number(start: Int, end: Int, isInteger: Bool) throws(WebhookSignatureError) {
            let source = scanner.buffer
            let length = end - start
            let negative = source[start] == ASCII.minus
            if isInteger && length - (negative ? 1 : 0) <= 15 {
                // Exact as a double and below 1e21: ECMAScript writes the digits as they are, but -0 is 0.
                if negative && length == 2 && source[start + 1] == ASCII.zero {
                    add(Node(kind: .sourceVerbatim, start: start + 1, count: 1, offset: start))
                } else {
                    add(Node(kind: .sourceVerbatim, start: start, count: length, offset: start))
                }
                return
            }
            let lexeme = String(decoding: UnsafeBufferPointer(rebasing: source[start..<end]), as: UTF8.self)
            guard let value = Double(lexeme), value.isFinite else {
                throw WebhookSignatureError(
                    .invalidNumber,
                    "number \(lexeme.count > 40 ? String(lexeme.prefix(40)) + "…" : lexeme) at byte offset \(start) is outside the range of an IEEE 754 double")
            }
            let first = extra.count
            ECMAScriptNumber.append(value, to: &extra)
            add(Node(kind: .extraVerbatim, start: first, count: extra.count - first, offset: start))
        }

        mutating func literal(start: Int, end: Int) {
            add(Node(kind: .sourceVerbatim, start: start, count: end - start, offset: start))
        }

        // MARK: Output

        /// Writes the finished tree depth first with an explicit stack.
        func write() -> [UInt8] {
            precondition(pending.count == 1 && frames.isEmpty, "JCS tree is incomplete")
            var out: [UInt8] = []
            out.reserveCapacity(scanner.buffer.count)
            let source = scanner.buffer
            // Open containers: node index and the position of the element being written.
            var stack: [(node: Int, position: Int)] = []
            var current = pending[0]
            while true {
                // Write `current`, or open it.
                let node = nodes[current]
                var opened = false
                switch node.kind {
                case .sourceVerbatim:
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: source[node.start..<node.start + node.count]))
                case .extraVerbatim:
                    out.append(contentsOf: extra[node.start..<node.start + node.count])
                case .plainString, .decodedString:
                    writeString(node, to: &out)
                case .array:
                    out.append(ASCII.openBracket)
                    if node.count == 0 {
                        out.append(ASCII.closeBracket)
                    } else {
                        stack.append((current, 0))
                        current = children[node.start]
                        opened = true
                    }
                case .object:
                    out.append(ASCII.openBrace)
                    if node.count == 0 {
                        out.append(ASCII.closeBrace)
                    } else {
                        stack.append((current, 0))
                        writeString(nodes[children[node.start]], to: &out)
                        out.append(ASCII.colon)
                        current = children[node.start + 1]
                        opened = true
                    }
                }
                if opened { continue }
                // `current` is complete: move to the next element, closing finished containers.
                var next: Int? = nil
                while next == nil, let top = stack.last {
                    let container = nodes[top.node]
                    let position = top.position + 1
                    if position < container.count {
                        stack[stack.count - 1].position = position
                        out.append(ASCII.comma)
                        if container.kind == .array {
                            next = children[container.start + position]
                        } else {
                            writeString(nodes[children[container.start + 2 * position]], to: &out)
                            out.append(ASCII.colon)
                            next = children[container.start + 2 * position + 1]
                        }
                    } else {
                        out.append(container.kind == .array ? ASCII.closeBracket : ASCII.closeBrace)
                        stack.removeLast()
                    }
                }
                guard let next else { return out }
                current = next
            }
        }

        @inline(__always)
        private func writeString(_ node: Node, to out: inout [UInt8]) {
            if node.kind == .plainString {
                // No escapes in the input means nothing to escape: copy it with its quotes.
                out.append(
                    contentsOf: UnsafeBufferPointer(rebasing: scanner.buffer[node.start - 1..<node.start + node.count + 1]))
            } else {
                extra.withUnsafeBufferPointer { bytes in
                    appendEscapedJSONString(UnsafeBufferPointer(rebasing: bytes[node.start..<node.start + node.count]), to: &out)
                }
            }
        }
    }
}
