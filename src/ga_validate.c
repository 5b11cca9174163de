/* ga_validate.c - validation of the answers typed at the enrollment
 * prompts. Every input is hostile: the common checks (NULL, length, control
 * characters, non-ASCII) run before anything else looks at it. */
#include "config.h"

#include "ga_validate.h"

#include <limits.h>
#include <string.h>

#include "ga_msg.h"
#include "ga_secret.h"
#include "ga_text.h"

/* User-facing reasons: constant ASCII sentences of at most 60 characters,
 * marked for the catalogue (ga_msg.h); the caller shows ga_tr(lang, reason). */
#define R_NULL GA_N_("No answer was given.")
#define R_LONG GA_N_("That answer is too long.")
#define R_CTRL GA_N_("The answer contains control characters.")
#define R_ASCII GA_N_("Use plain ASCII characters only.")
#define R_PHONE_EMPTY GA_N_("Type a phone number, like +86 18812345678.")
#define R_PHONE_CHARS GA_N_("Use digits only, like +86 18812345678.")
#define R_PHONE_PLUS GA_N_("Put + only once, before the country code.")
#define R_PHONE_CC_UNKNOWN GA_N_("Unknown country code; check the digits after +.")
#define R_PHONE_TRUNK GA_N_("Type the number without its leading 0.")
#define R_PHONE_NANP GA_N_("+1 numbers have 10 digits, not starting with 0 or 1.")
#define R_PHONE_CHINA GA_N_("+86 mobile numbers have 11 digits, starting with 1.")
#define R_PHONE_CC_MISSING GA_N_("Type the country code right after +, like +86.")
#define R_PHONE_CC_ZERO GA_N_("A country code never starts with 0.")
#define R_PHONE_NO_CC GA_N_("Type the number with its country code, like +86.")
#define R_PHONE_PARENS GA_N_("Use one pair of parentheses, around digits only.")
#define R_PHONE_SHORT GA_N_("That number is too short.")
#define R_PHONE_LONG GA_N_("That number is too long.")
#define R_EMAIL_SHORT GA_N_("That email address is too short.")
#define R_EMAIL_LONG GA_N_("That email address is too long.")
#define R_EMAIL_SPACE GA_N_("Remove the spaces from the email address.")
#define R_EMAIL_AT GA_N_("An email address has exactly one @.")
#define R_EMAIL_LOCAL_EMPTY GA_N_("Type the part before the @.")
#define R_EMAIL_LOCAL_LONG GA_N_("The part before the @ is too long.")
#define R_EMAIL_LOCAL_CHAR GA_N_("The part before the @ has a character not allowed.")
#define R_EMAIL_LOCAL_DOT GA_N_("The part before the @ has a misplaced dot.")
#define R_EMAIL_DOMAIN_EMPTY GA_N_("Type the domain after the @, like example.com.")
#define R_EMAIL_DOMAIN_DOT GA_N_("The domain needs a dot, like example.com.")
#define R_EMAIL_LABEL_EMPTY GA_N_("The domain has an empty part (two dots?).")
#define R_EMAIL_LABEL_CHAR GA_N_("The domain may use letters, digits, - and dots only.")
#define R_EMAIL_LABEL_LONG GA_N_("A part of the domain is too long.")
#define R_EMAIL_LABEL_DASH GA_N_("A domain part cannot start or end with -.")
#define R_EMAIL_TLD GA_N_("The domain must end in a name like .com.")
#define R_CODE_EMPTY GA_N_("Type the code you received.")
#define R_CODE_CHARS GA_N_("The code has digits only.")
#define R_CODE_LEN GA_N_("The code has 4 to 8 digits.")
#define R_MENU GA_N_("Type a number from the menu or a factor name.")
#define R_MENU_NUMBER GA_N_("That number is not in the menu.")
#define R_MENU_NAME GA_N_("That choice is not offered here.")
#define R_MENU_NONE GA_N_("There is nothing to choose from.")

#define CC_DIGITS_MAX 3
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

