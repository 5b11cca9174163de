#!/bin/bash
# valgrind memcheck over the test suite, from a plain -O1 -g build in
# _build-valgrind:
#   - every compiled test program of `make check` (the Check unit tests, the
#     fuzz replays), CK_FORK=no so one process holds the whole suite;
#     check_api twice: alone and against the emulator (its TLS cases);
#   - the PAM end-to-end suites: every tests/pam/test_*.py (so a new suite
#     is picked up without an edit here; VALGRIND_SUITES adds more, e.g.
#     tests/hostile/test_hostile.py; VALGRIND_ONLY replaces the list),
#     every pam_driver run under valgrind through tests/mem/pam-wrap.sh.
# Definite and indirect leaks are errors (libpam, libcurl and OpenSSL keep
# their one-time globals reachable, which is not reported). Before that,
# tests/mem/canary.sh proves a planted leak and overflow in a dlopen'ed
# module are reported with its source lines. Prints one line per program
# and ends with `valgrind: N passed, N failed`.
#   scripts/check-valgrind.sh
#   GA_TEST_SLOW=6 scripts/check-valgrind.sh     slower machine
set -euo pipefail
cd "$(dirname "$0")/.."
TOP=$PWD
. "$TOP/tests/mem/lib.sh"

start_all=$SECONDS
mem_bootstrap
mem_install valgrind
B=$TOP/_build-valgrind
SUITES=()
if [ -n "${VALGRIND_ONLY:-}" ]; then
  read -r -a SUITES <<<"$VALGRIND_ONLY"
else
  for s in "$TOP"/tests/pam/test_*.py; do SUITES+=("${s#"$TOP"/}"); done
fi
read -r -a extra_suites <<<"${VALGRIND_SUITES:-}"
SUITES+=(${extra_suites[@]+"${extra_suites[@]}"})
export GA_TEST_SLOW=${GA_TEST_SLOW:-8}

VG=(valgrind -q --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect
    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 --num-callers=30
    --keep-debuginfo=yes --suppressions="$TOP/tests/mem/valgrind.supp")
passed=0 failed=0

result() { # name ok(0|1) detail
  if [ "$2" -eq 1 ]; then
    passed=$((passed + 1)); printf '  %-34s ok    %s\n' "$1" "$3"
  else
    failed=$((failed + 1)); printf '  %-34s FAIL  %s\n' "$1" "$3"
  fi
}

echo "=== valgrind: build in ${B#$TOP/}"
t0=$SECONDS
mem_configure_make "$B" CFLAGS="-g -O1" || { echo "valgrind: 0 passed, 1 failed"; exit 1; }
mkdir -p "$B/tests/mem" "$B/mem-logs"
cc -g -O1 -shared -fPIC -o "$B/tests/mem/pam_memcanary.so" "$TOP/tests/mem/pam_memcanary.c" -lpam
echo "build: $(mem_since "$t0")s"
export abs_top_builddir=$B abs_top_srcdir=$TOP
PY=$(mem_python "$B")

# ---- canary ------------------------------------------------------------------
echo "=== valgrind: canary (planted bugs must be reported)"
t0=$SECONDS
"$TOP/tests/mem/canary.sh" "$B/tests/pam/pam_driver" "$B/tests/mem/pam_memcanary.so" \
  "leak overflow" "$TOP/tests/mem/pam-wrap.sh" --error-rc 99 --findings "$B/mem-canary" -- \
  "${VG[@]}" --log-file=@LOG@ >"$B/mem-logs/canary.log" 2>&1 || true
sed -n '/^  /p' "$B/mem-logs/canary.log" | grep -E '^  (ok|FAIL)' || true
line=$(tail -n 1 "$B/mem-logs/canary.log")
p=$(mem_count passed "$line") f=$(mem_count failed "$line")
[ -n "$line" ] && [ "$p" -gt 0 ] || { f=$((f + 1)); cat "$B/mem-logs/canary.log"; }
if [ "$f" -gt 0 ]; then grep -v '^  ok' "$B/mem-logs/canary.log" | head -n 80 || true; fi
result "canary" "$([ "$f" -eq 0 ] && echo 1 || echo 0)" "$p planted/clean checks, $(mem_since "$t0")s"

