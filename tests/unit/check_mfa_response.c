/* check_mfa_response.c - unit tests of the MFA answer parsers of
 * ga_response.h: send-enroll-factor-request for OTP, mfa-totp-verify,
 * get-management-token, get-mfa-trigger-data, send-sms/send-email, the V2
 * verify answers, and the issue-4 additions to signin (trigger data from
 * apiCode 1635/1636) and list-enrolled-factors (masked targets).
 * Table-driven: every success, every error class and the hostile shapes
 * (wrong types, missing fields, huge strings, bad UTF-8, repeated keys,
 * nesting, statusCode 200 under a non-2xx HTTP status, V2 code as a string
 * or a float) through every parser, asserting every field of
 * ga_api_error_t and the values copied out. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ga_http.h"
#include "ga_response.h"

typedef enum {
    P_OTP,     /* ga_parse_send_enroll_otp */
    P_TOTP,    /* ga_parse_totp_verify */
    P_MGMT,    /* ga_parse_mgmt_token */
    P_TRIG,    /* ga_parse_mfa_trigger */
    P_SEND,    /* ga_parse_send_code */
    P_V2,      /* ga_parse_v2_verify, new_recovery_code NULL */
    P_V2R,     /* ga_parse_v2_verify with a new_recovery_code pointer */
    P_COUNT
} parser_t;

static const char *const parser_names[P_COUNT] = {"send-otp", "totp", "mgmt", "trigger",
                                                  "send-code", "v2", "v2-recovery"};

/* Does the parser take a Retry-After value (and report it in err)? */
static int takes_retry(parser_t p)
{
    return p == P_OTP || p == P_TOTP || p == P_SEND || p == P_V2 || p == P_V2R;
}

/* What one parser call produced. */
typedef struct result {
    ga_status_t st;
    ga_api_error_t err;
    char *token;          /* enrollmentToken, management token */
    ga_otp_data_t otp;
    long expires_in;
    ga_mfa_trigger_t trig;
    char *recovery;
} result_t;

static void run(parser_t p, const char *body, size_t len, long http, long retry, result_t *r)
{
    memset(r, 0, sizeof *r);
    memset(&r->err, 0x55, sizeof r->err); /* every field must be written */
    switch (p) {
    case P_OTP:
        r->token = (char *)0x1; /* must be reset */
        memset(&r->otp, 0x5a, sizeof r->otp);
        r->st = ga_parse_send_enroll_otp(body, len, http, retry, &r->token, &r->otp, &r->err);
        break;
    case P_TOTP:
        r->st = ga_parse_totp_verify(body, len, http, retry, &r->err);
        break;
    case P_MGMT:
        r->token = (char *)0x1;
        r->expires_in = -7;
        r->st = ga_parse_mgmt_token(body, len, http, &r->token, &r->expires_in, &r->err);
        break;
    case P_TRIG:
        memset(&r->trig, 0x5a, sizeof r->trig);
        r->st = ga_parse_mfa_trigger(body, len, http, &r->trig, &r->err);
        break;
    case P_SEND:
        r->st = ga_parse_send_code(body, len, http, retry, &r->err);
        break;
    case P_V2:
        r->st = ga_parse_v2_verify(body, len, http, retry, NULL, &r->err);
        break;
    default:
        r->recovery = (char *)0x1;
        r->st = ga_parse_v2_verify(body, len, http, retry, &r->recovery, &r->err);
        break;
    }
}

static void result_free(result_t *r)
{
    free(r->token);
    r->token = NULL;
    ga_otp_data_clear(&r->otp);
    ga_mfa_trigger_clear(&r->trig);
    free(r->recovery);
    r->recovery = NULL;
}

/* The expected outcome of one canned body. */
typedef struct rcase {
    const char *name;
    parser_t p;
    const char *body;
    long http;
    ga_status_t st;
    ga_reason_t reason;
    long status_code;
    long api_code;
    const char *message;
} rcase_t;

/* Nothing secret is left behind after an error. */
static void assert_no_leftovers(const result_t *r, parser_t p, const char *name)
{
    if (r->st == GA_OK)
        return;
    ck_assert_msg(p != P_OTP && p != P_MGMT ? 1 : r->token == NULL, "%s: token left", name);
    if (p == P_OTP) {
        ck_assert_ptr_null(r->otp.qr_uri);
        ck_assert_ptr_null(r->otp.recovery_code);
    }
    if (p == P_MGMT)
        ck_assert_int_eq(r->expires_in, 0);
    if (p == P_TRIG) {
        ck_assert_ptr_null(r->trig.mfa_token);
        ck_assert(!r->trig.otp && !r->trig.sms && !r->trig.email);
        ck_assert_str_eq(r->trig.phone, "");
        ck_assert_str_eq(r->trig.email_addr, "");
    }
    if (p == P_V2R)
        ck_assert_ptr_null(r->recovery);
}

static void check_case(const rcase_t *c)
{
    result_t r;

    run(c->p, c->body, strlen(c->body), c->http, 42, &r);
    ck_assert_msg(r.st == c->st, "%s (%s): status %s, expected %s", c->name,
                  parser_names[c->p], ga_status_name(r.st), ga_status_name(c->st));
    ck_assert_msg(r.err.reason == c->reason, "%s: reason %s, expected %s", c->name,
                  ga_reason_name(r.err.reason), ga_reason_name(c->reason));
    ck_assert_int_eq(r.err.http_status, c->http);
    ck_assert_msg(r.err.status_code == c->status_code, "%s: status_code %ld", c->name,
                  r.err.status_code);
    ck_assert_int_eq(r.err.api_code, c->api_code);
    ck_assert_str_eq(r.err.message, c->message);
    ck_assert_int_eq(r.err.retry_after_s, takes_retry(c->p) ? 42 : -1);
    assert_no_leftovers(&r, c->p, c->name);
    result_free(&r);
}

#define UNAV GA_ERR_UNAVAIL
#define BAD GA_REASON_BAD_ANSWER
#define NONE GA_REASON_NONE
#define SRV GA_REASON_SERVER
#define HTTP GA_REASON_HTTP
#define PCRED GA_REASON_POOL_CRED
#define CRED GA_REASON_APP_CRED
#define URI "otpauth://totp/pool:alice?secret=JBSWY3DPEHPK3PXPJBSWY3DP&issuer=pool"
#define OTPB(data) "{\"statusCode\":200,\"message\":\"ok\",\"data\":" data "}"
#define TRIGB(data) "{\"statusCode\":200,\"data\":{\"mfaToken\":\"mt\"" data "}}"

