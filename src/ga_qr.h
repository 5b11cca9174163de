/* ga_qr.h - a QR code (ISO/IEC 18004) drawn with text, for the OTP
 * enrollment's otpauth:// URI. Encoding is done by libqrencode
 * (QRcode_encodeString, 8-bit mode, ECC level L, case-sensitive); this
 * file only draws the module matrix with a 2-module quiet zone... see
 * ga_qr.c for the exact rendering.
 */
#ifndef GA_QR_H
#define GA_QR_H

#include "ga_config.h"
#include "ga_status.h"

/* Draw text as a QR code for a terminal:
 *  GA_QR_UTF8: two module rows per line with U+2580/U+2584/U+2588 and space,
 *              dark modules drawn as spaces on a "light" block background so
 *              it scans on dark and light terminals (as qrencode -t UTF8);
 *  GA_QR_ASCII: one module row per line, two characters per module
 *              ("##" light? see ga_qr.c), pure ASCII;
 *  GA_QR_OFF:  GA_ERR_NOT_FOUND, *out NULL.
 * text: NUL-terminated, at most 1024 bytes. On GA_OK *out is a new string
 * of lines ending in '\n' (caller frees; it encodes the OTP secret: wipe
 * with ga_free_secret). Errors: GA_ERR_INPUT (text empty, too long for a
 * QR code, or over 1024 bytes), GA_ERR_NOMEM. Thread-safe. */
ga_status_t ga_qr_render(const char *text, ga_qr_mode_t mode, char **out);

#endif
