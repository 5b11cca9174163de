/* check_verify.c - verification of enrolled users (ga_verify*.c, and the
 * flow's hand-over in ga_flow.c) with a scripted user (fake ga_ui_t), a
 * scripted GenAuth (fake ga_api_ops_t) and a fake clock. The state
 * directory (send log) is real (a temporary directory). Every test checks
 * the captured log for secrets and unmasked contact data. */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ga_flow.h"
#include "ga_secret.h"
#include "ga_verify.h"

static long long fake_time = 1700000000;
static long long fake_now(void) { return fake_time; }

/* ---- fake user ---------------------------------------------------------- */

#define MAXP 16
typedef struct fake_ui {
    const char *answers[MAXP]; /* NULL entry = conversation error */
    int n, next;
    char prompts[MAXP][512];
    int echo[MAXP];
    int n_prompts;
    char infos[2048], errors[2048];
} fake_ui_t;

static fake_ui_t U;

static ga_status_t ui_prompt(void *ctx, int echo_on, const char *text, char **answer)
{
    fake_ui_t *u = ctx;

    ck_assert_int_lt(u->n_prompts, MAXP);
    snprintf(u->prompts[u->n_prompts], sizeof u->prompts[0], "%s", text);
    u->echo[u->n_prompts++] = echo_on;
    *answer = NULL;
    if (u->next >= u->n || !u->answers[u->next]) {
        u->next++;
        return GA_ERR_CONV;
    }
    *answer = strdup(u->answers[u->next++]);
    return *answer ? GA_OK : GA_ERR_NOMEM;
}

static void ui_add(char *buf, size_t len, const char *text)
{
    strncat(buf, text, len - strlen(buf) - 2);
    strcat(buf, "|");
}
static void ui_info(void *ctx, const char *text) { ui_add(((fake_ui_t *)ctx)->infos, sizeof U.infos, text); }
static void ui_error(void *ctx, const char *text) { ui_add(((fake_ui_t *)ctx)->errors, sizeof U.errors, text); }

static void answers(int n, ...)
{
    va_list ap;

    va_start(ap, n);
    for (int i = 0; i < n; i++)
        U.answers[i] = va_arg(ap, const char *);
    va_end(ap);
    U.n = n;
    U.next = 0;
}

/* ---- fake GenAuth ----------------------------------------------------------- */

#define MAXQ 8
typedef struct fake_api {
    /* scripted answers, one per call (GA_OK after the end) */
    ga_status_t signin[MAXQ], totp[MAXQ], trigger[MAXQ], send[MAXQ], verify[MAXQ], recov[MAXQ];
    int n_signin, n_totp, n_trigger, n_send, n_verify, n_recov, n_list, n_other;
    ga_factor_entry_t factors[4];   /* list-enrolled-factors */
    size_t n_factors;
    ga_mfa_trigger_t signin_mfa;    /* trigger data of a 1635 signin (token borrowed) */
    ga_mfa_trigger_t trig;          /* what get-mfa-trigger-data answers (no token) */
    const char *new_recovery;       /* totp_recovery's new code */
    char last_code[300], last_token[64], last_user_id[64], last_id_type[16];
    ga_factor_t last_send_type, last_verify_type;
} fake_api_t;

static fake_api_t A;

static ga_status_t next_rc(const ga_status_t *q, int *n)
{
    ga_status_t rc = *n < MAXQ ? q[*n] : GA_OK;
    (*n)++;
    return rc;
}

static ga_status_t answer(ga_status_t rc, ga_api_error_t *err)
{
    memset(err, 0, sizeof *err);
    err->retry_after_s = -1;
    err->status_code = rc == GA_OK ? 200 : 400;
    if (rc == GA_ERR_UNAVAIL) {
        err->reason = GA_REASON_TIMEOUT;
        err->status_code = 0;
    } else if (rc == GA_ERR_REJECTED) {
        err->status_code = 403;
        snprintf(err->message, sizeof err->message, "refused by policy");
    } else if (rc == GA_ERR_THROTTLED) {
        err->status_code = 429;
    } else if (rc == GA_ERR_EXPIRED) {
        err->status_code = 2021;
    }
    return rc;
}

static ga_status_t api_signin(void *ctx, const char *id, const char *pw, ga_signin_t *out,
                              ga_api_error_t *err)
{
    fake_api_t *a = ctx;
    ga_status_t rc = next_rc(a->signin, &a->n_signin);

    (void)id;
    (void)pw;
    answer(rc, err);
    if (rc == GA_OK)
        out->access_token = strdup("at-123");
    if (rc == GA_ENROLLED) {
        out->mfa = a->signin_mfa;
        out->mfa.mfa_token = a->signin_mfa.mfa_token ? strdup(a->signin_mfa.mfa_token) : NULL;
        err->api_code = 1635;
    }
    return rc;
}

static ga_status_t api_list(void *ctx, const char *tok, ga_factor_list_t *out,
                            ga_api_error_t *err)
{
    fake_api_t *a = ctx;

    ck_assert_str_eq(tok, "at-123");
    a->n_list++;
    for (size_t i = 0; i < a->n_factors; i++)
        out->items[i] = a->factors[i];
    out->n = a->n_factors;
    return answer(GA_OK, err);
}

static ga_status_t api_other_list(void *ctx, const char *tok, ga_factor_list_t *out,
                                  ga_api_error_t *err)
{
    (void)tok;
    (void)out;
    ((fake_api_t *)ctx)->n_other++;
    return answer(GA_ERR_INTERNAL, err);
}

static ga_status_t api_send_enroll(void *ctx, const char *tok, const ga_profile_t *p,
                                   char **et, ga_api_error_t *err)
{
    (void)tok;
    (void)p;
    (void)et;
    ((fake_api_t *)ctx)->n_other++;
    return answer(GA_ERR_INTERNAL, err);
}

static ga_status_t api_totp(void *ctx, const char *tok, const char *code, ga_api_error_t *err)
{
    fake_api_t *a = ctx;

    ck_assert_str_eq(tok, "at-123");
    snprintf(a->last_code, sizeof a->last_code, "%s", code);
    return answer(next_rc(a->totp, &a->n_totp), err);
}

