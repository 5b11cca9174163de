/* check_sendlog.c - the per-user hourly limit on codes sent (ga_sendlog.c):
 * counting, the window, untrusted and corrupt files, and concurrent
 * processes sharing one file under the lock. */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ga_sendlog.h"

static char dir[64];
static char logbuf[4096];

static void sink(void *ctx, int prio, const char *line)
{
    (void)ctx;
    (void)prio;
    strncat(logbuf, line, sizeof logbuf - strlen(logbuf) - 2);
    strcat(logbuf, "\n");
}
static const ga_logger_t lg = {sink, NULL, 0};

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/check_sendlog.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    logbuf[0] = '\0';
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static ga_status_t take(const char *user, long long now, long limit, long long *retry)
{
    return ga_sendlog_reserve(dir, user, geteuid(), now, limit, retry, &lg);
}

static void path_of(const char *user, char *out, size_t n)
{
    snprintf(out, n, "%s/%s.sends", dir, user);
}

START_TEST(counts_up_to_the_limit)
{
    long long retry = 0;
    const long long t0 = 1700000000;

    ck_assert_int_eq(take("alice", t0, 3, &retry), GA_OK);
    ck_assert_int_eq(take("alice", t0 + 10, 3, &retry), GA_OK);
    ck_assert_int_eq(take("alice", t0 + 20, 3, &retry), GA_OK);
    ck_assert_int_eq(take("alice", t0 + 30, 3, &retry), GA_ERR_THROTTLED);
    ck_assert_int_eq(retry, t0 + GA_SENDLOG_WINDOW);
    /* other users are counted apart */
    ck_assert_int_eq(take("bob", t0 + 30, 3, &retry), GA_OK);
    /* a refusal is not counted: the oldest leaves the window on time */
    ck_assert_int_eq(take("alice", t0 + GA_SENDLOG_WINDOW - 1, 3, &retry), GA_ERR_THROTTLED);
    ck_assert_int_eq(take("alice", t0 + GA_SENDLOG_WINDOW, 3, &retry), GA_OK);
    ck_assert_int_eq(take("alice", t0 + GA_SENDLOG_WINDOW + 1, 3, &retry), GA_ERR_THROTTLED);
    ck_assert_int_eq(retry, t0 + 10 + GA_SENDLOG_WINDOW);
}
END_TEST

START_TEST(file_is_private)
{
    char path[128];
    struct stat st;

    umask(0);
    ck_assert_int_eq(take("alice", 1000, 5, NULL), GA_OK);
    umask(022);
    path_of("alice", path, sizeof path);
    ck_assert_int_eq(lstat(path, &st), 0);
    ck_assert(S_ISREG(st.st_mode));
    ck_assert_int_eq(st.st_mode & 0777, 0600);
}
END_TEST

START_TEST(future_times_do_not_count_forever)
{
    char path[128];
    FILE *f;

    path_of("alice", path, sizeof path);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "[999999999999, 5000, 5001]");
    fclose(f);
    chmod(path, 0600);
    /* 5000 and 5001 count, the far-future time is dropped */
    ck_assert_int_eq(take("alice", 5002, 3, NULL), GA_OK);
    ck_assert_int_eq(take("alice", 5003, 3, NULL), GA_ERR_THROTTLED);
}
END_TEST

START_TEST(corrupt_file_starts_afresh)
{
    static const char *const bodies[] = {"{garbage", "{\"a\":1}", "[\"x\", null]", "[[[[1]]]]",
                                         "\x01\x02\xff"};
    char path[128];

    path_of("alice", path, sizeof path);
    for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++) {
        FILE *f = fopen(path, "w");
        ck_assert_ptr_nonnull(f);
        fputs(bodies[i], f);
        fclose(f);
        chmod(path, 0600);
        logbuf[0] = '\0';
        ck_assert_int_eq(take("alice", 7000, 1, NULL), GA_OK);
        ck_assert_ptr_nonnull(strstr(logbuf, "corrupt"));
        ck_assert_int_eq(take("alice", 7001, 1, NULL), GA_ERR_THROTTLED);
    }
}
END_TEST

