"""whsig: verify and create webhook signatures through libwhsig (ctypes).

The wheel built by ``scripts/build-python-wheel`` carries libwhsig next to this file, so
``pip install whsig-*.whl`` is all a receiver needs (plus the system's libcrypto 3 and libgcrypt)::

    import whsig
    key = whsig.PublicKey(open("platform-key.b64").read())
    if not whsig.verify(key, "sha512", raw_body, request.headers["fluent-signature"]):
        return 401

    verdict = whsig.verify_webhook(key, request.headers, raw_body)   # any headers mapping
    if not verdict:
        return 401, verdict.reason

The library is the one named by the ``WHSIG_LIBRARY`` environment variable (a path to
libwhsig.so) when it is set, else the copy bundled in the wheel, else
``ctypes.util.find_library("whsig")`` (the system's library path). Keys and keyrings are
immutable and may be shared between threads.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import platform
import threading
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Optional, Tuple, Union

__all__ = [
    "WhsigError",
    "PublicKey",
    "PrivateKey",
    "Keyring",
    "Verdict",
    "verify",
    "verify_webhook",
    "headers_from_environ",
    "sign",
    "digest",
    "canonicalize",
    "version",
    "library_path",
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
    MD5_WITH_RSA: MD5_WITH_RSA,
    SHA512_WITH_RSA: SHA512_WITH_RSA,
}
_BACKENDS = {"openssl": 1, "gcrypt": 2}
_MODES = {"raw": 0, "compact": 1, "jcs": 2}
_POLICY_ALLOW_MD5 = 1
_POLICY_REQUIRE_BOTH = 2
_BUNDLED = "libwhsig.so.1"

Text = Union[str, bytes, bytearray, memoryview]
Algorithm = Union[str, int]
Headers = Union[Mapping[Any, Any], Iterable[Tuple[Any, Any]]]


class WhsigError(Exception):
    """A call into libwhsig failed.

    ``status`` is the negative whsig_status (e.g. -14), ``name`` its stable name
    (``"private_key_given"``) and ``detail`` the library's sentence (whsig_last_error()).
    """

    def __init__(self, status: int, name: str, detail: str) -> None:
        super().__init__("%s (%d): %s" % (name, status, detail) if detail else "%s (%d)" % (name, status))
        self.status = status
        self.name = name
        self.detail = detail


# --- Loading the library ---------------------------------------------------------------------------

_lib: Optional[ctypes.CDLL] = None
_lib_path: Optional[str] = None
_lib_lock = threading.Lock()
# The hot functions, bound once at load (a module global is the cheapest lookup on each call).
_c_verify: Any = None
_c_verify_untyped: Any = None
_c_last_error: Any = None
# Whether verify may call whsig_verify without argtypes, passing lengths as plain ints: ctypes
# then passes them as C int, and libffi widens (sign-extends) an int argument to the full 64-bit
# register on x86-64 and AArch64, so a length below 2**31 arrives intact as a size_t. The
# argtypes conversion costs about 0.35 us per call, a tenth of a 1024-bit verification
# (python/bench.py); other machines, and longer inputs, take the declared-argtypes path.
_UNTYPED_CALLS = platform.machine().lower() in ("x86_64", "amd64", "aarch64", "arm64")
_INT_MAX = 0x7FFFFFFF


def library_path() -> str:
    """The path of the libwhsig this module uses (loading it if needed)."""
    _load()
    assert _lib_path is not None
    return _lib_path


def _find() -> str:
    override = os.environ.get("WHSIG_LIBRARY")
    if override:
        return override
    bundled = os.path.join(os.path.dirname(os.path.abspath(__file__)), _BUNDLED)
    if os.path.exists(bundled):
        return bundled
    found = ctypes.util.find_library("whsig")
    if found:
        return found
    raise OSError(
        "libwhsig not found: install the whsig wheel (scripts/build-python-wheel), set WHSIG_LIBRARY "
        "to the path of libwhsig.so, or install it where the dynamic linker looks (scripts/install-c-library PREFIX)"
    )


def _load() -> ctypes.CDLL:
    global _lib, _lib_path, _c_verify, _c_last_error
    if _lib is not None:
        return _lib
    with _lib_lock:
        if _lib is not None:
            return _lib
        path = _find()
        lib = ctypes.CDLL(path)
        c_char_p, c_size_t, c_int32, c_void_p = ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int32, ctypes.c_void_p
        c_uint32, c_int = ctypes.c_uint32, ctypes.c_int
        p_size_t = ctypes.POINTER(c_size_t)
        p_void_p = ctypes.POINTER(c_void_p)
        signatures = {
            "whsig_version": (c_char_p, []),
            "whsig_status_string": (c_char_p, [c_int32]),
            "whsig_last_error": (c_char_p, []),
            "whsig_public_key_parse_with_backend": (c_int32, [c_char_p, c_size_t, c_int, p_void_p]),
            "whsig_public_key_free": (None, [c_void_p]),
            "whsig_public_key_fingerprint": (c_int32, [c_void_p, c_char_p]),
            "whsig_private_key_parse_with_backend": (c_int32, [c_char_p, c_size_t, c_int, p_void_p]),
            "whsig_private_key_free": (None, [c_void_p]),
            # Handles travel as plain ints (c_void_p converts an int without building an object).
            "whsig_verify": (c_int32, [c_void_p, c_int, c_char_p, c_size_t, c_char_p, c_size_t]),
            "whsig_sign": (c_int32, [c_void_p, c_int, c_char_p, c_size_t, c_char_p, c_size_t, p_size_t]),
            "whsig_digest": (c_int32, [c_int, c_char_p, c_size_t, c_char_p, c_size_t, p_size_t]),
            "whsig_canonicalize": (c_int32, [c_int, c_char_p, c_size_t, c_char_p, c_size_t, p_size_t]),
            "whsig_keyring_load_json_with_backend": (c_int32, [c_char_p, c_size_t, c_int, p_void_p]),
            "whsig_keyring_from_public_key": (c_int32, [c_void_p, p_void_p]),
            "whsig_keyring_free": (None, [c_void_p]),
            "whsig_keyring_count": (c_size_t, [c_void_p]),
            "whsig_verify_webhook_verdict": (
                c_int32,
                [c_void_p, c_uint32, c_int, ctypes.POINTER(c_char_p), p_size_t, ctypes.POINTER(c_char_p), p_size_t,
                 c_size_t, c_char_p, c_size_t, c_char_p, c_char_p],
            ),
        }
        for name, (restype, argtypes) in signatures.items():
            function = getattr(lib, name)
            function.restype = restype
            function.argtypes = argtypes
        _c_verify = lib.whsig_verify
        _c_last_error = lib.whsig_last_error
        # The same function without argtypes, for verify's fast path (a new object: lib[...] is not cached).
        global _c_verify_untyped
        _c_verify_untyped = lib["whsig_verify"]
        _c_verify_untyped.restype = c_int32
        _lib_path = path
        _lib = lib
        return lib


def _bytes(value: Text, what: str) -> bytes:
    if type(value) is bytes:
        return value
    if isinstance(value, str):
        # surrogatepass: every str encodes (never an exception); stray surrogates become bytes the
        # library judges like any other input.
        return value.encode("utf-8", "surrogatepass")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError("%s must be str or bytes, not %s" % (what, type(value).__name__))


def _algorithm(value: Algorithm) -> int:
    try:
        return _ALGORITHMS[value]
    except (KeyError, TypeError):
        pass
    if isinstance(value, int) and -(2**31) <= value < 2**31:
        return value  # passed through: the library names an unknown value (unknown_algorithm)
    if isinstance(value, int):
        raise ValueError("unknown algorithm %d (use SHA512_WITH_RSA or MD5_WITH_RSA)" % value)
    try:
        return _ALGORITHMS[str(value).lower()]
    except KeyError:
        raise ValueError("unknown algorithm %r (use 'sha512' or 'md5')" % (value,)) from None


def _choice(table: Mapping[str, int], value: str, what: str) -> int:
    try:
        return table[value]
    except KeyError:
        raise ValueError("unknown %s %r (use one of %s)" % (what, value, ", ".join(sorted(table)))) from None


def _error(status: int) -> WhsigError:
    lib = _load()
    # Read the detail before any other call on this thread replaces it.
    detail = lib.whsig_last_error().decode("utf-8", "replace")
    return WhsigError(status, lib.whsig_status_string(status).decode(), detail)


def _check(status: int) -> int:
    if status < 0:
        raise _error(status)
    return status


def version() -> str:
    """The library's version, e.g. ``"0.1.0"``."""
    text: bytes = _load().whsig_version()
    return text.decode()


