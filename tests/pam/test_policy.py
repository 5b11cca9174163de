#!/usr/bin/python3
"""End to end through real libpam against the GenAuth emulator over TLS:
the policy (bypass_users, services, users, groups, noninteractive_services,
noninteractive). A user or service out of scope gets its result at once:
no prompt, no request to GenAuth, no state_dir, one LOG_INFO line."""

import grp
import os
import pwd

from pamlib import (BUILD, PAM_USER_UNKNOWN, PAM_AUTH_ERR, PAM_IGNORE, PAM_PERM_DENIED, PAM_SERVICE_ERR,
                    PamCase, main)

SIGNIN = "/api/v3/signin"

# The PAM user for the group cases must be known to NSS: the user running
# the tests, added to the emulator under the same name.
ME = pwd.getpwuid(os.geteuid())
PRIMARY = grp.getgrgid(ME.pw_gid).gr_name


def my_groups():
    """Names of the runner's groups, primary first (what the module sees)."""
    names = []
    for gid in os.getgrouplist(ME.pw_name, ME.pw_gid):
        try:
            name = grp.getgrgid(gid).gr_name
        except KeyError:
            continue
        if name not in names:
            names.append(name)
    return names


def supplementary_user():
    """(user, primary group, a supplementary group) of some NSS user with a
    supplementary group, the runner first; None if there is none."""
    for u in [ME] + sorted(pwd.getpwall(), key=lambda u: u.pw_name):
        try:
            primary = grp.getgrgid(u.pw_gid).gr_name
            names = [grp.getgrgid(g).gr_name for g in os.getgrouplist(u.pw_name, u.pw_gid)]
        except KeyError:
            continue
        extra = [n for n in names if n != primary]
        if extra:
            return u.pw_name, primary, extra[-1]
    return None


def absent_group():
    taken = {g.gr_name for g in grp.getgrall()}
    name = "ga-no-such-group"
    while name in taken:
        name += "x"
    return name


