#!/usr/bin/env bash
# Throw-away Milvus 2.3 or 2.2 standalone server for tests: the real server binary shipped in the
# PyPI package "milvus" (installed by scripts/install-test-servers.sh: 2.3.5 in a venv, 2.2.16
# beside it).
#
#   scripts/test-milvus.sh start DIR [local | minio MINIO_DIR] [--auth] [--tls CERT_DIR | --mtls CERT_DIR]
#                                    [--set KEY=VALUE]... [--version 2.2|2.3]
#   scripts/test-milvus.sh stop DIR
#
# --version 2.2|2.3 (or MM_TEST_MILVUS_VERSION; default 2.3): which server. Each renders its
#                  milvus.yaml from its own package's template. 2.2 is local storage only (its
#                  builds in that package have no remote storage); minio with 2.2 is an error.
#                  DIR/version records it: a DIR is started again only with the same version.
# local (default): common.storageType=local, data and imported files on this file system
#                  (bulk-insert file paths are absolute paths).
# minio MINIO_DIR: common.storageType=remote through the MinIO started by
#                  scripts/test-minio.sh start MINIO_DIR (its port, bucket and credentials);
#                  bulk-insert file paths are object keys in that bucket.
# --auth (or MM_TEST_MILVUS_AUTH=1): common.security.authorizationEnabled=true; root's password
#                  is then changed from the default to $MM_TEST_MILVUS_ROOT_PASSWORD or a random
#                  one, written to DIR/password (mode 600); DIR/user holds "root" (only while
#                  auth is on; a later start of DIR reuses DIR/password).
# --tls CERT_DIR:  one-way TLS on the proxy's port (common.security.tlsMode=1): the server
#                  presents CERT_DIR/server.pem (tls.serverPemPath) with its key CERT_DIR/server.key
#                  (tls.serverKeyPath). Clients verify it with CERT_DIR/ca.pem, the CA that signed
#                  it; its subjectAltName must hold IP:127.0.0.1 (clients connect to 127.0.0.1).
# --mtls CERT_DIR: mutual TLS (tlsMode=2): as --tls, and the server accepts only clients with a
#                  certificate signed by CERT_DIR/ca.pem (tls.caPemPath). The readiness check
#                  presents CERT_DIR/client.pem and CERT_DIR/client.key.
#                  With either, DIR/tls holds "tls" or "mtls" and the CERT_DIR path; without, it is
#                  removed. The health check (metrics port) stays plain HTTP.
# --set KEY=VALUE: any other milvus.yaml setting, KEY a dotted path (e.g.
#                  rootCoord.importTaskExpiration=60); applied last, so it wins. Not for secrets
#                  (they would be on the command line).
#
# After "start", DIR holds:
#   port           the proxy's gRPC (and HTTP) port on 127.0.0.1 (uri: http://127.0.0.1:<port>)
#   metrics_port   health check: http://127.0.0.1:<metrics_port>/healthz
#   ports.json     every port used (the embedded etcd's too), reused when DIR is started again
#   version        2.2 or 2.3
#   milvus.pid, configs/milvus.yaml (mode 600: may hold the storage secrets), data/, logs/,
#   bin -> $MM_TOOLS_DIR/milvus-server/bin (the unpacked server, shared by all test servers;
#          milvus-server-2.2/bin for 2.2)
#
# "start" returns once a client gets answers and, after a killed earlier process of DIR, once that
# process's node sessions have expired in etcd (up to common.session.ttl=10 s): Milvus 2.3 would
# hand new imports to its dead DataNode, where they hang until rootCoord.importTaskExpiration.
#
# Milvus runs directly (no Python wrapper process) in a clean environment; storage secrets go
# into the mode-600 config file, never onto a command line or into Milvus' environment.
# Environment knobs: MM_TEST_MILVUS_START_TIMEOUT (seconds, default 180),
#                    MM_TEST_MILVUS_STOP_TIMEOUT (seconds, default 5; then SIGKILL), MM_TOOLS_DIR.
set -euo pipefail

