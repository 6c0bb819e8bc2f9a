#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""formula_consistency.py - the generated Homebrew formulae agree with the repository.

Usage: formula_consistency.py TAP_DIR REPO_DIR

Checks, printing one line per failure:
  both              a license line; no file:// homepage.
  wfisleep.rb       version = project(wfisleep VERSION) in CMakeLists.txt; its
                    url is a tarball in the tap whose sha256 is the one written;
                    license MIT; it builds with CMake and std_cmake_args; its
                    test compiles a C11 consumer through pkg-config and runs it.
  qemu-wfisleep.rb  url and sha256 = the default 11.1 entry of
                    integrations/qemu/releases.txt; its patches are exactly
                    the 11.1 HVF series (integrations/qemu/patches/hvf/11.1), in
                    order, each with the sha256 of the repository's file and a
                    byte-identical copy in the tap; depends_on "wfisleep",
                    "python-setuptools" => :build and macos: :sequoia;
                    keg-only; configure has --enable-hvf and the wfisleep
                    flags (-DCONFIG_WFISLEEP and pkg-config's, the library
                    checked >= 0.2), never the old --enable-wfisleep option;
                    the test checks --version and otool -L for libwfisleep.
Exit 0 when all hold, 1 otherwise.
"""
import hashlib
import os
import re
import sys


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    if len(sys.argv) != 3:
        print("usage: formula_consistency.py TAP_DIR REPO_DIR", file=sys.stderr)
        return 2
    tap, repo = sys.argv[1], sys.argv[2]
    errs = []

    def need(cond, msg):
        if not cond:
            errs.append(msg)

    w = open(os.path.join(tap, "Formula", "wfisleep.rb")).read()
    q = open(os.path.join(tap, "Formula", "qemu-wfisleep.rb")).read()

    for name, text in (("wfisleep.rb", w), ("qemu-wfisleep.rb", q)):
        need(re.search(r'^\s*license "[^"]+"', text, re.M), "%s: no license" % name)
        need(not re.search(r'^\s*homepage "file://', text, re.M), "%s: a file:// homepage" % name)

    # ---- wfisleep.rb ----
    cm = open(os.path.join(repo, "CMakeLists.txt")).read()
    want_v = re.search(r"project\(wfisleep VERSION ([0-9.]+)", cm).group(1)
    m = re.search(r'^\s*version "([^"]+)"', w, re.M)
    need(re.search(r'^\s*license "MIT"', w, re.M), "wfisleep.rb: the library's licence is not MIT")
    need(m and m.group(1) == want_v, "wfisleep.rb: version %s, CMakeLists.txt says %s" % (m and m.group(1), want_v))
    m = re.search(r'^\s*url "file://([^"]+)"', w, re.M)
    tar = m and m.group(1)
    need(tar and os.path.isfile(tar), "wfisleep.rb: url is not a file in the tap: %s" % tar)
    need(tar and os.path.basename(tar) == "wfisleep-%s.tar.gz" % want_v, "wfisleep.rb: tarball name %s" % tar)
    m = re.search(r'^\s*sha256 "([0-9a-f]{64})"', w, re.M)
    if tar and os.path.isfile(tar):
        need(m and m.group(1) == sha256(tar), "wfisleep.rb: sha256 is not the tarball's")
    for pat, what in [(r"std_cmake_args", "std_cmake_args"), (r'system "cmake", "--install"', "cmake --install"),
                      (r"pkg(conf|-config) --cflags --libs wfisleep", "pkg-config consumer flags"),
                      (r'"-std=c11"', "a C11 consumer"), (r"#include <wfisleep/wfisleep.h>", "the public header"),
                      (r'shell_output\("\./consumer"\)', "running the consumer")]:
        need(re.search(pat, w), "wfisleep.rb: no %s" % what)

    # ---- qemu-wfisleep.rb ----
    rel = [l.split() for l in open(os.path.join(repo, "integrations", "qemu", "releases.txt"))
           if l.strip() and not l.startswith("#")]
    first = next(r for r in rel if r[0].startswith("11.1."))
    m = re.search(r'^\s*url "([^"]+)"', q, re.M)
    need(m and m.group(1) == "https://download.qemu.org/qemu-%s.tar.xz" % first[0],
         "qemu-wfisleep.rb: url %s, releases.txt's 11.1 default is %s" % (m and m.group(1), first[0]))
    shas = re.findall(r'^\s*sha256 "([0-9a-f]{64})"', q, re.M)
    need(shas and shas[0] == first[1], "qemu-wfisleep.rb: source sha256 %s, releases.txt records %s" % (shas[:1], first[1]))
    series_dir = os.path.join(repo, "integrations", "qemu", "patches", "hvf", "11.1")
    series = sorted(n for n in os.listdir(series_dir) if n.endswith(".patch"))
    blocks = re.findall(r'patch do\s+url "file://([^"]+)"\s+sha256 "([0-9a-f]{64})"\s+end', q)
    need([os.path.basename(p) for p, _ in blocks] == series,
         "qemu-wfisleep.rb: patches %s, the 11.1 series is %s" % ([os.path.basename(p) for p, _ in blocks], series))
    for path, digest in blocks:
        name = os.path.basename(path)
        src = os.path.join(series_dir, name)
        if os.path.isfile(src):
            need(digest == sha256(src), "qemu-wfisleep.rb: %s sha256 is not the repository file's" % name)
            need(os.path.isfile(path) and sha256(path) == sha256(src), "tap copy of %s differs from the repository" % name)
    for pat, what in [(r'depends_on "wfisleep"', 'depends_on "wfisleep"'), (r"^\s*keg_only ", "keg_only"),
                      (r'^\s*--enable-hvf$', "--enable-hvf"),
                      (r'"--extra-cflags=-DCONFIG_WFISLEEP #\{wfisleep_cflags\}"', "-DCONFIG_WFISLEEP and the library's cflags"),
                      (r'"--extra-ldflags=#\{wfisleep_libs\}"', "the library's link flags"),
                      (r'"pkgconf", "--atleast-version=0\.2", "wfisleep"', "a wfisleep >= 0.2 check"),
                      (r'Utils\.safe_popen_read\("pkgconf", "--cflags", "wfisleep"\)', "pkg-config --cflags wfisleep"),
                      (r'depends_on "python-setuptools" => :build', "python-setuptools as a build dependency"),
                      (r'^\s*depends_on macos: :sequoia', "the macOS 15 (Sequoia) floor"),
                      (r'qemu-system-aarch64 --version', "a --version test"),
                      (r'otool -L #\{bin\}/qemu-system-aarch64', "an otool -L test"),
                      (r'assert_match "libwfisleep"', "the libwfisleep link check")]:
        need(re.search(pat, q, re.M), "qemu-wfisleep.rb: no %s" % what)

    need("--enable-wfisleep" not in q, "qemu-wfisleep.rb: still uses the removed --enable-wfisleep option")

    for e in errs:
        print("FAIL: " + e)
    print("formula consistency: %d failures" % len(errs))
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
