/* ga_response.c - parsing GenAuth answers (see ga_response.h).
 *
 * One envelope parser (open_envelope) does the bounded parse and the type
 * checks every answer shares; one small classifier per endpoint turns
 * statusCode / apiCode into a ga_status_t. Values are copied out before
 * the JSON tree is released.
 */
#include "config.h"

#include "ga_response.h"

#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ga_http.h"
#include "ga_response_int.h"
#include "ga_secret.h"
#include "ga_text.h"

#define GA_STATUS_CODE_MIN 100
#define GA_STATUS_CODE_MAX 999
#define GA_API_CODE_LIMIT 1000000000L /* |apiCode| beyond this is garbage */
#define GA_EXPIRES_MAX (10L * 365 * 24 * 3600)

static int is_json_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Members of all objects in the tree (depth is bounded by the tokener). */
static size_t tree_members(json_object *o)
{
    size_t n = 0;

    if (json_object_is_type(o, json_type_object)) {
        json_object_object_foreach(o, key, val) {
            (void)key;
            n += 1 + tree_members(val);
        }
    } else if (json_object_is_type(o, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(o); i++)
            n += tree_members(json_object_array_get_idx(o, i));
    }
    return n;
}

/* What json-c accepts but RFC 8259 does not, checked on text json-c has
 * already parsed as valid: a raw control character inside a string, and a
 * key repeated in one object (json-c keeps the last, so
 * {"statusCode":500,"statusCode":200} would read as success). In valid JSON
 * every ':' outside strings separates one member, so more colons than
 * members in the parsed tree means a key was repeated. */
static int rfc_clean(const char *body, size_t len, json_object *root)
{
    size_t colons = 0;
    int in_string = 0;

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)body[i];
        if (in_string) {
            if (c < 0x20)
                return 0;
            if (c == '\\')
                i++; /* the escaped character (json-c checked the escape) */
            else if (c == '"')
                in_string = 0;
        } else if (c == '"') {
            in_string = 1;
        } else if (c == ':') {
            colons++;
        }
    }
    return colons == tree_members(root);
}

/* Bounded, strict parse of exactly len bytes; only whitespace may follow
 * the value; RFC 3629 UTF-8 (ga_utf8_valid: json-c's own check lets
 * overlong forms and surrogates through); no raw control characters in
 * strings and no repeated keys (rfc_clean). GA_OK (*out set),
 * GA_ERR_UNAVAIL (not JSON) or GA_ERR_NOMEM. */
static ga_status_t parse_json(const char *body, size_t len, json_object **out)
{
    json_tokener *tok = NULL;
    json_object *obj = NULL;
    ga_status_t st = GA_ERR_UNAVAIL;
    size_t end;

    *out = NULL;
    if (!body || len == 0 || len > GA_HTTP_BODY_MAX)
        goto out;
    if (!(tok = json_tokener_new_ex(GA_JSON_DEPTH_MAX))) {
        st = GA_ERR_NOMEM;
        goto out;
    }
#ifdef JSON_TOKENER_VALIDATE_UTF8
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
#else
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
#endif
    obj = json_tokener_parse_ex(tok, body, (int)len);
    if (!obj || json_tokener_get_error(tok) != json_tokener_success)
        goto out;
#if JSON_C_VERSION_NUM >= ((0 << 16) | (15 << 8))
    end = json_tokener_get_parse_end(tok);
#else
    end = (size_t)tok->char_offset;
#endif
    for (; end < len; end++)
        if (!is_json_ws(body[end]))
            goto out;
    /* json-c's UTF-8 check lets overlong forms and surrogates through */
    if (!ga_utf8_valid(body, len) || !rfc_clean(body, len, obj))
        goto out;
    *out = obj;
    obj = NULL;
    st = GA_OK;
out:
    json_object_put(obj);
    if (tok)
        json_tokener_free(tok);
    return st;
}

json_object *ga_resp_member(json_object *obj, const char *key)
{
    json_object *v = NULL;

    if (!json_object_object_get_ex(obj, key, &v))
        return NULL;
    return v;
}

int ga_resp_int_member(json_object *obj, const char *key, long min, long max, long *out)
{
    json_object *v = ga_resp_member(obj, key);
    int64_t n;

    if (!v)
        return 0;
    if (!json_object_is_type(v, json_type_int))
        return -1;
    n = json_object_get_int64(v);
    if (n < min || n > max)
        return -1;
    *out = (long)n;
    return 1;
}

