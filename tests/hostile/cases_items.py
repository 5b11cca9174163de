"""Catalogue: PAM items. PAM_USER, PAM_RHOST and PAM_AUTHTOK hold whatever
the calling program or an earlier module put there: none may reach a log
line unsanitised, change a JSON body beyond its own value, add a header, or
name a file outside state_dir. PAM_AUTHTOK is set by
tests/pam/pam_test_authtok.so, an earlier module in the stack."""

import glob
import os

from checks import (all_checks, bodies_are_json, client_ip_is, no_client_ip, no_prompts,
                    passwords_sent, payload_is)
from hostlib import LIST, SIGNIN, case
from pamlib import (PAM_AUTH_ERR, PAM_CONV_ERR, PAM_PERM_DENIED, PAM_SUCCESS,
                    PAM_USER_UNKNOWN)

OK = ["alice-pw", "1", "18812345678", "@code"]
REFUSED_NAME = "refusing a user name"


def bad_user(cid, user, what):
    return case(id=cid, cat="items", what=what, user=user, answers=["alice-pw"],
                expect=PAM_USER_UNKNOWN, log=REFUSED_NAME, calls=[])


def bad_rhost(cid, rhost, what):
    return case(id=cid, cat="items", what=what, rhost=rhost, answers=["wrong-pw"],
                expect=PAM_AUTH_ERR, calls=[SIGNIN], check=no_client_ip,
                log="GenAuth sign-in failed")


def one_state_file_hex(r):
    """The files of a user with a hostile name have hex names inside
    state_dir, and nothing was created next to it."""
    names = os.listdir(r.state_dir)
    assert names and all(n.startswith("x-") for n in names), "state_dir holds %r" % names
    assert any(n.endswith(".pending") for n in names), "no pending file: %r" % names
    outside = sorted(set(os.listdir(r.dir)) - {"pam.d", "state", "pam_genauth.conf", "syslog"})
    assert not outside, "files outside state_dir: %r" % outside
    target = os.path.normpath(os.path.join(r.state_dir, r.c["user"]))
    near = glob.glob(glob.escape(target) + "*")
    assert not near, "the user name was followed as a path: %r" % near


EVIL_USERS = [{"username": "../../../tmp/evil", "password": "evil-pw-123", "factors": []},
              {"username": ".hidden", "password": "hidden-pw-123", "factors": []},
              {"username": "uma", "password": "p\u00e4ssw\u00f6rd-\u00fc", "factors": []}]

