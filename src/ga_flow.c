/* ga_flow.c - not written yet */
#include "config.h"
#include "ga_flow.h"
