/* alloc_fail.c - allocation-failure injection over the module's core.
 *
 * Linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,
 * --wrap=strndup,--wrap=free,--wrap=ga_state_save (alloc_wrap.c): only the
 * calls made from the objects of this link - the test and the core library
 * (src/ga_*.c) - are wrapped. Allocations made inside libcurl, json-c,
 * libconfuse, OpenSSL and libc are NOT (shared libraries, resolved at run
 * time): this program injects failures into, and counts the blocks of, the
 * module's own code only. The test's own copies use af_strdup (unwrapped).
 *
 * Scenarios (each a full sequence, as pam_sm_authenticate runs it):
 *   config  ga_config_load of a file that sets every key, ga_config_free
 *   state   ga_state_dir_prepare, ga_state_save, ga_state_load, ga_state_remove
 *   flow    ga_config_load, ga_state_dir_prepare, ga_http_global_init,
 *           ga_client_new (the real HTTPS client), ga_client_set_end_user_ip,
 *           ga_stash_new, ga_flow_run (sign in, list factors, menu, phone,
 *           send the code, enter it, bind) against the emulator, and the frees
 *   resume  a first run (not injected) stops at the code prompt, leaving the
 *           pending enrollment in state_dir; the injected run is the second
 *           login, which loads it (ga_state_load) and binds
 *   detours flow with a wrong PAM_AUTHTOK (then the password prompt), an
 *           invalid menu answer, an invalid phone number and a wrong code
 *           first (re-prompts, the wrong-code state save)
 *   steps   step=request then step=bind in the same stash (pam_set_data)
 *   empty   flow where list-enrolled-factors answers an empty body: the
 *           clean run ends in GA_ERR_UNAVAIL (the fail mode)
 * Issue 4 (config conf_verify: on_enrolled = verify, Management API
 * credentials, factors {"OTP", "SMS"}, enroll_grace 1, qr utf8):
 *   verify-otp  alice has an OTP factor: sign in, list factors, the TOTP
 *               (POST /api/v3/mfa-totp-verify)
 *   verify-sms  alice has an SMS factor: two logins in one process, the
 *               first fetches and caches the management token, the second
 *               uses the cached one (trigger data, send-sms, V2 verify)
 *   recovery    alice has an OTP factor: `recovery`, her recovery code,
 *               the new code shown (trigger data, V2 recovery)
 *   verify-signin  alice has an SMS factor and the sign-in answers MFA
 *               required (apiCode 1635) with its trigger data and mfaToken:
 *               no Management API
 *   otp-enroll  alice has no factor: menu `1` (OTP), send-enroll-factor-
 *               request, ga_otpauth_parse, ga_qr_render, ga_ui_show, the
 *               TOTP of the key shown, enroll-factor, ga_grace_reset
 *   otp-enroll-ascii  the same with qr = ascii
 *   grace       alice has no factor: `later` at the menu (ga_grace_check,
 *               ga_grace_use); the clean run ends in GA_POSTPONED, and the
 *               grace file must say used 1 exactly when a run postponed,
 *               used 0 otherwise (no lost or phantom postponement)
 *   policy      ga_config_load (groups = {the runner's primary group}),
 *               ga_policy_early, ga_groups_of (getpwnam_r, getgrouplist,
 *               getgrgid_r), ga_policy_decide: the clean run is in scope (GA_OK); an
 *               exclusion (GA_EXCLUDED) after a failed allocation would
 *               be a group lost to the failure: fail open
 * The TOTP comes from tests/stress/totp.py --serve (AF_TOTP_CMD), one
 * process for the whole run, asked over a pipe ("ID SECRET" -> "ID CODE").
 * For each, a clean run counts the wrapped allocation calls (total); then
 * for N = 1..total a forked child runs the scenario with the Nth allocation
 * failing. A run passes when the child did not crash or hang, returned an
 * error status (never GA_OK, GA_ENROLLED or GA_IGNORE), freed every block it
 * allocated through the wrapped functions (and, in an ASan build, LSan found
 * no leak at all), and left no temporary file in state_dir.
 *
 * Three kinds of best-effort work may fail and still end in GA_OK; such runs
 * are printed as "tolerated", with the site: a failure inside the
 * ga_state_save that ga_enroll.c makes after a code was sent (logged: "a
 * reconnect will need a new code"; the login goes on), and a failure
 * inside ga_mgmt_cache_put (ga_api_mfa.c: "a token that cannot be cached
 * still serves this call"; the next login fetches a new one), and a
 * failure inside ga_qr_render (ga_enroll_otp.c logs "could not draw the OTP
 * QR code" and shows the key to type by hand). Any other
 * GA_OK, GA_POSTPONED or GA_EXCLUDED after a failed allocation fails the
 * run.
 *
 * usage: alloc_fail [--only SCENARIO] [--verbose] URL CA_FILE WORKDIR CODE
 *   URL, CA_FILE: a running emulator; CODE: its fixed_code setting. The
 *   emulator is reset and given the user before each flow run.
 * Closing line: "allocfail: N passed, N failed".
 */
#include "config.h"

