/* check_response.c - unit tests of ga_response: canned GenAuth bodies
 * through every parser, asserting the status, the reason class and every
 * field of ga_api_error_t, plus the values copied out. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ga_http.h"
#include "ga_response.h"
#include "ga_text.h"

typedef enum { P_SIGNIN, P_LIST, P_SEND, P_ENROLL, P_COUNT } parser_t;

static const char *const parser_names[P_COUNT] = {"signin", "list", "send", "enroll"};

/* What one parser call produced. */
typedef struct result {
    ga_status_t st;
    ga_api_error_t err;
    ga_signin_t signin;
    ga_factor_list_t list;
    char *token;
} result_t;

static void run(parser_t p, const char *body, size_t len, long http, long retry, result_t *r)
{
    memset(r, 0, sizeof *r);
    memset(&r->err, 0x55, sizeof r->err); /* every field must be written */
    switch (p) {
    case P_SIGNIN:
        r->st = ga_parse_signin(body, len, http, &r->signin, &r->err);
        break;
    case P_LIST:
        r->st = ga_parse_factor_list(body, len, http, &r->list, &r->err);
        break;
    case P_SEND:
        r->token = (char *)0x1; /* must be reset */
        r->st = ga_parse_send_enroll(body, len, http, retry, &r->token, &r->err);
        break;
    default:
        r->st = ga_parse_enroll_factor(body, len, http, retry, &r->err);
        break;
    }
}

static void result_free(result_t *r)
{
    ga_signin_clear(&r->signin);
    free(r->token);
    r->token = NULL;
}

/* The expected outcome of one canned body. */
typedef struct rcase {
    const char *name;
    parser_t p;
    const char *body;
    long http;
    long retry;        /* passed to send/enroll */
    ga_status_t st;
    ga_reason_t reason;
    long status_code;
    long api_code;
    const char *message;
    long retry_out;    /* expected err.retry_after_s */
} rcase_t;

static void check_case(const rcase_t *c, size_t len)
{
    result_t r;

    run(c->p, c->body, len, c->http, c->retry, &r);
    ck_assert_msg(r.st == c->st, "%s (%s): status %s, expected %s", c->name,
                  parser_names[c->p], ga_status_name(r.st), ga_status_name(c->st));
    ck_assert_msg(r.err.reason == c->reason, "%s: reason %s, expected %s", c->name,
                  ga_reason_name(r.err.reason), ga_reason_name(c->reason));
    ck_assert_int_eq(r.err.http_status, c->http);
    ck_assert_int_eq(r.err.status_code, c->status_code);
    ck_assert_int_eq(r.err.api_code, c->api_code);
    ck_assert_str_eq(r.err.message, c->message);
    /* message_utf8: written, terminated, UTF-8, empty with message */
    ck_assert_uint_lt(strnlen(r.err.message_utf8, sizeof r.err.message_utf8),
                      sizeof r.err.message_utf8);
    ck_assert(ga_utf8_valid(r.err.message_utf8, strlen(r.err.message_utf8)));
    if (!c->message[0])
        ck_assert_str_eq(r.err.message_utf8, "");
    ck_assert_int_eq(r.err.retry_after_s, c->retry_out);
    if (c->p == P_SEND && r.st != GA_OK)
        ck_assert_ptr_null(r.token);
    if (c->p == P_SIGNIN && r.st != GA_OK)
        ck_assert_ptr_null(r.signin.access_token);
    if (c->p == P_LIST && r.st != GA_OK)
        ck_assert_uint_eq(r.list.n, 0);
    result_free(&r);
}

#define OKB(extra) "{\"statusCode\":200,\"message\":\"ok\"" extra "}"
#define UNAV GA_ERR_UNAVAIL
#define BAD GA_REASON_BAD_ANSWER
#define NONE GA_REASON_NONE

/* ------------------------------------------------------------ signin table */

