/*
 * whsig_bench.c - a quick rate check of whsig_verify against a naive raw OpenSSL EVP loop.
 *
 *   whsig_bench KEYS_DIR [SECONDS_PER_ROUND]
 *
 * Verifies the documentation's sample event (430 bytes) signed with SHA512withRSA by the
 * 2048-bit key in KEYS_DIR (Tests/Vectors/keys), single-threaded, and prints verifications
 * per second for:
 *   whsig   whsig_verify(key, ..., body, base64 signature): decode, hash, RSA, padding check
 *   evp     per call: EVP_DecodeBlock, EVP_MD_CTX_new, EVP_DigestVerifyInit(SHA-512),
 *           EVP_DigestVerify, EVP_MD_CTX_free (the naive way to use OpenSSL directly)
 * Rounds alternate to spread noise; the best round of each counts.
 *
 * Build: gcc -std=c99 -O2 whsig_bench.c $(pkg-config --cflags --libs whsig libcrypto) -Wl,-rpath,PREFIX/lib
 */
#define _POSIX_C_SOURCE 200809L
#include <whsig.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char sample_event[] =
    "{\"id\":\"9535e841-4d67-fc1d-0e31-49fdfd514661\",\"name\":\"OrderStatusChange\",\"accountId\":\"ACME\","
    "\"retailerId\":\"1\",\"rootEntityId\":\"123\",\"rootEntityRef\":\"0_123\",\"rootEntityType\":\"ORDER\","
    "\"entityId\":\"123\",\"entityRef\":\"0_123\",\"entityType\":\"ORDER\",\"entityStatus\":\"SHIPPED\","
    "\"type\":\"NORMAL\",\"attributes\":{\"ShippingPartner\":\"Awesome Shipping Co.\","
    "\"TrackingNumber\":\"TRACKING123\",\"TrackingURL\":\"http://awesomeshippingco.test/track/q=TRACKING123\"}}";

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *read_text(const char *dir, const char *name, size_t *len) {
    char path[4096];
    FILE *f;
    long size;
    char *data;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fseek(f, 0, SEEK_SET);
    data = malloc((size_t)size + 1);
    if (data == NULL || fread(data, 1, (size_t)size, f) != (size_t)size) exit(2);
    data[size] = '\0';
    fclose(f);
    *len = (size_t)size;
    return data;
}

static whsig_public_key *key;
static EVP_PKEY *pkey;
static const uint8_t *body;
static size_t body_len;
static char signature[512];
static size_t signature_len;

static int verify_whsig(void) {
    return whsig_verify(key, WHSIG_SHA512_WITH_RSA, body, body_len, signature, signature_len) == WHSIG_OK;
}

static int verify_evp(void) {
    unsigned char raw[512];
    int raw_len = EVP_DecodeBlock(raw, (const unsigned char *)signature, (int)signature_len);
    EVP_MD_CTX *ctx;
    int ok;
    if (raw_len < 0) return 0;
    /* EVP_DecodeBlock counts padding bytes as zeros: drop one per '='. */
    if (signature_len >= 1 && signature[signature_len - 1] == '=') raw_len--;
    if (signature_len >= 2 && signature[signature_len - 2] == '=') raw_len--;
    ctx = EVP_MD_CTX_new();
    ok = ctx != NULL && EVP_DigestVerifyInit(ctx, NULL, EVP_sha512(), NULL, pkey) == 1 &&
         EVP_DigestVerify(ctx, raw, (size_t)raw_len, body, body_len) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

static double rate(int (*verify)(void), double seconds) {
    long n = 0;
    double start = now(), elapsed;
    do {
        int i;
        for (i = 0; i < 64; i++) {
            if (!verify()) {
                fprintf(stderr, "verification failed\n");
                exit(1);
            }
        }
        n += 64;
        elapsed = now() - start;
    } while (elapsed < seconds);
    return (double)n / elapsed;
}

int main(int argc, char **argv) {
    size_t len;
    char *pem;
    char *private_pem;
    whsig_private_key *private_key = NULL;
    BIO *bio;
    double seconds = argc > 2 ? atof(argv[2]) : 1.0;
    double best_whsig = 0, best_evp = 0;
    int round;

    if (argc < 2) {
        fprintf(stderr, "usage: %s KEYS_DIR [SECONDS_PER_ROUND]\n", argv[0]);
        return 2;
    }
    body = (const uint8_t *)sample_event;
    body_len = strlen(sample_event);
    pem = read_text(argv[1], "rsa2048-spki.pem", &len);
    private_pem = read_text(argv[1], "rsa2048-pkcs8.pem", &len);
    if (whsig_public_key_parse(pem, strlen(pem), &key) != WHSIG_OK ||
        whsig_private_key_parse(private_pem, strlen(private_pem), &private_key) != WHSIG_OK ||
        whsig_sign(private_key, WHSIG_SHA512_WITH_RSA, body, body_len, signature, sizeof signature, &signature_len) !=
            WHSIG_OK) {
        fprintf(stderr, "setup failed: %s\n", whsig_last_error());
        return 2;
    }
    bio = BIO_new_mem_buf(pem, -1);
    pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    BIO_free(bio);
    if (pkey == NULL || !verify_evp() || !verify_whsig()) {
        fprintf(stderr, "setup failed: the signatures do not verify\n");
        return 2;
    }

    for (round = 0; round < 5; round++) {
        double w = rate(verify_whsig, seconds);
        double e = rate(verify_evp, seconds);
        if (w > best_whsig) best_whsig = w;
        if (e > best_evp) best_evp = e;
        printf("round %d: whsig %.0f/s, evp %.0f/s\n", round + 1, w, e);
    }
    printf("sample event (%zu bytes), RSA-2048, SHA512withRSA, one thread\n", body_len);
    printf("whsig_verify: %.0f verifications/s (%.2f us each)\n", best_whsig, 1e6 / best_whsig);
    printf("raw EVP loop: %.0f verifications/s (%.2f us each)\n", best_evp, 1e6 / best_evp);
    printf("whsig / EVP: %.2f\n", best_whsig / best_evp);

    whsig_public_key_free(key);
    whsig_private_key_free(private_key);
    EVP_PKEY_free(pkey);
    free(pem);
    free(private_pem);
    return 0;
}
