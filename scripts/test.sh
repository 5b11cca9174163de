#!/bin/bash
# The whole test suite, from scratch: install the packages it needs, build in
# _build, run every test (unit, PAM end to end against the emulator, the
# real sshd login when root), check the tarball with `make distcheck`, and
# end with one closing summary line.
#   scripts/test.sh            everything
#   SKIP_DISTCHECK=1 scripts/test.sh   skip the tarball check (faster)
set -euo pipefail
cd "$(dirname "$0")/.."
TOP=$PWD

scripts/install-deps.sh
autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
rm -rf _build && mkdir _build
cd _build
../configure -q --enable-werror
make -j"$(nproc)" >/dev/null
status=0
make -j"$(nproc)" check >/dev/null 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
  echo "=== failing test logs"
  for trs in $(grep -l -E ':test-result: (FAIL|ERROR)' $(find tests -name '*.trs')); do
    echo "--- ${trs%.trs}.log"; tail -n 80 "${trs%.trs}.log"
  done
fi
distcheck=skipped
if [ "$status" -eq 0 ] && [ -z "${SKIP_DISTCHECK:-}" ]; then
  echo "=== make distcheck"
  if make distcheck >distcheck.log 2>&1; then
    distcheck=passed
    grep -E -A1 "archives ready for distribution" distcheck.log | tr -d "\n" | sed "s/: */: /"; echo
  else
    tail -n 60 distcheck.log
    distcheck=failed
    status=1
  fi
fi
echo "=== summary"
"$TOP"/scripts/summarize.sh "$TOP/_build" "make-distcheck=$distcheck"
exit "$status"
