#!/usr/bin/env python3
"""Independent check of a migration with pymilvus: every (collection, 1.x tag) of a generated
fixture must be in Milvus 2.x with exactly the expected row count, and every id must read back
with one of its expected vectors, bit-exact. (A query returns one row per primary key, so copies
of a duplicated id are checked through the count. Milvus 2.3 cannot return the id 2^63-1, which
is counted but skipped in the read-back, and cannot parse -2^63 as a literal, so that id is read
back with a range expression.) Run with the test venv's python (pymilvus + numpy).

Usage: check_milvus.py --uri http://127.0.0.1:PORT MANIFEST FIXTURE_DIR [--id-field id --vector-field data]
                       [--collections A,B] [--ca-file CA.pem [--cert-file C.pem --key-file C.key]]
                       [--count stats|query]
MANIFEST holds mm-meta's partition records (tag -> 2.x partition name). --collections checks only
those collections of the fixture (a migration of part of it). Auth: MM_CHECK_USER and
MM_CHECK_PASSWORD. TLS: --ca-file verifies the server; with --cert-file/--key-file, mutual TLS.
--count stats (default) compares the row-count statistics (num_entities); --count query compares
count(*) of the rows queries see (it loads each collection, which needs an index): Milvus 2.3 keeps
segments of an import that failed in its statistics, invisible to queries, until it cleans them up.
Milvus 2.2 has no count(*) (it refuses a query with the empty expression): --count query is refused
there."""
import argparse
import json
import os
import sys

import numpy as np
from pymilvus import Collection, Partition, connections, utility

BATCH = 4000  # ids per query; Milvus caps a query's result at 16384 rows


INT64_MAX, INT64_MIN = 2**63 - 1, -2**63


def vectors_by_id(ids, vectors):
    """id -> set of vector bytes (an id may repeat, with different vectors)."""
    by_id = {}
    for i, v in zip(ids, vectors):
        by_id.setdefault(int(i), set()).add(v.tobytes())
    by_id.pop(INT64_MAX, None)
    return by_id


