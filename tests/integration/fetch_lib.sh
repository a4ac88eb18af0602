# shellcheck shell=bash
# Helpers for the mm-fetch tests; source after lib.sh and upload_lib.sh.

# store_py put|rm|dump ...: the object store through its own client (the `minio` or
# `azure-storage-blob` package in the test venv), never through our code. Connection from the
# MM_CHECK_* variables of check_objects.py (MM_CHECK_CA too, for azure); MM_STORE_KIND is s3 or azure.
#   put DIR PREFIX   every file under DIR to PREFIX/<relative path>
#   rm KEY           delete one object
store_py() {
  "$CHECK_PY" - "$@" <<'PY'
import os, sys
kind, bucket, endpoint = os.environ["MM_STORE_KIND"], os.environ["MM_CHECK_BUCKET"], os.environ["MM_CHECK_ENDPOINT"]
if kind == "s3":
    from minio import Minio
    c = Minio(endpoint, access_key=os.environ["MM_CHECK_ACCESS_KEY"], secret_key=os.environ["MM_CHECK_SECRET_KEY"], secure=False)
    put = lambda key, path: c.fput_object(bucket, key, path)
    rm = lambda key: c.remove_object(bucket, key)
else:
    from azure.storage.blob import BlobServiceClient
    kwargs = {"connection_verify": os.environ["MM_CHECK_CA"]} if os.environ.get("MM_CHECK_CA") else {}
    svc = BlobServiceClient(endpoint, credential={"account_name": os.environ["MM_CHECK_ACCOUNT"], "account_key": os.environ["MM_CHECK_KEY"]}, **kwargs)
    cc = svc.get_container_client(bucket)
    if not cc.exists():
        cc.create_container()
    def put(key, path):
        with open(path, "rb") as f:
            cc.upload_blob(key, f, overwrite=True)
    rm = lambda key: cc.delete_blob(key)
op = sys.argv[1]
if op == "put":
    root, prefix = sys.argv[2], sys.argv[3].strip("/")
    n = 0
    for d, _, files in os.walk(root):
        for name in files:
            path = os.path.join(d, name)
            put(prefix + "/" + os.path.relpath(path, root), path)
            n += 1
    print(n)
elif op == "rm":
    rm(sys.argv[2])
PY
}

# same_groups A.jsonl DIR_A B.jsonl DIR_B: the group records are the same once the output
# directories are taken out of the paths, and every .npy under DIR_A has the same bytes as the
# one at the same place under DIR_B (and there are as many).
same_groups() {
  local a=$1 da=$2 b=$3 db=$4
  [ "$(grep -c '"kind":"group"' "$a")" -gt 0 ] || { echo "no groups in $a" >&2; return 1; }
  diff <(grep '"kind":"group"' "$a" | sed "s|$da|OUT|g" | sort) <(grep '"kind":"group"' "$b" | sed "s|$db|OUT|g" | sort) >&2 || return 1
  diff <(cd "$da" && find . -name '*.npy' -type f -print0 | sort -z | xargs -0 sha256sum) \
    <(cd "$db" && find . -name '*.npy' -type f -print0 | sort -z | xargs -0 sha256sum) >&2
}

# big_segment PREFIX: a segment big/1 with a 20 MB .rv (random bytes: mm-fetch does not parse
# them) put under PREFIX, its source in $SCRATCH/bigsrc; and 600 small objects in the segment
# that sort before its files, so that finding them takes three pages of the listing.
big_segment() {
  mkdir -p "$SCRATCH/bigsrc/big/1" "$SCRATCH/junk/big/1"
  head -c 20000000 /dev/urandom >"$SCRATCH/bigsrc/big/1/1.rv"
  head -c 800 /dev/urandom >"$SCRATCH/bigsrc/big/1/1.uid"
  head -c 8 /dev/zero >"$SCRATCH/bigsrc/big/1/deleted_docs"
  store_py put "$SCRATCH/bigsrc" "$1" >/dev/null
  for i in $(seq -w 600); do echo "$i" >"$SCRATCH/junk/big/1/0junk-$i"; done
  store_py put "$SCRATCH/junk" "$1" >/dev/null
}

