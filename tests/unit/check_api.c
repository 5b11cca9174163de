/* check_api.c - unit tests of ga_api and ga_http.
 *
 *  - request bodies, parsed back with json-c: every field, nothing else;
 *  - argument checks that must fail before any I/O;
 *  - real sockets without a server: connection refused, a listener that
 *    never answers (timeout), the network budget, DNS failure;
 *  - against the GenAuth emulator over real TLS, only when
 *    GA_TEST_EMULATOR_URL and GA_TEST_CA are set (GA_TEST_OUTBOX: the
 *    emulator's outbox.jsonl; without it the control API is asked).
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <curl/curl.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ga_api.h"
#include "ga_api_body.h"
#include "ga_http.h"
#include "ga_mgmt.h"

/* ------------------------------------------------------------ helpers */

#define LOG_LINES 128

typedef struct logcap {
    char line[LOG_LINES][1024];
    int prio[LOG_LINES];
    size_t n;
} logcap_t;

static void cap_sink(void *ctx, int priority, const char *line)
{
    logcap_t *c = ctx;

    if (c->n < LOG_LINES) {
        snprintf(c->line[c->n], sizeof c->line[0], "%s", line);
        c->prio[c->n++] = priority;
    }
}

static int log_has(const logcap_t *c, const char *needle)
{
    for (size_t i = 0; i < c->n; i++)
        if (strstr(c->line[i], needle))
            return 1;
    return 0;
}

/* A config whose strings live in the fixture itself. */
typedef struct fixture {
    ga_config_t cfg;
    char app_id[64], app_secret[64], app_host[512], ca_file[1024];
    char lang[16], prefix[32], format[8], state_dir[32], cc[8];
    char mgmt_host[512], pool_id[64], pool_secret[64];
} fixture_t;

static void fixture_init(fixture_t *f, const char *host, const char *ca)
{
    memset(f, 0, sizeof *f);
    snprintf(f->app_id, sizeof f->app_id, "%s",
             getenv("GA_TEST_APP_ID") ? getenv("GA_TEST_APP_ID") : "emu-app-id");
    snprintf(f->app_secret, sizeof f->app_secret, "%s",
             getenv("GA_TEST_APP_SECRET") ? getenv("GA_TEST_APP_SECRET") : "emu-app-secret");
    snprintf(f->app_host, sizeof f->app_host, "%s", host);
    snprintf(f->lang, sizeof f->lang, "en-US");
    snprintf(f->prefix, sizeof f->prefix, "x-authing-");
    snprintf(f->format, sizeof f->format, "%%u");
    snprintf(f->state_dir, sizeof f->state_dir, "/var/lib/pam_genauth");
    snprintf(f->cc, sizeof f->cc, "+86");
    f->cfg.app_id = f->app_id;
    f->cfg.app_secret = f->app_secret;
    f->cfg.app_host = f->app_host;
    if (ca) {
        snprintf(f->ca_file, sizeof f->ca_file, "%s", ca);
        f->cfg.ca_file = f->ca_file;
    }
    f->cfg.auth_method = GA_CLIENT_AUTH_POST;
    f->cfg.login_field = GA_LOGIN_USERNAME;
    f->cfg.login_format = f->format;
    f->cfg.factors[0] = GA_FACTOR_SMS;
    f->cfg.factors[1] = GA_FACTOR_EMAIL;
    f->cfg.n_factors = 2;
    f->cfg.phone_country_code = f->cc;
    f->cfg.connect_timeout = 5;
    f->cfg.timeout = 10;
    f->cfg.total_timeout = 30;
    f->cfg.max_attempts = 3;
    f->cfg.max_sends = 3;
    f->cfg.max_sends_per_hour = 5;
    f->cfg.state_dir = f->state_dir;
    f->cfg.lang = f->lang;
    f->cfg.header_prefix = f->prefix;
    snprintf(f->mgmt_host, sizeof f->mgmt_host, "%s", host);
    f->cfg.mgmt_host = f->mgmt_host;
}

/* Management API credentials (userpool_id / userpool_secret) for f. */
static void fixture_mgmt(fixture_t *f, const char *mgmt_host, const char *id, const char *secret)
{
    snprintf(f->mgmt_host, sizeof f->mgmt_host, "%s", mgmt_host);
    snprintf(f->pool_id, sizeof f->pool_id, "%s", id);
    snprintf(f->pool_secret, sizeof f->pool_secret, "%s", secret);
    f->cfg.userpool_id = f->pool_id;
    f->cfg.userpool_secret = f->pool_secret;
}

static json_object *parse(const char *s)
{
    json_object *o;

    ck_assert_ptr_nonnull(s);
    o = json_tokener_parse(s);
    ck_assert_msg(o != NULL, "not JSON: %s", s);
    ck_assert(json_object_is_type(o, json_type_object));
    return o;
}

/* obj has exactly these keys (NULL-terminated). */
static void assert_keys(json_object *obj, ...)
{
    va_list ap;
    const char *k;
    int n = 0;

    ck_assert(json_object_is_type(obj, json_type_object));
    va_start(ap, obj);
    while ((k = va_arg(ap, const char *))) {
        ck_assert_msg(json_object_object_get_ex(obj, k, NULL), "missing key %s", k);
        n++;
    }
    va_end(ap);
    ck_assert_int_eq(json_object_object_length(obj), n);
}

static const char *str_at(json_object *obj, const char *key)
{
    json_object *v = NULL;

    ck_assert_msg(json_object_object_get_ex(obj, key, &v), "missing %s", key);
    ck_assert_msg(json_object_is_type(v, json_type_string), "%s is not a string", key);
    return json_object_get_string(v);
}

static json_object *obj_at(json_object *obj, const char *key)
{
    json_object *v = NULL;

    ck_assert_msg(json_object_object_get_ex(obj, key, &v), "missing %s", key);
    ck_assert(json_object_is_type(v, json_type_object));
    return v;
}

static long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* ------------------------------------------------------------- bodies */

static const ga_login_field_t login_fields[] = {GA_LOGIN_USERNAME, GA_LOGIN_EMAIL,
                                                 GA_LOGIN_PHONE, GA_LOGIN_ACCOUNT};
static const char *const login_names[] = {"username", "email", "phone", "account"};
static const ga_client_auth_t auth_methods[] = {GA_CLIENT_AUTH_POST, GA_CLIENT_AUTH_BASIC,
                                                GA_CLIENT_AUTH_NONE};

/* _i = login field x auth method x with/without IP */
START_TEST(test_signin_body)
{
    fixture_t f;
    int field = _i % 4, method = (_i / 4) % 3, with_ip = _i / 12;
    const char *ip = with_ip ? "2001:db8::7" : NULL;
    static const char password[] = "p\xc3\xa4ss \"w\\o/rd\"";
    static const char ident[] = "b\xc3\xb6" "b@example.com";
    char *body;
    json_object *root, *payload;

    fixture_init(&f, "https://127.0.0.1:1", NULL);
    f.cfg.login_field = login_fields[field];
    f.cfg.auth_method = auth_methods[method];
    body = ga_api_signin_body(&f.cfg, ident, password, ip);
    root = parse(body);
    ck_assert_str_eq(str_at(root, "connection"), "PASSWORD");
    payload = obj_at(root, "passwordPayload");
    assert_keys(payload, "password", login_names[field], NULL);
    ck_assert_str_eq(str_at(payload, "password"), password);
    ck_assert_str_eq(str_at(payload, login_names[field]), ident);
    if (ip)
        ck_assert_str_eq(str_at(obj_at(root, "options"), "clientIp"), ip);
    if (ip)
        assert_keys(obj_at(root, "options"), "clientIp", NULL);
    if (f.cfg.auth_method == GA_CLIENT_AUTH_POST) {
        ck_assert_str_eq(str_at(root, "client_id"), "emu-app-id");
        ck_assert_str_eq(str_at(root, "client_secret"), "emu-app-secret");
        if (ip)
            assert_keys(root, "connection", "passwordPayload", "options", "client_id",
                        "client_secret", NULL);
        else
            assert_keys(root, "connection", "passwordPayload", "client_id", "client_secret",
                        NULL);
    } else {
        ck_assert_ptr_null(strstr(body, "emu-app-secret"));
        if (ip)
            assert_keys(root, "connection", "passwordPayload", "options", NULL);
        else
            assert_keys(root, "connection", "passwordPayload", NULL);
    }
    json_object_put(root);
    free(body);
}
END_TEST

