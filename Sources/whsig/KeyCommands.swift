import ArgumentParser
import Foundation
import WebhookSignature

extension KeyOutputFormat: ExpressibleByArgument {}

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
    var bits = 2048

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
        if bits < 1024 || bits > 16384 { throw ValidationError("--bits must be between 1024 and 16384") }
        if bits < 2048 && !allowWeak1024 { throw ValidationError("keys under 2048 bits are weak; pass --allow-weak-1024 to make one") }
        if bits % 8 != 0 { throw ValidationError("--bits must be a multiple of 8") }
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

func loadAnyKey(_ path: String) throws -> AnyRSAKey {
    let bytes = try readInput(path, what: "key", limit: maximumKeyFileBytes)
    do {
        return try AnyRSAKey(parsing: bytes)
    } catch {
        throw keyError(error, path: path)
    }
}

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
        if publicKey.bitCount < 2048 { info.append(("warning", "keys under 2048 bits are weak")) }
        if json {
            printJSON(Dictionary(uniqueKeysWithValues: info))
        } else {
            for (name, value) in info { print("\(name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(value)") }
        }
    }
}

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

struct Canonicalize: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a JSON body's canonical bytes to standard output (no trailing newline).",
        discussion: """
            compact removes whitespace outside strings and keeps everything else byte for byte: it
            rebuilds the platform's wire form from a pretty-printed copy. jcs is RFC 8785.

            Example:
              whsig canonicalize --mode compact pretty-event.json > event.json
            """
    )

    @Option(help: "compact or jcs.")
    var mode: CanonicalMode

    @Argument(help: ArgumentHelp("The JSON file, or - for standard input.", valueName: "FILE"))
    var file: String?

    func run() async throws {
        let output = try Canonicalizer.canonicalize(try readInput(file), mode: mode)
        FileHandle.standardOutput.write(Data(output))
    }
}

struct Digest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the SHA-512 (or MD5) of a body, optionally canonicalised: an idempotency key for retries.",
        discussion: """
            Retries carry byte-identical bodies, so the raw digest identifies a delivery.

            Example:
              whsig digest event.json
              whsig digest --canonical jcs --algorithm sha512 event.json
            """
    )

    @Option(help: "sha512 (default) or md5.")
    var algorithm: AlgorithmChoice = .sha512

    @Option(help: "raw (default), compact or jcs.")
    var canonical: CanonicalMode = .raw

    @Flag(help: "Report as JSON.")
    var json = false

    @Argument(help: ArgumentHelp("The body file, or - for standard input.", valueName: "FILE"))
    var file: String?

    func validate() throws {
        if algorithm == .both { throw ValidationError("--algorithm is sha512 or md5") }
    }

    func run() async throws {
        let chosen = algorithm.algorithms[0]
        let digest: [UInt8]
        if canonical == .raw {
            let hasher = try BodyDigest(algorithm: chosen)
            try forEachChunk(of: file) { try hasher.update($0) }
            digest = try hasher.finalize()
        } else {
            let hasher = try BodyDigest(algorithm: chosen)
            try hasher.update(Canonicalizer.canonicalize(try readInput(file), mode: canonical))
            digest = try hasher.finalize()
        }
        let hex = digest.map { String(format: "%02x", $0) }.joined()
        if json {
            printJSON(["algorithm": chosen.shortName, "canonical": canonical.name, "digest": hex])
        } else {
            print(hex)
        }
    }
}
