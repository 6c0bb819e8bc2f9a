#!/usr/bin/env bash
# clean_tree_test.sh - the results scripts refuse a work tree with changes outside results/ and
# README's generated sections, on a scratch git repository.
#   tests/bench/clean_tree_test.sh SOURCE_DIR
set -uo pipefail
src=$1
# shellcheck source-path=SCRIPTDIR source=../common/expect.sh
. "$src/tests/common/expect.sh"
# shellcheck source-path=SCRIPTDIR source=../../scripts/lib/clean-tree.sh
. "$src/scripts/lib/clean-tree.sh"

repo=$(mktemp -d)
trap 'rm -rf "$repo"' EXIT
cd "$repo" || exit 1
git init -q .
git config user.email t@example.invalid
git config user.name test
mkdir -p scripts/lib src docs results
cp "$src/scripts/lib/clean-tree.sh" scripts/lib/
cp "$src/scripts/bench.sh" "$src/scripts/update-readme-results.sh" "$src/scripts/seed-values.sh" \
  "$src/scripts/sweep-adaptive.sh" scripts/
printf 'intro\n<!-- results:begin -->\nold table\n<!-- results:end -->\noutro\n' >README.md
echo 'int x;' >src/a.c
echo 'full tables' >docs/results.md
git add -A && git commit -qm base

check() { (require_clean_tree t); }
expect "clean tree" 0 "" check
echo '{}' >results/bench.json
echo 'new tables' >docs/results.md
sed -i 's/old table/new table/' README.md
expect "results/, docs/results.md and a generated section" 0 "" check
sed -i 's/outro/changed outro/' README.md
expect "README outside its sections" 2 "^  README.md$" check
git checkout -q README.md
echo 'int y;' >>src/a.c
expect "a tracked source file" 2 "^  src/a.c$" check
git checkout -q src/a.c
echo stray >notes.txt
expect "an untracked file" 2 "^  notes.txt$" check
# The scripts check before they build or run anything.
for s in bench.sh update-readme-results.sh seed-values.sh "sweep-adaptive.sh poll"; do
  # shellcheck disable=SC2086
  expect "scripts/$s refuses" 2 "uncommitted changes.*" scripts/$s
done
rm notes.txt
rm -rf "$repo/.git"
expect "outside git" 2 "not in a git repository" check
finish clean_tree_test