START_TEST(test_signin_body_rejects)
{
    fixture_t f;
    static const struct {
        const char *ident, *password, *ip;
    } bad[] = {
        {NULL, "pw", NULL},       {"", "pw", NULL},           {"bob\n", "pw", NULL},
        {"bo\x01"
         "b",
         "pw", NULL},
        {"bob", NULL, NULL},      {"bob", "", NULL},          {"bob", "p\x7fw", NULL},
        {"bob", "pw\r", NULL},    {"bob", "pw", "host.example"}, {"bob", "pw", ""},
        {"bob", "pw", "1.2.3.4 "}, {"bob", "pw", "1.2.3"},
    };
    char longer[1100];

    fixture_init(&f, "https://127.0.0.1:1", NULL);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(ga_api_signin_body(&f.cfg, bad[i].ident, bad[i].password, bad[i].ip)
                          == NULL,
                      "case %zu accepted", i);
    ck_assert_ptr_null(ga_api_signin_body(NULL, "bob", "pw", NULL));
    memset(longer, 'a', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    ck_assert_ptr_null(ga_api_signin_body(&f.cfg, longer, "pw", NULL));
    ck_assert_ptr_null(ga_api_signin_body(&f.cfg, "bob", longer, NULL));
    /* client_secret_post needs the secret; the other methods do not */
    f.cfg.app_secret = NULL;
    ck_assert_ptr_null(ga_api_signin_body(&f.cfg, "bob", "pw", NULL));
    f.cfg.auth_method = GA_CLIENT_AUTH_NONE;
    char *b = ga_api_signin_body(&f.cfg, "bob", "pw", "10.1.2.3");
    ck_assert_ptr_nonnull(b);
    free(b);
}
END_TEST

static void profile_sms(ga_profile_t *p, const char *cc, const char *phone)
{
    memset(p, 0, sizeof *p);
    p->type = GA_FACTOR_SMS;
    snprintf(p->phone_cc, sizeof p->phone_cc, "%s", cc);
    snprintf(p->phone, sizeof p->phone, "%s", phone);
}

static void profile_email(ga_profile_t *p, const char *email)
{
    memset(p, 0, sizeof *p);
    p->type = GA_FACTOR_EMAIL;
    snprintf(p->email, sizeof p->email, "%s", email);
}

START_TEST(test_send_enroll_body)
{
    ga_profile_t p;
    json_object *root, *prof;
    char *body;

    profile_sms(&p, "+86", "18812345678");
    body = ga_api_send_enroll_body(&p);
    root = parse(body);
    assert_keys(root, "factorType", "profile", NULL);
    ck_assert_str_eq(str_at(root, "factorType"), "SMS");
    prof = obj_at(root, "profile");
    assert_keys(prof, "phoneNumber", "phoneCountryCode", NULL);
    ck_assert_str_eq(str_at(prof, "phoneNumber"), "18812345678");
    ck_assert_str_eq(str_at(prof, "phoneCountryCode"), "+86");
    json_object_put(root);
    free(body);

    profile_email(&p, "alice.o'neil+mfa@example.co.uk");
    body = ga_api_send_enroll_body(&p);
    root = parse(body);
    assert_keys(root, "factorType", "profile", NULL);
    ck_assert_str_eq(str_at(root, "factorType"), "EMAIL");
    prof = obj_at(root, "profile");
    assert_keys(prof, "email", NULL);
    ck_assert_str_eq(str_at(prof, "email"), "alice.o'neil+mfa@example.co.uk");
    json_object_put(root);
    free(body);
}
END_TEST

START_TEST(test_send_enroll_body_rejects)
{
    ga_profile_t p;

    ck_assert_ptr_null(ga_api_send_enroll_body(NULL));
    profile_sms(&p, "+86", "");
    ck_assert_ptr_null(ga_api_send_enroll_body(&p));
    profile_sms(&p, "+86", "1881234567a");
    ck_assert_ptr_null(ga_api_send_enroll_body(&p));
    profile_sms(&p, "86", "18812345678");
    ck_assert_ptr_null(ga_api_send_enroll_body(&p));
    profile_sms(&p, "+", "18812345678");
    ck_assert_ptr_null(ga_api_send_enroll_body(&p));
    profile_sms(&p, "+8a", "18812345678");
    ck_assert_ptr_null(ga_api_send_enroll_body(&p));
    profile_sms(&p, "+86", "188 1234");
    ck_assert_ptr_null(ga_api_send_enroll_body(&p));
    /* an unterminated national number buffer */
    profile_sms(&p, "+86", "1");
    memset(p.phone, '1', sizeof p.phone);
    ck_assert_ptr_null(ga_api_send_enroll_body(&p));
    profile_email(&p, "");
    ck_assert_ptr_null(ga_api_send_enroll_body(&p));
    profile_email(&p, "no-at-sign.example.com");
    ck_assert_ptr_null(ga_api_send_enroll_body(&p));
    profile_email(&p, "a b@example.com");
    ck_assert_ptr_null(ga_api_send_enroll_body(&p));
    profile_email(&p, "a@example.com\r\nBcc: x@y.z");
    ck_assert_ptr_null(ga_api_send_enroll_body(&p));
    profile_email(&p, "a@example.com");
    p.type = GA_FACTOR_OTP;
    ck_assert_ptr_null(ga_api_send_enroll_body(&p));
    p.type = GA_FACTOR_FACE;
    ck_assert_ptr_null(ga_api_send_enroll_body(&p));
    p.type = GA_FACTOR_UNKNOWN;
    ck_assert_ptr_null(ga_api_send_enroll_body(&p));
}
END_TEST

START_TEST(test_enroll_body)
{
    static const ga_factor_t types[] = {GA_FACTOR_SMS, GA_FACTOR_EMAIL, GA_FACTOR_OTP};
    static const char *const names[] = {"SMS", "EMAIL", "OTP"};

    for (size_t i = 0; i < 3; i++) {
        char *body = ga_api_enroll_body(types[i], "et.abc-123_X", "012345");
        json_object *root = parse(body), *data;

        assert_keys(root, "factorType", "enrollmentToken", "enrollmentData", NULL);
        ck_assert_str_eq(str_at(root, "factorType"), names[i]);
        ck_assert_str_eq(str_at(root, "enrollmentToken"), "et.abc-123_X");
        data = obj_at(root, "enrollmentData");
        assert_keys(data, "passCode", NULL);
        ck_assert_str_eq(str_at(data, "passCode"), "012345");
        json_object_put(root);
        free(body);
    }
}
END_TEST

START_TEST(test_enroll_body_rejects)
{
    char *big = malloc(GA_TOKEN_MAX + 2), *b;

    ck_assert_ptr_nonnull(big);
    ck_assert_ptr_null(ga_api_enroll_body(GA_FACTOR_FACE, "et", "123456"));
    ck_assert_ptr_null(ga_api_enroll_body(GA_FACTOR_UNKNOWN, "et", "123456"));
    ck_assert_ptr_null(ga_api_enroll_body((ga_factor_t)99, "et", "123456"));
    ck_assert_ptr_null(ga_api_enroll_body(GA_FACTOR_SMS, NULL, "123456"));
    ck_assert_ptr_null(ga_api_enroll_body(GA_FACTOR_SMS, "", "123456"));
    ck_assert_ptr_null(ga_api_enroll_body(GA_FACTOR_SMS, "e t", "123456"));
    ck_assert_ptr_null(ga_api_enroll_body(GA_FACTOR_SMS, "et\n", "123456"));
    ck_assert_ptr_null(ga_api_enroll_body(GA_FACTOR_SMS, "\xc3\xa9t", "123456"));
    ck_assert_ptr_null(ga_api_enroll_body(GA_FACTOR_SMS, "et", NULL));
    ck_assert_ptr_null(ga_api_enroll_body(GA_FACTOR_SMS, "et", ""));
    ck_assert_ptr_null(ga_api_enroll_body(GA_FACTOR_SMS, "et", "12 34"));
    ck_assert_ptr_null(ga_api_enroll_body(GA_FACTOR_SMS, "et", "1234\t"));
    memset(big, 'e', GA_TOKEN_MAX);
    big[GA_TOKEN_MAX] = '\0';
    b = ga_api_enroll_body(GA_FACTOR_SMS, big, "123456");
    ck_assert_ptr_nonnull(b);
    free(b);
    ck_assert_ptr_null(ga_api_enroll_body(GA_FACTOR_SMS, "et", big)); /* code too long */
    big[GA_TOKEN_MAX] = 'e';
    big[GA_TOKEN_MAX + 1] = '\0';
    ck_assert_ptr_null(ga_api_enroll_body(GA_FACTOR_SMS, big, "123456"));
    free(big);
}
END_TEST


/* ------------------------------------------------------- issue-4 bodies */

static void trigger_sms(ga_mfa_trigger_t *t, const char *cc, const char *phone)
{
    memset(t, 0, sizeof *t);
    t->sms = 1;
    snprintf(t->phone_cc, sizeof t->phone_cc, "%s", cc);
    snprintf(t->phone, sizeof t->phone, "%s", phone);
}

static void trigger_email(ga_mfa_trigger_t *t, const char *email)
{
    memset(t, 0, sizeof *t);
    t->email = 1;
    snprintf(t->email_addr, sizeof t->email_addr, "%s", email);
}

START_TEST(test_mfa_bodies)
{
    ga_mfa_trigger_t t;
    json_object *root;
    char *body;

    ck_assert_int_eq(ga_api_build_send_enroll_otp(&body), GA_OK);
    root = parse(body);
    assert_keys(root, "factorType", "profile", NULL);
    ck_assert_str_eq(str_at(root, "factorType"), "OTP");
    assert_keys(obj_at(root, "profile"), NULL);
    json_object_put(root);
    free(body);

    ck_assert_int_eq(ga_api_build_totp("012345", &body), GA_OK);
    root = parse(body);
    assert_keys(root, "totp", NULL);
    ck_assert_str_eq(str_at(root, "totp"), "012345");
    json_object_put(root);
    free(body);

    ck_assert_int_eq(ga_api_build_mgmt_token("pool-1", "s\"e\\c r\xc3\xa9t", &body), GA_OK);
    root = parse(body);
    assert_keys(root, "accessKeyId", "accessKeySecret", NULL);
    ck_assert_str_eq(str_at(root, "accessKeyId"), "pool-1");
    ck_assert_str_eq(str_at(root, "accessKeySecret"), "s\"e\\c r\xc3\xa9t");
    json_object_put(root);
    free(body);

    trigger_sms(&t, "+86", "18812345678");
    ck_assert_int_eq(ga_api_build_send_code(GA_FACTOR_SMS, &t, &body), GA_OK);
    root = parse(body);
    assert_keys(root, "phoneNumber", "phoneCountryCode", "channel", NULL);
    ck_assert_str_eq(str_at(root, "phoneNumber"), "18812345678");
    ck_assert_str_eq(str_at(root, "phoneCountryCode"), "+86");
    ck_assert_str_eq(str_at(root, "channel"), "CHANNEL_VERIFY_MFA");
    json_object_put(root);
    free(body);
    ck_assert_int_eq(ga_api_build_verify_code(GA_FACTOR_SMS, &t, "4321", &body), GA_OK);
    root = parse(body);
    assert_keys(root, "phone", "code", "phoneCountryCode", NULL);
    ck_assert_str_eq(str_at(root, "phone"), "18812345678");
    ck_assert_str_eq(str_at(root, "code"), "4321");
    ck_assert_str_eq(str_at(root, "phoneCountryCode"), "+86");
    json_object_put(root);
    free(body);

    /* no country code: the member is left out (GenAuth's default applies) */
    trigger_sms(&t, "", "18812345678");
    ck_assert_int_eq(ga_api_build_send_code(GA_FACTOR_SMS, &t, &body), GA_OK);
    root = parse(body);
    assert_keys(root, "phoneNumber", "channel", NULL);
    json_object_put(root);
    free(body);
    ck_assert_int_eq(ga_api_build_verify_code(GA_FACTOR_SMS, &t, "12345678", &body), GA_OK);
    root = parse(body);
    assert_keys(root, "phone", "code", NULL);
    json_object_put(root);
    free(body);

    trigger_email(&t, "alice+mfa@example.com");
    ck_assert_int_eq(ga_api_build_send_code(GA_FACTOR_EMAIL, &t, &body), GA_OK);
    root = parse(body);
    assert_keys(root, "email", "channel", NULL);
    ck_assert_str_eq(str_at(root, "email"), "alice+mfa@example.com");
    ck_assert_str_eq(str_at(root, "channel"), "CHANNEL_VERIFY_MFA");
    json_object_put(root);
    free(body);
    ck_assert_int_eq(ga_api_build_verify_code(GA_FACTOR_EMAIL, &t, "987654", &body), GA_OK);
    root = parse(body);
    assert_keys(root, "email", "code", NULL);
    ck_assert_str_eq(str_at(root, "code"), "987654");
    json_object_put(root);
    free(body);

    ck_assert_int_eq(ga_api_build_recovery("e7ad-aaa4-da75-fa37", &body), GA_OK);
    root = parse(body);
    assert_keys(root, "recoveryCode", NULL);
    ck_assert_str_eq(str_at(root, "recoveryCode"), "e7ad-aaa4-da75-fa37");
    json_object_put(root);
    free(body);
}
END_TEST

START_TEST(test_mfa_bodies_reject)
{
    static const char *const bad_codes[] = {NULL, "", "123", "123456789", "12 34", "12a4",
                                            "１２３４", "1234\n", "-1234"};
    char big[80], *body = (char *)0x1;
    ga_mfa_trigger_t t;

    for (size_t i = 0; i < sizeof bad_codes / sizeof bad_codes[0]; i++) {
        trigger_sms(&t, "+86", "18812345678");
        ck_assert_int_eq(ga_api_build_totp(bad_codes[i], &body), GA_ERR_INTERNAL);
        ck_assert_ptr_null(body);
        ck_assert_int_eq(ga_api_build_verify_code(GA_FACTOR_SMS, &t, bad_codes[i], &body),
                         GA_ERR_INTERNAL);
    }
    ck_assert_int_eq(ga_api_build_totp("1234", NULL), GA_ERR_INTERNAL);
    ck_assert_int_eq(ga_api_build_mgmt_token(NULL, "s", &body), GA_ERR_INTERNAL);
    ck_assert_int_eq(ga_api_build_mgmt_token("pool 1", "s", &body), GA_ERR_INTERNAL);
    ck_assert_int_eq(ga_api_build_mgmt_token("pool", "", &body), GA_ERR_INTERNAL);
    ck_assert_int_eq(ga_api_build_mgmt_token("pool", "s\r\n", &body), GA_ERR_INTERNAL);
    ck_assert_int_eq(ga_api_build_mgmt_token("pool", "s\xff", &body), GA_ERR_INTERNAL);
    ck_assert_ptr_null(body);
    /* targets */
    trigger_sms(&t, "+86", "");
    ck_assert_int_eq(ga_api_build_send_code(GA_FACTOR_SMS, &t, &body), GA_ERR_INTERNAL);
    trigger_sms(&t, "86", "18812345678");
    ck_assert_int_eq(ga_api_build_send_code(GA_FACTOR_SMS, &t, &body), GA_ERR_INTERNAL);
    trigger_sms(&t, "+86", "188-1234");
    ck_assert_int_eq(ga_api_build_send_code(GA_FACTOR_SMS, &t, &body), GA_ERR_INTERNAL);
    trigger_sms(&t, "+86", "1");
    memset(t.phone, '1', sizeof t.phone); /* unterminated */
    ck_assert_int_eq(ga_api_build_send_code(GA_FACTOR_SMS, &t, &body), GA_ERR_INTERNAL);
    trigger_email(&t, "a@b.co");
    ck_assert_int_eq(ga_api_build_send_code(GA_FACTOR_SMS, &t, &body), GA_ERR_INTERNAL);
    ck_assert_int_eq(ga_api_build_send_code(GA_FACTOR_OTP, &t, &body), GA_ERR_INTERNAL);
    ck_assert_int_eq(ga_api_build_send_code(GA_FACTOR_FACE, &t, &body), GA_ERR_INTERNAL);
    ck_assert_int_eq(ga_api_build_send_code(GA_FACTOR_EMAIL, NULL, &body), GA_ERR_INTERNAL);
    trigger_email(&t, "a@b.co\r\nBcc: x@y.z");
    ck_assert_int_eq(ga_api_build_send_code(GA_FACTOR_EMAIL, &t, &body), GA_ERR_INTERNAL);
    trigger_email(&t, "no-at-sign");
    ck_assert_int_eq(ga_api_build_verify_code(GA_FACTOR_EMAIL, &t, "1234", &body),
                     GA_ERR_INTERNAL);
    ck_assert_ptr_null(body);
    /* recovery codes: printable ASCII without spaces, 8..64 */
    ck_assert_int_eq(ga_api_build_recovery(NULL, &body), GA_ERR_INTERNAL);
    ck_assert_int_eq(ga_api_build_recovery("1234567", &body), GA_ERR_INTERNAL);
    ck_assert_int_eq(ga_api_build_recovery("1234 5678", &body), GA_ERR_INTERNAL);
    ck_assert_int_eq(ga_api_build_recovery("1234-5678\n", &body), GA_ERR_INTERNAL);
    memset(big, 'a', 65);
    big[65] = '\0';
    ck_assert_int_eq(ga_api_build_recovery(big, &body), GA_ERR_INTERNAL);
    big[64] = '\0';
    ck_assert_int_eq(ga_api_build_recovery(big, &body), GA_OK);
    free(body);
}
END_TEST

/* --------------------------------------------------- client, no server */

/* A TCP port on 127.0.0.1 that is closed (bound, then released). */
static int closed_port(void)
{
    struct sockaddr_in a = {0};
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0), port;

    ck_assert_int_ge(fd, 0);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    port = ntohs(a.sin_port);
    close(fd);
    return port;
}

/* A listener on 127.0.0.1 that never accepts: TCP connects (backlog),
 * the TLS handshake never gets an answer. *port receives its port. */
