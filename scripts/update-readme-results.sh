#!/usr/bin/env bash
# update-readme-results.sh - regenerates README.md's results summary and docs/results.md's full
# tables from a bench JSON and plot.
#   scripts/update-readme-results.sh [BENCH.json] [PLOT] [MARK]
#   (defaults: results/bench.json results/bench.png results)
# Replaces everything between `<!-- MARK:begin -->` and `<!-- MARK:end -->` in README.md with the
# short summary (goals table, flagged runs, the picture, what the figures mean), and the same
# section of docs/results.md with the full tables (added at its end when missing); the rest of
# both files is left as it is. Both name the commit the JSON was measured at.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source-path=SCRIPTDIR source=lib/clean-tree.sh
. scripts/lib/clean-tree.sh
require_clean_tree update-readme-results.sh
json=${1:-results/bench.json}
plot=${2:-results/bench.png}
readme=README.md
full=docs/results.md
mark=${3:-results}
begin="<!-- $mark:begin -->"
end="<!-- $mark:end -->"

[ -f "$json" ] || { echo "update-readme-results.sh: no bench JSON at '$json' (run scripts/bench.sh)" >&2; exit 2; }
[ -f "$plot" ] || { echo "update-readme-results.sh: no plot at '$plot'" >&2; exit 2; }
for m in "$begin" "$end"; do
  n=$(grep -cxF "$m" "$readme" || true)
  [ "$n" = 1 ] || { echo "update-readme-results.sh: $readme must hold the line '$m' exactly once (found $n)" >&2; exit 2; }
done
if [ ! -f "$full" ]; then
  cat >"$full" <<'INTRO'
# Full results

The complete tables behind the summaries in the README, written by
`scripts/update-readme-results.sh` from the bench JSON in `results/`. Each
section names the commit and the run it comes from; how to read them is in
[bench.md](bench.md).
INTRO
fi
if ! grep -qxF "$begin" "$full"; then
  printf '\n%s\n%s\n' "$begin" "$end" >>"$full"
fi

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

summary=$(mktemp)
tables=$(mktemp)
out=$(mktemp)
trap 'rm -f "$summary" "$tables" "$out"' EXIT
"$tool" --summary "$full" "$json" "$plot" >"$summary"
"$tool" "$json" "../$plot" >"$tables"  # docs/results.md links the plot from docs/

# replace FILE SECTION: the lines between the markers become SECTION's.
replace() {
  awk -v begin="$begin" -v end="$end" -v section="$2" '
    $0 == begin { print; while ((getline line < section) > 0) print line; skip = 1; next }
    $0 == end   { skip = 0 }
    !skip       { print }
  ' "$1" >"$out"
  cat "$out" >"$1"
}
replace "$readme" "$summary"
replace "$full" "$tables"
echo "update-readme-results.sh: $readme summary and $full tables ($mark) regenerated from $json"