#include <curl/curl.h>
#include <dirent.h>
#include <grp.h>
#include <pwd.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ga_api.h"
#include "ga_config.h"
#include "ga_flow.h"
#include "ga_groups.h"
#include "ga_http.h"
#include "ga_mgmt.h"
#include "ga_policy.h"
#include "ga_stash.h"
#include "ga_state.h"

#include "alloc_wrap.h"
#include "emu_control.h"

#if defined(__SANITIZE_ADDRESS__)
#define HAVE_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_LSAN 1
#endif
#endif
#ifdef HAVE_LSAN
#include <sanitizer/lsan_interface.h>
#endif

#define USER "alice"
#define PASSWORD "alice-pw-secret"
#define RUN_SECONDS 60  /* a child taking longer counts as hung */
#define OTP_SECRET "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" /* alice's in verify-otp, recovery */
#define RECOVERY_CODE "rc-alice-0123" SECRET_TAIL
#define SECRET_TAIL "-secret"
#define SHOWN_MAX 16384 /* what the user was told, kept for the OTP key */

/* ---- paths, log and the scripted user ------------------------------------- */

static const char *url, *ca_file, *workdir, *code;
static char conf_full[512], conf_flow[512], conf_verify[512], conf_ascii[512], conf_policy[512];
static char state_dir[512];
static char me[256], my_group[256]; /* the runner and its primary group (policy) */
static int totp_in = -1, totp_out = -1; /* pipes to and from totp.py --serve */
static int verbose;
static char warn_seen; /* the best-effort save's warning was logged */
static char qr_warn_seen; /* the QR code could not be drawn (logged) */
static char last_log[200];

static void log_sink(void *ctx, int prio, const char *line)
{
    (void)ctx;
    (void)prio;
    if (strstr(line, "could not keep the pending enrollment"))
        warn_seen = 1;
    if (strstr(line, "could not draw the OTP QR code"))
        qr_warn_seen = 1;
    snprintf(last_log, sizeof last_log, "%s", line);
    if (verbose > 1)
        fprintf(stderr, "  log: %s\n", line);
}

static const ga_logger_t lg = {log_sink, NULL, 1};

typedef enum {
    M_ENROLL = 0, M_VERIFY_OTP, M_VERIFY_SMS, M_RECOVERY, M_OTP_ENROLL, M_GRACE
} play_t;

typedef struct script {
    play_t mode;
    int stop_at_code; /* conversation error at the code prompt */
    int detours;      /* a wrong PAM_AUTHTOK, then a wrong first answer to the
                         menu, the phone number and the code */
    int split;        /* step=request, then step=bind in the same stash */
    int menus, phones, codes; /* prompts seen */
    int said_later;
    char shown[SHOWN_MAX];    /* every info message, for the OTP key */
    size_t shown_len;
} script_t;

/* The current TOTP of secret into out (7 bytes): asks totp.py --serve.
 * 0 on success. */
static int totp_now(const char *secret, char *out)
{
    static unsigned long id;
    char req[200], line[64];
    size_t n = 0;
    char ch;

    if (totp_in < 0)
        return -1;
    id = id * 31 + (unsigned long)getpid() + 1;
    snprintf(req, sizeof req, "%lu %s\n", id, secret);
    if (write(totp_in, req, strlen(req)) != (ssize_t)strlen(req))
        return -1;
    for (;;) { /* one byte at a time: nothing is left behind for the next child */
        if (read(totp_out, &ch, 1) != 1)
            return -1;
        if (ch != '\n') {
            if (n + 1 < sizeof line)
                line[n++] = ch;
            continue;
        }
        line[n] = '\0';
        n = 0;
        snprintf(req, sizeof req, "%lu ", id);
        if (strncmp(line, req, strlen(req)) == 0 && strlen(line + strlen(req)) == 6) {
            memcpy(out, line + strlen(req), 7);
            return 0;
        }
        /* an answer to a child that died before reading it: skip */
    }
}

/* The key shown by the OTP enrollment ("Or enter this key by hand:", or
 * "Enter this key in the app by hand:" without a QR code, then groups of
 * four), without the spaces, into out. */
static int shown_key(const script_t *s, char *out, size_t len)
{
    const char *p = strstr(s->shown, "this key");
    size_t n = 0;

    if (!p || !(p = strstr(p, "by hand:")))
        return -1;
    for (p += strlen("by hand:"); *p; p++) {
        if (strncmp(p, "Time-based", 10) == 0)
            break;
        if ((*p >= 'A' && *p <= 'Z') || (*p >= '2' && *p <= '7')) {
            if (n + 1 >= len)
                return -1;
            out[n++] = *p;
        }
    }
    out[n] = '\0';
    return n >= 16 ? 0 : -1;
}

