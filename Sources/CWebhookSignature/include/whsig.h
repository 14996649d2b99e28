/*
 * whsig.h - C interface of swift-webhook-signature (libwhsig).
 *
 * Verifies and creates the RSA signatures a webhook platform sends in the
 * `fluent-signature` (SHA512withRSA) and `flex.signature` (MD5withRSA)
 * headers: RSASSA-PKCS1-v1_5 over the raw body bytes, base64 encoded.
 *
 * Build:   cc app.c $(pkg-config --cflags --libs whsig)
 * C99 or later, or C++11 or later. Link with -lwhsig.
 *
 * CONVENTIONS (they hold for every function below unless it says otherwise)
 *
 *  - Status codes. Functions return a whsig_status: WHSIG_OK (0) on success,
 *    WHSIG_INVALID_SIGNATURE (1) when a well-formed call finds that a signature
 *    does not verify, and a negative WHSIG_ERR_* value on error. Test errors
 *    with `status < 0`. Error numbers are stable across releases and new ones
 *    may be added: handle unknown negative values. whsig_status_string()
 *    names any value.
 *
 *  - Error detail. Every function that returns a whsig_status also sets the
 *    calling thread's detail text, read with whsig_last_error(): a sentence
 *    explaining an error or an invalid verdict, or "" after WHSIG_OK.
 *
 *  - Lengths. Every input is a pointer plus a length in bytes; nothing needs
 *    to be NUL-terminated and input may contain NUL bytes. A pointer may be
 *    NULL only when its length is 0. A NULL pointer with a non-zero length,
 *    or a NULL handle or output pointer, gives WHSIG_ERR_NULL_ARGUMENT; an
 *    enum argument outside its values gives the matching WHSIG_ERR_UNKNOWN_*.
 *    An input length above SIZE_MAX / 2 gives WHSIG_ERR_INPUT_TOO_LARGE (an
 *    output capacity above it counts as unlimited). No input makes the
 *    library crash, as long as each pointer really has the length given.
 *
 *  - Output buffers. Functions that write a variable amount take the buffer,
 *    its capacity in bytes and `size_t *out_len`. When the buffer is too
 *    small they write nothing, set *out_len to the size needed and return
 *    WHSIG_ERR_BUFFER_TOO_SMALL. The buffer may be NULL when the capacity is
 *    0, which asks for the size only.
 *
 *  - Ownership. Handles (whsig_public_key, whsig_private_key, whsig_keyring)
 *    are created by the *_parse*, *_load_json* and *_from_public_key
 *    functions (which set the handle to NULL when they fail) and are owned
 *    by the caller, who releases each exactly once with the matching *_free
 *    function (which accepts NULL). The library keeps no pointer to any
 *    argument after a call returns. Strings returned as `const char *` are
 *    owned by the library.
 *
 *  - Threads. Every function is thread-safe. Handles are immutable after
 *    creation: one handle may be used from any number of threads at once,
 *    but must not be freed while another thread still uses it.
 *
 *  - Unloading. Unloading the library with dlclose() while threads that
 *    called it are still alive is not supported: each such thread holds
 *    per-thread state (the whsig_last_error() text, the Swift runtime's
 *    thread-local data) whose destructors live in the library. Load it once
 *    and keep it loaded for the life of the process.
 *
 *  - Key material. Buffers the library allocates to decode key text (the
 *    copy of the input, the base64-decoded DER) are overwritten with zeros
 *    (explicit_bzero) when parsing ends, whether it succeeds or not. Not
 *    wiped: the caller's own buffers (wipe them yourself), and the parsed
 *    private key's numbers inside a whsig_private_key and the crypto
 *    library's copy of them, which live until whsig_private_key_free (Swift
 *    arrays may be copied, so no wipe can promise to reach every copy).
 *
 *  - libgcrypt. If the host program initialised libgcrypt before the first
 *    call that uses it, the library changes none of its settings (secure
 *    memory stays as the host configured it). Otherwise it initialises
 *    libgcrypt itself, with secure memory disabled.
 *
 *  - Runtime. The library contains its own copy of the Swift runtime (linked
 *    statically, all of it hidden) and exports only the whsig_* functions;
 *    it depends on libc, libm, libstdc++, libgcc_s, libcrypto (OpenSSL 3)
 *    and libgcrypt. Swift programs should use the Swift package instead.
 */
