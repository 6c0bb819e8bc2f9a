#!/usr/bin/env bash
# sweep-adaptive.sh - the parameter sweeps behind adaptive's defaults (docs/adaptive.md).
#   scripts/sweep-adaptive.sh margin|contention|poll [wfisleep-bench flags...]
# Runs one sweep on real VMs (after scripts/bench.sh built build/release) and writes
# results/sweep-NAME.json, results/sweep-NAME.txt (the printed report, whose Markdown tables
# compare every row with the sweep's reference row, paired by block, with 95% intervals).
#   margin      advance margin (ADVANCE_DEV_PCT) x second sleep (SPLIT_NS), idle 1 kHz and
#               tickless guests, on the Linux host and six macOS coalescing laws
#               (permille 50, 125, 250 x shape max, uniform: a MODEL); about 12 minutes
#   contention  the contention gate on compute with idle siblings (on and off); about 4 minutes
#   poll        the poll cap on pingpong and burst guests with QEMU-style kicks; about 4 minutes
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source-path=SCRIPTDIR source=lib/clean-tree.sh
. scripts/lib/clean-tree.sh
require_clean_tree sweep-adaptive.sh

name=${1:-}
[ $# -gt 0 ] && shift
bench=build/release/tools/bench/wfisleep-bench
[ -x "$bench" ] || { echo "sweep-adaptive.sh: $bench missing: run scripts/bench.sh first" >&2; exit 2; }

scenarios=()
governors=()
reference=
case $name in
  margin)
    for base in idle:hz=1000 tickless:mean_ms=5; do
      scenarios+=("$base")
      for pm in 50 125 250; do
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
    scenarios=(compute:busy=1,idle=3 compute:busy=2,idle=2 idle:hz=1000)
    reference=adaptive:contention_enter_pct=100,contention_leave_pct=100
    governors=("$reference" adaptive adaptive:contention_enter_pct=10,contention_leave_pct=2
               deadline)
    ;;
  poll)
    scenarios=(pingpong:rate=2000,hz=250,kicks=qemu pingpong:rate=500,dist=poisson,kicks=qemu
               burst:len=16,think_us=200,kicks=qemu)
    reference=adaptive:poll_max_ns=0
    governors=("$reference" adaptive adaptive:poll_max_ns=50000 adaptive:poll_max_ns=500000
               kvm-haltpoll)
    ;;
  *)
    echo "sweep-adaptive.sh: unknown sweep '$name'; accepted: margin, contention, poll" >&2
    exit 2 ;;
esac

args=()
for s in "${scenarios[@]}"; do args+=(--scenario "$s"); done
for g in "${governors[@]}"; do args+=(--governor "$g"); done
mkdir -p results
"$bench" "${args[@]}" --reference "$reference" --repeat 6 --seconds 1 --no-peers \
  --json "results/sweep-$name.json" "$@" | tee "results/sweep-$name.txt"
