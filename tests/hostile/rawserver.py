"""A tiny HTTPS server that answers with exact bytes, for the answer shapes
the GenAuth emulator cannot produce: duplicate JSON keys, bytes that are not
UTF-8, trailing garbage, non-object JSON, 1xx/204/3xx statuses with a
Location, broken chunking, cookies, raw status lines.

Standard library only. It uses the emulator's test certificates, so the
module trusts it through the same ca_file. Every path answers a canned,
well-formed GenAuth answer unless a case replaces it (set_routes); each
request is recorded (method, path, lower-case headers, body bytes).
"""

import json
import os
import socket
import socketserver
import ssl
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "emulator"))

HEAD_MAX = 64 * 1024
BODY_MAX = 1024 * 1024

from api_paths import (BIND, LIST, SEND, SEND_EMAIL, SEND_SMS, SIGNIN,  # noqa: E402
                       TO_ENROLL, TOTP, TRIGGER, V2_EMAIL, V2_RECOVERY, V2_SMS, V2_TOTP)
from api_paths import MGMT_TOKEN as MGMT_TOKEN_PATH  # noqa: E402 (MGMT_TOKEN: a token)

ACCESS_TOKEN = "raw-at-5f0c2a9e7d314b6a"
ENROLLMENT_TOKEN = "raw-et-8b41d07c52e9a613"
MGMT_TOKEN = "raw-mt-3c9e1f70a4d26b58"
MFA_TOKEN = "raw-mfa-6d2a0b9c81f4e357"
OTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
OTP_URI = ("otpauth://totp/raw-pool:alice?secret=" + OTP_SECRET +
           "&period=30&digits=6&algorithm=SHA1&issuer=raw-pool")
RECOVERY = "rawr-ecov-ery0-code-1234-5678"


def envelope(data=None, status=200, message="ok", has_data=True):
    env = {"statusCode": status, "message": message, "requestId": "raw-req"}
    if has_data:
        env["data"] = data
    return json.dumps(env).encode()


def v2(data=None, code=200, message="ok", has_data=True):
    """The V2 envelope: code instead of statusCode, no requestId."""
    env = {"code": code, "message": message}
    if has_data:
        env["data"] = data
    return json.dumps(env).encode()


TRIGGER_DATA = {"mfaToken": MFA_TOKEN, "nickname": "alice",
                "applicationMfa": [{"mfaPolicy": "SMS", "status": 1, "sort": 1},
                                   {"mfaPolicy": "EMAIL", "status": 1, "sort": 2}],
                "totpMfaEnabled": False, "faceMfaEnabled": False,
                "mfaPhone": "18812345678", "mfaPhoneCountryCode": "+86",
                "mfaEmail": "alice@example.com"}


DEFAULT_ROUTES = {
    SIGNIN: {"body": envelope({"access_token": ACCESS_TOKEN, "token_type": "Bearer",
                               "expire_in": 7200})},
    LIST: {"body": envelope([])},
    TO_ENROLL: {"body": envelope([{"factorType": "SMS"}, {"factorType": "EMAIL"}])},
    SEND: {"body": envelope({"enrollmentToken": ENROLLMENT_TOKEN})},
    BIND: {"body": envelope(has_data=False)},
    TOTP: {"body": envelope({"verified": True})},
    MGMT_TOKEN_PATH: {"body": envelope({"access_token": MGMT_TOKEN, "expires_in": 7200})},
    TRIGGER: {"body": envelope(TRIGGER_DATA)},
    SEND_SMS: {"body": envelope(has_data=False, message="sent")},
    SEND_EMAIL: {"body": envelope(has_data=False, message="sent")},
    V2_SMS: {"body": v2({"token": "raw-v2-token"})},
    V2_EMAIL: {"body": v2({"token": "raw-v2-token"})},
    V2_TOTP: {"body": v2({"token": "raw-v2-token"})},
    V2_RECOVERY: {"body": v2({"token": "raw-v2-token", "recoveryCode": "raws-new0-reco-very-9876"})},
}


def render(reply):
    """The bytes of one reply. reply: {"raw": bytes} sent as is, or
    {"status": 200 | b"HTTP/1.1 ...", "headers": [(name, value)], "body": bytes,
     "length": False (no Content-Length), "type": content type}."""
    if "raw" in reply:
        return reply["raw"]
    status = reply.get("status", 200)
    line = status if isinstance(status, bytes) else b"HTTP/1.1 %d X" % status
    body = reply.get("body", b"")
    head = [line]
    if reply.get("type", "application/json"):
        head.append(b"Content-Type: " + reply.get("type", "application/json").encode())
    if reply.get("length", True):
        head.append(b"Content-Length: %d" % len(body))
    for name, value in reply.get("headers", []):
        head.append(name.encode() + b": " + value.encode())
    head.append(b"Connection: close")
    return b"\r\n".join(head) + b"\r\n\r\n" + body


class _Handler(socketserver.BaseRequestHandler):

    def handle(self):
        raw = self.server.owner
        try:
            conn = raw.ctx.wrap_socket(self.request, server_side=True)
        except (OSError, ssl.SSLError):
            return  # a client that refused our certificate
        try:
            conn.settimeout(10)
            req = self.read_request(conn)
            if req is None:
                return
            raw.record(req)
            conn.sendall(render(raw.route(req["path"])))
            try:
                conn.unwrap()
            except (OSError, ssl.SSLError):
                pass
        except (OSError, ssl.SSLError, ValueError):
            pass
        finally:
            conn.close()

    @staticmethod
    def read_request(conn):
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(4096)
            if not chunk or len(data) > HEAD_MAX:
                return None
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, path = lines[0].split(" ")[:2]
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        if headers.get("expect", "").lower() == "100-continue":
            conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        while len(body) < min(length, BODY_MAX):
            chunk = conn.recv(65536)
            if not chunk:
                break
            body += chunk
        return {"method": method, "path": path.split("?")[0], "headers": headers,
                "body": body}


class RawServer:
    """start(cert, key) -> self; url; set_routes({path: reply}); requests()."""

    def __init__(self):
        self.ctx = None
        self.server = None
        self.url = None
        self.lock = threading.Lock()
        self._routes = dict(DEFAULT_ROUTES)
        self._requests = []

    def start(self, cert, key):
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(cert, key)
        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.owner = self
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = "https://127.0.0.1:%d" % self.server.server_address[1]
        return self

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def set_routes(self, overrides=None):
        """Canned answers, with overrides {path: reply} for this case."""
        with self.lock:
            self._routes = dict(DEFAULT_ROUTES)
            self._routes.update(overrides or {})
            self._requests = []

    def route(self, path):
        with self.lock:
            return self._routes.get(path, {"status": 404, "body": envelope(
                status=404, message="Not Found", has_data=False)})

    def record(self, req):
        with self.lock:
            self._requests.append(req)

    def requests(self):
        with self.lock:
            return list(self._requests)


def closed_port():
    """A local port nobody listens on (for "connection refused")."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port
