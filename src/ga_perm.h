/* ga_perm.h - the ownership/permission rule shared by the config file and
 * state_dir.
 *
 * An object is trusted when it is of the expected type (regular file or
 * directory, never a symlink: callers lstat/fstat with O_NOFOLLOW), owned by
 * root, or - only when the process is not running as root (euid != 0) - by
 * the process's own effective user, and not accessible by group or others:
 * for a file no group/other read or write bit (mode & 066 == 0), for a
 * directory no group/other bit at all (mode & 077 == 0).
 */
#ifndef GA_PERM_H
#define GA_PERM_H

#include <sys/stat.h>
#include <sys/types.h>

/* Check st (from fstat/lstat) against the rule above. want_dir selects the
 * directory rule. euid is the caller's effective uid (geteuid()).
 * Returns NULL when trusted, else a constant English phrase for the admin log
 * ("is a symlink", "is not a regular file", "is owned by uid 1000, not root",
 * "is readable or writable by group or others", ...). */
const char *ga_perm_check(const struct stat *st, uid_t euid, int want_dir);

#endif
