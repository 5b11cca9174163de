"""Catalogue: conversation answers at the issue 4 prompts. The verification
menu, the authenticator-app (OTP) code prompt, the recovery-code prompt and
its "Press Enter" prompt, the SMS / EMAIL code prompt, the OTP enrollment
code prompt, "Show a new QR code? [y/N]", and the `later` answer of the
enrollment grace: NULL answers, conversation errors, empty answers, 64 KiB,
control characters, ANSI escapes, bytes that are not UTF-8, embedded NUL
(the module sees what comes before it), leading and trailing spaces,
full-width digits, "recovery" in odd cases and places, and a password typed
where a code is asked.

Rules these rows hold the module to: an invalid answer is never sent (the
call it was for is never made) and is asked again with the reason, three
invalid answers end in PAM_MAXTRIES with one log line; an empty answer
cancels (PAM_AUTH_ERR); a conversation error or NULL answer at a
verification prompt is PAM_CONV_ERR even with noninteractive = ignore (an
enrolled user is never let through unverified); at the first question of
an enrollment it is the non-interactive result.
"""

from checks import raw, told_cancelled
from hostlib import BIND, LIST, MGMT, SEND, SIGNIN, TO_ENROLL, TOTP, V2_RECOVERY, case
from mfalib import (CODE, EMAIL_OK, FIXED, MFA_USERS, OLGA_RECOVERY, OTP_OK, RECOVERY_OK,
                    SMS_OK, WRONG, bodies_of)
from pamlib import (PAM_AUTH_ERR, PAM_CONV_ERR, PAM_IGNORE, PAM_MAXTRIES, PAM_PERM_DENIED,
                    PAM_SUCCESS)

PAD = " " * 4000
IGNORED = (PAM_IGNORE, PAM_PERM_DENIED)
CONV_END = "verification stopped: the conversation ended"
CANCELLED = "verification cancelled by the user"
ENROLL_CANCELLED = "enrollment cancelled by the user"
FULLWIDTH = "\uff14\uff18\uff12\uff19\uff11\uff13"
IGNORE_NI = {"noninteractive": "ignore"}


def invalid_line(prompt):
    return "too many invalid answers at the %s prompt" % prompt


def three(bad):
    return list(bad) if isinstance(bad, (list, tuple)) else [bad] * 3


# ---- the verification menu (mia: OTP, SMS, EMAIL) ----

def menu(cid, what, answers, expect, log, calls=None, no_calls=(), conf=None, check=None):
    return case(id="conv-vmenu-" + cid, cat="conv", what="verification menu: " + what,
                user="mia", users=MFA_USERS, conf=dict(MGMT, **(conf or {})), settings=FIXED,
                answers=["mia-pw"] + list(answers), expect=expect, log=log, calls=calls,
                no_calls=no_calls, check=check)


def menu3(cid, bad, what):
    return menu(cid, what, three(bad), PAM_MAXTRIES, invalid_line("factor menu"),
                calls=[SIGNIN, LIST])


# ---- the OTP code prompt (olga) ----

def otp(cid, what, answers, expect, log, calls=None, no_calls=(), conf=None, check=None):
    return case(id="conv-otp-" + cid, cat="conv", what="OTP code: " + what, user="olga",
                users=MFA_USERS, conf=conf, answers=["olga-pw"] + list(answers),
                expect=expect, log=log, calls=calls, no_calls=no_calls, check=check)


def otp3(cid, bad, what, conf=None):
    return otp(cid, what, three(bad), PAM_MAXTRIES, invalid_line("code"), calls=[SIGNIN, LIST],
               conf=conf)


# ---- the recovery prompt (olga, Management API) ----

def rec(cid, what, answers, expect, log, calls=None, no_calls=(), check=None):
    return case(id="conv-recovery-" + cid, cat="conv", what="recovery code: " + what,
                user="olga", users=MFA_USERS, conf=MGMT,
                answers=["olga-pw", "recovery"] + list(answers), expect=expect, log=log,
                calls=calls, no_calls=no_calls, check=check)


def rec3(cid, bad, what):
    return rec(cid, what, three(bad), PAM_MAXTRIES, invalid_line("recovery code"),
               calls=[SIGNIN, LIST])


def enter(cid, what, answer):
    """The "Press Enter" prompt after a recovery: whatever the answer, the
    verification stands (the old recovery code is used up); a lost
    conversation is logged."""
    lost = answer in ("@null", "@conv-err")
    return rec("enter-" + cid, "'Press Enter' prompt: " + what, [OLGA_RECOVERY, answer],
               PAM_SUCCESS, ("verified with an OTP recovery code",) + (
                   ("the conversation ended while the new recovery code was shown",)
                   if lost else ()), calls=RECOVERY_OK)


