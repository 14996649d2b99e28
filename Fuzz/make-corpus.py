#!/usr/bin/env python3
"""Writes the seed corpora in Fuzz/corpus/<target>/ (committed; rerun only to change them).

Needs the openssl command. The fuzz keys a, b and c are read from Fuzz/Support/FuzzSupport.swift,
the 2048-bit vector key from Tests/Vectors/keys. Signatures are made with openssl, so the seeds are
independent of the code under test.
"""
import base64
import json
import os
import re
import shutil
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "Fuzz", "corpus")
VECTORS = os.path.join(ROOT, "Tests", "Vectors", "keys")
TMP = tempfile.mkdtemp(prefix="fuzz-corpus-")


def support_keys():
    text = open(os.path.join(ROOT, "Fuzz", "Support", "FuzzSupport.swift")).read()
    keys = {}
    for name in "abc":
        match = re.search(r'static let %sPEM = """\n(.*?)"""' % name, text, re.S)
        path = os.path.join(TMP, name + ".pem")
        with open(path, "w") as f:
            f.write(match.group(1))
        keys[name] = path
    return keys


def openssl(*args, data=None):
    return subprocess.run(["openssl", *args], input=data, check=True, capture_output=True).stdout


def sign(key, body, digest):
    path = os.path.join(TMP, "body")
    with open(path, "wb") as f:
        f.write(body)
    return base64.b64encode(openssl("dgst", "-" + digest, "-sign", key, path)).decode()


def spki_b64(key):
    return base64.b64encode(openssl("pkey", "-in", key, "-pubout", "-outform", "DER")).decode()


def write(target, name, data):
    directory = os.path.join(CORPUS, target)
    os.makedirs(directory, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data)


def keys_corpus(keys):
    for name in sorted(os.listdir(VECTORS)):
        if name.endswith(".json"):
            continue
        shutil.copy(os.path.join(VECTORS, name), os.path.join(CORPUS, "keys", name))
    a = keys["a"]
    write("keys", "a-pkcs8.pem", open(a).read())
    write("keys", "a-pkcs1.pem", openssl("pkey", "-in", a, "-traditional"))
    write("keys", "a-pkcs8.der", openssl("pkey", "-in", a, "-outform", "DER"))
    write("keys", "a-pkcs1.der", openssl("rsa", "-in", a, "-outform", "DER", "-traditional"))
    write("keys", "a-spki.pem", openssl("pkey", "-in", a, "-pubout"))
    write("keys", "a-spki.b64", spki_b64(a))
    write("keys", "a-rsapublickey.pem", openssl("rsa", "-in", a, "-RSAPublicKey_out"))
    write("keys", "a-spki-crlf.b64", "\r\n".join(re.findall(".{1,64}", spki_b64(a))) + "\r\n")
    write("keys", "b-spki.pem", openssl("pkey", "-in", keys["b"], "-pubout"))
    write("keys", "two-blocks.pem", "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
          + openssl("pkey", "-in", a, "-pubout").decode())
    for i, text in enumerate([
        "", " \n", "{}", '{"kty":"RSA"}', '{"kty":"EC","crv":"P-256"}', '{"keys":[]}',
        '{"kty":"RSA","n":"AQAB","e":"AQAB"}', "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n",
        "-----BEGIN PUBLIC KEY-----\nMAA=\n-----END PUBLIC KEY-----\n", "MAA=", "AAAA", "MIIBIjANBgkqhkiG9w0BAQEFAAOC",
        "\x30\x03\x02\x01\x01", "\x30\x80\x02\x01\x01\x00\x00",
    ]):
        write("keys", "snippet-%02d" % i, text)


def signature_corpus():
    expected = json.load(open(os.path.join(VECTORS, "rsa2048-expected.json")))
    sha, md5 = expected["sha512Signature"], expected["md5Signature"]
    write("signature", "sha512", sha)
    write("signature", "md5", md5)
    write("signature", "sha512-wrapped", "\n".join(re.findall(".{1,76}", sha)))
    write("signature", "sha512-unpadded", sha.rstrip("="))
    write("signature", "sha512-urlsafe", sha.replace("+", "-").replace("/", "_"))
    write("signature", "sha512-space", " " + sha + " ")
    write("signature", "sha512-truncated", sha[:-8])
    write("signature", "sha512-extra", sha + "AAAA")
    flipped = bytearray(base64.b64decode(sha))
    flipped[-1] ^= 1
    write("signature", "sha512-flipped", base64.b64encode(bytes(flipped)))
    write("signature", "raw-bytes", base64.b64decode(sha))
    write("signature", "zero", base64.b64encode(bytes(256)))
    write("signature", "all-ones", base64.b64encode(b"\xff" * 256))
    for i, text in enumerate(["", "=", "==", "A===", "AA==", "AB==", "AAA=", "AAB=", "AAAA", "////", "++++", "A\x00AA",
                              "\xc3\xa9AAA", "AA\r\nAA", "AAAA====", "=AAA"]):
        write("signature", "snippet-%02d" % i, text.encode("latin-1"))