static ga_status_t api_trigger(void *ctx, const char *user_id, const char *type,
                               ga_mfa_trigger_t *out, ga_api_error_t *err)
{
    fake_api_t *a = ctx;
    ga_status_t rc = next_rc(a->trigger, &a->n_trigger);
    char tok[32];

    snprintf(a->last_user_id, sizeof a->last_user_id, "%s", user_id);
    snprintf(a->last_id_type, sizeof a->last_id_type, "%s", type);
    if (rc == GA_OK) {
        *out = a->trig;
        snprintf(tok, sizeof tok, "mt-%d", a->n_trigger);
        out->mfa_token = strdup(tok);
    }
    return answer(rc, err);
}

static ga_status_t api_send(void *ctx, ga_factor_t type, const ga_mfa_trigger_t *t,
                            ga_api_error_t *err)
{
    fake_api_t *a = ctx;

    ck_assert_ptr_nonnull(t->mfa_token);
    a->last_send_type = type;
    return answer(next_rc(a->send, &a->n_send), err);
}

static ga_status_t api_verify(void *ctx, const char *tok, ga_factor_t type,
                              const ga_mfa_trigger_t *t, const char *code, ga_api_error_t *err)
{
    fake_api_t *a = ctx;

    (void)t;
    a->last_verify_type = type;
    snprintf(a->last_token, sizeof a->last_token, "%s", tok);
    snprintf(a->last_code, sizeof a->last_code, "%s", code);
    return answer(next_rc(a->verify, &a->n_verify), err);
}

static ga_status_t api_recovery(void *ctx, const char *tok, const char *code, char **fresh,
                                ga_api_error_t *err)
{
    fake_api_t *a = ctx;
    ga_status_t rc = next_rc(a->recov, &a->n_recov);

    snprintf(a->last_token, sizeof a->last_token, "%s", tok);
    snprintf(a->last_code, sizeof a->last_code, "%s", code);
    *fresh = rc == GA_OK && a->new_recovery ? strdup(a->new_recovery) : NULL;
    return answer(rc, err);
}

/* ---- fixture ---------------------------------------------------------------- */

static char state_dir[64];
static char logbuf[16384];
static ga_config_t cfg;
static ga_ui_t ui = {ui_prompt, ui_info, ui_error, &U, NULL};
static ga_api_ops_t api = {.ctx = &A,
                           .signin = api_signin,
                           .list_enrolled = api_list,
                           .list_to_enroll = api_other_list,
                           .send_enroll = api_send_enroll,
                           .totp_verify = api_totp,
                           .mfa_trigger = api_trigger,
                           .send_mfa_code = api_send,
                           .verify_mfa_code = api_verify,
                           .totp_recovery = api_recovery};

static void log_sink(void *ctx, int prio, const char *line)
{
    (void)ctx;
    (void)prio;
    strncat(logbuf, line, sizeof logbuf - strlen(logbuf) - 2);
    strcat(logbuf, "\n");
}
static ga_logger_t lg = {log_sink, NULL, 1};

#define PHONE_MASKED "+86 138****5678"
#define EMAIL_MASKED "a***@example.com"

static void add_factor(ga_factor_t f, const char *target)
{
    ga_factor_entry_t *e = &A.factors[A.n_factors++];

    e->type = f;
    snprintf(e->type_name, sizeof e->type_name, "%s", ga_factor_name(f));
    snprintf(e->target, sizeof e->target, "%s", target ? target : "");
}

static void mgmt(void)
{
    cfg.userpool_id = (char *)"pool-1";
    cfg.userpool_secret = (char *)"pool-secret";
}

