/* ga_log.h - logging from the PAM-free core.
 *
 * The core never calls syslog itself: it formats one line and hands it to
 * the sink the caller installed (pam_syslog in the module, a buffer in the
 * unit tests). Priorities are syslog(3)'s LOG_* values.
 */
#ifndef GA_LOG_H
#define GA_LOG_H

#include <syslog.h>

/* Receives one formatted, already-sanitised line (no newline). */
typedef void (*ga_log_sink_fn)(void *ctx, int priority, const char *line);

typedef struct ga_logger {
    ga_log_sink_fn sink; /* may be NULL: logging is then a no-op */
    void *ctx;           /* passed to sink */
    int debug;           /* non-zero: LOG_DEBUG lines are emitted */
} ga_logger_t;

/* Format and emit one line. Lines longer than 1000 bytes are cut. Control
 * characters in the result are replaced with '?', so callers may pass
 * untrusted text through "%s" (it should still be sanitised first).
 * LOG_DEBUG lines are dropped unless lg->debug. lg may be NULL. */
void ga_log(const ga_logger_t *lg, int priority, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
