# Helpers for the mm-fetch tests; source after lib.sh and upload_lib.sh.

# store_py put|rm|dump ...: the object store through its own client (the `minio` or
# `azure-storage-blob` package in the test venv), never through our code. Connection from the
# MM_CHECK_* variables of check_objects.py; MM_STORE_KIND is s3 or azure.
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
    svc = BlobServiceClient(endpoint, credential={"account_name": os.environ["MM_CHECK_ACCOUNT"], "account_key": os.environ["MM_CHECK_KEY"]})
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