static void setup(void)
{
    snprintf(state_dir, sizeof state_dir, "/tmp/check_verify.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(state_dir));
    memset(&cfg, 0, sizeof cfg);
    cfg.app_id = (char *)"app";
    cfg.app_secret = (char *)"secret";
    cfg.app_host = (char *)"https://example.invalid";
    cfg.login_format = (char *)"%u";
    cfg.factors[0] = GA_FACTOR_SMS;
    cfg.n_factors = 1;
    cfg.phone_country_code = (char *)"+86";
    cfg.max_attempts = 3;
    cfg.max_sends = 3;
    cfg.max_sends_per_hour = 100;
    cfg.state_dir = state_dir;
    cfg.lang = (char *)"en-US";
    cfg.header_prefix = (char *)"x-authing-";
    cfg.mgmt_host = (char *)"https://api.example.invalid";
    cfg.on_enrolled = GA_ON_ENROLLED_VERIFY;
    memset(&U, 0, sizeof U);
    memset(&A, 0, sizeof A);
    A.trig.sms = A.trig.email = 1;
    snprintf(A.trig.phone_cc, sizeof A.trig.phone_cc, "+86");
    snprintf(A.trig.phone, sizeof A.trig.phone, "13812345678");
    snprintf(A.trig.email_addr, sizeof A.trig.email_addr, "alice@example.com");
    logbuf[0] = '\0';
    fake_time = 1700000000;
}

/* Nothing secret or unmasked may ever reach the log. */
static void assert_log_clean(void)
{
    static const char *never[] = {"123456", "654321", "000000", "mt-1", "mt-2", "st-mfa",
                                  "at-123", "13812345678", "alice@example.com",
                                  "pool-secret", "e7ad-aaa4", "NEW-RC", NULL};

    for (int i = 0; never[i]; i++)
        ck_assert_msg(strstr(logbuf, never[i]) == NULL, "log holds \"%s\":\n%s", never[i],
                      logbuf);
}

static void teardown(void)
{
    DIR *d = opendir(state_dir);
    struct dirent *e;

    assert_log_clean();
    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            ck_assert_int_eq(unlinkat(dirfd(d), e->d_name, 0), 0);
    if (d)
        closedir(d);
    ck_assert_int_eq(rmdir(state_dir), 0);
}

static void env_init(ga_flow_env_t *env)
{
    memset(env, 0, sizeof *env);
    env->cfg = &cfg;
    env->lg = &lg;
    env->ui = &ui;
    env->api = &api;
    env->user = "alice";
    env->rhost = "192.0.2.1";
    env->euid = geteuid();
    env->now = fake_now;
}

/* Verify the enrolled user A.factors[] (access-token path). */
static ga_status_t verify_listed(void)
{
    ga_flow_env_t env;
    ga_factor_list_t list;
    ga_stash_t *st = ga_stash_new("alice");
    ga_status_t rc;

    env_init(&env);
    memset(&list, 0, sizeof list);
    for (size_t i = 0; i < A.n_factors; i++)
        list.items[i] = A.factors[i];
    list.n = A.n_factors;
    st->access_token = strdup("at-123");
    rc = ga_verify_run(&env, st, &list, NULL);
    ga_stash_free(st);
    return rc;
}

/* The whole flow: password prompt first (answers start with it). */
static ga_status_t run_flow(ga_stash_t *st)
{
    ga_flow_env_t env;

    env_init(&env);
    return ga_flow_run(&env, st);
}

static int total_calls(void)
{
    return A.n_totp + A.n_trigger + A.n_send + A.n_verify + A.n_recov + A.n_other;
}

/* ---- OTP ------------------------------------------------------------------- */

START_TEST(otp_right_code)
{
    add_factor(GA_FACTOR_OTP, NULL);
    answers(1, "123456");
    ck_assert_int_eq(verify_listed(), GA_OK);
    ck_assert_int_eq(U.n_prompts, 1);
    ck_assert_str_eq(U.prompts[0], "Authenticator app code: ");
    ck_assert_int_eq(U.echo[0], 1);
    ck_assert_int_eq(A.n_totp, 1);
    ck_assert_str_eq(A.last_code, "123456");
    ck_assert_int_eq(A.n_trigger + A.n_verify, 0);
    ck_assert_ptr_nonnull(strstr(logbuf, "user alice from 192.0.2.1: verified with OTP\n"));
}
END_TEST

START_TEST(otp_wrong_then_right)
{
    add_factor(GA_FACTOR_OTP, NULL);
    A.totp[0] = GA_ERR_WRONG_CODE;
    answers(2, "000000", "123456");
    ck_assert_int_eq(verify_listed(), GA_OK);
    ck_assert_int_eq(A.n_totp, 2);
    ck_assert_str_eq(U.prompts[1], "Wrong code. 2 tries left.\nAuthenticator app code: ");
    ck_assert_ptr_nonnull(strstr(logbuf, "wrong OTP code (1 of 3)\n"));
}
END_TEST

START_TEST(otp_max_tries)
{
    add_factor(GA_FACTOR_OTP, NULL);
    A.totp[0] = A.totp[1] = A.totp[2] = GA_ERR_WRONG_CODE;
    answers(4, "000000", "000000", "000000", "123456");
    ck_assert_int_eq(verify_listed(), GA_ERR_MAXTRIES);
    ck_assert_int_eq(A.n_totp, 3);
    ck_assert_int_eq(U.n_prompts, 3);
    ck_assert_str_eq(U.prompts[2], "Wrong code. 1 try left.\nAuthenticator app code: ");
    ck_assert_str_eq(U.errors, "Too many wrong codes. Access denied.|");
    ck_assert_ptr_nonnull(strstr(logbuf, "wrong OTP code (3 of 3); too many wrong codes, "
                                         "access denied\n"));
}
END_TEST

/* verified:false (statusCode 200) and apiCode 6001 both reach the flow as
 * GA_ERR_WRONG_CODE; both count the same. */
static ga_status_t api_totp_two_kinds(void *ctx, const char *tok, const char *code,
                                      ga_api_error_t *err)
{
    fake_api_t *a = ctx;

    (void)tok;
    (void)code;
    memset(err, 0, sizeof *err);
    if (a->n_totp++ == 0) {
        err->status_code = 200; /* verified: false */
        return GA_ERR_WRONG_CODE;
    }
    err->status_code = 400;
    err->api_code = 6001;
    return GA_ERR_WRONG_CODE;
}

START_TEST(otp_verified_false_and_6001_are_both_wrong_codes)
{
    add_factor(GA_FACTOR_OTP, NULL);
    api.totp_verify = api_totp_two_kinds;
    cfg.max_attempts = 2;
    answers(3, "111111", "222222", "333333");
    ck_assert_int_eq(verify_listed(), GA_ERR_MAXTRIES);
    api.totp_verify = api_totp;
    ck_assert_int_eq(A.n_totp, 2);
    ck_assert_ptr_nonnull(strstr(logbuf, "wrong OTP code (1 of 2)\n"));
    ck_assert_ptr_nonnull(strstr(logbuf, "wrong OTP code (2 of 2); too many"));
}
END_TEST

/* ---- factor choice ------------------------------------------------------------ */

START_TEST(menu_lists_otp_first_with_masked_targets)
{
    mgmt();
    add_factor(GA_FACTOR_EMAIL, EMAIL_MASKED);
    add_factor(GA_FACTOR_FACE, NULL);
    add_factor(GA_FACTOR_SMS, PHONE_MASKED);
    add_factor(GA_FACTOR_OTP, NULL);
    answers(2, "1", "123456");
    ck_assert_int_eq(verify_listed(), GA_OK);
    ck_assert_str_eq(U.prompts[0], "Two-factor authentication is required.\n"
                                   "  1) Authenticator app\n"
                                   "  2) SMS to " PHONE_MASKED "\n"
                                   "  3) Email to " EMAIL_MASKED "\n"
                                   "Choose 1-3: ");
    ck_assert_int_eq(U.echo[0], 1);
    ck_assert_str_eq(U.prompts[1], "Authenticator app code (or type recovery): ");
    ck_assert_int_eq(A.n_totp, 1);
    ck_assert_int_eq(A.n_trigger, 0); /* OTP costs no Management API call */
}
END_TEST

START_TEST(menu_by_name_and_invalid_choice)
{
    mgmt();
    add_factor(GA_FACTOR_SMS, PHONE_MASKED);
    add_factor(GA_FACTOR_EMAIL, EMAIL_MASKED);
    answers(3, "7", "Email", "654321");
    ck_assert_int_eq(verify_listed(), GA_OK);
    ck_assert_ptr_nonnull(strstr(U.prompts[0], "  1) SMS to " PHONE_MASKED "\n"
                                               "  2) Email to " EMAIL_MASKED "\nChoose 1-2: "));
    ck_assert_ptr_nonnull(strchr(U.prompts[1], '\n'));
    ck_assert_ptr_nonnull(strstr(U.prompts[1], "Two-factor authentication is required."));
    ck_assert_int_eq(A.last_send_type, GA_FACTOR_EMAIL);
    ck_assert_int_eq(A.last_verify_type, GA_FACTOR_EMAIL);
    ck_assert_str_eq(U.prompts[2], "Code sent to " EMAIL_MASKED ". Enter code: ");
    ck_assert_ptr_nonnull(strstr(logbuf, "EMAIL verification code sent to " EMAIL_MASKED "\n"));
    ck_assert_ptr_nonnull(strstr(logbuf, "verified with EMAIL (" EMAIL_MASKED ")\n"));
}
END_TEST

START_TEST(menu_garbage_three_times_gives_up)
{
    mgmt();
    add_factor(GA_FACTOR_OTP, NULL);
    add_factor(GA_FACTOR_SMS, PHONE_MASKED);
    answers(3, "0", "\x1b[31m", "sms; rm -rf /");
    ck_assert_int_eq(verify_listed(), GA_ERR_MAXTRIES);
    ck_assert_int_eq(U.n_prompts, 3);
    ck_assert_int_eq(total_calls(), 0);
    ck_assert_str_eq(U.errors, "Too many invalid answers.|");
    ck_assert_ptr_nonnull(strstr(logbuf, "too many invalid answers at the factor menu prompt"));
}
END_TEST

START_TEST(without_mgmt_only_otp_is_offered_and_goes_straight)
{
    add_factor(GA_FACTOR_SMS, PHONE_MASKED);
    add_factor(GA_FACTOR_OTP, NULL);
    answers(1, "123456");
    ck_assert_int_eq(verify_listed(), GA_OK);
    ck_assert_int_eq(U.n_prompts, 1);
    ck_assert_str_eq(U.prompts[0], "Authenticator app code: ");
}
END_TEST

START_TEST(single_sms_factor_goes_straight_to_the_code)
{
    mgmt();
    add_factor(GA_FACTOR_SMS, PHONE_MASKED);
    add_factor(GA_FACTOR_FACE, NULL);
    answers(1, "654321");
    ck_assert_int_eq(verify_listed(), GA_OK);
    ck_assert_int_eq(U.n_prompts, 1);
    ck_assert_str_eq(U.prompts[0], "Code sent to " PHONE_MASKED ". Enter code: ");
    ck_assert_int_eq(U.echo[0], 1);
    ck_assert_int_eq(A.n_trigger, 1);
    ck_assert_str_eq(A.last_user_id, "alice");
    ck_assert_str_eq(A.last_id_type, "username");
    ck_assert_int_eq(A.n_send, 1);
    ck_assert_int_eq(A.last_send_type, GA_FACTOR_SMS);
    ck_assert_int_eq(A.n_verify, 1);
    ck_assert_int_eq(A.last_verify_type, GA_FACTOR_SMS);
    ck_assert_str_eq(A.last_token, "mt-1");
    ck_assert_str_eq(A.last_code, "654321");
    ck_assert_int_eq(A.n_totp, 0);
    ck_assert_ptr_nonnull(strstr(logbuf, "SMS verification code sent to " PHONE_MASKED "\n"));
    ck_assert_ptr_nonnull(strstr(logbuf, "verified with SMS (" PHONE_MASKED ")\n"));
}
END_TEST

START_TEST(user_id_type_follows_login_field)
{
    static const struct {
        ga_login_field_t f;
        const char *type;
    } cases[] = {{GA_LOGIN_USERNAME, "username"}, {GA_LOGIN_EMAIL, "email"},
                 {GA_LOGIN_PHONE, "phone"}, {GA_LOGIN_ACCOUNT, "username"}};

    mgmt();
    cfg.login_format = (char *)"%u@corp";
    add_factor(GA_FACTOR_EMAIL, EMAIL_MASKED);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cfg.login_field = cases[i].f;
        answers(1, "654321");
        U.n_prompts = 0;
        ck_assert_int_eq(verify_listed(), GA_OK);
        ck_assert_str_eq(A.last_id_type, cases[i].type);
        ck_assert_str_eq(A.last_user_id, "alice@corp");
    }
    ck_assert_int_eq(A.n_trigger, 4);
}
END_TEST

