#!/usr/bin/env bash
# bench.sh - the README's main job: builds wfisleep (Release) and runs the default bench on real VMs.
#   scripts/bench.sh [--update-readme] [wfisleep-bench flags...]
# Writes results/bench.json, results/bench.png and results/bench.txt (the printed report).
# With --update-readme, also regenerates the README's results section from them.
# Extra flags go to wfisleep-bench (e.g. --repeat 10, --quick); the default run (8 blocks) takes
# about 8 minutes, plus about 4 for the real-QEMU rows (--no-qemu-tcg skips them).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source-path=SCRIPTDIR source=lib/clean-tree.sh
. scripts/lib/clean-tree.sh

update_readme=0
args=()
for a in "$@"; do
  case $a in
    --update-readme) update_readme=1 ;;
    -h|--help)
      sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
      exit 0 ;;
    *) args+=("$a") ;;
  esac
done

# Results name the commit they come from: only a committed tree may write them.
require_clean_tree bench.sh

build=build/release
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DWFISLEEP_BUILD_TESTS=OFF -DWFISLEEP_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target wfisleep-bench wfisleep-bench-report wfisleep-vm wfis-guest

mkdir -p results
load=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$load" 'BEGIN { exit !(l > 1.0) }'; then
  echo "bench.sh: note: 1-minute load average is $load; other work on this machine skews the" \
       "figures (the JSON records the load at start and end)" >&2
fi
status=0
"$build/tools/bench/wfisleep-bench" --json results/bench.json --plot results/bench.png \
  "${args[@]}" | tee results/bench.txt || status=${PIPESTATUS[0]}
if [ "$update_readme" = 1 ]; then
  scripts/update-readme-results.sh results/bench.json results/bench.png
fi
exit "$status"
