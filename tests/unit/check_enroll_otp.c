/* check_enroll_otp.c - the enrollment menu with OTP and grace, and the OTP
 * enrollment (ga_enroll_menu.c, ga_enroll_otp.c), driven through
 * ga_enroll_run with a scripted user, a fake GenAuth and a fake clock. The
 * otpauth parser, QR drawing, ga_ui_show and the grace file are the real
 * ones; state_dir is a temporary directory. */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ga_enroll.h"
#include "ga_qr.h"
#include "ga_secret.h"
#include "ga_state.h"
#include "ga_text.h"

#define SECRET "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXQ"
#define GROUPED "JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXQ"
#define RECOVERY "e7ad-aaa4-da75-fa37-57d1-5141"
#define URI6                                                                               \
    "otpauth://totp/GenAuth:alice%40example.com?secret=" SECRET                            \
    "&period=30&digits=6&algorithm=SHA1&issuer=GenAuth"
#define URI8                                                                               \
    "otpauth://totp/GenAuth:alice?secret=" SECRET "&period=30&digits=8&issuer=GenAuth"
#define DAY 86400LL

static long long fake_time = 1700000000; /* 2023-11-14 22:13:20 UTC */
static long long fake_now(void) { return fake_time; }

/* ---- scripted user: every message and prompt, in order -------------------- */

#define MAXEV 128
typedef struct event {
    char kind; /* 'p' prompt, 'i' info, 'e' error */
    int echo;
    char *text;
} event_t;

static struct {
    const char *answers[32]; /* NULL = conversation error */
    int n, next;
    event_t ev[MAXEV];
    int n_ev;
    void (*before_answer)(int prompt_no);
    int n_prompts;
} u;

static void record(char kind, int echo, const char *text)
{
    ck_assert_int_lt(u.n_ev, MAXEV);
    ck_assert_uint_le(strlen(text), GA_UI_CHUNK); /* every message, every prompt */
    u.ev[u.n_ev].kind = kind;
    u.ev[u.n_ev].echo = echo;
    u.ev[u.n_ev].text = strdup(text);
    u.n_ev++;
}

/* Forget the recorded conversation (and free it). */
static void clear_events(void)
{
    for (int i = 0; i < u.n_ev; i++)
        free(u.ev[i].text);
    memset(&u, 0, sizeof u);
}

static ga_status_t ui_prompt(void *ctx, int echo_on, const char *text, char **answer)
{
    (void)ctx;
    record('p', echo_on, text);
    if (u.before_answer)
        u.before_answer(u.n_prompts);
    u.n_prompts++;
    *answer = NULL;
    if (u.next >= u.n || !u.answers[u.next]) {
        u.next++;
        return GA_ERR_CONV;
    }
    *answer = strdup(u.answers[u.next++]);
    return GA_OK;
}

static void ui_info(void *ctx, const char *text)
{
    (void)ctx;
    record('i', 0, text);
}

static void ui_error(void *ctx, const char *text)
{
    (void)ctx;
    record('e', 0, text);
}

static void answers(int n, ...)
{
    va_list ap;

    va_start(ap, n);
    for (int i = 0; i < n; i++)
        u.answers[i] = va_arg(ap, const char *);
    va_end(ap);
    u.n = n;
    u.next = 0;
}

/* Everything of one kind, joined; newlines dropped when flat. */
static char *joined(char kind, int flat)
{
    size_t len = 1;
    char *s, *w;

    for (int i = 0; i < u.n_ev; i++)
        len += strlen(u.ev[i].text) + 1;
    s = calloc(1, len);
    ck_assert_ptr_nonnull(s);
    w = s;
    for (int i = 0; i < u.n_ev; i++) {
        if (u.ev[i].kind != kind)
            continue;
        for (const char *r = u.ev[i].text; *r; r++)
            if (!flat || *r != '\n')
                *w++ = *r;
        if (!flat)
            *w++ = '\n';
    }
    return s;
}

static int shown(const char *needle)
{
    char *s = joined('i', 0);
    int found = strstr(s, needle) != NULL;

    free(s);
    return found;
}

static int errored(const char *needle)
{
    char *s = joined('e', 0);
    int found = strstr(s, needle) != NULL;

    free(s);
    return found;
}

static const event_t *prompt_no(int n)
{
    for (int i = 0; i < u.n_ev; i++)
        if (u.ev[i].kind == 'p' && n-- == 0)
            return &u.ev[i];
    ck_abort_msg("no prompt %d", n);
    return NULL;
}

static int index_of(const char *needle)
{
    for (int i = 0; i < u.n_ev; i++)
        if (strstr(u.ev[i].text, needle))
            return i;
    return -1;
}

/* ---- fake GenAuth ------------------------------------------------------------- */

static struct {
    ga_factor_t offer[4];
    int n_offer;
    ga_status_t send_otp[8], enroll[8];
    int n_send_otp, n_enroll, n_send;
    const char *uri, *recovery;
    const char *refusal; /* raw server message of a refusal, NULL: a fixed one */
    ga_factor_t last_type;
    char last_code[16], last_token[16];
} a;

static ga_status_t api_to_enroll(void *ctx, const char *tok, ga_factor_list_t *out,
                                 ga_api_error_t *err)
{
    (void)ctx;
    (void)err;
    ck_assert_str_eq(tok, "at-1");
    for (int i = 0; i < a.n_offer; i++)
        out->items[i].type = a.offer[i];
    out->n = (size_t)a.n_offer;
    return GA_OK;
}

static ga_status_t api_send(void *ctx, const char *tok, const ga_profile_t *p, char **et,
                            ga_api_error_t *err)
{
    (void)ctx;
    (void)tok;
    (void)p;
    (void)err;
    a.n_send++;
    *et = strdup("et-sms");
    return GA_OK;
}

