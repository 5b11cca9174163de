/* check_config.c - unit tests for ga_perm, ga_args and ga_config.
 *
 * Config files are generated at run time in a mkdtemp directory, mode
 * 0600, owned by the running user: ga_config_load is called with
 * geteuid(), so the tests pass as root and as a normal user. */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ga_args.h"
#include "ga_config.h"
#include "ga_perm.h"

/* Appears in every generated config; must never show up in an error. */
#define SECRET "S3cr3t-Value-XYZ"
#define L_ID "app_id = \"6123abcd\"\n"
#define L_SECRET "app_secret = \"" SECRET "\"\n"
#define L_HOST "app_host = \"https://example.genauth.ai\"\n"
#define BASE L_ID L_SECRET L_HOST

static char dir[64];
static char err[512];

static void setup(void)
{
    strcpy(dir, "/tmp/check_config.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    err[0] = '\0';
}

static void teardown(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char p[PATH_MAX];

    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        (void)snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (unlink(p) != 0)
            (void)rmdir(p);
    }
    closedir(d);
    (void)rmdir(dir);
}

/* Write len bytes into dir/name with mode; returns the path (static). */
static const char *write_n(const char *name, const char *text, size_t len, mode_t mode)
{
    static char path[PATH_MAX];
    int fd;

    (void)snprintf(path, sizeof path, "%s/%s", dir, name);
    (void)unlink(path);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
    ck_assert_int_eq(fchmod(fd, mode), 0);
    ck_assert_int_eq(close(fd), 0);
    return path;
}

static const char *write_conf(const char *text)
{
    return write_n("pam_genauth.conf", text, strlen(text), 0600);
}

/* Load text; on success *out holds the config, else NULL. */
static ga_status_t load_text(const char *text, ga_config_t **out)
{
    const char *path = write_conf(text);

    err[0] = '\0';
    return ga_config_load(path, geteuid(), out, err, sizeof err);
}

/* Load text that must fail with GA_ERR_CONFIG and an err containing want. */
static void expect_error(const char *text, const char *want)
{
    ga_config_t *cfg = (ga_config_t *)&cfg; /* must be reset to NULL */
    ga_status_t rc = load_text(text, &cfg);

    ck_assert_msg(rc == GA_ERR_CONFIG, "rc %d for:\n%s", rc, text);
    ck_assert_ptr_null(cfg);
    ck_assert_msg(strstr(err, want) != NULL, "err \"%s\" lacks \"%s\"", err, want);
    ck_assert_msg(strstr(err, SECRET) == NULL, "secret leaked: %s", err);
    ck_assert_msg(strchr(err, '\n') == NULL, "err is not one line: %s", err);
}

/* A config with the three required lines, one of them replaced by line
 * when it sets the same key. */
static void build(char *out, size_t n, const char *key, const char *line)
{
    size_t klen = key ? strlen(key) : 0;
    int len;

    len = snprintf(out, n, "%s%s%s%s\n",
                   key && strncmp(L_ID, key, klen) == 0 && L_ID[klen] == ' ' ? "" : L_ID,
                   key && strncmp(L_SECRET, key, klen) == 0 && L_SECRET[klen] == ' ' ? ""
                                                                                   : L_SECRET,
                   key && strncmp(L_HOST, key, klen) == 0 && L_HOST[klen] == ' ' ? "" : L_HOST,
                   line ? line : "");
    ck_assert_int_lt(len, (int)n);
}

static const char *factor_list(const ga_config_t *c, char *buf, size_t n)
{
    buf[0] = '\0';
    for (size_t i = 0; i < c->n_factors; i++) {
        if (i)
            strncat(buf, ",", n - strlen(buf) - 1);
        strncat(buf, ga_factor_name(c->factors[i]), n - strlen(buf) - 1);
    }
    return buf;
}

static const char *str_list(const ga_strlist_t *l, char *buf, size_t n)
{
    buf[0] = '\0';
    for (size_t i = 0; i < l->n; i++) {
        if (i)
            strncat(buf, ",", n - strlen(buf) - 1);
        strncat(buf, l->v[i], n - strlen(buf) - 1);
    }
    return buf;
}

/* The value of key in c, as text. */
static const char *repr(const ga_config_t *c, const char *key, char *buf, size_t n)
{
    static const char *const methods[] = {"client_secret_post", "client_secret_basic", "none"};
    static const char *const modes[] = {"secure", "safe"};
    static const char *const on_enrolled[] = {"verify", "ignore"};
    static const char *const qr[] = {"utf8", "ascii", "off"};
    static const char *const nonint[] = {"deny", "ignore"};

    if (strcmp(key, "app_id") == 0)
        return c->app_id;
    if (strcmp(key, "app_secret") == 0)
        return c->app_secret;
    if (strcmp(key, "app_host") == 0)
        return c->app_host;
    if (strcmp(key, "ca_file") == 0)
        return c->ca_file ? c->ca_file : "(null)";
    if (strcmp(key, "token_endpoint_auth_method") == 0)
        return methods[c->auth_method];
    if (strcmp(key, "login_field") == 0)
        return ga_login_field_name(c->login_field);
    if (strcmp(key, "login_format") == 0)
        return c->login_format;
    if (strcmp(key, "factors") == 0)
        return factor_list(c, buf, n);
    if (strcmp(key, "phone_country_code") == 0)
        return c->phone_country_code;
    if (strcmp(key, "failmode") == 0)
        return modes[c->failmode];
    if (strcmp(key, "state_dir") == 0)
        return c->state_dir;
    if (strcmp(key, "lang") == 0)
        return c->lang;
    if (strcmp(key, "header_prefix") == 0)
        return c->header_prefix;
    if (strcmp(key, "on_enrolled") == 0)
        return on_enrolled[c->on_enrolled];
    if (strcmp(key, "mgmt_host") == 0)
        return c->mgmt_host;
    if (strcmp(key, "userpool_id") == 0)
        return c->userpool_id ? c->userpool_id : "(null)";
    if (strcmp(key, "userpool_secret") == 0)
        return c->userpool_secret ? c->userpool_secret : "(null)";
    if (strcmp(key, "qr") == 0)
        return qr[c->qr];
    if (strcmp(key, "noninteractive") == 0)
        return nonint[c->noninteractive];
    if (strcmp(key, "users") == 0)
        return str_list(&c->users, buf, n);
    if (strcmp(key, "groups") == 0)
        return str_list(&c->groups, buf, n);
    if (strcmp(key, "bypass_users") == 0)
        return str_list(&c->bypass_users, buf, n);
    if (strcmp(key, "services") == 0)
        return str_list(&c->services, buf, n);
    if (strcmp(key, "noninteractive_services") == 0)
        return str_list(&c->noninteractive_services, buf, n);
    if (strcmp(key, "enroll_grace_until") == 0) {
        (void)snprintf(buf, n, "%lld", c->enroll_grace_until);
        return buf;
    }
    if (strcmp(key, "connect_timeout") == 0)
        (void)snprintf(buf, n, "%ld", c->connect_timeout);
    else if (strcmp(key, "timeout") == 0)
        (void)snprintf(buf, n, "%ld", c->timeout);
    else if (strcmp(key, "max_attempts") == 0)
        (void)snprintf(buf, n, "%ld", c->max_attempts);
    else if (strcmp(key, "max_sends") == 0)
        (void)snprintf(buf, n, "%ld", c->max_sends);
    else if (strcmp(key, "total_timeout") == 0)
        (void)snprintf(buf, n, "%ld", c->total_timeout);
    else if (strcmp(key, "max_sends_per_hour") == 0)
        (void)snprintf(buf, n, "%ld", c->max_sends_per_hour);
    else if (strcmp(key, "enroll_grace") == 0)
        (void)snprintf(buf, n, "%ld", c->enroll_grace);
    else
        ck_abort_msg("unknown key %s", key);
    return buf;
}

/* ---- ga_perm_check ------------------------------------------------------ */

static struct stat fake_stat(mode_t mode, uid_t uid)
{
    struct stat st;

    memset(&st, 0, sizeof st);
    st.st_mode = mode;
    st.st_uid = uid;
    return st;
}

START_TEST(test_perm_file)
{
    struct stat st = fake_stat(S_IFREG | 0600, 0);

    ck_assert_ptr_null(ga_perm_check(&st, 0, 0));
    ck_assert_ptr_null(ga_perm_check(&st, 1000, 0)); /* root-owned, non-root caller */
    st = fake_stat(S_IFREG | 0400, 0);
    ck_assert_ptr_null(ga_perm_check(&st, 0, 0));
    st = fake_stat(S_IFREG | 0700, 0); /* execute bits are not access to the secret */
    ck_assert_ptr_null(ga_perm_check(&st, 0, 0));
    st = fake_stat(S_IFREG | 0600, 1000);
    ck_assert_ptr_null(ga_perm_check(&st, 1000, 0)); /* own file, non-root caller */
    ck_assert_str_eq(ga_perm_check(&st, 0, 0), "is not owned by root");
    ck_assert_str_eq(ga_perm_check(&st, 1001, 0),
                     "is owned neither by root nor by the current user");
    /* no group/other bit at all, execute included (0711 is refused) */
    for (mode_t m = 1; m <= 077; m++) {
        st = fake_stat(S_IFREG | 0600 | m, 0);
        ck_assert_str_eq(ga_perm_check(&st, 0, 0), "is accessible by group or others");
    }
    st = fake_stat(S_IFREG | 0600, 0);
    st.st_nlink = 2;
    ck_assert_str_eq(ga_perm_check(&st, 0, 0), "has more than one hard link");
    st.st_nlink = 1;
    ck_assert_ptr_null(ga_perm_check(&st, 0, 0));
}
END_TEST

START_TEST(test_perm_types)
{
    struct stat st = fake_stat(S_IFLNK | 0600, 0);

    ck_assert_str_eq(ga_perm_check(&st, 0, 0), "is a symlink");
    ck_assert_str_eq(ga_perm_check(&st, 0, 1), "is a symlink");
    st = fake_stat(S_IFDIR | 0700, 0);
    ck_assert_str_eq(ga_perm_check(&st, 0, 0), "is not a regular file");
    ck_assert_ptr_null(ga_perm_check(&st, 0, 1));
    st = fake_stat(S_IFIFO | 0600, 0);
    ck_assert_str_eq(ga_perm_check(&st, 0, 0), "is not a regular file");
    ck_assert_str_eq(ga_perm_check(&st, 0, 1), "is not a directory");
    st = fake_stat(S_IFREG | 0600, 0);
    ck_assert_str_eq(ga_perm_check(&st, 0, 1), "is not a directory");
    ck_assert_str_eq(ga_perm_check(NULL, 0, 0), "could not be examined");
}
END_TEST

