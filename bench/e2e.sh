#!/usr/bin/env bash
# End to end into a real Milvus 2.3 (issue 5, item 5): a generated 1.x collection (128-d, ≈ 1M rows,
# delete-free) through MinIO into Milvus, and how the wall time splits between our tools and the
# server's import. Per run, three imports into a fresh collection (dropped first, with pymilvus):
#
#   staged     mm-meta | mm-scan > scan.jsonl; mm-npy -j J scan.jsonl > groups.jsonl;
#              mm-upload -j J groups.jsonl > uploaded.jsonl; mm-bulkinsert -j I uploaded.jsonl
#              one stage after the other, so that each one's wall time is its own
#   streamed   mm-meta | mm-scan | mm-npy --group-size G | mm-upload | mm-bulkinsert (what mm-run run
#              drives), for each G of BENCH_E2E_GROUPS (default "1G 1G:1G 128M"; 1G is mm-npy's
#              default; G:F adds --first-group-size F, and G:G is the old cut, without the small
#              first group): with several groups our stages overlap the server's imports of the groups before;
#              each run also gives the time from the start to the first "submitting" journal entry
#
# The server's import time is read from mm-bulkinsert's journal, whose entries carry their UTC time
# (ms): the time during which at least one group was between its "submitting" and its "completed"
# entry is the server's. Ours is the rest of
# the wall time: staged, meta+scan + npy + upload + mm-bulkinsert outside the imports (connecting,
# creating the collection, the row-count check); streamed, the wall time outside the imports.
# --poll-interval 0.25: a completion is seen ≤ 0.25 s late, and that wait counts as the server's.
# Environment: BENCH_DIR (default bench/out), BENCH_E2E_BYTES (default 512 MiB: 1 032 444 rows),
# BENCH_E2E_RUNS (default 5), BENCH_E2E_GROUPS (group sizes of the streamed variant, default
# "1G 1G:1G 128M"), BENCH_E2E_IMPORTS (mm-bulkinsert -j: imports in flight, default 2), BENCH_JOBS (default nproc), MM_BIN, MM_TOOLS_DIR,
# MM_BASELINE_BIN (another build's directory: each streamed variant runs with its mm-npy too, back to back, and a last
# table gives the ratios).
set -euo pipefail
shopt -s inherit_errexit
src=$(cd "$(dirname "$0")/.." && pwd)
bin=${MM_BIN:-$src/build}
dir=${BENCH_DIR:-$src/bench/out}
bytes=${BENCH_E2E_BYTES:-536870912}
runs=${BENCH_E2E_RUNS:-5}
jobs=${BENCH_JOBS:-$(nproc)}
groups=${BENCH_E2E_GROUPS:-1G 1G:1G 128M}
imports=${BENCH_E2E_IMPORTS:-2}
baseline=${MM_BASELINE_BIN:-}
vpy=${MM_TOOLS_DIR:-$HOME/.cache/milvus-mm}/venv/bin/python
mkdir -p "$dir" && dir=$(cd "$dir" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mm-e2e.XXXXXX") && chmod 700 "$tmp"
# shellcheck source=bench/lib.sh
. "$src/bench/lib.sh"
start_minio_and_milvus

fx=$(fixture "$bytes")
size=$(payload "$fx")

# imported_ok: mm-bulkinsert's summary says every partition is ok; prints the rows
imported_ok() {
    jq -er 'select(.kind == "summary" and .tool == "mm-bulkinsert") | select(.partitions | all(.ok)) | [.partitions[].rows] | add' \
        "$tmp/imported.jsonl" || { echo "e2e: mm-bulkinsert's summary is not ok" >&2; exit 1; }
}
bulk() { # ARGS...: mm-bulkinsert into the test server
    "$bin/mm-bulkinsert" -q --address "$addr" --journal "$tmp/journal" -j "$imports" --poll-interval 0.25 "$@" >"$tmp/imported.jsonl"
}
fresh() { drop_all; rm -rf "$tmp/npy" "$tmp/journal" && sync; }

stage_meta_scan() { scan "$fx" "$tmp/scan.jsonl"; }
stage_npy() { "$bin/mm-npy" -q -j "$jobs" --out "$tmp/npy" "$tmp/scan.jsonl" >"$tmp/groups.jsonl"; }
stage_upload() {
    s3env "$bin/mm-upload" -q --endpoint "127.0.0.1:$port" --bucket "$bucket" --prefix "$1" -j "$jobs" \
        "$tmp/groups.jsonl" >"$tmp/uploaded.jsonl"
}
stage_bulk() { bulk "$tmp/uploaded.jsonl"; }
# streamed GROUP_SIZE[:FIRST_GROUP_SIZE] PREFIX NPY_BIN: the whole pipeline at once, as mm-run run
# drives it, with NPY_BIN's mm-npy
streamed() {
    local sizes=(--group-size "${1%%:*}")
    [[ $1 != *:* ]] || sizes+=(--first-group-size "${1##*:}")
    "$bin/mm-meta" -q --sqlite "$fx/db/meta.sqlite" | "$bin/mm-scan" -q --tables "$fx/db/tables" |
        "$3/mm-npy" -q -j "$jobs" "${sizes[@]}" --out "$tmp/npy" |
        s3env "$bin/mm-upload" -q --endpoint "127.0.0.1:$port" --bucket "$bucket" --prefix "$2" -j "$jobs" | bulk
}

# The streamed variants: st-G with our mm-npy, st-b-G with the baseline's (MM_BASELINE_BIN), back to back.
variants=
for g in $groups; do variants+=" st-$g${baseline:+ st-b-$g}"; done

echo "$(machine); -j $jobs; mm-bulkinsert -j $imports; $runs runs${baseline:+; baseline mm-npy: $baseline}"
echo "fixture: $(gib "$size") of .rv+.uid, 128-d, delete-free, $(jq -r '[.collections[].partitions[].rows] | add' "$fx/expected/index.json") rows ($fx); Milvus 2.3 standalone (scripts/test-milvus.sh, storage: the MinIO below); MinIO scripts/test-minio.sh; both on this machine"
for i in $(seq "$runs"); do
    # staged, default group size (1 GiB)
    fresh
    timed meta_scan stage_meta_scan
    timed npy stage_npy
    timed upload stage_upload "e2e-$i"
    timed bulk stage_bulk
    rows=$(imported_ok)
    busy "$tmp/journal" >>"$tmp/server.s"
    own=$(sub "$(last bulk)" "$(tail -n 1 "$tmp/server.s")")
    echo "$own" >>"$tmp/bulk_own.s"
    echo "$(last meta_scan) + $(last npy) + $(last upload) + $own" | bc -l >>"$tmp/ours.s"
    echo "$(last meta_scan) + $(last npy) + $(last upload) + $(last bulk)" | bc -l >>"$tmp/total.s"
    purge "e2e-$i"
    # streamed, the default group size and smaller ones (more overlap between our stages and the server)
    for v in $variants; do
        g=${v#st-} npy_bin=$bin
        [[ $g != b-* ]] || { g=${g#b-} && npy_bin=$baseline; }
        fresh
        t0=$(now)
        timed "$v" streamed "$g" "e2e-$v-$i" "$npy_bin"
        rows=$(imported_ok)
        first_import "$tmp/journal" "$t0" >>"$tmp/$v-first.s"
        busy "$tmp/journal" >>"$tmp/$v-server.s"
        grep -c '"event":"completed"' "$tmp/journal" >"$tmp/$v.groups"
        sub "$(last "$v")" "$(tail -n 1 "$tmp/$v-server.s")" >>"$tmp/$v-ours.s" && echo >>"$tmp/$v-ours.s"
        purge "e2e-$v-$i"
    done
    echo "e2e: run $i: $rows rows in Milvus; load average $(load)" >&2
done
# per run a / b, into $tmp/OUT
ratio() { paste -d' ' "$tmp/$1.s" "$tmp/$2.s" | awk '{printf "%.3f\n", $1 / $2}' >"$tmp/$3"; }

echo "rows in Milvus after each import: $rows (mm-bulkinsert's row-count check passed every time)"
echo
echo "### Stage after stage (default group size 1G: $(grep -c '"kind":"group"' "$tmp/groups.jsonl") group(s))"
echo
echo "| part | wall s | CPU s (user+sys) | share of the total wall |"
echo "|---|---|---|---|"
part() { # NAME LABEL
    local cpu=– sh
    [[ ! -f $tmp/$1.cpu ]] || cpu=$(med "$tmp/$1.cpu")
    ratio "$1" total "sh-$1"
    sh=$(fmt "$tmp/sh-$1")
    echo "| $2 | $(fmt "$tmp/$1.s") | $cpu | $sh |"
}
part meta_scan "mm-meta \| mm-scan"
part npy "mm-npy -j $jobs"
part upload "mm-upload -j $jobs (into MinIO)"
part bulk "mm-bulkinsert -j $imports, whole"
part server "… of which the server's import time (union of submitting → completed per group)"
part bulk_own "… of which mm-bulkinsert's own (the rest)"
part ours "**ours** (meta+scan + npy + upload + mm-bulkinsert's own)"
part total "total wall (all stages)"
ratio ours total share
echo
echo "**ours / total wall, stage after stage: $(fmt "$tmp/share")** (target ≤ 0.10); throughput of the whole: $(rate "$size" "$(med "$tmp/total.s")") MiB/s of .rv+.uid"
echo
echo "### Streamed (mm-meta | mm-scan | mm-npy --group-size G | mm-upload | mm-bulkinsert, as mm-run run)"
echo
echo "| group size | groups | total wall s | first import after s | server import time s | ours: wall outside the server's import s | ours / total wall | CPU s of our tools |"
echo "|---|---|---|---|---|---|---|---|"
for v in $variants; do
    ratio "$v-ours" "$v" "$v-share"
    label=${v#st-} && [[ $label != b-* ]] || label="${label#b-} (baseline mm-npy)"
    [[ $label != *:* ]] || label="${label%%:*}, first group ${label#*:}"
    echo "| $label | $(<"$tmp/$v.groups") | $(fmt "$tmp/$v.s") | $(fmt "$tmp/$v-first.s") | $(fmt "$tmp/$v-server.s") | $(fmt "$tmp/$v-ours.s") | **$(fmt "$tmp/$v-share")** | $(med "$tmp/$v.cpu") |"
done
# Each streamed variant against the first of BENCH_E2E_GROUPS, per run (they run back to back).
first_variant=${variants# } && first_variant=${first_variant%% *}
if [[ $variants == *" "*" "* ]]; then
    echo
    echo "| group size | its wall / the wall of ${first_variant#st-} | its first import / that of ${first_variant#st-} |"
    echo "|---|---|---|"
    for v in $variants; do
        [[ $v != "$first_variant" ]] || continue
        ratio "$v" "$first_variant" "vs-first-$v" && ratio "$v-first" "$first_variant-first" "vs-first-import-$v"
        echo "| ${v#st-} | **$(fmt "$tmp/vs-first-$v")** | $(fmt "$tmp/vs-first-import-$v") |"
    done
fi
if [[ -n $baseline ]]; then
    echo
    echo "| group size | baseline wall / this wall | baseline ours / this ours |"
    echo "|---|---|---|"
    for g in $groups; do
        ratio "st-b-$g" "st-$g" "wall-$g" && ratio "st-b-$g-ours" "st-$g-ours" "ours-$g"
        echo "| $g | **$(fmt "$tmp/wall-$g")** | **$(fmt "$tmp/ours-$g")** |"
    done
fi
echo
echo "times: median (min–max) of $runs runs; shares per run, then median (min–max). CPU: user+sys of our processes"
echo "(mm-bulkinsert: the client only; MinIO and Milvus are not ours). Load average at the end: $(load)"
