#!/usr/bin/env bash
# Scaling (issue 5, item 6): mm-npy (conversion, to local disk) and mm-upload (into MinIO on
# loopback) against data size and workers: time should grow linearly with the size, peak RSS stay
# flat. Generated 1.x data, 128-d, delete-free, 256 MiB segments; page cache warm for the inputs.
#
#   mm-npy -q -j J --out OUT scan.jsonl                                (fsyncs every group)
#   mm-upload -q --endpoint … --bucket … --prefix P -j J groups.jsonl  (the files mm-npy just wrote)
#
# Every (size, J) pair runs once per round, in the same order each round; BENCH_RUNS rounds.
# Writes the table on stdout and the medians to $BENCH_DIR/scaling.dat for bench/plot.sh.
# Environment: BENCH_DIR (default bench/out), BENCH_SIZES (GiB, default "0.5 1 2 4"),
# BENCH_SCALE_JOBS (default "1 2"), BENCH_RUNS (default 5), BENCH_SCALE_UPLOAD (default 1; 0: the
# conversion only), BENCH_SCALE_UPLOAD_JOBS (the -j values the upload is measured with, default "2";
# "1 2" doubles the upload's share of the ≈ 12 min), MM_BIN.
set -euo pipefail
shopt -s inherit_errexit
src=$(cd "$(dirname "$0")/.." && pwd)
bin=${MM_BIN:-$src/build}
dir=${BENCH_DIR:-$src/bench/out}
sizes=${BENCH_SIZES:-0.5 1 2 4}
jobs_list=${BENCH_SCALE_JOBS:-1 2}
runs=${BENCH_RUNS:-5}
upload=${BENCH_SCALE_UPLOAD:-1}
upload_jobs=" ${BENCH_SCALE_UPLOAD_JOBS:-2} "
mkdir -p "$dir" && dir=$(cd "$dir" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mm-scaling.XXXXXX") && chmod 700 "$tmp"
# shellcheck source=bench/lib.sh
. "$src/bench/lib.sh"
out=$dir/scaling-out
# The per-run figures are kept in $BENCH_DIR/scaling-raw, also when a run fails.
cleanup() {
    stop_minio
    rm -rf "$dir/scaling-raw"
    mkdir -p "$dir/scaling-raw"
    cp "$tmp"/*.s "$tmp"/*.rss "$dir/scaling-raw/" 2>/dev/null || true
    rm -rf "$tmp" "$out"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

declare -A fxs bytes_of
for s in $sizes; do
    b=$(awk -v s="$s" 'BEGIN {printf "%d", s * 1073741824}')
    fxs[$s]=$(fixture "$b")
    bytes_of[$s]=$(payload "${fxs[$s]}")
    scan "${fxs[$s]}" "$tmp/scan-$s.jsonl"
done
((upload)) && start_minio

# rss NAME: appends the peak RSS (KiB) GNU time wrote to $tmp/rss
rss() { tail -n 1 "$tmp/rss" >>"$tmp/$1.rss"; }
echo "$(machine); $runs rounds"
for i in $(seq "$runs"); do
    for s in $sizes; do
        find "${fxs[$s]}/db/tables" -type f -exec cat {} + >/dev/null # warm
        for j in $jobs_list; do
            rm -rf "$out" && sync
            timed "npy-$s-$j" /usr/bin/time -f %M -o "$tmp/rss" "$bin/mm-npy" -q -j "$j" --out "$out" "$tmp/scan-$s.jsonl" >"$tmp/groups.jsonl"
            rss "npy-$s-$j"
            if ((upload)) && [[ $upload_jobs == *" $j "* ]]; then
                timed "up-$s-$j" s3env /usr/bin/time -f %M -o "$tmp/rss" "$bin/mm-upload" -q --endpoint "127.0.0.1:$port" \
                    --bucket "$bucket" --prefix "sc-$s-$j-$i" -j "$j" "$tmp/groups.jsonl" >/dev/null
                rss "up-$s-$j"
                purge "sc-$s-$j-$i"
            fi
        done
    done
    echo "scaling: round $i done, load average $(load)" >&2
done
rm -rf "$out"

echo
echo "| payload | -j | mm-npy s | mm-npy MiB/s | mm-npy peak RSS | mm-upload s | mm-upload MiB/s | mm-upload peak RSS |"
echo "|---|---|---|---|---|---|---|---|"
: >"$dir/scaling.dat"
echo "# GiB jobs npy_s npy_min npy_max npy_rss_mib up_s up_min up_max up_rss_mib" >>"$dir/scaling.dat"
for s in $sizes; do
    for j in $jobs_list; do
        b=${bytes_of[$s]}
        read -r nm nlo nhi < <(stats <"$tmp/npy-$s-$j.s")
        nr=$(stats <"$tmp/npy-$s-$j.rss" | awk '{printf "%.1f", $3 / 1024}')
        line="| $(gib "$b") | $j | $(fmt "$tmp/npy-$s-$j.s") | $(rate "$b" "$nm") | $nr MiB"
        um=0 ulo=0 uhi=0 ur=0
        if ((upload)) && [[ -f $tmp/up-$s-$j.s ]]; then
            read -r um ulo uhi < <(stats <"$tmp/up-$s-$j.s")
            ur=$(stats <"$tmp/up-$s-$j.rss" | awk '{printf "%.1f", $3 / 1024}')
            line+=" | $(fmt "$tmp/up-$s-$j.s") | $(rate "$b" "$um") | $ur MiB |"
        else
            line+=" | – | – | – |"
        fi
        echo "$line"
        echo "$s $j $nm $nlo $nhi $nr $um $ulo $uhi $ur" >>"$dir/scaling.dat"
    done
done
echo
echo "times: median (min–max) of $runs rounds; peak RSS: the largest of the rounds (GNU time %M); MiB/s of .rv+.uid payload (the .npy files hold the same bytes)."
echo "Load average at the end: $(load)"
