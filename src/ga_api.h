/* ga_api.h - the GenAuth V3 authentication API client (genauth-api.md).
 *
 * Builds each request with json-c, sends it with ga_http and classifies the
 * answer with ga_response. Every call sends x-authing-app-id (prefix from
 * header_prefix), x-authing-lang, x-authing-request-from: pam_genauth,
 * x-authing-sdk-version, x-real-ip (when an end-user IP literal is set), and
 * for user-scoped calls "authorization: Bearer <access token>".
 *
 * The flow talks to the API through ga_api_ops_t, so unit tests can swap in
 * a fake; ga_client_ops() fills it with the real client.
 * Each call fills *err (may not be NULL) and logs nothing secret.
 */
#ifndef GA_API_H
#define GA_API_H

#include "ga_config.h"
#include "ga_factor.h"
#include "ga_log.h"
#include "ga_response.h"
#include "ga_status.h"

typedef struct ga_api_ops {
    void *ctx;
    /* POST /api/v3/signin, PASSWORD connection; identifier goes under the
     * configured login_field; client auth per token_endpoint_auth_method;
     * options.clientIp = end-user IP when set. See ga_parse_signin. */
    ga_status_t (*signin)(void *ctx, const char *identifier, const char *password,
                          ga_signin_t *out, ga_api_error_t *err);
    /* GET /api/v3/list-enrolled-factors. See ga_parse_factor_list. */
    ga_status_t (*list_enrolled)(void *ctx, const char *access_token,
                                 ga_factor_list_t *out, ga_api_error_t *err);
    /* GET /api/v3/list-factors-to-enroll. See ga_parse_factor_list. */
    ga_status_t (*list_to_enroll)(void *ctx, const char *access_token,
                                  ga_factor_list_t *out, ga_api_error_t *err);
    /* POST /api/v3/send-enroll-factor-request {factorType, profile}.
     * *enrollment_token: new string, caller wipes and frees.
     * See ga_parse_send_enroll. */
    ga_status_t (*send_enroll)(void *ctx, const char *access_token,
                               const ga_profile_t *profile,
                               char **enrollment_token, ga_api_error_t *err);
    /* POST /api/v3/enroll-factor {factorType, enrollmentToken,
     * enrollmentData: {passCode}}. See ga_parse_enroll_factor. */
    ga_status_t (*enroll)(void *ctx, const char *access_token, ga_factor_t type,
                          const char *enrollment_token, const char *pass_code,
                          ga_api_error_t *err);
    /* POST /api/v3/send-enroll-factor-request {"factorType": "OTP",
     * "profile": {}}: *enrollment_token and *otp (secrets; caller wipes and
     * frees / ga_otp_data_clear). See ga_parse_send_enroll_otp. */
    ga_status_t (*send_enroll_otp)(void *ctx, const char *access_token,
                                   char **enrollment_token, ga_otp_data_t *otp,
                                   ga_api_error_t *err);
    /* POST /api/v3/mfa-totp-verify {"totp": code} with the user's access
     * token. See ga_parse_totp_verify. */
    ga_status_t (*totp_verify)(void *ctx, const char *access_token, const char *code,
                               ga_api_error_t *err);
    /* Management API (cfg->mgmt_host, userpool_id/userpool_secret):
     * management token from POST /api/v3/get-management-token, cached per
     * process until 60 s before it expires (keyed on host + pool id +
     * secret; mutex-protected), then GET /api/v3/get-mfa-trigger-data?
     * appId=<app_id>&userId=<user_id>&userIdType=<type> (values
     * URL-encoded by libcurl) with "authorization: Bearer <management
     * token>"; both calls carry <prefix>userpool-id and never the app
     * secret. A 401 drops the cached token and retries once with a new one.
     * user_id_type: username, user_id, email, phone or external_id.
     * GA_ERR_CONFIG when no credentials are configured (never sends). See
     * ga_parse_mgmt_token and ga_parse_mfa_trigger. *out: release with
     * ga_mfa_trigger_clear. */
    ga_status_t (*mfa_trigger)(void *ctx, const char *user_id, const char *user_id_type,
                               ga_mfa_trigger_t *out, ga_api_error_t *err);
    /* Send an MFA code to the target in t (type SMS or EMAIL), on the app
     * host, without authorization:
     * SMS: POST /api/v3/send-sms {phoneNumber, phoneCountryCode?,
     * "channel": "CHANNEL_VERIFY_MFA"}; EMAIL: POST /api/v3/send-email
     * {email, "channel": "CHANNEL_VERIFY_MFA"}. On a fresh connection
     * (never re-sent by libcurl), never retried. See ga_parse_send_code. */
    ga_status_t (*send_mfa_code)(void *ctx, ga_factor_t type, const ga_mfa_trigger_t *t,
                                 ga_api_error_t *err);
    /* Verify a code with "authorization: Bearer <mfa_token>" (V2):
     * SMS: POST /api/v2/applications/mfa/sms/verify {phone, code,
     * phoneCountryCode?}; EMAIL: .../mfa/email/verify {email, code};
     * OTP: POST /api/v2/mfa/totp/verify {totp} (t may be NULL). code: 4..8
     * digits. On a fresh connection, never retried. See
     * ga_parse_v2_verify. */
    ga_status_t (*verify_mfa_code)(void *ctx, const char *mfa_token, ga_factor_t type,
                                   const ga_mfa_trigger_t *t, const char *code,
                                   ga_api_error_t *err);
    /* POST /api/v2/mfa/totp/recovery {recoveryCode} with Bearer mfa_token
     * (recovery_code: printable ASCII without spaces, 8..64 bytes; fresh
     * connection, never retried). GA_OK with *new_recovery_code (secret,
     * may be NULL when the answer has none). See ga_parse_v2_verify. */
    ga_status_t (*totp_recovery)(void *ctx, const char *mfa_token,
                                 const char *recovery_code, char **new_recovery_code,
                                 ga_api_error_t *err);
} ga_api_ops_t;

typedef struct ga_client ga_client_t;

/* Create a client for cfg (borrowed: must outlive the client) with its own
 * ga_http handle (ga_http_global_init must have succeeded). lg may be NULL.
 * Returns GA_OK, GA_ERR_NOMEM, GA_ERR_CONFIG or GA_ERR_INTERNAL. */
ga_status_t ga_client_new(const ga_config_t *cfg, const ga_logger_t *lg,
                          ga_client_t **out);

/* Set the end user's IP (sent as options.clientIp and x-real-ip). Ignored
 * unless ip is an IP literal (ga_is_ip_literal). Copied. GA_OK/GA_ERR_NOMEM. */
ga_status_t ga_client_set_end_user_ip(ga_client_t *c, const char *ip);

/* Fill ops with the real implementation bound to c. */
void ga_client_ops(ga_client_t *c, ga_api_ops_t *ops);

/* Free the client and its HTTP handle. NULL is accepted. */
void ga_client_free(ga_client_t *c);

/* Request bodies, exposed for the unit tests. Each returns a new JSON
 * string (caller wipes and frees; it holds secrets) or NULL on failure. */
char *ga_api_signin_body(const ga_config_t *cfg, const char *identifier,
                         const char *password, const char *client_ip);
char *ga_api_send_enroll_body(const ga_profile_t *profile);
char *ga_api_enroll_body(ga_factor_t type, const char *enrollment_token,
                         const char *pass_code);

#endif
