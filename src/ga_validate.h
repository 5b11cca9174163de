/* ga_validate.h - validation of what the user types at the enrollment
 * prompts. PAM-free, allocation-free. Every function treats its input as
 * hostile: NULL, over-long, control characters and non-ASCII are rejected.
 *
 * On rejection, *reason (when reason is not NULL) points to a constant,
 * ASCII, user-facing sentence of at most 60 characters saying why
 * ("The phone number has too few digits.").
 */
#ifndef GA_VALIDATE_H
#define GA_VALIDATE_H

#include <stddef.h>

#include "ga_factor.h"
#include "ga_status.h"

/* Longest answer accepted at any prompt, in bytes. Longer answers are
 * rejected, never truncated. */
#define GA_ANSWER_MAX 256

/* Parse a mobile phone number as typed (for SMS): "+CC NNN...",
 * "00CC NNN..." ("00" is read as "+"), or a national number that gets
 * default_cc (e.g. "+86"; it must be an assigned country code, else the
 * number must be typed with its own). Spaces, dashes, dots and one pair of
 * parentheses between digits are ignored.
 * Country codes are the ITU-T E.164 assigned ones (1-3 digits, see
 * ga_phone_cc_known). After "+" or "00", the digits up to the first
 * separator are the country code as typed ("+86 188 1234 5678",
 * "+1-202-555-0100") and must be an assigned code ("+999 ..." and
 * "+861 ..." are rejected); digits with no separator are split by the
 * table ("+8618812345678" -> "+86", "18812345678").
 * The national number is 5-14 digits, country code + national at most 15
 * (E.164), and may not begin with 0 (a trunk prefix: "+44 07911 ..." is
 * rejected), except in Italy (+39), Cote d'Ivoire (+225), Benin (+229),
 * Gabon (+241), Congo (+242) and San Marino (+378), whose numbers can.
 * After an explicit country code a "(0)" right after it is dropped as the
 * trunk prefix ("+44 (0)7911 123456" -> "+44", "7911123456"), except in
 * those six. Country rules: +1 (NANP) exactly 10 digits, the first 2-9 (a
 * leading trunk "1" on 11 digits is dropped: "1 202 555 0100" is
 * "2025550100"); +86 exactly 11 digits starting with 1 (a mainland China
 * mobile number). Writes "+86" into cc and the digits into national; both
 * are left untouched on rejection.
 * Returns GA_OK or GA_ERR_INPUT. */
ga_status_t ga_parse_phone(const char *input, const char *default_cc,
                           char cc[GA_CC_MAX], char national[GA_NATIONAL_MAX],
                           const char **reason);

/* Non-zero if cc is "+" and an ITU-T E.164 assigned country code (1-3
 * digits, no leading 0) of a country or of a network that can receive an
 * SMS ("+86", "+1", "+44", "+852", "+881"); 0 for NULL, spare or reserved
 * codes ("+999", "+379"), service codes ("+800") and anything else. */
int ga_phone_cc_known(const char *cc);

/* Validate an email address: ASCII, 3-254 characters, exactly one '@',
 * local part 1-64 characters of [A-Za-z0-9.!#$%&'*+/=?^_`{|}~-] not starting
 * or ending with '.' and without "..", domain of at least two dot-separated
 * labels of [A-Za-z0-9-] (1-63 characters, not starting or ending with '-'),
 * the last label alphabetic and at least 2 characters.
 * Surrounding spaces are NOT stripped (the caller trims). GA_OK / GA_ERR_INPUT. */
ga_status_t ga_validate_email(const char *input, const char **reason);

/* Validate a verification code: 4-8 ASCII digits, nothing else.
 * GA_OK / GA_ERR_INPUT. */
ga_status_t ga_validate_code(const char *input, const char **reason);

/* Authenticator apps show a code in groups ("123 456"): when code is digit
 * groups separated by single ASCII spaces, remove the spaces in place.
 * Anything else is left as it is (ga_validate_code then says what is
 * wrong). NULL is accepted. */
void ga_code_compact(char *code);

/* Parse a menu answer: a 1-based number ("1".."n") or a factor name
 * (case-insensitive, "sms", "Email"), matched against choices[0..n-1].
 * Returns the 0-based index, or -1 (with *reason) if it matches none. */
int ga_parse_menu_choice(const char *input, const ga_factor_t *choices,
                         size_t n, const char **reason);

/* Remove leading and trailing ASCII spaces and tabs from s in place.
 * Returns s. NULL is returned unchanged. */
char *ga_trim(char *s);

#endif
