/* fuzz_mfa.c - libFuzzer target: the MFA answer parsers of ga_response.h
 * (ga_parse_send_enroll_otp, ga_parse_totp_verify, ga_parse_mgmt_token,
 * ga_parse_mfa_trigger, ga_parse_send_code, ga_parse_v2_verify) and the
 * masked targets of ga_parse_factor_list.
 *
 * Input: byte 0 picks the parser (bits 0-2: parsers[] below), the
 * Retry-After value (bits 3-5) and, with bits 6-7 both set, also passes
 * NULL results once; byte 1 picks the HTTP status from statuses[]; the
 * rest is the body, passed with its exact length and not NUL-terminated,
 * so that ASan sees any read past len. A seed "\x03\x00{...}" is a
 * get-mfa-trigger-data answer over HTTP 200.
 *
 * Oracles (fuzz_resp.h and below): a known status and a reason for every
 * GA_ERR_UNAVAIL; GA_OK only for status 200 in a 2xx HTTP answer; messages
 * printable and masked; secrets (tokens, otpData, recovery codes) present
 * exactly when promised, well-formed, and gone after an error; trigger
 * data with digits-only phone numbers and an address for EMAIL; the
 * management token lifetime within 60..86400 s; the classifications the
 * header fixes (429 throttled, 6001 wrong code, 2021 expired, ...).
 */
#include "config.h"

#include <limits.h>
#include <string.h>

#include "fuzz.h"
#include "fuzz_resp.h"
#include "ga_response.h"
#include "ga_secret.h"

enum { P_OTP = 0, P_TOTP, P_MGMT, P_TRIGGER, P_SEND, P_V2, P_V2_NULL, P_LIST };

static const long statuses[] = {200, 0,   201, 204, 301, 302, 400, 401,
                                403, 404, 409, 410, 413, 422, 429, 499,
                                500, 502, 503, 504, -1,  999, 100, 600};
static const long retry_afters[] = {-1, 0, 1, 60, 3600, LONG_MAX, -5, 86400};

static const char *volatile sink;
static volatile size_t sink_n;

static void run_otp(const char *body, size_t len, long http, long retry)
{
    char *token = (char *)"not set";
    ga_otp_data_t otp;
    ga_api_error_t err;
    ga_status_t st;

    memset(&otp, 0xa5, sizeof otp);
    st = ga_parse_send_enroll_otp(body, len, http, retry, &token, &otp, &err);
    fuzz_check_err(st, &err, http, 0, body, len);
    if (st == GA_OK) {
        FUZZ_EXPECT(token && fuzz_token_ok(token, GA_TOKEN_MAX));
        FUZZ_EXPECT(otp.qr_uri && otp.qr_uri[0] && strlen(otp.qr_uri) <= 2048);
        for (const char *p = otp.qr_uri; *p; p++)
            FUZZ_EXPECT((unsigned char)*p >= 0x20 && *p != 0x7f);
        if (otp.recovery_code)
            FUZZ_EXPECT(otp.recovery_code[0]
                        && fuzz_printable(otp.recovery_code, strlen(otp.recovery_code))
                        && strlen(otp.recovery_code) <= 128);
    } else {
        FUZZ_EXPECT(!token && !otp.qr_uri && !otp.recovery_code);
    }
    if (err.status_code == 429 || err.status_code == 422)
        FUZZ_EXPECT(st == GA_ERR_THROTTLED);
    sink = token;
    sink = otp.qr_uri;
    ga_free_secret(token);
    ga_otp_data_clear(&otp);
    FUZZ_EXPECT(!otp.qr_uri && !otp.recovery_code);
}

static void run_totp(const char *body, size_t len, long http, long retry)
{
    ga_api_error_t err;
    ga_status_t st = ga_parse_totp_verify(body, len, http, retry, &err);

    fuzz_check_err(st, &err, http, 0, body, len);
    if (err.status_code == 429)
        FUZZ_EXPECT(st == GA_ERR_THROTTLED);
    if (err.api_code == 6001 && err.status_code < 500 && err.status_code != 429
        && fuzz_envelope_used(&err, http))
        FUZZ_EXPECT(st == GA_ERR_WRONG_CODE);
    sink_n += strlen(err.message);
}

