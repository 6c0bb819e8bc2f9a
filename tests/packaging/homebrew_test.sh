#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# homebrew_test.sh - what Linux can check of the Homebrew tap generator: arguments, --dry-run, ruby -c, consistency with the series.
# Usage: tests/packaging/homebrew_test.sh REPO_DIR [WFISLEEP_BUILD_DIR]
# Nothing here runs brew. Broken copies prove ruby -c and the consistency
# check can fail. With a build dir, the C11 consumer of wfisleep.rb's test
# block is compiled through pkg-config against that build, installed, and run.
# ok() cannot fail, so "test && ok || bad" is a plain if/else here.
# shellcheck disable=SC2015
set -uo pipefail

repo=${1:?usage: homebrew_test.sh REPO_DIR [WFISLEEP_BUILD_DIR]}
build=${2:-}
gen=$repo/packaging/homebrew/make-tap.sh
consistency=$repo/tests/packaging/formula_consistency.py
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# shellcheck source-path=SCRIPTDIR source=../common/expect.sh
. "$repo/tests/common/expect.sh"

command -v ruby >/dev/null || { echo "FAIL: ruby not installed (scripts/setup.sh installs it)"; exit 1; }
if command -v shellcheck >/dev/null; then
  shellcheck -x "$gen" "$0" && ok || bad "shellcheck"
fi

# ---- arguments ----
expect "--help" 0 'keg-only' "$gen" --help
expect "--help says it is not run under brew here" 0 'Nothing here has been run under brew' "$gen" --help
expect "unknown argument" 2 "unknown argument '--bogus'" "$gen" --bogus
expect "not an 11.1 release" 2 "--qemu-version '11.0.4' is not an 11.1.x release" "$gen" --qemu-version 11.0.4 --dry-run
expect "bad tap name" 2 "--tap 'a/b/c' is not USER/REPO" "$gen" --tap a/b/c --dry-run
expect "--tap-dir needs a value" 2 '--tap-dir needs a directory' "$gen" --tap-dir

# ---- --dry-run: the steps, nothing written ----
export HOME=$tmp/home
mkdir -p "$HOME"
dry=$("$gen" --dry-run --tap-dir "$tmp/dry" 2>&1) || bad "--dry-run failed: $dry"
[ ! -e "$tmp/dry" ] && ok || bad "--dry-run wrote $tmp/dry"
for pat in '^\+ git -C .* archive --format=tar.gz --prefix=wfisleep-[0-9.]+/ ' '^\+ cp .*/patches/hvf/11\.1/0001-.* .*/patches/hvf-11\.1/0001-' \
  '^\+ write .*/Formula/wfisleep\.rb:' '^\+ write .*/Formula/qemu-wfisleep\.rb:' 'class QemuWfisleep < Formula'; do
  grep -qE -- "$pat" <<<"$dry" && ok || bad "--dry-run lacks /$pat/"
done
brewdry=$("$gen" --dry-run 2>&1)
grep -qE '^\+ brew tap-new --no-git local/wfisleep$' <<<"$brewdry" && ok || bad "--dry-run without --tap-dir does not create the tap with brew"$'\n'"$brewdry"
# No public hash for a version: computed here, said so.
norec=$("$gen" --dry-run --qemu-version 11.1.99 --tap-dir "$tmp/dry" 2>&1)
grep -q 'no public sha256 recorded for qemu-11.1.99' <<<"$norec" && grep -q '^+ curl .*qemu-11\.1\.99\.tar\.xz' <<<"$norec" &&
  grep -q 'computed on this machine' <<<"$norec" && ok || bad "--qemu-version without a record: not said plainly"$'\n'"$norec"

# ---- generated tap: ruby -c, consistency ----
out=$("$gen" --tap-dir "$tmp/tap" 2>&1) || bad "generating the tap failed: $out"
for f in wfisleep.rb qemu-wfisleep.rb; do
  ruby -c "$tmp/tap/Formula/$f" >/dev/null && ok || bad "ruby -c $f"
done
out=$(python3 "$consistency" "$tmp/tap" "$repo" 2>&1) && ok || bad "consistency:"$'\n'"$out"
listing=$(tar -tzf "$tmp/tap"/wfisleep-*.tar.gz)
grep -qE '^wfisleep-[0-9.]+/include/wfisleep/wfisleep\.h$' <<<"$listing" && ok ||
  bad "the tarball lacks include/wfisleep/wfisleep.h under wfisleep-VERSION/"

