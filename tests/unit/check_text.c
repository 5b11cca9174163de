/* check_text.c - unit tests for ga_text (sanitise, masks, numbers, IPs). */
#include "config.h"

#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ga_factor.h"
#include "ga_text.h"

/* Sanitise a string literal (length taken from sizeof, so embedded NULs
 * count) into a buffer of outlen bytes. */
#define SAN(lit, buf, outlen) ga_sanitize((lit), sizeof(lit) - 1, (buf), (outlen))

/* ---- ga_sanitize --------------------------------------------------------- */

START_TEST(test_sanitize_plain)
{
    char out[64];
    size_t n = SAN("Hello, world! ~", out, sizeof out);
    ck_assert_str_eq(out, "Hello, world! ~");
    ck_assert_uint_eq(n, 15);
}
END_TEST

START_TEST(test_sanitize_nul_in_middle)
{
    char out[64];
    size_t n = SAN("ab\0cd", out, sizeof out);
    ck_assert_str_eq(out, "ab?cd");
    ck_assert_uint_eq(n, 5);
}
END_TEST

START_TEST(test_sanitize_invalid_utf8)
{
    char out[64];
    SAN("a\xff\xfe" "b\xc3", out, sizeof out);
    ck_assert_str_eq(out, "a??b?");
}
END_TEST

START_TEST(test_sanitize_valid_utf8_bytes)
{
    char out[64];
    /* "café" and a CJK character: every byte >= 0x80 becomes '?' */
    SAN("caf\xc3\xa9 \xe4\xb8\xad", out, sizeof out);
    ck_assert_str_eq(out, "caf?? ???");
}
END_TEST

START_TEST(test_sanitize_escape_sequences)
{
    char out[64];
    SAN("\x1b[31mred\x1b[0m\x1b]0;title\x07", out, sizeof out);
    ck_assert_str_eq(out, "?[31mred?[0m?]0;title?");
    ck_assert_ptr_null(strchr(out, 0x1b));
}
END_TEST

START_TEST(test_sanitize_whitespace_runs)
{
    char out[64];
    SAN("a\t\r\n\v\fb\nc", out, sizeof out);
    ck_assert_str_eq(out, "a b c");
    SAN("a \t b", out, sizeof out);
    ck_assert_str_eq(out, "a   b");
    SAN("\r\n\r\n", out, sizeof out);
    ck_assert_str_eq(out, " ");
}
END_TEST

START_TEST(test_sanitize_other_controls)
{
    char out[64];
    SAN("\x01\x08\x7f\x80x", out, sizeof out);
    ck_assert_str_eq(out, "????x");
}
END_TEST

START_TEST(test_sanitize_long_input)
{
    char in[1000];
    char out[10];
    size_t n;

    memset(in, 'a', sizeof in);
    n = ga_sanitize(in, sizeof in, out, sizeof out);
    ck_assert_str_eq(out, "aaaaaa...");
    ck_assert_uint_eq(n, 9);
}
END_TEST

START_TEST(test_sanitize_exact_fit)
{
    char out[10];
    size_t n = SAN("123456789", out, sizeof out);
    ck_assert_str_eq(out, "123456789");
    ck_assert_uint_eq(n, 9);
    n = SAN("1234567890", out, sizeof out);
    ck_assert_str_eq(out, "123456...");
    ck_assert_uint_eq(n, 9);
    /* a whitespace run collapsing to one space makes it fit */
    n = SAN("12345678\r\n\r\n", out, sizeof out);
    ck_assert_str_eq(out, "12345678 ");
    ck_assert_uint_eq(n, 9);
}
END_TEST

START_TEST(test_sanitize_tiny_outlen)
{
    char out[8];

    memset(out, 'Z', sizeof out);
    ck_assert_uint_eq(SAN("abcdef", out, 0), 0);
    ck_assert_int_eq(out[0], 'Z'); /* untouched */
    ck_assert_uint_eq(SAN("abcdef", out, 1), 0);
    ck_assert_str_eq(out, "");
    ck_assert_uint_eq(SAN("abcdef", out, 2), 1);
    ck_assert_str_eq(out, "a");
    ck_assert_uint_eq(SAN("abcdef", out, 3), 2);
    ck_assert_str_eq(out, "ab");
    ck_assert_uint_eq(SAN("abcdef", out, 4), 3);
    ck_assert_str_eq(out, "...");
    ck_assert_uint_eq(SAN("abcdef", out, 5), 4);
    ck_assert_str_eq(out, "a...");
    ck_assert_uint_eq(SAN("abc", out, 4), 3);
    ck_assert_str_eq(out, "abc");
    ck_assert_ptr_eq(out + 3, strchr(out, '\0'));
}
END_TEST

START_TEST(test_sanitize_empty_and_null)
{
    char out[8] = "junk";

    ck_assert_uint_eq(ga_sanitize("abc", 0, out, sizeof out), 0);
    ck_assert_str_eq(out, "");
    strcpy(out, "junk");
    ck_assert_uint_eq(ga_sanitize(NULL, 5, out, sizeof out), 0);
    ck_assert_str_eq(out, "");
    ck_assert_uint_eq(ga_sanitize("abc", 3, NULL, 8), 0);
}
END_TEST

START_TEST(test_sanitize_reads_only_inlen)
{
    /* No NUL terminator: valgrind/ASan would flag a read past inlen. */
    char *in = malloc(3);
    char out[16];

    ck_assert_ptr_nonnull(in);
    memcpy(in, "xyz", 3);
    ck_assert_uint_eq(ga_sanitize(in, 3, out, sizeof out), 3);
    ck_assert_str_eq(out, "xyz");
    ck_assert_uint_eq(ga_sanitize(in, 2, out, sizeof out), 2);
    ck_assert_str_eq(out, "xy");
    free(in);
}
END_TEST

/* ---- ga_sanitize_message ------------------------------------------------- */

/* Sanitise a message literal (embedded NULs count) into a buffer. */
#define MSG(lit, buf, outlen) ga_sanitize_message((lit), sizeof(lit) - 1, (buf), (outlen))

