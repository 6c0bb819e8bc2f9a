#!/usr/bin/env bash
# fake-qemu-tcg.sh - stands in for qemu-system-aarch64 (TCG) in the bench's unit tests.
# Writes the arm64 Linux guest's WFISG lines (docs/linux-guest.md) to the -serial file: and
# exits 0 as QEMU does after the guest's poweroff. It names its one thread "CPU 0/TCG", as
# QEMU names a vCPU thread with -name debug-threads=on.
# FAKE_TCG_BURN=1: burns 0.6 s of CPU time before MARK start and after MARK end, and inside
# the window burns 0.4 s of CPU time then sleeps 0.4 s: the window holds 0.4 s of CPU time
# however loaded the host is, the whole run 1.6 s.
# FAKE_TCG_MODE: nomark (no MARK end), error (a guest ERROR line), nostats (no glue lines).
# Logs "policy=... stats=... ARGS" to $FAKE_TCG_LOG; prints the glue's exit lines on stderr
# when WFISLEEP_POLICY is set.
set -u
serial='' append='' smp=1
args="$*"
while [ $# -gt 0 ]; do
  case $1 in
    -serial) serial=${2#file:}; shift ;;
    -append) append=$2; shift ;;
    -smp) smp=$2; shift ;;
  esac
  shift
done
[ -n "${FAKE_TCG_LOG:-}" ] &&
  echo "policy=${WFISLEEP_POLICY:-<unset>} stats=${WFISLEEP_STATS:-<unset>} $args" >>"$FAKE_TCG_LOG"
echo "CPU 0/TCG" >/proc/self/comm
burn() { # microseconds of CPU time in this process (no child: schedstat counts this task)
  local run rest end
  read -r run rest </proc/$$/schedstat
  end=$((run + $1 * 1000))
  while ((run < end)); do read -r run rest </proc/$$/schedstat; done
}
mode=${FAKE_TCG_MODE:-}
out() { echo "$*" >>"$serial"; }
work=${append##*wfis.work=}
echo "[    0.000000] Booting Linux (fake)" >>"$serial"
out "WFISG READY uptime=0.50 cpus=$smp kernel=fake"
out "WFISG NET none"
if [ "$mode" = error ]; then
  out "WFISG ERROR bad policy 'x' in wfis.work (accepted: other, fifo)"
  out "WFISG END status=error uptime=0.6"
  exit 0
fi
out "WFISG WORK $work"
[ -n "${FAKE_TCG_BURN:-}" ] && burn 600000
out "WFISG MARK start uptime=1.00"
if [ -n "${FAKE_TCG_BURN:-}" ]; then
  burn 400000
  sleep 0.4
else
  sleep 0.2
fi
[ "$mode" = nomark ] || out "WFISG MARK end uptime=2.00"
[ -n "${FAKE_TCG_BURN:-}" ] && burn 600000
threads=1
case $work in cyclictest:*threads=*) threads=${work#*threads=}; threads=${threads%%,*} ;; esac
row100='' row200=''
for ((t = 0; t < threads; t++)); do row100+=" 990"; row200+=" 10"; done
out "WFISG CTHIST 100$row100"
out "WFISG CTHIST 200$row200"
out "WFISG CTSTAT max$row200"
out "WFISG CTSTAT overflows${row200//10/0}"
out "WFISG CT threads=$threads interval_us=1000 duration_s=1 policy=other"
out "WFISG END status=ok uptime=2.10"
if [ -n "${WFISLEEP_POLICY:-}" ] && [ "$mode" != nostats ]; then
  echo "wfisleep: library 0.3.0 (fake), accelerator tcg, policy $WFISLEEP_POLICY" >&2
  echo "wfisleep: vCPU 0 ($WFISLEEP_POLICY): 1234 idle calls (fake)" >&2
  echo "wfisleep: tcg: 1234 waits entered" >&2
fi
exit 0
