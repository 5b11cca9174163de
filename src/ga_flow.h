/* ga_flow.h - the login flow of pam_sm_authenticate, without PAM.
 *
 *  1. password: initial_password (PAM_AUTHTOK) or a prompt; sign in
 *     (POST /api/v3/signin); with try_first_pass a rejected PAM_AUTHTOK
 *     gets one prompt.
 *  2. GET /api/v3/list-enrolled-factors: a factor of any type (or a signin
 *     answer with apiCode 1635/1636) -> on_enrolled = verify: verify it
 *     (ga_verify.h); ignore: GA_ENROLLED.
 *  3. not enrolled: resume a pending enrollment (stash, then state_dir), or
 *     GET /api/v3/list-factors-to-enroll, menu, phone/email prompt,
 *     POST /api/v3/send-enroll-factor-request.
 *  4. code prompt, POST /api/v3/enroll-factor; wrong code -> re-prompt up to
 *     max_attempts; expired -> offer a new code (up to max_sends).
 */
#ifndef GA_FLOW_H
#define GA_FLOW_H

#include <sys/types.h>

#include "ga_api.h"
#include "ga_args.h"
#include "ga_config.h"
#include "ga_log.h"
#include "ga_stash.h"
#include "ga_status.h"
#include "ga_ui.h"

typedef struct ga_flow_env {
    const ga_config_t *cfg;
    const ga_logger_t *lg;
    const ga_ui_t *ui;
    const ga_api_ops_t *api;
    const char *user;             /* PAM user, already validated */
    const char *rhost;            /* for log lines; may be NULL */
    const char *initial_password; /* PAM_AUTHTOK, or NULL */
    int use_first_pass;           /* never prompt for the password */
    ga_step_t step;
    uid_t euid;                   /* for state_dir ownership */
    long long (*now)(void);       /* clock in seconds; NULL = time(NULL) */
} ga_flow_env_t;

/* Run the flow for env->step, reading and updating stash (which belongs to
 * env->user). Returns:
 *   GA_OK        factor bound (step both/bind), or an enrolled user's factor
 *                verified (any step; the other steps replay it)
 *   GA_IGNORE    step=request: the code was sent and stashed
 *   GA_ENROLLED  the user already has a factor and on_enrolled = ignore
 *   GA_ERR_*     see ga_status.h; GA_ERR_UNAVAIL goes to the fail mode;
 *                GA_ERR_CANCELLED (an empty answer or password, or "n" to
 *                a new code) is also told to the user ("Cancelled.").
 * Every outcome is logged once (user, rhost, factor, masked target; never a
 * secret). */
ga_status_t ga_flow_run(const ga_flow_env_t *env, ga_stash_t *stash);

#endif
