"""Checks shared by the catalogue files: functions of a hostlib.Run that
assert what reached the server (or what was shown), and raw() for exact
conversation bytes."""

import json

from hostlib import APP_SECRET, SEND, SIGNIN

def payload_is(index=0, **want):
    """Check: the index-th signin's passwordPayload has these exact values."""
    def check(r):
        bodies = r.bodies(SIGNIN)
        assert len(bodies) > index, "only %d signin calls" % len(bodies)
        pp = bodies[index].get("passwordPayload", {}) if isinstance(bodies[index], dict) else {}
        for key, val in want.items():
            assert pp.get(key) == val, "signin %d passwordPayload %s = %r, want %r" % (
                index, key, pp.get(key), val)
    return check


def passwords_sent(*want):
    """Check: exactly these passwords were sent to signin, in this order,
    each in a body that is valid JSON."""
    def check(r):
        got = []
        for b in r.bodies(SIGNIN):
            assert isinstance(b, dict), "a signin body is not valid JSON: %r" % (b,)[:80]
            got.append(b.get("passwordPayload", {}).get("password"))
        assert got == list(want), "passwords sent %r, want %r" % (
            [g[:20] + "..." if g and len(g) > 20 else g for g in got], list(want))
    return check


def no_client_ip(r):
    """Check: PAM_RHOST was not sent (no x-real-ip, no options.clientIp) and
    no header other than the module's own appeared."""
    for h in r.headers():
        assert "x-real-ip" not in h, "x-real-ip sent: %r" % h["x-real-ip"]
        assert "x-injected" not in h, "a header was injected"
    for b in r.bodies(SIGNIN):
        assert "clientIp" not in (b.get("options") or {}), "clientIp sent"


def client_ip_is(ip):
    def check(r):
        for h in r.headers():
            assert h.get("x-real-ip") == ip, "x-real-ip %r" % h.get("x-real-ip")
        for b in r.bodies(SIGNIN):
            assert (b.get("options") or {}).get("clientIp") == ip, "clientIp %r" % b
    return check


def told_cancelled(r):
    """Check: the last thing shown is the error "Cancelled." (a login the
    user ended with an empty answer)."""
    assert r.res.errors[-1:] == ["Cancelled."], "errors shown: %r" % r.res.errors


def no_prompts(r):
    assert not r.res.prompts, "prompted: %r" % r.res.prompts


def all_checks(*checks):
    def check(r):
        for c in checks:
            c(r)
    return check


def bodies_are_json(r):
    """Check: every POST body the server got was valid JSON (an object); for
    the raw server, whose log keeps the bytes, valid UTF-8 JSON."""
    for req in r.requests:
        body = req["body"]
        if req["method"] != "POST":
            continue
        if isinstance(body, bytes):
            try:
                body = json.loads(body.decode("utf-8"))
            except UnicodeDecodeError as e:  # the body holds secrets: say where only
                raise AssertionError("%s body is not UTF-8 (byte %d of %d)" % (
                    req["path"], e.start, len(body)))
            except ValueError:
                raise AssertionError("%s body is not JSON" % req["path"])
        assert isinstance(body, dict), "%s body is not JSON: %r" % (req["path"], str(body)[:80])


def raw(text):
    """A conversation answer of exact bytes: @raw:HEX (str is UTF-8 encoded)."""
    return "@raw:" + (text if isinstance(text, bytes) else text.encode()).hex()


def standard_requests(r):
    """Check: what reached the emulator is what alice's login sends in a
    clean environment - headers, signin body, send body - nothing added."""
    for req in r.requests:
        h = req["headers"]
        for name in ("proxy-authorization", "cookie", "x-real-ip"):
            assert name not in h, "%s %s carried %s" % (req["method"], req["path"], name)
        assert h.get("user-agent", "").startswith("pam_genauth/"), "user-agent %r" % h.get(
            "user-agent")
        assert h.get("x-authing-app-id") == "emu-app-id", "app id %r" % h.get("x-authing-app-id")
        assert h.get("x-authing-lang") == "en-US", "lang %r" % h.get("x-authing-lang")
        if req["path"] != SIGNIN:
            assert h.get("authorization", "").startswith("Bearer "), "no Bearer token"
    for body in r.bodies(SIGNIN):
        assert body == {"connection": "PASSWORD", "client_id": "emu-app-id",
                        "client_secret": APP_SECRET,
                        "passwordPayload": {"username": "alice", "password": "alice-pw"}}, \
            "signin body %r" % sorted(body)
    for body in r.bodies(SEND):
        assert body == {"factorType": "SMS", "profile": {"phoneNumber": "18812345678",
                                                         "phoneCountryCode": "+86"}}, \
            "send body %r" % body