/* The answers of the issue 4 scenarios; NULL: not one of theirs. */
static const char *answer_issue4(script_t *s, const char *text, char *buf, int *conv_error)
{
    char key[200];

    *conv_error = 0;
    if (strstr(text, "Authenticator app code")) {
        if (s->mode == M_RECOVERY)
            return "recovery";
        if (totp_now(OTP_SECRET, buf) == 0)
            return buf;
    } else if (strstr(text, "Recovery code: ")) {
        return RECOVERY_CODE;
    } else if (strstr(text, "Press Enter to continue")) {
        return "";
    } else if (strstr(text, "code from your authenticator app")) {
        if (shown_key(s, key, sizeof key) == 0 && totp_now(key, buf) == 0)
            return buf;
    } else if (strstr(text, "Choose 1") && s->mode == M_OTP_ENROLL) {
        return "1";
    } else if (strstr(text, "Choose 1") && s->mode == M_GRACE) {
        if (!s->said_later && strstr(text, "Type later")) {
            s->said_later = 1;
            return "later";
        }
    } else {
        return NULL;
    }
    *conv_error = 1; /* no code to give, or `later` is not offered (any more) */
    return NULL;
}

static ga_status_t ui_prompt(void *ctx, int echo_on, const char *text, char **answer)
{
    script_t *s = ctx;
    const char *a = NULL;
    char buf[16];
    int conv_error = 0;

    (void)echo_on;
    if (s->mode != M_ENROLL && !strstr(text, "GenAuth password") &&
        ((a = answer_issue4(s, text, buf, &conv_error)) || conv_error))
        ;
    else if (strstr(text, "GenAuth password"))
        a = PASSWORD;
    else if (strstr(text, "Choose 1-"))
        a = s->detours && s->menus++ == 0 ? "9" : "sms";
    else if (strstr(text, "Mobile phone number"))
        a = s->detours && s->phones++ == 0 ? "12" : "+86 139 0000 7777";
    else if (strstr(text, "Enter code") && !s->stop_at_code)
        a = s->detours && s->codes++ == 0 ? "000000" : code;
    /* the test's copy: the flow frees it with free() (passed through) */
    *answer = a ? af_strdup(a) : NULL;
    return *answer ? GA_OK : GA_ERR_CONV;
}

static void ui_say(void *ctx, const char *text)
{
    script_t *s = ctx;
    size_t n = strlen(text);

    if (s->shown_len + n + 2 < sizeof s->shown) {
        memcpy(s->shown + s->shown_len, text, n);
        s->shown_len += n;
        s->shown[s->shown_len++] = '\n';
        s->shown[s->shown_len] = '\0';
    }
    if (verbose > 1)
        fprintf(stderr, "  ui: %s\n", text);
}

/* ---- scenarios -------------------------------------------------------------- */

static ga_status_t sc_config(void)
{
    ga_config_t *cfg = NULL;
    char err[512];
    ga_status_t rc = ga_config_load(conf_full, geteuid(), &cfg, err, sizeof err);

    if (rc == GA_OK && (!cfg || strcmp(cfg->app_id, "emu-app-id") != 0 || cfg->n_factors != 2))
        rc = GA_ERR_INTERNAL; /* loaded, but not what the file says */
    ga_config_free(cfg);
    return rc;
}

static ga_status_t sc_state(void)
{
    char token[] = "tok-0123456789abcdef", err[512];
    ga_pending_t p, q;
    long long now = (long long)time(NULL);
    ga_status_t rc;

    memset(&p, 0, sizeof p);
    memset(&q, 0, sizeof q);
    p.type = GA_FACTOR_SMS;
    p.enrollment_token = token;
    snprintf(p.masked_target, sizeof p.masked_target, "+86 139****7777");
    p.sent_at = now;
    p.attempts = 1;
    if ((rc = ga_state_dir_prepare(state_dir, geteuid(), err, sizeof err)) != GA_OK ||
        (rc = ga_state_save(state_dir, USER, geteuid(), &p, &lg)) != GA_OK ||
        (rc = ga_state_load(state_dir, USER, geteuid(), now, GA_TOKEN_LIFETIME, &q, &lg)) != GA_OK)
        goto out;
    if (!q.enrollment_token || strcmp(q.enrollment_token, token) != 0 || q.attempts != 1 ||
        q.type != GA_FACTOR_SMS || strcmp(q.masked_target, p.masked_target) != 0) {
        rc = GA_ERR_INTERNAL; /* loaded something else than was saved */
        goto out;
    }
    rc = ga_state_remove(state_dir, USER, &lg);
out:
    ga_pending_clear(&q);
    return rc;
}

