/* ga_groups.c - a user's group names from NSS (see ga_groups.h). */
#include "config.h"

#include "ga_groups.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#define NSS_BUF_START 4096

/* getpwnam_r/getgrgid_r report "not found" as 0 with a NULL result, or,
 * depending on the NSS module, as one of these (getpwnam_r(3)). */
static int not_found(int e)
{
    return e == 0 || e == ENOENT || e == ESRCH || e == EBADF || e == EPERM;
}

/* The next buffer size after ERANGE: doubled, or 0 past the cap. */
static size_t grow(size_t n)
{
    return n >= GA_NSS_BUF_MAX ? 0 : n * 2;
}

/* user's primary group id. 1 found (*gid), 0 not found, -1 error (*err). */
static int primary_gid(const char *user, gid_t *gid, int *err)
{
    struct passwd pw, *res = NULL;
    size_t len = NSS_BUF_START;
    char *buf = NULL;
    int rc = -1, e;

    for (;;) {
        char *nb = realloc(buf, len);

        if (!nb) {
            *err = ENOMEM;
            goto out;
        }
        buf = nb;
        e = getpwnam_r(user, &pw, buf, len, &res);
        if (e != ERANGE)
            break;
        if ((len = grow(len)) == 0) {
            *err = ERANGE;
            goto out;
        }
    }
    if (res) {
        *gid = pw.pw_gid;
        rc = 1;
    } else if (not_found(e)) {
        rc = 0;
    } else {
        *err = e;
    }
out:
    free(buf);
    return rc;
}

/* A new copy of the name of gid into *name (NULL if it has none).
 * 0, or -1 (*err). */
static int group_name(gid_t gid, char **name, char **buf, size_t *len, int *err)
{
    struct group gr, *res = NULL;
    int e;

    *name = NULL;
    for (;;) {
        char *nb = NULL;
        size_t n;

        e = getgrgid_r(gid, &gr, *buf, *len, &res);
        if (e != ERANGE)
            break;
        n = grow(*len);
        if (n == 0 || !(nb = realloc(*buf, n))) {
            *err = n == 0 ? ERANGE : ENOMEM;
            return -1;
        }
        *buf = nb;
        *len = n;
    }
    if (!res) {
        if (not_found(e))
            return 0;
        *err = e;
        return -1;
    }
    if (!gr.gr_name)
        return 0;
    *name = strdup(gr.gr_name);
    if (!*name) {
        *err = ENOMEM;
        return -1;
    }
    return 0;
}

ga_status_t ga_groups_of(const char *user, ga_groups_t *out, const ga_logger_t *lg)
{
    gid_t gids[GA_GROUPS_MAX], primary = 0;
    int n = GA_GROUPS_MAX, err = 0, found;
    size_t len = NSS_BUF_START;
    char *buf = NULL;
    ga_status_t rc = GA_ERR_INTERNAL;

    if (!out)
        return GA_ERR_INTERNAL;
    memset(out, 0, sizeof *out);
    if (!user)
        return GA_ERR_INTERNAL;
    found = primary_gid(user, &primary, &err);
    if (found < 0) {
        if (err == ENOMEM)
            return GA_ERR_NOMEM;
        ga_log(lg, LOG_ERR, "groups: the user database cannot be read: %s", strerror(err));
        return GA_ERR_INTERNAL;
    }
    if (found == 0)
        return GA_OK; /* unknown to NSS: no groups */
    if (getgrouplist(user, primary, gids, &n) < 0) {
        ga_log(lg, LOG_ERR, "groups: the user is in more than %d groups; the groups policy "
                            "cannot be applied", GA_GROUPS_MAX);
        return GA_ERR_INTERNAL;
    }
    out->names = calloc(n > 0 ? (size_t)n : 1, sizeof *out->names);
    buf = malloc(len);
    if (!out->names || !buf) {
        rc = GA_ERR_NOMEM;
        goto out;
    }
    for (int i = 0; i < n && i < GA_GROUPS_MAX; i++) {
        char *name = NULL;

        if (group_name(gids[i], &name, &buf, &len, &err) < 0) {
            if (err == ENOMEM) {
                rc = GA_ERR_NOMEM;
            } else {
                ga_log(lg, LOG_ERR, "groups: group %lu cannot be read: %s",
                       (unsigned long)gids[i], strerror(err));
            }
            goto out;
        }
        if (name)
            out->names[out->n++] = name;
    }
    rc = GA_OK;
out:
    free(buf);
    if (rc != GA_OK)
        ga_groups_free(out);
    return rc;
}

void ga_groups_free(ga_groups_t *g)
{
    if (!g)
        return;
    for (size_t i = 0; g->names && i < g->n; i++)
        free(g->names[i]);
    free(g->names);
    g->names = NULL;
    g->n = 0;
}