static const rcase_t signin_cases[] = {
    {"expire_in", P_SIGNIN,
     OKB(",\"data\":{\"access_token\":\"eyJ.a.b\",\"token_type\":\"Bearer\",\"expire_in\":7200,"
         "\"id_token\":\"x\",\"scope\":\"openid\"},\"requestId\":\"r1\""),
     200, -1, GA_OK, NONE, 200, 0, "ok", -1},
    {"expires_in", P_SIGNIN,
     "{\"statusCode\":200,\"data\":{\"access_token\":\"t\",\"token_type\":\"bearer\","
     "\"expires_in\":1209600}}",
     200, -1, GA_OK, NONE, 200, 0, "", -1},
    /* success only with a 2xx HTTP status (cases.md #3) */
    {"envelope 200 under HTTP 401", P_SIGNIN, OKB(",\"data\":{\"access_token\":\"t\"}"), 401, -1,
     UNAV, GA_REASON_HTTP, 200, 0, "", -1},
    {"envelope 200 under HTTP 201", P_SIGNIN, OKB(",\"data\":{\"access_token\":\"t\"}"), 201, -1,
     GA_OK, NONE, 200, 0, "ok", -1},
    {"trailing CRLF", P_SIGNIN, OKB(",\"data\":{\"access_token\":\"t\"}") "\r\n \t", 200, -1,
     GA_OK, NONE, 200, 0, "ok", -1},
    {"apiCode null ignored", P_SIGNIN, OKB(",\"apiCode\":null,\"data\":{\"access_token\":\"t\"}"),
     200, -1, GA_OK, NONE, 200, 0, "ok", -1},
    {"token_type other", P_SIGNIN, OKB(",\"data\":{\"access_token\":\"t\",\"token_type\":\"mac\"}"),
     200, -1, UNAV, BAD, 200, 0, "ok", -1},
    {"token_type number", P_SIGNIN, OKB(",\"data\":{\"access_token\":\"t\",\"token_type\":1}"),
     200, -1, UNAV, BAD, 200, 0, "ok", -1},
    {"token_type bearerx", P_SIGNIN,
     OKB(",\"data\":{\"access_token\":\"t\",\"token_type\":\"bearerx\"}"), 200, -1, UNAV, BAD,
     200, 0, "ok", -1},
    {"access_token missing", P_SIGNIN, OKB(",\"data\":{\"id_token\":\"t\"}"), 200, -1, UNAV, BAD,
     200, 0, "ok", -1},
    {"access_token empty", P_SIGNIN, OKB(",\"data\":{\"access_token\":\"\"}"), 200, -1, UNAV, BAD,
     200, 0, "ok", -1},
    {"access_token number", P_SIGNIN, OKB(",\"data\":{\"access_token\":12}"), 200, -1, UNAV, BAD,
     200, 0, "ok", -1},
    {"access_token null", P_SIGNIN, OKB(",\"data\":{\"access_token\":null}"), 200, -1, UNAV, BAD,
     200, 0, "ok", -1},
    {"access_token NUL", P_SIGNIN, OKB(",\"data\":{\"access_token\":\"ab\\u0000cd\"}"), 200, -1,
     UNAV, BAD, 200, 0, "ok", -1},
    {"access_token control", P_SIGNIN, OKB(",\"data\":{\"access_token\":\"ab\\r\\nX: y\"}"), 200,
     -1, UNAV, BAD, 200, 0, "ok", -1},
    {"access_token space", P_SIGNIN, OKB(",\"data\":{\"access_token\":\"ab cd\"}"), 200, -1, UNAV,
     BAD, 200, 0, "ok", -1},
    {"access_token non-ASCII", P_SIGNIN, OKB(",\"data\":{\"access_token\":\"\\u00e9\"}"), 200, -1,
     UNAV, BAD, 200, 0, "ok", -1},
    {"data null", P_SIGNIN, OKB(",\"data\":null"), 200, -1, UNAV, BAD, 200, 0, "ok", -1},
    {"data missing", P_SIGNIN, OKB(""), 200, -1, UNAV, BAD, 200, 0, "ok", -1},
    {"data array", P_SIGNIN, OKB(",\"data\":[{\"access_token\":\"t\"}]"), 200, -1, UNAV, BAD, 200,
     0, "ok", -1},
    {"data string", P_SIGNIN, OKB(",\"data\":\"t\""), 200, -1, UNAV, BAD, 200, 0, "ok", -1},
    {"envelope 500 HTTP 200", P_SIGNIN, "{\"statusCode\":500,\"message\":\"Internal error\"}", 200,
     -1, UNAV, GA_REASON_SERVER, 500, 0, "Internal error", -1},
    {"envelope 503 HTTP 503", P_SIGNIN, "{\"statusCode\":503,\"apiCode\":1635}", 503, -1, UNAV,
     GA_REASON_SERVER, 503, 1635, "", -1},
    {"2333", P_SIGNIN, "{\"statusCode\":403,\"apiCode\":2333,\"message\":\"Account or password "
                       "incorrect\"}",
     200, -1, GA_ERR_AUTH, NONE, 403, 2333, "Account or password incorrect", -1},
    {"2006", P_SIGNIN, "{\"statusCode\":403,\"apiCode\":2006,\"message\":\"wrong password\"}", 200,
     -1, GA_ERR_AUTH, NONE, 403, 2006, "wrong password", -1},
    {"2004", P_SIGNIN, "{\"statusCode\":404,\"apiCode\":2004,\"message\":\"user not found\"}", 200,
     -1, GA_ERR_AUTH, NONE, 404, 2004, "user not found", -1},
    {"2005", P_SIGNIN, "{\"statusCode\":403,\"apiCode\":2005,\"message\":\"locked\"}", 200, -1,
     GA_ERR_AUTH, NONE, 403, 2005, "locked", -1},
    {"2057", P_SIGNIN, "{\"statusCode\":403,\"apiCode\":2057,\"message\":\"locked\"}", 200, -1,
     GA_ERR_AUTH, NONE, 403, 2057, "locked", -1},
    {"2000 captcha", P_SIGNIN, "{\"statusCode\":403,\"apiCode\":2000,\"message\":\"captcha\"}", 200,
     -1, GA_ERR_AUTH, NONE, 403, 2000, "captcha", -1},
    {"user apiCode under 400", P_SIGNIN, "{\"statusCode\":400,\"apiCode\":2006}", 200, -1,
     GA_ERR_AUTH, NONE, 400, 2006, "", -1},
    {"plain 403", P_SIGNIN, "{\"statusCode\":403,\"message\":\"Forbidden\"}", 200, -1, GA_ERR_AUTH,
     NONE, 403, 0, "Forbidden", -1},
    {"plain 404", P_SIGNIN, "{\"statusCode\":404}", 404, -1, GA_ERR_AUTH, NONE, 404, 0, "", -1},
    {"400 app credentials", P_SIGNIN, "{\"statusCode\":400,\"message\":\"invalid client\"}", 200,
     -1, UNAV, GA_REASON_APP_CRED, 400, 0, "invalid client", -1},
    {"401 app credentials", P_SIGNIN, "{\"statusCode\":401,\"apiCode\":1234}", 401, -1, UNAV,
     GA_REASON_APP_CRED, 401, 1234, "", -1},
    {"1635 mfaToken", P_SIGNIN,
     "{\"statusCode\":200,\"apiCode\":1635,\"message\":\"MFA required\",\"data\":{\"mfaToken\":"
     "\"mfa.jwt.x\",\"applicationMfa\":[]}}",
     200, -1, GA_ENROLLED, NONE, 200, 1635, "MFA required", -1},
    {"1636 no data", P_SIGNIN, "{\"statusCode\":403,\"apiCode\":1636}", 200, -1, GA_ENROLLED, NONE,
     403, 1636, "", -1},
    {"1635 mfaToken number", P_SIGNIN,
     "{\"statusCode\":200,\"apiCode\":1635,\"data\":{\"mfaToken\":5}}", 200, -1, UNAV, BAD, 200,
     1635, "", -1},
    {"429", P_SIGNIN, "{\"statusCode\":429,\"message\":\"Too many requests\"}", 429, -1,
     GA_ERR_THROTTLED, NONE, 429, 0, "Too many requests", -1},
    {"499/2016", P_SIGNIN, "{\"statusCode\":499,\"apiCode\":2016}", 200, -1, GA_ERR_REJECTED, NONE,
     499, 2016, "", -1},
    {"302", P_SIGNIN, "{\"statusCode\":302,\"apiCode\":1700}", 200, -1, GA_ERR_REJECTED, NONE, 302,
     1700, "", -1},
    {"message number", P_SIGNIN, "{\"statusCode\":403,\"apiCode\":2333,\"message\":17}", 200, -1,
     GA_ERR_AUTH, NONE, 403, 2333, "", -1},
    {"message object", P_SIGNIN, "{\"statusCode\":403,\"apiCode\":2333,\"message\":{\"a\":1}}",
     200, -1, GA_ERR_AUTH, NONE, 403, 2333, "", -1},
    {"message control", P_SIGNIN,
     "{\"statusCode\":403,\"apiCode\":2333,\"message\":\"a\\tb\\r\\nc\\u0007d\\u001b[31m\"}", 200,
     -1, GA_ERR_AUTH, NONE, 403, 2333, "a b c?d?[31m", -1},
    /* RFC 8259: JSON text is UTF-8; anything else is not an answer */
    {"message invalid UTF-8", P_SIGNIN,
     "{\"statusCode\":403,\"apiCode\":2333,\"message\":\"x\xff\xfe\xc3y\"}", 200, -1, UNAV,
     BAD, 0, 0, "", -1},
    /* json-c's own UTF-8 check accepts these two (regression) */
    {"message overlong UTF-8", P_SIGNIN,
     "{\"statusCode\":403,\"apiCode\":2333,\"message\":\"\xc0\xaf\"}", 200, -1, UNAV, BAD, 0, 0,
     "", -1},
    {"message UTF-8 surrogate", P_SIGNIN,
     "{\"statusCode\":403,\"apiCode\":2333,\"message\":\"\xed\xa0\x80\"}", 200, -1, UNAV, BAD, 0,
     0, "", -1},
    {"raw control character in a string", P_SIGNIN,
     "{\"statusCode\":403,\"apiCode\":2333,\"message\":\"x\x01y\"}", 200, -1, UNAV, BAD, 0, 0,
     "", -1},
    {"success in HTTP 500", P_LIST, "{\"statusCode\":200,\"data\":[]}", 500, -1, UNAV,
     GA_REASON_HTTP, 200, 0, "", -1},
    {"success in HTTP 302", P_ENROLL, "{\"statusCode\":200}", 302, -1, UNAV, GA_REASON_HTTP, 200,
     0, "", -1},
    {"token in HTTP 401", P_SIGNIN,
     "{\"statusCode\":200,\"data\":{\"access_token\":\"at\",\"expire_in\":60}}", 401, -1,
     UNAV, GA_REASON_HTTP, 200, 0, "", -1},
    {"error in HTTP 500 is honoured", P_SIGNIN, "{\"statusCode\":403,\"apiCode\":2333}", 500,
     -1, GA_ERR_AUTH, NONE, 403, 2333, "", -1},
    {"repeated statusCode", P_LIST, "{\"statusCode\":500,\"data\":[],\"statusCode\":200}", 200,
     -1, UNAV, BAD, 0, 0, "", -1},
    {"repeated key in data", P_LIST,
     "{\"statusCode\":200,\"data\":[{\"factorType\":\"SMS\",\"factorType\":\"X\"}]}", 200, -1,
     UNAV, BAD, 0, 0, "", -1},
    {"colon inside strings is not a member", P_SIGNIN,
     "{\"statusCode\":403,\"apiCode\":2333,\"message\":\"a:b \\\":\\\" c\"}", 200, -1,
     GA_ERR_AUTH, NONE, 403, 2333, "a:b \":\" c", -1},
    {"message Chinese", P_SIGNIN,
     "{\"statusCode\":403,\"apiCode\":2333,\"message\":\"\xe5\xaf\x86\xe7\xa0\x81\"}", 200, -1,
     GA_ERR_AUTH, NONE, 403, 2333, "?", -1},
    {"apiCode string", P_SIGNIN, "{\"statusCode\":403,\"apiCode\":\"2333\"}", 200, -1, UNAV, BAD,
     0, 0, "", -1},
    {"apiCode double", P_SIGNIN, "{\"statusCode\":403,\"apiCode\":2333.0}", 200, -1, UNAV, BAD, 0,
     0, "", -1},
    {"apiCode huge", P_SIGNIN, "{\"statusCode\":403,\"apiCode\":99999999999999999999}", 200, -1,
     UNAV, BAD, 0, 0, "", -1},
    {"apiCode bool", P_SIGNIN, "{\"statusCode\":403,\"apiCode\":true}", 500, -1, UNAV,
     GA_REASON_HTTP, 0, 0, "", -1},
};