def query_partition(collection, partition, ids, id_field, vector_field, binary):
    got = []
    unique = sorted(set(int(i) for i in ids) - {INT64_MIN})
    exprs = [f"{id_field} in {unique[s:s + BATCH]}" for s in range(0, len(unique), BATCH)]
    if INT64_MIN in ids:
        exprs.append(f"{id_field} < {INT64_MIN + 1}")
    for expr in exprs:
        result = collection.query(expr=expr, output_fields=[id_field, vector_field],
                                  partition_names=[partition], consistency_level="Strong")
        for row in result:
            v = row[vector_field]
            data = v[0] if binary and isinstance(v, list) else v  # pymilvus wraps binary vectors in a list
            got.append((row[id_field], bytes(data) if binary else np.asarray(v, dtype="<f4").tobytes()))
    return got


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--uri", required=True)
    ap.add_argument("--id-field", default="id")
    ap.add_argument("--vector-field", default="data")
    ap.add_argument("--collections", default="", help="comma-separated: check only these collections")
    ap.add_argument("--ca-file", default="", help="TLS: CA certificate (PEM) that signed the server's")
    ap.add_argument("--cert-file", default="", help="mutual TLS: client certificate (PEM)")
    ap.add_argument("--key-file", default="", help="mutual TLS: client key (PEM)")
    ap.add_argument("--count", choices=("stats", "query"), default="stats",
                    help="stats: row-count statistics; query: count(*) of the visible rows (loads the collection)")
    ap.add_argument("--leftover", action="append", default=[], metavar="COLL/PART=N",
                    help="with --count stats: the statistics of that partition also hold N rows of segments a failed "
                         "import left (as the server's own task state reports them; 2.2 has no count(*) to avoid them)")
    ap.add_argument("manifest")
    ap.add_argument("fixture")
    args = ap.parse_args()

    tls = {}
    if args.cert_file:  # pymilvus: mutual TLS wants ca_pem_path, one-way TLS server_pem_path
        tls = {"secure": True, "ca_pem_path": args.ca_file, "client_pem_path": args.cert_file,
               "client_key_path": args.key_file}
    elif args.ca_file:
        tls = {"secure": True, "server_pem_path": args.ca_file}
    connections.connect(uri=args.uri, user=os.environ.get("MM_CHECK_USER", ""),
                        password=os.environ.get("MM_CHECK_PASSWORD", ""), **tls)
    version = utility.get_server_version()
    leftover = {}
    for item in args.leftover:
        where, _, n = item.rpartition("=")
        leftover[tuple(where.split("/", 1))] = int(n)
    if args.count == "query" and version.startswith("v2.2."):
        sys.exit(f"--count query needs count(*), which Milvus {version} does not have (2.3 and newer do)")
    names = {}
    for line in open(args.manifest):
        r = json.loads(line)
        if r["kind"] == "partition":
            names[(r["collection"], r["tag"])] = r["partition"]
    index = json.load(open(os.path.join(args.fixture, "expected", "index.json")))
    if args.collections:
        only = set(args.collections.split(","))
        missing = only - set(index["collections"])
        if missing:
            sys.exit(f"--collections: not in the fixture: {', '.join(sorted(missing))}")
        index["collections"] = {k: v for k, v in index["collections"].items() if k in only}
        index["soft_deleted_collections"] = []
    failures = []
    checked = 0
    for cname, c in sorted(index["collections"].items()):
        binary = c["vector"] == "binary"
        if not utility.has_collection(cname):
            failures.append(f"{cname}: collection missing")
            continue
        collection = Collection(cname)
        if args.count == "query":
            collection.load()

        def count(partition=None):
            if args.count == "stats":
                return (Partition(collection, partition) if partition else collection).num_entities
            rows = collection.query(expr="", output_fields=["count(*)"], consistency_level="Strong",
                                    partition_names=[partition] if partition else None)
            return rows[0]["count(*)"]

        total = 0
        for tag, p in sorted(c["partitions"].items()):
            pname = "_default" if tag == "" else names.get((cname, tag), tag)
            expected_n = p["rows"]
            total += expected_n
            got_n = count(pname) - (leftover.get((cname, pname), 0) if args.count == "stats" else 0)
            if got_n != expected_n:
                failures.append(f"{cname}/{pname}: {got_n} rows ({args.count}), expected {expected_n}")
                continue
            if expected_n == 0:
                continue
            d = os.path.join(args.fixture, "expected", p["dir"])
            ids, vectors = np.load(os.path.join(d, "id.npy")), np.load(os.path.join(d, "data.npy"))
            want = vectors_by_id(ids, vectors)
            got = query_partition(collection, pname, list(want), args.id_field, args.vector_field, binary)
            seen = {}
            for i, v in got:
                seen[i] = seen.get(i, 0) + 1
                if v not in want.get(i, ()):
                    failures.append(f"{cname}/{pname}: id {i} read back with a vector that is not in the source")
            if set(seen) != set(want) or any(n != 1 for n in seen.values()):
                failures.append(f"{cname}/{pname}: read back {len(seen)} distinct ids, expected {len(want)}")
            checked += len(got)
        got_total = count() - (sum(n for (c2, _), n in leftover.items() if c2 == cname) if args.count == "stats" else 0)
        if got_total != total:
            failures.append(f"{cname}: {got_total} rows ({args.count}), expected {total}")
    for soft in index.get("soft_deleted_collections", []):
        if utility.has_collection(soft):
            failures.append(f"{soft}: a collection dropped in 1.x was migrated")
    for f in failures:
        print("FAIL:", f)
    print(f"{'OK' if not failures else 'FAILED'}: counts by {args.count}; {checked} rows read back and compared bit-exactly")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
