# clean-tree.sh - sourced by the results scripts: refuse to write results from a tree whose
# figures would not belong to its commit.
# shellcheck shell=bash

# Prints the file with every generated section's body removed (the lines
# between "<!-- NAME:begin -->" and "<!-- NAME:end -->"), markers kept.
strip_generated_sections() {
  awk '/^<!-- [a-z0-9-]+:begin -->$/ { print; skip = 1; next }
       /^<!-- [a-z0-9-]+:end -->$/   { skip = 0 }
       !skip                          { print }'
}

# require_clean_tree SCRIPT: exits 2 with one line per offending path when
# the work tree (tracked or untracked, ignored files aside) differs from
# HEAD anywhere but results/, docs/results.md and the generated sections of
# README.md, which are what the results scripts write.
require_clean_tree() {
  local script=$1 path status dirty=()
  if ! git rev-parse --verify -q HEAD >/dev/null; then
    echo "$script: not in a git repository with a commit: results must name the commit they" \
         "come from" >&2
    exit 2
  fi
  while IFS= read -r line; do
    status=${line:0:2}
    path=${line:3}
    case $path in
      results/*|docs/results.md) continue ;;
      README.md)
        if [ "$status" = " M" ] || [ "$status" = "M " ] || [ "$status" = "MM" ]; then
          if diff -q <(git show HEAD:README.md | strip_generated_sections) \
                     <(strip_generated_sections <README.md) >/dev/null; then
            continue
          fi
        fi ;;
    esac
    dirty+=("$path")
  done < <(git status --porcelain --untracked-files=all)
  if [ "${#dirty[@]}" -gt 0 ]; then
    echo "$script: the work tree has uncommitted changes outside results/ and the README's" \
         "generated sections; commit or stash them, so the results name the commit they" \
         "come from:" >&2
    printf '  %s\n' "${dirty[@]}" >&2
    exit 2
  fi
}
