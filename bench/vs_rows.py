#!/usr/bin/python3
"""Rows out of a NumPy dump against the truth computed from the 1.x segment files.

  vs_rows.py TABLES_DIR OUT_DIR [OUT_DIR...]

TABLES_DIR is a 1.x db/tables/ directory whose every segment is live (gen1x.py --profile bench).
The truth is computed here, with NumPy only, from the bytes of each segment:
  <seg>.rv        uint64 LE byte count, then float32 rows of dim values
  <seg>.uid       uint64 LE byte count, then int64 ids
  deleted_docs    uint64 LE byte count, then int32 row offsets (any order, duplicates allowed,
                  out-of-range offsets ignored); bytes past the counted ones are ignored
Each OUT_DIR is searched for directories holding both id.npy and data.npy (any layout: mm-npy's
groups, milvus-migration's OUT/migration/tables/<collection>/<segment>/). For each OUT_DIR one JSON
line is printed:
  {"out": DIR, "groups": N, "rows": rows the .npy headers declare, "held": rows the id.npy files'
   bytes hold, "malformed": files whose size does not match their header, "truth": live rows,
   "not_live": declared rows whose id is not a live id, "missing": live ids absent from the
   declared rows, "exact": true when the (id, vector) rows equal the truth's as a multiset, bit
   for bit}
A reader that trusts the headers (np.load) gets the declared rows: the first "rows" of each file.
Exit status 0 when every OUT_DIR is exact, 1 otherwise.
"""

import json
import os
import sys

import numpy as np


def read_blob(path, dtype):
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
    itemsize = np.dtype(dtype).itemsize
    return np.memmap(path, dtype=dtype, mode="r", offset=8, shape=(n // itemsize,)) if n else np.empty(0, dtype)


def truth(tables):
    """(ids, vectors) of the live rows of every segment, in segment order."""
    ids, vecs = [], []
    for coll in sorted(os.listdir(tables)):
        cdir = os.path.join(tables, coll)
        for seg in sorted(os.listdir(cdir)):
            sdir = os.path.join(cdir, seg)
            uid = read_blob(os.path.join(sdir, seg + ".uid"), "<i8")
            rv = read_blob(os.path.join(sdir, seg + ".rv"), "<f4")
            n = len(uid)
            dim = len(rv) // n if n else 0
            live = np.ones(n, dtype=bool)
            dd = os.path.join(sdir, "deleted_docs")
            if os.path.exists(dd):
                off = np.asarray(read_blob(dd, "<i4"), dtype=np.int64)
                live[off[(off >= 0) & (off < n)]] = False
            ids.append(np.asarray(uid)[live])
            vecs.append(np.asarray(rv).reshape(n, dim)[live])
    return np.concatenate(ids), np.concatenate(vecs)


def load_npy(path):
    """The array its header declares (memory-mapped), whether the file size matches it, the rows
    the header declares and the whole rows the file's bytes hold."""
    with open(path, "rb") as f:
        version = np.lib.format.read_magic(f)
        shape, fortran, dtype = np.lib.format._read_array_header(f, version)
        start = f.tell()
    size = os.path.getsize(path)
    want = start + int(np.prod(shape)) * dtype.itemsize
    arr = np.memmap(path, dtype=dtype, mode="r", offset=start, shape=shape) if size >= want and np.prod(shape) else \
        np.empty(shape if size >= want else (0,) + tuple(shape[1:]), dtype)
    rowbytes = int(np.prod(shape[1:])) * dtype.itemsize if shape else 0
    held = (size - start) // rowbytes if rowbytes else 0
    return arr, size == want, int(shape[0]) if shape else 0, held


def output(out):
    groups, malformed, declared, held, ids, vecs = 0, 0, 0, 0, [], []
    for d, _, files in sorted(os.walk(out)):
        if "id.npy" in files and "data.npy" in files:
            groups += 1
            i, ok_i, rows, h = load_npy(os.path.join(d, "id.npy"))
            v, ok_v, _, _ = load_npy(os.path.join(d, "data.npy"))
            declared += rows
            held += h
            malformed += (not ok_i) + (not ok_v)
            ids.append(np.asarray(i))
            vecs.append(np.asarray(v))
    if not groups:
        return 0, 0, 0, 0, np.empty(0, "<i8"), None
    return groups, malformed, declared, held, np.concatenate(ids), np.concatenate(vecs)


def same_rows(tid, tvec, oid, ovec):
    if ovec is None or len(tid) != len(oid) or len(oid) != len(ovec) or tvec.shape[1:] != ovec.shape[1:]:
        return False
    if np.array_equal(tid, oid):  # same order: compare in place, no copy
        return tvec.view(np.uint32).tobytes() == ovec.view(np.uint32).tobytes() if len(tid) < (1 << 16) else \
            all(np.array_equal(tvec[k:k + 65536].view(np.uint32), ovec[k:k + 65536].view(np.uint32))
                for k in range(0, len(tid), 65536))
    ta, oa = np.argsort(tid, kind="stable"), np.argsort(oid, kind="stable")
    if not np.array_equal(tid[ta], oid[oa]):
        return False
    # Duplicate ids: the vectors of equal ids must match as a multiset too; sort them by their bytes.
    tv = np.asarray(tvec)[ta].view(np.uint32)
    ov = np.asarray(ovec)[oa].view(np.uint32)
    if np.array_equal(tv, ov):
        return True
    key_t = np.lexsort(np.vstack([tv.T[::-1], tid[ta]]))
    key_o = np.lexsort(np.vstack([ov.T[::-1], oid[oa]]))
    return np.array_equal(tv[key_t], ov[key_o])


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    tid, tvec = truth(sys.argv[1])
    all_ok = True
    for out in sys.argv[2:]:
        groups, malformed, declared, held, oid, ovec = output(out)
        exact = malformed == 0 and same_rows(tid, tvec, oid, ovec)
        all_ok &= exact
        not_live = int(np.count_nonzero(~np.isin(oid, tid)))
        missing = int(np.count_nonzero(~np.isin(tid, oid)))
        print(json.dumps({"out": out, "groups": groups, "rows": declared, "held": int(held), "malformed": malformed,
                          "truth": int(len(tid)), "not_live": not_live, "missing": missing,
                          "exact": bool(exact)}), flush=True)
    sys.exit(0 if all_ok else 1)


if __name__ == "__main__":
    main()
