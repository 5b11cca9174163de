/* pam_threads.c - concurrent logins through libpam and the real module.
 *
 * N threads each run C cycles of pam_start_confdir / pam_authenticate /
 * pam_end, a new handle per cycle, with a scripted conversation. Cycle i of
 * thread t plays one of the kinds below, (t + i) % K_MAX, so every thread
 * runs every kind and concurrent threads run different kinds. The harness
 * knows what each login must return and what it must show, and checks it.
 * Users that enroll are unique per cycle (u<t>c<i>), with a phone number or
 * email address that encodes t and i, so a login that showed or bound
 * another thread's data is caught (here by its masked target, and by
 * test_threads.py in the emulator's final state).
 *
 * The kinds of issue 4 run through a second service (--verify-service,
 * a config with on_enrolled = verify, Management API credentials, a policy
 * and enroll_grace): OTP verification of a user shared by every thread
 * (the code comes from --otp-code-file, which test_threads.py rewrites
 * every second with the TOTP of that user's secret), SMS verification
 * through the Management API (trigger data, send-sms, V2 verify; the
 * management token is cached per process), a recovery code, a user the
 * policy excludes (no prompt, no request), and `later` at the enrollment
 * menu of one user shared by every thread (the grace count must come out
 * exact: test_threads.py checks the postponements counted here against
 * enroll_grace and the grace file).
 *
 * usage: pam_threads [options] CONFDIR SERVICE
 *   SERVICE runs the module with [success=done ignore=ignore default=die]
 *   and then "auth requisite pam_debug.so auth=cred_insufficient", so the
 *   module's PAM_IGNORE shows as PAM_CRED_INSUFFICIENT (test_threads.py
 *   writes it); the verify service is stacked the same way
 *   --verify-service S  the service of the issue 4 kinds (SERVICE-verify)
 *   --otp-code-file F   the current TOTP of user shared-otp, one line
 *   --grace-burst N     before its cycles, every thread runs N `later`
 *                       logins of the shared grace user right after the
 *                       start barrier, so they really race (3)
 *   --threads N      threads (4)
 *   --cycles N       logins per thread (25)
 *   --code CODE      the emulator's fixed_code (every code it sends)
 *   --rss A,B        afterwards, B sequential logins in the main thread;
 *                    compare RSS and heap in use after A and after B
 *   --rss-limit KIB  allowed RSS growth between A and B (512)
 *   --heap-limit KIB allowed growth of heap in use (128)
 *   --syslog FILE    append what the module logs to FILE
 *   --print-users    print {"users": [...], "logins": {kind: n}}: the
 *                    users for the emulator, each with "expect" (the factor
 *                    it must end with), and how many logins of each kind
 *                    the same options will run
 *   --plant-race     TEST THE TEST: the threads also increment a shared
 *                    counter without a lock (ThreadSanitizer must report it)
 *
 * Also checks, process-wide: curl_global_init ran exactly once and
 * curl_global_cleanup never (both interposed here; the module resolves them
 * through the global scope, where this executable comes first), and no
 * password or code appears in a log line. Closing line:
 * "pam_threads: N passed, N failed" (logins plus those checks).
 */
#include "config.h"

/* This file defines syslog() and friends to capture pam_syslog; glibc's
 * fortified headers would turn those names into inline wrappers. */
#undef _FORTIFY_SOURCE

#include <dlfcn.h>
#include <malloc.h>
#include <pthread.h>
#include <security/pam_appl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))
#define MAX_THREADS 64
#define MAX_CYCLES 5000
#define WRONG_CODE "13579"       /* never the fixed code (which has 6 digits) */
#define OTP_USER "shared-otp"    /* OTP factor; the code from --otp-code-file */
#define GRACE_USER "shared-grace" /* no factor; answers `later` */
#define SECRET_MARK "-secret"    /* every password contains it */
#define MAX_REPORTS 10           /* failed logins described in full */

