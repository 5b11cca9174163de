#!/usr/bin/python3
"""Self-test of the GenAuth emulator over real TLS (unittest, standard library only).

Run: /usr/bin/python3 tests/emulator/test_emulator.py
Prints "emulator: N passed, N failed" and exits non-zero on any failure.
"""

import base64
import http.client
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, HERE)
from emulib import Emulator, EmulatorError, secret_from_uri, totp  # noqa: E402

WORK = None
EMU = None

USERS = [
    {"username": "alice", "password": "alice-pw", "email": "Alice@Example.com",
     "phone": "18812345678"},
    {"username": "bob", "password": "bob-pw",
     "factors": [{"factorType": "SMS",
                  "profile": {"phoneNumber": "13900001111", "phoneCountryCode": "+86"}}]},
    {"username": "carol", "password": "carol-pw", "locked": True},
]
SIGNIN = "/api/v3/signin"
ENROLLED = "/api/v3/list-enrolled-factors"
TO_ENROLL = "/api/v3/list-factors-to-enroll"
SEND = "/api/v3/send-enroll-factor-request"
ENROLL = "/api/v3/enroll-factor"
TOTP_VERIFY = "/api/v3/mfa-totp-verify"


def setUpModule():
    global WORK, EMU
    WORK = tempfile.mkdtemp(prefix="emu-selftest-")
    EMU = Emulator().start(WORK)


def tearDownModule():
    if EMU:
        EMU.stop()


def signin_body(user, password, ident="username", **extra):
    body = {"connection": "PASSWORD", "passwordPayload": {ident: user, "password": password},
            "options": {"scope": "openid profile"},
            "client_id": "emu-app-id", "client_secret": "emu-app-secret"}
    body.update(extra)
    return body


def basic(user, secret):
    return "Basic " + base64.b64encode(("%s:%s" % (user, secret)).encode()).decode()


class Base(unittest.TestCase):
    def setUp(self):
        EMU.reset()
        EMU.add_users(USERS)

    def call(self, method, path, body=None, **kw):
        return EMU.call(method, path, body, **kw)

    def env(self, method, path, body=None, **kw):
        status, env, raw = self.call(method, path, body, **kw)
        self.assertEqual(status, 200, raw[:200])
        self.assertIsInstance(env, dict, raw[:200])
        self.assertIsInstance(env.get("requestId"), str)
        self.assertIsInstance(env.get("message"), str)
        return env

    def assertAnswer(self, env, status, api_code=None):
        self.assertEqual(env["statusCode"], status, env)
        self.assertEqual(env.get("apiCode"), api_code, env)

    def token(self, user="alice"):
        env = self.env("POST", SIGNIN, signin_body(user, user + "-pw"))
        self.assertAnswer(env, 200)
        return env["data"]["access_token"]

    def send(self, token, ftype, profile):
        return self.env("POST", SEND, {"factorType": ftype, "profile": profile}, token=token)

    def enroll(self, token, ftype, etoken, code):
        return self.env("POST", ENROLL, {"factorType": ftype, "enrollmentToken": etoken,
                                         "enrollmentData": {"passCode": code}}, token=token)


