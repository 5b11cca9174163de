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
 * in a 2xx HTTP answer: in any other (or none) the whole envelope is
 * GA_ERR_UNAVAIL with reason GA_REASON_HTTP, whatever its apiCode says (err
 * keeps statusCode and apiCode for the log line). Text json-c accepts but
 * RFC 8259 does not (invalid UTF-8, raw control characters in strings,
 * repeated keys) is not an answer.
 */
#ifndef GA_RESPONSE_H
#define GA_RESPONSE_H

#include <stddef.h>

#include "ga_factor.h"
#include "ga_status.h"

#define GA_MESSAGE_MAX 160   /* sanitised server message, bytes incl. NUL */
#define GA_JSON_DEPTH_MAX 16 /* deepest nesting accepted */
#define GA_TOKEN_MAX 8192    /* longest token accepted, bytes */
#define GA_RECOVERY_MIN 8    /* a recovery code: printable ASCII without */
#define GA_RECOVERY_MAX 64   /* spaces, 8..64 bytes (typed, sent, shown) */

/* What went wrong, for logs and user messages. All fields are plain data. */
typedef struct ga_api_error {
    long http_status;   /* 0 if none */
    long status_code;   /* envelope statusCode, 0 if none */
    long api_code;      /* envelope apiCode, 0 if none */
    char message[GA_MESSAGE_MAX]; /* ga_sanitize_message: printable ASCII, digit
                                     runs and emails masked, may be ""; for logs
                                     and en-US output */
    char message_utf8[GA_MESSAGE_MAX]; /* the same message through
                                          ga_sanitize_message_utf8: the same masking,
                                          allowed UTF-8 text kept (Chinese); shown
                                          only in zh-CN, never logged; "" when
                                          message is "" or was not set from a
                                          server answer */
    ga_reason_t reason; /* for GA_ERR_UNAVAIL */
    const char *call;   /* the endpoint that failed when not the one asked
                           for (a static string, e.g. "get-management-token"
                           behind get-mfa-trigger-data); NULL otherwise */
    long retry_after_s; /* from Retry-After, -1 if unknown */
} ga_api_error_t;

/* MFA trigger data (genauth-api.md section 5): from GET
 * /api/v3/get-mfa-trigger-data (Management API) or from a signin answer
 * with apiCode 1635/1636. mfa_token is a secret, phone/email contact data:
 * release with ga_mfa_trigger_clear. A factor counts as enabled when
 * applicationMfa lists its mfaPolicy ("OTP", "SMS", "EMAIL") with status 1,
 * or (OTP) totpMfaEnabled is true; SMS/EMAIL also need a valid mfaPhone /
 * mfaEmail (validated like user input: ga_validate rules). */
typedef struct ga_mfa_trigger {
    char *mfa_token;              /* NULL if absent */
    int otp;                      /* OTP enabled for the user */
    int sms;                      /* SMS enabled and phone set */
    int email;                    /* EMAIL enabled and email set */
    char phone_cc[GA_CC_MAX];     /* mfaPhoneCountryCode, "" if absent */
    char phone[GA_NATIONAL_MAX];  /* mfaPhone: national digits */
    char email_addr[GA_EMAIL_MAX];/* mfaEmail */
} ga_mfa_trigger_t;

void ga_mfa_trigger_clear(ga_mfa_trigger_t *t);

/* POST /api/v3/signin result. access_token and mfa are secrets:
 * release with ga_signin_clear. */
typedef struct ga_signin {
    char *access_token; /* on GA_OK */
    long expires_in;    /* seconds, from expire_in or expires_in; -1 if absent */
    ga_mfa_trigger_t mfa; /* on GA_ENROLLED through apiCode 1635/1636: what
                             data carried (mfa.mfa_token may be NULL) */
} ga_signin_t;

