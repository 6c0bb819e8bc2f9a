#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""check-release-text.py - does a patch series apply, hunk by hunk, to recorded QEMU release text?

Usage: check-release-text.py [--quiet] SERIES_DIR [TEXT_DIR]

  SERIES_DIR  a directory of NNNN-*.patch files (git format-patch), applied in
              name order; its name is the QEMU line (10.0, 10.2, 11.0, 11.1).
  TEXT_DIR    either one version directory (it holds a MANIFEST) or a root
              holding one directory per release (11.1.0, 11.1.2, ...); from a
              root every version of SERIES_DIR's line is checked.
              Default root: $WFISLEEP_QEMU_RELEASE_TEXT, else
              ${XDG_CACHE_HOME:-~/.cache}/wfisleep/qemu-release-text.

A version directory holds the release's files at their paths in the QEMU
tree (target/arm/hvf/hvf.c, ...) and a MANIFEST, one line per file:
    PATH REPOSITORY COMMIT SHA256 HOW-ESTABLISHED...
('#' starts a comment). Each file's sha256 is checked against it first.

Each hunk is tried alone with `patch -p1 --fuzz=0 --dry-run` against a
scratch copy of the text as the series leaves it up to that patch; then the
patch is applied to the scratch copy for the next one. One line per hunk:
    ok      PATCH FILE hunk N (@@ ... @@): applied at line L (offset K)
    FAILED  PATCH FILE hunk N (@@ ... @@)
    no-text PATCH FILE hunk N: FILE is not in the recorded text
A new file (--- /dev/null) counts as applied when the path is free.

