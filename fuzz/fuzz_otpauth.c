/* fuzz_otpauth.c - libFuzzer target: ga_otpauth_parse and ga_otpauth_group
 * (ga_otpauth.h), the otpauth:// key URI GenAuth sends for OTP enrollment.
 *
 * Input: the whole input is the URI (a NUL-terminated copy; an embedded
 * NUL ends it, as it would in the C string the module passes).
 *
 * Oracles (what ga_otpauth.h promises):
 * - the status is GA_OK or GA_ERR_INPUT (nothing fails to allocate here);
 * - on GA_ERR_INPUT the struct is all zero (it was filled with garbage
 *   before the call);
 * - on GA_OK: the URI is at most 2048 bytes and starts "otpauth://" in
 *   any case; the secret is 16..128 characters of A-Z and 2-7 with a
 *   length base32 can have (not 1, 3 or 6 past a multiple of 8); digits
 *   is 6 or 8; period is 15..120; issuer and account are NUL-terminated
 *   within their arrays, valid UTF-8 (checked by an independent decoder
 *   below), without C0/C1 controls, DEL, U+2028/U+2029 or bidirectional
 *   controls; the account does not start with a space;
 * - round trip: a URI built back from the result (issuer as a parameter,
 *   the account as the label, each escaped with curl_easy_escape) parses
 *   to the very same struct;
 * - ga_otpauth_group, on the parsed secret and on the raw input, with an
 *   output buffer of exactly the needed size, one byte less, 1 byte and
 *   0 bytes (heap blocks of exactly that size, so ASan sees an overflow):
 *   it succeeds exactly when the text fits; the result is groups of 4
 *   separated by single spaces, no trailing space, and removing the spaces
 *   gives the input back; on failure out is "" (outlen > 0) or untouched.
 */
#include "config.h"

#include <curl/curl.h>
#include <string.h>
#include <strings.h>

#include "fuzz.h"
#include "ga_otpauth.h"

#define URI_MAX 2048

static const char *volatile sink;

/* Length of the UTF-8 sequence starting at s[i] if it is well formed
 * (Unicode 15, table 3-7), else 0. Independent of ga_utf8_valid. */
static size_t utf8_seq(const unsigned char *s, size_t n, size_t i)
{
    unsigned c = s[i];
    unsigned lo = 0x80, hi = 0xbf;
    size_t len;

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        len = 2;
    else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        if (c == 0xe0)
            lo = 0xa0;
        if (c == 0xed)
            hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        if (c == 0xf0)
            lo = 0x90;
        if (c == 0xf4)
            hi = 0x8f;
    } else
        return 0;
    if (i + len > n || s[i + 1] < lo || s[i + 1] > hi)
        return 0;
    for (size_t k = 2; k < len; k++)
        if (s[i + k] < 0x80 || s[i + k] > 0xbf)
            return 0;
    return len;
}

/* A label the header allows: NUL within cap, valid UTF-8, no control
 * character, no line separator, no bidirectional control. */
static int label_shown_ok(const char *buf, size_t cap)
{
    const unsigned char *s = (const unsigned char *)buf;
    size_t n = strnlen(buf, cap);

    if (n >= cap)
        return 0;
    for (size_t i = 0; i < n;) {
        size_t len = utf8_seq(s, n, i);
        unsigned cp;

        if (len == 0)
            return 0;
        switch (len) {
        case 1: cp = s[i]; break;
        case 2: cp = ((s[i] & 0x1fu) << 6) | (s[i + 1] & 0x3fu); break;
        case 3: cp = ((s[i] & 0x0fu) << 12) | ((s[i + 1] & 0x3fu) << 6) | (s[i + 2] & 0x3fu); break;
        default: cp = 0x10000; break; /* no control character up there */
        }
        if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 ||
            cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
            (cp >= 0x2066 && cp <= 0x2069))
            return 0;
        i += len;
    }
    return 1;
}

static int secret_ok(const char *s)
{
    size_t n = strnlen(s, GA_OTP_SECRET_MAX);

    if (n >= GA_OTP_SECRET_MAX || n < 16 || n > 128)
        return 0;
    if (n % 8 == 1 || n % 8 == 3 || n % 8 == 6)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '2' && s[i] <= '7')))
            return 0;
    return 1;
}

/* ga_otpauth_group(text, out, outlen) with out a heap block of exactly
 * outlen bytes; checks the result. */
