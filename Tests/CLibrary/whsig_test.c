/*
 * whsig_test.c - exercises every function of the C library (whsig.h) with good and bad input.
 *
 *   whsig_test KEYS_DIR [VECTORS_DIR]
 *
 * KEYS_DIR is Tests/Vectors/keys; VECTORS_DIR is the shared reference vectors folder (with
 * fluent/real-webhook.json); without it the real-delivery checks are skipped with a note.
 * Prints "N passed, 0 failed" and exits 0, or lists each failure and exits 1.
 *
 * Build: gcc -std=c99 -Wall -Wextra -pedantic -Werror whsig_test.c $(pkg-config --cflags --libs whsig) -pthread
 */
#define _POSIX_C_SOURCE 200809L
#include <whsig.h>

#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Checks                                                                   */
/* ------------------------------------------------------------------------ */

static int passed = 0;
static int failed = 0;

static void check(int ok, int line, const char *what) {
    if (ok) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "FAIL line %d: %s (last error: %s)\n", line, what, whsig_last_error());
    }
}
#define CHECK(c) check((c) != 0, __LINE__, #c)

static void check_status(whsig_status got, whsig_status want, int line, const char *what) {
    if (got == want) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "FAIL line %d: %s = %d (%s), expected %d (%s); last error: %s\n", line, what, (int)got,
                whsig_status_string(got), (int)want, whsig_status_string(want), whsig_last_error());
    }
}
#define EXPECT(expr, want) check_status((expr), (want), __LINE__, #expr)

/* A negative status, the detail set, for calls whose exact error varies. */
static void check_error(whsig_status got, int line, const char *what) {
    const char *detail = whsig_last_error();
    if (got < 0 && detail[0] != '\0') {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "FAIL line %d: %s = %d (%s), expected an error with a detail; last error: \"%s\"\n", line,
                what, (int)got, whsig_status_string(got), detail);
    }
}
#define EXPECT_ERROR(expr) check_error((expr), __LINE__, #expr)

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */

typedef struct {
    char *data; /* NUL-terminated copy (the length excludes the NUL) */
    size_t len;
} blob;

static blob read_file(const char *dir, const char *name) {
    blob b = {NULL, 0};
    char path[4096];
    FILE *f;
    long size;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        failed++;
        return b;
    }
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fseek(f, 0, SEEK_SET);
    b.data = malloc((size_t)size + 1);
    if (b.data == NULL || fread(b.data, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "cannot read %s\n", path);
        failed++;
        fclose(f);
        free(b.data);
        b.data = NULL;
        return b;
    }
    b.data[size] = '\0';
    b.len = (size_t)size;
    fclose(f);
    return b;
}

/*
 * The string value of the first member named `key` after `anchor` (or from the start) in a JSON
 * document, unescaped (simple escapes and \u00XX only). Enough for the vector files; malloc'd.
 */
static char *json_string(const char *doc, const char *anchor, const char *key) {
    char pattern[256];
    const char *p = doc;
    char *out;
    size_t n = 0;
    if (doc == NULL) return NULL;
    if (anchor != NULL) {
        snprintf(pattern, sizeof pattern, "\"%s\"", anchor);
        p = strstr(doc, pattern);
        if (p == NULL) return NULL;
    }
    snprintf(pattern, sizeof pattern, "\"%s\"", key);
    for (;;) {
        p = strstr(p, pattern);
        if (p == NULL) return NULL;
        p += strlen(pattern);
        while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t') p++;
        if (*p != ':') continue;
        p++;
        while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t') p++;
        if (*p != '"') continue;
        p++;
        break;
    }
    out = malloc(strlen(p) + 1);
    if (out == NULL) return NULL;
    while (*p != '\0' && *p != '"') {
        if (*p == '\\') {
            p++;
            switch (*p) {
            case 'n': out[n++] = '\n'; break;
            case 't': out[n++] = '\t'; break;
            case 'r': out[n++] = '\r'; break;
            case 'u': {
                unsigned value = 0;
                int i;
                for (i = 1; i <= 4 && p[i] != '\0'; i++) {
                    char c = p[i];
                    value = value * 16 + (unsigned)(c >= 'a' ? c - 'a' + 10 : c >= 'A' ? c - 'A' + 10 : c - '0');
                }
                out[n++] = (char)value;
                p += 4;
                break;
            }
            default: out[n++] = *p; break;
            }
            p++;
        } else {
            out[n++] = *p++;
        }
    }
    out[n] = '\0';
    return out;
}

static const uint8_t *u8(const char *s) { return (const uint8_t *)s; }

static void hex(const uint8_t *bytes, size_t n, char *out) {
    static const char digits[] = "0123456789abcdef";
    size_t i;
    for (i = 0; i < n; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * n] = '\0';
}

/* A sentinel to see that failed parses reset *out to NULL. */
#define SENTINEL ((void *)&passed)

/* ------------------------------------------------------------------------ */
/* Shared fixtures                                                          */
/* ------------------------------------------------------------------------ */

static const char *keys_dir;
static const char *vectors_dir;

static char *expected_fingerprint;
static char *expected_body;
static char *expected_sha512;
static char *expected_md5;
static whsig_public_key *pub2048;
static whsig_public_key *pub2048_gcrypt;
static whsig_private_key *priv2048;
static whsig_private_key *priv2048_gcrypt;

/* ------------------------------------------------------------------------ */
/* Library information                                                      */
/* ------------------------------------------------------------------------ */

static void test_info(void) {
    static const whsig_status all[] = {
        WHSIG_OK, WHSIG_INVALID_SIGNATURE, WHSIG_ERR_EMPTY_INPUT, WHSIG_ERR_NOT_BASE64, WHSIG_ERR_NOT_DER,
        WHSIG_ERR_TRAILING_BYTES, WHSIG_ERR_TRUNCATED, WHSIG_ERR_UNRECOGNIZED_FORMAT, WHSIG_ERR_INVALID_PEM,
        WHSIG_ERR_UNSUPPORTED_PEM_TYPE, WHSIG_ERR_EC_KEY, WHSIG_ERR_ED25519_KEY, WHSIG_ERR_DSA_KEY,
        WHSIG_ERR_UNSUPPORTED_KEY_ALGORITHM, WHSIG_ERR_PRIVATE_KEY_GIVEN, WHSIG_ERR_PUBLIC_KEY_GIVEN,
        WHSIG_ERR_ENCRYPTED_PRIVATE_KEY, WHSIG_ERR_KEY_TOO_SMALL, WHSIG_ERR_KEY_TOO_LARGE, WHSIG_ERR_BAD_EXPONENT,
        WHSIG_ERR_INVALID_KEY, WHSIG_ERR_INVALID_JWK,
        WHSIG_ERR_ALGORITHM_NOT_ALLOWED, WHSIG_ERR_CRYPTO_LIBRARY_FAILURE, WHSIG_ERR_INVALID_JSON,
        WHSIG_ERR_NESTING_TOO_DEEP, WHSIG_ERR_INVALID_NUMBER,
        WHSIG_ERR_INVALID_KEYRING, WHSIG_ERR_INVALID_ARGUMENT, WHSIG_ERR_INPUT_TOO_LARGE, WHSIG_ERR_NOT_UTF8,
        WHSIG_ERR_KEY_GENERATION_FAILED, WHSIG_ERR_NULL_ARGUMENT,
        WHSIG_ERR_UNKNOWN_ALGORITHM, WHSIG_ERR_BUFFER_TOO_SMALL, WHSIG_ERR_INTERNAL, WHSIG_ERR_UNKNOWN_BACKEND,
        WHSIG_ERR_UNKNOWN_CANONICAL_MODE, WHSIG_ERR_UNKNOWN_POLICY_FLAG};
    static const whsig_status unknown[] = {-1, -22, -27, -33, -35, -99, -107, 2, 3, 12345, INT32_MIN, INT32_MAX};
    size_t i, j;
    const char *version = whsig_version();

    CHECK(version != NULL && strlen(version) >= 5 && strchr(version, '.') != NULL);
    CHECK(whsig_version() == version);
    CHECK(strcmp(whsig_last_error(), "") == 0); /* nothing has failed on this thread yet */

    for (i = 0; i < sizeof all / sizeof all[0]; i++) {
        const char *name = whsig_status_string(all[i]);
        CHECK(name != NULL && name[0] != '\0' && strcmp(name, "unknown_status") != 0);
        for (j = 0; j < i; j++) CHECK(strcmp(name, whsig_status_string(all[j])) != 0);
    }
    for (i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        CHECK(strcmp(whsig_status_string(unknown[i]), "unknown_status") == 0);
    }
    CHECK(strcmp(whsig_status_string(WHSIG_OK), "ok") == 0);
    CHECK(strcmp(whsig_status_string(WHSIG_INVALID_SIGNATURE), "invalid_signature") == 0);
    CHECK(strcmp(whsig_status_string(WHSIG_ERR_NOT_BASE64), "not_base64") == 0);
    CHECK(strcmp(whsig_status_string(WHSIG_ERR_ED25519_KEY), "ed25519_key") == 0);
    CHECK(strcmp(whsig_status_string(WHSIG_ERR_KEY_GENERATION_FAILED), "key_generation_failed") == 0);
    CHECK(strcmp(whsig_status_string(WHSIG_ERR_NULL_ARGUMENT), "null_argument") == 0);
    CHECK(strcmp(whsig_status_string(WHSIG_ERR_BUFFER_TOO_SMALL), "buffer_too_small") == 0);
    CHECK(WHSIG_ERR_NOT_BASE64 == -3);
}