# ---- the SMS / EMAIL code prompt (erin SMS, emma EMAIL) ----

def mfa(cid, what, answers, expect, log, user="erin", calls=None, no_calls=(), conf=None,
        check=None):
    ok = SMS_OK if user == "erin" else EMAIL_OK
    return case(id="conv-v%s-%s" % ("sms" if user == "erin" else "email", cid), cat="conv",
                what="%s code: %s" % ("SMS" if user == "erin" else "email", what), user=user,
                users=MFA_USERS, conf=dict(MGMT, **(conf or {})), settings=FIXED,
                answers=["%s-pw" % user] + list(answers), expect=expect, log=log,
                calls=ok[:-1] if calls is None else calls, no_calls=no_calls, check=check)


def mfa3(cid, bad, what, user="erin"):
    return mfa(cid, what, three(bad), PAM_MAXTRIES, invalid_line("code"), user=user)


# ---- OTP enrollment: the menu, the code prompt, "Show a new QR code?" ----

OTP_CONF = {"factors": ["OTP"]}
OTP_START = [SIGNIN, LIST, TO_ENROLL, SEND]


def enroll(cid, what, answers, expect, log, calls=None, no_calls=(), conf=None, check=None,
           faults=None):
    return case(id="conv-otp-enroll-" + cid, cat="conv", what="OTP enrollment: " + what,
                conf=dict(OTP_CONF, **(conf or {})), faults=faults,
                answers=["alice-pw", "1"] + list(answers), expect=expect, log=log,
                calls=calls, no_calls=no_calls, check=check)


def enroll3(cid, bad, what):
    return enroll(cid, what, three(bad), PAM_MAXTRIES, invalid_line("authenticator code"),
                  calls=OTP_START)


EXPIRED = [{"path": BIND, "kind": "error", "count": 1, "statusCode": 400, "apiCode": 2300,
            "message": "enrollmentToken expired"}]
EXPIRED_CALLS = OTP_START + [BIND]


def newqr(cid, what, answers, expect, log, calls=EXPIRED_CALLS, conf=None, check=None):
    return enroll("newqr-" + cid, "'Show a new QR code? [y/N]': " + what, [WRONG] + list(answers),
                  expect, log, calls=calls, faults=EXPIRED, conf=conf, check=check)


# ---- `later` (enrollment grace) ----

GRACE = {"enroll_grace": 2}
POSTPONED = "enrollment postponed by the user (later)"


def later(cid, what, answers, expect, log, conf=GRACE, calls=None):
    return case(id="conv-later-" + cid, cat="conv", what="later: " + what, conf=conf,
                answers=["alice-pw"] + list(answers), expect=expect, log=log,
                calls=calls or [SIGNIN, LIST, TO_ENROLL])


def prompts_with(text, n):
    def check(r):
        got = [p for p in r.res.prompts if text in p]
        assert len(got) == n, "%d prompts with %r, want %d" % (len(got), text, n)
    return check


