"""The qemu-tcg lifecycle tests' machinery: a QMP client, a serial-console
reader, a QEMU launcher for the arm64 Linux test guest and the parser of the
guest's "WFISG ..." lines. Standard library only."""

import json
import math
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time

PREFIX = "WFISG "


# ---------------------------------------------------------------- parsing

def percentile(hist, p):
    """Exact p-th percentile (0 < p <= 100) of a {value: count} histogram: the
    smallest value v with count(<= v) >= ceil(p/100 * total). None when empty."""
    total = sum(hist.values())
    if total == 0:
        return None
    rank = max(1, math.ceil(p / 100.0 * total - 1e-9))
    seen = 0
    for v in sorted(hist):
        seen += hist[v]
        if seen >= rank:
            return v
    return max(hist)


class Results:
    """What one boot's WFISG lines say. Lines are fed in order; a READY line
    starts a new boot (after a reset) and keeps the earlier ones' count."""

    def __init__(self):
        self.ready = []          # (uptime, cpus) of each READY line
        self.marks = {}          # "start"/"end" -> uptime (the last boot's)
        self.end = None          # END status
        self.errors = []         # ERROR texts
        self.work = None
        self.net = None
        self.ct_hist = []        # one {us: count} per cyclictest thread
        self.ct_stat = {}        # "min"/"avg"/"max"/"overflows"/"total" -> [per thread]
        self.ping_hist = {}      # {us: count}
        self.ping = {}           # sent/received/min_ms/avg_ms/max_ms
        self.hb = []             # (cpu, uptime)

    def feed(self, line):
        if not line.startswith(PREFIX):
            return
        f = line[len(PREFIX):].split()
        if not f:
            return
        kind, rest = f[0], f[1:]
        kv = dict(x.split("=", 1) for x in rest if "=" in x)
        if kind == "READY":
            self.ready.append((float(kv["uptime"]), int(kv["cpus"])))
            self.marks, self.end = {}, None
            self.ct_hist, self.ct_stat, self.ping_hist, self.ping = [], {}, {}, {}
        elif kind == "MARK" and rest:
            self.marks[rest[0]] = float(kv.get("uptime", "nan"))
        elif kind == "END":
            self.end = kv.get("status")
        elif kind == "ERROR":
            self.errors.append(" ".join(rest))
        elif kind == "WORK":
            self.work = " ".join(rest)
        elif kind == "NET":
            self.net = rest[0] if rest else None
        elif kind == "CTHIST":
            us, counts = int(rest[0]), [int(c) for c in rest[1:]]
            while len(self.ct_hist) < len(counts):
                self.ct_hist.append({})
            for t, c in enumerate(counts):
                if c:
                    self.ct_hist[t][us] = self.ct_hist[t].get(us, 0) + c
        elif kind == "CTSTAT":
            self.ct_stat[rest[0]] = [int(x) for x in rest[1:]]
        elif kind == "PINGHIST":
            us, c = int(rest[0]), int(rest[1])
            self.ping_hist[us] = self.ping_hist.get(us, 0) + c
        elif kind == "PING":
            self.ping.update(kv)
        elif kind == "HB":
            self.hb.append((int(rest[0]), float(rest[1])))

    def cyclictest(self):
        """Percentiles over all threads: {"p50":..., "p90", "p99", "p99.9",
        "max", "samples", "overflows", "exact"}. cyclictest puts latencies at
        or above its histogram size in an overflow count: a percentile that
        lands there is given as the largest measured latency, and "exact"
        says whether any did."""
        hist = {}
        for h in self.ct_hist:
            for v, c in h.items():
                hist[v] = hist.get(v, 0) + c
        overflows = sum(self.ct_stat.get("overflows", []))
        mx = max(self.ct_stat.get("max", []) + list(hist) or [0])
        out = {"samples": sum(hist.values()) + overflows, "overflows": overflows, "max": mx, "exact": True}
        top = None
        if overflows:
            # The overflows stand at the largest latency, above every bucket.
            top = max([mx] + [v + 1 for v in hist])
            hist[top] = hist.get(top, 0) + overflows
        for p in (50, 90, 99, 99.9):
            v = percentile(hist, p)
            out["p%g" % p] = v
            if top is not None and v == top:
                out["exact"] = False
        return out

    def ping_percentiles(self):
        return {("p%g" % p): percentile(self.ping_hist, p) for p in (50, 90, 99, 99.9)}


