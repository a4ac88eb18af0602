#!/usr/bin/env bash
# The whole source side into a real Milvus 2.3 (or 2.2: MM_TEST_MILVUS_VERSION) standalone with
# local storage: every row arrives exactly once (checked with pymilvus), reruns and kill -9 import
# nothing twice, and failures are clear errors with a non-zero exit.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/milvus_lib.sh"
start_milvus "$SCRATCH/milvus" local
port=$(cat "$SCRATCH/milvus/port")
addr=127.0.0.1:$port
fx=$SCRATCH/fx
$PY "$MM_SRC/tests/fixtures/gen1x.py" --out "$fx" --seed 5 >/dev/null
pipeline --sqlite "$fx/db/meta.sqlite" -- --tables "$fx/db/tables" -- --out "$SCRATCH/npy" --group-size 8K >"$SCRATCH/groups.jsonl"
bulk() { mm-bulkinsert -q --address "$addr" --poll-interval 0.3 "$@"; }

# kill -9 at random moments while importing; each rerun picks up from the journal.
journal=$SCRATCH/journal
for delay in 0.4 1.1 2.3 3.7; do
  mm-bulkinsert -q --address "$addr" --poll-interval 0.3 --journal "$journal" -j 3 "$SCRATCH/groups.jsonl" >/dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
done
grep -q '"event":"submitted"' "$journal" && pass "kill -9 left submitted imports in the journal" || fail "nothing was submitted before the kills"
grep -vq '"time":"[0-9-]*T[0-9:.]*Z"}$' "$journal" && fail "journal entry without its time: $(grep -vm1 '"time":' "$journal")" || pass "every journal entry has its time"
bulk --journal "$journal" -j 3 --create-index --verify-sample 200 "$SCRATCH/groups.jsonl" >"$SCRATCH/out.jsonl" &&
  pass "rerun after 4 kill -9 completes and verifies" || fail "rerun after kills failed"
tail -n 1 "$SCRATCH/out.jsonl" | grep -q '"kind":"summary".*"ok":true' && ! tail -n 1 "$SCRATCH/out.jsonl" | grep -q '"ok":false' &&
  pass "summary: every partition count ok" || fail "summary: $(tail -n 1 "$SCRATCH/out.jsonl")"
check_milvus "$port" "$SCRATCH/groups.jsonl" "$fx" && pass "pymilvus: exact counts, every id read back bit-exact" || fail "pymilvus check"

# A second run on the same journal while one is running is refused.
# (The first run waits for its input on a pipe held open here.)
mkfifo "$SCRATCH/held"
mm-bulkinsert -q --address "$addr" --journal "$journal" "$SCRATCH/held" >/dev/null 2>&1 &
pid=$!
exec 9>"$SCRATCH/held"
sleep 1
expect_error "journal in use" "the import journal is in use by another mm-bulkinsert" mm-bulkinsert --address "$addr" --journal "$journal" "$SCRATCH/groups.jsonl"
exec 9>&-
wait "$pid"

# Another rerun imports nothing.
bulk --journal "$journal" "$SCRATCH/groups.jsonl" >"$SCRATCH/again.jsonl"
[ "$(grep -c '"earlier_run":true' "$SCRATCH/again.jsonl")" = "$(grep -c '"kind":"group"' "$SCRATCH/groups.jsonl")" ] &&
  grep -q '"imported_groups":0' "$SCRATCH/again.jsonl" && pass "rerun imports nothing" || fail "rerun imported again"
check_milvus "$port" "$SCRATCH/groups.jsonl" "$fx" >/dev/null && pass "counts unchanged after the rerun" || fail "counts changed"

# The one sampler fails when it must: with every vector of the groups' data.npy zeroed,
# --verify-sample names a row whose vector in Milvus differs; with every .rv of the 1.x files
# zeroed, mm-verify --sample likewise (the rows in Milvus are the real ones).
cp -r "$SCRATCH/npy" "$SCRATCH/npy-zeroed"
sed "s|$SCRATCH/npy/|$SCRATCH/npy-zeroed/|g" "$SCRATCH/groups.jsonl" >"$SCRATCH/zeroed.jsonl"
cp -r "$fx" "$SCRATCH/fx-zeroed"
$PY - "$SCRATCH/npy-zeroed" "$SCRATCH/fx-zeroed/db/tables" <<'PY'
import os, sys
def zero(path, keep):
    size = os.path.getsize(path)
    with open(path, "r+b") as f:
        f.seek(keep)
        f.write(bytes(size - keep))
for root, _, files in os.walk(sys.argv[1]):
    for name in files:
        if name.endswith(".npy") and "data" in name:
            path = os.path.join(root, name)
            head = open(path, "rb").read(12)
            zero(path, 10 + int.from_bytes(head[8:10], "little"))
for root, _, files in os.walk(sys.argv[2]):
    for name in files:
        if name.endswith(".rv"):
            zero(os.path.join(root, name), 8)
PY
expect_error "--verify-sample reads the groups" "verify-sample: .* id [0-9-]*: the vector in Milvus differs from the source" \
  mm-bulkinsert --address "$addr" --journal "$journal" --verify-sample 20 "$SCRATCH/zeroed.jsonl"