/* ---- no verifiable factor ------------------------------------------------------- */

START_TEST(sms_email_without_credentials_is_no_method)
{
    add_factor(GA_FACTOR_SMS, PHONE_MASKED);
    add_factor(GA_FACTOR_EMAIL, EMAIL_MASKED);
    answers(1, "123456");
    ck_assert_int_eq(verify_listed(), GA_ERR_NO_METHOD);
    ck_assert_int_eq(total_calls(), 0);
    ck_assert_int_eq(U.n_prompts, 0);
    ck_assert_ptr_nonnull(strstr(logbuf, "user alice from 192.0.2.1: has only SMS/EMAIL factors "
                                         "(of 2 enrolled); set userpool_id and userpool_secret "
                                         "to verify them"));
    ck_assert_str_eq(U.errors, "Your two-factor method cannot be used here. Contact your "
                               "administrator.|");
}
END_TEST

START_TEST(face_only_is_no_method)
{
    mgmt();
    add_factor(GA_FACTOR_FACE, NULL);
    ck_assert_int_eq(verify_listed(), GA_ERR_NO_METHOD);
    ck_assert_int_eq(total_calls(), 0);
    ck_assert_ptr_nonnull(strstr(logbuf, "cannot be verified in a terminal (first: FACE"));
}
END_TEST

START_TEST(trigger_data_without_phone_is_no_method)
{
    mgmt();
    A.trig.sms = 0;
    add_factor(GA_FACTOR_SMS, PHONE_MASKED);
    ck_assert_int_eq(verify_listed(), GA_ERR_NO_METHOD);
    ck_assert_int_eq(A.n_trigger, 1);
    ck_assert_int_eq(A.n_send, 0);
    ck_assert_ptr_nonnull(strstr(logbuf, "has no usable phone number for the user's SMS factor"));
}
END_TEST

START_TEST(unknown_user_at_management_api)
{
    mgmt();
    A.trigger[0] = GA_ERR_REJECTED;
    add_factor(GA_FACTOR_SMS, PHONE_MASKED);
    ck_assert_int_eq(verify_listed(), GA_ERR_REJECTED);
    ck_assert_int_eq(A.n_send, 0);
    ck_assert_ptr_nonnull(strstr(logbuf, "does not know the user as userIdType username"));
    ck_assert_ptr_nonnull(strstr(U.errors, "Contact your administrator"));
}
END_TEST

/* ---- the signin answer's trigger data (apiCode 1635/1636) -------------------------- */

