/* ga_msg.c - ga_tr(): look up the zh-CN text of an en-US msgid. */
#include "config.h"

#include "ga_msg.h"

#include <stddef.h>
#include <string.h>

#include "ga_msg_table.h"

/* A linear search: the table has a few hundred entries, is searched only
 * when a zh-CN text is shown (a handful of times per login), and stays
 * unsorted so that new entries are simply appended (docs/i18n.md). */
const char *ga_tr(const char *lang, const char *msgid)
{
    if (!msgid || !lang || strcmp(lang, "zh-CN") != 0)
        return msgid;
    for (size_t i = 0; i < ga_msg_zh_CN_count; i++)
        if (strcmp(ga_msg_zh_CN[i].en, msgid) == 0)
            return ga_msg_zh_CN[i].tr;
    return msgid;
}
