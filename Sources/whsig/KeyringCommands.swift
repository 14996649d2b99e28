import ArgumentParser
import Foundation
import WebhookSignature

struct KeyringCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keyring",
        abstract: "Manage a keyring file of trusted public keys.",
        discussion: """
            Every change is atomic (a temporary file, then a rename) and keeps the previous file as
            KEYRING.bak. A corrupt keyring is refused with exit 2 and never overwritten.

            Example:
              whsig keyring add --keyring receivers.json \\
                --key platform-eu.b64 --label eu-prod
              whsig keyring list --keyring receivers.json
            """,
        subcommands: [KeyringAdd.self, KeyringList.self, KeyringRetire.self, KeyringRemove.self, KeyringPush.self]
    )
}

/// Loads a keyring for a change; a missing file is an empty keyring only when `create` is set.
func loadKeyringForChange(_ path: String, create: Bool) throws -> Keyring {
    if !FileManager.default.fileExists(atPath: path) {
        if create { return try Keyring() }
        throw UsageFailure("cannot read the keyring \(path): no such file")
    }
    return try loadKeyring(path, backend: .default)
}

func saveKeyring(_ ring: Keyring, to path: String) throws {
    try SafeFile.writeAtomically(ring.jsonBytes(), to: path, permissions: .keepExisting(orNew: 0o644), backup: true)
}

func keyringJSON(_ ring: Keyring, at time: UnixTime) -> [[String: Any]] {
    ring.keys.map { key in
        var entry: [String: Any] = ["id": key.id.hex, "status": key.status(at: time).name, "bits": key.key.bitCount]
        entry["label"] = key.label ?? NSNull()
        entry["notBefore"] = key.notBeforeTime?.rfc3339 ?? NSNull()
        entry["notAfter"] = key.notAfterTime?.rfc3339 ?? NSNull()
        return entry
    }
}

struct KeyringAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a public key to a keyring (the file is created when absent).",
        discussion: """
            Example:
              whsig keyring add --keyring receivers.json --key next.pub.b64 \\
                --label eu-prod-2027 --not-before 2027-01-01T00:00:00Z
            """
    )

    @Option(help: ArgumentHelp("The keyring file.", valueName: "PATH")) var keyring: String
    @Option(help: ArgumentHelp("A public key, private key or certificate file (its public key is added).", valueName: "FILE"))
    var key: String
    @Option(help: "A label such as eu-prod.") var label: String?
    @Option(help: ArgumentHelp("Valid from (RFC 3339, a date, or now+DURATION).", valueName: "TIME")) var notBefore: String?
    @Option(help: ArgumentHelp("Valid until (RFC 3339, a date, or now+DURATION).", valueName: "TIME")) var notAfter: String?
    @Flag(help: "Report as JSON.") var json = false

    func run() async throws {
        var ring = try loadKeyringForChange(keyring, create: true)
        let publicKey = try loadAnyKey(key).publicKey
        if let label, let problem = Keyring.labelProblem(label) { throw UsageFailure("--label: \(problem)") }
        let trusted = TrustedKey(key: publicKey, label: label, notBefore: try notBefore.map(parseTime)?.seconds, notAfter: try notAfter.map(parseTime)?.seconds)
        try ring.add(trusted)
        try saveKeyring(ring, to: keyring)
        if json {
            printJSON(["added": trusted.id.hex, "keyring": keyring, "count": ring.keys.count])
        } else {
            print("added \(trusted.id)\(label.map { " (\($0))" } ?? "") to \(keyring); \(ring.keys.count) key(s)")
        }
    }
}

struct KeyringList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List a keyring's keys with their status now: active, not-yet-valid, expired or retired.",
        discussion: """
            Example:
              whsig keyring list --keyring receivers.json --json
            """
    )

    @Option(help: ArgumentHelp("The keyring file.", valueName: "PATH")) var keyring: String
    @Option(help: ArgumentHelp("Evaluate status at this time instead of now.", valueName: "TIME")) var at: String?
    @Flag(help: "Report as JSON.") var json = false

    func run() async throws {
        let ring = try loadKeyring(keyring, backend: .default)
        let time = try at.map(parseTime) ?? .now
        if json {
            printJSON(["keyring": keyring, "at": time.rfc3339, "keys": keyringJSON(ring, at: time)])
            return
        }
        if ring.keys.isEmpty { print("(no keys)") }
        for key in ring.keys {
            let window = "\(key.notBeforeTime?.rfc3339 ?? "-") .. \(key.notAfterTime?.rfc3339 ?? "-")"
            let status = key.status(at: time).name.padding(toLength: 13, withPad: " ", startingAt: 0)
            print("\(key.id.hex)  \(status)  \((key.label ?? "-").padding(toLength: 16, withPad: " ", startingAt: 0))  \(window)")
        }
    }
}

struct KeyringRetire: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retire",
        abstract: "Mark a key retired: its signatures are rejected from now on, whatever its window.",
        discussion: """
            Example:
              whsig keyring retire --keyring receivers.json eu-prod-2026
            """
    )

    @Option(help: ArgumentHelp("The keyring file.", valueName: "PATH")) var keyring: String
    @Argument(help: ArgumentHelp("The key's id (or a unique prefix of 8+ hex digits) or label.", valueName: "ID-OR-LABEL"))
    var key: String
    @Flag(help: "Report as JSON.") var json = false

    func run() async throws {
        var ring = try loadKeyringForChange(keyring, create: false)
        let index = try ring.index(of: key)
        try ring.retire(key)
        try saveKeyring(ring, to: keyring)
        let id = ring.keys[index].id.hex
        if json { printJSON(["retired": id, "keyring": keyring]) } else { print("retired \(id) in \(keyring)") }
    }
}

struct KeyringRemove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove a key from a keyring.",
        discussion: """
            Example:
              whsig keyring remove --keyring receivers.json 6b1c9f8d
            """
    )

    @Option(help: ArgumentHelp("The keyring file.", valueName: "PATH")) var keyring: String
    @Argument(help: ArgumentHelp("The key's id (or a unique prefix of 8+ hex digits) or label.", valueName: "ID-OR-LABEL"))
    var key: String
    @Flag(help: "Report as JSON.") var json = false

    func run() async throws {
        var ring = try loadKeyringForChange(keyring, create: false)
        let removed = try ring.remove(key)
        try saveKeyring(ring, to: keyring)
        if json { printJSON(["removed": removed.id.hex, "keyring": keyring]) } else { print("removed \(removed.id) from \(keyring)") }
    }
}
