#!/usr/bin/env bash
# kill -9 of the whole mm-run (its process group: the driver and every tool in the pipeline) at
# random moments, five times, through MinIO into a real Milvus 2.3; then a rerun ends with the
# exact counts and no row twice, checked with pymilvus.
#
#   MM_RUN  the mm-run to test (default: $MM_SRC/scripts/mm-run)
# shellcheck disable=SC1091,SC2015,SC2154  # pass/fail style A && pass || fail; port: start_minio_and_milvus
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/milvus_lib.sh"
export MM_BIN
MM_RUN=${MM_RUN:-$MM_SRC/scripts/mm-run}

start_minio_and_milvus
fx=$SCRATCH/fx
$PY "$MM_SRC/tests/fixtures/gen1x.py" --out "$fx" --seed 11 >/dev/null
mkdir -p "$SCRATCH/run"
cd "$SCRATCH/run" || exit 1
{
  minio_migration_yaml "$fx" kill-test 2 3
  cat <<EOF
milvusmm:
  groupSize: 8K
  pollInterval: 0.3
  createIndex: true
  verifySample: 20
EOF
} >migration.yaml
chmod 600 migration.yaml
journal=mm-work/mm-bulkinsert.journal

# Each kill lands somewhere in a window (start:width seconds) that moves from the start (metadata,
# conversion, upload) towards the imports; the moment within the window is random.
kills=0 mid_import=0 survivors=0
for window in 0.05:0.25 0.5:1 2:1 4:1 6:1; do
  delay=$(awk -v w="$window" -v r="$RANDOM" 'BEGIN { split(w, a, ":"); printf "%.2f", a[1] + a[2] * (r % 1000) / 1000 }')
  setsid "$MM_RUN" -q run >/dev/null 2>"$SCRATCH/err.$window" &
  pid=$!
  sleep "$delay"
  if kill -0 "$pid" 2>/dev/null; then
    kill -9 -- "-$pid" 2>/dev/null || true
    kills=$((kills + 1))
  fi
  wait "$pid" 2>/dev/null || true
  sleep 0.5
  if left=$(ps -o pid=,stat=,args= -g "$pid" | awk '$2 !~ /^Z/') && [ -n "$left" ]; then
    survivors=$((survivors + 1))
    echo "left running: $left"
  fi
  submitted=$(grep -c '"event":"submitted"' "$journal" 2>/dev/null || true)
  completed=$(grep -c '"event":"completed"' "$journal" 2>/dev/null || true)
  [ "${submitted:-0}" -le "${completed:-0}" ] || mid_import=$((mid_import + 1))
  echo "kill after ${delay}s: journal ${submitted:-0} submitted, ${completed:-0} completed"
done
[ "$kills" -eq 5 ] && pass "5 kill -9 of a running mm-run" || fail "only $kills of 5 kills hit a running mm-run"
[ "$mid_import" -ge 1 ] && pass "$mid_import kill(s) left imports in flight" || fail "no kill landed while imports were in flight"
[ "$survivors" -eq 0 ] && pass "no tool outlived its killed process group" || fail "$survivors kill(s) left tools running"

"$MM_RUN" run >"$SCRATCH/out" 2>"$SCRATCH/err" && pass "rerun after the kills exits 0" || fail "rerun: $(cat "$SCRATCH/err")"
jq -e '.ok and .totals.live_1x == .totals.imported' mm-work/report.json >/dev/null &&
  pass "report: every partition verified ($(jq -c .totals mm-work/report.json))" || fail "report: $(cat mm-work/report.json)"
check_milvus "$port" mm-work/scanned.jsonl "$fx" && pass "pymilvus: exact counts (no row twice), every id read back bit-exact" ||
  fail "pymilvus check"
finish
