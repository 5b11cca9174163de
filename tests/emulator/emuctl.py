#!/usr/bin/python3
"""emuctl.py -- drive a running GenAuth emulator from shell scripts.

usage: emuctl.py --url URL --ca CA COMMAND [ARGS]

  reset                       back to the start state
  users FILE                  add/replace users from a JSON file ("-" = stdin)
  fault PATH KIND [COUNT] [k=v...]   add a fault (COUNT default -1 = always)
  clear-faults                remove every fault
  clock SECONDS               advance the emulator clock
  settings k=v...             change settings (values are JSON, else strings)
  state                       users, factors, settings, faults, clock (JSON)
  token USER                  mint an access token for USER
  outbox [SEND_CHANNEL]       the outbox, one JSON object per line
  last-code [TO]              the newest code sent (to TO); exit 1 if none
  verify-code [TO]            the newest CHANNEL_VERIFY_MFA code; exit 1 if none
  requests [PATH]             the request log, one JSON object per line
  user USER                   the user's record (factors, OTP secret, recoveryCode)
  totp USER [STEPS]           the user's current TOTP on the emulator clock
  totp-uri URI [STEPS]        the current TOTP of an otpauth:// URI (emulator clock)
  recovery-code USER          the user's current recovery code
  mfa-token USER [SECONDS]    mint an mfaToken for the V2 verify endpoints
  counts                      requests per path, management tokens (JSON)
  clear-counts                zero the request counters
  revoke-mgmt                 invalidate every management token
  messages                    every server message in zh-CN and en-US (JSON)
"""

import argparse
import json
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from emulib import Emulator, EmulatorError  # noqa: E402


def parse_kv(items):
    """k=v pairs; each value is parsed as JSON when it parses, else kept as a string."""
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise SystemExit("emuctl: expected key=value, got %r" % item)
        try:
            out[key] = json.loads(value)
        except ValueError:
            out[key] = value
    return out


def print_lines(entries):
    for entry in entries:
        print(json.dumps(entry, ensure_ascii=False))


def run(emu, cmd, args):
    if cmd == "reset" and not args:
        emu.reset()
    elif cmd == "users" and len(args) == 1:
        if args[0] == "-":
            users = json.load(sys.stdin)
        else:
            with open(args[0], encoding="utf-8") as f:
                users = json.load(f)
        emu.add_users(users if isinstance(users, list) else users.get("users", [users]))
    elif cmd == "fault" and len(args) >= 2:
        count = -1
        rest = args[2:]
        if rest and "=" not in rest[0]:
            count, rest = int(rest[0]), rest[1:]
        emu.fault(args[0], args[1], count, **parse_kv(rest))
    elif cmd == "clear-faults" and not args:
        emu.clear_faults()
    elif cmd == "clock" and len(args) == 1:
        print(emu.advance_clock(float(args[0])))
    elif cmd == "settings":
        settings = emu.settings(**parse_kv(args))
        if not args:
            print(json.dumps(settings, indent=2, ensure_ascii=False))
    elif cmd == "state" and not args:
        print(json.dumps(emu.state(), indent=2, ensure_ascii=False))
    elif cmd == "token" and len(args) == 1:
        print(emu.mint_token(args[0]))
    elif cmd == "outbox" and len(args) <= 1:
        print_lines(emu.outbox(args[0] if args else None))
    elif cmd == "last-code" and len(args) <= 1:
        code = emu.last_code(args[0] if args else None)
        if code is None:
            return 1
        print(code)
    elif cmd == "verify-code" and len(args) <= 1:
        code = emu.verify_code(args[0] if args else None)
        if code is None:
            return 1
        print(code)
    elif cmd == "requests" and len(args) <= 1:
        print_lines(emu.requests(args[0] if args else None))
    elif cmd == "user" and len(args) == 1:
        print(json.dumps(emu.user(args[0]), indent=2, ensure_ascii=False))
    elif cmd == "totp" and 1 <= len(args) <= 2:
        print(emu.current_totp(args[0], int(args[1]) if len(args) > 1 else 0))
    elif cmd == "totp-uri" and 1 <= len(args) <= 2:
        print(emu.totp_from_uri(args[0], int(args[1]) if len(args) > 1 else 0))
    elif cmd == "recovery-code" and len(args) == 1:
        print(emu.recovery_code(args[0]))
    elif cmd == "mfa-token" and 1 <= len(args) <= 2:
        print(emu.mint_mfa_token(args[0], float(args[1]) if len(args) > 1 else None))
    elif cmd == "counts" and not args:
        print(json.dumps(emu.counts(), indent=2))
    elif cmd == "clear-counts" and not args:
        emu.clear_counts()
    elif cmd == "revoke-mgmt" and not args:
        print(emu.revoke_mgmt_tokens())
    elif cmd == "messages" and not args:
        print(json.dumps(emu.messages(), indent=2, ensure_ascii=False))
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


def main(argv=None):
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--url", required=True)
    p.add_argument("--ca", required=True)
    p.add_argument("--insecure", action="store_true",
                   help="do not verify the server certificate (wronghost/expired runs)")
    p.add_argument("command")
    p.add_argument("args", nargs="*")
    try:
        ns, extra = p.parse_known_args(argv)
    except SystemExit:
        sys.stderr.write(__doc__)
        return 2
    emu = Emulator(url=ns.url, ca_file=ns.ca, cert="other" if ns.insecure else "server")
    try:
        return run(emu, ns.command, ns.args + extra)
    except (EmulatorError, OSError, ValueError) as e:
        sys.stderr.write("emuctl: %s\n" % e)
        return 1


if __name__ == "__main__":
    sys.exit(main())
