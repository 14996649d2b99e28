#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Overwrites buffers that held private key material, best effort.
///
/// `explicit_bzero` is a libc call the compiler may not remove as a dead store. It wipes the one
/// buffer given: copies that Swift made earlier (an array copied on write, a `String` built from
/// key text) are not reached. docs/hardening.md lists what is and is not wiped.
enum SecureWipe {
    /// Zeroes the array's bytes in place (its count is unchanged).
    static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { buffer in
            guard let base = buffer.baseAddress, buffer.count > 0 else { return }
            #if canImport(Darwin)
                _ = memset_s(base, buffer.count, 0, buffer.count)
            #else
                explicit_bzero(base, buffer.count)
            #endif
        }
    }
}
