#!/bin/bash
# ThreadSanitizer run of the concurrency harness (tests/stress/pam_threads):
# the module, the core and the harness built with -fsanitize=thread in
# _build-tsan, then N threads x M logins through libpam against the emulator.
# The logins include the issue 4 kinds (OTP and SMS verification, the
# latter through the shared Management API token cache, recovery codes,
# policy exclusion, concurrent `later` on one user; docs/stress.md).
# Any ThreadSanitizer report, a wrong per-user result or a second
# curl_global_init fails it. Closing line: "tsan: N passed, N failed".
#
#   scripts/check-tsan.sh                      8 threads x 50 logins, gcc
#   STRESS_THREADS=16 STRESS_CYCLES=200 scripts/check-tsan.sh     longer
#   TSAN_CC=clang scripts/check-tsan.sh        clang (see below)
#   TSAN_BUILD_DIR=_build-tsan-x ...           another build directory
#
# gcc is the default: it links the module against libtsan.so, so the
# module's -z defs holds. clang's TSan runtime is static, in the executable;
# the clang build adds -Wl,-z,undefs so the module may leave __tsan_*
# undefined (clang 14's shared runtime, -shared-libsan, crashes at start on
# Debian 12).
set -euo pipefail
cd "$(dirname "$0")/.."
TOP=$PWD
B=${TSAN_BUILD_DIR:-_build-tsan}
CCX=${TSAN_CC:-gcc}
# TSAN_EXTRA_CFLAGS: appended (e.g. -Wno-error=... while a warning that
# check-static.sh reports is being fixed), as ASAN_EXTRA_CFLAGS in check-asan.sh
FLAGS="-g -O1 -fno-omit-frame-pointer -fsanitize=thread ${TSAN_EXTRA_CFLAGS:-}"
LDF="-fsanitize=thread"
if [ "$CCX" != gcc ]; then
  # clang links its TSan runtime statically into the executable (its shared
  # runtime crashes at start here), so the module's __tsan_* references can
  # only resolve at load time: undo the module's -z defs for this build
  LDF="$LDF -Wl,-z,undefs"
fi

start=$(date +%s)
[ -x configure ] || autoreconf -fi >/dev/null 2>&1
mkdir -p "$B"
cd "$B"
if [ ! -f Makefile ]; then
  ../configure -q --enable-werror CC="$CCX" CFLAGS="$FLAGS" LDFLAGS="$LDF" >configure.out 2>&1 ||
    { cat configure.out; echo "tsan: 0 passed, 1 failed"; exit 1; }
fi
make -j"$(nproc)" pam_genauth.la tests/stress/pam_threads >make.out 2>&1 ||
  { tail -n 40 make.out; echo "tsan: 0 passed, 1 failed"; exit 1; }

passed=0 failed=0
# the module must really be instrumented (it calls into the TSan runtime)
if nm -D .libs/pam_genauth.so | grep '__tsan_func_entry' >/dev/null; then
  echo "ok   the module is instrumented (__tsan_* references)"; passed=$((passed + 1))
else
  echo "FAIL the module has no __tsan_* references"; failed=$((failed + 1))
fi

# halt_on_error=0: collect every report; exitcode makes any report fail the
# harness, and test_threads.py also counts the reports on stderr
export TSAN_OPTIONS="halt_on_error=0 exitcode=66 second_deadlock_stack=1 suppressions=$TOP/tests/stress/tsan.supp ${TSAN_OPTIONS:-}"
export abs_top_builddir=$PWD abs_top_srcdir=$TOP
# test the test: a race planted in the harness must be reported and fail
export abs_top_builddir=$PWD abs_top_srcdir=$TOP
if STRESS_PLANT_RACE=1 STRESS_THREADS=2 STRESS_CYCLES=2 STRESS_RSS= \
     /usr/bin/python3 "$TOP/tests/stress/test_threads.py" >tsan-planted.log 2>&1; then
  echo "FAIL a planted data race went unreported (see $B/tsan-planted.log)"; failed=$((failed + 1))
elif grep -q 'WARNING: ThreadSanitizer: data race' tsan-planted.log; then
  echo "ok   a planted data race is reported and fails the run"; passed=$((passed + 1))
else
  echo "FAIL the planted-race run failed without a TSan report"; failed=$((failed + 1))
  tail -n 30 tsan-planted.log
fi

status=0
STRESS_THREADS=${STRESS_THREADS:-8} STRESS_CYCLES=${STRESS_CYCLES:-50} STRESS_RSS= \
  /usr/bin/python3 "$TOP/tests/stress/test_threads.py" >tsan-threads.log 2>&1 || status=$?
grep -vE '^running:' tsan-threads.log |
  grep -E '^(concurrent|  |grace|management|libcurl|log|pam_threads|harness|sanitizer|emulator|ok  |FAIL)' || true
if [ "$status" -ne 0 ]; then
  echo "=== $B/tsan-threads.log (tail)"
  tail -n 80 tsan-threads.log
fi
line=$(grep -E '^threads: [0-9]+ passed, [0-9]+ failed' tsan-threads.log | tail -n 1 || true)
p=$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+' || echo 0)
f=$(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+' || echo 1)
[ "$status" -ne 0 ] && [ "$f" -eq 0 ] && f=1
passed=$((passed + p)); failed=$((failed + f))
echo "tsan run: $(( $(date +%s) - start )) s (build included), compiler $CCX"
echo "tsan: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
