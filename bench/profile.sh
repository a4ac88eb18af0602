#!/usr/bin/env bash
# Where the time goes (issue 5, item 7): perf record (cpu-clock sampling, user and kernel) of
# mm-npy without deletes, mm-npy with 10% deletes, and mm-upload into MinIO on loopback, on small
# generated inputs. Prints, per command, its wall and CPU seconds, the samples by object (kernel,
# libc, libcrypto, …) and the symbols with ≥ 3% of the samples (self time), as markdown. Needs perf (Debian: linux-perf) and root or
# kernel.perf_event_paranoid ≤ 1 for kernel symbols.
# Environment: BENCH_DIR (default bench/out), BENCH_PROFILE_BYTES (default 512 MiB), BENCH_JOBS, MM_BIN.
set -euo pipefail
shopt -s inherit_errexit
src=$(cd "$(dirname "$0")/.." && pwd)
bin=${MM_BIN:-$src/build}
dir=${BENCH_DIR:-$src/bench/out}
bytes=${BENCH_PROFILE_BYTES:-536870912}
jobs=${BENCH_JOBS:-$(nproc)}
mkdir -p "$dir" && dir=$(cd "$dir" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mm-profile.XXXXXX") && chmod 700 "$tmp"
# shellcheck source=bench/lib.sh
. "$src/bench/lib.sh"
out=$dir/profile-out
cleanup() { stop_minio; rm -rf "$tmp" "$out"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
command -v perf >/dev/null || { echo "profile: perf not installed (Debian: linux-perf)" >&2; exit 1; }

# profile NAME LABEL CMD...: perf record of CMD, then the top symbols
profile() {
    local name=$1 label=$2
    shift 2
    sync
    timed "$name" perf record -q -e cpu-clock -F 999 -g -o "$tmp/$name.data" -- "$@" >/dev/null 2>"$tmp/$name.err"
    echo
    echo "### $label"
    echo
    echo "wall $(last "$name") s, CPU $(tail -n 1 "$tmp/$name.cpu") s (user+sys, perf included; the rest of the wall is"
    echo "spent waiting: for the disk's writeback, or for the server). Samples by object:"
    echo
    echo "| % | object |"
    echo "|---|---|"
    perf report -i "$tmp/$name.data" --stdio --no-children --sort dso -g none 2>/dev/null |
        awk '/^ +[0-9.]+%/ {printf "| %s | %s |\n", $1, $2}' | head -n 6
    echo
    echo "Symbols with ≥ 3% of the samples (self):"
    echo
    echo "| % | object | symbol |"
    echo "|---|---|---|"
    perf report -i "$tmp/$name.data" --stdio --no-children --sort dso,sym --percent-limit 3 -g none 2>/dev/null |
        awk '/^ +[0-9.]+%/ {p=$1; d=$2; $1=$2=""; sub(/^ +/, ""); printf "| %s | %s | `%s` |\n", p, d, $0}'
}

fx0=$(fixture "$bytes")
fx1=$(fixture "$bytes" 128 0.1)
scan "$fx0" "$tmp/scan0.jsonl"
scan "$fx1" "$tmp/scan1.jsonl"
find "$fx0/db/tables" "$fx1/db/tables" -type f -exec cat {} + >/dev/null
start_minio
echo "$(machine); perf $(perf version | cut -d' ' -f3); -j $jobs"
echo "inputs: $(gib "$(payload "$fx0")") delete-free and $(gib "$(payload "$fx1")") with 10% deletes, 128-d (gen1x.py --profile bench)"
rm -rf "$out"
profile npy0 "mm-npy -j $jobs, no deletes (copy_file_range path)" "$bin/mm-npy" -q -j "$jobs" --out "$out/0" "$tmp/scan0.jsonl"
profile npy1 "mm-npy -j $jobs, 10% deletes (4 MiB window path)" "$bin/mm-npy" -q -j "$jobs" --out "$out/1" "$tmp/scan1.jsonl"
"$bin/mm-npy" -q -j "$jobs" --out "$out/0" "$tmp/scan0.jsonl" >"$tmp/groups.jsonl" # already complete: the records only
# the keys reach mm-upload in its environment (s3env), never on a command line
s3env profile up "mm-upload -j 4 into MinIO (client side only; MinIO is another process)" "$bin/mm-upload" -q --endpoint "127.0.0.1:$port" --bucket "$bucket" --prefix prof -j 4 "$tmp/groups.jsonl"
echo
echo "Load average at the end: $(load)"
