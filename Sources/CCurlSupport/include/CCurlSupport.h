#ifndef CCURL_SUPPORT_H
#define CCURL_SUPPORT_H

#include <curl/curl.h>

// Starts OpenSSL the way this project wants it, once, before anything (SigV4's first digest included)
// starts it otherwise (curl-setup.c says how and why).
void ccurl_openssl_init(void);

// Starts OpenSSL the way this project wants it (curl-setup.c says how and why), then libcurl.
// Not thread-safe: call once per process.
CURLcode ccurl_global_init(void);

// Trust the bundle at path through ca-bundle.c, which reads it one certificate at a time when a chain
// asks for one, instead of CURLOPT_CAINFO, with which OpenSSL parses all of it before the first handshake.
CURLcode ccurl_setopt_lazy_ca(CURL *handle, const char *path);

// openssl-provider.c: loads OpenSSL's default provider narrowed to what HTTPS to AWS uses; 1 if it did.
// Only a build linked with the static libcrypto can narrow (the entry point it wraps is not exported by
// the shared library); elsewhere it returns 0 and OpenSSL uses its stock default provider.
int ccurl_openssl_narrow(void);

// ca-bundle.c: attaches the lazily read bundle at path to an SSL_CTX; 1 on success.
int ccurl_ca_bundle_attach(void *ssl_ctx, const char *path);

#endif
