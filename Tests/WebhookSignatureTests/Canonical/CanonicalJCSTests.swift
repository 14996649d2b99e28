import Foundation
import Testing

@testable import WebhookSignature
@testable import WebhookSignatureTestSupport

@Suite("Canonical: JCS (RFC 8785)")
struct CanonicalJCSTests {
    @Test("a name outside the BMP sorts before one in U+E000...U+FFFF (UTF-16 order, not code point order)")
    func surrogatePairSortsBeforeHighBMP() throws {
        let input = #"{"\#u{FB01}":1,"\#u{1F600}":2,"\#u{E000}":3,"\#u{FFFF}":4,"\#u{D7FF}":5,"z":6}"#
        #expect(try canonical(input, .jcs) == #"{"z":6,"\#u{D7FF}":5,"\#u{1F600}":2,"\#u{E000}":3,"\#u{FB01}":1,"\#u{FFFF}":4}"#)
        // The same with the names escaped, including the pair as \ud83d\ude00.
        let escaped = #"{"\ufb01":1,"\ud83d\ude00":2}"#
        #expect(try canonical(escaped, .jcs) == "{\"\u{1F600}\":2,\"\u{FB01}\":1}")
        // Code point order would put U+FB01 first; Swift's own String order is not used either.
        #expect(compareUTF16("\u{1F600}", "\u{FB01}") == -1)
        #expect(compareUTF16("\u{FB01}", "\u{1F600}") == 1)
        #expect(compareUTF16("\u{D7FF}", "\u{1F600}") == -1)
        #expect(compareUTF16("\u{10FFFF}", "\u{E000}") == -1)
        #expect(compareUTF16("a", "ab") == -1)
        #expect(compareUTF16("\u{1F600}", "\u{1F600}") == 0)
    }

    private func compareUTF16(_ a: String, _ b: String) -> Int {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        let result = x.withUnsafeBufferPointer { p in y.withUnsafeBufferPointer { q in JCS.compareUTF16(p, q) } }
        // Cross-check against Swift's UTF-16 view.
        let reference = a.utf16.elementsEqual(b.utf16) ? 0 : (a.utf16.lexicographicallyPrecedes(b.utf16) ? -1 : 1)
        #expect(result == reference)
        return result
    }

