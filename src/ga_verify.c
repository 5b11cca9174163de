/* ga_verify.c - verify a user who already has a factor: which factors can
 * be verified here, the factor menu, authenticator-app (OTP) codes and
 * recovery codes. The prompts and code checks every factor shares are in
 * ga_verify_code.c, the SMS/EMAIL path in ga_verify_mfa.c. */
#include "config.h"

#include "ga_verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ga_enroll.h"
#include "ga_msg.h"
#include "ga_secret.h"
#include "ga_text.h"
#include "ga_validate.h"
#include "ga_verify_int.h"

#define GA_VERIFY_CHOICES 3 /* OTP, SMS, EMAIL */

/* A factor the user can pick, with its masked target ("" for OTP). */
typedef struct choice {
    ga_factor_t f;
    char target[GA_MASKED_MAX];
} choice_t;

/* Printable ASCII without spaces, GA_RECOVERY_MIN..GA_RECOVERY_MAX bytes. */
static int recovery_code_ok(const char *s)
{
    size_t n = 0;

    for (; s[n]; n++)
        if (n >= GA_RECOVERY_MAX || s[n] <= 0x20 || s[n] >= 0x7f)
            return 0;
    return n >= GA_RECOVERY_MIN;
}

/* Show the new recovery code once, inside a prompt: OpenSSH before 10.3
 * holds info messages back until the next prompt, and there is none after
 * a successful verification. */
static void show_new_recovery(ga_verify_ctx_t *v, const char *code)
{
    const ga_flow_env_t *env = v->env;
    char text[GA_PROMPT_MAX], *answer = NULL;

    if (!code) {
        /* GenAuth may have replaced the code without saying so */
        ga_log(env->lg, LOG_WARNING, "user %s from %s: recovery code accepted, but GenAuth "
               "returned no new recovery code; the user may need a new one from the console",
               env->user, ga_flow_rhost(env));
        env->ui->info(env->ui->ctx, GA_T(env, "Recovery code accepted."));
        return;
    }
    snprintf(text, sizeof text,
             GA_T(env, "Recovery code accepted. Your new recovery code:\n  %s\n"
                       "Store this recovery code somewhere safe; it is shown only once.\n"
                       "Press Enter to continue: "), code);
    if (ga_flow_ask(env, 1, text, &answer) != GA_OK)
        ga_log(env->lg, LOG_WARNING,
               "user %s from %s: the conversation ended while the new recovery code was "
               "shown; the user may not have it", env->user, ga_flow_rhost(env));
    ga_free_secret(answer);
    ga_wipe(text, sizeof text);
}

/* The user typed `recovery` at the OTP prompt: POST /api/v2/mfa/totp/recovery. */
static ga_status_t recover(ga_verify_ctx_t *v)
{
    char *code = NULL, *fresh = NULL;
    ga_status_t rc;

    for (;;) {
        rc = ga_verify_ask(v, GA_T(v->env, "Recovery code: "), &code);
        if (rc == GA_OK && recovery_code_ok(code))
            break;
        if (rc != GA_OK && rc != GA_ERR_INPUT)
            return rc;
        ga_free_secret(code);
        code = NULL;
        rc = ga_verify_invalid(v, "recovery code",
                     rc == GA_ERR_INPUT ? GA_N_("That answer is too long.")
                                        : GA_N_("A recovery code is 8 to 64 characters "
                                                "without spaces."));
        if (rc != GA_OK)
            return rc;
    }
    if (!v->have_trig)
        rc = ga_verify_fetch_trigger(v);
    if (rc == GA_OK)
        rc = ga_verify_code(v, GA_FACTOR_OTP, 1, NULL, code, &fresh);
    ga_free_secret(code);
    if (rc == GA_OK)
        show_new_recovery(v, fresh);
    ga_free_secret(fresh);
    return rc;
}

