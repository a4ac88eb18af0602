#!/usr/bin/env bash
# Throw-away MinIO (S3) server for tests.
#
#   scripts/test-minio.sh start DIR   start MinIO on 127.0.0.1:<free port>, data in DIR/data,
#                                     and create the bucket
#   scripts/test-minio.sh stop DIR    stop it (TERM, bounded wait, then KILL)
#
# After "start", DIR holds:
#   port                  S3 port on 127.0.0.1
#   endpoint              http://127.0.0.1:<port>
#   bucket                the bucket name ($MM_TEST_BUCKET, default a-bucket)
#   access_key secret_key the root credentials (mode 600), random on the first start of DIR and
#                         reused when DIR is started again
#   minio.pid, minio.log, data/, certs/
#
# The credentials reach MinIO only through its environment (MINIO_ROOT_USER/PASSWORD) and curl
# only through a config file on its standard input: never through a command line.
# The binary is ${MM_MINIO:-${MM_TOOLS_DIR:-$HOME/.cache/milvus-mm}/bin/minio}
# (scripts/install-test-servers.sh).
#
# Environment knobs: MM_TEST_BUCKET, MM_TEST_MINIO_START_TIMEOUT (seconds, default 30),
#                    MM_TEST_MINIO_STOP_TIMEOUT (seconds, default 15), MM_TEST_MINIO_DOMAIN
#                    (MINIO_DOMAIN: buckets also addressed as BUCKET.DOMAIN, virtual-host style,
#                    as Aliyun OSS and Tencent COS require; "localhost" needs no DNS).
set -euo pipefail

