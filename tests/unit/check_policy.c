/* check_policy.c - unit tests for ga_policy: pattern lists (fnmatch, "!"
 * negation) and the who/where decision, table-driven. Configs are built
 * in memory; the pattern lists are borrowed string literals. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ga_config.h"
#include "ga_policy.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define L(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NONE ((const char *const[]){NULL})

/* A ga_strlist_t over a NULL-terminated array of literals. */
static ga_strlist_t list_of(const char *const *v)
{
    ga_strlist_t l = {(char **)v, 0};

    while (v && v[l.n])
        l.n++;
    if (l.n == 0)
        l.v = NULL;
    return l;
}

/* ---- ga_pattern_match_list ------------------------------------------- */

static const struct {
    const char *name;
    const char *const *list;
    int want;
} match_rows[] = {
    {"alice", L("*"), 1},
    {"alice", L("alice"), 1},
    {"alice", L("alic"), 0},                 /* whole name, not a prefix */
    {"alice", L("lice"), 0},
    {"alice", L("Alice"), 0},                /* case-sensitive */
    {"alice", L("a*"), 1},
    {"alice", L("*e"), 1},
    {"alice", L("a?ice"), 1},
    {"alice", L("a?ce"), 0},
    {"alice", L("[ab]lice"), 1},
    {"alice", L("[!a]lice"), 0},             /* bracket negation is fnmatch's */
    {"blice", L("[!a]lice"), 1},
    {"alice", L("bob", "carol"), 0},
    {"alice", L("bob", "alice"), 1},
    {"alice", NONE, 0},                      /* empty list: nothing matches */
    {"alice", L("!alice"), -1},
    {"alice", L("!bob"), 0},                 /* only negations: no positive match */
    {"alice", L("*", "!alice"), -1},         /* negation wins ... */
    {"alice", L("!alice", "*"), -1},         /* ... whatever the order */
    {"alice", L("alice", "!alice"), -1},
    {"alice", L("*", "!a*"), -1},
    {"alice", L("*", "!b*"), 1},
    {"alice", L("*", "!?lice"), -1},
    {"svc-web", L("*", "!svc-*"), -1},
    {"svcweb", L("*", "!svc-*"), 1},
    {"", L("*"), 1},                         /* fnmatch: "*" matches "" */
    {"", L("?"), 0},
    {".hidden", L("*"), 1},                  /* no FNM_PERIOD */
    {"a/b", L("a*"), 1},                     /* no FNM_PATHNAME */
    {"a*b", L("a\\*b"), 1},                  /* backslash escapes */
    {"axb", L("a\\*b"), 0},
    {"!bang", L("!bang"), 0},                /* "!bang" is a negation of "bang" */
    {"!bang", L("\\!bang"), 1},              /* escaped: the literal name */
    {"!bang", L("!!bang"), -1},              /* a negation of "!bang" */
    {"[x", L("[x"), 1},                      /* an unclosed bracket is literal */
    {"sshd", L("ssh?", "!sshd"), -1},
    {"sudo", L("ssh?", "!sshd"), 0},
};

START_TEST(test_match_rows)
{
    ga_strlist_t l = list_of(match_rows[_i].list);

    ck_assert_msg(ga_pattern_match_list(match_rows[_i].name, &l) == match_rows[_i].want,
                  "row %d: \"%s\" got %d want %d", _i, match_rows[_i].name,
                  ga_pattern_match_list(match_rows[_i].name, &l), match_rows[_i].want);
}
END_TEST

START_TEST(test_match_null)
{
    ga_strlist_t l = list_of(L("*"));
    static char alice[] = "alice";
    ga_strlist_t holes = {(char *[]){NULL, alice}, 2};

    ck_assert_int_eq(ga_pattern_match_list(NULL, &l), 0);
    ck_assert_int_eq(ga_pattern_match_list("alice", NULL), 0);
    ck_assert_int_eq(ga_pattern_match_list("alice", &holes), 1); /* a NULL entry is skipped */
    l.n = 5;
    l.v = NULL;
    ck_assert_int_eq(ga_pattern_match_list("alice", &l), 0);
}
END_TEST

/* ---- ga_policy_decide ------------------------------------------------ */

/* A row: the five lists (NULL = the config default), the user, the
 * service (NULL = none), the user's groups, and the expected decision. */
struct row {
    const char *const *users, *const *groups, *const *bypass, *const *services,
        *const *nonint;
    const char *user, *service;
    const char *const *ugroups;
    ga_policy_t want;
};

