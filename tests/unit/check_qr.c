/* check_qr.c - ga_qr_render(): the drawing read back module by module and
 * compared with libqrencode's own matrix, the finder patterns, the quiet
 * zone, the character sets, the errors. When zbarimg is installed the code
 * is also decoded from an image of what the terminal shows. */
#include "config.h"

#include <check.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ga_qr.h"
#include "ga_secret.h"

#define QUIET 2
#define SIDE_MAX (177 + 2 * QUIET)

/* GenAuth's otpData.qrCodeUri shape */
static const char *const uri =
    "otpauth://totp/62b9a7d1c3e4f5a6b7c8d9e0:alice%40example.com"
    "?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&period=30&digits=6"
    "&algorithm=SHA1&issuer=62b9a7d1c3e4f5a6b7c8d9e0";

#define U_FULL "\xe2\x96\x88"
#define U_UPPER "\xe2\x96\x80"
#define U_LOWER "\xe2\x96\x84"

struct grid {
    int side;
    unsigned char light[SIDE_MAX][SIDE_MAX + 1]; /* +1: the UTF-8 lower half past the end */
};

/* The width libqrencode gives text with our parameters. */
static int lib_width(const char *text, QRecLevel level)
{
    QRcode *qr = QRcode_encodeString(text, 0, level, QR_MODE_8, 1);
    int w;

    ck_assert_ptr_nonnull(qr);
    w = qr->width;
    QRcode_free(qr);
    return w;
}

/* Read a UTF-8 drawing back into modules; fails the test on any character
 * but the four glyphs and '\n', or on ragged lines. */
static void read_utf8(const char *s, struct grid *g)
{
    int y = 0;
    int cols = -1;

    memset(g, 0, sizeof *g);
    while (*s) {
        int x = 0;
        ck_assert_int_lt(y, SIDE_MAX + 1);
        while (*s && *s != '\n') {
            int up;
            int low;
            if (strncmp(s, U_FULL, 3) == 0) {
                up = low = 1;
                s += 3;
            } else if (strncmp(s, U_UPPER, 3) == 0) {
                up = 1;
                low = 0;
                s += 3;
            } else if (strncmp(s, U_LOWER, 3) == 0) {
                up = 0;
                low = 1;
                s += 3;
            } else {
                ck_assert_msg(*s == ' ', "unexpected byte 0x%02x", (unsigned char)*s);
                up = low = 0;
                s++;
            }
            ck_assert_int_lt(x, SIDE_MAX);
            g->light[y][x] = (unsigned char)up;
            if (y + 1 < SIDE_MAX)
                g->light[y + 1][x] = (unsigned char)low;
            else
                ck_assert_int_eq(low, 0);
            x++;
        }
        ck_assert_int_eq(*s, '\n'); /* every line ends in '\n' */
        s++;
        if (cols < 0)
            cols = x;
        ck_assert_int_eq(x, cols);
        y += 2;
    }
    g->side = cols;
    /* an odd side: the last line's lower halves are outside, dark */
    ck_assert_int_eq(y, cols % 2 ? cols + 1 : cols);
    if (cols % 2)
        for (int x = 0; x < cols; x++)
            ck_assert_int_eq(g->light[cols][x], 0);
}

/* Read an ASCII drawing back: "##" light, "  " dark, nothing else. */
static void read_ascii(const char *s, struct grid *g)
{
    int y = 0;
    int cols = -1;

    memset(g, 0, sizeof *g);
    while (*s) {
        int x = 0;
        ck_assert_int_lt(y, SIDE_MAX);
        while (*s && *s != '\n') {
            ck_assert_msg((s[0] == '#' && s[1] == '#') || (s[0] == ' ' && s[1] == ' '),
                          "not a module: '%c%c'", s[0], s[1] ? s[1] : '0');
            ck_assert_int_lt(x, SIDE_MAX);
            g->light[y][x++] = s[0] == '#';
            s += 2;
        }
        ck_assert_int_eq(*s, '\n');
        s++;
        if (cols < 0)
            cols = x;
        ck_assert_int_eq(x, cols);
        y++;
    }
    g->side = cols;
    ck_assert_int_eq(y, cols);
}

