/* ga_enroll_otp.c - enrolling an authenticator app (OTP): QR code, secret,
 * recovery code, first code. */
#include "config.h"

#include "ga_enroll.h"

ga_status_t ga_enroll_otp(const ga_flow_env_t *env, ga_stash_t *st)
{
    (void)env;
    (void)st;
    return GA_ERR_INTERNAL; /* TODO(helper E2) */
}