START_TEST(test_perm_dir)
{
    struct stat st;

    for (mode_t m = 0; m <= 077; m++) {
        st = fake_stat(S_IFDIR | 0700 | m, 0);
        if (m)
            ck_assert_str_eq(ga_perm_check(&st, 0, 1), "is accessible by group or others");
        else
            ck_assert_ptr_null(ga_perm_check(&st, 0, 1));
    }
    st = fake_stat(S_IFDIR | 0700, 1000);
    ck_assert_str_eq(ga_perm_check(&st, 0, 1), "is not owned by root");
    ck_assert_ptr_null(ga_perm_check(&st, 1000, 1));
    ck_assert_ptr_nonnull(ga_perm_check(&st, 1001, 1));
    st = fake_stat(S_IFDIR | 0700, 0);
    ck_assert_ptr_null(ga_perm_check(&st, 1000, 1));
}
END_TEST

/* ---- ga_args_parse ------------------------------------------------------ */

static ga_status_t args(ga_args_t *a, int argc, const char **argv)
{
    err[0] = 'x';
    err[1] = '\0';
    return ga_args_parse(argc, argv, a, err, sizeof err);
}

START_TEST(test_args_defaults)
{
    ga_args_t a;

    ck_assert_int_eq(args(&a, 0, NULL), GA_OK);
    ck_assert_str_eq(err, "");
    ck_assert_str_eq(a.conf_path, GA_DEFAULT_CONF);
    ck_assert_int_eq(a.debug, 0);
    ck_assert_int_eq(a.use_first_pass, 0);
    ck_assert_int_eq(a.step, GA_STEP_BOTH);
}
END_TEST

START_TEST(test_args_valid)
{
    const char *v1[] = {"debug", "use_first_pass", "conf=/etc/x.conf", "step=request"};
    const char *v2[] = {"try_first_pass", "step=bind", "debug", "debug"};
    const char *v3[] = {"step=both"};
    ga_args_t a;

    ck_assert_int_eq(args(&a, 4, v1), GA_OK);
    ck_assert_int_eq(a.debug, 1);
    ck_assert_int_eq(a.use_first_pass, 1);
    ck_assert_ptr_eq(a.conf_path, v1[2] + 5); /* points into argv */
    ck_assert_int_eq(a.step, GA_STEP_REQUEST);
    ck_assert_int_eq(args(&a, 4, v2), GA_OK);
    ck_assert_int_eq(a.use_first_pass, 0);
    ck_assert_int_eq(a.step, GA_STEP_BIND);
    ck_assert_str_eq(a.conf_path, GA_DEFAULT_CONF);
    ck_assert_int_eq(args(&a, 1, v3), GA_OK);
    ck_assert_int_eq(a.step, GA_STEP_BOTH);
}
END_TEST

static const struct {
    const char *argv[2];
    const char *want;
} bad_args[] = {
    {{"bogus", NULL}, "unknown module argument \"bogus\""},
    {{"Debug", NULL}, "unknown module argument \"Debug\""},
    {{"debug=1", NULL}, "unknown module argument \"debug=1\""},
    {{"conf", NULL}, "unknown module argument \"conf\""},
    {{"conf=", NULL}, "\"conf=\" has an empty value"},
    {{"conf=etc/x.conf", NULL}, "\"conf=etc/x.conf\" is not an absolute path"},
    {{"conf=./x.conf", NULL}, "is not an absolute path"},
    {{"conf=/a", "conf=/b"}, "\"conf=/b\" repeats conf="},
    {{"conf=/a", "conf=/a"}, "repeats conf="},
    {{"conf=/a\x1b[31m", NULL}, "\"conf=/a?[31m\" contains control characters"},
    {{"step=", NULL}, "\"step=\" is invalid"},
    {{"step=all", NULL}, "\"step=all\" is invalid; use step=both"},
    {{"step=BIND", NULL}, "\"step=BIND\" is invalid"},
    {{"step=bind", "step=request"}, "\"step=request\" repeats step="},
    {{"use_first_pass", "try_first_pass"}, "contradict each other"},
    {{"\x01\x02unknown\n", NULL}, "unknown module argument \"??unknown \""},
};

START_TEST(test_args_invalid)
{
    ga_args_t a;
    int argc = bad_args[_i].argv[1] ? 2 : 1;

    ck_assert_int_eq(args(&a, argc, (const char **)bad_args[_i].argv), GA_ERR_CONFIG);
    ck_assert_msg(strstr(err, bad_args[_i].want) != NULL, "err \"%s\" lacks \"%s\"", err,
                  bad_args[_i].want);
    ck_assert_str_eq(a.conf_path, GA_DEFAULT_CONF); /* reset on error */
}
END_TEST

START_TEST(test_args_edge)
{
    char longpath[PATH_MAX + 16];
    const char *argv[1] = {longpath};
    const char *nul[1] = {NULL};
    ga_args_t a;

    memcpy(longpath, "conf=/", 6);
    memset(longpath + 6, 'a', PATH_MAX - 2); /* path of PATH_MAX-1 chars */
    longpath[PATH_MAX + 4] = '\0';
    ck_assert_int_eq(args(&a, 1, argv), GA_OK);
    ck_assert_uint_eq(strlen(a.conf_path), PATH_MAX - 1);
    longpath[PATH_MAX + 4] = 'a';
    longpath[PATH_MAX + 5] = '\0';
    ck_assert_int_eq(args(&a, 1, argv), GA_ERR_CONFIG);
    ck_assert_ptr_nonnull(strstr(err, "longer than PATH_MAX"));
    ck_assert_uint_lt(strlen(err), 200); /* the quoted argument is capped */
    ck_assert_int_eq(args(&a, 1, nul), GA_ERR_CONFIG);
    ck_assert_int_eq(args(&a, -1, NULL), GA_ERR_CONFIG);
    ck_assert_int_eq(args(&a, 1, NULL), GA_ERR_CONFIG);
    ck_assert_int_eq(ga_args_parse(0, NULL, NULL, err, sizeof err), GA_ERR_INTERNAL);
    ck_assert_int_eq(ga_args_parse(1, (const char *[]){"x"}, &a, NULL, 0), GA_ERR_CONFIG);
    ck_assert_str_eq(ga_step_name(GA_STEP_BOTH), "both");
    ck_assert_str_eq(ga_step_name(GA_STEP_REQUEST), "request");
    ck_assert_str_eq(ga_step_name(GA_STEP_BIND), "bind");
    ck_assert_str_eq(ga_step_name((ga_step_t)42), "both");
}
END_TEST

/* ---- ga_config_load: values ---------------------------------------------- */

START_TEST(test_defaults)
{
    ga_config_t *c = NULL;
    char buf[64];

    ck_assert_int_eq(load_text(BASE, &c), GA_OK);
    ck_assert_str_eq(err, "");
    ck_assert_ptr_nonnull(c);
    ck_assert_str_eq(c->path, write_conf(BASE));
    ck_assert_str_eq(c->app_id, "6123abcd");
    ck_assert_str_eq(c->app_secret, SECRET);
    ck_assert_str_eq(c->app_host, "https://example.genauth.ai");
    ck_assert_ptr_null(c->ca_file);
    ck_assert_int_eq(c->auth_method, GA_CLIENT_AUTH_POST);
    ck_assert_int_eq(c->login_field, GA_LOGIN_USERNAME);
    ck_assert_str_eq(c->login_format, "%u");
    /* no Management API credentials: SMS/EMAIL could not be verified later */
    ck_assert_str_eq(factor_list(c, buf, sizeof buf), "OTP");
    ck_assert_str_eq(c->phone_country_code, "+86");
    ck_assert_int_eq(c->failmode, GA_FAILMODE_SECURE);
    ck_assert_int_eq(c->connect_timeout, 5);
    ck_assert_int_eq(c->timeout, 10);
    ck_assert_int_eq(c->max_attempts, 3);
    ck_assert_int_eq(c->max_sends, 3);
    ck_assert_int_eq(c->total_timeout, 30);
    ck_assert_int_eq(c->max_sends_per_hour, 5);
    ck_assert_str_eq(c->state_dir, "/var/lib/pam_genauth");
    ck_assert_str_eq(c->lang, "en-US");
    ck_assert_str_eq(c->header_prefix, "x-authing-");
    /* issue 4 */
    ck_assert_int_eq(c->on_enrolled, GA_ON_ENROLLED_VERIFY);
    ck_assert_str_eq(c->mgmt_host, "https://api.genauth.ai");
    ck_assert_ptr_null(c->userpool_id);
    ck_assert_ptr_null(c->userpool_secret);
    ck_assert_int_eq(c->qr, GA_QR_UTF8);
    ck_assert_uint_eq(c->users.n, 1);
    ck_assert_str_eq(c->users.v[0], "*");
    ck_assert_uint_eq(c->groups.n, 0);
    ck_assert_uint_eq(c->bypass_users.n, 0);
    ck_assert_uint_eq(c->services.n, 1);
    ck_assert_str_eq(c->services.v[0], "*");
    ck_assert_uint_eq(c->noninteractive_services.n, 0);
    ck_assert_int_eq(c->noninteractive, GA_NONINTERACTIVE_DENY);
    ck_assert_int_eq(c->enroll_grace, 0);
    ck_assert_int_eq(c->enroll_grace_until, 0);
    ga_config_free(c);
    ga_config_free(NULL);
}
END_TEST

