/* ga_enroll.h - the enrollment part of the login flow, and the helpers the
 * flow's files share (ga_flow.c, the ga_enroll*.c and, through
 * ga_verify_int.h, the ga_verify*.c). Internal to the flow. */
#ifndef GA_ENROLL_H
#define GA_ENROLL_H

#include "ga_flow.h"

#define GA_INPUT_TRIES 3   /* invalid answers (per prompt; per verification) */
#define GA_PROMPT_MAX 480  /* bytes; PAM_MAX_MSG_SIZE is 512 */
#define GA_NOTE_MAX 160    /* bytes of a note shown above a question */

/* Steps 3-4 of ga_flow.h for a signed-in user without a factor (or with a
 * pending code in the stash): choose a factor, ask for the phone/email, send
 * the code, ask for it and bind it. Honours env->step (request: stop after
 * the send with GA_IGNORE; bind: start at the code prompt). A pending OTP
 * enrollment in the stash goes to ga_enroll_otp. Besides ga_flow_run's
 * results: GA_POSTPONED (the user answered `later`), GA_ERR_NONINTERACTIVE
 * (the first prompt, before anything was sent, failed). */
ga_status_t ga_enroll_run(const ga_flow_env_t *env, ga_stash_t *st);

/* The factor menu (ga_enroll_menu.c): GET /api/v3/list-factors-to-enroll,
 * the factors of cfg->factors that GenAuth offers, and `later` when
 * ga_grace_check offers it. The menu is skipped (*asked 0) only for a
 * single SMS or EMAIL choice without grace. first: the menu is the first
 * prompt of the enrollment (a conversation error is then
 * GA_ERR_NONINTERACTIVE). Returns GA_OK with *out, GA_POSTPONED (recorded
 * with ga_grace_use), GA_ERR_CONFIG (nothing in common), GA_ERR_MAXTRIES,
 * GA_ERR_CANCELLED, GA_ERR_CONV, GA_ERR_NONINTERACTIVE, API errors. */
ga_status_t ga_enroll_choose(const ga_flow_env_t *env, const ga_stash_t *st, int first,
                             ga_factor_t *out, int *asked);

/* Enroll an authenticator app (OTP) for a signed-in user (ga_enroll_otp.c):
 * POST /api/v3/send-enroll-factor-request {factorType OTP, profile {}},
 * check otpData.qrCodeUri (ga_otpauth_parse), show the QR code (cfg->qr),
 * the secret in groups of four, issuer, account and recovery code
 * (ga_ui_show), ask for the current code (ECHO_ON, otpauth digits) and
 * POST /api/v3/enroll-factor {OTP, enrollmentToken, {passCode}}.
 * Wrong code: asked again up to cfg->max_attempts. Expired token: offers a
 * new QR code (a new secret), bounded with SMS/EMAIL codes by
 * cfg->max_sends per login; not counted in max_sends_per_hour (no message
 * is sent). The pending enrollment (token, digits) is kept only in st,
 * never in state_dir; the secret, URI, recovery code and QR drawing are
 * wiped once shown. env->step: request = send and show, then GA_IGNORE;
 * bind = resume at the code prompt (a new QR code when it expired); both =
 * everything. Returns GA_OK (bound; grace reset), GA_IGNORE, GA_ERR_UNAVAIL
 * (also for a bad otpauth URI: nothing shown), GA_ERR_MAXTRIES,
 * GA_ERR_CANCELLED, GA_ERR_CONV, GA_ERR_REJECTED, GA_ERR_THROTTLED,
 * GA_ERR_NOMEM. */
ga_status_t ga_enroll_otp(const ga_flow_env_t *env, ga_stash_t *st);

/* Ask an ECHO_ON question with an optional note line above it. The answer
 * is trimmed; an empty answer cancels (GA_ERR_CANCELLED, logged); one
 * longer than GA_ANSWER_MAX is GA_ERR_INPUT (ask again). A conversation
 * error is GA_ERR_CONV (logged), or GA_ERR_NONINTERACTIVE (logged) when
 * `first` says nothing was asked or sent in this enrollment yet. On GA_OK
 * *answer is a new string: the caller wipes and frees it. */
ga_status_t ga_enroll_ask(const ga_flow_env_t *env, const char *note, const char *question,
                          int first, char **answer);

/* The one log line (naming the prompt) and error message `text` when the
 * user gave up on a prompt. Returns GA_ERR_MAXTRIES. */
