/* The raw library references; see include/RawCrypto.h. */
#include "RawCrypto.h"

#include <dlfcn.h>
#include <gcrypt.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- OpenSSL ---------------------------------------------------------------------------- */

static EVP_MD *fetched_md(int alg) {
    /* Fetched once per process: EVP_MD_fetch does a name lookup that costs as much as hashing a
     * small body, and no careful caller pays it per message. */
    static EVP_MD *md5, *sha512;
    if (alg == RC_MD5) {
        if (md5 == NULL) md5 = EVP_MD_fetch(NULL, "MD5", NULL);
        return md5;
    }
    if (sha512 == NULL) sha512 = EVP_MD_fetch(NULL, "SHA512", NULL);
    return sha512;
}

void *rc_ossl_public_key(const uint8_t *der, size_t len) {
    const unsigned char *p = der;
    return d2i_PUBKEY(NULL, &p, (long)len);
}

void *rc_ossl_private_key(const uint8_t *der, size_t len) {
    const unsigned char *p = der;
    return d2i_AutoPrivateKey(NULL, &p, (long)len);
}

void rc_ossl_key_free(void *pkey) { EVP_PKEY_free(pkey); }

int rc_ossl_naive_verify(void *pkey, int alg, const uint8_t *body, size_t body_len, const uint8_t *sig, size_t sig_len) {
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx == NULL) return -1;
    int ok = EVP_DigestVerifyInit(ctx, NULL, alg == RC_MD5 ? EVP_md5() : EVP_sha512(), NULL, pkey) == 1 &&
             EVP_DigestVerify(ctx, sig, sig_len, body, body_len) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

struct rc_ossl_verifier {
    EVP_PKEY_CTX *ctx;
    EVP_MD *md;
};

rc_ossl_verifier *rc_ossl_verifier_new(void *pkey, int alg) {
    rc_ossl_verifier *v = calloc(1, sizeof *v);
    if (v == NULL) return NULL;
    v->md = fetched_md(alg);
    v->ctx = EVP_PKEY_CTX_new(pkey, NULL);
    if (v->md == NULL || v->ctx == NULL || EVP_PKEY_verify_init(v->ctx) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(v->ctx, RSA_PKCS1_PADDING) != 1 || EVP_PKEY_CTX_set_signature_md(v->ctx, v->md) != 1) {
        rc_ossl_verifier_free(v);
        return NULL;
    }
    return v;
}

int rc_ossl_verifier_verify(rc_ossl_verifier *v, const uint8_t *body, size_t body_len, const uint8_t *sig, size_t sig_len) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    if (EVP_Digest(body, body_len, digest, &digest_len, v->md, NULL) != 1) return -1;
    return EVP_PKEY_verify(v->ctx, sig, sig_len, digest, digest_len) == 1;
}

void rc_ossl_verifier_free(rc_ossl_verifier *v) {
    if (v == NULL) return;
    EVP_PKEY_CTX_free(v->ctx);
    free(v);
}

struct rc_ossl_signer {
    EVP_PKEY_CTX *ctx;
    EVP_MD *md;
};

rc_ossl_signer *rc_ossl_signer_new(void *pkey, int alg) {
    rc_ossl_signer *s = calloc(1, sizeof *s);
    if (s == NULL) return NULL;
    s->md = fetched_md(alg);
    s->ctx = EVP_PKEY_CTX_new(pkey, NULL);
    if (s->md == NULL || s->ctx == NULL || EVP_PKEY_sign_init(s->ctx) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(s->ctx, RSA_PKCS1_PADDING) != 1 || EVP_PKEY_CTX_set_signature_md(s->ctx, s->md) != 1) {
        rc_ossl_signer_free(s);
        return NULL;
    }
    return s;
}

long rc_ossl_signer_sign(rc_ossl_signer *s, const uint8_t *body, size_t body_len, uint8_t *out, size_t out_cap) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    if (EVP_Digest(body, body_len, digest, &digest_len, s->md, NULL) != 1) return -1;
    size_t len = out_cap;
    if (EVP_PKEY_sign(s->ctx, out, &len, digest, digest_len) != 1) return -1;
    return (long)len;
}

void rc_ossl_signer_free(rc_ossl_signer *s) {
    if (s == NULL) return;
    EVP_PKEY_CTX_free(s->ctx);
    free(s);
}

struct rc_ossl_engine_calls {
    EVP_MD_CTX *md_ctx;
    EVP_PKEY_CTX *ctx;
    EVP_MD *md;
};

rc_ossl_engine_calls *rc_ossl_engine_calls_new(void *pkey, int alg) {
    rc_ossl_engine_calls *c = calloc(1, sizeof *c);
    if (c == NULL) return NULL;
    c->md = fetched_md(alg);
    c->md_ctx = EVP_MD_CTX_new();
    c->ctx = EVP_PKEY_CTX_new(pkey, NULL);
    if (c->md == NULL || c->md_ctx == NULL || c->ctx == NULL || EVP_PKEY_verify_recover_init(c->ctx) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(c->ctx, RSA_NO_PADDING) != 1) {
        rc_ossl_engine_calls_free(c);
        return NULL;
    }
    return c;
}

