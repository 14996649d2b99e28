import ArgumentParser
import Foundation
import WebhookSignature

struct Inspect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what a key or certificate file holds.",
        discussion: """
            Prints the format, key type, size, exponent and id, and for a certificate its subject,
            issuer and validity.

            Example:
              whsig inspect platform.pub.b64
              whsig inspect --json cert.pem
            """
    )

    @Argument(help: ArgumentHelp("A key or certificate file, or - for standard input.", valueName: "FILE"))
    var file: String

    @Flag(help: "Report as JSON.")
    var json = false

    func run() async throws {
        let key = try loadAnyKey(file)
        let publicKey = key.publicKey
        var info: [(String, Any)] = [
            ("file", file),
            ("format", key.format?.description ?? "unknown"),
            ("type", { if case .privateKey = key { return "RSA private key" } else { return "RSA public key" } }()),
            ("bits", publicKey.bitCount),
            ("exponent", publicKey.publicExponentValue),
            ("fingerprint", publicKey.fingerprint.hex),
        ]
        if let certificate = publicKey.certificate {
            info += [
                ("subject", certificate.subject), ("issuer", certificate.issuer), ("notBefore", certificate.notBefore),
                ("notAfter", certificate.notAfter),
            ]
        }
        if publicKey.bitCount < RSAKeySizePolicy.minimumStrongBits {
            info.append(("warning", "keys under \(RSAKeySizePolicy.minimumStrongBits) bits are weak"))
        }
        if json {
            printJSON(Dictionary(uniqueKeysWithValues: info))
        } else {
            for (name, value) in info { print("\(name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(value)") }
        }
    }
}