typedef enum {
    K_ENROLL_SMS,  /* no factor: menu, phone, code       -> PAM_SUCCESS */
    K_WRONG_PW,    /* shared user, wrong password        -> PAM_AUTH_ERR */
    K_ENROLL_EMAIL,/* no factor: menu, email, code       -> PAM_SUCCESS */
    K_HAS_FACTOR,  /* shared user with an SMS factor     -> PAM_IGNORE, which the
                      stack turns into pam_debug's PAM_CRED_INSUFFICIENT */
    K_WRONG_CODE,  /* three wrong codes (max_attempts 3) -> PAM_MAXTRIES */
    K_UNKNOWN,     /* not in GenAuth                     -> PAM_AUTH_ERR */
    K_CONV_ERR,    /* conversation fails at the code     -> PAM_CONV_ERR */
    /* issue 4, through the verify service */
    K_VERIFY_OTP,  /* shared user with OTP: the TOTP     -> PAM_SUCCESS */
    K_VERIFY_SMS,  /* SMS factor, via the Management API -> PAM_SUCCESS */
    K_EXCLUDED,    /* users = {"*", "!excluded-*"}       -> PAM_IGNORE (no prompt) */
    K_RECOVERY,    /* OTP factor, `recovery` + its code  -> PAM_SUCCESS */
    K_GRACE,       /* shared user, `later` at the menu   -> postponed (PAM_IGNORE),
                      or, once enroll_grace is used up, refused: see check() */
    K_MAX
} kind_t;

static const struct {
    const char *name;
    int expect;       /* PAM result */
    int prompts;      /* prompts the user sees */
    int code_prompts;
    int verify;       /* runs through the verify service */
} KINDS[K_MAX] = {
    [K_ENROLL_SMS] = {"enroll-sms", PAM_SUCCESS, 4, 1, 0},
    [K_WRONG_PW] = {"wrong-password", PAM_AUTH_ERR, 1, 0, 0},
    [K_ENROLL_EMAIL] = {"enroll-email", PAM_SUCCESS, 4, 1, 0},
    [K_HAS_FACTOR] = {"has-factor", PAM_CRED_INSUFFICIENT, 1, 0, 0},
    [K_WRONG_CODE] = {"wrong-code", PAM_MAXTRIES, 6, 3, 0},
    [K_UNKNOWN] = {"unknown-user", PAM_AUTH_ERR, 1, 0, 0},
    [K_CONV_ERR] = {"conv-error", PAM_CONV_ERR, 4, 1, 0},
    [K_VERIFY_OTP] = {"verify-otp", PAM_SUCCESS, 2, 1, 1},
    [K_VERIFY_SMS] = {"verify-sms", PAM_SUCCESS, 2, 1, 1},
    [K_EXCLUDED] = {"excluded", PAM_CRED_INSUFFICIENT, 0, 0, 1},
    [K_RECOVERY] = {"recovery", PAM_SUCCESS, 4, 2, 1},
    /* postponed; the other outcomes are in check() */
    [K_GRACE] = {"grace-later", PAM_CRED_INSUFFICIENT, 2, 0, 1},
};

/* One login: its script and what it saw. */
typedef struct cycle {
    int t, i;
    kind_t k;
    char user[32], password[64], phone[32], email[64], masked[64], recovery[64];
    int prompts, code_prompts;
    int menus, said_later, postponed; /* K_GRACE: menus seen, `later` answered,
                                         the postponement message seen */
    int new_recovery;                 /* K_RECOVERY: the new code was shown */
    char problem[256];    /* first thing that went wrong, "" if none */
    char verdict[512];    /* why the login counts as failed, "" if it is right */
    char last_info[256];
} cycle_t;

typedef struct stats {
    long runs[K_MAX], ok[K_MAX];
} stats_t;

static const char *confdir, *service, *code = "123456", *otp_code_file;
static char verify_service[128];
static int n_threads = 4, n_cycles = 25, n_burst = 3;
static pthread_barrier_t start_line;
static int plant_race;
static long racy_counter; /* written unlocked only with --plant-race */
static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;
static int reports;
/* K_GRACE outcomes, and the logins that needed the Management API */
static long grace_postponed, grace_refused, grace_not_offered, mgmt_logins;

/* ---- the plan: who logs in in cycle i of thread t ------------------------- */

