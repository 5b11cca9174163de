/* ga_response.h - parsing GenAuth answers (genauth-api.md sections 2-4).
 *
 * Pure functions over a body and its HTTP status: no I/O, no globals, so
 * they are unit-tested with canned bodies and fuzzed. Every body is hostile:
 * parsing is bounded (size, nesting depth), every field is type-checked, and
 * values are copied out before the JSON tree is released.
 *
 * Only a well-formed envelope {"statusCode": <integer>, ...} is an answer;
 * anything else (not JSON, not an object, statusCode missing, a string, a
 * float) is GA_ERR_UNAVAIL with reason GA_REASON_BAD_ANSWER, whatever the
 * HTTP status. A well-formed error envelope is honoured whatever the HTTP
 * status (proxies pass them on with 4xx/5xx), but statusCode 200 counts only
 * in a 2xx HTTP answer. Text json-c accepts but RFC 8259 does not (invalid
 * UTF-8, raw control characters in strings, repeated keys) is not an answer.
 */
#ifndef GA_RESPONSE_H
#define GA_RESPONSE_H

#include <stddef.h>

#include "ga_factor.h"
#include "ga_status.h"

#define GA_MESSAGE_MAX 160   /* sanitised server message, bytes incl. NUL */
#define GA_JSON_DEPTH_MAX 16 /* deepest nesting accepted */
#define GA_TOKEN_MAX 8192    /* longest token accepted, bytes */

/* What went wrong, for logs and user messages. All fields are plain data. */
typedef struct ga_api_error {
    long http_status;   /* 0 if none */
    long status_code;   /* envelope statusCode, 0 if none */
    long api_code;      /* envelope apiCode, 0 if none */
    char message[GA_MESSAGE_MAX]; /* sanitised printable ASCII, may be "" */
    ga_reason_t reason; /* for GA_ERR_UNAVAIL */
    long retry_after_s; /* from Retry-After, -1 if unknown */
} ga_api_error_t;

/* POST /api/v3/signin result. access_token and mfa_token are secrets:
 * release with ga_signin_clear. */
typedef struct ga_signin {
    char *access_token; /* on GA_OK */
    long expires_in;    /* seconds, from expire_in or expires_in; -1 if absent */
    char *mfa_token;    /* on GA_ENROLLED through apiCode 1635/1636, may be NULL */
} ga_signin_t;

/* One entry of list-enrolled-factors / list-factors-to-enroll. */
typedef struct ga_factor_entry {
    ga_factor_t type;    /* GA_FACTOR_UNKNOWN for a type this version does not know */
    char type_name[16];  /* the factorType as sent, sanitised */
} ga_factor_entry_t;

#define GA_FACTOR_LIST_MAX 32

typedef struct ga_factor_list {
    ga_factor_entry_t items[GA_FACTOR_LIST_MAX];
    size_t n;
} ga_factor_list_t;

/* signin: GA_OK (access_token set), GA_ENROLLED (apiCode 1635/1636: the pool
 * demands MFA, so the user has a factor), GA_ERR_AUTH (statusCode 403/404 or
 * apiCode 2333, 2006, 2004, 2005, 2057, 2000: wrong password, unknown user,
 * locked, captcha), GA_ERR_UNAVAIL (5xx -> SERVER; 400/401 without a user
 * apiCode -> APP_CRED; garbage -> BAD_ANSWER; 200 without a usable
 * access_token string -> BAD_ANSWER), GA_ERR_NOMEM. err is always filled. */
ga_status_t ga_parse_signin(const char *body, size_t len, long http_status,
                            ga_signin_t *out, ga_api_error_t *err);

void ga_signin_clear(ga_signin_t *s);

/* list-enrolled-factors and list-factors-to-enroll: GA_OK only for
 * statusCode 200 with data an array of objects each with a string factorType;
 * every other answer is GA_ERR_UNAVAIL (never "no factors"). More than
 * GA_FACTOR_LIST_MAX entries is BAD_ANSWER. */
ga_status_t ga_parse_factor_list(const char *body, size_t len, long http_status,
                                 ga_factor_list_t *out, ga_api_error_t *err);

/* send-enroll-factor-request: GA_OK with *enrollment_token (new string,
 * secret, caller wipes and frees), GA_ERR_THROTTLED (statusCode 429, or 422
 * which GenAuth uses for "one message per minute"), GA_ERR_REJECTED (other
 * 4xx: bad phone/email, factor not enabled...), GA_ERR_UNAVAIL (5xx,
 * garbage, 200 without a non-empty string data.enrollmentToken).
 * retry_after_s from the HTTP header is passed in by the caller. */
ga_status_t ga_parse_send_enroll(const char *body, size_t len, long http_status,
                                 long retry_after_s, char **enrollment_token,
                                 ga_api_error_t *err);

/* enroll-factor: GA_OK (statusCode 200; data may be absent or null),
 * GA_ERR_EXPIRED (apiCode 2300 or 2021, statusCode 410, or a message that
 * says the token/code expired: "expire" in any case, or Chinese "过期"),
 * GA_ERR_THROTTLED (429), GA_ERR_WRONG_CODE (apiCode 2001 or 6001, or a
 * 400/422 without apiCode), GA_ERR_REJECTED (every other 4xx: 401, 403,
 * 409 already bound, unknown apiCodes - not counted as a wrong code),
 * GA_ERR_UNAVAIL (5xx, garbage). */
ga_status_t ga_parse_enroll_factor(const char *body, size_t len, long http_status,
                                   long retry_after_s, ga_api_error_t *err);

#endif