#ifndef WHSIG_H
#define WHSIG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Status codes                                                             */
/* ------------------------------------------------------------------------ */

/** Result of a call: WHSIG_OK, WHSIG_INVALID_SIGNATURE or a negative error. */
typedef int32_t whsig_status;

/** Success; for verification: the signature verifies. */
#define WHSIG_OK 0
/** The call was well formed but the signature does not verify (not an error). */
#define WHSIG_INVALID_SIGNATURE 1

/*
 * Errors from the Swift library: the negated WebhookSignatureError.Code
 * numbers. whsig_status_string() returns the code's stable name. The numbers
 * -22, -27 and -33 are retired: no release returns them, none reuses them.
 */
/** A required input was empty ("empty_input"). */
#define WHSIG_ERR_EMPTY_INPUT (-2)
/** Text that should be base64 is not standard padded base64 ("not_base64"). */
#define WHSIG_ERR_NOT_BASE64 (-3)
/** Bytes that should be DER do not parse as the expected structure ("not_der"). */
#define WHSIG_ERR_NOT_DER (-4)
/** A DER structure is followed by stray bytes ("trailing_bytes"). */
#define WHSIG_ERR_TRAILING_BYTES (-5)
/** A DER structure ends before its declared length ("truncated"). */
#define WHSIG_ERR_TRUNCATED (-6)
/** The input is in no format this library reads ("unrecognized_format"). */
#define WHSIG_ERR_UNRECOGNIZED_FORMAT (-7)
/** Malformed PEM armour ("invalid_pem"). */
#define WHSIG_ERR_INVALID_PEM (-8)
/** PEM with a label this library does not read, e.g. OPENSSH PRIVATE KEY ("unsupported_pem_type"). */
#define WHSIG_ERR_UNSUPPORTED_PEM_TYPE (-9)
/** An elliptic-curve key where an RSA key was expected ("ec_key"). */
#define WHSIG_ERR_EC_KEY (-10)
/** An Ed25519/Ed448/X25519/X448 key where an RSA key was expected ("ed25519_key"). */
#define WHSIG_ERR_ED25519_KEY (-11)
/** A DSA key where an RSA key was expected ("dsa_key"). */
#define WHSIG_ERR_DSA_KEY (-12)
/** A key of another or unknown algorithm, including RSA-PSS-only keys ("unsupported_key_algorithm"). */
#define WHSIG_ERR_UNSUPPORTED_KEY_ALGORITHM (-13)
/** A private key given where a public key was expected ("private_key_given"). */
#define WHSIG_ERR_PRIVATE_KEY_GIVEN (-14)
/** A public key or certificate given where a private key was expected ("public_key_given"). */
#define WHSIG_ERR_PUBLIC_KEY_GIVEN (-15)
/** An encrypted private key; decrypt it first ("encrypted_private_key"). */
#define WHSIG_ERR_ENCRYPTED_PRIVATE_KEY (-16)
/** The modulus is shorter than 1024 bits ("key_too_small"). */
#define WHSIG_ERR_KEY_TOO_SMALL (-17)
/** The modulus is longer than 16384 bits ("key_too_large"). */
#define WHSIG_ERR_KEY_TOO_LARGE (-18)
/** The public exponent is even, 1, over 64 bits or not below the modulus ("bad_exponent"). */
#define WHSIG_ERR_BAD_EXPONENT (-19)
/** Inconsistent key components ("invalid_key"). */
#define WHSIG_ERR_INVALID_KEY (-20)
/** A JWK that is not RSA or lacks or mangles a member ("invalid_jwk"). */
#define WHSIG_ERR_INVALID_JWK (-21)
/** The crypto library refused the algorithm, e.g. MD5 under libgcrypt FIPS mode ("algorithm_not_allowed"). */
#define WHSIG_ERR_ALGORITHM_NOT_ALLOWED (-23)
/** The crypto library failed in a way no input explains ("crypto_library_failure"). */
#define WHSIG_ERR_CRYPTO_LIBRARY_FAILURE (-24)
/** Not valid JSON where JSON is required ("invalid_json"). */
#define WHSIG_ERR_INVALID_JSON (-25)
/** JSON nests deeper than the limit, 512 levels ("nesting_too_deep"). */
#define WHSIG_ERR_NESTING_TOO_DEEP (-26)
/** A JSON number is not a finite IEEE 754 double (JCS) ("invalid_number"). */
#define WHSIG_ERR_INVALID_NUMBER (-28)
/** A keyring document that cannot be read or is inconsistent ("invalid_keyring"). */
#define WHSIG_ERR_INVALID_KEYRING (-29)
/** An argument is out of range or contradicts another ("invalid_argument"). */
#define WHSIG_ERR_INVALID_ARGUMENT (-30)
/** An input exceeds a size limit ("input_too_large"). */
#define WHSIG_ERR_INPUT_TOO_LARGE (-31)
/** Text is not valid UTF-8 where UTF-8 is required ("not_utf8"). */
#define WHSIG_ERR_NOT_UTF8 (-32)
/** Key generation failed ("key_generation_failed"). */
#define WHSIG_ERR_KEY_GENERATION_FAILED (-34)

