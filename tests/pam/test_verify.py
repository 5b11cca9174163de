#!/usr/bin/python3
"""End to end through real libpam against the GenAuth emulator over TLS:
verification of users who already have a factor (on_enrolled = verify).

OTP codes are computed from the secret the emulator stores, on the
emulator's clock; SMS/EMAIL codes are read from the emulator's outbox
(@code). Every run is checked for secrets in the syslog capture."""

import re
import shutil
import threading
import time
import unittest

from pamlib import (PAM_AUTH_ERR, PAM_AUTHINFO_UNAVAIL, PAM_CONV_ERR, PAM_IGNORE,
                    PAM_MAXTRIES, PAM_PERM_DENIED, PAM_SUCCESS, PamCase, emulator_secrets,
                    main)

from api_paths import (LIST, MGMT_TOKEN, SEND_EMAIL, SEND_SMS, SIGNIN, TO_ENROLL,  # noqa: E402
                       TOTP, TRIGGER, V2_EMAIL, V2_RECOVERY, V2_SMS, V2_TOTP)
from api_paths import SEND as ENROLL_SEND  # noqa: E402
VERIFY_PATHS = (TOTP, MGMT_TOKEN, TRIGGER, SEND_SMS, SEND_EMAIL, V2_SMS, V2_EMAIL, V2_TOTP,
                V2_RECOVERY)

IGNORED = "-> The return value should be ignored by PAM dispatch"

OTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
OLGA_RECOVERY = "a1b2-c3d4-e5f6-a7b8-c9d0-e1f2"
TRI_RECOVERY = "f0e1-d2c3-b4a5-9687-7869-5a4b"

# olga: OTP only; sam: SMS only; eve: EMAIL only; duo: SMS + EMAIL;
# tri: all three, listed in the "wrong" order (the menu puts OTP first)
USERS = [
    {"username": "olga", "password": "olga-pw-71", "email": "olga@example.com",
     "factors": [{"factorType": "OTP", "secret": OTP_SECRET, "recoveryCode": OLGA_RECOVERY}]},
    {"username": "sam", "password": "sam-pw-72", "phone": "13700001234",
     "factors": [{"factorType": "SMS", "profile": {"phoneNumber": "13700001234",
                                                   "phoneCountryCode": "+86"}}]},
    {"username": "eve", "password": "eve-pw-73", "email": "amy.eve@example.com",
     "factors": [{"factorType": "EMAIL", "profile": {"email": "amy.eve@example.com"}}]},
    {"username": "duo", "password": "duo-pw-74", "phone": "13655554444",
     "email": "dora@example.org",
     "factors": [{"factorType": "SMS", "profile": {"phoneNumber": "13655554444",
                                                   "phoneCountryCode": "+86"}},
                 {"factorType": "EMAIL", "profile": {"email": "dora@example.org"}}]},
    {"username": "tri", "password": "tri-pw-75", "phone": "13812345678",
     "email": "ann@example.com",
     "factors": [{"factorType": "EMAIL", "profile": {"email": "ann@example.com"}},
                 {"factorType": "SMS", "profile": {"phoneNumber": "13812345678",
                                                   "phoneCountryCode": "+86"}},
                 {"factorType": "OTP", "secret": "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU",
                  "recoveryCode": TRI_RECOVERY}]},
]
PW = {u["username"]: u["password"] for u in USERS}
# contact data that must only ever appear masked
CONTACTS = ("13700001234", "13655554444", "13812345678", "amy.eve@example.com",
            "dora@example.org", "ann@example.com")

MENU_TRI = ("Two-factor authentication is required.|  1) Authenticator app|"
            "  2) SMS to +86 138****5678|  3) Email to a***@example.com|Choose 1-3: ")
OTP_PROMPT = "Authenticator app code: "
OTP_PROMPT_R = "Authenticator app code (or type recovery): "
NO_METHOD = "Your two-factor method cannot be used here. Contact your administrator."
EXPIRED = "The code has expired. Log in again to get a new one."


class VerifyCase(PamCase):
    """PamCase with the verification users, and a secrets check after every run."""

    def setUp(self):
        super().setUp()
        # room for the slow faults (an answer 1-2 s late, the window for an
        # emulator change) plus a TLS setup under valgrind on a busy machine;
        # the tests of timeouts set their own (FailMode)
        self.config["timeout"] = 10
        self.emu.add_users(USERS)
        self.stack("auth required {mod} conf={conf} debug")
        self.seen_secrets = set()

    def mgmt(self, **more):
        """Management API credentials in the config (the emulator's)."""
        values = self.mgmt_config()
        values.update(more)
        self.write_config(**values)

    def login(self, *answers, **kw):
        # secrets known before the run (the recovery code it may replace)
        self.seen_secrets |= emulator_secrets(self.emu)
        res = super().login(*answers, **kw)
        self.assertClean(res, answers)
        return res

    def assertClean(self, res, answers=()):
        """No password, code, token, OTP secret, recovery code or unmasked
        contact in the syslog capture."""
        secrets = self.seen_secrets | emulator_secrets(self.emu)
        # typed codes and recovery-like answers ("recovery" itself is a word)
        secrets |= {a for a in answers if re.fullmatch(r"[0-9]{6,8}|[!-~]*-[!-~]*", a)
                    and len(a) >= 6 and not a.startswith("@")}
        secrets |= set(PW.values()) | {"emu-app-secret", "emu-userpool-secret"}
        self.seen_secrets = secrets
        for s in sorted(secrets):
            self.assertNotIn(s, res.syslog, "secret %r in the syslog capture\n%r" % (s, res))
        for c in CONTACTS:
            self.assertNotIn(c, res.syslog, "unmasked %r in the syslog capture" % c)
        self.assertNotRegex(res.syslog, r"emu-(at|mfa|mt)-", "a token in the syslog")

    # ---- helpers -----------------------------------------------------------
    def totp(self, user="olga", steps=0):
        return self.emu.current_totp(user, steps)

    def wrong_totp(self, user="olga"):
        """A code outside the emulator's whole acceptance window."""
        good = {self.totp(user, s) for s in range(-3, 4)}
        return next(c for c in ("000000", "111111", "222222", "333333") if c not in good)

    def paths(self):
        return [r["path"] for r in self.calls()]

    def count(self, path):
        return len(self.calls(path))

    def assertNoneOf(self, *paths):
        for p in paths:
            self.assertCalls(p, 0)

    def assertEchoOn(self, res):
        """Every prompt after the password is ECHO_ON."""
        for p in res.prompts:
            if not p.startswith("ECHO_OFF [GenAuth password: ]"):
                self.assertTrue(p.startswith("ECHO_ON ["), "not ECHO_ON: %r" % p)

    def assertIgnored(self, res):
        # PAM_IGNORE alone in a stack: libpam reports the stack's default failure
        self.assertIn(res.rc, (PAM_IGNORE, PAM_PERM_DENIED), repr(res))
        self.assertIn(IGNORED, res.syslog)

    def when_requested(self, path, action, timeout=30):
        """Run action() in the background as soon as the emulator has logged
        a request to path (the log line is written before the answer). The
        returned event is set once action() ran; the watcher ends with the
        test."""
        done, stop = threading.Event(), threading.Event()

        def watch():
            deadline = time.monotonic() + timeout
            while not stop.is_set() and time.monotonic() < deadline:
                try:
                    if self.emu.count(path):
                        action()
                        done.set()
                        return
                except Exception:  # the emulator is being reset or stopped
                    return
                time.sleep(0.02)

        t = threading.Thread(target=watch, daemon=True)
        t.start()

        def end():
            stop.set()
            t.join(5)
        self.addCleanup(end)
        return done


