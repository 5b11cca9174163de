#!/usr/bin/python3
"""Self-test of the emulator's issue 4 endpoints over real TLS: OTP factors and
otpData, the Management API, send-sms/send-email, V2 verification with an
mfaToken, and faults on all of them (unittest, standard library only).

Run: /usr/bin/python3 tests/emulator/test_emulator_mfa.py
Prints "emulator-mfa: N passed, N failed" and exits non-zero on any failure.
"""

import base64
import http.client
import os
import re
import shutil
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, HERE)
from emulib import (Emulator, EmulatorError, otpauth_params, secret_from_uri,  # noqa: E402
                    totp, totp_from_uri)

WORK = None
EMU = None

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
RECOVERY = "e7ad-aaa4-da75-fa37-57d1-5141"
USERS = [
    {"username": "alice", "password": "alice-pw", "email": "Alice@Example.com",
     "phone": "18812345678", "externalId": "ext-alice", "userId": "uid-alice"},
    {"username": "bob", "password": "bob-pw",
     "factors": [{"factorType": "SMS",
                  "profile": {"phoneNumber": "13900001111", "phoneCountryCode": "+86"}},
                 {"factorType": "EMAIL", "profile": {"email": "bob@example.com"}}]},
    {"username": "olga", "password": "olga-pw",
     "factors": [{"factorType": "OTP", "secret": SECRET, "recoveryCode": RECOVERY}]},
    {"username": "carol", "password": "carol-pw", "locked": True},
]
from api_paths import (GET_USER, MFA_INFO, MGMT_TOKEN, SEND, SEND_EMAIL,  # noqa: E402
                       SEND_SMS, SIGNIN, TRIGGER, V2_EMAIL, V2_RECOVERY, V2_SMS, V2_TOTP)
from api_paths import BIND as ENROLL, LIST as ENROLLED, TOTP as TOTP_VERIFY  # noqa: E402
VERIFY = "CHANNEL_VERIFY_MFA"
BOB_PHONE = "+86 13900001111"


def setUpModule():
    global WORK, EMU
    WORK = tempfile.mkdtemp(prefix="emu-mfa-selftest-")
    EMU = Emulator().start(WORK)


def tearDownModule():
    if EMU:
        EMU.stop()


def check_png(test, data_url):
    """data_url is a data:image/png;base64 URL of a valid PNG (chunk CRCs)."""
    test.assertTrue(data_url.startswith("data:image/png;base64,"))
    png = base64.b64decode(data_url.split(",", 1)[1], validate=True)
    test.assertEqual(png[:8], b"\x89PNG\r\n\x1a\n")
    i, types = 8, []
    while i < len(png):
        n, = struct.unpack(">I", png[i:i + 4])
        kind, body = png[i + 4:i + 8], png[i + 8:i + 8 + n]
        test.assertEqual(zlib.crc32(kind + body), struct.unpack(">I", png[i + 8 + n:i + 12 + n])[0])
        types.append(kind)
        i += 12 + n
    test.assertEqual((types[0], types[-1]), (b"IHDR", b"IEND"))


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
        self.assertIsInstance(env.get("message"), str)
        return env

    def assertAnswer(self, env, status, api_code=None):
        self.assertEqual(env["statusCode"], status, env)
        self.assertEqual(env.get("apiCode"), api_code, env)

    def v2(self, path, body, mfa_token, **kw):
        """A V2 call; checks the V2 envelope shape and returns it."""
        env = self.env("POST", path, body, token=mfa_token, **kw)
        self.assertIsInstance(env.get("code"), int, env)
        self.assertNotIn("statusCode", env)
        self.assertNotIn("requestId", env)
        return env

    def token(self, user="alice"):
        return EMU.mint_token(user)

    def align_clock(self, period=30, into=1):
        """Move the emulator clock `into` seconds past a TOTP step boundary, so
        a test has ~period seconds before the code changes."""
        now = EMU.now()
        EMU.advance_clock((period - now % period) + into)

    def mgmt(self, path, query=None, token=None, **kw):
        return EMU.mgmt_call(path, query, token or self.mgmt_tok, **kw)

    def trigger(self, user="bob", id_type="username"):
        env = self.mgmt(TRIGGER, {"appId": "emu-app-id", "userId": user,
                                  "userIdType": id_type}, token=EMU.mgmt_token())[1]
        self.assertAnswer(env, 200)
        return env["data"]

    def send_sms(self, phone="13900001111", cc="+86", channel=VERIFY, **kw):
        body = {"phoneNumber": phone, "channel": channel}
        if cc is not None:
            body["phoneCountryCode"] = cc
        return self.env("POST", SEND_SMS, body, **kw)

    def send_email(self, email="bob@example.com", channel=VERIFY, **kw):
        return self.env("POST", SEND_EMAIL, {"email": email, "channel": channel}, **kw)