/* UTF-8 Chinese words used below. */
#define ZH_PHONE "\xe6\x89\x8b\xe6\x9c\xba\xe5\x8f\xb7"              /* phone number */
#define ZH_BOUND "\xe5\xb7\xb2\xe8\xa2\xab\xe7\xbb\x91\xe5\xae\x9a"  /* already bound */
#define ZH_EMAIL "\xe9\x82\xae\xe7\xae\xb1"                          /* mailbox */
#define ZH_COMMA "\xef\xbc\x8c"                                      /* full-width comma */
#define ZH_SPACE "\xe3\x80\x80"                                      /* ideographic space */
#define ZH_NAME "\xe5\xbc\xa0\xe4\xb8\x89"                           /* Zhang San */

static const struct {
    const char *in;
    const char *want;
} msgs[] = {
    /* plain ASCII stays */
    {"Phone number already bound", "Phone number already bound"},
    {"retry in 60 seconds", "retry in 60 seconds"},
    {"Error 500 (code 2021)", "Error 500 (code 2021)"},
    {"", ""},
    /* non-ASCII: one '?' per run */
    {ZH_PHONE ZH_BOUND, "?"},
    {ZH_PHONE ZH_COMMA ZH_BOUND, "?"},
    {"user " ZH_NAME " bound", "user ? bound"},
    {ZH_PHONE ": " ZH_BOUND "!", "?: ?!"},
    {"caf\xc3\xa9 ok", "caf? ok"},
    {"\xff\xfe\xfd", "?"},
    {"a\xff" "b\xc3", "a?b?"},
    /* controls as in ga_sanitize */
    {"a\r\n\tb", "a b"},
    {"\x1b[2Jx\x7f", "?[2Jx?"},
    /* phone numbers and other long digit runs */
    {"18812345678", "188******78"},
    {"Phone 18812345678 is bound", "Phone 188******78 is bound"},
    {"+86 188 1234 5678", "+86 1** **** **78"},
    {"+86-188-1234-5678", "+86-1**-****-**78"},
    {"+86 18812345678", "+86 1********78"},
    {"(555) 123-4567", "(555) ***-**67"},
    {"202.555.0100", "202.***.**00"},
    {"123  456  78", "123  ***  78"},
    {ZH_PHONE "18812345678" ZH_BOUND, "?188******78?"},
    {ZH_PHONE " 18812345678 " ZH_BOUND, "? 188******78 ?"},
    {"188" ZH_SPACE "1234" ZH_SPACE "5678", "188?****?**78"},
    {"188\r\n1234\t5678", "188 **** **78"},
    {"2024-01-15", "202*-**-15"},
    {"code 123456 sent", "code ****56 sent"},
    {"12345", "***45"},
    {"1234567", "*****67"},
    {"12345678", "123***78"},
    {"1234", "1234"},
    {"1 2 3 4 5", "* * * 4 5"},
    {"12 - 345", "12 - 345"},
    {"12, 345", "12, 345"},
    {"ab12345678cd", "ab123***78cd"},
    {"\x1b[31m18812345678\x1b[0m", "?[31m188******78?[0m"},
    {"id 1234567890123456789012345", "id 123********************45"},
    /* email addresses */
    {"alice@example.com", "a***@example.com"},
    {"Email alice@example.com is bound", "Email a***@example.com is bound"},
    {"<bob.smith+tag@mail.example.co.uk>", "<b***@mail.example.co.uk>"},
    {"13812345678@163.com", "1***@163.com"},
    {"x@12345678.com", "x***@123***78.com"},
    {ZH_NAME "@example.com", "?***@example.com"},
    {ZH_EMAIL "alice@example.com" ZH_BOUND, "?***@example.com?"},
    {ZH_EMAIL ": alice@example.com" ZH_BOUND, "?: a***@example.com?"},
    {"a@" ZH_NAME ".cn", "a***@?.cn"},
    {"a@b", "a***@b"},
    {"a@b@c.com", "a***@b***@c.com"},
    {"user@", "user@"},
    {"user@ x", "user@ x"},
    {"@example.com", "@example.com"},
    {"mail to:alice@x.io.", "mail to:a***@x.io."},
    {"12 34567890@x.com", "12 3***@x.com"},
    {"12345-6789@x.com", "1***@x.com"},
    /* everything at once */
    {"Send to +86 18812345678 or alice@example.com failed" ZH_COMMA "retry",
     "Send to +86 1********78 or a***@example.com failed?retry"},
    {ZH_PHONE " +86 188 1234 5678 " ZH_BOUND ", " ZH_EMAIL " bob@example.org",
     "? +86 1** **** **78 ?, ? b***@example.org"},
};

START_TEST(test_message_table)
{
    char out[256];
    size_t n;

    memset(out, 'Z', sizeof out);
    n = ga_sanitize_message(msgs[_i].in, strlen(msgs[_i].in), out, sizeof out);
    ck_assert_str_eq(out, msgs[_i].want);
    ck_assert_uint_eq(n, strlen(msgs[_i].want));
}
END_TEST

START_TEST(test_message_nul_inside)
{
    char out[64];

    /* NUL is a control byte: '?', and the rest is still read */
    ck_assert_uint_eq(MSG("a\0b 18812345678", out, sizeof out), 15);
    ck_assert_str_eq(out, "a?b 188******78");
}
END_TEST

/* The masked message cut to every smaller buffer: never a digit that the
 * full masked message does not show at that place, and ga_sanitize's "..."
 * rule. */
START_TEST(test_message_cut)
{
    static const char in[] = "Phone +86 18812345678, mail alice@example.com, "
                             ZH_BOUND " 2024-01-15";
    char full[256];
    char out[256];
    size_t flen = MSG(in, full, sizeof full);

    ck_assert_str_eq(full, "Phone +86 1********78, mail a***@example.com, ? "
                           "202*-**-15");
    for (size_t outlen = 1; outlen <= flen; outlen++) {
        size_t cap = outlen - 1;
        size_t n = MSG(in, out, outlen);

        ck_assert_uint_eq(n, cap);
        ck_assert_uint_eq(strlen(out), cap);
        if (cap >= 3) {
            ck_assert_int_eq(strncmp(out, full, cap - 3), 0);
            ck_assert_str_eq(out + cap - 3, "...");
        } else {
            ck_assert_int_eq(strncmp(out, full, cap), 0);
        }
        ck_assert_ptr_null(strstr(out, "8812345"));
        ck_assert_ptr_null(strstr(out, "alice"));
    }
    ck_assert_uint_eq(MSG(in, out, flen + 1), flen);
    ck_assert_str_eq(out, full);
}
END_TEST

