/* check_otpauth.c - ga_otpauth_parse() and ga_otpauth_group(): GenAuth's
 * URI shape, the variants the Key Uri Format allows, and every kind of bad
 * URI the parser refuses. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ga_otpauth.h"

#define POOL "62b9a7d1c3e4f5a6b7c8d9e0"
#define B32 "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" /* 32 characters */
#define GENAUTH "otpauth://totp/" POOL ":alice?secret=" B32 \
                "&period=30&digits=6&algorithm=SHA1&issuer=" POOL

static ga_otpauth_t parsed;

static ga_status_t parse(const char *uri)
{
    memset(&parsed, 0xAA, sizeof parsed); /* garbage the parser must clear */
    return ga_otpauth_parse(uri, &parsed);
}

/* A refused URI: GA_ERR_INPUT and *out all zero. */
static void refused(const char *uri)
{
    static const ga_otpauth_t zero;

    ck_assert_msg(parse(uri) == GA_ERR_INPUT, "accepted: %s", uri);
    ck_assert_msg(memcmp(&parsed, &zero, sizeof zero) == 0, "not zeroed: %s", uri);
}

static void accepted(const char *uri)
{
    ck_assert_msg(parse(uri) == GA_OK, "refused: %s", uri);
}

/* ---- valid ------------------------------------------------------------ */

START_TEST(test_genauth_shape)
{
    accepted(GENAUTH);
    ck_assert_str_eq(parsed.secret, B32);
    ck_assert_str_eq(parsed.issuer, POOL);
    ck_assert_str_eq(parsed.account, "alice");
    ck_assert_int_eq(parsed.digits, 6);
    ck_assert_int_eq(parsed.period, 30);
    /* an email as account, percent-encoded, and the parameters reordered */
    accepted("otpauth://totp/" POOL ":alice%40example.com?issuer=" POOL
             "&algorithm=SHA1&digits=6&period=30&secret=" B32);
    ck_assert_str_eq(parsed.account, "alice@example.com");
    ck_assert_str_eq(parsed.issuer, POOL);
}
END_TEST

START_TEST(test_label_forms)
{
    accepted("otpauth://totp/Example%20Co%3Aalice%40example.com?secret=" B32);
    ck_assert_str_eq(parsed.issuer, "Example Co");
    ck_assert_str_eq(parsed.account, "alice@example.com");
    accepted("otpauth://totp/alice?secret=" B32); /* no issuer anywhere */
    ck_assert_str_eq(parsed.issuer, "");
    ck_assert_str_eq(parsed.account, "alice");
    accepted("otpauth://totp/Acme:%20%20bob?secret=" B32); /* spaces before account */
    ck_assert_str_eq(parsed.issuer, "Acme");
    ck_assert_str_eq(parsed.account, "bob");
    accepted("otpauth://totp/a:b:c?secret=" B32); /* first ':' splits */
    ck_assert_str_eq(parsed.issuer, "a");
    ck_assert_str_eq(parsed.account, "b:c");
    accepted("otpauth://totp/?secret=" B32); /* empty label */
    ck_assert_str_eq(parsed.account, "");
    accepted("otpauth://totp/%E7%A4%BA%E4%BE%8B:%E7%94%A8%E6%88%B7?secret=" B32);
    ck_assert_str_eq(parsed.issuer, "\xe7\xa4\xba\xe4\xbe\x8b");
    ck_assert_str_eq(parsed.account, "\xe7\x94\xa8\xe6\x88\xb7");
    accepted("otpauth://totp/a+b?secret=" B32); /* '+' is not a space */
    ck_assert_str_eq(parsed.account, "a+b");
    accepted("OTPAUTH://TOTP/x?secret=" B32); /* scheme and host: any case */
}
END_TEST

START_TEST(test_issuer_precedence)
{
    accepted("otpauth://totp/Old:acc?secret=" B32 "&issuer=New%20Name");
    ck_assert_str_eq(parsed.issuer, "New Name");
    ck_assert_str_eq(parsed.account, "acc");
    accepted("otpauth://totp/acc?issuer=OnlyParam&secret=" B32);
    ck_assert_str_eq(parsed.issuer, "OnlyParam");
    accepted("otpauth://totp/Old:acc?secret=" B32 "&issuer="); /* empty: the prefix */
    ck_assert_str_eq(parsed.issuer, "Old");
}
END_TEST