# --------------------------------------------------------------------------
class OtpFactorTest(Base):
    def test_user_created_with_otp(self):
        f = EMU.otp_factor("olga")
        self.assertEqual((f["secret"], f["recoveryCode"], f["digits"], f["period"]),
                         (SECRET, RECOVERY, 6, 30))
        self.assertEqual(EMU.otp_secret("olga"), SECRET)
        self.assertEqual(EMU.recovery_code("olga"), RECOVERY)
        tok = self.token("olga")
        listed = self.env("GET", ENROLLED, token=tok)["data"]
        self.assertEqual([(x["factorType"], x["profile"]) for x in listed], [("OTP", {})])
        self.assertNotIn("secret", listed[0])
        self.assertNotIn("recoveryCode", listed[0])
        self.align_clock()
        ok = self.env("POST", TOTP_VERIFY, {"totp": EMU.current_totp("olga")}, token=tok)
        self.assertEqual(ok["data"], {"verified": True})
        self.assertEqual(EMU.current_totp("olga"), EMU.totp(SECRET))

    def test_generated_secret_and_recovery(self):
        EMU.add_users([{"username": "gen", "password": "pw",
                        "factors": [{"factorType": "OTP", "digits": 8, "period": 60}]}])
        f = EMU.otp_factor("gen")
        self.assertRegex(f["secret"], r"^[A-Z2-7]{32}$")
        self.assertRegex(f["recoveryCode"], r"^([0-9a-f]{4}-){5}[0-9a-f]{4}$")
        self.assertRegex(EMU.current_totp("gen"), r"^[0-9]{8}$")
        self.assertEqual(EMU.current_totp("gen"), totp(f["secret"], EMU.now(), 60, 8))
        # lower case and padding are normalised
        EMU.add_users([{"username": "low", "password": "pw",
                        "factors": [{"factorType": "OTP", "secret": SECRET.lower() + "===="}]}])
        self.assertEqual(EMU.otp_secret("low"), SECRET)
        with self.assertRaises(EmulatorError):
            EMU.otp_factor("alice")

    def test_bad_otp_specs(self):
        for factor in ({"secret": "NOT-BASE32-0189!!"}, {"secret": "ABCDEFGH"},
                       {"secret": 12345}, {"recoveryCode": "has space 1234"},
                       {"recoveryCode": "short"}, {"digits": 7}, {"period": 5}):
            factor["factorType"] = "OTP"
            with self.assertRaises(EmulatorError, msg=factor):
                EMU.add_users([{"username": "bad", "password": "pw", "factors": [factor]}])
        self.assertNotIn("bad", [u["username"] for u in EMU.state()["users"]])

    def test_otp_data_and_enroll(self):
        tok = self.token("alice")
        env = self.env("POST", SEND, {"factorType": "OTP", "profile": {}}, token=tok)
        self.assertAnswer(env, 200)
        otp = env["data"]["otpData"]
        self.assertRegex(otp["qrCodeUri"], r"^otpauth://totp/emu-pool:alice\?secret=[A-Z2-7]{32}"
                         r"&period=30&digits=6&algorithm=SHA1&issuer=emu-pool$")
        check_png(self, otp["qrCodeDataUrl"])
        self.assertRegex(otp["recoveryCode"], r"^([0-9a-f]{4}-){5}[0-9a-f]{4}$")
        params = otpauth_params(otp["qrCodeUri"])
        self.assertEqual((params["issuer"], params["label"], params["digits"], params["period"]),
                         ("emu-pool", "emu-pool:alice", 6, 30))
        self.align_clock()
        etoken = env["data"]["enrollmentToken"]
        wrong = EMU.totp_from_uri(otp["qrCodeUri"], steps=5)
        self.assertAnswer(self.env("POST", ENROLL, {"factorType": "OTP", "enrollmentToken": etoken,
                                                    "enrollmentData": {"passCode": wrong}},
                                   token=tok), 400, 2001)
        good = EMU.totp_from_uri(otp["qrCodeUri"])
        self.assertEqual(good, totp_from_uri(otp["qrCodeUri"], EMU.now()))
        self.assertAnswer(self.env("POST", ENROLL, {"factorType": "OTP", "enrollmentToken": etoken,
                                                    "enrollmentData": {"passCode": good}},
                                   token=tok), 200)
        # the factor keeps the secret and the recovery code of the otpData
        self.assertEqual(EMU.otp_secret("alice"), secret_from_uri(otp["qrCodeUri"]))
        self.assertEqual(EMU.recovery_code("alice"), otp["recoveryCode"])

    def enroll_with(self, tok, etoken, code):
        return self.env("POST", ENROLL, {"factorType": "OTP", "enrollmentToken": etoken,
                                         "enrollmentData": {"passCode": code}}, token=tok)

    def test_enroll_window(self):
        tok = self.token("alice")
        EMU.settings(totp_window=0)
        env = self.env("POST", SEND, {"factorType": "OTP", "profile": {}}, token=tok)["data"]
        uri, etoken = env["otpData"]["qrCodeUri"], env["enrollmentToken"]
        self.align_clock()
        self.assertAnswer(self.enroll_with(tok, etoken, EMU.totp_from_uri(uri, -1)), 400, 2001)
        self.assertAnswer(self.enroll_with(tok, etoken, EMU.totp_from_uri(uri, 1)), 400, 2001)
        EMU.settings(totp_window=1)
        self.assertAnswer(self.enroll_with(tok, etoken, EMU.totp_from_uri(uri, -1)), 200)

    def test_digits_and_period(self):
        EMU.settings(otp_digits=8, otp_period=60)
        # align first: moving the clock up to 61 s after the request would
        # outlive the 60 s enrollmentToken (a flaky failure, apiCode 2300)
        self.align_clock(60)
        tok = self.token("alice")
        env = self.env("POST", SEND, {"factorType": "OTP", "profile": {}}, token=tok)["data"]
        uri = env["otpData"]["qrCodeUri"]
        self.assertIn("&period=60&digits=8&", uri)
        code = EMU.totp_from_uri(uri)
        self.assertRegex(code, r"^[0-9]{8}$")
        self.assertAnswer(self.enroll_with(tok, env["enrollmentToken"], code[:6]), 400, 2001)
        self.assertAnswer(self.enroll_with(tok, env["enrollmentToken"], code), 200)
        f = EMU.otp_factor("alice")
        self.assertEqual((f["digits"], f["period"]), (8, 60))
        ok = self.env("POST", TOTP_VERIFY, {"totp": EMU.current_totp("alice")}, token=tok)
        self.assertEqual(ok["data"], {"verified": True})

    def test_wrong_totp_variants_and_reuse(self):
        tok = self.token("olga")
        self.align_clock()
        wrong = EMU.current_totp("olga", steps=10)
        bad = self.env("POST", TOTP_VERIFY, {"totp": wrong}, token=tok)
        self.assertAnswer(bad, 200)
        self.assertEqual(bad["data"], {"verified": False})
        EMU.settings(totp_wrong_answer="error")
        self.assertAnswer(self.env("POST", TOTP_VERIFY, {"totp": wrong}, token=tok), 400, 6001)
        code = EMU.current_totp("olga")
        self.assertEqual(self.env("POST", TOTP_VERIFY, {"totp": code}, token=tok)["data"],
                         {"verified": True})
        self.assertEqual(self.env("POST", TOTP_VERIFY, {"totp": code}, token=tok)["data"],
                         {"verified": True})   # totp_reuse allow (default)
        EMU.settings(totp_reuse="reject", totp_wrong_answer="verified_false")
        self.assertEqual(self.env("POST", TOTP_VERIFY, {"totp": code}, token=tok)["data"],
                         {"verified": False})
        EMU.advance_clock(30)
        self.assertEqual(self.env("POST", TOTP_VERIFY, {"totp": EMU.current_totp("olga")},
                                  token=tok)["data"], {"verified": True})
        # an earlier step than the last accepted one is a replay too
        self.assertEqual(self.env("POST", TOTP_VERIFY, {"totp": code}, token=tok)["data"],
                         {"verified": False})

    def test_otp_data_variants(self):
        tok = self.token("alice")

        def otp_data(variant):
            EMU.settings(otp_data_variant=variant)
            env = self.env("POST", SEND, {"factorType": "OTP", "profile": {}}, token=tok)
            self.assertAnswer(env, 200)
            self.assertIsInstance(env["data"]["enrollmentToken"], str)
            return env["data"]

        self.assertNotIn("otpData", otp_data("missing"))
        self.assertIsNone(otp_data("null")["otpData"])
        self.assertTrue(otp_data("not_object")["otpData"].startswith("otpauth://totp/"))
        d = otp_data("wrong_types")["otpData"]
        self.assertEqual((type(d["qrCodeUri"]), type(d["qrCodeDataUrl"]),
                          type(d["recoveryCode"])), (int, bool, list))
        self.assertNotIn("qrCodeUri", otp_data("uri_missing")["otpData"])
        d = otp_data("recovery_missing")["otpData"]
        self.assertNotIn("recoveryCode", d)
        otpauth_params(d["qrCodeUri"])   # still valid
        self.assertEqual(otp_data("uri_empty")["otpData"]["qrCodeUri"], "")
        uris = {v: otp_data(v)["otpData"]["qrCodeUri"] for v in (
            "uri_not_otpauth", "uri_hotp", "uri_no_secret", "uri_algorithm")}
        for v, uri in uris.items():
            with self.assertRaises(ValueError, msg=v):
                otpauth_params(uri)
        p = otpauth_params(otp_data("uri_bad_secret")["otpData"]["qrCodeUri"])
        self.assertNotRegex(p["secret"], r"^[A-Z2-7]+$")
        p = otpauth_params(otp_data("uri_short_secret")["otpData"]["qrCodeUri"])
        self.assertEqual(len(p["secret"]), 8)
        self.assertEqual(otpauth_params(otp_data("uri_digits")["otpData"]["qrCodeUri"])
                         ["digits"], 7)
        self.assertEqual(otpauth_params(otp_data("uri_period")["otpData"]["qrCodeUri"])
                         ["period"], 5)
        self.assertGreater(len(otp_data("uri_too_long")["otpData"]["qrCodeUri"]), 2048)
        self.assertIn("\n", otpauth_params(otp_data("uri_control")["otpData"]["qrCodeUri"])
                      ["label"])
        raw = otp_data("uri_bad_utf8")["otpData"]["qrCodeUri"]
        self.assertIn("%FF%FE", raw)
        EMU.settings(otp_data_variant="ok")
        otpauth_params(otp_data("ok")["otpData"]["qrCodeUri"])
        with self.assertRaises(EmulatorError):
            EMU.settings(otp_data_variant="nonsense")


