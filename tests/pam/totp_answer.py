#!/usr/bin/python3
"""Answer an authenticator-app prompt the way a user with a phone would.

Reads a PAM conversation transcript on stdin (every message text in order,
as pam_driver's @exec answer gives it), finds the newest key the module
showed ("Or enter this key by hand:" and the grouped key under it, in
en-US or zh-CN) with its digits and period ("Time-based (TOTP), 6 digits,
every 30 seconds."), and prints the TOTP of that key at the emulator's
clock (RFC 6238, HMAC-SHA1).

    totp_answer.py --url URL --ca CA_FILE [--steps N] [--advance SECONDS]
                   [--wrong] [--user NAME] [--show]
    totp_answer.py --offset SECONDS ...     (no emulator: local clock + SECONDS)

--steps N        the code N periods later (negative: earlier)
--advance S      first move the emulator clock S seconds forward (a user
                 who takes too long)
--wrong          print a code that is NOT accepted (differs from the codes
                 of the 7 periods around now)
--user NAME      ignore the transcript: the code of NAME's bound OTP factor
                 (as the emulator holds it), for verification prompts
--show           print the key, digits, period, issuer and account found
                 (one per line, for tests of the parser), no code

Exit status 2 (message on stderr) when no key is found. Standard library
only.
"""

import argparse
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "emulator"))

import emulib  # noqa: E402

KEY_HEADINGS = ("Or enter this key by hand:", "或手动输入此密钥：",
                "Enter this key in the app by hand:", "请在应用中手动输入此密钥：")
KEY_LINE = re.compile(r"^  ((?:[A-Z2-7]{1,4} )*[A-Z2-7]{1,4})$")
PARAMS = (re.compile(r"Time-based \(TOTP\), (\d+) digits, every (\d+) seconds\."),
          re.compile(r"基于时间（TOTP），(\d+) 位数字，每 (\d+) 秒更新。"))
LABELS = {"issuer": ("Issuer: ", "发行方："), "account": ("Account: ", "账号：")}
WINDOW = 3  # periods on each side a --wrong code must stay clear of


def parse(text):
    """The newest key shown in text: dict secret, digits, period, issuer,
    account; None if there is none."""
    lines = text.split("\n")
    start = None
    for i, line in enumerate(lines):
        if line.strip() in KEY_HEADINGS:
            start = i
    if start is None:
        return None
    groups = []
    i = start + 1
    while i < len(lines):
        m = KEY_LINE.match(lines[i])
        if not m:
            break
        groups += m.group(1).split(" ")
        i += 1
    if not groups:
        return None
    found = {"secret": "".join(groups), "digits": None, "period": None,
             "issuer": None, "account": None}
    for line in lines[i:]:
        if line.strip() in KEY_HEADINGS:
            break
        for rx in PARAMS:
            m = rx.search(line)
            if m and found["digits"] is None:
                found["digits"], found["period"] = int(m.group(1)), int(m.group(2))
        for key, prefixes in LABELS.items():
            for p in prefixes:
                if line.startswith(p) and found[key] is None:
                    found[key] = line[len(p):]
    if found["digits"] is None:
        return None
    return found


def wrong_code(secret, now, period, digits):
    """A code of the right length that no nearby period gives."""
    near = {emulib.totp(secret, now + k * period, period, digits)
            for k in range(-WINDOW, WINDOW + 1)}
    value = int(emulib.totp(secret, now, period, digits))
    while True:
        value = (value + 1) % (10 ** digits)
        code = str(value).zfill(digits)
        if code not in near:
            return code


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url")
    ap.add_argument("--ca")
    ap.add_argument("--offset", type=float, default=None)
    ap.add_argument("--steps", type=int, default=0)
    ap.add_argument("--advance", type=float, default=None)
    ap.add_argument("--wrong", action="store_true")
    ap.add_argument("--user")
    ap.add_argument("--show", action="store_true")
    args = ap.parse_args(argv)

    text = sys.stdin.buffer.read().decode("utf-8", errors="replace")
    emu = None
    if args.url:
        emu = emulib.Emulator(url=args.url, ca_file=args.ca)
    elif args.offset is None and not args.show:
        ap.error("give --url and --ca (the emulator's clock) or --offset")

    if args.user:
        if emu is None:
            ap.error("--user needs --url and --ca")
        f = emu.otp_factor(args.user)
        key = {"secret": f["secret"], "digits": f["digits"], "period": f["period"]}
    else:
        key = parse(text)
        if key is None:
            sys.stderr.write("totp_answer.py: no OTP key in the transcript\n")
            return 2
    if args.show:
        for name in ("secret", "digits", "period", "issuer", "account"):
            print("%s=%s" % (name, key.get(name)))
        return 0
    if args.advance:
        emu.advance_clock(args.advance)
    now = emu.now() if emu is not None else time.time() + args.offset
    at = now + args.steps * key["period"]
    if args.wrong:
        code = wrong_code(key["secret"], at, key["period"], key["digits"])
    else:
        code = emulib.totp(key["secret"], at, key["period"], key["digits"])
    print(code)
    return 0


if __name__ == "__main__":
    sys.exit(main())
