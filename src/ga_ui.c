/* ga_ui.c - ga_ui_show(): long texts as several conversation messages. */
#include "config.h"

#include "ga_ui.h"

#include <string.h>

#include "ga_secret.h"

#define UTF8_CONT(c) (((unsigned char)(c) & 0xC0) == 0x80)
#define UTF8_SEQ_MAX 4

/* The number of bytes of s (len > 0 bytes left) that make the next
 * message: everything when it fits; else whole lines up to the last '\n'
 * at or before GA_UI_CHUNK (the '\n' included: it is dropped, the message
 * boundary replaces it); else (one line longer than GA_UI_CHUNK) up to the
 * last UTF-8 character start within GA_UI_CHUNK bytes, or exactly
 * GA_UI_CHUNK bytes when the text there is not UTF-8. */
static size_t next_piece(const char *s, size_t len)
{
    size_t back = 0;

    if (len <= GA_UI_CHUNK)
        return len;
    for (size_t cut = GA_UI_CHUNK + 1; cut > 0; cut--)
        if (s[cut - 1] == '\n')
            return cut;
    /* s[GA_UI_CHUNK] is the first byte left out: back up to its
     * character's first byte */
    while (back < UTF8_SEQ_MAX - 1 && UTF8_CONT(s[GA_UI_CHUNK - back]))
        back++;
    if (UTF8_CONT(s[GA_UI_CHUNK - back]))
        return GA_UI_CHUNK;
    return GA_UI_CHUNK - back;
}

void ga_ui_show(const ga_ui_t *ui, ga_ui_kind_t kind, const char *text)
{
    void (*emit)(void *, const char *);
    char buf[GA_UI_CHUNK + 1];
    size_t len;

    if (!ui || !text)
        return;
    emit = kind == GA_UI_ERROR ? ui->error : ui->info;
    if (kind == GA_UI_NEEDED && ui->needed)
        emit = ui->needed;
    if (!emit)
        return;
    len = strlen(text);
    while (len > 0) {
        size_t take;
        size_t n;

        if (*text == '\n') { /* blank lines at a message start */
            text++;
            len--;
            continue;
        }
        take = next_piece(text, len);
        n = take;
        while (n > 0 && text[n - 1] == '\n') /* the application ends */
            n--;                             /* each message itself  */
        memcpy(buf, text, n);
        buf[n] = '\0';
        emit(ui->ctx, buf);
        text += take;
        len -= take;
    }
    /* the text may be a QR code or an OTP key: no copy left on the stack */
    ga_wipe(buf, sizeof buf);
}
