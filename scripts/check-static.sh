#!/bin/bash
# Static checks, each one gate:
#   1. clang -Werror: the module, the core and every check program built
#      from scratch with clang and --enable-werror (configure's warning set:
#      -Wall -Wextra -Wformat=2 -Wshadow ...) in _build-static-clang;
#   2. cppcheck over src/ (warning, portability, performance);
#   3. clang-tidy over src/*.c: clang-analyzer-* and bugprone-*, less the
#      checks listed in TIDY_OFF below with the reason each is off.
# Every finding is printed as file:line; any finding fails its gate. Ends
# with `static: N passed, N failed` (gates).
#   scripts/check-static.sh
set -euo pipefail
cd "$(dirname "$0")/.."
TOP=$PWD
. "$TOP/tests/mem/lib.sh"

# Checks that are off, and why (each was run over src/ and its hits read):
# - bugprone-easily-swappable-parameters: flags every function taking two
#   parameters of one type (buf, len, ...); a naming/API style opinion.
# - bugprone-narrowing-conversions: in C, `c ? (char)x : '?'` is an int
#   ('?' is an int literal), so every ASCII replacement is "narrowed";
#   -Wconversion-style noise with no bug behind it in this code.
# - clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling:
#   asks for C11 Annex K memcpy_s/snprintf_s, which glibc does not have.
TIDY_OFF="-bugprone-easily-swappable-parameters,-bugprone-narrowing-conversions"
TIDY_OFF="$TIDY_OFF,-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling"
TIDY_CHECKS="-*,clang-analyzer-*,bugprone-*,$TIDY_OFF"

start_all=$SECONDS
mem_bootstrap
mem_install clang cppcheck clang-tidy
B=$TOP/_build-static-clang
passed=0 failed=0

gate() { # name status(0 ok) seconds
  if [ "$2" -eq 0 ]; then
    passed=$((passed + 1)); echo "static: $1: passed (${3}s)"
  else
    failed=$((failed + 1)); echo "static: $1: FAILED (${3}s)"
  fi
}

# ---- 1. clang -Werror ------------------------------------------------------
echo "=== clang -Werror build in ${B#$TOP/}"
t0=$SECONDS
st=0
if ! MEM_MAKE_FLAGS=-k mem_configure_make "$B" CC=clang >/dev/null; then
  st=1
  # the diagnostics, once each, as file:line: message
  if [ -f "$B/build.log" ]; then
    grep -E '^[^ ]+:[0-9]+:[0-9]+: (error|warning):' "$B/build.log" | sed "s|^$TOP/||; s|^$B/||; s|^\.\./||" | sort -u
  fi
  [ -f "$B/Makefile" ] || tail -n 20 "$B/configure.log"
fi
gate "clang -Werror build" "$st" "$(mem_since "$t0")"

# config.h: from the clang build, or a bare configure when that failed early
if [ ! -f "$B/config.h" ]; then
  mkdir -p "$B" && (cd "$B" && "$TOP"/configure -q CC=clang >/dev/null 2>&1) || true
fi

# ---- 2. cppcheck -----------------------------------------------------------
echo "=== cppcheck $(cppcheck --version | sed 's/Cppcheck //') over src/"
t0=$SECONDS
st=0
out=$(cppcheck --enable=warning,portability,performance --error-exitcode=1 --inline-suppr \
        --std=c11 -D_GNU_SOURCE -I "$B" -I src -j "$(nproc)" --quiet \
        --template='{file}:{line}: {severity}: {message} [{id}]' src/ 2>&1) || st=1
[ -n "$out" ] && printf '%s\n' "$out" | sort -u
# cppcheck exits 1 only for findings; anything it printed counts too
[ -n "$out" ] && st=1
gate "cppcheck" "$st" "$(mem_since "$t0")"

# ---- 3. clang-tidy ---------------------------------------------------------
echo "=== clang-tidy $(clang-tidy --version | sed -n 's/.*LLVM version //p') over src/*.c"
echo "    checks: $TIDY_CHECKS"
t0=$SECONDS
st=0
# the compile flags of libgenauth_core, read from the build's Makefile
flags=$(make -s -C "$B" -f Makefile -f - ga-print-flags <<'EOF'
ga-print-flags:
	@echo $(DEFS) -I$(abs_builddir) -I$(abs_top_srcdir)/src -std=gnu11 $(PAM_CFLAGS) $(CURL_CFLAGS) $(JSONC_CFLAGS) $(CONFUSE_CFLAGS)
EOF
) || { echo "cannot read the compile flags from $B/Makefile"; flags=""; st=1; }
if [ -n "$flags" ]; then
  # shellcheck disable=SC2086
  printf '%s\n' src/*.c | xargs -P "$(nproc)" -I{} \
    clang-tidy --quiet --checks="$TIDY_CHECKS" {} -- $flags >"$B/clang-tidy.log" 2>&1 || st=1
  hits=$(grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error):' "$B/clang-tidy.log" \
         | sed "s|^$TOP/||" | sort -u || true)
  if [ -n "$hits" ]; then
    printf '%s\n' "$hits"
    echo "clang-tidy: $(grep -c . <<<"$hits") findings (context: ${B#$TOP/}/clang-tidy.log)"
    st=1
  elif [ "$st" -ne 0 ]; then
    tail -n 20 "$B/clang-tidy.log"
  fi
fi
gate "clang-tidy" "$st" "$(mem_since "$t0")"

echo "static: total time $(mem_since "$start_all")s"
echo "static: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