# --------------------------------------------------------------------------
class MgmtTest(Base):
    def setUp(self):
        super().setUp()
        self.mgmt_tok = EMU.mgmt_token()

    def test_token(self):
        status, env, _ = self.call("POST", MGMT_TOKEN, {"accessKeyId": "emu-userpool-id",
                                                        "accessKeySecret": "emu-userpool-secret"},
                                   headers={"x-authing-app-id": None})  # no app id needed
        self.assertEqual(status, 200)
        self.assertAnswer(env, 200)
        self.assertTrue(env["data"]["access_token"].startswith("emu-mt-"))
        self.assertEqual(env["data"]["expires_in"], 7200)
        self.assertNotEqual(env["data"]["access_token"], self.mgmt_tok)
        counts = EMU.counts()
        self.assertEqual((counts["mgmt_token_requests"], counts["mgmt_tokens_issued"]), (2, 2))
        self.assertEqual(EMU.mgmt_token_requests(), 2)

    def test_token_errors(self):
        for body in ({"accessKeyId": "emu-userpool-id", "accessKeySecret": "nope"},
                     {"accessKeyId": "other", "accessKeySecret": "emu-userpool-secret"}):
            self.assertAnswer(self.env("POST", MGMT_TOKEN, body), 401)
        for body in ({}, {"accessKeyId": "emu-userpool-id"},
                     {"accessKeyId": 5, "accessKeySecret": "emu-userpool-secret"}):
            self.assertAnswer(self.env("POST", MGMT_TOKEN, body), 400)
        bad = {"accessKeyId": "emu-userpool-id", "accessKeySecret": "nope"}
        EMU.settings(mgmt_auth_error=403)
        self.assertAnswer(self.env("POST", MGMT_TOKEN, bad), 403)
        EMU.settings(mgmt_auth_error={"statusCode": 400, "apiCode": 1234, "message": "no"})
        self.assertAnswer(self.env("POST", MGMT_TOKEN, bad), 400, 1234)
        self.assertEqual(EMU.counts()["mgmt_token_requests"], 8)
        self.assertEqual(EMU.counts()["mgmt_tokens_issued"], 1)
        EMU.clear_counts()
        self.assertEqual(EMU.counts(), {"counts": {}, "mgmt_token_requests": 0,
                                        "mgmt_tokens_issued": 0})

    def test_custom_pool_and_lifetime(self):
        EMU.settings(userpool_id="pool-1", userpool_secret="s3cret", mgmt_token_lifetime=60)
        tok = EMU.mgmt_token("pool-1", "s3cret")
        q = {"appId": "emu-app-id", "userId": "bob", "userIdType": "username"}
        self.assertAnswer(self.mgmt(TRIGGER, q, tok)[1], 400)  # default pool id header
        self.assertAnswer(self.mgmt(TRIGGER, q, tok, pool_id="pool-1")[1], 200)
        EMU.advance_clock(61)
        self.assertAnswer(self.mgmt(TRIGGER, q, tok, pool_id="pool-1")[1], 401)

    def test_trigger_data(self):
        data = self.trigger("bob")
        self.assertTrue(data["mfaToken"].startswith("emu-mfa-"))
        self.assertEqual(data["applicationMfa"], [{"mfaPolicy": "SMS", "status": 1, "sort": 0},
                                                  {"mfaPolicy": "EMAIL", "status": 1, "sort": 1}])
        self.assertEqual((data["mfaPhone"], data["mfaPhoneCountryCode"], data["mfaEmail"]),
                         ("13900001111", "+86", "bob@example.com"))
        self.assertEqual((data["totpMfaEnabled"], data["faceMfaEnabled"]), (False, False))
        olga = self.trigger("olga")
        self.assertEqual(olga["totpMfaEnabled"], True)
        self.assertNotIn("mfaPhone", olga)
        self.assertNotIn("mfaEmail", olga)
        self.assertEqual(EMU.state()["mfa_tokens"], 2)

    def test_user_id_types(self):
        for id_type, value in (("username", "alice"), ("user_id", "uid-alice"),
                               ("email", "alice@example.com"), ("phone", "18812345678"),
                               ("phone", "+8618812345678"), ("external_id", "ext-alice")):
            env = self.mgmt(TRIGGER, {"appId": "emu-app-id", "userId": value,
                                      "userIdType": id_type})[1]
            self.assertAnswer(env, 200)
            self.assertEqual(env["data"]["nickname"], "alice", (id_type, value))
        # userIdType defaults to user_id
        env = self.mgmt(TRIGGER, {"appId": "emu-app-id", "userId": "uid-alice"})[1]
        self.assertAnswer(env, 200)
        env = self.mgmt(TRIGGER, {"appId": "emu-app-id", "userId": "alice"})[1]
        self.assertAnswer(env, 404, 2004)

    def test_trigger_errors(self):
        q = {"appId": "emu-app-id", "userId": "bob", "userIdType": "username"}
        self.assertAnswer(self.mgmt(TRIGGER, dict(q, userId="nobody"))[1], 404, 2004)
        self.assertAnswer(self.mgmt(TRIGGER, dict(q, userIdType="nickname"))[1], 400)
        self.assertAnswer(self.mgmt(TRIGGER, {"appId": "emu-app-id"})[1], 400)
        self.assertAnswer(self.mgmt(TRIGGER, dict(q, appId="other-app"))[1], 404)
        self.assertAnswer(self.mgmt(TRIGGER, {"userId": "bob", "userIdType": "username"})[1], 400)
        self.assertAnswer(self.mgmt(TRIGGER, q, token="emu-mt-bogus")[1], 401)
        self.assertAnswer(self.mgmt(TRIGGER, q, token=self.token("bob"))[1], 401)  # user token
        self.assertAnswer(EMU.call("GET", TRIGGER + "?appId=emu-app-id&userId=bob&userIdType="
                                   "username", headers={"x-authing-userpool-id":
                                                        "emu-userpool-id"})[1], 401)
        self.assertAnswer(self.mgmt(TRIGGER, q, pool_id="other-pool")[1], 400)
        self.assertAnswer(self.mgmt(TRIGGER, q, pool_id=None)[1], 400)
        self.assertAnswer(self.mgmt(TRIGGER, q, pool_id=None,
                                    headers={"x-genauth-userpool-id": "emu-userpool-id"})[1], 200)
        EMU.settings(require_userpool_id=False)
        self.assertAnswer(self.mgmt(TRIGGER, q, pool_id=None)[1], 200)
        # raw token form (accept_token_forms), then revocation and expiry
        raw = EMU.call("GET", TRIGGER + "?appId=emu-app-id&userId=bob&userIdType=username",
                       headers={"Authorization": self.mgmt_tok})[1]
        self.assertAnswer(raw, 200)
        self.assertEqual(EMU.revoke_mgmt_tokens(), 1)
        self.assertAnswer(self.mgmt(TRIGGER, q)[1], 401)
        tok = EMU.mgmt_token()
        EMU.advance_clock(7201)
        self.assertAnswer(self.mgmt(TRIGGER, q, tok)[1], 401)

    def test_trigger_application_source(self):
        EMU.settings(trigger_mfa_source="application", enabled_factors=["OTP", "SMS"])
        data = self.trigger("alice")   # no factor: targets from the profile
        self.assertEqual([(a["mfaPolicy"], a["status"]) for a in data["applicationMfa"]],
                         [("OTP", 1), ("SMS", 1), ("EMAIL", 0), ("FACE", 0)])
        self.assertEqual((data["mfaPhone"], data["mfaPhoneCountryCode"], data["mfaEmail"]),
                         ("18812345678", "+86", "Alice@Example.com"))
        self.assertEqual(self.trigger("bob")["mfaPhone"], "13900001111")

    def test_get_user_and_mfa_info(self):
        env = self.mgmt(GET_USER, {"userId": "alice", "userIdType": "username"})[1]
        self.assertAnswer(env, 200)
        self.assertEqual((env["data"]["userId"], env["data"]["status"], env["data"]["phone"]),
                         ("uid-alice", "Activated", "18812345678"))
        env = self.mgmt(GET_USER, {"userId": "carol", "userIdType": "username"})[1]
        self.assertEqual(env["data"]["status"], "Suspended")
        env = self.mgmt(MFA_INFO, {"userId": "bob", "userIdType": "username"})[1]
        self.assertEqual(env["data"], {"totpStatus": "disabled", "smsMfaStatus": "enabled",
                                       "emailMfaStatus": "enabled", "faceMfaStatus": "disabled"})
        self.assertAnswer(self.mgmt(MFA_INFO, {"userId": "x", "userIdType": "username"})[1],
                          404, 2004)
        self.assertAnswer(self.mgmt(GET_USER, {"userId": "alice"}, token="bad")[1], 401)

    def test_counts_every_request(self):
        EMU.fault(MGMT_TOKEN, "status500", 1)
        self.call("POST", MGMT_TOKEN, {})
        self.call("GET", ENROLLED)
        self.call("GET", "/api/v3/nothing")
        counts = EMU.counts()
        self.assertEqual(counts["mgmt_token_requests"], 2)
        self.assertEqual(counts["mgmt_tokens_issued"], 1)
        self.assertEqual(EMU.count(ENROLLED), 1)
        self.assertEqual(EMU.count("/api/v3/nothing"), 1)
        EMU.reset()
        self.assertEqual(EMU.mgmt_token_requests(), 0)


