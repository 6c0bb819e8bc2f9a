#!/usr/bin/env python3
"""qemu-tcg lifecycle tests: the arm64 Linux test guest under a given
qemu-system-aarch64 (TCG), driven over QMP and read from its serial console.

Usage: lifecycle.py TEST [options]
  TEST: workload, stopcont, migrate, reset, quit, stress, entries; or run
        (not a test: boots --work SPEC once and prints what it measured)
  --qemu PATH            QEMU under test (default: $WFISLEEP_QEMU)
  --reference-qemu PATH  upstream build measured in the same test (quit, stress)
                         (default: $WFISLEEP_QEMU_REFERENCE)
  --kernel PATH --initrd PATH   the guest (default: $WFISLEEP_GUEST_KERNEL /
                         $WFISLEEP_GUEST_INITRD, else scripts/qemu-tcg.sh guest)
  --smp N                vCPUs (default 1)
  --net pci|mmio|none    the virtio-net transport (default $WFISLEEP_GUEST_NET, else pci)
  --qemu-arg ARG         one more QEMU argument for the QEMU under test (repeatable)
  --expect-entries N     (entries) with no policy set and WFISLEEP_STATS=1,
                         require the glue to report exactly N waits entered
The policy of the QEMU under test comes from the environment
(WFISLEEP_POLICY=adaptive); with WFISLEEP_STATS=1 and a policy, workload
also requires the glue to have entered waits.
  --work SPEC            (run) the guest's wfis.work value
  --keep                 keep the work directory (logs) after a pass

Exit status: 0 pass, 1 fail, 77 skipped (one "SKIP: ..." line says why), 2 usage.
"""

import argparse
import os
import re
import subprocess
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tcglib  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TESTS = ("workload", "stopcont", "migrate", "reset", "quit", "stress", "entries", "run")


class Fail(Exception):
    pass


class Skip(Exception):
    pass


def log(msg):
    print(msg, flush=True)


def check(cond, msg):
    if not cond:
        raise Fail(msg)


class Run:
    def __init__(self, args):
        self.args = args
        self.dir = tcglib.make_workdir()
        self.vms = []
        self.n = 0

    def boot(self, work, qemu=None, incoming=None, extra=(), **kw):
        """Starts a QEMU; without incoming it is released (cont) at once."""
        self.n += 1
        qemu = qemu or self.args.qemu
        if qemu == self.args.qemu:
            extra = list(self.args.qemu_arg) + list(extra)
        vm = tcglib.Qemu(qemu, self.args.kernel, self.args.initrd, self.args.smp, work,
                         self.dir, name="vm%d" % self.n, net=self.args.net,
                         incoming=incoming, extra_args=extra, **kw)
        self.vms.append(vm)
        if not incoming:
            vm.cont()
        return vm

    def ready(self, vm, timeout=60, since=0):
        r = vm.console.wait_for(r"^WFISG READY uptime=(\S+) cpus=(\d+)", timeout, since)
        if r is None:
            raise Fail("%s: no READY line in %d s (console: %s, stderr: %s)"
                       % (vm.name, timeout, vm.console_log, tail(vm.stderr_text())))
        idx, t, m = r
        check(int(m.group(2)) == self.args.smp, "%s: guest sees %s vCPUs, want %d" % (vm.name, m.group(2), self.args.smp))
        return idx, t, float(m.group(1))

    def wait_line(self, vm, pattern, timeout, since=0, what=None):
        r = vm.console.wait_for(pattern, timeout, since)
        if r is None:
            errs = [t for t in vm.console.texts() if t.startswith("WFISG ERROR")]
            raise Fail("%s: no %s in %d s%s (console: %s)" % (vm.name, what or repr(pattern), timeout,
                                                            "; " + errs[0] if errs else "", vm.console_log))
        return r

    def finish(self, vm, timeout=60):
        """Waits for END and QEMU's exit (the guest powers off)."""
        _, _, m = self.wait_line(vm, r"^WFISG END status=(\S+)", timeout, what="END line")
        check(m.group(1) == "ok", "%s: END status=%s %s" % (vm.name, m.group(1), vm.results().errors))
        rc = vm.wait_exit(15)
        check(rc is not None, "%s: QEMU still running 15 s after the guest's END (power-off)" % vm.name)
        return vm.results()

    def cleanup(self, passed):
        for vm in self.vms:
            vm.kill()
        if passed and not self.args.keep:
            tcglib.remove_workdir(self.dir)
        else:
            log("logs: %s" % self.dir)


def tail(text, n=3):
    lines = [x for x in text.strip().splitlines() if x.strip()]
    return " | ".join(lines[-n:]) or "(empty)"


