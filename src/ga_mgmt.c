/* ga_mgmt.c - the per-process Management API token cache. */
#include "config.h"

#include "ga_mgmt.h"
