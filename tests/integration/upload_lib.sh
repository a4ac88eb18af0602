# Helpers for the mm-upload tests; source after lib.sh.
# Exported: a test may change HOME, and the server scripts must still find the tools.
export MM_TOOLS_DIR=${MM_TOOLS_DIR:-$HOME/.cache/milvus-mm}
TOOLS_DIR=$MM_TOOLS_DIR
# The independent checker runs in the test servers' venv (it has the minio and azure-storage-blob packages).
CHECK_PY=${MM_CHECK_PY:-$TOOLS_DIR/venv/bin/python}
check_objects() { "$CHECK_PY" "$MM_SRC/tests/integration/check_objects.py" "$@"; }

# ensure_test_servers: installs MinIO and the venv (scripts/install-test-servers.sh) when missing.
ensure_test_servers() {
  if [ ! -x "$CHECK_PY" ] || [ ! -x "${MM_MINIO:-$TOOLS_DIR/bin/minio}" ]; then
    "$MM_SRC/scripts/install-test-servers.sh" >&2
  fi
}

# start_minio: a MinIO for this test, stopped on exit. Sets minio (its directory), endpoint,
# access and secret, and exports check_objects.py's connection (bucket a-bucket).
start_minio() {
  ensure_test_servers
  minio=$SCRATCH/minio
  server_up MinIO "$MM_SRC/scripts/test-minio.sh" start "$minio"
  cleanup_hooks+=("'$MM_SRC/scripts/test-minio.sh' stop '$minio'")
  endpoint=127.0.0.1:$(cat "$minio/port")
  access=$(cat "$minio/access_key")
  secret=$(cat "$minio/secret_key")
  export MM_CHECK_ENDPOINT=$endpoint MM_CHECK_ACCESS_KEY=$access MM_CHECK_SECRET_KEY=$secret MM_CHECK_BUCKET=a-bucket
}

# start_azurite: an Azurite for this test, stopped on exit. Sets az (its directory), endpoint and
# key, and exports check_objects.py's connection (account mmtest, container a-bucket).
start_azurite() {
  ensure_test_servers
  az=$SCRATCH/azurite
  server_up Azurite "$MM_SRC/scripts/test-azurite.sh" start "$az"
  cleanup_hooks+=("'$MM_SRC/scripts/test-azurite.sh' stop '$az'")
  endpoint=$(cat "$az/endpoint")
  key=$(cat "$az/key")
  export MM_CHECK_ENDPOINT=$endpoint MM_CHECK_ACCOUNT=mmtest MM_CHECK_KEY=$key MM_CHECK_BUCKET=a-bucket
}

# make_groups DIR: real groups from a generated 1.x installation plus synthetic ones (random
# bytes: mm-upload does not parse them) big enough for multipart: 23 MB and 3 MB data files.
# Prints the manifest path.
make_groups() {
  local dir=$1
  $PY "$MM_SRC/tests/fixtures/gen1x.py" --out "$dir/fx" --seed 9 >/dev/null
  pipeline --sqlite "$dir/fx/db/meta.sqlite" -- --tables "$dir/fx/db/tables" -- --out "$dir/npy" --group-size 64K >"$dir/groups.jsonl"
  local name size
  for name in big:23000000 mid:3000000; do
    size=${name#*:}
    name=${name%%:*}
    mkdir -p "$dir/syn/$name"
    head -c "$size" /dev/urandom >"$dir/syn/$name/data.npy"
    head -c 4096 /dev/urandom >"$dir/syn/$name/id.npy"
    printf '{"kind":"group","collection":"synthetic","partition":"_default","name":"%s","rows":1,"files":{"id":"%s","data":"%s"}}\n' \
      "$name" "$dir/syn/$name/id.npy" "$dir/syn/$name/data.npy" >>"$dir/groups.jsonl"
  done
  echo "$dir/groups.jsonl"
}

# secrets_file SECRET...: the secrets, one a line, in a private file for grep -f (a secret given
# to grep as an argument would itself be in a command line). Prints its path.
secrets_file() {
  local f
  f=$(umask 077 && mktemp "$SCRATCH/secrets.XXXXXX")
  printf '%s\n' "$@" >"$f"
  echo "$f"
}

# watch_cmdlines PID SECRET...: while PID runs, reads every process's command line; fails the
# test if one holds a secret. Call right after starting PID in the background.
watch_cmdlines() {
  local pid=$1 seen looks secrets
  shift
  secrets=$(secrets_file "$@")
  # The looks run in a subshell: their thousands of short-lived children would otherwise push the
  # watched job's exit status out of what this shell remembers ("wait: pid ... is not a child").
  IFS=$'\t' read -r looks seen < <(
    seen= looks=0
    while kill -0 "$pid" 2>/dev/null; do
      for f in /proc/[0-9]*/cmdline; do
        tr '\0' ' ' 2>/dev/null <"$f" | grep -qFf "$secrets" && seen="$seen ${f%/cmdline} ($(cat "${f%/cmdline}/comm" 2>/dev/null))"
      done
      looks=$((looks + 1))
    done
    printf '%s\t%s\n' "$looks" "$seen"
  )
  [ -z "$seen" ] && pass "no secret in any /proc/*/cmdline ($looks looks during the run)" || fail "a secret is visible in the command line of:$seen"
}

# no_secret_in NAME FILE SECRET...: the file (output, stderr) contains none of the secrets.
no_secret_in() {
  local name=$1 file=$2
  shift 2
  if grep -qFf "$(secrets_file "$@")" "$file"; then
    fail "$name: a secret appears in $(basename "$file")"
  else
    pass "$name: no secret in $(basename "$file")"
  fi
}

# cut_input NPY_MANIFEST: an upload cut off while its file is written. The largest group's vector
# file of NPY_MANIFEST is copied to $SCRATCH/cut/.tmp-g/data.npy (a file mm-npy is still writing);
# $SCRATCH/cut.jsonl holds chunk records covering its first two 5 MiB parts, and no group record;
# cut_complete moves the file into place and writes its group record to $SCRATCH/cut-group.jsonl.
cut_input() {
  local data size offset length
  data=$($PY -c 'import json,sys; print(max((json.loads(l) for l in open(sys.argv[1]) if "\"kind\":\"group\"" in l), key=lambda g: g["bytes"])["files"]["data"])' "$1")
  mkdir -p "$SCRATCH/cut/.tmp-g" && cp "$data" "$SCRATCH/cut/.tmp-g/data.npy"
  size=$(stat -c %s "$data")
  printf '0 %s\n%s %s\n' $((6 << 20)) $((6 << 20)) $((5 << 20)) | while read -r offset length; do
    printf '{"kind":"chunk","collection":"c","partition":"_default","group":"g","files":[{"field":"data","path":"%s","final_path":"%s","size":%s,"offset":%s,"length":%s}]}\n' \
      "$SCRATCH/cut/.tmp-g/data.npy" "$SCRATCH/cut/g/data.npy" "$size" "$offset" "$length"
  done >"$SCRATCH/cut.jsonl"
}
cut_complete() {
  mkdir -p "$SCRATCH/cut/g" && mv "$SCRATCH/cut/.tmp-g/data.npy" "$SCRATCH/cut/g/data.npy"
  printf '{"kind":"group","collection":"c","partition":"_default","name":"g","rows":1,"files":{"data":"%s"}}\n' "$SCRATCH/cut/g/data.npy" >"$SCRATCH/cut-group.jsonl"
}
