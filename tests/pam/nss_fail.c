/* nss_fail.c - TEST ONLY: an LD_PRELOAD shim that makes every user-database
 * look-up fail with EIO, as an unreachable LDAP server would. Used by
 * tests/pam/test_policy.py to show that a failed group look-up is refused
 * (PAM_SERVICE_ERR) while break-glass users still get through. */
#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <stddef.h>

/* default visibility: the build hides symbols (-fvisibility=hidden) */
__attribute__((visibility("default"))) int getpwnam_r(const char *name, struct passwd *pwd,
                                                      char *buf, size_t buflen,
                                                      struct passwd **result);

int getpwnam_r(const char *name, struct passwd *pwd, char *buf, size_t buflen,
               struct passwd **result)
{
    (void)name;
    (void)pwd;
    (void)buf;
    (void)buflen;
    *result = NULL;
    return EIO;
}
