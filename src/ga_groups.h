/* ga_groups.h - the names of a user's groups, for the `groups` policy
 * (ga_policy.h), from the system's databases (NSS): getpwnam_r for the
 * primary group, getgrouplist for the supplementary ones, getgrgid_r for
 * the names. Thread-safe (only the _r functions), bounded, no PAM.
 */
#ifndef GA_GROUPS_H
#define GA_GROUPS_H

#include <stddef.h>

#include "ga_log.h"
#include "ga_status.h"

#define GA_GROUPS_MAX 256        /* groups of one user looked at */
#define GA_NSS_BUF_MAX (1 << 20) /* bytes of one getpwnam_r/getgrgid_r buffer */

/* Group names of one user; owned by the struct. */
typedef struct ga_groups {
    char **names;
    size_t n;
} ga_groups_t;

/* Fill out (zeroed first) with the names of user's primary and
 * supplementary groups, in getgrouplist order; a group id without a name
 * is left out. A user NSS does not know has no groups (GA_OK, n = 0).
 * Returns GA_OK; GA_ERR_NOMEM; GA_ERR_INTERNAL when NSS fails (other than
 * "not found"), a record does not fit GA_NSS_BUF_MAX bytes, or the user is
 * in more than GA_GROUPS_MAX groups (a partial list could miss a negated
 * group: fail closed), with one LOG_ERR line through lg naming the cause.
 * Free with ga_groups_free, also after an error. */
ga_status_t ga_groups_of(const char *user, ga_groups_t *out, const ga_logger_t *lg);

/* Free the names and zero g. NULL is accepted. */
void ga_groups_free(ga_groups_t *g);

#endif
