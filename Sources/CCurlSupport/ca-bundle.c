/* A CA bundle that OpenSSL reads one certificate at a time, when a chain asks for it.
 *
 * Built by SwiftPM into every build of what sends, so the tests run the reader the Lambda build ships.
 *
 * Why: with CURLOPT_CAINFO, OpenSSL parses every certificate of the bundle before the first
 * handshake, public keys included: Amazon Linux's bundle has about 140, which is 80 million
 * instructions (over 10 ms of CPU) on create's cold path, to use one of them. Here the bundle is
 * read once and only indexed: each PEM block is base64-decoded and its subject name located in
 * the DER, without parsing. An X509_LOOKUP then answers OpenSSL's "certificate with this subject?"
 * by parsing just the certificates whose subject bytes are equal to the name asked for, and keeps
 * them for later connections. Should no subject match byte for byte (as for the server's own
 * intermediate certificate, which is not in the bundle), the subjects alone are parsed once and
 * compared the way OpenSSL compares names, so the answer is the same as with CURLOPT_CAINFO. A bundle with anything but plain CERTIFICATE blocks (trust
 * settings, CRLs) is loaded whole with X509_STORE_load_file, as curl would.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

struct entry {
    const char *pem; /* the base64 text of the certificate, inside the bundle's text */
    size_t pem_len;
    unsigned char *subject; /* its subject Name, tag and length included */
    size_t subject_len;
    unsigned char *der; /* the certificate, decoded on first use */
    size_t der_len;
    X509_NAME *name; /* the subject parsed (not the certificate), for a lookup no subject matched byte for byte */
    X509 *cert;      /* parsed on first use */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char *bundle_path;
static char *text; /* the bundle, kept while indexed */
static int indexed;     /* 1: entries below; -1: not a plain bundle, load it whole */
static struct entry *entries;
static size_t count;
static X509_LOOKUP_METHOD *method;

/* Base64 digit values; 64: whitespace or padding, skipped; 65: anything else. */
static unsigned char digits[256];

static void init_digits(void) {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    memset(digits, 65, sizeof digits);
    for (int i = 0; i < 64; i++) digits[(unsigned char)alphabet[i]] = (unsigned char)i;
    digits['='] = digits['\n'] = digits['\r'] = digits[' '] = digits['\t'] = 64;
}

/* Base64 (whitespace ignored) -> at most max bytes; the length, or 0 on bad input. */
static size_t decode64(const char *in, size_t n, unsigned char *out, size_t max) {
    unsigned int acc = 0, bits = 0;
    size_t len = 0;
    for (size_t i = 0; i < n && len < max; i++) {
        if (bits == 0 && i + 4 <= n && len + 3 <= max) { /* four digits at a time, the usual case */
            unsigned int a = digits[(unsigned char)in[i]], b = digits[(unsigned char)in[i + 1]],
                         c = digits[(unsigned char)in[i + 2]], d = digits[(unsigned char)in[i + 3]];
            if ((a | b | c | d) < 64) {
                unsigned int v = a << 18 | b << 12 | c << 6 | d;
                out[len] = (unsigned char)(v >> 16);
                out[len + 1] = (unsigned char)(v >> 8);
                out[len + 2] = (unsigned char)v;
                len += 3;
                i += 3;
                continue;
            }
        }
        unsigned int v = digits[(unsigned char)in[i]];
        if (v >= 64) {
            if (v == 64) continue;
            return 0;
        }
        acc = (acc << 6) | v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[len++] = (unsigned char)(acc >> bits);
        }
    }
    return len;
}

/* The header of the DER element at *p: its tag, and where and how long its content is; *p moves to the
 * content, which may extend past end (the buffer may hold only the start of a certificate). */
static int header(const unsigned char **p, const unsigned char *end, int *tag, size_t *content_len) {
    const unsigned char *q = *p;
    if (end - q < 2) return 0;
    *tag = *q++;
    size_t len = *q++;
    if (len & 0x80) {
        size_t k = len & 0x7f;
        if (k == 0 || k > 4 || (size_t)(end - q) < k) return 0;
        for (len = 0; k > 0; k--) len = (len << 8) | *q++;
    }
    *content_len = len;
    *p = q;
    return 1;
}

