#!/usr/bin/env bash
# mm-fetch against a real MinIO on loopback (milvus-migration's source.mode: remote and
# meta.mode: remote): a generated 1.x tables/ directory is put into the bucket with the `minio`
# package; mm-meta | mm-fetch | mm-scan | mm-npy must give byte-identical groups to the local
# pipeline on the original files, fetching only .rv, .uid and deleted_docs. Also: the real test1w
# files with milvus-migration's meta.json, the gcs backend, a rerun fetches nothing, damaged local
# files are fetched again, a download cut mid-stream resumes with a Range request (the listing
# taking three pages), and wrong keys, a wrong bucket or prefix, a missing segment object, a missing meta
# object and an unreachable endpoint each give one clear error line and a non-zero exit.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/upload_lib.sh"
source "$(dirname "$0")/fetch_lib.sh"
start_minio
export MM_STORE_KIND=s3
export HOME=$SCRATCH/home  # no ~/.aws of the machine's user
mkdir -p "$HOME"

# The 1.x installation, its tables/ in the bucket under a milvus-migration style tablesDir, and
# its meta.json (mm-meta --export-json, the format of milvus-migration's export) next to it.
fx=$SCRATCH/fx
$PY "$MM_SRC/tests/fixtures/gen1x.py" --out "$fx" --seed 5 >/dev/null
tables=var/lib/milvus/db/tables
n=$(store_py put "$fx/db/tables" "$tables")
mkdir -p "$SCRATCH/metadir"
mm-meta -q --sqlite "$fx/db/meta.sqlite" --export-json "$SCRATCH/metadir/meta.json" >/dev/null
store_py put "$SCRATCH/metadir" backup >/dev/null
pass "$n files of tables/ and backup/meta.json put into MinIO"

fetch() { AWS_ACCESS_KEY_ID=$access AWS_SECRET_ACCESS_KEY=$secret mm-fetch --endpoint "$endpoint" --bucket a-bucket "$@"; }

# The local pipeline on the original files: what the remote one must reproduce.
pipeline --sqlite "$fx/db/meta.sqlite" -- --tables "$fx/db/tables" -- --out "$SCRATCH/npy-local" --group-size 64K >"$SCRATCH/local.jsonl"

# source.mode remote: mm-meta | mm-fetch | mm-scan | mm-npy; no key on any command line.
start=$(date +%s%N)
(
  set -o pipefail
  mm-meta -q --sqlite "$fx/db/meta.sqlite" | fetch -j 3 --prefix "/$tables/" --check-bucket --dir "$SCRATCH/fetched" |
    mm-scan -q --tables "$SCRATCH/fetched" | mm-npy -q --out "$SCRATCH/npy-remote" --group-size 64K
) >"$SCRATCH/remote.jsonl" 2>"$SCRATCH/err1" &
pid=$!
watch_cmdlines "$pid" "$secret" "$access"
wait "$pid" && pass "mm-meta | mm-fetch | mm-scan | mm-npy ($((($(date +%s%N) - start) / 1000000)) ms)" || fail "remote pipeline: $(cat "$SCRATCH/err1")"
same_groups "$SCRATCH/local.jsonl" "$SCRATCH/npy-local" "$SCRATCH/remote.jsonl" "$SCRATCH/npy-remote" &&
  pass "groups byte-identical to the local pipeline's ($(grep -c '"kind":"group"' "$SCRATCH/remote.jsonl") groups)" || fail "groups differ from the local pipeline's"
$PY "$MM_SRC/tests/integration/check_groups.py" "$SCRATCH/remote.jsonl" "$fx" >"$SCRATCH/check" &&
  pass "groups match the generator's truth: $(tail -1 "$SCRATCH/check")" || fail "check_groups: $(cat "$SCRATCH/check")"
segments=$(mm-meta -q --sqlite "$fx/db/meta.sqlite" | grep -c '"kind":"segment"')
extra=$(cd "$SCRATCH/fetched" && find . -type f ! -name '*.rv' ! -name '*.uid' ! -name deleted_docs)
[ "$(find "$SCRATCH/fetched" -type f | wc -l)" -eq $((segments * 3)) ] && [ -z "$extra" ] &&
  pass "only .rv, .uid and deleted_docs fetched: $((segments * 3)) files for $segments segments (of $n in the bucket)" ||
  fail "fetched files: $(find "$SCRATCH/fetched" -type f | wc -l) for $segments segments; extra: $extra"
