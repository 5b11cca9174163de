#!/usr/bin/python3
"""End to end through real libpam: server faults, fail mode, unreachable
servers, TLS failures, bad configuration and module arguments."""

import os
import socket

from pamlib import (PAM_AUTH_ERR, PAM_AUTHINFO_UNAVAIL, PAM_SERVICE_ERR, PAM_SUCCESS,
                    PAM_USER_UNKNOWN, SLOW, PamCase, emulib, main)

SIGNIN = "/api/v3/signin"
LIST = "/api/v3/list-enrolled-factors"
TO_ENROLL = "/api/v3/list-factors-to-enroll"
SEND = "/api/v3/send-enroll-factor-request"
BIND = "/api/v3/enroll-factor"

IGNORED = "-> The return value should be ignored by PAM dispatch"
UNAVAIL = "-> Authentication service cannot retrieve authentication info"

# fault kind -> reason class the admin line must name
FAULTS = {
    "http500": "http error",
    "status500": "server error",
    "status_string": "bad answer",
    "badjson": "bad answer",
    "truncated": "bad answer",
    "empty": "bad answer",
    "data_null": "bad answer",
    "data_missing": "bad answer",
    "data_wrong_type": "bad answer",
    "huge": "bad answer",
    "deep": "bad answer",
    "reset": "",
}


