#!/usr/bin/env bash
# tcg-builds.sh - builds the four qemu-system-aarch64 (TCG) the real-QEMU tests and bench run, cached.
#
# Usage: tcg-builds.sh [--wfisleep-build DIR] [--jobs N] [--rebuild]
#   --wfisleep-build DIR  the project build whose shared library the patched
#                         QEMUs use (default: build/main of this checkout;
#                         built there, library only, when missing)
#   --jobs N              parallel compile jobs (default: nproc)
#   --rebuild             ignore finished builds in the cache (ccache stays)
#
# Prints one line per build, exactly:
#   upstream-ppoll PATH      QEMU 10.2 (Debian source, no patch)
#   upstream-noppoll PATH    the same with the main loop QEMU runs where
#                            ppoll() is missing (test-variants/no-ppoll.patch)
#   wfisleep-ppoll PATH      with the TCG series (patches/tcg/10.2)
#   wfisleep-noppoll PATH    with the TCG series and no-ppoll.patch
# Progress and timings go to stderr.
#
# Every build: TCG only, aarch64, no default devices but virt, PL011,
# virtio-net (PCI and MMIO) with user networking (slirp), QMP. All four use
# the same compiler flags (CONFIG_WFISLEEP and the library's include
# directory are given to all; upstream code has no use for them), so a
# compiler cache (Debian's ccache) shares every object that the patches do
# not touch: the first build compiles QEMU, the other three a few files.
# A finished build is reused while its key (QEMU source hash, the patches,
# the glue, this script, the flags) is unchanged. The patched builds link
# the library by rpath to a fixed prefix in the cache, pointed at the
# current build's library on every run (atomically), so a library change
# needs no QEMU rebuild.
#
# Environment:
#   WFISLEEP_CACHE   cache root (default ${XDG_CACHE_HOME:-~/.cache}/wfisleep);
#                    QEMU source under qemu/ (fetch-qemu-source.sh), builds
#                    and ccache under qemu-tcg/
# Exit status: 0 built; 77 the QEMU source cannot be fetched (a "SKIP: ..."
# line says why); 2 bad usage; 1 other errors.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }

wfis_build=$repo/build/main
jobs=$(nproc)
rebuild=0
while [ $# -gt 0 ]; do
  case $1 in
    --wfisleep-build) [ $# -ge 2 ] || { echo "tcg-builds.sh: --wfisleep-build needs a directory" >&2; exit 2; }
      wfis_build=$2; shift ;;
    --jobs) [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || { echo "tcg-builds.sh: --jobs '${2:-}' is not a positive integer" >&2; exit 2; }
      jobs=$2; shift ;;
    --rebuild) rebuild=1 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "tcg-builds.sh: unknown argument '$1' (accepted: --wfisleep-build DIR, --jobs N, --rebuild, --help)" >&2
       exit 2 ;;
  esac
  shift
done

cache_root=${WFISLEEP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wfisleep}
cache=$cache_root/qemu-tcg
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock -w 3600 9 || { echo "tcg-builds.sh: $cache is busy (lock $cache/.lock)" >&2; exit 1; }

log() { printf '[qemu-tcg %s] %s\n' "$(date +%T)" "$*" >&2; }
fail() { printf 'tcg-builds.sh: %s\n' "$*" >&2; exit 1; }

# ---- QEMU source ----------------------------------------------------------------
rc=0
fetch_out=$(WFISLEEP_QEMU_CACHE=$cache_root/qemu "$here/fetch-qemu-source.sh" --tools 10.2 2>&1) || rc=$?
if [ "$rc" = 77 ]; then
  grep '^SKIP' <<<"$fetch_out" || echo "SKIP: QEMU 10.2 source not available"
  exit 77
elif [ "$rc" != 0 ]; then
  echo "$fetch_out" >&2
  fail "fetching the QEMU 10.2 source failed"
fi
# shellcheck disable=SC1091
. "$cache_root/qemu/10.2/source.env"
tools=$cache_root/qemu/tools/root
export PATH=$tools/usr/bin:$PATH
export PYTHONPATH=$tools/usr/lib/python3/dist-packages${PYTHONPATH:+:$PYTHONPATH}

