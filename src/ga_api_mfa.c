/* ga_api_mfa.c - the issue-4 calls of ga_api_ops_t (see ga_api.h): OTP
 * enrollment, TOTP verification, Management API trigger data, MFA code
 * send and V2 verify.
 *
 * Sends and verifications go on a fresh connection and are never retried
 * (neither by libcurl nor here): a code is never sent twice and a wrong
 * code never counted twice. The Management API token comes from the
 * per-process cache (ga_mgmt.h). Nothing secret is logged: no token,
 * secret, code or recovery code; targets only masked; the trigger-data
 * query (it holds the user's identifier) is left out of debug lines.
 */
#include "config.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ga_api.h"
#include "ga_api_body.h"
#include "ga_api_int.h"
#include "ga_mgmt.h"
#include "ga_secret.h"
#include "ga_text.h"

#define PATH_SEND_ENROLL "/api/v3/send-enroll-factor-request"
#define PATH_TOTP_VERIFY "/api/v3/mfa-totp-verify"
#define PATH_MGMT_TOKEN "/api/v3/get-management-token"
#define PATH_TRIGGER "/api/v3/get-mfa-trigger-data"
#define PATH_SEND_SMS "/api/v3/send-sms"
#define PATH_SEND_EMAIL "/api/v3/send-email"
#define PATH_V2_SMS "/api/v2/applications/mfa/sms/verify"
#define PATH_V2_EMAIL "/api/v2/applications/mfa/email/verify"
#define PATH_V2_TOTP "/api/v2/mfa/totp/verify"
#define PATH_V2_RECOVERY "/api/v2/mfa/totp/recovery"

/* ------------------------------------------------------- one-shot POSTs */

/* POST body on a fresh connection, once, and classify the answer with the
 * parser for the call: the shape shared by the sends and verifications. */
static ga_status_t post_once(ga_client_t *c, const char *path, const char *token,
                             const char *body, ga_classify_fn classify, void *out,
                             ga_api_error_t *err)
{
    ga_call_t k = {.method = "POST", .path = path, .token = token, .body = body, .once = 1};

    return ga_api_call(c, &k, classify, NULL, out, err);
}

static ga_status_t classify_totp(const ga_http_response_t *r, void *out, ga_api_error_t *err)
{
    (void)out;
    return ga_parse_totp_verify(r->body, r->len, r->http_status, r->retry_after_s, err);
}

static ga_status_t classify_send(const ga_http_response_t *r, void *out, ga_api_error_t *err)
{
    (void)out;
    return ga_parse_send_code(r->body, r->len, r->http_status, r->retry_after_s, err);
}

/* out: char ** for the new recovery code, or NULL */
static ga_status_t classify_v2(const ga_http_response_t *r, void *out, ga_api_error_t *err)
{
    return ga_parse_v2_verify(r->body, r->len, r->http_status, r->retry_after_s, out, err);
}

typedef struct otp_out {
    char **token;
    ga_otp_data_t *otp;
} otp_out_t;

static ga_status_t classify_otp(const ga_http_response_t *r, void *out, ga_api_error_t *err)
{
    otp_out_t *o = out;

    return ga_parse_send_enroll_otp(r->body, r->len, r->http_status, r->retry_after_s, o->token,
                                    o->otp, err);
}

/* -------------------------------------------------- user-token calls (V3) */

static ga_status_t op_send_enroll_otp(void *ctx, const char *access_token,
                                      char **enrollment_token, ga_otp_data_t *otp,
                                      ga_api_error_t *err)
{
    ga_client_t *c = ctx;
    otp_out_t o = {enrollment_token, otp};
    char *body = NULL;
    ga_status_t st = GA_ERR_INTERNAL;

    if (!err)
        return GA_ERR_INTERNAL;
    ga_api_reset_err(err);
    if (!c || !enrollment_token || !otp)
        goto out;
    *enrollment_token = NULL;
    memset(otp, 0, sizeof *otp);
    if (!ga_api_token_ok(access_token) || (st = ga_api_build_send_enroll_otp(&body)) != GA_OK)
        goto out;
    st = post_once(c, PATH_SEND_ENROLL, access_token, body, classify_otp, &o, err);
out:
    ga_free_secret(body);
    return st;
}

