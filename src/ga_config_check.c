/* ga_config_check.c - the per-key validation of the configuration file:
 * every value read by ga_config.c is checked here, in schema order, and
 * copied into the ga_config_t (see ga_config_check.h for the contracts and
 * ga_config.h for the keys). Nothing here opens the config file or calls
 * libconfuse.
 */
#include "config.h"

#include "ga_config_check.h"

#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "ga_config.h"
#include "ga_factor.h"
#include "ga_text.h"
#include "ga_validate.h"

#define APP_ID_MAX 128
#define APP_SECRET_MAX 256
#define APP_HOST_MAX 256
#define LOGIN_FORMAT_MAX 128
#define STATE_DIR_MAX 200

/* err = "PATH: KEY: REASON"; returns GA_ERR_CONFIG. */
__attribute__((format(printf, 3, 4)))
static ga_status_t bad(struct parse *p, const struct key_def *d, const char *fmt, ...)
{
    char reason[MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    (void)vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    ga_cfg_fail_at(p, 0, "%s: %s", d->name, reason);
    return GA_ERR_CONFIG;
}

/* The value of a string key: from the file, else the default. */
static const char *value_of(const struct parse *p, const struct key_def *d)
{
    ptrdiff_t k = d - ga_cfg_keys;

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

ga_status_t ga_cfg_apply_app_id(struct parse *p, const struct key_def *d,
                                const char *v, ga_config_t *cfg)
{
    char q[QUOTE_MAX + 1];
    size_t len;

    len = strlen(v);
    if (len == 0 || len > APP_ID_MAX || !all_in(v, 0x21, 0x7e)) {
        ga_cfg_quote(v, q);
        return bad(p, d, "must be 1 to %d printable ASCII characters without spaces, "
                         "not \"%s\"", APP_ID_MAX, q);
    }
    return store(&cfg->app_id, v);
}

ga_status_t ga_cfg_apply_app_secret(struct parse *p, const struct key_def *d,
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

ga_status_t ga_cfg_apply_app_host(struct parse *p, const struct key_def *d,
                                  const char *v, ga_config_t *cfg)
{
    char q[QUOTE_MAX + 1];
    size_t len, alen;

    ga_cfg_quote(v, q);
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

ga_status_t ga_cfg_apply_ca_file(struct parse *p, const struct key_def *d,
                                 const char *v, ga_config_t *cfg)
{
    char q[QUOTE_MAX + 1];
    struct stat st;

    ga_cfg_quote(v, q);
    if (v[0] != '/' || strlen(v) >= PATH_MAX || !all_in(v, 0x20, 0x7e))
        return bad(p, d, "must be an absolute path, not \"%s\"", q);
    if (stat(v, &st) != 0 || !S_ISREG(st.st_mode))
        return bad(p, d, "\"%s\" does not exist or is not a regular file", q);
    /* whoever can write the trust anchors can read the passwords sent to
     * GenAuth: root-owned (or the caller's own when not root), not writable
     * by group or others; symlinks are followed (bundles often are links) */
    if (st.st_uid != 0 && (p->euid == 0 || st.st_uid != p->euid))
        return bad(p, d, "\"%s\" is not owned by root", q);
    if (st.st_mode & 022)
        return bad(p, d, "\"%s\" is writable by group or others", q);
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

ga_status_t ga_cfg_apply_choice(struct parse *p, const struct key_def *d,
                                const char *v, ga_config_t *cfg)
{
    char q[QUOTE_MAX + 1], all[128];
    int i;

    for (i = 0; d->choices[i]; i++)
        if (strcmp(v, d->choices[i]) == 0)
            break;
    if (!d->choices[i]) {
        ga_cfg_quote(v, q);
        list_choices(d->choices, all, sizeof all);
        return bad(p, d, "must be %s, not \"%s\"", all, q);
    }
    switch (d - ga_cfg_keys) {
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

ga_status_t ga_cfg_apply_login_format(struct parse *p, const struct key_def *d,
                                      const char *v, ga_config_t *cfg)
{
    char q[QUOTE_MAX + 1];
    int users = 0;

    ga_cfg_quote(v, q);
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
        ga_cfg_quote(name, q);
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

ga_status_t ga_cfg_apply_factors(struct parse *p, const struct key_def *d,
                                 const char *v, ga_config_t *cfg)
{
    ga_status_t rc;

    (void)v; /* the list is in p->factor_names */
    if (!p->factors_set) {
        size_t n = 0;

        for (; n < GA_FACTOR_MAX && ga_cfg_default_factors[n] != GA_FACTOR_UNKNOWN; n++)
            cfg->factors[n] = ga_cfg_default_factors[n];
        cfg->n_factors = n;
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

ga_status_t ga_cfg_apply_phone_cc(struct parse *p, const struct key_def *d,
                                  const char *v, ga_config_t *cfg)
{
    char q[QUOTE_MAX + 1];
    size_t len = strlen(v);

    if (v[0] != '+' || len < 2 || len > 5 || !all_in(v + 1, '0', '9')) {
        ga_cfg_quote(v, q);
        return bad(p, d, "must be \"+\" and 1 to 4 digits, not \"%s\"", q);
    }
    if (!ga_phone_cc_known(v)) {
        ga_cfg_quote(v, q);
        return bad(p, d, "\"%s\" is not an assigned country calling code (ITU-T E.164)", q);
    }
    return store(&cfg->phone_country_code, v);
}

ga_status_t ga_cfg_apply_number(struct parse *p, const struct key_def *d,
                                const char *v, ga_config_t *cfg)
{
    ptrdiff_t k = d - ga_cfg_keys;
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
    case K_TOTAL_TIMEOUT:
        cfg->total_timeout = n;
        return GA_OK;
    case K_MAX_ATTEMPTS:
        cfg->max_attempts = n;
        return GA_OK;
    case K_MAX_SENDS:
        cfg->max_sends = n;
        return GA_OK;
    case K_MAX_SENDS_HOUR:
        cfg->max_sends_per_hour = n;
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

ga_status_t ga_cfg_apply_state_dir(struct parse *p, const struct key_def *d,
                                   const char *v, ga_config_t *cfg)
{
    char q[QUOTE_MAX + 1];

    ga_cfg_quote(v, q);
    if (v[0] != '/' || strlen(v) > STATE_DIR_MAX || !all_in(v, 0x21, 0x7e))
        return bad(p, d, "must be an absolute path of at most %d characters without "
                         "spaces, not \"%s\"", STATE_DIR_MAX, q);
    if (has_dotdot(v))
        return bad(p, d, "must not contain \"..\", not \"%s\"", q);
    return store(&cfg->state_dir, v);
}

/* Every key in schema order. A string key without value (not in the file,
 * no default) is an error if required, else left unset (ca_file). Declared
 * in ga_config_check.h. */
ga_status_t ga_cfg_validate(struct parse *p, ga_config_t *cfg)
{
    for (int k = 0; k < K_COUNT; k++) {
        const struct key_def *d = &ga_cfg_keys[k];
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