grep -q '"kind":"summary","tool":"mm-fetch","segments":'"$segments"',"objects":'$((segments * 3))',"downloaded":'$((segments * 3))',"skipped":0,' "$SCRATCH/remote.jsonl" &&
  pass "summary counts every download" || fail "summary: $(grep '"tool":"mm-fetch"' "$SCRATCH/remote.jsonl")"
no_secret_in "first run" "$SCRATCH/remote.jsonl" "$secret" "$access"
no_secret_in "first run" "$SCRATCH/err1" "$secret" "$access"

# Records pass through unchanged and in input order, though segments are fetched several at once.
mm-meta -q --sqlite "$fx/db/meta.sqlite" >"$SCRATCH/meta.jsonl"
fetch -q -j 6 --prefix "$tables" --dir "$SCRATCH/fetched-order" "$SCRATCH/meta.jsonl" >"$SCRATCH/pass.jsonl"
diff "$SCRATCH/meta.jsonl" <(grep -v '"tool":"mm-fetch"' "$SCRATCH/pass.jsonl") >&2 && diff -r "$SCRATCH/fetched" "$SCRATCH/fetched-order" >&2 &&
  pass "records pass through unchanged and in order (-j 6)" || fail "records changed"

# Rerun: nothing is downloaded, every file stays as it was.
files() { find "$SCRATCH/fetched" -type f -printf '%i %T@ %s %p\n' | sort; }
before=$(files)
fetch -q --prefix "$tables" --dir "$SCRATCH/fetched" "$SCRATCH/meta.jsonl" >"$SCRATCH/re.jsonl"
grep -q '"downloaded":0,"skipped":'$((segments * 3))',"bytes":0,' "$SCRATCH/re.jsonl" && [ "$before" = "$(files)" ] &&
  pass "rerun downloads nothing and leaves every file" || fail "rerun: $(tail -1 "$SCRATCH/re.jsonl")"

