/* Verifies a webhook body against its fluent-signature with libwhsig.
 * Usage: verify_delivery PUBLIC_KEY_FILE BODY_FILE SIGNATURE_BASE64
 * Build: cc verify_delivery.c $(pkg-config --cflags --libs whsig) -o verify_delivery
 *    or: CMake, with Examples/C/CMakeLists.txt (find_package(whsig CONFIG REQUIRED)) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <whsig.h>

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = malloc(size > 0 ? (size_t)size : 1);
    *len = data ? fread(data, 1, (size_t)size, f) : 0;
    fclose(f);
    return data;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s PUBLIC_KEY_FILE BODY_FILE SIGNATURE_BASE64\n", argv[0]);
        return 2;
    }
    size_t key_len = 0, body_len = 0;
    char *key_text = read_file(argv[1], &key_len);
    char *body = read_file(argv[2], &body_len);
    if (!key_text || !body) {
        fprintf(stderr, "cannot read the key or the body\n");
        return 2;
    }
    whsig_public_key *key = NULL;
    whsig_status status = whsig_public_key_parse(key_text, key_len, &key);
    if (status != WHSIG_OK) {
        fprintf(stderr, "bad key: %s: %s\n", whsig_status_string(status), whsig_last_error());
        return 2;
    }
    status = whsig_verify(key, WHSIG_SHA512_WITH_RSA, (const uint8_t *)body, body_len, argv[3], strlen(argv[3]));
    printf("fluent-signature: %s\n", status == WHSIG_OK ? "valid" : whsig_status_string(status));
    whsig_public_key_free(key);
    free(key_text);
    free(body);
    return status == WHSIG_OK ? 0 : (status == WHSIG_INVALID_SIGNATURE ? 1 : 2);
}