static ga_status_t api_send_otp(void *ctx, const char *tok, char **et, ga_otp_data_t *otp,
                                ga_api_error_t *err)
{
    ga_status_t rc = a.send_otp[a.n_send_otp++];
    char buf[16];

    (void)ctx;
    ck_assert_str_eq(tok, "at-1");
    memset(err, 0, sizeof *err);
    if (rc == GA_ERR_REJECTED && !a.refusal)
        snprintf(err->message, sizeof err->message, "OTP is not enabled");
    if (rc == GA_ERR_REJECTED && a.refusal) { /* as ga_response fills it */
        ga_sanitize_message(a.refusal, strlen(a.refusal), err->message, sizeof err->message);
        ga_sanitize_message_utf8(a.refusal, strlen(a.refusal), err->message_utf8,
                                 sizeof err->message_utf8);
    }
    if (rc == GA_ERR_UNAVAIL)
        err->reason = GA_REASON_SERVER;
    if (rc != GA_OK)
        return rc;
    snprintf(buf, sizeof buf, "ot-%d", a.n_send_otp);
    *et = strdup(buf);
    otp->qr_uri = strdup(a.uri);
    otp->recovery_code = a.recovery ? strdup(a.recovery) : NULL;
    return GA_OK;
}

static ga_status_t api_enroll(void *ctx, const char *tok, ga_factor_t type, const char *et,
                              const char *code, ga_api_error_t *err)
{
    (void)ctx;
    ck_assert_str_eq(tok, "at-1");
    memset(err, 0, sizeof *err);
    a.last_type = type;
    snprintf(a.last_code, sizeof a.last_code, "%s", code);
    snprintf(a.last_token, sizeof a.last_token, "%s", et);
    return a.enroll[a.n_enroll++];
}

/* ---- fixture ---------------------------------------------------------------- */

static char state_dir[64], moved_dir[80];
static char logbuf[16384];
static ga_config_t cfg;
static ga_ui_t ui = {ui_prompt, ui_info, ui_error, NULL, NULL};
static ga_api_ops_t api = {.list_to_enroll = api_to_enroll,
                           .send_enroll = api_send,
                           .send_enroll_otp = api_send_otp,
                           .enroll = api_enroll};

static void log_sink(void *ctx, int prio, const char *line)
{
    (void)ctx;
    (void)prio;
    strncat(logbuf, line, sizeof logbuf - strlen(logbuf) - 2);
    strcat(logbuf, "\n");
}
static ga_logger_t lg = {log_sink, NULL, 1};

static void setup(void)
{
    snprintf(state_dir, sizeof state_dir, "/tmp/check_enroll_otp.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(state_dir));
    snprintf(moved_dir, sizeof moved_dir, "%s.moved", state_dir);
    memset(&cfg, 0, sizeof cfg);
    cfg.factors[0] = GA_FACTOR_SMS;
    cfg.factors[1] = GA_FACTOR_OTP;
    cfg.n_factors = 2;
    cfg.phone_country_code = (char *)"+86";
    cfg.max_attempts = 3;
    cfg.max_sends = 3;
    cfg.max_sends_per_hour = 5;
    cfg.state_dir = state_dir;
    cfg.lang = (char *)"en-US";
    cfg.qr = GA_QR_UTF8;
    memset(&u, 0, sizeof u);
    memset(&a, 0, sizeof a);
    api.send_enroll_otp = api_send_otp;
    a.offer[0] = GA_FACTOR_SMS;
    a.offer[1] = GA_FACTOR_EMAIL;
    a.offer[2] = GA_FACTOR_OTP;
    a.n_offer = 3;
    a.uri = URI6;
    a.recovery = RECOVERY;
    logbuf[0] = '\0';
    fake_time = 1700000000;
}

/* Remove every file of dir (flat), then dir. */
static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[400];

    if (!d)
        return;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            ck_assert_int_eq(unlink(path), 0);
        }
    closedir(d);
    ck_assert_int_eq(rmdir(dir), 0);
}

static void teardown(void)
{
    clear_events();
    (void)rename(moved_dir, state_dir); /* grace_not_recorded_is_refused */
    remove_dir(state_dir);
}

static ga_status_t run_step(ga_stash_t **stp, ga_step_t step)
{
    ga_flow_env_t env = {0};

    if (!*stp) {
        *stp = ga_stash_new("alice");
        (*stp)->access_token = strdup("at-1");
    }
    env.cfg = &cfg;
    env.lg = &lg;
    env.ui = &ui;
    env.api = &api;
    env.user = "alice";
    env.rhost = "192.0.2.1";
    env.step = step;
    env.euid = geteuid();
    env.now = fake_now;
    return ga_enroll_run(&env, *stp);
}

/* One enrollment in a new stash (a new login). */
static ga_status_t run_once(void)
{
    ga_stash_t *st = NULL;
    ga_status_t rc = run_step(&st, GA_STEP_BOTH);

    ga_stash_free(st);
    return rc;
}

static void nothing_secret_logged(void)
{
    ck_assert_ptr_null(strstr(logbuf, "JBSW"));
    ck_assert_ptr_null(strstr(logbuf, "jbsw"));
    ck_assert_ptr_null(strstr(logbuf, "otpauth"));
    ck_assert_ptr_null(strstr(logbuf, "e7ad"));
    ck_assert_ptr_null(strstr(logbuf, "ot-1"));
    ck_assert_ptr_null(strstr(logbuf, "ot-2"));
    ck_assert_ptr_null(strstr(logbuf, "at-1"));
    ck_assert_ptr_null(strstr(logbuf, "123456"));
}