START_TEST(signin_mfa_token_verifies_otp_with_v2)
{
    ga_stash_t *st = ga_stash_new("alice");

    A.signin[0] = GA_ENROLLED;
    A.signin_mfa.mfa_token = (char *)"st-mfa";
    A.signin_mfa.otp = A.signin_mfa.sms = 1;
    snprintf(A.signin_mfa.phone_cc, sizeof A.signin_mfa.phone_cc, "+86");
    snprintf(A.signin_mfa.phone, sizeof A.signin_mfa.phone, "13812345678");
    answers(3, "pw", "otp", "123456");
    ck_assert_int_eq(run_flow(st), GA_OK);
    ck_assert_str_eq(U.prompts[1], "Two-factor authentication is required.\n"
                                   "  1) Authenticator app\n"
                                   "  2) SMS to " PHONE_MASKED "\n"
                                   "Choose 1-2: ");
    ck_assert_str_eq(U.prompts[2], "Authenticator app code (or type recovery): ");
    ck_assert_int_eq(A.n_list, 0);
    ck_assert_int_eq(A.n_totp, 0);
    ck_assert_int_eq(A.n_trigger, 0);
    ck_assert_int_eq(A.n_verify, 1);
    ck_assert_int_eq(A.last_verify_type, GA_FACTOR_OTP);
    ck_assert_str_eq(A.last_token, "st-mfa");
    /* a verified result is replayed in the same handle, without prompts */
    answers(0);
    ck_assert_int_eq(run_flow(st), GA_OK);
    ck_assert_int_eq(U.n_prompts, 3);
    ck_assert_int_eq(A.n_signin, 1);
    ga_stash_free(st);
}
END_TEST

START_TEST(signin_mfa_token_verifies_sms_without_credentials)
{
    ga_stash_t *st = ga_stash_new("alice");

    A.signin[0] = GA_ENROLLED;
    A.signin_mfa.mfa_token = (char *)"st-mfa";
    A.signin_mfa.sms = 1;
    snprintf(A.signin_mfa.phone_cc, sizeof A.signin_mfa.phone_cc, "+86");
    snprintf(A.signin_mfa.phone, sizeof A.signin_mfa.phone, "13812345678");
    answers(2, "pw", "654321");
    ck_assert_int_eq(run_flow(st), GA_OK);
    ck_assert_str_eq(U.prompts[1], "Code sent to " PHONE_MASKED ". Enter code: ");
    ck_assert_int_eq(A.n_send, 1);
    ck_assert_str_eq(A.last_token, "st-mfa");
    ga_stash_free(st);
}
END_TEST

START_TEST(signin_without_mfa_token_needs_credentials)
{
    ga_stash_t *st = ga_stash_new("alice");

    A.signin[0] = GA_ENROLLED;
    answers(1, "pw");
    ck_assert_int_eq(run_flow(st), GA_ERR_NO_METHOD);
    ck_assert_int_eq(total_calls(), 0);
    ck_assert_ptr_nonnull(strstr(logbuf, "GenAuth demanded MFA at sign-in without an mfaToken; "
                                         "set userpool_id and userpool_secret"));
    ga_stash_free(st);
}
END_TEST

START_TEST(signin_without_mfa_token_uses_management_api)
{
    ga_stash_t *st = ga_stash_new("alice");

    mgmt();
    A.signin[0] = GA_ENROLLED;
    A.trig.email = 0;
    answers(2, "pw", "654321");
    ck_assert_int_eq(run_flow(st), GA_OK);
    ck_assert_int_eq(A.n_trigger, 1);
    ck_assert_int_eq(A.n_send, 1);
    ck_assert_str_eq(A.last_token, "mt-1");
    ga_stash_free(st);
}
END_TEST

START_TEST(signin_mfa_with_on_enrolled_ignore)
{
    ga_stash_t *st = ga_stash_new("alice");

    cfg.on_enrolled = GA_ON_ENROLLED_IGNORE;
    A.signin[0] = GA_ENROLLED;
    A.signin_mfa.mfa_token = (char *)"st-mfa";
    A.signin_mfa.otp = 1;
    answers(1, "pw");
    ck_assert_int_eq(run_flow(st), GA_ENROLLED);
    ck_assert_int_eq(U.n_prompts, 1);
    ck_assert_int_eq(total_calls(), 0);
    ga_stash_free(st);
}
END_TEST

/* ---- the flow's hand-over and replay ------------------------------------------------ */

START_TEST(flow_verifies_listed_user_and_does_not_replay_failure)
{
    ga_stash_t *st = ga_stash_new("alice");

    add_factor(GA_FACTOR_OTP, NULL);
    A.totp[0] = A.totp[1] = A.totp[2] = GA_ERR_WRONG_CODE;
    answers(4, "pw", "000000", "000000", "000000");
    ck_assert_int_eq(run_flow(st), GA_ERR_MAXTRIES);
    ck_assert_int_eq(A.n_other, 0); /* never an enrollment call */
    answers(2, "pw", "123456");    /* e.g. sudo's second try starts over */
    ck_assert_int_eq(run_flow(st), GA_OK);
    ck_assert_int_eq(A.n_signin, 2);
    ck_assert_int_eq(A.n_totp, 4);
    answers(0);
    ck_assert_int_eq(run_flow(st), GA_OK); /* success is replayed */
    ck_assert_int_eq(A.n_totp, 4);
    ga_stash_free(st);
}
END_TEST

START_TEST(flow_with_on_enrolled_ignore_does_not_verify)
{
    ga_stash_t *st = ga_stash_new("alice");

    cfg.on_enrolled = GA_ON_ENROLLED_IGNORE;
    add_factor(GA_FACTOR_OTP, NULL);
    answers(1, "pw");
    ck_assert_int_eq(run_flow(st), GA_ENROLLED);
    ck_assert_int_eq(U.n_prompts, 1);
    ck_assert_int_eq(total_calls(), 0);
    ck_assert_ptr_nonnull(strstr(logbuf, "nothing to enroll (on_enrolled = ignore)"));
    ga_stash_free(st);
}
END_TEST

START_TEST(conversation_error_is_conv_even_with_noninteractive_ignore)
{
    ga_stash_t *st = ga_stash_new("alice");

    cfg.noninteractive = GA_NONINTERACTIVE_IGNORE;
    add_factor(GA_FACTOR_OTP, NULL);
    answers(2, "pw", NULL);
    ck_assert_int_eq(run_flow(st), GA_ERR_CONV);
    ck_assert_int_eq(total_calls(), 0);
    ck_assert_ptr_nonnull(strstr(logbuf, "verification stopped: the conversation ended"));
    ga_stash_free(st);
}
END_TEST

/* ---- mfaToken expiry ---------------------------------------------------------------- */

