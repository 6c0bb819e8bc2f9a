#!/usr/bin/env bash
# cross-aarch64.sh - builds wfisleep and its unit tests for arm64, runs them under qemu-user, syntax-checks the Apple files.
#
# Usage: scripts/cross-aarch64.sh [--build-dir DIR] [--skip-run] [--apple-only] [--help]
#   --build-dir DIR  where the cross builds go (default: build/cross-aarch64)
#   --skip-run       build for aarch64 but do not run the tests
#   --apple-only     only the Apple syntax check
#
# 1. GoogleTest for aarch64 from /usr/src/googletest (Debian ships no arm64
#    gtest here), built once per build dir with the toolchain file
#    tests/cross/aarch64-linux-gnu.toolchain.cmake.
# 2. The library and the test programs of tests/lib and tests/adaptive,
#    built with aarch64-linux-gnu-g++ from that toolchain.
# 3. Each test program run under qemu-aarch64 -L /usr/aarch64-linux-gnu.
# 4. The files only an Apple build compiles (src/**/*.cc minus *_linux.cc,
#    i.e. the common files and *_apple.cc) checked with
#    clang++ -target arm64-apple-macos13 -fsyntax-only against small
#    declaration-only shims (tests/cross/apple-shim: kqueue, _NSGetEnviron;
#    integrations/qemu/shim: Mach). There is no Apple SDK here:
#    the C/C++ library headers are the aarch64 glibc/libstdc++ ones, so this
#    shows the code compiles for arm64 with the Apple target's macros and
#    ABI, not that it builds with Apple's SDK or runs on macOS.
#
# Exit: 0 all passed, 1 a step failed, 2 bad usage.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }

dir=$repo/build/cross-aarch64
run=1
apple_only=0
while [ $# -gt 0 ]; do
  case $1 in
    --build-dir) dir=${2:?--build-dir needs a directory}; shift ;;
    --skip-run) run=0 ;;
    --apple-only) apple_only=1 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "cross-aarch64.sh: unknown argument '$1' (accepted: --build-dir DIR, --skip-run, --apple-only, --help)" >&2
       exit 2 ;;
  esac
  shift
done
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
toolchain=$repo/tests/cross/aarch64-linux-gnu.toolchain.cmake
sysroot=/usr/aarch64-linux-gnu
jobs=$(nproc)

log() { printf '[cross %s] %s\n' "$(date +%T)" "$*"; }
fail() { printf '[cross] FAIL: %s\n' "$*" >&2; exit 1; }
need() { command -v "$1" >/dev/null || fail "'$1' not found (scripts/setup.sh installs it: $2)"; }

passed=0
# ---- Apple-only files, arm64-apple-macos ------------------------------------------
apple_check() {
  need clang++ clang
  local cxxinc=$sysroot/include/c++
  local ver
  ver=$(find "$cxxinc" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null | sort -V | tail -n1)
  [ -n "$ver" ] || fail "no aarch64 libstdc++ headers under $cxxinc (g++-aarch64-linux-gnu)"
  # -U__nonnull: clang's Darwin targets predefine it, glibc's cdefs.h needs its own.
  local flags=(-target arm64-apple-macos13 -fsyntax-only -U__nonnull -D_GNU_SOURCE
    -nostdinc++ -nostdlibinc -isystem "$cxxinc/$ver" -isystem "$cxxinc/$ver/aarch64-linux-gnu"
    -isystem "$sysroot/include" -isystem "$repo/tests/cross/apple-shim"
    -isystem "$repo/integrations/qemu/shim"
    -I "$repo/include" -I "$repo/src"
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion -Werror)
  # The check must be able to fail: an Apple-only declaration misuse is an error.
  if printf '#include <mach/mach_time.h>\nint f(void) { return mach_absolute_time(1); }\n' |
    clang "${flags[@]}" -x c - 2>/dev/null; then
    fail "apple: the syntax check accepted a wrong mach_absolute_time call (shim or flags broken)"
  fi
  if printf '#include <sys/event.h>\nint f(void) { return kevent64(0, 0, 0, 0, 0, 0); }\n' |
    clang "${flags[@]}" -x c - 2>/dev/null; then
    fail "apple: the syntax check accepted a wrong kevent64 call (shim or flags broken)"
  fi
  local files=() f n=0
  while IFS= read -r f; do files+=("$f"); done < <(cd "$repo" && find src -name '*.cc' ! -name '*_linux.cc' | sort)
  local apple=0
  for f in "${files[@]}"; do
    clang++ "${flags[@]}" -std=c++20 -fno-exceptions -fno-rtti "$repo/$f" ||
      fail "apple: $f does not compile for arm64-apple-macos"
    n=$((n + 1))
    case $f in *_apple.cc) apple=$((apple + 1)) ;; esac
  done
  [ "$apple" -gt 0 ] || fail "apple: no *_apple.cc file found under src/"
  # The public header as C11 for the Apple target too.
  printf '#include <wfisleep/wfisleep.h>\n' | clang "${flags[@]}" -std=c11 -x c - ||
    fail "apple: wfisleep.h is not valid C11 for arm64-apple-macos"
  log "apple: $n files ($apple *_apple.cc) + wfisleep.h (C11) compile for arm64-apple-macos13 (syntax only, no SDK)"
  passed=$((passed + 1))
}

