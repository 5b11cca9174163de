/* alloc_wrap.c - the wrapped allocator of alloc_fail (see alloc_wrap.h).
 *
 * The linker (-Wl,--wrap=SYMBOL) sends every call to SYMBOL made from the
 * objects of the alloc_fail link - the test and the core library - to
 * __wrap_SYMBOL here; __real_SYMBOL is the C library's. Shared libraries
 * (libcurl, json-c, libconfuse, OpenSSL, libc itself) are resolved at run
 * time and are not wrapped. Single-threaded: the module's code runs in the
 * main thread only (libcurl's resolver thread allocates unwrapped).
 */
#include "config.h"

#include "alloc_wrap.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ga_qr.h"
#include "ga_state.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t m, size_t n);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t m, size_t n);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
void __wrap_free(void *p);

#define SLOTS 65536 /* live blocks tracked; a power of two */
/* Entries are stored XOR-ed with HIDE so the table does not keep the
 * blocks reachable: LeakSanitizer must still see a leaked block. */
#define HIDE ((uintptr_t)0xA5A5A5A5A5A5A5A5ull)
#define TOMB ((uintptr_t)1)
static uintptr_t live[SLOTS];
static long n_live;
static long n_calls;      /* wrapped allocation calls so far */
static long fail_at;      /* the call that fails; 0 = none */
static void *fail_site;   /* the caller of the failed call */
static void *sites[MAX_SITES]; /* distinct callers, in the counting run */
static int n_sites;
static int in_state_save; /* inside the wrapped ga_state_save */
static int in_mgmt_put;   /* inside the wrapped ga_mgmt_cache_put */
static int fired_in_mgmt_put;
static int in_qr;         /* inside the wrapped ga_qr_render */
static int fired_in_qr;
static int fired_in_state_save;
static int state_save_failed;

static size_t slot_of(const void *p)
{
    return (size_t)(((uintptr_t)p >> 4) * 0x9E3779B97F4A7C15ull) & (SLOTS - 1);
}

static void track(void *p)
{
    size_t i = slot_of(p);

    if (!p)
        return;
    while (live[i] && live[i] != TOMB)
        i = (i + 1) & (SLOTS - 1);
    live[i] = (uintptr_t)p ^ HIDE;
    n_live++;
}

static void untrack(void *p)
{
    size_t i = slot_of(p);

    if (!p)
        return;
    for (size_t k = 0; k < SLOTS && live[i]; k++, i = (i + 1) & (SLOTS - 1))
        if (live[i] == ((uintptr_t)p ^ HIDE)) {
            live[i] = TOMB;
            n_live--;
            return;
        }
    /* not ours (allocated by a library or by the test): passed through */
}

/* Non-zero if this allocation call is the one to fail. */
static int inject(void *site)
{
    if (fail_at == 0) {
        int k = 0;
        while (k < n_sites && sites[k] != site)
            k++;
        if (k == n_sites && n_sites < MAX_SITES)
            sites[n_sites++] = site;
    }
    if (++n_calls != fail_at)
        return 0;
    fail_site = site;
    fired_in_state_save = in_state_save > 0;
    fired_in_mgmt_put = in_mgmt_put > 0;
    fired_in_qr = in_qr > 0;
    errno = ENOMEM;
    return 1;
}

#define SITE __builtin_return_address(0)

void *__wrap_malloc(size_t n)
{
    void *p = inject(SITE) ? NULL : __real_malloc(n);

    track(p);
    return p;
}

void *__wrap_calloc(size_t m, size_t n)
{
    void *p = inject(SITE) ? NULL : __real_calloc(m, n);

    track(p);
    return p;
}

void *__wrap_realloc(void *old, size_t n)
{
    void *p;

    if (inject(SITE))
        return NULL; /* old stays valid and tracked */
    p = __real_realloc(old, n);
    if (p || n == 0)
        untrack(old);
    track(p);
    return p;
}

char *__wrap_strdup(const char *s)
{
    char *p = inject(SITE) ? NULL : __real_strdup(s);

    track(p);
    return p;
}

char *__wrap_strndup(const char *s, size_t n)
{
    char *p = inject(SITE) ? NULL : __real_strndup(s, n);

    track(p);
    return p;
}

void __wrap_free(void *p)
{
    untrack(p);
    __real_free(p);
}

