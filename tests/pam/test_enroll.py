#!/usr/bin/python3
"""End to end through real libpam against the GenAuth emulator over TLS:
enrollment flows."""

import json
import os
import stat

from pamlib import (PAM_AUTH_ERR, PAM_CONV_ERR, PAM_IGNORE, PAM_MAXTRIES,
                    PAM_PERM_DENIED, PAM_SERVICE_ERR, PAM_SUCCESS, PamCase, main)

SEND = "/api/v3/send-enroll-factor-request"
BIND = "/api/v3/enroll-factor"
SIGNIN = "/api/v3/signin"
LIST = "/api/v3/list-enrolled-factors"
TO_ENROLL = "/api/v3/list-factors-to-enroll"


class Enrollment(PamCase):

    def enrolled_types(self, user="alice"):
        for u in self.emu.state()["users"]:
            if u["username"] == user:
                return [f["factorType"] for f in u["factors"]]
        return None

    def test_sms_enrollment(self):
        res = self.login("alice-pw", "1", "+86 188 1234 5678", "@code")
        self.assertRc(res, PAM_SUCCESS)
        self.assertEqual(self.enrolled_types(), ["SMS"])
        self.assertIn("ECHO_OFF [GenAuth password: ] -> ***", res.prompts)
        self.assertIn("ECHO_ON [Code sent to +86 188****5678. Enter code: ] -> ", res.stdout)
        send = self.calls(SEND)
        self.assertEqual(len(send), 1)
        self.assertEqual(send[0]["body"], {"factorType": "SMS", "profile": {
            "phoneNumber": "18812345678", "phoneCountryCode": "+86"}})
        bind = self.calls(BIND)
        self.assertEqual(len(bind), 1)
        self.assertEqual(sorted(bind[0]["body"]), ["enrollmentData", "enrollmentToken",
                                                   "factorType"])
        self.assertEqual(bind[0]["body"]["factorType"], "SMS")
        self.assertIn("SMS factor bound (+86 188****5678)", res.syslog)
        self.assertNotIn("18812345678", res.syslog)
        code = self.emu.outbox()[-1]["code"]
        self.assertNotIn(code, res.syslog)
        self.assertNotIn("alice-pw", res.syslog)
        self.assertFalse(self.pending_files(), "pending state left behind")

    def test_email_enrollment(self):
        res = self.login("alice-pw", "email", "alice@example.com", "@code")
        self.assertRc(res, PAM_SUCCESS)
        self.assertEqual(self.enrolled_types(), ["EMAIL"])
        self.assertEqual(self.calls(SEND)[0]["body"],
                         {"factorType": "EMAIL", "profile": {"email": "alice@example.com"}})
        self.assertIn("Code sent to a***@example.com. Enter code: ", res.stdout)
        self.assertNotIn("alice@example.com", res.syslog)

    def test_menu_offers_configured_factors_in_order(self):
        self.write_config(factors=["EMAIL", "SMS"])
        res = self.login("alice-pw", "2", "18812345678", "@code")
        self.assertRc(res, PAM_SUCCESS)
        menu = res.prompts[1]
        self.assertLess(menu.index("1) Email"), menu.index("2) SMS"))
        self.assertNotIn("FACE", menu)
        self.assertEqual(self.enrolled_types(), ["SMS"])

    def test_menu_skipped_with_one_factor(self):
        self.write_config(factors=["EMAIL"])
        res = self.login("alice-pw", "alice@example.com", "@code")
        self.assertRc(res, PAM_SUCCESS)
        self.assertIn("Email address", res.prompts[1])

    def test_invalid_menu_answer_reprompts(self):
        res = self.login("alice-pw", "9", "sms", "18812345678", "@code")
        self.assertRc(res, PAM_SUCCESS)
        self.assertEqual(len(self.calls(SEND)), 1)

    def test_invalid_phone_reprompts_with_reason(self):
        res = self.login("alice-pw", "1", "not-a-number", "188 1234 5678", "@code")
        self.assertRc(res, PAM_SUCCESS)
        self.assertEqual(len(self.calls(SEND)), 1)
        self.assertIn("|Mobile phone number", res.prompts[3])  # reason line above

    def test_wrong_password(self):
        res = self.login("wrong-pw")
        self.assertRc(res, PAM_AUTH_ERR)
        self.assertEqual([r["path"] for r in self.calls()], [SIGNIN])
        self.assertIn("GenAuth sign-in failed.", res.errors)
        self.assertNotIn("wrong-pw", res.syslog)

    def test_unknown_user_looks_like_wrong_password(self):
        a = self.login("nope", user="mallory")
        calls_a = [r["path"] for r in self.calls()]
        self.emu.reset()
        self.emu.add_users([{"username": "alice", "password": "alice-pw", "factors": []}])
        b = self.login("nope", user="alice")
        calls_b = [r["path"] for r in self.calls()]
        self.assertRc(a, PAM_AUTH_ERR)
        self.assertRc(b, PAM_AUTH_ERR)
        self.assertEqual(a.prompts, b.prompts)
        self.assertEqual(a.errors, b.errors)
        self.assertEqual(a.infos, b.infos)
        self.assertEqual(calls_a, [SIGNIN])  # same calls: the same timing class
        self.assertEqual(calls_a, calls_b)

    def test_wrong_code_then_right_code(self):
        res = self.login("alice-pw", "1", "18812345678", "000000", "@code")
        self.assertRc(res, PAM_SUCCESS)
        self.assertIn("Wrong code. 2 tries left.", res.prompts[4])
        self.assertEqual(len(self.calls(BIND)), 2)
        self.assertEqual(len(self.calls(SEND)), 1)

    def test_too_many_wrong_codes(self):
        res = self.login("alice-pw", "1", "18812345678", "000001", "000002", "000003")
        self.assertRc(res, PAM_MAXTRIES)
        self.assertEqual(len(self.calls(BIND)), 3)
        self.assertEqual(self.enrolled_types(), [])
        self.assertIn("Too many wrong codes. Log in again to get a new code.", res.errors)

    def test_max_attempts_from_config(self):
        self.write_config(max_attempts=1)
        res = self.login("alice-pw", "1", "18812345678", "000001")
        self.assertRc(res, PAM_MAXTRIES)
        self.assertEqual(len(self.calls(BIND)), 1)

    def test_non_digit_code_is_not_sent(self):
        res = self.login("alice-pw", "1", "18812345678", "12 34x", "@code")
        self.assertRc(res, PAM_SUCCESS)
        self.assertEqual(len(self.calls(BIND)), 1)

    def test_expired_token_and_resend(self):
        # the user reconnects after GenAuth's minute is up (the emulator's clock
        # runs ahead): the module still holds the token, GenAuth says expired,
        # and the user sets up again with a new code
        res = self.login("alice-pw", "1", "18812345678", "@conv-err")
        self.assertRc(res, PAM_CONV_ERR)
        self.emu.advance_clock(61)
        res = self.login("alice-pw", "@code", "1", "18812345678", "@code")
        self.assertRc(res, PAM_SUCCESS)
        self.assertIn("The code has expired.", res.stdout)
        self.assertEqual(len(self.calls(SEND)), 2)
        self.assertEqual(self.enrolled_types(), ["SMS"])

    def test_expired_token_offers_new_code_in_same_login(self):
        # GenAuth rejects the first bind as expired; the module offers a new
        # code to the same phone, waits out the one-per-minute rule, binds
        self.emu.fault(BIND, "error", count=1, statusCode=400, apiCode=2300,
                       message="enrollmentToken expired")
        self.emu.settings(rate_limit_seconds=0)
        res = self.login("alice-pw", "1", "18812345678", "@code", "y", "@code")
        self.assertRc(res, PAM_SUCCESS)
        self.assertIn("The code has expired.|Send a new code to +86 188****5678? [y/N]: ",
                      res.stdout)
        self.assertEqual(len(self.calls(SEND)), 2)
        self.assertEqual(self.enrolled_types(), ["SMS"])

    def test_expired_token_declined(self):
        self.emu.fault(BIND, "error", count=1, statusCode=400, apiCode=2300,
                       message="enrollmentToken expired")
        res = self.login("alice-pw", "1", "18812345678", "@code", "n")
        self.assertRc(res, PAM_AUTH_ERR)
        self.assertEqual(len(self.calls(SEND)), 1)

    def test_throttled_send_tells_user_to_wait(self):
        self.login("alice-pw", "1", "18812345678", "@conv-err")
        # the user comes back and starts over before the minute is up
        for name in self.pending_files():
            os.unlink(os.path.join(self.state_dir, name))
        res = self.login("alice-pw", "1", "18812345678", "n")
        self.assertRc(res, PAM_AUTH_ERR)
        self.assertIn("GenAuth sends one code per minute. Wait", res.stdout)
        self.assertIn("throttled", res.syslog)

    def test_hourly_send_limit_across_logins(self):
        # someone who knows the password cannot flood the user with codes by
        # logging in again and again: max_sends_per_hour counts across logins
        self.write_config(max_sends_per_hour=2)
        self.emu.settings(rate_limit_seconds=0)
        for _ in range(2):
            res = self.login("alice-pw", "1", "18812345678", "@conv-err")
            self.assertRc(res, PAM_CONV_ERR)
            for name in self.pending_files():  # start over each time
                os.unlink(os.path.join(self.state_dir, name))
        res = self.login("alice-pw", "1", "18812345678")
        self.assertRc(res, PAM_MAXTRIES)
        self.assertEqual(len(self.calls(SEND)), 2)
        self.assertIn("Too many codes were sent to you recently. Try again in 60 minutes.",
                      res.errors)
        self.assertIn("limit of 2 codes per hour reached", res.syslog)
        st = os.stat(os.path.join(self.state_dir, "alice.sends"))
        self.assertEqual(st.st_mode & 0o777, 0o600)

    def test_second_instance_in_same_handle(self):
        self.stack("auth required {mod} conf={conf} step=request",
                   "auth required {mod} conf={conf} step=bind")
        res = self.login("alice-pw", "1", "18812345678", "@code")
        self.assertRc(res, PAM_SUCCESS)
        self.assertEqual(len(self.calls(SIGNIN)), 1)
        self.assertEqual(len(self.calls(SEND)), 1)
        self.assertEqual(len(self.calls(BIND)), 1)
        self.assertEqual(self.enrolled_types(), ["SMS"])

    def test_module_listed_twice_sends_once(self):
        self.stack("auth required {mod} conf={conf}", "auth required {mod} conf={conf}")
        res = self.login("alice-pw", "1", "18812345678", "@code")
        self.assertRc(res, PAM_SUCCESS)
        self.assertEqual(len(self.calls(SEND)), 1)
        self.assertEqual(len(self.calls(SIGNIN)), 1)

    def test_authenticate_twice_in_same_handle_sends_once(self):
        res = self.login("alice-pw", "1", "18812345678", "@conv-err", "@code", runs=2)
        self.assertEqual(res.results[0], PAM_CONV_ERR, repr(res))
        self.assertEqual(res.results[1], PAM_SUCCESS, repr(res))
        self.assertEqual(len(self.calls(SEND)), 1)

    def test_bind_step_alone_is_a_config_error(self):
        self.stack("auth required {mod} conf={conf} step=bind")
        res = self.login()
        self.assertRc(res, PAM_SERVICE_ERR)
        self.assertEqual(self.calls(), [])
        self.assertIn("step=bind found no enrollment request", res.syslog)

    def test_resume_after_reconnect(self):
        res = self.login("alice-pw", "1", "18812345678", "@conv-err")
        self.assertRc(res, PAM_CONV_ERR)
        files = self.pending_files()
        self.assertEqual(len(files), 1)
        st = os.stat(os.path.join(self.state_dir, files[0]))
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
        self.assertEqual(stat.S_IMODE(os.stat(self.state_dir).st_mode), 0o700)
        res = self.login("alice-pw", "@code")
        self.assertRc(res, PAM_SUCCESS)
        self.assertEqual(len(self.calls(SEND)), 1)
        self.assertIn("Code sent to +86 188****5678. Enter code: ", res.stdout)
        self.assertEqual(self.pending_files(), [])

    def test_corrupt_state_file_is_ignored_and_removed(self):
        self.login("alice-pw", "1", "18812345678", "@conv-err")
        name = self.pending_files()[0]
        with open(os.path.join(self.state_dir, name), "w") as f:
            f.write("{garbage")
        res = self.login("alice-pw", "1", "13900001111", "@code")
        self.assertRc(res, PAM_SUCCESS)
        self.assertEqual(self.calls(SEND)[-1]["body"]["profile"]["phoneNumber"], "13900001111")

    def test_expired_state_file_starts_over(self):
        self.login("alice-pw", "1", "18812345678", "@conv-err")
        path = os.path.join(self.state_dir, self.pending_files()[0])
        with open(path) as f:
            data = json.load(f)
        data["sentAt"] -= 120
        with open(path, "w") as f:
            json.dump(data, f)
        self.emu.advance_clock(120)
        res = self.login("alice-pw", "1", "18812345678", "@code")
        self.assertRc(res, PAM_SUCCESS)
        self.assertEqual(len(self.calls(SEND)), 2)

    def test_already_enrolled_user_is_ignored(self):
        # on_enrolled = ignore keeps the enrollment-only behaviour
        self.write_config(on_enrolled="ignore")
        self.stack("auth required {mod} conf={conf} debug")
        res = self.login("erin-pw", user="erin")
        # PAM_IGNORE alone in a stack: libpam reports the stack's default failure
        self.assertIn(res.rc, (PAM_IGNORE, PAM_PERM_DENIED), repr(res))
        self.assertIn("-> The return value should be ignored by PAM dispatch", res.syslog)
        self.assertEqual([r["path"] for r in self.calls()], [SIGNIN, LIST])
        self.assertIn("already has 1 MFA factor", res.syslog)

    def test_try_first_pass_uses_earlier_password(self):
        res = self.login("1", "18812345678", "@code", authtok="alice-pw")
        self.assertRc(res, PAM_SUCCESS)
        self.assertNotIn("GenAuth password", res.stdout)

    def test_try_first_pass_prompts_once_when_authtok_is_wrong(self):
        res = self.login("alice-pw", "1", "18812345678", "@code", authtok="unix-pw")
        self.assertRc(res, PAM_SUCCESS)
        self.assertEqual(len(self.calls(SIGNIN)), 2)

    def test_use_first_pass_never_prompts(self):
        self.stack("auth required {mod} conf={conf} use_first_pass")
        res = self.login(authtok="wrong")
        self.assertRc(res, PAM_AUTH_ERR)
        self.assertEqual(res.prompts, [])
        self.assertEqual(len(self.calls(SIGNIN)), 1)

    def test_every_password_refusal_is_logged(self):
        cases = (("@empty", PAM_AUTH_ERR, "no password given (empty answer)"),
                 ("@null", PAM_CONV_ERR, "no password given (conversation ended)"),
                 ("@raw:61096263", PAM_AUTH_ERR, "control characters: not sent"),
                 ("@long:5000", PAM_AUTH_ERR, "over-long"))
        for answer, rc, words in cases:
            with self.subTest(answer=answer):
                res = self.login(answer)
                self.assertRc(res, rc)
                self.assertIn(words, res.syslog)
                self.assertEqual(self.calls(SIGNIN), [])
                # only the user's own empty answer is a cancel
                self.assertEqual(res.errors[-1:] == ["Cancelled."], answer == "@empty")

    def test_over_long_identifier_is_refused_and_logged(self):
        self.write_config(login_format="%u@" + "d" * 100 + ".example")
        res = self.login("pw", user="u" * 250)
        self.assertRc(res, PAM_AUTH_ERR)
        self.assertIn("would be longer than 320 bytes", res.syslog)
        self.assertEqual(self.calls(), [])

    def test_host_name_rhost_is_logged_not_sent(self):
        res = self.login("wrong", rhost="client.example.net")
        self.assertRc(res, PAM_AUTH_ERR)
        self.assertIn("user alice from client.example.net: GenAuth sign-in failed", res.syslog)
        self.assertNotIn("x-real-ip", self.calls(SIGNIN)[0]["headers"])

    def test_conversation_error_at_menu_sends_nothing(self):
        # the first ECHO_ON prompt: non-interactive, denied by default
        res = self.login("alice-pw", "@conv-err")
        self.assertRc(res, PAM_AUTH_ERR)
        self.assertEqual(self.calls(SEND), [])
        self.assertIn("enrollment not started", res.syslog)
        self.assertIn("keyboard-interactive", res.syslog)

    def test_empty_answer_cancels(self):
        res = self.login("alice-pw", "@empty")
        self.assertRc(res, PAM_AUTH_ERR)
        self.assertEqual(self.calls(SEND), [])
        self.assertEqual(res.errors, ["Cancelled."])

    def test_null_answer_is_conversation_error(self):
        # at the first prompt (the menu) that means non-interactive
        res = self.login("alice-pw", "@null")
        self.assertRc(res, PAM_AUTH_ERR)
        self.assertEqual(self.calls(SEND), [])

    def test_request_headers_and_client_ip(self):
        res = self.login("alice-pw", "1", "18812345678", "@code", rhost="198.51.100.7")
        self.assertRc(res, PAM_SUCCESS)
        signin = self.calls(SIGNIN)[0]
        self.assertEqual(signin["headers"]["x-authing-app-id"], "emu-app-id")
        self.assertEqual(signin["headers"]["x-authing-lang"], "en-US")
        self.assertEqual(signin["headers"].get("x-real-ip"), "198.51.100.7")
        self.assertEqual(signin["body"]["options"]["clientIp"], "198.51.100.7")
        self.assertEqual(signin["body"]["client_id"], "emu-app-id")
        self.assertEqual(signin["body"]["passwordPayload"], {"username": "alice",
                                                             "password": "alice-pw"})
        for r in self.calls(LIST) + self.calls(SEND) + self.calls(BIND):
            self.assertTrue(r["headers"]["authorization"].startswith("Bearer "))
        self.assertIn("pam_genauth", signin["headers"]["user-agent"])

    def test_rhost_that_is_not_an_ip_is_not_sent(self):
        res = self.login("alice-pw", "1", "18812345678", "@code", rhost="evil\"host")
        self.assertRc(res, PAM_SUCCESS)
        signin = self.calls(SIGNIN)[0]
        self.assertNotIn("x-real-ip", signin["headers"])
        self.assertNotIn("clientIp", signin["body"].get("options", {}))

    def test_client_secret_basic(self):
        self.emu.settings(token_endpoint_auth_method="client_secret_basic")
        self.write_config(token_endpoint_auth_method="client_secret_basic")
        res = self.login("alice-pw", "1", "18812345678", "@code")
        self.assertRc(res, PAM_SUCCESS)
        signin = self.calls(SIGNIN)[0]
        self.assertTrue(signin["headers"]["authorization"].startswith("Basic "))
        self.assertNotIn("client_secret", signin["body"])

    def test_auth_method_none(self):
        self.emu.settings(token_endpoint_auth_method="none")
        self.write_config(token_endpoint_auth_method="none")
        res = self.login("alice-pw", "1", "18812345678", "@code")
        self.assertRc(res, PAM_SUCCESS)
        signin = self.calls(SIGNIN)[0]
        self.assertNotIn("client_secret", signin["body"])
        self.assertNotIn("authorization", signin["headers"])

    def test_login_field_and_format(self):
        self.write_config(login_field="email", login_format="%u@example.com")
        res = self.login("alice-pw", "1", "18812345678", "@code")
        self.assertRc(res, PAM_SUCCESS)
        self.assertEqual(self.calls(SIGNIN)[0]["body"]["passwordPayload"],
                         {"email": "alice@example.com", "password": "alice-pw"})

    def test_code_send_and_bind_never_ride_a_reused_connection(self):
        # libcurl re-sends a request whose reused connection died before any
        # answer; a second send would be a second SMS. GETs share the login's
        # connection, sends and binds get their own.
        self.stack("auth required {mod} conf={conf} debug")
        res = self.login("alice-pw", "1", "18812345678", "@code")
        self.assertRc(res, PAM_SUCCESS)
        self.assertRegex(res.syslog, r"GET /api/v3/list-enrolled-factors: .*reused connection")
        self.assertRegex(res.syslog, r"POST %s: .*new connection" % SEND)
        self.assertRegex(res.syslog, r"POST %s: .*new connection" % BIND)

    def test_mfa_demanded_at_signin_means_enrolled(self):
        self.emu.settings(mfa_on_signin=1635)
        self.write_config(on_enrolled="ignore")
        self.stack("auth required {mod} conf={conf} debug")
        res = self.login("erin-pw", user="erin")
        self.assertIn("-> The return value should be ignored by PAM dispatch", res.syslog)
        self.assertEqual([r["path"] for r in self.calls()], [SIGNIN])
        self.assertIn("GenAuth demands MFA at sign-in (apiCode 1635)", res.syslog)

    def test_expires_in_variant(self):
        self.emu.settings(lifetime_field="expires_in")
        res = self.login("alice-pw", "1", "18812345678", "@code")
        self.assertRc(res, PAM_SUCCESS)

    def test_genauth_header_prefix(self):
        self.write_config(header_prefix="x-genauth-")
        res = self.login("alice-pw", "1", "18812345678", "@code")
        self.assertRc(res, PAM_SUCCESS)
        self.assertEqual(self.calls(SIGNIN)[0]["headers"]["x-genauth-app-id"], "emu-app-id")


if __name__ == "__main__":
    main()
