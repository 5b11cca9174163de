/* check_flow.c - the login flow (ga_flow.c, ga_enroll.c) and the helpers its
 * files share (ga_enroll.h: answer check, send limits, tries-left note) with a scripted
 * user (fake ga_ui_t), a scripted GenAuth (fake ga_api_ops_t) and a fake
 * clock. The state directory is real (a temporary directory). */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ga_enroll.h"
#include "ga_flow.h"
#include "ga_secret.h"
#include "ga_state.h"
#include "ga_validate.h"

/* ---- fake clock ---------------------------------------------------------- */

static long long fake_time = 1700000000;
static long long fake_now(void) { return fake_time; }

/* ---- fake user ------------------------------------------------------------ */

#define MAXP 32
typedef struct fake_ui {
    const char *answers[MAXP]; /* NULL entry = conversation error */
    int n, next;
    char prompts[MAXP][512];
    int echo[MAXP];
    int n_prompts;
    char infos[1024], errors[1024];
    long long advance_before[MAXP]; /* clock jump before answering prompt i */
} fake_ui_t;

static ga_status_t ui_prompt(void *ctx, int echo_on, const char *text, char **answer)
{
    fake_ui_t *u = ctx;
    int i = u->n_prompts;

    ck_assert_int_lt(i, MAXP);
    snprintf(u->prompts[i], sizeof u->prompts[i], "%s", text);
    u->echo[i] = echo_on;
    u->n_prompts++;
    fake_time += u->advance_before[i];
    *answer = NULL;
    if (u->next >= u->n || !u->answers[u->next]) {
        u->next++;
        return GA_ERR_CONV;
    }
    *answer = strdup(u->answers[u->next++]);
    return GA_OK;
}

static void ui_info(void *ctx, const char *text)
{
    fake_ui_t *u = ctx;
    strncat(u->infos, text, sizeof u->infos - strlen(u->infos) - 2);
    strcat(u->infos, "|");
}

static void ui_error(void *ctx, const char *text)
{
    fake_ui_t *u = ctx;
    strncat(u->errors, text, sizeof u->errors - strlen(u->errors) - 2);
    strcat(u->errors, "|");
}

/* ---- fake GenAuth ----------------------------------------------------------- */

#define MAXQ 8
typedef struct fake_api {
    ga_status_t signin[MAXQ], enrolled[MAXQ], to_enroll[MAXQ], send[MAXQ], enroll[MAXQ];
    int n_signin, n_enrolled, n_to_enroll, n_send, n_enroll; /* calls made */
    int enrolled_count;                                      /* factors the user has */
    ga_factor_t offer[4];
    int n_offer;
    long retry_after;
    char last_password[64], last_code[16], last_phone[64], last_email[GA_EMAIL_MAX], last_token[64];
} fake_api_t;

static ga_status_t next_rc(const ga_status_t *q, int *n)
{
    ga_status_t rc = *n < MAXQ ? q[*n] : GA_OK;
    (*n)++;
    return rc;
}

static void fill_err(ga_api_error_t *err, ga_status_t rc, long retry)
{
    memset(err, 0, sizeof *err);
    err->retry_after_s = retry;
    if (rc == GA_ERR_UNAVAIL)
        err->reason = GA_REASON_TIMEOUT;
    if (rc == GA_ERR_REJECTED)
        snprintf(err->message, sizeof err->message, "bad phone number");
}

static ga_status_t api_signin(void *ctx, const char *id, const char *pw, ga_signin_t *out,
                              ga_api_error_t *err)
{
    fake_api_t *a = ctx;
    ga_status_t rc = next_rc(a->signin, &a->n_signin);

    (void)id;
    snprintf(a->last_password, sizeof a->last_password, "%s", pw);
    fill_err(err, rc, -1);
    if (rc == GA_OK)
        out->access_token = strdup("at-123");
    return rc;
}

static ga_status_t api_list(fake_api_t *a, ga_status_t rc, int enrolled, ga_factor_list_t *out,
                            ga_api_error_t *err)
{
    fill_err(err, rc, -1);
    if (rc != GA_OK)
        return rc;
    if (enrolled) {
        for (int i = 0; i < a->enrolled_count; i++) {
            out->items[i].type = GA_FACTOR_SMS;
            snprintf(out->items[i].type_name, sizeof out->items[i].type_name, "SMS");
        }
        out->n = (size_t)a->enrolled_count;
    } else {
        for (int i = 0; i < a->n_offer; i++) {
            out->items[i].type = a->offer[i];
            snprintf(out->items[i].type_name, sizeof out->items[i].type_name, "%s",
                     ga_factor_name(a->offer[i]));
        }
        out->n = (size_t)a->n_offer;
    }
    return GA_OK;
}

static ga_status_t api_enrolled(void *ctx, const char *tok, ga_factor_list_t *out,
                                ga_api_error_t *err)
{
    fake_api_t *a = ctx;
    ck_assert_str_eq(tok, "at-123");
    return api_list(a, next_rc(a->enrolled, &a->n_enrolled), 1, out, err);
}

static ga_status_t api_to_enroll(void *ctx, const char *tok, ga_factor_list_t *out,
                                 ga_api_error_t *err)
{
    fake_api_t *a = ctx;
    ck_assert_str_eq(tok, "at-123");
    return api_list(a, next_rc(a->to_enroll, &a->n_to_enroll), 0, out, err);
}