static const struct {
    const char *key, *line, *want;
} good[] = {
    {"app_id", "app_id = abc-123_X", "abc-123_X"},
    {"app_id", "app_id = 'x'", "x"},
    {"app_secret", "app_secret = \"with space ~!\"", "with space ~!"},
    {"app_host", "app_host = \"https://h.example.com/\"", "https://h.example.com"},
    {"app_host", "app_host = https://127.0.0.1:8443", "https://127.0.0.1:8443"},
    {"app_host", "app_host = \"https://[::1]:8443/\"", "https://[::1]:8443"},
    {"app_host", "app_host = \"https://[::1]\"", "https://[::1]"},
    {"app_host", "app_host = \"https://a-b.c:65535\"", "https://a-b.c:65535"},
    {"token_endpoint_auth_method", "token_endpoint_auth_method = client_secret_post",
     "client_secret_post"},
    {"token_endpoint_auth_method", "token_endpoint_auth_method = client_secret_basic",
     "client_secret_basic"},
    {"token_endpoint_auth_method", "token_endpoint_auth_method = none", "none"},
    {"login_field", "login_field = username", "username"},
    {"login_field", "login_field = email", "email"},
    {"login_field", "login_field = phone", "phone"},
    {"login_field", "login_field = account", "account"},
    {"login_format", "login_format = \"%u@corp.example\"", "%u@corp.example"},
    {"login_format", "login_format = \"100%%-%u\"", "100%%-%u"},
    {"login_format", "login_format = \"%%%u%%\"", "%%%u%%"},
    {"factors", "factors = {\"SMS\"}", "SMS"},
    {"factors", "factors = {EMAIL}", "EMAIL"},
    {"factors", "factors = {\"EMAIL\", \"SMS\"}", "EMAIL,SMS"},
    {"factors", "factors = SMS", "SMS"},
    {"factors", "factors = {OTP}", "OTP"},
    {"factors", "factors = {\"OTP\", \"SMS\", \"EMAIL\"}", "OTP,SMS,EMAIL"},
    {"factors", "factors = {EMAIL, OTP}", "EMAIL,OTP"},
    {"phone_country_code", "phone_country_code = \"+1\"", "+1"},
    {"phone_country_code", "phone_country_code = \"+44\"", "+44"},
    {"phone_country_code", "phone_country_code = \"+852\"", "+852"},
    {"failmode", "failmode = secure", "secure"},
    {"failmode", "failmode = safe", "safe"},
    {"connect_timeout", "connect_timeout = 1", "1"},
    {"connect_timeout", "connect_timeout = 60", "60"},
    {"timeout", "timeout = 1", "1"},
    {"timeout", "timeout = \"120\"", "120"},
    {"max_attempts", "max_attempts = 1", "1"},
    {"max_attempts", "max_attempts = 10", "10"},
    {"max_sends", "max_sends = 1", "1"},
    {"max_sends", "max_sends = 5", "5"},
    {"total_timeout", "total_timeout = 1", "1"},
    {"total_timeout", "total_timeout = 600", "600"},
    {"max_sends_per_hour", "max_sends_per_hour = 1", "1"},
    {"max_sends_per_hour", "max_sends_per_hour = 100", "100"},
    {"state_dir", "state_dir = /var/lib/x", "/var/lib/x"},
    {"state_dir", "state_dir = /var/lib/a..b/", "/var/lib/a..b/"},
    {"lang", "lang = en-US", "en-US"},
    {"lang", "lang = zh-CN", "zh-CN"},
    {"header_prefix", "header_prefix = x-authing-", "x-authing-"},
    {"header_prefix", "header_prefix = x-genauth-", "x-genauth-"},
    /* issue 4 */
    {"on_enrolled", "on_enrolled = verify", "verify"},
    {"on_enrolled", "on_enrolled = \"ignore\"", "ignore"},
    {"mgmt_host", "mgmt_host = \"https://api.genauth.ai\"", "https://api.genauth.ai"},
    {"mgmt_host", "mgmt_host = \"https://127.0.0.1:8443/\"", "https://127.0.0.1:8443"},
    {"mgmt_host", "mgmt_host = \"https://[::1]:9\"", "https://[::1]:9"},
    {"userpool_id", "userpool_id = 62a1b2c3d4e5f6a7b8c9d0e1\nuserpool_secret = \"x\"",
     "62a1b2c3d4e5f6a7b8c9d0e1"},
    {"userpool_secret", "userpool_id = p\nuserpool_secret = \"pool secret ~!\"",
     "pool secret ~!"},
    {"qr", "qr = utf8", "utf8"},
    {"qr", "qr = ascii", "ascii"},
    {"qr", "qr = \"off\"", "off"},
    {"users", "users = {\"*\"}", "*"},
    {"users", "users = {\"*\", \"!root\", \"!svc-*\"}", "*,!root,!svc-*"},
    {"users", "users = {alice, \"b?b\", \"[cd]*\"}", "alice,b?b,[cd]*"},
    {"users", "users = \"alice\"", "alice"},
    {"users", "users = {\"!root\", \"a\"}", "!root,a"},
    /* libConfuse's list append, documented in pam_genauth.conf(5) */
    {"users", "users = {\"alice\"}\nusers += {\"bob\"}", "alice,bob"},
    {"bypass_users", "bypass_users = {\"bg1\"}\nbypass_users += {\"bg2\", \"bg3\"}",
     "bg1,bg2,bg3"},
    {"groups", "groups = {}", ""},
    {"groups", "groups = {\"genauth\", \"!wheel\"}", "genauth,!wheel"},
    {"bypass_users", "bypass_users = {\"breakglass\", \"root\"}", "breakglass,root"},
    {"bypass_users", "bypass_users = {}", ""},
    {"services", "services = {sshd, sudo}", "sshd,sudo"},
    {"services", "services = {\"*\", \"!cron\", \"!*lock*\"}", "*,!cron,!*lock*"},
    {"noninteractive_services", "noninteractive_services = {cron, \"sftp*\"}", "cron,sftp*"},
    {"noninteractive_services", "noninteractive_services = {}", ""},
    {"noninteractive", "noninteractive = deny", "deny"},
    {"noninteractive", "noninteractive = ignore", "ignore"},
    {"enroll_grace", "enroll_grace = 0", "0"},
    {"enroll_grace", "enroll_grace = 100", "100"},
    {"enroll_grace", "enroll_grace = 3", "3"},
    {"enroll_grace_until", "enroll_grace_until = \"\"", "0"},
    /* 00:00 UTC of the day after */
    {"enroll_grace_until", "enroll_grace_until = \"1970-01-01\"", "86400"},
    {"enroll_grace_until", "enroll_grace_until = \"2026-03-31\"", "1775001600"},
    {"enroll_grace_until", "enroll_grace_until = 2028-02-29", "1835481600"},
    {"enroll_grace_until", "enroll_grace_until = \"2026-12-31\"", "1798761600"},
    {"enroll_grace_until", "enroll_grace_until = \"9999-12-31\"", "253402300800"},
};

START_TEST(test_valid_value)
{
    char text[2048], buf[128];
    ga_config_t *c = NULL;

    build(text, sizeof text, good[_i].key, good[_i].line);
    ck_assert_msg(load_text(text, &c) == GA_OK, "%s: %s", good[_i].line, err);
    ck_assert_str_eq(repr(c, good[_i].key, buf, sizeof buf), good[_i].want);
    ga_config_free(c);
}
END_TEST

#define X40 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
#define X128 X40 X40 X40 "xxxxxxxx"
#define X200 X40 X40 X40 X40 X40