# --- Handles ------------------------------------------------------------------------------------------


class _Handle:
    """A library handle (an int) freed by ``close()``, by ``with``, or when garbage-collected."""

    _handle: Optional[int] = None
    _pointer: Optional[ctypes.c_void_p] = None
    _free: Any = None

    def _adopt(self, handle: ctypes.c_void_p, free: Any) -> None:
        self._handle = handle.value
        self._pointer = handle  # the same address as a ctypes object, for calls without argtypes
        self._free = free

    def close(self) -> None:
        """Releases the library's handle now; the object is unusable afterwards."""
        handle, self._handle, self._pointer = self._handle, None, None
        if handle:
            self._free(handle)

    def __del__(self) -> None:
        self.close()

    def __enter__(self):  # type: ignore[no-untyped-def]
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _live(self) -> int:
        handle = self._handle
        if handle is None:
            raise ValueError("the %s is closed" % type(self).__name__)
        return handle


class PublicKey(_Handle):
    """An RSA public key: x509 base64, PEM (PUBLIC KEY, RSA PUBLIC KEY, CERTIFICATE), JWK or DER bytes."""

    def __init__(self, text: Text, backend: str = "openssl") -> None:
        lib = _load()
        data = _bytes(text, "text")
        handle = ctypes.c_void_p()
        _check(lib.whsig_public_key_parse_with_backend(data, len(data), _choice(_BACKENDS, backend, "backend"),
                                                       ctypes.byref(handle)))
        self._adopt(handle, lib.whsig_public_key_free)
        self._ring: Optional[Keyring] = None
        self._ring_lock = threading.Lock()

    @property
    def fingerprint(self) -> str:
        """The key id: SHA-256 of the SubjectPublicKeyInfo DER, 64 hex digits."""
        out = ctypes.create_string_buffer(65)
        _check(_load().whsig_public_key_fingerprint(self._live(), out))
        return out.value.decode()

    def verify(self, algorithm: Algorithm, body: Text, signature: Text) -> bool:
        """Whether ``signature`` verifies over ``body``; see :func:`whsig.verify`."""
        return verify(self, algorithm, body, signature)

    def keyring(self) -> "Keyring":
        """A keyring that trusts only this key (made once, then reused)."""
        with self._ring_lock:
            if self._ring is None:
                self._ring = Keyring.from_public_key(self)
            return self._ring

    def __repr__(self) -> str:
        return "PublicKey(%s)" % (self.fingerprint if self._handle else "closed")


