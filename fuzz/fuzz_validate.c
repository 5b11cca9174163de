/* fuzz_validate.c - libFuzzer target: what the user types at the enrollment
 * prompts (ga_validate.h: ga_parse_phone, ga_validate_email,
 * ga_validate_code, ga_parse_menu_choice, ga_trim) and the text helpers the
 * answers go through (ga_text.h: ga_sanitize, ga_sanitize_message,
 * ga_mask_phone, ga_mask_email, ga_parse_long, ga_is_ip_literal,
 * ga_utf8_valid), and ga_phone_cc_known.
 *
 * Input: byte 0 picks the default country code (bits 0-2), the number of
 * menu entries (bits 3-5, 0..5) and, with bits 6-7 set, NULL-argument calls; byte 1 the menu entries (factor (b1 + i)
 * mod GA_FACTOR_MAX) and the output buffer size of the sanitising and
 * masking calls (bits 4-6, sizes[]); the rest is the answer. Every function
 * gets the answer as a C string (cut at the first NUL, as PAM hands it
 * over); ga_sanitize also gets the raw bytes. Every output buffer is a heap
 * block of exactly its declared size, so ASan sees a one-byte overflow.
 * A seed "\x10\x01+86 188 1234 5678" is a phone number typed at a menu of
 * SMS and EMAIL with default country code +86.
 *
 * The results are checked against the promises of the headers: what is
 * accepted has the documented shape, every rejection carries a reason of at
 * most 60 printable characters and leaves the outputs untouched, an
 * accepted phone number follows the country rules (+1, +86, trunk 0), a
 * masked phone number shows at most 7 national digits, a masked email at
 * most one character of the local part, and a sanitised server message
 * never shows 5 digits in a row or an unmasked email local part, and
 * ga_utf8_valid agrees with the Unicode table of well-formed sequences.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "fuzz.h"
#include "ga_factor.h"
#include "ga_text.h"
#include "ga_validate.h"

static const char *const default_ccs[] = {"+86", "+1",   "",   "+1234",
                                          NULL,  "86",   "+0", "+12345"};
static const size_t sizes[] = {GA_MASKED_MAX, 1, 2, 3, 4, 8, 16, 64};

static const char *volatile sink;
static volatile long sink_n;

static void check_reason(const char *reason)
{
    FUZZ_EXPECT(reason != NULL);
    FUZZ_EXPECT(strlen(reason) <= 60 && fuzz_printable(reason, strlen(reason)));
}

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static size_t count_char(const char *s, char c)
{
    size_t n = 0;

    for (; *s; s++)
        n += *s == c;
    return n;
}

static void fuzz_sanitize(const char *raw, size_t rawlen, size_t outlen)
{
    char *out = malloc(outlen);
    size_t n;

    if (!out)
        return;
    n = ga_sanitize(raw, rawlen, out, outlen);
    FUZZ_EXPECT(n < outlen && out[n] == '\0' && strlen(out) == n);
    FUZZ_EXPECT(fuzz_printable(out, n));
    if (rawlen < outlen && fuzz_printable(raw, rawlen))
        FUZZ_EXPECT(n == rawlen && memcmp(out, raw, rawlen) == 0);
    sink = out;
    free(out);
}

static void fuzz_trim(const char *str)
{
    size_t len = strlen(str), start = 0, end = len;
    char *copy = strdup(str);
    char *r;

    if (!copy)
        return;
    while (end > 0 && (str[end - 1] == ' ' || str[end - 1] == '\t'))
        end--;
    while (start < end && (str[start] == ' ' || str[start] == '\t'))
        start++;
    r = ga_trim(copy);
    FUZZ_EXPECT(r == copy);
    FUZZ_EXPECT(strlen(r) == end - start && memcmp(r, str + start, end - start) == 0);
    sink = r;
    free(copy);
    FUZZ_EXPECT(ga_trim(NULL) == NULL);
}

static void fuzz_code(const char *str)
{
    const char *reason = NULL;
    size_t len = strlen(str);

    if (ga_validate_code(str, &reason) == GA_OK)
        FUZZ_EXPECT(len >= 4 && len <= 8 && all_digits(str, len));
    else
        check_reason(reason);
    sink = reason;
}

static void fuzz_email(const char *str, size_t outlen)
{
    const char *reason = NULL, *at = strchr(str, '@');
    char *out = malloc(outlen);
    size_t len = strlen(str);

    if (ga_validate_email(str, &reason) == GA_OK) {
        FUZZ_EXPECT(len >= 3 && len <= 254 && fuzz_printable(str, len));
        FUZZ_EXPECT(at && !strchr(at + 1, '@') && !strchr(str, ' '));
        FUZZ_EXPECT(at > str && strchr(at, '.'));
    } else {
        check_reason(reason);
    }
    if (!out)
        return;
    /* the mask shows at most the first character before the '@' */
    if (ga_mask_email(str, out, outlen) == 0) {
        const char *stars = strstr(out, "***");

        FUZZ_EXPECT(fuzz_cstr_ok(out, outlen));
        FUZZ_EXPECT(stars && stars - out <= 1);
        if (!at)
            FUZZ_EXPECT(strcmp(out, "***") == 0);
    } else {
        FUZZ_EXPECT(out[0] == '\0');
    }
    sink = out;
    free(out);
}