CASES = [
    # ---- verification menu ----
    menu("null", "NULL answer: a conversation error, never PAM_IGNORE", ["@null"],
         PAM_CONV_ERR, CONV_END, calls=[SIGNIN, LIST], conf=IGNORE_NI),
    menu("conv-err", "conversation error with noninteractive = ignore: still an error",
         ["@conv-err"], PAM_CONV_ERR, CONV_END, calls=[SIGNIN, LIST], conf=IGNORE_NI),
    menu("empty", "empty answer cancels", ["@empty"], PAM_AUTH_ERR, CANCELLED,
         calls=[SIGNIN, LIST], check=told_cancelled),
    menu3("64k", "@long:65536", "64 KiB"),
    menu3("padded", raw("2" + PAD), "'2' and 4 KiB of spaces (too long, not trimmed)"),
    menu3("escape", [raw("\x1b[2J2"), raw("2\x1b[0m"), raw("\x1b]0;x\x072")], "ANSI escapes"),
    menu3("control", [raw("2\x07"), raw("\x082"), raw("2\r")], "control characters"),
    menu3("invalid-utf8", [raw(b"\xff2"), raw(b"2\xc3"), raw(b"\xc0\xb2")],
          "bytes that are not UTF-8 (an overlong '2')"),
    menu3("fullwidth", "\uff12", "a full-width '2'"),
    menu3("recovery", ["recovery", "RECOVERY", "Recovery"], "'recovery' is not a menu choice"),
    menu3("password", "mia-pw", "the password typed at the menu"),
    menu3("overflow", ["18446744073709551618", "4294967298", "-1"], "numbers that wrap"),
    menu("nul-inside", "NUL after '2': the module sees '2' (SMS)", [raw(b"2\x00junk"), CODE],
         PAM_SUCCESS, "verified with SMS", calls=SMS_OK),
    menu("spaces", "' 2 ' (spaces trimmed)", ["  2  ", CODE], PAM_SUCCESS, "verified with SMS",
         calls=SMS_OK),
    menu("name", "'eMaIl' by name", ["eMaIl", CODE], PAM_SUCCESS,
         "verified with EMAIL", calls=EMAIL_OK),

    # ---- OTP code ----
    otp("null", "NULL answer with noninteractive = ignore: a conversation error",
        ["@null"], PAM_CONV_ERR, CONV_END, calls=[SIGNIN, LIST], conf=IGNORE_NI),
    otp("conv-err", "conversation error", ["@conv-err"], PAM_CONV_ERR, CONV_END,
        calls=[SIGNIN, LIST]),
    otp("empty", "empty answer cancels", ["@empty"], PAM_AUTH_ERR, CANCELLED,
        calls=[SIGNIN, LIST], check=told_cancelled),
    otp3("64k", "@long:65536", "64 KiB"),
    otp3("padded", raw("123456" + PAD), "a code and 4 KiB of spaces"),
    otp3("escape", [raw("\x1b[0m123456"), raw("123456\x1b[A"), raw("\x9b123456")],
         "ANSI escapes (7-bit and C1)"),
    otp3("control", [raw("123\t456"), raw("123456\x7f"), raw("12\x0b3456")],
         "control characters"),
    otp3("invalid-utf8", [raw(b"\xff123456"), raw(b"123456\xc3"), raw(b"\xed\xa0\x80123")],
         "bytes that are not UTF-8"),
    otp3("multiline", "123456\n654321", "two lines"),
    otp3("fullwidth", FULLWIDTH, "full-width digits"),
    otp3("length", ["123", "123456789", "1" * 64], "too few or too many digits"),
    otp3("password", "olga-pw", "the password typed at the code prompt"),
    otp3("recovery-no-mgmt", ["recovery", "RECOVERY", "Recovery"],
         "'recovery' without Management API credentials is not offered"),
    otp("nul-first", "NUL first: an empty answer", [raw(b"\x00123456")], PAM_AUTH_ERR,
        CANCELLED, calls=[SIGNIN, LIST]),
    otp("nul-inside", "NUL after a wrong code: the code before it is sent",
        [raw(b"135790\x00junk"), "@empty"], PAM_AUTH_ERR, "wrong OTP code (1 of 3)",
        calls=OTP_OK, check=bodies_of(TOTP, {"totp": "135790"})),
    otp("spaces", "the right code with spaces around it", ["   {totp}   "], PAM_SUCCESS,
        "verified with OTP", calls=OTP_OK),
    otp("recovery-case", "'ReCoVeRy' asks for the recovery code", ["ReCoVeRy", OLGA_RECOVERY,
                                                                   ""],
        PAM_SUCCESS, "verified with an OTP recovery code", calls=RECOVERY_OK, conf=MGMT,
        check=prompts_with("Recovery code: ", 1)),
    otp("recovery-spaced", "' recovery ' (spaces trimmed)", [" recovery ", "@empty"],
        PAM_AUTH_ERR, CANCELLED, calls=[SIGNIN, LIST], conf=MGMT,
        check=prompts_with("Recovery code: ", 1)),
    otp3("recovery-odd", ["recovery!", "re covery", "recoveryrecovery"],
         "near-misses of 'recovery'", conf=MGMT),

    # ---- recovery code ----
    rec("null", "NULL answer", ["@null"], PAM_CONV_ERR, CONV_END, calls=[SIGNIN, LIST]),
    rec("empty", "empty answer cancels", ["@empty"], PAM_AUTH_ERR, CANCELLED,
        calls=[SIGNIN, LIST], check=told_cancelled),
    rec3("64k", "@long:65536", "64 KiB"),
    rec3("65", "r" * 65, "65 characters (one over)"),
    rec3("short", ["olga-pw", "abc", "1234567"], "shorter than 8 (a password among them)"),
    rec3("spaces-inside", "olga rcv1 7h3k q9zz", "spaces inside"),
    rec3("escape", raw("\x1b[31m" + OLGA_RECOVERY), "an ANSI escape"),
    rec3("invalid-utf8", raw(b"olga-rcv1-\xff\xfe-q9zz"), "bytes that are not UTF-8"),
    rec3("utf8", "olga-rcv1-\u00e4\u00f6\u00fc-q9zz", "non-ASCII UTF-8"),
    rec("padded", "the code with spaces around it", ["  " + OLGA_RECOVERY + "  ", ""],
        PAM_SUCCESS, "verified with an OTP recovery code", calls=RECOVERY_OK,
        check=bodies_of(V2_RECOVERY, {"recoveryCode": OLGA_RECOVERY})),
    rec("nul-inside", "NUL after the code: the code before it is sent",
        [raw(OLGA_RECOVERY.encode() + b"\x00junk"), ""], PAM_SUCCESS,
        "verified with an OTP recovery code", calls=RECOVERY_OK,
        check=bodies_of(V2_RECOVERY, {"recoveryCode": OLGA_RECOVERY})),
    rec("wrong-then-cancel", "a wrong recovery code is counted", ["olga-wrong-code-0001",
                                                                  "@empty"],
        PAM_AUTH_ERR, "wrong recovery code (1 of 3)", calls=RECOVERY_OK),
    enter("null", "NULL answer", "@null"),
    enter("conv-err", "conversation error", "@conv-err"),
    enter("64k", "64 KiB", "@long:65536"),
    enter("escape", "an ANSI escape", raw("\x1b[2Jx")),
    enter("text", "text instead of Enter", "recovery"),

    # ---- SMS / EMAIL code ----
    mfa("null", "NULL answer with noninteractive = ignore: a conversation error", ["@null"],
        PAM_CONV_ERR, CONV_END, conf=IGNORE_NI),
    mfa("conv-err", "conversation error (the code was sent)", ["@conv-err"], PAM_CONV_ERR,
        CONV_END),
    mfa("empty", "empty answer cancels", ["@empty"], PAM_AUTH_ERR, CANCELLED,
        check=told_cancelled),
    mfa3("64k", "@long:65536", "64 KiB"),
    mfa3("padded", raw(CODE + PAD), "the code and 4 KiB of spaces"),
    mfa3("escape", raw("\x1b[0m" + CODE), "an ANSI escape"),
    mfa3("invalid-utf8", raw(b"\xff" + CODE.encode()), "a byte that is not UTF-8"),
    mfa3("fullwidth", FULLWIDTH, "full-width digits"),
    mfa3("recovery", ["recovery", "RECOVERY", "Recovery"], "'recovery' at an SMS prompt"),
    mfa3("password", "erin-pw", "the password typed at the code prompt"),
    mfa3("json", CODE + '","phone":"+1555', "JSON injection"),
    mfa("spaces", "the code with spaces around it", [" " + CODE + " "], PAM_SUCCESS,
        "verified with SMS", calls=SMS_OK),
    mfa("nul-inside", "NUL after the code", [raw(CODE.encode() + b"\x00999")], PAM_SUCCESS,
        "verified with SMS", calls=SMS_OK),
    mfa("null", "NULL answer", ["@null"], PAM_CONV_ERR, CONV_END, user="emma"),
    mfa("empty", "empty answer cancels", ["@empty"], PAM_AUTH_ERR, CANCELLED, user="emma",
        check=told_cancelled),
    mfa3("64k", "@long:65536", "64 KiB", user="emma"),
    mfa3("control", [raw(CODE + "\r\n"), raw("\x07" + CODE), raw(CODE + "\x1b")],
         "control characters", user="emma"),

    # ---- OTP enrollment: menu, code, new QR code ----
    case(id="conv-otp-enroll-menu-null", cat="conv",
         what="OTP enrollment menu: NULL answer with noninteractive = ignore: non-interactive",
         conf=dict(OTP_CONF, **IGNORE_NI), answers=["alice-pw", "@null"], expect=IGNORED,
         log="enrollment not started", calls=[SIGNIN, LIST, TO_ENROLL]),
    enroll("null", "NULL answer at the code prompt: a conversation error (the key was shown)",
           ["@null"], PAM_CONV_ERR, "enrollment stopped", calls=OTP_START, conf=IGNORE_NI),
    enroll("conv-err", "conversation error at the code prompt", ["@conv-err"], PAM_CONV_ERR,
           "enrollment stopped", calls=OTP_START),
    enroll("empty", "empty answer cancels", ["@empty"], PAM_AUTH_ERR, ENROLL_CANCELLED,
           calls=OTP_START, check=told_cancelled),
    enroll3("64k", "@long:65536", "64 KiB"),
    enroll3("padded", raw("123456" + PAD), "a code and 4 KiB of spaces"),
    enroll3("digits", ["12345678", "12345", "1234567"], "not 6 digits (the otpauth digits)"),
    enroll3("escape", raw("\x1b[0m123456"), "an ANSI escape"),
    enroll3("invalid-utf8", raw(b"123456\xff"), "a byte that is not UTF-8"),
    enroll3("fullwidth", FULLWIDTH, "full-width digits"),
    enroll3("recovery", ["recovery", "RECOVERY", "later"], "'recovery' and 'later'"),
    enroll3("password", "alice-pw", "the password typed at the code prompt"),
    enroll("spaces", "a wrong code with spaces around it is trimmed and sent",
           ["  " + WRONG + "  ", "@empty"], PAM_AUTH_ERR, "wrong OTP enrollment code (1 of 3)",
           calls=OTP_START + [BIND], check=lambda r: _pass_codes(r, [WRONG])),
    enroll("nul-inside", "NUL after a wrong code: the code before it is sent",
           [raw(WRONG.encode() + b"\x00123"), "@empty"], PAM_AUTH_ERR,
           "wrong OTP enrollment code (1 of 3)", calls=OTP_START + [BIND],
           check=lambda r: _pass_codes(r, [WRONG])),
    newqr("null", "NULL answer", ["@null"], PAM_CONV_ERR, "enrollment stopped"),
    newqr("empty", "empty answer cancels", ["@empty"], PAM_AUTH_ERR, ENROLL_CANCELLED,
          check=told_cancelled),
    newqr("no", "'N' declines", ["N"], PAM_AUTH_ERR, "declined a new OTP key",
          check=told_cancelled),
    newqr("64k", "64 KiB three times", ["@long:65536"] * 3, PAM_MAXTRIES,
          invalid_line("new QR code")),
    newqr("padded", "'y' and 4 KiB of spaces is too long, not a yes",
          [raw("y" + PAD), "n"], PAM_AUTH_ERR, "declined a new OTP key"),
    newqr("escape", "ANSI escapes around 'y'", [raw("\x1by"), raw("y\x1b[0m"), raw("\x9by")],
          PAM_MAXTRIES, invalid_line("new QR code")),
    newqr("words", "'yes please', 'yy', 'ja'", ["yes please", "yy", "ja"], PAM_MAXTRIES,
          invalid_line("new QR code")),
    newqr("yes", "' YES ' shows a new key (then cancelled)", [" YES ", "@empty"],
          PAM_AUTH_ERR, ENROLL_CANCELLED, calls=EXPIRED_CALLS + [SEND]),
    newqr("max-sends", "max_sends = 1: no new key is offered", [], PAM_MAXTRIES,
          "OTP enrollment expired and the limit of 1 codes per login is reached",
          conf={"max_sends": 1}),

    # ---- later ----
    later("plain", "'later' postpones (grace 2)", ["later"], IGNORED, POSTPONED),
    later("case", "' LaTeR ' postpones (case, spaces)", [" LaTeR "], IGNORED, POSTPONED),
    later("nul-inside", "'later' then NUL and junk: the module sees 'later'",
          [raw(b"later\x00; rm -rf /")], IGNORED, POSTPONED),
    later("no-grace", "'later' without enroll_grace is an invalid answer", ["later"] * 3,
          PAM_MAXTRIES, invalid_line("factor menu"), conf={}),
    later("escape", "'later' with ANSI escapes", [raw("\x1b[Alater"), raw("later\x1b"),
                                                  raw("lat\x08er")],
          PAM_MAXTRIES, invalid_line("factor menu")),
    later("padded", "'later' and 4 KiB of spaces is too long", [raw("later" + PAD)] * 3,
          PAM_MAXTRIES, invalid_line("factor menu")),
    later("fullwidth", "'later' in full-width letters", ["\uff4c\uff41\uff54\uff45\uff52"] * 3,
          PAM_MAXTRIES, invalid_line("factor menu")),
    later("null", "NULL answer at the menu that offers later: non-interactive (deny)",
          ["@null"], PAM_AUTH_ERR, "enrollment not started"),
    later("password", "the password typed at the menu", ["alice-pw"] * 3, PAM_MAXTRIES,
          invalid_line("factor menu")),
]


def _pass_codes(r, want):
    got = [b.get("enrollmentData", {}).get("passCode") for b in r.bodies(BIND)]
    assert got == want, "passCodes sent %r, want %r" % (got, want)

