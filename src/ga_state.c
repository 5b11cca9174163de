/* ga_state.c - the pending enrollment kept in state_dir (see ga_state.h):
 * the directory, file names, and loading, saving and removing files. The
 * record inside a file (JSON) is ga_state_file.c's.
 *
 * Everything happens relative to a directory descriptor opened with
 * O_NOFOLLOW and checked with ga_perm_check each time, so a directory
 * swapped after the check is never followed. A file that is not trusted in
 * every respect is removed, and the removal is logged with its reason class
 * (never the token): LOG_INFO for an expired file, which is normal life,
 * LOG_WARNING for anything else. */
#include "config.h"

#include "ga_state.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ga_perm.h"
#include "ga_secret.h"
#include "ga_state_dir.h"
#include "ga_state_file.h"
#include "ga_text.h"

#define STATE_SUFFIX ".pending"
#define STATE_USER_MAX 255         /* longest user name looked at */
#define HEX_PREFIX "x-"            /* starts hex names, never plain ones */
#define HEX_PREFIX_LEN (sizeof HEX_PREFIX - 1)
#define TMP_PREFIX ".tmp-"         /* user files never start with '.' */
#define TMP_NAME_MAX 32
#define TMP_TRIES 16
#define SHOWN_MAX 160              /* sanitised directory name in messages */

static void shown_dir(const char *dir, char *out, size_t outlen)
{
    (void)ga_sanitize(dir, dir ? strnlen(dir, PATH_MAX) : 0, out, outlen);
}

static int is_safe_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

/* Non-zero if user (ulen bytes, NUL-terminated) can be its file name as it
 * is. Names starting with "x-" are hex-encoded too, so that no plain name
 * can equal the hex form of another (user "x-612f62" against "a/b"). */
static int is_plain_name(const char *user, size_t ulen)
{
    if (user[0] == '.' || strncmp(user, HEX_PREFIX, HEX_PREFIX_LEN) == 0)
        return 0;
    for (size_t i = 0; i < ulen; i++)
        if (!is_safe_name_char(user[i]))
            return 0;
    return 1;
}

int ga_state_file_name(const char *user, char *out, size_t outlen)
{
    return ga_state_user_file(user, STATE_SUFFIX, out, outlen);
}

int ga_state_user_file(const char *user, const char *suffix, char *out, size_t outlen)
{
    static const char hex[] = "0123456789abcdef";
    size_t ulen;
    size_t need;
    int safe;

    if (!user || !suffix || !out || outlen == 0)
        return -1;
    ulen = strnlen(user, STATE_USER_MAX + 1);
    if (ulen == 0 || ulen > STATE_USER_MAX)
        return -1;
    safe = is_plain_name(user, ulen);
    need = (safe ? ulen : HEX_PREFIX_LEN + 2 * ulen) + strlen(suffix);
    if (need > NAME_MAX || need >= outlen)
        return -1;
    if (safe) {
        memcpy(out, user, ulen);
        memcpy(out + ulen, suffix, strlen(suffix) + 1);
        return 0;
    }
    memcpy(out, HEX_PREFIX, HEX_PREFIX_LEN);
    for (size_t i = 0; i < ulen; i++) {
        unsigned char c = (unsigned char)user[i];
        out[HEX_PREFIX_LEN + 2 * i] = hex[c >> 4];
        out[HEX_PREFIX_LEN + 2 * i + 1] = hex[c & 0xf];
    }
    memcpy(out + HEX_PREFIX_LEN + 2 * ulen, suffix, strlen(suffix) + 1);
    return 0;
}

void ga_pending_clear(ga_pending_t *p)
{
    if (!p)
        return;
    ga_free_secret(p->enrollment_token);
    ga_wipe(p, sizeof *p);
    p->type = GA_FACTOR_UNKNOWN;
    p->enrollment_token = NULL;
}

/* ---- the directory ---------------------------------------------------- */

