# Helpers for tests against a real Milvus 2.x standalone (the PyPI package "milvus", installed by
# scripts/install-test-servers.sh). Source after lib.sh.
# MM_TEST_MILVUS_VERSION (2.3 by default, or 2.2) picks the server scripts/test-milvus.sh starts;
# CMakeLists.txt runs the local-storage tests a second time with 2.2 (ctest names *_v22).
TOOLS_DIR=${MM_TOOLS_DIR:-$HOME/.cache/milvus-mm}
VENV_PY=$TOOLS_DIR/venv/bin/python
"$MM_SRC/scripts/install-test-servers.sh" >/dev/null

# start_milvus DIR [args for scripts/test-milvus.sh start]: starts a server, stopped on exit.
start_milvus() {
  local dir=$1
  shift
  "$MM_SRC/scripts/test-milvus.sh" start "$dir" "$@" >/dev/null
  cleanup_hooks+=("'$MM_SRC/scripts/test-milvus.sh' stop '$dir' >/dev/null 2>&1")
}

# check_milvus PORT MANIFEST FIXTURE [OPTION...]: the independent pymilvus check of a migrated
# fixture (options: check_milvus.py's, e.g. --count query).
check_milvus() {
  "$VENV_PY" "$MM_SRC/tests/integration/check_milvus.py" --uri "http://127.0.0.1:$1" "${@:4}" "$2" "$3"
}

# check_no_early_resubmit JOURNAL: in the whole journal, a group is submitted again only after the
# server declared its task failed (never while that task could still complete).
check_no_early_resubmit() {
  "$PY" - "$1" <<'PY'
import json, sys
live = {}  # group -> its task that may still complete
for e in map(json.loads, filter(str.strip, open(sys.argv[1]))):
    if e["event"] == "submitting":
        assert live.get(e["group"]) is None, f"{e['group']} submitted while task {live[e['group']]} could complete"
    elif e["event"] == "submitted":
        live[e["group"]] = e["task"]
    elif e["event"] == "failed" and live.get(e["group"]) == e["task"]:
        live[e["group"]] = None
PY
}

# start_minio_and_milvus: upload_lib.sh's start_minio, and a Milvus that stores into that MinIO
# in $SCRATCH/milvus, stopped on exit. Sets port (Milvus's). Needs upload_lib.sh.
start_minio_and_milvus() {
  start_minio >/dev/null
  start_milvus "$SCRATCH/milvus" minio "$minio"
  port=$(cat "$SCRATCH/milvus/port")
}

# minio_migration_yaml FIXTURE OUTPUTDIR DUMPERS LOADERS: a milvus-migration style migration.yaml
# on stdout, from FIXTURE's meta.sqlite and tables into that MinIO (keys in the file) and Milvus.
# The caller appends its own milvusmm: section.
minio_migration_yaml() {
  cat <<YAML
dumper:
  worker:
    workMode: milvus1x
    limit: $3
loader:
  worker:
    limit: $4
meta:
  mode: sqlite
  sqliteFile: $1/db/meta.sqlite
source:
  mode: local
  local:
    tablesDir: $1/db/tables
target:
  mode: remote
  remote:
    outputDir: $2
    cloud: aws
    endpoint: 127.0.0.1:$(cat "$minio/port")
    region: us-east-1
    bucket: $(cat "$minio/bucket")
    ak: $(cat "$minio/access_key")
    sk: $(cat "$minio/secret_key")
    useIAM: false
    useSSL: false
    checkBucket: true
  milvus2x:
    endpoint: 127.0.0.1:$port
YAML
}
