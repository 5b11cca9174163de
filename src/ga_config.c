/* ga_config.c - the configuration file: schema, defaults, safe loading
 * and validation (see ga_config.h and conf/pam_genauth.conf).
 *
 * Loading happens in three steps:
 *   1. read: open without following a symlink, check owner/mode with
 *      ga_perm_check, cap the size, refuse NUL bytes and "${";
 *   2. parse: libconfuse under confuse_lock; every scalar is a "simple"
 *      option stored straight into struct parse, the parse callbacks only
 *      record values (strict integers, repeated keys), then cfg_free;
 *   3. validate: every key in schema order, defaults included, so the first
 *      error reported does not depend on the order of keys in the file.
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

#include "ga_perm.h"
#include "ga_secret.h"
#include "ga_text.h"

#define QUOTE_MAX 40        /* a sanitised value quoted in an error */
#define PATH_SHOWN_MAX 200  /* the file name shown in an error */
#define MSG_MAX 256         /* one libconfuse message */
#define FACTOR_NAMES_MAX 8  /* list entries copied out of libconfuse */
#define APP_ID_MAX 128
#define APP_SECRET_MAX 256
#define APP_HOST_MAX 256
#define LOGIN_FORMAT_MAX 128
#define STATE_DIR_MAX 200
#define IDENTIFIER_MAX 320

/* Keys in schema order: the order in which they are validated. */
enum key {
    K_APP_ID = 0, K_APP_SECRET, K_APP_HOST, K_CA_FILE, K_AUTH_METHOD, K_LOGIN_FIELD,
    K_LOGIN_FORMAT, K_FACTORS, K_PHONE_CC, K_FAILMODE, K_CONNECT_TIMEOUT, K_TIMEOUT,
    K_MAX_ATTEMPTS, K_MAX_SENDS, K_STATE_DIR, K_LANG, K_HEADER_PREFIX, K_COUNT
};

/* Everything one load collects. Lives on the caller's stack. */
struct parse {
    char *str[K_COUNT];  /* string keys, written by libconfuse (simple options) */
    long num[K_COUNT];   /* integer keys, written by libconfuse */
    unsigned seen[K_COUNT];
    int num_bad[K_COUNT];                  /* not a strict decimal integer */
    char num_text[K_COUNT][QUOTE_MAX + 1]; /* sanitised integer text */
    char *factor_names[FACTOR_NAMES_MAX];
    size_t n_factor_names; /* entries in the file (may exceed the copy) */
    int factors_set;
    const char *buf; /* the file text, NUL-terminated */
    char path[PATH_SHOWN_MAX + 1];
    char *err;
    size_t errlen;
    int failed; /* err holds the first error */
};

struct key_def;
/* Validate the value v of key d (NULL for factors and integer keys, which
 * are read from p) and store it into cfg. */
typedef ga_status_t apply_fn(struct parse *p, const struct key_def *d, const char *v,
                             ga_config_t *cfg);

/* The schema: name, type, default, range or choices, and the function that
 * validates the value and stores it into ga_config_t. */
struct key_def {
    const char *name;
    cfg_type_t type;     /* CFGT_STR or CFGT_INT; factors is a CFGT_STR list */
    const char *def;     /* default of a string key; NULL: required or unset */
    int required;
    long def_num, min, max;  /* integer keys */
    const char *const *choices; /* enum keys, NULL-terminated */
    apply_fn *apply;
};

static const char *const auth_methods[] = {"client_secret_post", "client_secret_basic",
                                           "none", NULL};
static const char *const login_fields[] = {"username", "email", "phone", "account",
                                           NULL};
static const char *const failmodes[] = {"secure", "safe", NULL};
static const char *const langs[] = {"en-US", "zh-CN", "zh-TW", "ja-JP", NULL};
static const char *const header_prefixes[] = {"x-authing-", "x-genauth-", NULL};
static const ga_factor_t default_factors[] = {GA_FACTOR_SMS, GA_FACTOR_EMAIL};