# --------------------------------------------------------------------------
class SendCodeTest(Base):
    def test_send_sms(self):
        env = self.send_sms()
        self.assertAnswer(env, 200)
        self.assertNotIn("data", env)
        box = EMU.outbox()
        self.assertEqual(len(box), 1)
        e = box[0]
        self.assertEqual((e["channel"], e["to"], e["user"], e["sendChannel"], e["enrollmentToken"]),
                         ("SMS", BOB_PHONE, "bob", VERIFY, None))
        self.assertRegex(e["code"], r"^[0-9]{6}$")
        self.assertEqual(EMU.verify_code(BOB_PHONE), e["code"])
        self.assertEqual(EMU.last_code(BOB_PHONE, VERIFY), e["code"])
        self.assertEqual(EMU.outbox("CHANNEL_BIND_MFA"), [])
        codes = EMU.state()["verify_codes"]
        self.assertEqual([(c["factorType"], c["to"], c["user"]) for c in codes],
                         [("SMS", BOB_PHONE, "bob")])
        # default country code; an unknown phone still gets a code
        self.assertAnswer(self.send_sms("13700000000", cc=None), 200)
        self.assertEqual(EMU.outbox()[-1]["to"], "+86 13700000000")
        self.assertIsNone(EMU.outbox()[-1]["user"])

    def test_send_email(self):
        self.assertAnswer(self.send_email("Bob@Example.com"), 200)
        e = EMU.outbox()[-1]
        self.assertEqual((e["channel"], e["to"], e["user"], e["sendChannel"]),
                         ("EMAIL", "Bob@Example.com", "bob", VERIFY))
        self.assertAnswer(self.send_email("bob@example.COM"), 422, 2080)

    def test_enrollment_entries_carry_bind_channel(self):
        tok = self.token("alice")
        self.env("POST", SEND, {"factorType": "SMS", "profile": {"phoneNumber": "18812345678"}},
                 token=tok)
        self.assertEqual(EMU.outbox()[-1]["sendChannel"], "CHANNEL_BIND_MFA")
        self.assertIsNone(EMU.verify_code())
        # one send per target per minute, shared with enrollment codes
        self.assertAnswer(self.send_sms("18812345678"), 422)

    def test_rate_limit(self):
        self.assertAnswer(self.send_sms(), 200)
        env = self.send_sms()
        self.assertAnswer(env, 422)
        self.assertRegex(env["message"], "[0-9]+")
        self.assertAnswer(self.send_sms("13900001112"), 200)   # another number
        EMU.settings(throttle_status=429)
        self.assertAnswer(self.send_sms(), 429)
        self.assertEqual(len(EMU.outbox()), 2)
        EMU.advance_clock(61)
        self.assertAnswer(self.send_sms(), 200)
        EMU.settings(rate_limit_seconds=0)
        self.assertAnswer(self.send_sms(), 200)

    def test_fixed_code_and_length(self):
        EMU.settings(fixed_code="424242")
        self.send_sms()
        self.assertEqual(EMU.verify_code(), "424242")
        EMU.settings(fixed_code=None, code_length=4)
        self.send_email()
        self.assertRegex(EMU.verify_code("bob@example.com"), r"^[0-9]{4}$")

    def test_other_channel(self):
        self.assertAnswer(self.send_sms(channel="CHANNEL_LOGIN"), 200)
        self.assertEqual(EMU.outbox()[-1]["sendChannel"], "CHANNEL_LOGIN")
        self.assertIsNone(EMU.verify_code())
        self.assertEqual(EMU.state()["verify_codes"], [])   # not an MFA code

    def test_bad_input(self):
        for body in ({}, {"phoneNumber": "139-0000", "channel": VERIFY},
                     {"phoneNumber": "13900001111", "channel": "CHANNEL_NOPE"},
                     {"phoneNumber": "13900001111"},
                     {"phoneNumber": "13900001111", "phoneCountryCode": "86", "channel": VERIFY},
                     {"phoneNumber": 13900001111, "channel": VERIFY}):
            self.assertAnswer(self.env("POST", SEND_SMS, body), 400)
        for body in ({}, {"email": "not-an-email", "channel": VERIFY},
                     {"email": "bob@example.com"}, {"email": ["x"], "channel": VERIFY}):
            self.assertAnswer(self.env("POST", SEND_EMAIL, body), 400)
        self.assertAnswer(self.send_sms(headers={"x-authing-app-id": None}), 400)
        self.assertAnswer(self.send_email(app_id="other"), 400)
        self.assertEqual(EMU.outbox(), [])

    def test_language(self):
        self.send_sms()
        zh, en = self.send_sms(), self.send_sms(headers={"x-authing-lang": "en-US"})
        self.assertEqual(zh["message"], "发送过于频繁，请 60 秒后再试")
        self.assertRegex(en["message"], r"^SMS sent too often, please wait [0-9]+ seconds$")


