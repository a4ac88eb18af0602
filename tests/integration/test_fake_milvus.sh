#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR disable=SC2015 # pass and fail return 0: A && pass || fail is if-else
# Self-test of the Milvus 2.4+ TEST DOUBLE (tests/fakes/fake_milvus_v24.py, started by
# scripts/test-fake-milvus.sh), with pymilvus 2.3.8 as the independent client and curl for REST:
# import v1 as 2.4+ wraps it (one job per call, states Pending/Started/Completed/Failed, row counts
# visible only when complete), unknown job ids per version, REST list/describe, auth, the import
# refusals, kill -9 + restart with a running job, and retention. Needs no C++ build.
source "$(dirname "$0")/lib.sh"
TOOLS_DIR=${MM_TOOLS_DIR:-$HOME/.cache/milvus-mm}
VENV_PY=$TOOLS_DIR/venv/bin/python
FAKE=$MM_SRC/scripts/test-fake-milvus.sh
[ -x "$VENV_PY" ] || "$MM_SRC/scripts/install-test-servers.sh" >/dev/null

# start_fake DIR [options]: started now, stopped on exit; sets port.
start_fake() {
  local dir=$1
  shift
  "$FAKE" start "$dir" "$@" 2>/dev/null
  cleanup_hooks+=("'$FAKE' stop '$dir' >/dev/null 2>&1")
  port=$(cat "$dir/port")
}
rest() { # rest PORT PATH JSON [extra curl args]: the response body
  curl -sS -XPOST "http://127.0.0.1:$1$2" -H 'Content-Type: application/json' -d "$3" "${@:4}"
}
client() { "$VENV_PY" "$SCRATCH/client.py" "$@"; }

# NumPy groups: g1 (100 rows), g2 (50 rows), bad (rows differ), dim4 (wrong dim), huge (sparse 17 GiB).
"$VENV_PY" - "$SCRATCH" <<'PY'
import sys, os, numpy as np
d = sys.argv[1]
def group(name, ids, dim=8):
    os.makedirs(f"{d}/{name}", exist_ok=True)
    np.save(f"{d}/{name}/id.npy", np.asarray(ids, dtype="<i8"))
    np.save(f"{d}/{name}/data.npy", (np.arange(len(ids) * dim, dtype="<f4") / 7).reshape(len(ids), dim))
group("g1", range(0, 100)); group("g2", range(100, 150)); group("dim4", range(5), dim=4)
group("bad", range(10)); np.save(f"{d}/bad/data.npy", np.zeros((9, 8), "<f4"))
group("huge", range(3))
with open(f"{d}/huge/id.npy", "r+b") as f:
    f.truncate(17 * 1024 ** 3)   # sparse: 17 GiB on paper, nothing on disk
PY

cat >"$SCRATCH/client.py" <<'PY'
# client.py PORT CMD ARGS...: pymilvus 2.3.8 (and its raw stubs) against the fake.
import json, sys, time
from pymilvus import connections, utility, Collection, CollectionSchema, FieldSchema, DataType
from pymilvus.exceptions import MilvusException
port, cmd, *args = sys.argv[1:]
kw = {}
if cmd.startswith("auth-"):
    cmd = cmd[5:]
    kw = dict(user=args[0], password=args[1]); args = args[2:]
connections.connect(host="127.0.0.1", port=port, **kw)
def out(x): print(json.dumps(x))
if cmd == "version":
    out(utility.get_server_version())
elif cmd == "create":            # create NAME [PARTITION...]
    s = CollectionSchema([FieldSchema("id", DataType.INT64, is_primary=True),
                          FieldSchema("data", DataType.FLOAT_VECTOR, dim=8)])
    c = Collection(args[0], s)
    for p in args[1:]:
        c.create_partition(p)
    out(sorted(p.name for p in c.partitions))
elif cmd == "import":            # import COLL PART FILE...
    out(utility.do_bulk_insert(args[0], files=args[2:], partition_name=args[1] or None))
elif cmd == "import1":           # import1 COLL FILE...: import, then its state at once
    j = utility.do_bulk_insert(args[0], files=args[1:])
    s = utility.get_bulk_insert_state(j)
    out({"job": str(j), "state": s.state, "rows": s.row_count, "infos": sorted(s.infos)})