static const struct {
    const char *key, *line, *want;
} bad[] = {
    {"app_id", "", "app_id: is required"},
    {"app_id", "app_id = \"\"", "app_id: must be 1 to 128 printable ASCII characters"},
    {"app_id", "app_id = \"a b\"", "without spaces, not \"a b\""},
    {"app_id", "app_id = \"" X128 "y\"", "app_id: must be 1 to 128"},
    {"app_id", "app_id = \"a\\tb\"", "not \"a b\""},
    {"app_id", "app_id = \"caf\xc3\xa9\"", "not \"caf??\""},
    {"app_secret", "", "app_secret: is required"},
    {"app_secret", "app_secret = \"\"", "app_secret: must be 1 to 256 printable ASCII"},
    {"app_secret", "app_secret = \"" X128 X128 "y\"", "(value not shown)"},
    {"app_secret", "app_secret = \"" SECRET "\\x01\"", "(value not shown)"},
    {"app_host", "", "app_host: is required"},
    {"app_host", "app_host = \"http://example.com\"",
     "app_host: must start with https://, not \"http://example.com\""},
    {"app_host", "app_host = \"HTTPS://example.com\"", "must start with https://"},
    {"app_host", "app_host = \"example.com\"", "must start with https://"},
    {"app_host", "app_host = \"https://\"", "app_host: has no host name"},
    {"app_host", "app_host = \"https:///\"", "app_host: has no host name"},
    {"app_host", "app_host = \"https://u:p@example.com\"", "user information (@)"},
    {"app_host", "app_host = \"https://example.com/api\"", "without a path, query"},
    {"app_host", "app_host = \"https://example.com//\"", "without a path, query"},
    {"app_host", "app_host = \"https://example.com?a=b\"", "without a path, query"},
    {"app_host", "app_host = \"https://example.com#x\"", "without a path, query"},
    {"app_host", "app_host = \"https://exa mple.com\"", "spaces or control characters"},
    {"app_host", "app_host = \"https://example.com\\n\"", "spaces or control characters"},
    {"app_host", "app_host = \"https://example.com:\"", "invalid host name or port"},
    {"app_host", "app_host = \"https://example.com:0\"", "invalid host name or port"},
    {"app_host", "app_host = \"https://example.com:65536\"", "invalid host name or port"},
    {"app_host", "app_host = \"https://example.com:-1\"", "invalid host name or port"},
    {"app_host", "app_host = \"https://example.com:8a\"", "invalid host name or port"},
    {"app_host", "app_host = \"https://ex_ample.com\"", "invalid host name or port"},
    {"app_host", "app_host = \"https://:443\"", "invalid host name or port"},
    {"app_host", "app_host = \"https://[::1\"", "invalid host name or port"},
    {"app_host", "app_host = \"https://[]\"", "invalid host name or port"},
    {"app_host", "app_host = \"https://[::1]x\"", "invalid host name or port"},
    {"app_host", "app_host = \"https://" X128 X128 "\"", "longer than 256 characters"},
    {"ca_file", "ca_file = \"ca.pem\"", "ca_file: must be an absolute path, not \"ca.pem\""},
    {"ca_file", "ca_file = \"\"", "ca_file: must be an absolute path"},
    {"ca_file", "ca_file = /nonexistent/ca.pem", "does not exist or is not a regular file"},
    {"ca_file", "ca_file = /", "does not exist or is not a regular file"},
    {"token_endpoint_auth_method", "token_endpoint_auth_method = basic",
     "token_endpoint_auth_method: must be client_secret_post, client_secret_basic or "
     "none, not \"basic\""},
    {"token_endpoint_auth_method", "token_endpoint_auth_method = Client_Secret_Post",
     "not \"Client_Secret_Post\""},
    {"login_field", "login_field = user",
     "login_field: must be username, email, phone or account, not \"user\""},
    {"login_field", "login_field = \"\"", "login_field: must be username"},
    {"login_format", "login_format = user", "login_format: must contain %u exactly once"},
    {"login_format", "login_format = \"%u%u\"", "must contain %u exactly once"},
    {"login_format", "login_format = \"%x%u\"", "may use only %u and %% escapes, not"},
    {"login_format", "login_format = \"%u%\"", "may use only %u and %% escapes"},
    {"login_format", "login_format = \"%\"", "may use only %u and %% escapes"},
    {"login_format", "login_format = \"%U\"", "may use only %u and %% escapes"},
    {"login_format", "login_format = \"%%u\"", "must contain %u exactly once"},
    {"login_format", "login_format = \"%u\\x7f\"", "at most 128 printable ASCII"},
    {"login_format", "login_format = \"%u" X128 "\"", "at most 128 printable ASCII"},
    {"factors", "factors = {}", "factors: must list at least one factor (SMS, EMAIL or OTP)"},
    {"factors", "factors = {\"otp\"}", "factors: \"otp\" is not a factor name"},
    {"factors", "factors = {OTP, SMS, OTP}", "factors: lists OTP more than once"},
    {"factors", "factors = {\"FACE\"}", "factors: FACE cannot be enrolled in a terminal"},
    {"factors", "factors = {\"SMS\", \"FACE\"}", "factors: FACE cannot be enrolled in a terminal"},
    {"factors", "factors = {\"sms\"}", "factors: \"sms\" is not a factor name"},
    {"factors", "factors = {\"PUSH\"}", "\"PUSH\" is not a factor name; use SMS, EMAIL or OTP"},
    {"factors", "factors = {\"\"}", "\"\" is not a factor name"},
    {"factors", "factors = {\"SMS\", \"SMS\"}", "factors: lists SMS more than once"},
    {"factors", "factors = {EMAIL, SMS, EMAIL}", "factors: lists EMAIL more than once"},
    {"phone_country_code", "phone_country_code = 86",
     "phone_country_code: must be \"+\" and 1 to 4 digits, not \"86\""},
    {"phone_country_code", "phone_country_code = \"+\"", "must be \"+\" and 1 to 4"},
    {"phone_country_code", "phone_country_code = \"+12345\"", "not \"+12345\""},
    {"phone_country_code", "phone_country_code = \"+999\"", "\"+999\" is not an assigned"},
    {"phone_country_code", "phone_country_code = \"+1234\"", "is not an assigned country"},
    {"phone_country_code", "phone_country_code = \"+8a\"", "not \"+8a\""},
    {"phone_country_code", "phone_country_code = \"++86\"", "not \"++86\""},
    {"phone_country_code", "phone_country_code = \"\"", "not \"\""},
    {"failmode", "failmode = open", "failmode: must be secure or safe, not \"open\""},
    {"failmode", "failmode = Secure", "not \"Secure\""},
    {"failmode", "failmode = \"\"", "failmode: must be secure or safe"},
    {"connect_timeout", "connect_timeout = 0",
     "connect_timeout: must be a whole number from 1 to 60, not \"0\""},
    {"connect_timeout", "connect_timeout = 61", "not \"61\""},
    {"connect_timeout", "connect_timeout = -1", "not \"-1\""},
    {"connect_timeout", "connect_timeout = 99999999999999999999", "from 1 to 60"},
    {"connect_timeout", "connect_timeout = 0x10", "not \"0x10\""},
    {"connect_timeout", "connect_timeout = \"+5\"", "not \"+5\""},
    {"connect_timeout", "connect_timeout = 5.0", "not \"5.0\""},
    {"connect_timeout", "connect_timeout = \" 5\"", "not \" 5\""},
    {"connect_timeout", "connect_timeout = \"\"", "not \"\""},
    {"connect_timeout", "connect_timeout = abc", "not \"abc\""},
    {"timeout", "timeout = 0", "timeout: must be a whole number from 1 to 120"},
    {"timeout", "timeout = 121", "not \"121\""},
    {"max_attempts", "max_attempts = 0", "max_attempts: must be a whole number from 1 to 10"},
    {"max_attempts", "max_attempts = 11", "not \"11\""},
    {"max_sends", "max_sends = 0", "max_sends: must be a whole number from 1 to 5"},
    {"max_sends", "max_sends = 6", "not \"6\""},
    {"total_timeout", "total_timeout = 0", "total_timeout: must be a whole number from 1 to 600"},
    {"total_timeout", "total_timeout = 601", "not \"601\""},
    {"max_sends_per_hour", "max_sends_per_hour = 0", "from 1 to 100"},
    {"max_sends_per_hour", "max_sends_per_hour = 101", "not \"101\""},
    {"max_sends", "max_sends = -9223372036854775808", "from 1 to 5"},
    {"state_dir", "state_dir = var/lib/x", "state_dir: must be an absolute path"},
    {"state_dir", "state_dir = \"\"", "state_dir: must be an absolute path"},
    {"state_dir", "state_dir = \"/var/lib/a b\"", "without spaces"},
    {"state_dir", "state_dir = /var/lib/../etc", "state_dir: must not contain \"..\""},
    {"state_dir", "state_dir = /..", "must not contain \"..\""},
    {"state_dir", "state_dir = /var/..", "must not contain \"..\""},
    {"state_dir", "state_dir = /" X200, "at most 200 characters"},
    {"lang", "lang = en", "lang: must be en-US or zh-CN, not \"en\""},
    {"lang", "lang = en-us", "not \"en-us\""},
    {"lang", "lang = zh-TW", "lang: must be en-US or zh-CN, not \"zh-TW\""},
    {"lang", "lang = ja-JP", "lang: must be en-US or zh-CN, not \"ja-JP\""},
    {"lang", "lang = \"\"", "lang: must be en-US or zh-CN, not \"\""},
    {"header_prefix", "header_prefix = x-foo-",
     "header_prefix: must be x-authing- or x-genauth-, not \"x-foo-\""},
    {"header_prefix", "header_prefix = X-Authing-", "not \"X-Authing-\""},
    /* issue 4 */
    {"on_enrolled", "on_enrolled = skip", "on_enrolled: must be verify or ignore, not \"skip\""},
    {"on_enrolled", "on_enrolled = Verify", "on_enrolled: must be verify or ignore, not \"Verify\""},
    {"on_enrolled", "on_enrolled = \"\"", "on_enrolled: must be verify or ignore, not \"\""},
    {"mgmt_host", "mgmt_host = \"http://api.genauth.ai\"",
     "mgmt_host: must start with https://, not \"http://api.genauth.ai\""},
    {"mgmt_host", "mgmt_host = \"\"", "mgmt_host: must start with https://, not \"\""},
    {"mgmt_host", "mgmt_host = \"https://\"", "mgmt_host: has no host name"},
    {"mgmt_host", "mgmt_host = \"https://u@api.genauth.ai\"",
     "mgmt_host: must not contain user information (@)"},
    {"mgmt_host", "mgmt_host = \"https://api.genauth.ai/api/v3\"",
     "mgmt_host: must be https://HOST[:PORT] without a path, query or fragment"},
    {"mgmt_host", "mgmt_host = \"https://api.genauth.ai:99999\"",
     "mgmt_host: has an invalid host name or port"},
    {"mgmt_host", "mgmt_host = \"https://a b\"", "mgmt_host: must not contain spaces"},
    {"mgmt_host", "mgmt_host = \"https://" X128 X128 "\"", "mgmt_host: is longer than 256"},
    {"userpool_id", "userpool_id = \"pool\"",
     "userpool_secret: is required when userpool_id is set"},
    {"userpool_secret", "userpool_secret = \"" SECRET "\"",
     "userpool_id: is required when userpool_secret is set"},
    {"userpool_id", "userpool_id = \"\"\nuserpool_secret = \"" SECRET "\"",
     "userpool_id: must be 1 to 128 printable ASCII characters without spaces, not \"\""},
    {"userpool_id", "userpool_id = \"a b\"\nuserpool_secret = x", "userpool_id: must be 1 to 128"},
    {"userpool_id", "userpool_id = \"" X128 "y\"\nuserpool_secret = x",
     "userpool_id: must be 1 to 128"},
    {"userpool_secret", "userpool_id = p\nuserpool_secret = \"\"",
     "userpool_secret: must be 1 to 256 printable ASCII characters (value not shown)"},
    {"userpool_secret", "userpool_id = p\nuserpool_secret = \"" SECRET "\\x01\"",
     "userpool_secret: must be 1 to 256 printable ASCII characters (value not shown)"},
    {"userpool_secret", "userpool_id = p\nuserpool_secret = \"" SECRET X128 X128 "\"",
     "(value not shown)"},
    {"userpool_secret", "userpool_id = p\nuserpool_id = q\nuserpool_secret = \"" SECRET "\"",
     "userpool_id: is set more than once"},
    {"qr", "qr = png", "qr: must be utf8, ascii or off, not \"png\""},
    {"qr", "qr = UTF8", "qr: must be utf8, ascii or off, not \"UTF8\""},
    {"qr", "qr = \"utf-8\"", "not \"utf-8\""},
    {"users", "users = {}", "users: must list at least one pattern (\"*\" for every user)"},
    {"users", "users = {\"!root\"}",
     "users: lists only negated patterns, which match nothing; add \"*\" to match every "
     "other name"},
    {"users", "users = {\"*\", \"!\"}",
     "users: pattern 2 is a lone \"!\"; write \"!NAME\" to exclude NAME"},
    {"users", "users = {\"\"}",
     "users: pattern 1 must be 1 to 256 printable ASCII characters without spaces, not \"\""},
    {"users", "users = {\"*\", \"al ice\"}", "users: pattern 2 must be 1 to 256 printable "
                                         "ASCII characters without spaces, not \"al ice\""},
    {"users", "users = {\"caf\xc3\xa9\"}", "users: pattern 1 must be 1 to 256 printable"},
    {"users", "users = {\"a\\tb\"}", "users: pattern 1 must be 1 to 256 printable"},
    {"users", "users = {\"" X128 X128 "y\"}", "users: pattern 1 must be 1 to 256"},
    {"users", "users = {a}\nusers = {b}", "users: is set more than once"},
    {"groups", "groups = {\"domain users\"}", "groups: pattern 1 must be 1 to 256"},
    {"groups", "groups = {\"!wheel\", \"!adm\"}", "groups: lists only negated patterns"},
    {"groups", "groups = {\"!\"}", "groups: pattern 1 is a lone \"!\""},
    {"bypass_users", "bypass_users = {\"!root\"}", "bypass_users: lists only negated patterns"},
    {"bypass_users", "bypass_users = {\"root \"}", "bypass_users: pattern 1 must be"},
    {"services", "services = {}", "services: must list at least one pattern (\"*\" for every "
                                 "service)"},
    {"services", "services = {\"!cron\"}", "services: lists only negated patterns"},
    {"services", "services = {sshd, \"\"}", "services: pattern 2 must be 1 to 256"},
    {"noninteractive_services", "noninteractive_services = {\"!\"}",
     "noninteractive_services: pattern 1 is a lone \"!\""},
    {"noninteractive_services", "noninteractive_services = {\"!sshd\"}",
     "noninteractive_services: lists only negated patterns"},
    {"noninteractive", "noninteractive = allow",
     "noninteractive: must be deny or ignore, not \"allow\""},
    {"noninteractive", "noninteractive = \"\"", "noninteractive: must be deny or ignore"},
    {"enroll_grace", "enroll_grace = -1",
     "enroll_grace: must be a whole number from 0 to 100, not \"-1\""},
    {"enroll_grace", "enroll_grace = 101", "enroll_grace: must be a whole number from 0 to 100, "
                                          "not \"101\""},
    {"enroll_grace", "enroll_grace = three", "not \"three\""},
    {"enroll_grace", "enroll_grace = 0x3", "not \"0x3\""},
    {"enroll_grace_until", "enroll_grace_until = \"2026-02-30\"",
     "enroll_grace_until: \"2026-02-30\" is not a calendar date"},
    {"enroll_grace_until", "enroll_grace_until = \"2027-02-29\"",
     "enroll_grace_until: \"2027-02-29\" is not a calendar date"},
    {"enroll_grace_until", "enroll_grace_until = \"2026-04-31\"", "is not a calendar date"},
    {"enroll_grace_until", "enroll_grace_until = \"2026-13-01\"", "is not a calendar date"},
    {"enroll_grace_until", "enroll_grace_until = \"2026-00-10\"", "is not a calendar date"},
    {"enroll_grace_until", "enroll_grace_until = \"2026-01-00\"", "is not a calendar date"},
    {"enroll_grace_until", "enroll_grace_until = \"2026-01-32\"", "is not a calendar date"},
    {"enroll_grace_until", "enroll_grace_until = \"1969-12-31\"",
     "enroll_grace_until: \"1969-12-31\" is before 1970"},
    {"enroll_grace_until", "enroll_grace_until = \"2026-1-5\"",
     "enroll_grace_until: must be \"\" or a date YYYY-MM-DD, not \"2026-1-5\""},
    {"enroll_grace_until", "enroll_grace_until = \"2026/01/05\"", "not \"2026/01/05\""},
    {"enroll_grace_until", "enroll_grace_until = \"2026-01-05 \"", "not \"2026-01-05 \""},
    {"enroll_grace_until", "enroll_grace_until = \" 2026-01-05\"", "YYYY-MM-DD"},
    {"enroll_grace_until", "enroll_grace_until = \"2026-01-05T00:00\"", "YYYY-MM-DD"},
    {"enroll_grace_until", "enroll_grace_until = \"+2026-01-05\"", "YYYY-MM-DD"},
    {"enroll_grace_until", "enroll_grace_until = \"12026-01-05\"", "YYYY-MM-DD"},
    {"enroll_grace_until", "enroll_grace_until = \"tomorrow\"", "YYYY-MM-DD"},
    {"enroll_grace_until", "enroll_grace_until = 20260105", "YYYY-MM-DD"},
};

