/* check_state.c - unit tests for ga_state: the pending enrollment kept in
 * state_dir. Every test works in its own mkdtemp directory under /tmp. */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ga_response.h"
#include "ga_state.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define NOW 1700000000LL
#define TOKEN "SECRET-TOKEN-0123456789"
#define NOBODY 65534

/* ---- fixture: a fresh base directory and a captured log ----------------- */

static char top[64];       /* /tmp/check_state_XXXXXX: removed by main() */
static char base[96];      /* top/t_XXXXXX, one per test, 0700 */
static char sdir[128];     /* base/state, prepared */
static char logbuf[16384]; /* "<prio>|<line>\n" per line */
static int nlines;
static int last_prio;

static void sink(void *ctx, int priority, const char *line)
{
    size_t used = strlen(logbuf);

    (void)ctx;
    nlines++;
    last_prio = priority;
    (void)snprintf(logbuf + used, sizeof logbuf - used, "%d|%s\n", priority, line);
}

static const ga_logger_t lg = {sink, NULL, 1};

static void log_reset(void)
{
    logbuf[0] = '\0';
    nlines = 0;
    last_prio = -1;
}

static void setup(void)
{
    char err[256];

    (void)snprintf(base, sizeof base, "%s/t_XXXXXX", top);
    ck_assert_ptr_nonnull(mkdtemp(base));
    (void)snprintf(sdir, sizeof sdir, "%s/state", base);
    ck_assert_int_eq(ga_state_dir_prepare(sdir, geteuid(), err, sizeof err), GA_OK);
    log_reset();
}

static int rm_one(const char *path, const struct stat *st, int flag,
                  struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (flag == FTW_DP)
        (void)chmod(path, 0700);
    return remove(path);
}

