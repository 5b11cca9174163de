/* ga_grace.h - enrollment grace: how often a user answered `later` at the
 * enrollment menu (config enroll_grace, enroll_grace_until).
 *
 * Kept per user in state_dir as "<encoded user>.grace" (same directory
 * rules, name encoding, O_NOFOLLOW, owner/mode checks and size bound as the
 * pending-enrollment files of ga_state.h), updated under flock so parallel
 * logins count each postponement once. The file holds only a counter and
 * a timestamp, no secret (format: ga_grace.c).
 */
#ifndef GA_GRACE_H
#define GA_GRACE_H

#include <sys/types.h>

#include "ga_config.h"
#include "ga_log.h"
#include "ga_status.h"

typedef struct ga_grace {
    int offered;          /* non-zero: the menu may offer `later` now */
    long used;            /* postponements so far */
    long left;            /* postponements left; -1 = unlimited (date only) */
    long long until;      /* cfg->enroll_grace_until, 0 = no date */
} ga_grace_t;

/* What the menu may offer user at time now (seconds since the epoch).
 * `later` is offered when at least one of enroll_grace / enroll_grace_until
 * is set and neither is used up (used < enroll_grace when set; now < until
 * when set). A missing file counts as 0 used; an unreadable, unsafe or
 * corrupt one counts as used up (fail closed), with one log line.
 * Returns GA_OK (out filled), GA_ERR_NOMEM. */
ga_status_t ga_grace_check(const ga_config_t *cfg, const char *user, uid_t euid,
                           long long now, ga_grace_t *out, const ga_logger_t *lg);

/* Record one postponement for user at now (increments the counter under
 * flock). The limits are checked again under the lock, so parallel logins
 * never postpone more than enroll_grace times in all. Returns GA_OK, or
 * GA_ERR_INTERNAL when the file could not be written, is untrusted or
 * corrupt, or the grace is used up meanwhile (all logged; the caller then
 * refuses the postponement: fail closed). */
ga_status_t ga_grace_use(const ga_config_t *cfg, const char *user, uid_t euid,
                         long long now, const ga_logger_t *lg);

/* Forget user's postponements (after a successful enrollment). Missing is
 * fine. GA_OK or GA_ERR_INTERNAL. */
ga_status_t ga_grace_reset(const ga_config_t *cfg, const char *user, const ga_logger_t *lg);

#endif
