#!/usr/bin/env bash
# A generated 1.x installation with every edge case (see tests/fixtures/gen1x.py) converts exactly:
# every live row once, deleted and dropped rows never, rows only in meta.sqlite-wal included.
source "$(dirname "$0")/lib.sh"
fx=$SCRATCH/fx
$PY "$MM_SRC/tests/fixtures/gen1x.py" --out "$fx" --seed 7 >/dev/null
db=$fx/db/meta.sqlite
[ -s "$db-wal" ] || fail "fixture has no -wal file"
sums_before=$(sha256sum "$db" "$db-wal" "$db-shm")
check() { $PY "$MM_SRC/tests/integration/check_groups.py" "$@"; }

# Small groups and two workers: segments split across groups and written in parallel.
pipeline --sqlite "$db" -- --tables "$fx/db/tables" -- --out "$SCRATCH/small" --group-size 4K -j 2 >"$SCRATCH/small.jsonl"
check "$SCRATCH/small.jsonl" "$fx" && pass "4 KiB groups, -j 2: exact content" || fail "4 KiB groups content"
[ "$(grep -c '"kind":"group"' "$SCRATCH/small.jsonl")" -gt 20 ] && pass "segments were split into many groups" || fail "expected many groups"

# Default groups cut into 1 KiB chunks written by two workers at their own offsets: the same rows.
pipeline --sqlite "$db" -- --tables "$fx/db/tables" -- --out "$SCRATCH/chunks" --chunk-size 1K -j 2 >"$SCRATCH/chunks.jsonl"
check "$SCRATCH/chunks.jsonl" "$fx" && pass "1 KiB chunks, -j 2: exact content" || fail "1 KiB chunks content"

# Default groups, one worker: the same rows.
pipeline --sqlite "$db" -- --tables "$fx/db/tables" -- --out "$SCRATCH/big" -j 1 >"$SCRATCH/big.jsonl"
check "$SCRATCH/big.jsonl" "$fx" && pass "default groups, -j 1: exact content" || fail "default groups content"

[ "$sums_before" = "$(sha256sum "$db" "$db-wal" "$db-shm")" ] && pass "user's meta.sqlite, -wal and -shm unchanged" || fail "meta files were modified"
grep -q '"collection":"wal_coll"' "$SCRATCH/big.jsonl" && pass "collection only in the -wal is seen" || fail "wal_coll missing"
! grep -q 'gone_coll\|ghost_coll' "$SCRATCH/big.jsonl" && pass "dropped and orphan tables skipped" || fail "dropped tables emitted"

