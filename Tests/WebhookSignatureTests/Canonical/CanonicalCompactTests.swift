import Foundation
import Testing

@testable import WebhookSignature
@testable import WebhookSignatureTestSupport

@Suite("Canonical: compact mode")
struct CanonicalCompactTests {
    static let delivery =
        #"{"id":"evt_1","type":"order.paid","data":{"amount":1250,"price":"12.50 EUR","note":"two  spaces, a tab\tand \"quotes\" \u00e9 \/","rate":1.50,"big":1E+2,"tags":[],"meta":{},"items":[{"sku":"A 1","qty":2},{"sku":"B\\2","qty":-0.0}]},"dup":1,"dup2":2,"ok":true,"none":null,"emoji":"😀"}"#

    @Test("a pretty-printed copy compacts back to the original delivery byte for byte")
    func prettyRoundTrip() throws {
        let original = Array(Self.delivery.utf8)
        for indent in ["  ", "\t", "    "] {
            let pretty = prettyPrinted(original, indent: indent)
            #expect(pretty.count > original.count)
            #expect(try Canonicalizer.canonicalize(pretty, mode: .compact) == original)
        }
        #expect(try Canonicalizer.canonicalize(original, mode: .compact) == original)
        // CRLF line ends too.
        let crlf = String(decoding: prettyPrinted(original), as: UTF8.self).replacingOccurrences(of: "\n", with: "\r\n")
        #expect(try canonical(crlf, .compact) == Self.delivery)
    }

    @Test("the real Fluent webhook body survives pretty-printing", .enabled(if: Vectors.available, Vectors.skipNote))
    func fluentBody() throws {
        let body = try Vectors.bytes("fluent/real-webhook-body.json")
        #expect(try Canonicalizer.canonicalize(body, mode: .compact) == body)
        #expect(try Canonicalizer.canonicalize(prettyPrinted(body), mode: .compact) == body)
    }

    @Test("strings, escapes and numbers are kept exactly as written; a member named twice is refused")
    func lexemesKept() throws {
        #expect(try canonical(#"[ "a b" , "\u00E9\n\/" , 1.50 , 1E+2 , -0 , 0.0e-0 ]"#, .compact) == #"["a b","\u00E9\n\/",1.50,1E+2,-0,0.0e-0]"#)
        #expect(try canonical(#"{ "b" : 1 , "a" : 2 }"#, .compact) == #"{"b":1,"a":2}"#)
        #expect(thrownError { try canonical(#"{ "b" : 1 , "a" : 2 , "b" : 3 }"#, .compact) }?.code == .invalidJSON)
        #expect(try canonical("  \"  spaces  inside  \"  ", .compact) == "\"  spaces  inside  \"")
        #expect(try canonical(" \t\r\n42\n", .compact) == "42")
        #expect(try canonical("[ true , false , null , [ ] , { } ]", .compact) == "[true,false,null,[],{}]")
    }

    @Test("raw mode returns the body unchanged, even when it is not JSON")
    func rawMode() throws {
        for body in ["", " { \"a\" : 1 } ", "not json", "\u{FEFF}[]"] {
            #expect(try Canonicalizer.canonicalize(Array(body.utf8), mode: .raw) == Array(body.utf8))
        }
        #expect(try Canonicalizer.canonicalize([0xFF, 0x00], mode: .raw) == [0xFF, 0x00])
    }

