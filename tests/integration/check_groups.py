#!/usr/bin/python3
"""Check the .npy groups listed in an mm-npy manifest against a gen1x.py fixture.

  check_groups.py MANIFEST FIXTURE_DIR [--id-field id] [--vector-field data]
  check_groups.py MANIFEST --test1w

MANIFEST is JSON Lines; only "group" records are checked, any "error" record fails.
Prints one line per failure and exits 1, or prints a one-line OK summary.
"""

import argparse
import io
import json
import os
import re
import sys
from collections import Counter, defaultdict

import numpy as np

# Above this size a file is checked header-exact plus size instead of fully in memory.
FULL_COMPARE_LIMIT = 512 << 20
PARTITION_NAME_2X = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,254}$")


class Failures:
    def __init__(self):
        self.count = 0

    def __call__(self, msg):
        self.count += 1
        print(f"FAIL: {msg}")


def read_manifest(path, fail):
    """Return the group records; report error records and unparsable lines."""
    groups = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except ValueError as e:
                fail(f"{path}:{lineno}: not JSON ({e})")
                continue
            kind = rec.get("kind")
            if kind == "error":
                fail(f"{path}:{lineno}: manifest error record: {line.strip()}")
            elif kind == "group":
                rec["_where"] = f"{path}:{lineno}"
                groups.append(rec)
    return groups


def npy_header_like_np_save(arr):
    """The header bytes np.save would write for arr (1.0, or 2.0 if it does not fit)."""
    d = np.lib.format.header_data_from_array_1_0(arr)
    buf = io.BytesIO()
    try:
        np.lib.format.write_array_header_1_0(buf, d)
    except ValueError:
        buf = io.BytesIO()
        np.lib.format.write_array_header_2_0(buf, d)
    return buf.getvalue()


def load_exact(path, fail):
    """np.load the file and prove its bytes equal np.save's output for that array."""
    try:
        size = os.path.getsize(path)
        if size <= FULL_COMPARE_LIMIT:
            with open(path, "rb") as f:
                raw = f.read()
            arr = np.load(io.BytesIO(raw), allow_pickle=False)
            out = io.BytesIO()
            np.save(out, arr)
            if out.getvalue() != raw:
                fail(f"{path}: bytes differ from np.save output "
                     f"(file {len(raw)} B, np.save {len(out.getvalue())} B)")
                return None
            return arr
        # Large: the payload is the mapped array itself, so header + size decide equality.
        arr = np.load(path, mmap_mode="r", allow_pickle=False)
        header = npy_header_like_np_save(arr)
        with open(path, "rb") as f:
            head = f.read(len(header))
        if head != header or size != len(header) + arr.nbytes:
            fail(f"{path}: header or size differs from np.save output")
            return None
        return arr
    except (OSError, ValueError) as e:
        fail(f"{path}: cannot load ({e})")
        return None


def resolve(path, manifest):
    return path if os.path.isabs(path) else os.path.join(os.path.dirname(manifest), path)


