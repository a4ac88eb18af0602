#!/usr/bin/env bash
# mm-fetch --backend azure against Azurite (the Azure Storage emulator) on loopback: a generated
# 1.x tables/ directory and its meta.json are put into a container with the azure-storage-blob
# package; mm-meta | mm-fetch | mm-scan | mm-npy must give byte-identical groups to the local
# pipeline, with Shared Key and with a read/list SAS token; a rerun fetches nothing; a download cut
# mid-stream resumes with a Range request; HTTPS with --ca-file; a wrong key, a missing container
# and a missing blob each give one clear error line.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/upload_lib.sh"
source "$(dirname "$0")/fetch_lib.sh"
start_azurite
export MM_STORE_KIND=azure

fx=$SCRATCH/fx
$PY "$MM_SRC/tests/fixtures/gen1x.py" --out "$fx" --seed 7 >/dev/null
tables=milvus/db/tables
n=$(store_py put "$fx/db/tables" "$tables")
mkdir -p "$SCRATCH/metadir"
mm-meta -q --sqlite "$fx/db/meta.sqlite" --export-json "$SCRATCH/metadir/meta.json" >/dev/null
store_py put "$SCRATCH/metadir" backup >/dev/null
pass "$n files of tables/ and backup/meta.json put into Azurite"

fetch() { AZURE_STORAGE_KEY=$key mm-fetch --backend azure --account mmtest --endpoint "$endpoint" --bucket a-bucket "$@"; }
pipeline --sqlite "$fx/db/meta.sqlite" -- --tables "$fx/db/tables" -- --out "$SCRATCH/npy-local" --group-size 64K >"$SCRATCH/local.jsonl"

# meta.mode remote and source.mode remote together, with Shared Key; the key on no command line.
start=$(date +%s%N)
(
  set -o pipefail
  fetch -q --meta-object backup/meta.json --meta-out "$SCRATCH/m.json"
  mm-meta -q --sqlite "$fx/db/meta.sqlite" | fetch -q -j 3 --prefix "$tables" --check-bucket --dir "$SCRATCH/fetched" |
    mm-scan -q --tables "$SCRATCH/fetched" | mm-npy -q --out "$SCRATCH/npy-remote" --group-size 64K
) >"$SCRATCH/remote.jsonl" 2>"$SCRATCH/err1" &
pid=$!
watch_cmdlines "$pid" "$key"
wait "$pid" && pass "mm-fetch --meta-object, then mm-meta | mm-fetch | mm-scan | mm-npy ($((($(date +%s%N) - start) / 1000000)) ms)" ||
  fail "remote pipeline: $(cat "$SCRATCH/err1")"
cmp -s "$SCRATCH/m.json" "$SCRATCH/metadir/meta.json" && pass "meta.json downloaded" || fail "meta.json differs"
same_groups "$SCRATCH/local.jsonl" "$SCRATCH/npy-local" "$SCRATCH/remote.jsonl" "$SCRATCH/npy-remote" &&
  pass "groups byte-identical to the local pipeline's ($(grep -c '"kind":"group"' "$SCRATCH/remote.jsonl") groups)" || fail "groups differ"
segments=$(mm-meta -q --sqlite "$fx/db/meta.sqlite" | tee "$SCRATCH/meta.jsonl" | grep -c '"kind":"segment"')
[ "$(find "$SCRATCH/fetched" -type f | wc -l)" -eq $((segments * 3)) ] && pass "3 files for each of $segments segments" ||
  fail "$(find "$SCRATCH/fetched" -type f | wc -l) files for $segments segments"
no_secret_in "first run" "$SCRATCH/err1" "$key"

# Rerun: nothing downloaded.
before=$(find "$SCRATCH/fetched" -type f -printf '%i %T@ %p\n' | sort)
fetch -q --prefix "$tables" --dir "$SCRATCH/fetched" "$SCRATCH/meta.jsonl" | grep -q '"downloaded":0,' &&
  [ "$before" = "$(find "$SCRATCH/fetched" -type f -printf '%i %T@ %p\n' | sort)" ] && pass "rerun downloads nothing" || fail "rerun"

# A SAS token with read and list rights only, made by the Azure SDK; no account key given.
sas=$("$CHECK_PY" - <<'PY'
import datetime, os
from azure.storage.blob import generate_container_sas, ContainerSasPermissions
print(generate_container_sas(os.environ["MM_CHECK_ACCOUNT"], os.environ["MM_CHECK_BUCKET"], account_key=os.environ["MM_CHECK_KEY"],
      permission=ContainerSasPermissions(read=True, list=True),
      expiry=datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)))
