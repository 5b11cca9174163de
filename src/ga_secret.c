/* ga_secret.c - wiping secrets. */
#include "config.h"

#include "ga_secret.h"

#include <stdlib.h>
#include <string.h>

void ga_wipe(void *p, size_t n)
{
    if (!p || n == 0)
        return;
#ifdef HAVE_EXPLICIT_BZERO
    explicit_bzero(p, n);
#else
    volatile unsigned char *v = p;
    while (n--)
        *v++ = 0;
#endif
}

void ga_free_secret(char *s)
{
    if (!s)
        return;
    ga_wipe(s, strlen(s));
    free(s);
}

void ga_free_secret_n(void *p, size_t n)
{
    if (!p)
        return;
    ga_wipe(p, n);
    free(p);
}