START_TEST(test_message_args)
{
    char out[8] = "junk";

    ck_assert_uint_eq(ga_sanitize_message("abc", 0, out, sizeof out), 0);
    ck_assert_str_eq(out, "");
    strcpy(out, "junk");
    ck_assert_uint_eq(ga_sanitize_message(NULL, 5, out, sizeof out), 0);
    ck_assert_str_eq(out, "");
    ck_assert_uint_eq(ga_sanitize_message("abc", 3, NULL, 8), 0);
    strcpy(out, "junk");
    ck_assert_uint_eq(ga_sanitize_message("abc", 3, out, 0), 0);
    ck_assert_str_eq(out, "junk");
    ck_assert_uint_eq(ga_sanitize_message("abc", 3, out, 1), 0);
    ck_assert_str_eq(out, "");
    ck_assert_uint_eq(ga_sanitize_message("12345678", 8, out, 3), 2);
    ck_assert_str_eq(out, "12");
    ck_assert_uint_eq(ga_sanitize_message("12345678", 8, out, 4), 3);
    ck_assert_str_eq(out, "...");
}
END_TEST

START_TEST(test_message_reads_only_inlen)
{
    /* No NUL terminator, and a run or an address cut by inlen:
     * valgrind/ASan would flag a read past inlen. */
    char *in = malloc(11);
    char out[32];

    ck_assert_ptr_nonnull(in);
    memcpy(in, "18812345678", 11);
    ck_assert_uint_eq(ga_sanitize_message(in, 11, out, sizeof out), 11);
    ck_assert_str_eq(out, "188******78");
    ck_assert_uint_eq(ga_sanitize_message(in, 5, out, sizeof out), 5);
    ck_assert_str_eq(out, "***12");
    memcpy(in, "ab@c\xe4\xb8", 6);
    ck_assert_uint_eq(ga_sanitize_message(in, 6, out, sizeof out), 7);
    ck_assert_str_eq(out, "a***@c?");
    ck_assert_uint_eq(ga_sanitize_message(in, 3, out, sizeof out), 3);
    ck_assert_str_eq(out, "ab@");
    free(in);
}
END_TEST

/* Without non-ASCII bytes, digit runs of 5+ or '@' it is ga_sanitize. */
START_TEST(test_message_like_sanitize)
{
    static const char in[] = "Too many requests (429): wait 60 s.\r\n\t\x1b[0m"
                             " {\"a\": [1, 2, 3]} ~!#$%^&*_+=|\\/<>?";
    char a[128];
    char b[128];

    for (size_t outlen = 1; outlen <= sizeof a; outlen++) {
        ck_assert_uint_eq(ga_sanitize_message(in, sizeof in - 1, a, outlen),
                          ga_sanitize(in, sizeof in - 1, b, outlen));
        ck_assert_str_eq(a, b);
    }
}
END_TEST

/* Long hostile messages of the shapes that rescan: bounded output, done
 * in linear time (the test timeout catches a quadratic scan). */
START_TEST(test_message_hostile_long)
{
    static const char *const unit[] = {"1", "1 ", "1-", "a", "a ", "a-1 ",
                                       "\xe4\xb8\xad", "1\xe4\xb8\xad",
                                       "a@", "@a", "1 a", ".", "(1) "};
    size_t len = 512 * 1024;
    char *in = malloc(len);
    char *big = malloc(len + 8);
    char out[GA_MASKED_MAX];

    ck_assert_ptr_nonnull(in);
    ck_assert_ptr_nonnull(big);
    for (size_t u = 0; u < sizeof unit / sizeof unit[0]; u++) {
        size_t ulen = strlen(unit[u]);
        size_t n;

        for (size_t i = 0; i < len; i++)
            in[i] = unit[u][i % ulen];
        /* all of it, into a buffer that holds it */
        n = ga_sanitize_message(in, len, big, len + 8);
        ck_assert_uint_eq(strlen(big), n);
        ck_assert_uint_le(n, len + 3 * (len / 2));
        n = ga_sanitize_message(in, len, out, sizeof out);
        ck_assert_uint_eq(strlen(out), n);
        if (u == 6) { /* one run of non-ASCII bytes */
            ck_assert_str_eq(out, "?");
            continue;
        }
        ck_assert_uint_eq(n, sizeof out - 1);
        ck_assert_str_eq(out + n - 3, "...");
        for (size_t i = 0; i < n; i++)
            ck_assert(out[i] >= 0x20 && out[i] <= 0x7e);
    }
    /* one digit run of 512 KiB: its first 3 digits, then stars */
    memset(in, '7', len);
    ga_sanitize_message(in, len, out, sizeof out);
    ck_assert_int_eq(strncmp(out, "777****", 7), 0);
    ck_assert_ptr_null(strchr(out + 3, '7'));
    free(big);
    free(in);
}
END_TEST

/* ---- ga_sanitize_message_utf8 -------------------------------------------- */

#define MSGU(lit, buf, outlen) ga_sanitize_message_utf8((lit), sizeof(lit) - 1, (buf), (outlen))

#define ZH_ZHANG "\xe5\xbc\xa0"   /* first character of ZH_NAME */
#define ZH_YOU "\xe9\x82\xae"     /* first character of ZH_EMAIL */
#define ZH_COLON "\xef\xbc\x9a"   /* full-width colon U+FF1A */
#define EMOJI "\xf0\x9f\x98\x80"  /* U+1F600, 4 bytes */
#define E_ACUTE "\xc3\xa9"        /* U+00E9, 2 bytes */

/* Every code point that must never be shown as it is (UTF-8). */
static const char *const forbidden[] = {
    "\xc2\x80", "\xc2\x85", "\xc2\x9b", "\xc2\x9f",                 /* C1 */
    "\xd8\x9c", "\xe2\x80\x8e", "\xe2\x80\x8f",                     /* ALM LRM RLM */
    "\xe2\x80\xaa", "\xe2\x80\xab", "\xe2\x80\xac", "\xe2\x80\xad", /* LRE RLE PDF LRO */
    "\xe2\x80\xae",                                                 /* RLO */
    "\xe2\x81\xa6", "\xe2\x81\xa7", "\xe2\x81\xa8", "\xe2\x81\xa9", /* LRI RLI FSI PDI */
    "\xe2\x80\xa8", "\xe2\x80\xa9",                                 /* LS PS */
    "\xef\xbb\xbf",                                                 /* BOM */
    "\xef\xbc\x90", "\xef\xbc\x99", "\xd9\xa0", "\xd9\xa9",         /* digits U+FF10.. */
    "\xdb\xb5", "\xe0\xa5\xa7", "\xf0\x9d\x9f\x8e", "\xf0\x9d\x9f\xbf",
    "\xf0\x9f\xaf\xb0",                                             /* U+1FBF0 */
};

