/* ga_ui.c - ga_ui_show(): long texts as several conversation messages. */
#include "config.h"

#include "ga_ui.h"

void ga_ui_show(const ga_ui_t *ui, int is_error, const char *text)
{
    (void)ui;
    (void)is_error;
    (void)text; /* TODO(helper D) */
}