/* Files in state_dir other than the grace counters. */
static int state_dir_entries(void)
{
    DIR *d = opendir(state_dir);
    struct dirent *e;
    int n = 0;

    ck_assert_ptr_nonnull(d);
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] != '.' && (len < 6 || strcmp(e->d_name + len - 6, ".grace") != 0))
            n++;
    }
    closedir(d);
    return n;
}

/* The QR code of uri in mode, as drawn, without newlines. */
static char *qr_flat(ga_qr_mode_t mode)
{
    char *qr = NULL, *w;

    ck_assert_int_eq(ga_qr_render(a.uri, mode, &qr), GA_OK);
    w = qr;
    for (const char *r = qr; *r; r++)
        if (*r != '\n')
            *w++ = *r;
    *w = '\0';
    return qr;
}

/* ---- the menu ---------------------------------------------------------------- */

START_TEST(menu_lists_otp_when_configured_and_offered)
{
    cfg.factors[2] = GA_FACTOR_EMAIL;
    cfg.n_factors = 3;
    answers(1, "");
    ck_assert_int_eq(run_once(), GA_ERR_CANCELLED);
    ck_assert_str_eq(prompt_no(0)->text, "Set up two-factor authentication for your account.\n"
                                         "  1) SMS (text message to your phone)\n"
                                         "  2) Authenticator app (TOTP)\n"
                                         "  3) Email\n"
                                         "Choose 1-3: ");
    ck_assert_int_eq(prompt_no(0)->echo, 1);
}
END_TEST

START_TEST(menu_leaves_out_otp_not_configured_or_not_offered)
{
    cfg.factors[1] = GA_FACTOR_EMAIL; /* not configured */
    answers(1, "");
    ck_assert_int_eq(run_once(), GA_ERR_CANCELLED);
    ck_assert_ptr_null(strstr(prompt_no(0)->text, "Authenticator"));
    teardown();
    setup();
    a.n_offer = 2; /* configured, not offered */
    answers(2, "+86 18812345678", "");
    ck_assert_int_eq(run_once(), GA_ERR_CANCELLED);
    ck_assert_ptr_null(strstr(prompt_no(0)->text, "Authenticator"));
    ck_assert_ptr_nonnull(strstr(prompt_no(0)->text, "Mobile phone number"));
}
END_TEST

START_TEST(otp_alone_still_shows_the_menu)
{
    /* nothing is shown before a question was answered */
    a.offer[0] = GA_FACTOR_OTP;
    a.n_offer = 1;
    answers(2, "otp", "123456");
    ck_assert_int_eq(run_once(), GA_OK);
    ck_assert_str_eq(prompt_no(0)->text, "Set up two-factor authentication for your account.\n"
                                         "  1) Authenticator app (TOTP)\n"
                                         "Choose 1: ");
}
END_TEST

/* ---- OTP enrollment --------------------------------------------------------------- */

static void check_happy(ga_qr_mode_t mode)
{
    ga_stash_t *st = NULL;
    char *flat, *qr;
    int code_prompt, last_key_info = -1;

    cfg.qr = mode;
    answers(2, "2", "123456");
    ck_assert_int_eq(run_step(&st, GA_STEP_BOTH), GA_OK);
    ck_assert_int_eq(a.n_send_otp, 1);
    ck_assert_int_eq(a.n_send, 0);
    ck_assert_int_eq(a.n_enroll, 1);
    ck_assert_int_eq(a.last_type, GA_FACTOR_OTP);
    ck_assert_str_eq(a.last_code, "123456");
    ck_assert_str_eq(a.last_token, "ot-1");
    ck_assert_ptr_null(st->enrollment_token);
    ck_assert_int_eq(st->otp_digits, 0);

    ck_assert(shown("Set up your authenticator app (for example Google Authenticator,\n"
                    "Microsoft Authenticator or FreeOTP)."));
    /* "Or" only after a QR code (regression: it began the key's heading
     * with qr = off too) */
    if (mode == GA_QR_OFF) {
        ck_assert(shown("Enter this key in the app by hand:\n  " GROUPED "\n"));
        ck_assert(!shown("Or enter this key"));
    } else {
        ck_assert(shown("Or enter this key by hand:\n  " GROUPED "\n"));
    }
    ck_assert(shown("Time-based (TOTP), 6 digits, every 30 seconds.\n"));
    ck_assert(shown("Issuer: GenAuth\nAccount: alice@example.com\n"));
    ck_assert(shown("Recovery code:\n  " RECOVERY "\n"
                    "Store this recovery code somewhere safe; it is shown only once."));
    flat = joined('i', 1);
    if (mode == GA_QR_OFF) {
        ck_assert(!shown("Scan this QR code"));
        ck_assert_uint_lt(strlen(flat), 700);
    } else {
        ck_assert(shown("Scan this QR code with the app:"));
        qr = qr_flat(mode);
        ck_assert_ptr_nonnull(strstr(flat, qr));
        ga_free_secret(qr);
    }
    free(flat);

    /* the code prompt comes after the whole key, ECHO_ON, and is the last */
    code_prompt = index_of("Enter the 6-digit code from your authenticator app: ");
    ck_assert_int_ge(code_prompt, 0);
    for (int i = 0; i < u.n_ev; i++)
        if (u.ev[i].kind == 'i' && !strstr(u.ev[i].text, "is set up"))
            last_key_info = i;
    ck_assert_int_gt(code_prompt, last_key_info);
    ck_assert_int_eq(u.ev[code_prompt].kind, 'p');
    ck_assert_int_eq(u.ev[code_prompt].echo, 1);
    ck_assert_int_eq(u.n_prompts, 2);
    ck_assert(shown("Two-factor authentication is set up: authenticator app."));

    ck_assert_ptr_nonnull(strstr(logbuf, "OTP enrollment started"));
    ck_assert_ptr_nonnull(strstr(logbuf, "OTP factor bound"));
    nothing_secret_logged();
    ck_assert_int_eq(state_dir_entries(), 0); /* never on disk */
    ga_stash_free(st);
}