START_TEST(test_invalid_value)
{
    char text[2048];

    build(text, sizeof text, bad[_i].key, bad[_i].line);
    expect_error(text, bad[_i].want);
    ck_assert_msg(strncmp(err, dir, strlen(dir)) == 0, "err does not name the file: %s", err);
}
END_TEST

START_TEST(test_quote_capped)
{
    char text[2048];

    build(text, sizeof text, "failmode", "failmode = " X200);
    expect_error(text, "failmode: must be secure or safe, not \"xxxx");
    ck_assert_ptr_nonnull(strstr(err, "...\""));
    ck_assert_ptr_null(strstr(err, X40 "x"));
}
END_TEST

START_TEST(test_full_message)
{
    char want[PATH_MAX + 100];

    build(want, sizeof want, "failmode", "failmode = open");
    expect_error(want, "failmode");
    (void)snprintf(want, sizeof want,
                   "%s/pam_genauth.conf: failmode: must be secure or safe, not \"open\"", dir);
    ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(test_ca_file_valid)
{
    char text[2048], line[PATH_MAX + 20];
    const char *pem = write_n("ca.pem", "-----BEGIN CERTIFICATE-----\n", 28, 0644);
    ga_config_t *c = NULL;

    (void)snprintf(line, sizeof line, "ca_file = \"%s\"", pem);
    build(text, sizeof text, NULL, line);
    ck_assert_msg(load_text(text, &c) == GA_OK, "%s", err);
    (void)snprintf(line, sizeof line, "%s/ca.pem", dir);
    ck_assert_str_eq(c->ca_file, line);
    ga_config_free(c);
}
END_TEST

/* Whoever can write the CA bundle can intercept the passwords: refused. */
START_TEST(test_ca_file_writable_by_others)
{
    static const mode_t modes[] = {0664, 0646, 0666, 0620};
    char text[2048], line[PATH_MAX + 20];

    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        const char *pem = write_n("ca.pem", "-----BEGIN CERTIFICATE-----\n", 28, modes[i]);
        ga_config_t *c = NULL;

        ck_assert_int_eq(chmod(pem, modes[i]), 0);
        (void)snprintf(line, sizeof line, "ca_file = \"%s\"", pem);
        build(text, sizeof text, NULL, line);
        ck_assert_int_eq(load_text(text, &c), GA_ERR_CONFIG);
        ck_assert_ptr_nonnull(strstr(err, "is writable by group or others"));
    }
    if (geteuid() == 0) {
        const char *pem = write_n("ca.pem", "-----BEGIN CERTIFICATE-----\n", 28, 0644);
        ga_config_t *c = NULL;

        ck_assert_int_eq(chown(pem, 65534, 65534), 0);
        (void)snprintf(line, sizeof line, "ca_file = \"%s\"", pem);
        build(text, sizeof text, NULL, line);
        ck_assert_int_eq(load_text(text, &c), GA_ERR_CONFIG);
        ck_assert_ptr_nonnull(strstr(err, "is not owned by root"));
    }
}
END_TEST

/* ---- ga_config_load: the file -------------------------------------------- */

START_TEST(test_file_empty)
{
    expect_error("", "pam_genauth.conf: app_id: is required");
    expect_error("# only a comment\n\n", "app_id: is required");
}
END_TEST

START_TEST(test_file_missing)
{
    char path[PATH_MAX];
    ga_config_t *c = NULL;

    (void)snprintf(path, sizeof path, "%s/nope.conf", dir);
    ck_assert_int_eq(ga_config_load(path, geteuid(), &c, err, sizeof err), GA_ERR_CONFIG);
    ck_assert_ptr_null(c);
    ck_assert_ptr_nonnull(strstr(err, "nope.conf: does not exist"));
    ck_assert_int_eq(ga_config_load("relative.conf", geteuid(), &c, err, sizeof err),
                     GA_ERR_CONFIG);
    ck_assert_ptr_nonnull(strstr(err, "must be an absolute path"));
    ck_assert_int_eq(ga_config_load(NULL, geteuid(), &c, err, sizeof err), GA_ERR_CONFIG);
    ck_assert_int_eq(ga_config_load(path, geteuid(), NULL, err, sizeof err), GA_ERR_INTERNAL);
    ck_assert_int_eq(ga_config_load(path, geteuid(), &c, NULL, 0), GA_ERR_CONFIG);
}
END_TEST

START_TEST(test_file_not_regular)
{
    char path[PATH_MAX];
    ga_config_t *c = NULL;

    (void)snprintf(path, sizeof path, "%s/d", dir);
    ck_assert_int_eq(mkdir(path, 0700), 0);
    ck_assert_int_eq(ga_config_load(path, geteuid(), &c, err, sizeof err), GA_ERR_CONFIG);
    ck_assert_ptr_nonnull(strstr(err, "d: is not a regular file"));
    (void)snprintf(path, sizeof path, "%s/fifo", dir);
    ck_assert_int_eq(mkfifo(path, 0600), 0); /* must not block */
    ck_assert_int_eq(ga_config_load(path, geteuid(), &c, err, sizeof err), GA_ERR_CONFIG);
    ck_assert_ptr_nonnull(strstr(err, "fifo: is not a regular file"));
    ck_assert_ptr_null(c);
}
END_TEST

START_TEST(test_file_symlink)
{
    char link[PATH_MAX];
    const char *good_path = write_conf(BASE);
    ga_config_t *c = NULL;

    (void)snprintf(link, sizeof link, "%s/link.conf", dir);
    ck_assert_int_eq(symlink(good_path, link), 0);
    ck_assert_int_eq(ga_config_load(link, geteuid(), &c, err, sizeof err), GA_ERR_CONFIG);
    ck_assert_ptr_null(c);
    ck_assert_ptr_nonnull(strstr(err, "link.conf: is a symlink"));
    ck_assert_int_eq(ga_config_load(good_path, geteuid(), &c, err, sizeof err), GA_OK);
    ga_config_free(c);
}
END_TEST

