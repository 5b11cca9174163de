/* ga_enroll_menu.c - the enrollment factor menu: GET
 * /api/v3/list-factors-to-enroll, the factors in config order, and the
 * `later` answer of the enrollment grace (ga_grace.h). */
#include "config.h"

#include "ga_enroll.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ga_grace.h"
#include "ga_msg.h"
#include "ga_secret.h"
#include "ga_validate.h"

#define GA_DATE_MAX 16 /* "YYYY-MM-DD" */

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
    for (size_t i = 0; i < env->cfg->n_factors && *n < GA_FACTOR_MAX; i++) {
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
                       GA_T(env, "No two-factor method can be set up for your account. "
                                 "Contact your administrator."));
        return GA_ERR_CONFIG;
    }
    return GA_OK;
}

/* The last day `later` is allowed ("YYYY-MM-DD", UTC): g->until is 00:00
 * UTC of the day after. "" when there is no date. */
static void grace_date(const ga_grace_t *g, char *out, size_t outlen)
{
    struct tm tm;
    time_t t = (time_t)(g->until - 1);

    out[0] = '\0';
    if (g->until > 0 && gmtime_r(&t, &tm))
        strftime(out, outlen, "%Y-%m-%d", &tm);
}

/* The menu line that offers `later`, with what is left. */
static void grace_line(const ga_flow_env_t *env, const ga_grace_t *g, char *out, size_t outlen)
{
    char date[GA_DATE_MAX];

    grace_date(g, date, sizeof date);
    if (g->left >= 0 && date[0])
        snprintf(out, outlen,
                 GA_T(env, "Type later to set this up next time (%ld left, until %s)."),
                 g->left, date);
    else if (g->left >= 0)
        snprintf(out, outlen, GA_T(env, "Type later to set this up next time (%ld left)."),
                 g->left);
    else
        snprintf(out, outlen, GA_T(env, "Type later to set this up next time (until %s)."),
                 date);
}

/* What grace the menu may offer. A failed check offers none (fail closed). */
static void grace_offer(const ga_flow_env_t *env, ga_grace_t *g)
{
    memset(g, 0, sizeof *g);
    if (ga_grace_check(env->cfg, env->user, env->euid, ga_flow_now(env), g, env->lg) != GA_OK)
        memset(g, 0, sizeof *g);
}

static void build_menu(const ga_flow_env_t *env, const ga_factor_t *choices, size_t n,
                       const ga_grace_t *g, char *menu, size_t size)
{
    size_t len = 0;
    char line[GA_NOTE_MAX];

#define APPEND(...)                                                                        \
    do {                                                                                   \
        if (len < size)                                                                    \
            len += (size_t)snprintf(menu + len, size - len, __VA_ARGS__);                  \
    } while (0)
    APPEND("%s\n", GA_T(env, "Set up two-factor authentication for your account."));
    for (size_t i = 0; i < n; i++)
        APPEND("  %zu) %s\n", i + 1, ga_tr(env->cfg->lang, ga_factor_label(choices[i])));
    if (g->offered) {
        grace_line(env, g, line, sizeof line);
        APPEND("%s\n", line);
    }
    if (n == 1)
        APPEND("%s", GA_T(env, "Choose 1: "));
    else
        APPEND(GA_T(env, "Choose 1-%zu: "), n);
#undef APPEND
}

/* The user answered `later`: record it (ga_grace_use) and postpone, or
 * refuse when it cannot be recorded. GA_POSTPONED, or GA_ERR_INPUT when
 * refused (g->offered is cleared then). */
static ga_status_t postpone(const ga_flow_env_t *env, ga_grace_t *g)
{
    char date[GA_DATE_MAX], left[32] = "";

    if (ga_grace_use(env->cfg, env->user, env->euid, ga_flow_now(env), env->lg) != GA_OK) {
        ga_log(env->lg, LOG_WARNING,
               "user %s from %s: answered later, but the postponement could not be "
               "recorded in %s; refused", env->user, ga_flow_rhost(env), env->cfg->state_dir);
        g->offered = 0;
        return GA_ERR_INPUT;
    }
    grace_date(g, date, sizeof date);
    if (g->left >= 0)
        snprintf(left, sizeof left, "%ld", g->left > 0 ? g->left - 1 : 0);
    ga_log(env->lg, LOG_NOTICE,
           "user %s from %s: enrollment postponed by the user (later): %s postponement(s) "
           "left%s%s", env->user, ga_flow_rhost(env), left[0] ? left : "unlimited",
           date[0] ? ", until " : "", date);
    env->ui->info(env->ui->ctx, GA_T(env, "Two-factor setup postponed. You will be asked "
                                          "again at your next login."));
    return GA_POSTPONED;
}

ga_status_t ga_enroll_choose(const ga_flow_env_t *env, const ga_stash_t *st, int first,
                             ga_factor_t *out, int *asked)
{
    ga_factor_t choices[GA_FACTOR_MAX];
    char menu[GA_PROMPT_MAX], *answer = NULL;
    const char *note = "";
    size_t n = 0;
    ga_grace_t g;
    ga_status_t rc = offered_factors(env, st, choices, &n);

    *asked = 0;
    if (rc != GA_OK)
        return rc;
    grace_offer(env, &g);
    /* skipped only when the next prompt (phone/email) is asked before
     * anything is sent, so it can still detect a non-interactive client */
    if (n == 1 && !g.offered && choices[0] != GA_FACTOR_OTP) {
        *out = choices[0];
        env->ui->info(env->ui->ctx,
                      GA_T(env, "Set up two-factor authentication for your account."));
        return GA_OK;
    }
    *asked = 1;
    for (int tries = 0; tries < GA_INPUT_TRIES; tries++) {
        int idx;
        const char *why = NULL;

        build_menu(env, choices, n, &g, menu, sizeof menu);
        rc = ga_enroll_ask(env, note, menu, first && tries == 0, &answer);
        if (rc == GA_ERR_INPUT) {
            note = GA_T(env, "That answer is too long.");
            continue;
        }
        if (rc != GA_OK)
            return rc;
        if (g.offered && strcasecmp(answer, "later") == 0) {
            ga_free_secret(answer);
            if ((rc = postpone(env, &g)) != GA_ERR_INPUT)
                return rc;
            note = GA_T(env, "Setup cannot be postponed now. Choose a method.");
            continue;
        }
        idx = ga_parse_menu_choice(answer, choices, n, &why);
        ga_free_secret(answer);
        if (idx >= 0) {
            *out = choices[idx];
            return GA_OK;
        }
        note = why ? ga_tr(env->cfg->lang, why) : "";
    }
    return ga_enroll_too_many(env, "factor menu", GA_T(env, "Too many invalid answers."));
}