def webhook_corpus(keys):
    bodies = [
        b'{"id":"e1","name":"OrderStatus"}',
        b'{\n  "id": "e1",\n  "name": "OrderStatus"\n}',
        b'{"name":"OrderStatus","id":"e1"}',
        b"",
        b"not json at all",
        b'{"a":[1,2.50,-3e2,{"b":null}],"c":"\\u00e9"}',
    ]
    n = 0

    def seed(header_lines, body):
        nonlocal n
        write("webhook", "delivery-%02d" % n, "\n".join(header_lines).encode() + b"\n\n" + body)
        n += 1

    a, b, c = keys["a"], keys["b"], keys["c"]
    for body in bodies[:1] + bodies[3:]:
        seed(["fluent-signature: " + sign(a, body, "sha512"), "flex.signature: " + sign(a, body, "md5")], body)
    body = bodies[0]
    compact_sig = sign(a, body, "sha512")
    seed(["fluent-signature: " + compact_sig, "policy: compact"], bodies[1])
    seed(["Fluent-Signature:   " + compact_sig + "  ", "policy: compact md5"], bodies[1])
    jcs_body = b'{"id":"e1","name":"OrderStatus"}'  # already in JCS form
    seed(["fluent-signature: " + sign(a, jcs_body, "sha512"), "policy: jcs"], bodies[2])
    seed(["flex.signature: " + sign(a, body, "md5")], body)
    seed(["flex.signature: " + sign(a, body, "md5"), "policy: md5"], body)
    seed(["fluent-signature: " + sign(a, body, "sha512"), "policy: both"], body)
    seed(["fluent-signature: " + sign(b, body, "sha512")], body)  # retired key
    seed(["fluent-signature: " + sign(c, body, "sha512")], body)  # not yet valid
    seed(["fluent-signature: " + sign(a, body, "md5")], body)  # wrong algorithm
    seed(["fluent-signature: " + sign(a, body, "sha512"), "fluent-signature: " + sign(b, body, "sha512")], body)
    seed(["fluent-signature: " + sign(a, body, "sha512") + ", " + sign(a, body, "sha512")], body)
    seed(["fluent-signature: " + sign(a, b"other", "sha512")], body)
    seed(["fluent-signature: AAAA", "flex.signature: ===="], body)
    seed(["content-type: application/json", "x-other: 1"], body)
    seed(["fluent-signature"], body)
    seed(["fluent-signature: " + "A" * 3000], body)
    sig = sign(a, body, "sha512")
    seed(["FLUENT-SIGNATURE: " + sig, "Flex.Signature: " + sign(a, body, "md5"), "policy: both"], body)
    seed(["fluent-signature:\t" + sig + "\r"], body)
    seed(["fluent-signature: " + sig[:100] + "\n " + sig[100:]], body)
    seed(["fluent-signature: " + sig[:100] + " " + sig[100:]], body)
    seed(["fluent-signature: " + sig + ",", "policy: md5"], body)
    seed(["fluent-signature: ,,,"], body)
    seed(["flex.signature: " + sign(a, body, "md5"), "flex.signature: " + sign(b, body, "md5"), "policy: md5"], body)
    seed(["fluent-signature: " + sign(c, body, "md5"), "policy: md5"], body)
    seed(["fluent-signature: " + sign(a, bodies[5], "sha512"), "policy: jcs"], bodies[5])
    seed(["fluent-signature: " + sign(a, bodies[5], "sha512"), "policy: compact"], bodies[5])
    seed(["x: y", "fluent-signature: " + sig, "policy: raw"], body)
    seed(["fluent-signature: " + sig], body + b"\n")


def canonical_corpus():
    snippets = [
        "null", "true", "false", "0", "-0", "1.0", "1e400", "-1.5E-7", "123456789012345678901234567890",
        '""', '"\\u00e9\\ud83d\\ude00"', '"\\ud800"', '"\\u0000\\b\\f\\n\\r\\t"', '"\xc3\xa9"',
        "[]", "{}", " [ 1 , 2 ] ", '{"b":1,"a":2}', '{"a":1,"a":2}', '{"a":1, "\\u0061":2}',
        '{"\\ufb01":1,"\\ud83d\\ude00":2,"\\ue000":3,"z":6}', '{"10":1,"1":2,"9":3}',
        '{"b":[{"z":1,"y":{"d":null,"c":[3,2,1]}}],"a":{"k":true,"j":false}}',
        "[" * 40 + "]" * 40, '{"a":' * 20 + "1" + "}" * 20, "[1,]", "{,}", "01", "1.", ".5", "-", "tru", "nul",
        '"\\x"', '"\t"', "\ufeff{}", "[1] [2]", "/* c */ 1", "[0.1,0.2,0.30000000000000004,1e21,1e-7,5e-324]",
        '{"id":"9535e841","attributes":{"TrackingURL":"http://x.test/track/q=1"}}',
    ]
    for i, text in enumerate(snippets):
        write("canonical", "json-%02d" % i, text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text)
    write("canonical", "bad-utf8-1", b'["\xc0\xaf"]')
    write("canonical", "bad-utf8-2", b'["\xed\xa0\x80"]')
    write("canonical", "bad-utf8-3", b'["\xf4\x90\x80\x80"]')
    write("canonical", "bad-utf8-4", b'["\xe2\x82"]')
    write("canonical", "outside-string", b"[\xc3\xa9]")
    write("canonical", "nul", b'["a\x00b"]')


