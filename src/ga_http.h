/* ga_http.h - HTTPS requests to GenAuth with libcurl.
 *
 * One ga_http_t per login: it holds one easy handle, so one TLS connection
 * serves all calls of the login. HTTPS only, no redirects, peer and host
 * always verified (ca_file for a private CA), no proxy from the environment,
 * CURLOPT_NOSIGNAL, connect and per-request timeouts, a total network budget
 * for the whole login, and a bounded response body.
 */
#ifndef GA_HTTP_H
#define GA_HTTP_H

#include <stddef.h>

#include "ga_log.h"
#include "ga_status.h"

#define GA_HTTP_BODY_MAX 1048576 /* bytes (1 MiB); a larger answer is an error */

typedef struct ga_http ga_http_t;

typedef struct ga_http_opts {
    const char *base_url;    /* "https://host[:port]" without trailing slash */
    const char *ca_file;     /* PEM bundle, or NULL for the system store */
    long connect_timeout_s;  /* seconds, > 0 */
    long timeout_s;          /* seconds per request, > 0 */
    long budget_s;           /* seconds of network time for all requests of
                                this handle together; 0 = no budget */
    const char *user_agent;  /* e.g. "pam_genauth/0.1.0" */
} ga_http_opts_t;

typedef struct ga_http_response {
    long http_status;   /* 0 if no HTTP answer */
    char *body;         /* NUL-terminated (may also contain NULs), owned */
    size_t len;         /* bytes in body, excluding the added NUL */
    long retry_after_s; /* Retry-After header in seconds, or -1 */
    long elapsed_ms;    /* network time this request took (also on failure) */
    long new_connections; /* connections opened for it: 0 = one was reused */
    char error[128];    /* on GA_ERR_UNAVAIL: libcurl's reason, sanitised
                           (e.g. "SSL certificate problem: ..."), else "" */
} ga_http_response_t;

/* Initialise libcurl once per process, thread-safely (pthread_once). Never
 * paired with curl_global_cleanup: the module is loaded into long-lived,
 * possibly threaded hosts. Returns GA_OK or GA_ERR_INTERNAL. */
ga_status_t ga_http_global_init(void);

/* Create a handle. Strings in opts are copied. Returns GA_OK, GA_ERR_NOMEM,
 * GA_ERR_INTERNAL or GA_ERR_CONFIG (base_url not https://). *out is freed
 * with ga_http_free. lg may be NULL; it must outlive the handle. */
ga_status_t ga_http_new(const ga_http_opts_t *opts, const ga_logger_t *lg,
                        ga_http_t **out);

/* Perform one request to base_url + path (path starts with "/", may carry
 * an already-encoded query). method is "GET" or "POST"; body (JSON text) is
 * sent with "Content-Type: application/json" for POST, NULL for GET.
 * headers is a NULL-terminated list of "Name: value" lines (may be NULL);
 * they are wiped after use since they may hold tokens.
 * On GA_OK resp holds the HTTP status and body whatever the HTTP status
 * (callers parse the envelope themselves); release it with
 * ga_http_response_clear. On GA_ERR_UNAVAIL, *reason says why (dns, refused,
 * timeout - including an exhausted budget -, tls, network, bad answer for a
 * body over GA_HTTP_BODY_MAX) and one LOG_DEBUG line carries the curl error
 * (and the path without its query, which may hold user data); the caller
 * logs the admin line. GA_ERR_NOMEM on allocation failure. */
ga_status_t ga_http_request(ga_http_t *h, const char *method, const char *path,
                            const char *const *headers, const char *body,
                            ga_http_response_t *resp, ga_reason_t *reason);

/* One request, for ga_http_send. */
typedef struct ga_http_req {
    const char *method;          /* "GET" or "POST" */
    const char *path;            /* starts with "/", may carry an encoded query */
    const char *const *headers;  /* NULL-terminated "Name: value" lines, or NULL */
    const char *body;            /* JSON text for POST, NULL for GET */
    const char *basic_user;      /* HTTP Basic credentials for client_secret_basic, */
    const char *basic_password;  /* done by libcurl (no hand-written base64); both
                                    set or both NULL; headers must then carry no
                                    authorization line */
    int fresh_connection;        /* non-zero for a call that must never run twice
                                    (sending a code, binding a factor): it goes on
                                    a new connection, because libcurl silently
                                    re-sends a request whose reused connection died
                                    before any answer */
} ga_http_req_t;

/* ga_http_request for a full ga_http_req_t; same results and ownership. */
ga_status_t ga_http_send(ga_http_t *h, const ga_http_req_t *req,
                         ga_http_response_t *resp, ga_reason_t *reason);

/* Milliseconds left of the handle's network budget (budget_s), or -1 when
 * it has none. */
long ga_http_budget_left_ms(const ga_http_t *h);

/* Count ms milliseconds of waiting (a backoff between retries) against the
 * budget, so the whole login stays within it. */
void ga_http_charge_ms(ga_http_t *h, long ms);

/* Wipe and free the body; reset the struct. NULL is accepted. */
void ga_http_response_clear(ga_http_response_t *resp);

/* Free the handle. NULL is accepted. */
void ga_http_free(ga_http_t *h);

#endif
