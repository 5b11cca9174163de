/* ga_config.c - the configuration file: schema, defaults, safe loading
 * and parsing (see ga_config.h and conf/pam_genauth.conf). The per-key
 * validation is in ga_config_check.c; ga_config_check.h is shared by both.
 *
 * Loading happens in three steps:
 *   1. read: open without following a symlink, check owner/mode with
 *      ga_perm_check, cap the size, refuse NUL bytes and "${";
 *   2. parse: libconfuse under confuse_lock; every scalar is a "simple"
 *      option stored straight into struct parse, the parse callbacks only
 *      record values (strict integers, repeated keys), then cfg_free;
 *   3. validate (ga_cfg_validate): every key in schema order, defaults
 *      included, so the first error reported does not depend on the order
 *      of keys in the file.
 */
#include "config.h"

#include "ga_config.h"

#include <confuse.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ga_config_check.h"
#include "ga_perm.h"
#include "ga_secret.h"
#include "ga_text.h"

#define IDENTIFIER_MAX 320

static const char *const auth_methods[] = {"client_secret_post", "client_secret_basic",
                                           "none", NULL};
static const char *const login_fields[] = {"username", "email", "phone", "account",
                                           NULL};
static const char *const failmodes[] = {"secure", "safe", NULL};
static const char *const langs[] = {"en-US", "zh-CN", NULL};
static const char *const header_prefixes[] = {"x-authing-", "x-genauth-", NULL};
/* in the order of the enums of ga_config.h */
static const char *const on_enrolled_modes[] = {"verify", "ignore", NULL};
static const char *const qr_modes[] = {"utf8", "ascii", "off", NULL};
static const char *const noninteractive_modes[] = {"deny", "ignore", NULL};
const ga_factor_t ga_cfg_default_factors_mgmt[] = {GA_FACTOR_SMS, GA_FACTOR_EMAIL,
                                                   GA_FACTOR_UNKNOWN};
const ga_factor_t ga_cfg_default_factors_otp[] = {GA_FACTOR_OTP, GA_FACTOR_UNKNOWN};

