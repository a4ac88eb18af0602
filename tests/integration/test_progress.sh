#!/usr/bin/env bash
# Progress and the JSON log format, without servers: every stderr line of the tools under
# --log-format json is one JSON object (rows counted right); mm-progress turns a recorded stream
# into plain lines (not a terminal) or redrawn bars (a pseudo-terminal from script(1)) with the
# messages, passing other lines through unchanged; mm-run --log-format json writes only JSON.
# shellcheck disable=SC1091,SC2015  # lib.sh's pass/fail style: A && pass || fail
source "$(dirname "$0")/lib.sh"
export MM_BIN
MM_RUN=${MM_RUN:-$MM_SRC/scripts/mm-run}

# json_lines_ok NAME FILE [MIN_LINES]: every line of FILE is a log object of the documented shape.
json_lines_ok() {
  local why
  if why=$($PY - "$2" "${3:-1}" 2>&1 <<'PY'
import json, re, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
if lines[-1] != "": sys.exit("no newline after the last line")
lines.pop()
if len(lines) < int(sys.argv[2]): sys.exit(f"only {len(lines)} lines")
common = {"time", "tool", "level"}
progress = common | {"stage", "items", "bytes", "rows", "total_items", "total_bytes", "seconds", "final"}
for n, line in enumerate(lines, 1):
    try:
        o = json.loads(line)
    except ValueError as e:
        sys.exit(f"line {n} is not JSON ({e}): {line!r}")
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", o.get("time", "")):
        sys.exit(f"line {n}: bad time: {line}")
    want = progress if o.get("level") == "progress" else common | {"message"}
    if o.get("level") not in ("error", "warning", "info", "debug", "progress") or set(o) != want:
        sys.exit(f"line {n}: not a log line: {line}")
PY
  ); then pass "$1: every stderr line is a JSON log object"; else fail "$1: $why"; fi
}

# final_rows FILE STAGE: the rows of STAGE's final progress event.
final_rows() {
  jq -r --arg s "$2" 'select(.level == "progress" and .stage == $s and .final) | .rows' "$1"
}

# --- The tools in json format, on a generated 1.x installation (also with -v for debug lines).
fx=$SCRATCH/fx
$PY "$MM_SRC/tests/fixtures/gen1x.py" --out "$fx" --seed 5 >/dev/null
expected=$($PY -c 'import json,sys; i=json.load(open(sys.argv[1])); print(sum(p["rows"] for c in i["collections"].values() for p in c["partitions"].values()))' "$fx/expected/index.json")
cd "$SCRATCH" || exit 1
mm-meta --log-format json -v --sqlite "$fx/db/meta.sqlite" 2>meta.err |
  MM_LOG_FORMAT=json mm-scan --tables "$fx/db/tables" 2>scan.err |
  mm-npy --log-format json -v --out npy --group-size 8K 2>npy.err |
  MM_LOG_FORMAT=json mm-upload --backend local --dir objects 2>upload.err >uploaded.jsonl &&
  pass "pipeline in json format exits 0" || fail "pipeline in json format"
for tool in meta scan npy upload; do json_lines_ok "mm-$tool" "$tool.err"; done
grep -q '"level":"warning"' scan.err && pass "mm-scan's warnings are JSON" || fail "no warning in scan.err"
[ "$(final_rows npy.err converted)" = "$expected" ] && pass "mm-npy: final event converted $expected rows" ||
  fail "mm-npy rows: $(cat npy.err)"
[ "$(final_rows upload.err uploaded)" = "$expected" ] && pass "mm-upload: final event uploaded $expected rows" ||
  fail "mm-upload rows: $(cat upload.err)"
# Errors too, the usage error of a bad flag included; a bad format value is refused.
mm-npy --log-format json 2>usage.err && fail "mm-npy without --out exits 0" || true
MM_LOG_FORMAT=json mm-scan --no-such-flag 2>>usage.err && fail "a bad flag exits 0" || true
json_lines_ok "usage errors" usage.err 2
[ "$(jq -r .level usage.err | sort -u)" = error ] && pass "usage errors have level error" || fail "$(cat usage.err)"
expect_error "bad --log-format" 'mm-scan: error: --log-format: "xml" is not a log format' mm-scan --log-format xml
expect_error "bad MM_LOG_FORMAT" 'MM_LOG_FORMAT: "yaml"' env MM_LOG_FORMAT=yaml mm-scan

