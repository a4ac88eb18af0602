#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR disable=SC2015 # pass and fail return 0: A && pass || fail is if-else
# mm-bulkinsert against the Milvus 2.4 → 3.0 import behaviour, modelled by the TEST DOUBLE
# tests/fakes/fake_milvus_v24.py (no 2.4+ server can be installed here): the crash windows end with
# every group in the server exactly once, on 2.4.3 (an unknown job reads as failed), 2.6 and 3.0:
#   - kill -9 between Import and the journal's "submitted" entry: the rerun finds the job (REST);
#   - the same, with the job forgotten before the rerun: settled by the partition's row count;
#   - journaled jobs forgotten before the rerun (code 2100, or "unknown import job state");
#   - the server killed and restarted with jobs running;
#   - a failed job, then the rerun after the fix;
# and the early refusals: a nullable field on 2.5, a partition-key collection, a 3.0 cluster under
# replication. Each check reads the fake's state (check_fake_state.py).
source "$(dirname "$0")/lib.sh"
TOOLS_DIR=${MM_TOOLS_DIR:-$HOME/.cache/milvus-mm}
VENV_PY=$TOOLS_DIR/venv/bin/python
FAKE=$MM_SRC/scripts/test-fake-milvus.sh
[ -x "$VENV_PY" ] || "$MM_SRC/scripts/install-test-servers.sh" >/dev/null

fx=$SCRATCH/fx
$PY "$MM_SRC/tests/fixtures/gen1x.py" --out "$fx" --seed 5 >/dev/null
pipeline --sqlite "$fx/db/meta.sqlite" -- --tables "$fx/db/tables" -- --out "$SCRATCH/npy" --group-size 16K >"$SCRATCH/groups.jsonl"
groups=$(grep -c '"kind":"group"' "$SCRATCH/groups.jsonl")

# fake DIR [options]: (re)starts the fake of DIR, stopped on exit; sets port.
fake() {
  local dir=$1
  shift
  "$FAKE" stop "$dir" >/dev/null 2>&1 || true
  "$FAKE" start "$dir" --stage-seconds 0.1 "$@" >/dev/null 2>&1 || { fail "fake did not start: $(tail -n 3 "$dir/fake.log")"; return 1; }
  cleanup_hooks+=("'$FAKE' stop '$dir' >/dev/null 2>&1")
  port=$(cat "$dir/port")
}
kill_fake() { kill -9 "$(cat "$1/pid")" 2>/dev/null || true; sleep 0.3; }
bulk() { mm-bulkinsert -q --address "127.0.0.1:$port" --poll-interval 0.2 -j 3 "$@"; }
# run_until PATTERN JOURNAL ARGS...: mm-bulkinsert in the background, killed (-9) as soon as the
# journal's last entry matches PATTERN.
run_until() {
  local pattern=$1 journal=$2 pid
  shift 2
  mm-bulkinsert -q --address "127.0.0.1:$port" --poll-interval 0.2 -j 3 --journal "$journal" "$@" "$SCRATCH/groups.jsonl" >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do
    [ -s "$journal" ] && tail -n 1 "$journal" | grep -q "$pattern" && break
    sleep 0.05
  done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
exactly_once() { # NAME: every group in the fake once
  if $VENV_PY "$MM_SRC/tests/integration/check_fake_state.py" "$port" "$SCRATCH/groups.jsonl" >"$SCRATCH/check.out"; then
    pass "$1: all $groups groups in the server exactly once"
  else
    fail "$1: $(grep MISMATCH "$SCRATCH/check.out" | head -n 3 | tr '\n' ' ')"
  fi
}
rerun() { # NAME JOURNAL [ARGS...]: the rerun completes and verifies every partition
  if bulk --journal "$2" "${@:3}" "$SCRATCH/groups.jsonl" >"$SCRATCH/out.jsonl" 2>"$SCRATCH/err"; then
    pass "$1: the rerun completes and verifies"
  else
    fail "$1: rerun failed: $(tail -n 2 "$SCRATCH/err")"
  fi
}

for version in v2.4.3 v2.6.3 v3.0.1; do
  # 1. Killed inside Import: the server holds the job, the journal only "submitting".
  d=$SCRATCH/found-$version
  j=$d.journal
  fake "$d" --version "$version" --hold-import 2 || continue
  run_until '"event":"submitting"' "$j"
  fake "$d" --version "$version"
  rerun "$version killed inside Import" "$j"
  grep -q '"event":"reconciled"' "$j" && fail "$version: the job was not found again through REST (settled by the count)" ||
    pass "$version: the job of the killed run found again through REST"
  exactly_once "$version killed inside Import"
  grep -q '"event":"server","version":"'"$version"'"' "$j" && pass "$version: the journal records the server version" ||
    fail "$version: no server version in the journal"
  tail -n 1 "$SCRATCH/out.jsonl" | grep -q '"server_version":"'"$version"'"' && pass "$version: the summary names the server version" ||
    fail "$version: summary: $(tail -n 1 "$SCRATCH/out.jsonl")"

  # 2. The same window, and the job forgotten (retention 1 s) before the rerun.
  d=$SCRATCH/forgot-$version
  j=$d.journal
  fake "$d" --version "$version" --hold-import 2 --retention 1 || continue
  run_until '"event":"submitting"' "$j"
  sleep 3  # the held job completes, then is forgotten
  rerun "$version killed inside Import, job forgotten" "$j"
  grep -q '"event":"reconciled"' "$j" && pass "$version: the forgotten job settled by the row count" ||
    fail "$version: no reconciled entry in the journal"
  exactly_once "$version killed inside Import, job forgotten"

  # 3. Journaled jobs forgotten before the rerun (2100 on 2.4.5+, "unknown import job state" before).
  d=$SCRATCH/journaled-$version
  j=$d.journal
  fake "$d" --version "$version" --retention 1 || continue
  run_until '"event":"submitted"' "$j"
  sleep 3
  rerun "$version journaled jobs forgotten" "$j"
  exactly_once "$version journaled jobs forgotten"

  # 4. The server killed with jobs running, then started again: they go on (2.4+ persist jobs).
  d=$SCRATCH/restart-$version
  j=$d.journal
  fake "$d" --version "$version" --stage-seconds 1 || continue
  mm-bulkinsert -q --address "127.0.0.1:$port" --poll-interval 0.2 -j 3 --journal "$j" "$SCRATCH/groups.jsonl" >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 1 200); do grep -q '"event":"submitted"' "$j" 2>/dev/null && break; sleep 0.05; done
  kill_fake "$d"
  wait "$pid" && fail "$version: mm-bulkinsert exited 0 while the server was down" || pass "$version: server killed: mm-bulkinsert fails"
  fake "$d" --version "$version"
  rerun "$version server restarted" "$j"
  exactly_once "$version server restarted"