ga_status_t ga_resp_bad_answer(ga_api_error_t *err)
{
    err->reason = GA_REASON_BAD_ANSWER;
    return GA_ERR_UNAVAIL;
}

ga_status_t ga_resp_server_error(ga_api_error_t *err)
{
    err->reason = GA_REASON_SERVER;
    return GA_ERR_UNAVAIL;
}

/* A statusCode the call cannot use, where the header says GA_ERR_UNAVAIL:
 * 400 on these calls means the app-id header was refused (the request has
 * nothing else to get wrong); anything else is GenAuth refusing service
 * (the admin line carries statusCode, apiCode and message). */
ga_status_t ga_resp_unusable_status(ga_api_error_t *err)
{
    err->reason = err->status_code == 400 ? GA_REASON_APP_CRED : GA_REASON_SERVER;
    return GA_ERR_UNAVAIL;
}

ga_status_t ga_resp_open(const char *body, size_t len, long http_status, long retry_after_s,
                         ga_env_kind_t kind, ga_envelope_t *env, ga_api_error_t *err)
{
    json_object *root = NULL, *msg;
    const char *status_key = kind == GA_ENV_V2 ? "code" : "statusCode";
    long status_min = kind == GA_ENV_V2 ? 1 : GA_STATUS_CODE_MIN;
    long status_max = kind == GA_ENV_V2 ? GA_API_CODE_LIMIT : GA_STATUS_CODE_MAX;
    ga_status_t st;

    memset(env, 0, sizeof *env);
    memset(err, 0, sizeof *err);
    err->http_status = http_status;
    err->retry_after_s = retry_after_s >= 0 ? retry_after_s : -1;
    if ((st = parse_json(body, len, &root)) == GA_ERR_NOMEM)
        return st;
    if (st != GA_OK || !json_object_is_type(root, json_type_object)
        || ga_resp_int_member(root, status_key, status_min, status_max, &err->status_code) != 1
        || ga_resp_int_member(root, "apiCode", -GA_API_CODE_LIMIT, GA_API_CODE_LIMIT,
                              &err->api_code) < 0) {
        json_object_put(root);
        err->status_code = 0;
        err->api_code = 0;
        err->reason = (http_status >= 400 || http_status <= 0) ? GA_REASON_HTTP
                                                               : GA_REASON_BAD_ANSWER;
        return GA_ERR_UNAVAIL;
    }
    /* An error may come with any HTTP status (proxies), but success must come
     * with a 2xx one: {"statusCode":200} in an HTTP 500 or 302 answer is an
     * error page or a redirect that happens to carry JSON, never success. */
    if (err->status_code == 200 && (http_status < 200 || http_status > 299)) {
        json_object_put(root);
        err->reason = GA_REASON_HTTP;
        return GA_ERR_UNAVAIL;
    }
    /* message is cosmetic: a non-string one is treated as absent. */
    if ((msg = ga_resp_member(root, "message")) && json_object_is_type(msg, json_type_string)) {
        env->raw_msg = json_object_get_string(msg);
        env->raw_msg_len = (size_t)json_object_get_string_len(msg);
        /* logged and shown in en-US: printable ASCII, digit runs and emails
         * masked; shown in zh-CN: the same with Chinese text kept */
        (void)ga_sanitize_message(env->raw_msg, env->raw_msg_len, err->message,
                                  sizeof err->message);
        (void)ga_sanitize_message_utf8(env->raw_msg, env->raw_msg_len, err->message_utf8,
                                       sizeof err->message_utf8);
    }
    env->root = root;
    env->data = ga_resp_member(root, "data");
    return GA_OK;
}

/* The V3 envelope. */
static ga_status_t open_envelope(const char *body, size_t len, long http_status,
                                 long retry_after_s, ga_envelope_t *env,
                                 ga_api_error_t *err)
{
    return ga_resp_open(body, len, http_status, retry_after_s, GA_ENV_V3, env, err);
}

/* Copy the string member key of obj as a token: 1..GA_TOKEN_MAX bytes of
 * printable ASCII without spaces (no NUL, no control characters). GA_OK
 * (*out set, or NULL when absent and !required), GA_ERR_UNAVAIL, GA_ERR_NOMEM. */
