/* ga_response_mfa.c - parsers of the MFA verification, OTP enrollment and
 * Management API answers (genauth-api.md sections 4-6), on the strict
 * envelope machinery of ga_response.c (ga_response_int.h). Contact data
 * from the server is validated with the rules for user input
 * (ga_validate.h); secrets are copied out and wiped on every error path.
 */
#include "config.h"

#include "ga_response.h"

#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ga_response_int.h"
#include "ga_secret.h"
#include "ga_validate.h"

#define QR_URI_MAX 2048       /* otpData.qrCodeUri, bytes */
#define MGMT_LIFETIME 7200L   /* expires_in when absent, seconds */
#define MGMT_LIFETIME_MIN 60L
#define MGMT_LIFETIME_MAX 86400L
#define DEFAULT_CC "+86"      /* GenAuth's phoneCountryCode default */

void ga_mfa_trigger_clear(ga_mfa_trigger_t *t)
{
    if (!t)
        return;
    ga_free_secret(t->mfa_token);
    ga_wipe(t, sizeof *t);
}

void ga_otp_data_clear(ga_otp_data_t *d)
{
    if (!d)
        return;
    ga_free_secret(d->qr_uri);
    ga_free_secret(d->recovery_code);
    d->qr_uri = d->recovery_code = NULL;
}

/* A NULL result pointer: err reset, GA_ERR_INTERNAL. */
static ga_status_t null_result(ga_api_error_t *err)
{
    memset(err, 0, sizeof *err);
    err->retry_after_s = -1;
    return GA_ERR_INTERNAL;
}

/* Copy n bytes at s into a new NUL-terminated string; NULL on failure. */
static char *copy_text(const char *s, size_t n)
{
    char *out = malloc(n + 1);

    if (out) {
        memcpy(out, s, n);
        out[n] = '\0';
    }
    return out;
}

/* Every byte printable ASCII (0x20..0x7e)? */
static int printable(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
            return 0;
    return 1;
}

/* ----------------------------------------------------------- contact data */

/* A country code as GenAuth may send it: "+86" or "86" (1-3 digits) into
 * out as "+86". 0 ok, -1 otherwise. */
static int country_code(json_object *v, char out[GA_CC_MAX])
{
    const char *s;
    size_t n, i = 0;

    if (ga_resp_str_value(v, 4, &s, &n) != 1)
        return -1;
    if (s[0] == '+')
        i = 1;
    if (n - i < 1 || n - i > 3)
        return -1;
    for (size_t k = i; k < n; k++)
        if (s[k] < '0' || s[k] > '9')
            return -1;
    out[0] = '+';
    memcpy(out + 1, s + i, n - i);
    out[1 + n - i] = '\0';
    return 0;
}

int ga_resp_phone(json_object *national, json_object *cc, char cc_out[GA_CC_MAX],
                  char national_out[GA_NATIONAL_MAX])
{
    char given[GA_CC_MAX] = "", parsed_cc[GA_CC_MAX], digits[GA_NATIONAL_MAX];
    char input[GA_ANSWER_MAX];
    const char *s;
    size_t n;
    int own, rc = -1;

    cc_out[0] = national_out[0] = '\0';
    if (ga_resp_str_value(national, sizeof input - 1, &s, &n) != 1)
        goto out;
    if (cc && country_code(cc, given) != 0)
        goto out;
    memcpy(input, s, n);
    input[n] = '\0';
    own = input[0] == '+' || (input[0] == '0' && input[1] == '0');
    if (ga_parse_phone(input, given[0] ? given : DEFAULT_CC, parsed_cc, digits, NULL) != GA_OK)
        goto out;
    /* a number with its own country code must agree with the one given */
    if (given[0] && strcmp(given, parsed_cc) != 0)
        goto out;
    if (given[0] || own)
        memcpy(cc_out, parsed_cc, sizeof parsed_cc);
    memcpy(national_out, digits, sizeof digits);
    rc = 0;
out:
    ga_wipe(input, sizeof input);
    ga_wipe(digits, sizeof digits);
    return rc;
}

int ga_resp_email(json_object *email, char out[GA_EMAIL_MAX])
{
    const char *s;
    size_t n;

    out[0] = '\0';
    if (ga_resp_str_value(email, GA_EMAIL_MAX - 1, &s, &n) != 1)
        return -1;
    memcpy(out, s, n);
    out[n] = '\0';
    if (ga_validate_email(out, NULL) != GA_OK) {
        ga_wipe(out, GA_EMAIL_MAX);
        return -1;
    }
    return 0;
}

