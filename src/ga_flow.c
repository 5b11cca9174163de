/* ga_flow.c - the login flow: sign in, decide enrolled or not, hand over to
 * the verification (ga_verify.c) or the enrollment (ga_enroll.c). PAM-free:
 * talks to the user through ga_ui_t and to GenAuth through ga_api_ops_t. */
#include "config.h"

#include "ga_flow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ga_enroll.h"
#include "ga_msg.h"
#include "ga_secret.h"
#include "ga_sendlog.h"
#include "ga_text.h"
#include "ga_validate.h"
#include "ga_verify.h"

#define GA_PASSWORD_MAX 1024 /* bytes; longer answers are never sent */
#define GA_IDENTIFIER_MAX 320 /* bytes, as ga_config_identifier */

long long ga_flow_now(const ga_flow_env_t *env)
{
    return env->now ? env->now() : (long long)time(NULL);
}

const char *ga_flow_rhost(const ga_flow_env_t *env)
{
    return env->rhost && *env->rhost ? env->rhost : "-";
}

void ga_flow_log_unavail(const ga_flow_env_t *env, const char *call,
                         const ga_api_error_t *err)
{
    ga_log(env->lg, LOG_ERR,
           "user %s from %s: GenAuth unavailable (%s) at %s: HTTP %ld, "
           "statusCode %ld, apiCode %ld, message \"%s\"; failmode %s",
           env->user, ga_flow_rhost(env), ga_reason_name(err->reason), call,
           err->http_status, err->status_code, err->api_code, err->message,
           env->cfg->failmode == GA_FAILMODE_SAFE ? "safe" : "secure");
}

const char *ga_flow_server_message(const ga_flow_env_t *env, const ga_api_error_t *err,
                                   char *out, size_t outlen)
{
    const char *m = err->message;

    if (env->cfg->lang && strcmp(env->cfg->lang, "zh-CN") == 0 && err->message_utf8[0])
        m = err->message_utf8;
    if (!m[0])
        m = GA_T(env, "request refused");
    (void)ga_utf8_cut(m, out, outlen);
    return out;
}

ga_status_t ga_flow_ask(const ga_flow_env_t *env, int echo_on, const char *text,
                        char **answer)
{
    ga_status_t rc;

    *answer = NULL;
    rc = env->ui->prompt(env->ui->ctx, echo_on, text, answer);
    if (rc != GA_OK || !*answer) {
        ga_free_secret(*answer);
        *answer = NULL;
        return rc == GA_ERR_NOMEM ? GA_ERR_NOMEM : GA_ERR_CONV;
    }
    return GA_OK;
}

ga_status_t ga_flow_check_answer(const ga_flow_env_t *env, const char *context,
                                 char **answer)
{
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
        ga_log(env->lg, LOG_NOTICE, "user %s from %s: %s cancelled by the user", env->user,
               ga_flow_rhost(env), context);
        return GA_ERR_CANCELLED;
    }
    return GA_OK;
}

void ga_flow_tries_left(const ga_flow_env_t *env, long left, char *note, size_t notelen)
{
    if (left == 1)
        snprintf(note, notelen, "%s", GA_T(env, "Wrong code. 1 try left."));
    else
        snprintf(note, notelen, GA_T(env, "Wrong code. %ld tries left."), left);
}

ga_status_t ga_flow_count_send(const ga_flow_env_t *env, ga_stash_t *st, const char *tail)
{
    if (st->sends >= env->cfg->max_sends) {
        ga_log(env->lg, LOG_NOTICE, "user %s from %s: limit of %ld codes per login reached%s",
               env->user, ga_flow_rhost(env), env->cfg->max_sends, tail);
        env->ui->error(env->ui->ctx, GA_T(env, "Too many codes sent. Try again later."));
        return GA_ERR_MAXTRIES;
    }
    st->sends++;
    return GA_OK;
}

