# SPDX-License-Identifier: MIT
# dry-run.sh - sourced by the macOS scripts: print (with --dry-run) or run one command.
# The caller sets dry=1 for a dry run before calling run.
# shellcheck shell=bash

# Shell-quotes words only where needed, for readable dry-run lines.
shquote() {
  local out=() w
  for w in "$@"; do
    if [[ $w =~ ^[A-Za-z0-9_./:=,+@%-]+$ ]]; then out+=("$w"); else out+=("'${w//\'/\'\\\'\'}'"); fi
  done
  printf '%s' "${out[*]}"
}

# Prints (dry run) or runs one command.
run() {
  if [ "${dry:-0}" = 1 ]; then
    printf '+'; printf ' %s' "$(shquote "$@")"; printf '\n'
  else
    "$@"
  fi
}
