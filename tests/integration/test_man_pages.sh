#!/usr/bin/env bash
# The man pages match the tools: every long option a tool's --help prints is documented in the
# OPTIONS section of man/<tool>.1, every exit status it prints is in EXIT STATUS, every record kind
# is described in man/mm-manifest.5, and every page renders with groff without a warning.
#
#   MM_BIN  directory holding the built tools (default: $MM_SRC/build)
#   MM_SRC  repository root (default: two levels above this script)
set -euo pipefail
MM_SRC=${MM_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
MM_BIN=${MM_BIN:-$MM_SRC/build}
MAN=$MM_SRC/man

failures=0
pass() { echo "ok: $*"; }
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# The text of section NAME (.SH NAME up to the next .SH) of a page, with roff's '\-' read as '-'.
section() {
  awk -v want="$2" '
    /^\.SH[ \t]/ { name = $0; sub(/^\.SH[ \t]+/, "", name); gsub(/"/, "", name); inside = (name == want); next }
    inside { print }
  ' "$1" | sed 's/\\-/-/g'
}

# An option is present when it appears as a whole word: "--out" must not be satisfied by "--output".
has_option() {
  grep -qE -- "(^|[^A-Za-z0-9-])$1([^A-Za-z0-9-]|\$)"
}

tools=()
for dir in "$MM_SRC"/tools/mm-*/; do
  [ -f "$dir/main.cpp" ] && tools+=("$(basename "$dir")")
done
[ "${#tools[@]}" -gt 0 ] || fail "no tools found under $MM_SRC/tools"

for tool in "${tools[@]}"; do
  page=$MAN/$tool.1
  bin=$MM_BIN/$tool
  if [ ! -x "$bin" ]; then
    fail "$tool: $bin is not built"
    continue
  fi
  if [ ! -f "$page" ]; then
    fail "$tool: man page $page is missing"
    continue
  fi
  help=$("$bin" --help) || { fail "$tool: --help exited non-zero"; continue; }
  # A tool with subcommands (mm-manifest): their options count too.
  for sub in $(printf '%s\n' "$help" | awk '/^Subcommands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { exit }'); do
    help+=$'\n'$("$bin" "$sub" --help) || fail "$tool $sub: --help exited non-zero"
  done

  for sec in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" "SEE ALSO"; do
    grep -qE "^\.SH \"?$sec\"?\$" "$page" || fail "$tool.1: no $sec section"
  done

  options=$(section "$page" OPTIONS)
  missing=()
  for opt in $(printf '%s\n' "$help" | grep -oE -- '--[A-Za-z0-9][A-Za-z0-9-]*' | sort -u); do
    printf '%s\n' "$options" | has_option "$opt" || missing+=("$opt")
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    pass "$tool.1 documents every long option of --help"
  else
    fail "$tool.1: OPTIONS does not document: ${missing[*]}"
  fi

  statuses=$(section "$page" "EXIT STATUS")
  missing=()
  for code in $(printf '%s\n' "$help" | sed -n '/^Exit status:/,$p' | grep -oE '^ +[0-9]+ ' | tr -d ' '); do
    printf '%s\n' "$statuses" | grep -qE "^\.(B|I|BR|IR)? *$code\$|^\.TP.*$code" || missing+=("$code")
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    pass "$tool.1 lists every exit status of --help"
  else
    fail "$tool.1: EXIT STATUS does not list: ${missing[*]}"
  fi
done

# Record kinds: the known ones, plus any kind a source writes as "kind", "X" or \"kind\":\"X\".
manifest=$MAN/mm-manifest.5
kinds=$( (
  printf '%s\n' collection partition segment group summary error
  grep -rhoE '"kind", *"[a-z_]+"|\\"kind\\":\\"[a-z_]+\\"' "$MM_SRC/common" "$MM_SRC/tools" 2>/dev/null |
    sed -E 's/^.*[,:] *\\?"([a-z_]+)\\?"$/\1/' || true
) | sort -u)
if [ ! -f "$manifest" ]; then
  fail "man page $manifest is missing"
else
  missing=()
  for kind in $kinds; do
    grep -qE "^\.SS \"?$kind\"?\$" "$manifest" || missing+=("$kind")
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    pass "mm-manifest.5 describes every record kind ($(echo $kinds))"
  else
    fail "mm-manifest.5: no .SS section for record kind(s): ${missing[*]}"
  fi
fi

# Every page names the version every tool prints (CMakeLists.txt's project version, one place).
version=$("$MM_BIN/mm-config" --version | awk '{print $NF}')
for page in "$MAN"/*.[1-8]; do
  grep -q "^\.TH .*\"milvus\\\\-mm $version\"" "$page" && pass "$(basename "$page"): version $version" ||
    fail "$(basename "$page"): its .TH line does not say milvus-mm $version: $(head -n 1 "$page")"
done
for script in mm-run mm-fanout; do
  [ "$(PATH="$MM_BIN:$PATH" "$MM_SRC/scripts/$script" --version)" = "$script (milvus-mm) $version" ] &&
    pass "$script --version: $version" || fail "$script --version: $(PATH="$MM_BIN:$PATH" "$MM_SRC/scripts/$script" --version 2>&1)"
done

# Every page renders without a warning.
if command -v groff >/dev/null 2>&1; then
  for page in "$MAN"/*.[1-8]; do
    [ -f "$page" ] || continue
    warnings=$(groff -man -ww -z "$page" 2>&1) && [ -z "$warnings" ] && pass "$(basename "$page") renders cleanly" ||
      fail "$(basename "$page") does not render cleanly: ${warnings:-groff failed}"
  done
else
  echo "skip: groff is not installed; render checks not run"
fi

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "all checks passed"
