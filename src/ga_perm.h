/* ga_perm.h - the ownership/permission rule shared by the config file and
 * state_dir.
 *
 * An object is trusted when it is of the expected type (regular file or
 * directory, never a symlink: callers lstat/fstat with O_NOFOLLOW), owned by
 * root, or - only when the process is not running as root (euid != 0) - by
 * the process's own effective user, and not accessible by group or others:
 * no group/other permission bit at all (mode & 077 == 0); a file must also
 * have exactly one hard link (a link to it from elsewhere could let its
 * content change through another name).
 */
#ifndef GA_PERM_H
#define GA_PERM_H

#include <sys/stat.h>
#include <sys/types.h>

/* Check st (from fstat/lstat) against the rule above. want_dir selects the
 * directory rule. euid is the caller's effective uid (geteuid()).
 * Returns NULL when trusted, else a constant English phrase for the admin log
 * ("is a symlink", "is not a regular file", "is not owned by root",
 * "is accessible by group or others", "has more than one hard
 * link", ...). */
const char *ga_perm_check(const struct stat *st, uid_t euid, int want_dir);

#endif