static void plan(int t, int i, cycle_t *c)
{
    memset(c, 0, sizeof *c);
    c->t = t;
    c->i = i;
    /* cycles past n_cycles are the grace burst (worker threads only) */
    c->k = i >= n_cycles && t < n_threads ? K_GRACE : (kind_t)((t + i) % K_MAX);
    switch (c->k) {
    case K_WRONG_PW:
        snprintf(c->user, sizeof c->user, "shared-pw");
        snprintf(c->password, sizeof c->password, "wrong-%d-%d" SECRET_MARK, t, i);
        break;
    case K_HAS_FACTOR:
        snprintf(c->user, sizeof c->user, "shared-factor");
        snprintf(c->password, sizeof c->password, "pw-shared-factor" SECRET_MARK);
        break;
    case K_UNKNOWN:
        snprintf(c->user, sizeof c->user, "nobody%d", t);
        snprintf(c->password, sizeof c->password, "pw-nobody%d" SECRET_MARK, t);
        break;
    case K_VERIFY_OTP:
        snprintf(c->user, sizeof c->user, OTP_USER);
        snprintf(c->password, sizeof c->password, "pw-" OTP_USER SECRET_MARK);
        break;
    case K_EXCLUDED: /* never asked: the policy decides before any request */
        snprintf(c->user, sizeof c->user, "excluded-%d", t);
        snprintf(c->password, sizeof c->password, "pw-excluded-%d" SECRET_MARK, t);
        break;
    case K_GRACE:
        snprintf(c->user, sizeof c->user, GRACE_USER);
        snprintf(c->password, sizeof c->password, "pw-" GRACE_USER SECRET_MARK);
        break;
    default: /* a user of its own, never seen before this cycle */
        snprintf(c->user, sizeof c->user, "u%dc%d", t, i);
        snprintf(c->password, sizeof c->password, "pw-u%dc%d" SECRET_MARK, t, i);
    }
    /* national number 1TT 0000 IIII, shown as "+86 1TT****IIII" */
    snprintf(c->phone, sizeof c->phone, "1%02d0000%04d", t, i);
    snprintf(c->email, sizeof c->email, "%s@c%d.t%d.example.com", c->user, i, t);
    snprintf(c->recovery, sizeof c->recovery, "rc-%d-%d" SECRET_MARK, t, i);
    if (c->k == K_ENROLL_EMAIL)
        snprintf(c->masked, sizeof c->masked, "u***@c%d.t%d.example.com", i, t);
    else
        snprintf(c->masked, sizeof c->masked, "+86 1%02d****%04d", t, i);
}

/* One JSON user for the emulator; expect: the factor it must end with. */
static void print_user(const cycle_t *c, int *first)
{
    const char *factor = "null";
    char buf[160];

    if (c->k == K_HAS_FACTOR || c->k == K_WRONG_PW || c->k == K_UNKNOWN ||
        c->k == K_VERIFY_OTP || c->k == K_GRACE || c->k == K_EXCLUDED)
        return; /* shared users are printed once, below; the unknown and the
                   excluded ones are not in GenAuth */
    if (c->k == K_VERIFY_SMS) { /* has the factor, and must keep exactly it */
        snprintf(buf, sizeof buf, "{\"factorType\": \"SMS\", \"profile\": {\"phoneNumber\": "
                 "\"%s\", \"phoneCountryCode\": \"+86\"}}", c->phone);
        printf("%s\n  {\"username\": \"%s\", \"password\": \"%s\", \"factors\": [%s], "
               "\"expect\": %s}", *first ? "" : ",", c->user, c->password, buf, buf);
        *first = 0;
        return;
    }
    if (c->k == K_RECOVERY) { /* the recovery code must have been replaced */
        printf("%s\n  {\"username\": \"%s\", \"password\": \"%s\", \"factors\": "
               "[{\"factorType\": \"OTP\", \"recoveryCode\": \"%s\"}], "
               "\"expect\": {\"otp-recovery-replaced\": \"%s\"}}",
               *first ? "" : ",", c->user, c->password, c->recovery, c->recovery);
        *first = 0;
        return;
    }
    if (c->k == K_ENROLL_SMS) {
        snprintf(buf, sizeof buf, "{\"factorType\": \"SMS\", \"profile\": {\"phoneNumber\": "
                 "\"%s\", \"phoneCountryCode\": \"+86\"}}", c->phone);
        factor = buf;
    } else if (c->k == K_ENROLL_EMAIL) {
        snprintf(buf, sizeof buf, "{\"factorType\": \"EMAIL\", \"profile\": {\"email\": \"%s\"}}",
                 c->email);
        factor = buf;
    }
    printf("%s\n  {\"username\": \"%s\", \"password\": \"%s\", \"factors\": [], "
           "\"expect\": %s}", *first ? "" : ",", c->user, c->password, factor);
    *first = 0;
}

