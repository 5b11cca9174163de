#!/bin/sh
# The module initialises libcurl (curl_global_init, once, under
# pthread_once) and never calls curl_global_cleanup: it lives in long-running,
# possibly threaded hosts, and cleanup would pull libcurl's (and OpenSSL's)
# global state from under other users. Check the built module's dynamic
# symbol references. Closing line: "curl_symbols: N passed, N failed".
set -u
MOD=${abs_top_builddir:-.}/.libs/pam_genauth.so
passed=0 failed=0
ok() { echo "ok   $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1"; failed=$((failed + 1)); }

if [ ! -f "$MOD" ]; then
  bad "module $MOD not built"
else
  undef=$(nm -D --undefined-only "$MOD" 2>&1) || bad "nm -D $MOD: $undef"
  # the check can fail: the module must reference curl_global_init ...
  if echo "$undef" | grep -qw curl_global_init; then ok "references curl_global_init"
  else bad "no reference to curl_global_init (is nm output sane?)"; fi
  if echo "$undef" | grep -qw pthread_once; then ok "references pthread_once (one-time init)"
  else bad "no reference to pthread_once"; fi
  # ... and nothing that tears libcurl's global state down
  for sym in curl_global_cleanup curl_global_sslset curl_global_init_mem; do
    if echo "$undef" | grep -qw "$sym"; then bad "references $sym"
    else ok "no reference to $sym"; fi
  done
  # the same in the object code (a static libcurl would hide it from nm -D)
  if objdump -d "$MOD" | grep -q '<curl_global_cleanup'; then bad "calls curl_global_cleanup"
  else ok "no call to curl_global_cleanup in the code"; fi
fi
echo "curl_symbols: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