# The formula's own test program, against the real library (Linux stands in for the Mac).
if [ -n "$build" ]; then
  prefix=$tmp/prefix
  if cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1; then
    sed -n '/(testpath\/"consumer.c").write <<~C/,/^    C$/p' "$tmp/tap/Formula/wfisleep.rb" | sed '1d;$d' |
      sed 's/^      //' >"$tmp/consumer.c"
    pc=$(dirname "$(find "$prefix" -name wfisleep.pc | head -n1)")
    read -r -a flags <<<"$(PKG_CONFIG_PATH=$pc pkg-config --cflags --libs wfisleep)"
    if cc -std=c11 -Wall -Werror "$tmp/consumer.c" -o "$tmp/consumer" "${flags[@]}" 2>"$tmp/cc.log"; then
      got=$(LD_LIBRARY_PATH=$prefix/lib:$prefix/lib64 "$tmp/consumer" 2>"$tmp/consumer.err") # stdout, as shell_output reads it
      [ "$got" = ok ] && ok || bad "the formula's consumer printed '$got', want 'ok'"
    else
      bad "the formula's C11 consumer does not compile: $(cat "$tmp/cc.log")"
    fi
  else
    bad "cmake --install $build failed: $(tail -5 "$tmp/install.log")"
  fi
fi

# Broken copies must fail.
cp -r "$tmp/tap" "$tmp/broken1"
printf 'end\n' >>"$tmp/broken1/Formula/qemu-wfisleep.rb"
ruby -c "$tmp/broken1/Formula/qemu-wfisleep.rb" >/dev/null 2>&1 && bad "ruby -c accepts a formula with an extra end" || ok
cp -r "$tmp/tap" "$tmp/broken2"
python3 - "$tmp/broken2/Formula/qemu-wfisleep.rb" <<'PY'
import re, sys
p = sys.argv[1]
s = open(p).read()
s2 = re.sub(r'  patch do\n    url "[^"]*0002-[^"]*"\n    sha256 "[0-9a-f]+"\n  end\n', "", s)
assert s2 != s
open(p, "w").write(s2)
PY
out=$(python3 "$consistency" "$tmp/broken2" "$repo" 2>&1)
[ $? = 1 ] && grep -q 'patches' <<<"$out" && ok || bad "consistency accepts a formula missing a patch: $out"
# broken_sed NAME FORMULA SED-SCRIPT WHAT PATTERN...: a copy of the tap edited
# by SED-SCRIPT must fail the consistency check with every PATTERN in its output.
broken_sed() {
  local name=$1 formula=$2 script=$3 what=$4 out rc pat
  shift 4
  cp -r "$tmp/tap" "$tmp/$name"
  sed -i "$script" "$tmp/$name/Formula/$formula"
  out=$(python3 "$consistency" "$tmp/$name" "$repo" 2>&1)
  rc=$?
  for pat in "$@"; do
    grep -q -- "$pat" <<<"$out" || rc=0
  done
  [ "$rc" = 1 ] && ok || bad "consistency accepts $what: $out"
}
broken_sed broken3 wfisleep.rb 's/^  version "[0-9.]*"/  version "9.9.9"/' "a wrong wfisleep version" 'version 9.9.9'
broken_sed broken4 wfisleep.rb 's|^  url "file://\(.*\)"$|  homepage "file:///nowhere"\n  url "file://\1"|' \
  "a file:// homepage" 'file:// homepage'
broken_sed broken5 qemu-wfisleep.rb 's|^      --enable-hvf$|      --enable-hvf\n      --enable-wfisleep|' \
  "the removed --enable-wfisleep" 'enable-wfisleep'
broken_sed broken6 qemu-wfisleep.rb '/depends_on macos: :sequoia/d; /depends_on "python-setuptools"/d' \
  "a formula without the macOS floor or setuptools" 'Sequoia' 'python-setuptools'
grep -q 'No public homepage exists yet' "$tmp/tap/Formula/wfisleep.rb" && ok || bad "wfisleep.rb does not say that no public homepage exists"

finish "homebrew"
