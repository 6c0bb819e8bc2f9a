# SPDX-License-Identifier: MIT
# qemu-releases.sh - sourced: the QEMU release record (integrations/qemu/releases.txt).
# Set qemu_releases to the file's path before calling (the callers do).
# shellcheck shell=bash

# The lines a patch series exists for, newest first.
qemu_lines() { echo 11.1 11.0 10.2 10.0; }

# Default release of a line: the first version of that line in the record.
qemu_default_version() { # line
  awk -v l="$1" '!/^#/ && NF >= 2 { split($1, v, "."); if (v[1] "." v[2] == l) { print $1; exit } }' "$qemu_releases"
}

# Recorded sha256 of qemu-VERSION.tar.xz; empty when there is none.
qemu_recorded_sha256() { # version
  awk -v v="$1" '!/^#/ && $1 == v && $2 != "-" { print $2; exit }' "$qemu_releases"
}

# Where the recorded hash comes from (free text).
qemu_hash_source() { # version
  awk -v v="$1" '!/^#/ && $1 == v { $1 = ""; $2 = ""; sub(/^ +/, ""); print; exit }' "$qemu_releases"
}

# The HVF patch series of a line.
qemu_series_dir() { # repo line
  echo "$1/integrations/qemu/patches/hvf/$2"
}

# The macOS major version a line's HVF backend needs, where we know of a
# floor: 11.1 needs the macOS 15 (Sequoia) SDK (EL2 registers, Apple's
# in-kernel GIC); empty for the other lines.
qemu_min_macos() { # line
  case $1 in
    11.1) echo 15 ;;
    *) echo "" ;;
  esac
}
