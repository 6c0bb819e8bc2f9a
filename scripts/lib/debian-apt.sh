# debian-apt.sh - sourced: apt-get/apt-cache against the Debian archive with a
# private state, cache and sources list, so the machine's apt setup and lists
# are never touched.
# shellcheck shell=bash

# The Debian archive this machine already uses (deb822 or one-line format);
# WFISLEEP_DEBIAN_MIRROR overrides it.
debian_mirror() {
  if [ -n "${WFISLEEP_DEBIAN_MIRROR:-}" ]; then
    echo "$WFISLEEP_DEBIAN_MIRROR"
    return
  fi
  local uri
  uri=$(cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
    grep -oE '(https?)://[^ ]+/debian/?( |$)' | grep -v -- '-security' | head -n1 | tr -d ' ') || true
  echo "${uri:-http://deb.debian.org/debian}"
}

# The bracketed options of a sources.list line for MIRROR: the Debian archive
# keyring checks the signed Release files; a file:// archive is a local test
# fixture with no signature, trusted as it is.
debian_source_opts() { # mirror
  local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  case $1 in
    file://*) echo "[trusted=yes] " ;;
    *) [ -r "$keyring" ] && echo "[signed-by=$keyring] " ;;
  esac
  return 0
}

# Runs an apt tool with everything under DIR: DIR/state, DIR/cache and the
# sources in DIR/sources.list. Extra -o options may follow the tool name.
debian_apt() { # dir, apt-get|apt-cache, args...
  local dir=$1 tool=$2
  shift 2
  mkdir -p "$dir/state/lists/partial" "$dir/cache/archives/partial" "$dir/trusted.gpg.d"
  [ -f "$dir/state/status" ] || : >"$dir/state/status"
  "$tool" -q -o Dir::State="$dir/state" -o Dir::State::status="$dir/state/status" \
    -o Dir::Cache="$dir/cache" \
    -o Dir::Etc::SourceList="$dir/sources.list" -o Dir::Etc::SourceParts=/dev/null \
    -o Dir::Etc::Trusted="$dir/trusted.gpg" -o Dir::Etc::TrustedParts="$dir/trusted.gpg.d" \
    -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null \
    -o APT::Sandbox::User=root -o Acquire::Languages=none -o Acquire::Retries=2 "$@"
}
