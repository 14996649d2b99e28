"""The whsig package: keys, verify, sign, digest, canonicalize, errors, threads, vectors."""
import base64
import json
import os
import subprocess
import sys
import threading

import pytest

import whsig

PUBLIC_FORMATS = [
    "rsa2048-spki.pem", "rsa2048-spki.b64", "rsa2048-spki.der", "rsa2048-spki-wrapped.b64",
    "rsa2048-pkcs1-public.pem", "rsa2048-pkcs1-public.der", "rsa2048-cert.pem", "rsa2048-cert.der",
    "rsa2048-public.jwk",
]
PRIVATE_FORMATS = [
    "rsa2048-pkcs8.pem", "rsa2048-pkcs8.b64", "rsa2048-pkcs8.der", "rsa2048-pkcs1-private.pem",
    "rsa2048-private.jwk",
]


@pytest.fixture(scope="module")
def public(keys_dir):
    return whsig.PublicKey((keys_dir / "rsa2048-spki.pem").read_text())


@pytest.fixture(scope="module")
def private(keys_dir):
    return whsig.PrivateKey((keys_dir / "rsa2048-pkcs8.pem").read_bytes())


@pytest.fixture(scope="module")
def body(expected):
    return expected["body"].encode()


def raises(status, call):
    with pytest.raises(whsig.WhsigError) as info:
        call()
    assert info.value.status == status, repr(info.value)
    assert info.value.detail, "the error has no detail sentence"
    return info.value


# --- Loading --------------------------------------------------------------------------------------

def test_version():
    assert whsig.version().count(".") == 2


def test_library_comes_from_the_override_or_the_wheel():
    path = whsig.library_path()
    if os.environ.get("WHSIG_LIBRARY"):
        assert path == os.environ["WHSIG_LIBRARY"]
    else:
        # Installed from the wheel: the bundled copy, found with no environment variable.
        assert path == os.path.join(os.path.dirname(os.path.abspath(whsig.__file__)), "libwhsig.so.1")
        assert os.path.isfile(path)


def test_whsig_library_overrides_the_bundled_copy(tmp_path):
    missing = str(tmp_path / "no-such-libwhsig.so")
    environment = dict(os.environ, WHSIG_LIBRARY=missing)
    result = subprocess.run(
        [sys.executable, "-c", "import whsig; whsig.version()"], env=environment, capture_output=True, text=True)
    assert result.returncode != 0
    assert missing in result.stderr


def test_typed_package():
    assert os.path.isfile(os.path.join(os.path.dirname(whsig.__file__), "py.typed"))


# --- Keys -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("backend", ["openssl", "gcrypt"])
@pytest.mark.parametrize("name", PUBLIC_FORMATS)
def test_public_key_formats(keys_dir, expected, name, backend):
    key = whsig.PublicKey((keys_dir / name).read_bytes(), backend=backend)
    assert key.fingerprint == expected["fingerprint"]
    assert whsig.verify(key, "sha512", expected["body"], expected["sha512Signature"])
    key.close()
    with pytest.raises(ValueError):
        whsig.verify(key, "sha512", expected["body"], expected["sha512Signature"])


@pytest.mark.parametrize("name", PRIVATE_FORMATS)
def test_private_key_formats(keys_dir, expected, name):
    private = whsig.PrivateKey((keys_dir / name).read_bytes())
    assert whsig.sign(private, "sha512", expected["body"]) == expected["sha512Signature"]
    assert private.sign("md5", expected["body"].encode()) == expected["md5Signature"]


@pytest.mark.parametrize("status,name,file,kind", [
    (-14, "private_key_given", "rsa2048-pkcs8.pem", whsig.PublicKey),
    (-15, "public_key_given", "rsa2048-spki.pem", whsig.PrivateKey),
    (-10, "ec_key", "bad-ec-public.pem", whsig.PublicKey),
    (-17, "key_too_small", "bad-rsa512-public.b64", whsig.PublicKey),
    (-16, "encrypted_private_key", "bad-encrypted-pkcs8.pem", whsig.PrivateKey),
    (-9, "unsupported_pem_type", "bad-openssh-private.pem", whsig.PublicKey),
])
def test_key_errors(keys_dir, status, name, file, kind):
    error = raises(status, lambda: kind((keys_dir / file).read_bytes()))
    assert error.name == name


def test_empty_key():
    raises(-2, lambda: whsig.PublicKey(""))


def test_unknown_backend():
    with pytest.raises(ValueError):
        whsig.PublicKey("x", backend="nss")


# --- verify ---------------------------------------------------------------------------------------

@pytest.fixture(params=["untyped", "typed"])
def call_path(request, monkeypatch):
    """verify's two ways into the library: without argtypes (the fast path) and with them."""
    if request.param == "typed":
        monkeypatch.setattr(whsig, "_UNTYPED_CALLS", False)
    return request.param


