/* ga_enroll_otp.c - enrolling an authenticator app (OTP): POST
 * /api/v3/send-enroll-factor-request {factorType OTP}, the QR code, the
 * secret, the recovery code, then the first code and POST
 * /api/v3/enroll-factor (genauth-api.md section 4; RFC 6238 codes).
 *
 * The secret, the otpauth:// URI, the recovery code and the QR drawing are
 * shown once and wiped; only the enrollmentToken and the number of digits
 * stay in the stash (never in state_dir). None of them is ever logged. */
#include "config.h"

#include "ga_enroll.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ga_msg.h"
#include "ga_otpauth.h"
#include "ga_qr.h"
#include "ga_secret.h"
#include "ga_text.h"
#include "ga_validate.h"

#define TEXT_EXTRA 2048     /* bytes of text around the QR drawing */
#define LABEL_SHOWN 61      /* bytes of issuer / account shown, NUL included */
#define GROUPED_MAX (GA_OTP_SECRET_MAX + GA_OTP_SECRET_MAX / 4 + 1)
#define KEY_LINE 40         /* 8 groups of "ABCD " per line */
#define RECOVERY_LINE 64    /* recovery code characters per line */

/* A growing text that holds secrets: wiped when released. */
typedef struct text {
    char *p;
    size_t len, cap;
} text_t;