/* The drawing equals libqrencode's matrix (bit 0 set = dark) inside a
 * quiet zone of QUIET light modules. */
static void same_as_library(const char *text, const struct grid *g)
{
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_L, QR_MODE_8, 1);

    ck_assert_ptr_nonnull(qr);
    ck_assert_int_eq(g->side, qr->width + 2 * QUIET);
    for (int y = 0; y < g->side; y++) {
        for (int x = 0; x < g->side; x++) {
            int mx = x - QUIET;
            int my = y - QUIET;
            int light = 1;
            if (mx >= 0 && my >= 0 && mx < qr->width && my < qr->width)
                light = !(qr->data[my * qr->width + mx] & 1);
            ck_assert_msg(g->light[y][x] == light, "module (%d,%d) differs", x, y);
        }
    }
    QRcode_free(qr);
}

/* A finder pattern (7x7: dark ring, light ring, dark 3x3) with its light
 * separator, top-left corner at drawing module (x0, y0). */
static int finder_at(const struct grid *g, int x0, int y0)
{
    for (int y = -1; y <= 7; y++) {
        for (int x = -1; x <= 7; x++) {
            int ring = x < 0 || y < 0 || x > 6 || y > 6     ? 3 /* separator */
                       : (x == 0 || y == 0 || x == 6 || y == 6) ? 0
                       : (x == 1 || y == 1 || x == 5 || y == 5) ? 1
                                                                : 2;
            int want_light = ring == 1 || ring == 3;
            if (g->light[y0 + y][x0 + x] != want_light)
                return 0;
        }
    }
    return 1;
}

static void finders_at_corners(const struct grid *g)
{
    int far = g->side - QUIET - 7;

    ck_assert(finder_at(g, QUIET, QUIET));
    ck_assert(finder_at(g, far, QUIET));
    ck_assert(finder_at(g, QUIET, far));
    ck_assert(!finder_at(g, far, far)); /* no finder bottom right */
    for (int i = 0; i < g->side; i++) /* the quiet zone is light */
        for (int q = 0; q < QUIET; q++)
            ck_assert(g->light[q][i] && g->light[i][q] && g->light[g->side - 1 - q][i] &&
                      g->light[i][g->side - 1 - q]);
}

START_TEST(test_utf8_drawing)
{
    char *out = NULL;
    struct grid *g = malloc(sizeof *g);
    int w = lib_width(uri, QR_ECLEVEL_L);
    size_t lines = 0;

    ck_assert_ptr_nonnull(g);
    ck_assert_int_eq(ga_qr_render(uri, GA_QR_UTF8, &out), GA_OK);
    ck_assert_ptr_nonnull(out);
    for (const char *p = out; *p; p++)
        lines += *p == '\n';
    ck_assert_uint_eq(lines, (size_t)(w + 2 * QUIET + 1) / 2);
    read_utf8(out, g);
    ck_assert_int_eq(g->side, w + 2 * QUIET); /* display width in columns */
    same_as_library(uri, g);
    finders_at_corners(g);
    /* no line starts or ends with a space */
    ck_assert_int_ne(out[0], ' ');
    for (const char *p = strchr(out, '\n'); p && p[1]; p = strchr(p + 1, '\n'))
        ck_assert(p[-1] != ' ' && p[1] != ' ');
    ga_free_secret(out);
    free(g);
}
END_TEST

START_TEST(test_ascii_drawing)
{
    char *out = NULL;
    struct grid *g = malloc(sizeof *g);
    int w = lib_width(uri, QR_ECLEVEL_L);
    size_t lines = 0;

    ck_assert_ptr_nonnull(g);
    ck_assert_int_eq(ga_qr_render(uri, GA_QR_ASCII, &out), GA_OK);
    for (const char *p = out; *p; p++) {
        ck_assert(*p == '#' || *p == ' ' || *p == '\n');
        lines += *p == '\n';
    }
    ck_assert_uint_eq(lines, (size_t)(w + 2 * QUIET));
    ck_assert_uint_eq(strchr(out, '\n') - out, 2 * (size_t)(w + 2 * QUIET));
    read_ascii(out, g);
    same_as_library(uri, g);
    finders_at_corners(g);
    ga_free_secret(out);
    free(g);
}
END_TEST

