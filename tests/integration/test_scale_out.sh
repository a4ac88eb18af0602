#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR disable=SC2015,SC2154 # A && pass || fail is if-else; minio, endpoint, access, secret: start_minio
# Scale-out with GNU parallel (README "Scale-out with GNU parallel"): the conversion and upload
# fanned out over workers give exactly the result of one mm-npy | mm-upload.
#
# A generated 1.x installation (gen1x.py edge: float and binary collections, partitions with
# awkward tags, deletes, an empty collection) is converted and uploaded into a real MinIO four
# times, each under its own key prefix:
#   one    the plain pipe, one mm-npy | mm-upload (the reference)
#   two    the recipe: mm-fanout split | parallel -j2 --pipe ... | mm-fanout merge | mm-bulkinsert
#          into a real Milvus 2.3 keeping its data in that MinIO
#   three  the same with --sshlogin 2/: (the local host in parallel's ssh form)
#   four   the ssh form through two "hosts": parallel's real remote path (its perl worker fed
#          over the ssh pipe) with a stand-in for ssh that runs the command here in an empty
#          environment, so the keys must come from the host's credentials file (only its path
#          travels, with --env), and each host writes its own .npy directory
# Checked: the same group records (ignoring order, paths and the prefix), one summary per tool
# equal to the reference's, byte-identical .npy files and objects (independent minio client),
# no stray object, every group bit-exact against the generator's truth (NumPy); then pymilvus:
# exact counts per partition, every id read back bit-exact. A merged manifest with one summary
# per job imports nothing twice; a group ahead of its collection is refused (why -k).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/milvus_lib.sh"
source "$(dirname "$0")/upload_lib.sh"
ensure_test_servers
command -v parallel >/dev/null || { echo "FAIL: GNU parallel is not installed (scripts/install-deps.sh)" >&2; exit 1; }
FANOUT=$MM_SRC/scripts/mm-fanout
started=$SECONDS

start_minio
bucket=$(cat "$minio/bucket")
export AWS_ACCESS_KEY_ID=$access AWS_SECRET_ACCESS_KEY=$secret MM_CHECK_BUCKET=$bucket
secrets=("$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY")

# Milvus starts in the background while the conversions run (test-milvus.sh start waits until
# it is healthy); the stop hook is registered here.
milvus=$SCRATCH/milvus
mkdir -p "$milvus"
cleanup_hooks+=("'$MM_SRC/scripts/test-milvus.sh' stop '$milvus' >/dev/null 2>&1")
"$MM_SRC/scripts/test-milvus.sh" start "$milvus" minio "$minio" >"$SCRATCH/milvus-start.log" 2>&1 &
milvus_starting=$!

fx=$SCRATCH/fx
$PY "$MM_SRC/tests/fixtures/gen1x.py" --out "$fx" --seed 21 >/dev/null
# Small groups, so that groups span segments and segments span groups: a split that moved a
# group boundary would show.
GROUP=8K
meta() { mm-meta -q --sqlite "$fx/db/meta.sqlite" | mm-scan -q --tables "$fx/db/tables"; }
upload() { mm-upload -q --endpoint "$endpoint" --bucket "$bucket" --prefix "$1"; }

# one: the reference.
meta | mm-npy -q --out "$SCRATCH/npy-one" --group-size "$GROUP" -j 2 | upload one >"$SCRATCH/one.jsonl" &&
  pass "one worker: $(grep -c '"kind":"group"' "$SCRATCH/one.jsonl") groups" || fail "the one-worker pipe failed"

# The recipe, as in the README; $1 names the run, the rest are parallel's options. What the
# workers wrote, before mm-fanout merge, is kept in $run.raw.
fanout() {
  local run=$1
  shift
  meta | "$FANOUT" split |
    parallel --will-cite --pipe --recend '\n\n' -N1 -k "$@" \
      "mm-npy -q --out $SCRATCH/npy-$run${HOSTDIR:-} --group-size $GROUP -j 1 | mm-upload -q --endpoint $endpoint --bucket $bucket --prefix $run" |
    tee "$SCRATCH/$run.raw" | "$FANOUT" merge
}

# three: the --sshlogin form on the local host.
fanout three --sshlogin 2/: >"$SCRATCH/three.jsonl" && pass "parallel --sshlogin 2/: ran" || fail "parallel --sshlogin 2/: failed"