START_TEST(expired_mfa_token_is_renewed_once)
{
    mgmt();
    add_factor(GA_FACTOR_SMS, PHONE_MASKED);
    A.verify[0] = GA_ERR_EXPIRED;
    answers(1, "654321");
    ck_assert_int_eq(verify_listed(), GA_OK);
    ck_assert_int_eq(A.n_trigger, 2);
    ck_assert_int_eq(A.n_verify, 2);
    ck_assert_int_eq(A.n_send, 1);     /* the same code is checked again */
    ck_assert_str_eq(A.last_token, "mt-2");
    ck_assert_str_eq(A.last_code, "654321");
    ck_assert_int_eq(U.n_prompts, 1);
}
END_TEST

START_TEST(expired_twice_fails)
{
    mgmt();
    add_factor(GA_FACTOR_SMS, PHONE_MASKED);
    A.verify[0] = A.verify[1] = GA_ERR_EXPIRED;
    answers(2, "654321", "654321");
    ck_assert_int_eq(verify_listed(), GA_ERR_EXPIRED);
    ck_assert_int_eq(A.n_trigger, 2);
    ck_assert_int_eq(A.n_verify, 2);
    ck_assert_str_eq(U.errors, "The code has expired. Log in again to get a new one.|");
    ck_assert_ptr_nonnull(strstr(logbuf, "the SMS code or the mfaToken expired (code 2021) "
                                         "after new trigger data"));
}
END_TEST

START_TEST(expired_signin_token_without_credentials_fails)
{
    ga_stash_t *st = ga_stash_new("alice");

    A.signin[0] = GA_ENROLLED;
    A.signin_mfa.mfa_token = (char *)"st-mfa";
    A.signin_mfa.otp = 1;
    A.verify[0] = GA_ERR_EXPIRED;
    answers(2, "pw", "123456");
    ck_assert_int_eq(run_flow(st), GA_ERR_EXPIRED);
    ck_assert_int_eq(A.n_trigger, 0);
    ck_assert_int_eq(A.n_verify, 1);
    ga_stash_free(st);
}
END_TEST

START_TEST(renewal_failure_is_logged_once)
{
    mgmt();
    add_factor(GA_FACTOR_SMS, PHONE_MASKED);
    A.verify[0] = GA_ERR_EXPIRED;
    A.trigger[1] = GA_ERR_UNAVAIL;
    answers(1, "654321");
    ck_assert_int_eq(verify_listed(), GA_ERR_UNAVAIL);
    ck_assert_int_eq(A.n_verify, 1);
    ck_assert_ptr_nonnull(strstr(logbuf, "GenAuth unavailable (timeout) at get-mfa-trigger-data"));
    ck_assert_ptr_null(strstr(logbuf, "at mfa/sms/verify"));
}
END_TEST

/* ---- send limits ---------------------------------------------------------------------- */

START_TEST(hourly_send_limit_across_logins)
{
    mgmt();
    cfg.max_sends_per_hour = 1;
    add_factor(GA_FACTOR_SMS, PHONE_MASKED);
    answers(1, "654321");
    ck_assert_int_eq(verify_listed(), GA_OK);
    fake_time += 600;
    answers(1, "654321");
    U.n_prompts = 0;
    ck_assert_int_eq(verify_listed(), GA_ERR_MAXTRIES);
    ck_assert_int_eq(A.n_send, 1);
    ck_assert_int_eq(U.n_prompts, 0);
    ck_assert_str_eq(U.errors, "Too many codes were sent to you recently. Try again in 50 "
                               "minutes.|");
    ck_assert_ptr_nonnull(strstr(logbuf, "limit of 1 codes per hour reached; no code sent"));
}
END_TEST

START_TEST(per_login_send_limit)
{
    ga_flow_env_t env;
    ga_factor_list_t list;
    ga_stash_t *st = ga_stash_new("alice");

    mgmt();
    add_factor(GA_FACTOR_SMS, PHONE_MASKED);
    env_init(&env);
    memset(&list, 0, sizeof list);
    list.items[0] = A.factors[0];
    list.n = 1;
    st->access_token = strdup("at-123");
    st->sends = (int)cfg.max_sends; /* codes already sent in this login */
    ck_assert_int_eq(ga_verify_run(&env, st, &list, NULL), GA_ERR_MAXTRIES);
    ck_assert_int_eq(A.n_send, 0);
    ck_assert_str_eq(U.errors, "Too many codes sent. Try again later.|");
    ga_stash_free(st);
}
END_TEST

START_TEST(throttled_and_refused_sends)
{
    mgmt();
    add_factor(GA_FACTOR_SMS, PHONE_MASKED);
    A.send[0] = GA_ERR_THROTTLED;
    A.send[1] = GA_ERR_REJECTED;
    ck_assert_int_eq(verify_listed(), GA_ERR_THROTTLED);
    ck_assert_str_eq(U.errors, "GenAuth sends one code per minute. Try again in a minute.|");
    U.errors[0] = '\0';
    ck_assert_int_eq(verify_listed(), GA_ERR_REJECTED);
    ck_assert_str_eq(U.errors, "GenAuth did not send a code. Contact your administrator if "
                               "this persists.|");
    ck_assert_ptr_nonnull(strstr(logbuf, "GenAuth throttled the SMS code to " PHONE_MASKED
                                         ": statusCode 429"));
    ck_assert_ptr_nonnull(strstr(logbuf, "refused to send the SMS code to " PHONE_MASKED
                                         ": statusCode 403, apiCode 0, message \"refused by "
                                         "policy\""));
    ck_assert_int_eq(A.n_verify, 0);
    ck_assert_int_eq(U.n_prompts, 0);
}
END_TEST

/* ---- recovery ----------------------------------------------------------------------------- */

START_TEST(recovery_code_shows_the_new_one_once)
{
    mgmt();
    add_factor(GA_FACTOR_OTP, NULL);
    A.new_recovery = "NEW-RC-1234-5678";
    answers(3, "Recovery", "e7ad-aaa4-da75-fa37", "");
    ck_assert_int_eq(verify_listed(), GA_OK);
    ck_assert_str_eq(U.prompts[0], "Authenticator app code (or type recovery): ");
    ck_assert_str_eq(U.prompts[1], "Recovery code: ");
    ck_assert_int_eq(U.echo[1], 1);
    ck_assert_str_eq(U.prompts[2], "Recovery code accepted. Your new recovery code:\n"
                                   "  NEW-RC-1234-5678\n"
                                   "Store this recovery code somewhere safe; it is shown only "
                                   "once.\nPress Enter to continue: ");
    ck_assert_int_eq(A.n_trigger, 1);
    ck_assert_int_eq(A.n_recov, 1);
    ck_assert_str_eq(A.last_token, "mt-1");
    ck_assert_str_eq(A.last_code, "e7ad-aaa4-da75-fa37");
    ck_assert_int_eq(A.n_totp, 0);
    ck_assert_ptr_null(strstr(U.infos, "NEW-RC"));
    ck_assert_ptr_nonnull(strstr(logbuf, "verified with an OTP recovery code\n"));
}
END_TEST

