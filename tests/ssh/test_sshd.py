#!/usr/bin/python3
"""A real OpenSSH login through the built module (needs root).

Starts the GenAuth emulator, creates a throwaway user, a PAM service named
after a symlinked sshd (sshd uses the basename of its executable as the PAM
service), starts sshd on 127.0.0.1 with its own config, and drives the real
ssh client with expect through keyboard-interactive: the user enrolls an SMS
factor inside the login and gets a shell. Cleans up everything it created,
also on failure. Exits 77 (skipped) when not root or when sshd/ssh/expect
are missing.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.environ.get("abs_top_srcdir") or os.path.dirname(os.path.dirname(HERE))
BUILD = os.environ.get("abs_top_builddir") or SRC
sys.path.insert(0, os.path.join(SRC, "tests", "emulator"))
import emulib  # noqa: E402

MODULE = os.path.join(BUILD, ".libs", "pam_genauth.so")
SEND = "/api/v3/send-enroll-factor-request"
BIND = "/api/v3/enroll-factor"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class SshdLogin:
    def __init__(self):
        self.tag = "genauth%d" % os.getpid()
        self.user = "gat%d" % os.getpid()
        self.service = "sshd-" + self.tag
        self.pam_file = "/etc/pam.d/" + self.service
        self.work = tempfile.mkdtemp(prefix="pam_genauth-sshd.")
        os.chmod(self.work, 0o755)
        self.emu = None
        self.sshd = None
        self.user_created = False
        self.passed = self.failed = 0

    # ---- setup ----
    def start(self):
        self.emu = emulib.Emulator().start(os.path.join(self.work, "emu"))
        self.emu.add_users([{"username": self.user, "password": "ssh-pw-%d" % os.getpid(),
                             "factors": []}])
        subprocess.run(["useradd", "-m", "-s", "/bin/sh", self.user], check=True)
        self.user_created = True
        conf = os.path.join(self.work, "pam_genauth.conf")
        fd = os.open(conf, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write('app_id = "emu-app-id"\napp_secret = "emu-app-secret"\n'
                    'app_host = "%s"\nca_file = "%s"\nfactors = {"SMS"}\n'
                    'state_dir = "%s/state"\n' % (self.emu.url, self.emu.ca_file, self.work))
        with open(self.pam_file, "w") as f:
            f.write("# TEST ONLY (tests/ssh/test_sshd.py); removed on exit\n"
                    "auth     required  %s conf=%s debug\n"
                    "account  required  pam_permit.so\n"
                    "session  required  pam_permit.so\n" % (MODULE, conf))
        os.makedirs("/run/sshd", exist_ok=True)
        os.chmod("/run/sshd", 0o755)
        hostkey = os.path.join(self.work, "hostkey")
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostkey], check=True)
        self.port = free_port()
        cfg = os.path.join(self.work, "sshd_config")
        with open(cfg, "w") as f:
            f.write("Port %d\nListenAddress 127.0.0.1\nHostKey %s\nPidFile %s/sshd.pid\n"
                    "UsePAM yes\nKbdInteractiveAuthentication yes\nPasswordAuthentication no\n"
                    "PubkeyAuthentication no\nAuthenticationMethods keyboard-interactive\n"
                    "PermitRootLogin no\nAllowUsers %s\nPrintMotd no\nLogLevel VERBOSE\n"
                    % (self.port, hostkey, self.work, self.user))
        exe = os.path.join(self.work, self.service)
        os.symlink("/usr/sbin/sshd", exe)
        subprocess.run(["/usr/sbin/sshd", "-t", "-f", cfg], check=True)
        self.sshd_log = open(os.path.join(self.work, "sshd.log"), "w")
        self.sshd = subprocess.Popen([exe, "-D", "-e", "-f", cfg], stdout=self.sshd_log,
                                     stderr=subprocess.STDOUT)
        for _ in range(100):
            if os.path.exists(os.path.join(self.work, "sshd.pid")):
                return
            time.sleep(0.1)
        raise RuntimeError("sshd did not start")

    def stop(self):
        if self.sshd:
            self.sshd.terminate()
            try:
                self.sshd.wait(5)
            except subprocess.TimeoutExpired:
                self.sshd.kill()
        if os.path.exists(self.pam_file):
            os.unlink(self.pam_file)
        if self.user_created:
            subprocess.run(["userdel", "-r", self.user], stderr=subprocess.DEVNULL)
        if self.emu:
            self.emu.stop()
        shutil.rmtree(self.work, ignore_errors=True)

    # ---- runs ----
    def ssh(self, password, phone):
        code_cmd = [sys.executable, os.path.join(SRC, "tests", "emulator", "emuctl.py"),
                    "--url", self.emu.url, "--ca", self.emu.ca_file, "last-code"]
        proc = subprocess.run(["expect", "-f", os.path.join(HERE, "login.exp"), str(self.port),
                               self.user, password, phone] + code_cmd,
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=120,
                              universal_newlines=True, errors="replace")
        return proc.returncode, proc.stdout

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print("ok   %s" % name)
        else:
            self.failed += 1
            print("FAIL %s\n%s" % (name, detail))

    def run(self):
        pw = "ssh-pw-%d" % os.getpid()
        # 1. a wrong password: denied, nothing sent
        rc, out = self.ssh("wrong-" + pw, "+86 188 1234 5678")
        self.check("wrong password is denied", rc == 5 and not self.emu.requests(SEND),
                   "rc=%d\n%s" % (rc, out))
        # 2. enrollment inside the login, then a shell
        self.emu.reset()
        self.emu.add_users([{"username": self.user, "password": pw, "factors": []}])
        rc, out = self.ssh(pw, "+86 188 1234 5678")
        print(out)
        self.check("enrolls SMS through keyboard-interactive and gets a shell",
                   rc == 0 and ("LOGIN_OK user=%s" % self.user) in out, "rc=%d" % rc)
        self.check("prompt says where the code went",
                   "Code sent to +86 188****5678. Enter code:" in out)
        self.check("exactly one send and one bind",
                   len(self.emu.requests(SEND)) == 1 and len(self.emu.requests(BIND)) == 1,
                   json.dumps(self.emu.requests(), indent=1)[:3000])
        state = self.emu.state()
        factors = [f["factorType"] for u in state["users"] if u["username"] == self.user
                   for f in u["factors"]]
        self.check("the factor is bound at GenAuth", factors == ["SMS"], repr(factors))
        if self.failed:
            with open(os.path.join(self.work, "sshd.log")) as f:
                print("--- sshd log\n" + f.read())


def main():
    missing = [t for t in ("/usr/sbin/sshd", "ssh", "expect", "useradd")
               if not shutil.which(t) and not os.path.exists(t)]
    if os.geteuid() != 0 or missing:
        print("sshd: skipped (needs root and %s)" % ", ".join(missing or ["nothing else"]))
        return 77
    t = SshdLogin()
    try:
        t.start()
        t.run()
    except Exception as e:  # report, clean up, fail
        t.failed += 1
        print("FAIL setup: %r" % e)
    finally:
        t.stop()
    print("sshd: %d passed, %d failed" % (t.passed, t.failed))
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main())