#define STAR L("*")

static const struct row rows[] = {
    /* defaults: everyone, everywhere */
    {NULL, NULL, NULL, NULL, NULL, "alice", "sshd", NONE, GA_POLICY_ASK},
    {NULL, NULL, NULL, NULL, NULL, "root", "login", L("root"), GA_POLICY_ASK},
    {NULL, NULL, NULL, NULL, NULL, "alice", NULL, NONE, GA_POLICY_ASK},
    /* users */
    {L("alice", "bob"), NULL, NULL, NULL, NULL, "alice", "sshd", NONE, GA_POLICY_ASK},
    {L("alice", "bob"), NULL, NULL, NULL, NULL, "carol", "sshd", NONE, GA_POLICY_USER},
    {L("*", "!root"), NULL, NULL, NULL, NULL, "root", "sshd", NONE, GA_POLICY_USER},
    {L("*", "!root"), NULL, NULL, NULL, NULL, "rooty", "sshd", NONE, GA_POLICY_ASK},
    {L("*", "!svc-*"), NULL, NULL, NULL, NULL, "svc-backup", "sshd", NONE, GA_POLICY_USER},
    {L("emp?"), NULL, NULL, NULL, NULL, "emp1", "sshd", NONE, GA_POLICY_ASK},
    {L("emp?"), NULL, NULL, NULL, NULL, "emp12", "sshd", NONE, GA_POLICY_USER},
    {NONE, NULL, NULL, NULL, NULL, "alice", "sshd", NONE, GA_POLICY_USER},
    /* services */
    {NULL, NULL, NULL, L("sshd", "sudo"), NULL, "alice", "sudo", NONE, GA_POLICY_ASK},
    {NULL, NULL, NULL, L("sshd", "sudo"), NULL, "alice", "su", NONE, GA_POLICY_SERVICE},
    {NULL, NULL, NULL, L("*", "!cron"), NULL, "alice", "cron", NONE, GA_POLICY_SERVICE},
    {NULL, NULL, NULL, L("*", "!*lock*"), NULL, "alice", "xscreensaver-lock", NONE,
     GA_POLICY_SERVICE},
    {NULL, NULL, NULL, L("*", "!*lock*"), NULL, "alice", "sshd", NONE, GA_POLICY_ASK},
    {NULL, NULL, NULL, L("ssh*"), NULL, "alice", "sshd-mfatest", NONE, GA_POLICY_ASK},
    /* no service name: only the default {"*"} lets it through */
    {NULL, NULL, NULL, L("sshd"), NULL, "alice", NULL, NONE, GA_POLICY_SERVICE},
    {NULL, NULL, NULL, L("*", "!cron"), NULL, "alice", NULL, NONE, GA_POLICY_SERVICE},
    {NULL, NULL, NULL, L("*", "*"), NULL, "alice", NULL, NONE, GA_POLICY_SERVICE},
    {NULL, NULL, NULL, STAR, NULL, "alice", NULL, NONE, GA_POLICY_ASK},
    /* groups: primary and supplementary alike */
    {NULL, L("genauth"), NULL, NULL, NULL, "alice", "sshd", L("alice", "genauth"), GA_POLICY_ASK},
    {NULL, L("genauth"), NULL, NULL, NULL, "alice", "sshd", L("genauth"), GA_POLICY_ASK},
    {NULL, L("genauth"), NULL, NULL, NULL, "alice", "sshd", L("alice", "users"), GA_POLICY_GROUP},
    {NULL, L("genauth"), NULL, NULL, NULL, "alice", "sshd", NONE, GA_POLICY_GROUP},
    {NULL, L("gen*"), NULL, NULL, NULL, "alice", "sshd", L("users", "genauth-eu"), GA_POLICY_ASK},
    {NULL, L("*", "!wheel"), NULL, NULL, NULL, "alice", "sshd", L("users"), GA_POLICY_ASK},
    /* a user in a negated group is out, whatever other group matches */
    {NULL, L("*", "!wheel"), NULL, NULL, NULL, "alice", "sshd", L("users", "wheel"),
     GA_POLICY_GROUP},
    {NULL, L("*", "!wheel"), NULL, NULL, NULL, "alice", "sshd", L("wheel", "users"),
     GA_POLICY_GROUP},
    {NULL, L("staff", "!contractors"), NULL, NULL, NULL, "alice", "sshd",
     L("staff", "contractors"), GA_POLICY_GROUP},
    {NULL, L("staff", "!contractors"), NULL, NULL, NULL, "alice", "sshd", L("staff", "dev"),
     GA_POLICY_ASK},
    /* an unknown user (no groups) matches no group, not even "*" */
    {NULL, STAR, NULL, NULL, NULL, "ghost", "sshd", NONE, GA_POLICY_GROUP},
    /* groups given but no group condition: ignored */
    {NULL, NONE, NULL, NULL, NULL, "alice", "sshd", L("wheel"), GA_POLICY_ASK},
    /* bypass_users comes first, over every other rule */
    {NULL, NULL, L("breakglass"), NULL, NULL, "breakglass", "sshd", NONE, GA_POLICY_BYPASS},
    {NULL, NULL, L("breakglass"), NULL, NULL, "alice", "sshd", NONE, GA_POLICY_ASK},
    {L("nobody"), L("none"), L("root", "bg-*"), L("none"), L("*"), "bg-1", "sshd", NONE,
     GA_POLICY_BYPASS},
    {NULL, NULL, L("*", "!alice"), NULL, NULL, "alice", "sshd", NONE, GA_POLICY_ASK},
    {NULL, NULL, L("*", "!alice"), NULL, NULL, "bob", "sshd", NONE, GA_POLICY_BYPASS},
    /* order: services before users before groups before noninteractive */
    {L("nobody"), NULL, NULL, L("none"), NULL, "alice", "sshd", NONE, GA_POLICY_SERVICE},
    {L("nobody"), L("none"), NULL, NULL, NULL, "alice", "sshd", NONE, GA_POLICY_USER},
    {NULL, L("none"), NULL, NULL, L("sshd"), "alice", "sshd", NONE, GA_POLICY_GROUP},
    {L("nobody"), NULL, NULL, NULL, L("sshd"), "alice", "sshd", NONE, GA_POLICY_USER},
    {NULL, NULL, NULL, L("sudo"), L("sshd"), "alice", "sshd", NONE, GA_POLICY_SERVICE},
    /* noninteractive_services */
    {NULL, NULL, NULL, NULL, L("cron", "sftp*"), "alice", "cron", NONE,
     GA_POLICY_NONINTERACTIVE},
    {NULL, NULL, NULL, NULL, L("cron", "sftp*"), "alice", "sftp-server", NONE,
     GA_POLICY_NONINTERACTIVE},
    {NULL, NULL, NULL, NULL, L("cron", "sftp*"), "alice", "sshd", NONE, GA_POLICY_ASK},
    {NULL, NULL, NULL, NULL, L("*", "!sshd"), "alice", "sshd", NONE, GA_POLICY_ASK},
    {NULL, NULL, NULL, NULL, L("*", "!sshd"), "alice", "sudo", NONE, GA_POLICY_NONINTERACTIVE},
    {NULL, NULL, NULL, NULL, STAR, "alice", NULL, NONE, GA_POLICY_ASK}, /* needs a name */
    {NULL, NULL, L("root"), NULL, STAR, "root", "cron", NONE, GA_POLICY_BYPASS},
};