elif cmd == "state":             # state JOBID
    try:
        s = utility.get_bulk_insert_state(int(args[0]))
        out({"state": s.state, "rows": s.row_count, "progress": s.progress, "reason": s.failed_reason,
             "id": s.task_id, "infos": sorted(s.infos)})
    except MilvusException as e:
        out({"code": e.code, "message": e.message})
elif cmd in ("wait", "importwait"):  # wait JOBID | importwait COLL PART FILE...: until Completed/Failed;
    if cmd == "importwait":         # prints the states seen (importwait polls from the Import on, in one process)
        args = [utility.do_bulk_insert(args[0], files=args[2:], partition_name=args[1] or None)]
    seen = []
    for _ in range(400):
        s = utility.get_bulk_insert_state(int(args[0]))
        if not seen or seen[-1] != s.state:
            seen.append(s.state)
        if s.state in (1, 6):
            break
        time.sleep(0.05)
    out({"job": str(args[0]), "seen": seen, "rows": s.row_count, "reason": s.failed_reason})
elif cmd == "list":              # list COLL
    out([{"state": t.state, "id": t.task_id, "progress": t.progress} for t in
         utility.list_bulk_insert_tasks(limit=1, collection_name=args[0])])
elif cmd == "count":             # count COLL [PART]: statistics row_count and count(*)
    c = Collection(args[0])
    c.flush()
    if len(args) > 1:
        stats = c.partition(args[1]).num_entities
    else:
        stats = c.num_entities
    c.create_index("data", {"index_type": "FLAT", "metric_type": "L2", "params": {}})
    c.load()
    q = c.query("", output_fields=["count(*)"], partition_names=args[1:] or None)
    out({"stats": stats, "count": q[0]["count(*)"]})
elif cmd == "read":              # read COLL ID...: rows back
    c = Collection(args[0]); c.load()
    r = c.query(f"id in [{','.join(args[1:])}]", output_fields=["id", "data"])
    out(sorted([[x["id"], [float(v) for v in x["data"]]] for x in r]))
elif cmd == "raw-import":        # raw-import COLL PART OPTIONS_JSON FILE...: Import with options
    from pymilvus.grpc_gen import milvus_pb2, common_pb2, milvus_pb2_grpc
    import grpc
    stub = milvus_pb2_grpc.MilvusServiceStub(grpc.insecure_channel(f"127.0.0.1:{port}"))
    r = stub.Import(milvus_pb2.ImportRequest(collection_name=args[0], partition_name=args[1], files=args[3:],
        options=[common_pb2.KeyValuePair(key=k, value=v) for k, v in json.loads(args[2]).items()]))
    out({"code": r.status.code, "error_code": r.status.error_code, "reason": r.status.reason, "tasks": [str(t) for t in r.tasks]})
PY

# ---- 2.6: the normal path ----------------------------------------------------------------------
f=$SCRATCH/f26
start_fake "$f" --stage-seconds 1.5  # the mid-way checks must land mid-way on a loaded machine too
[ "$(client "$port" version)" = '"v2.6.3"' ] && pass "GetVersion v2.6.3" || fail "GetVersion: $(client "$port" version)"
[ "$(client "$port" create c1 p1)" = '["_default", "p1"]' ] && pass "collection and partition created" || fail "create"
w=$(client "$port" importwait c1 p1 "$SCRATCH/g1/id.npy" "$SCRATCH/g1/data.npy")
job=$(jq -r .job <<<"$w")
[[ $job =~ ^[0-9]{18}$ ]] && pass "Import gives one 18-digit job id ($job)" || fail "job id: $job"
jq -e '(.seen | index(2)) != null and .seen[-1] == 6 and .rows == 100' <<<"$w" >/dev/null && pass "states → Started → Completed, 100 rows: $w" || fail "wait: $w"
st=$(client "$port" import1 c1 "$SCRATCH/g2/id.npy" "$SCRATCH/g2/data.npy")
jq -e '.state == 0 and .rows == 0 and .infos == ["failed_reason", "progress_percent"]' <<<"$st" >/dev/null &&
  pass "a new job is ImportPending, 0 rows, infos failed_reason+progress_percent only: $st" || fail "new job state: $st"
job2=$(jq -r .job <<<"$st")
mid=$(rest "$port" /v2/vectordb/jobs/import/describe "{\"jobId\":\"$job2\"}")
jq -e '(.data.state == "Pending" or .data.state == "Importing") and .data.progress < 100 and .data.importedRows < 50' <<<"$mid" >/dev/null &&
  pass "REST describe while it runs: $(jq -c '.data | [.state, .progress, .importedRows]' <<<"$mid")" || fail "mid-way: $mid"
