#!/bin/bash
# Install the Debian 12 packages pam_genauth needs to build, test and demo.
# Does nothing when they are all present; otherwise runs apt-get (through
# sudo when not root).
#
#   scripts/install-deps.sh          everything the test command needs
#   scripts/install-deps.sh --demo   only what the demo needs (no sshd, no
#                                    sanitizers, valgrind or analysers)
set -euo pipefail

# build the module and the demo's PAM application, run the emulator
DEMO_PACKAGES=(
  build-essential autoconf automake libtool pkg-config
  libpam0g-dev libcurl4-openssl-dev libjson-c-dev libconfuse-dev libqrencode-dev
  libpam-modules python3 openssl ca-certificates
)
PACKAGES=(
  "${DEMO_PACKAGES[@]}" zbar-tools check groff-base
  openssh-server openssh-client expect passwd
  clang libclang-rt-14-dev llvm-14 valgrind cppcheck clang-tidy
)
case "${1:-}" in
  --demo) PACKAGES=("${DEMO_PACKAGES[@]}") ;;
  "") ;;
  *) echo "usage: install-deps.sh [--demo]" >&2; exit 2 ;;
esac

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
