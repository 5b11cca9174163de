/* ga_msg_table.h - the translation table behind ga_tr() (internal). */
#ifndef GA_MSG_TABLE_H
#define GA_MSG_TABLE_H

#include <stddef.h>

struct ga_msg_entry {
    const char *en; /* the en-US msgid, exactly as in the source */
    const char *tr; /* its translation (UTF-8) */
};

extern const struct ga_msg_entry ga_msg_zh_CN[];
extern const size_t ga_msg_zh_CN_count;

#endif