/* OTP: ask for the authenticator code (or `recovery`) until verified. */
static ga_status_t verify_otp(ga_verify_ctx_t *v)
{
    int can_recover = ga_config_has_mgmt(v->env->cfg) || (v->have_trig && v->trig.mfa_token);
    const char *question = can_recover
                               ? GA_T(v->env, "Authenticator app code (or type recovery): ")
                               : GA_T(v->env, "Authenticator app code: ");

    for (;;) {
        char *code = NULL;
        int recovery = 0;
        ga_status_t rc = ga_verify_ask_code(v, question, can_recover, &code, &recovery);

        if (rc != GA_OK)
            return rc;
        if (recovery)
            rc = recover(v);
        else
            rc = ga_verify_code(v, GA_FACTOR_OTP, 0, NULL, code, NULL);
        ga_free_secret(code);
        if (rc != GA_ERR_WRONG_CODE)
            return rc;
    }
}

static void add_choice(choice_t *ch, size_t *n, ga_factor_t f, const char *target)
{
    ch[*n].f = f;
    snprintf(ch[*n].target, sizeof ch[*n].target, "%s", target ? target : "");
    (*n)++;
}

/* From list-enrolled-factors: OTP always (access token), SMS/EMAIL only
 * with Management API credentials, FACE and unknown types never. */
static ga_status_t choices_from_list(ga_verify_ctx_t *v, const ga_factor_list_t *list,
                                     choice_t *ch, size_t *n)
{
    static const ga_factor_t order[GA_VERIFY_CHOICES] = {GA_FACTOR_OTP, GA_FACTOR_SMS,
                                                         GA_FACTOR_EMAIL};
    const ga_flow_env_t *env = v->env;
    int need_mgmt = 0;

    for (size_t k = 0; k < GA_VERIFY_CHOICES; k++)
        for (size_t i = 0; i < list->n; i++) {
            if (list->items[i].type != order[k])
                continue;
            if (order[k] != GA_FACTOR_OTP && !ga_config_has_mgmt(env->cfg))
                need_mgmt = 1;
            else
                add_choice(ch, n, order[k], list->items[i].target);
            break;
        }
    if (*n > 0)
        return GA_OK;
    if (need_mgmt)
        ga_log(env->lg, LOG_ERR,
               "user %s from %s: has only SMS/EMAIL factors (of %zu enrolled); set "
               "userpool_id and userpool_secret to verify them; access denied", env->user,
               ga_flow_rhost(env), list->n);
    else
        ga_log(env->lg, LOG_ERR,
               "user %s from %s: has only factors that cannot be verified in a terminal "
               "(first: %s, %zu enrolled); access denied", env->user, ga_flow_rhost(env),
               list->n ? list->items[0].type_name : "-", list->n);
    return ga_verify_no_method(v);
}

/* From a signin answer with apiCode 1635/1636: its trigger data, or, when
 * it has no mfaToken or no factor, the Management API's. */
static ga_status_t choices_from_signin(ga_verify_ctx_t *v, const ga_mfa_trigger_t *si,
                                       choice_t *ch, size_t *n)
{
    const ga_flow_env_t *env = v->env;
    char target[GA_MASKED_MAX];
    ga_status_t rc;

    if (si->mfa_token && (si->otp || si->sms || si->email)) {
        v->trig = *si;
        v->trig.mfa_token = strdup(si->mfa_token);
        if (!v->trig.mfa_token) {
            ga_wipe(&v->trig, sizeof v->trig);
            return GA_ERR_NOMEM;
        }
        v->have_trig = 1;
    } else if (ga_config_has_mgmt(env->cfg)) {
        if ((rc = ga_verify_fetch_trigger(v)) != GA_OK)
            return rc;
    } else {
        ga_log(env->lg, LOG_ERR,
               "user %s: GenAuth demanded MFA at sign-in without %s; set userpool_id and "
               "userpool_secret to verify the user's factors; access denied", env->user,
               si->mfa_token ? "naming a factor" : "an mfaToken");
        return ga_verify_no_method(v);
    }
    if (v->trig.otp)
        add_choice(ch, n, GA_FACTOR_OTP, NULL);
    if (v->trig.sms && ga_mask_phone(v->trig.phone_cc, v->trig.phone, target, sizeof target) == 0)
        add_choice(ch, n, GA_FACTOR_SMS, target);
    if (v->trig.email && ga_mask_email(v->trig.email_addr, target, sizeof target) == 0)
        add_choice(ch, n, GA_FACTOR_EMAIL, target);
    if (*n > 0)
        return GA_OK;
    ga_log(env->lg, LOG_ERR,
           "user %s: GenAuth's MFA trigger data names no factor that can be verified in a "
           "terminal (OTP, SMS with a phone number, EMAIL with an address); access denied",
           env->user);
    return ga_verify_no_method(v);
}

