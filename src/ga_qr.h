/* ga_qr.h - a QR code (ISO/IEC 18004) drawn with text, for the OTP
 * enrollment's otpauth:// URI. Encoding is done by libqrencode
 * (QRcode_encodeString, 8-bit mode, ECC level L, case-sensitive); this
 * file only draws the module matrix, with a quiet zone of 2 light modules
 * on every side. ga_qr.c explains the choices (polarity, quiet zone).
 */
#ifndef GA_QR_H
#define GA_QR_H

#include "ga_config.h"
#include "ga_status.h"

/* Draw text as a QR code for a terminal. Both modes draw the light modules
 * with glyphs and the dark ones as spaces, so the code has the right
 * polarity on a dark-background terminal (on a light one it appears
 * inverted; the user types the key by hand or uses a dark profile):
 *  GA_QR_UTF8:  two module rows per line: U+2588 (both light), U+2580
 *               (upper light), U+2584 (lower light), ' ' (both dark); one
 *               column per module (as qrencode -t UTF8);
 *  GA_QR_ASCII: one module row per line, "##" a light module, "  " a dark
 *               one (as qrencode -t ASCIIi); pure ASCII, two columns per
 *               module, so 2 * (width + 4) columns wide;
 *  GA_QR_OFF:   GA_ERR_NOT_FOUND, *out NULL.
 * No line starts or ends with a space (the quiet zone is glyphs).
 * text: NUL-terminated, at most 1024 bytes. On GA_OK *out is a new string
 * of lines ending in '\n' (caller frees; it encodes the OTP secret: wipe
 * with ga_free_secret). Errors (*out NULL): GA_ERR_INPUT (text NULL, empty,
 * over 1024 bytes or too long for a QR code; unknown mode; out NULL),
 * GA_ERR_NOMEM. The module matrix is wiped before it is freed.
 * Thread-safe (libqrencode built with pthread, as Debian's is). */
ga_status_t ga_qr_render(const char *text, ga_qr_mode_t mode, char **out);

#endif
