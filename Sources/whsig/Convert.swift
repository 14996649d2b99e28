import ArgumentParser
import Foundation
import WebhookSignature

struct Convert: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert a key between formats.",
        discussion: """
            A public key (or certificate) converts to base64 (x509 base64), pem (PUBLIC KEY), der
            (SubjectPublicKeyInfo), jwk or pkcs1 (RSA PUBLIC KEY). A private key converts to base64
            (of PKCS#8 DER), pem (PKCS#8 PRIVATE KEY), der (PKCS#8), jwk or pkcs1 (RSA PRIVATE KEY);
            use pubkey for its public half. Private output goes to a file with mode 0600.

            Example:
              whsig convert platform.pub.pem --to base64
              whsig convert legacy-rsa.pem --to pem --output sender.pem
            """
    )

    @Argument(help: ArgumentHelp("A key or certificate file, or - for standard input.", valueName: "FILE"))
    var file: String

    @Option(help: "base64, pem, der, jwk or pkcs1.")
    var to: KeyOutputFormat

    @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "PATH"))
    var output: String?

    @Flag(help: "Overwrite an existing output file.")
    var force = false

    func run() async throws {
        let key = try loadAnyKey(file)
        let bytes: [UInt8]
        var mode: mode_t = 0o644
        switch key {
        case .publicKey(let publicKey): bytes = publicKey.encoded(to)
        case .privateKey(let privateKey):
            bytes = privateKey.encoded(to)
            mode = 0o600
        }
        if let output {
            try SafeFile.checkWritable(output, force: force)
            try SafeFile.writeAtomically(bytes, to: output, mode: mode)
        } else {
            FileHandle.standardOutput.write(Data(bytes))
        }
    }
}
