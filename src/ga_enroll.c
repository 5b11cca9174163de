/* ga_enroll.c - enrollment inside the PAM conversation: choose a factor,
 * ask for the phone number or email, POST /api/v3/send-enroll-factor-request,
 * ask for the code, POST /api/v3/enroll-factor. */
#include "config.h"

#include "ga_enroll.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ga_grace.h"
#include "ga_msg.h"
#include "ga_secret.h"
#include "ga_state.h"
#include "ga_text.h"
#include "ga_validate.h"

#define GA_WAIT_MAX 300    /* seconds; cap on a server-suggested wait */

ga_status_t ga_enroll_ask(const ga_flow_env_t *env, const char *note, const char *question,
                          int first, char **answer)
{
    char text[GA_PROMPT_MAX];
    ga_status_t rc;

    snprintf(text, sizeof text, "%s%s%s", note ? note : "",
             note && *note ? "\n" : "", question);
    rc = ga_flow_ask(env, 1, text, answer);
    if (rc == GA_ERR_CONV && first) {
        ga_log(env->lg, LOG_NOTICE,
               "user %s from %s: enrollment not started: the conversation cannot answer "
               "questions (no terminal, or sshd password authentication instead of "
               "keyboard-interactive); noninteractive = %s", env->user, ga_flow_rhost(env),
               env->cfg->noninteractive == GA_NONINTERACTIVE_IGNORE ? "ignore" : "deny");
        return GA_ERR_NONINTERACTIVE;
    }
    if (rc == GA_ERR_CONV) {
        ga_log(env->lg, LOG_NOTICE,
               "user %s from %s: enrollment stopped: the conversation ended (client "
               "gone or Ctrl-D) or cannot answer questions (no terminal, or sshd "
               "password authentication instead of keyboard-interactive)",
               env->user, ga_flow_rhost(env));
        return rc;
    }
    if (rc != GA_OK)
        return rc;
    return ga_flow_check_answer(env, "enrollment", answer);
}

ga_status_t ga_enroll_too_many(const ga_flow_env_t *env, const char *prompt,
                               const char *text)
{
    ga_log(env->lg, LOG_NOTICE, "user %s from %s: too many invalid answers at the %s prompt",
           env->user, ga_flow_rhost(env), prompt);
    env->ui->error(env->ui->ctx, text);
    return GA_ERR_MAXTRIES;
}

static int has_contact(const ga_stash_t *st)
{
    return (st->profile.type == GA_FACTOR_SMS && st->profile.phone[0]) ||
           (st->profile.type == GA_FACTOR_EMAIL && st->profile.email[0]);
}

/* Keep a pending SMS/EMAIL enrollment for a reconnect (ga_state_file
 * refuses any other factor: an OTP enrollment stays in the stash). */
static void save_state(const ga_flow_env_t *env, const ga_stash_t *st)
{
    ga_pending_t p;

    memset(&p, 0, sizeof p);
    p.type = st->profile.type;
    p.enrollment_token = st->enrollment_token; /* borrowed: p is not cleared */
    snprintf(p.masked_target, sizeof p.masked_target, "%s", st->masked_target);
    p.sent_at = st->sent_at;
    p.attempts = st->attempts;
    if (ga_state_save(env->cfg->state_dir, env->user, env->euid, &p, env->lg) != GA_OK)
        ga_log(env->lg, LOG_WARNING,
               "user %s: could not keep the pending enrollment in %s; a reconnect "
               "will need a new code", env->user, env->cfg->state_dir);
}

static void forget_token(const ga_flow_env_t *env, ga_stash_t *st)
{
    ga_stash_drop_token(st);
    (void)ga_state_remove(env->cfg->state_dir, env->user, env->lg);
}

