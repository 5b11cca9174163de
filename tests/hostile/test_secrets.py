#!/usr/bin/python3
"""Secrets in logs: whole logins through the real PAM stack with `debug` on,
capturing everything the module logs (pam_syslog, captured by pam_driver
--syslog), everything it shows (prompts, info and error messages) and the
driver's stderr. Fails if a password, a code, an access token, an
enrollmentToken, the app secret (or the Basic credentials made from it), an
id_token, a full phone number or a full email address appears there, even
in part; checks that phone numbers and emails appear only masked.

Issue 4 adds: verification with an authenticator app (TOTP codes, the OTP
seed), by SMS and email through the Management API (userpool_secret, the
management token, the mfaToken, the codes), recovery (the old and the new
recovery code), OTP enrollment (the otpauth:// URI, the base32 key in any
grouping or case, the recovery code, the TOTP typed), and the same in zh-CN.
What the module shows on purpose (the key and recovery codes of an
enrollment or a recovery) must still never reach the log or stderr.

The secrets are read from what the emulator saw and sent: its request log
(passwords, client secret, Basic credentials, the access tokens the module
sent back as Bearer, codes typed, enrollmentTokens sent back) and its outbox
(codes and enrollmentTokens). Closing line: "secrets: N passed, N failed".

    abs_top_builddir=$PWD abs_top_srcdir=$PWD/.. /usr/bin/python3 ../tests/hostile/test_secrets.py
"""

import base64
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import hostlib  # noqa: E402
from hostlib import BIND, SEND, SIGNIN, case  # noqa: E402
from pamlib import PAM_AUTH_ERR, PAM_CONV_ERR, PAM_SUCCESS  # noqa: E402

PW = "Carol-S3cret-Pw!"
WRONG_PW = "Wrong-Pass-98765!"
APP_SECRET = "AppSecret-7f3a9c1e55d2"
PHONE = "18812345678"
PHONE_FORMS = (PHONE, "188 1234 5678", "188-1234-5678", "+8618812345678", "12345678")
PHONE_MASKED = "+86 188****5678"
EMAIL = "carol.private@example.com"
EMAIL_MASKED = "c***@example.com"
WRONG_CODE = "13572468"
USER = {"username": "carol", "password": PW, "phone": PHONE, "email": EMAIL, "factors": []}
WINDOW = 12  # a token leaked in part: any 12 characters of it
POOL_SECRET = "PoolSecret-4be19d07a3c2"
OTP_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
RECOVERY = "vera-rcv9-p3x7-k2m8-q5w1"
MGMT = {"mgmt_host": "{emu}", "userpool_id": "emu-userpool-id",
        "userpool_secret": POOL_SECRET}
VERA = {"username": "vera", "password": PW, "phone": PHONE, "email": EMAIL,
        "factors": [{"factorType": "OTP", "secret": OTP_SECRET, "recoveryCode": RECOVERY},
                    {"factorType": "SMS", "profile": {"phoneNumber": PHONE,
                                                      "phoneCountryCode": "+86"}},
                    {"factorType": "EMAIL", "profile": {"email": EMAIL}}]}
OTTO = {"username": "otto", "password": PW, "phone": PHONE, "email": EMAIL,
        "factors": [{"factorType": "OTP", "secret": OTP_SECRET, "recoveryCode": RECOVERY}]}
WRONG_TOTP = "975310"
WRONG_OTP_ENROLL = "246813"
VERIFY_BASE = {"users": [USER, VERA, OTTO], "conf": MGMT,
               "settings": {"userpool_secret": POOL_SECRET}}

BASE = {"user": "carol", "users": [USER], "args": "debug", "conf": {"app_secret": APP_SECRET},
        "settings": {"app_secret": APP_SECRET, "code_length": 8}}


def login(cid, answers, expect, **kw):
    row = dict(BASE)
    row["settings"] = dict(BASE["settings"], **kw.pop("settings", {}))
    row["conf"] = dict(BASE["conf"], **kw.pop("conf", {}))
    row.update(kw)
    return case(id=cid, cat="secrets", what=cid, answers=answers, expect=expect, **row)


def verify(cid, user, answers, expect, lang=None, **kw):
    """A login of an enrolled user with the Management API configured."""
    conf = dict(VERIFY_BASE["conf"], **kw.pop("conf", {}))
    if lang:
        conf["lang"] = lang
    return login(cid, answers, expect, user=user, users=VERIFY_BASE["users"], conf=conf,
                 settings=dict(VERIFY_BASE["settings"], **kw.pop("settings", {})), **kw)


BIND_OK_ONCE = [{"path": BIND, "kind": "error", "count": 1, "statusCode": 200,
                 "message": "ok"}]


