#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# check-qemu-patches.sh - Linux check of the QEMU patch series (HVF, and TCG where one exists): apply, configure, syntax-check against shims.
#
# Usage: check-qemu-patches.sh [options] [LINE...]
#   LINE                  10.2, 10.0, 11.1, 11.0 (default: all four)
#   --series DIR          apply the patches in DIR instead of patches/hvf/LINE
#                         (one LINE only; the TCG series is then not checked;
#                         the tests use it to prove that a broken patch fails)
#   --work DIR            scratch dir (default: build/qemu-check under the repo)
#   --wfisleep-build DIR  install the library from this CMake build dir
#   --wfisleep-prefix DIR use a library already installed there
#                         (default: build the library from this repo)
#   --keep                keep the unpacked trees afterwards
#   -h, --help
#
# Per line it:
#  1. fetches the QEMU release source from Debian (fetch-qemu-source.sh,
#     cached; exit 77 with a line "SKIP: qemu LINE..." when Debian serves
#     no source of the line, as for 11.1 and 11.0 today),
#  2. unpacks it, configures it unpatched (minimal aarch64-softmmu),
#  3. runs QEMU's scripts/checkpatch.pl on every patch of patches/hvf/LINE/
#     (errors fail) and applies it with no fuzz,
#  4. configures the patched tree "off" (as upstream) and "on":
#     --extra-cflags="-DCONFIG_WFISLEEP $(pkg-config --cflags wfisleep)"
#     --extra-ldflags="$(pkg-config --libs wfisleep)" with the installed
#     library's real wfisleep.pc,
#  5. checks "off" is upstream: config-host.h and every ninja command equal
#     the unpatched tree's (no build file is patched), and hvf.c
#     preprocesses to exactly the upstream text with CONFIG_HVF defined,
#  6. compiles target/arm/hvf/hvf.c (and any other hvf file the series
#     touches) with -fsyntax-only, CONFIG_HVF defined, using the real compile
#     line from `ninja -t commands` turned into an aarch64 one
#     (aarch64-linux-gnu-gcc: hvf code is arm64-only) against the
#     declaration-only Hypervisor/Mach shims in shim/: upstream, patched
#     off and on; the patch may add no diagnostics. "On" compiles the glue
#     core and the HVF adapter too: hvf.c includes them.
#  7. where patches/tcg/LINE exists (10.2): checkpatch, applies it with no
#     fuzz to a copy of upstream's target/arm/tcg, and compiles its
#     op_helper.c (glue included) with the configured "on" build's own
#     compile line; "off" preprocesses exactly as upstream. Full TCG builds
#     are tcg-builds.sh's job.
# Nothing here runs HVF (macOS only): this proves the series applies and
# compiles against the public API as declared, not that it works.
#
# Exit: 0 pass, 1 fail, 2 usage, 77 every requested line skipped.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

usage() { sed -n '2,/^set -euo/{/^set -euo/d;/SPDX-License-Identifier/d;s/^# \{0,1\}//;p}' "$0"; }

work=$repo/build/qemu-check
wfis_build=""
wfis_prefix=""
keep=0
series=""
lines=()
die() { echo "check-qemu-patches.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --work) work=${2:-}; [ -n "$work" ] || die "--work needs a directory"; shift ;;
    --wfisleep-build) wfis_build=${2:-}; [ -n "$wfis_build" ] || die "--wfisleep-build needs a CMake build directory"; shift ;;
    --wfisleep-prefix) wfis_prefix=${2:-}; [ -n "$wfis_prefix" ] || die "--wfisleep-prefix needs a directory"; shift ;;
    --keep) keep=1 ;;
    --series) series=${2:-}; [ -d "$series" ] || die "--series needs a directory of patches"; shift ;;
    -h | --help) usage; exit 0 ;;
    10.2 | 10.0 | 11.1 | 11.0) lines+=("$1") ;;
    *) die "unknown argument '$1' (accepted: 10.2, 10.0, 11.1, 11.0, --work DIR, --wfisleep-build DIR, --wfisleep-prefix DIR, --series DIR, --keep, --help)" ;;
  esac
  shift