static apply_fn apply_app_id, apply_app_secret, apply_app_host, apply_ca_file,
    apply_choice, apply_login_format, apply_factors, apply_phone_cc, apply_number,
    apply_state_dir;

static const struct key_def keys[K_COUNT] = {
    [K_APP_ID] = {"app_id", CFGT_STR, NULL, 1, 0, 0, 0, NULL, apply_app_id},
    [K_APP_SECRET] = {"app_secret", CFGT_STR, NULL, 1, 0, 0, 0, NULL, apply_app_secret},
    [K_APP_HOST] = {"app_host", CFGT_STR, NULL, 1, 0, 0, 0, NULL, apply_app_host},
    [K_CA_FILE] = {"ca_file", CFGT_STR, NULL, 0, 0, 0, 0, NULL, apply_ca_file},
    [K_AUTH_METHOD] = {"token_endpoint_auth_method", CFGT_STR, "client_secret_post", 0,
                       0, 0, 0, auth_methods, apply_choice},
    [K_LOGIN_FIELD] = {"login_field", CFGT_STR, "username", 0, 0, 0, 0, login_fields,
                       apply_choice},
    [K_LOGIN_FORMAT] = {"login_format", CFGT_STR, "%u", 0, 0, 0, 0, NULL,
                        apply_login_format},
    [K_FACTORS] = {"factors", CFGT_STR, NULL, 0, 0, 0, 0, NULL, apply_factors},
    [K_PHONE_CC] = {"phone_country_code", CFGT_STR, "+86", 0, 0, 0, 0, NULL,
                    apply_phone_cc},
    [K_FAILMODE] = {"failmode", CFGT_STR, "secure", 0, 0, 0, 0, failmodes,
                    apply_choice},
    [K_CONNECT_TIMEOUT] = {"connect_timeout", CFGT_INT, NULL, 0, 5, 1, 60, NULL,
                           apply_number},
    [K_TIMEOUT] = {"timeout", CFGT_INT, NULL, 0, 10, 1, 120, NULL, apply_number},
    [K_MAX_ATTEMPTS] = {"max_attempts", CFGT_INT, NULL, 0, 3, 1, 10, NULL,
                        apply_number},
    [K_MAX_SENDS] = {"max_sends", CFGT_INT, NULL, 0, 3, 1, 5, NULL, apply_number},
    [K_STATE_DIR] = {"state_dir", CFGT_STR, "/var/lib/pam_genauth", 0, 0, 0, 0, NULL,
                     apply_state_dir},
    [K_LANG] = {"lang", CFGT_STR, "en-US", 0, 0, 0, 0, langs, apply_choice},
    [K_HEADER_PREFIX] = {"header_prefix", CFGT_STR, "x-authing-", 0, 0, 0, 0,
                         header_prefixes, apply_choice},
};

/* libconfuse's flex lexer keeps its scanner state in globals (buffer stack,
 * cfg_yylval, the quoted-string buffer), used by cfg_init, cfg_parse_buf
 * and cfg_free (cfg_yylex_destroy). This mutex serialises every libconfuse
 * call of the module. It is this unit's only mutable global (style.md). */
static pthread_mutex_t confuse_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- error text ---------------------------------------------------- */

static void quote(const char *v, char out[QUOTE_MAX + 1])
{
    (void)ga_sanitize(v, v ? strlen(v) : 0, out, QUOTE_MAX + 1);
}

/* err = "PATH: [line N: ]MESSAGE". The first error wins. */
__attribute__((format(printf, 3, 4)))
static void fail_at(struct parse *p, int line, const char *fmt, ...)
{
    char msg[MSG_MAX + QUOTE_MAX + 64];
    va_list ap;

    if (p->failed)
        return;
    p->failed = 1;
    if (!p->err || p->errlen == 0)
        return;
    va_start(ap, fmt);
    (void)vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (line > 0)
        (void)snprintf(p->err, p->errlen, "%s: line %d: %s", p->path, line, msg);
    else
        (void)snprintf(p->err, p->errlen, "%s: %s", p->path, msg);
}

