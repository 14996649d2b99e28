"""whsig.verify against pyca/cryptography, in one process, same key, body and signature.

Usage: python3 python/bench.py [--seconds S] [--rounds N]

For each key size (1024, 2048) it makes one key pair with pyca/cryptography (fixed across both
contenders), signs a sample event (about 400 bytes) with SHA512withRSA, and times in alternating rounds:

  whsig            whsig.verify(key, "sha512", body, signature_base64)      (str header value in)
  pyca+b64         public_key.verify(b64decode(signature_base64), body, PKCS1v15(), SHA512())
  pyca             public_key.verify(signature_bytes, body, PKCS1v15(), SHA512())  (decoded once)

and prints verify/s (best round of each) and the ratios whsig / pyca+b64 and whsig / pyca.
Receivers get the signature as base64 text, so pyca+b64 is the like-for-like comparison.
Time is the thread's CPU time (time.thread_time), so other load on the machine disturbs the
ratios little; --wall uses the wall clock instead.
Needs `whsig` importable (the wheel, or PYTHONPATH=python/src with WHSIG_LIBRARY) and cryptography.
"""
import argparse
import base64
import time

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

import whsig

BODY = (
    b'{"id":"5f7a9d1e-8c3b-4b8e-9f1a-2d6c7e8f9a0b","name":"ORDER_CREATED","accountId":"ACME",'
    b'"retailerId":"1","rootEntityId":"4711","rootEntityRef":"HD-4711","rootEntityType":"ORDER",'
    b'"entityId":"4711","entityRef":"HD-4711","entityType":"ORDER","entityStatus":"CREATED",'
    b'"type":"NORMAL","attributes":{"totalPrice":149.95,"currency":"AUD","customerRef":"C-1001",'
    b'"fulfilmentChoice":"HD","items":2},"meta":{"mode":"async"}}'
)


clock = time.thread_time


def rate(function, seconds):
    """Calls per second of function() over about `seconds` of the clock, in batches."""
    n = 0
    batch = 200
    start = clock()
    deadline = start + seconds
    while True:
        for _ in range(batch):
            function()
        n += batch
        now = clock()
        if now >= deadline:
            return n / (now - start)


def measure(bits, seconds, rounds):
    private = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    public = private.public_key()
    signature = private.sign(BODY, padding.PKCS1v15(), hashes.SHA512())
    signature_text = base64.b64encode(signature).decode("ascii")
    spki = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    key = whsig.PublicKey(spki)
    assert whsig.verify(key, "sha512", BODY, signature_text)
    pkcs1, sha512 = padding.PKCS1v15(), hashes.SHA512()
    public.verify(signature, BODY, pkcs1, sha512)
    b64decode, verify = base64.b64decode, whsig.verify

    contenders = {
        "whsig": lambda: verify(key, "sha512", BODY, signature_text),
        "pyca+b64": lambda: public.verify(b64decode(signature_text), BODY, pkcs1, sha512),
        "pyca": lambda: public.verify(signature, BODY, pkcs1, sha512),
    }
    best = {name: 0.0 for name in contenders}
    for _ in range(rounds):
        for name, function in contenders.items():
            best[name] = max(best[name], rate(function, seconds))
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=0.5, help="length of one timed run (0.5)")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds; the best of each counts (5)")
    parser.add_argument("--wall", action="store_true", help="time with the wall clock, not the thread's CPU time")
    options = parser.parse_args()
    global clock
    if options.wall:
        clock = time.perf_counter
    print("whsig %s (%s), body %d bytes, best of %d x %.1f s (%s)" % (
        whsig.version(), whsig.library_path(), len(BODY), options.rounds, options.seconds,
        "wall clock" if options.wall else "thread CPU time"))
    print("%5s %12s %12s %12s %14s %10s" % ("bits", "whsig/s", "pyca+b64/s", "pyca/s", "vs pyca+b64", "vs pyca"))
    for bits in (1024, 2048):
        best = measure(bits, options.seconds, options.rounds)
        print("%5d %12.0f %12.0f %12.0f %13.2fx %9.2fx" % (
            bits, best["whsig"], best["pyca+b64"], best["pyca"],
            best["whsig"] / best["pyca+b64"], best["whsig"] / best["pyca"]))


if __name__ == "__main__":
    main()