# --------------------------------------------------------------------------
class V2VerifyTest(Base):
    def test_sms(self):
        mfa = self.trigger("bob")["mfaToken"]
        self.send_sms()
        code = EMU.verify_code(BOB_PHONE)
        bad = "%06d" % ((int(code) + 1) % 1000000)
        body = {"phone": "13900001111", "code": bad, "phoneCountryCode": "+86"}
        self.assertEqual(self.v2(V2_SMS, body, mfa)["code"], 2001)
        env = self.v2(V2_SMS, dict(body, code=code), mfa)
        self.assertEqual(env["code"], 200)
        self.assertEqual(env["data"]["username"], "bob")
        # the answer's token is a working access token
        self.assertEqual(len(self.env("GET", ENROLLED, token=env["data"]["token"])["data"]), 2)
        # single use
        self.assertEqual(self.v2(V2_SMS, dict(body, code=code), mfa)["code"], 2001)
        # phoneCountryCode is optional
        EMU.advance_clock(61)
        self.send_sms()
        env = self.v2(V2_SMS, {"phone": "13900001111", "code": EMU.verify_code()}, mfa)
        self.assertEqual(env["code"], 200)

    def test_sms_mismatch_and_burn(self):
        mfa = self.trigger("bob")["mfaToken"]
        self.send_sms()
        code = EMU.verify_code()
        for body in ({"phone": "13900001112", "code": code},
                     {"phone": "13900001111", "code": code, "phoneCountryCode": "+1"}):
            env = self.v2(V2_SMS, body, mfa)
            self.assertEqual(env["code"], 2001)
            self.assertEqual(env["message"], "手机号或邮箱与 MFA 绑定信息不一致")
        bad = "%06d" % ((int(code) + 1) % 1000000)
        for _ in range(5):   # max_code_attempts
            self.assertEqual(self.v2(V2_SMS, {"phone": "13900001111", "code": bad}, mfa)["code"],
                             2001)
        env = self.v2(V2_SMS, {"phone": "13900001111", "code": code}, mfa)
        self.assertEqual((env["code"], env["message"]), (2001, "验证码已失效，请重新发送"))
        alice_mfa = EMU.mint_mfa_token("alice")   # no SMS factor
        self.assertEqual(self.v2(V2_SMS, {"phone": "18812345678", "code": code},
                                 alice_mfa)["code"], 2001)
        for body in ({}, {"phone": "13900001111"}, {"phone": 5, "code": code},
                     {"phone": "13900001111", "code": code, "phoneCountryCode": "86"}):
            self.assertEqual(self.v2(V2_SMS, body, mfa)["code"], 400)

    def test_code_lifetime(self):
        mfa = EMU.mint_mfa_token("bob", lifetime=3600)
        EMU.settings(verify_code_lifetime=120)
        self.send_sms()
        EMU.advance_clock(121)
        env = self.v2(V2_SMS, {"phone": "13900001111", "code": EMU.verify_code()}, mfa)
        self.assertEqual(env["code"], 2001)
        self.send_sms()
        EMU.advance_clock(100)
        env = self.v2(V2_SMS, {"phone": "13900001111", "code": EMU.verify_code()}, mfa)
        self.assertEqual(env["code"], 200)

    def test_email(self):
        mfa = self.trigger("bob")["mfaToken"]
        self.send_email()
        code = EMU.verify_code("bob@example.com")
        self.assertEqual(self.v2(V2_EMAIL, {"email": "x@example.com", "code": code}, mfa)["code"],
                         2001)
        self.assertEqual(self.v2(V2_EMAIL, {"email": "bob@example.com", "code": "000"},
                                 mfa)["code"], 2001)
        env = self.v2(V2_EMAIL, {"email": "BOB@example.com", "code": code}, mfa)
        self.assertEqual(env["code"], 200)
        self.assertEqual(self.v2(V2_EMAIL, {"email": "bob@example.com", "code": code},
                                 mfa)["code"], 2001)
        self.assertEqual(self.v2(V2_EMAIL, {"email": "bob@example.com"}, mfa)["code"], 400)
        # an SMS code does not verify the email factor
        EMU.advance_clock(61)
        self.send_sms()
        self.assertEqual(self.v2(V2_EMAIL, {"email": "bob@example.com",
                                            "code": EMU.verify_code()}, mfa)["code"], 2001)

    def test_totp(self):
        mfa = EMU.mint_mfa_token("olga")
        self.align_clock()
        self.assertEqual(self.v2(V2_TOTP, {"totp": EMU.current_totp("olga", 5)}, mfa)["code"],
                         6001)
        env = self.v2(V2_TOTP, {"totp": EMU.current_totp("olga")}, mfa)
        self.assertEqual(env["code"], 200)
        self.assertEqual(env["data"]["username"], "olga")
        EMU.settings(totp_reuse="reject")
        self.assertEqual(self.v2(V2_TOTP, {"totp": EMU.current_totp("olga")}, mfa)["code"], 6001)
        self.assertEqual(self.v2(V2_TOTP, {"totp": 123456}, mfa)["code"], 400)
        self.assertEqual(self.v2(V2_TOTP, {"totp": "123456"}, EMU.mint_mfa_token("bob"))["code"],
                         400)   # OTP not bound

    def test_recovery(self):
        mfa = EMU.mint_mfa_token("olga")
        env = self.v2(V2_RECOVERY, {"recoveryCode": "0000-0000-0000-0000-0000-0000"}, mfa)
        self.assertEqual((env["code"], env["message"]), (6002, "恢复代码错误"))
        env = self.v2(V2_RECOVERY, {"recoveryCode": RECOVERY}, mfa)
        self.assertEqual(env["code"], 200)
        new = env["data"]["recoveryCode"]
        self.assertRegex(new, r"^([0-9a-f]{4}-){5}[0-9a-f]{4}$")
        self.assertNotEqual(new, RECOVERY)
        self.assertEqual(EMU.recovery_code("olga"), new)
        self.assertEqual(self.v2(V2_RECOVERY, {"recoveryCode": RECOVERY}, mfa)["code"], 6002)
        self.assertEqual(self.v2(V2_RECOVERY, {"recoveryCode": new}, mfa)["code"], 200)
        self.assertEqual(len(EMU.user("olga")["factors"]), 1)   # OTP stays bound
        self.assertEqual(self.v2(V2_RECOVERY, {}, mfa)["code"], 400)
        self.assertEqual(self.v2(V2_RECOVERY, {"recoveryCode": RECOVERY},
                                 EMU.mint_mfa_token("bob"))["code"], 400)

    def test_mfa_token_expiry(self):
        olga = self.trigger("olga")["mfaToken"]
        EMU.advance_clock(290)
        self.assertEqual(self.v2(V2_RECOVERY, {"recoveryCode": "x" * 8}, olga)["code"], 6002)
        EMU.advance_clock(11)
        for path, body in ((V2_SMS, {"phone": "1", "code": "1"}), (V2_EMAIL, {"email": "a",
                                                                             "code": "1"}),
                           (V2_TOTP, {"totp": "1"}), (V2_RECOVERY, {"recoveryCode": RECOVERY})):
            env = self.v2(path, body, olga)
            self.assertEqual((env["code"], env["message"]), (2021, "mfaToken 已过期，请重新登录"))
        self.assertEqual(EMU.recovery_code("olga"), RECOVERY)
        EMU.settings(mfa_token_lifetime=60)
        tok = self.trigger("olga")["mfaToken"]
        EMU.advance_clock(61)
        self.assertEqual(self.v2(V2_TOTP, {"totp": "1"}, tok)["code"], 2021)

    def test_signin_mfa_token(self):
        EMU.settings(mfa_on_signin=True)
        env = self.env("POST", SIGNIN, {"connection": "PASSWORD", "passwordPayload": {
            "username": "olga", "password": "olga-pw"}, "client_id": "emu-app-id",
            "client_secret": "emu-app-secret"})
        self.assertAnswer(env, 302, 1635)
        self.assertEqual(env["data"]["totpMfaEnabled"], True)
        mfa = env["data"]["mfaToken"]
        self.align_clock()
        self.assertEqual(self.v2(V2_TOTP, {"totp": EMU.current_totp("olga")}, mfa)["code"], 200)
        EMU.advance_clock(301)
        self.assertEqual(self.v2(V2_TOTP, {"totp": EMU.current_totp("olga")}, mfa)["code"], 2021)

    def test_auth_and_headers(self):
        body = {"totp": "123456"}
        env = self.v2(V2_TOTP, body, None)
        self.assertEqual((env["code"], env["message"]), (2020, "mfaToken 无效，请重新登录"))
        self.assertEqual(self.v2(V2_TOTP, body, "emu-mfa-bogus")["code"], 2020)
        self.assertEqual(self.v2(V2_TOTP, body, self.token("olga"))["code"], 2020)
        mfa = EMU.mint_mfa_token("olga")
        env = self.v2(V2_TOTP, body, mfa, headers={"x-authing-app-id": None})
        self.assertEqual((env["code"], env["message"]), (400, "应用不存在"))
        raw = self.env("POST", V2_TOTP, body, headers={"Authorization": mfa})
        self.assertEqual(raw["code"], 6001)
        EMU.settings(accept_token_forms=["bearer"])
        self.assertEqual(self.env("POST", V2_TOTP, body, headers={"Authorization": mfa})["code"],
                         2020)
        en = self.v2(V2_TOTP, body, mfa, headers={"x-authing-lang": "en-US"})
        self.assertEqual((en["code"], en["message"]), (6001, "wrong TOTP code"))
        self.assertEqual(self.v2(V2_TOTP, None, mfa, raw=b"{bad")["code"], 400)
        status, env, _ = self.call("POST", "/api/v2/mfa/nothing", body, token=mfa)
        self.assertEqual((status, env["code"]), (404, 404))
        log = EMU.requests(V2_TOTP)
        self.assertEqual(log[0]["status"], 2020)
        self.assertEqual(log[-1]["auth_form"], "bearer")

    def test_messages(self):
        msgs = EMU.messages()
        for key in ("mgmt_bad_credentials", "mgmt_unauthorized", "pool_not_found",
                    "mfa_token_invalid", "mfa_token_expired", "code_expired",
                    "mfa_target_mismatch", "wrong_recovery", "wrong_totp", "wrong_code"):
            self.assertTrue(re.search(r"[\u4e00-\u9fff]", msgs[key]["zh-CN"]), key)
            self.assertTrue(msgs[key]["en-US"].isascii(), key)
        env = self.env("POST", MGMT_TOKEN, {"accessKeyId": "a", "accessKeySecret": "b"})
        self.assertEqual(env["message"], msgs["mgmt_bad_credentials"]["zh-CN"])
        env = self.env("POST", MGMT_TOKEN, {"accessKeyId": "a", "accessKeySecret": "b"},
                       headers={"x-authing-lang": "en-US"})
        self.assertEqual(env["message"], msgs["mgmt_bad_credentials"]["en-US"])


