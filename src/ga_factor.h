/* ga_factor.h - GenAuth MFA factor types (genauth-api.md section 4). */
#ifndef GA_FACTOR_H
#define GA_FACTOR_H

typedef enum {
    GA_FACTOR_UNKNOWN = 0,
    GA_FACTOR_SMS,
    GA_FACTOR_EMAIL,
    GA_FACTOR_OTP,
    GA_FACTOR_FACE,
    GA_FACTOR_MAX
} ga_factor_t;

/* Buffer sizes for contact data, NUL included. */
#define GA_CC_MAX 8        /* "+" and 1-4 digits */
#define GA_NATIONAL_MAX 20 /* up to 15 digits (E.164) */
#define GA_EMAIL_MAX 255   /* RFC 5321 path limit 254 */
#define GA_MASKED_MAX 300  /* a masked phone number or email */

/* What a factor is enrolled for (send-enroll-factor-request `profile`).
 * SMS uses phone_cc + phone; EMAIL uses email; OTP and FACE use nothing.
 * Contact data: wipe with ga_wipe() when done. */
typedef struct ga_profile {
    ga_factor_t type;
    char phone_cc[GA_CC_MAX];       /* "+86" */
    char phone[GA_NATIONAL_MAX];    /* national number, digits only */
    char email[GA_EMAIL_MAX];
} ga_profile_t;

/* The API name ("SMS", "EMAIL", "OTP", "FACE"); "UNKNOWN" otherwise. Never NULL. */
const char *ga_factor_name(ga_factor_t f);

/* A name the user can read in a menu ("SMS (text message to your phone)",
 * "Email", "Authenticator app (TOTP)"): the en-US msgid, marked GA_N_;
 * translate with ga_tr() where shown. */
const char *ga_factor_label(ga_factor_t f);

/* A short name for sentences ("SMS", "email", "authenticator app"): the
 * en-US msgid, marked GA_N_; translate with ga_tr() where shown. */
const char *ga_factor_short(ga_factor_t f);

/* Parse an API factor name, case-insensitively, exact length.
 * Returns GA_FACTOR_UNKNOWN for NULL or anything else. */
ga_factor_t ga_factor_from_name(const char *name);

/* Non-zero if this module can enroll the factor in a terminal: SMS, EMAIL
 * and OTP (authenticator app, QR code). FACE never (it needs a photo). */
int ga_factor_enrollable(ga_factor_t f);

/* Non-zero if enrolling the factor sends a code to a contact (SMS, EMAIL):
 * the only pending enrollments kept in state_dir (an OTP one holds a
 * secret and stays in the PAM handle). */
int ga_factor_sends_code(ga_factor_t f);

#endif
