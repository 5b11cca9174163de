/* ga_http.c - HTTPS requests to GenAuth with libcurl (see ga_http.h).
 *
 * Every request starts from curl_easy_reset() and sets every option again:
 * nothing set for one call (Basic credentials, a POST body, the header list)
 * can leak into the next. curl_easy_reset keeps the live connections, the
 * TLS session cache and the DNS cache, so the handle still serves all calls
 * of one login over one TLS connection (new_connections tells).
 */
#include "config.h"

#include "ga_http.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ga_secret.h"
#include "ga_text.h"

#define GA_RETRY_AFTER_CAP 3600L  /* seconds */
#define GA_TIMEOUT_S_MAX 86400L   /* bounds for every option in seconds */
#define GA_URL_MAX 4096           /* base_url + path */
#define GA_BODY_FIRST 4096        /* first allocation of the body buffer */

struct ga_http {
    CURL *curl;
    char *base_url;
    char *ca_file;    /* NULL = system trust store */
    char *user_agent;
    long connect_timeout_ms;
    long timeout_ms;
    long budget_ms;   /* 0 = no budget */
    long used_ms;     /* network time consumed so far */
    const ga_logger_t *lg;
    char errbuf[CURL_ERROR_SIZE];
};

/* The response body while it arrives. Bounded by GA_HTTP_BODY_MAX. */
typedef struct body_buf {
    char *data;
    size_t len;
    size_t cap;
    int too_big;
    int nomem;
} body_buf_t;

/* Everything one request sets on the easy handle. */
typedef struct request {
    const char *method;
    const char *url;
    const char *body;
    const char *basic_user;
    const char *basic_password;
    int fresh_connection;
    struct curl_slist *headers;
    long timeout_ms;
    body_buf_t *buf;
    long *retry_after_s;
} request_t;

/* The only mutable globals of the module: libcurl's process-wide
 * initialisation. global_status is written once, inside pthread_once,
 * and only read afterwards. curl_global_cleanup is never called: the
 * module lives in long-running, possibly threaded hosts, and is linked
 * with -z nodelete. */
static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static ga_status_t global_status = GA_ERR_INTERNAL;

static void global_init_once(void)
{
    /* libcurl's OpenSSL backend opens $SSLKEYLOGFILE for appending when it
     * initialises and writes every TLS session key into it. Under sudo or
     * su that environment belongs to the invoking user while we run as
     * root: refuse rather than create or append to a file they name. */
    if (getenv("SSLKEYLOGFILE") != NULL)
        return;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK)
        global_status = GA_OK;
}

ga_status_t ga_http_global_init(void)
{
    if (pthread_once(&global_once, global_init_once) != 0)
        return GA_ERR_INTERNAL;
    return global_status;
}

