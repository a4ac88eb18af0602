#!/usr/bin/env bash
# make test-package (issue 12): the .deb on a bare Debian 12. A minimal bookworm root is made with
# debootstrap (kept as a tarball in the tools cache, so later runs only unpack it), the .deb is
# installed there with `apt-get install ./milvus-mm_*.deb`, which brings in only its declared
# dependencies, and inside the root: every tool's --help, mm-run --version, `man mm-run`, no
# library the binaries cannot find, and mm-run plan, dump and run of a generated 1.x installation
# into a real Milvus 2.3 started outside the root on loopback (the scratch directory is mounted at
# the same path inside, so Milvus reads the import files by the path mm-run gives it). pymilvus,
# outside, checks every row. Needs root (chroot, mount) and Debian's archive.
#
#   tests/package/test_package.sh BUILD_DIR
set -euo pipefail
build=$(cd "${1:?usage: test_package.sh BUILD_DIR}" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
tools=${MM_TOOLS_DIR:-$HOME/.cache/milvus-mm}
mirror=${MM_DEBIAN_MIRROR:-http://deb.debian.org/debian}
deb=$(ls "$build"/milvus-mm_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || { echo "test_package: no milvus-mm_*.deb in $build (make package)" >&2; exit 2; }
# debootstrap, chroot and mount need root: as the dependency installers do, go through sudo.
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "test_package: needs root or sudo (debootstrap, chroot, mount)" >&2; exit 2; }
  exec sudo --preserve-env=MM_TOOLS_DIR,MM_DEBIAN_MIRROR MM_TOOLS_DIR="$tools" "$0" "$build"
fi

failures=0
pass() { echo "ok: $*"; }
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
scratch=$(mktemp -d /tmp/mm-package.XXXXXX)
root=$scratch/root
mounts=()
cleanup() {
  "$src/scripts/test-milvus.sh" stop "$scratch/work/milvus" >/dev/null 2>&1 || true
  local i
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount -l "${mounts[i]}" 2>/dev/null || true; done
  rm -rf "$scratch"
}
trap cleanup EXIT
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }

# A bare Debian 12: debootstrap once per machine, then the cached tarball.
tarball=$tools/debian12-minbase.tar.gz
mkdir -p "$root" "$tools"
start=$(date +%s)
if [ ! -s "$tarball" ]; then
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$scratch/debootstrap.log" 2>&1 ||
    { tail -n 20 "$scratch/debootstrap.log" >&2; exit 1; }
  tar -C "$root" -czf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
else
  tar -C "$root" -xzf "$tarball"
fi
pass "a bare Debian 12 root in $(( $(date +%s) - start ))s"
for fs in proc sys dev; do mount --bind "/$fs" "$root/$fs" && mounts+=("$root/$fs"); done
cp /etc/resolv.conf "$root/etc/resolv.conf"

# Only the declared dependencies come in; man-db is the test's own, to read the pages.
cp "$deb" "$root/tmp/"
start=$(date +%s)
in_root apt-get update -q >"$scratch/apt.log" 2>&1 &&
  DEBIAN_FRONTEND=noninteractive in_root apt-get install -y -q --no-install-recommends "/tmp/$(basename "$deb")" man-db \
    >>"$scratch/apt.log" 2>&1 && pass "apt-get install ./$(basename "$deb") in $(( $(date +%s) - start ))s" ||
  { tail -n 20 "$scratch/apt.log" >&2; fail "apt-get install of the .deb"; exit 1; }
missing=$(for b in "$root"/usr/bin/mm-*; do in_root ldd "/usr/bin/$(basename "$b")" 2>/dev/null | grep "not found" || true; done)
[ -z "$missing" ] && pass "every library the binaries need is there" || fail "libraries not found: $missing"

for tool in mm-meta mm-scan mm-npy mm-upload mm-bulkinsert mm-fetch mm-verify mm-progress mm-config mm-manifest mm-run mm-fanout; do
  in_root "$tool" --help >/dev/null 2>&1 && pass "$tool --help" || fail "$tool --help: $(in_root "$tool" --help 2>&1 | tail -n 2)"
done
version=$("$build/mm-config" --version | awk '{print $NF}')
[ "$(in_root mm-run --version)" = "mm-run (milvus-mm) $version" ] && pass "mm-run --version: $version" || fail "mm-run --version"
in_root man -P cat mm-run 2>/dev/null | grep -q "^MM-RUN(1)" && in_root man -P cat 5 migration.yaml 2>/dev/null | grep -q "^MIGRATION.YAML(5)" &&
  pass "man mm-run, man 5 migration.yaml" || fail "man pages"

# A migration from inside the root into Milvus outside it.
work=$scratch/work
mkdir -p "$work/run" "$root$work"
mount --bind "$work" "$root$work" && mounts+=("$root$work")
/usr/bin/python3 "$src/tests/fixtures/gen1x.py" --out "$work/fx" --seed 5 >/dev/null
"$src/scripts/test-milvus.sh" start "$work/milvus" local >/dev/null 2>&1
port=$(cat "$work/milvus/port")
cat >"$work/run/migration.yaml" <<YAML
dumper:
  worker:
    workMode: milvus1x
meta:
  mode: sqlite
  sqliteFile: $work/fx/db/meta.sqlite
source:
  mode: local
  local:
    tablesDir: $work/fx/db/tables
target:
  mode: local
  local:
    outputDir: $work/import
  milvus2x:
    endpoint: 127.0.0.1:$port
milvusmm:
  workDir: $work/run/work
  groupSize: 64K
  createIndex: true
  load: true
YAML
expected=$(/usr/bin/python3 -c 'import json,sys; i=json.load(open(sys.argv[1])); print(sum(p["rows"] for c in i["collections"].values() for p in c["partitions"].values()))' "$work/fx/expected/index.json")
live=$(in_root mm-run -q --config "$work/run/migration.yaml" plan | awk '$1 == "total" { print $3 }' || true)
[ "$live" = "$expected" ] && pass "mm-run plan in the root: $live live rows" || fail "mm-run plan: '$live', expected $expected"
in_root mm-run -q --config "$work/run/migration.yaml" dump >/dev/null 2>"$scratch/dump.err" && [ -s "$work/run/work/dumped.jsonl" ] &&
  pass "mm-run dump in the root" || fail "mm-run dump: $(cat "$scratch/dump.err")"
in_root mm-run -q --config "$work/run/migration.yaml" run >/dev/null 2>"$scratch/run.err" &&
  [ "$(jq -r .ok "$work/run/work/report.json")" = true ] && pass "mm-run run in the root: report ok" || fail "mm-run run: $(cat "$scratch/run.err")"
"$tools/venv/bin/python" "$src/tests/integration/check_milvus.py" --uri "http://127.0.0.1:$port" \
  "$work/run/work/scanned.jsonl" "$work/fx" >/dev/null && pass "pymilvus outside: exact counts, every id bit-exact" || fail "pymilvus check"

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "all checks passed"