/* Why dir could not be opened as a directory without following a final
 * symlink (saved: errno of the failed open), or NULL for any other error.
 * With O_DIRECTORY a symlink gives ENOTDIR or ELOOP, so look at the entry. */
static const char *open_error(const char *dir, int saved)
{
    struct stat st;

    if (lstat(dir, &st) == 0 && S_ISLNK(st.st_mode))
        return "is a symlink";
    if (saved == ENOTDIR)
        return "is not a directory";
    return NULL;
}

/* Open dir as a directory without following a final symlink and check it
 * with ga_perm_check. 0 with *out, or -1 with one admin sentence naming dir
 * in msg and errno set (ENOENT when dir does not exist, 0 when untrusted). */
static int check_dir(const char *dir, uid_t euid, int *out, char *msg,
                     size_t msglen)
{
    char shown[SHOWN_MAX];
    char detail[64] = "";
    struct stat st;
    const char *why = NULL;
    int saved = 0;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

    if (fd < 0) {
        saved = errno;
        why = open_error(dir, saved);
        if (!why) {
            why = "cannot be opened: ";
            (void)snprintf(detail, sizeof detail, "%s", strerror(saved));
        }
    } else if (fstat(fd, &st) < 0) {
        saved = errno;
        why = "cannot be examined: ";
        (void)snprintf(detail, sizeof detail, "%s", strerror(saved));
    } else if ((why = ga_perm_check(&st, euid, 1)) != NULL) {
        (void)snprintf(detail, sizeof detail, " (mode 0%03o, uid %lu)",
                       (unsigned)(st.st_mode & 07777), (unsigned long)st.st_uid);
    }
    if (!why) {
        *out = fd;
        return 0;
    }
    if (fd >= 0)
        (void)close(fd);
    shown_dir(dir, shown, sizeof shown);
    if (msg && msglen > 0)
        (void)snprintf(msg, msglen, "state_dir %s %s%s", shown, why, detail);
    errno = saved;
    return -1;
}

/* check_dir for load and save: ENOENT gives GA_ERR_NOT_FOUND when
 * missing_ok, every other failure GA_ERR_CONFIG (logged). */
static ga_status_t open_dir(const char *dir, uid_t euid, int missing_ok,
                            const ga_logger_t *lg, int *out)
{
    char msg[SHOWN_MAX + 128];

    if (check_dir(dir, euid, out, msg, sizeof msg) == 0)
        return GA_OK;
    if (errno == ENOENT && missing_ok)
        return GA_ERR_NOT_FOUND;
    ga_log(lg, LOG_ERR, "%s", msg);
    return GA_ERR_CONFIG;
}

ga_status_t ga_state_open_dir(const char *dir, uid_t euid, const ga_logger_t *lg, int *out)
{
    return open_dir(dir, euid, 0, lg, out);
}

