#!/usr/bin/env bash
# mm-run: a whole migration from one migration.yaml into a real Milvus 2.3 (or 2.2:
# MM_TEST_MILVUS_VERSION) standalone with local storage (checked with pymilvus), a rerun that
# imports nothing, an unknown key refused with the nearest valid key (exit 2), a failing stage
# giving its exit status, and an unchanged milvus-migration style file (meta.mode local +
# meta.json, found in ./configs) migrating too.
#
#   MM_RUN  the mm-run to test (default: $MM_SRC/scripts/mm-run)
# shellcheck disable=SC1091,SC2015  # lib.sh's pass/fail style: A && pass || fail
source "$(dirname "$0")/lib.sh"
export MM_BIN
MM_RUN=${MM_RUN:-$MM_SRC/scripts/mm-run}

# status_is NAME WANT CMD...: CMD exits with status WANT.
status_is() {
  local name=$1 want=$2 rc=0
  shift 2
  "$@" >/dev/null 2>&1 || rc=$?
  [ "$rc" = "$want" ] && pass "$name: exit status $want" || fail "$name: exit status $rc, expected $want"
}

# --- An unknown key: a usage error naming the line and the nearest key (no server needed).
mkdir -p "$SCRATCH/bad"
cat >"$SCRATCH/bad/migration.yaml" <<'EOF'
dumper:
  worker:
    workMode: milvus1x
loader:
  worker:
    limit: 2
meta:
  mode: sqlite
  sqlitFile: /nowhere/meta.sqlite
source:
  mode: local
  local:
    tablesDir: /nowhere/tables
target:
  mode: local
  local:
    outputDir: /nowhere/out
EOF
expect_error "unknown key" 'migration.yaml:9: unknown key "meta.sqlitFile"; did you mean "meta.sqliteFile"?' \
  "$MM_RUN" --config "$SCRATCH/bad/migration.yaml" run
status_is "unknown key" 2 "$MM_RUN" --config "$SCRATCH/bad/migration.yaml" run
status_is "no configuration found" 2 bash -c "cd '$SCRATCH' && '$MM_RUN' plan"

source "$(dirname "$0")/milvus_lib.sh"
start_milvus "$SCRATCH/milvus" local
port=$(cat "$SCRATCH/milvus/port")

# --- The generated 1.x installation (float and binary, partitions, deletes, -wal) via meta.sqlite.
fx=$SCRATCH/fx
$PY "$MM_SRC/tests/fixtures/gen1x.py" --out "$fx" --seed 5 >/dev/null
expected=$($PY -c 'import json,sys; i=json.load(open(sys.argv[1])); print(sum(p["rows"] for c in i["collections"].values() for p in c["partitions"].values()))' "$fx/expected/index.json")
mkdir -p "$SCRATCH/run"
{
  local_migration_yaml "$fx" import "127.0.0.1:$port" 3
  printf 'milvusmm:\n  workDir: work\n  groupSize: 8K\n  pollInterval: 0.3\n  createIndex: true\n  verifySample: 50\n'
} >"$SCRATCH/run/migration.yaml"
cd "$SCRATCH/run" || exit 1
live=$("$MM_RUN" -q plan | awk '$1 == "total" { print $3 }')
[ "$live" = "$expected" ] && pass "plan: $live live rows, as generated" || fail "plan: '$live' live rows, expected $expected"
[ ! -e work ] && pass "plan writes nothing" || fail "plan created the work directory"

"$MM_RUN" run >"$SCRATCH/run.out" 2>"$SCRATCH/run.err" && pass "mm-run run exits 0" || fail "mm-run run: $(cat "$SCRATCH/run.err")"
grep -q "^total .* $expected .* $expected .*ok\$" "$SCRATCH/run.out" && pass "report table: $expected rows, ok" ||
  fail "report table: $(cat "$SCRATCH/run.out")"
[ "$(jq -r '.ok' work/report.json)" = true ] && [ "$(jq -r '.totals.imported' work/report.json)" = "$expected" ] &&
  [ "$(jq '[.stages[].stage] | length' work/report.json)" = 5 ] &&
  pass "report.json: ok, $expected imported, 5 stages timed" || fail "report.json: $(cat work/report.json)"
