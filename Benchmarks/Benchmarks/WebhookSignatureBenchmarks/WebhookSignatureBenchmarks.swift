import Benchmark
import Foundation
import RawCrypto
import WebhookSignature

// Names are "<group> <algorithm> <bits> / <implementation>", so that scripts/ratios.py can pair
// each of ours with its raw reference:
//   swift-openssl, swift-gcrypt   this library's Swift API on each backend
//   c-library                     whsig_verify through the C ABI (libwhsig, loaded with dlopen)
//   raw-openssl                   the unavoidable work: EVP_Digest + EVP_PKEY_verify/sign on a context made once
//   raw-openssl-naive             EVP_DigestVerifyInit + EVP_DigestVerify per call
//   raw-gcrypt                    gcry_pk_verify/gcry_pk_sign with the key S-expression built once
//   engine-calls                  the very C calls our OpenSSL engine makes (for the malloc split)
//
// Verification benchmarks loop 1,000 times per sample (scalingFactor .kilo), so the harness's
// own per-sample cost does not weigh on a 4 µs operation; throughput is then per operation.

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        warmupIterations: 3,
        maxDuration: .seconds(1),
        maxIterations: 1_000_000
    )
    let fast = Benchmark.Configuration(scalingFactor: .kilo)
    let body = SampleEvent.body

    // MARK: verify, per algorithm and key size

    for algorithm in [SignatureAlgorithm.sha512WithRSA, .md5WithRSA] {
        for bits in [1024, 2048, 4096] {
            let name = "verify \(algorithm.shortName) \(bits)"
            let alg = algorithm.rawValueC

            Benchmark("\(name) / swift-openssl", configuration: fast) { benchmark, m in
                // A local copy of the key, as a caller would hold it: reading it from the class
                // property inside the loop would copy the key struct (reference counts) per call.
                let key = m.publicKey
                let signature = m.base64[algorithm]!
                for _ in benchmark.scaledIterations {
                    blackHole(try! key.isValidSignature(signature, for: body, algorithm: algorithm))
                }
            } setup: { KeyMaterial.bits(bits) }

            Benchmark("\(name) / swift-gcrypt", configuration: fast) { benchmark, m in
                let key = m.gcryptPublicKey
                let signature = m.base64[algorithm]!
                for _ in benchmark.scaledIterations {
                    blackHole(try! key.isValidSignature(signature, for: body, algorithm: algorithm))
                }
            } setup: { KeyMaterial.bits(bits) }

            Benchmark("\(name) / raw-openssl", configuration: fast) { benchmark, state in
                let (m, verifier) = state
                let signature = m.raw[algorithm]!
                for _ in benchmark.scaledIterations {
                    blackHole(rc_ossl_verifier_verify(verifier, body, body.count, signature, signature.count))
                }
            } setup: { () -> (KeyMaterial, OpaquePointer) in
                let m = KeyMaterial.bits(bits)
                let verifier = rc_ossl_verifier_new(m.osslPublic, alg)!
                let signature = m.raw[algorithm]!
                precondition(rc_ossl_verifier_verify(verifier, body, body.count, signature, signature.count) == 1)
                return (m, verifier)
            }

            Benchmark("\(name) / raw-openssl-naive", configuration: fast) { benchmark, m in
                let signature = m.raw[algorithm]!
                for _ in benchmark.scaledIterations {
                    blackHole(rc_ossl_naive_verify(m.osslPublic, alg, body, body.count, signature, signature.count))
                }
            } setup: { () -> KeyMaterial in
                let m = KeyMaterial.bits(bits)
                let signature = m.raw[algorithm]!
                precondition(rc_ossl_naive_verify(m.osslPublic, alg, body, body.count, signature, signature.count) == 1)
                return m
            }

            Benchmark("\(name) / raw-gcrypt", configuration: fast) { benchmark, state in
                let (m, verifier) = state
                let signature = m.raw[algorithm]!
                for _ in benchmark.scaledIterations {
                    blackHole(rc_gcry_verifier_verify(verifier, body, body.count, signature, signature.count))
                }
            } setup: { () -> (KeyMaterial, OpaquePointer) in
                let m = KeyMaterial.bits(bits)
                let verifier = rc_gcry_verifier_new(m.osslPublic, alg)!
                let signature = m.raw[algorithm]!
                precondition(rc_gcry_verifier_verify(verifier, body, body.count, signature, signature.count) == 1)
                return (m, verifier)
            }

            Benchmark("\(name) / engine-calls", configuration: fast) { benchmark, state in
                let (m, calls, em) = state
                let signature = m.raw[algorithm]!
                for _ in benchmark.scaledIterations {
                    blackHole(rc_ossl_engine_calls_run(calls, body, body.count, signature, signature.count, em))
                }
            } setup: { () -> (KeyMaterial, OpaquePointer, UnsafeMutablePointer<UInt8>) in
                let m = KeyMaterial.bits(bits)
                let calls = rc_ossl_engine_calls_new(m.osslPublic, alg)!
                return (m, calls, UnsafeMutablePointer<UInt8>.allocate(capacity: bits / 8))
            }

            Benchmark(
                "\(name) / c-library", configuration: .init(scalingFactor: .kilo, skip: CLibrary.loaded == nil)
            ) { benchmark, state in
                let (key, signature) = state
                signature.withUnsafeBufferPointer { sig in
                    for _ in benchmark.scaledIterations {
                        blackHole(rc_whsig_verify(key, alg, body, body.count, sig.baseAddress, sig.count))
                    }
                }
            } setup: { () -> (UnsafeMutableRawPointer, [CChar]) in
                let m = KeyMaterial.bits(bits)
                let text = Array(m.publicKey.x509Base64.utf8).map { CChar(bitPattern: $0) }
                let key = rc_whsig_public_key_parse(text, text.count, 1)!
                let signature = Array(m.base64[algorithm]!.utf8).map { CChar(bitPattern: $0) }
                precondition(rc_whsig_verify(key, alg, body, body.count, signature, signature.count) == 0)
                return (key, signature)
            }
        }
    }

    // MARK: sign

    for algorithm in [SignatureAlgorithm.sha512WithRSA, .md5WithRSA] {
        for bits in [1024, 2048, 4096] {
            let name = "sign \(algorithm.shortName) \(bits)"
            let alg = algorithm.rawValueC
            Benchmark("\(name) / swift-openssl") { benchmark, m in
                let key = m.privateKey
                for _ in benchmark.scaledIterations {
                    blackHole(try! key.signature(for: body, algorithm: algorithm))
                }
            } setup: { KeyMaterial.bits(bits) }

            Benchmark("\(name) / swift-gcrypt") { benchmark, m in
                let key = m.gcryptPrivateKey
                for _ in benchmark.scaledIterations {
                    blackHole(try! key.signature(for: body, algorithm: algorithm))
                }
            } setup: { KeyMaterial.bits(bits) }

            Benchmark("\(name) / raw-openssl") { benchmark, state in
                let (signer, out) = state
                for _ in benchmark.scaledIterations {
                    blackHole(rc_ossl_signer_sign(signer, body, body.count, out, bits / 8))
                }
            } setup: { () -> (OpaquePointer, UnsafeMutablePointer<UInt8>) in
                let m = KeyMaterial.bits(bits)
                let signer = rc_ossl_signer_new(m.osslPrivate, alg)!
                let out = UnsafeMutablePointer<UInt8>.allocate(capacity: bits / 8)
                precondition(rc_ossl_signer_sign(signer, body, body.count, out, bits / 8) == bits / 8)
                precondition(Array(UnsafeBufferPointer(start: out, count: bits / 8)) == m.raw[algorithm]!)
                return (signer, out)
            }

            Benchmark("\(name) / raw-gcrypt") { benchmark, state in
                let (signer, out) = state
                for _ in benchmark.scaledIterations {
                    blackHole(rc_gcry_signer_sign(signer, body, body.count, out, bits / 8))
                }
            } setup: { () -> (OpaquePointer, UnsafeMutablePointer<UInt8>) in
                let m = KeyMaterial.bits(bits)
                let signer = rc_gcry_signer_new(m.osslPrivate, alg)!
                let out = UnsafeMutablePointer<UInt8>.allocate(capacity: bits / 8)
                precondition(rc_gcry_signer_sign(signer, body, body.count, out, bits / 8) == bits / 8)
                precondition(Array(UnsafeBufferPointer(start: out, count: bits / 8)) == m.raw[algorithm]!)
                return (signer, out)
            }
        }
    }

    // MARK: a 1 MiB body: verification is then hashing

    let mebibyte: [UInt8] = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
    Benchmark("body 1MiB sha512 2048 / swift-openssl") { benchmark, state in
        let (m, signature) = state
        let key = m.publicKey
        for _ in benchmark.scaledIterations {
            blackHole(try! key.isValidSignature(signature, for: mebibyte, algorithm: .sha512WithRSA))
        }
    } setup: { () -> (KeyMaterial, String) in
        let m = KeyMaterial.bits(2048)
        let signature = try! m.privateKey.base64Signature(for: mebibyte, algorithm: .sha512WithRSA)
        return (m, signature)
    }
    Benchmark("body 1MiB sha512 2048 / swift-gcrypt") { benchmark, state in
        let (m, signature) = state
        let key = m.gcryptPublicKey
        for _ in benchmark.scaledIterations {
            blackHole(try! key.isValidSignature(signature, for: mebibyte, algorithm: .sha512WithRSA))
        }
    } setup: { () -> (KeyMaterial, String) in
        let m = KeyMaterial.bits(2048)
        let signature = try! m.privateKey.base64Signature(for: mebibyte, algorithm: .sha512WithRSA)
        return (m, signature)
    }
    Benchmark("body 1MiB sha512 2048 / raw-openssl-sha512-only") { benchmark in
        var digest = [UInt8](repeating: 0, count: 64)
        for _ in benchmark.scaledIterations {
            blackHole(rc_ossl_sha512(mebibyte, mebibyte.count, &digest))
        }
    }

    // MARK: key parsing

    Benchmark("parse x509-base64 public 2048 / swift-openssl", configuration: fast) { benchmark, text in
        for _ in benchmark.scaledIterations { blackHole(try! RSAPublicKey(parsing: text)) }
    } setup: { KeyMaterial.bits(2048).publicKey.x509Base64 }
    Benchmark("parse pem public 2048 / swift-openssl", configuration: fast) { benchmark, text in
        for _ in benchmark.scaledIterations { blackHole(try! RSAPublicKey(parsing: text)) }
    } setup: { KeyMaterial.bits(2048).publicKey.pemRepresentation }
    Benchmark("parse pkcs8 private 2048 / swift-openssl") { benchmark, text in
        // Includes the load-time consistency checks (arithmetic, and one sign-and-verify).
        for _ in benchmark.scaledIterations { blackHole(try! RSAPrivateKey(parsing: text)) }
    } setup: { KeyMaterial.bits(2048).privateKey.pemRepresentation }

    // MARK: the webhook verifier (both headers, as the platform sends them)

    for count in [1, 50] {
        Benchmark("webhook keyring \(count) 2048 / swift-openssl", configuration: fast) { benchmark, state in
            let (verifier, headers) = state
            for _ in benchmark.scaledIterations {
                blackHole(try! verifier.verify(headers: headers, body: body))
            }
        } setup: { () -> (WebhookVerifier, [(String, String)]) in
            let (keyring, headers) = webhookFixture(count)
            let verifier = WebhookVerifier(keyring: keyring)
            precondition(try! verifier.verify(headers: headers, body: body).isValid)
            return (verifier, headers)
        }
    }
    // The worst case: a fresh verifier per delivery has no hint of the last match, so it tries the
    // 49 other keys (one public operation each) before the signing key, for each header.
    Benchmark("webhook keyring 50-no-hint 2048 / swift-openssl") { benchmark, state in
        let (keyring, headers) = state
        for _ in benchmark.scaledIterations {
            blackHole(try! WebhookVerifier(keyring: keyring).verify(headers: headers, body: body))
        }
    } setup: {
        webhookFixture(50)
    }

    // MARK: the webhook verifier against the work it cannot avoid
    //
    // A genuine delivery as the platform sends it (both headers) under the default policy costs one
    // SHA-512 and one public operation: the reference is exactly that (EVP_Digest + EVP_PKEY_verify).
    // Malloc counts here are the verifier's own: the headers array is built once, in setup.
    for bits in [1024, 2048] {
        Benchmark("webhook genuine \(bits) / swift-openssl", configuration: fast) { benchmark, state in
            let (verifier, headers) = state
            for _ in benchmark.scaledIterations {
                blackHole(try! verifier.verify(headers: headers, body: body))
            }
        } setup: { () -> (WebhookVerifier, [(String, String)]) in
            let m = KeyMaterial.bits(bits)
            let headers = [("flex.signature", m.base64[.md5WithRSA]!), ("fluent-signature", m.base64[.sha512WithRSA]!)]
            let verifier = WebhookVerifier(key: m.publicKey)
            precondition(try! verifier.verify(headers: headers, body: body).isValid)
            return (verifier, headers)
        }
        Benchmark("webhook genuine \(bits) / raw-openssl", configuration: fast) { benchmark, state in
            let (m, verifier) = state
            let signature = m.raw[.sha512WithRSA]!
            for _ in benchmark.scaledIterations {
                blackHole(rc_ossl_verifier_verify(verifier, body, body.count, signature, signature.count))
            }
        } setup: { () -> (KeyMaterial, OpaquePointer) in
            let m = KeyMaterial.bits(bits)
            return (m, rc_ossl_verifier_new(m.osslPublic, RC_SHA512)!)
        }
    }
    // A signature of the right length that none of 50 trusted keys made: one hash and one public
    // operation per key, against the raw loop doing the same (EVP_Digest once, EVP_PKEY_verify per key).
    Benchmark("webhook forged-50 2048 / swift-openssl") { benchmark, state in
        let (verifier, headers) = state
        for _ in benchmark.scaledIterations {
            blackHole(try! verifier.verify(headers: headers, body: body))
        }
    } setup: { () -> (WebhookVerifier, [(String, String)]) in
        let (keyring, forged) = forgedFixture()
        let verifier = WebhookVerifier(keyring: keyring)
        precondition(try! verifier.verify(headers: forged, body: body).failure?.code == .noTrustedKey)
        return (verifier, forged)
    }
    Benchmark("webhook forged-50 2048 / raw-openssl") { benchmark, state in
        let (ring, signature) = state
        for _ in benchmark.scaledIterations {
            blackHole(rc_ossl_keyring_verify(ring, body, body.count, signature, signature.count))
        }
    } setup: { () -> (OpaquePointer, [UInt8]) in
        let (keyring, _) = forgedFixture()
        let pkeys: [UnsafeMutableRawPointer?] = keyring.keys.map { key in
            key.key.derRepresentation.withUnsafeBufferPointer { rc_ossl_public_key($0.baseAddress, $0.count) }
        }
        let ring = pkeys.withUnsafeBufferPointer { rc_ossl_keyring_new(UnsafePointer(OpaquePointer($0.baseAddress)), $0.count, RC_SHA512) }!
        let signature = KeyMaterial.bits(2048).raw[.sha512WithRSA]!
        precondition(rc_ossl_keyring_verify(ring, body, body.count, signature, signature.count) == -1)
        return (ring, signature)
    }

    // MARK: canonical JSON on a ~1 MiB event

    for mode in [CanonicalMode.compact, .jcs] {
        Benchmark("canonicalize \(mode.name) 1MiB / swift") { benchmark, event in
            for _ in benchmark.scaledIterations { blackHole(try! Canonicalizer.canonicalize(event, mode: mode)) }
        } setup: { () -> [UInt8] in
            LargeEvent.writeFiles()
            return LargeEvent.body
        }
    }
}
