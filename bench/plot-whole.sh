#!/usr/bin/env bash
# Plots of bench/whole.sh's medians ($BENCH_DIR/whole.dat) as PNG, with gnuplot (Debian's
# gnuplot-nox, installed by bench/install-baselines.sh), one curve per dimension:
#   bench/whole-first-import.png  seconds from the start of mm-run run to its first import, against
#                                 payload, with the min–max range as error bars
#   bench/whole-share.png         our share of the whole migration's wall time (the rest is the
#                                 server's import), against payload
# Environment: BENCH_DIR (default bench/out), BENCH_PLOT_DIR (default bench/).
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
dir=${BENCH_DIR:-$src/bench/out}
plots=${BENCH_PLOT_DIR:-$src/bench}
dat=$dir/whole.dat
[[ -s $dat ]] || { echo "plot-whole: no $dat (run bench/whole.sh first)" >&2; exit 1; }
command -v gnuplot >/dev/null || { echo "plot-whole: gnuplot not installed (bench/install-baselines.sh)" >&2; exit 1; }
# columns: 1 GiB, 2 dim, 3-5 first import s (median min max), 6-8 share (median min max)
# one data file per dimension, so that each curve is one unbroken line
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mm-plot.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dims=$(awk '!/^#/ {print $2}' "$dat" | sort -un)
for d in $dims; do awk -v d="$d" '!/^#/ && $2 == d' "$dat" >"$tmp/d$d.dat"; done
series() { # COLUMNS: one curve per dimension
    local d sep=""
    for d in $dims; do
        printf '%s"%s" using %s with yerrorlines lw 2 title "%d-d"' "$sep" "$tmp/d$d.dat" "$1" "$d"
        sep=", "
    done
}
gnuplot <<EOF
set terminal pngcairo size 900,560 font ",11"
set key top right
set grid
set xlabel "payload (.rv + .uid), GiB"
set xrange [0:*]
set offsets 0, graph 0.05, 0, 0
set yrange [0:*]
set output "$plots/whole-first-import.png"
set title "mm-run run through MinIO into Milvus 2.3: time to the first import (median, min-max bars)"
set ylabel "seconds from the start"
plot $(series 1:3:4:5)
set output "$plots/whole-share.png"
set title "mm-run run: share of the wall time outside the server's import (median, min-max bars)"
set ylabel "percent"
plot $(series '1:($6*100):($7*100):($8*100)')
EOF
echo "plot-whole: $plots/whole-first-import.png $plots/whole-share.png" >&2
