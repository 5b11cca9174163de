/* ga_api.c - not written yet */
#include "config.h"
#include "ga_api.h"