[ -s work/mm-bulkinsert.journal ] && pass "journal in the work directory" || fail "no journal in work/"
check_milvus "$port" work/scanned.jsonl "$fx" && pass "pymilvus: exact counts, every id read back bit-exact" || fail "pymilvus check"

"$MM_RUN" -q run && [ "$(jq -r '.totals.imported_this_run' work/report.json)" = 0 ] &&
  [ "$(jq -r '.ok' work/report.json)" = true ] && pass "rerun imports nothing and verifies" ||
  fail "rerun: $(cat work/report.json)"
check_milvus "$port" work/scanned.jsonl "$fx" >/dev/null && pass "counts unchanged after the rerun" || fail "counts changed"

# --- A failing stage: its exit status (3, bad input: a segment's files are missing), one error line.
sed "s|tablesDir: .*|tablesDir: $SCRATCH/empty|; s|workDir: work|workDir: work2|" migration.yaml >broken.yaml
mkdir -p "$SCRATCH/empty"
expect_error "missing segment files" "mm-scan: error: " "$MM_RUN" --config broken.yaml run
status_is "missing segment files" 3 "$MM_RUN" --config broken.yaml run

# --- An unchanged milvus-migration style file: meta.mode local with the meta.json of `export`,
# found in ./configs, no milvusmm section; into a second server (same collection names).
fx2=$SCRATCH/fx2
$PY "$MM_SRC/tests/fixtures/gen1x.py" --out "$fx2" --seed 6 >/dev/null
sed "s|$fx/|$fx2/|" migration.yaml >fx2.yaml
"$MM_RUN" -q --config fx2.yaml export --output "$SCRATCH/exported" && [ -s "$SCRATCH/exported/meta.json" ] &&
  pass "export writes meta.json" || fail "export"
start_milvus "$SCRATCH/milvus2" local
port2=$(cat "$SCRATCH/milvus2/port")
mkdir -p "$SCRATCH/mig/configs"
cat >"$SCRATCH/mig/configs/migration.yaml" <<EOF
dumper:
  worker:
    workMode: milvus1x
    reader:
      bufferSize: 1024
    writer:
      bufferSize: 1024
loader:
  worker:
    limit: 2
meta:
  mode: local
  localFile: $SCRATCH/exported/meta.json
source:
  mode: local
  local:
    tablesDir: $fx2/db/tables/
target:
  mode: local
  local:
    outputDir: $SCRATCH/mig/out
  milvus2x:
    endpoint: 127.0.0.1:$port2
    username:
    password:
EOF
cd "$SCRATCH/mig" || exit 1
"$MM_RUN" -q run 2>"$SCRATCH/mig.err" && pass "milvus-migration style file (meta.mode local) runs" ||
  fail "milvus-migration style file: $(cat "$SCRATCH/mig.err")"
[ "$(jq -r '.ok' mm-work/report.json 2>/dev/null)" = true ] && pass "its report: ok" || fail "its report is not ok"
# Counts per partition with pymilvus (collections are not loaded without milvusmm keys).
"$VENV_PY" - "$port2" "$fx2/expected/index.json" mm-work/scanned.jsonl <<'PY' && pass "pymilvus: exact counts per partition" || fail "pymilvus counts"
import json, sys
from pymilvus import Collection, Partition, connections
connections.connect(uri=f"http://127.0.0.1:{sys.argv[1]}")
index = json.load(open(sys.argv[2]))
names = {(r["collection"], r["tag"]): r["partition"] for r in map(json.loads, open(sys.argv[3])) if r["kind"] == "partition"}
bad = 0
for cname, c in index["collections"].items():
    for tag, p in c["partitions"].items():
        pname = "_default" if tag == "" else names[(cname, tag)]
        n = Partition(Collection(cname), pname).num_entities
        if n != p["rows"]:
            print(f"FAIL: {cname}/{pname}: {n} rows, expected {p['rows']}")
            bad += 1
sys.exit(1 if bad else 0)
PY

