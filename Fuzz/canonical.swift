// Fuzz target `canonical`: compact and JCS canonicalisation, and JSONValue parsing.
//
// Invariants (a violation traps):
// - every error is a WebhookSignatureError with a JSON code and a non-empty reason;
// - compact(compact(x)) == compact(x), and compact(x) parses to the same JSONValue as x;
// - jcs(jcs(x)) == jcs(x), and jcs(compact(x)) == jcs(x);
// - what compact refuses, JCS refuses (JCS is stricter, never looser);
// - JSONValue.parse(x).compactBytes() parses back to the same value;
// - a lower depth limit only ever refuses more, with nesting_too_deep.

@testable import WebhookSignature

private let jsonCodes: Set<String> = ["invalid_json", "not_utf8", "nesting_too_deep", "duplicate_member_name", "invalid_number"]

private func run(_ what: String, _ body: () throws -> [UInt8]) -> [UInt8]? {
    do {
        return try body()
    } catch {
        checkError(error, allowed: jsonCodes, what)
        return nil
    }
}

private func parse(_ bytes: [UInt8], _ what: String) -> JSONValue? {
    do {
        return try JSONValue.parse(bytes)
    } catch {
        checkError(error, allowed: jsonCodes, what)
        return nil
    }
}

private func hex(_ bytes: [UInt8]) -> String { String(decoding: bytes.prefix(200), as: UTF8.self) }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCanonical(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = fuzzBytes(data, size)

    let compact = run("compact") { try Canonicalizer.canonicalize(input, mode: .compact) }
    let jcs = run("jcs") { try Canonicalizer.canonicalize(input, mode: .jcs) }
    let value = parse(input, "JSONValue.parse")

    if let compact {
        guard let again = run("compact(compact(x))", { try Canonicalizer.canonicalize(compact, mode: .compact) }), again == compact else {
            violated("compact is not idempotent: \(hex(compact))")
        }
        if compact.count > input.count { violated("compact made the text longer") }
        if compact.contains(where: { $0 == 0x20 || $0 == 0x0A }) {
            // Whitespace may only survive inside strings; a quick necessary check: none outside quotes.
            var inString = false
            var escaped = false
            for byte in compact {
                if inString {
                    if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                } else if byte == UInt8(ascii: "\"") {
                    inString = true
                } else if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D {
                    violated("compact output keeps whitespace outside a string")
                }
            }
        }
        // compact(x) parses to the same JSONValue as x (both may refuse a lone-surrogate escape alike).
        let compactValue = parse(compact, "JSONValue.parse(compact(x))")
        if compactValue != value { violated("compact(x) parses to another value than x") }
        if let jcs {
            guard let viaCompact = run("jcs(compact(x))", { try Canonicalizer.canonicalize(compact, mode: .jcs) }), viaCompact == jcs else {
                violated("jcs(compact(x)) != jcs(x)")
            }
        }
    } else {
        if jcs != nil { violated("JCS accepts what compact refuses") }
        if value != nil { violated("JSONValue.parse accepts what compact refuses") }
    }

    if let jcs {
        guard let again = run("jcs(jcs(x))", { try Canonicalizer.canonicalize(jcs, mode: .jcs) }), again == jcs else {
            violated("JCS is not idempotent: \(hex(jcs))")
        }
    }

    if let value {
        let written = value.compactBytes()
        guard let back = parse(written, "JSONValue.parse(compactBytes())"), back == value else {
            violated("compactBytes() does not parse back to the same value: \(hex(written))")
        }
    }

    // A smaller depth limit refuses more, never something else.
    if compact != nil {
        do {
            _ = try Canonicalizer.canonicalize(input, mode: .compact, maxDepth: 3)
        } catch {
            let e = checkError(error, "compact at depth 3")
            if e.code != .nestingTooDeep { violated("compact at depth 3 fails with \(e.code) where the default limit accepts") }
        }
    }
    return 0
}
