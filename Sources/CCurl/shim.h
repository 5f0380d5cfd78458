#ifndef CCURL_SHIM_H
#define CCURL_SHIM_H

#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <openssl/ssl.h>

// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call.
// These typed wrappers give Swift one entry point per argument type.

typedef size_t (*ccurl_data_callback)(char *data, size_t size, size_t count, void *context);

static inline CURLcode ccurl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ccurl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ccurl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ccurl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ccurl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ccurl_setopt_callback(CURL *handle, CURLoption option, ccurl_data_callback value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ccurl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

// Options Swift cannot spell: CURLAUTH_BASIC is an unsigned long macro, the version enums are int.
static inline long ccurl_auth_basic(void) { return (long)CURLAUTH_BASIC; }
static inline long ccurl_http_version_1_1(void) { return (long)CURL_HTTP_VERSION_1_1; }
static inline long ccurl_sslversion_tls1_2(void) { return (long)CURL_SSLVERSION_TLSv1_2; }

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
//  - In the Lambda build only, the default provider narrowed to the algorithms HTTPS to AWS uses
//    (openssl-provider.c, which build.sh links into create; elsewhere this weak reference is null).
int ccurl_openssl_narrow(void) __attribute__((weak));

static inline void ccurl_openssl_init(void) {
    OPENSSL_init_ssl(
        OPENSSL_INIT_NO_LOAD_CONFIG | OPENSSL_INIT_NO_ADD_ALL_CIPHERS | OPENSSL_INIT_NO_ADD_ALL_DIGESTS
            | OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS | OPENSSL_INIT_NO_LOAD_SSL_STRINGS,
        NULL);
    if (ccurl_openssl_narrow) ccurl_openssl_narrow();
}

// The CA bundle read one certificate at a time (ca-bundle.c), in the Lambda build only: OpenSSL would
// otherwise parse all of the ~140 certificates before the first handshake. Elsewhere the weak
// reference is null and the transport passes the bundle as CURLOPT_CAINFO.
int ccurl_ca_bundle_attach(void *ssl_ctx, const char *path) __attribute__((weak));

static inline int ccurl_lazy_ca_available(void) { return ccurl_ca_bundle_attach != NULL; }

static inline CURLcode ccurl_attach_ca_bundle(CURL *handle, void *ssl_ctx, void *path) {
    (void)handle;
    return ccurl_ca_bundle_attach(ssl_ctx, (const char *)path) ? CURLE_OK : CURLE_SSL_CACERT_BADFILE;
}

// Trust the bundle at path through ca-bundle.c: curl loads no CA file itself, and calls
// ccurl_attach_ca_bundle on every new TLS context. The path is copied once and kept.
static inline CURLcode ccurl_setopt_lazy_ca(CURL *handle, const char *path) {
    static char *kept;
    if (kept == NULL || strcmp(kept, path) != 0) kept = strdup(path);  // (one path per process in practice)
    if (kept == NULL) return CURLE_OUT_OF_MEMORY;
    CURLcode result = curl_easy_setopt(handle, CURLOPT_CAINFO, (char *)NULL);
    if (result == CURLE_OK) result = curl_easy_setopt(handle, CURLOPT_CAPATH, (char *)NULL);
    if (result == CURLE_OK) result = curl_easy_setopt(handle, CURLOPT_SSL_CTX_FUNCTION, ccurl_attach_ca_bundle);
    if (result == CURLE_OK) result = curl_easy_setopt(handle, CURLOPT_SSL_CTX_DATA, (void *)kept);
    return result;
}

// OpenSSL first, then libcurl (CURL_GLOBAL_DEFAULT is a composite macro that Swift does not import).
static inline CURLcode ccurl_global_init(void) {
    ccurl_openssl_init();
    return curl_global_init(CURL_GLOBAL_DEFAULT);
}

#endif
