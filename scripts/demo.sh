#!/bin/bash
# An interactive login through the built pam_genauth module against the
# bundled GenAuth emulator, in your own terminal. No root needed (except to
# install missing packages). The codes GenAuth would send by SMS or email
# appear on screen as "[emulator outbox]" lines.
#
#   scripts/demo.sh            log in as "demo" (no factor yet: enrollment)
#   scripts/demo.sh frank      has an authenticator app: asked for its code
#   scripts/demo.sh erin       has SMS: a code is sent (Management API flow)
set -euo pipefail
cd "$(dirname "$0")/.."
TOP=$PWD
DEMO_USER=${1:-demo}

scripts/install-deps.sh --demo
# make every time: after a git pull the demo must not run the old module
# (an up-to-date build costs a second)
[ -f _build/.libs/pam_genauth.so ] || echo "demo: building pam_genauth (once) ..."
[ -x configure ] || autoreconf -fi >/dev/null 2>&1
mkdir -p _build
(cd _build && { [ -f Makefile ] || ../configure -q; } && make -j"$(nproc)" >/dev/null &&
 make -j"$(nproc)" tests/pam/pam_driver >/dev/null)

W=$(mktemp -d /tmp/pam_genauth-demo.XXXXXX)
chmod 700 "$W"
EMU_PID=
TTY_STATE=$( { [ -t 0 ] && stty -g; } 2>/dev/null || true)
cleanup() {
  # a Ctrl-C at the hidden password prompt must not leave the terminal mute
  [ -n "$TTY_STATE" ] && stty "$TTY_STATE" 2>/dev/null
  [ -n "$EMU_PID" ] && kill "$EMU_PID" 2>/dev/null && wait "$EMU_PID" 2>/dev/null
  rm -rf "$W"
}
trap cleanup EXIT
trap 'echo; echo "demo: interrupted."; exit 130' INT TERM

# the emulator, with a demo user pool
sh tests/emulator/mkcerts.sh "$W/certs"
cat > "$W/users.json" <<'EOT'
[
 {"username": "demo",  "password": "demo-password",  "factors": []},
 {"username": "carol", "password": "carol-password", "factors": []},
 {"username": "erin",  "password": "erin-password",
  "factors": [{"factorType": "SMS", "profile": {"phoneNumber": "13900001111", "phoneCountryCode": "+86"}}]},
 {"username": "frank", "password": "frank-password",
  "factors": [{"factorType": "OTP", "recoveryCode": "frnk-demo-reco-0001"}]}
]
EOT
mkdir -p "$W/emu"
/usr/bin/python3 tests/emulator/genauth_emulator.py --quiet --cert "$W/certs/server.pem" \
  --key "$W/certs/server.key" --state-dir "$W/emu" --port-file "$W/port" \
  --users "$W/users.json" --demo-authenticator 2>"$W/emulator.log" &
EMU_PID=$!
for _ in $(seq 100); do [ -s "$W/port" ] && break; sleep 0.1; done
[ -s "$W/port" ] || { echo "demo: the emulator did not start:"; cat "$W/emulator.log"; exit 1; }
URL="https://127.0.0.1:$(cat "$W/port")"

# the module's config (owned by you, mode 0600) and a PAM service file
( umask 077; cat > "$W/pam_genauth.conf" <<EOT
app_id     = "emu-app-id"
app_secret = "emu-app-secret"
app_host   = "$URL"
ca_file    = "$W/certs/ca.pem"
factors    = {"SMS", "EMAIL", "OTP"}
state_dir  = "$W/state"
# the emulator's Management API: verifies SMS/email factors
mgmt_host       = "$URL"
userpool_id     = "emu-userpool-id"
userpool_secret = "emu-userpool-secret"
EOT
)
mkdir "$W/pam.d"
echo "auth required $TOP/_build/.libs/pam_genauth.so conf=$W/pam_genauth.conf" > "$W/pam.d/genauth-demo"
echo "auth required pam_deny.so" > "$W/pam.d/other"

cat <<EOT

  pam_genauth demo: a login through the real module and libpam, against a
  local GenAuth emulator at $URL

  Users:  demo / demo-password     no MFA factor yet: you will enroll one
                                   (SMS, email or an authenticator app)
          carol / carol-password   likewise
          erin / erin-password     has an SMS factor: asked for a code
          frank / frank-password   has an authenticator app: asked for its code
                                   (lost phone? type recovery, then his
                                   recovery code frnk-demo-reco-0001)
  Codes that GenAuth would send by SMS or email, and the code a phone's
  authenticator app would show, appear here as "[emulator outbox]" lines.
  Press Enter on an empty line to cancel.
  (The emulator listens on 127.0.0.1 without authentication: demo only.)

  Logging in as: $DEMO_USER

EOT
set +e
"$TOP/_build/tests/pam/pam_driver" --interactive --outbox "$W/emu/outbox.jsonl" \
  --rhost 127.0.0.1 "$W/pam.d" genauth-demo "$DEMO_USER" >/dev/null
rc=$?
set -e
# A stack whose only module answers PAM_IGNORE ends in PAM_PERM_DENIED (6).
case $rc in
  0)  echo "demo: login succeeded." ;;
  6)  echo "demo: pam_genauth had nothing to decide (PAM_IGNORE: enrollment postponed" \
           "or user out of scope), so the rest of the PAM stack decides (here: nothing" \
           "else, so denied)." ;;
  *)  echo "demo: login failed (PAM code $rc)." ;;
esac
exit 0
