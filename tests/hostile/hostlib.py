"""Machinery of the hostile-input catalogue (tests/hostile/README.md).

One Bench per run: the GenAuth emulator (started once, reset per case), and
on first use the raw HTTPS server, emulators with bad certificates, a
closed port and a black hole. Bench.run(case) runs one catalogue row
through the real PAM stack (tests/pam/pam_driver + the built module, with
tests/pam/pam_test_authtok.so as the "earlier module" for PAM_AUTHTOK) and
returns the list of what went wrong (empty: the case passed).

Besides its own expectations, every case is held to the invariants that no
input may break: the driver did not crash; every line the module logged and
everything it showed is printable ASCII; no password, code, token, app
secret, full phone number or email reached the log or the screen; nothing
was written to stderr; no connection reached the decoy proxy; and when the
case talks to another server, the real one (the emulator) saw nothing.
"""

import base64
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "pam"))
sys.path.insert(0, HERE)

import pamlib  # noqa: E402  (also puts tests/emulator on sys.path)
import rawserver  # noqa: E402
from pamlib import (AUTHTOK_MODULE, BUILD, DEFAULT_USERS, DRIVER, MODULE, SLOW,  # noqa: E402
                    WRAPPER, conf_text, emulib)

# TEST ONLY: sets PAM items a service line cannot carry (pam_hostile_items.c)
ITEMS_MODULE = os.path.join(BUILD, "tests", "hostile", ".libs", "pam_hostile_items.so")
PAM_LINE_SAFE = 800  # libpam cuts service lines at 1024 bytes

from api_paths import BIND, LIST, SEND, SIGNIN, TO_ENROLL  # noqa: E402
FULL = [SIGNIN, LIST, TO_ENROLL, SEND, BIND]
# issue 4: verification of enrolled users, the Management API, V2 verify
from api_paths import (MGMT_TOKEN, SEND_EMAIL, SEND_SMS, TOTP, TRIGGER,  # noqa: E402,F401
                       V2_EMAIL, V2_RECOVERY, V2_SMS, V2_TOTP)
POOL_SECRET = "emu-userpool-secret"
# Management API credentials of the emulator (config keys)
MGMT = {"mgmt_host": "{emu}", "userpool_id": "emu-userpool-id", "userpool_secret": POOL_SECRET}
APP_SECRET = "emu-app-secret"
SHOWN_COLUMNS = 80  # what the user must read fits a terminal (cases.md 9)
# the headings under which the module shows a key or a recovery code (en-US, zh-CN)
SHOWN_ONCE_HEADINGS = ("Or enter this key by hand:", "Enter this key in the app by hand:",
                       "\u8bf7\u5728\u5e94\u7528\u4e2d\u624b\u52a8\u8f93\u5165\u6b64\u5bc6\u94a5\uff1a",
                       "Recovery code:",
                       "\u6216\u624b\u52a8\u8f93\u5165\u6b64\u5bc6\u94a5\uff1a",
                       "\u6062\u590d\u7801\uff1a")
SHOWN_ONCE_TAILS = ("Your new recovery code:", "\u60a8\u7684\u65b0\u6062\u590d\u7801\uff1a")
LEAK_WINDOW = 12  # a key or recovery code logged in part: any 12 characters
SECRET_MIN = 6  # shorter strings are not searched for (too many false hits)

# A catalogue row: these keys and nothing else (README.md explains each).
FIELDS = {
    "id": None, "cat": None, "what": None,
    "conf": None, "conf_text": None, "conf_mode": 0o600, "conf_setup": None,
    "args": "debug", "stack": None,
    "server": "emu", "users": None, "settings": None, "faults": None, "raw": None,
    "user": "alice", "no_user": False, "service": None, "rhost": None, "authtok": None, "env": None, "answers": (),
    "expect": None, "log": (), "nolog": (), "calls": None, "no_calls": (),
    "max_time": None, "check": None, "bug": None,
}
# Module bugs found by the catalogue, still open: rows that show them carry
# bug="Bn" and fail until the module is fixed (the expectation is not
# weakened); test_hostile.py lists each open bug with its failing rows, and
# rows whose bug is gone (remove the mark). B1-B12 were fixed (issue 3 and
# the issue 4 merge), B13-B14 in issue 4; new bugs start at B15.
BUGS = {}

