"""State and business logic of the GenAuth V3 API emulator (no HTTP here).

Everything that changes lives in one Core object guarded by one lock. API
handlers take an ApiRequest and return an envelope dict; the HTTP layer in
genauth_emulator.py turns that into bytes (and applies faults). Validation of
settings, users and faults is in emu_model.py.
"""

import base64
import copy
import hmac
import json
import os
import secrets
import threading
import time
import urllib.parse

from emu_messages import message, pick_lang
from emu_mfa import BIND_MFA, MfaApi
from emu_model import (FACTOR_TYPES, IDENTIFIERS, BadValue, check_profile,
                       default_settings, fake_jwt, make_factor, make_fault, make_user,
                       new_recovery_code, new_secret, otp_data, public_factor,
                       random_digits, totp, totp_step, validate_settings)

# --------------------------------------------------------------------------
# The request as seen by the API logic
# --------------------------------------------------------------------------
class ApiRequest:
    def __init__(self, method, path, query, headers, body):
        self.method = method
        self.path = path
        self.query = query          # dict name -> first value
        self.headers = headers      # dict lower-case name -> first value
        self.body = body            # parsed JSON object (dict) or None
        self.info = {}              # what the emulator noticed (logged)
        self.lang = "zh"
        self.v2 = path.startswith("/api/v2/")  # V2 envelope {code, message, data?}