class PrivateKey(_Handle):
    """An RSA private key: PKCS#8 (PEM, base64, DER), PKCS#1 PEM/DER or a private JWK. Not encrypted."""

    def __init__(self, text: Text, backend: str = "openssl") -> None:
        lib = _load()
        data = _bytes(text, "text")
        handle = ctypes.c_void_p()
        _check(lib.whsig_private_key_parse_with_backend(data, len(data), _choice(_BACKENDS, backend, "backend"),
                                                        ctypes.byref(handle)))
        self._adopt(handle, lib.whsig_private_key_free)

    def sign(self, algorithm: Algorithm, body: Text) -> str:
        """The base64 signature of ``body``; see :func:`whsig.sign`."""
        return sign(self, algorithm, body)

    def __repr__(self) -> str:
        return "PrivateKey(%s)" % ("open" if self._handle else "closed")


class Keyring(_Handle):
    """A set of trusted public keys with validity windows, for :func:`verify_webhook`.

    Build one from a keyring document (the JSON ``whsig keyring`` writes, version 1), or from
    one key with :meth:`from_public_key`. Every active key is tried: no header says which key signed.
    """

    def __init__(self, json_text: Text, backend: str = "openssl") -> None:
        lib = _load()
        data = _bytes(json_text, "json_text")
        handle = ctypes.c_void_p()
        _check(lib.whsig_keyring_load_json_with_backend(data, len(data), _choice(_BACKENDS, backend, "backend"),
                                                        ctypes.byref(handle)))
        self._adopt(handle, lib.whsig_keyring_free)

    @classmethod
    def load(cls, path: Union[str, "os.PathLike[str]"], backend: str = "openssl") -> "Keyring":
        """Reads a keyring document from a file."""
        with open(path, "rb") as f:
            return cls(f.read(), backend=backend)

    @classmethod
    def from_public_key(cls, key: PublicKey) -> "Keyring":
        """A keyring that trusts one key, with no validity window."""
        lib = _load()
        ring = cls.__new__(cls)
        handle = ctypes.c_void_p()
        _check(lib.whsig_keyring_from_public_key(key._live(), ctypes.byref(handle)))
        ring._adopt(handle, lib.whsig_keyring_free)
        return ring

    def __len__(self) -> int:
        return int(_load().whsig_keyring_count(self._live()))

    def __repr__(self) -> str:
        return "Keyring(%s)" % ("%d keys" % len(self) if self._handle else "closed")