static const rcase_t cases[] = {
    /* ------------------------------------------- send-enroll-factor OTP */
    {"otp ok", P_OTP,
     OTPB("{\"enrollmentToken\":\"et\",\"otpData\":{\"qrCodeUri\":\"" URI "\","
          "\"recoveryCode\":\"e7ad-aaa4\",\"qrCodeDataUrl\":\"data:image/png;base64,AA==\"}}"),
     200, GA_OK, NONE, 200, 0, "ok"},
    {"otp no recovery", P_OTP, OTPB("{\"enrollmentToken\":\"et\",\"otpData\":{\"qrCodeUri\":\"x\"}}"),
     200, GA_OK, NONE, 200, 0, "ok"},
    {"otp recovery null", P_OTP,
     OTPB("{\"enrollmentToken\":\"et\",\"otpData\":{\"qrCodeUri\":\"x\",\"recoveryCode\":null}}"),
     200, GA_OK, NONE, 200, 0, "ok"},
    {"otp otpData missing", P_OTP, OTPB("{\"enrollmentToken\":\"et\"}"), 200, UNAV, BAD, 200, 0,
     "ok"},
    {"otp otpData null", P_OTP, OTPB("{\"enrollmentToken\":\"et\",\"otpData\":null}"), 200, UNAV,
     BAD, 200, 0, "ok"},
    {"otp otpData string", P_OTP, OTPB("{\"enrollmentToken\":\"et\",\"otpData\":\"" URI "\"}"),
     200, UNAV, BAD, 200, 0, "ok"},
    {"otp otpData array", P_OTP, OTPB("{\"enrollmentToken\":\"et\",\"otpData\":[]}"), 200, UNAV,
     BAD, 200, 0, "ok"},
    {"otp qrCodeUri missing", P_OTP,
     OTPB("{\"enrollmentToken\":\"et\",\"otpData\":{\"recoveryCode\":\"r\"}}"), 200, UNAV, BAD,
     200, 0, "ok"},
    {"otp qrCodeUri empty", P_OTP, OTPB("{\"enrollmentToken\":\"et\",\"otpData\":{\"qrCodeUri\":\"\"}}"),
     200, UNAV, BAD, 200, 0, "ok"},
    {"otp qrCodeUri number", P_OTP, OTPB("{\"enrollmentToken\":\"et\",\"otpData\":{\"qrCodeUri\":1}}"),
     200, UNAV, BAD, 200, 0, "ok"},
    {"otp qrCodeUri NUL", P_OTP,
     OTPB("{\"enrollmentToken\":\"et\",\"otpData\":{\"qrCodeUri\":\"otp\\u0000x\"}}"), 200, UNAV,
     BAD, 200, 0, "ok"},
    {"otp qrCodeUri newline", P_OTP,
     OTPB("{\"enrollmentToken\":\"et\",\"otpData\":{\"qrCodeUri\":\"otp\\nx\"}}"), 200, UNAV, BAD,
     200, 0, "ok"},
    {"otp qrCodeUri ESC", P_OTP,
     OTPB("{\"enrollmentToken\":\"et\",\"otpData\":{\"qrCodeUri\":\"\\u001b[2J\"}}"), 200, UNAV,
     BAD, 200, 0, "ok"},
    {"otp recovery number", P_OTP,
     OTPB("{\"enrollmentToken\":\"et\",\"otpData\":{\"qrCodeUri\":\"x\",\"recoveryCode\":5}}"), 200,
     UNAV, BAD, 200, 0, "ok"},
    {"otp recovery control", P_OTP,
     OTPB("{\"enrollmentToken\":\"et\",\"otpData\":{\"qrCodeUri\":\"x\",\"recoveryCode\":\"a\\tb\"}}"),
     200, UNAV, BAD, 200, 0, "ok"},
    {"otp recovery non-ASCII", P_OTP,
     OTPB("{\"enrollmentToken\":\"et\",\"otpData\":{\"qrCodeUri\":\"x\",\"recoveryCode\":"
          "\"\\u00e9\"}}"),
     200, UNAV, BAD, 200, 0, "ok"},
    {"otp recovery empty", P_OTP,
     OTPB("{\"enrollmentToken\":\"et\",\"otpData\":{\"qrCodeUri\":\"x\",\"recoveryCode\":\"\"}}"),
     200, UNAV, BAD, 200, 0, "ok"},
    {"otp token missing", P_OTP, OTPB("{\"otpData\":{\"qrCodeUri\":\"x\"}}"), 200, UNAV, BAD, 200,
     0, "ok"},
    {"otp token space", P_OTP,
     OTPB("{\"enrollmentToken\":\"e t\",\"otpData\":{\"qrCodeUri\":\"x\"}}"), 200, UNAV, BAD, 200,
     0, "ok"},
    {"otp data null", P_OTP, OTPB("null"), 200, UNAV, BAD, 200, 0, "ok"},
    {"otp 429", P_OTP, "{\"statusCode\":429,\"message\":\"slow down\"}", 429, GA_ERR_THROTTLED,
     NONE, 429, 0, "slow down"},
    {"otp 422", P_OTP, "{\"statusCode\":422}", 200, GA_ERR_THROTTLED, NONE, 422, 0, ""},
    {"otp 409 bound", P_OTP, "{\"statusCode\":409,\"apiCode\":1700,\"message\":\"bound\"}", 200,
     GA_ERR_REJECTED, NONE, 409, 1700, "bound"},
    {"otp 401", P_OTP, "{\"statusCode\":401,\"apiCode\":2020}", 401, GA_ERR_REJECTED, NONE, 401,
     2020, ""},
    {"otp 500", P_OTP, "{\"statusCode\":500,\"message\":\"boom\"}", 200, UNAV, SRV, 500, 0,
     "boom"},
    {"otp 200 under HTTP 500", P_OTP,
     OTPB("{\"enrollmentToken\":\"et\",\"otpData\":{\"qrCodeUri\":\"x\"}}"), 500, UNAV, HTTP, 200,
     0, ""},

    /* --------------------------------------------------- mfa-totp-verify */
    {"totp verified", P_TOTP, "{\"statusCode\":200,\"data\":{\"verified\":true}}", 200, GA_OK,
     NONE, 200, 0, ""},
    {"totp verified false", P_TOTP, "{\"statusCode\":200,\"data\":{\"verified\":false}}", 200,
     GA_ERR_WRONG_CODE, NONE, 200, 0, ""},
    {"totp 6001", P_TOTP, "{\"statusCode\":400,\"apiCode\":6001,\"message\":\"bad totp\"}", 200,
     GA_ERR_WRONG_CODE, NONE, 400, 6001, "bad totp"},
    {"totp 6001 under 403", P_TOTP, "{\"statusCode\":403,\"apiCode\":6001}", 403,
     GA_ERR_WRONG_CODE, NONE, 403, 6001, ""},
    {"totp 6001 beats verified true", P_TOTP,
     "{\"statusCode\":200,\"apiCode\":6001,\"data\":{\"verified\":true}}", 200, GA_ERR_WRONG_CODE,
     NONE, 200, 6001, ""},
    {"totp 400 no apiCode", P_TOTP, "{\"statusCode\":400}", 200, GA_ERR_WRONG_CODE, NONE, 400, 0,
     ""},
    {"totp 422 no apiCode", P_TOTP, "{\"statusCode\":422}", 422, GA_ERR_WRONG_CODE, NONE, 422, 0,
     ""},
    {"totp 400 other apiCode", P_TOTP, "{\"statusCode\":400,\"apiCode\":1234}", 200,
     GA_ERR_REJECTED, NONE, 400, 1234, ""},
    {"totp 401", P_TOTP, "{\"statusCode\":401,\"apiCode\":2020}", 200, GA_ERR_REJECTED, NONE, 401,
     2020, ""},
    {"totp 429", P_TOTP, "{\"statusCode\":429}", 429, GA_ERR_THROTTLED, NONE, 429, 0, ""},
    {"totp 503", P_TOTP, "{\"statusCode\":503}", 503, UNAV, SRV, 503, 0, ""},
    {"totp verified string", P_TOTP, "{\"statusCode\":200,\"data\":{\"verified\":\"true\"}}", 200,
     UNAV, BAD, 200, 0, ""},
    {"totp verified 1", P_TOTP, "{\"statusCode\":200,\"data\":{\"verified\":1}}", 200, UNAV, BAD,
     200, 0, ""},
    {"totp verified null", P_TOTP, "{\"statusCode\":200,\"data\":{\"verified\":null}}", 200, UNAV,
     BAD, 200, 0, ""},
    {"totp verified missing", P_TOTP, "{\"statusCode\":200,\"data\":{}}", 200, UNAV, BAD, 200, 0,
     ""},
    {"totp data array", P_TOTP, "{\"statusCode\":200,\"data\":[{\"verified\":true}]}", 200, UNAV,
     BAD, 200, 0, ""},
    {"totp data missing", P_TOTP, "{\"statusCode\":200}", 200, UNAV, BAD, 200, 0, ""},
    {"totp 200 under HTTP 401", P_TOTP, "{\"statusCode\":200,\"data\":{\"verified\":true}}", 401,
     UNAV, HTTP, 200, 0, ""},
    /* regression (fuzz/regressions/mfa): statusCode 200 outside a 2xx HTTP
     * answer is refused whole, even with a wrong-code apiCode */
    {"totp 200+6001 under no HTTP answer", P_TOTP,
     "{\"statusCode\":200,\"apiCode\":6001,\"message\":\"Invalid TOTP\"}", 0, UNAV, HTTP, 200,
     6001, ""},
    {"totp 200+6001 under HTTP 302", P_TOTP, "{\"statusCode\":200,\"apiCode\":6001}", 302, UNAV,
     HTTP, 200, 6001, ""},
    {"totp repeated verified", P_TOTP,
     "{\"statusCode\":200,\"data\":{\"verified\":false,\"verified\":true}}", 200, UNAV, BAD, 0, 0,
     ""},

    /* ------------------------------------------------ get-management-token */
    {"mgmt ok", P_MGMT,
     "{\"statusCode\":200,\"data\":{\"access_token\":\"mgmt.tok\",\"expires_in\":7200}}", 200,
     GA_OK, NONE, 200, 0, ""},
    {"mgmt 400", P_MGMT, "{\"statusCode\":400,\"message\":\"bad id\"}", 200, UNAV, PCRED, 400, 0,
     "bad id"},
    {"mgmt 401", P_MGMT, "{\"statusCode\":401,\"apiCode\":2020}", 401, UNAV, PCRED, 401, 2020, ""},
    {"mgmt 403", P_MGMT, "{\"statusCode\":403}", 200, UNAV, PCRED, 403, 0, ""},
    /* regression: throttling is a refusal, never the fail mode */
    {"mgmt 429", P_MGMT, "{\"statusCode\":429}", 429, GA_ERR_THROTTLED, NONE, 429, 0, ""},
    {"mgmt 429 in HTTP 200", P_MGMT, "{\"statusCode\":429}", 200, GA_ERR_THROTTLED, NONE, 429, 0,
     ""},
    {"mgmt 404", P_MGMT, "{\"statusCode\":404}", 404, UNAV, SRV, 404, 0, ""},
    {"mgmt 500", P_MGMT, "{\"statusCode\":500}", 200, UNAV, SRV, 500, 0, ""},
    {"mgmt token missing", P_MGMT, "{\"statusCode\":200,\"data\":{\"expires_in\":7200}}", 200,
     UNAV, BAD, 200, 0, ""},
    {"mgmt token number", P_MGMT, "{\"statusCode\":200,\"data\":{\"access_token\":7}}", 200, UNAV,
     BAD, 200, 0, ""},
    {"mgmt token CRLF", P_MGMT,
     "{\"statusCode\":200,\"data\":{\"access_token\":\"a\\r\\nX-Evil: 1\"}}", 200, UNAV, BAD, 200,
     0, ""},
    {"mgmt expires string", P_MGMT,
     "{\"statusCode\":200,\"data\":{\"access_token\":\"t\",\"expires_in\":\"7200\"}}", 200, UNAV,
     BAD, 200, 0, ""},
    {"mgmt expires float", P_MGMT,
     "{\"statusCode\":200,\"data\":{\"access_token\":\"t\",\"expires_in\":7200.5}}", 200, UNAV,
     BAD, 200, 0, ""},
    {"mgmt data string", P_MGMT, "{\"statusCode\":200,\"data\":\"t\"}", 200, UNAV, BAD, 200, 0,
     ""},
    {"mgmt 200 under HTTP 302", P_MGMT, "{\"statusCode\":200,\"data\":{\"access_token\":\"t\"}}",
     302, UNAV, HTTP, 200, 0, ""},

    /* ------------------------------------------------ get-mfa-trigger-data */
    {"trigger ok", P_TRIG, TRIGB(",\"applicationMfa\":[]"), 200, GA_OK, NONE, 200, 0, ""},
    {"trigger only token", P_TRIG, TRIGB(""), 200, GA_OK, NONE, 200, 0, ""},
    {"trigger token missing", P_TRIG, "{\"statusCode\":200,\"data\":{\"totpMfaEnabled\":true}}",
     200, UNAV, BAD, 200, 0, ""},
    {"trigger token null", P_TRIG, "{\"statusCode\":200,\"data\":{\"mfaToken\":null}}", 200, UNAV,
     BAD, 200, 0, ""},
    {"trigger token empty", P_TRIG, "{\"statusCode\":200,\"data\":{\"mfaToken\":\"\"}}", 200, UNAV,
     BAD, 200, 0, ""},
    {"trigger token object", P_TRIG, "{\"statusCode\":200,\"data\":{\"mfaToken\":{}}}", 200, UNAV,
     BAD, 200, 0, ""},
    {"trigger data missing", P_TRIG, "{\"statusCode\":200}", 200, UNAV, BAD, 200, 0, ""},
    {"trigger data array", P_TRIG, "{\"statusCode\":200,\"data\":[{\"mfaToken\":\"t\"}]}", 200,
     UNAV, BAD, 200, 0, ""},
    {"trigger policies object", P_TRIG, TRIGB(",\"applicationMfa\":{\"mfaPolicy\":\"SMS\"}"), 200,
     UNAV, BAD, 200, 0, ""},
    {"trigger policy entry string", P_TRIG, TRIGB(",\"applicationMfa\":[\"SMS\"]"), 200, UNAV, BAD,
     200, 0, ""},
    {"trigger policy name number", P_TRIG,
     TRIGB(",\"applicationMfa\":[{\"mfaPolicy\":1,\"status\":1}]"), 200, UNAV, BAD, 200, 0, ""},
    {"trigger policy status string", P_TRIG,
     TRIGB(",\"applicationMfa\":[{\"mfaPolicy\":\"SMS\",\"status\":\"1\"}]"), 200, UNAV, BAD, 200,
     0, ""},
    {"trigger policy status missing", P_TRIG,
     TRIGB(",\"applicationMfa\":[{\"mfaPolicy\":\"SMS\"}]"), 200, UNAV, BAD, 200, 0, ""},
    {"trigger policy name long", P_TRIG,
     TRIGB(",\"applicationMfa\":[{\"mfaPolicy\":\"SMSSMSSMSSMSSMSSMS\",\"status\":1}]"), 200, UNAV,
     BAD, 200, 0, ""},
    {"trigger totpMfaEnabled string", P_TRIG, TRIGB(",\"totpMfaEnabled\":\"true\""), 200, UNAV,
     BAD, 200, 0, ""},
    {"trigger totpMfaEnabled 1", P_TRIG, TRIGB(",\"totpMfaEnabled\":1"), 200, UNAV, BAD, 200, 0,
     ""},
    {"trigger 401", P_TRIG, "{\"statusCode\":401,\"message\":\"token expired\"}", 401, UNAV, PCRED,
     401, 0, "token expired"},
    {"trigger 403", P_TRIG, "{\"statusCode\":403}", 200, UNAV, PCRED, 403, 0, ""},
    {"trigger 404", P_TRIG, "{\"statusCode\":404,\"apiCode\":2004}", 200, GA_ERR_REJECTED, NONE,
     404, 2004, ""},
    {"trigger 2004 under 400", P_TRIG, "{\"statusCode\":400,\"apiCode\":2004}", 200,
     GA_ERR_REJECTED, NONE, 400, 2004, ""},
    {"trigger 200+2004 under HTTP 500", P_TRIG, "{\"statusCode\":200,\"apiCode\":2004}", 500,
     UNAV, HTTP, 200, 2004, ""},
    {"trigger 400", P_TRIG, "{\"statusCode\":400}", 200, UNAV, PCRED, 400, 0, ""},
    {"trigger 409", P_TRIG, "{\"statusCode\":409}", 200, UNAV, SRV, 409, 0, ""},
    {"trigger 429", P_TRIG, "{\"statusCode\":429}", 429, GA_ERR_THROTTLED, NONE, 429, 0, ""},
    {"trigger 502", P_TRIG, "{\"statusCode\":502}", 502, UNAV, SRV, 502, 0, ""},
    {"trigger 200 under HTTP 404", P_TRIG, TRIGB(""), 404, UNAV, HTTP, 200, 0, ""},

    /* ------------------------------------------------ send-sms, send-email */
    {"send ok", P_SEND, "{\"statusCode\":200,\"message\":\"sent\"}", 200, GA_OK, NONE, 200, 0,
     "sent"},
    {"send ok data", P_SEND, "{\"statusCode\":200,\"data\":{\"x\":[1,2]}}", 201, GA_OK, NONE, 200,
     0, ""},
    {"send 429", P_SEND, "{\"statusCode\":429}", 429, GA_ERR_THROTTLED, NONE, 429, 0, ""},
    {"send 422", P_SEND, "{\"statusCode\":422,\"message\":\"wait\"}", 200, GA_ERR_THROTTLED, NONE,
     422, 0, "wait"},
    {"send 2080", P_SEND, "{\"statusCode\":400,\"apiCode\":2080}", 200, GA_ERR_THROTTLED, NONE,
     400, 2080, ""},
    {"send 2080 with 200", P_SEND, "{\"statusCode\":200,\"apiCode\":2080}", 200, GA_ERR_THROTTLED,
     NONE, 200, 2080, ""},
    {"send 400", P_SEND, "{\"statusCode\":400,\"message\":\"bad phone\"}", 200, GA_ERR_REJECTED,
     NONE, 400, 0, "bad phone"},
    {"send 403", P_SEND, "{\"statusCode\":403}", 403, GA_ERR_REJECTED, NONE, 403, 0, ""},
    {"send 500", P_SEND, "{\"statusCode\":500}", 500, UNAV, SRV, 500, 0, ""},
    {"send 200 under HTTP 503", P_SEND, "{\"statusCode\":200}", 503, UNAV, HTTP, 200, 0, ""},
    {"send message masks the phone", P_SEND,
     "{\"statusCode\":400,\"message\":\"cannot send to 18812345678\"}", 200, GA_ERR_REJECTED,
     NONE, 400, 0, "cannot send to 188******78"},

    /* ------------------------------------------------------- V2 envelope */
    {"v2 ok", P_V2, "{\"code\":200,\"message\":\"ok\",\"data\":{\"id\":\"u\"}}", 200, GA_OK, NONE,
     200, 0, "ok"},
    {"v2 ok no data", P_V2R, "{\"code\":200}", 200, GA_OK, NONE, 200, 0, ""},
    {"v2 6001", P_V2, "{\"code\":6001,\"message\":\"wrong\"}", 200, GA_ERR_WRONG_CODE, NONE, 6001,
     0, "wrong"},
    {"v2 6002", P_V2R, "{\"code\":6002}", 200, GA_ERR_WRONG_CODE, NONE, 6002, 0, ""},
    {"v2 2001", P_V2, "{\"code\":2001}", 400, GA_ERR_WRONG_CODE, NONE, 2001, 0, ""},
    {"v2 apiCode 6001", P_V2, "{\"code\":400,\"apiCode\":6001}", 200, GA_ERR_WRONG_CODE, NONE, 400,
     6001, ""},
    {"v2 2021", P_V2, "{\"code\":2021,\"message\":\"mfaToken expired\"}", 200, GA_ERR_EXPIRED,
     NONE, 2021, 0, "mfaToken expired"},
    {"v2 2300", P_V2R, "{\"code\":2300}", 200, GA_ERR_EXPIRED, NONE, 2300, 0, ""},
    {"v2 429", P_V2, "{\"code\":429}", 429, GA_ERR_THROTTLED, NONE, 429, 0, ""},
    {"v2 500", P_V2, "{\"code\":500}", 200, UNAV, SRV, 500, 0, ""},
    {"v2 599", P_V2, "{\"code\":599}", 200, UNAV, SRV, 599, 0, ""},
    {"v2 400", P_V2, "{\"code\":400}", 200, GA_ERR_REJECTED, NONE, 400, 0, ""},
    {"v2 1234", P_V2, "{\"code\":1234}", 200, GA_ERR_REJECTED, NONE, 1234, 0, ""},
    {"v2 code string", P_V2, "{\"code\":\"200\",\"message\":\"ok\"}", 200, UNAV, BAD, 0, 0, ""},
    {"v2 code float", P_V2R, "{\"code\":200.0}", 200, UNAV, BAD, 0, 0, ""},
    {"v2 code exponent", P_V2, "{\"code\":2e2}", 200, UNAV, BAD, 0, 0, ""},
    {"v2 code bool", P_V2, "{\"code\":true}", 200, UNAV, BAD, 0, 0, ""},
    {"v2 code null", P_V2, "{\"code\":null}", 200, UNAV, BAD, 0, 0, ""},
    {"v2 code 0", P_V2, "{\"code\":0}", 200, UNAV, BAD, 0, 0, ""},
    {"v2 code negative", P_V2, "{\"code\":-200}", 200, UNAV, BAD, 0, 0, ""},
    {"v2 code huge", P_V2, "{\"code\":99999999999}", 200, UNAV, BAD, 0, 0, ""},
    {"v2 code missing, V3 envelope", P_V2, "{\"statusCode\":200}", 200, UNAV, BAD, 0, 0, ""},
    {"v2 code missing under HTTP 500", P_V2, "{\"statusCode\":200}", 500, UNAV, HTTP, 0, 0, ""},
    {"v2 repeated code", P_V2, "{\"code\":6001,\"code\":200}", 200, UNAV, BAD, 0, 0, ""},
    {"v2 200 under HTTP 500", P_V2, "{\"code\":200}", 500, UNAV, HTTP, 200, 0, ""},
    {"v2 200 under HTTP 301", P_V2R, "{\"code\":200}", 301, UNAV, HTTP, 200, 0, ""},
    {"v2 6001 under HTTP 400", P_V2, "{\"code\":6001}", 400, GA_ERR_WRONG_CODE, NONE, 6001, 0, ""},
};

