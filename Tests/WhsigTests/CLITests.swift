import Foundation
import Testing

@testable import WebhookSignature
@testable import WebhookSignatureTestSupport

@Suite("whsig CLI")
struct CLITests {
    @Test("demo runs the main job and exits 0")
    func demo() throws {
        let result = try CLI.run(["demo"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("fluent-signature: valid"))
        #expect(result.stdout.contains("verdict: invalid"))
    }

    @Test("the real delivery through whsig verify, and its altered bodies", .enabled(if: Vectors.available, Vectors.skipNote))
    func realDelivery() throws {
        let d = try RealDelivery.load()
        let dir = try CLI.temporaryDirectory()
        try Data(d.publicKey.utf8).write(to: dir.appendingPathComponent("platform.b64"))
        let bodyPath = Vectors.url("fluent/real-webhook-body.json").path
        let both = ["verify", "--key", "platform.b64", "--header", "fluent-signature: \(d.fluent)", "--header", "flex.signature: \(d.flex)"]
        let ok = try CLI.run(both + [bodyPath], in: dir)
        #expect(ok.status == 0, "\(ok.stdout) \(ok.stderr)")
        #expect(ok.stdout.contains("fluent-signature: valid (SHA512withRSA) key 6b1c9f8d1731ecf7c7548e29c8a672748580375374b97db12eadd03229336a3f"))
        #expect(ok.stdout.contains("flex.signature: not checked (MD5withRSA)"))
        #expect(ok.stdout.contains("not counted"))
        let checked = try CLI.run(both + ["--check-all", bodyPath], in: dir)
        #expect(checked.status == 0)
        #expect(checked.stdout.contains("flex.signature: valid (MD5withRSA)"), "\(checked.stdout)")
        // The signature-text rule: surrounding whitespace is trimmed, whitespace inside is an invalid signature.
        let padded = try CLI.run(["verify", "--key", "platform.b64", "--signature", " \(d.fluent)\n", "--algorithm", "sha512", bodyPath], in: dir)
        #expect(padded.status == 0, "\(padded.stdout) \(padded.stderr)")
        var inner = d.fluent
        inner.insert(" ", at: inner.index(inner.startIndex, offsetBy: 40))
        let broken = try CLI.run(["verify", "--key", "platform.b64", "--header", "fluent-signature: \(inner)", bodyPath], in: dir)
        #expect(broken.status == 1, "\(broken.stdout) \(broken.stderr)")
        #expect(broken.stdout.contains("not a signature"), "\(broken.stdout)")
        #expect(try CLI.run(both + ["--allow-md5", bodyPath], in: dir).status == 0)
        #expect(try CLI.run(both + ["--require-both", "-"], stdin: Data(d.body), in: dir).status == 0)
        let single = try CLI.run(["verify", "--key", "platform.b64", "--signature", d.flex, "--algorithm", "md5", bodyPath], in: dir)
        #expect(single.status == 0, "\(single.stderr)")

        for (name, altered) in try d.alteredBodies() {
            let result = try CLI.run(both + ["--allow-md5", "-"], stdin: Data(altered), in: dir)
            #expect(result.status == 1, "\(name): \(result.stdout)")
            #expect(result.stdout.contains("fluent-signature: invalid"), "\(name)")
            #expect(result.stdout.contains("flex.signature: invalid"), "\(name)")
        }
        // The pretty-printed body verifies with --canonical compact and fails raw.
        let pretty = try Data(contentsOf: Vectors.url("fluent/real-webhook-body.json"))
        let reindented = Data(String(decoding: pretty, as: UTF8.self)
            .replacingOccurrences(of: ",\"", with: ",\n    \"").replacingOccurrences(of: "{\"", with: "{\n    \"").utf8)
        #expect(try CLI.run(both + ["-"], stdin: reindented, in: dir).status == 1)
        let compact = try CLI.run(both + ["--canonical", "compact", "-"], stdin: reindented, in: dir)
        #expect(compact.status == 0, "\(compact.stdout) \(compact.stderr)")
    }

    @Test("exit codes: 1 for invalid signatures, 2 for bad input and usage")
    func exitCodes() throws {
        let dir = try CLI.temporaryDirectory()
        let key = TestKeys.a
        try Data(key.pemRepresentation.utf8).write(to: dir.appendingPathComponent("a.pem"))
        try Data(key.publicKey.x509Base64.utf8).write(to: dir.appendingPathComponent("a.b64"))
        try Data(SampleEvent.body).write(to: dir.appendingPathComponent("event.json"))
        let signed = try CLI.run(["sign", "--private-key", "a.pem", "event.json"], in: dir)
        #expect(signed.status == 0)
        let lines = signed.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("flex.signature: "))
        #expect(lines[1].hasPrefix("fluent-signature: "))
        let sig512 = String(lines[1].dropFirst("fluent-signature: ".count))
        #expect(sig512 == (try key.base64Signature(for: SampleEvent.body, algorithm: .sha512WithRSA)))

        func status(_ args: [String], stdin: Data? = nil) throws -> Int32 { try CLI.run(args, stdin: stdin, in: dir).status }
        #expect(try status(["verify", "--key", "a.b64", "--header", lines[1], "event.json"]) == 0)
        #expect(try status(["verify", "--key", "a.b64", "--header", lines[1], "-"], stdin: Data("{}".utf8)) == 1)
        #expect(try status(["verify", "--key", "a.b64", "--signature", "", "--algorithm", "sha512", "event.json"]) == 1)
        #expect(try status(["verify", "--key", "a.b64", "--signature", "!!!", "--algorithm", "sha512", "event.json"]) == 1)
        #expect(try status(["verify", "--key", "a.b64", "--signature", "AAAA", "--algorithm", "sha512", "event.json"]) == 1)
        #expect(try status(["verify", "--key", "a.b64", "--signature", sig512, "--algorithm", "md5", "event.json"]) == 1)
        #expect(try status(["verify", "--key", "missing.b64", "--header", lines[1], "event.json"]) == 2)
        #expect(try status(["verify", "--key", "a.pem", "--header", lines[1], "event.json"]) == 2)
        #expect(try status(["verify", "--key", "a.b64", "--header", "X-Other: 1", "event.json"]) == 2)
        #expect(try status(["verify", "--key", "a.b64", "--header", "no colon", "event.json"]) == 2)
        #expect(try status(["verify", "--key", "a.b64", "--bogus"]) == 2)
        #expect(try status(["verify", "--header", lines[1], "event.json"]) == 2)
        #expect(try status(["sign", "--private-key", "a.b64", "event.json"]) == 2)
        #expect(try status(["nonsense"]) == 2)
        let bad = try CLI.run(["verify", "--key", "a.pem", "--header", lines[1], "event.json"], in: dir)
        #expect(bad.stderr.contains("private_key_given"))
        #expect(bad.stderr.split(separator: "\n").count == 1)
    }

