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
