"""What the issue 4 catalogue rows share: users who already have a factor
(OTP, SMS, EMAIL, all three), the Management API config, the answers that
reach each verification prompt, and checks of what reached the server."""

from hostlib import (LIST, MGMT_TOKEN, SEND_EMAIL, SEND_SMS, SIGNIN, TOTP, TRIGGER,
                     V2_EMAIL, V2_RECOVERY, V2_SMS)

OLGA_SECRET = "KRSXG5CTMVRXEZLUKN2XAZLSONSWG4TF"
OLGA_RECOVERY = "olga-rcv1-7h3k-q9zz-m4p2"
MIA_SECRET = "MZXW6YTBOI3TEMZUGU3DOOBZGAYTEMZU"
MIA_RECOVERY = "mia0-rcv2-b8n5-w1xx-c6t7"
ERIN_PHONE = "13900001111"
EMMA_EMAIL = "emma.private@example.com"

OLGA = {"username": "olga", "password": "olga-pw", "phone": "13700002222",
        "email": "olga@example.com",
        "factors": [{"factorType": "OTP", "secret": OLGA_SECRET, "recoveryCode": OLGA_RECOVERY}]}
EMMA = {"username": "emma", "password": "emma-pw", "email": EMMA_EMAIL,
        "factors": [{"factorType": "EMAIL", "profile": {"email": EMMA_EMAIL}}]}
MIA = {"username": "mia", "password": "mia-pw", "phone": "13600003333",
       "email": "mia.private@example.com",
       "factors": [{"factorType": "OTP", "secret": MIA_SECRET, "recoveryCode": MIA_RECOVERY},
                   {"factorType": "SMS", "profile": {"phoneNumber": "13600003333",
                                                     "phoneCountryCode": "+86"}},
                   {"factorType": "EMAIL", "profile": {"email": "mia.private@example.com"}}]}
MFA_USERS = [OLGA, EMMA, MIA]
PASSWORDS = {"olga": "olga-pw", "erin": "erin-pw", "emma": "emma-pw", "mia": "mia-pw",
             "alice": "alice-pw"}

# the calls of a verification
OTP_OK = [SIGNIN, LIST, TOTP]
SMS_OK = [SIGNIN, LIST, MGMT_TOKEN, TRIGGER, SEND_SMS, V2_SMS]
EMAIL_OK = [SIGNIN, LIST, MGMT_TOKEN, TRIGGER, SEND_EMAIL, V2_EMAIL]
RECOVERY_OK = [SIGNIN, LIST, MGMT_TOKEN, TRIGGER, V2_RECOVERY]
# codes the emulator sends for verification (fixed_code) and one never sent
CODE = "482913"
WRONG = "135790"
FIXED = {"fixed_code": CODE}

VERIFIED = "verified with"
WRONG_LINE = "wrong "  # "wrong OTP code (1 of 3)", "wrong SMS code ..."


def calls_count(path, n):
    def check(r):
        got = r.paths().count(path)
        assert got == n, "%s called %d times, want %d" % (path, got, n)
    return check


def bodies_of(path, *want):
    """Check: the bodies sent to path, in order, are exactly want."""
    def check(r):
        got = r.bodies(path)
        assert got == list(want), "%s bodies %r, want %r" % (path, got, list(want))
    return check
