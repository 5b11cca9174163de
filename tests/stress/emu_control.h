/* emu_control.h - one call to the GenAuth emulator's control API
 * (tests/emulator/README.md, "Control API") with libcurl. */
#ifndef EMU_CONTROL_H
#define EMU_CONTROL_H

#include <curl/curl.h>

/* POST json to URL/__emulator/CALL over the easy handle c (reused between
 * calls), trusting ca_file. 0 on HTTP 200, else -1 with a line on stderr. */
int emu_control(CURL *c, const char *url, const char *ca_file, const char *call,
                const char *json);

#endif
