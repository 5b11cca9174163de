#!/usr/bin/python3
"""End to end through real libpam against the GenAuth emulator over TLS:
enrolling an authenticator app (OTP). The code is computed, like a phone
would, from the key the module showed (pam_driver @exec + totp_answer.py)
at the emulator's clock."""

import os
import re
import subprocess
import sys
import time

from pamlib import (HERE, PAM_AUTH_ERR, PAM_AUTHINFO_UNAVAIL, PAM_CONV_ERR, PAM_IGNORE,
                    PAM_MAXTRIES, PAM_PERM_DENIED, PAM_SUCCESS, SLOW, TOTP_ANSWER, ConvCase,
                    DEFAULT_USERS, emulator_secrets, emulib, main)

sys.path.insert(0, HERE)
import totp_answer  # noqa: E402

SIGNIN = "/api/v3/signin"
SEND = "/api/v3/send-enroll-factor-request"
BIND = "/api/v3/enroll-factor"
LIST = "/api/v3/list-enrolled-factors"
TOTP_VERIFY = "/api/v3/mfa-totp-verify"

MENU = ("Set up two-factor authentication for your account.\n"
        "  1) SMS (text message to your phone)\n"
        "  2) Authenticator app (TOTP)\n"
        "Choose 1-2: ")
HEADING = ("Set up your authenticator app (for example Google Authenticator,\n"
           "Microsoft Authenticator or FreeOTP).")
SCAN = "Scan this QR code with the app:"
BY_HAND = "Or enter this key by hand:"
BY_HAND_NO_QR = "Enter this key in the app by hand:"  # qr = off: no "Or"
STORE = "Store this recovery code somewhere safe; it is shown only once."
PROMPT6 = "Enter the 6-digit code from your authenticator app: "
PROMPT8 = "Enter the 8-digit code from your authenticator app: "
DONE = "Two-factor authentication is set up: authenticator app."
EXPIRED_NOTE = "This setup has expired. Remove the old entry from your authenticator app."
NEW_QR = "Show a new QR code? [y/N]: "
TOO_MANY = "Too many wrong codes. Log in again to start over."
EXPIRED_END = "This setup has expired. Log in again to start over."
UNAVAIL_LINE = "GenAuth unavailable (bad answer) at send-enroll-factor-request"
QR_UTF8 = set("\u2588\u2580\u2584 ")
QR_ASCII = set("# ")
MALFORMED = ("missing", "null", "not_object", "wrong_types", "uri_missing", "uri_empty",
             "uri_not_otpauth", "uri_hotp", "uri_no_secret", "uri_bad_secret",
             "uri_short_secret", "uri_algorithm", "uri_digits", "uri_period", "uri_too_long",
             "uri_control", "uri_bad_utf8")


def qr_lines(shown):
    """The lines between the scan heading and the key heading."""
    lines = shown.split("\n")
    if SCAN not in lines:
        return []
    start = lines.index(SCAN) + 1
    return lines[start:lines.index(BY_HAND, start)]


def answers(res):
    """The ECHO_ON answers given, in order (str)."""
    return [d.decode() for k, d, _ in res.events if k == "ANSWER" and d is not None]


def exchanges(res):
    """(kind, prompt text, answer) for every prompt, in order; the answer is
    None when it was not shown (ECHO_OFF, conversation error)."""
    out, prompt = [], None
    for kind, data, word in res.events:
        if kind in ("ECHO_ON", "ECHO_OFF"):
            prompt = (kind, data.decode("utf-8", errors="replace"))
        elif kind in ("INFO", "ERROR"):
            prompt = None  # shown after the prompt: not the prompt's own text
        elif kind == "ANSWER":
            out.append((prompt[0] if prompt else None, prompt[1] if prompt else None,
                        data.decode() if data is not None else None))
    return out


