/* check_msg.c - the message catalogue (ga_tr) and ga_ui_show(). The
 * catalogue's content is checked against the sources by check_msg.py. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ga_factor.h"
#include "ga_msg.h"
#include "ga_msg_table.h"
#include "ga_text.h"
#include "ga_ui.h"
#include "ga_validate.h"

/* ---- ga_tr ------------------------------------------------------------ */

START_TEST(test_tr_en_same_pointer)
{
    const char *missing = "Not in any catalogue.";

    ck_assert_uint_gt(ga_msg_zh_CN_count, 0);
    for (size_t i = 0; i < ga_msg_zh_CN_count; i++)
        ck_assert_ptr_eq(ga_tr("en-US", ga_msg_zh_CN[i].en), ga_msg_zh_CN[i].en);
    ck_assert_ptr_eq(ga_tr("en-US", missing), missing);
}
END_TEST

START_TEST(test_tr_zh_every_entry)
{
    for (size_t i = 0; i < ga_msg_zh_CN_count; i++) {
        const char *en = ga_msg_zh_CN[i].en;
        const char *tr = ga_msg_zh_CN[i].tr;
        char *copy = strdup(en); /* found by content, not by address */

        ck_assert_ptr_nonnull(copy);
        ck_assert_ptr_eq(ga_tr("zh-CN", en), tr);
        ck_assert_ptr_eq(ga_tr("zh-CN", copy), tr);
        ck_assert_str_ne(tr, en);
        ck_assert_uint_gt(strlen(tr), 0);
        ck_assert_msg(ga_utf8_valid(tr, strlen(tr)), "not UTF-8: %s", en);
        free(copy);
    }
}
END_TEST

START_TEST(test_tr_unknown_lang)
{
    static const char *const langs[] = {"zh-TW", "ja-JP", "", "ZH-CN", "zh-CN ",
                                        "zh", "zh-CNx", "en"};
    const char *en = ga_msg_zh_CN[0].en;

    for (size_t i = 0; i < sizeof langs / sizeof langs[0]; i++)
        ck_assert_ptr_eq(ga_tr(langs[i], en), en);
    ck_assert_ptr_eq(ga_tr(NULL, en), en);
}
END_TEST

START_TEST(test_tr_null_and_missing)
{
    const char *missing = "Not in any catalogue.";
    const char *empty = "";

    ck_assert_ptr_null(ga_tr("zh-CN", NULL));
    ck_assert_ptr_null(ga_tr("en-US", NULL));
    ck_assert_ptr_null(ga_tr(NULL, NULL));
    ck_assert_ptr_eq(ga_tr("zh-CN", missing), missing);
    ck_assert_ptr_eq(ga_tr("zh-CN", empty), empty);
}
END_TEST

/* Every reason ga_validate hands out is in the catalogue (GA_N_ marks them;
 * this catches a reason that lost its mark or its entry). */
START_TEST(test_tr_validate_reasons)
{
    static const char *const phones[] = {
        NULL, "", "abc", "+86 188+1234", "+999 1234567", "+44 020 7946 0958",
        "+1 123 456 7890", "+86 2881234567", "+ 86", "+086 1881234", "1881234",
        "+86 (188) (1234) 5678", "+49 1234", "+49 123456789012345",
    };
    static const char *const emails[] = {
        "a@", "a b@example.com", "ab", "a@b@c", "@example.com", "a..b@example.com",
        "a@", "a@example", "a@ex..com", "a@ex_ample.com", "a@-ex.com", "a@example.c",
        "a,b@example.com",
    };
    static const char *const codes[] = {"", "12a4", "123", "123456789", "\x01",
                                        "\xc3\xa9"};
    static const ga_factor_t menu[] = {GA_FACTOR_SMS};
    static const char *const choices[] = {"9", "nonsense", "email"};
    const char *reason;

    for (size_t i = 0; i < sizeof phones / sizeof phones[0]; i++) {
        char cc[GA_CC_MAX];
        char nat[GA_NATIONAL_MAX];
        reason = NULL;
        ck_assert_int_ne(ga_parse_phone(phones[i], NULL, cc, nat, &reason), GA_OK);
        ck_assert_ptr_nonnull(reason);
        ck_assert_msg(ga_tr("zh-CN", reason) != reason, "untranslated: %s", reason);
    }
    for (size_t i = 0; i < sizeof emails / sizeof emails[0]; i++) {
        reason = NULL;
        ck_assert_int_ne(ga_validate_email(emails[i], &reason), GA_OK);
        ck_assert_msg(ga_tr("zh-CN", reason) != reason, "untranslated: %s", reason);
    }
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        reason = NULL;
        ck_assert_int_ne(ga_validate_code(codes[i], &reason), GA_OK);
        ck_assert_msg(ga_tr("zh-CN", reason) != reason, "untranslated: %s", reason);
    }
    for (size_t i = 0; i < sizeof choices / sizeof choices[0]; i++) {
        reason = NULL;
        ck_assert_int_lt(ga_parse_menu_choice(choices[i], menu, 1, &reason), 0);
        ck_assert_msg(ga_tr("zh-CN", reason) != reason, "untranslated: %s", reason);
    }
    reason = NULL;
    ck_assert_int_lt(ga_parse_menu_choice("1", NULL, 0, &reason), 0);
    ck_assert_ptr_ne(ga_tr("zh-CN", reason), reason);
}
END_TEST