/* A country code as ga_parse_phone promises it: '+' and 1-3 digits, the
 * first not 0, and an assigned one. */
static int cc_shape_ok(const char *cc)
{
    size_t n = strnlen(cc, GA_CC_MAX);

    return n >= 2 && n <= 4 && cc[0] == '+' && cc[1] != '0' && all_digits(cc + 1, n - 1) &&
           ga_phone_cc_known(cc);
}

/* Countries whose national numbers may begin with 0 (ga_validate.h). */
static int keeps_zero(const char *cc)
{
    static const char *const ccs[] = {"+39", "+225", "+229", "+241", "+242", "+378"};

    for (size_t i = 0; i < sizeof ccs / sizeof ccs[0]; i++)
        if (strcmp(cc, ccs[i]) == 0)
            return 1;
    return 0;
}

/* Did the user type a country code ("+" or a leading "00")? */
static int explicit_cc(const char *str)
{
    while (*str == ' ')
        str++;
    return strchr(str, '+') || strncmp(str, "00", 2) == 0;
}

static void fuzz_phone(const char *str, const char *default_cc, size_t outlen)
{
    char *cc = malloc(GA_CC_MAX), *national = malloc(GA_NATIONAL_MAX);
    char *out = malloc(outlen);
    const char *reason = NULL;
    size_t nlen, stars;

    if (!cc || !national || !out)
        goto out;
    memset(cc, 'C', GA_CC_MAX);
    memset(national, 'N', GA_NATIONAL_MAX);
    if (ga_parse_phone(str, default_cc, cc, national, &reason) != GA_OK) {
        check_reason(reason);
        /* "both are left untouched on rejection" */
        for (size_t i = 0; i < GA_CC_MAX; i++)
            FUZZ_EXPECT(cc[i] == 'C');
        for (size_t i = 0; i < GA_NATIONAL_MAX; i++)
            FUZZ_EXPECT(national[i] == 'N');
        goto out;
    }
    nlen = strnlen(national, GA_NATIONAL_MAX);
    FUZZ_EXPECT(cc_shape_ok(cc));
    FUZZ_EXPECT(nlen >= 5 && nlen <= 14 && all_digits(national, nlen));
    FUZZ_EXPECT(strlen(cc) - 1 + nlen <= 15);
    FUZZ_EXPECT(national[0] != '0' || keeps_zero(cc));
    if (strcmp(cc, "+1") == 0)
        FUZZ_EXPECT(nlen == 10 && national[0] >= '2');
    if (strcmp(cc, "+86") == 0)
        FUZZ_EXPECT(nlen == 11 && national[0] == '1');
    if (!explicit_cc(str))
        FUZZ_EXPECT(default_cc && strcmp(cc, default_cc) == 0);
    /* the masked form hides all but 7 digits of a long number, all but 2
     * of a short one */
    if (ga_mask_phone(cc, national, out, outlen) == 0) {
        stars = count_char(out, '*');
        FUZZ_EXPECT(fuzz_cstr_ok(out, outlen));
        FUZZ_EXPECT(stars == (nlen > 7 ? nlen - 7 : nlen - 2));
        FUZZ_EXPECT(strncmp(out, cc, strlen(cc)) == 0);
    } else {
        FUZZ_EXPECT(out[0] == '\0');
    }
    sink = out;
out:
    free(cc);
    free(national);
    free(out);
}

/* ga_phone_cc_known on the first word of the answer. */
static void fuzz_cc_known(const char *str)
{
    char word[16];
    size_t n = strcspn(str, " ");

    if (n >= sizeof word)
        return;
    memcpy(word, str, n);
    word[n] = '\0';
    if (ga_phone_cc_known(word))
        FUZZ_EXPECT(n >= 2 && n <= 4 && word[0] == '+' && word[1] != '0' &&
                    all_digits(word + 1, n - 1));
    FUZZ_EXPECT(!ga_phone_cc_known(NULL));
}

static int is_local(char c)
{
    return isalnum((unsigned char)c) || (c && strchr(".!#$%&'*+/=?^_`{|}~-", c));
}

