"""Catalogue: what the server answers. Every malformed shape, every HTTP
status class, slow and broken connections, and TLS failures, on the calls
where they decide something: signin (the token), list-enrolled-factors
("no factor" must never be inferred from an error), send (never sent twice),
enroll-factor (success only from a clean statusCode 200).

Emulator faults (tests/emulator/README.md) make most shapes; the raw server
(rawserver.py, exact bytes) makes those the emulator cannot: duplicate
keys, bytes that are not UTF-8, trailing data, 1xx/204/3xx, bad chunking.
"""

import json

from hostlib import BIND, FULL, LIST, SEND, SIGNIN, TO_ENROLL, case
from pamlib import (PAM_AUTH_ERR, PAM_AUTHINFO_UNAVAIL, PAM_IGNORE, PAM_PERM_DENIED,
                    PAM_SUCCESS)
from rawserver import envelope

OK = ["alice-pw", "1", "18812345678", "@code"]
RAW_OK = ["alice-pw", "1", "18812345678", "123456"]
UNAVAIL = PAM_AUTHINFO_UNAVAIL
AFTER_LIST = (TO_ENROLL, SEND, BIND)  # a GET may be retried; nothing may follow it
# "never enrolled, never success": a malformed factor entry may be read as
# "has a factor" (PAM_IGNORE; alone in a stack libpam reports
# PAM_PERM_DENIED) or as a bad answer (PAM_AUTHINFO_UNAVAIL)
NOT_ENROLLED = (PAM_AUTHINFO_UNAVAIL, PAM_IGNORE, PAM_PERM_DENIED)
IGNORED = (PAM_IGNORE, PAM_PERM_DENIED)
# the admin line, and the module's own result (its debug line)
SAFE_LOG = ("failmode safe", "-> The return value should be ignored by PAM dispatch")
QUICK = {"connect_timeout": 1, "timeout": 1}


def at(call, reason=""):
    """The admin line: "GenAuth unavailable (REASON) at CALL"."""
    if reason:
        return ("GenAuth unavailable (%s) at %s:" % (reason, call),)
    return ("GenAuth unavailable (", ") at %s:" % call)


def on_list(cid, what, reason="", expect=UNAVAIL, conf=None, max_time=None, **fault):
    """A fault on list-enrolled-factors: never enrollment."""
    return case(id=cid, cat="server", what="list-enrolled-factors: " + what, conf=conf,
                faults=[dict(path=LIST, **fault)], answers=OK, expect=expect,
                log=at("list-enrolled-factors", reason) if expect == UNAVAIL else (),
                no_calls=AFTER_LIST, max_time=max_time)


def list_data(cid, what, data, expect=UNAVAIL, **over):
    over.setdefault("statusCode", 200)
    return on_list(cid, what, expect=expect, kind="error", message="ok", data=data, **over)


def mirrored(status):
    return case(id="server-list-http-%d" % status, cat="server",
                what="list-enrolled-factors: HTTP %d with statusCode %d" % (status, status),
                settings={"http_status_mirrors": True},
                faults=[{"path": LIST, "kind": "error", "statusCode": status,
                         "message": "status %d" % status}],
                answers=OK, expect=UNAVAIL, log=at("list-enrolled-factors"),
                no_calls=AFTER_LIST)


def on_signin(cid, what, reason="", expect=UNAVAIL, conf=None, max_time=None, **fault):
    return case(id=cid, cat="server", what="signin: " + what, conf=conf,
                faults=[dict(path=SIGNIN, **fault)], answers=OK, expect=expect,
                log=at("signin", reason) if expect == UNAVAIL else (),
                calls=[SIGNIN], max_time=max_time)


def token(cid, what, data):
    return on_signin(cid, what, "bad answer", kind="error", statusCode=200, message="ok",
                     data=data)


def sends(n):
    def check(r):
        got = r.paths().count(SEND)
        assert got == n, "%d sends, want %d" % (got, n)
    return check


def on_send(cid, what, reason="", expect=UNAVAIL, answers=None, **fault):
    """A fault on the send: one send only, never a bind."""
    return case(id=cid, cat="server", what="send-enroll-factor-request: " + what,
                faults=[dict(path=SEND, **fault)], answers=answers or OK, expect=expect,
                log=at("send-enroll-factor-request", reason) if expect == UNAVAIL else (),
                calls=[SIGNIN, LIST, TO_ENROLL, SEND])