def keyring_corpus(keys):
    entries = {name: spki_b64(path) for name, path in keys.items()}
    fp = {name: __import__("hashlib").sha256(base64.b64decode(b64)).hexdigest() for name, b64 in entries.items()}
    rings = [
        {"version": 1, "keys": []},
        {"version": 1, "keys": [{"publicKey": entries["a"]}]},
        {"version": 1, "keys": [{"id": fp["a"], "label": "eu-prod", "publicKey": entries["a"],
                                 "notBefore": "2026-01-01T00:00:00Z", "notAfter": None, "retired": False}]},
        {"version": 1, "keys": [
            {"label": "old", "publicKey": entries["a"], "notAfter": "2026-02-01T00:00:00Z", "retired": True},
            {"label": "new", "publicKey": entries["b"], "notBefore": "2026-01-15T12:30:00+01:00"},
            {"publicKey": entries["c"], "notBefore": "2026-01-01", "notAfter": "2027-01-01T00:00:00.5Z"}]},
        {"version": 2, "keys": []},
        {"keys": [{"publicKey": entries["a"]}, {"publicKey": entries["a"]}]},
        {"keys": [{"label": "x", "publicKey": entries["a"]}, {"label": "x", "publicKey": entries["b"]}]},
        {"keys": [{"publicKey": entries["a"], "id": fp["b"]}]},
        {"keys": [{"publicKey": entries["a"], "notBefore": "2027-01-01T00:00:00Z", "notAfter": "2026-01-01T00:00:00Z"}]},
        {"keys": [{"publicKey": "AAAA"}]},
        {"keys": [{"publicKey": entries["a"], "label": ""}]},
        {"keys": [{"publicKey": entries["a"], "retired": "yes"}]},
        {"keys": [{"publicKey": entries["a"], "notBefore": "yesterday"}]},
        {"keys": {}},
        [],
        {"version": 1, "keys": [{"id": "sha256:" + fp["a"], "publicKey": entries["a"]}]},
        {"version": 1, "keys": [{"id": fp["a"].upper(), "publicKey": entries["a"]}]},
        {"version": 1, "keys": [{"id": None, "label": None, "notBefore": None, "retired": None, "publicKey": entries["b"]}]},
        {"version": 1, "keys": [{"label": "\u00e9t\u00e9 \ud83d\ude00", "publicKey": entries["c"]}]},
        {"version": 1, "keys": [{"publicKey": entries["a"], "notBefore": "2026-12-31T23:59:59.999-12:00",
                                 "notAfter": "2026-12-31T23:59:60Z"}]},
        {"version": 1, "keys": [{"publicKey": entries["a"], "notBefore": "1970-01-01T00:00:00Z",
                                 "notAfter": "9999-12-31T23:59:59Z"}]},
        {"version": 1, "keys": [{"publicKey": entries["a"], "notAfter": "2026-02-30T00:00:00Z"}]},
        {"version": 1, "keys": [{"publicKey": entries["a"], "label": fp["b"]}, {"publicKey": entries["b"]}]},
        {"version": 1.0, "keys": []},
        {"version": "1", "keys": []},
        {"version": 1, "keys": [{"publicKey": entries["a"].replace("MIGf", "MIGf\n")}]},
        {"version": 1, "keys": [{"publicKey": "-----BEGIN PUBLIC KEY-----\n" + entries["a"] + "\n-----END PUBLIC KEY-----\n"}]},
        {"version": 1, "keys": [{"publicKey": entries["a"], "extra": {"nested": [1, [2, [3]]]}}]},
    ]
    for i, ring in enumerate(rings):
        write("keyring", "ring-%02d.json" % i, json.dumps(ring, indent=2))
    write("keyring", "not-json", "keys: []")
    write("keyring", "truncated", json.dumps(rings[3])[:200])


def main():
    if os.path.isdir(CORPUS):
        shutil.rmtree(CORPUS)
    for target in ["keys", "signature", "webhook", "canonical", "keyring"]:
        os.makedirs(os.path.join(CORPUS, target))
    keys = support_keys()
    keys_corpus(keys)
    signature_corpus()
    webhook_corpus(keys)
    canonical_corpus()
    keyring_corpus(keys)
    shutil.rmtree(TMP)
    for target in sorted(os.listdir(CORPUS)):
        print(target, len(os.listdir(os.path.join(CORPUS, target))))


if __name__ == "__main__":
    main()
