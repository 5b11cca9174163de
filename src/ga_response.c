/* ga_response.c - not written yet */
#include "config.h"
#include "ga_response.h"
