/* DefineAuthChallenge in C over plain sockets: the floor for the benchmark.
 *
 * One keep-alive HTTP/1.1 connection to $AWS_LAMBDA_RUNTIME_API; a purpose-built
 * JSON scanner finds request.session and the top-level "response" member, and the
 * answer is the input document with "response" replaced. MAX_ATTEMPTS (env,
 * default 3) caps wrong answers; a channel-choice round (challengeMetadata
 * "CHANNEL_CHOICE") is not an attempt, and a second one fails the sign-in.
 *
 *   gcc -O2 -o define define.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct { const char *p, *end; } Scan;

/* ---- a minimal JSON scanner: returns 0 on malformed input ---- */
static void ws(Scan *s) {
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t')) s->p++;
}

/* Skip a string starting at '"'; sets [*b, *e) to the raw contents (escapes kept). */
static int str(Scan *s, const char **b, const char **e) {
    if (s->p >= s->end || *s->p != '"') return 0;
    const char *q = ++s->p;
    while (s->p < s->end && *s->p != '"') s->p += (*s->p == '\\') ? 2 : 1;
    if (s->p >= s->end) return 0;
    if (b) { *b = q; *e = s->p; }
    s->p++;
    return 1;
}

static int value(Scan *s);

/* Iterate an object or array: calls `each` at each member value (key given for objects). */
typedef int (*Each)(Scan *s, const char *kb, const char *ke, void *ctx);

static int walk(Scan *s, Each each, void *ctx) {
    ws(s);
    if (s->p >= s->end || (*s->p != '{' && *s->p != '[')) return 0;
    char close = *s->p == '{' ? '}' : ']';
    s->p++;
    ws(s);
    if (s->p < s->end && *s->p == close) { s->p++; return 1; }
    for (;;) {
        const char *kb = NULL, *ke = NULL;
        ws(s);
        if (close == '}') {
            if (!str(s, &kb, &ke)) return 0;
            ws(s);
            if (s->p >= s->end || *s->p != ':') return 0;
            s->p++;
        }
        ws(s);
        if (!(each ? each(s, kb, ke, ctx) : value(s))) return 0;
        ws(s);
        if (s->p >= s->end) return 0;
        if (*s->p == ',') { s->p++; continue; }
        if (*s->p == close) { s->p++; return 1; }
        return 0;
    }
}

static int value(Scan *s) {
    ws(s);
    if (s->p >= s->end) return 0;
    switch (*s->p) {
    case '"': return str(s, NULL, NULL);
    case '{': case '[': return walk(s, NULL, NULL);
    default: {
        const char *q = s->p;
        while (s->p < s->end && !strchr(",}] \t\r\n", *s->p)) s->p++;
        return s->p > q;
    }
    }
}

static int key_is(const char *kb, const char *ke, const char *name) {
    size_t n = strlen(name);
    return (size_t)(ke - kb) == n && memcmp(kb, name, n) == 0;
}

/* ---- the define logic ---- */
typedef struct {
    int entries, skipped_srp, other, last_true, failures, choices;
    /* current entry */
    const char *nb, *ne, *mb, *me;
    int result, has_meta;
} Session;

static int entry_member(Scan *s, const char *kb, const char *ke, void *ctx) {
    Session *st = ctx;
    if (key_is(kb, ke, "challengeName")) {
        if (*s->p == '"') return str(s, &st->nb, &st->ne);
    } else if (key_is(kb, ke, "challengeResult")) {
        st->result = s->end - s->p >= 4 && memcmp(s->p, "true", 4) == 0;
    } else if (key_is(kb, ke, "challengeMetadata")) {
        if (*s->p == '"') { st->has_meta = 1; return str(s, &st->mb, &st->me); }
    }
    return value(s);
}

