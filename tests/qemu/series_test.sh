#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# series_test.sh - the QEMU series without QEMU: shared glue identical in every series, hunks well formed and guarded.
# Usage: tests/qemu/series_test.sh REPO_DIR
# Each check is also run on a deliberately broken copy, which must fail.
# ok() cannot fail, so "test && ok || bad" is a plain if/else here.
# shellcheck disable=SC2015
set -uo pipefail

repo=${1:?usage: series_test.sh REPO_DIR}
q=$repo/integrations/qemu
lint=$repo/tests/qemu/series_lint.py
lines=(10.2 10.0 11.1 11.0)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# shellcheck source-path=SCRIPTDIR source=../common/expect.sh
. "$repo/tests/common/expect.sh"

# ---- the glue: one file, carried unchanged by every series ----
out=$("$q/emit-glue.sh" --check 2>&1) && ok || bad "emit-glue.sh --check: $out"
for l in "${lines[@]}"; do
  [ -f "$q/patches/$l/0002-target-arm-hvf-wfisleep-glue.patch" ] && ok || bad "patches/$l has no shared glue patch"
done
# The glue patch's files are byte-identical to glue/ (independently of emit-glue.sh).
for f in hvf-wfisleep.c hvf-wfisleep.h; do
  for l in "${lines[@]}"; do
    got=$(awk -v f="target/arm/hvf/$f" '
      /^diff --git / { on = ($3 == "a/" f) ; next }
      on && /^@@/ { body = 1; next }
      on && body && /^\+/ { print substr($0, 2) }' "$q/patches/$l/0002-target-arm-hvf-wfisleep-glue.patch")
    [ -n "$got" ] && [ "$got" = "$(cat "$q/glue/$f")" ] && ok || bad "patches/$l: embedded $f differs from glue/$f"
  done
done
# A changed copy must be caught.
cp -r "$q/patches" "$tmp/p1"
sed -i 's/wfisleep_vcpu_trap_begin(w->vcpu);/wfisleep_vcpu_trap_begin(w->vcpu); \/* edited *\//' \
  "$tmp/p1/10.0/0002-target-arm-hvf-wfisleep-glue.patch"
out=$("$q/emit-glue.sh" --check --patches "$tmp/p1" 2>&1)
[ $? = 1 ] && grep -q 'patches/10.0/0002' <<<"$out" && ok || bad "emit-glue.sh --check misses an edited glue copy: $out"

# ---- every series: well-formed hunks, all code under CONFIG_WFISLEEP, ABI 0.2 ----
out=$(python3 "$lint" "$q/patches" "${lines[@]}" 2>&1) && ok || bad "series lint:"$'\n'"$out"
grep -q 'version: .>= 0.2.' "$q/patches/10.2/0001-meson-add-the-wfisleep-feature-option.patch" && ok ||
  bad "10.2 meson option does not require wfisleep >= 0.2"

# Broken copies: an unguarded hook, a hunk whose counts lie, a series without glue.
cp -r "$q/patches" "$tmp/p2"
python3 - "$tmp/p2/10.2/0003-target-arm-hvf-let-wfisleep-wait-on-WFI-when-configured.patch" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
old = "+#ifdef CONFIG_WFISLEEP\n+    /* Ends a wfisleep wait of this vCPU in progress, or its next one. */\n+    hvf_wfisleep_kick(cpu);\n+#endif\n"
assert old in s
s = s.replace(old, "+    hvf_wfisleep_kick(cpu);\n+\n+\n+\n")
open(p, "w").write(s)
PY
out=$(python3 "$lint" "$tmp/p2" 10.2 2>&1)
[ $? = 1 ] && grep -q 'outside #ifdef CONFIG_WFISLEEP' <<<"$out" && ok || bad "lint accepts an unguarded hook: $out"
cp -r "$q/patches" "$tmp/p3"
sed -i '0,/^@@ -\([0-9]*\),6 +\([0-9]*\),10 @@/s//@@ -\1,7 +\2,10 @@/' \
  "$tmp/p3/11.1/0003-target-arm-hvf-let-wfisleep-wait-on-WFI-when-configured.patch"
out=$(python3 "$lint" "$tmp/p3" 11.1 2>&1)
[ $? = 1 ] && grep -q 'do not match its body' <<<"$out" && ok || bad "lint accepts a hunk with wrong counts: $out"
cp -r "$q/patches" "$tmp/p4"
rm "$tmp/p4/11.0/0002-target-arm-hvf-wfisleep-glue.patch"
out=$(python3 "$lint" "$tmp/p4" 11.0 2>&1)
[ $? = 1 ] && ok || bad "lint accepts a series without its glue patch: $out"

finish "qemu series"