def heartbeat_after(run, vm, t0, timeout, since):
    """Host time by which every vCPU printed a heartbeat arriving after t0."""
    want = set(range(run.args.smp))
    deadline = t0 + timeout
    i = since
    while want:
        left = deadline - time.monotonic()
        if left <= 0:
            return None, want
        r = vm.console.wait_for(r"^WFISG HB (\d+) ", left, i)
        if r is None:
            return None, want
        i, t, m = r
        i += 1
        if t >= t0:
            want.discard(int(m.group(1)))
            last = t
    return last, want


# ---------------------------------------------------------------- tests

def t_workload(run, works=None):
    smp = run.args.smp
    for work, secs in works or (("idle:3", 3),
                                ("cyclictest:threads=%d,interval_us=1000,duration_s=2" % smp, 2),
                                ("heartbeat:period_ms=200,duration_s=2", 2)):
        vm = run.boot(work)
        _, t_ready, up = run.ready(vm)
        _, t_start, _ = run.wait_line(vm, r"^WFISG MARK start", 30, what="MARK start")
        cpu0 = vm.cpu_seconds()
        _, t_end, _ = run.wait_line(vm, r"^WFISG MARK end", secs * 10 + 30, what="MARK end")
        cpu = vm.cpu_seconds() - cpu0
        res = run.finish(vm)
        kind = work.split(":")[0] if "+" not in work else work
        line = "%s smp=%d: READY at guest uptime %.2f s (%.2f s after cont), window %.2f s, QEMU CPU %.0f%% of a core" % (
            kind, smp, up, t_ready - vm.started, t_end - t_start, 100 * cpu / max(t_end - t_start, 1e-3))
        if res.ct_hist or kind == "cyclictest":
            ct = res.cyclictest()
            check(ct["samples"] > 0, "cyclictest printed no histogram")
            check(len(res.ct_hist) == smp, "cyclictest histogram has %d threads, want %d" % (len(res.ct_hist), smp))
            line += "; cyclictest us p50 %s p90 %s p99 %s p99.9 %s max %s (%d samples%s)" % (
                ct["p50"], ct["p90"], ct["p99"], ct["p99.9"], ct["max"], ct["samples"],
                "" if ct["exact"] else ", some above the 20 ms histogram")
        if res.ping:
            pp = res.ping_percentiles()
            line += "; ping %s/%s replies, rtt ms p50 %.3f p99 %.3f" % (
                res.ping.get("received"), res.ping.get("sent"), (pp["p50"] or 0) / 1000, (pp["p99"] or 0) / 1000)
        n = glue_entries(vm)
        if os.environ.get("WFISLEEP_POLICY") == "adaptive" and os.environ.get("WFISLEEP_STATS") == "1":
            check(n is not None and n > 0, "the glue entered %s waits with WFISLEEP_POLICY=adaptive" % n)
        if n is not None:
            line += "; glue waits entered %d" % n
        if kind == "heartbeat":
            cpus = {c for c, _ in res.hb}
            check(cpus == set(range(smp)), "heartbeats from vCPUs %s, want 0..%d" % (sorted(cpus), smp - 1))
        log(line)
    if smp == 1 and not works:
        # A bad value: one ERROR line naming it, END status=error, power-off.
        vm = run.boot("cyclictest:threads=1,interval_us=5,duration_s=1")
        _, _, m = run.wait_line(vm, r"^WFISG END status=(\S+)", 60, what="END line")
        errs = vm.results().errors
        check(m.group(1) == "error" and len(errs) == 1 and "interval_us '5'" in errs[0],
              "bad wfis.work: END status=%s, errors %s" % (m.group(1), errs))
        check(vm.wait_exit(15) is not None, "bad wfis.work: QEMU still running after END")
        log("bad wfis.work rejected: %s" % errs[0])


def t_stopcont(run, cycles=20, hold=0.1):
    smp = run.args.smp
    vm = run.boot("cyclictest:threads=%d,interval_us=1000,duration_s=3+heartbeat:period_ms=100,duration_s=40" % smp)
    run.ready(vm)
    idx, _, _ = run.wait_line(vm, r"^WFISG MARK start", 30, what="MARK start")
    _, missing = heartbeat_after(run, vm, time.monotonic() - 5, 10, idx)
    check(not missing, "vCPUs %s never sent a heartbeat" % sorted(missing))
    worst = 0.0
    for c in range(cycles):
        vm.qmp.command("stop")
        check(vm.qmp.command("query-status")["status"] == "paused", "cycle %d: not paused after stop" % c)
        time.sleep(hold)
        since = vm.console.count()
        vm.qmp.command("cont")
        t0 = time.monotonic()
        last, missing = heartbeat_after(run, vm, t0, 1.0, since)
        check(not missing, "cycle %d: vCPUs %s sent no heartbeat within 1 s of cont" % (c, sorted(missing)))
        worst = max(worst, last - t0)
    log("stopcont smp=%d: %d stop/cont cycles, every vCPU's heartbeat within %.0f ms of each cont (worst)"
        % (smp, cycles, worst * 1000))
    vm.qmp.command("quit")
    vm.wait_exit(10)