/* Pick up a code sent in an earlier connection (state_dir). */
static ga_status_t resume_from_state(const ga_flow_env_t *env, ga_stash_t *st)
{
    ga_pending_t p;
    ga_status_t rc;

    memset(&p, 0, sizeof p);
    rc = ga_state_load(env->cfg->state_dir, env->user, env->euid, ga_flow_now(env),
                       GA_TOKEN_LIFETIME, &p, env->lg);
    if (rc != GA_OK)
        return rc;
    ga_stash_drop_token(st);
    st->enrollment_token = p.enrollment_token;
    p.enrollment_token = NULL;
    ga_wipe(&st->profile, sizeof st->profile);
    st->profile.type = p.type;
    snprintf(st->masked_target, sizeof st->masked_target, "%s", p.masked_target);
    st->sent_at = p.sent_at;
    st->attempts = p.attempts;
    ga_log(env->lg, LOG_INFO,
           "user %s from %s: resuming the %s enrollment started %llds ago (code "
           "sent to %s)", env->user, ga_flow_rhost(env), ga_factor_name(p.type),
           ga_flow_now(env) - p.sent_at, p.masked_target);
    ga_pending_clear(&p);
    return GA_OK;
}

/* Ask for the phone number or email the code goes to. first: this is the
 * first prompt of the enrollment (the menu was skipped). */
static ga_status_t ask_target(const ga_flow_env_t *env, ga_stash_t *st, ga_factor_t f,
                              int first)
{
    char question[GA_PROMPT_MAX], *answer = NULL;
    const char *note = "";
    ga_profile_t *p = &st->profile;

    if (f == GA_FACTOR_SMS)
        snprintf(question, sizeof question,
                 GA_T(env, "Mobile phone number (default %s): "),
                 env->cfg->phone_country_code);
    else
        snprintf(question, sizeof question, "%s", GA_T(env, "Email address for codes: "));
    for (int tries = 0; tries < GA_INPUT_TRIES; tries++) {
        const char *why = NULL;
        ga_status_t rc = ga_enroll_ask(env, note, question, first && tries == 0, &answer);
        if (rc == GA_ERR_INPUT) {
            note = GA_T(env, "That answer is too long.");
            continue;
        }
        if (rc != GA_OK)
            return rc;
        ga_wipe(p, sizeof *p);
        p->type = f;
        if (f == GA_FACTOR_SMS)
            rc = ga_parse_phone(answer, env->cfg->phone_country_code, p->phone_cc,
                                p->phone, &why);
        else if ((rc = ga_validate_email(answer, &why)) == GA_OK)
            snprintf(p->email, sizeof p->email, "%s", answer);
        ga_free_secret(answer);
        if (rc == GA_OK) {
            if (f == GA_FACTOR_SMS)
                ga_mask_phone(p->phone_cc, p->phone, st->masked_target,
                              sizeof st->masked_target);
            else
                ga_mask_email(p->email, st->masked_target, sizeof st->masked_target);
            return GA_OK;
        }
        ga_wipe(p, sizeof *p);
        note = why ? ga_tr(env->cfg->lang, why) : "";
    }
    return ga_enroll_too_many(env, f == GA_FACTOR_SMS ? "phone number" : "email address",
                    GA_T(env, "Too many invalid answers."));
}

/* "Send a new code to X? [y/N]". GA_OK for yes; waits out `until` (seconds
 * since the epoch) by telling the user how long is left. */