CATEGORIES = ("items", "env", "conv", "server", "config", "secrets")


def case(**kw):
    """One catalogue row, checked for unknown or missing keys."""
    unknown = sorted(set(kw) - set(FIELDS))
    if unknown:
        raise ValueError("case %s: unknown keys %s" % (kw.get("id"), unknown))
    for key in ("id", "cat", "what", "expect"):
        if kw.get(key) is None:
            raise ValueError("case %s: %s is required" % (kw.get("id"), key))
    if kw["cat"] not in CATEGORIES:
        raise ValueError("case %s: unknown category %s" % (kw["id"], kw["cat"]))
    row = dict(FIELDS)
    row.update(kw)
    for key in ("log", "nolog", "no_calls"):
        if isinstance(row[key], str):
            row[key] = (row[key],)
    return row


def as_bytes(v):
    return v if isinstance(v, bytes) else os.fsencode(v)


def printable(data):
    """The first non-printable-ASCII byte of data (bytes), or None."""
    for b in data:
        if b < 0x20 or b > 0x7e:
            return b
    return None


def unsafe_text(data):
    """zh-CN output: the first byte of data that is not valid UTF-8 or
    starts a control, format (bidi) or line-separator character; None if
    the text is safe to show."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return data[e.start]
    for i, ch in enumerate(text):
        if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"):
            return text[i:].encode("utf-8")[0]
    return None


def columns(line):
    """Terminal columns of a line (bytes): wide East Asian characters take 2."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return len(line)
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


QR_UTF8 = set("\u2588\u2580\u2584 ")