/* ---------------------------------------------------------- list table */

#define LIST(items) "{\"statusCode\":200,\"data\":" items "}"

static const rcase_t list_cases[] = {
    {"empty", P_LIST, LIST("[]"), 200, -1, GA_OK, NONE, 200, 0, "", -1},
    {"extra fields", P_LIST,
     "{\"statusCode\":200,\"message\":\"\",\"apiCode\":0,\"requestId\":\"x\",\"data\":[{"
     "\"factorId\":\"f1\",\"factorType\":\"SMS\",\"profile\":{\"phoneNumber\":\"188\"}}]}",
     200, -1, GA_OK, NONE, 200, 0, "", -1},
    {"envelope 200 under HTTP 500", P_LIST, LIST("[]"), 500, -1, UNAV, GA_REASON_HTTP, 200, 0, "",
     -1},
    {"data null", P_LIST, LIST("null"), 200, -1, UNAV, BAD, 200, 0, "", -1},
    {"data missing", P_LIST, "{\"statusCode\":200}", 200, -1, UNAV, BAD, 200, 0, "", -1},
    {"data object", P_LIST, LIST("{}"), 200, -1, UNAV, BAD, 200, 0, "", -1},
    {"data string", P_LIST, LIST("\"SMS\""), 200, -1, UNAV, BAD, 200, 0, "", -1},
    {"data number", P_LIST, LIST("0"), 200, -1, UNAV, BAD, 200, 0, "", -1},
    {"array of numbers", P_LIST, LIST("[1,2]"), 200, -1, UNAV, BAD, 200, 0, "", -1},
    {"array of strings", P_LIST, LIST("[\"SMS\"]"), 200, -1, UNAV, BAD, 200, 0, "", -1},
    {"array with null", P_LIST, LIST("[{\"factorType\":\"SMS\"},null]"), 200, -1, UNAV, BAD, 200,
     0, "", -1},
    {"factorType number", P_LIST, LIST("[{\"factorType\":1}]"), 200, -1, UNAV, BAD, 200, 0, "",
     -1},
    {"factorType null", P_LIST, LIST("[{\"factorType\":null}]"), 200, -1, UNAV, BAD, 200, 0, "",
     -1},
    {"factorType missing", P_LIST, LIST("[{\"factorId\":\"x\"}]"), 200, -1, UNAV, BAD, 200, 0, "",
     -1},
    {"factorType empty", P_LIST, LIST("[{\"factorType\":\"\"}]"), 200, -1, UNAV, BAD, 200, 0, "",
     -1},
    {"factorType 16 chars", P_LIST, LIST("[{\"factorType\":\"ABCDEFGHIJKLMNOP\"}]"), 200, -1, UNAV,
     BAD, 200, 0, "", -1},
    {"factorType space", P_LIST, LIST("[{\"factorType\":\"S MS\"}]"), 200, -1, UNAV, BAD, 200, 0,
     "", -1},
    {"factorType control", P_LIST, LIST("[{\"factorType\":\"SMS\\n\"}]"), 200, -1, UNAV, BAD, 200,
     0, "", -1},
    {"factorType NUL", P_LIST, LIST("[{\"factorType\":\"SMS\\u0000\"}]"), 200, -1, UNAV, BAD, 200,
     0, "", -1},
    {"factorType Chinese", P_LIST, LIST("[{\"factorType\":\"\xe7\x9f\xad\xe4\xbf\xa1\"}]"), 200,
     -1, UNAV, BAD, 200, 0, "", -1},
    {"envelope 500", P_LIST, "{\"statusCode\":500,\"message\":\"db down\"}", 200, -1, UNAV,
     GA_REASON_SERVER, 500, 0, "db down", -1},
    {"400 app id refused", P_LIST, "{\"statusCode\":400,\"message\":\"application not found\"}",
     200, -1, UNAV, GA_REASON_APP_CRED, 400, 0, "application not found", -1},
    {"401 token unusable", P_LIST, "{\"statusCode\":401,\"apiCode\":2020,\"message\":\"login\"}",
     200, -1, UNAV, GA_REASON_SERVER, 401, 2020, "login", -1},
    {"403", P_LIST, "{\"statusCode\":403}", 200, -1, UNAV, GA_REASON_SERVER, 403, 0, "", -1},
    {"404", P_LIST, "{\"statusCode\":404}", 404, -1, UNAV, GA_REASON_SERVER, 404, 0, "", -1},
    {"429", P_LIST, "{\"statusCode\":429}", 429, -1, UNAV, GA_REASON_SERVER, 429, 0, "", -1},
    {"empty object", P_LIST, "{}", 200, -1, UNAV, BAD, 0, 0, "", -1},
};