def migration_uris(run, vm, path):
    """file: needs QEMU 8.2; older builds (Debian's 7.2) stream through exec:."""
    v = vm.qmp.version
    if (v["major"], v["minor"]) >= (8, 2):
        return "file:" + path, "file:" + path
    return "exec:cat > " + path, "exec:cat " + path


def t_migrate(run):
    smp = run.args.smp
    work = "heartbeat:period_ms=200,duration_s=600"
    src = run.boot(work)
    run.ready(src)
    idx, _, _ = run.wait_line(src, r"^WFISG MARK start", 30, what="MARK start")
    _, missing = heartbeat_after(run, src, time.monotonic() - 5, 10, idx)
    check(not missing, "source: vCPUs %s never sent a heartbeat" % sorted(missing))
    state = os.path.join(run.dir, "state.mig")
    out_uri, in_uri = migration_uris(run, src, state)
    t0 = time.monotonic()
    src.qmp.command("migrate", uri=out_uri)
    deadline = time.monotonic() + 60
    while True:
        st = src.qmp.command("query-migrate").get("status")
        if st == "completed":
            break
        check(st not in ("failed", "cancelled"), "migration to %s: %s" % (out_uri, st))
        check(time.monotonic() < deadline, "migration to %s not completed in 60 s (status %s)" % (out_uri, st))
        time.sleep(0.05)
    t_saved = time.monotonic() - t0
    last_up = max(u for _, u in src.results().hb)
    check(src.qmp.command("query-status")["status"] == "postmigrate", "source not in postmigrate after migration")
    src.qmp.command("quit")
    src.wait_exit(10)
    size = os.path.getsize(state)

    dst = run.boot(work, incoming="defer")
    # MIGRATION events are sent only with this capability.
    dst.qmp.command("migrate-set-capabilities", capabilities=[{"capability": "events", "state": True}])
    dst.qmp.command("migrate-incoming", uri=in_uri)
    t1 = time.monotonic()
    ev = dst.qmp.wait_event("MIGRATION", 60, pred=lambda e: e["data"]["status"] in ("completed", "failed"))
    check(ev is not None, "destination: no MIGRATION completed event in 60 s")
    check(ev["data"]["status"] == "completed", "destination: incoming migration failed")
    if dst.qmp.command("query-status")["status"] != "running":
        dst.qmp.command("cont")
    t_cont = time.monotonic()
    last, missing = heartbeat_after(run, dst, t_cont, 2.0, 0)
    check(not missing, "destination: vCPUs %s sent no heartbeat within 2 s of resuming" % sorted(missing))
    # Keeps ticking: a second round of heartbeats, and the guest's clock went on.
    _, missing = heartbeat_after(run, dst, last + 0.01, 3.0, 0)
    check(not missing, "destination: vCPUs %s stopped ticking after the first heartbeat" % sorted(missing))
    ups = [u for _, u in dst.results().hb]
    check(min(ups) >= last_up - 0.5, "destination's uptime %.2f went back from the source's %.2f" % (min(ups), last_up))
    log("migrate smp=%d: %s (%.1f MiB) saved in %.2f s, loaded in %.2f s; heartbeats resume from uptime %.2f to %.2f on every vCPU"
        % (smp, out_uri.split(":")[0], size / 1048576, t_saved, t_cont - t1, min(ups), max(ups)))
    dst.qmp.command("quit")
    dst.wait_exit(10)


def t_reset(run):
    vm = run.boot("idle:60")
    i1, _, _ = run.ready(vm)
    run.wait_line(vm, r"^WFISG MARK start", 30, what="MARK start")
    time.sleep(1.0)  # the vCPUs are in their idle waits
    n_ev = len(vm.qmp.events)
    t0 = time.monotonic()
    vm.qmp.command("system_reset")
    check(vm.qmp.wait_event("RESET", 10, since=n_ev) is not None, "no RESET event after system_reset")
    _, t_ready, up = run.ready(vm, 60, i1 + 1)
    run.wait_line(vm, r"^WFISG MARK start", 30, since=i1 + 1, what="MARK start after the reset")
    check(len(vm.results().ready) == 2, "want exactly 2 READY lines, got %d" % len(vm.results().ready))
    log("reset smp=%d: second READY %.2f s after system_reset (guest uptime %.2f)" % (run.args.smp, t_ready - t0, up))
    vm.qmp.command("quit")
    vm.wait_exit(10)