# --- Verifying and signing ----------------------------------------------------------------------------


def verify(key: PublicKey, algorithm: Algorithm, body: Text, signature: Text) -> bool:
    """Whether ``signature`` (base64 text, a header value) verifies over ``body`` (the raw bytes).

    ``algorithm`` is ``"sha512"`` (header fluent-signature) or ``"md5"`` (flex.signature), or
    SHA512_WITH_RSA / MD5_WITH_RSA. Returns False for every signature that does not verify,
    including text that is not base64 (surrounding ASCII whitespace is ignored by the library);
    raises WhsigError only for a misuse or a crypto failure.
    """
    # The hot path: every step here costs on each call (python/bench.py measures it).
    pointer = key._pointer
    if pointer is None:
        raise ValueError("the PublicKey is closed")
    try:
        algorithm_value = _ALGORITHMS[algorithm]
    except (KeyError, TypeError):
        algorithm_value = _algorithm(algorithm)
    if type(body) is not bytes:
        body = _bytes(body, "body")
    if type(signature) is str:
        text: str = signature  # narrowed by the type() test
        try:
            signature = text.encode()
        except UnicodeEncodeError:  # a lone surrogate: judged by the library like any other byte
            signature = text.encode("utf-8", "surrogatepass")
    elif type(signature) is not bytes:
        signature = _bytes(signature, "signature")
    body_len = len(body)
    signature_len = len(signature)
    if _UNTYPED_CALLS and body_len <= _INT_MAX and signature_len <= _INT_MAX:
        status = _c_verify_untyped(pointer, algorithm_value, body, body_len, signature, signature_len)
    else:
        status = _c_verify(key._handle, algorithm_value, body, body_len, signature, signature_len)
    if status == OK:
        return True
    if status == INVALID_SIGNATURE:
        return False
    raise _error(status)


def sign(key: PrivateKey, algorithm: Algorithm, body: Text) -> str:
    """The base64 signature of ``body`` (bytes or str, UTF-8) with a PrivateKey."""
    handle = key._live()
    lib = _load()
    data = _bytes(body, "body")
    algorithm_value = _algorithm(algorithm)
    needed = ctypes.c_size_t(0)
    status = lib.whsig_sign(handle, algorithm_value, data, len(data), None, 0, ctypes.byref(needed))
    if status != ERR_BUFFER_TOO_SMALL:
        _check(status)
    out = ctypes.create_string_buffer(needed.value + 1)
    length = ctypes.c_size_t(0)
    _check(lib.whsig_sign(handle, algorithm_value, data, len(data), out, len(out), ctypes.byref(length)))
    return out.raw[: length.value].decode("ascii")


def digest(algorithm: Algorithm, body: Text) -> bytes:
    """The MD5 or SHA-512 digest the algorithm signs, as bytes."""
    lib = _load()
    data = _bytes(body, "body")
    out = ctypes.create_string_buffer(64)
    length = ctypes.c_size_t(0)
    _check(lib.whsig_digest(_algorithm(algorithm), data, len(data), out, len(out), ctypes.byref(length)))
    return out.raw[: length.value]


def canonicalize(mode: str, body: Text) -> bytes:
    """The canonical bytes of ``body`` under ``mode``: ``"raw"``, ``"compact"`` or ``"jcs"``."""
    lib = _load()
    data = _bytes(body, "body")
    mode_value = _choice(_MODES, mode, "canonical mode")
    capacity = 2 * len(data) + 64
    while True:
        out = ctypes.create_string_buffer(capacity)
        length = ctypes.c_size_t(0)
        status = lib.whsig_canonicalize(mode_value, data, len(data), out, capacity, ctypes.byref(length))
        if status == ERR_BUFFER_TOO_SMALL:
            capacity = length.value
            continue
        _check(status)
        return out.raw[: length.value]