def qr_line(line):
    """A line of the OTP QR drawing (ga_qr.c): only block glyphs and spaces
    (qr = utf8) or only '#' and spaces (qr = ascii), at least 20 wide. Such
    lines are exempt from the printable-ASCII and 80-column rules (README:
    "QR aside"); everything else around them is held to both."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if len(text) < 20 or not text.strip():
        return False
    return set(text) <= QR_UTF8 or set(text) <= {"#", " "}


class Run:
    """One case being run: its files, the driver's output, what servers saw."""

    def __init__(self, bench, c):
        self.bench, self.c = bench, c
        self.dir = tempfile.mkdtemp(prefix="case.", dir=bench.workdir)
        self.confdir = os.path.join(self.dir, "pam.d")
        os.mkdir(self.confdir)
        self.state_dir = os.path.join(self.dir, "state")
        self.conf_path = os.path.join(self.dir, "pam_genauth.conf")
        self.syslog_path = os.path.join(self.dir, "syslog")
        self.res = self.proc = None
        self.elapsed = 0.0
        self.requests = []      # of the server the case talks to
        self.emu_requests = []  # of the main emulator
        self.outbox = []

    # ---- helpers for hooks and checks ----
    def paths(self):
        return [r["path"] for r in self.requests]

    def bodies(self, path):
        return [r["body"] for r in self.requests if r["path"] == path]

    def headers(self, path=None):
        return [r["headers"] for r in self.requests if path is None or r["path"] == path]

    def subst(self, v):
        return self.bench.subst(v, self)

    # ---- setup ----
    def write_config(self):
        c = self.c
        values = {"app_id": "emu-app-id", "app_secret": APP_SECRET,
                  "app_host": "{%s}" % c["server"], "ca_file": "{ca}",
                  "state_dir": self.state_dir, "connect_timeout": 2, "timeout": 3,
                  "factors": ["SMS", "EMAIL"]}  # not the default without MGMT
        for key, val in (c["conf"] or {}).items():
            if val is None:
                values.pop(key, None)
            else:
                values[key] = val
        values = {k: self.subst(v) if isinstance(v, str) else v for k, v in values.items()}
        text = c["conf_text"]
        if callable(text):
            text = text(values)
        elif text is None:
            text = conf_text(values)
        data = as_bytes(self.subst(text))
        fd = os.open(self.conf_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(self.conf_path, c["conf_mode"])
        conf = self.conf_path
        if c["conf_setup"]:
            conf = c["conf_setup"](self) or conf
        return conf

    def write_stack(self, conf):
        c = self.c
        lines = [as_bytes(self.subst(line)) for line in
                 (c["stack"] or ["auth required {mod} conf={conf} " + c["args"]])]
        lines = [l.replace(b"{mod}", as_bytes(MODULE)).replace(b"{conf}", as_bytes(conf))
                 for l in lines]
        tok = None if c["authtok"] is None else as_bytes(c["authtok"])
        if tok is not None and len(tok) < PAM_LINE_SAFE and tok and not any(
                ch in tok for ch in b" \t\n\r\v\f\0[]"):
            lines.insert(0, b"auth optional " + as_bytes(AUTHTOK_MODULE) + b" " + tok)
        elif tok is not None:
            path = os.path.join(self.dir, "authtok")
            with open(path, "wb") as f:
                f.write(tok)
            lines.insert(0, b"auth optional " + as_bytes(ITEMS_MODULE) + b" authtok_file="
                         + as_bytes(path))
        if c["no_user"]:
            lines.insert(0, b"auth optional " + as_bytes(ITEMS_MODULE) + b" no_user")
        if c["service"] is not None:  # PAM_SERVICE set by an earlier module
            path = os.path.join(self.dir, "service")
            with open(path, "wb") as f:
                f.write(as_bytes(c["service"]))
            lines.insert(0, b"auth optional " + as_bytes(ITEMS_MODULE) + b" service_file="
                         + as_bytes(path))
        with open(os.path.join(self.confdir, "genauth-test"), "wb") as f:
            f.write(b"\n".join(lines) + b"\n")
        with open(os.path.join(self.confdir, "other"), "w") as f:
            f.write("auth required pam_deny.so\n")

    def environment(self):
        env = dict(os.environ)
        for key, val in (self.c["env"] or {}).items():
            if val is None:
                env.pop(key, None)
            else:
                env[key] = self.subst(val)
        return env

    # ---- the run ----
    def execute(self):
        c = self.c
        conf = self.write_config()
        self.write_stack(conf)
        cmd = WRAPPER + [DRIVER, "--outbox", self.bench.outbox_path,
                         "--syslog", self.syslog_path]
        if c["rhost"] is not None:
            cmd += ["--rhost", c["rhost"]]
        cmd += [self.confdir, "genauth-test", c["user"]]
        cmd += [self.subst(a) for a in c["answers"]]
        cmd = [as_bytes(a) for a in cmd]
        start = time.monotonic()
        try:
            self.proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, timeout=90 * SLOW,
                                       env=self.environment())
        except subprocess.TimeoutExpired:
            self.proc = None
        self.elapsed = time.monotonic() - start
        self.syslog = b""
        if os.path.exists(self.syslog_path):
            with open(self.syslog_path, "rb") as f:
                self.syslog = f.read()
        self.stdout = self.proc.stdout if self.proc else b""
        self.stderr = self.proc.stderr if self.proc else b""
        self.res = pamlib.Result(_Text(self.stdout, self.stderr), self.syslog_path,
                                 self.elapsed)
        self.bench.collect(self)

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    # ---- what the module showed ----
    def shown(self):
        """The module's own text: prompts (without the driver's echo of the
        answer), info and error messages, as bytes."""
        out = []
        for line in self.stdout.split(b"\n"):
            if line.startswith((b"ECHO_ON [", b"ECHO_OFF [")):
                out.append(line.split(b" [", 1)[1].rpartition(b"] -> ")[0])
            elif line.startswith((b"INFO [", b"ERROR [")):
                out.append(line.split(b" [", 1)[1][:-1])
        return out

    def secrets(self):
        """Everything that must never be logged or shown, from what the
        servers saw and sent."""
        found = {APP_SECRET, POOL_SECRET}
        for u in DEFAULT_USERS + list(self.c["users"] or []):
            found.add(u.get("password", ""))
            for f in u.get("factors", []):
                if f.get("factorType") == "OTP":  # the seed and the recovery code
                    found.update((f.get("secret", ""), f.get("recoveryCode", "")))
        for r in self.requests + self.emu_requests:
            auth = r["headers"].get("authorization", "")
            if isinstance(auth, str) and " " in auth:
                kind, _, val = auth.partition(" ")
                found.add(val)
                if kind.lower() == "basic":
                    try:
                        found.update(base64.b64decode(val).decode().split(":", 1))
                    except (ValueError, UnicodeDecodeError):
                        pass
            body = r["body"]
            if isinstance(body, bytes):
                continue  # raw server: secrets are its canned tokens
            if isinstance(body, dict):
                pp = body.get("passwordPayload")
                if isinstance(pp, dict):
                    found.add(str(pp.get("password", "")))
                for key in ("client_secret", "enrollmentToken", "totp", "code", "recoveryCode",
                            "accessKeySecret", "phoneNumber", "phone", "email"):
                    found.add(str(body.get(key, "")))
                ed = body.get("enrollmentData")
                if isinstance(ed, dict):
                    found.add(str(ed.get("passCode", "")))
                prof = body.get("profile")
                if isinstance(prof, dict):
                    found.add(str(prof.get("phoneNumber", "")))
                    found.add(str(prof.get("email", "")))
        for entry in self.outbox:
            found.update(str(entry.get(k, "")) for k in ("code", "enrollmentToken"))
            if "@" in str(entry.get("to", "")):
                found.add(entry["to"])
        if self.c["server"] == "raw":
            found.update((rawserver.ACCESS_TOKEN, rawserver.ENROLLMENT_TOKEN,
                          rawserver.MGMT_TOKEN, rawserver.MFA_TOKEN))
        return sorted(s for s in found if len(s) >= SECRET_MIN and s != self.c["user"])

    def shown_secrets(self):
        """What the module shows on purpose but must never log: the OTP key
        of an enrollment (under "Or enter this key by hand:"), recovery codes
        (under "Recovery code:" and after "Your new recovery code:"), read
        from the transcript, each normalised (no spaces, upper case)."""
        found = []
        for part in self.shown():
            lines = part.decode("utf-8", "replace").split("|")
            for i, line in enumerate(lines):
                head = line.strip()
                if head in SHOWN_ONCE_HEADINGS or head.endswith(SHOWN_ONCE_TAILS):
                    grab = []
                    for nxt in lines[i + 1:]:
                        if not nxt.startswith("  "):
                            break
                        grab.append(nxt.strip())
                    val = "".join(grab).upper().translate({ord(c): None for c in " -="})
                    if len(val) >= 8:
                        found.append(val)
        return found

    # ---- checks ----
    def check(self):
        c, res, bad = self.c, self.res, []
        if self.proc is None:
            return ["the driver did not finish within %d s" % (90 * SLOW)]
        if self.proc.returncode < 0:
            bad.append("the driver died of signal %d" % -self.proc.returncode)
        expect = c["expect"] if isinstance(c["expect"], tuple) else (c["expect"],)
        if res.rc not in expect:
            bad.append("PAM result %s, expected %s" % (res.rc, " or ".join(map(str, expect))))
        for frag in c["log"]:
            if self.subst(frag) not in res.syslog:
                bad.append("log lacks %r" % self.subst(frag))
        shown = b"\n".join(self.shown())
        for frag in c["nolog"]:
            f = self.subst(frag)
            if f in res.syslog or as_bytes(f) in shown:
                bad.append("%r was logged or shown" % f)
        if c["calls"] is not None and self.paths() != list(c["calls"]):
            bad.append("server calls %s, expected %s" % (self.paths(), list(c["calls"])))
        for path in c["no_calls"]:
            if path in self.paths():
                bad.append("%s was called" % path)
        if c["server"] != "emu" and self.emu_requests:
            bad.append("the emulator was contacted: %s" % [r["path"] for r in self.emu_requests])
        if c["max_time"] is not None and self.elapsed > c["max_time"] * SLOW:
            bad.append("took %.1f s, bound %.1f s" % (self.elapsed, c["max_time"] * SLOW))
        bad += self.invariants(shown)
        if c["check"] and not bad:
            try:
                c["check"](self)
            except AssertionError as e:
                bad.append(str(e))
        return bad

    def invariants(self, shown):
        bad = []
        # libpam puts PAM_SERVICE, as set (lower-cased), into the prefix of
        # every pam_syslog line: only the module's own text is judged
        prefix = None
        if self.c["service"] is not None:
            prefix = b"pam_genauth(" + as_bytes(self.c["service"]).lower() + b":auth): "
        for line in self.syslog.split(b"\n"):
            if prefix and prefix in line:
                line = line.split(prefix, 1)[1]
            b = printable(line)
            if b is not None:
                bad.append("log line with byte 0x%02x: %r" % (b, line[:120]))
                break
        zh = (self.c["conf"] or {}).get("lang") == "zh-CN"
        for part in self.shown():
            lines = [l for l in part.split(b"|") if not qr_line(l)]
            b = (unsafe_text if zh else printable)(b"|".join(lines))
            if b is not None:
                bad.append("shown text with byte 0x%02x: %r" % (b, part[:120]))
                break
            wide = [l for l in lines if columns(l) > SHOWN_COLUMNS]
            if wide:
                bad.append("shown line wider than %d columns: %r" % (SHOWN_COLUMNS, wide[0][:120]))
                break
        if not any(l[:3] in (b"<%d>" % p for p in range(7)) and b"pam_genauth(" in l
                   for l in self.syslog.split(b"\n")):
            bad.append("no log line below LOG_DEBUG: the outcome was not logged")
        if self.stderr and not WRAPPER:
            bad.append("stderr: %r" % self.stderr[:200])
        if self.bench.proxy_hits():
            bad.append("a connection reached the decoy proxy")
        for s in self.secrets():
            if as_bytes(s) in self.syslog:
                bad.append("secret %r in the log" % s[:40])
            if as_bytes(s) in shown:
                bad.append("secret %r shown" % s[:40])
        # the OTP key and recovery codes in any grouping or case, or in part
        flat = self.syslog.upper().translate(None, b" -=")
        for s in self.shown_secrets():
            for i in range(0, max(1, len(s) - LEAK_WINDOW + 1)):
                if as_bytes(s[i:i + LEAK_WINDOW]) in flat:
                    bad.append("shown-once secret %r... in the log" % s[:6])
                    break
        return bad

    def report(self):
        return "--- transcript\n%s--- syslog\n%s--- calls %s" % (
            self.stdout.decode(errors="replace")[-3000:],
            self.syslog.decode(errors="replace")[-3000:], self.paths())


