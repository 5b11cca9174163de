"""Issue 4 endpoints of the GenAuth emulator (no HTTP here): the Management API,
sending verification codes, and V2 verification with an mfaToken.

MfaApi is a mixin of emu_core.Core: it uses Core's lock, settings, users,
envelopes and outbox. See README.md ("Management API", "Verifying with an
mfaToken") and genauth-api.md sections 5 and 6.
"""

import copy
import hmac
import secrets

from emu_model import (FACTOR_TYPES, RE_CC, RE_DIGITS, RE_EMAIL, BadValue,
                       new_recovery_code, totp_step)

MGMT_TOKEN = "/api/v3/get-management-token"
USER_ID_TYPES = ("username", "user_id", "email", "phone", "external_id")
VERIFY_MFA = "CHANNEL_VERIFY_MFA"
BIND_MFA = "CHANNEL_BIND_MFA"   # recorded in the outbox for enrollment codes
SMS_CHANNELS = ("CHANNEL_LOGIN", "CHANNEL_REGISTER", "CHANNEL_RESET_PASSWORD",
                "CHANNEL_BIND_PHONE", "CHANNEL_UNBIND_PHONE", "CHANNEL_BIND_MFA",
                "CHANNEL_VERIFY_MFA", "CHANNEL_UNBIND_MFA", "CHANNEL_COMPLETE_PHONE",
                "CHANNEL_IDENTITY_VERIFICATION", "CHANNEL_DELETE_ACCOUNT")
EMAIL_CHANNELS = ("CHANNEL_LOGIN", "CHANNEL_VERIFY_EMAIL_LINK", "CHANNEL_CHANGE_EMAIL",
                  "CHANNEL_REGISTER", "CHANNEL_VERIFY", "CHANNEL_BIND_EMAIL",
                  "CHANNEL_UNBIND_EMAIL", "CHANNEL_VERIFY_MFA", "CHANNEL_UNBIND_MFA",
                  "CHANNEL_COMPLETE_EMAIL", "CHANNEL_DELETE_ACCOUNT")

# V2 business codes (the "code" of {"code", "message", "data"?})
V2_WRONG_CODE = 2001
V2_NOT_LOGGED_IN = 2020
V2_MFA_TOKEN_EXPIRED = 2021
V2_WRONG_TOTP = 6001
V2_WRONG_RECOVERY = 6002


def sms_target(cc, phone):
    return "%s %s" % (cc, phone)


