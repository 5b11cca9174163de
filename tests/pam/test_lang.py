#!/usr/bin/python3
"""End to end through real libpam against the GenAuth emulator over TLS:
the language of what the module shows (config `lang`).

zh-CN: the texts of src/ga_msg_zh_CN.c (a few asserted exactly), valid
UTF-8, and x-authing-lang: zh-CN on every request. en-US (the default):
every message the module shows, over all flows, is printable ASCII plus
newlines with lines of at most 80 columns (the QR drawing aside)."""

import os
import shlex
import unicodedata
import unittest

from pamlib import (PAM_AUTH_ERR, PAM_AUTHINFO_UNAVAIL, PAM_MAXTRIES, PAM_PERM_DENIED,
                    PAM_SUCCESS, SRC, ConvCase, emulator_secrets, main)

SEND = "/api/v3/send-enroll-factor-request"
EMUCTL = os.path.join(SRC, "tests", "emulator", "emuctl.py")
QR_GLYPHS = set("\u2588\u2580\u2584 #")
SCAN = ("Scan this QR code with the app:", "请用该应用扫描此二维码：")
BY_HAND = ("Or enter this key by hand:", "或手动输入此密钥：",
           "Enter this key in the app by hand:", "请在应用中手动输入此密钥：")

ZH_PASSWORD = "GenAuth 密码："
ZH_MENU = ("请为您的账号设置双重身份验证。\n"
           "  1) 短信（发送到您的手机）\n"
           "  2) 身份验证器应用（TOTP）\n"
           "请选择 1-2：")
ZH_CODE6 = "请输入身份验证器应用中的 6 位验证码："
ZH_CODE8 = "请输入身份验证器应用中的 8 位验证码："
ZH_WRONG2 = "验证码错误。还可以尝试 2 次。"
ZH_WRONG1 = "验证码错误。还可以尝试 1 次。"
ZH_OTP_DONE = "双重身份验证已设置：身份验证器应用。"
ZH_OTP_TOO_MANY = "验证码错误次数过多，请重新登录后从头开始。"
ZH_EXPIRED = "本次设置已过期，请从身份验证器应用中删除旧的条目。\n是否显示新的二维码？[y/N]："
ZH_SMS_PROMPT = "验证码已发送至 +86 188****5678。请输入验证码："
ZH_SMS_DONE = "双重身份验证已设置：短信 +86 188****5678。"


def qr_free_lines(res):
    """(lines outside the QR drawing, lines of the drawing) of everything
    the module showed."""
    outside, drawing, inside = [], [], False
    for line in res.shown.split("\n"):
        if line in SCAN:
            outside.append(line)
            inside = True
            continue
        if inside and line in BY_HAND:
            inside = False
        (drawing if inside else outside).append(line)
    return outside, drawing


