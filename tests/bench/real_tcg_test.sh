#!/usr/bin/env bash
# real_tcg_test.sh - one block of the bench's real-QEMU rows (G6's four) on the real
# qemu-system-aarch64 TCG builds and the arm64 Linux guest: every run completes, the
# workload CPU and cyclictest's percentiles are measured, the wfisleep builds' glue
# entered waits. Exit 77 with a "SKIP: reason" line when the builds or the guest are absent.
#   real_tcg_test.sh BENCH "NAME=PATH;..." KERNEL INITRD
set -u
bench=$1 builds=$2 kernel=$3 initrd=$4
skip() { echo "SKIP: $*"; exit 77; }
[ -n "$builds" ] || skip "no QEMU TCG builds given (WFISLEEP_QEMU_TCG_BUILDS; scripts/test.sh sets it)"
[ -f "$kernel" ] || skip "arm64 guest kernel not found at '$kernel' (WFISLEEP_GUEST_KERNEL)"
[ -f "$initrd" ] || skip "arm64 guest initrd not found at '$initrd' (WFISLEEP_GUEST_INITRD)"
command -v python3 >/dev/null || skip "python3 not found (it reads the JSON)"
flags=()
IFS=';' read -r -a pairs <<<"$builds"
for b in upstream-ppoll upstream-noppoll wfisleep-ppoll wfisleep-noppoll; do
  path=
  for p in "${pairs[@]}"; do [ "${p%%=*}" = "$b" ] && path=${p#*=}; done
  [ -x "$path" ] || skip "QEMU build $b not executable at '$path'"
  flags+=(--tcg-qemu "$b=$path")
done
dir=$(mktemp -d /tmp/wfis-bench-tcg.XXXXXX)
trap 'rm -rf "$dir"' EXIT
set -x
"$bench" --scenario linux-cyclictest:hz=1000 --governor qemu-tcg:upstream-noppoll \
  --governor qemu-tcg:wfisleep-noppoll:adaptive --governor qemu-tcg:upstream-ppoll \
  --governor qemu-tcg:wfisleep-ppoll:adaptive --repeat 1 --tcg-seconds 2 \
  --tcg-kernel "$kernel" --tcg-initrd "$initrd" "${flags[@]}" --json "$dir/b.json" || exit 1
set +x
python3 - "$dir/b.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
runs = j["runs"]
bad = []
if len(runs) != 4:
    bad.append("%d runs, 4 expected" % len(runs))
for r in runs:
    name = r["governor"]
    if r["status"] != "ok":
        bad.append("%s: %s" % (name, r["error"]))
        continue
    w = r["workload_cpu_pct"]
    if not isinstance(w, (int, float)) or not 0 < w < 400:
        bad.append("%s: workload_cpu_pct %r" % (name, w))
    if not isinstance(r.get("workload_cpu_error_pct"), (int, float)):
        bad.append("%s: no workload_cpu_error_pct" % name)
    lat = r["timer_lateness_us"]
    if not lat or lat["count"] < 1000 or lat["p50"] is None or lat["p99_9"] is None:
        bad.append("%s: cyclictest figures %r" % (name, lat))
    if not r["vcpu_cpu_pct"] or len(r["vcpu_cpu_pct"]) != 1:
        bad.append("%s: vCPU thread CPU %r" % (name, r["vcpu_cpu_pct"]))
    waits = r["qemu_tcg"]["waits_entered"]
    if ":adaptive" in name and not (isinstance(waits, int) and waits > 0):
        bad.append("%s: the glue entered no waits (%r)" % (name, waits))
    if "upstream" in name and waits is not None:
        bad.append("%s: an upstream build printed glue lines" % name)
for b in bad:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
PY