static void set(ga_strlist_t *dst, const char *const *v, const char *const *def)
{
    *dst = list_of(v ? v : def);
}

START_TEST(test_decide_rows)
{
    const struct row *r = &rows[_i];
    ga_config_t c;
    size_t ng = 0;
    ga_policy_t got;

    memset(&c, 0, sizeof c);
    set(&c.users, r->users, STAR);
    set(&c.groups, r->groups, NONE);
    set(&c.bypass_users, r->bypass, NONE);
    set(&c.services, r->services, STAR);
    set(&c.noninteractive_services, r->nonint, NONE);
    while (r->ugroups[ng])
        ng++;
    got = ga_policy_decide(&c, r->user, r->service, r->ugroups, ng);
    ck_assert_msg(got == r->want, "row %d (user %s service %s): got %s, want %s", _i, r->user,
                  r->service ? r->service : "(none)", ga_policy_name(got),
                  ga_policy_name(r->want));
}
END_TEST

/* n_groups bounds what is read; NULL groups with a count is no groups */
START_TEST(test_decide_group_count)
{
    const char *ug[] = {"users", "wheel"};
    ga_config_t c;

    memset(&c, 0, sizeof c);
    c.users = list_of(STAR);
    c.services = list_of(STAR);
    c.groups = list_of(L("*", "!wheel"));
    ck_assert_int_eq(ga_policy_decide(&c, "alice", "sshd", ug, 2), GA_POLICY_GROUP);
    ck_assert_int_eq(ga_policy_decide(&c, "alice", "sshd", ug, 1), GA_POLICY_ASK);
    ck_assert_int_eq(ga_policy_decide(&c, "alice", "sshd", ug, 0), GA_POLICY_GROUP);
    ck_assert_int_eq(ga_policy_decide(&c, "alice", "sshd", NULL, 3), GA_POLICY_GROUP);
}
END_TEST

