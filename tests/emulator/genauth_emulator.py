#!/usr/bin/python3
"""GenAuth (Authing) V3 authentication API emulator over real HTTPS.

Standard library only. See README.md in this directory for the command line,
the control API under /__emulator/, the settings and the fault kinds.
"""

import argparse
import copy
import http.server
import json
import os
import secrets
import signal
import socket
import ssl
import struct
import sys
import threading
import time
import urllib.parse

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from emu_core import ApiRequest, Core  # noqa: E402
from emu_messages import all_messages  # noqa: E402
from emu_model import FAULT_KINDS, BadValue  # noqa: E402

MAX_BODY = 64 * 1024            # API request bodies
MAX_CONTROL_BODY = 4 * 1024 * 1024
HUGE_SIZE = 5 * 1024 * 1024
DEEP_LEVELS = 10000
HTML_500 = (b"<html><head><title>500 Internal Server Error</title></head><body>"
            b"<center><h1>500 Internal Server Error</h1></center><hr>"
            b"<center>nginx</center></body></html>\n")


class Response:
    """What to put on the wire."""

    def __init__(self, http_status, body=b"", ctype="application/json; charset=utf-8",
                 mode="normal", delay=0.0, interval=1.0, envelope=None):
        self.http_status = http_status
        self.body = body
        self.ctype = ctype
        self.mode = mode          # normal | drip | short | hang | reset
        self.delay = delay
        self.interval = interval
        self.envelope = envelope  # the dict behind body, if any (for the log)


class BodyError(Exception):
    def __init__(self, status, key):
        super().__init__(key)
        self.status = status
        self.key = key


