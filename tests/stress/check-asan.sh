#!/bin/bash
# The stress programs under AddressSanitizer + LeakSanitizer + UBSan (gcc):
# the module, the core, alloc_fail and pam_threads built with
# -fsanitize=address,undefined in _build-stress-asan, then
#  - test_allocfail.py: every injected run's child also asks LSan for a leak
#    check of the whole process (libcurl, json-c and OpenSSL objects too,
#    which the counting allocator cannot see);
#  - test_threads.py: concurrent logins; LSan checks at exit.
# Any sanitizer report fails. Closing line: "asan-stress: N passed, N failed".
#   tests/stress/check-asan.sh              (from the top of the tree)
#   ASAN_BUILD_DIR=_build-x tests/stress/check-asan.sh
# The sibling of scripts/check-tsan.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
TOP=$PWD
B=${ASAN_BUILD_DIR:-_build-stress-asan}
start=$(date +%s)
[ -x configure ] || autoreconf -fi >/dev/null 2>&1
mkdir -p "$B"
cd "$B"
if [ ! -f Makefile ]; then
  ../configure -q --enable-werror CC=gcc \
    CFLAGS="-g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all" \
    LDFLAGS="-fsanitize=address,undefined" >configure.out 2>&1 ||
    { cat configure.out; echo "asan-stress: 0 passed, 1 failed"; exit 1; }
fi
make -j"$(nproc)" pam_genauth.la tests/stress/pam_threads tests/stress/alloc_fail >make.out 2>&1 ||
  { tail -n 40 make.out; echo "asan-stress: 0 passed, 1 failed"; exit 1; }

export ASAN_OPTIONS="detect_leaks=1 ${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1 ${UBSAN_OPTIONS:-}"
export abs_top_builddir=$PWD abs_top_srcdir=$TOP
passed=0 failed=0
for t in test_allocfail test_threads; do
  status=0
  STRESS_THREADS=${STRESS_THREADS:-4} STRESS_CYCLES=${STRESS_CYCLES:-25} STRESS_RSS= \
    /usr/bin/python3 "$TOP/tests/stress/$t.py" >"asan-$t.log" 2>&1 || status=$?
  line=$(grep -E '^(allocfail|threads): [0-9]+ passed, [0-9]+ failed' "asan-$t.log" | tail -n 1 || true)
  p=$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+' || echo 0)
  f=$(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+' || echo 1)
  [ "$status" -ne 0 ] && [ "$f" -eq 0 ] && f=1
  grep -E '^(injection points|allocation call sites|concurrent|sanitizer|selftest|emulator state|alloc_fail:|harness:|grace:|ok  |FAIL)' "asan-$t.log" || true
  echo "$line"
  if [ "$f" -ne 0 ]; then
    echo "=== $B/asan-$t.log (tail)"
    tail -n 60 "asan-$t.log"
  fi
  passed=$((passed + p)); failed=$((failed + f))
done
echo "asan-stress run: $(( $(date +%s) - start )) s (build included)"
echo "asan-stress: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
