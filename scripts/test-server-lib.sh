# shellcheck shell=bash
# What the throw-away test servers' scripts (test-mariadb.sh, test-minio.sh, test-milvus.sh,
# test-azurite.sh) share; sourced, not run. The caller sets PROG and defines
# `live_pid DIR`: the pid of DIR's server when it is alive and really is that server.

die() {
    printf '%s: error: %s\n' "$PROG" "$*" >&2
    exit 1
}

need() {
    command -v "$1" >/dev/null 2>&1 || die "'$1' not found in PATH"
}

# Absolute path of an existing directory.
abs_dir() {
    (cd "$1" && pwd -P)
}

# Milliseconds since START (date +%s%N).
elapsed_ms() {
    echo $((($(date +%s%N) - $1) / 1000000))
}

# N random alphanumeric characters.
random_string() {
    local n=$1 s
    # head closes the pipe early, so tr's SIGPIPE status is ignored.
    s=$(LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom 2>/dev/null | head -c "$n" || true)
    [[ ${#s} -eq $n ]] || die "could not generate a random string"
    printf '%s' "$s"
}

# recorded_pid FILE: the pid written in FILE when that process is alive; a zombie is already dead,
# only waiting to be reaped. Prints nothing otherwise. Callers also check that it is their server
# (a pid can be recycled).
recorded_pid() {
    local pid state
    [[ -f $1 ]] || return 0
    pid=$(tr -dc '0-9' <"$1")
    [[ -n $pid && -r /proc/$pid/stat ]] || return 0
    state=$(sed -e 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1) || return 0
    [[ $state != Z ]] || return 0
    printf '%s\n' "$pid"
}

# cmdline_of PID: its arguments separated by spaces, with a space at the end.
cmdline_of() {
    tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null
}

# stop_server DIR NAME PID TIMEOUT [WHY]: SIGTERM, up to TIMEOUT seconds for `live_pid DIR` to
# stop answering, then SIGKILL (saying so, with WHY when given). The servers are orphaned by
# "start", so init reaps them: wait for that too, so that no <defunct> entry is left behind.
stop_server() {
    local dir=$1 name=$2 pid=$3 timeout=$4 why=${5:-} deadline
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + timeout))
    while [[ -n $(live_pid "$dir") ]] && ((SECONDS < deadline)); do
        sleep 0.1
    done
    if [[ -n $(live_pid "$dir") ]]; then
        printf '%s: %s pid %s still running after %ss%s, killing it\n' "$PROG" "$name" "$pid" "$timeout" "${why:+ ($why)}" >&2
        kill -KILL "$pid" 2>/dev/null || true
        deadline=$((SECONDS + 10))
        while [[ -n $(live_pid "$dir") ]] && ((SECONDS < deadline)); do
            sleep 0.1
        done
        [[ -z $(live_pid "$dir") ]] || die "could not kill $name pid $pid"
    fi
    deadline=$((SECONDS + 5))
    while [[ -e /proc/$pid ]] && ((SECONDS < deadline)); do
        sleep 0.1
    done
}
