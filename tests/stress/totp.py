#!/usr/bin/python3
"""TEST ONLY: the current RFC 6238 TOTP of a base32 secret (6 digits, 30 s),
computed with the emulator's own implementation (tests/emulator/emulib.py).

usage: totp.py SECRET      print the code
       totp.py --serve     for each line "ID SECRET" on stdin, print
                           "ID CODE" (flushed); alloc_fail keeps one
                           running and asks it at authenticator-code prompts
"""

import os
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "emulator"))
import emulib  # noqa: E402


def main(argv):
    if len(argv) != 1:
        sys.exit(__doc__)
    if argv[0] != "--serve":
        print(emulib.totp(argv[0]))
        return
    for line in sys.stdin:
        words = line.split()
        code = emulib.totp(words[1]) if len(words) == 2 else "-"
        print(words[0] if words else "-", code, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
