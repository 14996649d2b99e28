import Foundation
import Testing

@testable import WebhookSignature
@testable import WebhookSignatureTestSupport

/// Canonicalises text and returns the result as text (test inputs and outputs are UTF-8).
func canonical(_ text: String, _ mode: CanonicalMode, maxDepth: Int = Canonicalizer.defaultMaxDepth) throws -> String {
    String(decoding: try Canonicalizer.canonicalize(Array(text.utf8), mode: mode, maxDepth: maxDepth), as: UTF8.self)
}

/// The error `body` throws, or nil if it returns.
func thrownError(_ body: () throws -> Any) -> WebhookSignatureError? {
    do {
        _ = try body()
        return nil
    } catch let error as WebhookSignatureError {
        return error
    } catch {
        Issue.record("unexpected error type: \(error)")
        return nil
    }
}

/// The N in the first "byte offset N" of an error reason.
func byteOffset(in reason: String) -> Int? {
    guard let range = reason.range(of: "byte offset ") else { return nil }
    let digits = reason[range.upperBound...].prefix(while: { $0.isNumber })
    return Int(digits)
}

/// SplitMix64: a small seeded generator so property tests are repeatable.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A random JSON document as tokens: each scalar keeps its lexeme (escapes, number spelling) and the
/// value it stands for, so it can be written compactly or pretty-printed with the same lexemes.
indirect enum GeneratedJSON {
    case scalar(lexeme: String, value: JSONValue)
    case array([GeneratedJSON])
    case object([(nameLexeme: String, name: String, value: GeneratedJSON)])

    /// The value a parser must produce.
    var value: JSONValue {
        switch self {
        case .scalar(_, let value): return value
        case .array(let elements): return .array(elements.map(\.value))
        case .object(let members): return .object(members.map { JSONMember(name: $0.name, value: $0.value.value) })
        }
    }

    /// The text with no whitespace at all.
    var compactText: String {
        var out = ""
        var unused = SeededGenerator(seed: 0)
        write(to: &out, rng: &unused, pretty: false)
        return out
    }

    /// The text with random insignificant whitespace (space, tab, LF, CR) between tokens.
    func prettyText(using rng: inout SeededGenerator) -> String {
        var out = ""
        write(to: &out, rng: &rng, pretty: true)
        return out
    }

    private func write(to out: inout String, rng: inout SeededGenerator, pretty: Bool) {
        func space(_ out: inout String, _ rng: inout SeededGenerator) {
            guard pretty else { return }
            let choices = ["", " ", "\n  ", "\t", "\r\n", "   "]
            out += choices[Int(rng.next() % UInt64(choices.count))]
        }
        switch self {
        case .scalar(let lexeme, _):
            out += lexeme
        case .array(let elements):
            out += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { out += "," }
                space(&out, &rng)
                element.write(to: &out, rng: &rng, pretty: pretty)
                space(&out, &rng)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { out += "," }
                space(&out, &rng)
                out += member.nameLexeme
                space(&out, &rng)
                out += ":"
                space(&out, &rng)
                member.value.write(to: &out, rng: &rng, pretty: pretty)
                space(&out, &rng)
            }
            out += "}"
        }
    }

    // MARK: Generation

    static func random(depth: Int, using rng: inout SeededGenerator) -> GeneratedJSON {
        let roll = Int.random(in: 0..<10, using: &rng)
        if depth > 0 && roll < 2 {
            let count = Int.random(in: 0...5, using: &rng)
            return .array((0..<count).map { _ in random(depth: depth - 1, using: &rng) })
        }
        if depth > 0 && roll < 4 {
            let count = Int.random(in: 0...5, using: &rng)
            var seen = Set<[Unicode.Scalar]>()
            var members: [(nameLexeme: String, name: String, value: GeneratedJSON)] = []
            while members.count < count {
                let (lexeme, name) = randomString(using: &rng)
                guard seen.insert(Array(name.unicodeScalars)).inserted else { continue }
                members.append((lexeme, name, random(depth: depth - 1, using: &rng)))
            }
            return .object(members)
        }
        switch Int.random(in: 0..<6, using: &rng) {
        case 0:
            let (lexeme, text) = randomString(using: &rng)
            return .scalar(lexeme: lexeme, value: .string(text))
        case 1:
            let choice = Int.random(in: 0..<3, using: &rng)
            return [
                GeneratedJSON.scalar(lexeme: "true", value: .bool(true)),
                .scalar(lexeme: "false", value: .bool(false)),
                .scalar(lexeme: "null", value: .null),
            ][choice]
        default:
            let lexeme = randomNumber(using: &rng)
            return .scalar(lexeme: lexeme, value: .number(lexeme))
        }
    }

    static func randomNumber(using rng: inout SeededGenerator) -> String {
        var text = Bool.random(using: &rng) ? "-" : ""
        if Int.random(in: 0..<5, using: &rng) == 0 {
            text += "0"
        } else {
            text += String(Int.random(in: 1...9, using: &rng))
            for _ in 0..<Int.random(in: 0...20, using: &rng) { text += String(Int.random(in: 0...9, using: &rng)) }
        }
        if Bool.random(using: &rng) {
            text += "."
            for _ in 0..<Int.random(in: 1...12, using: &rng) { text += String(Int.random(in: 0...9, using: &rng)) }
        }
        if Int.random(in: 0..<3, using: &rng) == 0 {
            text += ["e", "E"].randomElement(using: &rng)!
            text += ["", "+", "-"].randomElement(using: &rng)!
            text += String(Int.random(in: 0...280, using: &rng))
        }
        return text
    }

    /// A string's lexeme (with a random mix of raw characters and escapes) and its decoded text.
    static func randomString(using rng: inout SeededGenerator) -> (lexeme: String, text: String) {
        let pool: [Unicode.Scalar] = [
            "a", "b", "Z", "0", " ", "\"", "\\", "/", "\u{0}", "\u{1}", "\u{8}", "\t", "\n", "\u{C}", "\r",
            "\u{1F}", "\u{7F}", "\u{80}", "é", "ö", "€", "\u{FB01}", "\u{E000}", "\u{FFFF}", "\u{D7FF}",
            "😀", "😂", "\u{10000}", "\u{10FFFF}", "\u{301}", "A",
        ]
        var lexeme = "\""
        var scalars = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...8, using: &rng) {
            let scalar = pool.randomElement(using: &rng)!
            scalars.append(scalar)
            let mustEscape = scalar.value < 0x20 || scalar == "\"" || scalar == "\\"
            let style = Int.random(in: 0..<3, using: &rng)
            if !mustEscape && style == 0 {
                lexeme.unicodeScalars.append(scalar)
            } else if style == 1, let short = shortEscape(scalar) {
                lexeme += short
            } else if !mustEscape && style == 2 && scalar.value >= 0x20 {
                lexeme.unicodeScalars.append(scalar)
            } else {
                lexeme += unicodeEscape(scalar, uppercase: Bool.random(using: &rng))
            }
        }
        lexeme += "\""
        return (lexeme, String(scalars))
    }

    static func shortEscape(_ scalar: Unicode.Scalar) -> String? {
        switch scalar {
        case "\"": return "\\\""
        case "\\": return "\\\\"
        case "/": return "\\/"
        case "\u{8}": return "\\b"
        case "\u{C}": return "\\f"
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        default: return nil
        }
    }

    static func unicodeEscape(_ scalar: Unicode.Scalar, uppercase: Bool) -> String {
        func hex4(_ unit: UInt16) -> String {
            let digits = String(unit, radix: 16, uppercase: uppercase)
            return "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
        }
        return String(scalar).utf16.map(hex4).joined()
    }
}

