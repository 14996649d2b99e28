import Foundation
import WebhookSignature

#if canImport(Glibc)
import Glibc
#endif

/// Writing files safely: never overwriting unless asked, atomically, with a backup, with modes.
enum SafeFile {
    /// What the new file's mode and owner are.
    enum Permissions {
        /// This mode, owned by the current user.
        case mode(mode_t)
        /// The replaced file's mode and owner when it exists (a 0600 file stays 0600), else this mode.
        case keepExisting(orNew: mode_t)
    }

    /// Writes `bytes` to `path` through a temporary file in the same directory and a rename, so a
    /// reader sees the old or the new content, never a mix; then fsyncs the directory, so that the
    /// rename itself survives a power loss. The previous content is kept as `path.bak` when
    /// `backup` is set. Every descriptor opened here is closed on every path, failures included.
    static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644, backup: Bool = false) throws {
        try writeAtomically(bytes, to: path, permissions: .mode(mode), backup: backup)
    }

    static func writeAtomically(_ bytes: [UInt8], to path: String, permissions: Permissions, backup: Bool = false) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let dir = directory.isEmpty ? "." : directory
        let name = (path as NSString).lastPathComponent
        var mode: mode_t
        var owner: (uid_t, gid_t)? = nil
        switch permissions {
        case .mode(let m): mode = m
        case .keepExisting(let fallback):
            mode = fallback
            var info = stat()
            if stat(path, &info) == 0 {
                mode = info.st_mode & 0o7777
                owner = (info.st_uid, info.st_gid)
            }
        }
        var template = Array("\(dir)/.\(name).XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw UsageFailure("cannot create a temporary file in \(dir): \(String(cString: strerror(errno)))") }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var ok = false
        var open = true
        defer {
            if open { close(fd) }
            if !ok { unlink(temporary) }
        }
        guard fchmod(fd, mode) == 0 else {
            throw UsageFailure("cannot set the mode of \(temporary): \(String(cString: strerror(errno)))")
        }
        if let (uid, gid) = owner, uid != geteuid() || gid != getegid() {
            guard fchown(fd, uid, gid) == 0 else {
                throw UsageFailure("cannot keep the owner of \(path) (uid \(uid), gid \(gid)): \(String(cString: strerror(errno)))")
            }
            // chown may clear set-id bits: set the mode again.
            guard fchmod(fd, mode) == 0 else {
                throw UsageFailure("cannot set the mode of \(temporary): \(String(cString: strerror(errno)))")
            }
        }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw UsageFailure("cannot write \(temporary): \(String(cString: strerror(errno)))")
            }
            written += n
        }
        let synced = fsync(fd) == 0 ? 0 : errno
        open = false
        let closed = close(fd) == 0 ? 0 : errno
        guard synced == 0, closed == 0 else {
            throw UsageFailure("cannot flush \(temporary): \(String(cString: strerror(synced != 0 ? synced : closed)))")
        }
        if backup, FileManager.default.fileExists(atPath: path) {
            let backupPath = path + ".bak"
            unlink(backupPath)
            guard link(path, backupPath) == 0 || copy(path, to: backupPath) else {
                throw UsageFailure("cannot keep a backup of \(path) as \(backupPath)")
            }
        }
        guard rename(temporary, path) == 0 else { throw UsageFailure("cannot replace \(path): \(String(cString: strerror(errno)))") }
        ok = true
        try syncDirectory(dir)
    }

    /// fsyncs a directory so that a rename in it is on disk; the descriptor is closed whatever happens.
    static func syncDirectory(_ dir: String) throws {
        let dirfd = Glibc.open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dirfd >= 0 else { throw UsageFailure("cannot open the directory \(dir) to flush it: \(String(cString: strerror(errno)))") }
        defer { close(dirfd) }
        // Some file systems cannot fsync a directory (EINVAL): the rename is then as durable as they allow.
        guard fsync(dirfd) == 0 || errno == EINVAL else {
            throw UsageFailure("cannot flush the directory \(dir): \(String(cString: strerror(errno)))")
        }
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
