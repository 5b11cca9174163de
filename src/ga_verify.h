/* ga_verify.h - verifying a user who already has a factor (issue 4).
 * Internal to the flow (ga_flow.c calls it).
 *
 * OTP: POST /api/v3/mfa-totp-verify with the access token (or, when only an
 * mfaToken is known, POST /api/v2/mfa/totp/verify). SMS/EMAIL: the mfaToken
 * flow of genauth-api.md section 5 (trigger data from the signin answer or
 * from the Management API; send-sms/send-email CHANNEL_VERIFY_MFA; V2
 * verify). Recovery code: POST /api/v2/mfa/totp/recovery.
 */
#ifndef GA_VERIFY_H
#define GA_VERIFY_H

#include "ga_flow.h"
#include "ga_response.h"

/* Verify env->user. Exactly one of enrolled (the list-enrolled-factors
 * answer; st->access_token is set) and from_signin (trigger data of a
 * signin answer with apiCode 1635/1636; no access token; borrowed, copied
 * as needed) is non-NULL.
 * Factors: OTP with the access token (or the mfaToken); SMS/EMAIL need
 * trigger data (the signin's, or the Management API's, which needs
 * userpool_id/userpool_secret); FACE and unknown types never. Several: a
 * numbered menu, OTP first; one: straight to it. Codes are asked ECHO_ON;
 * the OTP prompt accepts `recovery` when an mfaToken can be had.
 * Returns GA_OK (a factor verified), GA_ERR_MAXTRIES (max_attempts wrong
 * codes, too many invalid answers, or the send limits), GA_ERR_NO_METHOD
 * (nothing verifiable here), GA_ERR_CANCELLED (empty answer), GA_ERR_CONV,
 * GA_ERR_EXPIRED (the code or mfaToken expired, also after one renewal),
 * GA_ERR_UNAVAIL, GA_ERR_THROTTLED, GA_ERR_REJECTED, GA_ERR_NOMEM,
 * GA_ERR_CONFIG / GA_ERR_INTERNAL (state_dir unusable for the send log).
 * Every outcome is logged once; codes, tokens and unmasked contact data
 * never. Every secret and contact datum is wiped before returning. */
ga_status_t ga_verify_run(const ga_flow_env_t *env, ga_stash_t *st,
                          const ga_factor_list_t *enrolled,
                          const ga_mfa_trigger_t *from_signin);

#endif
