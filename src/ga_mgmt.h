/* ga_mgmt.h - the per-process Management API token cache
 * (genauth-api.md section 6: POST /api/v3/get-management-token answers a
 * token valid for expires_in seconds, 7200 by default). Internal to
 * ga_api_mfa.c.
 *
 * One entry, keyed on mgmt_host + userpool_id + userpool_secret (a config
 * change, or another pool in the same process, misses and replaces it). A
 * token is handed out until GA_MGMT_MARGIN_S seconds before it expires, on
 * the monotonic clock. Thread-safe (one mutex); the entry's copies of the
 * token and the secret are wiped when replaced or dropped.
 */
#ifndef GA_MGMT_H
#define GA_MGMT_H

#include "ga_status.h"

#define GA_MGMT_MARGIN_S 60 /* seconds before expiry a token stops being used */

/* The cached token for this key: GA_OK with *token (a new string, secret:
 * caller wipes and frees), GA_ERR_NOT_FOUND (none, another key, or too close
 * to expiry; *token NULL), GA_ERR_NOMEM, GA_ERR_INTERNAL (NULL argument). */
ga_status_t ga_mgmt_cache_get(const char *host, const char *pool_id, const char *secret,
                              char **token);

/* Cache token (copied) for this key, valid for expires_in seconds from now;
 * replaces (and wipes) whatever was cached. GA_OK, GA_ERR_NOMEM (cache left
 * empty), GA_ERR_INTERNAL (NULL argument). */
ga_status_t ga_mgmt_cache_put(const char *host, const char *pool_id, const char *secret,
                              const char *token, long expires_in);

/* Forget the cached token for this key if it is still token (the one a
 * caller was refused with: a newer token another thread fetched stays).
 * token NULL forgets whatever is cached for the key. */
void ga_mgmt_cache_drop(const char *host, const char *pool_id, const char *secret,
                        const char *token);

/* Empty the cache (tests). */
void ga_mgmt_cache_reset(void);

#endif
