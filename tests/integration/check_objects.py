#!/usr/bin/env python3
"""Checks what mm-upload wrote, with independent clients (the `minio` and `azure-storage-blob`
packages), never with our own code.

  check_objects.py s3|azure MANIFEST PREFIX [--only-objects] [--etags FILE] [--streamed]

For every group record of MANIFEST: each field's object key is PREFIX/<collection>/<partition>/
<name>/<field>.npy, the object has the local file's size, its mm-sha256 metadata is the local
file's SHA-256 (for files larger than MM_CHECK_PART_SIZE bytes, mm-upload's default 64 MiB
unless set, the digest of its parts: S3 parts, Azure blocks), and its bytes (downloaded) are the local file's bytes. An s3
object uploaded while its file was written has no metadata; its mm-sha256 is then the body of the
object KEY.mm-sha256 beside it; with --streamed, every s3 object sent in parts must be such a one.
With --only-objects, the objects under PREFIX must be exactly those and their checksum objects (no
probe, temp or stray objects). --etags writes
"key etag last-modified" lines, so two runs can show that a rerun rewrote nothing.
Connection from the environment: MM_CHECK_ENDPOINT (host:port for s3, URL for azure),
MM_CHECK_BUCKET, MM_CHECK_ACCESS_KEY + MM_CHECK_SECRET_KEY (s3), MM_CHECK_ACCOUNT +
MM_CHECK_KEY (azure), MM_CHECK_CA (optional CA file). Prints one line per problem; exit 1 if any.
"""
import hashlib
import json
import os
import sys


def file_sha256(path, offset=0, length=None):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        f.seek(offset)
        left = os.path.getsize(path) - offset if length is None else length
        while left > 0:
            chunk = f.read(min(left, 1 << 20))
            h.update(chunk)
            left -= len(chunk)
    return h.hexdigest()


def expected_metadata(path, part_size):
    """mm-sha256 as mm-upload documents it: the file's SHA-256; for an object sent in parts (S3)
    or blocks (Azure), the SHA-256 of the parts' hex SHA-256s concatenated, then "-" and the part size."""
    size = os.path.getsize(path)
    if size <= part_size:
        return file_sha256(path)
    parts = "".join(file_sha256(path, off, min(part_size, size - off)) for off in range(0, size, part_size))
    return hashlib.sha256(parts.encode()).hexdigest() + f"-{part_size}"


class S3:
    def __init__(self):
        from minio import Minio
        self.bucket = os.environ["MM_CHECK_BUCKET"]
        self.client = Minio(os.environ["MM_CHECK_ENDPOINT"], access_key=os.environ["MM_CHECK_ACCESS_KEY"],
                            secret_key=os.environ["MM_CHECK_SECRET_KEY"], secure=False)

    def stat(self, key):
        st = self.client.stat_object(self.bucket, key)
        meta = {k.lower(): v for k, v in st.metadata.items()}.get("x-amz-meta-mm-sha256")
        beside = None
        if meta is None:
            beside = key + ".mm-sha256"
            resp = self.client.get_object(self.bucket, beside)
            try:
                meta = resp.read().decode()
            finally:
                resp.close()
                resp.release_conn()
        return st.size, meta, f"{st.etag} {st.last_modified.isoformat()}", beside

    def sha256(self, key):
        h = hashlib.sha256()
        resp = self.client.get_object(self.bucket, key)
        try:
            for chunk in resp.stream(1 << 20):
                h.update(chunk)
        finally:
            resp.close()
            resp.release_conn()
        return h.hexdigest()

    def keys(self, prefix):
        return {o.object_name for o in self.client.list_objects(self.bucket, prefix=prefix + "/", recursive=True)}


class Azure:
    def __init__(self):
        from azure.storage.blob import BlobServiceClient
        kwargs = {}
        if os.environ.get("MM_CHECK_CA"):
            kwargs["connection_verify"] = os.environ["MM_CHECK_CA"]
        svc = BlobServiceClient(account_url=os.environ["MM_CHECK_ENDPOINT"],
                                credential={"account_name": os.environ["MM_CHECK_ACCOUNT"],
                                            "account_key": os.environ["MM_CHECK_KEY"]}, **kwargs)
        self.container = svc.get_container_client(os.environ["MM_CHECK_BUCKET"])

    def stat(self, key):
        p = self.container.get_blob_client(key).get_blob_properties()
        return p.size, p.metadata.get("mm_sha256", ""), f"{p.etag} {p.last_modified.isoformat()}", None

    def sha256(self, key):
        h = hashlib.sha256()
        for chunk in self.container.get_blob_client(key).download_blob().chunks():
            h.update(chunk)
        return h.hexdigest()

    def keys(self, prefix):
        return {b.name for b in self.container.list_blobs(name_starts_with=prefix + "/")}


def main():
    backend, manifest, prefix = sys.argv[1:4]
    only = "--only-objects" in sys.argv[4:]
    streamed = "--streamed" in sys.argv[4:]
    etags_out = sys.argv[sys.argv.index("--etags") + 1] if "--etags" in sys.argv else None
    part_size = int(os.environ.get("MM_CHECK_PART_SIZE", 64 << 20))
    etags = []
    store = S3() if backend == "s3" else Azure()
    problems, checked, expected_keys = [], 0, set()
    for line in open(manifest):
        rec = json.loads(line)
        if rec["kind"] != "group":
            continue
        if "password" in line.lower() or "secret" in line.lower():
            problems.append(f"group {rec['name']}: record mentions a secret")
        for field, path in rec["files"].items():
            key = f"{prefix}/{rec['collection']}/{rec['partition']}/{rec['name']}/{field}.npy"
            expected_keys.add(key)
            if rec.get("objects", {}).get(field) != key:
                problems.append(f"group {rec['name']}: objects.{field} is {rec.get('objects', {}).get(field)!r}, expected {key!r}")
                continue
            size, meta, version, beside = store.stat(key)
            etags.append(f"{key} {version}")
            local_size, local_sha = os.path.getsize(path), file_sha256(path)
            if beside:
                expected_keys.add(beside)
            elif streamed and backend == "s3" and local_size > part_size:
                problems.append(f"{key}: sent in parts with its checksum as metadata, not while its file was written")
            if size != local_size:
                problems.append(f"{key}: {size} bytes, local file has {local_size}")
            want_meta = expected_metadata(path, part_size)
            if meta != want_meta:
                problems.append(f"{key}: mm-sha256 metadata {meta!r}, expected {want_meta}")
            if store.sha256(key) != local_sha:
                problems.append(f"{key}: downloaded bytes differ from {path}")
            checked += 1
    if only:
        extra = store.keys(prefix) - expected_keys
        if extra:
            problems.append(f"unexpected objects under {prefix}/: {sorted(extra)[:5]}")
    if etags_out:
        with open(etags_out, "w") as f:
            f.write("".join(line + "\n" for line in sorted(etags)))
    for p in problems:
        print(p, file=sys.stderr)
    if checked == 0:
        print("no objects checked", file=sys.stderr)
        return 1
    print(f"{checked} objects verified")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
