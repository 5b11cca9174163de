/* ga_enroll.c - enrollment inside the PAM conversation: choose a factor,
 * ask for the phone number or email, POST /api/v3/send-enroll-factor-request,
 * ask for the code, POST /api/v3/enroll-factor. */
#include "config.h"

#include "ga_enroll.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ga_secret.h"
#include "ga_sendlog.h"
#include "ga_state.h"
#include "ga_text.h"
#include "ga_validate.h"

#define GA_INPUT_TRIES 3   /* invalid answers in a row before giving up */
#define GA_PROMPT_MAX 480  /* bytes; PAM_MAX_MSG_SIZE is 512 */
#define GA_NOTE_MAX 160
#define GA_WAIT_MAX 300    /* seconds; cap on a server-suggested wait */
#define GA_TOO_LONG "That answer is too long."

/* Ask an ECHO_ON question, with an optional note line above it. The answer
 * is trimmed; an empty answer cancels; one longer than GA_ANSWER_MAX is
 * GA_ERR_INPUT (the caller asks again with GA_TOO_LONG). */
static ga_status_t ask_line(const ga_flow_env_t *env, const char *note,
                            const char *question, char **answer)
{
    char text[GA_PROMPT_MAX];
    ga_status_t rc;

    snprintf(text, sizeof text, "%s%s%s", note ? note : "",
             note && *note ? "\n" : "", question);
    rc = ga_flow_ask(env, 1, text, answer);
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
    /* over-long is refused as it came, never trimmed or cut into shape */
    if (strlen(*answer) > GA_ANSWER_MAX) {
        ga_free_secret(*answer);
        *answer = NULL;
        return GA_ERR_INPUT;
    }
    ga_trim(*answer);
    if (**answer == '\0') {
        ga_free_secret(*answer);
        *answer = NULL;
        ga_log(env->lg, LOG_NOTICE, "user %s from %s: enrollment cancelled by the user",
               env->user, ga_flow_rhost(env));
        return GA_ERR_CANCELLED;
    }
    return GA_OK;
}

/* The one log line and message when the user gave up on a prompt. */
static ga_status_t too_many(const ga_flow_env_t *env, const char *prompt, const char *text)
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

/* The factors the user may enroll: config order, offered by GenAuth,
 * enrollable in a terminal. */
static ga_status_t offered_factors(const ga_flow_env_t *env, const ga_stash_t *st,
                                   ga_factor_t *choices, size_t *n)
{
    ga_factor_list_t list;
    ga_api_error_t err = {0};
    ga_status_t rc;

    memset(&list, 0, sizeof list);
    *n = 0;
    rc = env->api->list_to_enroll(env->api->ctx, st->access_token, &list, &err);
    if (rc == GA_ERR_UNAVAIL)
        ga_flow_log_unavail(env, "list-factors-to-enroll", &err);
    if (rc != GA_OK)
        return rc;
    for (size_t i = 0; i < env->cfg->n_factors; i++) {
        ga_factor_t f = env->cfg->factors[i];
        for (size_t j = 0; j < list.n && ga_factor_enrollable(f); j++)
            if (list.items[j].type == f) {
                choices[(*n)++] = f;
                break;
            }
    }
    if (*n == 0) {
        ga_log(env->lg, LOG_ERR,
               "user %s: none of the configured factors can be enrolled: GenAuth "
               "offers %zu factor type(s) to this user, none of them in `factors`",
               env->user, list.n);
        env->ui->error(env->ui->ctx,
                       "No two-factor method can be set up for your account. "
                       "Contact your administrator.");
        return GA_ERR_CONFIG;
    }
    return GA_OK;
}

static ga_status_t choose_factor(const ga_flow_env_t *env, const ga_stash_t *st,
                                 ga_factor_t *out)
{
    ga_factor_t choices[GA_FACTOR_MAX];
    char menu[GA_PROMPT_MAX], *answer = NULL;
    const char *note = "";
    size_t n = 0, len;
    ga_status_t rc = offered_factors(env, st, choices, &n);

    if (rc != GA_OK)
        return rc;
    if (n == 1) {
        *out = choices[0];
        env->ui->info(env->ui->ctx, "Set up two-factor authentication for your account.");
        return GA_OK;
    }
    len = (size_t)snprintf(menu, sizeof menu,
                           "Set up two-factor authentication for your account.\n");
    for (size_t i = 0; i < n && len < sizeof menu; i++)
        len += (size_t)snprintf(menu + len, sizeof menu - len, "  %zu) %s\n", i + 1,
                                ga_factor_label(choices[i]));
    if (len < sizeof menu)
        snprintf(menu + len, sizeof menu - len, "Choose 1-%zu: ", n);
    for (int tries = 0; tries < GA_INPUT_TRIES; tries++) {
        int idx;
        rc = ask_line(env, note, menu, &answer);
        if (rc == GA_ERR_INPUT) {
            note = GA_TOO_LONG;
            continue;
        }
        if (rc != GA_OK)
            return rc;
        idx = ga_parse_menu_choice(answer, choices, n, &note);
        ga_free_secret(answer);
        if (idx >= 0) {
            *out = choices[idx];
            return GA_OK;
        }
    }
    return too_many(env, "factor menu", "Too many invalid answers.");
}