class OtpEnrollment(ConvCase):

    def setUp(self):
        super().setUp()
        self.write_config(factors=["SMS", "OTP"])

    # ---- helpers ----
    def enroll(self, *answers_, **kw):
        """Password, menu choice 2 (the app), then the given answers."""
        return self.tlogin("alice-pw", "2", *answers_, **kw)

    def enrolled_types(self, user="alice"):
        token = self.emu.mint_token(user)
        status, env, _ = self.emu.call("GET", LIST, token=token)
        self.assertEqual(status, 200)
        return [f["factorType"] for f in env["data"]]

    def keys_shown(self, res):
        """Every key shown, in order (base32 without spaces)."""
        keys, text = [], res.shown
        while True:
            found = totp_answer.parse(text)
            if not found:
                break
            keys.insert(0, found["secret"])
            text = text[:max(text.rfind(BY_HAND), text.rfind(BY_HAND_NO_QR))]
        return keys

    def assertNoSecretLogged(self, res, *extra):
        """Nothing secret from this run in the syslog capture (nor on stderr)."""
        secrets = ["alice-pw"] + list(extra)
        for key in self.keys_shown(res):
            secrets += [key, " ".join(key[i:i + 4] for i in range(0, len(key), 4))]
        for m in re.finditer(r"\n  ([0-9a-f]{4}(?:-[0-9a-f]{4})+)\n", res.shown):
            secrets.append(m.group(1))
        secrets += answers(res)[1:]  # the codes (the first answer is the menu choice)
        secrets += sorted(emulator_secrets(self.emu))
        for r in self.emu.requests():
            auth = r["headers"].get("authorization", "")
            if auth.startswith("Bearer "):
                secrets.append(auth[7:])
            if isinstance(r["body"], dict) and r["body"].get("enrollmentToken"):
                secrets.append(r["body"]["enrollmentToken"])
        self.assertNotIn("otpauth", res.syslog)
        for s in secrets:
            if len(s) >= 4:
                self.assertNotIn(s, res.syslog, "secret %r in the syslog" % s)
                self.assertNotIn(s, res.stderr, "secret %r on stderr" % s)

    def assertNoSecretOnDisk(self, *secrets):
        for root, _, files in os.walk(self.state_dir):
            for name in files:
                with open(os.path.join(root, name), "rb") as f:
                    data = f.read()
                for s in secrets:
                    self.assertNotIn(s.encode(), data, "%s holds a secret" % name)

    def assertCodePromptLast(self, res, prompt=PROMPT6):
        """Each code answer came right after its ECHO_ON prompt, with nothing
        shown in between."""
        codes = [(k, t) for k, t, a in exchanges(res)[2:] if a and a.isdigit()]
        self.assertTrue(codes, repr(res))
        for kind, text in codes:
            self.assertEqual(kind, "ECHO_ON", repr(res))
            self.assertTrue(text and text.endswith(prompt), "%r\n%r" % (text, res))

    # ---- the default of factors ----
    def test_default_factors_without_credentials_is_the_app(self):
        """No factors key and no Management API credentials: SMS or email
        enrolled now could not be verified at the next login, so only the
        authenticator app is offered."""
        self.write_config(factors=None)
        res = self.tlogin("alice-pw", "1", self.totp())
        self.assertRc(res, PAM_SUCCESS)
        self.assertIn("  1) Authenticator app (TOTP)\nChoose 1: ", res.shown)
        self.assertNotIn("SMS", res.shown)
        self.assertIn(HEADING, res.shown)
        self.assertEqual([c["body"]["factorType"] for c in self.calls(SEND)], ["OTP"])
        self.assertEqual(self.enrolled_types(), ["OTP"])
        self.assertNotIn("cannot be verified", res.syslog)

    def test_default_factors_with_credentials_or_ignore_are_sms_and_email(self):
        for extra in (self.mgmt_config(), {"on_enrolled": "ignore"}):
            with self.subTest(config=sorted(extra)):
                self.emu.reset()
                self.emu.add_users(DEFAULT_USERS)
                self.write_config(factors=None, **extra)
                res = self.tlogin("alice-pw", "@conv-err")
                self.assertRc(res, PAM_AUTH_ERR)  # noninteractive = deny
                self.assertIn("  1) SMS (text message to your phone)\n"
                              "  2) Email\n", res.shown)
                self.assertNotIn("Authenticator app", res.shown)
                self.assertEqual(self.calls(SEND), [])

    def test_listed_sms_without_credentials_warns_at_enrollment(self):
        """An explicit list is taken as written (a GenAuth application whose
        sign-in demands MFA returns an mfaToken that verifies SMS), but the
        admin hears that the factor cannot be verified otherwise."""
        res = self.tlogin("alice-pw", "1", "13800000000", "@code")
        self.assertRc(res, PAM_SUCCESS)
        self.assertEqual(self.enrolled_types(), ["SMS"])
        self.assertRegex(res.syslog, r"user alice: SMS was enrolled, but without userpool_id "
                                     r"and userpool_secret it cannot be verified")

    # ---- PAM_SILENT ----
    def test_silent_hides_notices_but_not_the_key(self):
        """PAM_SILENT silences the module's notices and error messages, not
        what the next question needs: the QR code, the key and the recovery
        code are still shown, or nobody could answer the code prompt."""
        res = self.enroll(self.totp(), silent=True)
        self.assertRc(res, PAM_SUCCESS)
        self.assertEqual(self.enrolled_types(), ["OTP"])
        self.assertIn(SCAN, res.shown)
        self.assertIn(BY_HAND, res.shown)
        self.assertIn(STORE, res.shown)
        self.assertNotIn(DONE, res.shown)  # a notice: silenced
        self.assertEqual([k for k, _ in res.messages if k == "ERROR"], [])
        self.assertCodePromptLast(res)
        # without PAM_SILENT the notice is there
        self.emu.reset()
        self.emu.add_users(DEFAULT_USERS)
        res = self.enroll(self.totp())
        self.assertRc(res, PAM_SUCCESS)
        self.assertIn(DONE, res.shown)

    def test_silent_wrong_code_note_stays_in_the_prompt(self):
        """A note that is part of a question ("Wrong code...") is shown
        under PAM_SILENT too; only separate messages are silenced."""
        res = self.enroll(self.totp("--wrong"), self.totp(), silent=True)
        self.assertRc(res, PAM_SUCCESS)
        self.assertEqual([k for k, _ in res.messages if k == "ERROR"], [])
        prompts = [t for k, t, _ in exchanges(res) if k == "ECHO_ON"]
        self.assertTrue(any(t.startswith("Wrong code. 2 tries left.\n") and t.endswith(PROMPT6)
                            for t in prompts), repr(prompts))
        self.assertEqual(len(self.calls(BIND)), 2)

    # ---- the whole enrollment ----
    def test_enroll_with_utf8_qr_then_verify(self):
        res = self.enroll(self.totp())
        self.assertRc(res, PAM_SUCCESS)
        self.assertIn(("ECHO_ON", MENU.encode()), res.messages)
        shown = res.shown
        self.assertIn(HEADING, shown)
        qr = qr_lines(shown)
        self.assertGreater(len(qr), 10, shown)
        for line in qr:
            self.assertTrue(set(line) <= QR_UTF8, line)
        self.assertTrue(any("\u2588" in line for line in qr))
        # the key shown is the emulator's otpData secret, now bound
        self.assertEqual(self.enrolled_types(), ["OTP"])
        factor = self.emu.otp_factor("alice")
        self.assertEqual(self.keys_shown(res), [factor["secret"]])
        grouped = " ".join(factor["secret"][i:i + 4] for i in range(0, 32, 4))
        self.assertIn(BY_HAND + "\n  " + grouped + "\n"
                      "Time-based (TOTP), 6 digits, every 30 seconds.\n"
                      "Issuer: emu-pool\nAccount: alice\nRecovery code:\n  "
                      + factor["recoveryCode"] + "\n" + STORE, shown)
        self.assertEqual(shown.count(factor["recoveryCode"]), 1, "recovery code shown twice")
        self.assertEqual(res.messages[-1], ("INFO", DONE.encode()))
        self.assertCodePromptLast(res)
        self.assertMessagesFit(res)
        # what went to GenAuth
        send = self.calls(SEND)
        self.assertEqual([r["body"] for r in send], [{"factorType": "OTP", "profile": {}}])
        bind = self.calls(BIND)
        self.assertEqual(len(bind), 1)
        self.assertEqual(bind[0]["body"]["factorType"], "OTP")
        self.assertEqual(bind[0]["body"]["enrollmentData"], {"passCode": answers(res)[1]})
        self.assertIn("OTP factor bound (authenticator app)", res.syslog)
        self.assertNoSecretLogged(res)
        self.assertNoSecretOnDisk(factor["secret"], factor["recoveryCode"])
        self.assertEqual(self.pending_files(), [])
        # the next login verifies with the app
        res2 = self.tlogin("alice-pw", self.totp("--user", "alice"))
        self.assertRc(res2, PAM_SUCCESS)
        self.assertEqual(res2.messages[1], ("ECHO_ON", b"Authenticator app code: "))
        self.assertEqual(len(self.calls(TOTP_VERIFY)), 1)
        self.assertEqual(len(self.calls(SEND)), 1)
        self.assertNoSecretLogged(res2, factor["secret"], factor["recoveryCode"])

    def test_qr_ascii(self):
        self.write_config(factors=["SMS", "OTP"], qr="ascii")
        res = self.enroll(self.totp())
        self.assertRc(res, PAM_SUCCESS)
        qr = qr_lines(res.shown)
        self.assertGreater(len(qr), 20, res.shown)
        for line in qr:
            self.assertTrue(set(line) <= QR_ASCII, line)
        self.assertTrue(any("##" in line for line in qr))
        for kind, data in res.messages:
            data.decode("ascii")  # only ASCII, QR included
        self.assertEqual(self.keys_shown(res), [self.emu.otp_secret("alice")])
        self.assertIn("QR code ascii", res.syslog)
        self.assertMessagesFit(res)
        self.assertNoSecretLogged(res)

    def test_qr_off_still_shows_the_key(self):
        self.write_config(factors=["SMS", "OTP"], qr="off")
        res = self.enroll(self.totp())
        self.assertRc(res, PAM_SUCCESS)
        self.assertNotIn(SCAN, res.shown)
        self.assertNotIn("\u2588", res.shown)
        # regression: the key's heading began with "Or" with no QR code before it
        self.assertIn(HEADING + "\n" + BY_HAND_NO_QR + "\n  ", res.shown)
        self.assertNotIn(BY_HAND, res.shown)
        self.assertEqual(self.keys_shown(res), [self.emu.otp_secret("alice")])
        self.assertIn("QR code not shown", res.syslog)
        self.assertCodePromptLast(res)
        self.assertNoSecretLogged(res)

    def test_recovery_code_absent_is_not_shown(self):
        self.emu.settings(otp_data_variant="recovery_missing")
        res = self.enroll(self.totp())
        self.assertRc(res, PAM_SUCCESS)
        self.assertNotIn("Recovery code:", res.shown)
        self.assertNotIn(STORE, res.shown)
        self.assertIn("recovery code absent", res.syslog)
        self.assertEqual(self.enrolled_types(), ["OTP"])

    # ---- wrong codes ----
    def test_wrong_code_then_right(self):
        res = self.enroll(self.totp("--wrong"), self.totp())
        self.assertRc(res, PAM_SUCCESS)
        self.assertEqual(exchanges(res)[3][1], "Wrong code. 2 tries left.\n" + PROMPT6)
        self.assertEqual(len(self.calls(BIND)), 2)
        self.assertEqual(len(self.calls(SEND)), 1)
        self.assertEqual(self.enrolled_types(), ["OTP"])
        self.assertIn("wrong OTP enrollment code (1 of 3)", res.syslog)
        self.assertCodePromptLast(res)
        self.assertNoSecretLogged(res)

    def test_too_many_wrong_codes(self):
        res = self.enroll(*[self.totp("--wrong")] * 3)
        self.assertRc(res, PAM_MAXTRIES)
        prompts = [text for kind, text, a in exchanges(res)[2:]]
        self.assertEqual(prompts, [PROMPT6, "Wrong code. 2 tries left.\n" + PROMPT6,
                                   "Wrong code. 1 try left.\n" + PROMPT6])
        self.assertEqual(res.messages[-1], ("ERROR", TOO_MANY.encode()))
        self.assertEqual(len(self.calls(BIND)), 3)
        self.assertEqual(self.enrolled_types(), [])
        self.assertNoSecretLogged(res)

    def test_code_of_wrong_length_is_not_sent(self):
        res = self.enroll("12345", "1234567", self.totp())
        self.assertRc(res, PAM_SUCCESS)
        self.assertEqual(len(self.calls(BIND)), 1)
        self.assertEqual([t for k, t, a in exchanges(res)[2:]],
                         [PROMPT6] + ["The code has 6 digits.\n" + PROMPT6] * 2)

    # ---- the setup expires while the user scans ----
    def test_expired_setup_new_qr_code(self):
        res = self.enroll(self.totp("--advance", 61), "y", self.totp())
        self.assertRc(res, PAM_SUCCESS)
        self.assertEqual(exchanges(res)[3][:2], ("ECHO_ON", EXPIRED_NOTE + "\n" + NEW_QR))
        keys = self.keys_shown(res)
        self.assertEqual(len(keys), 2, res.shown)
        self.assertNotEqual(keys[0], keys[1])
        self.assertEqual(self.emu.otp_secret("alice"), keys[1])
        self.assertEqual(len(self.calls(SEND)), 2)
        self.assertEqual(len(self.calls(BIND)), 2)
        self.assertIn("the OTP enrollment token expired", res.syslog)
        self.assertCodePromptLast(res)
        self.assertMessagesFit(res)
        self.assertNoSecretLogged(res)

    def test_expired_setup_declined(self):
        res = self.enroll(self.totp("--advance", 61), "n")
        self.assertRc(res, PAM_AUTH_ERR)
        self.assertEqual(len(self.calls(SEND)), 1)
        self.assertEqual(self.enrolled_types(), [])
        self.assertIn("declined a new OTP key", res.syslog)
        self.assertEqual(res.errors[-1:], ["Cancelled."])

    def test_expired_setup_without_sends_left(self):
        self.write_config(factors=["SMS", "OTP"], max_sends=1)
        res = self.enroll(self.totp("--advance", 61))
        self.assertRc(res, PAM_MAXTRIES)
        self.assertEqual(res.messages[-1], ("ERROR", EXPIRED_END.encode()))
        self.assertEqual(len(self.calls(SEND)), 1)

    # ---- the client goes away and comes back ----
    def test_resume_in_the_same_handle(self):
        res = self.enroll("@conv-err", self.totp(), runs=2)
        self.assertEqual(res.results, [PAM_CONV_ERR, PAM_SUCCESS], repr(res))
        self.assertEqual(len(self.keys_shown(res)), 1)  # not shown again
        self.assertEqual(len(self.calls(SEND)), 1)
        self.assertEqual(self.enrolled_types(), ["OTP"])
        self.assertIn("resuming the OTP enrollment", res.syslog)
        self.assertEqual(os.listdir(self.state_dir) if os.path.isdir(self.state_dir) else [],
                         [], "an OTP enrollment left state on disk")

    def test_new_login_after_a_drop_starts_over(self):
        first = self.enroll("@conv-err")
        self.assertRc(first, PAM_CONV_ERR)
        self.assertEqual(self.pending_files(), [])  # the secret never touches disk
        second = self.enroll(self.totp())
        self.assertRc(second, PAM_SUCCESS)
        keys = self.keys_shown(first) + self.keys_shown(second)
        self.assertEqual(len(keys), 2)
        self.assertNotEqual(keys[0], keys[1])
        self.assertEqual(self.emu.otp_secret("alice"), keys[1])
        self.assertEqual(len(self.calls(SEND)), 2)
        self.assertNoSecretOnDisk(*keys)

    def test_request_and_bind_steps(self):
        self.stack("auth required {mod} conf={conf} step=request",
                   "auth required {mod} conf={conf} step=bind")
        res = self.enroll(self.totp())
        self.assertRc(res, PAM_SUCCESS)
        self.assertEqual(len(self.calls(SIGNIN)), 1)
        self.assertEqual(len(self.calls(SEND)), 1)
        self.assertEqual(len(self.calls(BIND)), 1)
        self.assertEqual(self.keys_shown(res), [self.emu.otp_secret("alice")])
        self.assertCodePromptLast(res)

    def test_max_attempts_one(self):
        self.write_config(factors=["SMS", "OTP"], max_attempts=1)
        res = self.enroll(self.totp("--wrong"))
        self.assertRc(res, PAM_MAXTRIES)
        self.assertEqual(res.messages[-1], ("ERROR", TOO_MANY.encode()))

    # ---- other key shapes ----
    def test_eight_digits(self):
        self.emu.settings(otp_digits=8)
        res = self.enroll("123456", self.totp())
        self.assertRc(res, PAM_SUCCESS)
        self.assertIn("Time-based (TOTP), 8 digits, every 30 seconds.", res.shown)
        ex = exchanges(res)
        self.assertEqual(ex[2][1:], (PROMPT8, "123456"))
        self.assertEqual(ex[3][1], "The code has 8 digits.\n" + PROMPT8)
        self.assertEqual(len(ex[3][2]), 8)
        self.assertEqual(len(self.calls(BIND)), 1)
        self.assertEqual(self.emu.otp_factor("alice")["digits"], 8)
        res2 = self.tlogin("alice-pw", self.totp("--user", "alice"))
        self.assertRc(res2, PAM_SUCCESS)
        self.assertNoSecretLogged(res)

    def test_sixty_second_period(self):
        self.emu.settings(otp_period=60)
        res = self.enroll(self.totp())
        self.assertRc(res, PAM_SUCCESS)
        self.assertIn("Time-based (TOTP), 6 digits, every 60 seconds.", res.shown)
        self.assertEqual(self.emu.otp_factor("alice")["period"], 60)

    # ---- malformed otpData: refused, nothing shown ----
    def test_every_malformed_otp_data_is_refused(self):
        for variant in MALFORMED:
            with self.subTest(variant=variant):
                self.emu.reset()
                self.emu.add_users([{"username": "alice", "password": "alice-pw",
                                     "factors": []}])
                self.emu.settings(otp_data_variant=variant)
                res = self.enroll(self.totp())
                self.assertRc(res, PAM_AUTHINFO_UNAVAIL)
                self.assertNotIn(BY_HAND, res.shown)
                self.assertNotIn(BY_HAND_NO_QR, res.shown)
                self.assertNotIn(SCAN, res.shown)
                self.assertNotIn("Recovery code", res.shown)
                self.assertNotIn("otpauth", res.shown)
                self.assertEqual(res.syslog.count(UNAVAIL_LINE), 1, repr(res))
                self.assertEqual(res.syslog.count("GenAuth unavailable"), 1, repr(res))
                self.assertIn("failmode secure", res.syslog)
                self.assertEqual(self.calls(BIND), [])
                self.assertEqual(len(self.calls(SEND)), 1)
                self.assertEqual(answers(res), ["2"])  # no code asked
                self.assertNotIn("otpauth", res.syslog)
                self.assertNotIn("evil", res.syslog)
                self.assertNotIn("\x1b", res.syslog + res.shown)
                self.assertMessagesFit(res)

    def test_malformed_otp_data_failmode_safe(self):
        self.write_config(factors=["SMS", "OTP"], failmode="safe")
        self.emu.settings(otp_data_variant="uri_hotp")
        res = self.enroll(self.totp())
        # PAM_IGNORE alone in a stack: libpam reports the stack's default
        self.assertIn(res.rc, (PAM_IGNORE, PAM_PERM_DENIED), repr(res))
        self.assertNotEqual(res.rc, PAM_SUCCESS)
        self.assertNotIn(BY_HAND, res.shown)
        self.assertIn("failmode safe", res.syslog)

    # ---- the conversation itself ----
    def test_every_message_fits_and_prompt_comes_last(self):
        # a long path: wrong code, expiry, new key, right code
        res = self.enroll(self.totp("--wrong"), self.totp("--advance", 61), "y", self.totp())
        self.assertRc(res, PAM_SUCCESS)
        self.assertMessagesFit(res)
        self.assertCodePromptLast(res)
        # the key display ends before the prompt: no INFO between a prompt
        # and its answer (one message per conversation call)
        for i, (kind, data, _) in enumerate(res.events):
            if kind == "CONV":
                self.assertEqual(data, None)
        convs = [int(w) for k, _, w in res.events if k == "CONV"]
        self.assertEqual(set(convs), {1}, "several messages in one conversation call")
        self.assertNoSecretLogged(res)