/* Errors of the C interface only (-100 and below never collide with the above). */
/** A required pointer or handle is NULL, or a NULL buffer has a non-zero length ("null_argument"). */
#define WHSIG_ERR_NULL_ARGUMENT (-100)
/** A whsig_algorithm value other than those defined ("unknown_algorithm"). */
#define WHSIG_ERR_UNKNOWN_ALGORITHM (-101)
/** The output buffer is too small; *out_len holds the size needed ("buffer_too_small"). */
#define WHSIG_ERR_BUFFER_TOO_SMALL (-102)
/** An unexpected internal failure; please report it ("internal_error"). */
#define WHSIG_ERR_INTERNAL (-103)
/** A whsig_backend value other than those defined ("unknown_backend"). */
#define WHSIG_ERR_UNKNOWN_BACKEND (-104)
/** A whsig_canonical_mode value other than those defined ("unknown_canonical_mode"). */
#define WHSIG_ERR_UNKNOWN_CANONICAL_MODE (-105)
/** A policy flag bit other than those defined ("unknown_policy_flag"). */
#define WHSIG_ERR_UNKNOWN_POLICY_FLAG (-106)

/* ------------------------------------------------------------------------ */
/* Types                                                                    */
/* ------------------------------------------------------------------------ */

/** An RSA public key (opaque, immutable, shareable between threads). */
typedef struct whsig_public_key whsig_public_key;
/** An RSA private key (opaque, immutable, shareable between threads). */
typedef struct whsig_private_key whsig_private_key;
/** A set of trusted public keys with validity windows (opaque, immutable). */
typedef struct whsig_keyring whsig_keyring;

/** The signature algorithms, both RSASSA-PKCS1-v1_5. */
typedef enum whsig_algorithm {
    /** MD5withRSA, header `flex.signature` (legacy; MD5 is broken for collisions). */
    WHSIG_MD5_WITH_RSA = 1,
    /** SHA512withRSA, header `fluent-signature`. */
    WHSIG_SHA512_WITH_RSA = 2
} whsig_algorithm;

/** The crypto library that performs a key's operations; verdicts are identical. */
typedef enum whsig_backend {
    /** OpenSSL libcrypto (the default, and the faster). */
    WHSIG_BACKEND_OPENSSL = 1,
    /** libgcrypt. */
    WHSIG_BACKEND_GCRYPT = 2
} whsig_backend;

