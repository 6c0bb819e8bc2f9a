#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# rebuild-qemu.sh - macOS (Apple Silicon): build wfisleep and a QEMU release with the wfisleep HVF patch series, and install both.
#
# Usage: scripts/rebuild-qemu.sh [quick] [options]
#   quick              only rebuild: wfisleep, then QEMU incrementally (after
#                      a full run; no download, patching or configure)
#   --line L           patch series: 11.1 (default), 11.0, 10.2 or 10.0 -
#                      the line of the QEMU you run (qemu-system-aarch64 --version)
#   --qemu-version V   QEMU release of that line (default: the line's first
#                      entry in integrations/qemu/releases.txt: 11.1.2, 11.0.4,
#                      10.2.2, 10.0.13)
#   --work-dir DIR     sources and builds (default: ~/wfisleep-qemu)
#   --prefix DIR       install prefix of wfisleep and QEMU (default: WORK/prefix,
#                      where scripts/run-alpine.sh looks for qemu-system-aarch64
#                      and the firmware QEMU installs, share/qemu/edk2-*.fd)
#   --jobs N           parallel jobs (default: all cores)
#   --dry-run          print the commands instead of running them (any OS)
#   -h, --help
#
# Steps: build and install wfisleep into PREFIX; download
# qemu-VERSION.tar.xz from download.qemu.org; check its sha256 against
# integrations/qemu/releases.txt (a mismatch stops the build; a release with
# no recorded hash is built with a warning that prints the hash computed here,
# for you to compare with QEMU's signed release, qemu-VERSION.tar.xz.sig);
# unpack; apply the line's series (integrations/qemu/patches/hvf/LINE) with
# patch --fuzz=0; check pkg-config --atleast-version=0.2 wfisleep; configure
# with -DCONFIG_WFISLEEP and wfisleep's pkg-config flags
# (--extra-cflags/--extra-ldflags); ninja; ninja install into PREFIX.
#
# QEMU 11.1's HVF backend needs macOS 15 (Sequoia) or later to build; on
# macOS 14 (Sonoma) use --line 11.0 or --line 10.2.
#
# MACOS ONLY: it builds QEMU with --enable-hvf, which needs Apple's
# Hypervisor.framework. It cannot run on Linux; there, only --dry-run works
# (the project's tests check that output). Needs Xcode command line tools
# and: brew install cmake ninja meson pkgconf glib pixman libslirp dtc python3 python-setuptools
# (QEMU 11.1 builds its qemu.qmp Python package, which needs setuptools).
# Then run scripts/run-alpine.sh (same --work-dir / --prefix defaults).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
qemu_releases=$repo/integrations/qemu/releases.txt
# shellcheck source-path=SCRIPTDIR source=lib/qemu-releases.sh
. "$here/lib/qemu-releases.sh"
brew_deps="cmake ninja meson pkgconf glib pixman libslirp dtc python3 python-setuptools"
usage() { sed -n '2,/^set -euo/{/^set -euo/d;/SPDX-License-Identifier/d;s/^# \{0,1\}//;p}' "$0"; }
die() { echo "rebuild-qemu.sh: $*" >&2; exit 2; }

quick=0
dry=0
line=11.1
version=""
work=${WFISLEEP_QEMU_WORK:-$HOME/wfisleep-qemu}
prefix=""
jobs=""
while [ $# -gt 0 ]; do
  case $1 in
    quick) quick=1 ;;
    --line) line=${2:-}; shift ;;
    --qemu-version) version=${2:-}; shift ;;
    --work-dir) work=${2:-}; [ -n "$work" ] || die "--work-dir needs a directory"; shift ;;
    --prefix) prefix=${2:-}; [ -n "$prefix" ] || die "--prefix needs a directory"; shift ;;
    --jobs) jobs=${2:-}; shift ;;
    --dry-run) dry=1 ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown argument '$1' (accepted: quick, --line 11.1|11.0|10.2|10.0, --qemu-version X.Y.Z, --work-dir DIR, --prefix DIR, --jobs N, --dry-run, --help)" ;;
  esac
  shift