/* ----------------------------------------------------------- send table */

static const rcase_t send_cases[] = {
    {"ok", P_SEND, OKB(",\"data\":{\"enrollmentToken\":\"et-1\"}"), 200, -1, GA_OK, NONE, 200, 0,
     "ok", -1},
    {"ok otpData", P_SEND,
     OKB(",\"data\":{\"enrollmentToken\":\"et-1\",\"otpData\":{\"qrCodeUri\":\"otpauth://x\"}}"),
     200, 7, GA_OK, NONE, 200, 0, "ok", 7},
    {"token missing", P_SEND, OKB(",\"data\":{}"), 200, -1, UNAV, BAD, 200, 0, "ok", -1},
    {"token empty", P_SEND, OKB(",\"data\":{\"enrollmentToken\":\"\"}"), 200, -1, UNAV, BAD, 200,
     0, "ok", -1},
    {"token number", P_SEND, OKB(",\"data\":{\"enrollmentToken\":5}"), 200, -1, UNAV, BAD, 200, 0,
     "ok", -1},
    {"token control", P_SEND, OKB(",\"data\":{\"enrollmentToken\":\"a\\tb\"}"), 200, -1, UNAV,
     BAD, 200, 0, "ok", -1},
    {"data null", P_SEND, OKB(",\"data\":null"), 200, -1, UNAV, BAD, 200, 0, "ok", -1},
    {"data missing", P_SEND, OKB(""), 200, -1, UNAV, BAD, 200, 0, "ok", -1},
    {"data array", P_SEND, OKB(",\"data\":[\"et\"]"), 200, -1, UNAV, BAD, 200, 0, "ok", -1},
    {"429 retry-after", P_SEND, "{\"statusCode\":429,\"message\":\"slow down\"}", 429, 60,
     GA_ERR_THROTTLED, NONE, 429, 0, "slow down", 60},
    {"422 one per minute", P_SEND,
     "{\"statusCode\":422,\"apiCode\":2080,\"message\":\"sent less than a minute ago\"}", 200, -1,
     GA_ERR_THROTTLED, NONE, 422, 2080, "sent less than a minute ago", -1},
    {"400 bad phone", P_SEND, "{\"statusCode\":400,\"message\":\"bad phone\"}", 200, -1,
     GA_ERR_REJECTED, NONE, 400, 0, "bad phone", -1},
    {"403 factor disabled", P_SEND, "{\"statusCode\":403,\"apiCode\":1500}", 200, -1,
     GA_ERR_REJECTED, NONE, 403, 1500, "", -1},
    {"401", P_SEND, "{\"statusCode\":401,\"apiCode\":2020}", 200, -1, GA_ERR_REJECTED, NONE, 401,
     2020, "", -1},
    {"envelope 500", P_SEND, "{\"statusCode\":500}", 200, 3, UNAV, GA_REASON_SERVER, 500, 0, "",
     3},
    {"HTML 502", P_SEND, "<html><body>Bad Gateway</body></html>", 502, 30, UNAV, GA_REASON_HTTP,
     0, 0, "", 30},
};

/* --------------------------------------------------------- enroll table */

static const rcase_t enroll_cases[] = {
    {"ok data null", P_ENROLL, OKB(",\"data\":null"), 200, -1, GA_OK, NONE, 200, 0, "ok", -1},
    {"ok data absent", P_ENROLL, OKB(""), 200, -1, GA_OK, NONE, 200, 0, "ok", -1},
    {"ok data object", P_ENROLL, OKB(",\"data\":{\"factorId\":\"f\"}"), 200, -1, GA_OK, NONE, 200,
     0, "ok", -1},
    {"2300", P_ENROLL, "{\"statusCode\":400,\"apiCode\":2300,\"message\":\"code\"}", 200, -1,
     GA_ERR_EXPIRED, NONE, 400, 2300, "code", -1},
    {"2021", P_ENROLL, "{\"statusCode\":400,\"apiCode\":2021}", 200, -1, GA_ERR_EXPIRED, NONE, 400,
     2021, "", -1},
    {"410", P_ENROLL, "{\"statusCode\":410}", 200, -1, GA_ERR_EXPIRED, NONE, 410, 0, "", -1},
    {"message enrollmentToken expired", P_ENROLL,
     "{\"statusCode\":400,\"message\":\"enrollmentToken expired\"}", 200, -1, GA_ERR_EXPIRED,
     NONE, 400, 0, "enrollmentToken expired", -1},
    {"message EXPIRED", P_ENROLL, "{\"statusCode\":403,\"message\":\"Token has EXPIRED\"}", 200,
     -1, GA_ERR_EXPIRED, NONE, 403, 0, "Token has EXPIRED", -1},
    {"message Chinese", P_ENROLL,
     "{\"statusCode\":400,\"message\":\"\xe9\xaa\x8c\xe8\xaf\x81\xe7\xa0\x81\xe5\xb7\xb2\xe8\xbf"
     "\x87\xe6\x9c\x9f\"}",
     200, -1, GA_ERR_EXPIRED, NONE, 400, 0, "?", -1},
    {"message traditional Chinese", P_ENROLL,
     "{\"statusCode\":400,\"message\":\"\xe5\xb7\xb2\xe9\x81\x8e\xe6\x9c\x9f\"}", 200, -1,
     GA_ERR_EXPIRED, NONE, 400, 0, "?", -1},
    {"message Japanese", P_ENROLL,
     "{\"statusCode\":400,\"message\":\"\xe6\x9c\x9f\xe9\x99\x90\xe5\x88\x87\xe3\x82\x8c\"}", 200,
     -1, GA_ERR_EXPIRED, NONE, 400, 0, "?", -1},
    {"expire split by NUL", P_ENROLL, "{\"statusCode\":400,\"message\":\"exp\\u0000ire\"}", 200, -1,
     GA_ERR_WRONG_CODE, NONE, 400, 0, "exp?ire", -1},
    {"2001 wrong code", P_ENROLL,
     "{\"statusCode\":400,\"apiCode\":2001,\"message\":\"\xe9\xaa\x8c\xe8\xaf\x81\xe7\xa0\x81\xe9"
     "\x94\x99\xe8\xaf\xaf\"}",
     200, -1, GA_ERR_WRONG_CODE, NONE, 400, 2001, "?", -1},
    {"plain 400", P_ENROLL, "{\"statusCode\":400}", 400, -1, GA_ERR_WRONG_CODE, NONE, 400, 0, "",
     -1},
    {"HTTP 200 envelope 400", P_ENROLL, "{\"statusCode\":400,\"message\":\"wrong\"}", 200, -1,
     GA_ERR_WRONG_CODE, NONE, 400, 0, "wrong", -1},
    {"6001", P_ENROLL, "{\"statusCode\":403,\"apiCode\":6001}", 200, -1, GA_ERR_WRONG_CODE, NONE,
     403, 6001, "", -1},
    /* not the user's code: never counted as a wrong attempt */
    {"409 already bound", P_ENROLL, "{\"statusCode\":409,\"message\":\"factor already bound\"}",
     200, -1, GA_ERR_REJECTED, NONE, 409, 0, "factor already bound", -1},
    {"401 token unusable", P_ENROLL, "{\"statusCode\":401,\"apiCode\":2020}", 200, -1,
     GA_ERR_REJECTED, NONE, 401, 2020, "", -1},
    {"403 forbidden", P_ENROLL, "{\"statusCode\":403}", 200, -1, GA_ERR_REJECTED, NONE, 403, 0,
     "", -1},
    {"400 unknown apiCode", P_ENROLL, "{\"statusCode\":400,\"apiCode\":9999}", 200, -1,
     GA_ERR_REJECTED, NONE, 400, 9999, "", -1},
    {"echoed phone and email are masked", P_ENROLL,
     "{\"statusCode\":409,\"message\":\"18812345678 / bob@example.com already bound\"}", 200, -1,
     GA_ERR_REJECTED, NONE, 409, 0, "188******78 / b***@example.com already bound", -1},
    {"422 plain", P_ENROLL, "{\"statusCode\":422}", 200, -1, GA_ERR_WRONG_CODE, NONE, 422, 0, "",
     -1},
    {"429", P_ENROLL, "{\"statusCode\":429}", 429, 120, GA_ERR_THROTTLED, NONE, 429, 0, "", 120},
    {"envelope 500", P_ENROLL, "{\"statusCode\":500}", 200, -1, UNAV, GA_REASON_SERVER, 500, 0, "",
     -1},
    {"302", P_ENROLL, "{\"statusCode\":302}", 200, -1, GA_ERR_REJECTED, NONE, 302, 0, "", -1},
    {"201", P_ENROLL, "{\"statusCode\":201}", 200, -1, GA_ERR_REJECTED, NONE, 201, 0, "", -1},
};