/** How a body is turned into the bytes that are hashed. */
typedef enum whsig_canonical_mode {
    /** The bytes exactly as received (the usual case). */
    WHSIG_CANONICAL_RAW = 0,
    /** Strict RFC 8259 JSON with all whitespace outside strings removed. */
    WHSIG_CANONICAL_COMPACT = 1,
    /** RFC 8785 JSON Canonicalization Scheme. */
    WHSIG_CANONICAL_JCS = 2
} whsig_canonical_mode;

/** Policy flags for whsig_verify_webhook(); 0 is the default policy. */
/** Count `flex.signature` (MD5): a present one must verify, and it suffices alone. */
#define WHSIG_POLICY_ALLOW_MD5 1u
/** Require both headers to be present and to verify (implies counting MD5). */
#define WHSIG_POLICY_REQUIRE_BOTH 2u
/** Also check a header the policy does not count (diagnosis; never changes the verdict). */
#define WHSIG_POLICY_CHECK_UNCOUNTED 4u

/** Room for a key id: 64 lowercase hex digits and a NUL. */
#define WHSIG_KEY_ID_SIZE 65

/* ------------------------------------------------------------------------ */
/* Library information                                                      */
/* ------------------------------------------------------------------------ */

/**
 * The library's version, "MAJOR.MINOR.PATCH". Static string; never NULL.
 */
const char *whsig_version(void);

/**
 * The stable name of a status: "ok", "invalid_signature", the error code's
 * name ("not_base64", "null_argument", ...) or "unknown_status" for a value
 * this library does not define. Static string; never NULL.
 */
const char *whsig_status_string(whsig_status status);

/**
 * The detail of the last call on this thread that returned a whsig_status:
 * a sentence for people (at most 1023 bytes, UTF-8, NUL-terminated) after
 * an error or WHSIG_INVALID_SIGNATURE, "" after WHSIG_OK or before any call.
 *
 * The pointer belongs to the library and to this thread: it stays valid
 * until the thread exits, and its text is replaced by the thread's next
 * call that returns a whsig_status. Copy it if you need to keep it. Other
 * threads' calls never change it. Never NULL.
 */
const char *whsig_last_error(void);

/* ------------------------------------------------------------------------ */
/* Public keys                                                              */
/* ------------------------------------------------------------------------ */

/**
 * Parses an RSA public key, detecting its format, with the OpenSSL backend.
 *
 * Accepts the platform's x509 base64 (base64 of the SubjectPublicKeyInfo
 * DER, whitespace allowed), PEM "PUBLIC KEY", "RSA PUBLIC KEY" and
 * "CERTIFICATE", an RSA JWK, and raw DER (SubjectPublicKeyInfo, PKCS#1
 * RSAPublicKey or an X.509 certificate): pass DER bytes with their length,
 * NUL bytes included.
 *
 * On success returns WHSIG_OK and stores a new handle in *out_key; free it
 * with whsig_public_key_free(). On rejection returns a negative status that
 * says why (e.g. WHSIG_ERR_PRIVATE_KEY_GIVEN, WHSIG_ERR_EC_KEY,
 * WHSIG_ERR_KEY_TOO_SMALL, WHSIG_ERR_UNRECOGNIZED_FORMAT, WHSIG_ERR_EMPTY_INPUT)
 * and sets *out_key to NULL. text NULL or out_key NULL: WHSIG_ERR_NULL_ARGUMENT.
 */
whsig_status whsig_public_key_parse(const char *text, size_t text_len, whsig_public_key **out_key);

/**
 * As whsig_public_key_parse(), on the given backend. An unknown backend value
 * gives WHSIG_ERR_UNKNOWN_BACKEND.
 */