big_record='{"kind":"segment","collection":"big","table_id":"big","segment_id":"1"}'

# start_cutting_proxy PORT PATTERN NAME: a TCP proxy on loopback to the server on PORT that cuts
# the first answer to a GET whose request holds PATTERN after 3 MB, as a dropped connection
# would (with MM_PROXY_STALL set: stops sending and holds the connection), and logs every Range
# header it forwards to $SCRATCH/NAME.log. Sets proxy_port.
start_cutting_proxy() {
  $PY - "$1" "$2" >"$SCRATCH/$3.port" 2>"$SCRATCH/$3.log" <<'PY' &
import os, socket, sys, threading, time
up, pattern = int(sys.argv[1]), sys.argv[2]
cut = {"done": False}
lock = threading.Lock()
def pipe(src, dst, limit=None):
    sent = 0
    try:
        while True:
            data = src.recv(65536)
            if not data: break
            if limit is not None and limit[0] is not None and sent + len(data) > limit[0]:
                dst.sendall(data[: limit[0] - sent])
                if os.environ.get("MM_PROXY_STALL"):  # hold the connection, send nothing more
                    print("stalled", file=sys.stderr, flush=True); time.sleep(3600)
                break
            dst.sendall(data); sent += len(data)
    except OSError: pass
    for s in (src, dst):
        try: s.shutdown(socket.SHUT_RDWR)
        except OSError: pass
def handle(client):
    server = socket.create_connection(("127.0.0.1", up))
    limit = [None]
    def upstream():
        try:
            while True:
                data = client.recv(65536)
                if not data: break
                text = data.decode("latin-1")
                for line in text.split("\r\n"):
                    if line.lower().startswith("range:"): print("seen", line, file=sys.stderr, flush=True)
                if pattern in text and text.startswith("GET"):
                    with lock:
                        if not cut["done"]:
                            cut["done"] = True; limit[0] = 3000000
                server.sendall(data)
        except OSError: pass
    threading.Thread(target=upstream, daemon=True).start()
    pipe(server, client, limit)
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
print(s.getsockname()[1], flush=True)
while True:
    c, _ = s.accept()
    threading.Thread(target=handle, args=(c,), daemon=True).start()
PY
  cleanup_hooks+=("kill $! 2>/dev/null")
  for _ in $(seq 50); do [ -s "$SCRATCH/$3.port" ] && break; sleep 0.1; done
  proxy_port=$(cat "$SCRATCH/$3.port")
}

# check_resumed NAME RC WHAT: the fetch of big/1 through proxy NAME (exit status RC, stderr in
# $SCRATCH/NAME.err, into $SCRATCH/NAME) completed with the right bytes after a retry that asked
# for the rest only: a Range that starts at no multiple of 5 MiB (where ranges of parts start).
check_resumed() {
  local name=$1 rc=$2 what=$3 resumed
  resumed=$(grep -oE 'seen Range: bytes=[0-9]+-[0-9]*' "$SCRATCH/$name.log" | awk -F'[=-]' '$2 % 5242880 != 0 { print $2 "-" $3; exit }')
  if [ "$rc" -eq 0 ] && cmp -s "$SCRATCH/$name/big/1/1.rv" "$SCRATCH/bigsrc/big/1/1.rv" && grep -q "retrying" "$SCRATCH/$name.err" &&
    [ "$(find "$SCRATCH/$name" -type f | wc -l)" -eq 3 ] && [ -n "$resumed" ]; then
    pass "$what, cut mid-download: resumed with Range bytes=$resumed, bytes identical; 3 files found after 600 others (paged listing)"
  else
    fail "$what: resume: exit $rc: $(cat "$SCRATCH/$name.err") / proxy: $(cat "$SCRATCH/$name.log")"
  fi
}