ga_status_t ga_enroll_too_many(const ga_flow_env_t *env, const char *prompt,
                               const char *text);

/* A wrong enrollment code for the pending factor in st: counts it in
 * st->attempts against cfg->max_attempts (one log line). GA_OK with the
 * tries left in note (GA_NOTE_MAX bytes) to ask again; a pending SMS/EMAIL
 * enrollment is saved with its new count in state_dir (an OTP one lives in
 * the stash only). GA_ERR_MAXTRIES when no try is left: the token is
 * dropped (and the state_dir file removed) and the user told. */
ga_status_t ga_enroll_wrong_code(const ga_flow_env_t *env, ga_stash_t *st, char *note);

/* POST /api/v3/enroll-factor failed with rc (not GA_ERR_WRONG_CODE or
 * GA_ERR_EXPIRED, which the caller handles) for the pending factor in st:
 * the one log line (GA_ERR_UNAVAIL: ga_flow_log_unavail; others: GenAuth
 * refused the binding) and, for GA_ERR_THROTTLED / GA_ERR_REJECTED, the
 * user message. Returns rc. */
ga_status_t ga_enroll_bind_failed(const ga_flow_env_t *env, const ga_stash_t *st,
                                  ga_status_t rc, const ga_api_error_t *err);

/* After a factor was bound: forget the user's postponements
 * (ga_grace_reset; a failure is logged, not fatal). */
void ga_enroll_done(const ga_flow_env_t *env);

/* The flow's clock, in seconds since the epoch. */
long long ga_flow_now(const ga_flow_env_t *env);

/* PAM_RHOST for log lines, "-" when unknown. */
const char *ga_flow_rhost(const ga_flow_env_t *env);

/* Ask through env->ui. GA_OK with *answer (caller wipes and frees),
 * GA_ERR_CONV when the conversation failed or answered NULL, GA_ERR_NOMEM. */
ga_status_t ga_flow_ask(const ga_flow_env_t *env, int echo_on, const char *text,
                        char **answer);

/* Check an answer ga_flow_ask returned for a question: one longer than
 * GA_ANSWER_MAX is wiped and GA_ERR_INPUT (refused as it came, never
 * trimmed into shape; the caller asks again); otherwise it is trimmed in
 * place, and an empty one is wiped and GA_ERR_CANCELLED, logged as
 * "<context> cancelled by the user" (context: "enrollment",
 * "verification"). On GA_OK *answer stays the caller's to wipe and free;
 * otherwise it is NULL. */
ga_status_t ga_flow_check_answer(const ga_flow_env_t *env, const char *context,
                                 char **answer);

/* The note after a wrong code with `left` (>= 1) tries left ("Wrong code.
 * N tries left."), translated, into note (notelen bytes). */
void ga_flow_tries_left(const ga_flow_env_t *env, long left, char *note, size_t notelen);

/* max_sends per login, for every code or OTP key sent: GA_OK with one
 * more send counted in st->sends, or GA_ERR_MAXTRIES (logged, `tail`
 * appended to the log line; the user is told). */
ga_status_t ga_flow_count_send(const ga_flow_env_t *env, ga_stash_t *st, const char *tail);

/* max_sends_per_hour per user across logins, for every message sent
 * (ga_sendlog_reserve in cfg->state_dir): GA_OK (reserved),
 * GA_ERR_MAXTRIES (logged; the user is told how many minutes to wait), or
 * ga_sendlog_reserve's errors. */
ga_status_t ga_flow_reserve_hourly(const ga_flow_env_t *env);

/* Bytes of a server message shown to the user, NUL included (the texts
 * show it with %.48s). */
#define GA_SERVER_MSG_SHOWN 49

/* The `message` of a GenAuth answer for the user, into out (outlen bytes
 * incl. the NUL): err->message_utf8 (Chinese text kept) when cfg->lang is
 * zh-CN, else err->message (ASCII); "request refused" (translated) when the
 * answer had none; cut on a character boundary with "..." (ga_utf8_cut).
 * Log lines use err->message. Returns out. */
const char *ga_flow_server_message(const ga_flow_env_t *env, const ga_api_error_t *err,
                                   char *out, size_t outlen);

/* The one admin line for a GA_ERR_UNAVAIL at API call `call`. */
void ga_flow_log_unavail(const ga_flow_env_t *env, const char *call,
                         const ga_api_error_t *err);

#endif
