#!/usr/bin/env bash
# qemu-tcg.sh - the TCG test bed: a stock arm64 Linux guest for qemu-system-aarch64.
#
# Usage: scripts/qemu-tcg.sh guest [--update-lock]
#   guest   build (or reuse from the cache) the Debian arm64 kernel and the
#           test initramfs; prints "kernel PATH" and "initrd PATH". Exit 77
#           with a "SKIP: ..." line when a package cannot be fetched.
#           Details: guest/linux-arm64/build.sh --help.
set -euo pipefail

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }

here=$(cd "$(dirname "$0")" && pwd)
case ${1:-} in
  guest) shift; exec "$here/../guest/linux-arm64/build.sh" "$@" ;;
  -h | --help) usage ;;
  '') echo "qemu-tcg.sh: no command given (accepted: guest, --help)" >&2; exit 2 ;;
  *) echo "qemu-tcg.sh: unknown command '${1:-}' (accepted: guest, --help)" >&2; exit 2 ;;
esac
