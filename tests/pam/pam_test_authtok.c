/* pam_test_authtok.c - TEST ONLY: plays "an earlier module in the stack"
 * that set PAM_AUTHTOK (applications cannot set it themselves).
 * usage in a service file: auth optional pam_test_authtok.so PASSWORD */
#include "config.h"

#define PAM_SM_AUTH
#include <security/pam_modules.h>

__attribute__((visibility("default"))) int pam_sm_authenticate(pam_handle_t *pamh, int flags,
                                                               int argc, const char **argv)
{
    (void)flags;
    if (argc != 1)
        return PAM_SERVICE_ERR;
    return pam_set_item(pamh, PAM_AUTHTOK, argv[0]) == PAM_SUCCESS ? PAM_SUCCESS
                                                                  : PAM_SERVICE_ERR;
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