static int silent_listener(int *port)
{
    struct sockaddr_in a = {0};
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    ck_assert_int_ge(fd, 0);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(listen(fd, 16), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    *port = ntohs(a.sin_port);
    return fd;
}

typedef struct client_fx {
    fixture_t f;
    logcap_t log;
    ga_logger_t lg;
    ga_client_t *c;
    ga_api_ops_t ops;
} client_fx_t;

static void client_open(client_fx_t *x, const char *host, const char *ca)
{
    memset(x, 0, sizeof *x);
    fixture_init(&x->f, host, ca);
    x->lg.sink = cap_sink;
    x->lg.ctx = &x->log;
    x->lg.debug = 1;
}

static void client_start(client_fx_t *x)
{
    ck_assert_int_eq(ga_http_global_init(), GA_OK);
    ck_assert_int_eq(ga_client_new(&x->f.cfg, &x->lg, &x->c), GA_OK);
    ga_client_ops(x->c, &x->ops);
    ck_assert_ptr_eq(x->ops.ctx, x->c);
}

static void client_close(client_fx_t *x)
{
    ga_client_free(x->c);
    x->c = NULL;
}

START_TEST(test_client_new)
{
    fixture_t f;
    ga_client_t *c = (ga_client_t *)0x1;

    ck_assert_int_eq(ga_http_global_init(), GA_OK);
    fixture_init(&f, "https://127.0.0.1:1", NULL);
    ck_assert_int_eq(ga_client_new(NULL, NULL, &c), GA_ERR_CONFIG);
    ck_assert_ptr_null(c);
    ck_assert_int_eq(ga_client_new(&f.cfg, NULL, NULL), GA_ERR_INTERNAL);
    snprintf(f.app_host, sizeof f.app_host, "http://127.0.0.1:1");
    ck_assert_int_eq(ga_client_new(&f.cfg, NULL, &c), GA_ERR_CONFIG);
    snprintf(f.app_host, sizeof f.app_host, "https://127.0.0.1:1");
    f.cfg.app_id = NULL;
    ck_assert_int_eq(ga_client_new(&f.cfg, NULL, &c), GA_ERR_CONFIG);
    f.cfg.app_id = f.app_id;
    snprintf(f.lang, sizeof f.lang, "en\r\nX: 1");
    ck_assert_int_eq(ga_client_new(&f.cfg, NULL, &c), GA_ERR_CONFIG);
    snprintf(f.lang, sizeof f.lang, "en-US");
    f.cfg.timeout = 0;
    ck_assert_int_eq(ga_client_new(&f.cfg, NULL, &c), GA_ERR_CONFIG);
    f.cfg.timeout = 10;
    f.cfg.app_secret = NULL;
    ck_assert_int_eq(ga_client_new(&f.cfg, NULL, &c), GA_ERR_CONFIG);
    f.cfg.auth_method = GA_CLIENT_AUTH_NONE;
    ck_assert_int_eq(ga_client_new(&f.cfg, NULL, &c), GA_OK);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(ga_client_set_end_user_ip(c, "192.0.2.1"), GA_OK);
    ck_assert_int_eq(ga_client_set_end_user_ip(c, "host.example"), GA_OK);
    ck_assert_int_eq(ga_client_set_end_user_ip(c, NULL), GA_OK);
    ck_assert_int_eq(ga_client_set_end_user_ip(NULL, "192.0.2.1"), GA_ERR_INTERNAL);
    ga_client_free(c);
    ga_client_free(NULL);
}
END_TEST

/* Bad arguments fail with GA_ERR_INTERNAL before any I/O: the server
 * address is a silent listener, so any I/O would time out instead. */
START_TEST(test_ops_reject_before_io)
{
    client_fx_t x;
    ga_api_error_t err;
    ga_signin_t si;
    ga_factor_list_t list;
    ga_profile_t p;
    char host[64], *tok = (char *)0x1;
    int port, fd = silent_listener(&port);
    long t0 = now_ms();

    snprintf(host, sizeof host, "https://127.0.0.1:%d", port);
    client_open(&x, host, NULL);
    client_start(&x);
    ck_assert_int_eq(x.ops.signin(x.c, NULL, "pw", &si, &err), GA_ERR_INTERNAL);
    ck_assert_int_eq(x.ops.signin(x.c, "bob", "pw\n", &si, &err), GA_ERR_INTERNAL);
    ck_assert_int_eq(x.ops.signin(x.c, "", "pw", &si, &err), GA_ERR_INTERNAL);
    ck_assert_int_eq(x.ops.signin(x.c, "bob", "pw", NULL, &err), GA_ERR_INTERNAL);
    ck_assert_int_eq(x.ops.signin(x.c, "bob", "pw", &si, NULL), GA_ERR_INTERNAL);
    ck_assert_int_eq(x.ops.signin(NULL, "bob", "pw", &si, &err), GA_ERR_INTERNAL);
    ck_assert_int_eq(x.ops.list_enrolled(x.c, NULL, &list, &err), GA_ERR_INTERNAL);
    ck_assert_int_eq(x.ops.list_enrolled(x.c, "", &list, &err), GA_ERR_INTERNAL);
    ck_assert_int_eq(x.ops.list_enrolled(x.c, "tok\r\nX-Evil: 1", &list, &err), GA_ERR_INTERNAL);
    ck_assert_int_eq(x.ops.list_to_enroll(x.c, "a b", &list, &err), GA_ERR_INTERNAL);
    ck_assert_int_eq(x.ops.list_to_enroll(x.c, "tok", NULL, &err), GA_ERR_INTERNAL);
    profile_sms(&p, "+86", "18812345678");
    ck_assert_int_eq(x.ops.send_enroll(x.c, NULL, &p, &tok, &err), GA_ERR_INTERNAL);
    ck_assert_ptr_null(tok);
    ck_assert_int_eq(x.ops.send_enroll(x.c, "tok", NULL, &tok, &err), GA_ERR_INTERNAL);
    p.type = GA_FACTOR_FACE;
    ck_assert_int_eq(x.ops.send_enroll(x.c, "tok", &p, &tok, &err), GA_ERR_INTERNAL);
    ck_assert_int_eq(x.ops.send_enroll(x.c, "tok", &p, NULL, &err), GA_ERR_INTERNAL);
    ck_assert_int_eq(x.ops.enroll(x.c, "tok", GA_FACTOR_FACE, "et", "123456", &err),
                     GA_ERR_INTERNAL);
    ck_assert_int_eq(x.ops.enroll(x.c, "tok", GA_FACTOR_SMS, "et", "", &err), GA_ERR_INTERNAL);
    ck_assert_int_eq(x.ops.enroll(x.c, "tok", GA_FACTOR_SMS, NULL, "1234", &err),
                     GA_ERR_INTERNAL);
    ck_assert_int_eq(x.ops.enroll(x.c, "t\tok", GA_FACTOR_SMS, "et", "1234", &err),
                     GA_ERR_INTERNAL);
    ck_assert_int_eq(err.reason, GA_REASON_NONE);
    ck_assert_int_eq(err.status_code, 0);
    ck_assert_int_eq(err.retry_after_s, -1);
    ck_assert_uint_eq(x.log.n, 0); /* not one request went out */
    /* nor waited for: a request to the silent listener would take the
     * 10 s timeout (the bound leaves room for valgrind on a busy machine) */
    ck_assert_int_lt(now_ms() - t0, 4000);
    client_close(&x);
    close(fd);
}
END_TEST

/* The issue-4 calls check their arguments before any I/O too; without
 * Management API credentials mfa_trigger is GA_ERR_CONFIG and sends
 * nothing. */
START_TEST(test_mfa_ops_reject_before_io)
{
    client_fx_t x;
    ga_api_error_t err;
    ga_mfa_trigger_t t, got;
    ga_otp_data_t otp;
    char host[64], *tok = (char *)0x1, *rc = (char *)0x1;
    int port, fd = silent_listener(&port);
    long t0 = now_ms();

    snprintf(host, sizeof host, "https://127.0.0.1:%d", port);
    client_open(&x, host, NULL);
    client_start(&x);
    /* no credentials: never sends */
    ck_assert_int_eq(x.ops.mfa_trigger(x.c, "bob", "username", &got, &err), GA_ERR_CONFIG);
    ck_assert_ptr_null(got.mfa_token);
    ck_assert_int_eq(err.reason, GA_REASON_NONE);
    client_close(&x);

    client_open(&x, host, NULL);
    fixture_mgmt(&x.f, host, "pool-1", "pool-secret");
    client_start(&x);
    ck_assert_int_eq(x.ops.mfa_trigger(x.c, NULL, "username", &got, &err), GA_ERR_INTERNAL);
    ck_assert_int_eq(x.ops.mfa_trigger(x.c, "", "username", &got, &err), GA_ERR_INTERNAL);
    ck_assert_int_eq(x.ops.mfa_trigger(x.c, "bob\n", "username", &got, &err), GA_ERR_INTERNAL);
    ck_assert_int_eq(x.ops.mfa_trigger(x.c, "b\xff", "username", &got, &err), GA_ERR_INTERNAL);
    ck_assert_int_eq(x.ops.mfa_trigger(x.c, "bob", "account", &got, &err), GA_ERR_INTERNAL);
    ck_assert_int_eq(x.ops.mfa_trigger(x.c, "bob", NULL, &got, &err), GA_ERR_INTERNAL);
    ck_assert_int_eq(x.ops.mfa_trigger(x.c, "bob", "username", NULL, &err), GA_ERR_INTERNAL);
    ck_assert_int_eq(x.ops.mfa_trigger(x.c, "bob", "username", &got, NULL), GA_ERR_INTERNAL);
    ck_assert_int_eq(x.ops.send_enroll_otp(x.c, NULL, &tok, &otp, &err), GA_ERR_INTERNAL);
    ck_assert_ptr_null(tok);
    ck_assert_int_eq(x.ops.send_enroll_otp(x.c, "tok", NULL, &otp, &err), GA_ERR_INTERNAL);
    ck_assert_int_eq(x.ops.send_enroll_otp(x.c, "tok", &tok, NULL, &err), GA_ERR_INTERNAL);
    ck_assert_int_eq(x.ops.totp_verify(x.c, "tok", "12a456", &err), GA_ERR_INTERNAL);
    ck_assert_int_eq(x.ops.totp_verify(x.c, "t ok", "123456", &err), GA_ERR_INTERNAL);
    ck_assert_int_eq(x.ops.totp_verify(x.c, "tok", NULL, &err), GA_ERR_INTERNAL);
    trigger_sms(&t, "+86", "18812345678");
    ck_assert_int_eq(x.ops.send_mfa_code(x.c, GA_FACTOR_OTP, &t, &err), GA_ERR_INTERNAL);
    ck_assert_int_eq(x.ops.send_mfa_code(x.c, GA_FACTOR_EMAIL, &t, &err), GA_ERR_INTERNAL);
    ck_assert_int_eq(x.ops.send_mfa_code(x.c, GA_FACTOR_SMS, NULL, &err), GA_ERR_INTERNAL);
    ck_assert_int_eq(x.ops.verify_mfa_code(x.c, "mt", GA_FACTOR_SMS, &t, "12", &err),
                     GA_ERR_INTERNAL);
    ck_assert_int_eq(x.ops.verify_mfa_code(x.c, NULL, GA_FACTOR_SMS, &t, "1234", &err),
                     GA_ERR_INTERNAL);
    ck_assert_int_eq(x.ops.verify_mfa_code(x.c, "m\r\nt", GA_FACTOR_OTP, NULL, "123456", &err),
                     GA_ERR_INTERNAL);
    ck_assert_int_eq(x.ops.verify_mfa_code(x.c, "mt", GA_FACTOR_FACE, &t, "1234", &err),
                     GA_ERR_INTERNAL);
    ck_assert_int_eq(x.ops.verify_mfa_code(x.c, "mt", GA_FACTOR_EMAIL, NULL, "1234", &err),
                     GA_ERR_INTERNAL);
    ck_assert_int_eq(x.ops.totp_recovery(x.c, "mt", "short", &rc, &err), GA_ERR_INTERNAL);
    ck_assert_ptr_null(rc);
    ck_assert_int_eq(x.ops.totp_recovery(x.c, "", "1234-5678-9abc", &rc, &err),
                     GA_ERR_INTERNAL);
    ck_assert_int_eq(x.ops.totp_recovery(x.c, "mt", "1234-5678-9abc", NULL, &err),
                     GA_ERR_INTERNAL);
    ck_assert_int_eq(err.reason, GA_REASON_NONE);
    ck_assert_int_eq(err.retry_after_s, -1);
    ck_assert_uint_eq(x.log.n, 0); /* not one request went out */
    /* nor waited for: a request to the silent listener would take the
     * 10 s timeout (the bound leaves room for valgrind on a busy machine) */
    ck_assert_int_lt(now_ms() - t0, 4000);
    client_close(&x);
    close(fd);
}
END_TEST

START_TEST(test_client_new_mgmt)
{
    fixture_t f;
    ga_client_t *c = NULL;

    ck_assert_int_eq(ga_http_global_init(), GA_OK);
    fixture_init(&f, "https://127.0.0.1:1", NULL);
    fixture_mgmt(&f, "https://127.0.0.1:2", "pool", "secret");
    ck_assert_int_eq(ga_client_new(&f.cfg, NULL, &c), GA_OK);
    ga_client_free(c);
    f.cfg.userpool_secret = NULL; /* one without the other */
    ck_assert_int_eq(ga_client_new(&f.cfg, NULL, &c), GA_ERR_CONFIG);
    f.cfg.userpool_secret = f.pool_secret;
    f.cfg.userpool_id = NULL;
    ck_assert_int_eq(ga_client_new(&f.cfg, NULL, &c), GA_ERR_CONFIG);
    f.cfg.userpool_id = f.pool_id;
    snprintf(f.mgmt_host, sizeof f.mgmt_host, "http://127.0.0.1:2");
    ck_assert_int_eq(ga_client_new(&f.cfg, NULL, &c), GA_ERR_CONFIG);
    f.cfg.mgmt_host = NULL;
    ck_assert_int_eq(ga_client_new(&f.cfg, NULL, &c), GA_ERR_CONFIG);
    snprintf(f.pool_id, sizeof f.pool_id, "po ol");
    f.cfg.mgmt_host = f.mgmt_host;
    snprintf(f.mgmt_host, sizeof f.mgmt_host, "https://127.0.0.1:2");
    ck_assert_int_eq(ga_client_new(&f.cfg, NULL, &c), GA_ERR_CONFIG);
    ck_assert_ptr_null(c);
}
END_TEST

START_TEST(test_refused)
{
    client_fx_t x;
    ga_api_error_t err;
    ga_factor_list_t list;
    char host[64];
    long t0;

    snprintf(host, sizeof host, "https://127.0.0.1:%d", closed_port());
    client_open(&x, host, NULL);
    client_start(&x);
    t0 = now_ms();
    ck_assert_int_eq(x.ops.list_enrolled(x.c, "tok", &list, &err), GA_ERR_UNAVAIL);
    ck_assert_int_eq(err.reason, GA_REASON_REFUSED);
    ck_assert_int_eq(err.http_status, 0);
    ck_assert_int_eq(err.status_code, 0);
    ck_assert_uint_eq(list.n, 0);
    ck_assert_int_lt(now_ms() - t0, 2000);
    ck_assert(log_has(&x.log, "GET /api/v3/list-enrolled-factors: no answer (connection refused)"));
    ck_assert(log_has(&x.log, "curl error 7"));
    ck_assert(!log_has(&x.log, "tok"));
    client_close(&x);
}
END_TEST

/* connect_timeout 1 s, timeout 1 s: a listener that never answers the TLS
 * handshake gives GA_REASON_TIMEOUT after about a second. */
START_TEST(test_timeout)
{
    client_fx_t x;
    ga_api_error_t err;
    ga_signin_t si;
    char host[64];
    int port, fd = silent_listener(&port);
    long t0, elapsed;

    snprintf(host, sizeof host, "https://127.0.0.1:%d", port);
    client_open(&x, host, NULL);
    x.f.cfg.connect_timeout = 1;
    x.f.cfg.timeout = 1;
    client_start(&x);
    t0 = now_ms();
    ck_assert_int_eq(x.ops.signin(x.c, "bob", "secret-pw", &si, &err), GA_ERR_UNAVAIL);
    elapsed = now_ms() - t0;
    ck_assert_int_eq(err.reason, GA_REASON_TIMEOUT);
    ck_assert_ptr_null(si.access_token);
    ck_assert_int_ge(elapsed, 900);
    ck_assert_int_lt(elapsed, 3000);
    ck_assert(!log_has(&x.log, "secret-pw"));
    client_close(&x);
    close(fd);
}
END_TEST

/* timeout 1 s, total_timeout 3 s: three hung requests use the budget up,
 * the fourth fails at once without touching the network. */
START_TEST(test_budget)
{
    client_fx_t x;
    ga_api_error_t err;
    ga_factor_list_t list;
    char host[64];
    int port, fd = silent_listener(&port);
    long t0, elapsed;

    snprintf(host, sizeof host, "https://127.0.0.1:%d", port);
    client_open(&x, host, NULL);
    x.f.cfg.connect_timeout = 1;
    x.f.cfg.timeout = 1;
    x.f.cfg.total_timeout = 3;
    client_start(&x);
    t0 = now_ms();
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(x.ops.list_to_enroll(x.c, "tok", &list, &err), GA_ERR_UNAVAIL);
        /* the request timeout, or (the last one, cut to what is left) the
         * whole login's */
        if (i < 2)
            ck_assert_int_eq(err.reason, GA_REASON_TIMEOUT);
        else
            ck_assert(err.reason == GA_REASON_TIMEOUT || err.reason == GA_REASON_DEADLINE);
    }
    elapsed = now_ms() - t0;
    ck_assert_int_ge(elapsed, 2900);
    t0 = now_ms();
    ck_assert_int_eq(x.ops.list_to_enroll(x.c, "tok", &list, &err), GA_ERR_UNAVAIL);
    ck_assert_int_eq(err.reason, GA_REASON_DEADLINE);
    ck_assert_str_eq(err.message, "total_timeout used up");
    ck_assert_int_lt(now_ms() - t0, 900); /* no request: each would wait 1 s */
    client_close(&x);
    close(fd);
}
END_TEST

/* The budget also bounds a single request: budget 1 s, timeout 5 s. */
START_TEST(test_budget_caps_request)
{
    ga_http_opts_t o = {0};
    ga_http_t *h = NULL;
    ga_http_response_t resp;
    ga_reason_t reason;
    char host[64];
    int port, fd = silent_listener(&port);
    long t0;

    snprintf(host, sizeof host, "https://127.0.0.1:%d", port);
    o.base_url = host;
    o.connect_timeout_s = 5;
    o.timeout_s = 5;
    o.budget_s = 1;
    ck_assert_int_eq(ga_http_new(&o, NULL, &h), GA_OK);
    t0 = now_ms();
    ck_assert_int_eq(ga_http_request(h, "GET", "/x", NULL, NULL, &resp, &reason), GA_ERR_UNAVAIL);
    ck_assert_int_eq(reason, GA_REASON_DEADLINE);
    ck_assert_int_lt(now_ms() - t0, 2500);
    ck_assert_int_ge(resp.elapsed_ms, 900);
    ck_assert_ptr_null(resp.body);
    ck_assert_int_eq(resp.http_status, 0);
    ck_assert_int_eq(ga_http_request(h, "GET", "/x", NULL, NULL, &resp, &reason), GA_ERR_UNAVAIL);
    ck_assert_int_eq(reason, GA_REASON_DEADLINE);
    ck_assert_int_eq(resp.elapsed_ms, 0);
    ck_assert_int_eq(resp.new_connections, 0);
    ga_http_free(h);
    close(fd);
}
END_TEST

