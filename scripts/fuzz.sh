#!/bin/bash
# Fuzz pam_genauth's parsers with libFuzzer (docs/fuzzing.md).
#
#   scripts/fuzz.sh [SECONDS]             configure a clang build in _build-fuzz
#                                         (CC=clang --enable-fuzzing), build the
#                                         targets and run `make fuzz-smoke`:
#                                         each target SECONDS (default 20, the CI
#                                         figure), two at a time (FUZZ_JOBS)
#   scripts/fuzz.sh 600                   the long run
#   scripts/fuzz.sh --coverage [SECONDS]  the same, then the line and branch
#                                         coverage its corpora reach, measured
#                                         by a second build (_build-fuzz-cov,
#                                         clang source-based coverage)
#   scripts/fuzz.sh --smoke               (the body of `make fuzz-smoke`; run by
#                                         make in the build directory)
#
# Environment: FUZZ_JOBS (2), FUZZ_BUILD_DIR (_build-fuzz), FUZZ_NAMES (all),
# FUZZ_IGNORE_OPEN_FINDINGS=1 (long runs only: skip the oracles of the open
# findings in docs/fuzzing.md so a run is not stopped by a known bug).
# Prints per target the executions done ("Done N runs in S second(s)") and
# ends with "fuzz: N passed, N failed"; exits 1 when a target failed.
set -uo pipefail

# ---- the smoke run, in a configured build directory -------------------------
# srcdir and FUZZ_NAMES come from the make rule.

# The interesting part of a failed run's log: the sanitizer or oracle report.
report() {
  grep -n -m1 -E '==ERROR|fuzz oracle failed|fuzz_config:|runtime error|ERROR: libFuzzer' "$1" \
    | cut -d: -f1 | { read -r at || at=1; tail -n +"$at" "$1" | head -n 40; }
}