class SecretCheck(VerifyCase):

    def test_the_secret_check_can_fail(self):
        """assertClean finds each kind of secret it is meant to find."""
        code = self.totp()
        res = self.login(PW["olga"], code, user="olga")
        self.assertRc(res, PAM_SUCCESS)
        token = self.calls(TOTP)[0]["headers"]["authorization"].split(" ", 1)[-1]
        for leak in (PW["olga"], code, OTP_SECRET, OLGA_RECOVERY, token, "13700001234",
                     "emu-mfa-xyz", "emu-userpool-secret"):
            with self.subTest(leak=leak):
                res.syslog += "\n<6> leaked %s\n" % leak
                with self.assertRaises(AssertionError):
                    self.assertClean(res, (code,))
                res.syslog = res.syslog.replace(leak, "")


class Otp(VerifyCase):

    def test_right_code(self):
        code = self.totp()
        res = self.login(PW["olga"], code, user="olga")
        self.assertRc(res, PAM_SUCCESS)
        self.assertEqual(res.prompts[1], "ECHO_ON [%s] -> %s" % (OTP_PROMPT, code))
        self.assertEqual(len(res.prompts), 2)
        self.assertEchoOn(res)
        self.assertEqual(self.paths(), [SIGNIN, LIST, TOTP])
        req = self.calls(TOTP)[0]
        self.assertEqual(req["body"], {"totp": code})
        self.assertIn(req["auth_form"], ("bearer", "raw"))
        self.assertEqual(req["status"], 200)
        self.assertIn("verified with OTP", res.syslog)
        self.assertNotIn("Choose", res.stdout)

    def test_code_typed_in_groups(self):
        # authenticator apps show "123 456"; typed so, it is the same code
        code = self.totp()
        res = self.login(PW["olga"], code[:3] + " " + code[3:], user="olga")
        self.assertRc(res, PAM_SUCCESS)
        self.assertEqual(self.calls(TOTP)[0]["body"], {"totp": code})

    def test_wrong_then_right(self):
        bad = self.wrong_totp()
        res = self.login(PW["olga"], bad, self.totp(), user="olga")
        self.assertRc(res, PAM_SUCCESS)
        self.assertTrue(res.prompts[2].startswith(
            "ECHO_ON [Wrong code. 2 tries left.|%s] -> " % OTP_PROMPT), repr(res))
        self.assertCalls(TOTP, 2)
        self.assertIn("wrong OTP code (1 of 3)", res.syslog)
        self.assertIn("verified with OTP", res.syslog)

    def test_max_tries(self):
        bad = self.wrong_totp()
        res = self.login(PW["olga"], bad, bad, bad, self.totp(), user="olga")
        self.assertRc(res, PAM_MAXTRIES)
        self.assertCalls(TOTP, 3)
        self.assertIn("Wrong code. 1 try left.|" + OTP_PROMPT, res.stdout)
        self.assertIn("Too many wrong codes. Access denied.", res.errors)
        self.assertEqual(len(res.prompts), 4)  # the right code is never asked for
        self.assertIn("wrong OTP code (3 of 3)", res.syslog)
        self.assertNotIn("verified with", res.syslog)

    def test_max_attempts_from_config(self):
        self.write_config(max_attempts=1)
        res = self.login(PW["olga"], self.wrong_totp(), user="olga")
        self.assertRc(res, PAM_MAXTRIES)
        self.assertCalls(TOTP, 1)
        self.assertIn("wrong OTP code (1 of 1)", res.syslog)

    def test_both_kinds_of_wrong_answer_are_a_wrong_code(self):
        # GenAuth may say verified:false (HTTP/statusCode 200) or an error
        # with apiCode 6001: both are the user's wrong code, counted, asked again
        for variant, status in (("verified_false", 200), ("error", 400)):
            with self.subTest(variant=variant):
                self.emu.reset()
                self.emu.add_users(USERS)
                self.emu.settings(totp_wrong_answer=variant)
                res = self.login(PW["olga"], self.wrong_totp(), self.totp(), user="olga")
                self.assertRc(res, PAM_SUCCESS)
                self.assertIn("Wrong code. 2 tries left.", res.stdout)
                first = self.calls(TOTP)[0]
                self.assertEqual(first["status"], status)
                if variant == "error":
                    self.assertEqual(first["apiCode"], 6001)
                self.assertIn("wrong OTP code (1 of 3)", res.syslog)
                self.assertNotIn("GenAuth unavailable", res.syslog)

    def test_6001_from_a_fault_is_a_wrong_code_too(self):
        self.emu.fault(TOTP, "error", count=1, statusCode=400, apiCode=6001,
                       message="wrong TOTP code")
        res = self.login(PW["olga"], self.totp(), self.totp(), user="olga")
        self.assertRc(res, PAM_SUCCESS)
        self.assertIn("Wrong code. 2 tries left.", res.stdout)
        self.assertCalls(TOTP, 2)

    def test_invalid_answers_are_not_sent(self):
        res = self.login(PW["olga"], "12ab56", "1 2", self.totp(), user="olga")
        self.assertRc(res, PAM_SUCCESS)
        self.assertCalls(TOTP, 1)
        # the reason is shown above the prompt again
        self.assertRegex(res.prompts[2], r"^ECHO_ON \[[^|]+\|" + re.escape(OTP_PROMPT))

    def test_three_invalid_answers(self):
        res = self.login(PW["olga"], "abc", "12", "x" * 9, self.totp(), user="olga")
        self.assertRc(res, PAM_MAXTRIES)
        self.assertIn("Too many invalid answers.", res.errors)
        self.assertCalls(TOTP, 0)
        self.assertIn("too many invalid answers", res.syslog)

    def test_over_long_answer_is_invalid_not_cut(self):
        code = self.totp()
        res = self.login(PW["olga"], code + " " * 300 + "9" * 5000, code, user="olga")
        self.assertRc(res, PAM_SUCCESS)
        self.assertCalls(TOTP, 1)
        self.assertEqual(self.calls(TOTP)[0]["body"], {"totp": code})

    def test_recovery_needs_credentials_or_mfa_token(self):
        # without either, "recovery" is not offered; a user who types it
        # anyway (enrollment showed them a recovery code) is told why it
        # cannot be used, not "digits only" (found by a fresh reviewer)
        res = self.login(PW["olga"], "recovery", self.totp(), user="olga")
        self.assertRc(res, PAM_SUCCESS)
        self.assertNotIn("(or type recovery)", res.stdout)
        self.assertNotIn("Recovery code: ", res.stdout)
        self.assertRegex(res.prompts[2], r"^ECHO_ON \[Recovery codes cannot be used here\. "
                                         r"Contact your administrator\.\|"
                         + re.escape(OTP_PROMPT) + r"\] -> \d{6}$")
        self.assertIn("user olga from -: asked to use an OTP recovery code; that needs "
                      "userpool_id and userpool_secret", res.syslog)
        self.assertNotIn("digits only", res.stdout)
        self.assertNoneOf(V2_RECOVERY, MGMT_TOKEN, TRIGGER)

    def test_empty_answer_cancels(self):
        res = self.login(PW["olga"], "@empty", user="olga")
        self.assertRc(res, PAM_AUTH_ERR)
        self.assertCalls(TOTP, 0)
        self.assertIn("cancelled", res.syslog)
        self.assertEqual(res.errors, ["Cancelled."])

    def test_conversation_error_is_denied(self):
        for extra in ({}, {"noninteractive": "ignore"}):
            with self.subTest(**extra):
                self.write_config(**extra)
                res = self.login(PW["olga"], "@conv-err", user="olga")
                self.assertRc(res, PAM_CONV_ERR)
                self.assertCalls(TOTP, 0)
                self.assertNotIn(IGNORED, res.syslog)

    def test_null_answer_is_conversation_error(self):
        res = self.login(PW["olga"], "@null", user="olga")
        self.assertRc(res, PAM_CONV_ERR)
        self.assertCalls(TOTP, 0)

    def test_replayed_code_with_reuse_rejected(self):
        # GenAuth refusing a code already used counts as a wrong code
        self.emu.settings(totp_reuse="reject")
        code = self.totp()
        self.assertRc(self.login(PW["olga"], code, user="olga"), PAM_SUCCESS)
        res = self.login(PW["olga"], code, "@empty", user="olga")
        self.assertRc(res, PAM_AUTH_ERR)
        self.assertIn("Wrong code. 2 tries left.", res.stdout)

    def test_on_enrolled_ignore(self):
        self.write_config(on_enrolled="ignore")
        res = self.login(PW["olga"], user="olga")
        self.assertIgnored(res)
        self.assertEqual(self.paths(), [SIGNIN, LIST])
        self.assertEqual(len(res.prompts), 1)
        self.assertIn("on_enrolled = ignore", res.syslog)

    def test_on_enrolled_ignore_with_mfa_at_signin(self):
        self.write_config(on_enrolled="ignore")
        self.emu.settings(mfa_on_signin=1635)
        res = self.login(PW["sam"], user="sam")
        self.assertIgnored(res)
        self.assertEqual(self.paths(), [SIGNIN])

    def test_user_without_factor_still_enrolls(self):
        res = self.login("alice-pw", "1", "18812345678", "@code")
        self.assertRc(res, PAM_SUCCESS)
        self.assertCalls(ENROLL_SEND, 1)
        self.assertNoneOf(*VERIFY_PATHS)