static void teardown(void)
{
    (void)chmod(sdir, 0700);
    (void)nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Also removes what a failed test (whose teardown did not run) left. */
static void remove_top(void)
{
    (void)nftw(top, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- helpers ------------------------------------------------------------ */

static void path_of(char *out, size_t outlen, const char *dir, const char *name)
{
    (void)snprintf(out, outlen, "%s/%s", dir, name);
}

static int exists(const char *dir, const char *name)
{
    char p[PATH_MAX];
    struct stat st;

    path_of(p, sizeof p, dir, name);
    return lstat(p, &st) == 0;
}

static void write_file(const char *path, const char *data, size_t len, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(fchmod(fd, mode), 0);
    ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
    ck_assert_int_eq(close(fd), 0);
}

static void write_state(const char *name, const char *text, mode_t mode)
{
    char p[PATH_MAX];

    path_of(p, sizeof p, sdir, name);
    write_file(p, text, strlen(text), mode);
}

/* A valid state file text for alice; fields may be replaced with printf
 * arguments through make_text. */
static void make_text(char *out, size_t outlen, const char *user,
                      const char *factor, const char *token, long long sent_at,
                      int attempts)
{
    (void)snprintf(out, outlen,
                   "{\"version\":1,\"user\":\"%s\",\"factorType\":\"%s\","
                   "\"enrollmentToken\":\"%s\",\"maskedTarget\":\"+86 188****5678\","
                   "\"sentAt\":%lld,\"attempts\":%d}",
                   user, factor, token, sent_at, attempts);
}

static void fill(ga_pending_t *p, ga_factor_t type, const char *token,
                 long long sent_at, int attempts)
{
    memset(p, 0, sizeof *p);
    p->type = type;
    p->enrollment_token = strdup(token);
    ck_assert_ptr_nonnull(p->enrollment_token);
    strcpy(p->masked_target, type == GA_FACTOR_EMAIL ? "a***@example.com"
                                                     : "+86 188****5678");
    p->sent_at = sent_at;
    p->attempts = attempts;
}

/* Count entries of dir other than . and .. */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    ck_assert_ptr_nonnull(d);
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

/* alice's file, holding text, must be refused, removed and logged. */
static void expect_removed(const char *why)
{
    ga_pending_t p = {0};

    log_reset();
    ck_assert_int_eq(ga_state_load(sdir, "alice", geteuid(), NOW, 60, &p, &lg),
                     GA_ERR_NOT_FOUND);
    ck_assert_ptr_null(p.enrollment_token);
    ck_assert(!exists(sdir, "alice.pending"));
    ck_assert_int_eq(nlines, 1);
    ck_assert_int_eq(last_prio, LOG_WARNING);
    ck_assert_ptr_nonnull(strstr(logbuf, "alice.pending"));
    ck_assert_ptr_nonnull(strstr(logbuf, sdir));
    ck_assert_msg(strstr(logbuf, why) != NULL, "log \"%s\" lacks \"%s\"", logbuf, why);
    ck_assert_msg(strstr(logbuf, "SECRET") == NULL, "token in log: %s", logbuf);
}

/* ---- round trip ---------------------------------------------------------- */

START_TEST(test_roundtrip)
{
    ga_pending_t p;
    ga_pending_t q = {0};
    char path[PATH_MAX];
    struct stat st;
    json_object *obj = NULL;
    json_object *v = NULL;

    fill(&p, GA_FACTOR_SMS, TOKEN, NOW - 10, 2);
    ck_assert_int_eq(ga_state_save(sdir, "alice", geteuid(), &p, &lg), GA_OK);
    ck_assert_int_eq(ga_state_load(sdir, "alice", geteuid(), NOW, 60, &q, &lg), GA_OK);
    ck_assert_int_eq(q.type, GA_FACTOR_SMS);
    ck_assert_str_eq(q.enrollment_token, TOKEN);
    ck_assert_ptr_ne(q.enrollment_token, p.enrollment_token);
    ck_assert_str_eq(q.masked_target, "+86 188****5678");
    ck_assert_int_eq(q.sent_at, NOW - 10);
    ck_assert_int_eq(q.attempts, 2);
    ck_assert_int_eq(nlines, 0);
    /* 0600, the only entry (no temporary left), and the documented JSON */
    path_of(path, sizeof path, sdir, "alice.pending");
    ck_assert_int_eq(lstat(path, &st), 0);
    ck_assert(S_ISREG(st.st_mode));
    ck_assert_uint_eq(st.st_mode & 07777, 0600);
    ck_assert_uint_eq(st.st_uid, geteuid());
    ck_assert_int_eq(count_entries(sdir), 1);
    obj = json_object_from_file(path);
    ck_assert_ptr_nonnull(obj);
    ck_assert_int_eq(json_object_object_length(obj), 7);
    ck_assert(json_object_object_get_ex(obj, "version", &v));
    ck_assert_int_eq(json_object_get_int(v), 1);
    ck_assert(json_object_object_get_ex(obj, "user", &v));
    ck_assert_str_eq(json_object_get_string(v), "alice");
    ck_assert(json_object_object_get_ex(obj, "factorType", &v));
    ck_assert_str_eq(json_object_get_string(v), "SMS");
    ck_assert(json_object_object_get_ex(obj, "sentAt", &v));
    ck_assert_int_eq(json_object_get_int64(v), NOW - 10);
    json_object_put(obj);
    /* the loaded file is still there: load does not consume it */
    ck_assert(exists(sdir, "alice.pending"));
    ga_pending_clear(&p);
    ga_pending_clear(&q);
    ck_assert_ptr_null(q.enrollment_token);
    ck_assert_int_eq(q.type, GA_FACTOR_UNKNOWN);
    ck_assert_str_eq(q.masked_target, "");
}
END_TEST

START_TEST(test_roundtrip_email_odd_token)
{
    ga_pending_t p;
    ga_pending_t q = {0};

    fill(&p, GA_FACTOR_EMAIL, "a/b\\c\"d e'f", NOW, 0);
    ck_assert_int_eq(ga_state_save(sdir, "bob", geteuid(), &p, &lg), GA_OK);
    ck_assert_int_eq(ga_state_load(sdir, "bob", geteuid(), NOW, 60, &q, &lg), GA_OK);
    ck_assert_int_eq(q.type, GA_FACTOR_EMAIL);
    ck_assert_str_eq(q.enrollment_token, "a/b\\c\"d e'f");
    ck_assert_str_eq(q.masked_target, "a***@example.com");
    ck_assert_int_eq(q.attempts, 0);
    ga_pending_clear(&p);
    ga_pending_clear(&q);
}
END_TEST

START_TEST(test_roundtrip_longest_token)
{
    ga_pending_t p;
    ga_pending_t q = {0};
    char *tok = malloc(GA_TOKEN_MAX + 2);

    ck_assert_ptr_nonnull(tok);
    for (int i = 0; i < GA_TOKEN_MAX; i++)
        tok[i] = "abcXYZ0189._-/"[i % 14];
    tok[GA_TOKEN_MAX] = '\0';
    fill(&p, GA_FACTOR_SMS, tok, NOW, 100);
    ck_assert_int_eq(ga_state_save(sdir, "alice", geteuid(), &p, &lg), GA_OK);
    ck_assert_int_eq(ga_state_load(sdir, "alice", geteuid(), NOW, 60, &q, &lg), GA_OK);
    ck_assert_str_eq(q.enrollment_token, tok);
    ck_assert_int_eq(q.attempts, 100);
    ga_pending_clear(&q);
    ga_pending_clear(&p);
    /* one byte more is refused at save */
    tok[GA_TOKEN_MAX] = 'x';
    tok[GA_TOKEN_MAX + 1] = '\0';
    fill(&p, GA_FACTOR_SMS, tok, NOW, 0);
    ck_assert_int_eq(ga_state_save(sdir, "carol", geteuid(), &p, &lg), GA_ERR_INTERNAL);
    ck_assert(!exists(sdir, "carol.pending"));
    ga_pending_clear(&p);
    free(tok);
}
END_TEST

START_TEST(test_save_replaces)
{
    ga_pending_t p;
    ga_pending_t q = {0};

    fill(&p, GA_FACTOR_SMS, "first-token", NOW, 0);
    ck_assert_int_eq(ga_state_save(sdir, "alice", geteuid(), &p, &lg), GA_OK);
    ga_pending_clear(&p);
    fill(&p, GA_FACTOR_EMAIL, "second-token", NOW, 3);
    ck_assert_int_eq(ga_state_save(sdir, "alice", geteuid(), &p, &lg), GA_OK);
    ck_assert_int_eq(ga_state_load(sdir, "alice", geteuid(), NOW, 60, &q, &lg), GA_OK);
    ck_assert_str_eq(q.enrollment_token, "second-token");
    ck_assert_int_eq(q.type, GA_FACTOR_EMAIL);
    ck_assert_int_eq(q.attempts, 3);
    ck_assert_int_eq(count_entries(sdir), 1);
    ga_pending_clear(&p);
    ga_pending_clear(&q);
}
END_TEST

START_TEST(test_save_invalid)
{
    ga_pending_t p;

    fill(&p, GA_FACTOR_OTP, TOKEN, NOW, 0);
    ck_assert_int_eq(ga_state_save(sdir, "alice", geteuid(), &p, &lg), GA_ERR_INTERNAL);
    p.type = GA_FACTOR_FACE;
    ck_assert_int_eq(ga_state_save(sdir, "alice", geteuid(), &p, &lg), GA_ERR_INTERNAL);
    p.type = GA_FACTOR_SMS;
    p.attempts = 101;
    ck_assert_int_eq(ga_state_save(sdir, "alice", geteuid(), &p, &lg), GA_ERR_INTERNAL);
    p.attempts = -1;
    ck_assert_int_eq(ga_state_save(sdir, "alice", geteuid(), &p, &lg), GA_ERR_INTERNAL);
    p.attempts = 0;
    p.sent_at = -1;
    ck_assert_int_eq(ga_state_save(sdir, "alice", geteuid(), &p, &lg), GA_ERR_INTERNAL);
    p.sent_at = NOW;
    p.masked_target[0] = '\0';
    ck_assert_int_eq(ga_state_save(sdir, "alice", geteuid(), &p, &lg), GA_ERR_INTERNAL);
    strcpy(p.masked_target, "+86 188\x1b[2J");
    ck_assert_int_eq(ga_state_save(sdir, "alice", geteuid(), &p, &lg), GA_ERR_INTERNAL);
    strcpy(p.masked_target, "+86 188****5678");
    p.enrollment_token[3] = '\n';
    ck_assert_int_eq(ga_state_save(sdir, "alice", geteuid(), &p, &lg), GA_ERR_INTERNAL);
    p.enrollment_token[0] = '\0';
    ck_assert_int_eq(ga_state_save(sdir, "alice", geteuid(), &p, &lg), GA_ERR_INTERNAL);
    ga_pending_clear(&p);
    ck_assert_int_eq(ga_state_save(sdir, "alice", geteuid(), &p, &lg), GA_ERR_INTERNAL);
    ck_assert_int_eq(ga_state_save(sdir, "alice", geteuid(), NULL, &lg), GA_ERR_INTERNAL);
    ck_assert_int_eq(count_entries(sdir), 0);
    ck_assert_ptr_null(strstr(logbuf, "SECRET"));
}
END_TEST

START_TEST(test_pending_clear)
{
    ga_pending_t p;

    ga_pending_clear(NULL);
    fill(&p, GA_FACTOR_SMS, TOKEN, NOW, 4);
    ga_pending_clear(&p);
    ck_assert_ptr_null(p.enrollment_token);
    ck_assert_int_eq(p.type, GA_FACTOR_UNKNOWN);
    ck_assert_int_eq(p.attempts, 0);
    ck_assert_int_eq(p.sent_at, 0);
    ga_pending_clear(&p); /* twice is fine */
}
END_TEST

/* ---- state_dir ------------------------------------------------------------ */

START_TEST(test_prepare_creates_0700_umask0)
{
    char dir[PATH_MAX];
    char err[256] = "";
    struct stat st;
    ga_pending_t p;
    mode_t old = umask(0);

    path_of(dir, sizeof dir, base, "fresh");
    ck_assert_int_eq(ga_state_dir_prepare(dir, geteuid(), err, sizeof err), GA_OK);
    ck_assert_str_eq(err, "");
    ck_assert_int_eq(lstat(dir, &st), 0);
    ck_assert(S_ISDIR(st.st_mode));
    ck_assert_uint_eq(st.st_mode & 07777, 0700);
    fill(&p, GA_FACTOR_SMS, TOKEN, NOW, 0);
    ck_assert_int_eq(ga_state_save(dir, "alice", geteuid(), &p, &lg), GA_OK);
    ga_pending_clear(&p);
    path_of(dir, sizeof dir, base, "fresh/alice.pending");
    ck_assert_int_eq(lstat(dir, &st), 0);
    ck_assert_uint_eq(st.st_mode & 07777, 0600);
    /* preparing again is fine */
    path_of(dir, sizeof dir, base, "fresh");
    ck_assert_int_eq(ga_state_dir_prepare(dir, geteuid(), err, sizeof err), GA_OK);
    (void)umask(old);
}
END_TEST

static const mode_t bad_dir_modes[] = {0755, 0777, 0750, 0701, 0710, 0770};

START_TEST(test_prepare_bad_mode)
{
    char err[256] = "";
    char want[32];
    mode_t m = bad_dir_modes[_i];

    ck_assert_int_eq(chmod(sdir, m), 0);
    ck_assert_int_eq(ga_state_dir_prepare(sdir, geteuid(), err, sizeof err),
                     GA_ERR_CONFIG);
    ck_assert_ptr_nonnull(strstr(err, sdir));
    ck_assert_ptr_nonnull(strstr(err, "group or others"));
    (void)snprintf(want, sizeof want, "(mode 0%03o", (unsigned)m);
    ck_assert_msg(strstr(err, want) != NULL, "err \"%s\"", err);
}
END_TEST

START_TEST(test_prepare_symlink)
{
    char link[PATH_MAX];
    char err[256] = "";

    path_of(link, sizeof link, base, "link");
    ck_assert_int_eq(symlink(sdir, link), 0);
    ck_assert_int_eq(ga_state_dir_prepare(link, geteuid(), err, sizeof err),
                     GA_ERR_CONFIG);
    ck_assert_ptr_nonnull(strstr(err, link));
    ck_assert_ptr_nonnull(strstr(err, "is a symlink"));
    /* a dangling symlink is not followed and created either */
    ck_assert_int_eq(unlink(link), 0);
    path_of(err, sizeof err, base, "nowhere");
    ck_assert_int_eq(symlink(err, link), 0);
    ck_assert_int_eq(ga_state_dir_prepare(link, geteuid(), err, sizeof err),
                     GA_ERR_CONFIG);
    ck_assert_ptr_nonnull(strstr(err, "is a symlink"));
    ck_assert(!exists(base, "nowhere"));
}
END_TEST

START_TEST(test_prepare_not_dir_and_relative)
{
    char path[PATH_MAX];
    char err[256] = "";

    path_of(path, sizeof path, base, "file");
    write_file(path, "x", 1, 0600);
    ck_assert_int_eq(ga_state_dir_prepare(path, geteuid(), err, sizeof err),
                     GA_ERR_CONFIG);
    ck_assert_ptr_nonnull(strstr(err, "is not a directory"));
    ck_assert_int_eq(ga_state_dir_prepare("relative/state", geteuid(), err,
                                          sizeof err),
                     GA_ERR_CONFIG);
    ck_assert_ptr_nonnull(strstr(err, "absolute"));
    ck_assert_int_eq(ga_state_dir_prepare("", geteuid(), err, sizeof err),
                     GA_ERR_CONFIG);
    ck_assert_int_eq(ga_state_dir_prepare(NULL, geteuid(), err, sizeof err),
                     GA_ERR_CONFIG);
    /* a tiny or missing err buffer is fine */
    ck_assert_int_eq(ga_state_dir_prepare(path, geteuid(), err, 1), GA_ERR_CONFIG);
    ck_assert_str_eq(err, "");
    ck_assert_int_eq(ga_state_dir_prepare(path, geteuid(), NULL, 0), GA_ERR_CONFIG);
}
END_TEST

START_TEST(test_prepare_parent_missing)
{
    char dir[PATH_MAX];
    char err[256] = "";

    path_of(dir, sizeof dir, base, "no/such/state");
    ck_assert_int_eq(ga_state_dir_prepare(dir, geteuid(), err, sizeof err),
                     GA_ERR_CONFIG);
    ck_assert_ptr_nonnull(strstr(err, dir));
    ck_assert_ptr_nonnull(strstr(err, "cannot be created"));
    ck_assert(!exists(base, "no"));
}
END_TEST

START_TEST(test_prepare_foreign_owner)
{
    char err[256] = "";
    ga_pending_t p = {0};

    if (geteuid() != 0)
        return; /* needs root to chown */
    ck_assert_int_eq(chown(sdir, NOBODY, NOBODY), 0);
    ck_assert_int_eq(ga_state_dir_prepare(sdir, 0, err, sizeof err), GA_ERR_CONFIG);
    ck_assert_ptr_nonnull(strstr(err, "not owned by root"));
    ck_assert_int_eq(ga_state_load(sdir, "alice", 0, NOW, 60, &p, &lg), GA_ERR_CONFIG);
    ck_assert_int_eq(last_prio, LOG_ERR);
}
END_TEST

START_TEST(test_unusable_dir_at_load_and_save)
{
    ga_pending_t p;
    ga_pending_t q = {0};
    char link[PATH_MAX];

    fill(&p, GA_FACTOR_SMS, TOKEN, NOW, 0);
    ck_assert_int_eq(ga_state_save(sdir, "alice", geteuid(), &p, &lg), GA_OK);
    ck_assert_int_eq(chmod(sdir, 0755), 0);
    ck_assert_int_eq(ga_state_load(sdir, "alice", geteuid(), NOW, 60, &q, &lg),
                     GA_ERR_CONFIG);
    ck_assert_int_eq(last_prio, LOG_ERR);
    ck_assert_ptr_nonnull(strstr(logbuf, "group or others"));
    ck_assert_int_eq(ga_state_save(sdir, "alice", geteuid(), &p, &lg), GA_ERR_CONFIG);
    ck_assert_int_eq(chmod(sdir, 0777), 0);
    ck_assert_int_eq(ga_state_load(sdir, "alice", geteuid(), NOW, 60, &q, &lg),
                     GA_ERR_CONFIG);
    ck_assert_int_eq(chmod(sdir, 0700), 0);
    ck_assert(exists(sdir, "alice.pending")); /* untouched */
    /* state_dir replaced by a symlink to a good directory */
    path_of(link, sizeof link, base, "link");
    ck_assert_int_eq(symlink(sdir, link), 0);
    log_reset();
    ck_assert_int_eq(ga_state_load(link, "alice", geteuid(), NOW, 60, &q, &lg),
                     GA_ERR_CONFIG);
    ck_assert_ptr_nonnull(strstr(logbuf, "symlink"));
    ck_assert_int_eq(ga_state_save(link, "alice", geteuid(), &p, &lg), GA_ERR_CONFIG);
    ck_assert_int_eq(ga_state_remove(link, "alice", &lg), GA_ERR_CONFIG);
    ck_assert(exists(sdir, "alice.pending"));
    ck_assert_ptr_null(q.enrollment_token);
    ck_assert_ptr_null(strstr(logbuf, "SECRET"));
    ga_pending_clear(&p);
}
END_TEST

START_TEST(test_missing_dir)
{
    ga_pending_t p;
    ga_pending_t q = {0};
    char dir[PATH_MAX];

    path_of(dir, sizeof dir, base, "gone");
    fill(&p, GA_FACTOR_SMS, TOKEN, NOW, 0);
    ck_assert_int_eq(ga_state_load(dir, "alice", geteuid(), NOW, 60, &q, &lg),
                     GA_ERR_NOT_FOUND);
    ck_assert_int_eq(ga_state_save(dir, "alice", geteuid(), &p, &lg), GA_ERR_CONFIG);
    ck_assert_int_eq(last_prio, LOG_ERR);
    ck_assert_int_eq(ga_state_remove(dir, "alice", &lg), GA_OK);
    ck_assert(!exists(base, "gone"));
    ga_pending_clear(&p);
}
END_TEST

/* ---- untrusted files are removed ---------------------------------------- */

START_TEST(test_load_none)
{
    ga_pending_t q = {0};

    ck_assert_int_eq(ga_state_load(sdir, "alice", geteuid(), NOW, 60, &q, &lg),
                     GA_ERR_NOT_FOUND);
    ck_assert_int_eq(nlines, 0);
    ck_assert_int_eq(ga_state_load(sdir, "", geteuid(), NOW, 60, &q, &lg),
                     GA_ERR_NOT_FOUND);
    ck_assert_int_eq(ga_state_load(sdir, NULL, geteuid(), NOW, 60, &q, &lg),
                     GA_ERR_INTERNAL);
    ck_assert_int_eq(ga_state_load(sdir, "alice", geteuid(), NOW, 60, NULL, &lg),
                     GA_ERR_INTERNAL);
}
END_TEST

/* An expired file is normal life (LOG_INFO); one dated in the future is
 * not to be trusted (LOG_WARNING). */
static const struct {
    long long sent_at;
    long lifetime;
    int ok;
    const char *why;
    int prio;
} ages[] = {
    {NOW, 60, 1, NULL, 0},
    {NOW - 59, 60, 1, NULL, 0},
    {NOW - 60, 60, 0, "has expired; removed", LOG_INFO},
    {NOW - 61, 60, 0, "has expired; removed", LOG_INFO},
    {0, 60, 0, "has expired; removed", LOG_INFO},
    {NOW - 100, 120, 1, NULL, 0},
    {NOW + 5, 60, 1, NULL, 0},
    {NOW + 6, 60, 0, "is dated in the future; removed", LOG_WARNING},
    {9223372036854775807LL, 60, 0, "is dated in the future; removed", LOG_WARNING},
    {NOW, 0, 0, "has expired; removed", LOG_INFO},
};

START_TEST(test_load_age)
{
    char text[512];
    ga_pending_t q = {0};

    make_text(text, sizeof text, "alice", "SMS", TOKEN, ages[_i].sent_at, 1);
    write_state("alice.pending", text, 0600);
    if (ages[_i].ok) {
        ck_assert_int_eq(ga_state_load(sdir, "alice", geteuid(), NOW,
                                       ages[_i].lifetime, &q, &lg),
                         GA_OK);
        ck_assert_str_eq(q.enrollment_token, TOKEN);
        ck_assert_int_eq(q.sent_at, ages[_i].sent_at);
        ck_assert(exists(sdir, "alice.pending"));
        ga_pending_clear(&q);
        return;
    }
    log_reset();
    ck_assert_int_eq(ga_state_load(sdir, "alice", geteuid(), NOW,
                                   ages[_i].lifetime, &q, &lg),
                     GA_ERR_NOT_FOUND);
    ck_assert(!exists(sdir, "alice.pending"));
    ck_assert_msg(strstr(logbuf, ages[_i].why) != NULL, "log \"%s\"", logbuf);
    ck_assert_int_eq(nlines, 1);
    ck_assert_int_eq(last_prio, ages[_i].prio);
    ck_assert_ptr_null(strstr(logbuf, "SECRET"));
}
END_TEST

#define GOOD_HEAD "{\"version\":1,\"user\":\"alice\",\"factorType\":\"SMS\","
#define GOOD_TOK "\"enrollmentToken\":\"SECRET-TOKEN\","
#define GOOD_MASK "\"maskedTarget\":\"+86 188****5678\","
#define GOOD_TAIL "\"sentAt\":1700000000,\"attempts\":0}"
#define GOOD GOOD_HEAD GOOD_TOK GOOD_MASK GOOD_TAIL

static const struct {
    const char *text;
    const char *why;
} bad_files[] = {
    {"", "not a valid JSON"},
    {"{not json", "not a valid JSON"},
    {"[]", "not a valid JSON"},
    {"null", "not a valid JSON"},
    {"\"SECRET\"", "not a valid JSON"},
    {"{}", "fields"},
    {GOOD " x", "not a valid JSON"},
    {GOOD GOOD, "not a valid JSON"},
    {"{'version':1}", "fields"},
    {"{\"version\":\"1\",\"user\":\"alice\",\"factorType\":\"SMS\"," GOOD_TOK GOOD_MASK GOOD_TAIL, "fields"},
    {"{\"version\":1.0,\"user\":\"alice\",\"factorType\":\"SMS\"," GOOD_TOK GOOD_MASK GOOD_TAIL, "fields"},
    {"{\"version\":2,\"user\":\"alice\",\"factorType\":\"SMS\"," GOOD_TOK GOOD_MASK GOOD_TAIL, "version"},
    {"{\"version\":1,\"user\":\"bob\",\"factorType\":\"SMS\"," GOOD_TOK GOOD_MASK GOOD_TAIL, "another user"},
    {"{\"version\":1,\"user\":\"alice2\",\"factorType\":\"SMS\"," GOOD_TOK GOOD_MASK GOOD_TAIL, "another user"},
    {"{\"version\":1,\"user\":\"ALICE\",\"factorType\":\"SMS\"," GOOD_TOK GOOD_MASK GOOD_TAIL, "another user"},
    {"{\"version\":1,\"user\":\"alice\\u0000x\",\"factorType\":\"SMS\"," GOOD_TOK GOOD_MASK GOOD_TAIL, "fields"},
    {"{\"version\":1,\"user\":null,\"factorType\":\"SMS\"," GOOD_TOK GOOD_MASK GOOD_TAIL, "fields"},
    {"{\"version\":1,\"user\":\"alice\",\"factorType\":\"OTP\"," GOOD_TOK GOOD_MASK GOOD_TAIL, "factor type"},
    {"{\"version\":1,\"user\":\"alice\",\"factorType\":\"FACE\"," GOOD_TOK GOOD_MASK GOOD_TAIL, "factor type"},
    {"{\"version\":1,\"user\":\"alice\",\"factorType\":\"sms\"," GOOD_TOK GOOD_MASK GOOD_TAIL, "factor type"},
    {"{\"version\":1,\"user\":\"alice\",\"factorType\":\"UNKNOWN\"," GOOD_TOK GOOD_MASK GOOD_TAIL, "factor type"},
    {"{\"version\":1,\"user\":\"alice\",\"factorType\":1," GOOD_TOK GOOD_MASK GOOD_TAIL, "fields"},
    {GOOD_HEAD "\"enrollmentToken\":\"\"," GOOD_MASK GOOD_TAIL, "bad token"},
    {GOOD_HEAD "\"enrollmentToken\":\"SECRET\\u0001\"," GOOD_MASK GOOD_TAIL, "bad token"},
    {GOOD_HEAD "\"enrollmentToken\":\"SECRET\\nX\"," GOOD_MASK GOOD_TAIL, "bad token"},
    {GOOD_HEAD "\"enrollmentToken\":\"SECRET\\u0000X\"," GOOD_MASK GOOD_TAIL, "fields"},
    {GOOD_HEAD "\"enrollmentToken\":12345," GOOD_MASK GOOD_TAIL, "fields"},
    {GOOD_HEAD "\"enrollmentToken\":[\"SECRET\"]," GOOD_MASK GOOD_TAIL, "fields"},
    {GOOD_HEAD GOOD_TOK "\"maskedTarget\":\"\"," GOOD_TAIL, "masked target"},
    {GOOD_HEAD GOOD_TOK "\"maskedTarget\":\"+86\\u001b[2J\"," GOOD_TAIL, "masked target"},
    {GOOD_HEAD GOOD_TOK "\"maskedTarget\":\"\\u00e9***@x.com\"," GOOD_TAIL, "masked target"},
    {GOOD_HEAD GOOD_TOK GOOD_MASK "\"sentAt\":\"1700000000\",\"attempts\":0}", "fields"},
    {GOOD_HEAD GOOD_TOK GOOD_MASK "\"sentAt\":1700000000.5,\"attempts\":0}", "fields"},
    {GOOD_HEAD GOOD_TOK GOOD_MASK "\"sentAt\":-1,\"attempts\":0}", "send time"},
    {GOOD_HEAD GOOD_TOK GOOD_MASK "\"sentAt\":1700000000,\"attempts\":101}", "attempt"},
    {GOOD_HEAD GOOD_TOK GOOD_MASK "\"sentAt\":1700000000,\"attempts\":-1}", "attempt"},
    {GOOD_HEAD GOOD_TOK GOOD_MASK "\"sentAt\":1700000000,\"attempts\":\"0\"}", "fields"},
    {GOOD_HEAD GOOD_TOK GOOD_MASK "\"sentAt\":1700000000,\"attempts\":true}", "fields"},
    {GOOD_HEAD GOOD_TOK GOOD_MASK "\"sentAt\":1700000000}", "fields"},
    {GOOD_HEAD GOOD_TOK GOOD_MASK "\"sentAt\":1700000000,\"attempts\":0,\"x\":1}", "fields"},
    {GOOD_HEAD GOOD_TOK GOOD_MASK "\"sentAt\":1700000000,\"attempts\":0,\"x\":{\"y\":{\"z\":{\"w\":[1]}}}}", "not a valid JSON"},
    {GOOD_HEAD GOOD_TOK GOOD_MASK "\"sentAt\":1700000000,\"atempts\":0}", "fields"},
};

START_TEST(test_load_bad_file)
{
    write_state("alice.pending", bad_files[_i].text, 0600);
    expect_removed(bad_files[_i].why);
}
END_TEST

START_TEST(test_load_good_variants)
{
    ga_pending_t q = {0};

    /* trailing newline and pretty-printing are fine */
    write_state("alice.pending", GOOD "\n", 0600);
    ck_assert_int_eq(ga_state_load(sdir, "alice", geteuid(), NOW, 60, &q, &lg), GA_OK);
    ck_assert_str_eq(q.enrollment_token, "SECRET-TOKEN");
    ga_pending_clear(&q);
    write_state("alice.pending",
                "{\n  \"attempts\": 7,\n  \"sentAt\": 1700000000,\n"
                "  \"maskedTarget\": \"a***@example.com\",\n"
                "  \"enrollmentToken\": \"SECRET-TOKEN\",\n"
                "  \"factorType\": \"EMAIL\",\n  \"user\": \"alice\",\n"
                "  \"version\": 1\n}\n",
                0600);
    ck_assert_int_eq(ga_state_load(sdir, "alice", geteuid(), NOW, 60, &q, &lg), GA_OK);
    ck_assert_int_eq(q.type, GA_FACTOR_EMAIL);
    ck_assert_int_eq(q.attempts, 7);
    ck_assert_str_eq(q.masked_target, "a***@example.com");
    ga_pending_clear(&q);
    ck_assert_int_eq(nlines, 0);
}
END_TEST

START_TEST(test_load_nul_inside)
{
    char path[PATH_MAX];
    char text[] = GOOD;

    text[10] = '\0';
    path_of(path, sizeof path, sdir, "alice.pending");
    write_file(path, text, sizeof text - 1, 0600);
    expect_removed("not a valid JSON");
}
END_TEST

START_TEST(test_load_truncated)
{
    char text[512];
    size_t len;

    make_text(text, sizeof text, "alice", "SMS", "SECRET-TOKEN", NOW, 0);
    len = strlen(text);
    for (size_t cut = 0; cut < len; cut++) {
        char path[PATH_MAX];
        path_of(path, sizeof path, sdir, "alice.pending");
        write_file(path, text, cut, 0600);
        expect_removed(cut == 0 ? "not a valid JSON" : "");
    }
}
END_TEST

START_TEST(test_load_oversized)
{
    size_t len = 16 * 1024 + 1;
    char *text = malloc(len + 1);
    size_t good = strlen(GOOD);

    ck_assert_ptr_nonnull(text);
    /* a valid object padded with spaces past 16 KiB */
    memset(text, ' ', len);
    memcpy(text, GOOD, good);
    text[len] = '\0';
    write_state("alice.pending", text, 0600);
    expect_removed("too large");
    /* exactly 16 KiB is still read */
    text[len - 1] = '\0';
    write_state("alice.pending", text, 0600);
    {
        ga_pending_t q = {0};
        ck_assert_int_eq(ga_state_load(sdir, "alice", geteuid(), NOW, 60, &q, &lg),
                         GA_OK);
        ga_pending_clear(&q);
    }
    /* 1 MiB of junk */
    free(text);
    len = 1024 * 1024;
    text = malloc(len + 1);
    ck_assert_ptr_nonnull(text);
    memset(text, '{', len);
    text[len] = '\0';
    write_state("alice.pending", text, 0600);
    expect_removed("too large");
    free(text);
}
END_TEST

static const mode_t bad_file_modes[] = {0644, 0640, 0604, 0660, 0606, 0666, 0622};

START_TEST(test_load_bad_mode)
{
    write_state("alice.pending", GOOD, bad_file_modes[_i]);
    expect_removed("group or others");
}
END_TEST

START_TEST(test_load_symlink)
{
    char outside[PATH_MAX];
    char link[PATH_MAX];
    char buf[512];
    struct stat st;
    FILE *f;
    size_t n;

    /* a target outside state_dir with valid, trusted content */
    path_of(outside, sizeof outside, base, "outside.json");
    write_file(outside, GOOD, strlen(GOOD), 0600);
    path_of(link, sizeof link, sdir, "alice.pending");
    ck_assert_int_eq(symlink(outside, link), 0);
    expect_removed("symlink");
    ck_assert_int_eq(lstat(outside, &st), 0);
    ck_assert(S_ISREG(st.st_mode));
    f = fopen(outside, "r");
    ck_assert_ptr_nonnull(f);
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    ck_assert_str_eq(buf, GOOD);
    /* a dangling one too */
    ck_assert_int_eq(symlink("/nonexistent/ga_state", link), 0);
    expect_removed("symlink");
}
END_TEST

START_TEST(test_save_over_symlink)
{
    char outside[PATH_MAX];
    char link[PATH_MAX];
    ga_pending_t p;
    struct stat st;

    path_of(outside, sizeof outside, base, "victim");
    write_file(outside, "keep", 4, 0600);
    path_of(link, sizeof link, sdir, "alice.pending");
    ck_assert_int_eq(symlink(outside, link), 0);
    fill(&p, GA_FACTOR_SMS, TOKEN, NOW, 0);
    ck_assert_int_eq(ga_state_save(sdir, "alice", geteuid(), &p, &lg), GA_OK);
    ga_pending_clear(&p);
    ck_assert_int_eq(lstat(link, &st), 0);
    ck_assert(S_ISREG(st.st_mode)); /* the link itself was replaced */
    ck_assert_int_eq(lstat(outside, &st), 0);
    ck_assert_int_eq(st.st_size, 4);
}
END_TEST

START_TEST(test_save_failure_leaves_nothing)
{
    char path[PATH_MAX];
    ga_pending_t p;

    /* a non-empty directory at the file name: the rename fails */
    path_of(path, sizeof path, sdir, "alice.pending");
    ck_assert_int_eq(mkdir(path, 0700), 0);
    path_of(path, sizeof path, sdir, "alice.pending/keep");
    write_file(path, "x", 1, 0600);
    fill(&p, GA_FACTOR_SMS, TOKEN, NOW, 0);
    ck_assert_int_eq(ga_state_save(sdir, "alice", geteuid(), &p, &lg), GA_ERR_CONFIG);
    ga_pending_clear(&p);
    ck_assert_int_eq(last_prio, LOG_ERR);
    ck_assert_ptr_nonnull(strstr(logbuf, "rename failed"));
    ck_assert_ptr_null(strstr(logbuf, "SECRET"));
    ck_assert_int_eq(count_entries(sdir), 1); /* no temporary left */
}
END_TEST

START_TEST(test_load_not_regular)
{
    char path[PATH_MAX];

    path_of(path, sizeof path, sdir, "alice.pending");
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    expect_removed("not a regular file");
    ck_assert_int_eq(mkdir(path, 0700), 0);
    expect_removed("not a regular file");
}
END_TEST

START_TEST(test_load_hard_link)
{
    char outside[PATH_MAX];
    char path[PATH_MAX];
    struct stat st;

    path_of(outside, sizeof outside, base, "outside.json");
    write_file(outside, GOOD, strlen(GOOD), 0600);
    path_of(path, sizeof path, sdir, "alice.pending");
    ck_assert_int_eq(link(outside, path), 0);
    expect_removed("hard link");
    ck_assert_int_eq(lstat(outside, &st), 0);
    ck_assert_int_eq(st.st_nlink, 1);
}
END_TEST

START_TEST(test_load_foreign_owner)
{
    char path[PATH_MAX];

    if (geteuid() != 0)
        return; /* needs root to chown */
    write_state("alice.pending", GOOD, 0600);
    path_of(path, sizeof path, sdir, "alice.pending");
    ck_assert_int_eq(chown(path, NOBODY, NOBODY), 0);
    expect_removed("not owned by root");
}
END_TEST

START_TEST(test_remove)
{
    ga_pending_t p;

    fill(&p, GA_FACTOR_SMS, TOKEN, NOW, 0);
    ck_assert_int_eq(ga_state_save(sdir, "alice", geteuid(), &p, &lg), GA_OK);
    ck_assert_int_eq(ga_state_save(sdir, "bob", geteuid(), &p, &lg), GA_OK);
    ga_pending_clear(&p);
    ck_assert_int_eq(ga_state_remove(sdir, "alice", &lg), GA_OK);
    ck_assert(!exists(sdir, "alice.pending"));
    ck_assert(exists(sdir, "bob.pending"));
    ck_assert_int_eq(ga_state_remove(sdir, "alice", &lg), GA_OK);
    ck_assert_int_eq(ga_state_remove(sdir, "nobody-here", &lg), GA_OK);
    ck_assert_int_eq(ga_state_remove(sdir, "", &lg), GA_OK);
    ck_assert_int_eq(ga_state_remove(sdir, NULL, &lg), GA_ERR_INTERNAL);
    ck_assert_int_eq(nlines, 0);
}
END_TEST

/* ---- file names ---------------------------------------------------------- */

static const struct {
    const char *user;
    const char *name;
} names[] = {
    {"alice", "alice.pending"},
    {"Bob_1.x-y", "Bob_1.x-y.pending"},
    {"-rf", "-rf.pending"},
    {".hidden", "x-2e68696464656e.pending"},
    {"a/b", "x-612f62.pending"},
    {"../x", "x-2e2e2f78.pending"},
    {"..", "x-2e2e.pending"},
    {"j\xc3\xbcrgen", "x-6ac3bc7267656e.pending"},
    {"a b", "x-612062.pending"},
    {"DOMAIN\\user", "x-444f4d41494e5c75736572.pending"},
    {"x\n", "x-780a.pending"},
    /* names starting with "x-" are hex too: no plain name looks like hex */
    {"x-612f62", "x-782d363132663632.pending"},
    {"x-", "x-782d.pending"},
    {"x-alice", "x-782d616c696365.pending"},
    {"x", "x.pending"},
    {"x_1", "x_1.pending"},
    {"xx-1", "xx-1.pending"},
    {"X-1", "X-1.pending"},
    {"a-x-1", "a-x-1.pending"},
};

START_TEST(test_file_name)
{
    char out[300];

    ck_assert_int_eq(ga_state_file_name(names[_i].user, out, sizeof out), 0);
    ck_assert_str_eq(out, names[_i].name);
    ck_assert_ptr_null(strchr(out, '/'));
    ck_assert_int_ne(out[0], '.');
}
END_TEST

START_TEST(test_file_name_limits)
{
    char user[400];
    char out[300];

    ck_assert_int_eq(ga_state_file_name("", out, sizeof out), -1);
    ck_assert_int_eq(ga_state_file_name(NULL, out, sizeof out), -1);
    ck_assert_int_eq(ga_state_file_name("alice", NULL, 10), -1);
    /* 300 characters: refused */
    memset(user, 'a', 300);
    user[300] = '\0';
    ck_assert_int_eq(ga_state_file_name(user, out, sizeof out), -1);
    /* the file name must fit NAME_MAX (255) with ".pending" */
    user[247] = '\0';
    ck_assert_int_eq(ga_state_file_name(user, out, sizeof out), 0);
    ck_assert_uint_eq(strlen(out), 255);
    user[247] = 'a';
    user[248] = '\0';
    ck_assert_int_eq(ga_state_file_name(user, out, sizeof out), -1);
    /* hex names: 2 + 2 * 122 + 8 = 254 */
    memset(user, '/', 122);
    user[122] = '\0';
    ck_assert_int_eq(ga_state_file_name(user, out, sizeof out), 0);
    ck_assert_uint_eq(strlen(out), 254);
    user[122] = '/';
    user[123] = '\0';
    ck_assert_int_eq(ga_state_file_name(user, out, sizeof out), -1);
    /* a name starting with "x-" is hex even when it would fit plain */
    memset(user, 'a', 122);
    memcpy(user, "x-", 2);
    user[122] = '\0';
    ck_assert_int_eq(ga_state_file_name(user, out, sizeof out), 0);
    ck_assert_uint_eq(strlen(out), 254);
    ck_assert_int_eq(strncmp(out, "x-782d6161", 10), 0);
    user[122] = 'a';
    user[123] = '\0';
    ck_assert_int_eq(ga_state_file_name(user, out, sizeof out), -1);
    /* out exactly big enough, and one byte short */
    ck_assert_int_eq(ga_state_file_name("alice", out, 14), 0);
    ck_assert_str_eq(out, "alice.pending");
    ck_assert_int_eq(ga_state_file_name("alice", out, 13), -1);
    ck_assert_int_eq(ga_state_file_name("a/b", out, 17), 0);
    ck_assert_int_eq(ga_state_file_name("a/b", out, 16), -1);
}
END_TEST

START_TEST(test_odd_users_stay_inside)
{
    static const char *const users[] = {"../x", "a/b", ".hidden", "j\xc3\xbcrgen"};
    ga_pending_t p;
    ga_pending_t q = {0};

    fill(&p, GA_FACTOR_SMS, TOKEN, NOW, 0);
    for (int i = 0; i < N(users); i++) {
        ck_assert_int_eq(ga_state_save(sdir, users[i], geteuid(), &p, &lg), GA_OK);
        ck_assert_int_eq(ga_state_load(sdir, users[i], geteuid(), NOW, 60, &q, &lg),
                         GA_OK);
        ck_assert_str_eq(q.enrollment_token, TOKEN);
        ga_pending_clear(&q);
    }
    ck_assert_int_eq(count_entries(sdir), N(users));
    ck_assert_int_eq(count_entries(base), 1); /* only state/ */
    ck_assert(exists(sdir, "x-2e2e2f78.pending"));
    ck_assert(!exists(base, "x.pending"));
    /* a 300-character user cannot be stored, and is simply not found */
    {
        char user[301];
        memset(user, 'u', 300);
        user[300] = '\0';
        ck_assert_int_eq(ga_state_save(sdir, user, geteuid(), &p, &lg), GA_ERR_CONFIG);
        ck_assert_int_eq(ga_state_load(sdir, user, geteuid(), NOW, 60, &q, &lg),
                         GA_ERR_NOT_FOUND);
        ck_assert_int_eq(ga_state_remove(sdir, user, &lg), GA_OK);
    }
    ga_pending_clear(&p);
}
END_TEST

/* User "x-612f62" looks like the hex form of "a/b": the two must never
 * share a file, whichever comes first. */
static const char *const twins[2] = {"a/b", "x-612f62"};

START_TEST(test_no_collision_names)
{
    char a[300];
    char b[300];

    ck_assert_int_eq(ga_state_file_name(twins[0], a, sizeof a), 0);
    ck_assert_int_eq(ga_state_file_name(twins[1], b, sizeof b), 0);
    ck_assert_str_ne(a, b);
    ck_assert_str_eq(a, "x-612f62.pending");
    ck_assert_str_eq(b, "x-782d363132663632.pending");
}
END_TEST

/* Load user and expect token, with nothing logged. */
static void expect_token(const char *user, const char *token)
{
    ga_pending_t q = {0};

    log_reset();
    ck_assert_int_eq(ga_state_load(sdir, user, geteuid(), NOW, 60, &q, &lg), GA_OK);
    ck_assert_str_eq(q.enrollment_token, token);
    ck_assert_int_eq(nlines, 0);
    ga_pending_clear(&q);
}

START_TEST(test_no_collision_files)
{
    const char *first = twins[_i];
    const char *second = twins[1 - _i];
    ga_pending_t p;
    ga_pending_t q = {0};

    /* loading for the second user neither finds nor removes the first's */
    fill(&p, GA_FACTOR_SMS, "token-first", NOW, 1);
    ck_assert_int_eq(ga_state_save(sdir, first, geteuid(), &p, &lg), GA_OK);
    ga_pending_clear(&p);
    ck_assert_int_eq(ga_state_load(sdir, second, geteuid(), NOW, 60, &q, &lg),
                     GA_ERR_NOT_FOUND);
    ck_assert_ptr_null(q.enrollment_token);
    ck_assert_int_eq(nlines, 0);
    expect_token(first, "token-first");
    /* saving for the second does not overwrite the first's */
    fill(&p, GA_FACTOR_EMAIL, "token-second", NOW, 2);
    ck_assert_int_eq(ga_state_save(sdir, second, geteuid(), &p, &lg), GA_OK);
    ga_pending_clear(&p);
    ck_assert_int_eq(count_entries(sdir), 2);
    expect_token(first, "token-first");
    expect_token(second, "token-second");
    /* saving again for the first leaves the second's alone */
    fill(&p, GA_FACTOR_SMS, "token-first-2", NOW, 0);
    ck_assert_int_eq(ga_state_save(sdir, first, geteuid(), &p, &lg), GA_OK);
    ga_pending_clear(&p);
    expect_token(second, "token-second");
    expect_token(first, "token-first-2");
    /* removing one keeps the other */
    ck_assert_int_eq(ga_state_remove(sdir, first, &lg), GA_OK);
    expect_token(second, "token-second");
    ck_assert_int_eq(count_entries(sdir), 1);
}
END_TEST

/* ---- concurrency ---------------------------------------------------------- */

#define ROUNDS 200

static void saver(const char *token)
{
    ga_pending_t p = {0};
    int bad = 0;

    p.type = GA_FACTOR_SMS;
    p.enrollment_token = strdup(token);
    strcpy(p.masked_target, "+86 188****5678");
    p.sent_at = NOW;
    for (int i = 0; i < ROUNDS && p.enrollment_token; i++)
        if (ga_state_save(sdir, "alice", geteuid(), &p, NULL) != GA_OK)
            bad = 1;
    free(p.enrollment_token);
    _exit(bad || !p.enrollment_token ? 1 : 0);
}

static void loader(void)
{
    int bad = 0;

    for (int i = 0; i < ROUNDS; i++) {
        ga_pending_t q = {0};
        /* the file exists throughout: replacing it is atomic */
        ga_status_t st = ga_state_load(sdir, "alice", geteuid(), NOW, 60, &q, &lg);
        if (st != GA_OK)
            bad = 1;
        if (st == GA_OK && strcmp(q.enrollment_token, "token-one") != 0 &&
            strcmp(q.enrollment_token, "token-two") != 0)
            bad = 1;
        ga_pending_clear(&q);
    }
    if (bad || nlines != 0)
        fprintf(stderr, "loader: bad=%d log:\n%s", bad, logbuf);
    /* no file was ever judged corrupt */
    _exit(bad || nlines != 0 ? 1 : 0);
}

START_TEST(test_concurrent_saves)
{
    pid_t pids[3];
    ga_pending_t q = {0};

    fill(&q, GA_FACTOR_SMS, "token-one", NOW, 0);
    ck_assert_int_eq(ga_state_save(sdir, "alice", geteuid(), &q, &lg), GA_OK);
    ga_pending_clear(&q);
    pids[0] = fork();
    if (pids[0] == 0)
        saver("token-one");
    pids[1] = fork();
    if (pids[1] == 0)
        saver("token-two");
    pids[2] = fork();
    if (pids[2] == 0)
        loader();
    for (int i = 0; i < 3; i++) {
        int status = 0;
        ck_assert_int_gt(pids[i], 0);
        ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
        ck_assert(WIFEXITED(status));
        ck_assert_int_eq(WEXITSTATUS(status), 0);
    }
    ck_assert_int_eq(ga_state_load(sdir, "alice", geteuid(), NOW, 60, &q, &lg), GA_OK);
    ck_assert(strcmp(q.enrollment_token, "token-one") == 0 ||
              strcmp(q.enrollment_token, "token-two") == 0);
    ga_pending_clear(&q);
    ck_assert_int_eq(count_entries(sdir), 1); /* no temporary left */
}
END_TEST

static Suite *state_suite(void)
{
    Suite *s = suite_create("state");
    TCase *tc = tcase_create("roundtrip");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_roundtrip);
    tcase_add_test(tc, test_roundtrip_email_odd_token);
    tcase_add_test(tc, test_roundtrip_longest_token);
    tcase_add_test(tc, test_save_replaces);
    tcase_add_test(tc, test_save_invalid);
    tcase_add_test(tc, test_pending_clear);
    tcase_add_test(tc, test_remove);
    suite_add_tcase(s, tc);

    tc = tcase_create("dir");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_prepare_creates_0700_umask0);
    tcase_add_loop_test(tc, test_prepare_bad_mode, 0, N(bad_dir_modes));
    tcase_add_test(tc, test_prepare_symlink);
    tcase_add_test(tc, test_prepare_not_dir_and_relative);
    tcase_add_test(tc, test_prepare_parent_missing);
    tcase_add_test(tc, test_prepare_foreign_owner);
    tcase_add_test(tc, test_unusable_dir_at_load_and_save);
    tcase_add_test(tc, test_missing_dir);
    suite_add_tcase(s, tc);

    tc = tcase_create("untrusted");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_load_none);
    tcase_add_loop_test(tc, test_load_age, 0, N(ages));
    tcase_add_loop_test(tc, test_load_bad_file, 0, N(bad_files));
    tcase_add_test(tc, test_load_good_variants);
    tcase_add_test(tc, test_load_nul_inside);
    tcase_add_test(tc, test_load_truncated);
    tcase_add_test(tc, test_load_oversized);
    tcase_add_loop_test(tc, test_load_bad_mode, 0, N(bad_file_modes));
    tcase_add_test(tc, test_load_symlink);
    tcase_add_test(tc, test_save_over_symlink);
    tcase_add_test(tc, test_save_failure_leaves_nothing);
    tcase_add_test(tc, test_load_not_regular);
    tcase_add_test(tc, test_load_hard_link);
    tcase_add_test(tc, test_load_foreign_owner);
    suite_add_tcase(s, tc);

    tc = tcase_create("names");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_file_name, 0, N(names));
    tcase_add_test(tc, test_file_name_limits);
    tcase_add_test(tc, test_odd_users_stay_inside);
    tcase_add_test(tc, test_no_collision_names);
    tcase_add_loop_test(tc, test_no_collision_files, 0, N(twins));
    suite_add_tcase(s, tc);

    tc = tcase_create("concurrency");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_concurrent_saves);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = NULL;
    int failed;

    strcpy(top, "/tmp/check_state_XXXXXX");
    if (!mkdtemp(top))
        return EXIT_FAILURE;
    sr = srunner_create(state_suite());
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    remove_top();
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
