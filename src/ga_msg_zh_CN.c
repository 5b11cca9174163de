/* ga_msg_zh_CN.c - zh-CN translations of every user-facing text.
 *
 * One entry per msgid: {"en-US text exactly as in the source", "zh-CN"}.
 * Entries are grouped by the source file that uses them (a comment line
 * per group) and are not sorted: append new ones at the end of their
 * group, or start a new group. tests/unit/check_msg_table.py checks the
 * table against the sources: every msgid translated, no unused or
 * duplicate entry, the same printf conversions, lines of at most 80
 * columns (CJK counts 2). `tests/unit/check_msg_table.py --missing`
 * prints stubs for the missing ones. See docs/i18n.md. */
#include "config.h"

#include "ga_msg_table.h"

const struct ga_msg_entry ga_msg_zh_CN[] = {
    /* ---- ga_validate.c: reasons an answer is refused ---- */
    {"No answer was given.", "未输入任何内容。"},
    {"That answer is too long.", "输入的内容太长。"},
    {"The answer contains control characters.", "输入的内容包含控制字符。"},
    {"Use plain ASCII characters only.", "请只输入半角英文字符（ASCII）。"},
    {"Type a phone number, like +86 18812345678.",
     "请输入手机号码，例如 +86 18812345678。"},
    {"Use digits only, like +86 18812345678.", "请只输入数字，例如 +86 18812345678。"},
    {"Put + only once, before the country code.",
     "+ 只能出现一次，并且要放在国家/地区代码前面。"},
    {"Unknown country code; check the digits after +.",
     "无法识别的国家/地区代码，请检查 + 后面的数字。"},
    {"Type the number without its leading 0.", "请去掉号码开头的 0 后再输入。"},
    {"+1 numbers have 10 digits, not starting with 0 or 1.",
     "+1 号码为 10 位数字，不能以 0 或 1 开头。"},
    {"+86 mobile numbers have 11 digits, starting with 1.",
     "+86 手机号码为 11 位数字，以 1 开头。"},
    {"Type the country code right after +, like +86.",
     "请在 + 后面紧接着输入国家/地区代码，例如 +86。"},
    {"A country code never starts with 0.", "国家/地区代码不能以 0 开头。"},
    {"Type the number with its country code, like +86.",
     "请连同国家/地区代码一起输入号码，例如 +86。"},
    {"Use one pair of parentheses, around digits only.",
     "只能使用一对括号，并且括号里只能是数字。"},
    {"That number is too short.", "号码太短。"},
    {"That number is too long.", "号码太长。"},
    {"That email address is too short.", "邮箱地址太短。"},
    {"That email address is too long.", "邮箱地址太长。"},
    {"Remove the spaces from the email address.", "请删除邮箱地址中的空格。"},
    {"An email address has exactly one @.", "邮箱地址中必须有且只有一个 @。"},
    {"Type the part before the @.", "请输入 @ 前面的部分。"},
    {"The part before the @ is too long.", "@ 前面的部分太长。"},
    {"The part before the @ has a character not allowed.",
     "@ 前面的部分包含不允许使用的字符。"},
    {"The part before the @ has a misplaced dot.", "@ 前面部分中的点号位置不正确。"},
    {"Type the domain after the @, like example.com.",
     "请在 @ 后面输入域名，例如 example.com。"},
    {"The domain needs a dot, like example.com.", "域名中需要有点号，例如 example.com。"},
    {"The domain has an empty part (two dots?).",
     "域名中有空的部分（是否连续输入了两个点号？）。"},
    {"The domain may use letters, digits, - and dots only.",
     "域名只能包含字母、数字、- 和点号。"},
    {"A part of the domain is too long.", "域名中的某一部分太长。"},
    {"A domain part cannot start or end with -.", "域名的各部分不能以 - 开头或结尾。"},
    {"The domain must end in a name like .com.", "域名必须以 .com 这样的后缀结尾。"},
    {"Type the code you received.", "请输入您收到的验证码。"},
    {"The code has digits only.", "验证码只包含数字。"},
    {"The code has 4 to 8 digits.", "验证码为 4 到 8 位数字。"},
    {"Type a number from the menu or a factor name.",
     "请输入菜单中的编号或认证方式的名称。"},
    {"That number is not in the menu.", "菜单中没有这个编号。"},
    {"That choice is not offered here.", "此处不提供这个选项。"},
    {"There is nothing to choose from.", "没有可以选择的选项。"},
    /* ---- ga_flow.c: sign-in ---- */
    {"GenAuth password: ", "GenAuth 密码："},
    {"GenAuth sign-in failed.", "GenAuth 登录失败。"},
    {"GenAuth is busy. Try again in a minute.", "GenAuth 繁忙，请一分钟后再试。"},
    /* ---- ga_verify*.c: verifying an enrolled factor ---- */
    {"Two-factor authentication is required.", "需要进行双重身份验证。"},
    {"Authenticator app", "身份验证器应用"},
    {"SMS to %s", "短信发送至 %s"},
    {"Email to %s", "邮件发送至 %s"},
    {"Choose 1-%zu: ", "请选择 1-%zu："},
    {"Authenticator app code: ", "身份验证器应用中的验证码："},
    {"Authenticator app code (or type recovery): ",
     "身份验证器应用中的验证码（或输入 recovery 使用恢复码）："},
    {"Code sent to %s. Enter code: ", "验证码已发送至 %s。请输入验证码："},
    {"Recovery code: ", "恢复码："},
    {"A recovery code is 8 to 64 characters without spaces.",
     "恢复码为 8 到 64 个字符，不含空格。"},
    {"Recovery code accepted.", "恢复码已验证。"},
    {"Recovery code accepted. Your new recovery code:\n  %s\n"
     "Store this recovery code somewhere safe; it is shown only once.\n"
     "Press Enter to continue: ",
     "恢复码已验证。您的新恢复码：\n  %s\n"
     "请将此恢复码保存在安全的地方；它只显示这一次。\n"
     "按回车键继续："},
    {"Wrong code. %ld tries left.", "验证码错误。还可以尝试 %ld 次。"},
    {"Wrong code. 1 try left.", "验证码错误。还可以尝试 1 次。"},
    {"Too many wrong codes. Access denied.", "验证码错误次数过多，拒绝访问。"},
    {"Too many invalid answers.", "无效输入次数过多。"},
    {"Too many codes sent. Try again later.", "发送验证码的次数过多，请稍后再试。"},
    {"Too many codes were sent to you recently. Try again in %lld minutes.",
     "最近向您发送的验证码过多，请 %lld 分钟后再试。"},
    {"Too many codes were sent to you recently. Try again in 1 minute.",
     "最近向您发送的验证码过多，请 1 分钟后再试。"},
    {"GenAuth sends one code per minute. Try again in a minute.",
     "GenAuth 每分钟只发送一个验证码，请一分钟后再试。"},
    {"GenAuth did not send a code. Contact your administrator if this persists.",
     "GenAuth 未能发送验证码。如果问题持续存在，请联系管理员。"},
    {"GenAuth refused the verification. Contact your administrator if this persists.",
     "GenAuth 拒绝了此次验证。如果问题持续存在，请联系管理员。"},
    {"The code has expired. Log in again to get a new one.",
     "验证码已过期，请重新登录以获取新的验证码。"},
    {"Your account cannot be verified here. Contact your administrator.",
     "无法在此验证您的账号，请联系管理员。"},
    {"Your two-factor method cannot be used here. Contact your administrator.",
     "您的双重身份验证方式无法在此使用，请联系管理员。"},
};
const size_t ga_msg_zh_CN_count = sizeof ga_msg_zh_CN / sizeof ga_msg_zh_CN[0];
