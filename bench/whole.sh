#!/usr/bin/env bash
# A whole migration (issue 13, items 3 and 5): `mm-run run` against milvus-migration's `dump` then
# `load`, both driven by the same migration.yaml (meta.mode mock: mm-meta's meta.json; target.mode
# remote: the MinIO below; target.milvus2x: the Milvus 2.3 below, storage in that MinIO), on the
# same generated delete-free 1.x installation, for each size of BENCH_WHOLE_SIZES and each dimension
# of BENCH_DIMS, alternating run by run (who goes first rotates). Before each run every collection
# is dropped and the bucket emptied.
# Per run: the wall time; the rows Milvus counts afterwards (pymilvus, each collection flushed),
# which must be the installation's or the bench fails; the time to the first import; and for ours
# the server's import time from mm-run's journal (the union of each group's submitting → completed),
# so that ours / server-only shows what the server alone would take, and our share of the wall
# (1 − server / wall). The medians of ours go to $BENCH_DIR/whole.dat for bench/plot-whole.sh.
# milvus-migration (built outside the project) comes from MM_MIGRATION; without it its rows say
# "not measured" and ours are measured alone. MM_BASELINE_BIN (another build's directory, e.g. of
# the previous commit) adds its `mm-run run` to the rotation, and its wall / this build's wall.
# BENCH_NO_PROBE=1 adds this build's `mm-run run` without the import probe (milvusmm.probe: false):
# the probe's cost, in the same runs.
# Environment: BENCH_DIR (fixtures, default bench/out), BENCH_WHOLE_SIZES (GiB of .rv+.uid, default
# "0.5 1 2 4"), BENCH_DIMS (default "128 768"), BENCH_RUNS (default 3), BENCH_JOBS (default nproc),
# MM_BIN (default build/), MM_BASELINE_BIN, MM_MIGRATION, MM_TOOLS_DIR.
set -euo pipefail
shopt -s inherit_errexit
src=$(cd "$(dirname "$0")/.." && pwd)
bin=${MM_BIN:-$src/build}
dir=${BENCH_DIR:-$src/bench/out}
sizes=${BENCH_WHOLE_SIZES:-0.5 1 2 4}
dims=${BENCH_DIMS:-128 768}
runs=${BENCH_RUNS:-3}
jobs=${BENCH_JOBS:-$(nproc)}
tools=${MM_TOOLS_DIR:-$HOME/.cache/milvus-mm}
mmig=${MM_MIGRATION:-$tools/bin/milvus-migration}
base=${MM_BASELINE_BIN:-}
vpy=$tools/venv/bin/python
mkdir -p "$dir" && dir=$(cd "$dir" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mm-whole.XXXXXX") && chmod 700 "$tmp"
# shellcheck source=bench/lib.sh
. "$src/bench/lib.sh"
have_mmig=0 && [[ -x $mmig ]] && have_mmig=1

start_minio_and_milvus

# migration_yaml FX WORK: the one migration.yaml both tools read, in WORK (mode 600: it holds the keys)
migration_yaml() { (umask 077 && bench_migration_yaml "$1" 2 minio whole "$addr" >"$2/migration.yaml"); }
fresh() { drop_all; purge whole; rm -rf "$tmp/run"; mkdir -p "$tmp/run"; sync; }
# mm_run BIN NAME FX [PROBE]: BIN's mm-run run in $tmp/run (milvusmm.probe: PROBE, default true);
# its first import and server time go to $tmp/NAME-first.s and $tmp/NAME-server.s
mm_run() {
    local t0
    migration_yaml "$3" "$tmp/run"
    printf 'milvusmm:\n  probe: %s\n' "${4:-true}" >>"$tmp/run/migration.yaml"
    t0=$(now)
    (cd "$tmp/run" && MM_BIN=$1 "$src/scripts/mm-run" -q run >"$tmp/run/out.log" 2>&1) ||
        { echo "whole: $2's mm-run run failed: $(tail -n 3 "$tmp/run/out.log")" >&2; exit 1; }
    first_import "$tmp/run/mm-work/mm-bulkinsert.journal" "$t0" >>"$tmp/$2-first.s"
    busy "$tmp/run/mm-work/mm-bulkinsert.journal" >>"$tmp/$2-server.s"
}
ours() { mm_run "$bin" ours "$1"; }
baseline() { mm_run "$base" baseline "$1"; }
noprobe() { mm_run "$bin" noprobe "$1" false; }
# theirs FX: milvus-migration dump, then load, in $tmp/run. It exits 0 on failure: its log must
# say it succeeded.
theirs() {
    migration_yaml "$1" "$tmp/run"
    (cd "$tmp/run" && "$mmig" dump --config "$tmp/run/migration.yaml" >"$tmp/run/dump.log" 2>&1) || true
    grep -q "Dump Success" "$tmp/run/dump.log" || { echo "whole: milvus-migration dump failed: $(tail -n 3 "$tmp/run/dump.log")" >&2; exit 1; }
    (cd "$tmp/run" && "$mmig" load --config "$tmp/run/migration.yaml" >"$tmp/run/load.log" 2>&1) || true
}
# check NAME: the rows in Milvus after NAME's run must be the installation's
check() {
    local rows
    rows=$(milvus_rows)
    [[ $rows == "$want" ]] || { echo "whole: after $1, Milvus counts $rows rows, the installation has $want" >&2; exit 1; }
}

contenders="ours"
[[ -z $base ]] || contenders+=" baseline"
[[ ${BENCH_NO_PROBE:-0} != 1 ]] || contenders+=" noprobe"
((have_mmig)) && contenders+=" theirs"
echo "$(machine); -j $jobs; $runs runs, alternating"
echo "milvus-migration: $( ((have_mmig)) && echo "$mmig" || echo "not measured (MM_MIGRATION not given or not executable)")"
[[ -z $base ]] || echo "baseline build: $base"
echo
echo "| data | tool | wall s | first import after s | server import time s | wall / server-only | share of the wall outside the server's import | its wall / this build's |"
echo "|---|---|---|---|---|---|---|---|"
echo "# GiB dim first_import_s min max share min max (this build; medians, then the range)" >"$dir/whole.dat"
declare -A label=([ours]="mm-run run" [baseline]="mm-run run, baseline build" [noprobe]="mm-run run, no probe (milvusmm.probe: false)"
    [theirs]="milvus-migration dump + load")
for size in $sizes; do
    for dim in $dims; do
        fx=$(fixture "$(awk -v s="$size" 'BEGIN {printf "%d", s * 1073741824}')" "$dim")
        [[ -f $fx/meta.json ]] || "$bin/mm-meta" -q --sqlite "$fx/db/meta.sqlite" --export-json "$fx/meta.json" >/dev/null
        want=$(jq -r '[.collections[].partitions[].rows] | add' "$fx/expected/index.json")
        rm -f "$tmp"/*.s
        for i in $(seq "$runs"); do
            read -ra order <<<"$contenders"
            for ((k = 0; k < ${#order[@]}; k++)); do
                name=${order[(k + i) % ${#order[@]}]}
                fresh
                timed "$name" "$name" "$fx"
                check "$name"
            done
            for name in $contenders; do
                [[ $name == ours ]] || paste -d' ' <(last "$name") <(last ours) | awk '{printf "%.3f\n", $1 / $2}' >>"$tmp/$name-ratio.s"
                [[ $name == theirs ]] && continue # its journal is not ours to read
                paste -d' ' <(tail -n 1 "$tmp/$name-server.s") <(last "$name") |
                    awk '{printf "%.3f\n", $2 / $1; printf "%.3f\n", 1 - $1 / $2 > "/dev/stderr"}' \
                        >>"$tmp/$name-vs-server.s" 2>>"$tmp/$name-share.s"
            done
            echo "whole: $size GiB, $dim-d, run $i: $want rows in Milvus after each tool; load average $(load)" >&2
        done
        data="$(gib "$(payload "$fx")"), $dim-d, $want rows"
        for name in ours baseline noprobe theirs; do
            if [[ " $contenders " != *" $name "* ]]; then
                [[ $name != theirs ]] || echo "| $data | ${label[$name]} | not measured | – | – | – | – | – |"
                continue
            fi
            ratio="–" && [[ $name == ours ]] || ratio="**$(fmt "$tmp/$name-ratio.s")**"
            if [[ $name == theirs ]]; then
                echo "| $data | ${label[$name]} | $(fmt "$tmp/$name.s") | – | – | – | – | $ratio |"
            else
                echo "| $data | ${label[$name]} | $(fmt "$tmp/$name.s") | $(fmt "$tmp/$name-first.s") | $(fmt "$tmp/$name-server.s") | $(fmt "$tmp/$name-vs-server.s") | **$(fmt "$tmp/$name-share.s")** | $ratio |"
            fi
        done
        echo "$size $dim $(stats <"$tmp/ours-first.s") $(stats <"$tmp/ours-share.s")" >>"$dir/whole.dat"
    done
done
echo
echo "times: median (min–max) of $runs runs; ratios per run, then median (min–max). Load average at the end: $(load)"
