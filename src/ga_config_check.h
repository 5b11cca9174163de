/* ga_config_check.h - internal to the config unit: shared by ga_config.c
 * (schema, defaults, reading, parsing, error text) and ga_config_check.c
 * (per-key validation). Nothing else includes it; the public interface is
 * ga_config.h.
 *
 * One load keeps everything it collects in a struct parse on
 * ga_config_load's stack. Every error goes through ga_cfg_fail_at, so the
 * first one wins and err never holds app_secret or userpool_secret.
 */
#ifndef GA_CONFIG_CHECK_H
#define GA_CONFIG_CHECK_H

#include <confuse.h>
#include <stddef.h>

#include "ga_config.h"
#include "ga_factor.h"
#include "ga_status.h"

#define QUOTE_MAX 40       /* a sanitised value quoted in an error */
#define PATH_SHOWN_MAX 200 /* the file name shown in an error */
#define MSG_MAX 256        /* one libconfuse message */
#define FACTOR_NAMES_MAX 8 /* entries of factors looked at */
#define PATTERNS_MAX 64    /* entries of a pattern list (users, groups, ...) */
#define PATTERN_LEN_MAX 256 /* bytes of one pattern */
#define LIST_COPY_MAX PATTERNS_MAX /* list entries copied out of libconfuse */

/* Keys in schema order: the order in which they are validated. */
enum key {
    K_APP_ID = 0, K_APP_SECRET, K_APP_HOST, K_CA_FILE, K_AUTH_METHOD, K_LOGIN_FIELD,
    K_LOGIN_FORMAT, K_FACTORS, K_PHONE_CC, K_FAILMODE, K_CONNECT_TIMEOUT, K_TIMEOUT,
    K_TOTAL_TIMEOUT, K_MAX_ATTEMPTS, K_MAX_SENDS, K_MAX_SENDS_HOUR, K_STATE_DIR, K_LANG,
    K_HEADER_PREFIX,
    /* issue 4 */
    K_ON_ENROLLED, K_MGMT_HOST, K_USERPOOL_ID, K_USERPOOL_SECRET, K_QR, K_USERS, K_GROUPS,
    K_BYPASS_USERS, K_SERVICES, K_NONINTERACTIVE_SERVICES, K_NONINTERACTIVE, K_ENROLL_GRACE,
    K_ENROLL_GRACE_UNTIL, K_COUNT
};

/* A list key as written in the file (factors and the pattern lists). */
struct list_in {
    char **v;  /* the first min(n, LIST_COPY_MAX) entries, copies owned here */
    size_t n;  /* entries in the file (may exceed the copy) */
    int set;   /* the key is in the file (possibly as an empty list) */
};

/* Everything one load collects. Lives on the caller's stack. */
struct parse {
    char *str[K_COUNT];  /* string keys, written by libconfuse (simple options) */
    long num[K_COUNT];   /* integer keys, written by libconfuse */
    unsigned seen[K_COUNT];
    int num_bad[K_COUNT];                  /* not a strict decimal integer */
    char num_text[K_COUNT][QUOTE_MAX + 1]; /* sanitised integer text */
    struct list_in list[K_COUNT];          /* list keys only */
    const char *buf; /* the file text, NUL-terminated */
    char path[PATH_SHOWN_MAX + 1];
    char *err;
    size_t errlen;
    int failed; /* err holds the first error */
    uid_t euid; /* the caller's effective uid (ownership rules) */
};

struct key_def;
/* Validate the value v of key d and store it into cfg.
 * p: the load (borrowed); factors and integer keys are read from it.
 * d: an entry of ga_cfg_keys (borrowed). v: the value from the file or the
 * default (borrowed, NUL-terminated, never NULL for a string key); NULL for
 * factors and integer keys. cfg: the config being built (calloc'd, owned by
 * the caller); a string is stored as a new copy that cfg owns and
 * ga_config_free releases.
 * Returns GA_OK; GA_ERR_CONFIG for a bad value, with the reason in p->err
 * ("KEY: REASON", app_secret never quoted); GA_ERR_NOMEM; GA_ERR_INTERNAL if
 * d is not a key the function serves. On error cfg may hold values stored
 * before; the caller frees it. */
typedef ga_status_t apply_fn(struct parse *p, const struct key_def *d, const char *v,
                             ga_config_t *cfg);

/* The schema: name, type, default, range or choices, and the function that
 * validates the value and stores it into ga_config_t. */
struct key_def {
    const char *name;
    cfg_type_t type;     /* CFGT_STR or CFGT_INT; list keys are CFGT_STR lists */
    const char *def;     /* default of a string key; NULL: required or unset */
    int required;
    long def_num, min, max;  /* integer keys */
    const char *const *choices; /* enum keys, NULL-terminated */
    apply_fn *apply;
    int list;            /* non-zero: a list of strings (factors, pattern lists) */
    int secret;          /* non-zero: never quoted in an error, wiped */
};

/* ---- defined in ga_config.c ---------------------------------------- */

/* The schema, indexed by enum key (d - ga_cfg_keys is d's key). */
extern const struct key_def ga_cfg_keys[K_COUNT];