START_TEST(happy_path_qr_utf8) { check_happy(GA_QR_UTF8); }
END_TEST

START_TEST(happy_path_qr_ascii) { check_happy(GA_QR_ASCII); }
END_TEST

START_TEST(happy_path_qr_off) { check_happy(GA_QR_OFF); }
END_TEST

START_TEST(no_recovery_code_no_recovery_text)
{
    a.recovery = NULL;
    answers(2, "2", "123456");
    ck_assert_int_eq(run_once(), GA_OK);
    ck_assert(!shown("Recovery code"));
    ck_assert(!shown("Store this recovery code"));
}
END_TEST

START_TEST(eight_digit_codes)
{
    a.uri = URI8;
    answers(3, "2", "123456", "12345678");
    ck_assert_int_eq(run_once(), GA_OK);
    ck_assert_int_eq(a.n_enroll, 1); /* the 6-digit answer is not sent */
    ck_assert_str_eq(a.last_code, "12345678");
    ck_assert_str_eq(prompt_no(1)->text,
                     "Enter the 8-digit code from your authenticator app: ");
    ck_assert_str_eq(prompt_no(2)->text, "The code has 8 digits.\n"
                                         "Enter the 8-digit code from your authenticator app: ");
    ck_assert(shown("Time-based (TOTP), 8 digits, every 30 seconds."));
}
END_TEST

START_TEST(invalid_codes_are_not_sent)
{
    answers(4, "2", "12ab56", " 1234567890 ", "x");
    ck_assert_int_eq(run_once(), GA_ERR_MAXTRIES);
    ck_assert_int_eq(a.n_enroll, 0);
    ck_assert(errored("Too many invalid answers."));
    ck_assert_ptr_nonnull(strstr(logbuf, "too many invalid answers at the authenticator code"));
}
END_TEST

START_TEST(wrong_code_then_right)
{
    a.enroll[0] = GA_ERR_WRONG_CODE;
    answers(3, "2", "000000", "123456");
    ck_assert_int_eq(run_once(), GA_OK);
    ck_assert_int_eq(a.n_enroll, 2);
    ck_assert_int_eq(a.n_send_otp, 1);
    ck_assert_str_eq(prompt_no(2)->text, "Wrong code. 2 tries left.\n"
                                         "Enter the 6-digit code from your authenticator app: ");
    ck_assert_ptr_nonnull(strstr(logbuf, "wrong OTP enrollment code (1 of 3)"));
    nothing_secret_logged();
}
END_TEST

START_TEST(too_many_wrong_codes)
{
    ga_stash_t *st = NULL;

    a.enroll[0] = a.enroll[1] = a.enroll[2] = GA_ERR_WRONG_CODE;
    answers(4, "2", "000001", "000002", "000003");
    ck_assert_int_eq(run_step(&st, GA_STEP_BOTH), GA_ERR_MAXTRIES);
    ck_assert_int_eq(a.n_enroll, 3);
    ck_assert_str_eq(prompt_no(3)->text, "Wrong code. 1 try left.\n"
                                         "Enter the 6-digit code from your authenticator app: ");
    ck_assert(errored("Too many wrong codes. Log in again to start over."));
    ck_assert_ptr_null(st->enrollment_token);
    ga_stash_free(st);
}
END_TEST

START_TEST(expired_token_offers_a_new_qr_code)
{
    a.enroll[0] = GA_ERR_EXPIRED;
    answers(4, "2", "111111", "y", "222222");
    ck_assert_int_eq(run_once(), GA_OK);
    ck_assert_int_eq(a.n_send_otp, 2);
    ck_assert_str_eq(a.last_token, "ot-2");
    ck_assert_str_eq(prompt_no(2)->text,
                     "This setup has expired. Remove the old entry from your authenticator "
                     "app.\nShow a new QR code? [y/N]: ");
    /* the key is shown again, after that question */
    ck_assert_int_gt(index_of("Show a new QR code"), index_of("Or enter this key"));
    {
        int again = -1;
        for (int i = index_of("Show a new QR code"); i < u.n_ev; i++)
            if (strstr(u.ev[i].text, "Or enter this key"))
                again = i;
        ck_assert_int_gt(again, 0);
    }
    ck_assert_ptr_nonnull(strstr(logbuf, "OTP enrollment token expired"));
    nothing_secret_logged();
}
END_TEST

START_TEST(expired_token_and_no_sends_left)
{
    cfg.max_sends = 1;
    a.enroll[0] = GA_ERR_EXPIRED;
    answers(3, "2", "111111", "y");
    ck_assert_int_eq(run_once(), GA_ERR_MAXTRIES);
    ck_assert_int_eq(a.n_send_otp, 1);
    ck_assert_int_eq(u.n_prompts, 2); /* no offer that cannot be kept */
    ck_assert(errored("This setup has expired. Log in again to start over."));
}
END_TEST

START_TEST(declining_a_new_qr_code_cancels)
{
    a.enroll[0] = GA_ERR_EXPIRED;
    answers(4, "2", "111111", "maybe", "N");
    ck_assert_int_eq(run_once(), GA_ERR_CANCELLED);
    ck_assert_int_eq(a.n_send_otp, 1);
    ck_assert_ptr_nonnull(strstr(prompt_no(3)->text, "Answer y or n.\n"));
}
END_TEST

