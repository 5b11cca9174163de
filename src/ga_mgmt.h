/* ga_mgmt.h - the Management API token cache (genauth-api.md section 6).
 * Internal to ga_api_mfa.c. */
#ifndef GA_MGMT_H
#define GA_MGMT_H

#include "ga_status.h"

/* TODO(helper C): the per-process management token cache. */

#endif
