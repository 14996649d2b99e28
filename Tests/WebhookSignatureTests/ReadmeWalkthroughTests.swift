import Foundation
import Testing
import WebhookSignature
@testable import WebhookSignatureTestSupport

/// Runs the README as written: every block marked `<!-- test: sh -->` is a shell transcript run
/// with the built `whsig` on PATH, and every block marked `<!-- test: file PATH -->` is a file of a
/// consumer package that is built once and run on the real delivery.
///
/// A transcript is lines `$ COMMAND` (a line ending in `\` continues on the next), each followed by
/// the output it must print (standard output and error together). In expected output, `…` matches
/// any text within a line, and a line that is only `…` matches any number of lines. Every command
/// must exit 0: a command that is meant to fail shows `; echo "exit $?"`. All transcripts run in one
/// shell, in order, so a variable or file one block makes is there for the next.
@Suite("README runs as written", .serialized)
struct ReadmeWalkthroughTests {
    struct Block {
        var kind: String  // "sh" or "file"
        var argument: String
        var body: String
        var line: Int
    }

    struct Step {
        var command: String
        var expected: [String]
        var line: Int
    }

    static let readmeURL = Vectors.packageRoot.appendingPathComponent("README.md")

    /// The marked blocks, in order: a marker comment, then the next fenced block.
    static func markedBlocks(_ text: String) -> [Block] {
        let lines = text.components(separatedBy: "\n")
        var blocks: [Block] = []
        var index = 0
        while index < lines.count {
            let line = lines[index].trimmingCharacters(in: .whitespaces)
            guard line.hasPrefix("<!-- test:"), line.hasSuffix("-->") else {
                index += 1
                continue
            }
            let spec = line.dropFirst("<!-- test:".count).dropLast(3).trimmingCharacters(in: .whitespaces)
            let words = spec.split(separator: " ", maxSplits: 1).map(String.init)
            var fence = index + 1
            while fence < lines.count, !lines[fence].hasPrefix("```") { fence += 1 }
            var end = fence + 1
            while end < lines.count, !lines[end].hasPrefix("```") { end += 1 }
            let body = fence + 1 < end ? lines[(fence + 1)..<end].joined(separator: "\n") : ""
            blocks.append(Block(kind: words.first ?? "", argument: words.count > 1 ? words[1] : "", body: body, line: fence + 2))
            index = end + 1
        }
        return blocks
    }

    /// Splits a transcript into commands and their expected output.
    static func steps(_ block: Block) -> [Step] {
        var steps: [Step] = []
        let lines = block.body.components(separatedBy: "\n")
        var index = 0
        while index < lines.count {
            let line = lines[index]
            if line.hasPrefix("$ ") {
                var command = String(line.dropFirst(2))
                let start = index
                while command.hasSuffix("\\"), index + 1 < lines.count {
                    index += 1
                    command += "\n" + lines[index]
                }
                steps.append(Step(command: command, expected: [], line: block.line + start))
            } else if !steps.isEmpty {
                steps[steps.count - 1].expected.append(line)
            }
            index += 1
        }
        return steps
    }

    /// Whether `actual` matches `expected`, where `…` is a wildcard within a line and a lone `…`
    /// line matches any number of lines.
    static func matches(_ actual: ArraySlice<String>, _ expected: ArraySlice<String>) -> Bool {
        guard let first = expected.first else { return actual.isEmpty }
        if first == "…" {
            var rest = actual
            while true {
                if matches(rest, expected.dropFirst()) { return true }
                if rest.isEmpty { return false }
                rest = rest.dropFirst()
            }
        }
        guard let line = actual.first, lineMatches(line, first) else { return false }
        return matches(actual.dropFirst(), expected.dropFirst())
    }