class SmsEmail(VerifyCase):

    def setUp(self):
        super().setUp()
        self.mgmt()

    def test_sms_via_management_api(self):
        res = self.login(PW["sam"], "@code", user="sam")
        self.assertRc(res, PAM_SUCCESS)
        self.assertEchoOn(res)
        self.assertEqual(len(res.prompts), 2)
        self.assertTrue(res.prompts[1].startswith(
            "ECHO_ON [Code sent to +86 137****1234. Enter code: ] -> "), repr(res))
        self.assertEqual(self.paths(), [SIGNIN, LIST, MGMT_TOKEN, TRIGGER, SEND_SMS, V2_SMS])
        tok = self.calls(MGMT_TOKEN)[0]
        self.assertEqual(tok["body"], {"accessKeyId": "emu-userpool-id",
                                       "accessKeySecret": "emu-userpool-secret"})
        trig = self.calls(TRIGGER)[0]
        self.assertEqual((trig["query"].get("userId"), trig["query"].get("userIdType"),
                          trig["query"].get("appId")), ("sam", "username", "emu-app-id"))
        self.assertEqual(trig["headers"].get("x-authing-userpool-id"), "emu-userpool-id")
        self.assertEqual(trig["status"], 200)
        send = self.calls(SEND_SMS)[0]
        self.assertEqual(send["body"]["phoneNumber"], "13700001234")
        self.assertEqual(send["body"]["channel"], "CHANNEL_VERIFY_MFA")
        self.assertIn(send["body"].get("phoneCountryCode", "+86"), ("+86",))
        box = self.emu.outbox("CHANNEL_VERIFY_MFA")
        self.assertEqual(len(box), 1)
        self.assertEqual(box[0]["to"], "+86 13700001234")
        ver = self.calls(V2_SMS)[0]
        self.assertEqual(ver["body"]["code"], box[0]["code"])
        self.assertEqual(ver["body"]["phone"], "13700001234")
        self.assertTrue(ver["headers"]["authorization"].startswith("Bearer emu-mfa-"))
        self.assertEqual(ver["status"], 200)
        self.assertIn("SMS verification code sent to +86 137****1234", res.syslog)
        self.assertIn("verified with SMS (+86 137****1234)", res.syslog)

    def test_email_via_management_api(self):
        res = self.login(PW["eve"], "@code", user="eve")
        self.assertRc(res, PAM_SUCCESS)
        self.assertIn("ECHO_ON [Code sent to a***@example.com. Enter code: ] -> ", res.stdout)
        self.assertEqual(self.paths(), [SIGNIN, LIST, MGMT_TOKEN, TRIGGER, SEND_EMAIL,
                                        V2_EMAIL])
        send = self.calls(SEND_EMAIL)[0]
        self.assertEqual(send["body"], {"email": "amy.eve@example.com",
                                        "channel": "CHANNEL_VERIFY_MFA"})
        box = self.emu.outbox("CHANNEL_VERIFY_MFA")
        self.assertEqual([e["to"] for e in box], ["amy.eve@example.com"])
        ver = self.calls(V2_EMAIL)[0]
        self.assertEqual(ver["body"], {"email": "amy.eve@example.com", "code": box[0]["code"]})
        self.assertIn("verified with EMAIL (a***@example.com)", res.syslog)

    def test_wrong_sms_code_then_right(self):
        res = self.login(PW["sam"], "99999999", "@code", user="sam")
        self.assertRc(res, PAM_SUCCESS)
        self.assertIn("Wrong code. 2 tries left.|Code sent to +86 137****1234. Enter code: ",
                      res.stdout)
        self.assertCalls(SEND_SMS, 1)   # no new code for a wrong one
        self.assertCalls(V2_SMS, 2)
        self.assertIn("wrong SMS code (1 of 3)", res.syslog)

    def test_too_many_wrong_sms_codes(self):
        res = self.login(PW["sam"], "11111111", "22222222", "33333333", user="sam")
        self.assertRc(res, PAM_MAXTRIES)
        self.assertCalls(V2_SMS, 3)
        self.assertIn("Too many wrong codes. Access denied.", res.errors)

    def test_management_token_requested_once_per_login(self):
        # the mfaToken expires after the code was sent: new trigger data is
        # fetched once, with the cached management token
        self.emu.fault(V2_SMS, "error", count=1, code=2021, message="mfaToken expired")
        res = self.login(PW["sam"], "@code", user="sam")
        self.assertRc(res, PAM_SUCCESS)
        self.assertCalls(TRIGGER, 2)
        self.assertEqual(self.emu.mgmt_token_requests(), 1)
        self.assertCalls(MGMT_TOKEN, 1)
        self.assertCalls(SEND_SMS, 1)
        self.assertCalls(V2_SMS, 2)
        first, second = (r["headers"]["authorization"] for r in self.calls(V2_SMS))
        self.assertNotEqual(first, second)  # the new mfaToken was used
        self.assertIn("mfaToken expired", res.syslog)

    def test_management_token_once_with_wrong_codes(self):
        res = self.login(PW["tri"], "sms", "12345678", "@code", user="tri")
        self.assertRc(res, PAM_SUCCESS)
        self.assertEqual(self.emu.mgmt_token_requests(), 1)
        self.assertCalls(TRIGGER, 1)

    def test_management_token_cached_across_calls_in_one_process(self):
        # sudo asks again in the same process: the management token is reused
        self.emu.settings(rate_limit_seconds=0)
        res = self.login(PW["sam"], "@conv-err", PW["sam"], "@code", user="sam", runs=2)
        self.assertEqual(res.results, [PAM_CONV_ERR, PAM_SUCCESS], repr(res))
        self.assertCalls(TRIGGER, 2)
        self.assertEqual(self.emu.mgmt_token_requests(), 1)
        self.assertCalls(SEND_SMS, 2)

    def test_mfa_token_expired_by_the_clock_gets_new_trigger_data_once(self):
        # the emulator's clock jumps past the mfaToken's life while the SMS is
        # being sent; the code itself is still valid
        self.emu.settings(mfa_token_lifetime=60)
        self.emu.fault(SEND_SMS, "slow", count=1, seconds=2)
        done = self.when_requested(SEND_SMS, lambda: self.emu.advance_clock(120))
        res = self.login(PW["sam"], "@code", user="sam")
        self.assertTrue(done.is_set(), "clock not advanced")
        self.assertRc(res, PAM_SUCCESS)
        self.assertCalls(TRIGGER, 2)
        self.assertCalls(MGMT_TOKEN, 1)
        self.assertEqual([r["status"] for r in self.calls(V2_SMS)], [2021, 200])
        self.assertIn("fetching new MFA trigger data once", res.syslog)

    def test_mfa_token_expired_twice_is_denied(self):
        self.emu.fault(V2_SMS, "error", count=2, code=2021, message="mfaToken expired")
        res = self.login(PW["sam"], "@code", "@code", user="sam")
        self.assertRc(res, PAM_AUTH_ERR)
        self.assertCalls(TRIGGER, 2)
        self.assertCalls(V2_SMS, 2)
        self.assertIn(EXPIRED, res.errors)
        self.assertIn("after new trigger data", res.syslog)

    def test_login_field_picks_user_id_type(self):
        self.mgmt(login_field="email", login_format="%u@example.com")
        self.emu.add_users([{"username": "amy", "password": "amy-pw-1",
                             "email": "amy@example.com",
                             "factors": [{"factorType": "EMAIL",
                                          "profile": {"email": "amy@example.com"}}]}])
        res = self.login("amy-pw-1", "@code", user="amy")
        self.assertRc(res, PAM_SUCCESS)
        q = self.calls(TRIGGER)[0]["query"]
        self.assertEqual((q.get("userId"), q.get("userIdType")), ("amy@example.com", "email"))

    def test_unknown_user_at_management_api(self):
        self.emu.fault(TRIGGER, "error", count=1, statusCode=404, apiCode=2004,
                       message="User does not exist")
        res = self.login(PW["sam"], "@code", user="sam")
        self.assertRc(res, PAM_AUTH_ERR)
        self.assertNoneOf(SEND_SMS, V2_SMS)
        self.assertIn("Your account cannot be verified here. Contact your administrator.",
                      res.errors)
        self.assertIn("check login_field and login_format", res.syslog)

    def test_genauth_throttles_the_send(self):
        self.assertRc(self.login(PW["sam"], "@conv-err", user="sam"), PAM_CONV_ERR)
        res = self.login(PW["sam"], "@code", user="sam")  # within GenAuth's minute
        self.assertRc(res, PAM_AUTH_ERR)
        self.assertCalls(SEND_SMS, 2)
        self.assertEqual(self.calls(SEND_SMS)[1]["status"], 422)
        self.assertIn("GenAuth sends one code per minute. Try again in a minute.", res.errors)
        self.assertIn("throttled", res.syslog)
        self.assertCalls(V2_SMS, 0)

    def test_max_sends_counts_across_calls_in_one_handle(self):
        # sudo's retries share one PAM handle: max_sends codes at most
        self.mgmt(max_sends=1)
        self.emu.settings(rate_limit_seconds=0)
        res = self.login(PW["sam"], "@conv-err", PW["sam"], "@code", user="sam", runs=2)
        self.assertEqual(res.results, [PAM_CONV_ERR, PAM_MAXTRIES], repr(res))
        self.assertCalls(SEND_SMS, 1)
        self.assertIn("Too many codes sent. Try again later.", res.errors)
        self.assertIn("limit of 1 codes per login reached", res.syslog)

    def test_hourly_send_limit(self):
        self.mgmt(max_sends_per_hour=2)
        self.emu.settings(rate_limit_seconds=0)
        for _ in range(2):
            self.assertRc(self.login(PW["sam"], "@conv-err", user="sam"), PAM_CONV_ERR)
        res = self.login(PW["sam"], "@code", user="sam")
        self.assertRc(res, PAM_MAXTRIES)
        self.assertCalls(SEND_SMS, 2)
        self.assertEqual(len(self.emu.outbox("CHANNEL_VERIFY_MFA")), 2)
        self.assertIn("limit of 2 codes per hour reached", res.syslog)
        self.assertTrue(any(e.startswith("Too many codes were sent to you recently. "
                                         "Try again in ") for e in res.errors), repr(res))

    def test_hourly_send_limit_shared_with_enrollment(self):
        # the code sent to enroll and the code sent to verify count together
        self.mgmt(max_sends_per_hour=1)
        self.emu.settings(rate_limit_seconds=0)
        res = self.login("alice-pw", "1", "18812345678", "@code")
        self.assertRc(res, PAM_SUCCESS)
        res = self.login("alice-pw", "@code")  # now enrolled: verify
        self.assertRc(res, PAM_MAXTRIES)
        self.assertCalls(SEND_SMS, 0)
        self.assertIn("limit of 1 codes per hour reached", res.syslog)

    def test_sms_and_email_menu(self):
        res = self.login(PW["duo"], "2", "@code", user="duo")
        self.assertRc(res, PAM_SUCCESS)
        self.assertIn("ECHO_ON [Two-factor authentication is required.|"
                      "  1) SMS to +86 136****4444|  2) Email to d***@example.org|"
                      "Choose 1-2: ] -> 2", res.stdout)
        self.assertCalls(SEND_EMAIL, 1)
        self.assertCalls(SEND_SMS, 0)


