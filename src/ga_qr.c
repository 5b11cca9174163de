/* ga_qr.c - draw a libqrencode matrix with text. */
#include "config.h"

#include "ga_qr.h"

#include <stddef.h>

ga_status_t ga_qr_render(const char *text, ga_qr_mode_t mode, char **out)
{
    (void)text;
    (void)mode;
    *out = NULL;
    return GA_ERR_INTERNAL; /* TODO(helper D) */
}
