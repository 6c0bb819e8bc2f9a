#!/usr/bin/env bash
# sweep_held_out_test.sh - the tuning sweeps (scripts/sweep-adaptive.sh --list) name no scenario
# and no host-timer law the bench's goals judge, so the goals judge the defaults on held-out cases.
#   tests/bench/sweep_held_out_test.sh SOURCE_DIR
# Specs are comma-separated key=value lists; ok || bad is the suite's pattern.
# shellcheck disable=SC2054,SC2015
set -uo pipefail
src=$1
# shellcheck source-path=SCRIPTDIR source=../common/expect.sh
. "$src/tests/common/expect.sh"
sweep=$src/scripts/sweep-adaptive.sh

# The goals' workloads (host-timer and kick keys aside), as docs/bench.md's goals
# section names them: this list must follow it when the goals change. Written
# with their keys in any order; defaults spelled out where a bare name means them.
goal_workloads=(
  idle idle:hz=1000 idle:hz=250
  pingpong pingpong:rate=2000 pingpong:hz=250,rate=2000
  burst:len=16,think_us=20
  compute compute:busy=1,idle=3 compute:busy=1,idle=3,idle_hz=0
)
# The goals' macOS laws: permille 50, 125 (also the default) and 250, and the
# window law (coalesce_shape=window), whatever the workload.
goal_permille=(50 125 250)

# name:k=v,k=v with the items sorted, so key order does not matter.
normalise() {
  local name=${1%%:*} rest=""
  [ "$name" != "$1" ] && rest=${1#*:}
  [ -z "$rest" ] && { echo "$name"; return; }
  echo "$name:$(tr ',' '\n' <<<"$rest" | LC_ALL=C sort | paste -sd, -)"
}

# The scenario without its host-timer and kick keys.
workload_of() {
  local name=${1%%:*} rest="" kept=()
  [ "$name" != "$1" ] && rest=${1#*:}
  local IFS=,
  for kv in $rest; do
    case $kv in host=* | coalesce_* | kicks=*) ;; *) kept+=("$kv") ;; esac
  done
  if [ ${#kept[@]} -eq 0 ]; then normalise "$name"; else normalise "$name:${kept[*]}"; fi
}

# Why scenario $1 is one the goals judge, or nothing.
judged_by_goals() {
  local s=$1 w g pm=125 shape=max macos=false
  w=$(workload_of "$s")
  for g in "${goal_workloads[@]}"; do
    [ "$w" = "$(normalise "$g")" ] && { echo "goal workload $g"; return; }
  done
  local IFS=,
  for kv in ${s#*:}; do
    case $kv in
      host=macos) macos=true ;;
      coalesce_permille=*) pm=${kv#*=} ;;
      coalesce_shape=*) shape=${kv#*=} ;;
    esac
  done
  $macos || return 0
  [ "$shape" = window ] && { echo "the goals' window law"; return; }
  for g in "${goal_permille[@]}"; do
    [ "$pm" = "$g" ] && { echo "the goals' macOS law permille $g"; return; }
  done
}

# The checker itself, on known cases.
for s in idle idle:hz=1000 idle:hz=1000,kicks=qemu pingpong:hz=250,rate=2000,kicks=qemu \
  pingpong:rate=2000,hz=250 burst:think_us=20,len=16 compute:idle=3,busy=1 \
  idle:hz=500,host=macos idle:hz=500,host=macos,coalesce_permille=250 \
  tickless:mean_ms=3,host=macos,coalesce_permille=100,coalesce_shape=window; do
  [ -n "$(judged_by_goals "$s")" ] && ok || bad "checker misses goal scenario $s"
done
for s in idle:hz=500 idle:hz=100,host=macos,coalesce_permille=200,coalesce_shape=uniform \
  pingpong:rate=1000,kicks=qemu compute:busy=1,idle=1 tickless:mean_ms=3; do
  [ -z "$(judged_by_goals "$s")" ] && ok || bad "checker flags held-out scenario $s"
done

for name in margin contention poll; do
  expect "--list $name" 0 "" bash "$sweep" --list "$name"
  list=$expect_out
  [ -n "$list" ] && ok || bad "--list $name printed nothing"
  while IFS= read -r s; do
    why=$(judged_by_goals "$s")
    [ -z "$why" ] && ok || bad "sweep $name tunes on '$s': $why"
  done <<<"$list"
done
expect "--list of an unknown sweep" 2 "unknown sweep 'nope'; accepted: margin, contention, poll" \
  bash "$sweep" --list nope
expect "--list with extra arguments" 2 "takes no more arguments" \
  bash "$sweep" --list poll --seconds 2

finish sweep_held_out_test