/* regression: the decision without groups, made before the group lookup */
START_TEST(test_early)
{
    ga_config_t c;

    memset(&c, 0, sizeof c);
    c.users = list_of(L("*", "!svc-*"));
    c.services = list_of(L("sshd", "sudo"));
    c.groups = list_of(L("genauth"));
    c.bypass_users = list_of(L("breakglass"));
    c.noninteractive_services = list_of(L("sudo"));
    ck_assert_int_eq(ga_policy_early(&c, "breakglass", "sshd"), GA_POLICY_BYPASS);
    ck_assert_int_eq(ga_policy_early(&c, "breakglass", "cron"), GA_POLICY_BYPASS);
    ck_assert_int_eq(ga_policy_early(&c, "alice", "cron"), GA_POLICY_SERVICE);
    ck_assert_int_eq(ga_policy_early(&c, "svc-backup", "sshd"), GA_POLICY_USER);
    /* groups and noninteractive_services are left to ga_policy_decide */
    ck_assert_int_eq(ga_policy_early(&c, "alice", "sshd"), GA_POLICY_ASK);
    ck_assert_int_eq(ga_policy_early(&c, "alice", "sudo"), GA_POLICY_ASK);
    ck_assert_int_eq(ga_policy_decide(&c, "alice", "sshd", NULL, 0), GA_POLICY_GROUP);
    ck_assert_int_eq(ga_policy_early(NULL, "alice", "sshd"), GA_POLICY_ASK);
}
END_TEST

START_TEST(test_decide_null)
{
    ga_config_t c;

    memset(&c, 0, sizeof c);
    c.users = list_of(STAR);
    c.services = list_of(STAR);
    /* a NULL user matches no list: out of users, never bypassed */
    c.bypass_users = list_of(STAR);
    ck_assert_int_eq(ga_policy_decide(&c, NULL, "sshd", NULL, 0), GA_POLICY_USER);
    /* no config: nobody is let off */
    ck_assert_int_eq(ga_policy_decide(NULL, "alice", "sshd", NULL, 0), GA_POLICY_ASK);
}
END_TEST

START_TEST(test_names)
{
    static const ga_policy_t all[] = {GA_POLICY_ASK, GA_POLICY_BYPASS, GA_POLICY_SERVICE,
                                      GA_POLICY_USER, GA_POLICY_GROUP,
                                      GA_POLICY_NONINTERACTIVE};

    ck_assert_str_eq(ga_policy_name(GA_POLICY_ASK), "in scope");
    ck_assert_str_eq(ga_policy_name(GA_POLICY_BYPASS), "break-glass user (bypass_users)");
    ck_assert_str_eq(ga_policy_name(GA_POLICY_SERVICE), "service not in services");
    ck_assert_str_eq(ga_policy_name(GA_POLICY_USER), "user not in users");
    ck_assert_str_eq(ga_policy_name(GA_POLICY_GROUP), "groups of the user not in groups");
    ck_assert_str_eq(ga_policy_name(GA_POLICY_NONINTERACTIVE),
                     "non-interactive service (noninteractive_services)");
    ck_assert_str_eq(ga_policy_name((ga_policy_t)99), "unknown policy");
    for (int i = 0; i < N(all); i++) {
        const char *n = ga_policy_name(all[i]);

        ck_assert_uint_lt(strlen(n), 60); /* fits a log line */
        for (int j = 0; j < i; j++)
            ck_assert_str_ne(n, ga_policy_name(all[j]));
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("policy");
    TCase *tc = tcase_create("match");
    SRunner *sr;
    int failed;

    tcase_add_loop_test(tc, test_match_rows, 0, N(match_rows));
    tcase_add_test(tc, test_match_null);
    suite_add_tcase(s, tc);
    tc = tcase_create("decide");
    tcase_add_loop_test(tc, test_decide_rows, 0, N(rows));
    tcase_add_test(tc, test_decide_group_count);
    tcase_add_test(tc, test_decide_null);
    tcase_add_test(tc, test_early);
    tcase_add_test(tc, test_names);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
