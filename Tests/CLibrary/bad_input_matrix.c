/*
 * bad_input_matrix.c - the C column of docs/bad-input.md.
 *
 *   bad_input_matrix MANIFEST
 *
 * Each line of MANIFEST is one matrix row, fields separated by tabs:
 *
 *   ID  pubkey   KEYFILE                        whsig_public_key_parse
 *   ID  privkey  KEYFILE                        whsig_private_key_parse
 *   ID  keyring  FILE                           whsig_keyring_load_json
 *   ID  verify   PUBFILE ALG BODYFILE SIGFILE   whsig_verify (ALG md5 or sha512)
 *   ID  webhook  PUBFILE MODE FLAGS BODYFILE [HEADERFILE...]
 *                                               whsig_verify_webhook over a keyring of PUBFILE;
 *                                               MODE raw|compact|jcs, FLAGS a number; each header
 *                                               file holds NAME:VALUE, split at the first ':'
 *   ID  canonicalize MODE FILE                  whsig_canonicalize
 *   ID  null-text                               whsig_public_key_parse(NULL, 5, &key)
 *   ID  unknown-algorithm PUBFILE               whsig_verify with algorithm 7
 *   ID  unknown-mode FILE                       whsig_canonicalize with mode 9
 *   ID  small-buffer PRIVFILE                   whsig_sign into a 16-byte buffer
 *
 * Files are read whole, NUL bytes included, and passed with their lengths. For each row the
 * program prints "ID<TAB>STATUS" (the number), and checks what every call promises: a detail
 * text after an error or an invalid verdict, "" after WHSIG_OK, handles NULL on failure. It exits
 * 0 when every row ran (whatever its status), 1 when a promise was broken, 2 on a bad manifest.
 *
 * Build: gcc -std=c99 -Wall -Wextra -pedantic -Werror bad_input_matrix.c $(pkg-config --cflags --libs whsig)
 */
#define _POSIX_C_SOURCE 200809L
#include <whsig.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int broken = 0;

static void promise(int ok, const char *id, const char *what) {
    if (!ok) {
        broken = 1;
        fprintf(stderr, "BROKEN %s: %s (status detail: \"%s\")\n", id, what, whsig_last_error());
    }
}

typedef struct {
    char *data;
    size_t len;
} buffer;

static buffer slurp(const char *path) {
    buffer b = {NULL, 0};
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    size_t capacity = 4096;
    b.data = malloc(capacity);
    for (;;) {
        if (b.len == capacity) {
            capacity *= 2;
            b.data = realloc(b.data, capacity);
        }
        size_t n = fread(b.data + b.len, 1, capacity - b.len, f);
        if (n == 0) break;
        b.len += n;
    }
    fclose(f);
    if (!b.data) exit(2);
    return b;
}

/* Every call sets the detail: empty after WHSIG_OK, a sentence otherwise. */
static void check_detail(whsig_status status, const char *id) {
    const char *detail = whsig_last_error();
    if (status == WHSIG_OK) {
        promise(detail[0] == '\0', id, "WHSIG_OK with a non-empty detail");
    } else {
        promise(detail[0] != '\0', id, "an error or invalid verdict without a detail");
    }
    promise(strcmp(whsig_status_string(status), "unknown_status") != 0, id, "a status with no name");
}

static whsig_public_key *load_public(const char *path) {
    buffer b = slurp(path);
    whsig_public_key *key = NULL;
    whsig_status status = whsig_public_key_parse(b.data, b.len, &key);
    free(b.data);
    if (status != WHSIG_OK) {
        fprintf(stderr, "the good public key %s does not parse: %s\n", path, whsig_last_error());
        exit(2);
    }
    return key;
}

static int mode_of(const char *text) {
    if (strcmp(text, "raw") == 0) return WHSIG_CANONICAL_RAW;
    if (strcmp(text, "compact") == 0) return WHSIG_CANONICAL_COMPACT;
    if (strcmp(text, "jcs") == 0) return WHSIG_CANONICAL_JCS;
    fprintf(stderr, "unknown mode %s\n", text);
    exit(2);
}

