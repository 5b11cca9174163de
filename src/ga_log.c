/* ga_log.c - format one log line and hand it to the installed sink. */
#include "config.h"

#include "ga_log.h"

#include <stdarg.h>
#include <stdio.h>

#define GA_LOG_LINE_MAX 1024

void ga_log(const ga_logger_t *lg, int priority, const char *fmt, ...)
{
    char line[GA_LOG_LINE_MAX];
    va_list ap;

    if (!lg || !lg->sink)
        return;
    if (priority == LOG_DEBUG && !lg->debug)
        return;
    va_start(ap, fmt);
    (void)vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    for (char *p = line; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20 || c == 0x7f)
            *p = '?';
    }
    lg->sink(lg->ctx, priority, line);
}