static void check_table(const rcase_t *t, int i)
{
    check_case(&t[i], strlen(t[i].body));
}

START_TEST(test_signin_table)
{
    check_table(signin_cases, _i);
}
END_TEST

START_TEST(test_list_table)
{
    check_table(list_cases, _i);
}
END_TEST

START_TEST(test_send_table)
{
    check_table(send_cases, _i);
}
END_TEST

START_TEST(test_enroll_table)
{
    check_table(enroll_cases, _i);
}
END_TEST

/* ------------------------------------------------ garbage, every parser */

typedef struct garbage {
    const char *name;
    const char *body;
    size_t len;
} garbage_t;

#define G(name, body) {name, body, sizeof(body) - 1}

static const garbage_t garbage[] = {
    G("not JSON", "Service Unavailable"),
    G("empty", ""),
    G("only spaces", "  \n"),
    G("truncated", "{\"statusCode\":200,\"data\":[{\"factorType\":\"SMS\"}"),
    G("truncated string", "{\"statusCode\":200,\"message\":\"ab"),
    G("trailing garbage", "{\"statusCode\":200,\"data\":[]} x"),
    G("two objects", "{\"statusCode\":200,\"data\":[]}{}"),
    G("trailing comment", "{\"statusCode\":200,\"data\":[]} /* c */"),
    G("trailing NUL", "{\"statusCode\":200,\"data\":[]}\0"),
    G("NUL inside string", "{\"statusCode\":200,\"message\":\"a\0b\",\"data\":[]}"),
    G("trailing comma", "{\"statusCode\":200,\"data\":[],}"),
    G("leading zero", "{\"statusCode\":0200,\"data\":[]}"),
    G("top-level array", "[{\"statusCode\":200}]"),
    G("top-level string", "\"statusCode\""),
    G("top-level number", "200"),
    G("top-level true", "true"),
    G("top-level null", "null"),
    G("statusCode missing", "{\"message\":\"ok\",\"data\":[]}"),
    G("statusCode null", "{\"statusCode\":null,\"data\":[]}"),
    G("statusCode string", "{\"statusCode\":\"200\",\"data\":[]}"),
    G("statusCode double", "{\"statusCode\":200.0,\"data\":[]}"),
    G("statusCode exponent", "{\"statusCode\":2e2,\"data\":[]}"),
    G("statusCode NaN", "{\"statusCode\":NaN,\"data\":[]}"),
    G("statusCode bool", "{\"statusCode\":true,\"data\":[]}"),
    G("statusCode object", "{\"statusCode\":{\"v\":200},\"data\":[]}"),
    G("statusCode huge", "{\"statusCode\":99999999999999999999999,\"data\":[]}"),
    G("statusCode huge negative", "{\"statusCode\":-99999999999999999999999,\"data\":[]}"),
    G("statusCode 2^63+200", "{\"statusCode\":9223372036854776008,\"data\":[]}"),
    G("statusCode 0", "{\"statusCode\":0,\"data\":[]}"),
    G("statusCode -200", "{\"statusCode\":-200,\"data\":[]}"),
    G("statusCode 1000", "{\"statusCode\":1000,\"data\":[]}"),
    G("statusCode 4294967496", "{\"statusCode\":4294967496,\"data\":[]}"),
    G("apiCode string", "{\"statusCode\":200,\"apiCode\":\"0\",\"data\":[]}"),
    G("apiCode array", "{\"statusCode\":200,\"apiCode\":[0],\"data\":[]}"),
    G("nesting 17", "{\"statusCode\":200,\"data\":" "[[[[[[[[[[[[[[[[" "]]]]]]]]]]]]]]]]" "}"),
};

#define N_GARBAGE (sizeof garbage / sizeof garbage[0])

/* Every garbage body, through every parser, under HTTP 200 (bad answer)
 * and HTTP 500 / 0 (HTTP error without an envelope). */
