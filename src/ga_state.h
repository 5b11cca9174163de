/* ga_state.h - the pending enrollment kept in state_dir across connections.
 *
 * While a code is outstanding, <state_dir>/<user-file>.pending holds the
 * enrollmentToken, factor type, masked target, send time and wrong-code count
 * (JSON, json-c), so a user who reconnects within the token's lifetime is
 * asked for the code already sent. The file name is the user name when it is
 * made only of [A-Za-z0-9._-] and starts neither with '.' nor with "x-",
 * otherwise "x-" followed by the lower-case hex of the name, so that two
 * users never share a file (at most 255 bytes of name are accepted).
 *
 * state_dir must pass ga_perm_check as a directory; it is created 0700 when
 * missing (its parent must exist). Files are 0600, opened with O_NOFOLLOW
 * relative to the opened directory (openat), written to a temporary file,
 * fsync'ed and renamed into place. Expired, corrupt, oversized, foreign-owned
 * or wrongly-moded files are never trusted: they are removed and logged
 * (expired ones at LOG_INFO, the others at LOG_WARNING).
 */
#ifndef GA_STATE_H
#define GA_STATE_H

#include <stddef.h>
#include <sys/types.h>

#include "ga_factor.h"
#include "ga_log.h"
#include "ga_status.h"

#define GA_TOKEN_LIFETIME 60 /* seconds an enrollmentToken is valid (genauth-api.md 4) */

typedef struct ga_pending {
    ga_factor_t type;
    char *enrollment_token;             /* secret: ga_pending_clear wipes it */
    char masked_target[GA_MASKED_MAX];  /* "+86 188****5678" / "a***@x.com" */
    long long sent_at;                  /* seconds since the epoch */
    int attempts;                       /* wrong codes so far */
} ga_pending_t;

/* Make sure dir exists (mkdir 0700 if missing) and is trusted. On failure
 * returns GA_ERR_CONFIG with one admin sentence in err naming dir and why,
 * or GA_ERR_NOMEM. */
ga_status_t ga_state_dir_prepare(const char *dir, uid_t euid, char *err,
                                 size_t errlen);

/* Load the pending enrollment of user. GA_OK: *out filled (caller clears).
 * GA_ERR_NOT_FOUND: none, or one that was expired (now - sent_at >=
 * lifetime_s), removed and logged at LOG_INFO, or one that was dated in the
 * future by more than 5 s, corrupt or untrusted, removed and logged at
 * LOG_WARNING. GA_ERR_CONFIG: the directory is unusable (logged).
 * GA_ERR_NOMEM. */
ga_status_t ga_state_load(const char *dir, const char *user, uid_t euid,
                          long long now, long lifetime_s, ga_pending_t *out,
                          const ga_logger_t *lg);

/* Atomically write (create or replace) user's pending enrollment.
 * GA_OK, GA_ERR_CONFIG (directory unusable, I/O error; logged), GA_ERR_NOMEM. */
ga_status_t ga_state_save(const char *dir, const char *user, uid_t euid,
                          const ga_pending_t *p, const ga_logger_t *lg);

/* Remove user's pending enrollment if any. GA_OK also when there was none. */
ga_status_t ga_state_remove(const char *dir, const char *user,
                            const ga_logger_t *lg);

/* The file name used for user (without directory) into out; -1 if user is
 * empty, too long or out too small. Exposed for tests. */
int ga_state_file_name(const char *user, char *out, size_t outlen);

/* Wipe the token and reset the struct. NULL is accepted. */
void ga_pending_clear(ga_pending_t *p);

#endif
