/* ga_args.c - not written yet */
#include "config.h"
#include "ga_args.h"
