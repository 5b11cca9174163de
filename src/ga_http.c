/* ga_http.c - not written yet */
#include "config.h"
#include "ga_http.h"