/* ------------------------------------------------------------------------ */
/* Keys                                                                     */
/* ------------------------------------------------------------------------ */

static void test_public_keys(void) {
    static const char *const formats[] = {
        "rsa2048-spki.pem",         "rsa2048-spki.b64",         "rsa2048-spki.der", "rsa2048-spki-wrapped.b64",
        "rsa2048-pkcs1-public.pem", "rsa2048-pkcs1-public.der", "rsa2048-cert.pem", "rsa2048-cert.der",
        "rsa2048-public.jwk"};
    static const struct {
        const char *file;
        whsig_status status;
    } bad[] = {
        {"bad-ec-public.pem", WHSIG_ERR_EC_KEY},
        {"bad-ed25519-public.pem", WHSIG_ERR_ED25519_KEY},
        {"bad-dsa-public.pem", WHSIG_ERR_DSA_KEY},
        {"bad-rsa512-public.b64", WHSIG_ERR_KEY_TOO_SMALL},
        {"bad-encrypted-pkcs8.pem", WHSIG_ERR_ENCRYPTED_PRIVATE_KEY},
        {"bad-csr.pem", WHSIG_ERR_UNSUPPORTED_PEM_TYPE},
        {"bad-openssh-private.pem", WHSIG_ERR_UNSUPPORTED_PEM_TYPE},
        {"rsa2048-pkcs8.pem", WHSIG_ERR_PRIVATE_KEY_GIVEN},
        {"rsa2048-pkcs1-private.pem", WHSIG_ERR_PRIVATE_KEY_GIVEN},
        {"bad-ec-private-pkcs8.pem", 0},
        {"bad-ec-private-sec1.pem", 0},
        {"bad-ed25519-private.pem", 0},
        {"bad-dsa-private.pem", 0},
        {"bad-encrypted-legacy.pem", 0},
    };
    size_t i;
    int backend;
    whsig_public_key *key;
    char fingerprint[WHSIG_KEY_ID_SIZE];

    for (i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        blob b = read_file(keys_dir, formats[i]);
        for (backend = WHSIG_BACKEND_OPENSSL; backend <= WHSIG_BACKEND_GCRYPT; backend++) {
            key = (whsig_public_key *)SENTINEL;
            if (backend == WHSIG_BACKEND_OPENSSL) {
                EXPECT(whsig_public_key_parse(b.data, b.len, &key), WHSIG_OK);
            } else {
                EXPECT(whsig_public_key_parse_with_backend(b.data, b.len, WHSIG_BACKEND_GCRYPT, &key), WHSIG_OK);
            }
            CHECK(strcmp(whsig_last_error(), "") == 0);
            CHECK(key != NULL && key != SENTINEL);
            memset(fingerprint, 'x', sizeof fingerprint);
            EXPECT(whsig_public_key_fingerprint(key, fingerprint), WHSIG_OK);
            CHECK(fingerprint[64] == '\0' && strcmp(fingerprint, expected_fingerprint) == 0);
            EXPECT(whsig_verify(key, WHSIG_SHA512_WITH_RSA, u8(expected_body), strlen(expected_body), expected_sha512,
                                strlen(expected_sha512)),
                   WHSIG_OK);
            whsig_public_key_free(key);
        }
        free(b.data);
    }

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        blob b = read_file(keys_dir, bad[i].file);
        key = (whsig_public_key *)SENTINEL;
        if (bad[i].status != 0) {
            EXPECT(whsig_public_key_parse(b.data, b.len, &key), bad[i].status);
        } else {
            EXPECT_ERROR(whsig_public_key_parse(b.data, b.len, &key));
        }
        CHECK(key == NULL);
        CHECK(whsig_last_error()[0] != '\0');
        free(b.data);
    }

    /* Bad arguments and malformed text. */
    key = (whsig_public_key *)SENTINEL;
    EXPECT(whsig_public_key_parse(NULL, 10, &key), WHSIG_ERR_NULL_ARGUMENT);
    CHECK(key == NULL);
    EXPECT(whsig_public_key_parse(NULL, 0, &key), WHSIG_ERR_NULL_ARGUMENT);
    EXPECT(whsig_public_key_parse("abc", 3, NULL), WHSIG_ERR_NULL_ARGUMENT);
    EXPECT(whsig_public_key_parse_with_backend("abc", 3, WHSIG_BACKEND_GCRYPT, NULL), WHSIG_ERR_NULL_ARGUMENT);
    key = (whsig_public_key *)SENTINEL;
    EXPECT(whsig_public_key_parse("", 0, &key), WHSIG_ERR_EMPTY_INPUT);
    CHECK(key == NULL);
    EXPECT(whsig_public_key_parse(" \n\t ", 4, &key), WHSIG_ERR_EMPTY_INPUT);
    EXPECT(whsig_public_key_parse("MIGfMA0G*SqGSIb3", 16, &key), WHSIG_ERR_NOT_BASE64);
    EXPECT(whsig_public_key_parse("\xff\x00\x13\x37", 4, &key), WHSIG_ERR_UNRECOGNIZED_FORMAT);
    EXPECT(whsig_public_key_parse("-----BEGIN PUBLIC KEY-----\nMIGf\n", 32, &key), WHSIG_ERR_INVALID_PEM);
    EXPECT(whsig_public_key_parse("{\"kty\":\"RSA\",\"e\":\"AQAB\"}", 24, &key), WHSIG_ERR_INVALID_JWK);
    key = (whsig_public_key *)SENTINEL;
    EXPECT(whsig_public_key_parse_with_backend("abc", 3, (whsig_backend)99, &key), WHSIG_ERR_UNKNOWN_BACKEND);
    CHECK(key == NULL);
    EXPECT(whsig_public_key_parse_with_backend("abc", 3, (whsig_backend)0, &key), WHSIG_ERR_UNKNOWN_BACKEND);
    EXPECT(whsig_public_key_parse("abc", (size_t)-1, &key), WHSIG_ERR_INPUT_TOO_LARGE);
    CHECK(key == NULL);

    /* Fingerprint arguments. */
    EXPECT(whsig_public_key_fingerprint(NULL, fingerprint), WHSIG_ERR_NULL_ARGUMENT);
    EXPECT(whsig_public_key_fingerprint(pub2048, NULL), WHSIG_ERR_NULL_ARGUMENT);

    whsig_public_key_free(NULL);
}

