/* ga_state_file.c - the pending file's record: JSON encoding and decoding
 * (json-c) and validation (see ga_state_file.h).
 *
 * The token passes through json-c's buffers on the way in and out; each of
 * those copies is wiped before it is released. */
#include "config.h"

#include "ga_state_file.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "ga_response.h"
#include "ga_secret.h"

#define STATE_VERSION 1
#define STATE_FIELDS 7   /* keys in a state file */
#define STATE_JSON_DEPTH 4
#define ATTEMPTS_MAX 100
#define FUTURE_SLACK_S 5 /* clock skew tolerated on sentAt */

/* Values of a parsed state file; strings point into the JSON tree. */
typedef struct state_fields {
    ga_factor_t type;
    const char *token;
    size_t token_len;
    const char *masked;
    size_t masked_len;
    int64_t sent_at;
    int64_t attempts;
} state_fields_t;

/* Non-zero if s[0..len) is 1..max bytes without control characters;
 * printable_only also rejects bytes >= 0x80. */
static int text_ok(const char *s, size_t len, size_t max, int printable_only)
{
    if (!s || len == 0 || len > max)
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f || (printable_only && c >= 0x80))
            return 0;
    }
    return 1;
}

int ga_state_file_valid(const ga_pending_t *p)
{
    size_t masked_len = strnlen(p->masked_target, GA_MASKED_MAX);
    const char *tok = p->enrollment_token;

    return ga_factor_sends_code(p->type) && tok &&
           text_ok(tok, strnlen(tok, GA_TOKEN_MAX + 1), GA_TOKEN_MAX, 0) &&
           masked_len < GA_MASKED_MAX &&
           text_ok(p->masked_target, masked_len, GA_MASKED_MAX - 1, 1) &&
           p->attempts >= 0 && p->attempts <= ATTEMPTS_MAX && p->sent_at >= 0;
}

/* ---- decoding ------------------------------------------------------------ */

/* Overwrite the tokener's internal string buffer, which may still hold the
 * token, with a harmless string of len bytes (the token's length: the
 * buffer already held that much, so it is not reallocated). */
static void scrub_tokener(json_tokener *tok, size_t len)
{
    char xs[64];
    json_object *junk = NULL;

    if (len == 0 || len > INT_MAX - 2)
        return;
    /* fed in pieces from the stack: no allocation that could fail and
     * leave the copy unwiped */
    memset(xs, 'x', sizeof xs);
    json_tokener_reset(tok);
    junk = json_tokener_parse_ex(tok, "\"", 1);
    for (size_t left = len; !junk && left > 0;) {
        size_t n = left < sizeof xs ? left : sizeof xs;
        junk = json_tokener_parse_ex(tok, xs, (int)n);
        left -= n;
    }
    if (!junk)
        junk = json_tokener_parse_ex(tok, "\"", 1);
    json_object_put(junk);
}

/* Strictly parse buf[0..len) as one JSON object. NULL when it is not one. */
static json_object *parse_object(const char *buf, size_t len)
{
    json_object *token = NULL;
    json_tokener *tok = NULL;
    json_object *obj = NULL;
    size_t scrub = 0;
    size_t end;

    if (len == 0 || len > GA_STATE_FILE_MAX || memchr(buf, '\0', len))
        return NULL;
    tok = json_tokener_new_ex(STATE_JSON_DEPTH);
    if (!tok)
        return NULL;
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    obj = json_tokener_parse_ex(tok, buf, (int)len);
#if JSON_C_VERSION_NUM >= ((0 << 16) | (15 << 8))
    end = json_tokener_get_parse_end(tok);
#else
    end = (size_t)tok->char_offset;
#endif
    if (json_object_object_get_ex(obj, "enrollmentToken", &token) &&
        json_object_is_type(token, json_type_string))
        scrub = (size_t)json_object_get_string_len(token);
    if (json_tokener_get_error(tok) != json_tokener_success ||
        !json_object_is_type(obj, json_type_object)) {
        json_object_put(obj);
        obj = NULL;
    }
    for (; obj && end < len; end++) {
        if (!strchr(" \t\r\n", buf[end])) {
            json_object_put(obj);
            obj = NULL;
        }
    }
    scrub_tokener(tok, scrub);
    json_tokener_free(tok);
    return obj;
}