/* ITU-T E.164 assigned country codes (ITU-T Recommendation E.164 and its
 * list of assigned country codes), as ranges of codes of the same length.
 * They are prefix-free, so at most one of them begins a digit string.
 * Left out: spare and reserved codes (379 Vatican, reserved and unused;
 * 388, 997, 999), and the non-geographic service codes that reach no phone
 * that takes an SMS (800, 808, 878, 888, 979, 991). Kept: 870 and 881-883
 * (satellite and international mobile networks). */
static const struct {
    unsigned short lo;
    unsigned short hi;
} cc_table[] = {
    {1, 1},     {7, 7},     {20, 20},   {27, 27},   {30, 34},   {36, 36},
    {39, 41},   {43, 49},   {51, 58},   {60, 66},   {81, 82},   {84, 84},
    {86, 86},   {90, 95},   {98, 98},   {211, 213}, {216, 216}, {218, 218},
    {220, 258}, {260, 269}, {290, 291}, {297, 299}, {350, 359}, {370, 378},
    {380, 383}, {385, 387}, {389, 389}, {420, 421}, {423, 423}, {500, 509},
    {590, 599}, {670, 670}, {672, 683}, {685, 692}, {850, 850}, {852, 853},
    {855, 856}, {870, 870}, {880, 883}, {886, 886}, {960, 968}, {970, 977},
    {992, 996}, {998, 998},
};

/* Countries whose national numbers can begin with 0 (the 0 is dialled from
 * abroad too): Italy, Cote d'Ivoire, Benin, Gabon, Congo, San Marino. In
 * every other country a leading 0 is a trunk prefix, not part of the
 * number. */
static const unsigned short cc_keep_zero[] = {39, 225, 229, 241, 242, 378};

#define CC_NANP 1
#define CC_CHINA 86
#define NANP_DIGITS 10
#define CHINA_MOBILE_DIGITS 11

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

static int cc_value_known(unsigned v)
{
    for (size_t i = 0; i < sizeof cc_table / sizeof cc_table[0]; i++)
        if (v >= cc_table[i].lo && v <= cc_table[i].hi)
            return 1;
    return 0;
}

/* The value of the n (1..CC_DIGITS_MAX) digits at p if they are an
 * assigned country code (no leading 0), else 0. */
static unsigned cc_digits_value(const char *p, size_t n)
{
    unsigned v = 0;

    if (n == 0 || n > CC_DIGITS_MAX || p[0] == '0')
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(p[i]))
            return 0;
        v = v * 10 + (unsigned)(p[i] - '0');
    }
    return cc_value_known(v) ? v : 0;
}

int ga_phone_cc_known(const char *cc)
{
    size_t len;

    if (!cc || cc[0] != '+')
        return 0;
    len = strnlen(cc + 1, CC_DIGITS_MAX + 1);
    return cc_digits_value(cc + 1, len) != 0;
}

static int cc_keeps_zero(unsigned cc)
{
    for (size_t i = 0; i < sizeof cc_keep_zero / sizeof cc_keep_zero[0]; i++)
        if (cc == cc_keep_zero[i])
            return 1;
    return 0;
}

/* Read the country code that follows "+" or "00" at p into cc (value in
 * *ccv); *rest points after it. Digits up to a separator are the country
 * code as typed; digits with nothing after them are split by the table. */
static int phone_read_cc(const char *p, char cc[GA_CC_MAX], unsigned *ccv,
                         const char **rest, const char **reason)
{
    size_t n = 0;
    size_t k = 0;
    const char *after;

    while (is_digit(p[n]))
        n++;
    if (n == 0)
        return reject(reason, R_PHONE_CC_MISSING);
    if (p[0] == '0')
        return reject(reason, R_PHONE_CC_ZERO);
    after = p + n + strcspn(p + n, "0123456789");
    if (*after == '\0') {
        /* "+8618812345678": no separator, the table splits it */
        for (k = 1; k <= CC_DIGITS_MAX && k <= n; k++)
            if ((*ccv = cc_digits_value(p, k)) != 0)
                break;
    } else {
        k = n;
        *ccv = cc_digits_value(p, k);
    }
    if (k > CC_DIGITS_MAX || *ccv == 0)
        return reject(reason, R_PHONE_CC_UNKNOWN);
    cc[0] = '+';
    memcpy(cc + 1, p, k);
    cc[k + 1] = '\0';
    *rest = p + k;
    return 0;
}