/* One whole DER element at *p (before end): its tag, and the span of the element and of its content. */
static int tlv(const unsigned char **p, const unsigned char *end, int *tag, const unsigned char **start,
               const unsigned char **content, size_t *content_len) {
    const unsigned char *q = *p;
    *start = q;
    if (!header(&q, end, tag, content_len) || (size_t)(end - q) < *content_len) return 0;
    *content = q;
    *p = q + *content_len;
    return 1;
}

/* Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL, serialNumber, signature,
 * issuer, validity, subject, ... }, ... }: the subject element, or 0. */
static int find_subject(const unsigned char *der, size_t n, const unsigned char **subject, size_t *subject_len) {
    const unsigned char *p = der, *end = der + n, *start, *content;
    size_t len;
    int tag;
    if (!header(&p, end, &tag, &len) || tag != 0x30) return 0;      /* Certificate */
    if (!header(&p, end, &tag, &len) || tag != 0x30) return 0;      /* tbsCertificate */
    if ((size_t)(end - p) > len) end = p + len;
    if (!tlv(&p, end, &tag, &start, &content, &len)) return 0;
    if (tag == 0xa0 && !tlv(&p, end, &tag, &start, &content, &len)) return 0; /* version, then serial */
    for (int i = 0; i < 3; i++) /* signature, issuer, validity */
        if (!tlv(&p, end, &tag, &start, &content, &len)) return 0;
    if (!tlv(&p, end, &tag, &start, &content, &len) || tag != 0x30) return 0;
    *subject = start;
    *subject_len = (size_t)(content + len - start);
    return 1;
}

static void forget(void) {
    for (size_t i = 0; i < count; i++) {
        X509_free(entries[i].cert);
        X509_NAME_free(entries[i].name);
        free(entries[i].der);
        free(entries[i].subject);
    }
    free(entries);
    free(text);
    entries = NULL;
    text = NULL;
    count = 0;
    indexed = 0;
}

/* Reads and indexes bundle_path once: 1 if entries are ready, -1 to load the file whole, 0 on failure. */
static int index_bundle(void) {
    if (indexed) return indexed;
    if (digits['A'] != 0 || digits['B'] != 1) init_digits();
    FILE *f = fopen(bundle_path, "rb");
    if (f == NULL) return 0;
    size_t size = 0, cap = 0, got;
    do {
        if (cap - size < 65536) {
            char *grown = realloc(text, cap = cap * 2 + 65536);
            if (grown == NULL) break;
            text = grown;
        }
        got = fread(text + size, 1, cap - size - 1, f);
        size += got;
    } while (got > 0);
    fclose(f);
    if (text == NULL) return 0;
    text[size] = '\0';

    static const char begin[] = "-----BEGIN ", cert[] = "-----BEGIN CERTIFICATE-----", end[] = "-----END CERTIFICATE-----";
    size_t capacity = 0;
    int result = 1;
    for (char *p = strstr(text, begin); p != NULL; p = strstr(p, begin)) {
        if (strncmp(p, cert, sizeof cert - 1) != 0) { result = -1; break; } /* trust settings, a CRL, a key */
        char *body = p + sizeof cert - 1, *stop = strstr(body, end);
        if (stop == NULL) { result = -1; break; }
        p = stop + sizeof end - 1;
        /* Only the start of the certificate, up to its subject: 512 bytes nearly always are enough. */
        size_t pem_len = (size_t)(stop - body), max = 512, n;
        unsigned char head[512], *der = head;
        const unsigned char *subject;
        size_t subject_len;
        n = decode64(body, pem_len, head, max);
        if (n == max && !find_subject(head, n, &subject, &subject_len)) {
            if ((der = malloc(pem_len * 3 / 4 + 3)) == NULL) { result = 0; break; }
            n = decode64(body, pem_len, der, pem_len * 3 / 4 + 3);
        }
        int ok = n > 0 && find_subject(der, n, &subject, &subject_len);
        unsigned char *copy = ok ? malloc(subject_len) : NULL;
        if (copy != NULL) memcpy(copy, subject, subject_len);
        if (der != head) free(der);
        if (!ok) { result = -1; break; }
        if (copy == NULL) { result = 0; break; }
        if (count == capacity) {
            struct entry *grown = realloc(entries, (capacity = capacity * 2 + 64) * sizeof *entries);
            if (grown == NULL) { free(copy); result = 0; break; }
            entries = grown;
        }
        entries[count++] = (struct entry){body, pem_len, copy, subject_len, NULL, 0, NULL, NULL};
    }
    if (result != 1) forget();
    indexed = result;
    return result;
}

