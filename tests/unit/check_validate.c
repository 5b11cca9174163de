/* check_validate.c - unit tests for ga_validate (phone, email, code, menu,
 * trim), table-driven. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ga_validate.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Every reason is a constant printable ASCII sentence of <= 60 chars that
 * contains the expected words. */
static void assert_reason(const char *reason, const char *words)
{
    ck_assert_ptr_nonnull(reason);
    ck_assert_uint_gt(strlen(reason), 0);
    ck_assert_uint_le(strlen(reason), 60);
    for (const char *p = reason; *p; p++)
        ck_assert(*p >= 0x20 && *p <= 0x7e);
    ck_assert_msg(strstr(reason, words) != NULL, "reason \"%s\" lacks \"%s\"",
                  reason, words);
}

/* A heap string of len copies of c, so over-reads show under valgrind. */
static char *repeat(char c, size_t len)
{
    char *s = malloc(len + 1);

    ck_assert_ptr_nonnull(s);
    memset(s, c, len);
    s[len] = '\0';
    return s;
}

/* ---- phone numbers -------------------------------------------------------- */

static const struct {
    const char *in;
    const char *dcc;
    const char *cc;
    const char *national;
} phone_ok[] = {
    {"+86 188 1234 5678", "+86", "+86", "18812345678"},
    {"+86-188-1234-5678", "+86", "+86", "18812345678"},
    {"188 1234 5678", "+86", "+86", "18812345678"},
    {"18812345678", "+86", "+86", "18812345678"},
    {"+86 18812345678", "+1", "+86", "18812345678"},
    {"(555) 123-4567", "+1", "+1", "5551234567"},
    {"+1 (202) 555-0100", "+86", "+1", "2025550100"},
    {"+1-202-555-0100", "+86", "+1", "2025550100"},
    {"+1.202.555.0100", NULL, "+1", "2025550100"},
    {"202.555.0100", "+1", "+1", "2025550100"},
    {"+44 7911 123456", "+86", "+44", "7911123456"},
    {"+852 1234 5678", "+86", "+852", "12345678"},
    {"+7 12345678901234", "+86", "+7", "12345678901234"},
    {"  +86 188 1234 5678  ", "+86", "+86", "18812345678"},
    {"+86(188)12345678", "+1", "+86", "18812345678"},
    {"+33 6 12 34 56 78", "+86", "+33", "612345678"},
    /* no separator after the country code: the E.164 table splits it */
    {"+8618812345678", "+1", "+86", "18812345678"},
    {"+8618812345678 ", "+1", "+86", "18812345678"},
    {"+12025550100", "+86", "+1", "2025550100"},
    {"+447911123456", "+86", "+44", "7911123456"},
    {"+79123456789", "+86", "+7", "9123456789"},
    {"+85212345678", "+86", "+852", "12345678"},
    {"+85366123456", "+86", "+853", "66123456"},
    {"+886912345678", "+86", "+886", "912345678"},
    {"+2348031234567", "+86", "+234", "8031234567"},
    {"+27821234567", "+86", "+27", "821234567"},
    {"+3531234567", "+86", "+353", "1234567"},
    {"+35612345678", "+86", "+356", "12345678"},
    {"+4915123456789", "+86", "+49", "15123456789"},
    {"+38344123456", "+86", "+383", "44123456"},
    {"+9989012345678", "+86", "+998", "9012345678"},
    {"+5511912345678", "+86", "+55", "11912345678"},
    {"+59899123456", "+86", "+598", "99123456"},
    {"+61412345678", "+86", "+61", "412345678"},
    {"+6421234567", "+86", "+64", "21234567"},
    {"+6799123456", "+86", "+679", "9123456"},
    {"+919812345678", "+86", "+91", "9812345678"},
    {"+971501234567", "+86", "+971", "501234567"},
    {"+8821612345678", "+86", "+882", "1612345678"},
    {"+29012345", "+86", "+290", "12345"},
    /* "00" international prefix */
    {"0086 188 1234 5678", "+1", "+86", "18812345678"},
    {"008618812345678", "+1", "+86", "18812345678"},
    {"001 202 555 0100", "+86", "+1", "2025550100"},
    {"0044-7911-123456", "+86", "+44", "7911123456"},
    {"  0086 18812345678", "+86", "+86", "18812345678"},
    /* trunk prefixes */
    {"+44 (0)7911 123456", "+86", "+44", "7911123456"},
    {"+44(0)7911 123456", "+86", "+44", "7911123456"},
    {"0049 (0)30 1234567", "+86", "+49", "301234567"},
    {"+39 06 1234 5678", "+86", "+39", "0612345678"},
    {"+39 (0)6 1234 5678", "+86", "+39", "0612345678"},
    {"+225 07 12 34 56 78", "+86", "+225", "0712345678"},
    {"+2250712345678", "+86", "+225", "0712345678"},
    {"+242 06 123 4567", "+86", "+242", "061234567"},
    {"+378 0549 123456", "+86", "+378", "0549123456"},
    {"1 202 555 0100", "+1", "+1", "2025550100"},
    {"+1 1 202 555 0100", "+86", "+1", "2025550100"},
    {"+112025550100", "+86", "+1", "2025550100"},
    /* default country codes other than +86 and +1 */
    {"7911 123456", "+44", "+44", "7911123456"},
    {"555 1234", "+852", "+852", "5551234"},
    {"12345", "+44", "+44", "12345"},
    {"12345678901234", "+7", "+7", "12345678901234"},
    {"1234567890123", "+44", "+44", "1234567890123"},
    {"612345678901", "+852", "+852", "612345678901"},
};
START_TEST(test_phone_ok)
{
    char cc[GA_CC_MAX] = "junk";
    char national[GA_NATIONAL_MAX] = "junk";
    const char *reason = NULL;

    ck_assert_int_eq(ga_parse_phone(phone_ok[_i].in, phone_ok[_i].dcc, cc,
                                    national, &reason),
                     GA_OK);
    ck_assert_str_eq(cc, phone_ok[_i].cc);
    ck_assert_str_eq(national, phone_ok[_i].national);
}
END_TEST

