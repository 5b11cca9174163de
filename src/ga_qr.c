/* ga_qr.c - draw a libqrencode matrix with text.
 *
 * Polarity: both modes draw the LIGHT modules with the terminal's ink (the
 * glyphs) and leave the DARK modules as the terminal background (spaces).
 * An SSH terminal is light text on a dark background far more often than
 * not; there the code shows with the polarity a scanner expects, dark
 * modules on a light field. This is what `qrencode -t UTF8` does. On a
 * light-background terminal the same output appears inverted (light
 * modules dark); some scanner apps read inverted codes, many do not: such
 * users switch to a dark profile or type the key by hand (the enrollment
 * always shows it under the code).
 *
 * ASCII mode uses the same polarity: "##" is a light module, "  " a dark
 * one (`qrencode -t ASCIIi`). `qrencode -t ASCII` draws '#' for dark
 * modules, which suits paper and light terminals; here the ascii mode is
 * for terminals that cannot draw the block characters (a serial or legacy
 * console, a non-UTF-8 locale), which are dark-background ones, and a
 * scanner sees a cell of '#' glyphs as lighter than a blank cell. Both
 * modes thus behave alike; only the glyphs change. Two characters per
 * module keep modules about square (terminal cells are about twice as high
 * as wide); the price is width: 2 * (width + 4) columns, 106 for the
 * version 8 symbol a typical GenAuth URI needs, so ascii needs a wide
 * terminal.
 *
 * Quiet zone: QUIET_MODULES = 2 light modules on every side. ISO/IEC 18004
 * asks for 4, but around a dark-background terminal drawing everything
 * outside what we draw is dark, so the quiet zone must be drawn, and
 * every module of it costs height (a line per two modules in UTF-8 mode)
 * and width on both sides. Phone scanners locate a code by its finder
 * patterns and in practice read codes with a 2-module margin (terminal QR
 * tools commonly draw 1 or 2; `qrencode` uses 2 for Micro QR); 2 keeps a
 * version 8 code at 27 lines in UTF-8 mode instead of 29, closer to fitting
 * a 24-line terminal with the text around it.
 */
#include "config.h"

#include "ga_qr.h"

#include <errno.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#include "ga_secret.h"

#define GA_QR_TEXT_MAX 1024
#define QUIET_MODULES 2
#define QR_WIDTH_MAX 177 /* version 40 */

/* UTF-8 glyphs for a pair of module rows (upper, lower): light = ink */
#define GLYPH_BOTH "\xe2\x96\x88"  /* U+2588 FULL BLOCK: both light */
#define GLYPH_UPPER "\xe2\x96\x80" /* U+2580 UPPER HALF BLOCK: upper light */
#define GLYPH_LOWER "\xe2\x96\x84" /* U+2584 LOWER HALF BLOCK: lower light */
#define GLYPH_NONE " "             /* both dark */
#define GLYPH_BYTES 3              /* the longest glyph */

/* ASCII glyphs for one module, two characters wide */
#define ASCII_LIGHT "##"
#define ASCII_DARK "  "

/* Non-zero if module (x, y) of the drawing (quiet zone included; side
 * modules wide) is light. Outside the drawing (the lower half of the last
 * UTF-8 line when side is odd) is the terminal background: dark. */
static int is_light(const QRcode *qr, int side, int x, int y)
{
    int mx = x - QUIET_MODULES;
    int my = y - QUIET_MODULES;

    if (y >= side)
        return 0;
    if (mx < 0 || my < 0 || mx >= qr->width || my >= qr->width)
        return 1;
    return !(qr->data[(size_t)my * (size_t)qr->width + (size_t)mx] & 1);
}

/* Append glyph at p, with its NUL (overwritten by what follows: every
 * line has room for its '\n', the buffer for the final NUL). */
static char *put(char *p, const char *glyph)
{
    size_t n = strlen(glyph);

    memcpy(p, glyph, n + 1);
    return p + n;
}

/* Two module rows per line. */
static char *draw_utf8(const QRcode *qr, int side)
{
    size_t lines = ((size_t)side + 1) / 2;
    char *buf = malloc(lines * ((size_t)side * GLYPH_BYTES + 1) + 1);
    char *p = buf;

    if (!buf)
        return NULL;
    for (int y = 0; y < side; y += 2) {
        for (int x = 0; x < side; x++) {
            int up = is_light(qr, side, x, y);
            int low = is_light(qr, side, x, y + 1);
            p = put(p, up ? (low ? GLYPH_BOTH : GLYPH_UPPER)
                          : (low ? GLYPH_LOWER : GLYPH_NONE));
        }
        *p++ = '\n';
    }
    *p = '\0';
    return buf;
}

/* One module row per line, two characters per module. */
static char *draw_ascii(const QRcode *qr, int side)
{
    char *buf = malloc((size_t)side * ((size_t)side * 2 + 1) + 1);
    char *p = buf;

    if (!buf)
        return NULL;
    for (int y = 0; y < side; y++) {
        for (int x = 0; x < side; x++)
            p = put(p, is_light(qr, side, x, y) ? ASCII_LIGHT : ASCII_DARK);
        *p++ = '\n';
    }
    *p = '\0';
    return buf;
}

ga_status_t ga_qr_render(const char *text, ga_qr_mode_t mode, char **out)
{
    QRcode *qr = NULL;
    size_t len;
    int side;
    ga_status_t st = GA_ERR_INPUT;

    if (!out)
        return GA_ERR_INPUT;
    *out = NULL;
    if (mode == GA_QR_OFF)
        return GA_ERR_NOT_FOUND;
    if (!text || (mode != GA_QR_UTF8 && mode != GA_QR_ASCII))
        goto out;
    len = strnlen(text, GA_QR_TEXT_MAX + 1);
    if (len == 0 || len > GA_QR_TEXT_MAX)
        goto out;
    errno = 0;
    qr = QRcode_encodeString(text, 0, QR_ECLEVEL_L, QR_MODE_8, 1);
    if (!qr) {
        /* ERANGE: too long for a QR code; EINVAL: refused input */
        st = errno == ENOMEM ? GA_ERR_NOMEM : GA_ERR_INPUT;
        goto out;
    }
    if (!qr->data || qr->width <= 0 || qr->width > QR_WIDTH_MAX) {
        st = GA_ERR_INTERNAL;
        goto out;
    }
    side = qr->width + 2 * QUIET_MODULES;
    *out = mode == GA_QR_UTF8 ? draw_utf8(qr, side) : draw_ascii(qr, side);
    st = *out ? GA_OK : GA_ERR_NOMEM;
out:
    if (qr) {
        /* the matrix encodes the OTP secret */
        if (qr->data && qr->width > 0 && qr->width <= QR_WIDTH_MAX)
            ga_wipe(qr->data, (size_t)qr->width * (size_t)qr->width);
        QRcode_free(qr);
    }
    return st;
}
