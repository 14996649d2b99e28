import ArgumentParser
import Foundation
import WebhookInbox
import WebhookSignature

struct KeyringPush: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Publish a keyring file to a PostgreSQL store as a new version, for every receiver of a fleet.",
        discussion: """
            The keyring must load (every key valid, at least one key): a corrupt file is refused with exit 2
            and nothing is published. Each push adds a version row to whsig_keyring; every
            'whsig listen --store URL' started without --key or --keyring switches to it within its
            --reload-interval (1 s by default), and deliveries in flight finish with the keyring they
            started with.

            Example:
              whsig keyring add --keyring fleet.json --key next.pub.b64 \\
                --label eu-prod-2027
              whsig keyring push --store postgres://whsig@127.0.0.1:5432/webhooks \\
                --keyring fleet.json
            """
    )

    @OptionGroup var target: RequiredStoreOption
    @Option(help: ArgumentHelp("The keyring file to publish.", valueName: "PATH")) var keyring: String
    @Flag(help: "Report as JSON.") var json = false

    func run() async throws {
        let ring = try loadKeyring(keyring, backend: .default)
        guard !ring.keys.isEmpty else { throw UsageFailure("\(keyring): the keyring has no keys; nothing was published") }
        guard PostgresLocation.isPostgresURL(target.store) else {
            throw UsageFailure("--store must be a postgres:// URL: a folder store has no keyring")
        }
        // What is published is the keyring as this version of whsig writes it, so every reader parses it.
        let bytes = ring.jsonBytes()
        let version = try await withStore(target.store) { opened in
            guard let registry = opened.keyrings else { throw UsageFailure("\(opened.deliveries.displayName) holds no keyring") }
            return try await registry.publishKeyring(bytes)
        }
        if json {
            printJSON(["version": version, "keys": ring.keys.count, "keyring": keyring])
        } else {
            print("published \(keyring) as version \(version) (\(ring.keys.count) key(s))")
        }
    }
}