def on_bind(cid, what, reason="", expect=UNAVAIL, **fault):
    """A fault on enroll-factor: never success, one bind."""
    return case(id=cid, cat="server", what="enroll-factor: " + what,
                faults=[dict(path=BIND, **fault)], answers=OK, expect=expect,
                log=at("enroll-factor", reason) if expect == UNAVAIL else (), calls=FULL)


def raw_case(cid, path, what, reply, expect=UNAVAIL, answers=RAW_OK, **kw):
    return case(id=cid, cat="server", what="raw %s: %s" % (path.rsplit("/", 1)[1], what),
                server="raw", raw={path: reply}, answers=answers, expect=expect, **kw)


def raw_list(cid, what, body=None, expect=UNAVAIL, bug=None, **reply):
    if body is not None:
        reply["body"] = body
    return raw_case(cid, LIST, what, reply, expect=expect, no_calls=AFTER_LIST, bug=bug)


def raw_bind(cid, what, body=None, bug=None, **reply):
    if body is not None:
        reply["body"] = body
    return raw_case(cid, BIND, what, reply, calls=FULL, bug=bug)


def no_cookie(r):
    for h in r.headers():
        assert "cookie" not in h, "a cookie was sent back: %r" % h["cookie"]


def no_forged_line(r):
    assert b"\n<1> forged" not in r.syslog and b"forged\n" not in r.syslog, \
        "a server message started a new log line"


# "call\u202eadmin 18812345678 bob@x.io app not enabled \u2066x" and more
ZH_HOSTILE_MESSAGE = ("\u8bf7\u8054\u7cfb\u202e\u7ba1\u7406\u5458 18812345678 bob@x.io "
                      "\u5e94\u7528\u672a\u5f00\u542f \u2066\ufeff\u2028\u0085x")
# what the zh-CN user reads: the clean Chinese run kept, the others '?'
ZH_SHOWN = ("GenAuth \u672a\u53d1\u9001\u9a8c\u8bc1\u7801\uff1a? 188******78 b***@x.io "
            "\u5e94\u7528\u672a\u5f00\u542f ?x")
FORBIDDEN_SHOWN = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068" \
                  "\u2069\u2028\u2029\ufeff" + "".join(chr(c) for c in range(0x80, 0xa0))


def zh_message_clean(r):
    shown = [line.decode("utf-8") for line in r.shown()]
    assert ZH_SHOWN in shown, "not shown as %r: %r" % (ZH_SHOWN, shown)
    for line in shown:
        bad = [c for c in line if c in FORBIDDEN_SHOWN]
        assert not bad, "forbidden code points shown: %r in %r" % (bad, line)


GOOD_LIST = b'{"statusCode":200,"message":"ok","data":[]}'
SMS_FACTOR = {"factorId": "f1", "factorType": "SMS",
              "profile": {"phoneNumber": "13900001111", "phoneCountryCode": "+86"}}

