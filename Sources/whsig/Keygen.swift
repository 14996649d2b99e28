import ArgumentParser
import Foundation
import WebhookSignature

struct Keygen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate an RSA key pair: a PKCS#8 PEM private key (mode 0600) and its public key.",
        discussion: """
            The public key is written in the platform's x509 base64 form unless --public-format says
            otherwise. Existing files are never overwritten without --force. 1024-bit keys, the size
            the platform itself uses, need --allow-weak-1024.

            Example:
              whsig keygen --private-key sender.pem --public-key sender.pub.b64
              whsig keygen --bits 4096 --private-key big.pem \\
                --public-key big.pub.pem --public-format pem
            """
    )

    @Option(help: "Modulus size in bits: 2048 (default), 3072, 4096, ... up to 16384.")
    var bits = RSAKeySizePolicy.defaultBits

    @Flag(name: .customLong("allow-weak-1024"), help: "Allow --bits 1024 (weak; what the platform's own keys use).")
    var allowWeak1024 = false

    @Option(help: ArgumentHelp("Where to write the private key (PKCS#8 PEM, mode 0600).", valueName: "PATH"))
    var privateKey: String

    @Option(help: ArgumentHelp("Where to write the public key.", valueName: "PATH"))
    var publicKey: String

    @Option(help: "Public key format: base64 (x509 base64, default), pem, der or jwk.")
    var publicFormat: KeyOutputFormat = .base64

    @Flag(help: "Overwrite existing files.")
    var force = false

    @OptionGroup var backendOptions: BackendOptions

    @Flag(help: "Report as JSON.")
    var json = false

    func validate() throws {
        do {
            try RSAKeySizePolicy(allowsWeak1024: allowWeak1024).check(bits: bits)
        } catch {
            throw ValidationError(error.reason + " [\(error.code)]")
        }
        if publicFormat == .pkcs1 { throw ValidationError("--public-format is base64, pem, der or jwk") }
        if privateKey == publicKey { throw ValidationError("--private-key and --public-key must be different files") }
    }

    func run() async throws {
        try SafeFile.checkWritable(privateKey, force: force)
        try SafeFile.checkWritable(publicKey, force: force)
        let key = try withProgress("generating a \(bits)-bit RSA key", show: bits >= 4096) {
            try RSAPrivateKey(generatingBits: bits, backend: backendOptions.backend)
        }
        try SafeFile.writeAtomically(key.encoded(.pem), to: privateKey, mode: 0o600)
        try SafeFile.writeAtomically(key.publicKey.encoded(publicFormat), to: publicKey, mode: 0o644)
        if json {
            printJSON([
                "privateKey": privateKey, "publicKey": publicKey, "bits": bits, "fingerprint": key.publicKey.fingerprint.hex,
                "publicFormat": publicFormat.rawValue,
            ])
        } else {
            print("private key: \(privateKey) (PKCS#8 PEM, mode 0600)")
            print("public key:  \(publicKey) (\(publicFormat.rawValue))")
            print("key id:      \(key.publicKey.fingerprint)")
        }
    }
}