START_TEST(test_table)
{
    check_case(&cases[_i]);
}
END_TEST

/* ------------------------------------------------ garbage, every parser */

typedef struct garbage {
    const char *name;
    const char *body; /* '@' stands for the status key of the parser */
    size_t len;
} garbage_t;

#define G(name, body) {name, body, sizeof(body) - 1}

static const garbage_t garbage[] = {
    G("not JSON", "Service Unavailable"),
    G("empty", ""),
    G("only spaces", "  \n"),
    G("truncated", "{\"@\":200,\"data\":{\"mfaToken\":\"t\""),
    G("trailing garbage", "{\"@\":200,\"data\":{}} x"),
    G("two objects", "{\"@\":200}{}"),
    G("trailing NUL", "{\"@\":200,\"data\":{}}\0"),
    G("NUL inside message", "{\"@\":200,\"message\":\"a\0b\"}"),
    G("top-level array", "[{\"@\":200}]"),
    G("top-level null", "null"),
    G("status missing", "{\"message\":\"ok\",\"data\":{}}"),
    G("status string", "{\"@\":\"200\",\"data\":{}}"),
    G("status double", "{\"@\":200.0,\"data\":{}}"),
    G("status exponent", "{\"@\":2e2,\"data\":{}}"),
    G("status bool", "{\"@\":true}"),
    G("status object", "{\"@\":{\"v\":200}}"),
    G("status huge", "{\"@\":99999999999999999999999}"),
    G("status 0", "{\"@\":0}"),
    G("status negative", "{\"@\":-200}"),
    G("apiCode string", "{\"@\":200,\"apiCode\":\"0\"}"),
    G("apiCode float", "{\"@\":200,\"apiCode\":6001.0}"),
    G("repeated status", "{\"@\":500,\"@\":200}"),
    G("invalid UTF-8", "{\"@\":200,\"message\":\"x\xff\xfe\xc3y\"}"),
    G("overlong UTF-8", "{\"@\":200,\"message\":\"\xc0\xaf\"}"),
    G("UTF-8 surrogate", "{\"@\":200,\"message\":\"\xed\xa0\x80\"}"),
    G("raw control in string", "{\"@\":200,\"message\":\"a\x01" "b\"}"),
    G("raw newline in string", "{\"@\":200,\"message\":\"a\nb\"}"),
    G("nesting 17", "{\"@\":200,\"x\":[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]}"),
};

