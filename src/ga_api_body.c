/* ga_api_body.c - the request bodies of the GenAuth V3 calls (json-c) and
 * the argument checks made before any I/O (see ga_api_body.h). Every copy of
 * a secret made here (the JSON tree's strings, the serialised text) is wiped
 * before it is freed. */
#include "config.h"

#include "ga_api_body.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "ga_api.h"
#include "ga_response.h"
#include "ga_secret.h"
#include "ga_text.h"

/* ------------------------------------------------------- argument checks */

/* Non-empty, at most max bytes, no ASCII control character. Non-ASCII is
 * allowed: identifiers and passwords may be UTF-8. */
int ga_api_text_ok(const char *s, size_t max)
{
    size_t n;

    if (!s || !*s || (n = strnlen(s, max + 1)) > max)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7f)
            return 0;
    return 1;
}

/* Non-empty printable ASCII without spaces, at most max bytes: safe in an
 * HTTP header line, and what tokens, codes and ids look like. */
int ga_api_ascii_ok(const char *s, size_t max)
{
    size_t n;

    if (!s || !*s || (n = strnlen(s, max + 1)) > max)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
            return 0;
    return 1;
}

int ga_api_token_ok(const char *s)
{
    return ga_api_ascii_ok(s, GA_TOKEN_MAX);
}

static int digits_ok(const char *s, size_t min, size_t max)
{
    size_t n = s ? strnlen(s, max + 1) : 0;

    if (n < min || n > max)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* ---------------------------------------------------------- JSON bodies */

/* Wipe every string value of the tree in place. The bytes belong to
 * json-c objects this file created and still owns, so writing through
 * the const pointers json-c hands out is sound. */
static void wipe_strings(json_object *o)
{
    if (json_object_is_type(o, json_type_string)) {
        ga_wipe((char *)json_object_get_string(o), (size_t)json_object_get_string_len(o));
    } else if (json_object_is_type(o, json_type_object)) {
        json_object_object_foreach(o, key, val)
        {
            (void)key;
            wipe_strings(val);
        }
    }
}

/* Wipe and release a tree. NULL is accepted. */
static void discard(json_object *o)
{
    if (!o)
        return;
    wipe_strings(o);
    json_object_put(o);
}

/* Add a string member; 0 or -1 (nothing leaked either way). */
static int add_str(json_object *obj, const char *key, const char *val)
{
    json_object *v = json_object_new_string(val);

    if (!v)
        return -1;
    if (json_object_object_add(obj, key, v) != 0) {
        discard(v);
        return -1;
    }
    return 0;
}

/* Add child; ownership is taken in every case. 0 or -1. */
static int add_obj(json_object *obj, const char *key, json_object *child)
{
    if (!child)
        return -1;
    if (json_object_object_add(obj, key, child) != 0) {
        discard(child);
        return -1;
    }
    return 0;
}

/* Serialise root, wipe json-c's output buffer and the tree's strings, and
 * release root (in every case). Returns a new string or NULL. */
static char *finish_body(json_object *root)
{
    const char *text;
    char *copy = NULL;

    text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN
                                                    | JSON_C_TO_STRING_NOSLASHESCAPE);
    if (text) {
        copy = strdup(text);
        ga_wipe((char *)text, strlen(text)); /* root's printbuf, see above */
    }
    discard(root);
    return copy;
}

/* Add child as root's member key, then serialise root (finish_body) into
 * *out. root and child are released in every case. GA_OK or
 * GA_ERR_NOMEM. */
static ga_status_t finish_with(json_object *root, const char *key, json_object *child,
                               char **out)
{
    if (add_obj(root, key, child) != 0) {
        discard(root);
        return GA_ERR_NOMEM;
    }
    return (*out = finish_body(root)) ? GA_OK : GA_ERR_NOMEM;
}

