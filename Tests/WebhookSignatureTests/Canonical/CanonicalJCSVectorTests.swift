import Foundation
import Testing

@testable import WebhookSignature
@testable import WebhookSignatureTestSupport

/// The RFC 8785 reference vectors (cyberphone/json-canonicalization testdata) from the shared folder.
@Suite("Canonical: RFC 8785 reference vectors")
struct CanonicalJCSVectorTests {
    static let names = ["arrays", "french", "structures", "unicode", "values", "weird"]

    @Test(
        "JCS output is byte-identical to the reference",
        .enabled(if: Vectors.available, Vectors.skipNote),
        arguments: names)
    func referenceOutput(name: String) throws {
        let input = try Vectors.bytes("jcs/input/\(name).json")
        let expected = try Vectors.bytes("jcs/output/\(name).json")
        let output = try Canonicalizer.canonicalize(input, mode: .jcs)
        #expect(
            output == expected,
            "\(name): got \(String(decoding: output, as: UTF8.self))")
        // Canonical output is a fixed point and survives compact mode unchanged.
        #expect(try Canonicalizer.canonicalize(output, mode: .jcs) == expected)
        #expect(try Canonicalizer.canonicalize(output, mode: .compact) == expected)
    }

    @Test(
        "every reference input is valid in compact mode and parses",
        .enabled(if: Vectors.available, Vectors.skipNote),
        arguments: names)
    func referenceInputCompact(name: String) throws {
        let input = try Vectors.bytes("jcs/input/\(name).json")
        let compact = try Canonicalizer.canonicalize(input, mode: .compact)
        #expect(compact.count < input.count)
        #expect(try JSONValue.parse(compact) == JSONValue.parse(input))
        // JCS does not depend on whitespace.
        #expect(try Canonicalizer.canonicalize(compact, mode: .jcs) == Canonicalizer.canonicalize(input, mode: .jcs))
    }
}