/* Ask for the phone number or email the code goes to. */
static ga_status_t ask_target(const ga_flow_env_t *env, ga_stash_t *st, ga_factor_t f)
{
    char question[GA_PROMPT_MAX], *answer = NULL;
    const char *note = "";
    ga_profile_t *p = &st->profile;

    if (f == GA_FACTOR_SMS)
        snprintf(question, sizeof question,
                 "Mobile phone number (default %s): ",
                 env->cfg->phone_country_code);
    else
        snprintf(question, sizeof question, "Email address for codes: ");
    for (int tries = 0; tries < GA_INPUT_TRIES; tries++) {
        ga_status_t rc = ask_line(env, note, question, &answer);
        if (rc == GA_ERR_INPUT) {
            note = GA_TOO_LONG;
            continue;
        }
        if (rc != GA_OK)
            return rc;
        ga_wipe(p, sizeof *p);
        p->type = f;
        if (f == GA_FACTOR_SMS)
            rc = ga_parse_phone(answer, env->cfg->phone_country_code, p->phone_cc,
                                p->phone, &note);
        else if ((rc = ga_validate_email(answer, &note)) == GA_OK)
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
    }
    return too_many(env, f == GA_FACTOR_SMS ? "phone number" : "email address",
                    "Too many invalid answers.");
}

/* "Send a new code to X? [y/N]". GA_OK for yes; waits out `until` (seconds
 * since the epoch) by telling the user how long is left. */
