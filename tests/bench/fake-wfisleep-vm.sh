#!/usr/bin/env bash
# fake-wfisleep-vm.sh - stands in for wfisleep-vm in the bench's unit tests: prints canned JSON.
# Each call appends its arguments to $FAKE_VM_LOG. Behaviour knobs (env):
#   FAKE_VM_FAIL=GOV        runs of governor GOV end with status error, exit 1
#   FAKE_VM_LOST=GOV        runs of governor GOV report 3 lost interrupts, exit 1
#   (inkernel mode refuses pingpong with exit 2, as a VMM without that device would)
set -u
scenario=idle:hz=1000 governor=adaptive mode=userspace json= seconds=2 vcpus=1 poll= samples=
while [ $# -gt 0 ]; do
  case $1 in
    --scenario) scenario=$2; shift ;;
    --governor) governor=$2; shift ;;
    --mode) mode=$2; shift ;;
    --json) json=$2; shift ;;
    --seconds) seconds=$2; shift ;;
    --vcpus) vcpus=$2; shift ;;
    --halt-poll-ns) poll=$2; shift ;;
    --samples) samples=$2; shift ;;
    --guest|--seed|--timeout|--serial) shift ;;
    --quiet) ;;
    *) echo "fake-wfisleep-vm: unknown flag $1" >&2; exit 2 ;;
  esac
  shift
done
[ -n "${FAKE_VM_LOG:-}" ] && echo "mode=$mode scenario=$scenario governor=$governor poll=$poll vcpus=$vcpus seconds=$seconds" >>"$FAKE_VM_LOG"
if [ "$mode" = inkernel ] && [ "${scenario%%:*}" = pingpong ]; then
  echo "wfisleep-vm: --scenario pingpong needs --mode userspace" >&2
  exit 2
fi
backend=kvm
case $mode in inkernel) backend=inkernel; governor=kvm ;; simulated) backend=simulated ;; esac
# CPU % and lateness per governor: canned, in the shape of a real run's report.
case $governor in
  off|qemu10) cpu=100; p50=12; p99=19 ;;
  seed*) cpu=17.5; p50=66; p99=125 ;;
  adaptive*) cpu=5.5; p50=9; p99=25 ;;
  deadline) cpu=5.0; p50=70; p99=112 ;;
  qemu11) cpu=6.0; p50=500; p99=990 ;;
  kvm-haltpoll) cpu=30; p50=20; p99=60 ;;
  kvm) cpu=6.6; p50=8; p99=18 ;;
  *) cpu=50; p50=10; p99=20 ;;
esac
[ "$poll" = 0 ] && cpu=4.0
wake=null work=null
case ${scenario%%:*} in
  pingpong|burst) wake="{\"p50\": 30, \"p99\": 80, \"max\": 200}" ;;
  compute) case $scenario in *idle=0*) work=1000 ;; *) work=960 ;; esac ;;
esac
status=ok error=null lost=0 rc=0
if [ "${FAKE_VM_FAIL:-}" = "$governor" ]; then status=error; error='"guest triple fault"'; rc=1; fi
if [ "${FAKE_VM_LOST:-}" = "$governor" ]; then lost=3; rc=1; fi
out="{\"backend\": \"$backend\", \"scenario\": \"$scenario\", \"governor\": \"$governor\",
 \"vcpus\": $vcpus, \"seconds\": $seconds, \"wall_s\": $seconds, \"status\": \"$status\", \"error\": $error,
 \"host_cpu_pct\": $cpu, \"vcpu_cpu_pct\": [$cpu], \"wakeups_per_s\": 1000,
 \"timer_lateness_us\": {\"p50\": $p50, \"p99\": $p99, \"max\": 300},
 \"wake_latency_us\": $wake, \"work_rate\": $work, \"lost_interrupts\": $lost, \"exits\": 2000,
 \"idle_traps\": 1000,
 \"interrupts\": {\"timer\": {\"injected\": 1000, \"handled\": 1000},
                \"device\": {\"injected\": 0, \"handled\": 0}},
 \"guest\": {\"timer\": \"pv\", \"tsc_khz\": 2400000},
 \"governor_stats\": [{\"idle_calls\": 1, \"sleeps\": 1, \"kicks\": 0, \"poll_hits\": 0,
                     \"sleep_ns\": 0, \"poll_ns\": 0, \"spin_ns\": 0}]}"
if [ -n "$json" ]; then
  if [ "$json" = - ]; then echo "$out"; else echo "$out" >"$json"; fi
fi
# --samples: the timer lateness p50 and p99, in ns, as a few exact samples.
if [ -n "$samples" ]; then
  printf 'timer %s %s %s\nwake\n' "${p50}000" "${p50}000" "${p99}000" >"$samples"
fi
exit $rc