/* The schema (struct key_def in ga_config_check.h), in enum key order. */
const struct key_def ga_cfg_keys[K_COUNT] = {
    [K_APP_ID] = {"app_id", CFGT_STR, NULL, 1, 0, 0, 0, NULL, ga_cfg_apply_app_id, 0, 0},
    [K_APP_SECRET] = {"app_secret", CFGT_STR, NULL, 1, 0, 0, 0, NULL,
                      ga_cfg_apply_app_secret, 0, 1},
    [K_APP_HOST] = {"app_host", CFGT_STR, NULL, 1, 0, 0, 0, NULL, ga_cfg_apply_app_host, 0, 0},
    [K_CA_FILE] = {"ca_file", CFGT_STR, NULL, 0, 0, 0, 0, NULL, ga_cfg_apply_ca_file, 0, 0},
    [K_AUTH_METHOD] = {"token_endpoint_auth_method", CFGT_STR, "client_secret_post", 0,
                       0, 0, 0, auth_methods, ga_cfg_apply_choice, 0, 0},
    [K_LOGIN_FIELD] = {"login_field", CFGT_STR, "username", 0, 0, 0, 0, login_fields,
                       ga_cfg_apply_choice, 0, 0},
    [K_LOGIN_FORMAT] = {"login_format", CFGT_STR, "%u", 0, 0, 0, 0, NULL,
                        ga_cfg_apply_login_format, 0, 0},
    [K_FACTORS] = {"factors", CFGT_STR, NULL, 0, 0, 0, 0, NULL, ga_cfg_apply_factors, 1, 0},
    [K_PHONE_CC] = {"phone_country_code", CFGT_STR, "+86", 0, 0, 0, 0, NULL,
                    ga_cfg_apply_phone_cc, 0, 0},
    [K_FAILMODE] = {"failmode", CFGT_STR, "secure", 0, 0, 0, 0, failmodes,
                    ga_cfg_apply_choice, 0, 0},
    [K_CONNECT_TIMEOUT] = {"connect_timeout", CFGT_INT, NULL, 0, 5, 1, 60, NULL,
                           ga_cfg_apply_number, 0, 0},
    [K_TIMEOUT] = {"timeout", CFGT_INT, NULL, 0, 10, 1, 120, NULL, ga_cfg_apply_number, 0, 0},
    [K_TOTAL_TIMEOUT] = {"total_timeout", CFGT_INT, NULL, 0, 30, 1, 600, NULL,
                         ga_cfg_apply_number, 0, 0},
    [K_MAX_ATTEMPTS] = {"max_attempts", CFGT_INT, NULL, 0, 3, 1, 10, NULL,
                        ga_cfg_apply_number, 0, 0},
    [K_MAX_SENDS] = {"max_sends", CFGT_INT, NULL, 0, 3, 1, 5, NULL, ga_cfg_apply_number, 0, 0},
    [K_MAX_SENDS_HOUR] = {"max_sends_per_hour", CFGT_INT, NULL, 0, 5, 1, 100, NULL,
                          ga_cfg_apply_number, 0, 0},
    [K_STATE_DIR] = {"state_dir", CFGT_STR, "/var/lib/pam_genauth", 0, 0, 0, 0, NULL,
                     ga_cfg_apply_state_dir, 0, 0},
    [K_LANG] = {"lang", CFGT_STR, "en-US", 0, 0, 0, 0, langs, ga_cfg_apply_choice, 0, 0},
    [K_HEADER_PREFIX] = {"header_prefix", CFGT_STR, "x-authing-", 0, 0, 0, 0,
                         header_prefixes, ga_cfg_apply_choice, 0, 0},
    [K_ON_ENROLLED] = {"on_enrolled", CFGT_STR, "verify", 0, 0, 0, 0, on_enrolled_modes,
                       ga_cfg_apply_choice, 0, 0},
    [K_MGMT_HOST] = {"mgmt_host", CFGT_STR, "https://api.genauth.ai", 0, 0, 0, 0, NULL,
                     ga_cfg_apply_app_host, 0, 0},
    [K_USERPOOL_ID] = {"userpool_id", CFGT_STR, NULL, 0, 0, 0, 0, NULL, ga_cfg_apply_app_id, 0, 0},
    [K_USERPOOL_SECRET] = {"userpool_secret", CFGT_STR, NULL, 0, 0, 0, 0, NULL,
                           ga_cfg_apply_app_secret, 0, 1},
    [K_QR] = {"qr", CFGT_STR, "utf8", 0, 0, 0, 0, qr_modes, ga_cfg_apply_choice, 0, 0},
    [K_USERS] = {"users", CFGT_STR, NULL, 0, 0, 0, 0, NULL, ga_cfg_apply_patterns, 1, 0},
    [K_GROUPS] = {"groups", CFGT_STR, NULL, 0, 0, 0, 0, NULL, ga_cfg_apply_patterns, 1, 0},
    [K_BYPASS_USERS] = {"bypass_users", CFGT_STR, NULL, 0, 0, 0, 0, NULL,
                        ga_cfg_apply_patterns, 1, 0},
    [K_SERVICES] = {"services", CFGT_STR, NULL, 0, 0, 0, 0, NULL, ga_cfg_apply_patterns, 1,
                    0},
    [K_NONINTERACTIVE_SERVICES] = {"noninteractive_services", CFGT_STR, NULL, 0, 0, 0, 0,
                                   NULL, ga_cfg_apply_patterns, 1, 0},
    [K_NONINTERACTIVE] = {"noninteractive", CFGT_STR, "deny", 0, 0, 0, 0,
                          noninteractive_modes, ga_cfg_apply_choice, 0, 0},
    [K_ENROLL_GRACE] = {"enroll_grace", CFGT_INT, NULL, 0, 0, 0, 100, NULL,
                        ga_cfg_apply_number, 0, 0},
    [K_ENROLL_GRACE_UNTIL] = {"enroll_grace_until", CFGT_STR, "", 0, 0, 0, 0, NULL,
                              ga_cfg_apply_grace_until, 0, 0},
};