static whsig_status run_row(const char *id, char **field, int count) {
    const char *op = field[0];
    whsig_status status;
    if (strcmp(op, "pubkey") == 0 && count == 2) {
        buffer b = slurp(field[1]);
        whsig_public_key *key = (whsig_public_key *)&broken; /* must be overwritten */
        status = whsig_public_key_parse(b.data, b.len, &key);
        promise(status == WHSIG_OK ? key != NULL : key == NULL, id, "the handle does not match the status");
        whsig_public_key_free(key);
        free(b.data);
    } else if (strcmp(op, "privkey") == 0 && count == 2) {
        buffer b = slurp(field[1]);
        whsig_private_key *key = (whsig_private_key *)&broken;
        status = whsig_private_key_parse(b.data, b.len, &key);
        promise(status == WHSIG_OK ? key != NULL : key == NULL, id, "the handle does not match the status");
        whsig_private_key_free(key);
        free(b.data);
    } else if (strcmp(op, "keyring") == 0 && count == 2) {
        buffer b = slurp(field[1]);
        whsig_keyring *ring = (whsig_keyring *)&broken;
        status = whsig_keyring_load_json(b.data, b.len, &ring);
        promise(status == WHSIG_OK ? ring != NULL : ring == NULL, id, "the handle does not match the status");
        whsig_keyring_free(ring);
        free(b.data);
    } else if (strcmp(op, "verify") == 0 && count == 5) {
        whsig_public_key *key = load_public(field[1]);
        whsig_algorithm algorithm = strcmp(field[2], "md5") == 0 ? WHSIG_MD5_WITH_RSA : WHSIG_SHA512_WITH_RSA;
        buffer body = slurp(field[3]), sig = slurp(field[4]);
        status = whsig_verify(key, algorithm, (const uint8_t *)body.data, body.len, sig.data, sig.len);
        free(body.data);
        free(sig.data);
        whsig_public_key_free(key);
    } else if (strcmp(op, "webhook") == 0 && count >= 5) {
        whsig_public_key *key = load_public(field[1]);
        whsig_keyring *ring = NULL;
        if (whsig_keyring_from_public_key(key, &ring) != WHSIG_OK) exit(2);
        whsig_public_key_free(key);
        int mode = mode_of(field[2]);
        unsigned long flags = strtoul(field[3], NULL, 10);
        buffer body = slurp(field[4]);
        int headers = count - 5;
        const char **names = calloc((size_t)headers + 1, sizeof *names);
        const char **values = calloc((size_t)headers + 1, sizeof *values);
        size_t *name_lens = calloc((size_t)headers + 1, sizeof *name_lens);
        size_t *value_lens = calloc((size_t)headers + 1, sizeof *value_lens);
        buffer *files = calloc((size_t)headers + 1, sizeof *files);
        for (int i = 0; i < headers; i++) {
            files[i] = slurp(field[5 + i]);
            char *colon = memchr(files[i].data, ':', files[i].len);
            size_t split = colon ? (size_t)(colon - files[i].data) : files[i].len;
            names[i] = files[i].data;
            name_lens[i] = split;
            values[i] = colon ? colon + 1 : files[i].data + files[i].len;
            value_lens[i] = colon ? files[i].len - split - 1 : 0;
        }
        char key_id[WHSIG_KEY_ID_SIZE];
        memset(key_id, 'x', sizeof key_id);
        status = whsig_verify_webhook(ring, (uint32_t)flags, (whsig_canonical_mode)mode, names, name_lens, values,
                                      value_lens, (size_t)headers, (const uint8_t *)body.data, body.len, key_id);
        if (status == WHSIG_OK) {
            promise(strlen(key_id) == 64, id, "an accepted delivery without a 64-digit key id");
        } else if (status == WHSIG_INVALID_SIGNATURE) {
            promise(key_id[0] == '\0', id, "a refused delivery with a key id");
        }
        for (int i = 0; i < headers; i++) free(files[i].data);
        free(files);
        free(names);
        free(values);
        free(name_lens);
        free(value_lens);
        free(body.data);
        whsig_keyring_free(ring);
    } else if (strcmp(op, "canonicalize") == 0 && count == 3) {
        buffer in = slurp(field[2]);
        size_t capacity = in.len * 4 + 64, out_len = 12345;
        uint8_t *out = malloc(capacity);
        status = whsig_canonicalize((whsig_canonical_mode)mode_of(field[1]), (const uint8_t *)in.data, in.len, out,
                                    capacity, &out_len);
        free(out);
        free(in.data);
    } else if (strcmp(op, "null-text") == 0 && count == 1) {
        whsig_public_key *key = (whsig_public_key *)&broken;
        status = whsig_public_key_parse(NULL, 5, &key);
        promise(key == NULL, id, "a failed parse left the handle set");
    } else if (strcmp(op, "unknown-algorithm") == 0 && count == 2) {
        whsig_public_key *key = load_public(field[1]);
        status = whsig_verify(key, (whsig_algorithm)7, (const uint8_t *)"{}", 2, "AAAA", 4);
        whsig_public_key_free(key);
    } else if (strcmp(op, "unknown-mode") == 0 && count == 2) {
        buffer in = slurp(field[1]);
        uint8_t out[64];
        size_t out_len = 0;
        status = whsig_canonicalize((whsig_canonical_mode)9, (const uint8_t *)in.data, in.len, out, sizeof out, &out_len);
        free(in.data);
    } else if (strcmp(op, "small-buffer") == 0 && count == 2) {
        buffer b = slurp(field[1]);
        whsig_private_key *key = NULL;
        if (whsig_private_key_parse(b.data, b.len, &key) != WHSIG_OK) exit(2);
        free(b.data);
        char out[16];
        size_t out_len = 0;
        status = whsig_sign(key, WHSIG_SHA512_WITH_RSA, (const uint8_t *)"{}", 2, out, sizeof out, &out_len);
        promise(status != WHSIG_ERR_BUFFER_TOO_SMALL || out_len > sizeof out, id, "BUFFER_TOO_SMALL without the size needed");
        whsig_private_key_free(key);
    } else {
        fprintf(stderr, "bad manifest line for %s: %s with %d fields\n", id, op, count);
        exit(2);
    }
    check_detail(status, id);
    return status;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s MANIFEST\n", argv[0]);
        return 2;
    }
    buffer manifest = slurp(argv[1]);
    manifest.data = realloc(manifest.data, manifest.len + 1);
    manifest.data[manifest.len] = '\0';
    char *line = manifest.data;
    while (line && *line) {
        char *next = strchr(line, '\n');
        if (next) *next++ = '\0';
        char *field[64];
        int count = 0;
        for (char *f = line; f && count < 64;) {
            char *tab = strchr(f, '\t');
            if (tab) *tab++ = '\0';
            field[count++] = f;
            f = tab;
        }
        if (count >= 2) {
            whsig_status status = run_row(field[0], field + 1, count - 1);
            printf("%s\t%d\n", field[0], (int)status);
            fflush(stdout);
        }
        line = next;
    }
    free(manifest.data);
    return broken ? 1 : 0;
}
