"""whsig: verify and create webhook signatures through libwhsig (ctypes).

A single file to copy next to your code. It needs libwhsig, installed with
``scripts/install-c-library PREFIX`` from swift-webhook-signature, and nothing else.

    import whsig
    key = whsig.PublicKey(open("platform-key.pem").read())
    if not whsig.verify(key, "sha512", raw_body, request.headers["fluent-signature"]):
        return 401

The library is found through the ``WHSIG_LIBRARY`` environment variable (a path to
libwhsig.so), else ``ctypes.util.find_library("whsig")`` (the system's library path,
``LD_LIBRARY_PATH``). Keys are immutable and may be shared between threads.
"""

import ctypes
import ctypes.util
import os
import threading

__all__ = [
    "WhsigError",
    "PublicKey",
    "PrivateKey",
    "verify",
    "sign",
    "digest",
    "canonicalize",
    "version",
    "MD5_WITH_RSA",
    "SHA512_WITH_RSA",
]

#: whsig_algorithm values.
MD5_WITH_RSA = 1
SHA512_WITH_RSA = 2

OK = 0
INVALID_SIGNATURE = 1
ERR_BUFFER_TOO_SMALL = -102

_ALGORITHMS = {
    "md5": MD5_WITH_RSA,
    "md5withrsa": MD5_WITH_RSA,
    "flex.signature": MD5_WITH_RSA,
    "sha512": SHA512_WITH_RSA,
    "sha-512": SHA512_WITH_RSA,
    "sha512withrsa": SHA512_WITH_RSA,
    "fluent-signature": SHA512_WITH_RSA,
}
_BACKENDS = {"openssl": 1, "gcrypt": 2}
_MODES = {"raw": 0, "compact": 1, "jcs": 2}


class WhsigError(Exception):
    """A call into libwhsig failed.

    ``status`` is the negative whsig_status (e.g. -14), ``name`` its stable name
    (``"private_key_given"``) and ``detail`` the library's sentence (whsig_last_error()).
    """

    def __init__(self, status, name, detail):
        super().__init__("%s (%d): %s" % (name, status, detail) if detail else "%s (%d)" % (name, status))
        self.status = status
        self.name = name
        self.detail = detail


_lib = None
_lib_lock = threading.Lock()


def _load():
    global _lib
    if _lib is not None:
        return _lib
    with _lib_lock:
        if _lib is not None:
            return _lib
        path = os.environ.get("WHSIG_LIBRARY") or ctypes.util.find_library("whsig")
        if not path:
            raise OSError(
                "libwhsig not found: set WHSIG_LIBRARY to the path of libwhsig.so "
                "or install it where the dynamic linker looks (scripts/install-c-library PREFIX)"
            )
        lib = ctypes.CDLL(path)
        c_char_p, c_size_t, c_int32, c_void_p = ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int32, ctypes.c_void_p
        p_size_t = ctypes.POINTER(c_size_t)
        p_void_p = ctypes.POINTER(c_void_p)
        signatures = {
            "whsig_version": (c_char_p, []),
            "whsig_status_string": (c_char_p, [c_int32]),
            "whsig_last_error": (c_char_p, []),
            "whsig_public_key_parse_with_backend": (c_int32, [c_char_p, c_size_t, ctypes.c_int, p_void_p]),
            "whsig_public_key_free": (None, [c_void_p]),
            "whsig_public_key_fingerprint": (c_int32, [c_void_p, c_char_p]),
            "whsig_private_key_parse_with_backend": (c_int32, [c_char_p, c_size_t, ctypes.c_int, p_void_p]),
            "whsig_private_key_free": (None, [c_void_p]),
            "whsig_verify": (c_int32, [c_void_p, ctypes.c_int, c_char_p, c_size_t, c_char_p, c_size_t]),
            "whsig_sign": (c_int32, [c_void_p, ctypes.c_int, c_char_p, c_size_t, c_char_p, c_size_t, p_size_t]),
            "whsig_digest": (c_int32, [ctypes.c_int, c_char_p, c_size_t, c_char_p, c_size_t, p_size_t]),
            "whsig_canonicalize": (c_int32, [ctypes.c_int, c_char_p, c_size_t, c_char_p, c_size_t, p_size_t]),
        }
        for name, (restype, argtypes) in signatures.items():
            function = getattr(lib, name)
            function.restype = restype
            function.argtypes = argtypes
        _lib = lib
        return lib


def _bytes(value, what):
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError("%s must be str or bytes, not %s" % (what, type(value).__name__))


def _algorithm(value):
    if isinstance(value, int):
        return value
    try:
        return _ALGORITHMS[str(value).lower()]
    except KeyError:
        raise ValueError("unknown algorithm %r (use 'sha512' or 'md5')" % (value,)) from None


