#!/usr/bin/env bash
# mm-upload --backend azure against Azurite (the Azure Storage emulator) on loopback: Shared Key
# and SAS auth, Put Blob and parallel Put Block + Put Block List, skip on rerun, blocks sent while
# mm-npy writes (nothing visible before the group record), TLS with a CA file, clear errors.
# Every blob is checked with the azure-storage-blob package.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/upload_lib.sh"
start_azurite
export MM_CHECK_PART_SIZE=$((5 << 20))  # check_objects.py: files larger than this went in blocks
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

# Streamed (mm-npy --announce-chunks, as mm-run runs it): each block goes up as the chunks cover
# it; the block list makes the blob appear with its mm_sha256.
$PY "$MM_SRC/tests/fixtures/gen1x.py" --out "$SCRATCH/sfx" --profile bench --bench-bytes 40000000 --bench-dim 128 \
  --bench-delete-frac 0.1 --bench-segment-bytes 16000000 >/dev/null
mm-meta -q --sqlite "$SCRATCH/sfx/db/meta.sqlite" | mm-scan -q --tables "$SCRATCH/sfx/db/tables" >"$SCRATCH/scanned.jsonl"
mm-npy -q --out "$SCRATCH/snpy" --chunk-size 1M --group-size 24M --first-group-size 6M -j 2 --announce-chunks \
  <"$SCRATCH/scanned.jsonl" >"$SCRATCH/snpy.jsonl"
up -q --prefix streamed -j 3 "$SCRATCH/snpy.jsonl" >"$SCRATCH/streamed.jsonl" &&
  check_objects azure "$SCRATCH/streamed.jsonl" streamed --only-objects >/dev/null &&
  pass "streamed blobs verified (bytes, sizes, mm_sha256 of the blocks)" || fail "streamed upload"
# Killed after two blocks of a file still being written, before its group record: no blob, two
# uncommitted blocks; the rerun with the group record commits it.
cut_input "$SCRATCH/snpy.jsonl"
blob_state() {
  "$CHECK_PY" - cut/c/_default/g/data.npy <<'PY'
import os, sys
from azure.storage.blob import BlobServiceClient
svc = BlobServiceClient(account_url=os.environ["MM_CHECK_ENDPOINT"],
                        credential={"account_name": os.environ["MM_CHECK_ACCOUNT"], "account_key": os.environ["MM_CHECK_KEY"]})
blob = svc.get_container_client(os.environ["MM_CHECK_BUCKET"]).get_blob_client(sys.argv[1])
committed, uncommitted = blob.get_block_list("all")
print("present" if blob.exists() else "absent", len(committed), len(uncommitted))
PY
}
{ cat "$SCRATCH/cut.jsonl"; sleep 20; } 2>/dev/null | up -q --prefix cut - >/dev/null 2>"$SCRATCH/kill.err" &
upload_pid=$!
for _ in $(seq 100); do [ "$(blob_state 2>/dev/null)" = "absent 0 2" ] && break; sleep 0.1; done
kill -9 "$upload_pid" || fail "mm-upload ended before it was killed: $(cat "$SCRATCH/kill.err")"
wait "$upload_pid" 2>/dev/null || true
state=$(blob_state 2>&1 | tail -n 1)
[ "$state" = "absent 0 2" ] && pass "killed after 2 blocks: no blob, 2 uncommitted blocks" || fail "after kill: $state"
cut_complete
up -q --prefix cut <(cat "$SCRATCH/cut.jsonl" "$SCRATCH/cut-group.jsonl") >"$SCRATCH/cut-up.jsonl" &&
  check_objects azure "$SCRATCH/cut-up.jsonl" cut --only-objects >/dev/null &&
  pass "rerun commits it: bytes and mm_sha256 verified" || fail "rerun of the cut upload"

# TLS: a second emulator with a self-signed certificate; trusted only through --ca-file.
tls=$SCRATCH/azurite-tls
server_up Azurite "$MM_SRC/scripts/test-azurite.sh" start "$tls" --tls
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
