import Foundation
import WebhookSignature

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
