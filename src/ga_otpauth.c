/* ga_otpauth.c - parse otpauth:// key URIs (Google Authenticator "Key Uri
 * Format") with libcurl's URL API.
 *
 * Choices beyond the header's contract:
 * - the URI must begin "otpauth://" (curl alone also takes "otpauth:/");
 *   no user, password, port or fragment; the path is taken as is
 *   (CURLU_PATH_AS_IS: no dot-segment folding) and is one segment;
 * - a known parameter (secret, issuer, algorithm, digits, period) given
 *   twice is refused: the phone app and this module could pick different
 *   copies, and the key shown by hand must be the key in the QR code;
 *   unknown parameters (counter, image, ...) are ignored;
 * - names are matched as written (case-sensitive, not percent-decoded);
 *   values are percent-decoded; '+' is a plain '+' (RFC 3986, not a form);
 * - the label is decoded, then split at its first ':' (literal or %3A);
 *   spaces before the account are dropped; a non-empty issuer parameter
 *   wins over the label's prefix;
 * - issuer and account: valid UTF-8 of at most 128 bytes each without
 *   C0/C1 control characters, DEL, line/paragraph separators or
 *   bidirectional controls (which could make the text shown lie about
 *   itself); so the decoded label "issuer:account" may have up to
 *   128 + 1 + 128 bytes, and a label issuer over 128 bytes is refused even
 *   when an issuer parameter replaces it;
 * - the secret: spaces dropped, trailing '=' padding dropped, upper-cased,
 *   then only A-Z and 2-7, 16..128 characters, and a length base32 can
 *   have (RFC 4648: not 1, 3 or 6 characters past a multiple of 8).
 */
#include "config.h"

#include "ga_otpauth.h"

#include <curl/curl.h>
#include <string.h>
#include <strings.h>

#include "ga_secret.h"
#include "ga_text.h"

#define URI_MAX 2048
#define SCHEME_PREFIX "otpauth://"
#define SECRET_MIN 16
#define SECRET_MAX (GA_OTP_SECRET_MAX - 1)
#define LABEL_MAX (GA_OTP_LABEL_MAX - 1)   /* issuer, account: bytes each */
#define LABEL_WHOLE_MAX (2 * LABEL_MAX + 1) /* "issuer:account", decoded */
#define PERIOD_MIN 15
#define PERIOD_MAX 120

enum { P_SECRET = 1, P_ISSUER = 2, P_ALGORITHM = 4, P_DIGITS = 8, P_PERIOD = 16 };

static const struct {
    const char *name;
    unsigned bit;
} known_params[] = {
    {"secret", P_SECRET}, {"issuer", P_ISSUER}, {"algorithm", P_ALGORITHM},
    {"digits", P_DIGITS}, {"period", P_PERIOD},
};

/* Percent-decode s[0..len) into a new string (wipe, then curl_free) and
 * its length (the string may hold a NUL from %00). GA_ERR_NOMEM on
 * failure. */
static ga_status_t unescape(const char *s, size_t len, char **out, size_t *outlen)
{
    int olen = 0;

    *out = NULL;
    *outlen = 0;
    if (len > URI_MAX)
        return GA_ERR_INPUT;
    if (len == 0)
        s = ""; /* length 0 makes curl take strlen(s): the rest of the query */
    /* the handle is ignored since libcurl 7.82 (before: EBCDIC only) */
    *out = curl_easy_unescape(NULL, s, (int)len, &olen);
    if (!*out)
        return GA_ERR_NOMEM;
    *outlen = olen > 0 ? (size_t)olen : 0;
    return GA_OK;
}

static void free_decoded(char *s, size_t len)
{
    if (s) {
        ga_wipe(s, len);
        curl_free(s);
    }
}

/* Non-zero if s[0..len) is at most max bytes and may be shown as it is
 * (ga_utf8_displayable: valid UTF-8 without control, bidirectional or
 * separator characters). */
static int label_ok(const char *s, size_t len, size_t max)
{
    return len <= max && ga_utf8_displayable(s, len);
}

static void copy_label(char dst[GA_OTP_LABEL_MAX], const char *s, size_t len)
{
    memcpy(dst, s, len);
    dst[len] = '\0';
}

/* Normalise a decoded secret into out: drop spaces and trailing '='
 * padding, upper-case, check the base32 alphabet and length. */
