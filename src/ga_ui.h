/* ga_ui.h - how the PAM-free flow talks to the user.
 *
 * The PAM glue implements these with pam_prompt/pam_info/pam_error; the unit
 * tests with a script. Texts are at most 80 columns per line (QR codes
 * aside), no escape sequences; ASCII in en-US, UTF-8 in zh-CN. One message
 * is at most GA_UI_CHUNK bytes: PAM_MAX_MSG_SIZE is 512 and some
 * applications cut longer ones; ga_ui_show() splits longer texts.
 */
#ifndef GA_UI_H
#define GA_UI_H

#include "ga_status.h"

#define GA_UI_CHUNK 480 /* bytes per message, NUL excluded */

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
    /* Tell the user what the next prompt cannot be answered without (the
     * authenticator-app key and QR code, its recovery code): PAM_TEXT_INFO
     * even when the application asked for PAM_SILENT, which silences info
     * and error. NULL: info is used. */
    void (*needed)(void *ctx, const char *text);
} ga_ui_t;

/* What ga_ui_show shows through: ui->info, ui->error, ui->needed. */
typedef enum { GA_UI_INFO = 0, GA_UI_ERROR = 1, GA_UI_NEEDED = 2 } ga_ui_kind_t;

/* Show text (lines separated by '\n') through the callback of kind (for
 * GA_UI_NEEDED without ui->needed: ui->info), as few messages as possible,
 * each at most GA_UI_CHUNK bytes: whole lines are packed into a message while they fit, and a message
 * boundary replaces the '\n' there; only a single line longer than
 * GA_UI_CHUNK is cut, at a UTF-8 character boundary (so no message ends in
 * a partial character). The application ends each message with a line
 * break, so newlines at the end of a message and blank lines at its start
 * are dropped: no message is empty, and empty text (or NULL, or only
 * newlines) shows nothing. The copy made for each message is wiped (the
 * text may hold a QR code or an OTP key). Implemented in ga_ui.c. */
void ga_ui_show(const ga_ui_t *ui, ga_ui_kind_t kind, const char *text);

#endif
