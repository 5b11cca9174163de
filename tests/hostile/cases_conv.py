"""Catalogue: conversation answers. Every prompt (password, menu, phone,
email, code, "send a new code?") gets empty, NULL, conversation errors,
64 KiB, embedded NUL, bytes that are not UTF-8, control characters, ANSI
escapes and multi-line answers. An answer over the limit is rejected, never
cut down or trimmed into something valid; nothing invalid is sent; an empty
answer, a NULL answer or a conversation error ends the login with a failure
and no further call.

A NUL byte ends a C string: the module sees what comes before it (the
conversation API gives no length), so those rows check that what it sees
is what it sends and shows."""

from checks import bodies_are_json, passwords_sent, raw, told_cancelled
from hostlib import BIND, LIST, SEND, SIGNIN, TO_ENROLL, case
from pamlib import (PAM_AUTH_ERR, PAM_CONV_ERR, PAM_MAXTRIES, PAM_SUCCESS)

PW = "alice-pw"
PHONE = "18812345678"
CODE = "482913"
FIXED = {"fixed_code": CODE}
PAD = " " * 4000  # an answer of 4 KiB that trims to something valid
BEFORE_SEND = [SIGNIN, LIST, TO_ENROLL]
CANCELLED = "enrollment cancelled by the user"
NO_TERMINAL = "enrollment stopped"
NONINTERACTIVE = "enrollment not started"
UTF8_USER = [{"username": "uma", "password": "p\u00e4ssw\u00f6rd-\u00fc", "factors": []}]


def profile_is(**want):
    def check(r):
        bodies = r.bodies(SEND)
        assert len(bodies) == 1, "%d sends" % len(bodies)
        prof = bodies[0].get("profile", {})
        for key, val in want.items():
            assert prof.get(key) == val, "sent %s = %r, want %r" % (key, prof.get(key), val)
    return check


def factor_is(ftype):
    def check(r):
        got = [b.get("factorType") for b in r.bodies(SEND)]
        assert got == [ftype], "sent factor types %r" % got
    return check


def prompts_containing(text, n):
    def check(r):
        got = [p for p in r.res.prompts if text in p]
        assert len(got) == n, "%d prompts with %r, want %d: %r" % (len(got), text, n, got)
    return check


def refused_three_times(cid, prefix, bad, what, stop):
    """Three invalid answers in a row at one prompt: PAM_MAXTRIES, logged,
    and the call the answer was for (stop) is never made."""
    answers = list(prefix) + (list(bad) if isinstance(bad, (list, tuple)) else [bad] * 3)
    return case(id=cid, cat="conv", what=what, answers=answers, settings=FIXED,
                expect=PAM_MAXTRIES, no_calls=[stop], log="invalid answers")


def menu3(cid, bad, what):
    return refused_three_times(cid, [PW], bad, "menu: " + what, SEND)


def phone3(cid, bad, what):
    return refused_three_times(cid, [PW, "1"], bad, "phone: " + what, SEND)


def email3(cid, bad, what):
    return refused_three_times(cid, [PW, "2"], bad, "email: " + what, SEND)


def code3(cid, bad, what):
    return refused_three_times(cid, [PW, "1", PHONE], bad, "code: " + what, BIND)


EXPIRED = {"faults": [{"path": BIND, "kind": "error", "count": 1, "statusCode": 400,
                       "apiCode": 2300, "message": "enrollmentToken expired"}],
           "settings": {"rate_limit_seconds": 0, "fixed_code": CODE}}

