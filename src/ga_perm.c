/* ga_perm.c - not written yet */
#include "config.h"
#include "ga_perm.h"
