/* ga_grace.c - per-user enrollment postponements in state_dir (see
 * ga_grace.h).
 *
 * <state_dir>/<user-file>.grace is three lines of text, nothing else:
 *
 *     pam_genauth grace 1
 *     used N        (postponements so far, 0..GRACE_USED_MAX)
 *     last T        (seconds since the epoch of the latest one)
 *
 * It is read strictly: the numbers are decoded and the text encoded again
 * must give the file byte for byte (no spaces, signs, leading zeros or
 * extra lines). An empty file counts as 0 used: it is what ga_grace_use
 * leaves for a moment when it creates the file, before the first rename.
 *
 * A file that is not trusted (a symlink, not a regular file, wrong owner or
 * mode, hard-linked, too large) or not well-formed is never repaired or
 * removed here: it counts as grace used up (fail closed) with one log line,
 * until the admin removes it or the user enrolls (ga_grace_reset).
 *
 * ga_grace_use: read-modify-write under an exclusive flock of the file
 * itself. The new text goes to a temporary file renamed over the old one
 * (ga_state_replace), so readers never see half a file; a process that was
 * waiting for the lock on the replaced inode sees that the name now points
 * elsewhere and takes the lock again on the new file.
 */
#include "config.h"

#include "ga_grace.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ga_state_dir.h"
#include "ga_text.h"

#define GRACE_SUFFIX ".grace"
#define GRACE_MAGIC "pam_genauth grace 1\n"
#define GRACE_FILE_MAX 128        /* bytes; a valid file has at most ~60 */
#define GRACE_USED_MAX 1000000L   /* the counter saturates there */
#define GRACE_LAST_MAX 253402300799LL /* 9999-12-31T23:59:59Z */
#define GRACE_LOCK_WAIT 5         /* seconds */

typedef struct record {
    long used;
    long long last;
} record_t;

/* ---- the text --------------------------------------------------------- */

static int encode(const record_t *r, char *out, size_t outlen)
{
    int n = snprintf(out, outlen, GRACE_MAGIC "used %ld\nlast %lld\n", r->used, r->last);

    return n < 0 || (size_t)n >= outlen ? -1 : n;
}

/* The decimal digits of the line starting with key (e.g. "used ") at *s,
 * into out; *s moves past the line end. 0 or -1. */
static int field(const char **s, const char *key, char *out, size_t outlen)
{
    size_t klen = strlen(key), n;

    if (strncmp(*s, key, klen) != 0)
        return -1;
    *s += klen;
    n = strspn(*s, "0123456789");
    if (n == 0 || n >= outlen || (*s)[n] != '\n')
        return -1;
    memcpy(out, *s, n);
    out[n] = '\0';
    *s += n + 1;
    return 0;
}

/* Decode text (len bytes, NUL-terminated) into r. 0, or -1 if it is not
 * exactly what encode writes. */
static int decode(const char *text, size_t len, record_t *r)
{
    char used[16], last[24], again[GRACE_FILE_MAX + 1];
    const char *s = text;
    long u = 0, t = 0;
    int n;

    r->used = 0;
    r->last = 0;
    if (len == 0)
        return 0;
    if (strlen(text) != len || strncmp(s, GRACE_MAGIC, sizeof GRACE_MAGIC - 1) != 0)
        return -1;
    s += sizeof GRACE_MAGIC - 1;
    if (field(&s, "used ", used, sizeof used) < 0 || field(&s, "last ", last, sizeof last) < 0 ||
        *s != '\0')
        return -1;
    if (ga_parse_long(used, 0, GRACE_USED_MAX, &u) < 0 ||
        ga_parse_long(last, 0, (long)GRACE_LAST_MAX, &t) < 0)
        return -1;
    r->used = u;
    r->last = t;
    n = encode(r, again, sizeof again);
    return n >= 0 && (size_t)n == len && memcmp(again, text, len) == 0 ? 0 : -1;
}

/* ---- reading ----------------------------------------------------------- */

/* Read all of fd (at most GRACE_FILE_MAX bytes) into buf (cap >
 * GRACE_FILE_MAX), NUL-terminated. 0, or -1 with *why set. */