static long monotonic_ms(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (long)ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Non-zero if s is a non-empty string of printable ASCII without spaces. */
static int is_plain(const char *s)
{
    if (!s || !*s)
        return 0;
    for (; *s; s++)
        if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
            return 0;
    return 1;
}

static int seconds_ok(long s, long min)
{
    return s >= min && s <= GA_TIMEOUT_S_MAX;
}

static ga_status_t check_opts(const ga_http_opts_t *opts)
{
    if (!is_plain(opts->base_url) || strncasecmp(opts->base_url, "https://", 8) != 0
        || strlen(opts->base_url) <= 8 || strlen(opts->base_url) >= GA_URL_MAX / 2)
        return GA_ERR_CONFIG;
    if (!seconds_ok(opts->connect_timeout_s, 1) || !seconds_ok(opts->timeout_s, 1)
        || !seconds_ok(opts->budget_s, 0))
        return GA_ERR_CONFIG;
    if (opts->user_agent && !*opts->user_agent)
        return GA_ERR_CONFIG;
    return GA_OK;
}

ga_status_t ga_http_new(const ga_http_opts_t *opts, const ga_logger_t *lg,
                        ga_http_t **out)
{
    ga_status_t st = GA_ERR_INTERNAL;
    ga_http_t *h = NULL;

    if (!out)
        return GA_ERR_INTERNAL;
    *out = NULL;
    if (!opts)
        goto out;
    if ((st = check_opts(opts)) != GA_OK)
        goto out;
    if ((st = ga_http_global_init()) != GA_OK) {
        if (getenv("SSLKEYLOGFILE") != NULL)
            ga_log(lg, LOG_ERR, "SSLKEYLOGFILE is set in the environment: libcurl "
                   "would write TLS keys to it; refusing to start HTTPS");
        goto out;
    }
    st = GA_ERR_NOMEM;
    if (!(h = calloc(1, sizeof *h)))
        goto out;
    h->lg = lg;
    h->connect_timeout_ms = opts->connect_timeout_s * 1000L;
    h->timeout_ms = opts->timeout_s * 1000L;
    h->budget_ms = opts->budget_s * 1000L;
    if (!(h->base_url = strdup(opts->base_url)))
        goto out;
    if (opts->ca_file && opts->ca_file[0] && !(h->ca_file = strdup(opts->ca_file)))
        goto out;
    if (!(h->user_agent = strdup(opts->user_agent ? opts->user_agent
                                                  : "pam_genauth/" PACKAGE_VERSION)))
        goto out;
    if (!(h->curl = curl_easy_init()))
        goto out;
    *out = h;
    h = NULL;
    st = GA_OK;
out:
    ga_http_free(h);
    return st;
}

/* CURLOPT_WRITEFUNCTION: append to the bounded buffer. Growing copies into
 * a new block and wipes the old one (realloc would leave copies behind). */
static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    body_buf_t *b = userdata;
    size_t n = size * nmemb;
    size_t cap;
    char *grown;

    if (n == 0)
        return 0;
    if (n > GA_HTTP_BODY_MAX - b->len) {
        b->too_big = 1;
        return 0;
    }
    if (b->len + n + 1 > b->cap) {
        cap = b->cap ? b->cap : GA_BODY_FIRST;
        while (cap < b->len + n + 1)
            cap *= 2;
        if (cap > GA_HTTP_BODY_MAX + 1)
            cap = GA_HTTP_BODY_MAX + 1;
        if (!(grown = malloc(cap))) {
            b->nomem = 1;
            return 0;
        }
        if (b->data)
            memcpy(grown, b->data, b->len);
        ga_free_secret_n(b->data, b->cap);
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, ptr, n);
    b->len += n;
    b->data[b->len] = '\0';
    return n;
}

/* Strict Retry-After: delta-seconds only (an HTTP-date is ignored), capped
 * at GA_RETRY_AFTER_CAP. v is the header value, vlen bytes, not terminated. */
static long parse_retry_after(const char *v, size_t vlen)
{
    char digits[16];
    long secs;

    while (vlen && (*v == ' ' || *v == '\t')) {
        v++;
        vlen--;
    }
    while (vlen && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n' || v[vlen - 1] == ' '
                    || v[vlen - 1] == '\t'))
        vlen--;
    if (vlen == 0)
        return -1;
    for (size_t i = 0; i < vlen; i++)
        if (v[i] < '0' || v[i] > '9')
            return -1;
    if (vlen >= sizeof digits)
        return GA_RETRY_AFTER_CAP;
    memcpy(digits, v, vlen);
    digits[vlen] = '\0';
    if (ga_parse_long(digits, 0, GA_TIMEOUT_S_MAX * 1000L, &secs) != 0)
        return GA_RETRY_AFTER_CAP;
    return secs > GA_RETRY_AFTER_CAP ? GA_RETRY_AFTER_CAP : secs;
}

/* CURLOPT_HEADERFUNCTION: remember Retry-After of the final response. */
static size_t on_header(char *ptr, size_t size, size_t nitems, void *userdata)
{
    static const char name[] = "retry-after:";
    long *retry_after_s = userdata;
    size_t n = size * nitems;

    if (n >= 5 && strncmp(ptr, "HTTP/", 5) == 0)
        *retry_after_s = -1; /* a new response (after 1xx) starts */
    else if (n >= sizeof name - 1 && strncasecmp(ptr, name, sizeof name - 1) == 0)
        *retry_after_s = parse_retry_after(ptr + sizeof name - 1, n - (sizeof name - 1));
    return n;
}

/* Wipe every header line (they may carry tokens), then free the list. */
static void free_headers(struct curl_slist *list)
{
    for (struct curl_slist *l = list; l; l = l->next)
        if (l->data)
            ga_wipe(l->data, strlen(l->data));
    curl_slist_free_all(list);
}

