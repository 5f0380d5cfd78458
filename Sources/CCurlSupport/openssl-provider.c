/* OpenSSL's default provider, narrowed to the algorithms this project's HTTPS to AWS uses.
 *
 * Built by SwiftPM into every build of what sends; it narrows only where libcrypto is linked statically
 * (the Lambda build of create, see build.sh). With the system's shared OpenSSL (the debug build) the
 * entry point it wraps is missing and OpenSSL runs with its stock default provider.
 *
 * Why: OpenSSL 3.0 answers the first fetch of any algorithm of a kind (a digest, a cipher, a
 * decoder, ...) by building a method for every algorithm of that kind its providers offer, and
 * the default provider offers about 200. On create's cold path that was over half of all
 * instructions (the first SHA-256 for SigV4, the DRBG's AES-256-CTR, the certificate's key
 * decoders, the TLS handshake's key exchange, signatures and KDFs). This provider delegates
 * everything to the real default provider (ossl_default_provider_init, in libcrypto.a) and only
 * hides the algorithms outside the lists below, so each first fetch builds a handful of methods.
 *
 * What stays: TLS 1.2 and 1.3 with ECDHE (X25519, X448, P-256/384/521) and AES-GCM or
 * ChaCha20-Poly1305, RSA (PKCS #1 and PSS), ECDSA and EdDSA certificates and handshake signatures,
 * SHA-1 and SHA-2, HMAC, HKDF and the TLS PRFs, the CTR DRBG. libssl offers only what it can
 * fetch, so a cipher suite, group or signature scheme outside the lists is simply not offered.
 * SigV4 needs SHA-256 and HMAC. A certificate whose key type is outside the lists (none of the CAs
 * that sign AWS endpoints) is loaded without a usable key, as OpenSSL does for unknown types.
 *
 * ccurl_openssl_narrow() must run before anything fetches an algorithm: loading a provider
 * explicitly is what keeps OpenSSL from activating the default one on its own.
 */
#include <string.h>

#include <openssl/core.h>
#include <openssl/core_dispatch.h>
#include <openssl/crypto.h>
#include <openssl/provider.h>

#include "CCurlSupport.h"

/* libcrypto.a's own default provider entry point (providers/defltprov.c); not in a public header, and not
 * exported by the shared libcrypto, hence weak: null there, and the stock provider is used. */
int ossl_default_provider_init(const OSSL_CORE_HANDLE *handle, const OSSL_DISPATCH *in,
                               const OSSL_DISPATCH **out, void **provctx) __attribute__((weak));

#define NAME "lambda-default"

/* Allowed algorithms per operation: any of an algorithm's names matches. NULL ends a list. */
static const char *const digests[] = {"SHA1", "SHA2-224", "SHA2-256", "SHA2-384", "SHA2-512", NULL};
/* AES-256-CTR and -ECB: the CTR DRBG behind RAND_bytes. */
static const char *const ciphers[] = {"AES-128-GCM", "AES-256-GCM", "ChaCha20-Poly1305", "AES-256-CTR", "AES-256-ECB", NULL};
static const char *const macs[] = {"HMAC", NULL};
static const char *const kdfs[] = {"HKDF", "TLS13-KDF", "TLS1-PRF", NULL};
static const char *const rands[] = {"CTR-DRBG", "SEED-SRC", NULL};
static const char *const keymgmts[] = {"RSA", "RSA-PSS", "EC", "X25519", "X448", "ED25519", "ED448", NULL};
static const char *const keyexchs[] = {"ECDH", "X25519", "X448", NULL};
static const char *const signatures[] = {"RSA", "ECDSA", "ED25519", "ED448", NULL};
/* Decoders from DER public keys (a certificate's SubjectPublicKeyInfo) to the key types above. */
static const char *const decoders[] = {"RSA", "RSA-PSS", "EC", "X25519", "X448", "ED25519", "ED448", "DER", NULL};

