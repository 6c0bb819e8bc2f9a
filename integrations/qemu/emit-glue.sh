#!/usr/bin/env bash
# emit-glue.sh - writes patch 0002 (the shared glue, glue/hvf-wfisleep.[ch]) into every QEMU series, or checks it is there.
#
# Usage: emit-glue.sh [--check] [--patches DIR]
#   --check        write nothing; exit 1 naming every series whose 0002 patch
#                  is not exactly what glue/ produces (0 when all match)
#   --patches DIR  the series root (default: patches/ next to this script)
#   -h, --help
#
# The glue is kept once, in glue/; each series carries it as
# patches/LINE/0002-target-arm-hvf-wfisleep-glue.patch, made here with git
# (fixed author and date, so the output is reproducible). The patch adds the
# two files and one meson.build rule; it is the same for every QEMU line.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }
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
[ -d "$root" ] || die "--patches '$root' is not a directory"
name=0002-target-arm-hvf-wfisleep-glue.patch

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A throw-away repository: upstream's target/arm/hvf/meson.build, then our
# change as one commit, exported with format-patch.
# The user's git configuration (diff.*, format.*) must not change the output.
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
unset GIT_CONFIG_COUNT GIT_CONFIG_PARAMETERS
export GIT_AUTHOR_NAME=wfisleep GIT_AUTHOR_EMAIL=wfisleep@localhost
export GIT_COMMITTER_NAME=wfisleep GIT_COMMITTER_EMAIL=wfisleep@localhost
export GIT_AUTHOR_DATE='2026-12-01T09:00:00+00:00' GIT_COMMITTER_DATE='2026-12-01T09:00:00+00:00'
g() { git -C "$tmp/repo" -c core.autocrlf=false -c commit.gpgsign=false "$@"; }
mkdir -p "$tmp/repo/target/arm/hvf"
g init -q
printf '%s\n' "arm_system_ss.add(when: [hvf, 'CONFIG_HVF'], if_true: files(" "  'hvf.c'," "))" \
  >"$tmp/repo/target/arm/hvf/meson.build"
g add -A
g commit -q -m upstream
cp "$here/glue/hvf-wfisleep.c" "$here/glue/hvf-wfisleep.h" "$tmp/repo/target/arm/hvf/"
printf '%s\n' "arm_system_ss.add(when: [hvf, 'CONFIG_HVF', wfisleep], if_true: files(" "  'hvf-wfisleep.c'," "))" \
  >>"$tmp/repo/target/arm/hvf/meson.build"
g add -A
g commit -q -F - <<'MSG'
target/arm/hvf: wfisleep glue, shared by every QEMU line

hvf-wfisleep.c (built only with --enable-wfisleep) parses the wfisleep
configuration once (HVF_WFI_SLEEP, WFISLEEP_POLICY, WFISLEEP_*; QEMU's
own WFISLEEP_STATS is registered with the library), prints the
library's start-up lines through error_printf(), and keeps one
wfisleep_vcpu per vCPU (created on the vCPU's first WFI, never shared
between vCPUs) in a table indexed by cpu_index, so no QEMU header
changes.

At a WFI it first discards kicks older than the trap
(wfisleep_vcpu_trap_begin), then samples has-work as QEMU would decide
to run the vCPU: a pending interrupt, a stop or exit request, or queued
work. With work it returns at once and keeps the BQL; otherwise it
releases the BQL for the wait. Kicks are forwarded from
hvf_kick_vcpu_thread(). WFISLEEP_STATS=1 prints per-vCPU counters at
exit.

With no variable set the policy is "off": no vCPU gets wfisleep state
and every hook returns at once.
MSG
(cd "$tmp" && g format-patch -q --zero-commit --no-signature --no-numbered \
  --subject-prefix='PATCH 2/3' -1 -o "$tmp/out" HEAD)
generated=$(find "$tmp/out" -name '*.patch' | head -n1)
[ -n "$generated" ] || { echo "emit-glue.sh: git format-patch produced nothing" >&2; exit 1; }

status=0
for dir in "$root"/*/; do
  line=$(basename "$dir")
  [ -n "$(find "$dir" -maxdepth 1 -name '*.patch' -print -quit)" ] || continue
  if [ "$check" = 1 ]; then
    if ! cmp -s "$generated" "$dir/$name"; then
      echo "emit-glue.sh: patches/$line/$name is not what glue/ produces (run integrations/qemu/emit-glue.sh)" >&2
      status=1
    fi
    # A stale copy under another name would be applied too.
    others=$(find "$dir" -maxdepth 1 -name '0002-*.patch' ! -name "$name")
    if [ -n "$others" ]; then
      echo "emit-glue.sh: patches/$line has another 0002 patch: $others" >&2
      status=1
    fi
  else
    find "$dir" -maxdepth 1 -name '0002-*.patch' ! -name "$name" -delete
    cp "$generated" "$dir/$name"
    echo "wrote patches/$line/$name"
  fi
done
[ "$check" = 0 ] || [ "$status" != 0 ] || echo "glue: every series carries glue/hvf-wfisleep.[ch] unchanged"
exit "$status"
