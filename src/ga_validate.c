/* ga_validate.c - validation of the answers typed at the enrollment
 * prompts. Every input is hostile: the common checks (NULL, length, control
 * characters, non-ASCII) run before anything else looks at it. */
#include "config.h"

#include "ga_validate.h"

#include <limits.h>
#include <string.h>

#include "ga_secret.h"
#include "ga_text.h"

/* User-facing reasons: constant ASCII sentences of at most 60 characters. */
#define R_NULL "No answer was given."
#define R_LONG "That answer is too long."
#define R_CTRL "The answer contains control characters."
#define R_ASCII "Use plain ASCII characters only."
#define R_PHONE_EMPTY "Type a phone number, like +86 18812345678."
#define R_PHONE_CHARS "Use digits only, like +86 18812345678."
#define R_PHONE_PLUS "Put + only once, before the country code."
#define R_PHONE_CC_SPACE "Put a space after the country code, like +86 188..."
#define R_PHONE_CC_MISSING "Type the country code right after +, like +86."
#define R_PHONE_CC_ZERO "A country code never starts with 0."
#define R_PHONE_NO_CC "Type the number with its country code, like +86."
#define R_PHONE_PARENS "Use one pair of parentheses, around digits only."
#define R_PHONE_SHORT "That number is too short."
#define R_PHONE_LONG "That number is too long."
#define R_EMAIL_SHORT "That email address is too short."
#define R_EMAIL_LONG "That email address is too long."
#define R_EMAIL_SPACE "Remove the spaces from the email address."
#define R_EMAIL_AT "An email address has exactly one @."
#define R_EMAIL_LOCAL_EMPTY "Type the part before the @."
#define R_EMAIL_LOCAL_LONG "The part before the @ is too long."
#define R_EMAIL_LOCAL_CHAR "The part before the @ has a character not allowed."
#define R_EMAIL_LOCAL_DOT "The part before the @ has a misplaced dot."
#define R_EMAIL_DOMAIN_EMPTY "Type the domain after the @, like example.com."
#define R_EMAIL_DOMAIN_DOT "The domain needs a dot, like example.com."
#define R_EMAIL_LABEL_EMPTY "The domain has an empty part (two dots?)."
#define R_EMAIL_LABEL_CHAR "The domain may use letters, digits, - and dots only."
#define R_EMAIL_LABEL_LONG "A part of the domain is too long."
#define R_EMAIL_LABEL_DASH "A domain part cannot start or end with -."
#define R_EMAIL_TLD "The domain must end in a name like .com."
#define R_CODE_EMPTY "Type the code you received."
#define R_CODE_CHARS "The code has digits only."
#define R_CODE_LEN "The code has 4 to 8 digits."
#define R_MENU "Type a number from the menu or a factor name."
#define R_MENU_NUMBER "That number is not in the menu."
#define R_MENU_NAME "That choice is not offered here."
#define R_MENU_NONE "There is nothing to choose from."

#define CC_DIGITS_MAX 4
#define NATIONAL_DIGITS_MIN 5
#define NATIONAL_DIGITS_MAX 14
#define E164_DIGITS_MAX 15
#define EMAIL_LEN_MIN 3
#define EMAIL_LEN_MAX 254
#define EMAIL_LOCAL_MAX 64
#define EMAIL_LABEL_MAX 63
#define CODE_LEN_MIN 4
#define CODE_LEN_MAX 8

static int reject(const char **reason, const char *why)
{
    if (reason)
        *reason = why;
    return -1;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The checks every answer passes first. Returns its length, or -1. */
static long check_answer(const char *input, const char **reason)
{
    size_t len;

    if (!input)
        return reject(reason, R_NULL);
    len = strnlen(input, GA_ANSWER_MAX + 1);
    if (len > GA_ANSWER_MAX)
        return reject(reason, R_LONG);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)input[i];
        if (c >= 0x80)
            return reject(reason, R_ASCII);
        if (c < 0x20 || c == 0x7f)
            return reject(reason, R_CTRL);
    }
    return (long)len;
}

/* ---- phone numbers ---------------------------------------------------- */

static int is_phone_sep(char c)
{
    return c == ' ' || c == '-' || c == '.';
}

/* Check the characters of a phone number: digits, separators, one pair of
 * parentheses around digits, '+' only first. */