CASES = [
    # ---- list-enrolled-factors: the answer that decides "no factor" ----
    on_list("server-list-http500", "HTTP 500 with an HTML page", "http error", kind="http500"),
    on_list("server-list-status500", "statusCode 500 in an HTTP 200", "server error",
            kind="status500"),
    on_list("server-list-status-string", 'statusCode "200" (a string)', "bad answer",
            kind="status_string"),
    on_list("server-list-badjson", "not JSON", "bad answer", kind="badjson"),
    on_list("server-list-truncated", "half a JSON body", "bad answer", kind="truncated"),
    on_list("server-list-short", "Content-Length larger than the body sent", kind="short"),
    on_list("server-list-empty", "an empty body", "bad answer", kind="empty"),
    on_list("server-list-data-null", "data null", "bad answer", kind="data_null"),
    on_list("server-list-data-missing", "no data key", "bad answer", kind="data_missing"),
    on_list("server-list-data-object", "data {} instead of an array", "bad answer",
            kind="data_wrong_type"),
    on_list("server-list-huge", "5 MiB of valid JSON", "bad answer", kind="huge"),
    on_list("server-list-deep", "data nested 10000 arrays deep", "bad answer", kind="deep"),
    on_list("server-list-reset", "TCP reset instead of an answer", kind="reset"),
    on_list("server-list-hang", "no answer at all (timeout 1 s)", "timeout", kind="hang",
            conf=QUICK, max_time=1 + 4),
    on_list("server-list-slow", "the answer after 5 s (timeout 1 s)", "timeout", kind="slow",
            seconds=5, conf=QUICK, max_time=1 + 4),
    on_list("server-list-drip", "one byte a second (timeout 2 s)", "timeout", kind="drip",
            conf={"connect_timeout": 1, "timeout": 2}, max_time=2 + 4),
    case(id="server-list-nul", cat="server",
         what="list-enrolled-factors: NUL inside every string of a bound factor",
         user="erin", faults=[{"path": LIST, "kind": "nul_in_string"}],
         answers=["erin-pw", "1", "13900001111", "@code"], expect=NOT_ENROLLED,
         calls=[SIGNIN, LIST]),
    case(id="server-list-extra-fields", cat="server",
         what="unknown keys everywhere (control: accepted)",
         faults=[{"path": "*", "kind": "extra_fields"}], answers=OK, expect=PAM_SUCCESS,
         calls=FULL),
    list_data("server-list-item-type-number", "factorType 123", [{"factorType": 123}],
              expect=NOT_ENROLLED),
    list_data("server-list-item-empty", "an empty factor object", [{}], expect=NOT_ENROLLED),
    list_data("server-list-item-string", 'items are strings ["SMS"]', ["SMS"],
              expect=NOT_ENROLLED),
    list_data("server-list-item-null", "an item that is null", [None], expect=NOT_ENROLLED),
    list_data("server-list-data-wrapped", 'data {"list": []}', {"list": []}),
    list_data("server-list-data-string", 'data "[]" (a string)', "[]"),
    list_data("server-list-status-float", "statusCode 200.0", [], statusCode=200.0),
    list_data("server-list-status-bool", "statusCode true", [], statusCode=True),
    list_data("server-list-status-null", "statusCode null", [], statusCode=None),
    list_data("server-list-status-bignum", "statusCode 2^64 + 200",
              [], statusCode=18446744073709551816),
    list_data("server-list-status-negative", "statusCode -200", [], statusCode=-200),
    list_data("server-list-status-201", "statusCode 201", [], statusCode=201),
    list_data("server-list-status-2000", "statusCode 2000", [], statusCode=2000),
    on_list("server-list-status-missing", "no statusCode, data []", "bad answer",
            kind="error", statusCode=200, data=[], remove=["statusCode"]),
    case(id="server-list-long-message", cat="server",
         what="list-enrolled-factors: statusCode 500 with a 100 KB message, escapes, newlines",
         faults=[{"path": LIST, "kind": "error", "statusCode": 500,
                  "message": "\x1b[31mX\n<1> forged\r" + "M" * 100000}],
         answers=OK, expect=UNAVAIL, log=at("list-enrolled-factors", "server error"),
         calls=[SIGNIN, LIST],
         check=lambda r: [no_forged_line(r)] and _line_lengths(r, 1100)),
    on_list("server-list-message-number", "statusCode 500 with message 42",
            kind="error", statusCode=500, message=42),
] + [mirrored(s) for s in (301, 400, 401, 403, 404, 418, 429, 500, 502, 503, 504)] + [
    # ---- signin: the access token ----
    on_signin("server-signin-http500", "HTTP 500", "http error", kind="http500"),
    on_signin("server-signin-badjson", "not JSON", "bad answer", kind="badjson"),
    on_signin("server-signin-truncated", "half a JSON body", "bad answer", kind="truncated"),
    on_signin("server-signin-status-string", 'statusCode "200" with a good token',
              "bad answer", kind="status_string"),
    on_signin("server-signin-data-null", "data null", "bad answer", kind="data_null"),
    on_signin("server-signin-huge", "5 MiB of valid JSON", "bad answer", kind="huge"),
    on_signin("server-signin-deep", "data nested 10000 deep", "bad answer", kind="deep"),
    on_signin("server-signin-nul", "NUL inside the access token", "bad answer",
              kind="nul_in_string"),
    on_signin("server-signin-reset", "TCP reset", kind="reset"),
    on_signin("server-signin-hang", "no answer (timeout 1 s)", "timeout", kind="hang",
              conf=QUICK, max_time=1 + 4),
    token("server-signin-token-number", "access_token 123", {"access_token": 123}),
    token("server-signin-token-empty", 'access_token ""', {"access_token": ""}),
    token("server-signin-token-crlf", "access_token with CRLF and a header",
          {"access_token": "abc\r\nX-Injected: 1"}),
    token("server-signin-token-space", "access_token with a space", {"access_token": "ab cd"}),
    token("server-signin-token-9k", "access_token of 9000 bytes", {"access_token": "A" * 9000}),
    token("server-signin-token-missing", "data {} (no token)", {}),
    token("server-signin-data-array", "data [] instead of an object", []),
    on_signin("server-signin-app-credentials", "statusCode 401 (client credentials)",
              "app credentials rejected", kind="error", statusCode=401,
              message="invalid client credentials"),
    case(id="server-signin-hostile-message", cat="server",
         what="signin: wrong password answered with escapes and a forged log line",
         faults=[{"path": SIGNIN, "kind": "error", "statusCode": 403, "apiCode": 2333,
                  "message": "\x1b]0;owned\x07\n<1> forged line\n" + "x" * 5000}],
         answers=["alice-pw"], expect=PAM_AUTH_ERR, calls=[SIGNIN], check=no_forged_line),

    # ---- send-enroll-factor-request: never twice ----
    on_send("server-send-http500-sent", "the code went out, the answer is HTTP 500",
            "http error", kind="http500", apply=True),
    on_send("server-send-reset-sent", "the code went out, then a TCP reset",
            kind="reset", apply=True),
    on_send("server-send-short-sent", "the code went out, half the answer arrived",
            kind="short"),
    on_send("server-send-status-string", 'statusCode "200"', "bad answer",
            kind="status_string"),
    on_send("server-send-data-null", "data null", "bad answer", kind="data_null"),
    on_send("server-send-nul", "NUL inside the enrollmentToken", "bad answer",
            kind="nul_in_string"),
    on_send("server-send-token-number", "enrollmentToken 123", "bad answer", kind="error",
            statusCode=200, message="ok", data={"enrollmentToken": 123}),
    on_send("server-send-token-crlf", "enrollmentToken with CRLF", "bad answer",
            kind="error", statusCode=200, message="ok",
            data={"enrollmentToken": "et\r\nX-Injected: 1"}),
    on_send("server-send-token-9k", "enrollmentToken of 9000 bytes", "bad answer",
            kind="error", statusCode=200, message="ok", data={"enrollmentToken": "E" * 9000}),
    case(id="server-send-throttled", cat="server",
         what="send-enroll-factor-request: statusCode 429; the user declines to wait",
         faults=[{"path": SEND, "kind": "throttle429"}],
         answers=["alice-pw", "1", "18812345678", "n"], expect=PAM_AUTH_ERR,
         log="throttled", check=sends(1)),
    case(id="server-send-hostile-message", cat="server",
         what="send-enroll-factor-request: a refusal with escapes and 5 KB of text",
         faults=[{"path": SEND, "kind": "error", "statusCode": 400,
                  "message": "\x1b]0;owned\x07\n<1> forged\n" + "y" * 5000}],
         answers=OK, expect=PAM_AUTH_ERR, check=lambda r: [no_forged_line(r), sends(1)(r)]),
    case(id="server-send-zh-bidi-message", cat="server",
         what="send-enroll-factor-request: a zh-CN refusal with bidi controls, BOM, line "
              "separator, C1, a phone and an email",
         conf={"lang": "zh-CN"},
         faults=[{"path": SEND, "kind": "error", "statusCode": 400,
                  "message": ZH_HOSTILE_MESSAGE}],
         answers=OK, expect=PAM_AUTH_ERR,
         log='message "? 188******78 b***@x.io ? ?x"',
         check=lambda r: [zh_message_clean(r), sends(1)(r)]),

    # ---- enroll-factor: success only from a clean 200 ----
    on_bind("server-bind-status-string", 'statusCode "200" (it did bind)', "bad answer",
            kind="status_string"),
    on_bind("server-bind-http500-bound", "bound, but the answer is HTTP 500", "http error",
            kind="http500", apply=True),
    on_bind("server-bind-reset-bound", "bound, then a TCP reset", kind="reset", apply=True),
    on_bind("server-bind-truncated", "half a JSON body", "bad answer", kind="truncated"),
    on_bind("server-bind-huge", "5 MiB of valid JSON", "bad answer", kind="huge"),
    on_bind("server-bind-deep", "data nested 10000 deep", "bad answer", kind="deep"),
    on_bind("server-bind-status-missing", "no statusCode", "bad answer", kind="error",
            statusCode=200, message="ok", remove=["statusCode"]),
    on_bind("server-bind-status-float", "statusCode 200.0", kind="error",
            statusCode=200.0, message="ok"),
    case(id="server-bind-status-201", cat="server", what="enroll-factor: statusCode 201",
         faults=[{"path": BIND, "kind": "error", "statusCode": 201, "message": "ok"}],
         answers=OK, expect=(UNAVAIL, PAM_AUTH_ERR), calls=FULL),
    case(id="server-bind-data-null", cat="server",
         what="enroll-factor: success with data null (control: a documented variant)",
         settings={"enroll_data_null": True}, answers=OK, expect=PAM_SUCCESS, calls=FULL),

    # ---- TLS and transport ----
    case(id="server-tls-untrusted-ca", cat="server", what="certificate from an unrelated CA",
         conf={"ca_file": "{wrongca}"}, answers=OK, expect=UNAVAIL, log=at("signin", "tls"),
         calls=[]),
    case(id="server-tls-wrong-host", cat="server", what="certificate for wrong.example",
         server="wronghost", answers=OK, expect=UNAVAIL, log=at("signin", "tls"), calls=[]),
    case(id="server-tls-expired", cat="server", what="certificate expired in 2020",
         server="expired", answers=OK, expect=UNAVAIL, log=at("signin", "tls"), calls=[]),
    case(id="server-tls-self-signed", cat="server", what="self-signed certificate",
         server="selfsigned", answers=OK, expect=UNAVAIL, log=at("signin", "tls"), calls=[]),
    case(id="server-refused", cat="server", what="nothing listens on the port",
         server="refused", answers=OK, expect=UNAVAIL,
         log=at("signin", "connection refused")),
    case(id="server-black-hole", cat="server",
         what="TCP accepted, TLS never answered (connect_timeout 1 s, timeout 1 s)",
         server="blackhole", conf=QUICK, answers=OK, expect=UNAVAIL, log=at("signin"),
         max_time=1 + 4),
    case(id="server-safe-list-http500", cat="server",
         what="failmode safe: HTTP 500 on list-enrolled-factors is ignored, never success",
         conf={"failmode": "safe"}, faults=[{"path": LIST, "kind": "http500"}], answers=OK,
         expect=IGNORED, log=SAFE_LOG, calls=[SIGNIN, LIST]),
    case(id="server-safe-tls", cat="server",
         what="failmode safe: an untrusted certificate is ignored, never success",
         conf={"failmode": "safe", "ca_file": "{wrongca}"}, answers=OK, expect=IGNORED,
         log=SAFE_LOG, calls=[]),
    case(id="server-safe-bind-status-string", cat="server",
         what='failmode safe: statusCode "200" on enroll-factor is not success',
         conf={"failmode": "safe"}, faults=[{"path": BIND, "kind": "status_string"}],
         answers=OK, expect=IGNORED, log=SAFE_LOG, calls=FULL),

    # ---- exact bytes from the raw server ----
    raw_list("server-raw-dup-status", 'duplicate statusCode (500, then 200)',
             b'{"statusCode":500,"message":"x","data":[],"statusCode":200}'),
    raw_list("server-raw-dup-data", "duplicate data (a factor, then [])",
             b'{"statusCode":200,"message":"ok","data":' + json.dumps([SMS_FACTOR]).encode()
             + b',"data":[]}'),
    raw_list("server-raw-bom", "a UTF-8 byte order mark first", b"\xef\xbb\xbf" + GOOD_LIST),
    raw_list("server-raw-trailing", "garbage after the JSON", GOOD_LIST + b"xyz"),
    raw_list("server-raw-two-values", "two JSON values", GOOD_LIST + b'{"statusCode":500}'),
    raw_list("server-raw-array", "a JSON array", b"[]"),
    raw_list("server-raw-null", "JSON null", b"null"),
    raw_list("server-raw-string", "a JSON string", b'"ok"'),
    raw_list("server-raw-number", "the number 200", b"200"),
    raw_list("server-raw-comment", "a comment before the object", b"/*x*/" + GOOD_LIST),
    raw_list("server-raw-single-quotes", "single quotes",
             b"{'statusCode':200,'message':'ok','data':[]}"),
    raw_list("server-raw-nan", "statusCode NaN", b'{"statusCode":NaN,"data":[]}'),
    raw_list("server-raw-invalid-utf8", "a message that is not UTF-8",
             b'{"statusCode":200,"message":"\xff\xfe","data":[]}'),
    raw_list("server-raw-control-char", "a raw control character inside a string",
             b'{"statusCode":200,"message":"a\x01b","data":[]}'),
    raw_list("server-raw-204", "HTTP 204 without a body", status=204, body=b""),
    raw_list("server-raw-301", "HTTP 301 to the emulator with a good body",
             GOOD_LIST, status=301, headers=[("Location", "{emu}/api/v3/list-enrolled-factors")]),
    raw_list("server-raw-http500-good-body", "HTTP 500 with statusCode 200 and data []",
             GOOD_LIST, status=500),
    raw_list("server-raw-bad-chunks", "chunked with a bad chunk size",
             b"zz\r\n" + GOOD_LIST + b"\r\n0\r\n\r\n", length=False,
             headers=[("Transfer-Encoding", "chunked")]),
    raw_list("server-raw-http10-cut", "HTTP/1.0 without a length, cut in the middle",
             GOOD_LIST[:20], status=b"HTTP/1.0 200 OK", length=False),
    raw_list("server-raw-status-line", "a status line that is not HTTP",
             GOOD_LIST, status=b"HTTP/1.1 abc OK"),
    raw_list("server-raw-huge-header", "a 200 KB header line",
             GOOD_LIST, headers=[("X-Big", "A" * 200000)]),
    raw_case("server-raw-100-continue", LIST, "100 Continue, then a good answer (control)",
             expect=PAM_SUCCESS, calls=FULL, reply={
             "raw": b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: "
                    b"application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
                    % len(GOOD_LIST) + GOOD_LIST}),
    raw_case("server-raw-cookie", SIGNIN, "Set-Cookie on signin is never sent back",
             {"body": envelope({"access_token": "raw-at-5f0c2a9e7d314b6a", "expire_in": 7200}),
              "headers": [("Set-Cookie", "session=raw-cookie-secret; Path=/")]},
             expect=PAM_SUCCESS, calls=FULL, check=no_cookie),
    raw_case("server-raw-signin-http401", SIGNIN, "HTTP 401 with a good signin body",
             {"status": 401, "body": envelope({"access_token": "raw-at-5f0c2a9e7d314b6a"})},
             expect=(UNAVAIL, PAM_AUTH_ERR), calls=[SIGNIN]),
    raw_case("server-raw-send-dup-token", SEND, "two enrollmentTokens",
             {"body": b'{"statusCode":200,"data":{"enrollmentToken":"raw-et-aaaaaaaa"},'
                      b'"data":{"enrollmentToken":"raw-et-bbbbbbbb"}}'},
             calls=[SIGNIN, LIST, TO_ENROLL, SEND]),
    raw_bind("server-raw-bind-dup-status", "duplicate statusCode (400, then 200)",
             b'{"statusCode":400,"message":"wrong code","apiCode":2001,"statusCode":200}'),
    raw_bind("server-raw-bind-http500", "HTTP 500 with statusCode 200",
             b'{"statusCode":200,"message":"ok"}', status=500),
    raw_bind("server-raw-bind-trailing", "statusCode 200 and garbage",
             b'{"statusCode":200,"message":"ok"}garbage'),
    raw_bind("server-raw-bind-empty-object", "an empty object", b"{}"),
    raw_bind("server-raw-bind-302", "HTTP 302 to the emulator with statusCode 200",
             b'{"statusCode":200,"message":"ok"}', status=302,
             headers=[("Location", "{emu}/api/v3/enroll-factor")]),
]


def _line_lengths(r, limit):
    for line in r.syslog.split(b"\n"):
        assert len(line) <= limit, "a log line of %d bytes" % len(line)