class NoCredentials(VerifyCase):
    """SMS/EMAIL factors and no Management API credentials."""

    def check_no_method(self, res):
        self.assertRc(res, PAM_AUTH_ERR)
        self.assertIn(NO_METHOD, res.errors)
        self.assertRegex(res.syslog, r"<3> [^\n]*userpool_id[^\n]*userpool_secret")
        self.assertNoneOf(MGMT_TOKEN, TRIGGER, SEND_SMS, SEND_EMAIL, V2_SMS, V2_EMAIL)
        self.assertEqual(self.emu.outbox(), [])
        self.assertEqual(len(res.prompts), 1)  # the password only

    def test_sms_only_fails_closed(self):
        self.check_no_method(self.login(PW["sam"], "@code", user="sam"))

    def test_sms_and_email_fails_closed(self):
        self.check_no_method(self.login(PW["duo"], "1", "@code", user="duo"))

    def test_fails_closed_in_safe_mode_too(self):
        self.write_config(failmode="safe")
        res = self.login(PW["sam"], "@code", user="sam")
        self.check_no_method(res)
        self.assertNotIn(IGNORED, res.syslog)

    def test_only_otp_is_offered_without_credentials(self):
        code = self.totp("tri")
        res = self.login(PW["tri"], code, user="tri")
        self.assertRc(res, PAM_SUCCESS)
        self.assertNotIn("Choose", res.stdout)
        self.assertEqual(res.prompts[1], "ECHO_ON [%s] -> %s" % (OTP_PROMPT, code))
        self.assertNoneOf(SEND_SMS, SEND_EMAIL, MGMT_TOKEN)

    def test_half_credentials_are_a_config_error(self):
        self.write_config(userpool_id="emu-userpool-id")
        res = self.login(PW["sam"], user="sam")
        self.assertNotIn(res.rc, (PAM_SUCCESS, PAM_IGNORE), repr(res))
        self.assertEqual(self.calls(), [])


