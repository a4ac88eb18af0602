#!/usr/bin/env bash
# mm-run with target.mode remote, the usual milvus-migration form: the import groups are uploaded
# to the MinIO bucket a real Milvus 2.3 uses (keys ak/sk from the file, outputDir with a leading
# '/'), imported, and checked with pymilvus. First milvus-migration's two steps (dump, then load)
# for one collection, then `run` for all of them, which does not import that collection again.
#
#   MM_RUN  the mm-run to test (default: $MM_SRC/scripts/mm-run)
# shellcheck disable=SC1091,SC2015,SC2154  # pass/fail style A && pass || fail; port: start_minio_and_milvus
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/upload_lib.sh"
source "$(dirname "$0")/milvus_lib.sh"
export MM_BIN
MM_RUN=${MM_RUN:-$MM_SRC/scripts/mm-run}

start_minio_and_milvus
fx=$SCRATCH/fx
$PY "$MM_SRC/tests/fixtures/gen1x.py" --out "$fx" --seed 7 >/dev/null
mkdir -p "$SCRATCH/run"
cd "$SCRATCH/run" || exit 1
{
  minio_migration_yaml "$fx" /mm-test 2 2
  cat <<EOF
milvusmm:
  groupSize: 16K
  pollInterval: 0.3
  createIndex: true
  verifySample: 20
EOF
} >migration.yaml
chmod 600 migration.yaml
# The keys must come from the file, not from the caller's environment.
mm_run() { env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY "$MM_RUN" "$@"; }
first=$(mm-meta -q --sqlite "$fx/db/meta.sqlite" | jq -r 'select(.kind == "collection") | .collection' | head -n 1)

# milvus-migration's two steps, for one collection: dump leaves the files in the bucket, load imports them.
mm_run --col "$first" load >/dev/null 2>"$SCRATCH/err" && fail "load before any dump: exit 0" ||
  { grep -q "no complete dump" "$SCRATCH/err" && pass "load before any dump refused" || fail "load before dump: $(cat "$SCRATCH/err")"; }
mm_run --col "$first" dump >"$SCRATCH/out" 2>"$SCRATCH/err" && pass "dump --col $first exits 0" ||
  fail "dump: $(cat "$SCRATCH/err")"
[ -z "$(jq -r 'select(.collection != null and .collection != "'"$first"'") | .collection' mm-work/dumped.jsonl)" ] &&
  jq -se '[.[] | select(.kind == "group") | .objects.data] | length > 0 and all' mm-work/dumped.jsonl >/dev/null &&
  pass "dumped.jsonl: groups of $first only, with their objects" || fail "dumped.jsonl: $(head -c 600 mm-work/dumped.jsonl)"
status=0
mm_run --col no_such_collection load >/dev/null 2>"$SCRATCH/err" || status=$?
[ "$status" = 2 ] && grep -q "not in mm-work/dumped.jsonl: no_such_collection" "$SCRATCH/err" && pass "load --col unknown: exit 2" ||
  fail "load --col unknown: exit $status: $(cat "$SCRATCH/err")"
mm_run --col "$first" load >"$SCRATCH/out" 2>"$SCRATCH/err" && pass "load --col $first exits 0" ||
  fail "load: $(cat "$SCRATCH/err")"
jq -e --arg c "$first" '.ok and ([.partitions[].collection] | unique == [$c]) and ([.stages[].stage] | index("mm-npy") and index("mm-bulkinsert"))' \
  mm-work/report.json >/dev/null && pass "load report: $first verified, dump and load stages timed" ||
  fail "load report: $(cat mm-work/report.json)"

# Then everything streamed: the collection already loaded is not imported again (journal).
mm_run run >"$SCRATCH/out" 2>"$SCRATCH/err" &&
  pass "mm-run run to MinIO exits 0" || fail "mm-run run: $(cat "$SCRATCH/err")"
[ "$(jq -r .ok mm-work/report.json)" = true ] && pass "report.json: ok ($(jq -c .totals mm-work/report.json))" ||
  fail "report: $(cat mm-work/report.json)"
grep -q '"objects":{"id":"mm-test/migration/' mm-work/imported.jsonl &&
  pass "objects under OUTPUTDIR/migration/ (leading / dropped)" || fail "object keys: $(grep -m1 -o '"objects":{[^}]*}' mm-work/imported.jsonl)"
check_milvus "$port" mm-work/scanned.jsonl "$fx" && pass "pymilvus: exact counts, every id read back bit-exact" || fail "pymilvus check"

# verify: counted afresh from the 1.x files, 20 rows per collection read back.
mm_run verify >"$SCRATCH/out" 2>"$SCRATCH/err" && pass "verify exits 0" || fail "verify: $(cat "$SCRATCH/err")"
jq -se --argjson n "$(jq -s '[.[] | select(.kind == "partition")] | length' mm-work/scanned.jsonl)" '
  ([.[] | select(.kind == "verify")] | length > $n and all(.ok)) and (.[-1].sampled > 0)' mm-work/verified.jsonl >/dev/null &&
  pass "verify: every partition ok, rows sampled ($(tail -n 1 mm-work/verified.jsonl))" || fail "verified.jsonl: $(cat mm-work/verified.jsonl)"
# Someone writes into a migrated collection: verify names the partition and both counts.
float=$(jq -r 'select(.kind == "collection" and .vector == "float") | .collection' mm-work/scanned.jsonl | head -n 1)
"$VENV_PY" - "$port" "$float" <<'PY'
import sys
from pymilvus import Collection, connections
connections.connect(uri=f"http://127.0.0.1:{sys.argv[1]}")
collection = Collection(sys.argv[2])
dim = next(f.params["dim"] for f in collection.schema.fields if f.name == "data")
collection.insert([[-11, -12, -13], [[0.5] * dim] * 3])
collection.flush()
PY
expect_error "verify after 3 foreign rows" "$float/_default has [0-9]* rows, expected" mm_run -q verify
finish
