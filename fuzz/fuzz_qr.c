/* fuzz_qr.c - libFuzzer target: ga_qr_render (ga_qr.h), the QR code of the
 * OTP enrollment drawn with text.
 *
 * Input: byte 0 picks the mode (bits 0-1: utf8, ascii, off, and an
 * unknown value); the rest is the text (a NUL-terminated copy; an embedded
 * NUL ends it).
 *
 * Oracles:
 * - off gives GA_ERR_NOT_FOUND and an unknown mode GA_ERR_INPUT, *out NULL;
 * - an empty text or one over 1024 bytes gives GA_ERR_INPUT, *out NULL;
 * - otherwise GA_OK, or GA_ERR_INPUT (*out NULL) only when libqrencode
 *   itself refuses the text (checked by calling it the same way);
 * - on GA_OK the drawing is the matrix libqrencode gives for the same text
 *   (ECC L, 8-bit, case-sensitive), light modules as glyphs, with a quiet
 *   zone of 2 light modules on every side:
 *   utf8: (side + 1) / 2 lines of side glyphs each, side = width + 4, only
 *   U+2588/U+2580/U+2584/' ', two module rows per line (the lower half of
 *   the last line is background);
 *   ascii: side lines of 2 * side characters, only "##" and "  ";
 *   every line ends in '\n' and neither starts nor ends with a space.
 */
#include "config.h"

#include <errno.h>
#include <qrencode.h>
#include <string.h>

#include "fuzz.h"
#include "ga_qr.h"
#include "ga_secret.h"

#define TEXT_MAX 1024
#define QUIET 2

static const char *volatile sink;

static int light(const QRcode *qr, int side, int x, int y)
{
    int mx = x - QUIET, my = y - QUIET;

    if (y >= side)
        return 0;
    if (mx < 0 || my < 0 || mx >= qr->width || my >= qr->width)
        return 1;
    return !(qr->data[my * qr->width + mx] & 1);
}

/* The glyph a line must have at (x, y) in utf8 mode. */
static const char *utf8_glyph(const QRcode *qr, int side, int x, int y)
{
    int up = light(qr, side, x, y), low = light(qr, side, x, y + 1);

    return up ? (low ? "\xe2\x96\x88" : "\xe2\x96\x80") : (low ? "\xe2\x96\x84" : " ");
}

static void check_drawing(const char *out, const QRcode *qr, ga_qr_mode_t mode)
{
    int side = qr->width + 2 * QUIET;
    int lines = mode == GA_QR_UTF8 ? (side + 1) / 2 : side;
    const char *p = out;

    FUZZ_EXPECT(qr->width >= 21 && qr->width <= 177 && (qr->width - 21) % 4 == 0);
    for (int l = 0; l < lines; l++) {
        const char *start = p;

        for (int x = 0; x < side; x++) {
            const char *g = mode == GA_QR_UTF8 ? utf8_glyph(qr, side, x, 2 * l)
                                               : (light(qr, side, x, l) ? "##" : "  ");
            size_t n = strlen(g);

            FUZZ_EXPECT(strncmp(p, g, n) == 0);
            p += n;
        }
        FUZZ_EXPECT(*p == '\n');
        FUZZ_EXPECT(start[0] != ' ' && p[-1] != ' ');
        p++;
    }
    FUZZ_EXPECT(*p == '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const ga_qr_mode_t modes[] = {GA_QR_UTF8, GA_QR_ASCII, GA_QR_OFF, (ga_qr_mode_t)7};
    ga_qr_mode_t mode;
    char *text, *out = (char *)"not set";
    size_t len;
    QRcode *qr;
    ga_status_t st;

    if (size < 1)
        return 0;
    mode = modes[data[0] & 3];
    if (!(text = malloc(size)))
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    len = strlen(text);
    st = ga_qr_render(text, mode, &out);
    if (mode == GA_QR_OFF) {
        FUZZ_EXPECT(st == GA_ERR_NOT_FOUND && !out);
    } else if (mode != GA_QR_UTF8 && mode != GA_QR_ASCII) {
        FUZZ_EXPECT(st == GA_ERR_INPUT && !out);
    } else if (len == 0 || len > TEXT_MAX) {
        FUZZ_EXPECT(st == GA_ERR_INPUT && !out);
    } else {
        errno = 0;
        qr = QRcode_encodeString(text, 0, QR_ECLEVEL_L, QR_MODE_8, 1);
        if (!qr) {
            FUZZ_EXPECT(errno != ENOMEM); /* no allocation fails here */
            FUZZ_EXPECT(st == GA_ERR_INPUT && !out);
        } else {
            FUZZ_EXPECT(st == GA_OK && out);
            check_drawing(out, qr, mode);
            QRcode_free(qr);
        }
    }
    FUZZ_EXPECT(ga_qr_render(text, mode, NULL) == GA_ERR_INPUT);
    sink = out;
    if (st == GA_OK)
        ga_free_secret(out);
    free(text);
    return 0;
}
