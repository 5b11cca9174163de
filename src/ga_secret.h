/* ga_secret.h - the one helper that wipes secrets from memory.
 *
 * Used for every password, code, token, app secret and HTTP body.
 */
#ifndef GA_SECRET_H
#define GA_SECRET_H

#include <stddef.h>

/* Overwrite n bytes at p with zeros in a way the compiler cannot elide
 * (explicit_bzero, or a volatile fallback). p may be NULL when n is 0. */
void ga_wipe(void *p, size_t n);

/* Wipe the NUL-terminated string s (strlen(s) bytes) and free it.
 * NULL is accepted and ignored. */
void ga_free_secret(char *s);

/* Wipe n bytes at p, then free p. NULL is accepted and ignored. */
void ga_free_secret_n(void *p, size_t n);

#endif