CASES = [
    bad_user("items-user-newline", "a\nb", "PAM_USER with a newline (log line forging)"),
    bad_user("items-user-cr", "alice\r", "PAM_USER ending in a carriage return"),
    bad_user("items-user-osc-escape", "\x1b]0;owned\x07alice", "PAM_USER with a terminal escape"),
    bad_user("items-user-tab", "tab\tname", "PAM_USER with a tab"),
    bad_user("items-user-space", "alice smith", "PAM_USER with a space"),
    bad_user("items-user-del", "alice\x7f", "PAM_USER with DEL"),
    bad_user("items-user-utf8", "\u00e5lice", "PAM_USER with non-ASCII UTF-8"),
    bad_user("items-user-invalid-utf8", b"al\xffce", "PAM_USER with a byte that is not UTF-8"),
    bad_user("items-user-256", "u" * 256, "PAM_USER of 256 bytes"),
    bad_user("items-user-64k", "u" * 65536, "PAM_USER of 64 KiB"),
    bad_user("items-user-empty", "", "empty PAM_USER"),
    case(id="items-user-asked-escape", cat="items",
         what="PAM_USER unset: the name typed at libpam's login prompt holds an escape",
         no_user=True, answers=["\x1b[31malice", "alice-pw"], expect=PAM_USER_UNKNOWN,
         log=REFUSED_NAME, calls=[]),
    case(id="items-user-asked-64k", cat="items",
         what="PAM_USER unset: a 64 KiB name typed at libpam's login prompt",
         no_user=True, answers=["@long:65536", "alice-pw"], expect=PAM_USER_UNKNOWN,
         log=REFUSED_NAME, calls=[]),
    case(id="items-user-asked-null", cat="items",
         what="PAM_USER unset: a NULL answer at libpam's login prompt",
         no_user=True, answers=["@null"], expect=PAM_CONV_ERR,
         log="cannot get the user name", calls=[]),
    case(id="items-user-asked-ok", cat="items",
         what="PAM_USER unset: a good name typed at libpam's login prompt (control)",
         no_user=True, answers=["alice"] + OK, expect=PAM_SUCCESS),
    case(id="items-user-255", cat="items", what="PAM_USER of 255 bytes (the longest accepted)",
         user="u" * 255, answers=["alice-pw"], expect=PAM_AUTH_ERR, calls=[SIGNIN],
         check=payload_is(username="u" * 255)),
    case(id="items-user-json", cat="items",
         what="PAM_USER that tries to close the JSON string and add keys",
         user='alice","password":"x","username":"erin', answers=["alice-pw"],
         expect=PAM_AUTH_ERR, calls=[SIGNIN],
         check=payload_is(username='alice","password":"x","username":"erin',
                          password="alice-pw")),
    case(id="items-user-backslash", cat="items", what="PAM_USER with backslashes and \\u0000",
         user='a\\"b\\u0000c', answers=["alice-pw"], expect=PAM_AUTH_ERR, calls=[SIGNIN],
         check=payload_is(username='a\\"b\\u0000c')),
    case(id="items-user-format", cat="items", what="PAM_USER made of printf conversions",
         user="%s%s%n%x%p", answers=["alice-pw"], expect=PAM_AUTH_ERR, calls=[SIGNIN],
         log="user %s%s%n%x%p from -: GenAuth sign-in failed",
         check=payload_is(username="%s%s%n%x%p")),
    case(id="items-user-traversal", cat="items",
         what="PAM_USER with ../ names the state file (a known GenAuth user)",
         user="../../../tmp/evil", users=EVIL_USERS,
         answers=["evil-pw-123", "1", "18812345678", "@conv-err"], expect=PAM_CONV_ERR,
         check=one_state_file_hex),
    case(id="items-user-dotfile", cat="items", what="PAM_USER starting with a dot",
         user=".hidden", users=EVIL_USERS,
         answers=["hidden-pw-123", "1", "18812345678", "@conv-err"], expect=PAM_CONV_ERR,
         check=one_state_file_hex),
    case(id="items-user-login-format", cat="items",
         what="PAM_USER with @ under login_format %u@example.com cannot pick another domain",
         user="alice@evil.example", conf={"login_field": "email", "login_format": "%u@example.com"},
         answers=["alice-pw"], expect=PAM_AUTH_ERR, calls=[SIGNIN],
         check=payload_is(email="alice@evil.example@example.com")),
    case(id="items-user-percent", cat="items", what="PAM_USER %u%u is not expanded again",
         user="%u%u", conf={"login_format": "pre-%u"}, answers=["alice-pw"],
         expect=PAM_AUTH_ERR, calls=[SIGNIN], check=payload_is(username="pre-%u%u")),

    bad_rhost("items-rhost-crlf", "198.51.100.7\r\nX-Injected: 1",
              "PAM_RHOST with CRLF and a header"),
    bad_rhost("items-rhost-quote", 'evil"host', "PAM_RHOST with a quote"),
    bad_rhost("items-rhost-escape", "\x1b[2J198.51.100.7", "PAM_RHOST with a terminal escape"),
    bad_rhost("items-rhost-long", "1" * 4096, "PAM_RHOST of 4 KiB"),
    bad_rhost("items-rhost-format", "%n%n%s%s", "PAM_RHOST made of printf conversions"),
    bad_rhost("items-rhost-trailing-space", "198.51.100.7 ", "PAM_RHOST: an IP and a space"),
    bad_rhost("items-rhost-ipv6-zone", "fe80::1%eth0", "PAM_RHOST: IPv6 with a zone index"),
    bad_rhost("items-rhost-hostname", "attacker.example.com", "PAM_RHOST that is a host name"),
    bad_rhost("items-rhost-empty", "", "empty PAM_RHOST"),
    case(id="items-rhost-ipv4", cat="items", what="PAM_RHOST that is an IPv4 address (sent)",
         rhost="198.51.100.7", answers=["wrong-pw"], expect=PAM_AUTH_ERR, calls=[SIGNIN],
         log="user alice from 198.51.100.7: GenAuth sign-in failed",
         check=client_ip_is("198.51.100.7")),
    case(id="items-rhost-ipv6", cat="items", what="PAM_RHOST that is an IPv6 address (sent)",
         rhost="2001:db8::7", answers=OK, expect=PAM_SUCCESS,
         log="user alice from 2001:db8::7: SMS factor bound", check=client_ip_is("2001:db8::7")),

    case(id="items-authtok-control", cat="items",
         what="PAM_AUTHTOK with an escape sequence: a wrong password, then one prompt",
         authtok=b"pw\x1b[31mred", answers=OK, expect=PAM_SUCCESS),
    case(id="items-authtok-2k", cat="items",
         what="PAM_AUTHTOK of 2000 bytes is never sent; one prompt",
         authtok="A" * 2000, answers=OK, expect=PAM_SUCCESS, check=passwords_sent("alice-pw")),
    case(id="items-authtok-64k", cat="items",
         what="PAM_AUTHTOK of 64 KiB is never sent (not truncated); one prompt",
         authtok="A" * 65536, answers=OK, expect=PAM_SUCCESS, check=passwords_sent("alice-pw")),
    case(id="items-authtok-1025", cat="items",
         what="PAM_AUTHTOK of 1025 bytes is never sent (not truncated); one prompt",
         authtok="C" * 1025, answers=OK, expect=PAM_SUCCESS, check=passwords_sent("alice-pw")),
    case(id="items-authtok-newline", cat="items",
         what="PAM_AUTHTOK with a newline: a wrong password, then one prompt",
         authtok="alice-pw\nX-Injected: 1", answers=OK, expect=PAM_SUCCESS),
    case(id="items-authtok-1024", cat="items",
         what="PAM_AUTHTOK of 1024 bytes (the longest sent) is sent whole",
         authtok="B" * 1024, answers=OK, expect=PAM_SUCCESS,
         check=passwords_sent("B" * 1024, "alice-pw")),
    case(id="items-authtok-invalid-utf8", cat="items",
         what="PAM_AUTHTOK that is not UTF-8 never makes an invalid JSON body",
         server="raw", authtok=b"\xff\xfepw", answers=["alice-pw", "1", "18812345678", "123456"],
         expect=PAM_SUCCESS, check=bodies_are_json),
    case(id="items-authtok-format", cat="items", what="PAM_AUTHTOK made of printf conversions",
         authtok="%s%n%s%n", answers=OK, expect=PAM_SUCCESS,
         check=passwords_sent("%s%n%s%n", "alice-pw")),
    case(id="items-authtok-json", cat="items",
         what="PAM_AUTHTOK that tries to close the JSON string",
         authtok='x","connection":"OTHER', answers=OK, expect=PAM_SUCCESS,
         check=all_checks(passwords_sent('x","connection":"OTHER', "alice-pw"),
                          lambda r: _connection_password(r))),
    case(id="items-authtok-use-first-pass-long", cat="items",
         what="use_first_pass with a 64 KiB PAM_AUTHTOK: refused, not sent, no prompt",
         args="debug use_first_pass", authtok="A" * 65536, expect=PAM_AUTH_ERR, calls=[],
         check=no_prompts),
    case(id="items-authtok-use-first-pass-control", cat="items",
         what="use_first_pass with a control character in PAM_AUTHTOK: a wrong password",
         args="debug use_first_pass", authtok=b"pw\x01\x02", expect=PAM_AUTH_ERR,
         check=no_prompts, no_calls=[LIST]),
    case(id="items-authtok-utf8", cat="items",
         what="PAM_AUTHTOK in UTF-8 that is right: no prompt for it",
         user="uma", users=EVIL_USERS, authtok="p\u00e4ssw\u00f6rd-\u00fc",
         answers=["1", "18812345678", "@code"], expect=PAM_SUCCESS,
         check=passwords_sent("p\u00e4ssw\u00f6rd-\u00fc")),
]