/* total_timeout covers the app and the management host together: timeout
 * 1 s, total_timeout 2 s; a hung token request and a hung code send use it
 * up, and the next call on either host fails at once. */
START_TEST(test_budget_both_hosts)
{
    client_fx_t x;
    ga_api_error_t err;
    ga_mfa_trigger_t t, got;
    ga_factor_list_t list;
    char app[64], mgmt[64];
    int port, port2, fd = silent_listener(&port), fd2 = silent_listener(&port2);
    long t0, elapsed;

    snprintf(app, sizeof app, "https://127.0.0.1:%d", port);
    snprintf(mgmt, sizeof mgmt, "https://127.0.0.1:%d", port2);
    ga_mgmt_cache_reset();
    client_open(&x, app, NULL);
    fixture_mgmt(&x.f, mgmt, "pool-b", "secret-b");
    x.f.cfg.connect_timeout = 1;
    x.f.cfg.timeout = 1;
    x.f.cfg.total_timeout = 2;
    client_start(&x);
    trigger_sms(&t, "+86", "18812345678");
    t0 = now_ms();
    ck_assert_int_eq(x.ops.mfa_trigger(x.c, "bob", "username", &got, &err), GA_ERR_UNAVAIL);
    ck_assert_int_eq(err.reason, GA_REASON_TIMEOUT);
    ck_assert_int_eq(x.ops.send_mfa_code(x.c, GA_FACTOR_SMS, &t, &err), GA_ERR_UNAVAIL);
    ck_assert(err.reason == GA_REASON_TIMEOUT || err.reason == GA_REASON_DEADLINE);
    elapsed = now_ms() - t0;
    ck_assert_int_ge(elapsed, 1900);
    t0 = now_ms();
    ck_assert_int_eq(x.ops.list_enrolled(x.c, "tok", &list, &err), GA_ERR_UNAVAIL);
    ck_assert_int_eq(err.reason, GA_REASON_DEADLINE);
    ck_assert_int_eq(x.ops.mfa_trigger(x.c, "bob", "username", &got, &err), GA_ERR_UNAVAIL);
    ck_assert_int_eq(err.reason, GA_REASON_DEADLINE);
    ck_assert_int_lt(now_ms() - t0, 900); /* no request: each would wait 1 s */
    /* the query (the user's identifier) never reaches a log line */
    ck_assert(log_has(&x.log, "POST /api/v3/get-management-token: no answer"));
    ck_assert(!log_has(&x.log, "userId"));
    ck_assert(!log_has(&x.log, "secret-b"));
    client_close(&x);
    close(fd);
    close(fd2);
}
END_TEST

START_TEST(test_dns)
{
    client_fx_t x;
    ga_api_error_t err;
    ga_factor_list_t list;

    client_open(&x, "https://pam-genauth-test.invalid", NULL);
    x.f.cfg.connect_timeout = 3;
    x.f.cfg.timeout = 3;
    client_start(&x);
    ck_assert_int_eq(x.ops.list_enrolled(x.c, "tok", &list, &err), GA_ERR_UNAVAIL);
    /* a resolver that does not answer at all ends in a timeout */
    ck_assert_msg(err.reason == GA_REASON_DNS || err.reason == GA_REASON_TIMEOUT, "reason %s",
                  ga_reason_name(err.reason));
    client_close(&x);
}
END_TEST

START_TEST(test_http_new_rejects)
{
    static const char *const bad_urls[] = {NULL, "", "http://127.0.0.1", "https://",
                                           "ftp://x", "https://a b", "https://x\r\n",
                                           "HTTPX://x"};
    ga_http_opts_t o = {0};
    ga_http_t *h = (ga_http_t *)0x1;

    ck_assert_int_eq(ga_http_new(NULL, NULL, &h), GA_ERR_INTERNAL);
    ck_assert_ptr_null(h);
    o.connect_timeout_s = 1;
    o.timeout_s = 1;
    for (size_t i = 0; i < sizeof bad_urls / sizeof bad_urls[0]; i++) {
        o.base_url = bad_urls[i];
        ck_assert_int_eq(ga_http_new(&o, NULL, &h), GA_ERR_CONFIG);
        ck_assert_ptr_null(h);
    }
    o.base_url = "https://127.0.0.1:1";
    o.connect_timeout_s = 0;
    ck_assert_int_eq(ga_http_new(&o, NULL, &h), GA_ERR_CONFIG);
    o.connect_timeout_s = 1;
    o.timeout_s = -1;
    ck_assert_int_eq(ga_http_new(&o, NULL, &h), GA_ERR_CONFIG);
    o.timeout_s = 1;
    o.budget_s = -1;
    ck_assert_int_eq(ga_http_new(&o, NULL, &h), GA_ERR_CONFIG);
    o.budget_s = 100000;
    ck_assert_int_eq(ga_http_new(&o, NULL, &h), GA_ERR_CONFIG);
    o.budget_s = 0;
    o.user_agent = "";
    ck_assert_int_eq(ga_http_new(&o, NULL, &h), GA_ERR_CONFIG);
    o.user_agent = NULL;
    ck_assert_int_eq(ga_http_new(&o, NULL, &h), GA_OK);
    ck_assert_ptr_nonnull(h);
    ga_http_free(h);
    ga_http_free(NULL);
    ga_http_response_clear(NULL);
}
END_TEST

START_TEST(test_http_request_rejects)
{
    static const char *const bad_headers[] = {"authorization: Bearer a\r\nX-Evil: 1",
                                              "no colon", ": empty name", "bad name: v",
                                              "x-a: \x01", "x-a: caf\xc3\xa9", "x-a: tab\t"};
    ga_http_opts_t o = {0};
    ga_http_t *h = NULL;
    ga_http_response_t resp;
    ga_reason_t reason;
    char longpath[5000];

    o.base_url = "https://127.0.0.1:1";
    o.connect_timeout_s = 1;
    o.timeout_s = 1;
    ck_assert_int_eq(ga_http_new(&o, NULL, &h), GA_OK);
    memset(longpath, 'a', sizeof longpath - 1);
    longpath[0] = '/';
    longpath[sizeof longpath - 1] = '\0';
#define REJECT(call)                                                                      \
    do {                                                                                  \
        ck_assert_int_eq((call), GA_ERR_INTERNAL);                                        \
        ck_assert_int_eq(reason, GA_REASON_NONE);                                         \
        ck_assert_int_eq(resp.elapsed_ms, 0);                                             \
        ck_assert_int_eq(resp.retry_after_s, -1);                                         \
    } while (0)
    REJECT(ga_http_request(h, "GET", "/x", NULL, "{}", &resp, &reason));
    REJECT(ga_http_request(h, "POST", "/x", NULL, NULL, &resp, &reason));
    REJECT(ga_http_request(h, "PUT", "/x", NULL, "{}", &resp, &reason));
    REJECT(ga_http_request(h, "get", "/x", NULL, NULL, &resp, &reason));
    REJECT(ga_http_request(h, NULL, "/x", NULL, NULL, &resp, &reason));
    REJECT(ga_http_request(h, "GET", "x", NULL, NULL, &resp, &reason));
    REJECT(ga_http_request(h, "GET", NULL, NULL, NULL, &resp, &reason));
    REJECT(ga_http_request(h, "GET", "/a b", NULL, NULL, &resp, &reason));
    REJECT(ga_http_request(h, "GET", "/a\r\nHost: evil", NULL, NULL, &resp, &reason));
    REJECT(ga_http_request(h, "GET", longpath, NULL, NULL, &resp, &reason));
    REJECT(ga_http_request(NULL, "GET", "/x", NULL, NULL, &resp, &reason));
    {
        ga_http_req_t half_user = {"POST", "/x", NULL, "{}", "id", NULL, 0};
        ga_http_req_t half_pw = {"POST", "/x", NULL, "{}", NULL, "pw", 0};
        ga_http_req_t colon = {"POST", "/x", NULL, "{}", "i:d", "pw", 0};
        REJECT(ga_http_send(h, &half_user, &resp, &reason));
        REJECT(ga_http_send(h, &half_pw, &resp, &reason));
        REJECT(ga_http_send(h, &colon, &resp, &reason));
        REJECT(ga_http_send(h, NULL, &resp, &reason));
    }
    for (size_t i = 0; i < sizeof bad_headers / sizeof bad_headers[0]; i++) {
        const char *list[] = {"x-authing-app-id: a", bad_headers[i], NULL};
        REJECT(ga_http_request(h, "GET", "/x", list, NULL, &resp, &reason));
    }
#undef REJECT
    ck_assert_int_eq(ga_http_request(h, "GET", "/x", NULL, NULL, NULL, &reason), GA_ERR_INTERNAL);
    ck_assert_int_eq(ga_http_request(h, "GET", "/x", NULL, NULL, &resp, NULL), GA_ERR_INTERNAL);
    ga_http_free(h);
}
END_TEST

/* libcurl writes TLS secrets to $SSLKEYLOGFILE when it initialises: with
 * that variable set, ga_http_global_init refuses. Run in a child that has
 * not initialised libcurl yet (this test runs first). */
START_TEST(test_sslkeylogfile_refused)
{
    char dir[] = "/tmp/check_api.XXXXXX", path[64];
    logcap_t log = {0};
    ga_logger_t lg = {cap_sink, &log, 0};
    ga_http_opts_t o = {0};
    ga_http_t *h = NULL;
    int status = -1;
    pid_t pid;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/keys", dir);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        int rc = 0;
        setenv("SSLKEYLOGFILE", path, 1);
        o.base_url = "https://127.0.0.1:1";
        o.connect_timeout_s = 1;
        o.timeout_s = 1;
        rc |= ga_http_global_init() == GA_ERR_INTERNAL ? 0 : 1;
        rc |= ga_http_new(&o, &lg, &h) == GA_ERR_INTERNAL ? 0 : 2;
        rc |= h == NULL ? 0 : 4;
        rc |= log_has(&log, "SSLKEYLOGFILE is set") ? 0 : 8;
        rc |= log.n == 1 && log.prio[0] == LOG_ERR ? 0 : 16;
        _exit(rc);
    }
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 0);
    ck_assert_int_ne(access(path, F_OK), 0);
    rmdir(dir);
}
END_TEST

/* ------------------------------------------------------------ emulator */

typedef struct emu {
    const char *url, *ca, *outbox;
    ga_http_t *ctl; /* the control API, spoken through ga_http itself */
    char user[48], password[48], phone[16], email[80];
} emu_t;

static void emu_open(emu_t *e)
{
    ga_http_opts_t o = {0};
    /* Each test its own user and phone: the emulator allows one send per
     * phone per minute. Under valgrind the tests run in one process
     * (CK_FORK=no), and two of them starting in the same second got the
     * same pid and time, so the second send was throttled (seen in CI).
     * The sequence number (< 101 tests) keeps them apart. */
    static unsigned long seq;
    unsigned long salt =
        ((unsigned long)getpid() * 7919UL + (unsigned long)time(NULL)) * 101UL + ++seq;

    memset(e, 0, sizeof *e);
    e->url = getenv("GA_TEST_EMULATOR_URL");
    e->ca = getenv("GA_TEST_CA");
    e->outbox = getenv("GA_TEST_OUTBOX");
    ck_assert_ptr_nonnull(e->url);
    ck_assert_ptr_nonnull(e->ca);
    o.base_url = e->url;
    o.ca_file = e->ca;
    o.connect_timeout_s = 5;
    o.timeout_s = 10;
    ck_assert_int_eq(ga_http_global_init(), GA_OK);
    ck_assert_int_eq(ga_http_new(&o, NULL, &e->ctl), GA_OK);
    snprintf(e->user, sizeof e->user, "ck_api_%lu", salt % 100000000UL);
    snprintf(e->password, sizeof e->password, "Pw-%lu!\"x", salt % 9973UL);
    snprintf(e->phone, sizeof e->phone, "188%08lu", salt % 100000000UL);
    snprintf(e->email, sizeof e->email, "%s@example.com", e->user);
}

static void emu_close(emu_t *e)
{
    ga_http_free(e->ctl);
    e->ctl = NULL;
}

/* One control call; returns the parsed {"ok": true, ...} answer. */
static json_object *emu_call(emu_t *e, const char *method, const char *path, json_object *body)
{
    ga_http_response_t resp;
    ga_reason_t reason;
    json_object *ans, *ok = NULL;
    const char *text = body ? json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN) : NULL;

    ck_assert_int_eq(ga_http_request(e->ctl, method, path, NULL, text, &resp, &reason), GA_OK);
    ck_assert_msg(resp.http_status == 200, "%s %s: HTTP %ld: %s", method, path,
                  resp.http_status, resp.body);
    ans = parse(resp.body);
    ck_assert(json_object_object_get_ex(ans, "ok", &ok) && json_object_get_boolean(ok));
    ga_http_response_clear(&resp);
    json_object_put(body);
    return ans;
}

static void emu_add_user(emu_t *e)
{
    json_object *u = json_object_new_object();

    json_object_object_add(u, "username", json_object_new_string(e->user));
    json_object_object_add(u, "password", json_object_new_string(e->password));
    json_object_object_add(u, "email", json_object_new_string(e->email));
    json_object_object_add(u, "phone", json_object_new_string(e->phone));
    json_object_put(emu_call(e, "POST", "/__emulator/users", u));
}

static void emu_setting(emu_t *e, const char *name, const char *value)
{
    json_object *b = json_object_new_object();

    json_object_object_add(b, name, json_object_new_string(value));
    json_object_put(emu_call(e, "POST", "/__emulator/settings", b));
}

static void emu_setting_int(emu_t *e, const char *name, int value)
{
    json_object *b = json_object_new_object();

    json_object_object_add(b, name, json_object_new_int(value));
    json_object_put(emu_call(e, "POST", "/__emulator/settings", b));
}

static void emu_fault(emu_t *e, const char *path, const char *kind, int count)
{
    json_object *f = json_object_new_object();

    json_object_object_add(f, "path", json_object_new_string(path));
    json_object_object_add(f, "kind", json_object_new_string(kind));
    json_object_object_add(f, "count", json_object_new_int(count));
    json_object_object_add(f, "user", json_object_new_string(e->user));
    json_object_put(emu_call(e, "POST", "/__emulator/faults", f));
}

/* v is a JSON string equal to want. The outbox holds entries of every
 * kind: a verification code's entry has "enrollmentToken": null, which
 * json_object_get_string gives as NULL (regression: strcmp(NULL) crashed
 * test_emu_flow when an earlier run had left such an entry). */
static int json_str_is(json_object *v, const char *want)
{
    return json_object_is_type(v, json_type_string) &&
           strcmp(json_object_get_string(v), want) == 0;
}

/* The code the emulator "sent" with this enrollmentToken: from the outbox
 * file when GA_TEST_OUTBOX names it, else from the control API. */
