#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR disable=SC2015 # pass and fail return 0: A && pass || fail is if-else
# The shapes real 1.x installations come in (issue 11; research note milvus1x-real-installations.md),
# each with the exact rows or the exact error:
#   1. 0.9.x secondary roots: a segment's raw files in a secondary root, an index-only directory of
#      the same name in the primary one (mm-scan, and mm-run with milvusmm.secondaryTablesDirs);
#   2. milvus-migration's meta.json of an installation with partitions (each partition flattened
#      into a "collection" named by its numeric table id);
#   3. an INDEX row without its raw row; raw rows older than their table; negative and REAL
#      row_count values; a 0.11 snapshot meta.
# Before: the first root holding the directory won (the index-only one: ".rv missing"); a flattened
# meta.json failed on its first numeric name even when --collections left it out, with a message
# about 2.x names; an INDEX-only segment vanished silently; a REAL row_count stopped mm-meta; a
# 0.11 meta was "not a Milvus 1.x meta.sqlite: no such table: Tables".
source "$(dirname "$0")/lib.sh"
fx=$SCRATCH/fx
$PY "$MM_SRC/tests/fixtures/gen1x.py" --out "$fx" --seed 5 >/dev/null
db=$fx/db/meta.sqlite
fresh() { meta_copy "$db" "$1"; }  # a private copy of the fixture's meta; prints its path
check() { $PY "$MM_SRC/tests/integration/check_groups.py" "$@" >/dev/null; }

# --- 1. Secondary roots.
mapfile -t secondary < <($PY "$MM_SRC/tests/fixtures/gen1x_roots.py" --install "$fx" --roots 3)
roots=(--tables "$fx/db/tables")
for dir in "${secondary[@]}"; do roots+=(--tables "$dir"); done
index_only=$(find "$fx/db/tables" -mindepth 2 -maxdepth 2 -type d -exec sh -c 'ls "$1" | grep -q "\.rv$" || echo "$1"' _ {} \; | wc -l)
[ "$index_only" -gt 0 ] && pass "$index_only index-only segment directories in the primary root" || fail "no index-only directory generated"
pipeline --sqlite "$db" -- "${roots[@]}" -- --out "$SCRATCH/roots" --group-size 8K >"$SCRATCH/roots.jsonl" &&
  check "$SCRATCH/roots.jsonl" "$fx" && pass "three roots: every live row exactly once (check_groups)" || fail "three roots"
