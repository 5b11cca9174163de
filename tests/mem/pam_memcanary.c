/* pam_memcanary.c - TEST ONLY: a PAM module with planted memory bugs.
 *
 * The memory-check scripts (scripts/check-asan.sh, scripts/check-valgrind.sh)
 * run it through the same pam_driver, libpam, preloads and wrapper as
 * pam_genauth before they trust a clean result: each planted bug must be
 * reported, with a frame naming this file, and the clean run must not be.
 * A tool that silently stopped seeing the dlopen'ed module would otherwise
 * pass every time.
 *
 * Module argument bug=none|leak|overflow|ub (one of them; default none):
 *   leak      48 bytes allocated and dropped (a definite leak)
 *   overflow  one byte read past the end of a heap block
 *   ub        signed integer overflow (UBSan; valgrind cannot see it)
 * Returns PAM_SUCCESS, or PAM_SERVICE_ERR for an unknown argument.
 *
 * Never install this module. */
#include <limits.h>
#include <security/pam_modules.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))

/* Keeps results alive so the optimiser cannot drop the planted bugs. */
static volatile int sink;
static void *volatile keep;

static int plant_leak(void)
{
    char *p = malloc(48);

    if (!p)
        return PAM_BUF_ERR;
    memset(p, 'L', 48);
    sink = p[47];
    keep = p;
    keep = NULL; /* the only pointer is gone: a definite leak */
    return PAM_SUCCESS;
}

static int plant_overflow(void)
{
    char *p = malloc(16);
    int rc = PAM_BUF_ERR;

    if (!p)
        goto out;
    memset(p, 'O', 16);
    keep = p; /* hide the block size from UBSan's object-size check */
    sink = ((volatile char *)keep)[16]; /* one past the end */
    keep = NULL;
    rc = PAM_SUCCESS;
out:
    free(p);
    return rc;
}

static int plant_ub(void)
{
    volatile int big = INT_MAX;
    int n = big;

    n += big; /* signed overflow */
    sink = n;
    return PAM_SUCCESS;
}

EXPORT int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    (void)pamh;
    (void)flags;
    if (argc == 0 || strcmp(argv[0], "bug=none") == 0)
        return PAM_SUCCESS;
    if (argc != 1)
        return PAM_SERVICE_ERR;
    if (strcmp(argv[0], "bug=leak") == 0)
        return plant_leak();
    if (strcmp(argv[0], "bug=overflow") == 0)
        return plant_overflow();
    if (strcmp(argv[0], "bug=ub") == 0)
        return plant_ub();
    return PAM_SERVICE_ERR;
}

EXPORT int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    (void)pamh;
    (void)flags;
    (void)argc;
    (void)argv;
    return PAM_SUCCESS;
}
