#!/usr/bin/env bash
# Throw-away FAKE Milvus 2.4 / 2.5 / 2.6 / 3.0 standalone for tests: tests/fakes/fake_milvus_v24.py,
# a test double of the import path (no real 2.4+ server can be installed here). Not Milvus.
#
#   scripts/test-fake-milvus.sh start DIR [--version V] [--auth] [--retention S] [--stage-seconds S]
#                                         [--index-seconds S] [--hold-import S] [--replicating] [--no-rest]
#                                         [--max-jobs N]
#   scripts/test-fake-milvus.sh stop DIR
#
# After "start", DIR holds: port (gRPC and REST on 127.0.0.1, one port as on a real 2.4+ server),
# pid, version, state.json (jobs and collections; kept across stop/kill -9 and reused by a later
# start of DIR, with the same port), fake.log; with --auth, user ("root") and password (mode 600,
# random, reused by a later start). "start" returns once gRPC answers GetVersion.
# --version V        reported version and behaviour switch (default v2.6.3)
# --retention S      seconds a finished job is remembered (dataCoord.import.taskRetention, 10800)
# --stage-seconds S  length of each import stage (default 0.5)
# --index-seconds S  extra IndexBuilding time when the collection has an index (default 0)
# --hold-import S    delay the Import reply by S seconds after the job is created and persisted
# --replicating      3.0 only: refuse imports as a cluster under CDC replication does
# --no-rest          the REST API off (proxy.http.enabled: false): the port speaks only gRPC
# Fake-only control (no auth): POST /_fake/collection, GET /_fake/state (see the .py header).
# Environment: MM_TOOLS_DIR (venv), MM_TEST_FAKE_START_TIMEOUT (seconds, default 30).
set -euo pipefail

PROG=${0##*/}
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
SERVER=$(cd "$SCRIPT_DIR/.." && pwd -P)/tests/fakes/fake_milvus_v24.py
TOOLS_DIR=${MM_TOOLS_DIR:-$HOME/.cache/milvus-mm}
PY=$TOOLS_DIR/venv/bin/python
# shellcheck source=scripts/test-server-lib.sh
. "$SCRIPT_DIR/test-server-lib.sh"

usage() {
    sed -n '5,8p' "$0" | sed 's/^# *//' >&2
    exit 2
}

# The pid in DIR/pid when it is alive and is the fake of DIR.
live_pid() {
    local pid
    pid=$(recorded_pid "$1/pid")
    [[ -n $pid ]] || return 0
    [[ $(cmdline_of "$pid") == *"fake_milvus_v24.py --dir $1 "* ]] || return 0
    printf '%s\n' "$pid"
}

free_port() {
    "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

cmd_start() {
    local dir=$1
    shift
    local version=v2.6.3 auth=0
    local -a extra=()
    while (($#)); do
        case $1 in
        --version)
            (($# >= 2)) || usage
            version=$2
            shift
            ;;
        --auth) auth=1 ;;
        --retention | --stage-seconds | --index-seconds | --hold-import | --max-jobs)
            if (($# < 2)) || [[ ! $2 =~ ^[0-9]+(\.[0-9]+)?$ ]]; then usage; fi
            extra+=("$1" "$2")
            shift
            ;;
        --replicating | --no-rest) extra+=("$1") ;;
        *) usage ;;
        esac
        shift
    done
    [[ $version =~ ^v?(2\.[4-9]|3\.[0-9])\.[0-9]+$ ]] || die "--version must be 2.4.x to 3.x.y, got '$version'"
    [[ -x $PY ]] || die "$PY not found; run scripts/install-test-servers.sh"
    mkdir -p "$dir"
    dir=$(abs_dir "$dir")
    [[ -z $(live_pid "$dir") ]] || die "the fake for $dir is already running (pid $(live_pid "$dir")); run '$PROG stop $dir' first"

    local port
    if [[ -s $dir/port ]]; then
        port=$(<"$dir/port")
    else
        port=$(free_port)
        printf '%s\n' "$port" >"$dir/port"
    fi
    printf '%s\n' "$version" >"$dir/version"
    if ((auth)); then
        extra+=(--auth)
        printf 'root\n' >"$dir/user"
        if [[ ! -s $dir/password ]]; then
            (umask 077 && random_string 20 >"$dir/password")
        fi
        chmod 600 "$dir/password"
    else
        rm -f "$dir/user"
    fi

    # setsid + nohup: the fake outlives this script; stop (or kill -9) ends it.
    setsid nohup "$PY" "$SERVER" --dir "$dir" --port "$port" --version "$version" "${extra[@]}" \
        >>"$dir/fake.log" 2>&1 </dev/null &
    local pid=$!
    printf '%s\n' "$pid" >"$dir/pid"

    local timeout=${MM_TEST_FAKE_START_TIMEOUT:-30} deadline
    deadline=$((SECONDS + timeout))
    until "$PY" - "$port" <<'PYEOF' 2>/dev/null; do
import sys, grpc
from pymilvus.grpc_gen import milvus_pb2, milvus_pb2_grpc
ch = grpc.insecure_channel(f"127.0.0.1:{sys.argv[1]}")
try:
    milvus_pb2_grpc.MilvusServiceStub(ch).GetVersion(milvus_pb2.GetVersionRequest(), timeout=2)
except grpc.RpcError as e:   # UNAUTHENTICATED (--auth) still means it answers
    sys.exit(0 if e.code() == grpc.StatusCode.UNAUTHENTICATED else 1)
PYEOF
        if [[ -z $(live_pid "$dir") ]]; then
            tail -n 20 "$dir/fake.log" >&2 || true
            die "the fake for $dir exited during start-up (log: $dir/fake.log)"
        fi
        ((SECONDS < deadline)) || die "the fake for $dir did not answer within ${timeout}s (log: $dir/fake.log)"
        sleep 0.1
    done
    printf '%s: fake Milvus %s (test double) for %s on 127.0.0.1:%s, pid %s\n' "$PROG" "$version" "$dir" "$port" "$pid" >&2
}

cmd_stop() {
    local dir=$1 pid
    [[ -d $dir ]] || die "directory $dir not found"
    dir=$(abs_dir "$dir")
    pid=$(live_pid "$dir")
    [[ -n $pid ]] || return 0
    stop_server "$dir" "fake Milvus" "$pid" 5
}

(($# >= 2)) || usage
case $1 in
start) shift && cmd_start "$@" ;;
stop)
    (($# == 2)) || usage
    cmd_stop "$2"
    ;;
*) usage ;;
esac
