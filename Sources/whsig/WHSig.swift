import ArgumentParser
import Foundation
import WebhookInbox
import WebhookSignature

/// Exit codes shared by every command.
enum Exit {
    static let ok: Int32 = 0
    static let invalid: Int32 = 1
    static let usage: Int32 = 2
}

struct WHSig: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whsig",
        abstract: "Sign and verify Fluent Commerce webhooks (MD5withRSA and SHA512withRSA), and manage their keys.",
        discussion: """
            Exit codes: 0 success, 1 a signature did not verify, 2 bad usage or bad input.

            Start with:  whsig demo
            """,
        version: WebhookSignatureVersion.string,
        subcommands: [
            Demo.self, Verify.self, Sign.self,
            Send.self, Listen.self,
            Keygen.self, Pubkey.self, Fingerprint.self, Inspect.self, Convert.self, KeyringCommand.self, Rotate.self,
            Canonicalize.self, Digest.self, Speed.self, InboxCommand.self,
        ]
    )
}

/// A failure the CLI reports as one line on stderr and exit code 2.
struct UsageFailure: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

@main
enum Main {
    static func main() async {
        let code = await run(Array(CommandLine.arguments.dropFirst()))
        exit(code)
    }

    static func run(_ arguments: [String]) async -> Int32 {
        do {
            var command = try WHSig.parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return Exit.ok
        } catch let error as WebhookSignatureError {
            printError("\(error.reason) [\(error.code)]")
            return Exit.usage
        } catch let error as InboxError {
            printError("\(error.reason) [\(error.code)]")
            return Exit.usage
        } catch let error as UsageFailure {
            printError(error.message)
            return Exit.usage
        } catch let error as ExitCode {
            return error.rawValue
        } catch {
            let code = WHSig.exitCode(for: error)
            let message = WHSig.fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                return Exit.ok
            }
            if !message.isEmpty { FileHandle.standardError.write(Data((withErrorPrefix(message) + "\n").utf8)) }
            // swift-argument-parser uses 64 (EX_USAGE) for usage errors and 1 for an error it does not
            // know (an I/O error, say); this tool's contract is 2 for both, since 1 means "did not verify".
            return code.rawValue == 64 || code == .failure ? Exit.usage : code.rawValue
        }
    }
}

/// The prefix of every error line, the tool's own and swift-argument-parser's alike.
let errorPrefix = "whsig: error: "

func printError(_ message: String) {
    FileHandle.standardError.write(Data("\(errorPrefix)\(message)\n".utf8))
}

/// swift-argument-parser starts its messages with `Error: `; this tool's start with `whsig: error: `,
/// so that one pattern finds both in a log.
func withErrorPrefix(_ message: String) -> String {
    if message.hasPrefix("Error: ") { return errorPrefix + message.dropFirst("Error: ".count) }
    if message.hasPrefix(errorPrefix) { return message }
    return errorPrefix + message
}