static void run_mgmt(const char *body, size_t len, long http)
{
    char *token = (char *)"not set";
    long expires_in = -42;
    ga_api_error_t err;
    ga_status_t st = ga_parse_mgmt_token(body, len, http, &token, &expires_in, &err);

    fuzz_check_err(st, &err, http, 0, body, len);
    FUZZ_EXPECT(st == GA_OK || st == GA_ERR_UNAVAIL || st == GA_ERR_THROTTLED
                || st == GA_ERR_NOMEM);
    /* throttling is a refusal, never the fail mode */
    if (err.status_code == 429)
        FUZZ_EXPECT(st == GA_ERR_THROTTLED);
    if (st == GA_OK) {
        FUZZ_EXPECT(token && fuzz_token_ok(token, GA_TOKEN_MAX));
        FUZZ_EXPECT(expires_in >= 60 && expires_in <= 86400);
    } else {
        FUZZ_EXPECT(!token && expires_in == 0);
    }
    if (err.status_code == 400 || err.status_code == 401 || err.status_code == 403)
        FUZZ_EXPECT(err.reason == GA_REASON_POOL_CRED);
    sink = token;
    ga_free_secret(token);
}

static void run_trigger(const char *body, size_t len, long http)
{
    ga_mfa_trigger_t t;
    ga_api_error_t err;
    ga_status_t st;

    memset(&t, 0xa5, sizeof t);
    st = ga_parse_mfa_trigger(body, len, http, &t, &err);
    fuzz_check_err(st, &err, http, 0, body, len);
    if (st == GA_OK)
        fuzz_check_trigger(&t, 1);
    else
        FUZZ_EXPECT(!t.mfa_token && !t.otp && !t.sms && !t.email && !t.phone[0]
                    && !t.email_addr[0]);
    if (err.status_code == 404
        || (err.api_code == 2004 && err.status_code < 500 && err.status_code != 401
            && err.status_code != 403 && fuzz_envelope_used(&err, http)))
        FUZZ_EXPECT(st == GA_ERR_REJECTED);
    sink = t.mfa_token;
    ga_mfa_trigger_clear(&t);
    FUZZ_EXPECT(!t.mfa_token);
}

static void run_send(const char *body, size_t len, long http, long retry)
{
    ga_api_error_t err;
    ga_status_t st = ga_parse_send_code(body, len, http, retry, &err);

    fuzz_check_err(st, &err, http, 0, body, len);
    if (err.status_code == 429 || err.status_code == 422)
        FUZZ_EXPECT(st == GA_ERR_THROTTLED);
    if (err.status_code == 200 && fuzz_envelope_used(&err, http) && err.api_code != 2080)
        FUZZ_EXPECT(st == GA_OK);
    sink_n += strlen(err.message);
}

static void run_v2(const char *body, size_t len, long http, long retry, int want_recovery)
{
    char *rc = (char *)"not set";
    ga_api_error_t err;
    ga_status_t st;
    long code;

    st = ga_parse_v2_verify(body, len, http, retry, want_recovery ? &rc : NULL, &err);
    fuzz_check_err(st, &err, http, 1, body, len);
    code = err.status_code;
    if (!want_recovery)
        FUZZ_EXPECT(rc && strcmp(rc, "not set") == 0);
    else if (st != GA_OK)
        FUZZ_EXPECT(!rc);
    else if (rc)
        FUZZ_EXPECT(rc[0] && strlen(rc) <= 128 && fuzz_printable(rc, strlen(rc)));
    if (code == 6001 || code == 6002 || code == 2001)
        FUZZ_EXPECT(st == GA_ERR_WRONG_CODE);
    if ((code == 2021 || code == 2300) && err.api_code == 0)
        FUZZ_EXPECT(st == GA_ERR_EXPIRED);
    if (want_recovery) {
        sink = rc;
        ga_free_secret(rc);
    }
}

