/* ga_sendlog.h - the per-user limit on codes sent, across logins and
 * processes (max_sends_per_hour).
 *
 * <state_dir>/<user-file>.sends holds the send times of the last hour
 * (a JSON array of seconds since the epoch, json-c). Every reservation
 * opens it with O_NOFOLLOW relative to the checked state_dir, takes an
 * exclusive flock (waiting at most GA_SENDLOG_LOCK_WAIT seconds), prunes
 * times older than the window, and either records the new send or refuses.
 * A reservation is made before the code is sent and is not given back if
 * the send fails: the limit errs on the side of fewer messages.
 */
#ifndef GA_SENDLOG_H
#define GA_SENDLOG_H

#include <sys/types.h>

#include "ga_log.h"
#include "ga_status.h"

#define GA_SENDLOG_WINDOW 3600   /* seconds */
#define GA_SENDLOG_LOCK_WAIT 5   /* seconds */

/* Reserve one code for user at time now (seconds since the epoch) if fewer
 * than limit were sent in the last GA_SENDLOG_WINDOW seconds.
 * GA_OK: recorded. GA_ERR_THROTTLED: the limit is reached; *retry_at (may be
 * NULL) is when the oldest send leaves the window. GA_ERR_CONFIG: state_dir
 * unusable or the file cannot be written (logged). GA_ERR_INTERNAL: the lock
 * was not obtained in time (logged). GA_ERR_NOMEM. An untrusted file (symlink,
 * wrong owner or mode, hard link, too large) is removed and logged and a new
 * one started; a corrupt one is logged and started afresh. */
ga_status_t ga_sendlog_reserve(const char *dir, const char *user, uid_t euid, long long now,
                               long limit, long long *retry_at, const ga_logger_t *lg);

#endif
