/* ga_validate.c - not written yet */
#include "config.h"
#include "ga_validate.h"
