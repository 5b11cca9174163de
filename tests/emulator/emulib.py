"""Helpers for tests that drive the GenAuth emulator (standard library only).

    from emulib import Emulator
    with Emulator() as emu:
        emu.start("/tmp/work")
        emu.add_users([{"username": "alice", "password": "pw"}])
        ... run the module against emu.url with ca_file=emu.ca_file ...
        code = emu.last_code()
"""

import base64
import hashlib
import hmac
import json
import os
import signal
import ssl
import struct
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3"


def totp(secret_b32, at=None, step=30, digits=6):
    """RFC 6238 TOTP (HMAC-SHA1) of a base32 secret at unix time `at` (default now)."""
    at = time.time() if at is None else at
    key = base64.b32decode(secret_b32.upper() + "=" * (-len(secret_b32) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(at // step)), hashlib.sha1).digest()
    off = digest[-1] & 0x0F
    value = (struct.unpack(">I", digest[off:off + 4])[0] & 0x7FFFFFFF) % (10 ** digits)
    return str(value).zfill(digits)


def secret_from_uri(uri):
    """The base32 secret of an otpauth:// URI."""
    query = urllib.parse.urlsplit(uri).query
    return urllib.parse.parse_qs(query)["secret"][0]


def otpauth_params(uri):
    """An otpauth://totp URI as a dict: secret, digits, period, algorithm,
    issuer, label (all percent-decoded; digits/period as int). ValueError if
    it is not a SHA1 otpauth://totp URI with a secret."""
    parts = urllib.parse.urlsplit(uri)
    query = urllib.parse.parse_qs(parts.query)
    if parts.scheme != "otpauth" or parts.netloc != "totp" or "secret" not in query:
        raise ValueError("not an otpauth://totp URI with a secret")
    algorithm = query.get("algorithm", ["SHA1"])[0]
    if algorithm.upper() != "SHA1":
        raise ValueError("algorithm %s is not SHA1" % algorithm)
    return {"secret": query["secret"][0], "digits": int(query.get("digits", ["6"])[0]),
            "period": int(query.get("period", ["30"])[0]), "algorithm": algorithm,
            "issuer": query.get("issuer", [""])[0],
            "label": urllib.parse.unquote(parts.path.lstrip("/"))}


def totp_from_uri(uri, at=None, steps=0):
    """The TOTP an authenticator app shows for otpauth URI `uri` at unix time
    `at` (default now), `steps` periods later (negative: earlier)."""
    p = otpauth_params(uri)
    at = time.time() if at is None else at
    return totp(p["secret"], at + steps * p["period"], p["period"], p["digits"])


class EmulatorError(RuntimeError):
    pass


class Emulator:
    """A running emulator: started here (start) or already running (url + ca_file)."""

    def __init__(self, url=None, ca_file=None, cert="server", users=None, app_id=None,
                 app_secret=None, auth_method=None, quiet=True, extra_args=(), cert_dir=None):
        self.url = url.rstrip("/") if url else None
        self.ca_file = ca_file
        self.cert = cert            # server | wronghost | expired | selfsigned
        self.users_file = users
        self.app_id, self.app_secret, self.auth_method = app_id, app_secret, auth_method
        self.quiet = quiet
        self.extra_args = list(extra_args)
        self.proc = None
        self.port = None
        self.cert_dir = cert_dir    # default: WORKDIR/certs
        self.workdir = self.state_dir = None
        self._log = None

    # ----- process -----
    def start(self, workdir):
        """Make certificates if needed and start the emulator; wait for its port."""
        self.workdir = os.path.abspath(workdir)
        self.cert_dir = os.path.abspath(self.cert_dir or os.path.join(self.workdir, "certs"))
        self.state_dir = os.path.join(self.workdir, "state")
        os.makedirs(self.state_dir, exist_ok=True)
        self.make_certs(self.cert_dir)
        self.ca_file = os.path.join(self.cert_dir, "ca.pem")
        port_file = os.path.join(self.workdir, "emulator.port")
        if os.path.exists(port_file):
            os.unlink(port_file)
        self._log = open(os.path.join(self.workdir, "emulator.log"), "ab")
        self.proc = subprocess.Popen(self.command(port_file), stdin=subprocess.DEVNULL,
                                     stdout=self._log, stderr=self._log)
        self.port = self._wait_port(port_file, 10.0)
        self.url = "https://127.0.0.1:%d" % self.port
        return self

    @staticmethod
    def make_certs(cert_dir):
        res = subprocess.run(["/bin/sh", os.path.join(HERE, "mkcerts.sh"), cert_dir],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if res.returncode != 0:
            raise EmulatorError("mkcerts.sh failed: " + res.stdout.decode(errors="replace"))

    def command(self, port_file):
        cmd = [PYTHON, os.path.join(HERE, "genauth_emulator.py"),
               "--cert", os.path.join(self.cert_dir, self.cert + ".pem"),
               "--key", os.path.join(self.cert_dir, self.cert + ".key"),
               "--state-dir", self.state_dir, "--port-file", port_file]
        for flag, value in (("--users", self.users_file), ("--app-id", self.app_id),
                            ("--app-secret", self.app_secret),
                            ("--auth-method", self.auth_method)):
            if value is not None:
                cmd += [flag, value]
        if self.quiet:
            cmd.append("--quiet")
        return cmd + self.extra_args

    def _wait_port(self, port_file, limit):
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.stop()
                raise EmulatorError("emulator exited with %s; see %s/emulator.log"
                                    % (self.proc.returncode, self.workdir))
            try:
                with open(port_file) as f:
                    text = f.read().strip()
                if text:
                    return int(text)
            except (OSError, ValueError):
                pass
            time.sleep(0.05)
        self.stop()
        raise EmulatorError("emulator did not start within %.0f s" % limit)

    def stop(self):
        """Stop the emulator process (safe to call twice)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    # ----- TLS -----
    def ssl_context(self):
        ctx = ssl.create_default_context(cafile=self.ca_file)
        if self.cert != "server":  # wronghost/expired/selfsigned fail verification
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        return ctx

    # ----- control API -----
    def control(self, method, name, body=None, query=None, timeout=10):
        url = "%s/__emulator/%s" % (self.url, name)
        if query:
            url += "?" + urllib.parse.urlencode(query)
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, context=self.ssl_context(),
                                        timeout=timeout) as resp:
                out = json.loads(resp.read())
        except urllib.error.HTTPError as e:
            detail = e.read().decode(errors="replace")
            raise EmulatorError("control %s %s: HTTP %d %s" % (method, name, e.code, detail))
        if not out.get("ok"):
            raise EmulatorError("control %s %s: %s" % (method, name, out))
        return out

    def reset(self):
        self.control("POST", "reset", {})

    def add_users(self, users):
        return self.control("POST", "users", list(users))["users"]

    def remove_users(self, names):
        return self.control("POST", "users/delete", list(names))["removed"]

    def fault(self, path, kind, count=-1, **kw):
        spec = {"path": path, "kind": kind, "count": count}
        spec.update(kw)
        return self.control("POST", "faults", spec)["faults"]

    def faults(self):
        return self.control("GET", "faults")["faults"]

    def clear_faults(self):
        self.control("POST", "faults/clear", {})

    def advance_clock(self, seconds):
        return self.control("POST", "clock", {"advance": seconds})["offset"]

    def now(self):
        """The emulator's clock (unix time plus the accumulated advance)."""
        return self.control("GET", "clock")["now"]

    def settings(self, **kw):
        return self.control("POST", "settings", kw)["settings"]

    def state(self):
        return self.control("GET", "state")

    def mint_token(self, username):
        return self.control("POST", "token", {"username": username})["access_token"]

    def outbox(self, send_channel=None):
        """Outbox entries; send_channel filters ("CHANNEL_VERIFY_MFA" for codes
        sent by send-sms/send-email, "CHANNEL_BIND_MFA" for enrollment codes)."""
        box = self.control("GET", "outbox")["outbox"]
        if send_channel is not None:
            box = [e for e in box if e.get("sendChannel") == send_channel]
        return box

    def last_code(self, to=None, send_channel=None):
        """The newest code sent (to `to`: "+86 18812345678" or an email as
        given), optionally only of one send channel; None if there is none."""
        for entry in reversed(self.outbox(send_channel)):
            if to is None or entry["to"] == to:
                return entry["code"]
        return None

    def verify_code(self, to=None):
        """The newest CHANNEL_VERIFY_MFA code (send-sms/send-email), or None."""
        return self.last_code(to, "CHANNEL_VERIFY_MFA")

    def user(self, username):
        """The emulator's record of a user: password, factors with the OTP
        secret, recoveryCode, digits, period."""
        return self.control("GET", "user", query={"username": username})["user"]

    def otp_factor(self, username):
        for f in self.user(username)["factors"]:
            if f["factorType"] == "OTP":
                return f
        raise EmulatorError("user %s has no OTP factor" % username)

    def otp_secret(self, username):
        return self.otp_factor(username)["secret"]

    def recovery_code(self, username):
        """The user's current (valid) recovery code."""
        return self.otp_factor(username)["recoveryCode"]

    def current_totp(self, username, steps=0):
        """The user's TOTP now on the emulator clock (`steps` periods later)."""
        f = self.otp_factor(username)
        return totp(f["secret"], self.now() + steps * f["period"], f["period"], f["digits"])

    def totp_from_uri(self, uri, steps=0):
        """The TOTP for an otpauth URI now on the emulator clock."""
        return totp_from_uri(uri, self.now(), steps)

    def mint_mfa_token(self, username, lifetime=None):
        """An mfaToken for the V2 endpoints without signing in (lifetime in
        seconds, default the setting mfa_token_lifetime)."""
        body = {"username": username}
        if lifetime is not None:
            body["lifetime"] = lifetime
        return self.control("POST", "mfa-token", body)["mfaToken"]

    def counts(self):
        """{"counts": {path: n}, "mgmt_token_requests": n, "mgmt_tokens_issued": n}
        since start, reset or clear_counts (faulted requests count too)."""
        out = self.control("GET", "counts")
        out.pop("ok", None)
        return out

    def count(self, path):
        return self.counts()["counts"].get(path, 0)

    def mgmt_token_requests(self):
        """POST /api/v3/get-management-token requests received."""
        return self.counts()["mgmt_token_requests"]

    def clear_counts(self):
        self.control("POST", "counts/clear", {})

    def revoke_mgmt_tokens(self):
        """Invalidate every management token (the next management call is 401)."""
        return self.control("POST", "mgmt/revoke", {})["revoked"]

    def messages(self):
        """Every server message: key -> {"zh-CN": ..., "en-US": ...}."""
        return self.control("GET", "messages")["messages"]

    def requests(self, path=None):
        return self.control("GET", "requests", query={"path": path} if path else None)["requests"]

    def totp(self, secret_b32, at=None, step=30, digits=6):
        """TOTP on the emulator's clock unless `at` is given."""
        return totp(secret_b32, self.now() if at is None else at, step, digits)

    # ----- calling the API like a client -----
    def call(self, method, path, body=None, headers=None, token=None, raw=None,
             timeout=10, app_id=None, prefix="x-authing-"):
        """One API request. Returns (http_status, parsed JSON or None, raw bytes)."""
        hdrs = {prefix + "app-id": app_id if app_id is not None else (self.app_id or "emu-app-id")}
        if body is not None or raw is not None:
            hdrs["Content-Type"] = "application/json"
        if token is not None:
            hdrs["Authorization"] = "Bearer " + token
        hdrs.update(headers or {})
        hdrs = {k: v for k, v in hdrs.items() if v is not None}
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=hdrs)
        try:
            with urllib.request.urlopen(req, context=self.ssl_context(), timeout=timeout) as r:
                status, payload = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, payload = e.code, e.read()
        try:
            parsed = json.loads(payload)
        except (ValueError, RecursionError):
            parsed = None
        return status, parsed, payload

    def mgmt_token(self, pool_id="emu-userpool-id", secret="emu-userpool-secret"):
        """A management token from POST /api/v3/get-management-token (counted)."""
        env = self.call("POST", "/api/v3/get-management-token",
                        {"accessKeyId": pool_id, "accessKeySecret": secret})[1]
        return env["data"]["access_token"]

    def mgmt_call(self, path, query=None, token=None, pool_id="emu-userpool-id", **kw):
        """GET a Management API path with Bearer token and x-authing-userpool-id."""
        if query:
            path += "?" + urllib.parse.urlencode(query)
        headers = {"x-authing-userpool-id": pool_id}
        headers.update(kw.pop("headers", {}))
        return self.call("GET", path, token=token, headers=headers, **kw)

    def signin(self, username, password, **kw):
        """Sign in with client_secret_post; returns the envelope."""
        body = {"connection": "PASSWORD",
                "passwordPayload": {"username": username, "password": password},
                "options": {}, "client_id": self.app_id or "emu-app-id",
                "client_secret": self.app_secret or "emu-app-secret"}
        return self.call("POST", "/api/v3/signin", body, **kw)[1]