/* One login as pam_sm_authenticate runs it (after the policy). */
static ga_status_t login_with(const char *conf, script_t *s)
{
    ga_config_t *cfg = NULL;
    ga_client_t *client = NULL;
    ga_stash_t *st = NULL;
    ga_ui_t ui = {ui_prompt, ui_say, ui_say, s, NULL};
    ga_api_ops_t ops;
    ga_flow_env_t env;
    char err[512];
    ga_status_t rc;

    if ((rc = ga_config_load(conf, geteuid(), &cfg, err, sizeof err)) != GA_OK ||
        (rc = ga_state_dir_prepare(cfg->state_dir, geteuid(), err, sizeof err)) != GA_OK ||
        (rc = ga_http_global_init()) != GA_OK ||
        (rc = ga_client_new(cfg, &lg, &client)) != GA_OK ||
        (rc = ga_client_set_end_user_ip(client, "192.0.2.7")) != GA_OK)
        goto out;
    if (!(st = ga_stash_new(USER))) {
        rc = GA_ERR_NOMEM;
        goto out;
    }
    ga_client_ops(client, &ops);
    memset(&env, 0, sizeof env);
    env.cfg = cfg;
    env.lg = &lg;
    env.ui = &ui;
    env.api = &ops;
    env.user = USER;
    env.rhost = "192.0.2.7";
    env.initial_password = s->detours ? "wrong-" PASSWORD : NULL;
    env.step = s->split ? GA_STEP_REQUEST : GA_STEP_BOTH;
    env.euid = geteuid();
    rc = ga_flow_run(&env, st);
    if (s->split && rc == GA_IGNORE) { /* the code is sent and stashed */
        env.step = GA_STEP_BIND;
        rc = ga_flow_run(&env, st);
    } else if (s->split && rc == GA_OK) {
        rc = GA_ERR_INTERNAL; /* step=request never binds */
    }
out:
    ga_stash_free(st);
    ga_client_free(client);
    ga_config_free(cfg);
    return rc;
}

static ga_status_t login(script_t *s)
{
    return login_with(conf_flow, s);
}

static ga_status_t sc_flow(int detours, int split)
{
    static script_t s;

    memset(&s, 0, sizeof s);
    s.detours = detours;
    s.split = split;
    return login(&s);
}

/* An issue 4 login through conf_verify; verify-sms runs two (the second
 * with the management token the first cached). The cache is emptied at the
 * end, so what it holds does not count as a leak. */
static ga_status_t sc_issue4(play_t mode, const char *conf)
{
    static script_t s;
    ga_status_t rc;

    memset(&s, 0, sizeof s);
    s.mode = mode;
    rc = login_with(conf, &s);
    if (rc == GA_OK && mode == M_VERIFY_SMS && conf == conf_verify) {
        memset(&s, 0, sizeof s);
        s.mode = mode;
        rc = login_with(conf, &s);
    }
    ga_mgmt_cache_reset();
    return rc;
}

/* As pam_genauth.c's apply_policy: the config, ga_policy_early, the
 * runner's groups, the decision. GA_OK in scope, GA_EXCLUDED not. */
static ga_status_t sc_policy(void)
{
    ga_config_t *cfg = NULL;
    ga_groups_t g = {NULL, 0};
    char err[512];
    ga_status_t rc;

    if ((rc = ga_config_load(conf_policy, geteuid(), &cfg, err, sizeof err)) != GA_OK)
        goto out;
    if (ga_policy_early(cfg, me, "sshd") != GA_POLICY_ASK) {
        rc = GA_EXCLUDED;
        goto out;
    }
    if ((rc = ga_groups_of(me, &g, &lg)) != GA_OK)
        goto out;
    rc = ga_policy_decide(cfg, me, "sshd", (const char *const *)g.names, g.n) == GA_POLICY_ASK
             ? GA_OK
             : GA_EXCLUDED;
out:
    ga_groups_free(&g);
    ga_config_free(cfg);
    return rc;
}

/* The setup login is not injected: the count starts at the second one. */
static ga_status_t sc_resume(long at)
{
    static script_t first, second;
    ga_status_t rc;

    memset(&first, 0, sizeof first);
    memset(&second, 0, sizeof second);
    first.stop_at_code = 1;
    rc = login(&first);

    if (rc != GA_ERR_CONV || af_live() != 0)
        return GA_ERR_INTERNAL; /* the setup left no pending code, or leaked */
    af_reset(at);
    return login(&second);
}

/* Proves the checks can fail (run by test_allocfail.py with --only selftest,
 * expecting 2 passed, 3 failed): planted bugs at allocations 2, 3 and 4.
 * Called through volatile pointers so the compiler cannot elide them. */
static void *(*volatile planted_malloc)(size_t) = malloc;
static void (*volatile planted_free)(void *) = free;

static ga_status_t sc_selftest(void)
{
    char *a = planted_malloc(8), *b = NULL, *c = NULL, *d = NULL;

    if (!a)
        return GA_ERR_NOMEM;    /* allocation 1 fails: clean error */
    if (!(b = planted_malloc(8)))
        return GA_ERR_NOMEM;    /* 2: leaks a */
    c = planted_malloc(8);      /* 3: failure swallowed, success */
    d = planted_malloc(8);
    *(char *volatile)d = 'x';   /* 4: unchecked, crashes */
    planted_free(d);
    planted_free(c);
    planted_free(b);
    planted_free(a);
    return GA_OK;
}

typedef enum {
    S_CONFIG, S_STATE, S_FLOW, S_RESUME, S_DETOURS, S_STEPS, S_EMPTY,
    S_VERIFY_OTP, S_VERIFY_SMS, S_RECOVERY, S_VERIFY_SIGNIN, S_OTP_ENROLL, S_OTP_ASCII,
    S_GRACE, S_POLICY, S_SELFTEST, S_MAX
} scenario_t;
static const char *const NAMES[S_MAX] = {
    "config", "state", "flow", "resume", "detours", "steps", "empty",
    "verify-otp", "verify-sms", "recovery", "verify-signin", "otp-enroll", "otp-enroll-ascii",
    "grace", "policy", "selftest"};
