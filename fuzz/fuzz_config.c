/* fuzz_config.c - libFuzzer target: the config loader ga_config_load
 * (ga_config.h): the safe open and read, the "${" and NUL refusal,
 * libconfuse's parse with our callbacks, and the validation of every key.
 *
 * Input: the whole config file. It is written to one file, mode 0600, in a
 * private 0700 directory made once (LLVMFuzzerInitialize; removed at exit)
 * under $FUZZ_TMPDIR, /dev/shm, $TMPDIR or /tmp (a crash skips that
 * removal: the next run removes what a dead run left), and loaded with
 * geteuid(), so the ownership rule passes for root and for a normal user.
 *
 * Checks besides the sanitizers (ga_config.h): an error leaves *out NULL
 * and one printable sentence naming the file in err; a loaded config has
 * its required keys, an https:// host without a trailing slash, 1..N
 * distinct factors and numbers in their documented ranges; a file holding
 * "${" or a NUL byte is never loaded; and err never quotes app_secret.
 * That last check is differential: when err holds 8 characters of a value
 * written after "app_secret =" (any of the first 8 occurrences), the same
 * file is loaded again with that value changed (letters rot13, digits +5);
 * if the new err has the 8 characters changed the same way instead, they
 * came from the secret (windows that also occur elsewhere in the file are
 * ignored: they may come from there).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "ga_config.h"

#define WINDOW 8 /* characters of the secret that count as a leak */
#define DIR_PREFIX "ga-fuzz-config." /* then the pid, '.', mkdtemp's suffix */

static char dir[PATH_MAX];
static char path[PATH_MAX];
static pid_t owner; /* the process that made dir; forked children leave it alone */
static const char *volatile sink; /* results kept alive: heap pointers */
static volatile size_t sink_n;    /* and lengths of results on the stack */

static void cleanup(void)
{
    if (getpid() != owner)
        return;
    if (path[0])
        (void)unlink(path);
    if (dir[0])
        (void)rmdir(dir);
}

/* A tmpfs is preferred: on ext4, rewriting a truncated file on every input
 * starts a writeback each time and costs most of the run. */
static const char *scratch_dir(void)
{
    static const char *const candidates[] = {"FUZZ_TMPDIR", NULL, "TMPDIR"};
    struct stat st;
    const char *d;

    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
        d = candidates[i] ? getenv(candidates[i]) : "/dev/shm";
        if (d && d[0] == '/' && stat(d, &st) == 0 && S_ISDIR(st.st_mode) &&
            access(d, W_OK) == 0)
            return d;
    }
    return "/tmp";
}

/* Remove the directories of earlier runs that crashed (a crash skips
 * atexit): ours by name, owner and a process id that is gone. */
static void remove_stale(const char *base)
{
    DIR *d = opendir(base);
    struct dirent *e;

    while (d && (e = readdir(d))) {
        char *end = NULL;
        long pid;
        struct stat st;
        int fd;

        if (strncmp(e->d_name, DIR_PREFIX, sizeof DIR_PREFIX - 1) != 0)
            continue;
        pid = strtol(e->d_name + sizeof DIR_PREFIX - 1, &end, 10);
        if (pid <= 0 || !end || *end != '.' || pid == getpid() ||
            kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
            continue;
        fd = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0) {
            (void)unlinkat(fd, "pam_genauth.conf", 0);
            (void)close(fd);
        }
        (void)unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR);
    }
    if (d)
        (void)closedir(d);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *base = scratch_dir();
    int n;

    (void)argc;
    (void)argv;
    remove_stale(base);
    n = snprintf(dir, sizeof dir, "%s/" DIR_PREFIX "%ld.XXXXXX", base, (long)getpid());
    if (n < 0 || (size_t)n >= sizeof dir - 32 || !mkdtemp(dir)) { /* 0700 */
        perror("fuzz_config: mkdtemp");
        exit(2);
    }
    n = snprintf(path, sizeof path, "%s/pam_genauth.conf", dir);
    if (n < 0 || (size_t)n >= sizeof path)
        exit(2);
    owner = getpid();
    atexit(cleanup);
    return 0;
}