static ga_status_t op_totp_verify(void *ctx, const char *access_token, const char *code,
                                  ga_api_error_t *err)
{
    ga_client_t *c = ctx;
    char *body = NULL;
    ga_status_t st = GA_ERR_INTERNAL;

    if (!err)
        return GA_ERR_INTERNAL;
    ga_api_reset_err(err);
    if (!c || !ga_api_token_ok(access_token) || (st = ga_api_build_totp(code, &body)) != GA_OK)
        goto out;
    st = post_once(c, PATH_TOTP_VERIFY, access_token, body, classify_totp, NULL, err);
out:
    ga_free_secret(body);
    return st;
}

/* ------------------------------------------------------ Management API */

static int has_mgmt(const ga_client_t *c)
{
    return c->mgmt_http && ga_config_has_mgmt(c->cfg);
}

typedef struct mgmt_token_out {
    char **token;
    long *expires_in;
} mgmt_token_out_t;

static ga_status_t classify_mgmt_token(const ga_http_response_t *r, void *out,
                                       ga_api_error_t *err)
{
    mgmt_token_out_t *o = out;

    return ga_parse_mgmt_token(r->body, r->len, r->http_status, o->token, o->expires_in, err);
}

/* POST get-management-token, throttling retried (the call is idempotent).
 * GA_OK with *token (secret) and *expires_in. */
static ga_status_t fetch_mgmt_token(ga_client_t *c, char **token, long *expires_in,
                                    ga_api_error_t *err)
{
    ga_call_t k = {.method = "POST", .path = PATH_MGMT_TOKEN, .mgmt = 1};
    mgmt_token_out_t o = {token, expires_in};
    char *body = NULL;
    ga_status_t st;

    if ((st = ga_api_build_mgmt_token(c->cfg->userpool_id, c->cfg->userpool_secret, &body))
        == GA_OK) {
        k.body = body;
        st = ga_api_call(c, &k, classify_mgmt_token, NULL, &o, err);
    }
    ga_free_secret(body);
    return st;
}

/* A management token: the cached one, else a new one (then cached).
 * *fresh says which. */
static ga_status_t mgmt_token(ga_client_t *c, char **token, int *fresh, ga_api_error_t *err)
{
    const ga_config_t *cfg = c->cfg;
    long expires_in = 0;
    ga_status_t st;

    *fresh = 0;
    st = ga_mgmt_cache_get(cfg->mgmt_host, cfg->userpool_id, cfg->userpool_secret, token);
    if (st != GA_ERR_NOT_FOUND)
        return st;
    if ((st = fetch_mgmt_token(c, token, &expires_in, err)) != GA_OK)
        return st;
    *fresh = 1;
    /* a token that cannot be cached still serves this call */
    /* the fetched token serves this login either way; say when it could
     * not be kept, or a host would fetch one per login without a trace */
    if (ga_mgmt_cache_put(cfg->mgmt_host, cfg->userpool_id, cfg->userpool_secret, *token,
                          expires_in) != GA_OK)
        ga_log(c->lg, LOG_WARNING, "management token fetched but not cached (out of memory); "
               "the next login fetches another");
    ga_log(c->lg, LOG_DEBUG, "management token fetched, valid for %ld s", expires_in);
    return GA_OK;
}

static int user_id_type_ok(const char *t)
{
    static const char *const types[] = {"username", "user_id", "email", "phone",
                                        "external_id"};

    for (size_t i = 0; t && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(t, types[i]) == 0)
            return 1;
    return 0;
}

/* path?name=value&... with every value URL-encoded by libcurl (curl_url,
 * CURLU_URLENCODE). pairs: names and values, NULL-terminated. *out: new
 * string (it holds user data: caller wipes and frees). */