/* what a run without injection returns */
static const ga_status_t CLEAN[S_MAX] = {[S_EMPTY] = GA_ERR_UNAVAIL,
                                         [S_GRACE] = GA_POSTPONED};
/* alice as each scenario needs her in GenAuth */
#define ALICE(factors) \
    "[{\"username\": \"" USER "\", \"password\": \"" PASSWORD "\", \"factors\": [" factors "]}]"
#define OTP_FACTOR \
    "{\"factorType\": \"OTP\", \"secret\": \"" OTP_SECRET "\", \"recoveryCode\": \"" \
    RECOVERY_CODE "\"}"
#define SMS_FACTOR \
    "{\"factorType\": \"SMS\", \"profile\": {\"phoneNumber\": \"13900007777\", " \
    "\"phoneCountryCode\": \"+86\"}}"

static const char *users_for(scenario_t s)
{
    switch (s) {
    case S_VERIFY_OTP:
    case S_RECOVERY:
        return ALICE(OTP_FACTOR);
    case S_VERIFY_SMS:
    case S_VERIFY_SIGNIN:
        return ALICE(SMS_FACTOR);
    default:
        return ALICE("");
    }
}

/* ---- the emulator and state_dir between runs -------------------------------- */

/* A fresh emulator: no enrollments, no rate limit, every code = CODE. */
static int emulator_reset(CURL *c, const char *users, int mfa_on_signin)
{
    char settings[160];

    snprintf(settings, sizeof settings, "{\"fixed_code\": \"%s\", \"rate_limit_seconds\": 0, "
             "\"mfa_on_signin\": %d}", code, mfa_on_signin);
    return emu_control(c, url, ca_file, "reset", "{}") ||
           emu_control(c, url, ca_file, "settings", settings) ||
           emu_control(c, url, ca_file, "users", users);
}

/* Remove everything in state_dir; return how many were temporary files. */
static int state_dir_sweep(void)
{
    DIR *d = opendir(state_dir);
    struct dirent *e;
    int temps = 0;

    if (!d)
        return 0;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        temps += strncmp(e->d_name, ".tmp-", 5) == 0;
        (void)unlinkat(dirfd(d), e->d_name, 0);
    }
    closedir(d);
    return temps;
}

/* `used N` of the one grace file in state_dir; -1 if there is none. */
static long grace_file_used(void)
{
    DIR *d = opendir(state_dir);
    struct dirent *e;
    long used = -1;

    if (!d)
        return -1;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        char path[1024], line[64];
        FILE *f;

        if (n < 6 || strcmp(e->d_name + n - 6, ".grace") != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", state_dir, e->d_name);
        if (!(f = fopen(path, "r")))
            continue;
        used = 0; /* an empty file counts as 0 (ga_grace.c) */
        while (fgets(line, sizeof line, f))
            if (strncmp(line, "used ", 5) == 0)
                used = strtol(line + 5, NULL, 10);
        fclose(f);
    }
    closedir(d);
    return used;
}

/* ---- one run in a child --------------------------------------------------- */

typedef struct result {
    int done;        /* the child got to the end */
    ga_status_t status;
    int fired;       /* the injected failure happened */
    int tolerated;   /* GA_OK after a failure in best-effort work: 1 the state
                        save after a send, 2 the management token cache, 3 the
                        QR code (the key is shown without it; logged) */
    long grace_used; /* the grace file's count after the run (-1: no file) */
    long calls;      /* wrapped allocation calls */
    long live;       /* blocks from wrapped calls never freed */
    int sites;       /* distinct call sites (counting run) */
    unsigned long site_list[256]; /* their offsets in this program */
    int lsan;        /* LSan found a leak (ASan builds) */
    unsigned long site; /* where the injected failure was: offset in this program */
    char last_log[200];
} result_t;

