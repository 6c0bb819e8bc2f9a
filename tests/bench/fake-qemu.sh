#!/usr/bin/env bash
# fake-qemu.sh - stands in for qemu-system-x86_64 in the bench's unit tests.
# Writes a well-formed guest report (abi/wfis_guest_abi.h) to the -serial file:
# and exits like isa-debug-exit with WFIS_EXIT_OK (33). Logs its arguments to $FAKE_QEMU_LOG.
set -u
serial= append=
args="$*"
while [ $# -gt 0 ]; do
  case $1 in
    -serial) serial=${2#file:}; shift ;;
    -append) append=$2; shift ;;
  esac
  shift
done
[ -n "${FAKE_QEMU_LOG:-}" ] && echo "$args" >>"$FAKE_QEMU_LOG"
workload=idle vcpus=1
for kv in $append; do
  case $kv in workload=*) workload=${kv#workload=} ;; vcpus=*) vcpus=${kv#vcpus=} ;; esac
done
echo "qboot (fake)" >"$serial"
for ((i = 0; i < vcpus; i++)); do
  echo "WFIS BOOT v=1 cpu=$i vcpus=$vcpus timer=tsc-deadline tsc_khz=2000000 tsc_src=calibrated workload=$workload" >>"$serial"
done
# The guest's run: the bench measures QEMU's CPU from the first report line on.
sleep 0.3
{
  for ((i = 0; i < vcpus; i++)); do
    echo "WFIS CPU cpu=$i timer_irqs=100 timer_armed=101 dev_irqs=0 dev_acks=0 work_units=500 run_ms=1000 halts=100 spurious=0"
    echo "WFIS HIST cpu=$i 4:50 5:40 40:10"
  done
  echo "WFIS END status=ok vcpus=$vcpus"
} >>"$serial"
exit 33