def _connection_password(r):
    for b in r.bodies(SIGNIN):
        assert b.get("connection") == "PASSWORD", "connection %r" % b.get("connection")


# ---- the policy: PAM_SERVICE as the application set it, PAM_USER that
# looks like a pattern. The name is matched against the patterns, never
# used as one; a decision to leave the user out is made before any call.

OUT = "not asked for MFA: "


def service_row(cid, service, what, conf, expect, log=(), calls=None, answers=OK):
    return case(id="items-service-" + cid, cat="items", what="PAM_SERVICE " + what,
                service=service, conf=conf, answers=answers, expect=expect, log=log,
                calls=calls, max_time=2 if calls == [] else None)


def left_out(cid, service, what, conf, reason="service not in services"):
    return service_row(cid, service, what, conf, PAM_PERM_DENIED, log=OUT + reason, calls=[])


def user_row(cid, user, what, conf, expect, log=(), calls=None):
    return case(id="items-policy-" + cid, cat="items", what=what, user=user, conf=conf,
                answers=["wrong-pw"], expect=expect, log=log, calls=calls,
                max_time=2 if calls == [] else None)


CASES += [
    left_out("empty-named", "", "empty, services = {sshd}", {"services": ["sshd"]}),
    service_row("empty-default", "", "empty, services = {*} (in scope)", {}, PAM_SUCCESS,
                log="user alice from -: SMS factor bound"),
    service_row("long-default", "s" * 4096, "of 4 KiB, services = {*}: no name, in scope",
                {}, PAM_SUCCESS, log="SMS factor bound"),
    left_out("long-named", "s" * 4096, "of 4 KiB, services = {s*}: no name, left out",
             {"services": ["s*"]}),
    left_out("257-negated", "s" * 257, "of 257 bytes, services = {*, !cron}: no name, left out",
             {"services": ["*", "!cron"]}),
    service_row("256-named", "s" * 256, "of 256 bytes (the longest matched), services = {s*}",
                {"services": ["s*"]}, PAM_SUCCESS, log="SMS factor bound"),
    left_out("escape", "sshd\x1b[31m", "'sshd' and an ANSI escape, services = {sshd}",
             {"services": ["sshd"]}),
    left_out("control", "ss\x07hd\x01", "with BEL and SOH, services = {sshd}",
             {"services": ["sshd"]}),
    left_out("utf8", "sshd\u00e9", "with non-ASCII, services = {sshd}", {"services": ["sshd"]}),
    left_out("invalid-utf8", b"sshd\xff", "with a byte that is not UTF-8, services = {sshd*}",
             {"services": ["sshd"]}),
    left_out("star", "*", "'*' (a name, not a pattern), services = {sshd}",
             {"services": ["sshd"]}),
    left_out("bracket", "[s]shd", "'[s]shd', services = {sshd}", {"services": ["sshd"]}),
    left_out("format", "%s%n%x", "made of printf conversions, services = {sshd}",
             {"services": ["sshd"]}),
    left_out("bang", "!sshd", "'!sshd', services = {sshd}", {"services": ["sshd"]}),
    service_row("upper", "SSHD", "'SSHD' (libpam lower-cases it), services = {sshd}",
                {"services": ["sshd"]}, PAM_SUCCESS, log="SMS factor bound"),
    service_row("negated-glob", "sshd", "'sshd', services = {*, ![s]shd}: left out",
                {"services": ["*", "![s]shd"]}, PAM_PERM_DENIED,
                log=OUT + "service not in services", calls=[]),
    service_row("noninteractive-tab", "cron\t", "'cron' and a tab, noninteractive_services = "
                "{cron*}: non-interactive, no call", {"noninteractive_services": ["cron*"]},
                PAM_AUTH_ERR, log="noninteractive = deny", calls=[]),
    service_row("noninteractive-near", "cron\x07", "'cron' and BEL is not 'cron' (in scope)",
                {"noninteractive_services": ["cron"]}, PAM_SUCCESS, log="SMS factor bound"),

    user_row("star-bypass", "*", "PAM_USER '*' is not bypass_users {root}",
             {"bypass_users": ["root"]}, PAM_AUTH_ERR, calls=[SIGNIN],
             log="user * from -: GenAuth sign-in failed"),
    user_row("question-bypass", "roo?", "PAM_USER 'roo?' is not bypass_users {root}",
             {"bypass_users": ["root"]}, PAM_AUTH_ERR, calls=[SIGNIN]),
    user_row("bracket-bypass", "[b]reakglass", "PAM_USER '[b]reakglass' is not bypass_users "
             "{breakglass}", {"bypass_users": ["breakglass"]}, PAM_AUTH_ERR, calls=[SIGNIN]),
    user_row("bracket-users", "[", "PAM_USER '[' is not users {alice}",
             {"users": ["alice"]}, PAM_PERM_DENIED, log=OUT + "user not in users", calls=[]),
    user_row("star-users", "*", "PAM_USER '*' is not users {alice, bob}",
             {"users": ["alice", "bob"]}, PAM_PERM_DENIED, log=OUT + "user not in users",
             calls=[]),
    user_row("bang-in-scope", "!root", "PAM_USER '!root' with users {*, !root}: in scope",
             {"users": ["*", "!root"]}, PAM_AUTH_ERR, calls=[SIGNIN]),
    user_row("root-negated", "root", "PAM_USER root with users {*, !root}: left out",
             {"users": ["*", "!root"]}, PAM_PERM_DENIED, log=OUT + "user not in users",
             calls=[]),
    user_row("class-bypass", "breakglass", "bypass_users {break[g]lass} matches breakglass",
             {"bypass_users": ["break[g]lass"]}, PAM_PERM_DENIED,
             log=OUT + "break-glass user", calls=[]),
    user_row("backslash", "ali\\ce", "PAM_USER 'ali\\ce' is not bypass_users {alice}",
             {"bypass_users": ["alice"]}, PAM_AUTH_ERR, calls=[SIGNIN]),
    user_row("dot-star", ".*", "PAM_USER '.*' with users {*, !.*}: left out (fnmatch, no "
             "FNM_PERIOD)", {"users": ["*", "!.*"]}, PAM_PERM_DENIED,
             log=OUT + "user not in users", calls=[]),
    user_row("groups-root-in", "root", "root (known to NSS, group root) with groups {ro?t}: in "
             "scope", {"groups": ["ro?t"]}, PAM_AUTH_ERR, calls=[SIGNIN]),
    user_row("groups-root-negated", "root", "root with groups {*, !root}: a negated group wins",
             {"groups": ["*", "!root"]}, PAM_PERM_DENIED,
             log=OUT + "groups of the user not in groups", calls=[]),
    user_row("groups-unknown", "*", "PAM_USER '*' (unknown to NSS) with groups {*}: no group",
             {"groups": ["*"]}, PAM_PERM_DENIED, log=OUT + "groups of the user not in groups",
             calls=[]),
]
