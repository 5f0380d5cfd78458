#include "CTokenKeys.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

ctokenkeys_key *ctokenkeys_generate(unsigned int bits) {
    EVP_PKEY *key = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    if (ctx == NULL) return NULL;
    if (EVP_PKEY_keygen_init(ctx) <= 0 || EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, (int)bits) <= 0 ||
        EVP_PKEY_generate(ctx, &key) <= 0)
        key = NULL;
    EVP_PKEY_CTX_free(ctx);
    return key;
}

int ctokenkeys_write(ctokenkeys_key *key, const char *path) {
    size_t length = strlen(path);
    char *temporary = malloc(length + 5);
    if (temporary == NULL) return 0;
    memcpy(temporary, path, length);
    memcpy(temporary + length, ".new", 5);
    // A leftover from an interrupted write, or a link someone planted, goes; O_EXCL then makes a file of our own.
    (void)unlink(temporary);
    int fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    FILE *file = fd < 0 ? NULL : fdopen(fd, "w");
    if (file == NULL) {
        if (fd >= 0) close(fd);
        free(temporary);
        return 0;
    }
    int ok = PEM_write_PrivateKey(file, key, NULL, NULL, 0, NULL, NULL) == 1;
    ok = fflush(file) == 0 && ok && fsync(fileno(file)) == 0;
    ok = fclose(file) == 0 && ok;
    ok = ok && rename(temporary, path) == 0;
    if (!ok) (void)unlink(temporary);
    free(temporary);
    return ok;
}

ctokenkeys_key *ctokenkeys_read(const char *path) {
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    FILE *file = fd < 0 ? NULL : fdopen(fd, "r");
    if (file == NULL) {
        if (fd >= 0) close(fd);
        return NULL;
    }
    EVP_PKEY *key = PEM_read_PrivateKey(file, NULL, NULL, NULL);
    fclose(file);
    return key;
}

int ctokenkeys_sign_sha256(ctokenkeys_key *key, const unsigned char *data, size_t length, unsigned char *signature,
                           size_t *signature_length) {
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx == NULL) return 0;
    int ok = EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
             EVP_DigestSign(ctx, signature, signature_length, data, length) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

int ctokenkeys_verify_sha256(ctokenkeys_key *key, const unsigned char *data, size_t length, const unsigned char *signature,
                             size_t signature_length) {
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx == NULL) return 0;
    int ok = EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
             EVP_DigestVerify(ctx, signature, signature_length, data, length) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

size_t ctokenkeys_public_part(ctokenkeys_key *key, const char *name, unsigned char *out) {
    BIGNUM *value = NULL;
    if (EVP_PKEY_get_bn_param(key, name, &value) != 1 || value == NULL) return 0;
    size_t count = BN_num_bytes(value) <= 512 ? (size_t)BN_bn2bin(value, out) : 0;
    BN_free(value);
    return count;
}