START_TEST(recovery_with_conversation_gone_after_success)
{
    mgmt();
    add_factor(GA_FACTOR_OTP, NULL);
    A.new_recovery = "NEW-RC-1234-5678";
    answers(3, "recovery", "e7ad-aaa4-da75-fa37", NULL);
    ck_assert_int_eq(verify_listed(), GA_OK);
    ck_assert_ptr_nonnull(strstr(logbuf, "the user may not have it"));
}
END_TEST

START_TEST(recovery_without_new_code)
{
    mgmt();
    add_factor(GA_FACTOR_OTP, NULL);
    answers(2, "recovery", "e7ad-aaa4-da75-fa37");
    ck_assert_int_eq(verify_listed(), GA_OK);
    ck_assert_int_eq(U.n_prompts, 2);
    ck_assert_str_eq(U.infos, "Recovery code accepted.|");
}
END_TEST

START_TEST(wrong_recovery_code_counts_and_returns_to_otp)
{
    mgmt();
    add_factor(GA_FACTOR_OTP, NULL);
    A.recov[0] = GA_ERR_WRONG_CODE;
    answers(3, "recovery", "e7ad-aaa4-da75-fa37", "123456");
    ck_assert_int_eq(verify_listed(), GA_OK);
    ck_assert_str_eq(U.prompts[2], "Wrong code. 2 tries left.\n"
                                   "Authenticator app code (or type recovery): ");
    ck_assert_int_eq(A.n_recov, 1);
    ck_assert_int_eq(A.n_totp, 1);
    ck_assert_ptr_nonnull(strstr(logbuf, "wrong recovery code (1 of 3)\n"));
}
END_TEST

START_TEST(recovery_code_format_is_checked)
{
    mgmt();
    add_factor(GA_FACTOR_OTP, NULL);
    answers(5, "recovery", "short", "has space inside", "caf\xc3\xa9-1234-5678",
            "e7ad-aaa4-da75-fa37");
    ck_assert_int_eq(verify_listed(), GA_ERR_MAXTRIES); /* 3 invalid answers */
    ck_assert_int_eq(A.n_recov, 0);
    ck_assert_int_eq(U.n_prompts, 4);
    ck_assert_str_eq(U.prompts[2], "A recovery code is 8 to 64 characters without spaces.\n"
                                   "Recovery code: ");
    ck_assert_str_eq(U.errors, "Too many invalid answers.|");
}
END_TEST

START_TEST(recovery_not_offered_without_mfa_token_source)
{
    add_factor(GA_FACTOR_OTP, NULL);
    answers(2, "recovery", "123456");
    ck_assert_int_eq(verify_listed(), GA_OK);
    ck_assert_int_eq(A.n_recov, 0);
    ck_assert_ptr_nonnull(strchr(U.prompts[1], '\n')); /* "recovery" was just invalid */
    ck_assert_ptr_nonnull(strstr(U.prompts[1], "\nAuthenticator app code: "));
}
END_TEST

/* ---- the user ------------------------------------------------------------------------------- */

START_TEST(empty_answer_cancels)
{
    add_factor(GA_FACTOR_OTP, NULL);
    answers(1, "  \t ");
    ck_assert_int_eq(verify_listed(), GA_ERR_CANCELLED);
    ck_assert_int_eq(total_calls(), 0);
    ck_assert_ptr_nonnull(strstr(logbuf, "verification cancelled by the user"));
}
END_TEST

START_TEST(conversation_error_denies)
{
    mgmt();
    add_factor(GA_FACTOR_SMS, PHONE_MASKED);
    answers(1, NULL);
    ck_assert_int_eq(verify_listed(), GA_ERR_CONV);
    ck_assert_int_eq(A.n_send, 1);
    ck_assert_int_eq(A.n_verify, 0);
}
END_TEST

START_TEST(oversized_and_garbage_codes_are_never_sent)
{
    char *big = malloc(65537);

    ck_assert_ptr_nonnull(big);
    memset(big, '1', 65536);
    big[65536] = '\0';
    add_factor(GA_FACTOR_OTP, NULL);
    answers(3, big, "12ab56", "\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93\xef\xbc\x94");
    ck_assert_int_eq(verify_listed(), GA_ERR_MAXTRIES);
    ck_assert_int_eq(A.n_totp, 0);
    ck_assert_str_eq(U.prompts[1], "That answer is too long.\nAuthenticator app code: ");
    ck_assert_ptr_nonnull(strchr(U.prompts[2], '\n'));
    ck_assert_str_eq(U.errors, "Too many invalid answers.|");
    ck_assert_ptr_null(strstr(logbuf, "1111"));
    free(big);
}
END_TEST

START_TEST(invalid_answers_then_right_code)
{
    add_factor(GA_FACTOR_OTP, NULL);
    answers(3, "12", " 123456789 ", " 123456 ");
    ck_assert_int_eq(verify_listed(), GA_OK);
    ck_assert_int_eq(A.n_totp, 1);
    ck_assert_str_eq(A.last_code, "123456"); /* trimmed */
}
END_TEST

/* ---- GenAuth unavailable / refusing at each step ---------------------------------------------- */

