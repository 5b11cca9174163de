/* ga_status.h - the one status type of the PAM-free core.
 *
 * Every core function returns a ga_status_t. Only the PAM glue
 * (pam_genauth.c) maps it to a PAM return code, through one table.
 */
#ifndef GA_STATUS_H
#define GA_STATUS_H

typedef enum {
    GA_OK = 0,
    GA_ERR_NOMEM,       /* allocation failed                  -> PAM_BUF_ERR */
    GA_ERR_CONFIG,      /* bad config file / module argument  -> PAM_SERVICE_ERR */
    GA_ERR_INTERNAL,    /* bug or impossible state            -> PAM_SERVICE_ERR */
    GA_ERR_CONV,        /* conversation failed or NULL answer -> PAM_CONV_ERR */
    GA_ERR_CANCELLED,   /* user gave an empty answer / quit   -> PAM_AUTH_ERR */
    GA_ERR_AUTH,        /* wrong password, unknown user       -> PAM_AUTH_ERR */
    GA_ERR_INPUT,       /* an answer failed validation        -> (re-prompt) PAM_AUTH_ERR */
    GA_ERR_WRONG_CODE,  /* GenAuth rejected the passCode      -> (re-prompt) PAM_AUTH_ERR */
    GA_ERR_EXPIRED,     /* enrollmentToken expired or unknown -> (offer resend) PAM_AUTH_ERR */
    GA_ERR_THROTTLED,   /* statusCode 429, or 422 on a send   -> PAM_AUTH_ERR */
    GA_ERR_REJECTED,    /* any other business error (4xx)     -> PAM_AUTH_ERR */
    GA_ERR_MAXTRIES,    /* attempts or sends exhausted        -> PAM_MAXTRIES */
    GA_ERR_UNAVAIL,     /* network, TLS, 5xx, bad answer      -> fail mode */
    GA_ERR_NOT_FOUND,   /* no such item (state file, stash)   -> internal use */
    GA_ENROLLED,        /* the user already has a factor      -> PAM_IGNORE */
    GA_IGNORE,          /* nothing to decide (step=request)   -> PAM_IGNORE */
    GA_EXCLUDED,        /* policy: not in scope / break-glass -> PAM_IGNORE, no network */
    GA_POSTPONED,       /* the user answered `later` (grace)   -> PAM_IGNORE */
    GA_ERR_NONINTERACTIVE, /* cannot prompt (service marked so, or
                              conversation error on an ECHO_ON
                              prompt before an enrollment)      -> `noninteractive` */
    GA_ERR_NO_METHOD,   /* only factors this host cannot verify
                           (SMS/EMAIL without Management API
                           credentials, FACE)                 -> PAM_AUTH_ERR, any failmode */
    GA_STATUS_MAX
} ga_status_t;

/* Reason class of a GA_ERR_UNAVAIL, for the one admin log line. */
typedef enum {
    GA_REASON_NONE = 0,
    GA_REASON_DNS,        /* host name did not resolve */
    GA_REASON_REFUSED,    /* TCP connect refused or unreachable */
    GA_REASON_TIMEOUT,    /* connect or request timeout (connect_timeout, timeout) */
    GA_REASON_DEADLINE,   /* the whole login's network time (total_timeout) ran out */
    GA_REASON_TLS,        /* certificate or handshake failure */
    GA_REASON_HTTP,       /* HTTP 5xx or an unexpected HTTP status without envelope */
    GA_REASON_BAD_ANSWER, /* not JSON, not an envelope, wrong types, too big */
    GA_REASON_SERVER,     /* well-formed envelope with statusCode 5xx */
    GA_REASON_APP_CRED,   /* GenAuth rejected the app id / app secret */
    GA_REASON_POOL_CRED,  /* the Management API rejected userpool_id / userpool_secret */
    GA_REASON_NETWORK,    /* any other transport error */
    GA_REASON_MAX
} ga_reason_t;

/* Short constant English name of a status ("ok", "nomem", ...). Never NULL. */
const char *ga_status_name(ga_status_t st);

/* Short constant English name of a reason class ("dns", "timeout", "tls", ...).
 * Never NULL. */
const char *ga_reason_name(ga_reason_t r);

#endif