static int session_entry(Scan *s, const char *kb, const char *ke, void *ctx) {
    (void)kb; (void)ke;
    Session *st = ctx;
    st->nb = st->ne = st->mb = st->me = NULL;
    st->result = st->has_meta = 0;
    if (!walk(s, entry_member, st)) return 0;
    int index = st->entries++;
    if (index == 0 && st->nb && key_is(st->nb, st->ne, "SRP_A")) { st->skipped_srp = 1; return 1; }
    if (!st->nb || !key_is(st->nb, st->ne, "CUSTOM_CHALLENGE")) { st->other = 1; return 1; }
    int choice = st->has_meta && st->me - st->mb == 14 && memcmp(st->mb, "CHANNEL_CHOICE", 14) == 0;
    st->last_true = st->result && !choice;
    if (choice) st->choices++;
    else if (!st->result) st->failures++;
    return 1;
}

static int request_member(Scan *s, const char *kb, const char *ke, void *ctx) {
    if (key_is(kb, ke, "session") && *s->p == '[') return walk(s, session_entry, ctx);
    return value(s);
}

typedef struct { Session session; const char *rb, *re; } Doc;

static int top_member(Scan *s, const char *kb, const char *ke, void *ctx) {
    Doc *d = ctx;
    if (key_is(kb, ke, "request") && *s->p == '{') return walk(s, request_member, &d->session);
    if (key_is(kb, ke, "response")) {
        d->rb = s->p;
        if (!value(s)) return 0;
        d->re = s->p;
        return 1;
    }
    return value(s);
}

static const char FAIL[] = "{\"issueTokens\":false,\"failAuthentication\":true}";
static const char ISSUE[] = "{\"issueTokens\":true,\"failAuthentication\":false}";
static const char CHALLENGE[] = "{\"challengeName\":\"CUSTOM_CHALLENGE\",\"issueTokens\":false,\"failAuthentication\":false}";

/* Writes the answered document into out (capacity cap); returns its length or -1. */
static long define(const char *in, size_t n, char *out, size_t cap, int max_attempts) {
    Doc d;
    memset(&d, 0, sizeof d);
    Scan s = { in, in + n };
    if (!walk(&s, top_member, &d)) return -1;
    const Session *st = &d.session;
    int custom = st->entries - st->skipped_srp;
    const char *r = st->other ? FAIL
        : (custom > 0 && st->last_true) ? ISSUE
        : (st->failures >= max_attempts || st->choices > 1) ? FAIL : CHALLENGE;
    size_t rn = strlen(r);
    const char *head_end, *tail;
    if (d.rb) { head_end = d.rb; tail = d.re; }
    else {  /* no "response" member: add one before the closing brace */
        const char *close = in + n;
        while (close > in && close[-1] != '}') close--;
        if (close == in) return -1;
        head_end = close - 1;
        tail = close - 1;
    }
    const char *sep = d.rb ? "" : ",\"response\":";
    size_t hn = head_end - in, sn = strlen(sep), tn = in + n - tail;
    if (hn + sn + rn + tn > cap) return -1;
    memcpy(out, in, hn);
    memcpy(out + hn, sep, sn);
    memcpy(out + hn + sn, r, rn);
    memcpy(out + hn + sn + rn, tail, tn);
    return (long)(hn + sn + rn + tn);
}

/* ---- HTTP over one keep-alive connection ---- */
static int fd = -1;
static char *rbuf;
static size_t rcap = 1 << 16, rlen;
static char host[256];

static void die(const char *what) { perror(what); exit(1); }

static void send_all(const char *p, size_t n) {
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0) { if (errno == EINTR) continue; die("send"); }
        p += w; n -= (size_t)w;
    }
}

static void fill(void) {
    if (rlen == rcap && !(rbuf = realloc(rbuf, rcap *= 2))) die("realloc");
    ssize_t r;
    do r = recv(fd, rbuf + rlen, rcap - rlen, 0); while (r < 0 && errno == EINTR);
    if (r <= 0) { fprintf(stderr, "runtime API closed the connection\n"); exit(1); }
    rlen += (size_t)r;
}

