/* ga_msg_zh_CN.c - zh-CN translations of every user-facing text.
 * Keep in sync with the sources: tests/unit/check_msg.py checks it. */
#include "config.h"

#include "ga_msg_table.h"

const struct ga_msg_entry ga_msg_zh_CN[] = {
    {"GenAuth sign-in failed.", "GenAuth 登录失败。"},
};
const size_t ga_msg_zh_CN_count = sizeof ga_msg_zh_CN / sizeof ga_msg_zh_CN[0];