class Faults(PamCase):

    def setUp(self):
        super().setUp()
        self.stack("auth required {mod} conf={conf} debug")

    def check_unavailable(self, res, reason=""):
        self.assertRc(res, PAM_AUTHINFO_UNAVAIL)
        self.assertIn(UNAVAIL, res.syslog)
        self.assertIn("GenAuth unavailable (%s" % reason, res.syslog)
        self.assertEqual(self.calls(TO_ENROLL), [], "fault led to enrollment")
        self.assertEqual(self.calls(SEND), [], "fault led to a code being sent")

    def test_every_fault_on_list_enrolled_goes_to_fail_mode(self):
        for kind, reason in FAULTS.items():
            with self.subTest(kind=kind):
                self.emu.reset()
                self.emu.add_users([{"username": "alice", "password": "alice-pw",
                                     "factors": []}])
                self.emu.fault(LIST, kind)
                res = self.login("alice-pw")
                self.check_unavailable(res, reason)
                self.assertEqual(res.syslog.count("GenAuth unavailable ("), 1, repr(res))

    def test_every_fault_in_safe_mode_is_ignored_never_success(self):
        self.write_config(failmode="safe")
        for kind in FAULTS:
            with self.subTest(kind=kind):
                self.emu.reset()
                self.emu.add_users([{"username": "alice", "password": "alice-pw",
                                     "factors": []}])
                self.emu.fault(LIST, kind)
                res = self.login("alice-pw")
                self.assertNotEqual(res.rc, PAM_SUCCESS, repr(res))
                self.assertIn(IGNORED, res.syslog)
                self.assertIn("failmode safe", res.syslog)
                self.assertEqual(self.calls(SEND), [])

    def test_fault_on_signin(self):
        for kind in ("http500", "badjson", "status500", "data_null"):
            with self.subTest(kind=kind):
                self.emu.clear_faults()
                self.emu.fault(SIGNIN, kind)
                res = self.login("alice-pw")
                self.assertRc(res, PAM_AUTHINFO_UNAVAIL)
                self.assertEqual(len(self.calls(LIST)), 0)

    def test_fault_on_send_and_bind(self):
        self.emu.fault(SEND, "http500", count=1)
        res = self.login("alice-pw", "1", "18812345678")
        self.assertRc(res, PAM_AUTHINFO_UNAVAIL)
        self.emu.clear_faults()
        self.emu.advance_clock(61)
        self.emu.fault(BIND, "badjson", count=1)
        res = self.login("alice-pw", "1", "18812345678", "@code")
        self.assertRc(res, PAM_AUTHINFO_UNAVAIL)

    def test_bind_answered_http200_with_error_status_is_wrong_code(self):
        self.emu.fault(BIND, "error", count=1, statusCode=400, apiCode=2001,
                       message="wrong code")
        res = self.login("alice-pw", "1", "18812345678", "@code", "@code")
        self.assertRc(res, PAM_SUCCESS)
        self.assertIn("Wrong code. 2 tries left.", res.stdout)

    def test_bind_refusals_that_are_not_wrong_codes(self):
        # 409 "already bound", 401, 403: not the user's code, not counted
        for status in (409, 401, 403):
            with self.subTest(status=status):
                self.emu.reset()
                self.emu.add_users([{"username": "alice", "password": "alice-pw",
                                     "factors": []}])
                self.emu.fault(BIND, "error", count=1, statusCode=status,
                               message="factor already bound")
                res = self.login("alice-pw", "1", "18812345678", "@code")
                self.assertRc(res, PAM_AUTH_ERR)
                self.assertNotIn("Wrong code", res.stdout)
                self.assertIn("GenAuth did not accept the code. Contact your administrator "
                              "if this persists.", res.errors)
                self.assertIn("GenAuth refused the binding: statusCode %d" % status, res.syslog)

    def test_signin_refusals_are_logged(self):
        for status, words in ((499, "refused"), (418, "refused"), (429, "throttled")):
            with self.subTest(status=status):
                self.emu.clear_faults()
                self.emu.fault(SIGNIN, "error", statusCode=status, message="nope")
                res = self.login("alice-pw")
                self.assertRc(res, PAM_AUTH_ERR)
                self.assertIn("GenAuth %s the sign-in: statusCode %d" % (words, status),
                              res.syslog)
                self.assertTrue(res.errors, repr(res))

    def test_tls_failure_names_the_cause(self):
        self.write_config(ca_file=os.path.join(os.path.dirname(self.emu.ca_file),
                                               "wrongca.pem"))
        res = self.login("alice-pw")
        self.assertRc(res, PAM_AUTHINFO_UNAVAIL)
        self.assertRegex(res.syslog, r"GenAuth unavailable \(tls\) at signin: .*certificate")

    def test_extra_fields_are_accepted(self):
        self.emu.fault("*", "extra_fields")
        res = self.login("alice-pw", "1", "18812345678", "@code")
        self.assertRc(res, PAM_SUCCESS)

    def test_http_status_mirrors_statuscode(self):
        self.emu.settings(http_status_mirrors=True)
        res = self.login("wrong")
        self.assertRc(res, PAM_AUTH_ERR)
        res = self.login("alice-pw", "1", "18812345678", "000000", "@code")
        self.assertRc(res, PAM_SUCCESS)

    def test_slow_answer_is_bounded_by_timeout(self):
        self.emu.fault(LIST, "slow", seconds=20)
        res = self.login("alice-pw")
        self.check_unavailable(res, "timeout")
        self.assertLess(res.elapsed, (3 + 4) * SLOW, "timeout=3 not honoured")

    def test_hanging_server_is_bounded(self):
        self.emu.fault(SIGNIN, "hang")
        res = self.login("alice-pw")
        self.assertRc(res, PAM_AUTHINFO_UNAVAIL)
        self.assertIn("(timeout)", res.syslog)
        self.assertLess(res.elapsed, (3 + 4) * SLOW)

    def test_drip_feed_is_bounded(self):
        self.emu.fault(LIST, "drip")
        res = self.login("alice-pw")
        self.check_unavailable(res)
        self.assertLess(res.elapsed, (3 + 4) * SLOW)

    def test_throttled_lookups_are_retried_with_backoff(self):
        # a 429 on a call GenAuth did not process is retried (1 s, 2 s)
        self.emu.fault(LIST, "throttle429", count=2)
        res = self.login("alice-pw", "1", "18812345678", "@code")
        self.assertRc(res, PAM_SUCCESS)
        self.assertEqual(len(self.calls(LIST)), 3)
        self.assertGreater(res.elapsed, 2.5)
        self.assertIn("throttled, retrying in 1000 ms", res.syslog)
        self.assertIn("throttled, retrying in 2000 ms", res.syslog)

    def test_throttling_that_persists_goes_to_fail_mode(self):
        self.emu.fault(LIST, "throttle429")
        res = self.login("alice-pw")
        self.assertRc(res, PAM_AUTHINFO_UNAVAIL)
        self.assertEqual(len(self.calls(LIST)), 3)
        self.assertEqual(self.calls(SEND), [])

    def test_code_sends_are_never_retried(self):
        self.emu.fault(SEND, "throttle429", count=1)
        res = self.login("alice-pw", "1", "18812345678", "n")
        self.assertRc(res, PAM_AUTH_ERR)
        self.assertEqual(len(self.calls(SEND)), 1)
        self.assertIn("GenAuth sends one code per minute. Wait", res.stdout)

    def test_whole_login_deadline(self):
        # each answer takes 2 s (under the 3 s request timeout); total_timeout
        # 3 s ends the login in the second request
        self.write_config(total_timeout=3 * int(SLOW), timeout=3 * int(SLOW))
        self.emu.fault("*", "slow", seconds=2 * int(SLOW))
        res = self.login("alice-pw")
        self.assertRc(res, PAM_AUTHINFO_UNAVAIL)
        self.assertIn("GenAuth unavailable (total_timeout reached) at list-enrolled-factors",
                      res.syslog)
        self.assertLess(res.elapsed, (3 + 2) * SLOW)
        self.assertEqual(res.syslog.count("GenAuth unavailable ("), 1)

    def test_wrong_app_secret(self):
        self.write_config(app_secret="not-the-secret")
        res = self.login("alice-pw")
        self.assertRc(res, PAM_AUTHINFO_UNAVAIL)
        self.assertIn("app credentials rejected", res.syslog)
        self.assertNotIn("not-the-secret", res.syslog)

    # ---- unreachable -------------------------------------------------------
    def closed_port_url(self):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        return "https://127.0.0.1:%d" % port

    def test_refused_secure(self):
        self.write_config(app_host=self.closed_port_url())
        res = self.login("alice-pw")
        self.assertRc(res, PAM_AUTHINFO_UNAVAIL)
        self.assertIn("(connection refused)", res.syslog)
        self.assertIn("failmode secure", res.syslog)

    def test_refused_safe(self):
        self.write_config(app_host=self.closed_port_url(), failmode="safe")
        res = self.login("alice-pw")
        self.assertNotEqual(res.rc, PAM_SUCCESS)
        self.assertIn(IGNORED, res.syslog)

    def test_black_hole_is_bounded_by_connect_timeout(self):
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)  # accepts TCP, never speaks TLS
        try:
            self.write_config(app_host="https://127.0.0.1:%d" % listener.getsockname()[1])
            res = self.login("alice-pw")
        finally:
            listener.close()
        self.assertRc(res, PAM_AUTHINFO_UNAVAIL)
        self.assertLess(res.elapsed, (3 + 4) * SLOW)

    def test_untrusted_ca(self):
        self.write_config(ca_file=os.path.join(os.path.dirname(self.emu.ca_file),
                                               "wrongca.pem"))
        res = self.login("alice-pw")
        self.assertRc(res, PAM_AUTHINFO_UNAVAIL)
        self.assertIn("(tls)", res.syslog)
        self.assertEqual(self.calls(), [])

    def test_system_trust_store_does_not_trust_test_ca(self):
        self.write_config(ca_file=None)
        res = self.login("alice-pw")
        self.assertRc(res, PAM_AUTHINFO_UNAVAIL)
        self.assertIn("(tls)", res.syslog)

    def test_wrong_host_and_expired_certificates(self):
        for cert in ("wronghost", "expired"):
            with self.subTest(cert=cert):
                other = emulib.Emulator(cert=cert, cert_dir=os.path.dirname(self.emu.ca_file))
                other.start(os.path.join(self.dir, cert))
                try:
                    self.write_config(app_host=other.url)
                    res = self.login("alice-pw")
                finally:
                    other.stop()
                self.assertRc(res, PAM_AUTHINFO_UNAVAIL)
                self.assertIn("(tls)", res.syslog)

    def test_environment_cannot_add_trust(self):
        # without ca_file only the system store counts: OpenSSL's and
        # libcurl's CA variables from the caller's environment change nothing
        self.write_config(ca_file=None)
        certs = os.path.dirname(self.emu.ca_file)
        env = dict(os.environ, SSL_CERT_FILE=self.emu.ca_file, SSL_CERT_DIR=certs,
                   CURL_CA_BUNDLE=self.emu.ca_file)
        res = self.login("alice-pw", env=env)
        self.assertRc(res, PAM_AUTHINFO_UNAVAIL)
        self.assertIn("(tls)", res.syslog)
        self.assertEqual(self.calls(), [])

    def test_proxy_environment_is_ignored(self):
        env = dict(os.environ, https_proxy="http://127.0.0.1:9", HTTPS_PROXY="http://127.0.0.1:9",
                   ALL_PROXY="http://127.0.0.1:9", CURL_CA_BUNDLE="/nonexistent",
                   SSL_CERT_FILE="/nonexistent")
        res = self.login("alice-pw", "1", "18812345678", "@code", env=env)
        self.assertRc(res, PAM_SUCCESS)


