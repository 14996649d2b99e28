import ArgumentParser
import Foundation
import WebhookSignature

struct Pubkey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the public key of a private key.",
        discussion: """
            The default format, base64, is the platform's x509 base64 form, byte for byte what keygen writes.

            Example:
              whsig pubkey --private-key sender.pem > sender.pub.b64
              whsig pubkey --private-key sender.pem --format pem
            """
    )

    @Option(help: ArgumentHelp("The private key file.", valueName: "PATH"))
    var privateKey: String

    @Option(help: "base64 (default), pem, der, jwk or pkcs1.")
    var format: KeyOutputFormat = .base64

    func run() async throws {
        let key = try loadPrivateKey(privateKey, backend: .default)
        FileHandle.standardOutput.write(Data(key.publicKey.encoded(format)))
    }
}
