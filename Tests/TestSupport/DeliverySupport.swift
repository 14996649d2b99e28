import Foundation
import Synchronization
import Testing
import WebhookSignature

#if canImport(Glibc)
    import Glibc
#endif

/// Helpers for the delivery tests: the built `whsig`, processes that keep running, raw loopback
/// servers. Everything binds 127.0.0.1 and every wait is bounded in time.
enum Delivery {
    /// The `whsig` binary next to the test bundle (the test target depends on it, so `swift test` builds it).
    static var binary: URL { CLI.binary }

    /// The environment for child processes, without proxy variables (libcurl honours them).
    static let environment: [String: String] = {
        var env = ProcessInfo.processInfo.environment
        for name in ["http_proxy", "https_proxy", "all_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"] {
            env[name] = nil
        }
        return env
    }()

    /// A signing key pair written to a fresh directory, made once for all the delivery tests.
    struct Keys: Sendable {
        let directory: URL
        let privateKey: RSAPrivateKey
        var privatePath: String { directory.appendingPathComponent("sender.pem").path }
        var publicPath: String { directory.appendingPathComponent("sender-public.b64").path }
    }

    static let keys: Keys = {
        let directory = temporaryDirectory()
        let key = try! RSAPrivateKey(generatingBits: 2048)
        try! Data(key.pemRepresentation.utf8).write(to: directory.appendingPathComponent("sender.pem"))
        try! Data(key.publicKey.x509Base64.utf8).write(to: directory.appendingPathComponent("sender-public.b64"))
        return Keys(directory: directory, privateKey: key)
    }()

    static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("whsig-delivery-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes bytes to a new file in a fresh directory and returns its path.
    static func file(_ bytes: [UInt8], name: String = "event.json") -> String {
        let url = temporaryDirectory().appendingPathComponent(name)
        try! Data(bytes).write(to: url)
        return url.path
    }

    struct Finished {
        var status: Int32
        var stdout: String
        var stderr: String
        var lines: [String] { stdout.split(separator: "\n").map(String.init) }
    }

    /// Runs `whsig ARGS` to completion, killed after `timeout` seconds.
    static func run(_ arguments: [String], timeout: Double = 120) throws -> Finished {
        let child = try DeliveryChild(arguments)
        guard child.wait(timeout: timeout) else {
            child.kill()
            Issue.record("whsig \(arguments.joined(separator: " ")) did not finish within \(timeout) s")
            return Finished(status: -1, stdout: child.stdout, stderr: child.stderr)
        }
        return Finished(status: child.status, stdout: child.stdout, stderr: child.stderr)
    }

    /// A free loopback port with nothing listening on it (bound, then closed).
    static func closedPort() throws -> Int {
        let server = try DeliveryRawServer { _, _ in .close }
        let port = server.port
        server.stop()
        return port
    }
}

/// A running `whsig` whose output is collected line by line as it arrives.
final class DeliveryChild: @unchecked Sendable {
    private let process = Process()
    final class Sink: Sendable {
        let bytes = Mutex<[UInt8]>([])
    }
    private let out = Sink()
    private let err = Sink()
    private let readers = DispatchGroup()

    init(_ arguments: [String]) throws {
        process.executableURL = Delivery.binary
        process.arguments = arguments
        process.environment = Delivery.environment
        let outPipe = Pipe()
        let errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        for (pipe, sink) in [(outPipe, out), (errPipe, err)] {
            readers.enter()
            let handle = pipe.fileHandleForReading
            Thread { [readers] in
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    sink.bytes.withLock { $0.append(contentsOf: chunk) }
                }
                readers.leave()
            }.start()
        }
    }

    var stdout: String { out.bytes.withLock { String(decoding: $0, as: UTF8.self) } }
    var stderr: String { err.bytes.withLock { String(decoding: $0, as: UTF8.self) } }
    var lines: [String] { stdout.split(separator: "\n").map(String.init) }
    var status: Int32 { process.terminationStatus }
    var pid: Int32 { process.processIdentifier }

    /// Waits for the process to exit and its output to be read; false on timeout.
    func wait(timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline { return false }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return readers.wait(timeout: .now() + 5) == .success
    }

    /// Waits until a line of stdout satisfies `match`; nil on timeout or exit.
    func waitForLine(timeout: Double = 30, _ match: (String) -> Bool) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let line = lines.first(where: match) { return line }
            if !process.isRunning {
                _ = readers.wait(timeout: .now() + 2)
                return lines.first(where: match)
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return nil
    }

    /// Sends SIGTERM and waits (bounded) for a clean exit; SIGKILL if it does not come.
    @discardableResult
    func terminate(timeout: Double = 10) -> Bool {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGTERM) }
        if wait(timeout: timeout) { return true }
        kill()
        return false
    }

    func kill() {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        _ = wait(timeout: 5)
    }
}

/// A running `whsig listen` on a free loopback port.
final class DeliveryListener: @unchecked Sendable {
    let child: DeliveryChild
    let port: Int

