#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# fetch-qemu-source.sh - gets QEMU release sources (and meson/pycotap) from Debian source packages, cached.
#
# Usage: fetch-qemu-source.sh [--refresh] [--tools] [LINE...]
#   LINE     10.2 (Debian sid), 10.0 (Debian trixie), 11.1 (Debian sid and
#            experimental), 11.0 (Debian sid); default: 10.2 and 10.0.
#   --tools  also fetch trixie's meson and python3-pycotap .debs (pure Python,
#            needed to configure a Debian "+ds" QEMU tree on Debian 12) and
#            unpack them under the cache (only when a requested line is
#            served: a skipped line needs no tools).
#   --refresh  ask the archive again even when the cache holds a source.
#
# For each line it picks the newest source version of that line the suite
# lists and the archive actually serves (apt-get source --download-only, in a
# private apt state directory: the machine's apt setup is not touched), checks
# its sha256 and writes CACHE/LINE/source.env:
#   QEMU_LINE QEMU_SUITE QEMU_DEB_VERSION QEMU_UPSTREAM_VERSION
#   QEMU_ORIG_TARBALL QEMU_ORIG_SHA256 QEMU_DSC QEMU_DSC_SHA256
# A rerun reuses a cached, hash-verified download without network access.
#
# Environment:
#   WFISLEEP_QEMU_CACHE   cache dir (default ${XDG_CACHE_HOME:-~/.cache}/wfisleep/qemu)
#   WFISLEEP_DEBIAN_MIRROR  Debian archive URL (default: the one this
#                         machine's apt uses, else http://deb.debian.org/debian);
#                         a file:// archive is a local directory and is read
#                         without signature checks (the tests use one)
#
# Exit status: 0 every requested line is available; 77 a line has no source
# served (a "SKIP: ..." line names the reason); 2 bad usage; 1 other errors.
set -euo pipefail

usage() { sed -n '2,/^set -euo/{/^set -euo/d;/SPDX-License-Identifier/d;s/^# \{0,1\}//;p}' "$0"; }

refresh=0
tools=0
lines=()
while [ $# -gt 0 ]; do
  case $1 in
    --refresh) refresh=1 ;;
    --tools) tools=1 ;;
    -h | --help) usage; exit 0 ;;
    10.2 | 10.0 | 11.1 | 11.0) lines+=("$1") ;;
    *) echo "fetch-qemu-source.sh: unknown argument '$1' (accepted: 10.2, 10.0, 11.1, 11.0, --tools, --refresh, --help)" >&2
       exit 2 ;;
  esac
  shift
done
[ ${#lines[@]} -gt 0 ] || lines=(10.2 10.0)

cache=${WFISLEEP_QEMU_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wfisleep/qemu}
mkdir -p "$cache"
# Parallel checks share the cache: one fetch at a time.
exec 9>"$cache/.lock"
flock -w 900 9 || { echo "fetch-qemu-source.sh: cache $cache is busy (lock $cache/.lock)" >&2; exit 1; }

# debian_mirror, debian_source_opts, debian_apt
# shellcheck source-path=SCRIPTDIR source=../../scripts/lib/debian-apt.sh
. "$(dirname "$0")/../../scripts/lib/debian-apt.sh"

suites_of() { # line -> the Debian suites that may serve it, preferred first
  case $1 in
    10.2) echo sid ;;
    10.0) echo trixie ;;
    11.1) echo sid experimental ;;
    11.0) echo sid ;;
  esac
}

# apt with a private state/cache/sources set per suite.
apt_private() { # suite, apt-get|apt-cache, args...
  local suite=$1 tool=$2
  shift 2
  debian_apt "$cache/apt-$suite" "$tool" "$@"
}

