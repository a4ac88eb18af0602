#!/usr/bin/env bash
# The real files Milvus 1.1 wrote (shared/fixtures/milvus1x-test1w) convert to 10000 rows, ids 1..10000, all 1.0.
source "$(dirname "$0")/lib.sh"
fixture=${MM_TEST1W:-$MM_SRC/../shared/fixtures/milvus1x-test1w}
[ -d "$fixture" ] || { echo "test1w fixture not found at $fixture" >&2; exit 1; }

pipeline --meta-json "$fixture/meta.json" -- --tables "$fixture/tables" -- --out "$SCRATCH/out" >"$SCRATCH/groups"
$PY "$MM_SRC/tests/integration/check_groups.py" "$SCRATCH/groups" --test1w && pass "test1w converts exactly" || fail "test1w content"

# A rerun finds the complete group and does not write it again.
before=$(stat -c %Y.%i "$SCRATCH/out/test1w/_default/"*/data.npy)
pipeline --meta-json "$fixture/meta.json" -- --tables "$fixture/tables" -- --out "$SCRATCH/out" >"$SCRATCH/groups2"
after=$(stat -c %Y.%i "$SCRATCH/out/test1w/_default/"*/data.npy)
grep -q '"reused":true' "$SCRATCH/groups2" && [ "$before" = "$after" ] && pass "rerun reuses the complete group" || fail "rerun rewrote the group"

# --export-json writes a meta.json that reads back to the same records.
mm-meta -q --meta-json "$fixture/meta.json" --export-json "$SCRATCH/meta.json" >"$SCRATCH/a"
mm-meta -q --meta-json "$SCRATCH/meta.json" >"$SCRATCH/b"
cmp -s "$SCRATCH/a" "$SCRATCH/b" && pass "meta.json export round-trips" || fail "meta.json export differs"
$PY - "$SCRATCH/meta.json" <<'PY' && pass "exported meta.json has milvus-migration's shape" || fail "exported meta.json shape"
import json, sys
m = json.load(open(sys.argv[1]))
c = m["collections"][0]
assert m["rows"] == 10000 and c["collection"] == "test1w" and c["metric"] == 1 and c["dim"] == 256
s = c["segments"][0]
assert s == {"collection": "test1w", "segment": "1678354366132931000", "dim": 256, "rows": 10000, "fileSize": 10320000}, s
PY
finish