/* Their neighbours, which are shown. */
static const char *const allowed[] = {
    "\xc2\xa0", "\xc2\xa9", "\xd8\x9b", "\xd8\x9d", "\xe2\x80\x8d", "\xe2\x80\x90",
    "\xe2\x80\xa7", "\xe2\x80\xaf", "\xe2\x81\xa5", "\xe2\x81\xaa", "\xef\xbb\xbe",
    "\xef\xbc\x8f", ZH_COLON, "\xd9\xaa", "\xf0\x9d\x9f\x8d", EMOJI, E_ACUTE,
    "\xe4\xb8\xad", "\xf4\x8f\xbf\xbf" /* U+10FFFF */,
};

/* Not well-formed UTF-8 (RFC 3629). */
static const char *const invalid_utf8[] = {
    "\xff", "\xfe\xff", "\x80", "\xbf", "\xc0\xaf", "\xc1\xbf", "\xe0\x80\xaf",
    "\xf0\x80\x80\xaf", "\xed\xa0\x80", "\xed\xbf\xbf", "\xf4\x90\x80\x80",
    "\xf5\x80\x80\x80", "\xe4\xb8", "\xe4", "\xf0\x9f\x98",
    "\xe4\xb8\xad\xad",
};

static const struct {
    const char *in;
    const char *want;
} msgs_utf8[] = {
    /* Chinese kept */
    {ZH_PHONE ZH_BOUND, ZH_PHONE ZH_BOUND},
    {ZH_PHONE ZH_COMMA ZH_BOUND, ZH_PHONE ZH_COMMA ZH_BOUND},
    {"user " ZH_NAME " bound", "user " ZH_NAME " bound"},
    {"GenAuth" ZH_COLON ZH_BOUND, "GenAuth" ZH_COLON ZH_BOUND},
    {"caf" E_ACUTE " ok " EMOJI, "caf" E_ACUTE " ok " EMOJI},
    /* digits inside Chinese text masked as in ga_sanitize_message */
    {ZH_PHONE "18812345678" ZH_BOUND, ZH_PHONE "188******78" ZH_BOUND},
    {ZH_PHONE " 18812345678 " ZH_BOUND, ZH_PHONE " 188******78 " ZH_BOUND},
    {"188" ZH_SPACE "1234" ZH_SPACE "5678", "188" ZH_SPACE "****" ZH_SPACE "**78"},
    {ZH_PHONE "+86 188 1234 5678" ZH_BOUND, ZH_PHONE "+86 1** **** **78" ZH_BOUND},
    {"1" ZH_COMMA "2345", "*" ZH_COMMA "**45"},
    {"code " ZH_COLON "123456", "code " ZH_COLON "****56"},
    {ZH_PHONE "1234" ZH_BOUND, ZH_PHONE "1234" ZH_BOUND},
    /* email addresses: one character of the local part */
    {"alice@example.com", "a***@example.com"},
    {ZH_NAME "@example.com", ZH_ZHANG "***@example.com"},
    {ZH_EMAIL "alice@example.com" ZH_BOUND, ZH_YOU "***@example.com" ZH_BOUND},
    {ZH_EMAIL ": alice@example.com" ZH_BOUND, ZH_EMAIL ": a***@example.com" ZH_BOUND},
    {"a@" ZH_NAME ".cn", "a***@" ZH_NAME ".cn"},
    {EMOJI "bob@x.io", "\xf0\x9f\x98\x80***@x.io"},
    {"\xe2\x80\xae" "bob@x.io", "?***@x.io"},
    {"\xff" "bob@x.io", "?***@x.io"},
    /* one forbidden code point or invalid byte: the whole run is '?' */
    {ZH_PHONE "\xe2\x80\xae" ZH_BOUND, "?"},
    {ZH_PHONE "\xe2\x80\xae" "abc" ZH_BOUND, "?abc" ZH_BOUND},
    {"ab\xe2\x81\xa6" "cd\xe2\x81\xa9", "ab?cd?"},
    {ZH_PHONE "\xef\xbc\x91\xef\xbc\x93\xef\xbc\x98", "?"},
    {ZH_PHONE "\xe4\xb8" "x", "?x"},
    {"a\xc2\x9b" "31mb", "a?31mb"},
    {"line\xe2\x80\xa8" "two", "line?two"},
    /* ASCII rules unchanged */
    {"a\r\n\tb", "a b"},
    {"\x1b[2Jx\x7f", "?[2Jx?"},
    {"", ""},
};

START_TEST(test_message_utf8_table)
{
    char out[256];
    size_t n;

    memset(out, 'Z', sizeof out);
    n = ga_sanitize_message_utf8(msgs_utf8[_i].in, strlen(msgs_utf8[_i].in), out, sizeof out);
    ck_assert_str_eq(out, msgs_utf8[_i].want);
    ck_assert_uint_eq(n, strlen(msgs_utf8[_i].want));
}
END_TEST

/* Each forbidden code point alone, at the start, in the middle and at the
 * end of Chinese text: the run becomes '?'. */
START_TEST(test_message_utf8_forbidden)
{
    static const char *const shapes[][2] = {{"", ""}, {"", ZH_BOUND}, {ZH_PHONE, ZH_BOUND},
                                            {ZH_PHONE, ""}, {"a ", " b"}};
    char in[64], out[64];

    for (size_t f = 0; f < sizeof forbidden / sizeof forbidden[0]; f++)
        for (size_t h = 0; h < sizeof shapes / sizeof shapes[0]; h++) {
            snprintf(in, sizeof in, "%s%s%s", shapes[h][0], forbidden[f], shapes[h][1]);
            ga_sanitize_message_utf8(in, strlen(in), out, sizeof out);
            ck_assert_msg(strcmp(out, h == 4 ? "a ? b" : "?") == 0, "%zu/%zu: %s", f, h, out);
        }
}
END_TEST

