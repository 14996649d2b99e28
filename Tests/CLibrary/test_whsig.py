#!/usr/bin/env python3
"""Tests python/whsig.py against an installed libwhsig.

    WHSIG_LIBRARY=PREFIX/lib/libwhsig.so python3 test_whsig.py PYTHON_DIR KEYS_DIR [VECTORS_DIR]

PYTHON_DIR holds whsig.py; KEYS_DIR is Tests/Vectors/keys; VECTORS_DIR the shared reference
vectors (the real delivery and the JDK cases); without it those parts are skipped with a note.
Prints "N passed, 0 failed" and exits 1 on any failure.
"""
import base64
import json
import os
import sys
import threading

sys.path.insert(0, sys.argv[1])
import whsig  # noqa: E402

keys_dir = sys.argv[2]
vectors_dir = sys.argv[3] if len(sys.argv) > 3 else None
passed = 0
failed = 0


def check(condition, what):
    global passed, failed
    if condition:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what, file=sys.stderr)


def read(name, directory=keys_dir):
    with open(os.path.join(directory, name), "rb") as f:
        return f.read()


def raises(status, call, what):
    try:
        call()
    except whsig.WhsigError as error:
        check(error.status == status and error.detail, "%s: %r" % (what, error))
        return error
    check(False, "%s: no error" % what)
    return None


# Library information.
check(whsig.version().count(".") == 2, "version")

# Key formats, and the 2048-bit fixture.
expected = json.loads(read("rsa2048-expected.json"))
for name in ["rsa2048-spki.pem", "rsa2048-spki.b64", "rsa2048-spki.der", "rsa2048-spki-wrapped.b64",
             "rsa2048-pkcs1-public.pem", "rsa2048-pkcs1-public.der", "rsa2048-cert.pem", "rsa2048-cert.der",
             "rsa2048-public.jwk"]:
    for backend in ("openssl", "gcrypt"):
        key = whsig.PublicKey(read(name), backend=backend)
        check(key.fingerprint == expected["fingerprint"], "fingerprint of %s on %s" % (name, backend))
        check(whsig.verify(key, "sha512", expected["body"], expected["sha512Signature"]), "verify with %s" % name)
        key.close()
for name in ["rsa2048-pkcs8.pem", "rsa2048-pkcs8.b64", "rsa2048-pkcs8.der", "rsa2048-pkcs1-private.pem",
             "rsa2048-private.jwk"]:
    private = whsig.PrivateKey(read(name))
    check(whsig.sign(private, "sha512", expected["body"]) == expected["sha512Signature"], "sign with %s" % name)
    check(private.sign("md5", expected["body"].encode()) == expected["md5Signature"], "sign md5 with %s" % name)

public = whsig.PublicKey(read("rsa2048-spki.pem").decode())
body = expected["body"].encode()
check(whsig.verify(public, "md5", body, expected["md5Signature"]), "md5 verifies")
check(whsig.verify(public, whsig.SHA512_WITH_RSA, body, expected["sha512Signature"]), "constant algorithm")
check(not whsig.verify(public, "md5", body, expected["sha512Signature"]), "wrong algorithm")
check(not whsig.verify(public, "sha512", body + b" ", expected["sha512Signature"]), "tampered body")
check(not whsig.verify(public, "sha512", body, "not base64!"), "not base64")
check(not whsig.verify(public, "sha512", body, ""), "empty signature")
check(not whsig.verify(public, "sha512", b"", expected["sha512Signature"]), "empty body")
empty_signature = whsig.sign(whsig.PrivateKey(read("rsa2048-pkcs8.pem")), "sha512", b"")
check(whsig.verify(public, "sha512", b"", empty_signature), "empty body signed and verified")

raises(-14, lambda: whsig.PublicKey(read("rsa2048-pkcs8.pem")), "private key given")
raises(-15, lambda: whsig.PrivateKey(read("rsa2048-spki.pem")), "public key given")
raises(-10, lambda: whsig.PublicKey(read("bad-ec-public.pem")), "EC key")
raises(-17, lambda: whsig.PublicKey(read("bad-rsa512-public.b64")), "RSA-512")
raises(-16, lambda: whsig.PrivateKey(read("bad-encrypted-pkcs8.pem")), "encrypted")
raises(-2, lambda: whsig.PublicKey(""), "empty")
raises(-101, lambda: whsig.verify(public, 99, body, "x"), "unknown algorithm")
error = raises(-9, lambda: whsig.PublicKey(read("bad-openssh-private.pem")), "OpenSSH key")
check(error is not None and error.name == "unsupported_pem_type", "error name")

check(whsig.digest("md5", b"abc").hex() == "900150983cd24fb0d6963f7d28e17f72", "md5 digest")
check(len(whsig.digest("sha512", b"")) == 64, "sha512 digest")
check(whsig.canonicalize("jcs", b'{"b":1,"a":1e20}') == b'{"a":100000000000000000000,"b":1}', "jcs")
check(whsig.canonicalize("compact", b'{ "a" : [ 1 ] }') == b'{"a":[1]}', "compact")
raises(-25, lambda: whsig.canonicalize("compact", b"{,"), "invalid JSON")

# Threads share one key.
results = []
def worker():
    results.append(all(whsig.verify(public, "sha512", body, expected["sha512Signature"]) for _ in range(50)))
threads = [threading.Thread(target=worker) for _ in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
check(results == [True] * 8, "threads")

# The shared reference vectors.
if vectors_dir is None:
    print("NOTE: no reference vectors folder given; the real delivery and JDK vectors are skipped")
else:
    meta = json.loads(read("real-webhook.json", os.path.join(vectors_dir, "fluent")))
    delivery = read("real-webhook-body.json", os.path.join(vectors_dir, "fluent"))
    for backend in ("openssl", "gcrypt"):
        key = whsig.PublicKey(meta["publicKeyX509Base64"], backend=backend)
        check(whsig.verify(key, "sha512", delivery, meta["headers"]["fluent-signature"]), "real delivery sha512")
        check(whsig.verify(key, "md5", delivery, meta["headers"]["flex.signature"]), "real delivery md5")
        check(not whsig.verify(key, "sha512", delivery + b"\n", meta["headers"]["fluent-signature"]),
              "real delivery tampered")
        check(not whsig.verify(key, "md5", delivery, meta["headers"]["fluent-signature"]), "real delivery swapped")

    jdk = json.loads(read("jdk-rsa-md5-sha512.json", os.path.join(vectors_dir, "jdk")))
    bodies = [base64.b64decode(b) for b in jdk["bodiesBase64"]]
    cases = resigned = 0
    for entry in jdk["keys"]:
        key = whsig.PublicKey(entry["publicKeyX509Base64"])
        private = whsig.PrivateKey(entry["privateKeyPkcs8Base64"])
        for case in entry["cases"]:
            verdict = whsig.verify(key, case["alg"], bodies[case["body"]], case["signatureBase64"])
            check(verdict == case["valid"], "JDK %s-bit %s: %s" % (entry["bits"], case["alg"], case.get("why")))
            if case["valid"]:
                check(whsig.sign(private, case["alg"], bodies[case["body"]]) == case["signatureBase64"],
                      "JDK re-sign %s-bit %s" % (entry["bits"], case["alg"]))
                resigned += 1
            cases += 1
    check(cases == 128, "JDK case count %d" % cases)
    check(resigned > 0, "JDK re-signed some")
    print("JDK vectors: %d cases, %d re-signed" % (cases, resigned))

print("%d passed, %d failed" % (passed, failed))
sys.exit(0 if failed == 0 else 1)
