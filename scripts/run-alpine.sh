#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# run-alpine.sh - macOS (Apple Silicon): boots an Alpine aarch64 guest under QEMU with -accel hvf, 4 vCPUs, ssh on localhost:2222.
#
# Usage: scripts/run-alpine.sh [options]
#   --qemu PATH        qemu-system-aarch64 to run (default: the one
#                      rebuild-qemu.sh installed, ~/wfisleep-qemu/prefix/bin)
#   --disk FILE        guest disk, qcow2 (default: ~/wfisleep-qemu/alpine.qcow2;
#                      created, 8 GiB, when missing)
#   --iso FILE         Alpine "virt" aarch64 ISO to boot the installer from
#                      (default: downloaded next to the disk when the disk is
#                      new or with --install, and checked against Alpine's
#                      published sha256)
#   --install          attach the installer ISO even though the disk exists
#                      (to redo or finish an install)
#   --smp N            vCPUs (default 4)
#   --memory MB        guest memory (default 2048)
#   --ssh-port N       host port forwarded to the guest's ssh (default 2222)
#   --irqchip MODE     QEMU 11.1 or later only: off = the interrupt controller
#                      in QEMU (guest WFI reaches QEMU: wfisleep can act),
#                      on = Apple's in-kernel GIC (macOS 15+; WFI is handled
#                      by Hypervisor.framework: wfisleep cannot act; for
#                      comparison), auto (default) = off on 11.1 or later,
#                      nothing on older QEMU (which has only the userspace GIC)
#   --dry-run          print the commands instead of running them (any OS)
#   -h, --help
#
# Whenever the ISO is next to the disk it is attached too, after the disk in
# boot order: an installed disk boots, a disk whose install was aborted falls
# back to the installer.
#
# MACOS ONLY: -accel hvf needs Apple's Hypervisor.framework.
# It cannot run on Linux: there, only --dry-run works. Log in on the serial
# console, or `ssh -p 2222 USER@localhost` once the guest runs sshd, as the
# user setup-alpine created (Alpine's sshd refuses root password logins).
# Quit with Ctrl-A X (or `poweroff` in the guest): the wfisleep stats
# (WFISLEEP_STATS=1) print only on such a clean exit, not after kill -9.
# The WFI wait is QEMU's own unless you opt in (see docs/qemu-guide.md):
# uncomment the HVF_WFI_SLEEP line below, or export WFISLEEP_POLICY=adaptive.
set -euo pipefail

# Uncomment to enable the seed policy (HVF_WFI_SLEEP, sleeps of at most 100 us):
# export HVF_WFI_SLEEP=100

usage() { sed -n '2,/^set -euo/{/^set -euo/d;/SPDX-License-Identifier/d;s/^# \{0,1\}//;p}' "$0"; }
die() { echo "run-alpine.sh: $*" >&2; exit 2; }

work=${WFISLEEP_QEMU_WORK:-$HOME/wfisleep-qemu}
qemu=$work/prefix/bin/qemu-system-aarch64
disk=$work/alpine.qcow2
iso=""
install=0
smp=4
memory=2048
ssh_port=2222
irqchip=auto
dry=0
alpine_iso_url=https://dl-cdn.alpinelinux.org/alpine/v3.20/releases/aarch64/alpine-virt-3.20.3-aarch64.iso
while [ $# -gt 0 ]; do
  case $1 in
    --qemu) qemu=${2:-}; [ -n "$qemu" ] || die "--qemu needs a path"; shift ;;
    --disk) disk=${2:-}; [ -n "$disk" ] || die "--disk needs a file"; shift ;;
    --iso) iso=${2:-}; [ -n "$iso" ] || die "--iso needs a file"; shift ;;
    --install) install=1 ;;
    --smp) smp=${2:-}; shift ;;
    --memory) memory=${2:-}; shift ;;
    --ssh-port) ssh_port=${2:-}; shift ;;
    --irqchip) irqchip=${2:-}; shift ;;
    --dry-run) dry=1 ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown argument '$1' (accepted: --qemu PATH, --disk FILE, --iso FILE, --install, --smp N, --memory MB, --ssh-port N, --irqchip auto|off|on, --dry-run, --help)" ;;
  esac
  shift
done
in_range() { [[ $1 =~ ^[1-9][0-9]{0,5}$ ]] && [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; }
in_range "$smp" 1 64 || die "--smp '$smp' is invalid; accepted: 1..64"
in_range "$memory" 256 262144 || die "--memory '$memory' is invalid; accepted: 256..262144 (MB)"
in_range "$ssh_port" 1 65535 || die "--ssh-port '$ssh_port' is invalid; accepted: 1..65535"
case $irqchip in
  auto | off | on) ;;
  *) die "--irqchip '$irqchip' is invalid; accepted: auto, off, on" ;;
esac

if [ "$dry" = 0 ] && [ "$(uname -s)" != Darwin ]; then
  echo "run-alpine.sh: -accel hvf needs macOS on Apple Silicon; this is $(uname -s). Use --dry-run to see the commands." >&2
  exit 1
fi

# shquote and run (prints the command with --dry-run, else runs it).
# shellcheck source-path=SCRIPTDIR source=lib/dry-run.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/dry-run.sh"