class SigninTest(Base):
    def test_post_ok(self):
        env = self.env("POST", SIGNIN, signin_body("alice", "alice-pw"))
        self.assertAnswer(env, 200)
        data = env["data"]
        self.assertTrue(data["access_token"].startswith("emu-at-"))
        self.assertEqual(data["token_type"], "Bearer")
        self.assertEqual(data["expire_in"], 7200)
        self.assertNotIn("expires_in", data)
        self.assertEqual(len(data["id_token"].split(".")), 3)
        log = EMU.requests(SIGNIN)
        self.assertEqual(len(log), 1)
        self.assertEqual(log[0]["body"]["passwordPayload"]["username"], "alice")
        self.assertEqual(log[0]["headers"]["x-authing-app-id"], "emu-app-id")
        self.assertEqual(log[0]["header_prefix"], "x-authing-")
        self.assertEqual(log[0]["status"], 200)
        self.assertEqual(log[0]["method"], "POST")

    def test_post_wrong_credentials(self):
        for extra in ({"client_secret": "nope"}, {"client_id": "other"},
                      {"client_secret": None}):
            body = signin_body("alice", "alice-pw", **extra)
            body = {k: v for k, v in body.items() if v is not None}
            self.assertAnswer(self.env("POST", SIGNIN, body), 401)
        # Basic credentials do not count under client_secret_post
        body = signin_body("alice", "alice-pw")
        del body["client_id"], body["client_secret"]
        env = self.env("POST", SIGNIN, body,
                       headers={"Authorization": basic("emu-app-id", "emu-app-secret")})
        self.assertAnswer(env, 401)

    def test_basic(self):
        EMU.settings(token_endpoint_auth_method="client_secret_basic")
        body = signin_body("alice", "alice-pw")
        del body["client_id"], body["client_secret"]
        ok = self.env("POST", SIGNIN, body,
                      headers={"Authorization": basic("emu-app-id", "emu-app-secret")})
        self.assertAnswer(ok, 200)
        for auth in (basic("emu-app-id", "wrong"), basic("x", "emu-app-secret"),
                     "Basic !!!notbase64", None):
            env = self.env("POST", SIGNIN, body, headers={"Authorization": auth})
            self.assertAnswer(env, 401)
        # body credentials do not count under client_secret_basic
        self.assertAnswer(self.env("POST", SIGNIN, signin_body("alice", "alice-pw")), 401)
        self.assertEqual(EMU.requests(SIGNIN)[0]["auth_form"], "basic")

    def test_none(self):
        EMU.settings(token_endpoint_auth_method="none")
        body = signin_body("alice", "alice-pw")
        del body["client_id"], body["client_secret"]
        self.assertAnswer(self.env("POST", SIGNIN, body), 200)

    def test_custom_app_credentials(self):
        EMU.settings(app_id="other-app", app_secret="s3cret")
        body = signin_body("alice", "alice-pw", client_id="other-app", client_secret="s3cret")
        self.assertAnswer(self.env("POST", SIGNIN, body, app_id="other-app"), 200)
        self.assertAnswer(self.env("POST", SIGNIN, body), 400)  # header still emu-app-id

    def test_app_id_header(self):
        body = signin_body("alice", "alice-pw")
        self.assertAnswer(self.env("POST", SIGNIN, body, app_id="wrong-app"), 400)
        env = self.env("POST", SIGNIN, body, headers={"x-authing-app-id": None})
        self.assertAnswer(env, 400)
        env = self.env("POST", SIGNIN, body, prefix="x-genauth-")
        self.assertAnswer(env, 200)
        self.assertEqual(EMU.requests(SIGNIN)[-1]["header_prefix"], "x-genauth-")
        EMU.settings(header_prefixes=["x-authing-"])
        self.assertAnswer(self.env("POST", SIGNIN, body, prefix="x-genauth-"), 400)

    def test_unknown_user(self):
        env = self.env("POST", SIGNIN, signin_body("nobody", "x"))
        self.assertAnswer(env, 403, 2333)
        EMU.settings(unknown_user_answer=2004)
        self.assertAnswer(self.env("POST", SIGNIN, signin_body("nobody", "x")), 404, 2004)

    def test_wrong_password(self):
        self.assertAnswer(self.env("POST", SIGNIN, signin_body("alice", "bad")), 403, 2333)
        EMU.settings(wrong_password_apicode=2006)
        self.assertAnswer(self.env("POST", SIGNIN, signin_body("alice", "bad")), 403, 2006)

    def test_locked(self):
        self.assertAnswer(self.env("POST", SIGNIN, signin_body("carol", "carol-pw")), 403, 2057)

    def test_identifiers(self):
        for ident, value in (("account", "alice"), ("account", "alice@example.com"),
                             ("account", "18812345678"), ("email", "ALICE@example.com"),
                             ("phone", "18812345678"), ("phone", "+8618812345678")):
            env = self.env("POST", SIGNIN, signin_body(value, "alice-pw", ident))
            self.assertAnswer(env, 200)
        body = signin_body("alice", "alice-pw")
        body["passwordPayload"]["email"] = "alice@example.com"
        self.assertAnswer(self.env("POST", SIGNIN, body), 400)
        self.assertAnswer(self.env("POST", SIGNIN, signin_body("alice", "alice-pw",
                                                               connection="SMS")), 400)

    def test_encrypted_password(self):
        body = signin_body("alice", "alice-pw", options={"passwordEncryptType": "rsa"})
        self.assertAnswer(self.env("POST", SIGNIN, body), 499, 2016)

    def test_lifetime_field(self):
        EMU.settings(lifetime_field="expires_in", token_lifetime=1209600)
        data = self.env("POST", SIGNIN, signin_body("alice", "alice-pw"))["data"]
        self.assertEqual(data["expires_in"], 1209600)
        self.assertNotIn("expire_in", data)

    def test_refresh_token_with_offline_access(self):
        body = signin_body("alice", "alice-pw", options={"scope": "openid offline_access"})
        self.assertIn("refresh_token", self.env("POST", SIGNIN, body)["data"])

    def test_mfa_on_signin(self):
        EMU.settings(mfa_on_signin=True)
        env = self.env("POST", SIGNIN, signin_body("bob", "bob-pw"))
        self.assertAnswer(env, 302, 1635)
        self.assertTrue(env["data"]["mfaToken"].startswith("emu-mfa-"))
        self.assertNotIn("access_token", env["data"])
        self.assertEqual(env["data"]["mfaPhone"], "13900001111")
        self.assertAnswer(self.env("POST", SIGNIN, signin_body("alice", "alice-pw")), 200)
        EMU.settings(mfa_on_signin=1636, mfa_signin_status=200)
        self.assertAnswer(self.env("POST", SIGNIN, signin_body("bob", "bob-pw")), 200, 1636)

    def test_language(self):
        zh = self.env("POST", SIGNIN, signin_body("alice", "bad"))
        en = self.env("POST", SIGNIN, signin_body("alice", "bad"),
                      headers={"x-authing-lang": "en-US"})
        self.assertEqual(zh["message"], "账号或密码错误")
        self.assertEqual(en["message"], "Incorrect account or password")

    def test_http_status_mirrors(self):
        EMU.settings(http_status_mirrors=True)
        status, env, _ = self.call("POST", SIGNIN, signin_body("alice", "bad"))
        self.assertEqual((status, env["statusCode"], env["apiCode"]), (403, 403, 2333))
        status, env, _ = self.call("POST", SIGNIN, signin_body("alice", "alice-pw"))
        self.assertEqual((status, env["statusCode"]), (200, 200))