PROG=${0##*/}
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
HELPER=$SCRIPT_DIR/test-milvus-helper.py
TOOLS_DIR=${MM_TOOLS_DIR:-$HOME/.cache/milvus-mm}
PY=$TOOLS_DIR/venv/bin/python
# Per version: the unpacked binaries (once, by install-test-servers.sh) and, for 2.2, the package
# whose template render uses (2.3: the venv's own package).
declare -A BIN_DIRS=([2.3]=$TOOLS_DIR/milvus-server/bin [2.2]=$TOOLS_DIR/milvus-server-2.2/bin)
declare -A PKG_DIRS=([2.3]='' [2.2]=$TOOLS_DIR/milvus-2.2)
# shellcheck source=scripts/test-server-lib.sh
. "$SCRIPT_DIR/test-server-lib.sh"
STORAGE_FATAL='signature we calculated does not match|InvalidAccessKeyId|AccessDenied|Access Denied|NoSuchBucket|specified bucket does not exist'

usage() {
    cat >&2 <<EOF
usage: $PROG start DIR [local | minio MINIO_DIR] [--auth] [--tls CERT_DIR | --mtls CERT_DIR] [--set KEY=VALUE]...
                 [--version 2.2|2.3]
       $PROG stop DIR
EOF
    exit 2
}

# Prints the pid in DIR/milvus.pid if it is alive and is the Milvus of DIR (a milvus binary
# running in DIR; the binary itself is shared by all test servers).
live_pid() {
    local pid exe cwd
    pid=$(recorded_pid "$1/milvus.pid")
    [[ -n $pid ]] || return 0
    exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 0
    cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null) || return 0
    [[ ${exe##*/} == milvus && $cwd == "$1" ]] || return 0
    printf '%s\n' "$pid"
}

# Where to look when something went wrong: the log files, the last warnings and errors (Milvus
# logs to stdout until its file logger is set up, then to logs/standalone-*.log) and the end of
# stderr (panics).
show_logs() {
    local dir=$1 f
    printf '%s: logs are in %s/logs:\n' "$PROG" "$dir" >&2
    ls -l "$dir/logs" >&2 2>/dev/null || true
    printf -- '--- last warnings and errors:\n' >&2
    cat "$dir/logs/milvus-stdout.log" "$dir"/logs/standalone*.log 2>/dev/null |
        grep -E '\[(WARN|ERROR|FATAL|PANIC)\]' | tail -n 15 | cut -c 1-400 >&2 || true
    f=$dir/logs/milvus-stderr.log
    if [[ -s $f ]]; then
        printf -- '--- last lines of %s:\n' "$f" >&2
        tail -n 15 "$f" | cut -c 1-400 >&2
    fi
}

rss_kib() {
    awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo '?'
}

cmd_start() {
    local dir=$1
    shift
    local mode=local minio_dir='' auth=${MM_TEST_MILVUS_AUTH:-0} tls=0 cert_dir=''
    local version=${MM_TEST_MILVUS_VERSION:-2.3}
    local -a extra_sets=()
    while (($#)); do
        case $1 in
        local) mode=local ;;
        minio)
            (($# >= 2)) || usage
            mode=minio
            minio_dir=$2
            shift
            ;;
        --auth) auth=1 ;;
        --tls | --mtls)
            (($# >= 2 && tls == 0)) || usage # one of --tls/--mtls, with CERT_DIR
            tls=$([[ $1 == --tls ]] && echo 1 || echo 2)
            cert_dir=$2
            shift
            ;;
        --set)
            (($# >= 2)) && [[ $2 == ?*=* ]] || usage
            extra_sets+=(--set "$2")
            shift
            ;;
        --version)
            (($# >= 2)) || usage
            version=$2
            shift
            ;;
        *) usage ;;
        esac
        shift
    done
    [[ $auth == 0 || $auth == 1 ]] || die "MM_TEST_MILVUS_AUTH must be 0 or 1"
    [[ $version == 2.2 || $version == 2.3 ]] || die "Milvus version must be 2.2 or 2.3, not '$version'"
    [[ $mode == local || $version != 2.2 ]] ||
        die "Milvus 2.2 test servers support local storage only (the 2.2 builds of the PyPI package milvus have no remote storage); use --version 2.3 with minio"
    local bin_dir=${BIN_DIRS[$version]} pkg_dir=${PKG_DIRS[$version]}
    [[ -x $PY && -x $bin_dir/milvus ]] || die "$PY or $bin_dir/milvus not found; run scripts/install-test-servers.sh"
    [[ -z $pkg_dir || -d $pkg_dir/milvus ]] || die "$pkg_dir/milvus not found; run scripts/install-test-servers.sh"
    command -v curl >/dev/null 2>&1 || die "'curl' not found in PATH"
    local timeout=${MM_TEST_MILVUS_START_TIMEOUT:-180}
    [[ $timeout =~ ^[0-9]+$ ]] || die "MM_TEST_MILVUS_START_TIMEOUT must be a whole number of seconds"

    mkdir -p "$dir"
    dir=$(abs_dir "$dir")
    local t0
    t0=$(date +%s%N)
    if [[ -n $(live_pid "$dir") ]]; then
        die "Milvus for $dir is already running (pid $(live_pid "$dir")); run '$PROG stop $dir' first"
    fi
    # Its data is that version's: no up- or downgrade of a test server. A DIR from before
    # DIR/version existed was 2.3's.
    local had=''
    if [[ -s $dir/version ]]; then
        had=$(<"$dir/version")
    elif [[ -e $dir/ports.json ]]; then
        had=2.3
    fi
    [[ -z $had || $had == "$version" ]] ||
        die "$dir holds the data of a Milvus $had server; it is not started with Milvus $version"
    printf '%s\n' "$version" >"$dir/version"

    local access_key='' secret_key=''
    local -a sets=(--set "common.security.authorizationEnabled=$([[ $auth == 1 ]] && echo true || echo false)")
    if [[ $mode == minio ]]; then
        [[ -d $minio_dir ]] || die "MinIO directory $minio_dir not found"
        minio_dir=$(abs_dir "$minio_dir")
        local f
        for f in port bucket access_key secret_key; do
            [[ -s $minio_dir/$f ]] || die "$minio_dir/$f missing; run scripts/test-minio.sh start $minio_dir first"
        done
        access_key=$(<"$minio_dir/access_key")
        secret_key=$(<"$minio_dir/secret_key")
        curl -fsS --max-time 5 -o /dev/null "http://127.0.0.1:$(<"$minio_dir/port")/minio/health/ready" ||
            die "MinIO of $minio_dir is not answering on port $(<"$minio_dir/port")"
        sets+=(
            --set common.storageType=remote
            --set minio.address=127.0.0.1
            --set "minio.port=$(<"$minio_dir/port")"
            --set minio.useSSL=false
            --set "minio.bucketName=$(<"$minio_dir/bucket")"
            --set minio.cloudProvider=aws
            --set-env minio.accessKeyID=MM_MINIO_ACCESS_KEY
            --set-env minio.secretAccessKey=MM_MINIO_SECRET_KEY
        )
    else
        sets+=(--set common.storageType=local)
    fi
    sets+=(--set "common.security.tlsMode=$tls")
    if ((tls)); then
        [[ -d $cert_dir ]] || die "certificate directory $cert_dir not found"
        cert_dir=$(abs_dir "$cert_dir")
        local f
        local -a need=(server.pem server.key ca.pem)
        ((tls == 1)) || need+=(client.pem client.key)
        for f in "${need[@]}"; do
            [[ -r $cert_dir/$f ]] || die "$cert_dir/$f missing or unreadable"
        done
        sets+=(--set "tls.serverPemPath=$cert_dir/server.pem" --set "tls.serverKeyPath=$cert_dir/server.key")
        ((tls == 1)) || sets+=(--set "tls.caPemPath=$cert_dir/ca.pem")
    fi
    sets+=("${extra_sets[@]}")

    local attempt ports proxy_port metrics_port etcd_port pid ok=0
    # Interrupted while starting: leave no server behind.
    # shellcheck disable=SC2064 # expand $dir now
    trap "cmd_stop '$dir' 5; exit 130" INT TERM
    for attempt in 1 2 3; do
        # Renders DIR/configs, links DIR/bin. The secrets travel in the helper's environment.
        ports=$(MM_MINIO_ACCESS_KEY=$access_key MM_MINIO_SECRET_KEY=$secret_key \
            "$PY" "$HELPER" render "$dir" --reuse-ports --bin-dir "$bin_dir" ${pkg_dir:+--pkg-dir "$pkg_dir"} "${sets[@]}") ||
            die "could not render the Milvus configuration in $dir"
        read -r proxy_port metrics_port etcd_port <<<"$ports"
        printf '%s\n' "$proxy_port" >"$dir/port"
        printf '%s\n' "$metrics_port" >"$dir/metrics_port"
        mkdir -p "$dir/logs" "$dir/run"

        # What the `milvus` package's own launcher does, without its Python parent process:
        # cwd DIR, DEPLOY_MODE/METRICS_PORT/MILVUS_RUN_DIR, the bundled libraries first.
        # Milvus maps environment variables onto config keys, so it gets a clean environment;
        # OPENBLAS_* is kept (this machine sets it for old OpenBLAS builds like the bundled one).
        local -a envs=(
            PATH=/usr/local/bin:/usr/bin:/bin HOME="$dir" LANG=C.UTF-8
            DEPLOY_MODE=STANDALONE METRICS_PORT="$metrics_port" MILVUS_RUN_DIR="$dir/run"
            MILVUSCONF="$dir/configs" LD_LIBRARY_PATH="$dir/bin"
        )
        local v
        for v in OPENBLAS_CORETYPE OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS; do
            [[ -z ${!v:-} ]] || envs+=("$v=${!v}")
        done
        (cd "$dir" && exec env -i "${envs[@]}" setsid "$dir/bin/milvus" run standalone \
            </dev/null >"$dir/logs/milvus-stdout.log" 2>"$dir/logs/milvus-stderr.log") &
        pid=$!
        disown "$pid" 2>/dev/null || true
        printf '%s\n' "$pid" >"$dir/milvus.pid"

        local deadline=$((SECONDS + timeout))
        while ((SECONDS < deadline)); do
            kill -0 "$pid" 2>/dev/null || break
            if [[ $(curl -sS --max-time 2 "http://127.0.0.1:$metrics_port/healthz" 2>/dev/null) == *OK* ]]; then
                ok=1
                break
            fi
            # Storage errors that retrying cannot cure: fail now, not after the timeout.
            if [[ $mode == minio ]] && grep -q -E "$STORAGE_FATAL" "$dir/logs/milvus-stdout.log" 2>/dev/null; then
                show_logs "$dir"
                cmd_stop "$dir" 5 || true
                die "Milvus cannot use the bucket of $minio_dir (wrong credentials or bucket?)"
            fi
            sleep 0.2
        done
        ((ok)) && break
        if kill -0 "$pid" 2>/dev/null; then
            show_logs "$dir"
            cmd_stop "$dir" 5 || true
            die "Milvus not healthy within ${timeout}s"
        fi
        if cat "$dir"/logs/*.log 2>/dev/null | grep -q -i 'address already in use'; then
            printf '%s: a port was taken, retrying with other ports (attempt %s)\n' "$PROG" "$attempt" >&2
            rm -f "$dir/ports.json"
            continue
        fi
        show_logs "$dir"
        die "Milvus exited during startup"
    done
    ((ok)) || { show_logs "$dir"; die "Milvus could not bind free ports after 3 attempts"; }
    local healthy_ms
    healthy_ms=$(elapsed_ms "$t0")

    # Healthy is not yet serving: wait until a real client gets answers (over TLS when it is on:
    # the helper's connections read these two).
    export MM_MILVUS_TLS_MODE=$tls MM_MILVUS_TLS_DIR=$cert_dir
    if ((tls)); then
        printf '%s %s\n' "$([[ $tls == 1 ]] && echo tls || echo mtls)" "$cert_dir" >"$dir/tls"
    else
        rm -f "$dir/tls"
    fi
    local user='' password=''
    if [[ $auth == 1 ]]; then
        user=root
        if [[ -s $dir/password ]]; then
            password=$(<"$dir/password") # DIR started again: its root password was set before
        else
            password=${MM_TEST_MILVUS_ROOT_PASSWORD:-$(random_string 24)}
            if ! MM_MILVUS_OLD_PASSWORD=Milvus MM_MILVUS_NEW_PASSWORD=$password \
                timeout 60 "$PY" "$HELPER" set-root-password "$proxy_port"; then
                show_logs "$dir"
                cmd_stop "$dir" 5 || true
                die "could not set root's password"
            fi
            local old_umask
            old_umask=$(umask)
            umask 077
            printf '%s' "$password" >"$dir/password"
            umask "$old_umask"
        fi
        chmod 600 "$dir/password"
        printf '%s\n' "$user" >"$dir/user"
    else
        rm -f "$dir/user" # DIR/password stays: it is still root's password in the metadata
    fi
    local server_version
    if ! server_version=$(MM_MILVUS_USER=$user MM_MILVUS_PASSWORD=$password \
        timeout $((timeout + 10)) "$PY" "$HELPER" ready "$proxy_port" "$timeout" "$etcd_port"); then
        show_logs "$dir"
        cmd_stop "$dir" 5 || true
        die "Milvus proxy on port $proxy_port does not answer"
    fi
    if [[ $server_version != "v$version".* ]]; then
        cmd_stop "$dir" 5 || true
        die "the server says it is Milvus $server_version, not $version (binaries in $bin_dir)"
    fi

    trap - INT TERM
    local extras=''
    [[ $auth == 0 ]] || extras+=', auth on'
    [[ $tls != 1 ]] || extras+=', TLS'
    [[ $tls != 2 ]] || extras+=', mutual TLS'
    printf '%s: milvus %s pid %s on 127.0.0.1:%s (%s storage%s), healthy in %s ms, serving in %s ms, RSS %s KiB, dir %s\n' \
        "$PROG" "$server_version" "$pid" "$proxy_port" "$mode" "$extras" \
        "$healthy_ms" "$(elapsed_ms "$t0")" "$(rss_kib "$pid")" "$dir" >&2
}

# cmd_stop DIR [TIMEOUT]: a failed start passes a short TIMEOUT (a Milvus that never became
# healthy may not react to SIGTERM at all).
cmd_stop() {
    local dir=$1
    [[ -d $dir ]] || return 0
    dir=$(abs_dir "$dir")
    local timeout=${2:-${MM_TEST_MILVUS_STOP_TIMEOUT:-5}}
    [[ $timeout =~ ^[0-9]+$ ]] || die "MM_TEST_MILVUS_STOP_TIMEOUT must be a whole number of seconds"
    local pid
    pid=$(live_pid "$dir")
    if [[ -z $pid ]]; then
        rm -f "$dir/milvus.pid"
        return 0
    fi
    # SIGTERM: graceful stop, about 2 s when nothing is loaded. With a loaded collection Milvus
    # 2.3 standalone takes 10 s or more: it stops rootcoord first, and querycoord then waits
    # for calls to it to give up. So the wait is short and SIGKILL follows. Data survives a
    # kill (etcd and rocksmq have write-ahead logs, imported segments are already persisted),
    # and with common.session.ttl=10 a restart waits at most ~10 s for the dead sessions.
    stop_server "$dir" milvus "$pid" "$timeout" "usual with loaded collections"
    rm -f "$dir/milvus.pid"
}

main() {
    (($# >= 2)) || usage
    local cmd=$1 dir=$2
    shift 2
    [[ -n $dir ]] || usage
    case $cmd in
    start) cmd_start "$dir" "$@" ;;
    stop)
        (($# == 0)) || usage
        cmd_stop "$dir"
        ;;
    *) usage ;;
    esac
}

main "$@"