/* "Name: value" in printable ASCII: no CR/LF can smuggle in a header. */
static int header_line_ok(const char *line)
{
    const char *colon = strchr(line, ':');

    if (!colon || colon == line)
        return 0;
    for (const char *p = line; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f
            || (p < colon && *p == ' '))
            return 0;
    return 1;
}

static ga_status_t build_headers(const char *const *headers, int post,
                                 struct curl_slist **out)
{
    struct curl_slist *list = NULL, *next;
    ga_status_t st = GA_ERR_NOMEM;

    for (size_t i = 0; headers && headers[i]; i++) {
        if (!header_line_ok(headers[i])) {
            st = GA_ERR_INTERNAL;
            goto out;
        }
        if (!(next = curl_slist_append(list, headers[i])))
            goto out;
        list = next;
    }
    if (!(next = curl_slist_append(list, "Accept: application/json")))
        goto out;
    list = next;
    if (post) {
        if (!(next = curl_slist_append(list, "Content-Type: application/json")))
            goto out;
        list = next;
    }
    *out = list;
    list = NULL;
    st = GA_OK;
out:
    free_headers(list);
    return st;
}

/* Transport and TLS options: identical for every request. */
static int set_transport(ga_http_t *h, const request_t *rq)
{
    CURL *c = h->curl;
    int ok = 1;

    ok = ok && curl_easy_setopt(c, CURLOPT_URL, rq->url) == CURLE_OK;
#if LIBCURL_VERSION_NUM >= 0x075500
    ok = ok && curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https") == CURLE_OK;
    ok = ok && curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https") == CURLE_OK;
#else
    ok = ok && curl_easy_setopt(c, CURLOPT_PROTOCOLS, (long)CURLPROTO_HTTPS) == CURLE_OK;
    ok = ok && curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS, (long)CURLPROTO_HTTPS) == CURLE_OK;
#endif
    ok = ok && curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK;
    ok = ok && curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) == CURLE_OK;
    ok = ok && curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK;
    ok = ok && curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK;
    ok = ok && curl_easy_setopt(c, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2) == CURLE_OK;
    if (h->ca_file) {
        /* A private CA replaces the system store: no CAPATH next to it. */
        ok = ok && curl_easy_setopt(c, CURLOPT_CAINFO, h->ca_file) == CURLE_OK;
        ok = ok && curl_easy_setopt(c, CURLOPT_CAPATH, NULL) == CURLE_OK;
    }
    /* The caller's environment (http_proxy, https_proxy, ALL_PROXY,
     * NO_PROXY, ~/.netrc) must not steer the module. */
    ok = ok && curl_easy_setopt(c, CURLOPT_PROXY, "") == CURLE_OK;
    ok = ok && curl_easy_setopt(c, CURLOPT_NOPROXY, "*") == CURLE_OK;
    ok = ok && curl_easy_setopt(c, CURLOPT_NETRC, (long)CURL_NETRC_IGNORED) == CURLE_OK;
    ok = ok && curl_easy_setopt(c, CURLOPT_USERAGENT, h->user_agent) == CURLE_OK;
    ok = ok && curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, h->connect_timeout_ms) == CURLE_OK;
    ok = ok && curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, rq->timeout_ms) == CURLE_OK;
    ok = ok && curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf) == CURLE_OK;
    return ok;
}

/* What this request sends and how the answer is collected. */
static int set_exchange(ga_http_t *h, const request_t *rq)
{
    CURL *c = h->curl;
    int ok = 1;

    ok = ok && curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body) == CURLE_OK;
    ok = ok && curl_easy_setopt(c, CURLOPT_WRITEDATA, rq->buf) == CURLE_OK;
    ok = ok && curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
                                (curl_off_t)GA_HTTP_BODY_MAX) == CURLE_OK;
    ok = ok && curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header) == CURLE_OK;
    ok = ok && curl_easy_setopt(c, CURLOPT_HEADERDATA, rq->retry_after_s) == CURLE_OK;
    ok = ok && curl_easy_setopt(c, CURLOPT_HTTPHEADER, rq->headers) == CURLE_OK;
    ok = ok && curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, rq->fresh_connection ? 1L : 0L)
                   == CURLE_OK;
    if (rq->body) {
        ok = ok && curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(rq->body)) == CURLE_OK;
        ok = ok && curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq->body) == CURLE_OK;
    } else {
        ok = ok && curl_easy_setopt(c, CURLOPT_HTTPGET, 1L) == CURLE_OK;
    }
    if (rq->basic_user) {
        ok = ok && curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC) == CURLE_OK;
        ok = ok && curl_easy_setopt(c, CURLOPT_USERNAME, rq->basic_user) == CURLE_OK;
        ok = ok && curl_easy_setopt(c, CURLOPT_PASSWORD, rq->basic_password) == CURLE_OK;
    }
    return ok;
}

