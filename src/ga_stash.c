/* ga_stash.c - the per-PAM-handle enrollment stash. */
#include "config.h"

#include "ga_stash.h"

#include <stdlib.h>
#include <string.h>

#include "ga_secret.h"

ga_stash_t *ga_stash_new(const char *user)
{
    ga_stash_t *s = calloc(1, sizeof *s);

    if (!s)
        return NULL;
    s->user = strdup(user ? user : "");
    if (!s->user) {
        free(s);
        return NULL;
    }
    return s;
}

void ga_stash_drop_token(ga_stash_t *s)
{
    if (!s)
        return;
    ga_free_secret(s->enrollment_token);
    s->enrollment_token = NULL;
    s->attempts = 0;
    s->otp_digits = 0;
}

void ga_stash_free(ga_stash_t *s)
{
    if (!s)
        return;
    ga_free_secret(s->access_token);
    ga_free_secret(s->enrollment_token);
    free(s->user);
    ga_wipe(s, sizeof *s);
    free(s);
}