class Menu(VerifyCase):

    def setUp(self):
        super().setUp()
        self.mgmt()

    def test_menu_order_and_masking(self):
        code = self.totp("tri")
        res = self.login(PW["tri"], "1", code, user="tri")
        self.assertRc(res, PAM_SUCCESS)
        self.assertEqual(res.prompts[1], "ECHO_ON [%s] -> 1" % MENU_TRI)
        self.assertEqual(res.prompts[2], "ECHO_ON [%s] -> %s" % (OTP_PROMPT_R, code))
        self.assertEchoOn(res)
        self.assertNoneOf(SEND_SMS, SEND_EMAIL)
        self.assertCalls(TOTP, 1)

    def test_choice_by_name(self):
        for answer, path in (("otp", TOTP), ("sms", SEND_SMS), ("email", SEND_EMAIL),
                             ("3", SEND_EMAIL), ("2", SEND_SMS)):
            with self.subTest(answer=answer):
                self.emu.reset()
                self.emu.add_users(USERS)
                last = self.totp("tri") if path == TOTP else "@code"
                res = self.login(PW["tri"], answer, last, user="tri")
                self.assertRc(res, PAM_SUCCESS)
                self.assertCalls(path, 1)
                self.assertEqual(sum(self.count(p) for p in (TOTP, SEND_SMS, SEND_EMAIL)), 1)

    def test_invalid_choice_reprompts_with_reason(self):
        res = self.login(PW["tri"], "9", "face", "sms", "@code", user="tri")
        self.assertRc(res, PAM_SUCCESS)
        self.assertCalls(SEND_SMS, 1)
        self.assertRegex(res.prompts[2], r"^ECHO_ON \[[^|]+\|Two-factor authentication")

    def test_three_invalid_choices(self):
        res = self.login(PW["tri"], "9", "0", "face", "1", user="tri")
        self.assertRc(res, PAM_MAXTRIES)
        self.assertIn("Too many invalid answers.", res.errors)
        self.assertNoneOf(TOTP, SEND_SMS, SEND_EMAIL, TRIGGER)

    def test_single_factor_goes_straight(self):
        code = self.totp()
        res = self.login(PW["olga"], code, user="olga")
        self.assertRc(res, PAM_SUCCESS)
        self.assertEqual(res.prompts[1], "ECHO_ON [%s] -> %s" % (OTP_PROMPT_R, code))
        self.assertNotIn("Choose", res.stdout)
        # OTP with the access token: no Management API call at all
        self.assertNoneOf(MGMT_TOKEN, TRIGGER)

    def test_empty_answer_at_menu_cancels(self):
        res = self.login(PW["tri"], "@empty", user="tri")
        self.assertRc(res, PAM_AUTH_ERR)
        self.assertNoneOf(TOTP, SEND_SMS, SEND_EMAIL)
        self.assertEqual(res.errors, ["Cancelled."])


