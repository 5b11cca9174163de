/* ga_state_file.h - internal to the state unit (ga_state.c): the record kept
 * in a pending file, its JSON form (json-c) and its validation.
 *
 * A pending file is one JSON object with exactly the keys version (1), user,
 * factorType, enrollmentToken, maskedTarget, sentAt and attempts. Nothing
 * here touches the file system or logs: ga_state.c opens, checks, reads,
 * writes and removes the files and logs what these functions report.
 */
#ifndef GA_STATE_FILE_H
#define GA_STATE_FILE_H

#include <stddef.h>

#include "ga_state.h"
#include "ga_status.h"

#define GA_STATE_FILE_MAX 16384 /* bytes (16 KiB): largest pending file read or written */

/* Non-zero if p (not NULL) can be stored and would be loaded back: an
 * enrollable factor type, a token of 1..GA_TOKEN_MAX bytes without control
 * characters, a printable ASCII masked target, 0..100 attempts and a
 * non-negative sent_at. */
int ga_state_file_valid(const ga_pending_t *p);

/* Serialise user's pending enrollment p (which must pass
 * ga_state_file_valid) as the JSON text of a pending file.
 * Arguments: user and p are not NULL; out and len receive the result.
 * Returns GA_OK with *out a new NUL-terminated buffer of *len + 1 bytes that
 * holds the token: the caller owns it and releases it with
 * ga_free_secret_n(*out, *len + 1). GA_ERR_INTERNAL when an argument is
 * NULL or p is not valid, GA_ERR_NOMEM; then *out is NULL and *len 0.
 * Every intermediate copy of the token is wiped. */
ga_status_t ga_state_file_encode(const char *user, const ga_pending_t *p,
                                 char **out, size_t *len);

/* Decode and check the pending file text buf[0..len) of user, as of now
 * (seconds since the epoch) for a token lifetime of lifetime_s seconds.
 * Arguments: buf, user, out and why are not NULL; buf need not be
 * NUL-terminated; at most GA_STATE_FILE_MAX bytes are accepted.
 * Returns GA_OK with *out overwritten (the caller owns the token and clears
 * out with ga_pending_clear); GA_ERR_EXPIRED when the record is sound but
 * now - sentAt >= lifetime_s; GA_ERR_NOT_FOUND when the text is not a valid
 * record for user (bad JSON, missing, extra or mistyped keys, another user,
 * values out of range, sentAt more than 5 s in the future); GA_ERR_NOMEM.
 * On every error *why is a constant phrase ("has expired", "belongs to
 * another user", ...) fit to follow a file name in a log line (NULL for
 * GA_ERR_NOMEM) and out is left untouched. Copies of the token made while
 * parsing are wiped. */
ga_status_t ga_state_file_decode(const char *buf, size_t len, const char *user,
                                 long long now, long lifetime_s,
                                 ga_pending_t *out, const char **why);

#endif
