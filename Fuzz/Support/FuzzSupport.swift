// Shared by every fuzz target (scripts/fuzz compiles it into each one).
//
// Fixed test keys generated for the fuzz targets only (1024-bit, so the rare signing a target does
// on a valid verdict stays cheap), plus the 2048-bit vector key of Tests/Vectors/keys.

import Foundation
@testable import WebhookSignature

enum FuzzKeys {
    static let aPEM = """
-----BEGIN PRIVATE KEY-----
MIICeAIBADANBgkqhkiG9w0BAQEFAASCAmIwggJeAgEAAoGBAN8o34nPMaR3cEGa
UcCyexb68DaSz8vl/Aa/yHRpn0p3FPwL98MYI7yfK76P+pAU/Ff4cOmA/PPQDcyX
4gaBVDkpRdJTFZsiKILiBIyBCBySD7cWBNJIm7qvLkEC7bHU06yJZpsN/YdOrDLQ
PcHppYmnqKP75IzBLF9f9wx/OBefAgMBAAECgYEA1Dqz9QTGampoqQtRSpizNVSr
VMtksb5kZCrKQeQdaJ09qMLc+36epgkeehnFqnc60ZLmFzvj1R/9r6CWhadDZ15a
IS+T0sTpIuxmwkVl9B8MJbmHzSvNXkB0pIUf4mIxy80H0WsQLn/rg8x4oEfeMhGu
CjntFrmoIVUZK6Jp+ZkCQQD4ze4lUg2kyKo7t4RBN0DAgkYBWULw/Ul08CGQegEQ
e1mI8EvbIzJWjHzQ+Mj8UYNy0GByNqF2BZ87ojIB+TVVAkEA5Z0TxaVpUTZcz2q/
DA7XQVmSGNuF3TRsM2iPbmzO/ibBqth5QSXs/JWcKW8WFEKQZ0qBrrS9ILXkdVW9
5C6ZIwJAV+Tn7GdASqZY/R+nqSJLzbY35OITs+7GtHjgYpm3Jots5eN96LxWXBzl
Oy2oUvq45SaX68FA6OCzj+2MnQXcwQJBANq5d6U1/Y4EKALZX6X/2SMCTP5q1yix
kESkXMVG1yMZDjFNxqu9kfPGHJ0HmdOw2NfcDI680tB/FGKFS786eFsCQQC3sGsZ
BGI5kXrYsuA4vtyHNVGNDkCTiA4EsdNxmsMPJKQGE692KgAp8ON2EZqI/zi2CpJ/
OXFHC5GCPqXdgId5
-----END PRIVATE KEY-----
"""

    static let bPEM = """
-----BEGIN PRIVATE KEY-----
MIICdwIBADANBgkqhkiG9w0BAQEFAASCAmEwggJdAgEAAoGBANelw1UaSPYfXG9T
zaW5p6RCjS/rUFRl0S297szjFNz+dSCUWSWfGF9aUG6VD9y/eeHn2D1CpyUn33jx
VDRK1n3V8G9CfLCKbOQ0POEW14hVC/1sGCBcJWTCgCLil+ZELOAmWlTmFPF7Ml6b
ukf/3fbh1a245oNMd7OZxxONYjbxAgMBAAECgYEA1gkBqfsPxbF01k5QQ5fUazVe
2tvs/AeeqY7lcNhGQd4RNMfo/208DJAgWtF6T/iAKZcqygrYyQkdRfYJRGmvHp2T
Z/LFtEXpglAsWvN9QbhC/yXxXpys/tjDqs4F5Jq99gx2wWzsiNFTEHwlgVmJ4lmu
6zMJ0RsYiW+dFzK7UgECQQD1s3pOpC7BEeJNgCeeFNJDjH2aqrCn4Hz0QyPwpoxm
oz8B5Bs7SJaWMzR/I0NZbETI0m2wUm9TDFpwcISyyS3hAkEA4K/KyB1SL9Dw8qva
Hkap6MD0cEBL7OFvR0CjVUJc+9v7qPB5Sqa9TRwnrbtFZxZw5eda3eB+zI8Dwg29
872LEQJAPomtQuEFSX0s1b8d1l3EWw8iVUDG8CPyihWgyzsJF4LLocaWq9NBCQAF
h6rJFLS7GUZ+RtfkoAXP6zioff044QJAMHa6jp+EcrvmvPFEgvNLAuFb2DqGJfoa
Pow6rtE5rTmt9qqn/uooOtGv3VFfjvTQNUbJ2sHpl8XhUaIVLtXbgQJBAIR/fdn9
3iOZ10Mox2pLtC/RjZ0UysFPo157wtj4Quoaytf6iODt8FfzHmtgNkJ5biIOX2R/
8MZJbe6v22CV0HU=
-----END PRIVATE KEY-----
"""

