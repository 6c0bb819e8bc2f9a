#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# release_text_test.sh - check-release-text.py on a synthetic release text: passes a good series, fails a broken one, a text that does not match its MANIFEST, and skips (77) without text.
# Usage: tests/qemu/release_text_test.sh REPO_DIR
# fail() exits, so "test && test || fail" is a plain if/else here.
# shellcheck disable=SC2015
set -euo pipefail

repo=${1:?usage: release_text_test.sh REPO_DIR}
check=$repo/integrations/qemu/check-release-text.py
[ -x "$check" ] || { echo "FAIL: $check is missing or not executable"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A tiny "release": one upstream file, a MANIFEST, and a series laid out as
# patches/hvf/LINE is (0001 the new glue file, 0002 one hook hunk).
mkdir -p "$work/text/9.9.1/target/arm/hvf" "$work/series/hvf/9.9"
printf '%s\n' 'static int hvf_wfi(CPUState *cpu)' '{' '    if (cpu_has_work(cpu)) {' \
  '        return 0;' '    }' '' '    return EXCP_HLT;' '}' > "$work/text/9.9.1/target/arm/hvf/hvf.c"
sum=$(sha256sum "$work/text/9.9.1/target/arm/hvf/hvf.c" | cut -d' ' -f1)
echo "target/arm/hvf/hvf.c example/qemu 0000000000000000000000000000000000000000 $sum synthetic" \
  > "$work/text/9.9.1/MANIFEST"
cat > "$work/series/hvf/9.9/0002-hook.patch" <<'PATCH'
--- a/target/arm/hvf/hvf.c
+++ b/target/arm/hvf/hvf.c
@@ -4,5 +4,8 @@ static int hvf_wfi(CPUState *cpu)
         return 0;
     }
 
+#ifdef CONFIG_WFISLEEP
+    hvf_wfisleep_wfi(cpu);
+#endif
     return EXCP_HLT;
 }
PATCH
cat > "$work/series/hvf/9.9/0001-glue.patch" <<'PATCH'
--- /dev/null
+++ b/target/arm/wfisleep/wfisleep-core.c.inc
@@ -0,0 +1 @@
+/* glue */
PATCH

fail() { echo "FAIL: $*"; exit 1; }

out=$("$check" "$work/series/hvf/9.9" "$work/text") || fail "a good series was rejected: $out"
grep -q '^PASS: 9.9 series on 9.9.1' <<<"$out" || fail "no PASS line: $out"

# Broken context: one context line differs from the text -> exit 1, the hunk named.
mkdir -p "$work/b/hvf"; cp -r "$work/series/hvf/9.9" "$work/b/hvf/9.9"
sed -i 's/^     return EXCP_HLT;$/     return EXCP_HALTED;/' "$work/b/hvf/9.9/0002-hook.patch"
set +e; out=$("$check" "$work/b/hvf/9.9" "$work/text"); rc=$?; set -e
[ "$rc" = 1 ] || fail "a broken series gave exit $rc, expected 1: $out"
grep -q '^FAILED  9.9.1 0002-hook.patch target/arm/hvf/hvf.c hunk 1' <<<"$out" || fail "the failed hunk is not named: $out"

# A text that does not match its MANIFEST -> exit 1.
cp -r "$work/text" "$work/text2"
echo '/* edited */' >> "$work/text2/9.9.1/target/arm/hvf/hvf.c"
set +e; out=$("$check" "$work/series/hvf/9.9" "$work/text2"); rc=$?; set -e
[ "$rc" = 1 ] && grep -q '^MISMATCH' <<<"$out" || fail "an edited text was accepted (exit $rc): $out"

# No text for the line -> one SKIP line, exit 77.
mkdir -p "$work/empty"
set +e; out=$("$check" "$work/series/hvf/9.9" "$work/empty"); rc=$?; set -e
[ "$rc" = 77 ] && grep -q '^SKIP: no recorded QEMU 9.9.x release text' <<<"$out" || fail "missing text: exit $rc: $out"

# Bad usage -> exit 2 with a one-line error naming the input.
set +e; out=$("$check" "$work/nonexistent" 2>&1); rc=$?; set -e
[ "$rc" = 2 ] && grep -q "nonexistent" <<<"$out" || fail "bad SERIES_DIR: exit $rc: $out"

echo "release text check: good series passes, broken context and edited text fail, missing text skips"