EXPIRE_ONCE = [{"path": BIND, "kind": "error", "count": 1, "statusCode": 400, "apiCode": 2300,
                "message": "enrollmentToken expired"}]

# name -> (logins in order, sharing state_dir; masked contact expected shown)
SCENARIOS = [
    ("sms-enrollment", [login("sms", [PW, "1", "+86 188 1234 5678", "@code"], PAM_SUCCESS)],
     PHONE_MASKED),
    ("email-enrollment", [login("email", [PW, "2", EMAIL, "@code"], PAM_SUCCESS)],
     EMAIL_MASKED),
    ("wrong-password", [login("wrong-pw", [WRONG_PW], PAM_AUTH_ERR)], None),
    ("wrong-code", [login("wrong-code", [PW, "1", PHONE, WRONG_CODE, "@code"], PAM_SUCCESS)],
     PHONE_MASKED),
    ("expired-token-resend", [login("expired", [PW, "2", EMAIL, "@code", "y", "@code"],
                                    PAM_SUCCESS, faults=EXPIRE_ONCE,
                                    settings={"rate_limit_seconds": 0})], EMAIL_MASKED),
    ("resume-after-reconnect", [login("first", [PW, "1", PHONE, "@conv-err"], PAM_CONV_ERR),
                                login("resume", [PW, "@code"], PAM_SUCCESS)], PHONE_MASKED),
    ("client-secret-basic", [login("basic", [PW, "1", PHONE, "@code"], PAM_SUCCESS,
                                   conf={"token_endpoint_auth_method": "client_secret_basic"},
                                   settings={"token_endpoint_auth_method":
                                             "client_secret_basic"})], PHONE_MASKED),
    ("authtok-then-prompt", [login("authtok", [PW, "2", EMAIL, "@code"], PAM_SUCCESS,
                                   authtok=WRONG_PW)], EMAIL_MASKED),
    ("throttled-send", [login("throttled", [PW, "1", PHONE, "n"], PAM_AUTH_ERR,
                              faults=[{"path": SEND, "kind": "throttle429"}])], PHONE_MASKED),
    ("request-and-bind-steps", [login("steps", [PW, "1", PHONE, "@code"], PAM_SUCCESS, stack=[
        "auth required {mod} conf={conf} debug step=request",
        "auth required {mod} conf={conf} debug step=bind"])], PHONE_MASKED),
    # ---- issue 4: verification of enrolled users ----
    ("verify-otp", [verify("otp", "otto", [PW, WRONG_TOTP, "{totp}"], PAM_SUCCESS)], None),
    ("verify-otp-signin-mfa", [verify("otp-1635", "otto", [PW, WRONG_TOTP, "{totp}"],
                                      PAM_SUCCESS, settings={"mfa_on_signin": 1635})], None),
    ("verify-sms", [verify("sms", "vera", [PW, "2", WRONG_CODE, "@code"], PAM_SUCCESS)],
     PHONE_MASKED),
    ("verify-email", [verify("email", "vera", [PW, "3", WRONG_CODE, "@code"], PAM_SUCCESS)],
     EMAIL_MASKED),
    ("verify-sms-token-expired", [verify("sms-2021", "vera", [PW, "sms", "@code"], PAM_SUCCESS,
                                         faults=[{"path": "/api/v2/applications/mfa/sms/verify",
                                                  "kind": "error", "count": 1, "code": 2021,
                                                  "message": "mfaToken expired"}])],
     PHONE_MASKED),
    ("verify-recovery", [verify("recovery", "otto", [PW, "recovery", "vera-wrong-rc-0001",
                                                     "recovery", RECOVERY, ""], PAM_SUCCESS)],
     None),
    ("verify-sms-zh-CN", [verify("sms-zh", "vera", [PW, "2", WRONG_CODE, "@code"], PAM_SUCCESS,
                                 lang="zh-CN")], PHONE_MASKED),
    ("verify-recovery-zh-CN", [verify("recovery-zh", "otto", [PW, "recovery", RECOVERY, ""],
                                      PAM_SUCCESS, lang="zh-CN")], None),
    # ---- issue 4: OTP enrollment ----
    ("otp-enrollment-wrong-code", [login("otp-wrong", [PW, "1", WRONG_OTP_ENROLL, "@empty"],
                                         PAM_AUTH_ERR, conf={"factors": ["OTP"]})], None),
    ("otp-enrollment-bound", [login("otp-bound", [PW, "1", WRONG_OTP_ENROLL], PAM_SUCCESS,
                                    conf={"factors": ["OTP"], "qr": "ascii"},
                                    faults=BIND_OK_ONCE)], None),
    ("otp-enrollment-new-key", [login("otp-new-key", [PW, "1", WRONG_OTP_ENROLL, "y",
                                                      WRONG_OTP_ENROLL, "@conv-err"],
                                      PAM_CONV_ERR, conf={"factors": ["OTP"], "qr": "off"},
                                      faults=EXPIRE_ONCE)], None),
    ("otp-enrollment-zh-CN", [login("otp-zh", [PW, "1", WRONG_OTP_ENROLL, "@empty"],
                                    PAM_AUTH_ERR, conf={"factors": ["OTP"], "lang": "zh-CN"})],
     None),
    ("sms-enrollment-zh-CN", [login("sms-zh", [PW, "1", PHONE, "@code"], PAM_SUCCESS,
                                    conf={"lang": "zh-CN"})], PHONE_MASKED),
]