/* --------------------------------------------------------- trigger data */

/* applicationMfa: absent/null, or an array of at most GA_FACTOR_LIST_MAX
 * objects {mfaPolicy: string, status: int}; status 1 enables the policy's
 * factor (unknown policies such as FACE are ignored). 0 ok, -1 bad. */
static int app_policies(json_object *list, int enabled[GA_FACTOR_MAX])
{
    json_object *item;
    char name[16];
    const char *s;
    size_t n, count;
    long status;
    ga_factor_t f;

    if (!list)
        return 0;
    if (!json_object_is_type(list, json_type_array)
        || (count = json_object_array_length(list)) > GA_FACTOR_LIST_MAX)
        return -1;
    for (size_t i = 0; i < count; i++) {
        item = json_object_array_get_idx(list, i);
        if (!ga_resp_is_object(item)
            || ga_resp_str_value(ga_resp_member(item, "mfaPolicy"), sizeof name - 1, &s, &n) != 1
            || ga_resp_int_member(item, "status", INT32_MIN, INT32_MAX, &status) != 1)
            return -1;
        memcpy(name, s, n);
        name[n] = '\0';
        f = ga_factor_from_name(name);
        if (status == 1 && f > GA_FACTOR_UNKNOWN && f < GA_FACTOR_MAX)
            enabled[f] = 1;
    }
    return 0;
}

ga_status_t ga_resp_trigger(json_object *data, int token_required, ga_mfa_trigger_t *t,
                            ga_api_error_t *err)
{
    int enabled[GA_FACTOR_MAX] = {0};
    json_object *totp;
    ga_status_t st;

    memset(t, 0, sizeof *t);
    if (!ga_resp_is_object(data)) {
        st = ga_resp_bad_answer(err);
        goto out;
    }
    if ((st = ga_resp_take_token(data, "mfaToken", token_required, &t->mfa_token, err)) != GA_OK)
        goto out;
    st = ga_resp_bad_answer(err);
    if (app_policies(ga_resp_member(data, "applicationMfa"), enabled) != 0)
        goto out;
    if ((totp = ga_resp_member(data, "totpMfaEnabled"))) {
        if (!json_object_is_type(totp, json_type_boolean))
            goto out;
        /* the user's own flag wins over the application's policy list:
         * an application may enable OTP for users who never bound it */
        enabled[GA_FACTOR_OTP] = json_object_get_boolean(totp);
    }
    err->reason = GA_REASON_NONE;
    st = GA_OK;
    t->otp = enabled[GA_FACTOR_OTP];
    /* invalid contact data disables its factor, never the answer */
    t->sms = ga_resp_phone(ga_resp_member(data, "mfaPhone"),
                           ga_resp_member(data, "mfaPhoneCountryCode"), t->phone_cc, t->phone)
                     == 0
             && enabled[GA_FACTOR_SMS];
    t->email = ga_resp_email(ga_resp_member(data, "mfaEmail"), t->email_addr) == 0
               && enabled[GA_FACTOR_EMAIL];
out:
    if (st != GA_OK)
        ga_mfa_trigger_clear(t);
    return st;
}

/* ------------------------------------------------------ OTP enrollment */

/* otpData: qrCodeUri required (1..QR_URI_MAX bytes, no control
 * character), recoveryCode optional (1..GA_RECOVERY_MAX printable ASCII). */
static ga_status_t otp_data(json_object *data, ga_otp_data_t *otp, ga_api_error_t *err)
{
    json_object *o = ga_resp_is_object(data) ? ga_resp_member(data, "otpData") : NULL;
    const char *s;
    size_t n;
    int rc;

    if (!ga_resp_is_object(o) || ga_resp_str_value(ga_resp_member(o, "qrCodeUri"), QR_URI_MAX,
                                                   &s, &n) != 1)
        return ga_resp_bad_answer(err);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7f)
            return ga_resp_bad_answer(err);
    if (!(otp->qr_uri = copy_text(s, n)))
        return GA_ERR_NOMEM;
    rc = ga_resp_str_value(ga_resp_member(o, "recoveryCode"), GA_RECOVERY_MAX, &s, &n);
    if (rc < 0 || (rc == 1 && !printable(s, n)))
        return ga_resp_bad_answer(err);
    if (rc == 1 && !(otp->recovery_code = copy_text(s, n)))
        return GA_ERR_NOMEM;
    return GA_OK;
}