ga_status_t ga_flow_reserve_hourly(const ga_flow_env_t *env)
{
    long long retry_at = 0, minutes;
    char msg[GA_NOTE_MAX];
    ga_status_t rc = ga_sendlog_reserve(env->cfg->state_dir, env->user, env->euid,
                                        ga_flow_now(env), env->cfg->max_sends_per_hour,
                                        &retry_at, env->lg);

    if (rc != GA_ERR_THROTTLED)
        return rc;
    minutes = (retry_at - ga_flow_now(env) + 59) / 60;
    ga_log(env->lg, LOG_NOTICE,
           "user %s from %s: limit of %ld codes per hour reached; no code sent",
           env->user, ga_flow_rhost(env), env->cfg->max_sends_per_hour);
    if (minutes <= 1)
        snprintf(msg, sizeof msg, "%s", GA_T(env, "Too many codes were sent to you recently. "
                                                  "Try again in 1 minute."));
    else
        snprintf(msg, sizeof msg, GA_T(env, "Too many codes were sent to you recently. Try "
                                            "again in %lld minutes."), minutes);
    env->ui->error(env->ui->ctx, msg);
    return GA_ERR_MAXTRIES;
}

/* Ask for the GenAuth password (ECHO_OFF). An empty answer cancels. */
static ga_status_t ask_password(const ga_flow_env_t *env, char **password)
{
    ga_status_t rc = ga_flow_ask(env, 0, GA_T(env, "GenAuth password: "), password);

    if (rc == GA_OK && **password == '\0') {
        ga_free_secret(*password);
        *password = NULL;
        rc = GA_ERR_CANCELLED;
    }
    if (rc == GA_ERR_CANCELLED || rc == GA_ERR_CONV)
        ga_log(env->lg, LOG_NOTICE, "user %s from %s: no password given (%s)", env->user,
               ga_flow_rhost(env), rc == GA_ERR_CONV ? "conversation ended" : "empty answer");
    return rc;
}

/* A password GenAuth can be sent: not over-long, no control characters,
 * well-formed UTF-8 (it goes into a JSON body). */
static int password_sendable(const char *pw)
{
    size_t n = 0;

    for (; pw[n]; n++)
        if (n >= GA_PASSWORD_MAX || (unsigned char)pw[n] < 0x20 || pw[n] == 0x7f)
            return 0;
    return ga_utf8_valid(pw, n);
}

/* The one admin line (and user message) for a sign-in GenAuth did not
 * accept for a reason other than the password. */
static void log_signin_refusal(const ga_flow_env_t *env, ga_status_t rc,
                               const ga_api_error_t *err)
{
    ga_log(env->lg, LOG_NOTICE,
           "user %s from %s: GenAuth %s the sign-in: statusCode %ld, apiCode %ld, "
           "message \"%s\"", env->user, ga_flow_rhost(env),
           rc == GA_ERR_THROTTLED ? "throttled" : "refused", err->status_code, err->api_code,
           err->message);
    env->ui->error(env->ui->ctx, rc == GA_ERR_THROTTLED
                                     ? GA_T(env, "GenAuth is busy. Try again in a minute.")
                                     : GA_T(env, "GenAuth sign-in failed."));
}

/* One POST /api/v3/signin; stores the access token in the stash. On
 * GA_ENROLLED (apiCode 1635/1636) *mfa receives the answer's trigger data
 * (caller clears it with ga_mfa_trigger_clear). */