START_TEST(test_secret_normalised)
{
    accepted("otpauth://totp/x?secret=jbsw%20y3dp%20ehpk%203pxp");
    ck_assert_str_eq(parsed.secret, "JBSWY3DPEHPK3PXP");
    accepted("otpauth://totp/x?secret=GEZDGNBVGY3TQOJQ%3D%3D%3D%3D"); /* "=" padding */
    ck_assert_str_eq(parsed.secret, "GEZDGNBVGY3TQOJQ");
    accepted("otpauth://totp/x?secret=GEZDGNBVGY3TQOJQGE======"); /* raw padding, 18 */
    ck_assert_str_eq(parsed.secret, "GEZDGNBVGY3TQOJQGE");
    /* 16 and 128 characters: the bounds */
    {
        char uri[400];
        char sec[129];
        memset(sec, 'A', 128);
        sec[128] = '\0';
        snprintf(uri, sizeof uri, "otpauth://totp/x?secret=%s", sec);
        accepted(uri);
        ck_assert_uint_eq(strlen(parsed.secret), 128);
        sec[16] = '\0';
        snprintf(uri, sizeof uri, "otpauth://totp/x?secret=%s", sec);
        accepted(uri);
        ck_assert_str_eq(parsed.secret, sec);
    }
}
END_TEST

START_TEST(test_options)
{
    accepted("otpauth://totp/x?secret=" B32); /* defaults */
    ck_assert_int_eq(parsed.digits, 6);
    ck_assert_int_eq(parsed.period, 30);
    accepted("otpauth://totp/x?secret=" B32 "&digits=8&period=60&algorithm=sha1");
    ck_assert_int_eq(parsed.digits, 8);
    ck_assert_int_eq(parsed.period, 60);
    accepted("otpauth://totp/x?secret=" B32 "&period=15");
    ck_assert_int_eq(parsed.period, 15);
    accepted("otpauth://totp/x?secret=" B32 "&period=120");
    ck_assert_int_eq(parsed.period, 120);
    /* unknown parameters, even twice, and empty segments are ignored */
    accepted("otpauth://totp/x?&secret=" B32 "&&counter=1&image=a&image=b&Secret=Z&");
    ck_assert_str_eq(parsed.secret, B32);
}
END_TEST

/* ---- refused ---------------------------------------------------------- */

START_TEST(test_bad_scheme_and_type)
{
    refused("https://totp/x?secret=" B32);
    refused("otpauthx://totp/x?secret=" B32);
    refused("otpauth:/totp/x?secret=" B32);
    refused("otpauth:totp/x?secret=" B32);
    refused("totp/x?secret=" B32);
    refused("otpauth://hotp/x?secret=" B32 "&counter=0");
    refused("otpauth://totp./x?secret=" B32);
    refused("otpauth://steam/x?secret=" B32);
    refused("");
    refused("otpauth://");
}
END_TEST

START_TEST(test_bad_authority_and_path)
{
    refused("otpauth://user@totp/x?secret=" B32);
    refused("otpauth://user:pw@totp/x?secret=" B32);
    refused("otpauth://totp:80/x?secret=" B32);
    refused("otpauth://totp/x?secret=" B32 "#frag");
    refused("otpauth://totp/a/b?secret=" B32);
    refused("otpauth://totp/a/../b?secret=" B32);
    refused("otpauth://totp/x"); /* no query */
    refused("otpauth://totp/x?");
}
END_TEST