START_TEST(otp_sends_are_not_in_the_hourly_log)
{
    /* six OTP enrollments, each with a QR code: max_sends_per_hour is 5 */
    for (int i = 0; i < 6; i++) {
        clear_events();
        memset(&a.enroll, 0, sizeof a.enroll);
        a.n_enroll = 0;
        a.n_send_otp = 0;
        answers(2, "2", "123456");
        ck_assert_int_eq(run_once(), GA_OK);
    }
    ck_assert_int_eq(state_dir_entries(), 0);
}
END_TEST

START_TEST(bad_otpauth_uri_is_unavailable_and_shows_nothing)
{
    static const char *bad[] = {
        "https://example.com/?secret=" SECRET,
        "otpauth://hotp/GenAuth:alice?secret=" SECRET "&counter=1",
        "otpauth://totp/GenAuth:alice?issuer=GenAuth",
        "otpauth://totp/GenAuth:alice?secret=JBSW1Y3D0PEHPK3P",
        "otpauth://totp/GenAuth:alice?secret=" SECRET "&algorithm=SHA256",
        "otpauth://totp/GenAuth:alice?secret=" SECRET "&digits=7",
        "",
    };

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        clear_events();
        logbuf[0] = '\0';
        a.n_send_otp = 0;
        a.uri = bad[i];
        answers(2, "2", "123456");
        ck_assert_int_eq(run_once(), GA_ERR_UNAVAIL);
        ck_assert_int_eq(a.n_enroll, 0);
        ck_assert_int_eq(u.n_prompts, 1); /* the menu only */
        for (int e = 0; e < u.n_ev; e++)
            ck_assert_int_eq(u.ev[e].kind, 'p');
        ck_assert_ptr_nonnull(strstr(logbuf, "at send-enroll-factor-request"));
        ck_assert_ptr_nonnull(strstr(logbuf, "qrCodeUri"));
        nothing_secret_logged();
    }
}
END_TEST

START_TEST(bad_recovery_code_is_unavailable)
{
    static const char *bad[] = {"e7ad aaa4", "e7ad\naaa4", "e7ad\x1b[2J", "\xe4\xb8\xad"};

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        clear_events();
        a.recovery = bad[i];
        answers(2, "2", "123456");
        ck_assert_int_eq(run_once(), GA_ERR_UNAVAIL);
        ck_assert_int_eq(u.n_ev, 1);
        ck_assert_ptr_nonnull(strstr(logbuf, "recoveryCode"));
    }
}
END_TEST

START_TEST(send_failures)
{
    a.send_otp[0] = GA_ERR_UNAVAIL;
    answers(1, "2");
    ck_assert_int_eq(run_once(), GA_ERR_UNAVAIL);
    ck_assert_ptr_nonnull(strstr(logbuf, "at send-enroll-factor-request"));
    a.send_otp[1] = GA_ERR_REJECTED;
    answers(1, "2");
    ck_assert_int_eq(run_once(), GA_ERR_REJECTED);
    ck_assert(errored("GenAuth did not start the authenticator app setup: OTP is not enabled"));
    a.send_otp[2] = GA_ERR_THROTTLED;
    answers(1, "2");
    ck_assert_int_eq(run_once(), GA_ERR_THROTTLED);
    ck_assert(errored("GenAuth is busy. Try again in a minute."));
    ck_assert_int_eq(a.n_enroll, 0);
}
END_TEST

/* A Chinese server message: shown in Chinese (digits masked) in zh-CN,
 * as ASCII in en-US, always logged as ASCII. */
START_TEST(server_message_in_the_users_language)
{
    a.refusal = "\xe5\xba\x94\xe7\x94\xa8\xe6\x9c\xaa\xe5\xbc\x80\xe5\x90\xaf"
                " 18812345678\xe2\x80\xae!"; /* "app has not enabled", a phone, RLO */
    a.send_otp[0] = GA_ERR_REJECTED;
    cfg.lang = (char *)"zh-CN";
    answers(1, "2");
    ck_assert_int_eq(run_once(), GA_ERR_REJECTED);
    ck_assert(errored("GenAuth 未能开始设置身份验证器应用：应用未开启 188******78?!"));
    ck_assert_ptr_nonnull(strstr(logbuf, "message \"? 188******78?!\""));
    ck_assert_ptr_null(strstr(logbuf, "\xe5\xba\x94"));

    clear_events();
    a.send_otp[1] = GA_ERR_REJECTED;
    cfg.lang = (char *)"en-US";
    answers(1, "2");
    ck_assert_int_eq(run_once(), GA_ERR_REJECTED);
    ck_assert(errored("GenAuth did not start the authenticator app setup: ? 188******78?!"));
}
END_TEST

/* A long Chinese message is cut to 48 bytes on a character boundary. */
START_TEST(long_server_message_cut_on_a_character)
{
    static char msg[200];
    char *e, *m;

    for (int i = 0; i < 30; i++)
        strcat(msg, "\xe4\xb8\xad");
    a.refusal = msg;
    a.send_otp[0] = GA_ERR_REJECTED;
    cfg.lang = (char *)"zh-CN";
    answers(1, "2");
    ck_assert_int_eq(run_once(), GA_ERR_REJECTED);
    e = joined('e', 0);
    m = strstr(e, "：");
    ck_assert_ptr_nonnull(m);
    m += strlen("：");
    ck_assert_uint_eq(strcspn(m, "\n"), 15 * 3 + 3);
    ck_assert(ga_utf8_valid(e, strlen(e)));
    ck_assert_int_eq(strncmp(m + 45, "...", 3), 0);
    free(e);
}
END_TEST