static void test_private_keys(void) {
    static const char *const formats[] = {"rsa2048-pkcs8.pem", "rsa2048-pkcs8.b64", "rsa2048-pkcs8.der",
                                          "rsa2048-pkcs1-private.pem", "rsa2048-private.jwk"};
    static const struct {
        const char *file;
        whsig_status status;
    } bad[] = {
        {"rsa2048-spki.pem", WHSIG_ERR_PUBLIC_KEY_GIVEN},
        {"rsa2048-cert.pem", WHSIG_ERR_PUBLIC_KEY_GIVEN},
        {"rsa2048-spki.der", WHSIG_ERR_PUBLIC_KEY_GIVEN},
        {"bad-encrypted-pkcs8.pem", WHSIG_ERR_ENCRYPTED_PRIVATE_KEY},
        {"bad-encrypted-legacy.pem", WHSIG_ERR_ENCRYPTED_PRIVATE_KEY},
        {"bad-ec-private-sec1.pem", WHSIG_ERR_EC_KEY},
        {"bad-ec-private-pkcs8.pem", WHSIG_ERR_EC_KEY},
        {"bad-ed25519-private.pem", WHSIG_ERR_ED25519_KEY},
        {"bad-dsa-private.pem", WHSIG_ERR_DSA_KEY},
        {"bad-openssh-private.pem", WHSIG_ERR_UNSUPPORTED_PEM_TYPE},
    };
    size_t i;
    int backend;
    whsig_private_key *key;
    char out[1024];
    size_t out_len;

    for (i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        blob b = read_file(keys_dir, formats[i]);
        for (backend = WHSIG_BACKEND_OPENSSL; backend <= WHSIG_BACKEND_GCRYPT; backend++) {
            key = (whsig_private_key *)SENTINEL;
            if (backend == WHSIG_BACKEND_OPENSSL) {
                EXPECT(whsig_private_key_parse(b.data, b.len, &key), WHSIG_OK);
            } else {
                EXPECT(whsig_private_key_parse_with_backend(b.data, b.len, WHSIG_BACKEND_GCRYPT, &key), WHSIG_OK);
            }
            CHECK(key != NULL && key != SENTINEL);
            EXPECT(whsig_sign(key, WHSIG_SHA512_WITH_RSA, u8(expected_body), strlen(expected_body), out, sizeof out,
                              &out_len),
                   WHSIG_OK);
            CHECK(out_len == strlen(expected_sha512) && strcmp(out, expected_sha512) == 0);
            whsig_private_key_free(key);
        }
        free(b.data);
    }

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        blob b = read_file(keys_dir, bad[i].file);
        key = (whsig_private_key *)SENTINEL;
        EXPECT(whsig_private_key_parse(b.data, b.len, &key), bad[i].status);
        CHECK(key == NULL);
        key = (whsig_private_key *)SENTINEL;
        EXPECT(whsig_private_key_parse_with_backend(b.data, b.len, WHSIG_BACKEND_GCRYPT, &key), bad[i].status);
        CHECK(key == NULL);
        free(b.data);
    }

    /* Truncated DER. */
    {
        blob b = read_file(keys_dir, "rsa2048-pkcs8.der");
        key = (whsig_private_key *)SENTINEL;
        EXPECT(whsig_private_key_parse(b.data, b.len - 1, &key), WHSIG_ERR_TRUNCATED);
        CHECK(key == NULL);
        free(b.data);
    }

    key = (whsig_private_key *)SENTINEL;
    EXPECT(whsig_private_key_parse(NULL, 5, &key), WHSIG_ERR_NULL_ARGUMENT);
    CHECK(key == NULL);
    EXPECT(whsig_private_key_parse("abc", 3, NULL), WHSIG_ERR_NULL_ARGUMENT);
    EXPECT(whsig_private_key_parse("", 0, &key), WHSIG_ERR_EMPTY_INPUT);
    EXPECT(whsig_private_key_parse_with_backend("abc", 3, (whsig_backend)7, &key), WHSIG_ERR_UNKNOWN_BACKEND);
    CHECK(key == NULL);
    EXPECT(whsig_private_key_parse_with_backend(NULL, 0, WHSIG_BACKEND_OPENSSL, &key), WHSIG_ERR_NULL_ARGUMENT);
    whsig_private_key_free(NULL);
}

/* ------------------------------------------------------------------------ */
/* Verify and sign                                                          */
/* ------------------------------------------------------------------------ */

static void test_verify(void) {
    const char *body = expected_body;
    size_t body_len = strlen(body);
    size_t sha_len = strlen(expected_sha512);
    char tampered[256];
    char signature[1024];
    whsig_public_key *keys[2];
    int k;

    keys[0] = pub2048;
    keys[1] = pub2048_gcrypt;
    for (k = 0; k < 2; k++) {
        whsig_public_key *key = keys[k];
        EXPECT(whsig_verify(key, WHSIG_SHA512_WITH_RSA, u8(body), body_len, expected_sha512, sha_len), WHSIG_OK);
        CHECK(strcmp(whsig_last_error(), "") == 0);
        EXPECT(whsig_verify(key, WHSIG_MD5_WITH_RSA, u8(body), body_len, expected_md5, strlen(expected_md5)),
               WHSIG_OK);
        /* Wrong algorithm. */
        EXPECT(whsig_verify(key, WHSIG_MD5_WITH_RSA, u8(body), body_len, expected_sha512, sha_len),
               WHSIG_INVALID_SIGNATURE);
        CHECK(whsig_last_error()[0] != '\0');
        EXPECT(whsig_verify(key, WHSIG_SHA512_WITH_RSA, u8(body), body_len, expected_md5, strlen(expected_md5)),
               WHSIG_INVALID_SIGNATURE);
        /* Tampered body: one byte changed, one byte more, one less, empty. */
        memcpy(tampered, body, body_len + 1);
        tampered[2] ^= 1;
        EXPECT(whsig_verify(key, WHSIG_SHA512_WITH_RSA, u8(tampered), body_len, expected_sha512, sha_len),
               WHSIG_INVALID_SIGNATURE);
        memcpy(tampered, body, body_len);
        tampered[body_len] = '\n';
        EXPECT(whsig_verify(key, WHSIG_SHA512_WITH_RSA, u8(tampered), body_len + 1, expected_sha512, sha_len),
               WHSIG_INVALID_SIGNATURE);
        EXPECT(whsig_verify(key, WHSIG_SHA512_WITH_RSA, u8(body), body_len - 1, expected_sha512, sha_len),
               WHSIG_INVALID_SIGNATURE);
        EXPECT(whsig_verify(key, WHSIG_SHA512_WITH_RSA, NULL, 0, expected_sha512, sha_len), WHSIG_INVALID_SIGNATURE);
        /* Wrong length, empty, not base64, non-canonical base64, tampered signature. */
        EXPECT(whsig_verify(key, WHSIG_SHA512_WITH_RSA, u8(body), body_len, expected_sha512, sha_len - 4),
               WHSIG_INVALID_SIGNATURE);
        EXPECT(whsig_verify(key, WHSIG_SHA512_WITH_RSA, u8(body), body_len, expected_sha512, 0),
               WHSIG_INVALID_SIGNATURE);
        EXPECT(whsig_verify(key, WHSIG_SHA512_WITH_RSA, u8(body), body_len, "", 0), WHSIG_INVALID_SIGNATURE);
        memcpy(signature, expected_sha512, sha_len + 1);
        signature[10] = '*';
        EXPECT(whsig_verify(key, WHSIG_SHA512_WITH_RSA, u8(body), body_len, signature, sha_len),
               WHSIG_INVALID_SIGNATURE);
        memcpy(signature, expected_sha512, sha_len + 1);
        signature[sha_len - 3] = signature[sha_len - 3] == 'A' ? 'B' : 'A'; /* other bytes, still base64 */
        EXPECT(whsig_verify(key, WHSIG_SHA512_WITH_RSA, u8(body), body_len, signature, sha_len),
               WHSIG_INVALID_SIGNATURE);
        memcpy(signature, expected_sha512, sha_len + 1);
        signature[sha_len - 2] = signature[sha_len - 2] == 'B' ? 'C' : 'B'; /* non-zero unused bits before '=' */
        EXPECT(whsig_verify(key, WHSIG_SHA512_WITH_RSA, u8(body), body_len, signature, sha_len),
               WHSIG_INVALID_SIGNATURE);
        memset(signature, 'A', sha_len);
        EXPECT(whsig_verify(key, WHSIG_SHA512_WITH_RSA, u8(body), body_len, signature, sha_len),
               WHSIG_INVALID_SIGNATURE);
        /* The signature-text rule: surrounding ASCII whitespace is trimmed, whitespace inside is invalid. */
        signature[0] = ' ';
        signature[1] = '\t';
        memcpy(signature + 2, expected_sha512, sha_len);
        signature[sha_len + 2] = '\r';
        signature[sha_len + 3] = '\n';
        EXPECT(whsig_verify(key, WHSIG_SHA512_WITH_RSA, u8(body), body_len, signature, sha_len + 4), WHSIG_OK);
        memcpy(signature, expected_sha512, 40);
        signature[40] = ' ';
        memcpy(signature + 41, expected_sha512 + 40, sha_len - 40);
        EXPECT(whsig_verify(key, WHSIG_SHA512_WITH_RSA, u8(body), body_len, signature, sha_len + 1),
               WHSIG_INVALID_SIGNATURE);
        memset(signature, '/', sha_len); /* above the modulus */
        EXPECT(whsig_verify(key, WHSIG_SHA512_WITH_RSA, u8(body), body_len, signature, sha_len),
               WHSIG_INVALID_SIGNATURE);
        /* A signature with an embedded NUL: lengths, not NUL termination, count. */
        memcpy(signature, expected_sha512, sha_len + 1);
        signature[5] = '\0';
        EXPECT(whsig_verify(key, WHSIG_SHA512_WITH_RSA, u8(body), body_len, signature, sha_len),
               WHSIG_INVALID_SIGNATURE);

        /* Bad arguments. */
        EXPECT(whsig_verify(key, (whsig_algorithm)99, u8(body), body_len, expected_sha512, sha_len),
               WHSIG_ERR_UNKNOWN_ALGORITHM);
        CHECK(whsig_last_error()[0] != '\0');
        EXPECT(whsig_verify(key, (whsig_algorithm)0, u8(body), body_len, expected_sha512, sha_len),
               WHSIG_ERR_UNKNOWN_ALGORITHM);
        EXPECT(whsig_verify(key, (whsig_algorithm)-1, u8(body), body_len, expected_sha512, sha_len),
               WHSIG_ERR_UNKNOWN_ALGORITHM);
        EXPECT(whsig_verify(key, WHSIG_SHA512_WITH_RSA, NULL, body_len, expected_sha512, sha_len),
               WHSIG_ERR_NULL_ARGUMENT);
        EXPECT(whsig_verify(key, WHSIG_SHA512_WITH_RSA, u8(body), body_len, NULL, sha_len), WHSIG_ERR_NULL_ARGUMENT);
        EXPECT(whsig_verify(key, WHSIG_SHA512_WITH_RSA, u8(body), body_len, NULL, 0), WHSIG_ERR_NULL_ARGUMENT);
        EXPECT(whsig_verify(key, WHSIG_SHA512_WITH_RSA, u8(body), (size_t)-1, expected_sha512, sha_len),
               WHSIG_ERR_INPUT_TOO_LARGE);
    }
    EXPECT(whsig_verify(NULL, WHSIG_SHA512_WITH_RSA, u8(body), body_len, expected_sha512, sha_len),
           WHSIG_ERR_NULL_ARGUMENT);
    EXPECT(whsig_verify(NULL, (whsig_algorithm)99, NULL, 5, NULL, 5), WHSIG_ERR_NULL_ARGUMENT);
    /* The detail is cleared by the next success. */
    EXPECT(whsig_verify(pub2048, WHSIG_SHA512_WITH_RSA, u8(body), body_len, expected_sha512, sha_len), WHSIG_OK);
    CHECK(strcmp(whsig_last_error(), "") == 0);
}

