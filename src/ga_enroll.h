/* ga_enroll.h - the enrollment part of the login flow, and the helpers the
 * flow's two files share. Internal to ga_flow.c / ga_enroll.c. */
#ifndef GA_ENROLL_H
#define GA_ENROLL_H

#include "ga_flow.h"

/* Steps 3-4 of ga_flow.h for a signed-in user without a factor (or with a
 * pending code in the stash): choose a factor, ask for the phone/email, send
 * the code, ask for it and bind it. Honours env->step (request: stop after
 * the send with GA_IGNORE; bind: start at the code prompt). */
ga_status_t ga_enroll_run(const ga_flow_env_t *env, ga_stash_t *st);

/* Enroll an authenticator app (OTP) for a signed-in user: POST
 * /api/v3/send-enroll-factor-request {factorType OTP}, show the QR code
 * (cfg->qr), the secret in groups, issuer, account and recovery code, ask
 * for the current code and POST /api/v3/enroll-factor. In ga_enroll_otp.c. */
ga_status_t ga_enroll_otp(const ga_flow_env_t *env, ga_stash_t *st);

/* The flow's clock, in seconds since the epoch. */
long long ga_flow_now(const ga_flow_env_t *env);

/* PAM_RHOST for log lines, "-" when unknown. */
const char *ga_flow_rhost(const ga_flow_env_t *env);

/* Ask through env->ui. GA_OK with *answer (caller wipes and frees),
 * GA_ERR_CONV when the conversation failed or answered NULL, GA_ERR_NOMEM. */
ga_status_t ga_flow_ask(const ga_flow_env_t *env, int echo_on, const char *text,
                        char **answer);

/* The one admin line for a GA_ERR_UNAVAIL at API call `call`. */
void ga_flow_log_unavail(const ga_flow_env_t *env, const char *call,
                         const ga_api_error_t *err);

#endif