whsig_status whsig_public_key_parse_with_backend(const char *text, size_t text_len, whsig_backend backend,
                                                 whsig_public_key **out_key);

/** Releases a public key. NULL is accepted and ignored. */
void whsig_public_key_free(whsig_public_key *key);

/**
 * Writes the key's id into out: 64 lowercase hex digits of the SHA-256 of its
 * SubjectPublicKeyInfo DER (the same for every format of the key), then a NUL.
 * out must have room for WHSIG_KEY_ID_SIZE (65) bytes.
 * Returns WHSIG_OK, or WHSIG_ERR_NULL_ARGUMENT for a NULL key or out.
 */
whsig_status whsig_public_key_fingerprint(const whsig_public_key *key, char out[65]);

/* ------------------------------------------------------------------------ */
/* Private keys                                                             */
/* ------------------------------------------------------------------------ */

/**
 * Parses an RSA private key, detecting its format, with the OpenSSL backend.
 *
 * Accepts PKCS#8 (PEM "PRIVATE KEY", base64 of the DER, or raw DER), PKCS#1
 * PEM "RSA PRIVATE KEY" or DER, and a private RSA JWK. Encrypted keys are
 * refused (WHSIG_ERR_ENCRYPTED_PRIVATE_KEY), as are public keys
 * (WHSIG_ERR_PUBLIC_KEY_GIVEN). The key's parts are checked to fit together.
 * Ownership and failure behave as for whsig_public_key_parse(); free the
 * handle with whsig_private_key_free().
 */
whsig_status whsig_private_key_parse(const char *text, size_t text_len, whsig_private_key **out_key);

/** As whsig_private_key_parse(), on the given backend. */
whsig_status whsig_private_key_parse_with_backend(const char *text, size_t text_len, whsig_backend backend,
                                                  whsig_private_key **out_key);

/** Releases a private key. NULL is accepted and ignored. */
void whsig_private_key_free(whsig_private_key *key);

/* ------------------------------------------------------------------------ */
/* Verifying and signing                                                    */
/* ------------------------------------------------------------------------ */

/*
 * Signature text, one rule for every function here (and for the Swift API,
 * the CLI and the middlewares): leading and trailing ASCII whitespace (space,
 * tab, CR, LF) is trimmed; whatever is then not strict, padded, standard
 * base64 of exactly the key's modulus length (172 characters for a 1024-bit
 * key) is an invalid signature (WHSIG_INVALID_SIGNATURE), never an error.
 * Whitespace inside the value, URL-safe characters, missing padding and
 * non-zero unused bits are all invalid signatures.
 */

/**
 * Checks one base64 signature (a header value) over the body bytes as received.
 *
 * Returns WHSIG_OK when it verifies, and WHSIG_INVALID_SIGNATURE for every
 * signature that does not: a tampered body, another key or algorithm, a
 * wrong length, a value not below the modulus, empty text, and text that is
 * not a signature under the signature-text rule above.
 *
 * body may be NULL when body_len is 0 (an empty body is valid input).
 * Errors: WHSIG_ERR_NULL_ARGUMENT (key or signature_base64 NULL, body NULL
 * with a length), WHSIG_ERR_UNKNOWN_ALGORITHM, WHSIG_ERR_INPUT_TOO_LARGE (a
 * length above SIZE_MAX / 2), WHSIG_ERR_ALGORITHM_NOT_ALLOWED (MD5 under
 * libgcrypt FIPS mode), WHSIG_ERR_CRYPTO_LIBRARY_FAILURE.
 * The body is hashed in place (never copied) and the library itself
 * allocates nothing per call; only the crypto library's RSA operation does.
 */
whsig_status whsig_verify(const whsig_public_key *key, whsig_algorithm algorithm,
                          const uint8_t *body, size_t body_len,
                          const char *signature_base64, size_t signature_len);