/// Pretty-prints valid compact JSON without touching any string or number lexeme: a newline and
/// indentation after `{`, `[` and `,`, before `}` and `]`, and a space after `:`.
func prettyPrinted(_ compact: [UInt8], indent: String = "  ") -> [UInt8] {
    var out: [UInt8] = []
    var level = 0
    var inString = false
    var escaped = false
    func newline() {
        out.append(0x0A)
        for _ in 0..<level { out.append(contentsOf: indent.utf8) }
    }
    for (index, byte) in compact.enumerated() {
        if inString {
            out.append(byte)
            if escaped { escaped = false } else if byte == 0x5C { escaped = true } else if byte == 0x22 { inString = false }
            continue
        }
        switch byte {
        case 0x22:
            inString = true
            out.append(byte)
        case 0x7B, 0x5B:
            out.append(byte)
            let next = index + 1 < compact.count ? compact[index + 1] : 0
            if next != 0x7D && next != 0x5D {
                level += 1
                newline()
            }
        case 0x7D, 0x5D:
            let previous = index > 0 ? compact[index - 1] : 0
            if previous != 0x7B && previous != 0x5B {
                level -= 1
                newline()
            }
            out.append(byte)
        case 0x2C:
            out.append(byte)
            newline()
        case 0x3A:
            out.append(contentsOf: [0x20, 0x3A, 0x20])
        default:
            out.append(byte)
        }
    }
    out.append(0x0A)
    return out
}

/// The byte offset named in an error's reason, if any.
func offsetOf(_ error: WebhookSignatureError?) -> Int? {
    guard let error else { return nil }
    return byteOffset(in: error.reason)
}