static ga_status_t copy_token(json_object *obj, const char *key, int required, char **out)
{
    json_object *v = ga_resp_member(obj, key);
    const char *s;
    int len;

    *out = NULL;
    if (!v)
        return required ? GA_ERR_UNAVAIL : GA_OK;
    if (!json_object_is_type(v, json_type_string))
        return GA_ERR_UNAVAIL;
    s = json_object_get_string(v);
    len = json_object_get_string_len(v);
    if (!s || len <= 0 || len > GA_TOKEN_MAX)
        return GA_ERR_UNAVAIL;
    for (int i = 0; i < len; i++)
        if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
            return GA_ERR_UNAVAIL;
    if (!(*out = malloc((size_t)len + 1)))
        return GA_ERR_NOMEM;
    memcpy(*out, s, (size_t)len);
    (*out)[len] = '\0';
    return GA_OK;
}

ga_status_t ga_resp_take_token(json_object *obj, const char *key, int required, char **out,
                               ga_api_error_t *err)
{
    ga_status_t st;

    *out = NULL;
    st = obj ? copy_token(obj, key, required, out) : (required ? GA_ERR_UNAVAIL : GA_OK);
    return st == GA_ERR_UNAVAIL ? ga_resp_bad_answer(err) : st;
}

int ga_resp_is_object(json_object *o)
{
    return o && json_object_is_type(o, json_type_object);
}

int ga_resp_str_value(json_object *v, size_t max, const char **s, size_t *n)
{
    int len;

    if (!v)
        return 0;
    if (!json_object_is_type(v, json_type_string))
        return -1;
    len = json_object_get_string_len(v);
    *s = json_object_get_string(v);
    if (!*s || len <= 0 || (size_t)len > max || memchr(*s, '\0', (size_t)len))
        return -1;
    *n = (size_t)len;
    return 1;
}

/* ------------------------------------------------------------------ signin */

static int is_user_api_code(long ac)
{
    static const long codes[] = {2333, 2006, 2004, 2005, 2057, 2000};

    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        if (ac == codes[i])
            return 1;
    return 0;
}

static ga_status_t signin_tokens(const ga_envelope_t *env, ga_signin_t *out, ga_api_error_t *err)
{
    static const char *const lifetime_keys[] = {"expire_in", "expires_in"};
    json_object *type;
    long secs;

    if (!ga_resp_is_object(env->data))
        return ga_resp_bad_answer(err);
    if ((type = ga_resp_member(env->data, "token_type"))
        && (!json_object_is_type(type, json_type_string)
            || json_object_get_string_len(type) != 6
            || strcasecmp(json_object_get_string(type), "bearer") != 0))
        return ga_resp_bad_answer(err);
    for (size_t i = 0; i < 2 && out->expires_in < 0; i++)
        if (ga_resp_int_member(env->data, lifetime_keys[i], 0, GA_EXPIRES_MAX, &secs) == 1)
            out->expires_in = secs;
    return ga_resp_take_token(env->data, "access_token", 1, &out->access_token, err);
}

static ga_status_t classify_signin(const ga_envelope_t *env, ga_signin_t *out,
                                   ga_api_error_t *err)
{
    long sc = err->status_code, ac = err->api_code;
    ga_status_t st;

    if (sc >= 500)
        return ga_resp_server_error(err);
    if (ac == 1635 || ac == 1636) {
        /* the pool demands MFA: data (when an object) is trigger data */
        if (!ga_resp_is_object(env->data))
            return GA_ENROLLED;
        st = ga_resp_trigger(env->data, 0, &out->mfa, err);
        return st == GA_OK ? GA_ENROLLED : st;
    }
    if (sc == 200)
        return signin_tokens(env, out, err);
    if (is_user_api_code(ac) || sc == 403 || sc == 404)
        return GA_ERR_AUTH;
    if (sc == 400 || sc == 401) {
        err->reason = GA_REASON_APP_CRED;
        return GA_ERR_UNAVAIL;
    }
    if (sc == 429)
        return GA_ERR_THROTTLED;
    return GA_ERR_REJECTED;
}