# --------------------------------------------------------------------------
# Core
# --------------------------------------------------------------------------
class Core(MfaApi):
    def __init__(self, state_dir, base_settings=None, initial_users=None):
        self.lock = threading.RLock()
        self.state_dir = state_dir
        self.outbox_path = os.path.join(state_dir, "outbox.jsonl")
        self.requests_path = os.path.join(state_dir, "requests.jsonl")
        self.base_settings = default_settings()
        self.base_settings.update(validate_settings(base_settings or {}))
        self.initial_users = [make_user(u) for u in (initial_users or [])]
        # (method, path) -> (handler, kind); kinds: see MfaApi.mfa_routes
        self.routes = {
            ("POST", "/api/v3/signin"): (self.api_signin, "auth"),
            ("GET", "/api/v3/list-enrolled-factors"): (self.api_list_enrolled, "auth"),
            ("GET", "/api/v3/list-factors-to-enroll"): (self.api_list_to_enroll, "auth"),
            ("POST", "/api/v3/send-enroll-factor-request"): (self.api_send_enroll, "auth"),
            ("POST", "/api/v3/enroll-factor"): (self.api_enroll, "auth"),
            ("POST", "/api/v3/mfa-totp-verify"): (self.api_totp_verify, "auth"),
            ("GET", "/api/v3/get-factor"): (self.api_get_factor, "auth"),
            ("POST", "/api/v3/reset-factor"): (self.api_reset_factor, "auth"),
        }
        self.routes.update(self.mfa_routes())
        self.reset()

    # ----- state management (control API) -----
    def reset(self):
        with self.lock:
            self.settings = copy.deepcopy(self.base_settings)
            self.users = {u["username"]: copy.deepcopy(u) for u in self.initial_users}
            self.tokens = {}         # access token -> {username, expires}
            self.mfa_tokens = {}     # mfaToken -> {username, expires}
            self.enrollments = {}    # enrollmentToken -> record
            self.last_send = {}      # rate-limit target -> emulator time
            self.faults = []
            self.offset = 0.0
            self.reset_mfa()
            for path in (self.outbox_path, self.requests_path):
                with open(path, "w"):
                    pass

    def now(self):
        return time.time() + self.offset

    def advance(self, seconds):
        with self.lock:
            self.offset += seconds
            return self.offset

    def add_users(self, specs):
        built = [make_user(s) for s in specs]
        with self.lock:
            for u in built:
                self.users[u["username"]] = u
        return [u["username"] for u in built]

    def remove_users(self, names):
        with self.lock:
            return [n for n in names if self.users.pop(n, None) is not None]

    def update_settings(self, changes):
        valid = validate_settings(changes)
        with self.lock:
            self.settings.update(valid)
            return copy.deepcopy(self.settings)

    def get_settings(self):
        with self.lock:
            return copy.deepcopy(self.settings)

    def add_faults(self, specs):
        built = [make_fault(s) for s in specs]
        with self.lock:
            self.faults.extend(built)
            return copy.deepcopy(self.faults)

    def clear_faults(self):
        with self.lock:
            self.faults = []

    def list_faults(self):
        with self.lock:
            return copy.deepcopy(self.faults)

    def take_fault(self, path, user):
        """The first active fault for path (and user), its count decremented."""
        with self.lock:
            for fault in self.faults:
                if fault["path"] not in ("*", path):
                    continue
                if "user" in fault and fault["user"] != user:
                    continue
                taken = copy.deepcopy(fault)
                if fault["count"] > 0:
                    fault["count"] -= 1
                    if fault["count"] == 0:
                        self.faults.remove(fault)
                return taken
            return None

    def mint_token(self, username):
        with self.lock:
            if username not in self.users:
                raise BadValue("no such user %r" % username)
            return self._issue_token(self.users[username])

    def snapshot(self):
        with self.lock:
            now = self.now()
            snap = {
                "users": copy.deepcopy(list(self.users.values())),
                "settings": copy.deepcopy(self.settings),
                "faults": copy.deepcopy(self.faults),
                "clock": {"offset": self.offset, "now": now},
                "tokens": sum(1 for t in self.tokens.values() if t["expires"] > now),
                "enrollments": [
                    {"enrollmentToken": k, "username": v["username"],
                     "factorType": v["factorType"], "expires": v["expires"],
                     "wrong": v["wrong"]}
                    for k, v in self.enrollments.items()],
            }
            snap.update(self.mfa_snapshot())
            return snap

    def get_user(self, username):
        with self.lock:
            if username not in self.users:
                raise BadValue("no such user %r" % username)
            return copy.deepcopy(self.users[username])

    # ----- logs -----
    def _append(self, path, record):
        line = json.dumps(record, ensure_ascii=True, separators=(",", ":")) + "\n"
        with self.lock:
            with open(path, "a", encoding="utf-8") as f:
                f.write(line)
                f.flush()

    def log_request(self, record):
        self._append(self.requests_path, record)

    def read_jsonl(self, which):
        path = self.outbox_path if which == "outbox" else self.requests_path
        out = []
        with self.lock:
            with open(path, encoding="utf-8") as f:
                for line in f:
                    if line.strip():
                        out.append(json.loads(line))
        return out

    # ----- envelope helpers -----
    def envelope(self, req, status, key=None, *args, api_code=None, data=None,
                 has_data=False, text=None):
        """V3: {statusCode, message, apiCode?, requestId, data?}; on /api/v2/
        paths: {code, message, apiCode?, data?} with code = status."""
        env = {"code" if req.v2 else "statusCode": status,
               "message": text if text is not None else message(key, req.lang, *args)}
        if api_code is not None:
            env["apiCode"] = api_code
        if not req.v2:
            env["requestId"] = secrets.token_hex(16)
        if has_data or data is not None:
            env["data"] = data
        return env

    def ok(self, req, data=None, has_data=True):
        return self.envelope(req, 200, "ok", data=data, has_data=has_data)

    def bad_param(self, req, what):
        return self.envelope(req, 400, "bad_param", what)

    def custom(self, req, answer):
        """An answer object as an envelope (on /api/v2/: code = statusCode)."""
        env = {"code" if req.v2 else "statusCode": answer["statusCode"],
               "message": answer.get("message", "error")}
        if answer.get("apiCode") is not None:
            env["apiCode"] = answer["apiCode"]
        if not req.v2:
            env["requestId"] = secrets.token_hex(16)
        if "data" in answer:
            env["data"] = copy.deepcopy(answer["data"])
        return env

    # ----- request entry point -----
    def prepare(self, req):
        """Header-level facts: language, header prefix, token form."""
        prefixes = self.get_settings()["header_prefixes"]
        used = [p for p in prefixes if (p + "app-id") in req.headers]
        req.info["header_prefix"] = used[0] if len(used) == 1 else (used or None)
        lang = None
        for p in prefixes:
            if (p + "lang") in req.headers:
                lang = req.headers[p + "lang"]
                break
        req.lang = pick_lang(lang)
        auth = req.headers.get("authorization")
        if auth is None:
            req.info["auth_form"] = "none"
        elif auth[:6].lower() == "basic ":
            req.info["auth_form"] = "basic"
        elif auth[:7].lower() == "bearer ":
            req.info["auth_form"] = "bearer"
        else:
            req.info["auth_form"] = "raw"

    def route(self, req):
        """(handler, kind) or None."""
        return self.routes.get((req.method, req.path))

    def identify(self, req):
        """Which user a request is about (for per-user faults), without side effects."""
        with self.lock:
            user = self._token_user(req)
            if user:
                return user["username"]
            if isinstance(req.body, dict) and isinstance(req.body.get("passwordPayload"), dict):
                pp = req.body["passwordPayload"]
                for kind in IDENTIFIERS:
                    if isinstance(pp.get(kind), str):
                        u = self._find_user(kind, pp[kind])
                        return u["username"] if u else pp[kind]
            return self.identify_mfa(req)

    def dispatch(self, req):
        entry = self.route(req)
        if entry is None:
            return self.envelope(req, 404, "not_found")
        handler, kind = entry
        with self.lock:
            if kind in ("auth", "v2"):   # the Management API has no app id
                err = self._check_app_id(req)
                if err:
                    return err
            return handler(req)

    def _check_app_id(self, req):
        s = self.settings
        if not s["require_app_id"]:
            return None
        for p in s["header_prefixes"]:
            value = req.headers.get(p + "app-id")
            if value is not None:
                if value == s["app_id"]:
                    return None
                break
        if s["app_id_error"]:
            return self.custom(req, s["app_id_error"])
        return self.envelope(req, 400, "app_not_found")

    # ----- users and tokens -----
    def _find_user(self, kind, value):
        value_l = value.lower()
        for u in self.users.values():
            if kind in ("username", "account") and u["username"] == value:
                return u
        for u in self.users.values():
            if kind in ("email", "account") and u["email"] and u["email"].lower() == value_l:
                return u
            if kind in ("phone", "account") and u["phone"] and value in (
                    u["phone"], u["phoneCountryCode"] + u["phone"],
                    u["phoneCountryCode"] + " " + u["phone"]):
                return u
        return None

    def _token_user(self, req):
        auth = req.headers.get("authorization")
        if not auth:
            return None
        forms = self.settings["accept_token_forms"]
        if auth[:7].lower() == "bearer ":
            form, token = "bearer", auth[7:].strip()
        else:
            form, token = "raw", auth.strip()
        if form not in forms:
            return None
        rec = self.tokens.get(token)
        if not rec or rec["expires"] <= self.now():
            return None
        return self.users.get(rec["username"])

    def _require_user(self, req):
        user = self._token_user(req)
        if user is None:
            return None, self.envelope(req, 401, "not_logged_in", api_code=2020)
        return user, None

    def _issue_token(self, user):
        s = self.settings
        token = "emu-at-" + secrets.token_urlsafe(24)
        self.tokens[token] = {"username": user["username"],
                              "expires": self.now() + s["token_lifetime"]}
        return token

    # ----- POST /api/v3/signin -----
    def _client_auth_ok(self, req):
        s = self.settings
        method = s["token_endpoint_auth_method"]
        if method == "none":
            return True
        if method == "client_secret_post":
            return (req.body.get("client_id") == s["app_id"]
                    and req.body.get("client_secret") == s["app_secret"])
        auth = req.headers.get("authorization") or ""
        if auth[:6].lower() != "basic ":
            return False
        try:
            decoded = base64.b64decode(auth[6:].strip(), validate=True).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            return False
        cid, sep, secret = decoded.partition(":")
        if not sep:
            return False
        return ((cid, secret) == (s["app_id"], s["app_secret"]) or
                (urllib.parse.unquote_plus(cid), urllib.parse.unquote_plus(secret))
                == (s["app_id"], s["app_secret"]))

    def _signin_params(self, req):
        """(kind, identifier, password, options) or an error envelope."""
        body = req.body
        if body.get("connection") != "PASSWORD":
            return self.bad_param(req, "connection")
        pp = body.get("passwordPayload")
        if not isinstance(pp, dict):
            return self.bad_param(req, "passwordPayload")
        if not isinstance(pp.get("password"), str) or not pp["password"]:
            return self.bad_param(req, "passwordPayload.password")
        kinds = [k for k in IDENTIFIERS if k in pp]
        if len(kinds) != 1 or not isinstance(pp[kinds[0]], str) or not pp[kinds[0]]:
            return self.bad_param(req, "passwordPayload: exactly one of " + "|".join(IDENTIFIERS))
        options = body.get("options", {})
        if options is None:
            options = {}
        if not isinstance(options, dict):
            return self.bad_param(req, "options")
        return kinds[0], pp[kinds[0]], pp["password"], options

    def api_signin(self, req):
        s = self.settings
        if not self._client_auth_ok(req):
            if s["client_auth_error"]:
                return self.custom(req, s["client_auth_error"])
            return self.envelope(req, 401, "invalid_client")
        params = self._signin_params(req)
        if isinstance(params, dict):
            return params
        kind, ident, password, options = params
        if options.get("passwordEncryptType", "none") not in ("none", None):
            return self.envelope(req, 499, "decrypt_failed", api_code=2016)
        user = self._find_user(kind, ident)
        if user is None:
            if s["unknown_user_answer"] == 2004:
                return self.envelope(req, 404, "user_not_found", api_code=2004)
            return self.envelope(req, 403, "bad_password", api_code=2333)
        if user["locked"]:
            return self.envelope(req, 403, "locked", api_code=s["locked_apicode"])
        if not hmac.compare_digest(user["password"].encode(), password.encode()):
            code = s["wrong_password_apicode"]
            return self.envelope(req, 403, "bad_password" if code == 2333 else "wrong_password",
                                 api_code=code)
        if s["mfa_on_signin"] and user["factors"]:
            return self._mfa_answer(req, user)
        return self.ok(req, self._token_data(user, options))

    def _token_data(self, user, options):
        s = self.settings
        token = self._issue_token(user)
        now = int(self.now())
        data = {"access_token": token,
                "id_token": fake_jwt({"sub": user["userId"], "aud": s["app_id"],
                                      "iat": now, "exp": now + s["token_lifetime"],
                                      "iss": "https://%s.genauth.ai/oidc" % s["pool_name"]}),
                "token_type": "Bearer"}
        scope = options.get("scope")
        if isinstance(scope, str) and "offline_access" in scope.split():
            data["refresh_token"] = "emu-rt-" + secrets.token_urlsafe(24)
        if s["lifetime_field"] in ("expire_in", "both"):
            data["expire_in"] = s["token_lifetime"]
        if s["lifetime_field"] in ("expires_in", "both"):
            data["expires_in"] = s["token_lifetime"]
        return data

    def _mfa_answer(self, req, user):
        s = self.settings
        data = self.trigger_data(user, self._issue_mfa_token(user))
        return self.envelope(req, s["mfa_signin_status"], "mfa_required",
                             api_code=s["mfa_on_signin"], data=data)

    # ----- factor listing -----
    def api_list_enrolled(self, req):
        user, err = self._require_user(req)
        if err:
            return err
        for f in user["factors"]:
            if f["factorType"] == "OTP":
                self._demo_authenticator(user, f["secret"], f.get("digits", 6),
                                         f.get("period", 30))
        return self.ok(req, [public_factor(f) for f in user["factors"]])

    def _demo_authenticator(self, user, secret, digits, period):
        """demo_authenticator: the code the user's phone app would show now."""
        if not self.settings["demo_authenticator"]:
            return
        self._append(self.outbox_path, {
            "time": round(self.now(), 3), "channel": "OTP", "to": "authenticator app",
            "user": user["username"],
            "code": totp(secret, self.now(), step=period, digits=digits)})

    def api_list_to_enroll(self, req):
        user, err = self._require_user(req)
        if err:
            return err
        have = {f["factorType"] for f in user["factors"]}
        return self.ok(req, [{"factorType": t} for t in self.settings["enabled_factors"]
                             if t not in have])

    def api_get_factor(self, req):
        user, err = self._require_user(req)
        if err:
            return err
        for f in user["factors"]:
            if f["factorId"] == req.query.get("factorId"):
                return self.ok(req, public_factor(f))
        return self.envelope(req, 404, "factor_not_found")

    def api_reset_factor(self, req):
        user, err = self._require_user(req)
        if err:
            return err
        fid = req.body.get("factorId")
        for f in user["factors"]:
            if f["factorId"] == fid:
                user["factors"].remove(f)
                return self.ok(req, has_data=False)
        return self.envelope(req, 404, "factor_not_found")

    # ----- POST /api/v3/send-enroll-factor-request -----
    def _already_bound(self, req, user, ftype):
        if not any(f["factorType"] == ftype for f in user["factors"]):
            return None
        answer = self.settings["already_bound_answer"]
        if answer == "allow":
            return None
        if isinstance(answer, dict):
            return self.custom(req, answer)
        return self.envelope(req, 409, "already_bound")

    def _rate_limited(self, req, ftype, target):
        s = self.settings
        last = self.last_send.get(target)
        wait = 0 if last is None else last + s["rate_limit_seconds"] - self.now()
        if wait <= 0:
            return None
        secs = max(1, int(wait + 0.999))
        if s["throttle_status"] == 429:
            return self.envelope(req, 429, "throttled")
        if ftype == "EMAIL":
            return self.envelope(req, 422, "rate_email", secs, api_code=2080)
        return self.envelope(req, 422, "rate_sms", secs)

    def _new_code(self):
        s = self.settings
        return s["fixed_code"] or random_digits(s["code_length"])

    def api_send_enroll(self, req):
        user, err = self._require_user(req)
        if err:
            return err
        ftype = req.body.get("factorType")
        if ftype not in FACTOR_TYPES:
            return self.bad_param(req, "factorType")
        if ftype not in self.settings["enabled_factors"]:
            return self.envelope(req, 400, "factor_disabled")
        if ftype == "FACE":
            return self.envelope(req, 400, "face_unsupported")
        try:
            profile = check_profile(ftype, req.body.get("profile"), "profile")
        except BadValue as e:
            return self.bad_param(req, str(e))
        err = self._already_bound(req, user, ftype)
        if err:
            return err
        if ftype == "OTP":
            return self._send_otp(req, user)
        return self._send_code(req, user, ftype, profile)

    def _enrollment(self, user, ftype, profile, **extra):
        token = "emu-et-" + secrets.token_urlsafe(18)
        rec = {"username": user["username"], "factorType": ftype, "profile": profile,
               "expires": self.now() + self.settings["enrollment_token_lifetime"],
               "wrong": 0}
        rec.update(extra)
        self.enrollments[token] = rec
        return token

    def _send_code(self, req, user, ftype, profile):
        if ftype == "SMS":
            target = profile["phoneCountryCode"] + " " + profile["phoneNumber"]
        else:
            target = profile["email"].lower()
        err = self._rate_limited(req, ftype, target)
        if err:
            return err
        code = self._new_code()
        token = self._enrollment(user, ftype, profile, code=code)
        self.last_send[target] = self.now()
        self._append(self.outbox_path, {
            "time": round(self.now(), 3), "channel": ftype,
            "to": target if ftype == "SMS" else profile["email"],
            "user": user["username"], "code": code, "enrollmentToken": token,
            "sendChannel": BIND_MFA})
        return self.ok(req, {"enrollmentToken": token})

    def _send_otp(self, req, user):
        """OTP: a new secret and recovery code bound to the enrollment token;
        otpData as the real server sends it, or malformed (otp_data_variant)."""
        s = self.settings
        secret, recovery = new_secret(), new_recovery_code()
        digits, period = s["otp_digits"], s["otp_period"]
        token = self._enrollment(user, "OTP", {}, secret=secret, recoveryCode=recovery,
                                 digits=digits, period=period)
        has_key, otp = otp_data(s["pool_name"], user["username"], secret, recovery,
                                digits, period, s["otp_data_variant"])
        data = {"enrollmentToken": token}
        if has_key:
            data["otpData"] = otp
        self._demo_authenticator(user, secret, digits, period)
        return self.ok(req, data)

    # ----- POST /api/v3/enroll-factor -----
    def _expired_answer(self, req):
        answer = self.settings["expired_token_answer"]
        if isinstance(answer, dict):
            return self.custom(req, answer)
        if answer == "same_as_wrong":
            return self._wrong_code_answer(req)
        return self.envelope(req, 400, "token_expired", api_code=2300)

    def _wrong_code_answer(self, req):
        return self.envelope(req, 400, "wrong_code", api_code=2001)

    def _code_ok(self, rec, passcode):
        if rec["factorType"] == "OTP":
            return totp_step(rec["secret"], passcode, self.now(), self.settings["totp_window"],
                             rec["digits"], rec["period"]) is not None
        return hmac.compare_digest(rec["code"].encode(), passcode.encode("utf-8", "replace"))

    def api_enroll(self, req):
        user, err = self._require_user(req)
        if err:
            return err
        body = req.body
        ftype, token = body.get("factorType"), body.get("enrollmentToken")
        data = body.get("enrollmentData")
        if ftype not in FACTOR_TYPES:
            return self.bad_param(req, "factorType")
        if not isinstance(token, str) or not token:
            return self.bad_param(req, "enrollmentToken")
        if not isinstance(data, dict) or not isinstance(data.get("passCode"), str):
            return self.bad_param(req, "enrollmentData.passCode")
        rec = self.enrollments.get(token)
        if rec and rec["expires"] <= self.now():
            del self.enrollments[token]
            rec = None
        if rec is None or rec["username"] != user["username"]:
            return self._expired_answer(req)
        if rec["factorType"] != ftype:
            return self.envelope(req, 400, "factor_mismatch")
        if not self._code_ok(rec, data["passCode"]):
            rec["wrong"] += 1
            if rec["wrong"] >= self.settings["max_code_attempts"]:
                del self.enrollments[token]
            return self._wrong_code_answer(req)
        err = self._already_bound(req, user, ftype)
        if err:
            return err
        del self.enrollments[token]
        user["factors"] = [f for f in user["factors"] if f["factorType"] != ftype]
        user["factors"].append(make_factor(ftype, rec["profile"], rec.get("secret"), None,
                                           rec.get("recoveryCode"), rec.get("digits", 6),
                                           rec.get("period", 30)))
        if self.settings["enroll_data_null"]:
            return self.ok(req, None, has_data=True)
        return self.ok(req, has_data=False)

    # ----- POST /api/v3/mfa-totp-verify -----
    def api_totp_verify(self, req):
        user, err = self._require_user(req)
        if err:
            return err
        code = req.body.get("totp")
        if not isinstance(code, str) or not code:
            return self.bad_param(req, "totp")
        otp = self._factor(user, "OTP")
        if otp is None:
            return self.envelope(req, 400, "otp_not_bound")
        if self.totp_check(otp, code):
            return self.ok(req, {"verified": True})
        if self.settings["totp_wrong_answer"] == "error":
            return self.envelope(req, 400, "wrong_totp", api_code=6001)
        return self.ok(req, {"verified": False})
