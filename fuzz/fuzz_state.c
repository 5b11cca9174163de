/* fuzz_state.c - libFuzzer target: the pending-file decoder
 * ga_state_file_decode (ga_state_file.h), the check a file planted or
 * corrupted in state_dir must pass before its token is trusted.
 *
 * Input: byte 0 picks the user (bits 0-1), the current time (bits 2-3) and
 * the token lifetime (bits 4-5) from the tables below; the rest is the file
 * text, passed with its exact length and not NUL-terminated. A seed
 * "\x00{...}" is a file of alice read at 1700000030 with a 60 s lifetime.
 *
 * Checks besides the sanitizers (ga_state_file.h): every error names a
 * constant printable reason and leaves out untouched; a record that loads
 * passes ga_state_file_valid, is within its lifetime and at most 5 s in
 * the future, belongs to that user only, and survives
 * ga_state_file_encode + decode unchanged.
 */
#include "config.h"

#include <limits.h>
#include <string.h>

#include "fuzz.h"
#include "ga_secret.h"
#include "ga_state.h"
#include "ga_state_file.h"

static const char *const users[] = {"alice", "bob", "", "x-616c696365"};
static const long long nows[] = {1700000030LL, 0, LLONG_MAX, LLONG_MIN};
static const long lifetimes[] = {GA_TOKEN_LIFETIME, 0, -1, LONG_MAX};

static const char *volatile sink;

static void release(ga_pending_t *p)
{
    ga_free_secret(p->enrollment_token);
    p->enrollment_token = NULL;
}

/* out of a successful decode must come back unchanged through a file. */
static void round_trip(const char *user, const ga_pending_t *out, long long now,
                       long lifetime)
{
    ga_pending_t again;
    const char *why = NULL;
    char *text = NULL;
    size_t len = 0;
    ga_status_t st = ga_state_file_encode(user, out, &text, &len);

    if (st == GA_ERR_NOMEM)
        return;
    FUZZ_EXPECT(st == GA_OK && text && strlen(text) == len);
    memset(&again, 0, sizeof again);
    st = ga_state_file_decode(text, len, user, now, lifetime, &again, &why);
    if (st != GA_ERR_NOMEM) {
        FUZZ_EXPECT(st == GA_OK);
        FUZZ_EXPECT(again.type == out->type && again.sent_at == out->sent_at &&
                    again.attempts == out->attempts);
        FUZZ_EXPECT(strcmp(again.enrollment_token, out->enrollment_token) == 0);
        FUZZ_EXPECT(strcmp(again.masked_target, out->masked_target) == 0);
    }
    release(&again);
    ga_free_secret_n(text, len + 1);
}

/* A record that loads for user must not load for anyone else. */
static void other_user(const char *buf, size_t len, const char *user, long long now,
                       long lifetime)
{
    char other[64];
    ga_pending_t out;
    const char *why = NULL;
    ga_status_t st;

    (void)snprintf(other, sizeof other, "%s_", user);
    memset(&out, 0, sizeof out);
    st = ga_state_file_decode(buf, len, other, now, lifetime, &out, &why);
    FUZZ_EXPECT(st == GA_ERR_NOT_FOUND || st == GA_ERR_NOMEM);
    release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *user, *buf, *why = "not set";
    long long now;
    long lifetime;
    long long age;
    ga_pending_t out, before;
    ga_status_t st;
    size_t len;

    if (size < 1)
        return 0;
    user = users[data[0] & 3];
    now = nows[(data[0] >> 2) & 3];
    lifetime = lifetimes[(data[0] >> 4) & 3];
    buf = (const char *)data + 1;
    len = size - 1;
    memset(&out, 0x5a, sizeof out); /* an error must leave this untouched */
    memcpy(&before, &out, sizeof out);

    st = ga_state_file_decode(buf, len, user, now, lifetime, &out, &why);
    if (st != GA_OK) {
        FUZZ_EXPECT(st == GA_ERR_NOT_FOUND || st == GA_ERR_EXPIRED || st == GA_ERR_NOMEM);
        FUZZ_EXPECT(memcmp(&out, &before, sizeof out) == 0);
        if (st != GA_ERR_NOMEM)
            FUZZ_EXPECT(why && strlen(why) < 64 && fuzz_printable(why, strlen(why)));
        sink = why;
        return 0;
    }
    FUZZ_EXPECT(ga_state_file_valid(&out));
    FUZZ_EXPECT(out.type == GA_FACTOR_SMS || out.type == GA_FACTOR_EMAIL);
    FUZZ_EXPECT(fuzz_cstr_ok(out.masked_target, sizeof out.masked_target));
    FUZZ_EXPECT(out.attempts >= 0 && out.attempts <= 100 && out.sent_at >= 0);
    FUZZ_EXPECT(!__builtin_sub_overflow(now, out.sent_at, &age));
    FUZZ_EXPECT(age >= -5 && age < lifetime);
    sink = out.enrollment_token;
    round_trip(user, &out, now, lifetime);
    other_user(buf, len, user, now, lifetime);
    release(&out);
    return 0;
}
