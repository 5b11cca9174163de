/* ga_api_body.h - request bodies and argument checks of the GenAuth V3 calls
 * (genauth-api.md sections 3-4). Internal to ga_api.c / ga_api_body.c; the
 * public ga_api_*_body wrappers for the tests are in ga_api.h. */
#ifndef GA_API_BODY_H
#define GA_API_BODY_H

#include <stddef.h>

#include "ga_config.h"
#include "ga_factor.h"
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

#endif