CASES = [
    # ---- password prompt ----
    case(id="conv-pw-empty", cat="conv", what="password: empty answer", answers=["@empty"],
         expect=PAM_AUTH_ERR, calls=[], log="user alice from -: ", check=told_cancelled),
    case(id="conv-pw-null", cat="conv", what="password: NULL answer", answers=["@null"],
         expect=PAM_CONV_ERR, calls=[], log="user alice from -: "),
    case(id="conv-pw-conv-err", cat="conv", what="password: conversation error",
         answers=["@conv-err"], expect=PAM_CONV_ERR, calls=[]),
    case(id="conv-pw-64k", cat="conv", what="password: 64 KiB is never sent, not truncated",
         answers=["@long:65536"], expect=PAM_AUTH_ERR, calls=[],
         log="user alice from -: GenAuth sign-in failed"),
    case(id="conv-pw-1025", cat="conv", what="password: 1025 bytes is never sent",
         answers=["@long:1025"], expect=PAM_AUTH_ERR, calls=[]),
    case(id="conv-pw-1024", cat="conv", what="password: 1024 bytes is sent whole",
         answers=["@long:1024"], expect=PAM_AUTH_ERR, calls=[SIGNIN],
         check=passwords_sent("A" * 1024)),
    case(id="conv-pw-nul", cat="conv", what="password: NUL inside; the part before it is used",
         answers=[raw(b"alice-pw\x00junk"), "1", PHONE, "@code"], expect=PAM_SUCCESS,
         check=passwords_sent(PW)),
    case(id="conv-pw-invalid-utf8", cat="conv",
         what="password that is not UTF-8 is not put into a JSON body",
         server="raw", answers=[raw(b"\xff\xfe\xc3pw")], expect=PAM_AUTH_ERR, calls=[],
         check=bodies_are_json),
    case(id="conv-pw-escape", cat="conv", what="password with an ANSI escape: a wrong password",
         answers=[raw("alice-pw\x1b[A")], expect=PAM_AUTH_ERR,
         log="GenAuth sign-in failed", no_calls=[LIST]),
    case(id="conv-pw-multiline", cat="conv", what="password of two lines: a wrong password",
         answers=["alice-pw\nalice-pw"], expect=PAM_AUTH_ERR, log="GenAuth sign-in failed",
         no_calls=[LIST]),
    case(id="conv-pw-utf8", cat="conv", what="password in UTF-8 that is right (control)",
         user="uma", users=UTF8_USER, answers=["p\u00e4ssw\u00f6rd-\u00fc", "1", PHONE, "@code"],
         expect=PAM_SUCCESS, check=passwords_sent("p\u00e4ssw\u00f6rd-\u00fc")),

    # ---- menu ----
    case(id="conv-menu-empty", cat="conv", what="menu: empty answer cancels",
         answers=[PW, "@empty"], expect=PAM_AUTH_ERR, calls=BEFORE_SEND, log=CANCELLED,
         check=told_cancelled),
    case(id="conv-menu-null", cat="conv", what="menu: NULL answer is non-interactive (deny)",
         answers=[PW, "@null"], expect=PAM_AUTH_ERR, calls=BEFORE_SEND, log=NONINTERACTIVE),
    case(id="conv-menu-conv-err", cat="conv", what="menu: conversation error is non-interactive (deny)",
         answers=[PW, "@conv-err"], expect=PAM_AUTH_ERR, calls=BEFORE_SEND, log=NONINTERACTIVE),
    case(id="conv-menu-nul-first", cat="conv", what="menu: NUL first (an empty answer)",
         answers=[PW, raw(b"\x001")], expect=PAM_AUTH_ERR, calls=BEFORE_SEND, log=CANCELLED),
    case(id="conv-menu-padded", cat="conv",
         what="menu: '1' and 4 KiB of spaces is too long, not trimmed into '1'",
         answers=[PW, raw("1" + PAD), "2", "alice@example.com", "@code"], expect=PAM_SUCCESS,
         check=factor_is("EMAIL")),
    menu3("conv-menu-64k", "@long:65536", "64 KiB"),
    menu3("conv-menu-invalid-utf8", [raw(b"\xc3"), raw(b"\xff1"), raw(b"1\xff")],
          "bytes that are not UTF-8"),
    menu3("conv-menu-escape", raw("\x1b[2J1"), "ANSI escape before '1'"),
    menu3("conv-menu-multiline", ["1\n2", "1\n1", "2\n1"], "two lines"),
    menu3("conv-menu-overflow", ["99999999999999999999", "4294967297", "18446744073709551617"],
          "numbers that wrap to 1"),
    menu3("conv-menu-signs", ["0", "+1", "-1"], "0, +1 and -1"),
    case(id="conv-menu-name", cat="conv", what="menu: a factor name in mixed case (control)",
         answers=[PW, "eMaIl", "alice@example.com", "@code"], expect=PAM_SUCCESS,
         check=factor_is("EMAIL")),

    # ---- phone number ----
    phone3("conv-phone-64k", "@long:65536", "64 KiB"),
    case(id="conv-phone-padded", cat="conv",
         what="phone: a number and 4 KiB of spaces is too long, not trimmed and sent",
         answers=[PW, "1", raw(PHONE + PAD), "13900001111", "@code"], expect=PAM_SUCCESS,
         check=profile_is(phoneNumber="13900001111")),
    case(id="conv-phone-nul", cat="conv", what="phone: NUL inside (the module sees '188')",
         answers=[PW, "1", raw(b"188\x0012345678"), "@empty"], expect=PAM_AUTH_ERR,
         calls=BEFORE_SEND),
    phone3("conv-phone-invalid-utf8", [raw(b"188\xff12345678"), raw(b"\xc318812345678"),
                                       raw(b"18812345678\xe2\x80")], "bytes that are not UTF-8"),
    phone3("conv-phone-escape", raw("\x1b[31m18812345678"), "ANSI escape"),
    phone3("conv-phone-fullwidth", "\uff11\uff18\uff18\uff11\uff12\uff13\uff14\uff15\uff16"
                                   "\uff17\uff18", "full-width digits"),
    phone3("conv-phone-multiline", "188\n12345678", "two lines"),
    phone3("conv-phone-too-long", ["+86 1881234567890123", "1881234567890123456789",
                                   "+12345 18812345678"], "too many digits"),
    phone3("conv-phone-json", '18812345678","phoneCountryCode":"+1', "JSON injection"),

    # ---- email ----
    email3("conv-email-64k", "@long:65536", "64 KiB"),
    case(id="conv-email-padded", cat="conv",
         what="email: an address and 4 KiB of spaces is too long, not trimmed and sent",
         answers=[PW, "2", raw("alice@example.com" + PAD), "bob@example.com", "@code"],
         expect=PAM_SUCCESS, check=profile_is(email="bob@example.com")),
    case(id="conv-email-nul", cat="conv",
         what="email: NUL inside; what the module sees is what it sends",
         answers=[PW, "2", raw(b"alice@example.com\x00@evil.example"), "@code"],
         expect=PAM_SUCCESS, check=profile_is(email="alice@example.com")),
    email3("conv-email-crlf", raw("alice@example.com\r\nBcc: x@evil.example"),
           "CRLF and a mail header"),
    email3("conv-email-utf8", ["\u00fc@example.com", "alice@ex\u00e4mple.com",
                               "alice@example.c\u00f6m"], "non-ASCII"),
    email3("conv-email-quoted", ['"a b"@example.com', 'a"@example.com', "a@[127.0.0.1]"],
           "quoted local parts and address literals"),
    email3("conv-email-escape", raw("\x1b[31malice@example.com"), "ANSI escape"),
    email3("conv-email-multiline", "alice@example.com\nbob@example.com", "two lines"),
    email3("conv-email-json", 'alice@example.com","x":"y', "JSON injection"),

    # ---- code ----
    case(id="conv-code-empty", cat="conv", what="code: empty answer cancels",
         answers=[PW, "1", PHONE, "@empty"], expect=PAM_AUTH_ERR, no_calls=[BIND], log=CANCELLED,
         check=told_cancelled),
    case(id="conv-code-null", cat="conv", what="code: NULL answer",
         answers=[PW, "1", PHONE, "@null"], expect=PAM_CONV_ERR, no_calls=[BIND]),
    case(id="conv-code-conv-err", cat="conv", what="code: conversation error",
         answers=[PW, "1", PHONE, "@conv-err"], expect=PAM_CONV_ERR, no_calls=[BIND]),
    code3("conv-code-64k", "@long:65536", "64 KiB"),
    case(id="conv-code-padded", cat="conv",
         what="code: the right code and 4 KiB of spaces is too long, asked again",
         settings=FIXED, answers=[PW, "1", PHONE, raw(CODE + PAD), CODE],
         expect=PAM_SUCCESS, check=prompts_containing("Enter code", 2)),
    case(id="conv-code-nul-first", cat="conv", what="code: NUL first (an empty answer)",
         settings=FIXED, answers=[PW, "1", PHONE, raw(b"\x00" + CODE.encode())],
         expect=PAM_AUTH_ERR, no_calls=[BIND]),
    case(id="conv-code-nul-inside", cat="conv", what="code: NUL after the code; the code is used",
         settings=FIXED, answers=[PW, "1", PHONE, raw(CODE.encode() + b"\x00999")],
         expect=PAM_SUCCESS),
    code3("conv-code-fullwidth", "\uff14\uff18\uff12\uff19\uff11\uff13", "full-width digits"),
    code3("conv-code-escape", raw("\x1b[0m" + CODE), "ANSI escape"),
    code3("conv-code-multiline", CODE + "\n" + CODE, "two lines"),
    code3("conv-code-length", ["123456789", "123", CODE + "0" * 60], "too many or too few digits"),
    code3("conv-code-json", CODE + '","factorType":"OTP', "JSON injection"),
    code3("conv-code-invalid-utf8", raw(b"\xff" + CODE.encode()), "a byte that is not UTF-8"),
    code3("conv-code-signs", ["+" + CODE, "-" + CODE, "4829  13"], "signs and a double space"),

    # ---- "send a new code?" ----
    case(id="conv-resend-64k", cat="conv", what="resend question: 64 KiB answers",
         answers=[PW, "1", PHONE, CODE, "@long:65536", "@long:65536", "@long:65536"],
         expect=PAM_MAXTRIES, check=lambda r: _sends(r, 1), **EXPIRED),
    case(id="conv-resend-padded", cat="conv",
         what="resend question: 'y' and 4 KiB of spaces is too long, not a yes",
         answers=[PW, "1", PHONE, CODE, raw("y" + PAD), "n"], expect=PAM_AUTH_ERR,
         check=lambda r: _sends(r, 1), **EXPIRED),
    case(id="conv-resend-escape", cat="conv", what="resend question: ANSI escapes",
         answers=[PW, "1", PHONE, CODE, raw("\x1by"), raw("y\x1b[0m"), raw("\x1b[Ay")],
         expect=PAM_MAXTRIES, check=lambda r: _sends(r, 1), **EXPIRED),
]


def _sends(r, n):
    got = r.paths().count(SEND)
    assert got == n, "%d sends, want %d" % (got, n)
