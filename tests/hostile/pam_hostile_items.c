/* pam_hostile_items.c - TEST ONLY: an "earlier module" that puts hostile
 * values into PAM items that a PAM service line cannot carry (libpam cuts
 * service lines at 1024 bytes and splits arguments at white space).
 *
 * usage in a service file (before pam_genauth):
 *   auth optional pam_hostile_items.so authtok_file=PATH   PAM_AUTHTOK = the file's bytes
 *   auth optional pam_hostile_items.so no_user             PAM_USER = NULL, so that
 *                                                          pam_get_user asks for it
 *   auth optional pam_hostile_items.so service_file=PATH   PAM_SERVICE = the file's bytes
 *                                                          (libpam lower-cases it)
 * The file is read up to 1 MiB; a NUL byte ends the item (PAM items are C
 * strings). Any other argument is an error. It returns PAM_IGNORE when it
 * set its items, so that it never decides a stack's result (a PAM_IGNORE
 * of pam_genauth then shows as PAM_PERM_DENIED, as when it is alone).
 */
#include "config.h"

#define PAM_SM_AUTH
#include <security/pam_modules.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ITEM_FILE_MAX (1024 * 1024)

/* The bytes of path (at most ITEM_FILE_MAX), NUL-terminated, or NULL. */
static char *read_item(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;

    if (!f)
        return NULL;
    buf = calloc(1, ITEM_FILE_MAX + 1);
    if (buf && fread(buf, 1, ITEM_FILE_MAX, f) == 0 && ferror(f)) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

__attribute__((visibility("default"))) int pam_sm_authenticate(pam_handle_t *pamh, int flags,
                                                               int argc, const char **argv)
{
    int rc = PAM_SUCCESS;

    (void)flags;
    for (int i = 0; i < argc && rc == PAM_SUCCESS; i++) {
        if (strncmp(argv[i], "authtok_file=", 13) == 0) {
            char *item = read_item(argv[i] + 13);

            rc = item ? pam_set_item(pamh, PAM_AUTHTOK, item) : PAM_SERVICE_ERR;
            if (item) {
                memset(item, 0, strlen(item));
                free(item);
            }
        } else if (strncmp(argv[i], "service_file=", 13) == 0) {
            char *item = read_item(argv[i] + 13);

            rc = item ? pam_set_item(pamh, PAM_SERVICE, item) : PAM_SERVICE_ERR;
            free(item);
        } else if (strcmp(argv[i], "no_user") == 0) {
            rc = pam_set_item(pamh, PAM_USER, NULL);
        } else {
            rc = PAM_SERVICE_ERR;
        }
    }
    return rc == PAM_SUCCESS ? PAM_IGNORE : rc;
}

__attribute__((visibility("default"))) int pam_sm_setcred(pam_handle_t *pamh, int flags,
                                                          int argc, const char **argv)
{
    (void)pamh;
    (void)flags;
    (void)argc;
    (void)argv;
    return PAM_SUCCESS;
}