static void emu_code(emu_t *e, const char *token, char *code, size_t codelen)
{
    json_object *ans = NULL, *list = NULL, *entry, *v;
    FILE *fp;
    char line[4096];

    code[0] = '\0';
    if (e->outbox) {
        ck_assert_ptr_nonnull(fp = fopen(e->outbox, "r"));
        while (fgets(line, sizeof line, fp)) {
            entry = json_tokener_parse(line);
            if (entry && json_object_object_get_ex(entry, "enrollmentToken", &v)
                && json_str_is(v, token)
                && json_object_object_get_ex(entry, "code", &v))
                snprintf(code, codelen, "%s", json_object_get_string(v));
            json_object_put(entry);
        }
        fclose(fp);
    } else {
        ans = emu_call(e, "GET", "/__emulator/outbox", NULL);
        ck_assert(json_object_object_get_ex(ans, "outbox", &list));
        for (size_t i = 0; i < json_object_array_length(list); i++) {
            entry = json_object_array_get_idx(list, i);
            if (json_object_object_get_ex(entry, "enrollmentToken", &v)
                && json_str_is(v, token)
                && json_object_object_get_ex(entry, "code", &v))
                snprintf(code, codelen, "%s", json_object_get_string(v));
        }
        json_object_put(ans);
    }
    ck_assert_msg(code[0] != '\0', "no code in the outbox for this enrollmentToken");
}

static void emu_client(client_fx_t *x, emu_t *e)
{
    emu_open(e);
    emu_add_user(e);
    client_open(x, e->url, e->ca);
    client_start(x);
}

static int has_factor(const ga_factor_list_t *l, ga_factor_t t)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i].type == t)
            return 1;
    return 0;
}

static size_t log_count(const logcap_t *c, const char *needle)
{
    size_t n = 0;

    for (size_t i = 0; i < c->n; i++)
        n += strstr(c->line[i], needle) != NULL;
    return n;
}

/* signin -> list-enrolled -> list-to-enroll -> send -> enroll, over TLS. */
START_TEST(test_emu_flow)
{
    client_fx_t x;
    emu_t e;
    ga_api_error_t err;
    ga_signin_t si;
    ga_factor_list_t list;
    ga_profile_t p;
    char *et = NULL, *et2 = NULL, code[16], wrong[16];

    emu_client(&x, &e);
    ck_assert_int_eq(ga_client_set_end_user_ip(x.c, "198.51.100.7"), GA_OK);
    ck_assert_int_eq(x.ops.signin(x.c, e.user, e.password, &si, &err), GA_OK);
    ck_assert_ptr_nonnull(si.access_token);
    ck_assert_int_eq(si.expires_in, 7200);
    ck_assert_int_eq(err.status_code, 200);
    ck_assert_int_eq(err.http_status, 200);

    ck_assert_int_eq(x.ops.list_enrolled(x.c, si.access_token, &list, &err), GA_OK);
    ck_assert_uint_eq(list.n, 0);
    ck_assert_int_eq(x.ops.list_to_enroll(x.c, si.access_token, &list, &err), GA_OK);
    ck_assert(has_factor(&list, GA_FACTOR_SMS));
    ck_assert(has_factor(&list, GA_FACTOR_EMAIL));

    profile_sms(&p, "+86", e.phone);
    ck_assert_int_eq(x.ops.send_enroll(x.c, si.access_token, &p, &et, &err), GA_OK);
    ck_assert_ptr_nonnull(et);
    emu_code(&e, et, code, sizeof code);
    snprintf(wrong, sizeof wrong, "%s", code);
    wrong[0] = wrong[0] == '9' ? '0' : (char)(wrong[0] + 1);
    ck_assert_int_eq(x.ops.enroll(x.c, si.access_token, GA_FACTOR_SMS, et, wrong, &err),
                     GA_ERR_WRONG_CODE);
    ck_assert_int_eq(err.status_code, 400);
    ck_assert_int_eq(x.ops.enroll(x.c, si.access_token, GA_FACTOR_SMS, et, code, &err), GA_OK);
    ck_assert_int_eq(x.ops.list_enrolled(x.c, si.access_token, &list, &err), GA_OK);
    ck_assert_uint_eq(list.n, 1);
    ck_assert_int_eq(list.items[0].type, GA_FACTOR_SMS);
    /* the token is used up */
    ck_assert_int_eq(x.ops.enroll(x.c, si.access_token, GA_FACTOR_SMS, et, code, &err),
                     GA_ERR_EXPIRED);

    /* one email per minute: the second send is throttled */
    profile_email(&p, e.email);
    ck_assert_int_eq(x.ops.send_enroll(x.c, si.access_token, &p, &et2, &err), GA_OK);
    free(et2);
    et2 = NULL;
    ck_assert_int_eq(x.ops.send_enroll(x.c, si.access_token, &p, &et2, &err),
                     GA_ERR_THROTTLED);
    ck_assert_ptr_null(et2);
    ck_assert_int_eq(err.status_code, 422);

    /* one TLS connection served sign-in and the look-ups; each of the six
     * sends and binds had a fresh one (never re-sent by libcurl's retry) */
    ck_assert_uint_eq(log_count(&x.log, "new connection"), 7);
    ck_assert_uint_eq(log_count(&x.log, "reused connection"), 3);
    for (size_t i = 0; i < x.log.n; i++)
        if (strstr(x.log.line[i], "POST /api/v3/send-enroll-factor-request: HTTP")
            || strstr(x.log.line[i], "POST /api/v3/enroll-factor: HTTP"))
            ck_assert_ptr_nonnull(strstr(x.log.line[i], "new connection"));
    /* nothing secret in the debug log */
    for (size_t i = 0; i < x.log.n; i++) {
        ck_assert_ptr_null(strstr(x.log.line[i], e.password));
        ck_assert_ptr_null(strstr(x.log.line[i], si.access_token));
        ck_assert_ptr_null(strstr(x.log.line[i], et));
        ck_assert_ptr_null(strstr(x.log.line[i], code));
        ck_assert_ptr_null(strstr(x.log.line[i], e.phone));
        ck_assert_ptr_null(strstr(x.log.line[i], e.email));
    }
    free(et);
    ga_signin_clear(&si);
    client_close(&x);
    emu_close(&e);
}
END_TEST

/* The newest CHANNEL_VERIFY_MFA code the emulator sent to `to` (outbox). */
static void emu_verify_code(emu_t *e, const char *to, char *code, size_t codelen)
{
    json_object *entry, *v, *ch;
    FILE *fp;
    char line[4096];

    code[0] = '\0';
    ck_assert_ptr_nonnull(e->outbox);
    ck_assert_ptr_nonnull(fp = fopen(e->outbox, "r"));
    while (fgets(line, sizeof line, fp)) {
        entry = json_tokener_parse(line);
        if (entry && json_object_object_get_ex(entry, "to", &v)
            && json_str_is(v, to)
            && json_object_object_get_ex(entry, "sendChannel", &ch)
            && json_str_is(ch, "CHANNEL_VERIFY_MFA")
            && json_object_object_get_ex(entry, "code", &v))
            snprintf(code, codelen, "%s", json_object_get_string(v));
        json_object_put(entry);
    }
    fclose(fp);
    ck_assert_msg(code[0] != '\0', "no CHANNEL_VERIFY_MFA code in the outbox for %s", to);
}

/* Against the emulator: enroll SMS, then trigger data from the Management
 * API (cached token), send a code, verify it with the mfaToken. */
START_TEST(test_emu_mfa_sms)
{
    client_fx_t x;
    emu_t e;
    ga_api_error_t err;
    ga_signin_t si;
    ga_profile_t p;
    ga_mfa_trigger_t t;
    char *et = NULL, code[16], wrong[16], to[40];
    ga_status_t st;

    emu_open(&e);
    emu_add_user(&e);
    ga_mgmt_cache_reset();
    client_open(&x, e.url, e.ca);
    fixture_mgmt(&x.f, e.url, "emu-userpool-id", "emu-userpool-secret");
    client_start(&x);
    ck_assert_int_eq(x.ops.signin(x.c, e.user, e.password, &si, &err), GA_OK);
    profile_sms(&p, "+86", e.phone);
    ck_assert_int_eq(x.ops.send_enroll(x.c, si.access_token, &p, &et, &err), GA_OK);
    emu_code(&e, et, code, sizeof code);
    ck_assert_int_eq(x.ops.enroll(x.c, si.access_token, GA_FACTOR_SMS, et, code, &err), GA_OK);

    ck_assert_int_eq(x.ops.mfa_trigger(x.c, e.user, "username", &t, &err), GA_OK);
    ck_assert_ptr_nonnull(t.mfa_token);
    ck_assert_int_eq(t.sms, 1);
    ck_assert_str_eq(t.phone, e.phone);
    ga_mfa_trigger_clear(&t);
    ck_assert_int_eq(x.ops.mfa_trigger(x.c, e.user, "username", &t, &err), GA_OK);
    ck_assert_uint_eq(log_count(&x.log, "management token fetched"), 1);
    /* the enrollment code went to the same phone a moment ago: throttled */
    ck_assert_int_eq(x.ops.send_mfa_code(x.c, GA_FACTOR_SMS, &t, &err), GA_ERR_THROTTLED);
    ck_assert_int_eq(err.status_code, 422);
    emu_setting_int(&e, "rate_limit_seconds", 0);
    st = x.ops.send_mfa_code(x.c, GA_FACTOR_SMS, &t, &err);
    emu_setting_int(&e, "rate_limit_seconds", 60);
    ck_assert_int_eq(st, GA_OK);
    snprintf(to, sizeof to, "+86 %s", e.phone);
    emu_verify_code(&e, to, code, sizeof code);
    snprintf(wrong, sizeof wrong, "%s", code);
    wrong[0] = wrong[0] == '9' ? '0' : (char)(wrong[0] + 1);
    ck_assert_int_eq(x.ops.verify_mfa_code(x.c, t.mfa_token, GA_FACTOR_SMS, &t, wrong, &err),
                     GA_ERR_WRONG_CODE);
    ck_assert_int_eq(x.ops.verify_mfa_code(x.c, t.mfa_token, GA_FACTOR_SMS, &t, code, &err),
                     GA_OK);
    for (size_t i = 0; i < x.log.n; i++) {
        ck_assert_ptr_null(strstr(x.log.line[i], t.mfa_token));
        ck_assert_ptr_null(strstr(x.log.line[i], e.phone));
        ck_assert_ptr_null(strstr(x.log.line[i], "emu-userpool-secret"));
    }
    ga_mfa_trigger_clear(&t);
    free(et);
    ga_signin_clear(&si);
    ga_mgmt_cache_reset();
    client_close(&x);
    emu_close(&e);
}
END_TEST

static json_object *find_request(json_object *reqs, const char *field, const char *value)
{
    json_object *list, *r, *body, *payload, *v;
    json_object *found = NULL;

    ck_assert(json_object_object_get_ex(reqs, "requests", &list));
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        r = json_object_array_get_idx(list, i);
        if (json_object_object_get_ex(r, "body", &body)
            && json_object_is_type(body, json_type_object)
            && json_object_object_get_ex(body, "passwordPayload", &payload)
            && json_object_object_get_ex(payload, field, &v)
            && json_str_is(v, value))
            found = r;
    }
    ck_assert_ptr_nonnull(found);
    return found;
}

/* What went over the wire: headers and body as the emulator logged them. */
START_TEST(test_emu_wire)
{
    client_fx_t x;
    emu_t e;
    ga_api_error_t err;
    ga_signin_t si;
    json_object *reqs, *r, *h, *body, *opts;

    emu_client(&x, &e);
    ck_assert_int_eq(ga_client_set_end_user_ip(x.c, "198.51.100.8"), GA_OK);
    ck_assert_int_eq(x.ops.signin(x.c, e.user, e.password, &si, &err), GA_OK);
    ga_signin_clear(&si);
    reqs = emu_call(&e, "GET", "/__emulator/requests?path=/api/v3/signin", NULL);
    r = find_request(reqs, "username", e.user);
    h = obj_at(r, "headers");
    ck_assert_str_eq(str_at(h, "x-authing-app-id"), "emu-app-id");
    ck_assert_str_eq(str_at(h, "x-authing-lang"), "en-US");
    ck_assert_str_eq(str_at(h, "x-authing-request-from"), "pam_genauth");
    ck_assert_str_eq(str_at(h, "x-authing-sdk-version"), "pam_genauth:" PACKAGE_VERSION);
    ck_assert_str_eq(str_at(h, "x-real-ip"), "198.51.100.8");
    ck_assert_str_eq(str_at(h, "user-agent"), "pam_genauth/" PACKAGE_VERSION);
    ck_assert_str_eq(str_at(h, "content-type"), "application/json");
    ck_assert_str_eq(str_at(h, "accept"), "application/json");
    ck_assert(!json_object_object_get_ex(h, "authorization", NULL));
    ck_assert(!json_object_object_get_ex(h, "cookie", NULL));
    body = obj_at(r, "body");
    opts = obj_at(body, "options");
    ck_assert_str_eq(str_at(opts, "clientIp"), "198.51.100.8");
    ck_assert_str_eq(str_at(body, "client_id"), "emu-app-id");
    ck_assert_str_eq(str_at(obj_at(body, "passwordPayload"), "password"), e.password);
    json_object_put(reqs);
    client_close(&x);
    emu_close(&e);
}
END_TEST

START_TEST(test_emu_wrong_password)
{
    client_fx_t x;
    emu_t e;
    ga_api_error_t err;
    ga_signin_t si;

    emu_client(&x, &e);
    ck_assert_int_eq(x.ops.signin(x.c, e.user, "not-the-password", &si, &err), GA_ERR_AUTH);
    ck_assert_int_eq(err.status_code, 403);
    ck_assert_int_eq(err.api_code, 2333);
    ck_assert_str_eq(err.message, "Incorrect account or password");
    ck_assert_ptr_null(si.access_token);
    client_close(&x);
    emu_close(&e);
}
END_TEST

/* client_secret_basic: libcurl's Basic authentication. Changes an emulator
 * setting for a moment (restored at the end). */
START_TEST(test_emu_basic_auth)
{
    client_fx_t x;
    emu_t e;
    ga_api_error_t err;
    ga_signin_t si;

    emu_client(&x, &e);
    emu_setting(&e, "token_endpoint_auth_method", "client_secret_basic");
    client_close(&x);
    x.f.cfg.auth_method = GA_CLIENT_AUTH_BASIC;
    client_start(&x);
    ck_assert_int_eq(x.ops.signin(x.c, e.user, e.password, &si, &err), GA_OK);
    ck_assert_ptr_nonnull(si.access_token);
    ga_signin_clear(&si);
    client_close(&x);
    x.f.cfg.auth_method = GA_CLIENT_AUTH_POST; /* credentials sent the wrong way */
    client_start(&x);
    ck_assert_int_eq(x.ops.signin(x.c, e.user, e.password, &si, &err), GA_ERR_UNAVAIL);
    ck_assert_int_eq(err.reason, GA_REASON_APP_CRED);
    ck_assert_int_eq(err.status_code, 401);
    emu_setting(&e, "token_endpoint_auth_method", "client_secret_post");
    client_close(&x);
    emu_close(&e);
}
END_TEST

