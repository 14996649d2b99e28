import Foundation
import Testing

@testable import WebhookSignature
@testable import WebhookSignatureTestSupport

@Suite("Canonical: JSONValue")
struct CanonicalJSONValueTests {
    static let jwk = #"""
        {
          "kty": "RSA",
          "kid": "key-1",
          "use": "sig",
          "ext": true,
          "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
          "e": "AQAB",
          "key_ops": ["verify"],
          "exp": 1700000000,
          "x5c": null
        }
        """#

    @Test("parses a JWK and reads members conveniently")
    func jwkAccess() throws {
        let value = try JSONValue.parse(Self.jwk)
        #expect(value[member: "kty"]?.stringValue == "RSA")
        #expect(value[member: "kid"]?.stringValue == "key-1")
        // A member named twice is refused: JSON readers disagree on which value wins.
        let twice = Self.jwk.replacingOccurrences(of: #""x5c": null"#, with: #""x5c": null, "kid": "shadowed""#)
        #expect(twice != Self.jwk)
        #expect(thrownError { try JSONValue.parse(twice) }?.code == .invalidJSON)
        #expect(value[member: "ext"]?.boolValue == true)
        #expect(value[member: "e"]?.stringValue == "AQAB")
        #expect(value[member: "key_ops"]?.arrayValue == [.string("verify")])
        #expect(value[member: "exp"]?.numberLexeme == "1700000000")
        #expect(value[member: "x5c"]?.isNull == true)
        #expect(value[member: "missing"] == nil)
        #expect(value[member: "kty"]?[member: "x"] == nil)
        #expect(value[member: "kty"]?.boolValue == nil)
        #expect(value.stringValue == nil)
        #expect(value.arrayValue == nil)
        let members = try #require(value.objectMembers)
        #expect(members.map(\.name) == ["kty", "kid", "use", "ext", "n", "e", "key_ops", "exp", "x5c"])
        #expect(members.last == JSONMember(name: "x5c", value: .null))
    }

    @Test("member lookup compares Unicode scalars exactly, not canonical equivalence")
    func exactLookup() throws {
        let value = try JSONValue.parse(#"{"e\u0301":1,"\u00e9":2}"#)
        #expect(value[member: "\u{E9}"]?.numberLexeme == "2")
        #expect(value[member: "e\u{301}"]?.numberLexeme == "1")
    }

    @Test("parse builds the expected structure")
    func structure() throws {
        let value = try JSONValue.parse(#" [ 1.50 , -0 , "a\u0000\"\ud83d\ude00" , true , false , null , { } , [ ] , { "x" : [ 2e3 ] } ] "#)
        #expect(
            value
                == .array([
                    .number("1.50"), .number("-0"), .string("a\u{0}\"😀"), .bool(true), .bool(false), .null,
                    .object([]), .array([]), .object([JSONMember(name: "x", value: .array([.number("2e3")]))]),
                ]))
        #expect(try JSONValue.parse("\"top\"") == .string("top"))
        #expect(try JSONValue.parse(Data("42".utf8)) == .number("42"))
    }

    @Test("parse refuses lone surrogate escapes and everything compact refuses")
    func parseErrors() throws {
        #expect(thrownError { try JSONValue.parse(#"["\ud800"]"#) }?.code == .invalidJSON)
        #expect(thrownError { try JSONValue.parse("") }?.code == .invalidJSON)
        #expect(thrownError { try JSONValue.parse("[1,]") }?.code == .invalidJSON)
        #expect(thrownError { try JSONValue.parse([0x22, 0xC0, 0x80, 0x22]) }?.code == .notUTF8)
        // Values are destroyed recursively by Swift, so parse caps maxDepth.
        #expect(thrownError { try JSONValue.parse("1", maxDepth: 10_001) }?.code == .invalidArgument)
        #expect(try JSONValue.parse("[1]", maxDepth: 10_000) == .array([.number("1")]))
        #expect(offsetOf(thrownError { try JSONValue.parse(#"{"a":{"b":[]}}"#, maxDepth: 2) }) == 10)
    }

    @Test("compactBytes writes compact JSON with minimal escaping and number lexemes")
    func compactBytes() throws {
        let value = JSONValue.object([
            JSONMember(name: "keys", value: .array([
                .object([
                    JSONMember(name: "kid", value: .string("k\"1\\")),
                    JSONMember(name: "n", value: .number("1.50")),
                    JSONMember(name: "ok", value: .bool(true)),
                ]),
                .null, .array([]), .object([]),
            ])),
            JSONMember(name: "ctl\u{1}\n\t/é😀", value: .string("\u{0}\u{8}\u{C}\r\u{1F}\u{7F}")),
            JSONMember(name: "more", value: .bool(false)),
        ])
        let text = String(decoding: value.compactBytes(), as: UTF8.self)
        #expect(text == #"{"keys":[{"kid":"k\"1\\","n":1.50,"ok":true},null,[],{}],"ctl\u0001\n\t/é😀":"\u0000\b\f\r\u001f\#u{7F}","more":false}"#)
        #expect(try JSONValue.parse(value.compactBytes()) == value)
        #expect(JSONValue.null.compactBytes() == Array("null".utf8))
        #expect(JSONValue.string("").compactBytes() == Array("\"\"".utf8))
    }

    @Test("compactBytes of parsed text equals compact mode when strings need no re-escaping")
    func compactBytesMatchesCompactMode() throws {
        let text = #" { "a" : [ 1 , 2.50 , "x y" ] , "b" : { "c" : null } , "d" : -1e-3 } "#
        #expect(try JSONValue.parse(text).compactBytes() == Canonicalizer.canonicalize(Array(text.utf8), mode: .compact))
    }

    @Test("compactBytes does not recurse on deep values")
    func deepCompactBytes() throws {
        let depth = 500
        let text = String(repeating: #"{"a":["#, count: depth) + "1" + String(repeating: "]}", count: depth)
        let value = try JSONValue.parse(text, maxDepth: 2 * depth)
        #expect(value.compactBytes() == Array(text.utf8))
    }
}
