#!/usr/bin/env bash
# Shows what a change does to the checker's output on the real-policy corpus: builds REV (a
# commit, default: the last commit of main before this branch's work, given as the first
# argument) in a scratch worktree, runs `check --format json` and `journeys --format json` of
# both binaries over every policy set of server/test_data/corpus/sets.tsv (each with its base)
# and over the whole corpus at once, and prints the differences. No output and exit 0: the
# two give identical findings and journeys.
#
#   scripts/compare-corpus-output.sh e0443ae          # against a given commit
#   CORPUS=/path/to/corpus scripts/compare-corpus-output.sh HEAD~3
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:?usage: scripts/compare-corpus-output.sh REV}
corpus=${CORPUS:-../shared/corpus}
[ -d "$corpus" ] || { echo "no corpus at $corpus" >&2; exit 2; }
corpus=$(cd "$corpus" && pwd)

scratch=$(mktemp -d)
trap 'git worktree remove --force "$scratch/old" >/dev/null 2>&1 || true; rm -rf "$scratch"' EXIT
git worktree add --detach "$scratch/old" "$rev" >/dev/null 2>&1
(cd "$scratch/old" && CARGO_TARGET_DIR=${OLD_TARGET:-$scratch/target} cargo build -q -p b2c-lsp)
old=${OLD_TARGET:-$scratch/target}/debug/b2c-lsp
cargo build -q -p b2c-lsp
new=target/debug/b2c-lsp

# run BIN OUT: every set, then the whole corpus; paths made relative to the corpus.
run() {
  local bin=$1 out=$2
  : > "$out"
  while IFS=$'\t' read -r folder base; do
    case "$folder" in \#*|'') continue ;; esac
    if [ "${folder%/\*}" != "$folder" ]; then sets=("$corpus/${folder%/\*}"/*/); else sets=("$corpus/$folder"); fi
    for set in "${sets[@]}"; do
      args=(); [ "$base" != "-" ] && args=(--base "$corpus/$base")
      for command in check journeys; do
        echo "## $command ${set#"$corpus"/}" >> "$out"
        "$bin" "$command" --format json "${args[@]}" "$set" 2>/dev/null | sed "s|$corpus/||g" >> "$out" || true
      done
    done
  done < server/test_data/corpus/sets.tsv
  echo "## check (whole corpus)" >> "$out"
  "$bin" check --format json "$corpus" 2>/dev/null | sed "s|$corpus/||g" >> "$out" || true
}
run "$old" "$scratch/old.json"
run "$new" "$scratch/new.json"
diff -u "$scratch/old.json" "$scratch/new.json"
