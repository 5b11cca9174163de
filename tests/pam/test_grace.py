#!/usr/bin/python3
"""End to end through real libpam against the GenAuth emulator over TLS:
postponing the enrollment (enroll_grace, enroll_grace_until, the grace file
in state_dir) and non-interactive clients (a conversation error at the
first prompt of an enrollment, noninteractive = deny | ignore)."""

import datetime
import os
import stat
import subprocess
import time

from pamlib import (DRIVER, PAM_AUTH_ERR, PAM_CONV_ERR, PAM_PERM_DENIED, PAM_SUCCESS, SLOW,
                    WRAPPER, ConvCase, main, read_transcript)

SEND = "/api/v3/send-enroll-factor-request"
BIND = "/api/v3/enroll-factor"
SIGNIN = "/api/v3/signin"

MENU_HEAD = ("Set up two-factor authentication for your account.\n"
             "  1) SMS (text message to your phone)\n"
             "  2) Email\n")
CHOOSE = "Choose 1-2: "
POSTPONED = "Two-factor setup postponed. You will be asked again at your next login."
IGNORED = "-> The return value should be ignored by PAM dispatch"
NOT_IN_MENU = "Type a number from the menu or a factor name."


def later_line(text):
    return "Type later to set this up next time (%s)." % text


def utc_day(offset_days=0):
    day = datetime.datetime.now(datetime.timezone.utc).date()
    return (day + datetime.timedelta(days=offset_days)).isoformat()