# ---- compiled test programs ----------------------------------------------------
echo "=== valgrind: test programs (CK_FORK=no)"
tests=$(make -s -C "$B" -f Makefile -f - ga-print-tests <<'EOF'
ga-print-tests:
	@echo $(TESTS)
EOF
)
run_program() { # label [--emulator] program
  local label=$1 log out rc errs t1=$SECONDS pre=()
  shift
  # check_api's TLS cases need a running emulator around valgrind
  if [ "$1" = --emulator ]; then pre=("$PY" "$TOP/tests/mem/with_emulator.py"); shift; fi
  log="$B/mem-logs/$(tr '/ ' '__' <<<"$label").vg"
  out="$log.out"
  CK_FORK=no "${pre[@]+"${pre[@]}"}" "${VG[@]}" --log-file="$log" "$@" >"$out" 2>&1 && rc=0 || rc=$?
  errs=$(grep -oE 'ERROR SUMMARY: [0-9]+' "$log" | grep -oE '[0-9]+$' | tail -n 1 || true)
  # -q prints nothing when clean; anything in the log is a finding
  if [ "$rc" -eq 0 ] && [ ! -s "$log" ]; then
    result "$label" 1 "$(grep -E '^[0-9]+%: Checks:|[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1), 0 errors, $((SECONDS - t1))s"
  else
    result "$label" 0 "rc=$rc, valgrind errors: ${errs:-0}$([ "$rc" -ne 99 ] && [ ! -s "$log" ] && echo ' (test failures)'), $((SECONDS - t1))s (log: ${log#$TOP/})"
    if [ -s "$log" ]; then head -n 60 "$log"; fi
    if [ "$rc" -ne 99 ]; then tail -n 15 "$out"; fi
  fi
}
t0=$SECONDS
for t in $tests; do
  prog=$B/$t
  [ -f "$prog" ] && [ "$(head -c 4 "$prog" | od -An -c | tr -d ' ')" = '177ELF' ] || continue
  # programs built with a sanitizer of their own cannot run under valgrind
  grep -q -E '__(asan|tsan|msan)_init' <(nm "$prog" 2>/dev/null) && continue
  run_program "$t" "$prog"
  if [ "$t" = tests/unit/check_api ]; then
    run_program "$t (emulator)" --emulator "$prog"
  fi
done
echo "test programs: $(mem_since "$t0")s"

# ---- PAM end to end --------------------------------------------------------------
# The suites run side by side, one per core (valgrind runs one thread at a
# time; GA_TEST_SLOW widens the time bounds the suites assert).
echo "=== valgrind: PAM suites (every pam_driver run under valgrind, GA_TEST_SLOW=$GA_TEST_SLOW)"
run_suite() { # suite
  local name findings wrapper t1=$SECONDS rc=0
  name=$(basename "$1" .py)
  findings=$B/mem-findings/$name
  rm -rf "$findings"
  wrapper=$(printf '%q ' "$TOP/tests/mem/pam-wrap.sh" --error-rc 99 --findings "$findings" -- \
            "${VG[@]}" --log-file=@LOG@)
  GA_TEST_WRAPPER=$wrapper "$PY" "$TOP/$1" >"$B/mem-logs/$name.log" 2>&1 || rc=$?
  echo "$rc $((SECONDS - t1))" >"$B/mem-logs/$name.rc"
}
t0=$SECONDS
for s in "${SUITES[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$(nproc)" ]; do wait -n || true; done
  run_suite "$s" &
done
wait
for s in "${SUITES[@]}"; do
  name=$(basename "$s" .py)
  findings=$B/mem-findings/$name
  read -r rc secs <"$B/mem-logs/$name.rc" || { rc=1 secs=0; }
  # the suite's closing line ("test_enroll: ...", "hostile: ...")
  line=$(grep -E '^[A-Za-z_./-]+: [0-9]+ passed, [0-9]+ failed' "$B/mem-logs/$name.log" \
         | tail -n 1 || true)
  runs=0 n=0
  [ -f "$findings/runs" ] && runs=$(wc -l <"$findings/runs")
  [ -d "$findings" ] && n=$(find "$findings" -name 'finding.*' | wc -l)
  detail="${line#*: }; $runs pam_driver runs, $n with valgrind errors, ${secs}s"
  if [ "$rc" -eq 0 ] && [ "$n" -eq 0 ] && [ "$runs" -gt 0 ] && [ -n "$line" ]; then
    result "$s" 1 "$detail"
  else
    result "$s" 0 "rc=$rc; $detail"
    [ "$runs" -eq 0 ] && echo "    no pam_driver run went through tests/mem/pam-wrap.sh"
    [ "$n" -gt 0 ] && { find "$findings" -name 'finding.*' -exec cat {} + 2>/dev/null || true; } | head -n 120
    grep -E '^(FAIL|ERROR):' "$B/mem-logs/$name.log" | head -n 20 || true
    tail -n 30 "$B/mem-logs/$name.log"
  fi
done
echo "PAM suites: $(mem_since "$t0")s"

echo "valgrind: total time $(mem_since "$start_all")s"
echo "valgrind: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