    @Test("a whole rotation through the real binary")
    func rotation() throws {
        let dir = try CLI.temporaryDirectory()
        func run(_ args: [String], stdin: Data? = nil) throws -> CLI.Result { try CLI.run(args, stdin: stdin, in: dir) }
        try Data(SampleEvent.body).write(to: dir.appendingPathComponent("event.json"))

        // keygen: modes, refusal to overwrite, the 1024-bit guard.
        #expect(try run(["keygen", "--private-key", "old.pem", "--public-key", "old.b64"]).status == 0)
        let attributes = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("old.pem").path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let before = try Data(contentsOf: dir.appendingPathComponent("old.pem"))
        let again = try run(["keygen", "--private-key", "old.pem", "--public-key", "other.b64"])
        #expect(again.status == 2)
        #expect(again.stderr.contains("--force"))
        #expect(try Data(contentsOf: dir.appendingPathComponent("old.pem")) == before)
        #expect(try run(["keygen", "--bits", "1024", "--private-key", "w.pem", "--public-key", "w.b64"]).status == 2)
        #expect(try run(["keygen", "--bits", "1024", "--allow-weak-1024", "--private-key", "w.pem", "--public-key", "w.b64"]).status == 0)

        // pubkey prints exactly what keygen wrote.
        let pub = try run(["pubkey", "--private-key", "old.pem"])
        #expect(pub.stdoutBytes == (try Data(contentsOf: dir.appendingPathComponent("old.b64"))))

        #expect(try run(["keyring", "add", "--keyring", "ring.json", "--key", "old.b64", "--label", "old"]).status == 0)
        let oldSigned = try run(["sign", "--private-key", "old.pem", "--algorithm", "sha512", "event.json"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let verifyOld = ["verify", "--keyring", "ring.json", "--header", oldSigned, "event.json"]
        let first = try run(verifyOld)
        #expect(first.status == 0)
        #expect(first.stdout.contains("(old)"))

        // rotate: a dry run writes nothing; then the real one.
        let dry = try run(["rotate", "--keyring", "ring.json", "--private-key", "new.pem", "--public-key", "new.b64", "--dry-run"])
        #expect(dry.status == 0)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("new.pem").path))
        let rotated = try run([
            "rotate", "--keyring", "ring.json", "--private-key", "new.pem", "--public-key", "new.b64", "--overlap", "1h", "--label", "new", "--json",
        ])
        #expect(rotated.status == 0, "\(rotated.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: rotated.stdoutBytes) as? [String: Any])
        #expect(report["label"] as? String == "new")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("ring.json.bak").path))

        // During the overlap both keys verify.
        let newSigned = try run(["sign", "--private-key", "new.pem", "--algorithm", "sha512", "event.json"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let verifyNew = ["verify", "--keyring", "ring.json", "--header", newSigned, "event.json"]
        #expect(try run(verifyOld).status == 0)
        let during = try run(verifyNew + ["--json"])
        #expect(during.status == 0)
        let verdict = try #require(try JSONSerialization.jsonObject(with: during.stdoutBytes) as? [String: Any])
        #expect(verdict["valid"] as? Bool == true)

        // After the overlap (evaluated later with keyring list --at) the old key has expired.
        let later = try run(["keyring", "list", "--keyring", "ring.json", "--at", "now+2h", "--json"])
        let listing = try #require(try JSONSerialization.jsonObject(with: later.stdoutBytes) as? [String: Any])
        let statuses = (listing["keys"] as? [[String: Any]] ?? []).map { "\($0["label"] ?? "")=\($0["status"] ?? "")" }
        #expect(statuses == ["old=expired", "new=active"])

        // Retire the old key: it is rejected, the new one accepted.
        #expect(try run(["keyring", "retire", "--keyring", "ring.json", "old"]).status == 0)
        let rejected = try run(verifyOld)
        #expect(rejected.status == 1)
        #expect(rejected.stdout.contains("retired"))
        #expect(try run(verifyNew).status == 0)

        // A corrupt keyring is refused and left untouched.
        let corrupt = Data("{\"version\":1,\"keys\":[{\"publicKey\":\"broken\"}]".utf8)
        try corrupt.write(to: dir.appendingPathComponent("bad.json"))
        let refused = try run(["keyring", "add", "--keyring", "bad.json", "--key", "new.b64"])
        #expect(refused.status == 2)
        #expect(try Data(contentsOf: dir.appendingPathComponent("bad.json")) == corrupt)
        #expect(try run(["keyring", "remove", "--keyring", "ring.json", "old", "--json"]).status == 0)
        #expect(try run(["keyring", "list", "--keyring", "ring.json"]).stdout.split(separator: "\n").count == 1)
    }

    @Test("fingerprints equal the SHA-256 of the DER openssl writes")
    func fingerprintMatchesOpenSSL() throws {
        let keys = Vectors.ownURL("keys")
        for name in ["rsa2048-spki.pem", "rsa2048-pkcs8.pem", "rsa2048-cert.pem", "rsa2048-pkcs1-public.pem"] {
            let path = keys.appendingPathComponent(name).path
            let ours = try CLI.run(["fingerprint", path]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            let input: String
            if name.contains("cert") {
                input = "openssl x509 -in '\(path)' -pubkey -noout | openssl pkey -pubin -pubout -outform DER"
            } else if name.contains("pkcs8") {
                input = "openssl pkey -in '\(path)' -pubout -outform DER"
            } else if name.contains("pkcs1") {
                input = "openssl rsa -RSAPublicKey_in -in '\(path)' -pubout -outform DER 2>/dev/null"
            } else {
                input = "openssl pkey -pubin -in '\(path)' -pubout -outform DER"
            }
            process.arguments = ["-c", input + " | sha256sum | cut -d' ' -f1"]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let theirs = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            process.waitUntilExit()
            #expect(ours == theirs, "\(name)")
            #expect(ours.count == 64)
        }
    }

    @Test("inspect, convert, canonicalize and digest; --json output parses")
    func keyTools() throws {
        let dir = try CLI.temporaryDirectory()
        let cert = Vectors.ownURL("keys/rsa2048-cert.pem").path
        let inspect = try CLI.run(["inspect", "--json", cert])
        let info = try #require(try JSONSerialization.jsonObject(with: inspect.stdoutBytes) as? [String: Any])
        #expect(info["subject"] as? String == "CN=webhook test, O=Example")
        #expect(info["bits"] as? Int == 2048)
        let der = try CLI.run(["convert", cert, "--to", "der"])
        #expect(try RSAPublicKey(parsing: [UInt8](der.stdoutBytes)).fingerprint.hex == info["fingerprint"] as? String)
        let converted = try CLI.run(["convert", Vectors.ownURL("keys/rsa2048-pkcs1-private.pem").path, "--to", "pem", "--output", "k.pem"], in: dir)
        #expect(converted.status == 0)
        let mode = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("k.pem").path)[.posixPermissions]
        #expect((mode as? NSNumber)?.intValue == 0o600)

        let pretty = Data("{\n  \"b\" : 1,\n  \"a\" : [ true, null ]\n}\n".utf8)
        #expect(try CLI.run(["canonicalize", "--mode", "compact", "-"], stdin: pretty).stdout == #"{"b":1,"a":[true,null]}"#)
        #expect(try CLI.run(["canonicalize", "--mode", "jcs", "-"], stdin: pretty).stdout == #"{"a":[true,null],"b":1}"#)
        let broken = try CLI.run(["canonicalize", "--mode", "jcs", "-"], stdin: Data("{\"a\":}".utf8))
        #expect(broken.status == 2)
        #expect(broken.stderr.contains("byte offset 5"))
        let digest = try CLI.run(["digest", "--json", "-"], stdin: Data("abc".utf8))
        let digestInfo = try #require(try JSONSerialization.jsonObject(with: digest.stdoutBytes) as? [String: String])
        #expect(digestInfo["digest"]?.hasPrefix("ddaf35a193617aba") == true)
        let commands = [
            ["demo"], ["verify"], ["sign"], ["send"], ["listen"], ["keygen"], ["pubkey"], ["fingerprint"], ["inspect"], ["convert"],
            ["keyring"], ["keyring", "add"], ["keyring", "list"], ["keyring", "retire"], ["keyring", "remove"], ["rotate"],
            ["canonicalize"], ["digest"], ["speed"],
        ]
        for command in commands {
            let help = try CLI.run(command + ["--help"])
            #expect(help.status == 0, "\(command)")
            // A worked example: an "Example" heading followed by an indented whsig command line.
            let lines = help.stdout.split(separator: "\n").map(String.init)
            let heading = lines.firstIndex { $0.range(of: #"^\s*(Worked )?[Ee]xamples?\b"#, options: .regularExpression) != nil }
            #expect(heading != nil, "\(command) --help has an Example section")
            if let heading {
                #expect(lines[heading...].contains { $0.hasPrefix("  ") && $0.contains("whsig \(command[0])") }, "\(command)")
            }
        }
    }
}
