import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization
import WebhookSignature
import WebhookSignatureHummingbird

struct Listen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Receive webhooks on a local port and verify each delivery, as a receiver would.",
        discussion: """
            Accepts POST on any path (or only --path), verifies the raw body with the trusted keys and \
            answers 200 verified, 401 failed verification (the body says why), 400 unreadable body (e.g. \
            invalid JSON under --canonical compact|jcs), 413 over --max-body, 404 other paths, 405 other \
            methods. Logs one line per delivery to stdout:

              <status> <verdict> <METHOD> <path> headers=<name:result,...>
                key=<id> id=<event id> name=<event name> bytes=<n> [duplicate]

            'duplicate' marks a verified body whose SHA-512 digest was seen before (platform retries are \
            byte-identical). The event's id and name are read only after it verified. With --save-dir, each \
            verified body is written to DIR/<sha512-hex>.json (temp file + rename). Prints 'listening on \
            http://HOST:PORT' once ready; --port 0 picks a free port. SIGINT or SIGTERM stops it and prints \
            a summary line.

            Example (two terminals):
              whsig listen --port 8080 --key platform-public.b64 \\
                --save-dir received/
              whsig send --url http://127.0.0.1:8080/hook \\
                --private-key sender.pem event.json
            """
    )

    @Option(help: "The address to listen on (loopback by default).")
    var host: String = "127.0.0.1"

    @Option(help: "The port; 0 picks a free one.")
    var port: Int

    @OptionGroup var trust: TrustOptions

    @Option(help: ArgumentHelp("Accept deliveries on this path only (others get 404).", valueName: "P"))
    var path: String?

    @Option(help: ArgumentHelp("Write each verified body to DIR/<sha512-hex>.json.", valueName: "DIR"))
    var saveDir: String?

    @Option(help: ArgumentHelp("The largest body accepted, in bytes (default 16 MiB).", valueName: "BYTES"))
    var maxBody: Int = WebhookGate.defaultMaxBodySize

    @OptionGroup var backendOptions: BackendOptions

    func validate() throws {
        if !(0...65535).contains(port) { throw ValidationError("--port must be 0...65535") }
        if maxBody < 0 { throw ValidationError("--max-body must not be negative") }
        if let path, !path.hasPrefix("/") { throw ValidationError("--path must start with /") }
    }

    func run() async throws {
        let ring = try trust.trustedKeys(backend: backendOptions.backend)
        if let saveDir {
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: saveDir, isDirectory: &isDirectory) {
                do {
                    try FileManager.default.createDirectory(atPath: saveDir, withIntermediateDirectories: true)
                } catch {
                    throw UsageFailure("cannot create --save-dir \(saveDir): \(error.localizedDescription)")
                }
            } else if !isDirectory.boolValue {
                throw UsageFailure("--save-dir \(saveDir) is not a directory")
            }
        }
        let policy = trust.policy
        let state = ListenerState()
        let responder = ListenResponder(
            gate: WebhookGate(verifier: WebhookVerifier(keyring: ring, policy: policy), maxBodySize: maxBody),
            path: path, saveDir: saveDir, state: state)

        // Hummingbird's own log lines go to stderr, warnings and up, so stdout has only deliveries.
        var logger = Logger(label: "whsig.listen", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = .warning
        let host = self.host
        let app = Application(
            responder: responder,
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? 0
                let shown = host.contains(":") ? "[\(host)]" : host
                state.emit("listening on http://\(shown):\(bound)")
            },
            logger: logger
        )
        do {
            try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        } catch {
            throw UsageFailure("cannot listen on \(host):\(port): \(error)")
        }
        state.emit(state.summary())
    }
}

/// Counters, seen digests and serialised stdout, shared by every request.
final class ListenerState: Sendable {
    struct Counts {
        var deliveries = 0
        var verified = 0
        var rejected = 0
        var duplicates = 0
        var seen: Set<[UInt8]> = []
    }
    private let counts = Mutex(Counts())
    private let output = Mutex(())