START_TEST(client_without_otp_call_fails_closed)
{
    api.send_enroll_otp = NULL;
    answers(2, "2", "123456");
    ck_assert_int_eq(run_once(), GA_ERR_INTERNAL);
    api.send_enroll_otp = api_send_otp;
    ck_assert_int_eq(a.n_enroll, 0);
    ck_assert_int_eq(u.n_prompts, 1);
    ck_assert_ptr_nonnull(strstr(logbuf, "cannot enroll an authenticator app"));
}
END_TEST

START_TEST(long_labels_are_cut_and_ascii)
{
    /* 100-character account, UTF-8 issuer: within 80 columns, ASCII in en-US */
    static char uri[600];
    char acct[101];

    memset(acct, 'b', 100);
    acct[100] = '\0';
    snprintf(uri, sizeof uri, "otpauth://totp/%%E4%%B8%%AD:%s?secret=%s&issuer=%%E4%%B8%%AD",
             acct, SECRET);
    a.uri = uri;
    cfg.qr = GA_QR_OFF; /* QR lines aside */
    answers(2, "2", "123456");
    ck_assert_int_eq(run_once(), GA_OK);
    ck_assert(shown("Issuer: ???\n")); /* one per byte */
    ck_assert(shown("Account: bbbbbbbbbb"));
    for (int i = 0; i < u.n_ev; i++) {
        const char *line = u.ev[i].text;
        if (u.ev[i].kind != 'i')
            continue;
        for (const char *p = line; *p; p++)
            ck_assert_int_lt((unsigned char)*p, 0x80);
        while (*line) {
            size_t n = strcspn(line, "\n");
            ck_assert_uint_le(n, 80);
            line += n + (line[n] == '\n');
        }
    }
}
END_TEST

/* The longest labels ga_otpauth_parse accepts: a 128-byte issuer and a
 * 128-byte account (label of 257 bytes). Shown cut to 60 bytes with "...":
 * "Issuer: " + 60 = 68 columns in en-US; in zh-CN cut between characters,
 * a CJK character counted as 2 columns, still within 80. */
START_TEST(longest_labels_fit_80_columns)
{
    static char uri[2000];
    char iss[400] = "", acct[200], *text, *line;

    memset(acct, 'b', 128);
    acct[128] = '\0';
    for (int i = 0; i < 42; i++)
        strcat(iss, "%E4%B8%AD");
    strcat(iss, "ab"); /* 126 + 2 = 128 bytes */
    snprintf(uri, sizeof uri, "otpauth://totp/%s:%s?secret=%s&issuer=%s", iss, acct, SECRET,
             iss);
    a.uri = uri;
    cfg.qr = GA_QR_OFF;
    for (int lang = 0; lang < 2; lang++) {
        clear_events();
        a.n_send_otp = a.n_enroll = 0;
        cfg.lang = (char *)(lang ? "zh-CN" : "en-US");
        answers(2, "2", "123456");
        ck_assert_int_eq(run_once(), GA_OK);
        text = joined('i', 0);
        ck_assert(ga_utf8_valid(text, strlen(text)));
        if (!lang) {
            char want[100] = "Issuer: ";
            memset(want + 8, '?', 57); /* 19 characters of 3 bytes, 57 of the 126 */
            strcpy(want + 65, "...\n");
            ck_assert_msg(strstr(text, want), "%s", text);
            memset(want + 9, 'b', 57);
            memcpy(want, "Account: ", 9);
            strcpy(want + 66, "...\n");
            ck_assert_msg(strstr(text, want), "%s", text);
        } else {
            ck_assert(shown("账号：bbbbbbbbbb"));
            /* 19 whole characters (57 bytes) and "..." */
            ck_assert_ptr_nonnull(strstr(text, "：中中中中中中中中中中中中中中中中中中中...\n"));
        }
        for (line = text; *line;) {
            size_t n = strcspn(line, "\n"), cols = 0;
            for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char)line[i];
                if (c < 0x80)
                    cols++;
                else if (c >= 0xe0 && c < 0xf0)
                    cols += 2; /* the CJK in these texts: 3 bytes, 2 columns */
                else if (c >= 0xc0)
                    cols++;
            }
            ck_assert_msg(cols <= 80, "%zu columns: %.*s", cols, (int)n, line);
            line += n + (line[n] == '\n');
        }
        free(text);
    }
}
END_TEST

START_TEST(zh_cn_keeps_utf8_labels_cut_at_a_character)
{
    /* 40 CJK characters (120 bytes) as the account: cut to whole characters */
    static char uri[800];
    char acct[400] = "", *line;

    for (int i = 0; i < 40; i++)
        strcat(acct, "%E4%B8%AD");
    snprintf(uri, sizeof uri, "otpauth://totp/x:%s?secret=%s&issuer=%%E4%%B8%%AD", acct,
             SECRET);
    a.uri = uri;
    cfg.lang = (char *)"zh-CN";
    cfg.qr = GA_QR_OFF;
    answers(2, "2", "123456");
    ck_assert_int_eq(run_once(), GA_OK);
    ck_assert(shown("发行方：中\n"));
    line = joined('i', 0);
    {
        char *acc = strstr(line, "账号：");
        size_t n;
        ck_assert_ptr_nonnull(acc);
        n = strcspn(acc, "\n");
        ck_assert(ga_utf8_valid(acc, n));
        ck_assert_int_eq(strncmp(acc + n - 3, "...", 3), 0);
        ck_assert_uint_le(n, strlen("账号：") + 60);
    }
    free(line);
    ck_assert_str_eq(prompt_no(1)->text, "请输入身份验证器应用中的 6 位验证码：");
}
END_TEST