static void put(text_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(text_t *t, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (t->len + 1 >= t->cap)
        return;
    va_start(ap, fmt);
    n = vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        t->len = (size_t)n < t->cap - t->len ? t->len + (size_t)n : t->cap - 1;
}

/* s in lines of at most `width` characters, each indented by two spaces. */
static void put_wrapped(text_t *t, const char *s, size_t width)
{
    size_t n = strlen(s);

    while (n > 0) {
        size_t take = n < width ? n : width;
        size_t shown = take;

        while (shown > 0 && s[shown - 1] == ' ')
            shown--;
        put(t, "  %.*s\n", (int)shown, s);
        s += take;
        n -= take;
    }
}

/* An issuer or account for display: printable ASCII in en-US (others
 * become '?'); UTF-8 as given in other languages; cut (at a character
 * boundary, "...") to fit LABEL_SHOWN so lines stay within 80 columns. */
static void show_label(const ga_flow_env_t *env, const char *in, char *out, size_t outlen)
{
    size_t n = strlen(in);

    if (!env->cfg->lang || strcmp(env->cfg->lang, "en-US") == 0) {
        ga_sanitize(in, n, out, outlen);
        return;
    }
    if (n < outlen) {
        memcpy(out, in, n + 1);
        return;
    }
    n = outlen - 4;
    while (n > 0 && ((unsigned char)in[n] & 0xc0) == 0x80)
        n--;
    snprintf(out, outlen, "%.*s...", (int)n, in);
}

static int recovery_ok(const char *s)
{
    size_t n = 0;

    for (; s[n]; n++)
        if (n >= GA_RECOVERY_MAX || (unsigned char)s[n] <= 0x20 || (unsigned char)s[n] >= 0x7f)
            return 0;
    return n > 0;
}

/* Draw the QR code, or NULL (qr = off, or a drawing error: logged). */
static char *draw_qr(const ga_flow_env_t *env, const char *uri)
{
    char *qr = NULL;
    ga_status_t rc;

    if (env->cfg->qr == GA_QR_OFF)
        return NULL;
    rc = ga_qr_render(uri, env->cfg->qr, &qr);
    if (rc != GA_OK) {
        ga_log(env->lg, LOG_WARNING,
               "user %s from %s: could not draw the OTP QR code (%s); showing the key only",
               env->user, ga_flow_rhost(env), ga_status_name(rc));
        ga_free_secret(qr);
        return NULL;
    }
    return qr;
}

/* Show the QR code, key, issuer, account and recovery code in as few
 * messages as ga_ui_show needs. */
static ga_status_t show_key(const ga_flow_env_t *env, const ga_otpauth_t *oa,
                            const ga_otp_data_t *otp)
{
    char grouped[GROUPED_MAX], label[LABEL_SHOWN];
    char *qr = draw_qr(env, otp->qr_uri);
    text_t t = {0};
    ga_status_t rc = GA_ERR_NOMEM;

    t.cap = (qr ? strlen(qr) : 0) + TEXT_EXTRA;
    if (!(t.p = malloc(t.cap)))
        goto out;
    t.p[0] = '\0';
    put(&t, "%s\n", GA_T(env, "Set up your authenticator app (for example Google "
                              "Authenticator,\nMicrosoft Authenticator or FreeOTP)."));
    if (qr)
        put(&t, "%s\n%s", GA_T(env, "Scan this QR code with the app:"), qr);
    if (ga_otpauth_group(oa->secret, grouped, sizeof grouped) != 0)
        goto out; /* cannot happen: the buffer fits the longest secret */
    /* "Or" only after a QR code (qr = off, or a QR that could not be drawn) */
    put(&t, "%s\n", qr ? GA_T(env, "Or enter this key by hand:")
                       : GA_T(env, "Enter this key in the app by hand:"));
    put_wrapped(&t, grouped, KEY_LINE);
    put(&t, GA_T(env, "Time-based (TOTP), %d digits, every %d seconds."), oa->digits,
        oa->period);
    put(&t, "\n");
    if (oa->issuer[0]) {
        show_label(env, oa->issuer, label, sizeof label);
        put(&t, GA_T(env, "Issuer: %s"), label);
        put(&t, "\n");
    }
    if (oa->account[0]) {
        show_label(env, oa->account, label, sizeof label);
        put(&t, GA_T(env, "Account: %s"), label);
        put(&t, "\n");
    }
    if (otp->recovery_code) {
        put(&t, "%s\n", GA_T(env, "Recovery code:"));
        put_wrapped(&t, otp->recovery_code, RECOVERY_LINE);
        put(&t, "%s\n", GA_T(env, "Store this recovery code somewhere safe; it is shown "
                                  "only once."));
    }
    ga_ui_show(env->ui, GA_UI_NEEDED, t.p); /* shown even under PAM_SILENT */
    ga_log(env->lg, LOG_INFO,
           "user %s from %s: OTP enrollment started: key shown (QR code %s, %d digits, "
           "%ds, recovery code %s)", env->user, ga_flow_rhost(env),
           qr ? (env->cfg->qr == GA_QR_ASCII ? "ascii" : "utf8") : "not shown", oa->digits,
           oa->period, otp->recovery_code ? "shown" : "absent");
    rc = GA_OK;
out:
    if (rc == GA_ERR_NOMEM)
        ga_log(env->lg, LOG_ERR, "user %s: out of memory showing the OTP key", env->user);
    ga_wipe(grouped, sizeof grouped);
    ga_free_secret(qr);
    if (t.p)
        ga_free_secret_n(t.p, t.cap);
    return rc;
}

/* The one admin line for an otpData that cannot be shown. */
static ga_status_t bad_otp_data(const ga_flow_env_t *env, const char *what)
{
    ga_api_error_t err = {0};

    err.reason = GA_REASON_BAD_ANSWER;
    err.http_status = 200;
    err.status_code = 200;
    snprintf(err.message, sizeof err.message, "%s", what);
    ga_flow_log_unavail(env, "send-enroll-factor-request", &err);
    return GA_ERR_UNAVAIL;
}

static ga_status_t send_refused(const ga_flow_env_t *env, ga_status_t rc,
                                const ga_api_error_t *err)
{
    char msg[GA_NOTE_MAX], shown[GA_SERVER_MSG_SHOWN];

    if (rc == GA_ERR_UNAVAIL) {
        ga_flow_log_unavail(env, "send-enroll-factor-request", err);
        return rc;
    }
    if (rc != GA_ERR_REJECTED && rc != GA_ERR_THROTTLED)
        return rc;
    ga_log(env->lg, LOG_NOTICE,
           "user %s from %s: GenAuth %s the OTP enrollment request: statusCode %ld, "
           "apiCode %ld, message \"%s\"", env->user, ga_flow_rhost(env),
           rc == GA_ERR_THROTTLED ? "throttled" : "refused", err->status_code, err->api_code,
           err->message);
    if (rc == GA_ERR_THROTTLED)
        snprintf(msg, sizeof msg, "%s", GA_T(env, "GenAuth is busy. Try again in a minute."));
    else
        snprintf(msg, sizeof msg, GA_T(env, "GenAuth did not start the authenticator app "
                                            "setup: %.48s"),
                 ga_flow_server_message(env, err, shown, sizeof shown));
    env->ui->error(env->ui->ctx, msg);
    return rc;
}

/* POST send-enroll-factor-request {OTP}, bounded by max_sends per login;
 * check and show what it returns; keep the token in the stash. */
static ga_status_t start(const ga_flow_env_t *env, ga_stash_t *st)
{
    ga_api_error_t err = {0};
    ga_otp_data_t otp = {0};
    ga_otpauth_t oa;
    char *token = NULL;
    ga_status_t rc;

    memset(&oa, 0, sizeof oa);
    if (!env->api->send_enroll_otp) {
        ga_log(env->lg, LOG_ERR, "user %s: this build's GenAuth client cannot enroll an "
               "authenticator app (no send-enroll-factor-request for OTP)", env->user);
        return GA_ERR_INTERNAL;
    }
    /* no message is sent: not counted in max_sends_per_hour */
    if ((rc = ga_flow_count_send(env, st, "")) != GA_OK)
        return rc;
    rc = env->api->send_enroll_otp(env->api->ctx, st->access_token, &token, &otp, &err);
    if (rc != GA_OK) {
        rc = send_refused(env, rc, &err);
        goto out;
    }
    if (!otp.qr_uri || ga_otpauth_parse(otp.qr_uri, &oa) != GA_OK) {
        rc = bad_otp_data(env, "otpData.qrCodeUri is not a usable TOTP key URI");
        goto out;
    }
    if (otp.recovery_code && !recovery_ok(otp.recovery_code)) {
        rc = bad_otp_data(env, "otpData.recoveryCode is not printable ASCII");
        goto out;
    }
    ga_stash_drop_token(st);
    ga_wipe(&st->profile, sizeof st->profile);
    st->profile.type = GA_FACTOR_OTP;
    st->masked_target[0] = '\0';
    st->enrollment_token = token;
    token = NULL;
    st->otp_digits = oa.digits;
    st->sent_at = ga_flow_now(env);
    rc = show_key(env, &oa, &otp);
    if (rc != GA_OK)
        ga_stash_drop_token(st);
out:
    ga_free_secret(token);
    ga_otp_data_clear(&otp);
    ga_wipe(&oa, sizeof oa);
    return rc;
}

static ga_status_t bound(const ga_flow_env_t *env, ga_stash_t *st)
{
    ga_stash_drop_token(st);
    ga_log(env->lg, LOG_INFO, "user %s from %s: OTP factor bound (authenticator app)",
           env->user, ga_flow_rhost(env));
    env->ui->info(env->ui->ctx,
                  GA_T(env, "Two-factor authentication is set up: authenticator app."));
    ga_enroll_done(env);
    return GA_OK;
}

/* A code of the otpauth digits: GA_OK, or GA_ERR_INPUT with a note. */
static ga_status_t check_code(const ga_flow_env_t *env, const ga_stash_t *st,
                              const char *code, char *note)
{
    const char *reason = NULL;

    if (ga_validate_code(code, &reason) != GA_OK) {
        snprintf(note, GA_NOTE_MAX, "%s", ga_tr(env->cfg->lang, reason));
        return GA_ERR_INPUT;
    }
    if (strlen(code) != (size_t)st->otp_digits) {
        snprintf(note, GA_NOTE_MAX, GA_T(env, "The code has %d digits."), st->otp_digits);
        return GA_ERR_INPUT;
    }
    return GA_OK;
}

/* Ask for the current code and bind it. GA_ERR_EXPIRED: GenAuth says the
 * enrollmentToken is gone (the token stays; the caller drops it). The
 * server decides expiry: scanning a QR code takes longer than a minute
 * for some users, and a local guess would only refuse them sooner. */
static ga_status_t ask_and_bind(const ga_flow_env_t *env, ga_stash_t *st)
{
    char note[GA_NOTE_MAX] = "", question[GA_PROMPT_MAX], *code = NULL;
    int invalid = 0;

    snprintf(question, sizeof question,
             GA_T(env, "Enter the %d-digit code from your authenticator app: "),
             st->otp_digits);
    for (;;) {
        ga_api_error_t err = {0};
        ga_status_t rc = ga_enroll_ask(env, note, question, 0, &code);

        if (rc == GA_ERR_INPUT)
            snprintf(note, sizeof note, "%s", GA_T(env, "That answer is too long."));
        else if (rc != GA_OK)
            return rc;
        else {
            ga_code_compact(code);
            rc = check_code(env, st, code, note);
        }
        if (rc == GA_ERR_INPUT) {
            ga_free_secret(code);
            code = NULL;
            if (++invalid >= GA_INPUT_TRIES)
                return ga_enroll_too_many(env, "authenticator code",
                                          GA_T(env, "Too many invalid answers."));
            continue;
        }
        rc = env->api->enroll(env->api->ctx, st->access_token, GA_FACTOR_OTP,
                              st->enrollment_token, code, &err);
        ga_free_secret(code);
        code = NULL;
        if (rc == GA_OK)
            return bound(env, st);
        if (rc == GA_ERR_WRONG_CODE) {
            if ((rc = ga_enroll_wrong_code(env, st, note)) != GA_OK)
                return rc;
            continue;
        }
        if (rc == GA_ERR_EXPIRED)
            return rc;
        return ga_enroll_bind_failed(env, st, rc, &err);
    }
}

/* The token expired: offer a new QR code (a new secret) when max_sends
 * allows. GA_OK for yes. */
static ga_status_t offer_new_key(const ga_flow_env_t *env, const ga_stash_t *st)
{
    char note[GA_NOTE_MAX], *answer = NULL;

    if (st->sends >= env->cfg->max_sends) {
        ga_log(env->lg, LOG_NOTICE, "user %s from %s: OTP enrollment expired and the limit "
               "of %ld codes per login is reached", env->user, ga_flow_rhost(env),
               env->cfg->max_sends);
        env->ui->error(env->ui->ctx, GA_T(env, "This setup has expired. Log in again to "
                                               "start over."));
        return GA_ERR_MAXTRIES;
    }
    snprintf(note, sizeof note, "%s", GA_T(env, "This setup has expired. Remove the old "
                                                "entry from your authenticator app."));
    for (int tries = 0; tries < GA_INPUT_TRIES; tries++) {
        int yes, no;
        ga_status_t rc = ga_enroll_ask(env, note, GA_T(env, "Show a new QR code? [y/N]: "),
                                       0, &answer);

        if (rc == GA_ERR_INPUT) {
            snprintf(note, sizeof note, "%s", GA_T(env, "That answer is too long."));
            continue;
        }
        if (rc != GA_OK)
            return rc;
        yes = strcasecmp(answer, "y") == 0 || strcasecmp(answer, "yes") == 0;
        no = strcasecmp(answer, "n") == 0 || strcasecmp(answer, "no") == 0;
        ga_free_secret(answer);
        if (yes)
            return GA_OK;
        if (no) {
            ga_log(env->lg, LOG_NOTICE, "user %s from %s: declined a new OTP key; enrollment "
                   "cancelled", env->user, ga_flow_rhost(env));
            return GA_ERR_CANCELLED;
        }
        snprintf(note, sizeof note, "%s", GA_T(env, "Answer y or n."));
    }
    return ga_enroll_too_many(env, "new QR code", GA_T(env, "Too many invalid answers."));
}

ga_status_t ga_enroll_otp(const ga_flow_env_t *env, ga_stash_t *st)
{
    int pending = st->enrollment_token && st->profile.type == GA_FACTOR_OTP;

    if (pending)
        ga_log(env->lg, LOG_INFO,
               "user %s from %s: resuming the OTP enrollment started %llds ago",
               env->user, ga_flow_rhost(env), ga_flow_now(env) - st->sent_at);
    for (;;) {
        ga_status_t rc;

        if (!pending) {
            if ((rc = start(env, st)) != GA_OK)
                return rc;
            if (env->step == GA_STEP_REQUEST)
                return GA_IGNORE;
        }
        rc = ask_and_bind(env, st);
        if (rc != GA_ERR_EXPIRED)
            return rc;
        ga_log(env->lg, LOG_INFO, "user %s from %s: the OTP enrollment token expired",
               env->user, ga_flow_rhost(env));
        ga_stash_drop_token(st);
        if ((rc = offer_new_key(env, st)) != GA_OK)
            return rc;
        pending = 0;
    }
}
