#!/usr/bin/env bash
# Physical limits (issue 5, items 1 and 4): every tool against the floor of its medium, side by side
# in one run, on the same generated 1.x data (delete-free, 128-d). Results: bench/RESULTS.md.
#
#   local disk  floor: cat of the .rv/.uid bytes into one file, then sync of that file (a durable
#               copy); ours: mm-meta | mm-scan | mm-npy (fsyncs its groups); milvus-migration dump,
#               and its dump followed by a sync of each file it wrote (it does not fsync)
#   MinIO       limit: the fastest, per run, of three uploads of ours' .npy files that do the least
#               client work: curl PUTs of whole files all at once, curl PUTs of the same bytes cut
#               into 64 MiB objects 8 at once (both unsigned payload: no client hashing), and
#               rclone copy with 64 MiB chunks; then mm-upload alone on the same files (with its
#               defaults, and with --unsigned-payload: no per-part SHA-256), ours end to end (… | mm-npy | mm-upload,
#               whole groups and groups sent while they are written) and milvus-migration dump into MinIO;
#               the dump also against the sum of both floors (it writes the groups to disk and sends them),
#               and against the cores: the CPU seconds of the clients and of MinIO in the same runs
#
# A ratio is computed per run (floor time / tool time: the share of the physical limit reached;
# theirs / ours) and its median (min–max) printed.
# Environment: BENCH_DIR (default bench/out), BENCH_BYTES (default 2 GiB), BENCH_RUNS (default 5),
# BENCH_JOBS (default nproc), MM_BIN (default build/), MM_MIGRATION (milvus-migration binary;
# without it those rows say "not measured"), MM_BASELINE_BIN (another build's directory, e.g. of
# the previous commit: its mm-upload runs beside ours in every run, and a last table gives the ratio).
set -euo pipefail
shopt -s inherit_errexit
src=$(cd "$(dirname "$0")/.." && pwd)
bin=${MM_BIN:-$src/build}
dir=${BENCH_DIR:-$src/bench/out}
bytes=${BENCH_BYTES:-2147483648}
runs=${BENCH_RUNS:-5}
jobs=${BENCH_JOBS:-$(nproc)}
mmig=${MM_MIGRATION:-${MM_TOOLS_DIR:-$HOME/.cache/milvus-mm}/bin/milvus-migration}
mkdir -p "$dir" && dir=$(cd "$dir" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mm-floors.XXXXXX") && chmod 700 "$tmp"
# shellcheck source=bench/lib.sh
. "$src/bench/lib.sh"
out=$dir/floors-out
cleanup() { stop_minio; rm -rf "$tmp" "$out"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
have_mmig=0
[[ -x $mmig ]] && have_mmig=1

fx=$(fixture "$bytes")
"$bin/mm-meta" -q --sqlite "$fx/db/meta.sqlite" --export-json "$fx/meta.json" >/dev/null
size=$(payload "$fx")
mapfile -t inputs < <(find "$fx/db/tables" \( -name '*.rv' -o -name '*.uid' \) | sort)
cat "${inputs[@]}" >/dev/null # page cache warm for every command

cat_sync() { cat "${inputs[@]}" >"$out/copy" && sync "$out/copy"; }
ours_local() {
    "$bin/mm-meta" -q --sqlite "$fx/db/meta.sqlite" | "$bin/mm-scan" -q --tables "$fx/db/tables" |
        "$bin/mm-npy" -q -j "$jobs" --out "$out/npy" >/dev/null
}
# ours_minio PREFIX [MM-NPY FLAGS...]
ours_minio() {
    "$bin/mm-meta" -q --sqlite "$fx/db/meta.sqlite" | "$bin/mm-scan" -q --tables "$fx/db/tables" |
        "$bin/mm-npy" -q -j "$jobs" --out "$out/npy" "${@:2}" |
        s3env "$bin/mm-upload" -q --endpoint "127.0.0.1:$port" --bucket "$bucket" --prefix "$1" -j "$jobs" >/dev/null
}
# upload_with BIN PREFIX [FLAGS...]: BIN's mm-upload of the .npy files
upload_with() { s3env "$1/mm-upload" -q --endpoint "127.0.0.1:$port" --bucket "$bucket" --prefix "$2" -j 4 "${@:3}" "$tmp/groups.jsonl" >/dev/null; }
mm_upload() { upload_with "$bin" "$@"; }
baseline=${MM_BASELINE_BIN:-}
# all_stored WHAT PREFIX: fails naming WHAT unless MinIO holds every byte of the .npy files under PREFIX
all_stored() { [[ $(stored_bytes "$2") == "$npybytes" ]] || { echo "floors: $1: bytes in MinIO differ" >&2; exit 1; }; }
rclone64() { rcenv rclone copy -q --transfers 4 --s3-chunk-size 64M --s3-upload-cutoff 64M "$tmp/files" "bench:$bucket/$1"; }
# theirs TARGET WHERE: milvus-migration dump (see bench_migration_yaml); fails unless it says
# "Dump Success!" (it exits 0 on failure).
theirs() {
    (umask 077 && bench_migration_yaml "$fx" "$jobs" "$1" "$2" >"$tmp/mmig/migration.yaml")
    (cd "$tmp/mmig" && "$mmig" dump --config "$tmp/mmig/migration.yaml" >"$tmp/mmig/out.log" 2>&1) || true
    grep -q 'Dump Success!' "$tmp/mmig/out.log" || { tail -n 20 "$tmp/mmig/out.log" >&2; echo "floors: milvus-migration dump failed" >&2; exit 1; }
}
theirs_local() { theirs local "$out/theirs"; }
theirs_minio() { theirs minio "$1"; }
sync_theirs() { find "$out/theirs" -type f -exec sync {} +; }
fresh() { rm -rf "$out" "$tmp/mmig" && mkdir -p "$out" "$tmp/mmig" && chmod 700 "$tmp/mmig" && sync; }

start_minio
# The .npy files every upload sends: mm-npy's output, once; and the same bytes in 64 MiB pieces.
fresh
scan "$fx" "$tmp/scan.jsonl"
"$bin/mm-npy" -q -j "$jobs" --out "$tmp/files" "$tmp/scan.jsonl" >"$tmp/groups.jsonl"
npybytes=$(find "$tmp/files" -name '*.npy' -printf '%s\n' | awk '{s+=$1} END {print s}')
mkdir -p "$tmp/pieces"
find "$tmp/files" -name '*.npy' | while read -r f; do
    split -b 64M -d "$f" "$tmp/pieces/$(echo "${f#"$tmp/files/"}" | tr / _)."
done

echo "$(machine); -j $jobs; $runs runs"
echo "fixture: $(gib "$size") of .rv+.uid, 128-d, delete-free ($fx); .npy files: $(gib "$npybytes") in $(find "$tmp/files" -name '*.npy' | wc -l) files"
echo "milvus-migration: $( ((have_mmig)) && echo "$mmig" || echo "not measured (MM_MIGRATION not given)")"
# baseline_upload: run $i of the baseline's mm-upload (MM_BASELINE_BIN), if given. It runs beside ours,
# first in odd runs and second in even ones: of two uploads in a row the second is the slower here,
# whichever build it is.
baseline_upload() {
    [[ -n $baseline ]] || return 0
    timed baseline_upload upload_with "$baseline" "upb-$i"
    all_stored "baseline mm-upload run $i" "upb-$i"
    purge "upb-$i"
}
for i in $(seq "$runs"); do
    fresh; timed catsync cat_sync
    fresh; timed ours_local ours_local
    if ((have_mmig)); then
        fresh; timed theirs_local theirs_local
        timed theirs_sync sync_theirs
        echo "$(last theirs_local) + $(last theirs_sync)" | bc -l >>"$tmp/theirs_local_sync.s"
    fi
    fresh
    timed raw_files raw_put "$tmp/files" "raw-f-$i" 4; purge "raw-f-$i"
    timed raw_64m raw_put "$tmp/pieces" "raw-p-$i" 8; purge "raw-p-$i"
    timed rclone64 rclone64 "rc-$i"; purge "rc-$i"
    printf '%s\n' "$(last raw_files)" "$(last raw_64m)" "$(last rclone64)" | sort -g | head -n 1 >>"$tmp/limit.s"
    # The baseline beside ours, before it in odd runs and after it in even ones.
    ((i % 2 == 0)) || baseline_upload
    timed mm_upload mm_upload "up-$i"
    all_stored "mm-upload run $i" "up-$i"
    purge "up-$i"
    ((i % 2 == 1)) || baseline_upload
    timed mm_upload_unsigned mm_upload "upu-$i" --unsigned-payload; purge "upu-$i"
    # Whole groups, and groups sent while mm-npy writes them (mm-run's way), in alternating order.
    for streamed in $( ((i % 2)) && echo "0 1" || echo "1 0"); do
        if ((streamed)); then
            fresh; timed ours_minio_streamed ours_minio "ours-s-$i" --announce-chunks; purge "ours-s-$i"
        else
            fresh; timed ours_minio ours_minio "ours-$i"; purge "ours-$i"
        fi
    done
    if ((have_mmig)); then fresh; timed theirs_minio theirs_minio "theirs-$i"; purge "theirs-$i"; fi
    echo "floors: run $i done, load average $(load)" >&2
done

# ratio FILE_A FILE_B OUT: per run a / b
ratio() { paste -d' ' "$tmp/$1.s" "$tmp/$2.s" | awk '{printf "%.3f\n", $1 / $2}' >"$tmp/$3"; }
row() { # NAME LABEL BYTES FLOOR [REFERENCE...]: one table row; a column per reference (REF s / this s)
    local name=$1 label=$2 size=$3 floor=$4 cpu=– r
    shift 4
    ratio "$floor" "$name" "r-$name"
    [[ ! -f $tmp/$name.cpu ]] || cpu=$(med "$tmp/$name.cpu")
    printf '| %s | %s | %s | %s | **%s** |' "$label" "$(fmt "$tmp/$name.s")" "$(rate "$size" "$(med "$tmp/$name.s")")" "$cpu" "$(fmt "$tmp/r-$name")"
    for r in "$@"; do
        if [[ -f $tmp/$r.s ]]; then ratio "$r" "$name" "t-$name"; printf ' %s |' "$(fmt "$tmp/t-$name")"; else printf ' – |'; fi
    done
    echo
}
# cpu_row NAME LABEL: one row of the table against the cores (per run, then median (min–max))
cpu_row() {
    local name=$1
    paste -d' ' "$tmp/$name.cpu" "$tmp/$name.minio" | awk -v c="$(nproc)" '{printf "%.3f\n", ($1 + $2) / c}' >"$tmp/$name-cpufloor.s"
    ratio "$name-cpufloor" "$name" "$name.busy"
    ratio limit "$name-cpufloor" "$name.most"
    printf '| %s | %s | %s | %s | %s | %s | **%s** |\n' "$2" "$(fmt "$tmp/$name.s")" "$(med "$tmp/$name.cpu")" \
        "$(med "$tmp/$name.minio")" "$(fmt "$tmp/$name.busy")" "$(fmt "$tmp/$name-cpufloor.s")" "$(fmt "$tmp/$name.most")"
}
echo
echo "## Local disk: against the durable-copy floor (cat + sync)"
echo
echo "| command | s | MiB/s | CPU s | floor s / this s (share of the floor) | milvus-migration s / this s | milvus-migration + sync s / this s |"
echo "|---|---|---|---|---|---|---|"
row catsync "floor: cat .rv .uid > copy; sync copy" "$size" catsync theirs_local theirs_local_sync
row ours_local "ours: mm-meta \| mm-scan \| mm-npy -j $jobs" "$size" catsync theirs_local theirs_local_sync
if ((have_mmig)); then
    row theirs_local "milvus-migration dump (no fsync)" "$size" catsync theirs_local theirs_local_sync
    row theirs_local_sync "milvus-migration dump, then sync of its files" "$size" catsync theirs_local theirs_local_sync
fi
echo
echo "## MinIO: against the raw-PUT limit (the fastest of the three first rows, per run)"
echo
echo "| command | s | MiB/s | CPU s | limit s / this s (share of the limit) | milvus-migration s / this s | whole groups s / this s |"
echo "|---|---|---|---|---|---|---|"
row raw_files "curl PUT whole .npy files, all at once, unsigned payload" "$npybytes" limit theirs_minio
row raw_64m "curl PUT 64 MiB objects, 8 at once, unsigned payload" "$npybytes" limit theirs_minio
row rclone64 "rclone copy --transfers 4 --s3-chunk-size 64M" "$npybytes" limit theirs_minio
row limit "limit (per run: the fastest of the three above)" "$npybytes" limit theirs_minio
row mm_upload "mm-upload -j 4 (the same files)" "$npybytes" limit theirs_minio
row mm_upload_unsigned "mm-upload -j 4 --unsigned-payload (the same files)" "$npybytes" limit theirs_minio
row ours_minio "ours end to end: … \| mm-npy \| mm-upload -j $jobs, whole groups" "$npybytes" limit theirs_minio ours_minio
row ours_minio_streamed "ours end to end: … \| mm-npy --announce-chunks \| mm-upload -j $jobs (mm-run's way)" "$npybytes" limit theirs_minio ours_minio
((have_mmig)) && row theirs_minio "milvus-migration dump into MinIO" "$npybytes" limit theirs_minio
echo
echo "## The dump into MinIO against both floors at once"
echo
echo "Here MinIO stores on the disk mm-npy writes its groups to, and both share the cores: the dump must write the"
echo "groups durably and send them, so its floor is the durable copy plus the raw-PUT limit, run by run."
echo
echo "| command | s | MiB/s | CPU s | floor s / this s (share of the floor) |"
echo "|---|---|---|---|---|"
paste -d' ' "$tmp/catsync.s" "$tmp/limit.s" | awk '{printf "%.3f\n", $1 + $2}' >"$tmp/dump_floor.s"
row dump_floor "floor: cat + sync, then the raw-PUT limit" "$npybytes" dump_floor
row ours_minio "ours end to end, whole groups" "$npybytes" dump_floor
row ours_minio_streamed "ours end to end, streamed (mm-run's way)" "$npybytes" dump_floor
echo
echo "## The dump into MinIO against the cores"
echo
echo "CPU seconds of the clients and of MinIO in the same runs. Cores busy: both over ($(nproc) cores × wall time). CPU floor:"
echo "both over $(nproc) cores, the least wall time that work needs here however well it overlaps. The last column is the"
echo "largest share of the raw-PUT limit that work could reach on these cores: limit s / CPU floor s, run by run."
echo
echo "| command | s | clients' CPU s | MinIO's CPU s | cores busy | CPU floor s | limit s / CPU floor s |"
echo "|---|---|---|---|---|---|---|"
cpu_row raw_files "curl PUT whole .npy files"
cpu_row raw_64m "curl PUT 64 MiB objects"
cpu_row rclone64 "rclone copy"
cpu_row mm_upload "mm-upload -j 4"
cpu_row mm_upload_unsigned "mm-upload -j 4 --unsigned-payload"
cpu_row ours_minio "ours end to end, whole groups"
cpu_row ours_minio_streamed "ours end to end, streamed (mm-run's way)"
echo
echo "times: median (min–max) of $runs runs; CPU: user+sys of the command's processes (for curl: the clients, not MinIO);"
echo "ratios per run, then median (min–max). A milvus-migration column is the largest speed-up over milvus-migration that a"
echo "tool at that row's time would have. Load average at the end: $(load)"
if [[ -n $baseline ]]; then
    echo
    echo "## mm-upload against the baseline build ($baseline)"
    echo
    echo "| command | s | MiB/s | CPU s | baseline s / this s |"
    echo "|---|---|---|---|---|"
    for name in baseline_upload mm_upload; do
        ratio baseline_upload "$name" "b-$name"
        printf '| %s | %s | %s | %s | **%s** |\n' "$name" "$(fmt "$tmp/$name.s")" "$(rate "$npybytes" "$(med "$tmp/$name.s")")" \
            "$(med "$tmp/$name.cpu")" "$(fmt "$tmp/b-$name")"
    done
fi
