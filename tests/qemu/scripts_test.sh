#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# scripts_test.sh - what Linux can test of the macOS-only QEMU scripts: shellcheck, argument handling, --dry-run output.
# Usage: tests/qemu/scripts_test.sh REPO_DIR
# ok() cannot fail, so "test && ok || bad" is a plain if/else here.
# shellcheck disable=SC2015
set -uo pipefail

repo=${1:?usage: scripts_test.sh REPO_DIR}
rebuild=$repo/scripts/rebuild-qemu.sh
alpine=$repo/scripts/run-alpine.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME=$tmp/home # the scripts' defaults live under $HOME: keep the real one untouched
mkdir -p "$HOME"
unset WFISLEEP_QEMU_WORK HVF_WFI_SLEEP WFISLEEP_POLICY WFISLEEP_STATS

# shellcheck source-path=SCRIPTDIR source=../common/expect.sh
. "$repo/tests/common/expect.sh"

# lacks NAME PATTERN CMD...: the command's output must not match.
lacks() {
  local name=$1 pat=$2
  shift 2
  if "$@" 2>&1 | grep -qE -- "$pat"; then bad "$name: output matches /$pat/"; else ok; fi
}

# ---- shellcheck: every script of the QEMU integration ----
if command -v shellcheck >/dev/null; then
  for s in "$rebuild" "$alpine" "$repo/scripts/cross-aarch64.sh" \
    "$repo/integrations/qemu/fetch-qemu-source.sh" "$repo/integrations/qemu/check-qemu-patches.sh" \
    "$repo/integrations/qemu/emit-glue.sh" "$repo/integrations/qemu/tcg-builds.sh" \
    "$repo/tests/qemu/series_test.sh" \
    "$repo/tests/qemu/skip_test.sh" "$repo/tests/qemu/broken_patch_test.sh" \
    "$repo/tests/qemu/release_text_test.sh" "$0"; do
    if shellcheck -x "$s"; then ok; else bad "shellcheck $s"; fi
  done
else
  bad "shellcheck not installed (scripts/setup.sh installs it)"
fi

# ---- the Linux check's own scripts: help and argument errors (no network) ----
fetch=$repo/integrations/qemu/fetch-qemu-source.sh
check=$repo/integrations/qemu/check-qemu-patches.sh
expect "fetch --help" 0 'apt-get source --download-only' "$fetch" --help
expect "fetch bad line" 2 "unknown argument '9.2'" "$fetch" 9.2
expect "check --help" 0 'fsyntax-only' "$check" --help
expect "check bad line" 2 "unknown argument '9.2'" "$check" 9.2
expect "check --work needs a dir" 2 '--work needs a directory' "$check" --work

linux=1
[ "$(uname -s)" = Darwin ] && linux=0

# ---- rebuild-qemu.sh ----
expect "rebuild --help" 0 'macOS' "$rebuild" --help
expect "rebuild --help says Linux cannot run it" 0 'cannot run on Linux' "$rebuild" --help
expect "rebuild unknown arg" 2 "unknown argument '--bogus'" "$rebuild" --bogus
expect "rebuild bad line" 2 "--line '9.0' is not a patched QEMU line" "$rebuild" --line 9.0 --dry-run
expect "rebuild version off line" 2 "not on line 11.1" "$rebuild" --qemu-version 10.0.13 --dry-run
expect "rebuild --help names dtc and a Python" 0 'brew install .*dtc.*python3' "$rebuild" --help
expect "rebuild --help names python-setuptools" 0 'brew install .*python-setuptools' "$rebuild" --help
expect "rebuild --help: Sonoma uses 11.0 or 10.2" 0 'macOS 14 \(Sonoma\) use --line 11.0 or --line 10.2' "$rebuild" --help
expect "rebuild bad version" 2 "is not X.Y.Z" "$rebuild" --qemu-version 10.2 --dry-run
expect "rebuild bad jobs" 2 "--jobs '0'" "$rebuild" --jobs 0 --dry-run
expect "rebuild missing dir" 2 "--work-dir needs a directory" "$rebuild" --work-dir
if [ "$linux" = 1 ]; then
  expect "rebuild refuses to run on Linux" 1 'only runs on macOS' "$rebuild"
  [ ! -e "$HOME/wfisleep-qemu" ] && ok || bad "rebuild without --dry-run created $HOME/wfisleep-qemu"
