#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# broken_patch_test.sh - proves the 10.x check can fail: a copy of the 10.2 series with one broken hook must be rejected.
# Usage: tests/qemu/broken_patch_test.sh REPO_DIR WFISLEEP_BUILD_DIR WORK_DIR
# The copy calls hvf_wfisleep_kick() with a wrong argument count, inside
# #ifdef CONFIG_WFISLEEP: it applies, configures and preprocesses as upstream
# with the option off, so only the CONFIG_WFISLEEP ("on") compile can catch it.
# Exit 77 (skip) when Debian serves no 10.2 source, as the real check does.
set -uo pipefail

repo=${1:?usage: broken_patch_test.sh REPO_DIR WFISLEEP_BUILD_DIR WORK_DIR}
build=${2:?usage: broken_patch_test.sh REPO_DIR WFISLEEP_BUILD_DIR WORK_DIR}
work=${3:?usage: broken_patch_test.sh REPO_DIR WFISLEEP_BUILD_DIR WORK_DIR}
mkdir -p "$work"
series=$work/series-10.2-broken
rm -rf "$series"
cp -r "$repo/integrations/qemu/patches/hvf/10.2" "$series"
hooks=$(find "$series" -maxdepth 1 -name '0002-*.patch' | head -n1)
[ -n "$hooks" ] || { echo "FAIL: the 10.2 HVF series has no 0002 (hooks) patch"; exit 1; }
grep -q '^+    hvf_wfisleep_kick(cpu);$' "$hooks" || { echo "FAIL: the 10.2 series has no kick hook to break"; exit 1; }
sed -i 's/^+    hvf_wfisleep_kick(cpu);$/+    hvf_wfisleep_kick(cpu, 1);/' "$hooks"

out=$("$repo/integrations/qemu/check-qemu-patches.sh" --work "$work/check" --wfisleep-build "$build" \
  --series "$series" 10.2 2>&1)
rc=$?
printf '%s\n' "$out" | tail -n 15
if [ "$rc" = 77 ]; then
  echo "SKIP: qemu 10.2 source not served; the broken copy could not be checked"
  exit 77
fi
if [ "$rc" = 1 ] && grep -q 'does not compile with CONFIG_WFISLEEP' <<<"$out"; then
  echo "broken patch: rejected as it must be (exit 1, the on-build compile failed)"
  exit 0
fi
echo "FAIL: the check accepted a broken 10.2 series or failed for another reason (exit $rc)"
exit 1