def test_verify_matrix(public, private, expected, body, call_path):
    assert whsig.verify(public, "md5", body, expected["md5Signature"])
    assert whsig.verify(public, whsig.SHA512_WITH_RSA, body, expected["sha512Signature"])
    assert public.verify("fluent-signature", body, expected["sha512Signature"])
    assert not whsig.verify(public, "md5", body, expected["sha512Signature"]), "wrong algorithm"
    assert not whsig.verify(public, "sha512", body + b" ", expected["sha512Signature"]), "tampered body"
    assert not whsig.verify(public, "sha512", body, "not base64!")
    assert not whsig.verify(public, "sha512", body, "")
    assert not whsig.verify(public, "sha512", b"", expected["sha512Signature"]), "empty body"
    empty_signature = whsig.sign(private, "sha512", b"")
    assert whsig.verify(public, "sha512", b"", empty_signature), "empty body signed and verified"


def test_verify_accepts_every_bytes_like(public, expected, body):
    signature = expected["sha512Signature"]
    for value in (body, bytearray(body), memoryview(body), expected["body"]):
        assert whsig.verify(public, "sha512", value, signature)
    assert whsig.verify(public, "sha512", body, signature.encode())
    assert whsig.verify(public, "sha512", body, bytearray(signature.encode()))
    with pytest.raises(TypeError):
        whsig.verify(public, "sha512", 42, signature)


def test_signature_text_rule(public, expected, body, call_path):
    """Surrounding ASCII whitespace is trimmed; anything else that is not strict base64 is False."""
    signature = expected["sha512Signature"]
    for padded in (signature + "\n", signature + "\r\n", " " + signature, "\t" + signature + " "):
        assert whsig.verify(public, "sha512", body, padded), repr(padded[:3] + "..." + padded[-3:])
    middle = len(signature) // 2
    assert not whsig.verify(public, "sha512", body, signature[:middle] + " " + signature[middle:])
    assert not whsig.verify(public, "sha512", body, signature.rstrip("=")), "unpadded"
    assert not whsig.verify(public, "sha512", body, signature.replace("+", "-").replace("/", "_") + "x")
    assert not whsig.verify(public, "sha512", body, signature[:-4]), "short"
    assert not whsig.verify(public, "sha512", body, signature + "AAAA"), "long"
    assert not whsig.verify(public, "sha512", body, signature + "\u00e9"), "non-ASCII is invalid, not an error"
    assert not whsig.verify(public, "sha512", body, "\ud800"), "a lone surrogate is invalid, not an error"
    assert not whsig.verify(public, "sha512", body, "\x00" + signature)


def test_unknown_algorithm(public, body, call_path):
    raises(-101, lambda: whsig.verify(public, 99, body, "x"))
    for bad in ("sha1", 2**40, None):
        with pytest.raises(ValueError):
            whsig.verify(public, bad, body, "x")


def test_closed_key_is_refused(keys_dir, body, call_path):
    key = whsig.PublicKey((keys_dir / "rsa2048-spki.pem").read_bytes())
    key.close()
    key.close()  # closing twice is harmless
    with pytest.raises(ValueError):
        whsig.verify(key, "sha512", body, "x")
    with pytest.raises(ValueError):
        key.fingerprint


def test_digest_and_canonicalize():
    assert whsig.digest("md5", b"abc").hex() == "900150983cd24fb0d6963f7d28e17f72"
    assert len(whsig.digest("sha512", b"")) == 64
    assert whsig.canonicalize("jcs", b'{"b":1,"a":1e20}') == b'{"a":100000000000000000000,"b":1}'
    assert whsig.canonicalize("compact", b'{ "a" : [ 1 ] }') == b'{"a":[1]}'
    assert whsig.canonicalize("raw", b' {"a" : 1} ') == b' {"a" : 1} '
    raises(-25, lambda: whsig.canonicalize("compact", b"{,"))


def test_threads_share_one_key(public, expected, body):
    results = []

    def worker():
        results.append(all(whsig.verify(public, "sha512", body, expected["sha512Signature"]) for _ in range(50)))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [True] * 8


# --- The shared reference vectors -----------------------------------------------------------------

@pytest.mark.parametrize("backend", ["openssl", "gcrypt"])
def test_real_delivery(delivery, backend):
    meta, body = delivery
    key = whsig.PublicKey(meta["publicKeyX509Base64"], backend=backend)
    headers = meta["headers"]
    assert whsig.verify(key, "sha512", body, headers["fluent-signature"])
    assert whsig.verify(key, "md5", body, headers["flex.signature"])
    assert not whsig.verify(key, "sha512", body + b"\n", headers["fluent-signature"]), "tampered"
    assert not whsig.verify(key, "md5", body, headers["fluent-signature"]), "swapped"


def test_jdk_vectors(vectors_dir):
    jdk = json.loads((vectors_dir / "jdk" / "jdk-rsa-md5-sha512.json").read_text())
    bodies = [base64.b64decode(b) for b in jdk["bodiesBase64"]]
    cases = resigned = 0
    for entry in jdk["keys"]:
        key = whsig.PublicKey(entry["publicKeyX509Base64"])
        private = whsig.PrivateKey(entry["privateKeyPkcs8Base64"])
        for case in entry["cases"]:
            verdict = whsig.verify(key, case["alg"], bodies[case["body"]], case["signatureBase64"])
            assert verdict == case["valid"], "JDK %s-bit %s: %s" % (entry["bits"], case["alg"], case.get("why"))
            if case["valid"]:
                assert whsig.sign(private, case["alg"], bodies[case["body"]]) == case["signatureBase64"]
                resigned += 1
            cases += 1
    assert cases == 128
    assert resigned > 0