ga_status_t ga_api_build_signin(const ga_config_t *cfg, const char *identifier,
                                const char *password, const char *client_ip,
                                char **out)
{
    json_object *root = NULL, *payload = NULL, *options = NULL;
    const char *field = cfg ? ga_login_field_name(cfg->login_field) : NULL;
    ga_status_t st = GA_ERR_INTERNAL;
    int post = cfg && cfg->auth_method == GA_CLIENT_AUTH_POST;

    *out = NULL;
    if (!cfg || !field || !ga_api_text_ok(identifier, GA_ARG_MAX) || !ga_api_text_ok(password, GA_ARG_MAX)
        || (client_ip && !ga_is_ip_literal(client_ip))
        || (post && (!ga_api_ascii_ok(cfg->app_id, GA_ARG_MAX)
                     || !ga_api_text_ok(cfg->app_secret, GA_ARG_MAX))))
        goto out;
    st = GA_ERR_NOMEM;
    if (!(root = json_object_new_object()) || !(payload = json_object_new_object())
        || (client_ip && !(options = json_object_new_object())))
        goto out;
    if (add_str(root, "connection", "PASSWORD") || add_str(payload, "password", password)
        || add_str(payload, field, identifier)
        || (options && add_str(options, "clientIp", client_ip))
        || (post && (add_str(root, "client_id", cfg->app_id)
                     || add_str(root, "client_secret", cfg->app_secret))))
        goto out;
    if (add_obj(root, "passwordPayload", payload) != 0) {
        payload = NULL;
        goto out;
    }
    payload = NULL;
    if (options && add_obj(root, "options", options) != 0) {
        options = NULL;
        goto out;
    }
    options = NULL;
    if ((*out = finish_body(root)))
        st = GA_OK;
    root = NULL;
out:
    discard(options);
    discard(payload);
    discard(root);
    return st;
}

char *ga_api_signin_body(const ga_config_t *cfg, const char *identifier,
                         const char *password, const char *client_ip)
{
    char *body = NULL;

    (void)ga_api_build_signin(cfg, identifier, password, client_ip, &body);
    return body;
}

static int profile_ok(const ga_profile_t *p)
{
    if (!p)
        return 0;
    if (p->type == GA_FACTOR_SMS)
        return p->phone_cc[0] == '+' && digits_ok(p->phone_cc + 1, 1, GA_CC_MAX - 2)
               && digits_ok(p->phone, 1, GA_NATIONAL_MAX - 1);
    if (p->type == GA_FACTOR_EMAIL)
        return ga_api_ascii_ok(p->email, GA_EMAIL_MAX - 1) && strchr(p->email, '@') != NULL;
    return 0;
}

ga_status_t ga_api_build_send_enroll(const ga_profile_t *p, char **out)
{
    json_object *root = NULL, *prof = NULL;
    ga_status_t st = GA_ERR_INTERNAL;
    int sms = p && p->type == GA_FACTOR_SMS;

    *out = NULL;
    if (!profile_ok(p))
        goto out;
    st = GA_ERR_NOMEM;
    if (!(root = json_object_new_object()) || !(prof = json_object_new_object()))
        goto out;
    if (add_str(root, "factorType", ga_factor_name(p->type))
        || (sms && (add_str(prof, "phoneNumber", p->phone)
                    || add_str(prof, "phoneCountryCode", p->phone_cc)))
        || (!sms && add_str(prof, "email", p->email)))
        goto out;
    st = finish_with(root, "profile", prof, out);
    root = prof = NULL;
out:
    discard(prof);
    discard(root);
    return st;
}

char *ga_api_send_enroll_body(const ga_profile_t *profile)
{
    char *body = NULL;

    (void)ga_api_build_send_enroll(profile, &body);
    return body;
}

ga_status_t ga_api_build_enroll(ga_factor_t type, const char *enrollment_token,
                                const char *pass_code, char **out)
{
    json_object *root = NULL, *data = NULL;
    ga_status_t st = GA_ERR_INTERNAL;

    *out = NULL;
    if ((type != GA_FACTOR_SMS && type != GA_FACTOR_EMAIL && type != GA_FACTOR_OTP)
        || !ga_api_token_ok(enrollment_token) || !ga_api_ascii_ok(pass_code, GA_CODE_MAX))
        goto out;
    st = GA_ERR_NOMEM;
    if (!(root = json_object_new_object()) || !(data = json_object_new_object()))
        goto out;
    if (add_str(root, "factorType", ga_factor_name(type))
        || add_str(root, "enrollmentToken", enrollment_token)
        || add_str(data, "passCode", pass_code))
        goto out;
    st = finish_with(root, "enrollmentData", data, out);
    root = data = NULL;
out:
    discard(data);
    discard(root);
    return st;
}

char *ga_api_enroll_body(ga_factor_t type, const char *enrollment_token,
                         const char *pass_code)
{
    char *body = NULL;

    (void)ga_api_build_enroll(type, enrollment_token, pass_code, &body);
    return body;
}


/* ------------------------------------------------------------- issue 4 */

#define CHANNEL_VERIFY_MFA "CHANNEL_VERIFY_MFA"

/* A JSON object of up to three string members (NULL keys end the list),
 * serialised. Results as ga_api_build_signin. */
