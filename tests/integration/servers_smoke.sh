#!/usr/bin/env bash
# The test servers work end to end: MinIO; Milvus 2.3 with local storage (bulk insert from
# absolute paths); Milvus 2.3 with MinIO storage (bulk insert from object keys); Milvus with
# auth on. Each Milvus gets the pymilvus smoke round trip of milvus_check.py.
# Needs scripts/install-test-servers.sh first (not named test_*.sh, so not yet part of ctest).
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
TOOLS_DIR=${MM_TOOLS_DIR:-$HOME/.cache/milvus-mm}
VPY=$TOOLS_DIR/venv/bin/python
CHECK=$MM_SRC/tests/integration/milvus_check.py
MINIO_SH=$MM_SRC/scripts/test-minio.sh
MILVUS_SH=$MM_SRC/scripts/test-milvus.sh
[ -x "$VPY" ] || { echo "FAIL: $VPY missing; run scripts/install-test-servers.sh" >&2; exit 1; }

# check NAME CMD...: pass when CMD succeeds.
check() {
  local name=$1
  shift
  if "$@"; then pass "$name"; else fail "$name"; fi
}

# refuses NAME CMD...: pass when CMD fails.
refuses() {
  local name=$1
  shift
  if "$@" >"$SCRATCH/refused.out" 2>&1; then fail "$name"; else pass "$name"; fi
}

# Prints the pids whose command line holds the contents of file $1 (read by grep -f, so that
# the secret is not on grep's own command line either).
pids_with_secret() {
  local p
  for p in /proc/[0-9]*; do
    if tr '\0' ' ' 2>/dev/null <"$p/cmdline" | grep -q -F -f "$1"; then echo "${p#/proc/}"; fi
  done
}

minio=$SCRATCH/minio
"$MINIO_SH" start "$minio"
cleanup_hooks+=("'$MINIO_SH' stop '$minio'")

local_dir=$SCRATCH/milvus-local
"$MILVUS_SH" start "$local_dir"
cleanup_hooks+=("'$MILVUS_SH' stop '$local_dir'")
check "Milvus local storage: bulk insert from absolute paths" \
  "$VPY" "$CHECK" --uri "http://127.0.0.1:$(cat "$local_dir/port")" smoke --workdir "$SCRATCH"

remote_dir=$SCRATCH/milvus-minio
"$MILVUS_SH" start "$remote_dir" minio "$minio"
cleanup_hooks+=("'$MILVUS_SH' stop '$remote_dir'")
check "Milvus MinIO storage: bulk insert from object keys" \
  "$VPY" "$CHECK" --uri "http://127.0.0.1:$(cat "$remote_dir/port")" smoke --workdir "$SCRATCH" \
  --bucket-upload "$minio"
leaks=$(pids_with_secret "$minio/secret_key")
check "MinIO secret on no command line${leaks:+ (pids: $leaks)}" test -z "$leaks"
refuses "MinIO secret not in the Milvus logs" grep -r -q -F -f "$minio/secret_key" "$remote_dir/logs"
"$MILVUS_SH" stop "$remote_dir"
"$MILVUS_SH" stop "$local_dir"

auth_dir=$SCRATCH/milvus-auth
"$MILVUS_SH" start "$auth_dir" --auth
cleanup_hooks+=("'$MILVUS_SH' stop '$auth_dir'")
uri=http://127.0.0.1:$(cat "$auth_dir/port")
MM_PW=$(cat "$auth_dir/password")
export MM_PW
check "Milvus with auth: smoke as root" \
  "$VPY" "$CHECK" --uri "$uri" --user root --password-env MM_PW smoke --rows 100 --workdir "$SCRATCH"
MM_PW=Milvus refuses "Milvus with auth refuses the default password" \
  "$VPY" "$CHECK" --uri "$uri" --user root --password-env MM_PW smoke --rows 10 --workdir "$SCRATCH"
"$MILVUS_SH" stop "$auth_dir"
"$MINIO_SH" stop "$minio"

for f in "$local_dir/milvus.pid" "$remote_dir/milvus.pid" "$auth_dir/milvus.pid" "$minio/minio.pid"; do
  check "stopped: no $f" test ! -e "$f"
done
finish
