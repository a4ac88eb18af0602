#!/usr/bin/env python3
"""Independent pymilvus checks against a real Milvus 2.x (run with the test venv's python,
${MM_TOOLS_DIR:-~/.cache/milvus-mm}/venv/bin/python; see scripts/install-test-servers.sh).

  milvus_check.py --uri http://127.0.0.1:PORT [--user U --password-env VAR] smoke
                  [--bucket-upload MINIO_DIR] [--rows N] [--workdir DIR] [--keep]

smoke: creates a collection (id Int64 primary key, auto_id off; data FloatVector dim 8),
writes id.npy and data.npy, bulk-inserts them (absolute paths for a server with local storage;
with --bucket-upload the files are uploaded into the bucket of the MinIO started by
scripts/test-minio.sh start MINIO_DIR and passed as object keys), waits for the import, checks
the row count, builds a FLAT index, loads, queries every id back and compares the vectors
bit for bit. Exit status 0 when all checks pass.
"""

import argparse
import os
import sys
import tempfile
import time
import uuid

import numpy as np
from pymilvus import (BulkInsertState, Collection, CollectionSchema, DataType, FieldSchema,
                      MilvusException, connections, utility)

DIM = 8
IMPORT_TIMEOUT = 300  # seconds
STEP_TIMEOUT = 120


class CheckError(Exception):
    pass


def log(msg):
    print(f"milvus_check: {msg}", flush=True)


def connect(args):
    kwargs = {"uri": args.uri, "timeout": 30}
    if args.user:
        password = os.environ.get(args.password_env or "", None)
        if password is None:
            raise CheckError(f"--user given but environment variable {args.password_env!r} is not set")
        kwargs.update(user=args.user, password=password)
    connections.connect("default", **kwargs)
    log(f"connected to {args.uri}, server {utility.get_server_version()}")


def read_minio_dir(minio_dir):
    def read(name):
        with open(os.path.join(minio_dir, name), encoding="utf-8") as f:
            return f.read().strip()
    return {"endpoint": f"127.0.0.1:{read('port')}", "bucket": read("bucket"),
            "access_key": read("access_key"), "secret_key": read("secret_key")}


def upload(minio_dir, files, prefix):
    """Uploads local files into the bucket under prefix; returns the object keys."""
    from minio import Minio  # a pymilvus dependency

    m = read_minio_dir(minio_dir)
    client = Minio(m["endpoint"], access_key=m["access_key"], secret_key=m["secret_key"], secure=False)
    keys = []
    for path in files:
        key = f"{prefix}/{os.path.basename(path)}"
        client.fput_object(m["bucket"], key, path)
        keys.append(key)
    log(f"uploaded {len(keys)} files to s3://{m['bucket']}/{prefix}/")
    return keys


def wait_import(task_id, timeout=IMPORT_TIMEOUT):
    deadline = time.monotonic() + timeout
    while True:
        state = utility.get_bulk_insert_state(task_id=task_id)
        if state.state == BulkInsertState.ImportCompleted:
            return state
        if state.state in (BulkInsertState.ImportFailed, BulkInsertState.ImportFailedAndCleaned):
            raise CheckError(f"import task {task_id} failed: {state.failed_reason}")
        if time.monotonic() > deadline:
            raise CheckError(f"import task {task_id} not done after {timeout}s: {state}")
        time.sleep(0.5)