def quit_time(run, qemu):
    vm = run.boot("idle:600", qemu=qemu)
    run.ready(vm)
    run.wait_line(vm, r"^WFISG MARK start", 30, what="MARK start")
    time.sleep(1.0)
    t0 = time.monotonic()
    vm.qmp.command("quit")
    rc = vm.wait_exit(30)
    dt = time.monotonic() - t0
    check(rc is not None, "%s: QEMU still running 30 s after quit" % qemu)
    return dt


def t_quit(run):
    dt = quit_time(run, run.args.qemu)
    line = "quit smp=%d: QEMU exited %.3f s after quit" % (run.args.smp, dt)
    if run.args.reference_qemu:
        line += " (reference %.3f s)" % quit_time(run, run.args.reference_qemu)
    log(line)
    check(dt <= 5.0, "quit took %.2f s (limit 5 s)" % dt)


def stress_p999(run, qemu):
    smp = run.args.smp
    work = "cyclictest:threads=%d,interval_us=1000,duration_s=5" % smp
    if run.args.net != "none":
        # Replies from the user network arrive from QEMU's main loop as
        # virtio-net interrupts while the cyclictest threads idle.
        work += "+ping:rate=200,count=1000"
    vm = run.boot(work, qemu=qemu)
    run.ready(vm)
    run.wait_line(vm, r"^WFISG MARK start", 30, what="MARK start")
    # Main-loop work from the host side too: QMP commands that read devices.
    while vm.console.wait_for(r"^WFISG MARK end", 0.02) is None:
        vm.qmp.command("query-pci" if run.args.net == "pci" else "query-status")
        if vm.proc.poll() is not None:
            break
    res = run.finish(vm, 120)
    ct = res.cyclictest()
    check(ct["samples"] > 0, "%s: cyclictest printed no histogram" % qemu)
    pp = res.ping_percentiles() if res.ping_hist else {}
    return ct, res.ping, pp


def t_stress(run):
    # The tail under stress is judged on p99 against the upstream build
    # measured in the same test: on 2 shared cores a single descheduling of
    # this machine's vCPU moves p99.9 (the max, past the histogram) by tens of
    # ms, while a wake-up the glue loses moves p99. A failed bound is measured
    # once more, both builds again, and fails only if it fails twice.
    for attempt in (1, 2):
        ct, ping, pp = stress_p999(run, run.args.qemu)
        line = "stress smp=%d: cyclictest us p50 %s p99 %s p99.9 %s max %s (%d samples%s)" % (
            run.args.smp, ct["p50"], ct["p99"], ct["p99.9"], ct["max"], ct["samples"],
            "" if ct["exact"] else ", p99.9 is the max: above the 20 ms histogram")
        if ping:
            line += "; ping %s/%s replies, rtt ms p50 %.3f p99 %.3f" % (
                ping.get("received"), ping.get("sent"), (pp.get("p50") or 0) / 1000,
                (pp.get("p99") or 0) / 1000)
        log(line)
        check(ct["max"] <= STRESS_MAX_US, "max %s us above %d us: a wake-up was lost or a vCPU stalled" % (
            ct["max"], STRESS_MAX_US))
        if not run.args.reference_qemu:
            log("stress smp=%d: no --reference-qemu: reported only" % run.args.smp)
            return
        ref, _, _ = stress_p999(run, run.args.reference_qemu)
        bound = max(20000, 10 * ref["p99"])
        log("stress smp=%d: reference p99 %s us (p99.9 %s); bound max(20 ms, 10x reference p99) = %d us" % (
            run.args.smp, ref["p99"], ref["p99.9"], bound))
        if ct["p99"] <= bound:
            return
        log("stress smp=%d: attempt %d: p99 %s us above the bound %d us%s" % (
            run.args.smp, attempt, ct["p99"], bound, "; measuring both again" if attempt == 1 else ""))
    check(False, "p99 above the bound in both attempts")


# A wake-up lost for good shows as a sample past any timer period; 1 s is far
# beyond the worst host stall seen here (about 0.12 s).
STRESS_MAX_US = 1000000


ENTRIES_RE = re.compile(r"^wfisleep: tcg: (\d+) waits entered", re.M)


def glue_entries(vm):
    """The glue's own count of waits entered, printed at exit with WFISLEEP_STATS=1; None if absent."""
    m = ENTRIES_RE.search(vm.stderr_text())
    return int(m.group(1)) if m else None


