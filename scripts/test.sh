#!/usr/bin/env bash
# test.sh - the project's test command: builds every flavour and runs its tests.
#   scripts/test.sh [--quick]   (--quick: the main build's tests only)
# Flavours: main (RelWithDebInfo, all labels), asan+ubsan and tsan (unit,
# stress, kvm), clang fuzzers (short runs). Build trees live under build/.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
quick=0
[ "${1:-}" = "--quick" ] && quick=1

step() { printf '\n=== %s (%s)\n' "$*" "$(date +%T)"; }

configure_build() { # dir, cmake args... [--target T...] builds only those targets
  local dir=$1; shift
  local args=() targets=()
  while [ $# -gt 0 ]; do
    if [ "$1" = --target ]; then targets+=(--target "$2"); shift 2; else args+=("$1"); shift; fi
  done
  cmake -S . -B "$dir" -G Ninja "${args[@]}" >/dev/null
  cmake --build "$dir" -j "$jobs" "${targets[@]}"
}

step "main build"
configure_build build/main -DCMAKE_BUILD_TYPE=RelWithDebInfo
# The real-QEMU tests (label qemu-tcg) need four QEMU builds and the arm64
# guest: both cached under ~/.cache/wfisleep (or $WFISLEEP_CACHE), keyed by
# what they are built from. They are built here, not inside a test, so a
# test's timeout never includes a QEMU build. Unavailable sources: the
# tests skip, each saying why.
step "QEMU TCG builds and the arm64 Linux guest"
qemu_vars=(-DWFISLEEP_QEMU= -DWFISLEEP_QEMU_REFERENCE= -DWFISLEEP_GUEST_KERNEL= -DWFISLEEP_GUEST_INITRD=
  -DWFISLEEP_QEMU_TCG_BUILDS=)
rc=0
builds=$(scripts/qemu-tcg.sh build --wfisleep-build build/main --jobs "$jobs") || rc=$?
if [ "$rc" = 0 ]; then
  echo "$builds"
  rc=0
  guest=$(scripts/qemu-tcg.sh guest) || rc=$?
  if [ "$rc" = 0 ]; then
    echo "$guest"
    path_of() { awk -v n="$1" '$1 == n { print $2 }' <<<"$2"; }
    qemu_vars=(-DWFISLEEP_QEMU="$(path_of wfisleep-noppoll "$builds")"
      -DWFISLEEP_QEMU_REFERENCE="$(path_of upstream-noppoll "$builds")"
      -DWFISLEEP_GUEST_KERNEL="$(path_of kernel "$guest")" -DWFISLEEP_GUEST_INITRD="$(path_of initrd "$guest")"
      -DWFISLEEP_QEMU_TCG_BUILDS="$(awk '{ printf "%s%s=%s", s, $1, $2; s = ";" }' <<<"$builds")")
  elif [ "$rc" = 77 ]; then
    echo "$guest (the qemu-tcg tests will skip)"
  else
    exit 1
  fi
elif [ "$rc" = 77 ]; then
  echo "$builds (the qemu-tcg tests will skip)"
else
  exit 1
fi
cmake -S . -B build/main "${qemu_vars[@]}" >/dev/null

step "main tests"
ctest --test-dir build/main --output-on-failure -j "$jobs" --timeout 900

[ "$quick" = 1 ] && exit 0

step "address+undefined sanitizer build"
configure_build build/asan -DCMAKE_BUILD_TYPE=Debug -DWFISLEEP_SANITIZE=address,undefined \
  -DWFISLEEP_BUILD_BENCHMARKS=OFF
ctest --test-dir build/asan --output-on-failure -j "$jobs" -L 'unit|stress|kvm' --timeout 900

step "thread sanitizer build"
configure_build build/tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWFISLEEP_SANITIZE=thread \
  -DWFISLEEP_BUILD_BENCHMARKS=OFF
ctest --test-dir build/tsan --output-on-failure -j "$jobs" -L 'unit|stress|kvm' --timeout 900

if [ -f fuzz/CMakeLists.txt ]; then
  step "fuzzers (clang, short runs)"
  CC=clang CXX=clang++ configure_build build/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DWFISLEEP_BUILD_FUZZERS=ON -DWFISLEEP_BUILD_BENCHMARKS=OFF -DWFISLEEP_BUILD_TESTBED=ON \
    --target fuzzers
  ctest --test-dir build/fuzz --output-on-failure -L fuzz --timeout 900
fi
step "all tests passed"
