#!/usr/bin/env python3
"""Writes a gzip'd cpio (newc) initramfs from a directory, reproducibly.

Usage: mkcpio.py ROOT OUT [--node PATH:c|b:MAJOR:MINOR]...

Every entry is owned by root with mtime 0 and entries are sorted, so the same
tree gives the same bytes. --node adds a device node (a build as non-root
cannot mknod one in ROOT; the kernel needs /dev/console before /init runs).
"""
import gzip
import os
import stat
import sys


def header(ino, mode, nlink, size, rdev_major, rdev_minor, name):
    fields = [ino, mode, 0, 0, nlink, 0, size, 0, 0, rdev_major, rdev_minor, len(name) + 1, 0]
    return b"070701" + b"".join(b"%08X" % f for f in fields) + name + b"\0"


def pad4(n):
    return b"\0" * ((4 - n % 4) % 4)


def main(argv):
    if len(argv) < 3 or (len(argv) - 3) % 2:
        sys.exit("usage: mkcpio.py ROOT OUT [--node PATH:c|b:MAJOR:MINOR]...")
    root, out = argv[1], argv[2]
    nodes = []
    for flag, spec in zip(argv[3::2], argv[4::2]):
        parts = spec.split(":")
        if flag != "--node" or len(parts) != 4 or parts[1] not in ("c", "b"):
            sys.exit(f"mkcpio.py: bad node '{spec}' (accepted: --node PATH:c|b:MAJOR:MINOR)")
        kind = stat.S_IFCHR if parts[1] == "c" else stat.S_IFBLK
        nodes.append((parts[0].strip("/"), kind | 0o600, int(parts[2]), int(parts[3])))

    entries = []
    for dirpath, dirnames, filenames in os.walk(root):
        for n in dirnames + filenames:
            full = os.path.join(dirpath, n)
            entries.append((os.path.relpath(full, root), full))
    entries.sort()

    data = bytearray()
    ino = 1
    for rel, full in entries:
        st = os.lstat(full)
        perm = stat.S_IMODE(st.st_mode)
        if stat.S_ISLNK(st.st_mode):
            body = os.readlink(full).encode()
            mode = stat.S_IFLNK | 0o777
        elif stat.S_ISDIR(st.st_mode):
            body, mode = b"", stat.S_IFDIR | perm
        elif stat.S_ISREG(st.st_mode):
            with open(full, "rb") as f:
                body = f.read()
            mode = stat.S_IFREG | perm
        else:
            sys.exit(f"mkcpio.py: {full}: only files, directories and symlinks are copied")
        name = rel.encode()
        data += header(ino, mode, 2 if stat.S_ISDIR(mode) else 1, len(body), 0, 0, name)
        data += pad4(110 + len(name) + 1) + body + pad4(len(body))
        ino += 1
    for path, mode, major, minor in nodes:
        name = path.encode()
        data += header(ino, mode, 1, 0, major, minor, name) + pad4(110 + len(name) + 1)
        ino += 1
    trailer = b"TRAILER!!!"
    data += header(0, 0, 1, 0, 0, 0, trailer) + pad4(110 + len(trailer) + 1)

    with open(out, "wb") as f:
        f.write(gzip.compress(bytes(data), compresslevel=6, mtime=0))


if __name__ == "__main__":
    main(sys.argv)
