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

/* Like ga_sanitize, for the `message` text of a server answer, which may
 * be in any language and may echo contact data back. Copies in (inlen
 * bytes, may contain NUL, invalid UTF-8, control characters) into out
 * (outlen bytes incl. the NUL) as printable ASCII:
 * - 0x20..0x7e kept; a run of whitespace control characters becomes one
 *   ' '; every other control byte (NUL, ESC, DEL, ...) becomes '?';
 * - a run of bytes >= 0x80 (a UTF-8 word such as Chinese text, or invalid
 *   bytes) becomes a single '?' (three Chinese characters and " bound"
 *   -> "? bound");
 * - an email address is masked: its local part (the longest run of
 *   [A-Za-z0-9.!#$%&'*+/=?^_`{|}~-] and non-ASCII before an '@' that is
 *   followed by a letter, digit or non-ASCII) becomes its first character
 *   and "***" ("alice@example.com" -> "a***@example.com");
 * - a digit run is masked: digits joined by gaps of one or two characters
 *   of " -.()" or a non-ASCII run ("+86 188 1234 5678", "(555) 123-4567",
 *   "2024-01-15"). A run of 8 or more digits keeps its first 3 and last 2
 *   digits, a run of 5-7 digits only its last 2, the other digits become
 *   '*' and the gaps are kept ("18812345678" -> "188******78",
 *   "+86 188 1234 5678" -> "+86 1** **** **78", "123456" -> "****56").
 *   Runs of 1-4 digits are kept. A run ends before a group that starts an
 *   email address.
 * Masking is decided on the whole input before the output is cut, so a
 * cut never shows more digits than the full output would. When the output
 * does not fit it ends in "..." (always NUL-terminated when outlen > 0).
 * Returns the number of characters written, excluding the NUL. */
size_t ga_sanitize_message(const char *in, size_t inlen, char *out, size_t outlen);

/* Like ga_sanitize_message, for showing a server message to a user whose
 * language is not English (lang zh-CN): the same tokens and the same
 * masking of digit runs and email addresses (decided on the same input,
 * so exactly the same characters are masked), but a run of bytes >= 0x80
 * is copied as it is when it is well-formed UTF-8 (ga_utf8_valid) and none
 * of its code points is
 * - a C1 control (U+0080..U+009F),
 * - a bidirectional control (U+061C, U+200E, U+200F, U+202A..U+202E,
 *   U+2066..U+2069),
 * - a line or paragraph separator (U+2028, U+2029),
 * - the BOM / zero-width no-break space (U+FEFF),
 * - a decimal digit outside ASCII (Unicode category Nd, e.g. fullwidth
 *   U+FF10..U+FF19), which the digit masking would not see;
 * otherwise the whole run becomes one '?' as in ga_sanitize_message. An
 * email local part that starts with such a run shows only its first
 * character. The output (outlen bytes incl. the NUL) is always well-formed
 * UTF-8 of printable ASCII and the allowed code points: when the input
 * does not fit, whole characters are dropped to end it in "..." (never a
 * split character; fewer than outlen-1 bytes may then be used). Log lines
 * stay with ga_sanitize_message (ASCII). Returns the number of bytes
 * written, excluding the NUL. */
size_t ga_sanitize_message_utf8(const char *in, size_t inlen, char *out, size_t outlen);

/* Copy the NUL-terminated UTF-8 text in (e.g. a ga_sanitize_message_utf8
 * result) into out (outlen bytes incl. the NUL), cut when it does not fit:
 * whole characters are dropped to end it in "..." (never a split
 * character). Bytes that are not well-formed UTF-8 become '?'. Reads at
 * most outlen + 4 bytes of in. NULL in is "". Returns the number of bytes
 * written, excluding the NUL. */
size_t ga_utf8_cut(const char *in, char *out, size_t outlen);

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

/* Non-zero if s[0..len) is well-formed UTF-8 (RFC 3629: no overlong forms,
 * no surrogates, nothing above U+10FFFF). JSON text must be UTF-8 (RFC
 * 8259), so only such a password may go into a request body. */
int ga_utf8_valid(const char *s, size_t len);

/* Non-zero if s[0..len) is well-formed UTF-8 that a terminal may show as it
 * is: no control characters (C0, DEL, C1), no bidirectional controls
 * (U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069), no line or
 * paragraph separators (U+2028, U+2029), no BOM (U+FEFF), no NUL. */
int ga_utf8_displayable(const char *s, size_t len);

/* Strict decimal parse of s into *out: optional leading '-', digits only,
 * no spaces, no trailing garbage, within [min, max]. Returns 0 on success,
 * -1 otherwise (*out untouched). */
int ga_parse_long(const char *s, long min, long max, long *out);

/* Non-zero if s (NUL-terminated) is an IPv4 or IPv6 address literal
 * (inet_pton). Used to decide whether PAM_RHOST can be sent as clientIp. */
int ga_is_ip_literal(const char *s);

#endif