class Recovery(VerifyCase):

    def setUp(self):
        super().setUp()
        self.mgmt()

    def test_recovery_code_success(self):
        old = self.emu.recovery_code("olga")
        res = self.login(PW["olga"], "recovery", old, "@empty", user="olga")
        self.assertRc(res, PAM_SUCCESS)
        new = self.emu.recovery_code("olga")
        self.assertNotEqual(new, old)
        self.assertEqual(res.prompts[1], "ECHO_ON [%s] -> recovery" % OTP_PROMPT_R)
        self.assertEqual(res.prompts[2], "ECHO_ON [Recovery code: ] -> %s" % old)
        self.assertEqual(res.prompts[3],
                         "ECHO_ON [Recovery code accepted. Your new recovery code:|  %s|"
                         "Store this recovery code somewhere safe; it is shown only once.|"
                         "Press Enter to continue: ] -> " % new)
        self.assertEqual(res.stdout.count(new), 1)  # shown once
        self.assertCalls(V2_RECOVERY, 1)
        rec = self.calls(V2_RECOVERY)[0]
        self.assertEqual(rec["body"], {"recoveryCode": old})
        self.assertTrue(rec["headers"]["authorization"].startswith("Bearer emu-mfa-"))
        self.assertCalls(MGMT_TOKEN, 1)
        self.assertCalls(TRIGGER, 1)
        self.assertCalls(TOTP, 0)
        self.assertIn("verified with an OTP recovery code", res.syslog)
        self.assertNotIn(new, res.syslog)
        self.assertNotIn(old, res.syslog)
        # the old code is spent at GenAuth
        env = self.emu.call("POST", V2_RECOVERY, {"recoveryCode": old},
                            token=self.emu.mint_mfa_token("olga"))[1]
        self.assertEqual(env["code"], 6002)

    def test_recovery_code_shown_even_if_client_leaves(self):
        old = self.emu.recovery_code("olga")
        res = self.login(PW["olga"], "recovery", old, "@conv-err", user="olga")
        self.assertRc(res, PAM_SUCCESS)  # verified; the old code is already spent
        self.assertIn("may not have it", res.syslog)
        self.assertNotIn(self.emu.recovery_code("olga"), res.syslog)

    def test_wrong_recovery_code(self):
        old = self.emu.recovery_code("olga")
        res = self.login(PW["olga"], "recovery", "zzzz-zzzz-zzzz-zzzz", self.totp(),
                         user="olga")
        self.assertRc(res, PAM_SUCCESS)
        self.assertEqual(self.emu.recovery_code("olga"), old)  # unchanged
        self.assertEqual(self.calls(V2_RECOVERY)[0]["status"], 6002)
        self.assertIn("Wrong code. 2 tries left.|" + OTP_PROMPT_R, res.stdout)
        self.assertIn("wrong recovery code (1 of 3)", res.syslog)
        self.assertIn("verified with OTP", res.syslog)
        self.assertNotIn("zzzz-zzzz-zzzz-zzzz", res.syslog)

    def test_recovery_answer_without_a_new_code(self):
        # GenAuth accepted the code but sent no new one: verified, and the
        # user is not shown a code that does not exist
        old = self.emu.recovery_code("olga")
        self.emu.fault(V2_RECOVERY, "data_missing")
        res = self.login(PW["olga"], "recovery", old, user="olga")
        self.assertRc(res, PAM_SUCCESS)
        self.assertIn("Recovery code accepted.", res.infos)
        self.assertNotIn("Your new recovery code", res.stdout)
        self.assertNotIn(self.emu.recovery_code("olga"), res.stdout)

    def test_malformed_recovery_code_is_not_sent(self):
        old = self.emu.recovery_code("olga")
        res = self.login(PW["olga"], "recovery", "short", "has space in it", old, "@empty",
                         user="olga")
        self.assertRc(res, PAM_SUCCESS)
        self.assertCalls(V2_RECOVERY, 1)
        self.assertIn("A recovery code is 8 to 64 characters without spaces.|"
                      "Recovery code: ", res.stdout)

    def test_recovery_through_the_signin_mfa_token(self):
        # no Management API credentials: the signin answer's mfaToken is enough
        self.write_config()
        self.emu.settings(mfa_on_signin=1636)
        old = self.emu.recovery_code("olga")
        res = self.login(PW["olga"], "RECOVERY", old, "@empty", user="olga")
        self.assertRc(res, PAM_SUCCESS)
        self.assertIn(OTP_PROMPT_R, res.stdout)
        self.assertEqual(self.paths(), [SIGNIN, V2_RECOVERY])
        self.assertNotEqual(self.emu.recovery_code("olga"), old)


class SigninMfaToken(VerifyCase):
    """signin answers apiCode 1635/1636 with trigger data and an mfaToken."""

    def test_sms_with_signin_mfa_token(self):
        for api_code in (1635, 1636):
            with self.subTest(apiCode=api_code):
                self.emu.reset()
                self.emu.add_users(USERS)
                self.emu.settings(mfa_on_signin=api_code, rate_limit_seconds=0)
                res = self.login(PW["sam"], "@code", user="sam")
                self.assertRc(res, PAM_SUCCESS)
                self.assertEqual(self.paths(), [SIGNIN, SEND_SMS, V2_SMS])
                self.assertEqual(self.calls(SIGNIN)[0]["apiCode"], api_code)
                self.assertIn("verified with SMS (+86 137****1234)", res.syslog)

    def test_otp_with_signin_mfa_token(self):
        self.emu.settings(mfa_on_signin=1635)
        code = self.totp()
        res = self.login(PW["olga"], code, user="olga")
        self.assertRc(res, PAM_SUCCESS)
        self.assertEqual(res.prompts[1], "ECHO_ON [%s] -> %s" % (OTP_PROMPT_R, code))
        self.assertEqual(self.paths(), [SIGNIN, V2_TOTP])
        self.assertEqual(self.calls(V2_TOTP)[0]["body"], {"totp": code})

    def test_wrong_otp_with_signin_mfa_token(self):
        self.emu.settings(mfa_on_signin=1635)
        bad = self.wrong_totp()
        res = self.login(PW["olga"], bad, bad, bad, user="olga")
        self.assertRc(res, PAM_MAXTRIES)
        self.assertEqual([r["status"] for r in self.calls(V2_TOTP)], [6001] * 3)

    def test_menu_from_signin_trigger_data(self):
        self.emu.settings(mfa_on_signin=1635)
        res = self.login(PW["tri"], "3", "@code", user="tri")
        self.assertRc(res, PAM_SUCCESS)
        self.assertEqual(res.prompts[1], "ECHO_ON [%s] -> 3" % MENU_TRI)
        self.assertEqual(self.paths(), [SIGNIN, SEND_EMAIL, V2_EMAIL])

    def test_signin_mfa_token_expired_without_credentials(self):
        # nothing to renew the token with: denied, asked to log in again
        self.emu.settings(mfa_on_signin=1635, mfa_token_lifetime=60)
        self.emu.fault(SEND_SMS, "slow", count=1, seconds=2)
        done = self.when_requested(SEND_SMS, lambda: self.emu.advance_clock(120))
        res = self.login(PW["sam"], "@code", "@code", user="sam")
        self.assertTrue(done.is_set())
        self.assertRc(res, PAM_AUTH_ERR)
        self.assertIn(EXPIRED, res.errors)
        self.assertEqual([r["status"] for r in self.calls(V2_SMS)], [2021])
        self.assertNoneOf(MGMT_TOKEN, TRIGGER)

    def test_signin_mfa_token_expired_with_credentials(self):
        self.mgmt()
        self.emu.settings(mfa_on_signin=1635, mfa_token_lifetime=60)
        self.emu.fault(SEND_SMS, "slow", count=1, seconds=2)
        done = self.when_requested(SEND_SMS, lambda: self.emu.advance_clock(120))
        res = self.login(PW["sam"], "@code", user="sam")
        self.assertTrue(done.is_set())
        self.assertRc(res, PAM_SUCCESS)
        self.assertEqual([r["status"] for r in self.calls(V2_SMS)], [2021, 200])
        self.assertCalls(TRIGGER, 1)
        self.assertCalls(MGMT_TOKEN, 1)

    # Regression: with the application's policies in the trigger data, OTP
    # was offered although totpMfaEnabled is false.
    def test_application_policies_offer_only_the_users_factors(self):
        self.emu.settings(mfa_on_signin=1635, trigger_mfa_source="application")
        res = self.login(PW["sam"], "@code", user="sam")
        self.assertRc(res, PAM_SUCCESS)
        self.assertNotIn("Authenticator app", res.stdout)

    def test_signin_without_mfa_token_and_no_credentials(self):
        self.emu.settings(mfa_on_signin=1635)
        self.emu.fault(SIGNIN, "error", count=1, statusCode=302, apiCode=1635,
                       message="MFA required", data={"applicationMfa": []})
        res = self.login(PW["sam"], user="sam")
        self.assertRc(res, PAM_AUTH_ERR)
        self.assertIn(NO_METHOD, res.errors)
        self.assertNoneOf(SEND_SMS, V2_SMS)


