/* pam_genauth.c - the PAM glue: the only file that knows PAM.
 *
 * pam_sm_authenticate: parse module arguments, load the config, get the PAM
 * user, apply the policy (who is asked, and where: no network, no state_dir
 * for those left out), get the password and remote host, connect the PAM
 * conversation and the GenAuth client to the PAM-free flow (ga_flow.c), map
 * its status to a PAM return code through one table, honouring failmode.
 */
#include "config.h"

#define PAM_SM_AUTH
#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "ga_api.h"
#include "ga_args.h"
#include "ga_config.h"
#include "ga_flow.h"
#include "ga_groups.h"
#include "ga_http.h"
#include "ga_policy.h"
#include "ga_secret.h"
#include "ga_stash.h"
#include "ga_state.h"
#include "ga_text.h"

#define GA_EXPORT __attribute__((visibility("default")))
#define GA_USER_MAX 255 /* bytes, as a state file name allows */
#define GA_RHOST_SHOWN 64 /* bytes of PAM_RHOST shown in log lines */
#define GA_ERRBUF 512
#define GA_SERVICE_MAX 256 /* bytes of PAM_SERVICE matched against patterns */
#define GA_SERVICE_SHOWN 64 /* bytes of PAM_SERVICE shown in log lines */

/* ---- logging and conversation adapters --------------------------------- */

static void log_sink(void *ctx, int priority, const char *line)
{
    pam_syslog((pam_handle_t *)ctx, priority, "%s", line);
}

typedef struct conv_ctx {
    pam_handle_t *pamh;
    int silent;
} conv_ctx_t;

static ga_status_t conv_prompt(void *ctx, int echo_on, const char *text, char **answer)
{
    conv_ctx_t *c = ctx;
    char *resp = NULL;
    int rc = pam_prompt(c->pamh, echo_on ? PAM_PROMPT_ECHO_ON : PAM_PROMPT_ECHO_OFF,
                        &resp, "%s", text);

    if (rc != PAM_SUCCESS || !resp) {
        ga_free_secret(resp);
        *answer = NULL;
        return rc == PAM_BUF_ERR ? GA_ERR_NOMEM : GA_ERR_CONV;
    }
    *answer = resp;
    return GA_OK;
}

static void conv_info(void *ctx, const char *text)
{
    conv_ctx_t *c = ctx;

    if (!c->silent)
        (void)pam_info(c->pamh, "%s", text);
}

static void conv_error(void *ctx, const char *text)
{
    conv_ctx_t *c = ctx;

    if (!c->silent)
        (void)pam_error(c->pamh, "%s", text);
}

/* What the next prompt needs (the authenticator-app key): PAM_SILENT
 * silences notices, not the question being asked. */
static void conv_needed(void *ctx, const char *text)
{
    conv_ctx_t *c = ctx;

    (void)pam_info(c->pamh, "%s", text);
}

/* ---- status mapping ------------------------------------------------------ */

static int to_pam(ga_status_t st, const ga_config_t *cfg)
{
    static const int table[GA_STATUS_MAX] = {
        [GA_OK] = PAM_SUCCESS,
        [GA_ERR_NOMEM] = PAM_BUF_ERR,
        [GA_ERR_CONFIG] = PAM_SERVICE_ERR,
        [GA_ERR_INTERNAL] = PAM_SERVICE_ERR,
        [GA_ERR_CONV] = PAM_CONV_ERR,
        [GA_ERR_CANCELLED] = PAM_AUTH_ERR,
        [GA_ERR_AUTH] = PAM_AUTH_ERR,
        [GA_ERR_INPUT] = PAM_AUTH_ERR,
        [GA_ERR_WRONG_CODE] = PAM_AUTH_ERR,
        [GA_ERR_EXPIRED] = PAM_AUTH_ERR,
        [GA_ERR_THROTTLED] = PAM_AUTH_ERR,
        [GA_ERR_REJECTED] = PAM_AUTH_ERR,
        [GA_ERR_MAXTRIES] = PAM_MAXTRIES,
        [GA_ERR_UNAVAIL] = PAM_AUTHINFO_UNAVAIL,
        [GA_ERR_NOT_FOUND] = PAM_SERVICE_ERR,
        [GA_ENROLLED] = PAM_IGNORE,
        [GA_IGNORE] = PAM_IGNORE,
        [GA_EXCLUDED] = PAM_IGNORE,
        [GA_POSTPONED] = PAM_IGNORE,
        [GA_ERR_NONINTERACTIVE] = PAM_AUTH_ERR,
        [GA_ERR_NO_METHOD] = PAM_AUTH_ERR,
    };
    /* every status has an entry: a missing one would be 0 = PAM_SUCCESS */
    _Static_assert(GA_STATUS_MAX == 21, "update the PAM mapping table");

    if ((unsigned)st >= GA_STATUS_MAX)
        return PAM_SERVICE_ERR;
    if (st == GA_ERR_NONINTERACTIVE && cfg && cfg->noninteractive == GA_NONINTERACTIVE_IGNORE)
        return PAM_IGNORE;
    if (st == GA_ERR_UNAVAIL && cfg && cfg->failmode == GA_FAILMODE_SAFE)
        return PAM_IGNORE; /* safe: the rest of the stack decides; never success */
    return table[st];
}

