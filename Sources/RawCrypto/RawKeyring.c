/* The raw reference for a signature checked against a keyring (see RawCrypto.h). */
#include "RawCrypto.h"

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <stdlib.h>

struct rc_ossl_keyring {
    EVP_MD *md;
    size_t count;
    EVP_PKEY_CTX **contexts;
};

rc_ossl_keyring *rc_ossl_keyring_new(void *const *pkeys, size_t count, int alg) {
    rc_ossl_keyring *ring = calloc(1, sizeof *ring);
    if (ring == NULL) return NULL;
    ring->md = EVP_MD_fetch(NULL, alg == RC_MD5 ? "MD5" : "SHA512", NULL);
    ring->contexts = calloc(count, sizeof *ring->contexts);
    ring->count = count;
    if (ring->md == NULL || ring->contexts == NULL) {
        rc_ossl_keyring_free(ring);
        return NULL;
    }
    for (size_t i = 0; i < count; i++) {
        EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pkeys[i], NULL);
        ring->contexts[i] = ctx;
        if (ctx == NULL || EVP_PKEY_verify_init(ctx) != 1 || EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) != 1 ||
            EVP_PKEY_CTX_set_signature_md(ctx, ring->md) != 1) {
            rc_ossl_keyring_free(ring);
            return NULL;
        }
    }
    return ring;
}

long rc_ossl_keyring_verify(rc_ossl_keyring *ring, const uint8_t *body, size_t body_len, const uint8_t *sig, size_t sig_len) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    if (EVP_Digest(body, body_len, digest, &digest_len, ring->md, NULL) != 1) return -2;
    for (size_t i = 0; i < ring->count; i++) {
        if (EVP_PKEY_verify(ring->contexts[i], sig, sig_len, digest, digest_len) == 1) return (long)i;
    }
    return -1;
}

void rc_ossl_keyring_free(rc_ossl_keyring *ring) {
    if (ring == NULL) return;
    if (ring->contexts != NULL) {
        for (size_t i = 0; i < ring->count; i++) EVP_PKEY_CTX_free(ring->contexts[i]);
        free(ring->contexts);
    }
    EVP_MD_free(ring->md);
    free(ring);
}
