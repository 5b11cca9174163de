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
    size_t cap; /* characters, the NUL excluded */
    size_t n;
    int full;
};

static void sink_put(struct sink *k, char c)
{
    if (k->full)
        return;
    if (k->n == k->cap) {
        if (k->cap >= 3)
            memcpy(k->out + k->cap - 3, "...", 3);
        k->full = 1;
        return;
    }
    k->out[k->n++] = c;
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

static char tok_char(int t)
{
    return t == TOK_NONASCII ? '?' : (char)t;
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
        int t = next_tok(in, end, &pos);
        if (!tok_digit(t)) {
            sink_put(k, tok_char(t));
            continue;
        }
        sink_put(k, (i < head || i + tail >= ndigits) ? (char)t : '*');
        i++;
    }
}

size_t ga_sanitize_message(const char *in, size_t inlen, char *out, size_t outlen)
{
    struct sink k = {out, 0, 0, 0};
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
            sink_put(&k, tok_char(t));
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
        sink_put(&k, tok_char(t));
        prev_local = tok_local(t);
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

int ga_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < len) {
        unsigned c = p[i], need, min;
        unsigned long cp;

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            need = 1, min = 0x80, cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            need = 2, min = 0x800, cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3, min = 0x10000, cp = c & 0x07;
        } else {
            return 0;
        }
        if (len - i <= need)
            return 0;
        for (unsigned k = 1; k <= need; k++) {
            if ((p[i + k] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        i += need + 1;
    }
    return 1;
}