c=$(client "$port" count c1 p1)
[ "$(jq -c . <<<"$c")" = '{"stats":100,"count":100}' ] && pass "partition statistics and count(*) = 100" || fail "count: $c"
r=$(client "$port" read c1 3 99 4000)
"$VENV_PY" -c "
import json, sys, numpy as np
r = json.loads(sys.argv[1]); d = np.load('$SCRATCH/g1/data.npy')
assert [x[0] for x in r] == [3, 99] and all(np.array_equal(np.float32(x[1]), d[x[0]]) for x in r), r
" "$r" && pass "query id in [...] reads the rows back bit-exact" || fail "read: ${r:0:200}"

# REST on the same port: list and describe
l=$(rest "$port" /v2/vectordb/jobs/import/list '{"collectionName":"c1"}')
jq -e --arg j "$job" '.code == 0 and (.data.records | length) == 2 and
  .data.records[0] == {"jobId": $j, "collectionName": "c1", "state": "Completed", "progress": 100}' <<<"$l" >/dev/null &&
  pass "REST list: $l" || fail "REST list: $l"
dsc=$(rest "$port" /v2/vectordb/jobs/import/describe "{\"jobId\":\"$job\"}")
jq -e --arg n "[$SCRATCH/g1/id.npy $SCRATCH/g1/data.npy]" '.code == 0 and .data.state == "Completed" and .data.totalRows == 100
  and .data.importedRows == 100 and (.data.details | length) == 1 and .data.details[0].fileName == $n
  and .data.details[0].state == "Completed" and .data.fileSize > 1000 and (.data.completeTime | length) > 0' <<<"$dsc" >/dev/null &&
  pass "REST describe: file group, rows, sizes" || fail "REST describe: $dsc"
u=$(rest "$port" /v2/vectordb/jobs/import/get_progress '{"jobId":"123"}')
[ "$(jq -c . <<<"$u")" = '{"code":2100,"message":"import job does not exist, jobID=123: importing data failed"}' ] &&
  pass "REST unknown job: $u" || fail "REST unknown job: $u"
s=$(client "$port" state 123)
jq -e '.code == 2100 and (.message | test("import job does not exist, jobID=123"))' <<<"$s" >/dev/null &&
  pass "2.6: GetImportState of an unknown job is code 2100: $s" || fail "unknown job 2.6: $s"

# Progress visible mid-way; a second job; ListImportTasks has no ids
client "$port" wait "$job2" >/dev/null
ls_=$(client "$port" list c1)
jq -e 'length == 2 and all(.[]; .id == 0 and .state == 6 and .progress == 100)' <<<"$ls_" >/dev/null &&
  pass "ListImportTasks: both jobs, no ids, limit ignored" || fail "list: $ls_"
[ "$(client "$port" count c1 | jq -c .)" = '{"stats":150,"count":150}' ] && pass "collection total 150" || fail "total"

# Failures: rows mismatch, dim mismatch, missing file, > 16 GiB, timeout; no rows added
for g in bad dim4 huge; do
  j=$(client "$port" import c1 p1 "$SCRATCH/$g/id.npy" "$SCRATCH/$g/data.npy")
  w=$(client "$port" wait "$j")
  case $g in bad) pat='imported rows are not aligned' ;; dim4) pat='dimension' ;; huge) pat='The import file size has reached the maximum limit allowed for importing, fileSize=' ;; esac
  jq -e --arg p "$pat" '.seen[-1] == 1 and .rows == 0 and (.reason | contains($p))' <<<"$w" >/dev/null &&
    pass "$g group fails: $(jq -r .reason <<<"$w" | cut -c1-100)" || fail "$g: $w"