static void child(scenario_t s, long at, int fd)
{
    void *const *sites = NULL;
    result_t r;

    memset(&r, 0, sizeof r);
    alarm(RUN_SECONDS);
    af_reset(s == S_RESUME ? 0 : at);
    warn_seen = qr_warn_seen = 0;
    switch (s) {
    case S_VERIFY_OTP: r.status = sc_issue4(M_VERIFY_OTP, conf_verify); break;
    case S_VERIFY_SMS: r.status = sc_issue4(M_VERIFY_SMS, conf_verify); break;
    case S_RECOVERY: r.status = sc_issue4(M_RECOVERY, conf_verify); break;
    case S_VERIFY_SIGNIN: r.status = sc_issue4(M_VERIFY_SMS, conf_flow); break;
    case S_OTP_ENROLL: r.status = sc_issue4(M_OTP_ENROLL, conf_verify); break;
    case S_OTP_ASCII: r.status = sc_issue4(M_OTP_ENROLL, conf_ascii); break;
    case S_GRACE: r.status = sc_issue4(M_GRACE, conf_verify); break;
    case S_POLICY: r.status = sc_policy(); break;
    case S_CONFIG: r.status = sc_config(); break;
    case S_STATE: r.status = sc_state(); break;
    case S_FLOW: r.status = sc_flow(0, 0); break;
    case S_RESUME: r.status = sc_resume(at); break;
    case S_DETOURS: r.status = sc_flow(1, 0); break;
    case S_STEPS: r.status = sc_flow(0, 1); break;
    case S_EMPTY: r.status = sc_flow(0, 0); break; /* the emulator answers nothing */
    default: r.status = sc_selftest(); break;
    }
    r.calls = af_calls();
    r.live = af_live();
    r.sites = af_sites(&sites);
    for (int k = 0; k < r.sites && k < 256; k++)
        r.site_list[k] = af_site_offset(sites[k]);
    r.fired = at > 0 && af_calls() >= at;
    if (r.status == GA_OK && r.fired && af_failed_in_state_save() && warn_seen &&
        s != S_STATE && s != S_CONFIG)
        r.tolerated = 1;
    else if (r.status == GA_OK && r.fired && af_failed_in_mgmt_cache_put())
        r.tolerated = 2;
    else if (r.status == GA_OK && r.fired && af_failed_in_qr_render() && qr_warn_seen)
        r.tolerated = 3;
    r.grace_used = grace_file_used();
    r.site = af_site_offset(af_fail_site());
    snprintf(r.last_log, sizeof r.last_log, "%s", last_log);
#ifdef HAVE_LSAN
    r.lsan = __lsan_do_recoverable_leak_check();
#endif
    r.done = 1;
    if (write(fd, &r, sizeof r) != (ssize_t)sizeof r)
        _exit(3);
    _exit(0);
}

/* Run scenario s with allocation `at` failing (0: none) in a child.
 * Returns 0, or the signal that killed it (-1: other abnormal end). */
static int run(scenario_t s, long at, result_t *r)
{
    int fds[2], st = 0;
    ssize_t got = 0, n;
    pid_t pid;

    memset(r, 0, sizeof *r);
    fflush(NULL);
    if (pipe(fds) != 0 || (pid = fork()) < 0) {
        perror("alloc_fail: pipe/fork");
        exit(2);
    }
    if (pid == 0) {
        close(fds[0]);
        child(s, at, fds[1]);
    }
    close(fds[1]);
    while ((size_t)got < sizeof *r &&
           (n = read(fds[0], (char *)r + got, sizeof *r - (size_t)got)) > 0)
        got += n;
    close(fds[0]);
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (WIFSIGNALED(st))
        return WTERMSIG(st);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 && r->done ? 0 : -1;
}

/* ---- the injection loop ---------------------------------------------------- */

static long passed, failed, points, tolerated_total;
static unsigned long reached[MAX_SITES]; /* call sites reached by the clean runs */
static int n_reached;

static void note_sites(const result_t *r)
{
    for (int k = 0; k < r->sites && k < 256; k++) {
        int j = 0;
        while (j < n_reached && reached[j] != r->site_list[k])
            j++;
        if (j == n_reached && n_reached < MAX_SITES)
            reached[n_reached++] = r->site_list[k];
    }
}

static int prepare(CURL *c, scenario_t s)
{
    int temps = state_dir_sweep();

    if (s != S_CONFIG && s != S_STATE && s != S_SELFTEST && s != S_POLICY &&
        emulator_reset(c, users_for(s), s == S_VERIFY_SIGNIN ? 1635 : 0))
        return -1;
    /* an empty body (Content-Length: 0) to the second request */
    if (s == S_EMPTY && emu_control(c, url, ca_file, "faults",
                                    "{\"path\": \"/api/v3/list-enrolled-factors\", "
                                    "\"kind\": \"empty\"}"))
        return -1;
    return temps;
}