ga_status_t ga_parse_send_enroll_otp(const char *body, size_t len, long http_status,
                                     long retry_after_s, char **enrollment_token,
                                     ga_otp_data_t *otp, ga_api_error_t *err)
{
    ga_envelope_t env = {0};
    ga_status_t st;

    if (!err)
        return GA_ERR_INTERNAL;
    if (!enrollment_token || !otp)
        return null_result(err);
    *enrollment_token = NULL;
    memset(otp, 0, sizeof *otp);
    if ((st = ga_resp_open(body, len, http_status, retry_after_s, GA_ENV_V3, &env, err))
        != GA_OK)
        goto out;
    if ((st = ga_resp_send_class(err)) != GA_OK)
        goto out;
    if ((st = ga_resp_take_token(ga_resp_is_object(env.data) ? env.data : NULL,
                                 "enrollmentToken", 1, enrollment_token, err))
        != GA_OK)
        goto out;
    st = otp_data(env.data, otp, err);
out:
    json_object_put(env.root);
    if (st != GA_OK) {
        ga_free_secret(*enrollment_token);
        *enrollment_token = NULL;
        ga_otp_data_clear(otp);
    }
    return st;
}

/* ------------------------------------------------------ TOTP verification */

ga_status_t ga_parse_totp_verify(const char *body, size_t len, long http_status,
                                 long retry_after_s, ga_api_error_t *err)
{
    ga_envelope_t env = {0};
    json_object *verified;
    ga_status_t st;
    long sc, ac;

    if (!err)
        return GA_ERR_INTERNAL;
    if ((st = ga_resp_open(body, len, http_status, retry_after_s, GA_ENV_V3, &env, err))
        != GA_OK)
        goto out;
    sc = err->status_code;
    ac = err->api_code;
    if (sc >= 500)
        st = ga_resp_server_error(err);
    else if (sc == 429)
        st = GA_ERR_THROTTLED;
    else if (ac == 6001 || (ac == 0 && (sc == 400 || sc == 422)))
        st = GA_ERR_WRONG_CODE;
    else if (sc == 200) {
        verified = ga_resp_is_object(env.data) ? ga_resp_member(env.data, "verified") : NULL;
        if (!verified || !json_object_is_type(verified, json_type_boolean))
            st = ga_resp_bad_answer(err);
        else
            st = json_object_get_boolean(verified) ? GA_OK : GA_ERR_WRONG_CODE;
    } else
        st = GA_ERR_REJECTED;
out:
    json_object_put(env.root);
    return st;
}

/* -------------------------------------------------------- Management API */

ga_status_t ga_parse_mgmt_token(const char *body, size_t len, long http_status,
                                char **token, long *expires_in, ga_api_error_t *err)
{
    ga_envelope_t env = {0};
    json_object *life;
    ga_status_t st;
    int64_t secs = MGMT_LIFETIME;
    long sc;

    if (!err)
        return GA_ERR_INTERNAL;
    if (!token || !expires_in)
        return null_result(err);
    *token = NULL;
    *expires_in = 0;
    if ((st = ga_resp_open(body, len, http_status, -1, GA_ENV_V3, &env, err)) != GA_OK)
        goto out;
    sc = err->status_code;
    if (sc == 429) {
        /* a refusal, never the fail mode: sshd fetches a token per connection,
         * so whoever knows a password could otherwise throttle GenAuth into
         * failmode = safe and skip SMS/EMAIL verification */
        st = GA_ERR_THROTTLED;
    } else if (sc == 400 || sc == 401 || sc == 403) {
        err->reason = GA_REASON_POOL_CRED; /* user pool id or secret refused */
        st = GA_ERR_UNAVAIL;
    } else if (sc != 200) {
        st = ga_resp_server_error(err); /* 5xx and every other status */
    } else if (!ga_resp_is_object(env.data)
               || ((life = ga_resp_member(env.data, "expires_in"))
                   && !json_object_is_type(life, json_type_int))) {
        st = ga_resp_bad_answer(err); /* no data object, or a lifetime not an integer */
    } else if ((st = ga_resp_take_token(env.data, "access_token", 1, token, err)) == GA_OK) {
        if (life)
            secs = json_object_get_int64(life);
        *expires_in = secs < MGMT_LIFETIME_MIN   ? MGMT_LIFETIME_MIN
                      : secs > MGMT_LIFETIME_MAX ? MGMT_LIFETIME_MAX
                                                 : (long)secs;
    }
out:
    json_object_put(env.root);
    if (st != GA_OK) {
        ga_free_secret(*token);
        *token = NULL;
        *expires_in = 0;
    }
    return st;
}