class Faults(VerifyCase):
    """Every new endpoint failing: the fail mode decides, never success."""

    KINDS = ("http500", "badjson", "status500", "hang")

    def scenario(self, path):
        """(user, answers, needs management credentials, signin MFA) reaching path."""
        if path == TOTP:
            return "olga", [PW["olga"], self.totp()], False, False
        if path == V2_TOTP:
            return "olga", [PW["olga"], self.totp()], False, True
        if path == V2_RECOVERY:
            return "olga", [PW["olga"], "recovery", self.emu.recovery_code("olga"),
                            "@empty"], True, False
        if path in (SEND_EMAIL, V2_EMAIL):
            return "eve", [PW["eve"], "@code"], True, False
        return "sam", [PW["sam"], "@code"], True, False

    def run_fault(self, path, kind, failmode):
        self.emu.reset()
        self.emu.add_users(USERS)
        shutil.rmtree(self.state_dir, ignore_errors=True)  # the hourly send counts
        user, answers, mgmt, signin = self.scenario(path)
        extra = {"failmode": failmode, "timeout": 2, "connect_timeout": 2}
        if mgmt:
            self.mgmt(**extra)
        else:
            self.write_config(**extra)
        if signin:
            self.emu.settings(mfa_on_signin=1635)
        self.emu.fault(path, kind, seconds=10) if kind == "hang" else self.emu.fault(path, kind)
        return self.login(*answers, user=user)

    def test_every_fault_on_every_new_endpoint_secure(self):
        for path in VERIFY_PATHS:
            for kind in self.KINDS:
                with self.subTest(path=path, kind=kind):
                    res = self.run_fault(path, kind, "secure")
                    self.assertRc(res, PAM_AUTHINFO_UNAVAIL)
                    self.assertGreaterEqual(self.count(path), 1)
                    self.assertEqual(res.syslog.count("GenAuth unavailable ("), 1, repr(res))
                    self.assertIn("failmode secure", res.syslog)
                    self.assertNotIn("verified with", res.syslog)

    def test_every_fault_on_every_new_endpoint_safe(self):
        for path in VERIFY_PATHS:
            for kind in ("http500", "badjson"):
                with self.subTest(path=path, kind=kind):
                    res = self.run_fault(path, kind, "safe")
                    self.assertNotEqual(res.rc, PAM_SUCCESS, repr(res))
                    self.assertIgnored(res)
                    self.assertIn("failmode safe", res.syslog)
                    self.assertNotIn("verified with", res.syslog)

    def test_malformed_answers_never_verify_a_wrong_otp_code(self):
        # only a clean {"verified": true} counts; anything else is a wrong
        # code or "unavailable", never success
        cases = [("data_null", {}), ("data_missing", {}), ("data_wrong_type", {}),
                 ("status_string", {}), ("truncated", {}), ("empty", {}),
                 ("nul_in_string", {}), ("deep", {}), ("huge", {}),
                 ("error", {"statusCode": 200, "data": {"verified": "true"}}),
                 ("error", {"statusCode": 200, "data": {"verified": 1}}),
                 ("error", {"statusCode": 200, "data": {"verified": None}}),
                 ("error", {"statusCode": 200, "data": {}}),
                 ("error", {"statusCode": 200, "data": [{"verified": True}]}),
                 ("error", {"statusCode": "200", "data": {"verified": True}}),
                 ("error", {"statusCode": 400, "data": {"verified": True}})]
        for kind, kw in cases:
            with self.subTest(kind=kind, **{k: repr(v) for k, v in kw.items()}):
                self.emu.reset()
                self.emu.add_users(USERS)
                self.emu.fault(TOTP, kind, **kw)
                res = self.login(PW["olga"], self.wrong_totp(), "@empty", user="olga")
                self.assertEqual(self.calls(TOTP)[0]["fault"], kind)
                self.assertNotEqual(res.rc, PAM_SUCCESS, repr(res))
                self.assertIn(res.rc, (PAM_AUTH_ERR, PAM_AUTHINFO_UNAVAIL), repr(res))
                self.assertNotIn("verified with", res.syslog)

    def test_malformed_v2_answers_never_verify(self):
        # a success code of the wrong type, or a V3 envelope, is not success
        cases = [("status_string", {}),
                 ("error", {"code": "200", "message": "success"}),
                 ("error", {"code": 200.5, "message": "success"}),
                 ("error", {"statusCode": 200, "remove": ["code"], "message": "success"})]
        for kind, kw in cases:
            with self.subTest(kind=kind, **{k: repr(v) for k, v in kw.items()}):
                self.emu.reset()
                self.emu.add_users(USERS)
                shutil.rmtree(self.state_dir, ignore_errors=True)
                self.mgmt()
                self.emu.fault(V2_SMS, kind, **kw)
                res = self.login(PW["sam"], "@code", "@empty", user="sam")
                self.assertEqual(self.calls(V2_SMS)[0]["fault"], kind)
                self.assertNotEqual(res.rc, PAM_SUCCESS, repr(res))
                self.assertNotIn("verified with", res.syslog)

    def throttled(self, path):
        """GenAuth throttling path (HTTP 429 and an envelope 429) in failmode
        safe: a refusal (PAM_AUTH_ERR), never "unavailable" (PAM_IGNORE):
        someone who knows the password can make GenAuth throttle by logging
        in again and again, and must not get past the factor that way."""
        for kind, mirror in (("throttle429", False), ("throttle429", True),
                             ("error", True)):
            with self.subTest(path=path, kind=kind, http_status_mirrors=mirror):
                self.emu.reset()
                self.emu.add_users(USERS)
                self.emu.settings(http_status_mirrors=mirror)
                shutil.rmtree(self.state_dir, ignore_errors=True)
                user, answers, mgmt, signin = self.scenario(path)
                if mgmt:
                    self.mgmt(failmode="safe")
                else:
                    self.write_config(failmode="safe")
                if signin:
                    self.emu.settings(mfa_on_signin=1635)
                self.emu.fault(path, kind, statusCode=429)
                res = self.login(*answers, user=user)
                self.assertRc(res, PAM_AUTH_ERR)
                self.assertNotIn(IGNORED, res.syslog)
                self.assertIn("throttled", res.syslog)
                self.assertNotIn("verified with", res.syslog)

    def test_throttling_is_a_refusal_not_unavailable(self):
        for path in VERIFY_PATHS:
            if path != MGMT_TOKEN:
                self.throttled(path)

    # Regression: ga_parse_mgmt_token mapped 429 to GA_ERR_UNAVAIL, so
    # failmode = safe gave PAM_IGNORE.
    def test_throttled_management_token_is_a_refusal(self):
        self.throttled(MGMT_TOKEN)

    def test_fault_after_send_sends_no_second_code(self):
        self.mgmt()
        self.emu.fault(V2_SMS, "http500", count=1)
        res = self.login(PW["sam"], "@code", "@code", user="sam")
        self.assertRc(res, PAM_AUTHINFO_UNAVAIL)
        self.assertCalls(SEND_SMS, 1)
        self.assertCalls(V2_SMS, 1)  # a failed check is not retried

    def test_wrong_userpool_secret(self):
        for failmode in ("secure", "safe"):
            with self.subTest(failmode=failmode):
                self.emu.reset()
                self.emu.add_users(USERS)
                self.mgmt(userpool_secret="not-the-pool-secret", failmode=failmode)
                res = self.login(PW["sam"], "@code", user="sam")
                self.assertNotEqual(res.rc, PAM_SUCCESS, repr(res))
                # as a wrong app_secret: "unavailable", so failmode decides
                # (safe: the rest of the stack decides). conf/pam_genauth.conf
                # says a bad config is never affected by failmode: reported.
                if failmode == "secure":
                    self.assertRc(res, PAM_AUTHINFO_UNAVAIL)
                else:
                    self.assertIgnored(res)
                self.assertCalls(MGMT_TOKEN, 1)
                self.assertNoneOf(TRIGGER, SEND_SMS, V2_SMS)
                # regression (hostile B14): the call and the credentials named
                self.assertIn("GenAuth unavailable (user pool credentials rejected) at "
                              "get-management-token", res.syslog)
                self.assertNotIn("not-the-pool-secret", res.syslog)
                self.assertNotIn("not-the-pool-secret", res.stdout)

    def test_management_api_unreachable(self):
        import socket
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        self.write_config(mgmt_host="https://127.0.0.1:%d" % port,
                          userpool_id="emu-userpool-id",
                          userpool_secret="emu-userpool-secret")
        res = self.login(PW["sam"], "@code", user="sam")
        self.assertRc(res, PAM_AUTHINFO_UNAVAIL)
        self.assertNoneOf(SEND_SMS, V2_SMS)
        self.assertIn("GenAuth unavailable (", res.syslog)

    def test_management_token_refused_at_trigger_data(self):
        self.mgmt()
        self.emu.fault(TRIGGER, "error", statusCode=401,
                       message="invalid or expired management token")
        res = self.login(PW["sam"], "@code", user="sam")
        self.assertRc(res, PAM_AUTHINFO_UNAVAIL)
        self.assertNoneOf(SEND_SMS, V2_SMS)
        self.assertIn("GenAuth unavailable (", res.syslog)

    def test_management_token_revoked_between_logins_in_one_process(self):
        # the second pam_authenticate in the same process finds its cached
        # management token revoked at GenAuth: one new token, then verified
        self.mgmt()
        self.emu.settings(rate_limit_seconds=0)
        self.emu.fault(SEND_SMS, "slow", count=1, seconds=1)
        done = self.when_requested(SEND_SMS, self.emu.revoke_mgmt_tokens)
        res = self.login(PW["sam"], "@conv-err", PW["sam"], "@code", user="sam", runs=2)
        self.assertTrue(done.is_set())
        self.assertEqual(res.results, [PAM_CONV_ERR, PAM_SUCCESS], repr(res))
        self.assertEqual([r["status"] for r in self.calls(TRIGGER)], [200, 401, 200])
        self.assertEqual(self.emu.mgmt_token_requests(), 2)
        self.assertEqual(self.calls(V2_SMS)[-1]["status"], 200)
        self.assertIn("management token refused (cached token), fetching a new one",
                      res.syslog)

    def test_management_token_refused_twice_is_not_success(self):
        self.mgmt()
        self.emu.fault(TRIGGER, "error", statusCode=401,
                       message="invalid or expired management token")
        res = self.login(PW["sam"], PW["sam"], user="sam", runs=2)
        self.assertEqual(res.results, [PAM_AUTHINFO_UNAVAIL] * 2, repr(res))
        self.assertNoneOf(SEND_SMS, V2_SMS)
        # one new token per refusal at most: no loop
        self.assertLessEqual(self.count(TRIGGER), 4)
        self.assertLessEqual(self.emu.mgmt_token_requests(), 4)