static int phone_chars_ok(const char *s, const char **reason)
{
    int opened = 0;
    int closed = 0;
    size_t inside = 0;

    for (size_t i = 0; s[i]; i++) {
        char c = s[i];
        if (c == '+') {
            if (i != 0)
                return reject(reason, R_PHONE_PLUS);
        } else if (c == '(') {
            if (opened)
                return reject(reason, R_PHONE_PARENS);
            opened = 1;
        } else if (c == ')') {
            if (!opened || closed || inside == 0)
                return reject(reason, R_PHONE_PARENS);
            closed = 1;
        } else if (is_digit(c)) {
            if (opened && !closed)
                inside++;
        } else if (is_phone_sep(c)) {
            if (opened && !closed)
                return reject(reason, R_PHONE_PARENS);
        } else {
            return reject(reason, R_PHONE_CHARS);
        }
    }
    if (opened != closed)
        return reject(reason, R_PHONE_PARENS);
    return 0;
}

/* "+" then 1-4 digits, the first not 0. */
static int cc_ok(const char *cc)
{
    size_t n = 0;

    if (!cc || cc[0] != '+' || cc[1] == '0')
        return 0;
    for (const char *p = cc + 1; *p; p++, n++)
        if (!is_digit(*p) || n >= CC_DIGITS_MAX)
            return 0;
    return n >= 1;
}

/* Read "+CC" at the start of s into cc; *rest points after it. */
static int phone_read_cc(const char *s, char cc[GA_CC_MAX], const char **rest,
                         const char **reason)
{
    size_t n = 0;
    const char *p = s + 1;

    while (is_digit(p[n]))
        n++;
    if (n == 0)
        return reject(reason, R_PHONE_CC_MISSING);
    if (p[n] == '\0' || n > CC_DIGITS_MAX)
        return reject(reason, R_PHONE_CC_SPACE);
    if (p[0] == '0')
        return reject(reason, R_PHONE_CC_ZERO);
    cc[0] = '+';
    memcpy(cc + 1, p, n);
    cc[n + 1] = '\0';
    *rest = p + n;
    return 0;
}

/* Collect the digits of s into national (5-14 of them). */
static int phone_read_national(const char *s, size_t cc_digits,
                               char national[GA_NATIONAL_MAX],
                               const char **reason)
{
    size_t n = 0;

    for (; *s; s++) {
        if (!is_digit(*s))
            continue;
        if (n >= NATIONAL_DIGITS_MAX)
            return reject(reason, R_PHONE_LONG);
        national[n++] = *s;
    }
    national[n] = '\0';
    if (n == 0)
        return reject(reason, R_PHONE_EMPTY);
    if (n < NATIONAL_DIGITS_MIN)
        return reject(reason, R_PHONE_SHORT);
    if (n + cc_digits > E164_DIGITS_MAX)
        return reject(reason, R_PHONE_LONG);
    return 0;
}

ga_status_t ga_parse_phone(const char *input, const char *default_cc,
                           char cc[GA_CC_MAX], char national[GA_NATIONAL_MAX],
                           const char **reason)
{
    char tmp_cc[GA_CC_MAX] = "";
    char tmp_nat[GA_NATIONAL_MAX] = "";
    const char *rest = input;
    ga_status_t st = GA_ERR_INPUT;

    if (check_answer(input, reason) < 0)
        goto out;
    if (!cc || !national) {
        reject(reason, R_NULL);
        goto out;
    }
    while (*rest == ' ')
        rest++;
    if (*rest == '\0') {
        reject(reason, R_PHONE_EMPTY);
        goto out;
    }
    if (phone_chars_ok(rest, reason) < 0)
        goto out;
    if (*rest == '+') {
        if (phone_read_cc(rest, tmp_cc, &rest, reason) < 0)
            goto out;
    } else {
        if (!cc_ok(default_cc)) {
            reject(reason, R_PHONE_NO_CC);
            goto out;
        }
        memcpy(tmp_cc, default_cc, strlen(default_cc) + 1);
    }
    if (phone_read_national(rest, strlen(tmp_cc) - 1, tmp_nat, reason) < 0)
        goto out;
    memcpy(cc, tmp_cc, sizeof tmp_cc);
    memcpy(national, tmp_nat, sizeof tmp_nat);
    st = GA_OK;
out:
    ga_wipe(tmp_nat, sizeof tmp_nat);
    return st;
}

/* ---- email addresses ------------------------------------------------- */

static int is_local_char(char c)
{
    return is_alpha(c) || is_digit(c) ||
           (c != '\0' && strchr(".!#$%&'*+/=?^_`{|}~-", c) != NULL);
}

static int email_local_ok(const char *s, size_t len, const char **reason)
{
    if (len == 0)
        return reject(reason, R_EMAIL_LOCAL_EMPTY);
    if (len > EMAIL_LOCAL_MAX)
        return reject(reason, R_EMAIL_LOCAL_LONG);
    for (size_t i = 0; i < len; i++) {
        if (!is_local_char(s[i]))
            return reject(reason, R_EMAIL_LOCAL_CHAR);
        if (s[i] == '.' && (i == 0 || i == len - 1 || s[i + 1] == '.'))
            return reject(reason, R_EMAIL_LOCAL_DOT);
    }
    return 0;
}