ga_status_t ga_parse_mfa_trigger(const char *body, size_t len, long http_status,
                                 ga_mfa_trigger_t *out, ga_api_error_t *err)
{
    ga_envelope_t env = {0};
    ga_status_t st;
    long sc;

    if (!err)
        return GA_ERR_INTERNAL;
    if (!out)
        return null_result(err);
    memset(out, 0, sizeof *out);
    if ((st = ga_resp_open(body, len, http_status, -1, GA_ENV_V3, &env, err)) != GA_OK)
        goto out;
    sc = err->status_code;
    if (sc >= 500) {
        st = ga_resp_server_error(err);
    } else if (sc == 404 || err->api_code == 2004) {
        st = GA_ERR_REJECTED; /* no such user */
    } else if (sc == 400 || sc == 401 || sc == 403) {
        /* the user pool id header or the management token refused */
        err->reason = GA_REASON_POOL_CRED;
        st = GA_ERR_UNAVAIL;
    } else if (sc == 429) {
        st = GA_ERR_THROTTLED;
    } else if (sc != 200) {
        st = ga_resp_unusable_status(err);
    } else {
        st = ga_resp_trigger(env.data, 1, out, err);
    }
out:
    json_object_put(env.root);
    if (st != GA_OK)
        ga_mfa_trigger_clear(out);
    return st;
}

/* ------------------------------------------------ MFA codes (send, V2) */

ga_status_t ga_parse_send_code(const char *body, size_t len, long http_status,
                               long retry_after_s, ga_api_error_t *err)
{
    ga_envelope_t env = {0};
    ga_status_t st;
    long sc;

    if (!err)
        return GA_ERR_INTERNAL;
    if ((st = ga_resp_open(body, len, http_status, retry_after_s, GA_ENV_V3, &env, err))
        != GA_OK)
        goto out;
    sc = err->status_code;
    if (sc >= 500)
        st = ga_resp_server_error(err);
    else if (sc == 429 || sc == 422 || err->api_code == 2080)
        st = GA_ERR_THROTTLED; /* one message per target per minute */
    else
        st = sc == 200 ? GA_OK : GA_ERR_REJECTED;
out:
    json_object_put(env.root);
    return st;
}

static int v2_is(long code, long ac, long want)
{
    return code == want || ac == want;
}

/* The new recovery code of a successful recovery answer, or NULL when
 * absent or malformed (the verification itself succeeded). */
static ga_status_t new_recovery(json_object *data, char **out)
{
    const char *s;
    size_t n;

    if (!ga_resp_is_object(data)
        || ga_resp_str_value(ga_resp_member(data, "recoveryCode"), GA_RECOVERY_MAX, &s, &n) != 1
        || !printable(s, n))
        return GA_OK;
    return (*out = copy_text(s, n)) ? GA_OK : GA_ERR_NOMEM;
}

ga_status_t ga_parse_v2_verify(const char *body, size_t len, long http_status,
                               long retry_after_s, char **new_recovery_code,
                               ga_api_error_t *err)
{
    ga_envelope_t env = {0};
    ga_status_t st;
    long code, ac;

    if (!err)
        return GA_ERR_INTERNAL;
    if (new_recovery_code)
        *new_recovery_code = NULL;
    if ((st = ga_resp_open(body, len, http_status, retry_after_s, GA_ENV_V2, &env, err))
        != GA_OK)
        goto out;
    code = err->status_code;
    ac = err->api_code;
    if (code >= 500 && code <= 599)
        st = ga_resp_server_error(err);
    else if (v2_is(code, ac, 6001) || v2_is(code, ac, 6002) || v2_is(code, ac, 2001))
        st = GA_ERR_WRONG_CODE;
    else if (v2_is(code, ac, 2021) || v2_is(code, ac, 2300))
        st = GA_ERR_EXPIRED; /* mfaToken or code expired */
    else if (code == 429)
        st = GA_ERR_THROTTLED;
    else if (code == 200)
        st = new_recovery_code ? new_recovery(env.data, new_recovery_code) : GA_OK;
    else
        st = GA_ERR_REJECTED;
out:
    json_object_put(env.root);
    if (st != GA_OK && new_recovery_code) {
        ga_free_secret(*new_recovery_code);
        *new_recovery_code = NULL;
    }
    return st;
}