# what each issue 4 scenario must have collected, so that its scan is not
# vacuous: scenario -> fragments of secrets (values) that must be found
MGMT_FOUND = ("emu-mt-", "emu-mfa-", POOL_SECRET)
OTP_FOUND = ("emu-et-", WRONG_OTP_ENROLL)
MUST_FIND = {
    "verify-otp": (WRONG_TOTP,), "verify-otp-signin-mfa": (WRONG_TOTP, "emu-mfa-"),
    "verify-sms": MGMT_FOUND, "verify-email": MGMT_FOUND,
    "verify-sms-token-expired": MGMT_FOUND, "verify-sms-zh-CN": MGMT_FOUND,
    "verify-recovery": MGMT_FOUND + (RECOVERY, "vera-wrong-rc-0001"),
    "verify-recovery-zh-CN": MGMT_FOUND + (RECOVERY,),
    "otp-enrollment-wrong-code": OTP_FOUND, "otp-enrollment-bound": OTP_FOUND,
    "otp-enrollment-new-key": OTP_FOUND, "otp-enrollment-zh-CN": OTP_FOUND,
}


def secrets_of(runs, bench):
    """Every secret of the scenario, from what the emulator saw and sent."""
    found = {PW: "password", WRONG_PW: "wrong password", APP_SECRET: "app secret",
             WRONG_CODE: "wrong code", EMAIL: "email", "carol.private": "email local part",
             POOL_SECRET: "userpool_secret credentials", OTP_SECRET: "OTP seed",
             RECOVERY: "recovery code", WRONG_TOTP: "wrong TOTP",
             WRONG_OTP_ENROLL: "OTP enrollment code typed", "otpauth": "otpauth:// URI"}
    for form in PHONE_FORMS:
        found[form] = "phone number"
    for r in bench.emu.requests():
        auth = r["headers"].get("authorization", "")
        kind, _, val = auth.partition(" ")
        if val:
            found[val] = "%s credentials" % kind
            if kind.lower() == "basic":
                found[base64.b64decode(val).decode()] = "Basic credentials decoded"
        body = r["body"] if isinstance(r["body"], dict) else {}
        if r["path"] == SIGNIN:
            found[body.get("client_secret") or APP_SECRET] = "client_secret"
        if r["path"] == BIND:
            found[body["enrollmentToken"]] = "enrollmentToken"
            found[body["enrollmentData"]["passCode"]] = "code typed"
        for key, what in (("totp", "TOTP typed"), ("code", "code typed"),
                          ("recoveryCode", "recovery code typed"),
                          ("accessKeySecret", "userpool_secret credentials"),
                          ("phone", "phone number"), ("phoneNumber", "phone number"),
                          ("email", "email")):
            if isinstance(body.get(key), str) and body[key]:
                found[body[key]] = what
    for entry in bench.emu.outbox():
        found[entry["code"]] = "code sent"
        if entry.get("enrollmentToken"):
            found[entry["enrollmentToken"]] = "enrollmentToken sent"
    for u in bench.emu.state()["users"]:  # the recovery code a recovery made
        for f in u.get("factors", []):
            if f.get("factorType") == "OTP":
                found[f["recoveryCode"]] = "recovery code (current)"
                found[f["secret"]] = "OTP seed"
    for r in runs:  # shown on purpose (the key, recovery codes), never logged
        for val in r.shown_secrets():
            found[val] = "shown-once secret (key or recovery code) token"
    found["eyJ"] = "id_token (JWT)"
    return found


FLAT = str.maketrans("", "", " -=")


def leaks(text, found):
    """(what, secret) for each secret in text, whole or (tokens) in part;
    OTP keys and recovery codes also in any grouping or case (spaces,
    dashes and '=' removed on both sides)."""
    out = []
    low = text.lower()
    flat = low.translate(FLAT)
    for secret, what in found.items():
        if secret.lower() in low:
            out.append((what, secret))
        elif ("seed" in what or "recovery" in what or "shown-once" in what) and \
                len(secret.translate(FLAT)) >= 8 and secret.lower().translate(FLAT) in flat:
            out.append((what + " (regrouped)", secret))
        elif len(secret) >= 2 * WINDOW and ("token" in what or "credentials" in what
                                            or "seed" in what):
            for i in range(len(secret) - WINDOW + 1):
                if secret[i:i + WINDOW] in text:
                    out.append((what + " (part)", secret[i:i + WINDOW]))
                    break
    return out