static void run_list(const char *body, size_t len, long http)
{
    ga_factor_list_t out;
    ga_api_error_t err;
    ga_status_t st;

    memset(&out, 0xa5, sizeof out);
    st = ga_parse_factor_list(body, len, http, &out, &err);
    fuzz_check_err(st, &err, http, 0, body, len);
    FUZZ_EXPECT(out.n <= GA_FACTOR_LIST_MAX);
    if (st != GA_OK)
        FUZZ_EXPECT(out.n == 0);
    for (size_t i = 0; i < out.n; i++) {
        fuzz_check_target(&out.items[i]);
        sink_n += strlen(out.items[i].target);
    }
}

/* NULL where a result should go: GA_ERR_INTERNAL, err still filled. */
static void null_args(const char *body, size_t len, long http)
{
    ga_api_error_t err;
    ga_otp_data_t otp;
    ga_mfa_trigger_t t;
    char *token = NULL;
    long life = 0;

    FUZZ_EXPECT(ga_parse_send_enroll_otp(body, len, http, -1, NULL, &otp, &err)
                == GA_ERR_INTERNAL);
    FUZZ_EXPECT(err.retry_after_s == -1 && err.reason == GA_REASON_NONE);
    FUZZ_EXPECT(ga_parse_send_enroll_otp(body, len, http, -1, &token, NULL, &err)
                == GA_ERR_INTERNAL);
    FUZZ_EXPECT(ga_parse_send_enroll_otp(body, len, http, -1, &token, &otp, NULL)
                == GA_ERR_INTERNAL);
    FUZZ_EXPECT(ga_parse_totp_verify(body, len, http, -1, NULL) == GA_ERR_INTERNAL);
    FUZZ_EXPECT(ga_parse_mgmt_token(body, len, http, NULL, &life, &err) == GA_ERR_INTERNAL);
    FUZZ_EXPECT(ga_parse_mgmt_token(body, len, http, &token, NULL, &err) == GA_ERR_INTERNAL);
    FUZZ_EXPECT(ga_parse_mgmt_token(body, len, http, &token, &life, NULL) == GA_ERR_INTERNAL);
    FUZZ_EXPECT(ga_parse_mfa_trigger(body, len, http, NULL, &err) == GA_ERR_INTERNAL);
    FUZZ_EXPECT(ga_parse_mfa_trigger(body, len, http, &t, NULL) == GA_ERR_INTERNAL);
    FUZZ_EXPECT(ga_parse_send_code(body, len, http, -1, NULL) == GA_ERR_INTERNAL);
    FUZZ_EXPECT(ga_parse_v2_verify(body, len, http, -1, NULL, NULL) == GA_ERR_INTERNAL);
    ga_mfa_trigger_clear(NULL);
    ga_otp_data_clear(NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *body;
    size_t len;
    long http, retry;

    if (size < 2)
        return 0;
    http = statuses[data[1] % (sizeof statuses / sizeof statuses[0])];
    retry = retry_afters[(data[0] >> 3) & 7];
    body = (const char *)data + 2;
    len = size - 2;
    if ((data[0] & 0xc0) == 0xc0) /* 1 input in 4 */
        null_args(body, len, http);
    switch (data[0] & 7) {
    case P_OTP:
        run_otp(body, len, http, retry);
        break;
    case P_TOTP:
        run_totp(body, len, http, retry);
        break;
    case P_MGMT:
        run_mgmt(body, len, http);
        break;
    case P_TRIGGER:
        run_trigger(body, len, http);
        break;
    case P_SEND:
        run_send(body, len, http, retry);
        break;
    case P_V2:
        run_v2(body, len, http, retry, 1);
        break;
    case P_V2_NULL:
        run_v2(body, len, http, retry, 0);
        break;
    default:
        run_list(body, len, http);
        break;
    }
    return 0;
}
