import ArgumentParser
import Foundation
import WebhookSignature

struct Sign: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign a body as the platform does and print the signature headers.",
        discussion: """
            Prints 'flex.signature: <base64>' and/or 'fluent-signature: <base64>', one per line,
            ready for curl -H. The body is signed byte for byte as given.

            Examples:
              whsig sign --private-key sender.pem event.json
              whsig sign --private-key sender.pem --algorithm sha512 event.json \\
                > sig.hdr
              curl -H 'Content-Type: application/json' -H "$(cat sig.hdr)" \\
                --data-binary @event.json URL
              whsig sign --private-key sender.pem --algorithm sha512 - < event.json
            """
    )

    @Option(help: ArgumentHelp("The private key file (PKCS#8 or PKCS#1, PEM, DER or base64).", valueName: "FILE"))
    var privateKey: String

    @Option(help: "md5, sha512 or both.")
    var algorithm: AlgorithmChoice = .both

    @OptionGroup var backendOptions: BackendOptions

    @Flag(help: "Print the headers as a JSON object.")
    var json = false

    @Argument(help: ArgumentHelp("The body file, or - for standard input.", valueName: "BODYFILE"))
    var body: String?

    func run() async throws {
        let key = try loadPrivateKey(privateKey, backend: backendOptions.backend)
        let signers = try algorithm.algorithms.map { try StreamingSigner(key: key, algorithm: $0) }
        try forEachChunk(of: body) { chunk in
            for signer in signers { try signer.update(chunk) }
        }
        var lines: [(String, String)] = []
        for (signer, chosen) in zip(signers, algorithm.algorithms) {
            lines.append((chosen.headerName, try signer.finalizeBase64()))
        }
        if json {
            printJSON(Dictionary(uniqueKeysWithValues: lines))
        } else {
            for (name, value) in lines { print("\(name): \(value)") }
        }
    }
}