#define N_GARBAGE (sizeof garbage / sizeof garbage[0])

/* The garbage body with '@' replaced by the parser's status key. */
static char *with_key(const garbage_t *g, parser_t p, size_t *len)
{
    const char *key = (p == P_V2 || p == P_V2R) ? "code" : "statusCode";
    char *out = malloc(g->len * 12 + 1);
    size_t n = 0;

    ck_assert_ptr_nonnull(out);
    for (size_t i = 0; i < g->len; i++) {
        if (g->body[i] == '@') {
            memcpy(out + n, key, strlen(key));
            n += strlen(key);
        } else {
            out[n++] = g->body[i];
        }
    }
    out[n] = '\0';
    *len = n;
    return out;
}

/* Every garbage body, through every parser, under HTTP 200/302 (bad
 * answer) and HTTP 500/404/0 (an HTTP error without an envelope). */
START_TEST(test_garbage_every_parser)
{
    const garbage_t *g = &garbage[(size_t)_i / P_COUNT];
    parser_t p = (parser_t)(_i % P_COUNT);
    static const long https[] = {200, 500, 0, 302, 404};
    size_t len;
    char *body = with_key(g, p, &len);
    result_t r;

    for (size_t k = 0; k < sizeof https / sizeof https[0]; k++) {
        run(p, body, len, https[k], 9, &r);
        ck_assert_msg(r.st == GA_ERR_UNAVAIL, "%s via %s: %s", g->name, parser_names[p],
                      ga_status_name(r.st));
        ck_assert_msg(r.err.reason == (https[k] >= 400 || https[k] == 0 ? HTTP : BAD),
                      "%s via %s HTTP %ld: reason %s", g->name, parser_names[p], https[k],
                      ga_reason_name(r.err.reason));
        ck_assert_int_eq(r.err.http_status, https[k]);
        ck_assert_int_eq(r.err.status_code, 0);
        ck_assert_int_eq(r.err.api_code, 0);
        ck_assert_str_eq(r.err.message, "");
        ck_assert_int_eq(r.err.retry_after_s, takes_retry(p) ? 9 : -1);
        assert_no_leftovers(&r, p, g->name);
        result_free(&r);
    }
    free(body);
}
END_TEST