static ga_status_t offer_new_code(const ga_flow_env_t *env, const ga_stash_t *st,
                                  const char *why, long long until)
{
    char note[GA_NOTE_MAX], question[GA_PROMPT_MAX], *answer = NULL;

    snprintf(note, sizeof note, "%s", why);
    snprintf(question, sizeof question, GA_T(env, "Send a new code to %s? [y/N]: "),
             st->masked_target);
    for (int tries = 0; tries < GA_INPUT_TRIES; tries++) {
        long long left;
        int yes, no;
        ga_status_t rc = ga_enroll_ask(env, note, question, 0, &answer);
        if (rc == GA_ERR_INPUT) {
            snprintf(note, sizeof note, "%s", GA_T(env, "That answer is too long."));
            continue;
        }
        if (rc != GA_OK)
            return rc;
        yes = strcasecmp(answer, "y") == 0 || strcasecmp(answer, "yes") == 0;
        no = strcasecmp(answer, "n") == 0 || strcasecmp(answer, "no") == 0;
        ga_free_secret(answer);
        if (no) {
            ga_log(env->lg, LOG_NOTICE, "user %s from %s: declined a new code; enrollment "
                   "cancelled", env->user, ga_flow_rhost(env));
            return GA_ERR_CANCELLED;
        }
        left = until - ga_flow_now(env);
        if (yes && left <= 0)
            return GA_OK;
        if (yes)
            snprintf(note, sizeof note, GA_T(env, "Please wait %lld more seconds."), left);
        else
            snprintf(note, sizeof note, "%s", GA_T(env, "Answer y or n."));
    }
    return ga_enroll_too_many(env, "new code",
                    until > ga_flow_now(env)
                        ? GA_T(env, "Still too early for a new code. Log in again later.")
                        : GA_T(env, "Too many invalid answers."));
}

/* POST send-enroll-factor-request, bounded by max_sends per login and
 * max_sends_per_hour per user; on a throttle tell the user how long to wait
 * and offer to try again. */
static ga_status_t send_code(const ga_flow_env_t *env, ga_stash_t *st)
{
    ga_status_t rc;

    for (;;) {
        ga_api_error_t err = {0};
        char *token = NULL, why[GA_NOTE_MAX], shown[GA_SERVER_MSG_SHOWN];
        long wait;

        if ((rc = ga_flow_count_send(env, st, "")) != GA_OK ||
            (rc = ga_flow_reserve_hourly(env)) != GA_OK)
            return rc;
        rc = env->api->send_enroll(env->api->ctx, st->access_token, &st->profile,
                                   &token, &err);
        if (rc == GA_OK) {
            ga_stash_drop_token(st);
            st->enrollment_token = token;
            st->sent_at = ga_flow_now(env);
            save_state(env, st);
            ga_log(env->lg, LOG_INFO, "user %s from %s: %s enrollment code sent to %s",
                   env->user, ga_flow_rhost(env), ga_factor_name(st->profile.type),
                   st->masked_target);
            return GA_OK;
        }
        if (rc == GA_ERR_UNAVAIL)
            ga_flow_log_unavail(env, "send-enroll-factor-request", &err);
        if (rc != GA_ERR_THROTTLED) {
            if (rc == GA_ERR_REJECTED) {
                ga_log(env->lg, LOG_NOTICE,
                       "user %s from %s: GenAuth refused to send a code to %s: "
                       "statusCode %ld, apiCode %ld, message \"%s\"",
                       env->user, ga_flow_rhost(env), st->masked_target,
                       err.status_code, err.api_code, err.message);
                snprintf(why, sizeof why, GA_T(env, "GenAuth did not send a code: %.48s"),
                         ga_flow_server_message(env, &err, shown, sizeof shown));
                env->ui->error(env->ui->ctx, why);
            }
            return rc;
        }
        wait = err.retry_after_s > 0 ? err.retry_after_s : GA_TOKEN_LIFETIME;
        if (wait > GA_WAIT_MAX)
            wait = GA_WAIT_MAX;
        ga_log(env->lg, LOG_NOTICE,
               "user %s from %s: GenAuth throttled the code to %s (statusCode %ld); "
               "asked the user to wait %lds", env->user, ga_flow_rhost(env),
               st->masked_target, err.status_code, wait);
        snprintf(why, sizeof why,
                 GA_T(env, "GenAuth sends one code per minute. Wait %ld seconds."), wait);
        rc = offer_new_code(env, st, why, ga_flow_now(env) + wait);
        if (rc != GA_OK)
            return rc;
    }
}