static int write_file(const uint8_t *data, size_t size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    size_t done = 0;

    if (fd < 0)
        return -1;
    while (done < size) {
        ssize_t n = write(fd, data + done, size - done);

        if (n <= 0) {
            (void)close(fd);
            return -1;
        }
        done += (size_t)n;
    }
    return close(fd);
}

static ga_status_t load(const uint8_t *data, size_t size, ga_config_t **cfg, char *err,
                        size_t errlen)
{
    if (write_file(data, size) != 0) {
        perror("fuzz_config: writing the config");
        abort();
    }
    return ga_config_load(path, geteuid(), cfg, err, errlen);
}

static int one_of(const char *v, const char *const *set)
{
    for (; v && *set; set++)
        if (strcmp(v, *set) == 0)
            return 1;
    return 0;
}

/* login_format: only "%u" and "%%" escapes. */
static int format_ok(const char *f)
{
    for (; *f; f++)
        if (*f == '%' && (f[1] != 'u' && f[1] != '%'))
            return 0;
        else if (*f == '%')
            f++;
    return 1;
}

static void check_loaded(const ga_config_t *c)
{
    static const char *const langs[] = {"en-US", "zh-CN", NULL};
    static const char *const prefixes[] = {"x-authing-", "x-genauth-", NULL};
    size_t hlen;
    char *id;

    FUZZ_EXPECT(c->app_id && c->app_id[0] && c->app_secret && c->app_secret[0]);
    FUZZ_EXPECT(c->app_host && strncmp(c->app_host, "https://", 8) == 0);
    hlen = strlen(c->app_host);
    FUZZ_EXPECT(hlen > 8 && c->app_host[hlen - 1] != '/');
    FUZZ_EXPECT(fuzz_printable(c->app_host, hlen));
    FUZZ_EXPECT(c->n_factors >= 1 && c->n_factors <= GA_FACTOR_MAX);
    for (size_t i = 0; i < c->n_factors; i++) {
        FUZZ_EXPECT(ga_factor_enrollable(c->factors[i]));
        for (size_t j = 0; j < i; j++)
            FUZZ_EXPECT(c->factors[i] != c->factors[j]);
    }
    FUZZ_EXPECT(c->connect_timeout >= 1 && c->connect_timeout <= 60);
    FUZZ_EXPECT(c->timeout >= 1 && c->timeout <= 120);
    FUZZ_EXPECT(c->max_attempts >= 1 && c->max_attempts <= 10);
    FUZZ_EXPECT(c->max_sends >= 1 && c->max_sends <= 5);
    FUZZ_EXPECT(c->failmode == GA_FAILMODE_SECURE || c->failmode == GA_FAILMODE_SAFE);
    FUZZ_EXPECT(c->state_dir && c->state_dir[0] == '/');
    FUZZ_EXPECT(one_of(c->lang, langs) && one_of(c->header_prefix, prefixes));
    FUZZ_EXPECT(c->phone_country_code && c->phone_country_code[0] == '+');
    FUZZ_EXPECT(c->login_format && format_ok(c->login_format));
    id = ga_config_identifier(c, "alice");
    sink = id;
    free(id);
    sink = ga_login_field_name(c->login_field);
}

/* The value written after the occurrence of "app_secret" at or after
 * data[*from]: past blanks or line ends, '=', blanks or line ends and an
 * optional quote, up to the next quote, line end or NUL (so an unquoted
 * value with a space or a leading '#' counts whole). Returns its length
 * (0 when shorter than WINDOW or not an assignment) with its offset in
 * *start; *from moves past the occurrence. -1 when there is none left.
 * Every occurrence counts, not only the first: a commented-out
 * "# app_secret = ..." line must not hide the real one. */
static long secret_run(const uint8_t *data, size_t size, size_t *from, size_t *start)
{
    static const char key[] = "app_secret";
    const uint8_t *p = *from < size ? memmem(data + *from, size - *from, key, sizeof key - 1)
                                    : NULL;
    const uint8_t *end = data + size;
    size_t n = 0;

    if (!p)
        return -1;
    p += sizeof key - 1;
    *from = (size_t)(p - data);
    while (p < end && strchr(" \t\r\n", *p) && *p)
        p++;
    if (p == end || *p++ != '=')
        return 0;
    while (p < end && strchr(" \t\r\n", *p) && *p)
        p++;
    if (p < end && (*p == '"' || *p == '\''))
        p++;
    while (p + n < end && !strchr("\"'\r\n", p[n]) && p[n] != '\0')
        n++;
    *start = (size_t)(p - data);
    return n >= WINDOW ? (long)n : 0;
}