class _Text:
    """What pamlib.Result wants from a CompletedProcess: text output."""

    def __init__(self, stdout, stderr):
        self.stdout = stdout.decode("utf-8", "replace")
        self.stderr = stderr.decode("utf-8", "replace")


class Bench:
    """The servers of a whole run."""

    def __init__(self):
        self.workdir = tempfile.mkdtemp(prefix="pam_genauth-hostile.")
        os.chmod(self.workdir, 0o755)  # the nobody-owned cases must reach their files
        self.emu = emulib.Emulator().start(os.path.join(self.workdir, "emu"))
        self.certs = os.path.dirname(self.emu.ca_file)
        self.outbox_path = os.path.join(self.emu.state_dir, "outbox.jsonl")
        self.others = {}
        self.raw = None
        self._refused = None
        self.proxy = self._listener(64)
        self.blackhole = None

    @staticmethod
    def _listener(backlog):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        s.listen(backlog)
        s.setblocking(False)
        return s

    def proxy_hits(self):
        n = 0
        while True:
            try:
                conn, _ = self.proxy.accept()
            except (BlockingIOError, OSError):
                return n
            conn.close()
            n += 1

    def target(self, name):
        """The URL (or value) of a placeholder, starting what it needs."""
        if name == "emu":
            return self.emu.url
        if name == "raw":
            if self.raw is None:
                self.raw = rawserver.RawServer().start(
                    os.path.join(self.certs, "server.pem"),
                    os.path.join(self.certs, "server.key"))
            return self.raw.url
        if name in ("wronghost", "expired", "selfsigned"):
            if name not in self.others:
                other = emulib.Emulator(cert=name, cert_dir=self.certs)
                self.others[name] = other.start(os.path.join(self.workdir, name))
            return self.others[name].url
        if name == "refused":
            if self._refused is None:
                self._refused = rawserver.closed_port()
            return "https://127.0.0.1:%d" % self._refused
        if name == "blackhole":
            if self.blackhole is None:
                self.blackhole = self._listener(0)  # accepts TCP, never speaks TLS
            return "https://127.0.0.1:%d" % self.blackhole.getsockname()[1]
        if name == "localhost":
            return "https://localhost:%d" % self.emu.port
        if name == "port":
            return str(self.emu.port)
        if name == "proxy":
            return "http://127.0.0.1:%d" % self.proxy.getsockname()[1]
        if name == "proxyaddr":
            return "127.0.0.1:%d" % self.proxy.getsockname()[1]
        if name == "certs":
            return self.certs
        if name in ("ca", "wrongca"):
            return os.path.join(self.certs, name + ".pem")
        raise KeyError(name)

    NAMES = ("emu", "raw", "wronghost", "expired", "selfsigned", "refused", "blackhole",
             "localhost", "port", "proxyaddr", "proxy", "certs", "ca", "wrongca")

    def subst(self, v, run):
        """Replace {name} placeholders (only known names: "${" and "{...}"
        lists in config text stay as they are)."""
        is_bytes = isinstance(v, bytes)
        text = v.decode("latin-1") if is_bytes else v
        if "{dir}" in text:
            text = text.replace("{dir}", run.dir)
        if "{state}" in text:
            text = text.replace("{state}", run.state_dir)
        if "{totp}" in text:  # the case user's current TOTP (emulator clock)
            text = text.replace("{totp}", self.emu.current_totp(run.c["user"]))
        for name in self.NAMES:
            if "{%s}" % name in text:
                text = text.replace("{%s}" % name, self.target(name))
        return text.encode("latin-1") if is_bytes else text

    def prepare(self, c, run):
        self.emu.reset()
        self.emu.add_users(DEFAULT_USERS + list(c["users"] or []))
        if c["settings"]:
            self.emu.settings(**c["settings"])
        for f in c["faults"] or []:
            spec = dict(f)
            self.emu.fault(spec.pop("path"), spec.pop("kind"), spec.pop("count", -1), **spec)
        if c["server"] == "raw" or c["raw"] is not None:
            self.target("raw")
            routes = {}
            for path, reply in (c["raw"] or {}).items():
                reply = dict(reply)
                reply["headers"] = [(k, self.subst(v, run)) for k, v in reply.get("headers", [])]
                routes[path] = reply
            self.raw.set_routes(routes)
        if c["server"] in self.others:
            self.others[c["server"]].reset()
        self.proxy_hits()

    def collect(self, run):
        run.emu_requests = self.emu.requests()
        run.outbox = self.emu.outbox()
        server = run.c["server"]
        if server == "emu":
            run.requests = run.emu_requests
        elif server == "raw":
            run.requests = [{"method": r["method"], "path": r["path"], "headers": r["headers"],
                             "body": r["body"]} for r in self.raw.requests()]
        elif server in self.others:
            run.requests = self.others[server].requests()

    def run(self, c):
        """Run one case; returns (Run, [failures])."""
        r = Run(self, c)
        try:
            self.prepare(c, r)
            r.execute()
            return r, r.check()
        except Exception as e:  # a broken case must not stop the catalogue
            return r, ["case error: %r" % e]

    def close(self):
        for other in self.others.values():
            other.stop()
        if self.raw:
            self.raw.stop()
        self.emu.stop()
        for s in (self.proxy, self.blackhole):
            if s:
                s.close()
        subprocess.run(["chmod", "-R", "u+rwX", self.workdir], check=False)
        shutil.rmtree(self.workdir, ignore_errors=True)
