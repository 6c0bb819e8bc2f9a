#!/usr/bin/env bash
# build.sh - builds the arm64 Linux test guest (Debian bookworm's cloud kernel
# and an initramfs of busybox-static, cyclictest and /init) and prints its paths.
#
# Usage: build.sh [--update-lock] [--help]
#   --update-lock  resolve the newest versions bookworm serves (the kernel
#                  through linux-image-cloud-arm64), download them and rewrite
#                  packages.lock; without it the locked versions are fetched
#                  and their sha256 verified.
#
# Output (stdout, exactly): "kernel PATH" and "initrd PATH"; progress goes to
# stderr. Packages come from the Debian archive this machine's apt uses
# (WFISLEEP_DEBIAN_MIRROR overrides it) through a private apt state, with the
# archive's signed metadata checked against Debian's archive keyring.
# Downloads and the built images are cached under
# ${WFISLEEP_CACHE:-${XDG_CACHE_HOME:-~/.cache}/wfisleep}/guest-arm64, keyed
# by packages.lock, init and the build scripts.
#
# Exit status: 0 built or cached; 77 a package cannot be fetched (one
# "SKIP: ..." line says which and why); 2 bad usage; 1 other errors.
set -euo pipefail

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }

update_lock=0
while [ $# -gt 0 ]; do
  case $1 in
    --update-lock) update_lock=1 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "build.sh: unknown argument '$1' (accepted: --update-lock, --help)" >&2; exit 2 ;;
  esac
  shift
done

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../../scripts/lib/debian-apt.sh
. "$here/../../scripts/lib/debian-apt.sh"

lock=$here/packages.lock
suite=bookworm
# The kernel is resolved through this metapackage; the rest are fixed names.
# libgcc-s1: libc6 depends on it (glibc loads it for thread cancellation).
kernel_meta=linux-image-cloud-arm64
userland=(busybox-static rt-tests libc6 libnuma1 libgcc-s1)
# virtio-net over PCI or MMIO; their dependencies are added from .modinfo.
modules=(virtio_net virtio_pci virtio_mmio)

cache=${WFISLEEP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wfisleep}/guest-arm64
mkdir -p "$cache/debs"
exec 9>"$cache/.lock"
flock -w 900 9 || { echo "build.sh: cache $cache is busy (lock $cache/.lock)" >&2; exit 1; }

log() { echo "guest-arm64: $*" >&2; }
skip() { echo "SKIP: $*"; exit 77; }

apt_dir=$cache/apt
arm64=(-o APT::Architecture=arm64 -o APT::Architectures=arm64)
gapt() { debian_apt "$apt_dir" "$1" "${arm64[@]}" "${@:2}"; }

updated=0
apt_update() {
  [ "$updated" = 0 ] || return 0
  local mirror
  mirror=$(debian_mirror)
  mkdir -p "$apt_dir"
  echo "deb $(debian_source_opts "$mirror")$mirror $suite main" >"$apt_dir/sources.list"
  log "apt-get update ($mirror $suite, arm64)"
  # apt-get update exits 0 when an index could not be fetched: read its log too.
  if ! gapt apt-get update >"$apt_dir/update.log" 2>&1 ||
    grep -qE '^(E:|W: Failed to fetch|Err:)' "$apt_dir/update.log"; then
    skip "guest-arm64: apt-get update for Debian $suite arm64 from $mirror failed: $(grep -m1 -E '^(E:|W:|Err:)' "$apt_dir/update.log" | cut -c1-160) (see $apt_dir/update.log)"
  fi
  updated=1
}

# Newest version of a package that the private lists hold.
candidate() { gapt apt-cache show "$1" 2>/dev/null | sed -n 's/^Version: //p' | head -n1; }

