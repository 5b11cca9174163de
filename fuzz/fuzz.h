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

#endif