static const mode_t bad_modes[] = {0640, 0604, 0644, 0660, 0602, 0620, 0606, 0666, 0601, 0610, 0711};

START_TEST(test_file_mode_refused)
{
    ga_config_t *c = NULL;
    const char *path = write_n("m.conf", BASE, strlen(BASE), bad_modes[_i]);

    ck_assert_int_eq(ga_config_load(path, geteuid(), &c, err, sizeof err), GA_ERR_CONFIG);
    ck_assert_ptr_null(c);
    ck_assert_ptr_nonnull(strstr(err, "m.conf: is accessible by group or others; "
                                      "it must be a regular file owned by root"));
}
END_TEST

START_TEST(test_file_mode_accepted)
{
    static const mode_t modes[] = {0600, 0400, 0700, 0500};
    ga_config_t *c = NULL;
    const char *path = write_n("m.conf", BASE, strlen(BASE), modes[_i]);

    ck_assert_msg(ga_config_load(path, geteuid(), &c, err, sizeof err) == GA_OK, "%s", err);
    ck_assert_str_eq(c->app_id, "6123abcd");
    ga_config_free(c);
}
END_TEST

/* Owner rule through ga_config_load, with the euid argument standing in
 * for the process's: runs as root and as a normal user. */
START_TEST(test_file_owner)
{
    const char *path = write_conf(BASE);
    uid_t me = geteuid();
    ga_config_t *c = NULL;

    ck_assert_int_eq(ga_config_load(path, me, &c, err, sizeof err), GA_OK);
    ga_config_free(c);
    c = NULL;
    if (me == 0) {
        /* root-owned file, non-root caller: accepted */
        ck_assert_int_eq(ga_config_load(path, 1000, &c, err, sizeof err), GA_OK);
        ga_config_free(c);
        c = NULL;
        ck_assert_int_eq(chown(path, 65534, 65534), 0);
        ck_assert_int_eq(ga_config_load(path, 0, &c, err, sizeof err), GA_ERR_CONFIG);
        ck_assert_ptr_nonnull(strstr(err, "pam_genauth.conf: is not owned by root"));
        ck_assert_int_eq(ga_config_load(path, 1000, &c, err, sizeof err), GA_ERR_CONFIG);
        ck_assert_ptr_nonnull(strstr(err, "is owned neither by root nor by the current user"));
        ck_assert_int_eq(ga_config_load(path, 65534, &c, err, sizeof err), GA_OK);
        ga_config_free(c);
    } else {
        ck_assert_int_eq(ga_config_load(path, 0, &c, err, sizeof err), GA_ERR_CONFIG);
        ck_assert_ptr_nonnull(strstr(err, "is not owned by root"));
        ck_assert_int_eq(ga_config_load(path, me + 1, &c, err, sizeof err), GA_ERR_CONFIG);
        ck_assert_ptr_nonnull(strstr(err, "is owned neither by root"));
    }
    ck_assert_ptr_null(strstr(err, SECRET));
}
END_TEST

static char *padded(size_t total)
{
    char *text = malloc(total + 1);

    ck_assert_ptr_nonnull(text);
    memset(text, ' ', total);
    memcpy(text, BASE "#", strlen(BASE) + 1);
    text[total - 1] = '\n';
    text[total] = '\0';
    return text;
}

START_TEST(test_file_size)
{
    char *text = padded(GA_CONFIG_MAX_SIZE);
    ga_config_t *c = NULL;

    ck_assert_msg(load_text(text, &c) == GA_OK, "%s", err); /* exactly the cap */
    ga_config_free(c);
    free(text);
    text = padded(GA_CONFIG_MAX_SIZE + 1);
    expect_error(text, "pam_genauth.conf: is larger than 65536 bytes");
    free(text);
    text = padded(5 * 1024 * 1024);
    expect_error(text, "is larger than 65536 bytes");
    free(text);
}
END_TEST

START_TEST(test_file_nul)
{
    static const char text[] = BASE "# a\0b\n";
    ga_config_t *c = NULL;
    const char *path = write_n("nul.conf", text, sizeof text - 1, 0600);

    ck_assert_int_eq(ga_config_load(path, geteuid(), &c, err, sizeof err), GA_ERR_CONFIG);
    ck_assert_ptr_nonnull(strstr(err, "nul.conf: contains a NUL byte"));
    ck_assert_ptr_null(c);
}
END_TEST

START_TEST(test_file_env)
{
    expect_error(BASE "state_dir = \"${HOME}/x\"\n", "contains \"${\"");
    expect_error(BASE "state_dir = ${HOME}\n", "contains \"${\"");
    expect_error(BASE "# state_dir = \"${HOME}\"\n", "contains \"${\"");
    expect_error(L_ID "app_secret = \"${SECRET:-x}\"\n" L_HOST, "contains \"${\"");
}
END_TEST

/* ---- ga_config_load: syntax ---------------------------------------------- */

START_TEST(test_unknown_key)
{
    expect_error(BASE "fialmode = safe\n", "line 4: unknown key 'fialmode'");
    expect_error(BASE "include(\"/etc/passwd\")\n", "unknown key 'include'");
    expect_error(BASE "FAILMODE = safe\n", "unknown key 'FAILMODE'");
    expect_error(BASE "proxy { x = 1 }\n", "unknown key 'proxy'");
}
END_TEST

START_TEST(test_syntax_error)
{
    expect_error(BASE "failmode =\n", "pam_genauth.conf: ");
    expect_error(BASE "failmode safe\n", "line");
    expect_error(BASE "failmode = {safe}\n", "unexpected token");
    expect_error(BASE "factors = {SMS\n", "pam_genauth.conf: ");
    expect_error(BASE "}\n", "unexpected closing brace");
    expect_error(BASE "= safe\n", "pam_genauth.conf: ");
    expect_error(BASE "timeout += 5\n", "append to non-list option 'timeout'");
    expect_error(BASE "lang = \"en-US\n", "pam_genauth.conf: ");
    expect_error(BASE "lang = \"\\9\"\n", "bad escape sequence");
}
END_TEST

START_TEST(test_secret_withheld)
{
    /* libconfuse quotes the token it stumbled on; on the app_secret line
     * that token is likely part of the secret */
    expect_error(L_ID "app_secret = abcPART1 defPART2\n" L_HOST, "details withheld");
    ck_assert_ptr_null(strstr(err, "PART"));
    expect_error(L_ID "app_secret = \"abcPART1\" \"defPART2\"\n" L_HOST, "details withheld");
    ck_assert_ptr_null(strstr(err, "PART"));
    expect_error(BASE "\n\n" SECRET " = 1\n", "details withheld");
    expect_error(L_ID "app_secret = \"abcPART1\\9\"\n" L_HOST, "details withheld");
    ck_assert_ptr_null(strstr(err, "PART"));
}
END_TEST

/* userpool_secret is protected exactly like app_secret: never quoted by a
 * libconfuse syntax error nor by a value error of another key. */
#define PSECRET "P00lS3cr3t-ABCDEFG"
#define L_PID "userpool_id = \"pool1\"\n"

START_TEST(test_userpool_secret_withheld)
{
    expect_error(BASE L_PID "userpool_secret = abcPART1 defPART2\n", "details withheld");
    ck_assert_ptr_null(strstr(err, "PART"));
    ck_assert_ptr_nonnull(strstr(err, "near userpool_secret"));
    expect_error(BASE L_PID "userpool_secret = \"abcPART1\" \"defPART2\"\n",
                 "details withheld");
    ck_assert_ptr_null(strstr(err, "PART"));
    expect_error(BASE L_PID "userpool_secret = \"abcPART1\\9\"\n", "details withheld");
    ck_assert_ptr_null(strstr(err, "PART"));
    expect_error(BASE L_PID "userpool_secret = \"" PSECRET "\"\n\n\n" PSECRET " = 1\n",
                 "details withheld");
    ck_assert_ptr_null(strstr(err, "P00lS3cr"));
    /* a value error of another key that would quote the secret's text */
    expect_error(BASE L_PID "userpool_secret = \"" PSECRET "\"\nfailmode = \"" PSECRET "\"\n",
                 "failmode: bad value (not shown: it would quote text of userpool_secret)");
    ck_assert_ptr_null(strstr(err, "P00lS3cr"));
    expect_error(BASE L_PID "userpool_secret = \"" PSECRET "\"\nusers = {\"*\", \"" PSECRET " x\"}\n",
                 "users: bad value (not shown: it would quote text of userpool_secret)");
    ck_assert_ptr_null(strstr(err, "P00lS3cr"));
    /* the secret in a comment counts too: it may be the real one */
    expect_error(BASE "# userpool_secret = \"" PSECRET "\"\nqr = \"" PSECRET "\"\n",
                 "qr: bad value (not shown");
    ck_assert_ptr_null(strstr(err, "P00lS3cr"));
    /* control: app_secret keeps its own name in the message */
    expect_error(BASE "failmode = \"" SECRET "\"\n",
                 "failmode: bad value (not shown: it would quote text of app_secret)");
}
END_TEST

START_TEST(test_userpool_pair)
{
    ga_config_t *c = NULL;

    ck_assert_msg(load_text(BASE L_PID "userpool_secret = \"" PSECRET "\"\n", &c) == GA_OK,
                  "%s", err);
    ck_assert_str_eq(c->userpool_id, "pool1");
    ck_assert_str_eq(c->userpool_secret, PSECRET);
    ga_config_free(c);
    /* the pairing error comes in schema order, before a bad qr */
    expect_error("qr = bad\n" BASE L_PID, "userpool_secret: is required when userpool_id is set");
    expect_error(BASE "userpool_secret = \"" PSECRET "\"\nqr = bad\n",
                 "userpool_id: is required when userpool_secret is set");
    ck_assert_ptr_null(strstr(err, "P00lS3cr"));
    /* regression: login_field = account has no userIdType naming exactly the
     * signed-in user, so the Management API could fetch another user's factors */
    expect_error(BASE "login_field = account\n" L_PID "userpool_secret = \"" PSECRET "\"\n",
                 "userpool_id: needs login_field username, email or phone (with account the "
                 "Management API cannot tell which user signed in)");
    ck_assert_ptr_null(strstr(err, "P00lS3cr"));
    for (size_t i = 0; i < 3; i++) {
        static const char *const fields[] = {"username", "email", "phone"};
        char text[512];

        snprintf(text, sizeof text, BASE "login_field = %s\n" L_PID
                 "userpool_secret = \"" PSECRET "\"\n", fields[i]);
        ck_assert_msg(load_text(text, &c) == GA_OK, "%s: %s", fields[i], err);
        ga_config_free(c);
    }
}
END_TEST

