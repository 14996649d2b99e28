"""whsig.Keyring and whsig.verify_webhook: headers in every shape, policies, verdict codes."""
import json

import pytest

import whsig


@pytest.fixture(scope="module")
def private(keys_dir):
    return whsig.PrivateKey((keys_dir / "rsa2048-pkcs8.pem").read_bytes())


@pytest.fixture(scope="module")
def public(keys_dir):
    return whsig.PublicKey((keys_dir / "rsa2048-spki.b64").read_text())


@pytest.fixture(scope="module")
def signed(private):
    body = b'{"id":"42","name":"ORDER_CREATED","entityRef":"HD-1"}'
    return body, whsig.sign(private, "sha512", body), whsig.sign(private, "md5", body)


class HeaderObject:
    """A stand-in for Flask's and Django's header objects: not a dict, only .items()."""

    def __init__(self, pairs):
        self._pairs = pairs

    def items(self):
        return iter(self._pairs)


def shapes(sha512, md5):
    yield "dict", {"Content-Type": "application/json", "Fluent-Signature": sha512, "flex.signature": md5}
    yield "pairs", [("content-type", "application/json"), ("FLUENT-SIGNATURE", sha512), ("Flex.Signature", md5)]
    yield "items", HeaderObject([("fluent-signature", sha512), ("flex.signature", md5)])
    yield "bytes", [(b"fluent-signature", sha512.encode()), (b"flex.signature", md5.encode())]
    yield "environ", {"REQUEST_METHOD": "POST", "CONTENT_TYPE": "application/json",
                      "HTTP_FLUENT_SIGNATURE": sha512, "HTTP_FLEX.SIGNATURE": md5}


@pytest.mark.parametrize("shape", [name for name, _ in shapes("", "")])
def test_every_header_shape(public, signed, shape):
    body, sha512, md5 = signed
    headers = dict(shapes(sha512, md5))[shape]
    verdict = whsig.verify_webhook(public, headers, body)
    assert verdict.valid and bool(verdict)
    assert verdict.code is None
    assert verdict.key_id == public.fingerprint
    tampered = whsig.verify_webhook(public, headers, body + b" ")
    assert not tampered.valid and not tampered
    assert tampered.code == "body_mismatch"
    assert "fluent-signature" in tampered.reason
    assert tampered.key_id is None


def test_headers_from_environ():
    pairs = whsig.headers_from_environ(
        {"HTTP_FLUENT_SIGNATURE": "a", "HTTP_FLEX.SIGNATURE": "b", "CONTENT_LENGTH": "3", "wsgi.input": None})
    assert sorted(pairs) == [("flex.signature", "b"), ("fluent-signature", "a")]


def test_policies(public, signed):
    body, sha512, md5 = signed
    none = whsig.verify_webhook(public, {"content-type": "application/json"}, body)
    assert (none.valid, none.code) == (False, "no_signature_header")
    assert none.reason
    md5_only = {"flex.signature": md5}
    assert whsig.verify_webhook(public, md5_only, body).code == "policy_not_met"
    assert whsig.verify_webhook(public, md5_only, body, allow_md5=True).valid
    fluent_only = {"fluent-signature": sha512}
    assert whsig.verify_webhook(public, fluent_only, body).valid
    assert whsig.verify_webhook(public, fluent_only, body, require_both=True).code == "policy_not_met"
    both = {"fluent-signature": sha512, "flex.signature": md5}
    assert whsig.verify_webhook(public, both, body, require_both=True).valid
    swapped = {"fluent-signature": md5}
    assert not whsig.verify_webhook(public, swapped, body).valid


def test_signature_text_rule_in_headers(public, signed):
    body, sha512, _ = signed
    assert whsig.verify_webhook(public, {"fluent-signature": sha512 + "\r\n"}, body).valid
    middle = len(sha512) // 2
    broken = whsig.verify_webhook(public, {"fluent-signature": sha512[:middle] + " " + sha512[middle:]}, body)
    assert not broken.valid and broken.code