static int token_expired(const ga_flow_env_t *env, const ga_stash_t *st)
{
    return ga_flow_now(env) - st->sent_at >= GA_TOKEN_LIFETIME;
}

static ga_status_t bound(const ga_flow_env_t *env, ga_stash_t *st)
{
    char msg[GA_PROMPT_MAX];

    forget_token(env, st);
    ga_log(env->lg, LOG_INFO, "user %s from %s: %s factor bound (%s)", env->user,
           ga_flow_rhost(env), ga_factor_name(st->profile.type), st->masked_target);
    /* SMS/EMAIL are verified later only through the Management API: an
     * admin who offers them without its credentials must hear of it */
    if (!ga_config_sms_email_ok(env->cfg))
        ga_log(env->lg, LOG_WARNING,
               "user %s: %s was enrolled, but without userpool_id and userpool_secret it "
               "cannot be verified: the user will be refused at the next login (set them, "
               "or list only OTP in factors)", env->user, ga_factor_name(st->profile.type));
    snprintf(msg, sizeof msg, GA_T(env, "Two-factor authentication is set up: %s %s."),
             ga_tr(env->cfg->lang, ga_factor_short(st->profile.type)), st->masked_target);
    env->ui->info(env->ui->ctx, msg);
    ga_enroll_done(env);
    return GA_OK;
}

ga_status_t ga_enroll_wrong_code(const ga_flow_env_t *env, ga_stash_t *st, char *note)
{
    int otp = st->profile.type == GA_FACTOR_OTP; /* kept in the stash only */
    long left;

    st->attempts++;
    left = env->cfg->max_attempts - st->attempts;
    ga_log(env->lg, LOG_NOTICE, "user %s from %s: wrong %s enrollment code (%d of %ld)",
           env->user, ga_flow_rhost(env), ga_factor_name(st->profile.type),
           st->attempts, env->cfg->max_attempts);
    if (left <= 0) {
        if (otp)
            ga_stash_drop_token(st);
        else
            forget_token(env, st);
        env->ui->error(env->ui->ctx,
                       otp ? GA_T(env, "Too many wrong codes. Log in again to start over.")
                           : GA_T(env, "Too many wrong codes. Log in again to get a new "
                                       "code."));
        return GA_ERR_MAXTRIES;
    }
    if (!otp)
        save_state(env, st);
    ga_flow_tries_left(env, left, note, GA_NOTE_MAX);
    return GA_OK;
}

ga_status_t ga_enroll_bind_failed(const ga_flow_env_t *env, const ga_stash_t *st,
                                  ga_status_t rc, const ga_api_error_t *err)
{
    if (rc == GA_ERR_UNAVAIL) {
        ga_flow_log_unavail(env, "enroll-factor", err);
        return rc;
    }
    ga_log(env->lg, LOG_NOTICE,
           "user %s from %s: GenAuth refused the %sbinding: statusCode %ld, apiCode %ld, "
           "message \"%s\"", env->user, ga_flow_rhost(env),
           st->profile.type == GA_FACTOR_OTP ? "OTP " : "", err->status_code, err->api_code,
           err->message);
    if (rc == GA_ERR_THROTTLED)
        env->ui->error(env->ui->ctx, GA_T(env, "GenAuth is busy. Try again in a minute."));
    else if (rc == GA_ERR_REJECTED)
        env->ui->error(env->ui->ctx, GA_T(env, "GenAuth did not accept the code. Contact "
                                               "your administrator if this persists."));
    return rc;
}

/* Ask for the code and bind it. GA_ERR_EXPIRED: the token is gone (locally
 * older than its lifetime, or GenAuth said so); the caller offers a new one. */