int rc_ossl_engine_calls_run(rc_ossl_engine_calls *c, const uint8_t *body, size_t body_len, const uint8_t *sig, size_t sig_len,
                             uint8_t *em) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    if (EVP_DigestInit_ex2(c->md_ctx, c->md, NULL) != 1 || EVP_DigestUpdate(c->md_ctx, body, body_len) != 1 ||
        EVP_DigestFinal_ex(c->md_ctx, digest, &digest_len) != 1)
        return -1;
    size_t len = sig_len;
    return EVP_PKEY_verify_recover(c->ctx, em, &len, sig, sig_len) == 1 && len == sig_len;
}

void rc_ossl_engine_calls_free(rc_ossl_engine_calls *c) {
    if (c == NULL) return;
    EVP_MD_CTX_free(c->md_ctx);
    EVP_PKEY_CTX_free(c->ctx);
    free(c);
}

int rc_ossl_sha512(const uint8_t *data, size_t len, uint8_t *out) {
    unsigned int out_len = 0;
    return EVP_Digest(data, len, out, &out_len, fetched_md(RC_SHA512), NULL);
}

/* ---- libgcrypt -------------------------------------------------------------------------- */

int rc_gcry_init(void) {
    if (gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P)) return 0;
    if (gcry_check_version(GCRYPT_VERSION) == NULL) return -1;
    /* The same settings as the library's GcryptEngine: no secure memory, initialisation finished. */
    if (gcry_control(GCRYCTL_DISABLE_SECMEM, 0)) return -1;
    if (gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0)) return -1;
    return 0;
}

/* An OpenSSL BIGNUM parameter of a key as a libgcrypt MPI (unsigned big-endian). */
static gcry_mpi_t mpi_param(const EVP_PKEY *pkey, const char *name) {
    BIGNUM *bn = NULL;
    if (EVP_PKEY_get_bn_param(pkey, name, &bn) != 1) return NULL;
    int n = BN_num_bytes(bn);
    unsigned char *buf = malloc(n > 0 ? (size_t)n : 1);
    BN_bn2bin(bn, buf);
    BN_clear_free(bn);
    gcry_mpi_t mpi = NULL;
    if (gcry_mpi_scan(&mpi, GCRYMPI_FMT_USG, buf, (size_t)n, NULL) != 0) mpi = NULL;
    free(buf);
    return mpi;
}

static const char *hash_name(int alg) { return alg == RC_MD5 ? "md5" : "sha512"; }
static int hash_algo(int alg) { return alg == RC_MD5 ? GCRY_MD_MD5 : GCRY_MD_SHA512; }

struct rc_gcry_verifier {
    gcry_sexp_t key;
    int alg;
};

rc_gcry_verifier *rc_gcry_verifier_new(void *ossl_pkey, int alg) {
    if (rc_gcry_init() != 0) return NULL;
    gcry_mpi_t n = mpi_param(ossl_pkey, OSSL_PKEY_PARAM_RSA_N), e = mpi_param(ossl_pkey, OSSL_PKEY_PARAM_RSA_E);
    rc_gcry_verifier *v = calloc(1, sizeof *v);
    if (n == NULL || e == NULL || v == NULL ||
        gcry_sexp_build(&v->key, NULL, "(public-key (rsa (n %m) (e %m)))", n, e) != 0) {
        gcry_mpi_release(n);
        gcry_mpi_release(e);
        free(v);
        return NULL;
    }
    gcry_mpi_release(n);
    gcry_mpi_release(e);
    v->alg = alg;
    return v;
}

int rc_gcry_verifier_verify(rc_gcry_verifier *v, const uint8_t *body, size_t body_len, const uint8_t *sig, size_t sig_len) {
    unsigned char digest[64];
    int digest_len = v->alg == RC_MD5 ? 16 : 64;
    gcry_md_hash_buffer(hash_algo(v->alg), digest, body, body_len);
    gcry_sexp_t data = NULL, s = NULL;
    if (gcry_sexp_build(&data, NULL, "(data (flags pkcs1) (hash %s %b))", hash_name(v->alg), digest_len, digest) != 0) return -1;
    if (gcry_sexp_build(&s, NULL, "(sig-val (rsa (s %b)))", (int)sig_len, sig) != 0) {
        gcry_sexp_release(data);
        return -1;
    }
    gcry_error_t err = gcry_pk_verify(s, data, v->key);
    gcry_sexp_release(data);
    gcry_sexp_release(s);
    return err == 0;
}

void rc_gcry_verifier_free(rc_gcry_verifier *v) {
    if (v == NULL) return;
    gcry_sexp_release(v->key);
    free(v);
}

struct rc_gcry_signer {
    gcry_sexp_t key;
    int alg;
    size_t k;
};