static void print_users(int rss_b)
{
    long logins[K_MAX] = {0};
    int first = 1;
    cycle_t c;

    printf("{\"users\": [");
    for (int t = 0; t <= n_threads; t++) /* thread n_threads: the RSS phase */
        for (int i = 0; i < (t == n_threads ? rss_b : n_cycles + n_burst); i++) {
            plan(t, i, &c);
            print_user(&c, &first);
            logins[c.k]++;
        }
    /* shared-otp's secret is test_threads.py's (it writes the code file) */
    printf("%s\n  {\"username\": \"shared-pw\", \"password\": \"pw-shared-pw" SECRET_MARK
           "\", \"factors\": [], \"expect\": null},\n"
           "  {\"username\": \"" GRACE_USER "\", \"password\": \"pw-" GRACE_USER SECRET_MARK
           "\", \"factors\": [], \"expect\": null},\n"
           "  {\"username\": \"shared-factor\", \"password\": \"pw-shared-factor" SECRET_MARK
           "\", \"factors\": [{\"factorType\": \"SMS\", \"profile\": {\"phoneNumber\": "
           "\"13800000000\", \"phoneCountryCode\": \"+86\"}}], \"expect\": \"keep\"}\n],\n"
           "\"logins\": {", first ? "" : ",");
    for (int k = 0; k < K_MAX; k++)
        printf("%s\"%s\": %ld", k ? ", " : "", KINDS[k].name, logins[k]);
    printf("}}\n");
}

/* ---- the scripted user ------------------------------------------------------ */

static void problem(cycle_t *c, const char *what, const char *text)
{
    if (!c->problem[0])
        snprintf(c->problem, sizeof c->problem, "%s: [%.160s]", what, text);
}

/* The answer to one prompt, or NULL for a conversation error. */
/* The current TOTP of OTP_USER from the code file, into buf. */
static const char *otp_code(cycle_t *c, char *buf, size_t len)
{
    FILE *f = otp_code_file ? fopen(otp_code_file, "r") : NULL;

    buf[0] = '\0';
    if (f) {
        if (!fgets(buf, (int)len, f))
            buf[0] = '\0';
        fclose(f);
    }
    buf[strcspn(buf, "\r\n")] = '\0';
    if (strlen(buf) < 6) {
        problem(c, "no TOTP in --otp-code-file", otp_code_file ? otp_code_file : "(none)");
        return NULL;
    }
    return buf;
}

/* The verify service's kinds: OTP, recovery, and `later` at the menu. */
static const char *answer_verify(cycle_t *c, const char *text, char *buf, size_t len)
{
    if (strstr(text, "Authenticator app code (or type recovery)")) {
        c->code_prompts++;
        if (c->k == K_RECOVERY)
            return "recovery";
        if (c->k == K_VERIFY_OTP)
            return otp_code(c, buf, len);
    } else if (c->k == K_RECOVERY && strstr(text, "Recovery code: ")) {
        c->code_prompts++;
        return c->recovery;
    } else if (c->k == K_RECOVERY && strstr(text, "Your new recovery code:")) {
        c->new_recovery = strstr(text, c->recovery) == NULL; /* not the old one */
        return "";
    } else if (c->k == K_GRACE && strstr(text, "Choose 1-")) {
        c->menus++;
        if (!c->said_later && strstr(text, "Type later")) {
            c->said_later = 1;
            return "later";
        }
        return NULL; /* not offered (any more): end the login here */
    }
    problem(c, "unexpected prompt", text);
    return NULL;
}

