#!/usr/bin/env bash
# seed-values.sh - measures the design document's HVF_WFI_SLEEP values table on the test bed.
#   scripts/seed-values.sh   (after scripts/bench.sh built build/release; about 3 minutes)
# Runs idle guests with 4 vCPUs (the document's Alpine guest has 4) at a 100 Hz
# and a 1 kHz tick under off, seed:max_us=50/100/200 and adaptive, and writes
# the README section between `<!-- seed-values-hzN:begin/end -->` from the JSON.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source-path=SCRIPTDIR source=lib/clean-tree.sh
. scripts/lib/clean-tree.sh
require_clean_tree seed-values.sh
bench=build/release/tools/bench/wfisleep-bench
[ -x "$bench" ] || { echo "seed-values.sh: $bench missing: run scripts/bench.sh first" >&2; exit 2; }
mkdir -p results
for hz in 100 1000; do
  "$bench" --scenario "idle:hz=$hz" --vcpus 4 --governor off --governor seed:max_us=50 \
    --governor seed:max_us=100 --governor seed:max_us=200 --governor adaptive \
    --repeat 8 --seconds 1 --no-peers --json "results/seed-values-hz$hz.json" \
    --plot "results/seed-values-hz$hz.png" | tee "results/seed-values-hz$hz.txt"
  scripts/update-readme-results.sh "results/seed-values-hz$hz.json" \
    "results/seed-values-hz$hz.png" "seed-values-hz$hz"
done
