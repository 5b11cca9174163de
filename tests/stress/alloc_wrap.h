/* alloc_wrap.h - a counting, failing allocator for alloc_fail.c.
 *
 * Every wrapped allocation call (malloc, calloc, realloc, strdup, strndup
 * from the objects of the alloc_fail link) is counted; the one numbered
 * fail_at returns NULL with errno ENOMEM. Blocks are tracked until freed
 * (free is wrapped too), in a table that hides the pointers so that
 * LeakSanitizer still sees a leaked block. ga_state_save and
 * ga_mgmt_cache_put and ga_qr_render are wrapped to note an injected
 * failure inside the best-effort work of their callers: the state save of
 * ga_enroll.c, the management token cache of ga_api_mfa.c, the QR code of
 * ga_enroll_otp.c.
 */
#ifndef ALLOC_WRAP_H
#define ALLOC_WRAP_H

#include <stddef.h>

#define MAX_SITES 1024 /* distinct call sites recorded */

/* Forget every block and count; fail allocation number at (0: none). In a
 * run without failure the distinct call sites are recorded. */
void af_reset(long at);

long af_calls(void);  /* wrapped allocation calls since af_reset */
long af_live(void);   /* blocks allocated through them and not freed */
int af_sites(void *const **list); /* distinct callers (return addresses) */
void *af_fail_site(void);         /* the caller of the failed call, or NULL */

/* Non-zero if the injected failure happened inside ga_state_save and it
 * reported the failure. */
int af_failed_in_state_save(void);

/* Non-zero if the injected failure happened inside ga_mgmt_cache_put
 * (wrapped too; its failure is best effort in ga_api_mfa.c). */
int af_failed_in_mgmt_cache_put(void);

/* Non-zero if the injected failure happened inside ga_qr_render (wrapped;
 * ga_enroll_otp.c then shows the key without the QR code). */
int af_failed_in_qr_render(void);

/* The offset of site (a code address) in this program, for addr2line. */
unsigned long af_site_offset(void *site);

/* "alloc_fail+0x..: function (file:line) <- inlined into (file:line)" for an
 * offset, via addr2line (binutils); the offset alone without it. */
void af_describe_site(unsigned long off, char *out, size_t len);

/* strdup that is neither counted nor failed: the test's own copies. */
char *af_strdup(const char *s);

#endif
