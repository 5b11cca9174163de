/* ga_config.h - the configuration file /etc/security/pam_genauth.conf
 * (libconfuse syntax). The schema and every default live in ga_config.c.
 *
 * Keys (see conf/pam_genauth.conf for the commented reference):
 *   app_id, app_secret, app_host (https:// only), ca_file (optional PEM),
 *   token_endpoint_auth_method = client_secret_post | client_secret_basic | none
 *   login_field = username | email | phone | account, login_format = "%u"
 *   factors ({"SMS", "EMAIL"} with userpool_id/userpool_secret or
 *     on_enrolled = ignore, else {"OTP"}), phone_country_code = "+86"
 *   failmode = secure | safe
 *   connect_timeout (s, 5), timeout (s, 10), total_timeout (s, 30),
 *   max_attempts (3), max_sends (3), max_sends_per_hour (5)
 *   state_dir ("/var/lib/pam_genauth"), lang ("en-US" | "zh-CN"),
 *   header_prefix ("x-authing-")
 * Issue 4 (verification, OTP enrollment, policy):
 *   on_enrolled = verify | ignore ("verify")
 *   mgmt_host ("https://api.genauth.ai"), userpool_id, userpool_secret
 *     (optional, both or neither: Management API for SMS/EMAIL verification
 *     and OTP recovery codes)
 *   qr = utf8 | ascii | off ("utf8")
 *   users ({"*"}), groups ({} = no group condition), bypass_users ({}),
 *   services ({"*"}), noninteractive_services ({}): duo_unix-style pattern
 *     lists (fnmatch(3) "*" and "?", a leading "!" negates)
 *   noninteractive = deny | ignore ("deny")
 *   enroll_grace (0 = no postponing by count, 0..100),
 *   enroll_grace_until ("" or "YYYY-MM-DD", UTC, through the end of that day)
 */
#ifndef GA_CONFIG_H
#define GA_CONFIG_H

#include <stddef.h>
#include <sys/types.h>

#include "ga_factor.h"
#include "ga_status.h"

#define GA_CONFIG_MAX_SIZE 65536 /* bytes (64 KiB); larger files are refused */

typedef enum {
    GA_CLIENT_AUTH_POST = 0, /* client_secret_post (default) */
    GA_CLIENT_AUTH_BASIC,    /* client_secret_basic */
    GA_CLIENT_AUTH_NONE      /* none */
} ga_client_auth_t;

typedef enum {
    GA_LOGIN_USERNAME = 0,
    GA_LOGIN_EMAIL,
    GA_LOGIN_PHONE,
    GA_LOGIN_ACCOUNT
} ga_login_field_t;

typedef enum { GA_FAILMODE_SECURE = 0, GA_FAILMODE_SAFE } ga_failmode_t;

/* What to do with a user who already has a factor. */
typedef enum { GA_ON_ENROLLED_VERIFY = 0, GA_ON_ENROLLED_IGNORE } ga_on_enrolled_t;

/* How the OTP enrollment shows the otpauth:// URI as a QR code. */
typedef enum { GA_QR_UTF8 = 0, GA_QR_ASCII, GA_QR_OFF } ga_qr_mode_t;

/* Result for callers that cannot answer questions. */
typedef enum { GA_NONINTERACTIVE_DENY = 0, GA_NONINTERACTIVE_IGNORE } ga_noninteractive_t;

/* A list of patterns (users, groups, services), each at most 256 bytes of
 * printable ASCII; owned by the config. */
typedef struct ga_strlist {
    char **v;
    size_t n;
} ga_strlist_t;