/* ---- ga_ui_show ------------------------------------------------------- */

#define REC_MAX 32

struct rec {
    int n;
    int errors; /* messages that came through ->error */
    int needed; /* messages that came through ->needed */
    char *msg[REC_MAX];
};

static void rec_add(struct rec *r, const char *text, int is_error)
{
    ck_assert_int_lt(r->n, REC_MAX);
    r->msg[r->n] = strdup(text);
    ck_assert_ptr_nonnull(r->msg[r->n]);
    r->n++;
    r->errors += is_error;
}

static void rec_info(void *ctx, const char *text)
{
    rec_add(ctx, text, 0);
}

static void rec_error(void *ctx, const char *text)
{
    rec_add(ctx, text, 1);
}

static void rec_needed(void *ctx, const char *text)
{
    rec_add(ctx, text, 0);
    ((struct rec *)ctx)->needed++;
}

static void rec_free(struct rec *r)
{
    for (int i = 0; i < r->n; i++)
        free(r->msg[i]);
    memset(r, 0, sizeof *r);
}

/* Show text; check what holds for every message. */
static void show(struct rec *r, int is_error, const char *text)
{
    ga_ui_t ui = {NULL, rec_info, rec_error, r, NULL};

    memset(r, 0, sizeof *r);
    ga_ui_show(&ui, is_error ? GA_UI_ERROR : GA_UI_INFO, text);
    for (int i = 0; i < r->n; i++) {
        size_t len = strlen(r->msg[i]);
        ck_assert_uint_gt(len, 0);
        ck_assert_uint_le(len, GA_UI_CHUNK);
        ck_assert_int_ne(r->msg[i][len - 1], '\n');
        ck_assert_int_ne(r->msg[i][0], '\n');
    }
    ck_assert_int_eq(r->errors, is_error ? r->n : 0);
}

/* n repetitions of unit (NUL-terminated), then tail; caller frees. */
static char *repeat(const char *unit, size_t n, const char *tail)
{
    size_t ul = strlen(unit);
    char *s = malloc(ul * n + strlen(tail) + 1);

    ck_assert_ptr_nonnull(s);
    for (size_t i = 0; i < n; i++)
        memcpy(s + i * ul, unit, ul);
    strcpy(s + ul * n, tail);
    return s;
}

/* GA_UI_NEEDED (the authenticator-app key, which PAM_SILENT must not hide)
 * goes through ui->needed, or through ui->info when there is none; never
 * through ui->error. */
START_TEST(test_ui_needed)
{
    struct rec r;
    ga_ui_t with = {NULL, rec_info, rec_error, &r, rec_needed};
    ga_ui_t without = {NULL, rec_info, rec_error, &r, NULL};

    memset(&r, 0, sizeof r);
    ga_ui_show(&with, GA_UI_NEEDED, "Enter this key by hand:\n  JBSW Y3DP\n");
    ck_assert_int_eq(r.n, 1);
    ck_assert_int_eq(r.needed, 1);
    ck_assert_int_eq(r.errors, 0);
    ck_assert_str_eq(r.msg[0], "Enter this key by hand:\n  JBSW Y3DP");
    ga_ui_show(&with, GA_UI_INFO, "a notice");
    ck_assert_int_eq(r.n, 2);
    ck_assert_int_eq(r.needed, 1);
    rec_free(&r);
    ga_ui_show(&without, GA_UI_NEEDED, "the key");
    ck_assert_int_eq(r.n, 1);
    ck_assert_int_eq(r.needed, 0);
    ck_assert_int_eq(r.errors, 0);
    ck_assert_str_eq(r.msg[0], "the key");
    rec_free(&r);
}
END_TEST

