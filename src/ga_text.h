/* ga_text.h - text helpers: sanitising untrusted text, masking contact
 * data, strict number parsing. PAM-free, allocation-free. */
#ifndef GA_TEXT_H
#define GA_TEXT_H

#include <stddef.h>

/* Copy untrusted bytes (in, inlen; may contain NUL, invalid UTF-8, control
 * characters) into out (outlen bytes incl. the NUL) as printable ASCII:
 * 0x20..0x7e kept, every other byte replaced by '?', runs of whitespace
 * control characters by one ' '. When the input does not fit, the output
 * ends in "..." (always NUL-terminated when outlen > 0).
 * Returns the number of characters written, excluding the NUL. */
size_t ga_sanitize(const char *in, size_t inlen, char *out, size_t outlen);

/* Mask a phone number for display and logs: country code kept, national
 * number shows its first 3 and last 4 digits, the rest as '*'
 * ("+86", "18812345678" -> "+86 188****5678"); numbers of 7 or fewer digits
 * show only the last 2. cc may be NULL or "" (then omitted). out gets at most
 * outlen-1 characters plus NUL. Returns 0, or -1 if out is too small (out is
 * then set to ""). */
int ga_mask_phone(const char *cc, const char *national, char *out, size_t outlen);

/* Mask an email address: first character of the local part, "***", then
 * "@" and the full domain ("alice@example.com" -> "a***@example.com").
 * Input without '@' becomes "***". Returns 0, or -1 if out is too small
 * (out is then set to ""). */
int ga_mask_email(const char *email, char *out, size_t outlen);

/* Strict decimal parse of s into *out: optional leading '-', digits only,
 * no spaces, no trailing garbage, within [min, max]. Returns 0 on success,
 * -1 otherwise (*out untouched). */
int ga_parse_long(const char *s, long min, long max, long *out);

/* Non-zero if s (NUL-terminated) is an IPv4 or IPv6 address literal
 * (inet_pton). Used to decide whether PAM_RHOST can be sent as clientIp. */
int ga_is_ip_literal(const char *s);

#endif