static int get_string(json_object *obj, const char *key, const char **s,
                      size_t *len)
{
    json_object *v = NULL;
    int n;

    if (!json_object_object_get_ex(obj, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return -1;
    *s = json_object_get_string(v);
    n = json_object_get_string_len(v);
    if (!*s || n < 0 || strlen(*s) != (size_t)n)
        return -1;
    *len = (size_t)n;
    return 0;
}

static int get_int(json_object *obj, const char *key, int64_t *out)
{
    json_object *v = NULL;

    if (!json_object_object_get_ex(obj, key, &v) ||
        !json_object_is_type(v, json_type_int))
        return -1;
    *out = json_object_get_int64(v);
    return 0;
}

/* Extract and check every field. Returns NULL or why the file is bad. */
static const char *check_fields(json_object *obj, const char *user,
                                state_fields_t *f)
{
    const char *s = NULL;
    size_t len = 0;
    int64_t version = 0;

    if (json_object_object_length(obj) != STATE_FIELDS ||
        get_int(obj, "version", &version) < 0 ||
        get_string(obj, "user", &s, &len) < 0)
        return "has missing, extra or mistyped fields";
    if (version != STATE_VERSION)
        return "has an unknown version";
    if (len != strlen(user) || memcmp(s, user, len) != 0)
        return "belongs to another user";
    if (get_string(obj, "factorType", &s, &len) < 0 ||
        get_string(obj, "enrollmentToken", &f->token, &f->token_len) < 0 ||
        get_string(obj, "maskedTarget", &f->masked, &f->masked_len) < 0 ||
        get_int(obj, "sentAt", &f->sent_at) < 0 ||
        get_int(obj, "attempts", &f->attempts) < 0)
        return "has missing, extra or mistyped fields";
    f->type = ga_factor_from_name(s);
    if (!ga_factor_sends_code(f->type) || strcmp(s, ga_factor_name(f->type)) != 0)
        return "has an unknown factor type";
    if (!text_ok(f->token, f->token_len, GA_TOKEN_MAX, 0))
        return "has a bad token";
    if (!text_ok(f->masked, f->masked_len, GA_MASKED_MAX - 1, 1))
        return "has a bad masked target";
    if (f->attempts < 0 || f->attempts > ATTEMPTS_MAX)
        return "has a bad attempt count";
    if (f->sent_at < 0)
        return "has a bad send time";
    return NULL;
}

/* GA_OK if a code sent at sent_at is still usable at now; GA_ERR_EXPIRED
 * when its lifetime is over; GA_ERR_NOT_FOUND when sent_at cannot be
 * trusted. *why is set on every error. */
static ga_status_t check_age(int64_t sent_at, long long now, long lifetime_s,
                             const char **why)
{
    long long age = 0;

    if (__builtin_sub_overflow(now, (long long)sent_at, &age)) {
        *why = "has a bad send time";
        return GA_ERR_NOT_FOUND;
    }
    if (age < -FUTURE_SLACK_S) {
        *why = "is dated in the future";
        return GA_ERR_NOT_FOUND;
    }
    if (age >= lifetime_s) {
        *why = "has expired";
        return GA_ERR_EXPIRED;
    }
    return GA_OK;
}

ga_status_t ga_state_file_decode(const char *buf, size_t len, const char *user,
                                 long long now, long lifetime_s,
                                 ga_pending_t *out, const char **why)
{
    json_object *obj = parse_object(buf, len);
    state_fields_t f = {0};
    char *token = NULL;
    ga_status_t rc = GA_ERR_NOT_FOUND;

    *why = NULL;
    if (!obj) {
        *why = "is not a valid JSON object";
        goto out;
    }
    *why = check_fields(obj, user, &f);
    if (*why)
        goto out;
    rc = check_age(f.sent_at, now, lifetime_s, why);
    if (rc != GA_OK)
        goto out;
    rc = GA_ERR_NOMEM;
    token = strndup(f.token, f.token_len);
    if (!token)
        goto out;
    memset(out, 0, sizeof *out);
    out->type = f.type;
    out->enrollment_token = token;
    memcpy(out->masked_target, f.masked, f.masked_len);
    out->masked_target[f.masked_len] = '\0';
    out->sent_at = (long long)f.sent_at;
    out->attempts = (int)f.attempts;
    rc = GA_OK;
out:
    if (f.token)
        ga_wipe((char *)f.token, f.token_len);
    json_object_put(obj);
    return rc;
}

/* ---- encoding ------------------------------------------------------------ */

static int add(json_object *obj, const char *key, json_object *v)
{
    if (!v)
        return -1;
    if (json_object_object_add(obj, key, v) != 0) {
        json_object_put(v);
        return -1;
    }
    return 0;
}

/* Wipe the token and its serialisation held by obj, then release it. */
static void free_json(json_object *obj, const char *text, size_t len)
{
    json_object *token = NULL;

    if (!obj)
        return;
    if (text)
        ga_wipe((char *)text, len);
    if (json_object_object_get_ex(obj, "enrollmentToken", &token))
        ga_wipe((char *)json_object_get_string(token),
                (size_t)json_object_get_string_len(token));
    json_object_put(obj);
}

/* The JSON object for p. NULL when out of memory. */
static json_object *build_json(const char *user, const ga_pending_t *p)
{
    json_object *obj = json_object_new_object();

    if (!obj)
        return NULL;
    if (add(obj, "version", json_object_new_int(STATE_VERSION)) < 0 ||
        add(obj, "user", json_object_new_string(user)) < 0 ||
        add(obj, "factorType", json_object_new_string(ga_factor_name(p->type))) < 0 ||
        add(obj, "enrollmentToken", json_object_new_string(p->enrollment_token)) < 0 ||
        add(obj, "maskedTarget", json_object_new_string(p->masked_target)) < 0 ||
        add(obj, "sentAt", json_object_new_int64(p->sent_at)) < 0 ||
        add(obj, "attempts", json_object_new_int(p->attempts)) < 0) {
        free_json(obj, NULL, 0);
        return NULL;
    }
    return obj;
}

ga_status_t ga_state_file_encode(const char *user, const ga_pending_t *p,
                                 char **out, size_t *len)
{
    json_object *obj = NULL;
    const char *text = NULL;
    size_t n = 0;
    ga_status_t rc = GA_ERR_INTERNAL;

    if (out)
        *out = NULL;
    if (len)
        *len = 0;
    if (!user || !p || !out || !len || !ga_state_file_valid(p))
        return GA_ERR_INTERNAL;
    rc = GA_ERR_NOMEM;
    obj = build_json(user, p);
    if (obj)
        text = json_object_to_json_string_length(
            obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);
    if (!text)
        goto out;
    *out = malloc(n + 1);
    if (!*out)
        goto out;
    memcpy(*out, text, n);
    (*out)[n] = '\0';
    *len = n;
    rc = GA_OK;
out:
    free_json(obj, text, n);
    return rc;
}
