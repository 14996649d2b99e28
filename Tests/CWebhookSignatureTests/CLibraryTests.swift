import Foundation
import Testing

import WebhookSignature
@testable import WebhookSignatureTestSupport

/// The C library (libwhsig): installs it with `scripts/install-c-library` into a temporary prefix
/// once per test run, then checks the installed artefacts from the outside, as a C or Python user
/// would: the header compiles as C99 and C++11, `Tests/CLibrary/whsig_test.c` passes (also under
/// valgrind), the shared object needs no Swift runtime and exports only `whsig_*`, and the Python
/// package's pytest suite passes (the real delivery, every JDK vector, the receiver example).
///
/// The release build takes a minute or two the first time (it is incremental afterwards, in
/// `.build-clib`). Parts that need a missing tool or the shared vectors are skipped with a note.
@Suite("C library", .serialized)
struct CLibraryTests {
    static let root = Vectors.packageRoot
    static let header = root.appendingPathComponent("Sources/CWebhookSignature/include/whsig.h")
    static let keysDirectory = Vectors.ownURL("keys").path
    /// The shared vectors folder, when present (passed to the C and Python tests).
    static var vectorsArguments: [String] {
        if Vectors.available { return [Vectors.directory.path] }
        print("NOTE: \(Vectors.skipNote) — the C and Python tests run without the real delivery and JDK vectors")
        return []
    }

    // MARK: Installing once (WebhookSignatureTestSupport.CLibraryInstall, shared with the bad-input matrix)

    typealias Installation = CLibraryInstall.Installation
    typealias InstallFailed = CLibraryInstall.InstallFailed

    static func installed() throws -> Installation { try CLibraryInstall.installed() }

    // MARK: The install itself

    @Test("install-c-library installs the library, its symlinks, the header, whsig.pc and the CMake package")
    func installLayout() throws {
        let install = try Self.installed()
        let lib = install.prefix.appendingPathComponent("lib")
        let fm = FileManager.default
        #expect(fm.fileExists(atPath: install.library.path))
        #expect(try fm.destinationOfSymbolicLink(atPath: lib.appendingPathComponent("libwhsig.so.1").path) == "libwhsig.so.1.0.0")
        #expect(try fm.destinationOfSymbolicLink(atPath: lib.appendingPathComponent("libwhsig.so").path) == "libwhsig.so.1")
        #expect(fm.contentsEqual(atPath: install.prefix.appendingPathComponent("include/whsig.h").path, andPath: Self.header.path))
        let pc = try String(contentsOf: lib.appendingPathComponent("pkgconfig/whsig.pc"), encoding: .utf8)
        #expect(pc.contains("Libs: -L${libdir} -lwhsig"))
        #expect(pc.contains("Cflags: -I${includedir}"))
        #expect(pc.contains("Version: \(WebhookSignatureVersion.string)"))
        let flags = try Shell.run(
            "/usr/bin/env", ["pkg-config", "--cflags", "--libs", "whsig"], environment: ["PKG_CONFIG_PATH": install.pkgConfigPath])
        #expect(flags.status == 0, "\(flags.stderr)")
        #expect(flags.stdout.contains("-lwhsig") && flags.stdout.contains("-I\(install.prefix.path)/include"))
        let cmake = lib.appendingPathComponent("cmake/whsig")
        let config = try String(contentsOf: cmake.appendingPathComponent("whsigConfig.cmake"), encoding: .utf8)
        #expect(config.contains("add_library(whsig::whsig SHARED IMPORTED)"))
        #expect(config.contains("${CMAKE_CURRENT_LIST_DIR}"), "the CMake package must be relocatable")
        let version = try String(contentsOf: cmake.appendingPathComponent("whsigConfigVersion.cmake"), encoding: .utf8)
        #expect(version.contains("set(PACKAGE_VERSION \"\(WebhookSignatureVersion.string)\")"))
        #expect(!version.contains("@VERSION@") && !version.contains("@MAJOR@"))
        let readelf = try Shell.run("/usr/bin/env", ["readelf", "-d", install.library.path])
        #expect(readelf.stdout.contains("Library soname: [libwhsig.so.1]"), "\(readelf.stdout)")
    }