/* One entry of list-enrolled-factors / list-factors-to-enroll. */
typedef struct ga_factor_entry {
    ga_factor_t type;    /* GA_FACTOR_UNKNOWN for a type this version does not know */
    char type_name[16];  /* the factorType as sent, sanitised */
    char target[GA_MASKED_MAX]; /* list-enrolled-factors: the profile's phone
                                   (ga_mask_phone) or email (ga_mask_email),
                                   masked; "" when absent or malformed */
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

/* OTP enrollment data (send-enroll-factor-request with factorType OTP,
 * data.otpData). Both strings are secrets: release with ga_otp_data_clear. */
typedef struct ga_otp_data {
    char *qr_uri;        /* otpData.qrCodeUri, an otpauth:// URI (checked by
                            the caller with ga_otpauth_parse) */
    char *recovery_code; /* otpData.recoveryCode, NULL if absent */
} ga_otp_data_t;

void ga_otp_data_clear(ga_otp_data_t *d);

/* send-enroll-factor-request for OTP: as ga_parse_send_enroll, and on GA_OK
 * also otp (qr_uri required: a non-empty string of at most 2048 bytes;
 * recovery_code optional, at most 128 printable ASCII bytes). Missing or
 * malformed otpData is GA_ERR_UNAVAIL / BAD_ANSWER. */
ga_status_t ga_parse_send_enroll_otp(const char *body, size_t len, long http_status,
                                     long retry_after_s, char **enrollment_token,
                                     ga_otp_data_t *otp, ga_api_error_t *err);

/* POST /api/v3/mfa-totp-verify: GA_OK only for statusCode 200 with
 * data.verified === true; verified false, apiCode 6001, or a 400/422
 * without apiCode -> GA_ERR_WRONG_CODE; 429 -> GA_ERR_THROTTLED; other 4xx
 * -> GA_ERR_REJECTED; 5xx, garbage, 200 without a boolean verified ->
 * GA_ERR_UNAVAIL. */
ga_status_t ga_parse_totp_verify(const char *body, size_t len, long http_status,
                                 long retry_after_s, ga_api_error_t *err);

/* POST /api/v3/get-management-token: GA_OK with *token (secret, caller
 * wipes and frees) and *expires_in (seconds, 7200 when absent, clamped to
 * 60..86400); 429 -> GA_ERR_THROTTLED (a refusal, never the fail mode);
 * 400/401/403 -> GA_ERR_UNAVAIL with reason APP_CRED (bad user pool
 * id/secret: an admin error); other answers GA_ERR_UNAVAIL. */
ga_status_t ga_parse_mgmt_token(const char *body, size_t len, long http_status,
                                char **token, long *expires_in, ga_api_error_t *err);

/* GET /api/v3/get-mfa-trigger-data: GA_OK with *out filled (mfa_token
 * required); 404 or apiCode 2004 -> GA_ERR_REJECTED (no such user);
 * 401/403 -> GA_ERR_UNAVAIL / APP_CRED; others as usual. */
ga_status_t ga_parse_mfa_trigger(const char *body, size_t len, long http_status,
                                 ga_mfa_trigger_t *out, ga_api_error_t *err);

/* POST /api/v3/send-sms, /api/v3/send-email (envelope only): GA_OK,
 * GA_ERR_THROTTLED (429, 422, apiCode 2080), GA_ERR_REJECTED (other 4xx),
 * GA_ERR_UNAVAIL. */
ga_status_t ga_parse_send_code(const char *body, size_t len, long http_status,
                               long retry_after_s, ga_api_error_t *err);

/* The V2 envelope {"code": int, "message": string, "data"?: ...} of
 * /api/v2/applications/mfa/{sms,email}/verify, /api/v2/mfa/totp/verify and
 * /api/v2/mfa/totp/recovery: GA_OK for code 200 (in a 2xx HTTP answer);
 * 6001, 6002, 2001 -> GA_ERR_WRONG_CODE; 2021 (mfaToken expired), 2300 ->
 * GA_ERR_EXPIRED; 429 -> GA_ERR_THROTTLED; other codes -> GA_ERR_REJECTED;
 * HTTP 5xx without envelope, garbage -> GA_ERR_UNAVAIL. err->status_code
 * carries `code`. new_recovery_code may be NULL; when not NULL and the
 * answer is GA_OK with a string data.recoveryCode (at most 128 printable
 * ASCII bytes), *new_recovery_code is a new string (secret), else NULL. */
ga_status_t ga_parse_v2_verify(const char *body, size_t len, long http_status,
                               long retry_after_s, char **new_recovery_code,
                               ga_api_error_t *err);

#endif
