/* ga_msg.h - the message catalogue: every user-facing text in en-US and
 * zh-CN (config key `lang`).
 *
 * The en-US text is the key (as in gettext): code writes
 *     env->ui->error(env->ui->ctx, GA_T(env, "Wrong code."));
 * and ga_tr() returns the zh-CN translation from the table in
 * ga_msg_zh_CN.c. en-US texts are printable ASCII; zh-CN texts are UTF-8.
 * A text that is built elsewhere and shown later (ga_validate reasons) is
 * marked with GA_N_() so the catalogue test finds it, and translated with
 * ga_tr() where it is shown.
 *
 * tests/unit/check_msg_table.py extracts every GA_T()/GA_N_()/ga_tr()
 * literal from src/ and fails when one lacks a zh-CN entry, when an entry
 * is unused or duplicated, when printf conversions differ between the two
 * texts, when an en-US text is not printable ASCII, or when a line is
 * wider than 80 columns. The msgid must be a plain literal (adjacent
 * literals are fine); a runtime value (ga_tr(lang, reason)) must come
 * from GA_N_() literals. docs/i18n.md says how to add a text.
 */
#ifndef GA_MSG_H
#define GA_MSG_H

/* Mark a literal for the catalogue without translating it. */
#define GA_N_(s) (s)

/* Translate msgid (an en-US text) into lang ("en-US" or "zh-CN"). Returns
 * msgid itself for en-US, for NULL or unknown lang, and for a msgid the
 * catalogue lacks; NULL only for a NULL msgid. The result is a static
 * string (never freed). format_arg: -Wformat checks printf arguments
 * against msgid. Thread-safe (read-only table). */
const char *ga_tr(const char *lang, const char *msgid) __attribute__((format_arg(2)));

/* Translate with the language of a flow environment (anything with
 * ->cfg->lang). */
#define GA_T(env, s) ga_tr((env)->cfg->lang, (s))

#endif
