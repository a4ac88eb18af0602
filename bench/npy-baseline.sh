#!/usr/bin/env bash
# mm-npy of this build against another build's (MM_BASELINE_BIN, e.g. of the previous commit), run
# back to back in each run on the same generated 1.x data (128-d, 1 GiB groups), for each delete
# fraction (default: none and 10%): the wall time, the time until the first group record appears on stdout
# (when mm-upload and mm-bulkinsert can start on it), and the peak RSS. Results: bench/RESULTS.md.
# Environment: MM_BASELINE_BIN (required), BENCH_DIR (default bench/out), BENCH_BYTES (default
# 2 GiB), BENCH_RUNS (default 5), BENCH_JOBS (default nproc), BENCH_DELETE_FRACS (default "0 0.1"),
# BENCH_CHUNK_SIZE (mm-npy --chunk-size of both builds, default 64M), MM_BIN (default build/).
set -euo pipefail
shopt -s inherit_errexit
src=$(cd "$(dirname "$0")/.." && pwd)
bin=${MM_BIN:-$src/build}
baseline=${MM_BASELINE_BIN:?MM_BASELINE_BIN: the directory of the build to compare with}
dir=${BENCH_DIR:-$src/bench/out}
bytes=${BENCH_BYTES:-2147483648}
runs=${BENCH_RUNS:-5}
jobs=${BENCH_JOBS:-$(nproc)}
fracs=${BENCH_DELETE_FRACS:-0 0.1}
chunk=${BENCH_CHUNK_SIZE:-64M}
mkdir -p "$dir" && dir=$(cd "$dir" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mm-npy-baseline.XXXXXX")
# shellcheck source=bench/lib.sh
. "$src/bench/lib.sh"
trap 'rm -rf "$tmp"' EXIT

# convert NAME BIN SCAN: BIN's mm-npy into a fresh directory; appends the wall seconds, the seconds
# until the first group record and the peak RSS (KiB) to $tmp/NAME.{s,first,rss}.
convert() {
    local name=$1 tool=$2/mm-npy scan=$3 t0 t1 line first=
    rm -rf "$dir/npy-baseline" && sync
    t0=$(now)
    while IFS= read -r line; do
        [[ -z $first && $line == *'"kind":"group"'* ]] && first=$(now)
    done < <(/usr/bin/time -f %M -o "$tmp/rss" "$tool" -q -j "$jobs" --chunk-size "$chunk" --out "$dir/npy-baseline" "$scan")
    wait $!
    t1=$(now)
    sub "$t1" "$t0" >>"$tmp/$name.s" && echo >>"$tmp/$name.s"
    sub "$first" "$t0" >>"$tmp/$name.first" && echo >>"$tmp/$name.first"
    tail -n 1 "$tmp/rss" >>"$tmp/$name.rss"
}

echo "$(machine); mm-npy -j $jobs --chunk-size $chunk, 1 GiB groups; $runs runs; baseline: $baseline"
echo
echo "| data | build | wall s | baseline wall / this wall | first group after s | baseline first / this first | peak RSS MiB |"
echo "|---|---|---|---|---|---|---|"
for frac in $fracs; do
    fx=$(fixture "$bytes" 128 "$frac")
    scan "$fx" "$tmp/scan.jsonl"
    mapfile -t inputs < <(find "$fx/db/tables" \( -name '*.rv' -o -name '*.uid' \) | sort)
    cat "${inputs[@]}" >/dev/null # page cache warm for both
    rm -f "$tmp"/*.s "$tmp"/*.first "$tmp"/*.rss
    # Which build goes first alternates: the first of a pair meets the other's leftovers (dirty
    # pages, page cache), and must not always be the same one.
    for run in $(seq "$runs"); do
        if ((run % 2)); then
            convert base "$baseline" "$tmp/scan.jsonl"
            convert this "$bin" "$tmp/scan.jsonl"
        else
            convert this "$bin" "$tmp/scan.jsonl"
            convert base "$baseline" "$tmp/scan.jsonl"
        fi
    done
    for name in base this; do
        paste -d' ' "$tmp/base.s" "$tmp/$name.s" | awk '{printf "%.3f\n", $1 / $2}' >"$tmp/$name.rs"
        paste -d' ' "$tmp/base.first" "$tmp/$name.first" | awk '{printf "%.3f\n", $1 / $2}' >"$tmp/$name.rf"
        printf '| %s of %s, %s deleted | %s | %s | **%s** | %s | **%s** | %s |\n' "$(gib "$(payload "$fx")")" "$(basename "$fx")" "$frac" \
            "$([[ $name == base ]] && echo baseline || echo this)" "$(fmt "$tmp/$name.s")" "$(fmt "$tmp/$name.rs")" \
            "$(fmt "$tmp/$name.first")" "$(fmt "$tmp/$name.rf")" "$(awk '{print int($1 / 1024)}' "$tmp/$name.rss" | sort -n | tail -n 1)"
    done
done
rm -rf "$dir/npy-baseline"
echo
echo "times: median (min–max) of $runs runs; ratios per run (the two builds back to back, in alternating order), then median (min–max). Load average at the end: $(load)"