# ---- the library, at a fixed prefix the patched builds find by rpath ------------
prefix=$cache/wfisleep
if [ ! -f "$wfis_build/CMakeCache.txt" ]; then
  log "configuring the wfisleep library in $wfis_build"
  cmake -S "$repo" -B "$wfis_build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$wfis_build" --target wfisleep_shared >/dev/null || fail "building the wfisleep library in $wfis_build"
# The header and the shared library only (cmake --install would want every
# target of the build), in a directory named for their content. $prefix is a
# symlink to it, replaced by rename: a QEMU starting at any moment finds a
# complete library, and one already running keeps the files it mapped.
stage=$cache/wfisleep.new.$$
rm -rf "$stage"
mkdir -p "$stage/include/wfisleep" "$stage/lib"
cp "$repo/include/wfisleep/wfisleep.h" "$stage/include/wfisleep/"
cp -P "$wfis_build"/src/libwfisleep.so* "$stage/lib/" || fail "no libwfisleep.so in $wfis_build/src"
digest=$(cd "$stage" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
if [ -d "$cache/wfisleep-$digest" ]; then
  rm -rf "$stage"
  touch "$cache/wfisleep-$digest"  # the newest again: the pruning below keeps it
else
  mv "$stage" "$cache/wfisleep-$digest"
fi
[ -L "$prefix" ] || rm -rf "$prefix"  # an older cache held a plain directory here
ln -sfn "wfisleep-$digest" "$prefix.link.$$"
mv -T "$prefix.link.$$" "$prefix"
# Keep the newest few; an old one may still be mapped by a QEMU that runs.
find "$cache" -maxdepth 1 -type d -name 'wfisleep-????????????????' -printf '%T@ %p\n' |
  sort -rn | tail -n +6 | cut -d' ' -f2- | xargs -r -d '\n' rm -rf
libdir=$prefix/lib
[ -f "$libdir/libwfisleep.so" ] || fail "no libwfisleep.so under $prefix"

# ---- builds ---------------------------------------------------------------------
series=("$here"/patches/tcg/10.2/*.patch)
noppoll=$here/test-variants/no-ppoll.patch
# virt selects ACPI_CXL, whose code needs CXL's, which needs the CXL memory
# device's (QEMU 10.2 does not link without them when default devices are
# off: the stubs lack functions); CXL's types need the PCI expander and the
# PCIe root port as parents (QEMU aborts at start-up without them).
devices=(CONFIG_ARM_VIRT=y CONFIG_VIRTIO_NET=y CONFIG_VIRTIO_PCI=y CONFIG_VIRTIO_MMIO=y
  CONFIG_PXB=y CONFIG_CXL=y CONFIG_CXL_MEM_DEVICE=y CONFIG_PCIE_PORT=y)
cflags="-DCONFIG_WFISLEEP -I$prefix/include"
configure_args=(--python=/usr/bin/python3 --target-list=aarch64-softmmu --disable-docs
  --without-default-features --without-default-devices --with-devices-aarch64=wfisleep-test
  --enable-tcg --enable-slirp --enable-fdt=system --disable-werror --disable-install-blobs
  --disable-tools --disable-user --disable-guest-agent --disable-debug-info)
# What a build is made from (not this script's wording): a change here
# reconfigures and relinks; ccache keeps the recompiles to what changed.
key_of() { # variant -> the key of what it is made from
  {
    echo "$QEMU_ORIG_SHA256" "${devices[*]}" "$cflags" "${configure_args[*]}" "$libdir"
    if [[ $1 == wfisleep-* ]]; then cat "${series[@]}"; fi
    if [[ $1 == *-noppoll ]]; then cat "$noppoll"; fi
  } | sha256sum | cut -c1-16
}

export CCACHE_DIR=$cache/ccache CCACHE_BASEDIR=$cache/src CCACHE_NOHASHDIR=1 CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-4G}
command -v ccache >/dev/null || fail "ccache not found (scripts/setup.sh installs it)"
ccache_path=/usr/lib/ccache
[ -x $ccache_path/cc ] || fail "no compiler links in $ccache_path (Debian's ccache package provides them)"

build_one() { # variant
  local v=$1 tree=$cache/src/$1 stamp key
  stamp=$tree/build/wfisleep-key
  key=$(key_of "$v")
  if [ "$rebuild" = 0 ] && [ -x "$tree/build/qemu-system-aarch64" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$key" ]; then
    log "$v: cached ($key)"
    return
  fi
  local t0=$SECONDS
  log "$v: unpacking QEMU $QEMU_UPSTREAM_VERSION ($QEMU_DEB_VERSION)"
  rm -rf "$tree"
  # One unpacked copy per source; each tree hard-links it (patch replaces
  # the files it changes instead of writing through the link).
  local pristine=$cache/src/pristine-${QEMU_ORIG_SHA256:0:16}
  if [ ! -f "$pristine/.complete" ]; then
    rm -rf "$pristine" "$pristine.tmp"
    mkdir -p "$pristine.tmp"
    tar --no-same-owner -C "$pristine.tmp" -xf "$QEMU_ORIG_TARBALL"
    mv "$pristine.tmp"/qemu-* "$pristine"
    rmdir "$pristine.tmp"
    touch "$pristine/.complete"
  fi
  cp -al "$pristine" "$tree"
  rm -f "$tree/.complete"
  # Debian strips the prebuilt firmware; configure only needs the names.
  local f
  while read -r f; do
    [ -e "$tree/pc-bios/$f.bz2" ] || : >"$tree/pc-bios/$f.bz2"
  done < <(sed -n '/fds = \[/,/\]/p' "$tree/pc-bios/meson.build" | grep -oE "edk2-[A-Za-z0-9_-]+\.fd")
  printf '%s\n' "# wfisleep test builds: virt and virtio-net only" "${devices[@]}" \
    >"$tree/configs/devices/aarch64-softmmu/wfisleep-test.mak"
  local p ldflags=""
  if [[ $v == wfisleep-* ]]; then
    for p in "${series[@]}"; do
      patch -s -d "$tree" -p1 --fuzz=0 <"$p" || fail "$v: $(basename "$p") does not apply"
    done
    ldflags="-L$libdir -Wl,-rpath,$libdir -lwfisleep"
  fi
  if [[ $v == *-noppoll ]]; then
    patch -s -d "$tree" -p1 --fuzz=0 <"$noppoll" || fail "$v: no-ppoll.patch does not apply"
  fi
  mkdir -p "$tree/build"
  log "$v: configuring"
  (cd "$tree/build" && PATH=$ccache_path:$PATH ../configure "${configure_args[@]}" \
    --extra-cflags="$cflags" ${ldflags:+--extra-ldflags="$ldflags"}) >"$tree/build/configure.log" 2>&1 ||
    fail "$v: configure failed; see $tree/build/configure.log"
  log "$v: building (ninja -j$jobs; progress in $tree/build/ninja.log)"
  local ticker
  (while sleep 60; do log "$v: $(tail -n1 "$tree/build/ninja.log" 2>/dev/null | cut -c1-60)"; done) &
  ticker=$!
  if ! (cd "$tree/build" && PATH=$ccache_path:$PATH ninja -j"$jobs" qemu-system-aarch64) >"$tree/build/ninja.log" 2>&1; then
    kill "$ticker" 2>/dev/null || true
    tail -n 30 "$tree/build/ninja.log" >&2
    fail "$v: build failed; see $tree/build/ninja.log"
  fi
  kill "$ticker" 2>/dev/null || true
  # QEMU checks every registered type at start-up: a device set missing a
  # parent type aborts here rather than in a test.
  "$tree/build/qemu-system-aarch64" -M virt -device help >/dev/null 2>"$tree/build/start.log" ||
    fail "$v: the built QEMU does not start: $(head -n1 "$tree/build/start.log")"
  echo "$key" >"$stamp"
  log "$v: built in $((SECONDS - t0)) s"
}

t_all=$SECONDS
for v in upstream-ppoll upstream-noppoll wfisleep-ppoll wfisleep-noppoll; do
  build_one "$v"
done
log "all four builds ready in $((SECONDS - t_all)) s ($(CCACHE_DIR=$CCACHE_DIR ccache -s 2>/dev/null | grep -E '^ +Hits' | head -n1 | tr -s ' '))"
for v in upstream-ppoll upstream-noppoll wfisleep-ppoll wfisleep-noppoll; do
  echo "$v $cache/src/$v/build/qemu-system-aarch64"
done