START_TEST(conversation_error_at_the_code_prompt_keeps_it_pending)
{
    ga_stash_t *st = NULL;

    answers(2, "2", NULL);
    ck_assert_int_eq(run_step(&st, GA_STEP_BOTH), GA_ERR_CONV);
    ck_assert_ptr_nonnull(strstr(logbuf, "enrollment stopped"));
    ck_assert_ptr_nonnull(st->enrollment_token);
    ck_assert_int_eq(st->profile.type, GA_FACTOR_OTP);
    ck_assert_int_eq(state_dir_entries(), 0);
    /* a second run in the same handle goes straight to the code prompt */
    answers(1, "123456");
    ck_assert_int_eq(run_step(&st, GA_STEP_BOTH), GA_OK);
    ck_assert_int_eq(a.n_send_otp, 1);
    ck_assert_str_eq(a.last_token, "ot-1");
    ck_assert_ptr_nonnull(strstr(logbuf, "resuming the OTP enrollment"));
    nothing_secret_logged();
    ga_stash_free(st);
}
END_TEST

START_TEST(request_then_bind_steps)
{
    ga_stash_t *st = NULL;

    answers(1, "2");
    ck_assert_int_eq(run_step(&st, GA_STEP_REQUEST), GA_IGNORE);
    ck_assert_int_eq(u.n_prompts, 1);
    ck_assert(shown("Or enter this key by hand:"));
    ck_assert_int_eq(a.n_enroll, 0);
    answers(1, "123456");
    ck_assert_int_eq(run_step(&st, GA_STEP_BIND), GA_OK);
    ck_assert_int_eq(a.n_send_otp, 1);
    ck_assert_int_eq(a.n_enroll, 1);
    ga_stash_free(st);
}
END_TEST

/* ---- non-interactive --------------------------------------------------------------- */

START_TEST(noninteractive_on_the_first_prompt)
{
    answers(1, NULL);
    ck_assert_int_eq(run_once(), GA_ERR_NONINTERACTIVE);
    ck_assert_int_eq(a.n_send_otp + a.n_send, 0);
    ck_assert_ptr_nonnull(strstr(logbuf, "enrollment not started"));
    /* the phone prompt when the menu is skipped */
    a.n_offer = 1;
    cfg.factors[1] = GA_FACTOR_EMAIL;
    logbuf[0] = '\0';
    clear_events();
    answers(1, NULL);
    ck_assert_int_eq(run_once(), GA_ERR_NONINTERACTIVE);
    ck_assert_ptr_nonnull(strstr(prompt_no(0)->text, "Mobile phone number"));
    ck_assert_int_eq(a.n_send, 0);
}
END_TEST

START_TEST(conversation_error_later_stays_conv)
{
    answers(2, "9", NULL); /* an invalid choice, then the second menu fails */
    ck_assert_int_eq(run_once(), GA_ERR_CONV);
    ck_assert_ptr_null(strstr(logbuf, "enrollment not started"));
    a.enroll[0] = GA_ERR_EXPIRED;
    answers(3, "2", "111111", NULL); /* at the new-QR question */
    ck_assert_int_eq(run_once(), GA_ERR_CONV);
    ck_assert_ptr_null(strstr(logbuf, "enrollment not started"));
}
END_TEST

/* ---- grace ------------------------------------------------------------------------- */

static const char *menu_text(void) { return prompt_no(0)->text; }

START_TEST(grace_later_with_a_count)
{
    cfg.enroll_grace = 2;
    answers(1, "  LATER ");
    ck_assert_int_eq(run_once(), GA_POSTPONED);
    ck_assert_str_eq(menu_text(), "Set up two-factor authentication for your account.\n"
                                  "  1) SMS (text message to your phone)\n"
                                  "  2) Authenticator app (TOTP)\n"
                                  "Type later to set this up next time (2 left).\n"
                                  "Choose 1-2: ");
    ck_assert(shown("Two-factor setup postponed."));
    ck_assert_ptr_nonnull(strstr(logbuf, "enrollment postponed by the user (later): 1 "
                                         "postponement(s) left"));
    ck_assert_int_eq(a.n_send_otp + a.n_send, 0);
    clear_events();
    answers(1, "later");
    ck_assert_int_eq(run_once(), GA_POSTPONED);
    ck_assert_ptr_nonnull(strstr(menu_text(), "(1 left)"));
    /* used up: no `later` in the menu, and `later` is an invalid answer */
    clear_events();
    answers(3, "later", "2", "123456");
    ck_assert_int_eq(run_once(), GA_OK);
    ck_assert_ptr_null(strstr(menu_text(), "later"));
    ck_assert_ptr_null(strstr(prompt_no(1)->text, "later"));
    ck_assert_str_ne(prompt_no(1)->text, menu_text()); /* a reason above the menu */
    ck_assert_int_eq(a.n_send_otp, 1);
}
END_TEST

START_TEST(grace_later_with_a_date)
{
    /* allowed through 2023-11-20 (UTC): until 2023-11-21 00:00 UTC */
    cfg.enroll_grace_until = 1700524800;
    answers(1, "later");
    ck_assert_int_eq(run_once(), GA_POSTPONED);
    ck_assert_ptr_nonnull(
        strstr(menu_text(), "\nType later to set this up next time (until 2023-11-20).\n"));
    ck_assert_ptr_nonnull(strstr(logbuf, "until 2023-11-20"));
    /* both limits */
    cfg.enroll_grace = 3;
    clear_events();
    answers(1, "later");
    ck_assert_int_eq(run_once(), GA_POSTPONED);
    ck_assert_ptr_nonnull(strstr(menu_text(), "(2 left, until 2023-11-20)."));
    /* after the date */
    fake_time = 1700524800;
    clear_events();
    answers(1, "");
    ck_assert_int_eq(run_once(), GA_ERR_CANCELLED);
    ck_assert_ptr_null(strstr(menu_text(), "later"));
}
END_TEST

