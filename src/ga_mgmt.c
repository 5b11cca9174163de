/* ga_mgmt.c - the per-process Management API token cache (see ga_mgmt.h).
 *
 * The one piece of mutable process-wide state besides libcurl's
 * initialisation, on purpose: a management token is valid for two hours
 * and worth reusing across the logins a long-lived host (sshd's monitor is
 * not one, but a PAM-enabled daemon is) runs, so every login does not cost
 * an extra round trip. Guarded by `lock`; nothing else touches `entry`.
 */
#include "config.h"

#include "ga_mgmt.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ga_secret.h"

typedef struct cache_entry {
    char *host;
    char *pool_id;
    char *secret;   /* kept to compare the key; wiped on replace */
    char *token;
    long long valid_until; /* monotonic seconds: not handed out from then on */
} cache_entry_t;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static cache_entry_t entry; /* guarded by lock */

static long long now_s(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return -1;
    return (long long)ts.tv_sec;
}

/* Equal strings, compared in full (no early exit on the secret's bytes). */
static int same(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    unsigned char diff = 0;

    if (na != nb)
        return 0;
    for (size_t i = 0; i < na; i++)
        diff |= (unsigned char)(a[i] ^ b[i]);
    return diff == 0;
}

static int key_matches(const char *host, const char *pool_id, const char *secret)
{
    return entry.token && same(entry.host, host) && same(entry.pool_id, pool_id)
           && same(entry.secret, secret);
}

/* Wipe and free the entry. Called with lock held. */
static void clear_entry(void)
{
    free(entry.host);
    free(entry.pool_id);
    ga_free_secret(entry.secret);
    ga_free_secret(entry.token);
    memset(&entry, 0, sizeof entry);
}

ga_status_t ga_mgmt_cache_get(const char *host, const char *pool_id, const char *secret,
                              char **token)
{
    ga_status_t st = GA_ERR_NOT_FOUND;
    long long now = now_s();

    if (!token)
        return GA_ERR_INTERNAL;
    *token = NULL;
    if (!host || !pool_id || !secret)
        return GA_ERR_INTERNAL;
    if (pthread_mutex_lock(&lock) != 0)
        return GA_ERR_INTERNAL;
    if (now >= 0 && key_matches(host, pool_id, secret) && now < entry.valid_until) {
        st = (*token = strdup(entry.token)) ? GA_OK : GA_ERR_NOMEM;
    }
    (void)pthread_mutex_unlock(&lock);
    return st;
}

ga_status_t ga_mgmt_cache_put(const char *host, const char *pool_id, const char *secret,
                              const char *token, long expires_in)
{
    ga_status_t st = GA_ERR_NOMEM;
    long long now = now_s();

    if (!host || !pool_id || !secret || !token)
        return GA_ERR_INTERNAL;
    if (pthread_mutex_lock(&lock) != 0)
        return GA_ERR_INTERNAL;
    clear_entry();
    if (now < 0) {
        st = GA_OK; /* no clock: cache nothing */
        goto out;
    }
    if (!(entry.host = strdup(host)) || !(entry.pool_id = strdup(pool_id))
        || !(entry.secret = strdup(secret)) || !(entry.token = strdup(token))) {
        clear_entry();
        goto out;
    }
    entry.valid_until = now + (long long)expires_in - GA_MGMT_MARGIN_S;
    st = GA_OK;
out:
    (void)pthread_mutex_unlock(&lock);
    return st;
}

void ga_mgmt_cache_drop(const char *host, const char *pool_id, const char *secret,
                        const char *token)
{
    if (!host || !pool_id || !secret || pthread_mutex_lock(&lock) != 0)
        return;
    if (key_matches(host, pool_id, secret) && (!token || same(entry.token, token)))
        clear_entry();
    (void)pthread_mutex_unlock(&lock);
}

void ga_mgmt_cache_reset(void)
{
    if (pthread_mutex_lock(&lock) != 0)
        return;
    clear_entry();
    (void)pthread_mutex_unlock(&lock);
}
