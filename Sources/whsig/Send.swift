import ArgumentParser
import Dispatch
import Foundation
import Synchronization
import WebhookSignature

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

extension Exit {
    /// `send`: no attempt got an HTTP response.
    static let noResponse: Int32 = 3
}

struct Send: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "POST an event signed as the platform signs it, with the platform's retries; or load-test a receiver.",
        discussion: """
            Sends the body byte for byte as given, with Content-Type: application/json, flex.signature \
            (MD5withRSA) and fluent-signature (SHA512withRSA), header names exactly in that case. An attempt \
            that fails before a status line arrives (connection refused or reset, closed before a response, \
            no response within --timeout, or any other transport failure) is retried on the platform's \
            schedule: at once, then after 2 s, 4 s and 8 s. Not retried: a host name that does not resolve \
            (dns) and a TLS or certificate error (tls). Any HTTP response is an answer and is not retried. \
            One line per attempt: number, status or failure kind (refused, reset, closed, timeout, \
            connection, dns, tls), elapsed ms, and the first line of the receiver's answer.

            Exit codes: 0 the receiver answered 2xx; 1 it answered another status; 2 bad usage or input; 3 \
            no attempt got an HTTP response.

            --header 'NAME: VALUE' adds a header, or replaces a computed one of the same name (any case): \
            send a deliberately wrong signature, or replay a captured delivery without --private-key. \
            --count N --concurrency C replays the event N times, C in flight, and reports latency \
            percentiles, answers per status and failures (exit 3 if any delivery got no response, else 1 if \
            any was not 2xx). Proxies follow libcurl's http_proxy, https_proxy and no_proxy variables.

            Worked example (two terminals), with a key pair made by openssl:
              openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \\
                -out sender.pem
              openssl pkey -in sender.pem -pubout -out sender-public.pem
              whsig listen --port 8080 --key sender-public.pem
              whsig send --url http://127.0.0.1:8080/hook \\
                --private-key sender.pem event.json
              attempt 1: 200 after 18.5 ms: verified by key 8795749cc52e9b41...

            A receiver down for a while (retries 2, 4, 8 s apart, 3 s each):
              whsig send --url https://example.test/hook \\
                --private-key sender.pem --timeout 3 event.json

            Load test:
              whsig send --url http://127.0.0.1:8080/hook \\
                --private-key sender.pem --count 1000 --concurrency 8 event.json
            """
    )

    @Option(help: ArgumentHelp("The receiver's URL (http or https).", valueName: "URL"))
    var url: String

    @Option(help: ArgumentHelp("The private key that signs the body (PKCS#8 or PKCS#1, PEM, DER or base64).", valueName: "FILE"))
    var privateKey: String?

    @Option(help: "Which signature headers to send: md5, sha512 or both.")
    var algorithm: AlgorithmChoice = .both

    @Option(
        name: .customLong("header"),
        help: ArgumentHelp("An extra header 'NAME: VALUE' (replaces a computed one of that name); repeatable.", valueName: "HEADER"))
    var headers: [String] = []

    @Option(help: ArgumentHelp("Seconds to wait for a response, per attempt (fractions allowed).", valueName: "SECONDS"))
    var timeout: Double = 10

    @Option(help: ArgumentHelp("Retries after an attempt that got no HTTP response.", valueName: "N"))
    var retries: Int = 4

    @Option(help: ArgumentHelp("Seconds to wait before each retry, comma-separated; the last repeats.", valueName: "LIST"))
    var backoff: String = "0,2,4,8"

    @Option(help: ArgumentHelp("Load test: send the event N times and report latency percentiles.", valueName: "N"))
    var count: Int?

    @Option(help: ArgumentHelp("Load test: deliveries in flight at once.", valueName: "C"))
    var concurrency: Int = 1

    @Flag(help: "Print the result as one JSON object.")
    var json = false

    @OptionGroup var backendOptions: BackendOptions

    @Argument(help: ArgumentHelp("The event file, or - for standard input.", valueName: "EVENTFILE"))
    var body: String?

    func validate() throws {
        _ = try Self.parseURL(url)
        guard timeout.isFinite, timeout > 0, timeout <= 86_400 else {
            throw ValidationError("--timeout must be a positive number of seconds, at most 86400")
        }
        guard (0...100).contains(retries) else { throw ValidationError("--retries must be 0...100") }
        _ = try Self.parseBackoff(backoff)
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        guard (1...1024).contains(concurrency) else { throw ValidationError("--concurrency must be 1...1024") }
        if concurrency > 1 && count == nil { throw ValidationError("--concurrency goes with --count") }
        for header in headers { _ = try parseHeader(header) }
        if privateKey == nil,
            !headers.contains(where: { (try? parseHeader($0)).map { SignatureAlgorithm(headerName: $0.0) != nil } ?? false })
        {
            throw ValidationError("give --private-key FILE, or signature headers with --header 'fluent-signature: B64'")
        }
    }

    static func parseURL(_ text: String) throws -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else {
            throw ValidationError("--url \"\(text)\" is not an http:// or https:// URL with a host")
        }
        return url
    }

    static func parseBackoff(_ text: String) throws -> [Double] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let values = parts.map { Double($0) }
        guard !parts.isEmpty, values.allSatisfy({ $0 != nil && $0!.isFinite && $0! >= 0 && $0! <= 86_400 }) else {
            throw ValidationError("--backoff \"\(text)\" is not a list of seconds (0...86400) such as 0,2,4,8")
        }
        return values.map { $0! }
    }

    func run() async throws {
        let target = try Self.parseURL(url)
        let bytes = try readInput(body, what: "event")
        var computed: [(String, String)] = []
        if let privateKey {
            let key = try loadPrivateKey(privateKey, backend: backendOptions.backend)
            computed = try WebhookSigner(key: key, algorithms: algorithm.algorithms).headers(for: bytes).map { ($0.name, $0.value) }
        }
        let extra = try headers.map(parseHeader)
        let plan = RetryPlan(retries: retries, backoff: try Self.parseBackoff(backoff), timeout: timeout)
        let deliverer = HTTPDeliverer(
            url: target, body: bytes, headers: Self.merge(computed: computed, extra: extra),
            maxConnections: count == nil ? 1 : concurrency)
        defer { deliverer.close() }

        if let count {
            let report = await LoadTest(deliverer: deliverer, plan: plan, count: count, concurrency: concurrency).run()
            if json {
                printJSON(report.json(url: url, bodyBytes: bytes.count))
            } else {
                for line in report.lines(url: url, bodyBytes: bytes.count) { emitLine(line) }
            }
            if report.exitCode != Exit.ok { throw ExitCode(report.exitCode) }
            return
        }

        let quiet = json
        let result = await deliverer.deliver(plan: plan) { record in
            if !quiet { emitLine(record.line(plan: plan)) }
        }
        if json {
            var object: [String: Any] = [
                "url": url, "bodyBytes": bytes.count, "attempts": result.attempts.map { $0.json() },
                "delivered": result.status.map { (200..<300).contains($0) } ?? false, "exitCode": result.exitCode,
            ]
            if let status = result.status { object["status"] = status }
            printJSON(object)
        } else if result.status == nil {
            emitLine("no HTTP response after \(result.attempts.count) attempt\(result.attempts.count == 1 ? "" : "s")")
        }
        if result.exitCode != Exit.ok { throw ExitCode(result.exitCode) }
    }

    /// The headers to send, in order: Content-Type, the computed signatures, then the extra ones; an
    /// extra header replaces a computed one of the same name (any case), repeats are comma-joined.
    static func merge(computed: [(String, String)], extra: [(String, String)]) -> [(String, String)] {
        var result: [(String, String)] = [("Content-Type", "application/json")] + computed
        var fromExtra = Set<String>()
        for (name, value) in extra {
            let lower = name.lowercased()
            if fromExtra.contains(lower), let i = result.firstIndex(where: { $0.0.lowercased() == lower }) {
                result[i].1 += ", " + value
            } else {
                result.removeAll { $0.0.lowercased() == lower }
                result.append((name, value))
                fromExtra.insert(lower)
            }
        }
        return result
    }
}
