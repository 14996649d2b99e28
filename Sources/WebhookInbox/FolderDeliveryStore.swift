import Foundation
import WebhookSignature

#if canImport(Glibc)
import Glibc
#endif

/// A delivery store in a local folder: each body in `DIGEST.json`, mode 0600, in a folder of mode 0700.
///
/// Use it for one receiver on one machine (`whsig listen --store DIR`, or `--save-dir DIR`); a fleet
/// of receivers needs one shared store such as PostgreSQL. Only the body is kept; the time is the
/// file's modification time.
public struct FolderDeliveryStore: DeliveryStore {
    /// The folder's path.
    public let path: String

    /// Opens (creating it with mode 0700 when missing) a folder store.
    ///
    /// Throws ``InboxError/Code/invalidLocation`` when the path exists and is not a folder, or cannot
    /// be created.
    public init(path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw InboxError(.invalidLocation, "\(path) is not a folder") }
        } else {
            do {
                try FileManager.default.createDirectory(
                    atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw InboxError(.invalidLocation, "cannot create the folder \(path): \(error.localizedDescription)")
            }
        }
        self.path = path
    }

    /// `folder PATH`.
    public var displayName: String { "folder \(path)" }

    func file(_ digest: String) -> String { (path as NSString).appendingPathComponent(digest + ".json") }

    /// Writes the body to a temporary file (0600), flushes it, and links it in place as `DIGEST.json`.
    ///
    /// `link` fails when the name exists, so two writers of the same body keep exactly one file, and a
    /// reader never sees a partial one.
    public func store(_ delivery: StoredDelivery) async throws -> StoreOutcome {
        // Written by hand: Foundation's atomic write replaces an existing file and has no
        // "create only if absent" mode, which is what makes a retry a duplicate here.
        let target = file(delivery.digest)
        if access(target, F_OK) == 0 { return .duplicate }
        var template = Array("\(path)/.incoming.XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw Self.failure("cannot create a file in \(path)") }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { unlink(temporary) }
        guard fchmod(fd, 0o600) == 0 else {
            close(fd)
            throw Self.failure("cannot set the mode of \(temporary)")
        }
        var written = 0
        let bytes = delivery.body
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                close(fd)
                throw Self.failure("cannot write \(temporary)")
            }
            written += n
        }
        guard fsync(fd) == 0, close(fd) == 0 else { throw Self.failure("cannot flush \(temporary)") }
        if link(temporary, target) != 0 {
            if errno == EEXIST { return .duplicate }
            throw Self.failure("cannot create \(target)")
        }
        let directory = open(path, O_RDONLY | O_DIRECTORY)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
        return .stored
    }

    private static func failure(_ what: String) -> InboxError {
        InboxError(.writeFailed, "\(what): \(String(cString: strerror(errno)))")
    }

    /// Lists `DIGEST.json` files by modification time, oldest first.
    public func list(since: Date?, limit: Int) async throws -> [DeliverySummary] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw InboxError(.storeUnavailable, "cannot read the folder \(path): \(error.localizedDescription)")
        }
        var found: [DeliverySummary] = []
        for name in names where name.hasSuffix(".json") {
            let digest = String(name.dropLast(5))
            guard StoredDelivery.isDigest(digest),
                let attributes = try? FileManager.default.attributesOfItem(atPath: file(digest)),
                let modified = attributes[.modificationDate] as? Date
            else { continue }
            if let since, modified < since { continue }
            let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
            found.append(DeliverySummary(digest: digest, receivedAt: modified, size: size))
        }
        found.sort { ($0.receivedAt, $0.digest) < ($1.receivedAt, $1.digest) }
        return Array(found.prefix(max(0, limit)))
    }

    /// Reads `DIGEST.json`; nil when there is no such file.
    public func body(digest: String) async throws -> [UInt8]? {
        guard StoredDelivery.isDigest(digest) else { return nil }
        let target = file(digest)
        guard FileManager.default.fileExists(atPath: target) else { return nil }
        guard let data = FileManager.default.contents(atPath: target) else {
            throw InboxError(.storeUnavailable, "cannot read \(target)")
        }
        return [UInt8](data)
    }
}