expect_error "the primary root alone" "\.rv: missing" pipeline --sqlite "$db" -- --tables "$fx/db/tables" -- --out "$SCRATCH/x"
seg=$(find "${secondary[0]}" -name '*.rv' | head -n 1)
rel=${seg#"${secondary[0]}"/}
mkdir -p "$fx/db/tables/$(dirname "$rel")"
cp "$seg" "$fx/db/tables/$rel"
expect_error "a .rv in two roots" "a .rv in .* and in .*: which one holds its rows cannot be told" \
  pipeline --sqlite "$db" -- "${roots[@]}" -- --out "$SCRATCH/x"
rm "$fx/db/tables/$rel"
# mm-run: source.local.tablesDir keeps its meaning, the others come from milvusmm.secondaryTablesDirs.
expected=$($PY -c 'import json,sys; i=json.load(open(sys.argv[1])); print(sum(p["rows"] for c in i["collections"].values() for p in c["partitions"].values()))' "$fx/expected/index.json")
{
  local_migration_yaml "$fx" import 127.0.0.1:1
  printf 'milvusmm:\n  workDir: %s\n  secondaryTablesDirs: [%s, %s]\n' "$SCRATCH/work" "${secondary[0]}" "${secondary[1]}"
} >"$SCRATCH/roots.yaml"
live=$("$MM_SRC/scripts/mm-run" -q --config "$SCRATCH/roots.yaml" plan | awk '$1 == "total" { print $3 }' || true)
[ "$live" = "$expected" ] && pass "mm-run plan with secondaryTablesDirs: $live live rows, as generated" || fail "mm-run plan: '$live', expected $expected"

# --- 2. milvus-migration's meta.json of an installation with partitions.
mm-meta -q --sqlite "$db" --export-json "$SCRATCH/ours.json" >/dev/null
$PY - "$SCRATCH/ours.json" "$SCRATCH/flat.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
flat = []
for c in m["collections"]:
    for p in c.pop("partitions", []):
        segments = [dict(s, collection=p["tableId"]) for s in p["segments"]]
        for s in segments:
            s.pop("tableId", None)
        flat.append({k: v for k, v in c.items() if k != "segments"} | {"collection": p["tableId"], "segments": segments})
    flat.append(c)
m["collections"] = flat
json.dump(m, open(sys.argv[2], "w"))
PY
partitions=$($PY -c 'import json,sys; print(sum(c["collection"].isdigit() for c in json.load(open(sys.argv[1]))["collections"]))' "$SCRATCH/flat.json")
expect_error "flattened partitions" "flat.json: $partitions collections named by a numeric table id ([0-9, ]*) are partitions flattened by milvus-migration's export.*--sqlite or --mysql" \
  mm-meta --meta-json "$SCRATCH/flat.json"
mm-meta -q --meta-json "$SCRATCH/flat.json" --collections bits_jac,empty_coll >"$SCRATCH/flat-some.jsonl" &&
  [ "$(grep -c '"kind":"collection"' "$SCRATCH/flat-some.jsonl")" = 2 ] &&
  pass "--collections leaves the flattened partitions out before any check" || fail "--collections with flattened partitions"

# --- 3. Smaller cases.
# An INDEX row whose segment lost its raw row: an error naming the row, not a silent skip.
d=$(fresh index-only)
read -r table segment < <($PY -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
print(*c.execute("SELECT table_id, segment_id FROM TableFiles WHERE file_type = 3 ORDER BY id LIMIT 1").fetchone())' "$d")
sql "$d" "UPDATE TableFiles SET file_type = 4 WHERE segment_id = '$segment' AND file_type IN (1, 2, 7)"
expect_error "an INDEX row without its raw row" "TableFiles row id=[0-9]* .*(of table $table): segment $segment has an INDEX file but no raw row" mm-meta --sqlite "$d"
# Raw rows older than their table: migrated, with a warning.
d=$(fresh old-rows)
sql "$d" "UPDATE TableFiles SET created_on = 1 WHERE table_id = 'bits_jac' AND file_type IN (1, 2, 7)"
mm-meta --sqlite "$d" >"$SCRATCH/old.jsonl" 2>"$SCRATCH/old.err" && grep -q "warning: .*segment [0-9]* is older than its table" "$SCRATCH/old.err" &&
  [ "$(grep -c '"collection":"bits_jac".*"kind":"segment"\|"kind":"segment","collection":"bits_jac"' "$SCRATCH/old.jsonl")" -gt 0 ] &&
  pass "raw rows older than their table: a warning, still migrated" || fail "old raw rows: $(cat "$SCRATCH/old.err")"
# Negative and REAL row_count: hints only, the files are counted.
d=$(fresh row-counts)
sql "$d" "UPDATE TableFiles SET row_count = -5 WHERE table_id = 'films_l2' AND file_type = 1;
          UPDATE TableFiles SET row_count = 1.8446744073709552e19 WHERE table_id = 'docs_ip' AND file_type = 1"
mm-meta --sqlite "$d" 2>"$SCRATCH/counts.err" | mm-scan -q "${roots[@]}" | mm-npy -q --out "$SCRATCH/counts" >"$SCRATCH/counts.jsonl" &&
  check "$SCRATCH/counts.jsonl" "$fx" && grep -q "row_count is not a row count" "$SCRATCH/counts.err" &&
  pass "negative and REAL row_count: a warning, the rows exact" || fail "row_count: $(cat "$SCRATCH/counts.err")"
# A 0.11 snapshot meta is named as such.
$PY -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for t in ("Collection", "CollectionCommit", "Partition", "Segment", "SegmentCommit", "SegmentFile"):
    c.execute("CREATE TABLE %s (id INTEGER PRIMARY KEY)" % t)
c.commit()' "$SCRATCH/snapshot.sqlite"
expect_error "a 0.11 snapshot meta" "snapshot.sqlite: a Milvus 0.11 snapshot meta" mm-meta --sqlite "$SCRATCH/snapshot.sqlite"
finish
