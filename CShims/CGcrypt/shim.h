/* Wrappers for the parts of libgcrypt that Swift cannot import: gcry_control is variadic. */
#ifndef WHSIG_CGCRYPT_SHIM_H
#define WHSIG_CGCRYPT_SHIM_H

#include <gcrypt.h>

/* gcry_control is variadic; each command we use gets a fixed-arity wrapper. */
static inline int CGcrypt_control_any_initialization_p(void) {
    return gcry_control(GCRYCTL_ANY_INITIALIZATION_P) != 0;
}
static inline int CGcrypt_control_initialization_finished_p(void) {
    return gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P) != 0;
}
static inline gcry_error_t CGcrypt_control_disable_secmem(void) {
    return gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
}
static inline gcry_error_t CGcrypt_control_initialization_finished(void) {
    return gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
}
static inline int CGcrypt_control_fips_mode_p(void) {
    return gcry_control(GCRYCTL_FIPS_MODE_P, 0) != 0;
}
/* gcry_md_test_algo is a function-like macro over gcry_md_algo_info; Swift imports no such macro.
 * 0 when the digest is available (FIPS mode makes MD5 unavailable). */
static inline gcry_error_t CGcrypt_md_test_algo(int algo) {
    return gcry_md_algo_info(algo, GCRYCTL_TEST_ALGO, NULL, NULL);
}
/* The version string libgcrypt was compiled against. */
static inline const char *CGcrypt_GCRYPT_VERSION(void) { return GCRYPT_VERSION; }

#endif