def parse_lines(lines):
    r = Results()
    for line in lines:
        r.feed(line)
    return r


# ---------------------------------------------------------------- QMP

class QMPError(Exception):
    pass


class QMP:
    """A QMP client on a unix socket: greeting, qmp_capabilities, commands
    (one at a time) and events collected by a reader thread."""

    def __init__(self, path, timeout=30):
        self.sock = connect_unix(path, timeout)
        self.events = []
        self._cv = threading.Condition()
        self._replies = []
        self._next_id = 0
        self._closed = False
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        with self._cv:
            if not self._cv.wait_for(lambda: self._replies or self._closed, timeout):
                raise QMPError("no QMP greeting in %d s" % timeout)
            greeting = self._replies.pop(0)
        if "QMP" not in greeting:
            raise QMPError("not a QMP greeting: %r" % greeting)
        self.version = greeting["QMP"]["version"]["qemu"]
        self.command("qmp_capabilities")

    def _read(self):
        buf = b""
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    break
                buf += data
                while b"\n" in buf:
                    raw, buf = buf.split(b"\n", 1)
                    if not raw.strip():
                        continue
                    msg = json.loads(raw)
                    with self._cv:
                        if "event" in msg:
                            msg["_host_time"] = time.monotonic()
                            self.events.append(msg)
                        else:
                            self._replies.append(msg)
                        self._cv.notify_all()
        except OSError:
            pass
        with self._cv:
            self._closed = True
            self._cv.notify_all()

    def command(self, _cmd, _timeout=60, **args):
        """Runs one command; its "return" value, or QMPError. (The odd
        parameter names leave "name" and "timeout" free for QMP arguments.)"""
        self._next_id += 1
        msg = {"execute": _cmd, "id": self._next_id}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        with self._cv:
            ok = self._cv.wait_for(
                lambda: self._closed or any(r.get("id") == self._next_id for r in self._replies), _timeout)
            for i, r in enumerate(self._replies):
                if r.get("id") == self._next_id:
                    del self._replies[i]
                    if "error" in r:
                        raise QMPError("%s: %s" % (_cmd, r["error"].get("desc", r["error"])))
                    return r.get("return")
        if _cmd == "quit" and self._closed:
            return None
        raise QMPError("%s: no reply in %d s" % (_cmd, _timeout) if not ok else "%s: connection closed" % _cmd)

    def wait_event(self, name, timeout, since=0, pred=None):
        """The first event NAME at index >= since (matching pred); None on timeout."""
        deadline = time.monotonic() + timeout
        with self._cv:
            while True:
                for e in self.events[since:]:
                    if e["event"] == name and (pred is None or pred(e)):
                        return e
                left = deadline - time.monotonic()
                if left <= 0 or self._closed:
                    return None
                self._cv.wait(left)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def connect_unix(path, timeout):
    """Connects to a unix socket that a starting QEMU will create."""
    deadline = time.monotonic() + timeout
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            return s
        except OSError:
            s.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


# ---------------------------------------------------------------- console