rc_gcry_signer *rc_gcry_signer_new(void *ossl_pkey, int alg) {
    if (rc_gcry_init() != 0) return NULL;
    gcry_mpi_t n = mpi_param(ossl_pkey, OSSL_PKEY_PARAM_RSA_N), e = mpi_param(ossl_pkey, OSSL_PKEY_PARAM_RSA_E),
               d = mpi_param(ossl_pkey, OSSL_PKEY_PARAM_RSA_D), p = mpi_param(ossl_pkey, OSSL_PKEY_PARAM_RSA_FACTOR1),
               q = mpi_param(ossl_pkey, OSSL_PKEY_PARAM_RSA_FACTOR2), u = gcry_mpi_new(0);
    rc_gcry_signer *s = calloc(1, sizeof *s);
    int ok = n && e && d && p && q && u && s;
    if (ok) {
        /* libgcrypt wants p < q and u = p^-1 mod q. */
        if (gcry_mpi_cmp(p, q) > 0) {
            gcry_mpi_t t = p;
            p = q;
            q = t;
        }
        ok = gcry_mpi_invm(u, p, q) &&
             gcry_sexp_build(&s->key, NULL, "(private-key (rsa (n %m) (e %m) (d %m) (p %m) (q %m) (u %m)))", n, e, d, p, q, u) == 0;
        s->k = (gcry_mpi_get_nbits(n) + 7) / 8;
    }
    gcry_mpi_release(n);
    gcry_mpi_release(e);
    gcry_mpi_release(d);
    gcry_mpi_release(p);
    gcry_mpi_release(q);
    gcry_mpi_release(u);
    if (!ok) {
        free(s);
        return NULL;
    }
    s->alg = alg;
    return s;
}

long rc_gcry_signer_sign(rc_gcry_signer *s, const uint8_t *body, size_t body_len, uint8_t *out, size_t out_cap) {
    unsigned char digest[64];
    int digest_len = s->alg == RC_MD5 ? 16 : 64;
    gcry_md_hash_buffer(hash_algo(s->alg), digest, body, body_len);
    gcry_sexp_t data = NULL, result = NULL;
    if (gcry_sexp_build(&data, NULL, "(data (flags pkcs1) (hash %s %b))", hash_name(s->alg), digest_len, digest) != 0) return -1;
    gcry_error_t err = gcry_pk_sign(&result, data, s->key);
    gcry_sexp_release(data);
    if (err != 0) return -1;
    /* The signature as k bytes, left-padded, as a caller needs it for a header. */
    long written = -1;
    gcry_sexp_t list = gcry_sexp_find_token(result, "s", 0);
    size_t len = 0;
    const char *bytes = list ? gcry_sexp_nth_data(list, 1, &len) : NULL;
    if (bytes != NULL && s->k <= out_cap) {
        while (len > 0 && *bytes == 0) { bytes++; len--; }
        if (len <= s->k) {
            memset(out, 0, s->k - len);
            memcpy(out + (s->k - len), bytes, len);
            written = (long)s->k;
        }
    }
    gcry_sexp_release(list);
    gcry_sexp_release(result);
    return written;
}

void rc_gcry_signer_free(rc_gcry_signer *s) {
    if (s == NULL) return;
    gcry_sexp_release(s->key);
    free(s);
}

/* ---- The C library (libwhsig) ------------------------------------------------------------ */

typedef int32_t (*parse_fn)(const char *, size_t, int, void **);
typedef void (*free_fn)(void *);
typedef int32_t (*verify_fn)(const void *, int, const uint8_t *, size_t, const char *, size_t);

static parse_fn whsig_parse;
static free_fn whsig_free;
static verify_fn whsig_verify_ptr;
static char load_error[512];

int rc_whsig_load(const char *path) {
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        snprintf(load_error, sizeof load_error, "%s", dlerror());
        return -1;
    }
    whsig_parse = (parse_fn)dlsym(handle, "whsig_public_key_parse_with_backend");
    whsig_free = (free_fn)dlsym(handle, "whsig_public_key_free");
    whsig_verify_ptr = (verify_fn)dlsym(handle, "whsig_verify");
    if (!whsig_parse || !whsig_free || !whsig_verify_ptr) {
        snprintf(load_error, sizeof load_error, "%s does not export whsig_verify and the key functions", path);
        return -1;
    }
    return 0;
}

const char *rc_whsig_error(void) { return load_error; }

void *rc_whsig_public_key_parse(const char *text, size_t len, int backend) {
    void *key = NULL;
    if (whsig_parse == NULL || whsig_parse(text, len, backend, &key) != 0) return NULL;
    return key;
}

void rc_whsig_public_key_free(void *key) {
    if (whsig_free) whsig_free(key);
}

int32_t rc_whsig_verify(const void *key, int alg, const uint8_t *body, size_t body_len, const char *sig, size_t sig_len) {
    return whsig_verify_ptr(key, alg, body, body_len, sig, sig_len);
}