# Where the policy comes from, so the console lines that follow make sense.
echo "run-alpine.sh: HVF_WFI_SLEEP=${HVF_WFI_SLEEP:-<unset>} WFISLEEP_POLICY=${WFISLEEP_POLICY:-<unset>} WFISLEEP_STATS=${WFISLEEP_STATS:-<unset>}"

# Firmware shipped (and installed) with QEMU: rebuild-qemu.sh's ninja install
# and the Homebrew formula both put it under PREFIX/share/qemu.
firmware=$(dirname "$qemu")/../share/qemu/edk2-aarch64-code.fd
if [ "$dry" = 0 ]; then
  [ -x "$qemu" ] || die "--qemu '$qemu' is not an executable qemu-system-aarch64 (rebuild-qemu.sh installs one under ~/wfisleep-qemu/prefix/bin)"
  [ -f "$firmware" ] || { echo "run-alpine.sh: no firmware at $firmware: point --qemu at an installed QEMU (PREFIX/bin/qemu-system-aarch64 with PREFIX/share/qemu beside it), not at a build tree" >&2; exit 1; }
fi

# Which GIC: QEMU 11.1 and later (virt machine, macOS 15+) default to Apple's
# in-kernel GIC, where a guest's WFI never reaches QEMU and wfisleep cannot
# act. Older QEMU has no such mode and no kernel-irqchip option for hvf.
qemu_ver=""
if [ -x "$qemu" ]; then
  qemu_ver=$("$qemu" --version 2>/dev/null | sed -n 's/^QEMU emulator version \([0-9]*\.[0-9]*\).*/\1/p' | head -n1)
fi
is_111_or_later() { # X.Y
  local maj=${1%%.*} min=${1#*.}
  [ "$maj" -gt 11 ] || { [ "$maj" = 11 ] && [ "$min" -ge 1 ]; }
}
accel=hvf
case $irqchip in
  auto)
    if [ -z "$qemu_ver" ]; then
      echo "run-alpine.sh: note: cannot read the version of $qemu; on QEMU 11.1 or later pass --irqchip off, or wfisleep cannot act"
    elif is_111_or_later "$qemu_ver"; then
      accel=hvf,kernel-irqchip=off
      echo "run-alpine.sh: QEMU $qemu_ver: -accel $accel (the GIC in QEMU, so that wfisleep can act; --irqchip on compares with Apple's in-kernel GIC)"
    fi
    ;;
  off | on)
    if [ -n "$qemu_ver" ] && ! is_111_or_later "$qemu_ver"; then
      die "--irqchip $irqchip needs QEMU 11.1 or later; $qemu is $qemu_ver (use --irqchip auto)"
    fi
    accel=hvf,kernel-irqchip=$irqchip
    [ "$irqchip" = on ] && echo "run-alpine.sh: -accel $accel: Hypervisor.framework handles WFI; wfisleep cannot act in this mode"
    ;;
esac

# The installer: needed for a new disk or with --install; attached whenever
# it is there, after the disk in boot order.
default_iso=$(dirname "$disk")/$(basename "$alpine_iso_url")
need_iso=$install
if [ ! -f "$disk" ]; then
  run mkdir -p "$(dirname "$disk")"
  run "$(dirname "$qemu")/qemu-img" create -f qcow2 "$disk" 8G
  need_iso=1
fi
if [ -z "$iso" ]; then
  iso=$default_iso
  if [ "$need_iso" = 1 ] && [ ! -f "$iso" ]; then
    run curl -fL --retry 3 -o "$iso.part" "$alpine_iso_url"
    run curl -fL --retry 3 -o "$iso.sha256" "$alpine_iso_url.sha256"
    # Alpine's published checksum names the ISO file; check the download.
    if [ "$dry" = 1 ]; then
      echo "+ (cd $(shquote "$(dirname "$iso")") && sed 's/\.iso\$/.iso.part/' $(shquote "$(basename "$iso").sha256") | shasum -a 256 -c)"
    elif ! (cd "$(dirname "$iso")" && sed 's/\.iso$/.iso.part/' "$(basename "$iso").sha256" | shasum -a 256 -c >/dev/null); then
      echo "run-alpine.sh: $iso.part does not match Alpine's published sha256 ($alpine_iso_url.sha256); not using it" >&2
      exit 1
    fi
    run mv "$iso.part" "$iso"
  fi
elif [ ! -f "$iso" ] && [ "$dry" = 0 ]; then
  die "--iso '$iso' does not exist"
fi
boot_iso=()
if [ -f "$iso" ] || { [ "$dry" = 1 ] && [ "$need_iso" = 1 ]; }; then
  boot_iso=(-drive "if=none,id=cd,format=raw,media=cdrom,readonly=on,file=$iso" -device "virtio-blk-pci,drive=cd,bootindex=1")
fi
echo "run-alpine.sh: quit with Ctrl-A X (or poweroff in the guest); stats print only on such a clean exit"

run "$qemu" \
  -machine virt -accel "$accel" -cpu host \
  -smp "$smp" -m "$memory" \
  -bios "$firmware" \
  -drive "if=none,id=hd,format=qcow2,file=$disk" -device virtio-blk-pci,drive=hd,bootindex=0 \
  "${boot_iso[@]}" \
  -netdev "user,id=net0,hostfwd=tcp::$ssh_port-:22" -device virtio-net-pci,netdev=net0 \
  -nographic
