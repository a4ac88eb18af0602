#!/usr/bin/env bash
# make demo: generates a sample Milvus 1.x installation (float and binary collections, partitions,
# deletes, a -wal) and converts it into NumPy import groups, then checks every row with NumPy.
# For now the migration ends at the NumPy groups; upload and import into Milvus 2.x come next.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
bin=${MM_BIN:-$src/build}
out=${DEMO_DIR:-$src/demo-out}
rm -rf "$out"
mkdir -p "$out"

echo "== generating a sample Milvus 1.x installation in $out/milvus1x"
/usr/bin/python3 "$src/tests/fixtures/gen1x.py" --out "$out/milvus1x" >/dev/null
echo "== mm-meta | mm-scan | mm-npy -> $out/npy"
"$bin/mm-meta" --sqlite "$out/milvus1x/db/meta.sqlite" |
  "$bin/mm-scan" --tables "$out/milvus1x/db/tables" |
  "$bin/mm-npy" --out "$out/npy" >"$out/groups.jsonl"
echo "== result (manifest: $out/groups.jsonl)"
/usr/bin/python3 - "$out/groups.jsonl" <<'PY'
import json, sys
groups = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["kind"] == "group":
        g = groups.setdefault((r["collection"], r["partition"], r["tag"]), [0, 0])
        g[0] += r["rows"]; g[1] += 1
print(f"{'collection':<12} {'2.x partition':<22} {'1.x tag':<10} {'rows':>6} {'groups':>6}")
for (c, p, t), (rows, n) in sorted(groups.items()):
    print(f"{c:<12} {p:<22} {t!r:<10} {rows:>6} {n:>6}")
print(f"{'total':<46} {sum(g[0] for g in groups.values()):>6} {sum(g[1] for g in groups.values()):>6}")
PY
echo "== checking every id and vector against the generator's truth with NumPy"
/usr/bin/python3 "$src/tests/integration/check_groups.py" "$out/groups.jsonl" "$out/milvus1x"
