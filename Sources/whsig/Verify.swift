import ArgumentParser
import Foundation
import WebhookSignature

struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify a webhook body against its signature headers, or one signature.",
        discussion: """
            Checks every --header given and prints one line per signature. By default
            fluent-signature (SHA512withRSA) must be present and verify; flex.signature
            (MD5withRSA) is checked and reported but counts only with --allow-md5.
            Exit 0 valid, 1 invalid, 2 bad input.

            Examples:
              whsig verify --key platform.b64 \\
                --header "fluent-signature: $SIG512" \\
                --header "flex.signature: $SIGMD5" body.json
              whsig verify --keyring receivers.json \\
                --header "fluent-signature: $SIG512" - < body.json
              whsig verify --key platform.b64 \\
                --signature "$SIG512" --algorithm sha512 body.json
            """
    )

    @OptionGroup var trust: TrustOptions

    @Option(name: .customLong("header"), help: ArgumentHelp("A request header, 'NAME: VALUE'; repeatable.", valueName: "HEADER"))
    var headers: [String] = []

    @Option(help: ArgumentHelp("One base64 signature to check (with --algorithm).", valueName: "B64"))
    var signature: String?

    @Option(help: "The algorithm of --signature.")
    var algorithm: SingleAlgorithm?

    @OptionGroup var backendOptions: BackendOptions

    @Flag(help: "Print the result as JSON.")
    var json = false

    @Argument(help: ArgumentHelp("The body file, or - for standard input.", valueName: "BODYFILE"))
    var body: String?

    func validate() throws {
        try trust.requireKeys()
        if signature != nil && !headers.isEmpty { throw ValidationError("use either --signature with --algorithm, or --header, not both") }
        if signature == nil && headers.isEmpty { throw ValidationError("give --header 'NAME: VALUE' or --signature B64 --algorithm md5|sha512") }
        if signature != nil && algorithm == nil { throw ValidationError("--signature needs --algorithm md5 or sha512") }
        if signature == nil && algorithm != nil { throw ValidationError("--algorithm goes with --signature") }
    }

    func run() async throws {
        let ring = try trust.trustedKeys(backend: backendOptions.backend)
        var requestHeaders: [(String, String)]
        var policy = trust.policy
        if let signature, let choice = algorithm {
            let chosen = choice.algorithm
            requestHeaders = [(chosen.headerName, signature)]
            // Naming the algorithm is the caller's choice: MD5 then needs no further opt-in.
            if chosen == .md5WithRSA { policy.allowsLegacyMD5 = true }
        } else {
            requestHeaders = try headers.map(parseHeader)
            let known = requestHeaders.filter { SignatureAlgorithm(headerName: $0.0) != nil }
            if known.isEmpty {
                let names = requestHeaders.map(\.0).joined(separator: ", ")
                throw UsageFailure("no signature header among --header \(names); expected fluent-signature or flex.signature")
            }
        }
        let verifier = WebhookVerifier(keyring: ring, policy: policy)
        let verdict: WebhookVerdict
        var hint: String?
        if trust.canonical == .raw {
            let session = try verifier.makeSession(headers: requestHeaders)
            // The body is streamed; a copy of up to `hintCopyLimit` bytes is kept for the hint below.
            var copy: [UInt8]? = []
            try forEachChunk(of: body) { chunk in
                try session.update(chunk)
                if copy != nil { if copy!.count + chunk.count <= Self.hintCopyLimit { copy!.append(contentsOf: chunk) } else { copy = nil } }
            }
            verdict = try session.finish()
            if let copy { hint = compactHint(verdict, headers: requestHeaders, body: copy, policy: policy, keyring: ring) }
        } else {
            verdict = try verifier.verify(headers: requestHeaders, body: readInput(body))
        }
        report(verdict, hint: hint)
        if !verdict.isValid { throw ExitCode(Exit.invalid) }
    }

    /// The largest body kept for the compact-mode hint (events are a few KiB; streaming stays bounded).
    static let hintCopyLimit = 1 << 20

    /// When the raw verdict is a body mismatch, checks the body again under `--canonical compact`
    /// and says so if that verifies: the body was re-formatted (pretty-printed) after signing. It
    /// never changes the verdict or the exit code.
    func compactHint(
        _ verdict: WebhookVerdict, headers: [(String, String)], body: [UInt8], policy: WebhookPolicy, keyring: Keyring
    ) -> String? {
        guard !verdict.isValid, let failure = verdict.failure, "\(failure.code)" == "body_mismatch" else { return nil }
        var compact = policy
        compact.canonicalization = .compact
        guard let again = try? WebhookVerifier(keyring: keyring, policy: compact).verify(headers: headers, body: body),
            again.isValid
        else { return nil }
        return "the body verifies with --canonical compact: whitespace was added after signing "
            + "(a pretty-printed copy?); the platform signs compact JSON, so pass --canonical compact "
            + "only if you trust whatever re-formatted it"
    }

    func report(_ verdict: WebhookVerdict, hint: String? = nil) {
        if json {
            var object = verdictJSON(verdict)
            if let hint { object["hint"] = hint }
            printJSON(object)
            return
        }
        defer { if let hint { print("hint: \(hint)") } }
        for check in verdict.checks {
            let state = check.isValid ? "valid" : check.outcome.code == .notChecked ? "not checked" : "invalid"
            var line = "\(check.header): \(state) (\(check.algorithm))"
            if check.isValid, let key = check.outcome.key {
                line += " key \(key.id.hex)" + (key.label.map { " (\($0))" } ?? "")
            } else if check.outcome.code != .notChecked {
                line += ": \(check.outcome.reason)"
            }
            if !check.counted { line += " [not counted: --allow-md5 counts MD5, --check-all checks it without counting]" }
            print(line)
        }
        if let failure = verdict.failure, verdict.checks.allSatisfy({ $0.isValid || !$0.counted }) {
            print("verdict: invalid: \(failure.reason)")
        }
    }
}

func verdictJSON(_ verdict: WebhookVerdict) -> [String: Any] {
    var object: [String: Any] = [
        "valid": verdict.isValid,
        "checks": verdict.checks.map { check -> [String: Any] in
            var entry: [String: Any] = [
                "header": check.header, "algorithm": check.algorithm.rawValue, "counted": check.counted,
                "valid": check.isValid, "outcome": check.outcome.code.name, "reason": check.outcome.reason,
            ]
            if let key = check.outcome.key {
                entry["keyId"] = key.id.hex
                if let label = key.label { entry["keyLabel"] = label }
            }
            return entry
        },
    ]
    if let failure = verdict.failure {
        object["failure"] = ["code": failure.code.name, "reason": failure.reason]
    }
    return object
}
