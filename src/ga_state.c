/* ga_state.c - not written yet */
#include "config.h"
#include "ga_state.h"
