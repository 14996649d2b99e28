import ArgumentParser
import Foundation
import WebhookSignature

struct Canonicalize: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a JSON body's canonical bytes to standard output (no trailing newline).",
        discussion: """
            compact removes whitespace outside strings and keeps everything else byte for byte: it
            rebuilds the platform's wire form from a pretty-printed copy. jcs is RFC 8785.

            Example:
              whsig canonicalize --mode compact pretty-event.json > event.json
            """
    )

    @Option(help: "compact or jcs.")
    var mode: CanonicalMode

    @Argument(help: ArgumentHelp("The JSON file, or - for standard input.", valueName: "FILE"))
    var file: String?

    func run() async throws {
        let output = try Canonicalizer.canonicalize(try readInput(file), mode: mode)
        FileHandle.standardOutput.write(Data(output))
    }
}
