import Foundation
import Testing

@testable import WebhookSignatureTestSupport

/// A consumer that uses only the `WebhookSignature` product resolves at most 4 packages: this one,
/// swift-asn1, swift-extras-base64 and swift-argument-parser (the CLI's). The Hummingbird and Vapor
/// integrations sit behind package traits that are off by default, so their graphs (26 packages
/// before the traits) stay out. Checked with the README's own dependency line, pointed at this
/// checkout as a `file://` URL of a tagged clone, and as a path dependency.
@Suite("Package graph of a plain consumer", .serialized)
struct PackageGraphTests {
    static let root = Vectors.packageRoot
    static let maximumPins = 4

    /// The README's `.package(url: "…/swift-webhook-signature", from: "X")` line, and its version.
    static func readmeDependency() throws -> (line: String, url: String, version: String) {
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        // The dependency exactly as the README writes it (in a code block or inline code).
        let match = try #require(
            readme.firstMatch(of: /\.package\(url: "[^"]*swift-webhook-signature", from: "[0-9.]+"\)/),
            "the README shows no .package(url:) dependency for swift-webhook-signature")
        let line = String(match.output)
        let url = try #require(line.firstMatch(of: /url: "([^"]+)"/)?.1, "no url in \(line)")
        let version = try #require(line.firstMatch(of: /from: "([0-9.]+)"/)?.1, "no from: version in \(line)")
        return (line.trimmingCharacters(in: .whitespaces), String(url), String(version))
    }

    /// Writes a consumer package whose only dependency is `dependency`, resolves it and returns the pins.
    static func resolvePins(dependency: String, packageIdentity: String) throws -> [String] {
        let directory = try CLI.temporaryDirectory().appendingPathComponent("consumer")
        let sources = directory.appendingPathComponent("Sources/consumer")
        try FileManager.default.createDirectory(at: sources, withIntermediateDirectories: true)
        let manifest = """
            // swift-tools-version: 6.1
            import PackageDescription

            let package = Package(
                name: "consumer",
                dependencies: [
                    \(dependency)
                ],
                targets: [
                    .executableTarget(
                        name: "consumer",
                        dependencies: [.product(name: "WebhookSignature", package: "\(packageIdentity)")]
                    )
                ]
            )
            """
        try Data(manifest.utf8).write(to: directory.appendingPathComponent("Package.swift"))
        try Data("import WebhookSignature\nprint(WebhookSignatureVersion.string)\n".utf8).write(to: sources.appendingPathComponent("main.swift"))
        let resolve = try Shell.run("/usr/bin/env", ["swift", "package", "resolve"], in: directory)
        try #require(resolve.status == 0, "swift package resolve failed:\n\(resolve.stdout)\n\(resolve.stderr)")
        let resolved = try Data(contentsOf: directory.appendingPathComponent("Package.resolved"))
        let object = try #require(try JSONSerialization.jsonObject(with: resolved) as? [String: Any])
        let pins = try #require(object["pins"] as? [[String: Any]])
        return pins.compactMap { $0["identity"] as? String }.sorted()
    }

    @Test("the README's dependency line, pointed at a tagged clone of this checkout, resolves at most 4 packages")
    func urlDependency() throws {
        let (line, url, version) = try Self.readmeDependency()
        // A clone of this checkout, with the working tree's manifest, tagged with the README's version.
        let clone = try CLI.temporaryDirectory().appendingPathComponent("swift-webhook-signature")
        let cloned = try Shell.run("/usr/bin/env", ["git", "clone", "--quiet", "--no-hardlinks", Self.root.path, clone.path])
        try #require(cloned.status == 0, "git clone failed: \(cloned.stderr)")
        try FileManager.default.removeItem(at: clone.appendingPathComponent("Package.swift"))
        try FileManager.default.copyItem(at: Self.root.appendingPathComponent("Package.swift"), to: clone.appendingPathComponent("Package.swift"))
        let git = ["git", "-C", clone.path, "-c", "user.name=test", "-c", "user.email=test@example.invalid"]
        _ = try Shell.run("/usr/bin/env", git + ["commit", "--quiet", "--allow-empty", "-am", "manifest of the checkout"])
        let tagged = try Shell.run("/usr/bin/env", git + ["tag", version])
        try #require(tagged.status == 0, "git tag failed: \(tagged.stderr)")

        let dependency = line.replacingOccurrences(of: url, with: clone.absoluteURL.absoluteString)
            .trimmingCharacters(in: CharacterSet(charactersIn: ", "))
        let pins = try Self.resolvePins(dependency: dependency + ",", packageIdentity: "swift-webhook-signature")
        print("consumer by URL resolves \(pins.count) packages: \(pins.joined(separator: ", "))")
        #expect(pins.contains("swift-webhook-signature"))
        #expect(pins.count <= Self.maximumPins, "a plain consumer resolves \(pins.count) packages: \(pins)")
        for integration in ["hummingbird", "vapor", "swift-nio", "swift-log"] {
            #expect(!pins.contains(integration), "\(integration) is in a plain consumer's graph")
        }
    }

    @Test("a path dependency on this checkout resolves at most 4 packages")
    func pathDependency() throws {
        let pins = try Self.resolvePins(
            dependency: ".package(path: \"\(Self.root.path)\"),", packageIdentity: Self.root.lastPathComponent.lowercased())
        print("consumer by path resolves \(pins.count) packages: \(pins.joined(separator: ", "))")
        #expect(pins.count <= Self.maximumPins, "a plain consumer resolves \(pins.count) packages: \(pins)")
        #expect(pins.contains("swift-asn1") && pins.contains("swift-extras-base64"))
        for integration in ["hummingbird", "vapor", "swift-nio", "swift-log"] {
            #expect(!pins.contains(integration), "\(integration) is in a plain consumer's graph")
        }
    }
}
