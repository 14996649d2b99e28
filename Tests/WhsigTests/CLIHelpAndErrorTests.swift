import ArgumentParser
import Foundation
import Testing
import WebhookSignature
@testable import WebhookSignatureTestSupport

@testable import whsig

/// Every command's help, rendered at 80 columns, shows examples that still work when pasted.
///
/// The help is rendered in process (`helpMessage(for:columns:)`), each example command (a line that
/// starts with `whsig` or `$ whsig`, joined with its `\` continuation lines) is split like a shell
/// would split it, and `WHSig.parseAsRoot` must accept it: parsing, not running, so no example
/// writes files or opens ports. The same examples rendered at 400 columns must be identical, so
/// none was re-wrapped at 80.
@Suite("CLI help at 80 columns")
struct CLIHelpTests {
    /// Every command and subcommand type, with its path of names.
    static func commands(_ root: ParsableCommand.Type = WHSig.self, path: [String] = []) -> [(path: [String], type: ParsableCommand.Type)] {
        var out: [(path: [String], type: ParsableCommand.Type)] = [(path, root)]
        for sub in root.configuration.subcommands {
            out += commands(sub, path: path + [sub._commandName])
        }
        return out
    }

    /// Example commands in a help text: `whsig …` lines with their continuation lines joined.
    static func examples(in help: String) -> [String] {
        var result: [String] = []
        var pending: String?
        for raw in help.components(separatedBy: "\n") {
            var line = raw.trimmingCharacters(in: .whitespaces)
            if let started = pending {
                pending = nil
                if line.hasSuffix("\\") {
                    pending = started + " " + line.dropLast()
                } else {
                    result.append(started + " " + line)
                }
                continue
            }
            if line.hasPrefix("$ ") { line = String(line.dropFirst(2)) }
            guard line.hasPrefix("whsig ") || line == "whsig" else { continue }
            if line.hasSuffix("\\") { pending = String(line.dropLast()) } else { result.append(line) }
        }
        if let pending { result.append(pending + " <missing continuation line>") }
        return result
    }

    /// Splits a command line as a POSIX shell would (quotes and backslashes; `$VAR` kept as text),
    /// stopping at the first unquoted redirection, pipe, list operator or comment.
    static func shellWords(_ line: String) -> [String] {
        var words: [String] = []
        var word = ""
        var inWord = false
        var quote: Character?
        var iterator = Array(line)[...]
        while let c = iterator.popFirst() {
            if let q = quote {
                if c == q {
                    quote = nil
                } else if c == "\\", q == "\"", let next = iterator.first, "\"\\$`".contains(next) {
                    word.append(iterator.removeFirst())
                } else {
                    word.append(c)
                }
                continue
            }
            switch c {
            case "'", "\"":
                quote = c
                inWord = true
            case "\\":
                if let next = iterator.popFirst() { word.append(next) }
                inWord = true
            case " ", "\t":
                if inWord { words.append(word) }
                word = ""
                inWord = false
            case "<", ">", "|", ";", "&", "#" where !inWord || c != "#":
                if inWord { words.append(word) }
                return words
            default:
                word.append(c)
                inWord = true
            }
        }
        if inWord { words.append(word) }
        return words
    }

    /// The shell variables the examples use, set to values of the documented form (a digest is 128
    /// hex digits), so that validation sees what a user's shell would pass.
    static let exampleVariables: [String: String] = [
        "DIGEST": String(repeating: "0", count: 128),
        "SIG512": String(repeating: "A", count: 170) + "==",
        "SIGMD5": String(repeating: "A", count: 170) + "==",
    ]

    static func withExampleVariables(_ line: String) -> String {
        var line = line
        for (name, value) in exampleVariables { line = line.replacingOccurrences(of: "$" + name, with: value) }
        return line
    }

