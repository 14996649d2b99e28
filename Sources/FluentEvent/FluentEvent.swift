import WebhookSignature

/// A Fluent Commerce webhook event: the JSON object the platform POSTs, every field kept.
///
/// Parse it only after the delivery's signature verified, from the exact bytes that were verified:
/// ```swift
/// let event = try FluentEvent(json: verifiedBodyBytes)
/// print(event.name ?? "?", event.entityRef ?? "?", event.attribute("TrackingNumber")?.stringValue ?? "")
/// ```
/// The event is stored as its JSON object (``json``), so nothing is lost: unknown fields, member
/// order, number spellings and nested values all survive, and ``jsonBytes()`` writes them back. The
/// typed properties read (and, when set, replace) the fields of the platform's event model; a field
/// that is missing or of another type reads as nil, since the platform's payloads vary by event.
public struct FluentEvent: Sendable, Hashable {
    /// The whole event as a JSON object, members in the order received.
    public var json: JSON { JSON(storage) }
    package private(set) var storage: JSONValue

    /// The field names of the platform's event model, in the documentation's order.
    public static let modelFieldNames: [String] = [
        "id", "name", "accountId", "retailerId", "rootEntityId", "rootEntityRef", "rootEntityType",
        "entityId", "entityRef", "entityType", "entityStatus", "type", "attributes", "meta", "trailLogs", "errorLogs",
    ]

