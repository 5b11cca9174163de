/* ga_policy.h - who is asked for MFA, and where (config keys users, groups,
 * bypass_users, services, noninteractive_services).
 *
 * Pattern lists follow duo_unix's `groups` (itself OpenSSH's
 * match_pattern_list): each entry is an fnmatch(3) pattern ("*", "?",
 * "[...]", no FNM flags); an entry starting with "!" is negated. A name
 * matches a list when some positive entry matches it and no negated entry
 * does: a negated match always wins.
 *
 * Pure functions: the caller (pam_genauth.c) supplies the service name and
 * the user's groups (getpwnam_r + getgrouplist), so everything here is
 * unit-tested without NSS.
 */
#ifndef GA_POLICY_H
#define GA_POLICY_H

#include <stddef.h>

#include "ga_config.h"

/* Result of matching one name against a list: 1 matched by a positive
 * entry and no negated one, -1 a negated entry matched, 0 nothing matched. */
int ga_pattern_match_list(const char *name, const ga_strlist_t *list);

typedef enum {
    GA_POLICY_ASK = 0,         /* in scope: sign in, verify or enroll */
    GA_POLICY_BYPASS,          /* bypass_users (break-glass) */
    GA_POLICY_SERVICE,         /* the PAM service is not in `services` */
    GA_POLICY_USER,            /* the user is not in `users` */
    GA_POLICY_GROUP,           /* no group of the user is in `groups` (or a negated one is) */
    GA_POLICY_NONINTERACTIVE   /* the service is in noninteractive_services */
} ga_policy_t;

/* Decide for user (PAM_USER), service (PAM_SERVICE, may be NULL: then only
 * a `services` list of exactly {"*"} matches, and noninteractive_services
 * does not) and groups (names of the primary and supplementary groups,
 * n_groups entries, may be 0; ignored unless cfg->groups is non-empty).
 * Order: bypass_users, services, users, groups, noninteractive_services.
 * Never fails; performs no I/O. */
ga_policy_t ga_policy_decide(const ga_config_t *cfg, const char *user, const char *service,
                             const char *const *groups, size_t n_groups);

/* The part of ga_policy_decide that needs no group list: bypass_users,
 * services, users, in that order. Returns GA_POLICY_BYPASS, _SERVICE or
 * _USER when one of them decides, else GA_POLICY_ASK (groups and
 * noninteractive_services still to check with ga_policy_decide). The glue
 * calls it before looking up groups, so a break-glass user is let through
 * even when the group lookup would fail. Never fails; no I/O. */
ga_policy_t ga_policy_early(const ga_config_t *cfg, const char *user, const char *service);

/* Constant English name for log lines ("in scope", "break-glass user",
 * ...). Never NULL. */
const char *ga_policy_name(ga_policy_t p);

#endif