/* The CA file decides: another CA, a missing file, the system store. */
START_TEST(test_emu_tls_wrong_ca)
{
    client_fx_t x;
    emu_t e;
    ga_api_error_t err;
    ga_signin_t si;
    char wrong[1100];
    const char *slash;

    emu_open(&e);
    slash = strrchr(e.ca, '/');
    snprintf(wrong, sizeof wrong, "%.*s/wrongca.pem", slash ? (int)(slash - e.ca) : 1,
             slash ? e.ca : ".");
    const char *cas[] = {access(wrong, R_OK) == 0 ? wrong : "/etc/ssl/certs/ca-certificates.crt",
                         "/nonexistent/ca.pem", NULL};
    for (size_t i = 0; i < 3; i++) {
        client_open(&x, e.url, cas[i]);
        client_start(&x);
        ck_assert_int_eq(x.ops.signin(x.c, e.user, e.password, &si, &err), GA_ERR_UNAVAIL);
        ck_assert_msg(err.reason == GA_REASON_TLS, "CA %s: reason %s", cas[i] ? cas[i] : "system",
                      ga_reason_name(err.reason));
        ck_assert_int_eq(err.http_status, 0);
        client_close(&x);
    }
    emu_close(&e);
}
END_TEST

/* Proxy variables of the caller's environment are ignored. */
START_TEST(test_emu_proxy_env_ignored)
{
    static const char *const vars[] = {"https_proxy", "HTTPS_PROXY", "http_proxy",
                                       "ALL_PROXY", "all_proxy"};
    client_fx_t x;
    emu_t e;
    ga_api_error_t err;
    ga_signin_t si;
    char dead[64];

    emu_client(&x, &e);
    snprintf(dead, sizeof dead, "http://127.0.0.1:%d", closed_port());
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        setenv(vars[i], dead, 1);
    unsetenv("NO_PROXY");
    unsetenv("no_proxy");
    ck_assert_int_eq(x.ops.signin(x.c, e.user, e.password, &si, &err), GA_OK);
    ck_assert_ptr_nonnull(si.access_token);
    ga_signin_clear(&si);
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        unsetenv(vars[i]);
    client_close(&x);
    emu_close(&e);
}
END_TEST

/* Transport-level faults through the real HTTP layer. */
START_TEST(test_emu_faults)
{
    client_fx_t x;
    emu_t e;
    ga_api_error_t err;
    ga_signin_t si;
    ga_factor_list_t list;

    emu_client(&x, &e);
    ck_assert_int_eq(x.ops.signin(x.c, e.user, e.password, &si, &err), GA_OK);
    emu_fault(&e, "/api/v3/list-enrolled-factors", "huge", 1); /* > GA_HTTP_BODY_MAX */
    ck_assert_int_eq(x.ops.list_enrolled(x.c, si.access_token, &list, &err), GA_ERR_UNAVAIL);
    ck_assert_int_eq(err.reason, GA_REASON_BAD_ANSWER);
    emu_fault(&e, "/api/v3/list-enrolled-factors", "http500", 1);
    ck_assert_int_eq(x.ops.list_enrolled(x.c, si.access_token, &list, &err), GA_ERR_UNAVAIL);
    ck_assert_int_eq(err.reason, GA_REASON_HTTP);
    ck_assert_int_eq(err.http_status, 500);
    emu_fault(&e, "/api/v3/list-enrolled-factors", "status500", 1);
    ck_assert_int_eq(x.ops.list_enrolled(x.c, si.access_token, &list, &err), GA_ERR_UNAVAIL);
    ck_assert_int_eq(err.reason, GA_REASON_SERVER);
    ck_assert_int_eq(err.http_status, 200);
    emu_fault(&e, "/api/v3/list-enrolled-factors", "truncated", 1);
    ck_assert_int_eq(x.ops.list_enrolled(x.c, si.access_token, &list, &err), GA_ERR_UNAVAIL);
    ck_assert_int_eq(err.reason, GA_REASON_BAD_ANSWER);
    /* libcurl retries once, on a fresh connection, when a reused one dies
     * before any answer: reset both attempts */
    emu_fault(&e, "/api/v3/list-enrolled-factors", "reset", 2);
    ck_assert_int_eq(x.ops.list_enrolled(x.c, si.access_token, &list, &err), GA_ERR_UNAVAIL);
    ck_assert_int_eq(err.reason, GA_REASON_NETWORK);
    /* and the handle still works afterwards */
    ck_assert_int_eq(x.ops.list_enrolled(x.c, si.access_token, &list, &err), GA_OK);
    ga_signin_clear(&si);
    client_close(&x);
    emu_close(&e);
}
END_TEST

/* ----------------------------------------------- canned HTTPS answers */

/* A one-shot HTTPS server for answers the emulator cannot give (raw
 * headers such as Retry-After, 1xx, redirects, oversized bodies). It
 * serves the canned answers in order, one connection each, with the
 * emulator's server certificate (next to GA_TEST_CA). */
static const char canned_server_py[] =
    "import json, socket, ssl, sys\n"
    "answers = json.loads(sys.argv[3])\n"
    "ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)\n"
    "ctx.load_cert_chain(sys.argv[1], sys.argv[2])\n"
    "ls = socket.socket()\n"
    "ls.bind(('127.0.0.1', 0))\n"
    "ls.listen(8)\n"
    "print(ls.getsockname()[1], flush=True)\n"
    "for a in answers:\n"
    "    conn, _ = ls.accept()\n"
    "    try:\n"
    "        s = ctx.wrap_socket(conn, server_side=True)\n"
    "        data = b''\n"
    "        while b'\\r\\n\\r\\n' not in data:\n"
    "            chunk = s.recv(4096)\n"
    "            if not chunk:\n"
    "                break\n"
    "            data += chunk\n"
    "        head, _, rest = data.partition(b'\\r\\n\\r\\n')\n"
    "        n = 0\n"
    "        for line in head.split(b'\\r\\n')[1:]:\n"
    "            k, _, v = line.partition(b':')\n"
    "            if k.strip().lower() == b'content-length':\n"
    "                n = int(v)\n"
    "        while len(rest) < n:\n"
    "            rest += s.recv(4096)\n"
    "        s.sendall(a['head'].encode('latin-1') + a.get('body', '').encode('latin-1')"
    " * a.get('repeat', 1))\n"
    "        s.close()\n"
    "    except Exception as e:\n"
    "        pass  # a client that aborts (oversized body) is expected\n";

typedef struct canned {
    pid_t pid;
    char url[64];
} canned_t;

/* Start the canned server with answers (a JSON array); 0, or -1 when the
 * certificates are not there (the caller skips). */
static int canned_start(canned_t *cs, const char *answers)
{
    char dir[1024], cert[1100], key[1100], line[32] = "";
    const char *ca = getenv("GA_TEST_CA"), *slash = strrchr(ca, '/');
    int fds[2];
    FILE *fp;

    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - ca) : 1, slash ? ca : ".");
    snprintf(cert, sizeof cert, "%s/server.pem", dir);
    snprintf(key, sizeof key, "%s/server.key", dir);
    if (access(cert, R_OK) != 0 || access(key, R_OK) != 0)
        return -1;
    ck_assert_int_eq(pipe(fds), 0);
    cs->pid = fork();
    ck_assert_int_ge(cs->pid, 0);
    if (cs->pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execl("/usr/bin/python3", "python3", "-c", canned_server_py, cert, key, answers,
              (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    ck_assert_ptr_nonnull(fp = fdopen(fds[0], "r"));
    ck_assert_ptr_nonnull(fgets(line, sizeof line, fp));
    fclose(fp);
    snprintf(cs->url, sizeof cs->url, "https://localhost:%d", atoi(line));
    return 0;
}

static void canned_stop(canned_t *cs)
{
    kill(cs->pid, SIGTERM);
    waitpid(cs->pid, NULL, 0);
}

#define CLOSE_HDRS "Content-Type: application/json\r\nConnection: close\r\n"
#define ENV429 "{\"statusCode\":429}"

START_TEST(test_canned_headers)
{
    static const struct {
        const char *header;
        long want;
    } ra[] = {
        {"Retry-After: 120\r\n", 120},
        {"retry-after:   7  \r\n", 7},
        {"RETRY-AFTER: 99999\r\n", 3600},
        {"Retry-After: 99999999999999999999999\r\n", 3600},
        {"Retry-After: 0\r\n", 0},
        {"Retry-After: Wed, 21 Oct 2015 07:28:00 GMT\r\n", -1},
        {"Retry-After: -5\r\n", -1},
        {"Retry-After: 12abc\r\n", -1},
        {"Retry-After: 1 2\r\n", -1},
        {"Retry-After:\r\n", -1},
        {"X-Retry-After: 5\r\n", -1},
    };
    json_object *answers = json_object_new_array(), *a;
    ga_http_opts_t o = {0};
    ga_http_t *h = NULL;
    ga_http_response_t resp;
    ga_reason_t reason;
    canned_t cs;
    char head[256];
    size_t i;

    for (i = 0; i < sizeof ra / sizeof ra[0]; i++) {
        a = json_object_new_object();
        snprintf(head, sizeof head, "HTTP/1.1 429 Too Many Requests\r\n%sContent-Length: %zu\r\n"
                 CLOSE_HDRS "\r\n", ra[i].header, strlen(ENV429));
        json_object_object_add(a, "head", json_object_new_string(head));
        json_object_object_add(a, "body", json_object_new_string(ENV429));
        json_object_array_add(answers, a);
    }
    /* a 1xx carrying Retry-After, then the final answer without one */
    static const char informational[] = "HTTP/1.1 100 Continue\r\nRetry-After: 5\r\n\r\n"
                                        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n" CLOSE_HDRS
                                        "\r\nab\001\000c";
    a = json_object_new_object();
    json_object_object_add(a, "head",
                           json_object_new_string_len(informational, sizeof informational - 1));
    json_object_array_add(answers, a);
    if (canned_start(&cs, json_object_to_json_string(answers)) != 0) {
        json_object_put(answers);
        return; /* no server certificate next to GA_TEST_CA */
    }
    json_object_put(answers);
    o.base_url = cs.url;
    o.ca_file = getenv("GA_TEST_CA");
    o.connect_timeout_s = 5;
    o.timeout_s = 5;
    ck_assert_int_eq(ga_http_new(&o, NULL, &h), GA_OK);
    for (i = 0; i < sizeof ra / sizeof ra[0]; i++) {
        ck_assert_int_eq(ga_http_request(h, "GET", "/r", NULL, NULL, &resp, &reason), GA_OK);
        ck_assert_int_eq(resp.http_status, 429);
        ck_assert_msg(resp.retry_after_s == ra[i].want, "%s: %ld", ra[i].header,
                      resp.retry_after_s);
        ck_assert_str_eq(resp.body, ENV429);
        ga_http_response_clear(&resp);
        ck_assert_ptr_null(resp.body);
    }
    ck_assert_int_eq(ga_http_request(h, "POST", "/r", NULL, "{}", &resp, &reason), GA_OK);
    ck_assert_int_eq(resp.http_status, 200);
    ck_assert_int_eq(resp.retry_after_s, -1);
    ck_assert_uint_eq(resp.len, 5);
    ck_assert_int_eq(memcmp(resp.body, "ab\001\000c", 6), 0); /* NUL kept, NUL added */
    ga_http_response_clear(&resp);
    ga_http_free(h);
    canned_stop(&cs);
}
END_TEST

/* Redirects are not followed; oversized bodies are refused, announced
 * (Content-Length) or not; an empty body is an empty string. */
START_TEST(test_canned_bodies)
{
    static const char *const heads[] = {
        "HTTP/1.1 302 Found\r\nLocation: https://127.0.0.1:1/elsewhere\r\nContent-Length: 2\r\n"
        CLOSE_HDRS "\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 2000000\r\n" CLOSE_HDRS "\r\n",
        "HTTP/1.1 200 OK\r\n" CLOSE_HDRS "\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n" CLOSE_HDRS "\r\n",
        "HTTP/1.1 429 Too Many\r\nRetry-After: 42\r\nContent-Length: 18\r\n" CLOSE_HDRS "\r\n",
    };
    static const char *const bodies[] = {"{}", "x", "y", "", ENV429};
    static const int repeats[] = {1, 2000000, GA_HTTP_BODY_MAX + 1, 1, 1};
    json_object *answers = json_object_new_array(), *a;
    ga_http_opts_t o = {0};
    ga_http_t *h = NULL;
    ga_http_response_t resp;
    ga_reason_t reason;
    canned_t cs;
    client_fx_t x;
    ga_profile_t p;
    ga_api_error_t err;
    char *et = NULL;

    for (size_t i = 0; i < 5; i++) {
        a = json_object_new_object();
        json_object_object_add(a, "head", json_object_new_string(heads[i]));
        json_object_object_add(a, "body", json_object_new_string(bodies[i]));
        json_object_object_add(a, "repeat", json_object_new_int(repeats[i]));
        json_object_array_add(answers, a);
    }
    if (canned_start(&cs, json_object_to_json_string(answers)) != 0) {
        json_object_put(answers);
        return;
    }
    json_object_put(answers);
    o.base_url = cs.url;
    o.ca_file = getenv("GA_TEST_CA");
    o.connect_timeout_s = 5;
    o.timeout_s = 10;
    ck_assert_int_eq(ga_http_new(&o, NULL, &h), GA_OK);
    ck_assert_int_eq(ga_http_request(h, "GET", "/a", NULL, NULL, &resp, &reason), GA_OK);
    ck_assert_int_eq(resp.http_status, 302);
    ck_assert_str_eq(resp.body, "{}");
    ga_http_response_clear(&resp);
    ck_assert_int_eq(ga_http_request(h, "GET", "/b", NULL, NULL, &resp, &reason), GA_ERR_UNAVAIL);
    ck_assert_int_eq(reason, GA_REASON_BAD_ANSWER);
    ck_assert_ptr_null(resp.body);
    ck_assert_int_eq(ga_http_request(h, "GET", "/c", NULL, NULL, &resp, &reason), GA_ERR_UNAVAIL);
    ck_assert_int_eq(reason, GA_REASON_BAD_ANSWER);
    ck_assert_ptr_null(resp.body);
    ck_assert_int_eq(ga_http_request(h, "GET", "/d", NULL, NULL, &resp, &reason), GA_OK);
    ck_assert_int_eq(resp.http_status, 200);
    ck_assert_ptr_nonnull(resp.body);
    ck_assert_uint_eq(resp.len, 0);
    ck_assert_str_eq(resp.body, "");
    ga_http_response_clear(&resp);
    ga_http_free(h);
    /* Retry-After reaches ga_api_error_t through the client */
    client_open(&x, cs.url, getenv("GA_TEST_CA"));
    client_start(&x);
    profile_sms(&p, "+86", "18812345678");
    ck_assert_int_eq(x.ops.send_enroll(x.c, "tok", &p, &et, &err), GA_ERR_THROTTLED);
    ck_assert_int_eq(err.retry_after_s, 42);
    ck_assert_int_eq(err.http_status, 429);
    ck_assert_int_eq(err.status_code, 429);
    ck_assert_ptr_null(et);
    client_close(&x);
    canned_stop(&cs);
}
END_TEST

/* ------------------------------------- issue-4 calls on the wire (HTTPS) */

/* A keep-alive HTTPS server that answers by path (each path's answers in
 * order, the last one repeated) and records every request as one JSON
 * line {conn (the client's port: one per TCP connection), method, target
 * (path and raw query), headers [[name, value]...], body} in argv[4]. */
static const char recorder_py[] =
    "import http.server, json, ssl, sys, threading\n"
    "answers = json.loads(sys.argv[3])\n"
    "log = open(sys.argv[4], 'a')\n"
    "lock = threading.Lock()\n"
    "served = {}\n"
    "class H(http.server.BaseHTTPRequestHandler):\n"
    "    protocol_version = 'HTTP/1.1'\n"
    "    def log_message(self, *a):\n"
    "        pass\n"
    "    def answer(self):\n"
    "        n = int(self.headers.get('Content-Length') or 0)\n"
    "        body = self.rfile.read(n).decode('utf-8', 'replace') if n else None\n"
    "        path = self.path.split('?')[0]\n"
    "        with lock:\n"
    "            i = served.get(path, 0)\n"
    "            served[path] = i + 1\n"
    "            log.write(json.dumps({'conn': self.client_address[1], 'method': self.command,\n"
    "                                  'target': self.path, 'body': body,\n"
    "                                  'headers': [[k.lower(), v] for k, v in self.headers.items()]})\n"
    "                      + '\\n')\n"
    "            log.flush()\n"
    "        todo = answers.get(path) or [[404, '{\"statusCode\":404}']]\n"
    "        status, text = todo[min(i, len(todo) - 1)]\n"
    "        data = text.encode('utf-8')\n"
    "        self.send_response(status)\n"
    "        self.send_header('Content-Type', 'application/json')\n"
    "        self.send_header('Content-Length', str(len(data)))\n"
    "        self.end_headers()\n"
    "        self.wfile.write(data)\n"
    "    do_GET = do_POST = answer\n"
    "srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), H)\n"
    "srv.daemon_threads = True\n"
    "ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)\n"
    "ctx.load_cert_chain(sys.argv[1], sys.argv[2])\n"
    "srv.socket = ctx.wrap_socket(srv.socket, server_side=True)\n"
    "print(srv.server_address[1], flush=True)\n"
    "srv.serve_forever()\n";

typedef struct recorder {
    pid_t pid;
    int port;
    char log[64];
    char app[64];  /* https://localhost:PORT */
    char mgmt[64]; /* https://127.0.0.1:PORT: the same server under another name */
} recorder_t;

/* Start the recorder with answers {path: [[http, body]...]}; 0, or -1
 * when the certificates are not there (the caller skips). */
static int recorder_start(recorder_t *rs, json_object *answers)
{
    char dir[1024], cert[1100], key[1100], line[32] = "";
    const char *ca = getenv("GA_TEST_CA"), *slash = strrchr(ca, '/');
    int fds[2], lfd;
    FILE *fp;

    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - ca) : 1, slash ? ca : ".");
    snprintf(cert, sizeof cert, "%s/server.pem", dir);
    snprintf(key, sizeof key, "%s/server.key", dir);
    if (access(cert, R_OK) != 0 || access(key, R_OK) != 0) {
        json_object_put(answers);
        return -1;
    }
    snprintf(rs->log, sizeof rs->log, "/tmp/check_api_wire.XXXXXX");
    ck_assert_int_ge(lfd = mkstemp(rs->log), 0);
    close(lfd);
    ck_assert_int_eq(pipe(fds), 0);
    rs->pid = fork();
    ck_assert_int_ge(rs->pid, 0);
    if (rs->pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execl("/usr/bin/python3", "python3", "-c", recorder_py, cert, key,
              json_object_to_json_string_ext(answers, JSON_C_TO_STRING_PLAIN), rs->log,
              (char *)NULL);
        _exit(127);
    }
    json_object_put(answers);
    close(fds[1]);
    ck_assert_ptr_nonnull(fp = fdopen(fds[0], "r"));
    ck_assert_ptr_nonnull(fgets(line, sizeof line, fp));
    fclose(fp);
    rs->port = atoi(line);
    snprintf(rs->app, sizeof rs->app, "https://localhost:%d", rs->port);
    snprintf(rs->mgmt, sizeof rs->mgmt, "https://127.0.0.1:%d", rs->port);
    return 0;
}

