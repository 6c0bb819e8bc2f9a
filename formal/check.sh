#!/usr/bin/env bash
# check.sh - runs spin on a Promela model and checks the verdict (used by ctest, label formal).
#   formal/check.sh --model FILE --expect pass|fail [--ltl] [-DNAME[=V] ...]
# --ltl: check the model's ltl claim for acceptance cycles under weak fairness
# with assertions ignored (so a failing mutant shows the LTL catches it on its
# own); default: safety (assertions, invalid end states).
# Exit 0 when spin's verdict matches --expect, 1 otherwise, 2 on bad usage.
set -euo pipefail

model="" expect="" ltl=0 defs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --model) model=$2; shift 2 ;;
    --expect) expect=$2; shift 2 ;;
    --ltl) ltl=1; shift ;;
    -D*) defs+=("$1"); shift ;;
    *) echo "check.sh: unknown argument '$1' (accepted: --model FILE --expect pass|fail [--ltl] [-DNAME])" >&2; exit 2 ;;
  esac
done
if [ -z "$model" ] || [ ! -f "$model" ]; then
  echo "check.sh: --model '$model' is not a file" >&2; exit 2
fi
case "$expect" in pass|fail) ;; *) echo "check.sh: --expect '$expect' (accepted: pass, fail)" >&2; exit 2 ;; esac
for tool in spin gcc; do
  command -v "$tool" >/dev/null || { echo "check.sh: '$tool' not found (apt-get install spin gcc)" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$model" "$work/model.pml"
cd "$work"

spin "${defs[@]}" -a model.pml >spin.log 2>&1 || { cat spin.log; echo "check.sh: spin -a failed" >&2; exit 1; }
# A mutant's error shows up within a fraction of a second: compile it fast.
opt=$([ "$expect" = fail ] && echo -O0 || echo -O2)
if [ "$ltl" = 1 ]; then
  gcc "$opt" -DCOLLAPSE -DNFAIR=3 -o pan pan.c
  pan_args=(-a -f -A -m400000 -w24)
else
  gcc "$opt" -DSAFETY -DCOLLAPSE -o pan pan.c
  pan_args=(-m400000 -w24)
fi
start=$(date +%s)
./pan "${pan_args[@]}" >pan.out 2>&1 || true
secs=$(( $(date +%s) - start ))
errors=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' pan.out | tail -1)
if [ -z "$errors" ]; then
  cat pan.out; echo "check.sh: no verdict from pan" >&2; exit 1
fi
if grep -q 'max search depth too small' pan.out; then
  cat pan.out; echo "check.sh: search truncated (raise -m)" >&2; exit 1
fi
states=$(sed -n 's/^ *\([0-9.e+]*\) states, stored.*/\1/p' pan.out | head -1)
what=$([ "$ltl" = 1 ] && echo "ltl" || echo "safety")
echo "model=$(basename "$model") defs='${defs[*]}' check=$what states=${states:-?} errors=$errors time=${secs}s"
if [ "$errors" = 0 ]; then
  [ "$expect" = pass ] && exit 0
  echo "check.sh: expected spin to find an error in this variant, it found none" >&2
  exit 1
fi
# Show what was found and the interleaving that reaches it.
grep -E 'assertion violated|invalid end state|acceptance cycle' pan.out | head -1
if [ "$expect" = fail ]; then
  exit 0
fi
spin -t -p -g "${defs[@]}" model.pml 2>&1 | tail -60
echo "check.sh: spin found an error (trail above)" >&2
exit 1
