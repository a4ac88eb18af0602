#!/usr/bin/env bash
# A whole migration (issue 13, item 3): `mm-run run` against milvus-migration's `dump` then `load`,
# both driven by the same migration.yaml (meta.mode mock: mm-meta's meta.json; target.mode remote:
# the MinIO below; target.milvus2x: the Milvus 2.3 below, storage in that MinIO), on the same
# generated delete-free 1.x installation, for each dimension of BENCH_DIMS, alternating run by run
# (ours first in odd runs). Before each run every collection is dropped and the bucket emptied.
# Per run: the wall time; the rows Milvus counts afterwards (pymilvus, each collection flushed),
# which must be the installation's or the bench fails; the time to the first import; and for ours
# the server's import time from mm-run's journal (the union of each group's submitting → completed),
# so that ours / server-only shows what the server alone would take.
# milvus-migration (built outside the project) comes from MM_MIGRATION; without it its rows say
# "not measured" and ours are measured alone.
# Environment: BENCH_DIR (fixtures, default bench/out), BENCH_BYTES (.rv+.uid per dimension,
# default 2 GiB), BENCH_DIMS (default "128 768"), BENCH_RUNS (default 3), BENCH_JOBS (default nproc),
# MM_BIN (default build/), MM_MIGRATION, MM_TOOLS_DIR.
set -euo pipefail
shopt -s inherit_errexit
src=$(cd "$(dirname "$0")/.." && pwd)
bin=${MM_BIN:-$src/build}
dir=${BENCH_DIR:-$src/bench/out}
bytes=${BENCH_BYTES:-2147483648}
dims=${BENCH_DIMS:-128 768}
runs=${BENCH_RUNS:-3}
jobs=${BENCH_JOBS:-$(nproc)}
tools=${MM_TOOLS_DIR:-$HOME/.cache/milvus-mm}
mmig=${MM_MIGRATION:-$tools/bin/milvus-migration}
vpy=$tools/venv/bin/python
mkdir -p "$dir" && dir=$(cd "$dir" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mm-whole.XXXXXX") && chmod 700 "$tmp"
# shellcheck source=bench/lib.sh
. "$src/bench/lib.sh"
have_mmig=0 && [[ -x $mmig ]] && have_mmig=1

start_minio_and_milvus

# migration_yaml FX WORK: the one migration.yaml both tools read, in WORK (mode 600: it holds the keys)
migration_yaml() { (umask 077 && bench_migration_yaml "$1" 2 minio whole "$addr" >"$2/migration.yaml"); }
fresh() { drop_all; purge whole; rm -rf "$tmp/ours" "$tmp/theirs"; mkdir -p "$tmp/ours" "$tmp/theirs"; sync; }
# ours FX: mm-run run in $tmp/ours; its first import and server time go to $tmp/ours-{first,server}.s
ours() {
    local t0
    migration_yaml "$1" "$tmp/ours"
    t0=$(now)
    (cd "$tmp/ours" && MM_BIN=$bin "$src/scripts/mm-run" -q run >"$tmp/ours/out.log" 2>&1) ||
        { echo "whole: mm-run run failed: $(tail -n 3 "$tmp/ours/out.log")" >&2; exit 1; }
    first_import "$tmp/ours/mm-work/mm-bulkinsert.journal" "$t0" >>"$tmp/ours-first.s"
    busy "$tmp/ours/mm-work/mm-bulkinsert.journal" >>"$tmp/ours-server.s"
}
# theirs FX: milvus-migration dump, then load, in $tmp/theirs. It exits 0 on failure: its log must
# say it succeeded.
theirs() {
    migration_yaml "$1" "$tmp/theirs"
    (cd "$tmp/theirs" && "$mmig" dump --config "$tmp/theirs/migration.yaml" >"$tmp/theirs/dump.log" 2>&1) || true
    grep -q "Dump Success" "$tmp/theirs/dump.log" || { echo "whole: milvus-migration dump failed: $(tail -n 3 "$tmp/theirs/dump.log")" >&2; exit 1; }
    (cd "$tmp/theirs" && "$mmig" load --config "$tmp/theirs/migration.yaml" >"$tmp/theirs/load.log" 2>&1) || true
}
# check NAME: the rows in Milvus after NAME's run must be the installation's
check() {
    local rows
    rows=$(milvus_rows)
    [[ $rows == "$want" ]] || { echo "whole: after $1, Milvus counts $rows rows, the installation has $want" >&2; exit 1; }
}

echo "$(machine); -j $jobs; $runs runs, alternating"
echo "milvus-migration: $( ((have_mmig)) && echo "$mmig" || echo "not measured (MM_MIGRATION not given or not executable)")"
echo
echo "| data | tool | wall s | first import after s | server import time s | wall / server-only | milvus-migration wall / ours |"
echo "|---|---|---|---|---|---|---|"
for dim in $dims; do
    fx=$(fixture "$bytes" "$dim")
    [[ -f $fx/meta.json ]] || "$bin/mm-meta" -q --sqlite "$fx/db/meta.sqlite" --export-json "$fx/meta.json" >/dev/null
    want=$(jq -r '[.collections[].partitions[].rows] | add' "$fx/expected/index.json")
    for i in $(seq "$runs"); do
        order="ours theirs" && ((i % 2)) || order="theirs ours"
        for name in $order; do
            [[ $name == ours ]] || ((have_mmig)) || continue
            fresh
            timed "$name-$dim" "$name" "$fx"
            check "$name"
            [[ $name == theirs ]] || echo "$(last "ours-$dim") $(tail -n 1 "$tmp/ours-server.s")" |
                awk '{printf "%.3f\n", $1 / $2}' >>"$tmp/ours-$dim-vs-server.s"
        done
        ((have_mmig)) && paste -d' ' <(tail -n 1 "$tmp/theirs-$dim.s") <(tail -n 1 "$tmp/ours-$dim.s") |
            awk '{printf "%.3f\n", $1 / $2}' >>"$tmp/ratio-$dim.s" || true
        echo "whole: $dim-d run $i: $want rows in Milvus after each tool; load average $(load)" >&2
    done
    label="$(gib "$(payload "$fx")"), $dim-d, $want rows"
    ratio="not measured" && ((have_mmig)) && ratio="**$(fmt "$tmp/ratio-$dim.s")**"
    echo "| $label | mm-run run | $(fmt "$tmp/ours-$dim.s") | $(fmt "$tmp/ours-first.s") | $(fmt "$tmp/ours-server.s") | **$(fmt "$tmp/ours-$dim-vs-server.s")** | $ratio |"
    if ((have_mmig)); then
        echo "| $label | milvus-migration dump + load | $(fmt "$tmp/theirs-$dim.s") | – | – | – | – |"
    else
        echo "| $label | milvus-migration dump + load | not measured | – | – | – | – |"
    fi
    rm -f "$tmp/ours-first.s" "$tmp/ours-server.s"
done
echo
echo "times: median (min–max) of $runs runs; ratios per run, then median (min–max). Load average at the end: $(load)"