/* NULL body, deep nesting, 2 MB: refused by every parser. */
START_TEST(test_sizes_every_parser)
{
    static const char pre[] = "{\"statusCode\":200,\"code\":200,\"data\":";
    size_t big = 2 * 1024 * 1024, n = sizeof pre - 1;
    char *deep = malloc(n + 10000 + 1), *huge = malloc(n + big + 8);
    result_t r;

    ck_assert_ptr_nonnull(deep);
    ck_assert_ptr_nonnull(huge);
    memcpy(deep, pre, n);
    memset(deep + n, '[', 10000);
    memcpy(huge, pre, n);
    huge[n] = '"';
    memset(huge + n + 1, 'x', big);
    memcpy(huge + n + 1 + big, "\"}", 2);
    for (int p = 0; p < P_COUNT; p++) {
        run((parser_t)p, NULL, 10, 200, -1, &r);
        ck_assert_int_eq(r.st, GA_ERR_UNAVAIL);
        ck_assert_int_eq(r.err.reason, BAD);
        result_free(&r);
        run((parser_t)p, deep, n + 10000, 200, -1, &r);
        ck_assert_int_eq(r.st, GA_ERR_UNAVAIL);
        ck_assert_int_eq(r.err.reason, BAD);
        result_free(&r);
        run((parser_t)p, huge, n + big + 3, 200, -1, &r);
        ck_assert_int_eq(r.st, GA_ERR_UNAVAIL);
        ck_assert_int_eq(r.err.reason, BAD);
        ck_assert_int_eq(r.err.status_code, 0);
        result_free(&r);
    }
    free(deep);
    free(huge);
}
END_TEST

/* A string longer than the limits: tokens over GA_TOKEN_MAX, a qrCodeUri
 * over 2048 bytes, a recovery code over 128, an email over 254. */
static char *fill(const char *prefix, size_t n, const char *suffix)
{
    size_t a = strlen(prefix), c = strlen(suffix);
    char *b = malloc(a + n + c + 1);

    ck_assert_ptr_nonnull(b);
    memcpy(b, prefix, a);
    memset(b + a, 'a', n);
    memcpy(b + a + n, suffix, c + 1);
    return b;
}

START_TEST(test_huge_strings)
{
    static const struct {
        parser_t p;
        const char *prefix, *suffix;
        size_t ok, bad;
    } v[] = {
        {P_OTP, "{\"statusCode\":200,\"data\":{\"enrollmentToken\":\"", "\",\"otpData\":"
                "{\"qrCodeUri\":\"x\"}}}", GA_TOKEN_MAX, GA_TOKEN_MAX + 1},
        {P_OTP, "{\"statusCode\":200,\"data\":{\"enrollmentToken\":\"e\",\"otpData\":"
                "{\"qrCodeUri\":\"", "\"}}}", 2048, 2049},
        {P_OTP, "{\"statusCode\":200,\"data\":{\"enrollmentToken\":\"e\",\"otpData\":"
                "{\"qrCodeUri\":\"u\",\"recoveryCode\":\"", "\"}}}", GA_RECOVERY_MAX,
         GA_RECOVERY_MAX + 1},
        {P_MGMT, "{\"statusCode\":200,\"data\":{\"access_token\":\"", "\"}}", GA_TOKEN_MAX,
         GA_TOKEN_MAX + 1},
        {P_TRIG, "{\"statusCode\":200,\"data\":{\"mfaToken\":\"", "\"}}", GA_TOKEN_MAX,
         GA_TOKEN_MAX + 1},
    };
    result_t r;

    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char *ok = fill(v[i].prefix, v[i].ok, v[i].suffix);
        char *bad = fill(v[i].prefix, v[i].bad, v[i].suffix);

        run(v[i].p, ok, strlen(ok), 200, -1, &r);
        ck_assert_msg(r.st == GA_OK, "case %zu at the limit: %s", i, ga_status_name(r.st));
        result_free(&r);
        run(v[i].p, bad, strlen(bad), 200, -1, &r);
        ck_assert_msg(r.st == GA_ERR_UNAVAIL && r.err.reason == BAD, "case %zu over: %s", i,
                      ga_status_name(r.st));
        assert_no_leftovers(&r, v[i].p, "huge");
        result_free(&r);
        free(ok);
        free(bad);
    }
}
END_TEST

/* ------------------------------------------------------------- values */

START_TEST(test_otp_values)
{
    static const char b[] = OTPB("{\"enrollmentToken\":\"et.123\",\"otpData\":{\"qrCodeUri\":\""
                                 URI "\",\"recoveryCode\":\"e7ad-aaa4-da75\"}}");
    static const char b2[] = OTPB("{\"enrollmentToken\":\"et\",\"otpData\":{\"qrCodeUri\":"
                                  "\"otpauth://totp/My Pool:b\\u00f6b\"}}");
    result_t r;

    run(P_OTP, b, sizeof b - 1, 200, -1, &r);
    ck_assert_int_eq(r.st, GA_OK);
    ck_assert_str_eq(r.token, "et.123");
    ck_assert_str_eq(r.otp.qr_uri, URI);
    ck_assert_str_eq(r.otp.recovery_code, "e7ad-aaa4-da75");
    result_free(&r);
    /* spaces and UTF-8 in the URI are left to ga_otpauth_parse */
    run(P_OTP, b2, sizeof b2 - 1, 200, -1, &r);
    ck_assert_int_eq(r.st, GA_OK);
    ck_assert_str_eq(r.otp.qr_uri, "otpauth://totp/My Pool:b\xc3\xb6" "b");
    ck_assert_ptr_null(r.otp.recovery_code);
    result_free(&r);
}
END_TEST