# --- Whole deliveries -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """The verdict on one delivery. True in a boolean context when the delivery is accepted.

    ``code`` is None when valid, else the stable failure code (``"body_mismatch"``,
    ``"no_signature_header"``, ``"policy_not_met"``, ...); ``reason`` the library's sentence;
    ``key_id`` the id (64 hex digits) of the key that verified it, None when not valid.
    """

    valid: bool
    code: Optional[str]
    reason: str
    key_id: Optional[str]

    def __bool__(self) -> bool:
        return self.valid


def headers_from_environ(environ: Mapping[str, Any]) -> "list[tuple[str, str]]":
    """The request headers of a WSGI environ, as (name, value) pairs.

    ``HTTP_FLUENT_SIGNATURE`` becomes ``fluent-signature``. WSGI servers keep the dot of
    ``flex.signature`` (``HTTP_FLEX.SIGNATURE``) or drop the header; both are handled.
    """
    pairs = []
    for name, value in environ.items():
        if isinstance(name, str) and name.startswith("HTTP_"):
            pairs.append((name[5:].replace("_", "-").lower(), value))
    return pairs


def _is_environ(headers: Any) -> bool:
    return isinstance(headers, Mapping) and ("wsgi.version" in headers or "REQUEST_METHOD" in headers)


def _header_text(value: Any) -> bytes:
    if isinstance(value, str):
        # WSGI hands header values decoded as latin-1: a signature is ASCII either way.
        return value.encode("utf-8", "surrogatepass")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError("header names and values must be str or bytes, not %s" % type(value).__name__)


def verify_webhook(
    key_or_keyring: Union[PublicKey, Keyring],
    headers: Headers,
    body: Text,
    *,
    allow_md5: bool = False,
    require_both: bool = False,
    canonical: str = "raw",
) -> Verdict:
    """Verifies a whole delivery: its request headers and raw body, against a key or a keyring.

    ``headers`` is anything with ``.items()`` (a dict, Flask's ``request.headers``, Django's
    ``request.headers`` or ``request.META``, a WSGI environ) or an iterable of (name, value)
    pairs; names match in any case and headers other than ``fluent-signature`` and
    ``flex.signature`` are ignored. The default policy requires ``fluent-signature``
    (SHA512withRSA); ``allow_md5`` lets ``flex.signature`` count, ``require_both`` requires both.
    ``canonical`` is ``"raw"`` (the exact bytes, the usual case), ``"compact"`` or ``"jcs"``.

    Returns a :class:`Verdict`; raises WhsigError only for a misuse (or a body that is not JSON
    under ``"compact"``/``"jcs"``).
    """
    if isinstance(key_or_keyring, PublicKey):
        ring = key_or_keyring.keyring()
    elif isinstance(key_or_keyring, Keyring):
        ring = key_or_keyring
    else:
        raise TypeError("verify_webhook needs a PublicKey or a Keyring, not %s" % type(key_or_keyring).__name__)
    handle = ring._live()
    if _is_environ(headers):
        pairs: Iterable[Tuple[Any, Any]] = headers_from_environ(headers)  # type: ignore[arg-type]
    elif hasattr(headers, "items"):
        pairs = headers.items()
    else:
        pairs = headers
    names = []
    values = []
    for name, value in pairs:
        name_bytes = _header_text(name)
        if name_bytes.lower() in (b"fluent-signature", b"flex.signature"):
            names.append(name_bytes)
            values.append(_header_text(value))
    flags = (_POLICY_ALLOW_MD5 if allow_md5 else 0) | (_POLICY_REQUIRE_BOTH if require_both else 0)
    mode = _choice(_MODES, canonical, "canonical mode")
    data = _bytes(body, "body")
    count = len(names)
    name_array = (ctypes.c_char_p * count)(*names)
    value_array = (ctypes.c_char_p * count)(*values)
    name_lens = (ctypes.c_size_t * count)(*[len(n) for n in names])
    value_lens = (ctypes.c_size_t * count)(*[len(v) for v in values])
    key_id = ctypes.create_string_buffer(65)
    code = ctypes.create_string_buffer(64)
    status = _load().whsig_verify_webhook_verdict(
        handle, flags, mode, name_array, name_lens, value_array, value_lens, count, data, len(data), key_id, code
    )
    if status == OK:
        return Verdict(True, None, "", key_id.value.decode("ascii"))
    if status == INVALID_SIGNATURE:
        reason = _c_last_error().decode("utf-8", "replace")
        return Verdict(False, code.value.decode("ascii") or "invalid_signature", reason, None)
    raise _error(status)
