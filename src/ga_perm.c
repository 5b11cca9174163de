/* ga_perm.c - the ownership/permission rule for the config file and
 * state_dir (see ga_perm.h). Pure: looks only at the struct stat. */
#include "config.h"

#include "ga_perm.h"

#include <stddef.h>

const char *ga_perm_check(const struct stat *st, uid_t euid, int want_dir)
{
    if (!st)
        return "could not be examined";
    if (S_ISLNK(st->st_mode))
        return "is a symlink";
    if (want_dir && !S_ISDIR(st->st_mode))
        return "is not a directory";
    if (!want_dir && !S_ISREG(st->st_mode))
        return "is not a regular file";
    /* root always; the process's own user only when it is not root (a
     * non-root sshd, the unit tests). */
    if (st->st_uid != 0 && (euid == 0 || st->st_uid != euid))
        return euid == 0 ? "is not owned by root"
                         : "is owned neither by root nor by the current user";
    if (want_dir && (st->st_mode & 077) != 0)
        return "is accessible by group or others";
    if (!want_dir && (st->st_mode & 077) != 0)
        return "is accessible by group or others";
    if (!want_dir && st->st_nlink > 1)
        return "has more than one hard link";
    return NULL;
}