    @Test("install-c-library refuses to run without a PREFIX")
    func installNeedsPrefix() throws {
        let result = try Shell.run("/bin/bash", [Self.root.appendingPathComponent("scripts/install-c-library").path], in: Self.root)
        #expect(result.status != 0)
        #expect(result.stderr.contains("PREFIX"))
    }

    // MARK: The shared object

    @Test("the library needs no Swift runtime or Foundation at run time")
    func noSwiftRuntimeDependency() throws {
        let install = try Self.installed()
        let ldd = try Shell.run("/usr/bin/env", ["ldd", install.library.path])
        #expect(ldd.status == 0, "\(ldd.stderr)")
        print("ldd \(install.library.path):\n\(ldd.stdout)")
        #expect(!ldd.stdout.contains("libswift"), "\(ldd.stdout)")
        #expect(!ldd.stdout.contains("libFoundation"), "\(ldd.stdout)")
        #expect(!ldd.stdout.contains("not found"), "\(ldd.stdout)")
        #expect(ldd.stdout.contains("libcrypto.so.3"))
        #expect(ldd.stdout.contains("libgcrypt.so"))
    }

    @Test("the library exports exactly the functions the header declares")
    func exportsOnlyTheHeader() throws {
        let install = try Self.installed()
        let nm = try Shell.run("/usr/bin/env", ["nm", "-D", "--defined-only", install.library.path])
        #expect(nm.status == 0, "\(nm.stderr)")
        let symbols = nm.stdout.split(separator: "\n").compactMap { $0.split(separator: " ").last.map(String.init) }
        #expect(!symbols.isEmpty)
        let foreign = symbols.filter { !$0.hasPrefix("whsig_") }
        #expect(foreign.isEmpty, "symbols other than whsig_*: \(foreign.prefix(20))")
        let declared = try Self.declaredFunctions()
        #expect(declared.count >= 20)
        #expect(Set(symbols) == Set(declared), "exported \(symbols.sorted()) vs declared \(declared.sorted())")
    }