ga_status_t ga_parse_signin(const char *body, size_t len, long http_status,
                            ga_signin_t *out, ga_api_error_t *err)
{
    ga_envelope_t env = {0};
    ga_status_t st = GA_ERR_INTERNAL;

    if (!err)
        return GA_ERR_INTERNAL;
    if (!out) {
        memset(err, 0, sizeof *err);
        err->retry_after_s = -1;
        return GA_ERR_INTERNAL;
    }
    out->access_token = NULL;
    out->expires_in = -1;
    memset(&out->mfa, 0, sizeof out->mfa);
    if ((st = open_envelope(body, len, http_status, -1, &env, err)) != GA_OK)
        goto out;
    st = classify_signin(&env, out, err);
out:
    json_object_put(env.root);
    if (st != GA_OK && st != GA_ENROLLED)
        ga_signin_clear(out);
    return st;
}

void ga_signin_clear(ga_signin_t *s)
{
    if (!s)
        return;
    ga_free_secret(s->access_token);
    s->access_token = NULL;
    s->expires_in = -1;
    ga_mfa_trigger_clear(&s->mfa);
}

/* ------------------------------------------------------------ factor lists */

/* The masked target of an enrolled SMS or EMAIL factor, from its profile
 * ({phoneNumber, phoneCountryCode} or {email}); "" when the profile is
 * absent or malformed: a bad profile never fails the list. */
static void entry_target(json_object *item, ga_factor_entry_t *e)
{
    json_object *prof = ga_resp_member(item, "profile");
    char cc[GA_CC_MAX], national[GA_NATIONAL_MAX], email[GA_EMAIL_MAX];

    e->target[0] = '\0';
    if (!ga_resp_is_object(prof))
        return;
    if (e->type == GA_FACTOR_SMS
        && ga_resp_phone(ga_resp_member(prof, "phoneNumber"),
                         ga_resp_member(prof, "phoneCountryCode"), cc, national) == 0)
        (void)ga_mask_phone(cc, national, e->target, sizeof e->target);
    else if (e->type == GA_FACTOR_EMAIL
             && ga_resp_email(ga_resp_member(prof, "email"), email) == 0)
        (void)ga_mask_email(email, e->target, sizeof e->target);
    ga_wipe(national, sizeof national);
    ga_wipe(email, sizeof email);
}

/* One list entry: an object with a string factorType of 1-15 printable
 * ASCII characters without spaces (0), -1 bad; the target from the
 * profile (entry_target). */
static int factor_entry(json_object *item, ga_factor_entry_t *e)
{
    json_object *t;
    const char *s;
    int len;

    if (!ga_resp_is_object(item) || !(t = ga_resp_member(item, "factorType"))
        || !json_object_is_type(t, json_type_string))
        return -1;
    s = json_object_get_string(t);
    len = json_object_get_string_len(t);
    if (!s || len <= 0 || (size_t)len >= sizeof e->type_name)
        return -1;
    for (int i = 0; i < len; i++)
        if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
            return -1;
    memcpy(e->type_name, s, (size_t)len);
    e->type_name[len] = '\0';
    e->type = ga_factor_from_name(e->type_name);
    entry_target(item, e);
    return 0;
}

ga_status_t ga_parse_factor_list(const char *body, size_t len, long http_status,
                                 ga_factor_list_t *out, ga_api_error_t *err)
{
    ga_envelope_t env = {0};
    ga_status_t st = GA_ERR_INTERNAL;
    size_t n;

    if (!err)
        return GA_ERR_INTERNAL;
    if (!out) {
        memset(err, 0, sizeof *err);
        err->retry_after_s = -1;
        return GA_ERR_INTERNAL;
    }
    memset(out, 0, sizeof *out);
    if ((st = open_envelope(body, len, http_status, -1, &env, err)) != GA_OK)
        goto out;
    if (err->status_code >= 500) {
        st = ga_resp_server_error(err);
        goto out;
    }
    if (err->status_code != 200) {
        st = ga_resp_unusable_status(err);
        goto out;
    }
    st = ga_resp_bad_answer(err);
    if (!env.data || !json_object_is_type(env.data, json_type_array)
        || (n = json_object_array_length(env.data)) > GA_FACTOR_LIST_MAX)
        goto out;
    for (size_t i = 0; i < n; i++)
        if (factor_entry(json_object_array_get_idx(env.data, i), &out->items[i]) != 0)
            goto out;
    out->n = n;
    err->reason = GA_REASON_NONE;
    st = GA_OK;
out:
    json_object_put(env.root);
    if (st != GA_OK)
        memset(out, 0, sizeof *out);
    return st;
}

