#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR disable=SC2015 # pass and fail return 0: A && pass || fail is if-else
# mm-bulkinsert over TLS to a real Milvus 2.3 or 2.2 (MM_TEST_MILVUS_VERSION; scripts/test-milvus.sh
# --tls / --mtls) with a throw-away CA: one-way TLS verified with --ca-file imports every row
# exactly once (checked with pymilvus over TLS); without the CA the server's certificate is refused
# with one clear error; mutual TLS works with a client certificate and is refused without one or
# with a certificate of another CA.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/milvus_lib.sh"

# make_certs DIR: ca.pem; server.pem/server.key for 127.0.0.1 and localhost; client.pem/client.key;
# and rogue.pem/rogue.key, a client certificate from another CA. P-256 keys: quick to make.
make_certs() {
  local d=$1 name
  mkdir -p "$d"
  openssl_quiet() { openssl "$@" 2>"$d/openssl.err" || { cat "$d/openssl.err" >&2; return 1; }; }
  key() { openssl_quiet genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }
  for name in ca rogue-ca; do
    key "$d/$name.key"
    openssl_quiet req -x509 -new -key "$d/$name.key" -out "$d/$name.pem" -days 2 -subj "/CN=milvus-mm test $name" \
      -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
  done
  # sign NAME CA EXTENSIONS...: NAME.pem signed by CA.
  sign() {
    local n=$1 ca=$2
    shift 2
    key "$d/$n.key"
    openssl_quiet req -new -key "$d/$n.key" -out "$d/$n.csr" -subj "/CN=milvus-mm test $n"
    printf '%s\n' "$@" >"$d/$n.ext"
    openssl_quiet x509 -req -in "$d/$n.csr" -CA "$d/$ca.pem" -CAkey "$d/$ca.key" -CAcreateserial \
      -days 2 -extfile "$d/$n.ext" -out "$d/$n.pem"
  }
  sign server ca "subjectAltName=IP:127.0.0.1,DNS:localhost" "extendedKeyUsage=serverAuth"
  sign client ca "extendedKeyUsage=clientAuth"
  sign rogue rogue-ca "extendedKeyUsage=clientAuth"
}
certs=$SCRATCH/certs
make_certs "$certs"
openssl verify -CAfile "$certs/ca.pem" "$certs/server.pem" "$certs/client.pem" >/dev/null &&
  pass "throw-away CA, server and client certificates" || fail "certificates do not verify"

fx=$SCRATCH/fx
$PY "$MM_SRC/tests/fixtures/gen1x.py" --out "$fx" --seed 8 >/dev/null
mm-meta -q --sqlite "$fx/db/meta.sqlite" --collections docs_ip | mm-scan -q --tables "$fx/db/tables" |
  mm-npy -q --out "$SCRATCH/npy" >"$SCRATCH/docs.jsonl"
bulk() { mm-bulkinsert -q --poll-interval 0.3 --create-index --verify-sample 100 "$@" "$SCRATCH/docs.jsonl"; }
# check PORT [TLS args of check_milvus.py]: exact counts and a bit-exact read-back, over TLS.
check() {
  local port=$1
  shift
  "$VENV_PY" "$MM_SRC/tests/integration/check_milvus.py" --uri "https://127.0.0.1:$port" --collections docs_ip \
    "$@" "$SCRATCH/docs.jsonl" "$fx"
}
summary_ok() { tail -n 1 "$1" | grep -q '"kind":"summary".*"ok":true' && ! tail -n 1 "$1" | grep -q '"ok":false'; }

# One-way TLS.
start_milvus "$SCRATCH/tls" local --tls "$certs"
port=$(cat "$SCRATCH/tls/port")
addr=127.0.0.1:$port
expect_error "TLS without --ca-file: the server's certificate is not trusted" \
  "milvus $addr: GetVersion: server unavailable: .*certificate verify failed" \
  mm-bulkinsert --address "$addr" --tls --journal "$SCRATCH/j0" "$SCRATCH/docs.jsonl"
