#!/usr/bin/env bash
# milvus-mm against milvus-migration v0.1.26 (dump, 1.x -> NumPy) and against rclone (upload), side
# by side in one run on the same generated 1.x data. Results: bench/RESULTS-vs-milvus-migration.md.
#
#   1. dump to local disk      mm-meta | mm-scan | mm-npy -j J   vs   milvus-migration dump
#                              (meta.mode mock + mm-meta's meta.json, source/target local,
#                              dumper.worker.limit J), 128-d and 768-d, delete-free
#   2. dump into MinIO         ... | mm-upload --backend s3       vs   milvus-migration dump with
#                              target.mode remote (cloud aws, endpoint, bucket, ak/sk)
#   3. correctness             a small fixture with 10% deletes in random order: rows out of each
#                              tool against the truth computed with NumPy from the 1.x bytes
#   4. upload                  mm-upload vs rclone copy, the same .npy files into the same MinIO
#
# Times are wall seconds, median (min–max) of BENCH_RUNS runs, the tools alternating run by run; a
# ratio is computed per run (their time / our time) and its median quoted. Peak RSS by GNU time
# (%M); for our pipelines the per-stage peaks are summed (an upper bound of the pipeline's).
# Every run starts with empty outputs. milvus-migration exits 0 on failure (its dump command logs
# the error and returns): a run counts only when its output says "Dump Success!", otherwise the
# bench fails. It writes OUT/migration/meta.json and OUT/migration/tables/<collection>/<segment>/
# {id,data}.npy (OUT: target.local.outputDir, or the bucket prefix target.remote.outputDir).
# Its MinIO output is checked like its local one: the last run's objects are copied back with
# rclone and their rows compared with the truth.
# When milvus-migration is not installed (bench/install-baselines.sh says why) its columns are
# "not measured" and the bench goes on, unless BENCH_REQUIRE_BASELINE=1.
#
# Environment: BENCH_DIR (fixtures and outputs, default bench/out/vs), BENCH_BYTES (.rv+.uid bytes
# per dimension, default 2 GiB), BENCH_DIMS (default "128 768"), BENCH_RUNS (default 5),
# BENCH_JOBS (default nproc), MM_BIN (default build/), MM_MIGRATION (the milvus-migration binary).
set -euo pipefail
shopt -s inherit_errexit
src=$(cd "$(dirname "$0")/.." && pwd)
bin=${MM_BIN:-$src/build}
dir=${BENCH_DIR:-$src/bench/out/vs}
bytes=${BENCH_BYTES:-2147483648}
dims=${BENCH_DIMS:-128 768}
runs=${BENCH_RUNS:-5}
jobs=${BENCH_JOBS:-$(nproc)}
tools=${MM_TOOLS_DIR:-$HOME/.cache/milvus-mm}
mmig=${MM_MIGRATION:-$tools/bin/milvus-migration}
py=/usr/bin/python3
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mm-vs.XXXXXX")
chmod 700 "$tmp"
minio_dir=$tmp/minio
cleanup() {
    [[ ! -d $minio_dir ]] || "$src/scripts/test-minio.sh" stop "$minio_dir" >/dev/null 2>&1 || true
    rm -rf "$tmp" "$dir/out"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() { printf 'vs-milvus-migration: error: %s\n' "$*" >&2; exit 1; }
note() { printf 'vs-milvus-migration: %s\n' "$*" >&2; }

# shellcheck source=bench/lib.sh
. "$src/bench/lib.sh" # bench_migration_yaml; the helpers below are this script's own
"$src/bench/install-baselines.sh" || true
have_mmig=0 why=""
if [[ -x $mmig ]]; then
    have_mmig=1
else
    why="not installed"
    [[ ! -f $tools/bin/milvus-migration.unavailable ]] || why="not installed; go install answered: $(tr -s '\n\t' '  ' <"$tools/bin/milvus-migration.unavailable")"
    note "milvus-migration $why"
    [[ ${BENCH_REQUIRE_BASELINE:-0} != 1 ]] || die "milvus-migration is required (BENCH_REQUIRE_BASELINE=1)"
fi
have_rclone=0
command -v rclone >/dev/null 2>&1 && have_rclone=1

fmt() { read -r m lo hi <<<"$1"; printf '%s (%s–%s)' "$m" "$lo" "$hi"; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
sum_rss() { local s=0 f; for f in "$@"; do s=$((s + $(tail -n 1 "$f"))); done; echo "$s"; }

# fixture NAME DIM BYTES DELETE_FRAC [SEGMENT_BYTES]: a gen1x bench installation, reused when its
# parameters are unchanged.
fixture() {
    local name=$1 dim=$2 size=$3 frac=$4 seg=${5:-268435456} fx=$dir/fx-$1
    local want="dim=$dim bytes=$size frac=$frac seg=$seg"
    if [[ ! -f $fx/params || $(<"$fx/params") != "$want" || ! -f $fx/expected/index.json ]]; then
        rm -rf "$fx"
        $py "$src/tests/fixtures/gen1x.py" --out "$fx" --profile bench --bench-dim "$dim" --bench-bytes "$size" \
            --bench-delete-frac "$frac" --bench-segment-bytes "$seg" --force >&2
        echo "$want" >"$fx/params"
    fi
    # milvus-migration reads meta.json with meta.mode mock; mm-meta writes one it accepts.
    "$bin/mm-meta" -q --sqlite "$fx/db/meta.sqlite" --export-json "$fx/meta.json" >/dev/null
    echo "$fx"
}

# ours_dump FX OUT [S3PREFIX]: mm-meta | mm-scan | mm-npy (| mm-upload); prints "SECONDS RSS_KIB".
ours_dump() {
    local fx=$1 out=$2 prefix=${3:-} t0 t1 rss
    rm -rf "$out" && mkdir -p "$out" && sync
    t0=$(now)
    if [[ -z $prefix ]]; then
        /usr/bin/time -f %M -o "$tmp/r1" "$bin/mm-meta" -q --sqlite "$fx/db/meta.sqlite" |
            /usr/bin/time -f %M -o "$tmp/r2" "$bin/mm-scan" -q --tables "$fx/db/tables" |
            /usr/bin/time -f %M -o "$tmp/r3" "$bin/mm-npy" -q -j "$jobs" --out "$out" >"$tmp/groups.jsonl"
        : >"$tmp/r4"; echo 0 >"$tmp/r4"
    else
        /usr/bin/time -f %M -o "$tmp/r1" "$bin/mm-meta" -q --sqlite "$fx/db/meta.sqlite" |
            /usr/bin/time -f %M -o "$tmp/r2" "$bin/mm-scan" -q --tables "$fx/db/tables" |
            /usr/bin/time -f %M -o "$tmp/r3" "$bin/mm-npy" -q -j "$jobs" --out "$out" |
            s3env /usr/bin/time -f %M -o "$tmp/r4" "$bin/mm-upload" -q --endpoint "127.0.0.1:$port" \
                --bucket "$bucket" --prefix "$prefix" -j "$jobs" >"$tmp/groups.jsonl"
    fi
    t1=$(now)
    rss=$(sum_rss "$tmp/r1" "$tmp/r2" "$tmp/r3" "$tmp/r4")
    echo "$(echo "$t1 - $t0" | bc -l) $rss"
}

# theirs_dump FX OUT [S3PREFIX]: milvus-migration dump; prints "SECONDS RSS_KIB"; fails the bench
# unless its output says "Dump Success!".
theirs_dump() {
    local fx=$1 out=$2 prefix=${3:-} work=$tmp/mmig t0 t1
    rm -rf "$out" "$work" && mkdir -p "$out" "$work" && sync
    (
        umask 077 # the YAML holds the MinIO keys when the target is remote
        if [[ -z $prefix ]]; then
            bench_migration_yaml "$fx" "$jobs" local "$out" >"$work/migration.yaml"
        else
            bench_migration_yaml "$fx" "$jobs" minio "$prefix" >"$work/migration.yaml"
        fi
    )
    chmod 600 "$work/migration.yaml"
    t0=$(now)
    # Its logs go to ./logs under the working directory, and to stdout.
    (cd "$work" && /usr/bin/time -f %M -o "$tmp/rt" "$mmig" dump --config "$work/migration.yaml" >"$work/out.log" 2>&1) || true
    t1=$(now)
    if ! grep -q 'Dump Success!' "$work/out.log"; then
        tail -n 20 "$work/out.log" >&2
        die "milvus-migration dump did not print 'Dump Success!' (fixture $fx, log above)"
    fi
    echo "$(echo "$t1 - $t0" | bc -l) $(tail -n 1 "$tmp/rt")"
}

# Removes a prefix from the bucket (not timed).
purge() {
    if ((have_rclone)); then
        rcenv rclone purge -q "bench:$bucket/$1" 2>/dev/null || true
    else
        rm -rf "${minio_dir:?}/data/$bucket/$1"
    fi
    empty_minio_trash
}
# Bytes under a prefix, as the store lists them (an independent check of what arrived).
stored_bytes() {
    rcenv rclone size -q --json "bench:$bucket/$1" 2>/dev/null | $py -c 'import json,sys; print(json.load(sys.stdin)["bytes"])'
}

start_minio() {
    [[ -z ${port:-} ]] || return 0
    "$src/scripts/test-minio.sh" start "$minio_dir" >&2
    port=$(<"$minio_dir/port")
    bucket=$(<"$minio_dir/bucket")
}

# compare NAME FX [S3]: one table row per dimension, and the rows check of the last run's outputs.
compare() {
    local label=$1 fx=$2 s3=${3:-} i o t ours_s ours_r theirs_s theirs_r
    local oo=$dir/out/ours-$label ot=$dir/out/theirs-$label
    : >"$tmp/os" && : >"$tmp/or" && : >"$tmp/ts" && : >"$tmp/tr" && : >"$tmp/ratio" && : >"$tmp/rssratio"
    local payload
    payload=$(find "$fx/db/tables" \( -name '*.rv' -o -name '*.uid' \) -printf '%s\n' | awk '{s+=$1} END {print s}')
    find "$fx/db/tables" -type f -exec cat {} + >/dev/null # warm the page cache for both
    for i in $(seq "$runs"); do
        local pfx_o="" pfx_t="" res
        [[ -z $s3 ]] || { pfx_o=vs-ours-$label-$i; pfx_t=vs-theirs-$label-$i; }
        res=$(ours_dump "$fx" "$oo" "$pfx_o")
        read -r o ours_r <<<"$res"
        echo "$o" >>"$tmp/os"; echo "$ours_r" >>"$tmp/or"
        if [[ -n $s3 && $i -lt $runs ]]; then purge "$pfx_o"; fi
        if ((have_mmig)); then
            res=$(theirs_dump "$fx" "$ot" "$pfx_t")
            read -r t theirs_r <<<"$res"
            echo "$t" >>"$tmp/ts"; echo "$theirs_r" >>"$tmp/tr"
            echo "$t / $o" | bc -l >>"$tmp/ratio"
            echo "$theirs_r / $ours_r" | bc -l >>"$tmp/rssratio"
            if [[ -n $s3 && $i -lt $runs ]]; then purge "$pfx_t"; fi
        fi
    done
    ours_s=$(stats <"$tmp/os")
    local rate
    rate=$(awk -v b="$payload" -v s="${ours_s%% *}" 'BEGIN {printf "%.0f", b / 1048576 / s}')
    local row
    row="| $label | $(awk -v b="$payload" 'BEGIN {printf "%.2f GiB", b / 1073741824}') | $(fmt "$ours_s") ($rate MiB/s) | $(mib "$(stats <"$tmp/or" | cut -d' ' -f3)") MiB"
    if ((have_mmig)); then
        theirs_s=$(stats <"$tmp/ts")
        row+=" | $(fmt "$theirs_s") | $(mib "$(stats <"$tmp/tr" | cut -d' ' -f3)") MiB | **$(fmt "$(stats <"$tmp/ratio")")** | **$(fmt "$(stats <"$tmp/rssratio")")** |"
    else
        row+=" | not measured | not measured | – | – |"
    fi
    echo "$row"
    # Rows check of the last run: local outputs against the truth, both tools.
    if [[ -z $s3 ]]; then
        local outs=("$oo")
        ((have_mmig)) && outs+=("$ot")
        $py "$src/bench/vs_rows.py" "$fx/db/tables" "${outs[@]}" >"$tmp/rows.json" ||
            { cat "$tmp/rows.json" >&2; die "$label: an output's rows differ from the truth"; }
        sed 's/^/    rows check: /' "$tmp/rows.json" >&2
    elif ((have_rclone)); then
        local want got
        want=$(find "$oo" -name '*.npy' -printf '%s\n' | awk '{s+=$1} END {print s}')
        got=$(stored_bytes "vs-ours-$label-$runs")
        [[ $got == "$want" ]] || die "$label: MinIO holds $got bytes under vs-ours-$label-$runs, mm-npy wrote $want"
        note "$label: MinIO holds the $want .npy bytes mm-npy wrote (rclone size)"
        purge "vs-ours-$label-$runs"
        rm -rf "$oo" # room on the disk for milvus-migration's objects, copied back below
        if ((have_mmig)); then
            got=$(stored_bytes "vs-theirs-$label-$runs")
            ((got > 0)) || die "$label: milvus-migration said 'Dump Success!' but MinIO holds nothing under vs-theirs-$label-$runs"
            note "$label: MinIO holds $got bytes from milvus-migration"
            # Copy its objects back (not timed) and check their rows like a local output's.
            rcenv rclone copy -q --include '*.npy' "bench:$bucket/vs-theirs-$label-$runs" "$ot" ||
                die "$label: could not copy milvus-migration's objects back from MinIO"
            $py "$src/bench/vs_rows.py" "$fx/db/tables" "$ot" >"$tmp/rows.json" ||
                { cat "$tmp/rows.json" >&2; die "$label: milvus-migration's rows in MinIO differ from the truth"; }
            sed 's/^/    rows check (milvus-migration, copied back from MinIO): /' "$tmp/rows.json" >&2
        fi
        if ((have_mmig)); then purge "vs-theirs-$label-$runs"; fi
    fi
    rm -rf "$oo" "$ot"
}

fs=$(df -T "$dir" | awk 'NR==2 {print $2}')
echo "machine: $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -n 1)), $(free -g | awk '/Mem:/ {print $2}') GiB RAM, Linux $(uname -r), $fs; -j $jobs; $runs runs; $(date -u +%FT%TZ)"
if ((have_mmig)); then echo "milvus-migration: $mmig"; else echo "milvus-migration: $why"; fi
echo "rclone: $( ((have_rclone)) && rclone version | head -n 1 || echo "not installed")"

fixtures=()
for d in $dims; do fixtures+=("$(fixture "d$d" "$d" "$bytes" 0)"); done

echo
echo "## Dump to local disk (delete-free)"
echo
echo "| data | payload | ours s | ours peak RSS | milvus-migration s | milvus-migration peak RSS | time ratio (theirs/ours) | RSS ratio (theirs/ours) |"
echo "|---|---|---|---|---|---|---|---|"
for fx in "${fixtures[@]}"; do compare "${fx##*/fx-}-local" "$fx"; done

start_minio
echo
echo "## Dump into MinIO (delete-free; MinIO on loopback, same machine)"
echo
echo "| data | payload | ours s | ours peak RSS | milvus-migration s | milvus-migration peak RSS | time ratio (theirs/ours) | RSS ratio (theirs/ours) |"
echo "|---|---|---|---|---|---|---|---|"
for fx in "${fixtures[@]}"; do compare "${fx##*/fx-}-minio" "$fx" s3; done

echo
echo "## Correctness with deletes (10% of rows deleted in random order)"
echo
fxd=$(fixture del 128 $((256 << 20)) 0.1 $((32 << 20)))
ours_dump "$fxd" "$dir/out/ours-del" >/dev/null
outs=("$dir/out/ours-del")
if ((have_mmig)); then
    theirs_dump "$fxd" "$dir/out/theirs-del" >/dev/null
    outs+=("$dir/out/theirs-del")
fi
$py "$src/bench/vs_rows.py" "$fxd/db/tables" "${outs[@]}" >"$tmp/del.json" || true
segs=$(find "$fxd/db/tables" -name '*.rv' | wc -l)
total=$(find "$fxd/db/tables" -name '*.uid' -printf '%s\n' | awk '{s+=($1-8)/8} END {print s}')
echo "fixture: 1 collection, 128-d, $segs segments, $total rows stored, gen1x.py --bench-delete-frac 0.1 --bench-segment-bytes 32M"
echo
echo "| tool | rows out (.npy headers) | rows the files hold | files whose size disagrees with their header | truth (live rows) | rows out that are not live (by id) | live rows missing (by id) | rows equal the truth exactly |"
echo "|---|---|---|---|---|---|---|---|"
$py - "$tmp/del.json" "$have_mmig" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
names = ["milvus-mm (mm-meta, mm-scan, mm-npy)", "milvus-migration v0.1.26 dump"]
for name, r in zip(names, recs):
    print(f"| {name} | {r['rows']} | {r['held']} | {r['malformed']} | {r['truth']} | {r['not_live']} | {r['missing']} | {'yes' if r['exact'] else '**no**'} |")
if sys.argv[2] != "1":
    print(f"| milvus-migration v0.1.26 dump | not measured | – | – | {recs[0]['truth']} | – | – | – |")
PY
$py -c 'import json, sys; sys.exit(0 if json.loads(open(sys.argv[1]).readline())["exact"] else 1)' "$tmp/del.json" ||
    die "our output with deletes differs from the truth"

if ((have_rclone)); then
    echo
    echo "## Upload: mm-upload vs rclone copy, same .npy files, same MinIO"
    echo
    fx=${fixtures[0]}
    up=$dir/out/upload
    ours_dump "$fx" "$up" >/dev/null
    cp "$tmp/groups.jsonl" "$tmp/up.jsonl"
    upbytes=$(find "$up" -name '*.npy' -printf '%s\n' | awk '{s+=$1} END {print s}')
    nfiles=$(find "$up" -name '*.npy' | wc -l)
    # Three uploaders, alternating run by run: mm-upload; rclone with its defaults; rclone with
    # parts as large as mm-upload's (64 MiB) and files above 64 MiB sent in parts, as mm-upload does.
    upload_cmd() {
        case $1 in
        mm) s3env "$bin/mm-upload" -q --endpoint "127.0.0.1:$port" --bucket "$bucket" --prefix "$2" -j 4 "$tmp/up.jsonl" >/dev/null ;;
        rc) rcenv rclone copy -q --transfers 4 --include '*.npy' "$up" "bench:$bucket/$2" ;;
        rc64) rcenv rclone copy -q --transfers 4 --s3-chunk-size 64M --s3-upload-cutoff 64M --include '*.npy' "$up" "bench:$bucket/$2" ;;
        esac
    }
    local_tools="mm rc rc64"
    for k in $local_tools; do : >"$tmp/u-$k.s" && : >"$tmp/u-$k.rss" && : >"$tmp/u-$k.cpu" && : >"$tmp/u-$k.ratio"; done
    for i in $(seq "$runs"); do
        for k in $local_tools; do
            t0=$(now)
            /usr/bin/time -f '%M %U %S' -o "$tmp/r" bash -c "$(declare -f s3env rcenv upload_cmd); $(declare -p bin port bucket tmp up minio_dir); upload_cmd $k up-$k-$i"
            t1=$(now)
            echo "$t1 - $t0" | bc -l >>"$tmp/u-$k.s"
            read -r rss usr sys < <(tail -n 1 "$tmp/r")
            echo "$rss" >>"$tmp/u-$k.rss"; echo "$usr + $sys" | bc -l >>"$tmp/u-$k.cpu"
            [[ $(stored_bytes "up-$k-$i") == "$upbytes" ]] || die "upload $k run $i: bytes in MinIO differ"
            purge "up-$k-$i"
        done
        for k in rc rc64; do
            echo "$(tail -n 1 "$tmp/u-$k.s") / $(tail -n 1 "$tmp/u-mm.s")" | bc -l >>"$tmp/u-$k.ratio"
        done
    done
    echo "files: $nfiles .npy files, $(awk -v b="$upbytes" 'BEGIN {printf "%.2f GiB", b / 1073741824}') (mm-npy output of ${fx##*/fx-})"
    echo
    echo "| tool | s | MiB/s (median) | CPU s (user+sys, median) | peak RSS (max) | mm-upload throughput / this |"
    echo "|---|---|---|---|---|---|"
    for k in $local_tools; do
        case $k in
        mm) name="mm-upload -j 4 (defaults: --part-size 64M, --part-jobs 4)"; ratio="–" ;;
        rc) name="rclone copy --transfers 4 (defaults: 5 MiB chunks above 200 MiB, 4 per file)"; ratio="**$(fmt "$(stats <"$tmp/u-rc.ratio")")**" ;;
        rc64) name="rclone copy --transfers 4 --s3-chunk-size 64M --s3-upload-cutoff 64M"; ratio="**$(fmt "$(stats <"$tmp/u-rc64.ratio")")**" ;;
        esac
        st=$(stats <"$tmp/u-$k.s")
        echo "| $name | $(fmt "$st") | $(awk -v b="$upbytes" -v s="${st%% *}" 'BEGIN {printf "%.0f", b / 1048576 / s}') | $(stats <"$tmp/u-$k.cpu" | cut -d' ' -f1) | $(mib "$(stats <"$tmp/u-$k.rss" | cut -d' ' -f3)") MiB | $ratio |"
    done
    echo
    echo "ratios per run: the other tool's seconds / mm-upload's seconds (> 1: mm-upload faster)"
    rm -rf "$up"
fi
echo
echo "times: median (min–max) of $runs runs, tools alternating; ratios per run, median (min–max)"