static ga_status_t api_send(void *ctx, const char *tok, const ga_profile_t *p, char **et,
                            ga_api_error_t *err)
{
    fake_api_t *a = ctx;
    ga_status_t rc = next_rc(a->send, &a->n_send);

    ck_assert_str_eq(tok, "at-123");
    snprintf(a->last_phone, sizeof a->last_phone, "%s %s", p->phone_cc, p->phone);
    snprintf(a->last_email, sizeof a->last_email, "%s", p->email);
    fill_err(err, rc, a->retry_after);
    if (rc == GA_OK) {
        char buf[32];
        snprintf(buf, sizeof buf, "et-%d", a->n_send);
        *et = strdup(buf);
    }
    return rc;
}

static ga_status_t api_enroll(void *ctx, const char *tok, ga_factor_t type, const char *et,
                              const char *code, ga_api_error_t *err)
{
    fake_api_t *a = ctx;
    ga_status_t rc = next_rc(a->enroll, &a->n_enroll);

    (void)type;
    ck_assert_str_eq(tok, "at-123");
    snprintf(a->last_code, sizeof a->last_code, "%s", code);
    snprintf(a->last_token, sizeof a->last_token, "%s", et);
    fill_err(err, rc, -1);
    return rc;
}

/* OTP enrollment: a fixed, valid otpauth URI (check_enroll_otp covers the rest) */
static ga_status_t api_send_otp(void *ctx, const char *tok, char **et, ga_otp_data_t *otp,
                                ga_api_error_t *err)
{
    fake_api_t *a = ctx;
    ga_status_t rc = next_rc(a->send, &a->n_send);

    ck_assert_str_eq(tok, "at-123");
    fill_err(err, rc, -1);
    if (rc != GA_OK)
        return rc;
    *et = strdup("et-otp");
    otp->qr_uri = strdup("otpauth://totp/GenAuth:alice?secret=JBSWY3DPEHPK3PXP"
                         "&issuer=GenAuth");
    return GA_OK;
}

/* ---- fixture ---------------------------------------------------------------- */