/**
 * Signs a body and writes the signature as standard padded base64 plus a NUL.
 *
 * The text is 4 * ceil(k / 3) characters for a k-byte modulus (344 for a
 * 2048-bit key), so out_capacity must be at least that plus 1. On success
 * sets *out_len to the text length without the NUL. When out_capacity is too
 * small, writes nothing, sets *out_len to the text length (so *out_len + 1
 * bytes suffice) and returns WHSIG_ERR_BUFFER_TOO_SMALL; out_base64 may be
 * NULL when out_capacity is 0. PKCS#1 v1.5 is deterministic.
 * Errors: WHSIG_ERR_NULL_ARGUMENT (key, out_len, body with a length, or
 * out_base64 with a capacity), WHSIG_ERR_UNKNOWN_ALGORITHM,
 * WHSIG_ERR_BUFFER_TOO_SMALL, WHSIG_ERR_ALGORITHM_NOT_ALLOWED,
 * WHSIG_ERR_CRYPTO_LIBRARY_FAILURE. On any error other than
 * WHSIG_ERR_BUFFER_TOO_SMALL, *out_len is set to 0 (when out_len is not NULL).
 */
whsig_status whsig_sign(const whsig_private_key *key, whsig_algorithm algorithm,
                        const uint8_t *body, size_t body_len,
                        char *out_base64, size_t out_capacity, size_t *out_len);

/**
 * Hashes a body with the algorithm's digest (MD5: 16 bytes, SHA-512: 64 bytes)
 * into out, and sets *out_len to the digest length. Buffer rules as above.
 */
whsig_status whsig_digest(whsig_algorithm algorithm, const uint8_t *body, size_t body_len,
                          uint8_t *out, size_t out_capacity, size_t *out_len);

/**
 * Writes the canonical bytes of a body under a mode into out (not
 * NUL-terminated) and sets *out_len to their length. RAW copies the input;
 * COMPACT and JCS parse it as JSON (errors: WHSIG_ERR_INVALID_JSON,
 * WHSIG_ERR_NOT_UTF8, WHSIG_ERR_NESTING_TOO_DEEP, WHSIG_ERR_DUPLICATE_MEMBER_NAME,
 * WHSIG_ERR_INVALID_NUMBER; the detail names the byte offset). Buffer rules
 * as above. COMPACT output is never longer than the input; JCS output may
 * be longer (numbers are rewritten, e.g. 1e20), so give a generous buffer
 * or retry with *out_len: a size query does the whole work.
 */
whsig_status whsig_canonicalize(whsig_canonical_mode mode, const uint8_t *in, size_t in_len,
                                uint8_t *out, size_t out_capacity, size_t *out_len);

/* ------------------------------------------------------------------------ */
/* Keyrings and whole deliveries                                            */
/* ------------------------------------------------------------------------ */

/**
 * Reads a keyring document (JSON, version 1):
 *   {"version":1,"keys":[{"publicKey":"MIIB...","label":"eu-prod",
 *     "id":"<sha256 hex>","notBefore":"2026-01-01T00:00:00Z",
 *     "notAfter":null,"retired":false}]}
 * Only "keys" and each entry's "publicKey" are required. On success stores a
 * new handle in *out_ring (free it with whsig_keyring_free()); on failure
 * returns WHSIG_ERR_INVALID_KEYRING (the detail names the entry and why) and
 * sets *out_ring to NULL. Keys use the OpenSSL backend.
 */
whsig_status whsig_keyring_load_json(const char *text, size_t text_len, whsig_keyring **out_ring);

/** As whsig_keyring_load_json(), with the keys on the given backend. */
whsig_status whsig_keyring_load_json_with_backend(const char *text, size_t text_len, whsig_backend backend,
                                                  whsig_keyring **out_ring);

/**
 * A keyring that trusts one public key, with no validity window. The keyring
 * holds its own reference: key may be freed afterwards.
 */
whsig_status whsig_keyring_from_public_key(const whsig_public_key *key, whsig_keyring **out_ring);

/** Releases a keyring. NULL is accepted and ignored. */
void whsig_keyring_free(whsig_keyring *ring);

