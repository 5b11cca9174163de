#!/bin/bash
# The whole test suite (`make check`: Check unit tests, PAM end to end
# through libpam against the emulator, the emulator's own tests and every
# suite the fragments add) built with AddressSanitizer + UndefinedBehavior-
# Sanitizer, leak detection on. Any report in any process of ours fails the
# run: unit tests abort or exit 86, and every pam_driver run goes through
# tests/mem/pam-wrap.sh, which keeps the report and fails the test case.
#
#   scripts/check-asan.sh              gcc build in _build-asan
#   scripts/check-asan.sh clang        clang build in _build-asan-clang
#   scripts/check-asan.sh gcc clang    both, one after the other
#
# Before the suite, tests/mem/canary.sh proves the tools see a planted leak,
# overflow and signed overflow inside a dlopen'ed module through the same
# driver, preloads and wrapper. The real-sshd test is skipped here (see
# tests/mem/py-test.sh). Ends with `asan: N passed, N failed, N skipped`
# (test programs + canary checks; each sanitizer report is one more failure).
set -euo pipefail
cd "$(dirname "$0")/.."
TOP=$PWD
. "$TOP/tests/mem/lib.sh"

compilers=("$@")
[ ${#compilers[@]} -gt 0 ] || compilers=(gcc)
for cc in "${compilers[@]}"; do
  case $cc in gcc | clang) ;; *) echo "usage: check-asan.sh [gcc] [clang]" >&2; exit 2 ;; esac
done

start_all=$SECONDS
mem_bootstrap
[[ " ${compilers[*]} " == *" clang "* ]] && mem_install clang libclang-rt-14-dev

SAN="-fsanitize=address,undefined"
# ASAN_EXTRA_CFLAGS: appended (e.g. -Wno-error=... while a warning that
# check-static.sh reports is being fixed)
CFLAGS_ASAN="-g -O1 -fno-omit-frame-pointer $SAN -fno-sanitize-recover=all ${ASAN_EXTRA_CFLAGS:-}"
# 86: the exit status of every sanitizer report (PAM codes stay below 32)
# verify_asan_link_order=0: a test may preload a library of this build
# (tests/pam/nss_fail.so, instrumented like everything here) into the
# wrapper and its driver; without it ASan aborts every program that gets it
# ("runtime does not come first"), starting with the wrapper's bash
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:exitcode=86:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1:detect_invalid_pointer_pairs=0:verify_asan_link_order=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:report_error_type=1:exitcode=86"
export LSAN_OPTIONS="suppressions=$TOP/tests/mem/lsan.supp:print_suppressions=1:exitcode=86"

total_p=0 total_f=0 total_s=0

