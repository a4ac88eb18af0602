#!/usr/bin/env bash
# Segments of tens of MiB with sparse deletes: long delete-free runs take the kernel-copy path,
# the rows around each delete the buffered one, and segments are split across groups. NumPy
# recomputes the live rows straight from the .rv/.uid/deleted_docs bytes and compares them all.
source "$(dirname "$0")/lib.sh"
fx=$SCRATCH/fx
$PY "$MM_SRC/tests/fixtures/gen1x.py" --out "$fx" --profile bench --bench-bytes $((96 << 20)) --bench-dim 128 \
  --bench-segment-bytes $((40 << 20)) --bench-delete-frac 0.0002 >/dev/null
pipeline --sqlite "$fx/db/meta.sqlite" -- --tables "$fx/db/tables" -- --out "$SCRATCH/out" --group-size 24M -j 2 >"$SCRATCH/groups.jsonl"
$PY - "$fx/db/tables" "$SCRATCH/groups.jsonl" <<'PY' && pass "every live row of the large segments, byte-exact" || fail "large segment content"
import glob, io, json, os, sys
import numpy as np

def payload(path, dtype):
    raw = open(path, "rb").read()
    n = int.from_bytes(raw[:8], "little")
    return np.frombuffer(raw[8:8 + n], dtype=dtype)

ids, vecs, total = [], [], 0
for d in sorted(glob.glob(os.path.join(sys.argv[1], "*", "*"))):
    seg = os.path.basename(d)
    uid = payload(os.path.join(d, seg + ".uid"), "<i8")
    rv = payload(os.path.join(d, seg + ".rv"), "<f4").reshape(len(uid), -1)
    dead = payload(os.path.join(d, "deleted_docs"), "<i4")
    keep = np.ones(len(uid), bool)
    total += len(uid)
    keep[dead[(dead >= 0) & (dead < len(uid))]] = False
    ids.append(uid[keep]); vecs.append(rv[keep])
want_ids, want_vecs = np.concatenate(ids), np.concatenate(vecs)

got_ids, got_vecs, groups = [], [], 0
for line in open(sys.argv[2]):
    r = json.loads(line)
    if r["kind"] != "group":
        continue
    groups += 1
    for field, sink in (("id", got_ids), ("data", got_vecs)):
        raw = open(r["files"][field], "rb").read()
        a = np.load(io.BytesIO(raw))
        out = io.BytesIO(); np.save(out, a)
        assert out.getvalue() == raw, f"{r['files'][field]}: not what np.save writes"
        sink.append(a)
got_ids, got_vecs = np.concatenate(got_ids), np.concatenate(got_vecs)
assert groups >= 4, groups
assert total - len(want_ids) > 10, "the fixture has too few deletes to test anything"
assert (want_ids != 0).all() and len(np.unique(want_ids)) == len(want_ids)
o, p = np.argsort(want_ids), np.argsort(got_ids)
assert np.array_equal(want_ids[o], got_ids[p]), "ids differ"
assert np.array_equal(want_vecs[o].view(np.uint32), got_vecs[p].view(np.uint32)), "vectors differ"
print(f"{len(got_ids)} rows in {groups} groups, {total - len(got_ids)} deleted")
PY
finish
