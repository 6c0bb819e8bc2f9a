#!/usr/bin/env bash
# run_guest_under_qemu.sh - boots the wfis guest under Debian's qemu-system-x86_64 and checks its report.
#
# Usage: run_guest_under_qemu.sh GUEST_ELF ACCEL 'QEMU ARGS' 'GUEST CMDLINE' CHECK...
#   ACCEL: kvm | tcg. Exits 77 (ctest SKIP_RETURN_CODE) with a reason when
#   QEMU, or /dev/kvm for ACCEL=kvm, is missing.
# Checks (all must hold):
#   exit=N          QEMU's exit status (33: WFIS_EXIT_OK, 35: WFIS_EXIT_FAIL)
#   timer=T         the BOOT line's timer= value
#   boot=K=V        any other BOOT field
#   cpu=K>=N | cpu=K<=N | cpu=K==N   a field of the CPU line
#   hist_sum        for every CPU line, its HIST counts add up to its timer_irqs
#   vcpus=N         N BOOT and N CPU lines (cpu=0..N-1); END says vcpus=N
#                   (default 1); cpu= checks apply to cpu 0
#   end=ok|fail     the END line's status
#   line=TEXT       some line contains TEXT
set -u

# The BOOT line carries the guest ABI version; read it from the header so a
# version bump cannot leave this check behind.
abi_h="$(dirname "$0")/../../abi/wfis_guest_abi.h"
abi=$(awk '$1 == "#define" && $2 == "WFIS_ABI_VERSION" { print $3 }' "$abi_h" 2>/dev/null)
if [ -z "$abi" ]; then
  echo "FAIL: cannot read WFIS_ABI_VERSION from $abi_h"
  exit 1
fi

elf=$1 accel=$2 qemu_args=$3 cmdline=$4
shift 4

qemu=$(command -v qemu-system-x86_64 || true)
if [ -z "$qemu" ]; then
  echo "SKIP: qemu-system-x86_64 not installed (scripts/setup.sh installs qemu-system-x86)"
  exit 77
fi
if [ "$accel" = kvm ] && ! { [ -r /dev/kvm ] && [ -w /dev/kvm ]; }; then
  echo "SKIP: /dev/kvm missing or not accessible; the TCG variants still run"
  exit 77
fi
if ! [ -f "$elf" ]; then
  echo "FAIL: guest image $elf not built"
  exit 1
fi

log=$(mktemp /tmp/wfis-peer.XXXXXX)
trap 'rm -f "$log"' EXIT
# shellcheck disable=SC2086 # qemu_args is a word list on purpose
timeout --kill-after=5 120 "$qemu" -accel "$accel" $qemu_args -display none \
  -serial "file:$log" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
  -kernel "$elf" -append "$cmdline" 2>&1 | grep -v -e '^qemu-system-x86_64: warning:' -e '^$'
status=${PIPESTATUS[0]}

echo "--- guest output (qemu status $status)"
cat "$log"
echo "---"

fail=0
bad() { echo "FAIL: $*"; fail=1; }

vcpus=1
for check in "$@"; do
  case $check in vcpus=*) vcpus=${check#vcpus=} ;; esac
done

boot=$(grep -m1 '^WFIS BOOT ' "$log")
cpu=$(grep -m1 '^WFIS CPU cpu=0 ' "$log")
field() { # line key -> value
  printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n1
}

if awk 'length($0) > 200 { exit 1 }' "$log"; then :; else bad "a report line is longer than 200 characters"; fi

for check in "$@"; do
  case $check in
    exit=*) [ "$status" = "${check#exit=}" ] || bad "QEMU exit status $status, expected ${check#exit=}" ;;
    timer=*) v=$(field "$boot" timer)
      [ "$v" = "${check#timer=}" ] || bad "BOOT timer='$v', expected '${check#timer=}'" ;;
    boot=*) kv=${check#boot=}; v=$(field "$boot" "${kv%%=*}")
      [ "$v" = "${kv#*=}" ] || bad "BOOT ${kv%%=*}='$v', expected '${kv#*=}'" ;;
    cpu=*) expr=${check#cpu=}
      if [[ $expr =~ ^([a-z_]+)(>=|<=|==)([0-9]+)$ ]]; then
        key=${BASH_REMATCH[1]} op=${BASH_REMATCH[2]} want=${BASH_REMATCH[3]}
        v=$(field "$cpu" "$key")
        if ! [[ $v =~ ^[0-9]+$ ]]; then bad "CPU line has no numeric $key"
        else
          case $op in
            '>=') [ "$v" -ge "$want" ] || bad "CPU $key=$v, expected >= $want" ;;
            '<=') [ "$v" -le "$want" ] || bad "CPU $key=$v, expected <= $want" ;;
            '==') [ "$v" -eq "$want" ] || bad "CPU $key=$v, expected $want" ;;
          esac
        fi
      else
        bad "bad check '$check'"
      fi ;;
    hist_sum)
      for ((i = 0; i < vcpus; i++)); do
        irqs=$(field "$(grep -m1 "^WFIS CPU cpu=$i " "$log")" timer_irqs)
        sum=$(grep "^WFIS HIST cpu=$i\( \|\$\)" "$log" | tr ' ' '\n' |
          awk -F: '/^[0-9]+:[0-9]+$/ { s += $2 } END { print s + 0 }')
        grep -q "^WFIS HIST cpu=$i\( \|\$\)" "$log" || bad "no HIST line for cpu $i"
        [ "$sum" = "$irqs" ] || bad "cpu $i: HIST counts add up to $sum, timer_irqs=$irqs"
      done ;;
    vcpus=*)
      for ((i = 0; i < vcpus; i++)); do
        grep -q "^WFIS BOOT v=$abi cpu=$i vcpus=$vcpus " "$log" || bad "no BOOT line for cpu $i"
        grep -q "^WFIS CPU cpu=$i " "$log" || bad "no CPU line for cpu $i"
      done
      n=$(grep -c '^WFIS CPU ' "$log")
      [ "$n" = "$vcpus" ] || bad "$n CPU lines, expected $vcpus" ;;
    end=*) grep -q "^WFIS END status=${check#end=} vcpus=$vcpus\$" "$log" ||
      bad "no 'WFIS END status=${check#end=} vcpus=$vcpus' line" ;;
    line=*) grep -qF -- "${check#line=}" "$log" || bad "no line containing '${check#line=}'" ;;
    *) bad "unknown check '$check'" ;;
  esac
done

[ "$fail" = 0 ] && echo "PASS"
exit "$fail"