START_TEST(test_bad_secret)
{
    refused("otpauth://totp/x?issuer=a");                 /* missing */
    refused("otpauth://totp/x?secret=");                  /* empty */
    refused("otpauth://totp/x?secret");                   /* no '=' */
    refused("otpauth://totp/x?secret=JBSWY3DPEHPK3PX");    /* 15 */
    refused("otpauth://totp/x?secret=JBSWY3DPEHPK3PX1");   /* '1' */
    refused("otpauth://totp/x?secret=JBSWY3DPEHPK3PX0");   /* '0' */
    refused("otpauth://totp/x?secret=JBSWY3DPEHPK3PX8");   /* '8' */
    refused("otpauth://totp/x?secret=JBSWY3DP-HPK3PXP");   /* '-' */
    refused("otpauth://totp/x?secret=JBSWY3DP=EHPK3PXP");  /* '=' inside */
    refused("otpauth://totp/x?secret=JBSWY3DPEHPK3PXPA");  /* 17: not base32 */
    refused("otpauth://totp/x?secret=JBSWY3DPEHPK3PXPABC"); /* 19 */
    refused("otpauth://totp/x?secret=JBSWY3DPEHPK3PXPABCDEF"); /* 22 */
    refused("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP%00");
    refused("otpauth://totp/x?secret=JBSWY3DP%C3%89HPK3PXP");
    {
        char uri[400];
        char sec[130];
        memset(sec, 'A', 129);
        sec[129] = '\0';
        snprintf(uri, sizeof uri, "otpauth://totp/x?secret=%s", sec);
        refused(uri); /* 129 */
    }
}
END_TEST

START_TEST(test_bad_options)
{
    static const char *const bad[] = {
        "algorithm=SHA256", "algorithm=SHA512", "algorithm=MD5", "algorithm=",
        "algorithm=SHA1%00", "digits=7", "digits=5", "digits=9", "digits=0",
        "digits=", "digits=6x", "digits=%36%00", "digits=-6", "period=0",
        "period=1000", "period=14", "period=121", "period=-30", "period=30s",
        "period=", "period=%2030",
    };

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char uri[200];
        snprintf(uri, sizeof uri, "otpauth://totp/x?secret=" B32 "&%s", bad[i]);
        refused(uri);
    }
}
END_TEST

START_TEST(test_bad_labels)
{
    static const char *const bad[] = {
        "%01", "%1B%5B31m", "%0A", "%0D", "%09", "%7F", "%00", "a%00b",
        "%C2%85",       /* NEL, a C1 control */
        "%C2%9B",       /* CSI */
        "%E2%80%AE",    /* RIGHT-TO-LEFT OVERRIDE */
        "%E2%81%A6",    /* LEFT-TO-RIGHT ISOLATE */
        "%E2%80%8F",    /* RIGHT-TO-LEFT MARK */
        "%E2%80%A8",    /* LINE SEPARATOR */
        "%D8%9C",       /* ARABIC LETTER MARK (regression: was accepted) */
        "%EF%BB%BF",    /* BOM / ZERO WIDTH NO-BREAK SPACE (regression: was accepted) */
        "%FF", "%C0%AF", "%E4%B8", "%ED%A0%80", "%F4%90%80%80",
    };

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char uri[200];
        snprintf(uri, sizeof uri, "otpauth://totp/Acme:%s?secret=" B32, bad[i]);
        refused(uri);
        snprintf(uri, sizeof uri, "otpauth://totp/%s:acc?secret=" B32, bad[i]);
        refused(uri);
        snprintf(uri, sizeof uri, "otpauth://totp/acc?secret=" B32 "&issuer=%s", bad[i]);
        refused(uri);
    }
    /* raw control characters and spaces: libcurl refuses the URI */
    refused("otpauth://totp/a\x01" "b?secret=" B32);
    refused("otpauth://totp/a b?secret=" B32);
    refused("otpauth://totp/a\tb?secret=" B32);
}
END_TEST

START_TEST(test_label_length)
{
    char uri[800];
    char lab[200];

    memset(lab, 'n', 128);
    lab[128] = '\0';
    snprintf(uri, sizeof uri, "otpauth://totp/%s?secret=" B32 "&issuer=%s", lab, lab);
    accepted(uri);
    ck_assert_uint_eq(strlen(parsed.account), 128);
    ck_assert_uint_eq(strlen(parsed.issuer), 128);
    lab[128] = 'n';
    lab[129] = '\0';
    snprintf(uri, sizeof uri, "otpauth://totp/%s?secret=" B32, lab);
    refused(uri);
    snprintf(uri, sizeof uri, "otpauth://totp/x?secret=" B32 "&issuer=%s", lab);
    refused(uri);
    /* 43 three-byte characters = 129 bytes */
    uri[0] = '\0';
    strcat(uri, "otpauth://totp/");
    for (int i = 0; i < 43; i++)
        strcat(uri, "%E4%B8%AD");
    strcat(uri, "?secret=" B32);
    refused(uri);
}
END_TEST

