#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""series_lint.py - what can be checked of a QEMU patch series without its QEMU source.

Usage: series_lint.py PATCHES_ROOT SERIES...

SERIES is ACCEL/LINE (hvf/10.2, tcg/10.2, ...), a directory under
PATCHES_ROOT. For each series it checks, and prints one line per failure:
  - the series is 0001 (the glue: new files under target/arm/wfisleep/ only,
    the core and the ACCEL adapter) and 0002 (the hooks: hunks in the one
    upstream file of the accelerator, target/arm/hvf/hvf.c or
    target/arm/tcg/op_helper.c, and nothing else);
  - every hunk is well formed: its line counts match its body, and it applies
    with `patch --fuzz=0` to a preimage built from its own context and removed
    lines (so a hand-written hunk for a QEMU we cannot download is at least a
    valid hunk);
  - in every existing file it touches, every added line is inside an
    `#ifdef CONFIG_WFISLEEP` ... `#endif` block the series adds (with the option
    off the code is upstream's), and the hooked file includes the adapter
    ("../wfisleep/wfisleep-ACCEL.c.inc") there.
Exit 0 when all pass, 1 otherwise.
"""
import os
import re
import subprocess
import sys
import tempfile

HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def parse(patch_text):
    """Yields (path, is_new, hunks); a hunk is (header, [body lines])."""
    files = []
    cur = None
    lines = patch_text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("diff --git "):
            cur = {"path": None, "new": False, "hunks": []}
            files.append(cur)
        elif cur is not None and line.startswith("new file mode"):
            cur["new"] = True
        elif cur is not None and line.startswith("+++ b/"):
            cur["path"] = line[len("+++ b/"):]
        elif cur is not None and HUNK.match(line):
            body = []
            i += 1
            while i < len(lines) and lines[i][:1] in (" ", "+", "-", "\\") and not lines[i].startswith("diff --git "):
                body.append(lines[i])
                i += 1
            cur["hunks"].append((line, body))
            continue
        i += 1
    return files


def check_counts(header, body):
    m = HUNK.match(header)
    old = int(m.group(2) or 1)
    new = int(m.group(4) or 1)
    got_old = sum(1 for l in body if l[:1] in (" ", "-"))
    got_new = sum(1 for l in body if l[:1] in (" ", "+"))
    return old == got_old and new == got_new, (old, new, got_old, got_new)


def applies_to_own_preimage(path, header, body):
    """Builds a file of the hunk's context + removed lines and applies the hunk to it."""
    with tempfile.TemporaryDirectory() as d:
        pre = [l[1:] for l in body if l[:1] in (" ", "-")]
        target = os.path.join(d, "a", path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w") as f:
            f.write("\n".join(pre) + ("\n" if pre else ""))
        m = HUNK.match(header)
        hdr = "@@ -1,%s +1,%s @@" % (m.group(2) or "1", m.group(4) or "1")
        patch = "--- a/%s\n+++ b/%s\n%s\n%s\n" % (path, path, hdr, "\n".join(body))
        r = subprocess.run(["patch", "-p1", "--fuzz=0", "--batch", "--dry-run", "-d", os.path.join(d, "a")],
                           input=patch, text=True, capture_output=True)
        return r.returncode == 0, r.stdout + r.stderr


def strip_guarded(lines):
    """The lines without every #ifdef CONFIG_WFISLEEP ... #endif block (nesting counted)."""
    out, depth = [], 0
    for text in lines:
        t = text.strip()
        if depth == 0 and t == "#ifdef CONFIG_WFISLEEP":
            depth = 1
        elif depth and t.startswith("#if"):
            depth += 1
        elif depth and t == "#endif":
            depth -= 1
        elif depth == 0:
            out.append(text)
    return out if depth == 0 else None


def guarded(body):
    """True when the hunk's result, with our #ifdef CONFIG_WFISLEEP blocks taken out, is its
    original text: whatever it adds is compiled only with the option (blank lines aside)."""
    pre = [l[1:] for l in body if l[:1] in (" ", "-")]
    post = strip_guarded([l[1:] for l in body if l[:1] in (" ", "+")])
    if post is None:
        return False
    return [l for l in post if l.strip()] == [l for l in pre if l.strip()]


HOOKED = {"hvf": "target/arm/hvf/hvf.c", "tcg": "target/arm/tcg/op_helper.c"}


def lint(root, series):
    errs = []
    accel = series.split("/")[0]
    if accel not in HOOKED or series.count("/") != 1:
        return ["%s: not ACCEL/LINE with ACCEL one of %s" % (series, sorted(HOOKED))]
    glue = {"target/arm/wfisleep/wfisleep-core.c.inc", "target/arm/wfisleep/wfisleep-%s.c.inc" % accel}
    include = '#include "../wfisleep/wfisleep-%s.c.inc"' % accel
    d = os.path.join(root, series)
    names = sorted(n for n in os.listdir(d) if n.endswith(".patch")) if os.path.isdir(d) else []
    if [n[:4] for n in names] != ["0001", "0002"]:
        return ["%s: series is %s, want 0001 (glue) and 0002 (hooks)" % (series, names)]
    for name in names:
        text = open(os.path.join(d, name)).read()
        files = parse(text)
        if not files:
            errs.append("%s/%s: no file diffs" % (series, name))
        paths = {f["path"] for f in files}
        if name.startswith("0001") and (paths != glue or not all(f["new"] for f in files)):
            errs.append("%s/%s: adds %s, want exactly the new files %s" % (series, name, sorted(paths), sorted(glue)))
        if name.startswith("0002"):
            if paths != {HOOKED[accel]} or any(f["new"] for f in files):
                errs.append("%s/%s: touches %s, want only the existing %s" % (series, name, sorted(paths), HOOKED[accel]))
            added = [l[1:] for f in files for _, body in f["hunks"] for l in body if l[:1] == "+"]
            if include not in added:
                errs.append("%s/%s: %s does not include the adapter (%s)" % (series, name, HOOKED[accel], include))
        for f in files:
            for header, body in f["hunks"]:
                ok, counts = check_counts(header, body)
                if not ok:
                    errs.append("%s/%s: %s: hunk %s counts %s do not match its body" % (series, name, f["path"], header, counts))
                    continue
                if not f["new"]:
                    ok, out = applies_to_own_preimage(f["path"], header, body)
                    if not ok:
                        errs.append("%s/%s: %s: hunk %s does not apply to its own context: %s" % (series, name, f["path"], header, out.strip()))
                    if not guarded(body):
                        errs.append("%s/%s: %s: hunk %s adds code outside #ifdef CONFIG_WFISLEEP" % (series, name, f["path"], header))
    return errs


def main():
    if len(sys.argv) < 3:
        print(__doc__.strip().split("\n")[2], file=sys.stderr)
        return 2
    root = sys.argv[1]
    errs = []
    for series in sys.argv[2:]:
        errs += lint(root, series)
    for e in errs:
        print("FAIL: " + e)
    print("series lint: %d series, %d failures" % (len(sys.argv) - 2, len(errs)))
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
