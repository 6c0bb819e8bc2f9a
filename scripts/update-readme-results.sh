#!/usr/bin/env bash
# update-readme-results.sh - regenerates README.md's results section from a bench JSON and plot.
#   scripts/update-readme-results.sh [BENCH.json] [PLOT] [MARK]
#   (defaults: results/bench.json results/bench.png results)
# Replaces everything between `<!-- MARK:begin -->` and `<!-- MARK:end -->` with the
# section wfisleep-bench-report writes from the JSON; the rest of README.md is left as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source-path=SCRIPTDIR source=lib/clean-tree.sh
. scripts/lib/clean-tree.sh
require_clean_tree update-readme-results.sh
json=${1:-results/bench.json}
plot=${2:-results/bench.png}
readme=README.md
mark=${3:-results}
begin="<!-- $mark:begin -->"
end="<!-- $mark:end -->"

[ -f "$json" ] || { echo "update-readme-results.sh: no bench JSON at '$json' (run scripts/bench.sh)" >&2; exit 2; }
[ -f "$plot" ] || { echo "update-readme-results.sh: no plot at '$plot'" >&2; exit 2; }
for m in "$begin" "$end"; do
  n=$(grep -cxF "$m" "$readme" || true)
  [ "$n" = 1 ] || { echo "update-readme-results.sh: $readme must hold the line '$m' exactly once (found $n)" >&2; exit 2; }
done

tool=
for b in build/release build/bench build/main; do
  if [ -x "$b/tools/bench/wfisleep-bench-report" ]; then tool=$b/tools/bench/wfisleep-bench-report; break; fi
done
if [ -z "$tool" ]; then
  cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS=-Wno-error=restrict \
    -DWFISLEEP_BUILD_TESTS=OFF -DWFISLEEP_BUILD_BENCHMARKS=OFF >/dev/null
  cmake --build build/release --target wfisleep-bench-report
  tool=build/release/tools/bench/wfisleep-bench-report
fi

section=$(mktemp)
out=$(mktemp)
trap 'rm -f "$section" "$out"' EXIT
"$tool" "$json" "$plot" >"$section"
awk -v begin="$begin" -v end="$end" -v section="$section" '
  $0 == begin { print; while ((getline line < section) > 0) print line; skip = 1; next }
  $0 == end   { skip = 0 }
  !skip       { print }
' "$readme" >"$out"
cat "$out" >"$readme"
echo "update-readme-results.sh: $readme results section regenerated from $json"