# The 1.x-side cases below do not depend on the server version: run once, on the default server.
if [ "${MM_TEST_MILVUS_VERSION:-2.3}" != 2.2 ]; then
# --- A real Milvus 0.9.1 installation (../shared/fixtures/milvus091-cibr: its metadata only in
# meta.sqlite-wal, a WAL holding records of a collection dropped since), found through its own
# conf/server_config.yaml alone (issue 11), into a database of the second server; pymilvus reads
# every row back and compares it with the installation's .uid/.rv files.
real=$MM_SRC/../shared/fixtures/milvus091-cibr
mkdir -p "$SCRATCH/real"
cat >"$SCRATCH/real/migration.yaml" <<EOF
dumper:
  worker:
    workMode: milvus1x
target:
  mode: local
  local:
    outputDir: $SCRATCH/real/out
  milvus2x:
    endpoint: 127.0.0.1:$port2
    database: real091
milvusmm:
  sourceConfig: $real/conf/server_config.yaml
  workDir: $SCRATCH/real/work
  createIndex: true
  load: true
EOF
"$MM_RUN" --config "$SCRATCH/real/migration.yaml" run >"$SCRATCH/real.out" 2>"$SCRATCH/real.err" &&
  [ "$(jq -r '.ok, .totals.imported' "$SCRATCH/real/work/report.json" | paste -sd ' ')" = "true 88" ] &&
  grep -q "none unflushed (7 of" "$SCRATCH/real.err" &&
  pass "milvus091-cibr through sourceConfig: 88 rows, report ok, its WAL checked" || fail "milvus091-cibr: $(cat "$SCRATCH/real.err")"
"$VENV_PY" - "$port2" "$real/db/tables" <<'PY' && pass "pymilvus: every row of the real 0.9.1 installation, bit-exact" || fail "pymilvus: real 0.9.1 rows"
import os, sys
import numpy as np
from pymilvus import Collection, connections, utility
connections.connect(uri=f"http://127.0.0.1:{sys.argv[1]}", db_name="real091")
bad = 0
for name in ("test1", "test2"):
    seg_dir = os.path.join(sys.argv[2], name, os.listdir(os.path.join(sys.argv[2], name))[0])
    seg = os.path.basename(seg_dir)
    ids = np.fromfile(os.path.join(seg_dir, seg + ".uid"), dtype="<i8", offset=8)
    vecs = np.fromfile(os.path.join(seg_dir, seg + ".rv"), dtype="<f4", offset=8).reshape(len(ids), -1)
    assert np.fromfile(os.path.join(seg_dir, "deleted_docs"), dtype="<u8", count=1)[0] == 0
    rows = Collection(name).query(expr=f"id in {ids.tolist()}", output_fields=["id", "data"])
    got = {r["id"]: np.asarray(r["data"], dtype="<f4") for r in rows}
    same = len(got) == len(ids) == 44 and all(np.array_equal(got[i], v) for i, v in zip(ids.tolist(), vecs))
    print(f"{name}: {len(got)} rows, {'bit-exact' if same else 'DIFFERENT'}")
    bad += not same
for name in ("resnet", "resnet50"):
    if not utility.has_collection(name) or Collection(name).num_entities != 0:
        print(f"{name}: missing or not empty")
        bad += 1
sys.exit(1 if bad else 0)
PY

# --- Unflushed changes in the WAL (issue 11): plan stops with exit status 3 naming them; with
# milvusmm.ignoreUnflushed the run goes on and the report lists what was left behind.
fx3=$SCRATCH/fx3
cp -r "$fx2" "$fx3"
mkdir -p "$fx3/conf"
printf 'general:\n  meta_uri: sqlite://:@:/\nstorage:\n  path: /var/lib/milvus\nwal:\n  enable: true\n  path: /var/lib/milvus/wal\n' \
  >"$fx3/conf/server_config.yaml"
$PY "$MM_SRC/tests/fixtures/gen1x_wal.py" --install "$fx3" --unflushed docs_ip >/dev/null
sed "s|  sourceConfig: .*|  sourceConfig: $fx3/conf/server_config.yaml|; s|workDir: .*|workDir: $SCRATCH/fx3/work|; s|database: real091|database: walcheck|" \
  "$SCRATCH/real/migration.yaml" >"$SCRATCH/unflushed.yaml"
