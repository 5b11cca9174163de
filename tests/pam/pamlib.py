"""Helpers for the end-to-end PAM tests: a running GenAuth emulator, config
files and PAM service files in a private directory, and runs of the real
module through libpam (tests/pam/pam_driver, pam_start_confdir)."""

import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.environ.get("abs_top_srcdir") or os.path.dirname(os.path.dirname(HERE))
BUILD = os.environ.get("abs_top_builddir") or SRC
sys.path.insert(0, os.path.join(SRC, "tests", "emulator"))

import emulib  # noqa: E402

MODULE = os.path.join(BUILD, ".libs", "pam_genauth.so")
# GA_TEST_WRAPPER runs every driver under a tool, e.g. "valgrind -q ...";
# GA_TEST_SLOW scales the time bounds the tests assert (valgrind is slow).
WRAPPER = shlex.split(os.environ.get("GA_TEST_WRAPPER", ""))
SLOW = float(os.environ.get("GA_TEST_SLOW", "1"))
AUTHTOK_MODULE = os.path.join(BUILD, "tests", "pam", ".libs", "pam_test_authtok.so")
DRIVER = os.path.join(BUILD, "tests", "pam", "pam_driver")

# Linux-PAM return codes (security/_pam_types.h)
PAM_SUCCESS = 0
PAM_SERVICE_ERR = 3
PAM_BUF_ERR = 5
PAM_PERM_DENIED = 6
PAM_AUTH_ERR = 7
PAM_AUTHINFO_UNAVAIL = 9
PAM_USER_UNKNOWN = 10
PAM_MAXTRIES = 11
PAM_CONV_ERR = 19
PAM_IGNORE = 25

DEFAULT_USERS = [
    {"username": "alice", "password": "alice-pw", "phone": "18812345678",
     "email": "alice@example.com", "factors": []},
    {"username": "bob", "password": "bob-pw", "email": "bob@example.com", "factors": []},
    {"username": "erin", "password": "erin-pw", "factors": [
        {"factorType": "SMS", "profile": {"phoneNumber": "13900001111",
                                          "phoneCountryCode": "+86"}}]},
]


class Result:
    """What one driver run showed and returned."""

    def __init__(self, proc, syslog_path, elapsed):
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.elapsed = elapsed
        self.lines = proc.stdout.splitlines()
        self.results = [int(m.group(1)) for m in
                        (re.match(r"RESULT pam_authenticate=(\d+)", l) for l in self.lines) if m]
        self.rc = self.results[-1] if self.results else None
        self.prompts = [l for l in self.lines if l.startswith(("ECHO_ON", "ECHO_OFF"))]
        self.infos = [l[6:-1] for l in self.lines if l.startswith("INFO [")]
        self.errors = [l[7:-1] for l in self.lines if l.startswith("ERROR [")]
        try:
            with open(syslog_path, encoding="utf-8", errors="replace") as f:
                self.syslog = f.read()
        except OSError:
            self.syslog = ""

    def __repr__(self):
        return "rc=%s\n--- transcript\n%s\n--- syslog\n%s\n--- stderr\n%s" % (
            self.rc, self.stdout, self.syslog, self.stderr)


class Env:
    """One emulator for a whole test module, shared by its test cases."""
    emu = None
    workdir = None

    @classmethod
    def start(cls):
        if cls.emu is None:
            cls.workdir = tempfile.mkdtemp(prefix="pam_genauth-e2e.")
            cls.emu = emulib.Emulator().start(cls.workdir)
        return cls.emu

    @classmethod
    def stop(cls):
        if cls.emu is not None:
            cls.emu.stop()
            cls.emu = None
        if cls.workdir:
            shutil.rmtree(cls.workdir, ignore_errors=True)
            cls.workdir = None


def conf_text(values):
    out = []
    for key, val in values.items():
        if val is None:
            continue
        if isinstance(val, (list, tuple)):
            out.append('%s = {%s}' % (key, ", ".join('"%s"' % v for v in val)))
        elif isinstance(val, int):
            out.append("%s = %d" % (key, val))
        else:
            out.append('%s = "%s"' % (key, val))
    return "\n".join(out) + "\n"