START_TEST(test_message_utf8_allowed)
{
    char in[64], out[64];

    for (size_t a = 0; a < sizeof allowed / sizeof allowed[0]; a++) {
        snprintf(in, sizeof in, "x%s" ZH_BOUND "%s", allowed[a], allowed[a]);
        ga_sanitize_message_utf8(in, strlen(in), out, sizeof out);
        ck_assert_msg(strcmp(out, in) == 0, "%zu: %s", a, out);
    }
}
END_TEST

START_TEST(test_message_utf8_invalid)
{
    char in[64], out[64];

    for (size_t v = 0; v < sizeof invalid_utf8 / sizeof invalid_utf8[0]; v++) {
        snprintf(in, sizeof in, "a%s", invalid_utf8[v]);
        ga_sanitize_message_utf8(in, strlen(in), out, sizeof out);
        ck_assert_msg(strcmp(out, "a?") == 0, "%zu: %s", v, out);
        snprintf(in, sizeof in, ZH_PHONE "%s" ZH_BOUND " b", invalid_utf8[v]);
        ga_sanitize_message_utf8(in, strlen(in), out, sizeof out);
        ck_assert_msg(strcmp(out, "? b") == 0, "%zu: %s", v, out);
    }
}
END_TEST

/* Each run of bytes >= 0x80 in s (NUL-terminated) replaced by one '?':
 * what ga_sanitize_message makes of the same input. */
static void collapse_runs(const char *s, char *out)
{
    while (*s) {
        if ((unsigned char)*s >= 0x80) {
            while ((unsigned char)*s >= 0x80)
                s++;
            *out++ = '?';
            continue;
        }
        *out++ = *s++;
    }
    *out = '\0';
}

/* Valid UTF-8, printable, no forbidden code point. */
static void assert_shown_text(const char *s, size_t n)
{
    ck_assert_uint_eq(strlen(s), n);
    ck_assert_msg(ga_utf8_valid(s, n), "not UTF-8: %s", s);
    for (size_t i = 0; i < n; i++)
        ck_assert((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] != 0x7f);
    for (size_t f = 0; f < sizeof forbidden / sizeof forbidden[0]; f++)
        ck_assert_ptr_null(strstr(s, forbidden[f]));
}

/* The same masking as ga_sanitize_message, for every table input: the
 * UTF-8 output with its non-ASCII runs collapsed is the ASCII output. */
START_TEST(test_message_utf8_same_masking)
{
    char a[256], u[256], c[256];
    const char *in = _i < (int)(sizeof msgs / sizeof msgs[0])
                         ? msgs[_i].in
                         : msgs_utf8[_i - (int)(sizeof msgs / sizeof msgs[0])].in;

    ga_sanitize_message(in, strlen(in), a, sizeof a);
    assert_shown_text(u, ga_sanitize_message_utf8(in, strlen(in), u, sizeof u));
    collapse_runs(u, c);
    ck_assert_str_eq(c, a);
}
END_TEST

/* Text of n characters each `ch` (2, 3 or 4 bytes), after an ASCII
 * prefix of 0..3 bytes, cut into every smaller buffer: never a split
 * character, "..." at the end, a prefix of the full output, and no more
 * than a character and "..." of room left unused. */
START_TEST(test_message_utf8_cut)
{
    static const char *const ch[] = {E_ACUTE, "\xe4\xb8\xad", EMOJI};
    char in[256], full[256], out[256];
    size_t clen = strlen(ch[_i]);

    for (size_t pre = 0; pre <= 3; pre++) {
        size_t flen;

        memcpy(in, "abc", pre);
        in[pre] = '\0';
        for (int k = 0; k < 20; k++)
            strcat(in, ch[_i]);
        flen = ga_sanitize_message_utf8(in, strlen(in), full, sizeof full);
        ck_assert_str_eq(full, in);
        for (size_t outlen = 1; outlen <= flen + 1; outlen++) {
            size_t n = ga_sanitize_message_utf8(in, strlen(in), out, outlen);

            assert_shown_text(out, n);
            ck_assert_uint_lt(n, outlen);
            if (outlen == flen + 1) {
                ck_assert_str_eq(out, full);
            } else if (outlen - 1 >= 3) {
                ck_assert_uint_ge(n, 3);
                ck_assert_str_eq(out + n - 3, "...");
                ck_assert_int_eq(strncmp(out, full, n - 3), 0);
                ck_assert_uint_ge(n + clen, outlen - 1);
            } else {
                ck_assert_int_eq(strncmp(out, full, n), 0);
            }
        }
    }
}
END_TEST

START_TEST(test_message_utf8_args)
{
    char out[8] = "junk";

    ck_assert_uint_eq(ga_sanitize_message_utf8(NULL, 5, out, sizeof out), 0);
    ck_assert_str_eq(out, "");
    ck_assert_uint_eq(ga_sanitize_message_utf8("abc", 3, NULL, 8), 0);
    strcpy(out, "junk");
    ck_assert_uint_eq(ga_sanitize_message_utf8("abc", 3, out, 0), 0);
    ck_assert_str_eq(out, "junk");
    ck_assert_uint_eq(MSGU("\xe4\xb8\xad", out, 1), 0);
    ck_assert_str_eq(out, "");
    /* room for 2 bytes: no 3-byte character, no "..." either */
    ck_assert_uint_eq(MSGU("\xe4\xb8\xad", out, 3), 0);
    ck_assert_str_eq(out, "");
    ck_assert_uint_eq(MSGU("\xe4\xb8\xad", out, 4), 3);
    ck_assert_str_eq(out, "\xe4\xb8\xad");
    ck_assert_uint_eq(MSGU("\xe4\xb8\xad\xe4\xb8\xad", out, 4), 3);
    ck_assert_str_eq(out, "...");
    /* reads only inlen: a character cut by inlen is invalid */
    ck_assert_uint_eq(ga_sanitize_message_utf8("a\xe4\xb8\xad", 3, out, sizeof out), 2);
    ck_assert_str_eq(out, "a?");
}
END_TEST

/* Random mixes of Chinese, digits, addresses, forbidden code points and
 * broken bytes (a fixed seed): always valid shown text, bounded, the same
 * masking as the ASCII sanitiser, and never 5 ASCII digits in a row. */
