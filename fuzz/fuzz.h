/* fuzz.h - shared by the libFuzzer targets in fuzz/ and their plain replay
 * driver (replay_main.c).
 *
 * Each target defines LLVMFuzzerTestOneInput (and may define
 * LLVMFuzzerInitialize). Besides the sanitizers, every target checks what
 * the headers in src/ promise about the result (FUZZ_EXPECT): a broken
 * promise aborts, so libFuzzer saves the input like any other crash.
 */
#ifndef GA_FUZZ_H
#define GA_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A property the code under test promised does not hold: report and abort. */
#define FUZZ_EXPECT(cond)                                                       \
    do {                                                                        \
        if (!(cond)) {                                                          \
            fprintf(stderr, "fuzz oracle failed: %s (%s:%d)\n", #cond, __FILE__, \
                    __LINE__);                                                  \
            abort();                                                            \
        }                                                                       \
    } while (0)

/* FUZZ_IGNORE_OPEN_FINDINGS=1 turns off the oracles that fire on the open
 * findings listed in docs/fuzzing.md, to fuzz past them in a long run
 * (libFuzzer stops at the first failure). Never set in CI. */
static inline int fuzz_ignore_open_findings(void)
{
    static int ignore = -1;

    if (ignore < 0)
        ignore = getenv("FUZZ_IGNORE_OPEN_FINDINGS") != NULL;
    return ignore;
}

/* Non-zero if s[0..n) is printable ASCII (0x20..0x7e) only. */
static inline int fuzz_printable(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
            return 0;
    return 1;
}

/* Non-zero if the buffer buf of cap bytes holds a NUL-terminated string of
 * printable ASCII (the NUL within cap). */
static inline int fuzz_cstr_ok(const char *buf, size_t cap)
{
    size_t n = 0;

    while (n < cap && buf[n] != '\0')
        n++;
    return n < cap && fuzz_printable(buf, n);
}

/* The next code point of the well-formed UTF-8 in s[*i..n), moving *i
 * past it; -1 if it is not well-formed (RFC 3629). Independent of
 * ga_utf8_valid, for the oracles. */
static inline long fuzz_utf8_next(const unsigned char *s, size_t n, size_t *i)
{
    static const unsigned long min[4] = {0, 0x80, 0x800, 0x10000};
    unsigned char c = s[*i];
    size_t more = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2
                : (c & 0xf8) == 0xf0 ? 3 : 4;
    unsigned long cp;

    if (more == 4 || n - *i <= more)
        return -1;
    cp = more == 0 ? c : (unsigned long)(c & (0x3f >> more));
    for (size_t k = 1; k <= more; k++) {
        if ((s[*i + k] & 0xc0) != 0x80)
            return -1;
        cp = (cp << 6) | (s[*i + k] & 0x3f);
    }
    if (cp < min[more] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return -1;
    *i += more + 1;
    return (long)cp;
}

/* Non-zero if buf (cap bytes) holds a NUL-terminated string (the NUL
 * within cap) that ga_sanitize_message_utf8 may produce: well-formed
 * UTF-8 of printable ASCII and non-ASCII code points other than C1
 * controls, bidirectional controls, U+2028/U+2029, U+FEFF and fullwidth
 * digits; never 5 ASCII digits in a row. */
static inline int fuzz_shown_utf8_ok(const char *buf, size_t cap)
{
    const unsigned char *s = (const unsigned char *)buf;
    size_t n = 0, i = 0, row = 0;
    long cp;

    while (n < cap && buf[n] != '\0')
        n++;
    if (n == cap)
        return 0;
    while (i < n) {
        if ((cp = fuzz_utf8_next(s, n, &i)) < 0)
            return 0;
        if (cp < 0x80 && (cp < 0x20 || cp == 0x7f))
            return 0;
        if ((cp >= 0x80 && cp <= 0x9f) || cp == 0x61c || cp == 0x200e || cp == 0x200f ||
            (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
            cp == 0xfeff || (cp >= 0xff10 && cp <= 0xff19))
            return 0;
        row = (cp >= '0' && cp <= '9') ? row + 1 : 0;
        if (row >= 5)
            return 0;
    }
    return 1;
}

/* Non-zero if the UTF-8 text u, with each run of bytes >= 0x80 collapsed
 * to one '?', is the ASCII text a: ga_sanitize_message_utf8 masked exactly
 * what ga_sanitize_message did. */
static inline int fuzz_same_but_runs(const char *u, const char *a)
{
    while (*u && *a) {
        if ((unsigned char)*u >= 0x80) {
            while ((unsigned char)*u >= 0x80)
                u++;
            if (*a++ != '?')
                return 0;
            continue;
        }
        if (*u++ != *a++)
            return 0;
    }
    return *u == '\0' && *a == '\0';
}

#endif