    init(_ extra: [String] = []) throws {
        child = try DeliveryChild(["listen", "--port", "0", "--key", Delivery.keys.publicPath] + extra)
        guard let line = child.waitForLine(timeout: 30, { $0.hasPrefix("listening on http://127.0.0.1:") }),
            let port = Int(line.split(separator: ":").last ?? "")
        else {
            child.kill()
            throw ListenerFailed(stdout: child.stdout, stderr: child.stderr)
        }
        self.port = port
    }

    var url: String { "http://127.0.0.1:\(port)/hook" }

    struct ListenerFailed: Error, CustomStringConvertible {
        var stdout: String
        var stderr: String
        var description: String { "whsig listen did not start: \(stdout) \(stderr)" }
    }

    /// The delivery lines logged so far (every line but the first and the summary).
    var deliveryLines: [String] { child.lines.filter { $0.first?.isNumber == true } }
}

/// A tiny HTTP/1.1 server on raw sockets: for each connection (numbered from 0) it decides to close
/// without answering, stall, or answer; it records when each connection arrived and what it read.
final class DeliveryRawServer: @unchecked Sendable {
    enum Action: Sendable {
        /// Read the request, then close without answering (FIN, not RST: the request was read).
        case close
        /// Read the request, then keep the connection open this long without answering, then close.
        case stall(Double)
        /// Read the request and answer with this status and body.
        case answer(Int, String)
    }

    struct Connection: Sendable {
        var arrived: ContinuousClock.Instant
        var request: [UInt8]
    }

    let port: Int
    private let fd: Int32
    private let decide: @Sendable (Int, [UInt8]) -> Action
    /// Connections (by index) reset as soon as they are accepted, before reading anything (RST, not FIN).
    private let resetAtAccept: Set<Int>
    private let state = Mutex<(connections: [Connection], stopped: Bool)>(([], false))
    private let done = DispatchSemaphore(value: 0)

    /// `decide(connectionIndex, requestBytes)` picks the action once the request was read.
    init(resetAtAccept: Set<Int> = [], _ decide: @escaping @Sendable (Int, [UInt8]) -> Action) throws {
        self.decide = decide
        self.resetAtAccept = resetAtAccept
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread { [self] in acceptLoop() }.start()
    }

    var connections: [Connection] { state.withLock { $0.connections } }

    func stop() {
        let wasStopped = state.withLock { s -> Bool in
            defer { s.stopped = true }
            return s.stopped
        }
        if !wasStopped { _ = done.wait(timeout: .now() + 5) }
    }

    deinit { stop() }

    private func acceptLoop() {
        defer {
            close(fd)
            done.signal()
        }
        // Bounded: polls every 50 ms until stopped, and gives up after 10 minutes whatever happens.
        let deadline = ContinuousClock.now + .seconds(600)
        while ContinuousClock.now < deadline, !state.withLock({ $0.stopped }) {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 50) > 0 else { continue }
            let client = accept(fd, nil, nil)
            guard client >= 0 else { continue }
            let arrived = ContinuousClock.now
            let index = state.withLock { s -> Int in
                s.connections.append(Connection(arrived: arrived, request: []))
                return s.connections.count - 1
            }
            Thread { [self] in handle(client, index: index) }.start()
        }
    }

    private func handle(_ client: Int32, index: Int) {
        if resetAtAccept.contains(index) {
            // SO_LINGER with a zero timeout makes close() send RST at once.
            var option = linger(l_onoff: 1, l_linger: 0)
            setsockopt(client, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
            close(client)
            return
        }
        defer { close(client) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let request = Self.readRequest(client)
        state.withLock { $0.connections[index].request = request }
        switch decide(index, request) {
        case .close:
            return
        case .stall(let seconds):
            Thread.sleep(forTimeInterval: seconds)
        case .answer(let status, let body):
            let response = "HTTP/1.1 \(status) X\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
            _ = Array(response.utf8).withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            shutdown(client, Int32(SHUT_WR))
        }
    }

    /// Reads a request head and a Content-Length body (bounded by size and the 5 s receive timeout).
    static func readRequest(_ client: Int32) -> [UInt8] {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        var expected: Int? = nil
        while data.count < 32 << 20 {
            if let expected, data.count >= expected { break }
            let n = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            data.append(contentsOf: buffer[0..<n])
            if expected == nil, let end = headEnd(data) {
                let head = String(decoding: data[..<end], as: UTF8.self).lowercased()
                let length =
                    head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                expected = end + 4 + length
            }
        }
        return data
    }

    static func headEnd(_ data: [UInt8]) -> Int? {
        guard data.count >= 4 else { return nil }
        for i in 0...(data.count - 4) where data[i] == 13 && data[i + 1] == 10 && data[i + 2] == 13 && data[i + 3] == 10 {
            return i
        }
        return nil
    }

    /// A captured request split into header lines (as sent) and body bytes.
    static func split(_ request: [UInt8]) -> (lines: [String], body: [UInt8]) {
        guard let end = headEnd(request) else { return ([], []) }
        let lines = String(decoding: request[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        return (lines, Array(request[(end + 4)...]))
    }
}

extension Duration {
    var deliverySeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