# Replay the saved crashes of target $1, then fuzz a copy of its corpus.
# Writes one summary line to fuzz-work/$1.result and "passed"/"failed" to
# fuzz-work/$1.status.
run_target() {
  local name=$1 prog=fuzz/fuzz_$1 work=fuzz-work/$1 log=fuzz-work/$1.log
  local regs=() dict=() f rc line done_line cov
  for f in "$srcdir/fuzz/regressions/$name"/*; do
    [ -f "$f" ] && regs+=("$f")
  done
  echo failed >"fuzz-work/$name.status"
  if [ ${#regs[@]} -gt 0 ] &&
     ! "$prog" -artifact_prefix="fuzz-artifacts/$name-" "${regs[@]}" >"$work.regressions.log" 2>&1; then
    echo "fuzz-$name: a saved crash in fuzz/regressions/$name/ still fails:" >"fuzz-work/$name.result"
    report "$work.regressions.log" >>"fuzz-work/$name.result"
    return
  fi
  mkdir -p "$work"
  cp "$srcdir/fuzz/corpus/$name"/* "$work"/
  [ -f "$srcdir/fuzz/$name.dict" ] && dict=(-dict="$srcdir/fuzz/$name.dict")
  if [ "$secs" -gt 0 ]; then
    "$prog" "${dict[@]}" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="fuzz-artifacts/$name-" "$work" >"$log" 2>&1
  else                    # FUZZ_SECONDS=0: run each seed once, no fuzzing
    "$prog" -artifact_prefix="fuzz-artifacts/$name-" "$work"/* >"$log" 2>&1
  fi
  rc=$?
  done_line=$(grep -E '^Done [0-9]+ runs' "$log" | tail -n1)
  [ "$secs" -eq 0 ] && done_line="ran the $(grep -c '^Executed ' "$log") seeds once"
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9]+[kKmM]?b' "$log" | tail -n1)
  line="fuzz-$name: ${done_line:-no Done line} (${cov:-no coverage line}); regressions replayed: ${#regs[@]}"
  if [ "$rc" -ne 0 ] || ls "fuzz-artifacts/$name-"* >/dev/null 2>&1; then
    { echo "$line"; echo "fuzz-$name: FAILED (exit $rc); saved:" fuzz-artifacts/"$name"-*; report "$log"; } \
      >"fuzz-work/$name.result"
    return
  fi
  echo "$line" >"fuzz-work/$name.result"
  echo passed >"fuzz-work/$name.status"
}

smoke() {
  : "${srcdir:?run by make fuzz-smoke}" "${FUZZ_NAMES:?run by make fuzz-smoke}"
  secs=${FUZZ_SECONDS:-20}
  local jobs=${FUZZ_JOBS:-2} passed=0 failed=0 batch=() name
  case $secs in ''|*[!0-9]*) echo "fuzz: FUZZ_SECONDS must be a number of seconds" >&2; exit 2 ;; esac
  rm -rf fuzz-work fuzz-artifacts
  mkdir -p fuzz-work fuzz-artifacts
  echo "fuzz: ${secs}s per target, $jobs at a time: $FUZZ_NAMES"
  set -- $FUZZ_NAMES
  while [ $# -gt 0 ]; do
    batch=()
    while [ $# -gt 0 ] && [ ${#batch[@]} -lt "$jobs" ]; do
      batch+=("$1"); shift
    done
    for name in "${batch[@]}"; do run_target "$name" & done
    wait
    for name in "${batch[@]}"; do
      cat "fuzz-work/$name.result"
      if [ "$(cat "fuzz-work/$name.status")" = passed ]; then
        passed=$((passed + 1))
      else
        failed=$((failed + 1))
      fi
    done
  done
  echo "fuzz: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}

# ---- coverage of the corpora, from a source-coverage build ------------------
coverage() {
  local top=$1 build=$2 cov=${2}-cov name files
  local major; major=$(clang -dumpversion | cut -d. -f1)
  tool() { if command -v "$1-$major" >/dev/null; then echo "$1-$major"; else echo "$1"; fi; }
  mkdir -p "$cov"
  if [ ! -f "$cov/Makefile" ]; then
    (cd "$cov" && "$top/configure" -q CC="clang -fprofile-instr-generate -fcoverage-mapping" \
       CFLAGS="-O0 -g") || return 1
  fi
  (cd "$cov" && make -j2 $(printf 'fuzz/replay_%s ' $names) >/dev/null) || return 1
  rm -rf "$cov/fuzz-coverage"; mkdir -p "$cov/fuzz-coverage"
  echo "=== coverage reached by the corpora (seeds + what the run added + regressions)"
  for name in $names; do
    case $name in
      response) files="src/ga_response.c" ;;
      config) files="src/ga_config.c src/ga_config_check.c" ;;
      validate) files="src/ga_validate.c src/ga_text.c" ;;
      state) files="src/ga_state_file.c" ;;
      mfa) files="src/ga_response_mfa.c" ;;
    esac
    local dirs=("$build/fuzz-work/$name")
    [ -d "$top/fuzz/regressions/$name" ] && dirs+=("$top/fuzz/regressions/$name")
    LLVM_PROFILE_FILE="$cov/fuzz-coverage/$name-%m.profraw" \
      "$cov/fuzz/replay_$name" "${dirs[@]}" | tail -n1
    "$(tool llvm-profdata)" merge -o "$cov/fuzz-coverage/$name.profdata" \
      "$cov/fuzz-coverage/$name"-*.profraw || return 1
    (cd "$top" && "$(tool llvm-cov)" report "$cov/fuzz/replay_$name" \
       -instr-profile="$cov/fuzz-coverage/$name.profdata" $files) |
      awk -v n="$name" 'NR > 2 && $1 ~ /\.c$/ { sub(/.*\//, "", $1);
        printf "coverage-%s: %-22s lines %s (%d of %d), branches %s (%d of %d), functions %s\n",
          n, $1, $10, $8 - $9, $8, $13, $11 - $12, $11, $7 }'
  done
}

# ---- the driver: configure, build, run ----------------------------------------
main() {
  local top build secs=20 want_cov=0 start=$SECONDS status=0
  top=$(cd "$(dirname "$0")/.." && pwd)
  build=${FUZZ_BUILD_DIR:-$top/_build-fuzz}
  names=${FUZZ_NAMES:-response config validate state mfa}
  while [ $# -gt 0 ]; do
    case $1 in
      --coverage) want_cov=1 ;;
      [0-9]*) secs=$1 ;;
      *) echo "usage: scripts/fuzz.sh [--coverage] [SECONDS]" >&2; exit 2 ;;
    esac
    shift
  done
  command -v clang >/dev/null || { echo "fuzz.sh: clang is needed (apt-get install clang libclang-rt-14-dev)" >&2; exit 2; }
  [ -x "$top/configure" ] || (cd "$top" && autoreconf -fi) || exit 1
  mkdir -p "$build"
  if [ ! -f "$build/Makefile" ]; then
    (cd "$build" && "$top/configure" -q CC=clang --enable-fuzzing --enable-werror) || exit 1
  fi
  echo "=== building the fuzz targets in $build"
  (cd "$build" && make -j2 fuzz/fuzz_response fuzz/fuzz_config fuzz/fuzz_validate \
     fuzz/fuzz_state fuzz/fuzz_mfa >/dev/null) || exit 1
  (cd "$build" && make fuzz-smoke FUZZ_SECONDS="$secs" FUZZ_NAMES="$names") || status=1
  if [ "$want_cov" = 1 ]; then
    coverage "$top" "$build" || status=1
  fi
  echo "fuzz.sh: $((SECONDS - start)) s"
  exit "$status"
}

if [ "${1:-}" = --smoke ]; then
  smoke
else
  main "$@"
fi