def smoke(args):
    rows = args.rows
    name = f"mm_smoke_{uuid.uuid4().hex[:12]}"
    rng = np.random.default_rng(20240601)
    # Sparse, unordered ids and random vectors (with a few special values) so that a mix-up of
    # rows or a lossy conversion shows.
    ids = rng.permutation(rows).astype(np.int64) * 7919 + 3
    data = rng.standard_normal((rows, DIM)).astype(np.float32)
    data[0, :4] = [0.0, -0.0, np.finfo(np.float32).max, np.finfo(np.float32).tiny]

    schema = CollectionSchema([
        FieldSchema("id", DataType.INT64, is_primary=True, auto_id=False),
        FieldSchema("data", DataType.FLOAT_VECTOR, dim=DIM),
    ], description="milvus-mm smoke test")
    if utility.has_collection(name):
        utility.drop_collection(name)
    coll = Collection(name, schema, shards_num=1, consistency_level="Strong")
    log(f"created collection {name}")
    try:
        with tempfile.TemporaryDirectory(prefix="mm-smoke-", dir=args.workdir) as tmp:
            files = [os.path.join(tmp, "id.npy"), os.path.join(tmp, "data.npy")]
            np.save(files[0], ids)
            np.save(files[1], data)
            if args.bucket_upload:
                files = upload(args.bucket_upload, files, f"mm-smoke/{name}")
            else:
                files = [os.path.abspath(f) for f in files]
            t0 = time.monotonic()
            task_id = utility.do_bulk_insert(collection_name=name, files=files)
            state = wait_import(task_id)
            log(f"import task {task_id} completed in {time.monotonic() - t0:.1f}s, "
                f"{state.row_count} rows, files {files}")
        if state.row_count != rows:
            raise CheckError(f"import reports {state.row_count} rows, expected {rows}")

        # Imported segments are already flushed: num_entities (row_count statistics) sees them.
        if coll.num_entities != rows:
            raise CheckError(f"num_entities is {coll.num_entities}, expected {rows}")

        coll.create_index("data", {"index_type": "FLAT", "metric_type": "L2", "params": {}})
        if not utility.wait_for_index_building_complete(name, timeout=STEP_TIMEOUT):
            raise CheckError("index building did not complete")
        coll.load(timeout=STEP_TIMEOUT)
        utility.wait_for_loading_complete(name, timeout=STEP_TIMEOUT)

        count = coll.query(expr="", output_fields=["count(*)"])[0]["count(*)"]
        if count != rows:
            raise CheckError(f"count(*) is {count}, expected {rows}")

        expected = dict(zip(ids.tolist(), data))
        got = {}
        for start in range(0, rows, 1000):  # id lists stay well under the 16384 limit
            chunk = ids[start:start + 1000].tolist()
            res = coll.query(expr=f"id in {chunk}", output_fields=["id", "data"])
            for r in res:
                got[r["id"]] = np.asarray(r["data"], dtype=np.float32)
        if set(got) != set(expected):
            missing = sorted(set(expected) - set(got))[:5]
            extra = sorted(set(got) - set(expected))[:5]
            raise CheckError(f"ids differ: {len(got)} returned; missing e.g. {missing}, extra e.g. {extra}")
        bad = [i for i, v in expected.items() if got[i].tobytes() != v.tobytes()]
        if bad:
            i = bad[0]
            raise CheckError(f"{len(bad)} vectors differ, e.g. id {i}: {got[i]} != {expected[i]}")

        # One search as a last sanity check: the first vector finds itself.
        hits = coll.search([data[1].tolist()], "data", {"metric_type": "L2"}, limit=1)
        if hits[0][0].id != int(ids[1]):
            raise CheckError(f"search for row 1 found id {hits[0][0].id}, expected {ids[1]}")
        log(f"OK: {rows} rows imported, counted, indexed, loaded, queried back bit-exact")
    finally:
        if args.keep:
            log(f"keeping collection {name}")
        else:
            utility.drop_collection(name)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--uri", required=True, help="http://127.0.0.1:PORT")
    p.add_argument("--user", default="")
    p.add_argument("--password-env", default="", help="name of the environment variable holding the password")
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("smoke", help="bulk insert + read-back round trip")
    s.add_argument("--bucket-upload", metavar="MINIO_DIR", default="",
                   help="upload the files into the bucket of this test MinIO and import object keys")
    s.add_argument("--rows", type=int, default=2000)
    s.add_argument("--workdir", default=None, help="where to write the .npy files (default: system temp dir)")
    s.add_argument("--keep", action="store_true", help="do not drop the collection at the end")
    args = p.parse_args()
    try:
        connect(args)
        smoke(args)
    except (CheckError, MilvusException) as ex:
        log(f"FAILED: {ex}")
        return 1
    finally:
        connections.disconnect("default")
    return 0


if __name__ == "__main__":
    sys.exit(main())
