#!/usr/bin/python3
"""Runs the Check suite tests/unit/check_api again, this time with a GenAuth
emulator over real TLS, so its network cases (a whole login, headers on the
wire, TLS failures, faults, proxy variables ignored) run too."""

import os
import subprocess
import sys
import tempfile
import shutil

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.environ.get("abs_top_srcdir") or os.path.dirname(os.path.dirname(HERE))
BUILD = os.environ.get("abs_top_builddir") or SRC
sys.path.insert(0, os.path.join(SRC, "tests", "emulator"))
import emulib  # noqa: E402


def main():
    work = tempfile.mkdtemp(prefix="pam_genauth-api.")
    emu = emulib.Emulator()
    try:
        emu.start(work)
        env = dict(os.environ, GA_TEST_EMULATOR_URL=emu.url, GA_TEST_CA=emu.ca_file,
                   GA_TEST_OUTBOX=os.path.join(emu.state_dir, "outbox.jsonl"))
        # Twice: each test in its own process (Check's default), then all in
        # one process as valgrind runs them (CK_FORK=no). Regression: two
        # tests that started in the same second of one process signed up
        # the same phone number, and the emulator throttled the second send.
        rc = 0
        for fork in ("yes", "no"):
            proc = subprocess.run([os.path.join(BUILD, "tests", "unit", "check_api")],
                                  env=dict(env, CK_FORK=fork), stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, universal_newlines=True,
                                  timeout=300)
            sys.stdout.write("--- CK_FORK=%s\n%s" % (fork, proc.stdout))
            rc = rc or proc.returncode
        return rc
    finally:
        emu.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
