#ifndef CCRYPTO_SHIM_H
#define CCRYPTO_SHIM_H

#include <stdio.h>
#include <sys/stat.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

// RSA for the local endpoint's tokens (RS256), in a few calls Swift can make: the OpenSSL 3 forms are
// macros or take variadic and BIGNUM-heavy arguments.

// A new RSA key of `bits` bits; NULL on failure.
static inline EVP_PKEY *ccrypto_rsa_generate(unsigned int bits) {
    EVP_PKEY *key = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    if (ctx == NULL) return NULL;
    if (EVP_PKEY_keygen_init(ctx) <= 0 || EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, (int)bits) <= 0 ||
        EVP_PKEY_generate(ctx, &key) <= 0)
        key = NULL;
    EVP_PKEY_CTX_free(ctx);
    return key;
}

// Writes the private key as PKCS #8 PEM to path, readable by its owner only; 1 on success.
static inline int ccrypto_write_private_key(EVP_PKEY *key, const char *path) {
    FILE *file = fopen(path, "w");
    if (file == NULL) return 0;
    chmod(path, 0600);
    int ok = PEM_write_PrivateKey(file, key, NULL, NULL, 0, NULL, NULL);
    return fclose(file) == 0 && ok == 1;
}

// Reads a PEM private key; NULL on failure.
static inline EVP_PKEY *ccrypto_read_private_key(const char *path) {
    FILE *file = fopen(path, "r");
    if (file == NULL) return NULL;
    EVP_PKEY *key = PEM_read_PrivateKey(file, NULL, NULL, NULL);
    fclose(file);
    return key;
}

// RSASSA-PKCS1-v1_5 with SHA-256 over data into signature (at least EVP_PKEY_get_size bytes); 1 on success.
static inline int ccrypto_sign_sha256(EVP_PKEY *key, const unsigned char *data, size_t length, unsigned char *signature,
                                      size_t *signature_length) {
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx == NULL) return 0;
    int ok = EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
             EVP_DigestSign(ctx, signature, signature_length, data, length) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

// Checks such a signature; 1 if it is valid.
static inline int ccrypto_verify_sha256(EVP_PKEY *key, const unsigned char *data, size_t length,
                                        const unsigned char *signature, size_t signature_length) {
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx == NULL) return 0;
    int ok = EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
             EVP_DigestVerify(ctx, signature, signature_length, data, length) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

// The big-endian bytes of the public modulus ("n") or exponent ("e") into out (at least 512 bytes); the count, or 0.
static inline size_t ccrypto_rsa_public_part(EVP_PKEY *key, const char *name, unsigned char *out) {
    BIGNUM *value = NULL;
    if (EVP_PKEY_get_bn_param(key, name, &value) != 1 || value == NULL) return 0;
    size_t count = BN_num_bytes(value) <= 512 ? (size_t)BN_bn2bin(value, out) : 0;
    BN_free(value);
    return count;
}

#endif