/* Pattern lists: the bounds of a list and of one pattern. */
START_TEST(test_pattern_bounds)
{
    char text[24000], line[20000], pat[300];
    ga_config_t *c = NULL;
    size_t n;

    /* 64 entries: accepted; 65: refused */
    n = (size_t)snprintf(line, sizeof line, "users = {\"*\"");
    for (int i = 1; i < 64; i++)
        n += (size_t)snprintf(line + n, sizeof line - n, ", \"u%d\"", i);
    (void)snprintf(line + n, sizeof line - n, "}");
    build(text, sizeof text, NULL, line);
    ck_assert_msg(load_text(text, &c) == GA_OK, "%s", err);
    ck_assert_uint_eq(c->users.n, 64);
    ck_assert_str_eq(c->users.v[63], "u63");
    ga_config_free(c);
    c = NULL;
    (void)snprintf(line + n, sizeof line - n, ", \"u64\"}");
    build(text, sizeof text, NULL, line);
    expect_error(text, "users: lists more than 64 patterns");
    /* far more than 64 */
    n = (size_t)snprintf(line, sizeof line, "groups = {\"g\"");
    for (int i = 1; i < 1000; i++)
        n += (size_t)snprintf(line + n, sizeof line - n, ",g");
    (void)snprintf(line + n, sizeof line - n, "}");
    build(text, sizeof text, NULL, line);
    expect_error(text, "groups: lists more than 64 patterns");
    /* a pattern of exactly 256 bytes: accepted; 257: refused */
    memset(pat, 'a', 256);
    pat[256] = '\0';
    (void)snprintf(line, sizeof line, "bypass_users = {\"%s\"}", pat);
    build(text, sizeof text, NULL, line);
    ck_assert_msg(load_text(text, &c) == GA_OK, "%s", err);
    ck_assert_uint_eq(strlen(c->bypass_users.v[0]), 256);
    ga_config_free(c);
    c = NULL;
    (void)snprintf(line, sizeof line, "bypass_users = {\"%sa\"}", pat);
    build(text, sizeof text, NULL, line);
    expect_error(text, "bypass_users: pattern 1 must be 1 to 256 printable ASCII characters");
    /* "+=" appends, as for factors; a repeated "=" is refused */
    ck_assert_msg(load_text(BASE "services = {sshd}\nservices += {sudo}\n", &c) == GA_OK, "%s",
                  err);
    ck_assert_uint_eq(c->services.n, 2);
    ck_assert_str_eq(c->services.v[1], "sudo");
    ga_config_free(c);
    expect_error(BASE "services = {sshd}\nservices = {sudo}\n",
                 "services: is set more than once");
}
END_TEST

START_TEST(test_repeated_key)
{
    expect_error(BASE "failmode = safe\nfailmode = secure\n",
                 "line 5: failmode: is set more than once");
    expect_error(BASE "failmode = safe\nfailmode = safe\n", "failmode: is set more than once");
    expect_error(BASE L_SECRET, "app_secret: is set more than once");
    expect_error(BASE "timeout = 5\ntimeout = 6\n", "timeout: is set more than once");
    expect_error(BASE "factors = {SMS}\nfactors = {EMAIL}\n", "factors: is set more than once");
    expect_error(BASE "factors = SMS\nfactors = SMS\n", "factors: is set more than once");
}
END_TEST

/* The default of factors offers SMS and EMAIL only where they can be
 * verified at later logins (Management API credentials, in either order
 * in the file) or are not verified by this module (on_enrolled = ignore);
 * an explicit list is taken as written. */
START_TEST(test_factors_default_follows_credentials)
{
    static const struct {
        const char *text, *want;
    } rows[] = {
        {BASE, "OTP"},
        {BASE "userpool_id = \"pool\"\nuserpool_secret = \"pool-secret\"\n", "SMS,EMAIL"},
        {"userpool_secret = \"pool-secret\"\nuserpool_id = \"pool\"\n" BASE, "SMS,EMAIL"},
        {BASE "on_enrolled = ignore\n", "SMS,EMAIL"},
        {BASE "on_enrolled = verify\n", "OTP"},
        {BASE "mgmt_host = \"https://mgmt.example\"\n", "OTP"},
        {BASE "factors = {SMS}\n", "SMS"},
        {BASE "factors = {EMAIL, OTP}\n", "EMAIL,OTP"},
        {BASE "userpool_id = \"pool\"\nuserpool_secret = \"pool-secret\"\nfactors = {OTP}\n",
         "OTP"},
    };
    char buf[64];

    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        ga_config_t *c = NULL;

        ck_assert_msg(load_text(rows[i].text, &c) == GA_OK, "row %zu: %s", i, err);
        ck_assert_msg(strcmp(factor_list(c, buf, sizeof buf), rows[i].want) == 0,
                      "row %zu: factors %s, want %s", i, buf, rows[i].want);
        ga_config_free(c);
    }
}
END_TEST

/* Documented libconfuse list semantics: "+=" appends to the list given
 * before it (only "=" twice is detected as a repeated key). */
START_TEST(test_factors_append)
{
    ga_config_t *c = NULL;
    char buf[64];

    ck_assert_msg(load_text(BASE "factors = {SMS}\nfactors += {EMAIL}\n", &c) == GA_OK, "%s",
                  err);
    ck_assert_str_eq(factor_list(c, buf, sizeof buf), "SMS,EMAIL");
    ga_config_free(c);
    expect_error(BASE "factors = {SMS}\nfactors += {SMS}\n", "lists SMS more than once");
}
END_TEST

START_TEST(test_crlf_and_comments)
{
    ga_config_t *c = NULL;

    ck_assert_msg(load_text("app_id = \"6123abcd\"\r\n"
                            "/* a C comment\r\n over two lines */\r\n"
                            "// a C++ comment\r\n"
                            "app_secret = '" SECRET "' # trailing comment\r\n"
                            "app_host = https://example.genauth.ai\r\n"
                            "timeout = 30\r\n",
                            &c) == GA_OK,
                  "%s", err);
    ck_assert_str_eq(c->app_id, "6123abcd");
    ck_assert_str_eq(c->app_secret, SECRET);
    ck_assert_str_eq(c->app_host, "https://example.genauth.ai");
    ck_assert_int_eq(c->timeout, 30);
    ga_config_free(c);
}
END_TEST

/* ---- order independence -------------------------------------------------- */

static void assert_same(const ga_config_t *a, const ga_config_t *b)
{
    static const char *const keys[] = {
        "app_id", "app_secret", "app_host", "ca_file", "token_endpoint_auth_method",
        "login_field", "login_format", "factors", "phone_country_code", "failmode",
        "connect_timeout", "timeout", "total_timeout", "max_attempts", "max_sends",
        "max_sends_per_hour", "state_dir", "lang", "header_prefix", "on_enrolled",
        "mgmt_host", "userpool_id", "userpool_secret", "qr", "users", "groups",
        "bypass_users", "services", "noninteractive_services", "noninteractive",
        "enroll_grace", "enroll_grace_until"};
    char b1[256], b2[256];

    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        ck_assert_str_eq(repr(a, keys[i], b1, sizeof b1), repr(b, keys[i], b2, sizeof b2));
    ck_assert_uint_eq(a->n_factors, b->n_factors);
}

START_TEST(test_order_same_struct)
{
    static const char *const lines[] = {
        L_ID, L_SECRET, L_HOST, "token_endpoint_auth_method = none\n",
        "login_field = email\n", "login_format = \"%u@x.example\"\n",
        "factors = {EMAIL, SMS}\n", "phone_country_code = \"+1\"\n", "failmode = safe\n",
        "connect_timeout = 7\n", "timeout = 20\n", "total_timeout = 45\n",
        "max_attempts = 4\n", "max_sends = 2\n", "max_sends_per_hour = 9\n",
        "state_dir = /var/lib/ga\n", "lang = zh-CN\n", "header_prefix = x-genauth-\n",
        "on_enrolled = ignore\n", "mgmt_host = \"https://mgmt.example:8443\"\n",
        "userpool_id = pool1\n", "userpool_secret = \"pool-secret-1\"\n", "qr = ascii\n",
        "users = {\"*\", \"!root\"}\n", "groups = {staff, \"!wheel\"}\n",
        "bypass_users = {breakglass}\n", "services = {sshd, sudo}\n",
        "noninteractive_services = {cron}\n", "noninteractive = ignore\n",
        "enroll_grace = 4\n", "enroll_grace_until = \"2030-01-01\"\n"};
    const size_t n = sizeof lines / sizeof lines[0];
    char fwd[4096] = "", rev[4096] = "";
    ga_config_t *a = NULL, *b = NULL;

    for (size_t i = 0; i < n; i++) {
        strcat(fwd, lines[i]);
        strcat(rev, lines[n - 1 - i]);
    }
    ck_assert_msg(load_text(fwd, &a) == GA_OK, "%s", err);
    ck_assert_msg(load_text(rev, &b) == GA_OK, "%s", err);
    assert_same(a, b);
    ck_assert_str_eq(a->login_format, "%u@x.example");
    ck_assert_int_eq(a->failmode, GA_FAILMODE_SAFE);
    ck_assert_int_eq(b->max_attempts, 4);
    ck_assert_int_eq(b->enroll_grace, 4);
    ck_assert_str_eq(b->userpool_secret, "pool-secret-1");
    ck_assert_int_eq(b->noninteractive, GA_NONINTERACTIVE_IGNORE);
    ga_config_free(a);
    ga_config_free(b);
}
END_TEST