class Grace(ConvCase):

    def setUp(self):
        super().setUp()
        self.stack("auth required {mod} conf={conf} debug")
        self.grace_file = os.path.join(self.state_dir, "alice.grace")

    # ---- helpers ----
    def menu(self, res, n=0):
        """The n-th menu prompt shown (the prompts after the password)."""
        menus = [d.decode() for k, d in res.messages
                 if k == "ECHO_ON" and MENU_HEAD.encode() in d]
        self.assertGreater(len(menus), n, repr(res))
        return menus[n]

    def assertIgnored(self, res):
        # PAM_IGNORE alone in a stack: libpam reports PAM_PERM_DENIED, which
        # the module itself never returns; the debug line tells them apart
        self.assertRc(res, PAM_PERM_DENIED)
        self.assertIn(IGNORED, res.syslog)

    def postpone(self, left_text):
        res = self.tlogin("alice-pw", "later")
        self.assertIgnored(res)
        self.assertEqual(self.menu(res), MENU_HEAD + later_line(left_text) + "\n" + CHOOSE)
        self.assertEqual(res.messages[-1], ("INFO", POSTPONED.encode()))
        self.assertEqual(self.calls(SEND), [])
        self.assertEqual(self.emu.outbox(), [])
        return res

    def grace_record(self):
        with open(self.grace_file) as f:
            lines = f.read().split("\n")
        self.assertEqual(lines[0], "pam_genauth grace 1")
        return int(lines[1].split(" ")[1]), int(lines[2].split(" ")[1])

    def make_state_dir(self):
        os.makedirs(self.state_dir, mode=0o700, exist_ok=True)
        os.chmod(self.state_dir, 0o700)

    def write_grace(self, text, mode=0o600, uid=None):
        self.make_state_dir()
        with open(self.grace_file, "w") as f:
            f.write(text)
        os.chmod(self.grace_file, mode)
        if uid is not None:
            os.chown(self.grace_file, uid, -1)

    def refused_later(self, note=NOT_IN_MENU):
        """A login where the menu has no `later` and `later` is not accepted."""
        res = self.tlogin("alice-pw", "later", "@empty")
        self.assertRc(res, PAM_AUTH_ERR)
        first = self.menu(res)
        self.assertEqual(first, MENU_HEAD + CHOOSE)
        self.assertNotIn("later", first)
        self.assertEqual(self.menu(res, 1), note + "\n" + MENU_HEAD + CHOOSE)
        self.assertNotIn(POSTPONED, res.shown)
        self.assertNotIn("postponed", res.syslog)
        return res

    # ---- enroll_grace (a count) ----
    def test_two_postponements_then_none(self):
        self.write_config(enroll_grace=2)
        res = self.postpone("2 left")
        self.assertIn("enrollment postponed by the user (later): 1 postponement(s) left",
                      res.syslog)
        self.assertEqual(self.grace_record()[0], 1)
        st = os.stat(self.grace_file)
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
        self.assertEqual(st.st_uid, os.geteuid())
        res = self.postpone("1 left")
        self.assertIn("(later): 0 postponement(s) left", res.syslog)
        used, last = self.grace_record()
        self.assertEqual(used, 2)
        self.assertLess(abs(last - time.time()), 60)
        self.refused_later()
        self.assertEqual(self.grace_record()[0], 2)  # a refused `later` is not counted

    def test_later_in_any_case_and_with_spaces(self):
        self.write_config(enroll_grace=1)
        res = self.tlogin("alice-pw", "  LaTeR ")
        self.assertIgnored(res)
        self.assertEqual(self.grace_record()[0], 1)

    def test_grace_zero_offers_nothing_and_writes_nothing(self):
        self.refused_later()
        self.assertFalse(os.path.exists(self.grace_file))

    def test_grace_file_counts(self):
        # two used of three, recorded earlier (another host's state, a restore)
        self.write_config(enroll_grace=3)
        self.write_grace("pam_genauth grace 1\nused 2\nlast 1700000000\n")
        self.postpone("1 left")
        self.assertEqual(self.grace_record()[0], 3)
        self.refused_later()

    def test_grace_reset_after_enrollment(self):
        self.write_config(enroll_grace=2)
        self.postpone("2 left")
        self.assertTrue(os.path.exists(self.grace_file))
        res = self.tlogin("alice-pw", "1", "18812345678", "@code")
        self.assertRc(res, PAM_SUCCESS)
        self.assertEqual(self.menu(res), MENU_HEAD + later_line("1 left") + "\n" + CHOOSE)
        self.assertFalse(os.path.exists(self.grace_file), "grace file kept after enrollment")
        # a later enrollment (after a factor reset) starts with the full grace
        self.emu.reset()
        self.emu.add_users([{"username": "alice", "password": "alice-pw",
                             "phone": "18812345678", "factors": []}])
        self.postpone("2 left")

    def test_two_logins_race_for_the_last_postponement(self):
        # both see one postponement left; neither answers later before both
        # have been shown the menu (a barrier of two files, at most 25 s, not
        # a sleep: under valgrind one driver can be seconds behind the
        # other); the grace file's lock lets exactly one of them have it
        self.write_config(enroll_grace=1)
        self.make_state_dir()
        procs = []
        seen = [os.path.join(self.dir, "menu%d" % i) for i in range(2)]
        for i in range(2):
            tx = os.path.join(self.dir, "tx%d" % i)
            barrier = ("touch %s; for n in $(seq 500); do [ -e %s ] && [ -e %s ] && break; "
                       "sleep 0.05; done; echo later" % (seen[i], seen[0], seen[1]))
            cmd = WRAPPER + [DRIVER, "--syslog", self.syslog, "--transcript", tx,
                             self.confdir, "genauth-test", "alice", "alice-pw",
                             "@exec:" + barrier, "@empty"]
            procs.append((subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                           universal_newlines=True), tx))
        outcomes = []
        for proc, tx in procs:
            out, err = proc.communicate(timeout=60 * SLOW)
            shown = "\n".join(d.decode() for k, d, _ in read_transcript(tx)
                              if d is not None and k != "ANSWER")
            outcomes.append((proc.returncode, shown))
        self.assertEqual(sorted(rc for rc, _ in outcomes), [PAM_PERM_DENIED, PAM_AUTH_ERR],
                         outcomes)
        for rc, shown in outcomes:
            self.assertIn(later_line("1 left"), shown)  # both were offered it
            if rc == PAM_AUTH_ERR:
                self.assertIn("Setup cannot be postponed now. Choose a method.\n" + MENU_HEAD,
                              shown)
                self.assertNotIn(POSTPONED, shown)
            else:
                self.assertIn(POSTPONED, shown)
        self.assertEqual(self.grace_record()[0], 1)
        with open(self.syslog) as f:
            log = f.read()
        self.assertEqual(log.count("no postponement left (1 used): postponing refused"), 1, log)
        self.assertEqual(log.count("answered later, but the postponement could not be "
                                   "recorded"), 1, log)

    # ---- enroll_grace_until (a date) ----
    def test_date_in_the_past(self):
        self.write_config(enroll_grace_until=utc_day(-1))
        self.refused_later()
        self.assertFalse(os.path.exists(self.grace_file))

    def test_date_in_the_future(self):
        self.write_config(enroll_grace_until="2099-12-31")
        res = self.postpone("until 2099-12-31")
        self.assertIn("unlimited postponement(s) left, until 2099-12-31", res.syslog)
        res = self.postpone("until 2099-12-31")  # no count: again and again
        self.assertEqual(self.grace_record()[0], 2)

    def test_date_today_still_allows(self):
        today = utc_day(0)
        self.write_config(enroll_grace_until=today)
        self.postpone("until %s" % today)

    def test_count_and_date(self):
        self.write_config(enroll_grace=2, enroll_grace_until="2099-12-31")
        self.postpone("2 left, until 2099-12-31")
        self.postpone("1 left, until 2099-12-31")
        self.refused_later()

    def test_count_left_but_date_passed(self):
        self.write_config(enroll_grace=5, enroll_grace_until=utc_day(-1))
        self.refused_later()

    # ---- a grace file that cannot be trusted: no `later`, one log line ----
    def untrusted(self, why, **kw):
        self.write_config(enroll_grace=5)
        self.write_grace(kw.pop("text", "pam_genauth grace 1\nused 1\nlast 1700000000\n"),
                         **kw)
        before = os.lstat(self.grace_file)
        res = self.refused_later()
        want = "enrollment grace file alice.grace %s: no postponing until it is removed" % why
        self.assertIn(want, res.syslog)
        self.assertEqual(res.syslog.count("enrollment grace file"), 1, res.syslog)
        after = os.lstat(self.grace_file)  # never repaired or removed
        self.assertEqual((before.st_ino, before.st_size, before.st_mode),
                         (after.st_ino, after.st_size, after.st_mode))
        return res

    def test_corrupt_grace_file(self):
        for text in ("garbage", "pam_genauth grace 1\nused -1\nlast 0\n",
                     "pam_genauth grace 1\nused 01\nlast 0\n",
                     "pam_genauth grace 1\nused 1\nlast 0\nextra\n",
                     "pam_genauth grace 2\nused 1\nlast 0\n", "\0" * 10):
            with self.subTest(text=text):
                self.untrusted("is corrupt", text=text)

    def test_oversized_grace_file(self):
        self.untrusted("is too large", text="pam_genauth grace 1\n" + "x" * 4096)

    def test_grace_file_wrong_owner(self):
        self.untrusted("is not owned by root" if os.geteuid() == 0 else
                       "is owned neither by root nor by the current user", uid=65534)

    def test_grace_file_wrong_mode(self):
        for mode in (0o644, 0o620, 0o604):
            with self.subTest(mode=oct(mode)):
                self.untrusted("is accessible by group or others", mode=mode)

    def test_grace_file_symlink(self):
        self.write_config(enroll_grace=5)
        self.make_state_dir()
        target = os.path.join(self.dir, "elsewhere")
        with open(target, "w") as f:
            f.write("pam_genauth grace 1\nused 0\nlast 0\n")
        os.chmod(target, 0o600)
        os.symlink(target, self.grace_file)
        res = self.refused_later()
        self.assertIn("enrollment grace file alice.grace is a symlink", res.syslog)
        self.assertEqual(res.syslog.count("enrollment grace file"), 1, res.syslog)

    def test_grace_file_hard_link(self):
        self.write_config(enroll_grace=5)
        self.write_grace("pam_genauth grace 1\nused 0\nlast 0\n")
        os.link(self.grace_file, os.path.join(self.state_dir, "other-link"))
        res = self.refused_later()
        self.assertIn("enrollment grace file alice.grace has more than one hard link",
                      res.syslog)

    def test_grace_file_is_a_directory(self):
        self.write_config(enroll_grace=5)
        self.make_state_dir()
        os.mkdir(self.grace_file, 0o700)
        res = self.refused_later()
        self.assertIn("enrollment grace file alice.grace is not a regular file", res.syslog)

    # ---- non-interactive clients ----
    def noninteractive(self, mode, *answers, expect, **config):
        self.write_config(noninteractive=mode, **config)
        res = self.tlogin("alice-pw", *answers)
        if expect == "ignore":
            self.assertIgnored(res)
        else:
            self.assertRc(res, expect)
        self.assertEqual(self.calls(SEND), [], repr(res))
        self.assertEqual(self.calls(BIND), [], repr(res))
        self.assertEqual(self.emu.outbox(), [])
        return res

    def check_turned_away(self, res, mode):
        self.assertIn("enrollment not started: the conversation cannot answer questions",
                      res.syslog)
        self.assertIn("noninteractive = %s" % mode, res.syslog)
        # how fast: tests/bench/bench_quick_exits.py prints the figure
        self.assertEqual(len(self.calls(SIGNIN)), 1)

    def test_conversation_error_at_menu_deny(self):
        res = self.noninteractive("deny", "@conv-err", expect=PAM_AUTH_ERR)
        self.check_turned_away(res, "deny")
        self.assertNotIn(IGNORED, res.syslog)

    def test_conversation_error_at_menu_ignore(self):
        res = self.noninteractive("ignore", "@conv-err", expect="ignore")
        self.check_turned_away(res, "ignore")

    def test_null_answer_at_menu_ignore(self):
        res = self.noninteractive("ignore", "@null", expect="ignore")
        self.check_turned_away(res, "ignore")

    def test_conversation_error_at_menu_with_grace_offered(self):
        # the grace offer does not turn a non-interactive client into a postponement
        res = self.noninteractive("deny", "@conv-err", expect=PAM_AUTH_ERR, enroll_grace=2)
        self.check_turned_away(res, "deny")
        self.assertFalse(os.path.exists(self.grace_file))

    def test_conversation_error_at_phone_prompt_without_menu(self):
        # one factor: the phone prompt is the first question
        for mode, expect in (("deny", PAM_AUTH_ERR), ("ignore", "ignore")):
            with self.subTest(mode=mode):
                self.emu.reset()
                self.emu.add_users([{"username": "alice", "password": "alice-pw",
                                     "factors": []}])
                res = self.noninteractive(mode, "@conv-err", expect=expect, factors=["SMS"])
                self.check_turned_away(res, mode)

    def test_conversation_error_at_otp_menu(self):
        res = self.noninteractive("ignore", "@conv-err", expect="ignore", factors=["OTP"])
        self.check_turned_away(res, "ignore")
        self.assertNotIn("Or enter this key by hand", res.shown)

    def test_conversation_error_later_stays_conv_err(self):
        for mode in ("deny", "ignore"):
            with self.subTest(mode=mode, factor="SMS"):
                self.emu.reset()
                self.emu.add_users([{"username": "alice", "password": "alice-pw",
                                     "factors": []}])
                self.write_config(noninteractive=mode)
                res = self.tlogin("alice-pw", "1", "18812345678", "@conv-err")
                self.assertRc(res, PAM_CONV_ERR)
                self.assertNotIn("enrollment not started", res.syslog)
                self.assertIn("enrollment stopped: the conversation ended", res.syslog)
            with self.subTest(mode=mode, factor="OTP"):
                self.emu.reset()
                self.emu.add_users([{"username": "alice", "password": "alice-pw",
                                     "factors": []}])
                self.write_config(noninteractive=mode, factors=["SMS", "OTP"])
                res = self.tlogin("alice-pw", "2", "@conv-err")
                self.assertRc(res, PAM_CONV_ERR)
                self.assertNotIn("enrollment not started", res.syslog)

    def test_conversation_error_at_verification_is_never_ignored(self):
        self.emu.add_users([{"username": "olga", "password": "olga-pw",
                             "factors": [{"factorType": "OTP"}]}])
        self.write_config(noninteractive="ignore", factors=["OTP", "SMS"])
        res = self.tlogin("olga-pw", "@conv-err", user="olga")
        self.assertRc(res, PAM_CONV_ERR)
        self.assertNotIn(IGNORED, res.syslog)


if __name__ == "__main__":
    main()
