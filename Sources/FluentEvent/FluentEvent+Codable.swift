import Foundation
import WebhookSignature

/// `Codable` for embedding an event in your own types or returning it from a handler.
///
/// Every field and value survives an encode and decode, but `Decoder`s do not report member order
/// or how a number was spelled (`1.50` comes back as `1.5`); for a lossless copy use
/// ``FluentEvent/init(json:)-(some Collection<UInt8>)`` and ``FluentEvent/jsonBytes()``.
extension FluentEvent: Codable {
    public init(from decoder: any Decoder) throws {
        let value = try CodableJSON(from: decoder).value
        do {
            try self.init(value)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.reason))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        try CodableJSON(storage).encode(to: encoder)
    }
}

/// A ``JSONValue`` carried through `Codable`.
struct CodableJSON: Codable {
    var value: JSONValue

    init(_ value: JSONValue) { self.value = value }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        if let object = try? decoder.container(keyedBy: Key.self) {
            var members: [JSONMember] = []
            for key in object.allKeys {
                members.append(JSONMember(name: key.stringValue, value: try object.decode(CodableJSON.self, forKey: key).value))
            }
            value = .object(members)
            return
        }
        if var array = try? decoder.unkeyedContainer() {
            var values: [JSONValue] = []
            while !array.isAtEnd { values.append(try array.decode(CodableJSON.self).value) }
            value = .array(values)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            value = .null
        } else if let b = try? single.decode(Bool.self) {
            value = .bool(b)
        } else if let i = try? single.decode(Int64.self) {
            value = .number(String(i))
        } else if let u = try? single.decode(UInt64.self) {
            value = .number(String(u))
        } else if let d = try? single.decode(Double.self) {
            value = .number(Self.lexeme(d))
        } else {
            value = .string(try single.decode(String.self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        switch value {
        case .null:
            var c = encoder.singleValueContainer()
            try c.encodeNil()
        case .bool(let b):
            var c = encoder.singleValueContainer()
            try c.encode(b)
        case .number(let lexeme):
            var c = encoder.singleValueContainer()
            if let i = Int64(lexeme) {
                try c.encode(i)
            } else if let u = UInt64(lexeme) {
                try c.encode(u)
            } else if let d = Decimal(string: lexeme, locale: Locale(identifier: "en_US_POSIX")), d.isFinite, "\(d)" == lexeme {
                try c.encode(d)
            } else {
                try c.encode(Double(lexeme) ?? 0)
            }
        case .string(let s):
            var c = encoder.singleValueContainer()
            try c.encode(s)
        case .array(let values):
            var c = encoder.unkeyedContainer()
            for v in values { try c.encode(CodableJSON(v)) }
        case .object(let members):
            var c = encoder.container(keyedBy: Key.self)
            var seen = Set<String>()
            // A name sent twice: the first value, as JSONValue's subscript reads it.
            for m in members where seen.insert(m.name).inserted {
                try c.encode(CodableJSON(m.value), forKey: Key(stringValue: m.name))
            }
        }
    }

    /// A JSON number for a finite double, shortest round-trip digits.
    static func lexeme(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return "\(d)"
    }
}
