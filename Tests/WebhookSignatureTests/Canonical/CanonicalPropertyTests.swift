import Foundation
import Testing

@testable import WebhookSignature
@testable import WebhookSignatureTestSupport

/// Properties over a few hundred random documents from a seeded generator (repeatable).
@Suite("Canonical: properties of random documents")
struct CanonicalPropertyTests {
    static let seeds: [UInt64] = [1, 2, 3, 0xC0FFEE]
    static let documentsPerSeed = 100

    @Test("jcs is idempotent, compact ignores whitespace, parse agrees with the generator", arguments: seeds)
    func properties(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        for index in 0..<Self.documentsPerSeed {
            let document = GeneratedJSON.random(depth: 1 + index % 6, using: &rng)
            let compactText = document.compactText
            let x = Array(compactText.utf8)
            let pretty = Array(document.prettyText(using: &rng).utf8)
            let context = Comment(rawValue: "seed \(seed) document \(index): \(compactText)")

            // compact(pretty(x)) == compact(x) == x
            let compact = try Canonicalizer.canonicalize(x, mode: .compact)
            #expect(compact == x, context)
            #expect(try Canonicalizer.canonicalize(pretty, mode: .compact) == compact, context)

            // jcs(jcs(x)) == jcs(x), and whitespace does not matter to jcs
            let jcs = try Canonicalizer.canonicalize(x, mode: .jcs)
            #expect(try Canonicalizer.canonicalize(jcs, mode: .jcs) == jcs, context)
            #expect(try Canonicalizer.canonicalize(pretty, mode: .jcs) == jcs, context)
            #expect(try Canonicalizer.canonicalize(jcs, mode: .compact) == jcs, context)

            // parse(compact(x)) == parse(x) == the generated value, and compactBytes round-trips
            let parsed = try JSONValue.parse(x)
            #expect(try JSONValue.parse(compact) == parsed, context)
            #expect(try JSONValue.parse(pretty) == parsed, context)
            #expect(parsed == document.value, context)
            #expect(try JSONValue.parse(parsed.compactBytes()) == parsed, context)
            // Writing the parsed value re-escapes minimally, which JCS then leaves alone.
            #expect(try Canonicalizer.canonicalize(parsed.compactBytes(), mode: .jcs) == jcs, context)
        }
    }

    @Test("jcs output has names sorted by UTF-16 code units, and unique, at every level")
    func jcsShape() throws {
        var rng = SeededGenerator(seed: 99)
        for _ in 0..<100 {
            let document = GeneratedJSON.random(depth: 4, using: &rng)
            let jcs = try Canonicalizer.canonicalize(Array(document.compactText.utf8), mode: .jcs)
            var pending = [try JSONValue.parse(jcs)]
            while let value = pending.popLast() {
                switch value {
                case .array(let values):
                    pending.append(contentsOf: values)
                case .object(let members):
                    let names = members.map { Array($0.name.utf16) }
                    for pair in zip(names, names.dropFirst()) {
                        #expect(pair.0.lexicographicallyPrecedes(pair.1))
                    }
                    pending.append(contentsOf: members.map(\.value))
                default:
                    break
                }
            }
        }
    }
}
