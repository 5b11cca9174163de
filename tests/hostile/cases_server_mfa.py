"""Catalogue: what the server answers on the issue 4 calls. Verification of
an enrolled user (POST mfa-totp-verify; the Management API token and
get-mfa-trigger-data; send-sms / send-email; the V2 verify and recovery
calls), the OTP enrollment answer (otpData), and the signin MFA answer.

Every row ends in the documented result: a wrong code (counted, asked
again, PAM_MAXTRIES after max_attempts = 3), the fail mode (GenAuth or the
Management API unavailable, a malformed answer, refused user pool
credentials: PAM_AUTHINFO_UNAVAIL in failmode secure), or a refusal
(PAM_AUTH_ERR: throttled, refused, unknown user, no usable target) - never
success, and a malformed answer is never shown to the user. Each names the
one log line it must produce and the exact calls: a send or a verification
is never retried.

Users (mfalib.py): olga has an authenticator app (OTP), erin SMS, emma
EMAIL, mia all three. MGMT (hostlib) points mgmt_host at the emulator.
"""

from hostlib import (LIST, MGMT, MGMT_TOKEN, SEND, SEND_EMAIL, SEND_SMS, SIGNIN, TO_ENROLL,
                     TOTP, TRIGGER, V2_RECOVERY, V2_SMS, V2_TOTP, case)
from mfalib import (CODE, EMAIL_OK, FIXED, MFA_USERS, OLGA_RECOVERY, OTP_OK, RECOVERY_OK,
                    SMS_OK, WRONG)
from pamlib import (PAM_AUTH_ERR, PAM_AUTHINFO_UNAVAIL, PAM_IGNORE, PAM_MAXTRIES,
                    PAM_PERM_DENIED, PAM_SUCCESS)
from rawserver import OTP_SECRET, envelope, v2

UNAVAIL = PAM_AUTHINFO_UNAVAIL
IGNORED = (PAM_IGNORE, PAM_PERM_DENIED)  # PAM_IGNORE alone in a stack
QUICK = {"connect_timeout": 1, "timeout": 1}
OLGA_IN = ["olga-pw", "{totp}"]
THREE_TOTP = ["olga-pw", "{totp}", "{totp}", "{totp}"]
ERIN_IN = ["erin-pw", CODE]
EMMA_IN = ["emma-pw", CODE]
MGMT_Q = dict(MGMT, **QUICK)
NO_METHOD = "cannot be used here"  # shown; the admin line is per row


def at(call, reason=""):
    if reason:
        return ("GenAuth unavailable (%s) at %s:" % (reason, call),)
    return ("GenAuth unavailable (", ") at %s:" % call)


def ok_fault(**kw):
    """A fault that replaces the answer with an envelope of status 200."""
    return dict(kind="error", statusCode=200, message="ok", **kw)


# ---- mfa-totp-verify (olga, access token) ----

def on_totp(cid, what, expect=UNAVAIL, reason="bad answer", answers=OLGA_IN, calls=None,
            log=None, conf=None, max_time=None, **fault):
    """A fault on mfa-totp-verify: never success; one call per code typed."""
    if log is None:
        log = at("mfa-totp-verify", reason) if expect == UNAVAIL else ()
    return case(id=cid, cat="server", what="mfa-totp-verify: " + what, user="olga",
                users=MFA_USERS, conf=conf, faults=[dict(path=TOTP, **fault)], answers=answers,
                expect=expect, log=log, calls=calls or OTP_OK, max_time=max_time)


def totp_data(cid, what, data, **kw):
    return on_totp(cid, what, **dict(ok_fault(data=data), **kw))


def totp_wrong(cid, what, **fault):
    """Counted as a wrong code three times: PAM_MAXTRIES, three calls."""
    return on_totp(cid, what, expect=PAM_MAXTRIES, answers=THREE_TOTP,
                   calls=OTP_OK + [TOTP, TOTP], log="wrong OTP code (3 of 3)", **fault)


# ---- Management API and SMS/EMAIL (erin SMS, emma EMAIL) ----

def mgmt_row(cid, what, path, expect, log, calls, user="erin", answers=None, conf=MGMT,
             settings=FIXED, max_time=None, check=None, nolog=(), **fault):
    return case(id=cid, cat="server", what=what, user=user, users=MFA_USERS, conf=conf,
                settings=settings, faults=[dict(path=path, **fault)],
                answers=answers or (ERIN_IN if user == "erin" else EMMA_IN), expect=expect,
                log=log, calls=calls, max_time=max_time, check=check, nolog=nolog)


def on_token(cid, what, expect=UNAVAIL, reason="bad answer", calls=None, **fault):
    """A fault on get-management-token: the fail mode, and the admin line
    names that call (B14, fixed: it named get-mfa-trigger-data)."""
    row = mgmt_row(cid, "get-management-token: " + what, MGMT_TOKEN, expect,
                   at("get-management-token", reason) if expect == UNAVAIL else (),
                   calls or [SIGNIN, LIST, MGMT_TOKEN], **fault)
    return row


def on_trigger(cid, what, expect=UNAVAIL, reason="bad answer", log=None, calls=None,
               user="erin", **fault):
    if log is None:
        log = at("get-mfa-trigger-data", reason)
    return mgmt_row(cid, "get-mfa-trigger-data: " + what, TRIGGER, expect, log,
                    calls or [SIGNIN, LIST, MGMT_TOKEN, TRIGGER], user=user, **fault)


def trigger_data(cid, what, data, **kw):
    return on_trigger(cid, what, **dict(ok_fault(data=data), **kw))


def no_target(cid, what, data, user="erin"):
    """Trigger data without a usable target for the user's only factor:
    no method (PAM_AUTH_ERR in every fail mode), nothing sent."""
    kind = "usable phone number" if user == "erin" else "usable email address"
    return on_trigger(cid, what, expect=PAM_AUTH_ERR, user=user,
                      log="trigger data has no %s" % kind,
                      **ok_fault(data=dict(data, mfaToken="emu-mfa-hostile-0001")))


