/* ga_args.c - PAM module arguments (see ga_args.h). Fails closed: an
 * unknown, empty, repeated or contradictory argument is an error, so a typo
 * in a security option never silently changes behaviour. */
#include "config.h"

#include "ga_args.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "ga_text.h"

/* Longest piece of an offending argument quoted in an error. */
#define ARG_QUOTE_MAX 48

static const char *const step_names[] = {
    [GA_STEP_BOTH] = "both",
    [GA_STEP_REQUEST] = "request",
    [GA_STEP_BIND] = "bind",
};

const char *ga_step_name(ga_step_t step)
{
    if ((unsigned)step >= sizeof step_names / sizeof step_names[0])
        return "both";
    return step_names[step];
}

/* Parsing state beyond ga_args_t: which options were seen. */
struct seen {
    int conf;
    int step;
    int try_first_pass;
    int use_first_pass;
};

/* err = "<what> \"<sanitised arg>\"<tail>". */
static ga_status_t arg_error(char *err, size_t errlen, const char *what,
                             const char *arg, const char *tail)
{
    char quoted[ARG_QUOTE_MAX + 1];

    if (err && errlen > 0) {
        (void)ga_sanitize(arg, arg ? strlen(arg) : 0, quoted, sizeof quoted);
        (void)snprintf(err, errlen, "%s \"%s\"%s", what, quoted, tail);
    }
    return GA_ERR_CONFIG;
}

static int has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 1;
    return 0;
}

static ga_status_t parse_conf(const char *arg, const char *val, struct seen *seen,
                              ga_args_t *out, char *err, size_t errlen)
{
    if (seen->conf++)
        return arg_error(err, errlen, "module argument", arg,
                         " repeats conf=; give it once");
    if (*val == '\0')
        return arg_error(err, errlen, "module argument", arg,
                         " has an empty value; give an absolute path");
    if (*val != '/')
        return arg_error(err, errlen, "module argument", arg,
                         " is not an absolute path");
    if (strlen(val) >= PATH_MAX)
        return arg_error(err, errlen, "module argument", arg,
                         " is longer than PATH_MAX");
    if (has_control(val))
        return arg_error(err, errlen, "module argument", arg,
                         " contains control characters");
    out->conf_path = val;
    return GA_OK;
}

static ga_status_t parse_step(const char *arg, const char *val, struct seen *seen,
                              ga_args_t *out, char *err, size_t errlen)
{
    if (seen->step++)
        return arg_error(err, errlen, "module argument", arg,
                         " repeats step=; give it once");
    for (size_t i = 0; i < sizeof step_names / sizeof step_names[0]; i++) {
        if (strcmp(val, step_names[i]) == 0) {
            out->step = (ga_step_t)i;
            return GA_OK;
        }
    }
    return arg_error(err, errlen, "module argument", arg,
                     " is invalid; use step=both, step=request or step=bind");
}

static ga_status_t parse_one(const char *arg, struct seen *seen, ga_args_t *out,
                             char *err, size_t errlen)
{
    if (!arg)
        return arg_error(err, errlen, "module argument", "(null)", " is invalid");
    if (strcmp(arg, "debug") == 0) {
        out->debug = 1;
        return GA_OK;
    }
    if (strcmp(arg, "try_first_pass") == 0) {
        seen->try_first_pass = 1;
        out->use_first_pass = 0;
        return GA_OK;
    }
    if (strcmp(arg, "use_first_pass") == 0) {
        seen->use_first_pass = 1;
        out->use_first_pass = 1;
        return GA_OK;
    }
    if (strncmp(arg, "conf=", 5) == 0)
        return parse_conf(arg, arg + 5, seen, out, err, errlen);
    if (strncmp(arg, "step=", 5) == 0)
        return parse_step(arg, arg + 5, seen, out, err, errlen);
    return arg_error(err, errlen, "unknown module argument", arg, "");
}

ga_status_t ga_args_parse(int argc, const char **argv, ga_args_t *out,
                          char *err, size_t errlen)
{
    struct seen seen = {0, 0, 0, 0};
    ga_status_t rc = GA_ERR_CONFIG;

    if (err && errlen > 0)
        err[0] = '\0';
    if (!out)
        return GA_ERR_INTERNAL;
    memset(out, 0, sizeof *out);
    out->conf_path = GA_DEFAULT_CONF;
    out->step = GA_STEP_BOTH;
    if (argc < 0 || (argc > 0 && !argv)) {
        if (err && errlen > 0)
            (void)snprintf(err, errlen, "module arguments are malformed");
        goto out;
    }
    for (int i = 0; i < argc; i++) {
        rc = parse_one(argv[i], &seen, out, err, errlen);
        if (rc != GA_OK)
            goto out;
    }
    if (seen.try_first_pass && seen.use_first_pass) {
        if (err && errlen > 0)
            (void)snprintf(err, errlen,
                           "module arguments try_first_pass and use_first_pass "
                           "contradict each other; give one");
        rc = GA_ERR_CONFIG;
        goto out;
    }
    rc = GA_OK;
out:
    if (rc != GA_OK) {
        memset(out, 0, sizeof *out);
        out->conf_path = GA_DEFAULT_CONF;
        out->step = GA_STEP_BOTH;
    }
    return rc;
}
