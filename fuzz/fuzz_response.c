/* fuzz_response.c - libFuzzer target: every GenAuth answer parser of
 * ga_response.h (signin, factor lists, send-enroll-factor-request,
 * enroll-factor).
 *
 * Input: byte 0 picks the parser (bits 0-1) and the Retry-After value
 * (bits 2-4), and with bits 5-7 all set also passes NULL results once;
 * byte 1 picks the HTTP status from statuses[]; the rest is the
 * body, passed with its exact length and not NUL-terminated, so that ASan
 * sees any read past len. A seed "\x00\x00{...}" is a signin answer over
 * HTTP 200.
 *
 * Besides the sanitizers, each result is checked against ga_response.h:
 * a known status, a reason for every GA_ERR_UNAVAIL, GA_OK only for
 * statusCode 200 in a 2xx HTTP answer, err->message printable,
 * terminated and masked (no 5 digits in a row), tokens present exactly when promised and made of
 * printable ASCII without spaces, factor lists within bounds.
 */
#include "config.h"

#include <limits.h>
#include <string.h>

#include "fuzz.h"
#include "ga_factor.h"
#include "ga_response.h"
#include "ga_secret.h"

enum { P_SIGNIN = 0, P_LIST, P_SEND, P_ENROLL };

static const long statuses[] = {200, 0,   201, 204, 301, 302, 400, 401,
                                403, 404, 409, 410, 413, 422, 429, 499,
                                500, 502, 503, 504, -1,  999, 100, 600};
static const long retry_afters[] = {-1, 0, 1, 60, 3600, LONG_MAX, -5, 86400};

/* Keep what the parsers return alive, so no call is optimised away (a
 * pointer for heap results, a length for results on the stack). */
static const char *volatile sink;
static volatile size_t sink_n;

/* A token as the header promises: 1..GA_TOKEN_MAX bytes of printable ASCII
 * without spaces. */
static int token_ok(const char *t)
{
    size_t n = strnlen(t, GA_TOKEN_MAX + 1);

    if (n == 0 || n > GA_TOKEN_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)t[i] <= 0x20 || (unsigned char)t[i] >= 0x7f)
            return 0;
    return 1;
}

/* What every parser promises about err. */
static void check_err(ga_status_t st, const ga_api_error_t *err, long http_status)
{
    FUZZ_EXPECT((unsigned)st < GA_STATUS_MAX);
    FUZZ_EXPECT((unsigned)err->reason < GA_REASON_MAX);
    FUZZ_EXPECT(err->http_status == http_status);
    FUZZ_EXPECT(fuzz_cstr_ok(err->message, sizeof err->message));
    /* the message is masked (ga_sanitize_message): never 5 digits in a row */
    for (size_t i = 0, row = 0; err->message[i]; i++) {
        row = (err->message[i] >= '0' && err->message[i] <= '9') ? row + 1 : 0;
        FUZZ_EXPECT(row < 5);
    }
    FUZZ_EXPECT(err->retry_after_s >= -1);
    if (st == GA_ERR_UNAVAIL)
        FUZZ_EXPECT(err->reason != GA_REASON_NONE);
    /* success only from statusCode 200 in a 2xx HTTP answer */
    if (st == GA_OK)
        FUZZ_EXPECT(err->status_code == 200 && http_status >= 200 && http_status <= 299);
    /* statusCode is 0 (no envelope) or an HTTP-like 3-digit code */
    FUZZ_EXPECT(err->status_code == 0 || (err->status_code >= 100 && err->status_code <= 999));
    if (err->status_code >= 500)
        FUZZ_EXPECT(st == GA_ERR_UNAVAIL && err->reason == GA_REASON_SERVER);
}

static void run_signin(const char *body, size_t len, long http)
{
    ga_signin_t out;
    ga_api_error_t err;
    ga_status_t st;

    memset(&out, 0xa5, sizeof out); /* the parser must initialise it */
    st = ga_parse_signin(body, len, http, &out, &err);
    check_err(st, &err, http);
    if (st == GA_OK) {
        FUZZ_EXPECT(out.access_token && token_ok(out.access_token));
        FUZZ_EXPECT(out.expires_in >= -1);
    } else {
        FUZZ_EXPECT(!out.access_token);
    }
    if (st == GA_ENROLLED && out.mfa_token)
        FUZZ_EXPECT(token_ok(out.mfa_token));
    if (st != GA_OK && st != GA_ENROLLED)
        FUZZ_EXPECT(!out.mfa_token && out.expires_in == -1);
    sink = out.access_token;
    sink = out.mfa_token;
    ga_signin_clear(&out);
    FUZZ_EXPECT(!out.access_token && !out.mfa_token);
}

