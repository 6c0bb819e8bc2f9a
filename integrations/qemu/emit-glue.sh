#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# emit-glue.sh - writes patch 0001 (the glue core and one accelerator adapter, from glue/) into every QEMU series, or checks it is there.
#
# Usage: emit-glue.sh [--check] [--patches DIR]
#   --check        write nothing; exit 1 naming every series whose 0001 patch
#                  is not exactly what glue/ produces (0 when all match)
#   --patches DIR  the series root holding hvf/LINE/ and tcg/LINE/
#                  (default: patches/ next to this script)
#   -h, --help
#
# The glue is kept once, in glue/. Each series ACCEL/LINE carries it as
# 0001-target-arm-wfisleep-glue-core-and-ACCEL-adapter.patch: the new files
# target/arm/wfisleep/wfisleep-core.c.inc and wfisleep-ACCEL.c.inc, made
# here with git format-patch (fixed author and date, so the output is
# reproducible). The patch is the same for every line of an accelerator.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
usage() { sed -n '2,/^set -euo/{/^set -euo/d;/SPDX-License-Identifier/d;s/^# \{0,1\}//;p}' "$0"; }
die() { echo "emit-glue.sh: $*" >&2; exit 2; }

check=0
root=$here/patches
while [ $# -gt 0 ]; do
  case $1 in
    --check) check=1 ;;
    --patches) root=${2:-}; [ -n "$root" ] || die "--patches needs a directory"; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown argument '$1' (accepted: --check, --patches DIR, --help)" ;;
  esac
  shift
done
[ -d "$root" ] || die "--patches '$root' is not a directory (expected one holding hvf/LINE/ and tcg/LINE/)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The user's git configuration (diff.*, format.*) must not change the output.
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
unset GIT_CONFIG_COUNT GIT_CONFIG_PARAMETERS
export GIT_AUTHOR_NAME=wfisleep GIT_AUTHOR_EMAIL=wfisleep@localhost
export GIT_COMMITTER_NAME=wfisleep GIT_COMMITTER_EMAIL=wfisleep@localhost
export GIT_AUTHOR_DATE='2026-12-07T09:00:00+00:00' GIT_COMMITTER_DATE='2026-12-07T09:00:00+00:00'

message() { # accel
  case $1 in
    hvf) cat <<'MSG'
target/arm: wfisleep glue (core and HVF adapter)

Adds target/arm/wfisleep/wfisleep-core.c.inc (the part every
accelerator shares: configuration, per-vCPU state, the wait, kicks,
stats) and wfisleep-hvf.c.inc (the guest timer deadline from
CNTV_CTL_EL0/CNTV_CVAL_EL0 through Hypervisor.framework, the hooks
hvf.c calls).

Nothing includes them yet, and every line is used only when QEMU is
configured with --extra-cflags="-DCONFIG_WFISLEEP ..."; no build file
changes.
MSG
      ;;
    tcg) cat <<'MSG'
target/arm: wfisleep glue (core and TCG adapter)

Adds target/arm/wfisleep/wfisleep-core.c.inc (the part every
accelerator shares: configuration, per-vCPU state, the wait, kicks,
stats) and wfisleep-tcg.c.inc (the guest timer deadline from the CPU
state, the timer interrupt raised at the deadline, the kick hook).

Nothing includes them yet, and every line is used only when QEMU is
configured with --extra-cflags="-DCONFIG_WFISLEEP ..."; no build file
changes.
MSG
      ;;
  esac
}

# generate ACCEL NAME -> $tmp/ACCEL.patch: an empty tree, then the two files
# as one commit, exported with format-patch.
generate() {
  local accel=$1 repo=$tmp/repo-$1
  g() { git -C "$repo" -c core.autocrlf=false -c commit.gpgsign=false "$@"; }
  mkdir -p "$repo/target/arm/wfisleep"
  g init -q
  g commit -q --allow-empty -m upstream
  cp "$here/glue/wfisleep-core.c.inc" "$here/glue/wfisleep-$accel.c.inc" "$repo/target/arm/wfisleep/"
  g add -A
  message "$accel" | g commit -q -F -
  g format-patch -q --zero-commit --no-signature --no-numbered -1 -o "$tmp/out-$accel" HEAD
  local made
  made=$(find "$tmp/out-$accel" -name '*.patch' | head -n1)
  [ -n "$made" ] || { echo "emit-glue.sh: git format-patch produced nothing for $accel" >&2; exit 1; }
  mv "$made" "$tmp/$accel.patch"
}

status=0
found=0
for accel in hvf tcg; do
  name=0001-target-arm-wfisleep-glue-core-and-${accel^^}-adapter.patch
  generate "$accel"
  for dir in "$root/$accel"/*/; do
    [ -d "$dir" ] || continue
    line=$(basename "$dir")
    [ -n "$(find "$dir" -maxdepth 1 -name '*.patch' -print -quit)" ] || continue
    found=$((found + 1))
    if [ "$check" = 1 ]; then
      if ! cmp -s "$tmp/$accel.patch" "$dir/$name"; then
        echo "emit-glue.sh: patches/$accel/$line/$name is not what glue/ produces (run integrations/qemu/emit-glue.sh)" >&2
        status=1
      fi
      # A stale copy under another name would be applied too.
      others=$(find "$dir" -maxdepth 1 -name '0001-*.patch' ! -name "$name")
      if [ -n "$others" ]; then
        echo "emit-glue.sh: patches/$accel/$line has another 0001 patch: $others" >&2
        status=1
      fi
    else
      find "$dir" -maxdepth 1 -name '0001-*.patch' ! -name "$name" -delete
      cp "$tmp/$accel.patch" "$dir/$name"
      echo "wrote patches/$accel/$line/$name"
    fi
  done
done
[ "$found" -gt 0 ] || { echo "emit-glue.sh: no series under $root/hvf or $root/tcg" >&2; exit 1; }
[ "$check" = 0 ] || [ "$status" != 0 ] || echo "glue: every series ($found) carries glue/wfisleep-core.c.inc and its adapter unchanged"
exit "$status"