static void check_group(const char *text, size_t outlen)
{
    size_t len = strlen(text);
    size_t need = len + (len > 0 ? (len - 1) / 4 : 0) + 1;
    char *out = malloc(outlen ? outlen : 1);
    int rc;

    if (!out)
        return;
    out[0] = 'x';
    rc = ga_otpauth_group(text, out, outlen);
    FUZZ_EXPECT(rc == 0 || rc == -1);
    FUZZ_EXPECT((rc == 0) == (outlen >= need && outlen > 0));
    if (rc == 0) {
        size_t k = 0, i = 0;

        FUZZ_EXPECT(strlen(out) == need - 1);
        for (; out[k]; k++) {
            if ((k + 1) % 5 == 0) { /* every fifth character is the separator */
                FUZZ_EXPECT(out[k] == ' ' && out[k + 1] != '\0');
                continue;
            }
            FUZZ_EXPECT(out[k] == text[i]);
            i++;
        }
        FUZZ_EXPECT(i == len);
    } else if (outlen > 0) {
        FUZZ_EXPECT(out[0] == '\0');
    } else {
        FUZZ_EXPECT(out[0] == 'x');
    }
    sink = out;
    free(out);
}

static void check_group_sizes(const char *text)
{
    size_t len = strlen(text);
    size_t need = len + (len > 0 ? (len - 1) / 4 : 0) + 1;

    check_group(text, need);
    check_group(text, need - 1);
    check_group(text, 1);
    check_group(text, 0);
    FUZZ_EXPECT(ga_otpauth_group(NULL, NULL, 0) == -1);
}

/* Escaped copy of s appended to buf (cap bytes); 0 on success. */
static int append_escaped(char *buf, size_t cap, const char *s)
{
    char *e = curl_easy_escape(NULL, s, 0);
    size_t have = strlen(buf);
    int rc = -1;

    if (e && have + strlen(e) < cap) {
        memcpy(buf + have, e, strlen(e) + 1);
        rc = 0;
    }
    curl_free(e);
    return rc;
}

/* Build a URI from o and parse it again: it must give o back. */
static void round_trip(const ga_otpauth_t *o)
{
    /* each label is at most 128 bytes, 384 escaped */
    char uri[URI_MAX * 2];
    ga_otpauth_t again;
    ga_status_t st;

    snprintf(uri, sizeof uri, "otpauth://totp/%s", strchr(o->account, ':') ? ":" : "");
    if (append_escaped(uri, sizeof uri, o->account) != 0)
        return;
    snprintf(uri + strlen(uri), sizeof uri - strlen(uri), "?secret=%s&digits=%d&period=%d",
             o->secret, o->digits, o->period);
    if (o->issuer[0]) {
        snprintf(uri + strlen(uri), sizeof uri - strlen(uri), "&issuer=");
        if (append_escaped(uri, sizeof uri, o->issuer) != 0)
            return;
    }
    if (strlen(uri) > URI_MAX)
        return; /* a long account and issuer, each escaped three times over */
    memset(&again, 0x5a, sizeof again);
    st = ga_otpauth_parse(uri, &again);
    if (st != GA_OK)
        fprintf(stderr, "round trip refused: %s\n", uri);
    FUZZ_EXPECT(st == GA_OK);
    FUZZ_EXPECT(strcmp(again.secret, o->secret) == 0);
    FUZZ_EXPECT(strcmp(again.issuer, o->issuer) == 0);
    FUZZ_EXPECT(strcmp(again.account, o->account) == 0);
    FUZZ_EXPECT(again.digits == o->digits && again.period == o->period);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const ga_otpauth_t zero;
    char *uri = malloc(size + 1);
    ga_otpauth_t o;
    ga_status_t st;

    if (!uri)
        return 0;
    memcpy(uri, data, size);
    uri[size] = '\0';
    memset(&o, 0xa5, sizeof o);
    st = ga_otpauth_parse(uri, &o);
    FUZZ_EXPECT(st == GA_OK || st == GA_ERR_INPUT);
    if (st != GA_OK) {
        FUZZ_EXPECT(memcmp(&o, &zero, sizeof o) == 0);
    } else {
        FUZZ_EXPECT(strlen(uri) <= URI_MAX && strncasecmp(uri, "otpauth://", 10) == 0);
        FUZZ_EXPECT(secret_ok(o.secret));
        FUZZ_EXPECT(o.digits == 6 || o.digits == 8);
        FUZZ_EXPECT(o.period >= 15 && o.period <= 120);
        FUZZ_EXPECT(label_shown_ok(o.issuer, sizeof o.issuer));
        FUZZ_EXPECT(label_shown_ok(o.account, sizeof o.account));
        FUZZ_EXPECT(o.account[0] != ' ');
        round_trip(&o);
        check_group_sizes(o.secret);
    }
    FUZZ_EXPECT(ga_otpauth_parse(uri, NULL) == GA_ERR_INPUT);
    /* the grouping on anything, not only on a valid secret */
    if (strlen(uri) <= 512)
        check_group_sizes(uri);
    sink = uri;
    free(uri);
    return 0;
}
