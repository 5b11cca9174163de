/* check_grace.c - enrollment grace (ga_grace.c): counting, the limits, the
 * date at its boundary, untrusted and corrupt files (fail closed, one log
 * line), reset, and parallel processes counting each postponement once. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ga_config.h"
#include "ga_grace.h"

#define T0 1775001600LL /* 2026-04-01T00:00:00Z */

static char dir[64];
static char nodir[] = "/nonexistent/state";
static char logbuf[8192];
static int lines;
static ga_config_t cfg;

static void sink(void *ctx, int prio, const char *line)
{
    (void)ctx;
    (void)prio;
    strncat(logbuf, line, sizeof logbuf - strlen(logbuf) - 2);
    strcat(logbuf, "\n");
    lines++;
}
static const ga_logger_t lg = {sink, NULL, 0};

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/check_grace.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    memset(&cfg, 0, sizeof cfg);
    cfg.state_dir = dir;
    logbuf[0] = '\0';
    lines = 0;
}

static void teardown(void)
{
    char cmd[128];

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static const char *path_of(const char *user)
{
    static char p[256];

    snprintf(p, sizeof p, "%s/%s.grace", dir, user);
    return p;
}

static void write_file(const char *user, const char *text, size_t len, mode_t mode)
{
    int fd;

    (void)unlink(path_of(user));
    fd = open(path_of(user), O_WRONLY | O_CREAT | O_EXCL, 0600);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
    ck_assert_int_eq(fchmod(fd, mode), 0);
    ck_assert_int_eq(close(fd), 0);
}

/* The file's text, or "" if missing. */
static const char *read_file(const char *user)
{
    static char buf[512];
    int fd = open(path_of(user), O_RDONLY);
    ssize_t n;

    buf[0] = '\0';
    if (fd < 0)
        return buf;
    n = read(fd, buf, sizeof buf - 1);
    ck_assert_int_ge(n, 0);
    buf[n] = '\0';
    close(fd);
    return buf;
}

static ga_grace_t check_at(const char *user, long long now)
{
    ga_grace_t g;

    ck_assert_int_eq(ga_grace_check(&cfg, user, geteuid(), now, &g, &lg), GA_OK);
    return g;
}

static ga_status_t use_at(const char *user, long long now)
{
    return ga_grace_use(&cfg, user, geteuid(), now, &lg);
}

/* ---- counting ----------------------------------------------------------- */

START_TEST(no_grace_configured)
{
    ga_grace_t g = check_at("alice", T0);

    ck_assert_int_eq(g.offered, 0);
    ck_assert_int_eq(g.used, 0);
    ck_assert_int_eq(g.left, 0);
    ck_assert_int_eq(g.until, 0);
    ck_assert_int_eq(use_at("alice", T0), GA_ERR_INTERNAL);
    ck_assert_ptr_nonnull(strstr(logbuf, "enrollment grace is not configured"));
    ck_assert_int_eq(access(path_of("alice"), F_OK), -1); /* nothing written */
}
END_TEST

START_TEST(counts_up_to_the_limit)
{
    ga_grace_t g;

    cfg.enroll_grace = 3;
    g = check_at("alice", T0);
    ck_assert_int_eq(g.offered, 1);
    ck_assert_int_eq(g.used, 0);
    ck_assert_int_eq(g.left, 3);
    ck_assert_int_eq(g.until, 0);
    for (long i = 1; i <= 3; i++) {
        ck_assert_int_eq(use_at("alice", T0 + i), GA_OK);
        g = check_at("alice", T0 + i);
        ck_assert_int_eq(g.used, i);
        ck_assert_int_eq(g.left, 3 - i);
        ck_assert_int_eq(g.offered, i < 3);
    }
    ck_assert_str_eq(read_file("alice"), "pam_genauth grace 1\nused 3\nlast 1775001603\n");
    ck_assert_int_eq(lines, 0);
    /* used up: refused under the lock too, and not counted */
    ck_assert_int_eq(use_at("alice", T0 + 9), GA_ERR_INTERNAL);
    ck_assert_ptr_nonnull(strstr(logbuf, "alice.grace: no postponement left (3 used)"));
    ck_assert_str_eq(read_file("alice"), "pam_genauth grace 1\nused 3\nlast 1775001603\n");
    /* other users are counted apart */
    g = check_at("bob", T0);
    ck_assert_int_eq(g.offered, 1);
    ck_assert_int_eq(g.left, 3);
    /* a lower limit later: used up at once */
    cfg.enroll_grace = 2;
    g = check_at("alice", T0);
    ck_assert_int_eq(g.offered, 0);
    ck_assert_int_eq(g.left, 0);
    ck_assert_int_eq(g.used, 3);
}
END_TEST

START_TEST(file_is_private)
{
    struct stat st;

    cfg.enroll_grace = 1;
    umask(0);
    ck_assert_int_eq(use_at("alice", T0), GA_OK);
    umask(022);
    ck_assert_int_eq(lstat(path_of("alice"), &st), 0);
    ck_assert(S_ISREG(st.st_mode));
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    ck_assert_int_eq(st.st_uid, geteuid());
    ck_assert_int_eq(st.st_nlink, 1);
}
END_TEST

/* ---- the date ----------------------------------------------------------- */

START_TEST(date_boundary)
{
    ga_grace_t g;

    cfg.enroll_grace_until = T0; /* configured as 2026-03-31 */
    g = check_at("alice", T0 - 1); /* 2026-03-31T23:59:59Z: still that day */
    ck_assert_int_eq(g.offered, 1);
    ck_assert_int_eq(g.left, -1); /* no count limit */
    ck_assert_int_eq(g.until, T0);
    g = check_at("alice", T0);
    ck_assert_int_eq(g.offered, 0);
    g = check_at("alice", T0 + 86400 * 365);
    ck_assert_int_eq(g.offered, 0);
    /* date only: any number of times before it */
    for (int i = 0; i < 20; i++)
        ck_assert_int_eq(use_at("alice", T0 - 100 + i), GA_OK);
    g = check_at("alice", T0 - 1);
    ck_assert_int_eq(g.offered, 1);
    ck_assert_int_eq(g.used, 20);
    ck_assert_int_eq(use_at("alice", T0), GA_ERR_INTERNAL);
    ck_assert_int_eq(check_at("alice", T0 - 1).used, 20);
}
END_TEST

START_TEST(count_and_date)
{
    cfg.enroll_grace = 2;
    cfg.enroll_grace_until = T0;
    ck_assert_int_eq(check_at("alice", T0 - 10).offered, 1);
    ck_assert_int_eq(check_at("alice", T0).offered, 0); /* date passed, count left */
    ck_assert_int_eq(use_at("alice", T0 - 10), GA_OK);
    ck_assert_int_eq(use_at("alice", T0 - 9), GA_OK);
    ck_assert_int_eq(check_at("alice", T0 - 8).offered, 0); /* count used, date left */
    ck_assert_int_eq(use_at("alice", T0 - 8), GA_ERR_INTERNAL);
    ck_assert_int_eq(check_at("alice", T0 - 8).left, 0);
}
END_TEST

/* ---- reset -------------------------------------------------------------- */

START_TEST(reset_forgets)
{
    cfg.enroll_grace = 1;
    ck_assert_int_eq(use_at("alice", T0), GA_OK);
    ck_assert_int_eq(check_at("alice", T0).offered, 0);
    ck_assert_int_eq(ga_grace_reset(&cfg, "alice", &lg), GA_OK);
    ck_assert_int_eq(access(path_of("alice"), F_OK), -1);
    ck_assert_int_eq(check_at("alice", T0).offered, 1);
    ck_assert_int_eq(ga_grace_reset(&cfg, "alice", &lg), GA_OK); /* missing is fine */
    /* an untrusted or corrupt file is removed by a reset too */
    write_file("alice", "junk", 4, 0644);
    ck_assert_int_eq(ga_grace_reset(&cfg, "alice", &lg), GA_OK);
    ck_assert_int_eq(access(path_of("alice"), F_OK), -1);
    cfg.state_dir = nodir;
    ck_assert_int_eq(ga_grace_reset(&cfg, "alice", &lg), GA_OK);
    ck_assert_int_eq(ga_grace_reset(&cfg, NULL, &lg), GA_ERR_INTERNAL);
    ck_assert_int_eq(ga_grace_reset(NULL, "alice", &lg), GA_ERR_INTERNAL);
}
END_TEST

/* ---- unsafe and corrupt files: fail closed -------------------------------- */

/* The file of alice is not to be trusted: no grace offered, postponing
 * refused, one log line each naming the reason, the file left alone. */
static void expect_closed(const char *why)
{
    struct stat before, after;
    ga_grace_t g;

    ck_assert_int_eq(lstat(path_of("alice"), &before), 0);
    lines = 0;
    logbuf[0] = '\0';
    g = check_at("alice", T0);
    ck_assert_int_eq(g.offered, 0);
    ck_assert_int_eq(g.left, 0);
    ck_assert_int_eq(lines, 1);
    ck_assert_msg(strstr(logbuf, why) != NULL, "log \"%s\" lacks \"%s\"", logbuf, why);
    ck_assert_ptr_nonnull(strstr(logbuf, "alice.grace"));
    lines = 0;
    logbuf[0] = '\0';
    ck_assert_int_eq(use_at("alice", T0), GA_ERR_INTERNAL);
    ck_assert_int_eq(lines, 1);
    ck_assert_msg(strstr(logbuf, why) != NULL, "log \"%s\" lacks \"%s\"", logbuf, why);
    ck_assert_ptr_nonnull(strstr(logbuf, "postponing refused"));
    ck_assert_int_eq(lstat(path_of("alice"), &after), 0);
    ck_assert_int_eq(before.st_ino, after.st_ino);
    ck_assert_int_eq(before.st_size, after.st_size);
    /* other users are not affected */
    ck_assert_int_eq(check_at("bob", T0).offered, 1);
}

static const mode_t bad_modes[] = {0640, 0604, 0644, 0660, 0666, 0602, 0620, 0610, 0601};

START_TEST(unsafe_mode)
{
    static const char ok[] = "pam_genauth grace 1\nused 0\nlast 0\n";

    cfg.enroll_grace = 5;
    write_file("alice", ok, sizeof ok - 1, bad_modes[_i]);
    expect_closed("is accessible by group or others");
}
END_TEST

START_TEST(unsafe_symlink)
{
    static const char ok[] = "pam_genauth grace 1\nused 0\nlast 0\n";
    char target[128];

    cfg.enroll_grace = 5;
    write_file("target", ok, sizeof ok - 1, 0600);
    snprintf(target, sizeof target, "%s/target.grace", dir);
    ck_assert_int_eq(symlink(target, path_of("alice")), 0);
    expect_closed("is a symlink");
    ck_assert_str_eq(read_file("target"), ok); /* never written through */
    /* a dangling symlink is not followed to create a file either */
    ck_assert_int_eq(unlink(target), 0);
    expect_closed("is a symlink");
    ck_assert_int_eq(access(target, F_OK), -1);
}
END_TEST

START_TEST(unsafe_hardlink)
{
    static const char ok[] = "pam_genauth grace 1\nused 0\nlast 0\n";
    char other[128];

    cfg.enroll_grace = 5;
    write_file("alice", ok, sizeof ok - 1, 0600);
    snprintf(other, sizeof other, "%s/elsewhere", dir);
    ck_assert_int_eq(link(path_of("alice"), other), 0);
    expect_closed("has more than one hard link");
}
END_TEST

START_TEST(unsafe_not_regular)
{
    char p[256];

    cfg.enroll_grace = 5;
    snprintf(p, sizeof p, "%s", path_of("alice"));
    ck_assert_int_eq(mkfifo(p, 0600), 0);
    expect_closed("is not a regular file"); /* and does not hang */
    ck_assert_int_eq(unlink(p), 0);
    ck_assert_int_eq(mkdir(p, 0700), 0);
    expect_closed("alice.grace");
}
END_TEST

START_TEST(unsafe_owner)
{
    static const char ok[] = "pam_genauth grace 1\nused 0\nlast 0\n";
    ga_grace_t g;

    cfg.enroll_grace = 5;
    write_file("alice", ok, sizeof ok - 1, 0600);
    if (geteuid() == 0) {
        ck_assert_int_eq(chown(path_of("alice"), 65534, 65534), 0);
        expect_closed("is not owned by root");
        return;
    }
    /* not root: the same rule through euid, the file being ours */
    ck_assert_int_eq(ga_grace_check(&cfg, "alice", geteuid() + 1, T0, &g, &lg), GA_OK);
    ck_assert_int_eq(g.offered, 0);
}
END_TEST

static const struct {
    const char *text;
    size_t len; /* 0: strlen */
} corrupt[] = {
    {"junk", 0},
    {"pam_genauth grace 1\n", 0},
    {"pam_genauth grace 2\nused 0\nlast 0\n", 0},
    {"pam_genauth grace 1\nused 01\nlast 0\n", 0},
    {"pam_genauth grace 1\nused +1\nlast 0\n", 0},
    {"pam_genauth grace 1\nused -1\nlast 0\n", 0},
    {"pam_genauth grace 1\nused  1\nlast 0\n", 0},
    {"pam_genauth grace 1\nused 1 \nlast 0\n", 0},
    {"pam_genauth grace 1\nused 1\nlast 0", 0},
    {"pam_genauth grace 1\nused 1\nlast 0\n\n", 0},
    {"pam_genauth grace 1\nused 1\nlast 0\nused 0\n", 0},
    {"pam_genauth grace 1\nlast 0\nused 1\n", 0},
    {"pam_genauth grace 1\r\nused 1\r\nlast 0\r\n", 0},
    {"pam_genauth grace 1\nused 1000001\nlast 0\n", 0},
    {"pam_genauth grace 1\nused 99999999999999999999\nlast 0\n", 0},
    {"pam_genauth grace 1\nused 1\nlast 253402300800\n", 0},
    {"pam_genauth grace 1\nused 0x1\nlast 0\n", 0},
    {"pam_genauth grace 1\nused \nlast 0\n", 0},
    {"PAM_GENAUTH GRACE 1\nused 1\nlast 0\n", 0},
    {"pam_genauth grace 1\nused 1\0\nlast 0\n", 34},
    {"\0", 1},
    {"\xef\xbb\xbfpam_genauth grace 1\nused 1\nlast 0\n", 0},
};

START_TEST(corrupt_content)
{
    size_t len = corrupt[_i].len ? corrupt[_i].len : strlen(corrupt[_i].text);

    cfg.enroll_grace = 5;
    write_file("alice", corrupt[_i].text, len, 0600);
    expect_closed("is corrupt");
}
END_TEST

START_TEST(too_large)
{
    char big[4096];

    cfg.enroll_grace = 5;
    memset(big, '\n', sizeof big);
    write_file("alice", big, sizeof big, 0600);
    expect_closed("is too large");
    write_file("alice", big, 129, 0600);
    expect_closed("is too large");
}
END_TEST

START_TEST(accepted_content)
{
    cfg.enroll_grace = 5;
    /* empty: a file being created, counts as 0 */
    write_file("alice", "", 0, 0600);
    ck_assert_int_eq(check_at("alice", T0).used, 0);
    ck_assert_int_eq(check_at("alice", T0).offered, 1);
    ck_assert_int_eq(use_at("alice", T0), GA_OK);
    ck_assert_str_eq(read_file("alice"), "pam_genauth grace 1\nused 1\nlast 1775001600\n");
    write_file("alice", "pam_genauth grace 1\nused 4\nlast 0\n", 34, 0400);
    ck_assert_int_eq(check_at("alice", T0).left, 1);
    ck_assert_int_eq(use_at("alice", T0), GA_OK);
    ck_assert_int_eq(check_at("alice", T0).used, 5);
    ck_assert_int_eq(lines, 0);
}
END_TEST

START_TEST(state_dir_unusable)
{
    ga_grace_t g;

    cfg.enroll_grace = 5;
    ck_assert_int_eq(chmod(dir, 0755), 0);
    ck_assert_int_eq(ga_grace_check(&cfg, "alice", geteuid(), T0, &g, &lg), GA_OK);
    ck_assert_int_eq(g.offered, 0);
    ck_assert_ptr_nonnull(strstr(logbuf, "state_dir"));
    ck_assert_int_eq(use_at("alice", T0), GA_ERR_INTERNAL);
    ck_assert_int_eq(chmod(dir, 0700), 0);
    cfg.state_dir = nodir;
    ck_assert_int_eq(ga_grace_check(&cfg, "alice", geteuid(), T0, &g, &lg), GA_OK);
    ck_assert_int_eq(g.offered, 0);
    ck_assert_int_eq(use_at("alice", T0), GA_ERR_INTERNAL);
}
END_TEST

START_TEST(user_names)
{
    char longname[300];
    ga_grace_t g;

    cfg.enroll_grace = 2;
    /* names that are not plain file names are hex-encoded, never paths */
    ck_assert_int_eq(use_at("../alice", T0), GA_OK);
    ck_assert_int_eq(access(path_of("x-2e2e2f616c696365"), F_OK), 0);
    ck_assert_int_eq(check_at("alice", T0).used, 0);
    ck_assert_int_eq(check_at("../alice", T0).used, 1);
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    g = check_at(longname, T0);
    ck_assert_int_eq(g.offered, 0);
    ck_assert_int_eq(use_at(longname, T0), GA_ERR_INTERNAL);
    ck_assert_int_eq(ga_grace_check(&cfg, NULL, 0, T0, &g, &lg), GA_ERR_INTERNAL);
    ck_assert_int_eq(ga_grace_check(&cfg, "alice", 0, T0, NULL, &lg), GA_ERR_INTERNAL);
    ck_assert_int_eq(ga_grace_use(NULL, "alice", 0, T0, &lg), GA_ERR_INTERNAL);
}
END_TEST

/* ---- parallel processes ----------------------------------------------------- */

/* n children call ga_grace_use at once (released together through a
 * pipe); returns how many got GA_OK. */
static int race(int n)
{
    int go[2], ok = 0;
    pid_t pids[32];

    ck_assert_int_le(n, 32);
    ck_assert_int_eq(pipe(go), 0);
    for (int i = 0; i < n; i++) {
        pids[i] = fork();
        ck_assert_int_ge(pids[i], 0);
        if (pids[i] == 0) {
            char c;

            close(go[1]);
            if (read(go[0], &c, 1) != 0)
                _exit(3);
            _exit(use_at("alice", T0 + i) == GA_OK ? 0 : 1);
        }
    }
    close(go[0]);
    close(go[1]); /* EOF releases them all */
    for (int i = 0; i < n; i++) {
        int st = 0;

        ck_assert_int_eq(waitpid(pids[i], &st, 0), pids[i]);
        ck_assert(WIFEXITED(st));
        ck_assert_int_le(WEXITSTATUS(st), 1);
        ok += WEXITSTATUS(st) == 0;
    }
    return ok;
}

START_TEST(parallel_counts_each_once)
{
    cfg.enroll_grace = 100;
    for (int round = 1; round <= 3; round++) {
        ck_assert_int_eq(race(12), 12);
        ck_assert_int_eq(check_at("alice", T0).used, 12 * round);
    }
}
END_TEST

START_TEST(parallel_respects_the_limit)
{
    cfg.enroll_grace = 5;
    ck_assert_int_eq(race(16), 5);
    ck_assert_int_eq(check_at("alice", T0).used, 5);
    ck_assert_int_eq(check_at("alice", T0).offered, 0);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

int main(void)
{
    Suite *s = suite_create("grace");
    TCase *tc = tcase_create("count");
    SRunner *sr;
    int failed;

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, no_grace_configured);
    tcase_add_test(tc, counts_up_to_the_limit);
    tcase_add_test(tc, file_is_private);
    tcase_add_test(tc, date_boundary);
    tcase_add_test(tc, count_and_date);
    tcase_add_test(tc, reset_forgets);
    tcase_add_test(tc, accepted_content);
    tcase_add_test(tc, user_names);
    suite_add_tcase(s, tc);
    tc = tcase_create("unsafe");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, unsafe_mode, 0, N(bad_modes));
    tcase_add_test(tc, unsafe_symlink);
    tcase_add_test(tc, unsafe_hardlink);
    tcase_add_test(tc, unsafe_not_regular);
    tcase_add_test(tc, unsafe_owner);
    tcase_add_loop_test(tc, corrupt_content, 0, N(corrupt));
    tcase_add_test(tc, too_large);
    tcase_add_test(tc, state_dir_unusable);
    suite_add_tcase(s, tc);
    tc = tcase_create("parallel");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, parallel_counts_each_once);
    tcase_add_test(tc, parallel_respects_the_limit);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
