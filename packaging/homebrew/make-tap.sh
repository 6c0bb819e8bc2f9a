#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make-tap.sh - creates a local Homebrew tap on your Mac with wfisleep.rb and qemu-wfisleep.rb, generated from this checkout.
#
# Usage: packaging/homebrew/make-tap.sh [options]
#   --tap USER/REPO    tap name (default: local/wfisleep; brew keeps it as
#                      USER/homebrew-REPO under its Taps directory)
#   --tap-dir DIR      write the tap into DIR instead (no brew needed: any OS,
#                      for inspection or the project's tests)
#   --qemu-version V   QEMU 11.1.x release to patch (default: the 11.1 entry
#                      of integrations/qemu/releases.txt)
#   --dry-run          print the steps and the formulae; write nothing (any OS)
#   -h, --help
#
# What it writes into the tap:
#   wfisleep-VERSION.tar.gz   this checkout's committed files (git archive HEAD)
#   patches/hvf-11.1/*.patch  the 11.1 HVF series, as in
#                             integrations/qemu/patches/hvf/11.1
#   Formula/wfisleep.rb       the library (MIT): CMake with std_cmake_args; its
#                             test compiles and runs a C11 consumer via pkg-config
#   Formula/qemu-wfisleep.rb  QEMU 11.1.x + the series as formula patches
#                             (GPL-2.0-or-later; QEMU as a whole GPL-2.0-only),
#                             configured with -DCONFIG_WFISLEEP and wfisleep's
#                             pkg-config flags; depends_on "wfisleep", macOS 15
#                             (Sequoia) or later on arm64, keg-only (never
#                             shadows the qemu formula); its test checks
#                             --version, that otool -L lists libwfisleep and
#                             that the binary is signed with the hypervisor
#                             entitlement
# Its configure flags are compared, one by one, with Homebrew's own qemu
# formula in comments inside qemu-wfisleep.rb.
# On macOS 14 (Sonoma) the formula refuses to install (11.1's HVF backend
# needs the macOS 15 SDK): build the 11.0 or 10.2 line by hand with
# scripts/rebuild-qemu.sh --line 11.0 (or 10.2) instead.
# The QEMU tarball is pinned by the sha256 recorded in releases.txt (with its
# public source). For a version without a record the script downloads the
# tarball here, computes its sha256 on this machine, and says so: that hash is
# then yours to compare with QEMU's signed release.
#
# Then: brew install --build-from-source USER/REPO/qemu-wfisleep
# Nothing here has been run under brew by the project (it has no Mac);
# Linux checks ruby -c on the formulae and their consistency with the series.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
usage() { sed -n '2,/^set -euo/{/^set -euo/d;/SPDX-License-Identifier/d;s/^# \{0,1\}//;p}' "$0"; }
die() { echo "make-tap.sh: $*" >&2; exit 2; }
qemu_releases=$repo/integrations/qemu/releases.txt
# shellcheck source-path=SCRIPTDIR source=../../scripts/lib/qemu-releases.sh
. "$repo/scripts/lib/qemu-releases.sh"
# shellcheck source-path=SCRIPTDIR source=../../scripts/lib/dry-run.sh
. "$repo/scripts/lib/dry-run.sh"

tap=local/wfisleep
tap_dir=""
qemu_version=""
dry=0
while [ $# -gt 0 ]; do
  case $1 in
    --tap) tap=${2:-}; shift ;;
    --tap-dir) tap_dir=${2:-}; [ -n "$tap_dir" ] || die "--tap-dir needs a directory"; shift ;;
    --qemu-version) qemu_version=${2:-}; shift ;;
    --dry-run) dry=1 ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown argument '$1' (accepted: --tap USER/REPO, --tap-dir DIR, --qemu-version 11.1.X, --dry-run, --help)" ;;
  esac
  shift
done
[[ $tap =~ ^[A-Za-z0-9_-]+/[A-Za-z0-9_-]+$ ]] || die "--tap '$tap' is not USER/REPO (letters, digits, - and _)"
qemu_version=${qemu_version:-$(qemu_default_version 11.1)}
[[ $qemu_version =~ ^11\.1\.[0-9]+$ ]] || die "--qemu-version '$qemu_version' is not an 11.1.x release (the tap carries the 11.1 series)"

