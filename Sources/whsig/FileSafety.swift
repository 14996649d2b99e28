import Foundation
import WebhookSignature

#if canImport(Glibc)
import Glibc
#endif

/// Writing files safely: never overwriting unless asked, atomically, with a backup, with modes.
enum SafeFile {
    /// Writes `bytes` to `path` through a temporary file in the same directory and a rename, so a
    /// reader sees the old or the new content, never a mix. The previous content is kept as
    /// `path.bak` when `backup` is set.
    static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644, backup: Bool = false) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let dir = directory.isEmpty ? "." : directory
        let name = (path as NSString).lastPathComponent
        var template = Array("\(dir)/.\(name).XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw UsageFailure("cannot create a temporary file in \(dir): \(String(cString: strerror(errno)))") }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var ok = false
        defer {
            if !ok { unlink(temporary) }
        }
        guard fchmod(fd, mode) == 0 else {
            close(fd)
            throw UsageFailure("cannot set the mode of \(temporary): \(String(cString: strerror(errno)))")
        }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                close(fd)
                throw UsageFailure("cannot write \(temporary): \(String(cString: strerror(errno)))")
            }
            written += n
        }
        guard fsync(fd) == 0, close(fd) == 0 else { throw UsageFailure("cannot flush \(temporary): \(String(cString: strerror(errno)))") }
        if backup, FileManager.default.fileExists(atPath: path) {
            let backupPath = path + ".bak"
            unlink(backupPath)
            guard link(path, backupPath) == 0 || copy(path, to: backupPath) else {
                throw UsageFailure("cannot keep a backup of \(path) as \(backupPath)")
            }
        }
        guard rename(temporary, path) == 0 else { throw UsageFailure("cannot replace \(path): \(String(cString: strerror(errno)))") }
        ok = true
    }

    private static func copy(_ from: String, to: String) -> Bool {
        (try? FileManager.default.copyItem(atPath: from, toPath: to)) != nil
    }

    /// Refuses to replace an existing file unless `force` is set.
    static func checkWritable(_ path: String, force: Bool) throws {
        if FileManager.default.fileExists(atPath: path), !force {
            throw UsageFailure("\(path) already exists; pass --force to overwrite it")
        }
    }
}

/// Output encodings of a key.
enum KeyOutputFormat: String, CaseIterable {
    case base64, pem, der, jwk, pkcs1
}

extension RSAPublicKey {
    func encoded(_ format: KeyOutputFormat) -> [UInt8] {
        switch format {
        case .base64: return Array((x509Base64 + "\n").utf8)
        case .pem: return Array(pemRepresentation.utf8)
        case .der: return derRepresentation
        case .jwk: return Array((jwkRepresentation + "\n").utf8)
        case .pkcs1: return Array(pkcs1PEMRepresentation.utf8)
        }
    }
}

extension RSAPrivateKey {
    func encoded(_ format: KeyOutputFormat) -> [UInt8] {
        switch format {
        case .base64: return Array((Data(pkcs8DERRepresentation).base64EncodedString() + "\n").utf8)
        case .pem: return Array(pemRepresentation.utf8)
        case .der: return pkcs8DERRepresentation
        case .jwk: return Array((jwkRepresentation + "\n").utf8)
        case .pkcs1: return Array(pkcs1PEMRepresentation.utf8)
        }
    }
}

/// Shows a spinner on a terminal while slow work runs.
func withProgress<T>(_ message: String, show: Bool, _ work: () throws -> T) rethrows -> T {
    guard show, isatty(STDERR_FILENO) != 0 else { return try work() }
    let done = ManagedFlag()
    let thread = Thread {
        let frames = ["|", "/", "-", "\\"]
        var i = 0
        let start = Date()
        while !done.value {
            let elapsed = String(format: "%.1f", Date().timeIntervalSince(start))
            FileHandle.standardError.write(Data("\r\(message) \(frames[i % 4]) \(elapsed)s".utf8))
            i += 1
            Thread.sleep(forTimeInterval: 0.1)
        }
        FileHandle.standardError.write(Data("\r\(message) done.          \n".utf8))
    }
    thread.start()
    defer {
        done.value = true
        while !thread.isFinished { Thread.sleep(forTimeInterval: 0.01) }
    }
    return try work()
}

final class ManagedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    var value: Bool {
        get { lock.withLock { flag } }
        set { lock.withLock { flag = newValue } }
    }
}
