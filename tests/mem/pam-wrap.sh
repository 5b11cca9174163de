#!/bin/bash
# TEST ONLY: the GA_TEST_WRAPPER of the memory-checked PAM runs.
#
# tests/pam/pamlib.py (and the hostile and stress harnesses) put
# $GA_TEST_WRAPPER in front of every pam_driver or harness run. A sanitizer
# or valgrind report at the program's exit would be lost there: pamlib reads
# the PAM result from the driver's transcript, not its exit status, and a
# leak is only reported after the last RESULT line. This wrapper makes every
# report count twice:
#   - the run's stderr and tool log are kept in the findings directory,
#     which the calling script (scripts/check-asan.sh, check-valgrind.sh)
#     checks at the end;
#   - the transcript gets a last "RESULT pam_authenticate=<status>" line, so
#     the test case that made the run sees a PAM result it does not expect
#     and fails, showing the report (the program's stderr is passed on).
# A finding is the tool's error exit status (ASan/UBSan/LSan exitcode=,
# valgrind --error-exitcode=), or a non-empty tool log file. Reports that a
# harness provokes on purpose in its children and handles itself (the
# stress suite's planted leaks) do not change its exit status and are left
# to it.
#
# usage: pam-wrap.sh --findings DIR [--error-rc N] [--set NAME=VALUE]... -- CMD...
#   --set     exported before CMD runs; given as arguments, not inherited,
#             so a test that hands the driver a scrubbed environment still
#             runs under the same tool settings. "@LOG@" in a value or in
#             CMD becomes this run's tool log file (valgrind --log-file=).
#             LD_PRELOAD is the exception: a test's own preload (e.g.
#             tests/pam/nss_fail.so in test_policy.py) is kept after the
#             wrapper's, not replaced.
#   --error-rc  the tool's error exit status; default 86.
set -u

findings="" error_rc=86
sets=()
while [ $# -gt 0 ]; do
  case $1 in
    --findings) findings=$2; shift 2 ;;
    --error-rc) error_rc=$2; shift 2 ;;
    --set) sets+=("$2"); shift 2 ;;
    --) shift; break ;;
    *) echo "pam-wrap: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$findings" ] && [ $# -gt 0 ] || { echo "usage: pam-wrap.sh --findings DIR [...] -- CMD..." >&2; exit 2; }
mkdir -p "$findings"

log="$findings/run.$$.log"
for s in "${sets[@]+"${sets[@]}"}"; do
  name=${s%%=*} value=${s#*=}
  if [ "$name" = LD_PRELOAD ] && [ -n "${LD_PRELOAD:-}" ]; then
    value="$value $LD_PRELOAD"
  fi
  export "$name=${value//@LOG@/$log}"
done
cmd=()
for a in "$@"; do cmd+=("${a//@LOG@/$log}"); done

# stderr goes to a file first, then on to the caller unchanged: the callers
# collect stdout and stderr separately, so only the interleaving changes
"${cmd[@]}" 2>"$log.stderr"
rc=$?
cat "$log.stderr" >&2
# one line per run: the calling script checks the wrapper was in effect
echo "$rc" >>"$findings/runs"

shopt -s nullglob
reports=()
for f in "$log" "$log".[0-9]*; do
  [ -s "$f" ] && reports+=("$f")
done
if [ "$rc" -eq "$error_rc" ] || [ ${#reports[@]} -gt 0 ]; then
  keep="$findings/finding.$$.txt"
  {
    echo "=== finding: exit status $rc (tool error status $error_rc)"
    printf 'command:'; printf ' %q' "${cmd[@]}"; echo
    for f in "${reports[@]+"${reports[@]}"}"; do cat "$f"; done
    echo "--- stderr"
    cat "$log.stderr"
  } >"$keep"
  # the test sees a PAM result no assertion expects
  echo "RESULT pam_authenticate=$rc memory checker reported an error (see stderr, $keep)"
  [ ${#reports[@]} -gt 0 ] && cat "${reports[@]}" >&2
fi
rm -f "$log" "$log".[0-9]* "$log.stderr"
exit "$rc"