done
[ ${#lines[@]} -gt 0 ] || lines=(10.2 10.0 11.1 11.0)
if [ -n "$series" ]; then
  [ ${#lines[@]} -eq 1 ] || die "--series needs exactly one LINE"
  series=$(cd "$series" && pwd)
fi
for tool in aarch64-linux-gnu-gcc ninja pkg-config python3 patch cmake; do
  command -v "$tool" >/dev/null || { echo "check-qemu-patches.sh: '$tool' not found (scripts/setup.sh installs it)" >&2; exit 1; }
done
mkdir -p "$work"
work=$(cd "$work" && pwd)
# One check per work dir at a time (ctest may start the lines in parallel:
# they use separate work dirs).
exec 8>"$work/.lock"
flock -w 1800 8 || { echo "check-qemu-patches.sh: $work is busy (another check holds $work/.lock)" >&2; exit 1; }

log() { printf '[qemu-check %s] %s\n' "$(date +%T)" "$*"; }
fail() { printf '[qemu-check] FAIL: %s\n' "$*" >&2; exit 1; }

# ---- the library, installed where pkg-config finds its real wfisleep.pc ----
install_wfisleep() {
  local prefix=$work/wfisleep-prefix
  if [ -n "$wfis_prefix" ]; then
    prefix=$(cd "$wfis_prefix" && pwd)
  else
    local build=$wfis_build
    if [ -z "$build" ]; then
      build=$work/wfisleep-build
      log "building the wfisleep library from $repo"
      cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DWFISLEEP_BUILD_TESTS=OFF -DWFISLEEP_BUILD_BENCHMARKS=OFF -DWFISLEEP_BUILD_TESTBED=OFF \
        >"$work/wfisleep-configure.log" 2>&1 || fail "configuring wfisleep; see $work/wfisleep-configure.log"
      cmake --build "$build" --target wfisleep_static wfisleep_shared >"$work/wfisleep-build.log" 2>&1 ||
        fail "building wfisleep; see $work/wfisleep-build.log"
    fi
    rm -rf "$prefix"
    cmake --install "$build" --prefix "$prefix" >"$work/wfisleep-install.log" 2>&1 ||
      fail "installing wfisleep from $build; see $work/wfisleep-install.log"
  fi
  local pc
  pc=$(find "$prefix" -name wfisleep.pc -path '*pkgconfig*' | head -n1)
  [ -n "$pc" ] || fail "no wfisleep.pc under $prefix"
  PKG_CONFIG_PATH=$(dirname "$pc")${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
  export PKG_CONFIG_PATH
  pkg-config --exists wfisleep || fail "pkg-config does not accept $pc"
  log "wfisleep $(pkg-config --modversion wfisleep) from $pc"
}

# ---- per line ---------------------------------------------------------------------
configure_qemu() { # srcdir builddir extra-args...
  local src=$1 dir=$2
  shift 2
  mkdir -p "$dir"
  (cd "$dir" && "$src/configure" --python=/usr/bin/python3 --target-list=aarch64-softmmu \
    --disable-docs --without-default-features --disable-werror --disable-install-blobs "$@") \
    >"$dir.configure.log" 2>&1 || fail "configure $* in $dir failed; see $dir.configure.log"
}

# The aarch64 -fsyntax-only command for hvf sources, from the real compile
# line of a file of the same source set (arm_system_ss) in this build.
compile_template() { # builddir outfile
  local dir=$1 out=$2 obj=libqemu-aarch64-softmmu.a.p/target_arm_arm-qmp-cmds.c.o
  (cd "$dir" && ninja -t commands "$obj" | tail -n1) >"$out.orig"
  grep -q 'arm-qmp-cmds.c' "$out.orig" || fail "no compile line for $obj in $dir"
  /usr/bin/python3 - "$out.orig" "$out" <<'PY'
import shlex, sys
argv = shlex.split(open(sys.argv[1]).read())
out, skip = ["aarch64-linux-gnu-gcc"], False
for a in argv[1:]:
    if skip:
        skip = False
        continue
    if a in ("-MQ", "-MF", "-o", "-c"):
        skip = True          # dependency/output files and the source itself
        continue
    if a in ("-MD", "-m64", "-mcx16", "-msse2"):
        continue             # x86-only flags of this (x86-64) build
    a = a.replace("/host/include/x86_64", "/host/include/aarch64").replace("/tcg/i386", "/tcg/aarch64")
    out.append(a)
open(sys.argv[2], "w").write(" ".join(shlex.quote(x) for x in out) + "\n")
PY
}

# Runs the template on one file; extra flags before the template's own.
run_cc() { # builddir template pre-flags(string) file extra...
  local dir=$1 tmpl=$2 pre=$3 file=$4
  shift 4
  local -a cmd pre_a
  read -r -a pre_a <<<"$pre"
  eval "cmd=($(cat "$tmpl"))"
  (cd "$dir" && "${cmd[0]}" "${pre_a[@]}" "${cmd[@]:1}" -isystem "$here/shim" -DCONFIG_HVF=1 "$@" "$file")
}

# Diagnostics without paths, line and column numbers, sorted: what the patch
# must not change.
norm_diag() { sed -nE 's/^[^ :]*:[0-9]+:[0-9]+: (warning|error): /\1: /p' "$1" | sort; }

# QEMU's style checker on each patch (errors fail, warnings shown), then
# the patch applied with no fuzz.
apply_series() { # tree patch...
  local tree=$1 p
  shift
  for p in "$@"; do
    if [ -f "$src/scripts/checkpatch.pl" ] && command -v perl >/dev/null; then
      (cd "$src" && perl scripts/checkpatch.pl --no-signoff --terse "$p") >"$lw/checkpatch.log" 2>&1 ||
        { cat "$lw/checkpatch.log"; fail "$line: scripts/checkpatch.pl reports errors in $(basename "$p")"; }
      echo "  checkpatch $(basename "$p"): $(grep -E '^total:' "$lw/checkpatch.log" | head -n1 || true)" |
        sed 's/: $/: clean/'
    fi
    (cd "$tree" && patch -p1 --fuzz=0 --batch --forward --no-backup-if-mismatch <"$p") >"$lw/patch.log" 2>&1 ||
      { cat "$lw/patch.log"; fail "$line: $(basename "$p") does not apply to $QEMU_DEB_VERSION"; }
    echo "  applied $(basename "$p")"
  done
}

# Upstream and patched-off preprocess to the same token stream: __LINE__ and
# __FILE__ pinned, line markers off.
same_pp() { # line rel builddir template upstream-file patched-file upstream-pre-flags
  local pp=(-E -P -Wno-builtin-macro-redefined -D__LINE__=0 '-D__FILE__="f"') tag=${2//\//_}
  run_cc "$3" "$4" "$7" "$5" "${pp[@]}" 2>/dev/null | grep -v '^\s*$' >"$lw/$tag.up.i"
  run_cc "$3" "$4" "" "$6" "${pp[@]}" 2>/dev/null | grep -v '^\s*$' >"$lw/$tag.off.i"
  # Real content, not an empty or truncated expansion (both would compare equal).
  [ "$(wc -l <"$lw/$tag.up.i")" -gt 1000 ] || fail "$1: preprocessing upstream $2 gave almost nothing"
  cmp -s "$lw/$tag.up.i" "$lw/$tag.off.i" ||
    { diff "$lw/$tag.up.i" "$lw/$tag.off.i" | head -20; fail "$1: off: $2 preprocesses differently from upstream"; }
  if grep -q 'wfisleep' "$lw/$tag.off.i"; then fail "$1: off: $2 still refers to wfisleep"; fi
}

# The build's own compile line of one object, for another copy of its
# source: no dependency files, output to OUT (or none with -fsyntax-only/-E).
object_cmd() { # builddir object source out
  (cd "$1" && ninja -t commands "$2" | tail -n1) >"$4.cmd.orig"
  /usr/bin/python3 - "$4.cmd.orig" "$3" "$4" <<'PY'
import shlex, sys
argv = shlex.split(open(sys.argv[1]).read())
out, skip = [], False
for a in argv:
    if skip:
        skip = False
        continue
    if a in ("-MQ", "-MF", "-o", "-c"):
        skip = True
        continue
    if a == "-MD":
        continue
    out.append(a)
print(" ".join(shlex.quote(x) for x in out + ["-c", sys.argv[2], "-o", sys.argv[3]]))
PY
}

# The TCG series: applied to a copy of upstream's target/arm/tcg, its
# op_helper.c compiled with the configured "on" build's compile line (the
# glue included), and "off" preprocessing exactly as upstream.
check_tcg() { # line lw src patch...
  local line=$1 lw=$2 src=$3 obj=libqemu-aarch64-softmmu.a.p/target_arm_tcg_op_helper.c.o b
  shift 3
  local tt=$lw/tcg-tree rel=target/arm/tcg/op_helper.c
  log "$line: applying $# TCG patches to a copy of target/arm/tcg"
  mkdir -p "$tt/target/arm"
  cp -r "$lw/upstream/target/arm/tcg" "$tt/target/arm/"
  apply_series "$tt" "$@"
  for b in build-off build-on; do
    # Only the generated headers op_helper.c needs (its order-only inputs).
    local deps
    deps=$(cd "$lw/$b" && ninja -t query "$obj" | awk '/^  input:/ { on = 1; next } /^  outputs:/ { on = 0 } on && /^    \|\| / { print $2 }')
    [ -n "$deps" ] || fail "$line: no generated-header inputs for $obj in $b"
    # shellcheck disable=SC2086 # a list of ninja targets
    (cd "$lw/$b" && ninja $deps) >"$lw/$b.tcg.ninja.log" 2>&1 || fail "$line: ninja in $b; see $lw/$b.tcg.ninja.log"
  done
  local up_cmd off_cmd on_cmd
  up_cmd=$(object_cmd "$lw/build-off" "$obj" "$lw/upstream/$rel" "$lw/op_helper.up.o")
  off_cmd=$(object_cmd "$lw/build-off" "$obj" "$tt/$rel" "$lw/op_helper.off.o")
  on_cmd=$(object_cmd "$lw/build-on" "$obj" "$tt/$rel" "$lw/op_helper.on.o")
  grep -q -- '-DCONFIG_WFISLEEP' <<<"$on_cmd" || fail "$line: on: the compile line of $rel lacks -DCONFIG_WFISLEEP"
  (cd "$lw/build-off" && eval "$up_cmd") >"$lw/op_helper.up.log" 2>&1 ||
    { cat "$lw/op_helper.up.log"; fail "$line: upstream $rel does not compile"; }
  (cd "$lw/build-on" && eval "$on_cmd") >"$lw/op_helper.on.log" 2>&1 ||
    { cat "$lw/op_helper.on.log"; fail "$line: patched $rel does not compile with CONFIG_WFISLEEP"; }
  diff <(norm_diag "$lw/op_helper.up.log") <(norm_diag "$lw/op_helper.on.log") >"$lw/op_helper.diag.diff" ||
    { cat "$lw/op_helper.diag.diff"; fail "$line: on: $rel has diagnostics upstream has not"; }
  # The hook and the glue are in the object: it calls into the library.
  nm -u "$lw/op_helper.on.o" | grep -q ' wfisleep_vcpu_trap_begin$' ||
    fail "$line: on: $rel does not call the library (hook or glue missing)"
  # Off: the same tokens as upstream.
  local tpp="-E -P -Wno-builtin-macro-redefined -D__LINE__=0 -D__FILE__=\\\"f\\\""
  (cd "$lw/build-off" && eval "${up_cmd% -c *} $tpp $lw/upstream/$rel") 2>/dev/null | grep -v '^\s*$' >"$lw/op_helper.up.i"
  (cd "$lw/build-off" && eval "${off_cmd% -c *} $tpp $tt/$rel") 2>/dev/null | grep -v '^\s*$' >"$lw/op_helper.off.i"
  [ "$(wc -l <"$lw/op_helper.up.i")" -gt 1000 ] || fail "$line: preprocessing upstream $rel gave almost nothing"
  cmp -s "$lw/op_helper.up.i" "$lw/op_helper.off.i" ||
    { diff "$lw/op_helper.up.i" "$lw/op_helper.off.i" | head -20; fail "$line: off: $rel preprocesses differently from upstream"; }
  echo "  TCG off: $rel preprocesses exactly as upstream; on: compiled with the build's own line (glue included), no new diagnostics"
}

check_line() { # line -> 0 ok, 77 skipped
  local line=$1 rc=0
  local fetch_out
  fetch_out=$("$here/fetch-qemu-source.sh" --tools "$line" 2>&1) || rc=$?
  echo "$fetch_out"
  if [ "$rc" = 77 ]; then
    return 77
  elif [ "$rc" != 0 ]; then
    fail "fetching qemu $line"
  fi
  local cache=${WFISLEEP_QEMU_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wfisleep/qemu}
  # shellcheck disable=SC1090,SC1091
  . "$cache/$line/source.env"
  local tools=$cache/tools/root
  export PATH=$tools/usr/bin:$PATH
  export PYTHONPATH=$tools/usr/lib/python3/dist-packages${PYTHONPATH:+:$PYTHONPATH}

  local lw=$work/$line
  rm -rf "$lw"
  mkdir -p "$lw"
  log "$line: unpacking $(basename "$QEMU_ORIG_TARBALL") ($QEMU_DEB_VERSION, sha256 $QEMU_ORIG_SHA256)"
  tar --no-same-owner -C "$lw" -xf "$QEMU_ORIG_TARBALL"
  local src
  src=$(find "$lw" -mindepth 1 -maxdepth 1 -type d -name 'qemu-*' | head -n1)
  [ -n "$src" ] || fail "$QEMU_ORIG_TARBALL holds no qemu-* directory"
  # Debian strips the prebuilt firmware; configure only needs the names.
  local f
  while read -r f; do
    [ -e "$src/pc-bios/$f.bz2" ] || : >"$src/pc-bios/$f.bz2"
  done < <(sed -n '/fds = \[/,/\]/p' "$src/pc-bios/meson.build" | grep -oE "edk2-[A-Za-z0-9_-]+\.fd")

  local pdir=${series:-$here/patches/hvf/$line}
  local patches=("$pdir"/*.patch)
  [ -e "${patches[0]}" ] || fail "no patches in $pdir"
  # The TCG series of the line, unless --series replaced the HVF one.
  local tdir=$here/patches/tcg/$line tpatches=()
  if [ -z "$series" ] && [ -d "$tdir" ]; then
    tpatches=("$tdir"/*.patch)
  fi
  # Files the series touches; upstream copies of the existing ones.
  local touched
  touched=$(sed -n 's|^+++ b/||p' "${patches[@]}" | sort -u)
  mkdir -p "$lw/upstream"
  (cd "$src" && for f in $touched target/arm/hvf target/arm/tcg accel/hvf include/system/hvf_int.h; do
    [ -e "$f" ] && cp -r --parents "$f" "$lw/upstream/"
  done; true)

  log "$line: configure unpatched"
  configure_qemu "$src" "$lw/build-upstream"

  log "$line: applying ${#patches[@]} HVF patches"
  apply_series "$src" "${patches[@]}"

  log "$line: configure patched, wfisleep off / on"
  local wcflags wldflags
  wcflags=$(pkg-config --cflags wfisleep)
  wldflags=$(pkg-config --libs wfisleep)
  # The library is shared: meson runs what it links, so it must be found.
  wldflags="$wldflags -Wl,-rpath,$(pkg-config --variable=libdir wfisleep)"
  configure_qemu "$src" "$lw/build-off"
  configure_qemu "$src" "$lw/build-on" --extra-cflags="-DCONFIG_WFISLEEP $wcflags" --extra-ldflags="$wldflags"
  if grep -q 'WFISLEEP' "$lw/build-off/config-host.h" || grep -q 'CONFIG_WFISLEEP' <(cd "$lw/build-off" && ninja -t commands); then
    fail "$line: off: the build mentions CONFIG_WFISLEEP"
  fi

  # Off == upstream: same config, same commands (no build file is patched).
  diff "$lw/build-off/config-host.h" "$lw/build-upstream/config-host.h" >"$lw/config.diff" ||
    { cat "$lw/config.diff"; fail "$line: off: config-host.h differs from upstream"; }
  diff <(cd "$lw/build-off" && ninja -t commands | sed "s|$lw/build-off|BUILD|g") \
    <(cd "$lw/build-upstream" && ninja -t commands | sed "s|$lw/build-upstream|BUILD|g") >"$lw/commands.diff" ||
    { head -20 "$lw/commands.diff"; fail "$line: off: the build's commands differ from upstream"; }
  echo "  off == upstream: config-host.h, $(cd "$lw/build-off" && ninja -t commands | wc -l) ninja commands"

  log "$line: generated headers (qapi, trace) for off and on"
  local b t
  for b in build-off build-on; do
    # The trace headers hvf code includes, where this QEMU has them (10.0
    # has no accel/hvf trace events).
    local gen=(libqemu-aarch64-softmmu.a.p/target_arm_arm-qmp-cmds.c.o)
    for t in trace/trace-target_arm_hvf.h trace/trace-accel_hvf.h; do
      if (cd "$lw/$b" && ninja -t query "$t" >/dev/null 2>&1); then gen+=("$t"); fi
    done
    (cd "$lw/$b" && ninja "${gen[@]}") >"$lw/$b.ninja.log" 2>&1 || fail "$line: ninja in $b; see $lw/$b.ninja.log"
    compile_template "$lw/$b" "$lw/$b.cc"
  done
  grep -q -- '-DCONFIG_WFISLEEP' "$lw/build-on.cc" || fail "$line: on: the compile line lacks -DCONFIG_WFISLEEP"

  # Which .c files to syntax-check: hvf.c, the hvf sources the series
  # touches, and accel/hvf/*.c when it touches them or hvf_int.h.
  local files=(target/arm/hvf/hvf.c) rel
  for rel in $touched; do
    case $rel in
      target/arm/hvf/hvf.c) ;;
      target/arm/hvf/*.c | accel/hvf/*.c) files+=("$rel") ;;
    esac
  done
  if grep -qE '^(include/system/hvf_int\.h|accel/hvf/)' <<<"$touched"; then
    for rel in $(cd "$src" && ls accel/hvf/*.c); do
      case " ${files[*]} " in *" $rel "*) ;; *) files+=("$rel") ;; esac
    done
  fi
  echo "  syntax-check: ${files[*]}"

  local n_same=0 n_on=0
  for rel in "${files[@]}"; do
    local tag=${rel//\//_}
    local up_pre="-iquote $lw/upstream/include"
    # Upstream (pristine copy at the same relative layout) with the off config.
    if [ -e "$lw/upstream/$rel" ]; then
      run_cc "$lw/build-off" "$lw/build-off.cc" "$up_pre" "$lw/upstream/$rel" -fsyntax-only >"$lw/$tag.up.log" 2>&1 ||
        { cat "$lw/$tag.up.log"; fail "$line: upstream $rel does not compile against the shim (shim incomplete?)"; }
      run_cc "$lw/build-off" "$lw/build-off.cc" "" "$src/$rel" -fsyntax-only >"$lw/$tag.off.log" 2>&1 ||
        { cat "$lw/$tag.off.log"; fail "$line: patched $rel does not compile without CONFIG_WFISLEEP"; }
      diff <(norm_diag "$lw/$tag.up.log") <(norm_diag "$lw/$tag.off.log") >/dev/null ||
        fail "$line: off: $rel diagnostics differ from upstream"
      same_pp "$line" "$rel" "$lw/build-off" "$lw/build-off.cc" "$lw/upstream/$rel" "$src/$rel" "$up_pre"
      n_same=$((n_same + 1))
    fi
    # With the option: the hooks, the adapter and the core are compiled.
    run_cc "$lw/build-on" "$lw/build-on.cc" "" "$src/$rel" -fsyntax-only >"$lw/$tag.on.log" 2>&1 ||
      { cat "$lw/$tag.on.log"; fail "$line: patched $rel does not compile with CONFIG_WFISLEEP"; }
    if [ -e "$lw/upstream/$rel" ]; then
      diff <(norm_diag "$lw/$tag.up.log") <(norm_diag "$lw/$tag.on.log") >"$lw/$tag.diag.diff" ||
        { cat "$lw/$tag.diag.diff"; fail "$line: on: $rel has diagnostics upstream has not"; }
    elif [ -n "$(norm_diag "$lw/$tag.on.log")" ]; then
      cat "$lw/$tag.on.log"
      fail "$line: on: new file $rel has diagnostics"
    fi
    n_on=$((n_on + 1))
  done
  # The hooks and the glue really are in the "on" compile (to a file: grep -q
  # would cut the pipe and pipefail would report the compiler's SIGPIPE).
  run_cc "$lw/build-on" "$lw/build-on.cc" "" "$src/target/arm/hvf/hvf.c" -E -P >"$lw/hvf.on.i" 2>/dev/null ||
    fail "$line: on: preprocessing hvf.c failed"
  if ! grep -q 'hvf_wfisleep_wfi(cpu)' "$lw/hvf.on.i" || ! grep -q 'hvf_wfisleep_kick(cpu)' "$lw/hvf.on.i"; then
    fail "$line: on: hvf.c has no wfisleep hook after preprocessing"
  fi
  # (The calls, with their arguments: the header's declarations would match a bare name.)
  grep -q 'wfisleep_vcpu_trap_begin(w->vcpu)' "$lw/hvf.on.i" || fail "$line: on: hvf.c does not include the glue core"
  grep -q 'wfisleep_config_allow("WFISLEEP_STATS")' "$lw/hvf.on.i" || fail "$line: on: the glue does not register WFISLEEP_STATS"
  echo "  HVF off: $n_same files preprocess exactly as upstream; on: $n_on files compile (aarch64, CONFIG_HVF, shims, glue included) with no new diagnostics"

  [ ${#tpatches[@]} -eq 0 ] || check_tcg "$line" "$lw" "$src" "${tpatches[@]}"
  log "PASS qemu $line: $QEMU_DEB_VERSION (Debian $QEMU_SUITE), orig sha256 $QEMU_ORIG_SHA256"
  [ "$keep" = 1 ] || rm -rf "$lw"
}

install_wfisleep
passed=0
skipped=0
for line in "${lines[@]}"; do
  # A subshell keeps errexit in force inside check_line.
  set +e
  (
    set -e
    check_line "$line"
  )
  rc=$?
  set -e
  if [ "$rc" = 77 ]; then
    skipped=$((skipped + 1))
  elif [ "$rc" = 0 ]; then
    passed=$((passed + 1))
  else
    exit "$rc"
  fi
done
echo "qemu patch check: $passed passed, 0 failed, $skipped skipped"
[ "$passed" -gt 0 ] || exit 77