def t_entries(run):
    """With no policy set the hook never enters the glue: it reports 0 waits entered."""
    saved = {k: os.environ.pop(k) for k in ("WFISLEEP_POLICY", "HVF_WFI_SLEEP") if k in os.environ}
    os.environ["WFISLEEP_STATS"] = "1"
    try:
        vm = run.boot("idle:3")
        run.ready(vm)
        run.finish(vm)
    finally:
        os.environ.update(saved)
    n = glue_entries(vm)
    if n is None:
        raise Skip("this QEMU prints no 'wfisleep: tcg: N waits entered' line (an unpatched build?)")
    log("entries smp=%d: %d waits entered with no policy (boot and idle:3)" % (run.args.smp, n))
    if run.args.expect_entries is not None:
        check(n == run.args.expect_entries, "%d waits entered, want %d" % (n, run.args.expect_entries))


def t_run(run):
    if not run.args.work:
        raise Fail("run needs --work SPEC (e.g. --work idle:10)")
    secs = [int(x) for x in re.findall(r"(?:duration_s=|idle:)(\d+)", run.args.work)]
    t_workload(run, ((run.args.work, max(secs or [10])),))


# ---------------------------------------------------------------- main

def build_guest():
    p = subprocess.run([os.path.join(REPO, "scripts", "qemu-tcg.sh"), "guest"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode == 77:
        raise Skip(p.stdout.strip().replace("SKIP: ", "", 1) or "the guest cannot be built")
    if p.returncode != 0:
        raise Fail("scripts/qemu-tcg.sh guest failed: %s" % tail(p.stderr))
    paths = dict(x.split(" ", 1) for x in p.stdout.strip().splitlines())
    return paths["kernel"], paths["initrd"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
                                 usage="lifecycle.py {%s} [options]" % ",".join(TESTS))
    ap.add_argument("test", choices=TESTS)
    ap.add_argument("--qemu", default=os.environ.get("WFISLEEP_QEMU"))
    ap.add_argument("--reference-qemu", default=os.environ.get("WFISLEEP_QEMU_REFERENCE"))
    ap.add_argument("--kernel", default=os.environ.get("WFISLEEP_GUEST_KERNEL"))
    ap.add_argument("--initrd", default=os.environ.get("WFISLEEP_GUEST_INITRD"))
    ap.add_argument("--smp", type=int, default=1, choices=range(1, 9), metavar="N")
    ap.add_argument("--net", choices=("pci", "mmio", "none"), default=os.environ.get("WFISLEEP_GUEST_NET") or "pci")
    ap.add_argument("--qemu-arg", action="append", default=[])
    ap.add_argument("--expect-entries", type=int)
    ap.add_argument("--work")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    if args.test == "run" and not args.work:
        ap.error("run needs --work SPEC (e.g. --work idle:10)")
    name = "%s smp=%d" % (args.test, args.smp)
    try:
        if not args.qemu:
            raise Skip("no QEMU to test: give --qemu PATH, WFISLEEP_QEMU or -DWFISLEEP_QEMU=PATH")
        for what, path in (("--qemu", args.qemu), ("--reference-qemu", args.reference_qemu)):
            if path and not os.access(path, os.X_OK):
                raise Skip("%s %s is not an executable file" % (what, path))
        if bool(args.kernel) != bool(args.initrd):
            raise Fail("give both --kernel and --initrd, or neither (then scripts/qemu-tcg.sh guest builds them)")
        if not args.kernel:
            args.kernel, args.initrd = build_guest()
    except Skip as e:
        print("SKIP: qemu-tcg %s: %s" % (name, e), flush=True)
        return 77
    except Fail as e:
        print("FAIL: qemu-tcg %s: %s" % (name, e), flush=True)
        return 1
    run = Run(args)
    t0 = time.monotonic()
    passed = False
    try:
        globals()["t_" + args.test](run)
        passed = True
    except Skip as e:
        print("SKIP: qemu-tcg %s: %s" % (name, e), flush=True)
        run.cleanup(True)
        return 77
    except (Fail, tcglib.QMPError, OSError) as e:
        print("FAIL: qemu-tcg %s: %s" % (name, e), flush=True)
    except Exception:  # a bug here: still a failure with the logs kept
        traceback.print_exc()
        print("FAIL: qemu-tcg %s: unexpected error (traceback above)" % name, flush=True)
    finally:
        if passed:
            run.cleanup(True)
    if not passed:
        run.cleanup(False)
        return 1
    print("PASS: qemu-tcg %s (%.1f s)" % (name, time.monotonic() - t0), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