START_TEST(test_garbage_every_parser)
{
    const garbage_t *g = &garbage[(size_t)_i / P_COUNT];
    parser_t p = (parser_t)(_i % P_COUNT);
    static const long https[] = {200, 500, 0, 302, 404};
    size_t len = g->len;
    result_t r;

    for (size_t k = 0; k < sizeof https / sizeof https[0]; k++) {
        run(p, g->body, len, https[k], 9, &r);
        ck_assert_msg(r.st == GA_ERR_UNAVAIL, "%s via %s: %s", g->name, parser_names[p],
                      ga_status_name(r.st));
        ck_assert_msg(r.err.reason == (https[k] >= 400 || https[k] == 0 ? GA_REASON_HTTP
                                                                         : GA_REASON_BAD_ANSWER),
                      "%s via %s HTTP %ld: reason %s", g->name, parser_names[p], https[k],
                      ga_reason_name(r.err.reason));
        ck_assert_int_eq(r.err.http_status, https[k]);
        ck_assert_int_eq(r.err.status_code, 0);
        ck_assert_int_eq(r.err.api_code, 0);
        ck_assert_str_eq(r.err.message, "");
        ck_assert_str_eq(r.err.message_utf8, "");
        ck_assert_int_eq(r.err.retry_after_s, p == P_SEND || p == P_ENROLL ? 9 : -1);
        ck_assert_ptr_null(r.signin.access_token);
        ck_assert_ptr_null(r.token);
        ck_assert_uint_eq(r.list.n, 0);
        result_free(&r);
    }
}
END_TEST

/* The NULL body is refused like an empty one. */
START_TEST(test_null_body)
{
    result_t r;

    for (int p = 0; p < P_COUNT; p++) {
        run((parser_t)p, NULL, 10, 200, -1, &r);
        ck_assert_int_eq(r.st, GA_ERR_UNAVAIL);
        ck_assert_int_eq(r.err.reason, GA_REASON_BAD_ANSWER);
        result_free(&r);
    }
}
END_TEST

/* ------------------------------------------------------- built bodies */

/* body = prefix + n x fill + suffix, NUL-terminated (caller frees). */
static char *build(const char *prefix, char fill, size_t n, const char *suffix, size_t *len)
{
    size_t a = strlen(prefix), c = strlen(suffix);
    char *b = malloc(a + n + c + 1);

    ck_assert_ptr_nonnull(b);
    memcpy(b, prefix, a);
    memset(b + a, fill, n);
    memcpy(b + a + n, suffix, c + 1);
    *len = a + n + c;
    return b;
}

START_TEST(test_deep_nesting)
{
    size_t len;
    char *b = build("{\"statusCode\":200,\"data\":", '[', 10000, "", &len);
    result_t r;

    for (int p = 0; p < P_COUNT; p++) {
        run((parser_t)p, b, len, 200, -1, &r);
        ck_assert_int_eq(r.st, GA_ERR_UNAVAIL);
        ck_assert_int_eq(r.err.reason, GA_REASON_BAD_ANSWER);
        result_free(&r);
    }
    free(b);
    /* depth 16 (the root object and 15 arrays) is accepted, 17 is not */
    for (size_t depth = 15; depth <= 17; depth++) {
        char buf[128];
        size_t n = (size_t)snprintf(buf, sizeof buf, "{\"statusCode\":200,\"data\":[],\"x\":");
        for (size_t i = 1; i < depth; i++)
            buf[n++] = '[';
        for (size_t i = 1; i < depth; i++)
            buf[n++] = ']';
        buf[n++] = '}';
        run(P_LIST, buf, n, 200, -1, &r);
        ck_assert_int_eq(r.st, depth <= GA_JSON_DEPTH_MAX ? GA_OK : GA_ERR_UNAVAIL);
        result_free(&r);
    }
}
END_TEST

/* 2 MB: refused before parsing, even though it is well-formed JSON. */
START_TEST(test_two_megabytes)
{
    size_t len;
    char *b = build("{\"statusCode\":200,\"data\":[],\"pad\":\"", 'x', 2 * 1024 * 1024, "\"}",
                    &len);
    result_t r;

    for (int p = 0; p < P_COUNT; p++) {
        run((parser_t)p, b, len, 200, -1, &r);
        ck_assert_int_eq(r.st, GA_ERR_UNAVAIL);
        ck_assert_int_eq(r.err.reason, GA_REASON_BAD_ANSWER);
        ck_assert_int_eq(r.err.status_code, 0);
        result_free(&r);
    }
    free(b);
    /* just under the cap is parsed */
    b = build("{\"statusCode\":200,\"data\":[],\"pad\":\"", 'x', GA_HTTP_BODY_MAX - 64, "\"}",
              &len);
    ck_assert_uint_le(len, GA_HTTP_BODY_MAX);
    run(P_LIST, b, len, 200, -1, &r);
    ck_assert_int_eq(r.st, GA_OK);
    free(b);
}
END_TEST

START_TEST(test_html_500)
{
    static const char page[] = "<!DOCTYPE html><html><head><title>500 Internal Server Error"
                               "</title></head><body><h1>Oops</h1></body></html>\n";
    result_t r;

    for (int p = 0; p < P_COUNT; p++) {
        run((parser_t)p, page, sizeof page - 1, 500, -1, &r);
        ck_assert_int_eq(r.st, GA_ERR_UNAVAIL);
        ck_assert_int_eq(r.err.reason, GA_REASON_HTTP);
        ck_assert_int_eq(r.err.http_status, 500);
        ck_assert_int_eq(r.err.status_code, 0);
        ck_assert_str_eq(r.err.message, "");
        result_free(&r);
        /* the same page under HTTP 200 is a bad answer */
        run((parser_t)p, page, sizeof page - 1, 200, -1, &r);
        ck_assert_int_eq(r.err.reason, GA_REASON_BAD_ANSWER);
        result_free(&r);
    }
}
END_TEST

START_TEST(test_long_message)
{
    size_t len;
    char *b = build("{\"statusCode\":403,\"apiCode\":2333,\"message\":\"", 'm', 5000, "\"}", &len);
    result_t r;

    run(P_SIGNIN, b, len, 200, -1, &r);
    ck_assert_int_eq(r.st, GA_ERR_AUTH);
    ck_assert_uint_eq(strlen(r.err.message), GA_MESSAGE_MAX - 1);
    ck_assert_str_eq(r.err.message + GA_MESSAGE_MAX - 4, "...");
    ck_assert_int_eq(r.err.message[0], 'm');
    free(b);
}
END_TEST

/* The message for the user in zh-CN (message_utf8) next to the logged one
 * (message), from the same answer. */
static const struct {
    const char *name;
    const char *body;
    const char *message;
    const char *message_utf8;
} utf8_rows[] = {
    {"Chinese kept", "{\"statusCode\":400,\"message\":\"\xe5\xba\x94\xe7\x94\xa8\xe6\x9c\xaa"
                     "\xe5\xbc\x80\xe5\x90\xaf\"}",
     "?", "\xe5\xba\x94\xe7\x94\xa8\xe6\x9c\xaa\xe5\xbc\x80\xe5\x90\xaf"},
    {"Chinese, phone and email masked",
     "{\"statusCode\":400,\"message\":\"\xe6\x89\x8b\xe6\x9c\xba\xe5\x8f\xb7 18812345678 "
     "\xe6\x88\x96 alice@example.com \xe5\xb7\xb2\xe7\xbb\x91\xe5\xae\x9a\"}",
     "? 188******78 ? a***@example.com ?",
     "\xe6\x89\x8b\xe6\x9c\xba\xe5\x8f\xb7 188******78 \xe6\x88\x96 a***@example.com "
     "\xe5\xb7\xb2\xe7\xbb\x91\xe5\xae\x9a"},
    {"bidi controls escaped in JSON",
     "{\"statusCode\":400,\"message\":\"\xe9\x94\x99\\u202e\xe8\xaf\xaf ok\\u2066x\"}",
     "? ok?x", "? ok?x"},
    {"BOM and line separator", "{\"statusCode\":400,\"message\":\"\\ufeffa\\u2028b\"}",
     "?a?b", "?a?b"},
    {"C1 control", "{\"statusCode\":400,\"message\":\"a\\u009b31m\"}", "a?31m", "a?31m"},
    {"fullwidth digits", "{\"statusCode\":400,\"message\":\"\\uff11\\uff18\\uff18 x\"}",
     "? x", "? x"},
    {"no message", "{\"statusCode\":400}", "", ""},
};

