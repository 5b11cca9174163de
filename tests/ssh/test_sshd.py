#!/usr/bin/python3
"""A real OpenSSH login through the built module (needs root).

Starts the GenAuth emulator, creates a throwaway user, a PAM service named
after a symlinked sshd (sshd uses the basename of its executable as the PAM
service), starts sshd on 127.0.0.1 with its own config, and drives the real
ssh client with expect through keyboard-interactive: one user enrolls an SMS
factor inside the login and gets a shell; a second user, who already has an
authenticator app (OTP) factor, is verified with the TOTP computed at the
prompt and gets a shell, and is refused with a wrong code. Cleans up
everything it created, also on failure. Exits 77 (skipped) when not root or when sshd/ssh/expect
are missing.
"""

import json
import os
import shutil
import signal
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
TOTP = "/api/v3/mfa-totp-verify"


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
        self.otp_user = "gao%d" % os.getpid()
        self.service = "sshd-" + self.tag
        self.pam_file = "/etc/pam.d/" + self.service
        self.work = tempfile.mkdtemp(prefix="pam_genauth-sshd.")
        os.chmod(self.work, 0o755)
        self.emu = None
        self.sshd = None
        self.users_created = []
        self.passed = self.failed = 0

    # ---- setup ----
    def start(self):
        self.emu = emulib.Emulator().start(os.path.join(self.work, "emu"))
        self.emu.add_users([{"username": self.user, "password": "ssh-pw-%d" % os.getpid(),
                             "factors": []}])
        for name in (self.user, self.otp_user):
            subprocess.run(["useradd", "-m", "-s", "/bin/sh", name], check=True)
            self.users_created.append(name)
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
                    "PermitRootLogin no\nAllowUsers %s %s\nPrintMotd no\n"
                    # DEBUG3: sshd logs the PAM result of keyboard-interactive
                    "LogLevel DEBUG3\n"
                    % (self.port, hostkey, self.work, self.user, self.otp_user))
        exe = os.path.join(self.work, self.service)
        os.symlink("/usr/sbin/sshd", exe)
        subprocess.run(["/usr/sbin/sshd", "-t", "-f", cfg], check=True)
        self.sshd_log_file = open(os.path.join(self.work, "sshd.log"), "w")
        self.sshd = subprocess.Popen([exe, "-D", "-e", "-f", cfg], stdout=self.sshd_log_file,
                                     stderr=subprocess.STDOUT)
        for _ in range(100):
            if os.path.exists(os.path.join(self.work, "sshd.pid")):
                return
            time.sleep(0.1)
        raise RuntimeError("sshd did not start")

    def stop(self):
        """Undo everything start() did; each step runs even if one fails."""
        steps = []
        if self.sshd:
            steps.append(self.stop_sshd)
        steps.append(lambda: os.path.exists(self.pam_file) and os.unlink(self.pam_file))
        for name in self.users_created:
            steps.append(lambda name=name: subprocess.run(["userdel", "-r", name],
                                                          stderr=subprocess.DEVNULL))
        if self.emu:
            steps.append(self.emu.stop)
        steps.append(lambda: shutil.rmtree(self.work, ignore_errors=True))
        for step in steps:
            try:
                step()
            except Exception as e:  # keep cleaning up
                print("cleanup: %r" % e)

    def stop_sshd(self):
        self.sshd.terminate()
        try:
            self.sshd.wait(5)
        except subprocess.TimeoutExpired:
            self.sshd.kill()
            self.sshd.wait()
        self.sshd_log_file.close()

    # ---- runs ----
    def emuctl(self, *args):
        return [sys.executable, os.path.join(SRC, "tests", "emulator", "emuctl.py"),
                "--url", self.emu.url, "--ca", self.emu.ca_file] + list(args)

    def ssh(self, password, phone, user=None, code_cmd=None):
        code_cmd = code_cmd or self.emuctl("last-code")
        proc = subprocess.run(["expect", "-f", os.path.join(HERE, "login.exp"), str(self.port),
                               user or self.user, password, phone] + code_cmd,
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
        self.run_otp()
        if self.failed:
            with open(os.path.join(self.work, "sshd.log")) as f:
                print("--- sshd log\n" + f.read())

    def sshd_log(self):
        self.sshd_log_file.flush()
        with open(os.path.join(self.work, "sshd.log"), errors="replace") as f:
            return f.read()

    def run_otp(self):
        """A user with an OTP factor: verified with the TOTP at the prompt."""
        pw = "otp-pw-%d" % os.getpid()
        self.emu.add_users([{"username": self.otp_user, "password": pw,
                             "factors": [{"factorType": "OTP"}]}])
        factor = self.emu.otp_factor(self.otp_user)
        # 3. the right code, computed by emuctl when the prompt appears
        rc, out = self.ssh(pw, "-", user=self.otp_user,
                           code_cmd=self.emuctl("totp", self.otp_user))
        print(out)
        totp = self.emu.requests(TOTP)
        self.check("OTP user is verified through keyboard-interactive and gets a shell",
                   rc == 0 and ("LOGIN_OK user=%s" % self.otp_user) in out, "rc=%d" % rc)
        self.check("the code prompt is the authenticator app's",
                   "Authenticator app code: " in out, out)
        self.check("one mfa-totp-verify call, accepted",
                   len(totp) == 1 and totp[0]["status"] == 200 and
                   totp[0]["body"] == {"totp": totp[0]["body"].get("totp")} and
                   len(totp[0]["body"]["totp"]) == factor["digits"],
                   json.dumps(totp, indent=1)[:3000])
        self.check("nothing enrolled for the OTP user",
                   all(r["body"].get("factorType") == "SMS" for r in self.emu.requests(SEND)))
        log = self.sshd_log()
        self.check("sshd accepted keyboard-interactive/pam for the OTP user",
                   "Accepted keyboard-interactive/pam for %s" % self.otp_user in log)
        # 4. a wrong code, every time: refused after max_attempts (3)
        good = {self.emu.current_totp(self.otp_user, s) for s in range(-3, 4)}
        wrong = next(c for c in ("000000", "111111", "222222", "333333") if c not in good)
        before = len(totp)
        rc, out = self.ssh(pw, "-", user=self.otp_user, code_cmd=["echo", wrong])
        print(out)
        totp = self.emu.requests(TOTP)[before:]
        self.check("a wrong code is refused", rc == 5 and "LOGIN_OK" not in out,
                   "rc=%d\n%s" % (rc, out))
        self.check("asked again with the tries left", "Wrong code. 2 tries left." in out and
                   "Wrong code. 1 try left." in out, out)
        self.check("three mfa-totp-verify calls, each with the wrong code",
                   len(totp) == 3 and all(r["body"] == {"totp": wrong} for r in totp),
                   json.dumps(totp, indent=1)[:3000])
        log = self.sshd_log()
        self.check("sshd logged the failure, PAM said PAM_MAXTRIES",
                   "Failed keyboard-interactive/pam for %s" % self.otp_user in log and
                   "PAM: Have exhausted maximum number of retries for service" in log,
                   log[-3000:])
        self.check("sshd never accepted the wrong code",
                   log.count("Accepted keyboard-interactive/pam for %s" % self.otp_user) == 1)


def main():
    missing = [t for t in ("/usr/sbin/sshd", "ssh", "expect", "useradd")
               if not shutil.which(t) and not os.path.exists(t)]
    if os.geteuid() != 0 or missing:
        print("sshd: skipped (needs root and %s)" % ", ".join(missing or ["nothing else"]))
        return 77

    def terminate(signum, frame):  # make's timeout, Ctrl-C: still clean up
        raise SystemExit("signal %d" % signum)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, terminate)
    t = SshdLogin()
    try:
        t.start()
        t.run()
    except BaseException as e:  # report, clean up, fail
        t.failed += 1
        print("FAIL: %r" % (e,))
    finally:
        t.stop()
    print("sshd: %d passed, %d failed" % (t.passed, t.failed))
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main())