static ga_status_t offer_new_code(const ga_flow_env_t *env, const ga_stash_t *st,
                                  const char *why, long long until)
{
    char note[GA_NOTE_MAX], question[GA_PROMPT_MAX], *answer = NULL;

    snprintf(note, sizeof note, "%s", why);
    snprintf(question, sizeof question, "Send a new code to %s? [y/N]: ",
             st->masked_target);
    for (int tries = 0; tries < GA_INPUT_TRIES; tries++) {
        long long left;
        int yes, no;
        ga_status_t rc = ask_line(env, note, question, &answer);
        if (rc == GA_ERR_INPUT) {
            snprintf(note, sizeof note, "%s", GA_TOO_LONG);
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
            snprintf(note, sizeof note, "Please wait %lld more seconds.", left);
        else
            snprintf(note, sizeof note, "Answer y or n.");
    }
    return too_many(env, "new code",
                    until > ga_flow_now(env)
                        ? "Still too early for a new code. Log in again later."
                        : "Too many invalid answers.");
}

/* The per-user hourly limit, across logins (max_sends_per_hour). */
static ga_status_t reserve_send(const ga_flow_env_t *env)
{
    long long retry_at = 0, minutes;
    char msg[GA_NOTE_MAX];
    ga_status_t rc = ga_sendlog_reserve(env->cfg->state_dir, env->user, env->euid,
                                        ga_flow_now(env), env->cfg->max_sends_per_hour,
                                        &retry_at, env->lg);

    if (rc != GA_ERR_THROTTLED)
        return rc;
    minutes = (retry_at - ga_flow_now(env) + 59) / 60;
    if (minutes < 1)
        minutes = 1;
    ga_log(env->lg, LOG_NOTICE,
           "user %s from %s: limit of %ld codes per hour reached; no code sent",
           env->user, ga_flow_rhost(env), env->cfg->max_sends_per_hour);
    snprintf(msg, sizeof msg, "Too many codes were sent to you recently. Try again in %lld "
             "minute%s.", minutes, minutes == 1 ? "" : "s");
    env->ui->error(env->ui->ctx, msg);
    return GA_ERR_MAXTRIES;
}

/* POST send-enroll-factor-request, bounded by max_sends per login and
 * max_sends_per_hour per user; on a throttle tell the user how long to wait
 * and offer to try again. */
static ga_status_t send_code(const ga_flow_env_t *env, ga_stash_t *st)
{
    ga_status_t rc;

    for (;;) {
        ga_api_error_t err = {0};
        char *token = NULL, why[GA_NOTE_MAX];
        long wait;

        if (st->sends >= env->cfg->max_sends) {
            ga_log(env->lg, LOG_NOTICE, "user %s from %s: limit of %ld codes per login reached",
                   env->user, ga_flow_rhost(env), env->cfg->max_sends);
            env->ui->error(env->ui->ctx, "Too many codes sent. Try again later.");
            return GA_ERR_MAXTRIES;
        }
        st->sends++;
        if ((rc = reserve_send(env)) != GA_OK)
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
                snprintf(why, sizeof why, "GenAuth did not send a code: %.48s",
                         err.message[0] ? err.message : "request refused");
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
        snprintf(why, sizeof why, "GenAuth sends one code per minute. Wait %ld seconds.",
                 wait);
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
    snprintf(msg, sizeof msg, "Two-factor authentication is set up: %s %s.",
             ga_factor_short(st->profile.type), st->masked_target);
    env->ui->info(env->ui->ctx, msg);
    return GA_OK;
}

static ga_status_t wrong_code(const ga_flow_env_t *env, ga_stash_t *st, char *note)
{
    long left;

    st->attempts++;
    left = env->cfg->max_attempts - st->attempts;
    ga_log(env->lg, LOG_NOTICE, "user %s from %s: wrong %s enrollment code (%d of %ld)",
           env->user, ga_flow_rhost(env), ga_factor_name(st->profile.type),
           st->attempts, env->cfg->max_attempts);
    if (left <= 0) {
        forget_token(env, st);
        env->ui->error(env->ui->ctx, "Too many wrong codes. Log in again to get a new code.");
        return GA_ERR_MAXTRIES;
    }
    save_state(env, st);
    snprintf(note, GA_NOTE_MAX, "Wrong code. %ld %s left.", left, left == 1 ? "try" : "tries");
    return GA_OK;
}

/* Ask for the code and bind it. GA_ERR_EXPIRED: the token is gone (locally
 * older than its lifetime, or GenAuth said so); the caller offers a new one. */
static ga_status_t ask_and_bind(const ga_flow_env_t *env, ga_stash_t *st)
{
    char note[GA_NOTE_MAX] = "", question[GA_PROMPT_MAX], *code = NULL;
    const char *reason = NULL;
    int invalid = 0;

    snprintf(question, sizeof question, "Code sent to %s. Enter code: ", st->masked_target);
    while (!token_expired(env, st)) {
        ga_api_error_t err = {0};
        ga_status_t rc = ask_line(env, note, question, &code);
        if (rc == GA_ERR_INPUT)
            reason = GA_TOO_LONG;
        else if (rc != GA_OK)
            return rc;
        if (rc == GA_ERR_INPUT || ga_validate_code(code, &reason) != GA_OK) {
            ga_free_secret(code);
            code = NULL;
            if (++invalid >= GA_INPUT_TRIES)
                return too_many(env, "code", "Too many invalid answers.");
            snprintf(note, sizeof note, "%s", reason);
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
            if ((rc = wrong_code(env, st, note)) != GA_OK)
                return rc;
            continue;
        }
        if (rc == GA_ERR_EXPIRED)
            break;
        if (rc == GA_ERR_UNAVAIL)
            ga_flow_log_unavail(env, "enroll-factor", &err);
        else
            ga_log(env->lg, LOG_NOTICE,
                   "user %s from %s: GenAuth refused the binding: statusCode %ld, "
                   "apiCode %ld, message \"%s\"", env->user, ga_flow_rhost(env),
                   err.status_code, err.api_code, err.message);
        if (rc == GA_ERR_THROTTLED)
            env->ui->error(env->ui->ctx, "GenAuth is busy. Try again in a minute.");
        else if (rc == GA_ERR_REJECTED)
            env->ui->error(env->ui->ctx, "GenAuth did not accept the code. Contact your "
                                         "administrator if this persists.");
        return rc;
    }
    ga_log(env->lg, LOG_INFO, "user %s from %s: the %s enrollment code expired",
           env->user, ga_flow_rhost(env), ga_factor_name(st->profile.type));
    forget_token(env, st);
    return GA_ERR_EXPIRED;
}

ga_status_t ga_enroll_run(const ga_flow_env_t *env, ga_stash_t *st)
{
    ga_status_t rc = GA_OK;

    if (!st->enrollment_token) {
        rc = resume_from_state(env, st);
        if (rc != GA_OK && rc != GA_ERR_NOT_FOUND)
            return rc;
    }
    for (int round = 0; round <= env->cfg->max_sends; round++) {
        if (!st->enrollment_token) {
            ga_factor_t f = GA_FACTOR_UNKNOWN;
            if (!has_contact(st) &&
                ((rc = choose_factor(env, st, &f)) != GA_OK || (rc = ask_target(env, st, f)) != GA_OK))
                return rc;
            if ((rc = send_code(env, st)) != GA_OK)
                return rc;
        }
        if (env->step == GA_STEP_REQUEST)
            return GA_IGNORE;
        rc = ask_and_bind(env, st);
        if (rc != GA_ERR_EXPIRED)
            return rc;
        if (!has_contact(st)) {
            env->ui->info(env->ui->ctx, "The code has expired. Please set up again.");
            continue;
        }
        if ((rc = offer_new_code(env, st, "The code has expired.", 0)) != GA_OK)
            return rc;
    }
    return GA_ERR_MAXTRIES;
}