/* Reads one response; returns the status, sets *body and *blen (valid until the next call)
 * and copies the request id header, if any, into id. */
static size_t consumed;

static int read_response(char **body, size_t *blen, char *id, size_t idcap) {
    if (consumed) { memmove(rbuf, rbuf + consumed, rlen - consumed); rlen -= consumed; consumed = 0; }
    char *eoh;
    while (!(eoh = memmem(rbuf, rlen, "\r\n\r\n", 4))) fill();
    size_t hlen = (size_t)(eoh - rbuf) + 4, clen = 0;
    int status = atoi(rbuf + 9);
    for (char *line = strstr(rbuf, "\r\n") + 2; line < eoh; line = strstr(line, "\r\n") + 2) {
        if (!strncasecmp(line, "Content-Length:", 15)) clen = strtoul(line + 15, NULL, 10);
        else if (id && !strncasecmp(line, "Lambda-Runtime-Aws-Request-Id:", 30)) {
            char *v = line + 30, *e = strstr(v, "\r\n");
            while (*v == ' ') v++;
            size_t n = (size_t)(e - v) < idcap - 1 ? (size_t)(e - v) : idcap - 1;
            memcpy(id, v, n);
            id[n] = 0;
        }
    }
    while (rlen < hlen + clen) fill();
    *body = rbuf + hlen;
    *blen = clen;
    consumed = hlen + clen;
    return status;
}

static void post(const char *id, const char *kind, const char *extra, const char *body, size_t n) {
    char head[512];
    int hn = snprintf(head, sizeof head,
        "POST /2018-06-01/runtime/invocation/%s/%s HTTP/1.1\r\nHost: %s\r\n%s"
        "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n", id, kind, host, extra, n);
    send_all(head, (size_t)hn);
    send_all(body, n);
    char *b; size_t bl;
    int status = read_response(&b, &bl, NULL, 0);
    if (status != 202) fprintf(stderr, "runtime API answered %d to %s\n", status, kind);
}

int main(void) {
    const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    const char *max = getenv("MAX_ATTEMPTS");
    int max_attempts = max && atoi(max) > 0 ? atoi(max) : 3;
    if (!api) { fprintf(stderr, "AWS_LAMBDA_RUNTIME_API is not set\n"); return 1; }
    snprintf(host, sizeof host, "%s", api);
    char *colon = strrchr(host, ':');
    if (!colon) { fprintf(stderr, "bad AWS_LAMBDA_RUNTIME_API\n"); return 1; }
    *colon = 0;
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(colon + 1)) };
    if (inet_pton(AF_INET, strcmp(host, "localhost") ? host : "127.0.0.1", &addr.sin_addr) != 1) {
        fprintf(stderr, "bad runtime API host %s\n", host);
        return 1;
    }
    *colon = ':';
    if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0) die("socket");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) die("connect");
    if (!(rbuf = malloc(rcap))) die("malloc");

    char next[512], id[128];
    int nn = snprintf(next, sizeof next,
        "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: %s\r\n\r\n", host);
    size_t ocap = 1 << 16;
    char *out = malloc(ocap);
    if (!out) die("malloc");
    for (;;) {
        send_all(next, (size_t)nn);
        char *event; size_t n;
        id[0] = 0;
        int status = read_response(&event, &n, id, sizeof id);
        if (status != 200 || !id[0]) { fprintf(stderr, "bad /next answer %d\n", status); return 1; }
        if (n + 256 > ocap && !(out = realloc(out, ocap = n + 256))) die("realloc");
        long m = define(event, n, out, ocap, max_attempts);
        if (m < 0) {
            static const char err[] = "{\"errorMessage\":\"cannot parse the event\",\"errorType\":\"InvalidEvent\"}";
            post(id, "error", "Lambda-Runtime-Function-Error-Type: InvalidEvent\r\n", err, sizeof err - 1);
        } else {
            post(id, "response", "", out, (size_t)m);
        }
    }
}
