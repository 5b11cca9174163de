#!/bin/sh
# mkcerts.sh DIR -- generate the TLS material for the GenAuth emulator tests.
#
# Creates in DIR (keys 0600, nothing here is ever committed):
#   ca.pem ca.key                 test CA (CA:TRUE, keyCertSign,cRLSign)
#   server.pem server.key         signed by the test CA, SAN DNS:localhost,IP:127.0.0.1
#   wrongca.pem wrongca.key       an unrelated CA ("untrusted CA" tests)
#   wronghost.pem wronghost.key   signed by the test CA, SAN DNS:wrong.example only
#   expired.pem expired.key       signed by the test CA, validity entirely in the past
#   selfsigned.pem selfsigned.key self-signed leaf for localhost/127.0.0.1
#
# Idempotent: if every file exists and the valid certificates are good for another
# hour, nothing is done. Quiet on success; non-zero exit status on failure.
set -eu

if [ $# -ne 1 ] || [ -z "$1" ]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi
DIR=$1
(umask 022 && mkdir -p "$DIR")
umask 077

FILES="ca.pem ca.key server.pem server.key wrongca.pem wrongca.key wronghost.pem
wronghost.key expired.pem expired.key selfsigned.pem selfsigned.key"

all_good() {
    for f in $FILES; do
        [ -s "$DIR/$f" ] || return 1
    done
    for f in ca server wrongca wronghost selfsigned; do
        openssl x509 -noout -checkend 3600 -in "$DIR/$f.pem" >/dev/null 2>&1 || return 1
    done
    openssl verify -CAfile "$DIR/ca.pem" "$DIR/server.pem" >/dev/null 2>&1 || return 1
    # expired.pem must be expired (checkend 0 fails on an expired certificate)
    if openssl x509 -noout -checkend 0 -in "$DIR/expired.pem" >/dev/null 2>&1; then
        return 1
    fi
    return 0
}

all_good && exit 0

TMP=$(mktemp -d "$DIR/.mkcerts.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
LOG=$TMP/openssl.log

run() {
    if ! "$@" >>"$LOG" 2>&1; then
        echo "mkcerts.sh: failed: $*" >&2
        cat "$LOG" >&2
        exit 1
    fi
}

leaf_ext() { # $1 = subjectAltName value
    printf 'subjectAltName=%s\nbasicConstraints=critical,CA:FALSE\n' "$1"
    printf 'keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n'
    printf 'subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid,issuer\n'
}

mkca() { # $1 = name, $2 = CN
    run openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/$1.key" \
        -out "$TMP/$1.pem" -days 30 -subj "/CN=$2" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign"
}

mkleaf() { # $1 = name, $2 = CN, $3 = SAN
    run openssl req -newkey rsa:2048 -nodes -keyout "$TMP/$1.key" \
        -out "$TMP/$1.csr" -subj "/CN=$2"
    leaf_ext "$3" >"$TMP/$1.ext"
    run openssl x509 -req -in "$TMP/$1.csr" -CA "$TMP/ca.pem" -CAkey "$TMP/ca.key" \
        -set_serial "0x$(openssl rand -hex 8)" -out "$TMP/$1.pem" -days 30 \
        -extfile "$TMP/$1.ext"
}

mkexpired() {
    # OpenSSL 3.0's "x509 -req" has no -not_before/-not_after: use "openssl ca"
    # with a throwaway minimal configuration.
    mkdir "$TMP/db"
    : >"$TMP/db/index.txt"
    openssl rand -hex 8 >"$TMP/db/serial"
    cat >"$TMP/ca.cnf" <<EOF
[ ca ]
default_ca = emu
[ emu ]
dir = $TMP/db
database = \$dir/index.txt
serial = \$dir/serial
new_certs_dir = \$dir
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
[ anything ]
commonName = supplied
EOF
    leaf_ext "DNS:localhost,IP:127.0.0.1" >"$TMP/expired.ext"
    run openssl req -newkey rsa:2048 -nodes -keyout "$TMP/expired.key" \
        -out "$TMP/expired.csr" -subj "/CN=localhost"
    run openssl ca -batch -config "$TMP/ca.cnf" -cert "$TMP/ca.pem" -keyfile "$TMP/ca.key" \
        -in "$TMP/expired.csr" -out "$TMP/expired.pem" -notext \
        -startdate 20200101000000Z -enddate 20200102000000Z -extfile "$TMP/expired.ext"
    if openssl x509 -noout -checkend 0 -in "$TMP/expired.pem" >/dev/null 2>&1; then
        echo "mkcerts.sh: expired.pem is not expired" >&2
        exit 1
    fi
}

mkca ca "pam_genauth Test CA"
mkca wrongca "Some Other CA"
mkleaf server localhost "DNS:localhost,IP:127.0.0.1"
mkleaf wronghost wrong.example "DNS:wrong.example"
mkexpired
run openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/selfsigned.key" \
    -out "$TMP/selfsigned.pem" -days 30 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -addext "basicConstraints=critical,CA:FALSE" \
    -addext "extendedKeyUsage=serverAuth"

run openssl verify -CAfile "$TMP/ca.pem" "$TMP/server.pem"
run openssl verify -CAfile "$TMP/ca.pem" "$TMP/wronghost.pem"

for f in $FILES; do
    case $f in
    *.key) chmod 600 "$TMP/$f" ;;
    *) chmod 644 "$TMP/$f" ;;
    esac
    mv -f "$TMP/$f" "$DIR/$f"
done
exit 0