static const struct {
    const char *in;
    const char *dcc;
    const char *words;
} phone_bad[] = {
    {"", "+86", "Type a phone number"},
    {"   ", "+86", "Type a phone number"},
    {"- - -", "+86", "Type a phone number"},
    {"+86 ---", "+86", "Type a phone number"},
    {"+86", "+86", "Type a phone number"},
    {"+1 ", "+86", "Type a phone number"},
    {"0086", "+1", "Type a phone number"},
    {"+86 188 abcd 5678", "+86", "digits only"},
    {"188-CALL-NOW", "+86", "digits only"},
    {"188/1234/5678", "+86", "digits only"},
    {"188_1234_5678", "+86", "digits only"},
    {"+86 +188 1234", "+86", "+ only once"},
    {"188+12345678", "+86", "+ only once"},
    {"++86 188 1234 5678", "+86", "+ only once"},
    {"00+86 188 1234 5678", "+86", "+ only once"},
    {"+0 1881234567", "+86", "never starts with 0"},
    {"+086 188 1234 5678", "+86", "never starts with 0"},
    {"00086 188 1234 5678", "+86", "never starts with 0"},
    {"+ 86 188 1234 5678", "+86", "country code right after +"},
    {"+", "+86", "country code right after +"},
    {"+(86) 188 1234 5678", "+86", "country code right after +"},
    {"00 86 188 1234 5678", "+86", "country code right after +"},
    /* unknown country codes, typed or split by the table */
    {"+999 1234 5678", "+86", "Unknown country code"},
    {"+99912345678", "+86", "Unknown country code"},
    {"0099912345678", "+86", "Unknown country code"},
    {"+861 12345678901234", "+86", "Unknown country code"},
    {"+861 8812345678", "+86", "Unknown country code"},
    {"+86188 1234 5678", "+86", "Unknown country code"},
    {"+8 618812345678", "+86", "Unknown country code"},
    {"+85 2 1234 5678", "+86", "Unknown country code"},
    {"+1234 56789", "+86", "Unknown country code"},
    {"+12345 6789012", "+86", "Unknown country code"},
    {"+800 1234 5678", "+86", "Unknown country code"},
    {"+80012345678", "+86", "Unknown country code"},
    {"+379 06 698 12345", "+86", "Unknown country code"},
    {"+388 1234 5678", "+86", "Unknown country code"},
    {"+424 1234 5678", "+86", "Unknown country code"},
    {"+28 1234 5678", "+86", "Unknown country code"},
    {"+2", "+86", "Unknown country code"},
    {"+21012345678", "+86", "Unknown country code"},
    {"+69912345678", "+86", "Unknown country code"},
    /* +86: mainland China mobile numbers */
    {"+86 12345", "+1", "11 digits, starting with 1"},
    {"+86 1881234567", "+1", "11 digits, starting with 1"},
    {"+86 188123456789", "+1", "11 digits, starting with 1"},
    {"+86 28812345678", "+1", "11 digits, starting with 1"},
    {"+86 1234567890123", "+86", "11 digits, starting with 1"},
    {"12345", "+86", "11 digits, starting with 1"},
    {"1881234567", "+86", "11 digits, starting with 1"},
    {"+8610 1234 5678", "+86", "Unknown country code"},
    {"+861012345678", "+1", "11 digits, starting with 1"},
    /* +1: NANP */
    {"+1 202 555 010", "+86", "10 digits, not starting with 0 or 1"},
    {"+1 202 555 01000", "+86", "10 digits, not starting with 0 or 1"},
    {"+1 102 555 0100", "+86", "10 digits, not starting with 0 or 1"},
    {"+1 1 102 555 0100", "+86", "10 digits, not starting with 0 or 1"},
    {"+1 11 202 555 0100", "+86", "10 digits, not starting with 0 or 1"},
    {"555 1234", "+1", "10 digits, not starting with 0 or 1"},
    {"+1202555010", "+86", "10 digits, not starting with 0 or 1"},
    /* a leading trunk 0 */
    {"+44 07911 123456", "+86", "without its leading 0"},
    {"004407911123456", "+86", "without its leading 0"},
    {"07911 123456", "+44", "without its leading 0"},
    {"+44 (0)07911 123456", "+86", "without its leading 0"},
    {"+1 0202 555 0100", "+86", "without its leading 0"},
    {"+86 018812345678", "+1", "without its leading 0"},
    {"018812345678", "+86", "without its leading 0"},
    {"+49 0 30 1234567", "+86", "without its leading 0"},
    {"(0)7911 123456", "+44", "without its leading 0"},
    /* E.164 bounds elsewhere */
    {"1234", "+44", "too short"},
    {"+44 1234", "+86", "too short"},
    {"+852 1234", "+86", "too short"},
    {"123456789012345", "+44", "too long"},
    {"+852 6123456789012", "+86", "too long"},
    {"+7 123456789012345", "+86", "too long"},
    /* parentheses */
    {"+1 (202 555-0100", "+86", "parentheses"},
    {"+1 202) 555-0100", "+86", "parentheses"},
    {"(555)(123) 4567", "+1", "parentheses"},
    {"() 1234567", "+1", "parentheses"},
    {"( 555) 1234567", "+1", "parentheses"},
    {")555( 1234567", "+1", "parentheses"},
    /* the default country code must be an assigned one */
    {"18812345678", NULL, "with its country code"},
    {"18812345678", "", "with its country code"},
    {"18812345678", "86", "with its country code"},
    {"18812345678", "+0", "with its country code"},
    {"18812345678", "+086", "with its country code"},
    {"18812345678", "+12345", "with its country code"},
    {"18812345678", "+1234", "with its country code"},
    {"18812345678", "+999", "with its country code"},
    {"18812345678", "+8a", "with its country code"},
    {"18812345678", "+86 ", "with its country code"},
    {"+86 188\t1234 5678", "+86", "control characters"},
    {"+86 188 1234 5678\n", "+86", "control characters"},
    {"+86 188 1234 5678\r", "+86", "control characters"},
    {"+86 \xef\xbc\x91\xef\xbc\x98\xef\xbc\x98", "+86", "ASCII"},
    {"+86 188 1234 5678\x7f", "+86", "control characters"},
};

