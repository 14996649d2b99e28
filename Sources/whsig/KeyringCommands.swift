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
        subcommands: [KeyringAdd.self, KeyringList.self, KeyringRetire.self, KeyringRemove.self]
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
    try SafeFile.writeAtomically(ring.jsonBytes(), to: path, mode: 0o644, backup: true)
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

struct Rotate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rotate to a new key pair through a keyring, with an overlap.",
        discussion: """
            Generates the next key pair into --private-key and --public-key (new files), adds the new
            public key to the keyring as active from now, and sets every other active key to expire
            after --overlap (default 7d). Then distribute the keyring (or the new public key) to
            receivers, and switch the sender to the new private key within the overlap. Nothing is
            written with --dry-run.

            Example:
              whsig rotate --keyring receivers.json --private-key sender-2027.pem \\
                --public-key sender-2027.pub.b64 --overlap 14d --label sender-2027
            """
    )

    @Option(help: ArgumentHelp("The keyring file (created when absent).", valueName: "PATH")) var keyring: String
    @Option(help: ArgumentHelp("Where to write the NEW private key (PKCS#8 PEM, mode 0600).", valueName: "PATH"))
    var privateKey: String
    @Option(help: ArgumentHelp("Where to write the NEW public key (x509 base64).", valueName: "PATH")) var publicKey: String
    @Option(help: "How long the old keys stay valid: 90s, 15m, 36h, 7d, 2w.") var overlap = "7d"
    @Option(help: "The new key's size in bits.") var bits = 2048
    @Option(help: "A label for the new key (default: key-YYYYMMDD).") var label: String?
    @Flag(help: "Show what would happen; write nothing.") var dryRun = false
    @Flag(help: "Overwrite existing key files.") var force = false
    @OptionGroup var backendOptions: BackendOptions
    @Flag(help: "Report as JSON.") var json = false

    func validate() throws {
        if bits < 2048 || bits > 16384 || bits % 8 != 0 { throw ValidationError("--bits must be a multiple of 8 from 2048 to 16384") }
    }

    func run() async throws {
        let overlapSeconds = try parseDuration(overlap)
        var ring = try loadKeyringForChange(keyring, create: true)
        try SafeFile.checkWritable(privateKey, force: force)
        try SafeFile.checkWritable(publicKey, force: force)
        let now = UnixTime.now
        let retireAt = now.adding(seconds: overlapSeconds)
        let newLabel = label ?? "key-" + now.rfc3339.prefix(10).replacingOccurrences(of: "-", with: "")
        let key = try withProgress("generating a \(bits)-bit RSA key", show: bits >= 4096) {
            try RSAPrivateKey(generatingBits: bits, backend: backendOptions.backend)
        }
        var scheduled: [TrustedKey] = []
        for index in ring.keys.indices where ring.keys[index].status(at: now) == .active {
            if ring.keys[index].notAfterTime == nil || retireAt < ring.keys[index].notAfterTime! {
                try ring.update(at: index) { $0.notAfterTime = retireAt }
            }
            scheduled.append(ring.keys[index])
        }
        try ring.add(TrustedKey(key: key.publicKey, label: newLabel, notBefore: now.seconds))
        if !dryRun {
            try SafeFile.writeAtomically(key.encoded(.pem), to: privateKey, mode: 0o600)
            try SafeFile.writeAtomically(key.publicKey.encoded(.base64), to: publicKey, mode: 0o644)
            try saveKeyring(ring, to: keyring)
        }
        if json {
            printJSON([
                "dryRun": dryRun, "newKey": key.publicKey.fingerprint.hex, "label": newLabel, "privateKey": privateKey,
                "publicKey": publicKey, "keyring": keyring, "oldKeysExpire": retireAt.rfc3339,
                "scheduled": scheduled.map(\.id.hex), "publicKeyX509Base64": key.publicKey.x509Base64,
            ])
            return
        }
        print(dryRun ? "Dry run: nothing was written." : "Rotated.")
        print("new key:      \(key.publicKey.fingerprint) (\(newLabel)), active from \(now)")
        print("private key:  \(privateKey) (mode 0600)\(dryRun ? " [not written]" : "")")
        print("public key:   \(publicKey)\(dryRun ? " [not written]" : "")")
        for old in scheduled { print("old key:      \(old.id) (\(old.label ?? "-")) expires \(retireAt)") }
        print("\nDistribute to receivers now: the keyring \(keyring), or this public key (x509 base64):")
        print(key.publicKey.x509Base64)
        print("\nThen switch the sender to \(privateKey) before \(retireAt).")
    }
}