/* --------------------------------------------------------- enrollment calls */

ga_status_t ga_resp_send_class(ga_api_error_t *err)
{
    long sc = err->status_code;

    if (sc >= 500)
        return ga_resp_server_error(err);
    if (sc == 429 || sc == 422)
        return GA_ERR_THROTTLED;
    return sc == 200 ? GA_OK : GA_ERR_REJECTED;
}

ga_status_t ga_parse_send_enroll(const char *body, size_t len, long http_status,
                                 long retry_after_s, char **enrollment_token,
                                 ga_api_error_t *err)
{
    ga_envelope_t env = {0};
    ga_status_t st = GA_ERR_INTERNAL;

    if (!err)
        return GA_ERR_INTERNAL;
    if (!enrollment_token) {
        memset(err, 0, sizeof *err);
        err->retry_after_s = -1;
        return GA_ERR_INTERNAL;
    }
    *enrollment_token = NULL;
    if ((st = open_envelope(body, len, http_status, retry_after_s, &env, err)) != GA_OK)
        goto out;
    if ((st = ga_resp_send_class(err)) == GA_OK)
        st = ga_resp_take_token(ga_resp_is_object(env.data) ? env.data : NULL,
                                "enrollmentToken", 1, enrollment_token, err);
out:
    json_object_put(env.root);
    if (st != GA_OK) {
        ga_free_secret(*enrollment_token);
        *enrollment_token = NULL;
    }
    return st;
}

static int ascii_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/* Case-insensitive search of needle in n bytes at hay (may hold NUL):
 * ASCII letters fold, other bytes must match exactly, whatever the locale. */
static int contains_ci(const char *hay, size_t n, const char *needle)
{
    size_t m = strlen(needle), j;

    for (size_t i = 0; hay && m && i + m <= n; i++) {
        for (j = 0; j < m; j++)
            if (ascii_lower((unsigned char)hay[i + j]) != ascii_lower((unsigned char)needle[j]))
                break;
        if (j == m)
            return 1;
    }
    return 0;
}

/* English "expire" in any case; Chinese (simplified and traditional) and
 * Japanese wording for the other x-authing-lang values. */
int ga_resp_says_expired(const ga_envelope_t *env)
{
    static const char *const words[] = {"expire", "\xe8\xbf\x87\xe6\x9c\x9f" /* 过期 */,
                                        "\xe9\x81\x8e\xe6\x9c\x9f" /* 過期 */,
                                        "\xe6\x9c\x9f\xe9\x99\x90\xe5\x88\x87\xe3\x82\x8c"
                                        /* 期限切れ */};

    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (contains_ci(env->raw_msg, env->raw_msg_len, words[i]))
            return 1;
    return 0;
}

/* A rejected passCode: apiCode 2001 (wrong or expired code) or 6001 (wrong
 * TOTP), or a plain 400/422 without apiCode. Anything else (401, 403, 409
 * "already bound", other apiCodes) is not the user's code and must not count
 * as a wrong attempt. */
static int is_wrong_code(long sc, long ac, const ga_api_error_t *err)
{
    (void)err;
    if (ac == 2001 || ac == 6001)
        return 1;
    return ac == 0 && (sc == 400 || sc == 422);
}

ga_status_t ga_parse_enroll_factor(const char *body, size_t len, long http_status,
                                   long retry_after_s, ga_api_error_t *err)
{
    ga_envelope_t env = {0};
    ga_status_t st = GA_ERR_INTERNAL;
    long sc, ac;

    if (!err)
        return GA_ERR_INTERNAL;
    if ((st = open_envelope(body, len, http_status, retry_after_s, &env, err)) != GA_OK)
        goto out;
    sc = err->status_code;
    ac = err->api_code;
    if (sc >= 500)
        st = ga_resp_server_error(err);
    else if (sc == 200)
        st = GA_OK;
    else if (ac == 2300 || ac == 2021 || sc == 410 || ga_resp_says_expired(&env))
        st = GA_ERR_EXPIRED;
    else if (sc == 429)
        st = GA_ERR_THROTTLED;
    else if (is_wrong_code(sc, ac, err))
        st = GA_ERR_WRONG_CODE;
    else
        st = GA_ERR_REJECTED; /* 401, 403, 409 already bound, other apiCodes */
out:
    json_object_put(env.root);
    return st;
}
