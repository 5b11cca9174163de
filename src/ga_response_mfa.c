/* ga_response_mfa.c - parsers of the MFA verification, OTP enrollment and
 * Management API answers (genauth-api.md sections 4-6). */
#include "config.h"

#include "ga_response.h"

#include <stdlib.h>
#include <string.h>

#include "ga_secret.h"

void ga_mfa_trigger_clear(ga_mfa_trigger_t *t)
{
    if (!t)
        return;
    ga_free_secret(t->mfa_token);
    ga_wipe(t, sizeof *t);
}

void ga_otp_data_clear(ga_otp_data_t *d)
{
    if (!d)
        return;
    ga_free_secret(d->qr_uri);
    ga_free_secret(d->recovery_code);
    d->qr_uri = d->recovery_code = NULL;
}

/* TODO(helper C): everything below is a stub */
#define STUB(err)                                                                      \
    do {                                                                               \
        (void)body;                                                                    \
        (void)len;                                                                     \
        (void)http_status;                                                             \
        memset((err), 0, sizeof *(err));                                               \
        return GA_ERR_INTERNAL;                                                        \
    } while (0)

ga_status_t ga_parse_send_enroll_otp(const char *body, size_t len, long http_status,
                                     long retry_after_s, char **enrollment_token,
                                     ga_otp_data_t *otp, ga_api_error_t *err)
{
    (void)retry_after_s;
    *enrollment_token = NULL;
    memset(otp, 0, sizeof *otp);
    STUB(err);
}

ga_status_t ga_parse_totp_verify(const char *body, size_t len, long http_status,
                                 long retry_after_s, ga_api_error_t *err)
{
    (void)retry_after_s;
    STUB(err);
}

ga_status_t ga_parse_mgmt_token(const char *body, size_t len, long http_status,
                                char **token, long *expires_in, ga_api_error_t *err)
{
    *token = NULL;
    *expires_in = 0;
    STUB(err);
}

ga_status_t ga_parse_mfa_trigger(const char *body, size_t len, long http_status,
                                 ga_mfa_trigger_t *out, ga_api_error_t *err)
{
    memset(out, 0, sizeof *out);
    STUB(err);
}

ga_status_t ga_parse_send_code(const char *body, size_t len, long http_status,
                               long retry_after_s, ga_api_error_t *err)
{
    (void)retry_after_s;
    STUB(err);
}

ga_status_t ga_parse_v2_verify(const char *body, size_t len, long http_status,
                               long retry_after_s, char **new_recovery_code,
                               ga_api_error_t *err)
{
    (void)retry_after_s;
    if (new_recovery_code)
        *new_recovery_code = NULL;
    STUB(err);
}
