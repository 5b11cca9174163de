/* ga_verify_int.h - what ga_verify.c and ga_verify_mfa.c share. Internal
 * to the verification of an enrolled user (ga_verify.h). */
#ifndef GA_VERIFY_INT_H
#define GA_VERIFY_INT_H

#include "ga_enroll.h" /* GA_PROMPT_MAX, GA_NOTE_MAX, GA_INPUT_TRIES, flow helpers */
#include "ga_verify.h"

/* One verification: what it learnt and how far it got. Holds secrets
 * (trig.mfa_token) and contact data (trig): ga_verify_run wipes it. */
typedef struct ga_verify_ctx {
    const ga_flow_env_t *env;
    ga_stash_t *st;
    ga_mfa_trigger_t trig;          /* owned copy, valid when have_trig */
    int have_trig;
    int refetched;                  /* the one new fetch after an expiry is used */
    int wrong;                      /* wrong codes so far (max_attempts) */
    int invalid;                    /* answers that failed validation */
    char note[GA_NOTE_MAX];  /* shown above the next prompt, then cleared */
} ga_verify_ctx_t;

/* In ga_verify_code.c -------------------------------------------------- */

/* Ask an ECHO_ON question with v->note above it (the note is then
 * cleared). GA_OK with *answer trimmed and non-empty (caller wipes and
 * frees); GA_ERR_INPUT for an answer longer than GA_ANSWER_MAX (never
 * trimmed into shape); GA_ERR_CANCELLED for an empty one; GA_ERR_CONV,
 * GA_ERR_NOMEM. Cancel and conversation end are logged. */
ga_status_t ga_verify_ask(ga_verify_ctx_t *v, const char *question, char **answer);

/* An answer at `prompt` failed validation for reason (an en-US text,
 * translated here): GA_OK with the reason in v->note for the next prompt,
 * or GA_ERR_MAXTRIES (logged, user told) after 3 in one verification. */
ga_status_t ga_verify_invalid(ga_verify_ctx_t *v, const char *prompt, const char *reason);

/* Ask for a code (ECHO_ON) with v->note above question. GA_OK with *code
 * (4-8 digits; caller wipes and frees), or, when allow_recovery, *recovery
 * set for the answer "recovery" (*code NULL). Invalid answers are asked
 * again with the reason; GA_ERR_MAXTRIES after too many, GA_ERR_CANCELLED
 * for an empty answer, GA_ERR_CONV, GA_ERR_NOMEM. */
ga_status_t ga_verify_ask_code(ga_verify_ctx_t *v, const char *question, int allow_recovery,
                               char **code, int *recovery);

/* Check code with GenAuth for factor f (recovery: a recovery code, f is
 * OTP) and give the outcome, with its one log line and user message. OTP
 * with an access token: POST /api/v3/mfa-totp-verify; otherwise the V2
 * endpoints with Bearer trig.mfa_token. An expired mfaToken (2021) gets
 * new trigger data once (Management API) and the same code again.
 * target: masked, for the log line, or NULL. *new_recovery (may be NULL):
 * see ga_api_ops_t.totp_recovery. Returns GA_OK (verified),
 * GA_ERR_WRONG_CODE (counted; ask again: v->note says how many tries are
 * left), GA_ERR_MAXTRIES, GA_ERR_EXPIRED, or the API error. */
ga_status_t ga_verify_code(ga_verify_ctx_t *v, ga_factor_t f, int recovery, const char *target,
                           const char *code, char **new_recovery);

/* The one log line and user message for a failed API call `call`
 * (GA_ERR_UNAVAIL, GA_ERR_THROTTLED, GA_ERR_REJECTED, others). Returns rc. */
ga_status_t ga_verify_api_fail(ga_verify_ctx_t *v, const char *call, ga_status_t rc,
                               const ga_api_error_t *err);

/* Tell the user their factor cannot be used here (after the admin line). */
ga_status_t ga_verify_no_method(ga_verify_ctx_t *v);

/* In ga_verify_mfa.c --------------------------------------------------- */

/* GET /api/v3/get-mfa-trigger-data through the Management API (userId =
 * ga_config_identifier, userIdType from login_field: username, email,
 * phone; account -> username) into v->trig (the old data is wiped).
 * GA_OK, GA_ERR_NO_METHOD (no credentials), GA_ERR_REJECTED (unknown
 * user), GA_ERR_UNAVAIL, GA_ERR_THROTTLED, GA_ERR_NOMEM; logged. */
ga_status_t ga_verify_fetch_trigger(ga_verify_ctx_t *v);

/* Verify an SMS or EMAIL factor (f): trigger data (fetched when missing),
 * send limits (max_sends per login, max_sends_per_hour via ga_sendlog),
 * POST /api/v3/send-sms or send-email (CHANNEL_VERIFY_MFA), the code
 * prompt and the V2 verify with Bearer mfaToken. */
ga_status_t ga_verify_mfa(ga_verify_ctx_t *v, ga_factor_t f);

#endif
