#!/usr/bin/env bash
# guest_script_test.sh - offline checks of the arm64 guest's build scripts: shellcheck, usage errors,
# the lock file's form, a visible skip when the archive cannot be reached, and mkcpio.py's archive.
# Usage: tests/qemu-tcg/guest_script_test.sh REPO_DIR
# ok() cannot fail, so "test && ok || bad" is a plain if/else here.
# shellcheck disable=SC2015
set -uo pipefail

repo=${1:?usage: guest_script_test.sh REPO_DIR}
g=$repo/guest/linux-arm64
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# shellcheck source-path=SCRIPTDIR source=../common/expect.sh
. "$repo/tests/common/expect.sh"

if command -v shellcheck >/dev/null; then
  for s in "$g/build.sh" "$repo/scripts/qemu-tcg.sh" "$repo/scripts/lib/debian-apt.sh" "$0"; do
    shellcheck -x "$s" && ok || bad "shellcheck $s"
  done
  # /init runs under busybox sh: checked as POSIX sh.
  shellcheck -s sh "$g/init" && ok || bad "shellcheck -s sh $g/init"
else
  bad "shellcheck not installed (scripts/setup.sh installs it)"
fi

expect "qemu-tcg.sh --help" 0 'kernel PATH' "$repo/scripts/qemu-tcg.sh" --help
expect "qemu-tcg.sh no command" 2 'no command given' "$repo/scripts/qemu-tcg.sh"
expect "qemu-tcg.sh build bad argument" 2 "unknown argument '--bogus'" "$repo/scripts/qemu-tcg.sh" build --bogus
expect "qemu-tcg.sh bad command" 2 "unknown command 'bogus'" "$repo/scripts/qemu-tcg.sh" bogus
expect "build.sh --help" 0 'update-lock' "$g/build.sh" --help
expect "build.sh bad argument" 2 "unknown argument '--bogus'" "$repo/scripts/qemu-tcg.sh" guest --bogus

# Every package line: name, version, a sha256; the kernel is a cloud-arm64 image.
bad_lines=$(grep -vE '^\s*(#|$)' "$g/packages.lock" | awk 'NF != 3 || length($3) != 64 || $3 ~ /[^0-9a-f]/')
[ -z "$bad_lines" ] && ok || bad "packages.lock lines not 'name version sha256': $bad_lines"
for p in 'linux-image-[0-9.]+-[0-9]+-cloud-arm64' busybox-static rt-tests libc6 libnuma1; do
  grep -qE "^$p " "$g/packages.lock" && ok || bad "packages.lock has no $p"
done

# An archive that cannot be reached, with an empty cache: exit 77 and one SKIP line on stdout.
out=$(WFISLEEP_CACHE=$tmp/cache WFISLEEP_DEBIAN_MIRROR=http://127.0.0.1:9/debian \
  "$repo/scripts/qemu-tcg.sh" guest 2>/dev/null)
rc=$?
[ "$rc" = 77 ] && ok || bad "unreachable archive: exit $rc, want 77"
[ "$(printf '%s\n' "$out" | wc -l)" = 1 ] && grep -qE '^SKIP: guest-arm64: apt-get update .* failed' <<<"$out" &&
  ok || bad "unreachable archive: stdout is not one SKIP line: $out"

# mkcpio.py: a newc archive that reads back with the files, a symlink and the node; same bytes twice.
mkdir -p "$tmp/root/bin" "$tmp/root/lib"
printf 'hello\n' >"$tmp/root/bin/f"
chmod 0755 "$tmp/root/bin/f"
ln -s ../bin/f "$tmp/root/lib/l"
python3 "$g/mkcpio.py" "$tmp/root" "$tmp/a.gz" --node dev/console:c:5:1 && ok || bad "mkcpio.py failed"
python3 "$g/mkcpio.py" "$tmp/root" "$tmp/b.gz" --node dev/console:c:5:1
cmp -s "$tmp/a.gz" "$tmp/b.gz" && ok || bad "mkcpio.py: two runs differ"
listing=$(python3 - "$tmp/a.gz" <<'PY'
import gzip, sys
d = gzip.open(sys.argv[1]).read()
i = 0
while True:
    h = d[i:i + 110]
    assert h[:6] == b"070701", h[:6]
    f = [int(h[6 + 8 * k:14 + 8 * k], 16) for k in range(13)]
    mode, size, rmaj, rmin, nlen = f[1], f[6], f[9], f[10], f[11]
    name = d[i + 110:i + 110 + nlen - 1].decode()
    i = (i + 110 + nlen + 3) & ~3
    body = d[i:i + size]
    i = (i + size + 3) & ~3
    if name == "TRAILER!!!":
        break
    print("%s %o %d:%d %r" % (name, mode, rmaj, rmin, body))
PY
)
grep -qx "bin/f 100755 0:0 b'hello\\\\n'" <<<"$listing" && ok || bad "mkcpio.py: bin/f missing or wrong: $listing"
grep -qx "lib/l 120777 0:0 b'../bin/f'" <<<"$listing" && ok || bad "mkcpio.py: symlink lib/l missing or wrong: $listing"
grep -qx "dev/console 20600 5:1 b''" <<<"$listing" && ok || bad "mkcpio.py: dev/console node missing: $listing"
expect "mkcpio.py bad node" 1 "bad node 'dev/x:q:1:2'" python3 "$g/mkcpio.py" "$tmp/root" "$tmp/c.gz" --node dev/x:q:1:2

finish "guest scripts"