START_TEST(test_phone_bad)
{
    char cc[GA_CC_MAX] = "junk";
    char national[GA_NATIONAL_MAX] = "junk";
    const char *reason = NULL;

    ck_assert_int_eq(ga_parse_phone(phone_bad[_i].in, phone_bad[_i].dcc, cc,
                                    national, &reason),
                     GA_ERR_INPUT);
    assert_reason(reason, phone_bad[_i].words);
    ck_assert_str_eq(cc, "junk");
    ck_assert_str_eq(national, "junk");
}
END_TEST

START_TEST(test_phone_args)
{
    char cc[GA_CC_MAX];
    char national[GA_NATIONAL_MAX];
    const char *reason = NULL;
    char *huge = repeat('1', 64 * 1024);

    ck_assert_int_eq(ga_parse_phone(NULL, "+86", cc, national, &reason),
                     GA_ERR_INPUT);
    assert_reason(reason, "No answer");
    ck_assert_int_eq(ga_parse_phone(huge, "+86", cc, national, &reason),
                     GA_ERR_INPUT);
    assert_reason(reason, "too long");
    huge[GA_ANSWER_MAX + 1] = '\0';
    ck_assert_int_eq(ga_parse_phone(huge, "+86", cc, national, &reason),
                     GA_ERR_INPUT);
    assert_reason(reason, "answer is too long");
    huge[GA_ANSWER_MAX] = '\0'; /* the longest answer: now a long number */
    ck_assert_int_eq(ga_parse_phone(huge, "+86", cc, national, &reason),
                     GA_ERR_INPUT);
    assert_reason(reason, "number is too long");
    /* reason may be NULL */
    ck_assert_int_eq(ga_parse_phone("abc", "+86", cc, national, NULL),
                     GA_ERR_INPUT);
    ck_assert_int_eq(ga_parse_phone("188 1234 5678", "+86", cc, national, NULL),
                     GA_OK);
    free(huge);
}
END_TEST