run_one() { # gcc|clang
  local cc=$1 b ldflags preload t0 t_build t_canary t_check status=0 line p f s n runs
  if [ "$cc" = gcc ]; then
    b=$TOP/_build-asan
    ldflags="$SAN"
  else
    b=$TOP/_build-asan-clang
    # clang links the sanitizer runtime statically into executables only;
    # the module's __asan_* references resolve from the host program, so
    # the module link's -z defs must be relaxed here (the normal build
    # keeps it).
    ldflags="$SAN -Wl,-z,undefs"
  fi
  echo "=== asan ($cc): build in ${b#$TOP/}"
  t0=$SECONDS
  mem_configure_make "$b" CC="$cc" CFLAGS="$CFLAGS_ASAN" LDFLAGS="$ldflags" || {
    echo "asan-$cc: build failed"; total_f=$((total_f + 1)); return 0; }
  mkdir -p "$b/tests/mem"
  cc -shared -fPIC -O1 -o "$b/tests/mem/nodlclose.so" "$TOP/tests/mem/nodlclose.c"
  # shellcheck disable=SC2086
  "$cc" $CFLAGS_ASAN -shared -fPIC -o "$b/tests/mem/pam_memcanary.so" \
    "$TOP/tests/mem/pam_memcanary.c" $ldflags -lpam
  t_build=$(mem_since "$t0")

  # Only the dlclose shim is preloaded. gcc's runtime is the driver's first
  # NEEDED library; with the shim ahead of it ASan would refuse to start,
  # hence verify_asan_link_order=0 (the shim intercepts nothing ASan
  # needs). Preloading the runtime itself would also preload it into the
  # addr2line that symbolises each report, which then reports its own
  # leaks. clang's runtime is linked into the driver.
  preload="$b/tests/mem/nodlclose.so"
  local findings=$b/mem-findings wrap
  wrap=("$TOP/tests/mem/pam-wrap.sh" --error-rc 86
        --set "ASAN_OPTIONS=$ASAN_OPTIONS"
        --set "UBSAN_OPTIONS=$UBSAN_OPTIONS"
        --set "LSAN_OPTIONS=$LSAN_OPTIONS"
        --set "LD_PRELOAD=$preload")

  echo "=== asan ($cc): canary (planted bugs must be reported)"
  t0=$SECONDS
  "$TOP/tests/mem/canary.sh" "$b/tests/pam/pam_driver" "$b/tests/mem/pam_memcanary.so" \
    "leak overflow ub" "${wrap[@]}" --findings "$b/mem-canary" -- >"$b/canary.log" 2>&1 || true
  cat "$b/canary.log"
  line=$(tail -n 1 "$b/canary.log")
  t_canary=$(mem_since "$t0")
  p=$(mem_count passed "$line") f=$(mem_count failed "$line")
  [ -n "$line" ] || f=1
  total_p=$((total_p + p)) total_f=$((total_f + f))

  echo "=== asan ($cc): make check"
  t0=$SECONDS
  rm -rf "$findings"
  # CK_TIMEOUT_MULTIPLIER: ASan+UBSan code runs about 2x slower, so every
  # Check tcase (4 s by default) gets 5x its time on a busy CI machine
  (cd "$b" && GA_TEST_WRAPPER="$(printf '%q ' "${wrap[@]}" --findings "$findings" --)" \
     GA_TEST_SLOW=${GA_TEST_SLOW:-2} CK_TIMEOUT_MULTIPLIER=${CK_TIMEOUT_MULTIPLIER:-5} \
     make -j"$(nproc)" check PY_LOG_COMPILER="$TOP/tests/mem/py-test.sh $(mem_python "$b")" \
     >"$b/check.log" 2>&1) || status=$?
  t_check=$(mem_since "$t0")
  if [ "$status" -ne 0 ]; then
    echo "--- failing test logs"
    for trs in $(grep -l -E ':test-result: (FAIL|ERROR)' $(find "$b" -name '*.trs')); do
      echo "--- ${trs%.trs}.log"; tail -n 80 "${trs%.trs}.log"
    done
  fi
  "$TOP/scripts/summarize.sh" "$b" >"$b/summary.log"
  cat "$b/summary.log"
  line=$(tail -n 1 "$b/summary.log")
  p=$(mem_count passed "$line") f=$(mem_count failed "$line") s=$(mem_count skipped "$line")
  # summarize.sh reads tests/ only: one row per test program elsewhere (fuzz/)
  local trs name
  for trs in $(find "$b" -name '*.trs' ! -path "$b/tests/*" | sort); do
    name=${trs#"$b"/}; name=${name%.trs}
    if grep -q -E ':test-result: (FAIL|ERROR)' "$trs"; then
      printf '  %-32s failed\n' "$name"; f=$((f + 1))
    else
      printf '  %-32s passed\n' "$name"; p=$((p + 1))
    fi
  done
  [ "$status" -ne 0 ] && [ "$f" -eq 0 ] && f=1

  # every report: the wrapper's findings (pam_driver) and any sanitizer
  # line in a test log (unit tests, check_api under the emulator)
  n=0 runs=0
  [ -f "$findings/runs" ] && runs=$(wc -l <"$findings/runs")
  echo "asan-$cc: pam_driver runs through the wrapper: $runs"
  if [ "$runs" -eq 0 ]; then
    echo "asan-$cc: no pam_driver run went through tests/mem/pam-wrap.sh (GA_TEST_WRAPPER ignored?)"
    f=$((f + 1))
  fi
  if [ -d "$findings" ]; then
    n=$(find "$findings" -name 'finding.*' | wc -l)
    { find "$findings" -name 'finding.*' -exec cat {} + 2>/dev/null || true; } | head -n 200
  fi
  local logs
  # test logs only (one per .trs), not test-suite.log, which repeats them
  logs=$(for trs in $(find "$b" -name '*.trs'); do
           grep -l -E '^==[0-9]+==ERROR: (Address|Leak)Sanitizer|: runtime error: ' \
             "${trs%.trs}.log" 2>/dev/null || true
         done)
  [ -n "$logs" ] && echo "sanitizer reports in: $logs"
  n=$((n + $(grep -c . <<<"$logs" || true)))
  echo "asan-$cc: sanitizer reports: $n"
  f=$((f + n))
  echo "asan-$cc: $p passed, $f failed, $s skipped (build ${t_build}s, canary ${t_canary}s, make check ${t_check}s)"
  total_p=$((total_p + p)) total_f=$((total_f + f)) total_s=$((total_s + s))
}

for cc in "${compilers[@]}"; do
  run_one "$cc"
done
echo "asan: total time $(mem_since "$start_all")s"
echo "asan: $total_p passed, $total_f failed, $total_s skipped"
[ "$total_f" -eq 0 ]