static void test_sign(void) {
    const char *body = expected_body;
    size_t body_len = strlen(body);
    size_t sha_len = strlen(expected_sha512);
    char out[1024];
    char small[16];
    size_t out_len;

    CHECK(sha_len == 344);
    EXPECT(whsig_sign(priv2048, WHSIG_SHA512_WITH_RSA, u8(body), body_len, out, sizeof out, &out_len), WHSIG_OK);
    CHECK(out_len == 344 && strlen(out) == 344 && strcmp(out, expected_sha512) == 0);
    CHECK(strcmp(whsig_last_error(), "") == 0);
    EXPECT(whsig_sign(priv2048, WHSIG_MD5_WITH_RSA, u8(body), body_len, out, sizeof out, &out_len), WHSIG_OK);
    CHECK(strcmp(out, expected_md5) == 0);
    EXPECT(whsig_sign(priv2048_gcrypt, WHSIG_MD5_WITH_RSA, u8(body), body_len, out, sizeof out, &out_len), WHSIG_OK);
    CHECK(strcmp(out, expected_md5) == 0);

    /* Empty body, NULL pointer: signs, and verifies. */
    EXPECT(whsig_sign(priv2048, WHSIG_SHA512_WITH_RSA, NULL, 0, out, sizeof out, &out_len), WHSIG_OK);
    EXPECT(whsig_verify(pub2048, WHSIG_SHA512_WITH_RSA, NULL, 0, out, out_len), WHSIG_OK);
    EXPECT(whsig_verify(pub2048, WHSIG_SHA512_WITH_RSA, u8(""), 0, out, out_len), WHSIG_OK);
    EXPECT(whsig_verify(pub2048_gcrypt, WHSIG_SHA512_WITH_RSA, NULL, 0, out, out_len), WHSIG_OK);
    EXPECT(whsig_verify(pub2048, WHSIG_SHA512_WITH_RSA, u8(body), body_len, out, out_len), WHSIG_INVALID_SIGNATURE);
    EXPECT(whsig_sign(priv2048, WHSIG_MD5_WITH_RSA, u8(""), 0, out, sizeof out, &out_len), WHSIG_OK);
    EXPECT(whsig_verify(pub2048, WHSIG_MD5_WITH_RSA, NULL, 0, out, out_len), WHSIG_OK);

    /* Buffer sizes: the text and the NUL must fit; too small writes nothing and says the need. */
    out_len = 0;
    memset(small, 'z', sizeof small);
    EXPECT(whsig_sign(priv2048, WHSIG_SHA512_WITH_RSA, u8(body), body_len, small, sizeof small, &out_len),
           WHSIG_ERR_BUFFER_TOO_SMALL);
    CHECK(out_len == 344);
    CHECK(small[0] == 'z' && small[15] == 'z');
    CHECK(whsig_last_error()[0] != '\0');
    out_len = 0;
    EXPECT(whsig_sign(priv2048, WHSIG_SHA512_WITH_RSA, u8(body), body_len, NULL, 0, &out_len),
           WHSIG_ERR_BUFFER_TOO_SMALL);
    CHECK(out_len == 344);
    EXPECT(whsig_sign(priv2048, WHSIG_SHA512_WITH_RSA, u8(body), body_len, out, 344, &out_len),
           WHSIG_ERR_BUFFER_TOO_SMALL);
    CHECK(out_len == 344);
    memset(out, 'z', sizeof out);
    EXPECT(whsig_sign(priv2048, WHSIG_SHA512_WITH_RSA, u8(body), body_len, out, 345, &out_len), WHSIG_OK);
    CHECK(out_len == 344 && out[344] == '\0' && strcmp(out, expected_sha512) == 0);
    EXPECT(whsig_sign(priv2048, WHSIG_SHA512_WITH_RSA, u8(body), body_len, out, (size_t)-1, &out_len), WHSIG_OK);

    /* Bad arguments: never a crash, *out_len zeroed. */
    out_len = 77;
    EXPECT(whsig_sign(NULL, WHSIG_SHA512_WITH_RSA, u8(body), body_len, out, sizeof out, &out_len),
           WHSIG_ERR_NULL_ARGUMENT);
    CHECK(out_len == 0);
    EXPECT(whsig_sign(priv2048, (whsig_algorithm)99, u8(body), body_len, out, sizeof out, &out_len),
           WHSIG_ERR_UNKNOWN_ALGORITHM);
    EXPECT(whsig_sign(priv2048, WHSIG_SHA512_WITH_RSA, NULL, 3, out, sizeof out, &out_len), WHSIG_ERR_NULL_ARGUMENT);
    EXPECT(whsig_sign(priv2048, WHSIG_SHA512_WITH_RSA, u8(body), body_len, out, sizeof out, NULL),
           WHSIG_ERR_NULL_ARGUMENT);
    EXPECT(whsig_sign(priv2048, WHSIG_SHA512_WITH_RSA, u8(body), body_len, NULL, sizeof out, &out_len),
           WHSIG_ERR_NULL_ARGUMENT);
    EXPECT(whsig_sign(priv2048, WHSIG_SHA512_WITH_RSA, u8(body), (size_t)-1, out, sizeof out, &out_len),
           WHSIG_ERR_INPUT_TOO_LARGE);
}

/* ------------------------------------------------------------------------ */
/* Digest and canonicalisation                                              */
/* ------------------------------------------------------------------------ */