    /// The functions whsig.h declares: declaration lines start in column 0 with their return type.
    static func declaredFunctions() throws -> [String] {
        let text = try String(contentsOf: header, encoding: .utf8)
        var names: [String] = []
        for line in text.split(separator: "\n") where line.first?.isLetter == true && line.contains("(") {
            if let match = line.firstMatch(of: /(whsig_[a-z0-9_]+)\(/) { names.append(String(match.1)) }
        }
        return names
    }

    // MARK: The header

    @Test("every library error code is in the header, negated, and C-only codes are -100 and below")
    func headerStatusCodes() throws {
        let text = try String(contentsOf: Self.header, encoding: .utf8)
        var defined: [String: Int32] = [:]
        for match in text.matches(of: /#define (WHSIG_[A-Z0-9_]+) \(?(-?\d+)\)?/) {
            defined[String(match.1)] = Int32(match.2)
        }
        #expect(defined["WHSIG_OK"] == 0)
        #expect(defined["WHSIG_INVALID_SIGNATURE"] == 1)
        for code in WebhookSignatureError.Code.all {
            let name = "WHSIG_ERR_" + code.name.uppercased()
            #expect(defined[name] == -code.number, "\(name) should be \(-code.number)")
        }
        let libraryNumbers = Set(WebhookSignatureError.Code.all.map { -$0.number })
        let errors = defined.filter { $0.key.hasPrefix("WHSIG_ERR_") }
        for (name, value) in errors where !libraryNumbers.contains(value) {
            #expect(value <= -100, "\(name) = \(value) may collide with a future library code")
        }
        #expect(Set(errors.values).count == errors.count, "two error macros share a number")
    }

    @Test("the installed header compiles warning-free as C99 and as C++11", .enabled(if: Shell.has("gcc") && Shell.has("g++")))
    func headerCompiles() throws {
        let install = try Self.installed()
        let header = install.prefix.appendingPathComponent("include/whsig.h").path
        let c = try Shell.run(
            "/usr/bin/env", ["gcc", "-std=c99", "-Wall", "-Wextra", "-pedantic", "-Werror", "-fsyntax-only", "-x", "c", header])
        #expect(c.status == 0, "\(c.stderr)")
        let cxx = try Shell.run(
            "/usr/bin/env", ["g++", "-std=c++11", "-Wall", "-Wextra", "-pedantic", "-Werror", "-fsyntax-only", "-x", "c++", header])
        #expect(cxx.status == 0, "\(cxx.stderr)")
    }

    // MARK: The C test program

    /// Compiles Tests/CLibrary/whsig_test.c against the installed library, as a user would.
    static func buildCTest(_ install: Installation) throws -> URL {
        let pkg = try Shell.run(
            "/usr/bin/env", ["pkg-config", "--cflags", "--libs", "whsig"], environment: ["PKG_CONFIG_PATH": install.pkgConfigPath])
        guard pkg.status == 0 else { throw InstallFailed(description: "pkg-config whsig failed: \(pkg.stderr)") }
        let output = install.prefix.appendingPathComponent("whsig_test")
        let source = root.appendingPathComponent("Tests/CLibrary/whsig_test.c").path
        let flags = pkg.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        let gcc = try Shell.run(
            "/usr/bin/env",
            ["gcc", "-std=c99", "-Wall", "-Wextra", "-pedantic", "-Werror", source] + flags
                + ["-pthread", "-Wl,-rpath,\(install.libDirectory)", "-o", output.path])
        guard gcc.status == 0 else { throw InstallFailed(description: "whsig_test.c does not compile:\n\(gcc.stderr)") }
        return output
    }

    static let cTest: Result<URL, InstallFailed> = {
        do {
            return .success(try buildCTest(try installed()))
        } catch let error as InstallFailed {
            return .failure(error)
        } catch {
            return .failure(InstallFailed(description: "\(error)"))
        }
    }()

    @Test("the C test program calls every function with good and bad input and passes", .enabled(if: Shell.has("gcc")))
    func cTestPasses() throws {
        let program = try Self.cTest.get()
        let result = try Shell.run(program.path, [Self.keysDirectory] + Self.vectorsArguments)
        print(result.stdout)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains(" passed, 0 failed"))
        let passed = Int(result.stdout.firstMatch(of: /(\d+) passed/)?.1 ?? "") ?? 0
        #expect(passed > 1000, "only \(passed) checks ran")
    }

    @Test("the C test program is clean under valgrind", .enabled(if: Shell.has("gcc") && Shell.has("valgrind")))
    func cTestUnderValgrind() throws {
        let program = try Self.cTest.get()
        let suppressions = Self.root.appendingPathComponent("Tests/CLibrary/valgrind.supp").path
        let result = try Shell.run(
            "/usr/bin/env",
            [
                "valgrind", "--leak-check=full", "--errors-for-leak-kinds=definite", "--error-exitcode=3",
                "--suppressions=\(suppressions)", program.path, Self.keysDirectory,
            ] + Self.vectorsArguments)
        #expect(result.status == 0, "valgrind exit \(result.status):\n\(result.stderr.suffix(6000))")
        #expect(result.stdout.contains(" passed, 0 failed"), "\(result.stdout)")
        #expect(result.stderr.contains("definitely lost: 0 bytes") || result.stderr.contains("no leaks are possible"))
    }

    // MARK: Python

    /// The pytest suite of the Python package (python/tests), on python/src with WHSIG_LIBRARY set; CI
    /// also runs it against the installed wheel (scripts/test-bindings python).
    @Test(
        "the Python package passes its pytest suite (real delivery, JDK vectors, receiver example)",
        .enabled(if: Shell.succeeds("python3", ["-c", "import pytest"]), "python3 with pytest is not available"))
    func pythonPackage() throws {
        let install = try Self.installed()
        let result = try Shell.run(
            "/usr/bin/env",
            ["python3", "-m", "pytest", "-q", "-p", "no:cacheprovider", "python/tests"],
            in: Self.root,
            environment: [
                "WHSIG_LIBRARY": install.prefix.appendingPathComponent("lib/libwhsig.so").path,
                "PYTHONPATH": Self.root.appendingPathComponent("python/src").path,
            ])
        print(result.stdout)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains(" passed"))
        #expect(!result.stdout.contains(" failed"))
    }
}