apt_update() { # suite
  local suite=$1 mirror opts
  local dir=$cache/apt-$suite
  mirror=$(debian_mirror)
  opts=$(debian_source_opts "$mirror")
  mkdir -p "$dir"
  {
    echo "deb-src ${opts}$mirror $suite main"
    # Binary index only for trixie: meson/pycotap come from there.
    [ "$suite" = trixie ] && echo "deb ${opts}$mirror $suite main"
  } >"$dir/sources.list"
  if ! apt_private "$suite" apt-get update >"$dir/update.log" 2>&1; then
    echo "fetch-qemu-source.sh: apt-get update for $suite from $mirror failed; see $dir/update.log" >&2
    return 1
  fi
}

# Source versions of qemu listed in the suite that belong to the line, newest first.
line_versions() { # suite line
  local suite=$1 line=$2
  apt_private "$suite" apt-cache showsrc qemu 2>/dev/null |
    sed -n 's/^Version: //p' | grep -E "^([0-9]+:)?${line//./\\.}\\." | sort -u |
    while read -r v; do printf '%s\n' "$v"; done |
    sort_versions
}

sort_versions() { # stdin versions -> newest first (dpkg ordering)
  local vs=() v i j t
  while read -r v; do vs+=("$v"); done
  for ((i = 0; i < ${#vs[@]}; i++)); do
    for ((j = i + 1; j < ${#vs[@]}; j++)); do
      if dpkg --compare-versions "${vs[j]}" gt "${vs[i]}"; then
        t=${vs[i]}; vs[i]=${vs[j]}; vs[j]=$t
      fi
    done
  done
  [ ${#vs[@]} -eq 0 ] || printf '%s\n' "${vs[@]}"
}

# Re-checks a cached download against its recorded hashes.
cache_valid() { # line
  local env=$cache/$1/source.env
  [ -f "$env" ] || return 1
  (
    # shellcheck disable=SC1090
    . "$env"
    [ -f "$QEMU_ORIG_TARBALL" ] && [ -f "$QEMU_DSC" ] &&
      [ "$(sha256sum "$QEMU_ORIG_TARBALL" | cut -d' ' -f1)" = "$QEMU_ORIG_SHA256" ] &&
      [ "$(sha256sum "$QEMU_DSC" | cut -d' ' -f1)" = "$QEMU_DSC_SHA256" ]
  )
}

fetch_line() { # line -> 0 ok, 77 none served
  local line=$1 dir suite
  dir=$cache/$line
  if [ "$refresh" = 0 ] && cache_valid "$line"; then
    print_record "$line" cached
    return 0
  fi
  local suites listed=() v
  read -r -a suites <<<"$(suites_of "$line")"
  mkdir -p "$dir"
  for suite in "${suites[@]}"; do
    apt_update "$suite" || return 1
    local versions
    versions=$(line_versions "$suite" "$line")
    [ -n "$versions" ] || continue
    while read -r v; do
      listed+=("$v ($suite)")
      local tmp=$dir/download.tmp
      rm -rf "$tmp"
      mkdir -p "$tmp"
      if (cd "$tmp" && apt_private "$suite" apt-get source --download-only "qemu=$v") >"$dir.download.log" 2>&1; then
        write_record "$line" "$suite" "$v" "$tmp"
        print_record "$line" downloaded
        return 0
      fi
      rm -rf "$tmp"
      echo "fetch-qemu-source.sh: qemu $v is listed in $suite but not served (see $dir.download.log); trying the next $line.x" >&2
    done <<<"$versions"
  done
  if [ ${#listed[@]} -eq 0 ]; then
    echo "SKIP: qemu $line.x: no qemu source version $line.x is listed in Debian ${suites[*]} (checked $(debian_mirror))"
  else
    echo "SKIP: qemu $line.x: Debian lists ${listed[*]} but serves none of them (checked $(debian_mirror))"
  fi
  return 77
}

write_record() { # line suite version tmpdir
  local line=$1 suite=$2 v=$3 tmp=$4 dir=$cache/$1
  local up=${v#*:}
  up=${up%-*}
  local orig dsc
  orig=$(find "$tmp" -maxdepth 1 -name 'qemu_*.orig.tar.*' | head -n1)
  dsc=$(find "$tmp" -maxdepth 1 -name 'qemu_*.dsc' | head -n1)
  if [ -z "$orig" ] || [ -z "$dsc" ]; then
    echo "fetch-qemu-source.sh: download of qemu $v gave no .orig tarball or .dsc" >&2
    return 1
  fi
  # Keep only the newest download of the line.
  find "$dir" -maxdepth 1 -type f -name 'qemu_*' -delete 2>/dev/null || true
  mv "$tmp"/qemu_* "$dir"/
  rmdir "$tmp"
  orig=$dir/$(basename "$orig")
  dsc=$dir/$(basename "$dsc")
  {
    printf 'QEMU_LINE=%q\n' "$line"
    printf 'QEMU_SUITE=%q\n' "$suite"
    printf 'QEMU_DEB_VERSION=%q\n' "$v"
    printf 'QEMU_UPSTREAM_VERSION=%q\n' "${up%+ds}"
    printf 'QEMU_ORIG_TARBALL=%q\n' "$orig"
    printf 'QEMU_ORIG_SHA256=%q\n' "$(sha256sum "$orig" | cut -d' ' -f1)"
    printf 'QEMU_DSC=%q\n' "$dsc"
    printf 'QEMU_DSC_SHA256=%q\n' "$(sha256sum "$dsc" | cut -d' ' -f1)"
    printf 'QEMU_FETCHED_AT=%q\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  } >"$dir/source.env"
}

print_record() { # line how
  (
    # shellcheck disable=SC1090
    . "$cache/$1/source.env"
    echo "qemu $QEMU_LINE: $QEMU_DEB_VERSION (Debian $QEMU_SUITE, $2) $(basename "$QEMU_ORIG_TARBALL") sha256 $QEMU_ORIG_SHA256"
    echo "  record: $cache/$1/source.env"
  )
}

# meson >= 1.5 and pycotap from trixie: pure-Python .debs, unpacked (not installed).
fetch_tools() {
  local dir=$cache/tools
  if [ "$refresh" = 0 ] && [ -x "$dir/root/usr/bin/meson" ] && [ -d "$dir/root/usr/lib/python3/dist-packages/pycotap" ]; then
    echo "tools: cached in $dir/root"
    return 0
  fi
  [ -f "$cache/apt-trixie/state/lists/lock" ] && [ "$refresh" = 0 ] || apt_update trixie || return 1
  rm -rf "$dir"
  mkdir -p "$dir/debs" "$dir/root"
  if ! (cd "$dir/debs" && apt_private trixie apt-get download meson python3-pycotap) >"$dir/download.log" 2>&1; then
    # Lists may be stale (a newer .deb replaced the listed one): update once.
    apt_update trixie || return 1
    (cd "$dir/debs" && apt_private trixie apt-get download meson python3-pycotap) >"$dir/download.log" 2>&1 || {
      echo "fetch-qemu-source.sh: could not download meson/python3-pycotap from trixie; see $dir/download.log" >&2
      return 1
    }
  fi
  local deb
  for deb in "$dir"/debs/*.deb; do dpkg-deb -x "$deb" "$dir/root"; done
  (cd "$dir/debs" && sha256sum ./*.deb) >"$dir/debs.sha256"
  echo "tools: $(cd "$dir/debs" && echo ./*.deb) unpacked in $dir/root"
}

status=0
served=0
for line in "${lines[@]}"; do
  rc=0
  fetch_line "$line" || rc=$?
  if [ "$rc" = 77 ]; then
    status=77
  elif [ "$rc" != 0 ]; then
    exit 1
  else
    served=$((served + 1))
  fi
done
if [ "$tools" = 1 ] && [ "$served" -gt 0 ]; then
  fetch_tools || exit 1
fi
exit "$status"
