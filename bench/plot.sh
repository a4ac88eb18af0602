#!/usr/bin/env bash
# Plots of bench/scaling.sh's medians ($BENCH_DIR/scaling.dat) as PNG, with gnuplot (Debian's
# gnuplot-nox, installed by bench/install-baselines.sh):
#   bench/scaling-time.png  wall seconds against payload (GiB), mm-npy and mm-upload, -j 1 and 2,
#                           with the min–max range as error bars
#   bench/scaling-rss.png   peak RSS (MiB) against payload
# Environment: BENCH_DIR (default bench/out), BENCH_PLOT_DIR (default bench/).
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
dir=${BENCH_DIR:-$src/bench/out}
plots=${BENCH_PLOT_DIR:-$src/bench}
dat=$dir/scaling.dat
[[ -s $dat ]] || { echo "plot: no $dat (run bench/scaling.sh first)" >&2; exit 1; }
command -v gnuplot >/dev/null || { echo "plot: gnuplot not installed (bench/install-baselines.sh)" >&2; exit 1; }
upload=$(awk '!/^#/ && $7 > 0 {print 1; exit}' "$dat")
# columns: 1 GiB, 2 jobs, 3-5 npy s (median min max), 6 npy RSS, 7-9 upload s, 10 upload RSS
# one data file per -j, so that each curve is one unbroken line
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mm-plot.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
jobs_list=$(awk '!/^#/ {print $2}' "$dat" | sort -un)
for j in $jobs_list; do awk -v j="$j" '!/^#/ && $2 == j' "$dat" >"$tmp/j$j.dat"; done
series() { # COLUMNS STYLE TOOL [DASH]: one curve per -j (mm-upload: per -j it was measured with)
    local j sep=""
    for j in $jobs_list; do
        [[ $3 != mm-upload ]] || awk '$7 > 0 {f = 1} END {exit !f}' "$tmp/j$j.dat" || continue
        printf '%s"%s" using %s with %s lw 2 %s title "%s -j %d"' "$sep" "$tmp/j$j.dat" "$1" "$2" "${4:-}" "$3" "$j"
        sep=", "
    done
}
time_plot=$(series 1:3:4:5 yerrorlines mm-npy)
rss_plot=$(series 1:6 linespoints mm-npy)
if [[ -n $upload ]]; then
    time_plot+=", $(series 1:7:8:9 yerrorlines mm-upload 'dt 2')"
    rss_plot+=", $(series 1:10 linespoints mm-upload 'dt 2')"
fi
gnuplot <<EOF
set terminal pngcairo size 900,560 font ",11"
set key top left
set grid
set xlabel "payload (.rv + .uid), GiB"
set xrange [0:*]
set offsets 0, graph 0.05, 0, 0
set yrange [0:*]
set output "$plots/scaling-time.png"
set title "wall time against data size (median, min-max bars)"
set ylabel "seconds"
plot $time_plot
set output "$plots/scaling-rss.png"
set title "peak RSS against data size (largest of the runs)"
set ylabel "MiB"
plot $rss_plot
EOF
echo "plot: $plots/scaling-time.png $plots/scaling-rss.png" >&2