static ga_status_t signin_once(const ga_flow_env_t *env, ga_stash_t *st,
                               const char *identifier, const char *password,
                               ga_mfa_trigger_t *mfa, const char **why)
{
    ga_signin_t si = {0};
    ga_api_error_t err = {0};
    ga_status_t rc;

    if (!password_sendable(password)) {
        /* never sent; looks like any wrong password to the user */
        *why = "password over-long, not UTF-8 or with control characters: not sent";
        return GA_ERR_AUTH;
    }
    rc = env->api->signin(env->api->ctx, identifier, password, &si, &err);
    if (rc == GA_OK) {
        ga_free_secret(st->access_token);
        st->access_token = si.access_token;
        si.access_token = NULL;
    } else if (rc == GA_ERR_AUTH) {
        ga_log(env->lg, LOG_DEBUG, "user %s: signin rejected: statusCode %ld, apiCode %ld",
               env->user, err.status_code, err.api_code);
    } else if (rc == GA_ENROLLED) {
        ga_mfa_trigger_clear(mfa);
        *mfa = si.mfa;
        memset(&si.mfa, 0, sizeof si.mfa);
        if (env->cfg->on_enrolled == GA_ON_ENROLLED_IGNORE)
            ga_log(env->lg, LOG_INFO,
                   "user %s from %s: GenAuth demands MFA at sign-in (apiCode %ld): "
                   "the user has a factor; nothing to enroll (on_enrolled = ignore)",
                   env->user, ga_flow_rhost(env), err.api_code);
        else
            ga_log(env->lg, LOG_DEBUG,
                   "user %s: GenAuth demands MFA at sign-in (apiCode %ld); verifying",
                   env->user, err.api_code);
    } else if (rc == GA_ERR_UNAVAIL) {
        ga_flow_log_unavail(env, "signin", &err);
    } else if (rc == GA_ERR_THROTTLED || rc == GA_ERR_REJECTED) {
        log_signin_refusal(env, rc, &err);
    }
    ga_signin_clear(&si);
    return rc;
}

/* Step 1: get the password and sign in. try_first_pass: a missing or
 * rejected PAM_AUTHTOK gets one prompt. use_first_pass: never prompt. */
static ga_status_t sign_in(const ga_flow_env_t *env, ga_stash_t *st, ga_mfa_trigger_t *mfa)
{
    char *identifier = NULL, *typed = NULL;
    const char *why = NULL;
    ga_status_t rc = GA_ERR_NOMEM;
    int used_authtok = 0;

    if (strlen(env->user) + strlen(env->cfg->login_format) > GA_IDENTIFIER_MAX) {
        ga_log(env->lg, LOG_ERR, "user %s: the sign-in identifier built from login_format "
               "would be longer than %d bytes", env->user, GA_IDENTIFIER_MAX);
        rc = GA_ERR_AUTH;
        env->ui->error(env->ui->ctx, GA_T(env, "GenAuth sign-in failed."));
        return rc;
    }
    identifier = ga_config_identifier(env->cfg, env->user);
    if (!identifier)
        goto out;
    if (env->initial_password && *env->initial_password) {
        used_authtok = 1;
        rc = signin_once(env, st, identifier, env->initial_password, mfa, &why);
        if (rc != GA_ERR_AUTH || env->use_first_pass)
            goto out;
    } else if (env->use_first_pass) {
        ga_log(env->lg, LOG_ERR,
               "user %s: use_first_pass set but no earlier module provided a password",
               env->user);
        rc = GA_ERR_AUTH;
        goto out;
    }
    rc = ask_password(env, &typed);
    if (rc != GA_OK)
        goto out;
    why = NULL;
    rc = signin_once(env, st, identifier, typed, mfa, &why);
out:
    if (rc == GA_ERR_AUTH) {
        ga_log(env->lg, LOG_NOTICE, "user %s from %s: GenAuth sign-in failed%s%s%s",
               env->user, ga_flow_rhost(env),
               used_authtok && !typed ? " (password from an earlier module)" : "",
               why ? ": " : "", why ? why : "");
        env->ui->error(env->ui->ctx, GA_T(env, "GenAuth sign-in failed."));
    }
    ga_free_secret(typed);
    free(identifier);
    return rc;
}

/* Step 2: only a clean 200 with an array counts; anything else -> fail
 * mode. GA_OK with *enrolled 0 (go on to enroll) or 1 (list filled). */