# A deleted and a truncated file (an interrupted copy by other means) are fetched again.
victim=$(find "$SCRATCH/fetched" -name '*.uid' | sort | head -1)
rm "$(dirname "$victim")/deleted_docs"
truncate -s 8 "$victim"
touch "$victim.part"
fetch -q --prefix "$tables" --dir "$SCRATCH/fetched" "$SCRATCH/meta.jsonl" >"$SCRATCH/fix.jsonl"
rel=${victim#"$SCRATCH/fetched/"}
grep -q '"downloaded":2,' "$SCRATCH/fix.jsonl" && cmp -s "$victim" "$fx/db/tables/$rel" &&
  cmp -s "$(dirname "$victim")/deleted_docs" "$fx/db/tables/$(dirname "$rel")/deleted_docs" && [ ! -e "$victim.part" ] &&
  pass "a missing and a truncated file are fetched again (and the stale .part replaced)" || fail "repair: $(tail -1 "$SCRATCH/fix.jsonl")"

# meta.mode remote: the meta.json first, alone (no manifest is read: stdin holds garbage).
fetch --meta-object /backup/meta.json --meta-out "$SCRATCH/m.json" <<<"not a manifest" >"$SCRATCH/m.out" 2>"$SCRATCH/m.err" &&
  cmp -s "$SCRATCH/m.json" "$SCRATCH/metadir/meta.json" && [ ! -s "$SCRATCH/m.out" ] &&
  pass "--meta-object alone: meta.json downloaded, no manifest read, nothing on stdout" || fail "--meta-object: $(cat "$SCRATCH/m.err")"
pipeline --meta-json "$SCRATCH/metadir/meta.json" -- --tables "$fx/db/tables" -- --out "$SCRATCH/npy-mlocal" --group-size 64K >"$SCRATCH/mlocal.jsonl"
(
  set -o pipefail
  mm-meta -q --meta-json "$SCRATCH/m.json" | fetch -q --prefix "$tables" --dir "$SCRATCH/fetched-m" |
    mm-scan -q --tables "$SCRATCH/fetched-m" | mm-npy -q --out "$SCRATCH/npy-mremote" --group-size 64K
) >"$SCRATCH/mremote.jsonl" && same_groups "$SCRATCH/mlocal.jsonl" "$SCRATCH/npy-mlocal" "$SCRATCH/mremote.jsonl" "$SCRATCH/npy-mremote" &&
  pass "meta.mode remote: mm-meta --meta-json | mm-fetch | mm-scan | mm-npy = the local pipeline" || fail "meta remote pipeline"
fetch -q --meta-object backup/meta.json --meta-out "$SCRATCH/both.json" --prefix "$tables" --dir "$SCRATCH/fetched" "$SCRATCH/meta.jsonl" >"$SCRATCH/both.jsonl" &&
  cmp -s "$SCRATCH/both.json" "$SCRATCH/metadir/meta.json" && grep -q '"downloaded":0,' "$SCRATCH/both.jsonl" &&
  pass "--meta-object with --dir: both" || fail "--meta-object with --dir"

# The real files of Milvus 1.1 (shared/fixtures/milvus1x-test1w) and milvus-migration's own
# meta.json, both in the bucket: the README_1X set-up with meta.mode remote and source.mode remote.
fixture=${MM_TEST1W:-$MM_SRC/../shared/fixtures/milvus1x-test1w}
if [ -d "$fixture" ]; then
  store_py put "$fixture/tables" test1w/tables >/dev/null
  mkdir -p "$SCRATCH/t1w" && cp "$fixture/meta.json" "$SCRATCH/t1w/meta.json"
  store_py put "$SCRATCH/t1w" test1w >/dev/null
  (
    set -o pipefail
    fetch -q --meta-object test1w/meta.json --meta-out "$SCRATCH/t1w.json"
    mm-meta -q --meta-json "$SCRATCH/t1w.json" | fetch -q --prefix test1w/tables --dir "$SCRATCH/t1w-tables" |
      mm-scan -q --tables "$SCRATCH/t1w-tables" | mm-npy -q --out "$SCRATCH/t1w-npy"
  ) >"$SCRATCH/t1w.jsonl" && $PY "$MM_SRC/tests/integration/check_groups.py" "$SCRATCH/t1w.jsonl" --test1w >/dev/null &&
    pass "test1w (real Milvus 1.1 files) through meta.mode and source.mode remote: 10000 rows exact" || fail "test1w remote"
else
  echo "skip: test1w fixture not found at $fixture"
fi

# Credentials from a credentials file and profile, as mm-upload takes them.
printf '[mm]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$access" "$secret" >"$SCRATCH/credentials"
mm-fetch -q --endpoint "$endpoint" --bucket a-bucket --credentials-file "$SCRATCH/credentials" --profile mm --prefix "$tables" \
  --dir "$SCRATCH/fetched" "$SCRATCH/meta.jsonl" | grep -q '"downloaded":0,' && pass "--credentials-file --profile" || fail "credentials file"

# The gcs backend (HMAC keys from GCS_HMAC_*) is the same S3 code: pointed at MinIO.
GCS_HMAC_ACCESS_KEY=$access GCS_HMAC_SECRET=$secret mm-fetch -q --backend gcs --endpoint "$endpoint" --region us-east-1 --bucket a-bucket \
  --prefix "$tables" --dir "$SCRATCH/fetched-gcs" "$SCRATCH/meta.jsonl" >/dev/null && diff -r "$SCRATCH/fetched" "$SCRATCH/fetched-gcs" >/dev/null &&
  pass "--backend gcs: the same files" || fail "--backend gcs"

# A download cut mid-stream is resumed within the run by a Range request, not started over.
# A proxy between mm-fetch and MinIO drops the first answer for big/1/1.rv after 3 MB.
big_segment "$tables"
fetch_big() {
  printf '%s\n' "$big_record" | AWS_ACCESS_KEY_ID=$access AWS_SECRET_ACCESS_KEY=$secret mm-fetch -v --endpoint "127.0.0.1:$proxy_port" \
    --bucket a-bucket --prefix "$tables" "$@"
}
start_cutting_proxy "$(cat "$minio/port")" /big/1/1.rv whole
rc=0
fetch_big --dir "$SCRATCH/whole" >/dev/null 2>"$SCRATCH/whole.err" || rc=$?
check_resumed whole "$rc" "one stream"
start_cutting_proxy "$(cat "$minio/port")" /big/1/1.rv parts
rc=0
fetch_big --part-size 5M --part-jobs 3 --dir "$SCRATCH/parts" >/dev/null 2>"$SCRATCH/parts.err" || rc=$?
check_resumed parts "$rc" "ranges of 5M, 3 at once"
no_secret_in "verbose run" "$SCRATCH/whole.err" "$secret" "$access"

# mm-fetch killed mid-download (the server stalls, then SIGKILL): no file under its final name,
# only the .part; a rerun completes it.
MM_PROXY_STALL=1 start_cutting_proxy "$(cat "$minio/port")" /big/1/1.rv stall
printf '%s\n' "$big_record" >"$SCRATCH/big.jsonl"
AWS_ACCESS_KEY_ID=$access AWS_SECRET_ACCESS_KEY=$secret mm-fetch -q --endpoint "127.0.0.1:$proxy_port" --bucket a-bucket \
  --prefix "$tables" --dir "$SCRATCH/stall" "$SCRATCH/big.jsonl" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q stalled "$SCRATCH/stall.log" && break; sleep 0.1; done
sleep 0.3
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
part_size=$(stat -c %s "$SCRATCH/stall/big/1/1.rv.part" 2>/dev/null || echo none)
[ ! -e "$SCRATCH/stall/big/1/1.rv" ] || part_size="none (1.rv exists)"
fetch -q --prefix "$tables" --dir "$SCRATCH/stall" "$SCRATCH/big.jsonl" >"$SCRATCH/stall.jsonl"
if [ "${part_size%% *}" != none ] && [ "$part_size" -gt 0 ] && [ "$part_size" -lt 20000000 ] &&
  cmp -s "$SCRATCH/stall/big/1/1.rv" "$SCRATCH/bigsrc/big/1/1.rv" && [ -z "$(find "$SCRATCH/stall" -name '*.part')" ]; then
  pass "killed mid-download: only 1.rv.part ($part_size bytes) was left; the rerun completed the file"
else
  fail "killed mid-download: .part size $part_size; after the rerun: $(find "$SCRATCH/stall" -type f | tr '\n' ' ')"
fi

# One clear error line each.
bad=$SCRATCH/bad
AWS_ACCESS_KEY_ID=$access AWS_SECRET_ACCESS_KEY=not-the-secret expect_error "wrong secret" \
  "s3://a-bucket/$tables/.* at http://$endpoint: LIST failed: 403 SignatureDoesNotMatch" \
  mm-fetch --endpoint "$endpoint" --bucket a-bucket --prefix "$tables" --dir "$bad" "$SCRATCH/meta.jsonl"
AWS_ACCESS_KEY_ID=not-the-key AWS_SECRET_ACCESS_KEY=$secret expect_error "wrong access key (--check-bucket)" \
  "s3://a-bucket/$tables/ at http://$endpoint: LIST failed: 403 InvalidAccessKeyId" \
  mm-fetch --endpoint "$endpoint" --bucket a-bucket --prefix "$tables" --check-bucket --dir "$bad" "$SCRATCH/meta.jsonl"
AWS_ACCESS_KEY_ID=$access AWS_SECRET_ACCESS_KEY=not-the-secret mm-fetch --endpoint "$endpoint" --bucket a-bucket --prefix "$tables" \
  --dir "$bad" "$SCRATCH/meta.jsonl" 2>&1 | grep -qFf "$(secrets_file "$secret" "not-the-secret")" && fail "a secret in the wrong-key error" || pass "no secret in the wrong-key error"
expect_error "wrong bucket" "s3://no-such-bucket/$tables/.* at http://$endpoint: LIST failed: 404 NoSuchBucket" \
  fetch --bucket no-such-bucket --prefix "$tables" --dir "$bad" "$SCRATCH/meta.jsonl"
expect_error "wrong prefix (--check-bucket)" "s3://a-bucket/db/tables/ at http://$endpoint: no objects there" \
  fetch --prefix db/tables --check-bucket --dir "$bad" "$SCRATCH/meta.jsonl"
expect_error "wrong prefix" "s3://a-bucket/db/tables/.* at http://$endpoint: segment .* not found" \
  fetch --prefix db/tables --dir "$bad" "$SCRATCH/meta.jsonl"
expect_error "missing meta object" "s3://a-bucket/backup/nope.json at http://$endpoint: no such object" \
  fetch --meta-object backup/nope.json --meta-out "$SCRATCH/nope.json"
expect_error "unreachable endpoint" "at http://127.0.0.1:1: LIST: Failed to connect to 127.0.0.1 port 1.*(after 2 attempts)" \
  fetch --endpoint 127.0.0.1:1 --retries 1 --prefix "$tables" --dir "$bad" "$SCRATCH/meta.jsonl"
expect_error "no credentials" "no credentials: set AWS_ACCESS_KEY_ID" mm-fetch --endpoint "$endpoint" --bucket a-bucket --dir "$bad" "$SCRATCH/meta.jsonl"
expect_error "no --bucket" "--bucket NAME is required" mm-fetch --endpoint "$endpoint" --dir "$bad"
expect_error "nothing to do" "give --dir DIR" fetch
expect_error "--meta-object alone" "go together" fetch --meta-object backup/meta.json
expect_error "manifest without --dir" "only with --dir" fetch --meta-object backup/meta.json --meta-out "$SCRATCH/x.json" "$SCRATCH/meta.jsonl"

# A segment object missing from the bucket: exit 3 naming it; with --keep-going an error record
# replaces that segment, the others pass, and the exit status is still 3.
seg=$(grep -m1 '"kind":"segment"' "$SCRATCH/meta.jsonl")
tid=$(printf '%s' "$seg" | sed -E 's/.*"table_id":"([^"]*)".*/\1/')
sid=$(printf '%s' "$seg" | sed -E 's/.*"segment_id":"([^"]*)".*/\1/')
rv=$(cd "$fx/db/tables/$tid/$sid" && ls -- *.rv)
store_py rm "$tables/$tid/$sid/$rv"
expect_error "missing segment object" "s3://a-bucket/$tables/$tid/$sid/$sid.rv at http://$endpoint: missing (no \*.rv object in the segment)" \
  fetch --prefix "$tables" --dir "$SCRATCH/fresh" "$SCRATCH/meta.jsonl"
rc=0
fetch -q --prefix "$tables" --dir "$SCRATCH/fresh" "$SCRATCH/meta.jsonl" >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 3 ] && pass "missing segment object: exit status 3 (bad data)" || fail "missing segment object: exit $rc"
rc=0
fetch -q --keep-going --prefix "$tables" --dir "$SCRATCH/fresh" "$SCRATCH/meta.jsonl" >"$SCRATCH/kg.jsonl" 2>/dev/null || rc=$?
[ "$rc" -eq 3 ] && [ "$(grep -c '"kind":"error","tool":"mm-fetch"' "$SCRATCH/kg.jsonl")" -eq 1 ] &&
  [ "$(grep -c '"kind":"segment"' "$SCRATCH/kg.jsonl")" -eq $((segments - 1)) ] &&
  pass "--keep-going: one error record, $((segments - 1)) segments, exit 3" || fail "--keep-going: exit $rc: $(tail -1 "$SCRATCH/kg.jsonl")"
