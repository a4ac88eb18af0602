#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR disable=SC2015 # pass and fail return 0: A && pass || fail is if-else
# The manifests the tools write, byte for byte: mm-meta (and its meta.json export), mm-scan, mm-npy
# and mm-upload (local) on a generated installation (gen1x.py --seed 5, with partitions, binary
# collections and deletes) and on the real test1w fixture, each stage with -j 1 so the order is
# fixed, paths written as @SCRATCH@ and @FIXTURE@. They are kept in tests/golden/; a change to
# any record shows here as a diff. After a deliberate format change: GOLDEN_UPDATE=1 rewrites them.
source "$(dirname "$0")/lib.sh"
golden=$MM_SRC/tests/golden

# run NAME GROUP_SIZE META_ARGS...: the four stages on a fixture whose tables/ is $tables; compares or updates.
run() {
  local name=$1 size=$2 out=$SCRATCH/$1
  shift 2
  mkdir -p "$out"
  mm-meta -q "$@" --export-json "$out/meta.json" >"$out/meta.jsonl"
  mm-scan -q --tables "$tables" "$out/meta.jsonl" >"$out/scan.jsonl"
  mm-npy -q -j 1 --group-size "$size" --out "$out/npy" "$out/scan.jsonl" >"$out/npy.jsonl"
  mm-upload -q -j 1 --backend local --dir "$out/store" "$out/npy.jsonl" >"$out/upload.jsonl"
  local file
  for file in meta.json meta.jsonl scan.jsonl npy.jsonl upload.jsonl; do
    sed -e "s|$SCRATCH|@SCRATCH@|g" -e "s|$fixture|@FIXTURE@|g" "$out/$file" >"$out/$file.normal"
    if [ "${GOLDEN_UPDATE:-0}" = 1 ]; then
      mkdir -p "$golden/$name"
      cp "$out/$file.normal" "$golden/$name/$file"
    fi
    cmp -s "$out/$file.normal" "$golden/$name/$file" && pass "$name/$file: byte for byte as kept" ||
      fail "$name/$file differs from tests/golden: $(diff "$golden/$name/$file" "$out/$file.normal" | head -n 4)"
  done
}

fixture=$SCRATCH/fx
$PY "$MM_SRC/tests/fixtures/gen1x.py" --out "$fixture" --seed 5 >/dev/null
tables=$fixture/db/tables
run gen1x-seed5 8K --sqlite "$fixture/db/meta.sqlite"
# Many writers read through smaller windows (window_bytes): the same files, byte for byte.
mm-npy -q -j 128 --group-size 8K --chunk-size 4K --out "$SCRATCH/many" "$SCRATCH/gen1x-seed5/scan.jsonl" >/dev/null
(cd "$SCRATCH/gen1x-seed5/npy" && find . -name '*.npy' | sort | xargs sha256sum) >"$SCRATCH/one.sums"
(cd "$SCRATCH/many" && find . -name '*.npy' | sort | xargs sha256sum) >"$SCRATCH/many.sums"
[ -s "$SCRATCH/one.sums" ] && cmp -s "$SCRATCH/one.sums" "$SCRATCH/many.sums" &&
  pass "mm-npy -j 128 (256 KiB windows, 4K chunks) writes the files of -j 1, byte for byte ($(wc -l <"$SCRATCH/one.sums") files)" ||
  fail "mm-npy -j 128 differs from -j 1: $(diff "$SCRATCH/one.sums" "$SCRATCH/many.sums" | head -n 4)"

fixture=$(cd "$MM_SRC/../shared/fixtures/milvus1x-test1w" && pwd)
tables=$fixture/tables
run test1w 2M --meta-json "$fixture/meta.json"
finish
