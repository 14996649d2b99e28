#!/usr/bin/env python3
"""Generates Tests/Vectors/keys: one file per key format and per class of wrong input.

Run from the repository root: python3 scripts/gen-key-vectors.py
Needs pyca/cryptography and the openssl command. The files are committed; re-running makes new keys.
"""
import base64, json, os, subprocess, datetime
from cryptography.hazmat.primitives.asymmetric import rsa, ec, ed25519, dsa, padding
from cryptography.hazmat.primitives import serialization as s, hashes
from cryptography import x509
from cryptography.x509.oid import NameOID

out = os.path.join(os.path.dirname(__file__), "..", "Tests", "Vectors", "keys")
os.makedirs(out, exist_ok=True)

def write(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())

def b64(data):
    return base64.b64encode(data).decode()

key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
pub = key.public_key()
spki = pub.public_bytes(s.Encoding.DER, s.PublicFormat.SubjectPublicKeyInfo)
pkcs8 = key.private_bytes(s.Encoding.DER, s.PrivateFormat.PKCS8, s.NoEncryption())

# Valid public-key formats of one key.
write("rsa2048-spki.b64", b64(spki))
wrapped = "\n".join(b64(spki)[i:i + 76] for i in range(0, len(b64(spki)), 76))
write("rsa2048-spki-wrapped.b64", "  " + wrapped.replace("\n", "\r\n  ") + "\n")
write("rsa2048-spki.der", spki)
write("rsa2048-spki.pem", pub.public_bytes(s.Encoding.PEM, s.PublicFormat.SubjectPublicKeyInfo))
write("rsa2048-pkcs1-public.pem", pub.public_bytes(s.Encoding.PEM, s.PublicFormat.PKCS1))
write("rsa2048-pkcs1-public.der", pub.public_bytes(s.Encoding.DER, s.PublicFormat.PKCS1))
n = pub.public_numbers().n
e = pub.public_numbers().e
def b64url_int(v):
    raw = v.to_bytes((v.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
write("rsa2048-public.jwk", json.dumps({"kty": "RSA", "e": b64url_int(e), "n": b64url_int(n), "alg": "RS512"}))
# A self-signed certificate carrying the key.
name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "webhook test"), x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example")])
cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(pub)
        .serial_number(1234).not_valid_before(datetime.datetime(2026, 1, 1))
        .not_valid_after(datetime.datetime(2036, 1, 1)).sign(key, hashes.SHA256()))
write("rsa2048-cert.pem", cert.public_bytes(s.Encoding.PEM))
write("rsa2048-cert.der", cert.public_bytes(s.Encoding.DER))

# Valid private-key formats of the same key.
write("rsa2048-pkcs8.pem", key.private_bytes(s.Encoding.PEM, s.PrivateFormat.PKCS8, s.NoEncryption()))
write("rsa2048-pkcs8.der", pkcs8)
write("rsa2048-pkcs8.b64", b64(pkcs8))
write("rsa2048-pkcs1-private.pem", key.private_bytes(s.Encoding.PEM, s.PrivateFormat.TraditionalOpenSSL, s.NoEncryption()))
pn = key.private_numbers()
write("rsa2048-private.jwk", json.dumps({"kty": "RSA", "n": b64url_int(n), "e": b64url_int(e), "d": b64url_int(pn.d),
      "p": b64url_int(pn.p), "q": b64url_int(pn.q), "dp": b64url_int(pn.dmp1), "dq": b64url_int(pn.dmq1), "qi": b64url_int(pn.iqmp)}))
sha256 = hashes.Hash(hashes.SHA256()); sha256.update(spki)
body = b'{"id":"e1","name":"OrderStatus"}'
write("rsa2048-expected.json", json.dumps({
    "fingerprint": sha256.finalize().hex(),
    "body": body.decode(),
    "sha512Signature": b64(key.sign(body, padding.PKCS1v15(), hashes.SHA512())),
    "md5Signature": b64(key.sign(body, padding.PKCS1v15(), hashes.MD5())),
}, indent=1))

# Wrong inputs, each with the error code the library must give.
ec_key = ec.generate_private_key(ec.SECP256R1())
ed_key = ed25519.Ed25519PrivateKey.generate()
dsa_key = dsa.generate_private_key(2048)
small_pem = subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:512"], capture_output=True, check=True).stdout
small = s.load_pem_private_key(small_pem, None)
write("bad-ec-public.pem", ec_key.public_key().public_bytes(s.Encoding.PEM, s.PublicFormat.SubjectPublicKeyInfo))
write("bad-ec-private-sec1.pem", ec_key.private_bytes(s.Encoding.PEM, s.PrivateFormat.TraditionalOpenSSL, s.NoEncryption()))
write("bad-ec-private-pkcs8.pem", ec_key.private_bytes(s.Encoding.PEM, s.PrivateFormat.PKCS8, s.NoEncryption()))
write("bad-ed25519-public.pem", ed_key.public_key().public_bytes(s.Encoding.PEM, s.PublicFormat.SubjectPublicKeyInfo))
write("bad-ed25519-private.pem", ed_key.private_bytes(s.Encoding.PEM, s.PrivateFormat.PKCS8, s.NoEncryption()))
write("bad-dsa-public.pem", dsa_key.public_key().public_bytes(s.Encoding.PEM, s.PublicFormat.SubjectPublicKeyInfo))
write("bad-dsa-private.pem", dsa_key.private_bytes(s.Encoding.PEM, s.PrivateFormat.TraditionalOpenSSL, s.NoEncryption()))
write("bad-encrypted-pkcs8.pem", key.private_bytes(s.Encoding.PEM, s.PrivateFormat.PKCS8, s.BestAvailableEncryption(b"secret")))
write("bad-encrypted-legacy.pem", subprocess.run(
    ["openssl", "rsa", "-aes128", "-passout", "pass:secret", "-traditional"],
    input=key.private_bytes(s.Encoding.PEM, s.PrivateFormat.TraditionalOpenSSL, s.NoEncryption()),
    capture_output=True, check=True).stdout)
write("bad-rsa512-public.b64", b64(small.public_key().public_bytes(s.Encoding.DER, s.PublicFormat.SubjectPublicKeyInfo)))
write("bad-openssh-private.pem", ed_key.private_bytes(s.Encoding.PEM, s.PrivateFormat.OpenSSH, s.NoEncryption()))
csr = x509.CertificateSigningRequestBuilder().subject_name(name).sign(key, hashes.SHA256())
write("bad-csr.pem", csr.public_bytes(s.Encoding.PEM))