/* ---- PAM items ------------------------------------------------------------- */

/* PAM_USER must be a printable ASCII name of sane length. */
static int user_ok(const char *user)
{
    size_t n;

    if (!user || !*user || strnlen(user, GA_USER_MAX + 1) > GA_USER_MAX)
        return 0;
    for (n = 0; user[n]; n++)
        if ((unsigned char)user[n] < 0x21 || (unsigned char)user[n] > 0x7e)
            return 0;
    return 1;
}

static void stash_cleanup(pam_handle_t *pamh, void *data, int error_status)
{
    (void)pamh;
    (void)error_status;
    ga_stash_free(data);
}

/* The stash of this PAM handle for user: the one an earlier run left, or a
 * new one registered with pam_set_data (which then owns it). */
static ga_status_t get_stash(pam_handle_t *pamh, const char *user, ga_stash_t **out)
{
    const void *data = NULL;
    ga_stash_t *st;

    if (pam_get_data(pamh, GA_STASH_KEY, &data) == PAM_SUCCESS && data &&
        strcmp(((const ga_stash_t *)data)->user, user) == 0) {
        *out = (ga_stash_t *)data;
        return GA_OK;
    }
    st = ga_stash_new(user);
    if (!st)
        return GA_ERR_NOMEM;
    /* replaces (and so frees) a stash of another user */
    if (pam_set_data(pamh, GA_STASH_KEY, st, stash_cleanup) != PAM_SUCCESS) {
        ga_stash_free(st);
        return GA_ERR_NOMEM;
    }
    *out = st;
    return GA_OK;
}

/* ---- the run ----------------------------------------------------------------- */

typedef struct run {
    pam_handle_t *pamh;
    int flags;
    ga_args_t args;
    ga_logger_t lg;
    ga_config_t *cfg;
    ga_client_t *client;
} run_t;

/* Module arguments and the config file. */
static ga_status_t setup(run_t *r, int argc, const char **argv)
{
    char err[GA_ERRBUF] = "";
    ga_status_t rc;

    rc = ga_args_parse(argc, argv, &r->args, err, sizeof err);
    if (rc != GA_OK) {
        pam_syslog(r->pamh, LOG_ERR, "%s", err);
        return rc;
    }
    r->lg.debug = r->args.debug;
    rc = ga_config_load(r->args.conf_path, geteuid(), &r->cfg, err, sizeof err);
    if (rc != GA_OK)
        pam_syslog(r->pamh, rc == GA_ERR_CONFIG ? LOG_ALERT : LOG_CRIT, "%s", err);
    return rc;
}

/* What the flow needs beyond the config: state_dir, libcurl, the client. */
static ga_status_t setup_flow(run_t *r)
{
    char err[GA_ERRBUF] = "";
    ga_status_t rc;

    rc = ga_state_dir_prepare(r->cfg->state_dir, geteuid(), err, sizeof err);
    if (rc != GA_OK) {
        pam_syslog(r->pamh, rc == GA_ERR_CONFIG ? LOG_ALERT : LOG_CRIT, "%s", err);
        return rc;
    }
    if (ga_http_global_init() != GA_OK) {
        /* libcurl would write TLS session secrets to the file the caller's
         * SSLKEYLOGFILE names, so its presence is refused outright */
        pam_syslog(r->pamh, LOG_ERR, "%s",
                   getenv("SSLKEYLOGFILE") ? "SSLKEYLOGFILE is set in the environment: "
                                             "refusing to run (TLS secrets would be written)"
                                           : "libcurl initialisation failed");
        return GA_ERR_INTERNAL;
    }
    return ga_client_new(r->cfg, &r->lg, &r->client);
}

/* ---- policy ---------------------------------------------------------------- */

/* Who is asked, and where (ga_policy.h), before any network call or
 * state_dir access. GA_OK: in scope. GA_EXCLUDED / GA_ERR_NONINTERACTIVE:
 * stop here (one LOG_INFO line). Errors of the group lookup (logged). */
/* The policy for user (PAM_USER). valid: the name passed user_ok; a name
 * that did not can still be left out by bypass_users, services or users
 * (an excluded service must not refuse a user name it never looks at),
 * else it is GA_ERR_NOT_FOUND (PAM_USER_UNKNOWN), logged here. */
