#!/usr/bin/env bash
# mm-upload --backend azure against Azurite (the Azure Storage emulator) on loopback: Shared Key
# and SAS auth, Put Blob and parallel Put Block + Put Block List, skip on rerun, TLS with a CA
# file, clear errors. Every blob is checked with the azure-storage-blob package.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/upload_lib.sh"
start_azurite
manifest=$(make_groups "$SCRATCH")
up() { AZURE_STORAGE_KEY=$key mm-upload --backend azure --account mmtest --endpoint "$endpoint" --part-size 5M --part-jobs 3 "$@"; }

expect_error "missing container" "container a-bucket at $endpoint: container does not exist" up --check-bucket "$manifest"

up -j 2 --create-bucket "$manifest" >"$SCRATCH/up1.jsonl" 2>"$SCRATCH/err1" &
pid=$!
watch_cmdlines "$pid" "$key"
wait "$pid" && pass "upload with --create-bucket" || fail "upload failed: $(cat "$SCRATCH/err1")"
check_objects azure "$SCRATCH/up1.jsonl" migration --only-objects --etags "$SCRATCH/etags1" && pass "blobs verified (keys, sizes, bytes, mm_sha256)" || fail "blob check"
no_secret_in "first run" "$SCRATCH/up1.jsonl" "$key"
no_secret_in "first run" "$SCRATCH/err1" "$key"
grep -q '"storage":{"backend":"azure","bucket":"a-bucket","endpoint":"'"$endpoint"'","account":"mmtest"}' "$SCRATCH/up1.jsonl" &&
  pass "storage member names backend, container, endpoint" || fail "storage member: $(grep -m1 -o '"storage":{[^}]*}' "$SCRATCH/up1.jsonl")"

up -q "$SCRATCH/up1.jsonl" >"$SCRATCH/up2.jsonl"
grep -q '"written":0,' "$SCRATCH/up2.jsonl" && ! grep -q '"uploaded":true' "$SCRATCH/up2.jsonl" && pass "rerun uploads nothing" || fail "rerun: $(tail -1 "$SCRATCH/up2.jsonl")"
check_objects azure "$SCRATCH/up2.jsonl" migration --etags "$SCRATCH/etags2" >/dev/null && cmp -s "$SCRATCH/etags1" "$SCRATCH/etags2" &&
  pass "rerun left every blob as it was (same ETag and Last-Modified)" || fail "blobs changed on rerun"

# SAS: a container token with write rights, made by the Azure SDK; no account key given.
sas=$("$CHECK_PY" - <<'PY'
import datetime, os
from azure.storage.blob import generate_container_sas, ContainerSasPermissions
print(generate_container_sas(os.environ["MM_CHECK_ACCOUNT"], os.environ["MM_CHECK_BUCKET"], account_key=os.environ["MM_CHECK_KEY"],
      permission=ContainerSasPermissions(read=True, write=True, delete=True, list=True),
      expiry=datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)))
PY
)
AZURE_STORAGE_SAS_TOKEN=$sas mm-upload -q --backend azure --account mmtest --endpoint "$endpoint" --prefix sas --part-size 5M \
  --check-bucket "$manifest" >"$SCRATCH/sas.jsonl" 2>"$SCRATCH/sas.err" && check_objects azure "$SCRATCH/sas.jsonl" sas --only-objects >/dev/null &&
  pass "SAS token: upload verified" || fail "SAS upload: $(cat "$SCRATCH/sas.err")"
sig=$(printf '%s' "$sas" | tr '&' '\n' | sed -n 's/^sig=//p')
no_secret_in "SAS run" "$SCRATCH/sas.err" "$sig" "$sas"

wrong=$(head -c 32 /dev/urandom | base64 -w0)
AZURE_STORAGE_KEY=$wrong expect_error "wrong account key" "HEAD failed: 403 Auth" \
  mm-upload --backend azure --account mmtest --endpoint "$endpoint" --prefix wrong "$manifest"
AZURE_STORAGE_KEY=$wrong mm-upload --backend azure --account mmtest --endpoint "$endpoint" --check-bucket "$manifest" 2>&1 | grep -qFf "$(secrets_file "$wrong")" &&
  fail "wrong key appears in the error" || pass "wrong key not in the error"
AZURE_STORAGE_KEY=$key expect_error "no account" "needs --account" mm-upload --backend azure --endpoint "$endpoint" "$manifest"
expect_error "no credentials" "AZURE_STORAGE_KEY" env -u AZURE_STORAGE_KEY -u AZURE_STORAGE_SAS_TOKEN mm-upload --backend azure --account mmtest "$manifest"

# TLS: a second emulator with a self-signed certificate; trusted only through --ca-file.
tls=$SCRATCH/azurite-tls
"$MM_SRC/scripts/test-azurite.sh" start "$tls" --tls 2>/dev/null
cleanup_hooks+=("'$MM_SRC/scripts/test-azurite.sh' stop '$tls'")
tls_key=$(cat "$tls/key")
tls_endpoint=$(cat "$tls/endpoint")
AZURE_STORAGE_KEY=$tls_key expect_error "TLS without the CA" "SSL certificate problem" \
  mm-upload --backend azure --account mmtest --endpoint "$tls_endpoint" --create-bucket "$manifest"
AZURE_STORAGE_KEY=$tls_key mm-upload -q --backend azure --account mmtest --endpoint "$tls_endpoint" --ca-file "$tls/ca.pem" \
  --part-size 5M --create-bucket "$manifest" >"$SCRATCH/tls.jsonl" &&
  MM_CHECK_ENDPOINT=$tls_endpoint MM_CHECK_KEY=$tls_key MM_CHECK_CA=$tls/ca.pem check_objects azure "$SCRATCH/tls.jsonl" migration >/dev/null &&
  pass "HTTPS with --ca-file: upload verified" || fail "HTTPS upload"
finish