START_TEST(test_message_utf8_rows)
{
    result_t r;
    const char *b = utf8_rows[_i].body;

    run(P_SEND, b, strlen(b), 400, -1, &r);
    ck_assert_msg(strcmp(r.err.message, utf8_rows[_i].message) == 0, "%s: %s",
                  utf8_rows[_i].name, r.err.message);
    ck_assert_msg(strcmp(r.err.message_utf8, utf8_rows[_i].message_utf8) == 0, "%s: %s",
                  utf8_rows[_i].name, r.err.message_utf8);
    result_free(&r);
}
END_TEST

/* A long Chinese message: both fields bounded, message_utf8 cut between
 * characters. */
START_TEST(test_long_message_utf8)
{
    char body[4096] = "{\"statusCode\":403,\"apiCode\":2333,\"message\":\"";
    result_t r;
    size_t n;

    for (int i = 0; i < 300; i++)
        strcat(body, "\xe4\xb8\xad");
    strcat(body, "\"}");
    run(P_SIGNIN, body, strlen(body), 200, -1, &r);
    ck_assert_int_eq(r.st, GA_ERR_AUTH);
    ck_assert_str_eq(r.err.message, "?");
    n = strlen(r.err.message_utf8);
    ck_assert_uint_lt(n, GA_MESSAGE_MAX);
    ck_assert_uint_ge(n, GA_MESSAGE_MAX - 4);
    ck_assert(ga_utf8_valid(r.err.message_utf8, n));
    ck_assert_str_eq(r.err.message_utf8 + n - 3, "...");
    ck_assert_int_eq(memcmp(r.err.message_utf8, "\xe4\xb8\xad\xe4\xb8\xad", 6), 0);
    result_free(&r);
}
END_TEST

/* ---------------------------------------------------------- signin values */

START_TEST(test_signin_values)
{
    static const struct {
        const char *body;
        const char *token;
        long expires;
    } v[] = {
        {"{\"statusCode\":200,\"data\":{\"access_token\":\"eyJ.a.b\",\"expire_in\":7200}}",
         "eyJ.a.b", 7200},
        {"{\"statusCode\":200,\"data\":{\"access_token\":\"t2\",\"expires_in\":1209600}}", "t2",
         1209600},
        {"{\"statusCode\":200,\"data\":{\"access_token\":\"t3\"}}", "t3", -1},
        {"{\"statusCode\":200,\"data\":{\"access_token\":\"t4\",\"expire_in\":\"7200\"}}", "t4",
         -1},
        {"{\"statusCode\":200,\"data\":{\"access_token\":\"t5\",\"expire_in\":7200.5}}", "t5", -1},
        {"{\"statusCode\":200,\"data\":{\"access_token\":\"t6\",\"expire_in\":-5}}", "t6", -1},
        {"{\"statusCode\":200,\"data\":{\"access_token\":\"t7\",\"expire_in\":null,"
         "\"expires_in\":60}}",
         "t7", 60},
        {"{\"statusCode\":200,\"data\":{\"access_token\":\"t8\",\"expire_in\":1e99}}", "t8", -1},
        {"{\"statusCode\":200,\"data\":{\"access_token\":\"t9\",\"expire_in\":"
         "99999999999999999999}}",
         "t9", -1},
    };
    result_t r;

    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        run(P_SIGNIN, v[i].body, strlen(v[i].body), 200, -1, &r);
        ck_assert_int_eq(r.st, GA_OK);
        ck_assert_str_eq(r.signin.access_token, v[i].token);
        ck_assert_int_eq(r.signin.expires_in, v[i].expires);
        ck_assert_ptr_null(r.signin.mfa.mfa_token);
        result_free(&r);
        ck_assert_ptr_null(r.signin.access_token);
        ck_assert_int_eq(r.signin.expires_in, -1);
    }
}
END_TEST

START_TEST(test_signin_mfa_token)
{
    static const char b[] = "{\"statusCode\":200,\"apiCode\":1635,\"data\":{\"mfaToken\":"
                            "\"mfa.jwt.x\"}}";
    static const char b2[] = "{\"statusCode\":200,\"apiCode\":1636,\"data\":{\"access_token\":"
                             "\"t\"}}";
    result_t r;

    run(P_SIGNIN, b, sizeof b - 1, 200, -1, &r);
    ck_assert_int_eq(r.st, GA_ENROLLED);
    ck_assert_str_eq(r.signin.mfa.mfa_token, "mfa.jwt.x");
    ck_assert_ptr_null(r.signin.access_token);
    result_free(&r);
    run(P_SIGNIN, b2, sizeof b2 - 1, 200, -1, &r);
    ck_assert_int_eq(r.st, GA_ENROLLED);
    ck_assert_ptr_null(r.signin.mfa.mfa_token);
    ck_assert_ptr_null(r.signin.access_token);
    result_free(&r);
}
END_TEST

START_TEST(test_token_length)
{
    size_t len;
    char *b = build("{\"statusCode\":200,\"data\":{\"access_token\":\"", 'a', GA_TOKEN_MAX, "\"}}",
                    &len);
    result_t r;

    run(P_SIGNIN, b, len, 200, -1, &r);
    ck_assert_int_eq(r.st, GA_OK);
    ck_assert_uint_eq(strlen(r.signin.access_token), GA_TOKEN_MAX);
    result_free(&r);
    free(b);
    b = build("{\"statusCode\":200,\"data\":{\"access_token\":\"", 'a', GA_TOKEN_MAX + 1, "\"}}",
              &len);
    run(P_SIGNIN, b, len, 200, -1, &r);
    ck_assert_int_eq(r.st, GA_ERR_UNAVAIL);
    ck_assert_int_eq(r.err.reason, GA_REASON_BAD_ANSWER);
    result_free(&r);
    free(b);
    b = build("{\"statusCode\":200,\"data\":{\"enrollmentToken\":\"", 'e', GA_TOKEN_MAX + 1,
              "\"}}", &len);
    run(P_SEND, b, len, 200, -1, &r);
    ck_assert_int_eq(r.st, GA_ERR_UNAVAIL);
    ck_assert_ptr_null(r.token);
    result_free(&r);
    free(b);
}
END_TEST

/* ------------------------------------------------------------ list values */