static const char *const cc_yes[] = {
    "+1",   "+7",   "+20",  "+27",  "+30",  "+34",  "+36",  "+39",  "+40",  "+41",
    "+43",  "+44",  "+49",  "+51",  "+58",  "+60",  "+66",  "+81",  "+82",  "+84",
    "+86",  "+90",  "+95",  "+98",  "+211", "+212", "+213", "+216", "+218", "+220",
    "+225", "+234", "+258", "+260", "+269", "+290", "+291", "+297", "+299", "+350",
    "+353", "+359", "+370", "+378", "+380", "+383", "+385", "+387", "+389", "+420",
    "+421", "+423", "+500", "+509", "+590", "+599", "+670", "+672", "+683", "+685",
    "+692", "+850", "+852", "+853", "+855", "+856", "+870", "+880", "+881", "+882",
    "+883", "+886", "+960", "+968", "+970", "+977", "+992", "+996", "+998",
};

static const char *const cc_no[] = {
    "+0",   "+2",   "+3",   "+8",   "+9",   "+10",  "+11",  "+19",  "+21",  "+28",
    "+35",  "+37",  "+38",  "+42",  "+50",  "+59",  "+67",  "+80",  "+83",  "+85",
    "+87",  "+88",  "+89",  "+96",  "+97",  "+99",  "+210", "+214", "+215", "+217",
    "+219", "+259", "+280", "+289", "+292", "+296", "+379", "+384", "+388", "+422",
    "+424", "+429", "+671", "+684", "+693", "+699", "+800", "+801", "+808", "+851",
    "+854", "+857", "+871", "+874", "+878", "+884", "+887", "+888", "+889", "+890",
    "+969", "+978", "+979", "+990", "+991", "+997", "+999", "+861", "+440", "+1234",
    "+086", "86",   "",     "+",    "++86", "+86 ", " +86", "+8a",  "+١",   "+4",
};

START_TEST(test_cc_yes)
{
    ck_assert_msg(ga_phone_cc_known(cc_yes[_i]), "%s", cc_yes[_i]);
}
END_TEST