static void choice_label(const ga_verify_ctx_t *v, const choice_t *c, char *out, size_t len)
{
    if (c->f == GA_FACTOR_OTP)
        snprintf(out, len, "%s", GA_T(v->env, "Authenticator app"));
    else if (c->f == GA_FACTOR_SMS)
        snprintf(out, len, GA_T(v->env, "SMS to %s"), c->target[0] ? c->target : "-");
    else
        snprintf(out, len, GA_T(v->env, "Email to %s"), c->target[0] ? c->target : "-");
}

/* Several factors: a numbered menu (number or factor name); one: no menu. */
static ga_status_t choose(ga_verify_ctx_t *v, const choice_t *ch, size_t n, size_t *pick)
{
    ga_factor_t f[GA_VERIFY_CHOICES];
    char menu[GA_PROMPT_MAX], label[GA_PROMPT_MAX];
    size_t len;

    *pick = 0;
    if (n == 1)
        return GA_OK;
    len = (size_t)snprintf(menu, sizeof menu, "%s\n",
                           GA_T(v->env, "Two-factor authentication is required."));
    for (size_t i = 0; i < n && len < sizeof menu; i++) {
        f[i] = ch[i].f;
        choice_label(v, &ch[i], label, sizeof label);
        len += (size_t)snprintf(menu + len, sizeof menu - len, "  %zu) %s\n", i + 1, label);
    }
    if (len < sizeof menu)
        snprintf(menu + len, sizeof menu - len, GA_T(v->env, "Choose 1-%zu: "), n);
    for (;;) {
        const char *reason = GA_N_("That answer is too long.");
        char *answer = NULL;
        int idx = -1;
        ga_status_t rc = ga_verify_ask(v, menu, &answer);

        if (rc != GA_OK && rc != GA_ERR_INPUT)
            return rc;
        if (rc == GA_OK)
            idx = ga_parse_menu_choice(answer, f, n, &reason);
        ga_free_secret(answer);
        if (idx >= 0) {
            *pick = (size_t)idx;
            return GA_OK;
        }
        if ((rc = ga_verify_invalid(v, "factor menu", reason)) != GA_OK)
            return rc;
    }
}

ga_status_t ga_verify_run(const ga_flow_env_t *env, ga_stash_t *st,
                          const ga_factor_list_t *enrolled,
                          const ga_mfa_trigger_t *from_signin)
{
    ga_verify_ctx_t v;
    choice_t ch[GA_VERIFY_CHOICES];
    size_t n = 0, pick = 0;
    ga_status_t rc = GA_ERR_INTERNAL;

    memset(&v, 0, sizeof v);
    memset(ch, 0, sizeof ch);
    v.env = env;
    v.st = st;
    if (!enrolled == !from_signin || (enrolled && !st->access_token)) {
        ga_log(env->lg, LOG_ERR, "user %s: verification called without its data", env->user);
        goto out;
    }
    if (!env->api->totp_verify || !env->api->mfa_trigger || !env->api->send_mfa_code ||
        !env->api->verify_mfa_code || !env->api->totp_recovery) {
        ga_log(env->lg, LOG_ERR, "user %s: this build's GenAuth client cannot verify factors; "
               "access denied", env->user);
        goto out;
    }
    rc = enrolled ? choices_from_list(&v, enrolled, ch, &n)
                  : choices_from_signin(&v, from_signin, ch, &n);
    if (rc == GA_OK)
        rc = choose(&v, ch, n, &pick);
    if (rc != GA_OK)
        goto out;
    rc = ch[pick].f == GA_FACTOR_OTP ? verify_otp(&v) : ga_verify_mfa(&v, ch[pick].f);
out:
    ga_mfa_trigger_clear(&v.trig);
    ga_wipe(&v, sizeof v);
    ga_wipe(ch, sizeof ch);
    return rc;
}
