import Foundation

/// The C library installed once per test run by `scripts/install-c-library` into a temporary prefix,
/// for the C-library suite and the bad-input matrix's C cells.
enum CLibraryInstall {
    struct Installation: Sendable {
        let prefix: URL
        var library: URL { prefix.appendingPathComponent("lib/libwhsig.so.1.0.0") }
        var pkgConfigPath: String { prefix.appendingPathComponent("lib/pkgconfig").path }
        var libDirectory: String { prefix.appendingPathComponent("lib").path }
    }

    struct InstallFailed: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs the install script once per test run; every test then uses the same prefix.
    static let installation: Result<Installation, InstallFailed> = {
        let prefix = FileManager.default.temporaryDirectory
            .appendingPathComponent("whsig-clib-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))")
        removeStalePrefixes()
        do {
            let result = try Shell.run(
                "/bin/bash", [Vectors.packageRoot.appendingPathComponent("scripts/install-c-library").path, prefix.path], in: Vectors.packageRoot)
            guard result.status == 0 else {
                return .failure(InstallFailed(description: "install-c-library exited \(result.status):\n\(result.stderr.suffix(4000))"))
            }
            return .success(Installation(prefix: prefix))
        } catch {
            return .failure(InstallFailed(description: "cannot run install-c-library: \(error)"))
        }
    }()

    /// Removes the prefixes (about 15 MB each) of earlier test runs whose process has ended.
    static func removeStalePrefixes() {
        let fm = FileManager.default
        let temporary = fm.temporaryDirectory
        for name in (try? fm.contentsOfDirectory(atPath: temporary.path)) ?? [] where name.hasPrefix("whsig-clib-") {
            let pid = name.dropFirst("whsig-clib-".count).prefix { $0.isNumber }
            guard !pid.isEmpty, !fm.fileExists(atPath: "/proc/\(pid)") else { continue }
            try? fm.removeItem(at: temporary.appendingPathComponent(name))
        }
    }

    static func installed() throws -> Installation {
        try installation.get()
    }
}
