/* ga_verify_code.c - what every factor's verification shares: prompts and
 * their validation, the code check with GenAuth (renewing an expired
 * mfaToken once), wrong-code counting, and the log line and user message
 * of each outcome. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ga_enroll.h"
#include "ga_msg.h"
#include "ga_secret.h"
#include "ga_validate.h"
#include "ga_verify_int.h"

ga_status_t ga_verify_no_method(ga_verify_ctx_t *v)
{
    v->env->ui->error(v->env->ui->ctx,
                      GA_T(v->env, "Your two-factor method cannot be used here. "
                                   "Contact your administrator."));
    return GA_ERR_NO_METHOD;
}

ga_status_t ga_verify_api_fail(ga_verify_ctx_t *v, const char *call, ga_status_t rc,
                               const ga_api_error_t *err)
{
    const ga_flow_env_t *env = v->env;

    if (err->call) /* a call behind the one asked for failed */
        call = err->call;
    if (rc == GA_ERR_UNAVAIL) {
        ga_flow_log_unavail(env, call, err);
    } else if (rc == GA_ERR_THROTTLED || rc == GA_ERR_REJECTED) {
        ga_log(env->lg, LOG_NOTICE,
               "user %s from %s: GenAuth %s %s during verification: statusCode %ld, "
               "apiCode %ld, message \"%s\"", env->user, ga_flow_rhost(env),
               rc == GA_ERR_THROTTLED ? "throttled" : "refused", call, err->status_code,
               err->api_code, err->message);
        env->ui->error(env->ui->ctx,
                       rc == GA_ERR_THROTTLED
                           ? GA_T(env, "GenAuth is busy. Try again in a minute.")
                           : GA_T(env, "GenAuth refused the verification. Contact your "
                                       "administrator if this persists."));
    } else {
        ga_log(env->lg, LOG_ERR, "user %s from %s: verification failed at %s: %s",
               env->user, ga_flow_rhost(env), call, ga_status_name(rc));
    }
    return rc;
}

ga_status_t ga_verify_ask(ga_verify_ctx_t *v, const char *question, char **answer)
{
    const ga_flow_env_t *env = v->env;
    char text[GA_PROMPT_MAX];
    ga_status_t rc;

    snprintf(text, sizeof text, "%s%s%s", v->note, v->note[0] ? "\n" : "", question);
    v->note[0] = '\0';
    rc = ga_flow_ask(env, 1, text, answer);
    if (rc == GA_ERR_CONV)
        ga_log(env->lg, LOG_NOTICE,
               "user %s from %s: verification stopped: the conversation ended (client "
               "gone or Ctrl-D) or cannot answer questions; access denied",
               env->user, ga_flow_rhost(env));
    if (rc != GA_OK)
        return rc;
    return ga_flow_check_answer(env, "verification", answer);
}

ga_status_t ga_verify_invalid(ga_verify_ctx_t *v, const char *prompt, const char *reason)
{
    const ga_flow_env_t *env = v->env;

    if (++v->invalid >= GA_INPUT_TRIES) {
        ga_log(env->lg, LOG_NOTICE,
               "user %s from %s: too many invalid answers at the %s prompt; access denied",
               env->user, ga_flow_rhost(env), prompt);
        env->ui->error(env->ui->ctx, GA_T(env, "Too many invalid answers."));
        return GA_ERR_MAXTRIES;
    }
    snprintf(v->note, sizeof v->note, "%s", ga_tr(env->cfg->lang, reason));
    return GA_OK;
}

ga_status_t ga_verify_ask_code(ga_verify_ctx_t *v, const char *question, int allow_recovery,
                               char **code, int *recovery)
{
    *code = NULL;
    if (recovery)
        *recovery = 0;
    for (;;) {
        const char *reason = NULL;
        char *answer = NULL;
        ga_status_t rc = ga_verify_ask(v, question, &answer);

        if (rc == GA_ERR_INPUT) {
            reason = GA_N_("That answer is too long.");
        } else if (rc != GA_OK) {
            return rc;
        } else if (recovery && strcasecmp(answer, "recovery") == 0) {
            if (allow_recovery) {
                ga_free_secret(answer);
                *recovery = 1;
                return GA_OK;
            }
            /* the user was shown a recovery code at enrollment: say why it
             * cannot be used rather than "digits only" */
            ga_log(v->env->lg, LOG_NOTICE,
                   "user %s from %s: asked to use an OTP recovery code; that needs "
                   "userpool_id and userpool_secret", v->env->user, ga_flow_rhost(v->env));
            reason = GA_N_("Recovery codes cannot be used here. Contact your administrator.");
        } else {
            ga_code_compact(answer);
            if (ga_validate_code(answer, &reason) == GA_OK) {
                *code = answer;
                return GA_OK;
            }
        }
        ga_free_secret(answer);
        if ((rc = ga_verify_invalid(v, "code", reason)) != GA_OK)
            return rc;
    }
}