deb_path() { # name version -> where apt-get download puts it
  local v=${2//:/%3a}
  echo "$cache/debs/${1}_${v}_arm64.deb"
}

fetch_deb() { # name version [sha256]
  local name=$1 ver=$2 want=${3:-} f
  f=$(deb_path "$name" "$ver")
  if [ -n "$want" ] && [ -f "$f" ] && [ "$(sha256sum "$f" | cut -d' ' -f1)" = "$want" ]; then
    return 0
  fi
  apt_update
  log "downloading $name $ver"
  if ! (cd "$cache/debs" && gapt apt-get download "$name=$ver") >"$cache/debs/download.log" 2>&1; then
    local why
    why="not served by $(debian_mirror) $suite"
    grep -q "Version '$ver' for '$name' was not found\|Unable to locate package" "$cache/debs/download.log" &&
      why="version $ver is no longer listed in $suite (run scripts/qemu-tcg.sh guest --update-lock)"
    skip "guest-arm64: package $name $ver: $why (see $cache/debs/download.log)"
  fi
  [ -f "$f" ] || { echo "build.sh: apt-get download $name=$ver gave no $f" >&2; exit 1; }
  if [ -n "$want" ] && [ "$(sha256sum "$f" | cut -d' ' -f1)" != "$want" ]; then
    echo "build.sh: $f has sha256 $(sha256sum "$f" | cut -d' ' -f1), packages.lock says $want" >&2
    exit 1
  fi
}

if [ "$update_lock" = 1 ]; then
  apt_update
  meta_ver=$(candidate "$kernel_meta")
  [ -n "$meta_ver" ] || skip "guest-arm64: $kernel_meta is not listed in Debian $suite arm64"
  kernel_pkg=$(gapt apt-cache show "$kernel_meta=$meta_ver" | sed -n 's/^Depends: //p' | head -n1 |
    tr ',' '\n' | grep -oE 'linux-image-[0-9][^ ]*-cloud-arm64' | head -n1)
  [ -n "$kernel_pkg" ] || { echo "build.sh: $kernel_meta $meta_ver depends on no linux-image-*-cloud-arm64" >&2; exit 1; }
  tmp=$(mktemp "$lock.XXXXXX")
  {
    echo "# Debian $suite arm64 packages of the arm64 test guest: name version sha256."
    echo "# Written by scripts/qemu-tcg.sh guest --update-lock; the kernel via $kernel_meta $meta_ver."
    for p in "$kernel_pkg" "${userland[@]}"; do
      v=$(candidate "$p")
      [ -n "$v" ] || skip "guest-arm64: package $p is not listed in Debian $suite arm64"
      fetch_deb "$p" "$v"
      echo "$p $v $(sha256sum "$(deb_path "$p" "$v")" | cut -d' ' -f1)"
    done
  } >"$tmp"
  mv "$tmp" "$lock"
  log "packages.lock rewritten"
  # Drop the .debs the new lock no longer names.
  for f in "$cache"/debs/*.deb; do
    keep=0
    while read -r name ver _; do
      [ "$f" = "$(deb_path "$name" "$ver")" ] && keep=1
    done < <(grep -vE '^\s*(#|$)' "$lock")
    [ "$keep" = 1 ] || rm -f "$f"
  done
fi

[ -f "$lock" ] || { echo "build.sh: $lock is missing (run with --update-lock)" >&2; exit 1; }
mapfile -t locked < <(grep -vE '^\s*(#|$)' "$lock")
key=$(cat "$lock" "$here/init" "$here/build.sh" "$here/mkcpio.py" | sha256sum | cut -c1-16)
out=$cache/$key
if [ -f "$out/vmlinuz" ] && [ -f "$out/initrd.img" ]; then
  log "cached build $out"
  echo "kernel $out/vmlinuz"
  echo "initrd $out/initrd.img"
  exit 0
fi

kernel_deb=""
debs=()
for line in "${locked[@]}"; do
  read -r name ver sha rest <<<"$line"
  if [ -z "$sha" ] || [ -n "${rest:-}" ]; then
    echo "build.sh: bad line in $lock: '$line' (want: name version sha256)" >&2
    exit 1
  fi
  fetch_deb "$name" "$ver" "$sha"
  debs+=("$(deb_path "$name" "$ver")")
  case $name in linux-image-*) kernel_deb=$(deb_path "$name" "$ver") ;; esac
done
[ -n "$kernel_deb" ] || { echo "build.sh: $lock names no linux-image package" >&2; exit 1; }

work=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
pkgs=$work/pkgs root=$work/root
mkdir -p "$pkgs" "$root"
log "unpacking"
for d in "${debs[@]}"; do
  case $d in
    "$kernel_deb") # only the image and the modules we load: the rest is large
      dpkg-deb --fsys-tarfile "$d" | tar -x -C "$pkgs" --wildcards './boot/vmlinuz-*' './lib/modules/*/kernel/drivers/virtio/*' \
        './lib/modules/*/kernel/drivers/net/*' './lib/modules/*/kernel/net/core/failover.ko' ;;
    *) dpkg-deb -x "$d" "$pkgs" ;;
  esac
done

