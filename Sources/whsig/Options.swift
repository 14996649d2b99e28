import ArgumentParser
import WebhookSignature

extension CryptoBackend: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { allCases.map(\.name) }
}

extension CanonicalMode: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { allCases.map(\.name) }
}

/// `md5` or `sha512`: the algorithm of one signature (`verify --signature`).
enum SingleAlgorithm: String, ExpressibleByArgument, CaseIterable {
    case md5, sha512

    var algorithm: SignatureAlgorithm { self == .md5 ? .md5WithRSA : .sha512WithRSA }
}

/// `md5`, `sha512` or `both`: what `sign` and `send` produce.
enum AlgorithmChoice: String, ExpressibleByArgument, CaseIterable {
    case md5, sha512, both

    var algorithms: [SignatureAlgorithm] {
        switch self {
        case .md5: return [.md5WithRSA]
        case .sha512: return [.sha512WithRSA]
        case .both: return [.md5WithRSA, .sha512WithRSA]
        }
    }
}

struct BackendOptions: ParsableArguments {
    @Option(help: "Crypto library: openssl or gcrypt.")
    var backend: CryptoBackend = .openssl
}