    @Test("the shell splitter handles quotes, escapes and operators")
    func splitter() {
        #expect(Self.shellWords(#"whsig verify --header "fluent-signature: $SIG512" - < body.json"#)
            == ["whsig", "verify", "--header", "fluent-signature: $SIG512", "-"])
        #expect(Self.shellWords("whsig a 'b c' d\\ e > out") == ["whsig", "a", "b c", "d e"])
        #expect(Self.shellWords("whsig x | head") == ["whsig", "x"])
        #expect(Self.examples(in: "Examples:\n  whsig a \\\n    --b c\n  $ whsig d\n  other") == ["whsig a  --b c", "whsig d"])
    }

    @Test("every example in every command's help parses at 80 columns and is not re-wrapped")
    func examplesParse() throws {
        var total = 0
        for (path, type) in Self.commands() {
            let narrow = WHSig.helpMessage(for: type, columns: 80)
            let wide = WHSig.helpMessage(for: type, columns: 400)
            let examples = Self.examples(in: narrow).map(Self.withExampleVariables)
            #expect(examples == Self.examples(in: wide).map(Self.withExampleVariables), "whsig \(path.joined(separator: " ")): an example is wrapped at 80 columns")
            for example in examples {
                total += 1
                let words = Self.shellWords(example)
                #expect(words.first == "whsig", "\(example)")
                do {
                    _ = try WHSig.parseAsRoot(Array(words.dropFirst()))
                } catch {
                    Issue.record("whsig \(path.joined(separator: " ")) --help example does not parse: \(example)\n\(WHSig.fullMessage(for: error))")
                }
            }
        }
        #expect(total >= 20, "the help texts show at least 20 example commands (found \(total))")
    }

    @Test("verify --algorithm offers only md5 and sha512, what verify accepts")
    func verifyAlgorithmValues() throws {
        let help = WHSig.helpMessage(for: Verify.self, columns: 400)
        #expect(help.contains("(values: md5, sha512)"), "\(help)")
        #expect(!help.contains("md5, sha512, both"))
        #expect(throws: (any Error).self) { try WHSig.parseAsRoot(["verify", "--key", "k", "--signature", "x", "--algorithm", "both", "b"]) }
        #expect(try WHSig.parseAsRoot(["verify", "--key", "k", "--signature", "x", "--algorithm", "md5", "b"]) is Verify)
    }
}

/// Errors that say what to do about them.
@Suite("CLI errors point at the fix")
struct CLIErrorHintTests {
    static let publicKey = Vectors.ownURL("keys/rsa2048-spki.b64").path
    static let privateKey = Vectors.ownURL("keys/rsa2048-pkcs8.pem").path

    @Test("a key file with a byte-order mark names the byte, its offset and the fix")
    func byteOrderMark() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = try Data(contentsOf: URL(fileURLWithPath: Self.publicKey))
        try (Data([0xEF, 0xBB, 0xBF]) + text).write(to: dir.appendingPathComponent("bom.b64"))
        let result = try CLI.run(["fingerprint", "bom.b64"], in: dir)
        #expect(result.status == 2)
        #expect(result.stderr == "whsig: error: bom.b64: byte 0xEF at offset 0: a UTF-8 byte-order mark; save the key as plain ASCII (no BOM) [unrecognized_format]\n")