static const char *check_call(const ga_verify_ctx_t *v, ga_factor_t f, int recovery)
{
    if (recovery)
        return "mfa/totp/recovery";
    if (f == GA_FACTOR_OTP)
        return v->st->access_token ? "mfa-totp-verify" : "mfa/totp/verify";
    return f == GA_FACTOR_SMS ? "mfa/sms/verify" : "mfa/email/verify";
}

/* One check with GenAuth; an expired mfaToken is renewed once. *fetch_failed
 * is set when renewing failed (already logged). */
static ga_status_t check(ga_verify_ctx_t *v, ga_factor_t f, int recovery, const char *code,
                         char **new_recovery, ga_api_error_t *err, int *fetch_failed)
{
    const ga_api_ops_t *api = v->env->api;
    ga_status_t rc;

    for (;;) {
        memset(err, 0, sizeof *err);
        if (f == GA_FACTOR_OTP && !recovery && v->st->access_token)
            return api->totp_verify(api->ctx, v->st->access_token, code, err);
        if (!v->have_trig || !v->trig.mfa_token)
            return GA_ERR_INTERNAL;
        if (recovery)
            rc = api->totp_recovery(api->ctx, v->trig.mfa_token, code, new_recovery, err);
        else
            rc = api->verify_mfa_code(api->ctx, v->trig.mfa_token, f, &v->trig, code, err);
        if (rc != GA_ERR_EXPIRED || v->refetched || !ga_config_has_mgmt(v->env->cfg))
            return rc;
        v->refetched = 1;
        ga_log(v->env->lg, LOG_INFO,
               "user %s from %s: GenAuth says the mfaToken expired (code %ld); fetching "
               "new MFA trigger data once", v->env->user, ga_flow_rhost(v->env),
               err->status_code);
        if ((rc = ga_verify_fetch_trigger(v)) != GA_OK) {
            *fetch_failed = 1;
            return rc;
        }
    }
}

/* A wrong code: count it; GA_ERR_WRONG_CODE (ask again) or GA_ERR_MAXTRIES. */
static ga_status_t wrong_code(ga_verify_ctx_t *v, const char *what)
{
    const ga_flow_env_t *env = v->env;
    long left = env->cfg->max_attempts - ++v->wrong;

    ga_log(env->lg, LOG_NOTICE, "user %s from %s: wrong %s (%d of %ld)%s", env->user,
           ga_flow_rhost(env), what, v->wrong, env->cfg->max_attempts,
           left <= 0 ? "; too many wrong codes, access denied" : "");
    if (left <= 0) {
        env->ui->error(env->ui->ctx, GA_T(env, "Too many wrong codes. Access denied."));
        return GA_ERR_MAXTRIES;
    }
    ga_flow_tries_left(env, left, v->note, sizeof v->note);
    return GA_ERR_WRONG_CODE;
}

ga_status_t ga_verify_code(ga_verify_ctx_t *v, ga_factor_t f, int recovery, const char *target,
                           const char *code, char **new_recovery)
{
    const ga_flow_env_t *env = v->env;
    const char *what = recovery ? "recovery code" : f == GA_FACTOR_OTP ? "OTP code"
                                                  : f == GA_FACTOR_SMS ? "SMS code"
                                                                       : "email code";
    ga_api_error_t err;
    int fetch_failed = 0;
    ga_status_t rc = check(v, f, recovery, code, new_recovery, &err, &fetch_failed);

    if (fetch_failed)
        return rc;
    switch (rc) {
    case GA_OK:
        ga_log(env->lg, LOG_INFO, "user %s from %s: verified with %s%s%s%s", env->user,
               ga_flow_rhost(env), recovery ? "an OTP recovery code" : ga_factor_name(f),
               target ? " (" : "", target ? target : "", target ? ")" : "");
        return GA_OK;
    case GA_ERR_WRONG_CODE:
        return wrong_code(v, what);
    case GA_ERR_EXPIRED:
        ga_log(env->lg, LOG_NOTICE,
               "user %s from %s: the %s or the mfaToken expired (code %ld)%s; access denied",
               env->user, ga_flow_rhost(env), what, err.status_code,
               v->refetched ? " after new trigger data" : "");
        env->ui->error(env->ui->ctx,
                       GA_T(env, "The code has expired. Log in again to get a new one."));
        return rc;
    default:
        return ga_verify_api_fail(v, check_call(v, f, recovery), rc, &err);
    }
}
