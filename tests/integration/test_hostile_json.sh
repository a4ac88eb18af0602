#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR disable=SC2015 # pass and fail return 0: A && pass || fail is if-else
# Hostile JSON to every reader of manifests and meta.json: a line cut short (the tool upstream
# killed mid-line), a line that is not JSON, values of the wrong type where objects belong, and
# nesting 200 000 deep. Each gets one error line naming the file (and line) with exit status 3,
# never a crash: before, mm-npy freed memory its workers still wrote (cut line), a lookup on a
# non-object aborted, and the recursive parser overflowed the stack.
source "$(dirname "$0")/lib.sh"
fx=$SCRATCH/fx
$PY "$MM_SRC/tests/fixtures/gen1x.py" --out "$fx" --seed 3 >/dev/null
mm-meta -q --sqlite "$fx/db/meta.sqlite" >"$SCRATCH/meta.jsonl"
mm-scan -q --tables "$fx/db/tables" "$SCRATCH/meta.jsonl" >"$SCRATCH/scan.jsonl"
deep=$SCRATCH/deep.json
$PY -c 'print("[" * 200000)' >"$deep"
lines=$(wc -l <"$SCRATCH/scan.jsonl")

# mm-npy with its workers busy when the bad line arrives; several runs, as the crash was racy.
head -c -40 "$SCRATCH/scan.jsonl" >"$SCRATCH/cut.jsonl"
{ cat "$SCRATCH/scan.jsonl"; echo 'not json'; } >"$SCRATCH/garbage.jsonl"
for run in 1 2 3; do
  rm -rf "$SCRATCH/npy"
  expect_error "mm-npy, last line cut (run $run)" "cut.jsonl:$lines: not a JSON object" mm-npy -j 4 --chunk-size 1K --out "$SCRATCH/npy" "$SCRATCH/cut.jsonl"
  expect_error "mm-npy, a line that is not JSON (run $run)" "garbage.jsonl:$((lines + 1)): not a JSON object" mm-npy -j 4 --chunk-size 1K --out "$SCRATCH/npy" "$SCRATCH/garbage.jsonl"
done

# Manifests that would import rows twice or make mm-npy plan without end: refused before a byte is written.
seg_line=$(grep -m1 '"kind":"segment".*"live":[1-9]' "$SCRATCH/scan.jsonl")
seg=$(sed 's/.*"segment_id":"\([0-9]*\)".*/\1/' <<<"$seg_line")
{ grep -v '"kind":"segment"' "$SCRATCH/scan.jsonl"; echo "$seg_line"; echo "$seg_line"; } >"$SCRATCH/twice.jsonl"
expect_error "mm-npy, the same segment twice" "segment $seg of .* appears twice in the manifest" mm-npy --out "$SCRATCH/npy2" "$SCRATCH/twice.jsonl"
{ grep -v '"kind":"segment"' "$SCRATCH/scan.jsonl"; sed 's/"live":[0-9]*/"live":9223372036854775807/' <<<"$seg_line"; } >"$SCRATCH/wild.jsonl"
expect_error "mm-npy, live beyond the file" "segment $seg.*\(live 9223372036854775807\|9223372036854775807 live\)" timeout 20 mm-npy --out "$SCRATCH/npy2" "$SCRATCH/wild.jsonl"
{ grep -v '"kind":"segment"' "$SCRATCH/scan.jsonl"; sed 's/"collection":"[^"]*"/"collection":"..\/..\/escaped"/' <<<"$seg_line"; } >"$SCRATCH/escape.jsonl"
expect_error "mm-npy, a collection name that leaves --out" 'is not a Milvus 2.x name' mm-npy --out "$SCRATCH/npy2/x" "$SCRATCH/escape.jsonl"
[ ! -e "$SCRATCH/escaped" ] && [ ! -e "$SCRATCH/npy2/escaped" ] && pass "nothing written outside --out" || fail "mm-npy wrote outside --out"
expect_error "mm-npy --group-size 0" "--group-size: at least 1 byte" mm-npy --group-size 0 --out "$SCRATCH/npy2" "$SCRATCH/scan.jsonl"

