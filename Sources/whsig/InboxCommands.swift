import ArgumentParser
import Foundation
import WebhookInbox
import WebhookSignature

struct InboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inbox",
        abstract: "List and export the deliveries that 'whsig listen --store' stored.",
        discussion: """
            Example:
              whsig inbox list --store postgres://whsig@127.0.0.1:5432/webhooks \\
                --since now-1h
              whsig inbox export --store postgres://whsig@127.0.0.1:5432/webhooks \\
                --output event.json "$DIGEST"
            """,
        subcommands: [InboxList.self, InboxExport.self]
    )
}

struct InboxList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List stored deliveries, oldest first: digest, time, size, key, event id and name.",
        discussion: """
            One line per delivery: <sha512-hex> <received RFC 3339> bytes=<n> key=<id prefix> id=<event id> name=<event name>.
            With --json, one JSON array of objects (digest, receivedAt, bytes, keyId, eventId, eventName).

            Example:
              whsig inbox list --store received/ --json
            """
    )

    @OptionGroup var target: RequiredStoreOption
    @Option(help: ArgumentHelp("Only deliveries received at or after TIME (RFC 3339, a date, or now-DURATION).", valueName: "TIME"))
    var since: String?
    @Option(help: "At most this many deliveries.") var limit: Int = 10_000
    @Flag(help: "Print a JSON array.") var json = false

    func validate() throws {
        if limit < 0 { throw ValidationError("--limit must not be negative") }
    }

    func run() async throws {
        let from = try since.map { Date(timeIntervalSince1970: TimeInterval(try parseTime($0).seconds)) }
        let limit = self.limit
        let rows = try await withStore(target.store) { opened in
            try await opened.deliveries.list(since: from, limit: limit)
        }
        func time(_ date: Date) -> String { date.formatted(.iso8601) }
        if json {
            printJSON(
                rows.map { row -> [String: Any] in
                    [
                        "digest": row.digest, "receivedAt": time(row.receivedAt), "bytes": row.size,
                        "keyId": row.keyID ?? NSNull(), "eventId": row.eventID ?? NSNull(), "eventName": row.eventName ?? NSNull(),
                    ]
                })
        } else {
            for row in rows {
                print(
                    "\(row.digest) \(time(row.receivedAt)) bytes=\(row.size) key=\(row.keyID.map { String($0.prefix(16)) } ?? "-") "
                        + "id=\(row.eventID ?? "-") name=\(row.eventName ?? "-")")
            }
        }
    }
}

struct InboxExport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write one stored body, byte for byte, to standard output or --output.",
        discussion: """
            DIGEST is the body's SHA-512 in lowercase hex, as 'whsig inbox list' prints it. An unknown
            digest is exit 2 with nothing written.

            Example:
              whsig inbox export --store received/ "$DIGEST" > event.json
            """
    )

    @OptionGroup var target: RequiredStoreOption
    @Option(help: ArgumentHelp("Write the body to this file (refused if it exists, unless --force).", valueName: "FILE"))
    var output: String?
    @Flag(help: "Overwrite --output.") var force = false
    @Argument(help: ArgumentHelp("The body's SHA-512 digest (128 lowercase hex digits).", valueName: "DIGEST"))
    var digest: String

    func validate() throws {
        if !StoredDelivery.isDigest(digest) { throw ValidationError("DIGEST must be 128 lowercase hex digits (the body's SHA-512)") }
    }

    func run() async throws {
        if let output { try SafeFile.checkWritable(output, force: force) }
        let digest = self.digest
        let body = try await withStore(target.store) { opened in
            try await opened.deliveries.body(digest: digest)
        }
        guard let body else { throw InboxError(.notFound, "no stored delivery has the digest \(digest.prefix(16))…") }
        if let output {
            try SafeFile.writeAtomically(body, to: output, mode: 0o600)
        } else {
            FileHandle.standardOutput.write(Data(body))
        }
    }
}