done
j=$(client "$port" import c1 p1 "$SCRATCH/nope/id.npy" "$SCRATCH/g1/data.npy")
w=$(client "$port" wait "$j")
jq -e '.seen[-1] == 1 and (.reason | contains("no such file"))' <<<"$w" >/dev/null && pass "missing file fails" || fail "missing: $w"
t=$(client "$port" raw-import c1 p1 '{"timeout":"1s"}' "$SCRATCH/g1/id.npy" "$SCRATCH/g1/data.npy")
w=$(client "$port" wait "$(jq -r '.tasks[0]' <<<"$t")")
jq -e '.seen[-1] == 1 and .reason == "import timeout"' <<<"$w" >/dev/null && pass "option timeout=1s: import timeout" || fail "timeout: $w"
[ "$(client "$port" count c1 p1 | jq -c .)" = '{"stats":100,"count":100}' ] && pass "failed jobs added no rows" || fail "rows after failures"
e=$(client "$port" raw-import nosuch "" '{}' "$SCRATCH/g1/id.npy")
jq -e '.code == 100 and .error_code == 4 and .tasks == []' <<<"$e" >/dev/null && pass "unknown collection: $e" || fail "unknown coll: $e"
e=$(client "$port" raw-import c1 nopart '{}' "$SCRATCH/g1/id.npy")
jq -e '.code == 200 and (.reason | startswith("partition not found"))' <<<"$e" >/dev/null && pass "unknown partition: code 200" || fail "unknown part: $e"

# Partition key and nullable collections (control endpoint)
rest "$port" /_fake/collection '{"name":"pk","dim":8,"partition_key":true}' >/dev/null
e=$(client "$port" raw-import pk p1 '{}' "$SCRATCH/g1/id.npy")
jq -e '.code == 2100 and (.reason | contains("not allow to set partition name for collection with partition key"))' <<<"$e" >/dev/null &&
  pass "partition-key collection refuses partition_name" || fail "pk: $e"
rest "$port" /_fake/collection '{"name":"nl","dim":8,"nullable":true}' >/dev/null
j=$(client "$port" import nl "" "$SCRATCH/g1/id.npy" "$SCRATCH/g1/data.npy")
w=$(client "$port" wait "$j")
jq -e '.seen[-1] == 6 and .rows == 100' <<<"$w" >/dev/null && pass "2.6: nullable field may be omitted" || fail "nullable 2.6: $w"
"$VENV_PY" - "$port" <<'PY' && pass "DescribeCollection keeps the nullable flag (FieldSchema 15) for the client" || fail "nullable bytes lost"
import sys, grpc
from pymilvus.grpc_gen import milvus_pb2, milvus_pb2_grpc
r = milvus_pb2_grpc.MilvusServiceStub(grpc.insecure_channel(f"127.0.0.1:{sys.argv[1]}")).DescribeCollection(
    milvus_pb2.DescribeCollectionRequest(collection_name="nl"))
tag = [f for f in r.schema.fields if f.name == "tag"][0]
assert tag.SerializeToString().endswith(b"\x78\x01"), tag.SerializeToString()
PY

# kill -9 while a job runs, restart: the job carries on to Completed; same port
job3=$(client "$port" import c1 p1 "$SCRATCH/g2/id.npy" "$SCRATCH/g2/data.npy")
b=$(rest "$port" /v2/vectordb/jobs/import/describe "{\"jobId\":\"$job3\"}")
jq -e '.data.state != "Completed" and .data.state != "Failed"' <<<"$b" >/dev/null && pass "job running before kill -9: $(jq -c '.data | [.state, .progress]' <<<"$b")" || fail "not running: $b"
kill -9 "$(cat "$f/pid")"
sleep 0.2
oldport=$port
start_fake "$f"
[ "$port" = "$oldport" ] && pass "restart reuses the port" || fail "port changed"
w=$(client "$port" wait "$job3")
jq -e '.seen[-1] == 6 and .rows == 50' <<<"$w" >/dev/null && pass "job running at kill -9 completes after restart: $w" || fail "after restart: $w"
[ "$(client "$port" count c1 p1 | jq -c .)" = '{"stats":150,"count":150}' ] && pass "p1 has 150 rows after restart" || fail "rows after restart"
"$FAKE" stop "$f"

# ---- 2.4.3 and retention: unknown job looks failed; 2.5 nullable; hold-import -----------------
f=$SCRATCH/f243
start_fake "$f" --version v2.4.3 --retention 1 --stage-seconds 0.1
client "$port" create c1 >/dev/null
j=$(client "$port" import c1 "" "$SCRATCH/g1/id.npy" "$SCRATCH/g1/data.npy")
client "$port" wait "$j" >/dev/null
sleep 1.5
s=$(client "$port" state "$j")
jq -e '.state == 1 and .reason == "unknown import job state"' <<<"$s" >/dev/null &&
  pass "2.4.3: a job forgotten after --retention reads as failed, 'unknown import job state'" || fail "2.4.3 retention: $s"