    static func lineMatches(_ line: String, _ pattern: String) -> Bool {
        let pieces = pattern.components(separatedBy: "…")
        if pieces.count == 1 { return line == pattern }
        var rest = Substring(line)
        guard rest.hasPrefix(pieces[0]) else { return false }
        rest = rest.dropFirst(pieces[0].count)
        for (offset, piece) in pieces.enumerated().dropFirst() {
            if offset == pieces.count - 1 { return piece.isEmpty || rest.hasSuffix(piece) }
            guard let found = rest.range(of: piece) else { return false }
            rest = rest[found.upperBound...]
        }
        return true
    }

    @Test("the transcript reader and the wildcard work as documented")
    func transcriptReader() {
        let text = "x\n<!-- test: sh -->\n```\n$ echo a \\\n  b\na b\n$ true\n```\n<!-- test: file P.swift -->\n```swift\nlet x = 1\n```\n"
        let blocks = Self.markedBlocks(text)
        #expect(blocks.map(\.kind) == ["sh", "file"])
        #expect(blocks[1].argument == "P.swift" && blocks[1].body == "let x = 1")
        let steps = Self.steps(blocks[0])
        #expect(steps.map(\.command) == ["echo a \\\n  b", "true"])
        #expect(steps[0].expected == ["a b"])
        #expect(Self.matches(["key 1234 (a)"], ["key … (a)"]))
        #expect(!Self.matches(["key 1234 (b)"], ["key … (a)"]))
        #expect(Self.matches(["a", "b", "c"], ["a", "…"]))
        #expect(Self.matches(["a", "b", "c"], ["…", "c"]))
        #expect(!Self.matches(["a", "b"], ["a"]))
        #expect(!Self.matches([], ["a"]))
    }

    @Test("the sample event in Examples is the library's sample event, byte for byte")
    func sampleEventFile() throws {
        let file = try Data(contentsOf: Vectors.packageRoot.appendingPathComponent("Examples/sample-event.json"))
        #expect([UInt8](file) == SampleEvent.body)
    }

