# Shell helpers shared by scripts/check-asan.sh, check-valgrind.sh and
# check-static.sh (sourced, not run). They expect TOP (the source tree) to
# be set and `set -euo pipefail` in the caller.

# mem_install PKG...: apt-get install what is missing (through sudo when not
# root), like scripts/install-deps.sh; nothing when all are present.
mem_install() {
  local missing=() p sudo=""
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; return 1; }
    sudo="sudo"
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}

# mem_bootstrap: base packages, then autoreconf only when the generated files
# are missing or older than their sources (other builds may share the tree).
mem_bootstrap() {
  local stale=0 f
  "$TOP"/scripts/install-deps.sh
  [ -x "$TOP/configure" ] && [ -f "$TOP/Makefile.in" ] || stale=1
  for f in "$TOP"/configure.ac "$TOP"/Makefile.am "$TOP"/fuzz/*.am "$TOP"/tests/*/*.am; do
    [ -e "$f" ] || continue
    { [ "$f" -nt "$TOP/configure" ] || [ "$f" -nt "$TOP/Makefile.in" ]; } && stale=1
  done
  if [ "$stale" -eq 1 ]; then
    (cd "$TOP" && { autoreconf -fi >/dev/null 2>&1 || autoreconf -fi; })
  fi
}

# mem_configure_make BUILDDIR CONFIGURE-ARGS...: a from-scratch build of the
# module, the core library and every check program; logs in BUILDDIR.
# MEM_MAKE_FLAGS: extra make flags (check-static.sh: -k, to see every error).
mem_configure_make() {
  local b=$1
  shift
  rm -rf "$b" && mkdir -p "$b"
  if ! (cd "$b" && "$TOP"/configure -q --enable-werror "$@" >configure.log 2>&1); then
    tail -n 40 "$b/configure.log"; return 1
  fi
  # shellcheck disable=SC2086
  if ! (cd "$b" && rc=0 \
        && { make -j"$(nproc)" ${MEM_MAKE_FLAGS:-} >build.log 2>&1 || rc=1; } \
        && { make -j"$(nproc)" ${MEM_MAKE_FLAGS:-} check TESTS= >>build.log 2>&1 || rc=1; } \
        && exit "$rc"); then
    grep -E 'error|warning' "$b/build.log" | head -n 40 || true
    tail -n 20 "$b/build.log"; return 1
  fi
}

# mem_python BUILDDIR: the Python the build's tests use (configure's PYTHON3)
mem_python() {
  sed -n 's/^PYTHON3 = //p' "$1/Makefile"
}

# mem_since START: whole seconds since START ($SECONDS value)
mem_since() {
  echo $((SECONDS - $1))
}

# mem_count FIELD LINE: the number before "FIELD" in a "N passed, N failed" line
mem_count() {
  local n
  n=$(grep -oE "[0-9]+ $1" <<<"$2" | grep -oE '^[0-9]+' | tail -n 1) || true
  echo "${n:-0}"
}
