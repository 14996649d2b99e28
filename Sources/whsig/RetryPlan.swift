import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// When to retry: `retries` more attempts after failures without an HTTP response, waiting
/// `backoff[i]` seconds before retry i+1 (the last entry repeats), `timeout` seconds per attempt.
struct RetryPlan: Sendable {
    var retries: Int
    var backoff: [Double]
    var timeout: Double

    func wait(beforeRetry n: Int) -> Double { backoff[min(n - 1, backoff.count - 1)] }
}

/// Why an attempt got no HTTP response.
///
/// Every failure before a status line arrives is retried on the schedule, whatever error code the
/// HTTP stack chose for it, except the two that waiting cannot fix: a host name that does not
/// resolve, and a TLS configuration or certificate error.
enum FailureKind: String, Sendable, CaseIterable {
    /// The connection was refused (nothing listening, or reset while connecting).
    case refused
    /// The connection was reset before a response.
    case reset
    /// The receiver closed the connection without a (well-formed) response.
    case closed
    /// No response within --timeout.
    case timeout
    /// Another failure before any response (libcurl's generic codes): retried like the others.
    case connection
    /// The host name did not resolve (not retried).
    case dns
    /// The TLS handshake, its configuration or the certificate failed (not retried).
    case tls

    /// Whether the attempt is retried: every failure before a response but DNS and TLS.
    var retried: Bool { self != .dns && self != .tls }
}

/// Maps a failed attempt to its cause.
///
/// URLSession on Linux (libcurl underneath) does not always say what happened: a connection reset
/// as soon as it is accepted comes back as the generic `URLError -1` ("Couldn't connect to server"),
/// and other transport failures do too. So the code is only a first hint; an unclear failure is
/// classified by what can be checked (does the host name resolve? is this TLS?), and anything that
/// is neither a DNS nor a TLS failure is retried.
struct FailureClassifier: Sendable {
    /// Whether the URL is https (only then can a failure be a TLS one).
    var isTLS: Bool
    /// Resolves the host name; false when it does not resolve. Called only for unclear failures.
    var hostResolves: @Sendable () -> Bool

    init(url: URL) {
        isTLS = url.scheme?.lowercased() == "https"
        let host = url.host ?? ""
        hostResolves = { Self.resolves(host) }
    }

    init(isTLS: Bool, hostResolves: @escaping @Sendable () -> Bool) {
        self.isTLS = isTLS
        self.hostResolves = hostResolves
    }

    /// Classifies `error`; `timedOut` says whether our own per-attempt deadline cancelled the task.
    func classify(_ error: any Error, timedOut: Bool) -> FailureKind {
        if timedOut { return .timeout }
        let text = Self.describe(error).lowercased()
        if let urlError = error as? URLError {
            switch urlError.code {
            case .cannotFindHost, .dnsLookupFailed: return .dns
            case .secureConnectionFailed, .serverCertificateHasBadDate, .serverCertificateUntrusted,
                .serverCertificateHasUnknownRoot, .serverCertificateNotYetValid, .clientCertificateRejected,
                .clientCertificateRequired:
                return .tls
            case .cannotConnectToHost: return unclear(text, otherwise: .refused)
            case .networkConnectionLost: return .reset
            case .badServerResponse, .zeroByteResource, .cannotParseResponse: return .closed
            case .timedOut: return .timeout
            default: break
            }
        }
        return unclear(text, otherwise: text.contains("couldn't connect") ? .refused : .connection)
    }

    /// A failure whose code does not say enough: a DNS failure if the host does not resolve, a TLS
    /// one if the message names TLS on an https URL, else `otherwise` (retried).
    private func unclear(_ text: String, otherwise: FailureKind) -> FailureKind {
        if isTLS, ["ssl", "tls", "certificate", "handshake"].contains(where: { text.contains($0) }) { return .tls }
        if ["resolve", "could not find host", "name or service not known"].contains(where: { text.contains($0) }) || !hostResolves() {
            return .dns
        }
        return otherwise
    }

    /// The error's message with its underlying error's, and the URLError code.
    static func describe(_ error: any Error) -> String {
        let nsError = error as NSError
        var text = nsError.localizedDescription
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError {
            text += " (\(underlying.domain) \(underlying.code): \(underlying.localizedDescription))"
        }
        if let urlError = error as? URLError { text += " [URLError \(urlError.code.rawValue)]" }
        return text
    }

    /// Whether getaddrinfo resolves `host` (an IP literal always does).
    static func resolves(_ host: String) -> Bool {
        let name = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        guard !name.isEmpty else { return false }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>? = nil
        let status = getaddrinfo(name, nil, &hints, &result)
        if let result { freeaddrinfo(result) }
        // EAI_AGAIN is a temporary failure: the name may resolve later, so it is not a DNS verdict.
        return status == 0 || status == EAI_AGAIN
    }
}