# The library version, from the CMake project.
wfis_version=$(sed -n 's/^project(wfisleep VERSION \([0-9.]*\).*/\1/p' "$repo/CMakeLists.txt")
[ -n "$wfis_version" ] || { echo "make-tap.sh: no project(wfisleep VERSION ...) in $repo/CMakeLists.txt" >&2; exit 1; }
series_dir=$(qemu_series_dir "$repo" 11.1)
series=("$series_dir"/*.patch)
[ -e "${series[0]}" ] || { echo "make-tap.sh: no 11.1 series in $series_dir" >&2; exit 1; }

if [ -z "$tap_dir" ]; then
  if [ "$dry" = 0 ] && ! command -v brew >/dev/null; then
    echo "make-tap.sh: brew not found; install Homebrew, or use --tap-dir DIR to write the tap elsewhere" >&2
    exit 1
  fi
  brew_repo=$( (command -v brew >/dev/null && brew --repository) || echo /opt/homebrew)
  tap_dir=$brew_repo/Library/Taps/${tap%%/*}/homebrew-${tap#*/}
  make_tap=1
else
  make_tap=0
fi

sha256_of() { # file
  if command -v sha256sum >/dev/null; then sha256sum "$1" | cut -d' ' -f1; else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

# ---- 1. the tap and what the formulae point at ----
if [ "$make_tap" = 1 ] && { [ "$dry" = 1 ] || [ ! -d "$tap_dir" ]; }; then
  run brew tap-new --no-git "$tap"
fi
run mkdir -p "$tap_dir/Formula" "$tap_dir/patches/hvf-11.1"
tarball=$tap_dir/wfisleep-$wfis_version.tar.gz
if [ -d "$repo/.git" ] || git -C "$repo" rev-parse --git-dir >/dev/null 2>&1; then
  if [ -n "$(git -C "$repo" status --porcelain 2>/dev/null)" ]; then
    echo "make-tap.sh: note: the checkout has uncommitted changes; the tarball holds HEAD only" >&2
  fi
  run git -C "$repo" archive --format=tar.gz --prefix="wfisleep-$wfis_version/" -o "$tarball" HEAD
else
  run tar -C "$(dirname "$repo")" --exclude=build --exclude=.git -czf "$tarball" \
    --transform "s|^$(basename "$repo")|wfisleep-$wfis_version|" "$(basename "$repo")"
fi
if [ "$dry" = 1 ]; then tar_sha="<sha256 of $tarball>"; else tar_sha=$(sha256_of "$tarball"); fi

patch_blocks=""
for p in "${series[@]}"; do
  dest=$tap_dir/patches/hvf-11.1/$(basename "$p")
  run cp "$p" "$dest"
  patch_blocks+="  patch do
    url \"file://$dest\"
    sha256 \"$(sha256_of "$p")\"
  end
"
done

qemu_url=https://download.qemu.org/qemu-$qemu_version.tar.xz
qemu_sha=$(qemu_recorded_sha256 "$qemu_version")
if [ -n "$qemu_sha" ]; then
  qemu_note="sha256 from integrations/qemu/releases.txt: $(qemu_hash_source "$qemu_version")"
else
  echo "make-tap.sh: no public sha256 recorded for qemu-$qemu_version.tar.xz: downloading it to compute one on this machine (not checked against anything; compare it with QEMU's signed release yourself)" >&2
  run curl -fL --retry 3 -o "$tap_dir/qemu-$qemu_version.tar.xz" "$qemu_url"
  if [ "$dry" = 1 ]; then
    qemu_sha="<sha256 computed here>"
  else
    qemu_sha=$(sha256_of "$tap_dir/qemu-$qemu_version.tar.xz")
  fi
  qemu_note="sha256 computed on this machine by make-tap.sh (no public record found; not verified)"
fi

# ---- 2. the formulae ----
wfisleep_rb=$(
  cat <<RUBY
# Generated by packaging/homebrew/make-tap.sh from $repo; regenerate rather than edit.
class Wfisleep < Formula
  desc "How a hypervisor's vCPU thread waits after a guest WFI/HLT (C library)"
  # No public homepage exists yet, so none is given (brew audit would flag
  # that; installing does not need one). The source is this tap's tarball.
  url "file://$tarball"
  version "$wfis_version"
  sha256 "$tar_sha"
  license "MIT"

  depends_on "cmake" => :build
  depends_on "ninja" => :build
  depends_on "pkgconf" => :test

  def install
    system "cmake", "-S", ".", "-B", "build", "-G", "Ninja",
           "-DWFISLEEP_BUILD_TESTS=OFF", "-DWFISLEEP_BUILD_BENCHMARKS=OFF",
           "-DWFISLEEP_BUILD_TESTBED=OFF", *std_cmake_args
    system "cmake", "--build", "build", "--target", "wfisleep_static", "wfisleep_shared"
    system "cmake", "--install", "build"
  end

  test do
    (testpath/"consumer.c").write <<~C
      #include <stdio.h>
      #include <string.h>
      #include <wfisleep/wfisleep.h>

      int main(void)
      {
          const char *vars[] = { "WFISLEEP_POLICY=adaptive", NULL };
          wfisleep_config *cfg = NULL;
          wfisleep_vcpu *vcpu;
          char err[256];

          if (wfisleep_version() != WFISLEEP_VERSION) {
              return 1;
          }
          if (wfisleep_config_parse(&cfg, vars, err, sizeof(err)) != 0) {
              puts(err);
              return 2;
          }
          if (strcmp(wfisleep_config_policy(cfg), "adaptive") != 0) {
              return 3;
          }
          vcpu = wfisleep_vcpu_new(cfg, wfisleep_now_ns());
          if (!vcpu) {
              return 4;
          }
          wfisleep_vcpu_kick(vcpu);
          wfisleep_vcpu_free(vcpu);
          wfisleep_config_free(cfg);
          puts("ok");
          return 0;
      }
    C
    flags = shell_output("pkgconf --cflags --libs wfisleep").split
    system ENV.cc, "-std=c11", "consumer.c", "-o", "consumer", *flags
    assert_equal "ok", shell_output("./consumer").strip
  end
end
RUBY
)
qemu_rb=$(
  cat <<RUBY
# Generated by packaging/homebrew/make-tap.sh from $repo; regenerate rather than edit.
class QemuWfisleep < Formula
  desc "QEMU (aarch64 system emulator) whose HVF WFI wait can use wfisleep"
  homepage "https://www.qemu.org/"
  url "$qemu_url"
  # $qemu_note
  sha256 "$qemu_sha"
  # QEMU is GPL-2.0-only as a whole; the wfisleep glue and hunks added by the
  # patches below are GPL-2.0-or-later; libwfisleep (linked) is MIT.
  license "GPL-2.0-only"

  keg_only "it is a patched QEMU and must not shadow the qemu formula"

  # Build dependencies as in Homebrew's qemu formula for 11.1, except
  # spice-protocol (no --enable-spice here). python-setuptools: QEMU 11.1
  # builds its qemu.qmp package, and Python 3.12+ no longer ships setuptools.
  depends_on "bison" => :build
  depends_on "libtool" => :build
  depends_on "meson" => :build
  depends_on "ninja" => :build
  depends_on "pkgconf" => :build
  depends_on "python-setuptools" => :build
  depends_on "python@3.14" => :build # keep aligned with meson, as Homebrew's qemu does
  depends_on arch: :arm64
  depends_on "dtc"
  depends_on "glib"
  depends_on "libslirp"
  # QEMU 11.1's arm64 HVF backend needs the macOS 15 SDK (EL2 registers,
  # Apple's in-kernel GIC); Homebrew's qemu formula builds it without HVF on
  # Sonoma and older, which would leave nothing for wfisleep to do. On
  # Sonoma build QEMU 11.0 or 10.2 by hand: scripts/rebuild-qemu.sh --line 11.0.
  depends_on macos: :sequoia
  depends_on "pixman"
  depends_on "wfisleep"

  uses_from_macos "flex" => :build

  # The wfisleep HVF series for QEMU 11.1 (integrations/qemu/patches/hvf/11.1).
$patch_blocks
  def install
    ENV["LIBTOOL"] = "glibtool" # as Homebrew's qemu formula does

    # Use Homebrew's meson rather than the wheel QEMU bundles; keep the other
    # bundled pure-Python wheels (pycotap, qemu.qmp), as Homebrew's qemu does.
    rm Dir["python/wheels/meson-*.whl"]

    # The library as QEMU's build will see it (the patches need >= 0.2).
    system "pkgconf", "--atleast-version=0.2", "wfisleep"
    wfisleep_cflags = Utils.safe_popen_read("pkgconf", "--cflags", "wfisleep").strip
    wfisleep_libs = Utils.safe_popen_read("pkgconf", "--libs", "wfisleep").strip

    # Compared with Homebrew's qemu formula (11.1), flag by flag:
    # adopted:  --prefix, --cc, --host-cc, --disable-bsd-user, --disable-download,
    #           --disable-guest-agent, --enable-slirp, --enable-fdt=system,
    #           --disable-sdl, and on macOS --disable-gtk --enable-cocoa.
    # added:    --target-list=aarch64-softmmu (only the arm64 HVF backend is
    #           patched; Homebrew builds every target), --enable-hvf (fail at
    #           configure rather than build without HVF), --disable-docs (no
    #           Sphinx dependency), and the wfisleep flags (-DCONFIG_WFISLEEP
    #           plus the library's pkg-config flags; the series needs no
    #           change to QEMU's build files).
    # left out: --enable-capstone, --enable-curses (and its
    #           -DNCURSES_WIDECHAR=1), --enable-libssh, --enable-vde,
    #           --enable-virtfs, --enable-zstd and --smbd: each needs a
    #           dependency that idle measurements of an aarch64 guest do not
    #           use (disassembler, curses display, ssh block driver, VDE
    #           networking, 9p shares, zstd migration, Samba shares); install
    #           Homebrew's qemu beside this keg-only formula for those.
    args = %W[
      --prefix=#{prefix}
      --cc=#{ENV.cc}
      --host-cc=#{ENV.cc}
      --target-list=aarch64-softmmu
      --disable-bsd-user
      --disable-download
      --disable-guest-agent
      --disable-docs
      --enable-hvf
      --enable-slirp
      --enable-fdt=system
      --disable-sdl
      --disable-gtk
      --enable-cocoa
    ]
    args << "--extra-cflags=-DCONFIG_WFISLEEP #{wfisleep_cflags}"
    args << "--extra-ldflags=#{wfisleep_libs}"

    system "./configure", *args
    system "make", "V=1", "install"
  end

  test do
    assert_match version.to_s, shell_output("#{bin}/qemu-system-aarch64 --version")
    assert_match "libwfisleep", shell_output("otool -L #{bin}/qemu-system-aarch64")
    assert_path_exists share/"qemu/edk2-aarch64-code.fd"
    # QEMU's install signs the binary with the hypervisor entitlement; a
    # broken signature would make -accel hvf fail at run time.
    output = shell_output("codesign --verify --verbose #{bin}/qemu-system-aarch64 2>&1")
    assert_match "valid on disk", output
    assert_match "com.apple.security.hypervisor",
                 shell_output("codesign -d --entitlements - #{bin}/qemu-system-aarch64 2>&1")
  end
end
RUBY
)

write_file() { # path content
  if [ "$dry" = 1 ]; then
    printf '+ write %s:\n%s\n' "$(shquote "$1")" "$2"
  else
    printf '%s\n' "$2" >"$1"
  fi
}
write_file "$tap_dir/Formula/wfisleep.rb" "$wfisleep_rb"
write_file "$tap_dir/Formula/qemu-wfisleep.rb" "$qemu_rb"

echo "tap $tap in $tap_dir: wfisleep $wfis_version, qemu-wfisleep $qemu_version with ${#series[@]} patches"
if [ "$make_tap" = 1 ]; then
  echo "Next: brew install --build-from-source $tap/qemu-wfisleep   (keg-only: $(
    [ -n "${brew_repo:-}" ] && echo "\$(brew --prefix qemu-wfisleep)/bin/qemu-system-aarch64"))"
fi