def _error(status):
    lib = _load()
    # Read the detail before any other call on this thread replaces it.
    detail = lib.whsig_last_error().decode("utf-8", "replace")
    return WhsigError(status, lib.whsig_status_string(status).decode(), detail)


def _check(status):
    if status < 0:
        raise _error(status)
    return status


def version():
    """The library's version, e.g. ``"0.1.0"``."""
    return _load().whsig_version().decode()


class _Handle:
    """A library handle freed by ``close()``, by ``with``, or when garbage-collected."""

    def close(self):
        handle, self._handle = getattr(self, "_handle", None), None
        if handle:
            self._free(handle)

    __del__ = close

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class PublicKey(_Handle):
    """An RSA public key: x509 base64, PEM (PUBLIC KEY, RSA PUBLIC KEY, CERTIFICATE), JWK or DER bytes."""

    def __init__(self, text, backend="openssl"):
        lib = _load()
        data = _bytes(text, "text")
        handle = ctypes.c_void_p()
        _check(lib.whsig_public_key_parse_with_backend(data, len(data), _BACKENDS[backend], ctypes.byref(handle)))
        self._handle = handle
        self._free = lib.whsig_public_key_free

    @property
    def fingerprint(self):
        """The key id: SHA-256 of the SubjectPublicKeyInfo DER, 64 hex digits."""
        out = ctypes.create_string_buffer(65)
        _check(_load().whsig_public_key_fingerprint(self._handle, out))
        return out.value.decode()

    def verify(self, algorithm, body, signature):
        return verify(self, algorithm, body, signature)


    def __repr__(self):
        return "PublicKey(%s)" % self.fingerprint


class PrivateKey(_Handle):
    """An RSA private key: PKCS#8 (PEM, base64, DER), PKCS#1 PEM/DER or a private JWK. Not encrypted."""

    def __init__(self, text, backend="openssl"):
        lib = _load()
        data = _bytes(text, "text")
        handle = ctypes.c_void_p()
        _check(lib.whsig_private_key_parse_with_backend(data, len(data), _BACKENDS[backend], ctypes.byref(handle)))
        self._handle = handle
        self._free = lib.whsig_private_key_free

    def sign(self, algorithm, body):
        return sign(self, algorithm, body)



def verify(key, algorithm, body, signature):
    """Whether ``signature`` (base64 text, a header value) verifies over ``body`` (the raw bytes).

    ``algorithm`` is ``"sha512"`` (header fluent-signature) or ``"md5"`` (flex.signature), or
    SHA512_WITH_RSA / MD5_WITH_RSA. Returns False for every signature that does not verify,
    including text that is not base64 (trim header values first); raises WhsigError only for a
    misuse or a crypto failure.
    """
    if key._handle is None:
        raise ValueError("the key is closed")
    data = _bytes(body, "body")
    text = _bytes(signature, "signature")
    status = _check(_load().whsig_verify(key._handle, _algorithm(algorithm), data, len(data), text, len(text)))
    return status == OK


def sign(key, algorithm, body):
    """The base64 signature of ``body`` (bytes or str, UTF-8) with a PrivateKey."""
    if key._handle is None:
        raise ValueError("the key is closed")
    lib = _load()
    data = _bytes(body, "body")
    needed = ctypes.c_size_t(0)
    status = lib.whsig_sign(key._handle, _algorithm(algorithm), data, len(data), None, 0, ctypes.byref(needed))
    if status != ERR_BUFFER_TOO_SMALL:
        _check(status)
    out = ctypes.create_string_buffer(needed.value + 1)
    length = ctypes.c_size_t(0)
    _check(lib.whsig_sign(key._handle, _algorithm(algorithm), data, len(data), out, len(out), ctypes.byref(length)))
    return out.raw[: length.value].decode("ascii")


def digest(algorithm, body):
    """The MD5 or SHA-512 digest the algorithm signs, as bytes."""
    lib = _load()
    data = _bytes(body, "body")
    out = ctypes.create_string_buffer(64)
    length = ctypes.c_size_t(0)
    _check(lib.whsig_digest(_algorithm(algorithm), data, len(data), out, len(out), ctypes.byref(length)))
    return out.raw[: length.value]


def canonicalize(mode, body):
    """The canonical bytes of ``body`` under ``mode``: ``"raw"``, ``"compact"`` or ``"jcs"``."""
    lib = _load()
    data = _bytes(body, "body")
    capacity = 2 * len(data) + 64
    while True:
        out = ctypes.create_string_buffer(capacity)
        length = ctypes.c_size_t(0)
        status = lib.whsig_canonicalize(_MODES[mode], data, len(data), out, capacity, ctypes.byref(length))
        if status == ERR_BUFFER_TOO_SMALL:
            capacity = length.value
            continue
        _check(status)
        return out.raw[: length.value]