/* err = "PATH: KEY: REASON"; returns GA_ERR_CONFIG. */
__attribute__((format(printf, 3, 4)))
static ga_status_t bad(struct parse *p, const struct key_def *d, const char *fmt, ...)
{
    char reason[MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    (void)vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    fail_at(p, 0, "%s: %s", d->name, reason);
    return GA_ERR_CONFIG;
}

/* Non-zero if line (1-based) of the file or the one before mentions
 * app_secret: a libconfuse message about it may quote part of the secret. */
static int near_secret(const struct parse *p, int line)
{
    const char *s = p->buf;

    for (int n = 1; s && *s; n++) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);

        if (n >= line - 1 && n <= line) {
            for (size_t i = 0; i + 10 <= len; i++)
                if (memcmp(s + i, "app_secret", 10) == 0)
                    return 1;
        }
        if (n >= line)
            break;
        s = nl ? nl + 1 : NULL;
    }
    return 0;
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
    const char *secret = p->str[K_APP_SECRET];
    char msg[MSG_MAX], clean[MSG_MAX];

    (void)vsnprintf(msg, sizeof msg, fmt, ap);
    if (near_secret(p, cfg->line) || (secret && *secret && strstr(msg, secret))) {
        fail_at(p, cfg->line, "syntax error near app_secret (details withheld)");
        return;
    }
    (void)ga_sanitize(msg, strlen(msg), clean, sizeof clean);
    if (strncmp(clean, "no such option ", 15) == 0) /* our word is "key" */
        fail_at(p, cfg->line, "unknown key %s", clean + 15);
    else
        fail_at(p, cfg->line, "%s", clean);
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
        fail_at(p, cfg->line, "%s: is set more than once", keys[k].name);
        return -1;
    }
    if (opt->type != CFGT_INT) {
        *(const char **)result = value;
        return 0;
    }
    quote(value, p->num_text[k]);
    if (ga_parse_long(value, LONG_MIN, LONG_MAX, &n) != 0)
        p->num_bad[k] = 1;
    *(long *)result = n;
    return 0;
}

/* Parse callback of each factors entry. libconfuse has just added the slot
 * for this entry, and "factors =" empties the list first, so nvalues == 1
 * marks the first entry of an assignment; a second one repeats the key.
 * ("factors += {...}" appends, as libconfuse defines it.) */
static int on_factor(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
    struct parse *p = parse_of(cfg);

    if (!value)
        return -1;
    if (opt->nvalues == 1 && p->seen[K_FACTORS]++ > 0) {
        fail_at(p, cfg->line, "%s: is set more than once", keys[K_FACTORS].name);
        return -1;
    }
    *(const char **)result = value;
    return 0;
}

/* ---- parsing --------------------------------------------------------- */

/* The libconfuse option table, derived from keys[]. No include(), no
 * unknown keys (CFGF_NONE at cfg_init), no libconfuse defaults: defaults are
 * applied (and validated) by the validation step. */
static void build_opts(struct parse *p, cfg_opt_t opts[K_COUNT + 1])
{
    for (int k = 0; k <= K_COUNT; k++) {
        cfg_opt_t end = CFG_END();

        opts[k] = end;
        if (k == K_COUNT)
            break;
        opts[k].name = keys[k].name;
        opts[k].type = keys[k].type;
        opts[k].flags = CFGF_NONE;
        if (k == K_FACTORS) {
            opts[k].flags = CFGF_LIST;
            opts[k].parsecb = on_factor;
        } else if (keys[k].type == CFGT_INT) {
            opts[k].simple_value.number = &p->num[k];
            opts[k].parsecb = on_scalar;
        } else {
            opts[k].simple_value.string = &p->str[k];
            opts[k].parsecb = on_scalar;
        }
    }
}

