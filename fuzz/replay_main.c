/* replay_main.c - a main() for the fuzz targets without libFuzzer, so that
 * `make check` replays every seed and every saved crash with any compiler
 * (gcc, the ASan build, valgrind), not only in a clang fuzzing build.
 *
 *   replay_NAME [FILE|DIR]...
 *
 * Without arguments it replays $abs_top_srcdir/fuzz/regressions/NAME/ and
 * $abs_top_srcdir/fuzz/corpus/NAME/ (abs_top_srcdir defaults to "."). Each
 * input runs in a child process, so a crash or a failed oracle is counted
 * and named instead of ending the run. Prints one line per failure and
 * "replay-NAME: N passed, N failed"; exits 0 when nothing failed, 1 when
 * something did, 99 when there was nothing to replay.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz.h"

#ifndef FUZZ_NAME
#error "FUZZ_NAME (the target's name) must be defined"
#endif

#define INPUT_MAX (1024 * 1024)

#pragma weak LLVMFuzzerInitialize

struct tally {
    unsigned passed;
    unsigned failed;
};

/* Read path into a new buffer of exactly its size (so ASan sees overreads). */
static uint8_t *read_input(const char *path, size_t *size)
{
    struct stat st;
    uint8_t *buf = NULL;
    size_t done = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return NULL;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > INPUT_MAX)
        goto out;
    buf = malloc(st.st_size > 0 ? (size_t)st.st_size : 1);
    while (buf && done < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            free(buf);
            buf = NULL;
            break;
        }
        done += (size_t)n;
    }
    *size = done;
out:
    (void)close(fd);
    return buf;
}

/* Run one input in a child; count it. */
static void replay_file(const char *path, struct tally *t)
{
    int status = 0;
    pid_t pid;

    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        size_t size = 0;
        uint8_t *buf = read_input(path, &size);

        if (!buf) {
            fprintf(stderr, "replay: cannot read %s\n", path);
            _exit(2);
        }
        (void)LLVMFuzzerTestOneInput(buf, size);
        free(buf);
        exit(0); /* exit, not _exit: LeakSanitizer runs at exit */
    }
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0) {
        t->failed++;
        printf("FAIL %s (%s %d)\n", path, WIFSIGNALED(status) ? "signal" : "exit status",
               WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
        return;
    }
    t->passed++;
}

static int wanted(const struct dirent *d)
{
    return d->d_name[0] != '.' && strncmp(d->d_name, "README", 6) != 0;
}

/* A file, or every file of a directory in name order. -1 if path is neither. */
static int replay_path(const char *path, struct tally *t)
{
    struct dirent **names = NULL;
    struct stat st;
    int n;

    if (stat(path, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        replay_file(path, t);
        return 0;
    }
    n = scandir(path, &names, wanted, alphasort);
    for (int i = 0; i < n; i++) {
        char file[4096];

        (void)snprintf(file, sizeof file, "%s/%s", path, names[i]->d_name);
        replay_file(file, t);
        free(names[i]);
    }
    free(names);
    return n < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
    struct tally t = {0, 0};
    const char *top = getenv("abs_top_srcdir");
    char dir[4096];

    if (LLVMFuzzerInitialize)
        (void)LLVMFuzzerInitialize(&argc, &argv);
    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            if (replay_path(argv[i], &t) != 0) {
                fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
                t.failed++;
            }
    } else {
        if (!top || !*top)
            top = ".";
        (void)snprintf(dir, sizeof dir, "%s/fuzz/regressions/%s", top, FUZZ_NAME);
        (void)replay_path(dir, &t); /* there may be none */
        (void)snprintf(dir, sizeof dir, "%s/fuzz/corpus/%s", top, FUZZ_NAME);
        if (replay_path(dir, &t) != 0)
            fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
    }
    printf("replay-%s: %u passed, %u failed\n", FUZZ_NAME, t.passed, t.failed);
    if (t.passed + t.failed == 0)
        return 99;
    return t.failed ? 1 : 0;
}
