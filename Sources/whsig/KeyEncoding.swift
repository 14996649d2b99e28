import ArgumentParser
import Foundation
import WebhookSignature

extension KeyOutputFormat: ExpressibleByArgument {}

/// Output encodings of a key.
enum KeyOutputFormat: String, CaseIterable {
    case base64, pem, der, jwk, pkcs1
}

extension RSAPublicKey {
    func encoded(_ format: KeyOutputFormat) -> [UInt8] {
        switch format {
        case .base64: return Array((x509Base64 + "\n").utf8)
        case .pem: return Array(pemRepresentation.utf8)
        case .der: return derRepresentation
        case .jwk: return Array((jwkRepresentation + "\n").utf8)
        case .pkcs1: return Array(pkcs1PEMRepresentation.utf8)
        }
    }
}

extension RSAPrivateKey {
    func encoded(_ format: KeyOutputFormat) -> [UInt8] {
        switch format {
        case .base64: return Array((Data(pkcs8DERRepresentation).base64EncodedString() + "\n").utf8)
        case .pem: return Array(pemRepresentation.utf8)
        case .der: return pkcs8DERRepresentation
        case .jwk: return Array((jwkRepresentation + "\n").utf8)
        case .pkcs1: return Array(pkcs1PEMRepresentation.utf8)
        }
    }
}