done
case " $(qemu_lines) " in
  *" $line "*) ;;
  *) die "--line '$line' is not a patched QEMU line (accepted: $(qemu_lines | sed 's/ /, /g'))" ;;
esac
version=${version:-$(qemu_default_version "$line")}
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "--qemu-version '$version' is not X.Y.Z"
[ "${version%.*}" = "$line" ] || die "--qemu-version $version is not on line $line (the series is for $line.x)"
if [ -n "$jobs" ]; then
  [[ $jobs =~ ^[1-9][0-9]*$ ]] || die "--jobs '$jobs' is not a positive integer"
else
  jobs=$( (sysctl -n hw.ncpu 2>/dev/null || nproc 2>/dev/null || echo 4) | head -n1)
fi
prefix=${prefix:-$work/prefix}
series_dir=$(qemu_series_dir "$repo" "$line")
patches=("$series_dir"/*.patch)
[ -e "${patches[0]}" ] || { echo "rebuild-qemu.sh: no patch series in $series_dir" >&2; exit 1; }

if [ "$dry" = 0 ] && [ "$(uname -s)" != Darwin ]; then
  echo "rebuild-qemu.sh: this builds QEMU with HVF and only runs on macOS (Apple Silicon); this is $(uname -s). Use --dry-run to see the commands." >&2
  exit 1
fi
min_macos=$(qemu_min_macos "$line")
if [ "$dry" = 0 ] && [ -n "$min_macos" ]; then
  have_macos=$(sw_vers -productVersion 2>/dev/null || echo 0)
  if [ "${have_macos%%.*}" -lt "$min_macos" ]; then
    echo "rebuild-qemu.sh: QEMU $line's HVF backend needs macOS $min_macos or later to build; this is macOS $have_macos. Use --line 11.0 or --line 10.2 (see docs/qemu-guide.md)." >&2
    exit 1
  fi
fi

# shquote and run (prints the command with --dry-run, else runs it).
# shellcheck source-path=SCRIPTDIR source=lib/dry-run.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/dry-run.sh"
run_in() { # dir cmd...
  local d=$1
  shift
  if [ "$dry" = 1 ]; then
    printf '+ cd %s && %s\n' "$(shquote "$d")" "$(shquote "$@")"
  else
    (cd "$d" && "$@")
  fi
}

if [ "$dry" = 0 ]; then
  for tool in cmake ninja meson pkg-config dtc python3 curl patch cc shasum; do
    command -v "$tool" >/dev/null || { echo "rebuild-qemu.sh: '$tool' not found (brew install $brew_deps)" >&2; exit 1; }
  done
fi

src=$work/qemu-$version
wbuild=$work/wfisleep-build

# 1. wfisleep: build and install (wfisleep.pc is how QEMU finds it). An
# absolute install name lets the installed QEMU load libwfisleep.dylib
# without an rpath.
run cmake -S "$repo" -B "$wbuild" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_INSTALL_NAME_DIR="$prefix/lib" \
  -DWFISLEEP_BUILD_TESTS=OFF -DWFISLEEP_BUILD_BENCHMARKS=OFF -DWFISLEEP_BUILD_TESTBED=OFF
run cmake --build "$wbuild" -j "$jobs" --target wfisleep_static wfisleep_shared
run cmake --install "$wbuild"

if [ "$quick" = 1 ]; then
  # 2q. QEMU: incremental rebuild of the configured tree.
  [ "$dry" = 1 ] || [ -f "$src/build/build.ninja" ] ||
    { echo "rebuild-qemu.sh: $src/build is not configured; run without 'quick' first" >&2; exit 1; }
  run_in "$src/build" ninja -j "$jobs"
  run_in "$src/build" ninja install
else
  # 2. QEMU release source, once.
  tarball=$work/qemu-$version.tar.xz
  url=https://download.qemu.org/qemu-$version.tar.xz
  run mkdir -p "$work"
  if [ "$dry" = 1 ] || [ ! -f "$tarball" ]; then
    run curl -fL --retry 3 -o "$tarball" "$url"
  fi
  # The recorded hash, or a plain warning that there is none.
  want=$(qemu_recorded_sha256 "$version")
  if [ -n "$want" ]; then
    echo "qemu-$version.tar.xz: expecting sha256 $want ($(qemu_hash_source "$version"))"
    if [ "$dry" = 1 ]; then
      echo "+ shasum -a 256 $(shquote "$tarball")  # must print $want"
    else
      got=$(shasum -a 256 "$tarball" | cut -d' ' -f1)
      if [ "$got" != "$want" ]; then
        echo "rebuild-qemu.sh: $tarball has sha256 $got, but the record says $want; not building it (delete the file to download it again)" >&2
        exit 1
      fi
      echo "qemu-$version.tar.xz: sha256 matches the record"
    fi
  else
    echo "rebuild-qemu.sh: warning: no recorded sha256 for qemu-$version.tar.xz (integrations/qemu/releases.txt); the hash below is computed on this machine, not checked: compare it with QEMU's signed release yourself" >&2
    if [ "$dry" = 1 ]; then
      echo "+ shasum -a 256 $(shquote "$tarball")  # printed, not checked"
    else
      echo "qemu-$version.tar.xz sha256 (computed here): $(shasum -a 256 "$tarball" | cut -d' ' -f1)"
    fi
  fi
  run rm -rf "$src"
  run tar -C "$work" -xf "$tarball"
  # 3. The series, strictly (no fuzz).
  for p in "${patches[@]}"; do
    run_in "$src" patch -p1 --fuzz=0 --forward -i "$p"
  done
  # 4. The library as QEMU will see it, then configure with HVF and wfisleep
  # (CONFIG_WFISLEEP and the library's flags come from pkg-config), build, install.
  pc=(env PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config)
  if [ "$dry" = 1 ]; then
    echo "+ $(shquote "${pc[@]}") --atleast-version=0.2 wfisleep"
    # shellcheck disable=SC2016 # printed, not expanded: the flags come from the installed library
    wcflags='$(pkg-config --cflags wfisleep)' wlibs='$(pkg-config --libs wfisleep)'
  else
    "${pc[@]}" --atleast-version=0.2 wfisleep ||
      { echo "rebuild-qemu.sh: pkg-config finds no wfisleep >= 0.2 in $prefix/lib/pkgconfig (step 1 installs it there)" >&2; exit 1; }
    wcflags=$("${pc[@]}" --cflags wfisleep)
    wlibs=$("${pc[@]}" --libs wfisleep)
  fi
  run_in "$src" mkdir -p build
  run_in "$src/build" ../configure \
    --prefix="$prefix" --target-list=aarch64-softmmu --enable-hvf \
    --extra-cflags="-DCONFIG_WFISLEEP $wcflags" --extra-ldflags="$wlibs" \
    --enable-slirp --enable-fdt=system --enable-cocoa --disable-docs
  run_in "$src/build" ninja -j "$jobs"
  run_in "$src/build" ninja install
  [ "$dry" = 1 ] || [ -f "$prefix/share/qemu/edk2-aarch64-code.fd" ] ||
    echo "rebuild-qemu.sh: warning: $prefix/share/qemu/edk2-aarch64-code.fd was not installed; run-alpine.sh needs it" >&2
fi

if [ "$dry" = 0 ]; then
  echo "QEMU $version with wfisleep: $prefix/bin/qemu-system-aarch64"
  echo "Next: scripts/run-alpine.sh --qemu $prefix/bin/qemu-system-aarch64 (export HVF_WFI_SLEEP=100 or WFISLEEP_POLICY=adaptive first; on 11.1 it passes -accel hvf,kernel-irqchip=off so that wfisleep can act)"
fi