class PamCase(unittest.TestCase):
    """Base class: a fresh emulator state, config and service dir per test."""

    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.emu = Env.start()

    def setUp(self):
        self.emu.reset()
        self.emu.add_users(DEFAULT_USERS)
        self.dir = tempfile.mkdtemp(prefix="pam_genauth-case.")
        os.chmod(self.dir, 0o700)
        self.confdir = os.path.join(self.dir, "pam.d")
        os.mkdir(self.confdir)
        self.state_dir = os.path.join(self.dir, "state")
        self.syslog = os.path.join(self.dir, "syslog")
        self.config = {
            "app_id": "emu-app-id",
            "app_secret": "emu-app-secret",
            "app_host": self.emu.url,
            "ca_file": self.emu.ca_file,
            "state_dir": self.state_dir,
            "connect_timeout": 2,
            "timeout": 3,
            # the suites were written for the SMS/email menu; without
            # Management API credentials the default would be {"OTP"}
            "factors": ["SMS", "EMAIL"],
        }
        self.conf_path = os.path.join(self.dir, "pam_genauth.conf")
        self.write_config()
        self.stack("auth required {mod} conf={conf}")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    # ---- files ----
    def mgmt_config(self):
        """The config keys of the emulator's Management API credentials."""
        return {"mgmt_host": self.emu.url, "userpool_id": "emu-userpool-id",
                "userpool_secret": "emu-userpool-secret"}

    def write_config(self, text=None, mode=0o600, **overrides):
        values = dict(self.config)
        values.update(overrides)
        if os.path.lexists(self.conf_path):
            os.unlink(self.conf_path)
        fd = os.open(self.conf_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(conf_text(values) if text is None else text)
        os.chmod(self.conf_path, mode)
        return self.conf_path

    def stack(self, *lines, service="genauth-test"):
        """Write a PAM service file; {mod} and {conf} are filled in."""
        with open(os.path.join(self.confdir, service), "w") as f:
            for line in lines:
                f.write(line.format(mod=MODULE, conf=self.conf_path) + "\n")
        with open(os.path.join(self.confdir, "other"), "w") as f:
            f.write("auth required pam_deny.so\n")

    # ---- runs ----
    def login(self, *answers, user="alice", service="genauth-test", authtok=None,
              rhost=None, runs=1, timeout=90, env=None, silent=False):
        cmd = WRAPPER + [DRIVER, "--outbox", os.path.join(self.emu.state_dir, "outbox.jsonl"),
               "--syslog", self.syslog]
        stack_file = os.path.join(self.confdir, service)
        with open(stack_file) as f:
            original = f.read()
        if authtok is not None:  # an earlier module sets PAM_AUTHTOK
            with open(stack_file, "w") as f:
                f.write("auth optional %s %s\n%s" % (AUTHTOK_MODULE, authtok, original))
        if rhost is not None:
            cmd += ["--rhost", rhost]
        if runs != 1:
            cmd += ["--runs", str(runs)]
        if silent:  # pam_authenticate(pamh, PAM_SILENT)
            cmd += ["--silent"]
        cmd += [self.confdir, service, user] + list(answers)
        if os.path.exists(self.syslog):
            os.unlink(self.syslog)
        start = time.monotonic()
        try:
            proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, timeout=timeout * SLOW, env=env,
                                  universal_newlines=True, errors="replace")
        finally:
            with open(stack_file, "w") as f:
                f.write(original)
        res = Result(proc, self.syslog, time.monotonic() - start)
        self.last = res
        return res

    def pending_files(self):
        """Pending enrollments in state_dir (not the per-user send logs)."""
        if not os.path.isdir(self.state_dir):
            return []
        return sorted(n for n in os.listdir(self.state_dir) if n.endswith(".pending"))

    # ---- assertions ----
    def assertRc(self, res, rc):
        self.assertEqual(res.rc, rc, repr(res))

    def calls(self, path=None):
        return [r for r in self.emu.requests() if path is None or r["path"] == path]

    def assertCalls(self, path, n):
        got = self.calls(path)
        self.assertEqual(len(got), n, "%s: %d calls, want %d\n%r" % (path, len(got), n,
                                                                     self.last))

    def assertNoSecrets(self, res, *secrets):
        text = res.stdout + res.syslog + res.stderr
        for s in secrets:
            if s and s not in ("***",):
                self.assertNotIn(s, res.syslog, "secret %r in syslog" % s)
        return text


def main():
    """Run the given test module's cases and print a closing line."""
    loader = unittest.defaultTestLoader
    suite = loader.loadTestsFromModule(sys.modules["__main__"])
    runner = unittest.TextTestRunner(verbosity=2, stream=sys.stdout)
    try:
        result = runner.run(suite)
    finally:
        Env.stop()
    # failures of subtests count per subtest; expected failures and
    # unexpected successes are failures of the suite's bookkeeping
    failed = (len(result.failures) + len(result.errors) + len(result.expectedFailures)
              + len(result.unexpectedSuccesses))
    failed_tests = {id(t) for t, _ in result.failures + result.errors}
    passed = max(0, result.testsRun - len(failed_tests) - len(result.skipped)
                 - len(result.expectedFailures) - len(result.unexpectedSuccesses))
    print("%s: %d passed, %d failed, %d skipped" % (
        os.path.basename(sys.argv[0]).replace(".py", ""), passed, failed,
        len(result.skipped)))
    sys.exit(1 if failed else 0)


# ---------------------------------------------------------------------------
# Issue 4: the exact conversation (pam_driver --transcript) and answers
# computed from it (pam_driver @exec with totp_answer.py).