/* libconfuse's flex lexer keeps its scanner state in globals (buffer stack,
 * cfg_yylval, the quoted-string buffer), used by cfg_init, cfg_parse_buf
 * and cfg_free (cfg_yylex_destroy). This mutex serialises every libconfuse
 * call of the module. It is this unit's only mutable global (style.md). */
static pthread_mutex_t confuse_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- error text ---------------------------------------------------- */

void ga_cfg_quote(const char *v, char out[QUOTE_MAX + 1])
{
    (void)ga_sanitize(v, v ? strlen(v) : 0, out, QUOTE_MAX + 1);
}

#define SECRET_WINDOW 8 /* characters of the secret's text that count as a quote */

/* Non-zero if msg holds SECRET_WINDOW or more characters in a row of the
 * text written as the value of the secret key (app_secret,
 * userpool_secret): after the key name, blanks or line ends, '=', blanks or
 * line ends and an optional quote, up to the next quote or line end.
 * Whatever libconfuse made of a malformed file (a '#' value, a value on a
 * later line), no error message may show that text. */
static int quotes_key_value(const struct parse *p, const char *key, const char *msg)
{
    size_t klen = strlen(key), mlen = strlen(msg);

    /* every "KEY =" counts: one in a comment may be the real one */
    for (const char *k = p->buf ? strstr(p->buf, key) : NULL; k; k = strstr(k + 1, key)) {
        const char *s = k + klen;
        size_t n;

        s += strspn(s, " \t\r\n");
        if (*s++ != '=')
            continue;
        s += strspn(s, " \t\r\n");
        if (*s == '"' || *s == '\'')
            s++;
        n = strcspn(s, "\"'\r\n");
        for (size_t i = 0; n >= SECRET_WINDOW && i + SECRET_WINDOW <= n; i++)
            if (memmem(msg, mlen, s + i, SECRET_WINDOW))
                return 1;
    }
    return 0;
}

/* The name of the secret key whose value msg would quote, or NULL. */
static const char *quotes_secret(const struct parse *p, const char *msg)
{
    for (int k = 0; k < K_COUNT; k++)
        if (ga_cfg_keys[k].secret && quotes_key_value(p, ga_cfg_keys[k].name, msg))
            return ga_cfg_keys[k].name;
    return NULL;
}

/* err = "PATH: [line N: ]MESSAGE". The first error wins. */
void ga_cfg_fail_at(struct parse *p, int line, const char *fmt, ...)
{
    char msg[MSG_MAX + QUOTE_MAX + 64];
    const char *secret;
    va_list ap;

    if (p->failed)
        return;
    p->failed = 1;
    if (!p->err || p->errlen == 0)
        return;
    va_start(ap, fmt);
    (void)vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if ((secret = quotes_secret(p, msg)) != NULL) {
        /* keep the key name in front ("app_id: ..."), drop the rest */
        size_t key = strspn(msg, "abcdefghijklmnopqrstuvwxyz_");
        if (key > 0 && msg[key] == ':')
            (void)snprintf(msg + key, sizeof msg - key, ": bad value (not shown: it would "
                           "quote text of %s)", secret);
        else
            (void)snprintf(msg, sizeof msg, "error near %s (not shown: it would "
                           "quote the secret)", secret);
    }
    if (line > 0)
        (void)snprintf(p->err, p->errlen, "%s: line %d: %s", p->path, line, msg);
    else
        (void)snprintf(p->err, p->errlen, "%s: %s", p->path, msg);
}

/* The secret key (app_secret, userpool_secret) that line (1-based) of the
 * file or the one before mentions, or NULL: a libconfuse message about it
 * may quote part of the secret. */