static void test_digest(void) {
    uint8_t out[64];
    char text[129];
    size_t out_len;

    EXPECT(whsig_digest(WHSIG_MD5_WITH_RSA, u8("abc"), 3, out, sizeof out, &out_len), WHSIG_OK);
    hex(out, out_len, text);
    CHECK(out_len == 16 && strcmp(text, "900150983cd24fb0d6963f7d28e17f72") == 0);
    EXPECT(whsig_digest(WHSIG_MD5_WITH_RSA, NULL, 0, out, 16, &out_len), WHSIG_OK);
    hex(out, out_len, text);
    CHECK(strcmp(text, "d41d8cd98f00b204e9800998ecf8427e") == 0);
    EXPECT(whsig_digest(WHSIG_SHA512_WITH_RSA, u8("abc"), 3, out, sizeof out, &out_len), WHSIG_OK);
    hex(out, out_len, text);
    CHECK(out_len == 64 && strcmp(text,
                                  "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                                  "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f") == 0);
    out_len = 0;
    EXPECT(whsig_digest(WHSIG_SHA512_WITH_RSA, u8("abc"), 3, out, 63, &out_len), WHSIG_ERR_BUFFER_TOO_SMALL);
    CHECK(out_len == 64);
    EXPECT(whsig_digest(WHSIG_MD5_WITH_RSA, u8("abc"), 3, NULL, 0, &out_len), WHSIG_ERR_BUFFER_TOO_SMALL);
    CHECK(out_len == 16);
    EXPECT(whsig_digest((whsig_algorithm)99, u8("abc"), 3, out, sizeof out, &out_len), WHSIG_ERR_UNKNOWN_ALGORITHM);
    CHECK(out_len == 0);
    EXPECT(whsig_digest(WHSIG_MD5_WITH_RSA, NULL, 3, out, sizeof out, &out_len), WHSIG_ERR_NULL_ARGUMENT);
    EXPECT(whsig_digest(WHSIG_MD5_WITH_RSA, u8("abc"), 3, out, sizeof out, NULL), WHSIG_ERR_NULL_ARGUMENT);
    EXPECT(whsig_digest(WHSIG_MD5_WITH_RSA, u8("abc"), 3, NULL, sizeof out, &out_len), WHSIG_ERR_NULL_ARGUMENT);
}

static void test_canonicalize(void) {
    uint8_t out[256];
    size_t out_len;
    const char *pretty = "{ \"a\" : [1, 2.50, \"x y\"],\n  \"b\": null }";
    const char *compact = "{\"a\":[1,2.50,\"x y\"],\"b\":null}";
    const char *unordered = "{\"b\":1, \"a\":1e2, \"c\":\"\\u00e9\"}";
    const char *jcs = "{\"a\":100,\"b\":1,\"c\":\"\xc3\xa9\"}";

    EXPECT(whsig_canonicalize(WHSIG_CANONICAL_RAW, u8(pretty), strlen(pretty), out, sizeof out, &out_len), WHSIG_OK);
    CHECK(out_len == strlen(pretty) && memcmp(out, pretty, out_len) == 0);
    EXPECT(whsig_canonicalize(WHSIG_CANONICAL_RAW, NULL, 0, NULL, 0, &out_len), WHSIG_OK);
    CHECK(out_len == 0);
    EXPECT(whsig_canonicalize(WHSIG_CANONICAL_COMPACT, u8(pretty), strlen(pretty), out, sizeof out, &out_len),
           WHSIG_OK);
    CHECK(out_len == strlen(compact) && memcmp(out, compact, out_len) == 0);
    EXPECT(whsig_canonicalize(WHSIG_CANONICAL_JCS, u8(unordered), strlen(unordered), out, sizeof out, &out_len),
           WHSIG_OK);
    CHECK(out_len == strlen(jcs) && memcmp(out, jcs, out_len) == 0);

    /* Too small, size query. */
    EXPECT(whsig_canonicalize(WHSIG_CANONICAL_COMPACT, u8(pretty), strlen(pretty), out, 3, &out_len),
           WHSIG_ERR_BUFFER_TOO_SMALL);
    CHECK(out_len == strlen(compact));
    EXPECT(whsig_canonicalize(WHSIG_CANONICAL_RAW, u8(pretty), strlen(pretty), NULL, 0, &out_len),
           WHSIG_ERR_BUFFER_TOO_SMALL);
    CHECK(out_len == strlen(pretty));
    EXPECT(whsig_canonicalize(WHSIG_CANONICAL_JCS, u8("1e20"), 4, out, 4, &out_len), WHSIG_ERR_BUFFER_TOO_SMALL);
    CHECK(out_len == 21);

    /* JSON errors. */
    EXPECT(whsig_canonicalize(WHSIG_CANONICAL_COMPACT, u8("{\"a\":1,}"), 8, out, sizeof out, &out_len),
           WHSIG_ERR_INVALID_JSON);
    CHECK(strstr(whsig_last_error(), "7") != NULL || whsig_last_error()[0] != '\0');
    EXPECT(whsig_canonicalize(WHSIG_CANONICAL_JCS, NULL, 0, out, sizeof out, &out_len), WHSIG_ERR_INVALID_JSON);
    EXPECT(whsig_canonicalize(WHSIG_CANONICAL_JCS, u8("{\"a\":1,\"a\":2}"), 13, out, sizeof out, &out_len),
           WHSIG_ERR_INVALID_JSON);
    CHECK(strstr(whsig_last_error(), "duplicate member name") != NULL);
    EXPECT(whsig_canonicalize(WHSIG_CANONICAL_COMPACT, u8("{\"a\":1,\"a\":2}"), 13, out, sizeof out, &out_len),
           WHSIG_ERR_INVALID_JSON);
    EXPECT(whsig_canonicalize(WHSIG_CANONICAL_JCS, u8("1e999"), 5, out, sizeof out, &out_len),
           WHSIG_ERR_INVALID_NUMBER);
    EXPECT(whsig_canonicalize(WHSIG_CANONICAL_COMPACT, u8("\"\xff\""), 3, out, sizeof out, &out_len),
           WHSIG_ERR_NOT_UTF8);

    /* Bad arguments. */
    EXPECT(whsig_canonicalize((whsig_canonical_mode)9, u8("1"), 1, out, sizeof out, &out_len),
           WHSIG_ERR_UNKNOWN_CANONICAL_MODE);
    EXPECT(whsig_canonicalize(WHSIG_CANONICAL_RAW, NULL, 4, out, sizeof out, &out_len), WHSIG_ERR_NULL_ARGUMENT);
    EXPECT(whsig_canonicalize(WHSIG_CANONICAL_RAW, u8("1"), 1, out, sizeof out, NULL), WHSIG_ERR_NULL_ARGUMENT);
    EXPECT(whsig_canonicalize(WHSIG_CANONICAL_RAW, u8("1"), 1, NULL, 5, &out_len), WHSIG_ERR_NULL_ARGUMENT);
}

/* ------------------------------------------------------------------------ */
/* Keyrings and deliveries                                                  */
/* ------------------------------------------------------------------------ */

static char *keyring_json(const char *public_key_b64, const char *extra) {
    size_t n = strlen(public_key_b64) + strlen(extra) + 128;
    char *text = malloc(n);
    if (text != NULL) {
        snprintf(text, n, "{\"version\":1,\"keys\":[{\"label\":\"test\",\"publicKey\":\"%s\"%s}]}", public_key_b64,
                 extra);
    }
    return text;
}

static void test_keyring(void) {
    blob b64 = read_file(keys_dir, "rsa2048-spki.b64");
    char *json;
    char *retired;
    whsig_keyring *ring;
    whsig_keyring *ring2;
    whsig_keyring *ring_retired;
    const char *body = expected_body;
    size_t body_len = strlen(body);
    char key_id[WHSIG_KEY_ID_SIZE];
    const char *names[4];
    size_t name_lens[4];
    const char *values[4];
    size_t value_lens[4];
    const char *pretty = "{ \"id\": \"e1\",\n  \"name\": \"OrderStatus\" }\n";
    size_t i;

    /* b64 may end with a newline. */
    while (b64.len > 0 && (b64.data[b64.len - 1] == '\n' || b64.data[b64.len - 1] == '\r')) b64.data[--b64.len] = 0;
    json = keyring_json(b64.data, "");
    retired = keyring_json(b64.data, ",\"retired\":true");

    ring = (whsig_keyring *)SENTINEL;
    EXPECT(whsig_keyring_load_json(json, strlen(json), &ring), WHSIG_OK);
    CHECK(ring != NULL && ring != SENTINEL);
    CHECK(whsig_keyring_count(ring) == 1);
    CHECK(whsig_keyring_count(NULL) == 0);
    ring2 = NULL;
    EXPECT(whsig_keyring_load_json_with_backend(json, strlen(json), WHSIG_BACKEND_GCRYPT, &ring2), WHSIG_OK);
    CHECK(whsig_keyring_count(ring2) == 1);
    ring_retired = NULL;
    EXPECT(whsig_keyring_load_json(retired, strlen(retired), &ring_retired), WHSIG_OK);

    /* Failures. */
    whsig_keyring_free(ring);
    ring = (whsig_keyring *)SENTINEL;
    {
        whsig_keyring *bad = (whsig_keyring *)SENTINEL;
        EXPECT(whsig_keyring_load_json("{\"keys\":[{}]}", 13, &bad), WHSIG_ERR_INVALID_KEYRING);
        CHECK(bad == NULL);
        CHECK(strstr(whsig_last_error(), "keys[0]") != NULL);
        bad = (whsig_keyring *)SENTINEL;
        EXPECT(whsig_keyring_load_json("not json", 8, &bad), WHSIG_ERR_INVALID_KEYRING);
        CHECK(bad == NULL);
        EXPECT(whsig_keyring_load_json("{\"keys\":[{\"publicKey\":\"MIIB\"}]}", 31, &bad), WHSIG_ERR_INVALID_KEYRING);
        EXPECT(whsig_keyring_load_json(NULL, 3, &bad), WHSIG_ERR_NULL_ARGUMENT);
        EXPECT(whsig_keyring_load_json("{}", 2, NULL), WHSIG_ERR_NULL_ARGUMENT);
        bad = (whsig_keyring *)SENTINEL;
        EXPECT(whsig_keyring_load_json_with_backend(json, strlen(json), (whsig_backend)3, &bad),
               WHSIG_ERR_UNKNOWN_BACKEND);
        CHECK(bad == NULL);
        bad = (whsig_keyring *)SENTINEL;
        EXPECT(whsig_keyring_from_public_key(NULL, &bad), WHSIG_ERR_NULL_ARGUMENT);
        CHECK(bad == NULL);
        EXPECT(whsig_keyring_from_public_key(pub2048, NULL), WHSIG_ERR_NULL_ARGUMENT);
    }
    EXPECT(whsig_keyring_load_json(json, strlen(json), &ring), WHSIG_OK);

    /* Deliveries. Other headers are ignored; names are matched in any case. */
    names[0] = "Content-Type";
    values[0] = "application/json";
    names[1] = "Fluent-Signature";
    values[1] = expected_sha512;
    names[2] = "flex.signature";
    values[2] = expected_md5;
    names[3] = "X-Other";
    values[3] = "1";
    for (i = 0; i < 4; i++) {
        name_lens[i] = strlen(names[i]);
        value_lens[i] = strlen(values[i]);
    }

    memset(key_id, 'x', sizeof key_id);
    EXPECT(whsig_verify_webhook(ring, 0, WHSIG_CANONICAL_RAW, names, name_lens, values, value_lens, 4, u8(body),
                                body_len, key_id),
           WHSIG_OK);
    CHECK(strcmp(key_id, expected_fingerprint) == 0);
    CHECK(strcmp(whsig_last_error(), "") == 0);
    EXPECT(whsig_verify_webhook(ring2, WHSIG_POLICY_REQUIRE_BOTH, WHSIG_CANONICAL_RAW, names, NULL, values, NULL, 4,
                                u8(body), body_len, NULL),
           WHSIG_OK);
    EXPECT(whsig_verify_webhook(ring, WHSIG_POLICY_ALLOW_MD5 | WHSIG_POLICY_REQUIRE_BOTH, WHSIG_CANONICAL_RAW, names,
                                name_lens, values, NULL, 4, u8(body), body_len, key_id),
           WHSIG_OK);

    /* A tampered body: invalid, with the reason. */
    memset(key_id, 'x', sizeof key_id);
    EXPECT(whsig_verify_webhook(ring, 0, WHSIG_CANONICAL_RAW, names, name_lens, values, value_lens, 4, u8(pretty),
                                strlen(pretty), key_id),
           WHSIG_INVALID_SIGNATURE);
    CHECK(key_id[0] == '\0');
    CHECK(strstr(whsig_last_error(), "fluent-signature") != NULL);
    /* ...which verifies once compacted, as the sender's compact form. */
    EXPECT(whsig_verify_webhook(ring, 0, WHSIG_CANONICAL_COMPACT, names, name_lens, values, value_lens, 4, u8(pretty),
                                strlen(pretty), key_id),
           WHSIG_OK);
    CHECK(strcmp(key_id, expected_fingerprint) == 0);
    EXPECT(whsig_verify_webhook(ring, 0, WHSIG_CANONICAL_JCS, names, name_lens, values, value_lens, 4, u8(body),
                                body_len, key_id),
           WHSIG_OK);
    EXPECT(whsig_verify_webhook(ring, 0, WHSIG_CANONICAL_JCS, names, name_lens, values, value_lens, 4, u8("{,"), 2,
                                key_id),
           WHSIG_ERR_INVALID_JSON);

    /* Only flex.signature: refused by default, accepted with ALLOW_MD5. */
    EXPECT(whsig_verify_webhook(ring, 0, WHSIG_CANONICAL_RAW, names + 2, name_lens + 2, values + 2, value_lens + 2, 1,
                                u8(body), body_len, key_id),
           WHSIG_INVALID_SIGNATURE);
    CHECK(strstr(whsig_last_error(), "flex.signature") != NULL);
    EXPECT(whsig_verify_webhook(ring, WHSIG_POLICY_ALLOW_MD5, WHSIG_CANONICAL_RAW, names + 2, name_lens + 2,
                                values + 2, value_lens + 2, 1, u8(body), body_len, key_id),
           WHSIG_OK);
    /* Only fluent-signature under REQUIRE_BOTH. */
    EXPECT(whsig_verify_webhook(ring, WHSIG_POLICY_REQUIRE_BOTH, WHSIG_CANONICAL_RAW, names, name_lens, values,
                                value_lens, 2, u8(body), body_len, key_id),
           WHSIG_INVALID_SIGNATURE);
    /* A header count above WHSIG_MAX_HEADER_COUNT is refused before the arrays are read, never a trap;
       at the limit, the arrays are read (the signature header is found among many others). */
    EXPECT(whsig_verify_webhook(ring, 0, WHSIG_CANONICAL_RAW, names, name_lens, values, value_lens,
                                (size_t)WHSIG_MAX_HEADER_COUNT + 1, u8(body), body_len, key_id),
           WHSIG_ERR_INPUT_TOO_LARGE);
    CHECK(strstr(whsig_last_error(), "header_count") != NULL);
    EXPECT(whsig_verify_webhook(ring, 0, WHSIG_CANONICAL_RAW, names, name_lens, values, value_lens, SIZE_MAX / 4,
                                u8(body), body_len, key_id),
           WHSIG_ERR_INPUT_TOO_LARGE);
    EXPECT(whsig_verify_webhook(ring, 0, WHSIG_CANONICAL_RAW, names, name_lens, values, value_lens, SIZE_MAX,
                                u8(body), body_len, key_id),
           WHSIG_ERR_INPUT_TOO_LARGE);
    {
        const char **many_names = calloc(WHSIG_MAX_HEADER_COUNT, sizeof *many_names);
        const char **many_values = calloc(WHSIG_MAX_HEADER_COUNT, sizeof *many_values);
        CHECK(many_names != NULL && many_values != NULL);
        if (many_names != NULL && many_values != NULL) {
            size_t h;
            for (h = 0; h < WHSIG_MAX_HEADER_COUNT; h++) {
                many_names[h] = "X-Filler";
                many_values[h] = "1";
            }
            many_names[WHSIG_MAX_HEADER_COUNT - 1] = "fluent-signature";
            many_values[WHSIG_MAX_HEADER_COUNT - 1] = expected_sha512;
            EXPECT(whsig_verify_webhook(ring, 0, WHSIG_CANONICAL_RAW, many_names, NULL, many_values, NULL,
                                        WHSIG_MAX_HEADER_COUNT, u8(body), body_len, key_id),
                   WHSIG_OK);
        }
        free(many_names);
        free(many_values);
    }
    CHECK(strcmp(whsig_status_string(WHSIG_ERR_INPUT_TOO_LARGE), "input_too_large") == 0);
    /* No headers. */
    EXPECT(whsig_verify_webhook(ring, 0, WHSIG_CANONICAL_RAW, NULL, NULL, NULL, NULL, 0, u8(body), body_len, key_id),
           WHSIG_INVALID_SIGNATURE);
    CHECK(strstr(whsig_last_error(), "no fluent-signature") != NULL);
    /* A retired key. */
    EXPECT(whsig_verify_webhook(ring_retired, 0, WHSIG_CANONICAL_RAW, names, name_lens, values, value_lens, 4,
                                u8(body), body_len, key_id),
           WHSIG_INVALID_SIGNATURE);
    CHECK(strstr(whsig_last_error(), "retired") != NULL);
    /* Signatures swapped between headers: wrong algorithm. */
    values[1] = expected_md5;
    value_lens[1] = strlen(expected_md5);
    EXPECT(whsig_verify_webhook(ring, 0, WHSIG_CANONICAL_RAW, names, name_lens, values, value_lens, 2, u8(body),
                                body_len, key_id),
           WHSIG_INVALID_SIGNATURE);
    CHECK(strstr(whsig_last_error(), "MD5withRSA") != NULL);
    values[1] = expected_sha512;
    value_lens[1] = strlen(expected_sha512);

    /* whsig_verify_webhook_verdict: the same verdicts, and the failure code. */
    {
        char code[WHSIG_CODE_SIZE];
        memset(code, 'x', sizeof code);
        memset(key_id, 'x', sizeof key_id);
        EXPECT(whsig_verify_webhook_verdict(ring, 0, WHSIG_CANONICAL_RAW, names, name_lens, values, value_lens, 4,
                                            u8(body), body_len, key_id, code),
               WHSIG_OK);
        CHECK(code[0] == '\0');
        CHECK(strcmp(key_id, expected_fingerprint) == 0);
        EXPECT(whsig_verify_webhook_verdict(ring, 0, WHSIG_CANONICAL_RAW, names, name_lens, values, value_lens, 4,
                                            u8(pretty), strlen(pretty), key_id, code),
               WHSIG_INVALID_SIGNATURE);
        CHECK(strcmp(code, "body_mismatch") == 0);
        CHECK(key_id[0] == '\0');
        CHECK(strstr(whsig_last_error(), "fluent-signature") != NULL);
        EXPECT(whsig_verify_webhook_verdict(ring, 0, WHSIG_CANONICAL_RAW, NULL, NULL, NULL, NULL, 0, u8(body),
                                            body_len, NULL, code),
               WHSIG_INVALID_SIGNATURE);
        CHECK(strcmp(code, "no_signature_header") == 0);
        EXPECT(whsig_verify_webhook_verdict(ring, 0, WHSIG_CANONICAL_RAW, names + 2, name_lens + 2, values + 2,
                                            value_lens + 2, 1, u8(body), body_len, key_id, code),
               WHSIG_INVALID_SIGNATURE);
        CHECK(strcmp(code, "policy_not_met") == 0);
        EXPECT(whsig_verify_webhook_verdict(ring_retired, 0, WHSIG_CANONICAL_RAW, names, name_lens, values,
                                            value_lens, 4, u8(body), body_len, key_id, code),
               WHSIG_INVALID_SIGNATURE);
        CHECK(strcmp(code, "key_retired") == 0);
        EXPECT(whsig_verify_webhook_verdict(ring, 0, WHSIG_CANONICAL_RAW, names, name_lens, values, value_lens, 4,
                                            u8(pretty), strlen(pretty), NULL, NULL),
               WHSIG_INVALID_SIGNATURE);
        memset(code, 'x', sizeof code);
        EXPECT(whsig_verify_webhook_verdict(NULL, 0, WHSIG_CANONICAL_RAW, names, name_lens, values, value_lens, 4,
                                            u8(body), body_len, key_id, code),
               WHSIG_ERR_NULL_ARGUMENT);
        CHECK(code[0] == '\0');
        EXPECT(whsig_verify_webhook_verdict(ring, 0, WHSIG_CANONICAL_JCS, names, name_lens, values, value_lens, 4,
                                            u8("{,"), 2, key_id, code),
               WHSIG_ERR_INVALID_JSON);
        CHECK(code[0] == '\0');
        EXPECT(whsig_verify_webhook_verdict(ring, 0, WHSIG_CANONICAL_RAW, names, name_lens, values, value_lens,
                                            (size_t)WHSIG_MAX_HEADER_COUNT + 1, u8(body), body_len, key_id, code),
               WHSIG_ERR_INPUT_TOO_LARGE);
        CHECK(code[0] == '\0');
    }

    /* Bad arguments. */
    EXPECT(whsig_verify_webhook(NULL, 0, WHSIG_CANONICAL_RAW, names, name_lens, values, value_lens, 4, u8(body),
                                body_len, key_id),
           WHSIG_ERR_NULL_ARGUMENT);
    EXPECT(whsig_verify_webhook(ring, 8, WHSIG_CANONICAL_RAW, names, name_lens, values, value_lens, 4, u8(body),
                                body_len, key_id),
           WHSIG_ERR_UNKNOWN_POLICY_FLAG);
    /* Checking the uncounted header too (diagnosis) never changes the verdict. */
    EXPECT(whsig_verify_webhook(ring, WHSIG_POLICY_CHECK_UNCOUNTED, WHSIG_CANONICAL_RAW, names, name_lens, values,
                                value_lens, 4, u8(body), body_len, key_id),
           WHSIG_OK);
    EXPECT(whsig_verify_webhook(ring, 0x80000000u, WHSIG_CANONICAL_RAW, names, name_lens, values, value_lens, 4,
                                u8(body), body_len, key_id),
           WHSIG_ERR_UNKNOWN_POLICY_FLAG);
    EXPECT(whsig_verify_webhook(ring, 0, (whsig_canonical_mode)3, names, name_lens, values, value_lens, 4, u8(body),
                                body_len, key_id),
           WHSIG_ERR_UNKNOWN_CANONICAL_MODE);
    EXPECT(whsig_verify_webhook(ring, 0, WHSIG_CANONICAL_RAW, NULL, name_lens, values, value_lens, 4, u8(body),
                                body_len, key_id),
           WHSIG_ERR_NULL_ARGUMENT);
    EXPECT(whsig_verify_webhook(ring, 0, WHSIG_CANONICAL_RAW, names, name_lens, NULL, value_lens, 4, u8(body),
                                body_len, key_id),
           WHSIG_ERR_NULL_ARGUMENT);
    EXPECT(whsig_verify_webhook(ring, 0, WHSIG_CANONICAL_RAW, names, name_lens, values, value_lens, 4, NULL, body_len,
                                key_id),
           WHSIG_ERR_NULL_ARGUMENT);
    {
        const char *null_names[2];
        null_names[0] = NULL;
        null_names[1] = "fluent-signature";
        EXPECT(whsig_verify_webhook(ring, 0, WHSIG_CANONICAL_RAW, null_names, NULL, values, value_lens, 2, u8(body),
                                    body_len, key_id),
               WHSIG_ERR_NULL_ARGUMENT);
        name_lens[0] = 0; /* a NULL name with length 0 is an empty name */
        EXPECT(whsig_verify_webhook(ring, 0, WHSIG_CANONICAL_RAW, null_names, name_lens, values, value_lens, 2,
                                    u8(body), body_len, key_id),
               WHSIG_OK);
        name_lens[0] = strlen(names[0]);
    }

    /* A keyring made from one key. */
    whsig_keyring_free(ring2);
    ring2 = (whsig_keyring *)SENTINEL;
    EXPECT(whsig_keyring_from_public_key(pub2048_gcrypt, &ring2), WHSIG_OK);
    CHECK(whsig_keyring_count(ring2) == 1);
    EXPECT(whsig_verify_webhook(ring2, 0, WHSIG_CANONICAL_RAW, names, name_lens, values, value_lens, 4, u8(body),
                                body_len, key_id),
           WHSIG_OK);
    CHECK(strcmp(key_id, expected_fingerprint) == 0);

    whsig_keyring_free(ring);
    whsig_keyring_free(ring2);
    whsig_keyring_free(ring_retired);
    whsig_keyring_free(NULL);
    free(json);
    free(retired);
    free(b64.data);
}

/* ------------------------------------------------------------------------ */
/* The real delivery                                                        */
/* ------------------------------------------------------------------------ */

static void test_real_delivery(void) {
    char dir[4096];
    blob meta;
    blob body;
    char *public_key;
    char *flex;
    char *fluent;
    int backend;

    if (vectors_dir == NULL) {
        printf("NOTE: no reference vectors folder given; the real-delivery checks are skipped\n");
        return;
    }
    snprintf(dir, sizeof dir, "%s/fluent", vectors_dir);
    meta = read_file(dir, "real-webhook.json");
    body = read_file(dir, "real-webhook-body.json");
    public_key = json_string(meta.data, NULL, "publicKeyX509Base64");
    flex = json_string(meta.data, "headers", "flex.signature");
    fluent = json_string(meta.data, "headers", "fluent-signature");
    CHECK(public_key != NULL && flex != NULL && fluent != NULL && body.data != NULL);
    if (public_key == NULL || flex == NULL || fluent == NULL || body.data == NULL) goto done;

    for (backend = WHSIG_BACKEND_OPENSSL; backend <= WHSIG_BACKEND_GCRYPT; backend++) {
        whsig_public_key *key = NULL;
        whsig_keyring *ring = NULL;
        const char *names[2];
        const char *values[2];
        char key_id[WHSIG_KEY_ID_SIZE];
        EXPECT(whsig_public_key_parse_with_backend(public_key, strlen(public_key), (whsig_backend)backend, &key),
               WHSIG_OK);
        if (key == NULL) continue;
        EXPECT(whsig_verify(key, WHSIG_SHA512_WITH_RSA, u8(body.data), body.len, fluent, strlen(fluent)), WHSIG_OK);
        EXPECT(whsig_verify(key, WHSIG_MD5_WITH_RSA, u8(body.data), body.len, flex, strlen(flex)), WHSIG_OK);
        EXPECT(whsig_verify(key, WHSIG_MD5_WITH_RSA, u8(body.data), body.len, fluent, strlen(fluent)),
               WHSIG_INVALID_SIGNATURE);
        EXPECT(whsig_verify(key, WHSIG_SHA512_WITH_RSA, u8(body.data), body.len, flex, strlen(flex)),
               WHSIG_INVALID_SIGNATURE);
        EXPECT(whsig_verify(key, WHSIG_SHA512_WITH_RSA, u8(body.data), body.len - 1, fluent, strlen(fluent)),
               WHSIG_INVALID_SIGNATURE);
        /* Wrong key: the 2048-bit test key does not verify the delivery, nor the delivery key its signature. */
        EXPECT(whsig_verify(pub2048, WHSIG_SHA512_WITH_RSA, u8(body.data), body.len, fluent, strlen(fluent)),
               WHSIG_INVALID_SIGNATURE);
        EXPECT(whsig_verify(key, WHSIG_SHA512_WITH_RSA, u8(expected_body), strlen(expected_body), expected_sha512,
                            strlen(expected_sha512)),
               WHSIG_INVALID_SIGNATURE);

        EXPECT(whsig_keyring_from_public_key(key, &ring), WHSIG_OK);
        names[0] = "fluent-signature";
        values[0] = fluent;
        names[1] = "flex.signature";
        values[1] = flex;
        EXPECT(whsig_verify_webhook(ring, WHSIG_POLICY_REQUIRE_BOTH, WHSIG_CANONICAL_RAW, names, NULL, values, NULL, 2,
                                    u8(body.data), body.len, key_id),
               WHSIG_OK);
        whsig_public_key_free(key); /* the keyring keeps its own reference */
        EXPECT(whsig_verify_webhook(ring, 0, WHSIG_CANONICAL_RAW, names, NULL, values, NULL, 2, u8(body.data),
                                    body.len, key_id),
               WHSIG_OK);
        EXPECT(whsig_verify_webhook(ring, 0, WHSIG_CANONICAL_RAW, names, NULL, values, NULL, 2, u8(body.data),
                                    body.len - 1, key_id),
               WHSIG_INVALID_SIGNATURE);
        CHECK(strstr(whsig_last_error(), "signed different bytes") != NULL);
        whsig_keyring_free(ring);
    }

done:
    free(public_key);
    free(flex);
    free(fluent);
    free(meta.data);
    free(body.data);
}

/* ------------------------------------------------------------------------ */
/* Threads                                                                  */
/* ------------------------------------------------------------------------ */

#define THREADS 8
#define ROUNDS 25
#define CASES 6

typedef struct {
    whsig_algorithm algorithm;
    const char *body;
    size_t body_len;
    const char *signature;
} verify_case;

static verify_case cases[CASES];
static whsig_status serial[CASES];
static char serial_signature[512];

typedef struct {
    int mismatches;
    int detail_ok;
} thread_result;

static void *worker(void *arg) {
    thread_result *result = (thread_result *)arg;
    int round, c;
    char out[512];
    size_t out_len;
    for (round = 0; round < ROUNDS; round++) {
        for (c = 0; c < CASES; c++) {
            whsig_status s = whsig_verify(pub2048, cases[c].algorithm, u8(cases[c].body), cases[c].body_len,
                                          cases[c].signature, strlen(cases[c].signature));
            if (s != serial[c]) result->mismatches++;
            /* The detail belongs to this thread: it matches this thread's last result. */
            if ((s == WHSIG_OK) != (whsig_last_error()[0] == '\0')) result->mismatches++;
        }
        if (round % 5 == 0) {
            if (whsig_sign(priv2048, WHSIG_SHA512_WITH_RSA, u8(expected_body), strlen(expected_body), out, sizeof out,
                           &out_len) != WHSIG_OK ||
                strcmp(out, serial_signature) != 0) {
                result->mismatches++;
            }
        }
    }
    /* Leave an error behind; the main thread's detail must not see it. */
    whsig_verify(pub2048, (whsig_algorithm)99, NULL, 0, "", 0);
    result->detail_ok = strstr(whsig_last_error(), "algorithm 99") != NULL;
    return NULL;
}

static void test_threads(void) {
    pthread_t threads[THREADS];
    thread_result results[THREADS];
    int c, t;
    char tampered[128];
    size_t out_len;

    snprintf(tampered, sizeof tampered, "%s ", expected_body);
    cases[0].algorithm = WHSIG_SHA512_WITH_RSA;
    cases[0].body = expected_body;
    cases[0].signature = expected_sha512;
    cases[1].algorithm = WHSIG_MD5_WITH_RSA;
    cases[1].body = expected_body;
    cases[1].signature = expected_md5;
    cases[2].algorithm = WHSIG_MD5_WITH_RSA;
    cases[2].body = expected_body;
    cases[2].signature = expected_sha512;
    cases[3].algorithm = WHSIG_SHA512_WITH_RSA;
    cases[3].body = tampered;
    cases[3].signature = expected_sha512;
    cases[4].algorithm = WHSIG_SHA512_WITH_RSA;
    cases[4].body = expected_body;
    cases[4].signature = "not base64!";
    cases[5].algorithm = WHSIG_SHA512_WITH_RSA;
    cases[5].body = "";
    cases[5].signature = expected_sha512;
    for (c = 0; c < CASES; c++) {
        cases[c].body_len = strlen(cases[c].body);
        serial[c] = whsig_verify(pub2048, cases[c].algorithm, u8(cases[c].body), cases[c].body_len, cases[c].signature,
                                 strlen(cases[c].signature));
    }
    CHECK(serial[0] == WHSIG_OK && serial[1] == WHSIG_OK);
    CHECK(serial[2] == WHSIG_INVALID_SIGNATURE && serial[3] == WHSIG_INVALID_SIGNATURE);
    CHECK(serial[4] == WHSIG_INVALID_SIGNATURE && serial[5] == WHSIG_INVALID_SIGNATURE);
    EXPECT(whsig_sign(priv2048, WHSIG_SHA512_WITH_RSA, u8(expected_body), strlen(expected_body), serial_signature,
                      sizeof serial_signature, &out_len),
           WHSIG_OK);
    /* This thread's detail is "" after its last success. */
    CHECK(strcmp(whsig_last_error(), "") == 0);

    memset(results, 0, sizeof results);
    for (t = 0; t < THREADS; t++) CHECK(pthread_create(&threads[t], NULL, worker, &results[t]) == 0);
    for (t = 0; t < THREADS; t++) CHECK(pthread_join(threads[t], NULL) == 0);
    for (t = 0; t < THREADS; t++) {
        CHECK(results[t].mismatches == 0);
        CHECK(results[t].detail_ok);
    }
    CHECK(strcmp(whsig_last_error(), "") == 0);
}

/* ------------------------------------------------------------------------ */

static void load_fixtures(void) {
    blob expected = read_file(keys_dir, "rsa2048-expected.json");
    blob pub = read_file(keys_dir, "rsa2048-spki.pem");
    blob priv = read_file(keys_dir, "rsa2048-pkcs8.pem");
    expected_fingerprint = json_string(expected.data, NULL, "fingerprint");
    expected_body = json_string(expected.data, NULL, "body");
    expected_sha512 = json_string(expected.data, NULL, "sha512Signature");
    expected_md5 = json_string(expected.data, NULL, "md5Signature");
    if (expected_fingerprint == NULL || expected_body == NULL || expected_sha512 == NULL || expected_md5 == NULL) {
        fprintf(stderr, "cannot read %s/rsa2048-expected.json\n", keys_dir);
        exit(2);
    }
    if (whsig_public_key_parse(pub.data, pub.len, &pub2048) != WHSIG_OK ||
        whsig_public_key_parse_with_backend(pub.data, pub.len, WHSIG_BACKEND_GCRYPT, &pub2048_gcrypt) != WHSIG_OK ||
        whsig_private_key_parse(priv.data, priv.len, &priv2048) != WHSIG_OK ||
        whsig_private_key_parse_with_backend(priv.data, priv.len, WHSIG_BACKEND_GCRYPT, &priv2048_gcrypt) !=
            WHSIG_OK) {
        fprintf(stderr, "cannot parse the test keys: %s\n", whsig_last_error());
        exit(2);
    }
    free(expected.data);
    free(pub.data);
    free(priv.data);
}

int main(int argc, char **argv) {
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s KEYS_DIR [VECTORS_DIR]\n", argv[0]);
        return 2;
    }
    keys_dir = argv[1];
    vectors_dir = argc == 3 ? argv[2] : NULL;

    test_info();
    load_fixtures();
    test_public_keys();
    test_private_keys();
    test_verify();
    test_sign();
    test_digest();
    test_canonicalize();
    test_keyring();
    test_real_delivery();
    test_threads();

    whsig_public_key_free(pub2048);
    whsig_public_key_free(pub2048_gcrypt);
    whsig_private_key_free(priv2048);
    whsig_private_key_free(priv2048_gcrypt);
    free(expected_fingerprint);
    free(expected_body);
    free(expected_sha512);
    free(expected_md5);

    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