static uint8_t rot(uint8_t c)
{
    if (c >= 'a' && c <= 'z')
        return (uint8_t)('a' + (c - 'a' + 13) % 26);
    if (c >= 'A' && c <= 'Z')
        return (uint8_t)('A' + (c - 'A' + 13) % 26);
    if (c >= '0' && c <= '9')
        return (uint8_t)('0' + (c - '0' + 5) % 10);
    return c;
}

/* Non-zero if the WINDOW bytes at w also occur in data outside
 * [start, start + run): then err may have them from elsewhere (the key
 * name in "error near app_secret", another value) and they prove nothing. */
static int occurs_outside(const uint8_t *data, size_t size, size_t start, size_t run,
                          const uint8_t *w)
{
    for (const uint8_t *p = data; (size_t)(p - data) + WINDOW <= size; p++) {
        p = memmem(p, size - (size_t)(p - data), w, WINDOW);
        if (!p)
            return 0;
        if ((size_t)(p - data) < start || (size_t)(p - data) + WINDOW > start + run)
            return 1;
    }
    return 0;
}

/* The differential check described at the top of the file, for the value
 * data[start..start+run). */
static void check_one_secret(const uint8_t *data, size_t size, const char *err,
                             size_t start, size_t run)
{
    char other_err[1024];
    uint8_t moved[WINDOW];
    ga_config_t *cfg = NULL;
    uint8_t *copy = NULL;

    for (size_t i = 0; i + WINDOW <= run; i++) {
        const uint8_t *w = data + start + i;

        if (!memmem(err, strlen(err), w, WINDOW) ||
            occurs_outside(data, size, start, run, w))
            continue;
        if (!copy) { /* load the changed file once */
            if (!(copy = malloc(size)))
                return;
            memcpy(copy, data, size);
            for (size_t j = 0; j < run; j++)
                copy[start + j] = rot(copy[start + j]);
            (void)load(copy, size, &cfg, other_err, sizeof other_err);
            ga_config_free(cfg);
        }
        /* the window moved with the secret: gone as it was, present as
         * it became */
        for (size_t j = 0; j < WINDOW; j++)
            moved[j] = rot(w[j]);
        if (!memmem(other_err, strlen(other_err), w, WINDOW) &&
            memmem(other_err, strlen(other_err), moved, WINDOW)) {
            fprintf(stderr, "fuzz_config: the error quotes app_secret: %s\n", err);
            abort();
        }
    }
    free(copy);
}

static void check_secret_not_in(const uint8_t *data, size_t size, const char *err)
{
    size_t from = 0, start = 0;
    long run;

    if (fuzz_ignore_open_findings())
        return;
    for (int k = 0; k < 8 && (run = secret_run(data, size, &from, &start)) >= 0; k++)
        if (run > 0)
            check_one_secret(data, size, err, start, (size_t)run);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[1024];
    ga_config_t *cfg = NULL;
    ga_status_t st;

    memset(err, 'x', sizeof err); /* must be overwritten */
    st = load(data, size, &cfg, err, sizeof err);
    FUZZ_EXPECT((unsigned)st < GA_STATUS_MAX);
    FUZZ_EXPECT(fuzz_cstr_ok(err, sizeof err));
    if (st == GA_OK) {
        FUZZ_EXPECT(cfg != NULL);
        FUZZ_EXPECT(!memmem(data, size, "${", 2) && !memchr(data, '\0', size));
        check_loaded(cfg);
    } else {
        FUZZ_EXPECT(cfg == NULL);
        FUZZ_EXPECT(st == GA_ERR_CONFIG || st == GA_ERR_NOMEM);
        if (strlen(path) < 200) /* longer names are shortened in err */
            FUZZ_EXPECT(strncmp(err, path, strlen(path)) == 0);
        check_secret_not_in(data, size, err);
    }
    sink_n += strlen(err);
    ga_config_free(cfg);
    return 0;
}
