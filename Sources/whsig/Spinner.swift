import Foundation

#if canImport(Glibc)
import Glibc
#endif

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