def on_send_code(cid, what, expect, log, user="erin", **fault):
    path = SEND_SMS if user == "erin" else SEND_EMAIL
    calls = (SMS_OK if user == "erin" else EMAIL_OK)[:-1]
    return mgmt_row(cid, "%s: %s" % (path.rsplit("/", 1)[1], what), path, expect, log, calls,
                    user=user, **fault)


def on_v2(cid, what, expect=UNAVAIL, reason="bad answer", log=None, calls=None, answers=None,
          user="erin", **fault):
    """A fault on the V2 verify of erin's SMS code."""
    if log is None:
        log = at("mfa/sms/verify", reason) if expect == UNAVAIL else ()
    return mgmt_row(cid, "V2 sms/verify: " + what, V2_SMS, expect, log, calls or SMS_OK,
                    user=user, answers=answers, **fault)


# ---- the recovery code (olga: "recovery", then her recovery code) ----

RECOVER_IN = ["olga-pw", "recovery", OLGA_RECOVERY, "@empty"]


def on_recovery(cid, what, expect, log, answers=RECOVER_IN, calls=RECOVERY_OK, check=None,
                bug=None, **fault):
    return case(id=cid, cat="server", what="V2 totp/recovery: " + what, user="olga",
                users=MFA_USERS, conf=MGMT, faults=[dict(path=V2_RECOVERY, **fault)],
                answers=answers, expect=expect, log=log, calls=calls, check=check, bug=bug)


def new_recovery_not_shown(r):
    """A malformed new recovery code is not shown: the user is told the
    code was accepted, without one."""
    assert any("Recovery code accepted." in i for i in r.res.infos), \
        "no 'Recovery code accepted.': %r" % (r.res.infos,)
    assert not any("new recovery code" in p for p in r.res.prompts), \
        "a malformed recovery code was offered as the new one: %r" % (r.res.prompts,)


def lines_within(limit):
    def check(r):
        for part in r.shown():
            for line in part.split(b"|"):
                assert len(line) <= limit, "a shown line of %d columns" % len(line)
    return check


# ---- OTP enrollment (alice, factors = {"OTP"}) ----

OTP_CONF = {"factors": ["OTP"]}
OTP_START = [SIGNIN, LIST, TO_ENROLL, SEND]


def never_shown_key(r):
    """The answer was refused: no QR code, key or code prompt was shown."""
    text = b"\n".join(r.shown())
    for frag in (b"otpauth", b"enter this key", b"Scan this QR", b"from your authenticator"):
        assert frag not in text, "%r shown after a malformed otpData" % frag


def otp_variant(variant, what):
    return case(id="server-otp-data-" + variant.replace("_", "-"), cat="server",
                what="send-enroll-factor-request (OTP): " + what, conf=OTP_CONF,
                settings={"otp_data_variant": variant}, answers=["alice-pw", "1"],
                expect=UNAVAIL, log=at("send-enroll-factor-request", "bad answer"),
                calls=OTP_START, check=never_shown_key, nolog=("otpauth://", "evil"))


def raw_otp(cid, what, otp_data, expect=UNAVAIL, answers=("alice-pw", "1"), check=None,
            log=None, calls=None):
    """OTP enrollment against the raw server with this otpData."""
    body = envelope({"enrollmentToken": "raw-et-8b41d07c52e9a613", "otpData": otp_data})
    if log is None:
        log = at("send-enroll-factor-request", "bad answer") if expect == UNAVAIL else ()
    return case(id=cid, cat="server", what="raw send-enroll-factor-request (OTP): " + what,
                server="raw", conf=OTP_CONF,
                raw={TO_ENROLL: {"body": envelope([{"factorType": "OTP"}])},
                     SEND: {"body": body}},
                answers=list(answers), expect=expect, log=log, calls=calls or OTP_START,
                check=check or (never_shown_key if expect == UNAVAIL else None))


def uri(label="raw-pool:alice", secret=OTP_SECRET, extra="&issuer=raw-pool"):
    return "otpauth://totp/%s?secret=%s&period=30&digits=6&algorithm=SHA1%s" % (
        label, secret, extra)


def shown_key(key):
    def check(r):
        text = b"\n".join(r.shown()).decode("utf-8", "replace")
        assert key in text, "key %r not shown" % key
    return check


def shown_lacks(*frags):
    def check(r):
        text = b"\n".join(r.shown())
        for f in frags:
            assert f not in text, "%r shown" % f
    return check


# the raw server plays an enrolled user (OTP) for the verification rows
RAW_OTP_LIST = {LIST: {"body": envelope([{"factorId": "f1", "factorType": "OTP",
                                          "profile": {}}])}}


def raw_totp(cid, what, reply, expect=UNAVAIL, answers=("alice-pw", "123456"), **kw):
    routes = dict(RAW_OTP_LIST)
    routes[TOTP] = reply
    return case(id=cid, cat="server", what="raw mfa-totp-verify: " + what, server="raw",
                raw=routes, answers=list(answers), expect=expect,
                calls=kw.pop("calls", [SIGNIN, LIST, TOTP]), **kw)


RAW_SMS_LIST = {LIST: {"body": envelope([{"factorId": "f2", "factorType": "SMS",
                                          "profile": {"phoneNumber": "18812345678",
                                                      "phoneCountryCode": "+86"}}])}}
RAW_MGMT = {"mgmt_host": "{raw}", "userpool_id": "raw-pool", "userpool_secret": "raw-pool-secret"}


def raw_v2(cid, what, reply, expect=UNAVAIL, path=V2_SMS, **kw):
    routes = dict(RAW_SMS_LIST)
    routes[path] = reply
    return case(id=cid, cat="server", what="raw %s: %s" % (path, what), server="raw",
                conf=RAW_MGMT, raw=routes, answers=["alice-pw", "123456"], expect=expect,
                calls=kw.pop("calls", [SIGNIN, LIST, MGMT_TOKEN, TRIGGER, SEND_SMS, path]),
                **kw)