static const X509_NAME *subject_name(struct entry *e) {
    if (e->name == NULL) {
        const unsigned char *p = e->subject;
        e->name = d2i_X509_NAME(NULL, &p, (long)e->subject_len);
    }
    return e->name;
}

static X509 *parsed(struct entry *e) {
    if (e->cert == NULL && e->der == NULL && (e->der = malloc(e->pem_len * 3 / 4 + 3)) != NULL)
        e->der_len = decode64(e->pem, e->pem_len, e->der, e->pem_len * 3 / 4 + 3);
    if (e->cert == NULL && e->der != NULL) {
        const unsigned char *p = e->der;
        e->cert = d2i_X509(NULL, &p, (long)e->der_len);
    }
    return e->cert;
}

/* OpenSSL asks for certificates with this subject: add those of the bundle to the store. */
static int by_subject(X509_LOOKUP *lookup, X509_LOOKUP_TYPE type, const X509_NAME *name, X509_OBJECT *ret) {
    const unsigned char *der;
    size_t der_len;
    if (type != X509_LU_X509 || X509_NAME_get0_der((X509_NAME *)name, &der, &der_len) != 1) return 0;
    X509_STORE *store = X509_LOOKUP_get_store(lookup);
    X509 *found = NULL;
    pthread_mutex_lock(&lock);
    if (index_bundle() == 1) {
        for (int exact = 1; exact >= 0 && found == NULL; exact--)
            for (size_t i = 0; i < count; i++) {
                struct entry *e = &entries[i];
                int match = exact ? e->subject_len == der_len && memcmp(e->subject, der, der_len) == 0
                                  : subject_name(e) != NULL && X509_NAME_cmp(subject_name(e), name) == 0;
                if (!match || parsed(e) == NULL) continue;
                X509_STORE_add_cert(store, e->cert); /* the store takes its own reference */
                if (found == NULL) found = e->cert;
            }
    }
    pthread_mutex_unlock(&lock);
    if (found == NULL || !X509_OBJECT_set1_X509(ret, found)) return 0;
    /* X509_STORE_CTX_get_by_subject takes its own reference from ret and never frees this one; the store
     * keeps the certificate alive. */
    X509_free(found);
    return 1;
}

/* Makes ctx trust the certificates of the bundle at path; 1 on success. Called by curl for every new
 * connection (CURLOPT_SSL_CTX_FUNCTION), so the bundle is read once per process, not per connection. */
int ccurl_ca_bundle_attach(void *ssl_ctx, const char *path) {
    X509_STORE *store = SSL_CTX_get_cert_store((SSL_CTX *)ssl_ctx);
    if (store == NULL || path == NULL) return 0;
    pthread_mutex_lock(&lock);
    if (bundle_path == NULL || strcmp(bundle_path, path) != 0) {
        forget();
        free(bundle_path);
        bundle_path = strdup(path);
    }
    int state = bundle_path == NULL ? 0 : index_bundle();
    if (state == 1 && method == NULL && (method = X509_LOOKUP_meth_new("lambda CA bundle")) != NULL)
        X509_LOOKUP_meth_set_get_by_subject(method, by_subject);
    pthread_mutex_unlock(&lock);
    if (state == -1) return X509_STORE_load_file(store, path); /* not a plain bundle: the usual way */
    return state == 1 && method != NULL && X509_STORE_add_lookup(store, method) != NULL;
}
