/* ga_policy.c - pattern lists and the who/where decision (see ga_policy.h).
 * Pure: no I/O, no allocation. */
#include "config.h"

#include "ga_policy.h"

#include <fnmatch.h>
#include <string.h>

int ga_pattern_match_list(const char *name, const ga_strlist_t *list)
{
    int matched = 0;

    if (!name || !list || !list->v)
        return 0;
    for (size_t i = 0; i < list->n; i++) {
        const char *pat = list->v[i];

        if (!pat)
            continue;
        if (pat[0] == '!') {
            if (fnmatch(pat + 1, name, 0) == 0)
                return -1; /* a negated match wins, whatever the order */
        } else if (fnmatch(pat, name, 0) == 0) {
            matched = 1;
        }
    }
    return matched;
}

/* The PAM service is in `services`. Without a service name only the
 * default {"*"} lets it through: an admin who named services wants those
 * and no unnamed caller. */
static int service_in_scope(const ga_strlist_t *services, const char *service)
{
    if (!service)
        return services->n == 1 && services->v && services->v[0] &&
               strcmp(services->v[0], "*") == 0;
    return ga_pattern_match_list(service, services) == 1;
}

/* With a `groups` list: some group of the user matches a positive entry
 * and none matches a negated one. */
static int groups_in_scope(const ga_strlist_t *list, const char *const *groups,
                           size_t n_groups)
{
    int matched = 0;

    for (size_t i = 0; groups && i < n_groups; i++) {
        int m = ga_pattern_match_list(groups[i], list);

        if (m < 0)
            return 0;
        if (m > 0)
            matched = 1;
    }
    return matched;
}

ga_policy_t ga_policy_early(const ga_config_t *cfg, const char *user, const char *service)
{
    if (!cfg)
        return GA_POLICY_ASK; /* nothing configured: nobody is let off */
    if (ga_pattern_match_list(user, &cfg->bypass_users) == 1)
        return GA_POLICY_BYPASS;
    if (!service_in_scope(&cfg->services, service))
        return GA_POLICY_SERVICE;
    if (ga_pattern_match_list(user, &cfg->users) != 1)
        return GA_POLICY_USER;
    return GA_POLICY_ASK;
}

ga_policy_t ga_policy_decide(const ga_config_t *cfg, const char *user, const char *service,
                             const char *const *groups, size_t n_groups)
{
    ga_policy_t p = ga_policy_early(cfg, user, service);

    if (!cfg || p != GA_POLICY_ASK)
        return p;
    if (cfg->groups.n > 0 && !groups_in_scope(&cfg->groups, groups, n_groups))
        return GA_POLICY_GROUP;
    if (service && ga_pattern_match_list(service, &cfg->noninteractive_services) == 1)
        return GA_POLICY_NONINTERACTIVE;
    return GA_POLICY_ASK;
}

const char *ga_policy_name(ga_policy_t p)
{
    switch (p) {
    case GA_POLICY_ASK:
        return "in scope";
    case GA_POLICY_BYPASS:
        return "break-glass user (bypass_users)";
    case GA_POLICY_SERVICE:
        return "service not in services";
    case GA_POLICY_USER:
        return "user not in users";
    case GA_POLICY_GROUP:
        return "groups of the user not in groups";
    case GA_POLICY_NONINTERACTIVE:
        return "non-interactive service (noninteractive_services)";
    }
    return "unknown policy";
}
