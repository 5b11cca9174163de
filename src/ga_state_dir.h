/* ga_state_dir.h - state_dir helpers shared by the files kept there
 * (ga_state.c: pending enrollments; ga_sendlog.c: codes sent per user;
 * ga_grace.c: enrollment postponements).
 * Internal to the core. */
#ifndef GA_STATE_DIR_H
#define GA_STATE_DIR_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "ga_log.h"
#include "ga_status.h"

/* The file name for user with suffix (e.g. ".pending"), without directory,
 * into out: the user name when it is made of [A-Za-z0-9._-], does not start
 * with '.' or "x-", else "x-" and its hex. 0, or -1 if user is empty or too
 * long, or out (outlen bytes) too small. */
int ga_state_user_file(const char *user, const char *suffix, char *out, size_t outlen);

/* Open state_dir dir (O_DIRECTORY|O_NOFOLLOW) and check it with the
 * ga_perm_check directory rule for euid. GA_OK with *out (caller closes);
 * GA_ERR_CONFIG (missing or untrusted; one LOG_ERR line). */
ga_status_t ga_state_open_dir(const char *dir, uid_t euid, const ga_logger_t *lg, int *out);

/* Why an opened state file st is not to be trusted (not regular, wrong
 * owner or mode, hard-linked, too large), or NULL. Constant string. */
const char *ga_state_check_file(const struct stat *st, uid_t euid);

/* Replace the file name in the open state_dir dfd with text (len bytes)
 * atomically: a fresh temporary file (O_EXCL, O_NOFOLLOW, mode 0600)
 * written and fsync'ed, then renamed over name. Returns 0, or -1 with errno
 * set and *what naming the step that failed ("create", "write", "rename");
 * no temporary file is left behind. */
int ga_state_replace(int dfd, const char *name, const char *text, size_t len,
                     const char **what);

#endif
