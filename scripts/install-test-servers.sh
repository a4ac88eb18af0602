#!/usr/bin/env bash
# Installs the servers the integration tests run against, into a cache directory
# ${MM_TOOLS_DIR:-$HOME/.cache/milvus-mm}. Idempotent: does nothing when all is installed.
# With --demo only what `make demo` needs: the venv (Milvus 2.3.5 and pymilvus) and its server.
#
#   bin/minio        MinIO, built with `go install` from the Go module proxy (needs Go >= 1.24)
#   venv/            Python venv from scripts/test-servers-requirements.txt: the PyPI package
#                    `milvus` (the real Milvus 2.3.5 standalone server), pymilvus, numpy
#   milvus-server/   the Milvus binaries unpacked from that package, shared by all test servers
#   milvus-2.2/      the PyPI package milvus==$MILVUS22_VERSION alone (pip install --target, no
#                    dependencies): the real Milvus 2.2 standalone server and its milvus.yaml
#                    template; scripts/test-milvus.sh --version 2.2 renders from that template
#   milvus-server-2.2/  the Milvus 2.2 binaries unpacked from it
#
# The 2.2 builds of that package support local storage only (remote storage panics with
# "RemoteChunkManagerFactory unsupported"); pymilvus 2.3 of the venv is the client of both.
#
# Debian packages it needs (curl, python3-venv) are installed with apt-get when missing.
# Environment: MM_TOOLS_DIR; GOTOOLCHAIN as usual for go (see below).
set -euo pipefail