    /// Writes one line to stdout and flushes it, so a reader sees each line as it happens.
    func emit(_ line: String) {
        output.withLock { _ in
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
    }

    /// Records a verified body's digest; true when it was seen before.
    func recordVerified(digest: [UInt8]) -> Bool {
        counts.withLock {
            $0.deliveries += 1
            $0.verified += 1
            let duplicate = !$0.seen.insert(digest).inserted
            if duplicate { $0.duplicates += 1 }
            return duplicate
        }
    }

    func recordRejected() {
        counts.withLock {
            $0.deliveries += 1
            $0.rejected += 1
        }
    }

    func summary() -> String {
        counts.withLock {
            "stopped: \($0.deliveries) \($0.deliveries == 1 ? "delivery" : "deliveries"), \($0.verified) verified, \($0.rejected) rejected, "
                + "\($0.duplicates) \($0.duplicates == 1 ? "duplicate" : "duplicates")"
        }
    }
}

struct ListenResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let gate: WebhookGate
    let path: String?
    let saveDir: String?
    let state: ListenerState

    func respond(to request: Request, context: Context) async throws -> Response {
        let target = "\(request.method) \(request.uri.path)"
        if let path, request.uri.path != path {
            state.emit("404 not-found \(target) (only \(path) is served)")
            return Self.text(.notFound, "only POST \(path) is served\n")
        }
        guard request.method == .post else {
            state.emit("405 method-not-allowed \(target)")
            var response = Self.text(.methodNotAllowed, "only POST is accepted\n")
            response.headers[.allow] = "POST"
            return response
        }
        var request = request
        let sent = Self.signatureHeaderNames(request.headers)
        switch try await gate.verify(&request) {
        case .failure(let rejection):
            state.recordRejected()
            var line: String
            if case .unverified(let verdict) = rejection {
                line = Self.describe(verdict, status: rejection.status.code, target)
            } else {
                line = "\(rejection.status.code) rejected \(target) headers=\(sent.isEmpty ? "none" : sent.joined(separator: ","))"
            }
            line += " failure=\(rejection.code) reason=\(Self.quoted(rejection.reason))"
            state.emit(line)
            return rejection.response()
        case .success(let webhook):
            let bytes = webhook.bytes
            let digest = try Self.sha512(bytes)
            let duplicate = state.recordVerified(digest: digest)
            var line = Self.describe(webhook.verdict, status: 200, target)
            line += " " + Self.eventSummary(bytes)
            line += " bytes=\(bytes.count)"
            if duplicate { line += " duplicate" }
            if let saveDir, !duplicate {
                do {
                    let file = (saveDir as NSString).appendingPathComponent(Self.hexString(digest) + ".json")
                    try SafeFile.writeAtomically(bytes, to: file)
                } catch {
                    line += " save-failed=\(Self.quoted("\(error)"))"
                }
            }
            state.emit(line)
            let key = webhook.key
            var body = "verified"
            if let key { body += " by key \(key.id.hex)" + (key.label.map { " (\($0))" } ?? "") }
            return Self.text(.ok, body + (duplicate ? " (duplicate)\n" : "\n"))
        }
    }

    /// `200 verified POST /hook headers=fluent-signature:valid,flex.signature:valid(not-counted) key=ab12…`
    static func describe(_ verdict: WebhookVerdict, status: Int, _ target: String) -> String {
        var line = "\(status) \(verdict.isValid ? "verified" : "rejected") \(target) headers="
        if verdict.checks.isEmpty {
            line += "none"
        } else {
            line += verdict.checks.map { check in
                "\(check.header):\(check.isValid ? "valid" : check.outcome.code.name)\(check.counted ? "" : "(not-counted)")"
            }.joined(separator: ",")
        }
        if let key = verdict.verifiedKey ?? verdict.checks.lazy.compactMap({ $0.outcome.key }).first {
            line += " key=\(key.id.hex.prefix(16))" + (key.label.map { "(\($0))" } ?? "")
        }
        return line
    }

    /// `id=… name=…` read from the verified body with JSONSerialization.
    static func eventSummary(_ bytes: [UInt8]) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            return "id=- name=- (not a JSON object)"
        }
        func field(_ name: String) -> String {
            switch object[name] {
            case let s as String: return s.isEmpty ? "\"\"" : s.contains(" ") ? quoted(s) : s
            case let n as NSNumber: return n.stringValue
            default: return "-"
            }
        }
        return "id=\(field("id")) name=\(field("name"))"
    }

    static func signatureHeaderNames(_ fields: HTTPFields) -> [String] {
        fields.map(\.name.rawName).filter { SignatureAlgorithm(headerName: $0) != nil }
    }

    static func sha512(_ bytes: [UInt8]) throws -> [UInt8] {
        let digest = try BodyDigest(algorithm: .sha512WithRSA)
        try digest.update(bytes)
        return try digest.finalize()
    }

    static func quoted(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static func text(_ status: HTTPResponse.Status, _ text: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

extension ListenResponder {
    static func hexString(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
