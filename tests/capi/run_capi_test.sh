#!/usr/bin/env bash
# run_capi_test.sh - installs wfisleep into a temp prefix and builds/runs consumers of it.
#   run_capi_test.sh MODE BUILD_DIR SOURCE_DIR CC VERSION SOVERSION [SANITIZE]
# MODE pkgconfig: a C11 program via pkg-config, once shared and once --static.
# MODE cmake:     a CMake project using find_package(wfisleep), both targets.
set -euo pipefail
mode=$1 build=$2 src=$3 cc=$4 version=$5 soversion=$6 sanitize=${7:-}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# The version as one number, from the project version given here (not from
# the header the consumer compiles against).
IFS=. read -r v_major v_minor v_patch <<<"$version"
expected=$((v_major * 10000 + v_minor * 100 + v_patch))
version_def=-DWFISLEEP_EXPECTED_VERSION=$expected

san_flags=()
[ -n "$sanitize" ] && san_flags=(-fsanitize="$sanitize" -fno-omit-frame-pointer)

cmake --install "$build/src" --prefix "$tmp/prefix" >/dev/null
pc=$(find "$tmp/prefix" -name wfisleep.pc)
[ -n "$pc" ] || fail "wfisleep.pc not installed"
libdir=$(dirname "$(dirname "$pc")")
[ -f "$tmp/prefix/include/wfisleep/wfisleep.h" ] || fail "header not installed"
[ -f "$libdir/libwfisleep.a" ] || fail "static library not installed"
[ -e "$libdir/libwfisleep.so.$soversion" ] || fail "libwfisleep.so.$soversion not installed"

case "$mode" in
pkgconfig)
  export PKG_CONFIG_PATH="$libdir/pkgconfig"
  [ "$(pkg-config --modversion wfisleep)" = "$version" ] || fail "pkg-config version != $version"
  pkg-config --static --libs wfisleep | grep -q -- -lstdc++ || fail "Libs.private lacks -lstdc++"

  # Only the C ABI is exported from the shared library.
  others=$(nm -D --defined-only "$libdir/libwfisleep.so" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' |
    grep -v '^wfisleep_' || true)
  [ -z "$others" ] || fail "shared library exports non-API symbols: $others"
  soname=$(readelf -d "$libdir/libwfisleep.so" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
  [ "$soname" = "libwfisleep.so.$soversion" ] || fail "SONAME $soname"

  # Shared.
  # shellcheck disable=SC2046  # pkg-config output is a word list by design
  "$cc" -std=c11 -Wall -Wextra -Werror -pedantic "$version_def" "${san_flags[@]}" $(pkg-config --cflags wfisleep) \
    "$here/capi_main.c" $(pkg-config --libs wfisleep) -Wl,-rpath,"$libdir" -o "$tmp/app_shared"
  readelf -d "$tmp/app_shared" | grep -q "libwfisleep.so.$soversion" || fail "app_shared not linked to the .so"
  "$tmp/app_shared"

  # Static: only the archive is left, so the linker cannot pick the .so.
  rm -f "$libdir"/libwfisleep.so*
  # shellcheck disable=SC2046
  "$cc" -std=c11 -Wall -Wextra -Werror -pedantic "$version_def" "${san_flags[@]}" $(pkg-config --cflags wfisleep) \
    "$here/capi_main.c" $(pkg-config --static --libs wfisleep) -o "$tmp/app_static"
  if readelf -d "$tmp/app_static" | grep -q libwfisleep; then fail "app_static needs libwfisleep.so"; fi
  "$tmp/app_static"
  ;;
cmake)
  mkdir -p "$tmp/consumer"
  cat >"$tmp/consumer/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.25)
project(consumer C CXX)
find_package(wfisleep $version REQUIRED)
add_executable(app_shared $here/capi_main.c)
target_link_libraries(app_shared PRIVATE wfisleep::wfisleep)
add_executable(app_static $here/capi_main.c)
target_link_libraries(app_static PRIVATE wfisleep::wfisleep_static)
set_target_properties(app_static PROPERTIES LINKER_LANGUAGE CXX)
target_compile_definitions(app_shared PRIVATE WFISLEEP_EXPECTED_VERSION=$expected)
target_compile_definitions(app_static PRIVATE WFISLEEP_EXPECTED_VERSION=$expected)
CMAKE
  flags="${san_flags[*]:-}"
  cmake -S "$tmp/consumer" -B "$tmp/consumer/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" \
    -DCMAKE_C_COMPILER="$cc" -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
    -DCMAKE_EXE_LINKER_FLAGS="$flags" >/dev/null
  cmake --build "$tmp/consumer/build" >/dev/null
  readelf -d "$tmp/consumer/build/app_shared" | grep -q "libwfisleep.so.$soversion" ||
    fail "wfisleep::wfisleep is not the shared library"
  if readelf -d "$tmp/consumer/build/app_static" | grep -q libwfisleep; then
    fail "wfisleep::wfisleep_static links the .so"
  fi
  "$tmp/consumer/build/app_shared"
  "$tmp/consumer/build/app_static"
  ;;
*) fail "unknown mode $mode" ;;
esac
echo "run_capi_test $mode: OK"