START_TEST(test_mgmt_values)
{
    static const struct {
        const char *life;
        long want;
    } v[] = {
        {"", 7200},        {",\"expires_in\":7200", 7200}, {",\"expires_in\":3600", 3600},
        {",\"expires_in\":null", 7200}, {",\"expires_in\":0", 60}, {",\"expires_in\":-5", 60},
        {",\"expires_in\":59", 60}, {",\"expires_in\":86400", 86400},
        {",\"expires_in\":99999999999", 86400}, {",\"expire_in\":100", 7200},
    };
    char body[256];
    result_t r;

    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        snprintf(body, sizeof body, "{\"statusCode\":200,\"data\":{\"access_token\":\"m.t-%zu\"%s}}",
                 i, v[i].life);
        run(P_MGMT, body, strlen(body), 200, -1, &r);
        ck_assert_int_eq(r.st, GA_OK);
        ck_assert_int_eq(r.expires_in, v[i].want);
        ck_assert_ptr_nonnull(r.token);
        ck_assert(strncmp(r.token, "m.t-", 4) == 0);
        result_free(&r);
    }
}
END_TEST

/* Trigger data: what is enabled and which contact data is kept. */
typedef struct tcase {
    const char *name;
    const char *data; /* members after "mfaToken":"mt" */
    int otp, sms, email;
    const char *cc, *phone, *email_addr;
} tcase_t;

#define POL(p, s) "{\"mfaPolicy\":\"" p "\",\"status\":" #s ",\"sort\":1}"
#define ALL3 ",\"applicationMfa\":[" POL("OTP", 1) "," POL("SMS", 1) "," POL("EMAIL", 1) "]"

static const tcase_t trig_cases[] = {
    {"nothing", "", 0, 0, 0, "", "", ""},
    {"all", ALL3 ",\"mfaPhone\":\"18812345678\",\"mfaPhoneCountryCode\":\"+86\","
        "\"mfaEmail\":\"alice@example.com\"",
     1, 1, 1, "+86", "18812345678", "alice@example.com"},
    {"policies without contact data", ALL3, 1, 0, 0, "", "", ""},
    {"contact data without policies", ",\"mfaPhone\":\"18812345678\",\"mfaEmail\":\"a@b.co\"", 0,
     0, 0, "", "18812345678", "a@b.co"},
    {"status 0 disables", ",\"applicationMfa\":[" POL("SMS", 0) "," POL("EMAIL", 2) "]"
                          ",\"mfaPhone\":\"18812345678\",\"mfaEmail\":\"a@b.co\"",
     0, 0, 0, "", "18812345678", "a@b.co"},
    {"totpMfaEnabled", ",\"totpMfaEnabled\":true", 1, 0, 0, "", "", ""},
    {"totpMfaEnabled false", ",\"totpMfaEnabled\":false", 0, 0, 0, "", "", ""},
    /* regression: the user's flag wins over the application's OTP policy */
    {"totpMfaEnabled false beats the OTP policy",
     ",\"applicationMfa\":[" POL("OTP", 1) "],\"totpMfaEnabled\":false", 0, 0, 0, "", "", ""},
    {"OTP policy without totpMfaEnabled", ",\"applicationMfa\":[" POL("OTP", 1) "]", 1, 0, 0,
     "", "", ""},
    {"policy names any case", ",\"applicationMfa\":[" POL("otp", 1) "," POL("Sms", 1) "]"
                              ",\"mfaPhone\":\"18812345678\"",
     1, 1, 0, "", "18812345678", ""},
    {"FACE and unknown policies ignored",
     ",\"applicationMfa\":[" POL("FACE", 1) "," POL("PUSH", 1) "],\"faceMfaEnabled\":true", 0, 0,
     0, "", "", ""},
    {"cc without plus", ",\"applicationMfa\":[" POL("SMS", 1) "],\"mfaPhone\":\"2025550100\","
                        "\"mfaPhoneCountryCode\":\"1\"",
     0, 1, 0, "+1", "2025550100", ""},
    {"number with its own cc", ",\"applicationMfa\":[" POL("SMS", 1) "],\"mfaPhone\":"
                               "\"+44 7911 123456\"",
     0, 1, 0, "+44", "7911123456", ""},
    {"cc disagrees with the number",
     ",\"applicationMfa\":[" POL("SMS", 1) "],\"mfaPhone\":\"+44 7911 123456\","
     "\"mfaPhoneCountryCode\":\"+86\"",
     0, 0, 0, "", "", ""},
    {"phone too short", ",\"applicationMfa\":[" POL("SMS", 1) "],\"mfaPhone\":\"1234\"", 0, 0, 0,
     "", "", ""},
    {"phone letters", ",\"applicationMfa\":[" POL("SMS", 1) "],\"mfaPhone\":\"188abc45678\"", 0, 0,
     0, "", "", ""},
    {"phone number type", ",\"applicationMfa\":[" POL("SMS", 1) "],\"mfaPhone\":18812345678", 0,
     0, 0, "", "", ""},
    {"phone NUL", ",\"applicationMfa\":[" POL("SMS", 1) "],\"mfaPhone\":\"188\\u000012345678\"", 0,
     0, 0, "", "", ""},
    {"cc unassigned", ",\"applicationMfa\":[" POL("SMS", 1) "],\"mfaPhone\":\"18812345678\","
                      "\"mfaPhoneCountryCode\":\"+999\"",
     0, 0, 0, "", "", ""},
    {"cc number type", ",\"applicationMfa\":[" POL("SMS", 1) "],\"mfaPhone\":\"18812345678\","
                       "\"mfaPhoneCountryCode\":86",
     0, 0, 0, "", "", ""},
    {"cc too long", ",\"applicationMfa\":[" POL("SMS", 1) "],\"mfaPhone\":\"18812345678\","
                    "\"mfaPhoneCountryCode\":\"+8686\"",
     0, 0, 0, "", "", ""},
    {"phone with CRLF", ",\"applicationMfa\":[" POL("SMS", 1) "],\"mfaPhone\":\"188123\\r\\n45678\"",
     0, 0, 0, "", "", ""},
    {"email invalid", ",\"applicationMfa\":[" POL("EMAIL", 1) "],\"mfaEmail\":\"not-an-email\"", 0,
     0, 0, "", "", ""},
    {"email with space", ",\"applicationMfa\":[" POL("EMAIL", 1) "],\"mfaEmail\":\"a b@c.de\"", 0,
     0, 0, "", "", ""},
    {"email header injection",
     ",\"applicationMfa\":[" POL("EMAIL", 1) "],\"mfaEmail\":\"a@b.co\\r\\nBcc: x@y.z\"", 0, 0, 0,
     "", "", ""},
    {"email non-ASCII", ",\"applicationMfa\":[" POL("EMAIL", 1) "],\"mfaEmail\":\"\\u00e9@b.co\"",
     0, 0, 0, "", "", ""},
    {"email array", ",\"applicationMfa\":[" POL("EMAIL", 1) "],\"mfaEmail\":[\"a@b.co\"]", 0, 0, 0,
     "", "", ""},
    {"email null", ",\"applicationMfa\":[" POL("EMAIL", 1) "],\"mfaEmail\":null", 0, 0, 0, "", "",
     ""},
    {"applicationMfa null", ",\"applicationMfa\":null,\"totpMfaEnabled\":true", 1, 0, 0, "", "",
     ""},
};

