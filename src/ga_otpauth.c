/* ga_otpauth.c - parse otpauth:// key URIs. */
#include "config.h"

#include "ga_otpauth.h"

#include <string.h>

ga_status_t ga_otpauth_parse(const char *uri, ga_otpauth_t *out)
{
    (void)uri;
    memset(out, 0, sizeof *out);
    return GA_ERR_INTERNAL; /* TODO(helper D) */
}

int ga_otpauth_group(const char *secret, char *out, size_t outlen)
{
    (void)secret;
    if (outlen)
        out[0] = '\0';
    return -1; /* TODO(helper D) */
}
