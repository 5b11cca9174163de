"""Concurrent logins through libpam and the real module (tests/stress/pam_threads)
against the GenAuth emulator, then a check of the emulator's final state:
every user that enrolled has exactly the factor of its own phone number or
email address, every other user has none (or, for the shared user with a
factor, still only that one).

Environment (defaults are the `make check` size):
  STRESS_THREADS (4), STRESS_CYCLES (25)   concurrent phase
  STRESS_RSS ("50,250", "" = none)         sequential logins; memory after A vs B
  STRESS_RSS_LIMIT_KIB (512), STRESS_HEAP_LIMIT_KIB (128)
  GA_TEST_WRAPPER                          a tool to run the harness under
  STRESS_PLANT_RACE=1                      plant an unlocked counter in the
                                           harness (a TSan run must then fail)
Closing line: "threads: N passed, N failed" (the harness's logins and checks,
plus the emulator-state check and a check that no sanitizer reported anything).
"""

import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import stresslib  # noqa: E402
from stresslib import pamlib  # noqa: E402

CODE = "246810"
HARNESS = os.path.join(stresslib.BUILD, "tests", "stress", "pam_threads")


def harness_args():
    args = ["--threads", os.environ.get("STRESS_THREADS", "4"),
            "--cycles", os.environ.get("STRESS_CYCLES", "25"), "--code", CODE]
    if os.environ.get("STRESS_PLANT_RACE") == "1":  # test the test (check-tsan.sh)
        args.append("--plant-race")
    rss = os.environ.get("STRESS_RSS", "50,250")
    # sanitizers and valgrind hold freed memory back (ASan's quarantine):
    # the growth bound only means something in a plain build
    if os.environ.get("GA_TEST_WRAPPER") or os.environ.get("ASAN_OPTIONS"):
        rss = ""
    if rss:
        args += ["--rss", rss,
                 "--rss-limit", os.environ.get("STRESS_RSS_LIMIT_KIB", "512"),
                 "--heap-limit", os.environ.get("STRESS_HEAP_LIMIT_KIB", "128")]
    return args


def check_state(emu, expect):
    """Problems in the emulator's final state, as a list of strings."""
    problems = []
    users = {u["username"]: u for u in emu.state()["users"]}
    for name, want in expect.items():
        got = [{"factorType": f["factorType"], "profile": f["profile"]}
               for f in users[name]["factors"]]
        if want == "keep":
            ok = len(got) == 1 and got[0]["factorType"] == "SMS"
        elif want is None:
            ok = got == []
        else:
            prof = dict(want["profile"])
            ok = len(got) == 1 and got[0]["factorType"] == want["factorType"] and all(
                got[0]["profile"].get(k) == v for k, v in prof.items())
        if not ok:
            problems.append("%s: factors %s, want %s" % (name, got, want))
    return problems


def main():
    wrapper = shlex.split(os.environ.get("GA_TEST_WRAPPER", ""))
    work = tempfile.mkdtemp(prefix="pam_genauth-stress.")
    os.chmod(work, 0o700)
    passed = failed = 0
    emu = stresslib.Emulator()
    try:
        emu.start(os.path.join(work, "emu"))
        emu.settings(fixed_code=CODE, rate_limit_seconds=0)
        args = harness_args()
        plan = json.loads(subprocess.run([HARNESS, "--print-users"] + args, check=True,
                                         stdout=subprocess.PIPE).stdout)
        expect = {u["username"]: u.pop("expect") for u in plan}
        emu.add_users(plan)

        confdir = os.path.join(work, "pam.d")
        os.mkdir(confdir)
        conf = os.path.join(work, "pam_genauth.conf")
        fd = os.open(conf, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(pamlib.conf_text({
                "app_id": "emu-app-id", "app_secret": "emu-app-secret",
                "app_host": emu.url, "ca_file": emu.ca_file,
                "state_dir": os.path.join(work, "state"),
                "connect_timeout": 5, "timeout": 20, "max_attempts": 3, "max_sends": 3,
                "on_enrolled": "ignore"}))
        with open(os.path.join(confdir, "stress"), "w") as f:
            # the module's PAM_IGNORE falls through to pam_debug, whose answer
            # (PAM_CRED_INSUFFICIENT) no other outcome can produce
            f.write("auth [success=done ignore=ignore default=die] %s conf=%s debug\n"
                    "auth requisite pam_debug.so auth=cred_insufficient\n"
                    % (pamlib.MODULE, conf))
        with open(os.path.join(confdir, "other"), "w") as f:
            f.write("auth required pam_deny.so\n")

        cmd = wrapper + [HARNESS, "--syslog", os.path.join(work, "syslog")] + args + [
            confdir, "stress"]
        print("running:", " ".join(cmd), flush=True)
        start = time.monotonic()
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, universal_newlines=True,
                              errors="replace", timeout=1800)
        print(proc.stdout, end="")
        sys.stderr.write(proc.stderr[-20000:])
        print("harness: exit %d after %.1f s" % (proc.returncode, time.monotonic() - start))
        line = [l for l in proc.stdout.splitlines() if l.startswith("pam_threads: ")]
        if line:
            words = line[-1].split()
            passed, failed = int(words[1]), int(words[3])
        if proc.returncode != 0 and failed == 0:
            failed += 1

        reports = stresslib.sanitizer_reports(proc.stderr)
        print("sanitizer reports: %d" % reports)
        if reports:
            failed += 1
        else:
            passed += 1

        problems = check_state(emu, expect)
        print("emulator state: %d users checked, %d wrong" % (len(expect), len(problems)))
        for p in problems[:10]:
            print("FAIL", p)
        if problems:
            failed += 1
        else:
            passed += 1
    finally:
        emu.stop()
        # a planted race is meant to fail: nothing to inspect
        if failed == 0 or os.environ.get("STRESS_PLANT_RACE") == "1":
            shutil.rmtree(work, ignore_errors=True)
        else:
            print("kept for inspection:", work)
    print("threads: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
