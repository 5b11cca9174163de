#!/bin/sh
# The module must export only the pam_sm_* entry points it implements.
set -eu
B=${abs_top_builddir:?}
"$B/tests/pam/dlsym_check" "$B/.libs/pam_genauth.so"
