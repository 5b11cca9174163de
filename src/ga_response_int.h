/* ga_response_int.h - the strict envelope machinery shared by the answer
 * parsers (ga_response.c, ga_response_mfa.c). Internal: not part of the
 * module's API (hidden visibility like everything but pam_sm_*).
 */
#ifndef GA_RESPONSE_INT_H
#define GA_RESPONSE_INT_H

#include <json-c/json.h>
#include <stddef.h>

#include "ga_response.h"

/* A well-formed envelope. root owns everything; the other pointers borrow. */
typedef struct ga_envelope {
    json_object *root;
    json_object *data;   /* NULL when absent or JSON null */
    const char *raw_msg; /* message as sent (may hold NUL, any bytes), or NULL */
    size_t raw_msg_len;
} ga_envelope_t;

/* The key that carries the status: "statusCode" in V3 answers, "code" in
 * the V2 answers of genauth-api.md section 5. */
typedef enum { GA_ENV_V3 = 0, GA_ENV_V2 } ga_env_kind_t;

/* Parse the envelope common to every answer and fill err (reset first:
 * http_status, retry_after_s (-1 when negative), status_code from
 * statusCode (V3: an integer 100..999) or code (V2: an integer
 * 1..1000000000), api_code (optional integer), message (sanitised)).
 * Not JSON / not RFC 8259 (bad UTF-8, raw control characters, repeated
 * keys) / not an object / bad status -> GA_ERR_UNAVAIL with reason HTTP
 * (HTTP status >= 400 or none) or BAD_ANSWER; status 200 outside a 2xx
 * HTTP answer -> GA_ERR_UNAVAIL / HTTP. GA_OK: env holds the tree, the
 * caller releases env->root with json_object_put. GA_ERR_NOMEM. */
ga_status_t ga_resp_open(const char *body, size_t len, long http_status, long retry_after_s,
                         ga_env_kind_t kind, ga_envelope_t *env, ga_api_error_t *err);

/* Member key of obj, or NULL when absent or JSON null (or obj not an object). */
json_object *ga_resp_member(json_object *obj, const char *key);

/* Non-zero if o is a JSON object (NULL is not). */
int ga_resp_is_object(json_object *o);

/* Integer member within [min, max] into *out: 1 ok, 0 absent/null, -1 bad
 * (another type, a float, out of range). */
int ga_resp_int_member(json_object *obj, const char *key, long min, long max, long *out);

/* Set err->reason and return GA_ERR_UNAVAIL: BAD_ANSWER / SERVER. */
ga_status_t ga_resp_bad_answer(ga_api_error_t *err);
ga_status_t ga_resp_server_error(ga_api_error_t *err);

/* A statusCode the call cannot use: 400 -> APP_CRED, other -> SERVER;
 * GA_ERR_UNAVAIL. */
ga_status_t ga_resp_unusable_status(ga_api_error_t *err);

/* statusCode of a send-enroll-factor-request answer: GA_OK for 200 (the
 * caller reads data), GA_ERR_UNAVAIL / SERVER for 5xx, GA_ERR_THROTTLED
 * for 429 and 422, GA_ERR_REJECTED for the rest. */
ga_status_t ga_resp_send_class(ga_api_error_t *err);

/* Copy the string member key of obj (obj may be NULL: then absent) as a
 * token: 1..GA_TOKEN_MAX bytes of printable ASCII without spaces. GA_OK
 * (*out a new string, or NULL when absent/null and !required),
 * GA_ERR_UNAVAIL / BAD_ANSWER in err, GA_ERR_NOMEM. */
ga_status_t ga_resp_take_token(json_object *obj, const char *key, int required, char **out,
                               ga_api_error_t *err);

/* Borrow the text of v when it is a string of 1..max bytes without NUL:
 * *s and *n set, 1; 0 when v is NULL (absent or null); -1 otherwise. */
int ga_resp_str_value(json_object *v, size_t max, const char **s, size_t *n);

/* Does the server message say the token or code expired ("expire" in any
 * case, or the Chinese/Japanese wording)? */
int ga_resp_says_expired(const ga_envelope_t *env);

/* Contact data of a profile or of trigger data, validated like user input
 * (ga_validate.h). Phone: national (string) with cc (string, may be NULL);
 * without a country code "+86" (GenAuth's default) is used to check the
 * number, and *cc_out is "" unless the number carried its own ("+..",
 * "00.."). 0 ok (cc_out and national_out set), -1 invalid (both ""). */
int ga_resp_phone(json_object *national, json_object *cc, char cc_out[GA_CC_MAX],
                  char national_out[GA_NATIONAL_MAX]);

/* Email (string member value): 0 ok (out set), -1 invalid (out ""). */
int ga_resp_email(json_object *email, char out[GA_EMAIL_MAX]);

/* Fill t from a trigger-data object (genauth-api.md section 5): mfaToken
 * (token rules; required or optional), applicationMfa (array of at most
 * GA_FACTOR_LIST_MAX objects {mfaPolicy: string, status: int}),
 * totpMfaEnabled (boolean), mfaPhone + mfaPhoneCountryCode, mfaEmail.
 * Wrong types of mfaToken, applicationMfa and its entries, totpMfaEnabled
 * -> GA_ERR_UNAVAIL / BAD_ANSWER; invalid contact data only disables its
 * factor. GA_OK, GA_ERR_UNAVAIL, GA_ERR_NOMEM; on error t is cleared. */
ga_status_t ga_resp_trigger(json_object *data, int token_required, ga_mfa_trigger_t *t,
                            ga_api_error_t *err);

#endif
