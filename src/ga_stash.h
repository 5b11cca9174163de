/* ga_stash.h - what one module run leaves for the next run in the same PAM
 * handle (pam_set_data key "pam_genauth:enrollment").
 *
 * The request step (or a first run) stores the enrollmentToken and what is
 * needed to bind it; the bind step (or a second run) takes it from there, so
 * a second run in the same handle never sends a second code.
 *
 * A pending OTP (authenticator app) enrollment lives only here, never in
 * state_dir: profile.type GA_FACTOR_OTP, enrollment_token and otp_digits.
 * The OTP secret, URI, recovery code and QR drawing are not kept at all:
 * they are shown once and wiped (ga_enroll_otp.c).
 */
#ifndef GA_STASH_H
#define GA_STASH_H

#include "ga_factor.h"
#include "ga_status.h"

#define GA_STASH_KEY "pam_genauth:enrollment"

typedef enum {
    GA_STASH_EMPTY = 0, /* nothing decided yet */
    GA_STASH_PENDING,   /* a code was sent; enrollment_token is set */
    GA_STASH_DONE       /* the run ended with `result`; replay it */
} ga_stash_state_t;

typedef struct ga_stash {
    char *user;                        /* PAM user the stash belongs to */
    ga_stash_state_t state;
    ga_status_t result;                /* for GA_STASH_DONE */
    char *access_token;                /* secret */
    ga_profile_t profile;              /* contact data: wiped on free */
    char masked_target[GA_MASKED_MAX];
    char *enrollment_token;            /* secret */
    long long sent_at;                 /* seconds since the epoch, 0 = never */
    int attempts;                      /* wrong codes for this token */
    int sends;                         /* codes (or OTP QR codes) sent in this login */
    int otp_digits;                    /* pending OTP: digits of a code (6 or 8), 0 = none */
} ga_stash_t;

/* New empty stash for user (copied). NULL on allocation failure. */
ga_stash_t *ga_stash_new(const char *user);

/* Forget the pending enrollmentToken (wiped), reset attempts and the
 * pending OTP details. */
void ga_stash_drop_token(ga_stash_t *s);

/* Wipe every secret and contact datum and free. NULL is accepted. */
void ga_stash_free(ga_stash_t *s);

#endif