Exit: 0 every hunk whose file is recorded applied (and at least one did);
1 a hunk failed or the text does not match its MANIFEST; 2 bad usage;
77 no release text for the line (one "SKIP: ..." line), or none of the
series' files is recorded.
"""
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

SKIP = 77


def die(msg, code=2):
    print(f"check-release-text: {msg}", file=sys.stderr)
    sys.exit(code)


def default_root():
    env = os.environ.get("WFISLEEP_QEMU_RELEASE_TEXT")
    if env:
        return env
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(cache, "wfisleep", "qemu-release-text")


def read_manifest(vdir):
    entries = []
    with open(os.path.join(vdir, "MANIFEST"), encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split()
            if len(parts) < 4 or not re.fullmatch(r"[0-9a-f]{64}", parts[3]):
                die(f"{vdir}/MANIFEST line {n}: expected 'PATH REPO COMMIT SHA256 HOW...', got: {line}", 1)
            entries.append((parts[0], parts[1], parts[2], parts[3]))
    return entries


def verify_text(vdir, entries):
    ok = True
    for path, _repo, _commit, sha in entries:
        full = os.path.join(vdir, path)
        if not os.path.isfile(full):
            print(f"MISMATCH {os.path.basename(vdir)}: {path} is listed in MANIFEST but absent")
            ok = False
            continue
        with open(full, "rb") as f:
            got = hashlib.sha256(f.read()).hexdigest()
        if got != sha:
            print(f"MISMATCH {os.path.basename(vdir)}: {path} sha256 {got}, MANIFEST says {sha}")
            ok = False
    return ok


def split_patch(path):
    """Return [(old_path, new_path, header_lines, [(hunk_header, hunk_lines)])]."""
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        lines = f.read().split("\n")
    files = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("--- ") and i + 1 < len(lines) and lines[i + 1].startswith("+++ "):
            old = line[4:].split("\t")[0]
            new = lines[i + 1][4:].split("\t")[0]
            header = [line, lines[i + 1]]
            hunks = []
            i += 2
            while i < len(lines) and lines[i].startswith("@@ "):
                m = re.match(r"@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@", lines[i])
                if not m:
                    die(f"{path}: malformed hunk header: {lines[i]}", 1)
                old_n = int(m.group(1)) if m.group(1) is not None else 1
                new_n = int(m.group(2)) if m.group(2) is not None else 1
                body = [lines[i]]
                i += 1
                while (old_n > 0 or new_n > 0) and i < len(lines):
                    l = lines[i]
                    if l.startswith("\\"):
                        body.append(l)
                    elif l.startswith("-"):
                        old_n -= 1
                        body.append(l)
                    elif l.startswith("+"):
                        new_n -= 1
                        body.append(l)
                    elif l.startswith(" ") or l == "":
                        old_n -= 1
                        new_n -= 1
                        body.append(l if l else " ")
                    else:
                        die(f"{path}: hunk ends early at: {l}", 1)
                    i += 1
                if i < len(lines) and lines[i].startswith("\\"):
                    body.append(lines[i])
                    i += 1
                hunks.append((body[0], body))
            files.append((old, new, header, hunks))
            continue
        i += 1
    return files


def strip1(p):
    return p.split("/", 1)[1] if "/" in p else p


def run_patch(workdir, patch_text, dry):
    with tempfile.NamedTemporaryFile("w", suffix=".patch", delete=False,
                                     encoding="utf-8", errors="surrogateescape") as t:
        t.write(patch_text)
        name = t.name
    try:
        cmd = ["patch", "-p1", "--fuzz=0", "--batch", "--forward", "--no-backup-if-mismatch",
               "-r", "-", "-d", workdir, "-i", name]
        if dry:
            cmd.insert(1, "--dry-run")
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        return r.returncode, r.stdout
    finally:
        os.unlink(name)


def check_version(series_dir, patches, vdir, quiet):
    version = os.path.basename(os.path.normpath(vdir))
    entries = read_manifest(vdir)
    if not verify_text(vdir, entries):
        return 1, 0
    recorded = {e[0] for e in entries}
    scratch = tempfile.mkdtemp(prefix="wfisleep-release-text-")
    try:
        for path in recorded:
            dst = os.path.join(scratch, path)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copyfile(os.path.join(vdir, path), dst)
        failed = checked = unchecked = 0
        for p in patches:
            pname = os.path.basename(p)
            applicable = []
            for old, new, header, hunks in split_patch(p):
                target = strip1(new if new != "/dev/null" else old)
                is_new = old == "/dev/null"
                if not is_new and target not in recorded:
                    for n, (hh, _b) in enumerate(hunks, 1):
                        unchecked += 1
                        if not quiet:
                            print(f"no-text {version} {pname} {target} hunk {n}: {target} is not in the recorded text")
                    continue
                if is_new:
                    if os.path.exists(os.path.join(scratch, target)):
                        failed += 1
                        print(f"FAILED  {version} {pname} {target}: new file, but the path exists in the text")
                    else:
                        checked += 1
                        if not quiet:
                            print(f"ok      {version} {pname} {target}: new file")
                    applicable.append("\n".join(header + [l for _h, b in hunks for l in b]) + "\n")
                    continue
                file_ok = True
                for n, (hh, body) in enumerate(hunks, 1):
                    rc, out = run_patch(scratch, "\n".join(header + body) + "\n", dry=True)
                    checked += 1
                    short = hh.split(" @@")[0] + " @@"
                    ctx = hh.split(" @@", 1)[1].strip() if " @@" in hh else ""
                    if rc == 0:
                        m = re.search(r"Hunk #1 succeeded at (\d+)(?: \(offset (-?\d+) lines?\))?", out)
                        if m:
                            where = f"at line {m.group(1)} (offset {m.group(2) or 0})"
                        else:
                            where = "at line " + re.match(r"@@ -(\d+)", hh).group(1) + " (offset 0)"
                        if not quiet:
                            print(f"ok      {version} {pname} {target} hunk {n} ({short} {ctx}): applied {where}")
                    else:
                        failed += 1
                        file_ok = False
                        print(f"FAILED  {version} {pname} {target} hunk {n} ({short} {ctx})")
                if file_ok:
                    applicable.append("\n".join(header + [l for _h, b in hunks for l in b]) + "\n")
            # Carry the applicable part forward so the next patch sees the series' result.
            for text in applicable:
                rc, out = run_patch(scratch, text, dry=False)
                if rc != 0:
                    failed += 1
                    print(f"FAILED  {version} {pname}: hunks that apply one by one do not apply together:\n{out.rstrip()}")
        verdict = "applies" if failed == 0 else f"does NOT apply ({failed} failed)"
        print(f"{'PASS' if failed == 0 and checked else 'FAIL' if failed else 'SKIP'}: "
              f"{os.path.basename(os.path.normpath(series_dir))} series on {version} release text: "
              f"{verdict}; {checked} hunk(s) checked, {unchecked} without recorded text")
        if failed:
            return 1, checked
        return 0, checked
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main(argv):
    quiet = False
    args = []
    for a in argv:
        if a in ("-h", "--help"):
            print(__doc__.strip())
            return 0
        if a == "--quiet":
            quiet = True
        elif a.startswith("-"):
            die(f"unknown option '{a}' (accepted: --quiet, --help)")
        else:
            args.append(a)
    if not 1 <= len(args) <= 2:
        die("usage: check-release-text.py [--quiet] SERIES_DIR [TEXT_DIR]")
    series_dir = args[0]
    if not os.path.isdir(series_dir):
        die(f"SERIES_DIR '{series_dir}' is not a directory (expected e.g. integrations/qemu/patches/hvf/11.1)")
    patches = sorted(os.path.join(series_dir, f) for f in os.listdir(series_dir)
                     if re.match(r"\d{4}-.*\.patch$", f))
    if not patches:
        die(f"SERIES_DIR '{series_dir}' holds no NNNN-*.patch files")
    line = os.path.basename(os.path.normpath(series_dir))
    if not re.fullmatch(r"\d+\.\d+", line):
        die(f"SERIES_DIR '{series_dir}': its name must be the QEMU line, like 11.1")
    text = args[1] if len(args) == 2 else default_root()
    if os.path.isfile(os.path.join(text, "MANIFEST")):
        vdirs = [text]
    elif os.path.isdir(text):
        vdirs = sorted(os.path.join(text, d) for d in os.listdir(text)
                       if re.fullmatch(re.escape(line) + r"\.\d+", d)
                       and os.path.isfile(os.path.join(text, d, "MANIFEST")))
    else:
        vdirs = []
    if not vdirs:
        print(f"SKIP: no recorded QEMU {line}.x release text under {text} "
              f"(a directory {line}.N with a MANIFEST); the {line} series was not applied to release text")
        return SKIP
    worst = 0
    total = 0
    for v in vdirs:
        rc, checked = check_version(series_dir, patches, v, quiet)
        total += checked
        worst = max(worst, rc)
    if worst == 0 and total == 0:
        print(f"SKIP: the recorded {line}.x text holds none of the files the series changes")
        return SKIP
    return worst


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