expect_error "unflushed WAL: plan stops" "collection docs_ip: 2 insert records (7 rows), 1 delete record (2 ids) past flush_lsn" \
  "$MM_RUN" --config "$SCRATCH/unflushed.yaml" plan
status_is "unflushed WAL" 3 "$MM_RUN" --config "$SCRATCH/unflushed.yaml" plan
printf '  ignoreUnflushed: true\n' >>"$SCRATCH/unflushed.yaml"
"$MM_RUN" --config "$SCRATCH/unflushed.yaml" run --col docs_ip >/dev/null 2>"$SCRATCH/unflushed.err" &&
  [ "$(jq -c '[.ok, (.unflushed_left_behind[] | [.collection, .insert_rows, .delete_ids])]' "$SCRATCH/fx3/work/report.json")" = '[true,["docs_ip",7,2]]' ] &&
  grep -q "warning: left behind in the 1.x WAL (milvusmm.ignoreUnflushed): docs_ip: 7 rows inserted, 2 ids deleted" "$SCRATCH/unflushed.err" &&
  pass "ignoreUnflushed: migrated, the report lists what the WAL kept" || fail "ignoreUnflushed: $(cat "$SCRATCH/unflushed.err")"
fi

# The shipped example is a valid configuration.
mm-config --check "$MM_SRC/examples/migration.yaml" && pass "examples/migration.yaml is valid" || fail "examples/migration.yaml"

# --- meta.mode mysql: the DSN of the file (password included) reaches mm-meta on stdin only.
db=$SCRATCH/mariadb
"$MM_SRC/scripts/test-mariadb.sh" start "$db" >/dev/null
cleanup_hooks+=("'$MM_SRC/scripts/test-mariadb.sh' stop '$db' >/dev/null 2>&1")
$PY "$MM_SRC/tests/fixtures/sqlite_to_mysql.py" "$fx/db/meta.sqlite" | "$MM_SRC/scripts/test-mariadb.sh" sql "$db"
password=$(cat "$db/password")
cd "$SCRATCH/run" || exit 1
sed "s|  mode: sqlite|  mode: mysql|; s|  sqliteFile: .*|  mysqlUrl: mm:$password@tcp(127.0.0.1:$(cat "$db/port"))/milvus?charset=utf8mb4|" \
  migration.yaml >mysql.yaml
live=$("$MM_RUN" -q --config mysql.yaml plan | awk '$1 == "total" { print $3 }')
[ "$live" = "$expected" ] && pass "meta.mode mysql: plan finds $live live rows" || fail "meta.mode mysql: '$live' live rows"
# A server that accepts but never answers keeps mm-meta running while every command line is read.
$PY -c 'import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
print(s.getsockname()[1], flush=True); time.sleep(30)' >"$SCRATCH/silent.port" &
silent=$!
cleanup_hooks+=("kill $silent")
for _ in $(seq 50); do [ -s "$SCRATCH/silent.port" ] && break; sleep 0.1; done
sed "s|@tcp(127.0.0.1:[0-9]*)|@tcp(127.0.0.1:$(cat "$SCRATCH/silent.port"))|" mysql.yaml >silent.yaml
"$MM_RUN" -q --config silent.yaml plan >/dev/null 2>&1 &
runner=$!
sleep 2
# The command lines of mm-run and every process under it.
tree() {
  local child
  echo "$1"
  for child in $(pgrep -P "$1" || true); do tree "$child"; done
}
cmdlines=$(for p in $(tree "$runner"); do tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline" && echo || true; done)
grep -q 'mm-meta.* --mysql - ' <<<"$cmdlines" && pass "mm-meta was running with --mysql -" ||
  fail "mm-meta was not running with --mysql -: $cmdlines"
case "$cmdlines" in *"$password"*) fail "the MySQL password shows in a command line" ;; *) pass "the MySQL password is in no command line" ;; esac
kill "$silent" 2>/dev/null || true
wait "$runner" 2>/dev/null || true
finish
