"""Concurrent logins through libpam and the real module (tests/stress/pam_threads)
against the GenAuth emulator, then a check of the emulator's final state:
every user that enrolled has exactly the factor of its own phone number or
email address, every other user has none (or, for the shared user with a
factor, still only that one); the users verified by SMS keep exactly their
factor, the ones that used a recovery code have a new one.

The issue 4 kinds run through a second service ("stress-verify": on_enrolled
= verify, Management API credentials, users = {"*", "!excluded-*"},
enroll_grace). Checked here besides the harness's per-login checks:
  - the management token was fetched at most once per thread (it is cached
    per process), at least once, and fewer times than there were logins
    that needed it;
  - `later` from every thread on one user: exactly enroll_grace
    postponements (the harness's count and the grace file's);
  - the excluded users never reached GenAuth (request log);
  - the OTP user is verified with the current TOTP, which a thread here
    writes to a code file every second.

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

import glob
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import stresslib  # noqa: E402
from stresslib import pamlib  # noqa: E402

CODE = "246810"
HARNESS = os.path.join(stresslib.BUILD, "tests", "stress", "pam_threads")
OTP_USER = "shared-otp"
OTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
GRACE_USER = "shared-grace"
GRACE_MAX = 100  # the config's upper bound of enroll_grace


class CodeWriter(threading.Thread):
    """Rewrites PATH every second with the current TOTP of OTP_SECRET
    (atomically: a new file renamed over the old one). The emulator accepts
    one period either side (totp_window 1), so a code read up to a second
    late still verifies."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.path = path
        self.done = threading.Event()
        self.write()

    def write(self):
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            f.write(stresslib.emulib.totp(OTP_SECRET) + "\n")
        os.replace(tmp, self.path)

    def run(self):
        while not self.done.wait(1.0):
            self.write()

    def stop(self):
        self.done.set()
        self.join()


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
        full = users[name]["factors"]
        got = [{"factorType": f["factorType"], "profile": f["profile"]} for f in full]
        if want == "keep":
            ok = len(got) == 1 and got[0]["factorType"] == "SMS"
        elif want == "keep-otp":
            ok = len(got) == 1 and got[0]["factorType"] == "OTP"
        elif isinstance(want, dict) and "otp-recovery-replaced" in want:
            ok = len(full) == 1 and full[0]["factorType"] == "OTP" and \
                full[0].get("recoveryCode") not in (None, want["otp-recovery-replaced"])
        elif want is None:
            ok = got == []
        else:
            prof = dict(want["profile"])
            ok = len(got) == 1 and got[0]["factorType"] == want["factorType"] and all(
                got[0]["profile"].get(k) == v for k, v in prof.items())
        if not ok:
            problems.append("%s: factors %s, want %s" % (name, got, want))
    return problems


def harness_number(out, prefix, word):
    """The number before `word` on the harness's line starting with prefix."""
    for line in out.splitlines():
        if line.startswith(prefix):
            words = line.replace(",", "").split()
            if word in words:
                return int(words[words.index(word) - 1])
    return None


def grace_used(state_dir):
    """`used N` of GRACE_USER's grace file (the only one), or None."""
    files = glob.glob(os.path.join(state_dir, "*.grace"))
    if len(files) != 1:
        return None
    with open(files[0]) as f:
        for line in f:
            if line.startswith("used "):
                return int(line.split()[1])
    return None