# Partition records carry the 1.x tag and a valid, distinct 2.x name.
$PY - "$SCRATCH/big.jsonl" <<'PY' && pass "partition names valid and distinct" || fail "partition names"
import json, re, sys
parts = [json.loads(l) for l in open(sys.argv[1]) if '"kind":"partition"' in l]
assert len(parts) >= 7, parts
names = {(p["collection"], p["partition"]) for p in parts}
assert len(names) == len(parts)
for p in parts:
    assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,254}", p["partition"]), p
    assert (p["partition"] == p["tag"]) == bool(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", p["tag"])), p
PY

# A rerun reuses every complete group and writes nothing new.
pipeline --sqlite "$db" -- --tables "$fx/db/tables" -- --out "$SCRATCH/small" --group-size 4K -j 2 >"$SCRATCH/rerun.jsonl"
total=$(grep -c '"kind":"group"' "$SCRATCH/rerun.jsonl")
reused=$(grep -c '"reused":true' "$SCRATCH/rerun.jsonl")
[ "$total" = "$reused" ] && pass "rerun reused all $total groups" || fail "rerun reused $reused of $total groups"
check "$SCRATCH/rerun.jsonl" "$fx" && pass "rerun content exact" || fail "rerun content"

# A group directory damaged after the fact is rewritten, not trusted.
victim=$(find "$SCRATCH/small" -name data.npy | head -n 1)
truncate -s -4 "$victim"
pipeline --sqlite "$db" -- --tables "$fx/db/tables" -- --out "$SCRATCH/small" --group-size 4K -j 2 >"$SCRATCH/repair.jsonl"
[ "$(grep -c '"reused":false' "$SCRATCH/repair.jsonl")" = 1 ] && check "$SCRATCH/repair.jsonl" "$fx" &&
  pass "damaged group rewritten" || fail "damaged group not repaired"

# --collections selects; meta.json export and re-read give the same conversion.
mm-meta -q --sqlite "$db" --collections bits_ham,films_l2 | grep -o '"kind":"collection","collection":"[a-z_0-9]*"' | sort >"$SCRATCH/sel"
[ "$(wc -l <"$SCRATCH/sel")" = 2 ] && grep -q bits_ham "$SCRATCH/sel" && pass "--collections filters" || fail "--collections"
mm-meta -q --sqlite "$db" --export-json "$SCRATCH/meta.json" >/dev/null
pipeline --meta-json "$SCRATCH/meta.json" -- --tables "$fx/db/tables" -- --out "$SCRATCH/json" >"$SCRATCH/json.jsonl"
check "$SCRATCH/json.jsonl" "$fx" && pass "meta.json export converts the same rows" || fail "meta.json path content"
# mm-npy --plan counts what the conversion writes: per partition the same live rows and groups.
mm-meta -q --sqlite "$db" | mm-scan -q --tables "$fx/db/tables" >"$SCRATCH/plan-in.jsonl"
for size in 3000 8K 1G 64K:2K; do
  sizes=(--group-size "${size%%:*}" --first-group-size "${size##*:}")
  mm-npy -q --out "$SCRATCH/plan-$size" "${sizes[@]}" "$SCRATCH/plan-in.jsonl" >"$SCRATCH/plan-$size.jsonl"
  mm-npy -q --plan "${sizes[@]}" "$SCRATCH/plan-in.jsonl" >"$SCRATCH/plan-$size.plan"
  $PY - "$SCRATCH/plan-$size.jsonl" "$SCRATCH/plan-$size.plan" <<'PY' && pass "--plan at $size: the groups and rows written" || fail "--plan at $size differs from the conversion"
import collections, json, sys
written = collections.Counter(); rows = collections.Counter()
for r in map(json.loads, open(sys.argv[1])):
    if r["kind"] == "group":
        written[(r["collection"], r["partition"])] += 1
        rows[(r["collection"], r["partition"])] += r["rows"]
plan = [json.loads(l) for l in open(sys.argv[2])]
ok = all(written[(p["collection"], p["partition"])] == p["groups"] and rows[(p["collection"], p["partition"])] == p["live"] for p in plan)
ok = ok and sum(p["groups"] for p in plan) == sum(written.values()) and len(written) > 3
sys.exit(0 if ok else 1)
PY
done
# Each collection's first group is cut at --first-group-size, the others at --group-size: no group
# is over its limit, and some collection's first group is cut at the first size exactly (-j 1:
# records in plan order).
mm-npy -q -j 1 --out "$SCRATCH/first" --group-size 64K --first-group-size 2K "$SCRATCH/plan-in.jsonl" >"$SCRATCH/first.jsonl"
$PY - "$SCRATCH/first.jsonl" "$SCRATCH/plan-in.jsonl" <<'PY' && pass "each collection's first group is cut at --first-group-size" || fail "first group size"
import collections, json, sys
step = collections.Counter(); cut_at_first = False; ok = True
groups = [r for r in map(json.loads, open(sys.argv[1])) if r["kind"] == "group"]
for g in groups:
    row = (g["dim"] * 4 if g["vector"] == "float" else g["dim"] // 8) + 8
    limit = (2 << 10 if step[g["collection"]] == 0 else 64 << 10) // row
    ok = ok and g["rows"] <= limit
    cut_at_first = cut_at_first or (step[g["collection"]] == 0 and g["rows"] == limit)
    step[g["collection"]] += 1
live = sum(r["live"] for r in map(json.loads, open(sys.argv[2])) if r["kind"] == "segment")
sys.exit(0 if ok and cut_at_first and sum(g["rows"] for g in groups) == live else 1)
PY
finish