/* mkdir dir 0700 whatever the umask. 0 or -1 (err set). */
static int make_dir(const char *dir, const char *shown, char *err, size_t errlen)
{
    int fd = -1;
    int rc = -1;

    if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
        if (err && errlen > 0)
            (void)snprintf(err, errlen, "state_dir %s cannot be created: %s",
                           shown, strerror(errno));
        goto out;
    }
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 || fchmod(fd, 0700) < 0) {
        if (err && errlen > 0)
            (void)snprintf(err, errlen, "state_dir %s cannot be set to mode "
                           "0700: %s", shown, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    if (fd >= 0)
        (void)close(fd);
    return rc;
}

ga_status_t ga_state_dir_prepare(const char *dir, uid_t euid, char *err,
                                 size_t errlen)
{
    char shown[SHOWN_MAX];
    struct stat st;
    int fd = -1;

    if (err && errlen > 0)
        err[0] = '\0';
    shown_dir(dir, shown, sizeof shown);
    if (!dir || dir[0] != '/') {
        if (err && errlen > 0)
            (void)snprintf(err, errlen, "state_dir %s is not an absolute path",
                           shown);
        return GA_ERR_CONFIG;
    }
    if (lstat(dir, &st) < 0 && errno == ENOENT &&
        make_dir(dir, shown, err, errlen) < 0)
        return GA_ERR_CONFIG;
    if (check_dir(dir, euid, &fd, err, errlen) < 0)
        return GA_ERR_CONFIG;
    (void)close(fd);
    return GA_OK;
}

/* ---- removing untrusted files ------------------------------------------ */

/* Remove name from dfd because of why, and log it at prio (a failure to
 * remove at LOG_WARNING). When expect is given the entry is removed only if
 * it is still that file (not replaced meanwhile). */
static void discard(int dfd, const char *dir, const char *name,
                    const struct stat *expect, const char *why, int prio,
                    const ga_logger_t *lg)
{
    char shown[SHOWN_MAX];
    struct stat cur;

    shown_dir(dir, shown, sizeof shown);
    if (fstatat(dfd, name, &cur, AT_SYMLINK_NOFOLLOW) < 0) {
        ga_log(lg, prio, "state file %s/%s %s; already gone", shown, name, why);
        return;
    }
    if (expect && (cur.st_dev != expect->st_dev || cur.st_ino != expect->st_ino)) {
        ga_log(lg, prio, "state file %s/%s %s; replaced meanwhile, kept", shown,
               name, why);
        return;
    }
    if (unlinkat(dfd, name, S_ISDIR(cur.st_mode) ? AT_REMOVEDIR : 0) < 0) {
        ga_log(lg, LOG_WARNING, "state file %s/%s %s; cannot be removed: %s",
               shown, name, why, strerror(errno));
        return;
    }
    ga_log(lg, prio, "state file %s/%s %s; removed", shown, name, why);
}

/* ---- reading ------------------------------------------------------------ */

/* Open name in dfd. GA_OK with *fd; GA_ERR_NOT_FOUND (*why set when the
 * entry must be discarded, e.g. a symlink); GA_ERR_NOMEM. */
static ga_status_t open_file(int dfd, const char *dir, const char *name,
                             const ga_logger_t *lg, int *fd, const char **why)
{
    char shown[SHOWN_MAX];

    *fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (*fd >= 0)
        return GA_OK;
    if (errno == ENOENT)
        return GA_ERR_NOT_FOUND;
    if (errno == ENOMEM)
        return GA_ERR_NOMEM;
    if (errno == ELOOP) {
        *why = "is a symlink";
        return GA_ERR_NOT_FOUND;
    }
    shown_dir(dir, shown, sizeof shown);
    ga_log(lg, LOG_WARNING, "state file %s/%s cannot be opened: %s", shown, name,
           strerror(errno));
    return GA_ERR_NOT_FOUND;
}

/* Why the opened file st is not trusted, or NULL. */
static const char *check_file(const struct stat *st, uid_t euid)
{
    const char *why;

    if (!S_ISREG(st->st_mode))
        return "is not a regular file";
    why = ga_perm_check(st, euid, 0);
    if (why)
        return why;
    /* 0 links: replaced by a concurrent save after we opened it, which is
     * still a complete (older) file; more than one: linked from elsewhere. */
    if (st->st_nlink > 1)
        return "has more than one hard link";
    if (st->st_size > GA_STATE_FILE_MAX)
        return "is too large";
    return NULL;
}

const char *ga_state_check_file(const struct stat *st, uid_t euid)
{
    return check_file(st, euid);
}

/* Read the whole file (at most GA_STATE_FILE_MAX bytes) into a new buffer of
 * GA_STATE_FILE_MAX + 1 bytes, NUL-terminated. */
static ga_status_t read_all(int fd, char **out, size_t *len, const char **why)
{
    char *buf = calloc(1, GA_STATE_FILE_MAX + 1);
    size_t n = 0;

    if (!buf)
        return GA_ERR_NOMEM;
    while (n <= GA_STATE_FILE_MAX) {
        ssize_t r = read(fd, buf + n, GA_STATE_FILE_MAX + 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            *why = "cannot be read";
            break;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    if (!*why && n > GA_STATE_FILE_MAX)
        *why = "is too large";
    if (*why) {
        ga_free_secret_n(buf, GA_STATE_FILE_MAX + 1);
        return GA_ERR_NOT_FOUND;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return GA_OK;
}

ga_status_t ga_state_load(const char *dir, const char *user, uid_t euid,
                          long long now, long lifetime_s, ga_pending_t *out,
                          const ga_logger_t *lg)
{
    char name[NAME_MAX + 1];
    struct stat st;
    const struct stat *seen = NULL; /* what is removed if untrusted */
    const char *why = NULL;
    char *buf = NULL;
    size_t len = 0;
    int dfd = -1;
    int fd = -1;
    int prio = LOG_WARNING; /* of the removal of an untrusted file */
    ga_status_t rc = GA_ERR_NOT_FOUND;

    if (!dir || !user || !out)
        return GA_ERR_INTERNAL;
    if (ga_state_file_name(user, name, sizeof name) < 0)
        return GA_ERR_NOT_FOUND;
    rc = open_dir(dir, euid, 1, lg, &dfd);
    if (rc != GA_OK)
        goto out;
    rc = open_file(dfd, dir, name, lg, &fd, &why);
    if (rc != GA_OK)
        goto out;
    rc = GA_ERR_NOT_FOUND;
    if (fstat(fd, &st) < 0) {
        why = "cannot be examined";
        goto out;
    }
    seen = &st;
    why = check_file(&st, euid);
    if (why)
        goto out;
    rc = read_all(fd, &buf, &len, &why);
    if (rc != GA_OK)
        goto out;
    rc = ga_state_file_decode(buf, len, user, now, lifetime_s, out, &why);
    if (rc == GA_ERR_EXPIRED) {
        prio = LOG_INFO;
        rc = GA_ERR_NOT_FOUND;
    }
out:
    if (why)
        discard(dfd, dir, name, seen, why, prio, lg);
    if (fd >= 0)
        (void)close(fd);
    if (dfd >= 0)
        (void)close(dfd);
    ga_free_secret_n(buf, GA_STATE_FILE_MAX + 1);
    return rc;
}

/* ---- writing ------------------------------------------------------------ */

/* A fresh ".tmp-<16 hex>" name; randomness only avoids collisions, O_EXCL
 * gives the safety. */
static void temp_name(char *out, size_t outlen, unsigned attempt)
{
    uint64_t r = 0;
    struct timespec ts = {0, 0};

    if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r) {
        (void)clock_gettime(CLOCK_REALTIME, &ts);
        r = ((uint64_t)ts.tv_nsec << 24) ^ (uint64_t)ts.tv_sec ^
            ((uint64_t)getpid() << 40) ^ attempt;
    }
    (void)snprintf(out, outlen, TMP_PREFIX "%016llx", (unsigned long long)r);
}

static int write_all(int fd, const char *text, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, text, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        text += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Create a temporary file in dfd holding text, synced and closed. On
 * success tmp names it; on failure nothing is left behind. */
static int write_temp(int dfd, const char *text, size_t len, char *tmp,
                      size_t tmplen, const char **what)
{
    int fd = -1;
    int created = 0;
    int rc = -1;

    for (unsigned i = 0; fd < 0 && i < TMP_TRIES; i++) {
        temp_name(tmp, tmplen, i);
        fd = openat(dfd, tmp,
                    O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
                    0600);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    *what = "create";
    if (fd < 0)
        goto out;
    created = 1;
    *what = "write";
    if (fchmod(fd, 0600) < 0 || write_all(fd, text, len) < 0 || fsync(fd) < 0)
        goto out;
    rc = close(fd);
    fd = -1;
out:
    if (fd >= 0)
        (void)close(fd);
    if (rc < 0 && created) {
        int saved = errno;
        (void)unlinkat(dfd, tmp, 0);
        errno = saved;
    }
    return rc;
}

int ga_state_replace(int dfd, const char *name, const char *text, size_t len,
                     const char **what)
{
    char tmp[TMP_NAME_MAX];

    if (write_temp(dfd, text, len, tmp, sizeof tmp, what) < 0)
        return -1;
    *what = "rename";
    if (renameat(dfd, tmp, dfd, name) < 0) {
        int saved = errno;
        (void)unlinkat(dfd, tmp, 0);
        errno = saved;
        return -1;
    }
    return 0;
}

ga_status_t ga_state_save(const char *dir, const char *user, uid_t euid,
                          const ga_pending_t *p, const ga_logger_t *lg)
{
    char name[NAME_MAX + 1];
    char tmp[TMP_NAME_MAX];
    char shown[SHOWN_MAX];
    char *text = NULL;
    const char *what = "serialise";
    size_t len = 0;
    int dfd = -1;
    ga_status_t rc = GA_ERR_INTERNAL;

    shown_dir(dir, shown, sizeof shown);
    if (!dir || !user || !p || !ga_state_file_valid(p)) {
        ga_log(lg, LOG_ERR, "state_dir %s: refusing to save an invalid pending "
               "enrollment", shown);
        return GA_ERR_INTERNAL;
    }
    if (ga_state_file_name(user, name, sizeof name) < 0) {
        ga_log(lg, LOG_ERR, "state_dir %s: the user name is too long for a "
               "state file", shown);
        return GA_ERR_CONFIG;
    }
    rc = ga_state_file_encode(user, p, &text, &len);
    if (rc != GA_OK)
        goto out;
    rc = GA_ERR_CONFIG;
    if (len > GA_STATE_FILE_MAX) {
        ga_log(lg, LOG_ERR, "state file %s/%s: pending enrollment too large",
               shown, name);
        goto out;
    }
    if (open_dir(dir, euid, 0, lg, &dfd) != GA_OK)
        goto out;
    if (write_temp(dfd, text, len, tmp, sizeof tmp, &what) == 0) {
        what = "rename";
        if (renameat(dfd, tmp, dfd, name) == 0) {
            rc = GA_OK;
        } else {
            int saved = errno;
            (void)unlinkat(dfd, tmp, 0);
            errno = saved;
        }
    }
    if (rc != GA_OK) {
        ga_log(lg, LOG_ERR, "state file %s/%s: %s failed: %s", shown, name,
               what, strerror(errno));
        goto out;
    }
    if (fsync(dfd) < 0)
        ga_log(lg, LOG_WARNING, "state_dir %s: fsync: %s", shown, strerror(errno));
out:
    ga_free_secret_n(text, len + 1);
    if (dfd >= 0)
        (void)close(dfd);
    return rc;
}

ga_status_t ga_state_remove(const char *dir, const char *user,
                            const ga_logger_t *lg)
{
    char name[NAME_MAX + 1];
    char shown[SHOWN_MAX];
    int dfd = -1;
    ga_status_t rc = GA_OK;

    if (!dir || !user)
        return GA_ERR_INTERNAL;
    if (ga_state_file_name(user, name, sizeof name) < 0)
        return GA_OK;
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0) {
        int saved = errno;
        const char *why = open_error(dir, saved);
        if (saved == ENOENT)
            return GA_OK;
        shown_dir(dir, shown, sizeof shown);
        ga_log(lg, LOG_ERR, "state_dir %s %s%s", shown,
               why ? why : "cannot be opened: ", why ? "" : strerror(saved));
        return GA_ERR_CONFIG;
    }
    if (unlinkat(dfd, name, 0) < 0 && errno != ENOENT) {
        shown_dir(dir, shown, sizeof shown);
        ga_log(lg, LOG_ERR, "state file %s/%s cannot be removed: %s", shown, name,
               strerror(errno));
        rc = GA_ERR_CONFIG;
    }
    (void)close(dfd);
    return rc;
}