/* One injected run: 1 if it passed. */
static int judge(scenario_t s, long at, int sig, const result_t *r, int temps, long *hist,
                 long *tolerated)
{
    char why[256] = "", where[512];
    const char *excuse = NULL;

    af_describe_site(r->site, where, sizeof where);
    if (r->tolerated)
        excuse = r->tolerated == 3   ? "best-effort QR code (the key is shown by hand; logged)"
                 : r->tolerated == 2 ? "best-effort management token cache (the token "
                                       "still serves the login)"
                                     : "best-effort state save after the code was sent "
                                       "(logged)";
    /* any other GA_OK after a failed allocation is a swallowed failure (the
     * one best-effort exception, the json-c buffer wipe in ga_state_file.c,
     * now allocates nothing) */
    if (sig > 0)
        snprintf(why, sizeof why, "crashed (signal %d%s)", sig,
                 sig == SIGALRM ? ": hung" : "");
    else if (sig < 0)
        snprintf(why, sizeof why, "ended abnormally");
    else if (r->live || r->lsan)
        snprintf(why, sizeof why, "leaked %ld block(s) allocated by the module%s", r->live,
                 r->lsan ? "; LeakSanitizer reported a leak" : "");
    else if (temps)
        snprintf(why, sizeof why, "left %d temporary file(s) in state_dir", temps);
    else if (!r->fired && r->status != CLEAN[s])
        snprintf(why, sizeof why, "allocation %ld never happened, yet %s", at,
                 ga_status_name(r->status));
    else if (r->fired && r->status == GA_OK && !excuse)
        snprintf(why, sizeof why, "succeeded although allocation %ld failed", at);
    else if (r->fired && (r->status == GA_ENROLLED || r->status == GA_IGNORE ||
                          r->status == GA_POSTPONED || r->status == GA_EXCLUDED))
        snprintf(why, sizeof why, "returned %s (a decision) after a failed allocation",
                 ga_status_name(r->status));
    else if (s == S_GRACE && (r->status == GA_POSTPONED ? r->grace_used != 1
                                                        : r->grace_used > 0))
        snprintf(why, sizeof why, "grace file says used %ld after %s (lost or phantom "
                 "postponement)", r->grace_used, ga_status_name(r->status));
    if (why[0]) {
        printf("FAIL %s: allocation %ld at %s: %s; status %s; last log: %s\n", NAMES[s], at,
               where, why, ga_status_name(r->status), r->last_log);
        return 0;
    }
    if (r->fired && r->status == GA_OK) {
        (*tolerated)++;
        printf("tolerated %s: allocation %ld at %s: %s\n", NAMES[s], at, where, excuse);
    } else if (r->fired)
        hist[r->status]++;
    if (verbose)
        printf("ok %s %ld: %s at %s\n", NAMES[s], at, ga_status_name(r->status), where);
    return 1;
}

static void scenario(CURL *c, scenario_t s)
{
    long hist[GA_STATUS_MAX] = {0}, tolerated = 0, ok = 0, bad = 0, total;
    result_t r;
    int sig = 0, temps;

    if ((temps = prepare(c, s)) < 0 || (sig = run(s, 0, &r)) != 0 || r.status != CLEAN[s] ||
        r.live || r.lsan) {
        printf("FAIL %s: the run without injection: %s, %ld block(s) left, lsan %d, end %d; "
               "last log: %s\n", NAMES[s], ga_status_name(r.status), r.live, r.lsan, sig,
               r.last_log);
        failed++;
        return;
    }
    total = r.calls;
    if (s != S_SELFTEST)
        note_sites(&r);
    printf("%s: a clean run makes %ld allocation calls from %d call sites\n", NAMES[s],
           total, r.sites);
    for (long at = 1; at <= total; at++) {
        if ((temps = prepare(c, s)) < 0) {
            bad++;
            break;
        }
        sig = run(s, at, &r);
        temps = state_dir_sweep();
        if (judge(s, at, sig, &r, temps, hist, &tolerated))
            ok++;
        else
            bad++;
    }
    printf("%s: %ld injected runs: %ld passed (", NAMES[s], total, ok);
    for (int k = 0; k < GA_STATUS_MAX; k++)
        if (hist[k])
            printf("%s %ld, ", ga_status_name((ga_status_t)k), hist[k]);
    printf("tolerated %ld), %ld failed\n", tolerated, bad);
    points += total;
    tolerated_total += tolerated;
    passed += ok + 1; /* + the clean run */
    failed += bad;
}

/* ---- main ---------------------------------------------------------------------- */

static int write_file(const char *path, const char *text)
{
    FILE *f;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);

    if (fd < 0 || !(f = fdopen(fd, "w"))) {
        perror(path);
        return -1;
    }
    fputs(text, f);
    return fclose(f);
}

/* The runner's name and primary group, for the policy scenario. */
static int who_am_i(void)
{
    struct passwd *pw = getpwuid(geteuid());
    struct group *gr = pw ? getgrgid(pw->pw_gid) : NULL;

    if (!pw || !gr)
        return -1;
    snprintf(me, sizeof me, "%s", pw->pw_name);
    snprintf(my_group, sizeof my_group, "%s", gr->gr_name);
    return 0;
}

/* Start AF_TOTP_CMD (tests/stress/totp.py --serve) with pipes to and from
 * it; every child asks it. Without AF_TOTP_CMD the OTP scenarios cannot
 * answer (their clean run fails), the others do not need it. */
