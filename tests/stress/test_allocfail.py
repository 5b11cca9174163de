"""Allocation-failure injection (tests/stress/alloc_fail) against the GenAuth
emulator: config loading, state save/load, a full login and a resumed login,
and the issue 4 flows (OTP, SMS through the Management API and recovery-code
verification, OTP enrollment with its QR code, the grace `later`, the
policy's group lookup), each with every allocation of the module's own code
failed in turn.

Environment:
  STRESS_ALLOCFAIL_ONLY   run one scenario (config, state, flow, resume,
                          detours, steps, empty, verify-otp, verify-sms,
                          recovery, otp-enroll, grace, policy)
  GA_TEST_WRAPPER         a tool to run the program under (e.g. valgrind)
The closing line is the program's: "allocfail: N passed, N failed" (plus a
failed count here if a sanitizer reported anything or it exited abnormally).
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import stresslib  # noqa: E402

CODE = "135790"
PROGRAM = os.path.join(stresslib.BUILD, "tests", "stress", "alloc_fail")
# the TOTP helper alloc_fail keeps running (its AF_TOTP_CMD)
TOTP_CMD = "%s %s --serve" % (shlex.quote(sys.executable),
                              shlex.quote(os.path.join(stresslib.HERE, "totp.py")))


WRAPPED = ("malloc", "calloc", "realloc", "strdup", "strndup")


def site_coverage(reached_line):
    """Compare the call sites the clean runs reached (offsets printed by
    alloc_fail) with every wrapped allocation call in the core's code
    (objdump of the program). Prints the figure and the sites never reached."""
    reached = {int(x, 16) for x in reached_line.split(":")[2].split()}
    dump = subprocess.run(["objdump", "-d", "--no-show-raw-insn", PROGRAM],
                          stdout=subprocess.PIPE, universal_newlines=True).stdout
    sites, pending = [], False
    for line in dump.splitlines():
        m = re.match(r"\s+([0-9a-f]+):\s", line)
        if not m:
            continue
        if pending:  # the return address: the instruction after the call
            sites.append(int(m.group(1), 16))
        pending = re.search(r"call\s+\S+ <__wrap_(%s)>" % "|".join(WRAPPED), line) is not None
    where = subprocess.run(["addr2line", "-f", "-s", "-e", PROGRAM] + [hex(a) for a in sites],
                           stdout=subprocess.PIPE, universal_newlines=True).stdout.split("\n")
    core = [(a, where[2 * i], where[2 * i + 1]) for i, a in enumerate(sites)
            if 2 * i + 1 < len(where) and where[2 * i + 1].startswith("ga_")]
    missed = [c for c in core if c[0] not in reached]
    line_of = lambda loc: loc.split(" (")[0]  # noqa: E731  drop "(discriminator N)"
    lines = {line_of(c[2]) for c in core}
    hit = {line_of(c[2]) for c in core if c[0] in reached}
    print("allocation calls in the core: %d call instructions at %d source lines; "
          "reached and failed in turn: %d instructions, %d lines"
          % (len(core), len(lines), len(core) - len(missed), len(hit)))
    for a, fn, loc in missed:
        print("  never reached: %s (%s)" % (fn, loc))


def main():
    wrapper = shlex.split(os.environ.get("GA_TEST_WRAPPER", ""))
    work = tempfile.mkdtemp(prefix="pam_genauth-allocfail.")
    os.chmod(work, 0o700)
    emu = stresslib.Emulator()
    rc = 1
    try:
        emu.start(os.path.join(work, "emu"))
        # first prove the checks bite: planted leak, swallowed failure, crash
        self_cmd = wrapper + [PROGRAM, "--only", "selftest", emu.url, emu.ca_file, work, CODE]
        selftest = subprocess.run(self_cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, universal_newlines=True,
                                  errors="replace", timeout=600)
        self_ok = "allocfail: 2 passed, 3 failed" in selftest.stdout and (
            "checks: off" in selftest.stdout or "LeakSanitizer reported" in selftest.stdout)
        print("selftest (planted leak, swallowed failure, crash are caught): %s"
              % ("ok" if self_ok else "FAIL\n" + selftest.stdout + selftest.stderr[-5000:]))

        cmd = wrapper + [PROGRAM]
        if os.environ.get("STRESS_ALLOCFAIL_ONLY"):
            cmd += ["--only", os.environ["STRESS_ALLOCFAIL_ONLY"]]
        cmd += [emu.url, emu.ca_file, work, CODE]
        print("running:", " ".join(cmd), flush=True)
        start = time.monotonic()
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, universal_newlines=True,
                              errors="replace", timeout=3600,
                              env=dict(os.environ, AF_TOTP_CMD=TOTP_CMD))
        lines = proc.stdout.splitlines()
        print("\n".join(l for l in lines if not l.startswith(("allocfail: ", "allocation call"))))
        for l in lines:  # the coverage figure means something for the full set only
            if l.startswith("allocation call sites reached:") and \
                    not os.environ.get("STRESS_ALLOCFAIL_ONLY"):
                site_coverage(l)
        sys.stderr.write(proc.stderr[-20000:])
        print("alloc_fail: exit %d after %.1f s" % (proc.returncode, time.monotonic() - start))
        closing = [l for l in lines if l.startswith("allocfail: ")]
        passed, failed = (int(closing[-1].split()[1]), int(closing[-1].split()[3])) \
            if closing else (0, 0)
        reports = stresslib.sanitizer_reports(proc.stderr)
        print("sanitizer reports: %d" % reports)
        if reports or (proc.returncode != 0 and failed == 0):
            failed += 1
        if self_ok:
            passed += 1
        else:
            failed += 1
        print("allocfail: %d passed, %d failed" % (passed, failed))
        rc = 1 if failed else 0
    finally:
        emu.stop()
        if rc == 0:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print("kept for inspection:", work)
    return rc


if __name__ == "__main__":
    sys.exit(main())
