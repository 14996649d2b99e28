import ArgumentParser
import Foundation
import WebhookSignature

extension CryptoBackend: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { allCases.map(\.name) }
}

extension CanonicalMode: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { allCases.map(\.name) }
}

/// `md5` or `sha512`: the algorithm of one signature (`verify --signature`).
enum SingleAlgorithm: String, ExpressibleByArgument, CaseIterable {
    case md5, sha512

    var algorithm: SignatureAlgorithm { self == .md5 ? .md5WithRSA : .sha512WithRSA }
}

/// `md5`, `sha512` or `both`: what `sign` and `send` produce.
enum AlgorithmChoice: String, ExpressibleByArgument, CaseIterable {
    case md5, sha512, both

    var algorithms: [SignatureAlgorithm] {
        switch self {
        case .md5: return [.md5WithRSA]
        case .sha512: return [.sha512WithRSA]
        case .both: return [.md5WithRSA, .sha512WithRSA]
        }
    }
}

struct BackendOptions: ParsableArguments {
    @Option(help: "Crypto library: openssl or gcrypt.")
    var backend: CryptoBackend = .openssl
}

/// Reads a whole file, or standard input for `-` or no path.
///
/// With a `limit`, at most `limit + 1` bytes are read and more than `limit` is `input_too_large`, so
/// a huge file or an endless pipe given as a key costs no more than the limit.
func readInput(_ path: String?, what: String = "body", limit: Int? = nil) throws -> [UInt8] {
    var bytes: [UInt8] = []
    try forEachChunk(of: path, what: what, upTo: limit.map { $0 + 1 }) { bytes += $0 }
    if let limit, bytes.count > limit {
        let source = path == nil || path == "-" ? "standard input" : path!
        throw WebhookSignatureError(.inputTooLarge, "\(source): the \(what) input is larger than \(limit) bytes, the most that is read")
    }
    return bytes
}

func fileProblem(_ path: String) -> String {
    var isDirectory: ObjCBool = false
    if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) { return "no such file" }
    if isDirectory.boolValue { return "it is a directory" }
    return "permission denied or unreadable"
}

/// Streams a file (or standard input) in 1 MiB chunks, so any size is read in bounded memory;
/// with `upTo`, stops after that many bytes. A directory or a read error is a usage failure (exit 2).
func forEachChunk(of path: String?, what: String = "body", upTo: Int? = nil, _ body: ([UInt8]) throws -> Void) throws {
    let handle: FileHandle
    if path == nil || path == "-" {
        handle = FileHandle.standardInput
    } else {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path!, isDirectory: &isDirectory), !isDirectory.boolValue,
            let opened = FileHandle(forReadingAtPath: path!)
        else {
            throw UsageFailure("cannot read the \(what) file \(path!): \(fileProblem(path!))")
        }
        handle = opened
    }
    defer { if path != nil && path != "-" { try? handle.close() } }
    var remaining = upTo ?? Int.max
    while remaining > 0 {
        let chunk: Data
        do {
            chunk = try handle.read(upToCount: min(1 << 20, remaining)) ?? Data()
        } catch {
            let source = path == nil || path == "-" ? "standard input" : "the \(what) file \(path!)"
            throw UsageFailure("cannot read \(source): \(error.localizedDescription)")
        }
        if chunk.isEmpty { break }
        remaining -= chunk.count
        try body([UInt8](chunk))
    }
}

/// The most a key file may hold: the library reads at most 1 MiB of key input (docs/limits.md).
let maximumKeyFileBytes = 1 << 20

/// Names the file in a key error.
func keyError(_ error: WebhookSignatureError, path: String) -> WebhookSignatureError {
    WebhookSignatureError(error.code, "\(path): \(error.reason)")
}

func loadPublicKey(_ path: String, backend: CryptoBackend) throws -> RSAPublicKey {
    let bytes = try readInput(path, what: "key", limit: maximumKeyFileBytes)
    do {
        return try RSAPublicKey(parsing: bytes, backend: backend)
    } catch {
        throw keyError(error, path: path)
    }
}

func loadPrivateKey(_ path: String, backend: CryptoBackend) throws -> RSAPrivateKey {
    let bytes = try readInput(path, what: "private key", limit: maximumKeyFileBytes)
    do {
        return try RSAPrivateKey(parsing: bytes, backend: backend)
    } catch {
        throw keyError(error, path: path)
    }
}

func loadKeyring(_ path: String, backend: CryptoBackend) throws -> Keyring {
    guard FileManager.default.fileExists(atPath: path) else {
        throw UsageFailure("cannot read the keyring \(path): no such file (create it with: whsig keyring add --keyring \(path) --key FILE)")
    }
    let bytes = try readInput(path, what: "keyring")
    do {
        return try Keyring(json: bytes, backend: backend)
    } catch {
        throw WebhookSignatureError(error.code, "\(path): \(error.reason)")
    }
}

/// Parses `NAME: VALUE`; a value holding several header lines (`"$(whsig sign …)"` prints two) is
/// a usage failure that says to pass each header on its own.
func parseHeader(_ line: String) throws -> (String, String) {
    let lines = line.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
        .filter { !$0.allSatisfy(\.isWhitespace) }
    if lines.count > 1 {
        let names = lines.map { $0.split(separator: ":", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" }
        let separately = names.map { "--header '\($0): …'" }.joined(separator: " ")
        throw UsageFailure(
            "--header holds \(lines.count) header lines (\(names.joined(separator: ", "))); pass each header separately: \(separately)")
    }
    guard let colon = line.firstIndex(of: ":") else {
        throw UsageFailure("--header \"\(line)\" is not of the form 'NAME: VALUE'")
    }
    let name = line[..<colon].trimmingCharacters(in: .whitespaces)
    let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    guard !name.isEmpty else { throw UsageFailure("--header \"\(line)\" has an empty name") }
    return (name, value)
}

/// Writes a JSON object to standard output, keys sorted, one line.
func printJSON(_ object: Any) {
    if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) {
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }
}

/// Parses durations such as `90s`, `15m`, `36h`, `7d`, `2w` (a bare number is seconds).
func parseDuration(_ text: String) throws -> Int64 {
    let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
    var digits = text
    var factor: Int64 = 1
    if let last = text.last, let unit = units[last] {
        factor = unit
        digits.removeLast()
    }
    guard let value = Int64(digits), value >= 0, value <= Int64.max / factor else {
        throw UsageFailure("\"\(text)\" is not a duration such as 90s, 15m, 36h, 7d or 2w")
    }
    return value * factor
}

/// Parses RFC 3339 times and `now`, `now+7d`, `now-1h`.
func parseTime(_ text: String) throws -> UnixTime {
    if text.hasPrefix("now") {
        let rest = text.dropFirst(3)
        if rest.isEmpty { return .now }
        let sign: Int64 = rest.first == "-" ? -1 : 1
        guard rest.first == "+" || rest.first == "-" else { throw UsageFailure("\"\(text)\" is not a time") }
        return UnixTime.now.adding(seconds: sign * (try parseDuration(String(rest.dropFirst()))))
    }
    guard let time = UnixTime(rfc3339: text) else {
        throw UsageFailure("\"\(text)\" is not a time such as 2026-12-01T00:00:00Z, 2026-12-01 or now+7d")
    }
    return time
}

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

    func validate() throws {
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