        // The library says the same, and names other non-ASCII bytes where they are.
        #expect {
            try RSAPublicKey(parsing: [0xEF, 0xBB, 0xBF] + [UInt8](text))
        } throws: { error in
            (error as? WebhookSignatureError)?.reason.hasPrefix("byte 0xEF at offset 0: a UTF-8 byte-order mark") == true
        }
        #expect {
            try RSAPublicKey(parsing: [0xFF, 0xFE] + [UInt8](text))
        } throws: { error in
            (error as? WebhookSignatureError)?.reason.hasPrefix("byte 0xFF at offset 0: a UTF-16 byte-order mark") == true
        }
        var curly = [UInt8](text)
        curly.insert(contentsOf: [0xE2, 0x80, 0x9C], at: 12)  // a typographic quote
        #expect {
            try RSAPublicKey(parsing: curly)
        } throws: { error in
            let e = error as? WebhookSignatureError
            return e?.code == .unrecognizedFormat && e?.reason.hasPrefix("byte 0xE2 at offset 12 is not ASCII") == true
        }
        // A BOM before PEM armour is not in the way: the armour is found.
        let pem = try Data(contentsOf: Vectors.ownURL("keys/rsa2048-spki.pem"))
        #expect(try RSAPublicKey(parsing: [0xEF, 0xBB, 0xBF] + [UInt8](pem)).fingerprint == RSAPublicKey(parsing: [UInt8](text)).fingerprint)
    }

    @Test("a --header value holding two header lines is a usage error that says to pass each separately")
    func twoHeaderLines() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(SampleEvent.body).write(to: dir.appendingPathComponent("event.json"))
        let signed = try CLI.run(["sign", "--private-key", Self.privateKey, "event.json"], in: dir)
        #expect(signed.status == 0 && signed.stdout.split(separator: "\n").count == 2)
        let joined = signed.stdout.trimmingCharacters(in: .newlines)
        let result = try CLI.run(["verify", "--key", Self.publicKey, "--header", joined, "event.json"], in: dir)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(
            result.stderr
                == "whsig: error: --header holds 2 header lines (flex.signature, fluent-signature); pass each header separately: --header 'flex.signature: …' --header 'fluent-signature: …'\n"
        )
        // One line with a trailing line break is still one header.
        let one = try CLI.run(["verify", "--key", Self.publicKey, "--header", String(signed.stdout.split(separator: "\n")[1]) + "\n", "event.json"], in: dir)
        #expect(one.status == 0, "\(one.stderr)")
    }

    @Test("a body that fails raw but verifies as compact gets a hint; the verdict and exit code stay")
    func compactHint() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(SampleEvent.body).write(to: dir.appendingPathComponent("event.json"))
        let header = try CLI.run(["sign", "--private-key", Self.privateKey, "--algorithm", "sha512", "event.json"], in: dir)
            .stdout.trimmingCharacters(in: .newlines)
        // A re-indented copy in the platform's member order (a JSON encoder might reorder members).
        let indented = SampleEvent.text.replacingOccurrences(of: ",\"", with: ",\n  \"").replacingOccurrences(of: "{\"", with: "{\n  \"") + "\n"
        try Data(indented.utf8).write(to: dir.appendingPathComponent("pretty.json"))

        let hinted = try CLI.run(["verify", "--key", Self.publicKey, "--header", header, "pretty.json"], in: dir)
        #expect(hinted.status == 1)
        #expect(hinted.stdout.contains("fluent-signature: invalid (SHA512withRSA)"))
        #expect(hinted.stdout.contains("hint: the body verifies with --canonical compact"), "\(hinted.stdout)")
        let json = try CLI.run(["verify", "--json", "--key", Self.publicKey, "--header", header, "-"], stdin: Data(indented.utf8), in: dir)
        #expect(json.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: json.stdoutBytes) as? [String: Any])
        #expect(object["valid"] as? Bool == false)
        #expect((object["hint"] as? String)?.contains("--canonical compact") == true)
        #expect((object["failure"] as? [String: Any])?["code"] as? String == "body_mismatch")

        // A body that was changed, not re-formatted, gets no hint; nor does a valid one.
        let changed = SampleEvent.text.replacingOccurrences(of: "SHIPPED", with: "SHIPPEd")
        try Data(changed.utf8).write(to: dir.appendingPathComponent("changed.json"))
        let plain = try CLI.run(["verify", "--key", Self.publicKey, "--header", header, "changed.json"], in: dir)
        #expect(plain.status == 1)
        #expect(!plain.stdout.contains("hint:"))
        let valid = try CLI.run(["verify", "--key", Self.publicKey, "--header", header, "event.json"], in: dir)
        #expect(valid.status == 0 && !valid.stdout.contains("hint:"))
        // Asked for compact, it verifies: the hint said the truth.
        let compact = try CLI.run(["verify", "--canonical", "compact", "--key", Self.publicKey, "--header", header, "pretty.json"], in: dir)
        #expect(compact.status == 0)
    }

    @Test("argument-parser's errors and the tool's own start with the same prefix")
    func sameErrorPrefix() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cases: [[String]] = [
            ["verify", "--header", "fluent-signature: x", "body.json"],  // validation: no key
            ["verify", "--key"],  // missing value
            ["no-such-command"],
            ["verify", "--key", "missing.b64", "--header", "fluent-signature: x", "body.json"],  // the tool's own
            ["fingerprint", Vectors.ownURL("keys/rsa2048-pkcs8.der").path + ".missing"],
        ]
        for arguments in cases {
            let result = try CLI.run(arguments, in: dir)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.hasPrefix("whsig: error: "), "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("Error: "), "\(arguments): \(result.stderr)")
        }
    }
}
