#!/bin/bash
# The whole test suite, from scratch: install the packages it needs, build in
# _build with -Werror, run every test (unit, PAM end to end against the
# emulator, hostile-input catalogue, secrets, concurrency, allocation
# failures, the real sshd login when root), make distcheck, then the whole
# suite again under ASan+UBSan and under valgrind, ThreadSanitizer, static
# analysis and a short fuzzing run; the benchmark prints the figures for the
# numbers the issues name. Ends with one closing summary line.
#
#   scripts/test.sh                everything (about 27 minutes on 2 cores)
#   QUICK=1 scripts/test.sh        the main build, its tests, distcheck and the
#                                  benchmark only
#   SKIP_DISTCHECK=1 ...           without make distcheck
#   FUZZ_SECONDS=N ...             seconds per fuzz target (default 20)
set -uo pipefail
cd "$(dirname "$0")/.."
TOP=$PWD
extra=()   # NAME=passed|failed rows for the summary
status=0

run_suite() { # NAME COMMAND... : run, keep its log, add a summary row
  local name=$1; shift
  local log="$TOP/_build/suite-$name.log" start=$SECONDS
  echo "=== $name ($*)"
  if "$@" >"$log" 2>&1; then
    extra+=("$name=passed")
  else
    extra+=("$name=failed"); status=1
    tail -n 60 "$log"
  fi
  # the figures a benchmark reports, the suite's own closing line, and how
  # long it took
  grep -E '^figure: ' "$log"
  grep -E '^[A-Za-z_-]+: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1
  echo "    ($((SECONDS - start)) s, log: _build/suite-$name.log)"
}

scripts/install-deps.sh || exit 1
autoreconf -fi >/dev/null 2>&1 || autoreconf -fi || exit 1
rm -rf _build && mkdir _build
cd _build
../configure -q --enable-werror || exit 1
make -j"$(nproc)" >/dev/null || { make; exit 1; }
echo "=== make check"
make -j"$(nproc)" check >/dev/null 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
  echo "=== failing test logs"
  for trs in $(grep -l -E ':test-result: (FAIL|ERROR)' $(find . -name '*.trs')); do
    echo "--- ${trs%.trs}.log"; tail -n 80 "${trs%.trs}.log"
  done
fi
if [ "$status" -eq 0 ] && [ -z "${SKIP_DISTCHECK:-}" ]; then
  echo "=== make distcheck"
  if make distcheck >distcheck.log 2>&1; then
    extra+=("make-distcheck=passed")
    grep -E -A1 "archives ready for distribution" distcheck.log | tr -d '\n' | sed 's/: */: /'; echo
  else
    tail -n 60 distcheck.log
    extra+=("make-distcheck=failed"); status=1
  fi
fi
cd "$TOP"

# the figures for the numbers the issues name (reported, not asserted)
if [ "$status" -eq 0 ]; then
  run_suite bench env abs_top_srcdir="$TOP" abs_top_builddir="$TOP/_build" \
    /usr/bin/python3 tests/bench/bench_quick_exits.py
fi

if [ -z "${QUICK:-}" ]; then
  run_suite asan-ubsan scripts/check-asan.sh gcc
  run_suite valgrind scripts/check-valgrind.sh
  run_suite tsan scripts/check-tsan.sh
  run_suite stress-asan tests/stress/check-asan.sh
  run_suite static scripts/check-static.sh
  run_suite fuzz scripts/fuzz.sh "${FUZZ_SECONDS:-20}"
fi

echo "=== summary"
"$TOP"/scripts/summarize.sh "$TOP/_build" "${extra[@]}"
exit "$status"