static int read_text(int fd, char *buf, size_t cap, size_t *len, const char **why)
{
    size_t n = 0;

    while (n < cap - 1) {
        ssize_t r = pread(fd, buf + n, cap - 1 - n, (off_t)n);

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            *why = "cannot be read";
            return -1;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    buf[n] = '\0';
    if (n > GRACE_FILE_MAX) {
        *why = "is too large";
        return -1;
    }
    *len = n;
    return 0;
}

/* Check the opened fd and decode its text into r. 0, or -1 with *why. */
static int load_fd(int fd, uid_t euid, record_t *r, const char **why)
{
    char buf[GRACE_FILE_MAX + 2];
    struct stat st;
    size_t len = 0;

    if (fstat(fd, &st) < 0) {
        *why = "cannot be examined";
        return -1;
    }
    if ((*why = ga_state_check_file(&st, euid)) != NULL)
        return -1;
    if (st.st_size > GRACE_FILE_MAX) {
        *why = "is too large";
        return -1;
    }
    if (read_text(fd, buf, sizeof buf, &len, why) < 0)
        return -1;
    if (decode(buf, len, r) < 0) {
        *why = "is corrupt";
        return -1;
    }
    return 0;
}

/* Postponements recorded for name in dfd: 0 with *r (a missing file is 0
 * used), or -1 with *why (untrusted or corrupt: the caller fails closed). */
static int load(int dfd, const char *name, uid_t euid, record_t *r, const char **why)
{
    int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    int rc;

    r->used = 0;
    r->last = 0;
    if (fd < 0 && errno == ENOENT)
        return 0;
    if (fd < 0) {
        *why = errno == ELOOP ? "is a symlink" : "cannot be opened";
        return -1;
    }
    rc = load_fd(fd, euid, r, why);
    (void)close(fd);
    return rc;
}

/* ---- the rules ----------------------------------------------------------- */

static int by_count(const ga_config_t *cfg)
{
    return cfg->enroll_grace > 0;
}

static int by_date(const ga_config_t *cfg)
{
    return cfg->enroll_grace_until > 0;
}

/* Non-zero if one more postponement is allowed after used of them, at now. */
static int allowed(const ga_config_t *cfg, long used, long long now)
{
    if (!by_count(cfg) && !by_date(cfg))
        return 0;
    if (by_count(cfg) && used >= cfg->enroll_grace)
        return 0;
    if (by_date(cfg) && now >= cfg->enroll_grace_until)
        return 0;
    return 1;
}

ga_status_t ga_grace_check(const ga_config_t *cfg, const char *user, uid_t euid,
                           long long now, ga_grace_t *out, const ga_logger_t *lg)
{
    char name[NAME_MAX + 1];
    const char *why = NULL;
    record_t r = {0, 0};
    int dfd = -1;

    if (!out)
        return GA_ERR_INTERNAL;
    memset(out, 0, sizeof *out);
    if (!cfg || !user)
        return GA_ERR_INTERNAL;
    out->until = cfg->enroll_grace_until;
    out->left = by_count(cfg) ? cfg->enroll_grace : -1;
    if (!by_count(cfg) && !by_date(cfg)) {
        out->left = 0;
        return GA_OK; /* no grace configured: no file is looked at */
    }
    if (ga_state_user_file(user, GRACE_SUFFIX, name, sizeof name) < 0) {
        ga_log(lg, LOG_WARNING, "enrollment grace: the user name is too long for a state "
                                "file: no postponing");
        goto closed;
    }
    if (ga_state_open_dir(cfg->state_dir, euid, lg, &dfd) != GA_OK)
        goto closed; /* logged */
    if (load(dfd, name, euid, &r, &why) < 0) {
        ga_log(lg, LOG_WARNING, "enrollment grace file %s %s: no postponing until it is "
                                "removed", name, why);
        goto closed;
    }
    (void)close(dfd);
    out->used = r.used;
    if (by_count(cfg))
        out->left = r.used < cfg->enroll_grace ? cfg->enroll_grace - r.used : 0;
    out->offered = allowed(cfg, r.used, now);
    return GA_OK;
closed:
    if (dfd >= 0)
        (void)close(dfd);
    out->used = by_count(cfg) ? cfg->enroll_grace : 0;
    out->left = 0;
    out->offered = 0;
    return GA_OK;
}

/* ---- recording ----------------------------------------------------------- */

static long long monotonic_ms(void)
{
    struct timespec ts = {0, 0};

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Open name in dfd (creating it empty if missing) and lock it; the lock
 * counts only if name still is that file afterwards (a concurrent
 * ga_grace_use may have renamed a new one over it: then start again on the
 * new one). Gives up GRACE_LOCK_WAIT seconds after the first try.
 * fd >= 0, or -1 with *why. */
static int open_locked(int dfd, const char *name, const char **why)
{
    const struct timespec pause = {0, 10000000}; /* 10 ms */
    long long deadline = monotonic_ms() + GRACE_LOCK_WAIT * 1000LL;
    int fd = -1;

    for (;;) {
        struct stat held, cur;

        if (fd < 0)
            fd = openat(dfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY |
                                       O_NONBLOCK, 0600);
        if (fd < 0) {
            *why = errno == ELOOP ? "is a symlink" : "cannot be opened";
            return -1;
        }
        if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
            if (fstat(fd, &held) == 0 && fstatat(dfd, name, &cur, AT_SYMLINK_NOFOLLOW) == 0 &&
                held.st_dev == cur.st_dev && held.st_ino == cur.st_ino)
                return fd;
            (void)close(fd); /* replaced meanwhile: lock the new one */
            fd = -1;
            if (monotonic_ms() > deadline) {
                *why = "kept being replaced";
                return -1;
            }
            continue;
        }
        if (errno != EWOULDBLOCK && errno != EINTR) {
            *why = "cannot be locked";
            break;
        }
        if (monotonic_ms() > deadline) {
            *why = "stayed locked";
            break;
        }
        (void)nanosleep(&pause, NULL);
    }
    (void)close(fd);
    return -1;
}

ga_status_t ga_grace_use(const ga_config_t *cfg, const char *user, uid_t euid,
                         long long now, const ga_logger_t *lg)
{
    char name[NAME_MAX + 1], text[GRACE_FILE_MAX + 1];
    const char *why = NULL, *what = NULL;
    record_t r = {0, 0};
    int dfd = -1, fd = -1, len;
    ga_status_t rc = GA_ERR_INTERNAL;

    if (!cfg || !user)
        return GA_ERR_INTERNAL;
    if (!by_count(cfg) && !by_date(cfg)) {
        ga_log(lg, LOG_ERR, "enrollment grace is not configured: postponing refused");
        return GA_ERR_INTERNAL;
    }
    if (ga_state_user_file(user, GRACE_SUFFIX, name, sizeof name) < 0) {
        ga_log(lg, LOG_ERR, "enrollment grace: the user name is too long for a state file");
        return GA_ERR_INTERNAL;
    }
    if (ga_state_open_dir(cfg->state_dir, euid, lg, &dfd) != GA_OK)
        return GA_ERR_INTERNAL; /* logged */
    fd = open_locked(dfd, name, &why);
    if (fd < 0 || load_fd(fd, euid, &r, &why) < 0) {
        ga_log(lg, LOG_WARNING, "enrollment grace file %s %s: postponing refused", name, why);
        goto out;
    }
    /* under the lock: another login may have used the last one meanwhile */
    if (!allowed(cfg, r.used, now)) {
        ga_log(lg, LOG_NOTICE, "enrollment grace file %s: no postponement left (%ld used): "
                               "postponing refused", name, r.used);
        goto out;
    }
    if (r.used < GRACE_USED_MAX)
        r.used++;
    r.last = now < 0 ? 0 : now > GRACE_LAST_MAX ? GRACE_LAST_MAX : now;
    len = encode(&r, text, sizeof text);
    if (len < 0 || ga_state_replace(dfd, name, text, (size_t)len, &what) < 0) {
        ga_log(lg, LOG_ERR, "enrollment grace file %s: %s failed: %s: postponing refused",
               name, what ? what : "encode", strerror(errno));
        goto out;
    }
    if (fsync(dfd) < 0)
        ga_log(lg, LOG_WARNING, "enrollment grace file %s: fsync of state_dir: %s", name,
               strerror(errno));
    rc = GA_OK;
out:
    if (fd >= 0)
        (void)close(fd); /* releases the lock, after the rename */
    (void)close(dfd);
    return rc;
}

ga_status_t ga_grace_reset(const ga_config_t *cfg, const char *user, const ga_logger_t *lg)
{
    char name[NAME_MAX + 1];
    int dfd;
    ga_status_t rc = GA_OK;

    if (!cfg || !user || !cfg->state_dir)
        return GA_ERR_INTERNAL;
    if (ga_state_user_file(user, GRACE_SUFFIX, name, sizeof name) < 0)
        return GA_OK; /* no such file can exist */
    dfd = open(cfg->state_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0) {
        if (errno == ENOENT)
            return GA_OK;
        ga_log(lg, LOG_ERR, "enrollment grace: state_dir cannot be opened: %s",
               strerror(errno));
        return GA_ERR_INTERNAL;
    }
    if (unlinkat(dfd, name, 0) < 0 && errno != ENOENT) {
        ga_log(lg, LOG_ERR, "enrollment grace file %s cannot be removed: %s", name,
               strerror(errno));
        rc = GA_ERR_INTERNAL;
    }
    (void)close(dfd);
    return rc;
}