START_TEST(test_message_utf8_random)
{
    static const char *const parts[] = {
        ZH_PHONE, ZH_NAME, ZH_COLON, "1", "23", "88 ", "-", "@", "a", "x.io", " ",
        "\xe2\x80\xae", "\xef\xbb\xbf", "\xc2\x85", "\xef\xbc\x91", "\xe4\xb8", "\xff",
        EMOJI, "\r\n", "\x1b", "\xf0\x9f",
    };
    unsigned long seed = 12345;
    char in[512], a[1024], u[1024], c[1024];
    char small[40];

    for (int round = 0; round < 3000; round++) {
        size_t len = 0, n, row = 0;

        in[0] = '\0';
        for (int k = 0; k < 24; k++) {
            seed = seed * 1103515245UL + 12345UL;
            const char *p = parts[(seed >> 16) % (sizeof parts / sizeof parts[0])];
            if (len + strlen(p) >= sizeof in)
                break;
            strcat(in, p);
            len += strlen(p);
        }
        ga_sanitize_message(in, len, a, sizeof a);
        n = ga_sanitize_message_utf8(in, len, u, sizeof u);
        assert_shown_text(u, n);
        collapse_runs(u, c);
        ck_assert_str_eq(c, a);
        for (size_t i = 0; i < n; i++) {
            row = (u[i] >= '0' && u[i] <= '9') ? row + 1 : 0;
            ck_assert_uint_lt(row, 5);
        }
        for (size_t outlen = 1; outlen <= sizeof small; outlen += 7) {
            n = ga_sanitize_message_utf8(in, len, small, outlen);
            ck_assert_uint_lt(n, outlen);
            assert_shown_text(small, n);
        }
    }
}
END_TEST

/* ---- ga_utf8_cut ------------------------------------------------------------ */

START_TEST(test_utf8_cut)
{
    char out[16];

    ck_assert_uint_eq(ga_utf8_cut("abc", out, sizeof out), 3);
    ck_assert_str_eq(out, "abc");
    /* 15 bytes fit exactly */
    ck_assert_uint_eq(ga_utf8_cut("\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad"
                                  "\xe4\xb8\xad", out, sizeof out), 15);
    /* 18 bytes: four characters and "..." */
    ck_assert_uint_eq(ga_utf8_cut("\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad"
                                  "\xe4\xb8\xad\xe4\xb8\xad", out, sizeof out), 15);
    ck_assert_str_eq(out, "\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad...");
    /* 2-byte characters after one ASCII byte: 1 + 5*2 + "..." */
    ck_assert_uint_eq(ga_utf8_cut("x" E_ACUTE E_ACUTE E_ACUTE E_ACUTE E_ACUTE E_ACUTE
                                  E_ACUTE E_ACUTE, out, sizeof out), 14);
    ck_assert_str_eq(out, "x" E_ACUTE E_ACUTE E_ACUTE E_ACUTE E_ACUTE "...");
    /* 4-byte characters: 3*4 + "..." */
    ck_assert_uint_eq(ga_utf8_cut(EMOJI EMOJI EMOJI EMOJI "a", out, sizeof out), 15);
    ck_assert_str_eq(out, EMOJI EMOJI EMOJI "...");
    ck_assert_uint_eq(ga_utf8_cut("a" EMOJI EMOJI EMOJI EMOJI, out, sizeof out), 12);
    ck_assert_str_eq(out, "a" EMOJI EMOJI "...");
    /* broken bytes become '?' */
    ck_assert_uint_eq(ga_utf8_cut("a\xff\xe4\xb8z", out, sizeof out), 5);
    ck_assert_str_eq(out, "a???z");
    ck_assert_uint_eq(ga_utf8_cut(NULL, out, sizeof out), 0);
    ck_assert_str_eq(out, "");
    strcpy(out, "junk");
    ck_assert_uint_eq(ga_utf8_cut("abc", out, 0), 0);
    ck_assert_str_eq(out, "junk");
    ck_assert_uint_eq(ga_utf8_cut("abc", out, 1), 0);
    ck_assert_str_eq(out, "");
    ck_assert_uint_eq(ga_utf8_cut("abcd", out, 4), 3);
    ck_assert_str_eq(out, "...");
    ck_assert_uint_eq(ga_utf8_cut("\xe4\xb8\xad", out, 3), 0);
    ck_assert_str_eq(out, "");
}
END_TEST

/* ---- ga_mask_phone -------------------------------------------------------- */

static const struct {
    const char *cc;
    const char *national;
    const char *want;
} phone_masks[] = {
    {"+86", "18812345678", "+86 188****5678"},
    {"+1", "2025550100", "+1 202***0100"},
    {NULL, "18812345678", "188****5678"},
    {"", "18812345678", "188****5678"},
    {"+86", "12345678", "+86 123*5678"},
    {"+86", "1234567", "+86 *****67"},
    {"+86", "12345", "+86 ***45"},
    {"+86", "1234", "+86 **34"},
    {"+86", "123", "+86 **3"},
    {"+86", "12", "+86 **"},
    {"+86", "1", "+86 *"},
    {"+86", "", "+86 ***"},
    {"+86", NULL, "+86 ***"},
    {"+86", "12ab5678x9", "+86 12?***78?9"},
    {"+86abc12345", "18812345678", "+86???1 188****5678"},
    {"86+", "18812345678", "86? 188****5678"},
};

START_TEST(test_mask_phone_table)
{
    char out[GA_MASKED_MAX];

    ck_assert_int_eq(ga_mask_phone(phone_masks[_i].cc, phone_masks[_i].national,
                                   out, sizeof out),
                     0);
    ck_assert_str_eq(out, phone_masks[_i].want);
}
END_TEST

START_TEST(test_mask_phone_short_never_full)
{
    const char *digits = "98765432";
    char out[64];

    for (size_t len = 1; len <= 8; len++) {
        char national[16];
        memcpy(national, digits, len);
        national[len] = '\0';
        ck_assert_int_eq(ga_mask_phone(NULL, national, out, sizeof out), 0);
        ck_assert_uint_eq(strlen(out), len);
        ck_assert_ptr_nonnull(strchr(out, '*'));
    }
}
END_TEST

START_TEST(test_mask_phone_hostile_long)
{
    char national[1001];
    char out[GA_MASKED_MAX];

    memset(national, '7', 1000);
    national[1000] = '\0';
    ck_assert_int_eq(ga_mask_phone("+86", national, out, sizeof out), 0);
    ck_assert_uint_eq(strlen(out), 4 + 64);
    ck_assert_int_eq(strncmp(out, "+86 777*", 8), 0);
    ck_assert_str_eq(out + strlen(out) - 5, "*7777");
}
END_TEST

