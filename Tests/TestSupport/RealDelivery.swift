import Foundation
import Testing

/// The real platform delivery from the shared vectors (fluent/real-webhook*.json).
struct RealDelivery {
    var body: [UInt8]
    var flex: String
    var fluent: String
    var publicKey: String

    static func load() throws -> RealDelivery {
        let meta = try #require(try Vectors.json("fluent/real-webhook.json") as? [String: Any])
        let headers = try field(meta, "headers", [String: String].self)
        return RealDelivery(
            body: try Vectors.bytes("fluent/real-webhook-body.json"),
            flex: try #require(headers["flex.signature"]),
            fluent: try #require(headers["fluent-signature"]),
            publicKey: try field(meta, "publicKeyX509Base64", String.self))
    }

    /// Bodies that a receiver might wrongly reconstruct, each of which must fail both checks.
    func alteredBodies() throws -> [(String, [UInt8])] {
        let text = String(decoding: body, as: UTF8.self)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        var emptied = object
        emptied["id"] = ""
        let pretty = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted])
        let sorted = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        let emptiedID = text.replacingOccurrences(of: "\"id\":\"5f7fa2bd-39b2-4105-98f4-29b6ca3afc98\"", with: "\"id\":\"\"")
        #expect(emptiedID != text)
        return [
            ("id emptied", Array(emptiedID.utf8)),
            ("pretty-printed", [UInt8](pretty)),
            ("sorted keys", [UInt8](sorted)),
            ("trailing newline", body + [0x0A]),
        ]
    }
}

struct MissingField: Error, CustomStringConvertible {
    let name: String
    var description: String { "vector field \(name) is missing or of the wrong type" }
}

/// A typed field of a JSON object from a vector file.
func field<T>(_ object: [String: Any], _ name: String, _ type: T.Type) throws -> T {
    guard let value = object[name] as? T else { throw MissingField(name: name) }
    return value
}