# --------------------------------------------------------------------------
class NewEndpointFaultTest(Base):
    """Every new endpoint is reachable by every kind of fault."""

    def requests(self):
        """path -> a function making one valid request; V2 ones return envelopes
        with "code". Built fresh so that tokens are valid."""
        mgmt = EMU.mgmt_token()
        mfa = EMU.mint_mfa_token("olga", lifetime=3600)
        q = {"appId": "emu-app-id", "userId": "olga", "userIdType": "username"}
        return {
            MGMT_TOKEN: lambda **kw: self.call("POST", MGMT_TOKEN, {
                "accessKeyId": "emu-userpool-id", "accessKeySecret": "emu-userpool-secret"}, **kw),
            TRIGGER: lambda **kw: EMU.mgmt_call(TRIGGER, q, mgmt, **kw),
            GET_USER: lambda **kw: EMU.mgmt_call(GET_USER, q, mgmt, **kw),
            MFA_INFO: lambda **kw: EMU.mgmt_call(MFA_INFO, q, mgmt, **kw),
            SEND_SMS: lambda **kw: self.call("POST", SEND_SMS, {
                "phoneNumber": "13900001111", "channel": VERIFY}, **kw),
            SEND_EMAIL: lambda **kw: self.call("POST", SEND_EMAIL, {
                "email": "bob@example.com", "channel": VERIFY}, **kw),
            V2_SMS: lambda **kw: self.call("POST", V2_SMS, {"phone": "1", "code": "1"},
                                           token=mfa, **kw),
            V2_EMAIL: lambda **kw: self.call("POST", V2_EMAIL, {"email": "a", "code": "1"},
                                             token=mfa, **kw),
            V2_TOTP: lambda **kw: self.call("POST", V2_TOTP, {"totp": "1"}, token=mfa, **kw),
            V2_RECOVERY: lambda **kw: self.call("POST", V2_RECOVERY, {"recoveryCode": "x" * 8},
                                                token=mfa, **kw),
        }

    def status_key(self, path):
        return "code" if path.startswith("/api/v2/") else "statusCode"

    def test_replace_kinds(self):
        for path, do in self.requests().items():
            key = self.status_key(path)
            EMU.fault(path, "status500", 1)
            status, env, _ = do()
            self.assertEqual((status, env[key]), (200, 500), path)
            self.assertEqual(set(env) - {"requestId"}, {key, "message"}, path)
            EMU.fault(path, "throttle429", 1)
            self.assertEqual(do()[1][key], 429, path)
            EMU.fault(path, "http500", 1)
            status, env, raw = do()
            self.assertEqual((status, env), (500, None), path)
            self.assertIn(b"<html>", raw)
            EMU.fault(path, "badjson", 1)
            self.assertEqual(do()[2], b"{not json", path)
            EMU.fault(path, "empty", 1)
            self.assertEqual(do()[::2], (200, b""), path)
            EMU.fault(path, "error", 1, statusCode=403, apiCode=77, message="nope")
            env = do()[1]
            self.assertEqual((env[key], env["apiCode"], env["message"]), (403, 77, "nope"), path)
        self.assertEqual(EMU.faults(), [])
        self.assertEqual(EMU.outbox(), [])   # replace kinds skip the real logic

    def test_distort_kinds(self):
        for path, do in self.requests().items():
            key = self.status_key(path)
            real = do()[1][key]
            EMU.settings(rate_limit_seconds=0)
            for kind in ("data_null", "data_missing", "extra_fields", "nul_in_string"):
                EMU.fault(path, kind, 1)
                env = do()[1]
                self.assertEqual(env[key], real, (path, kind))
                if kind == "data_null":
                    self.assertIsNone(env["data"])
                elif kind == "data_missing":
                    self.assertNotIn("data", env)
                elif kind == "extra_fields":
                    self.assertIn("emuUnknownField", env)
                else:
                    self.assertIn("\u0000", env["message"])
            EMU.fault(path, "status_string", 1)
            self.assertEqual(do()[1][key], str(real), path)
            EMU.fault(path, "truncated", 1)
            status, env, raw = do()
            self.assertIsNone(env, path)
            self.assertTrue(raw.startswith(b'{"' + key.encode()), (path, raw[:30]))
            EMU.fault(path, "deep", 1)
            self.assertIn(b"[" * 10000, do()[2])
            EMU.fault(path, "short", 1)
            with self.assertRaises((http.client.IncompleteRead, OSError), msg=path):
                do()

    def test_timing_kinds(self):
        reqs = self.requests()
        for path in (MGMT_TOKEN, TRIGGER, SEND_SMS, V2_TOTP):
            EMU.fault(path, "slow", 1, seconds=1)
            t0 = time.monotonic()
            self.assertIsNotNone(reqs[path]()[1], path)
            self.assertGreaterEqual(time.monotonic() - t0, 0.95)
            EMU.fault(path, "hang", 1)
            with self.assertRaises((socket.timeout, urllib.error.URLError), msg=path):
                reqs[path](timeout=0.5)
            EMU.fault(path, "reset", 1)
            with self.assertRaises((ConnectionError, http.client.RemoteDisconnected,
                                    urllib.error.URLError, ssl.SSLError), msg=path):
                reqs[path]()
            EMU.fault(path, "drip", 1, seconds=0.01)
            self.assertIsNotNone(reqs[path]()[1], path)
            EMU.fault(path, "huge", 1, size=100000)
            self.assertGreater(len(reqs[path]()[2]), 100000)
            if path == SEND_SMS:
                EMU.advance_clock(61)

    def test_v2_overrides(self):
        reqs = self.requests()
        EMU.fault(V2_TOTP, "error", 1, code=2021, message="expired")
        self.assertEqual(reqs[V2_TOTP]()[1], {"code": 2021, "message": "expired"})
        EMU.fault(V2_TOTP, "status500", 1, statusCode=2021)   # statusCode sets "code"
        self.assertEqual(reqs[V2_TOTP]()[1]["code"], 2021)
        EMU.fault(V2_RECOVERY, "data_null", 1, code=200, remove=["message"])
        self.assertEqual(reqs[V2_RECOVERY]()[1], {"code": 200, "data": None})
        EMU.fault(V2_TOTP, "slow", 1, seconds=0, apply=False)   # distort without the logic
        self.assertEqual(reqs[V2_TOTP]()[1]["code"], 500)
        EMU.fault(TRIGGER, "error", 1, statusCode=404, apiCode=2004)
        env = reqs[TRIGGER]()[1]
        self.assertEqual((env["statusCode"], env["apiCode"]), (404, 2004))
        self.assertEqual([e["fault"] for e in EMU.requests(V2_TOTP)], ["error", "status500", "slow"])

    def test_apply_and_mirrors(self):
        reqs = self.requests()
        EMU.fault(SEND_SMS, "http500", 1, apply=True)   # the code is sent, the answer lost
        self.assertEqual(reqs[SEND_SMS]()[0], 500)
        self.assertIsNotNone(EMU.verify_code(BOB_PHONE))
        EMU.fault(MGMT_TOKEN, "empty", 1, apply=True)   # a token issued, the answer lost
        reqs[MGMT_TOKEN]()
        self.assertEqual(EMU.counts()["mgmt_tokens_issued"], 2)
        EMU.settings(http_status_mirrors=True)
        self.assertEqual(reqs[V2_TOTP]()[:2], (200, reqs[V2_TOTP]()[1]))   # 6001: no HTTP code
        status, env, _ = EMU.mgmt_call(TRIGGER, {"appId": "emu-app-id", "userId": "nobody",
                                                 "userIdType": "username"}, "bad-token")
        self.assertEqual((status, env["statusCode"]), (401, 401))
        EMU.fault(V2_TOTP, "status500", 1)
        self.assertEqual(reqs[V2_TOTP]()[0], 500)

    def test_user_faults(self):
        reqs = self.requests()
        EMU.fault("*", "status500", user="olga")
        self.assertEqual(reqs[V2_TOTP]()[1]["code"], 500)          # user from the mfaToken
        self.assertEqual(reqs[TRIGGER]()[1]["statusCode"], 500)    # user from ?userId
        self.assertEqual(reqs[SEND_SMS]()[1]["statusCode"], 200)   # bob's phone
        EMU.clear_faults()
        EMU.fault(SEND_EMAIL, "status500", user="bob")            # user from the email
        self.assertEqual(reqs[SEND_EMAIL]()[1]["statusCode"], 500)
        self.assertEqual(self.send_email("x@example.com")["statusCode"], 200)


