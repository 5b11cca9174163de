/* ga_text.c - not written yet */
#include "config.h"
#include "ga_text.h"