static ga_status_t ask_and_bind(const ga_flow_env_t *env, ga_stash_t *st)
{
    char note[GA_NOTE_MAX] = "", question[GA_PROMPT_MAX], *code = NULL;
    const char *reason = NULL;
    int invalid = 0;

    snprintf(question, sizeof question, GA_T(env, "Code sent to %s. Enter code: "),
             st->masked_target);
    while (!token_expired(env, st)) {
        ga_api_error_t err = {0};
        ga_status_t rc = ga_enroll_ask(env, note, question, 0, &code);
        if (rc == GA_ERR_INPUT)
            reason = GA_N_("That answer is too long.");
        else if (rc != GA_OK)
            return rc;
        if (rc == GA_OK)
            ga_code_compact(code);
        if (rc == GA_ERR_INPUT || ga_validate_code(code, &reason) != GA_OK) {
            ga_free_secret(code);
            code = NULL;
            if (++invalid >= GA_INPUT_TRIES)
                return ga_enroll_too_many(env, "code", GA_T(env, "Too many invalid answers."));
            snprintf(note, sizeof note, "%s", ga_tr(env->cfg->lang, reason));
            continue;
        }
        if (token_expired(env, st)) {
            ga_free_secret(code);
            break;
        }
        rc = env->api->enroll(env->api->ctx, st->access_token, st->profile.type,
                              st->enrollment_token, code, &err);
        ga_free_secret(code);
        code = NULL;
        if (rc == GA_OK)
            return bound(env, st);
        if (rc == GA_ERR_WRONG_CODE) {
            if ((rc = ga_enroll_wrong_code(env, st, note)) != GA_OK)
                return rc;
            continue;
        }
        if (rc == GA_ERR_EXPIRED)
            break;
        return ga_enroll_bind_failed(env, st, rc, &err);
    }
    ga_log(env->lg, LOG_INFO, "user %s from %s: the %s enrollment code expired",
           env->user, ga_flow_rhost(env), ga_factor_name(st->profile.type));
    forget_token(env, st);
    return GA_ERR_EXPIRED;
}

void ga_enroll_done(const ga_flow_env_t *env)
{
    if (ga_grace_reset(env->cfg, env->user, env->lg) != GA_OK)
        ga_log(env->lg, LOG_WARNING,
               "user %s: enrolled, but the postponement count in %s could not be reset",
               env->user, env->cfg->state_dir);
}

ga_status_t ga_enroll_run(const ga_flow_env_t *env, ga_stash_t *st)
{
    ga_status_t rc = GA_OK;
    int first = 1; /* no prompt yet, nothing sent */

    if (st->enrollment_token && st->profile.type == GA_FACTOR_OTP)
        return ga_enroll_otp(env, st);
    if (!st->enrollment_token) {
        rc = resume_from_state(env, st);
        if (rc != GA_OK && rc != GA_ERR_NOT_FOUND)
            return rc;
    }
    for (int round = 0; round <= env->cfg->max_sends; round++) {
        if (!st->enrollment_token) {
            ga_factor_t f = GA_FACTOR_UNKNOWN;
            int asked = 0;

            if (!has_contact(st)) {
                rc = ga_enroll_choose(env, st, first && !st->sent_at, &f, &asked);
                if (rc == GA_OK && f == GA_FACTOR_OTP)
                    return ga_enroll_otp(env, st);
                if (rc == GA_OK)
                    rc = ask_target(env, st, f, first && !asked && !st->sent_at);
                if (rc != GA_OK)
                    return rc;
            }
            if ((rc = send_code(env, st)) != GA_OK)
                return rc;
        }
        first = 0;
        if (env->step == GA_STEP_REQUEST)
            return GA_IGNORE;
        rc = ask_and_bind(env, st);
        if (rc != GA_ERR_EXPIRED)
            return rc;
        if (!has_contact(st)) {
            env->ui->info(env->ui->ctx,
                          GA_T(env, "The code has expired. Please set up again."));
            continue;
        }
        if ((rc = offer_new_code(env, st, GA_T(env, "The code has expired."), 0)) != GA_OK)
            return rc;
    }
    return GA_ERR_MAXTRIES;
}
