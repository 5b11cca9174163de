#!/usr/bin/python3
"""TEST ONLY: run one command with a GenAuth emulator up, the way
tests/unit/check_api_tls.py runs check_api, but with any prefix (valgrind).

usage: with_emulator.py CMD [ARG...]

Exports GA_TEST_EMULATOR_URL, GA_TEST_CA and GA_TEST_OUTBOX to CMD, exits
with CMD's status, and stops the emulator whatever happens."""

import os
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.environ.get("abs_top_srcdir") or os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SRC, "tests", "emulator"))
import emulib  # noqa: E402


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    work = tempfile.mkdtemp(prefix="pam_genauth-mem.")
    emu = emulib.Emulator()
    try:
        emu.start(work)
        env = dict(os.environ, GA_TEST_EMULATOR_URL=emu.url, GA_TEST_CA=emu.ca_file,
                   GA_TEST_OUTBOX=os.path.join(emu.state_dir, "outbox.jsonl"))
        return subprocess.run(argv, env=env).returncode
    finally:
        emu.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