/* Plain, immutable after load. Every string is owned by the struct. */
typedef struct ga_config {
    char *path;       /* the file it was loaded from */
    char *app_id;
    char *app_secret; /* secret: wiped by ga_config_free */
    char *app_host;   /* "https://host[:port]", no trailing slash */
    char *ca_file;    /* NULL = system trust store */
    ga_client_auth_t auth_method;
    ga_login_field_t login_field;
    char *login_format;                  /* "%u" = PAM user, "%%" = "%"; nothing else */
    ga_factor_t factors[GA_FACTOR_MAX];  /* menu order, no duplicates */
    size_t n_factors;                    /* >= 1 */
    char *phone_country_code;            /* "+86" */
    ga_failmode_t failmode;
    long connect_timeout; /* seconds, 1..60 */
    long timeout;         /* seconds per request, 1..120 */
    long total_timeout;   /* seconds of network time for a whole login, 1..600 */
    long max_attempts;    /* wrong codes per enrollmentToken, 1..10 */
    long max_sends;       /* codes sent per login, 1..5 */
    long max_sends_per_hour; /* codes sent per user in any hour, across logins, 1..100 */
    char *state_dir;      /* absolute path */
    char *lang;           /* "en-US" | "zh-CN": user-facing text (ga_msg.h) and x-authing-lang */
    char *header_prefix;  /* "x-authing-" | "x-genauth-" */
    /* issue 4 */
    ga_on_enrolled_t on_enrolled;
    char *mgmt_host;       /* "https://host[:port]", no trailing slash */
    char *userpool_id;     /* NULL = no Management API credentials */
    char *userpool_secret; /* secret: wiped by ga_config_free; NULL iff userpool_id is */
    ga_qr_mode_t qr;
    ga_strlist_t users;                   /* default {"*"} */
    ga_strlist_t groups;                  /* default empty: no group condition */
    ga_strlist_t bypass_users;            /* default empty */
    ga_strlist_t services;                /* default {"*"} */
    ga_strlist_t noninteractive_services; /* default empty */
    ga_noninteractive_t noninteractive;
    long enroll_grace;              /* postponements allowed per user, 0..100 */
    long long enroll_grace_until;   /* seconds since the epoch: `later` allowed
                                       before this instant (00:00 UTC of the day
                                       after the configured date); 0 = no date */
} ga_config_t;

/* Open path safely (O_NOFOLLOW, O_CLOEXEC, O_NOCTTY; fstat: regular file,
 * ga_perm_check rule with euid, size <= GA_CONFIG_MAX_SIZE), refuse "${"
 * anywhere in the text (libconfuse would expand the caller's environment),
 * parse it with cfg_parse_buf under a process-wide mutex (libconfuse's lexer
 * has global state), validate every value, and copy the result into a new
 * ga_config_t (*out, free with ga_config_free).
 * Errors: GA_ERR_CONFIG (missing/unsafe file, syntax error, unknown key, bad
 * value, missing app_id/app_secret/app_host), GA_ERR_NOMEM. On error *out is
 * NULL and err (errlen bytes) holds one admin-facing sentence that names the
 * file and the reason, e.g. "/etc/security/pam_genauth.conf: failmode: must
 * be secure or safe, not \"open\"". Never puts app_secret into err. */
ga_status_t ga_config_load(const char *path, uid_t euid, ga_config_t **out,
                           char *err, size_t errlen);

/* Wipe the secret and free everything. NULL is accepted. */
void ga_config_free(ga_config_t *cfg);

/* Build the sign-in identifier from login_format for the PAM user: "%u" is
 * replaced by user, "%%" by "%". Returns a new string (caller frees) or NULL
 * on allocation failure or if the result exceeds 320 bytes. */
char *ga_config_identifier(const ga_config_t *cfg, const char *user);

/* Non-zero when the Management API can be used: userpool_id and
 * userpool_secret are both set (ga_config_load accepts both or neither,
 * never empty). NULL cfg: 0. */
int ga_config_has_mgmt(const ga_config_t *cfg);

/* Non-zero when an SMS or EMAIL factor enrolled now is no lock-out: the
 * Management API can verify it at later logins (ga_config_has_mgmt), or
 * this module does not verify enrolled users (on_enrolled = ignore).
 * Decides the default of factors and the warning at such an enrollment.
 * NULL cfg: 0. */
int ga_config_sms_email_ok(const ga_config_t *cfg);

/* "username", "email", "phone" or "account": the passwordPayload key. */
const char *ga_login_field_name(ga_login_field_t f);

#endif