class DriverExec(ConvCase):
    """The test tools themselves: pam_driver's @exec and totp_answer.py."""

    def test_exec_gets_the_conversation_on_stdin(self):
        seen = os.path.join(self.dir, "seen")
        res = self.tlogin("@exec:cat > %s; echo alice-pw" % seen, "@exec:tail -n 2; echo 1",
                          "@conv-err")
        self.assertRc(res, PAM_CONV_ERR)
        with open(seen, "rb") as f:
            self.assertEqual(f.read(), b"GenAuth password: \n")
        self.assertEqual(self.calls(SIGNIN)[0]["body"]["passwordPayload"]["password"],
                         "alice-pw")
        # the first line of the output is the answer: "  2) Email"
        self.assertEqual(answers(res)[0], "  2) Email")

    def test_exec_failures_are_conversation_errors(self):
        # Only the timeout case gets the 1 s limit: under valgrind on a busy
        # machine even "exit 3" can take over a second to fork and exec, and
        # CI once saw "killed after 1 s" where "NUL" was expected.
        short = dict(os.environ, PAM_DRIVER_EXEC_TIMEOUT="1")
        for answer, why, env in (("@exec:exit 3", "command failed", None),
                                 ("@exec:printf no-newline", "no line", None),
                                 ("@exec:printf 'a\\000b\\n'", "NUL", None),
                                 ("@exec:yes | head -c 100000", "over 4096 bytes", None),
                                 ("@exec:sleep 20; echo late", "killed after 1 s", short)):
            with self.subTest(answer=answer):
                start = time.monotonic()
                res = self.tlogin(answer, env=env)
                self.assertRc(res, PAM_CONV_ERR)
                self.assertIn(why, res.stderr)
                self.assertEqual(self.calls(SIGNIN), [])
                self.assertLess(time.monotonic() - start, 10 * SLOW)

    def test_exec_timeout_kills_the_whole_command(self):
        marker = os.path.join(self.dir, "survived")
        env = dict(os.environ, PAM_DRIVER_EXEC_TIMEOUT="1")
        res = self.tlogin("@exec:(sleep 2; touch %s) & sleep 20" % marker, env=env)
        self.assertRc(res, PAM_CONV_ERR)
        time.sleep(2.5)
        self.assertFalse(os.path.exists(marker), "a child of the command outlived the kill")

    def helper(self, text, *args):
        return subprocess.run(["/usr/bin/python3", TOTP_ANSWER] + list(args),
                              input=text.encode(), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=30)

    def test_helper_reads_a_wrapped_key_and_its_parameters(self):
        secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # 48: two lines
        text = ("Set up ...\n" + BY_HAND + "\n  JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP\n"
                "  JBSW Y3DP EHPK 3PXP\nTime-based (TOTP), 8 digits, every 60 seconds.\n"
                "Issuer: emu-pool\nAccount: alice\n")
        out = self.helper(text, "--show")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout.decode().split("\n")[:5],
                         ["secret=" + secret, "digits=8", "period=60", "issuer=emu-pool",
                          "account=alice"])
        now = time.time()
        out = self.helper(text, "--offset", "0")
        self.assertIn(out.stdout.decode().strip(),
                      [emulib.totp(secret, now + d, 60, 8) for d in (-60, 0, 60)])
        wrong = self.helper(text, "--offset", "0", "--wrong").stdout.decode().strip()
        self.assertEqual(len(wrong), 8)
        self.assertNotIn(wrong, [emulib.totp(secret, now + 60 * k, 60, 8)
                                 for k in range(-2, 3)])

    def test_helper_takes_the_newest_key(self):
        first = BY_HAND + "\n  AAAA AAAA AAAA AAAA\nTime-based (TOTP), 6 digits, every 30 seconds.\n"
        second = BY_HAND + "\n  BBBB BBBB BBBB BBBB\nTime-based (TOTP), 6 digits, every 30 seconds.\n"
        out = self.helper(first + "x\n" + second, "--show")
        self.assertTrue(out.stdout.decode().startswith("secret=BBBBBBBBBBBBBBBB\n"))

    def test_helper_without_a_key_fails(self):
        for text in ("", "GenAuth password: \n", BY_HAND + "\n  not a key\n",
                     BY_HAND + "\n  AAAA AAAA\nno parameters\n"):
            with self.subTest(text=text):
                out = self.helper(text, "--offset", "0")
                self.assertEqual(out.returncode, 2)
                self.assertEqual(out.stdout, b"")


if __name__ == "__main__":
    main()
