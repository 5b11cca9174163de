"""Catalogue: the config file and the module arguments. Permissions, owner,
symlinks, file type, size, NUL bytes, unknown and repeated keys, a bad value
in every key, ${...} (libconfuse would expand the caller's environment),
missing and empty files, and a key order that must not change the result.
The issue 4 keys likewise (userpool_secret is protected like app_secret),
and the policy: users out of scope stop before any network call or
state_dir access (PAM_IGNORE alone in a stack shows as PAM_PERM_DENIED).

Every refusal is PAM_SERVICE_ERR with one log line naming the file (or
argument) and the reason, no network call, and the app secret never logged.
Most rows also set failmode = "safe": a config error is never turned into
PAM_IGNORE."""

import os

from hostlib import FULL, case
from pamlib import (PAM_AUTH_ERR, PAM_AUTHINFO_UNAVAIL, PAM_PERM_DENIED, PAM_SERVICE_ERR,
                    PAM_SUCCESS, conf_text)

OK = ["alice-pw", "1", "18812345678", "@code"]
SAFE = {"failmode": "safe"}
NOBODY = 65534


def refused(cid, what, log, conf=None, safe=True, **kw):
    """A config or argument the module must refuse."""
    values = dict(SAFE if safe else {})
    values.update(conf or {})
    kw.setdefault("nolog", ("emu-app-secret",))
    return case(id=cid, cat="config", what=what, conf=values, answers=OK,
                expect=PAM_SERVICE_ERR, log=log, calls=[], **kw)


def bad(key, value, cid_tail, what=None):
    """A bad value for key: the log line names the key."""
    return refused("config-%s-%s" % (key.replace("_", "-"), cid_tail),
                   what or "%s = %r" % (key, value), "%s: " % key,
                   conf={key: value}, safe=key != "failmode")


def with_lines(*lines, drop=()):
    """Config text: the usual keys without `drop`, then raw lines."""
    def text(values):
        kept = {k: v for k, v in values.items() if k not in drop}
        return conf_text(kept) + "".join(l + "\n" for l in lines)
    return text


def ordered(keys_first, *extra):
    """Config text with some keys first (in that order), raw lines last."""
    def text(values):
        first = {k: values[k] for k in keys_first if k in values}
        rest = {k: v for k, v in values.items() if k not in first}
        return conf_text(first) + conf_text(rest) + "".join(l + "\n" for l in extra)
    return text


def reversed_text(values):
    return "".join(reversed(conf_text(values).splitlines(True)))


def padded_to(size):
    def text(values):
        body = conf_text(values)
        return body + "#" * (size - len(body) - 1) + "\n"
    return text


def chown(uid, gid=0):
    def setup(r):
        os.chown(r.conf_path, uid, gid)
    return setup


def symlinked(r):
    link = r.conf_path + ".link"
    os.symlink(r.conf_path, link)
    return link


def replaced_by(kind):
    def setup(r):
        os.unlink(r.conf_path)
        if kind == "fifo":
            os.mkfifo(r.conf_path, 0o600)
        elif kind == "dir":
            os.mkdir(r.conf_path, 0o700)
        return r.conf_path
    return setup


def sparse(r):
    with open(r.conf_path, "r+b") as f:
        f.truncate(1 << 30)


def big(r):
    with open(r.conf_path, "ab") as f:
        f.write(b"#" * (5 << 20))


def writable_ca(r):
    """ca_file: a copy of the CA that group and others may write."""
    path = os.path.join(r.dir, "ca-copy.pem")
    with open(r.subst("{ca}"), "rb") as src, open(path, "wb") as dst:
        dst.write(src.read())
    os.chmod(path, 0o666)


def state_dir_as(kind):
    def setup(r):
        if kind == "file":
            open(r.state_dir, "w").close()
        else:
            os.mkdir(r.state_dir)
            os.chmod(r.state_dir, 0o777 if kind == "world" else 0o700)
            if kind == "nobody":
                os.chown(r.state_dir, NOBODY, NOBODY)
    return setup


def app_id_header(value):
    def check(r):
        got = [h.get("x-authing-app-id") for h in r.headers()]
        assert got and all(g == value for g in got), "x-authing-app-id sent: %r" % got
    return check


