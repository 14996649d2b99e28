import ArgumentParser
import Foundation
import WebhookSignature

struct Digest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the SHA-512 (or MD5) of a body, optionally canonicalised: an idempotency key for retries.",
        discussion: """
            Retries carry byte-identical bodies, so the raw digest identifies a delivery.

            Example:
              whsig digest event.json
              whsig digest --canonical jcs --algorithm sha512 event.json
            """
    )

    @Option(help: "sha512 (default) or md5.")
    var algorithm: AlgorithmChoice = .sha512

    @Option(help: "raw (default), compact or jcs.")
    var canonical: CanonicalMode = .raw

    @Flag(help: "Report as JSON.")
    var json = false

    @Argument(help: ArgumentHelp("The body file, or - for standard input.", valueName: "FILE"))
    var file: String?

    func validate() throws {
        if algorithm == .both { throw ValidationError("--algorithm is sha512 or md5") }
    }

    func run() async throws {
        let chosen = algorithm.algorithms[0]
        let digest: [UInt8]
        if canonical == .raw {
            let hasher = try BodyDigest(algorithm: chosen)
            try forEachChunk(of: file) { try hasher.update($0) }
            digest = try hasher.finalize()
        } else {
            let hasher = try BodyDigest(algorithm: chosen)
            try hasher.update(Canonicalizer.canonicalize(try readInput(file), mode: canonical))
            digest = try hasher.finalize()
        }
        let hex = Hex.encode(digest)
        if json {
            printJSON(["algorithm": chosen.shortName, "canonical": canonical.name, "digest": hex])
        } else {
            print(hex)
        }
    }
}
