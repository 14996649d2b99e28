"""Verifies a webhook body against its fluent-signature with libwhsig through the whsig Python package.

Usage: python3 verify_delivery.py PUBLIC_KEY_FILE BODY_FILE SIGNATURE_BASE64
"""
import sys

import whsig

key_file, body_file, signature = sys.argv[1:4]
key = whsig.PublicKey(open(key_file).read())
body = open(body_file, "rb").read()
print("fluent-signature:", "valid" if whsig.verify(key, "sha512", body, signature) else "invalid")
print("with a trailing newline:", "valid" if whsig.verify(key, "sha512", body + b"\n", signature) else "invalid")