START_TEST(test_mask_phone_small_out)
{
    char out[16];

    /* "+86 188****5678" is 15 characters */
    ck_assert_int_eq(ga_mask_phone("+86", "18812345678", out, 16), 0);
    ck_assert_str_eq(out, "+86 188****5678");
    strcpy(out, "junk");
    ck_assert_int_eq(ga_mask_phone("+86", "18812345678", out, 15), -1);
    ck_assert_str_eq(out, "");
    strcpy(out, "junk");
    ck_assert_int_eq(ga_mask_phone("+86", "18812345678", out, 3), -1);
    ck_assert_str_eq(out, "");
    strcpy(out, "junk");
    ck_assert_int_eq(ga_mask_phone("+86", "18812345678", out, 0), -1);
    ck_assert_str_eq(out, "junk");
    ck_assert_int_eq(ga_mask_phone("+86", "18812345678", NULL, 16), -1);
}
END_TEST

/* ---- ga_mask_email -------------------------------------------------------- */

static const struct {
    const char *email;
    const char *want;
} email_masks[] = {
    {"alice@example.com", "a***@example.com"},
    {"a@example.com", "a***@example.com"},
    {"bob.smith+tag@mail.example.co.uk", "b***@mail.example.co.uk"},
    {"no-at-sign.example.com", "***"},
    {"", "***"},
    {NULL, "***"},
    {"@example.com", "***@example.com"},
    {"alice@", "a***@"},
    {"a@b@evil.com", "a***@evil.com"},
    {"a@ex\x1b[2Jample.com", "a***@ex?[2Jample.com"},
    {"\xc3\xa9lise@example.com", "?***@example.com"},
    {"\nx@example.com", "?***@example.com"},
};

START_TEST(test_mask_email_table)
{
    char out[GA_MASKED_MAX];

    ck_assert_int_eq(ga_mask_email(email_masks[_i].email, out, sizeof out), 0);
    ck_assert_str_eq(out, email_masks[_i].want);
}
END_TEST

START_TEST(test_mask_email_small_out)
{
    char out[32];

    /* "a***@x.io" is 9 characters */
    ck_assert_int_eq(ga_mask_email("alice@x.io", out, 10), 0);
    ck_assert_str_eq(out, "a***@x.io");
    strcpy(out, "junk");
    ck_assert_int_eq(ga_mask_email("alice@x.io", out, 9), -1);
    ck_assert_str_eq(out, "");
    ck_assert_int_eq(ga_mask_email("noat", out, 4), 0);
    ck_assert_str_eq(out, "***");
    ck_assert_int_eq(ga_mask_email("noat", out, 3), -1);
    ck_assert_str_eq(out, "");
    strcpy(out, "junk");
    ck_assert_int_eq(ga_mask_email("alice@x.io", out, 0), -1);
    ck_assert_str_eq(out, "junk");
}
END_TEST

START_TEST(test_mask_email_hostile_long)
{
    char email[2001];
    char out[GA_MASKED_MAX];
    char big[1024];

    memset(email, 'b', 2000);
    email[0] = 'a';
    email[1] = '@';
    email[2000] = '\0';
    /* Too long for a GA_MASKED_MAX buffer: refused, not overflowed. */
    ck_assert_int_eq(ga_mask_email(email, out, sizeof out), -1);
    ck_assert_str_eq(out, "");
    /* Only a bounded prefix is ever looked at. */
    ck_assert_int_eq(ga_mask_email(email, big, sizeof big), 0);
    ck_assert_int_eq(strncmp(big, "a***@bbb", 8), 0);
    ck_assert_uint_lt(strlen(big), 400);
}
END_TEST

/* ---- ga_parse_long -------------------------------------------------------- */

static const struct {
    const char *s;
    long min;
    long max;
    long want;
} long_ok[] = {
    {"0", 0, 10, 0},
    {"42", 0, 100, 42},
    {"-42", -100, 100, -42},
    {"-0", -1, 1, 0},
    {"007", 0, 10, 7},
    {"10", 0, 10, 10},
    {"-5", -5, 5, -5},
    {"9223372036854775807", LONG_MIN, LONG_MAX, LONG_MAX},
    {"-9223372036854775808", LONG_MIN, LONG_MAX, LONG_MIN},
};

START_TEST(test_parse_long_ok)
{
    long v = 12345;

    ck_assert_int_eq(ga_parse_long(long_ok[_i].s, long_ok[_i].min,
                                   long_ok[_i].max, &v),
                     0);
    ck_assert_int_eq(v, long_ok[_i].want);
}
END_TEST

static const char *const long_bad[] = {
    "", " 1", "1 ", "+1", "0x10", "1e3", "1.0", "-", "--1", "1-", "12a",
    "\t1", "1\n", "\xd9\xa1", "9223372036854775808", "-9223372036854775809",
    "99999999999999999999999999", "11", "-11", "- 1", "0 1",
};

START_TEST(test_parse_long_bad)
{
    long v = 12345;

    ck_assert_int_eq(ga_parse_long(long_bad[_i], -10, 10, &v), -1);
    ck_assert_int_eq(v, 12345);
}
END_TEST

START_TEST(test_parse_long_args)
{
    long v = 12345;

    ck_assert_int_eq(ga_parse_long(NULL, 0, 10, &v), -1);
    ck_assert_int_eq(ga_parse_long("5", 0, 10, NULL), -1);
    ck_assert_int_eq(ga_parse_long("5", 10, 0, &v), -1);
    ck_assert_int_eq(v, 12345);
    ck_assert_int_eq(ga_parse_long("5", 5, 5, &v), 0);
    ck_assert_int_eq(v, 5);
}
END_TEST

/* ---- ga_is_ip_literal ----------------------------------------------------- */

static const char *const ip_yes[] = {
    "127.0.0.1", "0.0.0.0", "255.255.255.255", "192.0.2.10",
    "::1", "::", "2001:db8::1", "::ffff:192.0.2.1", "fe80::1",
    "2001:0db8:0000:0000:0000:ff00:0042:8329",
};

static const char *const ip_no[] = {
    "", "localhost", "example.com", "256.1.1.1", "1.2.3", "1.2.3.4.5",
    "01.2.3.4", "0x7f.0.0.1", "127.1", " 127.0.0.1", "127.0.0.1 ",
    "127.0.0.1\n", "fe80::1%eth0", "[::1]", "::1/128", "1.2.3.4:22",
    "2001:db8::1::2", "12345::", "\xff\xfe",
};