START_TEST(test_list_values)
{
    static const char b[] =
        "{\"statusCode\":200,\"data\":[{\"factorId\":\"f1\",\"factorType\":\"SMS\",\"profile\":"
        "{\"phoneNumber\":\"18812345678\",\"phoneCountryCode\":\"+86\"}},{\"factorType\":"
        "\"email\",\"profile\":{\"email\":\"a@example.com\"}},{\"factorType\":\"OTP\"},"
        "{\"factorType\":\"FACE\"},{\"factorType\":\"WEBAUTHN\"},{\"factorType\":"
        "\"ABCDEFGHIJKLMNO\"}]}";
    static const struct {
        ga_factor_t type;
        const char *name;
    } want[] = {{GA_FACTOR_SMS, "SMS"},         {GA_FACTOR_EMAIL, "email"},
                {GA_FACTOR_OTP, "OTP"},         {GA_FACTOR_FACE, "FACE"},
                {GA_FACTOR_UNKNOWN, "WEBAUTHN"}, {GA_FACTOR_UNKNOWN, "ABCDEFGHIJKLMNO"}};
    result_t r;

    run(P_LIST, b, sizeof b - 1, 200, -1, &r);
    ck_assert_int_eq(r.st, GA_OK);
    ck_assert_int_eq(r.err.reason, GA_REASON_NONE);
    ck_assert_uint_eq(r.list.n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < r.list.n; i++) {
        ck_assert_int_eq(r.list.items[i].type, want[i].type);
        ck_assert_str_eq(r.list.items[i].type_name, want[i].name);
    }
}
END_TEST

/* n entries of {"factorType":"SMS"}: 32 pass, 33 and 40 do not. */
static char *list_of(size_t n, size_t *len)
{
    static const char item[] = "{\"factorType\":\"SMS\"}";
    size_t cap = 64 + n * sizeof item, off;
    char *b = malloc(cap);

    ck_assert_ptr_nonnull(b);
    off = (size_t)snprintf(b, cap, "{\"statusCode\":200,\"data\":[");
    for (size_t i = 0; i < n; i++)
        off += (size_t)snprintf(b + off, cap - off, "%s%s", i ? "," : "", item);
    off += (size_t)snprintf(b + off, cap - off, "]}");
    *len = off;
    return b;
}

START_TEST(test_list_sizes)
{
    static const struct {
        size_t n;
        ga_status_t st;
    } v[] = {{0, GA_OK}, {1, GA_OK}, {31, GA_OK}, {32, GA_OK}, {33, GA_ERR_UNAVAIL},
             {40, GA_ERR_UNAVAIL}};
    result_t r;
    size_t len;

    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char *b = list_of(v[i].n, &len);
        run(P_LIST, b, len, 200, -1, &r);
        ck_assert_int_eq(r.st, v[i].st);
        ck_assert_uint_eq(r.list.n, v[i].st == GA_OK ? v[i].n : 0);
        if (v[i].st != GA_OK)
            ck_assert_int_eq(r.err.reason, GA_REASON_BAD_ANSWER);
        else if (v[i].n)
            ck_assert_int_eq(r.list.items[v[i].n - 1].type, GA_FACTOR_SMS);
        free(b);
    }
}
END_TEST

/* ------------------------------------------------------------ send values */

START_TEST(test_send_token)
{
    static const char b[] = "{\"statusCode\":200,\"data\":{\"enrollmentToken\":\"et.abc-123_X\"}}";
    result_t r;

    run(P_SEND, b, sizeof b - 1, 200, 42, &r);
    ck_assert_int_eq(r.st, GA_OK);
    ck_assert_str_eq(r.token, "et.abc-123_X");
    ck_assert_int_eq(r.err.retry_after_s, 42);
    result_free(&r);
}
END_TEST

/* --------------------------------------------------------- bad arguments */

START_TEST(test_null_outputs)
{
    static const char b[] = "{\"statusCode\":200,\"data\":[]}";
    ga_api_error_t err;

    memset(&err, 0x55, sizeof err);
    ck_assert_int_eq(ga_parse_signin(b, sizeof b - 1, 200, NULL, &err), GA_ERR_INTERNAL);
    ck_assert_int_eq(err.status_code, 0);
    ck_assert_int_eq(err.retry_after_s, -1);
    memset(&err, 0x55, sizeof err);
    ck_assert_int_eq(ga_parse_factor_list(b, sizeof b - 1, 200, NULL, &err), GA_ERR_INTERNAL);
    ck_assert_int_eq(err.reason, GA_REASON_NONE);
    memset(&err, 0x55, sizeof err);
    ck_assert_int_eq(ga_parse_send_enroll(b, sizeof b - 1, 200, -1, NULL, &err), GA_ERR_INTERNAL);
    ck_assert_str_eq(err.message, "");
    ck_assert_int_eq(ga_parse_enroll_factor(b, sizeof b - 1, 200, -1, NULL), GA_ERR_INTERNAL);
    ck_assert_int_eq(ga_parse_signin(b, sizeof b - 1, 200, NULL, NULL), GA_ERR_INTERNAL);
    ga_signin_clear(NULL);
}
END_TEST

static Suite *response_suite(void)
{
    Suite *s = suite_create("response");
    TCase *tc;

    tc = tcase_create("signin");
    tcase_add_loop_test(tc, test_signin_table, 0, sizeof signin_cases / sizeof signin_cases[0]);
    tcase_add_test(tc, test_signin_values);
    tcase_add_test(tc, test_signin_mfa_token);
    tcase_add_test(tc, test_token_length);
    suite_add_tcase(s, tc);

    tc = tcase_create("factor_list");
    tcase_add_loop_test(tc, test_list_table, 0, sizeof list_cases / sizeof list_cases[0]);
    tcase_add_test(tc, test_list_values);
    tcase_add_test(tc, test_list_sizes);
    suite_add_tcase(s, tc);

    tc = tcase_create("send_enroll");
    tcase_add_loop_test(tc, test_send_table, 0, sizeof send_cases / sizeof send_cases[0]);
    tcase_add_test(tc, test_send_token);
    suite_add_tcase(s, tc);

    tc = tcase_create("enroll_factor");
    tcase_add_loop_test(tc, test_enroll_table, 0, sizeof enroll_cases / sizeof enroll_cases[0]);
    suite_add_tcase(s, tc);

    tc = tcase_create("hostile");
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, test_garbage_every_parser, 0, (int)(N_GARBAGE * P_COUNT));
    tcase_add_test(tc, test_null_body);
    tcase_add_test(tc, test_deep_nesting);
    tcase_add_test(tc, test_two_megabytes);
    tcase_add_test(tc, test_html_500);
    tcase_add_test(tc, test_long_message);
    tcase_add_test(tc, test_long_message_utf8);
    tcase_add_loop_test(tc, test_message_utf8_rows, 0,
                        sizeof utf8_rows / sizeof utf8_rows[0]);
    tcase_add_test(tc, test_null_outputs);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(response_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