if [ "$apple_only" = 1 ]; then
  apple_check
  echo "cross: $passed passed, 0 failed"
  exit 0
fi

need aarch64-linux-gnu-g++ g++-aarch64-linux-gnu
need qemu-aarch64 qemu-user
need cmake cmake
[ -d /usr/src/googletest ] || fail "/usr/src/googletest missing (googletest / libgtest-dev)"

# ---- 1. GoogleTest for aarch64 ------------------------------------------------------
gtest_prefix=$dir/gtest-prefix
gtest_stamp=$gtest_prefix/.source-stamp
# Rebuilt when the installed googletest sources change (or the toolchain file).
gtest_src_id=$(cat /usr/src/googletest/CMakeLists.txt /usr/src/googletest/googletest/CMakeLists.txt "$toolchain" | md5sum | cut -d' ' -f1)
if [ ! -f "$gtest_stamp" ] || [ "$(cat "$gtest_stamp")" != "$gtest_src_id" ]; then
  log "building GoogleTest for aarch64 from /usr/src/googletest"
  rm -rf "$dir/gtest-build" "$gtest_prefix"
  cmake -S /usr/src/googletest -B "$dir/gtest-build" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$toolchain" \
    -DCMAKE_BUILD_TYPE=Release -DBUILD_GMOCK=OFF -DINSTALL_GTEST=ON \
    -DCMAKE_INSTALL_PREFIX="$gtest_prefix" >"$dir/gtest-configure.log" 2>&1 ||
    fail "configuring aarch64 GoogleTest; see $dir/gtest-configure.log"
  cmake --build "$dir/gtest-build" -j "$jobs" >"$dir/gtest-build.log" 2>&1 ||
    fail "building aarch64 GoogleTest; see $dir/gtest-build.log"
  cmake --install "$dir/gtest-build" >"$dir/gtest-install.log" 2>&1 ||
    fail "installing aarch64 GoogleTest; see $dir/gtest-install.log"
  echo "$gtest_src_id" >"$gtest_stamp"
else
  log "GoogleTest for aarch64: cached in $gtest_prefix"
fi
gtest_dir=$(dirname "$(find "$gtest_prefix" -name GTestConfig.cmake | head -n1)")
[ -f "$gtest_dir/GTestConfig.cmake" ] || fail "no GTestConfig.cmake under $gtest_prefix"

# ---- 2. library + tests for aarch64 ----------------------------------------------------
bdir=$dir/wfisleep
log "configuring wfisleep for aarch64 in $bdir"
cmake -S "$repo" -B "$bdir" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$toolchain" \
  -DCMAKE_BUILD_TYPE=Release -DWFISLEEP_BUILD_TESTS=ON -DWFISLEEP_BUILD_BENCHMARKS=OFF \
  -DWFISLEEP_BUILD_TESTBED=OFF -DWFISLEEP_BUILD_FUZZERS=OFF -DGTest_DIR="$gtest_dir" \
  -DCMAKE_GTEST_DISCOVER_TESTS_DISCOVERY_MODE=PRE_TEST >"$dir/configure.log" 2>&1 ||
  fail "configuring wfisleep for aarch64; see $dir/configure.log"
test_targets=(wfisleep_lib_tests wfisleep_adaptive_tests)
log "building ${test_targets[*]} and the libraries"
cmake --build "$bdir" -j "$jobs" --target wfisleep_static wfisleep_shared "${test_targets[@]}" >"$dir/build.log" 2>&1 ||
  { tail -30 "$dir/build.log"; fail "building for aarch64; see $dir/build.log"; }
passed=$((passed + 1))

# ---- 3. run under qemu-user -----------------------------------------------------------
if [ "$run" = 1 ]; then
  for t in "${test_targets[@]}"; do
    exe=$(find "$bdir" -type f -name "$t" -perm -u+x | head -n1)
    [ -n "$exe" ] || fail "no $t binary in $bdir"
    machine=$(LC_ALL=C readelf -h "$exe" | sed -n 's/^ *Machine: *//p')
    [ "$machine" = AArch64 ] || fail "$t is built for '$machine', not AArch64"
    log "running $t (AArch64) under qemu-aarch64"
    (cd "$(dirname "$exe")" && qemu-aarch64 -L "$sysroot" "$exe" --gtest_brief=1 --gtest_color=no) >"$dir/$t.log" 2>&1 ||
      { tail -40 "$dir/$t.log"; fail "$t failed under qemu-aarch64; see $dir/$t.log"; }
    grep -E '^\[  PASSED  \]|^\[  SKIPPED \]' "$dir/$t.log" | sed "s/^/  $t: /"
    passed=$((passed + 1))
  done
fi

# ---- 4. Apple-only files -------------------------------------------------------------------
apple_check
echo "cross: $passed passed, 0 failed"
