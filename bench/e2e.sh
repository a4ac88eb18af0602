#!/usr/bin/env bash
# End to end into a real Milvus 2.3 (issue 5, item 5): a generated 1.x collection (128-d, ≈ 1M rows,
# delete-free) through MinIO into Milvus, stage after stage, and how the wall time splits between
# our tools and the server's import.
#
#   mm-meta | mm-scan > scan.jsonl; mm-npy -j J scan.jsonl > groups.jsonl;
#   mm-upload -j J groups.jsonl > uploaded.jsonl; mm-bulkinsert -j J uploaded.jsonl > imported.jsonl
#
# The stages run one after the other (not streamed) so that each one's wall time is its own. The
# server's import time is read from mm-bulkinsert's journal: a watcher stamps each line as it
# appears (the journal is fdatasync'd after every entry); the import window runs from the first
# "submitting" to the last "completed". mm-bulkinsert's own time is its wall time outside that window
# (connecting, creating the collection, the row-count check). Ours = meta+scan + npy + upload +
# mm-bulkinsert's own; share = ours / total wall. --poll-interval 0.25: a completion is seen ≤ 0.25 s
# late, and that wait is counted in the server's window.
# Each run imports into a fresh collection (dropped before the run, with pymilvus) and a fresh prefix.
# Environment: BENCH_DIR (default bench/out), BENCH_E2E_BYTES (default 512 MiB: 1 032 444 rows),
# BENCH_E2E_RUNS (default 5), BENCH_JOBS (default nproc), MM_BIN, MM_TOOLS_DIR.
set -euo pipefail
shopt -s inherit_errexit
src=$(cd "$(dirname "$0")/.." && pwd)
bin=${MM_BIN:-$src/build}
dir=${BENCH_DIR:-$src/bench/out}
bytes=${BENCH_E2E_BYTES:-536870912}
runs=${BENCH_E2E_RUNS:-5}
jobs=${BENCH_JOBS:-$(nproc)}
vpy=${MM_TOOLS_DIR:-$HOME/.cache/milvus-mm}/venv/bin/python
mkdir -p "$dir" && dir=$(cd "$dir" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mm-e2e.XXXXXX") && chmod 700 "$tmp"
# shellcheck source=bench/lib.sh
. "$src/bench/lib.sh"
milvus_dir=$tmp/milvus
cleanup() {
    [[ ! -d $milvus_dir ]] || "$src/scripts/test-milvus.sh" stop "$milvus_dir" >/dev/null 2>&1 || true
    stop_minio
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fx=$(fixture "$bytes")
size=$(payload "$fx")
start_minio
"$src/scripts/test-milvus.sh" start "$milvus_dir" minio "$minio_dir" >&2
addr=127.0.0.1:$(<"$milvus_dir/port")

drop_all() {
    "$vpy" - "$addr" <<'PY'
import sys
from pymilvus import connections, utility
connections.connect(uri="http://" + sys.argv[1])
for c in utility.list_collections():
    utility.drop_collection(c)
PY
}
# Stamps each complete line of the journal with the time it appeared, until $tmp/stop exists.
watch_journal() {
    /usr/bin/python3 - "$1" "$tmp/stop" >"$2" <<'PY'
import os, sys, time
path, stop = sys.argv[1], sys.argv[2]
seen, buf = 0, b""
while True:
    done = os.path.exists(stop)
    if os.path.exists(path):
        with open(path, "rb") as f:
            f.seek(seen)
            data = f.read()
        seen += len(data)
        buf += data
        t = time.time()
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            print(f"{t:.3f} {line.decode()}", flush=True)
    if done:
        break
    time.sleep(0.01)
PY
}
# window STAMPED: seconds from the first "submitting" to the last "completed" entry
window() {
    awk '/"event":"submitting"/ && !s {s=$1} /"event":"completed"/ {c=$1} END {printf "%.3f\n", c - s}' "$1"
}

stage_meta_scan() { scan "$fx" "$tmp/scan.jsonl"; }
stage_npy() { "$bin/mm-npy" -q -j "$jobs" --out "$tmp/npy" "$tmp/scan.jsonl" >"$tmp/groups.jsonl"; }
stage_upload() {
    s3env "$bin/mm-upload" -q --endpoint "127.0.0.1:$port" --bucket "$bucket" --prefix "$1" -j "$jobs" \
        "$tmp/groups.jsonl" >"$tmp/uploaded.jsonl"
}
stage_bulk() {
    "$bin/mm-bulkinsert" -q --address "$addr" --journal "$tmp/journal" -j "$jobs" --poll-interval 0.25 \
        "$tmp/uploaded.jsonl" >"$tmp/imported.jsonl"
}

echo "$(machine); -j $jobs; $runs runs"
echo "fixture: $(gib "$size") of .rv+.uid, 128-d, delete-free, $(jq -r '[.collections[].partitions[].rows] | add' "$fx/expected/index.json") rows ($fx); Milvus 2.3 standalone (scripts/test-milvus.sh, storage: the MinIO below); MinIO scripts/test-minio.sh; both on this machine"
for i in $(seq "$runs"); do
    drop_all
    rm -rf "$tmp/npy" "$tmp/journal" "$tmp/stop" && sync
    timed meta_scan stage_meta_scan
    timed npy stage_npy
    timed upload stage_upload "e2e-$i"
    watch_journal "$tmp/journal" "$tmp/stamped" &
    watcher=$!
    timed bulk stage_bulk
    touch "$tmp/stop" && wait "$watcher"
    window "$tmp/stamped" >>"$tmp/server.s"
    jq -e 'select(.kind == "summary") | .partitions | all(.ok)' "$tmp/imported.jsonl" >/dev/null ||
        { echo "e2e: run $i: mm-bulkinsert's summary is not ok" >&2; exit 1; }
    rows=$(jq -r 'select(.kind == "summary") | [.partitions[].rows] | add' "$tmp/imported.jsonl")
    own=$(sub "$(last bulk)" "$(tail -n 1 "$tmp/server.s")")
    echo "$own" >>"$tmp/bulk_own.s"
    ours=$(echo "$(last meta_scan) + $(last npy) + $(last upload) + $own" | bc -l)
    total=$(echo "$(last meta_scan) + $(last npy) + $(last upload) + $(last bulk)" | bc -l)
    echo "$ours" >>"$tmp/ours.s"
    echo "$total" >>"$tmp/total.s"
    div "$ours" "$total" >>"$tmp/share" && echo >>"$tmp/share"
    purge "e2e-$i"
    echo "e2e: run $i: $rows rows in Milvus; ours ${ours}s of ${total}s; load average $(load)" >&2
done

echo "rows in Milvus after each run: $rows (mm-bulkinsert's row-count check passed every run)"
echo
echo "| part | wall s | CPU s (user+sys) | share of the total wall |"
echo "|---|---|---|---|"
part() { # NAME LABEL
    local cpu=– sh
    [[ ! -f $tmp/$1.cpu ]] || cpu=$(med "$tmp/$1.cpu")
    paste -d' ' "$tmp/$1.s" "$tmp/total.s" | awk '{printf "%.3f\n", $1 / $2}' >"$tmp/sh-$1"
    sh=$(fmt "$tmp/sh-$1")
    echo "| $2 | $(fmt "$tmp/$1.s") | $cpu | $sh |"
}
part meta_scan "mm-meta \| mm-scan"
part npy "mm-npy -j $jobs"
part upload "mm-upload -j $jobs (into MinIO)"
part bulk "mm-bulkinsert -j $jobs, whole"
part server "… of which the server's import window (first submitting → last completed)"
part bulk_own "… of which mm-bulkinsert's own (the rest)"
part ours "**ours** (meta+scan + npy + upload + mm-bulkinsert's own)"
part total "total wall (all stages)"
echo
echo "**ours / total wall: $(fmt "$tmp/share")** (target ≤ 0.10); throughput of the whole: $(rate "$size" "$(med "$tmp/total.s")") MiB/s of .rv+.uid"
echo "times: median (min–max) of $runs runs; shares per run, then median (min–max); CPU of mm-bulkinsert: the client only. Load average at the end: $(load)"