PROG=${0##*/}
TOOLS_DIR=${MM_TOOLS_DIR:-$HOME/.cache/milvus-mm}
MINIO=${MM_MINIO:-$TOOLS_DIR/bin/minio}
# shellcheck source=scripts/test-server-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/test-server-lib.sh"

usage() {
    printf 'usage: %s start DIR\n       %s stop DIR\n' "$PROG" "$PROG" >&2
    exit 2
}

# Prints the pid in DIR/minio.pid if that process is alive and is the MinIO serving DIR/data.
live_pid() {
    local pid
    pid=$(recorded_pid "$1/minio.pid")
    [[ -n $pid && $(cmdline_of "$pid") == *" server $1/data "* ]] || return 0
    printf '%s\n' "$pid"
}

# pick_port [PREFERRED]: PREFERRED if it is free, else any free port.
pick_port() {
    python3 - "${1:-0}" <<'PY'
import socket, sys
for port in (int(sys.argv[1]), 0):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as MinIO's listener does (TIME_WAIT)
    try:
        s.bind(("127.0.0.1", port))
        print(s.getsockname()[1])
        break
    except OSError:
        pass
    finally:
        s.close()
PY
}

# s3 DIR METHOD PATH: a SigV4-signed request to MinIO; prints the HTTP status code.
# The credentials go to curl in a config file on stdin.
s3() {
    local dir=$1 method=$2 path=$3
    printf 'user = "%s:%s"\n' "$(<"$dir/access_key")" "$(<"$dir/secret_key")" |
        curl -sS -K - --max-time 10 -o /dev/null -w '%{http_code}' \
            --aws-sigv4 'aws:amz:us-east-1:s3' -X "$method" \
            "http://127.0.0.1:$(<"$dir/port")/$path"
}

cmd_start() {
    local dir=$1
    need python3
    need curl
    [[ -x $MINIO ]] || die "$MINIO not found; run scripts/install-test-servers.sh"
    local timeout=${MM_TEST_MINIO_START_TIMEOUT:-30}
    [[ $timeout =~ ^[0-9]+$ ]] || die "MM_TEST_MINIO_START_TIMEOUT must be a whole number of seconds"
    local bucket=${MM_TEST_BUCKET:-a-bucket}
    [[ $bucket =~ ^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$ ]] || die "invalid bucket name '$bucket'"

    mkdir -p "$dir"
    dir=$(abs_dir "$dir")
    local t0
    t0=$(date +%s%N)
    if [[ -n $(live_pid "$dir") ]]; then
        die "MinIO for $dir is already running (pid $(live_pid "$dir")); run '$PROG stop $dir' first"
    fi
    mkdir -p "$dir/data" "$dir/certs"

    if [[ ! -s $dir/access_key || ! -s $dir/secret_key ]]; then
        local old_umask
        old_umask=$(umask)
        umask 077
        random_string 20 >"$dir/access_key"
        random_string 40 >"$dir/secret_key"
        umask "$old_umask"
    fi
    chmod 600 "$dir/access_key" "$dir/secret_key"
    printf '%s\n' "$bucket" >"$dir/bucket"

    local attempt port pid ok=0
    # Interrupted while starting: leave no server behind.
    # shellcheck disable=SC2064 # expand $dir now
    trap "cmd_stop '$dir'; exit 130" INT TERM
    local previous=0 # a restart of DIR keeps its port when it can
    [[ ! -s $dir/port ]] || previous=$(tr -dc '0-9' <"$dir/port")
    for attempt in 1 2 3; do
        port=$(pick_port "$previous")
        previous=0
        printf '%s\n' "$port" >"$dir/port"
        # A clean environment: only what MinIO needs. Secrets via the environment, which only
        # root and the owner can read (/proc/PID/environ is mode 400). setsid: no signals from
        # the caller's terminal or process group.
        env -i PATH="/usr/local/bin:/usr/bin:/bin" HOME="$dir" \
            MINIO_ROOT_USER="$(<"$dir/access_key")" \
            MINIO_ROOT_PASSWORD="$(<"$dir/secret_key")" \
            MINIO_BROWSER=off MINIO_UPDATE=off ${MM_TEST_MINIO_DOMAIN:+MINIO_DOMAIN="$MM_TEST_MINIO_DOMAIN"} \
            setsid "$MINIO" server "$dir/data" --address "127.0.0.1:$port" \
            --certs-dir "$dir/certs" --quiet --anonymous \
            </dev/null >"$dir/minio.log" 2>&1 &
        pid=$!
        disown "$pid" 2>/dev/null || true
        printf '%s\n' "$pid" >"$dir/minio.pid"

        local deadline=$((SECONDS + timeout))
        while ((SECONDS < deadline)); do
            kill -0 "$pid" 2>/dev/null || break
            if curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:$port/minio/health/ready" 2>/dev/null; then
                ok=1
                break
            fi
            sleep 0.1
        done
        ((ok)) && break
        if kill -0 "$pid" 2>/dev/null; then
            cmd_stop "$dir" || true
            cat "$dir/minio.log" >&2
            die "MinIO not ready within ${timeout}s (log: $dir/minio.log)"
        fi
        if grep -q -i -E 'address already in use|bind:' "$dir/minio.log"; then
            printf '%s: port %s was taken, retrying (attempt %s)\n' "$PROG" "$port" "$attempt" >&2
            continue
        fi
        cat "$dir/minio.log" >&2
        die "MinIO exited during startup (log: $dir/minio.log)"
    done
    ((ok)) || die "MinIO could not bind a free port after 3 attempts (log: $dir/minio.log)"
    printf 'http://127.0.0.1:%s\n' "$port" >"$dir/endpoint"

    # Create the bucket unless it exists (a restart of DIR keeps it).
    local code
    code=$(s3 "$dir" HEAD "$bucket") || code=failed
    if [[ $code == 404 ]]; then
        code=$(s3 "$dir" PUT "$bucket") || code=failed
        [[ $code == 200 ]] || { cmd_stop "$dir" || true; die "creating bucket '$bucket' failed (HTTP $code)"; }
        code=$(s3 "$dir" HEAD "$bucket") || code=failed
    fi
    [[ $code == 200 ]] || { cmd_stop "$dir" || true; die "bucket '$bucket' not usable (HTTP $code)"; }

    trap - INT TERM
    printf '%s: minio pid %s on 127.0.0.1:%s, bucket %s (ready in %s ms), dir %s\n' \
        "$PROG" "$pid" "$port" "$bucket" "$(elapsed_ms "$t0")" "$dir" >&2
}

cmd_stop() {
    local dir=$1
    [[ -d $dir ]] || return 0
    dir=$(abs_dir "$dir")
    local timeout=${MM_TEST_MINIO_STOP_TIMEOUT:-15}
    [[ $timeout =~ ^[0-9]+$ ]] || die "MM_TEST_MINIO_STOP_TIMEOUT must be a whole number of seconds"
    local pid
    pid=$(live_pid "$dir")
    if [[ -z $pid ]]; then
        rm -f "$dir/minio.pid"
        return 0
    fi
    stop_server "$dir" minio "$pid" "$timeout"
    rm -f "$dir/minio.pid"
}

main() {
    (($# == 2)) || usage
    local cmd=$1 dir=$2
    [[ -n $dir ]] || usage
    case $cmd in
    start) cmd_start "$dir" ;;
    stop) cmd_stop "$dir" ;;
    *) usage ;;
    esac
}

main "$@"