static ga_status_t flat_body(const char *k1, const char *v1, const char *k2, const char *v2,
                             const char *k3, const char *v3, char **out)
{
    json_object *root = json_object_new_object();
    ga_status_t st = GA_ERR_NOMEM;

    if (!root || (k1 && add_str(root, k1, v1)) || (k2 && add_str(root, k2, v2))
        || (k3 && add_str(root, k3, v3)))
        goto out;
    if ((*out = finish_body(root)))
        st = GA_OK;
    root = NULL;
out:
    discard(root);
    return st;
}

static int code_ok(const char *code)
{
    return digits_ok(code, 4, 8);
}

/* The target of a send or verify: SMS phone digits and an optional
 * "+digits" country code, or an EMAIL address. */
static int target_ok(ga_factor_t type, const ga_mfa_trigger_t *t)
{
    if (!t)
        return 0;
    if (type == GA_FACTOR_SMS)
        return digits_ok(t->phone, 1, GA_NATIONAL_MAX - 1)
               && (t->phone_cc[0] == '\0'
                   || (t->phone_cc[0] == '+' && digits_ok(t->phone_cc + 1, 1, GA_CC_MAX - 2)));
    if (type == GA_FACTOR_EMAIL)
        return ga_api_ascii_ok(t->email_addr, GA_EMAIL_MAX - 1)
               && strchr(t->email_addr, '@') != NULL;
    return 0;
}

ga_status_t ga_api_build_send_enroll_otp(char **out)
{
    json_object *root = NULL, *prof = NULL;
    ga_status_t st = GA_ERR_INTERNAL;

    if (!out)
        return st;
    *out = NULL;
    st = GA_ERR_NOMEM;
    if (!(root = json_object_new_object()) || !(prof = json_object_new_object())
        || add_str(root, "factorType", ga_factor_name(GA_FACTOR_OTP)))
        goto out;
    st = finish_with(root, "profile", prof, out);
    root = prof = NULL;
out:
    discard(prof);
    discard(root);
    return st;
}

ga_status_t ga_api_build_totp(const char *code, char **out)
{
    if (!out)
        return GA_ERR_INTERNAL;
    *out = NULL;
    if (!code_ok(code))
        return GA_ERR_INTERNAL;
    return flat_body("totp", code, NULL, NULL, NULL, NULL, out);
}

ga_status_t ga_api_build_mgmt_token(const char *pool_id, const char *secret, char **out)
{
    if (!out)
        return GA_ERR_INTERNAL;
    *out = NULL;
    if (!ga_api_ascii_ok(pool_id, GA_ARG_MAX) || !ga_api_text_ok(secret, GA_ARG_MAX)
        || !ga_utf8_valid(secret, strlen(secret)))
        return GA_ERR_INTERNAL;
    return flat_body("accessKeyId", pool_id, "accessKeySecret", secret, NULL, NULL, out);
}

ga_status_t ga_api_build_send_code(ga_factor_t type, const ga_mfa_trigger_t *t, char **out)
{
    if (!out)
        return GA_ERR_INTERNAL;
    *out = NULL;
    if (!target_ok(type, t))
        return GA_ERR_INTERNAL;
    if (type == GA_FACTOR_EMAIL)
        return flat_body("email", t->email_addr, "channel", CHANNEL_VERIFY_MFA, NULL, NULL,
                         out);
    if (!t->phone_cc[0])
        return flat_body("phoneNumber", t->phone, "channel", CHANNEL_VERIFY_MFA, NULL, NULL,
                         out);
    return flat_body("phoneNumber", t->phone, "phoneCountryCode", t->phone_cc, "channel",
                     CHANNEL_VERIFY_MFA, out);
}

ga_status_t ga_api_build_verify_code(ga_factor_t type, const ga_mfa_trigger_t *t,
                                     const char *code, char **out)
{
    if (!out)
        return GA_ERR_INTERNAL;
    *out = NULL;
    if (!target_ok(type, t) || !code_ok(code))
        return GA_ERR_INTERNAL;
    if (type == GA_FACTOR_EMAIL)
        return flat_body("email", t->email_addr, "code", code, NULL, NULL, out);
    if (!t->phone_cc[0])
        return flat_body("phone", t->phone, "code", code, NULL, NULL, out);
    return flat_body("phone", t->phone, "code", code, "phoneCountryCode", t->phone_cc, out);
}

ga_status_t ga_api_build_recovery(const char *recovery_code, char **out)
{
    if (!out)
        return GA_ERR_INTERNAL;
    *out = NULL;
    if (!ga_api_ascii_ok(recovery_code, GA_RECOVERY_MAX)
        || strlen(recovery_code) < GA_RECOVERY_MIN)
        return GA_ERR_INTERNAL;
    return flat_body("recoveryCode", recovery_code, NULL, NULL, NULL, NULL, out);
}
