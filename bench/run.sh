#!/usr/bin/env bash
# make bench: mm-npy throughput as a ratio to cat copying the same bytes on the same filesystem
# (page cache warm), without deletes and with 10% deletes, plus mm-npy's peak RSS. mm-npy syncs
# its groups to disk before it exits, so the like-for-like baseline is cat followed by a sync of
# the copy; the ratio to plain cat (which leaves dirty pages behind) is printed too.
# Environment: BENCH_DIR (default bench/out), BENCH_BYTES (default 2 GiB), BENCH_RUNS (default 5),
# BENCH_JOBS (default nproc).
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
bin=${MM_BIN:-$src/build}
dir=${BENCH_DIR:-$src/bench/out}
bytes=${BENCH_BYTES:-2147483648}
runs=${BENCH_RUNS:-5}
jobs=${BENCH_JOBS:-$(nproc)}
py=/usr/bin/python3
mkdir -p "$dir"

# Seconds taken by a command, and its peak RSS in KiB (GNU time), as "SECONDS KIB".
measure() {
  local t0 t1 rss
  t0=$(date +%s.%N)
  /usr/bin/time -f %M -o "$dir/rss" "$@" >/dev/null
  t1=$(date +%s.%N)
  rss=$(tail -n 1 "$dir/rss")
  echo "$(echo "$t1 - $t0" | bc -l) $rss"
}
# median, min and max of the numbers on stdin
stats() { sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f %.3f %.3f\n", m, a[1], a[NR]}'; }

bench_case() {
  local name=$1 frac=$2 fx=$dir/fx-$1
  if [ ! -f "$fx/expected/index.json" ]; then
    $py "$src/tests/fixtures/gen1x.py" --out "$fx" --profile bench --bench-bytes "$bytes" --bench-delete-frac "$frac" --force >/dev/null
  fi
  "$bin/mm-meta" -q --sqlite "$fx/db/meta.sqlite" | "$bin/mm-scan" -q --tables "$fx/db/tables" >"$dir/$name.scan"
  local inputs=() f
  while IFS= read -r f; do inputs+=("$f"); done < <(find "$fx/db/tables" -name '*.rv' -o -name '*.uid' | sort)
  cat "${inputs[@]}" >/dev/null  # warm the page cache
  local payload
  payload=$(du -cb "${inputs[@]}" | tail -n 1 | cut -f1)

  : >"$dir/$name.cat" && : >"$dir/$name.catsync" && : >"$dir/$name.npy" && : >"$dir/$name.ratio" && : >"$dir/$name.syncratio" && : >"$dir/$name.rss"
  for _ in $(seq "$runs"); do
    rm -rf "$dir/copy" "$dir/npy" && mkdir -p "$dir/copy" && sync
    read -r cat_s _ < <(measure sh -c 'cat "$@" > "'"$dir"'/copy/all"' cat "${inputs[@]}")
    rm -rf "$dir/copy" && mkdir -p "$dir/copy" && sync
    # mm-npy's groups are on disk when it exits (fsync before the rename); so is this copy.
    read -r catsync_s _ < <(measure sh -c 'cat "$@" > "'"$dir"'/copy/all" && sync "'"$dir"'/copy/all"' cat "${inputs[@]}")
    rm -rf "$dir/copy" && sync
    read -r npy_s rss < <(measure "$bin/mm-npy" -q -j "$jobs" --out "$dir/npy" "$dir/$name.scan")
    echo "$cat_s" >>"$dir/$name.cat"
    echo "$catsync_s" >>"$dir/$name.catsync"
    echo "$npy_s" >>"$dir/$name.npy"
    echo "$cat_s / $npy_s" | bc -l >>"$dir/$name.ratio"
    echo "$catsync_s / $npy_s" | bc -l >>"$dir/$name.syncratio"
    echo "$rss" >>"$dir/$name.rss"
  done
  rm -rf "$dir/npy"
  local mib_s ratio cat_st npy_st rss_max catsync_st syncratio
  cat_st=$(stats <"$dir/$name.cat")
  catsync_st=$(stats <"$dir/$name.catsync")
  syncratio=$(stats <"$dir/$name.syncratio")
  npy_st=$(stats <"$dir/$name.npy")
  ratio=$(stats <"$dir/$name.ratio")
  rss_max=$(sort -n "$dir/$name.rss" | tail -n 1)
  mib_s=$(echo "$payload / 1048576 / ${npy_st%% *}" | bc -l)
  printf '| %s | %.2f GiB | %s | %s | %s | %.0f MiB/s | %s | %s | %.1f MiB |\n' "$name" "$(echo "$payload / 1073741824" | bc -l)" \
    "$cat_st" "$catsync_st" "$npy_st" "$mib_s" "$syncratio" "$ratio" "$(echo "$rss_max / 1024" | bc -l)"
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(uname -r); filesystem: $(df -T "$dir" | awk 'NR==2 {print $2}'); mm-npy -j $jobs; $runs runs"
echo "| case | payload | cat s | cat+fsync s | mm-npy s | mm-npy rate | ratio vs cat+fsync | ratio vs cat (no fsync) | mm-npy peak RSS |"
echo "|---|---|---|---|---|---|---|---|---|"
bench_case no-deletes 0
bench_case deletes-10pct 0.1
echo "times: median min max of $runs runs; ratios: the other command's time / mm-npy's time (>1: mm-npy faster)"
echo "targets: ratio >= 0.9 without deletes, >= 0.7 with 10% deletes; peak RSS <= 64 MiB + 16 MiB x $jobs workers = $((64 + 16 * jobs)) MiB"