START_TEST(symlink_is_removed_not_followed)
{
    char path[128], target[128];
    struct stat st;
    FILE *f;

    snprintf(target, sizeof target, "%s/victim", dir);
    f = fopen(target, "w");
    ck_assert_ptr_nonnull(f);
    fputs("precious", f);
    fclose(f);
    path_of("alice", path, sizeof path);
    ck_assert_int_eq(symlink(target, path), 0);
    ck_assert_int_eq(take("alice", 100, 5, NULL), GA_OK);
    ck_assert_ptr_nonnull(strstr(logbuf, "symlink"));
    ck_assert_int_eq(lstat(path, &st), 0);
    ck_assert(S_ISREG(st.st_mode));
    f = fopen(target, "r");
    ck_assert_ptr_nonnull(f);
    {
        char buf[16] = "";
        ck_assert_ptr_nonnull(fgets(buf, sizeof buf, f));
        ck_assert_str_eq(buf, "precious");
    }
    fclose(f);
}
END_TEST

START_TEST(wrong_mode_or_hard_link_is_replaced)
{
    char path[128], other[128];

    path_of("alice", path, sizeof path);
    ck_assert_int_eq(take("alice", 100, 1, NULL), GA_OK);
    ck_assert_int_eq(chmod(path, 0644), 0);
    ck_assert_int_eq(take("alice", 101, 1, NULL), GA_OK); /* untrusted file dropped */
    ck_assert_ptr_nonnull(strstr(logbuf, "removed and started afresh"));
    snprintf(other, sizeof other, "%s/elsewhere", dir);
    ck_assert_int_eq(link(path, other), 0);
    logbuf[0] = '\0';
    ck_assert_int_eq(take("alice", 102, 1, NULL), GA_OK);
    ck_assert_ptr_nonnull(strstr(logbuf, "hard link"));
}
END_TEST

START_TEST(untrusted_dir_is_refused)
{
    ck_assert_int_eq(chmod(dir, 0777), 0);
    ck_assert_int_eq(take("alice", 100, 5, NULL), GA_ERR_CONFIG);
    ck_assert_int_eq(chmod(dir, 0700), 0);
    ck_assert_int_eq(ga_sendlog_reserve("/nonexistent/dir", "alice", geteuid(), 1, 5, NULL,
                                        &lg), GA_ERR_CONFIG);
}
END_TEST

START_TEST(bad_arguments)
{
    ck_assert_int_eq(take("alice", 1, 0, NULL), GA_ERR_INTERNAL);
    ck_assert_int_eq(take("alice", 1, 1000, NULL), GA_ERR_INTERNAL);
    ck_assert_int_eq(ga_sendlog_reserve(NULL, "a", 0, 1, 1, NULL, &lg), GA_ERR_INTERNAL);
    ck_assert_int_eq(ga_sendlog_reserve(dir, NULL, 0, 1, 1, NULL, &lg), GA_ERR_INTERNAL);
    ck_assert_int_eq(take("", 1, 1, NULL), GA_ERR_CONFIG);
}
END_TEST

/* 4 processes x 10 reservations against a limit of 25: exactly 25 succeed.
 * (Not more processes: a waiter gives up after 5 s of polling the lock,
 * which is held across an fsync; 30 sections ahead of it must fit, even
 * under valgrind on a busy disk.) */
START_TEST(concurrent_processes_share_the_count)
{
    enum { PROCS = 4, EACH = 10, LIMIT = 25 };
    pid_t pids[PROCS];
    int ok_total = 0;

    for (int p = 0; p < PROCS; p++) {
        pids[p] = fork();
        ck_assert_int_ge(pids[p], 0);
        if (pids[p] == 0) {
            int ok = 0;
            for (int i = 0; i < EACH; i++)
                ok += take("carol", 50000 + i, LIMIT, NULL) == GA_OK;
            _exit(ok);
        }
    }
    for (int p = 0; p < PROCS; p++) {
        int status = 0;
        ck_assert_int_eq(waitpid(pids[p], &status, 0), pids[p]);
        ck_assert(WIFEXITED(status));
        ok_total += WEXITSTATUS(status);
    }
    ck_assert_int_eq(ok_total, LIMIT);
    ck_assert_int_eq(take("carol", 50020, LIMIT, NULL), GA_ERR_THROTTLED);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sendlog");
    TCase *tc = tcase_create("sendlog");
    SRunner *sr;
    int failed;

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, counts_up_to_the_limit);
    tcase_add_test(tc, file_is_private);
    tcase_add_test(tc, future_times_do_not_count_forever);
    tcase_add_test(tc, corrupt_file_starts_afresh);
    tcase_add_test(tc, symlink_is_removed_not_followed);
    tcase_add_test(tc, wrong_mode_or_hard_link_is_replaced);
    tcase_add_test(tc, untrusted_dir_is_refused);
    tcase_add_test(tc, bad_arguments);
    tcase_add_test(tc, concurrent_processes_share_the_count);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
