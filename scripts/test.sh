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
if [ "$status" -eq 0 ] && [ -z "${SKIP_DISTCHECK:-}" ]; then
  echo "=== make distcheck"
  make distcheck >distcheck.log 2>&1 || { tail -n 60 distcheck.log; status=1; }
  [ "$status" -eq 0 ] && grep -E '^pam_genauth-.*archives ready for distribution' -A1 distcheck.log | head -n 2 || true
fi
echo "=== summary"
"$TOP"/scripts/summarize.sh "$TOP/_build"
exit "$status"
