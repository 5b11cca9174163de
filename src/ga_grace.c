/* ga_grace.c - per-user postponement counters in state_dir. */
#include "config.h"

#include "ga_grace.h"

#include <string.h>

ga_status_t ga_grace_check(const ga_config_t *cfg, const char *user, uid_t euid,
                           long long now, ga_grace_t *out, const ga_logger_t *lg)
{
    (void)cfg;
    (void)user;
    (void)euid;
    (void)now;
    (void)lg;
    memset(out, 0, sizeof *out);
    return GA_OK; /* TODO(helper A): nothing offered yet */
}

ga_status_t ga_grace_use(const ga_config_t *cfg, const char *user, uid_t euid,
                         long long now, const ga_logger_t *lg)
{
    (void)cfg;
    (void)user;
    (void)euid;
    (void)now;
    (void)lg;
    return GA_ERR_INTERNAL; /* TODO(helper A) */
}

ga_status_t ga_grace_reset(const ga_config_t *cfg, const char *user, const ga_logger_t *lg)
{
    (void)cfg;
    (void)user;
    (void)lg;
    return GA_OK; /* TODO(helper A) */
}
