#!/usr/bin/env bash
# sweep-adaptive.sh - the parameter sweeps behind adaptive's defaults (docs/adaptive.md).
#   scripts/sweep-adaptive.sh margin|contention|poll [wfisleep-bench flags...]
#   scripts/sweep-adaptive.sh --list margin|contention|poll
# Runs one sweep on real VMs (after scripts/bench.sh built build/release) and writes
# results/sweep-NAME.json, results/sweep-NAME.txt (the printed report, whose Markdown tables
# compare every row with the sweep's reference row, paired by block, with 95% intervals).
# --list prints the sweep's scenarios, one a line, and runs nothing.
# The sweeps tune on held-out scenarios only: none is a scenario or host-timer law the bench's
# goals judge (docs/bench.md), so the goals test the defaults on cases they were not chosen on
# (tests/bench/sweep_held_out_test.sh checks the lists).
#   margin      advance margin (ADVANCE_DEV_PCT) x second sleep (SPLIT_NS), idle 100 Hz and
#               500 Hz and tickless 3 ms guests, on the Linux host and four macOS coalescing
#               laws (permille 100, 200 x shape max, uniform: a MODEL); 15 scenarios x 6
#               governors x 6 blocks = 540 runs, about 12 minutes
#   contention  the contention gate on compute with an idle sibling (on and off), beside idle
#               500 Hz and tickless 3 ms guests; 3 x 4 x 6 = 72 runs, about 4 minutes
#   poll        the poll cap on pingpong 1 kHz guests with QEMU-style and vector kicks, beside
#               a tickless 3 ms guest; 3 x 5 x 6 = 90 runs, about 4 minutes
# Scenario and governor specs are comma-separated key=value lists, not array syntax.
# shellcheck disable=SC2054
set -euo pipefail
cd "$(dirname "$0")/.."

list=false
if [ "${1:-}" = --list ]; then
  list=true
  shift
fi
name=${1:-}
[ $# -gt 0 ] && shift

scenarios=()
governors=()
reference=
case $name in
  margin)
    for base in idle:hz=100 idle:hz=500 tickless:mean_ms=3; do
      scenarios+=("$base")
      for pm in 100 200; do
        for shape in max uniform; do
          scenarios+=("$base,host=macos,coalesce_permille=$pm,coalesce_shape=$shape")
        done
      done
    done
    reference=adaptive:advance_dev_pct=0,split_ns=0
    governors=("$reference" adaptive:advance_dev_pct=100,split_ns=0
               adaptive:advance_dev_pct=200,split_ns=0 adaptive:advance_dev_pct=100,split_ns=40000
               adaptive:advance_dev_pct=200,split_ns=20000 deadline)
    ;;
  contention)
    scenarios=(compute:busy=1,idle=1 idle:hz=500 tickless:mean_ms=3)
    reference=adaptive:contention_enter_pct=100,contention_leave_pct=100
    governors=("$reference" adaptive adaptive:contention_enter_pct=10,contention_leave_pct=2
               deadline)
    ;;
  poll)
    scenarios=(pingpong:rate=1000,kicks=qemu pingpong:rate=1000 tickless:mean_ms=3)
    reference=adaptive:poll_max_ns=0
    governors=("$reference" adaptive adaptive:poll_max_ns=50000 adaptive:poll_max_ns=500000
               kvm-haltpoll)
    ;;
  *)
    echo "sweep-adaptive.sh: unknown sweep '$name'; accepted: margin, contention, poll" \
      "(optionally after --list)" >&2
    exit 2 ;;
esac

if $list; then
  [ $# -eq 0 ] || { echo "sweep-adaptive.sh: --list $name takes no more arguments; got '$*'" >&2; exit 2; }
  printf '%s\n' "${scenarios[@]}"
  exit 0
fi

# shellcheck source-path=SCRIPTDIR source=lib/clean-tree.sh
. scripts/lib/clean-tree.sh
require_clean_tree sweep-adaptive.sh
bench=build/release/tools/bench/wfisleep-bench
[ -x "$bench" ] || { echo "sweep-adaptive.sh: $bench missing: run scripts/bench.sh first" >&2; exit 2; }

args=()
for s in "${scenarios[@]}"; do args+=(--scenario "$s"); done
for g in "${governors[@]}"; do args+=(--governor "$g"); done
mkdir -p results
"$bench" "${args[@]}" --reference "$reference" --repeat 6 --seconds 1 --no-peers \
  --json "results/sweep-$name.json" "$@" | tee "results/sweep-$name.txt"
