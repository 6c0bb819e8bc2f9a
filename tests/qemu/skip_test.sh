#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# skip_test.sh - offline proof that an 11.x line the archive cannot serve is a visible skip (exit 77), not a pass or a failure.
# Usage: tests/qemu/skip_test.sh REPO_DIR WFISLEEP_BUILD_DIR
# A file:// Debian archive made here lists qemu 1:11.1.9+ds-1 in sid (with no
# files behind it) and no 11.0 at all; fetch-qemu-source.sh and
# check-qemu-patches.sh must both exit 77 with "SKIP: qemu 11.1" /
# "SKIP: qemu 11.0" lines. No network is used.
# ok() cannot fail, so "test && ok || bad" is a plain if/else here.
# shellcheck disable=SC2015
set -uo pipefail

repo=${1:?usage: skip_test.sh REPO_DIR WFISLEEP_BUILD_DIR}
build=${2:?usage: skip_test.sh REPO_DIR WFISLEEP_BUILD_DIR}
q=$repo/integrations/qemu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# shellcheck source-path=SCRIPTDIR source=../common/expect.sh
. "$repo/tests/common/expect.sh"

# ---- the archive: sid lists 11.1.9 (unserved) and 10.1.0 (unserved); experimental lists nothing ----
archive=$tmp/archive
stanza() { # version
  local v=$1 f=qemu_${1#*:}.dsc
  printf '%s\n' "Package: qemu" "Binary: qemu-system" "Version: $v" "Maintainer: test <test@example.org>" \
    "Architecture: any" "Format: 3.0 (quilt)" "Directory: pool/main/q/qemu" \
    "Files:" " d41d8cd98f00b204e9800998ecf8427e 0 $f" \
    "Checksums-Sha256:" " e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 0 $f" ""
}
suite() { # name versions...
  local name=$1 d=$archive/dists/$1
  shift
  mkdir -p "$d/main/source"
  : >"$d/main/source/Sources"
  local v
  for v in "$@"; do stanza "$v" >>"$d/main/source/Sources"; done
  {
    printf '%s\n' "Origin: wfisleep-test" "Label: wfisleep-test" "Suite: $name" "Codename: $name" \
      "Date: Tue, 01 Dec 2026 00:00:00 UTC" "Architectures: amd64 source" "Components: main" "SHA256:"
    printf ' %s %s main/source/Sources\n' "$(sha256sum <"$d/main/source/Sources" | cut -d' ' -f1)" \
      "$(stat -c %s "$d/main/source/Sources")"
  } >"$d/Release"
}
suite sid 1:11.1.9+ds-1 1:10.1.0+ds-1
suite experimental
mkdir -p "$archive/pool/main/q/qemu" # listed, never served

export WFISLEEP_DEBIAN_MIRROR=file://$archive
export WFISLEEP_QEMU_CACHE=$tmp/cache

# skip_expect NAME PATTERN CMD...: exit 77 and a line starting with PATTERN (shown).
skip_expect() {
  local name=$1 pat=$2
  shift 2
  expect "$name" 77 "^$pat" "$@"
  printf '%s\n' "$expect_out" | grep -E '^SKIP: ' | sed "s|^|  $name: |"
}

fetch=$q/fetch-qemu-source.sh
skip_expect "fetch 11.1 (listed, not served)" 'SKIP: qemu 11\.1.*1:11\.1\.9\+ds-1.*serves none' "$fetch" 11.1
skip_expect "fetch 11.0 (not listed)" 'SKIP: qemu 11\.0.*no qemu source version 11\.0' "$fetch" 11.0
skip_expect "fetch --tools skips tools for a skipped line" 'SKIP: qemu 11\.0' "$fetch" --tools 11.0
[ ! -d "$tmp/cache/tools" ] && ok || bad "fetch --tools fetched tools although no line was served"

check=$q/check-qemu-patches.sh
out=$("$check" --work "$tmp/work" --wfisleep-build "$build" 11.1 11.0 2>&1)
rc=$?
if [ "$rc" = 77 ] && grep -q '^SKIP: qemu 11\.1' <<<"$out" && grep -q '^SKIP: qemu 11\.0' <<<"$out" &&
  grep -q 'qemu patch check: 0 passed, 0 failed, 2 skipped' <<<"$out"; then
  ok
else
  bad "check 11.1 11.0: exit $rc (want 77 with both SKIP lines); output:"$'\n'"$out"
fi
# The skip is not a pass: nothing was unpacked or configured.
[ -z "$(find "$tmp/work" -maxdepth 2 -name 'build-*' -print -quit 2>/dev/null)" ] && ok || bad "check configured something for a skipped line"

finish "qemu skip"