static int is_tls_error(CURLcode rc)
{
    switch (rc) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT:
    case CURLE_USE_SSL_FAILED:
        return 1;
    default:
        return 0;
    }
}

/* Map a failed transfer to a status and reason class. */
static ga_status_t map_curl_error(CURLcode rc, const body_buf_t *b, int errbuf_set,
                                  ga_reason_t *reason)
{
    /* libcurl says "out of memory" also for a response header over its
     * limit (CURL_MAX_HTTP_HEADER): the two cannot be told apart, so it is
     * treated as a bad answer (fail mode), never as success */
    (void)errbuf_set;
    if (b->nomem)
        return GA_ERR_NOMEM;
    if (b->too_big || rc == CURLE_FILESIZE_EXCEEDED || rc == CURLE_OUT_OF_MEMORY)
        *reason = GA_REASON_BAD_ANSWER;
    else if (rc == CURLE_COULDNT_RESOLVE_HOST)
        *reason = GA_REASON_DNS;
    else if (rc == CURLE_COULDNT_CONNECT)
        *reason = GA_REASON_REFUSED;
    else if (rc == CURLE_OPERATION_TIMEDOUT)
        *reason = GA_REASON_TIMEOUT;
    else if (is_tls_error(rc))
        *reason = GA_REASON_TLS;
    else
        *reason = GA_REASON_NETWORK;
    return GA_ERR_UNAVAIL;
}

/* How much of path a log line shows: not the query, which may hold user
 * data (get-mfa-trigger-data?userId=<email or phone>). */
static int shown(const char *path)
{
    return (int)strcspn(path, "?");
}

static void log_failure(ga_http_t *h, const request_t *rq, const char *path, CURLcode rc,
                        ga_http_response_t *resp)
{
    char detail[CURL_ERROR_SIZE];
    const char *text;

    (void)ga_sanitize(h->errbuf, strnlen(h->errbuf, sizeof h->errbuf), detail, sizeof detail);
    ga_log(h->lg, LOG_DEBUG, "%s %.*s: curl error %d: %s (%s)", rq->method, shown(path), path,
           (int)rc, curl_easy_strerror(rc), detail);
    text = detail[0] ? detail : curl_easy_strerror(rc);
    (void)ga_sanitize(text, strlen(text), resp->error, sizeof resp->error);
}

/* Run one prepared request; fills resp (status, body) or *reason. */
static ga_status_t perform(ga_http_t *h, const request_t *rq, const char *path,
                           ga_http_response_t *resp, ga_reason_t *reason)
{
    CURLcode rc;
    long start, status = 0, conns = 0;

    curl_easy_reset(h->curl);
    h->errbuf[0] = '\0';
    if (!set_transport(h, rq) || !set_exchange(h, rq)) {
        ga_log(h->lg, LOG_DEBUG, "%s %.*s: cannot set libcurl options", rq->method, shown(path),
               path);
        curl_easy_reset(h->curl);
        return GA_ERR_INTERNAL;
    }
    start = monotonic_ms();
    rc = curl_easy_perform(h->curl);
    resp->elapsed_ms = monotonic_ms() - start;
    if (resp->elapsed_ms < 0)
        resp->elapsed_ms = 0;
    h->used_ms += resp->elapsed_ms;
    if (curl_easy_getinfo(h->curl, CURLINFO_NUM_CONNECTS, &conns) == CURLE_OK)
        resp->new_connections = conns;
    if (rc == CURLE_OK && curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK)
        rc = CURLE_RECV_ERROR;
    if (rc != CURLE_OK)
        log_failure(h, rq, path, rc, resp);
    /* Drop every pointer into this call's memory and the credential copies. */
    curl_easy_reset(h->curl);
    if (rc != CURLE_OK)
        return map_curl_error(rc, rq->buf, h->errbuf[0] != '\0', reason);
    resp->http_status = status;
    return GA_OK;
}