START_TEST(test_cc_no)
{
    ck_assert_msg(!ga_phone_cc_known(cc_no[_i]), "%s", cc_no[_i]);
}
END_TEST

/* The table is prefix-free (what splitting "+CCNNN..." relies on), every
 * code is 1-3 digits, and zone by zone it holds what E.164 assigns. */
START_TEST(test_cc_table_shape)
{
    char cc[8];
    int count[10] = {0};
    int total = 0;

    ck_assert(!ga_phone_cc_known(NULL));
    for (int v = 1; v <= 9999; v++) {
        snprintf(cc, sizeof cc, "+%d", v);
        if (!ga_phone_cc_known(cc))
            continue;
        ck_assert_int_lt(v, 1000);
        total++;
        count[cc[1] - '0']++;
        /* no proper prefix of a known code is known */
        for (size_t k = 2; k < strlen(cc); k++) {
            char pre[8];
            memcpy(pre, cc, k);
            pre[k] = '\0';
            ck_assert_msg(!ga_phone_cc_known(pre), "%s is a prefix of %s", pre, cc);
        }
    }
    /* zone 1: NANP; zone 7: Russia and Kazakhstan */
    ck_assert_int_eq(count[1], 1);
    ck_assert_int_eq(count[7], 1);
    ck_assert_int_eq(count[2], 2 + 3 + 1 + 1 + 39 + 10 + 2 + 3); /* 61 */
    ck_assert_int_eq(count[3], 5 + 1 + 1 + 10 + 9 + 4 + 3 + 1);  /* 34 */
    ck_assert_int_eq(count[4], 9 + 3);
    ck_assert_int_eq(count[5], 8 + 10 + 10);
    ck_assert_int_eq(count[6], 7 + 1 + 12 + 8);
    ck_assert_int_eq(count[8], 4 + 1 + 2 + 2 + 1 + 4 + 1);
    ck_assert_int_eq(count[9], 7 + 9 + 8 + 5 + 1);
    ck_assert_int_eq(total, 61 + 34 + 12 + 28 + 28 + 15 + 30 + 2); /* 210 */
}
END_TEST

/* ---- email addresses ------------------------------------------------------ */

static const char *const email_ok[] = {
    "alice@example.com",
    "a@b.co",
    "first.last@sub.example.org",
    "user+tag@example.com",
    "o'brien@example.ie",
    "x!#$%&'*+/=?^_`{|}~-y@example.com",
    "USER@EXAMPLE.COM",
    "a@xn--80ak6aa92e.com",
    "a@1.2.com",
    "a@a-b.com",
    "a@b.c.d.museum",
    "1234@163.com",
};

START_TEST(test_email_ok)
{
    const char *reason = NULL;

    ck_assert_int_eq(ga_validate_email(email_ok[_i], &reason), GA_OK);
}
END_TEST

static const struct {
    const char *in;
    const char *words;
} email_bad[] = {
    {"", "too short"},
    {"a@", "too short"},
    {"ab", "too short"},
    {"alice.example.com", "exactly one @"},
    {"a@b@example.com", "exactly one @"},
    {"@example.com", "part before the @"},
    {".alice@example.com", "misplaced dot"},
    {"alice.@example.com", "misplaced dot"},
    {"al..ice@example.com", "misplaced dot"},
    {"al ice@example.com", "spaces"},
    {" alice@example.com", "spaces"},
    {"alice@example.com ", "spaces"},
    {"al(ice@example.com", "not allowed"},
    {"al\"ice@example.com", "not allowed"},
    {"al,ice@example.com", "not allowed"},
    {"alice@example", "needs a dot"},
    {"alice@", "Type the domain"},
    {"alice@.example.com", "empty part"},
    {"alice@example..com", "empty part"},
    {"alice@example.com.", "empty part"},
    {"alice@-example.com", "start or end with -"},
    {"alice@example-.com", "start or end with -"},
    {"alice@exa_mple.com", "letters, digits"},
    {"alice@[127.0.0.1]", "letters, digits"},
    {"alice@example.c", "end in a name"},
    {"alice@example.c0m", "end in a name"},
    {"alice@example.123", "end in a name"},
    {"alice@ex\xc3\xa4mple.com", "ASCII"},
    {"alice@example.com\r", "control characters"},
    {"ali\tce@example.com", "control characters"},
};

