import Foundation
import Testing

@testable import WebhookSignature
@testable import WebhookSignatureTestSupport

/// Regression tests for what the hardening work (fuzzing, sanitizers, the bad-input matrix) found.
@Suite("Hardening regressions")
struct HardeningRegressionTests {
    // MARK: Keyring labels

    @Test("a label of the form of a key id is refused, so an id always finds its own key")
    func labelShapedLikeAnId() throws {
        let a = TestKeys.a.publicKey
        let b = TestKeys.b.publicKey
        // Before: key a labelled with b's id made index(of: b's id) return a, so `whsig keyring
        // retire B-ID` retired a.
        for label in [b.fingerprint.hex, "sha256:" + b.fingerprint.hex, b.fingerprint.hex.uppercased()] {
            var ring = try Keyring()
            do {
                try ring.add(TrustedKey(key: a, label: label))
                Issue.record("the label \(label) was accepted")
            } catch {
                #expect(error.code == .invalidKeyring)
            }
        }
        let json = #"{"keys":[{"label":"\#(b.fingerprint.hex)","publicKey":"\#(a.x509Base64)"},{"publicKey":"\#(b.x509Base64)"}]}"#
        do {
            _ = try Keyring(json: Array(json.utf8))
            Issue.record("a keyring file with an id-shaped label was read")
        } catch {
            #expect(error.code == .invalidKeyring)
            #expect(error.reason.contains("keys[0]"))
        }
        // Labels that merely contain hex, or have fewer than 8 hex digits, stay allowed; ids find their keys.
        // (8 or more hex digits could be an id prefix: ReliabilityLibraryTests covers that refusal.)
        let ring = try Keyring([TrustedKey(key: a, label: "deadbeef-eu"), TrustedKey(key: b, label: "1234567")])
        #expect(try ring.index(of: b.fingerprint.hex) == 1)
        #expect(try ring.index(of: a.fingerprint.hex) == 0)
        #expect(try ring.index(of: "deadbeef-eu") == 0)
        #expect(try ring.index(of: "1234567") == 1)
    }

    @Test("an empty label is refused by the API as by the file format, so every keyring written reads back")
    func emptyLabel() throws {
        var ring = try Keyring()
        do {
            try ring.add(TrustedKey(key: TestKeys.a.publicKey, label: ""))
            Issue.record("an empty label was accepted")
        } catch {
            #expect(error.code == .invalidKeyring)
        }
        let written = try Keyring([TrustedKey(key: TestKeys.a.publicKey, label: "x", retired: true)])
        #expect(try Keyring(json: written.jsonBytes()) == written)
    }

    // MARK: CLI input files

    @Test("whsig verify with a directory as the body exits 2 (bad input), not 1 (did not verify)")
    func directoryBody() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = directory.appendingPathComponent("key.pub")
        try Data(TestKeys.a.publicKey.x509Base64.utf8).write(to: key)
        let result = try CLI.run(["verify", "--key", key.path, "--header", "fluent-signature: AAAA", directory.path])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("it is a directory"))
        let digest = try CLI.run(["digest", directory.path])
        #expect(digest.status == 2, "\(digest.stderr)")
    }

    @Test("a key file that never ends (a FIFO fed by yes) is refused after 1 MiB, not read forever",
        .enabled(if: Shell.has("mkfifo") && Shell.has("yes") && Shell.has("timeout")))
    func endlessKeyFile() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = """
            mkfifo "$D/key"
            yes AAAA > "$D/key" 2>/dev/null &
            timeout 120 "$W" verify --key "$D/key" --header "fluent-signature: AAAA" /dev/null
            """
        let result = try Shell.run("/bin/bash", ["-c", script], environment: ["W": CLI.binary.path, "D": directory.path])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("[input_too_large]"), "\(result.stderr)")
    }
}