mm-meta -q --sqlite "$SCRATCH/fx-zeroed/db/meta.sqlite" | mm-scan -q --tables "$SCRATCH/fx-zeroed/db/tables" >"$SCRATCH/zeroed-scan.jsonl"
expect_error "mm-verify --sample reads the 1.x files" "id [0-9-]*: the vector differs from the 1.x files" \
  mm-verify --address "$addr" --journal "$journal" --sample 20 "$SCRATCH/zeroed-scan.jsonl"

# Groups cut differently from the journal's would import rows twice: refused.
mm-scan -q --tables "$fx/db/tables" <(mm-meta -q --sqlite "$fx/db/meta.sqlite") | mm-npy -q --out "$SCRATCH/npy2" >"$SCRATCH/regrouped.jsonl"
expect_error "regrouped rows refused" "holds other rows than the group of that name" mm-bulkinsert --address "$addr" --journal "$journal" "$SCRATCH/regrouped.jsonl"

# The journal belongs to one server.
expect_error "journal of another server" "this journal belongs to Milvus" mm-bulkinsert --address "localhost:$port" --journal "$journal" "$SCRATCH/groups.jsonl"

# An import that fails on the server: its file is gone. The reason is shown; a rerun after the fix completes.
fx2=$SCRATCH/fx2
$PY "$MM_SRC/tests/fixtures/gen1x.py" --out "$fx2" --seed 6 >/dev/null
mm-meta -q --sqlite "$fx2/db/meta.sqlite" --collections docs_ip | mm-scan -q --tables "$fx2/db/tables" |
  mm-npy -q --out "$SCRATCH/npy3" >"$SCRATCH/docs.jsonl"
$VENV_PY - "$port" <<'PY'
import sys
from pymilvus import connections, utility
connections.connect(uri=f"http://127.0.0.1:{sys.argv[1]}")
utility.drop_collection("docs_ip")
PY
victim=$(grep -o '"data":"[^"]*"' "$SCRATCH/docs.jsonl" | head -n 1 | cut -d'"' -f4)
mv "$victim" "$victim.away"
expect_error "import failing on the server" "failed: " mm-bulkinsert --address "$addr" --journal "$SCRATCH/j2" --poll-interval 0.3 "$SCRATCH/docs.jsonl"
grep -q '"event":"failed"' "$SCRATCH/j2" && pass "failed import journaled" || fail "failed import not journaled"
mv "$victim.away" "$victim"
bulk --journal "$SCRATCH/j2" "$SCRATCH/docs.jsonl" >/dev/null && pass "rerun after the fix completes and verifies" || fail "rerun after fixing the file"

# --database: created when missing; the collection lands there and nowhere else.
MM_CHECK_DB=mm_db mm-bulkinsert -q --address "$addr" --database mm_db --journal "$SCRATCH/j5" --poll-interval 0.3 "$SCRATCH/docs.jsonl" >/dev/null &&
  $VENV_PY - "$port" <<'PY' && pass "--database creates the database and imports into it" || fail "--database"
import sys
from pymilvus import Collection, connections, db, utility
connections.connect(uri=f"http://127.0.0.1:{sys.argv[1]}")
assert "mm_db" in db.list_database(), db.list_database()
db.using_database("mm_db")
assert utility.list_collections() == ["docs_ip"], utility.list_collections()
assert Collection("docs_ip").num_entities == 685, Collection("docs_ip").num_entities
PY

# An existing collection with another dimension is refused.
sed 's/"collection":"bits_jac","dim":64/"collection":"bits_jac","dim":128/' "$SCRATCH/groups.jsonl" | grep '"kind":"collection","collection":"bits_jac"' >"$SCRATCH/bad-dim.jsonl"
expect_error "dimension mismatch" "collection bits_jac exists with an incompatible schema: field data is not a BinaryVector of dim 128" \
  mm-bulkinsert --address "$addr" --journal "$SCRATCH/j3" "$SCRATCH/bad-dim.jsonl"

# Through mm-upload: the probe imports a 2-row group from where mm-upload put the files, then
# removes it and its throw-away collection, before the first real import.
mm-upload -q --backend local --dir "$SCRATCH/import" "$SCRATCH/docs.jsonl" >"$SCRATCH/docs-up.jsonl"
mm-bulkinsert --address "$addr" --poll-interval 0.3 --database probe_db --journal "$SCRATCH/j6" "$SCRATCH/docs-up.jsonl" >/dev/null 2>"$SCRATCH/probe.err" &&
  grep -q "probe: Milvus 2\.[23]\.[0-9]* imported a probe group written to $SCRATCH/import" "$SCRATCH/probe.err" &&
  pass "the probe ran before the first import" || fail "probe: $(grep -E 'probe|error' "$SCRATCH/probe.err")"
left=$(find "$SCRATCH/import" -name '.mm-probe*'; $VENV_PY - "$port" <<'PY'
import sys
from pymilvus import connections, utility
connections.connect(uri=f"http://127.0.0.1:{sys.argv[1]}", db_name="probe_db")
print("\n".join(c for c in utility.list_collections() if c.startswith("mm_probe_")))
PY
)
[ -z "$left" ] && pass "the probe left no file or collection" || fail "probe leftovers: $left"

expect_error "Milvus down" "milvus 127.0.0.1:1: GetVersion: server unavailable" mm-bulkinsert --address 127.0.0.1:1 --timeout 5 --journal "$SCRATCH/j4" "$SCRATCH/groups.jsonl"
finish
