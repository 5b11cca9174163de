/* ga_factor.c - factor type names. */
#include "config.h"

#include "ga_factor.h"

#include <strings.h>

#include "ga_msg.h"

static const struct {
    const char *name;
    const char *label;
    const char *shortname;
} factors[GA_FACTOR_MAX] = {
    [GA_FACTOR_UNKNOWN] = {"UNKNOWN", GA_N_("unknown"), GA_N_("unknown")},
    [GA_FACTOR_SMS] = {"SMS", GA_N_("SMS (text message to your phone)"), GA_N_("SMS")},
    [GA_FACTOR_EMAIL] = {"EMAIL", GA_N_("Email"), GA_N_("email")},
    [GA_FACTOR_OTP] = {"OTP", GA_N_("Authenticator app (TOTP)"), GA_N_("authenticator app")},
    [GA_FACTOR_FACE] = {"FACE", GA_N_("Face"), GA_N_("face")},
};

const char *ga_factor_name(ga_factor_t f)
{
    if ((unsigned)f >= GA_FACTOR_MAX)
        f = GA_FACTOR_UNKNOWN;
    return factors[f].name;
}

const char *ga_factor_label(ga_factor_t f)
{
    if ((unsigned)f >= GA_FACTOR_MAX)
        f = GA_FACTOR_UNKNOWN;
    return factors[f].label;
}

const char *ga_factor_short(ga_factor_t f)
{
    if ((unsigned)f >= GA_FACTOR_MAX)
        f = GA_FACTOR_UNKNOWN;
    return factors[f].shortname;
}

ga_factor_t ga_factor_from_name(const char *name)
{
    if (!name)
        return GA_FACTOR_UNKNOWN;
    for (int f = GA_FACTOR_SMS; f < GA_FACTOR_MAX; f++)
        if (strcasecmp(name, factors[f].name) == 0)
            return (ga_factor_t)f;
    return GA_FACTOR_UNKNOWN;
}

int ga_factor_enrollable(ga_factor_t f)
{
    return f == GA_FACTOR_SMS || f == GA_FACTOR_EMAIL || f == GA_FACTOR_OTP;
}

int ga_factor_sends_code(ga_factor_t f)
{
    return f == GA_FACTOR_SMS || f == GA_FACTOR_EMAIL;
}
