# Shared helpers for the integration tests. Source it; it sets MM_BIN, MM_SRC, PY and a scratch dir.
set -euo pipefail
MM_SRC=${MM_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
MM_BIN=${MM_BIN:-$MM_SRC/build}
PY=/usr/bin/python3  # Debian's python3 with python3-numpy
PATH="$MM_BIN:$PATH"
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/mm-test.XXXXXX")
cleanup_hooks=()
on_exit() {
  local hook
  for hook in "${cleanup_hooks[@]}"; do eval "$hook" || true; done
  rm -rf "$SCRATCH"
}
trap on_exit EXIT

failures=0
pass() { echo "ok: $*"; }
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
finish() {
  if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed" >&2
    exit 1
  fi
  echo "all checks passed"
}

# server_up NAME CMD...: starts a test server (scripts/test-*.sh start ...); when it cannot, one
# FAIL line with the script's last words, and the test ends: none of its checks could run.
server_up() {
  local name=$1 log=$SCRATCH/start.$RANDOM
  shift
  "$@" 2>"$log" || { echo "FAIL: $name did not start: $(tail -n 3 "$log" | tr '\n' ' ')" >&2; exit 1; }
}

# expect_error NAME PATTERN CMD...: CMD must exit non-zero with exactly one stderr line matching
# PATTERN (and none with "terminate" or a backtrace).
expect_error() {
  local name=$1 pattern=$2
  shift 2
  local err=$SCRATCH/stderr.$RANDOM rc=0
  "$@" >/dev/null 2>"$err" || rc=$?
  local errors
  errors=$(grep -c "^[a-z0-9-]*: error: " "$err" || true)
  if [ "$rc" -eq 0 ]; then
    fail "$name: exit status 0"
  elif [ "$rc" -gt 3 ]; then
    fail "$name: exit status $rc (a crash?): $(cat "$err")"
  elif [ "$errors" -ne 1 ]; then
    fail "$name: expected one error line, got: $(cat "$err")"
  elif ! grep -q -- "$pattern" "$err"; then
    fail "$name: error does not match '$pattern': $(cat "$err")"
  else
    pass "$name (exit $rc: $(grep "^[a-z0-9-]*: error: " "$err"))"
  fi
}

# pipeline META_ARGS... -- SCAN_ARGS... -- NPY_ARGS...: runs mm-meta | mm-scan | mm-npy.
pipeline() {
  local meta=() scan=() npy=()
  while [ "$1" != "--" ]; do meta+=("$1"); shift; done
  shift
  while [ "$1" != "--" ]; do scan+=("$1"); shift; done
  shift
  npy=("$@")
  mm-meta -q "${meta[@]}" | mm-scan -q "${scan[@]}" | mm-npy -q "${npy[@]}"
}

# local_migration_yaml FIXTURE OUTPUT_DIR ENDPOINT [LIMIT]: the sections of a migration.yaml for a
# gen1x.py installation read from meta.sqlite and converted to a local OUTPUT_DIR for the Milvus at
# ENDPOINT (host:port), LIMIT workers each side; callers append their milvusmm: section.
local_migration_yaml() {
  cat <<YAML
dumper:
  worker:
    workMode: milvus1x
    limit: ${4:-2}
loader:
  worker:
    limit: ${4:-2}
meta:
  mode: sqlite
  sqliteFile: $1/db/meta.sqlite
source:
  mode: local
  local:
    tablesDir: $1/db/tables
target:
  mode: local
  local:
    outputDir: $2
  milvus2x:
    endpoint: $3
YAML
}

# meta_copy DB NAME: a private copy of the meta.sqlite DB (with its -wal and -shm) in
# $SCRATCH/NAME; prints its path.
meta_copy() {
  mkdir -p "$SCRATCH/$2"
  local suffix
  for suffix in "" -wal -shm; do [ -e "$1$suffix" ] && cp "$1$suffix" "$SCRATCH/$2/"; done
  echo "$SCRATCH/$2/meta.sqlite"
}
# sql DB SCRIPT: runs SQL on DB (Python's sqlite3; the -wal is checkpointed on close).
sql() { $PY -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit(); c.close()' "$1" "$2"; }
