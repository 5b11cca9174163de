/* ga_config.c - not written yet */
#include "config.h"
#include "ga_config.h"
