"""Messages of the GenAuth emulator: zh-CN (the server default) and en-US.

An answer's message is in English when x-authing-lang (or x-genauth-lang)
starts with "en" (or "ja", which has no translation here); otherwise it is in
Simplified Chinese, like the real server.
"""

# --------------------------------------------------------------------------
# Messages (zh-CN is the server default; en-US on request)
# --------------------------------------------------------------------------
MESSAGES = {
    "ok": ("成功", "success"),
    "not_found": ("接口不存在", "Not Found"),
    "bad_json": ("请求体不是合法的 JSON", "request body is not valid JSON"),
    "too_large": ("请求体过大", "request body too large"),
    "bad_content_type": ("Content-Type 必须为 application/json",
                         "Content-Type must be application/json"),
    "bad_param": ("参数错误：{}", "invalid parameter: {}"),
    "app_not_found": ("应用不存在", "application not found"),
    "invalid_client": ("应用凭证错误", "invalid client credentials"),
    "bad_password": ("账号或密码错误", "Incorrect account or password"),
    "wrong_password": ("密码错误", "Incorrect password"),
    "user_not_found": ("用户不存在", "User does not exist"),
    "locked": ("账号已被锁定", "Account is locked"),
    "decrypt_failed": ("密码解密失败", "password decryption failed"),
    "mfa_required": ("请进行多因素认证", "Multi-factor authentication required"),
    "not_logged_in": ("用户未登录", "user not logged in"),
    "rate_sms": ("发送过于频繁，请 {} 秒后再试",
                 "SMS sent too often, please wait {} seconds"),
    "rate_email": ("一分钟内只能发送一封邮件，请 {} 秒后再试",
                   "an email was sent less than a minute ago, please wait {} seconds"),
    "throttled": ("请求过于频繁", "Too many requests"),
    "token_expired": ("enrollmentToken 已过期", "enrollmentToken expired"),
    "wrong_code": ("验证码错误", "wrong verification code"),
    "factor_mismatch": ("因素类型不匹配", "factorType mismatch"),
    "already_bound": ("该认证因素已绑定", "factor already bound"),
    "factor_disabled": ("应用未开启该认证因素", "factor type not enabled for this application"),
    "face_unsupported": ("人脸识别需要照片", "FACE enrollment needs a photo"),
    "wrong_totp": ("TOTP 验证码错误", "wrong TOTP code"),
    "otp_not_bound": ("用户未绑定 OTP", "OTP factor not bound"),
    "factor_not_found": ("认证因素不存在", "factor not found"),
    "server_error": ("服务器内部错误", "Internal server error"),
    # issue 4: Management API, sending codes, V2 verification
    "mgmt_bad_credentials": ("accessKeyId 或 accessKeySecret 错误",
                             "invalid accessKeyId or accessKeySecret"),
    "mgmt_unauthorized": ("管理 API 令牌无效或已过期", "invalid or expired management token"),
    "pool_not_found": ("用户池不存在", "user pool not found"),
    "send_ok": ("发送成功", "sent"),
    "mfa_token_invalid": ("mfaToken 无效，请重新登录", "invalid mfaToken, please sign in again"),
    "mfa_token_expired": ("mfaToken 已过期，请重新登录", "mfaToken expired, please sign in again"),
    "code_expired": ("验证码已失效，请重新发送", "verification code expired or not sent"),
    "mfa_target_mismatch": ("手机号或邮箱与 MFA 绑定信息不一致",
                            "phone number or email does not match the user's MFA factor"),
    "wrong_recovery": ("恢复代码错误", "wrong recovery code"),
}


def message(key, lang, *args):
    zh, en = MESSAGES[key]
    text = en if lang == "en" else zh
    return text.format(*args) if args else text


def pick_lang(value):
    """'en' for en-* (also ja-JP, which has no translation here), else 'zh'."""
    value = (value or "").strip().lower()
    return "en" if value.startswith(("en", "ja")) else "zh"


def all_messages():
    """Every message, for the control API: key -> {"zh-CN": ..., "en-US": ...}."""
    return {k: {"zh-CN": zh, "en-US": en} for k, (zh, en) in MESSAGES.items()}
