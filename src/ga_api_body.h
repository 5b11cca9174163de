/* ga_api_body.h - request bodies and argument checks of the GenAuth V3 calls
 * (genauth-api.md sections 3-4). Internal to ga_api.c / ga_api_body.c; the
 * public ga_api_*_body wrappers for the tests are in ga_api.h. */
#ifndef GA_API_BODY_H
#define GA_API_BODY_H

#include <stddef.h>

#include "ga_config.h"
#include "ga_factor.h"
#include "ga_response.h"
#include "ga_status.h"

#define GA_ARG_MAX 1024 /* identifiers, passwords, the app secret: bytes */
#define GA_CODE_MAX 64  /* passCode: bytes */

/* Non-zero if s is non-empty, at most max bytes and free of ASCII control
 * characters (non-ASCII allowed: identifiers and passwords may be UTF-8). */
int ga_api_text_ok(const char *s, size_t max);

/* Non-zero if s is non-empty, at most max bytes of printable ASCII. */
int ga_api_ascii_ok(const char *s, size_t max);

/* Non-zero if s looks like a token: 1..GA_TOKEN_MAX printable ASCII bytes
 * without spaces. */
int ga_api_token_ok(const char *s);

/* The POST /api/v3/signin body for identifier/password (PASSWORD connection,
 * identifier under cfg's login_field, client_id/client_secret only with
 * client_secret_post, options.clientIp when client_ip is set).
 * GA_OK with *out (new string holding the password: caller wipes and frees),
 * GA_ERR_INTERNAL for an argument that fails the checks above, GA_ERR_NOMEM. */
ga_status_t ga_api_build_signin(const ga_config_t *cfg, const char *identifier,
                                const char *password, const char *client_ip, char **out);

/* The POST /api/v3/send-enroll-factor-request body {factorType, profile} for
 * an SMS or EMAIL profile. Results as ga_api_build_signin. */
ga_status_t ga_api_build_send_enroll(const ga_profile_t *p, char **out);

/* The POST /api/v3/enroll-factor body {factorType, enrollmentToken,
 * enrollmentData: {passCode}}. Results as ga_api_build_signin. */
ga_status_t ga_api_build_enroll(ga_factor_t type, const char *enrollment_token,
                                const char *pass_code, char **out);

/* Issue 4. Each: GA_OK with *out (new string; caller wipes and frees: most
 * hold a secret or contact data), GA_ERR_INTERNAL for an argument that
 * fails its check (nothing is sent), GA_ERR_NOMEM. */

/* POST /api/v3/send-enroll-factor-request for OTP:
 * {"factorType": "OTP", "profile": {}}. */
ga_status_t ga_api_build_send_enroll_otp(char **out);

/* {"totp": code} for POST /api/v3/mfa-totp-verify and POST
 * /api/v2/mfa/totp/verify; code: 4..8 ASCII digits. */
ga_status_t ga_api_build_totp(const char *code, char **out);

/* POST /api/v3/get-management-token {"accessKeyId": pool_id,
 * "accessKeySecret": secret}. */
ga_status_t ga_api_build_mgmt_token(const char *pool_id, const char *secret, char **out);

/* POST /api/v3/send-sms {"phoneNumber", "phoneCountryCode" (only when
 * t->phone_cc is set), "channel": "CHANNEL_VERIFY_MFA"} for GA_FACTOR_SMS;
 * POST /api/v3/send-email {"email", "channel": "CHANNEL_VERIFY_MFA"} for
 * GA_FACTOR_EMAIL. t's phone must be digits, its cc "" or "+digits", its
 * email printable ASCII with an '@'. */
ga_status_t ga_api_build_send_code(ga_factor_t type, const ga_mfa_trigger_t *t, char **out);

/* POST /api/v2/applications/mfa/sms/verify {"phone", "code",
 * "phoneCountryCode"?} or .../email/verify {"email", "code"}; target
 * checks as ga_api_build_send_code, code as ga_api_build_totp. */
ga_status_t ga_api_build_verify_code(ga_factor_t type, const ga_mfa_trigger_t *t,
                                     const char *code, char **out);

/* POST /api/v2/mfa/totp/recovery {"recoveryCode"}: printable ASCII without
 * spaces, GA_RECOVERY_MIN..GA_RECOVERY_MAX bytes. */
ga_status_t ga_api_build_recovery(const char *recovery_code, char **out);

#endif