START_TEST(test_ui_nothing)
{
    struct rec r;
    ga_ui_t no_info = {NULL, NULL, NULL, &r, NULL};

    show(&r, 0, "");
    ck_assert_int_eq(r.n, 0);
    show(&r, 0, NULL);
    ck_assert_int_eq(r.n, 0);
    show(&r, 1, "\n\n\n");
    ck_assert_int_eq(r.n, 0);
    memset(&r, 0, sizeof r);
    ga_ui_show(NULL, GA_UI_INFO, "text");
    ga_ui_show(&no_info, GA_UI_INFO, "text");
    ga_ui_show(&no_info, GA_UI_NEEDED, "text"); /* no callback: nothing, no crash */
    ck_assert_int_eq(r.n, 0);
}
END_TEST

START_TEST(test_ui_short)
{
    struct rec r;

    show(&r, 0, "one\ntwo\n");
    ck_assert_int_eq(r.n, 1);
    ck_assert_str_eq(r.msg[0], "one\ntwo");
    rec_free(&r);
    show(&r, 1, "Wrong code.");
    ck_assert_int_eq(r.n, 1);
    ck_assert_str_eq(r.msg[0], "Wrong code.");
    rec_free(&r);
    show(&r, 0, "\nafter a blank\n\nline\n\n");
    ck_assert_int_eq(r.n, 1);
    ck_assert_str_eq(r.msg[0], "after a blank\n\nline");
    rec_free(&r);
}
END_TEST

/* Lines of 100 bytes: whole lines per message, as many as fit, and the
 * messages joined by '\n' give back the text. */
START_TEST(test_ui_packs_lines)
{
    char line[102];
    char *text;
    char *joined;
    size_t per;
    struct rec r;

    memset(line, 'x', 100);
    line[100] = '\n';
    line[101] = '\0';
    text = repeat(line, 23, "");
    per = (GA_UI_CHUNK + 1) / 101; /* k lines take 101k-1 bytes */
    show(&r, 0, text);
    ck_assert_int_eq(r.n, (int)((23 + per - 1) / per));
    joined = calloc(1, strlen(text) + 1);
    ck_assert_ptr_nonnull(joined);
    for (int i = 0; i < r.n; i++) {
        ck_assert_uint_eq(strlen(r.msg[i]) % 101, 100); /* whole lines */
        if (i + 1 < r.n) /* full: one more line would not fit */
            ck_assert_uint_gt(strlen(r.msg[i]) + 101, GA_UI_CHUNK);
        strcat(joined, r.msg[i]);
        strcat(joined, "\n");
    }
    ck_assert_str_eq(joined, text);
    free(joined);
    free(text);
    rec_free(&r);
}
END_TEST

START_TEST(test_ui_exact_chunk)
{
    struct rec r;
    char *text = repeat("y", GA_UI_CHUNK, "\n");
    char *longer = repeat("y", GA_UI_CHUNK + 1, "");
    char *two = repeat("z", GA_UI_CHUNK, "\nnext");

    show(&r, 0, text); /* exactly a chunk, trailing newline dropped */
    ck_assert_int_eq(r.n, 1);
    ck_assert_uint_eq(strlen(r.msg[0]), GA_UI_CHUNK);
    rec_free(&r);
    show(&r, 0, longer); /* one byte too long: cut */
    ck_assert_int_eq(r.n, 2);
    ck_assert_uint_eq(strlen(r.msg[0]), GA_UI_CHUNK);
    ck_assert_str_eq(r.msg[1], "y");
    rec_free(&r);
    show(&r, 0, two); /* the '\n' right after a full chunk is the boundary */
    ck_assert_int_eq(r.n, 2);
    ck_assert_uint_eq(strlen(r.msg[0]), GA_UI_CHUNK);
    ck_assert_str_eq(r.msg[1], "next");
    rec_free(&r);
    free(text);
    free(longer);
    free(two);
}
END_TEST