class FactorListTest(Base):
    def test_lists_bearer_and_raw(self):
        tok = self.token("bob")
        env = self.env("GET", ENROLLED, token=tok)
        self.assertAnswer(env, 200)
        self.assertEqual(len(env["data"]), 1)
        f = env["data"][0]
        self.assertEqual(f["factorType"], "SMS")
        self.assertEqual(f["profile"], {"phoneNumber": "13900001111", "phoneCountryCode": "+86"})
        self.assertIsInstance(f["factorId"], str)
        raw = self.env("GET", ENROLLED, headers={"Authorization": tok})
        self.assertEqual(raw["data"], env["data"])
        todo = self.env("GET", TO_ENROLL, token=tok)
        self.assertEqual(todo["data"], [{"factorType": t} for t in ("OTP", "EMAIL", "FACE")])
        forms = [e["auth_form"] for e in EMU.requests(ENROLLED)]
        self.assertEqual(forms, ["bearer", "raw"])

    def test_empty_list(self):
        env = self.env("GET", ENROLLED, token=self.token("alice"))
        self.assertEqual(env["data"], [])

    def test_enabled_factors(self):
        EMU.settings(enabled_factors=["SMS", "OTP"])
        self.assertEqual(self.env("GET", TO_ENROLL, token=self.token("bob"))["data"],
                         [{"factorType": "OTP"}])

    def test_no_or_bad_token(self):
        for kw in ({}, {"token": "emu-at-bogus"}, {"headers": {"Authorization": "Bearer"}}):
            for path in (ENROLLED, TO_ENROLL):
                self.assertAnswer(self.env("GET", path, **kw), 401, 2020)

    def test_token_forms_setting(self):
        tok = self.token("alice")
        EMU.settings(accept_token_forms=["bearer"])
        self.assertAnswer(self.env("GET", ENROLLED, headers={"Authorization": tok}), 401, 2020)
        self.assertAnswer(self.env("GET", ENROLLED, token=tok), 200)

    def test_token_expiry(self):
        tok = self.token("alice")
        EMU.advance_clock(7201)
        self.assertAnswer(self.env("GET", ENROLLED, token=tok), 401, 2020)

    def test_mint_token(self):
        tok = EMU.mint_token("bob")
        self.assertEqual(len(self.env("GET", ENROLLED, token=tok)["data"]), 1)