fi

dry=$("$rebuild" --dry-run --work-dir "$tmp/w" --jobs 3 2>&1) || bad "rebuild --dry-run failed: $dry"
[ ! -e "$tmp/w" ] && ok || bad "rebuild --dry-run created $tmp/w"
for pat in '^\+ cmake -S .* -B .*/w/wfisleep-build ' '^\+ cmake --install ' 'CMAKE_INSTALL_NAME_DIR=.*/w/prefix/lib' \
  '^\+ curl .*https://download.qemu.org/qemu-11\.1\.2\.tar\.xz' '^\+ tar -C .*/w -xf ' \
  '--target-list=aarch64-softmmu' "--enable-hvf '--extra-cflags=-DCONFIG_WFISLEEP \\\$\\(pkg-config --cflags wfisleep\\)'" \
  "'--extra-ldflags=\\\$\\(pkg-config --libs wfisleep\\)'" \
  '^\+ env PKG_CONFIG_PATH=.*/w/prefix/lib/pkgconfig pkg-config --atleast-version=0\.2 wfisleep$' \
  'ninja -j 3$' 'ninja install$'; do
  grep -qE -- "$pat" <<<"$dry" && ok || bad "rebuild --dry-run lacks /$pat/"
done
lacks "rebuild: no meson option any more" 'enable-wfisleep' "$rebuild" --dry-run --work-dir "$tmp/w"
# Exactly the series of the line, in order (patches/hvf/LINE).
sdir=$repo/integrations/qemu/patches/hvf/11.1
want=$(cd "$sdir" && printf '%s\n' ./*.patch | sed 's|^\./||')
got=$(sed -nE 's|.*patch -p1 --fuzz=0 --forward -i .*/patches/hvf/11\.1/||p' <<<"$dry")
[ -n "$want" ] && [ "$want" = "$got" ] && ok || bad "rebuild --dry-run applies [$got], want [$want]"

dry10=$("$rebuild" --dry-run --line 10.0 --work-dir "$tmp/w" 2>&1)
grep -q 'qemu-10\.0\.13\.tar\.xz' <<<"$dry10" && grep -qE '/patches/hvf/10\.0/0001' <<<"$dry10" && ok ||
  bad "rebuild --line 10.0 --dry-run: wrong release or series"$'\n'"$dry10"

# The tarball hash: checked against the record, or plainly not checked.
releases=$repo/integrations/qemu/releases.txt
rec=$(awk '$1 == "11.1.2" { print $2 }' "$releases")
[[ $rec =~ ^[0-9a-f]{64}$ ]] && ok || bad "releases.txt has no sha256 for 11.1.2"
grep -qF "expecting sha256 $rec" <<<"$dry" && grep -qE '^\+ shasum -a 256 .*/w/qemu-11\.1\.2\.tar\.xz  # must print' <<<"$dry" && ok ||
  bad "rebuild --dry-run does not check the recorded sha256"$'\n'"$dry"
expect "rebuild: no record, says so" 0 'warning: no recorded sha256 for qemu-10\.0\.13\.tar\.xz.*not checked' \
  "$rebuild" --dry-run --line 10.0 --work-dir "$tmp/w"
dry11=$("$rebuild" --dry-run --line 11.0 --work-dir "$tmp/w" 2>&1)
grep -q 'qemu-11\.0\.4\.tar\.xz' <<<"$dry11" && grep -qE '/patches/hvf/11\.0/0002' <<<"$dry11" && ok ||
  bad "rebuild --line 11.0 --dry-run: wrong release or series"$'\n'"$dry11"

quick=$("$rebuild" quick --dry-run --work-dir "$tmp/w" 2>&1)
grep -qE '^\+ cd .*/w/qemu-11\.1\.2/build && ninja -j' <<<"$quick" && ok ||
  bad "rebuild quick --dry-run lacks the incremental ninja"$'\n'"$quick"
lacks "rebuild quick does not download" 'curl|configure|patch -p1' "$rebuild" quick --dry-run --work-dir "$tmp/w"

# ---- run-alpine.sh ----
grep -qx '# export HVF_WFI_SLEEP=100' "$alpine" && ok || bad "run-alpine.sh lacks the commented '# export HVF_WFI_SLEEP=100' line"
grep -qE '^[[:space:]]*export HVF_WFI_SLEEP' "$alpine" && bad "run-alpine.sh exports HVF_WFI_SLEEP (must stay commented)" || ok
expect "alpine --help" 0 'macOS' "$alpine" --help
expect "alpine --help says Linux cannot run it" 0 'cannot run.*on Linux' "$alpine" --help
expect "alpine unknown arg" 2 "unknown argument 'extra'" "$alpine" extra
expect "alpine smp 0" 2 "--smp '0' is invalid; accepted: 1..64" "$alpine" --smp 0 --dry-run
expect "alpine smp word" 2 "--smp 'four' is invalid" "$alpine" --smp four --dry-run
expect "alpine port" 2 "--ssh-port '70000' is invalid; accepted: 1..65535" "$alpine" --ssh-port 70000 --dry-run
expect "alpine memory" 2 "--memory '64' is invalid" "$alpine" --memory 64 --dry-run
if [ "$linux" = 1 ]; then
  expect "alpine refuses to run on Linux" 1 'needs macOS' "$alpine"
fi

adry=$("$alpine" --dry-run --qemu /opt/q/bin/qemu-system-aarch64 --disk "$tmp/d/a.qcow2" 2>&1) || bad "alpine --dry-run failed: $adry"
[ ! -e "$tmp/d" ] && ok || bad "alpine --dry-run created $tmp/d"
for pat in '^\+ /opt/q/bin/qemu-system-aarch64 .*-accel hvf' ' -smp 4 ' 'hostfwd=tcp::2222-:22' \
  '-machine virt' 'file=.*/d/a\.qcow2' '^\+ /opt/q/bin/qemu-img create -f qcow2 ' \
  '-bios /opt/q/bin/\.\./share/qemu/edk2-aarch64-code\.fd' 'HVF_WFI_SLEEP=<unset>'; do
  grep -qE -- "$pat" <<<"$adry" && ok || bad "alpine --dry-run lacks /$pat/"
done
# A new disk: the ISO is downloaded, checked against Alpine's sha256, attached after the disk.
for pat in '^\+ curl .*-o .*/d/alpine-virt-[0-9.]+-aarch64\.iso\.part https://dl-cdn' \
  '^\+ curl .*\.iso\.sha256 https://dl-cdn.*\.iso\.sha256$' 'shasum -a 256 -c' \
  'file=.*/d/a\.qcow2 -device virtio-blk-pci,drive=hd,bootindex=0' 'media=cdrom.*drive=cd,bootindex=1' \
  'quit with Ctrl-A X'; do
  grep -qE -- "$pat" <<<"$adry" && ok || bad "alpine --dry-run (new disk) lacks /$pat/"
done
expect "alpine --help: ssh as the setup-alpine user" 0 'ssh -p 2222 USER@localhost' "$alpine" --help
expect "alpine --help: how to quit" 0 'Ctrl-A X' "$alpine" --help
# An existing disk: no new disk, no ISO unless it is there (then after the disk: an aborted install still boots).
mkdir -p "$tmp/e"
: >"$tmp/e/a.qcow2"
edry=$("$alpine" --dry-run --disk "$tmp/e/a.qcow2" 2>&1)
grep -qE 'qemu-img create|curl|cdrom' <<<"$edry" && bad "alpine: existing disk, no ISO: creates or attaches something"$'\n'"$edry" || ok
: >"$tmp/e/alpine-virt-3.20.3-aarch64.iso"
edry=$("$alpine" --dry-run --disk "$tmp/e/a.qcow2" 2>&1)
grep -qE 'bootindex=0 .*media=cdrom.*bootindex=1' <<<"$edry" && ! grep -q 'qemu-img create' <<<"$edry" && ok ||
  bad "alpine: existing disk with the ISO beside it: ISO not attached after the disk"$'\n'"$edry"
rm "$tmp/e/alpine-virt-3.20.3-aarch64.iso"
edry=$("$alpine" --dry-run --install --disk "$tmp/e/a.qcow2" 2>&1)
grep -q '^+ curl' <<<"$edry" && grep -q 'media=cdrom' <<<"$edry" && ! grep -q 'qemu-img create' <<<"$edry" && ok ||
  bad "alpine --install on an existing disk: no download or no ISO"$'\n'"$edry"
expect "alpine port and smp options" 0 'hostfwd=tcp::2200-:22.*' "$alpine" --dry-run --ssh-port 2200 --smp 2
expect "alpine smp option" 0 ' -smp 2 ' "$alpine" --dry-run --smp 2
expect "alpine shows the opt-in" 0 'HVF_WFI_SLEEP=100 ' env HVF_WFI_SLEEP=100 "$alpine" --dry-run
# The GIC mode: 11.1+ gets kernel-irqchip=off by default (wfisleep can act), older QEMU no option.
expect "alpine bad --irqchip" 2 "--irqchip 'maybe' is invalid; accepted: auto, off, on" "$alpine" --irqchip maybe --dry-run
mkdir -p "$tmp/q111/bin" "$tmp/q102/bin"
printf '#!/bin/sh\necho "QEMU emulator version 11.1.2"\n' >"$tmp/q111/bin/qemu-system-aarch64"
printf '#!/bin/sh\necho "QEMU emulator version 10.2.2 (Debian 1:10.2.2+ds-1)"\n' >"$tmp/q102/bin/qemu-system-aarch64"
chmod +x "$tmp/q111/bin/qemu-system-aarch64" "$tmp/q102/bin/qemu-system-aarch64"
expect "alpine 11.1: kernel-irqchip=off by default" 0 '^\+ .* -accel hvf,kernel-irqchip=off ' \
  "$alpine" --dry-run --qemu "$tmp/q111/bin/qemu-system-aarch64" --disk "$tmp/e/a.qcow2"
expect "alpine 11.1: --irqchip on says wfisleep cannot act" 0 'wfisleep cannot act' \
  "$alpine" --dry-run --irqchip on --qemu "$tmp/q111/bin/qemu-system-aarch64" --disk "$tmp/e/a.qcow2"
lacks "alpine 10.2: no kernel-irqchip option" 'kernel-irqchip' \
  "$alpine" --dry-run --qemu "$tmp/q102/bin/qemu-system-aarch64" --disk "$tmp/e/a.qcow2"
expect "alpine 10.2: --irqchip off refused" 2 '--irqchip off needs QEMU 11.1 or later' \
  "$alpine" --dry-run --irqchip off --qemu "$tmp/q102/bin/qemu-system-aarch64" --disk "$tmp/e/a.qcow2"
grep -q 'seed policy (HVF_WFI_SLEEP' "$alpine" && ! grep -qi "seed's adaptive" "$alpine" && ok ||
  bad "run-alpine.sh calls the seed policy by another name"

# ---- the user docs speak to users: no workspace path, no issue number ----
for doc in "$repo/docs/qemu-guide.md" "$repo/integrations/qemu/README.md"; do
  leaks=$(grep -nE '/work/|[Ii]ssue #?[0-9]' "$doc")
  [ -z "$leaks" ] && ok || bad "$doc mentions a workspace path or an issue number:"$'\n'"$leaks"
done

finish "qemu scripts"
