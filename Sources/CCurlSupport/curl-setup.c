/* How libcurl and OpenSSL start, and the lazily read CA bundle's curl option. */
#include <pthread.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/ssl.h>

#include "CCurlSupport.h"

// How OpenSSL starts, before anything (SigV4's first digest included) starts it otherwise; the first
// call's choices stick, so curl's OPENSSL_init_ssl(OPENSSL_INIT_LOAD_CONFIG | ...) later changes none.
//  - No openssl.cnf: the one a Debian-built libcrypto looks for (/usr/lib/ssl) does not exist on
//    Lambda, so reading it would only make local runs differ from Lambda, and cost 0.5 ms; the
//    transport sets the TLS options it needs itself.
//  - No legacy name database (EVP_get_cipherbyname and friends, which this code does not call):
//    OpenSSL 3 would copy all of it into its name map on the first fetch, 2.7 million instructions.
//    Algorithms are fetched from the provider by name, as libssl and libcurl do.
//  - No error strings: loading them costs 1 million instructions on every cold start, to spell out an
//    OpenSSL error that is rare. Certificate problems keep their text (curl takes it from
//    X509_verify_cert_error_string, which needs none); another TLS failure reads like
//    "error:0A000410:lib(20)::reason(1040)", which `openssl errstr 0A000410` spells out.
//  - The default provider narrowed to the algorithms HTTPS to AWS uses (openssl-provider.c), where
//    libcrypto is linked statically, as in the Lambda build.
static void openssl_init_once(void) {
    OPENSSL_init_ssl(
        OPENSSL_INIT_NO_LOAD_CONFIG | OPENSSL_INIT_NO_ADD_ALL_CIPHERS | OPENSSL_INIT_NO_ADD_ALL_DIGESTS
            | OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS | OPENSSL_INIT_NO_LOAD_SSL_STRINGS,
        NULL);
    ccurl_openssl_narrow();
}

void ccurl_openssl_init(void) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, openssl_init_once);
}

static CURLcode attach_ca_bundle(CURL *handle, void *ssl_ctx, void *path) {
    (void)handle;
    return ccurl_ca_bundle_attach(ssl_ctx, (const char *)path) ? CURLE_OK : CURLE_SSL_CACERT_BADFILE;
}

// curl loads no CA file itself, and calls attach_ca_bundle on every new TLS context. The path is copied
// once and kept.
CURLcode ccurl_setopt_lazy_ca(CURL *handle, const char *path) {
    static char *kept;
    if (kept == NULL || strcmp(kept, path) != 0) kept = strdup(path);  // (one path per process in practice)
    if (kept == NULL) return CURLE_OUT_OF_MEMORY;
    CURLcode result = curl_easy_setopt(handle, CURLOPT_CAINFO, (char *)NULL);
    if (result == CURLE_OK) result = curl_easy_setopt(handle, CURLOPT_CAPATH, (char *)NULL);
    if (result == CURLE_OK) result = curl_easy_setopt(handle, CURLOPT_SSL_CTX_FUNCTION, attach_ca_bundle);
    if (result == CURLE_OK) result = curl_easy_setopt(handle, CURLOPT_SSL_CTX_DATA, (void *)kept);
    return result;
}

// OpenSSL first, then libcurl.
CURLcode ccurl_global_init(void) {
    ccurl_openssl_init();
    return curl_global_init(CURL_GLOBAL_DEFAULT);
}