static int totp_start(void)
{
    const char *cmd = getenv("AF_TOTP_CMD");
    int to[2], from[2];
    pid_t pid;

    if (!cmd || !*cmd)
        return 0;
    if (pipe(to) != 0 || pipe(from) != 0 || (pid = fork()) < 0)
        return -1;
    if (pid == 0) {
        dup2(to[0], 0);
        dup2(from[1], 1);
        close(to[0]);
        close(to[1]);
        close(from[0]);
        close(from[1]);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    close(to[0]);
    close(from[1]);
    totp_in = to[1];
    totp_out = from[0];
    return 0;
}

static int write_configs(void)
{
    char text[2048];

    snprintf(state_dir, sizeof state_dir, "%s/state", workdir);
    snprintf(conf_flow, sizeof conf_flow, "%s/flow.conf", workdir);
    snprintf(conf_full, sizeof conf_full, "%s/full.conf", workdir);
    snprintf(text, sizeof text,
             "app_id = \"emu-app-id\"\napp_secret = \"emu-app-secret\"\n"
             "app_host = \"%s\"\nca_file = \"%s\"\nstate_dir = \"%s\"\n"
             "connect_timeout = 5\ntimeout = 20\nfactors = {\"SMS\", \"EMAIL\"}\n", url,
             ca_file, state_dir);
    if (write_file(conf_flow, text))
        return -1;
    snprintf(conf_verify, sizeof conf_verify, "%s/verify.conf", workdir);
    snprintf(text, sizeof text,
             "app_id = \"emu-app-id\"\napp_secret = \"emu-app-secret\"\n"
             "app_host = \"%s\"\nca_file = \"%s\"\nstate_dir = \"%s\"\n"
             "connect_timeout = 5\ntimeout = 20\non_enrolled = \"verify\"\n"
             "mgmt_host = \"%s\"\nuserpool_id = \"emu-userpool-id\"\n"
             "userpool_secret = \"emu-userpool-secret\"\nfactors = {\"OTP\", \"SMS\"}\n"
             "enroll_grace = 1\nqr = \"utf8\"\n", url, ca_file, state_dir, url);
    if (write_file(conf_verify, text))
        return -1;
    snprintf(conf_ascii, sizeof conf_ascii, "%s/ascii.conf", workdir);
    *strstr(text, "qr = \"utf8\"") = '\0';
    snprintf(text + strlen(text), sizeof text - strlen(text), "qr = \"ascii\"\n");
    if (write_file(conf_ascii, text))
        return -1;
    snprintf(conf_policy, sizeof conf_policy, "%s/policy.conf", workdir);
    snprintf(text, sizeof text,
             "app_id = \"emu-app-id\"\napp_secret = \"emu-app-secret\"\n"
             "app_host = \"%s\"\nca_file = \"%s\"\nstate_dir = \"%s\"\n"
             "users = {\"*\", \"!nobody\"}\nservices = {\"sshd\", \"su*\"}\n"
             "bypass_users = {\"break-glass\"}\ngroups = {\"%s\", \"!ga-no-such-group\"}\n",
             url, ca_file, state_dir, my_group);
    if (write_file(conf_policy, text))
        return -1;
    snprintf(text, sizeof text,
             "# every key, none at its default\n"
             "app_id = \"emu-app-id\"\napp_secret = \"emu-app-secret\"\n"
             "app_host = \"%s\"\nca_file = \"%s\"\n"
             "token_endpoint_auth_method = \"client_secret_basic\"\n"
             "login_field = \"account\"\nlogin_format = \"%%u@corp.example\"\n"
             "factors = {\"EMAIL\", \"SMS\"}\nphone_country_code = \"+1\"\n"
             "failmode = \"safe\"\nconnect_timeout = 3\ntimeout = 7\nmax_attempts = 5\n"
             "max_sends = 2\nstate_dir = \"%s\"\nlang = \"zh-CN\"\n"
             "header_prefix = \"x-genauth-\"\n", url, ca_file, state_dir);
    return write_file(conf_full, text);
}

int main(int argc, char **argv)
{
    const char *only = NULL;
    CURL *c;
    int ai = 1;

    for (; ai < argc && strncmp(argv[ai], "--", 2) == 0; ai++)
        if (strcmp(argv[ai], "--verbose") == 0)
            verbose++;
        else if (strcmp(argv[ai], "--only") == 0 && ai + 1 < argc)
            only = argv[++ai];
        else
            break;
    if (argc - ai != 4) {
        fprintf(stderr, "usage: alloc_fail [--only SCENARIO] [--verbose] URL CA_FILE "
                        "WORKDIR CODE\n");
        return 2;
    }
    url = argv[ai];
    ca_file = argv[ai + 1];
    workdir = argv[ai + 2];
    code = argv[ai + 3];
    if (who_am_i() != 0 || totp_start() != 0) {
        fprintf(stderr, "alloc_fail: setup failed (user, group or AF_TOTP_CMD)\n");
        return 2;
    }
    /* as the module does, once per process; the children inherit it */
    if (write_configs() != 0 || ga_http_global_init() != GA_OK || !(c = curl_easy_init())) {
        fprintf(stderr, "alloc_fail: setup failed\n");
        return 2;
    }
#ifdef HAVE_LSAN
    printf("LeakSanitizer checks: on (after every run)\n");
#else
    printf("LeakSanitizer checks: off (not an ASan build)\n");
#endif
    for (int s = 0; s < S_MAX; s++)
        if (only ? strcmp(only, NAMES[s]) == 0 : s != S_SELFTEST)
            scenario(c, (scenario_t)s);
    curl_easy_cleanup(c);
    printf("injection points exercised: %ld (%ld tolerated: best-effort work)\n",
           points, tolerated_total);
    printf("allocation call sites reached: %d:", n_reached);
    for (int k = 0; k < n_reached; k++)
        printf(" %#lx", reached[k]);
    printf("\nallocfail: %ld passed, %ld failed\n", passed, failed);
    return failed ? 1 : 0;
}