done

# 5. A failed job: the reason is shown, the rerun after the fix imports the group once.
d=$SCRATCH/failed
fake "$d" --version v2.6.3
victim=$(grep -o '"data":"[^"]*"' "$SCRATCH/groups.jsonl" | head -n 1 | cut -d'"' -f4)
mv "$victim" "$victim.away"
expect_error "2.6 failed job" "failed: " bulk --journal "$d.journal" "$SCRATCH/groups.jsonl"
mv "$victim.away" "$victim"
rerun "2.6 failed job fixed" "$d.journal"
exactly_once "2.6 failed job fixed"

# 6. Refused before any import.
# The REST API off (proxy.http.enabled: false) when the crash window needs it: one line naming the
# group and how to check, nothing submitted again.
d=$SCRATCH/norest
fake "$d" --version v2.6.3 --hold-import 2 --no-rest
run_until '"event":"submitting"' "$d.journal"
held=$(grep -o '"group":"[^"]*"' "$d.journal" | tail -n 1 | cut -d'"' -f4)
expect_error "2.6 without REST, killed inside Import" "import $held: an earlier run submitted it but its job id never reached the journal .*cannot be searched" \
  bulk --journal "$d.journal" "$SCRATCH/groups.jsonl"
[ "$(grep -c '"event":"submitting","group":"'"$held"'"' "$d.journal")" = 1 ] && pass "without REST: $held not submitted again" ||
  fail "without REST: $held submitted again"