# --- mm-progress on a recorded stream: two stages, messages, and lines that are not ours.
cat >totals.json <<'EOF'
{"rows":10000,"bytes":4194304,"groups":10}
EOF
{
  for i in 1 2 3 4 5 6 7 8 9; do
    echo "{\"time\":\"2026-11-25T04:00:0$i.000Z\",\"tool\":\"mm-npy\",\"level\":\"progress\",\"stage\":\"converted\",\"items\":$i,\"bytes\":$((i * 419430)),\"rows\":$((i * 1000)),\"total_items\":0,\"total_bytes\":0,\"seconds\":$i,\"final\":false}"
  done
  printf '%s\n' '{"time":"2026-11-25T04:00:09.500Z","tool":"mm-upload","level":"warning","message":"slow \"server\"\tretry 1"}'
  echo 'terminate called after throwing an instance of std::bad_alloc'
  echo '{"time":"2026-11-25T04:00:10.000Z","tool":"mm-npy","level":"progress","stage":"converted","items":10,"bytes":4194304,"rows":10000,"total_items":0,"total_bytes":0,"seconds":10,"final":true}'
  echo '{"time":"2026-11-25T04:00:10.000Z","tool":"mm-upload","level":"progress","stage":"uploaded","items":2,"bytes":1048576,"rows":2500,"total_items":0,"total_bytes":0,"seconds":4,"final":false}'
  echo '{"kind":"group","rows":3}'
  echo '{"time":"2026-11-25T04:00:11.000Z","tool":"mm-npy","level":"info","message":"10 groups"}'
  printf 'no newline at the end'
} >stream.jsonl

rc=0
mm-progress --totals totals.json <stream.jsonl >progress.out 2>progress.err || rc=$?
[ "$rc" = 0 ] && [ ! -s progress.out ] && pass "mm-progress exits 0 at the end, nothing on stdout" || fail "mm-progress: exit $rc"
cat >want.txt <<'EOF'
mm-upload: warning: slow "server"	retry 1
terminate called after throwing an instance of std::bad_alloc
mm-npy: converted 10/10 groups, 10000/10000 rows, 4.0 MiB/4.0 MiB (100%), 409.6 KiB/s, done in 10s
{"kind":"group","rows":3}
mm-npy: 10 groups
no newline at the end
mm-upload: uploaded 2/10 groups, 2500/10000 rows, 1.0 MiB/4.0 MiB (25%), 256.0 KiB/s, ETA 12s
EOF
# Nine quick events within --interval: none shown but the final one; the last of a stage at the end.
diff want.txt progress.err >/dev/null && pass "lines: messages as text, other lines unchanged, right numbers" ||
  fail "lines output differs: $(diff want.txt progress.err)"

# Slow events with a short --interval: each one shown.
rc=0
for i in 1 2 3; do
  echo "{\"time\":\"t\",\"tool\":\"mm-upload\",\"level\":\"progress\",\"stage\":\"uploaded\",\"items\":$i,\"bytes\":$i,\"rows\":$i,\"total_items\":3,\"total_bytes\":3,\"seconds\":$i,\"final\":false}"
  sleep 0.5
done | mm-progress --interval 0.2 2>slow.err || rc=$?
[ "$rc" = 0 ] && [ "$(grep -c '^mm-upload: uploaded [123]/3 groups' slow.err)" = 3 ] &&
  pass "lines: a stage's line every --interval" || fail "slow events: $(cat slow.err)"

# A pseudo-terminal: bars redrawn in place (cursor up, erase), messages and other lines above.
# bars_on_terminal COLUMNS: mm-progress on a pseudo-terminal that wide.
bars_on_terminal() {
  script -qec "stty cols $1 && '$MM_BIN/mm-progress' --totals totals.json <stream.jsonl" /dev/null </dev/null
}
bars_on_terminal 200 >tty.out 2>&1 &&
  pass "bars: exit 0 on a terminal" || fail "bars: $(cat tty.out)"
tr -d '\r' <tty.out >tty.txt
esc=$'\033'
grep -qF "${esc}[2A${esc}[J" tty.txt && pass "bars: redrawn in place with ANSI cursor-up and erase" ||
  fail "bars: no cursor-up/erase: $(cat -v tty.txt)"
grep -q '^converted  \[################\] 100%  10000/10000 rows  4.0 MiB/4.0 MiB  409.6 KiB/s  done in 10s$' tty.txt &&
  grep -q '^uploaded   \[####\.\.\.\.\.\.\.\.\.\.\.\.\]  25%  2500/10000 rows  1.0 MiB/4.0 MiB  256.0 KiB/s  ETA 12s$' tty.txt &&
  pass "bars: one per stage with percent, rows, bytes, rate and ETA" || fail "bars: $(cat -v tty.txt)"
missing=()
for line in 'mm-upload: warning: slow "server"' 'terminate called after throwing' '{"kind":"group","rows":3}' \
  'mm-npy: 10 groups' 'no newline at the end'; do
  grep -qF "$line" tty.txt || missing+=("$line")
done
[ "${#missing[@]}" = 0 ] && pass "bars: messages and other lines shown as text" ||
  fail "bars: not shown: ${missing[*]}: $(cat -v tty.txt)"