class BadConfig(PamCase):
    """Every config or argument problem: PAM_SERVICE_ERR, one log line, no
    network call, in both fail modes."""

    def check_refused(self, res, words):
        self.assertRc(res, PAM_SERVICE_ERR)
        self.assertIn(words, res.syslog)
        self.assertEqual(self.calls(), [])
        self.assertNotIn("emu-app-secret", res.syslog)

    def test_group_or_world_readable_config(self):
        for mode in (0o640, 0o604, 0o644, 0o660, 0o666, 0o711, 0o601):
            with self.subTest(mode=oct(mode)):
                self.write_config(mode=mode, failmode="safe")
                self.check_refused(self.login("alice-pw"), "group or others")

    def test_hard_linked_config(self):
        real = self.write_config()
        os.link(real, real + ".other-name")
        self.check_refused(self.login("alice-pw"), "has more than one hard link")

    def test_symlinked_config(self):
        real = self.write_config()
        link = real + ".link"
        os.symlink(real, link)
        self.stack("auth required {mod} conf=" + link)
        self.check_refused(self.login("alice-pw"), link)

    def test_missing_config(self):
        self.stack("auth required {mod} conf=/nonexistent/pam_genauth.conf")
        self.check_refused(self.login("alice-pw"), "/nonexistent/pam_genauth.conf")

    def test_config_owned_by_another_user(self):
        if os.geteuid() != 0:
            self.skipTest("needs root to chown")
        path = self.write_config()
        os.chown(path, 65534, 65534)
        self.check_refused(self.login("alice-pw"), "owned by")

    def test_unknown_key(self):
        self.write_config(text=open(self.conf_path).read() + 'fail_mode = "safe"\n')
        self.check_refused(self.login("alice-pw"), "fail_mode")

    def test_bad_values(self):
        for key, value in (("failmode", "open"), ("app_host", "http://127.0.0.1:1"),
                           ("timeout", 0), ("connect_timeout", 1000), ("max_attempts", -1),
                           ("token_endpoint_auth_method", "client_secret_jwt"),
                           ("login_field", "uid"), ("factors", ["FACE"]),
                           ("lang", "xx"), ("phone_country_code", "86"),
                           ("state_dir", "relative/dir")):
            with self.subTest(key=key):
                self.write_config(**{key: value})
                self.check_refused(self.login("alice-pw"), key)

    def test_environment_expansion_is_refused(self):
        self.write_config(app_host="${GENAUTH_HOST}")
        self.check_refused(self.login("alice-pw"), "${")

    def test_unknown_module_argument(self):
        self.stack("auth required {mod} conf={conf} failmode=safe")
        res = self.login("alice-pw")
        self.assertRc(res, PAM_SERVICE_ERR)
        self.assertIn("failmode=safe", res.syslog)

    def test_relative_conf_argument(self):
        self.stack("auth required {mod} conf=pam_genauth.conf")
        self.assertRc(self.login("alice-pw"), PAM_SERVICE_ERR)

    def test_state_dir_readable_by_others(self):
        os.mkdir(self.state_dir, 0o755)
        os.chmod(self.state_dir, 0o755)
        self.check_refused(self.login("alice-pw"), self.state_dir)

    def test_state_dir_symlink(self):
        real = os.path.join(self.dir, "real-state")
        os.mkdir(real, 0o700)
        os.symlink(real, self.state_dir)
        self.check_refused(self.login("alice-pw"), self.state_dir)

    def test_state_dir_created_root_only(self):
        res = self.login("alice-pw", "1", "18812345678", "@code")
        self.assertRc(res, PAM_SUCCESS)
        self.assertEqual(os.stat(self.state_dir).st_mode & 0o777, 0o700)

    def test_hostile_user_names(self):
        for user in ("a\nb", "x" * 300, "tab\tname", "ctl\x1b[31m"):
            with self.subTest(user=repr(user)):
                res = self.login("alice-pw", user=user)
                self.assertIn(res.rc, (PAM_USER_UNKNOWN, PAM_AUTH_ERR, 28), repr(res))
                self.assertEqual(self.calls(), [])
                self.assertNotIn("\x1b", res.syslog)


if __name__ == "__main__":
    main()