class Language(VerifyCase):

    def setUp(self):
        super().setUp()
        self.mgmt()

    def visible(self, res):
        return [l for l in res.lines if not l.startswith("RESULT")]

    def test_en_us_output_is_pure_ascii(self):
        old = self.emu.recovery_code("tri")
        res = self.login(PW["tri"], "9", "1", self.wrong_totp("tri"), "recovery", old,
                         "@empty", user="tri")
        self.assertRc(res, PAM_SUCCESS)
        for line in self.visible(res):
            self.assertRegex(line, r"^[ -~]*$", "not printable ASCII: %r" % line)
            text = re.sub(r"^\w+ \[|\]( -> .*)?$", "", line)
            for part in text.split("|"):
                self.assertLessEqual(len(part), 80, "over 80 columns: %r" % part)
        res = self.login(PW["sam"], "@code", user="sam")
        self.assertRc(res, PAM_SUCCESS)
        for line in self.visible(res):
            self.assertRegex(line, r"^[ -~]*$")

    def test_zh_cn_prompts(self):
        self.mgmt(lang="zh-CN")
        code = self.totp("tri")
        res = self.login(PW["tri"], "otp", self.wrong_totp("tri"), code, user="tri")
        self.assertRc(res, PAM_SUCCESS)
        self.assertNotIn("\ufffd", res.stdout, "invalid UTF-8")
        menu, first, second = res.prompts[1:4]
        for p in (menu, first, second):
            self.assertRegex(p, r"[\u4e00-\u9fff]", "not Chinese: %r" % p)
            self.assertNotIn("Authenticator app", p)
        self.assertIn("+86 138****5678", menu)
        self.assertIn("a***@example.com", menu)
        self.assertIn("1-3", menu)
        self.assertEqual(self.calls(SIGNIN)[0]["headers"]["x-authing-lang"], "zh-CN")
        # log lines stay English
        self.assertIn("wrong OTP code (1 of 3)", res.syslog)
        self.assertIn("verified with OTP", res.syslog)

    def test_zh_cn_sms_and_errors(self):
        self.mgmt(lang="zh-CN")
        res = self.login(PW["sam"], "11111111", "22222222", "33333333", user="sam")
        self.assertRc(res, PAM_MAXTRIES)
        self.assertNotIn("\ufffd", res.stdout)
        self.assertIn("+86 137****1234", res.prompts[1])
        for text in res.prompts[1:] + res.errors:
            self.assertRegex(text, r"[\u4e00-\u9fff]", "not Chinese: %r" % text)


if __name__ == "__main__":
    main()
