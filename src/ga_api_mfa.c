/* ga_api_mfa.c - the issue-4 calls of ga_api_ops_t: OTP enrollment, TOTP
 * verification, Management API trigger data, MFA code send and V2 verify. */
#include "config.h"

#include "ga_api.h"