START_TEST(unavailable_at_each_step)
{
    static const struct {
        ga_factor_t f;
        int step; /* 0 totp, 1 trigger, 2 send, 3 verify, 4 recovery */
        const char *call;
    } cases[] = {{GA_FACTOR_OTP, 0, "mfa-totp-verify"},
                 {GA_FACTOR_SMS, 1, "get-mfa-trigger-data"},
                 {GA_FACTOR_EMAIL, 2, "send-email"},
                 {GA_FACTOR_SMS, 2, "send-sms"},
                 {GA_FACTOR_SMS, 3, "mfa/sms/verify"},
                 {GA_FACTOR_EMAIL, 3, "mfa/email/verify"},
                 {GA_FACTOR_OTP, 4, "mfa/totp/recovery"}};

    mgmt();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char want[128];
        memset(&A, 0, sizeof A);
        A.trig.sms = A.trig.email = 1;
        snprintf(A.trig.phone_cc, sizeof A.trig.phone_cc, "+86");
        snprintf(A.trig.phone, sizeof A.trig.phone, "13812345678");
        snprintf(A.trig.email_addr, sizeof A.trig.email_addr, "alice@example.com");
        add_factor(cases[i].f, NULL);
        ga_status_t *q[] = {A.totp, A.trigger, A.send, A.verify, A.recov};
        q[cases[i].step][0] = GA_ERR_UNAVAIL;
        memset(&U, 0, sizeof U);
        if (cases[i].step == 4)
            answers(2, "recovery", "e7ad-aaa4-da75-fa37");
        else
            answers(1, "654321");
        logbuf[0] = '\0';
        ck_assert_int_eq(verify_listed(), GA_ERR_UNAVAIL);
        snprintf(want, sizeof want, "GenAuth unavailable (timeout) at %s: ", cases[i].call);
        ck_assert_msg(strstr(logbuf, want) != NULL, "case %zu: %s", i, logbuf);
        ck_assert_int_eq(A.n_send, cases[i].step >= 2 && cases[i].f != GA_FACTOR_OTP);
        assert_log_clean();
    }
}
END_TEST

START_TEST(throttled_and_refused_verification)
{
    add_factor(GA_FACTOR_OTP, NULL);
    A.totp[0] = GA_ERR_THROTTLED;
    A.totp[1] = GA_ERR_REJECTED;
    answers(2, "123456", "123456");
    ck_assert_int_eq(verify_listed(), GA_ERR_THROTTLED);
    ck_assert_str_eq(U.errors, "GenAuth is busy. Try again in a minute.|");
    U.errors[0] = '\0';
    ck_assert_int_eq(verify_listed(), GA_ERR_REJECTED);
    ck_assert_str_eq(U.errors, "GenAuth refused the verification. Contact your administrator "
                               "if this persists.|");
    ck_assert_ptr_nonnull(strstr(logbuf, "GenAuth throttled mfa-totp-verify during verification: "
                                         "statusCode 429"));
    ck_assert_ptr_nonnull(strstr(logbuf, "GenAuth refused mfa-totp-verify during verification: "
                                         "statusCode 403, apiCode 0, message \"refused by "
                                         "policy\""));
}
END_TEST

START_TEST(bad_arguments_are_internal_errors)
{
    ga_flow_env_t env;
    ga_factor_list_t list;
    ga_mfa_trigger_t t;
    ga_stash_t *st = ga_stash_new("alice");

    env_init(&env);
    memset(&list, 0, sizeof list);
    memset(&t, 0, sizeof t);
    ck_assert_int_eq(ga_verify_run(&env, st, NULL, NULL), GA_ERR_INTERNAL);
    ck_assert_int_eq(ga_verify_run(&env, st, &list, &t), GA_ERR_INTERNAL);
    ck_assert_int_eq(ga_verify_run(&env, st, &list, NULL), GA_ERR_INTERNAL); /* no token */
    st->access_token = strdup("at-123");
    api.totp_recovery = NULL; /* a client without the issue-4 calls */
    ck_assert_int_eq(ga_verify_run(&env, st, &list, NULL), GA_ERR_INTERNAL);
    api.totp_recovery = api_recovery;
    ck_assert_ptr_nonnull(strstr(logbuf, "cannot verify factors; access denied"));
    ck_assert_int_eq(total_calls(), 0);
    ga_stash_free(st);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("verify");
    TCase *tc = tcase_create("verify");
    SRunner *sr;
    int failed;

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, otp_right_code);
    tcase_add_test(tc, otp_wrong_then_right);
    tcase_add_test(tc, otp_max_tries);
    tcase_add_test(tc, otp_verified_false_and_6001_are_both_wrong_codes);
    tcase_add_test(tc, menu_lists_otp_first_with_masked_targets);
    tcase_add_test(tc, menu_by_name_and_invalid_choice);
    tcase_add_test(tc, menu_garbage_three_times_gives_up);
    tcase_add_test(tc, without_mgmt_only_otp_is_offered_and_goes_straight);
    tcase_add_test(tc, single_sms_factor_goes_straight_to_the_code);
    tcase_add_test(tc, user_id_type_follows_login_field);
    tcase_add_test(tc, sms_email_without_credentials_is_no_method);
    tcase_add_test(tc, face_only_is_no_method);
    tcase_add_test(tc, trigger_data_without_phone_is_no_method);
    tcase_add_test(tc, unknown_user_at_management_api);
    tcase_add_test(tc, signin_mfa_token_verifies_otp_with_v2);
    tcase_add_test(tc, signin_mfa_token_verifies_sms_without_credentials);
    tcase_add_test(tc, signin_without_mfa_token_needs_credentials);
    tcase_add_test(tc, signin_without_mfa_token_uses_management_api);
    tcase_add_test(tc, signin_mfa_with_on_enrolled_ignore);
    tcase_add_test(tc, flow_verifies_listed_user_and_does_not_replay_failure);
    tcase_add_test(tc, flow_with_on_enrolled_ignore_does_not_verify);
    tcase_add_test(tc, conversation_error_is_conv_even_with_noninteractive_ignore);
    tcase_add_test(tc, expired_mfa_token_is_renewed_once);
    tcase_add_test(tc, expired_twice_fails);
    tcase_add_test(tc, expired_signin_token_without_credentials_fails);
    tcase_add_test(tc, renewal_failure_is_logged_once);
    tcase_add_test(tc, hourly_send_limit_across_logins);
    tcase_add_test(tc, per_login_send_limit);
    tcase_add_test(tc, throttled_and_refused_sends);
    tcase_add_test(tc, recovery_code_shows_the_new_one_once);
    tcase_add_test(tc, recovery_with_conversation_gone_after_success);
    tcase_add_test(tc, recovery_without_new_code);
    tcase_add_test(tc, wrong_recovery_code_counts_and_returns_to_otp);
    tcase_add_test(tc, recovery_code_format_is_checked);
    tcase_add_test(tc, recovery_not_offered_without_mfa_token_source);
    tcase_add_test(tc, empty_answer_cancels);
    tcase_add_test(tc, conversation_error_denies);
    tcase_add_test(tc, oversized_and_garbage_codes_are_never_sent);
    tcase_add_test(tc, invalid_answers_then_right_code);
    tcase_add_test(tc, unavailable_at_each_step);
    tcase_add_test(tc, throttled_and_refused_verification);
    tcase_add_test(tc, bad_arguments_are_internal_errors);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
