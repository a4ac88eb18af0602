#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR disable=SC2015 # pass and fail return 0: A && pass || fail is if-else
# Unflushed 1.x WAL (issue 11): inserts and deletes still only in wal/N.wal would be lost, and the
# deleted rows come back, if the segment files were migrated as they are. mm-meta --wal stops with
# exit status 3 and one line naming each collection and tag with its record counts; records of
# dropped collections never raise the alarm; --ignore-unflushed goes on with "unflushed" records;
# an unreadable WAL is an error. Before: mm-meta had no --wal and migrated such installations silently.
source "$(dirname "$0")/lib.sh"
fx=$SCRATCH/fx
$PY "$MM_SRC/tests/fixtures/gen1x.py" --out "$fx" --seed 5 >/dev/null
db=$fx/db/meta.sqlite
wal() { $PY "$MM_SRC/tests/fixtures/gen1x_wal.py" --install "$fx" "$@"; }

# 1. Everything flushed, plus records of a collection dropped since: no alarm.
wal >/dev/null
mm-meta --sqlite "$db" --wal "$fx/wal" >"$SCRATCH/flushed.jsonl" 2>"$SCRATCH/flushed.err" &&
  grep -q "none unflushed" "$SCRATCH/flushed.err" && ! grep -q '"kind":"unflushed"' "$SCRATCH/flushed.jsonl" &&
  pass "a flushed WAL with dropped-collection records passes: $(grep WAL "$SCRATCH/flushed.err")" ||
  fail "a flushed WAL: $(cat "$SCRATCH/flushed.err")"

# 2. Unflushed inserts and deletes of a partition and of a default partition: exit 3, one line, exact counts.
wal --unflushed "films_l2/my part" --unflushed docs_ip >"$SCRATCH/truth.jsonl"
expect_error "unflushed records stop the run" \
  "WAL $fx/wal holds changes not in the segment files: collection docs_ip: 2 insert records (7 rows), 1 delete record (2 ids) past flush_lsn [0-9]*; collection films_l2, partition tag \"my part\": 2 insert records (7 rows), 1 delete record (2 ids) past flush_lsn [0-9]*; start Milvus 1.x, let it flush" \
  mm-meta --sqlite "$db" --wal "$fx/wal"
mm-meta -q --sqlite "$db" --wal "$fx/wal" >/dev/null 2>&1 && fail "unflushed: exit status 0" ||
  { rc=$?; [ "$rc" -eq 3 ] && pass "unflushed: exit status 3" || fail "unflushed: exit status $rc, not 3"; }

# 3. --ignore-unflushed: a warning and one "unflushed" record per (collection, tag), the counts exact.
mm-meta --sqlite "$db" --wal "$fx/wal" --ignore-unflushed >"$SCRATCH/ignored.jsonl" 2>"$SCRATCH/ignored.err" || fail "--ignore-unflushed: exit $?"
grep -q "warning: WAL .*--ignore-unflushed" "$SCRATCH/ignored.err" && pass "--ignore-unflushed warns" || fail "no warning: $(cat "$SCRATCH/ignored.err")"
$PY - "$SCRATCH/ignored.jsonl" "$SCRATCH/truth.jsonl" <<'PY' && pass "unflushed records match what the WAL holds" || fail "unflushed records differ"
import json, sys
got = sorted((r["collection"], r["tag"], r["insert_records"], r["insert_rows"], r["delete_records"], r["delete_ids"], r["flush_lsn"])
             for r in map(json.loads, open(sys.argv[1])) if r["kind"] == "unflushed")
want = sorted((r["collection"], r["tag"], r["insert_records"], r["insert_rows"], r["delete_records"], r["delete_ids"], r["flush_lsn"])
              for r in map(json.loads, open(sys.argv[2])))
print(got, want)
sys.exit(0 if got == want and len(got) == 2 else 1)
PY

# 4. Collections not selected do not stop the run.
mm-meta -q --sqlite "$db" --wal "$fx/wal" --collections bits_ham >/dev/null && pass "--collections: unflushed records of others do not count" ||
  fail "--collections bits_ham stopped on others' records"

# 5. meta.json carries no flush_lsn: every record of a live collection counts, and the message says why.
mm-meta -q --sqlite "$db" --export-json "$SCRATCH/meta.json" >/dev/null
wal >/dev/null
expect_error "meta.json: records of live collections cannot be told flushed" "meta.json carries no flush_lsn" \
  mm-meta --meta-json "$SCRATCH/meta.json" --wal "$fx/wal"

# 6. A WAL cut inside a record header cannot be read: an error naming the file and offset, not a pass.
wal --torn >/dev/null
expect_error "a WAL cut short" "$fx/wal/1.wal at offset [0-9]*: the file ends inside a WAL record header" mm-meta --sqlite "$db" --wal "$fx/wal"
printf 'not a wal file at all, just text\n' >"$fx/wal/1.wal"
expect_error "a file that is not a WAL" "$fx/wal/1.wal at offset 0: not a Milvus 1.x WAL record" mm-meta --sqlite "$db" --wal "$fx/wal"
expect_error "a missing WAL directory" "$SCRATCH/none: cannot open the WAL directory" mm-meta --sqlite "$db" --wal "$SCRATCH/none"
expect_error "--ignore-unflushed without --wal" "--ignore-unflushed goes with --wal" mm-meta --sqlite "$db" --ignore-unflushed

# 7. The real 0.9.1 installation: its WAL holds records of a collection dropped since, nothing unflushed.
real=$MM_SRC/../shared/fixtures/milvus091-cibr
if [ -d "$real" ]; then
  mm-meta --sqlite "$real/db/meta.sqlite" --wal "$real/wal" 2>"$SCRATCH/real.err" >/dev/null &&
    grep -q "11 records in 1 file, none unflushed (7 of" "$SCRATCH/real.err" && pass "milvus091-cibr: $(grep WAL "$SCRATCH/real.err")" ||
    fail "milvus091-cibr: $(cat "$SCRATCH/real.err")"
else
  fail "the real fixture $real is missing"
fi
finish