# Every manifest reader: nesting far too deep, and records whose members have the wrong type.
expect_error "mm-scan, deep nesting" "deep.json:1: not a JSON object of at most 64 levels" mm-scan --tables "$fx/db/tables" "$deep"
expect_error "mm-npy, deep nesting" "deep.json:1: not a JSON object of at most 64 levels" mm-npy --out "$SCRATCH/npy" "$deep"
expect_error "mm-upload, deep nesting" "deep.json:1: not a JSON object of at most 64 levels" mm-upload --backend local --dir "$SCRATCH/up" "$deep"
$PY -c 'print("{\"tool\":\"x\",\"level\":\"info\",\"message\":" + "[" * 100000 + "}")' | mm-progress --log-format text >/dev/null 2>&1 &&
  pass "mm-progress passes a deep line through" || fail "mm-progress on a deep line: exit $?"
echo '{"kind":"segment","collection":"c","segment_id":[1]}' >"$SCRATCH/type.jsonl"
expect_error "mm-scan, segment_id not a string" "field \"segment_id\" missing or not a string" mm-scan --tables "$fx/db/tables" "$SCRATCH/type.jsonl"
printf '%s\n' '{"kind":"group","collection":"c","partition":"p","name":"g","rows":1,"files":[1]}' >"$SCRATCH/group.jsonl"
expect_error "mm-upload, files not an object" 'field "files" missing or empty' mm-upload --backend local --dir "$SCRATCH/up" "$SCRATCH/group.jsonl"

# meta.json: members where objects belong, and nesting.
for bad in '{"collections":[1]}' '["abc"]' '{"collections":[{"collection":"c","dim":8,"metric":1,"segments":[7]}]}' \
  '{"collections":[{"collection":"c","dim":8,"metric":1,"partitions":["x"]}]}'; do
  printf '%s\n' "$bad" >"$SCRATCH/meta.json"
  expect_error "mm-meta --meta-json $bad" "meta.json" mm-meta --meta-json "$SCRATCH/meta.json"
done
cp "$deep" "$SCRATCH/meta.json"
expect_error "mm-meta --meta-json, deep nesting" "meta.json: not a JSON object of at most 64 levels" mm-meta --meta-json "$SCRATCH/meta.json"

# The Milvus-side readers, against the test double of a 2.6 server (they connect first).
FAKE=$MM_SRC/scripts/test-fake-milvus.sh
"$FAKE" start "$SCRATCH/fake" >/dev/null 2>&1 || fail "the fake Milvus did not start"
cleanup_hooks+=("'$FAKE' stop '$SCRATCH/fake' >/dev/null 2>&1")
addr=127.0.0.1:$(cat "$SCRATCH/fake/port")
expect_error "mm-bulkinsert, deep nesting" "deep.json:1: not a JSON object of at most 64 levels" mm-bulkinsert --address "$addr" --journal "$SCRATCH/j1" "$deep"
expect_error "mm-verify, deep nesting" "deep.json:1: not a JSON object of at most 64 levels" mm-verify --address "$addr" "$deep"
mm-npy -q --out "$SCRATCH/npy" "$SCRATCH/scan.jsonl" | sed 's/"pieces":\[[^]]*\]/"pieces":[1]/' >"$SCRATCH/pieces.jsonl"
expect_error "mm-bulkinsert, pieces of numbers" "expected a JSON object holding" mm-bulkinsert --no-probe --address "$addr" --journal "$SCRATCH/j2" "$SCRATCH/pieces.jsonl"
grep '"kind":"segment"' "$SCRATCH/scan.jsonl" >"$SCRATCH/segments-only.jsonl"
expect_error "mm-verify, segments without their collection" "comes before its collection or partition record" \
  mm-verify --address "$addr" "$SCRATCH/segments-only.jsonl"