    @Test("any collection of bytes is accepted, contiguous or not")
    func collections() throws {
        let text = #" { "a" : [ 1 , 2 ] } "#
        let expected = Array(#"{"a":[1,2]}"#.utf8)
        #expect(try Canonicalizer.canonicalize(Data(text.utf8), mode: .compact) == expected)
        #expect(try Canonicalizer.canonicalize(Array(text.utf8)[1...], mode: .compact) == expected)
        #expect(try Canonicalizer.canonicalize(text.utf8, mode: .compact) == expected)
        #expect(try Canonicalizer.canonicalize(Array(text.utf8).lazy.map { $0 }, mode: .compact) == expected)
        #expect(try Canonicalizer.canonicalize(Array(text.utf8).lazy.map { $0 }, mode: .jcs) == expected)
    }

    @Test(
        "invalid JSON is invalidJSON with the byte offset of the problem",
        arguments: [
            ("", 0), ("   ", 3), ("[1,]", 3), ("[1,2", 4), (#"{"a":1,}"#, 7), (#"{"a" 1}"#, 5), ("{a:1}", 1),
            ("01", 1), ("-01", 2), ("1.", 2), ("1.e5", 2), ("1e", 2), ("1e+", 3), ("-", 1), ("+1", 0), (".5", 0),
            ("[1 2]", 3), ("tru", 3), ("trUe", 2), ("nul", 3), ("NaN", 0), ("Infinity", 0), ("-Infinity", 1),
            ("[1]]", 3), ("1 2", 2), ("// c\n1", 0), ("/* c */ 1", 0), ("[1,/*x*/2]", 3), ("\"abc", 4),
            ("\"a\u{1}b\"", 2), ("\"tab\there\"", 4), ("\"nl\nx\"", 3), ("\"\\x\"", 2), ("\"\\u12G4\"", 5),
            ("\"\\u12\"", 5), ("\"\\", 2), ("\u{FEFF}{}", 0), ("\u{A0}1", 0), ("[1,\u{0B}2]", 3), ("\u{C}1", 0),
            (#"{"a":1 "b":2}"#, 7), (#"["a":1]"#, 4), (#"{"a"}"#, 4), ("{,}", 1), ("[,1]", 1), ("'a'", 0),
            ("\"a\"\u{0}", 3), ("[\"a\",]", 5), ("{\"a\":}", 5), ("{\"a\":1,,}", 7), ("[01]", 2), ("0x10", 1),
            ("1.5e3.2", 5), ("é", 0), ("{\"é\":1} é", 9), ("[true false]", 6),
        ] as [(String, Int)])
    func invalid(_ input: String, _ offset: Int) {
        for mode in [CanonicalMode.compact, .jcs] {
            let error = thrownError { try canonical(input, mode) }
            #expect(error?.code == .invalidJSON, "\(mode) \(input.debugDescription): \(String(describing: error))")
            #expect(
                offsetOf(error) == offset,
                "\(mode) \(input.debugDescription): \(String(describing: error))")
        }
        #expect(thrownError { try JSONValue.parse(input) }?.code == .invalidJSON)
    }

    @Test("error reasons say what was found")
    func reasons() {
        #expect(thrownError { try canonical("[1,]", .compact) }?.reason == "invalid JSON at byte offset 3: expected a JSON value, found ']'")
        #expect(thrownError { try canonical("{\"a\":1 x", .compact) }?.reason == "invalid JSON at byte offset 7: expected ',' or '}', found 'x'")
        #expect(thrownError { try canonical("01", .compact) }?.reason == "invalid JSON at byte offset 1: a number must not have a leading zero")
        #expect(thrownError { try canonical("\u{FEFF}1", .compact) }?.reason.contains("byte order mark") == true)
        #expect(thrownError { try canonical("[1", .compact) }?.reason == "invalid JSON at byte offset 2: expected ',' or ']', found end of input")
    }

    @Test(
        "malformed UTF-8 inside a string is notUTF8 with the byte offset",
        arguments: [
            ([0x22, 0x80, 0x22], 1),  // stray continuation byte
            ([0x22, 0xC0, 0xAF, 0x22], 1),  // overlong two-byte form of '/'
            ([0x22, 0xC1, 0xBF, 0x22], 1),  // overlong
            ([0x22, 0xE0, 0x80, 0xAF, 0x22], 1),  // overlong three-byte form
            ([0x22, 0xE0, 0x9F, 0xBF, 0x22], 1),  // overlong three-byte form of U+07FF
            ([0x22, 0xED, 0xA0, 0x80, 0x22], 1),  // U+D800 encoded in UTF-8
            ([0x22, 0xED, 0xBF, 0xBF, 0x22], 1),  // U+DFFF encoded in UTF-8
            ([0x22, 0xF0, 0x80, 0x80, 0xAF, 0x22], 1),  // overlong four-byte form
            ([0x22, 0xF0, 0x8F, 0xBF, 0xBF, 0x22], 1),  // overlong four-byte form of U+FFFF
            ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 1),  // above U+10FFFF
            ([0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], 1),
            ([0x22, 0xFF, 0x22], 1),
            ([0x22, 0xC3, 0x22], 2),  // missing continuation byte
            ([0x22, 0xE2, 0x82, 0x22], 3),
            ([0x22, 0xF0, 0x9F, 0x98, 0x41, 0x22], 4),
            ([0x22, 0xC3], 2),  // truncated at end of input
            ([0x22, 0x61, 0xE2, 0x82], 4),
            ([0x5B, 0x22, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0xC3, 0x28, 0x22, 0x5D], 13),
        ] as [([UInt8], Int)])
    func invalidUTF8(_ bytes: [UInt8], _ offset: Int) {
        for mode in [CanonicalMode.compact, .jcs] {
            let error = thrownError { try Canonicalizer.canonicalize(bytes, mode: mode) }
            #expect(error?.code == .notUTF8, "\(mode) \(bytes): \(String(describing: error))")
            #expect(offsetOf(error) == offset, "\(mode) \(bytes): \(String(describing: error))")
        }
        #expect(thrownError { try JSONValue.parse(bytes) }?.code == .notUTF8)
    }

    @Test("a non-ASCII byte outside a string is a syntax error, not a UTF-8 error")
    func nonASCIIOutsideStrings() {
        for bytes: [UInt8] in [[0xC3, 0xA9], [0x5B, 0x31, 0x80, 0x5D], [0xFF]] {
            #expect(thrownError { try Canonicalizer.canonicalize(bytes, mode: .compact) }?.code == .invalidJSON)
        }
    }

    @Test("UTF-8 at every boundary of the valid ranges is accepted and kept")
    func validUTF8Boundaries() throws {
        let scalars: [UInt32] = [0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x10FFFF]
        let text = "\"" + String(String.UnicodeScalarView(scalars.map { Unicode.Scalar($0)! })) + "\""
        #expect(try canonical(text, .compact) == text)
        #expect(try canonical(text, .jcs) == text)
        #expect(try JSONValue.parse(text).stringValue?.unicodeScalars.map(\.value) == scalars)
    }

    @Test("the word-at-a-time string scan finds special bytes at every position")
    func specialBytesAtEveryPosition() throws {
        for position in 0..<40 {
            var good = Array(repeating: UInt8(ascii: "a"), count: 40)
            good[position] = 0xC3
            good.insert(0xA9, at: position + 1)  // é
            let text: [UInt8] = [0x22] + good + [0x22]
            #expect(try Canonicalizer.canonicalize(text, mode: .compact) == text)

            var control = Array(repeating: UInt8(ascii: "a"), count: 40)
            control[position] = 0x1F
            let error = thrownError { try Canonicalizer.canonicalize([0x22] + control + [0x22], mode: .compact) }
            #expect(error?.code == .invalidJSON)
            #expect(offsetOf(error) == position + 1)

            var early = Array(repeating: UInt8(ascii: "a"), count: 40)
            early[position] = 0x22  // the string ends here, the rest is garbage
            let ended = thrownError { try Canonicalizer.canonicalize([0x22] + early + [0x22], mode: .compact) }
            #expect(offsetOf(ended) == position + 2)

            var escape = Array(repeating: UInt8(ascii: "a"), count: 40)
            escape[position] = 0x5C
            escape.insert(0x6E, at: position + 1)  // \n
            let escaped: [UInt8] = [0x22] + escape + [0x22]
            #expect(try Canonicalizer.canonicalize(escaped, mode: .compact) == escaped)
            #expect(try JSONValue.parse(escaped).stringValue?.utf8.count == 40)
        }
    }

    @Test("a lone surrogate escape is valid RFC 8259 grammar and kept in compact mode")
    func loneSurrogateCompact() throws {
        #expect(try canonical(#" [ "\ud800" , "\uDC00x" ] "#, .compact) == #"["\ud800","\uDC00x"]"#)
    }

    @Test("nesting deeper than maxDepth is nestingTooDeep, without recursion")
    func deepNesting() {
        for count in [100_000, 1_000_000] {
            let input = [UInt8](repeating: UInt8(ascii: "["), count: count)
            for mode in [CanonicalMode.compact, .jcs] {
                let error = thrownError { try Canonicalizer.canonicalize(input, mode: mode) }
                #expect(error?.code == .nestingTooDeep)
                #expect(offsetOf(error) == Canonicalizer.defaultMaxDepth)
            }
            #expect(thrownError { try JSONValue.parse(input) }?.code == .nestingTooDeep)
        }
        let objects = String(repeating: #"{"a":"#, count: 100_000)
        let error = thrownError { try canonical(objects, .compact) }
        #expect(error?.code == .nestingTooDeep)
        #expect(offsetOf(error) == 512 * 5)
    }

    @Test("exactly maxDepth levels are allowed, one more is not")
    func depthBoundary() throws {
        let limit = Canonicalizer.defaultMaxDepth
        let atLimit = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        #expect(try canonical(atLimit, .compact) == atLimit)
        #expect(try canonical(atLimit, .jcs) == atLimit)
        #expect(try JSONValue.parse(atLimit).arrayValue != nil)
        let over = "[" + atLimit + "]"
        #expect(thrownError { try canonical(over, .compact) }?.code == .nestingTooDeep)
        #expect(try canonical(over, .compact, maxDepth: limit + 1) == over)
        // Small limits.
        #expect(try canonical("1", .compact, maxDepth: 0) == "1")
        #expect(thrownError { try canonical("[]", .compact, maxDepth: 0) }?.code == .nestingTooDeep)
        #expect(try canonical("[[]]", .jcs, maxDepth: 2) == "[[]]")
        #expect(offsetOf(thrownError { try canonical(#"{"a":[{}]}"#, .jcs, maxDepth: 2) }) == 6)
        // A huge limit still never recurses.
        let deep = String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000)
        #expect(try canonical(deep, .compact, maxDepth: 1_000_000).utf8.count == 400_000)
        #expect(try canonical(deep, .jcs, maxDepth: 1_000_000).utf8.count == 400_000)
    }

    @Test("a negative maxDepth is invalidArgument")
    func negativeDepth() {
        #expect(thrownError { try canonical("1", .compact, maxDepth: -1) }?.code == .invalidArgument)
        #expect(thrownError { try canonical("1", .jcs, maxDepth: -1) }?.code == .invalidArgument)
        #expect(thrownError { try JSONValue.parse("1", maxDepth: -1) }?.code == .invalidArgument)
    }

    @Test("CanonicalMode names are stable")
    func modeNames() {
        #expect(CanonicalMode.allCases.map(\.name) == ["raw", "compact", "jcs"])
        #expect(CanonicalMode(name: "jcs") == .jcs)
    }
}