static ga_status_t apply_policy(run_t *r, const char *user, int valid)
{
    const void *item = NULL;
    const char *service = NULL;
    char shown[GA_SERVICE_SHOWN], shown_user[GA_SERVICE_SHOWN];
    ga_groups_t groups = {NULL, 0};
    ga_policy_t p;
    ga_status_t rc;

    /* set by the application: a name too long to be a service is no name */
    if (pam_get_item(r->pamh, PAM_SERVICE, &item) == PAM_SUCCESS && item &&
        strnlen(item, GA_SERVICE_MAX + 1) <= GA_SERVICE_MAX)
        service = item;
    /* bypass_users, services and users first: a break-glass user gets in
     * even when the group lookup (NSS, maybe LDAP) fails */
    p = ga_policy_early(r->cfg, user, service);
    (void)ga_sanitize(user, strnlen(user, GA_USER_MAX + 1), shown_user, sizeof shown_user);
    if (p == GA_POLICY_ASK && !valid) {
        pam_syslog(r->pamh, LOG_NOTICE, "refusing a user name that is empty, too long or "
                                        "not printable ASCII");
        return GA_ERR_NOT_FOUND;
    }
    if (p == GA_POLICY_ASK) {
        if (r->cfg->groups.n > 0) {
            rc = ga_groups_of(user, &groups, &r->lg);
            if (rc != GA_OK)
                return rc; /* logged */
        }
        p = ga_policy_decide(r->cfg, user, service, (const char *const *)groups.names,
                             groups.n);
        ga_groups_free(&groups);
    }
    if (p == GA_POLICY_ASK)
        return GA_OK;
    (void)ga_sanitize(service ? service : "(none)", service ? strlen(service) : 6, shown,
                      sizeof shown);
    if (p == GA_POLICY_NONINTERACTIVE) {
        ga_log(&r->lg, LOG_INFO, "user %s service %s: not asked for MFA: %s; noninteractive "
               "= %s", shown_user, shown, ga_policy_name(p),
               r->cfg->noninteractive == GA_NONINTERACTIVE_IGNORE ? "ignore" : "deny");
        return GA_ERR_NONINTERACTIVE;
    }
    ga_log(&r->lg, LOG_INFO, "user %s service %s: not asked for MFA: %s", shown_user, shown,
           ga_policy_name(p));
    return GA_EXCLUDED;
}

static ga_status_t run_flow(run_t *r, const char *user)
{
    const void *rhost = NULL, *authtok = NULL;
    char rhost_shown[GA_RHOST_SHOWN];
    conv_ctx_t cc = {r->pamh, (r->flags & PAM_SILENT) != 0};
    ga_ui_t ui = {conv_prompt, conv_info, conv_error, &cc, conv_needed};
    ga_api_ops_t ops;
    ga_flow_env_t env;
    ga_stash_t *st = NULL;
    ga_status_t rc;

    (void)pam_get_item(r->pamh, PAM_RHOST, &rhost);
    (void)pam_get_item(r->pamh, PAM_AUTHTOK, &authtok);
    rc = get_stash(r->pamh, user, &st);
    if (rc != GA_OK)
        return rc;
    if (rhost && ga_is_ip_literal(rhost) &&
        (rc = ga_client_set_end_user_ip(r->client, rhost)) != GA_OK)
        return rc;
    ga_client_ops(r->client, &ops);
    memset(&env, 0, sizeof env);
    env.cfg = r->cfg;
    env.lg = &r->lg;
    env.ui = &ui;
    env.api = &ops;
    env.user = user;
    /* shown in log lines only, sanitised; sent to GenAuth only when it is an
     * IP literal (ga_client_set_end_user_ip above) */
    rhost_shown[0] = '\0';
    if (rhost)
        (void)ga_sanitize(rhost, strnlen(rhost, 1024), rhost_shown, sizeof rhost_shown);
    env.rhost = rhost_shown;
    env.initial_password = authtok;
    env.use_first_pass = r->args.use_first_pass;
    env.step = r->args.step;
    env.euid = geteuid();
    return ga_flow_run(&env, st);
}

GA_EXPORT int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc,
                                  const char **argv)
{
    run_t r;
    const char *user = NULL;
    ga_status_t st;
    int rc;

    memset(&r, 0, sizeof r);
    r.pamh = pamh;
    r.flags = flags;
    r.lg.sink = log_sink;
    r.lg.ctx = pamh;
    st = setup(&r, argc, argv);
    if (st != GA_OK) {
        rc = to_pam(st, NULL);
        goto out;
    }
    rc = pam_get_user(pamh, &user, NULL);
    if (rc != PAM_SUCCESS) {
        pam_syslog(pamh, LOG_ERR, "cannot get the user name: %s", pam_strerror(pamh, rc));
        rc = rc == PAM_CONV_AGAIN ? PAM_INCOMPLETE : rc;
        goto out;
    }
    if (!user) {
        rc = PAM_USER_UNKNOWN;
        goto out;
    }
    st = apply_policy(&r, user, user_ok(user));
    if (st == GA_ERR_NOT_FOUND) {
        rc = PAM_USER_UNKNOWN;
        goto out;
    }
    if (st == GA_OK) {
        st = setup_flow(&r);
        if (st != GA_OK) {
            rc = to_pam(st, NULL); /* as a config error: never failmode's */
            goto out;
        }
        st = run_flow(&r, user);
    }
    rc = to_pam(st, r.cfg);
    ga_log(&r.lg, LOG_DEBUG, "user %s: step=%s result %s -> %s", user,
           ga_step_name(r.args.step), ga_status_name(st), pam_strerror(pamh, rc));
out:
    ga_client_free(r.client);
    ga_config_free(r.cfg);
    return rc;
}

GA_EXPORT int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    (void)pamh;
    (void)flags;
    (void)argc;
    (void)argv;
    return PAM_SUCCESS;
}