START_TEST(test_order_same_error)
{
    char first[512];

    expect_error(BASE "max_sends = 9\nfailmode = safe\n", "max_sends: must be");
    strcpy(first, err);
    expect_error(BASE "failmode = safe\nmax_sends = 9\n", "max_sends: must be");
    ck_assert_str_eq(err, first);
    /* two bad values: the first in schema order wins, whatever the file order */
    expect_error("timeout = 0\nfailmode = open\n" BASE, "failmode: must be");
    strcpy(first, err);
    expect_error("failmode = open\n" BASE "timeout = 0\n", "failmode: must be");
    ck_assert_str_eq(err, first);
    build(first, sizeof first, "app_host", "lang = xx\napp_host = http://x\n");
    expect_error(first, "app_host: must start");
}
END_TEST

/* ---- identifier ---------------------------------------------------------- */

static char *ident(const char *format, const char *user)
{
    ga_config_t c;

    memset(&c, 0, sizeof c);
    c.login_format = (char *)format;
    return ga_config_identifier(&c, user);
}

static void expect_ident(const char *format, const char *user, const char *want)
{
    char *got = ident(format, user);

    if (!want) {
        ck_assert_ptr_null(got);
        return;
    }
    ck_assert_ptr_nonnull(got);
    ck_assert_str_eq(got, want);
    free(got);
}

START_TEST(test_identifier)
{
    char user[400];

    expect_ident("%u", "alice", "alice");
    expect_ident("%u@corp.example", "alice", "alice@corp.example");
    expect_ident("100%%-%u", "bob", "100%-bob");
    expect_ident("%%%u%%", "x", "%x%");
    expect_ident("%u", "a%ub%%c%", "a%ub%%c%"); /* the user is not interpreted */
    expect_ident("%u", "", "");
    expect_ident("%u", NULL, NULL);
    expect_ident(NULL, "alice", NULL);
    expect_ident("%x%u", "alice", NULL); /* never validated: refused */
    expect_ident("%u%", "alice", NULL);
    memset(user, 'u', 320);
    user[320] = '\0';
    expect_ident("%u", user, user); /* 320 bytes: the limit */
    expect_ident("x%u", user, NULL);
    user[319] = '\0';
    expect_ident("%%%%%u", user, NULL);
    expect_ident("%u", user, user);
    ck_assert_ptr_null(ga_config_identifier(NULL, "alice"));
}
END_TEST

START_TEST(test_identifier_loaded)
{
    ga_config_t *c = NULL;
    char *id;

    ck_assert_int_eq(load_text(BASE "login_format = \"%u%%@x\"\n", &c), GA_OK);
    id = ga_config_identifier(c, "alice");
    ck_assert_str_eq(id, "alice%@x");
    free(id);
    ga_config_free(c);
}
END_TEST

START_TEST(test_login_field_name)
{
    ck_assert_str_eq(ga_login_field_name(GA_LOGIN_USERNAME), "username");
    ck_assert_str_eq(ga_login_field_name(GA_LOGIN_EMAIL), "email");
    ck_assert_str_eq(ga_login_field_name(GA_LOGIN_PHONE), "phone");
    ck_assert_str_eq(ga_login_field_name(GA_LOGIN_ACCOUNT), "account");
    ck_assert_str_eq(ga_login_field_name((ga_login_field_t)99), "username");
}
END_TEST

/* ---- the shipped reference config ---------------------------------------- */

/* The shipped conf/pam_genauth.conf, NUL-terminated (caller frees). */
static char *shipped_text(void)
{
    const char *top = getenv("abs_top_srcdir");
    char src[PATH_MAX], *text;
    FILE *f;
    long n;

    if (!top)
        top = getenv("srcdir");
    (void)snprintf(src, sizeof src, "%s/conf/pam_genauth.conf", top ? top : "..");
    f = fopen(src, "r");
    ck_assert_msg(f != NULL, "cannot open %s (set abs_top_srcdir)", src);
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    ck_assert_int_gt(n, 0);
    rewind(f);
    text = calloc(1, (size_t)n + 1);
    ck_assert_uint_eq(fread(text, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return text;
}

START_TEST(test_shipped_config)
{
    char *text = shipped_text();
    ga_config_t *c = NULL;

    ck_assert_msg(load_text(text, &c) == GA_OK, "%s", err);
    ck_assert_str_eq(c->app_id, "YOUR_APP_ID");
    ck_assert_str_eq(c->app_secret, "YOUR_APP_SECRET");
    ck_assert_str_eq(c->app_host, "https://YOUR-POOL.genauth.ai");
    ck_assert_int_eq(c->failmode, GA_FAILMODE_SECURE);
    ck_assert_int_eq(c->timeout, 10);
    ck_assert_str_eq(c->state_dir, "/var/lib/pam_genauth");
    ga_config_free(c);
    free(text);
}
END_TEST

/* Every "#key = value" line of the shipped config shows the default: with
 * them all uncommented the config is the same as without. (ca_file and the
 * userpool credentials show examples, not defaults.) */
START_TEST(test_shipped_defaults)
{
    static const char *const examples[] = {"ca_file", "userpool_id", "userpool_secret"};
    char *text = shipped_text(), *out = calloc(1, strlen(text) + 1), *o = out;
    ga_config_t *plain = NULL, *uncommented = NULL;
    int n_keys = 0;

    ck_assert_ptr_nonnull(out);
    for (const char *line = text; *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) + 1 : strlen(line);
        size_t klen = strspn(line + 1, "abcdefghijklmnopqrstuvwxyz_");
        int drop = line[0] == '#' && klen > 0 && strncmp(line + 1 + klen, " = ", 3) == 0;

        for (size_t i = 0; drop && i < sizeof examples / sizeof examples[0]; i++)
            if (klen == strlen(examples[i]) && strncmp(line + 1, examples[i], klen) == 0)
                drop = 0;
        n_keys += drop;
        memcpy(o, line + drop, len - (size_t)drop);
        o += len - (size_t)drop;
        line += len;
    }
    /* 32 keys: 3 required, 3 shown as examples, every other one documented */
    ck_assert_int_eq(n_keys, 26);
    ck_assert_msg(load_text(text, &plain) == GA_OK, "%s", err);
    ck_assert_msg(load_text(out, &uncommented) == GA_OK, "%s", err);
    assert_same(plain, uncommented);
    ga_config_free(plain);
    ga_config_free(uncommented);
    free(out);
    free(text);
}
END_TEST

/* ---- threads ------------------------------------------------------------- */

static void *load_many(void *arg)
{
    const char *path = arg;
    char e[256];

    for (int i = 0; i < 40; i++) {
        ga_config_t *c = NULL;

        if (ga_config_load(path, geteuid(), &c, e, sizeof e) != GA_OK ||
            strcmp(c->app_id, "6123abcd") != 0 || c->timeout != 33) {
            ga_config_free(c);
            return (void *)1;
        }
        ga_config_free(c);
    }
    return NULL;
}

START_TEST(test_threads)
{
    const char *path = write_conf(BASE "timeout = 33\nfactors = {EMAIL}\n");
    pthread_t t[4];
    void *res;

    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, load_many, (void *)path), 0);
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(pthread_join(t[i], &res), 0);
        ck_assert_ptr_null(res);
    }
}
END_TEST

/* ---- main ---------------------------------------------------------------- */

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static TCase *tcase(const char *name)
{
    TCase *tc = tcase_create(name);

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    return tc;
}

static Suite *perm_args_suite(void)
{
    Suite *s = suite_create("perm_args");
    TCase *tc = tcase("perm");

    tcase_add_test(tc, test_perm_file);
    tcase_add_test(tc, test_perm_types);
    tcase_add_test(tc, test_perm_dir);
    suite_add_tcase(s, tc);
    tc = tcase("args");
    tcase_add_test(tc, test_args_defaults);
    tcase_add_test(tc, test_args_valid);
    tcase_add_loop_test(tc, test_args_invalid, 0, N(bad_args));
    tcase_add_test(tc, test_args_edge);
    suite_add_tcase(s, tc);
    return s;
}

static Suite *config_suite(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase("values");

    tcase_add_test(tc, test_defaults);
    tcase_add_loop_test(tc, test_valid_value, 0, N(good));
    tcase_add_loop_test(tc, test_invalid_value, 0, N(bad));
    tcase_add_test(tc, test_quote_capped);
    tcase_add_test(tc, test_full_message);
    tcase_add_test(tc, test_ca_file_valid);
    tcase_add_test(tc, test_ca_file_writable_by_others);
    suite_add_tcase(s, tc);
    tc = tcase("file");
    tcase_add_test(tc, test_file_empty);
    tcase_add_test(tc, test_file_missing);
    tcase_add_test(tc, test_file_not_regular);
    tcase_add_test(tc, test_file_symlink);
    tcase_add_loop_test(tc, test_file_mode_refused, 0, N(bad_modes));
    tcase_add_loop_test(tc, test_file_mode_accepted, 0, 4);
    tcase_add_test(tc, test_file_owner);
    tcase_add_test(tc, test_file_size);
    tcase_add_test(tc, test_file_nul);
    tcase_add_test(tc, test_file_env);
    suite_add_tcase(s, tc);
    tc = tcase("syntax");
    tcase_add_test(tc, test_unknown_key);
    tcase_add_test(tc, test_syntax_error);
    tcase_add_test(tc, test_secret_withheld);
    tcase_add_test(tc, test_userpool_secret_withheld);
    tcase_add_test(tc, test_userpool_pair);
    tcase_add_test(tc, test_pattern_bounds);
    tcase_add_test(tc, test_repeated_key);
    tcase_add_test(tc, test_factors_append);
    tcase_add_test(tc, test_factors_default_follows_credentials);
    tcase_add_test(tc, test_crlf_and_comments);
    suite_add_tcase(s, tc);
    tc = tcase("order");
    tcase_add_test(tc, test_order_same_struct);
    tcase_add_test(tc, test_order_same_error);
    suite_add_tcase(s, tc);
    tc = tcase("identifier");
    tcase_add_test(tc, test_identifier);
    tcase_add_test(tc, test_identifier_loaded);
    tcase_add_test(tc, test_login_field_name);
    suite_add_tcase(s, tc);
    tc = tcase("shipped");
    tcase_add_test(tc, test_shipped_config);
    tcase_add_test(tc, test_shipped_defaults);
    tcase_add_test(tc, test_threads);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(perm_args_suite());
    int failed;

    srunner_add_suite(sr, config_suite());
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
