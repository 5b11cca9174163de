/* ga_state.c - the pending enrollment kept in state_dir (see ga_state.h).
 *
 * Everything happens relative to a directory descriptor opened with
 * O_NOFOLLOW and checked with ga_perm_check each time, so a directory
 * swapped after the check is never followed. A file that is not trusted in
 * every respect is removed, and the removal is logged with its reason class
 * (never the token). */
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

#include <json-c/json.h>

#include "ga_perm.h"
#include "ga_response.h"
#include "ga_secret.h"
#include "ga_text.h"

#define STATE_SUFFIX ".pending"
#define STATE_USER_MAX 255         /* longest user name looked at */
#define STATE_FILE_MAX (16 * 1024) /* largest state file read */
#define STATE_VERSION 1
#define STATE_FIELDS 7             /* keys in a state file */
#define STATE_JSON_DEPTH 4
#define ATTEMPTS_MAX 100
#define FUTURE_SLACK_S 5           /* clock skew tolerated on sentAt */
#define TMP_PREFIX ".tmp-"         /* user files never start with '.' */
#define TMP_NAME_MAX 32
#define TMP_TRIES 16
#define SHOWN_MAX 160              /* sanitised directory name in messages */

/* Values of a parsed state file; strings point into the JSON tree. */
typedef struct state_fields {
    ga_factor_t type;
    const char *token;
    size_t token_len;
    const char *masked;
    size_t masked_len;
    int64_t sent_at;
    int64_t attempts;
} state_fields_t;

static void shown_dir(const char *dir, char *out, size_t outlen)
{
    (void)ga_sanitize(dir, dir ? strnlen(dir, PATH_MAX) : 0, out, outlen);
}

static int is_safe_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

