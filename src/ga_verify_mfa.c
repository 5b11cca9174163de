/* ga_verify_mfa.c - verify an SMS or EMAIL factor with the mfaToken flow
 * (genauth-api.md sections 5-6): trigger data from the Management API,
 * POST /api/v3/send-sms or send-email (CHANNEL_VERIFY_MFA), the code prompt,
 * and the V2 verify with Bearer mfaToken (ga_verify_code). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ga_enroll.h"
#include "ga_msg.h"
#include "ga_secret.h"
#include "ga_text.h"
#include "ga_verify_int.h"

/* get-mfa-trigger-data's userIdType for the sign-in identifier. The config
 * refuses Management API credentials with login_field = account (no
 * userIdType names exactly the user GenAuth signed in). */
static const char *user_id_type(ga_login_field_t f)
{
    switch (f) {
    case GA_LOGIN_EMAIL:
        return "email";
    case GA_LOGIN_PHONE:
        return "phone";
    default: /* username */
        return "username";
    }
}

ga_status_t ga_verify_fetch_trigger(ga_verify_ctx_t *v)
{
    const ga_flow_env_t *env = v->env;
    const char *type = user_id_type(env->cfg->login_field);
    ga_mfa_trigger_t t;
    ga_api_error_t err;
    char *id = NULL;
    ga_status_t rc = GA_ERR_NOMEM;

    memset(&t, 0, sizeof t);
    memset(&err, 0, sizeof err);
    if (!ga_config_has_mgmt(env->cfg)) {
        ga_log(env->lg, LOG_ERR, "user %s: MFA trigger data needed but userpool_id and "
               "userpool_secret are not set; access denied", env->user);
        return ga_verify_no_method(v);
    }
    id = ga_config_identifier(env->cfg, env->user);
    if (!id)
        goto out;
    rc = env->api->mfa_trigger(env->api->ctx, id, type, &t, &err);
    if (rc == GA_OK && !t.mfa_token) { /* the parser requires one; never trust it */
        rc = GA_ERR_UNAVAIL;
        err.reason = GA_REASON_BAD_ANSWER;
    }
    if (rc == GA_OK) {
        ga_mfa_trigger_clear(&v->trig);
        v->trig = t;
        memset(&t, 0, sizeof t);
        v->have_trig = 1;
        ga_log(env->lg, LOG_DEBUG, "user %s: MFA trigger data: OTP %s, SMS %s, EMAIL %s",
               env->user, v->trig.otp ? "yes" : "no", v->trig.sms ? "yes" : "no",
               v->trig.email ? "yes" : "no");
    } else if (rc == GA_ERR_CONFIG) {
        ga_log(env->lg, LOG_ERR, "user %s: the Management API client has no credentials; "
               "access denied", env->user);
        rc = ga_verify_no_method(v);
    } else if (rc == GA_ERR_REJECTED) {
        ga_log(env->lg, LOG_ERR,
               "user %s: the Management API does not know the user as userIdType %s "
               "(statusCode %ld, apiCode %ld); check login_field and login_format; access "
               "denied", env->user, type, err.status_code, err.api_code);
        env->ui->error(env->ui->ctx, GA_T(env, "Your account cannot be verified here. "
                                               "Contact your administrator."));
    } else {
        rc = ga_verify_api_fail(v, "get-mfa-trigger-data", rc, &err);
    }
out:
    free(id);
    ga_mfa_trigger_clear(&t);
    return rc;
}

/* POST /api/v3/send-sms or send-email with CHANNEL_VERIFY_MFA. */
static ga_status_t send_code(ga_verify_ctx_t *v, ga_factor_t f, const char *target)
{
    const ga_flow_env_t *env = v->env;
    const char *call = f == GA_FACTOR_SMS ? "send-sms" : "send-email";
    ga_api_error_t err;
    ga_status_t rc = ga_flow_count_send(env, v->st, "; no code sent");

    if (rc != GA_OK || (rc = ga_flow_reserve_hourly(env)) != GA_OK)
        return rc;
    memset(&err, 0, sizeof err);
    rc = env->api->send_mfa_code(env->api->ctx, f, &v->trig, &err);
    if (rc == GA_OK) {
        ga_log(env->lg, LOG_INFO, "user %s from %s: %s verification code sent to %s",
               env->user, ga_flow_rhost(env), ga_factor_name(f), target);
        return GA_OK;
    }
    if (rc != GA_ERR_THROTTLED && rc != GA_ERR_REJECTED)
        return ga_verify_api_fail(v, call, rc, &err);
    ga_log(env->lg, LOG_NOTICE,
           "user %s from %s: GenAuth %s the %s code to %s: statusCode %ld, apiCode %ld, "
           "message \"%s\"", env->user, ga_flow_rhost(env),
           rc == GA_ERR_THROTTLED ? "throttled" : "refused to send", ga_factor_name(f), target,
           err.status_code, err.api_code, err.message);
    env->ui->error(env->ui->ctx,
                   rc == GA_ERR_THROTTLED
                       ? GA_T(env, "GenAuth sends one code per minute. Try again in a minute.")
                       : GA_T(env, "GenAuth did not send a code. Contact your administrator "
                                   "if this persists."));
    return rc;
}

ga_status_t ga_verify_mfa(ga_verify_ctx_t *v, ga_factor_t f)
{
    const ga_flow_env_t *env = v->env;
    char target[GA_MASKED_MAX], question[GA_PROMPT_MAX];
    int masked;
    ga_status_t rc;

    if (!v->have_trig && (rc = ga_verify_fetch_trigger(v)) != GA_OK)
        return rc;
    if (f == GA_FACTOR_SMS)
        masked = v->trig.sms && ga_mask_phone(v->trig.phone_cc, v->trig.phone, target,
                                              sizeof target) == 0;
    else
        masked = v->trig.email &&
                 ga_mask_email(v->trig.email_addr, target, sizeof target) == 0;
    if (!masked) {
        ga_log(env->lg, LOG_ERR,
               "user %s: GenAuth's MFA trigger data has no %s for the user's %s factor; "
               "access denied", env->user,
               f == GA_FACTOR_SMS ? "usable phone number" : "usable email address",
               ga_factor_name(f));
        return ga_verify_no_method(v);
    }
    if ((rc = send_code(v, f, target)) != GA_OK)
        return rc;
    snprintf(question, sizeof question, GA_T(env, "Code sent to %s. Enter code: "), target);
    for (;;) {
        char *code = NULL;

        rc = ga_verify_ask_code(v, question, 0, &code, NULL);
        if (rc != GA_OK)
            return rc;
        rc = ga_verify_code(v, f, 0, target, code, NULL);
        ga_free_secret(code);
        if (rc != GA_ERR_WRONG_CODE)
            return rc;
    }
}