expect_error "TLS with another CA: the server's certificate is not trusted" "certificate verify failed" \
  mm-bulkinsert --address "$addr" --ca-file "$certs/rogue-ca.pem" --journal "$SCRATCH/j0" "$SCRATCH/docs.jsonl"
expect_error "TLS with --server-name not in the certificate" "milvus $addr: GetVersion: server unavailable: " \
  mm-bulkinsert --address "$addr" --ca-file "$certs/ca.pem" --server-name elsewhere.example --journal "$SCRATCH/j0" "$SCRATCH/docs.jsonl"
[ ! -e "$SCRATCH/j0" ] && pass "no journal written by the refused runs" || fail "a refused run wrote a journal"
bulk --address "$addr" --tls --ca-file "$certs/ca.pem" --journal "$SCRATCH/j1" >"$SCRATCH/out1.jsonl" &&
  pass "one-way TLS with --tls --ca-file: imported, indexed, verified" || fail "one-way TLS import"
summary_ok "$SCRATCH/out1.jsonl" && pass "one-way TLS: every partition count ok" || fail "summary: $(tail -n 1 "$SCRATCH/out1.jsonl")"
check "$port" --ca-file "$certs/ca.pem" && pass "one-way TLS: pymilvus over TLS: exact counts, bit-exact" || fail "pymilvus check (one-way TLS)"
"$MM_SRC/scripts/test-milvus.sh" stop "$SCRATCH/tls" 2>/dev/null

# Mutual TLS: the server wants a client certificate from its CA.
start_milvus "$SCRATCH/mtls" local --mtls "$certs"
port=$(cat "$SCRATCH/mtls/port")
addr=127.0.0.1:$port
expect_error "mutual TLS without a client certificate" "milvus $addr: GetVersion: server unavailable: " \
  mm-bulkinsert --address "$addr" --ca-file "$certs/ca.pem" --journal "$SCRATCH/j0" "$SCRATCH/docs.jsonl"
# The error line says only that the connection broke; gRPC's own log lines name the certificate.
mm-bulkinsert --address "$addr" --ca-file "$certs/ca.pem" --journal "$SCRATCH/j0" "$SCRATCH/docs.jsonl" 2>"$SCRATCH/nocert.err" >/dev/null &&
  fail "mutual TLS without a client certificate succeeded" ||
  { grep -q -i "certificate" "$SCRATCH/nocert.err" && pass "the refusal names the certificate" ||
    fail "nothing on stderr says the client certificate was refused: $(cat "$SCRATCH/nocert.err")"; }
expect_error "mutual TLS with a client certificate of another CA" "milvus $addr: GetVersion: server unavailable: " \
  mm-bulkinsert --address "$addr" --ca-file "$certs/ca.pem" --cert-file "$certs/rogue.pem" --key-file "$certs/rogue.key" \
  --journal "$SCRATCH/j0" "$SCRATCH/docs.jsonl"
expect_error "--cert-file without --key-file" "--cert-file and --key-file go together" \
  mm-bulkinsert --address "$addr" --ca-file "$certs/ca.pem" --cert-file "$certs/client.pem" --journal "$SCRATCH/j0" "$SCRATCH/docs.jsonl"
[ ! -e "$SCRATCH/j0" ] && pass "no journal written by the refused runs" || fail "a refused run wrote a journal"
bulk --address "$addr" --ca-file "$certs/ca.pem" --cert-file "$certs/client.pem" --key-file "$certs/client.key" \
  --journal "$SCRATCH/j2" >"$SCRATCH/out2.jsonl" && pass "mutual TLS with --cert-file/--key-file: imported, indexed, verified" ||
  fail "mutual TLS import"
summary_ok "$SCRATCH/out2.jsonl" && pass "mutual TLS: every partition count ok" || fail "summary: $(tail -n 1 "$SCRATCH/out2.jsonl")"
check "$port" --ca-file "$certs/ca.pem" --cert-file "$certs/client.pem" --key-file "$certs/client.key" &&
  pass "mutual TLS: pymilvus over mutual TLS: exact counts, bit-exact" || fail "pymilvus check (mutual TLS)"
finish