START_TEST(test_email_bad)
{
    const char *reason = NULL;

    ck_assert_int_eq(ga_validate_email(email_bad[_i].in, &reason), GA_ERR_INPUT);
    assert_reason(reason, email_bad[_i].words);
}
END_TEST

/* local@domain with a local part of llen and a domain of about dlen
 * characters made of 50-character labels ending in ".com". */
static char *make_email(size_t llen, size_t dlen)
{
    char *s = repeat('a', llen + 1 + dlen);
    size_t pos = llen + 1;

    s[llen] = '@';
    for (size_t i = pos; i < llen + 1 + dlen; i++)
        s[i] = ((i - pos) % 51 == 50) ? '.' : 'b';
    memcpy(s + llen + 1 + dlen - 4, ".com", 4);
    return s;
}

START_TEST(test_email_lengths)
{
    const char *reason = NULL;
    char *s = make_email(64, 189); /* 254 characters: the limit */

    ck_assert_uint_eq(strlen(s), 254);
    ck_assert_int_eq(ga_validate_email(s, &reason), GA_OK);
    free(s);
    s = make_email(64, 190);
    ck_assert_int_eq(ga_validate_email(s, &reason), GA_ERR_INPUT);
    assert_reason(reason, "email address is too long");
    free(s);
    s = make_email(65, 20);
    ck_assert_int_eq(ga_validate_email(s, &reason), GA_ERR_INPUT);
    assert_reason(reason, "too long");
    free(s);
    /* a 64-character label */
    s = repeat('c', 70);
    s[0] = 'a';
    s[1] = '@';
    memcpy(s + 66, ".com", 4);
    ck_assert_int_eq(ga_validate_email(s, &reason), GA_ERR_INPUT);
    assert_reason(reason, "domain is too long");
    free(s);
    s = repeat('c', 69);
    s[0] = 'a';
    s[1] = '@';
    memcpy(s + 65, ".com", 4); /* label of 63 */
    ck_assert_int_eq(ga_validate_email(s, &reason), GA_OK);
    free(s);
}
END_TEST

START_TEST(test_email_args)
{
    const char *reason = NULL;
    char *huge = repeat('a', 64 * 1024);

    huge[10] = '@';
    ck_assert_int_eq(ga_validate_email(NULL, &reason), GA_ERR_INPUT);
    assert_reason(reason, "No answer");
    ck_assert_int_eq(ga_validate_email(huge, &reason), GA_ERR_INPUT);
    assert_reason(reason, "answer is too long");
    ck_assert_int_eq(ga_validate_email("bad", NULL), GA_ERR_INPUT);
    free(huge);
}
END_TEST

/* ---- codes ---------------------------------------------------------------- */

static const char *const code_ok[] = {"1234", "123456", "12345678", "0000",
                                      "000000"};

START_TEST(test_code_ok)
{
    const char *reason = NULL;

    ck_assert_int_eq(ga_validate_code(code_ok[_i], &reason), GA_OK);
}
END_TEST

static const struct {
    const char *in;
    const char *words;
} code_bad[] = {
    {"", "Type the code"},
    {"123", "4 to 8 digits"},
    {"123456789", "4 to 8 digits"},
    {"12 34", "digits only"},
    {"12a4", "digits only"},
    {" 1234", "digits only"},
    {"1234 ", "digits only"},
    {"-123", "digits only"},
    {"+1234", "digits only"},
    {"12.4", "digits only"},
    {"\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93\xef\xbc\x94", "ASCII"},
    {"1234\xff", "ASCII"},
    {"1234\n", "control characters"},
    {"12\t34", "control characters"},
    {"\x1b[A1234", "control characters"},
};

START_TEST(test_code_bad)
{
    const char *reason = NULL;

    ck_assert_int_eq(ga_validate_code(code_bad[_i].in, &reason), GA_ERR_INPUT);
    assert_reason(reason, code_bad[_i].words);
}
END_TEST