int ga_state_file_name(const char *user, char *out, size_t outlen)
{
    static const char hex[] = "0123456789abcdef";
    size_t ulen;
    size_t need;
    int safe;

    if (!user || !out || outlen == 0)
        return -1;
    ulen = strnlen(user, STATE_USER_MAX + 1);
    if (ulen == 0 || ulen > STATE_USER_MAX)
        return -1;
    safe = user[0] != '.';
    for (size_t i = 0; safe && i < ulen; i++)
        safe = is_safe_name_char(user[i]);
    need = (safe ? ulen : 2 + 2 * ulen) + strlen(STATE_SUFFIX);
    if (need > NAME_MAX || need >= outlen)
        return -1;
    if (safe) {
        memcpy(out, user, ulen);
        memcpy(out + ulen, STATE_SUFFIX, sizeof STATE_SUFFIX);
        return 0;
    }
    memcpy(out, "x-", 2);
    for (size_t i = 0; i < ulen; i++) {
        unsigned char c = (unsigned char)user[i];
        out[2 + 2 * i] = hex[c >> 4];
        out[3 + 2 * i] = hex[c & 0xf];
    }
    memcpy(out + 2 + 2 * ulen, STATE_SUFFIX, sizeof STATE_SUFFIX);
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

/* Remove name from dfd because of why, and log it. When expect is given the
 * entry is removed only if it is still that file (not replaced meanwhile). */
static void discard(int dfd, const char *dir, const char *name,
                    const struct stat *expect, const char *why,
                    const ga_logger_t *lg)
{
    char shown[SHOWN_MAX];
    struct stat cur;

    shown_dir(dir, shown, sizeof shown);
    if (fstatat(dfd, name, &cur, AT_SYMLINK_NOFOLLOW) < 0) {
        ga_log(lg, LOG_WARNING, "state file %s/%s %s; already gone", shown,
               name, why);
        return;
    }
    if (expect && (cur.st_dev != expect->st_dev || cur.st_ino != expect->st_ino)) {
        ga_log(lg, LOG_WARNING, "state file %s/%s %s; replaced meanwhile, kept",
               shown, name, why);
        return;
    }
    if (unlinkat(dfd, name, S_ISDIR(cur.st_mode) ? AT_REMOVEDIR : 0) < 0) {
        ga_log(lg, LOG_WARNING, "state file %s/%s %s; cannot be removed: %s",
               shown, name, why, strerror(errno));
        return;
    }
    ga_log(lg, LOG_WARNING, "state file %s/%s %s; removed", shown, name, why);
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
    if (st->st_size > STATE_FILE_MAX)
        return "is too large";
    return NULL;
}

/* Read the whole file (at most STATE_FILE_MAX bytes) into a new buffer of
 * STATE_FILE_MAX + 1 bytes, NUL-terminated. */
static ga_status_t read_all(int fd, char **out, size_t *len, const char **why)
{
    char *buf = calloc(1, STATE_FILE_MAX + 1);
    size_t n = 0;

    if (!buf)
        return GA_ERR_NOMEM;
    while (n <= STATE_FILE_MAX) {
        ssize_t r = read(fd, buf + n, STATE_FILE_MAX + 1 - n);
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
    if (!*why && n > STATE_FILE_MAX)
        *why = "is too large";
    if (*why) {
        ga_free_secret_n(buf, STATE_FILE_MAX + 1);
        return GA_ERR_NOT_FOUND;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return GA_OK;
}

/* ---- parsing ------------------------------------------------------------ */

/* Overwrite the tokener's internal string buffer, which may still hold the
 * token, with a harmless string of len bytes (the token's length: the
 * buffer already held that much, so it is not reallocated). */
static void scrub_tokener(json_tokener *tok, size_t len)
{
    char *fill = NULL;
    json_object *junk = NULL;

    if (len == 0 || len > INT_MAX - 2)
        return;
    fill = malloc(len + 2);
    if (!fill)
        return;
    fill[0] = '"';
    memset(fill + 1, 'x', len);
    fill[len + 1] = '"';
    json_tokener_reset(tok);
    junk = json_tokener_parse_ex(tok, fill, (int)(len + 2));
    json_object_put(junk);
    free(fill);
}

/* Strictly parse buf[0..len) as one JSON object. NULL when it is not one. */
static json_object *parse_object(const char *buf, size_t len)
{
    json_object *token = NULL;
    json_tokener *tok = NULL;
    json_object *obj = NULL;
    size_t scrub = 0;
    size_t end;

    if (len == 0 || len > STATE_FILE_MAX || memchr(buf, '\0', len))
        return NULL;
    tok = json_tokener_new_ex(STATE_JSON_DEPTH);
    if (!tok)
        return NULL;
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    obj = json_tokener_parse_ex(tok, buf, (int)len);
#if JSON_C_VERSION_NUM >= ((0 << 16) | (15 << 8))
    end = json_tokener_get_parse_end(tok);
#else
    end = (size_t)tok->char_offset;
#endif
    if (json_object_object_get_ex(obj, "enrollmentToken", &token) &&
        json_object_is_type(token, json_type_string))
        scrub = (size_t)json_object_get_string_len(token);
    if (json_tokener_get_error(tok) != json_tokener_success ||
        !json_object_is_type(obj, json_type_object)) {
        json_object_put(obj);
        obj = NULL;
    }
    for (; obj && end < len; end++) {
        if (!strchr(" \t\r\n", buf[end])) {
            json_object_put(obj);
            obj = NULL;
        }
    }
    scrub_tokener(tok, scrub);
    json_tokener_free(tok);
    return obj;
}

static int get_string(json_object *obj, const char *key, const char **s,
                      size_t *len)
{
    json_object *v = NULL;
    int n;

    if (!json_object_object_get_ex(obj, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return -1;
    *s = json_object_get_string(v);
    n = json_object_get_string_len(v);
    if (!*s || n < 0 || strlen(*s) != (size_t)n)
        return -1;
    *len = (size_t)n;
    return 0;
}

static int get_int(json_object *obj, const char *key, int64_t *out)
{
    json_object *v = NULL;

    if (!json_object_object_get_ex(obj, key, &v) ||
        !json_object_is_type(v, json_type_int))
        return -1;
    *out = json_object_get_int64(v);
    return 0;
}

/* Non-zero if s[0..len) is 1..max bytes without control characters;
 * printable_only also rejects bytes >= 0x80. */
static int text_ok(const char *s, size_t len, size_t max, int printable_only)
{
    if (!s || len == 0 || len > max)
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f || (printable_only && c >= 0x80))
            return 0;
    }
    return 1;
}

/* Extract and check every field. Returns NULL or why the file is bad. */
static const char *check_fields(json_object *obj, const char *user,
                                state_fields_t *f)
{
    const char *s = NULL;
    size_t len = 0;
    int64_t version = 0;

    if (json_object_object_length(obj) != STATE_FIELDS ||
        get_int(obj, "version", &version) < 0 ||
        get_string(obj, "user", &s, &len) < 0)
        return "has missing, extra or mistyped fields";
    if (version != STATE_VERSION)
        return "has an unknown version";
    if (len != strlen(user) || memcmp(s, user, len) != 0)
        return "belongs to another user";
    if (get_string(obj, "factorType", &s, &len) < 0 ||
        get_string(obj, "enrollmentToken", &f->token, &f->token_len) < 0 ||
        get_string(obj, "maskedTarget", &f->masked, &f->masked_len) < 0 ||
        get_int(obj, "sentAt", &f->sent_at) < 0 ||
        get_int(obj, "attempts", &f->attempts) < 0)
        return "has missing, extra or mistyped fields";
    f->type = ga_factor_from_name(s);
    if (!ga_factor_enrollable(f->type) || strcmp(s, ga_factor_name(f->type)) != 0)
        return "has an unknown factor type";
    if (!text_ok(f->token, f->token_len, GA_TOKEN_MAX, 0))
        return "has a bad token";
    if (!text_ok(f->masked, f->masked_len, GA_MASKED_MAX - 1, 1))
        return "has a bad masked target";
    if (f->attempts < 0 || f->attempts > ATTEMPTS_MAX)
        return "has a bad attempt count";
    if (f->sent_at < 0)
        return "has a bad send time";
    return NULL;
}

/* Why a code sent at sent_at is no longer usable at now, or NULL. */
static const char *check_age(int64_t sent_at, long long now, long lifetime_s)
{
    long long age = 0;

    if (__builtin_sub_overflow(now, (long long)sent_at, &age))
        return "has a bad send time";
    if (age < -FUTURE_SLACK_S)
        return "is dated in the future";
    if (age >= lifetime_s)
        return "has expired";
    return NULL;
}

/* Parse a state file for user into out. GA_OK, GA_ERR_NOMEM, or
 * GA_ERR_NOT_FOUND with *why. */
static ga_status_t parse_pending(const char *buf, size_t len, const char *user,
                                 long long now, long lifetime_s,
                                 ga_pending_t *out, const char **why)
{
    json_object *obj = parse_object(buf, len);
    state_fields_t f = {0};
    char *token = NULL;
    ga_status_t rc = GA_ERR_NOT_FOUND;

    if (!obj) {
        *why = "is not a valid JSON object";
        goto out;
    }
    *why = check_fields(obj, user, &f);
    if (!*why)
        *why = check_age(f.sent_at, now, lifetime_s);
    if (*why)
        goto out;
    token = strndup(f.token, f.token_len);
    if (!token) {
        rc = GA_ERR_NOMEM;
        goto out;
    }
    memset(out, 0, sizeof *out);
    out->type = f.type;
    out->enrollment_token = token;
    memcpy(out->masked_target, f.masked, f.masked_len);
    out->masked_target[f.masked_len] = '\0';
    out->sent_at = (long long)f.sent_at;
    out->attempts = (int)f.attempts;
    rc = GA_OK;
out:
    if (f.token)
        ga_wipe((char *)f.token, f.token_len);
    json_object_put(obj);
    return rc;
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
    rc = parse_pending(buf, len, user, now, lifetime_s, out, &why);
out:
    if (why)
        discard(dfd, dir, name, seen, why, lg);
    if (fd >= 0)
        (void)close(fd);
    if (dfd >= 0)
        (void)close(dfd);
    ga_free_secret_n(buf, STATE_FILE_MAX + 1);
    return rc;
}

/* ---- writing ------------------------------------------------------------ */

/* Non-zero if p can be stored (and would be loaded back). */
static int pending_ok(const ga_pending_t *p)
{
    size_t masked_len = strnlen(p->masked_target, GA_MASKED_MAX);
    const char *tok = p->enrollment_token;

    return ga_factor_enrollable(p->type) && tok &&
           text_ok(tok, strnlen(tok, GA_TOKEN_MAX + 1), GA_TOKEN_MAX, 0) &&
           masked_len < GA_MASKED_MAX &&
           text_ok(p->masked_target, masked_len, GA_MASKED_MAX - 1, 1) &&
           p->attempts >= 0 && p->attempts <= ATTEMPTS_MAX && p->sent_at >= 0;
}

static int add(json_object *obj, const char *key, json_object *v)
{
    if (!v)
        return -1;
    if (json_object_object_add(obj, key, v) != 0) {
        json_object_put(v);
        return -1;
    }
    return 0;
}

/* Wipe the token and its serialisation held by obj, then release it. */
static void free_json(json_object *obj, const char *text, size_t len)
{
    json_object *token = NULL;

    if (!obj)
        return;
    if (text)
        ga_wipe((char *)text, len);
    if (json_object_object_get_ex(obj, "enrollmentToken", &token))
        ga_wipe((char *)json_object_get_string(token),
                (size_t)json_object_get_string_len(token));
    json_object_put(obj);
}

/* The JSON object for p. NULL when out of memory. */
static json_object *build_json(const char *user, const ga_pending_t *p)
{
    json_object *obj = json_object_new_object();

    if (!obj)
        return NULL;
    if (add(obj, "version", json_object_new_int(STATE_VERSION)) < 0 ||
        add(obj, "user", json_object_new_string(user)) < 0 ||
        add(obj, "factorType", json_object_new_string(ga_factor_name(p->type))) < 0 ||
        add(obj, "enrollmentToken", json_object_new_string(p->enrollment_token)) < 0 ||
        add(obj, "maskedTarget", json_object_new_string(p->masked_target)) < 0 ||
        add(obj, "sentAt", json_object_new_int64(p->sent_at)) < 0 ||
        add(obj, "attempts", json_object_new_int(p->attempts)) < 0) {
        free_json(obj, NULL, 0);
        return NULL;
    }
    return obj;
}

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

ga_status_t ga_state_save(const char *dir, const char *user, uid_t euid,
                          const ga_pending_t *p, const ga_logger_t *lg)
{
    char name[NAME_MAX + 1];
    char tmp[TMP_NAME_MAX];
    char shown[SHOWN_MAX];
    json_object *obj = NULL;
    const char *text = NULL;
    const char *what = "serialise";
    size_t len = 0;
    int dfd = -1;
    ga_status_t rc = GA_ERR_INTERNAL;

    shown_dir(dir, shown, sizeof shown);
    if (!dir || !user || !p || !pending_ok(p)) {
        ga_log(lg, LOG_ERR, "state_dir %s: refusing to save an invalid pending "
               "enrollment", shown);
        return GA_ERR_INTERNAL;
    }
    if (ga_state_file_name(user, name, sizeof name) < 0) {
        ga_log(lg, LOG_ERR, "state_dir %s: the user name is too long for a "
               "state file", shown);
        return GA_ERR_CONFIG;
    }
    rc = GA_ERR_NOMEM;
    obj = build_json(user, p);
    if (obj)
        text = json_object_to_json_string_length(
            obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
    if (!text)
        goto out;
    rc = GA_ERR_CONFIG;
    if (len > STATE_FILE_MAX) {
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
    free_json(obj, text, len);
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