/* ECC level L: the URI takes a smaller symbol than it would at level M
 * (so the width check above tells the levels apart), and text sizes from
 * 1 byte to 1024 bytes, odd and even sides, all draw as the library says. */
START_TEST(test_sizes)
{
    static const size_t lens[] = {1, 17, 100, 300, 1024};
    struct grid *g = malloc(sizeof *g);

    ck_assert_ptr_nonnull(g);
    ck_assert_int_lt(lib_width(uri, QR_ECLEVEL_L), lib_width(uri, QR_ECLEVEL_M));
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        char *text = malloc(lens[i] + 1);
        char *out = NULL;
        ck_assert_ptr_nonnull(text);
        for (size_t k = 0; k < lens[i]; k++)
            text[k] = "aZ0%/:?&="[k % 9];
        text[lens[i]] = '\0';
        ck_assert_int_eq(ga_qr_render(text, GA_QR_UTF8, &out), GA_OK);
        read_utf8(out, g);
        same_as_library(text, g);
        finders_at_corners(g);
        free(out);
        ck_assert_int_eq(ga_qr_render(text, GA_QR_ASCII, &out), GA_OK);
        read_ascii(out, g);
        same_as_library(text, g);
        free(out);
        free(text);
    }
    free(g);
}
END_TEST

/* Case-sensitive 8-bit: lower and upper case give different codes. */
START_TEST(test_case_sensitive)
{
    char *a = NULL;
    char *b = NULL;

    ck_assert_int_eq(ga_qr_render("otpauth://totp/abc", GA_QR_ASCII, &a), GA_OK);
    ck_assert_int_eq(ga_qr_render("OTPAUTH://TOTP/ABC", GA_QR_ASCII, &b), GA_OK);
    ck_assert_str_ne(a, b);
    free(a);
    free(b);
}
END_TEST

START_TEST(test_off_and_errors)
{
    char sentinel;
    char *out = &sentinel;
    char *big = malloc(1026);

    ck_assert_ptr_nonnull(big);
    ck_assert_int_eq(ga_qr_render(uri, GA_QR_OFF, &out), GA_ERR_NOT_FOUND);
    ck_assert_ptr_null(out);
    out = &sentinel;
    ck_assert_int_eq(ga_qr_render("", GA_QR_UTF8, &out), GA_ERR_INPUT);
    ck_assert_ptr_null(out);
    out = &sentinel;
    ck_assert_int_eq(ga_qr_render(NULL, GA_QR_ASCII, &out), GA_ERR_INPUT);
    ck_assert_ptr_null(out);
    memset(big, 'A', 1025);
    big[1025] = '\0';
    out = &sentinel;
    ck_assert_int_eq(ga_qr_render(big, GA_QR_UTF8, &out), GA_ERR_INPUT);
    ck_assert_ptr_null(out);
    big[1024] = '\0'; /* exactly at the limit: drawn */
    ck_assert_int_eq(ga_qr_render(big, GA_QR_UTF8, &out), GA_OK);
    free(out);
    out = &sentinel;
    ck_assert_int_eq(ga_qr_render(uri, (ga_qr_mode_t)42, &out), GA_ERR_INPUT);
    ck_assert_ptr_null(out);
    ck_assert_int_eq(ga_qr_render(uri, GA_QR_UTF8, NULL), GA_ERR_INPUT);
    free(big);
}
END_TEST

