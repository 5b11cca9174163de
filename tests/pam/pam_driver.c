/* pam_driver.c - a PAM application for tests and the demo.
 *
 * Runs pam_authenticate (and optionally pam_setcred) for SERVICE and USER
 * with Linux-PAM's pam_start_confdir(), so service files come from CONFDIR
 * and no root or /etc/pam.d change is needed.
 *
 * usage: pam_driver [options] CONFDIR SERVICE USER [ANSWER...]
 *   --rhost HOST     set PAM_RHOST
 *   --runs N         call pam_authenticate N times on the same handle
 *   --silent         pass PAM_SILENT
 *   --outbox FILE    the emulator's outbox (JSON lines), for @code answers
 *                    and for --interactive
 *   --syslog FILE    append what the module logs (pam_syslog) to FILE
 *   --interactive    answer prompts from the terminal; before each prompt show
 *                    the codes that arrived in the outbox (the demo)
 *   --transcript FILE  write the exact conversation to FILE (also taken from
 *                    the environment variable PAM_DRIVER_TRANSCRIPT), one
 *                    line per event: "CONV <n>" (a conversation call with n
 *                    messages), "<STYLE> <hex bytes of the message>" (STYLE:
 *                    INFO ERROR ECHO_ON ECHO_OFF), "ANSWER <hex>" (ECHO_ON
 *                    answers; "ANSWER ***" for ECHO_OFF, "ANSWER (null)",
 *                    "ANSWER (conversation error)"), "RESULT <pam code>"
 *
 * Scripted answers, one per prompt, in order:
 *   TEXT        answered as is
 *   @code       the code of the newest outbox entry (waits up to 5 s for one
 *               newer than the last @code used)
 *   @conv-err   the conversation fails (PAM_CONV_ERR), like a dropped client
 *   @null       the conversation succeeds but gives a NULL answer
 *   @empty      an empty answer
 *   @long:N     N bytes of 'A'
 *   @raw:HEX    the bytes given in hex (control characters, invalid UTF-8)
 *   @exec:CMD   the first line of what `/bin/sh -c CMD` prints: its stdin is
 *               the conversation so far (every message text in order, each
 *               followed by a newline), so nothing shown ever reaches the
 *               shell's command line. At most EXEC_OUT_MAX bytes are read;
 *               after EXEC_TIMEOUT seconds (or PAM_DRIVER_EXEC_TIMEOUT from
 *               the environment, 1..600) the command (its process group)
 *               is killed. A command that fails, is killed, prints no
 *               line or more than EXEC_OUT_MAX bytes is a conversation
 *               error (reason on stderr).
 * Running out of answers is a conversation error.
 *
 * Prints a transcript on stdout: "ECHO_ON [prompt] -> answer", "ECHO_OFF
 * [prompt] -> ***", "INFO [text]", "ERROR [text]", and for each call
 * "RESULT pam_authenticate=<code> <text>". Exit status: the last PAM code.
 */
#include "config.h"

/* This file defines syslog() and friends to capture pam_syslog; glibc's
 * fortified headers would turn those names into inline wrappers. */
#undef _FORTIFY_SOURCE

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <json.h>
#include <security/pam_appl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

typedef struct driver {
    char **answers;
    int n_answers;
    int next;
    const char *outbox;
    long outbox_seen;   /* outbox lines already shown (interactive) */
    long code_line;     /* outbox line of the last @code used */
    int interactive;
} driver_t;

static const char *syslog_path;

/* ---- the conversation so far (for @exec) and the --transcript file -------- */

#define TX_MAX (4 * 1024 * 1024) /* bytes of messages kept for @exec */
#define EXEC_OUT_MAX 4096        /* bytes read from an @exec command */
#define EXEC_TIMEOUT 30          /* seconds an @exec command may take */

static char *tx;        /* every message text, each followed by '\n' */
static size_t tx_len;
static int tx_full;     /* TX_MAX reached: later messages are not kept */
static FILE *tx_file;   /* --transcript */

