/* Wrappers for the parts of libcrypto (OpenSSL 3) that Swift cannot import:
 * macros and values built from other macros. Each wrapper is named after what it wraps. */
#ifndef WHSIG_COPENSSL_SHIM_H
#define WHSIG_COPENSSL_SHIM_H

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

/* OPENSSL_free is a macro over CRYPTO_free. */
static inline void COpenSSL_OPENSSL_free(void *ptr) { CRYPTO_free(ptr, __FILE__, __LINE__); }

/* EVP_PKEY_PUBLIC_KEY and EVP_PKEY_KEYPAIR are composed of other macros. */
static inline int COpenSSL_EVP_PKEY_PUBLIC_KEY(void) { return EVP_PKEY_PUBLIC_KEY; }
static inline int COpenSSL_EVP_PKEY_KEYPAIR(void) { return EVP_PKEY_KEYPAIR; }

/* OPENSSL_VERSION_NUMBER is a macro Swift does not import (its value has a suffix). */
static inline unsigned long COpenSSL_OPENSSL_VERSION_NUMBER(void) { return (unsigned long)OPENSSL_VERSION_NUMBER; }

/* RSA_NO_PADDING, RSA_PKCS1_PADDING: plain ints, wrapped for symmetry and to pin their meaning. */
static inline int COpenSSL_RSA_NO_PADDING(void) { return RSA_NO_PADDING; }

/* OSSL_PARAM_BLD_push_BN keeps the key-name pointer until OSSL_PARAM_BLD_to_param, so the names
 * must outlive the call: these return OpenSSL's own static strings (a Swift String argument
 * would only be a temporary buffer). */
static inline const char *COpenSSL_OSSL_PKEY_PARAM_RSA_N(void) { return OSSL_PKEY_PARAM_RSA_N; }
static inline const char *COpenSSL_OSSL_PKEY_PARAM_RSA_E(void) { return OSSL_PKEY_PARAM_RSA_E; }
static inline const char *COpenSSL_OSSL_PKEY_PARAM_RSA_D(void) { return OSSL_PKEY_PARAM_RSA_D; }
static inline const char *COpenSSL_OSSL_PKEY_PARAM_RSA_FACTOR1(void) { return OSSL_PKEY_PARAM_RSA_FACTOR1; }
static inline const char *COpenSSL_OSSL_PKEY_PARAM_RSA_FACTOR2(void) { return OSSL_PKEY_PARAM_RSA_FACTOR2; }
static inline const char *COpenSSL_OSSL_PKEY_PARAM_RSA_EXPONENT1(void) { return OSSL_PKEY_PARAM_RSA_EXPONENT1; }
static inline const char *COpenSSL_OSSL_PKEY_PARAM_RSA_EXPONENT2(void) { return OSSL_PKEY_PARAM_RSA_EXPONENT2; }
static inline const char *COpenSSL_OSSL_PKEY_PARAM_RSA_COEFFICIENT1(void) { return OSSL_PKEY_PARAM_RSA_COEFFICIENT1; }

#endif