static ga_status_t check_enrolled(const ga_flow_env_t *env, ga_stash_t *st,
                                  ga_factor_list_t *list, int *enrolled)
{
    ga_api_error_t err = {0};
    ga_status_t rc;

    memset(list, 0, sizeof *list);
    *enrolled = 0;
    rc = env->api->list_enrolled(env->api->ctx, st->access_token, list, &err);
    if (rc == GA_ERR_UNAVAIL)
        ga_flow_log_unavail(env, "list-enrolled-factors", &err);
    if (rc == GA_OK)
        *enrolled = list->n > 0;
    return rc;
}

/* A user who has a factor: verify it (on_enrolled = verify), or leave the
 * decision to other modules (ignore). Exactly one of list and mfa is set. */
static ga_status_t enrolled_user(const ga_flow_env_t *env, ga_stash_t *st,
                                 const ga_factor_list_t *list, const ga_mfa_trigger_t *mfa)
{
    if (env->cfg->on_enrolled == GA_ON_ENROLLED_VERIFY)
        return ga_verify_run(env, st, list, mfa);
    if (list)
        ga_log(env->lg, LOG_INFO,
               "user %s from %s: already has %zu MFA factor(s) (first: %s); "
               "nothing to enroll (on_enrolled = ignore)",
               env->user, ga_flow_rhost(env), list->n, list->items[0].type_name);
    return GA_ENROLLED;
}

/* A run that ends while a code is outstanding keeps it for the next run;
 * any other end is remembered for replay. */
static void remember(ga_stash_t *st, ga_status_t rc)
{
    if (st->enrollment_token && rc != GA_OK)
        st->state = GA_STASH_PENDING;
    else {
        st->state = GA_STASH_DONE;
        st->result = rc;
    }
}

/* What an earlier run in this handle decided, if it decided for good:
 * success (an enrollment, or a verified factor) and "enrolled" are
 * replayed by every step; failures only by the bind step (a new
 * pam_authenticate call, e.g. sudo's retry, starts over). */
static int replay(const ga_flow_env_t *env, const ga_stash_t *st, ga_status_t *rc)
{
    if (st->state != GA_STASH_DONE)
        return 0;
    if (st->result == GA_OK || st->result == GA_ENROLLED || env->step == GA_STEP_BIND) {
        *rc = st->result;
        return 1;
    }
    return 0;
}

ga_status_t ga_flow_run(const ga_flow_env_t *env, ga_stash_t *st)
{
    ga_mfa_trigger_t mfa;
    ga_factor_list_t list;
    int enrolled = 0;
    ga_status_t rc = GA_ERR_INTERNAL;

    if (replay(env, st, &rc)) {
        ga_log(env->lg, LOG_DEBUG, "user %s: replaying earlier result in this PAM handle: %s",
               env->user, ga_status_name(rc));
        return rc;
    }
    if (env->step == GA_STEP_BIND && st->state != GA_STASH_PENDING) {
        ga_log(env->lg, LOG_ERR,
               "user %s: step=bind found no enrollment request in this PAM handle; "
               "a step=request line must come first in the same stack", env->user);
        return GA_ERR_CONFIG;
    }
    if (st->state != GA_STASH_PENDING || !st->access_token) {
        st->state = GA_STASH_EMPTY;
        memset(&mfa, 0, sizeof mfa);
        rc = sign_in(env, st, &mfa);
        if (rc == GA_ENROLLED) { /* signin answered 1635/1636 */
            enrolled = 1;
            rc = enrolled_user(env, st, NULL, &mfa);
        } else if (rc == GA_OK && (rc = check_enrolled(env, st, &list, &enrolled)) == GA_OK &&
                   enrolled) {
            rc = enrolled_user(env, st, &list, NULL);
        }
        ga_mfa_trigger_clear(&mfa);
        if (rc != GA_OK || enrolled)
            goto out;
    }
    rc = ga_enroll_run(env, st);
out:
    /* an empty answer, an empty password or "n": say why the login ends */
    if (rc == GA_ERR_CANCELLED)
        env->ui->error(env->ui->ctx, GA_T(env, "Cancelled."));
    remember(st, rc);
    return rc;
}
