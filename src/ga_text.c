/* ga_text.c - sanitising untrusted text, masking contact data, strict
 * number parsing. No allocation, no globals. */
#include "config.h"

#include "ga_text.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "ga_factor.h"

/* Longest national number looked at by ga_mask_phone; longer input is
 * masked over its first bytes only (inputs are validated before). */
#define MASK_NATIONAL_CAP 64
/* Longest country code shown by ga_mask_phone ("+" and digits). */
#define MASK_CC_CAP (GA_CC_MAX - 1)
/* Longest email looked at by ga_mask_email. */
#define MASK_EMAIL_CAP (GA_EMAIL_MAX + 64)
/* Longest text handed to inet_pton (INET6_ADDRSTRLEN is 46). */
#define IP_LITERAL_CAP 64

static int is_print(unsigned char c)
{
    return c >= 0x20 && c <= 0x7e;
}

static int is_space_ctl(unsigned char c)
{
    return c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* Decode the character at s[*i] of s[0..len) (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF) and move *i past it.
 * Returns the code point, or -1 (*i untouched) if it is not well-formed. */
static long utf8_decode(const char *s, size_t len, size_t *i)
{
    const unsigned char *p = (const unsigned char *)s + *i;
    size_t left = len - *i;
    unsigned c = p[0], need, min;
    unsigned long cp;

    if (c < 0x80) {
        (*i)++;
        return (long)c;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        need = 1, min = 0x80, cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        need = 2, min = 0x800, cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3, min = 0x10000, cp = c & 0x07;
    } else {
        return -1;
    }
    if (left <= need)
        return -1;
    for (unsigned k = 1; k <= need; k++) {
        if ((p[k] & 0xc0) != 0x80)
            return -1;
        cp = (cp << 6) | (p[k] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return -1;
    *i += need + 1;
    return (long)cp;
}

/* The next sanitised character from in[*pos..inlen), or -1 at the end. */
static int next_clean(const char *in, size_t inlen, size_t *pos)
{
    unsigned char c;

    if (*pos >= inlen)
        return -1;
    c = (unsigned char)in[(*pos)++];
    if (is_print(c))
        return c;
    if (is_space_ctl(c)) {
        while (*pos < inlen && is_space_ctl((unsigned char)in[*pos]))
            (*pos)++;
        return ' ';
    }
    return '?';
}

size_t ga_sanitize(const char *in, size_t inlen, char *out, size_t outlen)
{
    size_t pos = 0;
    size_t n = 0;
    size_t cap;
    int c;

    if (!out || outlen == 0)
        return 0;
    if (!in)
        inlen = 0;
    cap = outlen - 1;
    while ((c = next_clean(in, inlen, &pos)) >= 0) {
        if (n == cap) {
            /* One character too many: it does not fit. */
            if (cap >= 3)
                memcpy(out + cap - 3, "...", 3);
            break;
        }
        out[n++] = (char)c;
    }
    out[n] = '\0';
    return n;
}

/* ---- ga_sanitize_message ---------------------------------------------- */

/* Tokens of a server message: a sanitised ASCII character (as from
 * next_clean), TOK_NONASCII for a run of bytes >= 0x80, TOK_END. */
#define TOK_END (-1)
#define TOK_NONASCII 256
/* Digit runs of at least this many digits are masked... */
#define MSG_MASK_MIN 5
/* ...and from this many on keep their first 3 digits too. */
#define MSG_MASK_HEAD_MIN 8
#define MSG_SHOW_HEAD 3
#define MSG_SHOW_TAIL 2
/* Most gap tokens between two digits of one run. */
#define MSG_GAP_MAX 2

/* Output with ga_sanitize's cut: the character that does not fit turns
 * the last three into "...". */
struct sink {
    char *out;
    size_t cap; /* bytes, the NUL excluded */
    size_t n;
    int full;
    int utf8; /* keep allowed UTF-8 text (ga_sanitize_message_utf8) */
};

/* Put the len bytes of one character (len 1 for ASCII, 2..4 for a UTF-8
 * character, never split). When it does not fit, the output ends in "..."
 * instead, which replaces whole characters only: with ASCII output that is
 * the last three bytes, as in ga_sanitize. */
static void sink_put_bytes(struct sink *k, const char *c, size_t len)
{
    size_t m;

    if (k->full)
        return;
    if (len <= k->cap - k->n) {
        memcpy(k->out + k->n, c, len);
        k->n += len;
        return;
    }
    k->full = 1;
    if (k->cap < 3)
        return;
    m = k->n < k->cap - 3 ? k->n : k->cap - 3;
    while (m > 0 && m < k->n && ((unsigned char)k->out[m] & 0xc0) == 0x80)
        m--;
    memcpy(k->out + m, "...", 3);
    k->n = m + 3;
}

static void sink_put(struct sink *k, char c)
{
    sink_put_bytes(k, &c, 1);
}

static int next_tok(const char *in, size_t inlen, size_t *pos)
{
    if (*pos < inlen && (unsigned char)in[*pos] >= 0x80) {
        while (*pos < inlen && (unsigned char)in[*pos] >= 0x80)
            (*pos)++;
        return TOK_NONASCII;
    }
    return next_clean(in, inlen, pos);
}

static int peek_tok(const char *in, size_t inlen, size_t pos)
{
    return next_tok(in, inlen, &pos);
}

/* Decimal digits outside ASCII (Unicode category Nd, generated from
 * Unicode 14.0): first and last code point of each range. A phone number
 * written in fullwidth or other digits must not pass the digit masking. */
static const unsigned long nd_ranges[][2] = {
    {0x660, 0x669}, {0x6F0, 0x6F9}, {0x7C0, 0x7C9}, {0x966, 0x96F}, {0x9E6, 0x9EF},
    {0xA66, 0xA6F}, {0xAE6, 0xAEF}, {0xB66, 0xB6F}, {0xBE6, 0xBEF}, {0xC66, 0xC6F},
    {0xCE6, 0xCEF}, {0xD66, 0xD6F}, {0xDE6, 0xDEF}, {0xE50, 0xE59}, {0xED0, 0xED9},
    {0xF20, 0xF29}, {0x1040, 0x1049}, {0x1090, 0x1099}, {0x17E0, 0x17E9},
    {0x1810, 0x1819}, {0x1946, 0x194F}, {0x19D0, 0x19D9}, {0x1A80, 0x1A89},
    {0x1A90, 0x1A99}, {0x1B50, 0x1B59}, {0x1BB0, 0x1BB9}, {0x1C40, 0x1C49},
    {0x1C50, 0x1C59}, {0xA620, 0xA629}, {0xA8D0, 0xA8D9}, {0xA900, 0xA909},
    {0xA9D0, 0xA9D9}, {0xA9F0, 0xA9F9}, {0xAA50, 0xAA59}, {0xABF0, 0xABF9},
    {0xFF10, 0xFF19}, {0x104A0, 0x104A9}, {0x10D30, 0x10D39}, {0x11066, 0x1106F},
    {0x110F0, 0x110F9}, {0x11136, 0x1113F}, {0x111D0, 0x111D9}, {0x112F0, 0x112F9},
    {0x11450, 0x11459}, {0x114D0, 0x114D9}, {0x11650, 0x11659}, {0x116C0, 0x116C9},
    {0x11730, 0x11739}, {0x118E0, 0x118E9}, {0x11950, 0x11959}, {0x11C50, 0x11C59},
    {0x11D50, 0x11D59}, {0x11DA0, 0x11DA9}, {0x16A60, 0x16A69}, {0x16AC0, 0x16AC9},
    {0x16B50, 0x16B59}, {0x1D7CE, 0x1D7FF}, {0x1E140, 0x1E149}, {0x1E2F0, 0x1E2F9},
    {0x1E950, 0x1E959}, {0x1FBF0, 0x1FBF9},
};

/* Is the non-ASCII code point cp one that is never shown? C1 controls,
 * bidirectional controls (they reorder what the terminal shows), line and
 * paragraph separators, the BOM / zero-width no-break space. */
static int cp_control(unsigned long cp)
{
    return cp <= 0x9f || cp == 0x61c || cp == 0x200e || cp == 0x200f ||
           (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

/* May the non-ASCII code point cp be shown as it is in a server message?
 * Not a cp_control one, and no decimal digit (digit runs are masked, and
 * only ASCII ones are recognised). */
static int cp_shown(unsigned long cp)
{
    if (cp_control(cp))
        return 0;
    for (size_t r = 0; r < sizeof nd_ranges / sizeof nd_ranges[0]; r++)
        if (cp >= nd_ranges[r][0] && cp <= nd_ranges[r][1])
            return 0;
    return 1;
}

/* Is the non-ASCII run s[0..len) well-formed UTF-8 of shown code points? */
static int run_shown(const char *s, size_t len)
{
    size_t i = 0;
    long cp;

    while (i < len)
        if ((cp = utf8_decode(s, len, &i)) < 0 || !cp_shown((unsigned long)cp))
            return 0;
    return 1;
}

/* Put the token t, which is in[start..end): an ASCII character as it is;
 * a non-ASCII run as '?', or in UTF-8 mode, when run_shown, as it is (only
 * its first character when first_only). */
static void put_tok(struct sink *k, const char *in, size_t start, size_t end, int t,
                    int first_only)
{
    if (t != TOK_NONASCII) {
        sink_put(k, (char)t);
        return;
    }
    if (!k->utf8 || !run_shown(in + start, end - start)) {
        sink_put(k, '?');
        return;
    }
    while (start < end && !k->full) {
        size_t i = start;

        (void)utf8_decode(in, end, &i);
        sink_put_bytes(k, in + start, i - start);
        start = i;
        if (first_only)
            break;
    }
}

static int tok_digit(int t)
{
    return t >= '0' && t <= '9';
}

static int tok_alnum(int t)
{
    return tok_digit(t) || (t >= 'a' && t <= 'z') || (t >= 'A' && t <= 'Z');
}

/* A character of an email local part (RFC 5322 atext and '.'); non-ASCII
 * too (internationalised addresses), so none of it leaks. */
static int tok_local(int t)
{
    return t == TOK_NONASCII || tok_alnum(t) ||
           (t > 0 && t < 0x80 && strchr(".!#$%&'*+/=?^_`{|}~-", t) != NULL);
}

static int tok_gap(int t)
{
    return t == TOK_NONASCII || t == ' ' || t == '-' || t == '.' || t == '(' ||
           t == ')';
}

/* Does the local-part run starting at pos end in "@" and a domain
 * character? Then *at is the position of the '@'. */
static int email_at(const char *in, size_t inlen, size_t pos, size_t *at)
{
    size_t q = pos;
    size_t before = pos;
    int t;

    do {
        before = q;
        t = next_tok(in, inlen, &q);
    } while (tok_local(t));
    if (t != '@' || before == pos)
        return 0;
    t = peek_tok(in, inlen, q);
    if (!tok_alnum(t) && t != TOK_NONASCII)
        return 0;
    *at = before;
    return 1;
}

/* The digit run starting at pos (a digit): its end and digit count. The
 * run stops before a gap whose last character is not part of a local part
 * when what follows starts an email address. */
static size_t digit_run(const char *in, size_t inlen, size_t pos, size_t *end)
{
    size_t q = pos;
    size_t digits = 0;
    size_t at;

    for (;;) {
        size_t g;
        int last = TOK_END;

        while (tok_digit(peek_tok(in, inlen, q))) {
            (void)next_tok(in, inlen, &q);
            digits++;
        }
        *end = q;
        /* a gap of 1..MSG_GAP_MAX gap characters, then a digit? An email
         * address starting inside the gap (after a character that cannot
         * be in a local part) ends the run there. */
        g = q;
        for (int i = 0, after_nonlocal = 0; i < MSG_GAP_MAX; i++) {
            size_t gpos = g;
            int t = next_tok(in, inlen, &g);
            if (!tok_gap(t)) {
                last = TOK_END;
                break;
            }
            if (after_nonlocal && tok_local(t) && email_at(in, inlen, gpos, &at))
                return digits;
            after_nonlocal = !tok_local(t);
            last = t;
            if (tok_digit(peek_tok(in, inlen, g)))
                break;
        }
        if (last == TOK_END || !tok_digit(peek_tok(in, inlen, g)))
            return digits;
        if (!tok_local(last) && email_at(in, inlen, g, &at))
            return digits;
        q = g;
    }
}

/* Write the run [pos, end) of ndigits digits, masked. */
static void put_run(struct sink *k, const char *in, size_t pos, size_t end,
                    size_t ndigits)
{
    size_t i = 0;
    size_t head = ndigits >= MSG_MASK_HEAD_MIN ? MSG_SHOW_HEAD : 0;
    size_t tail = ndigits >= MSG_MASK_MIN ? MSG_SHOW_TAIL : ndigits;

    while (pos < end && !k->full) {
        size_t start = pos;
        int t = next_tok(in, end, &pos);
        if (!tok_digit(t)) {
            put_tok(k, in, start, pos, t, 0);
            continue;
        }
        sink_put(k, (i < head || i + tail >= ndigits) ? (char)t : '*');
        i++;
    }
}

/* ga_sanitize_message (utf8 0) and ga_sanitize_message_utf8 (utf8 1): the
 * same tokens and masking decisions, only the output of non-ASCII runs
 * differs. */
static size_t sanitize_message(const char *in, size_t inlen, char *out, size_t outlen,
                               int utf8)
{
    struct sink k = {out, 0, 0, 0, utf8};
    size_t pos = 0;
    int prev_local = 0;

    if (!out || outlen == 0)
        return 0;
    if (!in)
        inlen = 0;
    k.cap = outlen - 1;
    while (!k.full) {
        size_t start = pos;
        size_t end;
        size_t n;
        int t = next_tok(in, inlen, &pos);

        if (t == TOK_END)
            break;
        if (tok_local(t) && !prev_local && email_at(in, inlen, start, &end)) {
            put_tok(&k, in, start, pos, t, 1);
            sink_put(&k, '*');
            sink_put(&k, '*');
            sink_put(&k, '*');
            pos = end; /* the '@' comes next */
            prev_local = 0;
            continue;
        }
        if (tok_digit(t)) {
            n = digit_run(in, inlen, start, &end);
            put_run(&k, in, start, end, n);
            pos = end;
            prev_local = 1;
            continue;
        }
        put_tok(&k, in, start, pos, t, 0);
        prev_local = tok_local(t);
    }
    out[k.n] = '\0';
    return k.n;
}

size_t ga_sanitize_message(const char *in, size_t inlen, char *out, size_t outlen)
{
    return sanitize_message(in, inlen, out, outlen, 0);
}

size_t ga_sanitize_message_utf8(const char *in, size_t inlen, char *out, size_t outlen)
{
    return sanitize_message(in, inlen, out, outlen, 1);
}

size_t ga_utf8_cut(const char *in, char *out, size_t outlen)
{
    struct sink k = {out, 0, 0, 0, 1};
    size_t len;
    size_t i = 0;

    if (!out || outlen == 0)
        return 0;
    k.cap = outlen - 1;
    len = in ? strnlen(in, k.cap + 5) : 0; /* enough to see it does not fit */
    while (i < len && !k.full) {
        size_t j = i;

        if (utf8_decode(in, len, &j) < 0) {
            /* not well-formed (or a character cut by strnlen): the input
             * is longer than the output anyway, or broken */
            sink_put(&k, '?');
            j = i + 1;
        } else {
            sink_put_bytes(&k, in + i, j - i);
        }
        i = j;
    }
    out[k.n] = '\0';
    return k.n;
}

/* Append len bytes of s to out (size outlen, *n used). -1 if it does not fit
 * with the NUL. */
static int put(char *out, size_t outlen, size_t *n, const char *s, size_t len)
{
    if (len >= outlen - *n)
        return -1;
    memcpy(out + *n, s, len);
    *n += len;
    out[*n] = '\0';
    return 0;
}

static int put_char(char *out, size_t outlen, size_t *n, char c)
{
    return put(out, outlen, n, &c, 1);
}

/* How many leading and trailing characters of a national number of len
 * characters are shown; at least half of a short number stays hidden. */
static void phone_visible(size_t len, size_t *head, size_t *tail)
{
    *head = 0;
    if (len > 7) {
        *head = 3;
        *tail = 4;
    } else if (len >= 4) {
        *tail = 2;
    } else if (len == 3) {
        *tail = 1;
    } else {
        *tail = 0;
    }
}

static int mask_cc(const char *cc, char *out, size_t outlen, size_t *n)
{
    size_t len;

    if (!cc || !*cc)
        return 0;
    len = strnlen(cc, MASK_CC_CAP + 1);
    if (len > MASK_CC_CAP)
        len = MASK_CC_CAP;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)cc[i];
        char shown = (is_digit(c) || (c == '+' && i == 0)) ? (char)c : '?';
        if (put_char(out, outlen, n, shown) < 0)
            return -1;
    }
    return put_char(out, outlen, n, ' ');
}

int ga_mask_phone(const char *cc, const char *national, char *out, size_t outlen)
{
    size_t n = 0;
    size_t len;
    size_t head;
    size_t tail;
    int rc = -1;

    if (!out || outlen == 0)
        return -1;
    out[0] = '\0';
    if (mask_cc(cc, out, outlen, &n) < 0)
        goto out;
    len = national ? strnlen(national, MASK_NATIONAL_CAP) : 0;
    if (len == 0) {
        rc = put(out, outlen, &n, "***", 3);
        goto out;
    }
    phone_visible(len, &head, &tail);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)national[i];
        char shown = '*';
        if (i < head || i >= len - tail)
            shown = is_digit(c) ? (char)c : '?';
        if (put_char(out, outlen, &n, shown) < 0)
            goto out;
    }
    rc = 0;
out:
    if (rc < 0)
        out[0] = '\0';
    return rc;
}

int ga_mask_email(const char *email, char *out, size_t outlen)
{
    const char *at = NULL;
    size_t len;
    size_t n = 0;
    int rc = -1;

    if (!out || outlen == 0)
        return -1;
    out[0] = '\0';
    len = email ? strnlen(email, MASK_EMAIL_CAP) : 0;
    if (len > 0)
        at = memrchr(email, '@', len);
    if (!at) {
        rc = put(out, outlen, &n, "***", 3);
        goto out;
    }
    if (at > email) {
        unsigned char c = (unsigned char)email[0];
        if (put_char(out, outlen, &n, is_print(c) ? (char)c : '?') < 0)
            goto out;
    }
    if (put(out, outlen, &n, "***@", 4) < 0)
        goto out;
    for (const char *p = at + 1; p < email + len; p++) {
        unsigned char c = (unsigned char)*p;
        if (put_char(out, outlen, &n, is_print(c) ? (char)c : '?') < 0)
            goto out;
    }
    rc = 0;
out:
    if (rc < 0)
        out[0] = '\0';
    return rc;
}

int ga_parse_long(const char *s, long min, long max, long *out)
{
    const char *p;
    char *end = NULL;
    long v;

    if (!s || !out || min > max)
        return -1;
    p = (*s == '-') ? s + 1 : s;
    if (!is_digit((unsigned char)*p))
        return -1;
    for (; *p; p++)
        if (!is_digit((unsigned char)*p))
            return -1;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || !end || *end != '\0' || end == s)
        return -1;
    if (v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int ga_is_ip_literal(const char *s)
{
    unsigned char buf[sizeof(struct in6_addr)];

    if (!s || !*s)
        return 0;
    if (strnlen(s, IP_LITERAL_CAP + 1) > IP_LITERAL_CAP)
        return 0;
    if (inet_pton(AF_INET, s, buf) == 1)
        return 1;
    if (inet_pton(AF_INET6, s, buf) == 1)
        return 1;
    return 0;
}

int ga_utf8_displayable(const char *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        long cp = utf8_decode(s, len, &i);

        if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp_control((unsigned long)cp)))
            return 0;
    }
    return 1;
}

int ga_utf8_valid(const char *s, size_t len)
{
    size_t i = 0;

    while (i < len)
        if (utf8_decode(s, len, &i) < 0)
            return 0;
    return 1;
}
