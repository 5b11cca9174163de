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
        proc = subprocess.run([os.path.join(BUILD, "tests", "unit", "check_api")], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              universal_newlines=True, timeout=300)
        sys.stdout.write(proc.stdout)
        return proc.returncode
    finally:
        emu.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
