#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# series_test.sh - the QEMU series without QEMU: glue identical in every series, hunks well formed and guarded.
# Usage: tests/qemu/series_test.sh REPO_DIR
# Covers every HVF series (patches/hvf/LINE) and the TCG series
# (patches/tcg/10.2). Each check is also run on a deliberately broken copy,
# which must fail.
# ok() cannot fail, so "test && ok || bad" is a plain if/else here.
# shellcheck disable=SC2015
set -uo pipefail

repo=${1:?usage: series_test.sh REPO_DIR}
q=$repo/integrations/qemu
lint=$repo/tests/qemu/series_lint.py
series=(hvf/10.2 hvf/10.0 hvf/11.1 hvf/11.0 tcg/10.2)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# shellcheck source-path=SCRIPTDIR source=../common/expect.sh
. "$repo/tests/common/expect.sh"

# The lines a patch adds to FILE (the text of a new file).
embedded() { # patch file
  awk -v f="$2" '
    /^diff --git / { on = ($3 == "a/" f); next }
    on && /^@@/ { body = 1; next }
    on && body && /^\+/ { print substr($0, 2) }' "$1"
}

# ---- the glue: kept once in glue/, carried unchanged by every series ----
out=$("$q/emit-glue.sh" --check 2>&1) && ok || bad "emit-glue.sh --check: $out"
for s in "${series[@]}"; do
  accel=${s%%/*}
  glue=$q/patches/$s/0001-target-arm-wfisleep-glue-core-and-${accel^^}-adapter.patch
  [ -f "$glue" ] || { bad "patches/$s has no glue patch ($(basename "$glue"))"; continue; }
  # Byte for byte, independently of emit-glue.sh (trailing newlines included).
  for f in wfisleep-core.c.inc "wfisleep-$accel.c.inc"; do
    embedded "$glue" "target/arm/wfisleep/$f" >"$tmp/got"
    [ -s "$tmp/got" ] && cmp -s "$tmp/got" "$q/glue/$f" && ok || bad "patches/$s: embedded $f differs from glue/$f"
  done
done
# Every HVF series carries the same 0001, byte for byte.
for d in "$q"/patches/hvf/*/; do
  cmp -s "$d"0001-*.patch "$q"/patches/hvf/10.2/0001-*.patch && ok || bad "$d: 0001 differs from hvf/10.2's"
done
# A changed copy must be caught, in either kind of series.
for s in hvf/10.0 tcg/10.2; do
  rm -rf "$tmp/p1"
  cp -r "$q/patches" "$tmp/p1"
  sed -i 's/wfisleep_vcpu_trap_begin(w->vcpu);/wfisleep_vcpu_trap_begin(w->vcpu); \/* edited *\//' "$tmp/p1/$s"/0001-*.patch
  out=$("$q/emit-glue.sh" --check --patches "$tmp/p1" 2>&1)
  [ $? = 1 ] && grep -q "patches/$s/0001" <<<"$out" && ok || bad "emit-glue.sh --check misses an edited glue copy in $s: $out"
done

# ---- every series: well-formed hunks, all code under CONFIG_WFISLEEP ----
out=$(python3 "$lint" "$q/patches" "${series[@]}" 2>&1) && ok || bad "series lint:"$'\n'"$out"

# Broken copies: an unguarded hook, a hunk whose counts lie, a series without
# glue, a hook in another upstream file.
hooks=0002-target-arm-hvf-let-wfisleep-wait-on-WFI-when-configured.patch
cp -r "$q/patches" "$tmp/p2"
python3 - "$tmp/p2/hvf/10.2/$hooks" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
old = "+#ifdef CONFIG_WFISLEEP\n+    /* After SIG_IPI: a wait this ends takes the signal (see the glue). */\n+    hvf_wfisleep_kick(cpu);\n+#endif\n"
assert old in s
s = s.replace(old, "+    hvf_wfisleep_kick(cpu);\n+\n+\n+\n")
open(p, "w").write(s)
PY
out=$(python3 "$lint" "$tmp/p2" hvf/10.2 2>&1)
[ $? = 1 ] && grep -q 'outside #ifdef CONFIG_WFISLEEP' <<<"$out" && ok || bad "lint accepts an unguarded hook: $out"
sed -i 's/^+    if (qatomic_read(&wfis_tcg_on) \&\& wfis_tcg_wfi(cs)) {$/+    if (wfis_tcg_wfi(cs)) {/;s/^+#endif$/+/' \
  "$tmp/p2/tcg/10.2"/0002-*.patch
out=$(python3 "$lint" "$tmp/p2" tcg/10.2 2>&1)
[ $? = 1 ] && grep -q 'outside #ifdef CONFIG_WFISLEEP' <<<"$out" && ok || bad "lint accepts an unguarded TCG hook: $out"
cp -r "$q/patches" "$tmp/p3"
sed -i '0,/^@@ -\([0-9]*\),6 +\([0-9]*\),10 @@/s//@@ -\1,7 +\2,10 @@/' "$tmp/p3/hvf/11.1/$hooks"
out=$(python3 "$lint" "$tmp/p3" hvf/11.1 2>&1)
[ $? = 1 ] && grep -q 'do not match its body' <<<"$out" && ok || bad "lint accepts a hunk with wrong counts: $out"
cp -r "$q/patches" "$tmp/p4"
rm "$tmp/p4/hvf/11.0"/0001-*.patch
out=$(python3 "$lint" "$tmp/p4" hvf/11.0 2>&1)
[ $? = 1 ] && ok || bad "lint accepts a series without its glue patch: $out"
sed -i 's|/target/arm/hvf/hvf\.c$|/target/arm/hvf/hvf_other.c|' \
  "$tmp/p4/hvf/10.0/$hooks"
out=$(python3 "$lint" "$tmp/p4" hvf/10.0 2>&1)
[ $? = 1 ] && grep -q 'want only the existing target/arm/hvf/hvf.c' <<<"$out" && ok || bad "lint accepts hooks in another file: $out"

finish "qemu series"