: >"$SCRATCH/empty.jsonl"
expect_error "mm-verify, nothing to verify" "empty.jsonl:0: no collection or partition records, so nothing was verified" \
  mm-verify --address "$addr" "$SCRATCH/empty.jsonl"
mm-npy -q --out "$SCRATCH/npy" "$SCRATCH/scan.jsonl" >"$SCRATCH/groups.jsonl"
first_group=$(grep -m1 '"kind":"group"' "$SCRATCH/groups.jsonl")
{ cat "$SCRATCH/groups.jsonl"; echo "$first_group"; } >"$SCRATCH/dup-group.jsonl"
if mm-bulkinsert --no-probe --address "$addr" --poll-interval 0.2 --journal "$SCRATCH/j3" "$SCRATCH/dup-group.jsonl" >"$SCRATCH/dup.out" 2>"$SCRATCH/dup.err"; then
  groups=$(grep -c '"kind":"group"' "$SCRATCH/groups.jsonl")
  grep -q "appears again in the manifest: imported once, counted once" "$SCRATCH/dup.err" &&
    grep -q "\"imported_groups\":$groups," "$SCRATCH/dup.out" && pass "a duplicate group record: imported and counted once, with a warning" ||
    fail "duplicate group record: $(tail -n 1 "$SCRATCH/dup.out")"
else
  fail "duplicate group record: $(grep error: "$SCRATCH/dup.err")"
fi

# Numbers that are not: the flag is named.
expect_error "negative -j" '^mm-npy: error: -j: cannot read "-1"' mm-npy --out "$SCRATCH/npy" -j -1 "$SCRATCH/scan.jsonl"
expect_error "negative --jobs=" '^mm-upload: error: --jobs: cannot read "-2"' mm-upload --backend local --dir "$SCRATCH/up" --jobs=-2 "$SCRATCH/scan.jsonl"
expect_error "--stall-timeout abc" '^mm-bulkinsert: error: --stall-timeout: cannot read "abc"' mm-bulkinsert --stall-timeout abc "$SCRATCH/scan.jsonl"

# A full disk under --export-json (a file size limit here): an error, and no file left
# behind under either name.
rc=0
mkdir -p "$SCRATCH/export"
# (Messages through a pipe: a file under the limit would refuse them too.)
# Read from a meta.json (no private copy of a database to write first), limit 2 KiB.
mm-meta -q --sqlite "$fx/db/meta.sqlite" --export-json "$SCRATCH/exported.json" >/dev/null
full_err=$( (trap '' XFSZ; ulimit -f 4; exec mm-meta -q --meta-json "$SCRATCH/exported.json" --export-json "$SCRATCH/export/meta.json" 2>&1 >/dev/null) ) || rc=$?
[ "$rc" = 1 ] && grep -q "meta.json.tmp: cannot write" <<<"$full_err" && [ -z "$(ls -A "$SCRATCH/export")" ] &&
  pass "--export-json on a full disk: exit 1, nothing left behind ($full_err)" || fail "--export-json on a full disk: exit $rc, $full_err, left: $(ls -A "$SCRATCH/export")"

# Not JSON, but as hostile: a .rv that is a FIFO blocked mm-scan forever in open().
seg_line=$(grep -m1 '"kind":"segment"' "$SCRATCH/scan.jsonl")
seg=$(sed 's/.*"segment_id":"\([0-9]*\)".*/\1/' <<<"$seg_line")
dir=$(sed 's/.*"dir":"\([^"]*\)".*/\1/' <<<"$seg_line")
mv "$dir/$seg.rv" "$SCRATCH/rv.away"
mkfifo "$dir/$seg.rv"
expect_error "a FIFO as .rv" "$dir/$seg.rv: not a regular file" timeout 20 mm-scan --tables "$fx/db/tables" "$SCRATCH/meta.jsonl"
rm "$dir/$seg.rv"
mv "$SCRATCH/rv.away" "$dir/$seg.rv"
finish
