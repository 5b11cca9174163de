/* fuzz_policy.c - libFuzzer target: ga_pattern_match_list,
 * ga_policy_early and ga_policy_decide (ga_policy.h), the duo_unix-style pattern lists of the
 * config keys users, groups, bypass_users, services and
 * noninteractive_services.
 *
 * Input: lines separated by '\n'. Line 1 is the user, line 2 the service
 * (the single line "-" stands for a NULL service). Every further line
 * starts with a selector byte (value % 6: users, groups, bypass_users,
 * services, noninteractive_services, or one of the user's groups); the
 * rest of the line is the entry. At most 64 entries per list (the config's
 * limit) and 64 groups; the rest is ignored. Entries are what the fuzzer
 * makes of them: any bytes but '\n' and NUL, any length (the config
 * allows 1..256 printable bytes; the matcher must not rely on that).
 *
 * Oracles:
 * - ga_pattern_match_list agrees with the header's rule, computed here
 *   with fnmatch(3) entry by entry: -1 when a negated entry matches,
 *   else 1 when a positive one does, else 0; the same list reversed gives
 *   the same answer (a negated match wins whatever the order);
 * - ga_policy_decide agrees with the header's order (bypass_users,
 *   services, users, groups, noninteractive_services), each step decided
 *   with the rule above; a NULL service passes only services = {"*"}, and
 *   never matches noninteractive_services; an empty groups list is no
 *   condition; the decision has a name;
 * - ga_policy_early (no groups) gives the decision when bypass_users,
 *   services or users decide it, and GA_POLICY_ASK otherwise.
 */
#include "config.h"

#include <fnmatch.h>
#include <string.h>

#include "fuzz.h"
#include "ga_policy.h"

#define LIST_MAX 64
#define LISTS 5

static volatile size_t sink_n;

/* The header's rule, entry by entry. */
static int reference(const char *name, const ga_strlist_t *l)
{
    int pos = 0;

    for (size_t i = 0; i < l->n; i++) {
        const char *p = l->v[i];

        if (p[0] == '!') {
            if (fnmatch(p + 1, name, 0) == 0)
                return -1;
        } else if (fnmatch(p, name, 0) == 0) {
            pos = 1;
        }
    }
    return pos;
}

static int checked_match(const char *name, const ga_strlist_t *l)
{
    char *rev[LIST_MAX];
    ga_strlist_t r = {rev, l->n};
    int m = ga_pattern_match_list(name, l);

    FUZZ_EXPECT(m == reference(name, l));
    for (size_t i = 0; i < l->n; i++)
        rev[i] = l->v[l->n - 1 - i];
    FUZZ_EXPECT(ga_pattern_match_list(name, &r) == m);
    return m;
}

static ga_policy_t expected(const ga_config_t *c, const char *user, const char *service,
                            char *const *groups, size_t n_groups)
{
    int any = 0;

    if (checked_match(user, &c->bypass_users) == 1)
        return GA_POLICY_BYPASS;
    if (service ? checked_match(service, &c->services) != 1
                : !(c->services.n == 1 && strcmp(c->services.v[0], "*") == 0))
        return GA_POLICY_SERVICE;
    if (checked_match(user, &c->users) != 1)
        return GA_POLICY_USER;
    if (c->groups.n > 0) {
        for (size_t i = 0; i < n_groups; i++) {
            int m = checked_match(groups[i], &c->groups);
            if (m < 0)
                return GA_POLICY_GROUP;
            any |= m > 0;
        }
        if (!any)
            return GA_POLICY_GROUP;
    }
    if (service && checked_match(service, &c->noninteractive_services) == 1)
        return GA_POLICY_NONINTERACTIVE;
    return GA_POLICY_ASK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char *entries[LISTS][LIST_MAX], *groups[LIST_MAX];
    char *buf = malloc(size + 1), *line, *next, *user = NULL, *service = NULL;
    ga_strlist_t *lists[LISTS];
    size_t n_groups = 0;
    ga_config_t cfg;
    ga_policy_t got, want;
    int k = 0;

    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    memset(&cfg, 0, sizeof cfg);
    lists[0] = &cfg.users;
    lists[1] = &cfg.groups;
    lists[2] = &cfg.bypass_users;
    lists[3] = &cfg.services;
    lists[4] = &cfg.noninteractive_services;
    for (int i = 0; i < LISTS; i++)
        lists[i]->v = entries[i];
    for (line = buf; line; line = next, k++) {
        unsigned sel;

        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (k == 0) {
            user = line;
            continue;
        }
        if (k == 1) {
            service = strcmp(line, "-") == 0 ? NULL : line;
            continue;
        }
        if (!line[0])
            continue;
        sel = (unsigned char)line[0] % (LISTS + 1);
        if (sel == LISTS) {
            if (n_groups < LIST_MAX)
                groups[n_groups++] = line + 1;
        } else if (lists[sel]->n < LIST_MAX) {
            lists[sel]->v[lists[sel]->n++] = line + 1;
        }
    }
    if (!user)
        user = buf;

    got = ga_policy_decide(&cfg, user, service, (const char *const *)groups, n_groups);
    want = expected(&cfg, user, service, groups, n_groups);
    FUZZ_EXPECT(got == want);
    FUZZ_EXPECT(ga_policy_early(&cfg, user, service) ==
                (want == GA_POLICY_BYPASS || want == GA_POLICY_SERVICE ||
                 want == GA_POLICY_USER ? want : GA_POLICY_ASK));
    FUZZ_EXPECT(ga_policy_early(NULL, user, service) == GA_POLICY_ASK);
    FUZZ_EXPECT(ga_policy_name(got) && strcmp(ga_policy_name(got), "unknown policy") != 0);
    /* no config: nobody is let off */
    FUZZ_EXPECT(ga_policy_decide(NULL, user, service, NULL, 0) == GA_POLICY_ASK);
    FUZZ_EXPECT(ga_pattern_match_list(NULL, &cfg.users) == 0);
    FUZZ_EXPECT(ga_pattern_match_list(user, NULL) == 0);
    sink_n = (size_t)got;
    free(buf);
    return 0;
}