    @Test("every shell transcript in the README runs and prints what it shows", .enabled(if: Vectors.available, Vectors.skipNote))
    func shellTranscripts() throws {
        let blocks = Self.markedBlocks(try String(contentsOf: Self.readmeURL, encoding: .utf8)).filter { $0.kind == "sh" }
        #expect(blocks.count >= 3, "the README marks its walkthroughs with <!-- test: sh -->")
        let steps = blocks.flatMap(Self.steps)

        // A folder laid out like the checkout: Examples/ beside it, the vectors at ../shared/vectors.
        let base = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: base) }
        let work = base.appendingPathComponent("work")
        try FileManager.default.createDirectory(at: base.appendingPathComponent("shared"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: base.appendingPathComponent("shared/vectors"), withDestinationURL: Vectors.directory)
        try FileManager.default.createSymbolicLink(
            at: work.appendingPathComponent("Examples"), withDestinationURL: Vectors.packageRoot.appendingPathComponent("Examples"))

        var script = "exec 2>&1\ncd '\(work.path)'\n"
        for (index, step) in steps.enumerated() {
            script += "echo '@@step \(index)@@'\n{ \(step.command)\n}\necho \"@@status $?@@\"\n"
        }
        let scriptURL = base.appendingPathComponent("readme.sh")
        try script.write(to: scriptURL, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["300", "bash", scriptURL.path]
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = CLI.binary.deletingLastPathComponent().path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()

        // Split the run into each step's output and exit status.
        var outputs: [[String]] = Array(repeating: [], count: steps.count)
        var statuses: [Int32?] = Array(repeating: nil, count: steps.count)
        var current = -1
        for line in String(decoding: data, as: UTF8.self).components(separatedBy: "\n") {
            if line.hasPrefix("@@step "), line.hasSuffix("@@"), let n = Int(line.dropFirst(7).dropLast(2)) {
                current = n
            } else if line.hasPrefix("@@status "), line.hasSuffix("@@"), current >= 0 {
                statuses[current] = Int32(line.dropFirst(9).dropLast(2))
            } else if current >= 0 {
                outputs[current].append(line)
            }
        }
        for (index, step) in steps.enumerated() {
            var actual = outputs[index]
            while actual.last == "" { actual.removeLast() }
            var expected = step.expected
            while expected.last == "" { expected.removeLast() }
            #expect(statuses[index] == 0, "README line \(step.line): `\(step.command)` exited \(statuses[index].map(String.init) ?? "never ran")")
            #expect(
                Self.matches(actual[...], expected[...]),
                """
                README line \(step.line): `\(step.command)` printed
                \(actual.joined(separator: "\n"))
                but the README shows
                \(expected.joined(separator: "\n"))
                """)
        }
    }

    @Test("the Swift quick start compiles as a consumer package and verifies the real delivery", .enabled(if: Vectors.available, Vectors.skipNote))
    func swiftQuickStart() throws {
        let files = Self.markedBlocks(try String(contentsOf: Self.readmeURL, encoding: .utf8)).filter { $0.kind == "file" }
        #expect(files.contains { $0.argument == "Package.swift" }, "the README marks its Package.swift with <!-- test: file Package.swift -->")
        #expect(files.contains { $0.argument.hasSuffix("main.swift") })

        // In .build-readme, kept between runs so the one build is incremental: the consumer beside a
        // link named like the checkout, as the README's `.package(path: "../swift-webhook-signature")` expects.
        let base = Vectors.packageRoot.appendingPathComponent(".build-readme")
        let consumer = base.appendingPathComponent("verify-delivery")
        let link = base.appendingPathComponent("swift-webhook-signature")
        try FileManager.default.createDirectory(at: consumer, withIntermediateDirectories: true)
        if (try? FileManager.default.destinationOfSymbolicLink(atPath: link.path)) != Vectors.packageRoot.path {
            try? FileManager.default.removeItem(at: link)
            try FileManager.default.createSymbolicLink(at: link, withDestinationURL: Vectors.packageRoot)
        }
        // Only the README's files: an earlier run's file that the README no longer has is removed.
        let sources = consumer.appendingPathComponent("Sources")
        try? FileManager.default.removeItem(at: sources)
        for file in files {
            let url = consumer.appendingPathComponent(file.argument)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            if (try? String(contentsOf: url, encoding: .utf8)) != file.body + "\n" {
                try (file.body + "\n").write(to: url, atomically: true, encoding: .utf8)
            }
        }

        let build = try Self.run(["swift", "build", "--package-path", consumer.path], in: consumer)
        #expect(build.status == 0, "the README's Swift blocks do not build:\n\(build.output)")
        guard build.status == 0 else { return }
        let binPath = try Self.run(["swift", "build", "--package-path", consumer.path, "--show-bin-path"], in: consumer)
        let binary = binPath.output.trimmingCharacters(in: .whitespacesAndNewlines) + "/verify-delivery"

        // The run the README shows, on the real delivery.
        let delivery = try #require(try Vectors.json("fluent/real-webhook.json") as? [String: Any])
        let headers = try #require(delivery["headers"] as? [String: String])
        let work = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        try (delivery["publicKeyX509Base64"] as? String ?? "").write(
            to: work.appendingPathComponent("platform.b64"), atomically: true, encoding: .utf8)
        try Vectors.data("fluent/real-webhook-body.json").write(to: work.appendingPathComponent("body.json"))
        let valid = try Self.run([binary, "platform.b64", "body.json", headers["fluent-signature"] ?? ""], in: work)
        #expect(valid.status == 0 && valid.output == "verified by eu-prod\n", "\(valid.output)")

        try (Vectors.data("fluent/real-webhook-body.json") + Data("\n".utf8)).write(to: work.appendingPathComponent("body.json"))
        let changed = try Self.run([binary, "platform.b64", "body.json", headers["fluent-signature"] ?? ""], in: work)
        #expect(changed.status == 1 && changed.output.hasPrefix("rejected: body_mismatch "), "\(changed.output)")
    }

    static func run(_ arguments: [String], in directory: URL) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