/* The defaults of factors, in menu order, ended by GA_FACTOR_UNKNOWN:
 * _mgmt when SMS/EMAIL factors can be verified at later logins (Management
 * API credentials set, or on_enrolled = ignore), else _otp. */
extern const ga_factor_t ga_cfg_default_factors_mgmt[];
extern const ga_factor_t ga_cfg_default_factors_otp[];

/* Copy v (borrowed; NULL gives "") into out, sanitised by ga_sanitize and
 * cut to QUOTE_MAX characters, for quoting in an error. Never fails. Never
 * call it on a secret (app_secret, userpool_secret). */
void ga_cfg_quote(const char *v, char out[QUOTE_MAX + 1]);

/* Record an error of the load p: p->err = "PATH: [line N: ]MESSAGE" (line
 * <= 0 omits the line), truncated to p->errlen. Only the first call of a
 * load writes; later ones do nothing. Sets p->failed. fmt and its arguments
 * are borrowed; never pass a secret. A message that would quote 8 or more
 * characters written as the value of app_secret or userpool_secret is
 * replaced by one that does not. No return value. */
__attribute__((format(printf, 3, 4)))
void ga_cfg_fail_at(struct parse *p, int line, const char *fmt, ...);

/* ---- defined in ga_config_check.c ------------------------------------ */

/* Validate every key in schema order (defaults included, so the first error
 * does not depend on the order of keys in the file) and store the values
 * into cfg (owned by the caller, calloc'd; freed by it on error too). p is
 * borrowed and read only, except for the error text.
 * Returns GA_OK; GA_ERR_CONFIG (a required key missing or a bad value, the
 * reason in p->err); GA_ERR_NOMEM; GA_ERR_INTERNAL. */
ga_status_t ga_cfg_validate(struct parse *p, ga_config_t *cfg);

/* The validators of ga_cfg_keys; arguments, ownership and returns are those
 * of apply_fn above. Each GA_ERR_CONFIG names the rule broken. */

/* app_id, userpool_id: 1 to 128 printable ASCII characters without
 * spaces. */
apply_fn ga_cfg_apply_app_id;

/* app_secret, userpool_secret: 1 to 256 printable ASCII characters (spaces
 * allowed); stored in cfg->app_secret / cfg->userpool_secret, which
 * ga_config_free wipes. The value never reaches an error message. */
apply_fn ga_cfg_apply_app_secret;

/* app_host, mgmt_host: "https://HOST[:PORT]" of at most 256 characters,
 * HOST a DNS name, IPv4 literal or [IPv6], PORT 1..65535, no user
 * information, path, query or fragment; one trailing '/' is dropped before
 * it is stored. */
apply_fn ga_cfg_apply_app_host;

/* ca_file: an absolute printable path to an existing regular file (stat
 * follows symlinks; the file is not opened here). */
apply_fn ga_cfg_apply_ca_file;

/* An enum key (token_endpoint_auth_method, login_field, failmode, lang,
 * header_prefix, on_enrolled, qr, noninteractive): v must equal one of
 * d->choices exactly. Stores the index as the enum, or a copy of the choice
 * for lang and header_prefix. */
apply_fn ga_cfg_apply_choice;

/* login_format: at most 128 printable ASCII characters, "%u" exactly once,
 * "%%" any number of times, no other '%' escape. */
apply_fn ga_cfg_apply_login_format;

/* factors (v is NULL; the names are in p->list[K_FACTORS]): not in the
 * file leaves cfg->n_factors 0 for ga_cfg_validate to fill in with a
 * default once every key is known (ga_cfg_default_factors_*); else 1 to
 * FACTOR_NAMES_MAX exact factor names, each one this module can enroll
 * (SMS, EMAIL, OTP), none twice. */
apply_fn ga_cfg_apply_factors;

/* A pattern list (users, groups, bypass_users, services,
 * noninteractive_services; v is NULL, the entries are in p->list[k]): not
 * in the file gives the default ({"*"} for users and services, else empty);
 * else at most PATTERNS_MAX entries, each 1 to PATTERN_LEN_MAX printable
 * ASCII characters without spaces, not a lone "!"; a non-empty list must
 * hold a positive entry (negated entries alone match nothing); users and
 * services must not be empty (that would exclude everyone). */
apply_fn ga_cfg_apply_patterns;

/* enroll_grace_until: "" (no date) or a calendar date "YYYY-MM-DD" (year
 * 1970..9999), stored as the epoch second of 00:00 UTC of the next day. */
apply_fn ga_cfg_apply_grace_until;

/* phone_country_code: "+" and 1 to 4 digits. */
apply_fn ga_cfg_apply_phone_cc;

/* An integer key (v is NULL; the value is in p->num, its text in
 * p->num_text): not in the file gives d->def_num; else a strict decimal in
 * d->min..d->max. */
apply_fn ga_cfg_apply_number;

/* state_dir: an absolute path of at most 200 printable characters without
 * spaces and without a ".." component. */
apply_fn ga_cfg_apply_state_dir;

#endif
