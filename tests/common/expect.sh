# expect.sh - sourced by the shell tests: pass/fail counters and an "expect exit code and output" check.
# shellcheck shell=bash
# ok() cannot fail, so callers write "test && ok || bad ..." as a plain if/else.

passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }

# expect NAME RC PATTERN CMD...: CMD exits RC and its stdout+stderr matches
# PATTERN (grep -E; "" = any output). The output is kept in $expect_out.
expect_out=""
expect() {
  local name=$1 want_rc=$2 pat=$3 rc
  shift 3
  expect_out=$("$@" 2>&1)
  rc=$?
  if [ "$rc" != "$want_rc" ]; then
    bad "$name: exit $rc, want $want_rc; output:"$'\n'"$expect_out"
  elif [ -n "$pat" ] && ! grep -qE -- "$pat" <<<"$expect_out"; then
    bad "$name: output lacks /$pat/; output:"$'\n'"$expect_out"
  else
    ok
  fi
}

# finish LABEL: prints the totals; exit status 0 only when nothing failed.
finish() {
  echo "$1: $passed passed, $failed failed"
  [ "$failed" = 0 ]
}
