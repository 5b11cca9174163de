/* ga_otpauth.h - the otpauth:// key URI GenAuth returns for OTP enrollment
 * (otpData.qrCodeUri; Google Authenticator "Key Uri Format"):
 *   otpauth://totp/<issuer>:<account>?secret=<BASE32>&issuer=<issuer>
 *       &algorithm=SHA1&digits=6&period=30
 * Parsed with libcurl's URL API (curl_url, CURLU_NON_SUPPORT_SCHEME) and
 * curl_easy_unescape; nothing hand-written beyond splitting the query at '&'
 * and '='. ga_otpauth.c lists the choices made where the format is loose.
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

/* Parse uri (at most 2048 bytes; GenAuth's otpData.qrCodeUri). Checks:
 * "otpauth://" (any case), type (host) totp, no user, port or fragment,
 * a label of one path segment; a base32 secret of 16..128 characters
 * (spaces and trailing '=' padding dropped, upper-cased, a length base32
 * can have); algorithm absent or SHA1 (any case); digits absent/6/8;
 * period absent or 15..120. A known parameter given twice is refused;
 * unknown ones are ignored. The label is percent-decoded and split at its
 * first ':' into issuer and account (spaces before the account dropped);
 * a non-empty issuer parameter wins over the label's issuer. issuer and
 * account: valid UTF-8 (may be non-ASCII), at most 128 bytes each after
 * decoding (the decoded label, spaces after its ':' included, at most
 * 128 + 1 + 128 bytes; a label issuer over 128 bytes is refused even when
 * the parameter replaces it), no control characters (C0, DEL, C1), line
 * separators or bidi controls; they are safe to show in a zh-CN text, and
 * need ga_sanitize for an ASCII one.
 * Returns GA_OK, GA_ERR_INPUT (anything else, out NULL included; *out
 * zeroed), GA_ERR_NOMEM. Copies of the secret it makes are wiped. */
ga_status_t ga_otpauth_parse(const char *uri, ga_otpauth_t *out);

/* Write secret in groups of four separated by spaces ("ABCD EFGH IJ"; no
 * trailing space) into out (outlen bytes incl. the NUL), for typing the
 * key by hand. Returns 0, or -1 if secret is NULL or the text does not fit
 * (out is "" then when outlen > 0). The caller wipes out (it is the key). */
int ga_otpauth_group(const char *secret, char *out, size_t outlen);

#endif
