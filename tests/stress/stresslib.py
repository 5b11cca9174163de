"""Shared helpers of the stress tests: paths, and an emulator started through
emu_nodelay.py (the same emulator, without the 40 ms Nagle/delayed-ACK stall
on every answer)."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "pam"))

import pamlib  # noqa: E402,F401  (puts tests/emulator on sys.path)
import emulib  # noqa: E402

BUILD = pamlib.BUILD
SANITIZER_MARKS = ("WARNING: ThreadSanitizer", "ERROR: AddressSanitizer",
                   "ERROR: LeakSanitizer", "runtime error:")


class Emulator(emulib.Emulator):
    """emulib.Emulator, launched through emu_nodelay.py unless
    STRESS_EMU_NAGLE=1 asks for the emulator exactly as the other suites run it."""

    def command(self, port_file):
        cmd = super().command(port_file)
        if os.environ.get("STRESS_EMU_NAGLE") != "1":
            cmd[1] = os.path.join(HERE, "emu_nodelay.py")
        return cmd


def sanitizer_reports(text):
    return sum(text.count(m) for m in SANITIZER_MARKS)
