/* dlsym_check.c - the built module exports exactly its PAM entry points.
 * usage: dlsym_check /path/to/pam_genauth.so */
#include <dlfcn.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    static const char *const wanted[] = {"pam_sm_authenticate", "pam_sm_setcred"};
    static const char *const hidden[] = {
        "ga_flow_run", "ga_config_load", "ga_wipe", "ga_http_request", "ga_api_signin_body",
        "ga_state_load", "ga_parse_phone", "ga_log", "pam_sm_acct_mgmt",
        "pam_sm_open_session", "pam_sm_chauthtok"};
    int failed = 0, passed = 0;
    void *h;

    if (argc != 2)
        return 2;
    h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        printf("FAIL dlopen: %s\n", dlerror());
        return 1;
    }
    for (size_t i = 0; i < sizeof wanted / sizeof *wanted; i++) {
        int ok = dlsym(h, wanted[i]) != NULL;
        printf("%s exported: %s\n", ok ? "ok  " : "FAIL", wanted[i]);
        ok ? passed++ : failed++;
    }
    for (size_t i = 0; i < sizeof hidden / sizeof *hidden; i++) {
        int ok = dlsym(h, hidden[i]) == NULL;
        printf("%s not exported: %s\n", ok ? "ok  " : "FAIL", hidden[i]);
        ok ? passed++ : failed++;
    }
    dlclose(h);
    printf("dlsym: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
