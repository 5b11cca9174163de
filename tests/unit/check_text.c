/* check_text.c - unit tests for ga_text (sanitise, masks, numbers, IPs). */
#include "config.h"

#include <check.h>
#include <limits.h>
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