# 0.9.x secondary roots copied to the bucket: one --prefix each, the segment directory holding the .rv
# wins over an index-only one of the same name.
spread=$SCRATCH/spread
$PY "$MM_SRC/tests/fixtures/gen1x.py" --out "$spread" --seed 5 >/dev/null
$PY "$MM_SRC/tests/fixtures/gen1x_roots.py" --install "$spread" --roots 3 >/dev/null
store_py put "$spread/db/tables" roots/primary >/dev/null
store_py put "$spread/secondary1/tables" roots/second >/dev/null
store_py put "$spread/secondary2/tables" roots/third >/dev/null
mm-meta -q --sqlite "$spread/db/meta.sqlite" | fetch -q --prefix roots/primary --prefix roots/second --prefix roots/third --dir "$SCRATCH/spread-fetched" |
  mm-scan -q --tables "$SCRATCH/spread-fetched" | mm-npy -q --out "$SCRATCH/spread-npy" >"$SCRATCH/spread.jsonl" &&
  $PY "$MM_SRC/tests/integration/check_groups.py" "$SCRATCH/spread.jsonl" "$spread" >/dev/null &&
  pass "three prefixes (secondary roots): every live row exactly once" || fail "three prefixes"
# Milvus 1.1 with storage.s3_enabled: .rv and .uid only in the bucket, under their full local path
# (the leading / included), written as 1.1's aws-sdk-cpp client writes them (path-style PUT
# /BUCKET//var/lib/...; storage/s3/S3ClientWrapper.cpp); deleted_docs and bloom_filter only on the
# local disk. MinIO cleans the leading / away; AWS would keep it: mm-fetch tries both spellings.
s11=$SCRATCH/s11
$PY "$MM_SRC/tests/fixtures/gen1x.py" --out "$s11" --seed 9 >/dev/null
put_as_11() {  # FILE KEY
  printf 'user = "%s:%s"\n' "$access" "$secret" |
    curl -sS -f -K - --aws-sigv4 "aws:amz:us-east-1:s3" -X PUT --upload-file "$1" "http://$endpoint/a-bucket/$2" >/dev/null
}
n11=0
for file in "$s11"/db/tables/*/*/*.rv "$s11"/db/tables/*/*/*.uid; do
  put_as_11 "$file" "/var/lib/milvus/db/tables/${file#"$s11"/db/tables/}"
  rm "$file"
  n11=$((n11 + 1))