    @Test("RFC 8785 section 3.2.3 sorting example")
    func rfcSortingExample() throws {
        let input = #"""
            {
              "\u20ac": "Euro Sign",
              "\r": "Carriage Return",
              "\ufb33": "Hebrew Letter Dalet With Dagesh",
              "1": "One",
              "\ud83d\ude00": "Emoji: Grinning Face",
              "\u0080": "Control",
              "\u00f6": "Latin Small Letter O With Diaeresis"
            }
            """#
        let names = try JSONValue.parse(try Canonicalizer.canonicalize(Array(input.utf8), mode: .jcs))
            .objectMembers!.map { $0.name.unicodeScalars.map(\.value) }
        #expect(names == [[0x0D], [0x31], [0x80], [0xF6], [0x20AC], [0x1F600], [0xFB33]])
    }

    @Test("names sort by code units, not by locale, case or length")
    func plainOrdering() throws {
        #expect(try canonical(#"{"b":1,"a":2,"B":3,"aa":4,"":5,"A":6}"#, .jcs) == #"{"":5,"A":6,"B":3,"a":2,"aa":4,"b":1}"#)
        #expect(try canonical(#"{"10":1,"1":2,"9":3}"#, .jcs) == #"{"1":2,"10":1,"9":3}"#)
        // Precomposed and decomposed forms are different names and are not normalised.
        #expect(try canonical(#"{"\u00e9":1,"e\u0301":2}"#, .jcs) == "{\"e\u{301}\":2,\"\u{E9}\":1}")
    }

    @Test("nested objects are sorted at every level, arrays keep their order")
    func nested() throws {
        let input = #"{"b":[{"z":1,"y":{"d":null,"c":[3,2,1]}}],"a":{"k":true,"j":false}}"#
        #expect(try canonical(input, .jcs) == #"{"a":{"j":false,"k":true},"b":[{"y":{"c":[3,2,1],"d":null},"z":1}]}"#)
    }

    @Test("strings are re-escaped minimally")
    func stringEscaping() throws {
        #expect(try canonical(#"["\u00e9\u20AC\/\u0041"]"#, .jcs) == "[\"é€/A\"]")
        #expect(try canonical(#"["\b\f\n\r\t\u0008\u000C"]"#, .jcs) == #"["\b\f\n\r\t\b\f"]"#)
        #expect(try canonical(#"["\u0000\u0001\u001F\u001f"]"#, .jcs) == #"["\u0000\u0001\u001f\u001f"]"#)
        #expect(try canonical(#"["\"\\\u0022\u005C"]"#, .jcs) == #"["\"\\\"\\"]"#)
        #expect(try canonical(#"["\u007f\u0080\ud83d\ude00\uD83D\uDE02"]"#, .jcs) == "[\"\u{7F}\u{80}😀😂\"]")
        #expect(try canonical("[\"raw é 😀 </script>\"]", .jcs) == "[\"raw é 😀 </script>\"]")
    }

    @Test(
        "a lone surrogate escape is invalidJSON at the escape's offset",
        arguments: [
            (#"["\ud800"]"#, 2), (#"["ab\udc00"]"#, 4), (#"["\ud83d\u0041"]"#, 2), (#"["\ud83dx"]"#, 2),
            (#"["\ude00\ud83d"]"#, 2), (#"{"\ud800":1}"#, 2),
        ] as [(String, Int)])
    func loneSurrogate(_ input: String, _ offset: Int) throws {
        let error = thrownError { try canonical(input, .jcs) }
        #expect(error?.code == .invalidJSON)
        #expect(offsetOf(error) == offset, "\(String(describing: error))")
        // Compact mode keeps escapes as written; RFC 8259's grammar allows these.
        #expect(try canonical(input, .compact) == input)
    }

    @Test("duplicate member names are duplicateMemberName at the second occurrence")
    func duplicates() throws {
        let cases: [(String, Int)] = [
            (#"{"a":1,"a":2}"#, 7),
            (#"{"a":1, "\u0061":2}"#, 8),
            (#"{"x":{"b":1,"c":2,"b":3}}"#, 18),
            (#"{"b":1,"a":2,"b":3,"a":4}"#, 13),
            (#"[{"😀":1,"\ud83d\ude00":2}]"#, 11),
        ]
        for (input, offset) in cases {
            let error = thrownError { try canonical(input, .jcs) }
            #expect(error?.code == .invalidJSON, "\(input)")
            #expect(error?.reason.contains("duplicate member name") == true, "\(input)")
            #expect(offsetOf(error) == offset, "\(input): \(String(describing: error))")
            // Compact mode and JSONValue refuse them too: every document this package reads does.
            #expect(thrownError { try canonical(input, .compact) }?.code == .invalidJSON, "\(input)")
            #expect(thrownError { try JSONValue.parse(input) }?.code == .invalidJSON, "\(input)")
        }
        // Same name in different objects is fine.
        #expect(try canonical(#"[{"a":1},{"a":2}]"#, .jcs) == #"[{"a":1},{"a":2}]"#)
    }

    @Test("literals, empty containers and top-level scalars")
    func scalarsAndEmpties() throws {
        #expect(try canonical(" [ true , false , null ] ", .jcs) == "[true,false,null]")
        #expect(try canonical("{ }", .jcs) == "{}")
        #expect(try canonical("[ ]", .jcs) == "[]")
        #expect(try canonical("[[],{},[{}]]", .jcs) == "[[],{},[{}]]")
        #expect(try canonical(" 4.50 ", .jcs) == "4.5")
        #expect(try canonical("\"x\"", .jcs) == "\"x\"")
        #expect(try canonical("null", .jcs) == "null")
        #expect(try canonical("-0", .jcs) == "0")
        #expect(try canonical("[-0,0,-0.0,0e5]", .jcs) == "[0,0,0,0]")
    }

    @Test("whitespace and member order do not change the result")
    func invariance() throws {
        let a = try canonical(#"{"id":"evt_1","amount":1250,"meta":{"tags":["x","y"],"ok":true}}"#, .jcs)
        let b = try canonical("{\n\t\"meta\" : { \"ok\" : true , \"tags\" : [ \"x\" , \"y\" ] } ,\r\n \"amount\": 1.25e3, \"id\":\"evt_\\u0031\"}", .jcs)
        #expect(a == b)
        #expect(a == #"{"amount":1250,"id":"evt_1","meta":{"ok":true,"tags":["x","y"]}}"#)
    }

    @Test("JCS rejects what compact rejects")
    func invalidInput() {
        for input in ["", "[1,]", "{\"a\" 1}", "01", "[\"\u{1}\"]"] {
            #expect(thrownError { try canonical(input, .jcs) }?.code == .invalidJSON, "\(input)")
        }
        #expect(thrownError { try Canonicalizer.canonicalize([0x22, 0xC0, 0x80, 0x22], mode: .jcs) }?.code == .notUTF8)
    }
}