class EnrollTest(Base):
    def test_sms_full(self):
        tok = self.token("alice")
        env = self.send(tok, "SMS", {"phoneNumber": "18812345678", "phoneCountryCode": "+86"})
        self.assertAnswer(env, 200)
        etoken = env["data"]["enrollmentToken"]
        box = EMU.outbox()
        self.assertEqual(len(box), 1)
        self.assertEqual(box[0]["channel"], "SMS")
        self.assertEqual(box[0]["to"], "+86 18812345678")
        self.assertEqual(box[0]["user"], "alice")
        self.assertEqual(box[0]["enrollmentToken"], etoken)
        code = EMU.last_code("+86 18812345678")
        self.assertRegex(code, r"^[0-9]{6}$")
        env = self.enroll(tok, "SMS", etoken, code)
        self.assertAnswer(env, 200)
        self.assertNotIn("data", env)
        listed = self.env("GET", ENROLLED, token=tok)["data"]
        self.assertEqual([(f["factorType"], f["profile"]) for f in listed],
                         [("SMS", {"phoneNumber": "18812345678", "phoneCountryCode": "+86"})])
        self.assertNotIn({"factorType": "SMS"}, self.env("GET", TO_ENROLL, token=tok)["data"])
        # single use
        self.assertAnswer(self.enroll(tok, "SMS", etoken, code), 400, 2300)

    def test_default_country_code(self):
        tok = self.token("alice")
        self.assertAnswer(self.send(tok, "SMS", {"phoneNumber": "18812345678"}), 200)
        self.assertEqual(EMU.outbox()[-1]["to"], "+86 18812345678")

    def test_email(self):
        tok = self.token("alice")
        env = self.send(tok, "EMAIL", {"email": "alice@example.com"})
        self.assertAnswer(env, 200)
        entry = EMU.outbox()[-1]
        self.assertEqual((entry["channel"], entry["to"]), ("EMAIL", "alice@example.com"))
        env = self.enroll(tok, "EMAIL", env["data"]["enrollmentToken"], entry["code"])
        self.assertAnswer(env, 200)
        listed = self.env("GET", ENROLLED, token=tok)["data"]
        self.assertEqual(listed[0]["profile"], {"email": "alice@example.com"})

    def test_rate_limit(self):
        tok = self.token("alice")
        prof = {"phoneNumber": "18812345678", "phoneCountryCode": "+86"}
        self.assertAnswer(self.send(tok, "SMS", prof), 200)
        env = self.send(tok, "SMS", prof)
        self.assertAnswer(env, 422)
        self.assertRegex(env["message"], "[0-9]+")
        self.assertEqual(len(EMU.outbox()), 1)
        self.assertAnswer(self.send(tok, "EMAIL", {"email": "a@example.com"}), 200)
        self.assertAnswer(self.send(tok, "EMAIL", {"email": "A@example.com"}), 422, 2080)
        EMU.settings(throttle_status=429)
        self.assertAnswer(self.send(tok, "SMS", prof), 429)
        EMU.advance_clock(61)
        tok = self.token("alice")
        self.assertAnswer(self.send(tok, "SMS", prof), 200)
        self.assertAnswer(self.send(tok, "EMAIL", {"email": "a@example.com"}), 200)
        self.assertEqual(len(EMU.outbox()), 4)

    def test_expired_token(self):
        tok = self.token("alice")
        etoken = self.send(tok, "SMS", {"phoneNumber": "18812345678"})["data"]["enrollmentToken"]
        code = EMU.last_code()
        EMU.advance_clock(61)
        env = self.enroll(tok, "SMS", etoken, code)
        self.assertAnswer(env, 400, 2300)
        self.assertEqual(self.env("GET", ENROLLED, token=tok)["data"], [])
        EMU.settings(expired_token_answer="same_as_wrong")
        env2 = self.enroll(tok, "SMS", etoken, code)
        wrong = self.enroll(tok, "SMS", "emu-et-unknown", "000000")
        self.assertAnswer(env2, 400, 2001)
        self.assertEqual(env2["message"], wrong["message"])
        EMU.settings(expired_token_answer={"statusCode": 410, "apiCode": 9, "message": "gone"})
        self.assertAnswer(self.enroll(tok, "SMS", etoken, code), 410, 9)

    def test_wrong_code(self):
        tok = self.token("alice")
        etoken = self.send(tok, "SMS", {"phoneNumber": "18812345678"})["data"]["enrollmentToken"]
        code = EMU.last_code()
        bad = "%06d" % ((int(code) + 1) % 1000000)
        env = self.enroll(tok, "SMS", etoken, bad)
        self.assertAnswer(env, 400, 2001)
        self.assertAnswer(self.enroll(tok, "SMS", etoken, code), 200)

    def test_wrong_code_burns_token(self):
        tok = self.token("alice")
        etoken = self.send(tok, "SMS", {"phoneNumber": "18812345678"})["data"]["enrollmentToken"]
        code = EMU.last_code()
        bad = "%06d" % ((int(code) + 1) % 1000000)
        for _ in range(5):
            self.assertAnswer(self.enroll(tok, "SMS", etoken, bad), 400, 2001)
        self.assertAnswer(self.enroll(tok, "SMS", etoken, code), 400, 2300)

    def test_token_bound_to_user_and_type(self):
        alice, bob = self.token("alice"), self.token("bob")
        etoken = self.send(alice, "EMAIL", {"email": "a@example.com"})["data"]["enrollmentToken"]
        code = EMU.last_code()
        self.assertAnswer(self.enroll(bob, "EMAIL", etoken, code), 400, 2300)
        self.assertAnswer(self.enroll(alice, "SMS", etoken, code), 400)
        self.assertAnswer(self.enroll(alice, "EMAIL", etoken, code), 200)

    def test_already_bound(self):
        bob = self.token("bob")
        self.assertAnswer(self.send(bob, "SMS", {"phoneNumber": "18800000000"}), 409)
        EMU.settings(already_bound_answer="allow")
        self.assertAnswer(self.send(bob, "SMS", {"phoneNumber": "18800000000"}), 200)

    def test_code_length_and_data_null(self):
        EMU.settings(code_length=4, enroll_data_null=True)
        tok = self.token("alice")
        etoken = self.send(tok, "SMS", {"phoneNumber": "18812345678"})["data"]["enrollmentToken"]
        code = EMU.last_code()
        self.assertRegex(code, r"^[0-9]{4}$")
        env = self.enroll(tok, "SMS", etoken, code)
        self.assertIn("data", env)
        self.assertIsNone(env["data"])

    def test_otp(self):
        tok = self.token("alice")
        env = self.send(tok, "OTP", {})
        self.assertAnswer(env, 200)
        otp = env["data"]["otpData"]
        self.assertRegex(otp["qrCodeUri"], r"^otpauth://totp/emu-pool:alice\?secret=[A-Z2-7]+"
                         r"&period=30&digits=6&algorithm=SHA1&issuer=emu-pool$")
        self.assertTrue(otp["qrCodeDataUrl"].startswith("data:image/png;base64,"))
        self.assertRegex(otp["recoveryCode"], r"^([0-9a-f]{4}-){5}[0-9a-f]{4}$")
        self.assertEqual(EMU.outbox(), [])
        secret = secret_from_uri(otp["qrCodeUri"])
        EMU.advance_clock(17)  # TOTP runs on the emulator clock
        now = EMU.now()
        wrong = totp(secret, now + 300)
        self.assertAnswer(self.enroll(tok, "OTP", env["data"]["enrollmentToken"], wrong),
                          400, 2001)
        env2 = self.enroll(tok, "OTP", env["data"]["enrollmentToken"], totp(secret, now))
        self.assertAnswer(env2, 200)
        listed = self.env("GET", ENROLLED, token=tok)["data"]
        self.assertEqual([(f["factorType"], f["profile"]) for f in listed], [("OTP", {})])
        # mfa-totp-verify
        ok = self.env("POST", TOTP_VERIFY, {"totp": EMU.totp(secret)}, token=tok)
        self.assertEqual(ok["data"], {"verified": True})
        bad = self.env("POST", TOTP_VERIFY, {"totp": totp(secret, now + 600)}, token=tok)
        self.assertAnswer(bad, 200)
        self.assertEqual(bad["data"], {"verified": False})
        EMU.settings(totp_wrong_answer="error")
        bad = self.env("POST", TOTP_VERIFY, {"totp": totp(secret, now + 600)}, token=tok)
        self.assertAnswer(bad, 400, 6001)

    def test_bad_input(self):
        tok = self.token("alice")
        for ftype, profile in (("SMS", {}), ("SMS", {"phoneNumber": "188-1234"}),
                               ("SMS", {"phoneNumber": "18812345678", "phoneCountryCode": "86"}),
                               ("SMS", "18812345678"), ("EMAIL", {"email": "not-an-email"}),
                               ("EMAIL", {}), ("PUSH", {}), (None, {}), ("FACE", {})):
            self.assertAnswer(self.send(tok, ftype, profile), 400)
        for body in ({}, {"factorType": "SMS", "enrollmentToken": "x"},
                     {"factorType": "SMS", "enrollmentToken": "x", "enrollmentData": {}},
                     {"factorType": "SMS", "enrollmentToken": 5,
                      "enrollmentData": {"passCode": "1"}}):
            self.assertAnswer(self.env("POST", ENROLL, body, token=tok), 400)
        self.assertEqual(EMU.outbox(), [])


