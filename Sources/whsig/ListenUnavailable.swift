#if !Hummingbird
import ArgumentParser

/// `whsig listen` in a build without the `Hummingbird` trait: the receiver needs Hummingbird, which
/// a plain build leaves out so that consumers of the library do not resolve it. Prints how to build
/// the command and exits 2, whatever the arguments.
struct Listen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Receive webhooks on a local port (needs a build with --traits Hummingbird).",
        discussion: """
            This whsig was built without the Hummingbird trait, which the receiver needs.

            Example (build and run it with the trait):
              swift run --traits Hummingbird whsig listen --port 8080 --key platform-public.b64
            """
    )

    /// Accepted and ignored, so that any `listen` command line gets the message below.
    @Argument(parsing: .allUnrecognized) var arguments: [String] = []

    static let message =
        "listen needs the Hummingbird trait: build with `swift build --traits Hummingbird` or run `swift run --traits Hummingbird whsig listen ...`"

    func run() throws {
        printError(Self.message)
        throw ExitCode(Exit.usage)
    }
}
#endif
