#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR disable=SC2015 # pass and fail return 0: A && pass || fail is if-else
# Hostile 1.x metadata (issue 14) in meta.sqlite, its -wal, MySQL/MariaDB, meta.json and hand-made
# manifests: each is one error line naming the file (and row, or manifest line) with exit status 3.
# Before: a collection listed twice in meta.json lost its second definition silently; ids such as
# ../../../outside were read from outside --tables; 64-bit dimensions, states and metrics were cut
# to 32 bits (2^32+16 became 16, a float collection turned binary); text read as the integer 0; a
# -wal of random bytes was ignored and older rows came back; invalid UTF-8 went into the manifest;
# a 20 MB name was echoed whole; mm-scan's record errors had no FILE:LINE; a record whose live
# count disagreed with rows - deleted gave a message contradicting itself.
source "$(dirname "$0")/lib.sh"
fx=$SCRATCH/fx
$PY "$MM_SRC/tests/fixtures/gen1x.py" --out "$fx" --seed 3 >/dev/null
db=$fx/db/meta.sqlite
tables=$fx/db/tables
mm-meta -q --sqlite "$db" >"$SCRATCH/meta.jsonl"
mm-meta -q --sqlite "$db" --export-json "$SCRATCH/meta.json" >/dev/null
mm-scan -q --tables "$tables" "$SCRATCH/meta.jsonl" >"$SCRATCH/scan.jsonl"