    /// Parses an event from its UTF-8 JSON bytes (strict RFC 8259); it must be a JSON object.
    ///
    /// Use it on the raw body once `WebhookVerifier` accepted it.
    public init(json bytes: some Collection<UInt8>) throws(FluentEventError) {
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes)
        } catch {
            throw FluentEventError("the event is not valid JSON: \(error.reason)")
        }
        try self.init(value)
    }

    /// Parses an event from JSON text.
    public init(json text: String) throws(FluentEventError) {
        try self.init(json: Array(text.utf8))
    }

    /// Wraps a JSON value, which must be an object.
    public init(_ value: JSON) throws(FluentEventError) {
        try self.init(value.value)
    }

    package init(_ value: JSONValue) throws(FluentEventError) {
        guard value.objectMembers != nil else {
            throw FluentEventError("the event must be a JSON object, not \(Self.kind(of: value))")
        }
        self.storage = value
    }

    /// An event with no fields, to fill in through the properties (for tests and senders).
    public init() {
        self.storage = .object([])
    }

    /// The event as compact JSON: members in order, numbers as written, nothing added or dropped.
    public func jsonBytes() -> [UInt8] { storage.compactBytes() }

    /// The event's fields in order.
    public var fields: [Member] { (storage.objectMembers ?? []).map(Member.init) }

    /// The fields outside the platform's event model, in order.
    public var unknownFields: [Member] { fields.filter { !Self.modelFieldNames.contains($0.name) } }

    /// A field's value, nil if absent; setting nil removes the field, setting a value replaces it in
    /// place (or appends it).
    public subscript(field name: String) -> JSON? {
        get { storage[member: name].map(JSON.init) }
        set { self[value: name] = newValue?.value }
    }

    package subscript(value name: String) -> JSONValue? {
        get { storage[member: name] }
        set {
            var members = storage.objectMembers ?? []
            if let newValue {
                if let i = members.firstIndex(where: { $0.name == name }) {
                    members[i].value = newValue
                    // A name sent more than once keeps only the value just set, in the first place.
                    members = members.enumerated().filter { $0.offset <= i || $0.element.name != name }.map(\.element)
                } else {
                    members.append(JSONMember(name: name, value: newValue))
                }
            } else {
                members.removeAll { $0.name == name }
            }
            storage = .object(members)
        }
    }

    /// A text field: a JSON string, or a number read as its lexeme (some accounts send numeric ids).
    public func text(_ name: String) -> String? {
        switch storage[member: name] {
        case .string(let s)?: return s
        case .number(let n)?: return n
        default: return nil
        }
    }

    private mutating func setText(_ name: String, _ value: String?) {
        self[value: name] = value.map { .string($0) }
    }

    /// The event's unique id (a UUID); retries of one delivery carry the same id.
    public var id: String? {
        get { text("id") }
        set { setText("id", newValue) }
    }
    /// The event name, such as `OrderStatusChange`.
    public var name: String? {
        get { text("name") }
        set { setText("name", newValue) }
    }
    /// The account, such as `ACME`.
    public var accountId: String? {
        get { text("accountId") }
        set { setText("accountId", newValue) }
    }
    /// The retailer's id.
    public var retailerId: String? {
        get { text("retailerId") }
        set { setText("retailerId", newValue) }
    }
    /// The id of the workflow's root entity (for example the order).
    public var rootEntityId: String? {
        get { text("rootEntityId") }
        set { setText("rootEntityId", newValue) }
    }
    /// The reference of the root entity.
    public var rootEntityRef: String? {
        get { text("rootEntityRef") }
        set { setText("rootEntityRef", newValue) }
    }
    /// The root entity's type, such as `ORDER`.
    public var rootEntityType: String? {
        get { text("rootEntityType") }
        set { setText("rootEntityType", newValue) }
    }
    /// The id of the entity the event is about.
    public var entityId: String? {
        get { text("entityId") }
        set { setText("entityId", newValue) }
    }
    /// The reference of the entity the event is about.
    public var entityRef: String? {
        get { text("entityRef") }
        set { setText("entityRef", newValue) }
    }
    /// The entity's type, such as `ORDER` or `FULFILMENT`.
    public var entityType: String? {
        get { text("entityType") }
        set { setText("entityType", newValue) }
    }
    /// The entity's status, such as `SHIPPED`.
    public var entityStatus: String? {
        get { text("entityStatus") }
        set { setText("entityStatus", newValue) }
    }
    /// The event type, such as `NORMAL`.
    public var type: String? {
        get { text("type") }
        set { setText("type", newValue) }
    }

    /// The event's attributes as sent: usually an object of name to value.
    public var attributes: JSON? {
        get { self[field: "attributes"] }
        set { self[field: "attributes"] = newValue }
    }

    /// One attribute by name: a member of an `attributes` object, or the `value` of the element whose
    /// `name` matches in an `attributes` array of `{"name":…,"value":…}` entries.
    public func attribute(_ name: String) -> JSON? {
        switch storage[member: "attributes"] {
        case .object(let members)?:
            return members.first { $0.name == name }.map { JSON($0.value) }
        case .array(let entries)?:
            for entry in entries where entry[member: "name"]?.stringValue == name {
                return entry[member: "value"].map(JSON.init)
            }
            return nil
        default:
            return nil
        }
    }

    /// The delivery's `meta` object, if sent.
    public var meta: Meta? {
        get {
            guard let value = storage[member: "meta"], value.objectMembers != nil else { return nil }
            return Meta(json: JSON(value))
        }
        set { self[field: "meta"] = newValue?.json }
    }

    /// The `trailLogs` array, if sent.
    public var trailLogs: [JSON]? {
        get { self[field: "trailLogs"]?.arrayValue }
        set { self[field: "trailLogs"] = newValue.map { .array($0) } }
    }

    /// The `errorLogs` array, if sent.
    public var errorLogs: [JSON]? {
        get { self[field: "errorLogs"]?.arrayValue }
        set { self[field: "errorLogs"] = newValue.map { .array($0) } }
    }

    /// The `meta` object of a delivery: `mode`, `simulation`, `models`, and whatever else it holds.
    public struct Meta: Sendable, Hashable {
        /// The whole object.
        public var json: JSON

        /// Wraps a `meta` object.
        public init(json: JSON) { self.json = json }

        /// The workflow mode, such as `SYNC` or `ASYNC`.
        public var mode: String? { json[member: "mode"]?.stringValue }
        /// Whether the event came from a simulation.
        public var simulation: Bool? { json[member: "simulation"]?.boolValue }
        /// The `models` array.
        public var models: [JSON]? { json[member: "models"]?.arrayValue }
    }

    static func kind(of value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "a Boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// Why bytes are not a ``FluentEvent``.
public struct FluentEventError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A sentence for people.
    public let reason: String

    /// An error with its reason.
    public init(_ reason: String) { self.reason = reason }

    public var description: String { reason }
}

extension FluentEvent: CustomStringConvertible {
    /// The event as compact JSON.
    public var description: String { String(decoding: jsonBytes(), as: UTF8.self) }
}
