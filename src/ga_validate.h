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

/* Parse a phone number as typed: "+CC NNN...", or a national number that
 * gets default_cc (e.g. "+86"). Spaces, dashes, dots and one pair of
 * parentheses between digits are ignored. The country code is 1-4 digits;
 * the national number 5-14 digits; country code + national at most 15
 * digits (E.164). With a "+" the country code ends at the first separator
 * ("+86 188 1234 5678", "+1-202-555-0100"); "+8618812345678" without a
 * separator is rejected with a reason asking for a space after the country
 * code. Writes "+86" into cc and the digits into national.
 * Returns GA_OK or GA_ERR_INPUT. */
ga_status_t ga_parse_phone(const char *input, const char *default_cc,
                           char cc[GA_CC_MAX], char national[GA_NATIONAL_MAX],
                           const char **reason);

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

/* Parse a menu answer: a 1-based number ("1".."n") or a factor name
 * (case-insensitive, "sms", "Email"), matched against choices[0..n-1].
 * Returns the 0-based index, or -1 (with *reason) if it matches none. */
int ga_parse_menu_choice(const char *input, const ga_factor_t *choices,
                         size_t n, const char **reason);

/* Remove leading and trailing ASCII spaces and tabs from s in place.
 * Returns s. NULL is returned unchanged. */
char *ga_trim(char *s);

#endif
