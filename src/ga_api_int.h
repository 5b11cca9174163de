/* ga_api_int.h - the client internals shared by ga_api.c (the V3
 * sign-in and enrollment calls) and ga_api_mfa.c (the issue-4 calls).
 * Not part of the module's API. */
#ifndef GA_API_INT_H
#define GA_API_INT_H

#include "ga_api.h"
#include "ga_http.h"

struct ga_client {
    const ga_config_t *cfg; /* borrowed */
    const ga_logger_t *lg;  /* borrowed, may be NULL */
    ga_http_t *http;        /* app_host */
    ga_http_t *mgmt_http;   /* mgmt_host; NULL without Management API credentials */
    char *end_user_ip;      /* an IP literal, or NULL */
};

/* One request. */
typedef struct ga_call {
    const char *method;
    const char *path;     /* may carry an encoded query */
    const char *log_path; /* what debug lines show (the path without a query
                             that holds user data), or NULL for path */
    const char *token;    /* sent as "authorization: Bearer <token>", or NULL */
    const char *body;     /* JSON text for POST, NULL for GET */
    int basic;            /* client_secret_basic credentials (sign-in only) */
    int once;             /* must never run twice: a fresh connection */
    int mgmt;             /* Management API: mgmt_host, <prefix>userpool-id */
} ga_call_t;

/* Reset err to "nothing known" (retry_after_s -1). */
void ga_api_reset_err(ga_api_error_t *err);

/* Send one request on the handle of its host, with the headers every call
 * sends (ga_api.h) plus the call's own. The network time it took counts
 * against the login's budget on both handles (total_timeout covers app and
 * management calls together). On GA_OK resp holds the answer; otherwise
 * err says why (reason, libcurl's message) and one LOG_DEBUG line went out. */
ga_status_t ga_api_send(ga_client_t *c, const ga_call_t *k, ga_http_response_t *resp,
                        ga_api_error_t *err);

/* The LOG_DEBUG line of an answer: method, path (log_path), HTTP status,
 * statusCode, apiCode, time, new or reused connection, status. */
void ga_api_log_answer(const ga_client_t *c, const ga_call_t *k,
                       const ga_http_response_t *resp, const ga_api_error_t *err,
                       ga_status_t st);

/* After a throttled answer (statusCode or HTTP 429) of an idempotent call:
 * wait (Retry-After up to 5 s, else 1 s, 2 s) within the budget and return
 * 1 when the call should be made again (at most twice); 0 otherwise. Never
 * used for code sends or verifications. */
int ga_api_backoff(ga_client_t *c, const ga_call_t *k, int attempt,
                   const ga_http_response_t *resp, const ga_api_error_t *err);

/* Classify an answer: parse resp into the call's result `out` and err
 * (statusCode, apiCode, retry_after_s, message). Returns the call's
 * status. */
typedef ga_status_t (*ga_classify_fn)(const ga_http_response_t *resp, void *out,
                                      ga_api_error_t *err);

/* Make call k and classify its answer into out: the request/answer loop of
 * every call. A call with k->once is sent once, on a fresh connection; any
 * other call is idempotent and retried after a throttled answer
 * (ga_api_backoff), with clear(out) (may be NULL) and err reset between
 * tries. err->retry_after_s is the answer's Retry-After (-1 for none).
 * One LOG_DEBUG line per answer (ga_api_log_answer). Returns
 * ga_api_send's error (err says why) or classify's status. The response
 * buffer is wiped and freed here; out belongs to the caller. */
ga_status_t ga_api_call(ga_client_t *c, const ga_call_t *k, ga_classify_fn classify,
                        void (*clear)(void *out), void *out, ga_api_error_t *err);

/* Fill the issue-4 members of ops (ga_api_mfa.c). */
void ga_api_mfa_ops(ga_api_ops_t *ops);

#endif