START_TEST(grace_shows_the_menu_for_a_single_factor)
{
    cfg.enroll_grace = 1;
    cfg.factors[1] = GA_FACTOR_EMAIL;
    a.n_offer = 1; /* SMS only: the menu would be skipped without grace */
    answers(1, "later");
    ck_assert_int_eq(run_once(), GA_POSTPONED);
    ck_assert_str_eq(menu_text(), "Set up two-factor authentication for your account.\n"
                                  "  1) SMS (text message to your phone)\n"
                                  "Type later to set this up next time (1 left).\n"
                                  "Choose 1: ");
}
END_TEST

START_TEST(grace_reset_after_enrollment)
{
    cfg.enroll_grace = 2;
    answers(1, "later");
    ck_assert_int_eq(run_once(), GA_POSTPONED);
    clear_events();
    answers(2, "2", "123456");
    ck_assert_int_eq(run_once(), GA_OK);
    clear_events();
    answers(1, "");
    ck_assert_int_eq(run_once(), GA_ERR_CANCELLED);
    ck_assert_ptr_nonnull(strstr(menu_text(), "(2 left)"));
}
END_TEST

static void move_state_dir(int prompt)
{
    if (prompt == 0)
        ck_assert_int_eq(rename(state_dir, moved_dir), 0);
}

START_TEST(grace_not_recorded_is_refused)
{
    cfg.enroll_grace = 2;
    u.before_answer = move_state_dir; /* the grace file cannot be written */
    answers(3, "later", "later", "");
    ck_assert_int_eq(run_once(), GA_ERR_CANCELLED);
    ck_assert_ptr_nonnull(strstr(menu_text(), "(2 left)"));
    ck_assert_str_eq(prompt_no(1)->text, "Setup cannot be postponed now. Choose a method.\n"
                                         "Set up two-factor authentication for your account.\n"
                                         "  1) SMS (text message to your phone)\n"
                                         "  2) Authenticator app (TOTP)\n"
                                         "Choose 1-2: ");
    ck_assert_ptr_null(strstr(prompt_no(2)->text, "Type later"));
    ck_assert_ptr_nonnull(strstr(logbuf, "could not be recorded"));
    ck_assert_ptr_null(strstr(logbuf, "enrollment postponed"));
}
END_TEST

START_TEST(noninteractive_with_grace_is_not_postponed)
{
    cfg.enroll_grace = 2;
    answers(1, NULL);
    ck_assert_int_eq(run_once(), GA_ERR_NONINTERACTIVE);
    clear_events();
    answers(1, "");
    ck_assert_int_eq(run_once(), GA_ERR_CANCELLED);
    ck_assert_ptr_nonnull(strstr(menu_text(), "(2 left)")); /* nothing used */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("enroll_otp");
    TCase *tc = tcase_create("enroll_otp");
    SRunner *sr;
    int failed;

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, menu_lists_otp_when_configured_and_offered);
    tcase_add_test(tc, menu_leaves_out_otp_not_configured_or_not_offered);
    tcase_add_test(tc, otp_alone_still_shows_the_menu);
    tcase_add_test(tc, happy_path_qr_utf8);
    tcase_add_test(tc, happy_path_qr_ascii);
    tcase_add_test(tc, happy_path_qr_off);
    tcase_add_test(tc, no_recovery_code_no_recovery_text);
    tcase_add_test(tc, eight_digit_codes);
    tcase_add_test(tc, invalid_codes_are_not_sent);
    tcase_add_test(tc, wrong_code_then_right);
    tcase_add_test(tc, too_many_wrong_codes);
    tcase_add_test(tc, expired_token_offers_a_new_qr_code);
    tcase_add_test(tc, expired_token_and_no_sends_left);
    tcase_add_test(tc, declining_a_new_qr_code_cancels);
    tcase_add_test(tc, otp_sends_are_not_in_the_hourly_log);
    tcase_add_test(tc, bad_otpauth_uri_is_unavailable_and_shows_nothing);
    tcase_add_test(tc, bad_recovery_code_is_unavailable);
    tcase_add_test(tc, send_failures);
    tcase_add_test(tc, server_message_in_the_users_language);
    tcase_add_test(tc, long_server_message_cut_on_a_character);
    tcase_add_test(tc, client_without_otp_call_fails_closed);
    tcase_add_test(tc, long_labels_are_cut_and_ascii);
    tcase_add_test(tc, longest_labels_fit_80_columns);
    tcase_add_test(tc, zh_cn_keeps_utf8_labels_cut_at_a_character);
    tcase_add_test(tc, conversation_error_at_the_code_prompt_keeps_it_pending);
    tcase_add_test(tc, request_then_bind_steps);
    tcase_add_test(tc, noninteractive_on_the_first_prompt);
    tcase_add_test(tc, conversation_error_later_stays_conv);
    tcase_add_test(tc, grace_later_with_a_count);
    tcase_add_test(tc, grace_later_with_a_date);
    tcase_add_test(tc, grace_shows_the_menu_for_a_single_factor);
    tcase_add_test(tc, grace_reset_after_enrollment);
    tcase_add_test(tc, grace_not_recorded_is_refused);
    tcase_add_test(tc, noninteractive_with_grace_is_not_postponed);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