/* The 128-byte limit is per part (ga_otpauth.h): "issuer:account" may have
 * 128 + 1 + 128 bytes; 129 in either part is refused. */
START_TEST(test_label_parts_length)
{
    char uri[1600], iss[300], acc[300];

    memset(iss, 'i', 129);
    memset(acc, 'a', 129);
    /* 128 + ':' + 128 = 257 bytes: accepted, both parts whole */
    iss[128] = acc[128] = '\0';
    snprintf(uri, sizeof uri, "otpauth://totp/%s:%s?secret=" B32, iss, acc);
    accepted(uri);
    ck_assert_str_eq(parsed.issuer, iss);
    ck_assert_str_eq(parsed.account, acc);
    /* the same with the ':' percent-encoded, and with the issuer parameter */
    snprintf(uri, sizeof uri, "otpauth://totp/%s%%3A%s?secret=" B32 "&issuer=%s", iss, acc,
             iss);
    accepted(uri);
    ck_assert_uint_eq(strlen(parsed.issuer), 128);
    ck_assert_uint_eq(strlen(parsed.account), 128);
    /* 129 in the issuer part, or in the account part: refused */
    iss[128] = 'i';
    iss[129] = '\0';
    snprintf(uri, sizeof uri, "otpauth://totp/%s:%s?secret=" B32, iss, acc);
    refused(uri);
    /* ... even when a short issuer parameter would replace it */
    snprintf(uri, sizeof uri, "otpauth://totp/%s:alice?secret=" B32 "&issuer=x", iss);
    refused(uri);
    iss[128] = '\0';
    acc[128] = 'a';
    acc[129] = '\0';
    snprintf(uri, sizeof uri, "otpauth://totp/%s:%s?secret=" B32, iss, acc);
    refused(uri);
    snprintf(uri, sizeof uri, "otpauth://totp/x:%s?secret=" B32, acc);
    refused(uri);
    /* the issuer parameter: 129 refused (128 accepted above) */
    snprintf(uri, sizeof uri, "otpauth://totp/x:y?secret=" B32 "&issuer=%s", acc);
    refused(uri);
    /* spaces after the ':' count in the label's 257 bytes */
    acc[127] = '\0';
    snprintf(uri, sizeof uri, "otpauth://totp/%s:%%20%s?secret=" B32, iss, acc);
    accepted(uri); /* 128 + 1 + 1 + 127 = 257 */
    ck_assert_uint_eq(strlen(parsed.account), 127);
    snprintf(uri, sizeof uri, "otpauth://totp/%s:%%20%%20%s?secret=" B32, iss, acc);
    refused(uri); /* 258 */
    /* multi-byte parts: 42 three-byte characters (126 bytes) + 2 = 128 */
    uri[0] = '\0';
    strcat(uri, "otpauth://totp/");
    for (int i = 0; i < 42; i++)
        strcat(uri, "%E4%B8%AD");
    strcat(uri, "ab:");
    for (int i = 0; i < 42; i++)
        strcat(uri, "%E4%B8%AD");
    strcat(uri, "cd?secret=" B32);
    accepted(uri);
    ck_assert_uint_eq(strlen(parsed.issuer), 128);
    ck_assert_uint_eq(strlen(parsed.account), 128);
    /* "cd" replaced by a 4-byte character: the account has 130 bytes */
    {
        char *cd = strstr(uri, "cd?");
        memmove(cd + 12, cd + 2, strlen(cd + 2) + 1);
        memcpy(cd, "%F0%9F%98%80", 12);
    }
    refused(uri);
}
END_TEST

