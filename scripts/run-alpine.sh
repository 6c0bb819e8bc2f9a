#!/usr/bin/env bash
# run-alpine.sh - macOS (Apple Silicon): boots an Alpine aarch64 guest under QEMU with -accel hvf, 4 vCPUs, ssh on localhost:2222.
#
# Usage: scripts/run-alpine.sh [options]
#   --qemu PATH        qemu-system-aarch64 to run (default: the one
#                      rebuild-qemu.sh installed, ~/wfisleep-qemu/prefix/bin)
#   --disk FILE        guest disk, qcow2 (default: ~/wfisleep-qemu/alpine.qcow2;
#                      created, 8 GiB, when missing)
#   --iso FILE         Alpine "virt" aarch64 ISO to boot the installer from
#                      (default: downloaded once when the disk is new)
#   --smp N            vCPUs (default 4)
#   --memory MB        guest memory (default 2048)
#   --ssh-port N       host port forwarded to the guest's ssh (default 2222)
#   --dry-run          print the commands instead of running them (any OS)
#   -h, --help
#
# MACOS ONLY: -accel hvf needs Apple's Hypervisor.framework.
# It cannot run on Linux: there, only --dry-run works. Log in on the serial console, or
# `ssh -p 2222 root@localhost` once the guest runs sshd.
# The WFI wait is QEMU's own unless you opt in (see docs/qemu-guide.md):
# uncomment the HVF_WFI_SLEEP line below, or export WFISLEEP_POLICY=adaptive.
set -euo pipefail

# Uncomment to enable the seed's adaptive WFI sleep (max 100 us):
# export HVF_WFI_SLEEP=100

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }
die() { echo "run-alpine.sh: $*" >&2; exit 2; }

work=${WFISLEEP_QEMU_WORK:-$HOME/wfisleep-qemu}
qemu=$work/prefix/bin/qemu-system-aarch64
disk=$work/alpine.qcow2
iso=""
smp=4
memory=2048
ssh_port=2222
dry=0
alpine_iso_url=https://dl-cdn.alpinelinux.org/alpine/v3.20/releases/aarch64/alpine-virt-3.20.3-aarch64.iso
while [ $# -gt 0 ]; do
  case $1 in
    --qemu) qemu=${2:-}; [ -n "$qemu" ] || die "--qemu needs a path"; shift ;;
    --disk) disk=${2:-}; [ -n "$disk" ] || die "--disk needs a file"; shift ;;
    --iso) iso=${2:-}; [ -n "$iso" ] || die "--iso needs a file"; shift ;;
    --smp) smp=${2:-}; shift ;;
    --memory) memory=${2:-}; shift ;;
    --ssh-port) ssh_port=${2:-}; shift ;;
    --dry-run) dry=1 ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown argument '$1' (accepted: --qemu PATH, --disk FILE, --iso FILE, --smp N, --memory MB, --ssh-port N, --dry-run, --help)" ;;
  esac
  shift
done
in_range() { [[ $1 =~ ^[1-9][0-9]{0,5}$ ]] && [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; }
in_range "$smp" 1 64 || die "--smp '$smp' is invalid; accepted: 1..64"
in_range "$memory" 256 262144 || die "--memory '$memory' is invalid; accepted: 256..262144 (MB)"
in_range "$ssh_port" 1 65535 || die "--ssh-port '$ssh_port' is invalid; accepted: 1..65535"

if [ "$dry" = 0 ] && [ "$(uname -s)" != Darwin ]; then
  echo "run-alpine.sh: -accel hvf needs macOS on Apple Silicon; this is $(uname -s). Use --dry-run to see the commands." >&2
  exit 1
fi

# shquote and run (prints the command with --dry-run, else runs it).
# shellcheck source-path=SCRIPTDIR source=lib/dry-run.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/dry-run.sh"

# Where the policy comes from, so the console lines that follow make sense.
echo "run-alpine.sh: HVF_WFI_SLEEP=${HVF_WFI_SLEEP:-<unset>} WFISLEEP_POLICY=${WFISLEEP_POLICY:-<unset>} WFISLEEP_STATS=${WFISLEEP_STATS:-<unset>}"

# Firmware shipped (and installed) with QEMU.
firmware=$(dirname "$qemu")/../share/qemu/edk2-aarch64-code.fd

boot_iso=()
if [ "$dry" = 1 ] || [ ! -f "$disk" ]; then
  run mkdir -p "$(dirname "$disk")"
  run "$(dirname "$qemu")/qemu-img" create -f qcow2 "$disk" 8G
  if [ -z "$iso" ]; then
    iso=$(dirname "$disk")/$(basename "$alpine_iso_url")
    if [ "$dry" = 1 ] || [ ! -f "$iso" ]; then
      run curl -fL --retry 3 -o "$iso" "$alpine_iso_url"
    fi
  fi
fi
[ -z "$iso" ] || boot_iso=(-drive "if=none,id=cd,format=raw,media=cdrom,readonly=on,file=$iso" -device "virtio-blk-pci,drive=cd,bootindex=1")

run "$qemu" \
  -machine virt -accel hvf -cpu host \
  -smp "$smp" -m "$memory" \
  -bios "$firmware" \
  -drive "if=virtio,format=qcow2,file=$disk" \
  "${boot_iso[@]}" \
  -netdev "user,id=net0,hostfwd=tcp::$ssh_port-:22" -device virtio-net-pci,netdev=net0 \
  -nographic