# --------------------------------------------------------------------------
class EmuctlTest(Base):
    def test_commands(self):
        ctl = ["/usr/bin/python3", os.path.join(HERE, "emuctl.py"), "--url", EMU.url,
               "--ca", EMU.ca_file]

        def run(*args, rc=0):
            out = subprocess.run(ctl + list(args), capture_output=True, text=True, timeout=10)
            self.assertEqual(out.returncode, rc, (args, out.stderr))
            return out.stdout.strip()

        self.align_clock()
        self.assertEqual(run("totp", "olga"), EMU.current_totp("olga"))
        self.assertEqual(run("totp", "olga", "2"), EMU.current_totp("olga", 2))
        uri = "otpauth://totp/emu-pool:olga?secret=%s&period=30&digits=6" % SECRET
        self.assertEqual(run("totp-uri", uri), EMU.current_totp("olga"))
        self.assertEqual(run("recovery-code", "olga"), RECOVERY)
        self.assertIn(SECRET, run("user", "olga"))
        mfa = run("mfa-token", "olga", "60")
        self.assertEqual(self.v2(V2_TOTP, {"totp": EMU.current_totp("olga")}, mfa)["code"], 200)
        run("verify-code", rc=1)
        self.send_sms()
        self.assertEqual(run("verify-code", BOB_PHONE), EMU.verify_code())
        self.assertEqual(len(run("outbox", VERIFY).splitlines()), 1)
        self.assertEqual(run("outbox", "CHANNEL_BIND_MFA"), "")
        EMU.mgmt_token()
        self.assertIn('"mgmt_token_requests": 1', run("counts"))
        self.assertEqual(run("revoke-mgmt"), "1")
        run("clear-counts")
        self.assertEqual(EMU.mgmt_token_requests(), 0)
        self.assertIn("mfa_token_expired", run("messages"))
        run("totp", "nobody", rc=1)


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
        print("emulator-mfa: work directory kept: %s (%.1f s)" % (WORK, time.monotonic() - t0))
    print("emulator-mfa: %d passed, %d failed" % (passed, failed))
    return 1 if failed or not result.testsRun else 0


if __name__ == "__main__":
    sys.exit(main())
