#!/bin/sh
# TEST ONLY: the PY_LOG_COMPILER of scripts/check-asan.sh's `make check`.
# usage: py-test.sh PYTHON TEST.py [ARG...]
#
# Runs every Python test as usual except the real-sshd login
# (tests/ssh/test_sshd.py), which is skipped (exit 77) in a sanitizer build:
# sshd is not instrumented, so it can only load the ASan module with the
# runtime preloaded into sshd and everything the test starts (python, ssh,
# expect, useradd); tried, every login hung until the test timed out (most
# likely sshd's seccomp pre-auth sandbox against the runtime's system
# calls). LeakSanitizer would not see the PAM child's leaks anyway: OpenSSH
# runs PAM in a forked child that ends with _exit(). The module code the
# sshd test runs is run by the PAM suites through tests/pam/pam_driver,
# which is instrumented.
py=$1
shift
case $1 in
  *tests/ssh/test_sshd.py)
    echo "sshd: skipped in the sanitizer build (see tests/mem/py-test.sh)"
    exit 77 ;;
esac
exec "$py" "$@"