/* Collect the digits of s into national (at most 14 of them). After an
 * explicit country code a leading "(0)" (the trunk prefix, as in
 * "+44 (0)20 ...") is dropped unless the country keeps its 0. */
static int phone_read_national(const char *s, unsigned ccv, int explicit_cc,
                               char national[GA_NATIONAL_MAX],
                               const char **reason)
{
    size_t n = 0;

    while (is_phone_sep(*s))
        s++;
    if (explicit_cc && !cc_keeps_zero(ccv) && strncmp(s, "(0)", 3) == 0)
        s += 3;
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
    return 0;
}

/* The rules a national number of country ccv (ccv_digits long) must meet.
 * May drop the NANP trunk prefix "1" from national. */
static int phone_rules(unsigned ccv, size_t ccv_digits,
                       char national[GA_NATIONAL_MAX], const char **reason)
{
    size_t n = strlen(national);

    if (national[0] == '0' && !cc_keeps_zero(ccv))
        return reject(reason, R_PHONE_TRUNK);
    if (ccv == CC_NANP) {
        if (n == NANP_DIGITS + 1 && national[0] == '1') {
            memmove(national, national + 1, n); /* drop trunk prefix 1 */
            n--;
        }
        if (n != NANP_DIGITS || national[0] < '2')
            return reject(reason, R_PHONE_NANP);
    } else if (ccv == CC_CHINA) {
        if (n != CHINA_MOBILE_DIGITS || national[0] != '1')
            return reject(reason, R_PHONE_CHINA);
    }
    if (n < NATIONAL_DIGITS_MIN)
        return reject(reason, R_PHONE_SHORT);
    if (n + ccv_digits > E164_DIGITS_MAX)
        return reject(reason, R_PHONE_LONG);
    return 0;
}

/* The country code of the number at s: after "+" or "00" (*explicit_cc
 * set), or default_cc. */
static int phone_cc(const char *s, const char *default_cc, char cc[GA_CC_MAX],
                    unsigned *ccv, int *explicit_cc, const char **rest,
                    const char **reason)
{
    *explicit_cc = 1;
    if (s[0] == '+')
        return phone_read_cc(s + 1, cc, ccv, rest, reason);
    if (s[0] == '0' && s[1] == '0')
        return phone_read_cc(s + 2, cc, ccv, rest, reason);
    *explicit_cc = 0;
    if (!ga_phone_cc_known(default_cc))
        return reject(reason, R_PHONE_NO_CC);
    *ccv = cc_digits_value(default_cc + 1, strlen(default_cc + 1));
    memcpy(cc, default_cc, strlen(default_cc) + 1);
    *rest = s;
    return 0;
}

ga_status_t ga_parse_phone(const char *input, const char *default_cc,
                           char cc[GA_CC_MAX], char national[GA_NATIONAL_MAX],
                           const char **reason)
{
    char tmp_cc[GA_CC_MAX] = "";
    char tmp_nat[GA_NATIONAL_MAX] = "";
    const char *rest = input;
    unsigned ccv = 0;
    int explicit_cc = 0;
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
    if (phone_chars_ok(rest, reason) < 0
        || phone_cc(rest, default_cc, tmp_cc, &ccv, &explicit_cc, &rest, reason) < 0
        || phone_read_national(rest, ccv, explicit_cc, tmp_nat, reason) < 0
        || phone_rules(ccv, strlen(tmp_cc) - 1, tmp_nat, reason) < 0)
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

void ga_code_compact(char *code)
{
    size_t i, n = 0;

    if (!code || !is_digit(code[0]))
        return;
    for (i = 0; code[i]; i++)
        if (!is_digit(code[i]) && !(code[i] == ' ' && is_digit(code[i + 1])))
            return; /* not "digits, single spaces, digits" */
    for (i = 0; code[i]; i++)
        if (code[i] != ' ')
            code[n++] = code[i];
    code[n] = '\0';
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