class Tally:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print("PASS %s" % name)
        else:
            self.failed += 1
            print("FAIL %s: %s" % (name, detail))


def run_scenario(bench, name, logins, masked, tally):
    runs = []
    for i, row in enumerate(logins):
        r = hostlib.Run(bench, row)
        if i == 0:
            bench.prepare(row, r)
        else:
            r.state_dir = runs[0].state_dir  # a reconnect: same host, same state
        r.execute()
        runs.append(r)
    found = secrets_of(runs, bench)
    syslog = b"".join(r.syslog for r in runs).decode("utf-8", "replace")
    stderr = b"".join(r.stderr for r in runs).decode("utf-8", "replace")
    shown = b"\n".join(b"\n".join(r.shown()) for r in runs).decode("utf-8", "replace")
    for r, row in zip(runs, logins):
        tally.check("%s %s result" % (name, row["id"]), r.res.rc == row["expect"],
                    "PAM result %s, want %s\n%s" % (r.res.rc, row["expect"], r.report()))
    if name.startswith("otp-enrollment") or "recovery" in name:
        tally.check("%s shown-once secrets found in the transcript" % name,
                    any(r.shown_secrets() for r in runs),
                    "no key or recovery code found under its heading: the check would be "
                    "vacuous\n%s" % runs[0].report())
    tally.check("%s debug lines captured" % name,
                "<7> pam_genauth(" in syslog and "POST /api/v3/signin" in syslog,
                "no LOG_DEBUG request lines: the check would be vacuous")
    if name in MUST_FIND:
        missing = [f for f in MUST_FIND[name] if not any(f in sec for sec in found)]
        tally.check("%s secrets collected" % name, not missing,
                    "not collected (the scan would miss them): %r" % missing)
    shown_ok = {v for r in runs for v in r.shown_secrets()}
    for where, text in (("log", syslog), ("stderr", stderr), ("shown", shown)):
        found_here = [(w, s) for w, s in leaks(text, found)
                      if where != "shown" or s.upper().translate(FLAT) not in shown_ok]
        tally.check("%s no secret in %s" % (name, where), not found_here,
                    "; ".join("%s %r" % (w, s[:24]) for w, s in found_here))
    if masked:
        tally.check("%s masked contact shown" % name, masked in shown,
                    "%r not in what was shown" % masked)
        tally.check("%s masked contact logged" % name, masked in syslog,
                    "%r not in the log" % masked)
    for r in runs:
        r.cleanup()


def run_canary(bench, tally):
    """The detector can fail: passwords chosen to equal text the module
    really logs and shows must be reported as leaks of both."""
    in_log, on_screen = "carol from -: GenAuth sign-in failed", "GenAuth sign-in failed."
    row = login("canary", [on_screen], PAM_AUTH_ERR, authtok=in_log)
    r = hostlib.Run(bench, row)
    bench.prepare(row, r)
    r.execute()
    found = {in_log: "planted password", on_screen: "planted password"}
    syslog = r.syslog.decode("utf-8", "replace")
    shown = b"\n".join(r.shown()).decode("utf-8", "replace")
    tally.check("detector finds a planted secret in the log", leaks(syslog, found),
                "the planted password %r was not found in\n%s" % (in_log, syslog))
    tally.check("detector finds a planted secret on screen", leaks(shown, found),
                "the planted password %r was not found in\n%s" % (on_screen, shown))
    r.cleanup()


def check_detector(tally):
    """leaks() finds a key regrouped, in lower case, with dashes."""
    planted = "key gezd-gnbv gy3t qojq gezd gnbv gy3t qojq shown"
    tally.check("detector finds a regrouped OTP key", leaks(planted, {OTP_SECRET: "OTP seed"}),
                "a regrouped key was not found in %r" % planted)
    tally.check("detector finds part of a token", leaks(
        "x emu-mfa-0123456789ab", {"emu-mfa-0123456789abcdefghijklmn": "Bearer credentials"}),
        "part of a token was not found")


def main():
    tally = Tally()
    check_detector(tally)
    bench = hostlib.Bench()
    try:
        run_canary(bench, tally)
        for name, logins, masked in SCENARIOS:
            run_scenario(bench, name, logins, masked, tally)
    finally:
        bench.close()
    print("secrets: %d passed, %d failed" % (tally.passed, tally.failed))
    return 1 if tally.failed or not tally.passed else 0


if __name__ == "__main__":
    sys.exit(main())