/* ga_sanitize_message: printable, never 5 digits in a row (a digit run of
 * 5 or more is masked), and for printable input every email local part
 * before an '@' reduced to one character and "***". */
static void fuzz_message(const char *raw, size_t rawlen, size_t outlen)
{
    char full[1024], *out = malloc(outlen);
    size_t n = ga_sanitize_message(raw, rawlen, full, sizeof full), row = 0;

    FUZZ_EXPECT(n < sizeof full && strlen(full) == n && fuzz_printable(full, n));
    for (size_t i = 0; i < n; i++) {
        row = isdigit((unsigned char)full[i]) ? row + 1 : 0;
        FUZZ_EXPECT(row < 5);
    }
    if (rawlen < 512 && fuzz_printable(raw, rawlen) && !fuzz_ignore_open_findings())
        for (size_t i = 1; i + 1 < n; i++)
            if (full[i] == '@' && isalnum((unsigned char)full[i + 1]) && is_local(full[i - 1]))
                FUZZ_EXPECT(i >= 3 && memcmp(full + i - 3, "***", 3) == 0);
    if (!out)
        return;
    n = ga_sanitize_message(raw, rawlen, out, outlen);
    FUZZ_EXPECT(n < outlen && strlen(out) == n && fuzz_printable(out, n));
    row = 0;
    for (size_t i = 0; i < n; i++) {
        row = isdigit((unsigned char)out[i]) ? row + 1 : 0;
        FUZZ_EXPECT(row < 5);
    }
    sink = out;
    free(out);
}

/* ga_sanitize_message_utf8: allowed UTF-8 only (fuzz_shown_utf8_ok), the
 * same masking as ga_sanitize_message (uncut), and cut into outlen bytes:
 * bounded, still allowed UTF-8 (no split character). */
static void fuzz_message_utf8(const char *raw, size_t rawlen, size_t outlen)
{
    char full[1024], ascii[1024], *out = malloc(outlen);
    size_t n = ga_sanitize_message_utf8(raw, rawlen, full, sizeof full);

    FUZZ_EXPECT(n < sizeof full && strlen(full) == n);
    FUZZ_EXPECT(fuzz_shown_utf8_ok(full, sizeof full));
    if (rawlen < 256) { /* fits both buffers uncut */
        ga_sanitize_message(raw, rawlen, ascii, sizeof ascii);
        FUZZ_EXPECT(fuzz_same_but_runs(full, ascii));
    }
    if (!out)
        return;
    n = ga_sanitize_message_utf8(raw, rawlen, out, outlen);
    FUZZ_EXPECT(n < outlen && strlen(out) == n && fuzz_shown_utf8_ok(out, outlen));
    sink = out;
    free(out);
}

/* ga_mask_phone on unvalidated text: the part before the first space as
 * the country code, the rest as the national number. */
static void fuzz_mask_raw(const char *str, size_t outlen)
{
    char *copy = strdup(str), *out = malloc(outlen);
    char *space;

    if (!copy || !out)
        goto out;
    space = strchr(copy, ' ');
    if (space)
        *space = '\0';
    if (ga_mask_phone(space ? copy : NULL, space ? space + 1 : copy, out, outlen) == 0)
        FUZZ_EXPECT(fuzz_cstr_ok(out, outlen));
    else
        FUZZ_EXPECT(out[0] == '\0');
    sink = out;
out:
    free(copy);
    free(out);
}

static void fuzz_menu(const char *str, size_t n, uint8_t seed)
{
    ga_factor_t choices[8];
    const char *reason = NULL;
    int r;

    for (size_t i = 0; i < n; i++)
        choices[i] = (ga_factor_t)((seed + i) % GA_FACTOR_MAX);
    r = ga_parse_menu_choice(str, n ? choices : NULL, n, &reason);
    if (r < 0) {
        FUZZ_EXPECT(r == -1);
        check_reason(reason);
        return;
    }
    FUZZ_EXPECT((size_t)r < n);
    if (isdigit((unsigned char)str[0])) {
        errno = 0;
        FUZZ_EXPECT(strtol(str, NULL, 10) == r + 1 && errno == 0);
    } else {
        FUZZ_EXPECT(choices[r] == ga_factor_from_name(str));
    }
    sink_n = r;
}

/* Well-formed UTF-8 by the Unicode table of well-formed byte sequences
 * (Unicode 15, table 3-7): the reference ga_utf8_valid must agree with. */