# four: two hosts through parallel's ssh path. The stand-in for ssh runs the command like a
# login shell on another host would: an empty environment, the tools on PATH, nothing inherited.
cat >"$SCRATCH/loopssh" <<EOF
#!/usr/bin/env bash
while [ "\${1#-}" != "\$1" ]; do shift; done  # ssh options
host=\$1
shift
[ "\${1:-}" = -- ] && shift
echo "\$host" >>"$SCRATCH/ssh-hosts"
echo "\$*" >>"$SCRATCH/ssh-argv"
exec env -i HOME="\$HOME" SHELL=/bin/bash PATH="$MM_BIN:/usr/bin:/bin" bash -c "\$*"
EOF
chmod +x "$SCRATCH/loopssh"
creds=$SCRATCH/host-credentials
(umask 077 && printf '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" >"$creds")
# The keys stay out of every environment and command line; only the file's path travels.
four() (
  unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
  export AWS_SHARED_CREDENTIALS_FILE=$creds
  # shellcheck disable=SC2016 # expanded on the host: each host writes its own directory
  HOSTDIR='/$PARALLEL_SSHHOST'
  fanout four --ssh "$SCRATCH/loopssh" -S 1/hostA,1/hostB --env AWS_SHARED_CREDENTIALS_FILE
)
four >"$SCRATCH/four.jsonl" 2>"$SCRATCH/four.err" &
pid=$!
watch_cmdlines "$pid" "${secrets[@]}"
wait "$pid" && pass "two ssh hosts (keys from each host's credentials file)" || fail "the ssh form failed: $(cat "$SCRATCH/four.err")"
parts() { find "$SCRATCH/npy-four/$1" -mindepth 2 -maxdepth 2 -type d | wc -l; }
hosts=$(sort -u "$SCRATCH/ssh-hosts" 2>/dev/null | tr '\n' ' ')
[ "$hosts" = "hostA hostB " ] && [ -d "$SCRATCH/npy-four/hostA" ] && [ -d "$SCRATCH/npy-four/hostB" ] &&
  pass "both hosts got work: $(parts hostA) and $(parts hostB) partitions" ||
  fail "ssh hosts used: '$hosts'"

# What travelled on ssh's command line (parallel packs the command and the --env variables
# into a hex word): the credentials file's path, never a key. A variable given with --env is
# there in the clear, readable by anyone on either host with ps: shown with a dummy value.
unhex() { perl -ne 'for (split) { print pack("H*", $_), "\n" if /^[0-9a-f]{64,}$/ }' "$1"; }
unhex "$SCRATCH/ssh-argv" >"$SCRATCH/ssh-argv.out"
grep -qF "$creds" "$SCRATCH/ssh-argv.out" && pass "--env AWS_SHARED_CREDENTIALS_FILE: the path reached the hosts" ||
  fail "the credentials file's path is not in the ssh command"
no_secret_in "ssh command lines" "$SCRATCH/ssh-argv.out" "${secrets[@]}"
dummy=dummy-$RANDOM-$RANDOM
: >"$SCRATCH/ssh-argv"
echo | DUMMY=$dummy parallel --will-cite --pipe --ssh "$SCRATCH/loopssh" -S 1/hostC --env DUMMY 'cat >/dev/null'
unhex "$SCRATCH/ssh-argv" | grep -qF "$dummy" && pass "--env VAR puts VAR's value on ssh's command line: never --env a secret" ||
  fail "--env DUMMY: value not found on ssh's command line"

# Milvus 2.3 up, then two: the whole recipe into it, mm-bulkinsert once at the end.
if wait "$milvus_starting"; then
  pass "Milvus 2.3 with MinIO storage started"
else
  fail "Milvus did not start: $(tail -n 5 "$SCRATCH/milvus-start.log")"
  finish
fi
port=$(cat "$milvus/port")
bulk() {
  mm-bulkinsert -q --address "127.0.0.1:$port" --journal "$SCRATCH/journal" --poll-interval 0.3 --stall-timeout 120 -j 3 "$@"
}
two() { fanout two -j2 | bulk --create-index --verify-sample 20; }
two >"$SCRATCH/two.jsonl" 2>"$SCRATCH/two.err" &
pid=$!
watch_cmdlines "$pid" "${secrets[@]}"
wait "$pid" && pass "the recipe with parallel -j2, imported by one mm-bulkinsert" || fail "the recipe failed: $(cat "$SCRATCH/two.err")"

# The same group records: everything but the paths (dir, files: other --out), the prefix in
# the object keys, and what mm-bulkinsert added (import).
groups_of() {
  jq -c --arg p "$2" 'select(.kind == "group") | del(.dir, .files, .reused, .import)
    | .objects |= with_entries(.value |= (if startswith($p + "/") then .[($p | length) + 1:] else "WRONG PREFIX " + . end))' "$1" | sort
}
summary_of() { grep "\"kind\":\"summary\",\"tool\":\"$2\"" "$1" || true; }
groups_of "$SCRATCH/one.jsonl" one >"$SCRATCH/one.groups"
n=$(wc -l <"$SCRATCH/one.groups")
want=$(summary_of "$SCRATCH/one.jsonl" mm-npy | jq .groups)
[ "$n" -gt 20 ] && [ "$n" = "$want" ] && grep -q '"segment_id".*"segment_id"' "$SCRATCH/one.groups" &&
  pass "reference: $n groups, some spanning segments" || fail "reference: $n group records, its summary says $want"
for run in two three four; do
  groups_of "$SCRATCH/$run.jsonl" "$run" >"$SCRATCH/$run.groups"
  cmp -s "$SCRATCH/one.groups" "$SCRATCH/$run.groups" && pass "$run: the same $n group records as one worker" ||
    fail "$run: group records differ: $(diff "$SCRATCH/one.groups" "$SCRATCH/$run.groups" | head -c 600)"
  for tool in mm-scan mm-npy mm-upload; do
    one=$(summary_of "$SCRATCH/one.jsonl" $tool)
    got=$(summary_of "$SCRATCH/$run.jsonl" $tool)
    [ -n "$one" ] && [ "$one" = "$got" ] && pass "$run: one $tool summary, equal to one worker's" ||
      fail "$run: $tool summary: $got, one worker: $one"
  done
  [ "$(grep -c '"kind":"collection"' "$SCRATCH/$run.jsonl")" = "$(grep -c '"kind":"collection"' "$SCRATCH/one.jsonl")" ] &&
    [ "$(grep -c '"kind":"partition"' "$SCRATCH/$run.jsonl")" = "$(grep -c '"kind":"partition"' "$SCRATCH/one.jsonl")" ] &&
    pass "$run: every collection and partition record, once" || fail "$run: collection or partition records lost or repeated"
done
cuts=$(grep -c '^$' <("$FANOUT" split <(meta)) || true)
[ "$cuts" -ge 8 ] && pass "mm-fanout split: $((cuts + 1)) chunks, one per partition with rows" || fail "mm-fanout split: $cuts cuts"

# Byte-identical files: the reference's tree, the -j2 one's, and the two hosts' trees together.
diff -r "$SCRATCH/npy-one" "$SCRATCH/npy-two" >/dev/null && diff -r "$SCRATCH/npy-one" "$SCRATCH/npy-three" >/dev/null &&
  pass "the .npy trees of one worker, -j2 and --sshlogin 2/: are byte-identical" || fail "the .npy trees differ"
mkdir "$SCRATCH/npy-four-both"
cp -r "$SCRATCH/npy-four/hostA/." "$SCRATCH/npy-four/hostB/." "$SCRATCH/npy-four-both/"
diff -r "$SCRATCH/npy-one" "$SCRATCH/npy-four-both" >/dev/null && pass "the two hosts' .npy trees together are byte-identical to one worker's" ||
  fail "the two hosts' .npy trees differ from one worker's"
$PY "$MM_SRC/tests/integration/check_groups.py" "$SCRATCH/two.jsonl" "$fx" >"$SCRATCH/check-groups.out" &&
  pass "two: $(tail -n 1 "$SCRATCH/check-groups.out")" || fail "check_groups: $(head -n 5 "$SCRATCH/check-groups.out")"

# Objects, with the minio package: each prefix holds exactly its manifest's objects, each the
# bytes of its local file; and the four prefixes hold the same keys with the same bytes.
for run in one two three four; do
  check_objects s3 "$SCRATCH/$run.jsonl" "$run" --only-objects >"$SCRATCH/objects-$run.out" 2>&1 &&
    pass "$run: objects match their files, no stray object" || fail "$run objects: $(head -n 3 "$SCRATCH/objects-$run.out")"
done
"$CHECK_PY" - one two three four <<'PY' >"$SCRATCH/objects.out" && pass "$(cat "$SCRATCH/objects.out")" || fail "objects across prefixes: $(head -n 5 "$SCRATCH/objects.out")"
import hashlib, os, sys
from minio import Minio
c = Minio(os.environ["MM_CHECK_ENDPOINT"], access_key=os.environ["MM_CHECK_ACCESS_KEY"],
          secret_key=os.environ["MM_CHECK_SECRET_KEY"], secure=False)
bucket = os.environ["MM_CHECK_BUCKET"]
def digests(prefix):
    out = {}
    for o in c.list_objects(bucket, prefix=prefix + "/", recursive=True):
        r = c.get_object(bucket, o.object_name)
        try:
            out[o.object_name[len(prefix) + 1:]] = hashlib.sha256(r.read()).hexdigest()
        finally:
            r.close(); r.release_conn()
    return out
ref = digests(sys.argv[1])
bad = [p for p in sys.argv[2:] if digests(p) != ref]
if not ref or bad:
    print(f"{len(ref)} objects under {sys.argv[1]}/; differing prefixes: {bad}")
    sys.exit(1)
print(f"{len(ref)} objects, byte-identical under {', '.join(sys.argv[1:])}")
PY

# Milvus: mm-bulkinsert's own count check, then pymilvus.
summary=$(summary_of "$SCRATCH/two.jsonl" mm-bulkinsert)
rows=$(summary_of "$SCRATCH/one.jsonl" mm-npy | jq .rows)
[ "$(jq .imported_rows <<<"$summary")" = "$rows" ] && [ "$(jq .imported_groups <<<"$summary")" = "$n" ] &&
  [ "$(jq '[.partitions[] | select(.ok != true)] | length' <<<"$summary")" = 0 ] &&
  [ "$(tail -n 1 "$SCRATCH/two.jsonl" | jq -r .tool)" = mm-bulkinsert ] &&
  pass "mm-bulkinsert: $n groups, $rows rows, every partition count ok" || fail "mm-bulkinsert summary: $summary"
check_milvus "$port" "$SCRATCH/two.jsonl" "$fx" >"$SCRATCH/check-milvus.out" &&
  pass "pymilvus: exact counts, $(tail -n 1 "$SCRATCH/check-milvus.out")" || fail "pymilvus: $(head -n 5 "$SCRATCH/check-milvus.out")"

# The --sshlogin 2/: run's manifest as its workers wrote it, unmerged (a summary per job and
# tool), objects under another prefix: mm-bulkinsert takes it, and its journal imports nothing
# twice.
summaries=$(grep -c '"kind":"summary","tool":"mm-npy"' "$SCRATCH/three.raw" || true)
bulk "$SCRATCH/three.raw" >"$SCRATCH/again.jsonl" 2>"$SCRATCH/again.err" &&
  summary=$(summary_of "$SCRATCH/again.jsonl" mm-bulkinsert) &&
  [ "$summaries" -gt 1 ] && [ "$(jq .imported_groups <<<"$summary")" = 0 ] && [ "$(jq .earlier_groups <<<"$summary")" = "$n" ] &&
  [ "$(jq '[.partitions[] | select(.ok != true)] | length' <<<"$summary")" = 0 ] &&
  pass "an unmerged manifest ($summaries mm-npy summaries) is accepted; all $n groups known from the journal, none imported again" ||
  fail "unmerged manifest: $(cat "$SCRATCH/again.err") ${summary:-}"

# Without -k, a job's groups can come out ahead of the collection record another job carries:
# mm-bulkinsert refuses that order.
{ grep -m1 '"kind":"group","collection":"films_l2"' "$SCRATCH/one.jsonl"; grep -v '"kind":"group"' "$SCRATCH/one.jsonl"; } >"$SCRATCH/disorder.jsonl"
expect_error "a group ahead of its collection record" "arrives before its collection record" \
  mm-bulkinsert -q --address "127.0.0.1:$port" --journal "$SCRATCH/journal-disorder" "$SCRATCH/disorder.jsonl"

cat "$SCRATCH"/*.jsonl "$SCRATCH"/*.err "$SCRATCH"/*.out >"$SCRATCH/all-output"
no_secret_in "manifests, errors and checker output" "$SCRATCH/all-output" "${secrets[@]}"
echo "elapsed: $((SECONDS - started)) s"
finish