/* UTF-8 text (an issuer in Chinese) is 8-bit data like any other. */
START_TEST(test_utf8_text)
{
    const char *text = "otpauth://totp/%E7%A4%BA%E4%BE%8B:\xe7\xa4\xba\xe4\xbe\x8b";
    char *out = NULL;
    struct grid *g = malloc(sizeof *g);

    ck_assert_ptr_nonnull(g);
    ck_assert_int_eq(ga_qr_render(text, GA_QR_UTF8, &out), GA_OK);
    read_utf8(out, g);
    same_as_library(text, g);
    free(out);
    free(g);
}
END_TEST

/* ---- optional: decode an image of the terminal with zbarimg ----------- */

static int have_zbarimg(char *path, size_t len)
{
    const char *env = getenv("PATH");
    char *copy = strdup(env ? env : "/usr/bin:/bin");
    int found = 0;

    ck_assert_ptr_nonnull(copy);
    for (char *save = NULL, *dir = strtok_r(copy, ":", &save); dir && !found;
         dir = strtok_r(NULL, ":", &save)) {
        snprintf(path, len, "%s/zbarimg", dir);
        found = access(path, X_OK) == 0;
    }
    free(copy);
    return found;
}

/* Write g as a PGM image as a dark terminal shows it: 4 modules of dark
 * background around the drawing, each module SCALE pixels square. */
#define SCALE 6
#define BORDER 4
static void write_pgm(const struct grid *g, const char *file)
{
    int px = (g->side + 2 * BORDER) * SCALE;
    FILE *f = fopen(file, "wb");

    ck_assert_ptr_nonnull(f);
    fprintf(f, "P5\n%d %d\n255\n", px, px);
    for (int y = 0; y < px; y++) {
        for (int x = 0; x < px; x++) {
            int my = y / SCALE - BORDER;
            int mx = x / SCALE - BORDER;
            int light = my >= 0 && mx >= 0 && my < g->side && mx < g->side &&
                        g->light[my][mx];
            fputc(light ? 0xe0 : 0x10, f);
        }
    }
    ck_assert_int_eq(fclose(f), 0);
}

static void decode_and_compare(const char *zbarimg, const struct grid *g,
                               const char *text)
{
    char file[] = "/tmp/check_qr.XXXXXX";
    char cmd[512];
    char got[2048] = "";
    int fd = mkstemp(file);
    FILE *p;
    size_t n;

    ck_assert_int_ge(fd, 0);
    close(fd);
    write_pgm(g, file);
    snprintf(cmd, sizeof cmd, "'%s' --quiet --raw '%s' 2>/dev/null", zbarimg, file);
    p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    n = fread(got, 1, sizeof got - 1, p);
    got[n] = '\0';
    pclose(p);
    unlink(file);
    if (n > 0 && got[n - 1] == '\n')
        got[n - 1] = '\0';
    ck_assert_str_eq(got, text);
}

START_TEST(test_decode_optional)
{
    char zbarimg[512];
    char *out = NULL;
    struct grid *g;

    if (!have_zbarimg(zbarimg, sizeof zbarimg)) {
        fprintf(stderr, "check_qr: zbarimg not found: decode check skipped\n");
        return;
    }
    g = malloc(sizeof *g);
    ck_assert_ptr_nonnull(g);
    ck_assert_int_eq(ga_qr_render(uri, GA_QR_UTF8, &out), GA_OK);
    read_utf8(out, g);
    free(out);
    decode_and_compare(zbarimg, g, uri);
    ck_assert_int_eq(ga_qr_render(uri, GA_QR_ASCII, &out), GA_OK);
    read_ascii(out, g);
    free(out);
    decode_and_compare(zbarimg, g, uri);
    free(g);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("qr");
    TCase *tc = tcase_create("render");
    SRunner *sr;
    int failed;

    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_utf8_drawing);
    tcase_add_test(tc, test_ascii_drawing);
    tcase_add_test(tc, test_sizes);
    tcase_add_test(tc, test_case_sensitive);
    tcase_add_test(tc, test_off_and_errors);
    tcase_add_test(tc, test_utf8_text);
    tcase_add_test(tc, test_decode_optional);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
