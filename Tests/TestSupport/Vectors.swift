import Foundation
import Testing

/// Where the shared reference vectors live: `$WHSIG_VECTORS`, else `../shared/vectors` beside the package.
///
/// Tests that need them carry `.enabled(if: Vectors.available, Vectors.skipNote)`. When the folder is
/// absent they are skipped with that note; under `CI=true` the `referenceVectorsPresentUnderCI` test fails.
enum Vectors {
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // TestSupport
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root

    static let directory: URL = {
        if let env = ProcessInfo.processInfo.environment["WHSIG_VECTORS"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/vectors")
    }()

    static var available: Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent("SOURCE.md").path)
    }

    static let skipNote: Comment = "reference vectors not found at \(directory.path) (set WHSIG_VECTORS); skipped"

    static func url(_ relative: String) -> URL { directory.appendingPathComponent(relative) }

    static func data(_ relative: String) throws -> Data { try Data(contentsOf: url(relative)) }

    static func bytes(_ relative: String) throws -> [UInt8] { [UInt8](try data(relative)) }

    static func json(_ relative: String) throws -> Any { try JSONSerialization.jsonObject(with: data(relative)) }

    /// Vectors this repository generated itself (Tests/Vectors), always present.
    static func ownURL(_ relative: String) -> URL {
        packageRoot.appendingPathComponent("Tests/Vectors").appendingPathComponent(relative)
    }

    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }
}

func hexBytes(_ hex: String) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(hex.utf8.count / 2)
    var iterator = hex.utf8.makeIterator()
    func nibble(_ c: UInt8) -> UInt8 {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: fatalError("bad hex in test vector")
        }
    }
    while let high = iterator.next(), let low = iterator.next() {
        out.append(nibble(high) << 4 | nibble(low))
    }
    return out
}
