import ArgumentParser
import Foundation
import WebhookSignature

/// The trusted keys and the policy, shared by `verify` and `listen`.
struct TrustOptions: ParsableArguments {
    @Option(name: .customLong("key"), help: ArgumentHelp("A trusted public key file (any format); repeatable.", valueName: "FILE"))
    var keys: [String] = []

    @Option(help: ArgumentHelp("A keyring file of trusted keys.", valueName: "FILE"))
    var keyring: String?

    @Flag(help: "Count flex.signature (MD5withRSA, legacy): a present one must verify and suffices alone.")
    var allowMD5 = false

    @Flag(help: "Require both fluent-signature and flex.signature to be present and verify.")
    var requireBoth = false

    @Option(help: "How the body is read: raw (exact bytes), compact or jcs.")
    var canonical: CanonicalMode = .raw

    @Flag(help: "Also check headers the policy does not count (diagnosis only; never changes the verdict).")
    var checkAll = false

    /// `verify` needs keys; `listen` may take them from a store instead, so each command checks.
    func requireKeys() throws {
        if keys.isEmpty && keyring == nil { throw ValidationError("give at least one --key FILE or a --keyring FILE") }
    }

    var policy: WebhookPolicy {
        WebhookPolicy(
            allowsLegacyMD5: allowMD5, requiresBothSignatures: requireBoth, canonicalization: canonical, checksUncountedHeaders: checkAll)
    }

    /// The keyring file's keys plus every --key (a key already in the keyring is not added twice).
    func trustedKeys(backend: CryptoBackend) throws -> Keyring {
        var ring = try keyring.map { try loadKeyring($0, backend: backend) } ?? Keyring()
        for path in keys {
            let key = try loadPublicKey(path, backend: backend)
            if !ring.keys.contains(where: { $0.id == key.fingerprint }) { try ring.add(TrustedKey(key: key)) }
        }
        return ring
    }
}