static int args_ok(const ga_http_t *h, const char *method, const char *path,
                   const char *body, const char *user, const char *password)
{
    if (!h || !method || !path || path[0] != '/' || !is_plain(path)
        || strlen(h->base_url) + strlen(path) >= GA_URL_MAX)
        return 0;
    if (strcmp(method, "POST") == 0 ? body == NULL
                                    : (strcmp(method, "GET") != 0 || body != NULL))
        return 0;
    if (!user != !password || (user && strchr(user, ':')))
        return 0;
    return 1;
}

ga_status_t ga_http_send(ga_http_t *h, const ga_http_req_t *req,
                         ga_http_response_t *resp, ga_reason_t *reason)
{
    ga_status_t st = GA_ERR_INTERNAL;
    body_buf_t buf = {0};
    char url[GA_URL_MAX];
    request_t rq = {0};
    int n, cut = 0;

    if (!req || !resp || !reason)
        return GA_ERR_INTERNAL;
    memset(resp, 0, sizeof *resp);
    resp->retry_after_s = -1;
    *reason = GA_REASON_NONE;
    if (!args_ok(h, req->method, req->path, req->body, req->basic_user, req->basic_password))
        goto out;
    rq.method = req->method;
    rq.timeout_ms = h->timeout_ms;
    if (h->budget_ms > 0) {
        if (h->budget_ms - h->used_ms <= 0) {
            ga_log(h->lg, LOG_DEBUG, "%s %.*s: network time budget exhausted", req->method,
                   shown(req->path), req->path);
            *reason = GA_REASON_DEADLINE;
            (void)snprintf(resp->error, sizeof resp->error, "total_timeout used up");
            st = GA_ERR_UNAVAIL;
            goto out;
        }
        if (h->budget_ms - h->used_ms < rq.timeout_ms) {
            rq.timeout_ms = h->budget_ms - h->used_ms;
            cut = 1; /* a timeout now means the whole login's time ran out */
        }
    }
    n = snprintf(url, sizeof url, "%s%s", h->base_url, req->path);
    if (n < 0 || (size_t)n >= sizeof url)
        goto out;
    rq.url = url;
    rq.body = req->body;
    rq.basic_user = req->basic_user;
    rq.basic_password = req->basic_password;
    rq.fresh_connection = req->fresh_connection;
    rq.buf = &buf;
    rq.retry_after_s = &resp->retry_after_s;
    if ((st = build_headers(req->headers, req->body != NULL, &rq.headers)) != GA_OK)
        goto out;
    if ((st = perform(h, &rq, req->path, resp, reason)) != GA_OK) {
        if (cut && *reason == GA_REASON_TIMEOUT)
            *reason = GA_REASON_DEADLINE;
        goto out;
    }
    if (!buf.data && !(buf.data = calloc(1, 1))) {
        st = GA_ERR_NOMEM;
        goto out;
    }
    resp->body = buf.data;
    resp->len = buf.len;
    buf.data = NULL;
out:
    free_headers(rq.headers);
    ga_free_secret_n(buf.data, buf.cap);
    if (st != GA_OK)
        resp->retry_after_s = -1;
    return st;
}

ga_status_t ga_http_request(ga_http_t *h, const char *method, const char *path,
                            const char *const *headers, const char *body,
                            ga_http_response_t *resp, ga_reason_t *reason)
{
    ga_http_req_t req = {method, path, headers, body, NULL, NULL, 0};

    return ga_http_send(h, &req, resp, reason);
}

long ga_http_budget_left_ms(const ga_http_t *h)
{
    if (!h || h->budget_ms <= 0)
        return -1;
    return h->budget_ms > h->used_ms ? h->budget_ms - h->used_ms : 0;
}

void ga_http_charge_ms(ga_http_t *h, long ms)
{
    if (h && ms > 0)
        h->used_ms += ms;
}

void ga_http_response_clear(ga_http_response_t *resp)
{
    if (!resp)
        return;
    ga_free_secret_n(resp->body, resp->len);
    memset(resp, 0, sizeof *resp);
    resp->retry_after_s = -1;
}

void ga_http_free(ga_http_t *h)
{
    if (!h)
        return;
    if (h->curl)
        curl_easy_cleanup(h->curl);
    free(h->base_url);
    free(h->ca_file);
    free(h->user_agent);
    free(h);
}
