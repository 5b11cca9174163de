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
 * printable ASCII without spaces, factor lists within bounds with masked
 * targets, and the trigger data of a 1635/1636 signin answer well-formed
 * (oracles in fuzz_resp.h).
 */
#include "config.h"

#include <limits.h>
#include <string.h>

#include "fuzz.h"
#include "fuzz_resp.h"
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

static void run_signin(const char *body, size_t len, long http)
{
    ga_signin_t out;
    ga_api_error_t err;
    ga_status_t st;

    memset(&out, 0xa5, sizeof out); /* the parser must initialise it */
    st = ga_parse_signin(body, len, http, &out, &err);
    fuzz_check_err(st, &err, http, 0, body, len);
    if (st == GA_OK) {
        FUZZ_EXPECT(out.access_token && fuzz_token_ok(out.access_token, GA_TOKEN_MAX));
        FUZZ_EXPECT(out.expires_in >= -1);
    } else {
        FUZZ_EXPECT(!out.access_token);
    }
    if (st == GA_ENROLLED)
        fuzz_check_trigger(&out.mfa, 0);
    if (st != GA_OK && st != GA_ENROLLED)
        FUZZ_EXPECT(!out.mfa.mfa_token && out.expires_in == -1);
    if (st == GA_OK)
        FUZZ_EXPECT(!out.mfa.mfa_token && !out.mfa.otp && !out.mfa.sms && !out.mfa.email);
    sink = out.access_token;
    sink = out.mfa.mfa_token;
    ga_signin_clear(&out);
    FUZZ_EXPECT(!out.access_token && !out.mfa.mfa_token);
}

static void run_list(const char *body, size_t len, long http)
{
    ga_factor_list_t out;
    ga_api_error_t err;
    ga_status_t st;

    memset(&out, 0xa5, sizeof out);
    st = ga_parse_factor_list(body, len, http, &out, &err);
    fuzz_check_err(st, &err, http, 0, body, len);
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
        fuzz_check_target(e);
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
    fuzz_check_err(st, &err, http, 0, body, len);
    if (st == GA_OK)
        FUZZ_EXPECT(token && fuzz_token_ok(token, GA_TOKEN_MAX));
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
    fuzz_check_err(st, &err, http, 0, body, len);
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