PROG=${0##*/}
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
TOOLS_DIR=${MM_TOOLS_DIR:-$HOME/.cache/milvus-mm}
REQUIREMENTS=$SCRIPT_DIR/test-servers-requirements.txt
HELPER=$SCRIPT_DIR/test-milvus-helper.py
SYSTEM_PYTHON=/usr/bin/python3

# The proxy serves no MinIO RELEASE.* tag (they are not semantic versions) and, of the
# pseudo-versions, only the newest commit: 7aac2a2c5b7c (2026-02-12) is tag
# RELEASE.2025-10-15T17-29-55Z plus a few fixes and README changes. Its go.mod wants go 1.24.
MINIO_MODULE=github.com/minio/minio
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
MINIO_GO_MIN=1.24

# The second Milvus test server (the only place its version is named): the newest 2.2 release of
# the PyPI package `milvus`, Milvus v2.2.16.
MILVUS22_VERSION=2.2.16

die() {
    printf '%s: error: %s\n' "$PROG" "$*" >&2
    exit 1
}

say() {
    printf '%s: %s\n' "$PROG" "$*" >&2
}

now_ms() {
    echo $(($(date +%s%N) / 1000000))
}

install_debian_prereqs() {
    local -a missing=()
    command -v curl >/dev/null 2>&1 || missing+=(curl)
    # Debian's python needs python3-venv for `python3 -m venv` (ensurepip).
    "$SYSTEM_PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
    ((${#missing[@]} == 0)) && return 0
    local -a sudo=()
    [[ $(id -u) -eq 0 ]] || sudo=(sudo)
    say "installing Debian packages: ${missing[*]}"
    "${sudo[@]}" apt-get update -q
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# Exit status 0 when Go version $1 (e.g. go1.26.8) is at least $2 (e.g. 1.24).
go_at_least() {
    local have=${1#go} want=$2
    [[ $(printf '%s\n%s\n' "$want" "$have" | sort -V | head -n 1) == "$want" ]]
}

install_minio() {
    local want=$MINIO_MODULE@$MINIO_VERSION
    local stamp=$TOOLS_DIR/bin/minio.version
    if [[ -x $TOOLS_DIR/bin/minio && -f $stamp && $(<"$stamp") == "$want" ]]; then
        return 0
    fi
    command -v go >/dev/null 2>&1 || die "'go' not found: MinIO is built with go install (Go >= $MINIO_GO_MIN)"
    local gover
    gover=$(go env GOVERSION)
    if ! go_at_least "$gover" "$MINIO_GO_MIN"; then
        # With GOTOOLCHAIN=auto go would fetch a newer toolchain from the module proxy itself.
        [[ $(go env GOTOOLCHAIN) != local ]] ||
            die "$gover is older than go$MINIO_GO_MIN, which MinIO needs, and GOTOOLCHAIN=local; install a newer Go or run with GOTOOLCHAIN=auto"
    fi
    say "building MinIO ($want) with $gover; this takes a few minutes"
    local t0 tmp
    t0=$(now_ms)
    mkdir -p "$TOOLS_DIR/bin"
    tmp=$(mktemp -d "$TOOLS_DIR/.minio-build.XXXXXX")
    # -modcacherw: the module cache stays deletable; -s -w: no symbol tables (smaller, faster link).
    if ! GOBIN=$tmp GOFLAGS="${GOFLAGS:+$GOFLAGS }-modcacherw" \
        go install -trimpath -ldflags='-s -w' "$want" >"$tmp.log" 2>&1; then
        grep -v '^go: downloading ' "$tmp.log" >&2 || true
        rm -rf "$tmp" "$tmp.log"
        die "go install $want failed"
    fi
    rm -f "$tmp.log"
    mv -f "$tmp/minio" "$TOOLS_DIR/bin/minio"
    rm -rf "$tmp"
    printf '%s\n' "$want" >"$stamp"
    say "MinIO installed in $(($(now_ms) - t0)) ms: $TOOLS_DIR/bin/minio"
}

install_venv() {
    local venv=$TOOLS_DIR/venv stamp want
    stamp=$venv/.mm-requirements.sha256
    [[ -x $SYSTEM_PYTHON ]] || die "$SYSTEM_PYTHON not found"
    want=$({
        cat "$REQUIREMENTS"
        "$SYSTEM_PYTHON" --version
    } | sha256sum | cut -d' ' -f1)
    if [[ -x $venv/bin/python && -f $stamp && $(<"$stamp") == "$want" ]]; then
        return 0
    fi
    say "creating the venv $venv"
    local t0
    t0=$(now_ms)
    rm -rf "$venv"
    "$SYSTEM_PYTHON" -m venv "$venv"
    # Wheels only: nothing is compiled here, and a missing wheel fails at once.
    "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-input \
        --only-binary=:all: -r "$REQUIREMENTS" ||
        die "pip install into $venv failed"
    "$venv/bin/python" -c 'import milvus, pymilvus, numpy, minio' ||
        die "the venv $venv is broken"
    printf '%s\n' "$want" >"$stamp" # written last: an interrupted install is redone
    say "venv installed in $(($(now_ms) - t0)) ms"
}

unpack_milvus() {
    local dest=$TOOLS_DIR/milvus-server stamp want
    stamp=$dest/.mm-venv.sha256
    want=$(<"$TOOLS_DIR/venv/.mm-requirements.sha256")
    if [[ -x $dest/bin/milvus && -f $stamp && $(<"$stamp") == "$want" ]]; then
        return 0
    fi
    local t0
    t0=$(now_ms)
    "$TOOLS_DIR/venv/bin/python" "$HELPER" unpack "$dest" ||
        die "unpacking the Milvus binaries failed"
    [[ -x $dest/bin/milvus ]] || die "$dest/bin/milvus missing after unpacking"
    printf '%s\n' "$want" >"$stamp"
    say "Milvus server binaries unpacked in $(($(now_ms) - t0)) ms: $dest/bin"
}

# The 2.2 package into its own directory, beside the venv (whose `milvus` is 2.3.5): pip of the
# venv installs it with --target and --no-deps (it has no dependencies; it is stdlib Python).
install_milvus22() {
    local dest=$TOOLS_DIR/milvus-2.2 want=milvus==$MILVUS22_VERSION
    local stamp=$dest/.mm-requirement
    if [[ -f $dest/milvus/data/config.yaml.template && -f $stamp && $(<"$stamp") == "$want" ]]; then
        return 0
    fi
    say "installing $want (the Milvus 2.2 test server) into $dest"
    local t0 tmp
    t0=$(now_ms)
    tmp=$(mktemp -d "$TOOLS_DIR/.milvus-2.2.XXXXXX")
    if ! "$TOOLS_DIR/venv/bin/python" -m pip install -q --disable-pip-version-check --no-input \
        --only-binary=:all: --no-deps --no-compile --target "$tmp" "$want"; then
        rm -rf "$tmp"
        die "pip install $want failed"
    fi
    # Its module, not the venv's: the version check is that of the unpacked files.
    PYTHONPATH=$tmp "$TOOLS_DIR/venv/bin/python" -c \
        'import sys, milvus; sys.exit(milvus.__version__ != sys.argv[1] or not milvus.__file__.startswith(sys.argv[2]))' \
        "$MILVUS22_VERSION" "$tmp/" || { rm -rf "$tmp"; die "$want installed into $tmp is broken"; }
    rm -rf "$dest"
    mv "$tmp" "$dest"
    printf '%s\n' "$want" >"$stamp"
    say "$want installed in $(($(now_ms) - t0)) ms"
}

unpack_milvus22() {
    local dest=$TOOLS_DIR/milvus-server-2.2 stamp want
    stamp=$dest/.mm-requirement
    want=$(<"$TOOLS_DIR/milvus-2.2/.mm-requirement")
    if [[ -x $dest/bin/milvus && -f $stamp && $(<"$stamp") == "$want" ]]; then
        return 0
    fi
    local t0
    t0=$(now_ms)
    "$TOOLS_DIR/venv/bin/python" "$HELPER" unpack "$dest" --pkg-dir "$TOOLS_DIR/milvus-2.2" ||
        die "unpacking the Milvus 2.2 binaries failed"
    [[ -x $dest/bin/milvus ]] || die "$dest/bin/milvus missing after unpacking"
    printf '%s\n' "$want" >"$stamp"
    say "Milvus 2.2 server binaries unpacked in $(($(now_ms) - t0)) ms: $dest/bin"
}

main() {
    local demo=0
    case ${1:-} in
    --demo) demo=1 ;;  # make demo: the Milvus 2.3 server and pymilvus only (no MinIO build, no 2.2)
    "") ;;
    *) printf 'usage: %s [--demo]   (MM_TOOLS_DIR picks the directory)\n' "$PROG" >&2; exit 2 ;;
    esac
    mkdir -p "$TOOLS_DIR"
    # One installer at a time per directory.
    exec 9>"$TOOLS_DIR/.install.lock"
    flock -w 1800 9 || die "another install in $TOOLS_DIR holds the lock for more than 30 minutes"
    install_debian_prereqs
    ((demo)) || install_minio
    install_venv
    unpack_milvus
    ((demo)) && return 0
    install_milvus22
    unpack_milvus22
}

main "$@"
