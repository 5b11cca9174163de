/* ga_sendlog.c - codes sent per user and hour, kept in state_dir under an
 * exclusive lock (see ga_sendlog.h). */
#include "config.h"

#include "ga_sendlog.h"

#include <errno.h>
#include <fcntl.h>
#include <json.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ga_state_dir.h"
#include "ga_text.h"

#define SENDS_SUFFIX ".sends"
#define SENDS_FILE_MAX 8192 /* bytes; 100 times fit in ~1.2 KiB */
#define SENDS_MAX 128       /* entries kept; the limit is at most 100 */

typedef struct times {
    long long t[SENDS_MAX];
    size_t n;
} times_t;

/* Open (creating) name in dfd and make sure it is a file we trust; an
 * untrusted entry is removed and logged, then created afresh once. */
static int open_trusted(int dfd, const char *name, uid_t euid, const ga_logger_t *lg)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        struct stat st;
        const char *why = NULL;
        int fd = openat(dfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY |
                        O_NONBLOCK, 0600);

        if (fd < 0 && errno == ELOOP)
            why = "is a symlink";
        else if (fd < 0)
            return -1;
        else if (fstat(fd, &st) < 0)
            why = "cannot be examined";
        else if (!(why = ga_state_check_file(&st, euid)))
            return fd;
        ga_log(lg, LOG_WARNING, "send log %s %s: removed and started afresh", name, why);
        if (fd >= 0)
            (void)close(fd);
        if (unlinkat(dfd, name, 0) < 0 && errno != ENOENT)
            return -1;
    }
    errno = EEXIST;
    return -1;
}

/* flock with a bounded wait: 0, or -1 after GA_SENDLOG_LOCK_WAIT seconds. */
static int lock_bounded(int fd)
{
    const struct timespec pause = {0, 50000000}; /* 50 ms */

    for (int i = 0; i < GA_SENDLOG_LOCK_WAIT * 20; i++) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            return 0;
        if (errno != EWOULDBLOCK && errno != EINTR)
            return -1;
        (void)nanosleep(&pause, NULL);
    }
    return -1;
}

/* Parse the file text into times within the window; anything malformed
 * yields an empty list (logged once by the caller through *corrupt). */
static void parse_times(const char *text, size_t len, long long now, times_t *out,
                        int *corrupt)
{
    json_tokener *tok = json_tokener_new_ex(2);
    json_object *root = NULL;

    out->n = 0;
    *corrupt = 0;
    if (len == 0)
        goto done;
    if (!tok || !(root = json_tokener_parse_ex(tok, text, (int)len)) ||
        json_tokener_get_error(tok) != json_tokener_success ||
        !json_object_is_type(root, json_type_array)) {
        *corrupt = 1;
        goto done;
    }
    for (size_t i = 0; i < json_object_array_length(root) && out->n < SENDS_MAX; i++) {
        json_object *v = json_object_array_get_idx(root, i);
        long long t;
        if (!json_object_is_type(v, json_type_int)) {
            *corrupt = 1;
            continue;
        }
        t = (long long)json_object_get_int64(v);
        /* a time ahead of ours (another process, a clock step) still counts;
         * one beyond the window either way is nonsense and dropped */
        if (now - t < GA_SENDLOG_WINDOW && t - now < GA_SENDLOG_WINDOW)
            out->t[out->n++] = t;
    }
done:
    json_object_put(root);
    if (tok)
        json_tokener_free(tok);
}

static int read_file(int fd, char *buf, size_t cap, size_t *len)
{
    size_t n = 0;

    while (n < cap) {
        ssize_t r = pread(fd, buf + n, cap - n, (off_t)n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        n += (size_t)r;
    }
    *len = n;
    return 0;
}

/* Replace the file's content with times as a JSON array. */
static int write_times(int fd, const times_t *tm)
{
    json_object *arr = json_object_new_array();
    const char *text;
    size_t len;
    int rc = -1;

    if (!arr)
        return -1;
    for (size_t i = 0; i < tm->n; i++)
        if (json_object_array_add(arr, json_object_new_int64(tm->t[i])) != 0)
            goto out;
    text = json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN);
    len = text ? strlen(text) : 0;
    if (!text || ftruncate(fd, 0) < 0 || pwrite(fd, text, len, 0) != (ssize_t)len ||
        fsync(fd) < 0)
        goto out;
    rc = 0;
out:
    json_object_put(arr);
    return rc;
}

/* Under the lock: read, prune, decide, record. */
static ga_status_t update(int fd, const char *name, long long now, long limit,
                          long long *retry_at, const ga_logger_t *lg)
{
    char buf[SENDS_FILE_MAX + 1];
    times_t tm = {{0}, 0};
    size_t len = 0;
    int corrupt = 0;
    ga_status_t rc = GA_OK;

    if (read_file(fd, buf, SENDS_FILE_MAX + 1, &len) < 0)
        return GA_ERR_CONFIG;
    if (len > SENDS_FILE_MAX)
        corrupt = 1;
    else
        parse_times(buf, len, now, &tm, &corrupt);
    if (corrupt)
        ga_log(lg, LOG_WARNING, "send log %s is corrupt: started afresh", name);
    if ((long)tm.n >= limit) {
        long long oldest = tm.t[0];
        for (size_t i = 1; i < tm.n; i++)
            if (tm.t[i] < oldest)
                oldest = tm.t[i];
        if (retry_at)
            *retry_at = oldest + GA_SENDLOG_WINDOW;
        rc = GA_ERR_THROTTLED;
    } else {
        tm.t[tm.n++] = now;
    }
    if (write_times(fd, &tm) < 0) {
        ga_log(lg, LOG_ERR, "send log %s cannot be written: %s", name, strerror(errno));
        return GA_ERR_CONFIG;
    }
    return rc;
}

ga_status_t ga_sendlog_reserve(const char *dir, const char *user, uid_t euid, long long now,
                               long limit, long long *retry_at, const ga_logger_t *lg)
{
    char name[NAME_MAX + 1];
    int dfd = -1, fd = -1;
    ga_status_t rc = GA_ERR_INTERNAL;

    if (!dir || !user || limit < 1 || limit > SENDS_MAX)
        return GA_ERR_INTERNAL;
    if (ga_state_user_file(user, SENDS_SUFFIX, name, sizeof name) < 0) {
        ga_log(lg, LOG_ERR, "send log: the user name is too long for a state file");
        return GA_ERR_CONFIG;
    }
    if ((rc = ga_state_open_dir(dir, euid, lg, &dfd)) != GA_OK)
        return rc;
    fd = open_trusted(dfd, name, euid, lg);
    if (fd < 0) {
        ga_log(lg, LOG_ERR, "send log %s cannot be opened: %s", name, strerror(errno));
        rc = GA_ERR_CONFIG;
    } else if (lock_bounded(fd) < 0) {
        ga_log(lg, LOG_ERR, "send log %s stayed locked for %d s", name, GA_SENDLOG_LOCK_WAIT);
        rc = GA_ERR_INTERNAL;
    } else {
        rc = update(fd, name, now, limit, retry_at, lg);
    }
    if (fd >= 0)
        (void)close(fd); /* releases the lock */
    (void)close(dfd);
    return rc;
}
