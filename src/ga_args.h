/* ga_args.h - PAM module arguments.
 *
 *   conf=PATH        absolute path of the config file
 *                    (default /etc/security/pam_genauth.conf)
 *   debug            LOG_DEBUG lines (never secrets)
 *   try_first_pass   use PAM_AUTHTOK if set, prompt once if it is missing or
 *                    rejected (default)
 *   use_first_pass   use PAM_AUTHTOK only, never prompt for the password
 *   step=both|request|bind
 *                    both (default): one line does the whole enrollment;
 *                    request: sign in, send the code, stash the
 *                    enrollmentToken with pam_set_data and return PAM_IGNORE;
 *                    bind: take the stashed enrollmentToken, ask for the code
 *                    and bind the factor.
 * Any other argument, a repeated conf=, or an empty value is an error.
 */
#ifndef GA_ARGS_H
#define GA_ARGS_H

#include <stddef.h>

#include "ga_status.h"

#define GA_DEFAULT_CONF "/etc/security/pam_genauth.conf"

typedef enum { GA_STEP_BOTH = 0, GA_STEP_REQUEST, GA_STEP_BIND } ga_step_t;

typedef struct ga_args {
    const char *conf_path; /* points into argv, or GA_DEFAULT_CONF */
    int debug;
    int use_first_pass; /* 0 = try_first_pass */
    ga_step_t step;
} ga_args_t;

/* Parse argc/argv (as passed to pam_sm_*) into *out. On error returns
 * GA_ERR_CONFIG and writes one admin-facing sentence naming the offending
 * argument (sanitised) into err (errlen bytes, may be 0). */
ga_status_t ga_args_parse(int argc, const char **argv, ga_args_t *out,
                          char *err, size_t errlen);

/* "both", "request" or "bind". */
const char *ga_step_name(ga_step_t step);

#endif
