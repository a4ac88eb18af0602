#!/usr/bin/env bash
# mm-run with milvus-migration's source.mode remote (the 1.x tables/ in a bucket) and meta.mode
# remote (its meta.json in that bucket), through a real MinIO into a real Milvus 2.3:
#   1. a generated installation (partitions, float and binary, deletes) with its meta.sqlite,
#      tables/ fetched from MinIO: exact counts and every vector, checked with pymilvus;
#   2. the real Milvus 1.1 files of test1w with milvus-migration's own meta.json, both fetched.
# The source keys are in the file only; they must not reach any command line.
#
#   MM_RUN  the mm-run to test (default: $MM_SRC/scripts/mm-run)
# shellcheck disable=SC1091,SC2015,SC2154  # pass/fail style A && pass || fail; port: start_minio_and_milvus
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/upload_lib.sh"
source "$(dirname "$0")/fetch_lib.sh"
source "$(dirname "$0")/milvus_lib.sh"
export MM_BIN MM_STORE_KIND=s3
MM_RUN=${MM_RUN:-$MM_SRC/scripts/mm-run}
start_minio_and_milvus

fx=$SCRATCH/fx
$PY "$MM_SRC/tests/fixtures/gen1x.py" --out "$fx" --seed 3 >/dev/null
store_py put "$fx/db/tables" old-milvus/db/tables >/dev/null
test1w=${MM_TEST1W:-$MM_SRC/../shared/fixtures/milvus1x-test1w}
store_py put "$test1w/tables" test1w/tables >/dev/null
mkdir -p "$SCRATCH/t1w" && cp "$test1w/meta.json" "$SCRATCH/t1w/" && store_py put "$SCRATCH/t1w" test1w >/dev/null

# migration_yaml META_LINES TABLES_PREFIX WORKDIR GROUPSIZE: the source in MinIO (keys in the file), the
# import files into Milvus's bucket with the caller's AWS_* keys.
migration_yaml() {
  cat <<EOF
dumper:
  worker:
    workMode: milvus1x
loader:
  worker:
    limit: 2
meta:
$1
source:
  mode: remote
  remote:
    cloud: aws
    endpoint: $endpoint
    region: us-east-1
    bucket: a-bucket
    ak: $access
    sk: $secret
    checkBucket: true
    tablesDir: $2
target:
  mode: remote
  remote:
    outputDir: import
    cloud: aws
    endpoint: $endpoint
    region: us-east-1
    bucket: a-bucket
  milvus2x:
    endpoint: 127.0.0.1:$port
milvusmm:
  workDir: $3
  groupSize: $4
  pollInterval: 0.3
  createIndex: true
  verifySample: 20
EOF
}
mkdir -p "$SCRATCH/run" && cd "$SCRATCH/run" || exit 1
# run_watched CONFIG: mm-run run, its command lines watched for the source keys.
run_watched() {
  AWS_ACCESS_KEY_ID=$access AWS_SECRET_ACCESS_KEY=$secret "$MM_RUN" --config "$1" run >"$SCRATCH/out" 2>"$SCRATCH/err" &
  local pid=$!
  watch_cmdlines "$pid" "$secret" "$access"
  wait "$pid"
}

migration_yaml "  mode: sqlite
  sqliteFile: $fx/db/meta.sqlite" /old-milvus/db/tables/ work-fx 32K >fx.yaml
chmod 600 fx.yaml
run_watched fx.yaml && pass "source.mode remote: mm-run run exits 0" || fail "source.mode remote: $(cat "$SCRATCH/err")"
jq -e '.ok and .totals.live_1x == .totals.imported and (.stages | map(.stage) | index("mm-fetch"))' work-fx/report.json >/dev/null &&
  pass "report: every partition verified, mm-fetch timed ($(jq -c .totals work-fx/report.json))" || fail "report: $(cat work-fx/report.json)"
[ -z "$(find work-fx/tables -type f ! -name '*.rv' ! -name '*.uid' ! -name deleted_docs)" ] &&
  pass "only .rv, .uid and deleted_docs fetched ($(find work-fx/tables -type f | wc -l) files)" || fail "other files fetched"
check_milvus "$port" work-fx/scanned.jsonl "$fx" && pass "pymilvus: exact counts, every id read back bit-exact" || fail "pymilvus check"
no_secret_in "source.mode remote" "$SCRATCH/err" "$secret" "$access"

migration_yaml "  mode: remote
  remoteMetaFile: /test1w/meta.json" test1w/tables work-t1w 4M >t1w.yaml
chmod 600 t1w.yaml
run_watched t1w.yaml && pass "meta.mode and source.mode remote (test1w): mm-run run exits 0" || fail "test1w: $(cat "$SCRATCH/err")"
"$VENV_PY" - "$port" <<'PY' && pass "pymilvus: test1w holds ids 1..10000, every vector all 1.0" || fail "pymilvus: test1w"
import sys
import numpy as np
from pymilvus import Collection, connections
connections.connect(uri=f"http://127.0.0.1:{sys.argv[1]}")
c = Collection("test1w")
assert c.num_entities == 10000, c.num_entities
rows = []
for start in range(1, 10001, 4000):
    rows += c.query(expr=f"id >= {start} and id < {start + 4000}", output_fields=["id", "data"])
assert sorted(r["id"] for r in rows) == list(range(1, 10001))
assert all(np.all(np.asarray(r["data"], dtype=np.float32) == 1.0) for r in rows)
PY
no_secret_in "meta.mode remote" "$SCRATCH/err" "$secret" "$access"
finish