/* One domain label s[0..len); last: the top-level label. */
static int email_label_ok(const char *s, size_t len, int last,
                          const char **reason)
{
    if (len == 0)
        return reject(reason, R_EMAIL_LABEL_EMPTY);
    if (len > EMAIL_LABEL_MAX)
        return reject(reason, R_EMAIL_LABEL_LONG);
    for (size_t i = 0; i < len; i++)
        if (!is_alpha(s[i]) && !is_digit(s[i]) && s[i] != '-')
            return reject(reason, R_EMAIL_LABEL_CHAR);
    if (s[0] == '-' || s[len - 1] == '-')
        return reject(reason, R_EMAIL_LABEL_DASH);
    if (last) {
        if (len < 2)
            return reject(reason, R_EMAIL_TLD);
        for (size_t i = 0; i < len; i++)
            if (!is_alpha(s[i]))
                return reject(reason, R_EMAIL_TLD);
    }
    return 0;
}

static int email_domain_ok(const char *s, const char **reason)
{
    const char *label = s;

    if (*s == '\0')
        return reject(reason, R_EMAIL_DOMAIN_EMPTY);
    if (!strchr(s, '.'))
        return reject(reason, R_EMAIL_DOMAIN_DOT);
    for (;;) {
        const char *dot = strchr(label, '.');
        size_t len = dot ? (size_t)(dot - label) : strlen(label);
        if (email_label_ok(label, len, dot == NULL, reason) < 0)
            return -1;
        if (!dot)
            return 0;
        label = dot + 1;
    }
}

ga_status_t ga_validate_email(const char *input, const char **reason)
{
    long len = check_answer(input, reason);
    const char *at;

    if (len < 0)
        return GA_ERR_INPUT;
    if (len < EMAIL_LEN_MIN) {
        reject(reason, R_EMAIL_SHORT);
        return GA_ERR_INPUT;
    }
    if (len > EMAIL_LEN_MAX) {
        reject(reason, R_EMAIL_LONG);
        return GA_ERR_INPUT;
    }
    if (strchr(input, ' ')) {
        reject(reason, R_EMAIL_SPACE);
        return GA_ERR_INPUT;
    }
    at = strchr(input, '@');
    if (!at || strchr(at + 1, '@')) {
        reject(reason, R_EMAIL_AT);
        return GA_ERR_INPUT;
    }
    if (email_local_ok(input, (size_t)(at - input), reason) < 0 ||
        email_domain_ok(at + 1, reason) < 0)
        return GA_ERR_INPUT;
    return GA_OK;
}

/* ---- codes and menus ------------------------------------------------- */

ga_status_t ga_validate_code(const char *input, const char **reason)
{
    long len = check_answer(input, reason);

    if (len < 0)
        return GA_ERR_INPUT;
    if (len == 0) {
        reject(reason, R_CODE_EMPTY);
        return GA_ERR_INPUT;
    }
    for (long i = 0; i < len; i++) {
        if (!is_digit(input[i])) {
            reject(reason, R_CODE_CHARS);
            return GA_ERR_INPUT;
        }
    }
    if (len < CODE_LEN_MIN || len > CODE_LEN_MAX) {
        reject(reason, R_CODE_LEN);
        return GA_ERR_INPUT;
    }
    return GA_OK;
}

int ga_parse_menu_choice(const char *input, const ga_factor_t *choices,
                         size_t n, const char **reason)
{
    long len = check_answer(input, reason);
    long max = n > (size_t)LONG_MAX ? LONG_MAX : (long)n;
    long num = 0;
    ga_factor_t f;

    if (len < 0)
        return -1;
    if (!choices || n == 0)
        return reject(reason, R_MENU_NONE);
    if (len > 0 && is_digit(input[0])) {
        if (ga_parse_long(input, 1, max, &num) < 0 || num > INT_MAX)
            return reject(reason, R_MENU_NUMBER);
        return (int)(num - 1);
    }
    f = ga_factor_from_name(input);
    if (f == GA_FACTOR_UNKNOWN)
        return reject(reason, R_MENU);
    for (size_t i = 0; i < n && i < (size_t)INT_MAX; i++)
        if (choices[i] == f)
            return (int)i;
    return reject(reason, R_MENU_NAME);
}

char *ga_trim(char *s)
{
    size_t len;
    size_t start = 0;

    if (!s)
        return s;
    len = strlen(s);
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    while (start < len && (s[start] == ' ' || s[start] == '\t'))
        start++;
    memmove(s, s + start, len - start);
    s[len - start] = '\0';
    return s;
}
