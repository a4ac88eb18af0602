#!/usr/bin/env bash
# The baselines bench/vs-milvus-migration.sh compares against, installed the ordinary way:
#   milvus-migration v0.1.26   go install through the Go module proxy, into ~/.cache/milvus-mm/bin
#   rclone                     the Debian package (apt-get)
# and the Debian packages the other bench scripts use: gnuplot-nox (plots), linux-perf (profiles).
# Idempotent. A baseline that cannot be installed is not an error here: the reason (the proxy's or
# apt's own answer) is written to ~/.cache/milvus-mm/bin/<name>.unavailable and printed, and the
# bench reports that column as not measured.
# Environment: MM_TOOLS_DIR (default ~/.cache/milvus-mm), MM_MIGRATION_VERSION (default v0.1.26).
set -uo pipefail
tools=${MM_TOOLS_DIR:-$HOME/.cache/milvus-mm}
version=${MM_MIGRATION_VERSION:-v0.1.26}
module=github.com/zilliztech/milvus-migration
mkdir -p "$tools/bin"

say() { printf 'install-baselines: %s\n' "$*" >&2; }

# milvus-migration
stamp=$tools/bin/milvus-migration.version
if [[ -x $tools/bin/milvus-migration && -f $stamp && $(<"$stamp") == "$module@$version" ]]; then
    :
elif ! command -v go >/dev/null 2>&1; then
    echo "go not found" >"$tools/bin/milvus-migration.unavailable"
    say "milvus-migration: go not found"
else
    log=$(mktemp)
    if GOBIN=$tools/bin GOFLAGS="${GOFLAGS:+$GOFLAGS }-modcacherw" go install "$module@$version" >"$log" 2>&1; then
        printf '%s\n' "$module@$version" >"$stamp"
        rm -f "$tools/bin/milvus-migration.unavailable"
        say "milvus-migration $version installed: $tools/bin/milvus-migration"
    else
        # Keep the proxy's answer verbatim (no credentials are involved: a public module).
        grep -v '^go: downloading ' "$log" >"$tools/bin/milvus-migration.unavailable"
        say "milvus-migration $version NOT installed; go install answered:"
        sed 's/^/  /' "$tools/bin/milvus-migration.unavailable" >&2
    fi
    rm -f "$log"
fi

# Debian packages: rclone (upload baseline), gnuplot-nox (bench/plot.sh), linux-perf (bench/profile.sh)
apt_need() { # COMMAND PACKAGE
    command -v "$1" >/dev/null 2>&1 && return 0
    local sudo=()
    [[ $(id -u) == 0 ]] || sudo=(sudo -n)
    if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "$2" >/dev/null 2>&1; then
        "${sudo[@]}" apt-get update >/dev/null 2>&1 || true
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "$2" >/dev/null 2>&1 ||
            say "$2: apt-get install failed"
    fi
}
apt_need rclone rclone
apt_need gnuplot gnuplot-nox
apt_need perf linux-perf
command -v rclone >/dev/null 2>&1 && say "rclone: $(rclone version 2>/dev/null | head -n 1)"
exit 0