done
pass "$n11 .rv and .uid put as Milvus 1.1 writes them, and removed from the local disk"
mm-meta -q --sqlite "$s11/db/meta.sqlite" >"$SCRATCH/s11-meta.jsonl"
fetch -q --prefix /var/lib/milvus/db/tables --deleted-docs-from "$s11/db/tables" --check-bucket --dir "$SCRATCH/s11-fetched" \
  "$SCRATCH/s11-meta.jsonl" | mm-scan -q --tables "$SCRATCH/s11-fetched" | mm-npy -q --out "$SCRATCH/s11-npy" >"$SCRATCH/s11.jsonl" &&
  $PY "$MM_SRC/tests/integration/check_groups.py" "$SCRATCH/s11.jsonl" "$s11" >/dev/null &&
  pass "1.1 segments in S3, deleted_docs local: every live row exactly once, deleted rows gone" || fail "1.1 S3 layout"
# mm-run with the installation's own server_config.yaml (1.1 layout, s3_enabled): the store, its keys
# and the key prefix come from it (the secret too, only through the environment).
mkdir -p "$s11/conf"
printf 'general:\n  meta_uri: sqlite://:@:/\nstorage:\n  path: /var/lib/milvus\n  s3_enabled: true\n  s3_address: %s\n  s3_port: %s\n  s3_access_key: %s\n  s3_secret_key: %s\n  s3_bucket: a-bucket\nwal:\n  enable: false\n' \
  "${endpoint%:*}" "${endpoint##*:}" "$access" "$secret" >"$s11/conf/server_config.yaml"