static const char *answer_for(cycle_t *c, int style, const char *text, char *buf, size_t len)
{
    c->prompts++;
    if (strstr(text, "GenAuth password") && style == PAM_PROMPT_ECHO_OFF)
        return c->password;
    if (style != PAM_PROMPT_ECHO_ON || c->k == K_WRONG_PW || c->k == K_UNKNOWN ||
        c->k == K_HAS_FACTOR || c->k == K_EXCLUDED) {
        problem(c, "unexpected prompt", text);
        return NULL;
    }
    if (c->k == K_VERIFY_OTP || c->k == K_RECOVERY || c->k == K_GRACE)
        return answer_verify(c, text, buf, len);
    if (strstr(text, "Choose 1-"))
        return c->k == K_ENROLL_EMAIL ? "email" : "sms";
    if (strstr(text, "Mobile phone number")) {
        snprintf(buf, len, "+86 %s", c->phone);
        return buf;
    }
    if (strstr(text, "Email address"))
        return c->email;
    if (strstr(text, "Enter code")) {
        c->code_prompts++;
        snprintf(buf, len, "Code sent to %s. Enter code:", c->masked);
        if (!strstr(text, buf))
            problem(c, "code prompt names another target", text);
        return c->k == K_CONV_ERR ? NULL : c->k == K_WRONG_CODE ? WRONG_CODE : code;
    }
    problem(c, "unexpected prompt", text);
    return NULL;
}

static void drop_responses(struct pam_response *r, int n)
{
    for (int j = 0; j < n; j++)
        free(r[j].resp);
    free(r);
}

static int conv(int n, const struct pam_message **msg, struct pam_response **resp, void *ud)
{
    cycle_t *c = ud;
    struct pam_response *r;
    char buf[128];

    if (n <= 0 || !(r = calloc((size_t)n, sizeof *r)))
        return PAM_CONV_ERR;
    for (int j = 0; j < n; j++) {
        const char *text = msg[j]->msg ? msg[j]->msg : "";
        const char *a;

        switch (msg[j]->msg_style) {
        case PAM_PROMPT_ECHO_OFF:
        case PAM_PROMPT_ECHO_ON:
            a = answer_for(c, msg[j]->msg_style, text, buf, sizeof buf);
            if (!a || !(r[j].resp = strdup(a))) {
                drop_responses(r, n);
                return PAM_CONV_ERR;
            }
            break;
        case PAM_TEXT_INFO:
            snprintf(c->last_info, sizeof c->last_info, "%s", text);
            if (strstr(text, "Two-factor setup postponed"))
                c->postponed = 1;
            break;
        default:
            break;
        }
    }
    *resp = r;
    return PAM_SUCCESS;
}

/* ---- one login ---------------------------------------------------------------- */

/* K_GRACE: which of its outcomes this login had, and what that outcome
 * must look like: {PAM result, prompts}. Counted for test_threads.py. */
static void grace_outcome(cycle_t *c, int *expect, int *prompts)
{
    if (!c->said_later) {        /* grace used up: the first menu has no `later`;
                                    the conversation error there = non-interactive */
        *expect = PAM_AUTH_ERR;
        *prompts = 2;
        __atomic_add_fetch(&grace_not_offered, 1, __ATOMIC_SEQ_CST);
    } else if (c->menus == 1) {  /* offered and recorded */
        *expect = PAM_CRED_INSUFFICIENT;
        *prompts = 2;
        if (!c->postponed)
            problem(c, "postponed without telling the user", c->last_info);
        __atomic_add_fetch(&grace_postponed, 1, __ATOMIC_SEQ_CST);
    } else {                     /* offered, but used up meanwhile: refused, and the
                                    menu asked again without `later` */
        *expect = PAM_CONV_ERR;
        *prompts = 3;
        __atomic_add_fetch(&grace_refused, 1, __ATOMIC_SEQ_CST);
    }
}

