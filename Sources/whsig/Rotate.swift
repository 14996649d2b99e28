import ArgumentParser
import Foundation
import WebhookSignature

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
    @Option(help: "The new key's size in bits.") var bits = RSAKeySizePolicy.defaultBits
    @Flag(name: .customLong("allow-weak-1024"), help: "Allow --bits 1024 (weak; what the platform's own keys use).")
    var allowWeak1024 = false
    @Option(help: "A label for the new key (default: key-YYYYMMDD).") var label: String?
    @Flag(help: "Show what would happen; write nothing.") var dryRun = false
    @Flag(help: "Overwrite existing key files.") var force = false
    @OptionGroup var backendOptions: BackendOptions
    @Flag(help: "Report as JSON.") var json = false

    func validate() throws {
        do {
            try RSAKeySizePolicy(allowsWeak1024: allowWeak1024).check(bits: bits)
        } catch {
            throw ValidationError(error.reason + " [\(error.code)]")
        }
    }

    func run() async throws {
        let overlapSeconds = try parseDuration(overlap)
        let ring = try loadKeyringForChange(keyring, create: true)
        try SafeFile.checkWritable(privateKey, force: force)
        try SafeFile.checkWritable(publicKey, force: force)
        let now = UnixTime.now
        // Check the overlap (and the label) before the slow key generation.
        if now.checkedAdding(seconds: overlapSeconds) == nil {
            throw UsageFailure("--overlap \(overlap) is out of range: the old keys would expire after 9999-12-31T23:59:59Z")
        }
        if let label, let problem = Keyring.labelProblem(label) { throw UsageFailure("--label: \(problem)") }
        let key = try withProgress("generating a \(bits)-bit RSA key", show: bits >= 4096) {
            try RSAPrivateKey(generatingBits: bits, backend: backendOptions.backend)
        }
        let rotation = try KeyRotation(rotating: ring, to: key.publicKey, label: label, at: now.seconds, overlapSeconds: overlapSeconds)
        let newLabel = rotation.newKey.label ?? "-"
        let retireAt = UnixTime(seconds: rotation.oldKeysExpireAt)
        let scheduled = rotation.scheduled
        if !dryRun {
            try SafeFile.writeAtomically(key.encoded(.pem), to: privateKey, mode: 0o600)
            try SafeFile.writeAtomically(key.publicKey.encoded(.base64), to: publicKey, mode: 0o644)
            try saveKeyring(rotation.keyring, to: keyring)
        }
        if json {
            printJSON([
                "dryRun": dryRun, "newKey": key.publicKey.fingerprint.hex, "label": newLabel, "privateKey": privateKey,
                "publicKey": publicKey, "keyring": keyring, "oldKeysExpire": retireAt.rfc3339,
                "scheduled": scheduled.map(\.id.hex),
                "scheduledExpiry": Dictionary(uniqueKeysWithValues: scheduled.map { ($0.id.hex, ($0.notAfterTime ?? retireAt).rfc3339) }),
                "publicKeyX509Base64": key.publicKey.x509Base64,
            ])
            return
        }
        print(dryRun ? "Dry run: nothing was written." : "Rotated.")
        print("new key:      \(key.publicKey.fingerprint) (\(newLabel)), active from \(now)")
        print("private key:  \(privateKey) (mode 0600)\(dryRun ? " [not written]" : "")")
        print("public key:   \(publicKey)\(dryRun ? " [not written]" : "")")
        for old in scheduled { print("old key:      \(old.id) (\(old.label ?? "-")) expires \(old.notAfterTime ?? retireAt)") }
        print("\nDistribute to receivers now: the keyring \(keyring), or this public key (x509 base64):")
        print(key.publicKey.x509Base64)
        print("\nThen switch the sender to \(privateKey) before \(retireAt).")
    }
}