class Policy(PamCase):

    def setUp(self):
        super().setUp()
        self.emu.add_users([{"username": ME.pw_name, "password": "me-pw", "factors": []}])

    # ---- helpers ----
    def excluded(self, reason, user="alice", service="genauth-test", expect=PAM_IGNORE,
                 line=None):
        """A run that must stop at the policy: no prompt, no request, no
        state_dir, the one log line."""
        if service != "genauth-test":
            self.stack("auth required {mod} conf={conf}", service=service)
        res = self.login("alice-pw", user=user, service=service)
        # PAM_IGNORE alone in a stack: libpam reports PAM_PERM_DENIED, which
        # the module itself never returns
        self.assertRc(res, PAM_PERM_DENIED if expect == PAM_IGNORE else expect)
        self.assertEqual(res.prompts, [], repr(res))
        self.assertEqual(self.calls(), [], repr(res))
        self.assertFalse(os.path.exists(self.state_dir), "state_dir touched\n%r" % res)
        want = line or "user %s service %s: not asked for MFA: %s" % (user, service, reason)
        self.assertIn("<6> pam_genauth(%s:auth): %s\n" % (service, want), res.syslog)
        self.assertEqual(res.syslog.count("not asked for MFA"), 1, res.syslog)
        # how fast: tests/bench/bench_quick_exits.py prints the figure
        self.assertEqual(res.stderr, "", repr(res))  # incl. sanitizer reports
        return res

    def asked(self, user="alice", service="genauth-test"):
        """A run in scope: the module asks for the password and signs in
        (a wrong one, so the run ends there)."""
        if service != "genauth-test":
            self.stack("auth required {mod} conf={conf}", service=service)
        res = self.login("wrong-pw", user=user, service=service)
        self.assertRc(res, PAM_AUTH_ERR)
        self.assertEqual(len(self.calls(SIGNIN)), 1, repr(res))
        self.assertNotIn("not asked for MFA", res.syslog)
        return res

    # ---- defaults ----
    def test_default_asks_everyone_everywhere(self):
        self.asked()
        self.emu.reset()
        self.emu.add_users([{"username": ME.pw_name, "password": "me-pw", "factors": []}])
        self.asked(user=ME.pw_name, service="cron")

    # ---- bypass_users ----
    def test_bypass_user(self):
        self.write_config(bypass_users=["breakglass", "root-*"])
        self.excluded("break-glass user (bypass_users)", user="breakglass")
        self.excluded("break-glass user (bypass_users)", user="root-emergency")
        self.asked(user="alice")

    def test_bypass_wins_over_everything(self):
        self.write_config(bypass_users=["alice"], users=["bob"], services=["sudo"],
                          noninteractive_services=["*"], groups=[absent_group()])
        self.excluded("break-glass user (bypass_users)")

    def test_bypass_needs_no_group_lookup(self):
        # regression: the group look-up ran before bypass_users, so a failing
        # NSS (LDAP down) locked out the break-glass account too
        shim = os.path.join(BUILD, "tests", "pam", ".libs", "nss_fail.so")
        env = dict(os.environ, LD_PRELOAD=shim)
        self.write_config(bypass_users=["breakglass"], groups=["*"])
        res = self.login("alice-pw", user="breakglass", env=env)
        self.assertRc(res, PAM_PERM_DENIED)  # the module's PAM_IGNORE, alone
        self.assertIn("not asked for MFA: break-glass user (bypass_users)", res.syslog)
        res = self.login("alice-pw", user="alice", env=env)
        self.assertRc(res, PAM_SERVICE_ERR)
        self.assertEqual(res.prompts, [], repr(res))
        self.assertEqual(self.calls(), [], repr(res))

    def test_odd_user_name_on_an_excluded_service(self):
        # regression: a user name the module refuses (not printable ASCII,
        # over 255 bytes) was refused before the policy, so it failed even
        # services and users the admin had left out
        self.write_config(services=["sshd"])
        # the name is logged sanitised: one '?' per non-ASCII byte
        self.excluded("service not in services", user="jos\u00e9",
                      line="user jos?? service genauth-test: not asked for MFA: service not "
                           "in services")
        self.excluded("service not in services", user="u" * 300,
                      line="user %s... service genauth-test: not asked for MFA: service not "
                           "in services" % ("u" * 60))
        self.write_config(users=["alice"])
        self.excluded("user not in users", user="jos\u00e9",
                      line="user jos?? service genauth-test: not asked for MFA: user not in users")
        self.write_config()
        res = self.login("alice-pw", user="jos\u00e9")
        self.assertRc(res, PAM_USER_UNKNOWN)
        self.assertEqual(self.calls(), [], repr(res))
        self.assertIn("refusing a user name that is empty, too long or not printable ASCII",
                      res.syslog)

    # ---- services ----
    def test_services_include(self):
        self.write_config(services=["sshd", "sudo"])
        self.excluded("service not in services", service="genauth-test")
        self.excluded("service not in services", service="su")
        self.asked(service="sudo")

    def test_services_exclude(self):
        self.write_config(services=["*", "!cron", "!*lock*"])
        self.excluded("service not in services", service="cron")
        self.excluded("service not in services", service="xscreensaver-lock")
        self.asked(service="sshd")

    # ---- users ----
    def test_users_include(self):
        self.write_config(users=["alice", "car?l"])
        self.excluded("user not in users", user="bob")
        self.asked(user="alice")

    def test_users_exclude(self):
        self.write_config(users=["*", "!bob", "!svc-*"])
        self.excluded("user not in users", user="bob")
        self.excluded("user not in users", user="svc-backup")
        self.asked(user="alice")

    # ---- groups (the runner's real groups, through NSS) ----
    def test_groups_include_primary(self):
        self.write_config(groups=[PRIMARY])
        self.asked(user=ME.pw_name)

    def test_groups_include_pattern(self):
        self.write_config(groups=[PRIMARY[0] + "*"])
        self.asked(user=ME.pw_name)

    def supplementary(self):
        found = supplementary_user()
        if not found:
            self.skipTest("no user of this system has a supplementary group")
        self.emu.add_users([{"username": found[0], "password": "x-pw", "factors": []}])
        return found

    def test_groups_include_supplementary(self):
        user, primary, extra = self.supplementary()
        self.write_config(groups=[extra])
        self.asked(user=user)

    def test_groups_negated_supplementary(self):
        # member of the listed primary group, but in a negated supplementary one
        user, primary, extra = self.supplementary()
        self.write_config(groups=[primary, "!" + extra])
        self.excluded("groups of the user not in groups", user=user)
        self.write_config(groups=[primary, "!" + absent_group()])
        self.asked(user=user)

    def test_groups_not_member(self):
        self.write_config(groups=[absent_group()])
        self.excluded("groups of the user not in groups", user=ME.pw_name)

    def test_groups_negated_primary(self):
        self.write_config(groups=["*", "!" + PRIMARY])
        self.excluded("groups of the user not in groups", user=ME.pw_name)

    def test_groups_negated_wins_over_member(self):
        # in a listed group and in a negated one: out
        mine = my_groups()
        self.write_config(groups=mine + ["!" + mine[-1]])
        self.excluded("groups of the user not in groups", user=ME.pw_name)

    def test_groups_negated_other(self):
        self.write_config(groups=["*", "!" + absent_group()])
        self.asked(user=ME.pw_name)

    def test_groups_unknown_user_has_none(self):
        # alice is a GenAuth user unknown to NSS: she matches no group
        self.write_config(groups=["*"])
        self.excluded("groups of the user not in groups", user="alice")

    # ---- non-interactive ----
    def test_noninteractive_service_denied(self):
        self.write_config(noninteractive_services=["cron", "sftp*"])
        tail = "non-interactive service (noninteractive_services); noninteractive = deny"
        self.excluded(tail, service="cron", expect=PAM_AUTH_ERR)
        self.excluded(tail, service="sftp-server", expect=PAM_AUTH_ERR)
        self.asked(service="sshd")

    def test_noninteractive_service_ignore(self):
        self.write_config(noninteractive_services=["cron"], noninteractive="ignore")
        self.excluded("non-interactive service (noninteractive_services); noninteractive "
                      "= ignore", service="cron", expect=PAM_IGNORE)

    def test_out_of_scope_before_noninteractive(self):
        self.write_config(services=["sshd"], noninteractive_services=["*"])
        self.excluded("service not in services", service="cron")

    # ---- the order of the checks and the config ----
    def test_bad_state_dir_only_matters_in_scope(self):
        # an excluded user needs no state_dir; one in scope gets the error
        self.write_config(users=["*", "!bob"], state_dir="/nonexistent-parent/state")
        self.excluded("user not in users", user="bob")
        res = self.login("alice-pw", user="alice")
        self.assertRc(res, PAM_SERVICE_ERR)
        self.assertEqual(self.calls(), [])

    def test_bad_policy_config_refused(self):
        self.write_config(users=["*", "!"])
        res = self.login("alice-pw", user="bob")
        self.assertRc(res, PAM_SERVICE_ERR)
        self.assertIn('users: pattern 2 is a lone "!"', res.syslog)
        self.assertEqual(self.calls(), [])


if __name__ == "__main__":
    main()