class Console:
    """Reads the guest's serial console from a socket chardev: every line with
    the host's monotonic time of its arrival, a copy in a log file."""

    def __init__(self, path, log_path, timeout=30):
        self.sock = connect_unix(path, timeout)
        self.lines = []  # (host time, text)
        self.closed = False
        self._cv = threading.Condition()
        self._log = open(log_path, "a", buffering=1)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        buf = b""
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    break
                buf += data
                now = time.monotonic()
                while b"\n" in buf:
                    raw, buf = buf.split(b"\n", 1)
                    text = raw.decode("utf-8", "replace").rstrip("\r")
                    self._log.write("%.3f %s\n" % (now, text))
                    with self._cv:
                        self.lines.append((now, text))
                        self._cv.notify_all()
        except OSError:
            pass
        with self._cv:
            self.closed = True
            self._cv.notify_all()

    def wait_for(self, pattern, timeout, since=0):
        """First line at index >= since matching the regex: (index, time, match),
        or None on timeout or when the console closed."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._cv:
            i = since
            while True:
                while i < len(self.lines):
                    m = rx.search(self.lines[i][1])
                    if m:
                        return i, self.lines[i][0], m
                    i += 1
                left = deadline - time.monotonic()
                if left <= 0 or self.closed:
                    return None
                self._cv.wait(min(left, 1.0))

    def texts(self, since=0):
        with self._cv:
            return [t for _, t in self.lines[since:]]

    def count(self):
        with self._cv:
            return len(self.lines)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
        self._reader.join(2)
        self._log.close()


# ---------------------------------------------------------------- QEMU

class Qemu:
    """One qemu-system-aarch64 running the test guest, paused at start (-S)
    until the console and QMP are connected, so no output is lost."""

    def __init__(self, binary, kernel, initrd, smp, work, workdir, name="vm",
                 net="pci", incoming=None, extra_args=()):
        self.binary, self.smp, self.name = binary, smp, name
        self.dir = workdir
        self.qmp_path = os.path.join(workdir, name + ".qmp")
        self.con_path = os.path.join(workdir, name + ".con")
        self.console_log = os.path.join(workdir, name + ".console.log")
        self.stderr_log = os.path.join(workdir, name + ".stderr.log")
        cmd = [binary, "-M", "virt", "-cpu", "cortex-a57", "-m", "512",
               "-accel", "tcg,thread=multi", "-smp", str(smp),
               "-nodefaults", "-display", "none",
               "-chardev", "socket,id=con0,path=%s,server=on,wait=off" % self.con_path,
               "-serial", "chardev:con0",
               "-chardev", "socket,id=qmp0,path=%s,server=on,wait=off" % self.qmp_path,
               "-mon", "chardev=qmp0,mode=control",
               "-kernel", kernel, "-initrd", initrd,
               "-append", "console=ttyAMA0 quiet wfis.work=" + work]
        # romfile= : Debian's "+ds" QEMU source ships no option ROMs.
        if net == "pci":
            cmd += ["-netdev", "user,id=n0", "-device", "virtio-net-pci,netdev=n0,romfile="]
        elif net == "mmio":
            cmd += ["-netdev", "user,id=n0", "-device", "virtio-net-device,netdev=n0"]
        if incoming:
            cmd += ["-incoming", incoming]
        else:
            cmd += ["-S"]
        cmd += list(extra_args)
        self.cmd = cmd
        with open(self.stderr_log, "ab") as err:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=err, stderr=err)
        try:
            self.console = Console(self.con_path, self.console_log)
            self.qmp = QMP(self.qmp_path)
        except Exception:
            self.kill()
            raise
        self.started = time.monotonic()

    def cont(self):
        self.started = time.monotonic()
        self.qmp.command("cont")

    def cpu_seconds(self):
        """User + system CPU time of the QEMU process so far."""
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def wait_exit(self, timeout):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def stderr_text(self):
        with open(self.stderr_log, errors="replace") as f:
            return f.read()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for x in ("console", "qmp"):
            if hasattr(self, x):
                getattr(self, x).close()

    def results(self):
        return parse_lines(self.console.texts())


def make_workdir(prefix="wfis-tcg-"):
    # Unix socket paths must stay short: a fresh directory under /tmp.
    return tempfile.mkdtemp(prefix=prefix, dir="/tmp")


def remove_workdir(path):
    shutil.rmtree(path, ignore_errors=True)
