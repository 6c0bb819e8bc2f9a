#!/usr/bin/env bash
# soak.sh - runs real KVM VMs for a while, cycling workloads and governors; fails on lost interrupts, VMM memory growth or a stuck vCPU.
#
#   scripts/soak.sh [--seconds N] [--long-seconds N] [--run-seconds N] [--vm PATH]
#                   [--guest PATH] [--out DIR] [--long-scenario S]
#
#   --seconds N      total soak time (default 900). Short runs cycle over every
#                    scenario x governor first; then one long run whose
#                    resident memory is sampled every second.
#   --long-seconds N length of the long run (default 600 = 10 minutes; when
#                    only --seconds is given, 1/4 of it)
#   --run-seconds N  length of each short run (default 3)
#   --vm PATH        wfisleep-vm (default build/main/vmm/wfisleep-vm)
#   --guest PATH     guest ELF (default: wfis-guest.elf next to the VM's build)
#   --out DIR        keep every run's JSON and log there (default: a temp dir)
#   --long-scenario S  scenario of the long run (default pingpong:rate=20000:
#                    12 M device requests in 10 minutes, whose latencies the VMM
#                    keeps in a fixed-size store, so its memory must stay flat)
# Checks, per run: exit status 0, JSON status "ok", lost_interrupts == 0, the
# run ends before its timeout (a stuck vCPU would keep it alive: the VM gets
# --timeout and the script a hard kill 30 s later). Across runs: the max RSS of
# the last cycle of each configuration is at most 10% + 4 MB above its first
# cycle. Within the long run: resident memory at the end is at most 10% + 4 MB
# above the sample taken after its first quarter (a leak per interrupt/idle
# trap would grow it steadily).
# Exit status: 0 all good, 1 a check failed, 2 bad usage, 77 no /dev/kvm (skip).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=900 long_secs="" run_seconds=3 vm=build/main/vmm/wfisleep-vm guest="" out=""
long_scenario=pingpong:rate=20000 seconds_given=0
usage() { echo "soak.sh: $1 (see the header of scripts/soak.sh for usage)" >&2; exit 2; }
is_uint() { [[ "$1" =~ ^[0-9]+$ ]]; }
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds)
      if ! { [ $# -ge 2 ] && is_uint "$2" && [ "$2" -ge 10 ]; }; then usage "--seconds '${2:-}' must be an integer >= 10"; fi
      seconds=$2; seconds_given=1; shift 2 ;;
    --long-seconds)
      if ! { [ $# -ge 2 ] && is_uint "$2" && [ "$2" -ge 5 ]; }; then usage "--long-seconds '${2:-}' must be an integer >= 5"; fi
      long_secs=$2; shift 2 ;;
    --run-seconds)
      if ! { [ $# -ge 2 ] && is_uint "$2" && [ "$2" -ge 1 ]; }; then usage "--run-seconds '${2:-}' must be an integer >= 1"; fi
      run_seconds=$2; shift 2 ;;
    --vm) [ $# -ge 2 ] || usage "--vm needs a path"; vm=$2; shift 2 ;;
    --guest) [ $# -ge 2 ] || usage "--guest needs a path"; guest=$2; shift 2 ;;
    --out) [ $# -ge 2 ] || usage "--out needs a directory"; out=$2; shift 2 ;;
    --long-scenario) [ $# -ge 2 ] || usage "--long-scenario needs a scenario spec"; long_scenario=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) usage "unknown argument '$1' (accepted: --seconds --long-seconds --run-seconds --vm --guest --out --long-scenario)" ;;
  esac
done
[ -x "$vm" ] || usage "--vm '$vm' is not an executable (build wfisleep-vm first)"
if [ -z "$guest" ]; then
  guest=$(dirname "$(dirname "$vm")")/guest/wfis-guest.elf
fi
[ -f "$guest" ] || usage "--guest '$guest' is not a file"
if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
  echo "soak.sh: SKIP: /dev/kvm is not available (a soak needs real VMs)"
  exit 77
fi
for tool in jq /usr/bin/time timeout; do
  command -v "$tool" >/dev/null || { echo "soak.sh: '$tool' not found" >&2; exit 1; }
done
if [ -z "$out" ]; then
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"
# Run private copies: a rebuild of the tree during a long soak must not
# swap the binary under it.
cp "$vm" "$out/wfisleep-vm" && vm="$out/wfisleep-vm"
cp "$guest" "$out/guest.elf" && guest="$out/guest.elf"

# scenario|vcpus pairs and governors cycled through (inkernel runs have none).
scenarios=("idle:hz=1000|1" "tickless:mean_ms=5|2" "pingpong:rate=2000|2" "burst:len=64,think_us=200|1"
           "compute:busy=1,idle=1|2" "idle:hz=250|2")
governors=("adaptive" "seed:max_us=100" "off" "seed:max_us=1000,strict=1" "deadline" "qemu10"
           "qemu11" "kvm-haltpoll" "adaptive:poll_max_ns=50000" "inkernel")

failures=0 runs=0
declare -A first_rss last_rss
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# run_vm NAME SECONDS SCENARIO VCPUS GOVERNOR -> sets rss_kb; checks the run.
run_vm() {
  local name=$1 secs=$2 scen=$3 vcpus=$4 gov=$5
  local json="$out/$name.json" log="$out/$name.log" args=()
  if [ "$gov" = inkernel ]; then
    args=(--mode inkernel)
  else
    args=(--governor "$gov")
  fi
  local vm_timeout=$((secs + 20))
  local rc=0
  /usr/bin/time -f '%M' -o "$out/$name.rss" timeout -k 5 $((vm_timeout + 30)) \
    "$vm" --guest "$guest" --scenario "$scen" --vcpus "$vcpus" --seconds "$secs" \
    --timeout "$vm_timeout" "${args[@]}" --json "$json" --quiet >"$log" 2>&1 || rc=$?
  runs=$((runs + 1))
  rss_kb=$(tail -1 "$out/$name.rss" 2>/dev/null || echo 0)
  is_uint "$rss_kb" || rss_kb=0
  local what="$scen vcpus=$vcpus governor=$gov"
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    fail "$what: still running after its timeout (stuck vCPU?)"; return
  fi
  if [ "$rc" != 0 ]; then
    fail "$what: exit status $rc: $(tail -2 "$log" | tr '\n' ' ')"; return
  fi
  local status lost
  status=$(jq -r .status "$json" 2>/dev/null || echo "no-json")
  lost=$(jq -r .lost_interrupts "$json" 2>/dev/null || echo "?")
  [ "$status" = ok ] || fail "$what: status '$status': $(jq -r .error "$json" 2>/dev/null)"
  [ "$lost" = 0 ] || fail "$what: lost_interrupts=$lost"
  printf '  %-28s vcpus=%s %-28s lost=%s rss=%s KB cpu=%s%%\n' "$scen" "$vcpus" "$gov" "$lost" \
    "$rss_kb" "$(jq -r '.host_cpu_pct // "null" | if type=="number" then (.*10|round/10) else . end' "$json")"
}

start=$(date +%s)
if [ -z "$long_secs" ]; then
  if [ "$seconds_given" = 1 ]; then long_secs=$((seconds / 4)); else long_secs=600; fi
fi
[ "$long_secs" -lt "$seconds" ] || usage "--long-seconds $long_secs must be below --seconds $seconds"
short_budget=$((seconds - long_secs))
echo "soak: $seconds s total: short runs of $run_seconds s for ~$short_budget s, then one $long_secs s run ($(date +%T))"
i=0
while [ $(( $(date +%s) - start + run_seconds + 2 )) -le "$short_budget" ]; do
  s=${scenarios[$((i % ${#scenarios[@]}))]}
  g=${governors[$((i % ${#governors[@]}))]}
  i=$((i + 1))
  scen=${s%|*} vcpus=${s#*|}
  key="$scen|$vcpus|$g"
  before=$failures
  run_vm "short$i" "$run_seconds" "$scen" "$vcpus" "$g"
  [ "$failures" = "$before" ] || continue  # a failed run's RSS says nothing
  [ -n "${first_rss[$key]:-}" ] || first_rss[$key]=$rss_kb
  last_rss[$key]=$rss_kb
done
# Memory across runs of the same configuration.
for key in "${!first_rss[@]}"; do
  f=${first_rss[$key]} l=${last_rss[$key]}
  if [ "$f" -gt 0 ] && [ "$l" -gt $((f + f / 10 + 4096)) ]; then
    fail "max RSS of '$key' grew from $f KB to $l KB across runs"
  fi
done

# One long run: sample VmRSS/VmHWM every second.
echo "soak: long run, $long_secs s, $long_scenario on 2 vCPUs, adaptive"
long_json="$out/long.json"
"$vm" --guest "$guest" --scenario "$long_scenario" --vcpus 2 --seconds "$long_secs" \
  --timeout $((long_secs + 20)) --governor adaptive --json "$long_json" --quiet >"$out/long.log" 2>&1 &
pid=$!
samples=()
while kill -0 "$pid" 2>/dev/null; do
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
  [ -n "$rss" ] && samples+=("$rss")
  hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo "$hwm")
  if [ $(( $(date +%s) - start )) -gt $((seconds + 60)) ]; then
    kill -9 "$pid"; fail "long run: still running 60 s after the soak's end (stuck vCPU?)"; break
  fi
  sleep 1
done
rc=0; wait "$pid" || rc=$?
runs=$((runs + 1))
if [ "$rc" != 0 ]; then
  fail "long run: exit status $rc: $(tail -2 "$out/long.log" | tr '\n' ' ')"
else
  [ "$(jq -r .status "$long_json")" = ok ] || fail "long run: status $(jq -r .status "$long_json")"
  [ "$(jq -r .lost_interrupts "$long_json")" = 0 ] || fail "long run: lost_interrupts=$(jq -r .lost_interrupts "$long_json")"
  over=$(jq -r '.device_over_cap // 0' "$long_json")
  [ "$over" = 0 ] || fail "long run: $over device requests beyond the outstanding cap"
fi
n=${#samples[@]}
if [ "$n" -ge 4 ]; then
  q=${samples[$((n / 4))]} e=${samples[$((n - 1))]}
  echo "  long run: $n RSS samples, after 1/4: $q KB, end: $e KB, VmHWM ${hwm:-?} KB, wakeups/s $(jq -r .wakeups_per_s "$long_json" 2>/dev/null)"
  [ "$e" -le $((q + q / 10 + 4096)) ] || fail "long run: RSS grew from $q KB to $e KB"
else
  fail "long run: only $n memory samples (ended early?)"
fi

echo "soak: $runs runs in $(( $(date +%s) - start )) s, $failures failure(s) ($(date +%T))"
[ "$failures" = 0 ]
