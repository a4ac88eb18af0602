#!/usr/bin/env bash
# Installs the Debian packages milvus-mm builds and tests with. Idempotent: does nothing when
# everything is present. Needs root (or sudo).
#   install-deps.sh           build, test, package and fuzz
#   install-deps.sh --demo    only what `make demo` needs: building, running and its checker
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libcxxopts-dev libyaml-cpp-dev rapidjson-dev libsqlite3-dev libmariadb-dev libboost-test-dev
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc libcurl4-openssl-dev libssl-dev libxml2-dev
  python3-numpy python3-venv jq bsdextrautils
)
if [ "${1:-}" != --demo ]; then
  packages+=(
    sqlite3 mariadb-server mariadb-client time bc shellcheck parallel
    clang libclang-rt-14-dev  # make fuzz: libFuzzer, ASan and UBSan runtimes for clang 14
    debootstrap dpkg-dev      # make test-package: a bare Debian 12 root; dpkg-shlibdeps for CPack
  )
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "install-deps: installing ${missing[*]}" >&2
"${sudo[@]}" apt-get update -q
# The mariadb-server package must not start a system service: tests run their own server.
DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
