/* ga_api.c - the GenAuth V3 authentication API client (see ga_api.h).
 *
 * Request bodies are built with json-c, sent with ga_http, and the answers
 * classified by ga_response. Arguments are checked before any I/O; every
 * copy of a secret this file makes (bodies, header lines, the JSON tree's
 * strings) is wiped before it is freed. Logging: one LOG_DEBUG line per
 * request with method, path, HTTP status, statusCode, apiCode and time -
 * never a body, a header or a token.
 */
#include "config.h"

#include "ga_api.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ga_api_body.h"
#include "ga_api_int.h"
#include "ga_http.h"
#include "ga_secret.h"
#include "ga_text.h"

#define PATH_SIGNIN "/api/v3/signin"
#define PATH_LIST_ENROLLED "/api/v3/list-enrolled-factors"
#define PATH_LIST_TO_ENROLL "/api/v3/list-factors-to-enroll"
#define PATH_SEND_ENROLL "/api/v3/send-enroll-factor-request"
#define PATH_ENROLL "/api/v3/enroll-factor"

#define GA_HEADERS_MAX 8

/* NULL-terminated header lines for one request; each wiped when freed. */
typedef struct header_list {
    char *line[GA_HEADERS_MAX + 1];
    size_t n;
} header_list_t;

void ga_api_reset_err(ga_api_error_t *err)
{
    memset(err, 0, sizeof *err);
    err->retry_after_s = -1;
}

/* ------------------------------------------------------------- requests */

static void free_header_list(header_list_t *hl)
{
    for (size_t i = 0; i < hl->n; i++)
        ga_free_secret(hl->line[i]);
    memset(hl, 0, sizeof *hl);
}

