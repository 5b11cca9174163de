#!/bin/bash
# Print one line per test program from an automake build dir's test logs, then
# the closing total line "tests: N passed, N failed".
# usage: summarize.sh BUILDDIR [NAME=passed|failed|skipped ...]
set -u
B=${1:?build dir}
passed=0 failed=0 skipped=0
while IFS= read -r log; do
  name=${log#"$B"/}; name=${name%.log}
  # Check: "100%: Checks: 12, Failures: 0, Errors: 0"
  if line=$(grep -E '^[0-9]+%: Checks: ' "$log" | tail -n1) && [ -n "$line" ]; then
    n=$(sed -E 's/.*Checks: ([0-9]+).*/\1/' <<<"$line")
    f=$(sed -E 's/.*Failures: ([0-9]+), Errors: ([0-9]+).*/\1+\2/' <<<"$line")
    f=$((f)); p=$((n - f))
  elif line=$(grep -E '^[A-Za-z_./-]*:? ?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n1) && [ -n "$line" ]; then
    p=$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+')
    f=$(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+')
    s=$(grep -oE '[0-9]+ skipped' <<<"$line" | grep -oE '[0-9]+' || echo 0)
    skipped=$((skipped + s))
  elif grep -q '^SKIP' "${log%.log}.trs" 2>/dev/null || grep -q ':test-result: SKIP' "${log%.log}.trs" 2>/dev/null; then
    printf '  %-32s skipped\n' "$name"; skipped=$((skipped + 1)); continue
  else
    p=0; f=1
  fi
  printf '  %-32s %4d passed, %d failed\n' "$name" "$p" "$f"
  passed=$((passed + p)); failed=$((failed + f))
done < <(find "$B/tests" "$B/fuzz" -name '*.log' ! -name 'test-suite.log' 2>/dev/null | sort)
# extra rows: NAME=passed|failed|skipped (e.g. make-distcheck=passed); a
# suite run by test.sh has its log in BUILDDIR/suite-NAME.log, whose closing
# "N passed, N failed" line gives the row its counts
shift
for row in "$@"; do
  name=${row%%=*} result=${row#*=} p=0 f=0
  line=$(grep -E '^[A-Za-z_-]+: [0-9]+ passed, [0-9]+ failed' "$B/suite-$name.log" 2>/dev/null | tail -n 1)
  if [ -n "$line" ]; then
    p=$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+')
    f=$(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+')
  fi
  case $result in
    passed) [ "$p" -eq 0 ] && p=1 ;;
    skipped) skipped=$((skipped + 1)); printf '  %-32s skipped\n' "$name"; continue ;;
    *) [ "$f" -eq 0 ] && f=1 ;;
  esac
  printf '  %-32s %4d passed, %d failed\n' "$name" "$p" "$f"
  passed=$((passed + p)); failed=$((failed + f))
done
echo "tests: $passed passed, $failed failed, $skipped skipped"