static char state_dir[64];
static char logbuf[8192];
static ga_config_t cfg;
static fake_ui_t ui_data;
static fake_api_t api_data;
static ga_ui_t ui = {ui_prompt, ui_info, ui_error, &ui_data, NULL};
static ga_api_ops_t api = {.ctx = &api_data,
                           .signin = api_signin,
                           .list_enrolled = api_enrolled,
                           .list_to_enroll = api_to_enroll,
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
    snprintf(state_dir, sizeof state_dir, "/tmp/check_flow.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(state_dir));
    memset(&cfg, 0, sizeof cfg);
    cfg.app_id = (char *)"app";
    cfg.app_secret = (char *)"secret";
    cfg.app_host = (char *)"https://example.invalid";
    cfg.login_format = (char *)"%u";
    cfg.factors[0] = GA_FACTOR_SMS;
    cfg.factors[1] = GA_FACTOR_EMAIL;
    cfg.n_factors = 2;
    cfg.phone_country_code = (char *)"+86";
    cfg.connect_timeout = 5;
    cfg.timeout = 10;
    cfg.total_timeout = 30;
    cfg.max_attempts = 3;
    cfg.max_sends = 3;
    cfg.max_sends_per_hour = 100;
    cfg.state_dir = state_dir;
    cfg.lang = (char *)"en-US";
    cfg.header_prefix = (char *)"x-authing-";
    memset(&ui_data, 0, sizeof ui_data);
    memset(&api_data, 0, sizeof api_data);
    api_data.offer[0] = GA_FACTOR_SMS;
    api_data.n_offer = 1;
    api_data.retry_after = -1;
    logbuf[0] = '\0';
    fake_time = 1700000000;
}

static void teardown(void)
{
    DIR *d = opendir(state_dir);
    struct dirent *e;

    /* pending enrollments and hourly send logs */
    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            ck_assert_int_eq(unlinkat(dirfd(d), e->d_name, 0), 0);
    if (d)
        closedir(d);
    ck_assert_int_eq(rmdir(state_dir), 0);
}

static void answers(int n, ...)
{
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        ui_data.answers[i] = va_arg(ap, const char *);
    va_end(ap);
    ui_data.n = n;
    ui_data.next = 0;
}

static ga_status_t run_step(ga_stash_t *st, ga_step_t step, const char *authtok)
{
    ga_flow_env_t env = {0};

    env.cfg = &cfg;
    env.lg = &lg;
    env.ui = &ui;
    env.api = &api;
    env.user = "alice";
    env.rhost = "192.0.2.1";
    env.initial_password = authtok;
    env.step = step;
    env.euid = geteuid();
    env.now = fake_now;
    return ga_flow_run(&env, st);
}

static ga_status_t run(ga_stash_t *st) { return run_step(st, GA_STEP_BOTH, NULL); }

/* An env for calling the shared helpers directly. */
static ga_flow_env_t helper_env(void)
{
    ga_flow_env_t env = {0};

    env.cfg = &cfg;
    env.lg = &lg;
    env.ui = &ui;
    env.api = &api;
    env.user = "alice";
    env.rhost = "192.0.2.1";
    env.euid = geteuid();
    env.now = fake_now;
    return env;
}

static int pending_file_exists(void)
{
    char name[300], path[400];
    ga_state_file_name("alice", name, sizeof name);
    snprintf(path, sizeof path, "%s/%s", state_dir, name);
    return access(path, F_OK) == 0;
}

/* ---- tests -------------------------------------------------------------------- */

START_TEST(check_answer_trims_cancels_and_refuses_overlong)
{
    ga_flow_env_t env = helper_env();
    char *a = strdup("  123456 \t");
    char big[GA_ANSWER_MAX + 2];

    ck_assert_int_eq(ga_flow_check_answer(&env, "enrollment", &a), GA_OK);
    ck_assert_str_eq(a, "123456");
    ga_free_secret(a);
    ck_assert_ptr_null(strstr(logbuf, "cancelled"));

    a = strdup(" \t ");
    ck_assert_int_eq(ga_flow_check_answer(&env, "verification", &a), GA_ERR_CANCELLED);
    ck_assert_ptr_null(a);
    ck_assert_ptr_nonnull(
        strstr(logbuf, "user alice from 192.0.2.1: verification cancelled by the user"));

    /* exactly GA_ANSWER_MAX bytes is taken */
    memset(big, 'a', GA_ANSWER_MAX);
    big[GA_ANSWER_MAX] = '\0';
    a = strdup(big);
    ck_assert_int_eq(ga_flow_check_answer(&env, "enrollment", &a), GA_OK);
    ck_assert_uint_eq(strlen(a), GA_ANSWER_MAX);
    ga_free_secret(a);
    /* one byte more is refused as it came, even when trimming would fit it */
    big[GA_ANSWER_MAX] = ' ';
    big[GA_ANSWER_MAX + 1] = '\0';
    a = strdup(big);
    ck_assert_int_eq(ga_flow_check_answer(&env, "enrollment", &a), GA_ERR_INPUT);
    ck_assert_ptr_null(a);
    ck_assert_ptr_null(strstr(logbuf, "enrollment cancelled"));
}
END_TEST

START_TEST(tries_left_note_singular_and_plural)
{
    ga_flow_env_t env = helper_env();
    char note[GA_NOTE_MAX];

    ga_flow_tries_left(&env, 2, note, sizeof note);
    ck_assert_str_eq(note, "Wrong code. 2 tries left.");
    ga_flow_tries_left(&env, 1, note, sizeof note);
    ck_assert_str_eq(note, "Wrong code. 1 try left.");
}
END_TEST

START_TEST(count_send_stops_at_max_sends)
{
    ga_flow_env_t env = helper_env();
    ga_stash_t *st = ga_stash_new("alice");

    cfg.max_sends = 2;
    ck_assert_int_eq(ga_flow_count_send(&env, st, ""), GA_OK);
    ck_assert_int_eq(ga_flow_count_send(&env, st, ""), GA_OK);
    ck_assert_int_eq(st->sends, 2);
    ck_assert_str_eq(ui_data.errors, "");
    ck_assert_int_eq(ga_flow_count_send(&env, st, "; no code sent"), GA_ERR_MAXTRIES);
    ck_assert_int_eq(st->sends, 2); /* a refused send is not counted */
    ck_assert_ptr_nonnull(strstr(logbuf, "limit of 2 codes per login reached; no code sent\n"));
    ck_assert_str_eq(ui_data.errors, "Too many codes sent. Try again later.|");
    ga_stash_free(st);
}
END_TEST

START_TEST(reserve_hourly_says_how_long_to_wait)
{
    ga_flow_env_t env = helper_env();

    cfg.max_sends_per_hour = 1;
    ck_assert_int_eq(ga_flow_reserve_hourly(&env), GA_OK);
    ck_assert_int_eq(ga_flow_reserve_hourly(&env), GA_ERR_MAXTRIES);
    ck_assert_ptr_nonnull(strstr(logbuf, "limit of 1 codes per hour reached; no code sent"));
    ck_assert_ptr_nonnull(strstr(ui_data.errors, "Try again in 60 minutes."));
    ui_data.errors[0] = '\0';
    fake_time += 3600 - 30; /* 30 s to go: rounded up to one minute */
    ck_assert_int_eq(ga_flow_reserve_hourly(&env), GA_ERR_MAXTRIES);
    ck_assert_ptr_nonnull(strstr(ui_data.errors, "Try again in 1 minute."));
    fake_time += 30;
    ck_assert_int_eq(ga_flow_reserve_hourly(&env), GA_OK);
}
END_TEST

START_TEST(sms_enrollment_happy_path)
{
    ga_stash_t *st = ga_stash_new("alice");
    answers(3, "pw", "+86 188 1234 5678", "123456");
    ck_assert_int_eq(run(st), GA_OK);
    ck_assert_int_eq(api_data.n_signin, 1);
    ck_assert_int_eq(api_data.n_enrolled, 1);
    ck_assert_int_eq(api_data.n_to_enroll, 1);
    ck_assert_int_eq(api_data.n_send, 1);
    ck_assert_int_eq(api_data.n_enroll, 1);
    ck_assert_str_eq(api_data.last_password, "pw");
    ck_assert_str_eq(api_data.last_phone, "+86 18812345678");
    ck_assert_str_eq(api_data.last_code, "123456");
    ck_assert_str_eq(api_data.last_token, "et-1");
    ck_assert_int_eq(ui_data.echo[0], 0); /* password hidden */
    ck_assert_int_eq(ui_data.echo[1], 1);
    ck_assert_int_eq(ui_data.echo[2], 1);
    ck_assert_str_eq(ui_data.prompts[2], "Code sent to +86 188****5678. Enter code: ");
    ck_assert_ptr_nonnull(strstr(ui_data.infos, "set up: SMS +86 188****5678"));
    ck_assert_ptr_nonnull(strstr(logbuf, "SMS factor bound (+86 188****5678)"));
    ck_assert_ptr_null(strstr(logbuf, "18812345678"));
    ck_assert_ptr_null(strstr(logbuf, "123456"));
    ck_assert(!pending_file_exists());
    ga_stash_free(st);
}
END_TEST

/* an SMS factor enrolled without Management API credentials cannot be
 * verified later: the admin is warned; with them (or on_enrolled = ignore),
 * not */
START_TEST(sms_enrollment_without_mgmt_warns)
{
    static const char warn[] = "user alice: SMS was enrolled, but without userpool_id and "
                               "userpool_secret it cannot be verified";
    ga_stash_t *st = ga_stash_new("alice");

    answers(3, "pw", "+86 188 1234 5678", "123456");
    ck_assert_int_eq(run(st), GA_OK);
    ck_assert_ptr_nonnull(strstr(logbuf, warn));
    ga_stash_free(st);

    logbuf[0] = '\0';
    cfg.userpool_id = (char *)"pool";
    cfg.userpool_secret = (char *)"pool-secret";
    st = ga_stash_new("alice");
    answers(3, "pw", "+86 188 1234 5678", "123456");
    ck_assert_int_eq(run(st), GA_OK);
    ck_assert_ptr_null(strstr(logbuf, warn));
    ck_assert_ptr_null(strstr(logbuf, "pool-secret"));
    ga_stash_free(st);
    cfg.userpool_id = cfg.userpool_secret = NULL;
}
END_TEST

START_TEST(email_enrollment_via_menu)
{
    ga_stash_t *st = ga_stash_new("alice");
    api_data.offer[1] = GA_FACTOR_EMAIL;
    api_data.n_offer = 2;
    answers(4, "pw", "email", "alice@example.com", "654321");
    ck_assert_int_eq(run(st), GA_OK);
    ck_assert_ptr_nonnull(strstr(ui_data.prompts[1], "1) SMS"));
    ck_assert_ptr_nonnull(strstr(ui_data.prompts[1], "2) Email"));
    ck_assert_str_eq(api_data.last_email, "alice@example.com");
    ck_assert_str_eq(ui_data.prompts[3], "Code sent to a***@example.com. Enter code: ");
    ga_stash_free(st);
}
END_TEST

START_TEST(menu_by_number_and_invalid_choice)
{
    ga_stash_t *st = ga_stash_new("alice");
    api_data.offer[1] = GA_FACTOR_EMAIL;
    api_data.n_offer = 2;
    answers(5, "pw", "7", "2", "bob@example.org", "111111");
    ck_assert_int_eq(run(st), GA_OK);
    ck_assert_str_eq(api_data.last_email, "bob@example.org");
    ck_assert_int_eq(ui_data.n_prompts, 5);
    ga_stash_free(st);
}
END_TEST

START_TEST(menu_skipped_when_config_allows_one)
{
    ga_stash_t *st = ga_stash_new("alice");
    api_data.offer[1] = GA_FACTOR_EMAIL;
    api_data.offer[2] = GA_FACTOR_FACE;
    api_data.n_offer = 3;
    cfg.factors[0] = GA_FACTOR_EMAIL;
    cfg.n_factors = 1;
    answers(3, "pw", "carol@example.net", "222222");
    ck_assert_int_eq(run(st), GA_OK);
    ck_assert_ptr_nonnull(strstr(ui_data.prompts[1], "Email address"));
    ga_stash_free(st);
}
END_TEST

START_TEST(no_common_factor_is_config_error)
{
    ga_stash_t *st = ga_stash_new("alice");
    api_data.offer[0] = GA_FACTOR_FACE;
    api_data.n_offer = 1;
    answers(1, "pw");
    ck_assert_int_eq(run(st), GA_ERR_CONFIG);
    ck_assert_int_eq(api_data.n_send, 0);
    ck_assert_ptr_nonnull(strstr(ui_data.errors, "administrator"));
    ga_stash_free(st);
}
END_TEST

START_TEST(already_enrolled_is_ignored)
{
    ga_stash_t *st = ga_stash_new("alice");
    cfg.on_enrolled = GA_ON_ENROLLED_IGNORE;
    api_data.enrolled_count = 1;
    answers(1, "pw");
    ck_assert_int_eq(run(st), GA_ENROLLED);
    ck_assert_int_eq(api_data.n_to_enroll, 0);
    ck_assert_int_eq(ui_data.n_prompts, 1);
    ck_assert_ptr_nonnull(strstr(logbuf, "already has 1 MFA factor"));
    /* a second run in the same handle replays it without a call */
    ck_assert_int_eq(run(st), GA_ENROLLED);
    ck_assert_int_eq(api_data.n_signin, 1);
    ga_stash_free(st);
}
END_TEST

START_TEST(mfa_required_at_signin_counts_as_enrolled)
{
    ga_stash_t *st = ga_stash_new("alice");
    cfg.on_enrolled = GA_ON_ENROLLED_IGNORE;
    api_data.signin[0] = GA_ENROLLED;
    answers(1, "pw");
    ck_assert_int_eq(run(st), GA_ENROLLED);
    ck_assert_int_eq(api_data.n_enrolled, 0);
    ga_stash_free(st);
}
END_TEST

START_TEST(wrong_password_makes_no_further_calls)
{
    ga_stash_t *st = ga_stash_new("alice");
    api_data.signin[0] = GA_ERR_AUTH;
    answers(1, "bad");
    ck_assert_int_eq(run(st), GA_ERR_AUTH);
    ck_assert_int_eq(api_data.n_signin, 1);
    ck_assert_int_eq(api_data.n_enrolled, 0);
    ck_assert_ptr_nonnull(strstr(ui_data.errors, "sign-in failed"));
    ck_assert_ptr_null(strstr(logbuf, "bad"));
    ga_stash_free(st);
}
END_TEST

START_TEST(try_first_pass_prompts_once_after_rejected_authtok)
{
    ga_stash_t *st = ga_stash_new("alice");
    api_data.signin[0] = GA_ERR_AUTH;
    answers(3, "genauth-pw", "+86 18812345678", "123456");
    ck_assert_int_eq(run_step(st, GA_STEP_BOTH, "unix-pw"), GA_OK);
    ck_assert_int_eq(api_data.n_signin, 2);
    ck_assert_str_eq(api_data.last_password, "genauth-pw");
    ck_assert_str_eq(ui_data.prompts[0], "GenAuth password: ");
    ga_stash_free(st);
}
END_TEST

START_TEST(try_first_pass_uses_authtok_without_prompt)
{
    ga_stash_t *st = ga_stash_new("alice");
    cfg.on_enrolled = GA_ON_ENROLLED_IGNORE;
    api_data.enrolled_count = 1;
    answers(0);
    ck_assert_int_eq(run_step(st, GA_STEP_BOTH, "unix-pw"), GA_ENROLLED);
    ck_assert_int_eq(ui_data.n_prompts, 0);
    ck_assert_str_eq(api_data.last_password, "unix-pw");
    ga_stash_free(st);
}
END_TEST

START_TEST(use_first_pass_never_prompts)
{
    ga_stash_t *st = ga_stash_new("alice");
    ga_flow_env_t env = {0};
    env.cfg = &cfg;
    env.lg = &lg;
    env.ui = &ui;
    env.api = &api;
    env.user = "alice";
    env.use_first_pass = 1;
    env.now = fake_now;
    env.euid = geteuid();
    answers(0);
    ck_assert_int_eq(ga_flow_run(&env, st), GA_ERR_AUTH);
    ck_assert_int_eq(api_data.n_signin, 0);
    env.initial_password = "wrong";
    api_data.signin[0] = GA_ERR_AUTH;
    ck_assert_int_eq(ga_flow_run(&env, st), GA_ERR_AUTH);
    ck_assert_int_eq(api_data.n_signin, 1);
    ck_assert_int_eq(ui_data.n_prompts, 0);
    ga_stash_free(st);
}
END_TEST

START_TEST(unavailable_list_never_leads_to_enrollment)
{
    ga_stash_t *st = ga_stash_new("alice");
    api_data.enrolled[0] = GA_ERR_UNAVAIL;
    answers(1, "pw");
    ck_assert_int_eq(run(st), GA_ERR_UNAVAIL);
    ck_assert_int_eq(api_data.n_to_enroll, 0);
    ck_assert_int_eq(api_data.n_send, 0);
    ck_assert_ptr_nonnull(strstr(logbuf, "GenAuth unavailable (timeout) at list-enrolled-factors"));
    ga_stash_free(st);
}
END_TEST

START_TEST(wrong_code_then_right_code)
{
    ga_stash_t *st = ga_stash_new("alice");
    api_data.enroll[0] = GA_ERR_WRONG_CODE;
    answers(4, "pw", "18812345678", "000000", "123456");
    ck_assert_int_eq(run(st), GA_OK);
    ck_assert_int_eq(api_data.n_enroll, 2);
    ck_assert_int_eq(api_data.n_send, 1);
    ck_assert_str_eq(ui_data.prompts[3],
                     "Wrong code. 2 tries left.\nCode sent to +86 188****5678. Enter code: ");
    ga_stash_free(st);
}
END_TEST

START_TEST(too_many_wrong_codes)
{
    ga_stash_t *st = ga_stash_new("alice");
    api_data.enroll[0] = api_data.enroll[1] = api_data.enroll[2] = GA_ERR_WRONG_CODE;
    answers(5, "pw", "18812345678", "000001", "000002", "000003");
    ck_assert_int_eq(run(st), GA_ERR_MAXTRIES);
    ck_assert_int_eq(api_data.n_enroll, 3);
    ck_assert_ptr_null(st->enrollment_token);
    ck_assert(!pending_file_exists());
    ck_assert_ptr_nonnull(strstr(ui_data.errors, "Too many wrong codes"));
    ga_stash_free(st);
}
END_TEST

START_TEST(invalid_code_is_not_sent)
{
    ga_stash_t *st = ga_stash_new("alice");
    answers(4, "pw", "18812345678", "12ab", "123456");
    ck_assert_int_eq(run(st), GA_OK);
    ck_assert_int_eq(api_data.n_enroll, 1);
    ck_assert_str_eq(api_data.last_code, "123456");
    ga_stash_free(st);
}
END_TEST

START_TEST(invalid_phone_reprompts_with_reason_then_gives_up)
{
    ga_stash_t *st = ga_stash_new("alice");
    answers(4, "pw", "abc", "12", "+86 1");
    ck_assert_int_eq(run(st), GA_ERR_MAXTRIES);
    ck_assert_int_eq(api_data.n_send, 0);
    ck_assert_ptr_nonnull(strchr(ui_data.prompts[2], '\n')); /* reason above the question */
    ga_stash_free(st);
}
END_TEST

START_TEST(server_expired_token_offers_new_code)
{
    ga_stash_t *st = ga_stash_new("alice");
    api_data.enroll[0] = GA_ERR_EXPIRED;
    answers(5, "pw", "18812345678", "111111", "y", "222222");
    ck_assert_int_eq(run(st), GA_OK);
    ck_assert_int_eq(api_data.n_send, 2);
    ck_assert_str_eq(api_data.last_token, "et-2");
    ck_assert_str_eq(ui_data.prompts[3],
                     "The code has expired.\nSend a new code to +86 188****5678? [y/N]: ");
    ga_stash_free(st);
}
END_TEST

START_TEST(local_expiry_skips_the_bind_call)
{
    ga_stash_t *st = ga_stash_new("alice");
    ui_data.advance_before[2] = 61; /* the user answers the code prompt late */
    answers(5, "pw", "18812345678", "111111", "yes", "222222");
    ck_assert_int_eq(run(st), GA_OK);
    ck_assert_int_eq(api_data.n_enroll, 1); /* only the second code was sent */
    ck_assert_str_eq(api_data.last_token, "et-2");
    ga_stash_free(st);
}
END_TEST

START_TEST(declining_a_new_code_fails)
{
    ga_stash_t *st = ga_stash_new("alice");
    api_data.enroll[0] = GA_ERR_EXPIRED;
    answers(4, "pw", "18812345678", "111111", "n");
    ck_assert_int_eq(run(st), GA_ERR_CANCELLED);
    ck_assert_int_eq(api_data.n_send, 1);
    ga_stash_free(st);
}
END_TEST

START_TEST(throttled_send_asks_to_wait)
{
    ga_stash_t *st = ga_stash_new("alice");
    api_data.send[0] = GA_ERR_THROTTLED;
    api_data.retry_after = 40;
    ui_data.advance_before[3] = 41;
    answers(5, "pw", "18812345678", "y", "y", "123456");
    ck_assert_int_eq(run(st), GA_OK);
    ck_assert_int_eq(api_data.n_send, 2);
    ck_assert_ptr_nonnull(strstr(ui_data.prompts[2], "Wait 40 seconds"));
    ck_assert_ptr_nonnull(strstr(ui_data.prompts[3], "Please wait 40 more seconds"));
    ga_stash_free(st);
}
END_TEST

START_TEST(send_limit_per_login)
{
    ga_stash_t *st = ga_stash_new("alice");
    cfg.max_sends = 2;
    api_data.enroll[0] = api_data.enroll[1] = GA_ERR_EXPIRED;
    answers(6, "pw", "18812345678", "111111", "y", "222222", "y");
    ck_assert_int_eq(run(st), GA_ERR_MAXTRIES);
    ck_assert_int_eq(api_data.n_send, 2);
    ck_assert_ptr_nonnull(strstr(ui_data.errors, "Too many codes sent"));
    ga_stash_free(st);
}
END_TEST

START_TEST(rejected_send_shows_sanitised_reason)
{
    ga_stash_t *st = ga_stash_new("alice");
    api_data.send[0] = GA_ERR_REJECTED;
    answers(2, "pw", "18812345678");
    ck_assert_int_eq(run(st), GA_ERR_REJECTED);
    ck_assert_ptr_nonnull(strstr(ui_data.errors, "bad phone number"));
    ga_stash_free(st);
}
END_TEST

START_TEST(conversation_error_before_send_sends_nothing)
{
    /* the phone prompt is the first ECHO_ON prompt (menu skipped): a
     * client that cannot answer it is non-interactive */
    ga_stash_t *st = ga_stash_new("alice");
    answers(2, "pw", NULL);
    ck_assert_int_eq(run(st), GA_ERR_NONINTERACTIVE);
    ck_assert_int_eq(api_data.n_send, 0);
    ck_assert_ptr_nonnull(strstr(logbuf, "enrollment not started"));
    ck_assert_ptr_nonnull(strstr(logbuf, "keyboard-interactive"));
    ck_assert_ptr_nonnull(strstr(logbuf, "noninteractive = deny"));
    ga_stash_free(st);
}
END_TEST

START_TEST(noninteractive_at_the_menu)
{
    ga_stash_t *st = ga_stash_new("alice");
    api_data.offer[1] = GA_FACTOR_EMAIL;
    api_data.n_offer = 2;
    cfg.noninteractive = GA_NONINTERACTIVE_IGNORE;
    answers(2, "pw", NULL);
    ck_assert_int_eq(run(st), GA_ERR_NONINTERACTIVE);
    ck_assert_int_eq(ui_data.echo[1], 1);
    ck_assert_ptr_nonnull(strstr(ui_data.prompts[1], "Choose 1-2: "));
    ck_assert_ptr_nonnull(strstr(logbuf, "noninteractive = ignore"));
    ck_assert_int_eq(api_data.n_send, 0);
    ga_stash_free(st);
}
END_TEST

START_TEST(conversation_error_after_the_first_prompt_stays_conv)
{
    ga_stash_t *st = ga_stash_new("alice");
    api_data.offer[1] = GA_FACTOR_EMAIL;
    api_data.n_offer = 2;
    answers(3, "pw", "1", NULL); /* menu answered, phone prompt fails */
    ck_assert_int_eq(run(st), GA_ERR_CONV);
    ck_assert_ptr_nonnull(strstr(logbuf, "enrollment stopped"));
    ck_assert_ptr_null(strstr(logbuf, "enrollment not started"));
    ga_stash_free(st);
    st = ga_stash_new("alice");
    answers(3, "pw", "x", NULL); /* an invalid answer, then the re-asked menu fails */
    ck_assert_int_eq(run(st), GA_ERR_CONV);
    ga_stash_free(st);
    st = ga_stash_new("alice");
    answers(3, "pw", "18812345678", NULL); /* after the send */
    api_data.n_offer = 1;
    ck_assert_int_eq(run(st), GA_ERR_CONV);
    ga_stash_free(st);
}
END_TEST

START_TEST(empty_answer_cancels)
{
    ga_stash_t *st = ga_stash_new("alice");
    answers(2, "pw", "   ");
    ck_assert_int_eq(run(st), GA_ERR_CANCELLED);
    ck_assert_int_eq(api_data.n_send, 0);
    ga_stash_free(st);
}
END_TEST

START_TEST(empty_password_cancels)
{
    ga_stash_t *st = ga_stash_new("alice");
    answers(1, "");
    ck_assert_int_eq(run(st), GA_ERR_CANCELLED);
    ck_assert_int_eq(api_data.n_signin, 0);
    ga_stash_free(st);
}
END_TEST

START_TEST(oversized_answers_are_rejected_not_truncated)
{
    ga_stash_t *st = ga_stash_new("alice");
    char *big = malloc(65537);
    memset(big, '1', 65536);
    big[65536] = '\0';
    answers(4, "pw", big, big, big);
    ck_assert_int_eq(run(st), GA_ERR_MAXTRIES);
    ck_assert_int_eq(api_data.n_send, 0);
    answers(1, big);
    ck_assert_int_eq(run(st), GA_ERR_AUTH); /* a huge password is never sent */
    ck_assert_int_eq(api_data.n_signin, 1);
    free(big);
    ga_stash_free(st);
}
END_TEST

START_TEST(second_run_in_handle_never_sends_again)
{
    ga_stash_t *st = ga_stash_new("alice");
    answers(3, "pw", "18812345678", NULL); /* client drops at the code prompt */
    ck_assert_int_eq(run(st), GA_ERR_CONV);
    ck_assert_int_eq(st->state, GA_STASH_PENDING);
    answers(1, "123456");
    ck_assert_int_eq(run(st), GA_OK);
    ck_assert_int_eq(api_data.n_send, 1);
    ck_assert_int_eq(api_data.n_signin, 1); /* same handle: no second sign-in */
    ck_assert_str_eq(ui_data.prompts[3], "Code sent to +86 188****5678. Enter code: ");
    /* and a third run replays the success */
    ck_assert_int_eq(run(st), GA_OK);
    ck_assert_int_eq(api_data.n_enroll, 1);
    ga_stash_free(st);
}
END_TEST

START_TEST(failures_are_not_replayed_by_step_both)
{
    ga_stash_t *st = ga_stash_new("alice");
    cfg.on_enrolled = GA_ON_ENROLLED_IGNORE;
    api_data.signin[0] = GA_ERR_AUTH;
    answers(1, "bad");
    ck_assert_int_eq(run(st), GA_ERR_AUTH);
    api_data.enrolled_count = 1;
    answers(1, "good");
    ck_assert_int_eq(run(st), GA_ENROLLED); /* e.g. sudo's second try */
    ga_stash_free(st);
}
END_TEST

START_TEST(request_then_bind_steps)
{
    ga_stash_t *st = ga_stash_new("alice");
    answers(2, "pw", "18812345678");
    ck_assert_int_eq(run_step(st, GA_STEP_REQUEST, NULL), GA_IGNORE);
    ck_assert_int_eq(api_data.n_send, 1);
    ck_assert_int_eq(api_data.n_enroll, 0);
    answers(1, "123456");
    ck_assert_int_eq(run_step(st, GA_STEP_BIND, NULL), GA_OK);
    ck_assert_int_eq(api_data.n_signin, 1);
    ck_assert_int_eq(api_data.n_send, 1);
    ga_stash_free(st);
}
END_TEST

START_TEST(otp_request_then_bind_steps)
{
    ga_stash_t *st = ga_stash_new("alice");
    cfg.factors[2] = GA_FACTOR_OTP;
    cfg.n_factors = 3;
    cfg.qr = GA_QR_OFF;
    api_data.offer[1] = GA_FACTOR_OTP;
    api_data.n_offer = 2;
    answers(2, "pw", "2");
    ck_assert_int_eq(run_step(st, GA_STEP_REQUEST, NULL), GA_IGNORE);
    ck_assert_int_eq(st->state, GA_STASH_PENDING);
    ck_assert_ptr_nonnull(strstr(ui_data.infos, "JBSW Y3DP EHPK 3PXP"));
    ck_assert(!pending_file_exists()); /* never on disk */
    answers(1, "123456");
    ck_assert_int_eq(run_step(st, GA_STEP_BIND, NULL), GA_OK);
    ck_assert_int_eq(api_data.n_signin, 1);
    ck_assert_int_eq(api_data.n_send, 1);
    ck_assert_str_eq(api_data.last_token, "et-otp");
    ck_assert_str_eq(ui_data.prompts[2], "Enter the 6-digit code from your authenticator app: ");
    ck_assert_ptr_null(strstr(logbuf, "JBSW"));
    ga_stash_free(st);
}
END_TEST

START_TEST(bind_replays_request_failure)
{
    ga_stash_t *st = ga_stash_new("alice");
    api_data.signin[0] = GA_ERR_AUTH;
    answers(1, "bad");
    ck_assert_int_eq(run_step(st, GA_STEP_REQUEST, NULL), GA_ERR_AUTH);
    answers(0);
    ck_assert_int_eq(run_step(st, GA_STEP_BIND, NULL), GA_ERR_AUTH);
    ck_assert_int_eq(ui_data.n_prompts, 1);
    ga_stash_free(st);
}
END_TEST

START_TEST(bind_without_request_is_config_error)
{
    ga_stash_t *st = ga_stash_new("alice");
    answers(0);
    ck_assert_int_eq(run_step(st, GA_STEP_BIND, NULL), GA_ERR_CONFIG);
    ck_assert_int_eq(api_data.n_signin, 0);
    ck_assert_ptr_nonnull(strstr(logbuf, "step=bind found no enrollment request"));
    ga_stash_free(st);
}
END_TEST

START_TEST(resume_after_reconnect_from_state_file)
{
    ga_stash_t *st = ga_stash_new("alice");
    answers(3, "pw", "18812345678", NULL);
    ck_assert_int_eq(run(st), GA_ERR_CONV);
    ck_assert(pending_file_exists());
    ga_stash_free(st);
    /* a new connection: new handle, new stash, 20 s later */
    fake_time += 20;
    st = ga_stash_new("alice");
    answers(2, "pw", "123456");
    ck_assert_int_eq(run(st), GA_OK);
    ck_assert_int_eq(api_data.n_send, 1);
    ck_assert_int_eq(api_data.n_signin, 2);
    ck_assert_int_eq(api_data.n_to_enroll, 1);
    ck_assert_str_eq(api_data.last_token, "et-1");
    ck_assert_str_eq(ui_data.prompts[4], "Code sent to +86 188****5678. Enter code: ");
    ck_assert(!pending_file_exists());
    ga_stash_free(st);
}
END_TEST

START_TEST(expired_state_file_starts_over)
{
    ga_stash_t *st = ga_stash_new("alice");
    answers(3, "pw", "18812345678", NULL);
    ck_assert_int_eq(run(st), GA_ERR_CONV);
    ga_stash_free(st);
    fake_time += 61;
    st = ga_stash_new("alice");
    answers(3, "pw", "13900001111", "123456");
    ck_assert_int_eq(run(st), GA_OK);
    ck_assert_int_eq(api_data.n_send, 2);
    ck_assert_str_eq(api_data.last_phone, "+86 13900001111");
    ga_stash_free(st);
}
END_TEST

START_TEST(wrong_codes_count_across_reconnects)
{
    ga_stash_t *st = ga_stash_new("alice");
    api_data.enroll[0] = api_data.enroll[1] = api_data.enroll[2] = GA_ERR_WRONG_CODE;
    answers(5, "pw", "18812345678", "000001", "000002", NULL);
    ck_assert_int_eq(run(st), GA_ERR_CONV);
    ga_stash_free(st);
    st = ga_stash_new("alice");
    answers(2, "pw", "000003");
    ck_assert_int_eq(run(st), GA_ERR_MAXTRIES); /* 3rd wrong code overall */
    ga_stash_free(st);
}
END_TEST

START_TEST(unavailable_send_goes_to_fail_mode)
{
    ga_stash_t *st = ga_stash_new("alice");
    api_data.send[0] = GA_ERR_UNAVAIL;
    answers(2, "pw", "18812345678");
    ck_assert_int_eq(run(st), GA_ERR_UNAVAIL);
    ck_assert_ptr_nonnull(strstr(logbuf, "at send-enroll-factor-request"));
    ga_stash_free(st);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("flow");
    TCase *tc = tcase_create("flow");
    SRunner *sr;
    int failed;

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, check_answer_trims_cancels_and_refuses_overlong);
    tcase_add_test(tc, tries_left_note_singular_and_plural);
    tcase_add_test(tc, count_send_stops_at_max_sends);
    tcase_add_test(tc, reserve_hourly_says_how_long_to_wait);
    tcase_add_test(tc, sms_enrollment_happy_path);
    tcase_add_test(tc, sms_enrollment_without_mgmt_warns);
    tcase_add_test(tc, email_enrollment_via_menu);
    tcase_add_test(tc, menu_by_number_and_invalid_choice);
    tcase_add_test(tc, menu_skipped_when_config_allows_one);
    tcase_add_test(tc, no_common_factor_is_config_error);
    tcase_add_test(tc, already_enrolled_is_ignored);
    tcase_add_test(tc, mfa_required_at_signin_counts_as_enrolled);
    tcase_add_test(tc, wrong_password_makes_no_further_calls);
    tcase_add_test(tc, try_first_pass_prompts_once_after_rejected_authtok);
    tcase_add_test(tc, try_first_pass_uses_authtok_without_prompt);
    tcase_add_test(tc, use_first_pass_never_prompts);
    tcase_add_test(tc, unavailable_list_never_leads_to_enrollment);
    tcase_add_test(tc, wrong_code_then_right_code);
    tcase_add_test(tc, too_many_wrong_codes);
    tcase_add_test(tc, invalid_code_is_not_sent);
    tcase_add_test(tc, invalid_phone_reprompts_with_reason_then_gives_up);
    tcase_add_test(tc, server_expired_token_offers_new_code);
    tcase_add_test(tc, local_expiry_skips_the_bind_call);
    tcase_add_test(tc, declining_a_new_code_fails);
    tcase_add_test(tc, throttled_send_asks_to_wait);
    tcase_add_test(tc, send_limit_per_login);
    tcase_add_test(tc, rejected_send_shows_sanitised_reason);
    tcase_add_test(tc, conversation_error_before_send_sends_nothing);
    tcase_add_test(tc, noninteractive_at_the_menu);
    tcase_add_test(tc, conversation_error_after_the_first_prompt_stays_conv);
    tcase_add_test(tc, empty_answer_cancels);
    tcase_add_test(tc, empty_password_cancels);
    tcase_add_test(tc, oversized_answers_are_rejected_not_truncated);
    tcase_add_test(tc, second_run_in_handle_never_sends_again);
    tcase_add_test(tc, failures_are_not_replayed_by_step_both);
    tcase_add_test(tc, request_then_bind_steps);
    tcase_add_test(tc, otp_request_then_bind_steps);
    tcase_add_test(tc, bind_replays_request_failure);
    tcase_add_test(tc, bind_without_request_is_config_error);
    tcase_add_test(tc, resume_after_reconnect_from_state_file);
    tcase_add_test(tc, expired_state_file_starts_over);
    tcase_add_test(tc, wrong_codes_count_across_reconnects);
    tcase_add_test(tc, unavailable_send_goes_to_fail_mode);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