static const struct {
    int operation;
    const char *const *names;
} allowed[] = {
    {OSSL_OP_DIGEST, digests},       {OSSL_OP_CIPHER, ciphers},   {OSSL_OP_MAC, macs},
    {OSSL_OP_KDF, kdfs},             {OSSL_OP_RAND, rands},       {OSSL_OP_KEYMGMT, keymgmts},
    {OSSL_OP_KEYEXCH, keyexchs},     {OSSL_OP_SIGNATURE, signatures}, {OSSL_OP_DECODER, decoders},
};
#define KINDS (sizeof allowed / sizeof allowed[0])
#define MAX_PER_KIND 48

static OSSL_ALGORITHM narrowed[KINDS][MAX_PER_KIND + 1];
static OSSL_FUNC_provider_query_operation_fn *default_query;
static OSSL_DISPATCH dispatch[32];

/* Whether one of the ':'-separated names equals one of the allowed names. */
static int named(const char *names, const char *const *list) {
    for (; *list != NULL; list++) {
        size_t n = strlen(*list);
        for (const char *p = names; p != NULL; p = strchr(p, ':'), p = p ? p + 1 : NULL)
            if (strncmp(p, *list, n) == 0 && (p[n] == ':' || p[n] == '\0')) return 1;
    }
    return 0;
}

static int wanted(int operation, const OSSL_ALGORITHM *algorithm, const char *const *names) {
    if (!named(algorithm->algorithm_names, names)) return 0;
    if (operation == OSSL_OP_DECODER) {
        const char *p = algorithm->property_definition ? algorithm->property_definition : "";
        return strstr(p, "input=der") != NULL &&
               (strstr(p, "structure=SubjectPublicKeyInfo") != NULL || strstr(p, "structure=type-specific") != NULL);
    }
    return 1;
}

static const OSSL_ALGORITHM *narrowed_query(void *provctx, int operation, int *no_cache) {
    *no_cache = 0;
    for (size_t k = 0; k < KINDS; k++)
        if (allowed[k].operation == operation) return narrowed[k];
    return NULL; /* encoders, stores, KEMs, asymmetric ciphers, ...: none */
}

/* Fills narrowed[] once, at load time (queries may come from several threads later). */
static int narrow(void *provctx) {
    for (size_t k = 0; k < KINDS; k++) {
        int no_cache = 0;
        const OSSL_ALGORITHM *all = default_query(provctx, allowed[k].operation, &no_cache);
        size_t n = 0;
        for (; all != NULL && all->algorithm_names != NULL; all++)
            if (wanted(allowed[k].operation, all, allowed[k].names)) {
                if (n == MAX_PER_KIND) return 0;
                narrowed[k][n++] = *all;
            }
        if (n == 0) return 0; /* an unexpected libcrypto: keep the stock provider */
        memset(&narrowed[k][n], 0, sizeof narrowed[k][n]);
    }
    return 1;
}

static int narrowed_init(const OSSL_CORE_HANDLE *handle, const OSSL_DISPATCH *in, const OSSL_DISPATCH **out,
                         void **provctx) {
    const OSSL_DISPATCH *real = NULL;
    if (!ossl_default_provider_init(handle, in, &real, provctx)) return 0;
    size_t n = 0;
    for (; real[n].function_id != 0; n++) {
        if (n + 1 == sizeof dispatch / sizeof dispatch[0]) return 0;
        dispatch[n] = real[n];
        if (real[n].function_id == OSSL_FUNC_PROVIDER_QUERY_OPERATION) {
            default_query = OSSL_FUNC_provider_query_operation(&real[n]);
            dispatch[n].function = (void (*)(void))narrowed_query;
        }
    }
    memset(&dispatch[n], 0, sizeof dispatch[n]);
    if (default_query == NULL || !narrow(*provctx)) return 0;
    *out = dispatch;
    return 1;
}

/* Loads the narrowed provider into the default library context; 1 on success. On failure nothing is
 * loaded, and OpenSSL activates its stock default provider on the first fetch, as without this file. */
int ccurl_openssl_narrow(void) {
    if (ossl_default_provider_init == NULL) return 0;
    return OSSL_PROVIDER_add_builtin(NULL, NAME, narrowed_init) && OSSL_PROVIDER_load(NULL, NAME) != NULL;
}