    static let cPEM = """
-----BEGIN PRIVATE KEY-----
MIICdgIBADANBgkqhkiG9w0BAQEFAASCAmAwggJcAgEAAoGBAMvNquupmKFs5JfL
iQNlXX7HQsFExo2y0p2bq/1L8TRZMxxngS4dGBisPXhHE96ouCGm98hPMoE/VkWW
y/oJv602U2tf2AQmfPuLu/hFc60iYjT+rx2fW8qhhxbY5AF5gGJaeQgDbA+7TOCJ
WW7W+sGEWNtixJ66cAtldbGY/51dAgMBAAECgYB8gHP962lWlBNBuBFHhdEL9eaN
8tnpDmkj50m2P4JmnGdg3spHxXZG/FHA/Iri5uc1h66vK9KKqoqlkG2jnfj9W2lh
F/u5QNGHBTpRMoijGQFqVW9Y9MfjG0db5LqXeqcFoDeajBg5mhrPGHAF2GqqTDXk
L+xwh/BRjPZHPl41gQJBAPtr1fAFK1thyC5gyinTLSO5NRKgGRkrTnGpSOJ9wLIZ
HYENo1Hh7zJTo26SGRtsEG2/hSUYwZJc/LPaYIpYF6UCQQDPg9SNVZAZoqhI9nfQ
uc+N41HGmmwpSdUmKDAMtlVPLPOfJbQ22sk51fXaGaCEVVs7yWS7QBRf9GgaS1yW
nMFZAkBwIccXtmaA6hpqvNZNUxblwNtvxCGNfSgOP073XNiNVfA3t4pooZiZ3H2e
eeBiv46QNAPA6MqkaX53BGVcLi/VAkB08NGjJAikqak0FNDIay2vw96dkQBK9DSN
4C/TuhyxFZ/km5bHItwrH4wAcFiouoFDW+bMLvxMZqsTxkxTA9thAkEApj/2X57Q
0NPji50k8yMJGRA/2B5OcMvMjL+INcZmari9b4xOnV9QK+N/j2UXM0jSS92P7pUi
782ETrFxkXRlnw==
-----END PRIVATE KEY-----
"""

    static let a: RSAPrivateKey = load(aPEM)
    static let b: RSAPrivateKey = load(bPEM)
    static let c: RSAPrivateKey = load(cPEM)

    static func load(_ pem: String) -> RSAPrivateKey {
        do { return try RSAPrivateKey(parsing: pem) } catch { fatalError("fuzz key does not parse: \(error)") }
    }
}

/// Stops the run with a message libFuzzer prints with the crashing input.
func violated(_ message: @autoclosure () -> String, file: StaticString = #file, line: UInt = #line) -> Never {
    fatalError("INVARIANT VIOLATED: \(message())", file: file, line: line)
}

/// Every error the library throws is a WebhookSignatureError with a known code and a non-empty reason.
@discardableResult
func checkError(_ error: any Error, allowed: Set<String>? = nil, _ context: @autoclosure () -> String) -> WebhookSignatureError {
    guard let e = error as? WebhookSignatureError else { violated("\(context()): threw \(type(of: error)) (\(error)), not WebhookSignatureError") }
    if e.reason.isEmpty { violated("\(context()): \(e.code) with an empty reason") }
    if !WebhookSignatureError.Code.all.contains(e.code) { violated("\(context()): unknown code \(e.code)") }
    if let allowed, !allowed.contains(e.code.name) { violated("\(context()): unexpected code \(e.code): \(e.reason)") }
    return e
}

/// The bytes libFuzzer passes, as an array.
@inline(__always)
func fuzzBytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
}

extension Result {
    var failure: Failure? {
        if case .failure(let e) = self { return e }
        return nil
    }
    var value: Success? {
        if case .success(let v) = self { return v }
        return nil
    }
}
