/*
 * The raw library references the benchmarks compare swift-webhook-signature against, in C so
 * that they measure OpenSSL and libgcrypt alone. Each reference does its setup once (key,
 * context, pre-fetched digest), so a call does only what cannot be avoided per message.
 *
 * Algorithms: RC_MD5 = 1, RC_SHA512 = 2 (the same numbers as whsig_algorithm in whsig.h).
 * Verify functions return 1 for a valid signature, 0 for an invalid one, -1 on error.
 */
#ifndef RAW_CRYPTO_H
#define RAW_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define RC_MD5 1
#define RC_SHA512 2

/* ---- OpenSSL ---------------------------------------------------------------------------- */

/** An EVP_PKEY from SubjectPublicKeyInfo DER or PKCS#8 DER; NULL on failure. */
void *rc_ossl_public_key(const uint8_t *der, size_t len);
void *rc_ossl_private_key(const uint8_t *der, size_t len);
void rc_ossl_key_free(void *pkey);

/** (a) The naive way: a new EVP_MD_CTX, EVP_DigestVerifyInit and EVP_DigestVerify per call. */
int rc_ossl_naive_verify(void *pkey, int alg, const uint8_t *body, size_t body_len, const uint8_t *sig, size_t sig_len);

/** (b) The unavoidable work: EVP_Digest with a pre-fetched EVP_MD, then EVP_PKEY_verify on an
 *  EVP_PKEY_CTX initialised once (PKCS#1 padding, signature md). Not thread-safe: one per thread. */
typedef struct rc_ossl_verifier rc_ossl_verifier;
rc_ossl_verifier *rc_ossl_verifier_new(void *pkey, int alg);
int rc_ossl_verifier_verify(rc_ossl_verifier *v, const uint8_t *body, size_t body_len, const uint8_t *sig, size_t sig_len);
void rc_ossl_verifier_free(rc_ossl_verifier *v);

/** Raw sign: EVP_Digest, then EVP_PKEY_sign on a context initialised once. Returns the length or -1. */
typedef struct rc_ossl_signer rc_ossl_signer;
rc_ossl_signer *rc_ossl_signer_new(void *pkey, int alg);
long rc_ossl_signer_sign(rc_ossl_signer *s, const uint8_t *body, size_t body_len, uint8_t *out, size_t out_cap);
void rc_ossl_signer_free(rc_ossl_signer *s);

/** Exactly the C calls the library's OpenSSL engine makes per verification, on contexts made
 *  once: EVP_DigestInit_ex2/Update/Final_ex on a reused EVP_MD_CTX, then EVP_PKEY_verify_recover
 *  without padding into em (k bytes). No padding check. Its malloc count is the C side's share of
 *  a verification, so the library's count minus this one is what Swift allocates. */
typedef struct rc_ossl_engine_calls rc_ossl_engine_calls;
rc_ossl_engine_calls *rc_ossl_engine_calls_new(void *pkey, int alg);
int rc_ossl_engine_calls_run(rc_ossl_engine_calls *c, const uint8_t *body, size_t body_len, const uint8_t *sig, size_t sig_len,
                             uint8_t *em);
void rc_ossl_engine_calls_free(rc_ossl_engine_calls *c);

/** SHA-512 with a pre-fetched EVP_MD (EVP_Digest); out has 64 bytes. Returns 1 on success. */
int rc_ossl_sha512(const uint8_t *data, size_t len, uint8_t *out);

/* ---- libgcrypt -------------------------------------------------------------------------- */

/** Initialises libgcrypt as the library does (unless the process already did). 0 on success. */
int rc_gcry_init(void);

/** gcry_pk_verify with the key S-expression built once; per call the digest, the
 *  (data (flags pkcs1)(hash sha512 #…#)) and (sig-val (rsa (s …))) S-expressions. Thread-safe. */
typedef struct rc_gcry_verifier rc_gcry_verifier;
/** The key is read from an OpenSSL EVP_PKEY (n and e). */
rc_gcry_verifier *rc_gcry_verifier_new(void *ossl_pkey, int alg);
int rc_gcry_verifier_verify(rc_gcry_verifier *v, const uint8_t *body, size_t body_len, const uint8_t *sig, size_t sig_len);
void rc_gcry_verifier_free(rc_gcry_verifier *v);

/** gcry_pk_sign with the private key S-expression built once (from an OpenSSL private EVP_PKEY). */
typedef struct rc_gcry_signer rc_gcry_signer;
rc_gcry_signer *rc_gcry_signer_new(void *ossl_pkey, int alg);
long rc_gcry_signer_sign(rc_gcry_signer *s, const uint8_t *body, size_t body_len, uint8_t *out, size_t out_cap);
void rc_gcry_signer_free(rc_gcry_signer *s);

/** The raw cost of checking one signature against a keyring: one EVP_Digest, then EVP_PKEY_verify
 *  on each key's context (initialised once: PKCS#1 padding, signature md) until one accepts.
 *  Returns the index of the key that verified, -1 when none did, -2 on error. */
typedef struct rc_ossl_keyring rc_ossl_keyring;
rc_ossl_keyring *rc_ossl_keyring_new(void *const *pkeys, size_t count, int alg);
long rc_ossl_keyring_verify(rc_ossl_keyring *ring, const uint8_t *body, size_t body_len, const uint8_t *sig, size_t sig_len);
void rc_ossl_keyring_free(rc_ossl_keyring *ring);

/* ---- The C library (libwhsig), loaded with dlopen -------------------------------------- */

/** Loads the library at path; 0 on success, else -1 (rc_whsig_error() says why). */
int rc_whsig_load(const char *path);
const char *rc_whsig_error(void);
/** whsig_public_key_parse_with_backend (backend 1 OpenSSL, 2 libgcrypt); NULL on failure. */
void *rc_whsig_public_key_parse(const char *text, size_t len, int backend);
void rc_whsig_public_key_free(void *key);
/** whsig_verify, called through the pointer dlsym returned (as a C caller's PLT call would). */
int32_t rc_whsig_verify(const void *key, int alg, const uint8_t *body, size_t body_len, const char *sig, size_t sig_len);

#endif