START_TEST(test_trigger_values)
{
    const tcase_t *c = &trig_cases[_i];
    char body[1024];
    result_t r;

    snprintf(body, sizeof body, "{\"statusCode\":200,\"data\":{\"mfaToken\":\"mt.%d\"%s}}", _i,
             c->data);
    run(P_TRIG, body, strlen(body), 200, -1, &r);
    ck_assert_msg(r.st == GA_OK, "%s: %s", c->name, ga_status_name(r.st));
    ck_assert_ptr_nonnull(r.trig.mfa_token);
    ck_assert(strncmp(r.trig.mfa_token, "mt.", 3) == 0);
    ck_assert_msg(r.trig.otp == c->otp && r.trig.sms == c->sms && r.trig.email == c->email,
                  "%s: otp %d sms %d email %d", c->name, r.trig.otp, r.trig.sms, r.trig.email);
    ck_assert_msg(strcmp(r.trig.phone_cc, c->cc) == 0, "%s: cc %s", c->name, r.trig.phone_cc);
    ck_assert_msg(strcmp(r.trig.phone, c->phone) == 0, "%s: phone %s", c->name, r.trig.phone);
    ck_assert_str_eq(r.trig.email_addr, c->email_addr);
    ck_assert_int_eq(r.err.reason, NONE);
    result_free(&r);
    ck_assert_ptr_null(r.trig.mfa_token);
    ck_assert_str_eq(r.trig.phone, "");
}
END_TEST

START_TEST(test_trigger_policy_limit)
{
    char body[8192];
    size_t n;
    result_t r;

    for (size_t count = 32; count <= 33; count++) {
        n = (size_t)snprintf(body, sizeof body,
                             "{\"statusCode\":200,\"data\":{\"mfaToken\":\"t\",\"applicationMfa\":[");
        for (size_t i = 0; i < count; i++)
            n += (size_t)snprintf(body + n, sizeof body - n, "%s" POL("OTP", 1), i ? "," : "");
        snprintf(body + n, sizeof body - n, "]}}");
        run(P_TRIG, body, strlen(body), 200, -1, &r);
        ck_assert_int_eq(r.st, count <= GA_FACTOR_LIST_MAX ? GA_OK : GA_ERR_UNAVAIL);
        if (r.st == GA_OK)
            ck_assert_int_eq(r.trig.otp, 1);
        result_free(&r);
    }
}
END_TEST

START_TEST(test_v2_recovery_values)
{
    static const struct {
        const char *body;
        ga_status_t st;
        const char *code;
    } v[] = {
        {"{\"code\":200,\"data\":{\"recoveryCode\":\"1111-2222-3333\"}}", GA_OK, "1111-2222-3333"},
        {"{\"code\":200,\"data\":{}}", GA_OK, NULL},
        {"{\"code\":200,\"data\":null}", GA_OK, NULL},
        {"{\"code\":200,\"data\":[\"1111\"]}", GA_OK, NULL},
        {"{\"code\":200,\"data\":{\"recoveryCode\":1111}}", GA_OK, NULL},
        {"{\"code\":200,\"data\":{\"recoveryCode\":\"\"}}", GA_OK, NULL},
        {"{\"code\":200,\"data\":{\"recoveryCode\":\"a\\nb\"}}", GA_OK, NULL},
        {"{\"code\":200,\"data\":{\"recoveryCode\":\"\\u00e9\"}}", GA_OK, NULL},
        {"{\"code\":6002,\"data\":{\"recoveryCode\":\"1111\"}}", GA_ERR_WRONG_CODE, NULL},
        {"{\"code\":200,\"data\":{\"recoveryCode\":\"1111\"}}", GA_ERR_UNAVAIL, NULL}, /* HTTP 500 */
    };
    char *rc;
    size_t n = sizeof v / sizeof v[0];
    result_t r;

    for (size_t i = 0; i < n; i++) {
        run(P_V2R, v[i].body, strlen(v[i].body), i == n - 1 ? 500 : 200, -1, &r);
        ck_assert_msg(r.st == v[i].st, "case %zu: %s", i, ga_status_name(r.st));
        if (v[i].code)
            ck_assert_str_eq(r.recovery, v[i].code);
        else
            ck_assert_ptr_null(r.recovery);
        result_free(&r);
    }
    /* over 128 bytes: not taken, the verification still succeeded */
    {
        char *b = fill("{\"code\":200,\"data\":{\"recoveryCode\":\"", 129, "\"}}");
        run(P_V2R, b, strlen(b), 200, -1, &r);
        ck_assert_int_eq(r.st, GA_OK);
        ck_assert_ptr_null(r.recovery);
        free(b);
    }
    /* NULL new_recovery_code: nothing is returned */
    rc = NULL;
    ck_assert_int_eq(ga_parse_v2_verify(v[0].body, strlen(v[0].body), 200, -1, NULL, &r.err),
                     GA_OK);
    ck_assert_ptr_null(rc);
}
END_TEST

/* ------------------------------------------------ signin 1635/1636 data */

START_TEST(test_signin_trigger)
{
    static const char full[] =
        "{\"statusCode\":200,\"apiCode\":1635,\"message\":\"MFA\",\"data\":{\"mfaToken\":"
        "\"mfa.jwt.x\",\"applicationMfa\":[" POL("SMS", 1) "," POL("EMAIL", 1) "],"
        "\"mfaPhone\":\"13812345678\",\"mfaPhoneCountryCode\":\"+86\",\"mfaEmail\":"
        "\"bob@example.org\",\"totpMfaEnabled\":true}}";
    static const struct {
        const char *body;
        ga_status_t st;
        ga_reason_t reason;
    } bad[] = {
        {"{\"statusCode\":200,\"apiCode\":1636,\"data\":{\"applicationMfa\":\"SMS\"}}",
         GA_ERR_UNAVAIL, BAD},
        {"{\"statusCode\":200,\"apiCode\":1636,\"data\":{\"totpMfaEnabled\":\"yes\"}}",
         GA_ERR_UNAVAIL, BAD},
        {"{\"statusCode\":200,\"apiCode\":1635,\"data\":{\"mfaToken\":\"a b\"}}", GA_ERR_UNAVAIL,
         BAD},
        {"{\"statusCode\":200,\"apiCode\":1635,\"data\":[1]}", GA_ENROLLED, NONE},
        {"{\"statusCode\":200,\"apiCode\":1635,\"data\":\"x\"}", GA_ENROLLED, NONE},
        {"{\"statusCode\":200,\"apiCode\":1635,\"data\":{\"mfaPhone\":\"12\"}}", GA_ENROLLED, NONE},
    };
    static const char ok[] = "{\"statusCode\":200,\"data\":{\"access_token\":\"t\"}}";
    ga_signin_t s;
    ga_api_error_t err;

    memset(&s, 0x5a, sizeof s);
    ck_assert_int_eq(ga_parse_signin(full, sizeof full - 1, 200, &s, &err), GA_ENROLLED);
    ck_assert_ptr_null(s.access_token);
    ck_assert_str_eq(s.mfa.mfa_token, "mfa.jwt.x");
    ck_assert(s.mfa.otp && s.mfa.sms && s.mfa.email);
    ck_assert_str_eq(s.mfa.phone_cc, "+86");
    ck_assert_str_eq(s.mfa.phone, "13812345678");
    ck_assert_str_eq(s.mfa.email_addr, "bob@example.org");
    ga_signin_clear(&s);
    ck_assert_ptr_null(s.mfa.mfa_token);
    ck_assert_str_eq(s.mfa.phone, "");
    ck_assert_str_eq(s.mfa.email_addr, "");
    ck_assert(!s.mfa.otp && !s.mfa.sms && !s.mfa.email);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&s, 0x5a, sizeof s);
        ck_assert_msg(ga_parse_signin(bad[i].body, strlen(bad[i].body), 200, &s, &err)
                          == bad[i].st,
                      "case %zu", i);
        ck_assert_int_eq(err.reason, bad[i].reason);
        ck_assert_ptr_null(s.mfa.mfa_token);
        ck_assert(!s.mfa.otp && !s.mfa.sms && !s.mfa.email);
        ck_assert_ptr_null(s.access_token);
        ga_signin_clear(&s);
    }
    /* a success answer leaves mfa empty */
    memset(&s, 0x5a, sizeof s);
    ck_assert_int_eq(ga_parse_signin(ok, sizeof ok - 1, 200, &s, &err), GA_OK);
    ck_assert_ptr_null(s.mfa.mfa_token);
    ck_assert_str_eq(s.mfa.phone, "");
    ga_signin_clear(&s);
}
END_TEST

