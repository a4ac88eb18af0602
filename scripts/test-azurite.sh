#!/usr/bin/env bash
# Throw-away Azure Blob storage emulator (Azurite) for tests.
#
#   scripts/test-azurite.sh start DIR [--tls]   start azurite-blob on 127.0.0.1:<free port>, data in DIR/data
#   scripts/test-azurite.sh stop DIR            stop it (TERM, bounded wait, then KILL)
#
# After "start", DIR holds:
#   port       blob service port on 127.0.0.1
#   account    the storage account (mmtest)
#   key        its base64 account key (mode 600): random on the first start of DIR, then reused
#   endpoint   http(s)://127.0.0.1:<port>/<account>  (path-style, as the emulator wants)
#   ca.pem     with --tls: the self-signed certificate the server uses (for --ca-file)
#   azurite.pid, azurite.log, data/
#
# No container is created: tests create one with `mm-upload --create-bucket`.
# The key reaches Azurite only through its environment (AZURITE_ACCOUNTS), never a command line.
# Azurite is the npm package `azurite`; when ${MM_AZURITE:-$TOOLS_DIR/azurite/node_modules/.bin/azurite-blob}
# is missing it is installed there with npm (TOOLS_DIR: $MM_TOOLS_DIR or ~/.cache/milvus-mm).
set -euo pipefail

PROG=${0##*/}
TOOLS_DIR=${MM_TOOLS_DIR:-$HOME/.cache/milvus-mm}
AZURITE=${MM_AZURITE:-$TOOLS_DIR/azurite/node_modules/.bin/azurite-blob}
AZURITE_VERSION=3.35.0
ACCOUNT=mmtest
# shellcheck source=scripts/test-server-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/test-server-lib.sh"

usage() {
    printf 'usage: %s start DIR [--tls]\n       %s stop DIR\n' "$PROG" "$PROG" >&2
    exit 2
}

# Prints the pid in DIR/azurite.pid when that process is alive and serves DIR/data.
live_pid() {
    local pid
    pid=$(recorded_pid "$1/azurite.pid")
    [[ -n $pid && $(cmdline_of "$pid") == *"--location $1/data "* ]] || return 0
    printf '%s\n' "$pid"
}

install_azurite() {
    [[ -x $AZURITE ]] && return 0
    command -v npm >/dev/null 2>&1 || die "npm not found (apt-get install npm, or set MM_AZURITE)"
    printf '%s: installing azurite %s into %s/azurite\n' "$PROG" "$AZURITE_VERSION" "$TOOLS_DIR" >&2
    npm install --silent --no-audit --no-fund --prefix "$TOOLS_DIR/azurite" "azurite@$AZURITE_VERSION" >&2 ||
        die "npm install azurite failed"
    [[ -x $AZURITE ]] || die "$AZURITE not found after npm install"
}

cmd_start() {
    local dir=$1 tls=$2
    install_azurite
    mkdir -p "$dir/data"
    dir=$(cd "$dir" && pwd -P)
    [[ -z $(live_pid "$dir") ]] || die "Azurite for $dir is already running; run '$PROG stop $dir' first"
    if [[ ! -s $dir/key ]]; then
        (umask 077 && head -c 32 /dev/urandom | base64 -w0 >"$dir/key")
    fi
    printf '%s\n' "$ACCOUNT" >"$dir/account"
    local scheme=http tls_args=()
    if [[ $tls == 1 ]]; then
        # A certificate for 127.0.0.1 only; clients trust it through --ca-file DIR/ca.pem.
        openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
            -addext subjectAltName=IP:127.0.0.1 -keyout "$dir/tls.key" -out "$dir/ca.pem" 2>/dev/null ||
            die "openssl could not make a certificate"
        scheme=https
        tls_args=(--cert "$dir/ca.pem" --key "$dir/tls.key")
    fi
    local port pid ok=0 attempt
    for attempt in 1 2 3; do
        port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
        printf '%s\n' "$port" >"$dir/port"
        env -i PATH="/usr/local/bin:/usr/bin:/bin" HOME="$dir" AZURITE_ACCOUNTS="$ACCOUNT:$(<"$dir/key")" \
            setsid "$AZURITE" --blobHost 127.0.0.1 --blobPort "$port" --location "$dir/data" --silent \
            --skipApiVersionCheck --disableProductStyleUrl --disableTelemetry "${tls_args[@]}" \
            </dev/null >"$dir/azurite.log" 2>&1 &
        pid=$!
        disown "$pid" 2>/dev/null || true
        printf '%s\n' "$pid" >"$dir/azurite.pid"
        local deadline=$((SECONDS + 30))
        while ((SECONDS < deadline)); do
            kill -0 "$pid" 2>/dev/null || break
            # Any HTTP answer (an unauthenticated request gets 4xx) means the server is up.
            if curl -s --max-time 2 --cacert "$dir/ca.pem" -o /dev/null "$scheme://127.0.0.1:$port/$ACCOUNT?comp=list" 2>/dev/null ||
                curl -s --max-time 2 -o /dev/null "$scheme://127.0.0.1:$port/" 2>/dev/null; then
                ok=1
                break
            fi
            sleep 0.2
        done
        ((ok)) && break
        kill -0 "$pid" 2>/dev/null && { cmd_stop "$dir"; die "Azurite not ready within 30s (log: $dir/azurite.log)"; }
        grep -q -i 'EADDRINUSE' "$dir/azurite.log" && continue
        cat "$dir/azurite.log" >&2
        die "Azurite exited during startup (log: $dir/azurite.log)"
    done
    ((ok)) || die "Azurite could not bind a free port after 3 attempts"
    printf '%s://127.0.0.1:%s/%s\n' "$scheme" "$port" "$ACCOUNT" >"$dir/endpoint"
    printf '%s: azurite pid %s on 127.0.0.1:%s (%s), dir %s\n' "$PROG" "$pid" "$port" "$scheme" "$dir" >&2
}

cmd_stop() {
    local dir=$1 pid
    [[ -d $dir ]] || return 0
    dir=$(cd "$dir" && pwd -P)
    pid=$(live_pid "$dir")
    [[ -z $pid ]] || stop_server "$dir" azurite "$pid" 15
    rm -f "$dir/azurite.pid"
}

case ${1:-} in
start)
    [[ $# -eq 2 || ( $# -eq 3 && $3 == --tls ) ]] || usage
    cmd_start "$2" "$([[ ${3:-} == --tls ]] && echo 1 || echo 0)"
    ;;
stop)
    [[ $# -eq 2 ]] || usage
    cmd_stop "$2"
    ;;
*) usage ;;
esac