static ga_status_t add_header(header_list_t *hl, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static ga_status_t add_header(header_list_t *hl, const char *fmt, ...)
{
    va_list ap;
    int n;
    char *line;

    if (hl->n >= GA_HEADERS_MAX)
        return GA_ERR_INTERNAL;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return GA_ERR_INTERNAL;
    if (!(line = malloc((size_t)n + 1)))
        return GA_ERR_NOMEM;
    va_start(ap, fmt);
    (void)vsnprintf(line, (size_t)n + 1, fmt, ap);
    va_end(ap);
    hl->line[hl->n++] = line;
    return GA_OK;
}

static const char *header_prefix(const ga_config_t *cfg)
{
    return cfg->header_prefix ? cfg->header_prefix : "x-authing-";
}

/* The headers every call sends, the user pool id of a Management API
 * call, and the bearer token if any. */
static ga_status_t build_headers(const ga_client_t *c, const ga_call_t *k, header_list_t *hl)
{
    const char *prefix = header_prefix(c->cfg);
    ga_status_t st;

    if ((st = add_header(hl, "%sapp-id: %s", prefix, c->cfg->app_id)) != GA_OK
        || (c->cfg->lang && (st = add_header(hl, "%slang: %s", prefix, c->cfg->lang)) != GA_OK)
        || (st = add_header(hl, "%srequest-from: pam_genauth", prefix)) != GA_OK
        || (st = add_header(hl, "%ssdk-version: pam_genauth:%s", prefix, PACKAGE_VERSION)) != GA_OK
        || (c->end_user_ip && (st = add_header(hl, "x-real-ip: %s", c->end_user_ip)) != GA_OK)
        || (k->mgmt
            && (st = add_header(hl, "%suserpool-id: %s", prefix, c->cfg->userpool_id)) != GA_OK)
        || (k->token && (st = add_header(hl, "authorization: Bearer %s", k->token)) != GA_OK))
        free_header_list(hl);
    return st;
}

static const char *shown_path(const ga_call_t *k)
{
    return k->log_path ? k->log_path : k->path;
}

ga_status_t ga_api_send(ga_client_t *c, const ga_call_t *k, ga_http_response_t *resp,
                        ga_api_error_t *err)
{
    header_list_t hl = {{0}, 0};
    ga_http_req_t req = {0};
    ga_reason_t reason = GA_REASON_NONE;
    ga_status_t st = GA_ERR_INTERNAL;
    ga_http_t *h = k->mgmt ? c->mgmt_http : c->http;
    ga_http_t *other = k->mgmt ? c->http : c->mgmt_http;
    int basic = k->basic && !k->mgmt && c->cfg->auth_method == GA_CLIENT_AUTH_BASIC;

    memset(resp, 0, sizeof *resp);
    resp->retry_after_s = -1;
    if (!h || (k->mgmt && !c->cfg->userpool_id))
        goto out;
    if ((st = build_headers(c, k, &hl)) != GA_OK)
        goto out;
    req.method = k->method;
    req.path = k->path;
    req.headers = (const char *const *)hl.line;
    req.body = k->body;
    req.basic_user = basic ? c->cfg->app_id : NULL;
    req.basic_password = basic ? c->cfg->app_secret : NULL;
    req.fresh_connection = k->once;
    st = ga_http_send(h, &req, resp, &reason);
    /* one budget (total_timeout) for the calls to both hosts */
    ga_http_charge_ms(other, resp->elapsed_ms);
    if (st != GA_OK) {
        err->reason = reason;
        (void)snprintf(err->message, sizeof err->message, "%s", resp->error);
        ga_log(c->lg, LOG_DEBUG, "%s %s: no answer (%s), %ld ms", k->method, shown_path(k),
               ga_reason_name(reason), resp->elapsed_ms);
    }
out:
    free_header_list(&hl);
    return st;
}

void ga_api_log_answer(const ga_client_t *c, const ga_call_t *k,
                       const ga_http_response_t *resp, const ga_api_error_t *err,
                       ga_status_t st)
{
    ga_log(c->lg, LOG_DEBUG,
           "%s %s: HTTP %ld, statusCode %ld, apiCode %ld, %ld ms, %s connection: %s",
           k->method, shown_path(k), resp->http_status, err->status_code, err->api_code,
           resp->elapsed_ms, resp->new_connections > 0 ? "new" : "reused",
           ga_status_name(st));
}

/* Calls GenAuth did not process because it was throttling (statusCode or
 * HTTP 429) are retried - never a code send - at most THROTTLE_RETRIES
 * times, after Retry-After (at most THROTTLE_WAIT_MAX s) or 1 s, 2 s, within
 * the login's network budget (the waiting counts against it on both
 * handles). Returns 1 after waiting when the call should be made again. */
#define THROTTLE_RETRIES 2
#define THROTTLE_WAIT_MAX 5

int ga_api_backoff(ga_client_t *c, const ga_call_t *k, int attempt,
                   const ga_http_response_t *resp, const ga_api_error_t *err)
{
    long wait_ms, left = ga_http_budget_left_ms(c->http);
    struct timespec ts;

    if (attempt >= THROTTLE_RETRIES || (err->status_code != 429 && resp->http_status != 429))
        return 0;
    wait_ms = resp->retry_after_s > 0 && resp->retry_after_s <= THROTTLE_WAIT_MAX
                  ? resp->retry_after_s * 1000L
                  : 1000L << attempt;
    if (left >= 0 && wait_ms >= left)
        return 0;
    ga_log(c->lg, LOG_DEBUG, "%s %s: throttled, retrying in %ld ms", k->method, shown_path(k),
           wait_ms);
    ts.tv_sec = wait_ms / 1000;
    ts.tv_nsec = (wait_ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
    ga_http_charge_ms(c->http, wait_ms);
    ga_http_charge_ms(c->mgmt_http, wait_ms);
    return 1;
}

ga_status_t ga_api_call(ga_client_t *c, const ga_call_t *k, ga_classify_fn classify,
                        void (*clear)(void *out), void *out, ga_api_error_t *err)
{
    ga_http_response_t resp = {0};
    ga_status_t st;

    for (int attempt = 0;; attempt++) {
        if ((st = ga_api_send(c, k, &resp, err)) != GA_OK)
            break;
        st = classify(&resp, out, err);
        err->retry_after_s = resp.retry_after_s; /* for parsers that are not told it */
        ga_api_log_answer(c, k, &resp, err, st);
        if (st == GA_OK || k->once || !ga_api_backoff(c, k, attempt, &resp, err))
            break;
        if (clear)
            clear(out);
        ga_http_response_clear(&resp);
        ga_api_reset_err(err);
    }
    ga_http_response_clear(&resp);
    return st;
}

static ga_status_t classify_signin(const ga_http_response_t *r, void *out, ga_api_error_t *err)
{
    return ga_parse_signin(r->body, r->len, r->http_status, out, err);
}

static void clear_signin(void *out)
{
    ga_signin_clear(out);
}

static ga_status_t op_signin(void *ctx, const char *identifier, const char *password,
                             ga_signin_t *out, ga_api_error_t *err)
{
    ga_client_t *c = ctx;
    char *body = NULL;
    ga_call_t k = {.method = "POST", .path = PATH_SIGNIN, .basic = 1};
    ga_status_t st = GA_ERR_INTERNAL;

    if (!err)
        return GA_ERR_INTERNAL;
    ga_api_reset_err(err);
    if (!c || !out)
        goto out;
    out->access_token = NULL;
    out->expires_in = -1;
    memset(&out->mfa, 0, sizeof out->mfa);
    if ((st = ga_api_build_signin(c->cfg, identifier, password, c->end_user_ip, &body)) != GA_OK)
        goto out;
    k.body = body;
    st = ga_api_call(c, &k, classify_signin, clear_signin, out, err);
out:
    ga_free_secret(body);
    return st;
}

static ga_status_t classify_factor_list(const ga_http_response_t *r, void *out,
                                        ga_api_error_t *err)
{
    return ga_parse_factor_list(r->body, r->len, r->http_status, out, err);
}

static void clear_factor_list(void *out)
{
    memset(out, 0, sizeof(ga_factor_list_t));
}

static ga_status_t list_factors(ga_client_t *c, const char *path, const char *access_token,
                                ga_factor_list_t *out, ga_api_error_t *err)
{
    ga_call_t k = {.method = "GET", .path = path, .token = access_token};

    if (!err)
        return GA_ERR_INTERNAL;
    ga_api_reset_err(err);
    if (!c || !out || !ga_api_token_ok(access_token))
        return GA_ERR_INTERNAL;
    clear_factor_list(out);
    return ga_api_call(c, &k, classify_factor_list, clear_factor_list, out, err);
}

static ga_status_t op_list_enrolled(void *ctx, const char *access_token,
                                    ga_factor_list_t *out, ga_api_error_t *err)
{
    return list_factors(ctx, PATH_LIST_ENROLLED, access_token, out, err);
}

static ga_status_t op_list_to_enroll(void *ctx, const char *access_token,
                                     ga_factor_list_t *out, ga_api_error_t *err)
{
    return list_factors(ctx, PATH_LIST_TO_ENROLL, access_token, out, err);
}

/* out: char ** for the enrollmentToken */
static ga_status_t classify_send_enroll(const ga_http_response_t *r, void *out,
                                        ga_api_error_t *err)
{
    return ga_parse_send_enroll(r->body, r->len, r->http_status, r->retry_after_s, out, err);
}

static ga_status_t op_send_enroll(void *ctx, const char *access_token,
                                  const ga_profile_t *profile, char **enrollment_token,
                                  ga_api_error_t *err)
{
    ga_client_t *c = ctx;
    char *body = NULL;
    ga_call_t k = {.method = "POST", .path = PATH_SEND_ENROLL, .token = access_token, .once = 1};
    ga_status_t st = GA_ERR_INTERNAL;

    if (!err)
        return GA_ERR_INTERNAL;
    ga_api_reset_err(err);
    if (!c || !enrollment_token)
        goto out;
    *enrollment_token = NULL;
    if (!ga_api_token_ok(access_token) || (st = ga_api_build_send_enroll(profile, &body)) != GA_OK)
        goto out;
    k.body = body;
    st = ga_api_call(c, &k, classify_send_enroll, NULL, enrollment_token, err);
out:
    ga_free_secret(body);
    return st;
}

static ga_status_t classify_enroll(const ga_http_response_t *r, void *out, ga_api_error_t *err)
{
    (void)out;
    return ga_parse_enroll_factor(r->body, r->len, r->http_status, r->retry_after_s, err);
}

static ga_status_t op_enroll(void *ctx, const char *access_token, ga_factor_t type,
                             const char *enrollment_token, const char *pass_code,
                             ga_api_error_t *err)
{
    ga_client_t *c = ctx;
    char *body = NULL;
    ga_call_t k = {.method = "POST", .path = PATH_ENROLL, .token = access_token, .once = 1};
    ga_status_t st = GA_ERR_INTERNAL;

    if (!err)
        return GA_ERR_INTERNAL;
    ga_api_reset_err(err);
    if (!c || !ga_api_token_ok(access_token)
        || (st = ga_api_build_enroll(type, enrollment_token, pass_code, &body)) != GA_OK)
        goto out;
    k.body = body;
    st = ga_api_call(c, &k, classify_enroll, NULL, NULL, err);
out:
    ga_free_secret(body);
    return st;
}

/* --------------------------------------------------------------- client */

/* What the client needs from cfg, checked once. */
static int config_ok(const ga_config_t *cfg)
{
    if (!cfg || !ga_api_ascii_ok(cfg->app_id, GA_ARG_MAX) || !cfg->app_host)
        return 0;
    if (cfg->auth_method != GA_CLIENT_AUTH_NONE && !ga_api_text_ok(cfg->app_secret, GA_ARG_MAX))
        return 0;
    if ((cfg->header_prefix && !ga_api_ascii_ok(cfg->header_prefix, 64))
        || (cfg->lang && !ga_api_ascii_ok(cfg->lang, 64)))
        return 0;
    /* Management API credentials: both or neither, and a host for them */
    if (!cfg->userpool_id != !cfg->userpool_secret)
        return 0;
    if (cfg->userpool_id
        && (!ga_api_ascii_ok(cfg->userpool_id, GA_ARG_MAX)
            || !ga_api_text_ok(cfg->userpool_secret, GA_ARG_MAX) || !cfg->mgmt_host))
        return 0;
    return cfg->connect_timeout > 0 && cfg->timeout > 0;
}

ga_status_t ga_client_new(const ga_config_t *cfg, const ga_logger_t *lg, ga_client_t **out)
{
    ga_client_t *c = NULL;
    ga_http_opts_t opts = {0};
    ga_status_t st = GA_ERR_INTERNAL;

    if (!out)
        return GA_ERR_INTERNAL;
    *out = NULL;
    st = GA_ERR_CONFIG;
    if (!config_ok(cfg))
        goto out;
    st = GA_ERR_NOMEM;
    if (!(c = calloc(1, sizeof *c)))
        goto out;
    c->cfg = cfg;
    c->lg = lg;
    opts.base_url = cfg->app_host;
    opts.ca_file = cfg->ca_file;
    opts.connect_timeout_s = cfg->connect_timeout;
    opts.timeout_s = cfg->timeout;
    opts.budget_s = cfg->total_timeout;
    opts.user_agent = "pam_genauth/" PACKAGE_VERSION;
    if ((st = ga_http_new(&opts, lg, &c->http)) != GA_OK)
        goto out;
    /* a second handle (its own TLS connection) for the Management API; the
     * login's budget is shared through ga_api_send */
    opts.base_url = cfg->mgmt_host;
    if (cfg->userpool_id && (st = ga_http_new(&opts, lg, &c->mgmt_http)) != GA_OK)
        goto out;
    *out = c;
    c = NULL;
out:
    ga_client_free(c);
    return st;
}

ga_status_t ga_client_set_end_user_ip(ga_client_t *c, const char *ip)
{
    char *copy;

    if (!c)
        return GA_ERR_INTERNAL;
    if (!ip || strnlen(ip, 64) >= 64 || !ga_is_ip_literal(ip))
        return GA_OK;
    if (!(copy = strdup(ip)))
        return GA_ERR_NOMEM;
    free(c->end_user_ip);
    c->end_user_ip = copy;
    return GA_OK;
}

void ga_client_ops(ga_client_t *c, ga_api_ops_t *ops)
{
    if (!ops)
        return;
    memset(ops, 0, sizeof *ops);
    ops->ctx = c;
    ops->signin = op_signin;
    ops->list_enrolled = op_list_enrolled;
    ops->list_to_enroll = op_list_to_enroll;
    ops->send_enroll = op_send_enroll;
    ops->enroll = op_enroll;
    ga_api_mfa_ops(ops);
}

void ga_client_free(ga_client_t *c)
{
    if (!c)
        return;
    ga_http_free(c->http);
    ga_http_free(c->mgmt_http);
    free(c->end_user_ip);
    free(c);
}
