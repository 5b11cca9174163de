/* ga_otpauth.h - the otpauth:// key URI GenAuth returns for OTP enrollment
 * (otpData.qrCodeUri; Google Authenticator "Key Uri Format"):
 *   otpauth://totp/<issuer>:<account>?secret=<BASE32>&issuer=<issuer>
 *       &algorithm=SHA1&digits=6&period=30
 * Parsed with libcurl's URL API (curl_url, CURLU_NON_SUPPORT_SCHEME) and
 * curl_easy_unescape; nothing hand-written beyond splitting the query at '&'.
 */
#ifndef GA_OTPAUTH_H
#define GA_OTPAUTH_H

#include <stddef.h>

#include "ga_status.h"

#define GA_OTP_SECRET_MAX 129 /* base32 characters (RFC 4648), NUL included */
#define GA_OTP_LABEL_MAX 129  /* issuer / account, sanitised, NUL included */

/* Secret holds the OTP key: wipe with ga_wipe() when done. */
typedef struct ga_otpauth {
    char secret[GA_OTP_SECRET_MAX];  /* upper-case base32, no padding, 16..128 */
    char issuer[GA_OTP_LABEL_MAX];   /* issuer parameter, else the label's prefix; may be "" */
    char account[GA_OTP_LABEL_MAX];  /* label after "issuer:", may be "" */
    int digits;                      /* 6 (default) or 8 */
    int period;                      /* seconds, 30 (default); 15..120 accepted */
} ga_otpauth_t;

/* Parse uri (at most 2048 bytes). Checks: scheme otpauth, type totp, a
 * base32 secret of 16..128 characters (upper-cased, '=' padding and spaces
 * dropped), algorithm absent or SHA1, digits absent/6/8, period absent or
 * 15..120. issuer/account are percent-decoded, must be valid UTF-8 and
 * are sanitised (control characters refused) for display.
 * Returns GA_OK, GA_ERR_INPUT (anything else; *out zeroed), GA_ERR_NOMEM. */
ga_status_t ga_otpauth_parse(const char *uri, ga_otpauth_t *out);

/* Write secret in groups of four separated by spaces ("ABCD EFGH IJ") into
 * out (outlen bytes). Returns 0, or -1 if it does not fit (out is "" then). */
int ga_otpauth_group(const char *secret, char *out, size_t outlen);

#endif
