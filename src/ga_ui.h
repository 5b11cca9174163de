/* ga_ui.h - how the PAM-free flow talks to the user.
 *
 * The PAM glue implements these with pam_prompt/pam_info/pam_error; the unit
 * tests with a script. Texts are ASCII, at most 80 columns per line, no
 * escape sequences.
 */
#ifndef GA_UI_H
#define GA_UI_H

#include "ga_status.h"

typedef struct ga_ui {
    /* Ask a question. echo_on: show what the user types. On GA_OK *answer is
     * a new NUL-terminated string (caller wipes and frees). GA_ERR_CONV when
     * the conversation failed or gave no answer (NULL); *answer is NULL then. */
    ga_status_t (*prompt)(void *ctx, int echo_on, const char *text, char **answer);
    /* Tell the user something (PAM_TEXT_INFO). */
    void (*info)(void *ctx, const char *text);
    /* Tell the user about an error (PAM_ERROR_MSG). */
    void (*error)(void *ctx, const char *text);
    void *ctx;
} ga_ui_t;

#endif