static ga_status_t query_path(const char *path, const char *const *pairs, char **out)
{
    CURLU *u = curl_url();
    char *item = NULL, *p = NULL, *q = NULL;
    ga_status_t st = GA_ERR_NOMEM;
    size_t n;

    *out = NULL;
    if (!u)
        goto out;
    st = GA_ERR_INTERNAL;
    if (curl_url_set(u, CURLUPART_URL, "https://localhost", 0) != CURLUE_OK
        || curl_url_set(u, CURLUPART_PATH, path, 0) != CURLUE_OK)
        goto out;
    for (size_t i = 0; pairs[i] && pairs[i + 1]; i += 2) {
        n = strlen(pairs[i]) + strlen(pairs[i + 1]) + 2;
        ga_free_secret(item);
        if (!(item = malloc(n))) {
            st = GA_ERR_NOMEM;
            goto out;
        }
        (void)snprintf(item, n, "%s=%s", pairs[i], pairs[i + 1]);
        /* the part after the first '=' is encoded ('&', '=', '+', ' ', UTF-8) */
        if (curl_url_set(u, CURLUPART_QUERY, item, CURLU_APPENDQUERY | CURLU_URLENCODE)
            != CURLUE_OK)
            goto out;
    }
    if (curl_url_get(u, CURLUPART_PATH, &p, 0) != CURLUE_OK
        || curl_url_get(u, CURLUPART_QUERY, &q, 0) != CURLUE_OK)
        goto out;
    n = strlen(p) + strlen(q) + 2;
    if (!(*out = malloc(n))) {
        st = GA_ERR_NOMEM;
        goto out;
    }
    (void)snprintf(*out, n, "%s?%s", p, q);
    st = GA_OK;
out:
    ga_free_secret(item);
    if (q)
        ga_wipe(q, strlen(q));
    curl_free(p);
    curl_free(q);
    curl_url_cleanup(u); /* frees libcurl's copies; they held the same user data */
    return st;
}

typedef struct trigger_out {
    ga_mfa_trigger_t *trig;
    long http_status; /* of the last answer; 0 before any */
} trigger_out_t;

static ga_status_t classify_trigger(const ga_http_response_t *r, void *out,
                                    ga_api_error_t *err)
{
    trigger_out_t *o = out;
    o->http_status = r->http_status;
    return ga_parse_mfa_trigger(r->body, r->len, r->http_status, o->trig, err);
}

/* One GET get-mfa-trigger-data with token, throttling retried. */
static ga_status_t get_trigger(ga_client_t *c, const char *path, const char *token,
                               ga_mfa_trigger_t *out, ga_api_error_t *err, long *http_status)
{
    ga_call_t k = {.method = "GET", .path = path, .log_path = PATH_TRIGGER, .token = token,
                   .mgmt = 1};
    trigger_out_t o = {out, 0};
    ga_status_t st = ga_api_call(c, &k, classify_trigger, NULL, &o, err);

    *http_status = o.http_status;
    return st;
}

static ga_status_t op_mfa_trigger(void *ctx, const char *user_id, const char *user_id_type,
                                  ga_mfa_trigger_t *out, ga_api_error_t *err)
{
    ga_client_t *c = ctx;
    char *path = NULL, *token = NULL;
    const char *pairs[7];
    ga_status_t st = GA_ERR_INTERNAL;
    long http = 0;
    int fresh = 0;

    if (!err)
        return GA_ERR_INTERNAL;
    ga_api_reset_err(err);
    if (!c || !out)
        goto out;
    memset(out, 0, sizeof *out);
    if (!ga_api_text_ok(user_id, GA_ARG_MAX) || !ga_utf8_valid(user_id, strlen(user_id))
        || !user_id_type_ok(user_id_type))
        goto out;
    if (!has_mgmt(c)) {
        st = GA_ERR_CONFIG; /* no userpool_id/userpool_secret: nothing is sent */
        goto out;
    }
    pairs[0] = "appId", pairs[1] = c->cfg->app_id;
    pairs[2] = "userId", pairs[3] = user_id;
    pairs[4] = "userIdType", pairs[5] = user_id_type;
    pairs[6] = NULL;
    if ((st = query_path(PATH_TRIGGER, pairs, &path)) != GA_OK)
        goto out;
    for (int attempt = 0; attempt < 2; attempt++) {
        if ((st = mgmt_token(c, &token, &fresh, err)) != GA_OK) {
            err->call = "get-management-token";
            goto out;
        }
        st = get_trigger(c, path, token, out, err, &http);
        /* a refused token (expired early, revoked): drop it, once more */
        if (attempt > 0 || (err->status_code != 401 && http != 401))
            break;
        ga_mgmt_cache_drop(c->cfg->mgmt_host, c->cfg->userpool_id, c->cfg->userpool_secret,
                           token);
        ga_log(c->lg, LOG_DEBUG, "GET %s: management token refused (%s token), fetching a "
               "new one", PATH_TRIGGER, fresh ? "new" : "cached");
        ga_free_secret(token);
        token = NULL;
        ga_mfa_trigger_clear(out);
        ga_api_reset_err(err);
    }
out:
    ga_free_secret(token);
    ga_free_secret(path);
    return st;
}