static const char *near_secret(const struct parse *p, int line)
{
    const char *s = p->buf;

    for (int n = 1; s && *s; n++) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);

        for (int k = 0; n >= line - 1 && n <= line && k < K_COUNT; k++) {
            size_t klen = strlen(ga_cfg_keys[k].name);

            if (!ga_cfg_keys[k].secret)
                continue;
            for (size_t i = 0; i + klen <= len; i++)
                if (memcmp(s + i, ga_cfg_keys[k].name, klen) == 0)
                    return ga_cfg_keys[k].name;
        }
        if (n >= line)
            break;
        s = nl ? nl + 1 : NULL;
    }
    return NULL;
}

/* ---- libconfuse callbacks ------------------------------------------ */

/* The struct parse a libconfuse handle belongs to. libconfuse passes no
 * user pointer, but the first option (app_id) is a simple option whose
 * storage is p->str[K_APP_ID], the first element of p->str. */
static struct parse *parse_of(cfg_t *cfg)
{
    char *slot = (char *)cfg->opts[K_APP_ID].simple_value.string;

    return (struct parse *)(void *)(slot - offsetof(struct parse, str));
}

__attribute__((format(printf, 2, 0)))
static void on_error(cfg_t *cfg, const char *fmt, va_list ap)
{
    struct parse *p = parse_of(cfg);
    char msg[MSG_MAX], clean[MSG_MAX];
    const char *near = NULL;

    (void)vsnprintf(msg, sizeof msg, fmt, ap);
    for (int k = 0; k < K_COUNT && !near; k++) {
        const char *secret = p->str[k];

        if (ga_cfg_keys[k].secret && secret && *secret && strstr(msg, secret))
            near = ga_cfg_keys[k].name;
    }
    if (near || (near = near_secret(p, cfg->line)) != NULL) {
        ga_cfg_fail_at(p, cfg->line, "syntax error near %s (details withheld)", near);
        return;
    }
    (void)ga_sanitize(msg, strlen(msg), clean, sizeof clean);
    if (strncmp(clean, "no such option ", 15) == 0) /* our word is "key" */
        ga_cfg_fail_at(p, cfg->line, "unknown key %s", clean + 15);
    else
        ga_cfg_fail_at(p, cfg->line, "%s", clean);
}

/* Parse callback of every scalar: a second assignment of the same key is an
 * error (libconfuse would keep the last one); integers are parsed strictly
 * (decimal only, no sign but '-', no spaces); a bad integer is recorded
 * and reported by the validation step, in schema order. */
static int on_scalar(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
    struct parse *p = parse_of(cfg);
    ptrdiff_t k = opt - cfg->opts;
    long n = 0;

    if (k < 0 || k >= K_COUNT || !value)
        return -1;
    if (p->seen[k]++ > 0) {
        ga_cfg_fail_at(p, cfg->line, "%s: is set more than once", ga_cfg_keys[k].name);
        return -1;
    }
    if (opt->type != CFGT_INT) {
        *(const char **)result = value;
        return 0;
    }
    ga_cfg_quote(value, p->num_text[k]);
    if (ga_parse_long(value, LONG_MIN, LONG_MAX, &n) != 0)
        p->num_bad[k] = 1;
    *(long *)result = n;
    return 0;
}

/* Parse callback of each entry of a list key (factors, the pattern
 * lists). libconfuse has just added the slot for this entry, and "KEY ="
 * empties the list first, so nvalues == 1 marks the first entry of an
 * assignment; a second one repeats the key. ("KEY += {...}" appends, as
 * libconfuse defines it.) */
static int on_list(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
    struct parse *p = parse_of(cfg);
    ptrdiff_t k = opt - cfg->opts;

    if (k < 0 || k >= K_COUNT || !value)
        return -1;
    if (opt->nvalues == 1 && p->seen[k]++ > 0) {
        ga_cfg_fail_at(p, cfg->line, "%s: is set more than once", ga_cfg_keys[k].name);
        return -1;
    }
    *(const char **)result = value;
    return 0;
}

