#!/usr/bin/env bash
# mm-upload --backend local: every group file is placed at DIR/<prefix>/<collection>/<partition>/
# <group>/<field>.npy by hard link on the same file system and by copy across file systems;
# a rerun writes nothing; other records pass through unchanged.
source "$(dirname "$0")/lib.sh"
fx=$SCRATCH/fx
$PY "$MM_SRC/tests/fixtures/gen1x.py" --out "$fx" --seed 5 >/dev/null
pipeline --sqlite "$fx/db/meta.sqlite" -- --tables "$fx/db/tables" -- --out "$SCRATCH/npy" --group-size 64K >"$SCRATCH/groups.jsonl"
ngroups=$(grep -c '"kind":"group"' "$SCRATCH/groups.jsonl")

# check_placed OUT MODE: every objects path is absolute, under the right key, the same bytes as
# its source; MODE "link" also wants the same inode, "copy" a different one.
check_placed() {
  $PY - "$1" "$2" <<'PY'
import json, os, sys, filecmp
out, mode = sys.argv[1], sys.argv[2]
n = 0
for line in open(out):
    r = json.loads(line)
    if r["kind"] != "group":
        continue
    assert r["storage"]["backend"] == "local", r["storage"]
    for field, src in r["files"].items():
        dst = r["objects"][field]
        want = os.path.join(r["storage"]["dir"], "migration", r["collection"], r["partition"], r["name"], field + ".npy")
        assert os.path.isabs(dst) and dst == want, (dst, want)
        assert filecmp.cmp(src, dst, shallow=False), dst
        same = os.stat(src).st_ino == os.stat(dst).st_ino and os.stat(src).st_dev == os.stat(dst).st_dev
        assert same == (mode == "link"), (mode, dst)
        n += 1
assert n > 0
PY
}

mm-upload -q --backend local --dir "$SCRATCH/milvus" -j 3 "$SCRATCH/groups.jsonl" >"$SCRATCH/up1.jsonl"
check_placed "$SCRATCH/up1.jsonl" link && pass "same file system: hard links with the right keys" || fail "same-fs placement"
[ "$(grep -c '"uploaded":true' "$SCRATCH/up1.jsonl")" -eq "$ngroups" ] && pass "all $ngroups groups uploaded" || fail "uploaded flags"
diff <(grep -v '"kind":"group"' "$SCRATCH/groups.jsonl") <(grep -v '"kind":"group"\|"tool":"mm-upload"' "$SCRATCH/up1.jsonl") >/dev/null &&
  pass "other records pass through unchanged" || fail "pass-through records differ"
grep -q '"kind":"summary","tool":"mm-upload".*"written":'$((ngroups * 2)) "$SCRATCH/up1.jsonl" && pass "summary counts every object" || fail "summary: $(tail -1 "$SCRATCH/up1.jsonl")"

# A rerun writes nothing and keeps the same inodes.
inodes=$(find "$SCRATCH/milvus" -type f -printf '%i %p\n' | sort)
mm-upload -q --backend local --dir "$SCRATCH/milvus" "$SCRATCH/up1.jsonl" >"$SCRATCH/up2.jsonl"
[ "$(grep -c '"uploaded":false' "$SCRATCH/up2.jsonl")" -eq "$ngroups" ] && grep -q '"written":0,' "$SCRATCH/up2.jsonl" &&
  pass "rerun (on its own output) writes nothing" || fail "rerun wrote: $(tail -1 "$SCRATCH/up2.jsonl")"
[ "$inodes" = "$(find "$SCRATCH/milvus" -type f -printf '%i %p\n' | sort)" ] && pass "rerun kept every file" || fail "rerun changed files"
[ "$(grep -c '"kind":"group".*"objects":{' "$SCRATCH/up2.jsonl")" -eq "$ngroups" ] && ! grep -q '"objects":{.*"objects":{' "$SCRATCH/up2.jsonl" &&
  pass "rerun replaces objects instead of adding a second one" || fail "duplicate objects members"

# Across file systems (tmpfs): copies, complete and identical; a rerun compares and writes nothing.
shm=$(mktemp -d /dev/shm/mm-upload-test.XXXXXX 2>/dev/null || true)
if [ -n "$shm" ] && [ "$(stat -c %d "$shm")" != "$(stat -c %d "$SCRATCH")" ]; then
  cleanup_hooks+=("rm -rf '$shm'")
  mm-upload -q --backend local --dir "$shm/milvus" "$SCRATCH/groups.jsonl" >"$SCRATCH/x1.jsonl"
  check_placed "$SCRATCH/x1.jsonl" copy && pass "across file systems: copies with the same bytes" || fail "cross-fs placement"
  mm-upload -q --backend local --dir "$shm/milvus" "$SCRATCH/groups.jsonl" | grep -q '"written":0,' &&
    pass "cross-fs rerun writes nothing" || fail "cross-fs rerun wrote files"
  # A damaged copy (same size, other bytes) is replaced.
  victim=$(find "$shm/milvus" -name data.npy | head -1)
  printf 'XXXX' | dd of="$victim" bs=1 seek=200 conv=notrunc status=none
  mm-upload -q --backend local --dir "$shm/milvus" "$SCRATCH/groups.jsonl" | grep -q '"written":1,' &&
    check_placed "$SCRATCH/x1.jsonl" copy && pass "a damaged copy is rewritten" || fail "damaged copy not repaired"
else
  echo "skip: no second file system at /dev/shm"
fi
[ -z "$(find "$SCRATCH/milvus" ${shm:+"$shm"} -name '.tmp-*' -o -name '.mm-write-probe*')" ] && pass "no temporary files left" || fail "temporary files left"

# Directory checks and usage errors.
expect_error "missing directory with --check-bucket" "$SCRATCH/nowhere: directory does not exist" \
  mm-upload --backend local --dir "$SCRATCH/nowhere" --check-bucket "$SCRATCH/groups.jsonl"
mm-upload -q --backend local --dir "$SCRATCH/made" --create-bucket "$SCRATCH/groups.jsonl" >/dev/null && [ -d "$SCRATCH/made/migration" ] &&
  pass "--create-bucket creates the directory" || fail "--create-bucket"
expect_error "local without --dir" "needs --dir" mm-upload --backend local "$SCRATCH/groups.jsonl"
expect_error "unknown backend" "one of local, s3, gcs, azure" mm-upload --backend ftp "$SCRATCH/groups.jsonl"
expect_error "bad part size" "part-size" mm-upload --backend local --dir "$SCRATCH/m" --part-size 1M "$SCRATCH/groups.jsonl"
echo '{"kind":"group","collection":"c","partition":"p","name":"g","files":{"id":"/nonexistent/id.npy"}}' >"$SCRATCH/bad.jsonl"
expect_error "missing source file" "/nonexistent/id.npy: cannot stat: No such file" \
  mm-upload --backend local --dir "$SCRATCH/m" "$SCRATCH/bad.jsonl"
echo '{"kind":"group","collection":"c/d","partition":"p","name":"g","files":{"id":"/nonexistent/id.npy"}}' >"$SCRATCH/bad.jsonl"
expect_error "collection name with a slash" "cannot be a path segment" mm-upload --backend local --dir "$SCRATCH/m" "$SCRATCH/bad.jsonl"
finish
