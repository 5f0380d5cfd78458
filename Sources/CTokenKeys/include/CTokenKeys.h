#ifndef CTOKENKEYS_H
#define CTOKENKEYS_H

#include <stddef.h>

// RSA for the local endpoint's tokens (RS256) in a few calls Swift can make: OpenSSL 3's forms are macros, or take
// variadic and BIGNUM-heavy arguments. The key is an opaque pointer (an EVP_PKEY), freed by ctokenkeys_free.
typedef struct evp_pkey_st ctokenkeys_key;

// A new RSA key of `bits` bits; NULL on failure.
ctokenkeys_key *ctokenkeys_generate(unsigned int bits);

// Writes the private key as PKCS #8 PEM to path: into a new file beside it, created with mode 0600 (never briefly
// readable by others), not through a symbolic link, closed on exec, then renamed over path. 1 on success.
int ctokenkeys_write(ctokenkeys_key *key, const char *path);

// Reads a PEM private key, not through a symbolic link; NULL on failure.
ctokenkeys_key *ctokenkeys_read(const char *path);

// RSASSA-PKCS1-v1_5 with SHA-256 over data into signature (at least 512 bytes); 1 on success.
int ctokenkeys_sign_sha256(ctokenkeys_key *key, const unsigned char *data, size_t length, unsigned char *signature,
                           size_t *signature_length);

// Checks such a signature; 1 if it is valid.
int ctokenkeys_verify_sha256(ctokenkeys_key *key, const unsigned char *data, size_t length, const unsigned char *signature,
                             size_t signature_length);

// The big-endian bytes of the public modulus ("n") or exponent ("e") into out (at least 512 bytes); the count, or 0.
size_t ctokenkeys_public_part(ctokenkeys_key *key, const char *name, unsigned char *out);

#endif