static void check(cycle_t *c, int rc)
{
    int expect = KINDS[c->k].expect, prompts = KINDS[c->k].prompts;
    char want[128];

    if (c->k == K_GRACE)
        grace_outcome(c, &expect, &prompts);
    if (c->k == K_RECOVERY && rc == PAM_SUCCESS && !c->new_recovery)
        problem(c, "no new recovery code shown", c->last_info);
    if (rc == PAM_SUCCESS && !c->problem[0] &&
        (c->k == K_ENROLL_SMS || c->k == K_ENROLL_EMAIL)) {
        /* "... is set up: <factor label> <masked target>." */
        snprintf(want, sizeof want, " %s.", c->masked);
        if (!strstr(c->last_info, "is set up: ") || !strstr(c->last_info, want))
            problem(c, "success message names another target", c->last_info);
    }
    if (rc != expect)
        snprintf(c->verdict, sizeof c->verdict, "PAM result %d, want %d", rc, expect);
    else if (c->prompts != prompts || c->code_prompts != KINDS[c->k].code_prompts)
        snprintf(c->verdict, sizeof c->verdict, "%d prompts (%d for a code), want %d (%d)",
                 c->prompts, c->code_prompts, prompts, KINDS[c->k].code_prompts);
    else if (c->problem[0])
        snprintf(c->verdict, sizeof c->verdict, "wrong text");
    if (c->verdict[0] && c->problem[0]) {
        size_t n = strlen(c->verdict);
        snprintf(c->verdict + n, sizeof c->verdict - n, "; %s", c->problem);
    }
}

static int run_cycle(int t, int i, stats_t *st)
{
    struct pam_conv pc = {conv, NULL};
    pam_handle_t *pamh = NULL;
    char rhost[32];
    cycle_t c;
    int rc;

    plan(t, i, &c);
    pc.appdata_ptr = &c;
    snprintf(rhost, sizeof rhost, "192.0.2.%d", t + 1);
    if (c.k == K_VERIFY_SMS || c.k == K_RECOVERY)
        __atomic_add_fetch(&mgmt_logins, 1, __ATOMIC_SEQ_CST);
    rc = pam_start_confdir(KINDS[c.k].verify ? verify_service : service, c.user, &pc, confdir,
                           &pamh);
    if (rc == PAM_SUCCESS && (rc = pam_set_item(pamh, PAM_RHOST, rhost)) == PAM_SUCCESS)
        rc = pam_authenticate(pamh, 0);
    if (pamh)
        pam_end(pamh, rc);
    check(&c, rc);
    st->runs[c.k]++;
    if (!c.verdict[0]) {
        st->ok[c.k]++;
        return 1;
    }
    pthread_mutex_lock(&report_lock);
    if (reports++ < MAX_REPORTS)
        printf("FAIL thread %d cycle %d %s user %s: %s\n", t, i, KINDS[c.k].name, c.user,
               c.verdict);
    pthread_mutex_unlock(&report_lock);
    return 0;
}

typedef struct worker {
    pthread_t id;
    int t;
    stats_t st;
} worker_t;

static void *work(void *arg)
{
    worker_t *w = arg;

    /* all threads start together, so the first logins (and the module's
     * one-time libcurl initialisation) really race */
    pthread_barrier_wait(&start_line);
    /* before any login: once a login has taken one of the module's mutexes
     * (the config parser's), TSan sees an order between later increments */
    if (plant_race)
        racy_counter++;
    for (int j = 0; j < n_burst; j++) /* `later` on one user from every thread */
        (void)run_cycle(w->t, n_cycles + j, &w->st);
    for (int i = 0; i < n_cycles; i++) {
        if (plant_race)
            racy_counter++;
        (void)run_cycle(w->t, i, &w->st);
    }
    return NULL;
}

/* ---- interposed libcurl global functions ----------------------------------- */

static long curl_inits, curl_cleanups;

/* the real function from the libcurl the module loaded */
static void *real_curl(const char *name)
{
    void *lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_NOLOAD);
    void *fn = lib ? dlsym(lib, name) : NULL;

    if (lib)
        dlclose(lib);
    return fn ? fn : dlsym(RTLD_NEXT, name);
}

EXPORT int curl_global_init(long flags);
EXPORT void curl_global_cleanup(void);

EXPORT int curl_global_init(long flags)
{
    int (*fn)(long) = (int (*)(long))real_curl("curl_global_init");

    __atomic_add_fetch(&curl_inits, 1, __ATOMIC_SEQ_CST);
    return fn ? fn(flags) : 2 /* CURLE_FAILED_INIT */;
}

EXPORT void curl_global_cleanup(void)
{
    void (*fn)(void) = (void (*)(void))real_curl("curl_global_cleanup");

    __atomic_add_fetch(&curl_cleanups, 1, __ATOMIC_SEQ_CST);
    if (fn)
        fn();
}

/* ---- capture what libpam's pam_syslog sends to syslog ---------------------- */

static const char *syslog_path;
static FILE *syslog_file;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static long log_lines, log_secrets;