/* ga_code_compact: the groups an authenticator app shows ("123 456") */
static const struct {
    const char *in, *out;
} compact[] = {
    {"123 456", "123456"},
    {"12 34 56", "123456"},
    {"1234 5678", "12345678"},
    {"123456", "123456"},
    {"123  456", "123  456"}, /* two spaces: left, refused later */
    {" 123456", " 123456"},   /* leading space: left (the caller trims) */
    {"123456 ", "123456 "},
    {"123 45a", "123 45a"},
    {"12-34", "12-34"},
    {"", ""},
    {"abc def", "abc def"},
};

START_TEST(test_code_compact)
{
    char buf[32];

    snprintf(buf, sizeof buf, "%s", compact[_i].in);
    ga_code_compact(buf);
    ck_assert_str_eq(buf, compact[_i].out);
}
END_TEST

START_TEST(test_code_compact_then_valid)
{
    char buf[] = "123 456";
    const char *reason = NULL;

    ck_assert_int_eq(ga_validate_code(buf, &reason), GA_ERR_INPUT);
    ga_code_compact(buf);
    ck_assert_int_eq(ga_validate_code(buf, &reason), GA_OK);
    ga_code_compact(NULL); /* accepted */
}
END_TEST

START_TEST(test_code_args)
{
    const char *reason = NULL;
    char *huge = repeat('1', 64 * 1024);

    ck_assert_int_eq(ga_validate_code(NULL, &reason), GA_ERR_INPUT);
    assert_reason(reason, "No answer");
    ck_assert_int_eq(ga_validate_code(huge, &reason), GA_ERR_INPUT);
    assert_reason(reason, "answer is too long");
    huge[GA_ANSWER_MAX] = '\0';
    ck_assert_int_eq(ga_validate_code(huge, &reason), GA_ERR_INPUT);
    assert_reason(reason, "4 to 8 digits");
    ck_assert_int_eq(ga_validate_code("12", NULL), GA_ERR_INPUT);
    free(huge);
}
END_TEST

/* ---- menu ----------------------------------------------------------------- */

static const ga_factor_t two[] = {GA_FACTOR_SMS, GA_FACTOR_EMAIL};
static const ga_factor_t one[] = {GA_FACTOR_EMAIL};

static const struct {
    const char *in;
    int want;
} menu_two[] = {
    {"1", 0}, {"2", 1}, {"01", 0}, {"sms", 0}, {"SMS", 0}, {"Sms", 0},
    {"email", 1}, {"Email", 1}, {"EMAIL", 1},
    {"0", -1}, {"3", -1}, {"-1", -1}, {"1.0", -1}, {" 1", -1}, {"1 ", -1},
    {"otp", -1}, {"face", -1}, {"text", -1}, {"", -1}, {"smsx", -1},
    {"sm", -1}, {"1\n", -1}, {"99999999999999999999", -1}, {"+1", -1},
    {"e-mail", -1}, {"\xc3\xa9mail", -1}, {"UNKNOWN", -1},
};

START_TEST(test_menu_two)
{
    const char *reason = NULL;
    int got = ga_parse_menu_choice(menu_two[_i].in, two, N(two), &reason);

    ck_assert_int_eq(got, menu_two[_i].want);
    if (got < 0)
        assert_reason(reason, "");
}
END_TEST

START_TEST(test_menu_reasons)
{
    const char *reason = NULL;

    ck_assert_int_eq(ga_parse_menu_choice("3", two, 2, &reason), -1);
    assert_reason(reason, "not in the menu");
    ck_assert_int_eq(ga_parse_menu_choice("otp", two, 2, &reason), -1);
    assert_reason(reason, "not offered");
    ck_assert_int_eq(ga_parse_menu_choice("hello", two, 2, &reason), -1);
    assert_reason(reason, "Type a number from the menu or a factor name.");
    ck_assert_int_eq(ga_parse_menu_choice("1\r", two, 2, &reason), -1);
    assert_reason(reason, "control characters");
}
END_TEST