def load_group(g, args, fail):
    """Load and shape-check one group's id/vector files; returns (ids, data) or None."""
    where = g["_where"]
    files = g.get("files") or {}
    try:
        rows, dim, vector = int(g["rows"]), int(g["dim"]), g["vector"]
    except (KeyError, TypeError, ValueError):
        fail(f"{where}: group record lacks rows/dim/vector")
        return None
    if vector not in ("float", "binary") or (vector == "binary" and dim % 8):
        fail(f"{where}: bad vector kind {vector!r} / dim {dim}")
        return None
    if args.id_field not in files or args.vector_field not in files:
        fail(f"{where}: files lacks {args.id_field!r} or {args.vector_field!r}")
        return None
    id_path = resolve(files[args.id_field], args.manifest)
    data_path = resolve(files[args.vector_field], args.manifest)
    ids, data = load_exact(id_path, fail), load_exact(data_path, fail)
    if ids is None or data is None:
        return None
    ok = True
    if ids.dtype != np.dtype("<i8") or ids.shape != (rows,):
        fail(f"{id_path}: want <i8 {(rows,)}, got {ids.dtype.str} {ids.shape}")
        ok = False
    want_dtype, width = (np.dtype("<f4"), dim) if vector == "float" else (np.dtype("u1"), dim // 8)
    if data.dtype != want_dtype or data.shape != (rows, width):
        fail(f"{data_path}: want {want_dtype.str} {(rows, width)}, got {data.dtype.str} {data.shape}")
        ok = False
    elif np.isfortran(data):
        fail(f"{data_path}: Fortran order")
        ok = False
    return (ids, data) if ok else None


def sort_rows(ids, data):
    """Sort rows by (id, vector bytes) so equal multisets give equal arrays."""
    u8 = np.ascontiguousarray(data).view(np.uint8).reshape(len(ids), -1)
    keys = [u8[:, j] for j in range(u8.shape[1] - 1, -1, -1)] + [ids]
    order = np.lexsort(keys)
    return ids[order], u8[order]


def compare_rows(label, got, want, fail):
    gi, gd = sort_rows(*got)
    wi, wd = sort_rows(*want)
    if len(gi) != len(wi):
        fail(f"{label}: {len(gi)} rows, expected {len(wi)}")
    elif not np.array_equal(gi, wi):
        diff = Counter(gi.tolist())
        diff.subtract(Counter(wi.tolist()))
        extra = [k for k, v in diff.items() if v > 0][:5]
        missing = [k for k, v in diff.items() if v < 0][:5]
        fail(f"{label}: id multiset differs (extra {extra}, missing {missing})")
    elif not np.array_equal(gd, wd):
        bad = int(np.any(gd != wd, axis=1).sum())
        fail(f"{label}: {bad} rows have wrong vector bytes")


def concat(parts, width_dtype):
    ids = np.concatenate([p[0] for p in parts]) if parts else np.empty(0, "<i8")
    data = np.concatenate([np.asarray(p[1]) for p in parts]) if parts else np.empty((0, 0), width_dtype)
    return ids, data


def check_partition_names(groups, fail):
    """Tags must map one-to-one onto valid 2.x partition names within a collection."""
    by_tag, by_name = defaultdict(set), defaultdict(set)
    for g in groups:
        name, tag, coll = g.get("partition"), g.get("tag"), g.get("collection")
        if not isinstance(name, str) or not PARTITION_NAME_2X.match(name):
            fail(f"{g['_where']}: invalid 2.x partition name {name!r}")
        by_tag[(coll, tag)].add(name)
        by_name[(coll, name)].add(tag)
    for (coll, tag), names in by_tag.items():
        if len(names) > 1:
            fail(f"{coll}: tag {tag!r} split over partitions {sorted(map(str, names))}")
    for (coll, name), tags in by_name.items():
        if len(tags) > 1:
            fail(f"{coll}: partition {name!r} merges tags {sorted(map(str, tags))}")


def check_fixture(groups, args, fail):
    exp_dir = os.path.join(args.fixture, "expected")
    with open(os.path.join(exp_dir, "index.json"), encoding="utf-8") as f:
        index = json.load(f)
    colls, soft = index["collections"], set(index.get("soft_deleted_collections", []))
    check_partition_names(groups, fail)

    loaded, broken = defaultdict(list), set()
    for g in groups:
        coll, tag = g.get("collection"), g.get("tag")
        if coll in soft:
            fail(f"{g['_where']}: soft-deleted collection {coll!r} was exported")
            continue
        part = colls.get(coll, {}).get("partitions", {}).get(tag)
        if part is None or part["rows"] == 0:
            fail(f"{g['_where']}: unexpected group {coll!r}/{tag!r}")
            continue
        c = colls[coll]
        if g.get("dim") != c["dim"] or g.get("vector") != c["vector"]:
            fail(f"{g['_where']}: {coll}: dim/vector {g.get('dim')}/{g.get('vector')}, "
                 f"expected {c['dim']}/{c['vector']}")
            continue
        arrays = load_group(g, args, fail)
        if arrays is None:
            broken.add((coll, tag))  # already reported; a row tally would only add noise
        else:
            loaded[(coll, tag)].append(arrays)

    content_checked, rows_total = 0, 0
    for coll, c in colls.items():
        for tag, part in c["partitions"].items():
            label = f"{coll}/{tag!r}"
            got = loaded.get((coll, tag), [])
            if part["rows"] == 0:
                continue
            if not any(g.get("collection") == coll and g.get("tag") == tag for g in groups):
                fail(f"{label}: missing ({part['rows']} rows expected)")
                continue
            if (coll, tag) in broken:
                continue
            n = sum(len(p[0]) for p in got)
            rows_total += n
            id_path = os.path.join(exp_dir, part["dir"], "id.npy")
            if not os.path.exists(id_path):  # bench fixtures carry counts only
                if n != part["rows"]:
                    fail(f"{label}: {n} rows, expected {part['rows']}")
                continue
            want = (np.load(id_path), np.load(os.path.join(exp_dir, part["dir"], "data.npy")))
            compare_rows(label, concat(got, want[1].dtype), want, fail)
            content_checked += 1
    return f"{len(groups)} groups, {rows_total} rows, {content_checked} partitions content-checked"


def check_test1w(groups, args, fail):
    """milvus-migration's test1w fixture: 10000 rows, ids 1..10000, all values 1.0, dim 256."""
    parts = []
    for g in groups:
        if g.get("collection") != "test1w" or g.get("tag") != "":
            fail(f"{g['_where']}: unexpected group {g.get('collection')!r}/{g.get('tag')!r}")
            continue
        if g.get("dim") != 256 or g.get("vector") != "float":
            fail(f"{g['_where']}: dim/vector {g.get('dim')}/{g.get('vector')}, expected 256/float")
            continue
        arrays = load_group(g, args, fail)
        if arrays is not None:
            parts.append(arrays)
    ids, data = concat(parts, np.float32)
    if len(ids) != 10000:
        fail(f"test1w: {len(ids)} rows, expected 10000")
    elif not np.array_equal(np.sort(ids), np.arange(1, 10001, dtype=np.int64)):
        fail("test1w: ids are not exactly 1..10000")
    elif not np.all(data == np.float32(1.0)):
        fail("test1w: some vector value is not 1.0")
    return f"test1w: {len(groups)} groups, {len(ids)} rows"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("manifest")
    ap.add_argument("fixture", nargs="?", help="gen1x.py output dir (has expected/index.json)")
    ap.add_argument("--test1w", action="store_true", help="check the milvus-migration test1w fixture")
    ap.add_argument("--id-field", default="id")
    ap.add_argument("--vector-field", default="data")
    args = ap.parse_args()
    if bool(args.fixture) == args.test1w:
        ap.error("give exactly one of FIXTURE_DIR or --test1w")

    fail = Failures()
    groups = read_manifest(args.manifest, fail)
    if args.test1w:
        what = check_test1w(groups, args, fail)
    else:
        what = check_fixture(groups, args, fail)
    if fail.count:
        print(f"check_groups: {fail.count} failure(s)")
        return 1
    print(f"OK: {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