static void tx_keep(const char *text)
{
    size_t n = text ? strlen(text) : 0;
    char *grown;

    if (tx_full)
        return;
    if (tx_len + n + 1 > TX_MAX) {
        tx_full = 1;
        fprintf(stderr, "pam_driver: conversation over %d bytes: @exec sees only the "
                        "first part\n", TX_MAX);
        return;
    }
    if (!(grown = realloc(tx, tx_len + n + 1))) {
        tx_full = 1;
        return;
    }
    tx = grown;
    memcpy(tx + tx_len, text ? text : "", n);
    tx[tx_len + n] = '\n';
    tx_len += n + 1;
}

/* one transcript line: label, then text as hex (NULL: label only) */
static void tx_write(const char *label, const char *text)
{
    if (!tx_file)
        return;
    fputs(label, tx_file);
    if (text) {
        fputc(' ', tx_file);
        for (const unsigned char *p = (const unsigned char *)text; *p; p++)
            fprintf(tx_file, "%02x", *p);
    }
    fputc('\n', tx_file);
    fflush(tx_file);
}

/* ---- capture what libpam's pam_syslog sends to syslog -------------------- */

__attribute__((format(printf, 2, 0))) static void capture(int prio, const char *fmt,
                                                        va_list ap)
{
    FILE *f;

    if (!syslog_path || !(f = fopen(syslog_path, "a")))
        return;
    fprintf(f, "<%d> ", prio & LOG_PRIMASK);
    vfprintf(f, fmt, ap);
    fputc('\n', f);
    fclose(f);
}

/* libpam calls the fortified __syslog_chk; define the plain ones too. The
 * executable's (exported) definitions take precedence over libc's for libpam. */