START_TEST(test_menu_one)
{
    const char *reason = NULL;

    ck_assert_int_eq(ga_parse_menu_choice("1", one, 1, &reason), 0);
    ck_assert_int_eq(ga_parse_menu_choice("email", one, 1, &reason), 0);
    ck_assert_int_eq(ga_parse_menu_choice("2", one, 1, &reason), -1);
    assert_reason(reason, "not in the menu");
    ck_assert_int_eq(ga_parse_menu_choice("sms", one, 1, &reason), -1);
    assert_reason(reason, "not offered");
}
END_TEST

START_TEST(test_menu_args)
{
    const char *reason = NULL;
    char *huge = repeat('1', 64 * 1024);

    ck_assert_int_eq(ga_parse_menu_choice(NULL, two, 2, &reason), -1);
    assert_reason(reason, "No answer");
    ck_assert_int_eq(ga_parse_menu_choice("1", NULL, 2, &reason), -1);
    assert_reason(reason, "nothing to choose");
    ck_assert_int_eq(ga_parse_menu_choice("1", two, 0, &reason), -1);
    assert_reason(reason, "nothing to choose");
    ck_assert_int_eq(ga_parse_menu_choice(huge, two, 2, &reason), -1);
    assert_reason(reason, "answer is too long");
    ck_assert_int_eq(ga_parse_menu_choice("9", two, 2, NULL), -1);
    free(huge);
}
END_TEST

/* ---- trim ----------------------------------------------------------------- */

static const struct {
    const char *in;
    const char *want;
} trims[] = {
    {"  abc  ", "abc"}, {"\tabc\t", "abc"}, {"abc", "abc"}, {"", ""},
    {"   ", ""}, {" \t \t", ""}, {" a b ", "a b"}, {"\nabc\n", "\nabc\n"},
    {"x", "x"}, {" x", "x"}, {"x ", "x"},
};

START_TEST(test_trim)
{
    char buf[32];

    strcpy(buf, trims[_i].in);
    ck_assert_ptr_eq(ga_trim(buf), buf);
    ck_assert_str_eq(buf, trims[_i].want);
}
END_TEST

START_TEST(test_trim_null_and_long)
{
    char *s = repeat(' ', 64 * 1024);

    ck_assert_ptr_null(ga_trim(NULL));
    s[100] = 'z';
    ck_assert_ptr_eq(ga_trim(s), s);
    ck_assert_str_eq(s, "z");
    free(s);
}
END_TEST

static Suite *validate_suite(void)
{
    Suite *s = suite_create("validate");
    TCase *tc = tcase_create("phone");

    tcase_add_loop_test(tc, test_phone_ok, 0, N(phone_ok));
    tcase_add_loop_test(tc, test_phone_bad, 0, N(phone_bad));
    tcase_add_test(tc, test_phone_args);
    tcase_add_loop_test(tc, test_cc_yes, 0, N(cc_yes));
    tcase_add_loop_test(tc, test_cc_no, 0, N(cc_no));
    tcase_add_test(tc, test_cc_table_shape);
    suite_add_tcase(s, tc);

    tc = tcase_create("email");
    tcase_add_loop_test(tc, test_email_ok, 0, N(email_ok));
    tcase_add_loop_test(tc, test_email_bad, 0, N(email_bad));
    tcase_add_test(tc, test_email_lengths);
    tcase_add_test(tc, test_email_args);
    suite_add_tcase(s, tc);

    tc = tcase_create("code");
    tcase_add_loop_test(tc, test_code_ok, 0, N(code_ok));
    tcase_add_loop_test(tc, test_code_bad, 0, N(code_bad));
    tcase_add_loop_test(tc, test_code_compact, 0, N(compact));
    tcase_add_test(tc, test_code_compact_then_valid);
    tcase_add_test(tc, test_code_args);
    suite_add_tcase(s, tc);

    tc = tcase_create("menu");
    tcase_add_loop_test(tc, test_menu_two, 0, N(menu_two));
    tcase_add_test(tc, test_menu_reasons);
    tcase_add_test(tc, test_menu_one);
    tcase_add_test(tc, test_menu_args);
    suite_add_tcase(s, tc);

    tc = tcase_create("trim");
    tcase_add_loop_test(tc, test_trim, 0, N(trims));
    tcase_add_test(tc, test_trim_null_and_long);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(validate_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
