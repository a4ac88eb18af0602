#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR disable=SC2015 # pass and fail return 0: A && pass || fail is if-else
# mm-manifest on real manifests of a generated installation (no server): merge adds two halves'
# summaries up to the summary of one run; select keeps some collections and refuses an unknown one
# before printing; table and totals agree with mm-npy --plan; report is ok only when every
# partition imported its live rows (exit 3 otherwise). jq is the independent checker.
source "$(dirname "$0")/lib.sh"

fx=$SCRATCH/fx
$PY "$MM_SRC/tests/fixtures/gen1x.py" --out "$fx" --seed 11 >/dev/null
mm-meta -q --sqlite "$fx/db/meta.sqlite" | mm-scan -q --tables "$fx/db/tables" >"$SCRATCH/scan.jsonl"
collections=$(jq -r 'select(.kind == "collection") | .collection' "$SCRATCH/scan.jsonl")
first=$(head -n 1 <<<"$collections")
[ "$(wc -l <<<"$collections")" -ge 2 ] || fail "the fixture has fewer than 2 collections"

# --- merge: the whole converted once, against its two halves converted apart and merged.
mm-npy -q -j 1 --group-size 8K --out "$SCRATCH/all" "$SCRATCH/scan.jsonl" >"$SCRATCH/all.jsonl"
mm-manifest select --collections "$first" "$SCRATCH/scan.jsonl" | mm-npy -q -j 1 --group-size 8K --out "$SCRATCH/a" >"$SCRATCH/halves.jsonl"
rest=$(tail -n +2 <<<"$collections" | paste -sd, -)
mm-manifest select --collections "$rest" "$SCRATCH/scan.jsonl" | mm-npy -q -j 1 --group-size 8K --out "$SCRATCH/b" >>"$SCRATCH/halves.jsonl"
mm-manifest merge "$SCRATCH/halves.jsonl" >"$SCRATCH/merged.jsonl"
npy_summary() { jq -c 'select(.kind == "summary" and .tool == "mm-npy") | del(.reused_groups)' "$1"; }
[ "$(grep -c '"tool":"mm-npy"' "$SCRATCH/merged.jsonl")" = 1 ] && [ "$(npy_summary "$SCRATCH/merged.jsonl")" = "$(npy_summary "$SCRATCH/all.jsonl")" ] &&
  pass "merge: two halves' mm-npy summaries add up to one run's ($(npy_summary "$SCRATCH/all.jsonl" | head -c 80)...)" ||
  fail "merge: $(npy_summary "$SCRATCH/merged.jsonl") against $(npy_summary "$SCRATCH/all.jsonl")"
[ "$(jq -c 'select(.kind == "group") | .name' "$SCRATCH/merged.jsonl" | sort)" = "$(jq -c 'select(.kind == "group") | .name' "$SCRATCH/halves.jsonl" | sort)" ] &&
  pass "merge: every group record passes through" || fail "merge lost or added group records"

# --- select
kinds=$(mm-manifest select --collections "$first" "$SCRATCH/scan.jsonl" | jq -r 'select(.collection != null) | .collection' | sort -u)
[ "$kinds" = "$first" ] && pass "select: only $first's records" || fail "select: collections $kinds"
out=$SCRATCH/select.out
expect_error "select: an unknown collection" "collections not in .*scan.jsonl: nope" \
  mm-manifest select --collections "$first,nope" "$SCRATCH/scan.jsonl"
mm-manifest select --collections "$first,nope" "$SCRATCH/scan.jsonl" >"$out" 2>/dev/null || true
[ ! -s "$out" ] && pass "select: nothing printed before the refusal" || fail "select printed $(wc -l <"$out") lines before refusing"

# --- table and totals against mm-npy --plan
mm-npy -q --plan --group-size 8K "$SCRATCH/scan.jsonl" >"$SCRATCH/plan.jsonl"
live=$(jq -s 'map(.live) | add' "$SCRATCH/plan.jsonl")
[ "$(mm-manifest table "$SCRATCH/plan.jsonl" | awk '$1 == "total" { print $3 }')" = "$live" ] &&
  pass "table: total $live live rows" || fail "table: $(mm-manifest table "$SCRATCH/plan.jsonl")"
[ "$(mm-manifest totals "$SCRATCH/plan.jsonl" | jq -c .)" = "$(jq -sc '{rows: (map(.live) | add), bytes: (map(.bytes) | add), groups: (map(.groups) | add)}' "$SCRATCH/plan.jsonl")" ] &&
  pass "totals: as the plan records add up" || fail "totals: $(mm-manifest totals "$SCRATCH/plan.jsonl")"

# --- report: an mm-bulkinsert summary made from the plan; then one partition one row short.
summary() { # DELTA: every partition imported its live rows, the first DELTA rows off
  jq -sc --argjson d "$1" '{kind: "summary", tool: "mm-bulkinsert", server: "h:1", server_version: "2.3.5", imported_rows: (map(.live) | add),
    partitions: [to_entries[] | .value as $p | ($p.live + (if .key == 0 then $d else 0 end)) as $n
                 | {collection: $p.collection, partition: $p.partition, imported: $n, rows: $n, visible: $n, ok: true}]}' "$SCRATCH/plan.jsonl"
}
printf 'mm-meta\t1.0\t2.5\t0\n' >"$SCRATCH/stages.tsv"
rc=0
{ cat "$SCRATCH/plan.jsonl"; summary 0; } | mm-manifest report -q -o "$SCRATCH/report.json" --stages "$SCRATCH/stages.tsv" || rc=$?
[ "$rc" = 0 ] && jq -e --argjson live "$live" '.ok and .totals.imported == $live and .stages[0].seconds == 1.5' "$SCRATCH/report.json" >/dev/null &&
  pass "report: ok, $live imported, stage seconds" || fail "report (exit $rc): $(cat "$SCRATCH/report.json")"
rc=0
{ cat "$SCRATCH/plan.jsonl"; summary -1; } | mm-manifest report -q -o "$SCRATCH/short.json" || rc=$?
[ "$rc" = 3 ] && jq -e '(.ok | not) and (.partitions[0].ok | not) and ([.partitions[1:][] | .ok] | all)' "$SCRATCH/short.json" >/dev/null &&
  pass "report: a partition one row short is not ok (exit 3)" || fail "report one row short (exit $rc): $(cat "$SCRATCH/short.json")"
expect_error "report: no mm-bulkinsert summary" "no mm-bulkinsert summary" mm-manifest report -o "$SCRATCH/none.json" "$SCRATCH/plan.jsonl"
finish