CASES = [
    # ---- mfa-totp-verify: only a clean {"verified": true} verifies ----
    case(id="server-totp-control", cat="server", what="mfa-totp-verify: the right code (control)",
         user="olga", users=MFA_USERS, answers=OLGA_IN, expect=PAM_SUCCESS,
         log="user olga from -: verified with OTP", calls=OTP_OK),
    totp_data("server-totp-verified-string", 'verified "true" (a string)', {"verified": "true"}),
    totp_data("server-totp-verified-number", "verified 1", {"verified": 1}),
    totp_data("server-totp-verified-null", "verified null", {"verified": None}),
    totp_data("server-totp-verified-missing", "data {} (no verified)", {}),
    totp_data("server-totp-verified-array", "verified [true]", {"verified": [True]}),
    totp_data("server-totp-data-array", "data [true]", [True]),
    on_totp("server-totp-data-null", "data null", kind="data_null"),
    on_totp("server-totp-status-string", 'statusCode "200"', kind="status_string"),
    on_totp("server-totp-status-missing", "no statusCode", kind="error", statusCode=200,
            message="ok", data={"verified": True}, remove=["statusCode"]),
    on_totp("server-totp-badjson", "not JSON", kind="badjson"),
    on_totp("server-totp-empty", "an empty body", kind="empty"),
    on_totp("server-totp-truncated", "half a JSON body", kind="truncated"),
    on_totp("server-totp-huge", "5 MiB of valid JSON", kind="huge"),
    on_totp("server-totp-deep", "data nested 10000 deep", kind="deep"),
    on_totp("server-totp-http500", "HTTP 500 with an HTML page", reason="http error",
            kind="http500"),
    on_totp("server-totp-status500", "statusCode 500", reason="server error", kind="status500"),
    on_totp("server-totp-reset", "TCP reset", reason="", kind="reset"),
    on_totp("server-totp-hang", "no answer (timeout 1 s)", reason="timeout", kind="hang",
            conf=QUICK, max_time=1 + 4),
    on_totp("server-totp-reset-safe", "TCP reset in failmode safe: PAM_IGNORE, never success",
            expect=IGNORED, log=("failmode safe",), conf={"failmode": "safe"}, kind="reset"),
    totp_wrong("server-totp-verified-false", "verified false three times",
               **ok_fault(data={"verified": False})),
    totp_wrong("server-totp-6001", "statusCode 400, apiCode 6001 (wrong TOTP) three times",
               kind="error", statusCode=400, apiCode=6001, message="wrong TOTP code"),
    totp_wrong("server-totp-6001-verified-true", "apiCode 6001 with verified true",
               kind="error", statusCode=200, apiCode=6001, message="ok",
               data={"verified": True}),
    on_totp("server-totp-429", "statusCode 429: throttled, asked no more", expect=PAM_AUTH_ERR,
            log="GenAuth throttled mfa-totp-verify", kind="throttle429"),
    on_totp("server-totp-401", "statusCode 401 (access token refused)", expect=PAM_AUTH_ERR,
            log="GenAuth refused mfa-totp-verify", kind="error", statusCode=401,
            apiCode=2020, message="user not logged in"),
    on_totp("server-totp-hostile-message", "a refusal with escapes and a forged log line",
            expect=PAM_AUTH_ERR, log="GenAuth refused mfa-totp-verify", kind="error",
            statusCode=403, message="\x1b]0;owned\x07\n<1> forged\n" + "m" * 5000),
    raw_totp("server-raw-totp-http500", "HTTP 500 with verified true",
             {"status": 500, "body": envelope({"verified": True})},
             log=at("mfa-totp-verify", "http error")),
    raw_totp("server-raw-totp-dup-data", "data twice: verified false, then true",
             {"body": b'{"statusCode":200,"message":"ok","data":{"verified":false},'
                      b'"data":{"verified":true}}'}, log=at("mfa-totp-verify", "bad answer")),
    raw_totp("server-raw-totp-dup-verified", "verified twice inside data",
             {"body": b'{"statusCode":200,"message":"ok","data":{"verified":false,'
                      b'"verified":true}}'}, log=at("mfa-totp-verify", "bad answer")),
    raw_totp("server-raw-totp-bad-utf8", "bytes that are not UTF-8 in message",
             {"body": b'{"statusCode":200,"message":"o\xff\xfek","data":{"verified":true}}'},
             log=at("mfa-totp-verify", "bad answer")),
    raw_totp("server-raw-totp-trailing", "verified true and trailing garbage",
             {"body": b'{"statusCode":200,"message":"ok","data":{"verified":true}}xx'},
             log=at("mfa-totp-verify", "bad answer")),
    raw_totp("server-raw-totp-array", "a top-level array", {"body": b'[{"verified":true}]'},
             log=at("mfa-totp-verify", "bad answer")),
    raw_totp("server-raw-totp-302", "HTTP 302 with verified true",
             {"status": 302, "body": envelope({"verified": True}),
              "headers": [("Location", "{emu}/api/v3/mfa-totp-verify")]},
             log=at("mfa-totp-verify", "http error")),

    # ---- get-management-token ----
    on_token("server-mgmt-token-number", "access_token 123", **ok_fault(
        data={"access_token": 123, "expires_in": 7200})),
    on_token("server-mgmt-token-crlf", "access_token with CRLF and a header", **ok_fault(
        data={"access_token": "mt\r\nX-Injected: 1", "expires_in": 7200})),
    on_token("server-mgmt-token-missing", "data {} (no token)", **ok_fault(data={})),
    on_token("server-mgmt-token-data-null", "data null", kind="data_null"),
    on_token("server-mgmt-token-expires-string", 'expires_in "7200" (a string)', **ok_fault(
        data={"access_token": "emu-mt-hostile-0001", "expires_in": "7200"})),
    on_token("server-mgmt-token-expires-float", "expires_in 7200.5", **ok_fault(
        data={"access_token": "emu-mt-hostile-0001", "expires_in": 7200.5})),
    on_token("server-mgmt-token-401", "statusCode 401: the user pool credentials refused",
             reason="user pool credentials rejected", kind="error", statusCode=401,
             message="invalid accessKeyId or accessKeySecret"),
    on_token("server-mgmt-token-403", "statusCode 403: the user pool credentials refused",
             reason="user pool credentials rejected", kind="error", statusCode=403,
             message="forbidden"),
    on_token("server-mgmt-token-http500", "HTTP 500", reason="http error", kind="http500"),
    on_token("server-mgmt-token-status503", "statusCode 503", reason="server error",
             kind="error", statusCode=503, message="busy"),
    on_token("server-mgmt-token-badjson", "not JSON", kind="badjson"),
    case(id="server-mgmt-token-expires-negative", cat="server",
         what="get-management-token: expires_in -1 and a token GenAuth then refuses: one new "
              "token, then verified",
         user="erin", users=MFA_USERS, conf=MGMT, settings=FIXED,
         faults=[dict(path=MGMT_TOKEN, count=1, **ok_fault(
             data={"access_token": "emu-mt-not-valid-0001", "expires_in": -1}))],
         answers=ERIN_IN, expect=PAM_SUCCESS, log="verified with SMS",
         calls=[SIGNIN, LIST, MGMT_TOKEN, TRIGGER, MGMT_TOKEN, TRIGGER, SEND_SMS, V2_SMS]),
    case(id="server-mgmt-token-expires-huge", cat="server",
         what="get-management-token: expires_in 10^8 with a real token (clamped; goes on)",
         user="erin", users=MFA_USERS, conf=MGMT, settings=dict(FIXED,
                                                              mgmt_token_lifetime=10 ** 8),
         answers=ERIN_IN, expect=PAM_SUCCESS, log="verified with SMS", calls=SMS_OK),

    # ---- get-mfa-trigger-data ----
    trigger_data("server-trigger-token-missing", "no mfaToken",
                 {"applicationMfa": [{"mfaPolicy": "SMS", "status": 1}],
                  "mfaPhone": "13900001111"}),
    trigger_data("server-trigger-token-9k", "an mfaToken of 9000 bytes",
                 {"mfaToken": "M" * 9000, "applicationMfa": [{"mfaPolicy": "SMS", "status": 1}],
                  "mfaPhone": "13900001111"}),
    trigger_data("server-trigger-token-crlf", "an mfaToken with CRLF",
                 {"mfaToken": "mfa\r\nX-Injected: 1",
                  "applicationMfa": [{"mfaPolicy": "SMS", "status": 1}],
                  "mfaPhone": "13900001111"}),
    trigger_data("server-trigger-token-number", "mfaToken 42",
                 {"mfaToken": 42, "applicationMfa": [{"mfaPolicy": "SMS", "status": 1}],
                  "mfaPhone": "13900001111"}),
    trigger_data("server-trigger-app-object", "applicationMfa {} (an object)",
                 {"mfaToken": "emu-mfa-hostile-0001", "applicationMfa": {"SMS": 1},
                  "mfaPhone": "13900001111"}),
    trigger_data("server-trigger-app-string", 'applicationMfa "SMS"',
                 {"mfaToken": "emu-mfa-hostile-0001", "applicationMfa": "SMS",
                  "mfaPhone": "13900001111"}),
    trigger_data("server-trigger-app-policy-number", "mfaPolicy 1",
                 {"mfaToken": "emu-mfa-hostile-0001",
                  "applicationMfa": [{"mfaPolicy": 1, "status": 1}],
                  "mfaPhone": "13900001111"}),
    trigger_data("server-trigger-app-status-string", 'status "1"',
                 {"mfaToken": "emu-mfa-hostile-0001",
                  "applicationMfa": [{"mfaPolicy": "SMS", "status": "1"}],
                  "mfaPhone": "13900001111"}),
    trigger_data("server-trigger-app-null-item", "applicationMfa [null]",
                 {"mfaToken": "emu-mfa-hostile-0001", "applicationMfa": [None],
                  "mfaPhone": "13900001111"}),
    trigger_data("server-trigger-app-1000", "applicationMfa of 1000 entries",
                 {"mfaToken": "emu-mfa-hostile-0001",
                  "applicationMfa": [{"mfaPolicy": "SMS", "status": 1}] * 1000,
                  "mfaPhone": "13900001111"}),
    trigger_data("server-trigger-totp-string", 'totpMfaEnabled "true"',
                 {"mfaToken": "emu-mfa-hostile-0001", "totpMfaEnabled": "true",
                  "applicationMfa": [{"mfaPolicy": "SMS", "status": 1}],
                  "mfaPhone": "13900001111"}),
    on_trigger("server-trigger-data-null", "data null", kind="data_null"),
    on_trigger("server-trigger-deep", "data nested 10000 deep", kind="deep"),
    on_trigger("server-trigger-huge", "5 MiB of valid JSON", kind="huge"),
    on_trigger("server-trigger-truncated", "half a JSON body", kind="truncated"),
    on_trigger("server-trigger-http500", "HTTP 500", reason="http error", kind="http500"),
    on_trigger("server-trigger-hang", "no answer (timeout 1 s)", reason="timeout",
               kind="hang", conf=MGMT_Q, max_time=1 + 4),
    no_target("server-trigger-phone-letters", "mfaPhone with letters",
              {"applicationMfa": [{"mfaPolicy": "SMS", "status": 1}],
               "mfaPhone": "1390000abcd"}),
    no_target("server-trigger-phone-long", "mfaPhone of 40 digits",
              {"applicationMfa": [{"mfaPolicy": "SMS", "status": 1}], "mfaPhone": "1" * 40}),
    no_target("server-trigger-phone-control", "mfaPhone with a newline and an escape",
              {"applicationMfa": [{"mfaPolicy": "SMS", "status": 1}],
               "mfaPhone": "139\n0000\x1b[31m1111"}),
    no_target("server-trigger-phone-number", "mfaPhone 13900001111 (a number)",
              {"applicationMfa": [{"mfaPolicy": "SMS", "status": 1}],
               "mfaPhone": 13900001111}),
    no_target("server-trigger-phone-cc-mismatch", "mfaPhone +1 555... with mfaPhoneCountryCode +86",
              {"applicationMfa": [{"mfaPolicy": "SMS", "status": 1}],
               "mfaPhone": "+15555550100", "mfaPhoneCountryCode": "+86"}),
    no_target("server-trigger-phone-cc-bad", 'mfaPhoneCountryCode "+8a"',
              {"applicationMfa": [{"mfaPolicy": "SMS", "status": 1}],
               "mfaPhone": "13900001111", "mfaPhoneCountryCode": "+8a"}),
    no_target("server-trigger-phone-no-policy", "mfaPhone but no SMS policy enabled",
              {"applicationMfa": [{"mfaPolicy": "SMS", "status": 0}],
               "mfaPhone": "13900001111"}),
    no_target("server-trigger-email-malformed", 'mfaEmail "not-an-email"',
              {"applicationMfa": [{"mfaPolicy": "EMAIL", "status": 1}],
               "mfaEmail": "not-an-email"}, user="emma"),
    no_target("server-trigger-email-crlf", "mfaEmail with CRLF and a Bcc header",
              {"applicationMfa": [{"mfaPolicy": "EMAIL", "status": 1}],
               "mfaEmail": "emma@example.com\r\nBcc: x@evil.example"}, user="emma"),
    no_target("server-trigger-email-long", "mfaEmail of 400 bytes",
              {"applicationMfa": [{"mfaPolicy": "EMAIL", "status": 1}],
               "mfaEmail": "e" * 380 + "@example.com"}, user="emma"),
    no_target("server-trigger-email-utf8", "mfaEmail with non-ASCII and a bidi control",
              {"applicationMfa": [{"mfaPolicy": "EMAIL", "status": 1}],
               "mfaEmail": "emma\u202e@ex\u00e4mple.com"}, user="emma"),
    no_target("server-trigger-email-array", 'mfaEmail ["emma@example.com"]',
              {"applicationMfa": [{"mfaPolicy": "EMAIL", "status": 1}],
               "mfaEmail": ["emma@example.com"]}, user="emma"),
    on_trigger("server-trigger-unknown-404", "404/2004: GenAuth's Management API does not "
               "know the user", expect=PAM_AUTH_ERR,
               log="the Management API does not know the user as userIdType username",
               kind="error", statusCode=404, apiCode=2004, message="User does not exist"),
    on_trigger("server-trigger-unknown-2004", "statusCode 400 with apiCode 2004",
               expect=PAM_AUTH_ERR,
               log="the Management API does not know the user as userIdType username",
               kind="error", statusCode=400, apiCode=2004, message="User does not exist"),
    on_trigger("server-trigger-401-twice", "statusCode 401 twice: a new token once, then the "
               "fail mode", reason="user pool credentials rejected",
               calls=[SIGNIN, LIST, MGMT_TOKEN, TRIGGER, MGMT_TOKEN, TRIGGER],
               kind="error", statusCode=401, message="invalid or expired management token"),
    on_trigger("server-trigger-400", "statusCode 400 without apiCode", expect=(UNAVAIL,
                                                                              PAM_AUTH_ERR),
               log=("user erin", "get-mfa-trigger-data"),
               kind="error", statusCode=400, message="bad request"),
    mgmt_row("server-trigger-401-once", "get-mfa-trigger-data: statusCode 401 once (a revoked "
             "cached token): a new token, then verified", TRIGGER, PAM_SUCCESS,
             "verified with SMS", [SIGNIN, LIST, MGMT_TOKEN, TRIGGER, MGMT_TOKEN, TRIGGER,
                                   SEND_SMS, V2_SMS],
             kind="error", count=1, statusCode=401, message="invalid or expired token"),

    # ---- send-sms / send-email: one send, a refusal is not retried ----
    on_send_code("server-send-sms-422", "422 (one code per minute)", PAM_AUTH_ERR,
                 "GenAuth throttled the SMS code", kind="error", statusCode=422,
                 message="SMS sent too often, please wait 60 seconds"),
    on_send_code("server-send-email-2080", "422/2080 (one email per minute)", PAM_AUTH_ERR,
                 "GenAuth throttled the EMAIL code", user="emma", kind="error",
                 statusCode=422, apiCode=2080, message="please wait 60 seconds"),
    on_send_code("server-send-sms-429", "statusCode 429", PAM_AUTH_ERR,
                 "GenAuth throttled the SMS code", kind="throttle429"),
    on_send_code("server-send-email-400", "statusCode 400", PAM_AUTH_ERR,
                 "GenAuth refused to send the EMAIL code", user="emma", kind="error",
                 statusCode=400, message="invalid parameter: email"),
    on_send_code("server-send-sms-http500-sent", "the code went out, the answer is HTTP 500",
                 UNAVAIL, at("send-sms", "http error"), kind="http500", apply=True),
    on_send_code("server-send-email-reset-sent", "the code went out, then a TCP reset",
                 UNAVAIL, at("send-email"), user="emma", kind="reset", apply=True),
    on_send_code("server-send-sms-status-string", 'statusCode "200"', UNAVAIL,
                 at("send-sms", "bad answer"), kind="status_string"),
    on_send_code("server-send-sms-hostile-message", "a refusal with escapes and 5 KB",
                 PAM_AUTH_ERR, "GenAuth refused to send the SMS code", kind="error",
                 statusCode=400, message="\x1b[2J\n<1> forged\n" + "s" * 5000),

    # ---- V2 verify: only code 200 verifies ----
    case(id="server-v2-sms-control", cat="server", what="V2 sms/verify: the right code "
         "(control)", user="erin", users=MFA_USERS, conf=MGMT, settings=FIXED, answers=ERIN_IN,
         expect=PAM_SUCCESS, log="user erin from -: verified with SMS (+86 139****1111)",
         calls=SMS_OK),
    on_v2("server-v2-code-string", 'code "200"', kind="status_string"),
    on_v2("server-v2-code-float", "code 200.0", kind="error", code=200.0, message="ok"),
    on_v2("server-v2-code-missing", "no code", kind="error", code=200, message="ok",
          remove=["code"]),
    on_v2("server-v2-code-bool", "code true", kind="error", code=True, message="ok"),
    on_v2("server-v2-code-null", "code null", kind="error", code=None, message="ok"),
    on_v2("server-v2-badjson", "not JSON", kind="badjson"),
    on_v2("server-v2-huge", "5 MiB of valid JSON", kind="huge"),
    on_v2("server-v2-http500", "HTTP 500", reason="http error", kind="http500"),
    on_v2("server-v2-code500", "code 500", reason="server error", kind="status500"),
    on_v2("server-v2-reset", "TCP reset", reason="", kind="reset"),
    on_v2("server-v2-429", "code 429: throttled", expect=PAM_AUTH_ERR,
          log="GenAuth throttled mfa/sms/verify", kind="throttle429"),
    on_v2("server-v2-2001-thrice", "code 2001 three times: wrong codes", expect=PAM_MAXTRIES,
          log="wrong SMS code (3 of 3)", answers=["erin-pw", CODE, CODE, CODE],
          calls=SMS_OK + [V2_SMS, V2_SMS], kind="error", code=2001,
          message="wrong verification code"),
    on_v2("server-v2-2021-once", "code 2021 once: new trigger data, the same code verified",
          expect=PAM_SUCCESS, log="the mfaToken expired (code 2021); fetching new MFA trigger",
          calls=SMS_OK + [TRIGGER, V2_SMS], kind="error", count=1, code=2021,
          message="mfaToken expired"),
    on_v2("server-v2-2021-always", "code 2021 twice: new trigger data once, then refused",
          expect=PAM_AUTH_ERR, log="or the mfaToken expired (code 2021) after new trigger data",
          calls=SMS_OK + [TRIGGER, V2_SMS], kind="error", code=2021,
          message="mfaToken expired"),
    on_v2("server-v2-2020", "code 2020 (mfaToken refused)", expect=PAM_AUTH_ERR,
          log="GenAuth refused mfa/sms/verify", kind="error", code=2020,
          message="invalid mfaToken"),
    on_v2("server-v2-hostile-message", "code 2020 with escapes and a forged line",
          expect=PAM_AUTH_ERR, log="GenAuth refused mfa/sms/verify", kind="error", code=2020,
          message="\x1b]0;owned\x07\n<1> forged\n" + "v" * 5000),
    raw_v2("server-raw-v2-statuscode", "HTTP 200 with statusCode 200 instead of code",
           {"body": envelope({"token": "x"})}, log=at("mfa/sms/verify", "bad answer")),
    raw_v2("server-raw-v2-http500", "HTTP 500 with code 200", {"status": 500, "body": v2({})},
           log=at("mfa/sms/verify", "http error")),
    raw_v2("server-raw-v2-dup-code", "code twice: 2001, then 200",
           {"body": b'{"code":2001,"message":"wrong","code":200}'},
           log=at("mfa/sms/verify", "bad answer")),
    raw_v2("server-raw-v2-bad-utf8", "message with bytes that are not UTF-8",
           {"body": b'{"code":200,"message":"\xc3\x28"}'},
           log=at("mfa/sms/verify", "bad answer")),

    # ---- V2 recovery ----
    on_recovery("server-recovery-6002", "code 6002 (wrong recovery code), then cancelled",
                PAM_AUTH_ERR, "wrong recovery code (1 of 3)", code=6002, kind="error",
                message="wrong recovery code"),
    on_recovery("server-recovery-code-string", 'code "200"', UNAVAIL,
                at("mfa/totp/recovery", "bad answer"), kind="status_string"),
    on_recovery("server-recovery-new-control", "data.recoveryCode with an escape: accepted, "
                "the new code not shown", PAM_SUCCESS, "verified with an OTP recovery code",
                answers=RECOVER_IN[:3], check=new_recovery_not_shown, kind="error", code=200,
                message="ok", data={"recoveryCode": "\x1b[31mnew-code-0001\x07"}),
    on_recovery("server-recovery-new-huge", "data.recoveryCode of 100 KB: not shown",
                PAM_SUCCESS, "verified with an OTP recovery code", answers=RECOVER_IN[:3],
                check=new_recovery_not_shown, kind="error", code=200, message="ok",
                data={"recoveryCode": "R" * 100000}),
    on_recovery("server-recovery-new-number", "data.recoveryCode 12345678 (a number)",
                PAM_SUCCESS, "verified with an OTP recovery code", answers=RECOVER_IN[:3],
                check=new_recovery_not_shown, kind="error", code=200, message="ok",
                data={"recoveryCode": 12345678}),
    on_recovery("server-recovery-new-utf8", "data.recoveryCode in UTF-8 with a bidi control",
                PAM_SUCCESS, "verified with an OTP recovery code", answers=RECOVER_IN[:3],
                check=new_recovery_not_shown, kind="error", code=200, message="ok",
                data={"recoveryCode": "new\u202ecode-\u00e4\u00e4\u00e4\u00e4"}),
    on_recovery("server-recovery-new-100", "data.recoveryCode of 100 printable characters: "
                "shown within 80 columns", PAM_SUCCESS, "verified with an OTP recovery code",
                answers=RECOVER_IN[:3] + [""], check=lines_within(80), kind="error", code=200,
                message="ok", data={"recoveryCode": "Rc0-" * 25}),
    on_recovery("server-recovery-statuscode", "HTTP 200 with statusCode 200 and no code",
                UNAVAIL, at("mfa/totp/recovery", "bad answer"), kind="error", code=200,
                message="ok", remove=["code"], statusCode=200),

    # ---- the OTP enrollment answer (otpData) ----
    case(id="server-otp-data-control", cat="server",
         what="send-enroll-factor-request (OTP): a good otpData (control); a wrong code, then "
              "cancelled", conf=OTP_CONF, answers=["alice-pw", "1", WRONG, "@empty"],
         expect=PAM_AUTH_ERR, log="OTP enrollment started: key shown (QR code utf8",
         calls=OTP_START + ["/api/v3/enroll-factor"]),
] + [otp_variant(v, w) for v, w in (
    ("missing", "no otpData"), ("null", "otpData null"),
    ("not_object", "otpData is the URI as a string"),
    ("wrong_types", "qrCodeUri 12345, recoveryCode [...]"), ("uri_missing", "no qrCodeUri"),
    ("uri_empty", 'qrCodeUri ""'), ("uri_not_otpauth", "an https:// URI"),
    ("uri_hotp", "otpauth://hotp"), ("uri_no_secret", "no secret"),
    ("uri_bad_secret", "a secret that is not base32"), ("uri_short_secret", "an 8-character secret"),
    ("uri_algorithm", "algorithm=SHA256"), ("uri_digits", "digits=7"), ("uri_period", "period=5"),
    ("uri_too_long", "a URI over 2048 bytes"),
    ("uri_control", "a label with control characters once decoded"),
    ("uri_bad_utf8", "a label that is not UTF-8 once decoded"))] + [
    case(id="server-otp-data-recovery-missing", cat="server",
         what="send-enroll-factor-request (OTP): no recoveryCode (the module copes); a wrong "
              "code, then cancelled", conf=OTP_CONF, settings={"otp_data_variant":
                                                                "recovery_missing"},
         answers=["alice-pw", "1", WRONG, "@empty"], expect=PAM_AUTH_ERR,
         log="recovery code absent)", calls=OTP_START + ["/api/v3/enroll-factor"],
         check=shown_lacks(b"Store this recovery code")),
    raw_otp("server-raw-otp-uri-2049", "a qrCodeUri of 2049 bytes",
            {"qrCodeUri": uri(label="raw-pool:" + "a" * (2049 - len(uri(label="raw-pool:"))))}),
    raw_otp("server-raw-otp-secret-lower", "the secret in lower case with = padding (accepted, "
            "shown upper case in groups)",
            {"qrCodeUri": uri(secret=OTP_SECRET.lower()[:-8] + "===="),
             "recoveryCode": "raw0-reco-very-0001"},
            expect=PAM_AUTH_ERR, answers=("alice-pw", "1", "@empty"),
            check=shown_key("JBSW Y3DP EHPK 3PXP JBSW Y3DP"), log="OTP enrollment started"),
    raw_otp("server-raw-otp-issuer-ansi", "an issuer with an ANSI escape",
            {"qrCodeUri": uri(extra="&issuer=ev%1B%5B31mil")}),
    raw_otp("server-raw-otp-issuer-newline", "an issuer with a newline and a forged line",
            {"qrCodeUri": uri(extra="&issuer=ev%0A%3C1%3E%20forged")}),
    raw_otp("server-raw-otp-issuer-bidi", "an issuer with a right-to-left override",
            {"qrCodeUri": uri(extra="&issuer=ev%E2%80%AEil")}),
    raw_otp("server-raw-otp-issuer-c1", "an issuer with a C1 control (U+009B CSI)",
            {"qrCodeUri": uri(extra="&issuer=ev%C2%9B31mil")}),
    raw_otp("server-raw-otp-issuer-bad-utf8", "an issuer that is not UTF-8",
            {"qrCodeUri": uri(extra="&issuer=ev%FF%FEil")}),
    raw_otp("server-raw-otp-issuer-raw-escape", "a raw escape byte in the URI itself",
            {"qrCodeUri": uri(extra="&issuer=ev\x1b[31mil")}),
    raw_otp("server-raw-otp-issuer-twice", "issuer given twice",
            {"qrCodeUri": uri(extra="&issuer=raw-pool&issuer=evil")}),
    raw_otp("server-raw-otp-secret-twice", "secret given twice",
            {"qrCodeUri": uri() + "&secret=" + "A" * 32}),
    raw_otp("server-raw-otp-issuer-utf8", "an issuer in Chinese: shown as ASCII in en-US",
            {"qrCodeUri": uri(extra="&issuer=%E5%85%AC%E5%8F%B8"),
             "recoveryCode": "raw0-reco-very-0001"},
            expect=PAM_AUTH_ERR, answers=("alice-pw", "1", "@empty"),
            log="OTP enrollment started"),
    dict(raw_otp("server-raw-otp-issuer-zh-CN", "zh-CN: an issuer in Chinese is shown as given",
                 {"qrCodeUri": uri(extra="&issuer=%E5%85%AC%E5%8F%B8"),
                  "recoveryCode": "raw0-reco-very-0001"},
                 expect=PAM_AUTH_ERR, answers=("alice-pw", "1", "@empty"),
                 log="OTP enrollment started", check=shown_key("\u516c\u53f8")),
         conf=dict(OTP_CONF, lang="zh-CN")),
    dict(raw_otp("server-raw-otp-issuer-bidi-zh-CN", "zh-CN: an issuer with a bidi override",
                 {"qrCodeUri": uri(extra="&issuer=%E5%85%AC%E2%80%AE%E5%8F%B8")}),
         conf=dict(OTP_CONF, lang="zh-CN")),
    dict(raw_otp("server-raw-otp-account-zh-CN", "zh-CN: an account of 40 Chinese characters "
                 "(120 bytes): cut at a character, within 80 columns",
                 {"qrCodeUri": uri(label="raw-pool:" + "%E5%85%AC" * 39),
                  "recoveryCode": "raw0-reco-very-0001"},
                 expect=PAM_AUTH_ERR, answers=("alice-pw", "1", "@empty"),
                 log="OTP enrollment started"),
         conf=dict(OTP_CONF, lang="zh-CN")),
    raw_otp("server-raw-otp-account-129", "an account of 129 bytes (over GA_OTP_LABEL_MAX - 1)",
            {"qrCodeUri": uri(label="raw-pool:" + "a" * 129)}),
    raw_otp("server-raw-otp-account-128", "an account of 128 bytes: shown cut, within 80 "
            "columns", {"qrCodeUri": uri(label="raw-pool:" + "a" * 128),
             "recoveryCode": "raw0-reco-very-0001"},
            expect=PAM_AUTH_ERR, answers=("alice-pw", "1", "@empty"),
            log="OTP enrollment started"),
    raw_otp("server-raw-otp-recovery-control", "a recoveryCode with a BEL and an escape",
            {"qrCodeUri": uri(), "recoveryCode": "raw0-\x07\x1b[31m-0001"}),
    raw_otp("server-raw-otp-recovery-huge", "a recoveryCode of 100 KB",
            {"qrCodeUri": uri(), "recoveryCode": "R" * 100000}),
    raw_otp("server-raw-otp-recovery-space", "a recoveryCode with spaces",
            {"qrCodeUri": uri(), "recoveryCode": "raw0 reco very 0001"}),
    raw_otp("server-raw-otp-recovery-number", "recoveryCode 12345678 (a number)",
            {"qrCodeUri": uri(), "recoveryCode": 12345678}),
    raw_otp("server-raw-otp-recovery-utf8", "a recoveryCode in UTF-8",
            {"qrCodeUri": uri(), "recoveryCode": "r\u00e9cup\u00e9ration-0001"}),
    raw_otp("server-raw-otp-dup-uri", "qrCodeUri twice (a good one, then an evil one)",
            None),
    raw_otp("server-raw-otp-token-missing", "otpData without an enrollmentToken", None),

    # ---- the signin MFA answer (apiCode 1635) carries the trigger data ----
    case(id="server-signin-mfa-control", cat="server",
         what="signin answers 1635 with trigger data; the OTP code via V2 (control)",
         user="olga", users=MFA_USERS, settings={"mfa_on_signin": 1635}, answers=OLGA_IN,
         expect=PAM_SUCCESS, log="verified with OTP", calls=[SIGNIN, V2_TOTP]),
    case(id="server-signin-mfa-no-token", cat="server",
         what="signin answers 1635 without an mfaToken and no Management API: no method",
         user="olga", users=MFA_USERS,
         faults=[{"path": SIGNIN, "kind": "error", "statusCode": 302, "apiCode": 1635,
                  "message": "MFA required", "data": {"totpMfaEnabled": True}}],
         answers=OLGA_IN, expect=PAM_AUTH_ERR, log="without an mfaToken", calls=[SIGNIN]),
    case(id="server-signin-mfa-token-9k", cat="server",
         what="signin answers 1635 with an mfaToken of 9000 bytes",
         user="olga", users=MFA_USERS,
         faults=[{"path": SIGNIN, "kind": "error", "statusCode": 302, "apiCode": 1635,
                  "message": "MFA required",
                  "data": {"mfaToken": "M" * 9000, "totpMfaEnabled": True}}],
         answers=OLGA_IN, expect=UNAVAIL, log=at("signin", "bad answer"), calls=[SIGNIN]),
    case(id="server-signin-mfa-data-null", cat="server",
         what="signin answers 1635 with data null", user="olga", users=MFA_USERS,
         faults=[{"path": SIGNIN, "kind": "error", "statusCode": 302, "apiCode": 1635,
                  "message": "MFA required", "data": None}],
         answers=OLGA_IN, expect=(UNAVAIL, PAM_AUTH_ERR), log=("user olga",),
         calls=[SIGNIN]),
    case(id="server-signin-mfa-phone-hostile", cat="server",
         what="signin answers 1636 with an SMS target full of escapes: no method, nothing sent",
         user="erin", users=MFA_USERS,
         faults=[{"path": SIGNIN, "kind": "error", "statusCode": 302, "apiCode": 1636,
                  "message": "MFA required",
                  "data": {"mfaToken": "emu-mfa-hostile-0002",
                           "applicationMfa": [{"mfaPolicy": "SMS", "status": 1}],
                           "mfaPhone": "\x1b]0;owned\x07139"}}],
         answers=ERIN_IN, expect=PAM_AUTH_ERR, log="GenAuth demanded MFA at sign-in without "
                                                   "naming a factor",
         calls=[SIGNIN]),
]


def _dup(body):
    return {"body": body}


# rows whose raw otpData cannot be written as a Python dict: exact bytes
for _row in CASES:
    if _row["id"] == "server-raw-otp-dup-uri":
        _row["raw"][SEND] = _dup(
            b'{"statusCode":200,"message":"ok","data":{"enrollmentToken":"raw-et-8b41d07c52e9a613",'
            b'"otpData":{"qrCodeUri":"' + uri().encode() + b'","qrCodeUri":"otpauth://totp/'
            b'evil:alice?secret=' + b"A" * 32 + b'"}}}')
    elif _row["id"] == "server-raw-otp-token-missing":
        _row["raw"][SEND] = _dup(envelope({"otpData": {"qrCodeUri": uri(),
                                                       "recoveryCode": "raw0-reco-very-0001"}}))