__attribute__((format(printf, 2, 0))) static void capture(int prio, const char *fmt,
                                                        va_list ap)
{
    char line[2048];

    vsnprintf(line, sizeof line, fmt, ap);
    pthread_mutex_lock(&log_lock);
    log_lines++;
    if (strstr(line, SECRET_MARK) || strstr(line, code) || strstr(line, WRONG_CODE))
        log_secrets++;
    if (syslog_path && !syslog_file)
        syslog_file = fopen(syslog_path, "a");
    if (syslog_file)
        fprintf(syslog_file, "<%d> %s\n", prio & LOG_PRIMASK, line);
    pthread_mutex_unlock(&log_lock);
}

EXPORT void __syslog_chk(int prio, int flag, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
EXPORT void __vsyslog_chk(int prio, int flag, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

EXPORT void __syslog_chk(int prio, int flag, const char *fmt, ...)
{
    va_list ap;

    (void)flag;
    va_start(ap, fmt);
    capture(prio, fmt, ap);
    va_end(ap);
}

EXPORT void __vsyslog_chk(int prio, int flag, const char *fmt, va_list ap)
{
    (void)flag;
    capture(prio, fmt, ap);
}

EXPORT void syslog(int prio, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    capture(prio, fmt, ap);
    va_end(ap);
}

EXPORT void vsyslog(int prio, const char *fmt, va_list ap)
{
    capture(prio, fmt, ap);
}

/* ---- memory --------------------------------------------------------------------- */

static long rss_kib(void)
{
    long size = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");

    if (f) {
        if (fscanf(f, "%ld %ld", &size, &resident) != 2)
            resident = 0;
        fclose(f);
    }
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static long heap_kib(void)
{
    struct mallinfo2 mi = mallinfo2();

    return (long)((mi.uordblks + mi.hblkhd) / 1024);
}

/* B sequential logins (as thread number n_threads); 1 if memory stayed flat. */
static int memory_phase(int a, int b, long rss_limit, long heap_limit, stats_t *st)
{
    long rss_a = 0, heap_a = 0, rss_b, heap_b;
    int ok = 1;

    for (int i = 0; i < b; i++) {
        (void)run_cycle(n_threads, i, st);
        if (i + 1 == a) {
            rss_a = rss_kib();
            heap_a = heap_kib();
        }
    }
    rss_b = rss_kib();
    heap_b = heap_kib();
    printf("memory: after %d logins RSS %ld KiB, heap in use %ld KiB; after %d: RSS %ld KiB, "
           "heap %ld KiB; growth RSS %+ld KiB (limit %ld), heap %+ld KiB (limit %ld)\n",
           a, rss_a, heap_a, b, rss_b, heap_b, rss_b - rss_a, rss_limit, heap_b - heap_a,
           heap_limit);
    if (rss_b - rss_a > rss_limit || heap_b - heap_a > heap_limit) {
        printf("FAIL memory grows with the number of logins\n");
        ok = 0;
    }
    return ok;
}

/* ---- main ------------------------------------------------------------------------ */

static int number(const char *s, int min, int max)
{
    char *end;
    long v = strtol(s, &end, 10);

    if (*end || v < min || v > max) {
        fprintf(stderr, "pam_threads: bad number %s (%d..%d)\n", s, min, max);
        exit(2);
    }
    return (int)v;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

int main(int argc, char **argv)
{
    static worker_t workers[MAX_THREADS + 1];
    stats_t total = {{0}, {0}};
    int rss_a = 0, rss_b = 0, users = 0, checks_failed = 0, checks = 0;
    long rss_limit = 512, heap_limit = 128, logins = 0, good = 0;
    struct timespec t0;
    int ai;

    for (ai = 1; ai < argc && strncmp(argv[ai], "--", 2) == 0; ai++) {
        const char *v = ai + 1 < argc ? argv[ai + 1] : "";
        if (strcmp(argv[ai], "--print-users") == 0) {
            users = 1;
            continue;
        }
        if (strcmp(argv[ai], "--plant-race") == 0) {
            plant_race = 1;
            continue;
        }
        if (strcmp(argv[ai], "--threads") == 0)
            n_threads = number(v, 1, MAX_THREADS);
        else if (strcmp(argv[ai], "--cycles") == 0)
            n_cycles = number(v, 1, MAX_CYCLES);
        else if (strcmp(argv[ai], "--code") == 0)
            code = v;
        else if (strcmp(argv[ai], "--rss") == 0 && sscanf(v, "%d,%d", &rss_a, &rss_b) == 2 &&
                 rss_a > 0 && rss_b > rss_a && rss_b <= MAX_CYCLES)
            ;
        else if (strcmp(argv[ai], "--rss-limit") == 0)
            rss_limit = number(v, 0, 1 << 20);
        else if (strcmp(argv[ai], "--heap-limit") == 0)
            heap_limit = number(v, 0, 1 << 20);
        else if (strcmp(argv[ai], "--syslog") == 0)
            syslog_path = v;
        else if (strcmp(argv[ai], "--verify-service") == 0)
            snprintf(verify_service, sizeof verify_service, "%s", v);
        else if (strcmp(argv[ai], "--otp-code-file") == 0)
            otp_code_file = v;
        else if (strcmp(argv[ai], "--grace-burst") == 0)
            n_burst = number(v, 0, 100);
        else {
            fprintf(stderr, "pam_threads: bad option %s\n", argv[ai]);
            return 2;
        }
        ai++;
    }
    if (users) {
        print_users(rss_b);
        return 0;
    }
    if (argc - ai != 2) {
        fprintf(stderr, "usage: pam_threads [options] CONFDIR SERVICE\n");
        return 2;
    }
    confdir = argv[ai];
    service = argv[ai + 1];
    if (!verify_service[0])
        snprintf(verify_service, sizeof verify_service, "%s-verify", service);

    clock_gettime(CLOCK_MONOTONIC, &t0);
    pthread_barrier_init(&start_line, NULL, (unsigned)n_threads);
    for (int t = 0; t < n_threads; t++) {
        workers[t].t = t;
        if (pthread_create(&workers[t].id, NULL, work, &workers[t]) != 0) {
            fprintf(stderr, "pam_threads: pthread_create failed\n");
            return 2;
        }
    }
    for (int t = 0; t < n_threads; t++)
        pthread_join(workers[t].id, NULL);
    pthread_barrier_destroy(&start_line);
    printf("concurrent: %d threads x %d logins = %d logins (+ %d x %d `later` first) in %.1f s%s\n",
           n_threads, n_cycles, n_threads * n_cycles, n_threads, n_burst, seconds_since(&t0),
           plant_race ? " (with a planted race)" : "");

    checks += rss_b > 0;
    if (rss_b && !memory_phase(rss_a, rss_b, rss_limit, heap_limit, &workers[n_threads].st))
        checks_failed++;
    for (int t = 0; t <= n_threads; t++)
        for (int k = 0; k < K_MAX; k++) {
            total.runs[k] += workers[t].st.runs[k];
            total.ok[k] += workers[t].st.ok[k];
        }
    printf("  %-16s %6s %6s  %s\n", "kind", "logins", "right", "expected");
    for (int k = 0; k < K_MAX; k++) {
        printf("  %-16s %6ld %6ld  %d\n", KINDS[k].name, total.runs[k], total.ok[k],
               KINDS[k].expect);
        logins += total.runs[k];
        good += total.ok[k];
    }
    printf("grace: %ld postponed, %ld refused, %ld not offered\n", grace_postponed,
           grace_refused, grace_not_offered);
    printf("management API: %ld logins needed it\n", mgmt_logins);
    printf("libcurl: curl_global_init called %ld time(s), curl_global_cleanup %ld time(s)\n",
           curl_inits, curl_cleanups);
    checks += 2;
    checks_failed += (curl_inits != 1) + (curl_cleanups != 0);
    pthread_mutex_lock(&log_lock);
    printf("log: %ld lines, %ld with a password or code\n", log_lines, log_secrets);
    checks++;
    checks_failed += log_secrets != 0 || log_lines == 0;
    if (syslog_file)
        fclose(syslog_file);
    pthread_mutex_unlock(&log_lock);
    printf("pam_threads: %ld passed, %ld failed\n", good + checks - checks_failed,
           logins - good + checks_failed);
    return logins == good && checks_failed == 0 ? 0 : 1;
}
