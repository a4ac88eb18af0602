#!/usr/bin/env bash
# mm-npy --announce-chunks | mm-upload against a real MinIO: the parts of a group go up while the
# group is written, the objects come out byte for byte with their mm-sha256 (beside them, in
# KEY.mm-sha256), a rerun sends nothing, and an upload cut off before its group record (the
# writer died, or mm-upload was killed) leaves nothing that looks complete; a rerun completes it.
# Every object is checked with the `minio` Python package, never with our code.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/upload_lib.sh"
start_minio
export HOME=$SCRATCH/home
mkdir -p "$HOME"
export AWS_ACCESS_KEY_ID=$access AWS_SECRET_ACCESS_KEY=$secret
export MM_CHECK_PART_SIZE=$((5 << 20))
up() { mm-upload -q --endpoint "$endpoint" --part-size 5M "$@"; }

# 40 MB of 128-d rows with 10% deleted, in 16 MB segments: groups of 6 MB (the first) and 24 MB,
# written in 1 MiB chunks, so that every group's vector file goes in several 5 MiB parts.
$PY "$MM_SRC/tests/fixtures/gen1x.py" --out "$SCRATCH/fx" --profile bench --bench-bytes 40000000 --bench-dim 128 \
  --bench-delete-frac 0.1 --bench-segment-bytes 16000000 >/dev/null
mm-meta -q --sqlite "$SCRATCH/fx/db/meta.sqlite" | mm-scan -q --tables "$SCRATCH/fx/db/tables" >"$SCRATCH/scanned.jsonl"
npy() { mm-npy -q --out "$SCRATCH/npy" --chunk-size 1M --group-size 24M --first-group-size 6M -j 2 "$@" <"$SCRATCH/scanned.jsonl"; }

# Streamed: every multipart object was sent while its file was written (no metadata, the checksum beside it).
up --create-bucket -j 3 <(npy --announce-chunks | tee "$SCRATCH/npy.jsonl") >"$SCRATCH/up1.jsonl" ||
  fail "streamed upload failed"
chunks=$(grep -c '"kind":"chunk"' "$SCRATCH/npy.jsonl" || true)
[ "$chunks" -gt 10 ] && ! grep -q '"kind":"chunk"' "$SCRATCH/up1.jsonl" &&
  pass "mm-npy announced $chunks chunks; mm-upload consumed them" || fail "chunk records: $chunks announced, $(grep -c '"kind":"chunk"' "$SCRATCH/up1.jsonl") passed on"
check_objects s3 "$SCRATCH/up1.jsonl" migration --only-objects --streamed --etags "$SCRATCH/etags1" &&
  pass "objects verified: bytes, sizes, mm-sha256 beside each streamed object; nothing else under the prefix" ||
  fail "streamed objects"
bytes=$($PY -c 'import json,sys; print(sum(json.loads(l)["bytes"] for l in open(sys.argv[1]) if "\"kind\":\"group\"" in l))' "$SCRATCH/up1.jsonl")
grep -q "\"written\":6,\"skipped\":0,\"bytes\":$bytes}" "$SCRATCH/up1.jsonl" &&
  pass "summary counts every byte of the streamed groups ($bytes)" || fail "summary: $(tail -1 "$SCRATCH/up1.jsonl"), groups hold $bytes bytes"

# The same files sent whole (the checksum as metadata) get the same mm-sha256: check_objects expects one rule.
grep -v '"kind":"chunk"' "$SCRATCH/npy.jsonl" | up --prefix whole - >"$SCRATCH/whole.jsonl" &&
  check_objects s3 "$SCRATCH/whole.jsonl" whole --only-objects >/dev/null &&
  pass "files sent whole: the same mm-sha256 rule, as metadata" || fail "whole upload"

# Rerun: mm-npy reuses its groups (no chunks), mm-upload finds every object complete by its checksum object.
up <(npy --announce-chunks) >"$SCRATCH/up2.jsonl"
grep -q '"written":0,' "$SCRATCH/up2.jsonl" && check_objects s3 "$SCRATCH/up2.jsonl" migration --etags "$SCRATCH/etags2" >/dev/null &&
  cmp -s "$SCRATCH/etags1" "$SCRATCH/etags2" && pass "rerun sends nothing and leaves every object as it was" ||
  fail "rerun: $(tail -1 "$SCRATCH/up2.jsonl")"

# Cut off: chunk records of a file being written (a copy of a group's vector file in a temporary
# directory), covering its first two parts, and no group record.
cut_input "$SCRATCH/npy.jsonl"
key=cut/c/_default/g/data.npy
multipart_state() {
  "$CHECK_PY" - "$key" <<'PY'
import os, sys
from minio import Minio
from minio.error import S3Error
c = Minio(os.environ["MM_CHECK_ENDPOINT"], access_key=os.environ["MM_CHECK_ACCESS_KEY"], secret_key=os.environ["MM_CHECK_SECRET_KEY"], secure=False)
key = sys.argv[1]
try:
    c.stat_object("a-bucket", key)
    present = "present"
except S3Error as e:
    present = "absent" if e.code == "NoSuchKey" else e.code
uploads = c._list_multipart_uploads("a-bucket", prefix=key).uploads
parts = sum(len(c._list_parts("a-bucket", key, u.upload_id).parts) for u in uploads)
print(present, len(uploads), parts)
PY
}
# Killed with its parts sent: the upload stays incomplete, invisible.
{ cat "$SCRATCH/cut.jsonl"; sleep 20; } 2>/dev/null |
  mm-upload -q --endpoint "$endpoint" --part-size 5M --prefix cut - >/dev/null 2>"$SCRATCH/kill.err" &
upload_pid=$!
for _ in $(seq 100); do [ "$(multipart_state)" = "absent 1 2" ] && break; sleep 0.1; done
kill -9 "$upload_pid" || fail "mm-upload ended before it was killed: $(cat "$SCRATCH/kill.err")"
wait "$upload_pid" 2>/dev/null || true
state=$(multipart_state)
[ "$state" = "absent 1 2" ] && pass "killed after 2 parts: no object, one incomplete upload of 2 parts" || fail "after kill: $state; $(cat "$SCRATCH/kill.err")"
# The input ends before the group record: one error, the upload abandoned.
expect_error "input ends before the group record" "no group record, e.g. $key" up --prefix cut "$SCRATCH/cut.jsonl"
state=$(multipart_state)
[ "$state" = "absent 1 2" ] && pass "abandoned upload aborted: no object, only the killed upload left ($state)" || fail "after the cut input: $state"
# The rerun, with the group record: complete and verified. Not --streamed: the group record comes
# right after the chunk records here, so its worker may run first and send the file whole.
cut_complete
up --prefix cut <(cat "$SCRATCH/cut.jsonl" "$SCRATCH/cut-group.jsonl") >"$SCRATCH/cut-up.jsonl" &&
  check_objects s3 "$SCRATCH/cut-up.jsonl" cut --only-objects >/dev/null &&
  pass "rerun completes it: bytes and mm-sha256 verified" || fail "rerun of the cut upload"
finish
