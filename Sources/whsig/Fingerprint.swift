import ArgumentParser
import Foundation
import WebhookSignature

struct Fingerprint: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a key's id: the SHA-256 of its SubjectPublicKeyInfo DER, in lowercase hex.",
        discussion: """
            Works on public keys, private keys and certificates in any format; it equals
            openssl pkey -pubout -outform DER | sha256sum.

            Example:
              whsig fingerprint platform.pub.b64
            """
    )

    @Argument(help: ArgumentHelp("A key or certificate file, or - for standard input.", valueName: "FILE"))
    var file: String

    @Flag(help: "Prefix the id with sha256:.")
    var prefix = false

    @Flag(help: "Report as JSON.")
    var json = false

    func run() async throws {
        let key = try loadAnyKey(file)
        let id = key.publicKey.fingerprint.hex
        if json {
            printJSON(["file": file, "fingerprint": id])
        } else {
            print(prefix ? "sha256:\(id)" : id)
        }
    }
}