static void recorder_stop(recorder_t *rs)
{
    kill(rs->pid, SIGTERM);
    waitpid(rs->pid, NULL, 0);
    unlink(rs->log);
}

/* answers[path] += [http, body] */
static void answer_add(json_object *answers, const char *path, int http, const char *body)
{
    json_object *list = NULL, *a = json_object_new_array();

    if (!json_object_object_get_ex(answers, path, &list)) {
        list = json_object_new_array();
        json_object_object_add(answers, path, list);
    }
    json_object_array_add(a, json_object_new_int(http));
    json_object_array_add(a, json_object_new_string(body));
    json_object_array_add(list, a);
}

/* The recorded requests, in order (a JSON array; caller puts it). */
static json_object *recorded(const recorder_t *rs)
{
    json_object *all = json_object_new_array(), *r;
    char line[65536];
    FILE *fp = fopen(rs->log, "r");

    ck_assert_ptr_nonnull(fp);
    while (fgets(line, sizeof line, fp)) {
        ck_assert_ptr_nonnull(r = json_tokener_parse(line));
        json_object_array_add(all, r);
    }
    fclose(fp);
    return all;
}

static json_object *req_at(json_object *all, size_t i)
{
    ck_assert_uint_gt(json_object_array_length(all), i);
    return json_object_array_get_idx(all, i);
}

/* The value of header name (lower case) in request r, or NULL; fails if
 * the header was sent more than once. */
static const char *req_header(json_object *r, const char *name)
{
    json_object *hs, *h;
    const char *found = NULL;

    ck_assert(json_object_object_get_ex(r, "headers", &hs));
    for (size_t i = 0; i < json_object_array_length(hs); i++) {
        h = json_object_array_get_idx(hs, i);
        if (strcmp(json_object_get_string(json_object_array_get_idx(h, 0)), name) == 0) {
            ck_assert_msg(!found, "header %s sent twice", name);
            found = json_object_get_string(json_object_array_get_idx(h, 1));
        }
    }
    return found;
}

static long req_conn(json_object *r)
{
    json_object *v;

    ck_assert(json_object_object_get_ex(r, "conn", &v));
    return (long)json_object_get_int64(v);
}

/* Request i is method + target; its body, parsed (NULL for none). */
static json_object *req_check(json_object *all, size_t i, const char *method,
                              const char *target)
{
    json_object *r = req_at(all, i), *b = NULL;

    ck_assert_str_eq(str_at(r, "method"), method);
    ck_assert_str_eq(str_at(r, "target"), target);
    if (json_object_object_get_ex(r, "body", &b) && json_object_is_type(b, json_type_string))
        return parse(json_object_get_string(b));
    return NULL;
}

/* The headers every call sends (ga_api.h), on request r to host. */
static void req_common(json_object *r, const char *host)
{
    char want[80];

    ck_assert_str_eq(req_header(r, "x-authing-app-id"), "emu-app-id");
    ck_assert_str_eq(req_header(r, "x-authing-lang"), "en-US");
    ck_assert_str_eq(req_header(r, "x-authing-request-from"), "pam_genauth");
    ck_assert_str_eq(req_header(r, "x-authing-sdk-version"), "pam_genauth:" PACKAGE_VERSION);
    ck_assert_str_eq(req_header(r, "x-real-ip"), "198.51.100.9");
    snprintf(want, sizeof want, "%s", host + strlen("https://"));
    ck_assert_str_eq(req_header(r, "host"), want);
}

/* Was connection conn of request i used by any earlier request? */
static int conn_seen_before(json_object *all, size_t i)
{
    long conn = req_conn(req_at(all, i));

    for (size_t k = 0; k < i; k++)
        if (req_conn(req_at(all, k)) == conn)
            return 1;
    return 0;
}

/* No request carries needle in a header or in its target; in bodies only
 * request allowed (-1: none). */
static void assert_nowhere(json_object *all, const char *needle, long allowed)
{
    for (size_t i = 0; i < json_object_array_length(all); i++) {
        json_object *r = req_at(all, i), *b = NULL;
        const char *text = json_object_to_json_string(json_object_object_get(r, "headers"));

        ck_assert_msg(!strstr(text, needle), "request %zu: %s in a header", i, needle);
        ck_assert_msg(!strstr(str_at(r, "target"), needle), "request %zu: %s in the URL", i,
                      needle);
        if ((long)i != allowed && json_object_object_get_ex(r, "body", &b)
            && json_object_is_type(b, json_type_string))
            ck_assert_msg(!strstr(json_object_get_string(b), needle), "request %zu: %s in "
                          "the body", i, needle);
    }
}

#define OTP_URI "otpauth://totp/pool:bob?secret=JBSWY3DPEHPK3PXPJBSWY3DP&issuer=pool"

/* The user-token and mfaToken calls: method, path, headers, bodies, and a
 * fresh connection for every send and verification. */
START_TEST(test_mfa_wire_user)
{
    json_object *answers = json_object_new_object(), *all, *b;
    recorder_t rs;
    client_fx_t x;
    ga_api_error_t err;
    ga_factor_list_t list;
    ga_otp_data_t otp;
    ga_mfa_trigger_t t;
    char *et = NULL, *rc = NULL;
    size_t n = 0;

    answer_add(answers, "/api/v3/list-enrolled-factors", 200, "{\"statusCode\":200,\"data\":[]}");
    answer_add(answers, "/api/v3/send-enroll-factor-request", 200,
               "{\"statusCode\":200,\"data\":{\"enrollmentToken\":\"et-otp\",\"otpData\":{"
               "\"qrCodeUri\":\"" OTP_URI "\",\"recoveryCode\":\"rc-1111-2222\"}}}");
    answer_add(answers, "/api/v3/mfa-totp-verify", 200,
               "{\"statusCode\":200,\"data\":{\"verified\":true}}");
    answer_add(answers, "/api/v3/mfa-totp-verify", 200,
               "{\"statusCode\":200,\"data\":{\"verified\":false}}");
    answer_add(answers, "/api/v3/send-sms", 200, "{\"statusCode\":200,\"message\":\"sent\"}");
    answer_add(answers, "/api/v3/send-email", 200, "{\"statusCode\":422,\"message\":\"wait\"}");
    answer_add(answers, "/api/v2/applications/mfa/sms/verify", 200, "{\"code\":6001}");
    answer_add(answers, "/api/v2/applications/mfa/email/verify", 200, "{\"code\":200}");
    answer_add(answers, "/api/v2/mfa/totp/verify", 200, "{\"code\":2021}");
    answer_add(answers, "/api/v2/mfa/totp/recovery", 200,
               "{\"code\":200,\"data\":{\"recoveryCode\":\"new-rc-3333-4444\"}}");
    if (recorder_start(&rs, answers) != 0)
        return;
    client_open(&x, rs.app, getenv("GA_TEST_CA"));
    client_start(&x);
    ck_assert_int_eq(ga_client_set_end_user_ip(x.c, "198.51.100.9"), GA_OK);

    /* two look-ups share one connection: the server keeps it alive */
    ck_assert_int_eq(x.ops.list_enrolled(x.c, "user.tok", &list, &err), GA_OK);
    ck_assert_int_eq(x.ops.list_enrolled(x.c, "user.tok", &list, &err), GA_OK);
    ck_assert_int_eq(x.ops.send_enroll_otp(x.c, "user.tok", &et, &otp, &err), GA_OK);
    ck_assert_str_eq(et, "et-otp");
    ck_assert_str_eq(otp.qr_uri, OTP_URI);
    ck_assert_str_eq(otp.recovery_code, "rc-1111-2222");
    ck_assert_int_eq(x.ops.totp_verify(x.c, "user.tok", "123456", &err), GA_OK);
    ck_assert_int_eq(x.ops.totp_verify(x.c, "user.tok", "654321", &err), GA_ERR_WRONG_CODE);
    trigger_sms(&t, "+86", "18812345678");
    ck_assert_int_eq(x.ops.send_mfa_code(x.c, GA_FACTOR_SMS, &t, &err), GA_OK);
    ck_assert_int_eq(x.ops.verify_mfa_code(x.c, "mfa.tok", GA_FACTOR_SMS, &t, "4321", &err),
                     GA_ERR_WRONG_CODE);
    ck_assert_int_eq(err.status_code, 6001);
    trigger_email(&t, "bob@example.com");
    ck_assert_int_eq(x.ops.send_mfa_code(x.c, GA_FACTOR_EMAIL, &t, &err), GA_ERR_THROTTLED);
    ck_assert_int_eq(x.ops.verify_mfa_code(x.c, "mfa.tok", GA_FACTOR_EMAIL, &t, "98765", &err),
                     GA_OK);
    ck_assert_int_eq(x.ops.verify_mfa_code(x.c, "mfa.tok", GA_FACTOR_OTP, NULL, "000111", &err),
                     GA_ERR_EXPIRED);
    ck_assert_int_eq(x.ops.totp_recovery(x.c, "mfa.tok", "rc-1111-2222", &rc, &err), GA_OK);
    ck_assert_str_eq(rc, "new-rc-3333-4444");
    client_close(&x);
    all = recorded(&rs);
    ck_assert_uint_eq(json_object_array_length(all), 11);

    ck_assert_ptr_null(req_check(all, n++, "GET", "/api/v3/list-enrolled-factors"));
    ck_assert_ptr_null(req_check(all, n++, "GET", "/api/v3/list-enrolled-factors"));
    ck_assert(conn_seen_before(all, 1));
    b = req_check(all, n, "POST", "/api/v3/send-enroll-factor-request");
    assert_keys(b, "factorType", "profile", NULL);
    ck_assert_str_eq(str_at(b, "factorType"), "OTP");
    assert_keys(obj_at(b, "profile"), NULL);
    ck_assert_str_eq(req_header(req_at(all, n++), "authorization"), "Bearer user.tok");
    json_object_put(b);
    for (int i = 0; i < 2; i++) {
        b = req_check(all, n, "POST", "/api/v3/mfa-totp-verify");
        assert_keys(b, "totp", NULL);
        ck_assert_str_eq(str_at(b, "totp"), i ? "654321" : "123456");
        ck_assert_str_eq(req_header(req_at(all, n++), "authorization"), "Bearer user.tok");
        json_object_put(b);
    }
    b = req_check(all, n, "POST", "/api/v3/send-sms");
    assert_keys(b, "phoneNumber", "phoneCountryCode", "channel", NULL);
    ck_assert_str_eq(str_at(b, "phoneNumber"), "18812345678");
    ck_assert_str_eq(str_at(b, "phoneCountryCode"), "+86");
    ck_assert_str_eq(str_at(b, "channel"), "CHANNEL_VERIFY_MFA");
    ck_assert_ptr_null(req_header(req_at(all, n++), "authorization"));
    json_object_put(b);
    b = req_check(all, n, "POST", "/api/v2/applications/mfa/sms/verify");
    assert_keys(b, "phone", "code", "phoneCountryCode", NULL);
    ck_assert_str_eq(str_at(b, "phone"), "18812345678");
    ck_assert_str_eq(str_at(b, "code"), "4321");
    ck_assert_str_eq(req_header(req_at(all, n++), "authorization"), "Bearer mfa.tok");
    json_object_put(b);
    b = req_check(all, n, "POST", "/api/v3/send-email");
    assert_keys(b, "email", "channel", NULL);
    ck_assert_str_eq(str_at(b, "email"), "bob@example.com");
    ck_assert_ptr_null(req_header(req_at(all, n++), "authorization"));
    json_object_put(b);
    b = req_check(all, n, "POST", "/api/v2/applications/mfa/email/verify");
    assert_keys(b, "email", "code", NULL);
    ck_assert_str_eq(str_at(b, "code"), "98765");
    ck_assert_str_eq(req_header(req_at(all, n++), "authorization"), "Bearer mfa.tok");
    json_object_put(b);
    b = req_check(all, n, "POST", "/api/v2/mfa/totp/verify");
    assert_keys(b, "totp", NULL);
    ck_assert_str_eq(str_at(b, "totp"), "000111");
    ck_assert_str_eq(req_header(req_at(all, n++), "authorization"), "Bearer mfa.tok");
    json_object_put(b);
    b = req_check(all, n, "POST", "/api/v2/mfa/totp/recovery");
    assert_keys(b, "recoveryCode", NULL);
    ck_assert_str_eq(str_at(b, "recoveryCode"), "rc-1111-2222");
    ck_assert_str_eq(req_header(req_at(all, n++), "authorization"), "Bearer mfa.tok");
    json_object_put(b);
    for (size_t i = 0; i < n; i++) {
        json_object *r = req_at(all, i);

        req_common(r, rs.app);
        ck_assert_ptr_null(req_header(r, "x-authing-userpool-id"));
        /* every send and verification on a connection of its own */
        if (i >= 2)
            ck_assert_msg(!conn_seen_before(all, i), "request %zu reused a connection", i);
    }
    assert_nowhere(all, "emu-app-secret", -1);
    /* the debug log: no code, token or target in clear */
    for (size_t i = 0; i < x.log.n; i++) {
        static const char *const secret[] = {"user.tok", "mfa.tok", "123456", "654321", "4321",
                                             "98765", "000111", "rc-1111", "new-rc",
                                             "18812345678", "bob@example.com", "et-otp"};
        for (size_t k = 0; k < sizeof secret / sizeof secret[0]; k++)
            ck_assert_msg(!strstr(x.log.line[i], secret[k]), "log line shows %s: %s", secret[k],
                          x.log.line[i]);
    }
    ck_assert(log_has(&x.log, "sending an MFA code by SMS to +86 188****5678"));
    ck_assert(log_has(&x.log, "sending an MFA code by EMAIL to b***@example.com"));
    json_object_put(all);
    free(et);
    free(rc);
    ga_otp_data_clear(&otp);
    recorder_stop(&rs);
}
END_TEST