def columns(line):
    """Terminal columns of line: East Asian wide and fullwidth count 2."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def prompts(res):
    return [d.decode("utf-8") for k, d in res.messages if k in ("ECHO_ON", "ECHO_OFF")]


class Lang(ConvCase):

    def fresh(self, users=None):
        self.emu.reset()
        self.emu.add_users(users or [{"username": "alice", "password": "alice-pw",
                                      "phone": "18812345678", "factors": []}])

    def ctl_then(self, answer, *settings):
        """An answer that first changes emulator settings (as if the
        application's config changed while the user types), then gives
        `answer`."""
        cmd = ["/usr/bin/python3", EMUCTL, "--url", self.emu.url, "--ca", self.emu.ca_file,
               "settings"] + list(settings)
        return "@exec:%s >/dev/null && echo %s" % (" ".join(shlex.quote(c) for c in cmd),
                                                   shlex.quote(answer))

    def assertUtf8(self, res):
        for kind, data in res.messages:
            data.decode("utf-8")  # strict: raises on invalid UTF-8
            self.assertFalse(any(b < 0x20 and b != 0x0a for b in data), data)
        for line in qr_free_lines(res)[0]:
            self.assertLessEqual(columns(line), 80, "over 80 columns: %r" % line)

    def assertLangHeader(self, lang, short):
        reqs = self.emu.requests()
        self.assertTrue(reqs)
        for r in reqs:
            self.assertEqual(r["headers"].get("x-authing-lang"), lang, r["path"])
            self.assertEqual(r["lang"], short, r["path"])

    def assertNothingLogged(self, res):
        for s in emulator_secrets(self.emu):
            self.assertNotIn(s, res.syslog)


class ZhCN(Lang):

    def setUp(self):
        super().setUp()
        self.write_config(factors=["SMS", "OTP"], lang="zh-CN")

    def test_otp_enrollment(self):
        res = self.tlogin("alice-pw", "2", self.totp("--wrong"), self.totp())
        self.assertRc(res, PAM_SUCCESS)
        self.assertUtf8(res)
        p = prompts(res)
        self.assertEqual(p[0], ZH_PASSWORD)
        self.assertEqual(p[1], ZH_MENU)
        self.assertEqual(p[2], ZH_CODE6)
        self.assertEqual(p[3], ZH_WRONG2 + "\n" + ZH_CODE6)
        secret = self.emu.otp_secret("alice")
        grouped = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
        self.assertIn("请设置您的身份验证器应用（例如 Google Authenticator、\n"
                      "Microsoft Authenticator 或 FreeOTP）。\n请用该应用扫描此二维码：\n",
                      res.shown)
        self.assertIn("或手动输入此密钥：\n  %s\n基于时间（TOTP），6 位数字，每 30 秒更新。\n"
                      "发行方：emu-pool\n账号：alice\n恢复码：\n  %s\n"
                      "请将此恢复码保存在安全的地方，它只显示这一次。"
                      % (grouped, self.emu.recovery_code("alice")), res.shown)
        self.assertEqual(res.messages[-1], ("INFO", ZH_OTP_DONE.encode()))
        self.assertLangHeader("zh-CN", "zh")
        self.assertMessagesFit(res)
        self.assertNothingLogged(res)
        # log lines stay English
        self.assertTrue(res.syslog.isascii(), res.syslog)
        # the next login verifies in Chinese too
        res = self.tlogin("alice-pw", self.totp("--user", "alice"))
        self.assertRc(res, PAM_SUCCESS)
        self.assertEqual(prompts(res)[1], "身份验证器应用中的验证码：")

    def test_otp_errors(self):
        res = self.tlogin("alice-pw", "2", "123", *[self.totp("--wrong")] * 3)
        self.assertRc(res, PAM_MAXTRIES)
        self.assertUtf8(res)
        p = prompts(res)
        self.assertEqual(p[3], "验证码为 4 到 8 位数字。\n" + ZH_CODE6)
        self.assertEqual(p[5], ZH_WRONG1 + "\n" + ZH_CODE6)
        self.assertEqual(res.messages[-1], ("ERROR", ZH_OTP_TOO_MANY.encode()))

    def test_empty_answer_cancels(self):
        res = self.tlogin("alice-pw", "@empty")
        self.assertRc(res, PAM_AUTH_ERR)
        self.assertEqual(res.messages[-1], ("ERROR", "已取消。".encode()))

    def test_otp_expired_and_eight_digits(self):
        self.emu.settings(otp_digits=8)
        res = self.tlogin("alice-pw", "2", self.totp("--advance", 61), "y", "123456",
                          self.totp())
        self.assertRc(res, PAM_SUCCESS)
        self.assertUtf8(res)
        p = prompts(res)
        self.assertEqual(p[2], ZH_CODE8)
        self.assertEqual(p[3], ZH_EXPIRED)
        self.assertEqual(p[5], "验证码为 8 位数字。\n" + ZH_CODE8)
        self.assertIn("基于时间（TOTP），8 位数字，每 30 秒更新。", res.shown)

    def test_sms_enrollment_and_menu_errors(self):
        res = self.tlogin("alice-pw", "9", "1", "18812345678", "000000", "@code")
        self.assertRc(res, PAM_SUCCESS)
        self.assertUtf8(res)
        p = prompts(res)
        self.assertEqual(p[2], "菜单中没有这个编号。\n" + ZH_MENU)
        self.assertEqual(p[3], "手机号码（默认 +86）：")
        self.assertEqual(p[4], ZH_SMS_PROMPT)
        self.assertEqual(p[5], ZH_WRONG2 + "\n" + ZH_SMS_PROMPT)
        self.assertEqual(res.messages[-1], ("INFO", ZH_SMS_DONE.encode()))
        self.assertLangHeader("zh-CN", "zh")

    def test_grace_and_sign_in_failure(self):
        self.write_config(factors=["SMS", "OTP"], lang="zh-CN", enroll_grace=2)
        self.stack("auth required {mod} conf={conf} debug")
        res = self.tlogin("alice-pw", "later")
        self.assertRc(res, PAM_PERM_DENIED)  # PAM_IGNORE alone in the stack
        self.assertEqual(prompts(res)[1], ZH_MENU.replace(
            "请选择", "输入 later 可推迟到下次登录再设置（还可推迟 2 次）。\n请选择"))
        self.assertEqual(res.messages[-1], (
            "INFO", "已推迟设置双重身份验证，下次登录时会再次询问。".encode()))
        res = self.tlogin("wrong-pw")
        self.assertRc(res, PAM_AUTH_ERR)
        self.assertEqual(res.messages[-1], ("ERROR", "GenAuth 登录失败。".encode()))

    def test_server_refusal_is_valid_utf8(self):
        # the application stops offering SMS while the user types the number:
        # GenAuth refuses the send with its (Chinese) message
        res = self.tlogin("alice-pw", "1", self.ctl_then("18812345678",
                                                         "enabled_factors=OTP,EMAIL"))
        self.assertRc(res, PAM_AUTH_ERR)
        self.assertUtf8(res)
        self.assertEqual(self.calls(SEND)[0]["lang"], "zh")
        kind, text = res.messages[-1]
        self.assertEqual(kind, "ERROR")
        self.assertTrue(text.decode().startswith("GenAuth 未发送验证码："), text.decode())
        self.assertTrue(res.syslog.isascii(), res.syslog)

    def test_server_message_shown_in_chinese(self):
        # the zh-CN server message (ga_sanitize_message_utf8: masked, valid
        # UTF-8, cut on a character) is shown in zh-CN
        res = self.tlogin("alice-pw", "1", self.ctl_then("18812345678",
                                                         "enabled_factors=OTP,EMAIL"))
        zh = self.emu.messages()["factor_disabled"]["zh-CN"]
        self.assertEqual(res.messages[-1], ("ERROR", ("GenAuth 未发送验证码：" + zh).encode()))

    def test_long_chinese_server_message_is_cut_on_a_character(self):
        # %.48s of a UTF-8 message must not end inside a character
        self.emu.fault(SEND, "error", statusCode=400, message="手机号或邮箱与绑定信息不一致" * 4)
        res = self.tlogin("alice-pw", "1", "18812345678")
        self.assertRc(res, PAM_AUTH_ERR)
        self.assertUtf8(res)

    def test_long_chinese_issuer_is_cut_on_a_character(self):
        # 120 bytes: within ga_otpauth's 128, over the 60 shown
        self.emu.settings(pool_name="测试用户池" * 8)
        res = self.tlogin("alice-pw", "2", self.totp())
        self.assertRc(res, PAM_SUCCESS)
        self.assertUtf8(res)
        issuer = [l for l in res.shown.split("\n") if l.startswith("发行方：")]
        self.assertEqual(len(issuer), 1, res.shown)
        self.assertTrue(issuer[0].endswith("..."), issuer[0])
        self.assertTrue(issuer[0][len("发行方："):-3].strip("测试用户池") == "", issuer[0])


class EnUS(Lang):
    """Every flow; after each run, every message is plain English."""

    def assertPlainEnglish(self, res):
        outside, drawing = qr_free_lines(res)
        self.assertTrue(res.messages, repr(res))
        for line in outside:
            self.assertTrue(all(0x20 <= ord(c) <= 0x7e for c in line),
                            "not printable ASCII: %r" % line)
            self.assertLessEqual(len(line), 80, "over 80 columns: %r" % line)
        for line in drawing:
            self.assertTrue(set(line) <= QR_GLYPHS, line)
        for kind, data in res.messages:
            self.assertFalse(data.endswith(b"\n") and kind in ("ECHO_ON", "ECHO_OFF"))
        self.assertMessagesFit(res)
        self.assertNothingLogged(res)
        return res

    def run_flow(self, rc, *answers, **kw):
        res = self.tlogin(*answers, **kw)
        self.assertRc(res, rc)
        return self.assertPlainEnglish(res)

    def test_default_language_header(self):
        self.write_config(factors=["SMS", "OTP"])
        self.run_flow(PAM_SUCCESS, "alice-pw", "2", self.totp())
        self.assertLangHeader("en-US", "en")

    def test_enroll_sms(self):
        self.run_flow(PAM_SUCCESS, "alice-pw", "9", "1", "not-a-number", "+1 212",
                      "18812345678", "12x", "000000", "@code")

    def test_enroll_email(self):
        self.run_flow(PAM_SUCCESS, "alice-pw", "2", "alice@@example", "alice@example.com",
                      "@code")

    def test_enroll_otp_every_qr_mode(self):
        for qr in ("utf8", "ascii", "off"):
            with self.subTest(qr=qr):
                self.fresh()
                self.write_config(factors=["SMS", "OTP"], qr=qr)
                res = self.run_flow(PAM_SUCCESS, "alice-pw", "2", "12", "1234567",
                                    self.totp("--wrong"), self.totp())
                if qr == "ascii":
                    for kind, data in res.messages:
                        data.decode("ascii")

    def test_enroll_otp_expired_and_eight_digits(self):
        self.emu.settings(otp_digits=8, otp_period=60)
        self.write_config(factors=["SMS", "OTP"])
        self.run_flow(PAM_SUCCESS, "alice-pw", "2", self.totp("--advance", 121), "maybe",
                      "y", "123456", self.totp())

    def test_otp_errors(self):
        self.write_config(factors=["SMS", "OTP"])
        self.run_flow(PAM_MAXTRIES, "alice-pw", "2", *[self.totp("--wrong")] * 3)
        self.fresh()
        self.write_config(factors=["SMS", "OTP"], max_sends=1)
        self.run_flow(PAM_MAXTRIES, "alice-pw", "2", self.totp("--advance", 61))
        for variant in ("uri_control", "uri_bad_utf8", "wrong_types"):
            with self.subTest(variant=variant):
                self.fresh()
                self.emu.settings(otp_data_variant=variant)
                self.run_flow(PAM_AUTHINFO_UNAVAIL, "alice-pw", "2")

    def test_verify_otp(self):
        self.fresh([{"username": "alice", "password": "alice-pw",
                     "factors": [{"factorType": "OTP"}]}])
        self.write_config(factors=["SMS", "OTP"])
        self.run_flow(PAM_SUCCESS, "alice-pw", "abc", "12", self.totp("--user", "alice",
                                                                       "--steps", "5"),
                      self.totp("--user", "alice"))
        self.run_flow(PAM_MAXTRIES, "alice-pw", *[self.totp("--user", "alice", "--steps",
                                                            "7")] * 3)

    def test_sms_errors(self):
        self.run_flow(PAM_MAXTRIES, "alice-pw", "1", "18812345678", "000001", "000002",
                      "000003")
        self.fresh()
        self.run_flow(PAM_AUTH_ERR, "wrong-pw")
        self.fresh()
        self.run_flow(PAM_MAXTRIES, "alice-pw", "7", "8", "9", "x", "y")

    def test_grace_lines(self):
        self.write_config(enroll_grace=100, enroll_grace_until="2099-12-31")
        self.stack("auth required {mod} conf={conf} debug")
        self.run_flow(PAM_PERM_DENIED, "alice-pw", "later")

    def test_long_and_foreign_issuer(self):
        # the issuer (pool name) may have 128 bytes on its own (ga_otpauth.h),
        # whatever the account adds to the label "issuer:account"; shown cut
        # to 60 bytes with "...", so "Issuer: ..." stays within 80 columns
        # (run_flow checks every line)
        # (the en-US issuer is ASCII: one '?' a byte of anything else)
        for pool, line in (("p" * 122, "Issuer: " + "p" * 57 + "..."),
                           ("p" * 123, "Issuer: " + "p" * 57 + "..."),
                           ("p" * 128, "Issuer: " + "p" * 57 + "..."),
                           ("Ünïcödé Pool 测试", "Issuer: ??n??c??d?? Pool ??????")):
            with self.subTest(pool=pool):
                self.fresh()
                self.emu.settings(pool_name=pool)
                self.write_config(factors=["SMS", "OTP"])
                res = self.run_flow(PAM_SUCCESS, "alice-pw", "2", self.totp())
                self.assertIn("\n%s\n" % line, res.shown)
                self.assertEqual(self.keys_shown_count(res), 1)
        # an issuer over 128 bytes: refused as a bad answer, nothing shown
        self.fresh()
        self.emu.settings(pool_name="p" * 129)
        res = self.run_flow(PAM_AUTHINFO_UNAVAIL, "alice-pw", "2")
        self.assertEqual(self.keys_shown_count(res), 0)

    def keys_shown_count(self, res):
        return sum(res.shown.count(h) for h in BY_HAND)

    def test_server_refusal_with_hostile_message(self):
        # a server message in another script with terminal escapes: shown as
        # plain ASCII, never raw
        self.emu.fault(SEND, "error", statusCode=400,
                       message="应用未开启 \x1b[31mred\x1b[0m\r\nline2 \u202e" + "x" * 300)
        self.run_flow(PAM_AUTH_ERR, "alice-pw", "1", "18812345678")
        self.fresh()
        self.write_config(factors=["SMS", "OTP"])
        self.emu.fault(SEND, "error", statusCode=400, message="\x07bell \u00e9t\u00e9")
        self.run_flow(PAM_AUTH_ERR, "alice-pw", "2")

    def test_server_refusal_in_english(self):
        res = self.run_flow(PAM_AUTH_ERR, "alice-pw", "1",
                            self.ctl_then("18812345678", "enabled_factors=OTP,EMAIL"))
        self.assertEqual(res.messages[-1], (
            "ERROR", b"GenAuth did not send a code: factor type not enabled for this "
                     b"application"[:29 + 48]))


if __name__ == "__main__":
    main()