static int secret_normalise(const char *v, size_t vlen, char out[GA_OTP_SECRET_MAX])
{
    size_t n = 0;

    while (vlen > 0 && (v[vlen - 1] == '=' || v[vlen - 1] == ' '))
        vlen--;
    for (size_t i = 0; i < vlen; i++) {
        char c = v[i];
        if (c == ' ')
            continue;
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (!((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7')))
            return -1;
        if (n >= SECRET_MAX)
            return -1;
        out[n++] = c;
    }
    out[n] = '\0';
    if (n < SECRET_MIN)
        return -1;
    switch (n % 8) { /* RFC 4648 section 6: 8 characters carry 5 bytes */
    case 1:
    case 3:
    case 6:
        return -1;
    default:
        return 0;
    }
}

/* Apply one decoded parameter value to o. */
static int apply_param(unsigned bit, const char *v, size_t vlen, ga_otpauth_t *o,
                       char issuer[GA_OTP_LABEL_MAX])
{
    long num = 0;

    if (strlen(v) != vlen) /* %00 inside */
        return -1;
    switch (bit) {
    case P_SECRET:
        return secret_normalise(v, vlen, o->secret);
    case P_ISSUER:
        if (!label_ok(v, vlen, LABEL_MAX))
            return -1;
        copy_label(issuer, v, vlen);
        return 0;
    case P_ALGORITHM:
        return strcasecmp(v, "SHA1") == 0 ? 0 : -1;
    case P_DIGITS:
        if (ga_parse_long(v, 6, 8, &num) != 0 || num == 7)
            return -1;
        o->digits = (int)num;
        return 0;
    case P_PERIOD:
        if (ga_parse_long(v, PERIOD_MIN, PERIOD_MAX, &num) != 0)
            return -1;
        o->period = (int)num;
        return 0;
    default:
        return -1;
    }
}

/* Walk the raw query: split at '&', then at the first '='. */
static ga_status_t parse_query(const char *q, ga_otpauth_t *o, char issuer[GA_OTP_LABEL_MAX])
{
    unsigned seen = 0;

    while (*q) {
        size_t seglen = strcspn(q, "&");
        const char *eq = memchr(q, '=', seglen);
        size_t namelen = eq ? (size_t)(eq - q) : seglen;
        const char *val = eq ? eq + 1 : q + seglen;
        size_t vallen = (size_t)(q + seglen - val);

        for (size_t i = 0; i < sizeof known_params / sizeof known_params[0]; i++) {
            char *v = NULL;
            size_t vlen = 0;
            ga_status_t st;
            int rc;

            if (strlen(known_params[i].name) != namelen ||
                strncmp(known_params[i].name, q, namelen) != 0)
                continue;
            if (seen & known_params[i].bit)
                return GA_ERR_INPUT; /* given twice */
            seen |= known_params[i].bit;
            st = unescape(val, vallen, &v, &vlen);
            if (st != GA_OK)
                return st;
            rc = apply_param(known_params[i].bit, v, vlen, o, issuer);
            free_decoded(v, vlen);
            if (rc != 0)
                return GA_ERR_INPUT;
        }
        q += seglen;
        if (*q == '&')
            q++;
    }
    return (seen & P_SECRET) ? GA_OK : GA_ERR_INPUT;
}

/* The label (raw path after the '/'): "issuer:account" or "account". */
static ga_status_t parse_label(const char *path, ga_otpauth_t *o)
{
    char *lab = NULL;
    size_t len = 0;
    const char *colon;
    const char *acc;
    ga_status_t st;

    if (path[0] != '/' || strchr(path + 1, '/'))
        return GA_ERR_INPUT; /* one path segment */
    st = unescape(path + 1, strlen(path + 1), &lab, &len);
    if (st != GA_OK)
        return st;
    st = GA_ERR_INPUT;
    if (!label_ok(lab, len, LABEL_WHOLE_MAX) || strlen(lab) != len)
        goto out;
    colon = strchr(lab, ':');
    acc = colon ? colon + 1 : lab;
    while (*acc == ' ')
        acc++;
    /* each part on its own (':' is ASCII: both stay valid UTF-8) */
    if ((colon && (size_t)(colon - lab) > LABEL_MAX) || strlen(acc) > LABEL_MAX)
        goto out;
    if (colon)
        copy_label(o->issuer, lab, (size_t)(colon - lab));
    copy_label(o->account, acc, strlen(acc));
    st = GA_OK;
out:
    free_decoded(lab, len);
    return st;
}

/* Get one part of h; absent parts give *out NULL and GA_OK. */
static ga_status_t get_part(CURLU *h, CURLUPart part, CURLUcode absent, char **out)
{
    CURLUcode rc = curl_url_get(h, part, out, 0);

    if (rc == CURLUE_OK)
        return GA_OK;
    *out = NULL;
    if (rc == absent)
        return GA_OK;
    return rc == CURLUE_OUT_OF_MEMORY ? GA_ERR_NOMEM : GA_ERR_INPUT;
}

static void free_part(char *s)
{
    if (s) {
        ga_wipe(s, strlen(s)); /* the query holds the secret */
        curl_free(s);
    }
}

ga_status_t ga_otpauth_parse(const char *uri, ga_otpauth_t *out)
{
    ga_otpauth_t tmp;
    char issuer_param[GA_OTP_LABEL_MAX] = "";
    CURLU *h = NULL;
    char *host = NULL;
    char *path = NULL;
    char *query = NULL;
    char *extra = NULL;
    CURLUcode rc;
    ga_status_t st = GA_ERR_INPUT;

    memset(&tmp, 0, sizeof tmp);
    if (!out)
        return GA_ERR_INPUT;
    memset(out, 0, sizeof *out);
    if (!uri || strnlen(uri, URI_MAX + 1) > URI_MAX ||
        strncasecmp(uri, SCHEME_PREFIX, strlen(SCHEME_PREFIX)) != 0)
        goto out;
    h = curl_url();
    if (!h) {
        st = GA_ERR_NOMEM;
        goto out;
    }
    rc = curl_url_set(h, CURLUPART_URL, uri,
                      CURLU_NON_SUPPORT_SCHEME | CURLU_PATH_AS_IS | CURLU_DISALLOW_USER);
    if (rc != CURLUE_OK) {
        st = rc == CURLUE_OUT_OF_MEMORY ? GA_ERR_NOMEM : GA_ERR_INPUT;
        goto out;
    }
    /* no port, no fragment (the user is refused by CURLU_DISALLOW_USER) */
    if ((st = get_part(h, CURLUPART_PORT, CURLUE_NO_PORT, &extra)) != GA_OK)
        goto out;
    if (extra) {
        st = GA_ERR_INPUT;
        goto out;
    }
    if ((st = get_part(h, CURLUPART_FRAGMENT, CURLUE_NO_FRAGMENT, &extra)) != GA_OK)
        goto out;
    if (extra) {
        st = GA_ERR_INPUT;
        goto out;
    }
    if ((st = get_part(h, CURLUPART_HOST, CURLUE_NO_HOST, &host)) != GA_OK ||
        (st = get_part(h, CURLUPART_PATH, CURLUE_OK, &path)) != GA_OK ||
        (st = get_part(h, CURLUPART_QUERY, CURLUE_NO_QUERY, &query)) != GA_OK)
        goto out;
    st = GA_ERR_INPUT;
    if (!host || strcasecmp(host, "totp") != 0 || !path || !query)
        goto out;
    tmp.digits = 6;
    tmp.period = 30;
    if ((st = parse_label(path, &tmp)) != GA_OK ||
        (st = parse_query(query, &tmp, issuer_param)) != GA_OK)
        goto out;
    if (issuer_param[0])
        memcpy(tmp.issuer, issuer_param, sizeof tmp.issuer);
    memcpy(out, &tmp, sizeof *out);
    st = GA_OK;
out:
    free_part(extra);
    free_part(host);
    free_part(path);
    free_part(query);
    curl_url_cleanup(h);
    ga_wipe(&tmp, sizeof tmp);
    if (st != GA_OK)
        ga_wipe(out, out ? sizeof *out : 0);
    return st;
}

int ga_otpauth_group(const char *secret, char *out, size_t outlen)
{
    size_t len;
    size_t need;
    size_t k = 0;

    if (!out || outlen == 0)
        return -1;
    out[0] = '\0';
    if (!secret)
        return -1;
    len = strlen(secret);
    need = len + (len > 0 ? (len - 1) / 4 : 0) + 1;
    if (need > outlen)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (i > 0 && i % 4 == 0)
            out[k++] = ' ';
        out[k++] = secret[i];
    }
    out[k] = '\0';
    return 0;
}