PY
)
AZURE_STORAGE_SAS_TOKEN=$sas mm-fetch -q --backend azure --account mmtest --endpoint "$endpoint" --bucket a-bucket --prefix "$tables" \
  --check-bucket --dir "$SCRATCH/fetched-sas" "$SCRATCH/meta.jsonl" >"$SCRATCH/sas.jsonl" 2>"$SCRATCH/sas.err" &&
  diff -r "$SCRATCH/fetched" "$SCRATCH/fetched-sas" >/dev/null && pass "read/list SAS token: the same files" || fail "SAS: $(cat "$SCRATCH/sas.err")"
sig=$(printf '%s' "$sas" | tr '&' '\n' | sed -n 's/^sig=//p')
no_secret_in "SAS run" "$SCRATCH/sas.err" "$sig" "$sas"

# A download cut mid-stream resumes with a Range request (which Shared Key signs).
big_segment "$tables"
for way in whole parts; do
  start_cutting_proxy "$(cat "$az/port")" /big/1/1.rv "$way"
  ranges=()
  [ "$way" = whole ] || ranges=(--part-size 5M --part-jobs 3)
  rc=0
  printf '%s\n' "$big_record" | fetch -v --endpoint "http://127.0.0.1:$proxy_port/mmtest" --prefix "$tables" "${ranges[@]}" \
    --dir "$SCRATCH/$way" >/dev/null 2>"$SCRATCH/$way.err" || rc=$?
  check_resumed "$way" "$rc" "$way"
  no_secret_in "verbose run" "$SCRATCH/$way.err" "$key"
done

# HTTPS: a second emulator with a self-signed certificate, trusted only through --ca-file.
tls=$SCRATCH/azurite-tls
server_up Azurite "$MM_SRC/scripts/test-azurite.sh" start "$tls" --tls
cleanup_hooks+=("'$MM_SRC/scripts/test-azurite.sh' stop '$tls'")
tls_endpoint=$(cat "$tls/endpoint")
MM_CHECK_ENDPOINT=$tls_endpoint MM_CHECK_KEY=$(cat "$tls/key") MM_CHECK_CA=$tls/ca.pem store_py put "$fx/db/tables" "$tables" >/dev/null
AZURE_STORAGE_KEY=$(cat "$tls/key") expect_error "HTTPS without the CA" "SSL certificate problem" \
  mm-fetch --backend azure --account mmtest --endpoint "$tls_endpoint" --bucket a-bucket --prefix "$tables" --dir "$SCRATCH/bad" "$SCRATCH/meta.jsonl"
AZURE_STORAGE_KEY=$(cat "$tls/key") mm-fetch -q --backend azure --account mmtest --endpoint "$tls_endpoint" --ca-file "$tls/ca.pem" --bucket a-bucket \
  --prefix "$tables" --dir "$SCRATCH/fetched-tls" "$SCRATCH/meta.jsonl" >/dev/null && diff -r "$SCRATCH/fetched" "$SCRATCH/fetched-tls" >/dev/null &&
  pass "HTTPS with --ca-file: the same files" || fail "HTTPS fetch"

# One clear error line each.
wrong=$(head -c 32 /dev/urandom | base64 -w0)
AZURE_STORAGE_KEY=$wrong expect_error "wrong account key" "azure://a-bucket/$tables/.* at $endpoint: List Blobs failed: 403 Auth" \
  mm-fetch --backend azure --account mmtest --endpoint "$endpoint" --bucket a-bucket --prefix "$tables" --dir "$SCRATCH/bad" "$SCRATCH/meta.jsonl"
AZURE_STORAGE_KEY=$wrong mm-fetch --backend azure --account mmtest --endpoint "$endpoint" --bucket a-bucket --prefix "$tables" \
  --dir "$SCRATCH/bad" "$SCRATCH/meta.jsonl" 2>&1 | grep -qFf "$(secrets_file "$wrong" "$key")" && fail "a key in the error" || pass "no key in the wrong-key error"
expect_error "missing container" "azure://no-such-container/$tables/ at $endpoint: List Blobs failed: 404 ContainerNotFound" \
  fetch --bucket no-such-container --prefix "$tables" --check-bucket --dir "$SCRATCH/bad" "$SCRATCH/meta.jsonl"
seg=$(grep -m1 '"kind":"segment"' "$SCRATCH/meta.jsonl")
tid=$(printf '%s' "$seg" | sed -E 's/.*"table_id":"([^"]*)".*/\1/')
sid=$(printf '%s' "$seg" | sed -E 's/.*"segment_id":"([^"]*)".*/\1/')
store_py rm "$tables/$tid/$sid/deleted_docs"
expect_error "missing blob" "azure://a-bucket/$tables/$tid/$sid/deleted_docs at $endpoint: missing" \
  fetch --prefix "$tables" --dir "$SCRATCH/fresh" "$SCRATCH/meta.jsonl"
expect_error "missing meta blob" "azure://a-bucket/backup/nope.json at $endpoint: no such object" \
  fetch --meta-object backup/nope.json --meta-out "$SCRATCH/nope.json"
finish