[ "$(rest "$port" /v2/vectordb/jobs/import/list '{}' | jq '.data.records | length')" = 0 ] && pass "REST list forgets it too" || fail "REST retention"
"$FAKE" stop "$f"

f=$SCRATCH/f25
start_fake "$f" --version v2.5.27
rest "$port" /_fake/collection '{"name":"nl","nullable":true}' >/dev/null
e=$(client "$port" raw-import nl "" '{}' "$SCRATCH/g1/id.npy" "$SCRATCH/g1/data.npy")
jq -e '.code == 2100 and (.reason | contains("nullable"))' <<<"$e" >/dev/null && pass "2.5 refuses NumPy import into a nullable collection" || fail "2.5: $e"
"$FAKE" stop "$f"

f=$SCRATCH/f30
start_fake "$f" --version v3.0.1 --replicating
client "$port" create c1 >/dev/null
e=$(client "$port" raw-import c1 "" '{}' "$SCRATCH/g1/id.npy" "$SCRATCH/g1/data.npy")
jq -e '.code == 3000 and .reason == "import in replicating cluster is not supported yet: unsupported operation"' <<<"$e" >/dev/null &&
  pass "3.0 --replicating refuses imports" || fail "3.0 replicating: $e"
"$FAKE" stop "$f"

f=$SCRATCH/fhold
start_fake "$f" --hold-import 8 --max-jobs 2 --stage-seconds 30
client "$port" create c1 >/dev/null
# held_import: an import whose reply is held; returns once the job exists, with the client still
# waiting for its id (then killed).
held_import() {
  local pid
  n=0
  "$VENV_PY" "$SCRATCH/client.py" "$port" import c1 "" "$SCRATCH/g1/id.npy" "$SCRATCH/g1/data.npy" >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 1 60); do
    n=$(curl -sS "http://127.0.0.1:$port/_fake/state" | jq '.jobs | length')
    [ "$n" -ge "$1" ] && break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && held=1 || held=0
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
held_import 1
[ "$n" = 1 ] && [ "$held" = 1 ] && pass "--hold-import: the job exists while the client still waits for its id" || fail "hold: $n jobs, client waiting: $held"
held_import 2
e=$(client "$port" raw-import c1 "" '{}' "$SCRATCH/g1/id.npy" "$SCRATCH/g1/data.npy")
jq -e '.code == 2100 and (.reason | startswith("The number of jobs has reached the limit"))' <<<"$e" >/dev/null &&
  pass "--max-jobs 2: the third running job is refused" || fail "max jobs: $e"
"$FAKE" stop "$f"

# ---- auth --------------------------------------------------------------------------------------
f=$SCRATCH/fauth
start_fake "$f" --auth
[ "$(stat -c %a "$f/password")" = 600 ] && [ "$(cat "$f/user")" = root ] && pass "user and password (mode 600) written" || fail "auth files"
pw=$(cat "$f/password")
[ "$(client "$port" auth-version root "$pw")" = '"v2.6.3"' ] && pass "gRPC with the right password" || fail "auth ok"
"$VENV_PY" - "$port" <<'PY' && pass "gRPC without credentials: UNAUTHENTICATED" || fail "no-cred gRPC"
import sys, grpc
from pymilvus.grpc_gen import milvus_pb2, milvus_pb2_grpc
try:
    milvus_pb2_grpc.MilvusServiceStub(grpc.insecure_channel(f"127.0.0.1:{sys.argv[1]}")).HasCollection(
        milvus_pb2.HasCollectionRequest(collection_name="x"), metadata=[("authorization", "cm9vdDp3cm9uZw==")])
    sys.exit(1)
except grpc.RpcError as e:
    sys.exit(0 if e.code() == grpc.StatusCode.UNAUTHENTICATED else 1)
PY
a=$(rest "$port" /v2/vectordb/jobs/import/list '{}' -H 'Authorization: Bearer root:wrong')
[ "$(jq -c . <<<"$a")" = '{"code":1800,"message":"user hasn'"'"'t authenticated"}' ] && pass "REST wrong password: code 1800" || fail "REST auth: $a"
a=$(rest "$port" /v2/vectordb/jobs/import/list '{}' -H "Authorization: Bearer root:$pw")
jq -e '.code == 0' <<<"$a" >/dev/null && pass "REST right password" || fail "REST auth ok: $a"
"$FAKE" stop "$f"
[ -z "$(pgrep -f "fake_milvus_v24.py --dir $f " || true)" ] && pass "stop ends the fake" || fail "still running"

finish
