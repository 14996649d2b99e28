import WebhookSignature

extension FluentEvent {
    /// A JSON value inside an event (an attribute, `meta`, a log entry), kept exactly as sent:
    /// member order and number spellings survive.
    ///
    /// Read it with the typed accessors (``stringValue``, ``numberLexeme``, ``subscript(member:)``,
    /// ``arrayValue``, ``members``); build one with the static constructors. The kinds of JSON value
    /// are fixed by RFC 8259, but this type stays a struct so that the representation can change.
    public struct JSON: Sendable, Hashable, CustomStringConvertible {
        package var value: JSONValue

        package init(_ value: JSONValue) { self.value = value }

        /// Parses strict RFC 8259 JSON text (a member name given twice in one object is refused).
        public init(parsing text: String) throws(FluentEventError) {
            do {
                value = try JSONValue.parse(text)
            } catch {
                throw FluentEventError("not valid JSON: \(error.reason)")
            }
        }

        /// The literal `null`.
        public static let null = JSON(.null)
        /// `true` or `false`.
        public static func bool(_ value: Bool) -> JSON { JSON(.bool(value)) }
        /// A string.
        public static func string(_ value: String) -> JSON { JSON(.string(value)) }
        /// An integer.
        public static func number(_ value: Int) -> JSON { JSON(.number(String(value))) }
        /// A number as written (`"2.50"`, `"-0.0e5"`), kept digit for digit; nil when `lexeme` is not a JSON number.
        public static func number(lexeme: String) -> JSON? {
            guard case .number(let parsed)? = try? JSONValue.parse(lexeme), parsed == lexeme else { return nil }
            return JSON(.number(parsed))
        }
        /// An array.
        public static func array(_ elements: [JSON]) -> JSON { JSON(.array(elements.map(\.value))) }
        /// An object, members in the order given.
        public static func object(_ members: [Member]) -> JSON {
            JSON(.object(members.map { JSONMember(name: $0.name, value: $0.value.value) }))
        }

        /// The string, if this is a string.
        public var stringValue: String? { value.stringValue }
        /// The Boolean, if this is `true` or `false`.
        public var boolValue: Bool? { value.boolValue }
        /// The number exactly as written (`"1.50"`), if this is a number.
        public var numberLexeme: String? { value.numberLexeme }
        /// Whether this is `null`.
        public var isNull: Bool { value.isNull }
        /// The elements, if this is an array.
        public var arrayValue: [JSON]? { value.arrayValue?.map(JSON.init) }
        /// The members in order, if this is an object.
        public var members: [Member]? { value.objectMembers?.map(Member.init) }
        /// The value of the member named `name`, if this is an object that has one.
        public subscript(member name: String) -> JSON? { value[member: name].map(JSON.init) }

        /// The value as compact JSON text.
        public var description: String { String(decoding: value.compactBytes(), as: UTF8.self) }
    }

    /// One member of a JSON object inside an event.
    public struct Member: Sendable, Hashable {
        /// The member's name.
        public var name: String
        /// The member's value.
        public var value: JSON

        /// A member from a name and a value.
        public init(name: String, value: JSON) {
            self.name = name
            self.value = value
        }

        package init(_ member: JSONMember) {
            self.init(name: member.name, value: JSON(member.value))
        }
    }
}
