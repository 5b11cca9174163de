"""The GenAuth endpoint paths the module calls (../shared/genauth-api.md
sections 3-6), in one place for every Python test. The emulator keeps
its own route strings on purpose: a typo here must not be matched by the
same typo there."""

# V3, the user's access token (or the app credentials for the sign-in)
SIGNIN = "/api/v3/signin"
LIST = "/api/v3/list-enrolled-factors"
TO_ENROLL = "/api/v3/list-factors-to-enroll"
SEND = "/api/v3/send-enroll-factor-request"
BIND = "/api/v3/enroll-factor"
TOTP = "/api/v3/mfa-totp-verify"
# V3, the Management API
MGMT_TOKEN = "/api/v3/get-management-token"
TRIGGER = "/api/v3/get-mfa-trigger-data"
GET_USER = "/api/v3/get-user"
MFA_INFO = "/api/v3/get-user-mfa-info"
SEND_SMS = "/api/v3/send-sms"
SEND_EMAIL = "/api/v3/send-email"
# V2, Bearer <mfaToken>
V2_SMS = "/api/v2/applications/mfa/sms/verify"
V2_EMAIL = "/api/v2/applications/mfa/email/verify"
V2_TOTP = "/api/v2/mfa/totp/verify"
V2_RECOVERY = "/api/v2/mfa/totp/recovery"
