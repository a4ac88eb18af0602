#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR disable=SC2015 # pass and fail return 0: A && pass || fail is if-else
# --stall-timeout: an import whose progress does not move for that long is given up in this run,
# noted as stalled in the journal, and reported as one clear error; the task may still complete,
# so a rerun waits for that task (it never submits the group beside it) and the group's rows
# arrive exactly once. The stall is real and does not depend on the machine's speed: Milvus keeps
# its data in MinIO, and MinIO is frozen (SIGSTOP) as soon as the import is submitted, so Milvus
# can neither read the group nor write its segments until MinIO is let go (SIGCONT).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/milvus_lib.sh"
source "$(dirname "$0")/upload_lib.sh"
start_minio_and_milvus
addr=127.0.0.1:$port
minio_pid=$(cat "$minio/minio.pid")
# Runs before test-minio.sh stop, should the test end while MinIO is frozen.
cleanup_hooks=("kill -CONT $minio_pid 2>/dev/null" "${cleanup_hooks[@]}")

rows=300000
dir=$SCRATCH/npy/big/_default/g0
mkdir -p "$dir"
"$PY" - "$dir" "$rows" <<'PY'
import sys
import numpy as np
d, n = sys.argv[1], int(sys.argv[2])
np.save(f"{d}/id.npy", np.arange(n, dtype="<i8"))
np.save(f"{d}/data.npy", np.ones((n, 128), dtype="<f4"))
PY
bytes=$(($(stat -c %s "$dir/id.npy") + $(stat -c %s "$dir/data.npy")))
cat >"$SCRATCH/big.jsonl" <<EOF2
{"kind":"collection","collection":"big","dim":128,"vector":"float","metric":1,"index_type":1}
{"kind":"group","collection":"big","partition":"_default","name":"g0","rows":$rows,"bytes":$bytes,"files":{"id":"$dir/id.npy","data":"$dir/data.npy"},"pieces":[{"table_id":"big","segment_id":"1","first_live":0,"rows":$rows}]}
EOF2
AWS_ACCESS_KEY_ID=$access AWS_SECRET_ACCESS_KEY=$secret mm-upload -q --backend s3 --endpoint "$endpoint" \
  --bucket "$(cat "$minio/bucket")" "$SCRATCH/big.jsonl" >"$SCRATCH/uploaded.jsonl" || fail "mm-upload"
journal=$SCRATCH/journal
# timeout: should an import never get past queued while MinIO is frozen, a run would wait for ever.
bulk() { timeout 120 mm-bulkinsert --address "$addr" --journal "$journal" --poll-interval 0.1 "$@" "$SCRATCH/uploaded.jsonl"; }

rc=0
bulk --stall-timeout 1 >"$SCRATCH/run1.jsonl" 2>"$SCRATCH/run1.err" &
pid=$!
until grep -q '"event":"submitted"' "$journal" 2>/dev/null || ! kill -0 "$pid" 2>/dev/null; do sleep 0.01; done
kill -STOP "$minio_pid"
wait "$pid" || rc=$?
kill -CONT "$minio_pid"
task=$(grep -o '"event":"submitted","group":"big/_default/g0","task":[0-9]*' "$journal" | grep -o '[0-9]*$' || true)
if [ "$rc" -eq 1 ] && [ "$(grep -c 'error:' "$SCRATCH/run1.err")" -eq 1 ] &&
  grep -q "^mm-bulkinsert: error: import big/_default/g0 (task $task) made no progress for 1 s at [0-9]*%.*; the journal keeps the task: a rerun waits for it" "$SCRATCH/run1.err"; then
  pass "--stall-timeout 1: one error line: $(grep 'error:' "$SCRATCH/run1.err")"
else
  fail "--stall-timeout 1: exit $rc: $(cat "$SCRATCH/run1.err")"
fi
grep -q "{\"event\":\"stalled\",\"group\":\"big/_default/g0\",\"task\":$task,\"seconds\":1[,}]" "$journal" &&
  pass "journal: task $task stalled" || fail "journal: $(cat "$journal")"

# MinIO is back: the rerun waits for the same task.
bulk -v >"$SCRATCH/run2.jsonl" 2>"$SCRATCH/run2.err" && pass "the rerun completes" || fail "rerun: $(cat "$SCRATCH/run2.err")"
grep -q "checking again import task $task of big/_default/g0 from an earlier run, which stalled there" "$SCRATCH/run2.err" &&
  pass "the rerun checked the stalled task $task again" || fail "rerun said: $(cat "$SCRATCH/run2.err")"
[ "$(grep -c '"event":"submitting"' "$journal")" -eq 1 ] && grep -q "\"event\":\"completed\",\"group\":\"big/_default/g0\",\"task\":$task," "$journal" &&
  pass "journal: the group submitted once, completed by task $task" || fail "journal: $(cat "$journal")"
tail -n 1 "$SCRATCH/run2.jsonl" | grep -q "\"imported_groups\":1,\"imported_rows\":$rows,\"resumed_groups\":1,\"resumed_rows\":$rows,.*\"ok\":true" &&
  pass "summary: the group imported this run, resumed from the stalled task" || fail "summary: $(tail -n 1 "$SCRATCH/run2.jsonl")"
grep -q '"import":{"task":'"$task"',"state":"completed","earlier_run":false,"resumed":true}' "$SCRATCH/run2.jsonl" &&
  pass "group record: resumed" || fail "group record: $(grep '"kind":"group"' "$SCRATCH/run2.jsonl" | cut -c1-300)"
"$VENV_PY" - "$port" "$rows" <<'PY' && pass "pymilvus: $rows rows, once" || fail "pymilvus count"
import sys
from pymilvus import Collection, connections
connections.connect(uri=f"http://127.0.0.1:{sys.argv[1]}")
n = Collection("big").num_entities
sys.exit(0 if n == int(sys.argv[2]) else f"big: {n} rows")
PY
finish