START_TEST(test_duplicates)
{
    refused("otpauth://totp/x?secret=" B32 "&secret=" B32);
    refused("otpauth://totp/x?secret=" B32 "&secret=GEZDGNBVGY3TQOJQ");
    refused("otpauth://totp/x?secret=" B32 "&issuer=a&issuer=a");
    refused("otpauth://totp/x?secret=" B32 "&digits=6&digits=6");
    refused("otpauth://totp/x?secret=" B32 "&period=30&period=60");
    refused("otpauth://totp/x?secret=" B32 "&algorithm=SHA1&algorithm=SHA1");
}
END_TEST

START_TEST(test_uri_length)
{
    char *uri = malloc(2100);
    size_t head;

    ck_assert_ptr_nonnull(uri);
    strcpy(uri, "otpauth://totp/x?secret=" B32 "&pad=");
    head = strlen(uri);
    memset(uri + head, 'p', 2048 - head);
    uri[2048] = '\0';
    accepted(uri); /* exactly 2048 bytes */
    uri[2048] = 'p';
    uri[2049] = '\0';
    refused(uri);
    free(uri);
}
END_TEST

START_TEST(test_null)
{
    ck_assert_int_eq(ga_otpauth_parse(GENAUTH, NULL), GA_ERR_INPUT);
    refused(NULL);
}
END_TEST

/* ---- ga_otpauth_group ------------------------------------------------- */

START_TEST(test_group)
{
    char out[64];

    ck_assert_int_eq(ga_otpauth_group("ABCDEFGHIJ", out, sizeof out), 0);
    ck_assert_str_eq(out, "ABCD EFGH IJ");
    ck_assert_int_eq(ga_otpauth_group("ABCDEFGH", out, sizeof out), 0);
    ck_assert_str_eq(out, "ABCD EFGH");
    ck_assert_int_eq(ga_otpauth_group("ABC", out, sizeof out), 0);
    ck_assert_str_eq(out, "ABC");
    ck_assert_int_eq(ga_otpauth_group("", out, sizeof out), 0);
    ck_assert_str_eq(out, "");
    ck_assert_int_eq(ga_otpauth_group(B32, out, sizeof out), 0);
    ck_assert_str_eq(out, "JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP");
    /* exactly enough room, then one byte short */
    ck_assert_int_eq(ga_otpauth_group("ABCDEFGHIJ", out, 13), 0);
    ck_assert_str_eq(out, "ABCD EFGH IJ");
    ck_assert_int_eq(ga_otpauth_group("ABCDEFGHIJ", out, 12), -1);
    ck_assert_str_eq(out, "");
    ck_assert_int_eq(ga_otpauth_group(NULL, out, sizeof out), -1);
    ck_assert_str_eq(out, "");
    out[0] = 'x';
    ck_assert_int_eq(ga_otpauth_group("AB", out, 0), -1);
    ck_assert_int_eq(out[0], 'x'); /* nothing written */
    ck_assert_int_eq(ga_otpauth_group("AB", NULL, 10), -1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("otpauth");
    TCase *ok = tcase_create("valid");
    TCase *bad = tcase_create("refused");
    TCase *grp = tcase_create("group");
    SRunner *sr;
    int failed;

    tcase_add_test(ok, test_genauth_shape);
    tcase_add_test(ok, test_label_forms);
    tcase_add_test(ok, test_issuer_precedence);
    tcase_add_test(ok, test_secret_normalised);
    tcase_add_test(ok, test_options);
    tcase_add_test(bad, test_bad_scheme_and_type);
    tcase_add_test(bad, test_bad_authority_and_path);
    tcase_add_test(bad, test_bad_secret);
    tcase_add_test(bad, test_bad_options);
    tcase_add_test(bad, test_bad_labels);
    tcase_add_test(bad, test_label_length);
    tcase_add_test(bad, test_label_parts_length);
    tcase_add_test(bad, test_duplicates);
    tcase_add_test(bad, test_uri_length);
    tcase_add_test(bad, test_null);
    tcase_add_test(grp, test_group);
    suite_add_tcase(s, ok);
    suite_add_tcase(s, bad);
    suite_add_tcase(s, grp);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