/* ------------------------------------------------- MFA codes (send, V2) */

/* The masked target for a debug line. */
static void masked_target(ga_factor_t type, const ga_mfa_trigger_t *t, char *buf, size_t n)
{
    if (type == GA_FACTOR_SMS)
        (void)ga_mask_phone(t->phone_cc, t->phone, buf, n);
    else
        (void)ga_mask_email(t->email_addr, buf, n);
}

static ga_status_t op_send_mfa_code(void *ctx, ga_factor_t type, const ga_mfa_trigger_t *t,
                                    ga_api_error_t *err)
{
    ga_client_t *c = ctx;
    char *body = NULL, shown[GA_MASKED_MAX];
    ga_status_t st = GA_ERR_INTERNAL;

    if (!err)
        return GA_ERR_INTERNAL;
    ga_api_reset_err(err);
    if (!c || (st = ga_api_build_send_code(type, t, &body)) != GA_OK)
        goto out;
    masked_target(type, t, shown, sizeof shown);
    ga_log(c->lg, LOG_DEBUG, "sending an MFA code by %s to %s", ga_factor_name(type), shown);
    st = post_once(c, type == GA_FACTOR_SMS ? PATH_SEND_SMS : PATH_SEND_EMAIL, NULL, body,
                   classify_send, NULL, err);
out:
    ga_free_secret(body);
    return st;
}

static ga_status_t op_verify_mfa_code(void *ctx, const char *mfa_token, ga_factor_t type,
                                      const ga_mfa_trigger_t *t, const char *code,
                                      ga_api_error_t *err)
{
    ga_client_t *c = ctx;
    char *body = NULL;
    const char *path;
    ga_status_t st = GA_ERR_INTERNAL;

    if (!err)
        return GA_ERR_INTERNAL;
    ga_api_reset_err(err);
    if (!c || !ga_api_token_ok(mfa_token))
        goto out;
    if (type == GA_FACTOR_OTP) {
        path = PATH_V2_TOTP;
        st = ga_api_build_totp(code, &body);
    } else {
        path = type == GA_FACTOR_SMS ? PATH_V2_SMS : PATH_V2_EMAIL;
        st = ga_api_build_verify_code(type, t, code, &body);
    }
    if (st != GA_OK)
        goto out;
    st = post_once(c, path, mfa_token, body, classify_v2, NULL, err);
out:
    ga_free_secret(body);
    return st;
}

static ga_status_t op_totp_recovery(void *ctx, const char *mfa_token,
                                    const char *recovery_code, char **new_recovery_code,
                                    ga_api_error_t *err)
{
    ga_client_t *c = ctx;
    char *body = NULL;
    ga_status_t st = GA_ERR_INTERNAL;

    if (!err)
        return GA_ERR_INTERNAL;
    ga_api_reset_err(err);
    if (new_recovery_code)
        *new_recovery_code = NULL;
    if (!c || !new_recovery_code || !ga_api_token_ok(mfa_token)
        || (st = ga_api_build_recovery(recovery_code, &body)) != GA_OK)
        goto out;
    st = post_once(c, PATH_V2_RECOVERY, mfa_token, body, classify_v2, new_recovery_code, err);
out:
    ga_free_secret(body);
    return st;
}

void ga_api_mfa_ops(ga_api_ops_t *ops)
{
    ops->send_enroll_otp = op_send_enroll_otp;
    ops->totp_verify = op_totp_verify;
    ops->mfa_trigger = op_mfa_trigger;
    ops->send_mfa_code = op_send_mfa_code;
    ops->verify_mfa_code = op_verify_mfa_code;
    ops->totp_recovery = op_totp_recovery;
}
