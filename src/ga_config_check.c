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
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "ga_config.h"
#include "ga_factor.h"
#include "ga_text.h"
#include "ga_validate.h"

#define APP_ID_MAX 128
#define APP_SECRET_MAX 256
#define APP_HOST_MAX 256
#define LOGIN_FORMAT_MAX 128
#define STATE_DIR_MAX 200
#define DAY_SECONDS 86400

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
    switch (d - ga_cfg_keys) {
    case K_APP_ID:
        return store(&cfg->app_id, v);
    case K_USERPOOL_ID:
        return store(&cfg->userpool_id, v);
    default:
        return GA_ERR_INTERNAL;
    }
}

ga_status_t ga_cfg_apply_app_secret(struct parse *p, const struct key_def *d,
                                    const char *v, ga_config_t *cfg)
{
    size_t len;

    len = strlen(v);
    if (len == 0 || len > APP_SECRET_MAX || !all_in(v, 0x20, 0x7e))
        return bad(p, d, "must be 1 to %d printable ASCII characters (value not shown)",
                   APP_SECRET_MAX);
    switch (d - ga_cfg_keys) {
    case K_APP_SECRET:
        return store(&cfg->app_secret, v);
    case K_USERPOOL_SECRET:
        return store(&cfg->userpool_secret, v);
    default:
        return GA_ERR_INTERNAL;
    }
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
    char **dst = NULL;
    size_t len, alen;

    if (d - ga_cfg_keys == K_APP_HOST)
        dst = &cfg->app_host;
    else if (d - ga_cfg_keys == K_MGMT_HOST)
        dst = &cfg->mgmt_host;
    else
        return GA_ERR_INTERNAL;
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
    *dst = strndup(v, 8 + alen);
    return *dst ? GA_OK : GA_ERR_NOMEM;
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
    case K_ON_ENROLLED:
        cfg->on_enrolled = (ga_on_enrolled_t)i;
        return GA_OK;
    case K_QR:
        cfg->qr = (ga_qr_mode_t)i;
        return GA_OK;
    case K_NONINTERACTIVE:
        cfg->noninteractive = (ga_noninteractive_t)i;
        return GA_OK;
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
        return bad(p, d, "\"%s\" is not a factor name; use SMS, EMAIL or OTP", q);
    }
    if (f == GA_FACTOR_FACE)
        return bad(p, d, "FACE cannot be enrolled in a terminal");
    /* OTP is enrolled without a code sent (ga_enroll_otp.c), so it is not
     * one of ga_factor_enrollable's code-sent factors */
    if (f != GA_FACTOR_OTP && !ga_factor_enrollable(f))
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
    const struct list_in *l = &p->list[K_FACTORS];
    ga_status_t rc;

    (void)v; /* the list is in p->list[K_FACTORS] */
    if (!l->set)
        return GA_OK; /* default_factors, once on_enrolled and the credentials are known */
    if (l->n == 0)
        return bad(p, d, "must list at least one factor (SMS, EMAIL or OTP)");
    for (size_t i = 0; i < l->n; i++) {
        if (i >= FACTOR_NAMES_MAX || i >= LIST_COPY_MAX)
            return bad(p, d, "lists too many factors");
        rc = add_factor(p, d, cfg, l->v[i]);
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
    case K_ENROLL_GRACE:
        cfg->enroll_grace = n;
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

/* ---- pattern lists ---------------------------------------------------- */

/* The ga_strlist_t of pattern key k in cfg, or NULL. */
static ga_strlist_t *pattern_list(ga_config_t *cfg, ptrdiff_t k)
{
    switch (k) {
    case K_USERS:
        return &cfg->users;
    case K_GROUPS:
        return &cfg->groups;
    case K_BYPASS_USERS:
        return &cfg->bypass_users;
    case K_SERVICES:
        return &cfg->services;
    case K_NONINTERACTIVE_SERVICES:
        return &cfg->noninteractive_services;
    default:
        return NULL;
    }
}

/* Copy n entries of v (borrowed) into dst, which owns the copies. */
static ga_status_t store_list(ga_strlist_t *dst, const char *const *v, size_t n)
{
    if (n == 0)
        return GA_OK;
    dst->v = calloc(n, sizeof *dst->v);
    if (!dst->v)
        return GA_ERR_NOMEM;
    for (dst->n = 0; dst->n < n; dst->n++) {
        dst->v[dst->n] = strdup(v[dst->n]);
        if (!dst->v[dst->n])
            return GA_ERR_NOMEM; /* ga_config_free frees what was stored */
    }
    return GA_OK;
}

ga_status_t ga_cfg_apply_patterns(struct parse *p, const struct key_def *d,
                                  const char *v, ga_config_t *cfg)
{
    static const char *const everyone[] = {"*"};
    ptrdiff_t k = d - ga_cfg_keys;
    const struct list_in *l = &p->list[k];
    ga_strlist_t *dst = pattern_list(cfg, k);
    int must_match = k == K_USERS || k == K_SERVICES;
    int positive = 0;
    char q[QUOTE_MAX + 1];

    (void)v; /* the list is in p->list[k] */
    if (!dst)
        return GA_ERR_INTERNAL;
    if (!l->set) /* the default: every user / service, or no entry */
        return store_list(dst, everyone, must_match ? 1 : 0);
    if (l->n > PATTERNS_MAX || l->n > LIST_COPY_MAX)
        return bad(p, d, "lists more than %d patterns", PATTERNS_MAX);
    if (l->n == 0 && must_match)
        return bad(p, d, "must list at least one pattern (\"*\" for every %s)",
                   k == K_USERS ? "user" : "service");
    for (size_t i = 0; i < l->n; i++) {
        const char *e = l->v[i];
        size_t len = strlen(e);

        if (len == 0 || len > PATTERN_LEN_MAX || !all_in(e, 0x21, 0x7e)) {
            ga_cfg_quote(e, q);
            return bad(p, d, "pattern %zu must be 1 to %d printable ASCII characters "
                             "without spaces, not \"%s\"", i + 1, PATTERN_LEN_MAX, q);
        }
        if (strcmp(e, "!") == 0)
            return bad(p, d, "pattern %zu is a lone \"!\"; write \"!NAME\" to exclude NAME",
                       i + 1);
        if (e[0] != '!')
            positive = 1;
    }
    /* "!root" alone matches nobody (a name must match a positive entry):
     * never what the admin meant */
    if (l->n > 0 && !positive)
        return bad(p, d, "lists only negated patterns, which match nothing; add \"*\" "
                         "to match every other name");
    return store_list(dst, (const char *const *)l->v, l->n);
}

/* ---- enroll_grace_until ----------------------------------------------- */

ga_status_t ga_cfg_apply_grace_until(struct parse *p, const struct key_def *d,
                                     const char *v, ga_config_t *cfg)
{
    static const char shape[] = "dddd-dd-dd";
    char q[QUOTE_MAX + 1];
    struct tm tm, want, back;
    const char *end;
    time_t t;

    cfg->enroll_grace_until = 0;
    if (v[0] == '\0')
        return GA_OK; /* no date */
    ga_cfg_quote(v, q);
    for (size_t i = 0; i < sizeof shape; i++) {
        int ok = shape[i] == 'd' ? (v[i] >= '0' && v[i] <= '9') : v[i] == shape[i];

        if (!ok)
            return bad(p, d, "must be \"\" or a date YYYY-MM-DD, not \"%s\"", q);
    }
    memset(&tm, 0, sizeof tm);
    end = strptime(v, "%Y-%m-%d", &tm);
    if (!end || *end != '\0')
        return bad(p, d, "\"%s\" is not a calendar date", q);
    if (tm.tm_year + 1900 < 1970)
        return bad(p, d, "\"%s\" is before 1970", q);
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    tm.tm_isdst = 0;
    want = tm; /* timegm normalises its argument */
    t = timegm(&tm);
    /* strptime takes day 1..31 in any month: 2026-02-30 comes back as
     * March 2nd, which is not the date written */
    memset(&back, 0, sizeof back);
    if (t == (time_t)-1 || !gmtime_r(&t, &back) || back.tm_year != want.tm_year ||
        back.tm_mon != want.tm_mon || back.tm_mday != want.tm_mday)
        return bad(p, d, "\"%s\" is not a calendar date", q);
    cfg->enroll_grace_until = (long long)t + DAY_SECONDS; /* through the end of that day */
    return GA_OK;
}

/* userpool_id and userpool_secret: both or neither. The Management API
 * looks the user up by the sign-in identifier with a userIdType; `account`
 * (username, email or phone, whichever matches) has none, and guessing one
 * could fetch another user's factors (whose username is this user's email,
 * say): refused. */
static ga_status_t check_userpool(struct parse *p, const ga_config_t *cfg)
{
    if (cfg->userpool_id && !cfg->userpool_secret)
        return bad(p, &ga_cfg_keys[K_USERPOOL_SECRET], "is required when userpool_id is set");
    if (!cfg->userpool_id && cfg->userpool_secret)
        return bad(p, &ga_cfg_keys[K_USERPOOL_ID], "is required when userpool_secret is set");
    if (cfg->userpool_id && cfg->login_field == GA_LOGIN_ACCOUNT)
        return bad(p, &ga_cfg_keys[K_USERPOOL_ID],
                   "needs login_field username, email or phone (with account the "
                   "Management API cannot tell which user signed in)");
    return GA_OK;
}

/* The default of factors. SMS and EMAIL factors are verified at later
 * logins only through the Management API (genauth-api.md section 5): a
 * default that let users enroll them without its credentials would lock
 * each of them out at the next login. So without the credentials (and
 * with on_enrolled = verify) the default is the authenticator app, which
 * the user's own token verifies. */
static void default_factors(ga_config_t *cfg)
{
    const ga_factor_t *def = ga_cfg_default_factors_otp;
    size_t n = 0;

    if (ga_config_sms_email_ok(cfg))
        def = ga_cfg_default_factors_mgmt;
    for (; n < GA_FACTOR_MAX && def[n] != GA_FACTOR_UNKNOWN; n++)
        cfg->factors[n] = def[n];
    cfg->n_factors = n;
}

/* Every key in schema order. A string key without value (not in the file,
 * no default) is an error if required, else left unset (ca_file,
 * userpool_id, userpool_secret). Declared in ga_config_check.h. */
ga_status_t ga_cfg_validate(struct parse *p, ga_config_t *cfg)
{
    for (int k = 0; k < K_COUNT; k++) {
        const struct key_def *d = &ga_cfg_keys[k];
        const char *v = NULL;
        ga_status_t rc = GA_OK;

        if (d->type == CFGT_STR && !d->list)
            v = value_of(p, d);
        if (d->type == CFGT_STR && !d->list && !v && d->required)
            return bad(p, d, "is required");
        if (d->type != CFGT_STR || d->list || v)
            rc = d->apply(p, d, v, cfg);
        if (rc == GA_OK && k == K_USERPOOL_SECRET)
            rc = check_userpool(p, cfg);
        if (rc != GA_OK)
            return rc;
    }
    if (cfg->n_factors == 0)
        default_factors(cfg);
    return GA_OK;
}