/* ga_enroll.c calls ga_state_save as a best effort; note when an injected
 * failure happened inside it and it reported the failure. */
ga_status_t __real_ga_state_save(const char *dir, const char *user, uid_t euid,
                                 const ga_pending_t *p, const ga_logger_t *lg);
ga_status_t __wrap_ga_state_save(const char *dir, const char *user, uid_t euid,
                                 const ga_pending_t *p, const ga_logger_t *lg);

ga_status_t __wrap_ga_state_save(const char *dir, const char *user, uid_t euid,
                                 const ga_pending_t *p, const ga_logger_t *lg)
{
    ga_status_t rc;

    in_state_save++;
    rc = __real_ga_state_save(dir, user, euid, p, lg);
    in_state_save--;
    if (rc != GA_OK && fired_in_state_save)
        state_save_failed = 1;
    return rc;
}

/* ga_api_mfa.c caches the management token as a best effort ("a token
 * that cannot be cached still serves this call"). */
ga_status_t __real_ga_mgmt_cache_put(const char *host, const char *pool_id, const char *secret,
                                     const char *token, long expires_in);
ga_status_t __wrap_ga_mgmt_cache_put(const char *host, const char *pool_id, const char *secret,
                                     const char *token, long expires_in);

ga_status_t __wrap_ga_mgmt_cache_put(const char *host, const char *pool_id, const char *secret,
                                     const char *token, long expires_in)
{
    ga_status_t rc;

    in_mgmt_put++;
    rc = __real_ga_mgmt_cache_put(host, pool_id, secret, token, expires_in);
    in_mgmt_put--;
    return rc;
}

int af_failed_in_mgmt_cache_put(void)
{
    return fired_in_mgmt_put;
}

/* ga_enroll_otp.c shows the key without the QR code when drawing fails
 * (logged: "could not draw the OTP QR code"). */
ga_status_t __real_ga_qr_render(const char *text, ga_qr_mode_t mode, char **out);
ga_status_t __wrap_ga_qr_render(const char *text, ga_qr_mode_t mode, char **out);

ga_status_t __wrap_ga_qr_render(const char *text, ga_qr_mode_t mode, char **out)
{
    ga_status_t rc;

    in_qr++;
    rc = __real_ga_qr_render(text, mode, out);
    in_qr--;
    return rc;
}

int af_failed_in_qr_render(void)
{
    return fired_in_qr;
}

void af_reset(long at)
{
    memset(live, 0, sizeof live);
    n_live = n_calls = 0;
    fail_at = at;
    fail_site = NULL;
    n_sites = 0;
    fired_in_state_save = state_save_failed = fired_in_mgmt_put = fired_in_qr = 0;
}

long af_calls(void)
{
    return n_calls;
}

long af_live(void)
{
    return n_live;
}

int af_sites(void *const **list)
{
    *list = sites;
    return n_sites;
}

void *af_fail_site(void)
{
    return fail_site;
}

int af_failed_in_state_save(void)
{
    return fired_in_state_save && state_save_failed;
}

char *af_strdup(const char *s)
{
    return __real_strdup(s);
}

/* The offset of site in this executable, for addr2line. */
unsigned long af_site_offset(void *site)
{
    Dl_info di;

    if (site && dladdr(site, &di) && di.dli_fbase)
        return (unsigned long)((uintptr_t)site - (uintptr_t)di.dli_fbase);
    return 0;
}

/* "function (file:line) <- inlined into ..." for an offset, via addr2line
 * (binutils); the offset alone when that is not available. */
void af_describe_site(unsigned long off, char *out, size_t len)
{
    char cmd[128], line[256];
    size_t n;
    FILE *p;

    snprintf(out, len, "alloc_fail+%#lx", off);
    snprintf(cmd, sizeof cmd, "addr2line -f -i -s -e /proc/%d/exe %#lx 2>/dev/null",
             (int)getpid(), off);
    if (!off || !(p = popen(cmd, "r")))
        return;
    for (int i = 0; fgets(line, sizeof line, p); i++) {
        line[strcspn(line, "\n")] = '\0';
        n = strlen(out);
        snprintf(out + n, len - n, "%s%s", i == 0 ? ": " : i % 2 ? " (" : ") <- ", line);
    }
    n = strlen(out);
    snprintf(out + n, len - n, ")");
    (void)pclose(p);
}