#define EXPORT __attribute__((visibility("default")))
EXPORT void __syslog_chk(int prio, int flag, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
EXPORT void __vsyslog_chk(int prio, int flag, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
EXPORT void syslog(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
EXPORT void vsyslog(int prio, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

EXPORT void __syslog_chk(int prio, int flag, const char *fmt, ...)
{
    va_list ap;

    (void)flag;
    va_start(ap, fmt);
    capture(prio, fmt, ap);
    va_end(ap);
}

EXPORT void __vsyslog_chk(int prio, int flag, const char *fmt, va_list ap)
{
    (void)flag;
    capture(prio, fmt, ap);
}

EXPORT void syslog(int prio, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    capture(prio, fmt, ap);
    va_end(ap);
}

EXPORT void vsyslog(int prio, const char *fmt, va_list ap)
{
    capture(prio, fmt, ap);
}

/* ---- outbox ------------------------------------------------------------- */

/* Read the outbox; call fn for each line index >= from. Returns line count. */
static long outbox_scan(const char *path, long from,
                        void (*fn)(json_object *entry, long idx, void *ud), void *ud)
{
    char line[8192];
    long idx = 0;
    FILE *f = path ? fopen(path, "r") : NULL;

    if (!f)
        return 0;
    while (fgets(line, sizeof line, f)) {
        if (idx >= from && fn) {
            json_object *o = json_tokener_parse(line);
            if (o)
                fn(o, idx, ud);
            json_object_put(o);
        }
        idx++;
    }
    fclose(f);
    return idx;
}

static const char *jstr(json_object *o, const char *key)
{
    json_object *v = NULL;

    if (json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string))
        return json_object_get_string(v);
    return "?";
}

static void show_entry(json_object *o, long idx, void *ud)
{
    (void)idx;
    (void)ud;
    fprintf(stderr, "\n  [emulator outbox] %s to %s: your code is %s\n\n",
            jstr(o, "channel"), jstr(o, "to"), jstr(o, "code"));
}

static void take_code(json_object *o, long idx, void *ud)
{
    char *code = ud;

    (void)idx;
    snprintf(code, 16, "%s", jstr(o, "code"));
}

/* The newest code that arrived after the last one used; waits up to 5 s. */
static char *newest_code(driver_t *d)
{
    char code[16] = "";

    for (int i = 0; i < 50; i++) {
        long n = outbox_scan(d->outbox, 0, NULL, NULL);
        if (n > d->code_line) {
            outbox_scan(d->outbox, n - 1, take_code, code);
            d->code_line = n;
            return strdup(code);
        }
        usleep(100 * 1000);
    }
    /* nothing new: reuse the newest (a resumed enrollment) */
    outbox_scan(d->outbox, 0, take_code, code);
    return strdup(code[0] ? code : "000000");
}

/* ---- answers -------------------------------------------------------------- */

static char *from_hex(const char *hex)
{
    size_t n = strlen(hex) / 2;
    char *out = calloc(n + 1, 1);

    for (size_t i = 0; out && i < n; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1)
            v = '?';
        out[i] = (char)v;
    }
    return out;
}

/* The first line cmd prints with the conversation so far on its stdin, or
 * NULL (reason on stderr). */
static char *exec_answer(const char *cmd)
{
    char out[EXEC_OUT_MAX + 1];
    size_t got = 0;
    int pfd[2] = {-1, -1}, status = 0, timed_out = 0;
    FILE *in = tmpfile();
    pid_t pid = -1;
    const char *limit_env = getenv("PAM_DRIVER_EXEC_TIMEOUT");
    long limit = limit_env ? strtol(limit_env, NULL, 10) : EXEC_TIMEOUT;
    time_t deadline;
    char *line = NULL;

    if (limit < 1 || limit > 600)
        limit = EXEC_TIMEOUT;
    deadline = time(NULL) + limit;
    if (!in || (tx_len && fwrite(tx, 1, tx_len, in) != tx_len) || fflush(in) != 0 ||
        fseek(in, 0, SEEK_SET) != 0 || pipe2(pfd, O_CLOEXEC) != 0) {
        fprintf(stderr, "pam_driver: @exec: cannot set up: %s\n", strerror(errno));
        goto out;
    }
    fflush(stdout);
    pid = fork();
    if (pid < 0) {
        fprintf(stderr, "pam_driver: @exec: fork: %s\n", strerror(errno));
        goto out;
    }
    if (pid == 0) {
        (void)setpgid(0, 0);
        if (dup2(fileno(in), STDIN_FILENO) < 0 || dup2(pfd[1], STDOUT_FILENO) < 0)
            _exit(127);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    (void)setpgid(pid, pid); /* either side may win the race */
    close(pfd[1]);
    pfd[1] = -1;
    while (got < EXEC_OUT_MAX) {
        struct pollfd p = {pfd[0], POLLIN, 0};
        long left = (long)(deadline - time(NULL));
        ssize_t r;
        int n;

        if (left <= 0) {
            timed_out = 1;
            break;
        }
        n = poll(&p, 1, (int)(left * 1000));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            timed_out = n == 0;
            break;
        }
        r = read(pfd[0], out + got, EXEC_OUT_MAX - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    out[got] = '\0';
    if (timed_out || got >= EXEC_OUT_MAX)
        (void)kill(-pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (timed_out) {
        fprintf(stderr, "pam_driver: @exec: killed after %ld s: %s\n", limit, cmd);
        goto out;
    }
    if (got >= EXEC_OUT_MAX) {
        fprintf(stderr, "pam_driver: @exec: over %d bytes of output: %s\n", EXEC_OUT_MAX,
                cmd);
        goto out;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "pam_driver: @exec: command failed (status %d): %s\n", status, cmd);
        goto out;
    }
    if (!memchr(out, '\n', got) || strlen(out) != got) {
        fprintf(stderr, "pam_driver: @exec: no line (or a NUL byte) in the output: %s\n",
                cmd);
        goto out;
    }
    out[strcspn(out, "\r\n")] = '\0';
    line = strdup(out);
out:
    if (pfd[0] >= 0)
        close(pfd[0]);
    if (pfd[1] >= 0)
        close(pfd[1]);
    if (in)
        fclose(in);
    return line;
}

/* 0: *resp set (may be NULL for @null); -1: conversation error. */
static int scripted_answer(driver_t *d, char **resp)
{
    const char *a;

    *resp = NULL;
    if (d->next >= d->n_answers)
        return -1;
    a = d->answers[d->next++];
    if (strcmp(a, "@conv-err") == 0)
        return -1;
    if (strcmp(a, "@null") == 0)
        return 0;
    if (strcmp(a, "@code") == 0)
        *resp = newest_code(d);
    else if (strcmp(a, "@empty") == 0)
        *resp = strdup("");
    else if (strncmp(a, "@long:", 6) == 0) {
        long n = strtol(a + 6, NULL, 10);
        if (n < 0 || n > 16 * 1024 * 1024)
            n = 0;
        if ((*resp = malloc((size_t)n + 1))) {
            memset(*resp, 'A', (size_t)n);
            (*resp)[n] = '\0';
        }
    } else if (strncmp(a, "@raw:", 5) == 0)
        *resp = from_hex(a + 5);
    else if (strncmp(a, "@exec:", 6) == 0) {
        if (!(*resp = exec_answer(a + 6)))
            return -1;
    } else
        *resp = strdup(a);
    return 0;
}

/* Show prompt and read the answer; a hidden one with echo off set before
 * the prompt appears, so nothing typed after it is echoed. */
static int terminal_answer(driver_t *d, int echo, const char *prompt, char **resp)
{
    struct termios old, quiet;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int tty = isatty(STDIN_FILENO);

    (void)d;
    *resp = NULL;
    if (!echo && tty && tcgetattr(STDIN_FILENO, &old) == 0) {
        quiet = old;
        quiet.c_lflag &= (tcflag_t)~ECHO;
        /* TCSANOW, not TCSAFLUSH: an answer typed (or pasted) ahead of the
         * prompt must not be thrown away, or the demo waits forever */
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    } else
        tty = 0;
    fprintf(stderr, "%s", prompt);
    fflush(stderr);
    n = getline(&line, &cap, stdin); /* any length: the module judges it */
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSANOW, &old);
        if (n >= 0)
            fputc('\n', stderr);
    }
    if (n < 0) {
        free(line);
        return -1; /* EOF or Ctrl-D: like a dropped connection */
    }
    line[strcspn(line, "\r\n")] = '\0';
    *resp = line;
    return 0;
}

/* ---- the conversation ----------------------------------------------------- */

static int quiet; /* interactive: no transcript on stdout */

static void print_visible(const char *label, const char *text)
{
    if (quiet)
        return;
    printf("%s [", label);
    for (const char *p = text; p && *p; p++)
        putchar(*p == '\n' ? '|' : *p);
    printf("]");
}

static int conv(int n, const struct pam_message **msg, struct pam_response **resp,
                void *appdata)
{
    driver_t *d = appdata;
    struct pam_response *rep = calloc((size_t)n, sizeof *rep);

    if (!rep)
        return PAM_BUF_ERR;
    if (tx_file) {
        fprintf(tx_file, "CONV %d\n", n);
        fflush(tx_file);
    }
    for (int i = 0; i < n; i++) {
        int style = msg[i]->msg_style, echo = style == PAM_PROMPT_ECHO_ON;
        int rc;

        tx_keep(msg[i]->msg);
        tx_write(style == PAM_TEXT_INFO       ? "INFO"
                 : style == PAM_ERROR_MSG     ? "ERROR"
                 : style == PAM_PROMPT_ECHO_ON ? "ECHO_ON"
                 : style == PAM_PROMPT_ECHO_OFF ? "ECHO_OFF"
                                                : "OTHER",
                 msg[i]->msg ? msg[i]->msg : "");
        if (style == PAM_TEXT_INFO || style == PAM_ERROR_MSG) {
            print_visible(style == PAM_TEXT_INFO ? "INFO" : "ERROR", msg[i]->msg);
            if (!quiet)
                printf("\n");
            if (d->interactive)
                fprintf(stderr, "%s\n", msg[i]->msg);
            continue;
        }
        if (style != PAM_PROMPT_ECHO_ON && style != PAM_PROMPT_ECHO_OFF)
            goto fail;
        print_visible(echo ? "ECHO_ON" : "ECHO_OFF", msg[i]->msg);
        if (d->interactive) {
            d->outbox_seen = outbox_scan(d->outbox, d->outbox_seen, show_entry, NULL);
            rc = terminal_answer(d, echo, msg[i]->msg, &rep[i].resp);
        } else
            rc = scripted_answer(d, &rep[i].resp);
        if (rc != 0) {
            if (!quiet)
                printf(" -> (conversation error)\n");
            tx_write("ANSWER (conversation error)", NULL);
            goto fail;
        }
        if (!quiet)
            printf(" -> %s\n", !rep[i].resp ? "(null)" : echo ? rep[i].resp : "***");
        if (!rep[i].resp)
            tx_write("ANSWER (null)", NULL);
        else if (echo)
            tx_write("ANSWER", rep[i].resp);
        else
            tx_write("ANSWER ***", NULL);
    }
    fflush(stdout);
    *resp = rep;
    return PAM_SUCCESS;
fail:
    fflush(stdout);
    for (int i = 0; i < n; i++)
        free(rep[i].resp);
    free(rep);
    return PAM_CONV_ERR;
}

/* ---- main ------------------------------------------------------------------- */

static void usage(void)
{
    fprintf(stderr, "usage: pam_driver [--rhost HOST] [--runs N] [--silent]\n"
                    "  [--outbox FILE] [--syslog FILE] [--interactive] [--transcript FILE]\n"
                    "  CONFDIR SERVICE USER [ANSWER...]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    driver_t d = {0};
    struct pam_conv pc = {conv, &d};
    pam_handle_t *pamh = NULL;
    const char *rhost = NULL;
    const char *transcript = getenv("PAM_DRIVER_TRANSCRIPT");
    int runs = 1, flags = 0, rc = PAM_SUCCESS, i = 1;

    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        const char *o = argv[i];
        if (strcmp(o, "--interactive") == 0)
            d.interactive = quiet = 1;
        else if (strcmp(o, "--silent") == 0)
            flags |= PAM_SILENT;
        else if (i + 1 >= argc)
            usage();
        else if (strcmp(o, "--rhost") == 0)
            rhost = argv[++i];
        else if (strcmp(o, "--runs") == 0)
            runs = atoi(argv[++i]);
        else if (strcmp(o, "--outbox") == 0)
            d.outbox = argv[++i];
        else if (strcmp(o, "--syslog") == 0)
            syslog_path = argv[++i];
        else if (strcmp(o, "--transcript") == 0)
            transcript = argv[++i];
        else
            usage();
    }
    if (argc - i < 3)
        usage();
    if (transcript && *transcript && !(tx_file = fopen(transcript, "w"))) {
        fprintf(stderr, "pam_driver: %s: %s\n", transcript, strerror(errno));
        return 2;
    }
    d.answers = argv + i + 3;
    d.n_answers = argc - i - 3;
    d.outbox_seen = outbox_scan(d.outbox, 0, NULL, NULL);
    d.code_line = d.outbox_seen;
    rc = pam_start_confdir(argv[i + 1], argv[i + 2], &pc, argv[i], &pamh);
    if (rc != PAM_SUCCESS) {
        printf("RESULT pam_start=%d %s\n", rc, pam_strerror(NULL, rc));
        return rc;
    }
    if (rhost)
        pam_set_item(pamh, PAM_RHOST, rhost);
    for (int r = 0; r < runs; r++) {
        rc = pam_authenticate(pamh, flags);
        if (d.interactive)
            fprintf(stderr, "\npam_authenticate: %s\n", pam_strerror(pamh, rc));
        printf("RESULT pam_authenticate=%d %s\n", rc, pam_strerror(pamh, rc));
        fflush(stdout);
        if (tx_file) {
            fprintf(tx_file, "RESULT %d\n", rc);
            fflush(tx_file);
        }
    }
    pam_end(pamh, rc);
    if (tx_file)
        fclose(tx_file);
    free(tx);
    return rc;
}