def issue4_checks(emu, out, logins, grace, verify_state, args):
    """[(ok, description)] of the process-wide issue 4 checks."""
    threads = int(args[args.index("--threads") + 1])
    rss = "--rss" in args
    checks = []

    # the management token is cached per process: one fetch per thread at
    # most (each thread's first miss), not one per login
    fetched = emu.mgmt_token_requests()
    needed = harness_number(out, "management API:", "logins")
    bound = threads + (1 if rss else 0)
    if needed == 0:  # a run too short to have such a login (the planted-race run)
        print("n/a  management token: no login needed it")
    else:
        checks.append((needed is not None and 1 <= fetched <= bound and fetched < needed,
                       "management token fetched %d time(s) for %s logins that needed it "
                       "(at most %d: one per thread)" % (fetched, needed, bound)))

    # `later` from every thread on one user: exactly enroll_grace postponements
    postponed = harness_number(out, "grace:", "postponed")
    refused = harness_number(out, "grace:", "refused")
    not_offered = harness_number(out, "grace:", "not")
    runs = logins["grace-later"]
    want = min(grace, runs)
    used = grace_used(verify_state)
    checks.append((postponed == want and used == want and
                   postponed + refused + not_offered == runs,
                   "grace: %s postponed (grace file: used %s), %s refused, %s not offered "
                   "in %d logins; want exactly %d postponed (enroll_grace = %d)"
                   % (postponed, used, refused, not_offered, runs, want, grace)))

    # the policy decides before any request: no excluded user reached GenAuth
    leaked = [r for r in emu.requests() if "excluded-" in json.dumps(r)]
    if logins["excluded"] == 0:
        print("n/a  excluded users: none in this run")
    else:
        checks.append((not leaked, "excluded users: %d logins, %d requests to GenAuth"
                       % (logins["excluded"], len(leaked))))
    return checks


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
        users = plan["users"] + [{
            "username": OTP_USER, "password": "pw-%s-secret" % OTP_USER,
            "factors": [{"factorType": "OTP", "secret": OTP_SECRET}], "expect": "keep-otp"}]
        expect = {u["username"]: u.pop("expect") for u in users}
        emu.add_users(users)
        # enroll_grace: half the threads, so the burst of `later` logins that
        # every thread starts with (pam_threads --grace-burst) runs out of
        # postponements while other threads are between the menu (offered)
        # and recording theirs (refused then)
        threads = int(args[args.index("--threads") + 1])
        grace = max(1, min(GRACE_MAX, threads // 2, plan["logins"]["grace-later"]))
        code_file = os.path.join(work, "otp-code")
        writer = CodeWriter(code_file)
        writer.start()

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
        verify_state = os.path.join(work, "state-verify")
        conf_verify = os.path.join(work, "pam_genauth-verify.conf")
        fd = os.open(conf_verify, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(pamlib.conf_text({
                "app_id": "emu-app-id", "app_secret": "emu-app-secret",
                "app_host": emu.url, "ca_file": emu.ca_file, "state_dir": verify_state,
                "connect_timeout": 5, "timeout": 20, "max_attempts": 3, "max_sends": 3,
                "on_enrolled": "verify", "mgmt_host": emu.url,
                "userpool_id": "emu-userpool-id", "userpool_secret": "emu-userpool-secret",
                "users": ["*", "!excluded-*"], "enroll_grace": grace}))
        for name, path in (("stress", conf), ("stress-verify", conf_verify)):
            with open(os.path.join(confdir, name), "w") as f:
                # the module's PAM_IGNORE falls through to pam_debug, whose
                # answer (PAM_CRED_INSUFFICIENT) no other outcome can produce
                f.write("auth [success=done ignore=ignore default=die] %s conf=%s debug\n"
                        "auth requisite pam_debug.so auth=cred_insufficient\n"
                        % (pamlib.MODULE, path))
        with open(os.path.join(confdir, "other"), "w") as f:
            f.write("auth required pam_deny.so\n")

        cmd = wrapper + [HARNESS, "--syslog", os.path.join(work, "syslog"),
                         "--verify-service", "stress-verify", "--otp-code-file",
                         code_file] + args + [confdir, "stress"]
        print("running:", " ".join(cmd), flush=True)
        start = time.monotonic()
        try:
            proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, universal_newlines=True,
                                  errors="replace", timeout=1800)
        finally:
            writer.stop()
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

        for ok, what in issue4_checks(emu, proc.stdout, plan["logins"], grace, verify_state,
                                      args):
            print("%s %s" % ("ok  " if ok else "FAIL", what))
            if ok:
                passed += 1
            else:
                failed += 1

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