static ga_status_t copy_factors(struct parse *p, cfg_opt_t *opt)
{
    if (!opt)
        return GA_ERR_INTERNAL;
#ifdef CFGF_MODIFIED
    /* set by libconfuse at "factors =", even for an empty list */
    p->factors_set = (opt->flags & CFGF_MODIFIED) != 0;
#else
    /* libconfuse < 3.1: "factors = {}" cannot be told from no factors line */
    p->factors_set = p->seen[K_FACTORS] > 0;
#endif
    p->n_factor_names = cfg_opt_size(opt);
    for (size_t i = 0; i < p->n_factor_names && i < FACTOR_NAMES_MAX; i++) {
        const char *s = cfg_opt_getnstr(opt, (unsigned)i);

        p->factor_names[i] = strdup(s ? s : "");
        if (!p->factor_names[i])
            return GA_ERR_NOMEM;
    }
    return GA_OK;
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
        fail_at(p, 0, "could not be parsed");
        goto out;
    }
    rc = copy_factors(p, cfg_getopt(cfg, keys[K_FACTORS].name));
out:
    if (cfg)
        (void)cfg_free(cfg);
    (void)pthread_mutex_unlock(&confuse_lock);
    return rc;
}

static void parse_free(struct parse *p)
{
    for (int k = 0; k < K_COUNT; k++) {
        if (k == K_APP_SECRET)
            ga_free_secret(p->str[k]);
        else
            free(p->str[k]);
        p->str[k] = NULL;
    }
    for (size_t i = 0; i < FACTOR_NAMES_MAX; i++) {
        free(p->factor_names[i]);
        p->factor_names[i] = NULL;
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
        fail_at(p, 0, "%s", open_error(errno));
        goto out;
    }
    if (fstat(fd, &st) != 0) {
        fail_at(p, 0, "cannot be examined");
        goto out;
    }
    why = ga_perm_check(&st, euid, 0);
    if (why) {
        fail_at(p, 0, "%s; it must be a regular file owned by root with mode 0600",
                why);
        goto out;
    }
    if (st.st_size > GA_CONFIG_MAX_SIZE) {
        fail_at(p, 0, "is larger than %d bytes", GA_CONFIG_MAX_SIZE);
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
            fail_at(p, 0, "cannot be read");
            goto out;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    if (len > GA_CONFIG_MAX_SIZE) {
        fail_at(p, 0, "is larger than %d bytes", GA_CONFIG_MAX_SIZE);
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
        fail_at(p, 0, "contains a NUL byte");
        return GA_ERR_CONFIG;
    }
    /* libconfuse would replace ${VAR} with the caller's environment */
    if (strstr(buf, "${")) {
        fail_at(p, 0, "contains \"${\", which is not allowed anywhere in the file");
        return GA_ERR_CONFIG;
    }
    return GA_OK;
}

/* ---- validation ------------------------------------------------------ */

/* The value of a string key: from the file, else the default. */
static const char *value_of(const struct parse *p, const struct key_def *d)
{
    ptrdiff_t k = d - keys;

    if (!p->seen[k])
        return d->def;
    return p->str[k] ? p->str[k] : ""; /* NULL only if libconfuse lost it */
}

static int all_in(const char *s, unsigned char lo, unsigned char hi)
{
    for (; *s; s++)
        if ((unsigned char)*s < lo || (unsigned char)*s > hi)
            return 0;
    return 1;
}

static ga_status_t store(char **dst, const char *v)
{
    *dst = strdup(v);
    return *dst ? GA_OK : GA_ERR_NOMEM;
}

static ga_status_t apply_app_id(struct parse *p, const struct key_def *d, const char *v,
                                ga_config_t *cfg)
{
    char q[QUOTE_MAX + 1];
    size_t len;

    len = strlen(v);
    if (len == 0 || len > APP_ID_MAX || !all_in(v, 0x21, 0x7e)) {
        quote(v, q);
        return bad(p, d, "must be 1 to %d printable ASCII characters without spaces, "
                         "not \"%s\"", APP_ID_MAX, q);
    }
    return store(&cfg->app_id, v);
}

static ga_status_t apply_app_secret(struct parse *p, const struct key_def *d,
                                    const char *v, ga_config_t *cfg)
{
    size_t len;

    len = strlen(v);
    if (len == 0 || len > APP_SECRET_MAX || !all_in(v, 0x20, 0x7e))
        return bad(p, d, "must be 1 to %d printable ASCII characters (value not shown)",
                   APP_SECRET_MAX);
    return store(&cfg->app_secret, v);
}

/* host[:port], host a DNS name or IPv4 literal, or [IPv6][:port]. */
static int authority_ok(const char *a, size_t len)
{
    size_t i = 0, host_end, plen;
    long port;
    char digits[8];

    if (len > 0 && a[0] == '[') {
        for (i = 1; i < len && a[i] != ']'; i++)
            if (!strchr("0123456789abcdefABCDEF:.", a[i]))
                return 0;
        if (i >= len || i == 1)
            return 0;
        host_end = ++i;
    } else {
        for (i = 0; i < len && a[i] != ':'; i++)
            if (!strchr("abcdefghijklmnopqrstuvwxyz"
                        "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-", a[i]))
                return 0;
        if (i == 0)
            return 0;
        host_end = i;
    }
    if (host_end == len)
        return 1;
    plen = len - host_end - 1; /* the port after ':' */
    if (a[host_end] != ':' || plen == 0 || plen >= sizeof digits)
        return 0;
    memcpy(digits, a + host_end + 1, plen);
    digits[plen] = '\0';
    return ga_parse_long(digits, 1, 65535, &port) == 0;
}

static ga_status_t apply_app_host(struct parse *p, const struct key_def *d, const char *v,
                                  ga_config_t *cfg)
{
    char q[QUOTE_MAX + 1];
    size_t len, alen;

    quote(v, q);
    len = strlen(v);
    if (len > APP_HOST_MAX)
        return bad(p, d, "is longer than %d characters", APP_HOST_MAX);
    if (strncmp(v, "https://", 8) != 0)
        return bad(p, d, "must start with https://, not \"%s\"", q);
    if (!all_in(v, 0x21, 0x7e))
        return bad(p, d, "must not contain spaces or control characters, not \"%s\"",
                   q);
    alen = len - 8;
    if (alen > 0 && v[len - 1] == '/')
        alen--; /* one trailing slash is tolerated and dropped */
    if (memchr(v + 8, '@', alen))
        return bad(p, d, "must not contain user information (@), not \"%s\"", q);
    if (memchr(v + 8, '/', alen) || memchr(v + 8, '?', alen) ||
        memchr(v + 8, '#', alen))
        return bad(p, d, "must be https://HOST[:PORT] without a path, query or "
                         "fragment, not \"%s\"", q);
    if (alen == 0)
        return bad(p, d, "has no host name");
    if (!authority_ok(v + 8, alen))
        return bad(p, d, "has an invalid host name or port, not \"%s\"", q);
    cfg->app_host = strndup(v, 8 + alen);
    return cfg->app_host ? GA_OK : GA_ERR_NOMEM;
}

static ga_status_t apply_ca_file(struct parse *p, const struct key_def *d, const char *v,
                                 ga_config_t *cfg)
{
    char q[QUOTE_MAX + 1];
    struct stat st;

    quote(v, q);
    if (v[0] != '/' || strlen(v) >= PATH_MAX || !all_in(v, 0x20, 0x7e))
        return bad(p, d, "must be an absolute path, not \"%s\"", q);
    if (stat(v, &st) != 0 || !S_ISREG(st.st_mode))
        return bad(p, d, "\"%s\" does not exist or is not a regular file", q);
    return store(&cfg->ca_file, v);
}

/* "a, b or c" from a NULL-terminated list. */
static void list_choices(const char *const *c, char *out, size_t outlen)
{
    size_t used = 0;

    out[0] = '\0';
    for (size_t i = 0; c[i] && used < outlen; i++) {
        const char *sep = i == 0 ? "" : c[i + 1] ? ", " : " or ";
        int n = snprintf(out + used, outlen - used, "%s%s", sep, c[i]);

        if (n < 0)
            break;
        used += (size_t)n;
    }
}

static ga_status_t apply_choice(struct parse *p, const struct key_def *d, const char *v,
                                ga_config_t *cfg)
{
    char q[QUOTE_MAX + 1], all[128];
    int i;

    for (i = 0; d->choices[i]; i++)
        if (strcmp(v, d->choices[i]) == 0)
            break;
    if (!d->choices[i]) {
        quote(v, q);
        list_choices(d->choices, all, sizeof all);
        return bad(p, d, "must be %s, not \"%s\"", all, q);
    }
    switch (d - keys) {
    case K_AUTH_METHOD:
        cfg->auth_method = (ga_client_auth_t)i;
        return GA_OK;
    case K_LOGIN_FIELD:
        cfg->login_field = (ga_login_field_t)i;
        return GA_OK;
    case K_FAILMODE:
        cfg->failmode = (ga_failmode_t)i;
        return GA_OK;
    case K_LANG:
        return store(&cfg->lang, d->choices[i]);
    case K_HEADER_PREFIX:
        return store(&cfg->header_prefix, d->choices[i]);
    default:
        return GA_ERR_INTERNAL;
    }
}

static ga_status_t apply_login_format(struct parse *p, const struct key_def *d,
                                      const char *v, ga_config_t *cfg)
{
    char q[QUOTE_MAX + 1];
    int users = 0;

    quote(v, q);
    if (strlen(v) > LOGIN_FORMAT_MAX || !all_in(v, 0x20, 0x7e))
        return bad(p, d, "must be at most %d printable ASCII characters, not \"%s\"",
                   LOGIN_FORMAT_MAX, q);
    for (const char *s = v; *s; s++) {
        if (*s != '%')
            continue;
        s++;
        if (*s == 'u')
            users++;
        else if (*s != '%')
            return bad(p, d, "may use only %%u and %%%% escapes, not \"%s\"", q);
    }
    if (users != 1)
        return bad(p, d, "must contain %%u exactly once, not \"%s\"", q);
    return store(&cfg->login_format, v);
}

static ga_status_t add_factor(struct parse *p, const struct key_def *d,
                              ga_config_t *cfg, const char *name)
{
    ga_factor_t f = ga_factor_from_name(name);
    char q[QUOTE_MAX + 1];

    if (f == GA_FACTOR_UNKNOWN || strcmp(name, ga_factor_name(f)) != 0) {
        quote(name, q);
        return bad(p, d, "\"%s\" is not a factor name; use SMS or EMAIL", q);
    }
    if (f == GA_FACTOR_OTP)
        return bad(p, d, "OTP enrollment is not supported yet");
    if (f == GA_FACTOR_FACE)
        return bad(p, d, "FACE cannot be enrolled in a terminal");
    if (!ga_factor_enrollable(f))
        return bad(p, d, "%s cannot be enrolled by this module", ga_factor_name(f));
    for (size_t i = 0; i < cfg->n_factors; i++)
        if (cfg->factors[i] == f)
            return bad(p, d, "lists %s more than once", ga_factor_name(f));
    if (cfg->n_factors >= GA_FACTOR_MAX)
        return bad(p, d, "lists too many factors");
    cfg->factors[cfg->n_factors++] = f;
    return GA_OK;
}

static ga_status_t apply_factors(struct parse *p, const struct key_def *d, const char *v,
                                 ga_config_t *cfg)
{
    ga_status_t rc;

    (void)v; /* the list is in p->factor_names */
    if (!p->factors_set) {
        for (size_t i = 0; i < sizeof default_factors / sizeof default_factors[0]; i++)
            cfg->factors[i] = default_factors[i];
        cfg->n_factors = sizeof default_factors / sizeof default_factors[0];
        return GA_OK;
    }
    if (p->n_factor_names == 0)
        return bad(p, d, "must list at least one factor (SMS or EMAIL)");
    for (size_t i = 0; i < p->n_factor_names; i++) {
        if (i >= FACTOR_NAMES_MAX)
            return bad(p, d, "lists too many factors");
        rc = add_factor(p, d, cfg, p->factor_names[i]);
        if (rc != GA_OK)
            return rc;
    }
    return GA_OK;
}

static ga_status_t apply_phone_cc(struct parse *p, const struct key_def *d, const char *v,
                                  ga_config_t *cfg)
{
    char q[QUOTE_MAX + 1];
    size_t len = strlen(v);

    if (v[0] != '+' || len < 2 || len > 5 || !all_in(v + 1, '0', '9')) {
        quote(v, q);
        return bad(p, d, "must be \"+\" and 1 to 4 digits, not \"%s\"", q);
    }
    return store(&cfg->phone_country_code, v);
}

static ga_status_t apply_number(struct parse *p, const struct key_def *d, const char *v,
                                ga_config_t *cfg)
{
    ptrdiff_t k = d - keys;
    long n = p->seen[k] ? p->num[k] : d->def_num;

    (void)v; /* integer keys: the value is in p->num */
    if (p->seen[k] && (p->num_bad[k] || n < d->min || n > d->max))
        return bad(p, d, "must be a whole number from %ld to %ld, not \"%s\"", d->min,
                   d->max, p->num_text[k]);
    switch (k) {
    case K_CONNECT_TIMEOUT:
        cfg->connect_timeout = n;
        return GA_OK;
    case K_TIMEOUT:
        cfg->timeout = n;
        return GA_OK;
    case K_MAX_ATTEMPTS:
        cfg->max_attempts = n;
        return GA_OK;
    case K_MAX_SENDS:
        cfg->max_sends = n;
        return GA_OK;
    default:
        return GA_ERR_INTERNAL;
    }
}

static int has_dotdot(const char *path)
{
    for (const char *s = path; (s = strstr(s, "..")) != NULL; s += 2)
        if ((s == path || s[-1] == '/') && (s[2] == '\0' || s[2] == '/'))
            return 1;
    return 0;
}

static ga_status_t apply_state_dir(struct parse *p, const struct key_def *d,
                                   const char *v, ga_config_t *cfg)
{
    char q[QUOTE_MAX + 1];

    quote(v, q);
    if (v[0] != '/' || strlen(v) > STATE_DIR_MAX || !all_in(v, 0x21, 0x7e))
        return bad(p, d, "must be an absolute path of at most %d characters without "
                         "spaces, not \"%s\"", STATE_DIR_MAX, q);
    if (has_dotdot(v))
        return bad(p, d, "must not contain \"..\", not \"%s\"", q);
    return store(&cfg->state_dir, v);
}

/* Every key in schema order. A string key without value (not in the file,
 * no default) is an error if required, else left unset (ca_file). */
static ga_status_t validate(struct parse *p, ga_config_t *cfg)
{
    for (int k = 0; k < K_COUNT; k++) {
        const struct key_def *d = &keys[k];
        const char *v = NULL;
        ga_status_t rc;

        if (d->type == CFGT_STR && k != K_FACTORS) {
            v = value_of(p, d);
            if (!v && d->required)
                return bad(p, d, "is required");
            if (!v)
                continue;
        }
        rc = d->apply(p, d, v, cfg);
        if (rc != GA_OK)
            return rc;
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
    if (err && errlen > 0)
        err[0] = '\0';
    if (!out)
        return GA_ERR_INTERNAL;
    *out = NULL;
    (void)ga_sanitize(path, path ? strlen(path) : 0, p.path, sizeof p.path);
    if (!path || path[0] != '/' || strlen(path) >= PATH_MAX) {
        fail_at(&p, 0, "the config file name must be an absolute path");
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
    rc = validate(&p, cfg);
    if (rc != GA_OK)
        goto out;
    *out = cfg;
    cfg = NULL;
out:
    if (rc == GA_ERR_NOMEM)
        fail_at(&p, 0, "out of memory while loading");
    else if (rc != GA_OK)
        fail_at(&p, 0, "could not be loaded");
    parse_free(&p);
    ga_free_secret_n(buf, cap);
    ga_config_free(cfg);
    return rc;
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

const char *ga_login_field_name(ga_login_field_t f)
{
    if ((unsigned)f >= sizeof login_fields / sizeof login_fields[0] - 1)
        return "username";
    return login_fields[f];
}
