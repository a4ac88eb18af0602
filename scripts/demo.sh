#!/usr/bin/env bash
# make demo: a whole migration on a bundled default. Generates a sample Milvus 1.x installation
# (float and binary collections, partitions with awkward tags, deletes, rows only in the -wal),
# starts a real Milvus 2.3 standalone with local storage from the test servers' virtual environment,
# runs `mm-run run` with examples/migration.yaml (its endpoint pointed at that server), prints the
# report, and checks every row independently with pymilvus. The server is stopped at the end.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
cd "$src"  # the example's paths are relative to the repository root
export MM_BIN=${MM_BIN:-$src/build}
out=demo-out
tools=${MM_TOOLS_DIR:-$HOME/.cache/milvus-mm}
rm -rf "$out"
mkdir -p "$out"

echo "== generating a sample Milvus 1.x installation in $out/milvus1x"
/usr/bin/python3 tests/fixtures/gen1x.py --out "$out/milvus1x" >/dev/null

echo "== starting Milvus 2.3 standalone (local storage) in $out/milvus"
scripts/test-milvus.sh start "$out/milvus" local
trap 'scripts/test-milvus.sh stop "$out/milvus" >/dev/null 2>&1 || true' EXIT
port=$(cat "$out/milvus/port")
sed "s|endpoint: localhost:19530|endpoint: 127.0.0.1:$port|" examples/migration.yaml >"$out/migration.yaml"

echo "== scripts/mm-run --config $out/migration.yaml run"
scripts/mm-run --config "$out/migration.yaml" run

echo "== independent check with pymilvus: counts per partition, every id read back bit-exact"
"$tools/venv/bin/python" tests/integration/check_milvus.py --uri "http://127.0.0.1:$port" \
  "$out/mm-work/scanned.jsonl" "$out/milvus1x"