#define MGMT_OK(tok, life)                                                                \
    "{\"statusCode\":200,\"data\":{\"access_token\":\"" tok "\",\"expires_in\":" #life "}}"
#define TRIGGER_OK                                                                        \
    "{\"statusCode\":200,\"data\":{\"mfaToken\":\"mfa.from.mgmt\",\"applicationMfa\":["    \
    "{\"mfaPolicy\":\"SMS\",\"status\":1}],\"mfaPhone\":\"13912345678\","                 \
    "\"mfaPhoneCountryCode\":\"+86\"}}"

/* Management API: host, headers, body, query encoding, token cache. */
START_TEST(test_mfa_wire_mgmt)
{
    static const char user_id[] = "a+b c&d=e/\xc3\xbc@example.com";
    json_object *answers = json_object_new_object(), *all, *b;
    recorder_t rs;
    client_fx_t x;
    ga_api_error_t err;
    ga_mfa_trigger_t got;
    char want[512], *dec;
    CURL *curl;
    const char *target, *q;

    answer_add(answers, "/api/v3/get-management-token", 200, MGMT_OK("mgmt.tok.1", 7200));
    answer_add(answers, "/api/v3/get-mfa-trigger-data", 200, TRIGGER_OK);
    if (recorder_start(&rs, answers) != 0)
        return;
    ga_mgmt_cache_reset();
    client_open(&x, rs.app, getenv("GA_TEST_CA"));
    fixture_mgmt(&x.f, rs.mgmt, "pool-1", "pool-secret-xyz");
    client_start(&x);
    ck_assert_int_eq(ga_client_set_end_user_ip(x.c, "198.51.100.9"), GA_OK);
    /* two look-ups, one token */
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(x.ops.mfa_trigger(x.c, user_id, "email", &got, &err), GA_OK);
        ck_assert_str_eq(got.mfa_token, "mfa.from.mgmt");
        ck_assert_int_eq(got.sms, 1);
        ck_assert_str_eq(got.phone, "13912345678");
        ga_mfa_trigger_clear(&got);
    }
    client_close(&x);
    all = recorded(&rs);
    ck_assert_uint_eq(json_object_array_length(all), 3);
    b = req_check(all, 0, "POST", "/api/v3/get-management-token");
    assert_keys(b, "accessKeyId", "accessKeySecret", NULL);
    ck_assert_str_eq(str_at(b, "accessKeyId"), "pool-1");
    ck_assert_str_eq(str_at(b, "accessKeySecret"), "pool-secret-xyz");
    json_object_put(b);
    ck_assert_ptr_null(req_header(req_at(all, 0), "authorization"));
    for (size_t i = 0; i < 3; i++) {
        json_object *r = req_at(all, i);

        req_common(r, rs.mgmt); /* the management host, not app_host */
        ck_assert_str_eq(req_header(r, "x-authing-userpool-id"), "pool-1");
        if (i == 0)
            continue;
        ck_assert_str_eq(req_header(r, "authorization"), "Bearer mgmt.tok.1");
        ck_assert_str_eq(str_at(r, "method"), "GET");
        ck_assert_ptr_null(json_object_get_string(json_object_object_get(r, "body")));
        /* the query: three members, each value encoded by libcurl */
        target = str_at(r, "target");
        ck_assert(strncmp(target, "/api/v3/get-mfa-trigger-data?appId=emu-app-id&userId=", 53)
                  == 0);
        q = target + 53;
        ck_assert_ptr_nonnull(strstr(q, "&userIdType=email"));
        ck_assert_str_eq(strstr(q, "&userIdType=email"), "&userIdType=email");
        for (const char *p = target; *p; p++)
            ck_assert_msg((unsigned char)*p > 0x20 && (unsigned char)*p < 0x7f, "raw byte %02x",
                          (unsigned char)*p);
        snprintf(want, sizeof want, "%.*s", (int)(strstr(q, "&userIdType") - q), q);
        ck_assert_ptr_null(strpbrk(want, "&=/@ ")); /* none left raw */
        /* '+' is not a space (libcurl writes lower-case hex) */
        ck_assert(strstr(want, "%2B") || strstr(want, "%2b"));
        ck_assert_ptr_nonnull(curl = curl_easy_init());
        for (char *p = want; *p; p++)
            if (*p == '+')
                *p = ' '; /* form encoding of a space */
        ck_assert_ptr_nonnull(dec = curl_easy_unescape(curl, want, 0, NULL));
        ck_assert_str_eq(dec, user_id);
        curl_free(dec);
        curl_easy_cleanup(curl);
    }
    /* the pool secret only in the token request's body */
    assert_nowhere(all, "pool-secret-xyz", 0);
    assert_nowhere(all, "emu-app-secret", -1);
    for (size_t i = 0; i < x.log.n; i++) {
        ck_assert_ptr_null(strstr(x.log.line[i], "mgmt.tok"));
        ck_assert_ptr_null(strstr(x.log.line[i], "pool-secret"));
        ck_assert_ptr_null(strstr(x.log.line[i], "mfa.from.mgmt"));
        ck_assert_ptr_null(strstr(x.log.line[i], "example.com"));
        ck_assert_ptr_null(strstr(x.log.line[i], "userId"));
    }
    ck_assert(log_has(&x.log, "GET /api/v3/get-mfa-trigger-data: HTTP 200"));
    json_object_put(all);
    recorder_stop(&rs);
}
END_TEST

/* The token cache: a 401 drops the token and fetches a new one, once; a
 * token too close to expiry is not reused; another secret is another key. */
START_TEST(test_mfa_wire_token_refresh)
{
    json_object *answers = json_object_new_object(), *all;
    recorder_t rs;
    client_fx_t x;
    ga_api_error_t err;
    ga_mfa_trigger_t got;
    static const char *const want[][2] = {
        {"POST", NULL},         {"GET", "Bearer tok.A"}, /* 401 */
        {"POST", NULL},         {"GET", "Bearer tok.B"}, /* 200 */
        {"GET", "Bearer tok.B"},                         /* cached */
        {"GET", "Bearer tok.B"}, {"POST", NULL},  {"GET", "Bearer tok.C"}, /* 401, 401 */
        {"POST", NULL},         {"GET", "Bearer tok.D"}, /* another secret */
        {"POST", NULL},         {"GET", "Bearer tok.D"}, /* expires_in 60: */
        {"POST", NULL},         {"GET", "Bearer tok.D"}, /* never reused */
    };

    answer_add(answers, "/api/v3/get-management-token", 200, MGMT_OK("tok.A", 7200));
    answer_add(answers, "/api/v3/get-management-token", 200, MGMT_OK("tok.B", 7200));
    answer_add(answers, "/api/v3/get-management-token", 200, MGMT_OK("tok.C", 7200));
    answer_add(answers, "/api/v3/get-management-token", 200, MGMT_OK("tok.D", 60));
    answer_add(answers, "/api/v3/get-mfa-trigger-data", 401,
               "{\"statusCode\":401,\"message\":\"token expired\"}");
    answer_add(answers, "/api/v3/get-mfa-trigger-data", 200, TRIGGER_OK);
    answer_add(answers, "/api/v3/get-mfa-trigger-data", 200, TRIGGER_OK);
    answer_add(answers, "/api/v3/get-mfa-trigger-data", 200, "{\"statusCode\":401}");
    answer_add(answers, "/api/v3/get-mfa-trigger-data", 401, "<html>401</html>");
    answer_add(answers, "/api/v3/get-mfa-trigger-data", 200, TRIGGER_OK);
    if (recorder_start(&rs, answers) != 0)
        return;
    ga_mgmt_cache_reset();
    client_open(&x, rs.app, getenv("GA_TEST_CA"));
    fixture_mgmt(&x.f, rs.mgmt, "pool-1", "secret-1");
    client_start(&x);
    ck_assert_int_eq(x.ops.mfa_trigger(x.c, "bob", "username", &got, &err), GA_OK);
    ga_mfa_trigger_clear(&got);
    ck_assert_int_eq(x.ops.mfa_trigger(x.c, "bob", "username", &got, &err), GA_OK);
    ga_mfa_trigger_clear(&got);
    /* refused with the cached token and with a new one: no third try */
    ck_assert_int_eq(x.ops.mfa_trigger(x.c, "bob", "username", &got, &err), GA_ERR_UNAVAIL);
    ck_assert_int_eq(err.http_status, 401);
    ck_assert_int_eq(err.reason, GA_REASON_HTTP);
    ck_assert_ptr_null(got.mfa_token);
    ck_assert(log_has(&x.log, "management token refused (cached token)"));
    ck_assert(log_has(&x.log, "management token refused (new token)"));
    client_close(&x);
    /* the same host and pool with another secret: not the cached token */
    client_open(&x, rs.app, getenv("GA_TEST_CA"));
    fixture_mgmt(&x.f, rs.mgmt, "pool-1", "secret-2");
    client_start(&x);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(x.ops.mfa_trigger(x.c, "bob", "username", &got, &err), GA_OK);
        ga_mfa_trigger_clear(&got);
    }
    client_close(&x);
    all = recorded(&rs);
    ck_assert_uint_eq(json_object_array_length(all), sizeof want / sizeof want[0]);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        json_object *r = req_at(all, i);

        ck_assert_str_eq(str_at(r, "method"), want[i][0]);
        if (want[i][1])
            ck_assert_str_eq(req_header(r, "authorization"), want[i][1]);
        else
            ck_assert_str_eq(str_at(r, "target"), "/api/v3/get-management-token");
    }
    json_object_put(all);
    ga_mgmt_cache_reset();
    recorder_stop(&rs);
}
END_TEST

static void add_emulator_tests(Suite *s)
{
    TCase *tc;

    if (!getenv("GA_TEST_EMULATOR_URL") || !getenv("GA_TEST_CA")) {
        fprintf(stderr, "check_api: GA_TEST_EMULATOR_URL/GA_TEST_CA not set: "
                        "emulator tests skipped\n");
        return;
    }
    tc = tcase_create("emulator");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_emu_flow);
    tcase_add_test(tc, test_emu_mfa_sms);
    tcase_add_test(tc, test_emu_wire);
    tcase_add_test(tc, test_emu_wrong_password);
    tcase_add_test(tc, test_emu_basic_auth);
    tcase_add_test(tc, test_emu_tls_wrong_ca);
    tcase_add_test(tc, test_emu_proxy_env_ignored);
    tcase_add_test(tc, test_emu_faults);
    tcase_add_test(tc, test_canned_headers);
    tcase_add_test(tc, test_canned_bodies);
    tcase_add_test(tc, test_mfa_wire_user);
    tcase_add_test(tc, test_mfa_wire_mgmt);
    tcase_add_test(tc, test_mfa_wire_token_refresh);
    suite_add_tcase(s, tc);
}

static Suite *api_suite(void)
{
    Suite *s = suite_create("api");
    TCase *tc;

    tc = tcase_create("global");
    tcase_add_test(tc, test_sslkeylogfile_refused);
    suite_add_tcase(s, tc);

    tc = tcase_create("bodies");
    tcase_add_loop_test(tc, test_signin_body, 0, 24);
    tcase_add_test(tc, test_signin_body_rejects);
    tcase_add_test(tc, test_send_enroll_body);
    tcase_add_test(tc, test_send_enroll_body_rejects);
    tcase_add_test(tc, test_enroll_body);
    tcase_add_test(tc, test_enroll_body_rejects);
    tcase_add_test(tc, test_mfa_bodies);
    tcase_add_test(tc, test_mfa_bodies_reject);
    suite_add_tcase(s, tc);

    tc = tcase_create("arguments");
    tcase_add_test(tc, test_client_new);
    tcase_add_test(tc, test_ops_reject_before_io);
    tcase_add_test(tc, test_mfa_ops_reject_before_io);
    tcase_add_test(tc, test_client_new_mgmt);
    tcase_add_test(tc, test_http_new_rejects);
    tcase_add_test(tc, test_http_request_rejects);
    suite_add_tcase(s, tc);

    tc = tcase_create("network");
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, test_refused);
    tcase_add_test(tc, test_timeout);
    tcase_add_test(tc, test_budget);
    tcase_add_test(tc, test_budget_caps_request);
    tcase_add_test(tc, test_budget_both_hosts);
    tcase_add_test(tc, test_dns);
    suite_add_tcase(s, tc);

    add_emulator_tests(s);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(api_suite());
    int failed;

    /* a peer closing a TLS connection must not kill the test */
    signal(SIGPIPE, SIG_IGN);
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