# A group of 16 GiB or more with its headers: refused before it is submitted (exit 3).
jq -c 'if .kind == "group" then .bytes = 17179869184 else . end' "$SCRATCH/groups.jsonl" >"$SCRATCH/huge.jsonl"
d=$SCRATCH/huge
fake "$d" --version v2.6.3
expect_error "group of 16 GiB" "holds 16.0 GiB with its NumPy headers; Milvus imports less than 16 GiB per group" bulk --journal "$d.journal" "$SCRATCH/huge.jsonl"
grep -q '"event":"submitting"' "$d.journal" && fail "16 GiB: a group was submitted" || pass "16 GiB: nothing submitted"
collection=$(grep -m1 '"kind":"collection"' "$SCRATCH/groups.jsonl" | grep -o '"collection":"[^"]*"' | cut -d'"' -f4)
dim=$(grep -m1 '"kind":"collection"' "$SCRATCH/groups.jsonl" | grep -o '"dim":[0-9]*' | cut -d: -f2)
d=$SCRATCH/nullable
fake "$d" --version v2.5.27
curl -sS -XPOST "http://127.0.0.1:$port/_fake/collection" -d '{"name":"'"$collection"'","dim":'"$dim"',"nullable":true}' >/dev/null
expect_error "2.5: nullable field refused early" "is nullable, and Milvus 2.5.27 refuses NumPy imports" bulk --journal "$d.journal" "$SCRATCH/groups.jsonl"
grep -q '"event":"submitting"' "$d.journal" && fail "2.5 nullable: something was submitted" || pass "2.5 nullable: nothing submitted"
d=$SCRATCH/pkey
fake "$d" --version v2.6.3
curl -sS -XPOST "http://127.0.0.1:$port/_fake/collection" -d '{"name":"'"$collection"'","dim":'"$dim"',"partition_key":true}' >/dev/null
expect_error "partition key refused early" "is a partition key" bulk --journal "$d.journal" "$SCRATCH/groups.jsonl"
d=$SCRATCH/replicating
fake "$d" --version v3.0.1 --replicating
expect_error "3.0 under replication" "import in replicating cluster is not supported" bulk --journal "$d.journal" "$SCRATCH/groups.jsonl"

# 7. Through mm-upload: the probe imports a tiny group from where mm-upload writes, then removes it.
d=$SCRATCH/probe
fake "$d" --version v3.0.1
mm-upload -q --backend local --dir "$SCRATCH/import" "$SCRATCH/groups.jsonl" >"$SCRATCH/uploaded.jsonl"
if mm-bulkinsert --address "127.0.0.1:$port" --poll-interval 0.2 -j 3 --journal "$d.journal" "$SCRATCH/uploaded.jsonl" >/dev/null 2>"$SCRATCH/probe.err"; then
  pass "3.0 through mm-upload: imported and verified"
else
  fail "3.0 through mm-upload: $(grep error: "$SCRATCH/probe.err")"
fi
grep -q "probe: Milvus 3.0.1 imported a probe group written to $SCRATCH/import" "$SCRATCH/probe.err" && pass "3.0: the probe ran first" ||
  fail "3.0: no probe line: $(head -n 3 "$SCRATCH/probe.err")"
# A fresh run probes as soon as it reads the store record (mm-upload's first line), before it sets
# up the collections whose records follow, so that the probe overlaps the first group's conversion.
probe_at=$(grep -n -m1 "probe: Milvus 3.0.1 imported" "$SCRATCH/probe.err" | cut -d: -f1)
setup_at=$(grep -n -m1 -E "created collection|collection .* exists" "$SCRATCH/probe.err" | cut -d: -f1)
[ -n "$probe_at" ] && [ -n "$setup_at" ] && [ "$probe_at" -lt "$setup_at" ] &&
  pass "3.0: a fresh run probes at the store record, before setting up its collections" ||
  fail "3.0: the probe at line ${probe_at:-none} of its log, the first collection set up at line ${setup_at:-none}"
left=$(find "$SCRATCH/import" -name '.mm-probe*'; curl -sS "http://127.0.0.1:$port/_fake/state" | jq -r '.collections | keys[]' | grep mm_probe_ || true)
[ -z "$left" ] && pass "3.0: no probe file or collection left" || fail "3.0: probe leftovers: $left"
cp "$SCRATCH/groups.jsonl" "$SCRATCH/groups.orig" && cp "$SCRATCH/uploaded.jsonl" "$SCRATCH/groups.jsonl"
exactly_once "3.0 through mm-upload"
cp "$SCRATCH/groups.orig" "$SCRATCH/groups.jsonl"

# 8. Auth: the REST search of the crash window carries the same credentials.
d=$SCRATCH/auth
fake "$d" --version v2.6.3 --auth --hold-import 2
export MM_MILVUS_PASSWORD
MM_MILVUS_PASSWORD=$(cat "$d/password")
run_until '"event":"submitting"' "$d.journal" --user root
fake "$d" --version v2.6.3 --auth
rerun "2.6 with auth, killed inside Import" "$d.journal" --user root
exactly_once "2.6 with auth, killed inside Import"
grep -q "$MM_MILVUS_PASSWORD" "$d.journal" "$SCRATCH/out.jsonl" "$SCRATCH/err" && fail "the password leaked" || pass "no password in journal, output or messages"
MM_MILVUS_PASSWORD=wrong
expect_error "wrong password" "authentication failed\|UNAUTHENTICATED\|auth" bulk --user root --journal "$SCRATCH/j-wrong" "$SCRATCH/groups.jsonl"
unset MM_MILVUS_PASSWORD
finish