/* ---- parsing --------------------------------------------------------- */

/* The libconfuse option table, derived from ga_cfg_keys[]. No include(), no
 * unknown keys (CFGF_NONE at cfg_init), no libconfuse defaults: defaults are
 * applied (and validated) by the validation step. */
static void build_opts(struct parse *p, cfg_opt_t opts[K_COUNT + 1])
{
    for (int k = 0; k <= K_COUNT; k++) {
        cfg_opt_t end = CFG_END();

        opts[k] = end;
        if (k == K_COUNT)
            break;
        opts[k].name = ga_cfg_keys[k].name;
        opts[k].type = ga_cfg_keys[k].type;
        opts[k].flags = CFGF_NONE;
        if (ga_cfg_keys[k].list) {
            opts[k].flags = CFGF_LIST;
            opts[k].parsecb = on_list;
        } else if (ga_cfg_keys[k].type == CFGT_INT) {
            opts[k].simple_value.number = &p->num[k];
            opts[k].parsecb = on_scalar;
        } else {
            opts[k].simple_value.string = &p->str[k];
            opts[k].parsecb = on_scalar;
        }
    }
}

/* Copy the entries of list key k out of libconfuse into p->list[k]. */
static ga_status_t copy_list(struct parse *p, cfg_t *cfg, int k)
{
    cfg_opt_t *opt = cfg_getopt(cfg, ga_cfg_keys[k].name);
    struct list_in *l = &p->list[k];
    size_t copy;

    if (!opt)
        return GA_ERR_INTERNAL;
#ifdef CFGF_MODIFIED
    /* set by libconfuse at "KEY =", even for an empty list */
    l->set = (opt->flags & CFGF_MODIFIED) != 0;
#else
    /* libconfuse < 3.1: "KEY = {}" cannot be told from no KEY line */
    l->set = p->seen[k] > 0;
#endif
    l->n = cfg_opt_size(opt);
    copy = l->n < LIST_COPY_MAX ? l->n : LIST_COPY_MAX;
    if (copy == 0)
        return GA_OK;
    l->v = calloc(copy, sizeof *l->v);
    if (!l->v)
        return GA_ERR_NOMEM;
    for (size_t i = 0; i < copy; i++) {
        const char *s = cfg_opt_getnstr(opt, (unsigned)i);

        l->v[i] = strdup(s ? s : "");
        if (!l->v[i])
            return GA_ERR_NOMEM;
    }
    return GA_OK;
}

static ga_status_t copy_lists(struct parse *p, cfg_t *cfg)
{
    ga_status_t rc = GA_OK;

    for (int k = 0; k < K_COUNT && rc == GA_OK; k++)
        if (ga_cfg_keys[k].list)
            rc = copy_list(p, cfg, k);
    return rc;
}

static ga_status_t parse_text(struct parse *p)
{
    cfg_opt_t opts[K_COUNT + 1];
    cfg_t *cfg = NULL;
    ga_status_t rc = GA_ERR_CONFIG;

    build_opts(p, opts);
    if (pthread_mutex_lock(&confuse_lock) != 0)
        return GA_ERR_INTERNAL;
    cfg = cfg_init(opts, CFGF_NONE);
    if (!cfg) {
        rc = GA_ERR_NOMEM;
        goto out;
    }
    (void)cfg_set_error_function(cfg, on_error);
    errno = 0;
    if (cfg_parse_buf(cfg, p->buf) != CFG_SUCCESS) {
        ga_cfg_fail_at(p, 0, "could not be parsed");
        goto out;
    }
    rc = copy_lists(p, cfg);
out:
    if (cfg)
        (void)cfg_free(cfg);
    (void)pthread_mutex_unlock(&confuse_lock);
    return rc;
}