class MfaApi:
    """Mixin: state and handlers of the issue 4 endpoints."""

    def mfa_routes(self):
        """(method, path) -> (handler, kind); kind: auth (app-id checked),
        mgmt (management token + user pool id), mgmt_token, v2 (app-id
        checked, V2 envelope)."""
        return {
            ("POST", MGMT_TOKEN): (self.api_mgmt_token, "mgmt_token"),
            ("GET", "/api/v3/get-mfa-trigger-data"): (self.api_mfa_trigger, "mgmt"),
            ("GET", "/api/v3/get-user"): (self.api_get_user, "mgmt"),
            ("GET", "/api/v3/get-user-mfa-info"): (self.api_get_user_mfa_info, "mgmt"),
            ("POST", "/api/v3/send-sms"): (self.api_send_sms, "auth"),
            ("POST", "/api/v3/send-email"): (self.api_send_email, "auth"),
            ("POST", "/api/v2/applications/mfa/sms/verify"): (self.api_v2_sms, "v2"),
            ("POST", "/api/v2/applications/mfa/email/verify"): (self.api_v2_email, "v2"),
            ("POST", "/api/v2/mfa/totp/verify"): (self.api_v2_totp, "v2"),
            ("POST", "/api/v2/mfa/totp/recovery"): (self.api_v2_recovery, "v2"),
        }

    def reset_mfa(self):
        self.mgmt_tokens = {}    # management token -> expiry (emulator clock)
        self.verify_codes = {}   # ("SMS"|"EMAIL", target) -> code record
        self.counts = {}         # API path -> requests received (faulted ones too)
        self.mgmt_issued = 0     # management tokens handed out

    # ----- control helpers -----
    def count_request(self, path):
        with self.lock:
            self.counts[path] = self.counts.get(path, 0) + 1

    def get_counts(self):
        with self.lock:
            return {"counts": dict(self.counts),
                    "mgmt_token_requests": self.counts.get(MGMT_TOKEN, 0),
                    "mgmt_tokens_issued": self.mgmt_issued}

    def clear_counts(self):
        with self.lock:
            self.counts = {}
            self.mgmt_issued = 0

    def revoke_mgmt_tokens(self):
        with self.lock:
            n = len(self.mgmt_tokens)
            self.mgmt_tokens = {}
            return n

    def mint_mfa_token(self, username, lifetime=None):
        with self.lock:
            user = self.users.get(username)
            if user is None:
                raise BadValue("no such user %r" % username)
            return self._issue_mfa_token(user, lifetime)

    def mfa_snapshot(self):
        now = self.now()
        return {
            "mfa_tokens": sum(1 for t in self.mfa_tokens.values() if t["expires"] > now),
            "mgmt_tokens": sum(1 for e in self.mgmt_tokens.values() if e > now),
            "verify_codes": [
                {"factorType": k[0], "to": k[1], "expires": v["expires"],
                 "wrong": v["wrong"], "user": v["user"]}
                for k, v in self.verify_codes.items()],
        }

    def identify_mfa(self, req):
        """The user a management, send or V2 request is about (or None)."""
        rec = self._mfa_token_record(req)
        if rec:
            return rec["username"]
        if req.path.startswith("/api/v3/get-") and req.query.get("userId"):
            user = self._lookup(req.query.get("userIdType") or "user_id",
                                req.query["userId"])
            return user["username"] if user else req.query["userId"]
        body = req.body if isinstance(req.body, dict) else {}
        if isinstance(body.get("phoneNumber"), str):
            user = self._user_by_phone(body.get("phoneCountryCode") or "+86",
                                       body["phoneNumber"])
            return user["username"] if user else None
        if isinstance(body.get("email"), str):
            user = self._user_by_email(body["email"])
            return user["username"] if user else None
        return None

    # ----- lookups -----
    def _factor(self, user, ftype):
        for f in user["factors"]:
            if f["factorType"] == ftype:
                return f
        return None

    def _user_by_phone(self, cc, phone):
        for u in self.users.values():
            f = self._factor(u, "SMS")
            if f and (f["profile"]["phoneCountryCode"], f["profile"]["phoneNumber"]) == (cc, phone):
                return u
        for u in self.users.values():
            if u["phone"] == phone and u["phoneCountryCode"] == cc:
                return u
        return None

    def _user_by_email(self, email):
        email = email.lower()
        for u in self.users.values():
            f = self._factor(u, "EMAIL")
            if f and f["profile"]["email"].lower() == email:
                return u
        for u in self.users.values():
            if u["email"] and u["email"].lower() == email:
                return u
        return None

    def _lookup(self, id_type, value):
        for u in self.users.values():
            if id_type == "username" and u["username"] == value:
                return u
            if id_type == "user_id" and u["userId"] == value:
                return u
            if id_type == "external_id" and u["externalId"] == value:
                return u
        if id_type == "email":
            for u in self.users.values():
                if u["email"] and u["email"].lower() == value.lower():
                    return u
        if id_type == "phone":
            return self._find_user("phone", value)
        return None

    # ----- management API -----
    def api_mgmt_token(self, req):
        s = self.settings
        kid, ksecret = req.body.get("accessKeyId"), req.body.get("accessKeySecret")
        if not isinstance(kid, str) or not kid:
            return self.bad_param(req, "accessKeyId")
        if not isinstance(ksecret, str) or not ksecret:
            return self.bad_param(req, "accessKeySecret")
        good = (hmac.compare_digest(kid.encode(), s["userpool_id"].encode())
                & hmac.compare_digest(ksecret.encode(), s["userpool_secret"].encode()))
        if not good:
            answer = s["mgmt_auth_error"]
            if isinstance(answer, dict):
                return self.custom(req, answer)
            return self.envelope(req, answer, "mgmt_bad_credentials")
        token = "emu-mt-" + secrets.token_urlsafe(24)
        self.mgmt_tokens[token] = self.now() + s["mgmt_token_lifetime"]
        self.mgmt_issued += 1
        return self.ok(req, {"access_token": token, "expires_in": s["mgmt_token_lifetime"]})

    def _bearer(self, req):
        """The token of the authorization header in an accepted form, or None."""
        auth = req.headers.get("authorization")
        if not auth:
            return None
        if auth[:7].lower() == "bearer ":
            form, token = "bearer", auth[7:].strip()
        else:
            form, token = "raw", auth.strip()
        return token if form in self.settings["accept_token_forms"] and token else None

    def _require_mgmt(self, req):
        """None, or the error envelope of a management call without a valid
        token or user pool id."""
        s = self.settings
        token = self._bearer(req)
        expires = self.mgmt_tokens.get(token) if token else None
        if expires is None or expires <= self.now():
            return self.envelope(req, 401, "mgmt_unauthorized")
        if not s["require_userpool_id"]:
            return None
        pool = None
        for p in s["header_prefixes"]:
            if (p + "userpool-id") in req.headers:
                pool = req.headers[p + "userpool-id"]
                break
        if pool != s["userpool_id"]:
            return self.envelope(req, 400, "pool_not_found")
        return None

    def _mgmt_user(self, req):
        """(user, None) or (None, error envelope): a valid management call
        about ?userId&userIdType."""
        err = self._require_mgmt(req)
        if err:
            return None, err
        return self._query_user(req)

    def _query_user(self, req):
        uid, id_type = req.query.get("userId"), req.query.get("userIdType") or "user_id"
        if not uid:
            return None, self.bad_param(req, "userId")
        if id_type not in USER_ID_TYPES:
            return None, self.bad_param(req, "userIdType")
        user = self._lookup(id_type, uid)
        if user is None:
            return None, self.envelope(req, 404, "user_not_found", api_code=2004)
        return user, None

    def api_mfa_trigger(self, req):
        app_id = req.query.get("appId")
        err = self._require_mgmt(req)
        if err:
            return err
        if not app_id:
            return self.bad_param(req, "appId")
        if app_id != self.settings["app_id"]:
            return self.envelope(req, 404, "app_not_found")
        user, err = self._query_user(req)
        if err:
            return err
        return self.ok(req, self.trigger_data(user, self._issue_mfa_token(user)))

    def api_get_user(self, req):
        user, err = self._mgmt_user(req)
        if err:
            return err
        return self.ok(req, {
            "userId": user["userId"], "username": user["username"], "email": user["email"],
            "phone": user["phone"], "phoneCountryCode": user["phoneCountryCode"],
            "externalId": user["externalId"],
            "status": "Suspended" if user["locked"] else "Activated"})

    def api_get_user_mfa_info(self, req):
        user, err = self._mgmt_user(req)
        if err:
            return err
        have = {f["factorType"] for f in user["factors"]}

        def st(t):
            return "enabled" if t in have else "disabled"
        return self.ok(req, {"totpStatus": st("OTP"), "smsMfaStatus": st("SMS"),
                             "emailMfaStatus": st("EMAIL"), "faceMfaStatus": st("FACE")})

    # ----- trigger data and mfaTokens -----
    def _issue_mfa_token(self, user, lifetime=None):
        token = "emu-mfa-" + secrets.token_urlsafe(24)
        life = self.settings["mfa_token_lifetime"] if lifetime is None else lifetime
        self.mfa_tokens[token] = {"username": user["username"], "expires": self.now() + life}
        return token

    def trigger_data(self, user, token):
        """The MFA trigger data (signin 1635/1636 answer, get-mfa-trigger-data).
        trigger_mfa_source "factors": applicationMfa lists the user's bound
        factor types and mfaPhone/mfaEmail come from the SMS/EMAIL factors;
        "application": applicationMfa lists every type with status 1 when
        enabled_factors has it (0 otherwise) and the targets fall back to the
        user's profile phone/email."""
        enabled = self.settings["enabled_factors"]
        types = [f["factorType"] for f in user["factors"]]
        sms, email = self._factor(user, "SMS"), self._factor(user, "EMAIL")
        data = {"mfaToken": token, "nickname": user["username"],
                "totpMfaEnabled": "OTP" in types, "faceMfaEnabled": "FACE" in types}
        if self.settings["trigger_mfa_source"] == "application":
            data["applicationMfa"] = [{"mfaPolicy": t, "status": 1 if t in enabled else 0,
                                       "sort": i} for i, t in enumerate(FACTOR_TYPES)]
            phone = (sms["profile"]["phoneCountryCode"], sms["profile"]["phoneNumber"]) \
                if sms else ((user["phoneCountryCode"], user["phone"]) if user["phone"] else None)
            mail = email["profile"]["email"] if email else user["email"]
        else:
            data["applicationMfa"] = [{"mfaPolicy": t, "status": 1, "sort": i}
                                      for i, t in enumerate(types)]
            phone = (sms["profile"]["phoneCountryCode"], sms["profile"]["phoneNumber"]) \
                if sms else None
            mail = email["profile"]["email"] if email else None
        if phone:
            data["mfaPhoneCountryCode"], data["mfaPhone"] = phone
        if mail:
            data["mfaEmail"] = mail
        return data

    def _mfa_token_record(self, req):
        token = self._bearer(req)
        return self.mfa_tokens.get(token) if token else None

    # ----- POST /api/v3/send-sms, /api/v3/send-email -----
    def api_send_sms(self, req):
        body = req.body
        phone, cc = body.get("phoneNumber"), body.get("phoneCountryCode")
        if not isinstance(phone, str) or not RE_DIGITS.match(phone):
            return self.bad_param(req, "phoneNumber")
        if cc is None:
            cc = "+86"
        if not isinstance(cc, str) or not RE_CC.match(cc):
            return self.bad_param(req, "phoneCountryCode")
        if body.get("channel") not in SMS_CHANNELS:
            return self.bad_param(req, "channel")
        target = sms_target(cc, phone)
        return self._send_verify(req, "SMS", target, target, body["channel"],
                                 self._user_by_phone(cc, phone))

    def api_send_email(self, req):
        body = req.body
        email = body.get("email")
        if not isinstance(email, str) or len(email) > 254 or not RE_EMAIL.match(email):
            return self.bad_param(req, "email")
        if body.get("channel") not in EMAIL_CHANNELS:
            return self.bad_param(req, "channel")
        return self._send_verify(req, "EMAIL", email.lower(), email, body["channel"],
                                 self._user_by_email(email))

    def _send_verify(self, req, ftype, target, shown, channel, user):
        err = self._rate_limited(req, ftype, target)
        if err:
            return err
        code = self._new_code()
        self.last_send[target] = self.now()
        name = user["username"] if user else None
        if channel == VERIFY_MFA:
            self.verify_codes[(ftype, target)] = {
                "code": code, "expires": self.now() + self.settings["verify_code_lifetime"],
                "wrong": 0, "user": name}
        self._append(self.outbox_path, {
            "time": round(self.now(), 3), "channel": ftype, "to": shown, "user": name,
            "code": code, "enrollmentToken": None, "sendChannel": channel})
        return self.envelope(req, 200, "send_ok")

    # ----- V2 verification with "authorization: Bearer <mfaToken>" -----
    def _require_mfa_user(self, req):
        token = self._bearer(req)
        rec = self.mfa_tokens.get(token) if token else None
        if rec is None:
            return None, self.envelope(req, V2_NOT_LOGGED_IN, "mfa_token_invalid")
        if rec["expires"] <= self.now():
            return None, self.envelope(req, V2_MFA_TOKEN_EXPIRED, "mfa_token_expired")
        user = self.users.get(rec["username"])
        if user is None:
            return None, self.envelope(req, V2_NOT_LOGGED_IN, "mfa_token_invalid")
        return user, None

    def _v2_user_data(self, user):
        token = self._issue_token(user)
        return {"id": user["userId"], "username": user["username"], "email": user["email"],
                "phone": user["phone"], "token": token,
                "tokenExpiredAt": int(self.now() + self.settings["token_lifetime"]) * 1000}

    def _check_code(self, req, user, ftype, target, code):
        """None if code is the live CHANNEL_VERIFY_MFA code sent to target (it is
        used up), else the V2 error envelope."""
        rec = self.verify_codes.get((ftype, target))
        if rec is not None and rec["expires"] <= self.now():
            del self.verify_codes[(ftype, target)]
            rec = None
        if rec is None:
            return self.envelope(req, V2_WRONG_CODE, "code_expired")
        if not hmac.compare_digest(rec["code"].encode(), code.encode("utf-8", "replace")):
            rec["wrong"] += 1
            if rec["wrong"] >= self.settings["max_code_attempts"]:
                del self.verify_codes[(ftype, target)]
            return self.envelope(req, V2_WRONG_CODE, "wrong_code")
        del self.verify_codes[(ftype, target)]
        return None

    def api_v2_sms(self, req):
        user, err = self._require_mfa_user(req)
        if err:
            return err
        phone, code, cc = (req.body.get("phone"), req.body.get("code"),
                           req.body.get("phoneCountryCode"))
        if not isinstance(phone, str) or not phone:
            return self.bad_param(req, "phone")
        if not isinstance(code, str) or not code:
            return self.bad_param(req, "code")
        if cc is not None and (not isinstance(cc, str) or not RE_CC.match(cc)):
            return self.bad_param(req, "phoneCountryCode")
        f = self._factor(user, "SMS")
        if f is None or f["profile"]["phoneNumber"] != phone or \
                (cc or f["profile"]["phoneCountryCode"]) != f["profile"]["phoneCountryCode"]:
            return self.envelope(req, V2_WRONG_CODE, "mfa_target_mismatch")
        err = self._check_code(req, user, "SMS", sms_target(f["profile"]["phoneCountryCode"],
                                                            phone), code)
        return err or self.ok(req, self._v2_user_data(user))

    def api_v2_email(self, req):
        user, err = self._require_mfa_user(req)
        if err:
            return err
        email, code = req.body.get("email"), req.body.get("code")
        if not isinstance(email, str) or not email:
            return self.bad_param(req, "email")
        if not isinstance(code, str) or not code:
            return self.bad_param(req, "code")
        f = self._factor(user, "EMAIL")
        if f is None or f["profile"]["email"].lower() != email.lower():
            return self.envelope(req, V2_WRONG_CODE, "mfa_target_mismatch")
        err = self._check_code(req, user, "EMAIL", email.lower(), code)
        return err or self.ok(req, self._v2_user_data(user))

    def totp_check(self, factor, code):
        """True if code is the factor's TOTP (window, digits, period, reuse
        settings); an accepted step is remembered."""
        s = self.settings
        step = totp_step(factor["secret"], code, self.now(), s["totp_window"],
                         factor.get("digits", 6), factor.get("period", 30))
        if step is None:
            return False
        last = factor.get("lastStep")
        if s["totp_reuse"] == "reject" and last is not None and step <= last:
            return False
        factor["lastStep"] = step if last is None else max(step, last)
        return True

    def api_v2_totp(self, req):
        user, err = self._require_mfa_user(req)
        if err:
            return err
        code = req.body.get("totp")
        if not isinstance(code, str) or not code:
            return self.bad_param(req, "totp")
        f = self._factor(user, "OTP")
        if f is None:
            return self.envelope(req, 400, "otp_not_bound")
        if not self.totp_check(f, code):
            return self.envelope(req, V2_WRONG_TOTP, "wrong_totp")
        return self.ok(req, self._v2_user_data(user))

    def api_v2_recovery(self, req):
        user, err = self._require_mfa_user(req)
        if err:
            return err
        code = req.body.get("recoveryCode")
        if not isinstance(code, str) or not code:
            return self.bad_param(req, "recoveryCode")
        f = self._factor(user, "OTP")
        if f is None:
            return self.envelope(req, 400, "otp_not_bound")
        if not hmac.compare_digest(f["recoveryCode"].encode(), code.encode("utf-8", "replace")):
            return self.envelope(req, V2_WRONG_RECOVERY, "wrong_recovery")
        f["recoveryCode"] = new_recovery_code()
        data = self._v2_user_data(user)
        data["recoveryCode"] = f["recoveryCode"]
        return self.ok(req, copy.deepcopy(data))