TOTP_ANSWER = os.path.join(HERE, "totp_answer.py")
PAM_MAX_MSG_SIZE = 512  # Linux-PAM: a message and its NUL


def read_transcript(path):
    """pam_driver's --transcript file as a list of (kind, bytes or None):
    kind is CONV, INFO, ERROR, ECHO_ON, ECHO_OFF, ANSWER or RESULT; the
    bytes are the message (or ECHO_ON answer) exactly as passed; None for
    CONV/RESULT and for answers not shown (***, (null), conversation error),
    whose kind is then ANSWER and the word is kept in a third element."""
    events = []
    try:
        with open(path, "rb") as f:
            raw = f.read().decode("ascii")
    except OSError:
        return events
    for line in raw.splitlines():
        kind, _, rest = line.partition(" ")
        if kind in ("INFO", "ERROR", "ECHO_ON", "ECHO_OFF", "OTHER"):
            events.append((kind, bytes.fromhex(rest), None))
        elif kind == "ANSWER" and rest and not rest.startswith(("*", "(")):
            events.append((kind, bytes.fromhex(rest), None))
        elif kind == "ANSWER":
            events.append((kind, None, rest))
        else:
            events.append((kind, None, rest))
    return events


def exec_answer(emu, *options):
    """A pam_driver answer that runs totp_answer.py on the conversation so
    far against emu's clock: options such as "--wrong", "--steps", "-1",
    "--advance", "61", "--user", "alice"."""
    cmd = ["/usr/bin/python3", TOTP_ANSWER, "--url", emu.url, "--ca", emu.ca_file]
    cmd += [str(o) for o in options]
    return "@exec:" + " ".join(shlex.quote(c) for c in cmd)


def user_lines(text):
    """text split into lines (a message is one or more lines)."""
    return text.split("\n")


class ConvCase(PamCase):
    """PamCase whose runs also record the exact conversation: res.events
    (read_transcript), res.messages [(kind, bytes)] of what the module
    showed, res.shown (all message texts, decoded, joined by newlines)."""

    def tlogin(self, *answers, **kw):
        path = os.path.join(self.dir, "transcript")
        if os.path.exists(path):
            os.unlink(path)
        env = dict(kw.pop("env", None) or os.environ)
        env["PAM_DRIVER_TRANSCRIPT"] = path
        res = self.login(*answers, env=env, **kw)
        res.events = read_transcript(path)
        res.messages = [(k, b) for k, b, _ in res.events
                        if k in ("INFO", "ERROR", "ECHO_ON", "ECHO_OFF", "OTHER")]
        res.shown = "\n".join(b.decode("utf-8", errors="replace") for _, b in res.messages)
        return res

    def totp(self, *options):
        return exec_answer(self.emu, *options)

    def assertMessagesFit(self, res):
        """Every message fits PAM_MAX_MSG_SIZE with its NUL."""
        for kind, data in res.messages:
            self.assertLess(len(data), PAM_MAX_MSG_SIZE,
                            "%s message of %d bytes:\n%r" % (kind, len(data), data[:120]))

    def prompt_before_answer(self, res, answer):
        """The message just before the ECHO_ON answer `answer` (str)."""
        want = answer.encode()
        last = None
        for kind, data, _ in res.events:
            if kind == "ANSWER" and data == want:
                return last
            if kind in ("INFO", "ERROR", "ECHO_ON", "ECHO_OFF"):
                last = (kind, data.decode("utf-8", errors="replace"))
        self.fail("no answer %r in\n%r" % (answer, res))
        return None


# Body fields of the requests the module sends that carry secrets.
SECRET_FIELDS = ("password", "totp", "code", "passCode", "recoveryCode", "accessKeySecret",
                 "client_secret", "enrollmentToken")


def emulator_secrets(emu, min_len=6):
    """Every secret the emulator knows of right now: users' passwords, OTP
    secrets and current recovery codes, the codes in the outbox, and from the
    request log the tokens sent in `authorization` and the secret body fields
    (SECRET_FIELDS, also nested). Strings shorter than min_len are left out
    (too likely to occur by chance). Tests assert none of them is logged."""
    found = set()

    def add(value):
        if isinstance(value, str) and len(value) >= min_len:
            found.add(value)

    def walk(obj):
        if isinstance(obj, dict):
            for key, val in obj.items():
                if key in SECRET_FIELDS:
                    add(val)
                walk(val)
        elif isinstance(obj, list):
            for val in obj:
                walk(val)

    for user in emu.state()["users"]:
        add(user.get("password"))
        for factor in user.get("factors", []):
            add(factor.get("secret"))
            add(factor.get("recoveryCode"))
    for entry in emu.outbox():
        add(entry.get("code"))
        add(entry.get("enrollmentToken"))
    for req in emu.requests():
        auth = req.get("headers", {}).get("authorization")
        for value in auth if isinstance(auth, list) else [auth]:
            if isinstance(value, str):
                add(value.split(" ", 1)[-1])
        walk(req.get("body"))
    return found
