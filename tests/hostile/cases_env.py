"""Catalogue: the environment of the process that hosts the module. Under
su or sudo it belongs to the calling user. No variable may change where the
module connects, which CA it trusts, which proxy it uses, how the config is
parsed, what is sent or what is logged.

The decoy proxy ({proxy}) is a listening socket: any connection to it fails
the case (an invariant of every row). Rows that must still log in check the
whole flow reached the emulator; rows that must not trust a CA point
ca_file at an unrelated CA and expect the TLS failure."""

import os
import subprocess

from checks import all_checks, standard_requests
from hostlib import FULL, SIGNIN, case
from pamlib import (PAM_AUTH_ERR, PAM_AUTHINFO_UNAVAIL, PAM_SERVICE_ERR, PAM_SUCCESS)

OK = ["alice-pw", "1", "18812345678", "@code"]
TLS = "GenAuth unavailable (tls)"
PROXY_VARS = ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy",
              "ALL_PROXY")


def proxies(url, **more):
    env = {k: url for k in PROXY_VARS}
    env.update(more)
    return env


def write(r, name, text, mode=0o644):
    path = os.path.join(r.dir, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(r.subst(text))
    os.chmod(path, mode)


def hashed_ca_dir(r):
    """{dir}/cadir: the emulator's CA under its OpenSSL subject hash, as
    SSL_CERT_DIR / CApath want it."""
    ca = r.subst("{ca}")
    h = subprocess.run(["openssl", "x509", "-hash", "-noout", "-in", ca],
                       stdout=subprocess.PIPE, check=True, universal_newlines=True).stdout.strip()
    os.makedirs(os.path.join(r.dir, "cadir"), exist_ok=True)
    os.symlink(ca, os.path.join(r.dir, "cadir", h + ".0"))


OPENSSL_TRUST = """openssl_conf = init
[init]
ssl_conf = ssl
[ssl]
system_default = sysdef
[sysdef]
VerifyCAFile = {ca}
"""


def openssl_trust(r):
    write(r, "openssl.cnf", OPENSSL_TRUST)


def netrc_home(r):
    write(r, "home/.netrc", "machine 127.0.0.1 login netrc-user password netrc-secret-pw\n"
                            "machine localhost login netrc-user password netrc-secret-pw\n"
                            "default login netrc-user password netrc-secret-pw\n", 0o600)
    write(r, "home/.curlrc", "proxy = {proxy}\ninsecure\nuser = curlrc-user:curlrc-secret\n")


def victim(r):
    write(r, "victim", "do not touch\n", 0o600)


def no_keylog(r):
    assert not os.path.exists(os.path.join(r.dir, "keys.log")), "SSLKEYLOGFILE was created"
    with open(os.path.join(r.dir, "victim")) as f:
        assert f.read() == "do not touch\n", "SSLKEYLOGFILE target was written"


def no_basic_auth(r):
    for h in r.headers():
        assert "authorization" not in h or h["authorization"].startswith("Bearer "), \
            "credentials from the environment were sent: %r" % h["authorization"][:12]


def lang_header_from_config(r):
    for h in r.headers():
        assert h.get("x-authing-lang") == "en-US", "x-authing-lang %r" % h.get("x-authing-lang")
    assert r.res.prompts[0].startswith("ECHO_OFF [GenAuth password: ]"), r.res.prompts[0]


CASES = [
    case(id="env-proxy-all", cat="env", what="every proxy variable points at the decoy proxy",
         env=proxies("{proxy}", NO_PROXY="", no_proxy=""), answers=OK, expect=PAM_SUCCESS,
         calls=FULL, check=standard_requests),
    case(id="env-proxy-socks", cat="env", what="ALL_PROXY is a SOCKS proxy (the decoy)",
         env=proxies("socks5h://{proxyaddr}"),
         answers=OK, expect=PAM_SUCCESS, calls=FULL, check=standard_requests),
    case(id="env-proxy-credentials", cat="env",
         what="a proxy URL with a password in https_proxy: not used, not logged",
         env=proxies("http://proxy-user:proxy-secret-pw@{proxyaddr}"), answers=OK,
         expect=PAM_SUCCESS, calls=FULL, nolog="proxy-secret-pw",
         check=standard_requests),
    case(id="env-sslkeylogfile-create", cat="env",
         what="SSLKEYLOGFILE names a new file: no TLS key is ever written",
         env={"SSLKEYLOGFILE": "{dir}/keys.log"}, conf_setup=victim, answers=OK,
         expect=PAM_SERVICE_ERR, calls=[], log="SSLKEYLOGFILE", check=no_keylog),
    case(id="env-sslkeylogfile-append", cat="env",
         what="SSLKEYLOGFILE names a root-owned file: it is not appended to",
         env={"SSLKEYLOGFILE": "{dir}/victim"}, conf_setup=victim, answers=OK,
         expect=PAM_SERVICE_ERR, calls=[], log="SSLKEYLOGFILE", check=no_keylog),
    case(id="env-curl-ca-bundle", cat="env",
         what="CURL_CA_BUNDLE names the server's CA while ca_file names another CA",
         conf={"ca_file": "{wrongca}"}, env={"CURL_CA_BUNDLE": "{ca}"}, answers=OK,
         expect=PAM_AUTHINFO_UNAVAIL, log=TLS, calls=[]),
    case(id="env-ssl-cert-file", cat="env",
         what="SSL_CERT_FILE names the server's CA while ca_file names another CA",
         conf={"ca_file": "{wrongca}"}, env={"SSL_CERT_FILE": "{ca}"}, answers=OK,
         expect=PAM_AUTHINFO_UNAVAIL, log=TLS, calls=[]),
    case(id="env-ssl-cert-dir", cat="env",
         what="SSL_CERT_DIR holds the server's CA while ca_file names another CA",
         conf={"ca_file": "{wrongca}"}, conf_setup=hashed_ca_dir,
         env={"SSL_CERT_DIR": "{dir}/cadir"}, answers=OK,
         expect=PAM_AUTHINFO_UNAVAIL, log=TLS, calls=[]),
    case(id="env-ca-vars-system-store", cat="env",
         what="no ca_file (system store): CURL_CA_BUNDLE, SSL_CERT_FILE, SSL_CERT_DIR "
              "name the server's CA",
         conf={"ca_file": None}, conf_setup=hashed_ca_dir,
         env={"CURL_CA_BUNDLE": "{ca}", "SSL_CERT_FILE": "{ca}", "SSL_CERT_DIR": "{dir}/cadir"},
         answers=OK, expect=PAM_AUTHINFO_UNAVAIL, log=TLS, calls=[]),
    case(id="env-openssl-conf-trust", cat="env",
         what="OPENSSL_CONF adds the server's CA (VerifyCAFile) while ca_file names another CA",
         conf={"ca_file": "{wrongca}"}, conf_setup=openssl_trust,
         env={"OPENSSL_CONF": "{dir}/openssl.cnf"}, answers=OK,
         expect=(PAM_AUTHINFO_UNAVAIL, PAM_SERVICE_ERR), calls=[]),
    case(id="env-openssl-conf-system-store", cat="env",
         what="no ca_file (system store): OPENSSL_CONF adds the server's CA",
         conf={"ca_file": None}, conf_setup=openssl_trust,
         env={"OPENSSL_CONF": "{dir}/openssl.cnf"}, answers=OK,
         expect=(PAM_AUTHINFO_UNAVAIL, PAM_SERVICE_ERR), calls=[]),
    case(id="env-bad-ca-vars", cat="env",
         what="CA variables name files that do not exist; ca_file is right",
         env={"CURL_CA_BUNDLE": "/nonexistent/ca.pem", "SSL_CERT_FILE": "/nonexistent/ca.pem",
              "SSL_CERT_DIR": "/nonexistent"}, answers=OK, expect=PAM_SUCCESS, calls=FULL,
         check=standard_requests),
    case(id="env-home-netrc-curlrc", cat="env",
         what="HOME and CURL_HOME hold a .netrc and a .curlrc (proxy, insecure, user)",
         conf_setup=netrc_home, env={"HOME": "{dir}/home", "CURL_HOME": "{dir}/home",
                                     "NETRC": "{dir}/home/.netrc"},
         answers=OK, expect=PAM_SUCCESS, calls=FULL, nolog=("netrc-secret-pw", "curlrc-secret"),
         check=all_checks(no_basic_auth, standard_requests)),
    case(id="env-hostaliases", cat="env",
         what="HOSTALIASES maps the server's name to another host",
         conf={"app_host": "{localhost}"},
         conf_setup=lambda r: write(r, "aliases", "localhost wrong.example\n"),
         env={"HOSTALIASES": "{dir}/aliases"}, answers=OK, expect=PAM_SUCCESS, calls=FULL,
         check=standard_requests),
    case(id="env-localdomain-res-options", cat="env",
         what="LOCALDOMAIN and RES_OPTIONS (ndots, long timeouts) with a host name",
         conf={"app_host": "{localhost}"},
         env={"LOCALDOMAIN": "evil.example", "RES_OPTIONS": "ndots:15 attempts:5 timeout:30"},
         answers=OK, expect=PAM_SUCCESS, calls=FULL, check=standard_requests),
    case(id="env-res-options-unresolvable", cat="env",
         what="RES_OPTIONS asks for 5 x 30 s DNS tries for a name that does not resolve",
         conf={"app_host": "https://genauth.invalid", "connect_timeout": 2, "timeout": 2},
         env={"RES_OPTIONS": "attempts:5 timeout:30"}, answers=OK,
         expect=PAM_AUTHINFO_UNAVAIL, log="GenAuth unavailable (", max_time=2 + 4),
    case(id="env-locale", cat="env",
         what="LANG, LC_ALL, LANGUAGE ask for Chinese and Turkish",
         env={"LANG": "zh_CN.UTF-8", "LC_ALL": "tr_TR.UTF-8", "LANGUAGE": "zh_CN:tr"},
         answers=OK, expect=PAM_SUCCESS, calls=FULL,
         check=all_checks(lang_header_from_config, standard_requests)),
    case(id="env-curl-ssl-backend", cat="env", what="CURL_SSL_BACKEND asks for another TLS library",
         env={"CURL_SSL_BACKEND": "gnutls"}, answers=OK, expect=PAM_SUCCESS, calls=FULL,
         check=standard_requests),
    case(id="env-lookalike-overrides", cat="env",
         what="variables that look like module overrides (conf path, host, CA, debug)",
         env={"PAM_GENAUTH_CONF": "/nonexistent.conf", "GENAUTH_APP_HOST": "{refused}",
              "GENAUTH_CA_FILE": "{wrongca}", "PAM_GENAUTH_DEBUG": "1", "CURLOPT_PROXY": "{proxy}"},
         answers=OK, expect=PAM_SUCCESS, calls=FULL, check=standard_requests),
    case(id="env-wrong-password-under-proxy", cat="env",
         what="proxy variables during a wrong password: still one direct signin",
         env=proxies("{proxy}"), answers=["wrong-pw"], expect=PAM_AUTH_ERR, calls=[SIGNIN]),
]
