#!/bin/bash
# TEST ONLY: prove a memory checker sees bugs inside a dlopen'ed PAM module
# before its clean result on pam_genauth is trusted.
#
# usage: canary.sh DRIVER CANARY_SO "KIND..." WRAPPER...
#   DRIVER     tests/pam/pam_driver of the build under test
#   CANARY_SO  tests/mem/pam_memcanary.c built like the module under test
#   KIND...    planted bugs the tool must report: leak overflow ub
#   WRAPPER... the same prefix the PAM suites run the driver with
#              (tests/mem/pam-wrap.sh ... --), with its own findings dir
#
# Runs the canary once clean (must pass, nothing reported) and once per
# planted bug (must be reported, with a frame in pam_memcanary.c, and the
# run's transcript must carry the wrapper's failing RESULT line). Prints a
# line per run and "canary: N passed, N failed"; exit 1 on any failure.
set -u
[ $# -ge 4 ] || { echo "usage: canary.sh DRIVER CANARY_SO KINDS WRAPPER..." >&2; exit 2; }
driver=$1 canary=$2 kinds=$3
shift 3
work=$(mktemp -d "${TMPDIR:-/tmp}/pam_genauth-canary.XXXXXX")
trap 'rm -rf "$work"' EXIT
passed=0 failed=0

# what the report of each planted bug must say (ASan/UBSan or valgrind)
declare -A want=(
  [leak]='Direct leak of 48 byte|48 bytes in 1 blocks are definitely lost'
  [overflow]='heap-buffer-overflow|Invalid read of size 1'
  [ub]='signed integer overflow'
)

check() { # name ok detail
  if [ "$2" = 1 ]; then
    passed=$((passed + 1)); echo "  ok   canary $1"
  else
    failed=$((failed + 1)); echo "  FAIL canary $1"; printf '%s\n' "$3" | sed 's/^/    | /' | head -n 60
  fi
}

for kind in none $kinds; do
  mkdir -p "$work/$kind"
  printf 'auth required %s bug=%s\n' "$canary" "$kind" >"$work/$kind/canary"
  printf 'auth required pam_deny.so\n' >"$work/$kind/other"
  "$@" "$driver" "$work/$kind" canary nobody >"$work/$kind.out" 2>"$work/$kind.err"
  rc=$?
  out=$(cat "$work/$kind.out") err=$(cat "$work/$kind.err")
  if [ "$kind" = none ]; then
    ok=0
    if [ "$rc" -eq 0 ] && grep -q '^RESULT pam_authenticate=0 ' <<<"$out" \
       && ! grep -q 'memory checker reported' <<<"$out"; then ok=1; fi
    check "clean run is not reported" "$ok" "rc=$rc"$'\n'"$out"$'\n'"$err"
    continue
  fi
  ok=0
  if grep -q 'memory checker reported' <<<"$out" && grep -Eq "${want[$kind]}" <<<"$err" \
     && grep -q 'pam_memcanary\.c:[0-9]' <<<"$err"; then ok=1; fi
  check "planted $kind is reported inside the module" "$ok" "rc=$rc"$'\n'"$out"$'\n'"$err"
done
echo "canary: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
