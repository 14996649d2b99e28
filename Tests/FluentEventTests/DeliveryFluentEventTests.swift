import FluentEvent
import Foundation
import Testing
import WebhookSignature
@testable import WebhookSignatureTestSupport

@Suite("Delivery: FluentEvent")
struct DeliveryFluentEventTests {
    /// The reference vector's real delivery body (shared/vectors/fluent/real-webhook-body.json).
    static let real =
        #"{"id":"5f7fa2bd-39b2-4105-98f4-29b6ca3afc98","name":"OrderStatus","accountId":"HOLGER","retailerId":"1","entityId":"3786","entityRef":"HD_387_56","entityType":"ORDER","entityStatus":"COMPLETE","type":"NORMAL","attributes":{},"meta":{"mode":"SYNC","simulation":false,"models":[]},"trailLogs":[],"errorLogs":[],"rootEntityId":"3786","rootEntityType":"ORDER","rootEntityRef":"HD_387_56"}"#

    @Test("decodes a real delivery; every model field reads; writing it back gives the same bytes")
    func realDelivery() throws {
        let event = try FluentEvent(json: Self.real)
        #expect(event.id == "5f7fa2bd-39b2-4105-98f4-29b6ca3afc98")
        #expect(event.name == "OrderStatus")
        #expect(event.accountId == "HOLGER")
        #expect(event.retailerId == "1")
        #expect(event.rootEntityId == "3786")
        #expect(event.rootEntityRef == "HD_387_56")
        #expect(event.rootEntityType == "ORDER")
        #expect(event.entityId == "3786")
        #expect(event.entityRef == "HD_387_56")
        #expect(event.entityType == "ORDER")
        #expect(event.entityStatus == "COMPLETE")
        #expect(event.type == "NORMAL")
        #expect(event.attributes == .object([]))
        #expect(event.meta?.mode == "SYNC")
        #expect(event.meta?.simulation == false)
        #expect(event.meta?.models == [])
        #expect(event.trailLogs == [])
        #expect(event.errorLogs == [])
        #expect(event.unknownFields.isEmpty)
        #expect(event.jsonBytes() == Array(Self.real.utf8))
        if Vectors.available {
            #expect(try Vectors.bytes("fluent/real-webhook-body.json") == Array(Self.real.utf8))
        }
    }

    @Test("unknown fields, their order and number spellings survive; numeric ids read as text")
    func unknownFieldsKept() throws {
        let text = #"{"name":"X","extra":{"deep":[1,2.50,"é",null,true]},"retailerId":12,"id":"a","later":-0.0e5}"#
        let event = try FluentEvent(json: text)
        #expect(event.unknownFields.map(\.name) == ["extra", "later"])
        #expect(event.retailerId == "12")
        #expect(event[field: "later"] == .number(lexeme: "-0.0e5"))
        #expect(event.jsonBytes() == Array(text.utf8))
        #expect(event.description == text)
    }

    @Test("setting a field replaces it in place; nil removes it; new fields are appended")
    func editing() throws {
        var event = try FluentEvent(json: SampleEvent.body)
        event.entityStatus = "DELIVERED"
        event.attributes = nil
        event[field: "note"] = .string("added")
        #expect(
            event.fields.map(\.name) == [
                "id", "name", "accountId", "retailerId", "rootEntityId", "rootEntityRef", "rootEntityType", "entityId", "entityRef",
                "entityType", "entityStatus", "type", "note",
            ])
        #expect(event.entityStatus == "DELIVERED")
        #expect(String(decoding: event.jsonBytes(), as: UTF8.self).contains(#""entityStatus":"DELIVERED","type":"NORMAL","note":"added"}"#))
    }

    @Test("attributes as an object or as an array of name/value entries")
    func attributeForms() throws {
        let object = try FluentEvent(json: SampleEvent.body)
        #expect(object.attribute("TrackingNumber") == .string("TRACKING123"))
        #expect(object.attribute("Missing") == nil)
        let array = try FluentEvent(json: #"{"attributes":[{"name":"a","type":"STRING","value":"1"},{"name":"b","value":{"x":2}}]}"#)
        #expect(array.attribute("b")?[member: "x"] == .number(lexeme: "2"))
        #expect(array.attribute("a") == .string("1"))
    }

    @Test("Codable keeps every field and value")
    func codable() throws {
        let text = #"{"id":"a","name":"N","extra":{"deep":[1,2.5,"é",null,true,12345678901234567890123]},"meta":{"mode":"ASYNC"}}"#
        let event = try FluentEvent(json: text)
        let encoded = try JSONEncoder().encode(event)
        let decoded = try JSONDecoder().decode(FluentEvent.self, from: encoded)
        #expect(decoded.id == "a")
        #expect(decoded.meta?.mode == "ASYNC")
        #expect(Set(decoded.fields.map(\.name)) == ["id", "name", "extra", "meta"])
        let deep = try #require(decoded[field: "extra"]?[member: "deep"]?.arrayValue)
        #expect(deep.count == 6)
        #expect(deep[0] == .number(lexeme: "1"))
        #expect(deep[1] == .number(lexeme: "2.5"))
        #expect(deep[2] == .string("é"))
        #expect(deep[3] == .null)
        #expect(deep[4] == .bool(true))
        // Same JSON as the original, compared as values.
        let a = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? NSDictionary
        let b = try JSONSerialization.jsonObject(with: encoded) as? NSDictionary
        #expect(a == b)
    }

    @Test("not JSON, or not an object: FluentEventError with the reason")
    func rejects() {
        #expect(throws: FluentEventError.self) { try FluentEvent(json: "[1,2]") }
        #expect(throws: FluentEventError.self) { try FluentEvent(json: #"{"id":"#) }
        do {
            _ = try FluentEvent(json: "\"text\"")
            Issue.record("a string was accepted as an event")
        } catch {
            #expect(error.reason == "the event must be a JSON object, not a string")
        }
    }
}