static void parse_free(struct parse *p)
{
    for (int k = 0; k < K_COUNT; k++) {
        struct list_in *l = &p->list[k];

        if (ga_cfg_keys[k].secret)
            ga_free_secret(p->str[k]);
        else
            free(p->str[k]);
        p->str[k] = NULL;
        for (size_t i = 0; l->v && i < l->n && i < LIST_COPY_MAX; i++)
            free(l->v[i]);
        free(l->v);
        l->v = NULL;
    }
}

/* ---- reading --------------------------------------------------------- */

static const char *open_error(int e)
{
    switch (e) {
    case ENOENT:
        return "does not exist";
    case ELOOP:
        return "is a symlink";
    case EACCES:
        return "cannot be read (permission denied)";
    case ENOTDIR:
        return "does not exist (a parent is not a directory)";
    default:
        return "cannot be opened";
    }
}

/* Read the whole file into *bufp (cap bytes, NUL-terminated, *lenp chars). */
static ga_status_t read_file(struct parse *p, const char *path, uid_t euid,
                             char **bufp, size_t *cap, size_t *lenp)
{
    struct stat st;
    const char *why = NULL;
    char *buf = NULL;
    size_t len = 0;
    int fd = -1;
    ga_status_t rc = GA_ERR_CONFIG;

    /* O_NONBLOCK: a FIFO must not hang the login; fstat refuses it next. */
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        ga_cfg_fail_at(p, 0, "%s", open_error(errno));
        goto out;
    }
    if (fstat(fd, &st) != 0) {
        ga_cfg_fail_at(p, 0, "cannot be examined");
        goto out;
    }
    why = ga_perm_check(&st, euid, 0);
    if (why) {
        ga_cfg_fail_at(p, 0, "%s; it must be a regular file owned by %s with mode 0600",
                why, euid == 0 ? "root" : "root or the current user");
        goto out;
    }
    if (st.st_size > GA_CONFIG_MAX_SIZE) {
        ga_cfg_fail_at(p, 0, "is larger than %d bytes", GA_CONFIG_MAX_SIZE);
        goto out;
    }
    *cap = (size_t)GA_CONFIG_MAX_SIZE + 2;
    buf = calloc(1, *cap);
    if (!buf) {
        rc = GA_ERR_NOMEM;
        goto out;
    }
    while (len <= GA_CONFIG_MAX_SIZE) { /* the file may grow after fstat */
        ssize_t n = read(fd, buf + len, *cap - 1 - len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            ga_cfg_fail_at(p, 0, "cannot be read");
            goto out;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    if (len > GA_CONFIG_MAX_SIZE) {
        ga_cfg_fail_at(p, 0, "is larger than %d bytes", GA_CONFIG_MAX_SIZE);
        goto out;
    }
    buf[len] = '\0';
    *bufp = buf;
    *lenp = len;
    buf = NULL;
    rc = GA_OK;
out:
    ga_free_secret_n(buf, buf ? *cap : 0);
    if (fd >= 0)
        (void)close(fd);
    return rc;
}

static ga_status_t check_text(struct parse *p, const char *buf, size_t len)
{
    if (memchr(buf, '\0', len)) {
        ga_cfg_fail_at(p, 0, "contains a NUL byte");
        return GA_ERR_CONFIG;
    }
    /* libconfuse would replace ${VAR} with the caller's environment */
    if (strstr(buf, "${")) {
        ga_cfg_fail_at(p, 0,
                       "contains \"${\", which is not allowed anywhere in the file");
        return GA_ERR_CONFIG;
    }
    return GA_OK;
}


/* ---- public ---------------------------------------------------------- */

ga_status_t ga_config_load(const char *path, uid_t euid, ga_config_t **out,
                           char *err, size_t errlen)
{
    struct parse p;
    ga_config_t *cfg = NULL;
    char *buf = NULL;
    size_t cap = 0, len = 0;
    ga_status_t rc = GA_ERR_CONFIG;

    memset(&p, 0, sizeof p);
    p.err = err;
    p.errlen = errlen;
    p.euid = euid;
    if (err && errlen > 0)
        err[0] = '\0';
    if (!out)
        return GA_ERR_INTERNAL;
    *out = NULL;
    (void)ga_sanitize(path, path ? strlen(path) : 0, p.path, sizeof p.path);
    if (!path || path[0] != '/' || strlen(path) >= PATH_MAX) {
        ga_cfg_fail_at(&p, 0, "the config file name must be an absolute path");
        goto out;
    }
    rc = read_file(&p, path, euid, &buf, &cap, &len);
    if (rc != GA_OK)
        goto out;
    rc = check_text(&p, buf, len);
    if (rc != GA_OK)
        goto out;
    p.buf = buf;
    rc = parse_text(&p);
    if (rc != GA_OK)
        goto out;
    cfg = calloc(1, sizeof *cfg);
    if (!cfg || !(cfg->path = strdup(path))) {
        rc = GA_ERR_NOMEM;
        goto out;
    }
    rc = ga_cfg_validate(&p, cfg);
    if (rc != GA_OK)
        goto out;
    *out = cfg;
    cfg = NULL;
out:
    if (rc == GA_ERR_NOMEM)
        ga_cfg_fail_at(&p, 0, "out of memory while loading");
    else if (rc != GA_OK)
        ga_cfg_fail_at(&p, 0, "could not be loaded");
    parse_free(&p);
    ga_free_secret_n(buf, cap);
    ga_config_free(cfg);
    return rc;
}

static void strlist_free(ga_strlist_t *l)
{
    for (size_t i = 0; l->v && i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

void ga_config_free(ga_config_t *cfg)
{
    if (!cfg)
        return;
    free(cfg->path);
    free(cfg->app_id);
    ga_free_secret(cfg->app_secret);
    free(cfg->app_host);
    free(cfg->ca_file);
    free(cfg->login_format);
    free(cfg->phone_country_code);
    free(cfg->state_dir);
    free(cfg->lang);
    free(cfg->header_prefix);
    free(cfg->mgmt_host);
    free(cfg->userpool_id);
    ga_free_secret(cfg->userpool_secret);
    strlist_free(&cfg->users);
    strlist_free(&cfg->groups);
    strlist_free(&cfg->bypass_users);
    strlist_free(&cfg->services);
    strlist_free(&cfg->noninteractive_services);
    free(cfg);
}

char *ga_config_identifier(const ga_config_t *cfg, const char *user)
{
    char out[IDENTIFIER_MAX + 1];
    size_t n = 0, ulen;

    if (!cfg || !cfg->login_format || !user)
        return NULL;
    ulen = strlen(user);
    for (const char *s = cfg->login_format; *s; s++) {
        const char *piece = s;
        size_t plen = 1;

        if (*s == '%') {
            s++;
            if (*s == 'u') {
                piece = user;
                plen = ulen;
            } else if (*s != '%') {
                return NULL; /* cannot happen after validation */
            }
        }
        if (plen > IDENTIFIER_MAX - n)
            return NULL;
        memcpy(out + n, piece, plen);
        n += plen;
    }
    out[n] = '\0';
    return strdup(out);
}

int ga_config_has_mgmt(const ga_config_t *cfg)
{
    return cfg && cfg->userpool_id && *cfg->userpool_id && cfg->userpool_secret &&
           *cfg->userpool_secret;
}

int ga_config_sms_email_ok(const ga_config_t *cfg)
{
    return ga_config_has_mgmt(cfg) || (cfg && cfg->on_enrolled == GA_ON_ENROLLED_IGNORE);
}

const char *ga_login_field_name(ga_login_field_t f)
{
    if ((unsigned)f >= sizeof login_fields / sizeof login_fields[0] - 1)
        return "username";
    return login_fields[f];
}