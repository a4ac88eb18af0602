#!/usr/bin/env bash
# Bad input gets one clear error line naming the file and a non-zero exit, and never leaves a
# half-written group that looks complete.
source "$(dirname "$0")/lib.sh"
fx=$SCRATCH/fx
$PY "$MM_SRC/tests/fixtures/gen1x.py" --out "$fx" --seed 3 >/dev/null
db=$fx/db/meta.sqlite
tables=$fx/db/tables

# One live segment of films_l2 with deletes, and its files.
mm-meta -q --sqlite "$db" --collections films_l2 | mm-scan -q --tables "$tables" >"$SCRATCH/scan.jsonl"
seg_line=$(grep '"kind":"segment"' "$SCRATCH/scan.jsonl" | grep -v '"deleted":0' | head -n 1)
seg=$(sed 's/.*"segment_id":"\([0-9]*\)".*/\1/' <<<"$seg_line")
dir=$(sed 's/.*"dir":"\([^"]*\)".*/\1/' <<<"$seg_line")
rv=$dir/$seg.rv uid=$dir/$seg.uid
backup=$SCRATCH/backup
cp -a "$dir" "$backup"
restore() { rm -rf "$dir" && cp -a "$backup" "$dir"; }
scan() { mm-meta -q --sqlite "$db" --collections films_l2 | mm-scan --tables "$tables"; }
header() { $PY -c 'import struct,sys; print(struct.unpack("<Q", open(sys.argv[1],"rb").read(8))[0])' "$1"; }
set_header() { $PY -c 'import struct,sys; f=open(sys.argv[1],"r+b"); f.write(struct.pack("<Q", int(sys.argv[2])))' "$1" "$2"; }

size=$(stat -c %s "$rv")
truncate -s $((size - 7)) "$rv"
expect_error "truncated .rv" "$rv: truncated: header declares" scan
restore

set_header "$rv" $(($(header "$rv") + 4096))
expect_error "header larger than the file" "$rv: truncated: header declares" scan
restore

# Drop the last row from .uid only: the files disagree on the row count.
set_header "$uid" $(($(header "$uid") - 8))
truncate -s -8 "$uid"
expect_error ".rv/.uid row mismatch" "$uid: holds .* ids but $rv holds" scan
restore

# 64 float rows of dim 16 plus 4 bytes: not a whole number of rows.
set_header "$rv" $(($(header "$rv") + 4))
truncate -s +4 "$rv"
expect_error "payload not divisible by the row size" "$rv: payload of .* is not a whole number of 64-byte rows" scan
restore

rm "$dir/deleted_docs"
expect_error "missing deleted_docs" "$dir/deleted_docs: missing" scan
restore

rm -r "$dir"
expect_error "missing segment directory" "segment $seg of films_l2: directory not found" scan
restore

# --keep-going records the bad segment and goes on, and still exits non-zero.
rm "$dir/deleted_docs"
rc=0
mm-meta -q --sqlite "$db" --collections films_l2 | mm-scan -q --keep-going --tables "$tables" >"$SCRATCH/kg.jsonl" || rc=$?
[ "$rc" = 3 ] && grep -q '"kind":"error".*deleted_docs: missing' "$SCRATCH/kg.jsonl" &&
  [ "$(grep -c '"kind":"segment"' "$SCRATCH/kg.jsonl")" -gt 3 ] && pass "--keep-going: error record, other segments kept, exit 3" ||
  fail "--keep-going (exit $rc)"
restore

# A segment that changes between mm-scan and mm-npy: mm-npy fails and leaves no group behind.
truncate -s -64 "$rv"
expect_error "segment changed after scan" "$rv: .*header declares" mm-npy --out "$SCRATCH/out" -j 1 "$SCRATCH/scan.jsonl"
leftover=$( (find "$SCRATCH/out" -name ".tmp-*"; grep -rl "\"$seg\"" "$SCRATCH/out" --include pieces.json || true) | head -n 1)
[ -z "$leftover" ] && pass "no group directory left for the failed segment" || fail "left behind: $leftover"
restore

# Metadata problems.
printf 'this is not sqlite at all, just text\n' >"$SCRATCH/corrupt.sqlite"
expect_error "corrupt sqlite" "$SCRATCH/corrupt.sqlite: not an SQLite database" mm-meta --sqlite "$SCRATCH/corrupt.sqlite"
head -c 8192 "$db" >"$SCRATCH/cut.sqlite"
expect_error "truncated sqlite" "$SCRATCH/cut.sqlite: " mm-meta --sqlite "$SCRATCH/cut.sqlite"
$PY -c 'import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute("create table x(a)")' "$SCRATCH/other.sqlite"
expect_error "sqlite without Milvus tables" "not a Milvus 1.x meta.sqlite" mm-meta --sqlite "$SCRATCH/other.sqlite"
expect_error "missing sqlite" "$SCRATCH/none.sqlite: cannot open" mm-meta --sqlite "$SCRATCH/none.sqlite"
expect_error "unknown collection" 'unknown collection "nope"; collections present: ' mm-meta --sqlite "$db" --collections films_l2,nope
expect_error "dropped collection" 'unknown collection "gone_coll" (it was dropped in 1.x)' mm-meta --sqlite "$db" --collections gone_coll
echo '{"collections": [{"collection": "x"}]}' >"$SCRATCH/bad-meta.json"
expect_error "meta.json without dim" "$SCRATCH/bad-meta.json: collection x: missing \"dim\"" mm-meta --meta-json "$SCRATCH/bad-meta.json"
echo '{"kind":"segment"' >"$SCRATCH/bad.jsonl"
expect_error "broken manifest line" "$SCRATCH/bad.jsonl:1: not a JSON object" mm-scan --tables "$tables" "$SCRATCH/bad.jsonl"
expect_error "unscanned segment into mm-npy" "has not been scanned" sh -c "mm-meta -q --sqlite '$db' | mm-npy --out '$SCRATCH/o2'"
expect_error "group size over 16G" "at most 16G" mm-npy --out "$SCRATCH/o3" --group-size 17G "$SCRATCH/scan.jsonl"
expect_error "two meta sources" "exactly one of" mm-meta --sqlite "$db" --meta-json x
finish
