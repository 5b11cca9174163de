/* ga_policy.c - pattern lists and the who/where decision. */
#include "config.h"

#include "ga_policy.h"

int ga_pattern_match_list(const char *name, const ga_strlist_t *list)
{
    (void)name;
    (void)list;
    return 0; /* TODO(helper A) */
}

ga_policy_t ga_policy_decide(const ga_config_t *cfg, const char *user, const char *service,
                             const char *const *groups, size_t n_groups)
{
    (void)cfg;
    (void)user;
    (void)service;
    (void)groups;
    (void)n_groups;
    return GA_POLICY_ASK; /* TODO(helper A) */
}

const char *ga_policy_name(ga_policy_t p)
{
    (void)p;
    return "in scope"; /* TODO(helper A) */
}