class HttpTest(Base):
    def test_unknown_path(self):
        status, env, _ = self.call("GET", "/api/v3/nothing")
        self.assertEqual((status, env["statusCode"]), (404, 404))
        status, env, _ = self.call("GET", SIGNIN)
        self.assertEqual((status, env["statusCode"]), (404, 404))

    def test_bad_bodies(self):
        self.assertAnswer(self.env("POST", SIGNIN, raw=b"{bad json"), 400)
        self.assertAnswer(self.env("POST", SIGNIN, raw=b"[1,2]"), 400)
        self.assertAnswer(self.env("POST", SIGNIN, raw=b"\xff\xfe"), 400)
        self.assertAnswer(self.env("POST", SIGNIN, raw=b"[" * 30000 + b"]" * 30000), 400)
        body = json.dumps(signin_body("alice", "alice-pw")).encode()
        env = self.env("POST", SIGNIN, raw=body,
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertAnswer(env, 400)
        env = self.env("POST", SIGNIN, raw=body,
                       headers={"Content-Type": "application/json;charset=UTF-8"})
        self.assertAnswer(env, 200)
        status, env, _ = self.call("POST", SIGNIN, raw=b" " * (64 * 1024 + 1))
        self.assertEqual((status, env["statusCode"]), (413, 413))
        log = EMU.requests(SIGNIN)
        self.assertEqual(log[0]["body"], "{bad json")

    def test_keepalive_and_chunked(self):
        conn = http.client.HTTPSConnection("127.0.0.1", EMU.port, timeout=5,
                                           context=EMU.ssl_context())
        hdrs = {"x-authing-app-id": "emu-app-id", "Content-Type": "application/json"}
        for _ in range(3):
            conn.request("POST", SIGNIN, json.dumps(signin_body("alice", "alice-pw")), hdrs)
            self.assertEqual(json.loads(conn.getresponse().read())["statusCode"], 200)
        chunks = iter([json.dumps(signin_body("alice", "alice-pw")).encode()])
        conn.request("POST", SIGNIN, chunks, hdrs, encode_chunked=True)
        self.assertEqual(json.loads(conn.getresponse().read())["statusCode"], 200)
        conn.close()

    def test_control_not_logged(self):
        self.call("GET", ENROLLED)
        EMU.state()
        self.assertEqual([e["path"] for e in EMU.requests()], [ENROLLED])

    def test_control_errors(self):
        with self.assertRaises(EmulatorError):
            EMU.settings(no_such_setting=1)
        with self.assertRaises(EmulatorError):
            EMU.settings(code_length=12)
        with self.assertRaises(EmulatorError):
            EMU.fault("/x", "no_such_kind")
        with self.assertRaises(EmulatorError):
            EMU.add_users([{"username": "x"}])
        state = EMU.state()
        self.assertEqual(sorted(u["username"] for u in state["users"]), ["alice", "bob", "carol"])
        self.assertEqual(state["users"][1]["factors"][0]["factorType"], "SMS")

    def test_emuctl(self):
        tok = self.token("alice")
        self.send(tok, "EMAIL", {"email": "a@example.com"})
        ctl = ["/usr/bin/python3", os.path.join(HERE, "emuctl.py"), "--url", EMU.url,
               "--ca", EMU.ca_file]
        out = subprocess.run(ctl + ["last-code", "a@example.com"], capture_output=True,
                             text=True, timeout=10)
        self.assertEqual(out.stdout.strip(), EMU.last_code())
        self.assertEqual(subprocess.run(ctl + ["last-code", "b@example.com"],
                                        capture_output=True, timeout=10).returncode, 1)
        subprocess.run(ctl + ["settings", "code_length=4", "mfa_on_signin=true",
                              "fixed_code=123456", "enabled_factors=SMS,OTP"],
                       check=True, timeout=10)
        settings = EMU.state()["settings"]
        self.assertEqual((settings["code_length"], settings["fixed_code"],
                          settings["mfa_on_signin"], settings["enabled_factors"]),
                         (4, "123456", 1635, ["SMS", "OTP"]))
        subprocess.run(ctl + ["fault", SIGNIN, "status500", "1"], check=True, timeout=10)
        self.assertEqual(EMU.faults()[0]["count"], 1)
        out = subprocess.run(ctl + ["requests", SIGNIN], capture_output=True, text=True,
                             timeout=10, check=True)
        self.assertEqual(json.loads(out.stdout.splitlines()[0])["path"], SIGNIN)
        self.assertEqual(subprocess.run(ctl + ["bogus"], capture_output=True,
                                        timeout=10).returncode, 2)


class FaultTest(Base):
    def enrolled(self, **kw):
        return self.call("GET", ENROLLED, token=self.tok, **kw)

    def setUp(self):
        super().setUp()
        self.tok = self.token("bob")

    def test_http500(self):
        EMU.fault(ENROLLED, "http500")
        status, env, raw = self.enrolled()
        self.assertEqual((status, env), (500, None))
        self.assertIn(b"<html>", raw)

    def test_status500(self):
        EMU.fault(ENROLLED, "status500")
        status, env, _ = self.enrolled()
        self.assertEqual((status, env["statusCode"]), (200, 500))
        self.assertNotIn("data", env)

    def test_status_string(self):
        EMU.fault(ENROLLED, "status_string")
        self.assertEqual(self.enrolled()[1]["statusCode"], "200")

    def test_badjson_empty(self):
        EMU.fault(ENROLLED, "badjson", 1)
        EMU.fault(ENROLLED, "empty", 1)
        self.assertEqual(self.enrolled()[::2], (200, b"{not json"))
        self.assertEqual(self.enrolled()[::2], (200, b""))
        self.assertEqual(self.enrolled()[1]["statusCode"], 200)  # both used up

    def test_truncated(self):
        EMU.fault(ENROLLED, "truncated")
        status, env, raw = self.enrolled()
        self.assertEqual((status, env), (200, None))
        self.assertTrue(raw.startswith(b'{"statusCode":200'))

    def test_short(self):
        EMU.fault(ENROLLED, "short")
        with self.assertRaises((http.client.IncompleteRead, OSError)):
            self.enrolled()

    def test_data_variants(self):
        EMU.fault(ENROLLED, "data_null", 1)
        EMU.fault(ENROLLED, "data_missing", 1)
        EMU.fault(ENROLLED, "data_wrong_type", 1)
        EMU.fault(SEND, "data_wrong_type", 1)
        env = self.enrolled()[1]
        self.assertEqual((env["statusCode"], env["data"]), (200, None))
        env = self.enrolled()[1]
        self.assertNotIn("data", env)
        self.assertIsInstance(self.enrolled()[1]["data"], dict)
        env = self.send(self.token("alice"), "EMAIL", {"email": "x@example.com"})
        self.assertIsInstance(env["data"], str)

    def test_huge(self):
        EMU.fault(ENROLLED, "huge")
        status, env, raw = self.enrolled()
        self.assertGreaterEqual(len(raw), 5 * 1024 * 1024)
        self.assertEqual(env["statusCode"], 200)

    def test_deep(self):
        EMU.fault(ENROLLED, "deep")
        raw = self.enrolled()[2]
        self.assertIn(b'"data":' + b"[" * 10000 + b"]" * 10000 + b"}", raw)

    def test_slow(self):
        EMU.fault(ENROLLED, "slow", 1, seconds=1)
        t0 = time.monotonic()
        self.assertEqual(self.enrolled()[1]["statusCode"], 200)
        self.assertGreaterEqual(time.monotonic() - t0, 0.95)
        EMU.fault(ENROLLED, "slow", 1, seconds=2)
        with self.assertRaises((socket.timeout, urllib.error.URLError)):
            self.enrolled(timeout=0.5)

    def raw_request(self, path, token=None, timeout=5):
        sock = socket.create_connection(("127.0.0.1", EMU.port), timeout=timeout)
        tls = EMU.ssl_context().wrap_socket(sock, server_hostname="127.0.0.1")
        req = "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nx-authing-app-id: emu-app-id\r\n" % path
        if token:
            req += "Authorization: Bearer %s\r\n" % token
        tls.sendall((req + "\r\n").encode())
        return tls

    def test_drip(self):
        EMU.fault(ENROLLED, "drip", seconds=0.25)
        # t0 before the request: the lower bound then holds however late
        # this process wakes (bytes dripped meanwhile are only buffered)
        t0 = time.monotonic()
        tls = self.raw_request(ENROLLED, self.tok)
        head = b""
        while b"\r\n\r\n" not in head:
            head += tls.recv(1)
        got = b"".join(tls.recv(1) for _ in range(5))
        elapsed = time.monotonic() - t0
        tls.close()
        self.assertEqual(got, b'{"sta')
        self.assertGreaterEqual(elapsed, 0.9)
        self.assertIn(b"Content-Length:", head)

    def test_hang_does_not_block(self):
        EMU.fault(ENROLLED, "hang", 1)
        t0 = time.monotonic()
        with self.assertRaises((socket.timeout, urllib.error.URLError)):
            self.enrolled(timeout=1)
        self.assertLess(time.monotonic() - t0, 3)
        # a hanging connection does not block other requests
        tls = self.raw_request(ENROLLED, self.tok)
        EMU.fault(ENROLLED, "hang", 1)
        tls2 = self.raw_request(ENROLLED, self.tok)
        t0 = time.monotonic()
        self.assertEqual(self.enrolled(timeout=3)[1]["statusCode"], 200)
        self.assertLess(time.monotonic() - t0, 2)
        tls.close()
        tls2.close()
        self.assertEqual(EMU.requests(ENROLLED)[0]["fault"], "hang")

    def test_reset(self):
        EMU.fault(ENROLLED, "reset")
        with self.assertRaises((ConnectionError, http.client.RemoteDisconnected,
                                urllib.error.URLError, ssl.SSLError)):
            self.enrolled()

    def test_throttle429(self):
        EMU.fault(SEND, "throttle429")
        env = self.send(self.token("alice"), "SMS", {"phoneNumber": "18812345678"})
        self.assertAnswer(env, 429)
        self.assertEqual(EMU.outbox(), [])  # the real logic did not run

    def test_apply_switch(self):
        alice = self.token("alice")
        EMU.fault(SEND, "http500", 1, apply=True)  # the code is sent, the answer lost
        status, env, _ = self.call("POST", SEND, {"factorType": "SMS",
                                                  "profile": {"phoneNumber": "18812345678"}},
                                   token=alice)
        self.assertEqual((status, env), (500, None))
        self.assertEqual(len(EMU.outbox()), 1)
        EMU.fault(SEND, "status500", 1, apply=True)
        env = self.send(alice, "EMAIL", {"email": "a@example.com"})
        self.assertAnswer(env, 500)
        self.assertEqual(len(EMU.outbox()), 2)
        EMU.fault(SIGNIN, "slow", 1, seconds=0, apply=False, statusCode=503)
        self.assertAnswer(self.env("POST", SIGNIN, signin_body("alice", "alice-pw")), 503)
        self.assertEqual(EMU.state()["tokens"], 2)  # bob, alice; none from the faulted call

    def test_extra_fields(self):
        EMU.fault(ENROLLED, "extra_fields")
        env = self.enrolled()[1]
        self.assertEqual(env["statusCode"], 200)
        self.assertIn("emuUnknownField", env)
        self.assertEqual(env["data"][0]["factorType"], "SMS")
        self.assertIn("emuExtra", env["data"][0])

    def test_nul_in_string(self):
        EMU.fault(SIGNIN, "nul_in_string")
        status, env, raw = self.call("POST", SIGNIN, signin_body("alice", "alice-pw"))
        self.assertIn("\u0000", env["message"])
        self.assertIn("\u0000", env["data"]["access_token"])
        self.assertIn(b"\\u0000", raw)

    def test_error_override(self):
        EMU.fault(SEND, "error", statusCode=409, apiCode=1234, message="already bound")
        env = self.send(self.token("alice"), "SMS", {"phoneNumber": "18812345678"})
        self.assertAnswer(env, 409, 1234)
        self.assertEqual(env["message"], "already bound")
        EMU.fault(ENROLLED, "status500", 1, apiCode=5000, remove=["requestId"])
        env = self.enrolled()[1]
        self.assertEqual((env["statusCode"], env["apiCode"]), (500, 5000))
        self.assertNotIn("requestId", env)

    def test_count_star_and_user(self):
        EMU.fault("*", "status500", 2)
        self.assertEqual(self.enrolled()[1]["statusCode"], 500)
        self.assertEqual(self.call("GET", TO_ENROLL, token=self.tok)[1]["statusCode"], 500)
        self.assertEqual(self.enrolled()[1]["statusCode"], 200)
        self.assertEqual(EMU.faults(), [])
        EMU.fault(SIGNIN, "status500", user="alice")
        self.assertEqual(self.env("POST", SIGNIN, signin_body("alice", "alice-pw"))
                         ["statusCode"], 500)
        self.assertEqual(self.env("POST", SIGNIN, signin_body("bob", "bob-pw"))
                         ["statusCode"], 200)
        EMU.clear_faults()
        self.assertEqual(self.env("POST", SIGNIN, signin_body("alice", "alice-pw"))
                         ["statusCode"], 200)

    def test_http_status_mirrors_with_fault(self):
        EMU.settings(http_status_mirrors=True)
        EMU.fault(ENROLLED, "status500")
        self.assertEqual(self.enrolled()[0], 500)


class TlsTest(Base):
    def test_stalled_handshake_does_not_block(self):
        idle = socket.create_connection(("127.0.0.1", EMU.port))
        garbage = socket.create_connection(("127.0.0.1", EMU.port))
        garbage.sendall(b"GET / HTTP/1.0\r\n\r\n")  # plain HTTP on a TLS port
        t0 = time.monotonic()
        self.assertEqual(self.call("GET", ENROLLED, timeout=3)[1]["statusCode"], 401)
        self.assertLess(time.monotonic() - t0, 2)
        idle.close()
        garbage.close()

    def test_verification(self):
        certs = os.path.join(WORK, "certs")
        ctx = ssl.create_default_context(cafile=os.path.join(certs, "ca.pem"))
        for host in ("127.0.0.1", "localhost"):
            with socket.create_connection(("127.0.0.1", EMU.port), timeout=3) as s:
                with ctx.wrap_socket(s, server_hostname=host) as tls:
                    self.assertEqual(tls.version()[:4], "TLSv")
        wrong = ssl.create_default_context(cafile=os.path.join(certs, "wrongca.pem"))
        with socket.create_connection(("127.0.0.1", EMU.port), timeout=3) as s:
            with self.assertRaises(ssl.SSLCertVerificationError):
                wrong.wrap_socket(s, server_hostname="localhost")
        with socket.create_connection(("127.0.0.1", EMU.port), timeout=3) as s:
            with self.assertRaises(ssl.SSLCertVerificationError):
                ctx.wrap_socket(s, server_hostname="wrong.example")
        for name in ("server", "wronghost", "expired", "selfsigned"):
            self.assertEqual(os.stat(os.path.join(certs, name + ".key")).st_mode & 0o777, 0o600)
        rc = subprocess.run(["openssl", "x509", "-checkend", "0", "-noout", "-in",
                             os.path.join(certs, "expired.pem")], capture_output=True)
        self.assertNotEqual(rc.returncode, 0)

    def test_other_certificates(self):
        certs = os.path.join(WORK, "certs")
        ctx = ssl.create_default_context(cafile=os.path.join(certs, "ca.pem"))
        for cert, pattern in (("wronghost", "match|mismatch"), ("expired", "expired")):
            with Emulator(cert=cert, cert_dir=certs) as other:
                other.start(os.path.join(WORK, cert))
                with socket.create_connection(("127.0.0.1", other.port), timeout=3) as s:
                    with self.assertRaises(ssl.SSLCertVerificationError) as cm:
                        ctx.wrap_socket(s, server_hostname="localhost")
                self.assertRegex(str(cm.exception), pattern)
                other.reset()  # the control API still works (unverified)


def main():
    t0 = time.monotonic()
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
    runner = unittest.TextTestRunner(verbosity=2, stream=sys.stdout)
    result = runner.run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    passed = result.testsRun - failed - len(result.skipped)
    if WORK and not failed:
        shutil.rmtree(WORK, ignore_errors=True)
    elif WORK:
        print("emulator: work directory kept: %s (%.1f s)" % (WORK, time.monotonic() - t0))
    print("emulator: %d passed, %d failed" % (passed, failed))
    return 1 if failed or not result.testsRun else 0


if __name__ == "__main__":
    sys.exit(main())
