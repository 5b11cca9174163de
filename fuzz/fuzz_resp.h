/* fuzz_resp.h - the oracles shared by the answer-parser targets
 * (fuzz_response.c, fuzz_mfa.c): what ga_response.h promises about
 * ga_api_error_t, tokens, trigger data and factor lists. */
#ifndef GA_FUZZ_RESP_H
#define GA_FUZZ_RESP_H

#include <string.h>

#include "fuzz.h"
#include "ga_factor.h"
#include "ga_response.h"
#include "ga_text.h"

/* A token as the header promises: 1..max bytes of printable ASCII without
 * spaces. */
static inline int fuzz_token_ok(const char *t, size_t max)
{
    size_t n = strnlen(t, max + 1);

    if (n == 0 || n > max)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)t[i] <= 0x20 || (unsigned char)t[i] >= 0x7f)
            return 0;
    return 1;
}

/* Non-zero if buf (cap bytes) holds a NUL-terminated string of digits only
 * (may be ""). */
static inline int fuzz_digits_ok(const char *buf, size_t cap)
{
    size_t n = 0;

    while (n < cap && buf[n] != '\0') {
        if (buf[n] < '0' || buf[n] > '9')
            return 0;
        n++;
    }
    return n < cap;
}

/* Non-zero if the parser classified the envelope at all: statusCode 200
 * outside a 2xx HTTP answer is refused whole (GA_ERR_UNAVAIL, reason
 * GA_REASON_HTTP) before apiCode is looked at (ga_response.h). */
static inline int fuzz_envelope_used(const ga_api_error_t *err, long http_status)
{
    return !(err->status_code == 200 && (http_status < 200 || http_status > 299));
}

/* What every parser promises about err for the body (len bytes). v2: the
 * status is a V2 `code` (any positive integer), not an HTTP-like
 * statusCode. */
static inline void fuzz_check_err(ga_status_t st, const ga_api_error_t *err, long http_status,
                                  int v2, const char *body, size_t len)
{
    /* JSON text is UTF-8 (RFC 8259, RFC 3629): anything else is no answer */
    if (!ga_utf8_valid(body, len))
        FUZZ_EXPECT(st == GA_ERR_UNAVAIL && err->status_code == 0);
    FUZZ_EXPECT((unsigned)st < GA_STATUS_MAX);
    FUZZ_EXPECT((unsigned)err->reason < GA_REASON_MAX);
    FUZZ_EXPECT(err->http_status == http_status);
    FUZZ_EXPECT(fuzz_cstr_ok(err->message, sizeof err->message));
    /* the message is masked (ga_sanitize_message): never 5 digits in a row */
    for (size_t i = 0, row = 0; err->message[i]; i++) {
        row = (err->message[i] >= '0' && err->message[i] <= '9') ? row + 1 : 0;
        FUZZ_EXPECT(row < 5);
    }
    /* message_utf8 (ga_sanitize_message_utf8, shown in zh-CN): allowed
     * UTF-8 only, bounded, the same masking as message; empty with it */
    FUZZ_EXPECT(fuzz_shown_utf8_ok(err->message_utf8, sizeof err->message_utf8));
    if (!err->message[0])
        FUZZ_EXPECT(err->message_utf8[0] == '\0');
    else if (strlen(err->message) < sizeof err->message - 4
             && strlen(err->message_utf8) < sizeof err->message_utf8 - 4)
        FUZZ_EXPECT(fuzz_same_but_runs(err->message_utf8, err->message));
    FUZZ_EXPECT(err->retry_after_s >= -1);
    if (st == GA_ERR_UNAVAIL)
        FUZZ_EXPECT(err->reason != GA_REASON_NONE);
    else
        FUZZ_EXPECT(err->reason == GA_REASON_NONE);
    /* success only from status 200 in a 2xx HTTP answer; status 200 in any
     * other is no answer, whatever its apiCode */
    if (st == GA_OK)
        FUZZ_EXPECT(err->status_code == 200 && http_status >= 200 && http_status <= 299);
    if (!fuzz_envelope_used(err, http_status))
        FUZZ_EXPECT(st == GA_ERR_UNAVAIL && err->reason == GA_REASON_HTTP);
    if (v2) {
        FUZZ_EXPECT(err->status_code >= 0);
        if (err->status_code >= 500 && err->status_code <= 599)
            FUZZ_EXPECT(st == GA_ERR_UNAVAIL && err->reason == GA_REASON_SERVER);
    } else {
        /* statusCode is 0 (no envelope) or an HTTP-like 3-digit code */
        FUZZ_EXPECT(err->status_code == 0
                    || (err->status_code >= 100 && err->status_code <= 999));
        if (err->status_code >= 500)
            FUZZ_EXPECT(st == GA_ERR_UNAVAIL && err->reason == GA_REASON_SERVER);
    }
}

/* Trigger data as ga_response.h promises: a token when present (required
 * for get-mfa-trigger-data), SMS only with a phone of digits, EMAIL only
 * with an address, every buffer terminated. */
static inline void fuzz_check_trigger(const ga_mfa_trigger_t *t, int token_required)
{
    if (token_required)
        FUZZ_EXPECT(t->mfa_token != NULL);
    if (t->mfa_token)
        FUZZ_EXPECT(fuzz_token_ok(t->mfa_token, GA_TOKEN_MAX));
    FUZZ_EXPECT(t->otp == 0 || t->otp == 1);
    FUZZ_EXPECT(t->sms == 0 || t->sms == 1);
    FUZZ_EXPECT(t->email == 0 || t->email == 1);
    FUZZ_EXPECT(fuzz_digits_ok(t->phone, sizeof t->phone));
    FUZZ_EXPECT(fuzz_cstr_ok(t->phone_cc, sizeof t->phone_cc));
    FUZZ_EXPECT(t->phone_cc[0] == '\0' || t->phone_cc[0] == '+');
    FUZZ_EXPECT(fuzz_digits_ok(t->phone_cc + (t->phone_cc[0] == '+'),
                               sizeof t->phone_cc - 1));
    FUZZ_EXPECT(fuzz_cstr_ok(t->email_addr, sizeof t->email_addr));
    if (t->sms)
        FUZZ_EXPECT(strlen(t->phone) >= 5);
    if (t->email)
        FUZZ_EXPECT(strchr(t->email_addr, '@') != NULL);
    if (t->email_addr[0])
        FUZZ_EXPECT(strchr(t->email_addr, ' ') == NULL);
}

/* A list entry's masked target: printable, never a whole phone number
 * (at most 7 digits shown besides the country code) and never more than
 * one character of an email's local part. */
static inline void fuzz_check_target(const ga_factor_entry_t *e)
{
    const char *at;
    size_t digits = 0;

    FUZZ_EXPECT(fuzz_cstr_ok(e->target, sizeof e->target));
    if (!e->target[0])
        return;
    FUZZ_EXPECT(e->type == GA_FACTOR_SMS || e->type == GA_FACTOR_EMAIL);
    if (e->type == GA_FACTOR_SMS) {
        const char *p = e->target;

        if (*p == '+')
            p += strcspn(p, " ");
        for (; *p; p++)
            digits += *p >= '0' && *p <= '9';
        FUZZ_EXPECT(digits <= 7);
    } else {
        FUZZ_EXPECT((at = strchr(e->target, '@')) != NULL);
        FUZZ_EXPECT(at - e->target == 4 && strncmp(at - 3, "***", 3) == 0);
    }
}

#endif
