import Foundation
import WebhookSignature

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

func loadAnyKey(_ path: String) throws -> AnyRSAKey {
    let bytes = try readInput(path, what: "key", limit: maximumKeyFileBytes)
    do {
        return try AnyRSAKey(parsing: bytes)
    } catch {
        throw keyError(error, path: path)
    }
}