printf 'dumper:\n  worker:\n    workMode: milvus1x\ntarget:\n  mode: local\n  local:\n    outputDir: %s\nmilvusmm:\n  sourceConfig: %s\n  workDir: %s\n' \
  "$SCRATCH/s11-out" "$s11/conf/server_config.yaml" "$SCRATCH/s11-work" >"$SCRATCH/s11.yaml"
expected11=$($PY -c 'import json,sys; i=json.load(open(sys.argv[1])); print(sum(p["rows"] for c in i["collections"].values() for p in c["partitions"].values()))' "$s11/expected/index.json")
(unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY; "$MM_SRC/scripts/mm-run" --config "$SCRATCH/s11.yaml" plan >"$SCRATCH/s11-plan.out" 2>"$SCRATCH/s11-plan.err") &&
  [ "$(awk '$1 == "total" { print $3 }' "$SCRATCH/s11-plan.out")" = "$expected11" ] &&
  grep -q "segmentStore.keyPrefix *\/var\/lib\/milvus\/db\/tables" "$SCRATCH/s11-plan.err" && ! grep -q -- "$secret" "$SCRATCH/s11-plan.err" &&
  pass "mm-run plan from a 1.1 server_config.yaml with s3_enabled: $expected11 live rows, no secret shown" ||
  fail "mm-run plan, 1.1 S3 layout: $(cat "$SCRATCH/s11-plan.err")"
victim=$(find "$s11/db/tables" -mindepth 2 -maxdepth 2 -type d | head -n 1)
rm "$victim/deleted_docs"
expect_error "1.1 layout: a local deleted_docs missing" "$victim/deleted_docs: missing" \
  fetch --prefix /var/lib/milvus/db/tables --deleted-docs-from "$s11/db/tables" --dir "$SCRATCH/s11-again" "$SCRATCH/s11-meta.jsonl"
expect_error "1.1 layout: wrong prefix" "segment [0-9]* not found" \
  fetch --prefix /srv/milvus/db/tables --deleted-docs-from "$s11/db/tables" --dir "$SCRATCH/s11-again" "$SCRATCH/s11-meta.jsonl"
finish
