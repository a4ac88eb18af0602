#!/usr/bin/env bash
# Peak memory (issue 13, item 4: every tool at most 64 MiB at any size and -j): the peak RSS of each
# tool of a whole migration, on generated delete-free 1.x installations of each size of BENCH_SIZES,
# at each -j of BENCH_JOBS_LIST: mm-meta, mm-scan, mm-npy -j N --announce-chunks, mm-upload -j N into
# MinIO (its parts sent as the chunk records come, as mm-run's pipeline does), mm-fetch
# -j N of the segment files back out of MinIO, mm-bulkinsert -j N --create-index into Milvus 2.3 (storage in that
# MinIO), mm-verify (--sample 100) against it; each tool alone on a manifest file, so that one
# measurement is one process. The table marks every peak over 64 MiB. Milvus counts the rows after
# each import (pymilvus), or the bench fails.
# A second table puts every part of the largest size in flight at once: mm-upload -j N --part-jobs
# 16 --part-size 5M (up to 16 × N parts allowed at a time), for this build and MM_BASELINE_BIN's;
# the bound on transfers (--max-transfers, default 32) is what keeps it under the target.
# Environment: BENCH_DIR (fixtures, default bench/out), BENCH_SIZES (.rv+.uid bytes, default
# "268435456 2147483648"), BENCH_JOBS_LIST (default "1 2 8 32"), MM_BIN (default build/),
# MM_BASELINE_BIN, MM_TOOLS_DIR.
set -euo pipefail
shopt -s inherit_errexit
src=$(cd "$(dirname "$0")/.." && pwd)
bin=${MM_BIN:-$src/build}
dir=${BENCH_DIR:-$src/bench/out}
sizes=${BENCH_SIZES:-268435456 2147483648}
jobs_list=${BENCH_JOBS_LIST:-1 2 8 32}
jobs=2
tools=${MM_TOOLS_DIR:-$HOME/.cache/milvus-mm}
vpy=$tools/venv/bin/python
limit_kib=$((64 * 1024))
mkdir -p "$dir" && dir=$(cd "$dir" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mm-rss.XXXXXX") && chmod 700 "$tmp"
# shellcheck source=bench/lib.sh
. "$src/bench/lib.sh"

start_minio_and_milvus

# peak NAME CMD...: runs CMD under /usr/bin/time, stdout to $tmp/NAME.out; prints the peak RSS in KiB.
peak() {
    local name=$1
    shift
    /usr/bin/time -f %M -o "$tmp/$name.rss" "$@" >"$tmp/$name.out"
    tail -n 1 "$tmp/$name.rss"
}
# cell KIB: the peak in MiB, marked when over the target.
cell() { awk -v k="$1" -v l="$limit_kib" 'BEGIN {printf (k > l ? "**%.1f (over 64)**" : "%.1f"), k / 1024}'; }

echo "$(machine); peak RSS in MiB (GNU time %M) of one process; target: at most 64 MiB"
echo
echo "| data | -j | mm-meta | mm-scan | mm-npy | mm-upload | mm-fetch | mm-bulkinsert | mm-verify |"
echo "|---|---|---|---|---|---|---|---|---|"
for size in $sizes; do
    fx=$(fixture "$size")
    for j in $jobs_list; do
        drop_all
        purge rss
        rm -rf "$tmp/npy" "$tmp/tables"
        meta=$(peak meta "$bin/mm-meta" -q --sqlite "$fx/db/meta.sqlite")
        scan=$(peak scan "$bin/mm-scan" -q --tables "$fx/db/tables" "$tmp/meta.out")
        # --announce-chunks, as mm-run converts for a bucket: mm-upload sends the parts as chunk records say.
        npy=$(peak npy "$bin/mm-npy" -q -j "$j" --announce-chunks --out "$tmp/npy" "$tmp/scan.out")
        upload=$(s3env peak upload "$bin/mm-upload" -q --endpoint "127.0.0.1:$port" --bucket "$bucket" --prefix rss/migration -j "$j" "$tmp/npy.out")
        # The segment files, uploaded as a 1.x tables/ directory, and fetched back.
        rcenv rclone copy -q "$fx/db/tables" "bench:$bucket/rss/tables"
        fetch=$(s3env peak fetch "$bin/mm-fetch" -q --endpoint "127.0.0.1:$port" --bucket "$bucket" --prefix rss/tables -j "$j" --dir "$tmp/tables" "$tmp/meta.out")
        bulk=$(peak bulk "$bin/mm-bulkinsert" -q --address "$addr" -j "$j" --journal "$tmp/journal.$size.$j" --no-probe --create-index "$tmp/upload.out")
        verify=$(peak verify "$bin/mm-verify" -q --address "$addr" --sample 100 "$tmp/scan.out")
        got=$(milvus_rows)
        [[ $got == "$(jq -r 'select(.kind == "summary") | .live' "$tmp/scan.out")" ]] ||
            { echo "rss: Milvus holds $got rows after the import at -j $j" >&2; exit 1; }
        printf '| %s, %s rows | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$(gib "$(payload "$fx")")" "$got" "$j" \
            "$(cell "$meta")" "$(cell "$scan")" "$(cell "$npy")" "$(cell "$upload")" "$(cell "$fetch")" "$(cell "$bulk")" "$(cell "$verify")"
    done
done

# Many parts in flight: the largest size, uploaded whole (no chunk records) in 5 MiB parts.
base=${MM_BASELINE_BIN:-}
echo
echo "mm-upload, $(gib "$(payload "$fx")") in 5 MiB parts, --part-jobs 16: peak RSS in MiB"
echo
echo "| -j | parts allowed in flight (-j × --part-jobs) | this build | baseline build |"
echo "|---|---|---|---|"
jq -c 'select(.kind != "chunk")' "$tmp/npy.out" >"$tmp/npy-whole.out"
for j in $jobs_list; do
    row="| $j | $((j * 16)) |"
    for build in this baseline; do
        b=$bin && [[ $build == this ]] || b=$base
        [[ -n $b ]] || { row+=" not measured |" && continue; }
        purge rss
        row+=" $(cell "$(s3env peak parts "$b/mm-upload" -q --endpoint "127.0.0.1:$port" --bucket "$bucket" --prefix rss/migration \
            -j "$j" --part-jobs 16 --part-size 5M "$tmp/npy-whole.out")") |"
        [[ $(jq -s '[.[] | select(.kind == "group")] | length' "$tmp/parts.out") -gt 0 ]] ||
            { echo "rss: mm-upload ($build) printed no group at -j $j" >&2; exit 1; }
    done
    echo "$row"
done
echo
echo "Load average at the end: $(load)"