def dumps(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def env_status(env):
    """statusCode of a V3 envelope, code of a V2 one (None if neither)."""
    if not isinstance(env, dict):
        return None
    return env["statusCode"] if "statusCode" in env else env.get("code")


def http_status_for(env, mirrors):
    code = env_status(env)
    if mirrors and isinstance(code, int) and 100 <= code <= 599 and code >= 300:
        return code
    return 200


# --------------------------------------------------------------------------
# Faults: how they change an answer
# --------------------------------------------------------------------------
def insert_nul(value):
    if isinstance(value, str):
        mid = len(value) // 2
        return value[:mid] + "\u0000" + value[mid:]
    if isinstance(value, list):
        return [insert_nul(v) for v in value]
    if isinstance(value, dict):
        return {k: insert_nul(v) for k, v in value.items()}
    return value


def add_extra_fields(env):
    env["emuUnknownField"] = {"nested": [1, "two", None], "flag": True}
    env["traceId"] = secrets.token_hex(8)
    data = env.get("data")
    items = data if isinstance(data, list) else [data]
    for item in items:
        if isinstance(item, dict):
            item["emuExtra"] = {"ignored": [None, 0.5, "x"]}
            item["unexpected_" + secrets.token_hex(2)] = "value"
    return env


def mangle_envelope(env, fault, v2=False):
    """Apply a fault that modifies a well-formed envelope (in place). On a V2
    envelope (v2) the status is "code", and a statusCode override sets it."""
    kind = fault["kind"]
    status_key = "code" if v2 else "statusCode"
    if kind == "status_string":
        env[status_key] = str(env.get(status_key))
    elif kind == "data_null":
        env["data"] = None
    elif kind == "data_missing":
        env.pop("data", None)
    elif kind == "data_wrong_type":
        env["data"] = {} if isinstance(env.get("data"), list) else "unexpected string"
    elif kind == "extra_fields":
        add_extra_fields(env)
    elif kind == "nul_in_string":
        env["message"] = insert_nul(env.get("message") or "message")
        if "data" in env:
            env["data"] = insert_nul(env["data"])
    elif kind == "huge":
        env["padding"] = "A" * int(fault.get("size", HUGE_SIZE))
    for key in ("statusCode", "code", "apiCode", "message", "data"):
        if key in fault:
            env[status_key if key == "statusCode" else key] = copy.deepcopy(fault[key])
    for key in fault.get("remove", []):
        env.pop(key, None)
    return env


def replacement_envelope(core, req, fault):
    """The envelope of a fault that replaces the answer (None: no envelope)."""
    kind = fault["kind"]
    if kind == "status500":
        return core.envelope(req, 500, "server_error")
    if kind == "throttle429":
        return core.envelope(req, 429, "throttled")
    if kind == "error":
        status = fault.get("statusCode", 400)
        if req.v2:
            status = fault.get("code", status)
        return core.custom(req, {"statusCode": status,
                                 "message": fault.get("message", "error"),
                                 "apiCode": fault.get("apiCode")})
    return None


def fault_response(env, fault, mirrors):
    """Serialize `env` (possibly None) under `fault` into a Response."""
    kind = fault["kind"]
    status = http_status_for(env, mirrors) if env is not None else 200
    seconds = float(fault.get("seconds", 0))
    if kind == "http500":
        return Response(500, HTML_500, "text/html")
    if kind == "badjson":
        return Response(200, b"{not json")
    if kind == "empty":
        return Response(200, b"")
    if kind in ("hang", "reset"):
        return Response(0, mode=kind, delay=seconds)
    if kind == "deep":
        inner = b"[" * DEEP_LEVELS + b"]" * DEEP_LEVELS
        head = dumps({k: v for k, v in env.items() if k != "data"})[:-1]
        return Response(status, head + b',"data":' + inner + b"}", envelope=env)
    body = dumps(env)
    if kind == "truncated":
        return Response(status, body[:len(body) // 2], envelope=env)
    if kind == "short":
        return Response(status, body, mode="short", envelope=env)
    if kind == "slow":
        return Response(status, body, delay=float(fault.get("seconds", 5.0)), envelope=env)
    if kind == "drip":
        return Response(status, body, mode="drip", interval=float(fault.get("seconds", 1.0)),
                        envelope=env)
    return Response(status, body, envelope=env)


# --------------------------------------------------------------------------
# HTTP handler
# --------------------------------------------------------------------------
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # headers and body are two writes: without this each answer waits ~40 ms
    # for a delayed ACK
    disable_nagle_algorithm = True
    server_version = "GenAuthEmulator/1.0"
    timeout = 60  # idle keep-alive connections

    def version_string(self):
        return self.server_version

    # ----- plumbing -----
    def log_message(self, fmt, *args):
        if not self.server.quiet:
            sys.stderr.write("emulator: %s %s\n" % (self.address_string(), fmt % args))

    def handle(self):
        try:
            super().handle()
        except (OSError, ValueError, ssl.SSLError):
            self.close_connection = True

    def do_GET(self):
        self.dispatch()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET

    def header_dict(self):
        out = {}
        for name, value in self.headers.items():
            name = name.lower()
            if name in out:
                prev = out[name]
                out[name] = (prev if isinstance(prev, list) else [prev]) + [value]
            else:
                out[name] = value
        return out

    def first_headers(self):
        out = {}
        for name, value in self.headers.items():
            out.setdefault(name.lower(), value)
        return out

    def read_body(self, limit):
        """Raw body bytes; BodyError for an oversized or unreadable body."""
        if "chunked" in (self.headers.get("transfer-encoding") or "").lower():
            return self.read_chunked(limit)
        length = self.headers.get("content-length")
        if length is None:
            return b""
        length = length.strip()
        if not length.isdigit():
            self.close_connection = True
            raise BodyError(400, "bad_param")
        n = int(length)
        if n > limit:
            self.close_connection = True
            self.discard(n)
            raise BodyError(413, "too_large")
        data = self.rfile.read(n)
        if len(data) != n:
            self.close_connection = True
            raise ConnectionError("client went away")
        return data

    def discard(self, n, cap=16 * 1024 * 1024):
        """Read and drop up to `cap` bytes of an oversized body, so that the client
        sees the 413 answer instead of a reset caused by unread data."""
        n = min(n, cap)
        try:
            self.connection.settimeout(2)
            while n > 0:
                chunk = self.rfile.read(min(n, 65536))
                if not chunk:
                    return
                n -= len(chunk)
        except OSError:
            pass

    def read_chunked(self, limit):
        data = b""
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";")[0].strip(), 16)
            except ValueError:
                self.close_connection = True
                raise BodyError(400, "bad_param") from None
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass
                return data
            if len(data) + size > limit:
                self.close_connection = True
                raise BodyError(413, "too_large")
            data += self.rfile.read(size)
            self.rfile.readline(1024)

    def wait(self, seconds):
        """Sleep, but wake when the server stops. False if it stopped."""
        return not self.server.stopping.wait(seconds)

    # ----- sending -----
    def send(self, resp):
        if resp.delay and resp.mode not in ("hang",):
            if not self.wait(resp.delay):
                self.close_connection = True
                return
        if resp.mode == "reset":
            self.abort_connection()
            return
        if resp.mode == "hang":
            self.hang(resp.delay)
            return
        self.send_response(resp.http_status)
        self.send_header("Content-Type", resp.ctype)
        self.send_header("Content-Length", str(len(resp.body)))
        if resp.mode == "short" or self.close_connection:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command == "HEAD":
            return
        if resp.mode == "drip":
            self.drip(resp.body, resp.interval)
        elif resp.mode == "short":
            self.wfile.write(resp.body[:max(1, len(resp.body) // 2)])
            self.wfile.flush()
        else:
            self.wfile.write(resp.body)

    def drip(self, body, interval):
        for i in range(len(body)):
            self.wfile.write(body[i:i + 1])
            self.wfile.flush()
            if i + 1 < len(body) and not self.wait(interval):
                self.close_connection = True
                return

    def abort_connection(self):
        """Close abruptly: TCP RST, no TLS close_notify, no answer."""
        self.close_connection = True
        try:
            # SSLSocket.close() never sends close_notify; with a zero linger the
            # final close() (when rfile is closed in finish()) sends an RST.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
        except OSError:
            pass

    def hang(self, limit):
        """Answer nothing until the client goes away (or the server stops)."""
        self.close_connection = True
        conn = self.connection
        deadline = time.monotonic() + (limit if limit else 86400)
        conn.settimeout(0.2)
        while time.monotonic() < deadline and not self.server.stopping.is_set():
            try:
                if conn.recv(4096) == b"":
                    return
            except (socket.timeout, ssl.SSLWantReadError):
                continue
            except (OSError, ssl.SSLError, ValueError):
                return

    def send_json(self, http_status, obj):
        self.send(Response(http_status, dumps(obj)))

    # ----- routing -----
    def dispatch(self):
        url = urllib.parse.urlsplit(self.path)
        path = url.path
        if path.startswith("/__emulator/") or path == "/__emulator":
            self.control(path, url.query)
        else:
            self.api(path, url.query)

    # ----- the API -----
    def parse_api_body(self, req):
        """Fill req.body; an error envelope if the body is unusable."""
        core = self.server.core
        try:
            raw = self.read_body(MAX_BODY)
        except BodyError as e:
            req.info["raw_body"] = None
            return core.envelope(req, e.status, e.key, "body" if e.key == "bad_param" else None)
        text = raw.decode("utf-8", errors="replace")
        req.info["raw_body"] = text
        if self.command in ("GET", "HEAD", "DELETE") and not raw:
            return None
        ctype = (self.headers.get("content-type") or "").split(";")[0].strip().lower()
        if not raw:
            req.body = {}
            return None
        try:
            parsed = json.loads(text)
        except (ValueError, RecursionError):
            req.info["parsed"] = False
            return core.envelope(req, 400, "bad_json")
        req.info["parsed"] = True
        req.info["parsed_body"] = parsed
        if ctype != "application/json" and core.get_settings()["strict_content_type"]:
            return core.envelope(req, 400, "bad_content_type")
        if not isinstance(parsed, dict):
            return core.envelope(req, 400, "bad_param", "body must be a JSON object")
        req.body = parsed
        return None

    def api(self, path, query):
        core = self.server.core
        qs = urllib.parse.parse_qs(query, keep_blank_values=True)
        req = ApiRequest(self.command, path, {k: v[0] for k, v in qs.items()},
                         self.first_headers(), None)
        core.prepare(req)
        core.count_request(path)
        try:
            early = self.parse_api_body(req)
        except ConnectionError:
            return
        if req.body is None and self.command not in ("GET", "HEAD", "DELETE"):
            req.body = {}
        try:
            resp, fault = self.answer(req, early)
        except Exception as e:  # a bug in the emulator: say so, keep serving
            sys.stderr.write("genauth_emulator: internal error on %s: %r\n" % (path, e))
            env = core.envelope(req, 500, "server_error")
            resp, fault = Response(500, dumps(env), envelope=env), None
        self.log_api(req, path, query, resp, fault)
        self.send(resp)

    def answer(self, req, early):
        core = self.server.core
        fault = core.take_fault(req.path, core.identify(req))
        if fault:
            return self.faulted_answer(req, early, fault), fault
        if core.route(req) is None:
            env = core.envelope(req, 404, "not_found")
            return Response(404, dumps(env), envelope=env), None
        env = early or core.dispatch(req)
        if env_status(env) == 413:
            return Response(413, dumps(env), envelope=env), None
        mirrors = core.get_settings()["http_status_mirrors"]
        return Response(http_status_for(env, mirrors), dumps(env), envelope=env), None

    def faulted_answer(self, req, early, fault):
        """The answer under a fault. `apply` (default: per kind, FAULT_KINDS) says
        whether the real logic runs first, with its side effects (codes sent,
        factors bound, tokens issued)."""
        core = self.server.core
        kind = fault["kind"]
        real = None
        if fault.get("apply", FAULT_KINDS[kind]):
            if core.route(req) is None:
                real = core.envelope(req, 404, "not_found")
            else:
                real = early or core.dispatch(req)
        if FAULT_KINDS[kind]:       # a kind that distorts the real answer
            env = real if real is not None else core.custom(req, {
                "statusCode": fault.get("statusCode", 500),
                "message": fault.get("message", "Internal server error")})
        else:                       # a kind that replaces it
            env = replacement_envelope(core, req, fault)
        if env is not None:
            env = mangle_envelope(env, fault, req.v2)
        mirrors = core.get_settings()["http_status_mirrors"]
        return fault_response(env, fault, mirrors)

    def log_api(self, req, path, query, resp, fault):
        env = resp.envelope
        if env is None and resp.body and resp.mode not in ("hang", "reset"):
            try:
                env = json.loads(resp.body)
            except ValueError:
                env = None
        record = {
            "time": round(self.server.core.now(), 3),
            "method": self.command, "path": path,
            "query": {k: v[0] for k, v in urllib.parse.parse_qs(
                query, keep_blank_values=True).items()},
            "raw_query": query,
            "headers": self.header_dict(),
            "body": req.info.get("parsed_body") if req.info.get("parsed")
            else req.info.get("raw_body"),
            "status": env_status(env),
            "apiCode": env.get("apiCode") if isinstance(env, dict) else None,
            "http_status": resp.http_status or None,
            "header_prefix": req.info.get("header_prefix"),
            "auth_form": req.info.get("auth_form"),
            "lang": req.lang,
            "fault": fault["kind"] if fault else None,
        }
        self.server.core.log_request(record)

    # ----- the control API -----
    def control(self, path, query):
        try:
            raw = self.read_body(MAX_CONTROL_BODY)
            body = json.loads(raw.decode("utf-8")) if raw.strip() else None
        except BodyError as e:
            return self.send_json(e.status, {"ok": False, "error": e.key})
        except ConnectionError:
            return None
        except (ValueError, RecursionError):
            return self.send_json(400, {"ok": False, "error": "body is not valid JSON"})
        name = path[len("/__emulator/"):].strip("/") if path != "/__emulator" else ""
        handler = CONTROL.get((self.command, name))
        if handler is None:
            return self.send_json(404, {"ok": False, "error": "unknown control call %s %s"
                                        % (self.command, path)})
        try:
            result = handler(self.server.core, body, urllib.parse.parse_qs(query))
        except BadValue as e:
            return self.send_json(400, {"ok": False, "error": str(e)})
        out = {"ok": True}
        out.update(result or {})
        return self.send_json(200, out)


# --------------------------------------------------------------------------
# Control calls: (core, body, query) -> dict merged into {"ok": true}
# --------------------------------------------------------------------------
def _as_list(body, key):
    if isinstance(body, dict) and key in body:
        body = body[key]
    if isinstance(body, dict):
        body = [body]
    if not isinstance(body, list):
        raise BadValue("expected a list (or {\"%s\": [...]})" % key)
    return body


def c_reset(core, body, query):
    core.reset()


def c_users(core, body, query):
    return {"users": core.add_users(_as_list(body, "users"))}


def c_users_delete(core, body, query):
    names = _as_list(body, "usernames")
    if not all(isinstance(n, str) for n in names):
        raise BadValue("usernames must be strings")
    return {"removed": core.remove_users(names)}


def c_faults(core, body, query):
    return {"faults": core.add_faults(_as_list(body, "faults"))}


def c_faults_get(core, body, query):
    return {"faults": core.list_faults()}


def c_faults_clear(core, body, query):
    core.clear_faults()


def c_clock(core, body, query):
    if not isinstance(body, dict) or "advance" not in body:
        raise BadValue("expected {\"advance\": seconds}")
    adv = body["advance"]
    if isinstance(adv, bool) or not isinstance(adv, (int, float)):
        raise BadValue("advance must be a number")
    offset = core.advance(float(adv))
    return {"offset": offset, "now": core.now()}


def c_clock_get(core, body, query):
    return {"offset": core.offset, "now": core.now()}


def c_settings(core, body, query):
    return {"settings": core.update_settings(body if body is not None else {})}


def c_settings_get(core, body, query):
    return {"settings": core.get_settings()}


def c_state(core, body, query):
    return core.snapshot()


def c_outbox(core, body, query):
    return {"outbox": core.read_jsonl("outbox")}


def c_requests(core, body, query):
    entries = core.read_jsonl("requests")
    path = query.get("path", [None])[0]
    if path:
        entries = [e for e in entries if e["path"] == path]
    return {"requests": entries}


def c_token(core, body, query):
    if not isinstance(body, dict) or not isinstance(body.get("username"), str):
        raise BadValue("expected {\"username\": name}")
    return {"access_token": core.mint_token(body["username"])}


def c_user(core, body, query):
    name = query.get("username", [None])[0]
    if not name:
        raise BadValue("expected ?username=NAME")
    return {"user": core.get_user(name)}


def c_mfa_token(core, body, query):
    if not isinstance(body, dict) or not isinstance(body.get("username"), str):
        raise BadValue("expected {\"username\": name, \"lifetime\"?: seconds}")
    life = body.get("lifetime")
    if life is not None and (isinstance(life, bool) or not isinstance(life, (int, float))):
        raise BadValue("lifetime must be a number of seconds")
    return {"mfaToken": core.mint_mfa_token(body["username"], life)}


def c_counts(core, body, query):
    return core.get_counts()


def c_counts_clear(core, body, query):
    core.clear_counts()


def c_mgmt_revoke(core, body, query):
    return {"revoked": core.revoke_mgmt_tokens()}


def c_messages(core, body, query):
    return {"messages": all_messages()}


CONTROL = {
    ("POST", "reset"): c_reset,
    ("POST", "users"): c_users,
    ("POST", "users/delete"): c_users_delete,
    ("POST", "faults"): c_faults,
    ("GET", "faults"): c_faults_get,
    ("DELETE", "faults"): c_faults_clear,
    ("POST", "faults/clear"): c_faults_clear,
    ("DELETE", "faults/clear"): c_faults_clear,
    ("POST", "clock"): c_clock,
    ("GET", "clock"): c_clock_get,
    ("POST", "settings"): c_settings,
    ("GET", "settings"): c_settings_get,
    ("GET", "state"): c_state,
    ("GET", "outbox"): c_outbox,
    ("GET", "requests"): c_requests,
    ("POST", "token"): c_token,
    ("GET", "user"): c_user,
    ("POST", "mfa-token"): c_mfa_token,
    ("GET", "counts"): c_counts,
    ("POST", "counts/clear"): c_counts_clear,
    ("POST", "mgmt/revoke"): c_mgmt_revoke,
    ("GET", "messages"): c_messages,
}


# --------------------------------------------------------------------------
# Server
# --------------------------------------------------------------------------
class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, addr, ssl_ctx, core, quiet, handshake_timeout=5.0):
        self.ssl_ctx = ssl_ctx
        self.core = core
        self.quiet = quiet
        self.handshake_timeout = handshake_timeout
        self.stopping = threading.Event()
        super().__init__(addr, Handler)

    def finish_request(self, request, client_address):
        # The TLS handshake runs here, in the per-connection thread, with a timeout:
        # a client that stalls or fails the handshake blocks nobody else.
        request.settimeout(self.handshake_timeout)
        try:
            tls = self.ssl_ctx.wrap_socket(request, server_side=True)
        except (OSError, ssl.SSLError, ValueError) as e:
            if not self.quiet:
                sys.stderr.write("emulator: TLS handshake failed from %s: %s\n"
                                 % (client_address[0], e))
            return
        try:
            self.RequestHandlerClass(tls, client_address, self)
        except (OSError, ValueError, ssl.SSLError):
            pass
        finally:
            try:
                tls.close()
            except OSError:
                pass

    def handle_error(self, request, client_address):
        if not self.quiet:
            sys.stderr.write("emulator: error serving %s: %s\n"
                             % (client_address[0], sys.exc_info()[1]))


def make_ssl_context(cert, key):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(cert, key)
    return ctx


def write_port_file(path, port):
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.replace(tmp, path)


def parse_args(argv):
    p = argparse.ArgumentParser(description="GenAuth V3 API emulator (HTTPS)")
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--state-dir", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--users", help="JSON file: a list of users (see README)")
    p.add_argument("--app-id")
    p.add_argument("--app-secret")
    p.add_argument("--auth-method",
                   choices=("client_secret_post", "client_secret_basic", "none"))
    p.add_argument("--handshake-timeout", type=float, default=5.0)
    p.add_argument("--quiet", action="store_true")
    p.add_argument("--demo-authenticator", action="store_true",
                   help="demo only: write the current TOTP of OTP users to the outbox")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    settings = {}
    if args.app_id is not None:
        settings["app_id"] = args.app_id
    if args.app_secret is not None:
        settings["app_secret"] = args.app_secret
    if args.auth_method is not None:
        settings["token_endpoint_auth_method"] = args.auth_method
    if args.demo_authenticator:
        settings["demo_authenticator"] = True
    users = []
    if args.users:
        with open(args.users, encoding="utf-8") as f:
            users = json.load(f)
        if isinstance(users, dict):
            users = users.get("users", [])
    os.makedirs(args.state_dir, exist_ok=True)
    try:
        core = Core(args.state_dir, settings, users)
        ctx = make_ssl_context(args.cert, args.key)
    except (BadValue, OSError, ssl.SSLError) as e:
        sys.stderr.write("genauth_emulator: %s\n" % e)
        return 2
    server = Server(("127.0.0.1", args.port), ctx, core, args.quiet, args.handshake_timeout)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                              daemon=True)
    thread.start()
    port = server.server_address[1]
    write_port_file(args.port_file, port)
    if not args.quiet:
        sys.stderr.write("genauth_emulator: listening on https://127.0.0.1:%d\n" % port)
    while not stop.wait(1.0):
        pass
    server.stopping.set()
    server.shutdown()
    server.server_close()
    try:
        os.unlink(args.port_file)
    except OSError:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