/* ------------------------------------------- list-enrolled-factors targets */

START_TEST(test_list_targets)
{
    static const struct {
        const char *entry;
        const char *target;
    } v[] = {
        {"{\"factorType\":\"SMS\",\"profile\":{\"phoneNumber\":\"18812345678\","
         "\"phoneCountryCode\":\"+86\"}}",
         "+86 188****5678"},
        {"{\"factorType\":\"SMS\",\"profile\":{\"phoneNumber\":\"18812345678\"}}", "188****5678"},
        {"{\"factorType\":\"SMS\",\"profile\":{\"phoneNumber\":\"+1 202 555 0100\"}}",
         "+1 202***0100"},
        {"{\"factorType\":\"EMAIL\",\"profile\":{\"email\":\"alice@example.com\"}}",
         "a***@example.com"},
        {"{\"factorType\":\"email\",\"profile\":{\"email\":\"Bob.X@Example.org\"}}",
         "B***@Example.org"},
        {"{\"factorType\":\"OTP\",\"profile\":{}}", ""},
        {"{\"factorType\":\"OTP\",\"profile\":{\"email\":\"alice@example.com\"}}", ""},
        {"{\"factorType\":\"SMS\"}", ""},
        {"{\"factorType\":\"SMS\",\"profile\":null}", ""},
        {"{\"factorType\":\"SMS\",\"profile\":\"18812345678\"}", ""},
        {"{\"factorType\":\"SMS\",\"profile\":[\"18812345678\"]}", ""},
        {"{\"factorType\":\"SMS\",\"profile\":{\"phoneNumber\":18812345678}}", ""},
        {"{\"factorType\":\"SMS\",\"profile\":{\"phoneNumber\":\"188\"}}", ""},
        {"{\"factorType\":\"SMS\",\"profile\":{\"phoneNumber\":\"18812345678\","
         "\"phoneCountryCode\":{}}}",
         ""},
        {"{\"factorType\":\"SMS\",\"profile\":{\"phoneNumber\":\"\\u001b[31m18812345678\"}}", ""},
        {"{\"factorType\":\"SMS\",\"profile\":{\"email\":\"alice@example.com\"}}", ""},
        {"{\"factorType\":\"EMAIL\",\"profile\":{\"email\":\"alice\"}}", ""},
        {"{\"factorType\":\"EMAIL\",\"profile\":{\"email\":\"a@b.co\\nX\"}}", ""},
        {"{\"factorType\":\"EMAIL\",\"profile\":{\"email\":5}}", ""},
        {"{\"factorType\":\"FACE\",\"profile\":{\"photo\":\"https://x\"}}", ""},
    };
    char body[4096];
    size_t n;
    ga_factor_list_t list;
    ga_api_error_t err;

    n = (size_t)snprintf(body, sizeof body, "{\"statusCode\":200,\"data\":[");
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        n += (size_t)snprintf(body + n, sizeof body - n, "%s%s", i ? "," : "", v[i].entry);
    snprintf(body + n, sizeof body - n, "]}");
    ck_assert_int_eq(ga_parse_factor_list(body, strlen(body), 200, &list, &err), GA_OK);
    ck_assert_uint_eq(list.n, sizeof v / sizeof v[0]);
    for (size_t i = 0; i < list.n; i++)
        ck_assert_msg(strcmp(list.items[i].target, v[i].target) == 0, "entry %zu: \"%s\"", i,
                      list.items[i].target);
    /* a long email is masked whole or not at all */
    {
        char *b = fill("{\"statusCode\":200,\"data\":[{\"factorType\":\"EMAIL\",\"profile\":"
                       "{\"email\":\"x@",
                       251, ".co\"}}]}");
        ck_assert_int_eq(ga_parse_factor_list(b, strlen(b), 200, &list, &err), GA_OK);
        ck_assert_str_eq(list.items[0].target, "");
        free(b);
    }
}
END_TEST

/* ------------------------------------------------------- NULL arguments */

START_TEST(test_null_outputs)
{
    static const char b[] = "{\"statusCode\":200,\"code\":200}";
    ga_api_error_t err;
    ga_otp_data_t otp;
    ga_mfa_trigger_t t;
    char *tok = NULL;
    long life = 0;

#define NULLCHK(call)                                                                   \
    do {                                                                                \
        memset(&err, 0x55, sizeof err);                                                 \
        ck_assert_int_eq((call), GA_ERR_INTERNAL);                                      \
        ck_assert_int_eq(err.retry_after_s, -1);                                        \
        ck_assert_int_eq(err.reason, NONE);                                             \
    } while (0)
    NULLCHK(ga_parse_send_enroll_otp(b, sizeof b - 1, 200, -1, NULL, &otp, &err));
    NULLCHK(ga_parse_send_enroll_otp(b, sizeof b - 1, 200, -1, &tok, NULL, &err));
    NULLCHK(ga_parse_mgmt_token(b, sizeof b - 1, 200, NULL, &life, &err));
    NULLCHK(ga_parse_mgmt_token(b, sizeof b - 1, 200, &tok, NULL, &err));
    NULLCHK(ga_parse_mfa_trigger(b, sizeof b - 1, 200, NULL, &err));
#undef NULLCHK
    ck_assert_int_eq(ga_parse_send_enroll_otp(b, sizeof b - 1, 200, -1, &tok, &otp, NULL),
                     GA_ERR_INTERNAL);
    ck_assert_int_eq(ga_parse_totp_verify(b, sizeof b - 1, 200, -1, NULL), GA_ERR_INTERNAL);
    ck_assert_int_eq(ga_parse_mgmt_token(b, sizeof b - 1, 200, &tok, &life, NULL),
                     GA_ERR_INTERNAL);
    ck_assert_int_eq(ga_parse_mfa_trigger(b, sizeof b - 1, 200, &t, NULL), GA_ERR_INTERNAL);
    ck_assert_int_eq(ga_parse_send_code(b, sizeof b - 1, 200, -1, NULL), GA_ERR_INTERNAL);
    ck_assert_int_eq(ga_parse_v2_verify(b, sizeof b - 1, 200, -1, NULL, NULL), GA_ERR_INTERNAL);
    ga_mfa_trigger_clear(NULL);
    ga_otp_data_clear(NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mfa_response");
    TCase *tc;
    SRunner *sr;
    int failed;

    tc = tcase_create("tables");
    tcase_add_loop_test(tc, test_table, 0, (int)(sizeof cases / sizeof cases[0]));
    tcase_add_loop_test(tc, test_trigger_values, 0, (int)(sizeof trig_cases / sizeof trig_cases[0]));
    suite_add_tcase(s, tc);

    tc = tcase_create("values");
    tcase_add_test(tc, test_otp_values);
    tcase_add_test(tc, test_mgmt_values);
    tcase_add_test(tc, test_trigger_policy_limit);
    tcase_add_test(tc, test_v2_recovery_values);
    tcase_add_test(tc, test_signin_trigger);
    tcase_add_test(tc, test_list_targets);
    suite_add_tcase(s, tc);

    tc = tcase_create("hostile");
    tcase_add_loop_test(tc, test_garbage_every_parser, 0, (int)(N_GARBAGE * P_COUNT));
    tcase_add_test(tc, test_sizes_every_parser);
    tcase_add_test(tc, test_huge_strings);
    tcase_add_test(tc, test_null_outputs);
    suite_add_tcase(s, tc);

    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