static int utf8_reference(const unsigned char *p, size_t len)
{
    static const struct {
        unsigned char lo0, hi0, lo1, hi1; /* first two bytes' ranges */
        unsigned n;                       /* sequence length */
    } rows[] = {
        {0xc2, 0xdf, 0x80, 0xbf, 2}, {0xe0, 0xe0, 0xa0, 0xbf, 3},
        {0xe1, 0xec, 0x80, 0xbf, 3}, {0xed, 0xed, 0x80, 0x9f, 3},
        {0xee, 0xef, 0x80, 0xbf, 3}, {0xf0, 0xf0, 0x90, 0xbf, 4},
        {0xf1, 0xf3, 0x80, 0xbf, 4}, {0xf4, 0xf4, 0x80, 0x8f, 4},
    };
    size_t i = 0, r;

    while (i < len) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        for (r = 0; r < sizeof rows / sizeof rows[0]; r++)
            if (p[i] >= rows[r].lo0 && p[i] <= rows[r].hi0)
                break;
        if (r == sizeof rows / sizeof rows[0] || len - i < rows[r].n ||
            p[i + 1] < rows[r].lo1 || p[i + 1] > rows[r].hi1)
            return 0;
        for (unsigned k = 2; k < rows[r].n; k++)
            if (p[i + k] < 0x80 || p[i + k] > 0xbf)
                return 0;
        i += rows[r].n;
    }
    return 1;
}

static void fuzz_numbers(const char *str)
{
    long v = 0;

    if (ga_parse_long(str, -1000, 1000, &v) == 0)
        FUZZ_EXPECT(v >= -1000 && v <= 1000);
    if (ga_parse_long(str, LONG_MIN, LONG_MAX, &v) == 0) {
        errno = 0;
        FUZZ_EXPECT(strtol(str, NULL, 10) == v && errno == 0);
    }
    sink_n = v + ga_is_ip_literal(str);
}

/* NULL input or output: rejected with a reason, never dereferenced. */
static void null_args(const char *str)
{
    const ga_factor_t one = GA_FACTOR_SMS;
    char cc[GA_CC_MAX], national[GA_NATIONAL_MAX], out[8];
    const char *reason = NULL;

    FUZZ_EXPECT(ga_parse_phone(NULL, "+86", cc, national, &reason) == GA_ERR_INPUT);
    check_reason(reason);
    FUZZ_EXPECT(ga_parse_phone(str, "+86", NULL, national, &reason) == GA_ERR_INPUT);
    FUZZ_EXPECT(ga_parse_phone(str, "+86", cc, NULL, NULL) == GA_ERR_INPUT);
    FUZZ_EXPECT(ga_validate_email(NULL, &reason) == GA_ERR_INPUT);
    FUZZ_EXPECT(ga_validate_code(NULL, NULL) == GA_ERR_INPUT);
    FUZZ_EXPECT(ga_parse_menu_choice(NULL, &one, 1, &reason) == -1);
    FUZZ_EXPECT(ga_sanitize(NULL, 5, out, sizeof out) == 0 && out[0] == '\0');
    FUZZ_EXPECT(ga_sanitize(str, strlen(str), NULL, 5) == 0);
    FUZZ_EXPECT(ga_sanitize(str, strlen(str), out, 0) == 0);
    FUZZ_EXPECT(ga_mask_phone("+86", str, NULL, 5) == -1);
    FUZZ_EXPECT(ga_mask_email(str, NULL, 5) == -1);
    FUZZ_EXPECT(ga_mask_email(NULL, out, sizeof out) == 0 && strcmp(out, "***") == 0);
    FUZZ_EXPECT(ga_parse_long(NULL, 0, 1, NULL) == -1 && ga_is_ip_literal(NULL) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *raw;
    size_t rawlen, outlen, n;
    char *str;

    if (size < 2)
        return 0;
    raw = (const char *)data + 2;
    rawlen = size - 2;
    outlen = sizes[(data[1] >> 4) & 7];
    n = ((data[0] >> 3) & 7) % 6;
    str = malloc(rawlen + 1);
    if (!str)
        return 0;
    memcpy(str, raw, rawlen);
    str[rawlen] = '\0';

    fuzz_sanitize(raw, rawlen, outlen);
    fuzz_message(raw, rawlen, outlen);
    fuzz_message_utf8(raw, rawlen, outlen);
    FUZZ_EXPECT(!ga_utf8_valid(raw, rawlen) == !utf8_reference(data + 2, rawlen));
    fuzz_cc_known(str);
    fuzz_trim(str);
    fuzz_code(str);
    fuzz_email(str, outlen);
    fuzz_phone(str, default_ccs[data[0] & 7], outlen);
    fuzz_mask_raw(str, outlen);
    fuzz_menu(str, n, data[1]);
    fuzz_numbers(str);
    if ((data[0] & 0xc0) == 0xc0) /* 1 input in 4 */
        null_args(str);
    free(str);
    return 0;
}