CASES = [
    # ---- the file: mode, owner, type, size ----
    refused("config-mode-0644", "mode 0644", "by group or others",
            conf_mode=0o644),
    refused("config-mode-0640", "mode 0640", "by group or others",
            conf_mode=0o640),
    refused("config-mode-0604", "mode 0604", "by group or others",
            conf_mode=0o604),
    refused("config-mode-0620", "mode 0620 (group may write)", "by group or others",
            conf_mode=0o620),
    refused("config-mode-0602", "mode 0602 (others may write)", "by group or others",
            conf_mode=0o602),
    refused("config-mode-0666", "mode 0666", "by group or others", conf_mode=0o666),
    refused("config-mode-0610", "mode 0610 (README: no group or other permissions)",
            "pam_genauth.conf", conf_mode=0o610),
    refused("config-mode-0601", "mode 0601 (README: no group or other permissions)",
            "pam_genauth.conf", conf_mode=0o601),
    case(id="config-mode-0400", cat="config", what="mode 0400 (control)", conf_mode=0o400,
         answers=OK, expect=PAM_SUCCESS, calls=FULL),
    refused("config-owner-nobody", "owned by another user", "is not owned by root",
            conf_setup=chown(NOBODY, NOBODY)),
    case(id="config-group-nobody", cat="config",
         what="owned by root, group nobody, mode 0600 (control)", conf_setup=chown(0, NOBODY),
         answers=OK, expect=PAM_SUCCESS, calls=FULL),
    refused("config-symlink", "a symlink to a good config", "is a symlink",
            conf_setup=symlinked),
    refused("config-fifo", "a FIFO nobody writes to (must not hang)", "is not a regular file",
            conf_setup=replaced_by("fifo"), max_time=5),
    refused("config-directory", "a directory", "is not a regular file",
            conf_setup=replaced_by("dir")),
    refused("config-dev-zero", "/dev/zero", "is not a regular file",
            conf_setup=lambda r: "/dev/zero", max_time=5),
    refused("config-missing", "no such file", "does not exist",
            conf_setup=lambda r: r.conf_path + ".missing"),
    refused("config-parent-file", "a path below a regular file", "does not exist",
            conf_setup=lambda r: r.conf_path + "/x"),
    refused("config-size-64k-plus-1", "65537 bytes", "is larger than 65536 bytes",
            conf_text=padded_to(65537)),
    case(id="config-size-64k", cat="config", what="exactly 65536 bytes (control)",
         conf_text=padded_to(65536), answers=OK, expect=PAM_SUCCESS, calls=FULL),
    refused("config-size-5m", "5 MiB", "is larger than", conf_setup=big),
    refused("config-sparse-1g", "a sparse 1 GiB file (must be quick)", "is larger than",
            conf_setup=sparse, max_time=5),
    refused("config-nul-byte", "a NUL byte in a comment", "contains a NUL byte",
            conf_text=with_lines("# a\x00b")),
    refused("config-empty", "an empty file", "app_id: is required", conf_text=""),
    refused("config-comments-only", "comments and blank lines only", "app_id: is required",
            conf_text="# nothing here\n\n   \n\t\n", safe=False),

    # ---- keys ----
    refused("config-unknown-key", 'fail_mode = "safe" (a typo)', "fail_mode",
            conf_text=with_lines('fail_mode = "safe"')),
    refused("config-unknown-key-first", "an unknown key on the first line", "unknown key",
            conf_text=lambda v: 'debug = true\n' + conf_text(v)),
    refused("config-section", "a section", "pam_genauth.conf",
            conf_text=with_lines('server {\n  host = "evil"\n}')),
    refused("config-include", 'include("/etc/passwd")', "pam_genauth.conf",
            conf_text=with_lines('include("/etc/passwd")'), nolog=("root:x:0", "emu-app-secret")),
    refused("config-repeated-host", "app_host twice (the second to the decoy proxy)",
            "is set more than once", conf_text=with_lines('app_host = "{proxy}"')),
    refused("config-repeated-failmode", 'failmode "secure" then "safe"', "is set more than once",
            safe=False, conf_text=with_lines('failmode = "secure"', 'failmode = "safe"')),
    refused("config-repeated-factors", "factors twice", "is set more than once",
            conf_text=with_lines('factors = {"SMS"}', 'factors = {"EMAIL"}')),

    # ---- ${...} and escapes ----
    refused("config-env-host", 'app_host = "${GENAUTH_HOST}" (set to the decoy)', "${",
            conf={"app_host": "${GENAUTH_HOST}"}, env={"GENAUTH_HOST": "{proxy}"}),
    refused("config-env-secret", 'app_secret = "${SECRET}"', "${",
            conf={"app_secret": "${SECRET}"}, env={"SECRET": "emu-app-secret"}),
    refused("config-env-comment", "${HOME} in a comment", "${",
            conf_text=with_lines("# see ${HOME}")),
    refused("config-env-unquoted", "app_id = ${USER} (unquoted)", "${",
            conf_text=with_lines("app_id = ${USER}", drop=("app_id",))),
    case(id="config-dollar-literal", cat="config",
         what='app_id = "$HOME" is sent as is, not expanded', conf={"app_id": "$HOME"},
         env={"HOME": "emu-app-id"}, answers=OK, expect=PAM_AUTHINFO_UNAVAIL,
         log="app credentials rejected", check=app_id_header("$HOME")),
    refused("config-escape-newline", r'app_id = "emu-app-id\nX-Injected: 1"', "app_id: ",
            conf={"app_id": r"emu-app-id\nX-Injected: 1"}),
    refused("config-escape-crlf-lang", r'lang = "en-US\r\nX-Injected: 1"', "lang: ",
            conf={"lang": r"en-US\r\nX-Injected: 1"}),

    # ---- a bad value in every key ----
    bad("app_id", "", "empty"),
    bad("app_id", "emu app", "space"),
    bad("app_id", "A" * 129, "129"),
    refused("config-app-secret-empty", 'app_secret = ""', "app_secret: ",
            conf={"app_secret": ""}),
    refused("config-app-secret-tab", r'app_secret = "sec\tret-value"', "app_secret: ",
            conf={"app_secret": r"sec\tret-value"}, nolog=("ret-value",)),
    refused("config-app-secret-257", "app_secret of 257 bytes", "app_secret: ",
            conf={"app_secret": "S" * 257}, nolog=("SSSSSSSSSS",)),
    bad("app_host", "http://127.0.0.1:1", "http"),
    bad("app_host", "https://127.0.0.1:0", "port-0"),
    bad("app_host", "https://127.0.0.1:65536", "port-65536"),
    bad("app_host", "https://user:pw@127.0.0.1:1", "userinfo"),
    bad("app_host", "https://127.0.0.1:1/path", "path"),
    bad("app_host", "https://127.0.0.1:1?x=1", "query"),
    bad("app_host", "https://", "no-host"),
    bad("app_host", "ftp://127.0.0.1", "ftp"),
    bad("app_host", "HTTPS://127.0.0.1:1", "upper-scheme"),
    bad("app_host", "https://exa mple.com", "space"),
    bad("app_host", "https://[::1", "bracket"),
    bad("app_host", "https://" + "a" * 300, "long"),
    bad("ca_file", "relative/ca.pem", "relative"),
    bad("ca_file", "/nonexistent/ca.pem", "missing"),
    bad("ca_file", "{certs}", "directory"),
    refused("config-ca-file-writable", "ca_file that group and others may write",
            "ca_file", conf={"ca_file": "{dir}/ca-copy.pem"}, conf_setup=writable_ca),
    bad("token_endpoint_auth_method", "client_secret_jwt", "jwt"),
    bad("token_endpoint_auth_method", "CLIENT_SECRET_POST", "upper"),
    bad("login_field", "uid", "uid"),
    bad("login_format", "%s", "percent-s"),
    bad("login_format", "%u%u", "twice"),
    bad("login_format", "no-user", "no-u"),
    bad("login_format", "%u" + "x" * 130, "long"),
    bad("factors", [], "empty"),
    bad("factors", ["FACE"], "face"),
    bad("factors", ["SMS", "SMS"], "twice"),
    bad("factors", ["sms"], "lower"),
    bad("phone_country_code", "86", "no-plus"),
    bad("phone_country_code", "+12345", "long"),
    bad("phone_country_code", "+8a", "letter"),
    bad("failmode", "open", "open"),
    bad("failmode", "Secure", "capital"),
    bad("failmode", "", "empty"),
    bad("connect_timeout", 0, "0"),
    bad("connect_timeout", 61, "61"),
    bad("connect_timeout", -1, "negative"),
    refused("config-connect-timeout-bignum", "connect_timeout = 2^64 + 5", "connect_timeout: ",
            conf_text=with_lines("connect_timeout = 18446744073709551621",
                                 drop=("connect_timeout",))),
    refused("config-timeout-hex", "timeout = 0x10", "timeout",
            conf_text=with_lines("timeout = 0x10", drop=("timeout",))),
    refused("config-timeout-suffix", "timeout = 5s", "timeout",
            conf_text=with_lines("timeout = 5s", drop=("timeout",))),
    bad("timeout", 121, "121"),
    bad("max_attempts", 0, "0"),
    bad("max_attempts", 11, "11"),
    bad("max_sends", 0, "0"),
    bad("max_sends", 6, "6"),
    bad("state_dir", "relative/state", "relative"),
    bad("state_dir", "/tmp/../etc", "dotdot"),
    bad("state_dir", "/" + "s" * 250, "long"),
    bad("state_dir", "/tmp/with space", "space"),
    bad("lang", "xx", "xx"),
    bad("lang", "en-us", "lower"),
    bad("header_prefix", "x-evil-", "evil"),
    bad("header_prefix", "", "empty"),
    bad("lang", "zh-TW", "zh-tw"),
    bad("lang", "ja-JP", "ja-jp"),

    # ---- issue 4 keys: a bad value in every one ----
    bad("on_enrolled", "skip", "skip"),
    bad("on_enrolled", "Verify", "capital"),
    bad("on_enrolled", "", "empty"),
    bad("mgmt_host", "http://127.0.0.1:1", "http"),
    bad("mgmt_host", "", "empty"),
    bad("mgmt_host", "https://u:pw@api.genauth.ai", "userinfo"),
    bad("mgmt_host", "https://api.genauth.ai/api/v3", "path"),
    bad("mgmt_host", "https://api.genauth.ai:0", "port-0"),
    bad("mgmt_host", "https://api genauth.ai", "space"),
    bad("mgmt_host", "https://" + "a" * 300, "long"),
    bad("mgmt_host", r"https://api.genauth.ai\r\nX-Injected: 1", "crlf"),
    refused("config-userpool-id-alone", "userpool_id without userpool_secret",
            "userpool_secret: is required when userpool_id is set",
            conf={"userpool_id": "pool-1"}),
    refused("config-userpool-secret-alone", "userpool_secret without userpool_id",
            "userpool_id: is required when userpool_secret is set",
            conf={"userpool_secret": "pool-secret-value"},
            nolog=("emu-app-secret", "pool-secret-value")),
    refused("config-userpool-id-space", 'userpool_id = "pool 1"', "userpool_id: ",
            conf={"userpool_id": "pool 1", "userpool_secret": "pool-secret-value"},
            nolog=("emu-app-secret", "pool-secret-value")),
    refused("config-userpool-id-129", "userpool_id of 129 bytes", "userpool_id: ",
            conf={"userpool_id": "P" * 129, "userpool_secret": "pool-secret-value"},
            nolog=("emu-app-secret", "pool-secret-value")),
    refused("config-userpool-secret-empty", 'userpool_secret = ""', "userpool_secret: ",
            conf={"userpool_id": "pool-1", "userpool_secret": ""}),
    refused("config-userpool-secret-tab", r'userpool_secret = "pool\tsecret-value"',
            "userpool_secret: ", conf={"userpool_id": "pool-1",
                                       "userpool_secret": r"pool\tsecret-value"},
            nolog=("emu-app-secret", "secret-value")),
    refused("config-userpool-secret-257", "userpool_secret of 257 bytes", "userpool_secret: ",
            conf={"userpool_id": "pool-1", "userpool_secret": "Q" * 257},
            nolog=("emu-app-secret", "QQQQQQQQQQ")),
    refused("config-userpool-secret-quoted-elsewhere",
            "failmode set to the text of userpool_secret (its error must not quote it)",
            "failmode: bad value (not shown", safe=False,
            conf={"userpool_id": "pool-1", "userpool_secret": "pool-secret-value",
                  "failmode": "pool-secret-value"},
            nolog=("emu-app-secret", "pool-secret-value", "secret-v")),
    refused("config-userpool-secret-syntax", "a syntax error on the userpool_secret line",
            "details withheld",
            conf_text=with_lines('userpool_id = "pool-1"',
                                 "userpool_secret = poolPART1 poolPART2"),
            nolog=("emu-app-secret", "poolPART")),
    refused("config-userpool-secret-env", 'userpool_secret = "${POOL_SECRET}"', "${",
            conf={"userpool_id": "pool-1", "userpool_secret": "${POOL_SECRET}"},
            env={"POOL_SECRET": "pool-secret-value"},
            nolog=("emu-app-secret", "pool-secret-value")),
    bad("qr", "png", "png"),
    bad("qr", "UTF8", "upper"),
    bad("qr", "", "empty"),
    bad("users", [], "empty"),
    bad("users", ["!root"], "only-negated"),
    bad("users", ["*", "!"], "lone-bang"),
    bad("users", [""], "empty-pattern"),
    bad("users", ["al ice"], "space"),
    bad("users", ["x" * 257], "257"),
    bad("users", ["u%d" % i for i in range(65)], "65-entries"),
    bad("users", [r"ali\tce"], "tab"),
    bad("groups", ["!wheel"], "only-negated"),
    bad("groups", ["domain users"], "space"),
    bad("groups", ["!"], "lone-bang"),
    bad("bypass_users", ["!root"], "only-negated"),
    bad("bypass_users", ["root "], "trailing-space"),
    bad("services", [], "empty"),
    bad("services", ["!cron"], "only-negated"),
    bad("services", ["sshd", ""], "empty-pattern"),
    bad("noninteractive_services", ["!"], "lone-bang"),
    bad("noninteractive_services", ["!sshd"], "only-negated"),
    refused("config-users-twice", "users given twice", "users: is set more than once",
            conf_text=with_lines('users = {"*"}', 'users = {"alice"}')),
    bad("noninteractive", "allow", "allow"),
    bad("noninteractive", "", "empty"),
    bad("enroll_grace", -1, "negative"),
    bad("enroll_grace", 101, "101"),
    refused("config-enroll-grace-suffix", "enroll_grace = 5x", "enroll_grace: ",
            conf_text=with_lines("enroll_grace = 5x")),
    bad("enroll_grace_until", "2026-02-30", "feb-30"),
    bad("enroll_grace_until", "2027-02-29", "not-leap"),
    bad("enroll_grace_until", "2026-13-01", "month-13"),
    bad("enroll_grace_until", "2026-04-31", "apr-31"),
    bad("enroll_grace_until", "1969-12-31", "before-1970"),
    bad("enroll_grace_until", "2026-1-5", "short"),
    bad("enroll_grace_until", " 2026-01-05", "leading-space"),
    bad("enroll_grace_until", "2026-01-05T00:00", "time"),
    bad("enroll_grace_until", "tomorrow", "word"),
    case(id="config-issue4-keys", cat="config",
         what="every issue 4 key set to a valid value that keeps alice in scope (control)",
         conf={"on_enrolled": "ignore", "mgmt_host": "https://127.0.0.1:9",
               "userpool_id": "pool-1", "userpool_secret": "pool-secret-value", "qr": "ascii",
               "users": ["*", "!root"], "groups": [], "bypass_users": ["breakglass"],
               "services": ["*", "!cron"], "noninteractive_services": ["cron"],
               "noninteractive": "deny", "enroll_grace": 0, "enroll_grace_until": ""},
         answers=OK, expect=PAM_SUCCESS, calls=FULL, nolog=("pool-secret-value",)),

    # ---- the policy: decided before any network call ----
    case(id="config-policy-bypass", cat="config", what="bypass_users names the user",
         conf={"bypass_users": ["alice"]}, answers=OK, expect=PAM_PERM_DENIED,
         log="not asked for MFA: break-glass user", calls=[], max_time=2),
    case(id="config-policy-users", cat="config", what="users excludes the user",
         conf={"users": ["*", "!ali?e"]}, answers=OK, expect=PAM_PERM_DENIED,
         log="not asked for MFA: user not in users", calls=[], max_time=2),
    case(id="config-policy-services", cat="config", what="services excludes every service",
         conf={"services": ["*", "!*"]}, answers=OK, expect=PAM_PERM_DENIED,
         log="not asked for MFA: service not in services", calls=[], max_time=2),
    case(id="config-policy-groups", cat="config",
         what="groups set: alice is unknown to NSS and so in no group",
         conf={"groups": ["*"]}, answers=OK, expect=PAM_PERM_DENIED,
         log="not asked for MFA: groups of the user not in groups", calls=[], max_time=2),
    case(id="config-policy-noninteractive", cat="config",
         what="noninteractive_services covers the service", conf={"noninteractive_services":
                                                                   ["*"]},
         answers=OK, expect=PAM_AUTH_ERR, log="noninteractive = deny", calls=[], max_time=2),
    case(id="config-policy-noninteractive-safe", cat="config",
         what="noninteractive_services in failmode safe: still refused (not an outage)",
         conf={"noninteractive_services": ["*"], "failmode": "safe"},
         answers=OK, expect=PAM_AUTH_ERR, log="noninteractive = deny", calls=[], max_time=2),
    case(id="config-policy-noninteractive-ignore", cat="config",
         what="noninteractive_services with noninteractive = ignore",
         conf={"noninteractive_services": ["*"], "noninteractive": "ignore"},
         answers=OK, expect=PAM_PERM_DENIED, log="noninteractive = ignore", calls=[],
         max_time=2),
    case(id="config-policy-excluded-bad-state-dir", cat="config",
         what="an excluded user needs no state_dir (a world-writable one is not looked at)",
         conf={"users": ["bob"]}, conf_setup=state_dir_as("world"), answers=OK,
         expect=PAM_PERM_DENIED, log="user not in users", calls=[], max_time=2),

    refused("config-state-dir-world-writable", "state_dir exists with mode 0777", "state_dir",
            conf_setup=state_dir_as("world")),
    refused("config-state-dir-nobody", "state_dir owned by another user", "state_dir",
            conf_setup=state_dir_as("nobody")),
    refused("config-state-dir-file", "state_dir is a regular file", "state_dir",
            conf_setup=state_dir_as("file")),

    # ---- order must not matter ----
    case(id="config-order-reversed", cat="config", what="every key in reverse order (control)",
         conf_text=reversed_text, answers=OK, expect=PAM_SUCCESS, calls=FULL),
    refused("config-order-failmode-first", "bad failmode before a bad timeout",
            "failmode: must be", safe=False, conf={"failmode": "open", "timeout": 0},
            conf_text=ordered(["failmode", "timeout"])),
    refused("config-order-failmode-last", "bad failmode after a bad timeout",
            "failmode: must be", safe=False, conf={"failmode": "open", "timeout": 0},
            conf_text=ordered(["timeout", "failmode"])),
    refused("config-order-unknown-last", "a bad value, then an unknown key", "unknown key",
            conf={"timeout": 0}, conf_text=with_lines("frobnicate = 1")),
    refused("config-order-unknown-first", "an unknown key, then a bad value", "unknown key",
            conf={"timeout": 0}, conf_text=lambda v: "frobnicate = 1\n" + conf_text(v)),

    # ---- module arguments ----
    refused("config-arg-conf-twice", "conf= given twice (the second a missing file)",
            "repeats conf=", args="debug conf=/nonexistent.conf"),
    refused("config-arg-unknown", "failmode=safe as a module argument", "failmode=safe",
            args="debug failmode=safe"),
    refused("config-arg-step", "step=bogus", "step=bogus", args="debug step=bogus"),
    refused("config-arg-upper", "DEBUG in capitals", "DEBUG", args="DEBUG"),
    refused("config-arg-control", "an argument with an escape", "unknown module argument",
            args="debug \x1b[31mx"),
    refused("config-arg-both-passes", "try_first_pass and use_first_pass",
            "contradict each other", args="debug try_first_pass use_first_pass"),
    refused("config-arg-relative", "conf=relative.conf", "absolute path",
            stack=["auth required {mod} conf=relative.conf debug"]),
    refused("config-arg-empty-conf", "conf= with nothing after it", "empty value",
            stack=["auth required {mod} conf= debug"]),
]