/** The number of keys in a keyring; 0 for NULL. */
size_t whsig_keyring_count(const whsig_keyring *ring);

/**
 * Verifies a whole delivery: its request headers and raw body, against the
 * keyring's keys active now and a policy, the way the Swift WebhookVerifier
 * does.
 *
 * Headers are header_count name/value pairs, in any order and name case;
 * header_count above WHSIG_MAX_HEADER_COUNT (4096) is WHSIG_ERR_INPUT_TOO_LARGE
 * and nothing is read from the arrays;
 * headers other than `fluent-signature` and `flex.signature` are ignored, so
 * passing all of a request's headers is fine. name_lens / value_lens give
 * each string's length; either array may be NULL, and then the matching
 * strings must be NUL-terminated. The arrays may be NULL when header_count
 * is 0 (the verdict is then WHSIG_INVALID_SIGNATURE: no signature header).
 *
 * policy_flags: 0 (default: `fluent-signature` required, `flex.signature`
 * neither counted nor checked, so it costs nothing) or any of
 * WHSIG_POLICY_ALLOW_MD5 | WHSIG_POLICY_REQUIRE_BOTH | WHSIG_POLICY_CHECK_UNCOUNTED.
 * mode: how the body is read before hashing (WHSIG_CANONICAL_RAW usually).
 *
 * Returns WHSIG_OK when the delivery is accepted, and then writes the id of
 * the key that verified it (64 hex digits and a NUL) into out_key_id unless
 * it is NULL. Returns WHSIG_INVALID_SIGNATURE when it is not accepted (no
 * signature header, policy not met, a counted signature invalid, key
 * retired or expired, ...); whsig_last_error() then holds the reason and
 * out_key_id is set to "". Negative on error: WHSIG_ERR_NULL_ARGUMENT,
 * WHSIG_ERR_UNKNOWN_POLICY_FLAG, WHSIG_ERR_UNKNOWN_CANONICAL_MODE, the JSON
 * errors of whsig_canonicalize() under COMPACT or JCS, crypto failures.
 */
/** The most header pairs whsig_verify_webhook() reads; more is WHSIG_ERR_INPUT_TOO_LARGE. */
#define WHSIG_MAX_HEADER_COUNT 4096

whsig_status whsig_verify_webhook(const whsig_keyring *ring, uint32_t policy_flags, whsig_canonical_mode mode,
                                  const char *const *header_names, const size_t *name_lens,
                                  const char *const *header_values, const size_t *value_lens,
                                  size_t header_count,
                                  const uint8_t *body, size_t body_len,
                                  char *out_key_id);

/** Room for a verdict's failure code: the code's text and a NUL. */
#define WHSIG_CODE_SIZE 64

/**
 * As whsig_verify_webhook(), and also names why a delivery is not accepted.
 *
 * out_code, unless NULL, must have room for WHSIG_CODE_SIZE (64) bytes. When
 * the call returns WHSIG_INVALID_SIGNATURE it receives the verdict's stable
 * failure code, NUL-terminated: "no_signature_header", "policy_not_met",
 * "body_mismatch", "wrong_algorithm", "no_trusted_key", "malformed",
 * "key_retired", "key_expired", "key_not_yet_valid", "conflicting_values"
 * (new codes may be added: treat an unknown one as a rejection). After
 * WHSIG_OK or an error it holds "". whsig_last_error() holds the reason and
 * out_key_id the key id, exactly as for whsig_verify_webhook().
 */
whsig_status whsig_verify_webhook_verdict(const whsig_keyring *ring, uint32_t policy_flags, whsig_canonical_mode mode,
                                          const char *const *header_names, const size_t *name_lens,
                                          const char *const *header_values, const size_t *value_lens,
                                          size_t header_count,
                                          const uint8_t *body, size_t body_len,
                                          char *out_key_id, char *out_code);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WHSIG_H */