def test_unknown_key(signed):
    body, sha512, _ = signed
    # A keyring document that trusts another key only.
    ring = whsig.Keyring(json.dumps({"version": 1, "keys": [{"publicKey": OTHER_KEY, "label": "other"}]}))
    assert len(ring) == 1
    verdict = whsig.verify_webhook(ring, {"fluent-signature": sha512}, body)
    assert (verdict.valid, verdict.code) == (False, "no_trusted_key")


def test_keyring_document(keys_dir, public, signed, tmp_path):
    body, sha512, _ = signed
    public_text = (keys_dir / "rsa2048-spki.b64").read_text().strip()
    document = {"version": 1, "keys": [
        {"publicKey": OTHER_KEY, "label": "old"},
        {"publicKey": public_text, "label": "current"},
    ]}
    path = tmp_path / "receivers.json"
    path.write_text(json.dumps(document))
    for ring in (whsig.Keyring(json.dumps(document)), whsig.Keyring.load(path), whsig.Keyring.load(str(path), backend="gcrypt")):
        assert len(ring) == 2
        verdict = whsig.verify_webhook(ring, {"fluent-signature": sha512}, body)
        assert verdict.valid and verdict.key_id == public.fingerprint
    retired = {"version": 1, "keys": [{"publicKey": public_text, "retired": True}]}
    verdict = whsig.verify_webhook(whsig.Keyring(json.dumps(retired)), {"fluent-signature": sha512}, body)
    assert (verdict.valid, verdict.code) == (False, "key_retired")


def test_keyring_errors(public):
    with pytest.raises(whsig.WhsigError) as info:
        whsig.Keyring('{"version":1,"keys":[{"label":"no key"}]}')
    assert info.value.name == "invalid_keyring" and info.value.detail
    with pytest.raises(TypeError):
        whsig.verify_webhook("not a key", {}, b"")
    ring = whsig.Keyring.from_public_key(public)
    ring.close()
    with pytest.raises(ValueError):
        whsig.verify_webhook(ring, {}, b"")


def test_canonical_modes(public, private):
    compact = b'{"a":1,"b":[true,null]}'
    signature = whsig.sign(private, "sha512", compact)
    pretty = b'{\n  "a": 1,\n  "b": [true, null]\n}\n'
    headers = {"fluent-signature": signature}
    assert not whsig.verify_webhook(public, headers, pretty).valid
    assert whsig.verify_webhook(public, headers, pretty, canonical="compact").valid
    with pytest.raises(whsig.WhsigError) as info:
        whsig.verify_webhook(public, headers, b"{,", canonical="compact")
    assert info.value.name == "invalid_json"
    with pytest.raises(ValueError):
        whsig.verify_webhook(public, headers, compact, canonical="sorted")


def test_real_delivery_as_a_whole(delivery):
    meta, body = delivery
    key = whsig.PublicKey(meta["publicKeyX509Base64"])
    verdict = whsig.verify_webhook(key, meta["headers"], body)
    assert verdict.valid and verdict.key_id == key.fingerprint
    assert whsig.verify_webhook(key, meta["headers"], body, require_both=True).valid
    tampered = body.replace(b'"id":"', b'"id":"x', 1)
    assert tampered != body
    assert whsig.verify_webhook(key, meta["headers"], tampered).code == "body_mismatch"


# An unrelated RSA-2048 public key (x509 base64), generated once with pyca/cryptography.
OTHER_KEY = (
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA49yCJCMKs1WKjKuwwhhHguyTny/Cv6Cx3CtsjkpBHRxBf7crBhb78cce"
    "S0lMj32vRPQwsLFsX+CEdeLFzCJk58di7kiCc+wcURdCw/ana6ZbYemBKyh9xFriK1TGRmMO9cqZ3LVcQYJz8lGc3SJ44dfS0l2M"
    "jbTnOeKLR/qL0XqGMIGSTkWXHrID97cdOI4EOLeSiFs4qvNPaYJnhTHrlnmjBiFPwLTFuDzVNW/HqDEbkB24l0H1NIURykaELZx+"
    "zfRYksbS2ltH2FkxQO3ajFsSV589skpg9ToZ7XKp9ESl2ilpoJxtJVRBep9FKxa/5suHW4YabzwgrWShExC9RwIDAQAB"
)