START_TEST(test_ip_yes)
{
    ck_assert_int_ne(ga_is_ip_literal(ip_yes[_i]), 0);
}
END_TEST

START_TEST(test_ip_no)
{
    ck_assert_int_eq(ga_is_ip_literal(ip_no[_i]), 0);
}
END_TEST

START_TEST(test_ip_null_and_long)
{
    char longs[200];

    ck_assert_int_eq(ga_is_ip_literal(NULL), 0);
    memset(longs, '1', sizeof longs - 1);
    longs[sizeof longs - 1] = '\0';
    ck_assert_int_eq(ga_is_ip_literal(longs), 0);
    /* a valid address padded past the cap with zeros stays refused */
    memset(longs, '0', sizeof longs);
    memcpy(longs + 120, ":1", 3);
    ck_assert_int_eq(ga_is_ip_literal(longs), 0);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ga_utf8_displayable: what may go to a terminal as it is */
static const struct {
    const char *s;
    int ok;
} displayable[] = {
    {"", 1},
    {"Acme Corp", 1},
    {"\xe6\xb5\x8b\xe8\xaf\x95\xe6\xb1\xa0", 1},        /* 测试池 */
    {"\xef\xbc\x91\xef\xbc\x92", 1},                          /* fullwidth 12: shown */
    {"caf\xc3\xa9", 1},
    {"a\tb", 0}, {"a\x1b[31m", 0}, {"a\x7f", 0}, {"\x01", 0},
    {"\xc2\x85", 0},             /* NEL (C1) */
    {"\xd8\x9c", 0},             /* U+061C ARABIC LETTER MARK */
    {"\xe2\x80\x8e", 0},         /* U+200E */
    {"\xe2\x80\xa8", 0},         /* U+2028 */
    {"\xe2\x80\xae", 0},         /* U+202E */
    {"\xe2\x81\xa9", 0},         /* U+2069 */
    {"\xef\xbb\xbf", 0},         /* U+FEFF */
    {"\xff", 0}, {"\xc0\xaf", 0}, {"\xed\xa0\x80", 0}, {"\xe6\xb5", 0},
};

START_TEST(test_utf8_displayable)
{
    const char *s = displayable[_i].s;

    ck_assert_msg(ga_utf8_displayable(s, strlen(s)) == displayable[_i].ok, "row %d", _i);
}
END_TEST

START_TEST(test_utf8_displayable_nul)
{
    ck_assert_int_eq(ga_utf8_displayable("a\0b", 3), 0);
}
END_TEST

static Suite *text_suite(void)
{
    Suite *s = suite_create("text");
    TCase *tc = tcase_create("sanitize");

    tcase_add_test(tc, test_sanitize_plain);
    tcase_add_test(tc, test_sanitize_nul_in_middle);
    tcase_add_test(tc, test_sanitize_invalid_utf8);
    tcase_add_test(tc, test_sanitize_valid_utf8_bytes);
    tcase_add_test(tc, test_sanitize_escape_sequences);
    tcase_add_test(tc, test_sanitize_whitespace_runs);
    tcase_add_test(tc, test_sanitize_other_controls);
    tcase_add_test(tc, test_sanitize_long_input);
    tcase_add_test(tc, test_sanitize_exact_fit);
    tcase_add_test(tc, test_sanitize_tiny_outlen);
    tcase_add_test(tc, test_sanitize_empty_and_null);
    tcase_add_test(tc, test_sanitize_reads_only_inlen);
    suite_add_tcase(s, tc);

    tc = tcase_create("message");
    tcase_add_loop_test(tc, test_message_table, 0, N(msgs));
    tcase_add_test(tc, test_message_nul_inside);
    tcase_add_test(tc, test_message_cut);
    tcase_add_test(tc, test_message_args);
    tcase_add_test(tc, test_message_reads_only_inlen);
    tcase_add_test(tc, test_message_like_sanitize);
    tcase_add_test(tc, test_message_hostile_long);
    suite_add_tcase(s, tc);

    tc = tcase_create("message_utf8");
    tcase_set_timeout(tc, 30); /* the random test: about 1 s, 1.5 s under ASan */
    tcase_add_loop_test(tc, test_message_utf8_table, 0, N(msgs_utf8));
    tcase_add_test(tc, test_message_utf8_forbidden);
    tcase_add_test(tc, test_message_utf8_allowed);
    tcase_add_test(tc, test_message_utf8_invalid);
    tcase_add_loop_test(tc, test_message_utf8_same_masking, 0, N(msgs) + N(msgs_utf8));
    tcase_add_loop_test(tc, test_message_utf8_cut, 0, 3);
    tcase_add_test(tc, test_message_utf8_args);
    tcase_add_test(tc, test_message_utf8_random);
    tcase_add_test(tc, test_utf8_cut);
    suite_add_tcase(s, tc);

    tc = tcase_create("mask");
    tcase_add_loop_test(tc, test_mask_phone_table, 0, N(phone_masks));
    tcase_add_test(tc, test_mask_phone_short_never_full);
    tcase_add_test(tc, test_mask_phone_hostile_long);
    tcase_add_test(tc, test_mask_phone_small_out);
    tcase_add_loop_test(tc, test_mask_email_table, 0, N(email_masks));
    tcase_add_test(tc, test_mask_email_small_out);
    tcase_add_test(tc, test_mask_email_hostile_long);
    suite_add_tcase(s, tc);

    tc = tcase_create("parse_long");
    tcase_add_loop_test(tc, test_parse_long_ok, 0, N(long_ok));
    tcase_add_loop_test(tc, test_parse_long_bad, 0, N(long_bad));
    tcase_add_test(tc, test_parse_long_args);
    suite_add_tcase(s, tc);

    tc = tcase_create("ip_literal");
    tcase_add_loop_test(tc, test_ip_yes, 0, N(ip_yes));
    tcase_add_loop_test(tc, test_ip_no, 0, N(ip_no));
    tcase_add_test(tc, test_ip_null_and_long);
    suite_add_tcase(s, tc);

    tc = tcase_create("utf8_displayable");
    tcase_add_loop_test(tc, test_utf8_displayable, 0, N(displayable));
    tcase_add_test(tc, test_utf8_displayable_nul);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(text_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