[ "$(tail -n 2 tty.txt | cut -c1-10 | tr -d ' ' | paste -sd,)" = "converted,uploaded" ] &&
  pass "bars: the block stays at the bottom" || fail "bars: the last lines are not the bars: $(tail -n 3 tty.txt | cat -v)"

# A narrow terminal: bars cut short rather than wrapped (a wrapped line would break the redraw).
bars_on_terminal 40 2>&1 | tr -d '\r' | sed "s/${esc}\[[0-9]*A${esc}\[J//" >narrow.txt
[ "$(grep -E '^(converted|uploaded) ' narrow.txt | awk '{ print length($0) }' | sort -n | tail -n 1)" = 39 ] &&
  pass "bars: cut to the terminal's width" || fail "bars on 40 columns: $(cat -v narrow.txt)"

# Refusals: a bad totals file (3), a missing one (1), a bad mode (2).
echo '{"rows":"many"}' >bad.json
expect_error "mm-progress: bad totals" 'bad.json: "rows" is not a whole number' mm-progress --totals bad.json
expect_error "mm-progress: missing totals" 'nowhere.json' mm-progress --totals nowhere.json
expect_error "mm-progress: bad mode" '--mode' mm-progress --mode colour
rc=0
mm-progress --totals bad.json </dev/null 2>/dev/null || rc=$?
[ "$rc" = 3 ] && pass "mm-progress: bad totals exit 3" || fail "mm-progress: bad totals exit $rc"

# --- mm-run: json writes only JSON lines; text on a terminal draws the bars with the plan's totals.
mkdir -p run
{
  local_migration_yaml "$fx" import 127.0.0.1:1
  printf 'milvusmm:\n  workDir: work\n  groupSize: 8K\n'
} >run/migration.yaml
cd run || exit 1
"$MM_RUN" --log-format json plan >plan.out 2>plan.err && grep -q "^total .* $expected " plan.out &&
  pass "mm-run --log-format json plan: the table on stdout" || fail "mm-run plan: $(cat plan.out plan.err)"
json_lines_ok "mm-run --log-format json plan" plan.err 2
"$MM_RUN" --log-format=json export --output exported >/dev/null 2>export.err || fail "mm-run export: $(cat export.err)"
json_lines_ok "mm-run --log-format json export" export.err 2
jq -e 'select(.tool == "mm-run" and (.message | startswith("wrote ")))' export.err >/dev/null &&
  pass "mm-run's own messages are JSON" || fail "no JSON message of mm-run: $(cat export.err)"
MM_LOG_FORMAT=json "$MM_RUN" dump >/dev/null 2>dump.err || fail "MM_LOG_FORMAT=json mm-run dump: $(cat dump.err)"
json_lines_ok "MM_LOG_FORMAT=json mm-run dump" dump.err 5
[ "$(final_rows dump.err converted)" = "$expected" ] && pass "mm-run dump: progress events with $expected rows" ||
  fail "mm-run dump progress: $(cat dump.err)"
"$MM_RUN" --log-format json --no-such-flag 2>usage.err && fail "mm-run: a bad flag exits 0" || true
json_lines_ok "mm-run usage error" usage.err 1
expect_error "mm-run: bad --log-format" 'mm-run: error: --log-format: "xml"' "$MM_RUN" --log-format xml plan
# Text, not on a terminal: plain lines, as before.
"$MM_RUN" dump >/dev/null 2>text.err && ! grep -q '"level"' text.err && grep -q '^mm-npy: converted ' text.err &&
  pass "mm-run in text off a terminal: plain lines" || fail "mm-run text: $(cat text.err)"
# On a terminal: the tools' JSON through mm-progress, with the totals of the plan.
rc=0
script -qec "stty cols 200 && '$MM_RUN' dump" /dev/null </dev/null >tty.out 2>&1 || rc=$?
tr -d '\r' <tty.out >tty.txt
[ "$rc" = 0 ] && grep -q "^converted  \[################\] 100%  $expected/$expected rows" tty.txt &&
  grep -q '^mm-scan: warning: segment' tty.txt && ! grep -q '"level"' tty.txt &&
  pass "mm-run on a terminal: bars with the plan's totals, messages as text" || fail "mm-run on a terminal (exit $rc): $(cat -v tty.txt)"
# A failing stage keeps its exit status and its error line on a terminal.
sed "s|tablesDir: .*|tablesDir: $SCRATCH/empty|; s|workDir: work|workDir: work2|" migration.yaml >broken.yaml
mkdir -p "$SCRATCH/empty"
rc=0
script -qec "'$MM_RUN' --config broken.yaml dump" /dev/null </dev/null >broken.out 2>&1 || rc=$?
[ "$rc" = 3 ] && grep -q '^mm-scan: error: ' broken.out && pass "mm-run on a terminal: a failing stage's status (3) and its error" ||
  fail "mm-run broken on a terminal (exit $rc): $(cat -v broken.out)"

finish
