/* ga_verify.c - verify an enrolled user's factor. */
#include "config.h"

#include "ga_verify.h"

ga_status_t ga_verify_run(const ga_flow_env_t *env, ga_stash_t *st,
                          const ga_factor_list_t *enrolled,
                          const ga_mfa_trigger_t *from_signin)
{
    (void)env;
    (void)st;
    (void)enrolled;
    (void)from_signin;
    return GA_ERR_INTERNAL; /* TODO(helper E1) */
}