krel=$(basename "$(find "$pkgs/lib/modules" -mindepth 1 -maxdepth 1 -type d | head -n1)")
[ -f "$pkgs/boot/vmlinuz-${krel:-none}" ] || { echo "build.sh: no vmlinuz/modules pair in $kernel_deb" >&2; exit 1; }

mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,lib,proc,sys,dev,tmp,run,etc,root} "$root/lib/modules/$krel"
install -m 0755 "$pkgs/bin/busybox" "$root/bin/busybox"
install -m 0755 "$pkgs/usr/bin/cyclictest" "$root/usr/bin/cyclictest"
install -m 0755 "$here/init" "$root/init"

# Shared libraries: the NEEDED closure of cyclictest, from the unpacked debs.
find_lib() { find "$pkgs/lib" "$pkgs/usr/lib" -name "$1" \( -type f -o -type l \) 2>/dev/null | head -n1; }
copy_lib() { # soname
  local src dst
  src=$(find_lib "$1")
  [ -n "$src" ] || { echo "build.sh: cyclictest needs $1, which no package in $lock ships" >&2; exit 1; }
  dst=$root/${src#"$pkgs"/}
  [ -e "$dst" ] && return 0
  mkdir -p "$(dirname "$dst")"
  cp -L "$src" "$dst"
  local n
  for n in $(readelf -d "$src" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do copy_lib "$n"; done
}
for n in $(readelf -d "$root/usr/bin/cyclictest" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do copy_lib "$n"; done
copy_lib libgcc_s.so.1
interp=$(readelf -l "$root/usr/bin/cyclictest" | sed -n 's/.*interpreter: \(.*\)\]/\1/p')
# The interpreter path is a symlink into the multiarch directory copied above.
[ -e "$root$interp" ] || { mkdir -p "$root$(dirname "$interp")" && cp -P "$pkgs$interp" "$root$interp"; }
[ -e "$root$interp" ] || { echo "build.sh: cyclictest's interpreter $interp is not in the image" >&2; exit 1; }

# Modules and a modules.dep for busybox modprobe (Debian makes modules.dep at
# install time with depmod, so the .deb has none): the closure from .modinfo.
declare -A seen=()
dep_lines=()
mod_path() { (cd "$pkgs/lib/modules/$krel" && find kernel -name "$1.ko" | head -n1); }
add_module() { # name -> appends its line after its dependencies'
  local m=$1 p deps d list=()
  [ -z "${seen[$m]:-}" ] || return 0
  seen[$m]=1
  p=$(mod_path "$m")
  [ -n "$p" ] || { echo "build.sh: module $m is not in $kernel_deb" >&2; exit 1; }
  deps=$(readelf -p .modinfo "$pkgs/lib/modules/$krel/$p" | sed -n 's/.*depends=//p' | tr ',' ' ')
  for d in $deps; do
    add_module "$d"
    list+=("$(mod_path "$d")")
  done
  mkdir -p "$root/lib/modules/$krel/$(dirname "$p")"
  cp "$pkgs/lib/modules/$krel/$p" "$root/lib/modules/$krel/$p"
  # modprobe wants every (transitive) dependency, dependents first.
  local all=() l
  for d in "${list[@]}"; do
    all+=("$d")
    for l in "${dep_lines[@]}"; do
      case $l in "$d:"*) read -r -a extra <<<"${l#*:}"; all+=("${extra[@]}") ;; esac
    done
  done
  dep_lines+=("$p:$(printf ' %s' "${all[@]}" | awk '{for (i = 1; i <= NF; i++) if (!s[$i]++) printf " %s", $i}')")
}
for m in "${modules[@]}"; do add_module "$m"; done
printf '%s\n' "${dep_lines[@]}" >"$root/lib/modules/$krel/modules.dep"

log "writing initramfs ($krel)"
mkdir -p "$work/out"
cp "$pkgs/boot/vmlinuz-$krel" "$work/out/vmlinuz"
python3 "$here/mkcpio.py" "$root" "$work/out/initrd.img" --node dev/console:c:5:1
rm -rf "$out"
mv "$work/out" "$out"
# Keep the four newest builds (worktrees of different versions share the cache).
find "$cache" -mindepth 1 -maxdepth 1 -type d -regextype posix-extended -regex '.*/[0-9a-f]{16}' -printf '%T@ %p\n' |
  sort -rn | tail -n +5 | cut -d' ' -f2- | while read -r d; do rm -rf "$d"; done
log "built $out (kernel $krel, initramfs $(du -h "$out/initrd.img" | cut -f1))"
echo "kernel $out/vmlinuz"
echo "initrd $out/initrd.img"