static void run_list(const char *body, size_t len, long http)
{
    ga_factor_list_t out;
    ga_api_error_t err;
    ga_status_t st;

    memset(&out, 0xa5, sizeof out);
    st = ga_parse_factor_list(body, len, http, &out, &err);
    check_err(st, &err, http);
    FUZZ_EXPECT(st == GA_OK || st == GA_ERR_UNAVAIL || st == GA_ERR_NOMEM);
    FUZZ_EXPECT(out.n <= GA_FACTOR_LIST_MAX);
    if (st != GA_OK)
        FUZZ_EXPECT(out.n == 0);
    else
        FUZZ_EXPECT(err.status_code == 200);
    for (size_t i = 0; i < out.n; i++) {
        const ga_factor_entry_t *e = &out.items[i];

        FUZZ_EXPECT(fuzz_cstr_ok(e->type_name, sizeof e->type_name));
        FUZZ_EXPECT(e->type_name[0] != '\0' && !strchr(e->type_name, ' '));
        FUZZ_EXPECT(e->type == ga_factor_from_name(e->type_name));
        sink_n += strlen(e->type_name);
    }
    sink_n += out.n;
}

static void run_send(const char *body, size_t len, long http, long retry)
{
    char *token = (char *)"not set";
    ga_api_error_t err;
    ga_status_t st;

    st = ga_parse_send_enroll(body, len, http, retry, &token, &err);
    check_err(st, &err, http);
    if (st == GA_OK)
        FUZZ_EXPECT(token && token_ok(token));
    else
        FUZZ_EXPECT(!token);
    if (err.status_code == 429 || err.status_code == 422)
        FUZZ_EXPECT(st == GA_ERR_THROTTLED);
    sink = token;
    ga_free_secret(token);
}

static void run_enroll(const char *body, size_t len, long http, long retry)
{
    ga_api_error_t err;
    ga_status_t st;

    st = ga_parse_enroll_factor(body, len, http, retry, &err);
    check_err(st, &err, http);
    if (err.status_code == 200 && http >= 200 && http <= 299)
        FUZZ_EXPECT(st == GA_OK);
    if (err.status_code == 410)
        FUZZ_EXPECT(st == GA_ERR_EXPIRED);
    sink_n += strlen(err.message);
}

/* NULL where a result should go: GA_ERR_INTERNAL, err still filled. */
static void null_args(const char *body, size_t len, long http)
{
    ga_signin_t signin;
    ga_factor_list_t list;
    ga_api_error_t err;
    char *token = NULL;

    FUZZ_EXPECT(ga_parse_signin(body, len, http, NULL, &err) == GA_ERR_INTERNAL);
    FUZZ_EXPECT(err.retry_after_s == -1 && err.reason == GA_REASON_NONE);
    FUZZ_EXPECT(ga_parse_signin(body, len, http, &signin, NULL) == GA_ERR_INTERNAL);
    FUZZ_EXPECT(ga_parse_factor_list(body, len, http, NULL, &err) == GA_ERR_INTERNAL);
    FUZZ_EXPECT(ga_parse_factor_list(body, len, http, &list, NULL) == GA_ERR_INTERNAL);
    FUZZ_EXPECT(ga_parse_send_enroll(body, len, http, -1, NULL, &err) == GA_ERR_INTERNAL);
    FUZZ_EXPECT(ga_parse_send_enroll(body, len, http, -1, &token, NULL) == GA_ERR_INTERNAL);
    FUZZ_EXPECT(ga_parse_enroll_factor(body, len, http, -1, NULL) == GA_ERR_INTERNAL);
    ga_signin_clear(NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *body;
    size_t len;
    long http, retry;

    if (size < 2)
        return 0;
    http = statuses[data[1] % (sizeof statuses / sizeof statuses[0])];
    retry = retry_afters[(data[0] >> 2) & 7];
    body = (const char *)data + 2;
    len = size - 2;
    if ((data[0] & 0xe0) == 0xe0) /* 1 input in 8 */
        null_args(body, len, http);
    switch (data[0] & 3) {
    case P_SIGNIN:
        run_signin(body, len, http);
        break;
    case P_LIST:
        run_list(body, len, http);
        break;
    case P_SEND:
        run_send(body, len, http, retry);
        break;
    default:
        run_enroll(body, len, http, retry);
        break;
    }
    return 0;
}
