#!/usr/bin/env bash
# qemu-tcg.sh - the TCG test bed: four qemu-system-aarch64 builds and a stock arm64 Linux guest.
#
# Usage: scripts/qemu-tcg.sh build [options] | guest [--update-lock]
#   build   build (or reuse from the cache) QEMU 10.2 four ways and print one
#           line per build: "upstream-ppoll PATH", "upstream-noppoll PATH",
#           "wfisleep-ppoll PATH", "wfisleep-noppoll PATH". Exit 77 with a
#           "SKIP: ..." line when the QEMU source cannot be fetched.
#           Details: integrations/qemu/tcg-builds.sh --help.
#   guest   build (or reuse from the cache) the Debian arm64 kernel and the
#           test initramfs; prints "kernel PATH" and "initrd PATH". Exit 77
#           with a "SKIP: ..." line when a package cannot be fetched.
#           Details: guest/linux-arm64/build.sh --help.
set -euo pipefail

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }

here=$(cd "$(dirname "$0")" && pwd)
case ${1:-} in
  build) shift; exec "$here/../integrations/qemu/tcg-builds.sh" "$@" ;;
  guest) shift; exec "$here/../guest/linux-arm64/build.sh" "$@" ;;
  -h | --help) usage ;;
  '') echo "qemu-tcg.sh: no command given (accepted: build, guest, --help)" >&2; exit 2 ;;
  *) echo "qemu-tcg.sh: unknown command '${1:-}' (accepted: build, guest, --help)" >&2; exit 2 ;;
esac
