#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR disable=SC2015 # pass and fail return 0: A && pass || fail is if-else
# Aliyun OSS and Tencent COS (--backend ali / tc; migration.yaml cloud: ali / tc, issue 12): S3
# with SigV4 and virtual-host addressing (BUCKET.ENDPOINT), exercised against a real MinIO that
# serves BUCKET.localhost (MINIO_DOMAIN). mm-upload writes groups through tc and ali, checked with
# the minio package; mm-fetch reads a 1.x tables/ directory back through ali. A MinIO without the
# domain does not know the bucket from the host name: the requests are really virtual-host.
# The endpoint derived from a region is unit-tested (test_store_policy.cpp).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/upload_lib.sh"
source "$(dirname "$0")/fetch_lib.sh"
MM_TEST_MINIO_DOMAIN=localhost start_minio
export MM_STORE_KIND=s3 HOME=$SCRATCH/home AWS_ACCESS_KEY_ID=$access AWS_SECRET_ACCESS_KEY=$secret
mkdir -p "$HOME"
host=localhost:${endpoint##*:}

fx=$SCRATCH/fx
$PY "$MM_SRC/tests/fixtures/gen1x.py" --out "$fx" --seed 7 >/dev/null
pipeline --sqlite "$fx/db/meta.sqlite" -- --tables "$fx/db/tables" -- --out "$SCRATCH/npy" --group-size 16K >"$SCRATCH/groups.jsonl"

for cloud in tc ali; do
  mm-upload -q --backend "$cloud" --endpoint "$host" --bucket a-bucket --prefix "$cloud" "$SCRATCH/groups.jsonl" >"$SCRATCH/$cloud.jsonl" &&
    check_objects s3 "$SCRATCH/$cloud.jsonl" "$cloud" >/dev/null && pass "mm-upload --backend $cloud: every object in the bucket, checked with the minio package" ||
    fail "mm-upload --backend $cloud"
done
[ "$(jq -c 'select(.kind == "store") | .store | [.backend, .endpoint, .path_style, .use_ssl]' "$SCRATCH/tc.jsonl")" = "[\"s3\",\"$host\",false,false]" ] &&
  pass "its store record: s3 addressed as BUCKET.ENDPOINT" || fail "store record: $(head -n 1 "$SCRATCH/tc.jsonl")"

store_py put "$fx/db/tables" old/tables >/dev/null
mm-meta -q --sqlite "$fx/db/meta.sqlite" | mm-fetch -q --backend ali --endpoint "$host" --bucket a-bucket --prefix old/tables --dir "$SCRATCH/fetched" |
  mm-scan -q --tables "$SCRATCH/fetched" >"$SCRATCH/fetched.jsonl" &&
  [ "$(jq -s 'map(select(.kind == "summary")) | .[-1].live' "$SCRATCH/fetched.jsonl")" = \
    "$(mm-meta -q --sqlite "$fx/db/meta.sqlite" | mm-scan -q --tables "$fx/db/tables" | jq -s 'map(select(.kind == "summary")) | .[-1].live')" ] &&
  pass "mm-fetch --backend ali: the same live rows as the local files" || fail "mm-fetch --backend ali"

# migration.yaml's cloud: tc, as milvus-migration spells it: mm-run dump puts the groups there.
mkdir -p "$SCRATCH/run"
{
  local_migration_yaml "$fx" unused 127.0.0.1:1 | sed '/^target:/,$d'
  printf 'target:\n  mode: remote\n  remote:\n    outputDir: viayaml\n    cloud: tc\n    endpoint: %s\n    bucket: a-bucket\n    ak: %s\n    sk: %s\nmilvusmm:\n  workDir: %s\n  groupSize: 16K\n' \
    "$host" "$access" "$secret" "$SCRATCH/run/work"
} >"$SCRATCH/run/migration.yaml"
(unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY; "$MM_SRC/scripts/mm-run" -q --config "$SCRATCH/run/migration.yaml" dump) &&
  check_objects s3 "$SCRATCH/run/work/dumped.jsonl" viayaml/migration >/dev/null &&
  pass "mm-run dump with cloud: tc puts every object" || fail "mm-run dump with cloud: tc"

# The same requests to a MinIO that only knows path-style buckets fail: they were virtual-host.
plain=$SCRATCH/plain
server_up MinIO "$MM_SRC/scripts/test-minio.sh" start "$plain"
cleanup_hooks+=("'$MM_SRC/scripts/test-minio.sh' stop '$plain'")
AWS_ACCESS_KEY_ID=$(cat "$plain/access_key") AWS_SECRET_ACCESS_KEY=$(cat "$plain/secret_key") \
  mm-upload -q --backend tc --endpoint "localhost:$(cat "$plain/port")" --bucket a-bucket "$SCRATCH/groups.jsonl" >/dev/null 2>"$SCRATCH/plain.err" &&
  fail "virtual-host requests worked without MINIO_DOMAIN" || pass "without MINIO_DOMAIN they fail: $(head -c 200 "$SCRATCH/plain.err")"
expect_error "ali without a region or endpoint" "needs --region" mm-upload --backend ali --bucket a-bucket "$SCRATCH/groups.jsonl"
finish