fresh() { meta_copy "$db" "$1"; }  # a private copy of the fixture's meta; prints its path
# json_edit IN OUT PYTHON: loads meta.json IN as m, runs PYTHON, writes m to OUT (bytes kept as they are).
json_edit() {
  $PY - "$1" "$2" "$3" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
by = {c["collection"]: c for c in m["collections"]}
exec(sys.argv[3])
open(sys.argv[2], "wb").write(json.dumps(m, ensure_ascii=False).encode("utf-8", "surrogateescape"))
PY
}
# short_error NAME MAX CMD...: CMD fails with an error line of at most MAX bytes.
short_error() {
  local name=$1 max=$2 rc=0
  shift 2
  "$@" >/dev/null 2>"$SCRATCH/short.err" || rc=$?
  local size
  size=$(wc -c <"$SCRATCH/short.err")
  [ "$rc" -ne 0 ] && [ "$size" -le "$max" ] && pass "$name: $size bytes of error" || fail "$name: exit $rc, $size bytes of error"
}
# The first RAW segment of films_l2: its TableFiles id and segment_id (read-only: the fixture's -wal stays).
read -r raw seg < <($PY -c 'import sqlite3, sys
c = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
print(*c.execute("SELECT id, segment_id FROM TableFiles WHERE table_id=\x27films_l2\x27 AND file_type=1 ORDER BY id LIMIT 1").fetchone())' "$db")
[ -s "$db-wal" ] || fail "the fixture has no -wal"

# 1. Listed twice: one clear error, with the right cause.
json_edit "$SCRATCH/meta.json" "$SCRATCH/twice-coll.json" 'm["collections"].append(dict(by["films_l2"], dim=8, segments=[], partitions=[]))'
expect_error "meta.json: a collection listed twice" "twice-coll.json: collection films_l2 listed twice" mm-meta --meta-json "$SCRATCH/twice-coll.json"
json_edit "$SCRATCH/meta.json" "$SCRATCH/twice-seg.json" 's = by["films_l2"]["segments"]; s.append(dict(s[0]))'
expect_error "meta.json: a segment listed twice" "twice-seg.json: segment [0-9]* of table films_l2 listed twice (collection films_l2, segments\[0\] and collection films_l2, segments\[[0-9]*\])" \
  mm-meta --meta-json "$SCRATCH/twice-seg.json"
d=$(fresh twice-row)
sql "$d" "INSERT INTO TableFiles(table_id, segment_id, engine_type, file_id, file_type, file_size, row_count, updated_time, created_on, date, flush_lsn)
  SELECT table_id, segment_id, engine_type, file_id, file_type, file_size, row_count, updated_time, created_on, date, flush_lsn FROM TableFiles WHERE id=$raw"
expect_error "meta.sqlite: a segment's row twice" "$d: TableFiles row id=$raw and TableFiles row id=[0-9]* both hold segment $seg of table films_l2 (file_type 1 and 1)" \
  mm-meta --sqlite "$d"

# 2. Ids that leave --tables. A directory outside holds a valid segment, so reading it would "work".
mkdir -p "$SCRATCH/outside"
cp -r "$tables/films_l2/$seg/." "$SCRATCH/outside/"
d=$(fresh trav-seg)
sql "$d" "UPDATE TableFiles SET segment_id='../../../outside', file_id='../../../outside' WHERE id=$raw"
expect_error "meta.sqlite: segment_id ../../../outside" "$d: TableFiles row id=$raw (of table films_l2): segment_id \"../../../outside\" is not a decimal number" \
  mm-meta --sqlite "$d"
d=$(fresh trav-file)
sql "$d" "UPDATE TableFiles SET file_id='../../../outside' WHERE id=$raw"
expect_error "meta.sqlite: file_id ../../../outside" "file_id \"../../../outside\" is not a decimal number" mm-meta --sqlite "$d"
d=$(fresh trav-table)
sql "$d" "UPDATE TableFiles SET table_id='../../../outside' WHERE table_id=(SELECT table_id FROM Tables WHERE partition_tag='my_part');
  UPDATE Tables SET table_id='../../../outside' WHERE partition_tag='my_part'"
expect_error "meta.sqlite: a partition's table_id ../../../outside" "$d: Tables row id=[0-9]* (\"../../../outside\"): table_id \"../../../outside\" is neither a decimal number nor a collection name" \
  mm-meta --sqlite "$d"
json_edit "$SCRATCH/meta.json" "$SCRATCH/trav-seg.json" 'by["films_l2"]["segments"][0]["segment"] = "../../../outside"'
expect_error "meta.json: segment ../../../outside" "trav-seg.json: collection films_l2, segments\[0\] (of table films_l2): segment_id \"../../../outside\" is not a decimal number" \
  mm-meta --meta-json "$SCRATCH/trav-seg.json"
json_edit "$SCRATCH/meta.json" "$SCRATCH/trav-table.json" 'by["films_l2"]["partitions"][0]["tableId"] = "../../../outside"'
expect_error "meta.json: tableId ../../../outside" "trav-table.json: collection films_l2, partition \"[^\"]*\": table_id \"../../../outside\" is neither" \
  mm-meta --meta-json "$SCRATCH/trav-table.json"
line=$(grep -n -m1 "\"segment_id\":\"$seg\"" "$SCRATCH/meta.jsonl" | cut -d: -f1)
sed "${line}s|\"segment_id\":\"$seg\"|\"segment_id\":\"../../../outside\"|" "$SCRATCH/meta.jsonl" >"$SCRATCH/trav-seg.jsonl"
expect_error "mm-scan: segment_id ../../../outside in a manifest" "trav-seg.jsonl:$line: segment record: segment_id \"../../../outside\" is not a decimal number" \
  mm-scan --tables "$tables" "$SCRATCH/trav-seg.jsonl"
sed "${line}s|\"table_id\":\"films_l2\"|\"table_id\":\"../../../outside/..\"|" "$SCRATCH/meta.jsonl" >"$SCRATCH/trav-table.jsonl"
expect_error "mm-scan: table_id ../../../outside/.. in a manifest" "trav-table.jsonl:$line: segment record: table_id \"../../../outside/..\" is neither" \
  mm-scan --tables "$tables" "$SCRATCH/trav-table.jsonl"

# 3. 64-bit integers are range-checked, never cut to 32 bits; other types are refused by name.
check_sqlite() {  # check_sqlite NAME SQL PATTERN
  local d
  d=$(fresh "case$RANDOM")
  sql "$d" "$2"
  expect_error "meta.sqlite: $1" "$d: $3" mm-meta --sqlite "$d"
}
check_sqlite "dimension 2^32+16" "UPDATE Tables SET dimension=4294967312 WHERE table_id='films_l2'" \
  "Tables row id=1 (films_l2): dimension 4294967312 is not a 1.x dimension (1 to 32768)"
check_sqlite "dimension 40000" "UPDATE Tables SET dimension=40000 WHERE table_id='films_l2'" "Tables row id=1 (films_l2): dimension 40000 is not a 1.x dimension (1 to 32768)"
check_sqlite "binary dimension 12" "UPDATE Tables SET dimension=12 WHERE table_id='bits_ham'" "Tables row id=[0-9]* (bits_ham): binary collection bits_ham has dimension 12, which is not a multiple of 8 bits"
check_sqlite "state 2^32" "UPDATE Tables SET state=4294967296 WHERE table_id='gone_coll'" "Tables row id=[0-9]* (gone_coll): state 4294967296 is neither 0 (normal) nor 1 (dropped)"
check_sqlite "metric 2^32+3" "UPDATE Tables SET metric_type=4294967299 WHERE table_id='films_l2'" "Tables row id=1 (films_l2): metric_type 4294967299 is not a 1.x metric type (1 to 7)"
check_sqlite "engine_type 99" "UPDATE Tables SET engine_type=99 WHERE table_id='films_l2'" "Tables row id=1 (films_l2): engine_type 99 is not a 1.x engine type (0 to 12)"
check_sqlite "dimension 'abc'" "UPDATE Tables SET dimension='abc' WHERE table_id='films_l2'" "Tables row id=1 (films_l2): dimension is the text \"abc\", not an integer"
check_sqlite "dimension 16.5" "UPDATE Tables SET dimension=16.5 WHERE table_id='films_l2'" "Tables row id=1 (films_l2): dimension is the real number 16.5, not an integer"
check_sqlite "state a blob" "UPDATE Tables SET state=x'00' WHERE table_id='films_l2'" "Tables row id=1 (films_l2): state is a blob of 1 byte, not an integer"
check_sqlite "row_count a blob" "UPDATE TableFiles SET row_count=x'0102' WHERE id=$raw" "TableFiles row id=$raw: row_count is a blob of 2 bytes, not an integer"
check_sqlite "partition_tag a blob" "UPDATE Tables SET partition_tag=x'616263' WHERE partition_tag='my_part'" "Tables row id=[0-9]* ([0-9]*): partition_tag is a blob of 3 bytes, not text"
json_edit "$SCRATCH/meta.json" "$SCRATCH/dim.json" 'by["films_l2"]["dim"] = 2**32 + 16'
expect_error "meta.json: dim 2^32+16" "dim.json: collection films_l2: dimension 4294967312 is not a 1.x dimension" mm-meta --meta-json "$SCRATCH/dim.json"
json_edit "$SCRATCH/meta.json" "$SCRATCH/metric.json" 'by["films_l2"]["metric"] = 2**32 + 3'
expect_error "meta.json: metric 2^32+3" "metric.json: collection films_l2: metric_type 4294967299 is not a 1.x metric type" mm-meta --meta-json "$SCRATCH/metric.json"
sed "${line}s|\"dim\":16|\"dim\":4294967312|" "$SCRATCH/meta.jsonl" >"$SCRATCH/dim.jsonl"
expect_error "mm-scan: dim 2^32+16 in a manifest" "dim.jsonl:$line: segment record: segment $seg: invalid dimension 4294967312" \
  mm-scan --tables "$tables" "$SCRATCH/dim.jsonl"
sed "${line}s|\"file_type\":1|\"file_type\":4294967297|" "$SCRATCH/meta.jsonl" >"$SCRATCH/ft.jsonl"
expect_error "mm-scan: file_type 2^32+1 in a manifest" "ft.jsonl:$line: segment record: segment $seg: file_type 4294967297 is not" \
  mm-scan --tables "$tables" "$SCRATCH/ft.jsonl"

# 4. A -wal that is not a write-ahead log is refused, not read as absent.
d=$(fresh wal-random)
head -c 16512 /dev/urandom >"$d-wal"
expect_error "meta.sqlite-wal of random bytes" "$d-wal: not an SQLite write-ahead log (magic number 0x" mm-meta --sqlite "$d"
d=$(fresh wal-checksum)
$PY -c 'import sys; f = open(sys.argv[1], "r+b"); f.seek(16); b = f.read(1); f.seek(16); f.write(bytes([b[0] ^ 1]))' "$d-wal"
expect_error "meta.sqlite-wal, header checksum broken" "$d-wal: not an SQLite write-ahead log (the header checksum does not match)" mm-meta --sqlite "$d"
d=$(fresh wal-short)
head -c 10 "$db-wal" >"$d-wal"
expect_error "meta.sqlite-wal of 10 bytes" "$d-wal: not an SQLite write-ahead log (10 bytes, shorter than the 32-byte header)" mm-meta --sqlite "$d"
d=$(fresh wal-empty)
sql "$d" "PRAGMA wal_checkpoint(TRUNCATE)"
: >"$d-wal"
mm-meta -q --sqlite "$d" >"$SCRATCH/empty-wal.jsonl" && cmp -s "$SCRATCH/empty-wal.jsonl" "$SCRATCH/meta.jsonl" &&
  pass "an empty -wal is as good as none" || fail "an empty -wal"
# Big-endian checksums (magic 0x377f0683), as a big-endian host writes them: accepted.
d=$(fresh wal-be)
$PY - "$d-wal" <<'PY'
import struct, sys
f = open(sys.argv[1], "r+b"); h = bytearray(f.read(32))
h[0:4] = struct.pack(">I", 0x377f0683)
s0 = s1 = 0
for i in range(0, 24, 8):
    x0, x1 = struct.unpack(">II", bytes(h[i:i + 8]))
    s0 = (s0 + x0 + s1) & 0xffffffff; s1 = (s1 + x1 + s0) & 0xffffffff
h[24:32] = struct.pack(">II", s0, s1)
f.seek(0); f.write(h)
PY
rc=0
mm-meta -q --sqlite "$d" >/dev/null 2>"$SCRATCH/be.err" || rc=$?
! grep -q "write-ahead log" "$SCRATCH/be.err" && pass "a -wal header with big-endian checksums passes the check" || fail "big-endian -wal header refused: $(cat "$SCRATCH/be.err")"

# 5. Invalid UTF-8 is refused, shown escaped; long values are cut in messages.
check_sqlite "partition_tag not UTF-8" "UPDATE Tables SET partition_tag=CAST(x'66ff6f' AS TEXT) WHERE partition_tag='my_part'" \
  "Tables row id=[0-9]* ([0-9]*): partition_tag \"f\\\\xffo\" is not valid UTF-8"
check_sqlite "version not UTF-8" "UPDATE Tables SET version=CAST(x'312ec0ae31' AS TEXT) WHERE table_id='films_l2'" \
  "Tables row id=1 (films_l2): version \"1.\\\\xc0\\\\xae1\" is not valid UTF-8"
json_edit "$SCRATCH/meta.json" "$SCRATCH/tag.json" 'by["films_l2"]["partitions"][0]["tag"] = "a\udcffb"'
expect_error "meta.json: a tag not UTF-8" "tag.json: collection films_l2, partition \"a\\\\xffb\": partition_tag \"a\\\\xffb\" is not valid UTF-8" \
  mm-meta --meta-json "$SCRATCH/tag.json"
json_edit "$SCRATCH/meta.json" "$SCRATCH/name.json" 'by["films_l2"]["collection"] = "films\udce9"'
expect_error "meta.json: a collection name not UTF-8" "name.json: collection \"films\\\\xe9\": collection name \"films\\\\xe9\" is not a valid Milvus 2.x name" \
  mm-meta --meta-json "$SCRATCH/name.json"
json_edit "$SCRATCH/meta.json" "$SCRATCH/huge.json" 'by["films_l2"]["collection"] = "-" * 20_000_000'
short_error "meta.json: a 20 MB collection name is not echoed whole" 600 mm-meta --meta-json "$SCRATCH/huge.json"
expect_error "meta.json: a 20 MB collection name" 'collection name "-----.*"\.\.\. (20000000 bytes) is not a valid' mm-meta --meta-json "$SCRATCH/huge.json"
short_error "--collections with a 100 kB name" 600 mm-meta --sqlite "$db" --collections "$($PY -c 'print("x" * 100000)')"
sed "${line}s|\"tag\":\"\"|\"tag\":\"\\\\udcff\"|" "$SCRATCH/meta.jsonl" >"$SCRATCH/tag.jsonl"
$PY -c 'import sys; d = open(sys.argv[1], "rb").read().replace(b"\\udcff", b"\xff"); open(sys.argv[1], "wb").write(d)' "$SCRATCH/tag.jsonl"
expect_error "mm-scan: a tag not UTF-8 in a manifest" "tag.jsonl:$line: segment record: tag \"\\\\xff\" is not valid UTF-8" \
  mm-scan --tables "$tables" "$SCRATCH/tag.jsonl"

# 6. mm-scan names the manifest line of a bad record.
echo '{"kind":"segment","collection":"c","dim":8,"vector":"float"}' >"$SCRATCH/noseg.jsonl"
expect_error "mm-scan: a record without segment_id" "noseg.jsonl:1: segment record: field \"segment_id\" missing or not a string" \
  mm-scan --tables "$tables" "$SCRATCH/noseg.jsonl"
sline=$(grep -n -m1 "\"segment_id\":\"$seg\"" "$SCRATCH/scan.jsonl" | cut -d: -f1)
sed "${sline}s|\"rows\":[0-9]*,||" "$SCRATCH/scan.jsonl" >"$SCRATCH/norows.jsonl"
expect_error "mm-scan: a scanned record without rows" "norows.jsonl:$sline: segment record: field \"rows\" missing" \
  mm-scan --tables "$tables" "$SCRATCH/norows.jsonl"

# 7. live that is not rows - deleted: said as it is.
srec=$(sed -n "${sline}p" "$SCRATCH/scan.jsonl")
read -r srows sdel slive < <($PY -c 'import json, sys; r = json.loads(sys.argv[1]); print(r["rows"], r["deleted"], r["live"])' "$srec")
sed "${sline}s|\"live\":$slive|\"live\":$((slive - 10))|" "$SCRATCH/scan.jsonl" >"$SCRATCH/live.jsonl"
expect_error "mm-npy: live not rows - deleted" "segment $seg: live $((slive - 10)) is not rows $srows minus deleted $sdel" \
  mm-npy --out "$SCRATCH/npy" "$SCRATCH/live.jsonl"
expect_error "mm-scan: live not rows - deleted" "live.jsonl:$sline: segment record: segment $seg: live $((slive - 10)) is not rows $srows minus deleted $sdel" \
  mm-scan --tables "$tables" "$SCRATCH/live.jsonl"

# The same through MySQL/MariaDB, when a server can be started here.
if [ -x "${MARIADBD:-/usr/sbin/mariadbd}" ]; then
  my=$SCRATCH/mariadb
  "$MM_SRC/scripts/test-mariadb.sh" start "$my" >/dev/null
  cleanup_hooks+=("'$MM_SRC/scripts/test-mariadb.sh' stop '$my' >/dev/null 2>&1")
  port=$(cat "$my/port")
  dsn="mm@tcp(127.0.0.1:$port)/milvus"
  export MM_MYSQL_PASSWORD
  MM_MYSQL_PASSWORD=$(cat "$my/password")
  check_mysql() {  # check_mysql NAME SQL PATTERN
    $PY "$MM_SRC/tests/fixtures/sqlite_to_mysql.py" "$db" | "$MM_SRC/scripts/test-mariadb.sh" sql "$my"
    "$MM_SRC/scripts/test-mariadb.sh" sql "$my" <<<"$2"
    expect_error "MySQL: $1" "mysql://mm@127.0.0.1:$port/milvus: $3" mm-meta --mysql "$dsn"
  }
  check_mysql "segment_id ../../../outside" "UPDATE TableFiles SET segment_id='../../../outside', file_id='../../../outside' WHERE id=$raw" \
    "TableFiles row id=$raw (of table films_l2): segment_id \"../../../outside\" is not a decimal number"
  check_mysql "dimension 2^32+16" "ALTER TABLE Tables MODIFY dimension BIGINT NOT NULL; UPDATE Tables SET dimension=4294967312 WHERE table_id='films_l2'" \
    "Tables row id=1 (films_l2): dimension 4294967312 is not a 1.x dimension"
  check_mysql "metric_type 'abc'" "ALTER TABLE Tables MODIFY metric_type VARCHAR(16) NOT NULL; UPDATE Tables SET metric_type='abc' WHERE table_id='films_l2'" \
    "Tables row id=1 (films_l2): metric_type is \"abc\", not a 64-bit integer"
  check_mysql "partition_tag not UTF-8" "ALTER TABLE Tables MODIFY partition_tag VARBINARY(255) NOT NULL; UPDATE Tables SET partition_tag=x'66ff6f' WHERE partition_tag='my_part'" \
    "Tables row id=[0-9]* ([0-9]*): partition_tag \"f\\\\xffo\" is not valid UTF-8"
else
  echo "skip: no MariaDB server here (${MARIADBD:-/usr/sbin/mariadbd})"
fi
finish
