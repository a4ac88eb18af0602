#!/usr/bin/env bash
# Runs every libFuzzer target of build-fuzz/ for FUZZ_SECONDS each, with ASan, UBSan and leak
# detection, and prints per target: seconds, runs, corpus size, coverage (cov/ft) and findings.
# Exits 1 when any target found something (crash, sanitizer report, leak, timeout, out of memory).
#
#   FUZZ_SECONDS=60       per target
#   FUZZ_JOBS=1           targets run at once (each is one process)
#   FUZZ_BUILD=build-fuzz the MM_FUZZ=ON build directory
#   FUZZ_TARGETS="..."    a subset (default: every fuzz_* in FUZZ_BUILD)
#   FUZZ_WORK=$FUZZ_BUILD/fuzz-work   grown corpora (kept between runs) and findings
#   FUZZ_TIMEOUT=10 FUZZ_RSS_MB=2048  per input: seconds, and memory of the process
#   FUZZ_FLAGS="..."      more libFuzzer flags for every target
# The committed seeds (tests/fuzz/corpus/<target>) are read, never written.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-1}
build=$(cd "${FUZZ_BUILD:-$src/build-fuzz}" && pwd)
work=${FUZZ_WORK:-$build/fuzz-work}
mkdir -p "$work"
work=$(cd "$work" && pwd)
targets=${FUZZ_TARGETS:-}
if [ -z "$targets" ]; then
  for f in "$build"/fuzz_*; do
    [ -f "$f" ] && [ -x "$f" ] && targets+=" ${f##*/}"
  done
fi
[ -n "$targets" ] || { echo "fuzz: no targets in $build (cmake -DMM_FUZZ=ON)" >&2; exit 2; }

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:suppressions=$src/tests/fuzz/ubsan.supp}

# shellcheck disable=SC2317,SC2086  # run by xargs through bash -c; FUZZ_FLAGS is a list of flags
run_one() {
  local t=$1
  local corpus=$work/corpus/$t findings=$work/findings/$t log=$work/$t.log
  mkdir -p "$corpus" "$findings"
  local seeds=()
  [ -d "$src/tests/fuzz/corpus/$t" ] && seeds=("$src/tests/fuzz/corpus/$t")
  local start=$SECONDS rc=0
  # The working directory is the findings directory: libFuzzer leaves nothing else there.
  (cd "$findings" && nice -n 10 "$build/$t" -max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-10}" \
      -rss_limit_mb="${FUZZ_RSS_MB:-2048}" -malloc_limit_mb="${FUZZ_RSS_MB:-2048}" -detect_leaks=1 \
      -print_final_stats=1 -artifact_prefix="$findings/" ${FUZZ_FLAGS:-} "$corpus" "${seeds[@]}") >"$log" 2>&1 || rc=$?
  local took=$((SECONDS - start))
  local runs cov ft found
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -oE '^#[0-9]+.*cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 | sed -E 's/.*cov: ([0-9]+) ft: ([0-9]+)/\1 \2/')
  found=$(find "$findings" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
  [ "$rc" -ne 0 ] && [ "$found" -eq 0 ] && found=1
  printf '%s %s %s %s %s %s %s %s\n' "$t" "$took" "${runs:-0}" "$(find "$corpus" -type f | wc -l)" "$(du -sk "$corpus" | cut -f1)" \
    "${cov:-0 0}" "$found" "$rc" >"$work/$t.result"
}
export -f run_one
export src build work seconds

# shellcheck disable=SC2086  # $targets: a list of names
echo "fuzz: $(echo $targets | wc -w) targets x ${seconds}s, $jobs at once; logs and findings in $work" >&2
for t in $targets; do rm -f "$work/$t.result"; done
# shellcheck disable=SC2086
printf '%s\n' $targets | xargs -P "$jobs" -I{} bash -c 'run_one {}'

status=0
printf '\n| target | seconds | runs | corpus (files) | corpus (KiB) | cov | ft | findings |\n|---|---:|---:|---:|---:|---:|---:|---:|\n'
for t in $targets; do
  read -r name took runs files kib cov ft found rc <"$work/$t.result"
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$took" "$runs" "$files" "$kib" "$cov" "$ft" "$found"
  if [ "$found" -ne 0 ]; then
    status=1
    echo "fuzz: $t: FINDING (exit $rc); log $work/$t.log, inputs in $work/findings/$t:" >&2
    grep -m1 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error|FINDING' "$work/$t.log" >&2 || true
    ls "$work/findings/$t" >&2
  fi
done
exit $status