/* A long line of 2-, 3- and 4-byte characters at every alignment: cut at
 * character boundaries only, nothing lost. */
START_TEST(test_ui_utf8_cut)
{
    static const char *const chars[] = {"\xc3\xa9", "\xe4\xb8\xad", "\xf0\x9f\x94\x91"};

    for (size_t c = 0; c < 3; c++) {
        for (size_t pad = 0; pad < 4; pad++) {
            char prefix[5] = "aaaa";
            char *text;
            char *body;
            struct rec r;
            size_t total = 0;

            prefix[pad] = '\0';
            body = repeat(chars[c], 400, "");
            text = malloc(strlen(prefix) + strlen(body) + 1);
            ck_assert_ptr_nonnull(text);
            strcpy(text, prefix);
            strcat(text, body);
            show(&r, 0, text);
            ck_assert_int_ge(r.n, 2);
            for (int i = 0; i < r.n; i++) {
                size_t len = strlen(r.msg[i]);
                ck_assert_msg(ga_utf8_valid(r.msg[i], len), "partial character");
                ck_assert_int_eq(strncmp(r.msg[i], text + total, len), 0);
                if (i + 1 < r.n) /* no more than a character short */
                    ck_assert_uint_gt(len + strlen(chars[c]), GA_UI_CHUNK);
                total += len;
            }
            ck_assert_uint_eq(total, strlen(text));
            rec_free(&r);
            free(body);
            free(text);
        }
    }
}
END_TEST

/* Not UTF-8 (only continuation bytes): plain cuts at GA_UI_CHUNK. */
START_TEST(test_ui_invalid_utf8)
{
    struct rec r;
    char *text = repeat("\x80", 2 * GA_UI_CHUNK + 10, "");

    show(&r, 0, text);
    ck_assert_int_eq(r.n, 3);
    ck_assert_uint_eq(strlen(r.msg[0]), GA_UI_CHUNK);
    ck_assert_uint_eq(strlen(r.msg[1]), GA_UI_CHUNK);
    ck_assert_uint_eq(strlen(r.msg[2]), 10);
    rec_free(&r);
    free(text);
}
END_TEST

/* A short line, then a line too long for one message: the long line starts
 * its own message (lines are not broken when they fit). */
START_TEST(test_ui_long_after_short)
{
    struct rec r;
    char *text = repeat("q", GA_UI_CHUNK + 20, "\nend\n");
    char *full = malloc(strlen(text) + 8);

    ck_assert_ptr_nonnull(full);
    strcpy(full, "start\n");
    strcat(full, text);
    show(&r, 1, full);
    ck_assert_int_eq(r.n, 3);
    ck_assert_str_eq(r.msg[0], "start");
    ck_assert_uint_eq(strlen(r.msg[1]), GA_UI_CHUNK);
    ck_assert_int_eq(strncmp(r.msg[2], "qqqqqqqqqqqqqqqqqqqq\nend", 25), 0);
    rec_free(&r);
    free(full);
    free(text);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("msg");
    TCase *tr = tcase_create("ga_tr");
    TCase *ui = tcase_create("ga_ui_show");
    SRunner *sr;
    int failed;

    tcase_add_test(tr, test_tr_en_same_pointer);
    tcase_add_test(tr, test_tr_zh_every_entry);
    tcase_add_test(tr, test_tr_unknown_lang);
    tcase_add_test(tr, test_tr_null_and_missing);
    tcase_add_test(tr, test_tr_validate_reasons);
    tcase_add_test(ui, test_ui_nothing);
    tcase_add_test(ui, test_ui_needed);
    tcase_add_test(ui, test_ui_short);
    tcase_add_test(ui, test_ui_packs_lines);
    tcase_add_test(ui, test_ui_exact_chunk);
    tcase_add_test(ui, test_ui_utf8_cut);
    tcase_add_test(ui, test_ui_invalid_utf8);
    tcase_add_test(ui, test_ui_long_after_short);
    suite_add_tcase(s, tr);
    suite_add_tcase(s, ui);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
