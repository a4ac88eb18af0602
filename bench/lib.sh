# shellcheck shell=bash disable=SC2154
# Helpers shared by the bench scripts (sourced, not run).
# The caller sets: src (the repository), bin (the tools), dir (scratch), tmp (private temp dir).

now() { date +%s.%N; }
# median min max of the numbers on stdin
stats() { sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f %.3f %.3f\n", m, a[1], a[NR]}'; }
# "median (min–max)" of the numbers in a file
fmt() { local m lo hi; read -r m lo hi < <(stats <"$1"); printf '%s (%s–%s)' "$m" "$lo" "$hi"; }
med() { stats <"$1" | cut -d' ' -f1; }
# a / b, with 3 decimals
div() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a / b}'; }
# a - b
sub() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a - b}'; }
# MiB/s for BYTES in SECONDS
rate() { awk -v b="$1" -v s="$2" 'BEGIN {printf "%.0f", b / 1048576 / s}'; }
gib() { awk -v b="$1" 'BEGIN {printf "%.2f GiB", b / 1073741824}'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
machine() {
    echo "machine: $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -n 1)), $(free -g | awk '/Mem:/ {print $2}') GiB RAM, Linux $(uname -r), $(df -T "$dir" | awk 'NR==2 {print $2}'); $(date -u +%FT%TZ); load average $(load)"
}

# timed NAME CMD...: runs CMD (a command or a shell function), appends its wall seconds to
# $tmp/NAME.s and the CPU seconds (user+sys) of the processes it waited for to $tmp/NAME.cpu.
# CPU comes from the times builtin (getrusage of reaped children), read in this shell. With the
# bench's MinIO running, its CPU seconds meanwhile go to $tmp/NAME.minio.
timed() {
    local name=$1 t0 t1 m0 m1
    shift
    times >"$tmp/c0"
    m0=$(minio_cpu)
    t0=$(now)
    "$@"
    t1=$(now)
    m1=$(minio_cpu)
    times >"$tmp/c1"
    sub "$t1" "$t0" >>"$tmp/$name.s"
    echo >>"$tmp/$name.s"
    sub "$(child_cpu "$tmp/c1")" "$(child_cpu "$tmp/c0")" >>"$tmp/$name.cpu"
    echo >>"$tmp/$name.cpu"
    [[ -z $m0 ]] || { sub "$m1" "$m0" && echo; } >>"$tmp/$name.minio"
}
child_cpu() { sed -n 2p "$1" | tr 'ms' '  ' | awk '{print $1 * 60 + $2 + $3 * 60 + $4}'; }
# minio_cpu: user+sys seconds MinIO (of start_minio) has used so far; nothing when none runs.
# Fields 14 and 15 of /proc/PID/stat, counted after the ") " that ends the command's name.
minio_cpu() {
    [[ -n ${minio_dir:-} && -f $minio_dir/minio.pid ]] || return 0
    sed -e 's/^.*) //' "/proc/$(<"$minio_dir/minio.pid")/stat" 2>/dev/null |
        awk -v hz="$(getconf CLK_TCK)" '{printf "%.3f\n", ($12 + $13) / hz}'
}
last() { tail -n 1 "$tmp/$1.s"; }

# fixture BYTES [DIM] [DELETE_FRAC]: a gen1x bench installation under $dir/fx, reused when present.
fixture() {
    local bytes=$1 dim=${2:-128} frac=${3:-0} fx
    fx=$dir/fx/b$bytes-d$dim-x$frac
    if [[ ! -f $fx/expected/index.json ]]; then
        /usr/bin/python3 "$src/tests/fixtures/gen1x.py" --out "$fx" --profile bench --bench-bytes "$bytes" \
            --bench-dim "$dim" --bench-delete-frac "$frac" --force >&2
    fi
    echo "$fx"
}
# payload FX: bytes of .rv + .uid
payload() { find "$1/db/tables" \( -name '*.rv' -o -name '*.uid' \) -printf '%s\n' | awk '{s+=$1} END {print s}'; }
# scan FX OUT: the mm-scan manifest of a fixture
scan() { "$bin/mm-meta" -q --sqlite "$1/db/meta.sqlite" | "$bin/mm-scan" -q --tables "$1/db/tables" >"$2"; }

# MinIO (scripts/test-minio.sh) in $tmp/minio; sets port, bucket.
start_minio() {
    minio_dir=$tmp/minio
    # purge and the uploads go through rclone; a script run alone (not by make bench) installs it here.
    command -v rclone >/dev/null 2>&1 || "$src/bench/install-baselines.sh" >&2
    "$src/scripts/test-minio.sh" start "$minio_dir" >&2
    port=$(<"$minio_dir/port")
    bucket=$(<"$minio_dir/bucket")
}
stop_minio() { [[ -z ${minio_dir:-} || ! -d $minio_dir ]] || "$src/scripts/test-minio.sh" stop "$minio_dir" >/dev/null 2>&1 || true; }
s3env() { AWS_ACCESS_KEY_ID=$(<"$minio_dir/access_key") AWS_SECRET_ACCESS_KEY=$(<"$minio_dir/secret_key") "$@"; }
# curl config with the keys, for curl -K - (stdin), never on a command line
curl_keys() { printf 'user = "%s:%s"\n' "$(<"$minio_dir/access_key")" "$(<"$minio_dir/secret_key")"; }
# rclone remote "bench:" through the environment only (AWS_CA_BUNDLE breaks rclone 1.60's S3 client).
rcenv() {
    env -u AWS_CA_BUNDLE RCLONE_CONFIG="$tmp/rclone.conf" RCLONE_CONFIG_BENCH_TYPE=s3 RCLONE_CONFIG_BENCH_PROVIDER=Minio \
        RCLONE_CONFIG_BENCH_ENDPOINT="http://127.0.0.1:$port" RCLONE_CONFIG_BENCH_REGION=us-east-1 \
        RCLONE_CONFIG_BENCH_ACCESS_KEY_ID="$(<"$minio_dir/access_key")" \
        RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY="$(<"$minio_dir/secret_key")" "$@"
}
# purge PREFIX: deletes the objects, then empties MinIO's trash.
purge() {
    rcenv rclone purge -q "bench:$bucket/$1" 2>/dev/null || true
    empty_minio_trash
}
# Deleted objects wait in MinIO's trash for a later sweep: five runs of floors.sh filled the disk so.
empty_minio_trash() { find "$minio_dir/data/.minio.sys/tmp/.trash" -mindepth 1 -maxdepth 1 -exec rm -rf {} + 2>/dev/null || true; }
stored_bytes() { rcenv rclone size -q --json "bench:$bucket/$1" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["bytes"])'; }

# raw_put DIR PREFIX P: every regular file under DIR in a single PUT with an unsigned payload (the
# client neither hashes nor splits), at most P at once: the least work a client can do per byte.
raw_put() {
    local f rc=0 n=0 base=http://127.0.0.1:$port/$bucket/$2
    while IFS= read -r f; do
        if ((n >= $3)); then wait -n || rc=1; n=$((n - 1)); fi
        curl_keys | curl -sS -f -K - -o /dev/null --aws-sigv4 'aws:amz:us-east-1:s3' \
            -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' -T "$f" "$base/${f#"$1"/}" &
        n=$((n + 1))
    done < <(find "$1" -type f | sort)
    while ((n > 0)); do wait -n || rc=1; n=$((n - 1)); done
    return "$rc"
}

# Milvus 2.x (e2e.sh, whole.sh): $vpy is the venv's python (pymilvus), $addr the server's host:port.
# start_minio_and_milvus: MinIO, then a Milvus 2.3 standalone storing in it, both under $tmp, which
# the EXIT trap it sets stops and removes; sets addr (and port, bucket).
# bench_migration_yaml FX LOADERS TARGET WHERE [MILVUS]: a milvus-migration style migration.yaml on
# stdout, the one both tools read, for the 1.x installation FX (its meta.json, meta.mode mock) with
# $jobs dump workers and LOADERS load workers. TARGET local: WHERE is the output directory; minio:
# WHERE is the key prefix in the bench's MinIO, whose keys the file then holds (write it mode 600).
# MILVUS: the Milvus 2.x endpoint.
bench_migration_yaml() {
    local fx=$1 loaders=$2 target=$3 where=$4 milvus=${5:-}
    printf 'dumper:\n  worker:\n    workMode: milvus1x\n    limit: %d\n' "$jobs"
    printf '    reader:\n      bufferSize: 1024\n    writer:\n      bufferSize: 1024\n'
    printf 'loader:\n  worker:\n    limit: %d\n' "$loaders"
    printf 'meta:\n  mode: mock\n  mockFile: %s\n' "$fx/meta.json"
    printf 'source:\n  mode: local\n  local:\n    tablesDir: %s/\n' "$fx/db/tables"
    if [[ $target == local ]]; then
        printf 'target:\n  mode: local\n  local:\n    outputDir: %s\n' "$where"
    else
        printf 'target:\n  mode: remote\n  remote:\n    outputDir: %s\n    cloud: aws\n' "$where"
        printf '    endpoint: 127.0.0.1:%s\n    region: us-east-1\n    bucket: %s\n' "$port" "$bucket"
        printf '    ak: %s\n    sk: %s\n' "$(<"$minio_dir/access_key")" "$(<"$minio_dir/secret_key")"
        printf '    useSSL: false\n    useIAM: false\n    checkBucket: true\n'
    fi
    [[ -z $milvus ]] || printf '  milvus2x:\n    endpoint: %s\n' "$milvus"
}

start_minio_and_milvus() {
    milvus_dir=$tmp/milvus
    trap stop_minio_and_milvus EXIT
    trap 'exit 130' INT TERM
    start_minio
    "$src/scripts/test-milvus.sh" start "$milvus_dir" minio "$minio_dir" >&2
    addr=127.0.0.1:$(<"$milvus_dir/port")
}
stop_minio_and_milvus() {
    [[ ! -d $milvus_dir ]] || "$src/scripts/test-milvus.sh" stop "$milvus_dir" >/dev/null 2>&1 || true
    stop_minio
    rm -rf "$tmp"
}
# drop_all: drops every collection.
drop_all() {
    "$vpy" - "$addr" <<'PY'
import sys
from pymilvus import connections, utility
connections.connect(uri="http://" + sys.argv[1])
for c in utility.list_collections():
    utility.drop_collection(c)
PY
}
# milvus_rows: the rows Milvus counts in all its collections, each flushed first.
milvus_rows() {
    "$vpy" - "$addr" <<'PY'
import sys
from pymilvus import Collection, connections, utility
connections.connect(uri="http://" + sys.argv[1])
total = 0
for name in utility.list_collections():
    c = Collection(name)
    c.flush()
    total += c.num_entities
print(total)
PY
}
# A journal entry's "time" as epoch seconds, for jq.
journal_time='def t: capture("^(?<s>[^.]*)[.](?<ms>[0-9]+)Z$") | (.s + "Z" | fromdateiso8601) + (.ms | tonumber) / 1000;'
# busy JOURNAL: seconds during which at least one import was in the server's hands: the union of
# each group's interval from its "submitting" to its "completed" entry, by the entries' own times
busy() {
    jq -r "$journal_time"' select(.event == "submitting" or .event == "completed") | [.group, .event, (.time | t)] | @tsv' "$1" |
        awk -F'\t' '$2 == "submitting" {s[$1] = $3} $2 == "completed" {e[$1] = $3} END {for (g in e) print s[g], e[g]}' | sort -g |
        awk 'NR == 1 || $1 > ce {t += ce - cs; cs = $1; ce = $2; next} $2 > ce {ce = $2} END {printf "%.3f\n", t + ce - cs}'
}
# first_import JOURNAL START: seconds from START (epoch seconds) to the first "submitting" entry
first_import() {
    jq -r "$journal_time"' select(.event == "submitting") | .time | t' "$1" | sort -g | head -n 1 |
        awk -v t0="$2" '{printf "%.3f\n", $1 - t0}'
}
