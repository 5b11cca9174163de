"""Validated data of the GenAuth emulator: settings, users, factors, faults.

Pure functions (no state, no HTTP); each validator raises BadValue with a
message naming what is wrong. Used by emu_core.Core.
"""

import base64
import copy
import hashlib
import hmac
import json
import re
import secrets
import struct
import urllib.parse

FACTOR_TYPES = ("OTP", "SMS", "EMAIL", "FACE")
IDENTIFIERS = ("username", "email", "phone", "account")

# --------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------
def totp(secret_b32, at, step=30, digits=6):
    """RFC 6238 TOTP (HMAC-SHA1) of a base32 secret at unix time `at`."""
    key = base64.b32decode(secret_b32.upper() + "=" * (-len(secret_b32) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(at // step)), hashlib.sha1).digest()
    off = digest[-1] & 0x0F
    value = (struct.unpack(">I", digest[off:off + 4])[0] & 0x7FFFFFFF) % (10 ** digits)
    return str(value).zfill(digits)


def totp_step(secret_b32, code, at, window, digits=6, period=30):
    """The time step (int) at which `code` is the TOTP within +-window steps of
    `at`, or None. Compared in constant time."""
    if not isinstance(code, str):
        return None
    found = None
    for d in range(-window, window + 1):
        t = at + period * d
        if hmac.compare_digest(totp(secret_b32, t, period, digits).encode(),
                               code.encode("utf-8", "replace")):
            found = int(t // period)
    return found


def new_secret():
    """A random 160-bit TOTP key in base32 (32 characters, no padding)."""
    return base64.b32encode(secrets.token_bytes(20)).decode()


def new_recovery_code():
    """A recovery code shaped like GenAuth's: e7ad-aaa4-da75-fa37-57d1-5141."""
    return "-".join(secrets.token_hex(2) for _ in range(6))


def new_id(prefix, nbytes=12):
    return prefix + secrets.token_hex(nbytes)


def random_digits(n):
    return "".join(str(secrets.randbelow(10)) for _ in range(n))


def fake_jwt(claims):
    """A JWT-shaped but unsigned id_token (the module treats tokens as opaque)."""
    def part(obj):
        raw = json.dumps(obj, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    return part({"alg": "RS256", "typ": "JWT"}) + "." + part(claims) + "." + \
        base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()


RE_DIGITS = re.compile(r"^[0-9]{3,20}$")
RE_CC = re.compile(r"^\+[0-9]{1,4}$")
RE_BASE32 = re.compile(r"^[A-Z2-7]{16,128}$")
RE_RECOVERY = re.compile(r"^[!-~]{8,64}$")
RE_EMAIL = re.compile(r"^[^@\s\x00-\x1f]{1,64}@[A-Za-z0-9.-]{1,189}\.[A-Za-z]{2,63}$")


class BadValue(ValueError):
    pass


# --------------------------------------------------------------------------
# Settings: name -> (default, validator)
# --------------------------------------------------------------------------
def _choice(*allowed):
    def check(v):
        if v not in allowed:
            raise BadValue("must be one of %s" % ", ".join(map(str, allowed)))
        return v
    return check


def _bool(v):
    if isinstance(v, bool):
        return v
    if isinstance(v, str) and v.lower() in ("1", "true", "yes", "on", "0", "false", "no", "off"):
        return v.lower() in ("1", "true", "yes", "on")
    raise BadValue("must be a boolean")


def _int_range(lo, hi):
    def check(v):
        try:
            n = int(v)
        except (TypeError, ValueError):
            raise BadValue("must be an integer") from None
        if isinstance(v, bool) or not lo <= n <= hi or (isinstance(v, float) and v != n):
            raise BadValue("must be an integer in [%d, %d]" % (lo, hi))
        return n
    return check


def _str(v):
    if not isinstance(v, str):
        raise BadValue("must be a string")
    return v


def _list_of(allowed):
    def check(v):
        if isinstance(v, str):
            v = [x.strip() for x in v.split(",") if x.strip()]
        if not isinstance(v, list) or any(x not in allowed for x in v):
            raise BadValue("must be a list drawn from %s" % ", ".join(allowed))
        return list(dict.fromkeys(v))
    return check


def _prefixes(v):
    if isinstance(v, str):
        v = [x.strip() for x in v.split(",") if x.strip()]
    if not isinstance(v, list) or not v or any(
            not isinstance(x, str) or not re.match(r"^[a-z0-9-]+-$", x) for x in v):
        raise BadValue("must be a non-empty list of lower-case prefixes ending in '-'")
    return v


def _api_code_choice(*allowed):
    def check(v):
        try:
            n = int(v)
        except (TypeError, ValueError):
            raise BadValue("must be one of %s" % ", ".join(map(str, allowed))) from None
        if n not in allowed:
            raise BadValue("must be one of %s" % ", ".join(map(str, allowed)))
        return n
    return check


def _mfa_on_signin(v):
    if v in (False, None, 0, "0", "off", "false", "no"):
        return 0
    if v in (True, "on", "true", "yes"):
        return 1635
    try:
        n = int(v)
    except (TypeError, ValueError):
        raise BadValue("must be false, true, 1635 or 1636") from None
    if n not in (1635, 1636):
        raise BadValue("must be false, true, 1635 or 1636")
    return n


def _answer(*names):
    """A named variant, or a dict {statusCode, apiCode?, message?} to answer verbatim."""
    def check(v):
        if isinstance(v, dict):
            if "statusCode" not in v:
                raise BadValue("an answer object needs statusCode")
            return dict(v)
        if v not in names:
            raise BadValue("must be one of %s or an object with statusCode" % ", ".join(names))
        return v
    return check


def _optional_answer(v):
    if v is None:
        return None
    return _answer()(v)


def _fixed_code(v):
    if v is None or v == "":
        return None
    if isinstance(v, int) and not isinstance(v, bool) and v >= 0:
        v = str(v)  # emuctl passes fixed_code=123456 as a JSON number
    if not isinstance(v, str) or not v.isdigit() or not 1 <= len(v) <= 10:
        raise BadValue("must be null or a string of digits")
    return v


# otpData of send-enroll-factor-request for OTP: "ok" or a malformed variant
# (see README.md, "Malformed otpData").
OTP_DATA_VARIANTS = (
    "ok", "missing", "null", "not_object", "wrong_types", "uri_missing", "uri_empty",
    "uri_not_otpauth", "uri_hotp", "uri_no_secret", "uri_bad_secret", "uri_short_secret",
    "uri_algorithm", "uri_digits", "uri_period", "uri_too_long", "uri_control",
    "uri_bad_utf8", "recovery_missing",
)


def _mgmt_auth_error(v):
    if isinstance(v, dict):
        return _answer()(v)
    return _api_code_choice(400, 401, 403)(v)


SETTINGS = {
    "app_id": ("emu-app-id", _str),
    "app_secret": ("emu-app-secret", _str),
    "token_endpoint_auth_method": ("client_secret_post",
                                   _choice("client_secret_post", "client_secret_basic", "none")),
    "header_prefixes": (["x-authing-", "x-genauth-"], _prefixes),
    "require_app_id": (True, _bool),
    "accept_token_forms": (["bearer", "raw"], _list_of(("bearer", "raw"))),
    "strict_content_type": (True, _bool),
    "lifetime_field": ("expire_in", _choice("expire_in", "expires_in", "both", "none")),
    "token_lifetime": (7200, _int_range(1, 10 ** 8)),
    "unknown_user_answer": (2333, _api_code_choice(2333, 2004)),
    "wrong_password_apicode": (2333, _api_code_choice(2333, 2006)),
    "locked_apicode": (2057, _api_code_choice(2057, 2005)),
    "mfa_on_signin": (0, _mfa_on_signin),
    "mfa_signin_status": (302, _int_range(100, 599)),
    "client_auth_error": (None, _optional_answer),
    "app_id_error": (None, _optional_answer),
    "expired_token_answer": ("default", _answer("default", "same_as_wrong")),
    "already_bound_answer": ("conflict", _answer("conflict", "allow")),
    "code_length": (6, _int_range(4, 8)),
    "fixed_code": (None, _fixed_code),
    "enrollment_token_lifetime": (60, _int_range(1, 86400)),
    "rate_limit_seconds": (60, _int_range(0, 86400)),
    "throttle_status": (422, _api_code_choice(422, 429)),
    "max_code_attempts": (5, _int_range(1, 1000)),
    "http_status_mirrors": (False, _bool),
    "enroll_data_null": (False, _bool),
    "totp_wrong_answer": ("verified_false", _choice("verified_false", "error")),
    "totp_window": (1, _int_range(0, 10)),
    # demo only: act as the user's phone app, writing the current TOTP to the
    # outbox when a verification or an OTP enrollment is about to ask for it
    "demo_authenticator": (False, _bool),
    "enabled_factors": (list(FACTOR_TYPES), _list_of(FACTOR_TYPES)),
    "pool_name": ("emu-pool", _str),
    # issue 4: OTP details, verification with an mfaToken, the Management API
    "otp_digits": (6, _api_code_choice(6, 8)),
    "otp_period": (30, _int_range(15, 120)),
    "otp_data_variant": ("ok", _choice(*OTP_DATA_VARIANTS)),
    "totp_reuse": ("allow", _choice("allow", "reject")),
    "mfa_token_lifetime": (300, _int_range(1, 10 ** 8)),
    "verify_code_lifetime": (300, _int_range(1, 10 ** 8)),
    "userpool_id": ("emu-userpool-id", _str),
    "userpool_secret": ("emu-userpool-secret", _str),
    "mgmt_token_lifetime": (7200, _int_range(1, 10 ** 8)),
    "mgmt_auth_error": (401, _mgmt_auth_error),
    "require_userpool_id": (True, _bool),
    "trigger_mfa_source": ("factors", _choice("factors", "application")),
}


def default_settings():
    return {k: copy.deepcopy(v[0]) for k, v in SETTINGS.items()}


def validate_settings(changes):
    """Return validated copies of `changes`; raise BadValue naming the key."""
    if not isinstance(changes, dict):
        raise BadValue("settings must be a JSON object")
    out = {}
    for key, value in changes.items():
        if key not in SETTINGS:
            raise BadValue("unknown setting %r" % key)
        try:
            out[key] = SETTINGS[key][1](value)
        except BadValue as e:
            raise BadValue("setting %s: %s" % (key, e)) from None
    return out


# --------------------------------------------------------------------------
# Users
# --------------------------------------------------------------------------
def _opt_str(spec, key):
    v = spec.get(key)
    if v is not None and not isinstance(v, str):
        raise BadValue("user %s: %s must be a string" % (spec.get("username"), key))
    return v


def check_profile(ftype, profile, who="factor"):
    """Validate and normalise a factor profile; raise BadValue."""
    if profile is None:
        profile = {}
    if not isinstance(profile, dict):
        raise BadValue("%s: profile must be an object" % who)
    if ftype == "SMS":
        phone = profile.get("phoneNumber")
        cc = profile.get("phoneCountryCode", "+86")
        if not isinstance(phone, str) or not RE_DIGITS.match(phone):
            raise BadValue("%s: profile.phoneNumber must be 3-20 digits" % who)
        if cc is None:
            cc = "+86"
        if not isinstance(cc, str) or not RE_CC.match(cc):
            raise BadValue("%s: profile.phoneCountryCode must look like +86" % who)
        return {"phoneNumber": phone, "phoneCountryCode": cc}
    if ftype == "EMAIL":
        email = profile.get("email")
        if not isinstance(email, str) or len(email) > 254 or not RE_EMAIL.match(email):
            raise BadValue("%s: profile.email is not an email address" % who)
        return {"email": email}
    if ftype == "FACE":
        photo = profile.get("photo")
        if not isinstance(photo, str) or not photo:
            raise BadValue("%s: profile.photo is required" % who)
        return {"photo": photo}
    return {}


def make_factor(ftype, profile, secret=None, factor_id=None, recovery=None,
                digits=6, period=30):
    """A factor record. OTP keeps its (private) secret, recoveryCode, digits and
    period; the API shows only public_factor()."""
    factor = {"factorId": factor_id or new_id("emu-f-"), "factorType": ftype,
              "profile": profile}
    if ftype == "OTP":
        factor["secret"] = secret or new_secret()
        factor["recoveryCode"] = recovery or new_recovery_code()
        factor["digits"] = digits
        factor["period"] = period
        factor["lastStep"] = None   # the last accepted TOTP step (totp_reuse)
    return factor


def _otp_spec(f, who):
    """secret, recoveryCode, digits, period of an OTP factor spec."""
    secret = _opt_str(f, "secret")
    if secret is not None:
        secret = secret.upper().replace(" ", "").rstrip("=")
        if not RE_BASE32.match(secret):
            raise BadValue("%s: secret must be 16-128 base32 characters" % who)
    recovery = _opt_str(f, "recoveryCode")
    if recovery is not None and not RE_RECOVERY.match(recovery):
        raise BadValue("%s: recoveryCode must be 8-64 printable characters, no spaces" % who)
    try:
        digits = _api_code_choice(6, 8)(f.get("digits", 6))
        period = _int_range(15, 120)(f.get("period", 30))
    except BadValue as e:
        raise BadValue("%s: digits/period: %s" % (who, e)) from None
    return secret, recovery, digits, period


def public_factor(factor):
    return {"factorId": factor["factorId"], "factorType": factor["factorType"],
            "profile": copy.deepcopy(factor["profile"])}


def make_user(spec):
    """Build an internal user record from a control-API user spec."""
    if not isinstance(spec, dict):
        raise BadValue("a user must be an object")
    name = spec.get("username")
    if not isinstance(name, str) or not name:
        raise BadValue("user: username must be a non-empty string")
    password = spec.get("password")
    if not isinstance(password, str):
        raise BadValue("user %s: password must be a string" % name)
    phone = _opt_str(spec, "phone")
    if phone is not None and not RE_DIGITS.match(phone):
        raise BadValue("user %s: phone must be digits" % name)
    cc = _opt_str(spec, "phoneCountryCode") or "+86"
    if not RE_CC.match(cc):
        raise BadValue("user %s: phoneCountryCode must look like +86" % name)
    factors = spec.get("factors") or []
    if not isinstance(factors, list):
        raise BadValue("user %s: factors must be a list" % name)
    built = []
    for f in factors:
        if not isinstance(f, dict) or f.get("factorType") not in FACTOR_TYPES:
            raise BadValue("user %s: each factor needs factorType in %s" % (name, FACTOR_TYPES))
        ftype = f["factorType"]
        who = "user %s factor %s" % (name, ftype)
        profile = check_profile(ftype, f.get("profile"), who)
        if ftype == "OTP":
            secret, recovery, digits, period = _otp_spec(f, who)
            built.append(make_factor(ftype, profile, secret, _opt_str(f, "factorId"),
                                     recovery, digits, period))
        else:
            built.append(make_factor(ftype, profile, None, _opt_str(f, "factorId")))
    return {
        "userId": _opt_str(spec, "userId") or new_id("emu-u-"),
        "externalId": _opt_str(spec, "externalId"),
        "username": name, "password": password,
        "email": _opt_str(spec, "email"), "phone": phone, "phoneCountryCode": cc,
        "locked": _bool(spec.get("locked", False)), "factors": built,
    }


# --------------------------------------------------------------------------
# Faults
# --------------------------------------------------------------------------
FAULT_KINDS = {
    # kind: runs the real API logic first?
    "http500": False, "status500": False, "badjson": False, "empty": False,
    "hang": False, "reset": False, "throttle429": False, "error": False,
    "status_string": True, "truncated": True, "short": True, "data_null": True,
    "data_missing": True, "data_wrong_type": True, "huge": True, "deep": True,
    "slow": True, "drip": True, "extra_fields": True, "nul_in_string": True,
}
FAULT_OVERRIDES = ("statusCode", "code", "apiCode", "message", "data", "remove")


def make_fault(spec):
    if not isinstance(spec, dict):
        raise BadValue("a fault must be an object")
    path, kind = spec.get("path"), spec.get("kind")
    if not isinstance(path, str) or not (path == "*" or path.startswith("/")):
        raise BadValue("fault: path must be '*' or start with '/'")
    if kind not in FAULT_KINDS:
        raise BadValue("fault: kind must be one of %s" % ", ".join(sorted(FAULT_KINDS)))
    count = _int_range(-1, 10 ** 9)(spec.get("count", -1))
    if count == 0:
        raise BadValue("fault: count must be -1 or positive")
    fault = {"path": path, "kind": kind, "count": count}
    for key in ("seconds", "size"):
        if key in spec:
            v = spec[key]
            if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0:
                raise BadValue("fault: %s must be a non-negative number" % key)
            fault[key] = v
    if "user" in spec:
        fault["user"] = _str(spec["user"])
    if "apply" in spec:
        fault["apply"] = _bool(spec["apply"])
    if "remove" in spec and (not isinstance(spec["remove"], list)
                             or not all(isinstance(x, str) for x in spec["remove"])):
        raise BadValue("fault: remove must be a list of envelope keys")
    for key in FAULT_OVERRIDES:
        if key in spec:
            fault[key] = copy.deepcopy(spec[key])
    return fault


# --------------------------------------------------------------------------
# OTP enrollment data (send-enroll-factor-request, factorType OTP)
# --------------------------------------------------------------------------
# A fixed, valid 1x1 PNG (the emulator draws no QR code; the module renders its
# own from qrCodeUri and never decodes this image).
QR_PNG_B64 = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhf"
              "DwAChwGA60e6kgAAAABJRU5ErkJggg==")


def otpauth_uri(pool, account, secret, digits=6, period=30, override=None, label=None):
    """otpauth://totp/<pool>:<account>?secret=...&period=..&digits=..&algorithm=SHA1
    &issuer=<pool>; `override` replaces (or, with None, drops) query parameters,
    and `label` replaces the whole label (already escaped)."""
    q_pool = urllib.parse.quote(pool, safe="")
    label = label or "%s:%s" % (q_pool, urllib.parse.quote(account, safe="@."))
    params = {"secret": secret, "period": str(period), "digits": str(digits),
              "algorithm": "SHA1", "issuer": q_pool}
    params.update(override or {})
    query = "&".join("%s=%s" % (k, v) for k, v in params.items() if v is not None)
    return "otpauth://totp/%s?%s" % (label, query)


def otp_data(pool, account, secret, recovery, digits, period, variant="ok"):
    """(has_key, otpData) for the answer: the real shape for "ok", else one of
    the malformed OTP_DATA_VARIANTS (has_key False: no otpData key at all)."""
    uri = otpauth_uri(pool, account, secret, digits, period)
    data = {"qrCodeUri": uri, "qrCodeDataUrl": "data:image/png;base64," + QR_PNG_B64,
            "recoveryCode": recovery}
    bad_uri = {
        "uri_empty": "",
        "uri_not_otpauth": uri.replace("otpauth://totp/", "https://%s.genauth.ai/totp/" % pool),
        "uri_hotp": uri.replace("otpauth://totp/", "otpauth://hotp/") + "&counter=0",
        "uri_no_secret": otpauth_uri(pool, account, secret, digits, period, {"secret": None}),
        "uri_bad_secret": otpauth_uri(pool, account, secret, digits, period,
                                      {"secret": "NOT-BASE32!%2F0189"}),
        "uri_short_secret": otpauth_uri(pool, account, secret[:8], digits, period),
        "uri_algorithm": otpauth_uri(pool, account, secret, digits, period,
                                     {"algorithm": "SHA256"}),
        "uri_digits": otpauth_uri(pool, account, secret, 7, period),
        "uri_period": otpauth_uri(pool, account, secret, digits, 5),
        "uri_too_long": otpauth_uri(pool, account, secret, digits, period,
                                    label="%s:%s" % (pool, "a" * 2100)),
        "uri_control": otpauth_uri(pool, account, secret, digits, period,
                                   label="%s:evil%%0A%%1B%%5B31m%%00" % pool),
        "uri_bad_utf8": otpauth_uri(pool, account, secret, digits, period,
                                    label="%s:%%FF%%FE%%C0%%AF" % pool),
    }
    if variant == "ok":
        return True, data
    if variant == "missing":
        return False, None
    if variant == "null":
        return True, None
    if variant == "not_object":
        return True, uri
    if variant == "wrong_types":
        return True, {"qrCodeUri": 12345, "qrCodeDataUrl": True, "recoveryCode": [recovery]}
    if variant == "uri_missing":
        del data["qrCodeUri"]
        return True, data
    if variant == "recovery_missing":
        del data["recoveryCode"]
        return True, data
    data["qrCodeUri"] = bad_uri[variant]
    return True, data
