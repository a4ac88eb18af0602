# Helpers for tests against a real Milvus 2.x standalone (the PyPI package "milvus", installed by
# scripts/install-test-servers.sh). Source after lib.sh.
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

# check_milvus PORT MANIFEST FIXTURE: the independent pymilvus check of a migrated fixture.
check_milvus() {
  "$VENV_PY" "$MM_SRC/tests/integration/check_milvus.py" --uri "http://127.0.0.1:$1" "$2" "$3"
}
